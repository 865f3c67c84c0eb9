# Roofline: achieved GFLOP/s against arithmetic intensity under the peak
# FMA roofs (fp64 solid, fp32 dashed) and the measured stream bandwidth.
# Variables: figure_title, file_1 (TSV blocks per workload: flops_per_byte,
# gflops, variant), series_1, title_1_s, colour_1_s, peak_fp64, peak_fp32,
# bandwidth (GB/s), each NaN when unavailable.
load scripts_dir.'/common.gp'

known(v) = v == v
data = file_1
n = series_1
stats data using 1 nooutput
x_lo = STATS_min / 4
x_hi = STATS_max * 4
if (known(bandwidth) && known(peak_fp64) && peak_fp64 / bandwidth < x_lo) { x_lo = peak_fp64 / bandwidth / 2 }
if (known(bandwidth) && known(peak_fp32) && peak_fp32 / bandwidth > x_hi) { x_hi = peak_fp32 / bandwidth * 2 }
stats data using 2 nooutput
y_lo = STATS_min / 4
y_hi = STATS_max * 3
if (known(peak_fp32) && peak_fp32 * 2 > y_hi) { y_hi = peak_fp32 * 2 }
if (known(bandwidth) && bandwidth * x_lo < y_lo) { y_lo = bandwidth * x_lo }

roof(peak, x) = known(bandwidth) ? (bandwidth * x < peak ? bandwidth * x : peak) : peak
set logscale xy
set xrange [x_lo:x_hi]
set yrange [y_lo:y_hi]
set format x '%g'
set format y '%g'
set xlabel 'arithmetic intensity (flop / byte of memory traffic)'
set ylabel 'achieved GFLOP/s'
set title figure_title font ',14'
set samples 800
fp64_title = known(peak_fp64) ? sprintf('fp64 FMA peak %.0f GFLOP/s', peak_fp64) : 'fp64 peak: unavailable'
fp32_title = known(peak_fp32) ? sprintf('fp32 FMA peak %.0f GFLOP/s', peak_fp32) : 'fp32 peak: unavailable'
bw_title = known(bandwidth) ? sprintf('memory bandwidth (stream) %.1f GB/s', bandwidth) : 'bandwidth roof: unavailable (see caption)'
if (known(bandwidth)) {
    # Above the slope, a decade left of the fp64 ridge point.
    label_x = known(peak_fp64) ? peak_fp64 / bandwidth / 12 : x_lo * 3
    set label 31 bw_title at label_x, bandwidth * label_x * 1.8 right font ',10' textcolor rgb '#444444'
} else {
    set label 31 'memory bandwidth roof: unavailable (no stream result larger than the last-level cache)' \
        at graph 0.02, graph 0.96 left font ',10' textcolor rgb '#b00020'
}
plot (known(peak_fp64) ? roof(peak_fp64, x) : NaN) with lines lw 2.5 lc rgb '#222222' title fp64_title, \
     (known(peak_fp32) ? roof(peak_fp32, x) : NaN) with lines lw 1.5 dt 2 lc rgb '#222222' title fp32_title, \
     for [s = 1:n] data index (s - 1) using 1:2 with points ps 1.6 \
         lc rgb colour(value(sprintf('colour_1_%d', s))) pt point(value(sprintf('colour_1_%d', s))) \
         title value(sprintf('title_1_%d', s)), \
     for [s = 1:n] data index (s - 1) using 1:2:3 with labels left offset 0.9, 0.5 font ',8' \
         textcolor rgb colour(value(sprintf('colour_1_%d', s))) notitle
