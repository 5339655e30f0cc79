/* Materialized views and views in BACKUP and RESTORE. Backup: every MV and view is ordered after
 * the objects of the same backup it reads (post-order over dependencies; a base table outside the
 * backup is only a log warning), and restore follows that order. Restore, after the switch:
 * definitions are re-pointed from the snapshot's database to the target one, each MV is bound to
 * its base tables (restored or already present) and becomes active, or stays inactive with
 * StarRocks' reason when one is missing; schedules are re-armed. Synchronous MVs need nothing here:
 * they are indexes, carried with their table's tablets. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "catalog/catalog_int.h"
#include "mv/mv.h"
#include "mv/mv_int.h"
#include "sql/ast_print.h"
#include "sql/parser.h"
#include "util/log.h"

/* ---------------------------------------------------------------- BACKUP ordering */

typedef struct Node {
    json_t *obj;
    const char *name;
    int *deps; /* indexes of objects of this backup it reads */
    int ndeps;
    int mark; /* 0 new, 1 visiting, 2 done */
} Node;

static void visit(Node *nodes, int i, json_t *out) {
    if (nodes[i].mark) return; /* done, or a cycle (impossible for valid definitions): keep going */
    nodes[i].mark = 1;
    for (int k = 0; k < nodes[i].ndeps; k++)
        visit(nodes, nodes[i].deps[k], out);
    nodes[i].mark = 2;
    json_array_append(out, nodes[i].obj);
}

json_t *mv_backup_order(int64_t db_id, json_t *objs) {
    int n = (int)json_array_size(objs);
    if (n == 0) return objs;
    Node *nodes = calloc((size_t)n, sizeof *nodes);
    if (!nodes) abort();
    Arena *a = arena_new(0);
    for (int i = 0; i < n; i++) {
        nodes[i].obj = json_array_get(objs, (size_t)i);
        nodes[i].name = json_string_value(json_object_get(nodes[i].obj, "name"));
    }
    catalog_rdlock();
    CatDatabase *db = catalog_find_db_by_id(db_id);
    for (int i = 0; db && i < n; i++) {
        const char *kind = json_string_value(json_object_get(nodes[i].obj, "kind"));
        if (!kind || (strcmp(kind, "MATERIALIZED_VIEW") != 0 && strcmp(kind, "VIEW") != 0))
            continue;
        CatTable *t =
            catalog_find_table_by_id(json_integer_value(json_object_get(nodes[i].obj, "id")));
        if (!t || !t->view_sql) continue;
        Query *q = NULL;
        Error err = ERROR_INIT;
        if (sql_parse_query(a, t->view_sql, strlen(t->view_sql), &q, &err)) {
            log_warn("backup of database %s: the definition of %s cannot be parsed: %s", db->name,
                     t->name, err.msg);
            continue;
        }
        MvRef *refs;
        int nrefs;
        mv_query_refs(q, db->name, a, &refs, &nrefs);
        nodes[i].deps = arena_alloc(a, sizeof(int) * (size_t)(nrefs ? nrefs : 1));
        for (int r = 0; r < nrefs; r++) {
            int dep = -1;
            if (!strcasecmp(refs[r].db, db->name))
                for (int k = 0; k < n; k++)
                    if (nodes[k].name && !strcmp(nodes[k].name, refs[r].table)) dep = k;
            if (dep >= 0)
                nodes[i].deps[nodes[i].ndeps++] = dep;
            else if (strcasecmp(refs[r].db, db->name) != 0)
                log_warn("backup of database %s: %s reads %s.%s, which is in another database and "
                         "is not part of "
                         "the backup; restore it separately before activating %s",
                         db->name, t->name, refs[r].db, refs[r].table, t->name);
            else
                log_warn("backup of database %s: %s reads %s.%s, which is not part of this backup",
                         db->name, t->name, refs[r].db, refs[r].table);
        }
    }
    catalog_unlock();
    json_t *out = json_array();
    for (int i = 0; i < n; i++)
        visit(nodes, i, out);
    arena_free(a);
    free(nodes);
    json_decref(objs);
    return out;
}

/* ---------------------------------------------------------------- RESTORE: re-binding and
 * activation */

bool mv_restore_keeps_existing(const json_t *have, const json_t *snapshot_obj) {
    const char *hk = json_string_value(json_object_get(have, "kind"));
    const char *sk = json_string_value(json_object_get(snapshot_obj, "kind"));
    if (!hk || !sk || strcmp(hk, "MATERIALIZED_VIEW") != 0 || strcmp(sk, "MATERIALIZED_VIEW") != 0)
        return false;
    MvDef d;
    Error err = ERROR_INIT;
    bool active =
        !mv_def_parse(json_string_value(json_object_get(have, "mv")), &d, &err) && d.active;
    mv_def_free(&d);
    return active;
}

