/* Views: CREATE [OR REPLACE] VIEW, ALTER VIEW. A view stores its definition text and the columns it
 * exposes. When the query engine has installed catalog_view_validator the query is checked (and its column
 * types learnt) before anything is written; the validator runs without the catalog lock held, because it
 * resolves the tables the view reads. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "catalog/ddl_int.h"
#include "util/clock.h"

/* The view's columns: from the validator (types known) renamed by the written list, or the written names. */
static Status view_columns(Session *s, const char *dbname, const CreateViewStmt *c, CatColumn **out, int *nout,
                           Error *err) {
    *out = NULL;
    *nout = 0;
    CatColumn *qcols = NULL;
    int nq = 0;
    Arena *a = arena_new(0);
    if (catalog_view_validator && catalog_view_validator(s, dbname, c->query, a, &qcols, &nq, err)) {
        arena_free(a);
        return STATUS_ERROR;
    }
    int n = catalog_view_validator ? nq : c->ncols;
    if (catalog_view_validator && c->ncols && c->ncols != nq) {
        arena_free(a);
        return err_set(err, ERR_VIEW_INVALID,
                       "The number of columns of view '%s' (%d) does not match the number of columns of its query (%d)",
                       c->name, c->ncols, nq);
    }
    CatColumn *cols = calloc((size_t)(n ? n : 1), sizeof *cols);
    if (!cols) abort();
    for (int i = 0; i < n; i++) {
        const char *name = i < c->ncols ? c->cols[i] : qcols[i].name;
        for (int k = 0; k < i; k++)
            if (!strcasecmp(cols[k].name, name)) {
                for (int j = 0; j < i; j++) cat_column_free(&cols[j]);
                free(cols);
                arena_free(a);
                return err_set(err, ERR_DUP_FIELDNAME, "Duplicate column name '%s'", name);
            }
        cols[i].uid = i;
        cols[i].name = cat_strdup(name);
        cols[i].type = i < nq ? qcols[i].type : type_make(TYPE_NULL);
        cols[i].nullable = i < nq ? qcols[i].nullable : true;
        cols[i].comment = cat_strdup(i < c->ncols && c->col_comments && c->col_comments[i] ? c->col_comments[i] : "");
    }
    arena_free(a);
    *out = cols;
    *nout = n;
    return STATUS_OK;
}

static void set_view_def(CatTable *t, const CreateViewStmt *c, CatColumn *cols, int ncols) {
    for (int i = 0; i < t->nview_cols; i++) cat_column_free(&t->view_cols[i]);
    free(t->view_cols);
    t->view_cols = cols;
    t->nview_cols = ncols;
    free(t->view_sql);
    t->view_sql = cat_strdup(c->query && c->query->src ? c->query->src : "");
    if (c->comment) {
        free(t->comment);
        t->comment = cat_strdup(c->comment);
    }
    t->update_time_ms = clock_now_ms();
}

static Status create_or_alter(Session *s, const CreateViewStmt *c, bool alter, Error *err) {
    const char *dbname = ddl_db_name(s, c->db, err);
    if (!dbname) return STATUS_ERROR;
    if (!cat_name_ok(c->name))
        return err_set(err, ERR_WRONG_OBJECT, "Incorrect table name '%s': use letters, digits, '_' or '-'", c->name);
    if (!c->query || !c->query->src)
        return err_set(err, ERR_INTERNAL, "view '%s' has no definition text", c->name);
    CatColumn *cols = NULL;
    int ncols = 0;
    if (view_columns(s, dbname, c, &cols, &ncols, err)) return STATUS_ERROR;
    catalog_wrlock();
    CatDatabase *db = catalog_find_db(dbname);
    CatTable *old = db ? catalog_find_table(db, c->name) : NULL;
    Status rc = STATUS_OK;
    if (!db)
        rc = err_set(err, ERR_BAD_DB, "Unknown database '%s'", dbname);
    else if (alter && !old)
        rc = err_set(err, ERR_NO_SUCH_TABLE, "Table '%s' doesn't exist", c->name);
    else if (old && (alter || c->or_replace) && old->kind != TABLE_VIEW)
        rc = err_set(err, ERR_WRONG_OBJECT, "'%s.%s' is not VIEW", db->name, c->name);
    else if (alter || (old && c->or_replace))
        rc = priv_check(s, PRIV_ALTER, db->name, c->name, err);
    else
        rc = priv_check(s, PRIV_CREATE, db->name, NULL, err);
    if (!rc && old && (alter || c->or_replace)) {
        rc = catalog_check_table_usable(old, err);
        if (!rc) {
            /* Write the new definition to a copy first, so a failed commit leaves the old one intact. */
            json_t *j = catalog_table_to_json(old, false);
            CatTable *tmp = NULL;
            rc = catalog_table_from_json(j, &tmp, err);
            json_decref(j);
            if (!rc) {
                tmp->id = old->id;
                tmp->db_id = old->db_id;
                set_view_def(tmp, c, cols, ncols);
                cols = NULL;
                rc = meta_begin(err);
                if (!rc) {
                    rc = persist_table_update(tmp, err);
                    if (!rc)
                        rc = meta_commit(err);
                    else
                        meta_rollback();
                }
                if (!rc) {
                    /* Move the new definition into the live object (pointers to it stay valid). */
                    CatColumn *vc = tmp->view_cols;
                    int nvc = tmp->nview_cols;
                    char *sql = tmp->view_sql, *comment = tmp->comment;
                    tmp->view_cols = old->view_cols;
                    tmp->nview_cols = old->nview_cols;
                    tmp->view_sql = old->view_sql;
                    tmp->comment = old->comment;
                    old->view_cols = vc;
                    old->nview_cols = nvc;
                    old->view_sql = sql;
                    old->comment = comment;
                    old->update_time_ms = tmp->update_time_ms;
                }
                catalog_table_free(tmp);
            }
        }
    } else if (!rc) {
        bool skip = false;
        rc = ddl_check_new_name(db, c->name, c->if_not_exists, &skip, err);
        if (!rc && !skip) {
            CatTable *t = calloc(1, sizeof *t);
            if (!t) abort();
            t->name = cat_strdup(c->name);
            t->kind = TABLE_VIEW;
            t->keys = KEYS_DUPLICATE;
            t->comment = cat_strdup("");
            set_view_def(t, c, cols, ncols);
            cols = NULL;
            rc = ddl_install_table(db, t, err);
            if (rc) catalog_table_free(t);
        }
    }
    catalog_unlock();
    for (int i = 0; cols && i < ncols; i++) cat_column_free(&cols[i]);
    free(cols);
    return rc;
}

Status ddl_create_view(Session *s, const Stmt *st, ResultSink *out, Error *err) {
    if (create_or_alter(s, &st->u.create_view, false, err)) return STATUS_ERROR;
    return ddl_ok(out, 0, err);
}

Status ddl_alter_view(Session *s, const Stmt *st, ResultSink *out, Error *err) {
    if (create_or_alter(s, &st->u.create_view, true, err)) return STATUS_ERROR;
    return ddl_ok(out, 0, err);
}
