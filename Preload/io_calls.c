/*
 * read/pread/readv/preadv(2) and write/pwrite/writev/pwritev(2) (and the 64 variants and the
 * _FORTIFY_SOURCE entry points) of a famfs fd: copies between the caller and the mapping.
 *
 * Offsets stay exactly the kernel's: a call that uses the file offset claims its range with one
 * lseek(fd, n, SEEK_CUR) (atomic in the kernel, no FUSE request), and gives back what lies past
 * the end of the file with a second lseek only at EOF. Positional calls make no system call.
 * Writes follow the daemon's rules: bytes past the end are dropped (short write), a write that
 * starts at or past the end fails with EFBIG; O_APPEND writes (checked per call) go to the mount.
 */
#include "famfs_preload.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <unistd.h>

#define MAX_RW 0x7ffff000UL /* the kernel's MAX_RW_COUNT on 4 KiB pages */

static size_t iov_total(const struct iovec *iov, int iovcnt, int *ok)
{
    size_t total = 0;
    *ok = 0;
    if (iovcnt < 0 || iovcnt > IOV_MAX) return 0;
    for (int i = 0; i < iovcnt; i++) {
        if (iov[i].iov_len > SSIZE_MAX - total) return 0;
        total += iov[i].iov_len;
    }
    *ok = 1;
    return total > MAX_RW ? MAX_RW : total;
}

static void copy_out(const struct famfs_file *f, uint64_t off, const struct iovec *iov, size_t n)
{
    const char *src = (const char *)f->base + off;
    for (int i = 0; n > 0; i++) {
        size_t k = iov[i].iov_len < n ? iov[i].iov_len : n;
        memcpy(iov[i].iov_base, src, k);
        src += k;
        n -= k;
    }
}

static void copy_in(const struct famfs_file *f, uint64_t off, const struct iovec *iov, size_t n)
{
    char *dst = (char *)f->base + off;
    for (int i = 0; n > 0; i++) {
        size_t k = iov[i].iov_len < n ? iov[i].iov_len : n;
        memcpy(dst, iov[i].iov_base, k);
        dst += k;
        n -= k;
    }
}

/* The bytes of [off, off+want) that lie inside the file. */
static size_t inside(const struct famfs_file *f, uint64_t off, size_t want)
{
    if (off >= f->size) return 0;
    return f->size - off < want ? (size_t)(f->size - off) : want;
}

/* Claims `want` bytes at the current file offset; *start gets where they begin and the return
 * value how many lie inside the file (the offset advances by that much). -1: lseek failed. */
static ssize_t claim(int fd, const struct famfs_file *f, size_t want, uint64_t *start)
{
    off_t end = REAL(lseek)(fd, (off_t)want, SEEK_CUR);
    if (end < 0) return -1;
    *start = (uint64_t)end - want;
    size_t got = inside(f, *start, want);
    if (got != want) REAL(lseek)(fd, (off_t)(*start + got), SEEK_SET);
    return (ssize_t)got;
}

static int appending(int fd) { return (REAL(fcntl)(fd, F_GETFL) & O_APPEND) != 0; }

/* -2: not handled here (go to libc); else the result of the read. */
static ssize_t famfs_readv(int fd, const struct iovec *iov, int iovcnt, off_t pos, int positional)
{
    struct famfs_file *f = fd_acquire(fd);
    if (f == NULL) return -2;
    int ok;
    size_t want = iov_total(iov, iovcnt, &ok);
    ssize_t got = -2;
    if (!f->readable || !ok || want == 0 || (positional && pos < 0)) goto done;
    uint64_t start = (uint64_t)pos;
    if (positional) got = (ssize_t)inside(f, start, want);
    else if ((got = claim(fd, f, want, &start)) < 0) { got = -2; goto done; }
    copy_out(f, start, iov, (size_t)got);
done:
    file_release(f);
    return got;
}

static ssize_t famfs_writev(int fd, const struct iovec *iov, int iovcnt, off_t pos, int positional)
{
    struct famfs_file *f = fd_acquire(fd);
    if (f == NULL) return -2;
    int ok;
    size_t want = iov_total(iov, iovcnt, &ok);
    ssize_t got = -2;
    if (!f->writable || !ok || want == 0 || (positional && pos < 0) || appending(fd)) goto done;
    uint64_t start = (uint64_t)pos;
    if (positional) {
        got = (ssize_t)inside(f, start, want);
    } else {
        off_t end = REAL(lseek)(fd, (off_t)want, SEEK_CUR);
        if (end < 0) goto done;
        start = (uint64_t)end - want;
        got = (ssize_t)inside(f, start, want);
        if ((size_t)got != want) REAL(lseek)(fd, (off_t)(start + (uint64_t)got), SEEK_SET);
    }
    if (got == 0) {  /* the daemon's answer to a write at or past the end */
        errno = EFBIG;
        got = -1;
        goto done;
    }
    copy_in(f, start, iov, (size_t)got);
done:
    file_release(f);
    return got;
}

#define ONE(buf, n) (&(struct iovec){ .iov_base = (void *)(buf), .iov_len = (n) }), 1

