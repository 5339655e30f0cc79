/* Key-model reduction over key-sorted rows; see key_merge.h. */
#include "storage/key_merge.h"

#include <string.h>

#include "storage/row_sort.h"

/* SUM over non-null rows in an accumulator type; wraps on overflow as StarRocks' BE does. */
#define SUM_LOOP(CT, ACC)                                                                          \
    do {                                                                                           \
        const CT *d = v->data;                                                                     \
        ACC acc = 0;                                                                               \
        for (uint32_t i = from; i < to; i++)                                                       \
            if (!colvec_is_null(v, i)) acc = (ACC)(acc + (ACC)d[i]);                               \
        CT r = (CT)acc;                                                                            \
        colvec_append(out, &r);                                                                    \
    } while (0)

static void sum_append(const ColumnVector *v, uint32_t from, uint32_t to, ColumnVector *out) {
    switch (v->type.id) {
    case TYPE_TINYINT:
        SUM_LOOP(int8_t, uint64_t);
        break;
    case TYPE_SMALLINT:
        SUM_LOOP(int16_t, uint64_t);
        break;
    case TYPE_INT:
        SUM_LOOP(int32_t, uint64_t);
        break;
    case TYPE_BIGINT:
        SUM_LOOP(int64_t, uint64_t);
        break;
    case TYPE_LARGEINT:
    case TYPE_DECIMAL:
        SUM_LOOP(int128_t, unsigned __int128);
        break;
    case TYPE_FLOAT:
        SUM_LOOP(float, double);
        break;
    case TYPE_DOUBLE:
        SUM_LOOP(double, double);
        break;
    default:
        colvec_append_range(out, v, to - 1, 1);
        break;
    }
}

void agg_fold_append(AggType agg, const ColumnVector *v, uint32_t from, uint32_t to,
                     ColumnVector *out) {
    int best = -1;
    switch (agg) {
    case AGG_SUM:
    case AGG_COUNT:
        for (uint32_t i = from; i < to; i++)
            if (!colvec_is_null(v, i)) {
                best = (int)i;
                break;
            }
        if (best < 0) {
            colvec_append_null(out);
            return;
        }
        sum_append(v, from, to, out);
        return;
    case AGG_MIN:
    case AGG_MAX:
        for (uint32_t i = from; i < to; i++) {
            if (colvec_is_null(v, i)) continue;
            int c = best < 0 ? 0 : row_cell_compare(v, i, v, (uint32_t)best);
            if (best < 0 || (agg == AGG_MIN ? c < 0 : c > 0)) best = (int)i;
        }
        break;
    case AGG_REPLACE_IF_NOT_NULL:
        for (uint32_t i = to; i > from; i--)
            if (!colvec_is_null(v, i - 1)) {
                best = (int)(i - 1);
                break;
            }
        break;
    default: /* REPLACE (and AGG_NONE): the newest row, NULL included */
        best = (int)to - 1;
        break;
    }
    if (best < 0)
        colvec_append_null(out);
    else
        colvec_append_range(out, v, (uint32_t)best, 1);
}

void key_model_reduce(const TabletSchema *s, const RowBlock *in, Arena *a, RowBlock *out) {
    uint32_t n = in->nrows;
    uint32_t *starts = arena_alloc(a, sizeof(uint32_t) * (n ? n : 1));
    uint32_t *lasts = arena_alloc(a, sizeof(uint32_t) * (n ? n : 1));
    uint32_t g = 0;
    for (uint32_t i = 0; i < n; i++) {
        if (i == 0 || !row_keys_equal(in->cols, i - 1, in->cols, i, s->nkeys)) {
            if (g) lasts[g - 1] = i - 1;
            starts[g++] = i;
        }
    }
    if (g) lasts[g - 1] = n - 1;
    if (g == n) {
        *out = *in;
        return;
    }
    out->nrows = g;
    out->cols = arena_calloc(a, sizeof(ColumnVector *) * (size_t)s->ncols);
    bool aggregate = s->keys_type == KEYS_AGGREGATE;
    for (int c = 0; c < s->ncols; c++) {
        const ColumnVector *v = in->cols[c];
        if (!v) continue;
        ColumnVector *o = colvec_new(a, v->type, g);
        if (!aggregate || c < s->nkeys) {
            /* keys are equal within a group; UNIQUE/PRIMARY values come from the newest row */
            colvec_append_selected(o, v, aggregate ? starts : lasts, g);
        } else {
            for (uint32_t k = 0; k < g; k++)
                agg_fold_append(s->cols[c].agg, v, starts[k], lasts[k] + 1, o);
        }
        out->cols[c] = o;
    }
    out->op = NULL;
    if (in->op) {
        out->op = colvec_new(a, in->op->type, g);
        colvec_append_selected(out->op, in->op, lasts, g);
    }
}
