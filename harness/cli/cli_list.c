/* speedlab list: the kernels, their variants and axes, and which run on
 * this CPU. */
#include "cli/cli.h"
#include "cli/suggest.h"
#include "kit/sl.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

static void schedule_list(unsigned schedules, char *buf, size_t len)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int s = 0; s < SL_SCHED_COUNT; s++)
        if (schedules & SL_SCHED_BIT(s))
            used += (size_t)snprintf(buf + used, len - used, "%s%s", used ? "," : "",
                                     sl_schedule_name((enum sl_schedule)s));
}

static int widest(int width, const char *text)
{
    int len = (int)strlen(text);
    return len > width ? len : width;
}

struct list_args {
    bool names;
};

static const struct sl_option list_options[] = {
    {.name = "names", .group = "options",
     .help = "only the kernel names, one per line (for scripts)", .kind = SL_OPTION_FLAG,
     .offset = offsetof(struct list_args, names)},
    {0},
};

static int cli_list(int argc, char **argv, const struct machine *m);

const struct cli_command cli_list_command = {
    .name = "list",
    .operands = "[KERNEL]",
    .summary = "kernels and variants, and which run on this CPU",
    .about = "Lists kernels and their variants: axes (layout, loops, isa, algorithm),\n"
             "the schedules each can run under, and whether it runs on this CPU (and why not).\n",
    .options = list_options,
    .main = cli_list,
};

/* Columns as wide as this workload's longest entry. */
struct list_widths {
    int name, layout, loops, isa, algorithm, schedules;
};

static void measure_widths(const struct sl_workload *w, struct list_widths *c)
{
    *c = (struct list_widths){7, 6, 5, 3, 9, 9};
    for (const struct sl_variant *v = w->variants; v->name; v++) {
        char scheds[64];
        schedule_list(v->schedules, scheds, sizeof scheds);
        c->name = widest(c->name, v->name);
        c->layout = widest(c->layout, sl_axis(v->axes.layout));
        c->loops = widest(c->loops, sl_axis(v->axes.loops));
        c->isa = widest(c->isa, sl_axis(v->axes.isa));
        c->algorithm = widest(c->algorithm, sl_axis(v->axes.algorithm));
        c->schedules = widest(c->schedules, scheds);
    }
}

static void print_variant(const struct sl_variant *v, const struct list_widths *c)
{
    char scheds[64], here[64] = "yes";
    schedule_list(v->schedules, scheds, sizeof scheds);
    const char *missing = sl_isa_missing(v->requires);
    if (missing)
        snprintf(here, sizeof here, "no (CPU lacks %s)", missing);
    printf("  %-*s %-*s %-*s %-*s %-*s %-*s %s\n", c->name, v->name, c->layout,
           sl_axis(v->axes.layout), c->loops, sl_axis(v->axes.loops), c->isa,
           sl_axis(v->axes.isa), c->algorithm, sl_axis(v->axes.algorithm), c->schedules, scheds,
           here);
    printf("  %-*s   %s\n", c->name, "", v->summary);
    if (v->known_defect)
        printf("  %-*s   known defect, on purpose: %s\n", c->name, "", v->known_defect);
}

static void print_workload(const struct sl_workload *w)
{
    char merit[32];
    printf("%s — %s\n  unit: %s; figure of merit: %s; size: %s; default %s; presets:", w->name,
           w->summary, w->unit, sl_merit_label(w->merit, w->unit, merit, sizeof merit),
           w->size_syntax, w->default_size);
    for (const struct sl_preset *preset = w->presets; preset && preset->name; preset++)
        printf(" %s=%s", preset->name, preset->size);
    struct list_widths c;
    measure_widths(w, &c);
    printf("\n  %-*s %-*s %-*s %-*s %-*s %-*s %s\n", c.name, "variant", c.layout, "layout",
           c.loops, "loops", c.isa, "isa", c.algorithm, "algorithm", c.schedules, "schedules",
           "runs here");
    for (const struct sl_variant *v = w->variants; v->name; v++)
        print_variant(v, &c);
}

static int cli_list(int argc, char **argv, const struct machine *m)
{
    (void)m;
    struct list_args a = {0};
    struct cli_parsed p;
    int parsed = cli_parse(&cli_list_command, argc, argv, &a, &p);
    if (parsed != CLI_PARSED)
        return cli_parse_status(&cli_list_command, parsed);
    if (p.n_operands > 1 || (a.names && p.n_operands)) {
        sl_fail(a.names ? "list: --names lists every kernel; give no kernel name"
                        : "list takes at most one kernel name");
        return cli_usage_error();
    }
    size_t count;
    const struct sl_workload *const *all = sl_workloads(&count);
    const struct sl_workload *only = NULL;
    if (p.n_operands == 1 && !(only = sl_workload_find(p.operands[0]))) {
        suggest_fail_kernel(p.operands[0]);
        return cli_usage_error();
    }
    for (size_t i = 0; i < count; i++) {
        if (a.names)
            printf("%s\n", all[i]->name);
        else if (!only || all[i] == only)
            print_workload(all[i]);
    }
    return EXIT_SUCCESS;
}
