/* DELETE FROM [db.]t [PARTITION (p, ...)] WHERE ...
 *  - DUPLICATE and AGGREGATE KEY tables: a delete-predicate rowset (no data, CatRowsetMeta.delete_pred = the
 *    WHERE as SQL) in every tablet of the chosen partitions, committed as one load: readers drop the rows of
 *    older versions that match it. AGGREGATE tables may only name key columns (a merged value has no
 *    identity). The reply counts no rows, as StarRocks'.
 *  - UNIQUE and PRIMARY KEY tables: the matching rows are read through the query engine and written back as
 *    delete tombstones for their keys; the reply counts them. */
#include <stdio.h>
#include <string.h>

#include "catalog/catalog.h"
#include "catalog/meta_store.h"
#include "catalog/privilege.h"
#include "exec/exec.h"
#include "load/load_internal.h"
#include "sql/ast_print.h"
#include "util/str.h"

typedef struct DelTarget {
    int64_t db_id, table_id;
    KeysType keys;
    int ncols;
    ExecColumnDesc *cols;
    bool *is_key;
    int64_t *tablets; /* every tablet (all indexes) of the chosen partitions */
    int ntablets;
    char **index_missing; /* per tablet: a predicate column its index lacks, or NULL */
} DelTarget;

static bool index_has(const CatIndex *ix, const char *name) {
    for (int c = 0; c < ix->ncols; c++)
        if (str_ieq(ix->cols[c].name, name)) return true;
    return false;
}

/* Collects the column names a predicate mentions (into names[], at most max). */
static void expr_columns(const Expr *e, const char **names, int *n, int max) {
    if (!e) return;
    if (e->kind == EXPR_COLUMN && *n < max) names[(*n)++] = e->text;
    expr_columns(e->left, names, n, max);
    expr_columns(e->right, names, n, max);
    expr_columns(e->third, names, n, max);
    for (int i = 0; i < e->nargs; i++) expr_columns(e->args[i], names, n, max);
}

static Status resolve(Session *s, const DeleteStmt *d, Arena *a, DelTarget *t, Error *err) {
    memset(t, 0, sizeof *t);
    const char *names[64];
    int nnames = 0;
    expr_columns(d->where, names, &nnames, 64);
    Status st = STATUS_OK;
    catalog_rdlock();
    CatDatabase *db;
    CatTable *tb;
    if (catalog_resolve_table(s, d->db, d->table, &db, &tb, err)) {
        st = STATUS_ERROR;
        goto out;
    }
    if (tb->kind != TABLE_OLAP) {
        st = err_set(err, ERR_WRONG_OBJECT, "'%s.%s' is not BASE TABLE: DELETE works on OLAP tables only", db->name,
                     tb->name);
        goto out;
    }
    if (catalog_check_table_usable(tb, err)) {
        st = STATUS_ERROR;
        goto out;
    }
    t->db_id = db->id;
    t->table_id = tb->id;
    t->keys = tb->keys == KEYS_NONE ? KEYS_DUPLICATE : tb->keys;
    t->ncols = tb->ncols;
    t->cols = arena_alloc(a, sizeof(ExecColumnDesc) * (size_t)(tb->ncols + 1));
    t->is_key = arena_alloc(a, sizeof(bool) * (size_t)(tb->ncols + 1));
    for (int c = 0; c < tb->ncols; c++) {
        t->cols[c].name = arena_strdup(a, tb->cols[c].name);
        t->cols[c].type = tb->cols[c].type;
        t->is_key[c] = c < tb->nkeys;
    }
    if (t->keys == KEYS_UNIQUE || t->keys == KEYS_PRIMARY) goto out;
    /* the predicate rowsets go to every tablet of every chosen partition, in every index */
    int cap = 0;
    for (int p = 0; p < tb->nparts && !st; p++) {
        CatPartition *part = tb->parts[p];
        if (part->state != PART_NORMAL || part->is_temp) continue;
        if (d->npartitions) {
            bool want = false;
            for (int i = 0; i < d->npartitions; i++) want |= str_ieq(part->name, d->partitions[i]);
            if (!want) continue;
        }
        for (int k = 0; k < part->ntablets; k++) {
            if (t->ntablets == cap) {
                cap = cap ? cap * 2 : 64;
                int64_t *nt = arena_alloc(a, sizeof(int64_t) * (size_t)cap);
                char **nm = arena_alloc(a, sizeof(char *) * (size_t)cap);
                if (t->ntablets) {
                    memcpy(nt, t->tablets, sizeof(int64_t) * (size_t)t->ntablets);
                    memcpy(nm, t->index_missing, sizeof(char *) * (size_t)t->ntablets);
                }
                t->tablets = nt;
                t->index_missing = nm;
            }
            CatTablet *tt = part->tablets[k];
            int pos = catalog_index_pos(tb, tt->index_id);
            t->index_missing[t->ntablets] = NULL;
            if (pos > 0)
                for (int i = 0; i < nnames; i++)
                    if (!index_has(tb->indexes[pos], names[i]))
                        t->index_missing[t->ntablets] =
                            arena_sprintf(a, "column '%s' is not in materialized view '%s'", names[i],
                                          tb->indexes[pos]->name);
            t->tablets[t->ntablets++] = tt->id;
        }
    }
    for (int i = 0; i < d->npartitions && !st; i++)
        if (!catalog_find_partition(tb, d->partitions[i]))
            st = err_set(err, ERR_UNKNOWN_PARTITION, "Unknown partition '%s' in table '%s'", d->partitions[i],
                         tb->name);
out:
    catalog_unlock();
    return st;
}

