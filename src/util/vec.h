/* Typed growable arrays: VEC(T) declares { T *items; size_t len, cap; }. Memory is malloc-owned by the vector.
 *   VEC(int) v = {0}; vec_push(&v, 3); ... vec_free(&v); */
#ifndef CAIRN_UTIL_VEC_H
#define CAIRN_UTIL_VEC_H

#include <stdio.h>
#include <stdlib.h>

#define VEC(T)                                                                                     \
    struct {                                                                                       \
        T *items;                                                                                  \
        size_t len;                                                                                \
        size_t cap;                                                                                \
    }

void vec_grow_(void **items, size_t *cap, size_t elem, size_t need);

#define vec_reserve(v, n) vec_grow_((void **)&(v)->items, &(v)->cap, sizeof(*(v)->items), (n))
#define vec_push(v, x)                                                                             \
    do {                                                                                           \
        vec_reserve((v), (v)->len + 1);                                                            \
        (v)->items[(v)->len++] = (x);                                                              \
    } while (0)
#define vec_pop(v) ((v)->items[--(v)->len])
#define vec_last(v) ((v)->items[(v)->len - 1])
#define vec_clear(v) ((v)->len = 0)
#define vec_free(v)                                                                                \
    do {                                                                                           \
        free((v)->items);                                                                          \
        (v)->items = NULL;                                                                         \
        (v)->len = (v)->cap = 0;                                                                   \
    } while (0)

#endif
