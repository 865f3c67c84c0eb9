/* The gaussmap image: the PNG a gaussmap run wrote (--output), drawn with
 * its axes. */
#include "figures/figure.h"

#include "kit/files.h"

#include <libgen.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

/* Whether path is a regular file holding a PNG, and its size.  Opened as an
 * input (util_fopen_input): a FIFO or device named by a record is refused,
 * never waited on. */
static bool png_dimensions(const char *path, long *width, long *height)
{
    unsigned char head[24];
    FILE *fp = util_fopen_input(path);
    if (!fp)
        return false;
    size_t n = fread(head, 1, sizeof head, fp);
    fclose(fp);
    static const unsigned char signature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    if (n != sizeof head || memcmp(head, signature, 8) != 0 || memcmp(head + 12, "IHDR", 4) != 0)
        return false;
    *width = (long)head[16] << 24 | (long)head[17] << 16 | (long)head[18] << 8 | head[19];
    *height = (long)head[20] << 24 | (long)head[21] << 16 | (long)head[22] << 8 | head[23];
    return *width > 0 && *height > 0;
}

/* Where the image is: where it was written, else beside the record (records
 * move); NULL when neither is a readable PNG. */
static const char *find_image(const struct plot_record *rec, char *beside, size_t len,
                              long *width, long *height)
{
    const struct sl_config *c = &rec->run->config;
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", rec->path);
    const char *slash = strrchr(c->output, '/');
    snprintf(beside, len, "%s/%s", dirname(dir), slash ? slash + 1 : c->output);
    if (c->output_absolute && png_dimensions(c->output_absolute, width, height))
        return c->output_absolute;
    return png_dimensions(beside, width, height) ? beside : NULL;
}

/* Whether drawing f would replace `image` itself (the run wrote its image
 * into the output folder under the figure's name). */
static bool is_own_output(const struct plot_set *set, const struct plot_figure *f,
                          const char *image)
{
    static const char *const formats[] = {"png", "svg"};
    for (size_t k = 0; k < 2; k++) {
        char out[4300];
        snprintf(out, sizeof out, "%s/%s.%s", set->out_dir, f->name, formats[k]);
        if (util_same_file(image, out))
            return true;
    }
    return false;
}

int plot_gaussmap(struct plot_set *set, const struct plot_record *rec)
{
    const struct sl_run *run = rec->run;
    struct plot_figure *f = figure_new(set, "image", rec->label);
    if (!f)
        return -1;
    char context[256];
    figure_context(run, rec->largest, context, sizeof context);
    snprintf(f->title, sizeof f->title, "Gauss map bifurcation diagram: %s", context);
    if (!run->config.output) {
        figure_skip(f, "the gaussmap record has no image (run gaussmap with --output FILE.png)");
        return 0;
    }
    char beside[4300];
    long width = 0, height = 0;
    const char *image = find_image(rec, beside, sizeof beside, &width, &height);
    if (!image) {
        figure_skip(f, "the image %s is not a readable PNG here (nor beside the record)",
                    run->config.output);
        return 0;
    }
    if (is_own_output(set, f, image)) {
        figure_skip(f, "the image %s is this figure's own file: plot into another folder", image);
        return 0;
    }
    const char *size = rec->largest ? rec->largest
                       : run->config.n_sizes ? run->config.sizes[0]
                                             : "";
    double beta_min = problem_parameter(run, size, "beta_min");
    double beta_max = problem_parameter(run, size, "beta_max");
    double x_min = problem_parameter(run, size, "x_min");
    double x_max = problem_parameter(run, size, "x_max");
    if (!isfinite(beta_min) || !isfinite(beta_max) || !isfinite(x_min) || !isfinite(x_max)) {
        figure_skip(f, "the record lacks the image's axis ranges (beta_min/max, x_min/max)");
        return 0;
    }
    struct gp_vars vars = {0};
    gp_var_path(&vars, "image", image);
    gp_var_int(&vars, "image_width", width);
    gp_var_int(&vars, "image_height", height);
    gp_var_num(&vars, "beta_min", beta_min);
    gp_var_num(&vars, "beta_max", beta_max);
    gp_var_num(&vars, "x_min", x_min);
    gp_var_num(&vars, "x_max", x_max);
    gp_var_num(&vars, "alpha", problem_parameter(run, size, "alpha"));
    gp_var_str(&vars, "figure_title", f->title);
    gp_var_int(&vars, "width", 1100);
    gp_var_int(&vars, "height", 760);
    snprintf(f->caption, sizeof f->caption,
             "The variant's output image (%.200s, %ld x %ld): for each beta, the density of the "
             "iterates x of x' = exp(-alpha x^2) + beta after the transients; darker is denser.",
             strrchr(image, '/') ? strrchr(image, '/') + 1 : image, width, height);
    figure_render(set, f, "gaussmap.gp", &vars);
    return 0;
}
