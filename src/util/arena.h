/* Arena: a bump allocator freed whole (PostgreSQL's memory contexts, pgBackRest's MemContext).
 * One per statement, per job step or per batch: allocate freely, free once. Not thread-safe.
 * Optional accounting: an arena can charge a MemTracker so a query's memory is bounded. */
#ifndef CAIRN_UTIL_ARENA_H
#define CAIRN_UTIL_ARENA_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "util/error.h"

typedef struct Arena Arena;

/* A shared byte budget (e.g. query_mem_limit): arenas charge it as they grow. Thread-safe (atomics). */
typedef struct MemTracker {
    _Atomic int64_t used;
    _Atomic int64_t peak;
    int64_t limit; /* 0 = unlimited */
} MemTracker;

Arena *arena_new(size_t block_size); /* block_size 0 = 64 KiB; aborts only if malloc fails */
void arena_free(Arena *a);
void arena_reset(Arena *a); /* frees everything allocated, keeps the first block */
/* Charges `t` for every block; when the limit is exceeded allocations return NULL and arena_exceeded() is true. */
void arena_set_tracker(Arena *a, MemTracker *t);
int arena_exceeded(const Arena *a);

void *arena_alloc(Arena *a, size_t n); /* 16-byte aligned; never NULL unless a tracker limit is hit */
void *arena_calloc(Arena *a, size_t n);
char *arena_strdup(Arena *a, const char *s); /* NULL in, NULL out */
char *arena_strndup(Arena *a, const char *s, size_t n);
void *arena_memdup(Arena *a, const void *p, size_t n);
char *arena_sprintf(Arena *a, const char *fmt, ...) PRINTF_FMT(2, 3);
char *arena_vsprintf(Arena *a, const char *fmt, va_list ap);
size_t arena_bytes(const Arena *a); /* total bytes held in blocks */

/* Tracker helpers for memory not allocated from an arena (hash tables, vectors). */
int mem_tracker_charge(MemTracker *t, int64_t bytes); /* returns 0 when over the limit (charge is kept) */
void mem_tracker_release(MemTracker *t, int64_t bytes);

#endif
