#include "figures/report_environment.h"

#include <string.h>

bool report_result_disturbed(const struct sl_result *r)
{
    return r->status == SL_STATUS_OK && r->noise.counted && r->d.noise.disturbed_reps > 0;
}

static bool check_warned(const struct sl_run *run, int i)
{
    return run->environment.checked && run->environment.checks[i].warning[0];
}

/* Results counted for noise, and those with a disturbed repetition. */
static void count_disturbed(const struct plot_set *set, size_t *counted, size_t *disturbed)
{
    *counted = *disturbed = 0;
    for (size_t k = 0; k < set->n_records; k++) {
        const struct sl_run *run = set->records[k].run;
        for (size_t i = 0; i < run->n_results; i++) {
            const struct sl_result *r = &run->results[i];
            *counted += r->status == SL_STATUS_OK && r->noise.counted;
            *disturbed += report_result_disturbed(r);
        }
    }
}

static size_t records_warned(const struct plot_set *set)
{
    size_t n = 0;
    for (size_t k = 0; k < set->n_records; k++) {
        const struct sl_run *run = set->records[k].run;
        bool any = false;
        for (int i = 0; i < run->environment.n_checks; i++)
            any |= check_warned(run, i);
        n += any;
    }
    return n;
}

bool report_has_noise(const struct plot_set *set)
{
    size_t counted, disturbed;
    count_disturbed(set, &counted, &disturbed);
    return disturbed > 0 || records_warned(set) > 0;
}

/* Each check that warned, once, with the number of records it warned in. */
static void warned_checks(struct html *h, const struct plot_set *set)
{
    bool first = true;
    for (size_t k = 0; k < set->n_records; k++) {
        const struct sl_run *run = set->records[k].run;
        for (int i = 0; i < run->environment.n_checks; i++) {
            const char *name = run->environment.checks[i].name;
            bool earlier = false;
            for (size_t j = 0; j < k && !earlier; j++)
                for (int c = 0; c < set->records[j].run->environment.n_checks; c++)
                    earlier |= check_warned(set->records[j].run, c) &&
                               strcmp(set->records[j].run->environment.checks[c].name, name) == 0;
            if (!check_warned(run, i) || earlier)
                continue;
            size_t in = 0;
            for (size_t j = k; j < set->n_records; j++)
                for (int c = 0; c < set->records[j].run->environment.n_checks; c++)
                    in += check_warned(set->records[j].run, c) &&
                          strcmp(set->records[j].run->environment.checks[c].name, name) == 0;
            html_textf(h, "%s%s (%zu)", first ? "" : ", ", name, in);
            first = false;
        }
    }
}

void report_noise_banner(struct html *h, const struct plot_set *set)
{
    size_t counted, disturbed, warned = records_warned(set);
    count_disturbed(set, &counted, &disturbed);
    if (disturbed == 0 && warned == 0)
        return;
    html_markup(h, "<div class=banner id=noise><b>Noise.</b> ");
    if (disturbed > 0) {
        html_textf(h, "%zu of %zu results counted for noise had disturbed repetitions (a worker "
                      "switched out, migrated, kept off its CPU or started late): their times "
                      "include other work. Their noise verdicts are in the records; the summary "
                      "never picks one as best. ",
                   disturbed, counted);
    }
    if (warned > 0) {
        html_textf(h, "The environment checks warned in %zu of %zu records: ", warned,
                   set->n_records);
        warned_checks(h, set);
        html_markup(h, " (<a href=\"#environment\">the checks</a>).");
    }
    html_markup(h, "</div>\n");
}

/* ---- the environment section ---------------------------------------------------------- */

static bool same_machine(const struct sl_machine_desc *a, const struct sl_machine_desc *b)
{
    return strcmp(a->hostname, b->hostname) == 0 && strcmp(a->cpu_model, b->cpu_model) == 0;
}

