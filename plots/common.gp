# The shared look of every speedlab figure, loaded first by each script.
# `speedlab plot` sets: format ('png' or 'svg'), outfile, and optionally
# width and height in pixels.  Series titles are variant names with
# underscores, so enhanced text (where _ means subscript) is off.
if (!exists("width")) width = 1000
if (!exists("height")) height = 600
if (format eq 'svg') {
    set terminal svg size width,height dynamic noenhanced font 'DejaVu Sans,12' background rgb 'white'
} else {
    set terminal pngcairo size width,height noenhanced font 'DejaVu Sans,11' background rgb 'white'
}
set output outfile
set encoding utf8
set border 3 lw 1 lc rgb '#444444'
set tics nomirror out
set grid xtics ytics lc rgb '#e2e2e2' lw 1 dt 1
set key outside right top vertical Left reverse noopaque nobox samplen 2.5 spacing 1.15
set datafile separator "\t"
set datafile missing "NaN"

# One colour and point type per series index (1-based), the same index
# meaning the same variant in every panel of a figure.
series_colours = '#1f77b4 #d62728 #2ca02c #ff7f0e #9467bd #8c564b #e377c2 #17becf #bcbd22 #7f7f7f #393b79 #637939'
colour(i) = word(series_colours, (i - 1) % 12 + 1)
point(i) = (i - 1) % 6 + 5
