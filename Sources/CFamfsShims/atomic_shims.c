#include "atomic_shims.h"

uint64_t famfs_load_acquire_u64(const void *addr)
{
    return __atomic_load_n((const uint64_t *)addr, __ATOMIC_ACQUIRE);
}

void famfs_store_release_u64(void *addr, uint64_t value)
{
    __atomic_store_n((uint64_t *)addr, value, __ATOMIC_RELEASE);
}
