#include "cli/options.h"

#include "cli/cli.h"
#include "cli/suggest.h"
#include "kit/util.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

/* ---- parsing ------------------------------------------------------------ */

/* The options a command line may hold, as getopt_long wants them: the
 * command's rows, then every kernel's (a name two kernels share once). */
struct accepted {
    const struct sl_option **rows;
    bool *of_kernel;
    size_t n;
    struct option *longs; /* val: 256 + index into rows; then --help */
    char shorts[64];      /* ":h" and the rows' letters */
};

static void accepted_free(struct accepted *a)
{
    free(a->rows);
    free(a->of_kernel);
    free(a->longs);
}

static void accept_rows(struct accepted *a, const struct sl_option *rows, bool of_kernel)
{
    for (size_t i = 0; rows && rows[i].name; i++) {
        bool known = false;
        for (size_t k = 0; k < a->n; k++)
            known |= strcmp(a->rows[k]->name, rows[i].name) == 0;
        if (known)
            continue;
        a->rows[a->n] = &rows[i];
        a->of_kernel[a->n] = of_kernel;
        a->longs[a->n] = (struct option){rows[i].name, rows[i].arg ? required_argument : no_argument,
                                         NULL, 256 + (int)a->n};
        a->n++;
        size_t len = strlen(a->shorts);
        if (rows[i].letter && len + 3 < sizeof a->shorts)
            snprintf(a->shorts + len, sizeof a->shorts - len, "%c%s", rows[i].letter,
                     rows[i].arg ? ":" : "");
    }
}

static int accepted_build(const struct cli_command *cmd, struct accepted *a)
{
    size_t n_kernels = 0, cap = sl_options_count(cmd->options);
    const struct sl_workload *const *kernels = NULL;
    if (cmd->kernel_options)
        kernels = sl_workloads(&n_kernels);
    for (size_t k = 0; k < n_kernels; k++)
        cap += sl_options_count(kernels[k]->options);
    *a = (struct accepted){.shorts = ":h"};
    a->rows = calloc(cap + 1, sizeof *a->rows);
    a->of_kernel = calloc(cap + 1, sizeof *a->of_kernel);
    a->longs = calloc(cap + 2, sizeof *a->longs);
    if (!a->rows || !a->of_kernel || !a->longs) {
        accepted_free(a);
        return sl_fail("out of memory");
    }
    accept_rows(a, cmd->options, false);
    for (size_t k = 0; k < n_kernels; k++)
        accept_rows(a, kernels[k]->options, true);
    a->longs[a->n] = (struct option){"help", no_argument, NULL, 'h'};
    return 0;
}

/* The row getopt_long returned `c` for (a long option's val or a letter). */
static const struct sl_option *row_of(const struct accepted *a, int c)
{
    if (c >= 256 && (size_t)(c - 256) < a->n)
        return a->rows[c - 256];
    for (size_t i = 0; i < a->n && c > 0; i++)
        if (!a->of_kernel[i] && a->rows[i]->letter == c)
            return a->rows[i];
    return NULL;
}

/* One line for what getopt_long refused: `c` is '?' or ':' (missing argument). */
static int option_error(const struct cli_command *cmd, const struct accepted *a, int c,
                        const char *given)
{
    const struct sl_option *row = row_of(a, optopt);
    char see[96];
    snprintf(see, sizeof see, "see 'speedlab %s --help'", cmd->name);
    if (c == ':' && row)
        return sl_fail("%s: option '--%s' needs an argument (%s; %s)", cmd->name, row->name,
                       row->arg, see);
    if (row)
        return sl_fail("%s: option '--%s' takes no argument (%s)", cmd->name, row->name, see);
    if (optopt > 0 && optopt < 256)
        return sl_fail("%s: unknown option '-%c' (%s)", cmd->name, optopt, see);
    /* A prefix of several names (glibc accepts a prefix of one). */
    size_t len = strcspn(given, "=");
    char names[256] = "";
    int matches = 0;
    for (size_t i = 0; i < a->n && len > 2 && strncmp(given, "--", 2) == 0; i++) {
        size_t used = strlen(names);
        if (strncmp(a->rows[i]->name, given + 2, len - 2) == 0)
            snprintf(names + used, sizeof names - used, "%s--%s", matches++ ? ", " : "",
                     a->rows[i]->name);
    }
    if (matches > 1)
        return sl_fail("%s: option '%.*s' is ambiguous: %s (%s)", cmd->name, (int)len, given, names,
                       see);
    /* A misspelt long option: the closest of the command's and kernels' names. */
    char name[128], paren[128], hint[192];
    snprintf(name, sizeof name, "%.*s", (int)len, given);
    struct suggestion s;
    suggest_begin(&s, strncmp(name, "--", 2) == 0 ? name + 2 : name);
    for (size_t i = 0; i < a->n && strncmp(name, "--", 2) == 0; i++)
        suggest_consider(&s, a->rows[i]->name);
    suggest_consider(&s, "help");
    snprintf(paren, sizeof paren, " (%s)", see);
    return sl_fail("%s: unknown option '%s'%s", cmd->name, name,
                   suggest_hint(&s, "--", paren, hint, sizeof hint));
}

