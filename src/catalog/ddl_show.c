/* SHOW statements about tables: SHOW [FULL] TABLES, SHOW TABLE STATUS, DESC / SHOW [FULL] COLUMNS,
 * SHOW CREATE TABLE / VIEW, SHOW [TEMPORARY] PARTITIONS and SHOW DATA, with StarRocks' columns. Rows are
 * built under the read lock as text, then sent after the lock is released. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "catalog/ddl_int.h"
#include "util/clock.h"

static int cmp_table_name(const void *a, const void *b) {
    return strcmp((*(CatTable *const *)a)->name, (*(CatTable *const *)b)->name);
}

/* Visible tables of db in name order (the array is malloc'd; pointers valid under the lock). */
static CatTable **sorted_tables(const CatDatabase *db, int *n) {
    CatTable **v = calloc((size_t)(db->ntables ? db->ntables : 1), sizeof *v);
    if (!v) abort();
    *n = 0;
    for (int i = 0; i < db->ntables; i++)
        if (db->tables[i]->state != TABLE_RESTORE_HIDDEN) v[(*n)++] = db->tables[i];
    qsort(v, (size_t)*n, sizeof *v, cmp_table_name);
    return v;
}

static void fmt_i64(char *buf, size_t n, int64_t v) {
    snprintf(buf, n, "%lld", (long long)v);
}

/* ---------------------------------------------------------------- SHOW TABLES */

Status ddl_show_tables(Session *s, const Stmt *st, ResultSink *out, Error *err) {
    const ShowStmt *sh = &st->u.show;
    catalog_rdlock();
    CatDatabase *db;
    if (catalog_resolve_db(s, sh->db, &db, err)) {
        catalog_unlock();
        return STATUS_ERROR;
    }
    char colname[NAME_MAX_LEN + 16];
    snprintf(colname, sizeof colname, "Tables_in_%s", db->name);
    int ncols = sh->full ? 2 : 1;
    ShowRows rows;
    show_rows_init(&rows, ncols);
    int n = 0;
    CatTable **v = sorted_tables(db, &n);
    for (int i = 0; i < n; i++) {
        if (!ddl_has_any_table_priv(s, db->name, v[i]->name)) continue;
        const char *cells[2] = {v[i]->name, v[i]->kind == TABLE_OLAP ? "BASE TABLE" : "VIEW"};
        show_rows_add(&rows, cells);
    }
    free(v);
    catalog_unlock();
    ResultColumn cols[2] = {result_col_varchar(colname), result_col_varchar("Table_type")};
    Status rc = show_send(out, cols, ncols, &rows, sh, 0, err);
    show_rows_free(&rows);
    return rc;
}

/* ---------------------------------------------------------------- SHOW TABLE STATUS */

static void table_stats(const CatTable *t, int64_t *rows, int64_t *size) {
    *rows = *size = 0;
    for (int i = 0; i < t->nparts; i++) {
        if (t->parts[i]->state != PART_NORMAL || t->parts[i]->is_temp) continue;
        int64_t r, sz;
        catalog_partition_stats(t->parts[i], &r, &sz);
        *rows += r;
        *size += sz;
    }
}

Status ddl_show_table_status(Session *s, const Stmt *st, ResultSink *out, Error *err) {
    const ShowStmt *sh = &st->u.show;
    static const char *const names[] = {"Name", "Engine", "Version", "Row_format", "Rows", "Avg_row_length",
                                        "Data_length", "Max_data_length", "Index_length", "Data_free",
                                        "Auto_increment", "Create_time", "Update_time", "Check_time", "Collation",
                                        "Checksum", "Create_options", "Comment"};
    enum { N = 18 };
    catalog_rdlock();
    CatDatabase *db;
    if (catalog_resolve_db(s, sh->db, &db, err)) {
        catalog_unlock();
        return STATUS_ERROR;
    }
    ShowRows rows;
    show_rows_init(&rows, N);
    int n = 0;
    CatTable **v = sorted_tables(db, &n);
    for (int i = 0; i < n; i++) {
        const CatTable *t = v[i];
        if (!ddl_has_any_table_priv(s, db->name, t->name)) continue;
        char nrows[32], avg[32], size[32], ct[32], ut[32];
        int64_t r = 0, sz = 0;
        if (t->kind == TABLE_OLAP) table_stats(t, &r, &sz);
        fmt_i64(nrows, sizeof nrows, r);
        fmt_i64(avg, sizeof avg, r ? sz / r : 0);
        fmt_i64(size, sizeof size, sz);
        clock_format_datetime(t->create_time_ms, ct, sizeof ct);
        clock_format_datetime(t->update_time_ms, ut, sizeof ut);
        bool olap = t->kind != TABLE_VIEW;
        const char *cells[N] = {t->name, olap ? "StarRocks" : NULL, NULL, NULL, olap ? nrows : NULL,
                                olap ? avg : NULL, olap ? size : NULL, NULL, NULL, NULL, NULL, ct,
                                olap ? ut : NULL, NULL, olap ? "utf8_general_ci" : NULL, NULL, "",
                                olap ? t->comment : "VIEW"};
        show_rows_add(&rows, cells);
    }
    free(v);
    catalog_unlock();
    ResultColumn cols[N];
    for (int i = 0; i < N; i++) cols[i] = result_col_varchar(names[i]);
    Status rc = show_send(out, cols, N, &rows, sh, 0, err);
    show_rows_free(&rows);
    return rc;
}

