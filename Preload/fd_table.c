/*
 * Which fds are famfs files, lock-free for readers.
 *
 * A two-level table indexed by fd: 1024 chunks of 1024 slots, each chunk mmap'ed on first use
 * and never freed (fds past 1M pass through). A reader loads the slot, announces itself in
 * `users`, and loads the slot again: if it changed, a close raced and the call goes to libc.
 * close takes the slot with an exchange; the last reference waits for `users` to drain before
 * unmapping. famfs_file structs are never returned to the system (a stale reader only touches
 * a counter of a struct that stays valid), only recycled.
 */
#include "famfs_preload.h"

#include <sched.h>
#include <stdlib.h>
#include <sys/mman.h>

#define CHUNK_BITS 10
#define CHUNK (1u << CHUNK_BITS)
#define NCHUNKS 1024u

typedef _Atomic(struct famfs_file *) slot_t;
static _Atomic(slot_t *) chunks[NCHUNKS];
static spinlock_t chunk_lock = SPINLOCK_INIT;

atomic_long preload_live;

/* Recycled structs, and every block ever allocated (the fork child resets their counters). */
#define BLOCK_FILES 128
struct file_block {
    struct file_block *next;
    struct famfs_file files[BLOCK_FILES];
};
static struct file_block *blocks;
static struct famfs_file *free_files;
static spinlock_t pool_lock = SPINLOCK_INIT;

static slot_t *slot_of(int fd, int create)
{
    if (fd < 0 || (unsigned)fd >= CHUNK * NCHUNKS) return NULL;
    unsigned c = (unsigned)fd >> CHUNK_BITS;
    slot_t *s = atomic_load(&chunks[c]);
    if (s == NULL && create) {
        spin_lock(&chunk_lock);
        s = atomic_load(&chunks[c]);
        if (s == NULL) {
            void *p = REAL(mmap)(NULL, CHUNK * sizeof(slot_t), PROT_READ | PROT_WRITE,
                                 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
            if (p != MAP_FAILED) {
                s = p;
                atomic_store(&chunks[c], s);
            }
        }
        spin_unlock(&chunk_lock);
    }
    return s == NULL ? NULL : &s[(unsigned)fd & (CHUNK - 1)];
}

struct famfs_file *fd_acquire(int fd)
{
    if (__builtin_expect(atomic_load_explicit(&preload_live, memory_order_relaxed) == 0, 1)) return NULL;
    if (preload_busy) return NULL;
    slot_t *s = slot_of(fd, 0);
    if (s == NULL) return NULL;
    struct famfs_file *f = atomic_load(s);
    if (f == NULL) return NULL;
    atomic_fetch_add(&f->users, 1);
    if (atomic_load(s) != f) {  /* closed (or replaced) meanwhile */
        atomic_fetch_sub(&f->users, 1);
        return NULL;
    }
    return f;
}

void file_release(struct famfs_file *f) { atomic_fetch_sub(&f->users, 1); }

struct famfs_file *file_alloc(void)
{
    spin_lock(&pool_lock);
    if (free_files == NULL) {
        struct file_block *b = REAL(mmap)(NULL, sizeof *b, PROT_READ | PROT_WRITE,
                                          MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (b == MAP_FAILED) {
            spin_unlock(&pool_lock);
            return NULL;
        }
        b->next = blocks;
        blocks = b;
        for (int i = 0; i < BLOCK_FILES; i++) {
            b->files[i].next_free = free_files;
            free_files = &b->files[i];
        }
    }
    struct famfs_file *f = free_files;
    free_files = f->next_free;
    spin_unlock(&pool_lock);
    /* `users` is left alone: a stale reader of the previous use may still decrement it. */
    atomic_store(&f->refs, 1);
    f->base = NULL;
    f->size = f->mapped = 0;
    f->readable = f->writable = 0;
    f->device[0] = '\0';
    f->runs = NULL;
    f->nruns = 0;
    f->next_free = NULL;
    return f;
}

void file_ref(struct famfs_file *f) { atomic_fetch_add(&f->refs, 1); }

void file_unref(struct famfs_file *f)
{
    if (atomic_fetch_sub(&f->refs, 1) != 1) return;
    while (atomic_load(&f->users) > 0) sched_yield();
    if (f->base != NULL) {
        int r = map_unmap(f->base);
        if (preload_debug) debugf("unmapped %s mapping %p (%s)", f->device, f->base, r == 0 ? "ok" : "failed");
    }
    free(f->runs);
    f->runs = NULL;
    f->base = NULL;
    spin_lock(&pool_lock);
    f->next_free = free_files;
    free_files = f;
    spin_unlock(&pool_lock);
}

void fd_install(int fd, struct famfs_file *f)
{
    slot_t *s = slot_of(fd, 1);
    if (s == NULL) return;
    file_ref(f);
    struct famfs_file *old = atomic_exchange(s, f);
    if (old == NULL) atomic_fetch_add(&preload_live, 1);
    else file_unref(old);  /* the fd was reused after a close we did not see */
}

void fd_remove(int fd)
{
    if (atomic_load_explicit(&preload_live, memory_order_relaxed) == 0) return;
    slot_t *s = slot_of(fd, 0);
    if (s == NULL || atomic_load(s) == NULL) return;
    struct famfs_file *old = atomic_exchange(s, NULL);
    if (old == NULL) return;
    atomic_fetch_sub(&preload_live, 1);
    file_unref(old);
}

void fd_remove_range(unsigned first, unsigned last)
{
    if (atomic_load(&preload_live) == 0) return;
    for (unsigned c = first >> CHUNK_BITS; c < NCHUNKS && c <= (last >> CHUNK_BITS); c++) {
        if (atomic_load(&chunks[c]) == NULL) continue;
        unsigned lo = c << CHUNK_BITS, hi = lo + CHUNK - 1;
        if (lo < first) lo = first;
        if (hi > last) hi = last;
        for (unsigned fd = lo; fd <= hi; fd++) fd_remove((int)fd);
    }
}

void fd_table_lock_all(void) { spin_lock(&chunk_lock); spin_lock(&pool_lock); }
void fd_table_unlock_all(void) { spin_unlock(&pool_lock); spin_unlock(&chunk_lock); }

void fd_table_after_fork_child(void)
{
    for (struct file_block *b = blocks; b != NULL; b = b->next)
        for (int i = 0; i < BLOCK_FILES; i++) atomic_store(&b->files[i].users, 0);
}
