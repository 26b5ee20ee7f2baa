/*
 * mmap/mmap64 of a famfs fd: the device memory itself, no page cache, no FUSE fault.
 *
 * The pages are mapped from the device (opened with the caller's credentials, as libfamfsmap
 * does) run by run at their place in a fresh range. devdax only maps 2 MiB-aligned ranges at
 * 2 MiB-aligned addresses, so the range covers the request rounded out to 2 MiB and the caller
 * gets the address of its offset inside it; munmap/mremap/msync of such a mapping are handled
 * here (unmapping the whole range). MAP_PRIVATE maps the device privately (copy-on-write)
 * where the device allows it; MAP_FIXED, a device that refuses, or anything unexpected goes
 * to the real mmap through the mount.
 */
#include "famfs_preload.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define UNIT (2UL << 20)
#define PASS_FLAGS (MAP_POPULATE | MAP_NORESERVE | MAP_LOCKED | MAP_NONBLOCK | MAP_SYNC)

struct tracked_map {
    uintptr_t ustart;   /* what the caller got */
    size_t ulen;
    uintptr_t vstart;   /* the whole range (2 MiB aligned) */
    size_t vlen;
    uint64_t voff;      /* file offset at vstart */
    int prot, flags;
    struct famfs_file *f;
};

#define MAX_MAPS 4096
static struct tracked_map maps[MAX_MAPS];
static int nmaps;
static spinlock_t map_lock = SPINLOCK_INIT;
atomic_long preload_maps;

void maps_lock(void) { spin_lock(&map_lock); }
void maps_unlock(void) { spin_unlock(&map_lock); }
void maps_after_fork_child(void) {}

static uintptr_t align_up(uintptr_t v, uintptr_t a) { return (v + a - 1) & ~(a - 1); }

/* Maps [off, off+len) of `f` from its device; NULL (and *why) if it cannot. */
static void *map_from_device(struct famfs_file *f, size_t len, int prot, int flags, uint64_t off, const char **why)
{
    uint64_t voff = off & ~(uint64_t)(UNIT - 1);
    uint64_t vend = align_up(off + len, UNIT);
    if (f->nruns == 0) { *why = "no device layout"; return NULL; }
    if (len == 0 || off + len < off || vend > f->mapped) { *why = "range past the end of the file"; return NULL; }
    size_t vlen = (size_t)(vend - voff);
    int shared = (flags & MAP_TYPE) != MAP_PRIVATE;
    int devfd = REAL(open)(f->device, ((prot & PROT_WRITE) && shared ? O_RDWR : O_RDONLY) | O_CLOEXEC);
    if (devfd < 0) { *why = "cannot open the device"; return NULL; }
    char *raw = REAL(mmap)(NULL, vlen + UNIT, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (raw == MAP_FAILED) { REAL(close)(devfd); *why = "no address space"; return NULL; }
    char *start = (char *)align_up((uintptr_t)raw, UNIT);
    if (start > raw) REAL(munmap)(raw, (size_t)(start - raw));
    if (raw + vlen + UNIT > start + vlen) REAL(munmap)(start + vlen, (size_t)(raw + vlen + UNIT - (start + vlen)));
    int mflags = (flags & (MAP_TYPE | PASS_FLAGS)) | MAP_FIXED;
    for (size_t i = 0; i < f->nruns; i++) {
        const struct famfs_run *r = &f->runs[i];
        uint64_t lo = r->file_offset > voff ? r->file_offset : voff;
        uint64_t hi = r->file_offset + r->length < vend ? r->file_offset + r->length : vend;
        if (lo >= hi) continue;
        void *p = REAL(mmap)(start + (lo - voff), (size_t)(hi - lo), prot, mflags, devfd,
                             (off_t)(r->device_offset + (lo - r->file_offset)));
        if (p == MAP_FAILED) {
            REAL(munmap)(start, vlen);
            REAL(close)(devfd);
            *why = shared ? "the device refused the mapping" : "the device cannot be mapped privately";
            return NULL;
        }
    }
    REAL(close)(devfd);
    maps_lock();
    if (nmaps == MAX_MAPS) {
        maps_unlock();
        REAL(munmap)(start, vlen);
        *why = "too many famfs mappings";
        return NULL;
    }
    file_ref(f);
    maps[nmaps++] = (struct tracked_map){ (uintptr_t)start + (off - voff), len, (uintptr_t)start, vlen, voff, prot, flags, f };
    atomic_fetch_add(&preload_maps, 1);
    atomic_fetch_add(&preload_live, 1);
    maps_unlock();
    return start + (off - voff);
}

PRELOAD_EXPORT void *mmap64(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
    if (__builtin_expect(atomic_load_explicit(&preload_live, memory_order_relaxed) == 0, 1) || (flags & MAP_ANONYMOUS))
        return REAL(mmap)(addr, len, prot, flags, fd, off);
    struct famfs_file *f = fd_acquire(fd);
    if (f == NULL) return REAL(mmap)(addr, len, prot, flags, fd, off);
    const char *why = NULL;
    void *p = NULL;
    long page = sysconf(_SC_PAGESIZE);
    int type = flags & MAP_TYPE;
    if (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) why = "MAP_FIXED";
    else if (flags & ~(MAP_TYPE | PASS_FLAGS)) why = "unusual flags";
    else if (type != MAP_SHARED && type != MAP_SHARED_VALIDATE && type != MAP_PRIVATE) why = "unknown map type";
    else if (off < 0 || off % page != 0) why = "unaligned offset";
    else if ((prot & PROT_WRITE) && type != MAP_PRIVATE && !f->writable) why = "read-only open";
    else if (!f->readable) why = "write-only open";
    else p = map_from_device(f, len, prot, flags, (uint64_t)off, &why);
    file_release(f);
    if (p != NULL) {
        if (preload_debug)
            debugf("mmap fd %d [%lld, +%zu) %s: direct at %p", fd, (long long)off, len,
                   type == MAP_PRIVATE ? "private" : "shared", p);
        return p;
    }
    if (preload_debug) debugf("mmap fd %d [%lld, +%zu): through the mount (%s)", fd, (long long)off, len, why);
    return REAL(mmap)(addr, len, prot, flags, fd, off);
}

PRELOAD_EXPORT void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
    return mmap64(addr, len, prot, flags, fd, off);
}

