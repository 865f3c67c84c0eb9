# Load imbalance: each worker's busy time over the mean, horizontal bars, a
# row per variant/schedule (its name written level, however many rows) and a
# bar per worker within it.  Variables: figure_title, file_1 (TSV with a
# header row: group, worker 0, worker 1, ...), series_1 (workers), groups.
load scripts_dir.'/common.gp'

bar = 0.8 / series_1
# Worker w's bar in row r (rows from the top, worker 0 first): its centre.
bar_y(r, w) = -r - (w - (series_1 - 1) / 2.0) * bar
set yrange [-groups + 0.4:0.6]
set xrange [0:*]
set ytics scale 0 font ',10'
set grid noytics xtics
set xlabel 'busy time / mean over workers  (1 = balanced)'
set title figure_title font ',14'
set style fill solid 0.85 border -1
set key outside right top
set arrow 1 from 1, graph 0 to 1, graph 1 nohead dt 2 lw 1.5 lc rgb '#444444'
plot for [w = 0:series_1 - 1] file_1 every ::1 using (0):(bar_y($0, w)):(0):(column(w + 2)):(bar_y($0, w) - bar / 2):(bar_y($0, w) + bar / 2) \
        with boxxyerror title sprintf('worker %d', w) lc rgb colour(w + 1), \
     file_1 every ::1 using (0):(-$0):ytic(1) with points ps 0 notitle, \
     NaN with lines dt 2 lw 1.5 lc rgb '#444444' title 'mean'
