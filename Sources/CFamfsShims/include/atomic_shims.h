#ifndef FAMFS_ATOMIC_SHIMS_H
#define FAMFS_ATOMIC_SHIMS_H

#include <stdint.h>

/* Acquire loads and release stores of a 64-bit word at an address in shared memory (a pcq index
 * in a famfs file). Swift has no atomics on raw addresses; these keep both the compiler and the
 * CPU from moving the bucket's bytes past the index that publishes them. */
uint64_t famfs_load_acquire_u64(const void *addr);
void famfs_store_release_u64(void *addr, uint64_t value);

#endif
