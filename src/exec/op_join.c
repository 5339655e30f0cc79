/* Hash join (INNER, LEFT, FULL; RIGHT is planned as a LEFT join with the sides swapped) and the nested-loop
 * form for joins without equality keys (CROSS, or ON conditions that are not equalities). The right input is
 * the build side, materialized into a RowStore with a chained hash table over its serialized keys; the left
 * input streams through. A residual condition is applied to candidate pairs before outer-join bookkeeping,
 * so `LEFT JOIN ... ON a.k = b.k AND b.x > 1` keeps unmatched left rows as SQL requires. */
#include <stdlib.h>
#include <string.h>

#include "exec/operator.h"
#include "exec/rowstore.h"
#include "util/hash.h"

typedef enum JoinPhase { PH_NEED_PROBE, PH_PROBE, PH_LEFT_UNMATCHED, PH_BUILD_UNMATCHED, PH_DONE } JoinPhase;

typedef struct JoinState {
    JoinKind kind;
    bool null_eq; /* NULL keys match each other (INTERSECT / EXCEPT) */
    BExpr **lkeys, **rkeys;
    int nkeys;
    BExpr *residual;
    /* build side */
    RowStore build;
    uint64_t *bhash;            /* per build row (malloc'd) */
    const unsigned char **bkey; /* serialized keys per build row (in key_arena), NULL = has a NULL key */
    uint32_t *bkey_len;
    int64_t *bkey64;            /* int_key: the key value per build row (malloc'd) */
    bool int_key;               /* one integer-like key: compare values, not serialized bytes */
    uint32_t *next;             /* chain per build row */
    uint32_t *heads;            /* bucket heads */
    uint32_t mask;
    uint8_t *bmatched;          /* FULL join: build rows that matched */
    Arena *key_arena;
    int64_t charged;
    /* probe side */
    JoinPhase phase;
    Batch *probe;
    uint64_t *phash;
    unsigned char **pkey;
    uint32_t *pkey_len;
    int64_t *pkey64; /* int_key: the probe batch's key values (probe_arena) */
    uint32_t *pfirst; /* int_key: each probe row's chain head (ROW_NONE: no candidate), looked up in one pass */
    uint8_t *pmatched;
    uint32_t prow;   /* current probe row */
    uint32_t cursor; /* chain position (hash) or next build row (nested loop); ROW_NONE = start */
    uint32_t unmatched_pos;
    Arena *probe_arena; /* per probe batch */
    Arena *out_arena;   /* per output batch */
    uint32_t *out_probe, *out_build;
} JoinState;

static Status charge_build(JoinState *s, ExecCtx *cx, Error *err) {
    int64_t now = (int64_t)rowstore_bytes(&s->build) + (int64_t)arena_bytes(s->key_arena) +
                  (int64_t)s->build.nrows * 24 + (int64_t)(s->mask + 1) * 4;
    int64_t d = now - s->charged;
    s->charged = now;
    return d > 0 ? exec_charge(cx, d, err) : STATUS_OK;
}

/* Equal serialized keys (8-byte integer keys compare as one word). */
static inline bool key_eq(const unsigned char *a, uint32_t al, const unsigned char *b, uint32_t bl) {
    if (al != bl) return false;
    if (al == 8) {
        uint64_t x, y;
        memcpy(&x, a, 8);
        memcpy(&y, b, 8);
        return x == y;
    }
    return memcmp(a, b, al) == 0;
}

/* null_eq (INTERSECT/EXCEPT): NULL keys equal each other, so no row is flagged and the serialized form, which
 * carries null flags, is always used. */
