#include "kit/files.h"

#include "kit/sl.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

/* A temporary's name is "." NAME ".tmp." PID "." RANDOM; NAME is cut so that
 * the whole fits NAME_MAX whatever the pid (at most 10 digits). */
#define TMP_RANDOM 8
#define TMP_BASE_MAX (NAME_MAX - (1 + 5 + 10 + 1 + TMP_RANDOM))
/* A lock file's name is "." NAME ".lock". */
#define LOCK_BASE_MAX (NAME_MAX - 6)

/* Atomic writes between open and commit/abort, and the status to exit with
 * once none is (-1: no exit asked for); lock-free atomics, so a signal
 * handler may read and set them. */
static atomic_int writes_in_progress;
static atomic_int exit_when_written = -1;
_Static_assert(ATOMIC_INT_LOCK_FREE == 2, "a signal handler may use only lock-free atomics");

static void write_started(struct util_atomic_file *f)
{
    atomic_fetch_add(&writes_in_progress, 1);
    f->in_progress = true;
}

/* The order (count down, then look for an exit; the handler sets the exit,
 * then looks at the count) lets at least one of the two see the other. */
static void write_ended(struct util_atomic_file *f)
{
    if (!f->in_progress)
        return;
    f->in_progress = false;
    int status = -1;
    if (atomic_fetch_sub(&writes_in_progress, 1) == 1 &&
        (status = atomic_load(&exit_when_written)) >= 0)
        _exit(status);
}

void util_atomic_exit(int status)
{
    atomic_store(&exit_when_written, status);
    if (atomic_load(&writes_in_progress) == 0)
        _exit(status);
}

static const char *base_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

/* What a file that is not a regular file is, for messages. */
static const char *kind_name(mode_t mode)
{
    return S_ISDIR(mode)    ? "a directory"
           : S_ISFIFO(mode) ? "a FIFO"
           : S_ISCHR(mode)  ? "a character device"
           : S_ISBLK(mode)  ? "a block device"
           : S_ISSOCK(mode) ? "a socket"
           : S_ISLNK(mode)  ? "a symbolic link"
                            : "not a regular file";
}

/* "<dir part of path>.<base cut to base_max><suffix>": a hidden sibling. */
static char *sibling_name(const char *path, size_t base_max, const char *suffix)
{
    const char *base = base_of(path);
    size_t base_len = strlen(base);
    if (base_len > base_max)
        base_len = base_max;
    size_t len = (size_t)(base - path) + 1 + base_len + strlen(suffix) + 1;
    char *name = malloc(len);
    if (name)
        snprintf(name, len, "%.*s.%.*s%s", (int)(base - path), path, (int)base_len, base, suffix);
    return name;
}

/* lstat()s a target and refuses what is never written: an empty name, a
 * folder, a symbolic link, a block device, a socket.  *exists false when
 * nothing is there yet. */
static int classify_target(const char *path, struct stat *st, bool *exists)
{
    *exists = false;
    if (!path[0])
        return sl_fail("cannot write '': empty file name");
    if (!base_of(path)[0])
        return sl_fail("cannot write '%s': is a directory", path);
    if (lstat(path, st) != 0)
        return errno == ENOENT ? 0 : sl_fail("cannot write '%s': %s", path, strerror(errno));
    *exists = true;
    if (S_ISREG(st->st_mode) || S_ISCHR(st->st_mode) || S_ISFIFO(st->st_mode))
        return 0;
    if (S_ISLNK(st->st_mode)) {
        char to[PATH_MAX];
        ssize_t n = readlink(path, to, sizeof to - 1);
        to[n > 0 ? n : 0] = '\0';
        return sl_fail("cannot write '%s': it is a symbolic link (to '%s'); name the file itself",
                       path, to);
    }
    return sl_fail("cannot write '%s': it is %s", path, kind_name(st->st_mode));
}

/* Removes ".NAME.tmp.PID" and ".NAME.tmp.PID.XXXXXXXX" temporaries of this
 * target whose process no longer exists.  Housekeeping: a folder that cannot
 * be listed is left as it is (creating the new temporary says why if the
 * folder is unusable). */