static void variables(struct html *h, const struct plot_record *rec)
{
    const struct sl_environment *env = &rec->run->environment;
    html_markup(h, "<p>Variables and timer of <code>");
    html_text(h, rec->label);
    html_markup(h, "</code>:</p>\n<table class=kv>\n");
    for (int i = 0; i < env->n_variables; i++) {
        html_markup(h, "<tr><th>");
        html_text(h, env->variables[i].name);
        html_markup(h, "</th><td>");
        if (env->variables[i].value)
            html_text(h, env->variables[i].value);
        else
            html_markup(h, "<span class=na>not set</span>");
        html_markup(h, "</td></tr>\n");
    }
    html_markup(h, "<tr><th>timer</th><td>");
    html_text(h, env->timer);
    html_markup(h, "</td></tr>\n</table>\n");
}

/* One check's cell: the value read, the warning under it. */
static void check_cell(struct html *h, const struct sl_env_check *c)
{
    html_markup(h, "<td>");
    if (c->available)
        html_text(h, c->value);
    else {
        html_markup(h, "<span class=na>");
        html_text(h, c->value);
        html_markup(h, "</span>");
    }
    if (c->warning[0]) {
        html_markup(h, "<br><span class=bad>");
        html_text(h, c->warning);
        html_markup(h, "</span>");
    }
    html_markup(h, "</td>");
}

/* The checks of every record made on the machine of record `first`. */
static void machine_checks(struct html *h, const struct plot_set *set, size_t first)
{
    const struct sl_run *model = NULL;
    for (size_t k = first; k < set->n_records && !model; k++)
        if (same_machine(&set->records[k].run->machine, &set->records[first].run->machine) &&
            set->records[k].run->environment.checked)
            model = set->records[k].run;
    const struct sl_machine_desc *m = &set->records[first].run->machine;
    html_markup(h, "<h3>Checks on ");
    html_textf(h, "%s (%s)", m->hostname, m->cpu_model);
    html_markup(h, "</h3>\n<table class=grid>\n<tr><th>record</th>");
    for (int i = 0; model && i < model->environment.n_checks; i++) {
        html_markup(h, "<th>");
        html_text(h, model->environment.checks[i].name);
        html_markup(h, "</th>");
    }
    html_markup(h, "</tr>\n");
    for (size_t k = first; k < set->n_records; k++) {
        const struct sl_run *run = set->records[k].run;
        if (!same_machine(&run->machine, m))
            continue;
        html_markup(h, "<tr><td>");
        html_text(h, set->records[k].label);
        html_markup(h, "</td>");
        if (!run->environment.checked || !model)
            html_markup(h, "<td colspan=99><span class=na>not checked (a record written before "
                           "speedlab checked the environment)</span></td>");
        for (int i = 0; run->environment.checked && model && i < model->environment.n_checks; i++) {
            const struct sl_env_check *c = NULL;
            for (int j = 0; j < run->environment.n_checks && !c; j++)
                if (strcmp(run->environment.checks[j].name, model->environment.checks[i].name) == 0)
                    c = &run->environment.checks[j];
            if (c)
                check_cell(h, c);
            else
                html_markup(h, "<td><span class=na>not checked</span></td>");
        }
        html_markup(h, "</tr>\n");
    }
    html_markup(h, "</table>\n");
}

void report_environment(struct html *h, const struct plot_set *set)
{
    html_markup(h, "<h2 id=environment>Environment</h2>\n");
    variables(h, &set->records[0]);
    html_markup(h, "<p>What the system did to timings, read before each run: the value read, "
                   "and in red what was worth a warning.</p>\n");
    for (size_t k = 0; k < set->n_records; k++) {
        bool earlier = false;
        for (size_t j = 0; j < k && !earlier; j++)
            earlier = same_machine(&set->records[j].run->machine, &set->records[k].run->machine);
        if (!earlier)
            machine_checks(h, set, k);
    }
}
