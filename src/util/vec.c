/* Growth for VEC(T). */
#include "util/vec.h"

#include <stdint.h>

void vec_grow_(void **items, size_t *cap, size_t elem, size_t need) {
    if (need <= *cap) return;
    size_t c = *cap ? *cap : 8;
    while (c < need) c *= 2;
    void *p = realloc(*items, c * elem);
    if (!p) {
        fprintf(stderr, "cairn: out of memory growing an array to %zu elements\n", c);
        abort();
    }
    *items = p;
    *cap = c;
}
