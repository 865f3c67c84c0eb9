/* speedlab completion bash: a bash completion script generated from the
 * command table, the option tables (the commands' and the kernels' own) and
 * the kernel registry, so it offers the names the parser accepts. */
#include "cli/cli.h"
#include "reporters/reporters.h"

#include <stdio.h>
#include <string.h>

static const char *const completion_shells[] = {"bash", NULL};

static const struct sl_option completion_options[] = {{0}};

static int cli_completion(int argc, char **argv, const struct machine *m);

const struct cli_command cli_completion_command = {
    .name = "completion",
    .operands = "SHELL",
    .summary = "a bash completion script, from the option tables",
    .about = "Prints a bash completion script generated from speedlab's command and option\n"
             "tables: commands, each command's options (and the kernel's own after 'run\n"
             "KERNEL'), kernels, variants of the kernel on the line after --variants,\n"
             "schedules, size presets, the words of options with fixed choices, and files\n"
             "or folders where an argument is one.  Install it for your user with\n"
             "  speedlab completion bash > ~/.local/share/bash-completion/completions/speedlab\n"
             "(read by the bash-completion package in new shells), or for this shell only\n"
             "  source <(speedlab completion bash)\n",
    .options = completion_options,
    .without_machine = true,
    .main = cli_completion,
};

/* ---- what an argument is ------------------------------------------------ */

/* Text options whose arguments are words the completion knows, by name
 * (options with fixed choices offer their choices). */
static const struct {
    const char *option, *kind;
} named_arguments[] = {
    {"variants", "list:variants"}, {"schedules", "list:schedules"}, {"size", "sizes"},
    {"sizes", "list:sizes"},       {"format", "formats"},
};

/* How the argument of `row` completes: files, dirs, list:KIND (comma
 * lists), KIND, words:W... (fixed choices), or value (nothing to offer). */
static void print_argument_kind(FILE *fp, const struct sl_option *row)
{
    if (row->kind == SL_OPTION_CHOICE) {
        fprintf(fp, "'words:");
        for (size_t i = 0; row->choices[i]; i++)
            fprintf(fp, "%s%s", i ? " " : "", row->choices[i]);
        fputc('\'', fp);
        return;
    }
    for (size_t i = 0; i < sizeof named_arguments / sizeof named_arguments[0]; i++)
        if (row->kind == SL_OPTION_TEXT && strcmp(row->name, named_arguments[i].option) == 0) {
            fprintf(fp, "%s", named_arguments[i].kind);
            return;
        }
    if (strncmp(row->arg, "FILE", 4) == 0 || strcmp(row->arg, "BASE") == 0) {
        fprintf(fp, "files");
    } else if (strcmp(row->arg, "DIR") == 0) {
        fprintf(fp, "dirs");
    } else {
        fprintf(fp, "value");
    }
}

/* How a command's operands complete, from their name in its usage line. */
static const char *operand_kind(const struct cli_command *c)
{
    static const struct {
        const char *word, *kind;
    } kinds[] = {{"KERNEL", "kernel"}, {"RECORD", "files"}, {"BASE", "files"},
                 {"DIR", "dirs"},      {"SHELL", "shells"}};
    const char *first = c->operands + strspn(c->operands, "[");
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        if (strncmp(first, kinds[i].word, strlen(kinds[i].word)) == 0)
            return kinds[i].kind;
    return NULL;
}

/* ---- the generated functions -------------------------------------------- */

static bool visible(const struct cli_command *c)
{
    return c->summary != NULL;
}

static void print_option_words(FILE *fp, const struct sl_option *rows)
{
    for (size_t i = 0; rows && rows[i].name; i++) {
        if (rows[i].letter)
            fprintf(fp, "-%c ", rows[i].letter);
        fprintf(fp, "--%s ", rows[i].name);
    }
}

static void print_options_function(FILE *fp)
{
    fprintf(fp, "# CMD [KERNEL]: the options of a command, with the kernel's own.\n"
                "_speedlab_options()\n{\n    case $1 in\n");
    for (size_t i = 0; cli_commands[i]; i++) {
        if (!visible(cli_commands[i]))
            continue;
        fprintf(fp, "    %s) echo \"", cli_commands[i]->name);
        print_option_words(fp, cli_commands[i]->options);
        fprintf(fp, "--help\" ;;\n");
    }
    fprintf(fp, "    esac\n    case $1:$2 in\n");
    size_t n;
    const struct sl_workload *const *all = sl_workloads(&n);
    for (size_t i = 0; cli_commands[i]; i++)
        for (size_t k = 0; visible(cli_commands[i]) && cli_commands[i]->kernel_options && k < n; k++)
            if (all[k]->options) {
                fprintf(fp, "    %s:%s) echo \"", cli_commands[i]->name, all[k]->name);
                print_option_words(fp, all[k]->options);
                fprintf(fp, "\" ;;\n");
            }
    fprintf(fp, "    esac\n}\n\n");
}

