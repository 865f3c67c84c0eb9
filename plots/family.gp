# The size x threads family: per variant (one row), speedup (left) and
# efficiency (right) against size, one series per thread count.
# Variables: figure_title, panels (rows), by_bytes, l1_bytes, l2_bytes,
# l3_bytes, and per row p: file_p (TSV blocks per thread count: x, speedup,
# lo, hi, efficiency, lo, hi, size), panel_title_p (variant and schedule),
# series_p, title_p_s, colour_p_s.  Error bars: the 95 % intervals; without
# one the bar collapses onto the point.
load scripts_dir.'/common.gp'
load scripts_dir.'/cache_markers.gp'

low(c) = valid(c + 1) ? column(c + 1) : column(c)
high(c) = valid(c + 2) ? column(c + 2) : column(c)
set multiplot layout panels, 2 title figure_title font ',14'
do for [p = 1:panels] {
    data = value(sprintf('file_%d', p))
    n = value(sprintf('series_%d', p))
    @place_x_axis
    set title value(sprintf('panel_title_%d', p)).': speedup'
    set ylabel 'speedup  T(1) / T(p)'
    set yrange [0:*]
    set key below horizontal
    if (by_bytes) {
        plot for [s = 1:n] data index (s - 1) using 1:2:(low(2)):(high(2)) with yerrorlines lw 2 \
                 lc rgb colour(value(sprintf('colour_%d_%d', p, s))) \
                 pt point(value(sprintf('colour_%d_%d', p, s))) \
                 title value(sprintf('title_%d_%d', p, s))
    } else {
        plot for [s = 1:n] data index (s - 1) using 1:2:(low(2)):(high(2)):xtic(8) with yerrorlines lw 2 \
                 lc rgb colour(value(sprintf('colour_%d_%d', p, s))) \
                 pt point(value(sprintf('colour_%d_%d', p, s))) \
                 title value(sprintf('title_%d_%d', p, s))
    }
    set title value(sprintf('panel_title_%d', p)).': efficiency'
    set ylabel 'efficiency  speedup / p'
    set yrange [0:*]
    set key below horizontal
    if (by_bytes) {
        plot 1 with lines dt 2 lc rgb '#777777' title 'ideal', \
             for [s = 1:n] data index (s - 1) using 1:5:(low(5)):(high(5)) with yerrorlines lw 2 \
                 lc rgb colour(value(sprintf('colour_%d_%d', p, s))) \
                 pt point(value(sprintf('colour_%d_%d', p, s))) \
                 title value(sprintf('title_%d_%d', p, s))
    } else {
        plot 1 with lines dt 2 lc rgb '#777777' title 'ideal', \
             for [s = 1:n] data index (s - 1) using 1:5:(low(5)):(high(5)):xtic(8) with yerrorlines lw 2 \
                 lc rgb colour(value(sprintf('colour_%d_%d', p, s))) \
                 pt point(value(sprintf('colour_%d_%d', p, s))) \
                 title value(sprintf('title_%d_%d', p, s))
    }
}
unset multiplot
