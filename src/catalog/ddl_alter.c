/* ALTER TABLE: ADD / DROP / RENAME PARTITION, MODIFY PARTITION SET, RENAME, SET properties, COMMENT and
 * SWAP WITH. Each operation is one metadata transaction applied under the write lock; a statement with
 * several operations applies them in order and stops at the first error. Column and rollup changes belong to
 * schema change, which cairn does not do yet: they are refused with ERR_NOT_SUPPORTED. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "catalog/ddl_int.h"
#include "util/clock.h"

static Status commit_table(CatTable *t, Error *err) {
    if (meta_begin(err)) return STATUS_ERROR;
    if (persist_table_update(t, err)) {
        meta_rollback();
        return STATUS_ERROR;
    }
    return meta_commit(err);
}

static Status add_partition(CatTable *t, const AlterOp *op, Error *err) {
    if (t->part_type != PART_RANGE && t->part_type != PART_LIST)
        return err_set(err, ERR_COMMON, "Table '%s' is not partitioned by RANGE or LIST: partitions cannot be added",
                       t->name);
    int buckets = op->dist && op->dist->buckets ? op->dist->buckets : cat_auto_buckets(t);
    CatPartition **parts = NULL;
    int n = 0;
    if (partitions_build(t, op->part, 1, op->temporary, buckets, &parts, &n, err)) return STATUS_ERROR;
    Status rc = STATUS_OK;
    int64_t now = clock_now_ms();
    for (int i = 0; i < n && !rc; i++) {
        parts[i]->table_id = t->id;
        parts[i]->visible_version_time_ms = now;
        rc = meta_next_id(&parts[i]->id, err);
        if (!rc) rc = cat_partition_make_tablets(t, parts[i], err);
    }
    if (!rc) rc = meta_begin(err);
    if (!rc) {
        for (int i = 0; i < n && !rc; i++) rc = persist_partition_insert(t, parts[i], err);
        if (!rc)
            rc = meta_commit(err);
        else
            meta_rollback();
    }
    for (int i = 0; i < n; i++) {
        if (rc)
            cat_partition_free(parts[i], t);
        else
            cat_attach_partition(t, parts[i]);
    }
    free(parts);
    return rc;
}

static CatPartition *find_part(const CatTable *t, const char *name, bool temp) {
    for (int i = 0; i < t->nparts; i++) {
        CatPartition *p = t->parts[i];
        if (p->state == PART_NORMAL && p->is_temp == temp && !strcasecmp(p->name, name)) return p;
    }
    return NULL;
}

static Status drop_partition(CatTable *t, const AlterOp *op, Error *err) {
    if (t->part_type == PART_NONE)
        return err_set(err, ERR_COMMON, "Table '%s' is not partitioned: its only partition cannot be dropped (use "
                       "TRUNCATE TABLE)", t->name);
    CatPartition *p = find_part(t, op->name, op->temporary);
    if (!p) {
        if (op->if_exists) return STATUS_OK;
        return err_set(err, ERR_UNKNOWN_PARTITION, "Partition '%s' does not exist in table '%s'", op->name, t->name);
    }
    if (meta_begin(err)) return STATUS_ERROR;
    if (persist_partition_delete(p->id, err)) {
        meta_rollback();
        return STATUS_ERROR;
    }
    if (meta_commit(err)) return STATUS_ERROR;
    cat_detach_partition(t, p);
    cat_partition_drop_data(p);
    cat_partition_free(p, t);
    t->update_time_ms = clock_now_ms();
    return STATUS_OK;
}

static Status rename_partition(CatTable *t, const AlterOp *op, Error *err) {
    CatPartition *p = find_part(t, op->name, false);
    if (!p) return err_set(err, ERR_UNKNOWN_PARTITION, "Partition '%s' does not exist in table '%s'", op->name, t->name);
    if (!cat_name_ok(op->new_name))
        return err_set(err, ERR_WRONG_OBJECT, "Incorrect partition name '%s'", op->new_name);
    if (find_part(t, op->new_name, false) && strcasecmp(op->name, op->new_name))
        return err_set(err, ERR_SAME_NAME_PARTITION, "Duplicate partition name %s", op->new_name);
    char *old = p->name;
    p->name = cat_strdup(op->new_name);
    Status rc = meta_begin(err);
    if (!rc) {
        rc = persist_partition_update(t, p, err);
        if (!rc)
            rc = meta_commit(err);
        else
            meta_rollback();
    }
    if (rc) {
        free(p->name);
        p->name = old;
    } else {
        free(old);
    }
    return rc;
}

static Status rename_table(CatDatabase *db, CatTable *t, const AlterOp *op, Error *err) {
    if (!cat_name_ok(op->new_name))
        return err_set(err, ERR_WRONG_OBJECT, "Incorrect table name '%s'", op->new_name);
    bool skip = false;
    if (strcmp(t->name, op->new_name) && ddl_check_new_name(db, op->new_name, false, &skip, err)) return STATUS_ERROR;
    char *old = t->name;
    t->name = cat_strdup(op->new_name);
    /* An unpartitioned table's one partition carries the table's name (StarRocks renames it too). */
    CatPartition *only = t->part_type == PART_NONE && t->nparts == 1 ? t->parts[0] : NULL;
    char *old_part = NULL;
    if (only) {
        old_part = only->name;
        only->name = cat_strdup(op->new_name);
    }
    if (t->nindexes) {
        free(t->indexes[0]->name);
        t->indexes[0]->name = cat_strdup(op->new_name);
    }
    Status rc = meta_begin(err);
    if (!rc) {
        rc = persist_table_update(t, err);
        if (!rc && only) rc = persist_partition_update(t, only, err);
        if (!rc)
            rc = meta_commit(err);
        else
            meta_rollback();
    }
    if (rc) {
        free(t->name);
        t->name = old;
        if (only) {
            free(only->name);
            only->name = old_part;
        }
        if (t->nindexes) {
            free(t->indexes[0]->name);
            t->indexes[0]->name = cat_strdup(old);
        }
        return STATUS_ERROR;
    }
    free(old);
    free(old_part);
    return STATUS_OK;
}