static void print_argument_case(FILE *fp, const char *command, const struct sl_option *row)
{
    fprintf(fp, "    %s:--%s", command, row->name);
    if (row->letter)
        fprintf(fp, " | %s:-%c", command, row->letter);
    fprintf(fp, ") echo ");
    print_argument_kind(fp, row);
    fprintf(fp, " ;;\n");
}

/* One case per option that takes an argument; a kernel's option once per
 * name, and not where the command has that name (as the parser accepts). */
static void print_argument_function(FILE *fp)
{
    fprintf(fp, "# CMD OPTION: what the option's argument is (nothing for a flag).\n"
                "_speedlab_argument()\n{\n    case $1:$2 in\n");
    size_t n;
    const struct sl_workload *const *all = sl_workloads(&n);
    for (size_t i = 0; cli_commands[i]; i++) {
        const struct cli_command *c = cli_commands[i];
        for (size_t r = 0; visible(c) && c->options && c->options[r].name; r++)
            if (c->options[r].arg)
                print_argument_case(fp, c->name, &c->options[r]);
        for (size_t k = 0; visible(c) && c->kernel_options && k < n; k++)
            for (size_t r = 0; all[k]->options && all[k]->options[r].name; r++) {
                const struct sl_option *row = &all[k]->options[r];
                bool seen = sl_options_find(c->options, row->name) != NULL;
                for (size_t e = 0; e < k && !seen; e++)
                    seen = sl_options_find(all[e]->options, row->name) != NULL;
                if (!seen && row->arg)
                    print_argument_case(fp, c->name, row);
            }
    }
    fprintf(fp, "    esac\n}\n\n");
}

static void print_operand_function(FILE *fp)
{
    fprintf(fp, "# CMD: what the command's operands are.\n_speedlab_operand()\n{\n    case $1 in\n");
    for (size_t i = 0; cli_commands[i]; i++)
        if (visible(cli_commands[i]) && operand_kind(cli_commands[i]))
            fprintf(fp, "    %s) echo %s ;;\n", cli_commands[i]->name, operand_kind(cli_commands[i]));
    fprintf(fp, "    esac\n}\n\n");
}

/* KIND KERNEL: the words of a kind (kernels, the kernel's variants ...). */
static void print_words_function(FILE *fp)
{
    size_t n;
    const struct sl_workload *const *all = sl_workloads(&n);
    fprintf(fp, "# KIND [KERNEL]: the words of a kind.\n_speedlab_words()\n{\n    case $1 in\n"
                "    commands) echo \"");
    for (size_t i = 0; cli_commands[i]; i++)
        if (visible(cli_commands[i]))
            fprintf(fp, "%s ", cli_commands[i]->name);
    fprintf(fp, "--help --version\" ;;\n    kernel) echo \"");
    for (size_t k = 0; k < n; k++)
        fprintf(fp, "%s%s", k ? " " : "", all[k]->name);
    fprintf(fp, "\" ;;\n    schedules) echo \"all");
    for (int s = 0; s < SL_SCHED_COUNT; s++)
        fprintf(fp, " %s", sl_schedule_name((enum sl_schedule)s));
    fprintf(fp, "\" ;;\n    formats) echo \"");
    for (int f = 0; f < SL_N_EXPORT_FORMATS; f++)
        fprintf(fp, "%s%s", f ? " " : "", sl_export_formats[f].name);
    fprintf(fp, "\" ;;\n    shells) echo \"");
    for (size_t i = 0; completion_shells[i]; i++)
        fprintf(fp, "%s%s", i ? " " : "", completion_shells[i]);
    fprintf(fp, "\" ;;\n    variants)\n        case $2 in\n");
    for (size_t k = 0; k < n; k++) {
        fprintf(fp, "        %s) echo \"all", all[k]->name);
        for (const struct sl_variant *v = all[k]->variants; v->name; v++)
            fprintf(fp, " %s", v->name);
        fprintf(fp, "\" ;;\n");
    }
    fprintf(fp, "        *) echo all ;;\n        esac ;;\n    sizes)\n        case $2 in\n");
    for (size_t k = 0; k < n; k++) {
        fprintf(fp, "        %s) echo \"", all[k]->name);
        for (const struct sl_preset *p = all[k]->presets; p && p->name; p++)
            fprintf(fp, "%s%s", p == all[k]->presets ? "" : " ", p->name);
        fprintf(fp, "\" ;;\n");
    }
    fprintf(fp, "        esac ;;\n    esac\n}\n\n");
}

