# Shared by sizes.gp and family.gp: a working-set x axis (log, binary
# prefixes) that spans the data and this machine's L1d, L2 and L3, with a
# dashed vertical line at each cache size.  `@place_x_axis` runs the macro
# once the panel's file (variable `data`) is known.  Its ticks are powers of
# two written with binary prefixes: 512 B, 1 KiB, 256 KiB, 1 MiB, 4 GiB
# (gnuplot's own %b%B says 'ki' and places ticks off the powers of two).
bytes_label(v) = v >= 2.0**30 ? sprintf('%g GiB', v / 2.0**30) : \
                 v >= 2.0**20 ? sprintf('%g MiB', v / 2.0**20) : \
                 v >= 2.0**10 ? sprintf('%g KiB', v / 2.0**10) : sprintf('%g B', v)
set macros
known(v) = v == v
place_x_axis = "if (by_bytes) { \
    set autoscale xy; stats data using 1 nooutput; \
    x_lo = STATS_min; x_hi = STATS_max; \
    if (known(l1_bytes) && l1_bytes < x_lo) { x_lo = l1_bytes }; \
    if (known(l3_bytes) && l3_bytes > x_hi) { x_hi = l3_bytes }; \
    if (known(l2_bytes) && l2_bytes > x_hi) { x_hi = l2_bytes }; \
    set logscale x 2; set xrange [x_lo / 2 : x_hi * 2]; \
    set xtics (); bytes_step = ceil(log(x_hi * 4 / x_lo) / log(2) / 10); \
    do for [k = 0:60] { if (k % bytes_step == 0 && 2.0**k >= x_lo / 2 && 2.0**k <= x_hi * 2) { \
        set xtics add (bytes_label(2.0**k) 2.0**k) } }; set xlabel 'working set of one execution (bytes)'; \
    if (known(l1_bytes)) { set arrow 11 from l1_bytes, graph 0 to l1_bytes, graph 1 nohead dt 2 lc rgb '#999999'; \
                           set label 11 'L1d' at l1_bytes, graph 0 offset 0.3, 0.8 left textcolor rgb '#666666' }; \
    if (known(l2_bytes)) { set arrow 12 from l2_bytes, graph 0 to l2_bytes, graph 1 nohead dt 2 lc rgb '#999999'; \
                           set label 12 'L2' at l2_bytes, graph 0 offset 0.3, 0.8 left textcolor rgb '#666666' }; \
    if (known(l3_bytes)) { set arrow 13 from l3_bytes, graph 0 to l3_bytes, graph 1 nohead dt 2 lc rgb '#999999'; \
                           set label 13 'L3' at l3_bytes, graph 0 offset 0.3, 0.8 left textcolor rgb '#666666' } \
} else { \
    set xlabel 'problem size'; set xrange [-0.5:*]; \
}"
