/*
 * famfs_preload.h - internal declarations of libfamfs_preload.so (LD_PRELOAD).
 *
 * Why C: this library interposes libc symbols (read, mmap, close, ...) in every process of a
 * `famfs run` tree — shells, cp, python, Swift programs with their own runtime. It must work
 * before and without any language runtime (it runs from the first open(), even inside other
 * libraries' constructors), never recurse into itself, stay fork-safe and cost one branch on a
 * file that is not famfs. Swift cannot express symbol interposition and would bring its runtime
 * into every process; so the interposer is C and knows nothing of the famfs format. The
 * mapping itself is done by libfamfsmap (Sources/FamfsMap), dlopen'ed on the first famfs open.
 */
#ifndef FAMFS_PRELOAD_H
#define FAMFS_PRELOAD_H

#define _GNU_SOURCE
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>
#include <sys/uio.h>

#define PRELOAD_EXPORT __attribute__((visibility("default")))
#define PRELOAD_HIDDEN __attribute__((visibility("hidden")))

/* One run of a famfs file: `length` bytes at `file_offset` live at `device_offset` of the device. */
struct famfs_run {
    uint64_t file_offset, device_offset, length;
};

/*
 * A famfs file this process opened and mapped. Shared by every fd that refers to it (dup) and
 * by the mmaps made from it; unmapped when the last reference goes.
 *
 * The file offset is NOT kept here: the kernel keeps it (lseek SEEK_CUR claims a range
 * atomically), so dup'ed fds, forked children, exec'ed programs, fds passed over sockets and
 * glibc's internal calls (stdio, sendfile) all see the offset the kernel would have.
 */
struct famfs_file {
    atomic_int refs;   /* fd slots + tracked mmaps referring to this file */
    atomic_int users;  /* calls copying from/to `base` right now (close waits for 0) */
    void *base;        /* libfamfsmap mapping of the whole file (2 MiB aligned) */
    uint64_t size;     /* file size (famfs files never change size) */
    uint64_t mapped;   /* bytes mapped at base (size rounded up to 2 MiB) */
    int readable, writable;
    char device[256];  /* user.famfs.device */
    struct famfs_run *runs;
    size_t nruns;
    struct famfs_file *next_free;
};

/* The real libc functions (dlsym RTLD_NEXT). */
struct real_calls {
    int (*open)(const char *, int, ...);
    int (*openat)(int, const char *, int, ...);
    int (*close)(int);
    int (*fclose)(FILE *);
    int (*close_range)(unsigned, unsigned, int);
    void (*closefrom)(int);
    int (*dup)(int);
    int (*dup2)(int, int);
    int (*dup3)(int, int, int);
    int (*fcntl)(int, int, ...);
    ssize_t (*read)(int, void *, size_t);
    ssize_t (*pread)(int, void *, size_t, off_t);
    ssize_t (*readv)(int, const struct iovec *, int);
    ssize_t (*preadv)(int, const struct iovec *, int, off_t);
    ssize_t (*preadv2)(int, const struct iovec *, int, off_t, int);
    ssize_t (*write)(int, const void *, size_t);
    ssize_t (*pwrite)(int, const void *, size_t, off_t);
    ssize_t (*writev)(int, const struct iovec *, int);
    ssize_t (*pwritev)(int, const struct iovec *, int, off_t);
    ssize_t (*pwritev2)(int, const struct iovec *, int, off_t, int);
    ssize_t (*read_chk)(int, void *, size_t, size_t);
    ssize_t (*pread_chk)(int, void *, size_t, off_t, size_t);
    off_t (*lseek)(int, off_t, int);
    void *(*mmap)(void *, size_t, int, int, int, off_t);
    int (*munmap)(void *, size_t);
    void *(*mremap)(void *, size_t, size_t, int, ...);
    int (*msync)(void *, size_t, int);
};
PRELOAD_HIDDEN extern struct real_calls real;
PRELOAD_HIDDEN void real_resolve(void);
#define REAL(name) (__builtin_expect(real.name != NULL, 1) ? real.name : (real_resolve(), real.name))

/* Set while this thread is inside libfamfsmap or the preload's own bookkeeping: every
 * interposed call made meanwhile goes straight to libc (no recursion). initial-exec: no
 * __tls_get_addr (which may allocate) on the hot path. */
PRELOAD_HIDDEN extern __thread int preload_busy __attribute__((tls_model("initial-exec")));

/* FAMFS_PRELOAD_DEBUG=1: each decision to stderr. */
PRELOAD_HIDDEN extern int preload_debug;
PRELOAD_HIDDEN void debugf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* fd table (fd_table.c). Nonzero while any fd or mmap of a famfs file is live: every call
 * checks this first, so processes that never open a famfs file pay one load. */
PRELOAD_HIDDEN extern atomic_long preload_live;
PRELOAD_HIDDEN struct famfs_file *fd_acquire(int fd);          /* NULL: not famfs, pass through */
PRELOAD_HIDDEN void file_release(struct famfs_file *f);          /* after fd_acquire */
PRELOAD_HIDDEN void fd_install(int fd, struct famfs_file *f);    /* takes a reference for the slot */
PRELOAD_HIDDEN void fd_remove(int fd);
PRELOAD_HIDDEN void fd_remove_range(unsigned first, unsigned last);
PRELOAD_HIDDEN struct famfs_file *file_alloc(void);
PRELOAD_HIDDEN void file_ref(struct famfs_file *f);
PRELOAD_HIDDEN void file_unref(struct famfs_file *f);           /* unmaps at the last reference */
PRELOAD_HIDDEN void fd_table_lock_all(void);
PRELOAD_HIDDEN void fd_table_unlock_all(void);
PRELOAD_HIDDEN void fd_table_after_fork_child(void);

/* famfs_open.c: called after every successful open; maps the file if it is famfs. */
PRELOAD_HIDDEN void consider_open(int fd, int flags, const char *path);

/* libfamfsmap (famfs_open.c). */
PRELOAD_HIDDEN int map_unmap(void *addr);
PRELOAD_HIDDEN void library_lock(void);   /* held while dlopen runs; fork holds it too */
PRELOAD_HIDDEN void library_unlock(void);
PRELOAD_HIDDEN int map_flush(const void *addr, size_t len, int invalidate);

/* mmap_calls.c */
PRELOAD_HIDDEN extern atomic_long preload_maps;
PRELOAD_HIDDEN void maps_lock(void);
PRELOAD_HIDDEN void maps_unlock(void);
PRELOAD_HIDDEN void maps_after_fork_child(void);

/* A tiny spinlock: no pthread state to inherit across fork, usable before libpthread is up. */
typedef atomic_flag spinlock_t;
#define SPINLOCK_INIT ATOMIC_FLAG_INIT
PRELOAD_HIDDEN void spin_lock(spinlock_t *l);
static inline void spin_unlock(spinlock_t *l) { atomic_flag_clear_explicit(l, memory_order_release); }

#endif
