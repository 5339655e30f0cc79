/* The state of an async MV in the catalog: reading and storing its MvDef (CatTable.mv_def, one
 * metadata transaction per change), checking its base tables (dropped, renamed or changed tables
 * make it inactive), resolving them again (ACTIVE, restore) and naming MVs in statements. Every
 * function here runs under the catalog lock its comment names; none does file I/O. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "catalog/catalog_int.h"
#include "mv/mv_int.h"
#include "sql/parser.h"

Status mv_def_of(const CatTable *t, MvDef *d, Error *err) {
    if (mv_def_parse(t->mv_def, d, err))
        return err_prefix(err, "materialized view '%s': ", t->name);
    return STATUS_OK;
}

Status mv_def_store(CatTable *t, const MvDef *d, Error *err) {
    char *text = mv_def_format(d);
    char *old = t->mv_def;
    t->mv_def = text; /* persist_table_update serialises the live object */
    Status st = meta_begin(err);
    if (!st) {
        st = persist_table_update(t, err);
        if (!st)
            st = meta_commit(err);
        else
            meta_rollback();
    }
    if (st) {
        t->mv_def = old;
        free(text);
        return STATUS_ERROR;
    }
    free(old);
    return STATUS_OK;
}

bool mv_bases_valid(const MvDef *d, char *why, size_t n) {
    for (int i = 0; i < d->nbase; i++) {
        const MvBase *b = &d->base[i];
        CatTable *t = b->id ? catalog_find_table_by_id(b->id) : NULL;
        CatDatabase *db = t ? catalog_find_db_by_id(t->db_id) : NULL;
        if (!t || !db || t->state == TABLE_RESTORE_HIDDEN) {
            snprintf(why, n, "base-table dropped: %s.%s", b->db, b->table);
            return false;
        }
        if (strcmp(t->name, b->table) != 0 || strcasecmp(db->name, b->db) != 0) {
            snprintf(why, n, "base-table renamed: %s.%s", b->db, b->table);
            return false;
        }
        char sig[32];
        mv_table_signature(t, sig, sizeof sig);
        if (*b->sig && strcmp(sig, b->sig) != 0) {
            snprintf(why, n, "base-table schema changed: %s.%s", b->db, b->table);
            return false;
        }
    }
    return true;
}

Status mv_bases_resolve(const CatTable *mv, const char *db_name, MvDef *d, Error *err) {
    Arena *a = arena_new(0);
    Query *q = NULL;
    const char *sql = mv->view_sql ? mv->view_sql : "";
    Status st = sql_parse_query(a, sql, strlen(sql), &q, err);
    if (st)
        err_prefix(err, "the definition of materialized view '%s' cannot be parsed: ", mv->name);
    else
        st = mv_bases_resolve_query(q, db_name, d, err);
    arena_free(a);
    return st;
}

Status mv_bases_resolve_query(const Query *q, const char *db_name, MvDef *d, Error *err) {
    Arena *a = arena_new(0);
    MvRef *refs;
    int nrefs;
    mv_query_refs(q, db_name, a, &refs, &nrefs);
    StrBuf missing = STRBUF_INIT;
    MvDef fresh;
    memset(&fresh, 0, sizeof fresh);
    for (int i = 0; i < nrefs; i++) {
        CatDatabase *db = catalog_find_db(refs[i].db);
        CatTable *t = db ? catalog_find_table(db, refs[i].table) : NULL;
        if (!t) {
            sb_appendf(&missing, "%s%s.%s", missing.len ? ", " : "", refs[i].db, refs[i].table);
            continue;
        }
        char sig[32];
        mv_table_signature(t, sig, sizeof sig);
        mv_def_add_base(&fresh, db->name, t->name, t->id, sig);
    }
    arena_free(a);
    if (missing.len) {
        err_set(err, ERR_NO_SUCH_TABLE, "%s", sb_str(&missing));
        sb_free(&missing);
        mv_def_free(&fresh);
        return STATUS_ERROR;
    }
    sb_free(&missing);
    for (int i = 0; i < d->nbase; i++) {
        free(d->base[i].db);
        free(d->base[i].table);
        free(d->base[i].sig);
    }
    free(d->base);
    d->base = fresh.base;
    d->nbase = fresh.nbase;
    fresh.base = NULL;
    fresh.nbase = 0;
    mv_def_free(&fresh);
    return STATUS_OK;
}

Status mv_find(Session *s, const char *db, const char *name, CatDatabase **db_out, CatTable **out,
               Error *err) {
    CatDatabase *d;
    CatTable *t;
    if (catalog_resolve_table(s, db, name, &d, &t, err)) return STATUS_ERROR;
    if (t->kind != TABLE_MV)
        return err_set(err, ERR_WRONG_OBJECT, "'%s.%s' is not MATERIALIZED VIEW", d->name, t->name);
    *db_out = d;
    *out = t;
    return STATUS_OK;
}

int64_t mv_bases_data_version(const MvDef *d) {
    int64_t v = 0;
    for (int i = 0; i < d->nbase; i++) {
        const CatTable *t = catalog_find_table_by_id(d->base[i].id);
        for (int k = 0; t && k < t->nparts; k++)
            if (t->parts[k]->state == PART_NORMAL)
                v += t->parts[k]->visible_version + t->parts[k]->id % 997;
    }
    return v;
}
