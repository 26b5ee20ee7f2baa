#include "famfs_crc32.h"

#include <string.h>

/*
 * CRC-32 (reflected polynomial 0xEDB88320) by folding 128-bit lanes with carry-less multiplies,
 * after Gopal et al., "Fast CRC Computation for Generic Polynomials Using PCLMULQDQ" (Intel, 2009):
 * four lanes fold 64 bytes a step, the lanes fold into one, the 128 bits reduce to 64 and then,
 * by Barrett reduction, to the 32-bit remainder. The constants are x^k mod P for the fold
 * distances, bit-reflected (the same values zlib and Linux use). Inputs shorter than 64 bytes, and
 * the tail of fewer than 16 bytes, go through a small bytewise table.
 */

static uint32_t byte_table[256];
static int byte_table_ready;

static void init_byte_table(void)
{
    for (uint32_t n = 0; n < 256; n++) {
        uint32_t c = n;
        for (int k = 0; k < 8; k++) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        byte_table[n] = c;
    }
    __atomic_store_n(&byte_table_ready, 1, __ATOMIC_RELEASE);
}

static uint32_t crc_bytes(uint32_t crc, const unsigned char *p, size_t len)
{
    if (!__atomic_load_n(&byte_table_ready, __ATOMIC_ACQUIRE)) init_byte_table();
    while (len--) crc = byte_table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
    return crc;
}

#if defined(__x86_64__)
#include <cpuid.h>
#include <immintrin.h>

int famfs_crc32_folded_available(void)
{
    static int cached = -1;
    int v = __atomic_load_n(&cached, __ATOMIC_RELAXED);
    if (v < 0) {
        unsigned a, b, c = 0, d;
        /* CPUID.1:ECX bit 1 = PCLMULQDQ, bit 19 = SSE4.1 (for the final lane extract). */
        v = __get_cpuid(1, &a, &b, &c, &d) && (c & (1u << 1)) && (c & (1u << 19));
        __atomic_store_n(&cached, v, __ATOMIC_RELAXED);
    }
    return v;
}

