/* Hash aggregation (GROUP BY, DISTINCT, global aggregates). Per input batch: evaluate the key expressions,
 * find or create each row's group in an open-addressing table, then run each aggregate's typed update loop
 * over the batch's group ids. Keys are grouped by value (one integer-like key), packed into 16 bytes (small
 * keys), or serialized to bytes (agg.c); they are decoded back only when the result is emitted. */
#include <stdlib.h>
#include <string.h>

#include "exec/inset.h"
#include "exec/numeric.h"
#include "exec/operator.h"
#include "util/hash.h"

/* ---------------------------------------------------------------- state layout */

typedef struct AggSlot {
    AggCall *call;
    size_t off; /* within a state row */
} AggSlot;

/* state shapes */
typedef struct {
    int64_t count;
} StCount;
typedef struct {
    int64_t sum;
    int64_t has;
} StSumI64;
typedef struct {
    int128_t sum;
    int64_t count; /* has-value flag for sum, divisor for avg */
} StSum128;
typedef struct {
    double sum;
    int64_t count;
} StSumF64;
typedef struct {
    _Alignas(16) unsigned char cell[16];
    int64_t has;
} StCell;
typedef struct {
    InSet *set;
} StDistinct;

static size_t slot_size(const AggCall *c) {
    if (c->distinct && c->fn != AGGF_MIN && c->fn != AGGF_MAX) return sizeof(StDistinct);
    switch (c->fn) {
    case AGGF_COUNT_STAR:
    case AGGF_COUNT: return sizeof(StCount);
    case AGGF_SUM:
    case AGGF_AVG:
        if (c->arg->type.id == TYPE_BIGINT && c->fn == AGGF_SUM) return sizeof(StSumI64);
        if (c->arg->type.id == TYPE_DOUBLE) return sizeof(StSumF64);
        return sizeof(StSum128);
    default: return sizeof(StCell);
    }
}

typedef struct AggState {
    BExpr **keys;
    int nkeys;
    AggSlot *slots;
    int naggs;
    size_t row_size;
    /* groups */
    unsigned char *states; /* ngroups * row_size, malloc'd */
    size_t states_cap;     /* in groups */
    uint32_t ngroups;
    const unsigned char **gkey; /* serialized key bytes per group (in key_arena), malloc'd array */
    int64_t *ikey;              /* int_key: the key value per group */
    bool int_key;               /* one integer-like key: grouped by value without serialization */
    uint32_t null_group;        /* int_key: the group of NULL keys, UINT32_MAX if none */
    /* packed: every key fits a fixed slot of a 16-byte value (small integers, dates, short strings) */
    bool packed;
    int pack_off[64], pack_cap[64]; /* byte offset of each key's slot; strings: capacity in bytes */
    uint64_t *pkey;                 /* 2 words per group */
    uint32_t *gkey_len;
    uint64_t *ghash;
    /* hash table of group ids */
    uint32_t *table;
    uint32_t table_mask;
    Arena *key_arena;  /* group key bytes, distinct sets, min/max strings */
    Arena *batch_arena;
    int64_t charged;
    bool loaded;
    uint32_t emit_pos;
    DataType *key_types;
} AggState;

#define EMPTY_SLOT UINT32_MAX

static Status charge(AggState *s, ExecCtx *cx, Error *err) {
    int64_t now = (int64_t)arena_bytes(s->key_arena) + (int64_t)(s->states_cap * s->row_size) +
                  (int64_t)(s->states_cap * (sizeof(void *) + 12)) + (int64_t)(s->table_mask + 1) * 4;
    int64_t d = now - s->charged;
    s->charged = now;
    if (d > 0) return exec_charge(cx, d, err);
    return STATUS_OK;
}

static void grow_groups(AggState *s) {
    size_t nc = s->states_cap ? s->states_cap * 2 : 1024;
    s->states = realloc(s->states, nc * s->row_size);
    s->gkey = realloc(s->gkey, nc * sizeof *s->gkey);
    s->gkey_len = realloc(s->gkey_len, nc * sizeof *s->gkey_len);
    s->ghash = realloc(s->ghash, nc * sizeof *s->ghash);
    s->ikey = realloc(s->ikey, nc * sizeof *s->ikey);
    s->pkey = realloc(s->pkey, nc * 2 * sizeof *s->pkey);
    s->states_cap = nc;
}