/* ---------------------------------------------------------------- DESC / SHOW COLUMNS */

/* StarRocks' DESC type spelling: upper-case, DECIMAL(10,2), VARCHAR(20); STRING as VARCHAR(65533). */
static void desc_type(const DataType *t, StrBuf *out) {
    switch (t->id) {
    case TYPE_DECIMAL: sb_appendf(out, "DECIMAL(%d,%d)", t->precision, t->scale); break;
    case TYPE_CHAR: sb_appendf(out, "CHAR(%d)", t->len); break;
    case TYPE_VARCHAR: sb_appendf(out, "VARCHAR(%d)", t->len); break;
    case TYPE_STRING: sb_appendf(out, "VARCHAR(%d)", t->len ? t->len : STRING_DEFAULT_LEN); break;
    default: sb_append(out, type_name(t->id));
    }
}

static const char *default_text(const CatColumn *c) {
    switch (c->default_kind) {
    case CAT_DEFAULT_VALUE: return c->default_value;
    case CAT_DEFAULT_CURRENT_TIMESTAMP: return "CURRENT_TIMESTAMP";
    default: return NULL;
    }
}

static const char *keys_desc_name(KeysType k) {
    switch (k) {
    case KEYS_AGGREGATE: return "AGG_KEYS";
    case KEYS_UNIQUE: return "UNIQUE_KEYS";
    case KEYS_PRIMARY: return "PRIMARY_KEYS";
    default: return "DUP_KEYS";
    }
}

/* Whether the statement was written DESC/DESCRIBE (StarRocks' layout) rather than SHOW COLUMNS (MySQL's). */
static bool written_as_desc(const Stmt *st) {
    const char *p = st->src ? st->src : "";
    while (isspace((unsigned char)*p)) p++;
    return !strncasecmp(p, "desc", 4);
}

static void add_desc_row(ShowRows *rows, const CatColumn *c, bool agg_table, const char *ix_name, const char *ix_keys,
                         bool with_index) {
    StrBuf ty = STRBUF_INIT;
    desc_type(&c->type, &ty);
    const char *extra = agg_table && c->agg ? agg_type_name(c->agg) : "";
    if (with_index) {
        const char *cells[8] = {ix_name, ix_keys, c->name, sb_str(&ty), c->nullable ? "Yes" : "No",
                                c->is_key ? "true" : "false", default_text(c), extra};
        show_rows_add(rows, cells);
    } else {
        const char *cells[6] = {c->name, sb_str(&ty), c->nullable ? "Yes" : "No", c->is_key ? "true" : "false",
                                default_text(c), extra};
        show_rows_add(rows, cells);
    }
    sb_free(&ty);
}

