/* An in-memory table: serves the rows of one Batch through the ScanSource interface without copying
 * (used by unit tests and for small system tables). */
#include <stdlib.h>
#include <string.h>

#include "exec/scan.h"

typedef struct MemTable {
    const Batch *rows;
    uint32_t unit_rows;
} MemTable;

typedef struct MemCursor {
    ScanSource *src;
    const Batch *rows;
    uint32_t pos, end;
} MemCursor;

static Status mem_unit_open(ScanSource *src, int unit, ScanCursor **out, Error *err) {
    const MemTable *mt = src->impl;
    MemCursor *c = calloc(1, sizeof *c);
    c->src = src;
    c->rows = mt->rows;
    uint32_t ur = mt->unit_rows ? mt->unit_rows : (mt->rows->nrows ? mt->rows->nrows : 1);
    c->pos = (uint32_t)unit * ur;
    c->end = c->pos + ur > mt->rows->nrows ? mt->rows->nrows : c->pos + ur;
    *out = (ScanCursor *)c;
    return STATUS_OK;
}

static Status mem_cursor_next(ScanCursor *cur, Arena *a, Batch **out, Error *err) {
    MemCursor *c = (MemCursor *)cur;
    if (c->pos >= c->end) {
        *out = NULL;
        return STATUS_OK;
    }
    uint32_t n = c->end - c->pos < BATCH_SIZE ? c->end - c->pos : BATCH_SIZE;
    ScanSource *src = c->src;
    Batch *b = arena_calloc(a, sizeof *b);
    b->ncols = src->nproj;
    b->nrows = n;
    b->arena = a;
    b->cols = arena_alloc(a, sizeof(ColumnVector *) * (size_t)(src->nproj ? src->nproj : 1));
    for (int i = 0; i < src->nproj; i++) {
        const ColumnVector *v = c->rows->cols[src->proj[i]];
        ColumnVector *w = arena_calloc(a, sizeof *w);
        size_t cs = type_cell_size(v->type.id);
        w->type = v->type;
        w->len = w->cap = n;
        w->data = (char *)v->data + (size_t)c->pos * cs;
        w->nulls = v->nulls ? v->nulls + c->pos : NULL;
        w->arena = a;
        b->cols[i] = w;
    }
    c->pos += n;
    *out = b;
    return STATUS_OK;
}

static void mem_cursor_close(ScanCursor *cur) {
    free(cur);
}

static Status mem_make_source(ExecTable *t, const int *sel, int nsel, Arena *a, ScanSource **out, Error *err) {
    const MemTable *mt = t->impl;
    ScanSource *s = arena_calloc(a, sizeof *s);
    s->db = t->db;
    s->table = t->name;
    s->impl = t->impl;
    uint32_t ur = mt->unit_rows ? mt->unit_rows : (mt->rows->nrows ? mt->rows->nrows : 1);
    s->nunits = nsel == 0 ? 0 : (int)((mt->rows->nrows + ur - 1) / ur);
    s->unit_open = mem_unit_open;
    s->cursor_next = mem_cursor_next;
    s->cursor_close = mem_cursor_close;
    s->est_rows = mt->rows->nrows;
    *out = s;
    return STATUS_OK;
}

ExecTable *scan_memory_table(Arena *a, const char *db, const char *name, int ncols, const char **names,
                             const DataType *types, const Batch *rows, uint32_t unit_rows) {
    ExecTable *t = arena_calloc(a, sizeof *t);
    t->db = arena_strdup(a, db);
    t->name = arena_strdup(a, name);
    t->ncols = ncols;
    t->col_names = arena_alloc(a, sizeof(char *) * (size_t)(ncols ? ncols : 1));
    t->col_types = arena_alloc(a, sizeof(DataType) * (size_t)(ncols ? ncols : 1));
    for (int i = 0; i < ncols; i++) {
        t->col_names[i] = arena_strdup(a, names[i]);
        t->col_types[i] = types[i];
    }
    t->keys = KEYS_DUPLICATE;
    t->part_col = -1;
    t->nparts = 1;
    t->parts = arena_calloc(a, sizeof(ExecPartition));
    t->parts[0].name = t->name;
    t->parts[0].rows = rows->nrows;
    MemTable *mt = arena_calloc(a, sizeof *mt);
    mt->rows = rows;
    mt->unit_rows = unit_rows;
    t->impl = mt;
    t->make_source = mem_make_source;
    return t;
}