void cli_parsed_free(struct cli_parsed *p)
{
    free(p->kernel);
    p->kernel = NULL;
    p->n_kernel = 0;
}

/* An option of the command's own, found on the command line. */
struct found {
    const struct sl_option *row;
    const char *arg;
};

/* getopt_long over the accepted options: the command's own are collected in
 * `found` (applied once the whole line is read), kernels' in out->kernel. */
static int scan(const struct cli_command *cmd, const struct accepted *a, int argc, char **argv,
                struct found *found, int *n_found, struct cli_parsed *out)
{
    int c;
    optind = 0; /* a fresh scan, also when a process parses twice (tests) */
    opterr = 0;
    while ((c = getopt_long(argc, argv, a->shorts, a->longs, NULL)) != -1) {
        const struct sl_option *row = c == '?' || c == ':' ? NULL : row_of(a, c);
        if (c == 'h') {
            out->help = true;
        } else if (row && c >= 256 && a->of_kernel[c - 256]) {
            out->kernel[out->n_kernel++] = (struct cli_kernel_option){row->name, optarg};
        } else if (row) {
            found[(*n_found)++] = (struct found){row, optarg};
        } else {
            return option_error(cmd, a, c, argv[optind - 1]);
        }
    }
    out->operands = argv + optind;
    out->n_operands = argc - optind;
    return 0;
}

int cli_parse(const struct cli_command *cmd, int argc, char **argv, void *dest,
              struct cli_parsed *out)
{
    *out = (struct cli_parsed){0};
    if (sl_options_defaults(cmd->options, dest) != 0)
        return -1;
    struct accepted a;
    if (accepted_build(cmd, &a) != 0)
        return -1;
    struct found *found = calloc((size_t)argc + 1, sizeof *found);
    if (cmd->kernel_options)
        out->kernel = calloc((size_t)argc + 1, sizeof *out->kernel);
    int n_found = 0, rc = 0;
    if (!found || (cmd->kernel_options && !out->kernel))
        rc = sl_fail("out of memory");
    if (rc == 0)
        rc = scan(cmd, &a, argc, argv, found, &n_found, out);
    for (int i = 0; rc == 0 && !out->help && i < n_found; i++)
        rc = sl_option_apply(found[i].row, found[i].arg, dest);
    free(found);
    accepted_free(&a);
    if (rc != 0) {
        cli_parsed_free(out);
        return -1;
    }
    return out->help ? CLI_HELP : CLI_PARSED;
}

int cli_apply_kernel_options(const struct cli_parsed *p, const struct sl_workload *w,
                             void *options)
{
    for (int i = 0; i < p->n_kernel; i++) {
        const struct sl_option *row = sl_options_find(w->options, p->kernel[i].name);
        if (row) {
            if (sl_option_apply(row, p->kernel[i].arg, options) != 0)
                return -1;
            continue;
        }
        size_t n;
        const struct sl_workload *const *all = sl_workloads(&n);
        const char *owner = "another kernel";
        for (size_t k = 0; k < n; k++)
            if (sl_options_find(all[k]->options, p->kernel[i].name)) {
                owner = all[k]->name;
                break;
            }
        return sl_fail("--%s is an option of kernel %s, not of %s (see 'speedlab run %s --help')",
                       p->kernel[i].name, owner, w->name, w->name);
    }
    return 0;
}