/* Re-points t's definition from source_db to the target database (write lock held). */
static Status repoint_definition(CatTable *t, const char *source_db, const char *target_db,
                                 bool *changed, Error *err) {
    *changed = false;
    if (!t->view_sql || !source_db || !strcasecmp(source_db, target_db)) return STATUS_OK;
    Arena *a = arena_new(0);
    Query *q = NULL;
    Status st = sql_parse_query(a, t->view_sql, strlen(t->view_sql), &q, err);
    if (!st && mv_query_repoint(q, source_db, target_db) > 0) {
        StrBuf sb = STRBUF_INIT;
        ast_print_query(q, &sb);
        free(t->view_sql);
        t->view_sql = sb_detach(&sb);
        *changed = true;
    }
    arena_free(a);
    return st;
}

/* One restored MV: bind, activate or record why not (write lock held). Returns its id to re-arm. */
static Status restore_mv(CatDatabase *db, CatTable *t, const char *source_db, Error *err) {
    MvDef d;
    bool changed;
    if (repoint_definition(t, source_db, db->name, &changed, err)) return STATUS_ERROR;
    if (mv_def_of(t, &d, err)) return STATUS_ERROR;
    for (int i = 0; i < d.nbase; i++) {
        if (source_db && !strcasecmp(d.base[i].db, source_db)) {
            free(d.base[i].db);
            d.base[i].db = strdup(db->name);
        }
    }
    Error missing = ERROR_INIT;
    if (mv_bases_resolve(t, db->name, &d, &missing)) {
        char reason[1024];
        snprintf(reason, sizeof reason,
                 "Cannot active the materialized view %s after restore, please check whether its "
                 "base table has "
                 "already been backup or restore:%s",
                 t->name, missing.msg);
        mv_def_set_state(&d, false, reason);
    } else {
        mv_def_set_state(&d, true, NULL);
    }
    Status st = mv_def_store(t, &d, err); /* also persists a re-pointed definition */
    if (!st)
        log_info("restore: materialized view %s.%s is %s%s%s", db->name, t->name,
                 d.active ? "active" : "inactive", d.active ? "" : ": ", d.active ? "" : d.reason);
    mv_def_free(&d);
    return st;
}

/* A restored view: only its definition may need re-pointing (write lock held). */
static Status restore_view(CatTable *t, const char *source_db, const char *target_db, Error *err) {
    bool changed;
    if (repoint_definition(t, source_db, target_db, &changed, err)) return STATUS_ERROR;
    if (!changed) return STATUS_OK;
    Status st = meta_begin(err);
    if (!st) {
        st = persist_table_update(t, err);
        if (!st)
            st = meta_commit(err);
        else
            meta_rollback();
    }
    return st;
}

char *mv_restore_finish(int64_t db_id, const char *source_db, const json_t *objects) {
    StrBuf problems = STRBUF_INIT;
    int64_t *rearm = calloc(json_array_size(objects) + 1, sizeof *rearm);
    if (!rearm) abort();
    int nrearm = 0;
    catalog_wrlock();
    CatDatabase *db = catalog_find_db_by_id(db_id);
    size_t i;
    const json_t *o;
    json_array_foreach(objects, i, o) {
        if (!db) break;
        const char *kind = json_string_value(json_object_get(o, "kind"));
        const char *name = json_string_value(json_object_get(o, "alias"));
        if (!name) name = json_string_value(json_object_get(o, "name"));
        if (!kind || !name || (strcmp(kind, "MATERIALIZED_VIEW") != 0 && strcmp(kind, "VIEW") != 0))
            continue;
        CatTable *t = catalog_find_table(db, name);
        Error err = ERROR_INIT;
        Status st = STATUS_OK;
        if (!t)
            st = err_set(&err, ERR_NO_SUCH_TABLE, "it is missing after the restore");
        else if (t->kind == TABLE_MV)
            st = restore_mv(db, t, source_db, &err);
        else if (t->kind == TABLE_VIEW)
            st = restore_view(t, source_db, db->name, &err);
        if (st) {
            sb_appendf(&problems, "%s%s %s: %s", problems.len ? "; " : "", kind, name, err.msg);
            log_warn("restore: %s %s: %s", kind, name, err.msg);
        } else if (t->kind == TABLE_MV) {
            rearm[nrearm++] = t->id;
        }
    }
    catalog_unlock();
    for (int k = 0; k < nrearm; k++)
        mv_task_reschedule(rearm[k]);
    if (nrearm) mv_task_kick();
    free(rearm);
    if (!problems.len) {
        sb_free(&problems);
        return NULL;
    }
    return sb_detach(&problems);
}
