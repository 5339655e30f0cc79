/* ResultSink helpers and the collecting sink. */
#include "sql/result.h"

#include <stdlib.h>
#include <string.h>

#include "util/strbuf.h"

Status result_send_table(ResultSink *s, const ResultColumn *cols, int ncols, const char *const *cells,
                         int nrows, Error *err) {
    if (s->columns(s, cols, ncols, err)) return STATUS_ERROR;
    size_t *lens = calloc((size_t)(ncols ? ncols : 1), sizeof *lens);
    Status st = STATUS_OK;
    for (int r = 0; r < nrows && !st; r++) {
        const char *const *row = cells + (size_t)r * ncols;
        for (int c = 0; c < ncols; c++) lens[c] = row[c] ? strlen(row[c]) : 0;
        st = s->row(s, row, lens, err);
    }
    free(lens);
    if (st) return st;
    return s->end(s, err);
}

Status result_send_batch(ResultSink *s, const Batch *b, Error *err) {
    int n = b->ncols;
    StrBuf *bufs = calloc((size_t)(n ? n : 1), sizeof *bufs);
    const char **cells = calloc((size_t)(n ? n : 1), sizeof *cells);
    size_t *lens = calloc((size_t)(n ? n : 1), sizeof *lens);
    Status st = STATUS_OK;
    for (uint32_t r = 0; r < b->nrows && !st; r++) {
        for (int c = 0; c < n; c++) {
            const ColumnVector *v = b->cols[c];
            if (colvec_is_null(v, r)) {
                cells[c] = NULL;
                lens[c] = 0;
                continue;
            }
            sb_reset(&bufs[c]);
            type_format_cell(&v->type, colvec_cell(v, r), &bufs[c]);
            cells[c] = sb_str(&bufs[c]);
            lens[c] = bufs[c].len;
        }
        st = s->row(s, cells, lens, err);
    }
    for (int c = 0; c < n; c++) sb_free(&bufs[c]);
    free(bufs);
    free(cells);
    free(lens);
    return st;
}

ResultColumn result_col_varchar(const char *name) {
    ResultColumn c = {name, type_varchar(255), NULL, NULL};
    return c;
}

ResultColumn result_col_bigint(const char *name) {
    ResultColumn c = {name, type_make(TYPE_BIGINT), NULL, NULL};
    return c;
}

static Status collect_columns(ResultSink *s, const ResultColumn *cols, int ncols, Error *err) {
    CollectSink *c = s->state;
    c->ncols = ncols;
    c->col_names = calloc((size_t)(ncols ? ncols : 1), sizeof(char *));
    c->col_types = calloc((size_t)(ncols ? ncols : 1), sizeof(DataType));
    for (int i = 0; i < ncols; i++) {
        c->col_names[i] = strdup(cols[i].name ? cols[i].name : "");
        c->col_types[i] = cols[i].type;
    }
    return STATUS_OK;
}

static Status collect_row(ResultSink *s, const char *const *cells, const size_t *lens, Error *err) {
    CollectSink *c = s->state;
    if (c->nrows == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 16;
        c->rows = realloc(c->rows, c->cap * sizeof *c->rows);
    }
    char **row = calloc((size_t)(c->ncols ? c->ncols : 1), sizeof(char *));
    for (int i = 0; i < c->ncols; i++) {
        if (!cells[i]) continue;
        row[i] = malloc(lens[i] + 1);
        memcpy(row[i], cells[i], lens[i]);
        row[i][lens[i]] = '\0';
    }
    c->rows[c->nrows++] = row;
    return STATUS_OK;
}

static Status collect_end(ResultSink *s, Error *err) {
    return STATUS_OK;
}

static Status collect_ok(ResultSink *s, uint64_t affected, uint64_t id, const char *info, Error *err) {
    CollectSink *c = s->state;
    c->affected = affected;
    c->got_ok = 1;
    return STATUS_OK;
}

void collect_sink_init(CollectSink *c) {
    memset(c, 0, sizeof *c);
    c->sink.columns = collect_columns;
    c->sink.row = collect_row;
    c->sink.end = collect_end;
    c->sink.ok = collect_ok;
    c->sink.state = c;
}

void collect_sink_free(CollectSink *c) {
    for (size_t r = 0; r < c->nrows; r++) {
        for (int i = 0; i < c->ncols; i++) free(c->rows[r][i]);
        free(c->rows[r]);
    }
    free(c->rows);
    for (int i = 0; i < c->ncols; i++) free(c->col_names[i]);
    free(c->col_names);
    free(c->col_types);
    memset(c, 0, sizeof *c);
}