int cli_error(int status)
{
    fprintf(stderr, "speedlab: error: %s\n", sl_error());
    return status;
}

int cli_usage_error(void)
{
    return cli_error(EXIT_USAGE);
}

int cli_parse_status(const struct cli_command *cmd, int parsed)
{
    if (parsed == CLI_HELP) {
        cli_print_help(cmd, NULL, stdout);
        return 0;
    }
    return cli_usage_error();
}

const struct cli_command *cli_command_find(const char *name)
{
    for (size_t i = 0; cli_commands[i]; i++)
        if (strcmp(cli_commands[i]->name, name) == 0)
            return cli_commands[i];
    return NULL;
}

/* ---- help text ---------------------------------------------------------- */

enum { HELP_WIDTH = 79, HELP_COLUMN = 22 };

/* Prints `text` from column `at`, wrapped at HELP_WIDTH, continuation lines
 * indented to `indent`; ends the line. */
static void wrap(FILE *fp, const char *text, int at, int indent)
{
    int col = at;
    const char *p = text;
    while (*p) {
        size_t gap = strspn(p, " ");
        size_t word = strcspn(p + gap, " ");
        if (word == 0)
            break;
        if (col > indent && col + (int)(gap + word) > HELP_WIDTH) {
            fprintf(fp, "\n%*s", indent, "");
            col = indent;
            gap = 0;
            p += strspn(p, " ");
        }
        fprintf(fp, "%.*s%.*s", (int)gap, p, (int)word, p + gap);
        col += (int)(gap + word);
        p += gap + word;
    }
    fputc('\n', fp);
}

static const char *default_of(const struct sl_option *row)
{
    return row->def_text ? row->def_text : row->def;
}

static void print_row(FILE *fp, const struct sl_option *row)
{
    char label[96], text[1024], letter[8] = "";
    if (row->letter)
        snprintf(letter, sizeof letter, "-%c, ", row->letter);
    int len = snprintf(label, sizeof label, "  %s--%s%s%s", letter, row->name, row->arg ? " " : "",
                       row->arg ? row->arg : "");
    if (default_of(row))
        snprintf(text, sizeof text, "%s (default: %s)", row->help, default_of(row));
    else
        snprintf(text, sizeof text, "%s", row->help);
    int at = len + 2 > HELP_COLUMN ? len + 2 : HELP_COLUMN;
    fprintf(fp, "%s%*s", label, at - len, "");
    wrap(fp, text, at, HELP_COLUMN);
}

/* The rows under their group headings, each heading once (prefix: a
 * kernel's name). */
static void print_groups(FILE *fp, const struct sl_option *rows, const char *prefix)
{
    const char *group = NULL;
    for (size_t i = 0; rows && rows[i].name; i++) {
        if (!group || strcmp(group, rows[i].group) != 0) {
            group = rows[i].group;
            fprintf(fp, "\n%s%s%s:\n", prefix ? prefix : "", prefix ? ", " : "", group);
        }
        print_row(fp, &rows[i]);
    }
}

/* run --help without a kernel: which kernels add options, and which. */
static void print_kernels_with_options(FILE *fp)
{
    size_t n;
    const struct sl_workload *const *all = sl_workloads(&n);
    char line[2048] = "Kernels may add options of their own, listed by 'speedlab run KERNEL --help':";
    size_t used = strlen(line);
    for (size_t k = 0; k < n; k++) {
        if (!all[k]->options)
            continue;
        used += (size_t)snprintf(line + used, sizeof line - used, " %s (", all[k]->name);
        for (size_t i = 0; all[k]->options[i].name && used < sizeof line; i++)
            used += (size_t)snprintf(line + used, sizeof line - used, "%s--%s", i ? ", " : "",
                                     all[k]->options[i].name);
        used += (size_t)snprintf(line + used, sizeof line - used, ")");
    }
    fputc('\n', fp);
    wrap(fp, line, 0, 0);
}

