# Shared by sizes.gp and family.gp: a working-set x axis (log, binary
# prefixes) that spans the data and this machine's L1d, L2 and L3, with a
# dashed vertical line at each cache size.  `@place_x_axis` runs the macro
# once the panel's file (variable `data`) is known.
set macros
known(v) = v == v
place_x_axis = "if (by_bytes) { \
    set autoscale xy; stats data using 1 nooutput; \
    x_lo = STATS_min; x_hi = STATS_max; \
    if (known(l1_bytes) && l1_bytes < x_lo) { x_lo = l1_bytes }; \
    if (known(l3_bytes) && l3_bytes > x_hi) { x_hi = l3_bytes }; \
    if (known(l2_bytes) && l2_bytes > x_hi) { x_hi = l2_bytes }; \
    set logscale x 2; set xrange [x_lo / 2 : x_hi * 2]; \
    set format x '%.0b %BB'; set xtics 8; set xlabel 'working set of one execution (bytes)'; \
    if (known(l1_bytes)) { set arrow 11 from l1_bytes, graph 0 to l1_bytes, graph 1 nohead dt 2 lc rgb '#999999'; \
                           set label 11 'L1d' at l1_bytes, graph 0 offset 0.3, 0.8 left textcolor rgb '#666666' }; \
    if (known(l2_bytes)) { set arrow 12 from l2_bytes, graph 0 to l2_bytes, graph 1 nohead dt 2 lc rgb '#999999'; \
                           set label 12 'L2' at l2_bytes, graph 0 offset 0.3, 0.8 left textcolor rgb '#666666' }; \
    if (known(l3_bytes)) { set arrow 13 from l3_bytes, graph 0 to l3_bytes, graph 1 nohead dt 2 lc rgb '#999999'; \
                           set label 13 'L3' at l3_bytes, graph 0 offset 0.3, 0.8 left textcolor rgb '#666666' } \
} else { \
    set xlabel 'problem size'; set xrange [-0.5:*]; \
}"