static Status set_properties(CatTable *t, const AlterOp *op, Error *err) {
    CatProps saved;
    cat_props_copy(&saved, &t->props);
    Status rc = table_props_apply(t, &op->props, true, err);
    if (!rc) rc = commit_table(t, err);
    if (rc) {
        cat_props_free(&t->props);
        t->props = saved;
        return STATUS_ERROR;
    }
    cat_props_free(&saved);
    return STATUS_OK;
}

static Status modify_partition(CatTable *t, const AlterOp *op, Error *err) {
    CatPartition *p = find_part(t, op->name, false);
    if (!p) return err_set(err, ERR_UNKNOWN_PARTITION, "Partition '%s' does not exist in table '%s'", op->name, t->name);
    int old_rn = p->replication_num;
    char *old_sm = cat_strdup(p->storage_medium);
    Status rc = STATUS_OK;
    for (int i = 0; i < op->props.n && !rc; i++) {
        const char *k = op->props.items[i].key, *v = op->props.items[i].value;
        if (!strcasecmp(k, "replication_num")) {
            int64_t n = atoll(v);
            if (n < 1)
                rc = err_set(err, ERR_INVALID_ARGUMENT, "replication_num must be a positive integer, got '%s'", v);
            else if (n > 1)
                rc = err_set(err, ERR_COMMON,
                             "Table replication num should be less than or equal to the number of available BE "
                             "nodes. You can change this default by setting the replication_num table properties. "
                             "Current alive backend is [10001].");
            else
                p->replication_num = (int)n;
        } else if (!strcasecmp(k, "storage_medium")) {
            if (strcasecmp(v, "HDD") && strcasecmp(v, "SSD")) {
                rc = err_set(err, ERR_INVALID_ARGUMENT, "storage_medium must be HDD or SSD, got '%s'", v);
            } else {
                free(p->storage_medium);
                p->storage_medium = cat_strdup(strcasecmp(v, "SSD") ? "HDD" : "SSD");
            }
        } else if (strcasecmp(k, "in_memory") && strcasecmp(k, "storage_cooldown_time")) {
            rc = err_set(err, ERR_COMMON, "Unknown properties: {%s=%s}", k, v);
        }
    }
    if (!rc) rc = meta_begin(err);
    if (!rc) {
        rc = persist_partition_update(t, p, err);
        if (!rc)
            rc = meta_commit(err);
        else
            meta_rollback();
    }
    if (rc) {
        p->replication_num = old_rn;
        free(p->storage_medium);
        p->storage_medium = old_sm;
        return STATUS_ERROR;
    }
    free(old_sm);
    return STATUS_OK;
}