void cli_print_help(const struct cli_command *cmd, const struct sl_workload *kernel, FILE *fp)
{
    fprintf(fp, "Usage: speedlab %s%s%s%s\n", cmd->name, cmd->operands[0] ? " " : "",
            cmd->operands, cmd->options ? " [options]" : "");
    if (cmd->about)
        fprintf(fp, "\n%s", cmd->about);
    print_groups(fp, cmd->options, NULL);
    if (cmd->kernel_options && !kernel)
        print_kernels_with_options(fp);
    if (kernel && kernel->options) {
        fprintf(fp, "\noptions of kernel %s:\n", kernel->name);
        if (kernel->options_about)
            wrap(fp, kernel->options_about, 0, 0);
        print_groups(fp, kernel->options, kernel->name);
    } else if (kernel) {
        fprintf(fp, "\nkernel %s has no options of its own.\n", kernel->name);
    }
    if (cmd->notes)
        fprintf(fp, "\n%s", cmd->notes);
}

/* Shaped for help2man too (the man page): "Usage:" lines, then paragraphs,
 * then the options. */
void cli_print_commands(FILE *fp)
{
    fprintf(fp, "Usage: speedlab COMMAND [options] [ARGUMENTS]\n"
                "  or:  speedlab --version\n"
                "Measures variants of parallel kernels (data layout, fused loops, SIMD, OpenMP\n"
                "schedules, sparsity) with placed threads, validated results and\n"
                "self-describing JSON records; draws figures and a report from the records.\n"
                "\nCommands:\n");
    for (size_t i = 0; cli_commands[i]; i++) {
        const struct cli_command *c = cli_commands[i];
        if (!c->summary)
            continue;
        char label[96];
        int len = snprintf(label, sizeof label, "  %s%s%s", c->name, c->operands[0] ? " " : "",
                           c->operands);
        int at = len + 2 > 18 ? len + 2 : 18;
        fprintf(fp, "%s%*s", label, at - len, "");
        wrap(fp, c->summary, at, 18);
    }
    fprintf(fp, "\nOptions:\n"
                "  -h, --help        this list; 'speedlab COMMAND --help' describes each\n"
                "                    command and its options\n"
                "      --version     the version and build (as 'speedlab version')\n");
}

/* ---- markdown ----------------------------------------------------------- */

/* Text for a table cell: '|' escaped. */
static void cell(FILE *fp, const char *text)
{
    for (const char *p = text; *p; p++)
        fprintf(fp, *p == '|' ? "\\|" : "%c", *p);
}

static void markdown_rows(FILE *fp, const struct sl_option *rows)
{
    /* Group rows only where there is more than one group. */
    bool grouped = false;
    for (size_t i = 1; rows[0].name && rows[i].name; i++)
        grouped |= strcmp(rows[i].group, rows[0].group) != 0;
    fprintf(fp, "| option | default | what it does |\n|---|---|---|\n");
    const char *group = NULL;
    for (size_t i = 0; rows[i].name; i++) {
        if (grouped && (!group || strcmp(group, rows[i].group) != 0))
            fprintf(fp, "| *%s* | | |\n", rows[i].group);
        group = rows[i].group;
        fprintf(fp, "| `");
        if (rows[i].letter)
            fprintf(fp, "-%c, ", rows[i].letter);
        fprintf(fp, "--%s%s%s` |", rows[i].name, rows[i].arg ? " " : "",
                rows[i].arg ? rows[i].arg : "");
        if (default_of(&rows[i])) {
            fputc(' ', fp);
            cell(fp, default_of(&rows[i]));
        }
        fprintf(fp, " | ");
        cell(fp, rows[i].help);
        fprintf(fp, " |\n");
    }
}

void cli_print_markdown(FILE *fp)
{
    for (size_t i = 0; cli_commands[i]; i++) {
        const struct cli_command *c = cli_commands[i];
        if (!c->summary || !c->options || !c->options[0].name)
            continue;
        fprintf(fp, "%s### speedlab %s%s%s\n\n%s\n\n", i ? "\n" : "", c->name,
                c->operands[0] ? " " : "", c->operands, c->summary);
        markdown_rows(fp, c->options);
        size_t n = 0;
        const struct sl_workload *const *all = c->kernel_options ? sl_workloads(&n) : NULL;
        for (size_t k = 0; k < n; k++)
            if (all[k]->options) {
                fprintf(fp, "\n#### speedlab %s %s: the kernel's own options\n\n", c->name,
                        all[k]->name);
                markdown_rows(fp, all[k]->options);
            }
    }
}
