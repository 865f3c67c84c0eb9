/* gaussmap: problem set-up, reference, validation and the image.
 * The variants are in variants.c. */
#include "gaussmap.h" /* first: its pragma must precede every function */
#include "kit/workload_kit.h"

#include "kit/util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#ifdef SPEEDLAB_HAVE_LIBPNG
#include <png.h>
#include <setjmp.h>
#endif

/* Each dimension at most 2^20: far beyond any picture, and W x H x 4 bytes
 * of counts cannot overflow. */
#define GAUSSMAP_MAX_DIM (1u << 20)
#define GAUSSMAP_POISON 0xFFFFFFFFu

static const struct sl_preset gaussmap_presets[] = {
    {"tiny", "64x40", "a fraction of a second: smoke test"},
    {"h2", "640x400", "the HPC note's 640 x 400 diagram (claim H2)"},
    {"small", "640x400", "the default suite (scripts/bench): the H2 diagram"},
    {"large", "3840x2160", "a 4K picture: about a second for the scalar variant on one core"},
    {NULL, NULL, NULL},
};

static int parse_dims(const char *text, size_t *columns, size_t *bins)
{
    size_t dims[2];
    if (sl_parse_dims("gaussmap", text, gaussmap_presets, "WxH (beta columns x bins, both >= 1)",
                      dims, 2, GAUSSMAP_MAX_DIM) != 0)
        return -1;
    *columns = dims[0];
    *bins = dims[1];
    return 0;
}

static int gaussmap_check_size(const char *size)
{
    size_t w, h;
    return parse_dims(size, &w, &h);
}

static void problem_free(struct gaussmap_problem *p)
{
    if (!p)
        return;
    free(p->beta);
    free(p->counts);
    free(p->reference);
    free(p);
}

static void gaussmap_destroy(void *problem)
{
    problem_free(problem);
}

static int gaussmap_create(const struct sl_problem_args *args, void **out)
{
    if (args->input_path)
        return sl_fail("gaussmap: --input is not supported; the diagram is defined by --size "
                       "(columns x bins)");
    size_t w, h;
    if (parse_dims(args->size, &w, &h) != 0)
        return -1;
    char size[48];
    snprintf(size, sizeof size, "%zux%zu", w, h);
    if (sl_check_memory("gaussmap", size, 9.0 * (double)w * (double)h + 8.0 * (double)w,
                        "counts, reference counts and image") != 0)
        return -1;
    struct gaussmap_problem *p = calloc(1, sizeof *p);
    if (!p)
        return sl_fail("out of memory");
    p->columns = w;
    p->bins = h;
    p->bin_scale = (double)h / (GAUSSMAP_HI - GAUSSMAP_LO);
    p->beta = util_alloc(w, sizeof *p->beta, "gaussmap betas");
    p->counts = util_alloc_aligned(w, h * sizeof *p->counts, "gaussmap counts");
    if (!p->beta || !p->counts) {
        problem_free(p);
        return -1;
    }
    for (size_t c = 0; c < w; c++)
        p->beta[c] = w == 1 ? -1.0 : -1.0 + 2.0 * (double)c / (double)(w - 1);
    /* First touch here, so no variant pays for the page faults. */
    memset(p->counts, 0, w * h * sizeof *p->counts);
    *out = p;
    return 0;
}

void gaussmap_reference(const struct gaussmap_problem *p, uint32_t *counts)
{
    memset(counts, 0, p->columns * p->bins * sizeof *counts);
    for (size_t c = 0; c < p->columns; c++) {
        double x = 0.0, beta = p->beta[c];
        for (int n = 0; n < GAUSSMAP_TRANSIENTS; n++)
            x = gaussmap_step(x, beta);
        for (int n = 0; n < GAUSSMAP_ITERATES; n++) {
            x = gaussmap_step(x, beta);
            int b = gaussmap_bin(x, p->bin_scale, (int)p->bins);
            if (b >= 0)
                counts[c * p->bins + (size_t)b]++;
        }
    }
}

static void gaussmap_prepare_validation(void *problem)
{
    struct gaussmap_problem *p = problem;
    memset(p->counts, 0xFF, p->columns * p->bins * sizeof *p->counts);
}

/* The arithmetic is defined exactly (gaussmap.h), so every count must equal
 * the reference's: tolerance 0. */