static void rehash(AggState *s) {
    uint32_t ns = (s->table_mask + 1) * 2;
    free(s->table);
    s->table = malloc(sizeof(uint32_t) * ns);
    memset(s->table, 0xff, sizeof(uint32_t) * ns);
    s->table_mask = ns - 1;
    for (uint32_t g = 0; g < s->ngroups; g++) {
        if (g == s->null_group) continue; /* the NULL key group of int_key lives outside the table */
        uint32_t i = (uint32_t)s->ghash[g] & s->table_mask;
        while (s->table[i] != EMPTY_SLOT) i = (i + 1) & s->table_mask;
        s->table[i] = g;
    }
}

static uint32_t new_group(AggState *s, const unsigned char *key, uint32_t len, uint64_t h) {
    if (s->ngroups == s->states_cap) grow_groups(s);
    uint32_t g = s->ngroups++;
    memset(s->states + (size_t)g * s->row_size, 0, s->row_size);
    s->gkey[g] = len ? arena_memdup(s->key_arena, key, len) : (const unsigned char *)"";
    s->ikey[g] = 0;
    s->gkey_len[g] = len;
    s->ghash[g] = h;
    return g;
}

static uint64_t mix64(uint64_t x) {
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    x ^= x >> 33;
    return x;
}

/* One integer-like key: groups keyed by the value itself, no serialization. */
static void find_groups_int(AggState *s, const ColumnVector *v, uint32_t n, uint32_t *gid, Arena *a) {
    int64_t *x = arena_alloc(a, sizeof(int64_t) * (n ? n : 1));
    switch (type_cell_size(v->type.id)) {
    case 1: for (uint32_t i = 0; i < n; i++) x[i] = ((const int8_t *)v->data)[i]; break;
    case 2: for (uint32_t i = 0; i < n; i++) x[i] = ((const int16_t *)v->data)[i]; break;
    case 4: for (uint32_t i = 0; i < n; i++) x[i] = ((const int32_t *)v->data)[i]; break;
    default: memcpy(x, v->data, sizeof(int64_t) * n);
    }
    for (uint32_t i = 0; i < n; i++) {
        if (v->nulls && v->nulls[i]) {
            if (s->null_group == UINT32_MAX) s->null_group = new_group(s, NULL, 0, 0);
            gid[i] = s->null_group;
            continue;
        }
        uint64_t h = mix64((uint64_t)x[i]);
        uint32_t slot = (uint32_t)h & s->table_mask;
        for (;;) {
            uint32_t g = s->table[slot];
            if (g == EMPTY_SLOT) {
                g = new_group(s, NULL, 0, h);
                s->ikey[g] = x[i];
                s->table[slot] = g;
                gid[i] = g;
                if ((uint64_t)s->ngroups * 2 > s->table_mask + 1) rehash(s);
                break;
            }
            if (s->ikey[g] == x[i] && g != s->null_group) {
                gid[i] = g;
                break;
            }
            slot = (slot + 1) & s->table_mask;
        }
    }
}

/* Packs each row's keys into 16 bytes: per key a null byte, then the cell (fixed types) or a length byte and
 * the bytes (strings). Returns false when a string is longer than its slot (the caller then falls back). */
