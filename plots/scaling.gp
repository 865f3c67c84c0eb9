# Speedup or parallel efficiency against threads: one panel per schedule,
# one series per variant.  Variables from `speedlab plot`: quantity
# ('speedup' or 'efficiency'), figure_title, panels, max_threads,
# allowed_cpus, key_below (many variants: the key under each panel, in
# key_columns columns), and per panel p: file_p (TSV blocks: threads,
# speedup, lo, hi, efficiency, lo, hi), panel_title_p, series_p, title_p_s,
# colour_p_s.
load scripts_dir.'/common.gp'

speedup = quantity eq 'speedup'
column_y = speedup ? 2 : 5
# Without an interval the bar collapses onto the point.
low(c) = valid(c + 1) ? column(c + 1) : column(c)
high(c) = valid(c + 2) ? column(c + 2) : column(c)

set xlabel 'threads'
set ylabel (speedup ? 'speedup  T(1) / T(p)' : 'parallel efficiency  speedup / p')
if (max_threads >= 8) {
    set logscale x 2
    set xrange [0.85:max_threads * 1.15]
} else {
    set xrange [0.6:max_threads + 0.4]
    set xtics 1
}
set yrange [0:*]
if (allowed_cpus < max_threads) {
    set arrow 1 from allowed_cpus + 0.5, graph 0 to allowed_cpus + 0.5, graph 1 nohead dt 3 lc rgb '#888888'
    set label 1 'oversubscribed' at allowed_cpus + 0.6, graph 0.95 left textcolor rgb '#888888'
}

if (key_below) {
    set key below horizontal maxcols key_columns
}
set multiplot layout (panels + 1) / 2, (panels > 1 ? 2 : 1) title figure_title font ',14'
do for [p = 1:panels] {
    data = value(sprintf('file_%d', p))
    n = value(sprintf('series_%d', p))
    set title value(sprintf('panel_title_%d', p))
    plot (speedup ? x : 1) with lines dt 2 lw 1.5 lc rgb '#777777' title 'ideal', \
         for [s = 1:n] data index (s - 1) using 1:column_y:(low(column_y)):(high(column_y)) \
             with yerrorlines lw 2 ps 1.2 \
             lc rgb colour(value(sprintf('colour_%d_%d', p, s))) \
             pt point(value(sprintf('colour_%d_%d', p, s))) \
             title value(sprintf('title_%d_%d', p, s))
}
unset multiplot
