# Throughput against problem size: one panel per thread count, one series
# per variant, cache sizes marked.  Variables: figure_title, panels,
# by_bytes (x is the working set in bytes, else a size index), merit_unit,
# l1_bytes, l2_bytes, l3_bytes (NaN if unknown), and per panel p: file_p
# (TSV blocks: x, merit, median_s, size, schedule), panel_title_p,
# series_p, title_p_s, colour_p_s.
load scripts_dir.'/common.gp'
load scripts_dir.'/cache_markers.gp'

set ylabel sprintf('throughput (%s)', merit_unit)
set logscale y
# Engineering notation: 100, 1k, 10k, 1M (never 10000.000000).
set format y '%.0s%c'
set multiplot layout (panels + 1) / 2, (panels > 1 ? 2 : 1) title figure_title font ',14'
do for [p = 1:panels] {
    data = value(sprintf('file_%d', p))
    n = value(sprintf('series_%d', p))
    set title value(sprintf('panel_title_%d', p))
    @place_x_axis
    if (by_bytes) {
        plot for [s = 1:n] data index (s - 1) using 1:2 with linespoints lw 2 ps 1.1 \
                 lc rgb colour(value(sprintf('colour_%d_%d', p, s))) \
                 pt point(value(sprintf('colour_%d_%d', p, s))) \
                 title value(sprintf('title_%d_%d', p, s))
    } else {
        plot for [s = 1:n] data index (s - 1) using 1:2:xtic(4) with linespoints lw 2 ps 1.1 \
                 lc rgb colour(value(sprintf('colour_%d_%d', p, s))) \
                 pt point(value(sprintf('colour_%d_%d', p, s))) \
                 title value(sprintf('title_%d_%d', p, s))
    }
}
unset multiplot
