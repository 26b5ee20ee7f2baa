/*
 * Deciding, once per open, whether an fd is a famfs file and mapping it.
 *
 * Only after the real open() through the mount succeeded (so the kernel and the daemon have
 * checked the caller's permissions): fstatfs says FUSE, fstat says regular file, the fd has a
 * user.famfs.fmap attribute. Then libfamfsmap (dlopen'ed now, the first time) maps the file
 * through /proc/self/fd/N — the very file this fd refers to — which also opens the device with
 * the caller's credentials. Anything unexpected leaves the fd to the mount.
 */
#include "famfs_preload.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <sys/xattr.h>
#include <unistd.h>

#define FUSE_SUPER_MAGIC 0x65735546L
#define FAMFS_STATFS_MAGIC 0x87b282fdL

static struct {
    int (*map_file)(const char *, int, void **, size_t *);
    int (*unmap_file)(void *);
    int (*flush)(const void *, size_t);
    int (*invalidate)(const void *, size_t);
    int (*layout)(const void *, unsigned long long *, size_t, size_t *);
    const char *(*last_error)(void);
} lib;
static atomic_int lib_state;  /* 0 not tried, 1 loaded, -1 unavailable */
static spinlock_t lib_lock = SPINLOCK_INIT;

/* libfamfsmap: $FAMFS_MAP_LIBRARY, else next to this library, else the loader's search path. */
static int load_library(void)
{
    int st = atomic_load(&lib_state);
    if (st != 0) return st;
    spin_lock(&lib_lock);
    st = atomic_load(&lib_state);
    if (st == 0) {
        char path[4096];
        const char *env = getenv("FAMFS_MAP_LIBRARY");
        void *h = NULL;
        if (env != NULL && env[0] != '\0') {
            h = dlopen(env, RTLD_NOW | RTLD_LOCAL);
        } else {
            Dl_info info;
            if (dladdr((void *)load_library, &info) && info.dli_fname != NULL) {
                const char *slash = strrchr(info.dli_fname, '/');
                if (slash != NULL && (size_t)(slash - info.dli_fname) + 20 < sizeof path) {
                    memcpy(path, info.dli_fname, (size_t)(slash - info.dli_fname) + 1);
                    strcpy(path + (slash - info.dli_fname) + 1, "libfamfsmap.so");
                    h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
                }
            }
            if (h == NULL) h = dlopen("libfamfsmap.so", RTLD_NOW | RTLD_LOCAL);
        }
        if (h != NULL) {
            lib.map_file = (__typeof__(lib.map_file))dlsym(h, "famfs_map_file");
            lib.unmap_file = (__typeof__(lib.unmap_file))dlsym(h, "famfs_unmap_file");
            lib.flush = (__typeof__(lib.flush))dlsym(h, "famfs_map_flush");
            lib.invalidate = (__typeof__(lib.invalidate))dlsym(h, "famfs_map_invalidate");
            lib.layout = (__typeof__(lib.layout))dlsym(h, "famfs_map_layout");
            lib.last_error = (__typeof__(lib.last_error))dlsym(h, "famfs_map_last_error");
        }
        if (h != NULL && lib.map_file && lib.unmap_file && lib.flush && lib.invalidate && lib.layout && lib.last_error) {
            st = 1;
        } else {
            st = -1;
            if (preload_debug) debugf("libfamfsmap unavailable (%s): famfs files go through the mount",
                                      h == NULL ? dlerror() : "missing entry points");
        }
        atomic_store(&lib_state, st);
    }
    spin_unlock(&lib_lock);
    return st;
}

void library_lock(void) { spin_lock(&lib_lock); }
void library_unlock(void) { spin_unlock(&lib_lock); }

int map_unmap(void *addr)
{
    preload_busy++;
    int r = lib.unmap_file(addr);
    preload_busy--;
    return r;
}

