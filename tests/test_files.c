/* kit/files: atomic replacement and its temporaries, targets that are not
 * regular files, one file in two roles, the writer's lock, safe inputs.  All
 * in a temporary folder; device nodes are made there with mknod (as root
 * only), never under /dev. */
#include "check.h"
#include "kit/files.h"
#include "kit/sl.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

static char dir[] = "/tmp/speedlab-files-XXXXXX";

static void write_text(const char *path, const char *text)
{
    FILE *fp = fopen(path, "w");
    fputs(text, fp);
    fclose(fp);
}

static bool has_text(const char *path, const char *text)
{
    char buf[256] = {0};
    FILE *fp = fopen(path, "r");
    if (!fp)
        return false;
    size_t n = fread(buf, 1, sizeof buf - 1, fp);
    fclose(fp);
    buf[n] = '\0';
    return strcmp(buf, text) == 0;
}

static int atomic_write(const char *path, const char *text)
{
    struct util_atomic_file f;
    if (util_atomic_open(&f, path) != 0)
        return -1;
    fputs(text, f.fp);
    return util_atomic_commit(&f);
}

/* Entries of the folder whose name starts with `prefix`. */
static int count_entries(const char *prefix)
{
    DIR *d = opendir(".");
    int n = 0;
    for (struct dirent *e; (e = readdir(d)) != NULL;)
        n += strncmp(e->d_name, prefix, strlen(prefix)) == 0;
    closedir(d);
    return n;
}

static void expect_failure(int rc, const char *fragment, const char *what)
{
    CHECK(rc == -1, "%s: should fail", what);
    CHECK(strstr(sl_error(), fragment) != NULL, "%s: error '%s' lacks '%s'", what, sl_error(),
          fragment);
    CHECK(strchr(sl_error(), '\n') == NULL, "%s: error is one line", what);
}

/* A pid that belonged to a process which has exited. */
static pid_t dead_pid(void)
{
    pid_t pid = fork();
    if (pid == 0)
        _exit(0);
    waitpid(pid, NULL, 0);
    return pid;
}

static void test_regular_targets(void)
{
    mode_t mask = umask(022);
    CHECK(atomic_write("new.txt", "one") == 0, "new file: %s", sl_error());
    struct stat st;
    CHECK(stat("new.txt", &st) == 0 && (st.st_mode & 0777) == 0644, "new file is 0666 & ~umask");
    CHECK(has_text("new.txt", "one"), "new file holds its text");

    /* A rewritten file keeps its mode (0600 used to become 0644). */
    chmod("new.txt", 0600);
    CHECK(atomic_write("new.txt", "two") == 0, "rewrite: %s", sl_error());
    CHECK(stat("new.txt", &st) == 0 && (st.st_mode & 0777) == 0600, "rewrite keeps 0600, got %o",
          st.st_mode & 0777);
    CHECK(has_text("new.txt", "two"), "rewrite holds the new text");
    umask(mask);

    /* The temporary is hidden, beside the target, with an unpredictable
     * name; an abort leaves the old file and no temporary. */
    struct util_atomic_file f;
    CHECK(util_atomic_open(&f, "new.txt") == 0, "open: %s", sl_error());
    char pid_part[64];
    snprintf(pid_part, sizeof pid_part, ".new.txt.tmp.%ld.", (long)getpid());
    CHECK(f.tmp_path && strncmp(f.tmp_path, pid_part, strlen(pid_part)) == 0 &&
              strlen(f.tmp_path) == strlen(pid_part) + 8,
          "temporary name '%s'", f.tmp_path ? f.tmp_path : "(none)");
    fputs("three", f.fp);
    util_atomic_abort(&f);
    CHECK(has_text("new.txt", "two"), "abort keeps the old file");
    CHECK(count_entries(".new.txt.tmp.") == 0, "abort leaves no temporary");
    util_atomic_abort(&f); /* harmless twice */

    /* A link planted at the old, predictable temporary name is not followed. */
    write_text("victim", "precious");
    char planted[64];
    snprintf(planted, sizeof planted, ".new.txt.tmp.%ld", (long)getpid());
    CHECK(symlink("victim", planted) == 0, "planting a link");
    CHECK(atomic_write("new.txt", "four") == 0, "write beside a planted link: %s", sl_error());
    CHECK(has_text("victim", "precious"), "the planted link's target is untouched");
    unlink(planted);

    /* A 245-character name is legal: the temporary's suffix must fit too. */
    char long_name[246];
    memset(long_name, 'n', 245);
    long_name[245] = '\0';
    CHECK(atomic_write(long_name, "long") == 0, "245-character name: %s", sl_error());
    CHECK(has_text(long_name, "long"), "245-character name written");
    CHECK(atomic_write(long_name, "longer") == 0, "245-character rewrite: %s", sl_error());
    unlink(long_name);

    expect_failure(atomic_write("", "x"), "empty file name", "empty name");
    expect_failure(atomic_write("sub/", "x"), "is a directory", "trailing slash");
    mkdir("sub", 0755);
    expect_failure(atomic_write("sub", "x"), "a directory", "folder target");
    expect_failure(atomic_write("missing/x.txt", "x"), "No such file", "missing folder");
    expect_failure(util_check_writable("missing/x.txt"), "No such file", "check: missing folder");
    CHECK(util_check_writable("fresh.txt") == 0, "check of a new name: %s", sl_error());
    CHECK(access("fresh.txt", F_OK) != 0 && count_entries(".fresh.txt.tmp.") == 0,
          "a check leaves nothing behind");
}