static bool pack_keys(AggState *s, ColumnVector **kv, uint32_t n, uint64_t *pk) {
    memset(pk, 0, sizeof(uint64_t) * 2 * n);
    unsigned char *base = (unsigned char *)pk;
    for (int k = 0; k < s->nkeys; k++) {
        const ColumnVector *v = kv[k];
        int off = s->pack_off[k];
        const uint8_t *nl = v->nulls;
        if (v->type.id == TYPE_NULL) {
            for (uint32_t i = 0; i < n; i++) base[i * 16 + off] = 1;
            continue;
        }
        if (type_is_string(v->type.id)) {
            const Slice *sl = v->data;
            for (uint32_t i = 0; i < n; i++) {
                unsigned char *q = base + i * 16 + off;
                if (nl && nl[i]) {
                    q[0] = 1;
                    continue;
                }
                uint32_t len = sl[i].len;
                if (len > (uint32_t)s->pack_cap[k]) return false;
                q[1] = (unsigned char)len;
                /* short strings: a byte loop beats a memcpy call */
                for (uint32_t j = 0; j < len; j++) q[2 + j] = (unsigned char)sl[i].ptr[j];
            }
            continue;
        }
        size_t cs = type_cell_size(v->type.id);
        const unsigned char *src = v->data;
        bool dbl = v->type.id == TYPE_DOUBLE;
#define PACK_LOOP(CS)                                                                                     \
    for (uint32_t i = 0; i < n; i++) {                                                                    \
        unsigned char *q = base + i * 16 + off;                                                           \
        if (nl && nl[i]) {                                                                                \
            q[0] = 1;                                                                                     \
            continue;                                                                                     \
        }                                                                                                 \
        if (dbl && ((const double *)src)[i] == 0) continue; /* -0.0 and 0.0: all-zero bytes */           \
        memcpy(q + 1, src + i * (CS), (CS));                                                              \
    }
        switch (cs) {
        case 1: PACK_LOOP(1) break;
        case 2: PACK_LOOP(2) break;
        case 4: PACK_LOOP(4) break;
        case 8: PACK_LOOP(8) break;
        default: PACK_LOOP(16) break;
        }
#undef PACK_LOOP
    }
    return true;
}

static void unpack_key(const AggState *s, const uint64_t *pk, uint32_t row, ColumnVector **out) {
    const unsigned char *b = (const unsigned char *)pk;
    for (int k = 0; k < s->nkeys; k++) {
        ColumnVector *v = out[k];
        const unsigned char *q = b + s->pack_off[k];
        if (q[0]) {
            colvec_ensure_nulls(v);
            v->nulls[row] = 1;
            continue;
        }
        if (v->type.id == TYPE_NULL) continue;
        if (type_is_string(v->type.id)) {
            /* the bytes live in the state's pkey array, which outlives the emitted batch */
            Slice sl = {(const char *)q + 2, q[1]};
            ((Slice *)v->data)[row] = sl;
        } else {
            size_t cs = type_cell_size(v->type.id);
            memcpy((char *)v->data + row * cs, q + 1, cs);
        }
    }
}

static uint64_t mix64(uint64_t x);

static void find_groups_packed(AggState *s, const uint64_t *pk, uint32_t n, uint32_t *gid) {
    for (uint32_t i = 0; i < n; i++) {
        uint64_t a = pk[2 * i], b = pk[2 * i + 1];
        uint64_t h = mix64(a ^ mix64(b + 0x9e3779b97f4a7c15ULL));
        uint32_t slot = (uint32_t)h & s->table_mask;
        for (;;) {
            uint32_t g = s->table[slot];
            if (g == EMPTY_SLOT) {
                g = new_group(s, NULL, 0, h);
                s->pkey[2 * g] = a;
                s->pkey[2 * g + 1] = b;
                s->table[slot] = g;
                gid[i] = g;
                if ((uint64_t)s->ngroups * 2 > s->table_mask + 1) rehash(s);
                break;
            }
            if (s->pkey[2 * g] == a && s->pkey[2 * g + 1] == b) {
                gid[i] = g;
                break;
            }
            slot = (slot + 1) & s->table_mask;
        }
    }
}

/* A string longer than its slot (possible only through an unusual expression): re-key every group in the
 * serialized form and continue in that mode. */
