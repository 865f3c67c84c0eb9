# Cache misses per unit of work, bars per variant: a hardware panel (PAPI)
# and/or a simulated panel (callgrind), each only where it has counts (a
# source with none is no panel: the report says why).  Events that could not
# be read are noted under the hardware panel, never drawn as zero.
# Variables: figure_title, work_unit, panels, hw_file, hw_events, hw_note,
# sim_file (each hw_/sim_ set only for a panel drawn).
load scripts_dir.'/common.gp'

set style data histogram
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set xtics rotate by -25 left
set ylabel sprintf('misses per %s', work_unit)
# Engineering notation: 10m, 1, 10k, 1M (never 10000.000000).
set format y '%.0s%c'
set key outside right top

# Notes under a panel that has bars: events that could not be read.
note_lines = "do for [l = 1:value(panel_note.'_lines')] { \
        set label 40 + l value(sprintf('%s_%d', panel_note, l)) at graph 0, graph 0 \
            offset 0, -4 - 1.1 * l left font ',9' textcolor rgb '#b00020' }"
set multiplot layout panels, 1 title figure_title font ',14'
if (exists('hw_file')) {
    set title 'hardware counters (PAPI)'
    set logscale y
    panel_note = 'hw_note'
    @note_lines
    y_floor = 1e300
    do for [c = 2:hw_events + 1] { stats hw_file every ::1 using c nooutput; if (STATS_min < y_floor) { y_floor = STATS_min } }
    set yrange [y_floor / 5:*]
    plot for [c = 2:hw_events + 1] hw_file using c:xtic(1) title columnheader(c) lc rgb colour(c - 1)
    unset label
}
if (exists('sim_file')) {
    set title 'simulated caches (valgrind callgrind, this machine''s cache shapes)'
    set logscale y
    y_floor = 1e300
    do for [c = 2:3] { stats sim_file every ::1 using c nooutput; if (STATS_min < y_floor) { y_floor = STATS_min } }
    set yrange [y_floor / 5:*]
    plot for [c = 2:3] sim_file using c:xtic(1) title columnheader(c) lc rgb colour(c + 2)
}
unset multiplot