static int gaussmap_validate(void *problem, struct sl_validation *v)
{
    struct gaussmap_problem *p = problem;
    size_t total = p->columns * p->bins;
    if (!p->reference_known) {
        p->reference = util_alloc(total, sizeof *p->reference, "gaussmap reference counts");
        if (!p->reference)
            return -1;
        gaussmap_reference(p, p->reference);
        p->reference_known = true;
    }
    double differing = 0, unwritten = 0, max_abs = 0, max_rel = 0;
    size_t first = total;
    for (size_t i = 0; i < total; i++) {
        uint32_t got = p->counts[i], ref = p->reference[i];
        if (got == ref)
            continue;
        if (first == total)
            first = i;
        differing += 1;
        unwritten += got == GAUSSMAP_POISON;
        double err = fabs((double)got - (double)ref);
        max_abs = fmax(max_abs, err);
        max_rel = fmax(max_rel, ref ? err / ref : err);
    }
    memset(v, 0, sizeof *v);
    v->method = "every bin count against the serial reference, exactly";
    v->checked = (double)total;
    v->total = (double)total;
    v->failures = differing;
    v->max_abs_error = max_abs;
    v->max_rel_error = max_rel;
    v->tolerance_abs = 0;
    v->tolerance_rel = 0;
    v->valid = differing == 0;
    if (v->valid)
        snprintf(v->detail, sizeof v->detail, "all %zu bins (%zu columns x %zu) equal the reference",
                 total, p->columns, p->bins);
    else
        snprintf(v->detail, sizeof v->detail,
                 "%.0f of %zu bins differ (%.0f never written); first at column %zu, bin %zu: "
                 "got %u, reference %u",
                 differing, total, unwritten, first / p->bins, first % p->bins,
                 (unsigned)p->counts[first], (unsigned)p->reference[first]);
    return 0;
}

static void gaussmap_describe(const void *problem, struct sl_problem_info *info)
{
    const struct gaussmap_problem *p = problem;
    snprintf(info->size, sizeof info->size, "%zux%zu", p->columns, p->bins);
    snprintf(info->source, sizeof info->source,
             "defined: x' = exp(-%.1f x^2) + beta, x0 = 0, beta in [-1, 1], %d transients, "
             "%d iterates binned over [%.1f, %.1f)",
             GAUSSMAP_ALPHA, GAUSSMAP_TRANSIENTS, GAUSSMAP_ITERATES, GAUSSMAP_LO, GAUSSMAP_HI);
    int n = 0;
#define PARAM(k, v) (info->params[n].key = (k), info->params[n++].value = (v))
    PARAM("columns", (double)p->columns);
    PARAM("bins", (double)p->bins);
    PARAM("alpha", GAUSSMAP_ALPHA);
    PARAM("transients", GAUSSMAP_TRANSIENTS);
    PARAM("iterates_binned", GAUSSMAP_ITERATES);
    PARAM("beta_min", -1.0);
    PARAM("beta_max", p->columns == 1 ? -1.0 : 1.0);
    PARAM("x_min", GAUSSMAP_LO);
    PARAM("x_max", GAUSSMAP_HI);
    PARAM("working_set_bytes", 4.0 * (double)p->columns * (double)p->bins);
#undef PARAM
    info->n_params = n;
}

/* ---- the image ----------------------------------------------------------- */

/* Grey levels, row-major H x W, top row = highest bin. */
static unsigned char *render(const struct gaussmap_problem *p, const uint32_t *counts)
{
    size_t w = p->columns, h = p->bins;
    unsigned char *pixels = util_alloc(w, h, "gaussmap image");
    if (!pixels)
        return NULL;
    uint32_t max = 0;
    for (size_t i = 0; i < w * h; i++)
        if (counts[i] > max)
            max = counts[i];
    double denominator = max ? log1p((double)max) : 1.0;
    for (size_t c = 0; c < w; c++)
        for (size_t b = 0; b < h; b++) {
            double level = log1p((double)counts[c * h + b]) / denominator;
            pixels[(h - 1 - b) * w + c] = (unsigned char)(255 - lrint(255.0 * level));
        }
    return pixels;
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcasecmp(s + n - m, suffix) == 0;
}

static int write_pgm(FILE *fp, const unsigned char *pixels, size_t w, size_t h)
{
    if (fprintf(fp, "P5\n%zu %zu\n255\n", w, h) < 0 || fwrite(pixels, 1, w * h, fp) != w * h)
        return -1;
    return 0;
}

#ifdef SPEEDLAB_HAVE_LIBPNG
/* libpng reports errors by longjmp; nothing here changes between setjmp
 * and the jump but libpng's own state. */
