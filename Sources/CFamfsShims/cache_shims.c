#include "cache_shims.h"

#include <linux/fs.h>

/*
 * x86_64: CLFLUSH evicts the line after writing it back, so the same loop serves flush and
 * invalidate (CLFLUSHOPT/CLWB would be faster but need CPUID checks; CLFLUSH is on every x86_64).
 * MFENCE orders the flushes against surrounding stores and loads.
 * aarch64: DC CIVAC (clean+invalidate to the point of coherency) per line, DSB SY after.
 * Other architectures: only a full memory barrier — correct where the hardware keeps shared memory
 * coherent, which is the only case they can be used in today.
 */

#if defined(__x86_64__) || defined(__i386__)
size_t famfs_cache_line_size(void) { return 64; }

static void clflush_range(const void *addr, size_t len)
{
    uintptr_t line = (uintptr_t)addr & ~(uintptr_t)63;
    uintptr_t end = (uintptr_t)addr + len;
    __asm__ volatile("mfence" ::: "memory");
    for (; line < end; line += 64)
        __asm__ volatile("clflush (%0)" :: "r"(line) : "memory");
    __asm__ volatile("mfence" ::: "memory");
}

void famfs_flush_cache(const void *addr, size_t len) { clflush_range(addr, len); }
void famfs_invalidate_cache(const void *addr, size_t len) { clflush_range(addr, len); }

#elif defined(__aarch64__)
size_t famfs_cache_line_size(void)
{
    uint64_t ctr;
    __asm__ volatile("mrs %0, ctr_el0" : "=r"(ctr));
    return (size_t)4 << ((ctr >> 16) & 0xf);
}

static void civac_range(const void *addr, size_t len)
{
    size_t step = famfs_cache_line_size();
    uintptr_t line = (uintptr_t)addr & ~(uintptr_t)(step - 1);
    uintptr_t end = (uintptr_t)addr + len;
    __asm__ volatile("dsb sy" ::: "memory");
    for (; line < end; line += step)
        __asm__ volatile("dc civac, %0" :: "r"(line) : "memory");
    __asm__ volatile("dsb sy" ::: "memory");
}

void famfs_flush_cache(const void *addr, size_t len) { civac_range(addr, len); }
void famfs_invalidate_cache(const void *addr, size_t len) { civac_range(addr, len); }

#else
size_t famfs_cache_line_size(void) { return 64; }
void famfs_flush_cache(const void *addr, size_t len) { (void)addr; (void)len; __sync_synchronize(); }
void famfs_invalidate_cache(const void *addr, size_t len) { (void)addr; (void)len; __sync_synchronize(); }
#endif

unsigned long famfs_ioctl_blkgetsize64(void) { return BLKGETSIZE64; }
