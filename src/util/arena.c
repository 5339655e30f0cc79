/* Arena allocator: a list of blocks; large requests get a block of their own. */
#include "util/arena.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct Block {
    struct Block *next;
    size_t size; /* usable bytes after the header */
    size_t used;
    _Alignas(16) unsigned char data[];
} Block;

struct Arena {
    Block *head;
    size_t block_size;
    size_t total;
    MemTracker *tracker;
    int exceeded;
};

static Block *block_new(Arena *a, size_t size) {
    if (a->tracker && !mem_tracker_charge(a->tracker, (int64_t)size)) {
        mem_tracker_release(a->tracker, (int64_t)size);
        a->exceeded = 1;
        return NULL;
    }
    Block *b = malloc(sizeof(Block) + size);
    if (!b) {
        fprintf(stderr, "cairn: out of memory allocating %zu bytes\n", size);
        abort();
    }
    b->size = size;
    b->used = 0;
    a->total += size;
    return b;
}

Arena *arena_new(size_t block_size) {
    Arena *a = calloc(1, sizeof *a);
    if (!a) abort();
    a->block_size = block_size ? block_size : 64 * 1024;
    return a;
}

static void free_blocks(Arena *a, Block *b) {
    while (b) {
        Block *n = b->next;
        if (a->tracker) mem_tracker_release(a->tracker, (int64_t)b->size);
        a->total -= b->size;
        free(b);
        b = n;
    }
}

void arena_free(Arena *a) {
    if (!a) return;
    free_blocks(a, a->head);
    free(a);
}

void arena_reset(Arena *a) {
    if (!a || !a->head) return;
    /* keep the last block of the list (the first one allocated) if it is a normal-size block */
    Block *b = a->head, *prev = NULL;
    while (b->next) {
        prev = b;
        b = b->next;
    }
    if (b->size == a->block_size) {
        if (prev) prev->next = NULL;
        if (b != a->head) free_blocks(a, a->head);
        b->used = 0;
        a->head = b;
    } else {
        free_blocks(a, a->head);
        a->head = NULL;
    }
    a->exceeded = 0;
}

void arena_set_tracker(Arena *a, MemTracker *t) {
    a->tracker = t;
    if (t) mem_tracker_charge(t, (int64_t)a->total);
}

int arena_exceeded(const Arena *a) {
    return a->exceeded;
}

void *arena_alloc(Arena *a, size_t n) {
    n = (n + 15) & ~(size_t)15;
    if (n == 0) n = 16;
    Block *h = a->head;
    if (h && h->size - h->used >= n) {
        void *p = h->data + h->used;
        h->used += n;
        return p;
    }
    if (n > a->block_size / 4) {
        /* big request: own block, linked behind the head so the head keeps serving small requests */
        Block *b = block_new(a, n);
        if (!b) return NULL;
        b->used = n;
        if (h) {
            b->next = h->next;
            h->next = b;
        } else {
            b->next = NULL;
            a->head = b;
        }
        return b->data;
    }
    Block *b = block_new(a, a->block_size);
    if (!b) return NULL;
    b->next = a->head;
    a->head = b;
    b->used = n;
    return b->data;
}

void *arena_calloc(Arena *a, size_t n) {
    void *p = arena_alloc(a, n);
    if (p) memset(p, 0, n);
    return p;
}

char *arena_strndup(Arena *a, const char *s, size_t n) {
    if (!s) return NULL;
    char *p = arena_alloc(a, n + 1);
    if (!p) return NULL;
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *arena_strdup(Arena *a, const char *s) {
    return s ? arena_strndup(a, s, strlen(s)) : NULL;
}

void *arena_memdup(Arena *a, const void *src, size_t n) {
    void *p = arena_alloc(a, n);
    if (p && n) memcpy(p, src, n);
    return p;
}

char *arena_vsprintf(Arena *a, const char *fmt, va_list ap) {
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0) return NULL;
    char *p = arena_alloc(a, (size_t)n + 1);
    if (p) vsnprintf(p, (size_t)n + 1, fmt, ap);
    return p;
}

char *arena_sprintf(Arena *a, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    char *p = arena_vsprintf(a, fmt, ap);
    va_end(ap);
    return p;
}

size_t arena_bytes(const Arena *a) {
    return a->total;
}

int mem_tracker_charge(MemTracker *t, int64_t bytes) {
    if (!t) return 1;
    int64_t now = atomic_fetch_add(&t->used, bytes) + bytes;
    int64_t peak = atomic_load(&t->peak);
    while (now > peak && !atomic_compare_exchange_weak(&t->peak, &peak, now)) {
    }
    return t->limit <= 0 || now <= t->limit;
}

void mem_tracker_release(MemTracker *t, int64_t bytes) {
    if (t) atomic_fetch_sub(&t->used, bytes);
}