/* Removes the tracked maps lying inside [a, a+len); returns the range to unmap (the union). */
static int take_covered(uintptr_t a, size_t len, uintptr_t *lo, uintptr_t *hi, struct famfs_file **drop, int max)
{
    int n = 0;
    *lo = a;
    *hi = a + len;
    maps_lock();
    for (int i = 0; i < nmaps && n < max;) {
        struct tracked_map *m = &maps[i];
        if (m->ustart >= a && m->ustart + m->ulen <= a + len) {
            if (m->vstart < *lo) *lo = m->vstart;
            if (m->vstart + m->vlen > *hi) *hi = m->vstart + m->vlen;
            drop[n++] = m->f;
            maps[i] = maps[--nmaps];
            atomic_fetch_sub(&preload_maps, 1);
            atomic_fetch_sub(&preload_live, 1);
        } else {
            i++;
        }
    }
    maps_unlock();
    return n;
}

PRELOAD_EXPORT int munmap(void *addr, size_t len)
{
    if (__builtin_expect(atomic_load_explicit(&preload_maps, memory_order_relaxed) == 0, 1) || preload_busy)
        return REAL(munmap)(addr, len);
    struct famfs_file *drop[64];
    uintptr_t lo, hi;
    int n = take_covered((uintptr_t)addr, len, &lo, &hi, drop, 64);
    int r = REAL(munmap)((void *)lo, hi - lo);
    int saved = errno;
    for (int i = 0; i < n; i++) file_unref(drop[i]);
    if (n > 0 && preload_debug) debugf("munmap %p: released %d famfs mapping%s", addr, n, n == 1 ? "" : "s");
    errno = saved;
    return r;
}

static int find_map(uintptr_t a, struct tracked_map *out)
{
    int found = 0;
    maps_lock();
    for (int i = 0; i < nmaps; i++)
        if (a >= maps[i].ustart && a < maps[i].vstart + maps[i].vlen && a >= maps[i].vstart) {
            *out = maps[i];
            found = 1;
            break;
        }
    maps_unlock();
    return found;
}

static void set_ulen(uintptr_t ustart, size_t ulen)
{
    maps_lock();
    for (int i = 0; i < nmaps; i++)
        if (maps[i].ustart == ustart) maps[i].ulen = ulen;
    maps_unlock();
}

/* A famfs mapping grows or shrinks in its 2 MiB range; past it, a shared one moves to a new
 * range of the same device pages (nothing to copy: it is the same memory). A private one
 * cannot move without losing its copied pages: ENOMEM, as when the kernel finds no room. */
PRELOAD_EXPORT void *mremap(void *old, size_t old_len, size_t new_len, int flags, ...)
{
    void *new_addr = NULL;
    if (flags & MREMAP_FIXED) {
        va_list ap;
        va_start(ap, flags);
        new_addr = va_arg(ap, void *);
        va_end(ap);
    }
    struct tracked_map m;
    if (atomic_load_explicit(&preload_maps, memory_order_relaxed) == 0 || preload_busy ||
        !find_map((uintptr_t)old, &m) || m.ustart != (uintptr_t)old)
        return REAL(mremap)(old, old_len, new_len, flags, new_addr);
    if (new_len == 0) { errno = EINVAL; return MAP_FAILED; }
    if (!(flags & MREMAP_FIXED) && new_len <= m.vstart + m.vlen - m.ustart) {
        set_ulen(m.ustart, new_len);
        return old;
    }
    if (!(flags & MREMAP_MAYMOVE) || (flags & MREMAP_FIXED) || (m.flags & MAP_TYPE) == MAP_PRIVATE) {
        errno = ENOMEM;
        return MAP_FAILED;
    }
    const char *why = NULL;
    void *p = map_from_device(m.f, new_len, m.prot, m.flags, m.voff + (m.ustart - m.vstart), &why);
    if (p == NULL) {
        if (preload_debug) debugf("mremap %p: cannot move (%s)", old, why);
        errno = ENOMEM;
        return MAP_FAILED;
    }
    munmap(old, m.ulen);
    if (preload_debug) debugf("mremap %p -> %p (%zu bytes): direct", old, p, new_len);
    return p;
}

/* msync also writes back (MS_INVALIDATE: drops) the CPU cache lines of the range, for memory
 * that other hosts' caches do not see. */
PRELOAD_EXPORT int msync(void *addr, size_t len, int flags)
{
    struct tracked_map m;
    int r = REAL(msync)(addr, len, flags);
    if (r != 0 || atomic_load_explicit(&preload_maps, memory_order_relaxed) == 0 || preload_busy) return r;
    if (!find_map((uintptr_t)addr, &m) || (m.flags & MAP_TYPE) == MAP_PRIVATE) return r;
    uint64_t off = m.voff + ((uintptr_t)addr - m.vstart);
    if (off >= m.f->mapped) return r;
    size_t n = len < m.f->mapped - off ? len : (size_t)(m.f->mapped - off);
    map_flush((const char *)m.f->base + off, n, (flags & MS_INVALIDATE) != 0);
    return r;
}
