# Machines compared: per workload, each machine's best valid figure of merit
# over the first machine's (M1 = 1), bars with the 95 % interval of the
# machine's own median.  Variables: figure_title, file_1 (TSV with a header
# row: workload, then per machine ratio, lo, hi), series_1 (machines),
# title_1_m and colour_1_m per machine, groups (workloads).
load scripts_dir.'/common.gp'

set style data histogram
set style histogram errorbars gap 1.5 lw 1.2
set style fill solid 0.85 border -1
set boxwidth 0.9
set xtics rotate by -30 left font ',10'
set xrange [-0.6:groups - 0.4]
set yrange [0:*]
set ylabel 'best figure of merit / M1''s best  (above 1: faster than M1)'
set title figure_title font ',14'
set bmargin 8
set key outside bottom center horizontal Left reverse
# The header row names the columns; the titles come from the variables.
set key autotitle columnheader
plot for [m = 1:series_1] file_1 using (column(3 * m - 1)):(column(3 * m)):(column(3 * m + 1)):xtic(1) \
         title value(sprintf('title_1_%d', m)) lc rgb colour(value(sprintf('colour_1_%d', m))), \
     1 with lines dt 2 lw 1.5 lc rgb '#444444' title 'M1'