__attribute__((target("pclmul,sse4.1")))
static uint32_t fold(uint32_t crc, const unsigned char *buf, size_t len)
{
    /* k1,k2: fold by 512 bits; k3,k4: by 128; k5: 64 -> 32; poly and mu for Barrett. */
    const __m128i k1k2 = _mm_set_epi64x(0x01c6e41596LL, 0x0154442bd4LL);
    const __m128i k3k4 = _mm_set_epi64x(0x00ccaa009eLL, 0x01751997d0LL);
    const __m128i k5k0 = _mm_set_epi64x(0, 0x0163cd6124LL);
    const __m128i poly = _mm_set_epi64x(0x01f7011641LL, 0x01db710641LL);
    const __m128i low32 = _mm_setr_epi32(~0, 0, ~0, 0);

    __m128i x1 = _mm_loadu_si128((const __m128i *)(buf + 0x00));
    __m128i x2 = _mm_loadu_si128((const __m128i *)(buf + 0x10));
    __m128i x3 = _mm_loadu_si128((const __m128i *)(buf + 0x20));
    __m128i x4 = _mm_loadu_si128((const __m128i *)(buf + 0x30));
    x1 = _mm_xor_si128(x1, _mm_cvtsi32_si128((int)crc));
    buf += 64;
    len -= 64;

    while (len >= 64) {
        __m128i x5 = _mm_clmulepi64_si128(x1, k1k2, 0x00);
        __m128i x6 = _mm_clmulepi64_si128(x2, k1k2, 0x00);
        __m128i x7 = _mm_clmulepi64_si128(x3, k1k2, 0x00);
        __m128i x8 = _mm_clmulepi64_si128(x4, k1k2, 0x00);
        x1 = _mm_clmulepi64_si128(x1, k1k2, 0x11);
        x2 = _mm_clmulepi64_si128(x2, k1k2, 0x11);
        x3 = _mm_clmulepi64_si128(x3, k1k2, 0x11);
        x4 = _mm_clmulepi64_si128(x4, k1k2, 0x11);
        x1 = _mm_xor_si128(_mm_xor_si128(x1, x5), _mm_loadu_si128((const __m128i *)(buf + 0x00)));
        x2 = _mm_xor_si128(_mm_xor_si128(x2, x6), _mm_loadu_si128((const __m128i *)(buf + 0x10)));
        x3 = _mm_xor_si128(_mm_xor_si128(x3, x7), _mm_loadu_si128((const __m128i *)(buf + 0x20)));
        x4 = _mm_xor_si128(_mm_xor_si128(x4, x8), _mm_loadu_si128((const __m128i *)(buf + 0x30)));
        buf += 64;
        len -= 64;
    }

    /* Four lanes into one. */
    __m128i x5 = _mm_clmulepi64_si128(x1, k3k4, 0x00);
    x1 = _mm_xor_si128(_mm_xor_si128(_mm_clmulepi64_si128(x1, k3k4, 0x11), x2), x5);
    x5 = _mm_clmulepi64_si128(x1, k3k4, 0x00);
    x1 = _mm_xor_si128(_mm_xor_si128(_mm_clmulepi64_si128(x1, k3k4, 0x11), x3), x5);
    x5 = _mm_clmulepi64_si128(x1, k3k4, 0x00);
    x1 = _mm_xor_si128(_mm_xor_si128(_mm_clmulepi64_si128(x1, k3k4, 0x11), x4), x5);

    while (len >= 16) {
        x5 = _mm_clmulepi64_si128(x1, k3k4, 0x00);
        x1 = _mm_xor_si128(_mm_xor_si128(_mm_clmulepi64_si128(x1, k3k4, 0x11),
                                         _mm_loadu_si128((const __m128i *)buf)), x5);
        buf += 16;
        len -= 16;
    }

    /* 128 -> 64 bits. */
    x2 = _mm_clmulepi64_si128(x1, k3k4, 0x10);
    x1 = _mm_xor_si128(_mm_srli_si128(x1, 8), x2);
    x2 = _mm_srli_si128(x1, 4);
    x1 = _mm_and_si128(x1, low32);
    x1 = _mm_xor_si128(_mm_clmulepi64_si128(x1, k5k0, 0x00), x2);

    /* Barrett reduction to 32 bits. */
    x2 = _mm_and_si128(x1, low32);
    x2 = _mm_clmulepi64_si128(x2, poly, 0x10);
    x2 = _mm_and_si128(x2, low32);
    x2 = _mm_clmulepi64_si128(x2, poly, 0x00);
    x1 = _mm_xor_si128(x1, x2);
    crc = (uint32_t)_mm_extract_epi32(x1, 1);

    return crc_bytes(crc, buf, len);
}

uint32_t famfs_crc32_folded(uint32_t crc, const void *buf, size_t len)
{
    const unsigned char *p = buf;
    if (len < 64) return crc_bytes(crc, p, len);
    return fold(crc, p, len);
}

#elif defined(__aarch64__)
#include <sys/auxv.h>
#ifndef HWCAP_CRC32
#define HWCAP_CRC32 (1 << 7)
#endif

/* AArch64 has CRC32X/CRC32B for exactly this polynomial (ARMv8 CRC extension): eight bytes per
 * instruction, no folding needed. */
int famfs_crc32_folded_available(void)
{
    return (getauxval(AT_HWCAP) & HWCAP_CRC32) != 0;
}

__attribute__((target("crc")))
uint32_t famfs_crc32_folded(uint32_t crc, const void *buf, size_t len)
{
    const unsigned char *p = buf;
    while (len >= 8) {
        uint64_t v;
        memcpy(&v, p, 8);
        __asm__("crc32x %w0, %w0, %x1" : "+r"(crc) : "r"(v));
        p += 8;
        len -= 8;
    }
    while (len--) {
        __asm__("crc32b %w0, %w0, %w1" : "+r"(crc) : "r"((uint32_t)*p++));
    }
    return crc;
}

#else
int famfs_crc32_folded_available(void) { return 0; }
uint32_t famfs_crc32_folded(uint32_t crc, const void *buf, size_t len) { return crc_bytes(crc, buf, len); }
#endif
