#include "reporters/csv_table.h"

#include "kit/files.h"
#include "kit/sl.h"

#include <math.h>
#include <stdio.h>

/* CSV: a number, or a quoted "unavailable (reason)" that gnuplot skips. */
static void csv_number(FILE *fp, double v, const char *why)
{
    if (isfinite(v)) {
        fprintf(fp, ",%.9g", v);
        return;
    }
    fputs(",\"unavailable (", fp);
    for (const char *c = why ? why : ""; *c; c++)
        fputc(*c == '"' ? '\'' : *c, fp);
    fputs(")\"", fp);
}

/* A figure of the model; a result that did not run says "not measured". */
static void csv_figure(FILE *fp, const struct sl_result *r, double v, const char *why)
{
    csv_number(fp, v, r->reps > 0 ? why : "not measured");
}

static void csv_header(FILE *fp, const struct sl_run *run)
{
    fputs("kernel,variant,layout,loops,isa,algorithm,schedule,threads,size,status,reps,"
          "min_s,median_s,mean_s,stddev_s,cv,ci95_lo_s,ci95_hi_s,speedup,speedup_lo,"
          "speedup_hi,efficiency,imbalance,units_per_s,gflops,gbytes_per_s,merit,"
          "merit_unit,valid,max_error",
          fp);
    for (int e = 0; e < run->n_counter_plan; e++)
        fprintf(fp, ",%s_per_unit", run->counter_plan[e].name);
    if (run->sim)
        fputs(",sim_instructions_per_unit,sim_d1_misses_per_unit,sim_ll_misses_per_unit", fp);
    fputs(",reason\n", fp);
}

/* The counters and simulated caches per unit of work, in the header's order. */
static void csv_per_unit(FILE *fp, const struct sl_run *run, const struct sl_result *r)
{
    for (int e = 0; e < run->n_counter_plan; e++) {
        const struct sl_counter_result *c = e < r->n_counters ? &r->counters[e] : NULL;
        csv_number(fp, c && c->per_worker ? c->per_unit : NAN,
                   c && c->event.reason[0] ? c->event.reason : "not measured");
    }
    if (run->sim) {
        const char *why = r->simulated ? r->sim.reason : "not measured";
        csv_number(fp, r->d.sim_instructions_per_unit, why);
        csv_number(fp, r->d.sim_d1_misses_per_unit, why);
        csv_number(fp, r->d.sim_ll_misses_per_unit, why);
    }
}

static void csv_row(FILE *fp, const struct sl_run *run, const struct sl_result *r)
{
    const struct sl_derived *d = &r->d;
    fprintf(fp, "%s,%s,%s,%s,%s,%s,%s,%d,%s,%s,%zu", r->kernel, r->variant, r->layout, r->loops,
            r->isa, r->algorithm, r->schedule, r->threads, r->size, sl_status_name(r->status),
            r->reps);
    csv_figure(fp, r, d->min_s.value, d->min_s.why);
    csv_figure(fp, r, d->median_s.value, d->median_s.why);
    csv_figure(fp, r, d->mean_s.value, d->mean_s.why);
    csv_figure(fp, r, d->stddev_s.value, d->stddev_s.why);
    csv_figure(fp, r, d->cv.value, d->cv.why);
    csv_figure(fp, r, d->ci95_s.lo, d->ci95_s.why);
    csv_figure(fp, r, d->ci95_s.hi, d->ci95_s.why);
    csv_figure(fp, r, d->speedup.value, d->speedup.why);
    csv_figure(fp, r, d->speedup_ci95.lo, d->speedup_ci95.why);
    csv_figure(fp, r, d->speedup_ci95.hi, d->speedup_ci95.why);
    csv_figure(fp, r, d->efficiency.value, d->efficiency.why);
    csv_figure(fp, r, r->imbalance, "no busy times");
    csv_figure(fp, r, d->units_per_s.value, d->units_per_s.why);
    csv_figure(fp, r, d->gflops.value, d->gflops.why);
    csv_figure(fp, r, d->gbytes_per_s.value, d->gbytes_per_s.why);
    csv_figure(fp, r, d->merit.value, d->merit.why);
    char merit[64];
    fprintf(fp, ",%s", sl_merit_label(run->merit, run->unit, merit, sizeof merit));
    if (r->validated)
        fprintf(fp, ",%s", r->validation.valid ? "true" : "false");
    else
        fprintf(fp, ",\"unavailable (not validated)\"");
    csv_number(fp, r->validated ? r->validation.max_abs_error : NAN,
               r->validated ? "output not written" : "not validated");
    csv_per_unit(fp, run, r);
    /* The reason is free text: quote it, doubling embedded quotes. */
    fputs(",\"", fp);
    const char *reason = r->reason                                     ? r->reason
                         : (r->validated && !r->validation.valid) ? r->validation.detail
                                                                  : "";
    for (const char *c = reason; *c; c++) {
        if (*c == '"')
            fputc('"', fp);
        fputc(*c, fp);
    }
    fputs("\"\n", fp);
}

void csv_table_print(FILE *fp, const struct sl_run *run)
{
    fprintf(fp, "# speedlab-csv run_id=%s results=%zu\n", run->run_id, run->n_results);
    csv_header(fp, run);
    for (size_t i = 0; i < run->n_results; i++)
        csv_row(fp, run, &run->results[i]);
}

int csv_table_write(const struct sl_run *run, const char *path)
{
    struct util_atomic_file f;
    if (util_atomic_open(&f, path) != 0)
        return -1;
    csv_table_print(f.fp, run);
    if (ferror(f.fp)) {
        util_atomic_abort(&f);
        return sl_fail("cannot write '%s'", path);
    }
    return util_atomic_commit(&f);
}