static void unpack_to_serialized(AggState *s) {
    Arena *tmp = arena_new(0);
    DataType types[64];
    for (int k = 0; k < s->nkeys; k++) types[k] = s->keys[k]->type;
    for (uint32_t g0 = 0; g0 < s->ngroups; g0 += BATCH_SIZE) {
        uint32_t n = s->ngroups - g0 < BATCH_SIZE ? s->ngroups - g0 : BATCH_SIZE;
        ColumnVector *kv[64];
        for (int k = 0; k < s->nkeys; k++) kv[k] = vec_make(tmp, types[k], n);
        for (uint32_t j = 0; j < n; j++) unpack_key(s, s->pkey + 2 * (g0 + j), j, kv);
        unsigned char **rows;
        uint32_t *lens;
        keys_serialize(kv, s->nkeys, n, tmp, &rows, &lens);
        for (uint32_t j = 0; j < n; j++) {
            uint32_t g = g0 + j;
            s->gkey[g] = lens[j] ? arena_memdup(s->key_arena, rows[j], lens[j]) : (const unsigned char *)"";
            s->gkey_len[g] = lens[j];
            s->ghash[g] = hash_xxh3(rows[j], lens[j]);
        }
        arena_reset(tmp);
    }
    arena_free(tmp);
    s->packed = false;
    s->table_mask = (s->table_mask + 1) / 2 - 1; /* rehash doubles: keep the size */
    rehash(s);
}

static Status find_groups(AggState *s, ExecCtx *cx, const Batch *in, uint32_t *gid, Error *err) {
    uint32_t n = in->nrows;
    if (s->nkeys == 0) {
        if (s->ngroups == 0) new_group(s, NULL, 0, 0);
        memset(gid, 0, sizeof(uint32_t) * n);
        return STATUS_OK;
    }
    EvalCtx ec = {s->batch_arena};
    ColumnVector *kv[64];
    for (int k = 0; k < s->nkeys; k++)
        if (bexpr_eval(&ec, s->keys[k], in, n, &kv[k], err)) return STATUS_ERROR;
    if (s->int_key) {
        find_groups_int(s, kv[0], n, gid, s->batch_arena);
        return STATUS_OK;
    }
    if (s->packed) {
        uint64_t *pk = arena_alloc(s->batch_arena, sizeof(uint64_t) * 2 * (n ? n : 1));
        if (pack_keys(s, kv, n, pk)) {
            find_groups_packed(s, pk, n, gid);
            return STATUS_OK;
        }
        unpack_to_serialized(s);
    }
    unsigned char **rows;
    uint32_t *lens;
    keys_serialize(kv, s->nkeys, n, s->batch_arena, &rows, &lens);
    for (uint32_t i = 0; i < n; i++) {
        uint64_t h = hash_xxh3(rows[i], lens[i]);
        uint32_t slot = (uint32_t)h & s->table_mask;
        for (;;) {
            uint32_t g = s->table[slot];
            if (g == EMPTY_SLOT) {
                g = new_group(s, rows[i], lens[i], h);
                s->table[slot] = g;
                gid[i] = g;
                if ((uint64_t)s->ngroups * 2 > s->table_mask + 1) rehash(s);
                break;
            }
            if (s->ghash[g] == h && s->gkey_len[g] == lens[i] && memcmp(s->gkey[g], rows[i], lens[i]) == 0) {
                gid[i] = g;
                break;
            }
            slot = (slot + 1) & s->table_mask;
        }
    }
    return STATUS_OK;
}

/* ---------------------------------------------------------------- updates */

#define ST(T, g) ((T *)(base + (size_t)(g) * rs))

