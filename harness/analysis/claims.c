#include "analysis/claims.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const check_kind_names[] = {
    [CHECK_SPEEDUP] = "speedup",       [CHECK_EFFICIENCY] = "efficiency",
    [CHECK_IMBALANCE_LOWER] = "imbalance_lower", [CHECK_FEWER_MISSES] = "fewer_misses",
    [CHECK_INVALID] = "invalid",       [CHECK_FASTEST] = "fastest",
    [CHECK_AFFINITY] = "affinity",
};
#define N_CHECK_KINDS (sizeof check_kind_names / sizeof check_kind_names[0])

const char *claim_check_kind_name(enum claim_check_kind k)
{
    return (size_t)k < N_CHECK_KINDS ? check_kind_names[k] : "?";
}

const char *claim_verdict_name(enum claim_verdict_kind v)
{
    switch (v) {
    case VERDICT_REPRODUCED: return "reproduced";
    case VERDICT_NOT_REPRODUCED: return "not reproduced";
    case VERDICT_INCONCLUSIVE: return "inconclusive";
    case VERDICT_NOT_APPLICABLE: return "not applicable";
    case VERDICT_KINDS: break;
    }
    return "?";
}

/* Where a problem is: "FILE: claim F1: checks[0].baseline.variant". */
struct where {
    const char *file;
    char claim[64];
    char field[96];
};

