/* Shard files are created new and private: a file or link already at a
 * shard's (predictable) name is refused, never followed, truncated or
 * removed; the shards written are merged back in (row, col) order. */
#include "check.h"
#include "kit/coo_shards.h"
#include "kit/sl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[] = "/tmp/speedlab-shards-XXXXXX";

static bool has_text(const char *path, const char *text)
{
    char buf[64] = {0};
    FILE *fp = fopen(path, "r");
    if (!fp)
        return false;
    size_t n = fread(buf, 1, sizeof buf - 1, fp);
    fclose(fp);
    return n == strlen(text) && memcmp(buf, text, n) == 0;
}

int main(void)
{
    if (!mkdtemp(dir) || chdir(dir) != 0)
        return 1;

    struct coo_shards s;
    CHECK(coo_shards_create(&s, "run", 2, 4) == 0, "create: %s", sl_error());
    struct stat st;
    CHECK(stat("run.0.coo", &st) == 0 && (st.st_mode & 0777) == 0600, "shards are private (0600)");
    for (uint32_t i = 0; i < 10; i++)
        coo_shards_push(&s, (int)(i % 2), i, i + 1, (float)i);
    CHECK(coo_shards_finish(&s) == 0 && coo_shards_total(&s) == 10, "ten entries written");
    struct coo_merge *m = coo_merge_open(s.paths, s.count, 3, 0.0f);
    struct coo_entry out[16];
    long got = m ? coo_merge_next(m, out, 16) : -1;
    CHECK(got == 10 && out[0].row == 0 && out[9].row == 9, "merged in order (%ld)", got);
    coo_merge_close(m);
    coo_shards_destroy(&s, true);
    CHECK(access("run.0.coo", F_OK) != 0 && access("run.1.coo", F_OK) != 0, "shards removed");

    /* A link planted at the second shard's name. */
    FILE *fp = fopen("victim", "w");
    fputs("precious", fp);
    fclose(fp);
    CHECK(symlink("victim", "run.1.coo") == 0, "planting a link");
    CHECK(coo_shards_create(&s, "run", 2, 4) == -1 && strstr(sl_error(), "run.1.coo"),
          "a planted link is refused: %s", sl_error());
    CHECK(has_text("victim", "precious"), "the link's target is untouched");
    CHECK(lstat("run.1.coo", &st) == 0 && S_ISLNK(st.st_mode), "the planted link is not removed");
    CHECK(access("run.0.coo", F_OK) != 0, "the shard made before the refusal is removed");

    /* A file already there (a crashed run's shard) is kept, not truncated. */
    unlink("run.1.coo");
    fp = fopen("run.0.coo", "w");
    fputs("old", fp);
    fclose(fp);
    CHECK(coo_shards_create(&s, "run", 2, 4) == -1 && strstr(sl_error(), "File exists"),
          "an existing shard is refused: %s", sl_error());
    CHECK(has_text("run.0.coo", "old"), "the existing file is kept as it was");

    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (chdir("/") != 0 || system(cmd) != 0)
        return 1;
    return check_report("coo_shards");
}