Status ddl_show_columns(Session *s, const Stmt *st, ResultSink *out, Error *err) {
    const ShowStmt *sh = &st->u.show;
    bool desc = written_as_desc(st);
    catalog_rdlock();
    CatDatabase *db = NULL;
    CatTable *t = NULL;
    Status rc = catalog_resolve_table(s, sh->db, sh->table, &db, &t, err);
    if (!rc) rc = priv_check(s, PRIV_SELECT, db->name, t->name, err);
    if (rc) {
        catalog_unlock();
        return rc;
    }
    ShowRows rows;
    ResultColumn cols[9];
    int ncols;
    if (desc && sh->all && t->kind != TABLE_VIEW) {
        static const char *const names[] = {"IndexName", "IndexKeysType", "Field", "Type", "Null", "Key", "Default",
                                            "Extra"};
        ncols = 8;
        for (int i = 0; i < ncols; i++) cols[i] = result_col_varchar(names[i]);
        show_rows_init(&rows, ncols);
        for (int ix = 0; ix < t->nindexes; ix++) {
            const CatIndex *x = t->indexes[ix];
            if (ix) {
                const char *blank[8] = {"", "", "", "", "", "", "", ""};
                show_rows_add(&rows, blank);
            }
            for (int i = 0; i < x->ncols; i++)
                add_desc_row(&rows, &x->cols[i], x->keys == KEYS_AGGREGATE, i ? "" : x->name,
                             i ? "" : keys_desc_name(x->keys), true);
        }
    } else if (desc || !sh->full) {
        static const char *const names[] = {"Field", "Type", "Null", "Key", "Default", "Extra"};
        ncols = 6;
        for (int i = 0; i < ncols; i++) cols[i] = result_col_varchar(names[i]);
        show_rows_init(&rows, ncols);
        const CatColumn *cs = t->kind == TABLE_VIEW ? t->view_cols : t->cols;
        int n = t->kind == TABLE_VIEW ? t->nview_cols : t->ncols;
        for (int i = 0; i < n; i++) {
            if (desc) {
                add_desc_row(&rows, &cs[i], t->keys == KEYS_AGGREGATE, NULL, NULL, false);
                continue;
            }
            StrBuf ty = STRBUF_INIT;
            type_format_sql(&cs[i].type, &ty);
            const char *cells[6] = {cs[i].name, sb_str(&ty), cs[i].nullable ? "YES" : "NO",
                                    cs[i].is_key ? "true" : "false", default_text(&cs[i]),
                                    t->keys == KEYS_AGGREGATE && cs[i].agg ? agg_type_name(cs[i].agg) : ""};
            show_rows_add(&rows, cells);
            sb_free(&ty);
        }
    } else {
        static const char *const names[] = {"Field", "Type", "Collation", "Null", "Key", "Default", "Extra",
                                            "Privileges", "Comment"};
        ncols = 9;
        for (int i = 0; i < ncols; i++) cols[i] = result_col_varchar(names[i]);
        show_rows_init(&rows, ncols);
        const CatColumn *cs = t->kind == TABLE_VIEW ? t->view_cols : t->cols;
        int n = t->kind == TABLE_VIEW ? t->nview_cols : t->ncols;
        for (int i = 0; i < n; i++) {
            StrBuf ty = STRBUF_INIT;
            type_format_sql(&cs[i].type, &ty);
            const char *cells[9] = {cs[i].name, sb_str(&ty), type_is_string(cs[i].type.id) ? "utf8_general_ci" : NULL,
                                    cs[i].nullable ? "YES" : "NO", cs[i].is_key ? "true" : "false",
                                    default_text(&cs[i]),
                                    t->keys == KEYS_AGGREGATE && cs[i].agg ? agg_type_name(cs[i].agg) : "",
                                    "select,insert,update,references", cs[i].comment ? cs[i].comment : ""};
            show_rows_add(&rows, cells);
            sb_free(&ty);
        }
    }
    catalog_unlock();
    /* DESC takes no LIKE/WHERE; SHOW COLUMNS filters on Field. */
    rc = show_send(out, cols, ncols, &rows, desc ? NULL : sh, 0, err);
    show_rows_free(&rows);
    return rc;
}

/* ---------------------------------------------------------------- SHOW CREATE TABLE / VIEW */

Status ddl_show_create_table(Session *s, const Stmt *st, ResultSink *out, Error *err) {
    const ShowStmt *sh = &st->u.show;
    catalog_rdlock();
    CatDatabase *db = NULL;
    CatTable *t = NULL;
    Status rc = catalog_resolve_table(s, sh->db, sh->table, &db, &t, err);
    if (!rc) rc = priv_check(s, PRIV_SELECT, db->name, t->name, err);
    bool want_view = sh->what && !strcasecmp(sh->what, "VIEW");
    if (!rc && want_view && t->kind != TABLE_VIEW)
        rc = err_set(err, ERR_WRONG_OBJECT, "'%s.%s' is not VIEW", db->name, t->name);
    if (!rc && sh->what && !strcasecmp(sh->what, "MATERIALIZED VIEW") && t->kind != TABLE_MV)
        rc = err_set(err, ERR_WRONG_OBJECT, "'%s.%s' is not MATERIALIZED VIEW", db->name, t->name);
    StrBuf sb = STRBUF_INIT;
    char name[NAME_MAX_LEN + 1] = "";
    bool is_view = false;
    if (!rc) {
        catalog_show_create(db, t, &sb);
        snprintf(name, sizeof name, "%s", t->name);
        is_view = t->kind == TABLE_VIEW;
    }
    catalog_unlock();
    if (!rc) {
        if (is_view) {
            ResultColumn cols[4] = {result_col_varchar("View"), result_col_varchar("Create View"),
                                    result_col_varchar("character_set_client"),
                                    result_col_varchar("collation_connection")};
            const char *cells[4] = {name, sb_str(&sb), "utf8", "utf8_general_ci"};
            rc = result_send_table(out, cols, 4, cells, 1, err);
        } else {
            ResultColumn cols[2] = {result_col_varchar("Table"), result_col_varchar("Create Table")};
            const char *cells[2] = {name, sb_str(&sb)};
            rc = result_send_table(out, cols, 2, cells, 1, err);
        }
    }
    sb_free(&sb);
    return rc;
}

