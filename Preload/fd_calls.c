/*
 * The calls that create, copy and drop fds: open*(2) (after the real open, consider_open maps
 * famfs files), dup/dup2/dup3/fcntl(F_DUPFD*) (the new fd shares the mapping), close, fclose,
 * close_range and closefrom (the slot is emptied before the fd number can be reused).
 * fork needs nothing (the child has the same memory and fds) beyond the handlers in
 * preload_init.c; exec starts afresh: inherited fds go through the mount.
 */
#include "famfs_preload.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <unistd.h>

#define MODE_ARG(flags, mode)                                   \
    mode_t mode = 0;                                            \
    if ((flags) & (O_CREAT | __O_TMPFILE)) {                    \
        va_list ap;                                             \
        va_start(ap, flags);                                    \
        mode = (mode_t)va_arg(ap, int);                         \
        va_end(ap);                                             \
    }

static int opened(int fd, int flags, const char *path)
{
    if (fd >= 0) consider_open(fd, flags, path);
    return fd;
}

PRELOAD_EXPORT int open(const char *path, int flags, ...)
{
    MODE_ARG(flags, mode);
    return opened(REAL(open)(path, flags, mode), flags, path);
}
PRELOAD_EXPORT int open64(const char *path, int flags, ...)
{
    MODE_ARG(flags, mode);
    return opened(REAL(open)(path, flags | O_LARGEFILE, mode), flags, path);
}
PRELOAD_EXPORT int openat(int dirfd, const char *path, int flags, ...)
{
    MODE_ARG(flags, mode);
    return opened(REAL(openat)(dirfd, path, flags, mode), flags, path);
}
PRELOAD_EXPORT int openat64(int dirfd, const char *path, int flags, ...)
{
    MODE_ARG(flags, mode);
    return opened(REAL(openat)(dirfd, path, flags | O_LARGEFILE, mode), flags, path);
}
/* _FORTIFY_SOURCE builds call these for opens without O_CREAT. */
PRELOAD_EXPORT int __open_2(const char *path, int flags) { return opened(REAL(open)(path, flags, 0), flags, path); }
PRELOAD_EXPORT int __open64_2(const char *path, int flags) { return opened(REAL(open)(path, flags | O_LARGEFILE, 0), flags, path); }
PRELOAD_EXPORT int __openat_2(int dirfd, const char *path, int flags)
{
    return opened(REAL(openat)(dirfd, path, flags, 0), flags, path);
}
PRELOAD_EXPORT int __openat64_2(int dirfd, const char *path, int flags)
{
    return opened(REAL(openat)(dirfd, path, flags | O_LARGEFILE, 0), flags, path);
}

PRELOAD_EXPORT int close(int fd)
{
    fd_remove(fd);
    return REAL(close)(fd);
}

PRELOAD_EXPORT int fclose(FILE *stream)
{
    if (stream != NULL && atomic_load_explicit(&preload_live, memory_order_relaxed) != 0) {
        int fd = fileno(stream);
        if (fd >= 0) fd_remove(fd);
    }
    return REAL(fclose)(stream);
}

PRELOAD_EXPORT int close_range(unsigned first, unsigned last, int flags)
{
    if (REAL(close_range) == NULL) { errno = ENOSYS; return -1; }
    int r = real.close_range(first, last, flags);
    if (r == 0 && !(flags & CLOSE_RANGE_CLOEXEC)) fd_remove_range(first, last);
    return r;
}

PRELOAD_EXPORT void closefrom(int lowfd)
{
    if (lowfd >= 0) fd_remove_range((unsigned)lowfd, ~0u);
    if (REAL(closefrom) != NULL) real.closefrom(lowfd);
}

/* After a successful dup onto `newfd`: it refers to what `oldfd` refers to. */
static int duplicated(int oldfd, int newfd)
{
    if (newfd < 0 || newfd == oldfd || atomic_load_explicit(&preload_live, memory_order_relaxed) == 0) return newfd;
    int saved = errno;
    struct famfs_file *f = fd_acquire(oldfd);
    if (f != NULL) {
        fd_install(newfd, f);
        file_release(f);
    } else {
        fd_remove(newfd);  /* dup2 onto a famfs fd closed it */
    }
    errno = saved;
    return newfd;
}

PRELOAD_EXPORT int dup(int fd) { return duplicated(fd, REAL(dup)(fd)); }
PRELOAD_EXPORT int dup2(int oldfd, int newfd) { return duplicated(oldfd, REAL(dup2)(oldfd, newfd)); }
PRELOAD_EXPORT int dup3(int oldfd, int newfd, int flags) { return duplicated(oldfd, REAL(dup3)(oldfd, newfd, flags)); }

/* Every fcntl argument is an int, a long or a pointer: passed on as one machine word. */
PRELOAD_EXPORT int fcntl64(int fd, int cmd, ...)
{
    va_list ap;
    va_start(ap, cmd);
    void *arg = va_arg(ap, void *);
    va_end(ap);
    int r = REAL(fcntl)(fd, cmd, arg);
    if (cmd == F_DUPFD || cmd == F_DUPFD_CLOEXEC) return duplicated(fd, r);
    return r;
}

PRELOAD_EXPORT int fcntl(int fd, int cmd, ...)
{
    va_list ap;
    va_start(ap, cmd);
    void *arg = va_arg(ap, void *);
    va_end(ap);
    return fcntl64(fd, cmd, arg);
}
