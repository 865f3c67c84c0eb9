/* Sparse results too large for memory: kept entries (row, col, value) are
 * streamed by each worker into its own shard file through a fixed buffer,
 * and read back merged in (row, col) order.  Memory is the buffers, whatever
 * the number of entries. */
#ifndef SL_COO_SHARDS_H
#define SL_COO_SHARDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct coo_entry {
    uint32_t row, col;
    float value;
};

/* One worker's shard; aligned so two workers' counters never share a line. */
struct coo_shard {
    int fd;
    int error; /* errno of the first failed write, 0 if none */
    struct coo_entry *buffer;
    size_t used;
    uint64_t entries; /* written or buffered since the last restart */
} __attribute__((aligned(64)));

struct coo_shards {
    int count;
    size_t buffer_entries;
    struct coo_shard *shard;
    char **paths;
};

/* Creates `<prefix>.<k>.coo` for k < count, each written through a buffer of
 * buffer_entries entries.  Each is a new file, mode 0600, created
 * O_CREAT|O_EXCL|O_NOFOLLOW: a file or link already at one of these names is
 * an error, never followed or truncated.  -1 with sl_fail(). */
int coo_shards_create(struct coo_shards *s, const char *prefix, int count, size_t buffer_entries);
/* Empties every shard for a new execution. */
int coo_shards_restart(struct coo_shards *s);
int coo_shard_flush(struct coo_shard *shard);

/* Appends one entry to worker w's shard; called only by that worker. */
static inline void coo_shards_push(struct coo_shards *s, int w, uint32_t row, uint32_t col,
                                   float value)
{
    struct coo_shard *shard = &s->shard[w];
    if (shard->used == s->buffer_entries)
        coo_shard_flush(shard);
    shard->buffer[shard->used++] = (struct coo_entry){row, col, value};
    shard->entries++;
}

/* Flushes every buffer; -1 with sl_fail() naming the first shard that could
 * not be written (disk full ...). */
int coo_shards_finish(struct coo_shards *s);
uint64_t coo_shards_total(const struct coo_shards *s);
/* Closes the files and frees; removes them when remove_files. */
void coo_shards_destroy(struct coo_shards *s, bool remove_files);

/* The entries of several shard files merged in (row, col) order; each shard
 * must itself be in that order (every worker's stream is).  Entries with
 * |value| < min_abs are passed over.  buffer_entries per shard. */
struct coo_merge;
struct coo_merge *coo_merge_open(char *const *paths, int count, size_t buffer_entries,
                                 float min_abs);
/* Up to max entries into out; 0 at the end, -1 with sl_fail() on a read
 * error or a shard out of order. */
long coo_merge_next(struct coo_merge *m, struct coo_entry *out, size_t max);
int coo_merge_rewind(struct coo_merge *m);
void coo_merge_close(struct coo_merge *m);

#endif
