# Stand-in until the lead's plots/common.gp lands (same contract): terminal
# by format, size, output file; `noenhanced` so names with _ print as is.
if (!exists("width")) width = 900
if (!exists("height")) height = 560
set terminal (format eq 'svg' ? 'svg' : 'pngcairo') size width,height noenhanced
set output outfile
