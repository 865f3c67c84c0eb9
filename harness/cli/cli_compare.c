/* speedlab compare BASE NEW: a regression check when both sides come from the
 * same hardware, a side-by-side hardware comparison when they do not. */
#include "cli/cli.h"
#include "analysis/compare_stats.h"
#include "results/record_set.h"
#include "kit/sl.h"
#include "reporters/text_table.h"
#include "kit/util.h"

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct compare_options {
    double threshold, alpha;
    bool holm, markdown;
    enum { MODE_AUTO, MODE_REGRESSION, MODE_HARDWARE } mode;
};

/* A pair of results with the same key, one from each side. */
struct match {
    const struct loaded_result *base, *fresh;
    const struct loaded_record *base_rec, *fresh_rec;
    struct cmp_pair pair;
    bool comparable;   /* both ok with repetitions */
    double p_adjusted; /* Holm or raw */
};

static bool is_ok(const struct loaded_result *r)
{
    return strcmp(r->status, "ok") == 0 && r->n_times > 0;
}

static bool newly_invalid(const struct match *m)
{
    return m->fresh->valid == 0 && !m->fresh->invalid_expected && m->base->valid != 0;
}

static int collect_matches(const struct record_set *base, const struct record_set *fresh,
                           struct match **out, size_t *n_out, size_t *only_base, size_t *only_new)
{
    size_t total = 0;
    for (size_t i = 0; i < fresh->n; i++)
        total += fresh->recs[i].n_results;
    struct match *m = calloc(total ? total : 1, sizeof *m);
    if (!m)
        return sl_fail("out of memory");
    size_t n = 0;
    *only_new = 0;
    for (size_t i = 0; i < fresh->n; i++)
        for (size_t k = 0; k < fresh->recs[i].n_results; k++) {
            const struct loaded_result *r = &fresh->recs[i].results[k];
            const struct loaded_record *where;
            const struct loaded_result *b =
                record_set_find(base, r->kernel, r->variant, r->schedule, r->threads, r->size, &where);
            if (!b) {
                (*only_new)++;
                continue;
            }
            m[n] = (struct match){.base = b, .fresh = r, .base_rec = where,
                                  .fresh_rec = &fresh->recs[i]};
            n++;
        }
    size_t base_total = 0;
    for (size_t i = 0; i < base->n; i++)
        base_total += base->recs[i].n_results;
    *only_base = base_total - n;
    *out = m;
    *n_out = n;
    return 0;
}

static void side_summary(const char *label, const char *spec, const struct record_set *s)
{
    const struct loaded_record *r = &s->recs[0];
    size_t commits = 1;
    for (size_t i = 1; i < s->n; i++)
        commits += strcmp(s->recs[i].commit, r->commit) != 0;
    printf("%-5s %s: %zu record%s, commit %s%s, started %s, host %s\n", label, spec, s->n,
           s->n == 1 ? "" : "s", r->commit, commits > 1 ? " and others" : "", r->started,
           r->hostname);
}

/* The run-to-run part of the environment checks (load, noise probe) as each
 * record saw it: a busy machine explains a difference that code does not. */
static void environment_warnings(const char *label, const struct record_set *s)
{
    static const char *const varying[] = {"load_average", "noise_probe"};
    for (size_t i = 0; i < s->n; i++)
        for (size_t k = 0; k < sizeof varying / sizeof varying[0]; k++) {
            const json_t *checks =
                json_object_get(json_object_get(s->recs[i].root, "environment"), "checks");
            const char *w =
                json_string_value(json_object_get(json_object_get(checks, varying[k]), "warning"));
            if (w)
                printf("warning: %s%s%s was measured with: %s\n", label, s->n > 1 ? " " : "",
                       s->n > 1 ? s->recs[i].path : "", w);
        }
}

static void format_ratio(const struct cmp_pair *p, char *ratio, size_t rlen, char *ci, size_t clen)
{
    snprintf(ratio, rlen, "%.3f", p->ratio);
    if (p->ratio_ci_available)
        snprintf(ci, clen, "[%.3f, %.3f]", p->ratio_lo, p->ratio_hi);
    else
        snprintf(ci, clen, "n/a (<7 reps)");
}