static void test_stale_temporaries(void)
{
    long dead = (long)dead_pid(), live = (long)getppid();
    char stale[64], legacy[64], alive[64], other[64];
    snprintf(stale, sizeof stale, ".r.csv.tmp.%ld.AbCdEf12", dead);
    snprintf(legacy, sizeof legacy, ".r.csv.tmp.%ld", dead);
    snprintf(alive, sizeof alive, ".r.csv.tmp.%ld.AbCdEf12", live);
    snprintf(other, sizeof other, ".r.csv.tmp.%ld.notours", dead);
    write_text(stale, "x");
    write_text(legacy, "x");
    write_text(alive, "x");
    write_text(other, "x");
    CHECK(atomic_write("r.csv", "rows") == 0, "write: %s", sl_error());
    CHECK(access(stale, F_OK) != 0, "a dead writer's temporary is removed");
    CHECK(access(legacy, F_OK) != 0, "a dead writer's old-style temporary is removed");
    CHECK(access(alive, F_OK) == 0, "a live writer's temporary is kept");
    CHECK(access(other, F_OK) == 0, "a name that is not a temporary is kept");
    unlink(alive);
    unlink(other);
}

static void test_symlink_target(void)
{
    write_text("real.json", "data");
    symlink("real.json", "link.json");
    expect_failure(atomic_write("link.json", "new"), "symbolic link (to 'real.json')", "link target");
    expect_failure(util_check_writable("link.json"), "symbolic link", "check: link target");
    struct stat st;
    CHECK(lstat("link.json", &st) == 0 && S_ISLNK(st.st_mode), "the link is still a link");
    CHECK(has_text("real.json", "data"), "the linked file is untouched");
}

static void test_fifo_target(void)
{
    mkfifo("out.fifo", 0600);
    alarm(20); /* a regression would block forever; this makes it fail */
    expect_failure(atomic_write("out.fifo", "x"), "a FIFO with no reader", "FIFO without reader");
    CHECK(util_check_writable("out.fifo") == 0, "check of a FIFO: %s", sl_error());

    int ready[2];
    CHECK(pipe(ready) == 0, "pipe");
    pid_t reader = fork();
    if (reader == 0) {
        int fd = open("out.fifo", O_RDONLY | O_NONBLOCK);
        char c = 1;
        if (write(ready[1], &c, 1) != 1)
            _exit(3);
        fcntl(fd, F_SETFL, 0);
        char buf[64] = {0};
        ssize_t got = 0, n;
        /* A non-blocking reader sees end of file until a writer opens. */
        while ((n = read(fd, buf + got, sizeof buf - 1 - (size_t)got)) >= 0 && (got == 0 || n > 0)) {
            got += n;
            if (n == 0)
                usleep(1000);
        }
        _exit(strcmp(buf, "through the fifo") == 0 ? 0 : 2);
    }
    char c;
    CHECK(read(ready[0], &c, 1) == 1, "reader ready");
    CHECK(atomic_write("out.fifo", "through the fifo") == 0, "FIFO with reader: %s", sl_error());
    int status;
    waitpid(reader, &status, 0);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the reader got the text (%d)", status);
    alarm(0);
    close(ready[0]);
    close(ready[1]);
    struct stat st;
    CHECK(lstat("out.fifo", &st) == 0 && S_ISFIFO(st.st_mode), "the FIFO is still a FIFO");

    /* A FIFO that appears at the target while it is written is not replaced. */
    struct util_atomic_file f;
    CHECK(util_atomic_open(&f, "late.txt") == 0, "open: %s", sl_error());
    mkfifo("late.txt", 0600);
    fputs("x", f.fp);
    expect_failure(util_atomic_commit(&f), "became a FIFO", "FIFO appearing at commit");
    CHECK(lstat("late.txt", &st) == 0 && S_ISFIFO(st.st_mode), "the late FIFO is kept");
    CHECK(count_entries(".late.txt.tmp.") == 0, "no temporary left");
}