static void remove_stale_temporaries(const char *tmp_prefix)
{
    const char *base = base_of(tmp_prefix);
    size_t dir_len = (size_t)(base - tmp_prefix);
    char *dir = dir_len ? strndup(tmp_prefix, dir_len) : strdup(".");
    DIR *d = dir ? opendir(dir) : NULL;
    free(dir);
    if (!d)
        return;
    size_t prefix_len = strlen(base);
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        const char *p = e->d_name;
        if (strncmp(p, base, prefix_len) != 0 || !isdigit((unsigned char)p[prefix_len]))
            continue;
        char *end;
        long pid = strtol(p + prefix_len, &end, 10);
        size_t random_len = *end == '.' ? strspn(end + 1, "0123456789abcdefghijklmnopqrstuvwxyz"
                                                          "ABCDEFGHIJKLMNOPQRSTUVWXYZ")
                                        : 0;
        bool named = *end == '\0' || (random_len == TMP_RANDOM && end[1 + TMP_RANDOM] == '\0');
        if (!named || pid <= 0 || pid == (long)getpid() || pid > INT_MAX)
            continue;
        if (kill((pid_t)pid, 0) == 0 || errno != ESRCH)
            continue;
        struct stat st;
        if (fstatat(dirfd(d), p, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode))
            unlinkat(dirfd(d), p, 0);
    }
    closedir(d);
}

/* Creates the temporary for `f->path` beside it; `old` is the regular file
 * it will replace (its mode and owner are kept), NULL for a new file. */
