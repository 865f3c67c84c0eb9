/* Files that are written and read without losing or exposing a user's data:
 * atomic replacement through unpredictable temporaries, targets that are not
 * regular files, inputs that are not regular files, one file given for two
 * roles, and two writers of one target. */
#ifndef SL_FILES_H
#define SL_FILES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Atomic file replacement.  What `path` names decides how it is written:
 *
 * - nothing, or a regular file: the data go to a new temporary in the same
 *   folder, ".NAME.tmp.PID.XXXXXXXX" (NAME shortened when the whole would pass
 *   NAME_MAX, XXXXXXXX from getrandom), created O_CREAT|O_EXCL|O_NOFOLLOW so a
 *   planted file or link is never opened; commit fsyncs it, renames it over
 *   `path` and fsyncs the folder, so a crash leaves the old file or the new
 *   one, never half.  A rewritten file keeps its permission bits, and its owner
 *   and group where the writer may set them (root may; anyone else's rewrite
 *   becomes theirs, as an editor's save does).  Before creating its temporary,
 *   open removes the temporaries of this target whose writer process is gone
 *   (no process with that pid: a writer killed by SIGKILL), including the older
 *   ".NAME.tmp.PID" form.  A pid is only meaningful in its own pid namespace: a
 *   temporary of a live writer in another namespace sharing the folder could
 *   be taken for stale, which fails that writer's commit, never a file's data.
 * - a character device (/dev/null, a terminal): written through, opened
 *   without O_CREAT or O_TRUNC; never replaced, never fsynced.
 * - a FIFO: written through when a reader has it open.  It is opened
 *   O_NONBLOCK, so a FIFO without a reader is refused at once ("a FIFO with no
 *   reader") instead of blocking forever.
 * - a symbolic link: refused, naming what it points to.  Replacing it would
 *   destroy the link, and following it would let a link planted in a shared
 *   folder redirect the write to any file the writer may change.
 * - a directory, block device or socket, or an empty name: refused.
 *
 * `tmp_path` is NULL for a target written through.  Every error is -1 with a
 * one-line sl_error(); util_atomic_abort() is harmless on a zeroed struct and
 * after commit. */
struct util_atomic_file {
    FILE *fp;
    char *path;
    char *tmp_path;
    bool in_progress; /* counted among the writes util_atomic_exit waits for */
};
int util_atomic_open(struct util_atomic_file *f, const char *path);
int util_atomic_commit(struct util_atomic_file *f); /* closes; -1 on error */
void util_atomic_abort(struct util_atomic_file *f); /* closes, removes the temporary */

/* Ends the process with _exit(status) without leaving a temporary behind:
 * at once when no atomic write is between open and commit/abort, else as the
 * last one in progress ends (its target then holds the new file or the old
 * one, never half).  Async-signal-safe: for a signal handler that must stop
 * a process whose main thread is busy (a second Ctrl-C). */
void util_atomic_exit(int status);

/* Fails early (before any work) where util_atomic_open(path) would refuse:
 * the kinds above, a missing folder, a folder or device the writer may not
 * write.  A FIFO passes here; whether it has a reader is known only when it
 * is written. */
int util_check_writable(const char *path);
/* mkdir -p of the directory part of path. */
int util_make_parent_dirs(const char *path);

/* Whether `a` and `b` name the same file: by device and inode when both exist
 * (hard links, "./r.json" and "r.json", links to it), different when only
 * one exists, and by resolved path when neither does (the realpath of the
 * deepest folder that exists, then the rest with "." and ".." applied). */
bool util_same_file(const char *a, const char *b);

/* One file a command reads or writes: the option or role that names it, for
 * messages ("--csv", "input"), and its path (NULL: not given, ignored). */
struct util_file_role {
    const char *what;
    const char *path;
};
/* Refuses a command whose outputs are not all distinct from each other and
 * from every input (util_same_file), with one line naming both:
 * "--csv ./r.json is the same file as --record r.json".  Inputs may repeat
 * (comparing a record with itself is legitimate), and so may outputs that are
 * character devices (two outputs to /dev/null lose nothing).  0 or -1. */
int util_check_distinct(const struct util_file_role *inputs, size_t n_inputs,
                        const struct util_file_role *outputs, size_t n_outputs);

/* An advisory lock held while a command writes `target`, so that a second
 * writer of the same file is refused instead of silently replacing the
 * first one's results.  The lock is flock(LOCK_EX|LOCK_NB) on ".NAME.lock"
 * beside the target (the target itself cannot carry it: each atomic commit
 * replaces its inode).  The holder's pid is written into the lock file, so
 * the refusal names it: "r.json is being written by pid 1234".  The lock file
 * is opened O_NOFOLLOW and used only if it is a regular file with one link
 * (a planted link or hard link to another file is refused, never truncated);
 * it is removed on release, and one left by a killed holder is simply locked
 * again.  A target that is written through (device, FIFO) needs no lock: 0
 * with none held.  The descriptor is close-on-exec; a forked child that does
 * not exec shares the lock. */
struct util_lock {
    int fd;
    char *path; /* of the lock file; NULL when none is held */
};
int util_lock_acquire(struct util_lock *lock, const char *target);
/* Harmless on a zeroed struct, and twice. */
void util_lock_release(struct util_lock *lock);

/* Opens `path` for reading if it is a regular file.  It is opened O_NONBLOCK
 * (so a FIFO without a writer cannot block) and checked with fstat on the
 * open descriptor (no race with a rename); a FIFO, device, socket or folder
 * is refused with one line ("cannot read 'p': a FIFO, not a regular file").
 * Returns a close-on-exec descriptor in blocking mode, or -1 with sl_fail(). */
int util_open_input(const char *path);
/* The same as a stdio stream ("rb"); NULL with sl_fail(). */
FILE *util_fopen_input(const char *path);

#endif