static Status eval_keys(EvalCtx *ec, BExpr **keys, int nkeys, bool null_eq, const Batch *b, unsigned char ***rows,
                        uint32_t **lens, uint64_t **hashes, bool **has_null, Error *err) {
    uint32_t n = b->nrows;
    ColumnVector *kv[64];
    for (int k = 0; k < nkeys; k++)
        if (bexpr_eval(ec, keys[k], b, n, &kv[k], err)) return STATUS_ERROR;
    uint64_t *h = arena_alloc(ec->arena, sizeof(uint64_t) * (n ? n : 1));
    bool *hn = arena_calloc(ec->arena, sizeof(bool) * (n ? n : 1));
    TypeId t0 = kv[0]->type.id;
    if (!null_eq && nkeys == 1 && ((type_is_integer(t0) && t0 != TYPE_LARGEINT) || t0 == TYPE_DATE || t0 == TYPE_DATETIME)) {
        /* one integer-like key (both sides have the same type): its 8-byte value is the key, mixed for the hash */
        int64_t *x = arena_alloc(ec->arena, sizeof(int64_t) * (n ? n : 1));
        switch (type_cell_size(t0)) {
        case 1: for (uint32_t i = 0; i < n; i++) x[i] = ((const int8_t *)kv[0]->data)[i]; break;
        case 2: for (uint32_t i = 0; i < n; i++) x[i] = ((const int16_t *)kv[0]->data)[i]; break;
        case 4: for (uint32_t i = 0; i < n; i++) x[i] = ((const int32_t *)kv[0]->data)[i]; break;
        default: memcpy(x, kv[0]->data, sizeof(int64_t) * n);
        }
        unsigned char **r = arena_alloc(ec->arena, sizeof(unsigned char *) * (n ? n : 1));
        uint32_t *l = arena_alloc(ec->arena, sizeof(uint32_t) * (n ? n : 1));
        for (uint32_t i = 0; i < n; i++) {
            uint64_t v = (uint64_t)x[i];
            v ^= v >> 33;
            v *= 0xff51afd7ed558ccdULL;
            v ^= v >> 33;
            h[i] = v;
            r[i] = (unsigned char *)&x[i];
            l[i] = 8;
        }
        *rows = r;
        *lens = l;
    } else {
        keys_serialize(kv, nkeys, n, ec->arena, rows, lens);
        for (uint32_t i = 0; i < n; i++) h[i] = hash_xxh3((*rows)[i], (*lens)[i]);
    }
    for (int k = 0; k < nkeys && !null_eq; k++) {
        if (kv[k]->type.id == TYPE_NULL) {
            for (uint32_t i = 0; i < n; i++) hn[i] = true;
        } else if (kv[k]->nulls) {
            for (uint32_t i = 0; i < n; i++) hn[i] |= kv[k]->nulls[i] != 0;
        }
    }
    *hashes = h;
    *has_null = hn;
    return STATUS_OK;
}

/* Whether eval_keys takes its one-integer-key path for this key (its rows are then 8-byte int64 values). */
static bool int_key_type(const BExpr *k) {
    TypeId t = k->type.id;
    return (type_is_integer(t) && t != TYPE_LARGEINT) || t == TYPE_DATE || t == TYPE_DATETIME;
}

