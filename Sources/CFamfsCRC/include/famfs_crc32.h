#ifndef FAMFS_CRC32_H
#define FAMFS_CRC32_H

#include <stddef.h>
#include <stdint.h>

/* zlib's CRC-32 by carry-less multiply folding, for the CPUs that have it. Swift cannot emit
 * PCLMULQDQ, so this is the one piece of the checksum written in C; the portable table version
 * lives in FamfsFormat/CRC32.swift and is used where this is not available. */

/* Non-zero when famfs_crc32_folded may be called on this CPU (checked once, at run time). */
int famfs_crc32_folded_available(void);

/* Advances a raw (pre-inverted) CRC-32 register over [buf, buf+len): pass 0xFFFFFFFF to start
 * and invert the result at the end, as zlib does. Only call when the above returned non-zero. */
uint32_t famfs_crc32_folded(uint32_t crc, const void *buf, size_t len);

#endif