static int bad(const struct where *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int bad(const struct where *w, const char *fmt, ...)
{
    char what[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    return sl_fail("%s: %s: %s: %s", w->file, w->claim, w->field, what);
}

/* Every key of obj must be one of `allowed` (NULL-terminated): a misspelt
 * field is an error, not a silently ignored default. */
static int only_keys(const json_t *obj, const char *const *allowed, struct where *w,
                     const char *prefix)
{
    const char *key;
    const json_t *value;
    json_object_foreach((json_t *)obj, key, value)
    {
        (void)value;
        bool known = false;
        for (size_t i = 0; allowed[i] && !known; i++)
            known = strcmp(allowed[i], key) == 0;
        if (!known) {
            snprintf(w->field, sizeof w->field, "%s%s", prefix, key);
            return bad(w, "unknown field");
        }
    }
    return 0;
}

static int get_string(const json_t *obj, const char *key, bool required, const char **out,
                      struct where *w, const char *prefix)
{
    const json_t *v = json_object_get(obj, key);
    snprintf(w->field, sizeof w->field, "%s%s", prefix, key);
    *out = NULL;
    if (!v || json_is_null(v)) {
        if (required)
            return bad(w, "missing");
        return 0;
    }
    if (!json_is_string(v) || json_string_length(v) == 0)
        return bad(w, "must be a non-empty string");
    *out = json_string_value(v);
    return 0;
}

static int get_int(const json_t *obj, const char *key, int fallback, int min, int max, int *out,
                   struct where *w, const char *prefix)
{
    const json_t *v = json_object_get(obj, key);
    snprintf(w->field, sizeof w->field, "%s%s", prefix, key);
    if (!v) {
        if (fallback < 0)
            return bad(w, "missing");
        *out = fallback;
        return 0;
    }
    if (!json_is_integer(v) || json_integer_value(v) < min || json_integer_value(v) > max)
        return bad(w, "must be an integer from %d to %d", min, max);
    *out = (int)json_integer_value(v);
    return 0;
}

static int parse_threads(const json_t *v, struct claim_probe *p, struct where *w)
{
    if (json_is_integer(v)) {
        if (json_integer_value(v) < 1 || json_integer_value(v) > 4096)
            return bad(w, "must be from 1 to 4096");
        p->threads_kind = THREADS_EXACT;
        p->threads_value = (int)json_integer_value(v);
        return 0;
    }
    const char *s = json_is_string(v) ? json_string_value(v) : "";
    if (strcmp(s, "p") == 0) {
        p->threads_kind = THREADS_P;
        p->threads_value = 1;
        return 0;
    }
    if (strcmp(s, "cpus") == 0) {
        p->threads_kind = THREADS_CPUS;
        p->threads_value = 1;
        return 0;
    }
    char *end;
    errno = 0;
    long k = strtol(s, &end, 10);
    if (end != s && errno == 0 && k >= 2 && k <= 64 && strcmp(end, "xcpus") == 0) {
        p->threads_kind = THREADS_CPUS;
        p->threads_value = (int)k;
        return 0;
    }
    return bad(w, "must be an integer, \"p\", \"cpus\" or \"<k>xcpus\" (k from 2 to 64)");
}

static int parse_probe(const json_t *obj, const struct claim *c, struct claim_probe *p,
                       struct where *w, const char *prefix)
{
    static const char *const keys[] = {"variant", "schedule", "threads", "size", "counters", NULL};
    snprintf(w->field, sizeof w->field, "%.80s", prefix);
    w->field[strlen(w->field) - 1] = '\0'; /* without the trailing '.' */
    if (!json_is_object(obj))
        return bad(w, json_is_null(obj) || !obj ? "missing" : "must be an object");
    if (only_keys(obj, keys, w, prefix) != 0)
        return -1;
    const char *variant, *schedule, *counters;
    if (get_string(obj, "variant", true, &variant, w, prefix) != 0)
        return -1;
    p->variant = sl_variant_find(c->workload, variant);
    if (!p->variant)
        return bad(w, "unknown %s variant '%s' (see 'speedlab list %s')", c->workload->name,
                   variant, c->workload->name);
    if (get_string(obj, "schedule", true, &schedule, w, prefix) != 0)
        return -1;
    if (sl_schedule_parse(schedule, &p->schedule) != 0)
        return bad(w, "unknown schedule '%s' (static, dynamic, guided or fusedindex)", schedule);
    if (!(p->variant->schedules & SL_SCHED_BIT(p->schedule)))
        return bad(w, "variant %s does not run under schedule %s", variant, schedule);
    snprintf(w->field, sizeof w->field, "%sthreads", prefix);
    const json_t *threads = json_object_get(obj, "threads");
    if (!threads)
        return bad(w, "missing");
    if (parse_threads(threads, p, w) != 0)
        return -1;
    if (get_string(obj, "size", false, &p->size, w, prefix) != 0)
        return -1;
    if (p->size && c->workload->check_size(p->size) != 0)
        return bad(w, "%s", sl_error());
    if (get_string(obj, "counters", false, &counters, w, prefix) != 0)
        return -1;
    if (counters && strcmp(counters, "sim") != 0)
        return bad(w, "only \"sim\" (valgrind's simulated caches) is supported");
    p->sim = counters != NULL;
    return 0;
}

static int parse_expectation(const json_t *obj, struct claim_check *k, struct where *w,
                             const char *prefix)
{
    const char *expect;
    if (get_string(obj, "expect", true, &expect, w, prefix) != 0)
        return -1;
    if (strcmp(expect, "band") == 0)
        k->expect = EXPECT_BAND;
    else if (strcmp(expect, "at_least") == 0)
        k->expect = EXPECT_AT_LEAST;
    else if (strcmp(expect, "at_most") == 0)
        k->expect = EXPECT_AT_MOST;
    else
        return bad(w, "must be \"band\", \"at_least\" or \"at_most\"");
    snprintf(w->field, sizeof w->field, "%svalue", prefix);
    const json_t *value = json_object_get(obj, "value");
    if (!value)
        return bad(w, "missing");
    if (!json_is_number(value) || !(json_number_value(value) > 0) ||
        !isfinite(json_number_value(value)))
        return bad(w, "must be a positive number");
    k->value = json_number_value(value);
    snprintf(w->field, sizeof w->field, "%stolerance", prefix);
    const json_t *tol = json_object_get(obj, "tolerance");
    if (k->expect != EXPECT_BAND) {
        if (tol)
            return bad(w, "only a \"band\" has a tolerance");
        return 0;
    }
    if (!tol)
        return bad(w, "missing (a band needs one)");
    if (!json_is_number(tol) || !(json_number_value(tol) > 0) || json_number_value(tol) > 10)
        return bad(w, "must be a number above 0 and at most 10 (relative: band is "
                      "[value/(1+tolerance), value*(1+tolerance)])");
    k->tolerance = json_number_value(tol);
    /* A band that reaches down to 1 would call "no change" a reproduced speedup. */
    if (k->kind == CHECK_SPEEDUP && k->value > 1 && k->value / (1 + k->tolerance) <= 1)
        return bad(w, "the band %.3g-%.3g around a speedup of %.3g includes 1 (no change): "
                      "use a smaller tolerance",
                   k->value / (1 + k->tolerance), k->value * (1 + k->tolerance), k->value);
    return 0;
}

static int parse_check(const json_t *obj, const struct claim *c, struct claim_check *k,
                       struct where *w, int index)
{
    char prefix[48];
    snprintf(prefix, sizeof prefix, "checks[%d].", index);
    snprintf(w->field, sizeof w->field, "checks[%d]", index);
    if (!json_is_object(obj))
        return bad(w, "must be an object");
    const char *kind;
    if (get_string(obj, "kind", true, &kind, w, prefix) != 0)
        return -1;
    size_t i = 0;
    while (i < N_CHECK_KINDS && strcmp(check_kind_names[i], kind) != 0)
        i++;
    if (i == N_CHECK_KINDS)
        return bad(w, "unknown kind '%s' (speedup, efficiency, imbalance_lower, fewer_misses, "
                      "invalid, fastest, affinity)",
                   kind);
    k->kind = (enum claim_check_kind)i;
    snprintf(w->field, sizeof w->field, "%srequired", prefix);
    const json_t *required = json_object_get(obj, "required");
    if (required && !json_is_boolean(required))
        return bad(w, "must be true or false");
    k->required = !required || json_is_true(required);

    static const char *const ratio_keys[] = {"kind", "required", "baseline", "candidate",
                                             "expect", "value", "tolerance", NULL};
    static const char *const pair_keys[] = {"kind", "required", "baseline", "candidate", NULL};
    static const char *const misses_keys[] = {"kind", "required", "baseline", "candidate",
                                              "counter", NULL};
    static const char *const one_keys[] = {"kind", "required", "candidate", NULL};
    static const char *const fastest_keys[] = {"kind", "required", "candidate", "others", NULL};
    static const char *const affinity_keys[] = {"kind", "required", "cpus", NULL};
    char sub[96];
    switch (k->kind) {
    case CHECK_SPEEDUP:
    case CHECK_EFFICIENCY:
    case CHECK_IMBALANCE_LOWER:
    case CHECK_FEWER_MISSES: {
        const char *const *keys = k->kind == CHECK_IMBALANCE_LOWER ? pair_keys
                                  : k->kind == CHECK_FEWER_MISSES  ? misses_keys
                                                                   : ratio_keys;
        if (only_keys(obj, keys, w, prefix) != 0)
            return -1;
        snprintf(sub, sizeof sub, "%sbaseline.", prefix);
        if (parse_probe(json_object_get(obj, "baseline"), c, &k->baseline, w, sub) != 0)
            return -1;
        snprintf(sub, sizeof sub, "%scandidate.", prefix);
        if (parse_probe(json_object_get(obj, "candidate"), c, &k->candidate, w, sub) != 0)
            return -1;
        if (k->kind == CHECK_FEWER_MISSES) {
            if (get_string(obj, "counter", true, &k->counter, w, prefix) != 0)
                return -1;
            if (strcmp(k->counter, "d1_misses") != 0 && strcmp(k->counter, "ll_misses") != 0 &&
                strcmp(k->counter, "instructions") != 0)
                return bad(w, "must be d1_misses, ll_misses or instructions");
            if (!k->baseline.sim || !k->candidate.sim) {
                snprintf(w->field, sizeof w->field, "%s", prefix);
                w->field[strlen(w->field) - 1] = '\0';
                return bad(w, "fewer_misses compares simulated caches: both measurements need "
                              "\"counters\": \"sim\"");
            }
        }
        if (k->kind == CHECK_SPEEDUP || k->kind == CHECK_EFFICIENCY)
            return parse_expectation(obj, k, w, prefix);
        return 0;
    }
    case CHECK_INVALID:
        if (only_keys(obj, one_keys, w, prefix) != 0)
            return -1;
        snprintf(sub, sizeof sub, "%scandidate.", prefix);
        k->candidate.may_be_invalid = true;
        return parse_probe(json_object_get(obj, "candidate"), c, &k->candidate, w, sub);
    case CHECK_FASTEST: {
        if (only_keys(obj, fastest_keys, w, prefix) != 0)
            return -1;
        snprintf(sub, sizeof sub, "%scandidate.", prefix);
        if (parse_probe(json_object_get(obj, "candidate"), c, &k->candidate, w, sub) != 0)
            return -1;
        const json_t *others = json_object_get(obj, "others");
        snprintf(w->field, sizeof w->field, "%sothers", prefix);
        if (!json_is_array(others) || json_array_size(others) < 1 ||
            json_array_size(others) > CLAIM_MAX_OTHERS)
            return bad(w, "must be an array of 1 to %d measurements", CLAIM_MAX_OTHERS);
        for (size_t j = 0; j < json_array_size(others); j++) {
            snprintf(sub, sizeof sub, "%sothers[%zu].", prefix, j);
            if (parse_probe(json_array_get(others, j), c, &k->others[j], w, sub) != 0)
                return -1;
        }
        k->n_others = (int)json_array_size(others);
        return 0;
    }
    case CHECK_AFFINITY:
        if (only_keys(obj, affinity_keys, w, prefix) != 0)
            return -1;
        return get_int(obj, "cpus", -1, 1, 4096, &k->affinity_cpus, w, prefix);
    }
    return bad(w, "unhandled kind");
}

/* The analogue of a measured variant, once per claim. */
static int link_analogue(const struct claim_set *set, struct claim *c, const struct claim_probe *p,
                         struct where *w)
{
    for (size_t i = 0; i < set->n_analogues; i++) {
        const struct claim_analogue *a = &set->analogues[i];
        if (a->variant != p->variant)
            continue;
        for (int k = 0; k < c->n_analogues; k++)
            if (c->analogues[k] == a)
                return 0;
        if (c->n_analogues == CLAIM_MAX_ANALOGUES) {
            snprintf(w->field, sizeof w->field, "checks");
            return bad(w, "measures more than %d variants with analogues", CLAIM_MAX_ANALOGUES);
        }
        c->analogues[c->n_analogues++] = a;
    }
    return 0;
}

static int link_analogues(const struct claim_set *set, struct claim *c, struct where *w)
{
    for (int i = 0; i < c->n_checks; i++) {
        const struct claim_check *k = &c->checks[i];
        const struct claim_probe *probes[2 + CLAIM_MAX_OTHERS] = {&k->baseline, &k->candidate};
        int n = 2;
        for (int o = 0; o < k->n_others; o++)
            probes[n++] = &k->others[o];
        for (int p = 0; p < n; p++)
            if (probes[p]->variant && link_analogue(set, c, probes[p], w) != 0)
                return -1;
    }
    return 0;
}

static int parse_claim(const json_t *obj, const struct claim_set *set, struct claim *c,
                       struct where *w)
{
    static const char *const keys[] = {"id", "source", "source_figure", "explanation", "workload",
                                       "size", "published_size", "threads_needed",
                                       "threads_minimum", "not_applicable", "python_only",
                                       "checks", NULL};
    if (!json_is_object(obj)) {
        snprintf(w->field, sizeof w->field, "(entry)");
        return bad(w, "must be an object");
    }
    if (get_string(obj, "id", true, &c->id, w, "") != 0)
        return -1;
    snprintf(w->claim, sizeof w->claim, "claim %.50s", c->id);
    for (const char *s = c->id; *s; s++)
        if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
              *s == '-' || *s == '_') ||
            s - c->id >= 15)
            return bad(w, "must be at most 15 letters, digits, '-' or '_'");
    if (only_keys(obj, keys, w, "") != 0)
        return -1;
    const char *workload;
    if (get_string(obj, "source", true, &c->source, w, "") != 0 ||
        get_string(obj, "source_figure", true, &c->source_figure, w, "") != 0 ||
        get_string(obj, "explanation", true, &c->explanation, w, "") != 0 ||
        get_string(obj, "workload", true, &workload, w, "") != 0)
        return -1;
    c->workload = sl_workload_find(workload);
    if (!c->workload)
        return bad(w, "unknown workload '%s' (see 'speedlab list')", workload);
    if (get_string(obj, "not_applicable", false, &c->not_applicable, w, "") != 0 ||
        get_string(obj, "python_only", false, &c->python_only, w, "") != 0)
        return -1;
    if (get_int(obj, "threads_needed", -1, 1, 4096, &c->threads_needed, w, "") != 0 ||
        get_int(obj, "threads_minimum", c->threads_needed, 1, c->threads_needed,
                &c->threads_minimum, w, "") != 0)
        return -1;
    if (get_string(obj, "size", !c->not_applicable, &c->size, w, "") != 0)
        return -1;
    if (c->size && c->workload->check_size(c->size) != 0)
        return bad(w, "%s", sl_error());
    if (get_string(obj, "published_size", false, &c->published_size, w, "") != 0)
        return -1;
    if (c->published_size && c->workload->check_size(c->published_size) != 0)
        return bad(w, "%s", sl_error());
    const json_t *checks = json_object_get(obj, "checks");
    snprintf(w->field, sizeof w->field, "checks");
    if (c->not_applicable) {
        if (checks && (!json_is_array(checks) || json_array_size(checks) != 0))
            return bad(w, "a claim that is not applicable has no checks");
        return 0;
    }
    if (!json_is_array(checks) || json_array_size(checks) < 1 ||
        json_array_size(checks) > CLAIM_MAX_CHECKS)
        return bad(w, "must be an array of 1 to %d checks", CLAIM_MAX_CHECKS);
    for (size_t i = 0; i < json_array_size(checks); i++)
        if (parse_check(json_array_get(checks, i), c, &c->checks[i], w, (int)i) != 0)
            return -1;
    c->n_checks = (int)json_array_size(checks);
    bool decides = false;
    for (int i = 0; i < c->n_checks; i++)
        decides |= c->checks[i].required;
    if (!decides) {
        snprintf(w->field, sizeof w->field, "checks");
        return bad(w, "at least one check must be required");
    }
    return link_analogues(set, c, w);
}