static Status build_side(Operator *op, ExecCtx *cx, Error *err) {
    JoinState *s = op->state;
    Operator *right = op->children[1];
    Arena *tmp = arena_new(256 * 1024);
    size_t cap = 0;
    Status st = STATUS_OK;
    for (;;) {
        Batch *in;
        if ((st = right->next(right, cx, &in, err))) break;
        if (!in) break;
        uint32_t base = s->build.nrows;
        rowstore_append(&s->build, in, NULL, in->nrows);
        if (s->nkeys) {
            arena_reset(tmp);
            EvalCtx ec = {tmp};
            unsigned char **rows;
            uint32_t *lens;
            uint64_t *h;
            bool *hn;
            if ((st = eval_keys(&ec, s->rkeys, s->nkeys, s->null_eq, in, &rows, &lens, &h, &hn, err))) break;
            if (s->build.nrows > cap) {
                while (cap < s->build.nrows) cap = cap ? cap * 2 : 4096;
                s->bhash = realloc(s->bhash, cap * sizeof *s->bhash);
                s->bkey = realloc(s->bkey, cap * sizeof *s->bkey);
                s->bkey_len = realloc(s->bkey_len, cap * sizeof *s->bkey_len);
            }
            if (!base && !s->null_eq && s->nkeys == 1) s->int_key = int_key_type(s->rkeys[0]) && int_key_type(s->lkeys[0]);
            if (s->int_key) {
                s->bkey64 = realloc(s->bkey64, cap * sizeof *s->bkey64);
                for (uint32_t i = 0; i < in->nrows; i++) s->bkey64[base + i] = *(const int64_t *)rows[i];
            }
            for (uint32_t i = 0; i < in->nrows; i++) {
                s->bhash[base + i] = h[i];
                s->bkey[base + i] = hn[i] ? NULL : arena_memdup(s->key_arena, rows[i], lens[i]);
                s->bkey_len[base + i] = lens[i];
            }
        }
        if ((st = charge_build(s, cx, err)) || (st = exec_check_killed(cx, err))) break;
    }
    arena_free(tmp);
    if (st) return st;
    uint32_t n = s->build.nrows;
    if (s->nkeys) {
        uint32_t buckets = 1024;
        while (buckets < n * 2 && buckets < (1u << 30)) buckets *= 2;
        s->mask = buckets - 1;
        s->heads = malloc(sizeof(uint32_t) * buckets);
        memset(s->heads, 0xff, sizeof(uint32_t) * buckets);
        s->next = malloc(sizeof(uint32_t) * (n ? n : 1));
        /* insert in reverse so each chain lists build rows in input order */
        for (uint32_t r = n; r-- > 0;) {
            if (!s->bkey[r]) continue;
            uint32_t b = (uint32_t)s->bhash[r] & s->mask;
            s->next[r] = s->heads[b];
            s->heads[b] = r;
        }
    }
    if (s->kind == JK_FULL) s->bmatched = calloc(n ? n : 1, 1);
    return charge_build(s, cx, err);
}

static Status join_open(Operator *op, ExecCtx *cx, Error *err) {
    JoinState *s = op->state;
    rowstore_init(&s->build, op->children[1]->ncols, op->children[1]->types);
    s->key_arena = arena_new(256 * 1024);
    s->probe_arena = arena_new(256 * 1024);
    s->out_arena = arena_new(256 * 1024);
    s->out_probe = malloc(sizeof(uint32_t) * BATCH_SIZE);
    s->out_build = malloc(sizeof(uint32_t) * BATCH_SIZE);
    s->phase = PH_NEED_PROBE;
    s->charged = 0;
    if (op->children[0]->open(op->children[0], cx, err)) return STATUS_ERROR;
    if (op->children[1]->open(op->children[1], cx, err)) return STATUS_ERROR;
    return build_side(op, cx, err);
}

/* Builds an output batch from (probe row, build row) pairs; ROW_NONE on either side gives NULLs. */
static Batch *make_output(Operator *op, JoinState *s, uint32_t n) {
    Arena *a = s->out_arena;
    Batch *b = arena_calloc(a, sizeof *b);
    b->ncols = op->ncols;
    b->nrows = n;
    b->arena = a;
    b->cols = arena_alloc(a, sizeof(ColumnVector *) * (size_t)(op->ncols ? op->ncols : 1));
    int nl = op->children[0]->ncols;
    for (int c = 0; c < nl; c++) {
        bool any_none = false;
        for (uint32_t i = 0; i < n; i++) any_none |= s->out_probe[i] == ROW_NONE;
        if (!any_none) {
            b->cols[c] = vec_gather(a, s->probe->cols[c], s->out_probe, n);
        } else {
            ColumnVector *v = vec_make(a, op->types[c], n);
            colvec_ensure_nulls(v);
            memset(v->nulls, 1, n);
            b->cols[c] = v;
        }
    }
    for (int c = 0; c < s->build.ncols; c++) b->cols[nl + c] = rowstore_gather(a, &s->build, c, s->out_build, n);
    return b;
}

