/* The reporters (results/reporter.h): the console and the record files of a
 * run, and the export formats, which `speedlab run --FORMAT FILE` and
 * `speedlab export --format FORMAT` both take from the table below (run's
 * option table has a row per format, generated from it). */
#ifndef SL_REPORTERS_H
#define SL_REPORTERS_H

#include "results/reporter.h"

#include <stdbool.h>

/* What a run says on the terminal: the problems, a line per result, the
 * summaries, where the record went.  quiet: no line for --output written. */
struct sl_reporter *console_reporter_create(bool quiet, const char *record_path,
                                            const char *csv_path);
/* The JSON record and its CSV table, both rewritten atomically after every
 * result, so an interrupted run keeps what finished. */
struct sl_reporter *record_reporter_create(const char *record_path, const char *csv_path);

/* The export formats: one row each (name, what it is).  A format NAME is
 * reporters/NAME.c defining NAME_reporter_create(path), which writes one
 * document for every run it is given ("-": stdout) when finished.  `run`
 * has a --NAME FILE option for each of SL_RUN_EXPORT_FORMATS; the CSV table
 * it writes anyway, beside the record (--csv). */
#define SL_RUN_EXPORT_FORMATS(ROW)                                                                 \
    ROW(gbench, "Google Benchmark JSON (--benchmark_format=json): per result one entry per "      \
                "repetition and the aggregates mean, median, stddev and cv")                      \
    ROW(bmf, "Bencher Metric Format JSON (bencher run --adapter json): per result its latency "   \
             "(median, ns, with the 95% CI), throughput (units/s) and figure of merit")
#define SL_EXPORT_FORMATS(ROW)                                                                     \
    ROW(csv, "the CSV table 'speedlab run' writes beside a record, made again from the record "   \
             "(one record)")                                                                      \
    SL_RUN_EXPORT_FORMATS(ROW)

#define SL_DECLARE_EXPORT_FORMAT(name, description)                                               \
    struct sl_reporter *name##_reporter_create(const char *path);
SL_EXPORT_FORMATS(SL_DECLARE_EXPORT_FORMAT)
/* SL_EXPORT_FORMAT_<name>: the format's index in sl_export_formats. */
#define SL_EXPORT_FORMAT_INDEX(name, description) SL_EXPORT_FORMAT_##name,
enum { SL_EXPORT_FORMATS(SL_EXPORT_FORMAT_INDEX) SL_N_EXPORT_FORMATS };

struct sl_export_format {
    const char *name, *description;
    struct sl_reporter *(*create)(const char *path);
};
extern const struct sl_export_format sl_export_formats[SL_N_EXPORT_FORMATS];
/* The format of that name, or NULL. */
const struct sl_export_format *sl_export_format_find(const char *name);

#endif