int map_flush(const void *addr, size_t len, int invalidate)
{
    preload_busy++;
    int r = invalidate ? lib.invalidate(addr, len) : lib.flush(addr, len);
    preload_busy--;
    return r;
}

static int fetch_layout(struct famfs_file *f)
{
    size_t count = 0;
    preload_busy++;
    int r = lib.layout(f->base, NULL, 0, &count);
    unsigned long long *raw = NULL;
    if (r == 0 && count > 0 && count < (1u << 20)) {
        raw = calloc(count * 3, sizeof *raw);
        r = raw == NULL ? -ENOMEM : lib.layout(f->base, raw, count, &count);
    } else if (r == 0) {
        r = -EINVAL;
    }
    preload_busy--;
    if (r != 0) { free(raw); return r; }
    f->runs = calloc(count, sizeof *f->runs);
    if (f->runs == NULL) { free(raw); return -ENOMEM; }
    for (size_t i = 0; i < count; i++) {
        f->runs[i].file_offset = raw[3 * i];
        f->runs[i].device_offset = raw[3 * i + 1];
        f->runs[i].length = raw[3 * i + 2];
    }
    f->nruns = count;
    free(raw);
    return 0;
}

void consider_open(int fd, int flags, const char *path)
{
    if (preload_busy || (flags & (O_PATH | O_DIRECTORY))) return;
    int saved = errno;
    preload_busy++;
    struct statfs sfs;
    struct stat st;
    char device[sizeof ((struct famfs_file *)0)->device];
    const char *why = NULL;
    if (fstatfs(fd, &sfs) != 0 || (sfs.f_type != FUSE_SUPER_MAGIC && sfs.f_type != FAMFS_STATFS_MAGIC)) goto out;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) goto out;
    if (fgetxattr(fd, "user.famfs.fmap", NULL, 0) <= 0) goto out;  /* FUSE, but not famfs */
    ssize_t dn = fgetxattr(fd, "user.famfs.device", device, sizeof device - 1);
    if (dn <= 0) { why = "no user.famfs.device attribute"; goto decided; }
    device[dn] = '\0';
    if (load_library() != 1) { why = "libfamfsmap unavailable"; goto decided; }

    int acc = flags & O_ACCMODE;
    int writable = acc != O_RDONLY;
    char proc[64];
    snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
    void *addr = NULL;
    size_t size = 0;
    int r = lib.map_file(proc, writable, &addr, &size);
    if (r != 0) {
        const char *e = lib.last_error();
        if (preload_debug) debugf("fd %d %s: through the mount (%s)", fd, path, e ? e : strerror(-r));
        goto out;
    }
    if ((uint64_t)size != (uint64_t)st.st_size) {
        lib.unmap_file(addr);
        why = "size changed while mapping";
        goto decided;
    }
    struct famfs_file *f = file_alloc();
    if (f == NULL) { lib.unmap_file(addr); why = "out of memory"; goto decided; }
    f->base = addr;
    f->size = size;
    f->mapped = (size + (2u << 20) - 1) & ~(uint64_t)((2u << 20) - 1);
    f->readable = acc != O_WRONLY;
    f->writable = writable;
    memcpy(f->device, device, (size_t)dn + 1);
    if ((r = fetch_layout(f)) != 0) {
        if (preload_debug) debugf("fd %d %s: no layout (%s): mmap goes through the mount", fd, path, strerror(-r));
        f->nruns = 0;
    }
    fd_install(fd, f);
    file_unref(f);  /* the slot holds it now */
    if (preload_debug)
        debugf("fd %d %s: direct from %s (%zu bytes at %p, %s, %zu run%s)", fd, path, device, size, addr,
               writable ? "read-write" : "read-only", f->nruns, f->nruns == 1 ? "" : "s");
    goto out;
decided:
    if (preload_debug) debugf("fd %d %s: through the mount (%s)", fd, path, why);
out:
    preload_busy--;
    errno = saved;
}