/* Fills up to BATCH_SIZE candidate pairs from the current probe batch; returns how many. */
static uint32_t collect_pairs(JoinState *s) {
    uint32_t k = 0;
    uint32_t np = s->probe->nrows;
    while (s->prow < np && k < BATCH_SIZE) {
        uint32_t i = s->prow;
        if (s->nkeys == 0) {
            /* nested loop: every build row */
            uint32_t r = s->cursor == ROW_NONE ? 0 : s->cursor;
            while (r < s->build.nrows && k < BATCH_SIZE) {
                s->out_probe[k] = i;
                s->out_build[k++] = r++;
            }
            if (r >= s->build.nrows) {
                s->prow++;
                s->cursor = ROW_NONE;
            } else {
                s->cursor = r;
            }
            continue;
        }
        if (!s->pkey[i]) { /* a NULL key matches nothing */
            s->prow++;
            s->cursor = ROW_NONE;
            continue;
        }
        if (s->int_key && s->pfirst) {
            uint32_t r = s->cursor == ROW_NONE ? s->pfirst[i] : s->cursor;
            /* the common join on one integer key: compare the values themselves */
            const int64_t v = s->pkey64[i];
            while (r != ROW_NONE && k < BATCH_SIZE) {
                if (s->bkey64[r] == v && s->bkey[r]) {
                    s->out_probe[k] = i;
                    s->out_build[k++] = r;
                }
                r = s->next[r];
            }
            if (r == ROW_NONE) {
                s->prow++;
                s->cursor = ROW_NONE;
            } else {
                s->cursor = r;
            }
            continue;
        }
        uint32_t r = s->cursor == ROW_NONE ? s->heads[(uint32_t)s->phash[i] & s->mask] : s->cursor;
        while (r != ROW_NONE && k < BATCH_SIZE) {
            if (s->bhash[r] == s->phash[i] && key_eq(s->bkey[r], s->bkey_len[r], s->pkey[i], s->pkey_len[i])) {
                s->out_probe[k] = i;
                s->out_build[k++] = r;
            }
            r = s->next[r];
        }
        if (r == ROW_NONE) {
            s->prow++;
            s->cursor = ROW_NONE;
        } else {
            s->cursor = r;
        }
    }
    return k;
}

/* SEMI/ANTI: the probe rows that have (SEMI) or lack (ANTI) an equal build key, each once. */
static Status semi_next(Operator *op, JoinState *s, ExecCtx *cx, Batch **out, Error *err) {
    Operator *left = op->children[0];
    for (;;) {
        Batch *in;
        if (left->next(left, cx, &in, err)) return STATUS_ERROR;
        if (!in) {
            *out = NULL;
            return STATUS_OK;
        }
        if (in->nrows == 0) continue;
        arena_reset(s->probe_arena);
        arena_reset(s->out_arena);
        EvalCtx ec = {s->probe_arena};
        bool *hn;
        unsigned char **pkey;
        uint32_t *plen;
        uint64_t *ph;
        if (eval_keys(&ec, s->lkeys, s->nkeys, s->null_eq, in, &pkey, &plen, &ph, &hn, err)) return STATUS_ERROR;
        uint32_t *sel = arena_alloc(s->out_arena, sizeof(uint32_t) * in->nrows), k = 0;
        for (uint32_t i = 0; i < in->nrows; i++) {
            bool found = false;
            if (!hn[i] && s->build.nrows) {
                for (uint32_t r = s->heads[(uint32_t)ph[i] & s->mask]; r != ROW_NONE && !found; r = s->next[r])
                    found = s->bhash[r] == ph[i] && key_eq(s->bkey[r], s->bkey_len[r], pkey[i], plen[i]);
            }
            if (found == (s->kind == JK_SEMI)) sel[k++] = i;
        }
        if (k == 0) continue;
        if (k == in->nrows) {
            *out = in;
            return STATUS_OK;
        }
        Batch *b = arena_calloc(s->out_arena, sizeof *b);
        b->ncols = in->ncols;
        b->nrows = k;
        b->arena = s->out_arena;
        b->cols = arena_alloc(s->out_arena, sizeof(ColumnVector *) * (size_t)(in->ncols ? in->ncols : 1));
        for (int c = 0; c < in->ncols; c++) b->cols[c] = vec_gather(s->out_arena, in->cols[c], sel, k);
        *out = b;
        return STATUS_OK;
    }
}

