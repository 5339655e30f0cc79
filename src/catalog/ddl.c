/* Registration of the catalog's statement handlers, and helpers every handler shares. */
#include <string.h>

#include "catalog/ddl_int.h"
#include "sql/execute.h"

void catalog_register_statements(void) {
    sql_register(STMT_USE, ddl_use);
    sql_register(STMT_CREATE_DATABASE, ddl_create_database);
    sql_register(STMT_DROP_DATABASE, ddl_drop_database);
    sql_register(STMT_SHOW_DATABASES, ddl_show_databases);
    sql_register(STMT_SHOW_CREATE_DATABASE, ddl_show_create_database);
    sql_register(STMT_CREATE_TABLE, ddl_create_table);
    sql_register(STMT_DROP_TABLE, ddl_drop_table);
    sql_register(STMT_TRUNCATE, ddl_truncate);
    sql_register(STMT_ALTER_TABLE, ddl_alter_table);
    sql_register(STMT_CREATE_VIEW, ddl_create_view);
    sql_register(STMT_ALTER_VIEW, ddl_alter_view);
    sql_register(STMT_DROP_VIEW, ddl_drop_view);
    sql_register(STMT_SHOW_TABLES, ddl_show_tables);
    sql_register(STMT_SHOW_TABLE_STATUS, ddl_show_table_status);
    sql_register(STMT_SHOW_COLUMNS, ddl_show_columns);
    sql_register(STMT_SHOW_CREATE_TABLE, ddl_show_create_table);
    sql_register(STMT_SHOW_PARTITIONS, ddl_show_partitions);
    sql_register(STMT_SHOW_DATA, ddl_show_data);
}

Status ddl_ok(ResultSink *out, uint64_t affected, Error *err) {
    return out->ok(out, affected, 0, NULL, err);
}

bool ddl_has_any_table_priv(const Session *s, const char *db, const char *table) {
    static const Priv privs[] = {PRIV_SELECT, PRIV_INSERT, PRIV_UPDATE, PRIV_DELETE, PRIV_ALTER, PRIV_DROP,
                                 PRIV_EXPORT};
    for (size_t i = 0; i < sizeof privs / sizeof privs[0]; i++)
        if (priv_has(s, privs[i], db, table)) return true;
    return false;
}

const char *ddl_db_name(const Session *s, const char *db, Error *err) {
    if (db && *db) return db;
    if (s && s->db[0]) return s->db;
    err_set(err, ERR_NO_DB, "No database selected");
    return NULL;
}