static int regression_report(struct match *m, size_t n, const struct compare_options *o,
                             size_t only_base, size_t only_new)
{
    double *p = malloc((n ? n : 1) * sizeof *p), *adjusted = malloc((n ? n : 1) * sizeof *adjusted);
    if (!p || !adjusted) {
        free(p);
        free(adjusted);
        fprintf(stderr, "speedlab: error: out of memory\n");
        return 1;
    }
    size_t tests = 0;
    for (size_t i = 0; i < n; i++) {
        m[i].comparable = is_ok(m[i].base) && is_ok(m[i].fresh) &&
                          cmp_pair_compute(m[i].base->times, m[i].base->n_times, m[i].fresh->times,
                                           m[i].fresh->n_times, &m[i].pair) == 0;
        p[i] = m[i].comparable ? m[i].pair.p : NAN;
        tests += m[i].comparable;
    }
    if (o->holm)
        cmp_holm(p, n, adjusted);
    else
        memcpy(adjusted, p, n * sizeof *p);

    printf("test: two-sided Mann-Whitney U on the repetitions; %s at alpha %g; a verdict needs "
           "p < alpha and a change beyond %g%%\n\n",
           o->holm ? "p Holm-adjusted over the matches" : "p per match (no adjustment)", o->alpha,
           100 * o->threshold);
    static const char *const header[] = {"<result",   "<size", "base median", "new median",
                                         "new/base",  "<95% CI", "p",         "<verdict"};
    struct text_table t;
    text_table_init(&t, 8, header);
    size_t slower = 0, faster = 0, same = 0, unknown = 0, invalid = 0, not_comparable = 0;
    for (size_t i = 0; i < n; i++) {
        char bm[32] = "-", nm[32] = "-", ratio[32] = "-", ci[48] = "-", pv[32] = "-",
             verdict[320];
        if (m[i].comparable) {
            text_seconds(m[i].pair.median_base, bm, sizeof bm);
            text_seconds(m[i].pair.median_new, nm, sizeof nm);
            format_ratio(&m[i].pair, ratio, sizeof ratio, ci, sizeof ci);
            snprintf(pv, sizeof pv, "%.2g%s", adjusted[i], m[i].pair.p_exact ? "" : "*");
            enum cmp_verdict v = cmp_pair_verdict(&m[i].pair, adjusted[i], o->alpha, o->threshold);
            slower += v == CMP_SLOWER;
            faster += v == CMP_FASTER;
            same += v == CMP_SAME;
            unknown += v == CMP_UNKNOWN;
            if (v == CMP_SLOWER)
                snprintf(verdict, sizeof verdict, o->markdown ? "**SLOWER** %+.1f%%" : "SLOWER %+.1f%%",
                         100 * (m[i].pair.ratio - 1));
            else if (v == CMP_FASTER)
                snprintf(verdict, sizeof verdict, "faster %+.1f%%", 100 * (m[i].pair.ratio - 1));
            else if (v == CMP_UNKNOWN)
                snprintf(verdict, sizeof verdict, "unknown (%zu and %zu reps cannot reach p < %g)",
                         m[i].pair.n_base, m[i].pair.n_new, o->alpha);
            else
                snprintf(verdict, sizeof verdict, "same");
        } else {
            const struct loaded_result *bad = is_ok(m[i].base) ? m[i].fresh : m[i].base;
            snprintf(verdict, sizeof verdict, "not compared: %s in %s%s%s",
                     bad->status, bad == m[i].base ? "BASE" : "NEW", bad->reason ? " (" : "",
                     bad->reason ? bad->reason : "");
            if (bad->reason)
                strncat(verdict, ")", sizeof verdict - strlen(verdict) - 1);
            not_comparable++;
        }
        if (newly_invalid(&m[i])) {
            invalid++;
            snprintf(verdict + strlen(verdict), sizeof verdict - strlen(verdict), "%s",
                     o->markdown ? "; **INVALID in NEW**" : "; INVALID in NEW");
        }
        const char *cells[] = {m[i].fresh->name, m[i].fresh->size, bm, nm, ratio, ci, pv, verdict};
        text_table_add(&t, cells);
    }
    text_table_print(&t, stdout, o->markdown);
    text_table_free(&t);
    bool any_approx = false;
    for (size_t i = 0; i < n; i++)
        any_approx |= m[i].comparable && !m[i].pair.p_exact;
    if (any_approx)
        printf("%s* p from the normal approximation (tied or more than %d repetitions)\n",
               o->markdown ? "\n" : "", CMP_EXACT_MAX);
    bool regression = slower > 0 || invalid > 0;
    printf("%s%s: %zu slower, %zu faster, %zu same, %zu unknown, %zu newly invalid; %zu not "
           "compared; %zu only in BASE, %zu only in NEW\n",
           o->markdown ? "\n" : "\n", regression ? (o->markdown ? "**regression**" : "regression")
                                                 : "no regression",
           slower, faster, same, unknown, invalid, not_comparable, only_base, only_new);
    (void)tests;
    free(p);
    free(adjusted);
    return regression ? 1 : 0;
}

