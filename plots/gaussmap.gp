# The Gauss map bifurcation diagram with its axes: the PNG a gaussmap run
# wrote (--output), placed over beta (columns) and x (rows, top = highest).
# Variables: figure_title, image, image_width, image_height, beta_min,
# beta_max, x_min, x_max, alpha.
load scripts_dir.'/common.gp'

dx = image_width > 1 ? (beta_max - beta_min) / image_width : 1
dy = (x_max - x_min) / image_height
set xrange [beta_min:beta_min + dx * image_width]
set yrange [x_min:x_max]
set xlabel 'beta'
set ylabel sprintf('x  (iterates of x'' = exp(-%g x^2) + beta)', alpha)
set title figure_title font ',14'
unset key
unset grid
set tics out
plot image binary filetype=png dx=dx dy=dy origin=(beta_min + dx / 2, x_min + dy / 2) with rgbimage