/* A character device node made here (as /dev/null is: major 1, minor 3). */
static bool make_null_node(const char *name)
{
    if (geteuid() != 0) {
        printf("files: not root, the character-device cases are skipped\n");
        return false;
    }
    return mknod(name, S_IFCHR | 0666, makedev(1, 3)) == 0;
}

static void test_device_target(void)
{
    if (!make_null_node("null"))
        return;
    CHECK(atomic_write("null", "discarded") == 0, "device target: %s", sl_error());
    CHECK(util_check_writable("null") == 0, "check of a device: %s", sl_error());
    struct stat st;
    CHECK(lstat("null", &st) == 0 && S_ISCHR(st.st_mode), "the device is still a device");
    CHECK(count_entries(".null.") == 0, "no temporary for a device");
    struct util_file_role outs[] = {{"--csv", "null"}, {"--record", "./null"}};
    CHECK(util_check_distinct(NULL, 0, outs, 2) == 0, "two outputs to a null device: %s",
          sl_error());
    expect_failure(util_open_input("null"), "a character device, not a regular file",
                   "device input");
}

static void test_same_file(void)
{
    write_text("a.json", "a");
    write_text("b.json", "b");
    link("a.json", "hard.json");
    symlink("a.json", "soft.json");
    CHECK(util_same_file("a.json", "./a.json"), "./ spelling");
    CHECK(util_same_file("a.json", "hard.json"), "hard link");
    CHECK(util_same_file("soft.json", "a.json"), "symbolic link");
    CHECK(!util_same_file("a.json", "b.json"), "different files");
    CHECK(!util_same_file("a.json", "none.json"), "one missing");
    CHECK(util_same_file("new/x.csv", "./new/../new/./x.csv"), "neither exists, same path");
    CHECK(util_same_file("sub/../fresh.csv", "fresh.csv"), "'..' through an existing folder");
    CHECK(!util_same_file("new/x.csv", "new/y.csv"), "neither exists, different paths");
    char abs[4200];
    snprintf(abs, sizeof abs, "%s/new/x.csv", dir);
    CHECK(util_same_file(abs, "new/x.csv"), "absolute and relative spellings");

    struct util_file_role ins[] = {{"--input", "a.json"}};
    struct util_file_role outs[] = {{"--record", "r.json"}, {"--gbench", NULL},
                                    {"--csv", "./r.json"}};
    expect_failure(util_check_distinct(ins, 1, outs, 3),
                   "--csv ./r.json is the same file as --record r.json", "two outputs");
    struct util_file_role clash[] = {{"--output", "hard.json"}};
    expect_failure(util_check_distinct(ins, 1, clash, 1),
                   "--output hard.json is the same file as --input a.json", "output over input");
    struct util_file_role fine[] = {{"--record", "r.json"}, {"--csv", "r.csv"}};
    struct util_file_role same_inputs[] = {{"base", "a.json"}, {"new", "./a.json"}};
    CHECK(util_check_distinct(same_inputs, 2, fine, 2) == 0, "distinct outputs: %s", sl_error());
}

