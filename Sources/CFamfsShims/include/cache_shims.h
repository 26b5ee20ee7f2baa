#ifndef FAMFS_CACHE_SHIMS_H
#define FAMFS_CACHE_SHIMS_H

#include <stddef.h>
#include <stdint.h>

/// Writes back (and evicts) the CPU cache lines covering [addr, addr+len) and fences, so another
/// host sharing the memory sees the bytes. What each architecture gets is said in cache_shims.c.
void famfs_flush_cache(const void *addr, size_t len);

/// Discards the CPU's cached copy of [addr, addr+len) before reading memory another host wrote.
void famfs_invalidate_cache(const void *addr, size_t len);

/// The cache line size used for the loops above (64 on x86_64; read from CTR_EL0 on arm64).
size_t famfs_cache_line_size(void);

/// Stores two 64-bit little-endian values at a 16-byte-aligned address with one instruction, so no
/// kill can leave one written and not the other (the log header's next_seqnum / next_index).
void famfs_store_u64_pair(void *addr, uint64_t first, uint64_t second);

/// ioctl request numbers that Swift cannot compute from the C macros.
unsigned long famfs_ioctl_blkgetsize64(void);

#endif