static Status update_slot(AggState *s, AggSlot *slot, ColumnVector *v, const uint32_t *gid, uint32_t n,
                          Error *err) {
    AggCall *c = slot->call;
    unsigned char *base = s->states + slot->off;
    size_t rs = s->row_size;
    const uint8_t *nl = v ? v->nulls : NULL;
    if (c->fn == AGGF_COUNT_STAR) {
        for (uint32_t i = 0; i < n; i++) ST(StCount, gid[i])->count++;
        return STATUS_OK;
    }
    if (v->type.id == TYPE_NULL) return STATUS_OK;
    if (c->distinct && c->fn != AGGF_MIN && c->fn != AGGF_MAX) {
        for (uint32_t i = 0; i < n; i++) {
            if (nl && nl[i]) continue;
            StDistinct *st = ST(StDistinct, gid[i]);
            if (!st->set) st->set = inset_new(s->key_arena, v->type, 4);
            Datum d = vec_get_datum(v, i);
            inset_add(st->set, s->key_arena, &d);
        }
        return STATUS_OK;
    }
    switch (c->fn) {
    case AGGF_COUNT:
        for (uint32_t i = 0; i < n; i++) ST(StCount, gid[i])->count += !(nl && nl[i]);
        return STATUS_OK;
    case AGGF_SUM:
    case AGGF_AVG:
        if (v->type.id == TYPE_BIGINT && c->fn == AGGF_SUM) {
            const int64_t *x = v->data;
            bool ovf = false;
            for (uint32_t i = 0; i < n; i++) {
                if (nl && nl[i]) continue;
                StSumI64 *st = ST(StSumI64, gid[i]);
                ovf |= __builtin_add_overflow(st->sum, x[i], &st->sum);
                st->has = 1;
            }
            if (ovf)
                return err_set(err, ERR_DATA_OUT_OF_RANGE, "BIGINT value is out of range in '%s'",
                               c->text ? c->text : "sum");
            return STATUS_OK;
        }
        if (v->type.id == TYPE_DOUBLE) {
            const double *x = v->data;
            for (uint32_t i = 0; i < n; i++) {
                if (nl && nl[i]) continue;
                StSumF64 *st = ST(StSumF64, gid[i]);
                st->sum += x[i];
                st->count++;
            }
            return STATUS_OK;
        }
        if (v->type.id == TYPE_BIGINT) {
            const int64_t *x = v->data;
            for (uint32_t i = 0; i < n; i++) {
                if (nl && nl[i]) continue;
                StSum128 *st = ST(StSum128, gid[i]);
                st->sum += x[i];
                st->count++;
            }
            return STATUS_OK;
        }
        {
            const int128_t *x = v->data;
            bool ovf = false;
            for (uint32_t i = 0; i < n; i++) {
                if (nl && nl[i]) continue;
                StSum128 *st = ST(StSum128, gid[i]);
                ovf |= __builtin_add_overflow(st->sum, x[i], &st->sum);
                st->count++;
            }
            if (ovf)
                return err_set(err, ERR_DATA_OUT_OF_RANGE, "%s value is out of range in '%s'",
                               type_name(c->type.id), c->text ? c->text : "sum");
            return STATUS_OK;
        }
    default: {
        /* min, max, any_value */
        size_t cs = type_cell_size(v->type.id);
        bool str = type_is_string(v->type.id);
        TypeId t = v->type.id;
        for (uint32_t i = 0; i < n; i++) {
            if (nl && nl[i]) continue;
            StCell *st = ST(StCell, gid[i]);
            const void *cell = (const char *)v->data + i * cs;
            bool take = !st->has;
            if (!take && c->fn != AGGF_ANY) {
                Datum a = vec_get_datum(v, i), b;
                memset(&b, 0, sizeof b);
                ColumnVector tmp = {.type = v->type, .len = 1, .cap = 1, .data = st->cell};
                b = vec_get_datum(&tmp, 0);
                int cmp = type_compare_datum(&v->type, &a, &b);
                take = c->fn == AGGF_MIN ? cmp < 0 : cmp > 0;
            }
            if (!take) continue;
            if (str) {
                Slice sl = *(const Slice *)cell;
                Slice cp = {sl.len ? arena_memdup(s->key_arena, sl.ptr, sl.len) : "", sl.len};
                memcpy(st->cell, &cp, sizeof cp);
            } else {
                memcpy(st->cell, cell, cs);
            }
            st->has = 1;
            (void)t;
        }
        return STATUS_OK;
    }
    }
}

/* ---------------------------------------------------------------- finalize */