static int parse_analogue(const json_t *obj, const struct claim_set *set,
                          struct claim_analogue *a, struct where *w)
{
    static const char *const keys[] = {"workload", "variant", "stands_for", "versus_peer", NULL};
    if (!json_is_object(obj)) {
        snprintf(w->field, sizeof w->field, "(entry)");
        return bad(w, "must be an object");
    }
    if (only_keys(obj, keys, w, "") != 0)
        return -1;
    const char *workload, *variant;
    if (get_string(obj, "workload", true, &workload, w, "") != 0)
        return -1;
    a->workload = sl_workload_find(workload);
    if (!a->workload)
        return bad(w, "unknown workload '%s' (see 'speedlab list')", workload);
    if (get_string(obj, "variant", true, &variant, w, "") != 0)
        return -1;
    a->variant = sl_variant_find(a->workload, variant);
    if (!a->variant)
        return bad(w, "unknown %s variant '%s' (see 'speedlab list %s')", workload, variant,
                   workload);
    for (const struct claim_analogue *o = set->analogues; o < a; o++)
        if (o->variant == a->variant)
            return bad(w, "%s/%s: a second entry (one fact, one place)", workload, variant);
    return get_string(obj, "stands_for", true, &a->stands_for, w, "") != 0 ||
                   get_string(obj, "versus_peer", true, &a->versus_peer, w, "") != 0
               ? -1
               : 0;
}