static int write_png(FILE *fp, const unsigned char *pixels, size_t w, size_t h)
{
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    if (!png || !info) {
        png_destroy_write_struct(&png, NULL);
        return -1;
    }
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_write_struct(&png, &info);
        return -1;
    }
    png_init_io(png, fp);
    png_set_IHDR(png, info, (png_uint_32)w, (png_uint_32)h, 8, PNG_COLOR_TYPE_GRAY,
                 PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_write_info(png, info);
    for (size_t r = 0; r < h; r++)
        png_write_row(png, pixels + r * w);
    png_write_end(png, NULL);
    png_destroy_write_struct(&png, &info);
    return 0;
}
#endif

int gaussmap_check_image_path(const char *path)
{
    bool png = ends_with(path, ".png");
    if (!png && !ends_with(path, ".pgm"))
        return sl_fail("gaussmap: --output must end in .png or .pgm (the image); got '%s'", path);
#ifndef SPEEDLAB_HAVE_LIBPNG
    if (png)
        return sl_fail("gaussmap: this build has no libpng, so no PNG output; write a .pgm");
#endif
    return 0;
}

/* The image path alone decides what gaussmap writes. */
static int gaussmap_check_output_path(const char *path, const char *size, const void *options)
{
    (void)size;
    (void)options;
    return gaussmap_check_image_path(path);
}

int gaussmap_write_image(const struct gaussmap_problem *p, const uint32_t *counts,
                         const char *path)
{
    if (gaussmap_check_image_path(path) != 0)
        return -1;
    bool png = ends_with(path, ".png");
    if (p->columns > 0x7fffffff || p->bins > 0x7fffffff)
        return sl_fail("gaussmap: image too large");
    unsigned char *pixels = render(p, counts);
    if (!pixels)
        return -1;
    struct util_atomic_file f;
    if (util_atomic_open(&f, path) != 0) {
        free(pixels);
        return -1;
    }
    int rc;
#ifdef SPEEDLAB_HAVE_LIBPNG
    rc = png ? write_png(f.fp, pixels, p->columns, p->bins)
             : write_pgm(f.fp, pixels, p->columns, p->bins);
#else
    rc = write_pgm(f.fp, pixels, p->columns, p->bins);
#endif
    free(pixels);
    if (rc != 0) {
        util_atomic_abort(&f);
        return sl_fail("cannot write '%s'", path);
    }
    return util_atomic_commit(&f);
}

static int gaussmap_save_output(void *problem, const char *path)
{
    struct gaussmap_problem *p = problem;
    return gaussmap_write_image(p, p->counts, path);
}

/* A lost update: one iterate missing from a bin. */
static void gaussmap_corrupt_output(void *problem)
{
    struct gaussmap_problem *p = problem;
    size_t i = p->columns / 2 * p->bins + p->bins / 2;
    p->counts[i] = p->counts[i] ? p->counts[i] - 1 : 1;
}

void gaussmap_work(const void *problem, struct sl_work *w)
{
    const struct gaussmap_problem *p = problem;
    double columns = (double)p->columns;
    w->units = columns * (GAUSSMAP_TRANSIENTS + GAUSSMAP_ITERATES);
    w->flops = columns * ((GAUSSMAP_TRANSIENTS + GAUSSMAP_ITERATES) * GAUSSMAP_STEP_FLOPS +
                          GAUSSMAP_ITERATES * GAUSSMAP_BIN_FLOPS);
    /* The histograms stay in cache; only the finished counts go out. */
    w->bytes = 4.0 * columns * (double)p->bins;
}

static const char *const gaussmap_test_sizes[] = {"1x1", "1x400", "2x7", "5x33", "9x40",
                                                  "17x100", "tiny", NULL};

const struct sl_workload gaussmap_workload = {
    .name = "gaussmap",
    .summary = "Gauss-map bifurcation diagram: histogram of x' = exp(-5.8 x^2) + beta per column",
    .unit = "iterate",
    .merit = SL_MERIT_UNITS,
    .size_syntax = "WxH (beta columns x bins) or a preset",
    .presets = gaussmap_presets,
    .default_size = "h2",
    .test_sizes = gaussmap_test_sizes,
    .variants = gaussmap_variants,
    .check_size = gaussmap_check_size,
    .problem_create = gaussmap_create,
    .problem_destroy = gaussmap_destroy,
    .prepare_validation = gaussmap_prepare_validation,
    .validate = gaussmap_validate,
    .describe = gaussmap_describe,
    .save_output = gaussmap_save_output,
    .check_output_path = gaussmap_check_output_path,
    .corrupt_output = gaussmap_corrupt_output,
};
