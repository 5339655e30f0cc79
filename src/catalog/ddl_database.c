/* Database statements: USE, CREATE DATABASE, DROP DATABASE, SHOW DATABASES, SHOW CREATE DATABASE.
 * Database names are case-insensitive (StarRocks' rule); the name keeps the case it was created with. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog/ddl_int.h"
#include "util/clock.h"

/* StarRocks' name rule for databases and tables: a letter or '_' first, then letters, digits, '_' or '-';
 * at most 256 characters (cairn: NAME_MAX_LEN, the size sessions keep). */
bool cat_name_ok(const char *s) {
    size_t n = strlen(s);
    if (n < 1 || n > NAME_MAX_LEN) return false;
    if (!((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z') || s[0] == '_')) return false;
    for (size_t i = 1; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-'))
            return false;
    }
    return true;
}

Status ddl_use(Session *s, const Stmt *st, ResultSink *out, Error *err) {
    const char *name = st->u.use.db;
    catalog_rdlock();
    CatDatabase *db = catalog_find_db(name);
    char canon[NAME_MAX_LEN + 1] = "";
    if (db) snprintf(canon, sizeof canon, "%s", db->name);
    catalog_unlock();
    if (!db) return err_set(err, ERR_BAD_DB, "Unknown database '%s'", name);
    if (!priv_has_any_in_db(s, canon))
        return err_set(err, ERR_DB_ACCESS_DENIED, "Access denied for user '%s'@'%%' to database '%s'", s->user, canon);
    snprintf(s->db, sizeof s->db, "%s", canon);
    return ddl_ok(out, 0, err);
}

Status ddl_create_database(Session *s, const Stmt *st, ResultSink *out, Error *err) {
    const CreateDatabaseStmt *c = &st->u.create_db;
    if (!cat_name_ok(c->db))
        return err_set(err, ERR_WRONG_OBJECT,
                       "Incorrect database name '%s': use letters, digits, '_' or '-', starting with a letter or '_', "
                       "at most %d characters",
                       c->db, NAME_MAX_LEN);
    if (priv_check(s, PRIV_CREATE, NULL, NULL, err)) return STATUS_ERROR;
    catalog_wrlock();
    if (catalog_find_db(c->db)) {
        catalog_unlock();
        if (c->if_not_exists) return ddl_ok(out, 0, err);
        return err_set(err, ERR_DB_EXISTS, "Can't create database '%s'; database exists", c->db);
    }
    CatDatabase *db = calloc(1, sizeof *db);
    if (!db) abort();
    db->name = cat_strdup(c->db);
    db->create_time_ms = clock_now_ms();
    for (int i = 0; i < c->props.n; i++) cat_props_set(&db->props, c->props.items[i].key, c->props.items[i].value);
    Status rc = meta_next_id(&db->id, err);
    if (!rc) rc = meta_begin(err);
    if (!rc) {
        rc = persist_db_insert(db, err);
        if (!rc)
            rc = meta_commit(err);
        else
            meta_rollback();
    }
    if (rc)
        cat_db_free(db);
    else
        cat_attach_db(db);
    catalog_unlock();
    if (rc) return rc;
    return ddl_ok(out, 0, err);
}

Status ddl_drop_database(Session *s, const Stmt *st, ResultSink *out, Error *err) {
    const DropDatabaseStmt *d = &st->u.drop_db;
    catalog_wrlock();
    CatDatabase *db = catalog_find_db(d->db);
    if (!db) {
        catalog_unlock();
        if (d->if_exists) return ddl_ok(out, 0, err);
        return err_set(err, ERR_DB_DROP_EXISTS, "Can't drop database '%s'; database doesn't exist", d->db);
    }
    Status rc = priv_check(s, PRIV_DROP, db->name, NULL, err);
    for (int i = 0; i < db->ntables && !rc; i++)
        if (db->tables[i]->state != TABLE_NORMAL)
            rc = err_set(err, ERR_TABLE_STATE,
                         "Table %s is in restore process. Can not operate on it (database '%s' cannot be dropped "
                         "while a restore job writes into it)",
                         db->tables[i]->name, db->name);
    if (!rc) rc = meta_begin(err);
    if (!rc) {
        rc = persist_db_delete(db->id, err);
        if (!rc)
            rc = meta_commit(err);
        else
            meta_rollback();
    }
    if (!rc) {
        cat_detach_db(db);
        for (int i = 0; i < db->ntables; i++)
            for (int k = 0; k < db->tables[i]->nparts; k++) cat_partition_drop_data(db->tables[i]->parts[k]);
        cat_db_free(db);
    }
    catalog_unlock();
    cat_reap_dead();
    if (rc) return rc;
    return ddl_ok(out, 0, err);
}

typedef struct DbList {
    const Session *s;
    ShowRows *rows;
} DbList;

static void add_db_row(void *ctx, CatDatabase *db) {
    DbList *l = ctx;
    if (!priv_has_any_in_db(l->s, db->name)) return;
    const char *cells[1] = {db->name};
    show_rows_add(l->rows, cells);
}

Status ddl_show_databases(Session *s, const Stmt *st, ResultSink *out, Error *err) {
    ShowRows rows;
    show_rows_init(&rows, 1);
    DbList l = {s, &rows};
    catalog_rdlock();
    catalog_each_db(add_db_row, &l);
    catalog_unlock();
    ResultColumn cols[1] = {result_col_varchar("Database")};
    Status rc = show_send(out, cols, 1, &rows, &st->u.show, 0, err);
    show_rows_free(&rows);
    return rc;
}

Status ddl_show_create_database(Session *s, const Stmt *st, ResultSink *out, Error *err) {
    const char *name = ddl_db_name(s, st->u.show.db ? st->u.show.db : st->u.show.table, err);
    if (!name) return STATUS_ERROR;
    catalog_rdlock();
    CatDatabase *db = catalog_find_db(name);
    StrBuf sb = STRBUF_INIT;
    char canon[NAME_MAX_LEN + 1] = "";
    if (db) {
        cat_show_create_database(db, &sb);
        snprintf(canon, sizeof canon, "%s", db->name);
    }
    catalog_unlock();
    Status rc = STATUS_OK;
    if (!db)
        rc = err_set(err, ERR_BAD_DB, "Unknown database '%s'", name);
    else if (!priv_has_any_in_db(s, canon))
        rc = err_set(err, ERR_DB_ACCESS_DENIED, "Access denied for user '%s'@'%%' to database '%s'", s->user, canon);
    if (!rc) {
        ResultColumn cols[2] = {result_col_varchar("Database"), result_col_varchar("Create Database")};
        const char *cells[2] = {canon, sb_str(&sb)};
        rc = result_send_table(out, cols, 2, cells, 1, err);
    }
    sb_free(&sb);
    return rc;
}