/* The optional top-level "analogues": parsed before the claims that name them. */
static int parse_analogues(struct claim_set *set, struct where *w)
{
    const json_t *analogues = json_object_get(set->root, "analogues");
    snprintf(w->claim, sizeof w->claim, "(file)");
    snprintf(w->field, sizeof w->field, "analogues");
    if (!analogues)
        return 0;
    if (!json_is_array(analogues))
        return bad(w, "must be an array");
    set->analogues = calloc(json_array_size(analogues) + 1, sizeof *set->analogues);
    if (!set->analogues)
        return sl_fail("out of memory");
    for (size_t i = 0; i < json_array_size(analogues); i++) {
        snprintf(w->claim, sizeof w->claim, "analogues[%zu]", i);
        if (parse_analogue(json_array_get(analogues, i), set, &set->analogues[i], w) != 0)
            return -1;
        set->n_analogues++;
    }
    return 0;
}

static int parse_root(struct claim_set *set, const char *name)
{
    struct where w = {.file = name, .claim = "(file)"};
    static const char *const keys[] = {"schema", "schema_version", "analogues", "claims", NULL};
    if (!json_is_object(set->root)) {
        snprintf(w.field, sizeof w.field, "(top level)");
        return bad(&w, "must be an object");
    }
    if (only_keys(set->root, keys, &w, "") != 0)
        return -1;
    const char *schema;
    if (get_string(set->root, "schema", true, &schema, &w, "") != 0)
        return -1;
    if (strcmp(schema, "speedlab-claims") != 0)
        return bad(&w, "must be \"speedlab-claims\"");
    int version;
    if (get_int(set->root, "schema_version", -1, 1, 1, &version, &w, "") != 0)
        return -1;
    if (parse_analogues(set, &w) != 0)
        return -1;
    const json_t *claims = json_object_get(set->root, "claims");
    snprintf(w.claim, sizeof w.claim, "(file)");
    snprintf(w.field, sizeof w.field, "claims");
    if (!json_is_array(claims) || json_array_size(claims) == 0)
        return bad(&w, "must be a non-empty array");
    set->n = json_array_size(claims);
    set->claims = calloc(set->n, sizeof *set->claims);
    if (!set->claims)
        return sl_fail("out of memory");
    for (size_t i = 0; i < set->n; i++) {
        snprintf(w.claim, sizeof w.claim, "claim #%zu", i + 1);
        if (parse_claim(json_array_get(claims, i), set, &set->claims[i], &w) != 0)
            return -1;
        for (size_t j = 0; j < i; j++)
            if (strcmp(set->claims[j].id, set->claims[i].id) == 0) {
                snprintf(w.field, sizeof w.field, "id");
                return bad(&w, "duplicate (also claim #%zu)", j + 1);
            }
    }
    return 0;
}

