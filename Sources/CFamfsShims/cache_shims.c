#include "cache_shims.h"

#include <linux/fs.h>

/*
 * x86_64: CLWB / CLFLUSHOPT when CPUID has them, else CLFLUSH (on every x86_64); see flush_lines.
 * aarch64: DC CIVAC (clean+invalidate to the point of coherency) per line, DSB SY after.
 * Other architectures: only a full memory barrier — correct where the hardware keeps shared memory
 * coherent, which is the only case they can be used in today.
 */

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>

size_t famfs_cache_line_size(void) { return 64; }

/* CPUID.(EAX=7,ECX=0):EBX bit 23 = CLFLUSHOPT, bit 24 = CLWB. Cached after the first call. */
static int x86_features = -1;
static int x86_feature_bits(void)
{
    if (x86_features < 0) {
        unsigned a, b = 0, c, d;
        int f = 0;
        if (__get_cpuid_count(7, 0, &a, &b, &c, &d)) {
            if (b & (1u << 23)) f |= 1;
            if (b & (1u << 24)) f |= 2;
        }
        x86_features = f;
    }
    return x86_features;
}

/* Flush: CLWB writes a dirty line back and may keep it cached (the writer reads it again soon);
 * else CLFLUSHOPT, else CLFLUSH. Invalidate: CLFLUSHOPT/CLFLUSH, which evict the line so the next
 * load comes from memory. The optimized forms are weakly ordered: MFENCE before and after. */
static void flush_lines(const void *addr, size_t len, int invalidate)
{
    uintptr_t line = (uintptr_t)addr & ~(uintptr_t)63;
    uintptr_t end = (uintptr_t)addr + len;
    int f = x86_feature_bits();
    __asm__ volatile("mfence" ::: "memory");
    if (!invalidate && (f & 2)) {
        for (; line < end; line += 64)
            __asm__ volatile(".byte 0x66, 0x0f, 0xae, 0x30" :: "a"(line) : "memory"); /* clwb (%rax) */
    } else if (f & 1) {
        for (; line < end; line += 64)
            __asm__ volatile(".byte 0x66, 0x0f, 0xae, 0x38" :: "a"(line) : "memory"); /* clflushopt (%rax) */
    } else {
        for (; line < end; line += 64)
            __asm__ volatile("clflush (%0)" :: "r"(line) : "memory");
    }
    __asm__ volatile("mfence" ::: "memory");
}

void famfs_flush_cache(const void *addr, size_t len) { flush_lines(addr, len, 0); }
void famfs_invalidate_cache(const void *addr, size_t len) { flush_lines(addr, len, 1); }

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

#if defined(__x86_64__)
#include <emmintrin.h>
void famfs_store_u64_pair(void *addr, uint64_t first, uint64_t second)
{
    /* MOVDQA: one aligned 16-byte store (single-copy atomic on CPUs with AVX). */
    _mm_store_si128((__m128i *)addr, _mm_set_epi64x((long long)second, (long long)first));
}
#elif defined(__aarch64__)
void famfs_store_u64_pair(void *addr, uint64_t first, uint64_t second)
{
    /* STP: one instruction for both (single-copy atomic when 16-byte aligned on ARMv8.4+). */
    __asm__ volatile("stp %1, %2, [%0]" :: "r"(addr), "r"(first), "r"(second) : "memory");
}
#else
void famfs_store_u64_pair(void *addr, uint64_t first, uint64_t second)
{
    volatile uint64_t *p = addr;
    p[0] = first;
    p[1] = second;
}
#endif

unsigned long famfs_ioctl_blkgetsize64(void) { return BLKGETSIZE64; }
