/* The data directory lock (see lockfile.h). */
#include "server/lockfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

static int lock_fd = -1;

/* mkdir -p: the data dir may be given as a nested path that does not exist yet. */
static Status make_dirs(const char *path, Error *err) {
    char buf[4096];
    if (snprintf(buf, sizeof buf, "%s", path) >= (int)sizeof buf)
        return err_set(err, ERR_INVALID_ARGUMENT, "data dir path is too long: %s", path);
    for (char *p = buf + 1; *p; p++) {
        if (*p != '/') continue;
        *p = '\0';
        if (mkdir(buf, 0755) != 0 && errno != EEXIST)
            return err_set(err, ERR_IO, "cannot create directory %s: %s", buf, strerror(errno));
        *p = '/';
    }
    if (mkdir(buf, 0755) != 0 && errno != EEXIST)
        return err_set(err, ERR_IO, "cannot create directory %s: %s", buf, strerror(errno));
    return STATUS_OK;
}

Status lockfile_acquire(const char *data_dir, Error *err) {
    if (make_dirs(data_dir, err)) return STATUS_ERROR;
    char path[4200];
    snprintf(path, sizeof path, "%s/cairnd.lock", data_dir);
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) return err_set(err, ERR_IO, "cannot open lock file %s: %s", path, strerror(errno));
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        int e = errno;
        char pid[32] = "";
        ssize_t n = pread(fd, pid, sizeof pid - 1, 0);
        close(fd);
        if (n > 0) pid[n] = '\0';
        pid[strcspn(pid, "\n")] = '\0';
        if (e == EWOULDBLOCK)
            return err_set(err, ERR_IO,
                           "data dir %s is in use by another cairnd (pid %s, lock file %s): stop that "
                           "server first or start this one with another --data-dir",
                           data_dir, *pid ? pid : "unknown", path);
        return err_set(err, ERR_IO, "cannot lock %s: %s", path, strerror(e));
    }
    char pid[32];
    int n = snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
    if (ftruncate(fd, 0) != 0 || pwrite(fd, pid, (size_t)n, 0) != n) {
        int e = errno;
        close(fd);
        return err_set(err, ERR_IO, "cannot write pid to lock file %s: %s", path, strerror(e));
    }
    lock_fd = fd;
    return STATUS_OK;
}

void lockfile_release(void) {
    if (lock_fd < 0) return;
    /* Empty the pid first so a stale file never names a process that has gone; a failure changes
     * nothing that matters, since close() drops the flock either way. */
    (void)!ftruncate(lock_fd, 0);
    close(lock_fd);
    lock_fd = -1;
}