/* The part that does not depend on the tables: reading the line. */
static const char completion_driver[] =
    "# KIND KERNEL CUR: offers the words of KIND for CUR (in a comma list, for\n"
    "# the part after the last comma).\n"
    "_speedlab_offer()\n"
    "{\n"
    "    local kind=$1 kernel=$2 cur=$3 prefix=\n"
    "    case $kind in\n"
    "    files | dirs)\n"
    "        [[ $kind == files ]] && COMPREPLY=($(compgen -f -- \"$cur\")) ||\n"
    "            COMPREPLY=($(compgen -d -- \"$cur\"))\n"
    "        compopt -o filenames 2>/dev/null\n"
    "        return ;;\n"
    "    value) return ;;\n"
    "    list:*)\n"
    "        kind=${kind#list:}\n"
    "        if [[ $cur == *,* ]]; then prefix=${cur%,*},; cur=${cur##*,}; fi ;;\n"
    "    esac\n"
    "    local words\n"
    "    case $kind in\n"
    "    words:*) words=${kind#words:} ;;\n"
    "    *) words=$(_speedlab_words \"$kind\" \"$kernel\") ;;\n"
    "    esac\n"
    "    COMPREPLY=($(compgen -P \"$prefix\" -W \"$words\" -- \"$cur\"))\n"
    "}\n"
    "\n"
    "_speedlab()\n"
    "{\n"
    "    local cword=$COMP_CWORD cur=${COMP_WORDS[COMP_CWORD]}\n"
    "    COMPREPLY=()\n"
    "    if ((cword == 1)); then\n"
    "        COMPREPLY=($(compgen -W \"$(_speedlab_words commands)\" -- \"$cur\"))\n"
    "        return 0\n"
    "    fi\n"
    "    # The words before this one: options, their arguments (--opt ARG or\n"
    "    # --opt=ARG, which bash splits at '='), and operands; the first kernel\n"
    "    # among the operands is the kernel of the line.\n"
    "    local cmd=${COMP_WORDS[1]} kernel= kernels=\" $(_speedlab_words kernel) \" i word\n"
    "    for ((i = 2; i < cword; i++)); do\n"
    "        word=${COMP_WORDS[i]}\n"
    "        if [[ $word == -* ]]; then\n"
    "            if [[ -n $(_speedlab_argument \"$cmd\" \"$word\") ]]; then\n"
    "                [[ ${COMP_WORDS[i + 1]} == = ]] && ((i++))\n"
    "                ((i++))\n"
    "            fi\n"
    "        elif [[ -z $kernel && $kernels == *\" $word \"* ]]; then\n"
    "            kernel=$word\n"
    "        fi\n"
    "    done\n"
    "    local option=${COMP_WORDS[cword - 1]}\n"
    "    if [[ $cur == = ]]; then\n"
    "        cur=\n"
    "    elif [[ $option == = ]]; then\n"
    "        option=${COMP_WORDS[cword - 2]}\n"
    "    fi\n"
    "    local what\n"
    "    if [[ $option == -* ]] && what=$(_speedlab_argument \"$cmd\" \"$option\") && [[ -n $what ]]; then\n"
    "        _speedlab_offer \"$what\" \"$kernel\" \"$cur\"\n"
    "        return 0\n"
    "    fi\n"
    "    if [[ $cur == -* ]]; then\n"
    "        COMPREPLY=($(compgen -W \"$(_speedlab_options \"$cmd\" \"$kernel\")\" -- \"$cur\"))\n"
    "        return 0\n"
    "    fi\n"
    "    what=$(_speedlab_operand \"$cmd\")\n"
    "    # One kernel per line.\n"
    "    [[ $what == kernel && -n $kernel ]] && return 0\n"
    "    [[ -n $what ]] && _speedlab_offer \"$what\" \"$kernel\" \"$cur\"\n"
    "    return 0\n"
    "}\n"
    "\n"
    "complete -F _speedlab speedlab\n";

static void print_bash(FILE *fp)
{
    fprintf(fp, "# bash completion for speedlab, generated by 'speedlab completion bash' from\n"
                "# its command and option tables.  Install it for your user with\n"
                "#   speedlab completion bash > ~/.local/share/bash-completion/completions/speedlab\n"
                "# or for this shell only: source <(speedlab completion bash)\n\n");
    print_words_function(fp);
    print_options_function(fp);
    print_argument_function(fp);
    print_operand_function(fp);
    fputs(completion_driver, fp);
}

static int cli_completion(int argc, char **argv, const struct machine *m)
{
    (void)m;
    struct cli_parsed p;
    int parsed = cli_parse(&cli_completion_command, argc, argv, NULL, &p);
    if (parsed != CLI_PARSED)
        return cli_parse_status(&cli_completion_command, parsed);
    if (p.n_operands != 1) {
        sl_fail("completion: which shell? (there is bash)");
        return cli_usage_error();
    }
    if (strcmp(p.operands[0], completion_shells[0]) != 0) {
        sl_fail("completion: no completion for shell '%s' (there is bash)", p.operands[0]);
        return cli_usage_error();
    }
    print_bash(stdout);
    return 0;
}