static int create_temporary(struct util_atomic_file *f, const struct stat *old)
{
    char suffix[32];
    snprintf(suffix, sizeof suffix, ".tmp.%ld.", (long)getpid());
    char *prefix = sibling_name(f->path, TMP_BASE_MAX, ".tmp.");
    size_t len = prefix ? strlen(prefix) + strlen(suffix) + TMP_RANDOM + 1 : 0;
    f->tmp_path = prefix ? malloc(len) : NULL;
    if (!f->tmp_path) {
        free(prefix);
        return sl_fail("out of memory");
    }
    remove_stale_temporaries(prefix);
    static const char alphabet[] = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    int fd = -1;
    for (int attempt = 0; fd < 0 && attempt < 100; attempt++) {
        unsigned char bytes[TMP_RANDOM];
        char random_part[TMP_RANDOM + 1];
        if (getrandom(bytes, sizeof bytes, 0) != (ssize_t)sizeof bytes) {
            int e = errno;
            free(prefix);
            free(f->tmp_path);
            f->tmp_path = NULL;
            return sl_fail("cannot write '%s': no random name for its temporary: %s", f->path,
                           strerror(e));
        }
        for (int i = 0; i < TMP_RANDOM; i++)
            random_part[i] = alphabet[bytes[i] % (sizeof alphabet - 1)];
        random_part[TMP_RANDOM] = '\0';
        snprintf(f->tmp_path, len, "%s%ld.%s", prefix, (long)getpid(), random_part);
        fd = open(f->tmp_path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
        if (fd < 0 && errno != EEXIST)
            break;
    }
    int e = errno;
    free(prefix);
    if (fd < 0) {
        free(f->tmp_path);
        f->tmp_path = NULL;
        return sl_fail("cannot write '%s': %s", f->path, strerror(e));
    }
    /* Owner first: chown clears set-id bits, and the mode is set after it. */
    if (old && (old->st_uid != geteuid() || old->st_gid != getegid()) &&
        fchown(fd, old->st_uid, old->st_gid) != 0 && errno != EPERM) {
        e = errno;
        close(fd);
        return sl_fail("cannot write '%s': %s", f->path, strerror(e));
    }
    if (old && fchmod(fd, old->st_mode & 0777) != 0) {
        e = errno;
        close(fd);
        return sl_fail("cannot write '%s': %s", f->path, strerror(e));
    }
    return fd;
}

/* Opens a character device or FIFO to write into it: O_NONBLOCK so that
 * neither a FIFO without a reader nor a device waiting for a carrier blocks,
 * then back to blocking writes. */
static int open_through(const char *path, const struct stat *seen)
{
    int fd = open(path, O_WRONLY | O_NOCTTY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return errno == ENXIO && S_ISFIFO(seen->st_mode)
                   ? sl_fail("cannot write '%s': a FIFO with no reader", path)
                   : sl_fail("cannot write '%s': %s", path, strerror(errno));
    struct stat st;
    int flags = fcntl(fd, F_GETFL);
    if (fstat(fd, &st) != 0 || st.st_dev != seen->st_dev || st.st_ino != seen->st_ino) {
        close(fd);
        return sl_fail("cannot write '%s': it changed while it was opened", path);
    }
    if (flags < 0 || fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) != 0) {
        int e = errno;
        close(fd);
        return sl_fail("cannot write '%s': %s", path, strerror(e));
    }
    return fd;
}

int util_atomic_open(struct util_atomic_file *f, const char *path)
{
    memset(f, 0, sizeof *f);
    struct stat st;
    bool exists;
    if (classify_target(path, &st, &exists) != 0)
        return -1;
    write_started(f);
    f->path = strdup(path);
    if (!f->path)
        return sl_fail("out of memory");
    bool through = exists && !S_ISREG(st.st_mode);
    int fd = through ? open_through(path, &st) : create_temporary(f, exists ? &st : NULL);
    if (fd >= 0) {
        f->fp = fdopen(fd, "wb");
        if (!f->fp) {
            sl_fail("cannot write '%s': %s", path, strerror(errno));
            close(fd);
        }
    }
    if (!f->fp) {
        util_atomic_abort(f);
        return -1;
    }
    return 0;
}

/* The rename itself survives a crash only once the folder is synced. */
static void sync_parent(const char *path)
{
    const char *base = base_of(path);
    char *dir = base > path ? strndup(path, (size_t)(base - path)) : strdup(".");
    int fd = dir ? open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
    free(dir);
}

int util_atomic_commit(struct util_atomic_file *f)
{
    int rc = 0;
    if (fflush(f->fp) != 0 || (f->tmp_path && fsync(fileno(f->fp)) != 0))
        rc = sl_fail("cannot write '%s': %s", f->path, strerror(errno));
    else if (ferror(f->fp)) /* an earlier write failed, and its data are gone */
        rc = sl_fail("cannot write '%s': a write failed", f->path);
    if (fclose(f->fp) != 0 && rc == 0)
        rc = sl_fail("cannot write '%s': %s", f->path, strerror(errno));
    f->fp = NULL;
    if (rc == 0 && f->tmp_path) {
        /* Something else may have appeared at the target since open. */
        struct stat st;
        if (lstat(f->path, &st) == 0 && !S_ISREG(st.st_mode))
            rc = sl_fail("cannot replace '%s': it became %s while it was written", f->path,
                         kind_name(st.st_mode));
        else if (rename(f->tmp_path, f->path) != 0)
            rc = sl_fail("cannot replace '%s': %s", f->path, strerror(errno));
        else
            sync_parent(f->path);
    }
    if (rc == 0) {
        free(f->tmp_path);
        f->tmp_path = NULL;
    }
    util_atomic_abort(f);
    return rc;
}

void util_atomic_abort(struct util_atomic_file *f)
{
    if (f->fp)
        fclose(f->fp);
    if (f->tmp_path)
        unlink(f->tmp_path);
    free(f->path);
    free(f->tmp_path);
    f->fp = NULL;
    f->path = f->tmp_path = NULL;
    write_ended(f);
}

int util_check_writable(const char *path)
{
    struct stat st;
    bool exists;
    if (classify_target(path, &st, &exists) != 0)
        return -1;
    if (exists && S_ISFIFO(st.st_mode))
        return 0;
    if (exists && S_ISCHR(st.st_mode))
        return access(path, W_OK) == 0 ? 0 : sl_fail("cannot write '%s': %s", path, strerror(errno));
    struct util_atomic_file f;
    if (util_atomic_open(&f, path) != 0)
        return -1;
    util_atomic_abort(&f);
    return 0;
}

int util_make_parent_dirs(const char *path)
{
    char *copy = strdup(path);
    if (!copy)
        return sl_fail("out of memory");
    for (char *p = copy + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(copy, 0777) != 0 && errno != EEXIST) {
            int e = errno;
            free(copy);
            return sl_fail("cannot create directory '%s': %s", path, strerror(e));
        }
        *p = '/';
    }
    free(copy);
    return 0;
}

/* ---- one file in two roles --------------------------------------------- */

/* `real` (an existing folder's realpath) followed by `rest`, whose "." and
 * ".." are applied by name: none of its components exists. */
