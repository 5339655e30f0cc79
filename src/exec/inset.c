/* Constant value sets for IN: open addressing with linear probing, grown at 50% load. */
#include "exec/inset.h"

#include <string.h>

#include "exec/expr.h"
#include "util/hash.h"

uint64_t datum_hash(const DataType *t, const Datum *d) {
    switch (t->id) {
    case TYPE_LARGEINT:
    case TYPE_DECIMAL: return hash_xxh3(&d->v.i128, sizeof d->v.i128);
    case TYPE_FLOAT:
    case TYPE_DOUBLE: {
        double f = d->v.f64 == 0 ? 0 : d->v.f64; /* -0.0 and 0.0 are equal */
        return hash_xxh3(&f, sizeof f);
    }
    case TYPE_CHAR:
    case TYPE_VARCHAR:
    case TYPE_STRING: return hash_xxh3(d->v.str.ptr, d->v.str.len);
    default: return hash_xxh3(&d->v.i64, sizeof d->v.i64);
    }
}

bool datum_equal(const DataType *t, const Datum *a, const Datum *b) {
    return type_compare_datum(t, a, b) == 0;
}

InSet *inset_new(Arena *a, DataType type, uint32_t expected) {
    InSet *s = arena_calloc(a, sizeof *s);
    s->type = type;
    uint32_t slots = 16;
    while (slots < expected * 2 + 2) slots *= 2;
    s->mask = slots - 1;
    s->slots = arena_alloc(a, sizeof(Datum) * slots);
    for (uint32_t i = 0; i < slots; i++) s->slots[i].is_null = true;
    s->items = arena_alloc(a, sizeof(Datum) * slots);
    return s;
}

static void insert_slot(Datum *slots, uint32_t mask, const DataType *t, const Datum *d) {
    uint32_t i = (uint32_t)datum_hash(t, d) & mask;
    while (!slots[i].is_null) i = (i + 1) & mask;
    slots[i] = *d;
}

void inset_add(InSet *s, Arena *a, const Datum *d) {
    if (d->is_null) {
        s->has_null = true;
        return;
    }
    if (inset_contains(s, d)) return;
    if ((s->count + 1) * 2 > s->mask + 1) {
        uint32_t nslots = (s->mask + 1) * 2;
        Datum *ns = arena_alloc(a, sizeof(Datum) * nslots);
        for (uint32_t i = 0; i < nslots; i++) ns[i].is_null = true;
        for (uint32_t i = 0; i <= s->mask; i++)
            if (!s->slots[i].is_null) insert_slot(ns, nslots - 1, &s->type, &s->slots[i]);
        s->slots = ns;
        s->mask = nslots - 1;
        Datum *ni = arena_alloc(a, sizeof(Datum) * nslots);
        memcpy(ni, s->items, sizeof(Datum) * s->count);
        s->items = ni;
    }
    Datum c = datum_copy(&s->type, d, a);
    insert_slot(s->slots, s->mask, &s->type, &c);
    s->items[s->count++] = c;
}

bool inset_contains(const InSet *s, const Datum *d) {
    uint32_t i = (uint32_t)datum_hash(&s->type, d) & s->mask;
    while (!s->slots[i].is_null) {
        if (datum_equal(&s->type, &s->slots[i], d)) return true;
        i = (i + 1) & s->mask;
    }
    return false;
}
