# Load imbalance: each worker's busy time over the mean, bars per
# variant/schedule.  Variables: figure_title, file_1 (TSV with a header
# row: group, worker 0, worker 1, ...), series_1 (workers), groups.
load scripts_dir.'/common.gp'

set style data histogram
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set xtics rotate by -35 left font ',9'
set xrange [-0.6:groups - 0.4]
set yrange [0:*]
set ylabel 'busy time / mean over workers  (1 = balanced)'
set title figure_title font ',14'
set bmargin 12
plot for [w = 2:series_1 + 1] file_1 using w:xtic(1) title columnheader(w) lc rgb colour(w - 1), \
     1 with lines dt 2 lw 1.5 lc rgb '#444444' title 'mean'