static void finalize_slot(AggState *s, AggSlot *slot, uint32_t g0, uint32_t n, ColumnVector *out) {
    AggCall *c = slot->call;
    unsigned char *base = s->states + slot->off;
    size_t rs = s->row_size;
    for (uint32_t j = 0; j < n; j++) {
        uint32_t g = g0 + j;
        Datum d = {.is_null = false};
        if (c->distinct && c->fn != AGGF_MIN && c->fn != AGGF_MAX) {
            InSet *set = ST(StDistinct, g)->set;
            uint32_t cnt = set ? set->count : 0;
            if (c->fn == AGGF_COUNT) {
                d.v.i64 = cnt;
            } else if (cnt == 0) {
                d.is_null = true;
            } else {
                const DataType *at = &c->arg->type;
                int128_t si = 0;
                double sf = 0;
                for (uint32_t k = 0; k < cnt; k++) {
                    if (at->id == TYPE_DOUBLE) sf += set->items[k].v.f64;
                    else if (at->id == TYPE_BIGINT) si += set->items[k].v.i64;
                    else si += set->items[k].v.i128;
                }
                if (c->type.id == TYPE_DOUBLE) {
                    double tot = at->id == TYPE_DOUBLE ? sf : (double)si;
                    d.v.f64 = c->fn == AGGF_AVG ? tot / cnt : tot;
                } else if (c->type.id == TYPE_DECIMAL) {
                    if (c->fn == AGGF_AVG) {
                        int128_t num;
                        i128_mul_pow10(si, c->type.scale - at->scale, &num);
                        d.v.i128 = i128_div_round(num, cnt);
                    } else {
                        d.v.i128 = si;
                    }
                } else if (c->type.id == TYPE_LARGEINT) {
                    d.v.i128 = si;
                } else {
                    d.v.i64 = (int64_t)si;
                }
            }
            vec_set_datum(out, j, &d);
            continue;
        }
        switch (c->fn) {
        case AGGF_COUNT_STAR:
        case AGGF_COUNT: d.v.i64 = ST(StCount, g)->count; break;
        case AGGF_SUM:
        case AGGF_AVG:
            if (c->arg->type.id == TYPE_BIGINT && c->fn == AGGF_SUM) {
                StSumI64 *st = ST(StSumI64, g);
                d.is_null = !st->has;
                d.v.i64 = st->sum;
            } else if (c->arg->type.id == TYPE_DOUBLE) {
                StSumF64 *st = ST(StSumF64, g);
                d.is_null = st->count == 0;
                d.v.f64 = c->fn == AGGF_AVG && st->count ? st->sum / (double)st->count : st->sum;
            } else {
                StSum128 *st = ST(StSum128, g);
                d.is_null = st->count == 0;
                if (d.is_null) break;
                if (c->fn == AGGF_SUM) {
                    d.v.i128 = st->sum;
                } else if (c->type.id == TYPE_DOUBLE) {
                    d.v.f64 = (double)((long double)st->sum / (long double)st->count);
                } else {
                    int128_t num;
                    if (!i128_mul_pow10(st->sum, c->type.scale - c->arg->type.scale, &num)) {
                        d.v.i128 = (int128_t)((long double)st->sum / st->count * (long double)POW10_128[c->type.scale - c->arg->type.scale]);
                    } else {
                        d.v.i128 = i128_div_round(num, st->count);
                    }
                }
            }
            break;
        default: {
            StCell *st = ST(StCell, g);
            if (!st->has) {
                d.is_null = true;
            } else {
                ColumnVector tmp = {.type = c->type, .len = 1, .cap = 1, .data = st->cell};
                d = vec_get_datum(&tmp, 0);
            }
        }
        }
        vec_set_datum(out, j, &d);
    }
}

/* Decodes group keys [g0, g0+n) into key vectors (the inverse of keys_serialize). */
static void decode_keys(AggState *s, uint32_t g0, uint32_t n, ColumnVector **out) {
    if (s->packed) {
        for (uint32_t j = 0; j < n; j++) unpack_key(s, s->pkey + 2 * (g0 + j), j, out);
        return;
    }
    if (s->int_key) {
        ColumnVector *v = out[0];
        size_t cs = type_cell_size(v->type.id);
        for (uint32_t j = 0; j < n; j++) {
            uint32_t g = g0 + j;
            if (g == s->null_group) {
                colvec_ensure_nulls(v);
                v->nulls[j] = 1;
                continue;
            }
            int64_t x = s->ikey[g];
            switch (cs) {
            case 1: ((int8_t *)v->data)[j] = (int8_t)x; break;
            case 2: ((int16_t *)v->data)[j] = (int16_t)x; break;
            case 4: ((int32_t *)v->data)[j] = (int32_t)x; break;
            default: ((int64_t *)v->data)[j] = x;
            }
        }
        return;
    }
    for (uint32_t j = 0; j < n; j++) {
        const unsigned char *p = s->gkey[g0 + j];
        for (int k = 0; k < s->nkeys; k++) {
            ColumnVector *v = out[k];
            bool str = type_is_string(v->type.id);
            size_t cs = v->type.id == TYPE_NULL ? 0 : type_cell_size(v->type.id);
            if (*p++) {
                colvec_ensure_nulls(v);
                v->nulls[j] = 1;
                if (!str) p += cs;
                continue;
            }
            if (str) {
                uint32_t len;
                memcpy(&len, p, 4);
                p += 4;
                Slice sl = {(const char *)p, len};
                ((Slice *)v->data)[j] = sl;
                p += len;
            } else {
                memcpy((char *)v->data + j * cs, p, cs);
                p += cs;
            }
        }
    }
}