static int finish_load(struct claim_set *set, const char *name, const json_error_t *err)
{
    if (!set->root)
        return err->line < 0 ? sl_fail("%s: %s", name, err->text)
                             : sl_fail("%s: not JSON (line %d: %s)", name, err->line, err->text);
    if (parse_root(set, name) != 0) {
        claims_free(set);
        return -1;
    }
    return 0;
}

int claims_load(const char *path, struct claim_set *set)
{
    memset(set, 0, sizeof *set);
    json_error_t err;
    set->root = json_load_file(path, JSON_REJECT_DUPLICATES, &err);
    return finish_load(set, path, &err);
}

int claims_parse(const char *text, const char *name, struct claim_set *set)
{
    memset(set, 0, sizeof *set);
    json_error_t err;
    set->root = json_loads(text, JSON_REJECT_DUPLICATES, &err);
    return finish_load(set, name, &err);
}

void claims_free(struct claim_set *set)
{
    free(set->claims);
    free(set->analogues);
    if (set->root)
        json_decref(set->root);
    memset(set, 0, sizeof *set);
}

const struct claim *claims_find(const struct claim_set *set, const char *id)
{
    for (size_t i = 0; i < set->n; i++)
        if (strcmp(set->claims[i].id, id) == 0)
            return &set->claims[i];
    return NULL;
}

const char *claim_size(const struct claim *c, bool quick)
{
    return quick ? "tiny" : c->size;
}

const char *claim_probe_size(const struct claim *c, const struct claim_probe *p, bool quick)
{
    return p->size && !quick ? p->size : claim_size(c, quick);
}

int claim_probe_threads(const struct claim *c, const struct claim_probe *p, int allowed)
{
    if (allowed < 1)
        allowed = 1;
    switch (p->threads_kind) {
    case THREADS_EXACT: return p->threads_value <= allowed ? p->threads_value : 0;
    case THREADS_P: return c->threads_needed < allowed ? c->threads_needed : allowed;
    case THREADS_CPUS: return p->threads_value * allowed;
    }
    return 0;
}
