#include "kit/coo_shards.h"

#include "kit/sl.h"
#include "kit/util.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- writing ----------------------------------------------------------- */

int coo_shards_create(struct coo_shards *s, const char *prefix, int count, size_t buffer_entries)
{
    memset(s, 0, sizeof *s);
    s->count = count;
    s->buffer_entries = buffer_entries ? buffer_entries : 1;
    s->shard = aligned_alloc(64, (size_t)count * sizeof *s->shard);
    s->paths = calloc((size_t)count, sizeof *s->paths);
    if (!s->shard || !s->paths) {
        free(s->shard);
        free(s->paths);
        memset(s, 0, sizeof *s);
        return sl_fail("out of memory for %d shards", count);
    }
    for (int k = 0; k < count; k++)
        s->shard[k] = (struct coo_shard){.fd = -1};
    for (int k = 0; k < count; k++) {
        size_t len = strlen(prefix) + 32;
        s->paths[k] = malloc(len);
        s->shard[k].buffer = util_alloc(s->buffer_entries, sizeof(struct coo_entry), "shard buffer");
        if (!s->paths[k] || !s->shard[k].buffer) {
            coo_shards_destroy(s, true);
            return sl_fail("out of memory for shard buffers (%zu entries each)", buffer_entries);
        }
        snprintf(s->paths[k], len, "%s.%d.coo", prefix, k);
        /* A new private file, never one that is there already: a file or
         * link planted at this predictable name is refused, not followed
         * or truncated. */
        s->shard[k].fd =
            open(s->paths[k], O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (s->shard[k].fd < 0) {
            sl_fail("cannot create shard '%s': %s", s->paths[k], strerror(errno));
            /* What is at that name is not ours to remove. */
            free(s->paths[k]);
            s->paths[k] = NULL;
            coo_shards_destroy(s, true);
            return -1;
        }
    }
    return 0;
}

int coo_shards_restart(struct coo_shards *s)
{
    for (int k = 0; k < s->count; k++) {
        struct coo_shard *sh = &s->shard[k];
        sh->used = 0;
        sh->entries = 0;
        sh->error = 0;
        if (ftruncate(sh->fd, 0) != 0 || lseek(sh->fd, 0, SEEK_SET) != 0)
            return sl_fail("cannot empty shard '%s': %s", s->paths[k], strerror(errno));
    }
    return 0;
}

int coo_shard_flush(struct coo_shard *shard)
{
    const char *at = (const char *)shard->buffer;
    size_t left = shard->used * sizeof *shard->buffer;
    while (left > 0 && !shard->error) {
        ssize_t wrote = write(shard->fd, at, left);
        if (wrote < 0 && errno == EINTR)
            continue;
        if (wrote <= 0) {
            shard->error = wrote < 0 ? errno : ENOSPC;
            break;
        }
        at += wrote;
        left -= (size_t)wrote;
    }
    /* After an error the entries are dropped, but counted: finish() fails. */
    shard->used = 0;
    return shard->error ? -1 : 0;
}

int coo_shards_finish(struct coo_shards *s)
{
    int rc = 0;
    for (int k = 0; k < s->count; k++) {
        coo_shard_flush(&s->shard[k]);
        if (s->shard[k].error && rc == 0)
            rc = sl_fail("cannot write shard '%s': %s", s->paths[k], strerror(s->shard[k].error));
    }
    return rc;
}

uint64_t coo_shards_total(const struct coo_shards *s)
{
    uint64_t total = 0;
    for (int k = 0; k < s->count; k++)
        total += s->shard[k].entries;
    return total;
}

void coo_shards_destroy(struct coo_shards *s, bool remove_files)
{
    for (int k = 0; k < s->count; k++) {
        if (s->shard && s->shard[k].fd >= 0)
            close(s->shard[k].fd);
        if (s->shard)
            free(s->shard[k].buffer);
        if (s->paths && s->paths[k] && remove_files)
            unlink(s->paths[k]);
        if (s->paths)
            free(s->paths[k]);
    }
    free(s->shard);
    free(s->paths);
    memset(s, 0, sizeof *s);
}

/* ---- merging ----------------------------------------------------------- */

struct merge_source {
    const char *path;
    FILE *fp;
    struct coo_entry *buffer;
    size_t filled, at;
    uint64_t last_key;
    bool any;
};

struct coo_merge {
    int count;
    size_t buffer_entries;
    float min_abs;
    struct merge_source *source;
    int *heap; /* source indices, smallest head key first */
    int heap_size;
    uint64_t last_key; /* of the last entry returned: shards must not overlap */
    bool any;
};

static uint64_t entry_key(const struct coo_entry *e)
{
    return (uint64_t)e->row << 32 | e->col;
}

/* Makes source k's head valid; 0 with an entry, 1 at its end, -1 on error. */
static int source_fill(struct coo_merge *m, struct merge_source *src)
{
    for (;;) {
        while (src->at < src->filled) {
            if (!(fabsf(src->buffer[src->at].value) < m->min_abs))
                return 0;
            src->at++;
        }
        src->filled = fread(src->buffer, sizeof *src->buffer, m->buffer_entries, src->fp);
        src->at = 0;
        if (src->filled == 0)
            return ferror(src->fp) ? sl_fail("cannot read shard '%s'", src->path) : 1;
    }
}

static uint64_t head_key(const struct coo_merge *m, int k)
{
    const struct merge_source *src = &m->source[k];
    return entry_key(&src->buffer[src->at]);
}

static void sift_down(struct coo_merge *m, int at)
{
    for (;;) {
        int left = 2 * at + 1, smallest = at;
        if (left < m->heap_size && head_key(m, m->heap[left]) < head_key(m, m->heap[smallest]))
            smallest = left;
        if (left + 1 < m->heap_size &&
            head_key(m, m->heap[left + 1]) < head_key(m, m->heap[smallest]))
            smallest = left + 1;
        if (smallest == at)
            return;
        int t = m->heap[at];
        m->heap[at] = m->heap[smallest];
        m->heap[smallest] = t;
        at = smallest;
    }
}

int coo_merge_rewind(struct coo_merge *m)
{
    m->heap_size = 0;
    m->any = false;
    for (int k = 0; k < m->count; k++) {
        struct merge_source *src = &m->source[k];
        rewind(src->fp);
        src->filled = src->at = 0;
        src->any = false;
        int rc = source_fill(m, src);
        if (rc < 0)
            return -1;
        if (rc == 0)
            m->heap[m->heap_size++] = k;
    }
    for (int at = m->heap_size / 2 - 1; at >= 0; at--)
        sift_down(m, at);
    return 0;
}

void coo_merge_close(struct coo_merge *m)
{
    if (!m)
        return;
    for (int k = 0; k < m->count; k++) {
        if (m->source[k].fp)
            fclose(m->source[k].fp);
        free(m->source[k].buffer);
    }
    free(m->source);
    free(m->heap);
    free(m);
}

struct coo_merge *coo_merge_open(char *const *paths, int count, size_t buffer_entries,
                                 float min_abs)
{
    struct coo_merge *m = calloc(1, sizeof *m);
    if (!m) {
        sl_fail("out of memory");
        return NULL;
    }
    m->count = count;
    m->buffer_entries = buffer_entries ? buffer_entries : 1;
    m->min_abs = min_abs;
    m->source = calloc((size_t)(count ? count : 1), sizeof *m->source);
    m->heap = calloc((size_t)(count ? count : 1), sizeof *m->heap);
    if (!m->source || !m->heap) {
        coo_merge_close(m);
        sl_fail("out of memory");
        return NULL;
    }
    for (int k = 0; k < count; k++) {
        struct merge_source *src = &m->source[k];
        src->path = paths[k];
        src->fp = fopen(paths[k], "rb");
        src->buffer = util_alloc(m->buffer_entries, sizeof *src->buffer, "merge buffer");
        if (!src->fp || !src->buffer) {
            int e = errno;
            coo_merge_close(m);
            sl_fail("cannot read shard '%s': %s", paths[k], strerror(e));
            return NULL;
        }
    }
    if (coo_merge_rewind(m) != 0) {
        coo_merge_close(m);
        return NULL;
    }
    return m;
}

long coo_merge_next(struct coo_merge *m, struct coo_entry *out, size_t max)
{
    size_t got = 0;
    while (got < max && m->heap_size > 0) {
        int k = m->heap[0];
        struct merge_source *src = &m->source[k];
        struct coo_entry e = src->buffer[src->at++];
        uint64_t key = entry_key(&e);
        if (src->any && key <= src->last_key)
            return sl_fail("shard '%s' is out of (row, col) order at (%u, %u)", src->path, e.row,
                           e.col);
        if (m->any && key <= m->last_key)
            return sl_fail("entry (%u, %u) appears in more than one shard", e.row, e.col);
        src->any = m->any = true;
        src->last_key = m->last_key = key;
        out[got++] = e;
        int rc = source_fill(m, src);
        if (rc < 0)
            return -1;
        if (rc == 1)
            m->heap[0] = m->heap[--m->heap_size];
        sift_down(m, 0);
    }
    return (long)got;
}