/* ---------------------------------------------------------------- operator */

static Status agg_open(Operator *op, ExecCtx *cx, Error *err) {
    AggState *s = op->state;
    s->ngroups = 0;
    s->null_group = UINT32_MAX;
    s->loaded = false;
    s->emit_pos = 0;
    s->charged = 0;
    s->key_arena = arena_new(1024 * 1024);
    s->batch_arena = arena_new(256 * 1024);
    s->table_mask = 1023;
    s->table = malloc(sizeof(uint32_t) * 1024);
    memset(s->table, 0xff, sizeof(uint32_t) * 1024);
    return op->children[0]->open(op->children[0], cx, err);
}

static Status agg_load(Operator *op, ExecCtx *cx, Error *err) {
    AggState *s = op->state;
    Operator *child = op->children[0];
    uint32_t *gid = malloc(sizeof(uint32_t) * BATCH_SIZE);
    uint32_t gcap = BATCH_SIZE;
    Status st = STATUS_OK;
    for (;;) {
        Batch *in;
        if ((st = child->next(child, cx, &in, err))) break;
        if (!in) break;
        arena_reset(s->batch_arena);
        if (in->nrows > gcap) {
            gcap = in->nrows;
            gid = realloc(gid, sizeof(uint32_t) * gcap);
        }
        if ((st = find_groups(s, cx, in, gid, err))) break;
        EvalCtx ec = {s->batch_arena};
        for (int a = 0; a < s->naggs && !st; a++) {
            ColumnVector *v = NULL;
            if (s->slots[a].call->arg && (st = bexpr_eval(&ec, s->slots[a].call->arg, in, in->nrows, &v, err))) break;
            st = update_slot(s, &s->slots[a], v, gid, in->nrows, err);
        }
        if (st) break;
        if ((st = charge(s, cx, err))) break;
        if ((st = exec_check_killed(cx, err))) break;
    }
    free(gid);
    if (st) return st;
    if (s->nkeys == 0 && s->ngroups == 0) new_group(s, NULL, 0, 0);
    s->loaded = true;
    return STATUS_OK;
}

static Status agg_next(Operator *op, ExecCtx *cx, Batch **out, Error *err) {
    AggState *s = op->state;
    if (!s->loaded && agg_load(op, cx, err)) return STATUS_ERROR;
    if (s->emit_pos >= s->ngroups) {
        *out = NULL;
        return STATUS_OK;
    }
    uint32_t n = s->ngroups - s->emit_pos < BATCH_SIZE ? s->ngroups - s->emit_pos : BATCH_SIZE;
    arena_reset(s->batch_arena);
    Batch *b = arena_calloc(s->batch_arena, sizeof *b);
    b->ncols = op->ncols;
    b->nrows = n;
    b->arena = s->batch_arena;
    b->cols = arena_alloc(s->batch_arena, sizeof(ColumnVector *) * (size_t)(op->ncols ? op->ncols : 1));
    for (int c = 0; c < op->ncols; c++) b->cols[c] = vec_make(s->batch_arena, op->types[c], n);
    decode_keys(s, s->emit_pos, n, b->cols);
    for (int a = 0; a < s->naggs; a++) finalize_slot(s, &s->slots[a], s->emit_pos, n, b->cols[s->nkeys + a]);
    s->emit_pos += n;
    *out = b;
    return STATUS_OK;
}