static Status join_next(Operator *op, ExecCtx *cx, Batch **out, Error *err) {
    JoinState *s = op->state;
    Operator *left = op->children[0];
    if (s->kind == JK_SEMI || s->kind == JK_ANTI) return semi_next(op, s, cx, out, err);
    for (;;) {
        switch (s->phase) {
        case PH_NEED_PROBE: {
            Batch *in;
            if (left->next(left, cx, &in, err)) return STATUS_ERROR;
            if (!in) {
                s->phase = s->kind == JK_FULL ? PH_BUILD_UNMATCHED : PH_DONE;
                s->unmatched_pos = 0;
                continue;
            }
            if (in->nrows == 0) continue;
            arena_reset(s->probe_arena);
            s->probe = in;
            s->prow = 0;
            s->cursor = ROW_NONE;
            s->pmatched = arena_calloc(s->probe_arena, in->nrows);
            if (s->nkeys) {
                EvalCtx ec = {s->probe_arena};
                bool *hn;
                if (eval_keys(&ec, s->lkeys, s->nkeys, s->null_eq, in, &s->pkey, &s->pkey_len, &s->phash, &hn, err))
                    return STATUS_ERROR;
                for (uint32_t i = 0; i < in->nrows; i++)
                    if (hn[i]) s->pkey[i] = NULL;
                if (s->int_key && s->heads) {
                    /* one tight pass of independent bucket lookups lets the CPU overlap their cache misses */
                    s->pkey64 = arena_alloc(s->probe_arena, sizeof(int64_t) * in->nrows);
                    s->pfirst = arena_alloc(s->probe_arena, sizeof(uint32_t) * in->nrows);
                    for (uint32_t i = 0; i < in->nrows; i++) {
                        s->pkey64[i] = s->pkey[i] ? *(const int64_t *)s->pkey[i] : 0;
                        s->pfirst[i] = s->pkey[i] ? s->heads[(uint32_t)s->phash[i] & s->mask] : ROW_NONE;
                    }
                }
            }
            s->phase = PH_PROBE;
            continue;
        }
        case PH_PROBE: {
            if (s->build.nrows == 0) {
                s->phase = s->kind == JK_LEFT || s->kind == JK_FULL ? PH_LEFT_UNMATCHED : PH_NEED_PROBE;
                s->unmatched_pos = 0;
                continue;
            }
            uint32_t k = collect_pairs(s);
            if (k == 0) {
                s->phase = s->kind == JK_LEFT || s->kind == JK_FULL ? PH_LEFT_UNMATCHED : PH_NEED_PROBE;
                s->unmatched_pos = 0;
                continue;
            }
            arena_reset(s->out_arena);
            Batch *b = make_output(op, s, k);
            if (s->residual) {
                EvalCtx ec = {s->out_arena};
                uint32_t *sel = arena_alloc(s->out_arena, sizeof(uint32_t) * k), m;
                if (bexpr_eval_filter(&ec, s->residual, b, k, sel, &m, err)) return STATUS_ERROR;
                for (uint32_t j = 0; j < m; j++) {
                    s->pmatched[s->out_probe[sel[j]]] = 1;
                    if (s->bmatched) s->bmatched[s->out_build[sel[j]]] = 1;
                }
                if (m == 0) continue;
                if (m < k) {
                    Batch *f = arena_calloc(s->out_arena, sizeof *f);
                    f->ncols = b->ncols;
                    f->nrows = m;
                    f->arena = s->out_arena;
                    f->cols = arena_alloc(s->out_arena, sizeof(ColumnVector *) * (size_t)(b->ncols ? b->ncols : 1));
                    for (int c = 0; c < b->ncols; c++) f->cols[c] = vec_gather(s->out_arena, b->cols[c], sel, m);
                    b = f;
                }
            } else {
                for (uint32_t j = 0; j < k; j++) {
                    s->pmatched[s->out_probe[j]] = 1;
                    if (s->bmatched) s->bmatched[s->out_build[j]] = 1;
                }
            }
            *out = b;
            return STATUS_OK;
        }
        case PH_LEFT_UNMATCHED: {
            uint32_t k = 0;
            while (s->unmatched_pos < s->probe->nrows && k < BATCH_SIZE) {
                uint32_t i = s->unmatched_pos++;
                if (!s->pmatched[i]) {
                    s->out_probe[k] = i;
                    s->out_build[k++] = ROW_NONE;
                }
            }
            if (k == 0) {
                s->phase = PH_NEED_PROBE;
                continue;
            }
            arena_reset(s->out_arena);
            *out = make_output(op, s, k);
            return STATUS_OK;
        }
        case PH_BUILD_UNMATCHED: {
            uint32_t k = 0;
            while (s->unmatched_pos < s->build.nrows && k < BATCH_SIZE) {
                uint32_t r = s->unmatched_pos++;
                if (!s->bmatched[r]) {
                    s->out_probe[k] = ROW_NONE;
                    s->out_build[k++] = r;
                }
            }
            if (k == 0) {
                s->phase = PH_DONE;
                continue;
            }
            arena_reset(s->out_arena);
            *out = make_output(op, s, k);
            return STATUS_OK;
        }
        default: *out = NULL; return STATUS_OK;
        }
    }
}