static Status delete_by_predicate(Session *s, const DeleteStmt *d, DelTarget *t, Arena *a, ResultSink *out,
                                  Error *err) {
    if (!d->where)
        return err_set(err, ERR_COMMON, "DELETE on a %s KEY table needs a WHERE clause (TRUNCATE TABLE removes "
                       "every row)", keys_type_name(t->keys));
    ExecPredicate *p;
    if (exec_predicate_compile(s, d->where, t->cols, t->ncols, a, &p, err)) return STATUS_ERROR;
    if (t->keys == KEYS_AGGREGATE) {
        const char *names[64];
        int n = 0;
        expr_columns(d->where, names, &n, 64);
        for (int i = 0; i < n; i++)
            for (int c = 0; c < t->ncols; c++)
                if (str_ieq(t->cols[c].name, names[i]) && !t->is_key[c])
                    return err_set(err, ERR_COMMON, "DELETE on an AGGREGATE KEY table may only use key columns in "
                                   "WHERE: '%s' is a value column", t->cols[c].name);
    }
    for (int i = 0; i < t->ntablets; i++)
        if (t->index_missing[i])
            return err_set(err, ERR_COMMON, "DELETE cannot apply its WHERE to every index: %s", t->index_missing[i]);
    StrBuf text = STRBUF_INIT;
    ast_print_expr(d->where, &text);
    CatTxn *txn = NULL;
    Status st = catalog_txn_begin(t->db_id, t->table_id, NULL, &txn, err);
    for (int i = 0; i < t->ntablets && !st; i++) {
        int64_t id;
        if (meta_next_id(&id, err)) {
            st = STATUS_ERROR;
            break;
        }
        CatRowsetMeta m = {id, 0, NULL, 0, 0, sb_str(&text)};
        st = catalog_txn_add_rowset(txn, t->tablets[i], &m, err);
    }
    LoadSinkResult res = {0};
    if (txn) {
        res.txn_id = catalog_txn_id(txn);
        snprintf(res.label, sizeof res.label, "%s", catalog_txn_label(txn));
    }
    if (st) {
        catalog_txn_abort(txn);
    } else {
        st = catalog_txn_commit(txn, err);
    }
    sb_free(&text);
    if (st) return STATUS_ERROR;
    char info[300];
    load_info_string(&res, info, sizeof info);
    return out->ok(out, 0, 0, info, err);
}

static Status delete_by_tombstones(Session *s, const DeleteStmt *d, DelTarget *t, Arena *a, ResultSink *out,
                                   Error *err) {
    LoadSinkOptions o = {0};
    o.partitions = d->partitions;
    o.npartitions = d->npartitions;
    LoadSink *ls;
    if (load_sink_open(s, d->db, d->table, &o, &ls, err)) return STATUS_ERROR;
    const LoadTableInfo *ti = load_sink_table(ls);
    const char **names = arena_alloc(a, sizeof(char *) * (size_t)(ti->ncols + 1));
    int *target = arena_alloc(a, sizeof(int) * (size_t)(ti->ncols + 1));
    Datum *fixed = arena_calloc(a, sizeof(Datum) * (size_t)(ti->ncols + 1));
    for (int c = 0; c < ti->ncols; c++) {
        names[c] = ti->cols[c].name;
        target[c] = c;
    }
    Query *q = load_build_select(a, d->db, d->table, d->partitions, d->npartitions, NULL, names, ti->ncols, NULL,
                                 d->where);
    QueryWrite qw = {ls, ti->ncols, target, fixed, NULL, 1, 0};
    /* DELETE is checked above; reading the rows to delete needs no SELECT privilege */
    bool was_internal = s->internal;
    s->internal = true;
    Status st = load_query_write(s, q, &qw, err);
    s->internal = was_internal;
    if (st) {
        load_sink_abort(ls);
        return STATUS_ERROR;
    }
    LoadSinkResult res;
    if (load_sink_commit(ls, &res, err)) return STATUS_ERROR;
    char info[300];
    load_info_string(&res, info, sizeof info);
    return out->ok(out, (uint64_t)qw.rows, 0, info, err);
}

Status load_delete_handler(Session *s, const Stmt *st, ResultSink *out, Error *err) {
    const DeleteStmt *d = &st->u.del;
    if (priv_check(s, PRIV_DELETE, d->db, d->table, err)) return STATUS_ERROR;
    Arena *a = arena_new(0);
    DelTarget t;
    Status rc = resolve(s, d, a, &t, err);
    if (!rc) {
        if (t.keys == KEYS_UNIQUE || t.keys == KEYS_PRIMARY)
            rc = delete_by_tombstones(s, d, &t, a, out, err);
        else
            rc = delete_by_predicate(s, d, &t, a, out, err);
    }
    arena_free(a);
    return rc;
}
