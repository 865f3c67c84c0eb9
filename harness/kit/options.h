/* A command-line option declared once, as one row of a table: its name, its
 * argument, its default, its help, its group, and how its argument is
 * checked and stored into which member of an options object.
 *
 * The command line (cli/options.h) turns tables into getopt parsing, --help
 * text and the README's option list; workloads declare their own options
 * with the same rows (struct sl_workload.options), so one mechanism reads
 * every option speedlab has. */
#ifndef SL_KIT_OPTIONS_H
#define SL_KIT_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>

enum sl_option_kind {
    SL_OPTION_FLAG,    /* no argument: sets a bool to true */
    SL_OPTION_TEXT,    /* const char *: the argument as given (a path, a list read later) */
    SL_OPTION_INT,     /* int, an integer in ints */
    SL_OPTION_SIZE,    /* size_t, an integer in ints */
    SL_OPTION_U64,     /* uint64_t, an integer in ints */
    SL_OPTION_REAL,    /* double, a number in reals */
    SL_OPTION_PERCENT, /* double: PCT or PCT% with PCT in reals, stored as a fraction */
    SL_OPTION_BYTES,   /* double: a size with an optional unit (512M, 2G), in reals after it */
    SL_OPTION_CHOICE,  /* int: the index of the argument in choices */
    SL_OPTION_CUSTOM,  /* parse() checks and stores it */
};

struct sl_option {
    const char *name;   /* long name without dashes: "threads" */
    char letter;        /* short form (-o), or 0 */
    const char *arg;    /* the argument's name in help ("LIST"); NULL for a flag */
    const char *group;  /* heading the option is listed under in --help */
    const char *help;   /* what it does, one paragraph (wrapped when printed) */
    const char *def;    /* default, parsed into the destination like an argument and shown
                           in help; NULL: none (the member stays zero) */
    const char *def_text; /* shown instead of def where the default is not one value
                             ("the kernel's"); NULL: def */
    enum sl_option_kind kind;
    size_t offset; /* the member it sets: offsetof(options type, member) */
    struct {
        long long min, max; /* INT, SIZE, U64 (also held to the member's type) */
    } ints;
    struct {
        double min, max; /* REAL, PERCENT (in percent), BYTES (after the unit) */
    } reals;
    const char *const *choices; /* CHOICE: the words, NULL-terminated */
    /* CUSTOM: checks `arg` and stores into `options` (the whole object, so
     * it may set several members); 0 or -1 with sl_error(). */
    int (*parse)(const struct sl_option *row, const char *arg, void *options);
};

/* Rows of a table up to its terminating row (name NULL). */
size_t sl_options_count(const struct sl_option *rows);
const struct sl_option *sl_options_find(const struct sl_option *rows, const char *name);

/* Checks `arg` against the row and stores it in `options`; the argument of
 * a flag is NULL.  0, or -1 with sl_error() naming the option. */
int sl_option_apply(const struct sl_option *row, const char *arg, void *options);
/* Stores every row's default (def) into `options`; -1 with sl_error() when
 * a default does not parse (a defect of the table). */
int sl_options_defaults(const struct sl_option *rows, void *options);
/* The number `arg` within the row's reals, for CUSTOM parsers. */
int sl_option_real(const struct sl_option *row, const char *arg, double *out);

#endif