/* ---------------------------------------------------------------- SHOW PARTITIONS */

/* StarRocks' byte counts: "0B", then three decimals and a unit. */
static void pretty_bytes(int64_t v, char *buf, size_t n, bool space_b) {
    static const char *const units[] = {"KB", "MB", "GB", "TB", "PB"};
    if (v < 1024) {
        if (space_b)
            snprintf(buf, n, "%.3f B", (double)v);
        else
            snprintf(buf, n, "%lldB", (long long)v);
        return;
    }
    double d = (double)v;
    int u = -1;
    while (d >= 1024 && u < 4) {
        d /= 1024;
        u++;
    }
    snprintf(buf, n, "%.3f %s", d, units[u]);
}

static void col_names(const CatTable *t, const int *pos, int n, StrBuf *out) {
    for (int i = 0; i < n; i++) sb_appendf(out, "%s%s", i ? ", " : "", t->cols[pos[i]].name);
}

Status ddl_show_partitions(Session *s, const Stmt *st, ResultSink *out, Error *err) {
    const ShowStmt *sh = &st->u.show;
    static const char *const names[] = {"PartitionId", "PartitionName", "VisibleVersion", "VisibleVersionTime",
                                        "VisibleVersionHash", "State", "PartitionKey", "Range", "DistributionKey",
                                        "Buckets", "ReplicationNum", "StorageMedium", "CooldownTime",
                                        "LastConsistencyCheckTime", "DataSize", "IsInMemory", "RowCount"};
    enum { N = 17 };
    catalog_rdlock();
    CatDatabase *db = NULL;
    CatTable *t = NULL;
    Status rc = catalog_resolve_table(s, sh->db, sh->table, &db, &t, err);
    if (!rc) rc = priv_check(s, PRIV_SELECT, db->name, t->name, err);
    if (!rc && t->kind == TABLE_VIEW)
        rc = err_set(err, ERR_WRONG_OBJECT, "'%s.%s' is a view: it has no partitions", db->name, t->name);
    if (rc) {
        catalog_unlock();
        return rc;
    }
    ShowRows rows;
    show_rows_init(&rows, N);
    StrBuf pkey = STRBUF_INIT, dkey = STRBUF_INIT;
    col_names(t, t->part_cols, t->npart_cols, &pkey);
    if (t->dist_type == DIST_HASH)
        col_names(t, t->dist_cols, t->ndist_cols, &dkey);
    else
        sb_append(&dkey, "ALL");
    for (int i = 0; i < t->nparts; i++) {
        const CatPartition *p = t->parts[i];
        if (p->state != PART_NORMAL || p->is_temp != sh->temporary) continue;
        char id[32], ver[32], vtime[32], buckets[32], repl[32], size[48], nrows[32];
        int64_t r, sz;
        catalog_partition_stats(p, &r, &sz);
        fmt_i64(id, sizeof id, p->id);
        fmt_i64(ver, sizeof ver, p->visible_version);
        clock_format_datetime(p->visible_version_time_ms, vtime, sizeof vtime);
        fmt_i64(buckets, sizeof buckets, p->buckets);
        fmt_i64(repl, sizeof repl, p->replication_num);
        pretty_bytes(sz, size, sizeof size, false);
        fmt_i64(nrows, sizeof nrows, r);
        StrBuf range = STRBUF_INIT;
        catalog_format_range(t, p, &range);
        const char *cells[N] = {id, p->name, ver, vtime, "0", "NORMAL", sb_str(&pkey), sb_str(&range), sb_str(&dkey),
                                buckets, repl, p->storage_medium, "9999-12-31 23:59:59", NULL, size, "false", nrows};
        show_rows_add(&rows, cells);
        sb_free(&range);
    }
    sb_free(&pkey);
    sb_free(&dkey);
    catalog_unlock();
    ResultColumn cols[N];
    for (int i = 0; i < N; i++) cols[i] = result_col_varchar(names[i]);
    rc = show_send(out, cols, N, &rows, sh, -1, err);
    show_rows_free(&rows);
    return rc;
}

/* ---------------------------------------------------------------- SHOW DATA */

