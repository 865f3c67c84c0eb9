# Roofline: achieved GFLOP/s against arithmetic intensity, a panel per thread
# count, under that thread count's measured roofs (a slanted roof per memory
# level, the fp32 and fp64 peaks flat) and the nominal peaks (dashed).
# figures/roofline.c computes everything drawn, ranges and the numbers'
# places included.  Variables: figure_title, panels, x_lo, x_hi, y_lo, y_hi,
# plot_left, plot_right (screen fractions where the plots begin and end), key_n, key_i and
# key_colour_i (the numbered key), key_line_px, and per panel p:
# panel_title_p; roofs_p (TSV, a block per roof: x, y), roofs_p_n,
# roof_p_i_title, roof_p_i_style (1-4 L1, L2, L3, DRAM; 5-6 fp32, fp64
# measured; 7-8 fp32, fp64 nominal); points_p (TSV: block 0 intensity,
# gflops, number, colour, label_x, label_y; then, by measured_p (1: L2, 2:
# DRAM, 3: both), the measured intensities at L2 and at DRAM (intensity,
# gflops, number, colour) and a block of segments joining them).
load scripts_dir.'/common.gp'

do for [i = 1:12] { set linetype i lc rgb colour(i) }
roof_colours = '#6a3d9a #1f78b4 #33a02c #e31a1c #111111 #666666 #111111 #666666'
roof_colour(s) = word(roof_colours, s)
roof_dash(s) = s >= 7 ? 2 : 1
roof_width(s) = s >= 7 ? 1.5 : (s >= 5 ? 2.5 : 2)
roof(p, i, what) = value(sprintf('roof_%d_%d_%s', p, i, what))

set logscale xy
set xrange [x_lo:x_hi]
set yrange [y_lo:y_hi]
set format x '%g'
set format y '%g'
set xlabel 'arithmetic intensity (flop per byte)'
set ylabel 'GFLOP/s'
set lmargin at screen plot_left
set rmargin at screen plot_right
set multiplot layout panels, 1 title figure_title font ',14'
do for [p = 1:panels] {
    set title value(sprintf('panel_title_%d', p))
    # The legend right of the plot, at the panel's top; the key right of it.
    set key at screen plot_right + 0.015, screen 1 - (p - 1.0) / panels - 60.0 / height \
        left top vertical Left reverse noopaque nobox samplen 3 spacing 1.1 font ',9'
    if (p == 1) {
        do for [i = 1:key_n] {
            set label 100 + i value(sprintf('key_%d', i)) at screen 0.785, \
                screen 1 - (50.0 + i * key_line_px) / height left font ',9' \
                textcolor lt value(sprintf('key_colour_%d', i))
        }
    }
    rf = value(sprintf('roofs_%d', p))
    pf = value(sprintf('points_%d', p))
    nr = value(sprintf('roofs_%d_n', p))
    measured = value(sprintf('measured_%d', p))
    has_l2 = measured % 2
    has_dram = measured >= 2 ? 1 : 0
    l2_block = 1
    dram_block = 1 + has_l2
    joins = 1 + has_l2 + has_dram
    # The simulated intensities' blocks exist only where they were measured:
    # an empty `for` over a missing block still makes gnuplot open it (and
    # warn), so the command is assembled from the blocks present.
    sim = ''
    if (measured > 0) {
        sim = sim . "pf index joins using 1:2 with lines lw 0.8 lc rgb '#aaaaaa' notitle, "
    }
    if (has_l2) {
        sim = sim . "pf index l2_block using 1:2:4 with points pt 9 ps 1.2 lc variable notitle, "
        sim = sim . "NaN with points pt 9 ps 1.2 lc rgb '#444444' title 'at L2 (simulated D1 misses)', "
    }
    if (has_dram) {
        sim = sim . "pf index dram_block using 1:2:4 with points pt 5 ps 1.1 lc variable notitle, "
        sim = sim . "NaN with points pt 5 ps 1.1 lc rgb '#444444' title 'at DRAM (simulated LL misses)', "
    }
    model_title = "at the work model's intensity (colour: record)"
    eval "plot for [i = 1:nr] rf index (i - 1) using 1:2 with lines " . \
         "lw roof_width(roof(p, i, 'style')) dt roof_dash(roof(p, i, 'style')) " . \
         "lc rgb roof_colour(roof(p, i, 'style')) title roof(p, i, 'title'), " . sim . \
         "pf index 0 using 1:2:4 with points pt 7 ps 1.3 lc variable notitle, " . \
         "NaN with points pt 7 ps 1.3 lc rgb '#444444' title model_title, " . \
         "pf index 0 using 5:6:(sprintf('%d', int(column(3)))):4 with labels left font ',9' tc variable notitle"
    unset label
}
unset multiplot
