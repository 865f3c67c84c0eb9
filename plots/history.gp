# speedlab history --plot: each measurement's median over the records,
# relative to its first point, with its 95 % CI; detected steps circled.
# Variables: datafile, n_series, n_points, title.
load scripts_dir.'/common.gp'
set title 'median time relative to the first record: '.title
set xlabel 'record (ordered)'
set ylabel 'median time / first median'
set grid
set key below
set xrange [-0.5:n_points-0.5]
set xtics 1
if (n_points > 20) set xtics int(n_points/10)
set yrange [*:*]
set datafile missing '?'
plot for [i=0:n_series-1] datafile index i using 1:2:3:4 with yerrorlines \
         title columnheader(1), \
     for [i=0:n_series-1] datafile index i using 1:5 with points pt 6 ps 2.5 lc rgb 'red' \
         notitle, \
     1 with lines dt 2 lc rgb 'grey' notitle
