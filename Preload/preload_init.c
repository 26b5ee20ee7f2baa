/* The real libc entry points, start-up (FAMFS_PRELOAD_DEBUG, fork handlers) and debug output. */
#include "famfs_preload.h"

#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct real_calls real;
PRELOAD_HIDDEN __thread int preload_busy __attribute__((tls_model("initial-exec")));
int preload_debug;

void spin_lock(spinlock_t *l)
{
    while (atomic_flag_test_and_set_explicit(l, memory_order_acquire))
        sched_yield();
}

/* Idempotent and safe to race: every thread stores the same pointers. Called from the
 * constructor, and lazily when another library's constructor calls us before ours ran. */
void real_resolve(void)
{
#define R(field, sym) real.field = (__typeof__(real.field))dlsym(RTLD_NEXT, sym)
    R(open, "open");
    R(openat, "openat");
    R(close, "close");
    R(fclose, "fclose");
    R(close_range, "close_range");
    R(closefrom, "closefrom");
    R(dup, "dup");
    R(dup2, "dup2");
    R(dup3, "dup3");
    R(fcntl, "fcntl");
    R(read, "read");
    R(pread, "pread64");
    R(readv, "readv");
    R(preadv, "preadv64");
    R(preadv2, "preadv64v2");
    R(write, "write");
    R(pwrite, "pwrite64");
    R(writev, "writev");
    R(pwritev, "pwritev64");
    R(pwritev2, "pwritev64v2");
    R(read_chk, "__read_chk");
    R(pread_chk, "__pread64_chk");
    R(lseek, "lseek64");
    R(mmap, "mmap64");
    R(munmap, "munmap");
    R(mremap, "mremap");
    R(msync, "msync");
#undef R
}

void debugf(const char *fmt, ...)
{
    char buf[768];
    int saved = errno;
    int n = snprintf(buf, sizeof buf, "famfs_preload[%d]: ", (int)getpid());
    va_list ap;
    va_start(ap, fmt);
    if (n >= 0 && (size_t)n < sizeof buf) n += vsnprintf(buf + n, sizeof buf - n, fmt, ap);
    va_end(ap);
    if (n < 0) { errno = saved; return; }
    if ((size_t)n >= sizeof buf - 1) n = sizeof buf - 2;
    buf[n++] = '\n';
    ssize_t (*w)(int, const void *, size_t) = REAL(write);
    if (w) (void)w(2, buf, (size_t)n);
    errno = saved;
}

/* Fork: hold every lock of ours across it, so the child never inherits one taken by a thread
 * that does not exist there; in the child no call of another thread is in flight any more. */
static void before_fork(void) { library_lock(); fd_table_lock_all(); maps_lock(); }
static void after_fork_parent(void) { maps_unlock(); fd_table_unlock_all(); library_unlock(); }
static void after_fork_child(void)
{
    maps_unlock();
    library_unlock();
    fd_table_unlock_all();
    fd_table_after_fork_child();
    maps_after_fork_child();
}

__attribute__((constructor)) static void preload_start(void)
{
    real_resolve();
    const char *d = getenv("FAMFS_PRELOAD_DEBUG");
    preload_debug = d != NULL && d[0] != '\0' && strcmp(d, "0") != 0;
    pthread_atfork(before_fork, after_fork_parent, after_fork_child);
}