static void agg_close(Operator *op, ExecCtx *cx) {
    AggState *s = op->state;
    exec_release(cx, s->charged);
    s->charged = 0;
    free(s->states);
    free(s->gkey);
    free(s->gkey_len);
    free(s->ghash);
    free(s->ikey);
    s->ikey = NULL;
    free(s->pkey);
    s->pkey = NULL;
    free(s->table);
    s->states = NULL;
    s->gkey = NULL;
    s->gkey_len = NULL;
    s->ghash = NULL;
    s->table = NULL;
    s->states_cap = 0;
    arena_free(s->key_arena);
    arena_free(s->batch_arena);
    s->key_arena = s->batch_arena = NULL;
    op->children[0]->close(op->children[0], cx);
}

static void agg_explain(const Operator *op, StrBuf *out, Arena *a) {
    const AggState *s = op->state;
    sb_append(out, "AGGREGATE (");
    if (s->nkeys) {
        sb_append(out, "group by: [");
        for (int i = 0; i < s->nkeys; i++) sb_appendf(out, "%s%s", i ? ", " : "", bexpr_to_text(a, s->keys[i]));
        sb_append(out, "]");
    }
    if (s->naggs) {
        sb_appendf(out, "%saggregates: [", s->nkeys ? ", " : "");
        for (int i = 0; i < s->naggs; i++) sb_appendf(out, "%s%s", i ? ", " : "", s->slots[i].call->text);
        sb_append(out, "]");
    }
    sb_append(out, ")");
}

Operator *op_agg(Arena *a, Operator *child, BExpr **keys, int nkeys, AggCall *aggs, int naggs) {
    Operator *op = arena_calloc(a, sizeof *op);
    op->kind = OPK_AGG;
    op->nchildren = 1;
    op->children = arena_alloc(a, sizeof(Operator *));
    op->children[0] = child;
    AggState *s = arena_calloc(a, sizeof *s);
    s->keys = keys;
    s->nkeys = nkeys;
    s->naggs = naggs;
    if (nkeys == 1) {
        TypeId t = keys[0]->type.id;
        s->int_key = (type_is_integer(t) && t != TYPE_LARGEINT) || t == TYPE_DATE || t == TYPE_DATETIME;
    }
    if (!s->int_key && nkeys > 0 && nkeys <= 8) {
        int off = 0;
        bool ok = true;
        for (int k = 0; k < nkeys && ok; k++) {
            const DataType *t = &keys[k]->type;
            int size;
            if (t->id == TYPE_NULL) {
                size = 1;
            } else if (type_is_string(t->id)) {
                /* declared lengths bound the bytes (casts to CHAR(n)/VARCHAR(n) truncate) */
                ok = t->id != TYPE_STRING && t->len > 0 && t->len <= 14;
                s->pack_cap[k] = t->len;
                size = 2 + t->len;
            } else {
                size = 1 + (int)type_cell_size(t->id);
            }
            s->pack_off[k] = off;
            off += size;
        }
        s->packed = ok && off <= 16;
    }
    s->slots = arena_calloc(a, sizeof(AggSlot) * (size_t)(naggs ? naggs : 1));
    size_t off = 0;
    for (int i = 0; i < naggs; i++) {
        s->slots[i].call = &aggs[i];
        s->slots[i].off = off;
        off += (slot_size(&aggs[i]) + 15) & ~(size_t)15;
    }
    s->row_size = off ? off : 16;
    op->state = s;
    op->ncols = nkeys + naggs;
    op->types = arena_alloc(a, sizeof(DataType) * (size_t)(op->ncols ? op->ncols : 1));
    for (int i = 0; i < nkeys; i++) op->types[i] = keys[i]->type;
    for (int i = 0; i < naggs; i++) op->types[nkeys + i] = aggs[i].type;
    op->open = agg_open;
    op->next = agg_next;
    op->close = agg_close;
    op->explain = agg_explain;
    op->est_rows = nkeys ? (child->est_rows < 0 ? -1 : child->est_rows / 10 + 1) : 1;
    return op;
}