/* ---- hardware comparison ---- */

static const char *counters_status(const struct record_set *s, char *buf, size_t len)
{
    for (size_t i = 0; i < s->n; i++)
        for (size_t k = 0; k < s->recs[i].n_results; k++) {
            const json_t *c = json_object_get(s->recs[i].results[k].json, "counters");
            const json_t *events = json_object_get(c, "events");
            if (json_array_size(events) > 0) {
                const json_t *e = json_array_get(events, 0);
                const char *st = json_string_value(json_object_get(e, "status"));
                const char *why = json_string_value(json_object_get(e, "reason"));
                snprintf(buf, len, "%s: %s%s%s%s", json_string_value(json_object_get(e, "name")),
                         st ? st : "?", why ? " (" : "", why ? why : "", why ? ")" : "");
                return buf;
            }
            if (json_object_get(s->recs[i].results[k].json, "simulated_cache")) {
                snprintf(buf, len, "simulated cache only (--counters sim)");
                return buf;
            }
        }
    return "not recorded (run without --counters)";
}

static void isa_only(const char *isa, const char *other, char *out, size_t len)
{
    out[0] = '\0';
    char *copy = strdup(isa);
    if (!copy)
        return;
    char *save = NULL;
    for (char *tok = strtok_r(copy, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
        /* Whole-word match in the other list. */
        bool found = false;
        size_t tl = strlen(tok);
        for (const char *at = strstr(other, tok); at && !found; at = strstr(at + 1, tok))
            found = (at == other || at[-1] == ' ') && (at[tl] == ' ' || at[tl] == '\0');
        if (!found) {
            size_t used = strlen(out);
            snprintf(out + used, len - used, "%s%s", used ? " " : "", tok);
        }
    }
    free(copy);
    if (!out[0])
        snprintf(out, len, "-");
}

static void caches_text(const struct loaded_record *r, char *out, size_t len)
{
    out[0] = '\0';
    const json_t *caches = json_object_get(json_object_get(r->root, "machine"), "caches");
    size_t i;
    const json_t *c;
    json_array_foreach(caches, i, c)
    {
        const char *type = json_string_value(json_object_get(c, "type"));
        if (type && strcmp(type, "instruction") == 0)
            continue;
        double bytes = record_number(c, "size_bytes");
        size_t used = strlen(out);
        if (bytes >= 1048576)
            snprintf(out + used, len - used, "%sL%lld %.0f MiB", used ? ", " : "",
                     json_integer_value(json_object_get(c, "level")), bytes / 1048576);
        else
            snprintf(out + used, len - used, "%sL%lld %.0f KiB", used ? ", " : "",
                     json_integer_value(json_object_get(c, "level")), bytes / 1024);
    }
}

static void machine_table(const struct record_set *base, const struct record_set *fresh, bool md)
{
    const struct loaded_record *a = &base->recs[0], *b = &fresh->recs[0];
    const json_t *ma = json_object_get(a->root, "machine"), *mb = json_object_get(b->root, "machine");
    const json_t *ta = json_object_get(ma, "topology"), *tb = json_object_get(mb, "topology");
    char topo_a[96], topo_b[96], allowed_a[64], allowed_b[64], isa_a[512], isa_b[512],
        caches_a[256], caches_b[256], peak_a[64], peak_b[64], mem_a[32], mem_b[32], ctr_a[256],
        ctr_b[256];
    snprintf(topo_a, sizeof topo_a, "%lld packages, %lld cores, %lld CPUs",
             json_integer_value(json_object_get(ta, "packages")),
             json_integer_value(json_object_get(ta, "cores")),
             json_integer_value(json_object_get(ta, "cpus")));
    snprintf(topo_b, sizeof topo_b, "%lld packages, %lld cores, %lld CPUs",
             json_integer_value(json_object_get(tb, "packages")),
             json_integer_value(json_object_get(tb, "cores")),
             json_integer_value(json_object_get(tb, "cpus")));
    snprintf(allowed_a, sizeof allowed_a, "%d", a->allowed_cpus);
    snprintf(allowed_b, sizeof allowed_b, "%d", b->allowed_cpus);
    isa_only(a->isa, b->isa, isa_a, sizeof isa_a);
    isa_only(b->isa, a->isa, isa_b, sizeof isa_b);
    caches_text(a, caches_a, sizeof caches_a);
    caches_text(b, caches_b, sizeof caches_b);
    double pa = record_number(json_object_get(ma, "peak"), "gflops_fp64");
    double pb = record_number(json_object_get(mb, "peak"), "gflops_fp64");
    snprintf(peak_a, sizeof peak_a, isfinite(pa) ? "%.1f GFLOP/s" : "unavailable", pa);
    snprintf(peak_b, sizeof peak_b, isfinite(pb) ? "%.1f GFLOP/s" : "unavailable", pb);
    double ga = record_number(ma, "memory_gib"), gb = record_number(mb, "memory_gib");
    snprintf(mem_a, sizeof mem_a, isfinite(ga) ? "%.1f GiB" : "unavailable", ga);
    snprintf(mem_b, sizeof mem_b, isfinite(gb) ? "%.1f GiB" : "unavailable", gb);
    static const char *const header[] = {"<", "<BASE", "<NEW"};
    struct text_table t;
    text_table_init(&t, 3, header);
    const char *rows[][3] = {
        {"CPU", a->cpu_model, b->cpu_model},
        {"host", a->hostname, b->hostname},
        {"topology", topo_a, topo_b},
        {"allowed CPUs", allowed_a, allowed_b},
        {"ISA only here", isa_a, isa_b},
        {"caches", caches_a, caches_b},
        {"memory", mem_a, mem_b},
        {"peak fp64", peak_a, peak_b},
        {"counters", counters_status(base, ctr_a, sizeof ctr_a),
         counters_status(fresh, ctr_b, sizeof ctr_b)},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
        text_table_add(&t, rows[i]);
    text_table_print(&t, stdout, md);
    text_table_free(&t);
}

static bool same_group(const struct loaded_result *a, const struct loaded_result *b)
{
    return strcmp(a->kernel, b->kernel) == 0 && strcmp(a->variant, b->variant) == 0 &&
           strcmp(a->schedule, b->schedule) == 0 && strcmp(a->size, b->size) == 0;
}

static void speedup_text(const struct loaded_result *r, char *out, size_t len)
{
    if (!r || !is_ok(r) || !isfinite(r->speedup))
        snprintf(out, len, "-");
    else
        snprintf(out, len, "%.2f (%.2f)", r->speedup, r->efficiency);
}

static void merit_text(const struct loaded_result *r, char *out, size_t len)
{
    if (!r || !is_ok(r) || !isfinite(r->merit))
        snprintf(out, len, "-");
    else
        snprintf(out, len, "%.4g %s", r->merit, r->merit_unit);
}

static int hardware_report(const struct record_set *base, const struct record_set *fresh,
                           const struct compare_options *o)
{
    machine_table(base, fresh, o->markdown);
    printf("\n");
    static const char *const header[] = {"<result [size]", "threads", "BASE median",
                                         "NEW median", "NEW/BASE", "BASE speedup (eff)",
                                         "NEW speedup (eff)", "BASE merit", "NEW merit"};
    struct text_table t;
    text_table_init(&t, 9, header);
    size_t rows = 0, matched = 0;
    struct text_table skipped;
    static const char *const skip_header[] = {"<result [size]", "<BASE", "<NEW"};
    text_table_init(&skipped, 3, skip_header);
    /* Every group (kernel, variant, schedule, size) of either side, once, with
     * the union of its thread counts: the speedup curves side by side. */
    const struct record_set *sides[2] = {base, fresh};
    for (int s = 0; s < 2; s++)
        for (size_t i = 0; i < sides[s]->n; i++)
            for (size_t k = 0; k < sides[s]->recs[i].n_results; k++) {
                const struct loaded_result *r = &sides[s]->recs[i].results[k];
                /* First occurrence of its group on this side, and (for NEW)
                 * a group that BASE does not have at all. */
                bool first = true;
                for (size_t kk = 0; kk < k && first; kk++)
                    first = !same_group(&sides[s]->recs[i].results[kk], r);
                for (size_t ii = 0; ii < i && first; ii++)
                    for (size_t kk = 0; kk < sides[s]->recs[ii].n_results && first; kk++)
                        first = !same_group(&sides[s]->recs[ii].results[kk], r);
                if (!first)
                    continue;
                if (s == 1) {
                    bool in_base = false;
                    for (size_t ii = 0; ii < base->n && !in_base; ii++)
                        for (size_t kk = 0; kk < base->recs[ii].n_results && !in_base; kk++)
                            in_base = same_group(&base->recs[ii].results[kk], r);
                    if (in_base)
                        continue;
                }
                char label[256];
                snprintf(label, sizeof label, "%s/%s/%s [%s]", r->kernel, r->variant, r->schedule,
                         r->size);
                bool label_shown = false;
                for (int threads = 1; threads <= 4096; threads++) {
                    const struct loaded_result *a = record_set_find(
                        base, r->kernel, r->variant, r->schedule, threads, r->size, NULL);
                    const struct loaded_result *b = record_set_find(
                        fresh, r->kernel, r->variant, r->schedule, threads, r->size, NULL);
                    if (!a && !b)
                        continue;
                    if ((a && !is_ok(a)) || (b && !is_ok(b))) {
                        if (threads == 1 || !(a && b && strcmp(a->status, b->status) == 0)) {
                            char wa[200], wb[200];
                            snprintf(wa, sizeof wa, "%s%s%s%s", a ? a->status : "not run",
                                     a && a->reason ? " (" : "", a && a->reason ? a->reason : "",
                                     a && a->reason ? ")" : "");
                            snprintf(wb, sizeof wb, "%s%s%s%s", b ? b->status : "not run",
                                     b && b->reason ? " (" : "", b && b->reason ? b->reason : "",
                                     b && b->reason ? ")" : "");
                            char name[300];
                            snprintf(name, sizeof name, "%s t%d", label, threads);
                            const char *cells[] = {name, wa, wb};
                            if (!(a && b && strcmp(wa, wb) == 0))
                                text_table_add(&skipped, cells);
                        }
                        continue;
                    }
                    char th[16], ma[32] = "-", mb[32] = "-", ratio[32] = "-", sa[48], sb[48],
                                 fa[64], fb[64];
                    snprintf(th, sizeof th, "%d", threads);
                    if (a)
                        text_seconds(a->median_s, ma, sizeof ma);
                    if (b)
                        text_seconds(b->median_s, mb, sizeof mb);
                    if (a && b) {
                        snprintf(ratio, sizeof ratio, "%.3f", b->median_s / a->median_s);
                        matched++;
                    }
                    speedup_text(a, sa, sizeof sa);
                    speedup_text(b, sb, sizeof sb);
                    merit_text(a, fa, sizeof fa);
                    merit_text(b, fb, sizeof fb);
                    const char *cells[] = {label_shown ? "" : label, th, ma, mb, ratio, sa, sb, fa, fb};
                    label_shown = true;
                    text_table_add(&t, cells);
                    rows++;
                }
            }
    if (matched == 0) {
        text_table_free(&t);
        text_table_free(&skipped);
        fprintf(stderr, "speedlab: error: no matching results: BASE and NEW share no (kernel, "
                        "variant, schedule, threads, size) measured on both\n");
        return EXIT_USAGE;
    }
    text_table_print(&t, stdout, o->markdown);
    text_table_free(&t);
    printf("\nNEW/BASE is a ratio of median times (below 1: NEW is faster); merit at the median "
           "time; '-' where one machine did not run that thread count.\n");
    if (skipped.n_rows > 1) {
        printf("\nnot measured on both (skipped for a missing ISA, or not run):\n\n");
        text_table_print(&skipped, stdout, o->markdown);
    }
    text_table_free(&skipped);
    return 0;
}

/* The values of compare's options. */
struct compare_args {
    double threshold, alpha;
    int correction, mode, format; /* indices into their choices */
};
static const char *const corrections[] = {"holm", "none", NULL};
static const char *const modes[] = {"auto", "regression", "hardware", NULL}; /* MODE_* order */
static const char *const formats[] = {"table", "md", NULL};

#define COMPARE_OPTION(member) .offset = offsetof(struct compare_args, member)

static const struct sl_option compare_options_rows[] = {
    {.name = "threshold", .arg = "PCT", .group = "options",
     .help = "smallest change that counts, percent", .def = "5", .kind = SL_OPTION_PERCENT,
     COMPARE_OPTION(threshold), .reals = {0, 1000}},
    {.name = "alpha", .arg = "A", .group = "options", .help = "significance level",
     .def = "0.05", .kind = SL_OPTION_REAL, COMPARE_OPTION(alpha), .reals = {1e-12, 0.5}},
    {.name = "correction", .arg = "C", .group = "options",
     .help = "holm: p-values adjusted over all matches, so the chance of any false verdict in "
             "the whole comparison stays below alpha; none: each match on its own",
     .def = "holm", .kind = SL_OPTION_CHOICE, COMPARE_OPTION(correction),
     .choices = corrections},
    {.name = "mode", .arg = "M", .group = "options",
     .help = "auto, regression (force the check across hardware), hardware (side by side even "
             "on one machine)",
     .def = "auto", .kind = SL_OPTION_CHOICE, COMPARE_OPTION(mode), .choices = modes},
    {.name = "format", .arg = "F", .group = "options",
     .help = "table, or md (GitHub markdown, for CI comments)", .def = "table",
     .kind = SL_OPTION_CHOICE, COMPARE_OPTION(format), .choices = formats},
    {0},
};

static int cli_compare(int argc, char **argv, const struct machine *machine);

const struct cli_command cli_compare_command = {
    .name = "compare",
    .operands = "BASE NEW",
    .summary = "regression check of two runs (or hardware comparison)",
    .about =
        "BASE and NEW are records, folders of records (scripts/bench writes one per\n"
        "kernel) or comma-separated lists of either.  Results are matched by (kernel,\n"
        "variant, schedule, threads, size).\n"
        "\n"
        "Same hardware (CPU model, ISA, topology, allowed CPUs; the hostname may differ):\n"
        "a regression check.  Per match: both medians, NEW/BASE with its 95% interval\n"
        "(from both medians' distribution-free 97.5% intervals; 7+ repetitions each),\n"
        "a two-sided Mann-Whitney U test on the repetitions (exact without ties), and a\n"
        "verdict: slower or faster needs p < alpha AND a change beyond --threshold;\n"
        "unknown when the repetitions are too few for the test ever to reach alpha.\n"
        "A result valid in BASE and invalid in NEW is a regression too.\n"
        "\n"
        "Different hardware: a hardware comparison instead (no verdicts): the machines\n"
        "side by side, then per result the medians, NEW/BASE, speedup and efficiency at\n"
        "every thread count on each, the figure of merit (GB/s, GFLOP/s, ...), variants\n"
        "skipped on one machine only (missing ISA) and counter availability.\n",
    .notes =
        "exit status: 0 no regression (and always in hardware mode), 1 a regression\n"
        "(slower, or newly invalid), 2 unusable input (unreadable, foreign, truncated or\n"
        "old-schema record, a side mixing machines, or no matching results).\n",
    .options = compare_options_rows,
    .main = cli_compare,
};

static int cli_compare(int argc, char **argv, const struct machine *machine)
{
    (void)machine;
    struct compare_args a = {0};
    struct cli_parsed p;
    int parsed = cli_parse(&cli_compare_command, argc, argv, &a, &p);
    if (parsed != CLI_PARSED)
        return cli_parse_status(&cli_compare_command, parsed);
    struct compare_options o = {.threshold = a.threshold, .alpha = a.alpha,
                                .holm = a.correction == 0, .markdown = a.format == 1,
                                .mode = a.mode};
    if (p.n_operands != 2) {
        sl_fail("compare: expected BASE and NEW (records or folders), got %d argument%s",
                p.n_operands, p.n_operands == 1 ? "" : "s");
        return cli_usage_error();
    }
    const char *base_spec = p.operands[0], *new_spec = p.operands[1];
    struct record_set base = {0}, fresh = {0};
    int status = EXIT_USAGE;
    if (record_set_add(&base, base_spec) != 0 || record_set_add(&fresh, new_spec) != 0 ||
        record_set_check_one_machine(&base, "BASE") != 0 ||
        record_set_check_one_machine(&fresh, "NEW") != 0 ||
        record_set_check_unique(&base, "BASE") != 0 || record_set_check_unique(&fresh, "NEW") != 0) {
        status = cli_usage_error();
        goto done;
    }
    char differs[128];
    bool same_hw = record_same_hardware(&base.recs[0], &fresh.recs[0], differs, sizeof differs);
    struct match *m = NULL;
    size_t n = 0, only_base = 0, only_new = 0;
    if (collect_matches(&base, &fresh, &m, &n, &only_base, &only_new) != 0) {
        status = cli_usage_error();
        goto done;
    }
    if (n == 0) {
        free(m);
        sl_fail("no matching results: BASE (%s) and NEW (%s) share no (kernel, variant, "
                "schedule, threads, size)",
                base.recs[0].kernel, fresh.recs[0].kernel);
        status = cli_usage_error();
        goto done;
    }
    if (o.markdown)
        printf("### speedlab compare\n\n```\n");
    side_summary("BASE", base_spec, &base);
    side_summary("NEW", new_spec, &fresh);
    environment_warnings("BASE", &base);
    environment_warnings("NEW", &fresh);
    bool hardware = o.mode == MODE_HARDWARE || (o.mode == MODE_AUTO && !same_hw);
    if (same_hw)
        printf("machine: same hardware (%s, %d allowed CPUs)%s%s%s\n", base.recs[0].cpu_model,
               base.recs[0].allowed_cpus,
               strcmp(base.recs[0].hostname, fresh.recs[0].hostname) ? "; hosts differ: " : "",
               strcmp(base.recs[0].hostname, fresh.recs[0].hostname) ? fresh.recs[0].hostname : "",
               hardware ? "; hardware comparison as asked (--mode hardware)" : "");
    else
        printf("machine: DIFFERENT machines (%s differ): %s\n", differs,
               hardware ? "hardware comparison, no regression verdicts"
                        : "regression check forced (--mode regression): verdicts mix code and "
                          "hardware");
    if (o.markdown)
        printf("```\n\n");
    else
        printf("\n");
    if (hardware)
        status = hardware_report(&base, &fresh, &o);
    else
        status = regression_report(m, n, &o, only_base, only_new);
    free(m);
done:
    record_set_free(&base);
    record_set_free(&fresh);
    return status;
}