static char *join_by_name(const char *real, const char *rest)
{
    size_t cap = strlen(real) + strlen(rest) + 2;
    char *out = malloc(cap);
    if (!out)
        return NULL;
    snprintf(out, cap, "%s", strcmp(real, "/") == 0 ? "" : real);
    size_t len = strlen(out);
    for (const char *c = rest; *c;) {
        size_t n = strcspn(c, "/");
        if (n == 2 && strncmp(c, "..", 2) == 0) {
            while (len > 0 && out[len - 1] != '/')
                len--;
            len = len > 0 ? len - 1 : 0;
        } else if (n > 0 && !(n == 1 && *c == '.')) {
            out[len++] = '/';
            memcpy(out + len, c, n);
            len += n;
        }
        out[len] = '\0';
        c += n + (c[n] == '/');
    }
    if (len == 0)
        snprintf(out, cap, "/");
    return out;
}

/* The absolute, resolved spelling of a path that may not exist yet. */
static char *resolve_path(const char *path)
{
    char *abs;
    if (path[0] == '/') {
        abs = strdup(path);
    } else {
        char *cwd = getcwd(NULL, 0);
        size_t len = cwd ? strlen(cwd) + strlen(path) + 2 : 0;
        abs = cwd ? malloc(len) : NULL;
        if (abs)
            snprintf(abs, len, "%s/%s", cwd, path);
        free(cwd);
    }
    if (!abs)
        return NULL;
    char *out = NULL;
    /* The deepest prefix that resolves: "/" always does. */
    for (size_t cut = strlen(abs);;) {
        char keep = abs[cut];
        abs[cut] = '\0';
        char *real = realpath(cut > 0 ? abs : "/", NULL);
        abs[cut] = keep;
        if (real || cut == 0) {
            out = real ? join_by_name(real, abs + cut) : NULL;
            free(real);
            break;
        }
        while (cut > 0 && abs[cut - 1] != '/')
            cut--;
        if (cut > 0)
            cut--;
    }
    free(abs);
    return out;
}

bool util_same_file(const char *a, const char *b)
{
    struct stat sa, sb;
    bool a_exists = stat(a, &sa) == 0, b_exists = stat(b, &sb) == 0;
    if (a_exists && b_exists)
        return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
    if (a_exists != b_exists)
        return false;
    char *ra = resolve_path(a), *rb = resolve_path(b);
    bool same = ra && rb && strcmp(ra, rb) == 0;
    free(ra);
    free(rb);
    return same;
}

static bool is_char_device(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISCHR(st.st_mode);
}

static int refuse_same(const struct util_file_role *out, const struct util_file_role *other)
{
    return sl_fail("%s %s is the same file as %s %s", out->what, out->path, other->what,
                   other->path);
}

int util_check_distinct(const struct util_file_role *inputs, size_t n_inputs,
                        const struct util_file_role *outputs, size_t n_outputs)
{
    for (size_t o = 0; o < n_outputs; o++) {
        const struct util_file_role *out = &outputs[o];
        if (!out->path)
            continue;
        for (size_t i = 0; i < n_inputs; i++)
            if (inputs[i].path && util_same_file(out->path, inputs[i].path))
                return refuse_same(out, &inputs[i]);
        if (is_char_device(out->path))
            continue;
        for (size_t earlier = 0; earlier < o; earlier++)
            if (outputs[earlier].path && util_same_file(out->path, outputs[earlier].path))
                return refuse_same(out, &outputs[earlier]);
    }
    return 0;
}

/* ---- one writer per target --------------------------------------------- */

/* The pid a holder wrote into its lock file, or 0 if none is there yet. */
static long holder_pid(int fd)
{
    char text[32] = {0};
    ssize_t n = pread(fd, text, sizeof text - 1, 0);
    char *end;
    long pid = n > 0 ? strtol(text, &end, 10) : 0;
    return n > 0 && end > text && *end == '\n' && pid > 0 ? pid : 0;
}

/* Opens (creating if needed) the lock file and takes the lock: 1 when the
 * file was replaced meanwhile (try again), 0 held, -1 refused. */