static Status swap_tables(Session *s, CatDatabase *db, CatTable *t, const AlterOp *op, Error *err) {
    CatTable *o = catalog_find_table(db, op->new_name);
    if (!o) return err_set(err, ERR_NO_SUCH_TABLE, "Table '%s' doesn't exist", op->new_name);
    if (o == t) return err_set(err, ERR_COMMON, "Table '%s' cannot be swapped with itself", t->name);
    if (o->kind != TABLE_OLAP || t->kind != TABLE_OLAP)
        return err_set(err, ERR_WRONG_OBJECT, "SWAP WITH needs two OLAP tables");
    if (catalog_check_table_usable(o, err)) return STATUS_ERROR;
    if (priv_check(s, PRIV_ALTER, db->name, o->name, err)) return STATUS_ERROR;
    char *a = t->name, *b = o->name;
    t->name = b;
    o->name = a;
    Status rc = meta_begin(err);
    /* Names are unique per database: move one aside first so neither UPDATE sees a duplicate. */
    if (!rc) {
        rc = persist_table_update(t, err);
        if (!rc) rc = persist_table_update(o, err);
        if (!rc)
            rc = meta_commit(err);
        else
            meta_rollback();
    }
    if (rc) {
        t->name = a;
        o->name = b;
        return STATUS_ERROR;
    }
    if (t->nindexes) {
        free(t->indexes[0]->name);
        t->indexes[0]->name = cat_strdup(t->name);
    }
    if (o->nindexes) {
        free(o->indexes[0]->name);
        o->indexes[0]->name = cat_strdup(o->name);
    }
    return STATUS_OK;
}

static Status set_comment(CatTable *t, const AlterOp *op, Error *err) {
    char *old = t->comment;
    t->comment = cat_strdup(op->new_name ? op->new_name : "");
    if (commit_table(t, err)) {
        free(t->comment);
        t->comment = old;
        return STATUS_ERROR;
    }
    free(old);
    return STATUS_OK;
}

Status ddl_alter_table(Session *s, const Stmt *st, ResultSink *out, Error *err) {
    const AlterTableStmt *a = &st->u.alter_table;
    catalog_wrlock();
    CatDatabase *db = NULL;
    CatTable *t = NULL;
    Status rc = catalog_resolve_table(s, a->db, a->name, &db, &t, err);
    if (!rc) rc = priv_check(s, PRIV_ALTER, db->name, t->name, err);
    if (!rc) rc = catalog_check_table_usable(t, err);
    if (!rc && t->kind == TABLE_VIEW)
        rc = err_set(err, ERR_WRONG_OBJECT, "'%s.%s' is a view: use ALTER VIEW", db->name, t->name);
    for (int i = 0; i < a->nops && !rc; i++) {
        const AlterOp *op = &a->ops[i];
        switch (op->kind) {
        case ALTER_ADD_PARTITION: rc = add_partition(t, op, err); break;
        case ALTER_DROP_PARTITION: rc = drop_partition(t, op, err); break;
        case ALTER_RENAME: rc = rename_table(db, t, op, err); break;
        case ALTER_RENAME_PARTITION: rc = rename_partition(t, op, err); break;
        case ALTER_SET_PROPERTIES: rc = set_properties(t, op, err); break;
        case ALTER_MODIFY_PARTITION_PROPERTIES: rc = modify_partition(t, op, err); break;
        case ALTER_COMMENT: rc = set_comment(t, op, err); break;
        case ALTER_SWAP: rc = swap_tables(s, db, t, op, err); break;
        default:
            rc = err_set(err, ERR_NOT_SUPPORTED,
                         "ALTER TABLE column and rollup changes (schema change) are not supported yet: create a new "
                         "table and copy the data with INSERT INTO ... SELECT");
        }
        if (!rc) t->update_time_ms = clock_now_ms();
    }
    catalog_unlock();
    cat_reap_dead();
    if (rc) return rc;
    return ddl_ok(out, 0, err);
}