static void index_stats(const CatTable *t, int ipos, int64_t *size, int64_t *nrows, int64_t *replicas) {
    *size = *nrows = *replicas = 0;
    for (int i = 0; i < t->nparts; i++) {
        const CatPartition *p = t->parts[i];
        if (p->state != PART_NORMAL || p->is_temp) continue;
        for (int b = 0; b < p->buckets; b++) {
            const CatTablet *tb = catalog_partition_tablet(p, ipos, b);
            if (!tb) continue;
            *replicas += p->replication_num;
            for (int r = 0; r < tb->nrowsets; r++) {
                const CatRowset *rs = tb->rowsets[r];
                if (rs->state != ROWSET_VISIBLE || rs->end_version > p->visible_version) continue;
                *size += rs->data_size;
                *nrows += rs->nrows;
            }
        }
    }
}

Status ddl_show_data(Session *s, const Stmt *st, ResultSink *out, Error *err) {
    const ShowStmt *sh = &st->u.show;
    ShowRows rows;
    Status rc = STATUS_OK;
    catalog_rdlock();
    if (sh->table) {
        CatDatabase *db = NULL;
        CatTable *t = NULL;
        rc = catalog_resolve_table(s, sh->db, sh->table, &db, &t, err);
        if (!rc) rc = priv_check(s, PRIV_SELECT, db->name, t->name, err);
        if (!rc && t->kind == TABLE_VIEW)
            rc = err_set(err, ERR_WRONG_OBJECT, "'%s.%s' is a view: it holds no data", db->name, t->name);
        if (rc) {
            catalog_unlock();
            return rc;
        }
        show_rows_init(&rows, 5);
        int64_t tsize = 0, treplicas = 0;
        for (int ix = 0; ix < t->nindexes; ix++) {
            int64_t size, nrows, replicas;
            index_stats(t, ix, &size, &nrows, &replicas);
            tsize += size;
            treplicas += replicas;
            char sz[48], rep[32], nr[32];
            pretty_bytes(size, sz, sizeof sz, true);
            fmt_i64(rep, sizeof rep, replicas);
            fmt_i64(nr, sizeof nr, nrows);
            const char *cells[5] = {ix ? "" : t->name, t->indexes[ix]->name, sz, rep, nr};
            show_rows_add(&rows, cells);
        }
        char sz[48], rep[32];
        pretty_bytes(tsize, sz, sizeof sz, true);
        fmt_i64(rep, sizeof rep, treplicas);
        const char *total[5] = {"", "Total", sz, rep, ""};
        show_rows_add(&rows, total);
        catalog_unlock();
        ResultColumn cols[5] = {result_col_varchar("TableName"), result_col_varchar("IndexName"),
                                result_col_varchar("Size"), result_col_varchar("ReplicaCount"),
                                result_col_varchar("RowCount")};
        rc = show_send(out, cols, 5, &rows, NULL, -1, err);
        show_rows_free(&rows);
        return rc;
    }
    CatDatabase *db;
    if (catalog_resolve_db(s, sh->db, &db, err)) {
        catalog_unlock();
        return STATUS_ERROR;
    }
    show_rows_init(&rows, 3);
    int n = 0;
    CatTable **v = sorted_tables(db, &n);
    int64_t tsize = 0, treplicas = 0;
    for (int i = 0; i < n; i++) {
        const CatTable *t = v[i];
        if (t->kind == TABLE_VIEW || !ddl_has_any_table_priv(s, db->name, t->name)) continue;
        int64_t size = 0, replicas = 0;
        for (int ix = 0; ix < t->nindexes; ix++) {
            int64_t sz, nr, rep;
            index_stats(t, ix, &sz, &nr, &rep);
            size += sz;
            replicas += rep;
        }
        tsize += size;
        treplicas += replicas;
        char sz[48], rep[32];
        pretty_bytes(size, sz, sizeof sz, true);
        fmt_i64(rep, sizeof rep, replicas);
        const char *cells[3] = {t->name, sz, rep};
        show_rows_add(&rows, cells);
    }
    free(v);
    catalog_unlock();
    char sz[48], rep[32];
    pretty_bytes(tsize, sz, sizeof sz, true);
    fmt_i64(rep, sizeof rep, treplicas);
    const char *total[3] = {"Total", sz, rep};
    show_rows_add(&rows, total);
    ResultColumn cols[3] = {result_col_varchar("TableName"), result_col_varchar("Size"),
                            result_col_varchar("ReplicaCount")};
    rc = show_send(out, cols, 3, &rows, NULL, -1, err);
    show_rows_free(&rows);
    return rc;
}