static int try_lock(struct util_lock *lock, const char *target)
{
    int fd = open(lock->path, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd < 0 && errno == EEXIST) {
        fd = open(lock->path, O_RDWR | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
        if (fd < 0 && errno == ENOENT)
            return 1; /* removed by its holder between the two opens */
    }
    if (fd < 0)
        return sl_fail("cannot lock '%s': %s", lock->path, strerror(errno));
    struct stat held, now;
    if (fstat(fd, &held) != 0 || !S_ISREG(held.st_mode) || held.st_nlink != 1) {
        close(fd);
        return sl_fail("cannot lock '%s': '%s' is not a lock file speedlab made (remove it)", target,
                       lock->path);
    }
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        int e = errno;
        long pid = e == EWOULDBLOCK ? holder_pid(fd) : 0;
        close(fd);
        if (e != EWOULDBLOCK)
            return sl_fail("cannot lock '%s': %s", lock->path, strerror(e));
        return pid ? sl_fail("%s is being written by pid %ld", target, pid)
                   : sl_fail("%s is being written by another process", target);
    }
    /* Its last holder may have removed it between our open and flock. */
    if (lstat(lock->path, &now) != 0 || now.st_dev != held.st_dev || now.st_ino != held.st_ino) {
        close(fd);
        return 1;
    }
    char text[32];
    int len = snprintf(text, sizeof text, "%ld\n", (long)getpid());
    if (ftruncate(fd, 0) != 0 || pwrite(fd, text, (size_t)len, 0) != len) {
        int e = errno;
        unlink(lock->path);
        close(fd);
        return sl_fail("cannot lock '%s': %s", lock->path, strerror(e));
    }
    lock->fd = fd;
    return 0;
}

int util_lock_acquire(struct util_lock *lock, const char *target)
{
    lock->fd = -1;
    lock->path = NULL;
    struct stat st;
    /* Devices and FIFOs are written through, other kinds are refused by
     * util_atomic_open: neither takes a lock file in their folder. */
    if (!target[0] || !base_of(target)[0] || (lstat(target, &st) == 0 && !S_ISREG(st.st_mode)))
        return 0;
    char *path = sibling_name(target, LOCK_BASE_MAX, ".lock");
    if (!path)
        return sl_fail("out of memory");
    lock->path = path;
    int rc = 1;
    for (int attempt = 0; rc == 1 && attempt < 100; attempt++)
        rc = try_lock(lock, target);
    if (rc == 1)
        sl_fail("cannot lock '%s': its lock file '%s' keeps being replaced", target, path);
    if (rc != 0) {
        free(path);
        lock->path = NULL;
        return -1;
    }
    return 0;
}

void util_lock_release(struct util_lock *lock)
{
    if (!lock->path)
        return;
    /* Removed while still held: a process that opened it meanwhile finds,
     * once it has the lock, that the name no longer leads to it, and
     * starts again with a new file. */
    unlink(lock->path);
    close(lock->fd);
    free(lock->path);
    lock->path = NULL;
    lock->fd = -1;
}

/* ---- inputs ------------------------------------------------------------- */

int util_open_input(const char *path)
{
    struct stat st;
    /* Checked before opening too: opening a device can have effects (a tape
     * rewinds), and a FIFO's O_NONBLOCK open is only the second guard. */
    if (stat(path, &st) != 0)
        return sl_fail("cannot read '%s': %s", path, strerror(errno));
    if (!S_ISREG(st.st_mode))
        return sl_fail("cannot read '%s': %s, not a regular file", path, kind_name(st.st_mode));
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (fd < 0)
        return sl_fail("cannot read '%s': %s", path, strerror(errno));
    int flags = fcntl(fd, F_GETFL);
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || flags < 0 ||
        fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) != 0) {
        int e = errno;
        bool regular = S_ISREG(st.st_mode);
        close(fd);
        return regular ? sl_fail("cannot read '%s': %s", path, strerror(e))
                       : sl_fail("cannot read '%s': %s, not a regular file", path,
                                 kind_name(st.st_mode));
    }
    return fd;
}

FILE *util_fopen_input(const char *path)
{
    int fd = util_open_input(path);
    if (fd < 0)
        return NULL;
    FILE *fp = fdopen(fd, "rb");
    if (!fp) {
        sl_fail("cannot read '%s': %s", path, strerror(errno));
        close(fd);
    }
    return fp;
}