static void test_lock(void)
{
    write_text("r.json", "{}");
    struct util_lock lock;
    CHECK(util_lock_acquire(&lock, "r.json") == 0, "lock: %s", sl_error());
    CHECK(lock.path && strcmp(lock.path, ".r.json.lock") == 0, "lock file beside the target");
    CHECK(atomic_write("r.json", "{\"a\": 1}") == 0, "the holder writes: %s", sl_error());

    /* A second process is refused, and told who holds it. */
    char expected[64];
    snprintf(expected, sizeof expected, "r.json is being written by pid %ld", (long)getpid());
    int report[2];
    CHECK(pipe(report) == 0, "pipe");
    pid_t other = fork();
    if (other == 0) {
        struct util_lock theirs;
        int rc = util_lock_acquire(&theirs, "r.json");
        const char *msg = rc == 0 ? "acquired" : sl_error();
        if (write(report[1], msg, strlen(msg) + 1) < 0)
            _exit(2);
        _exit(0);
    }
    char msg[256] = {0};
    CHECK(read(report[0], msg, sizeof msg - 1) > 0, "report from the second writer");
    waitpid(other, NULL, 0);
    CHECK(strcmp(msg, expected) == 0, "second writer: '%s', expected '%s'", msg, expected);

    util_lock_release(&lock);
    util_lock_release(&lock); /* harmless twice */
    CHECK(access(".r.json.lock", F_OK) != 0, "released lock file removed");

    /* A lock file left by a killed holder is simply taken again. */
    write_text(".r.json.lock", "99999999\n");
    CHECK(util_lock_acquire(&lock, "r.json") == 0, "stale lock file: %s", sl_error());
    char mine[32];
    snprintf(mine, sizeof mine, "%ld\n", (long)getpid());
    CHECK(has_text(".r.json.lock", mine), "the lock file names its holder");
    util_lock_release(&lock);

    /* A link planted as the lock file is refused, never truncated. */
    write_text("victim.txt", "precious");
    symlink("victim.txt", ".r.json.lock");
    expect_failure(util_lock_acquire(&lock, "r.json"), "cannot lock", "planted link");
    unlink(".r.json.lock");
    link("victim.txt", ".r.json.lock");
    expect_failure(util_lock_acquire(&lock, "r.json"), "not a lock file speedlab made",
                   "planted hard link");
    unlink(".r.json.lock");
    CHECK(has_text("victim.txt", "precious"), "the planted links' target is untouched");

    expect_failure(util_lock_acquire(&lock, "missing/r.json"), "No such file", "lock in a missing folder");

    /* Targets written through take no lock. */
    mkfifo("lock.fifo", 0600);
    CHECK(util_lock_acquire(&lock, "lock.fifo") == 0 && lock.path == NULL, "no lock for a FIFO");
}

static void test_inputs(void)
{
    write_text("in.npy", "data");
    int fd = util_open_input("in.npy");
    CHECK(fd >= 0, "regular input: %s", sl_error());
    CHECK(fd < 0 || (fcntl(fd, F_GETFL) & O_NONBLOCK) == 0, "input is in blocking mode");
    CHECK(fd < 0 || (fcntl(fd, F_GETFD) & FD_CLOEXEC), "input is close-on-exec");
    if (fd >= 0)
        close(fd);
    FILE *fp = util_fopen_input("in.npy");
    CHECK(fp != NULL, "stdio input: %s", sl_error());
    if (fp)
        fclose(fp);
    mkfifo("in.fifo", 0600);
    alarm(20);
    expect_failure(util_open_input("in.fifo"), "a FIFO, not a regular file", "FIFO input");
    alarm(0);
    expect_failure(util_open_input("sub"), "a directory, not a regular file", "folder input");
    expect_failure(util_open_input("absent.npy"), "cannot read 'absent.npy': No such file",
                   "missing input");
    CHECK(util_fopen_input("in.fifo") == NULL, "stdio FIFO input refused");
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

int main(void)
{
    if (!mkdtemp(dir) || chdir(dir) != 0)
        return 1;
    test_regular_targets();
    test_stale_temporaries();
    test_symlink_target();
    test_fifo_target();
    test_device_target();
    test_same_file();
    test_lock();
    test_inputs();
    CHECK(chdir("/") == 0, "leaving the folder");
    nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
    return check_report("files");
}