PRELOAD_EXPORT ssize_t read(int fd, void *buf, size_t n)
{
    ssize_t r = famfs_readv(fd, ONE(buf, n), 0, 0);
    return r != -2 ? r : REAL(read)(fd, buf, n);
}

PRELOAD_EXPORT ssize_t __read_chk(int fd, void *buf, size_t n, size_t buflen)
{
    if (n > buflen) return REAL(read_chk)(fd, buf, n, buflen);  /* its buffer-overflow report */
    return read(fd, buf, n);
}

PRELOAD_EXPORT ssize_t pread64(int fd, void *buf, size_t n, off_t off)
{
    ssize_t r = famfs_readv(fd, ONE(buf, n), off, 1);
    return r != -2 ? r : REAL(pread)(fd, buf, n, off);
}
PRELOAD_EXPORT ssize_t pread(int fd, void *buf, size_t n, off_t off) { return pread64(fd, buf, n, off); }

PRELOAD_EXPORT ssize_t __pread64_chk(int fd, void *buf, size_t n, off_t off, size_t buflen)
{
    if (n > buflen) return REAL(pread_chk)(fd, buf, n, off, buflen);
    return pread64(fd, buf, n, off);
}
PRELOAD_EXPORT ssize_t __pread_chk(int fd, void *buf, size_t n, off_t off, size_t buflen)
{
    return __pread64_chk(fd, buf, n, off, buflen);
}

PRELOAD_EXPORT ssize_t readv(int fd, const struct iovec *iov, int iovcnt)
{
    ssize_t r = famfs_readv(fd, iov, iovcnt, 0, 0);
    return r != -2 ? r : REAL(readv)(fd, iov, iovcnt);
}

PRELOAD_EXPORT ssize_t preadv64(int fd, const struct iovec *iov, int iovcnt, off_t off)
{
    ssize_t r = famfs_readv(fd, iov, iovcnt, off, 1);
    return r != -2 ? r : REAL(preadv)(fd, iov, iovcnt, off);
}
PRELOAD_EXPORT ssize_t preadv(int fd, const struct iovec *iov, int iovcnt, off_t off) { return preadv64(fd, iov, iovcnt, off); }

/* RWF_* flags ask for things a copy cannot promise (NOWAIT, HIPRI, ...): those go to libc. */
PRELOAD_EXPORT ssize_t preadv64v2(int fd, const struct iovec *iov, int iovcnt, off_t off, int flags)
{
    ssize_t r = flags != 0 ? -2 : famfs_readv(fd, iov, iovcnt, off, off != -1);
    if (r != -2) return r;
    if (REAL(preadv2) == NULL) { errno = ENOSYS; return -1; }
    return real.preadv2(fd, iov, iovcnt, off, flags);
}
PRELOAD_EXPORT ssize_t preadv2(int fd, const struct iovec *iov, int iovcnt, off_t off, int flags)
{
    return preadv64v2(fd, iov, iovcnt, off, flags);
}

PRELOAD_EXPORT ssize_t write(int fd, const void *buf, size_t n)
{
    ssize_t r = famfs_writev(fd, ONE(buf, n), 0, 0);
    return r != -2 ? r : REAL(write)(fd, buf, n);
}

PRELOAD_EXPORT ssize_t pwrite64(int fd, const void *buf, size_t n, off_t off)
{
    ssize_t r = famfs_writev(fd, ONE(buf, n), off, 1);
    return r != -2 ? r : REAL(pwrite)(fd, buf, n, off);
}
PRELOAD_EXPORT ssize_t pwrite(int fd, const void *buf, size_t n, off_t off) { return pwrite64(fd, buf, n, off); }

PRELOAD_EXPORT ssize_t writev(int fd, const struct iovec *iov, int iovcnt)
{
    ssize_t r = famfs_writev(fd, iov, iovcnt, 0, 0);
    return r != -2 ? r : REAL(writev)(fd, iov, iovcnt);
}

PRELOAD_EXPORT ssize_t pwritev64(int fd, const struct iovec *iov, int iovcnt, off_t off)
{
    ssize_t r = famfs_writev(fd, iov, iovcnt, off, 1);
    return r != -2 ? r : REAL(pwritev)(fd, iov, iovcnt, off);
}
PRELOAD_EXPORT ssize_t pwritev(int fd, const struct iovec *iov, int iovcnt, off_t off) { return pwritev64(fd, iov, iovcnt, off); }

PRELOAD_EXPORT ssize_t pwritev64v2(int fd, const struct iovec *iov, int iovcnt, off_t off, int flags)
{
    ssize_t r = flags != 0 ? -2 : famfs_writev(fd, iov, iovcnt, off, off != -1);
    if (r != -2) return r;
    if (REAL(pwritev2) == NULL) { errno = ENOSYS; return -1; }
    return real.pwritev2(fd, iov, iovcnt, off, flags);
}
PRELOAD_EXPORT ssize_t pwritev2(int fd, const struct iovec *iov, int iovcnt, off_t off, int flags)
{
    return pwritev64v2(fd, iov, iovcnt, off, flags);
}