static void join_close(Operator *op, ExecCtx *cx) {
    JoinState *s = op->state;
    exec_release(cx, s->charged);
    s->charged = 0;
    rowstore_free(&s->build);
    free(s->bhash);
    free(s->bkey);
    free(s->bkey_len);
    free(s->bkey64);
    free(s->next);
    free(s->heads);
    free(s->bmatched);
    free(s->out_probe);
    free(s->out_build);
    s->bhash = NULL;
    s->bkey = NULL;
    s->bkey_len = NULL;
    s->next = s->heads = s->out_probe = s->out_build = NULL;
    s->bmatched = NULL;
    arena_free(s->key_arena);
    arena_free(s->probe_arena);
    arena_free(s->out_arena);
    s->key_arena = s->probe_arena = s->out_arena = NULL;
    op->children[0]->close(op->children[0], cx);
    op->children[1]->close(op->children[1], cx);
}

static void join_explain(const Operator *op, StrBuf *out, Arena *a) {
    const JoinState *s = op->state;
    static const char *names[] = {"INNER", "LEFT OUTER", "FULL OUTER", "CROSS", "LEFT SEMI", "LEFT ANTI"};
    sb_appendf(out, "%s (%s", s->nkeys ? "HASH JOIN" : "NESTED LOOP JOIN", names[s->kind]);
    if (s->nkeys) {
        sb_append(out, ", eq: [");
        for (int i = 0; i < s->nkeys; i++)
            sb_appendf(out, "%s%s = %s", i ? ", " : "", bexpr_to_text(a, s->lkeys[i]), bexpr_to_text(a, s->rkeys[i]));
        sb_append(out, "]");
    }
    if (s->residual) sb_appendf(out, ", other: %s", bexpr_to_text(a, s->residual));
    sb_append(out, ")");
}

void op_join_set_null_equal(Operator *op) {
    ((JoinState *)op->state)->null_eq = true;
}

Operator *op_hash_join(Arena *a, JoinKind kind, Operator *left, Operator *right, BExpr **lkeys, BExpr **rkeys,
                       int nkeys, BExpr *residual) {
    Operator *op = arena_calloc(a, sizeof *op);
    op->kind = OPK_HASH_JOIN;
    op->nchildren = 2;
    op->children = arena_alloc(a, sizeof(Operator *) * 2);
    op->children[0] = left;
    op->children[1] = right;
    JoinState *s = arena_calloc(a, sizeof *s);
    s->kind = kind;
    s->lkeys = lkeys;
    s->rkeys = rkeys;
    s->nkeys = nkeys;
    s->residual = residual;
    op->state = s;
    bool semi = kind == JK_SEMI || kind == JK_ANTI;
    op->ncols = left->ncols + (semi ? 0 : right->ncols);
    op->types = arena_alloc(a, sizeof(DataType) * (size_t)(op->ncols ? op->ncols : 1));
    memcpy(op->types, left->types, sizeof(DataType) * (size_t)left->ncols);
    if (!semi) memcpy(op->types + left->ncols, right->types, sizeof(DataType) * (size_t)right->ncols);
    op->open = join_open;
    op->next = join_next;
    op->close = join_close;
    op->explain = join_explain;
    if (left->est_rows >= 0 && right->est_rows >= 0)
        op->est_rows = nkeys ? (left->est_rows > right->est_rows ? left->est_rows : right->est_rows)
                             : left->est_rows * right->est_rows;
    else
        op->est_rows = -1;
    return op;
}
