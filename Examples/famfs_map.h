/*
 * famfs_map.h - zero-copy mapping of famfs files (libfamfsmap.so, Swift target FamfsMap).
 *
 * A famfs file is memory on a shared device. These calls map a file's extents straight from the
 * device into one contiguous, 2 MiB-aligned range of the caller's address space: loads and
 * stores go to the shared memory itself, with no page cache and no daemon on the fault path.
 *
 * Every int function returns 0 on success or a negative errno:
 *   -ENOTTY   not a file of a famfs mount (not FUSE, no user.famfs.fmap xattr, not regular)
 *   -EACCES, -EROFS, -ENOENT, ...  the file or the device could not be opened as requested
 *   -ESTALE   the file changed (size disagrees with its map, or the map changed meanwhile)
 *   -EINVAL   bad map (extent outside the device, unaligned, ...) or bad argument
 *   -ENOMEM, ...  mmap failed
 * After a failure, famfs_map_last_error() returns a one-line message naming the path.
 *
 * All functions are thread-safe.
 */
#ifndef FAMFS_MAP_H
#define FAMFS_MAP_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Maps `path`, a file in a mounted famfs (its map and device come from the xattrs
 * user.famfs.fmap and user.famfs.device). `writable` != 0 maps it PROT_READ|PROT_WRITE (the file
 * must be openable O_RDWR). On success *addr is the start of the file and *size its size; the
 * mapping covers *size rounded up to 2 MiB. */
int famfs_map_file(const char *path, int writable, void **addr, size_t *size);

/* Maps the file described by `fmap_yaml` (the famfs fmap YAML: user.famfs.fmap, a shadow file,
 * `famfs getmap` output) from `device`, without a mount. */
int famfs_map_yaml(const char *device, const char *fmap_yaml, int writable, void **addr, size_t *size);

/* Unmaps a mapping; `addr` must be a value returned in *addr by a map call (-EINVAL otherwise). */
int famfs_unmap_file(void *addr);

/* CPU cache maintenance for shared memory without coherent caches between hosts: flush after
 * storing (so other hosts see the data), invalidate before loading what others stored. The range
 * must lie inside one mapping (-EINVAL otherwise). */
int famfs_map_flush(const void *addr, size_t len);
int famfs_map_invalidate(const void *addr, size_t len);

/* Where a mapping's bytes live on its device, in file order: run i is (file offset, device
 * offset, length) in runs[3*i], runs[3*i+1], runs[3*i+2], written for i < max; *count is the
 * number of runs (call with max 0 to learn it). `addr` as returned in *addr by a map call. */
int famfs_map_layout(const void *addr, unsigned long long *runs, size_t max, size_t *count);

/* The message of this thread's last failed call, or NULL if it succeeded. Valid until the next
 * famfs_map_* call on the same thread. */
const char *famfs_map_last_error(void);

#ifdef __cplusplus
}
#endif

#endif /* FAMFS_MAP_H */
