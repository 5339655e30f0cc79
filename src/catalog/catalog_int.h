/* Internals shared by the catalog's source files (not for other modules): the global model state, id maps,
 * object constructors and destructors, the SQLite persistence of catalog objects and JSON helpers.
 * Everything here assumes the caller holds the catalog lock as catalog.h describes. */
#ifndef CAIRN_CATALOG_CATALOG_INT_H
#define CAIRN_CATALOG_CATALOG_INT_H

#include "catalog/catalog.h"
#include "catalog/meta_store.h"

/* ---------------------------------------------------------------- id map: int64 id -> pointer */

typedef struct IdMap {
    int64_t *keys; /* 0 = empty slot (object ids start at 10001) */
    void **vals;
    size_t cap, len;
} IdMap;

void idmap_put(IdMap *m, int64_t key, void *val);
void *idmap_get(const IdMap *m, int64_t key);
void idmap_del(IdMap *m, int64_t key);
void idmap_free(IdMap *m);

/* ---------------------------------------------------------------- global state */

typedef struct CatalogState {
    CatDatabase **dbs; /* visible databases, creation order */
    int ndbs, capdbs;
    IdMap dbs_by_id;
    IdMap tables_by_id;     /* every table, hidden ones too */
    IdMap parts_by_id;      /* every partition, hidden ones too */
    IdMap tablets_by_id;
    IdMap pinned;           /* rowset id -> (void *)1 when some job pins it durably; guarded by pin_mu */
    CatStorageOps ops;
    bool open;
} CatalogState;

extern CatalogState g_cat;

/* ---------------------------------------------------------------- objects */

char *cat_strdup(const char *s); /* NULL -> NULL; aborts on OOM like the arena */
void cat_props_set(CatProps *p, const char *key, const char *value); /* replaces or appends */
void cat_props_del(CatProps *p, const char *key);
void cat_props_copy(CatProps *dst, const CatProps *src);
void cat_props_free(CatProps *p);
void cat_column_copy(CatColumn *dst, const CatColumn *src);
void cat_column_free(CatColumn *c);
void cat_bound_copy(CatBound *dst, const CatBound *src, const DataType *types);
void cat_bound_free(CatBound *b, const DataType *types);
void cat_rowset_free(CatRowset *rs);
CatRowset *cat_rowset_from_meta(int64_t tablet_id, const CatRowsetMeta *m);
void cat_tablet_free(CatTablet *t);   /* memory only: never deletes files */
/* A partition being dropped: its rowsets become garbage whose files go when the last reader lets go. */
void cat_partition_drop_data(CatPartition *p);
/* Keeps the base index (indexes[0]) a copy of the table's columns and keys; creates it if missing. */
void cat_table_sync_base_index(CatTable *t);
void cat_tablet_add_rowset(CatTablet *t, CatRowset *rs);
void cat_partition_free(CatPartition *p, const CatTable *t);
void cat_index_free(CatIndex *ix);
void cat_db_free(CatDatabase *db);
/* The partition-column types of a table (for bounds), filled into types[] (at most 8 columns). */
int cat_part_types(const CatTable *t, DataType *types);

/* Adds/removes objects to/from the in-memory model and its id maps (write lock held). */
void cat_attach_db(CatDatabase *db);
void cat_detach_db(CatDatabase *db);
void cat_attach_table(CatDatabase *db, CatTable *t); /* hidden tables too: name lookups skip them */
void cat_detach_table(CatTable *t);
void cat_attach_partition(CatTable *t, CatPartition *p); /* keeps RANGE partitions sorted by lower bound */
void cat_detach_partition(CatTable *t, CatPartition *p);
void cat_attach_tablets(CatPartition *p);
void cat_detach_tablets(CatPartition *p);
void cat_sort_partitions(CatTable *t);

/* Buckets of a new partition when the table gives none (BUCKETS omitted): see docs/sql/tables.md. */
int cat_auto_buckets(const CatTable *t);
/* A new empty partition of t (id, tablets, table defaults for replication and medium; no bounds). */
CatPartition *cat_partition_new(const CatTable *t, const char *name, Error *err);
/* Creates the tablets of a partition (ids from meta_next_id): one per bucket of every index. */
Status cat_partition_make_tablets(const CatTable *t, CatPartition *p, Error *err) MUST_CHECK;
/* Assigns fresh ids to a detached table, its indexes, partitions and tablets. */
Status cat_table_assign_ids(CatTable *t, Error *err) MUST_CHECK;

/* Compares two bounds as tuples (MIN < any value < MAX); missing trailing values count as MIN. */
int cat_bound_compare(const CatTable *t, const CatBound *a, const CatBound *b);
/* Whether any two partitions of t overlap (range) or share a value (list); message names both. */
Status cat_check_partition_conflict(const CatTable *t, const CatPartition *p, Error *err) MUST_CHECK;
/* Appends the text of a bound's values in SQL form: ("2024-01-01", "a") or (MAXVALUE). */
void cat_format_bound_sql(const CatTable *t, const CatBound *b, bool lower, StrBuf *out);

/* ---------------------------------------------------------------- persistence (catalog_persist.c)
 * Each writes inside the caller's meta transaction (meta_begin held). */
Status cat_migrate(Error *err) MUST_CHECK;
Status persist_db_insert(const CatDatabase *db, Error *err) MUST_CHECK;
Status persist_db_update(const CatDatabase *db, Error *err) MUST_CHECK;
Status persist_db_delete(int64_t db_id, Error *err) MUST_CHECK;
Status persist_table_insert(const CatTable *t, Error *err) MUST_CHECK; /* the table, its partitions, tablets */
Status persist_table_update(const CatTable *t, Error *err) MUST_CHECK; /* def, name, state, db */
Status persist_table_delete(int64_t table_id, Error *err) MUST_CHECK;  /* cascades to partitions... */
Status persist_partition_insert(const CatTable *t, const CatPartition *p, Error *err) MUST_CHECK;
Status persist_partition_update(const CatTable *t, const CatPartition *p, Error *err) MUST_CHECK;
Status persist_partition_delete(int64_t part_id, Error *err) MUST_CHECK;
Status persist_rowset_insert(const CatRowset *rs, Error *err) MUST_CHECK;
Status persist_rowset_state(int64_t rowset_id, CatRowsetState state, Error *err) MUST_CHECK;
Status persist_rowset_delete(int64_t rowset_id, Error *err) MUST_CHECK;
/* Loads every row into the in-memory model (catalog_open). */
Status persist_load_all(Error *err) MUST_CHECK;

/* ---------------------------------------------------------------- JSON (catalog_json.c) */
json_t *cat_partition_to_json(const CatTable *t, const CatPartition *p, bool with_tablets);
Status cat_partition_from_json(const CatTable *t, const json_t *j, CatPartition **out, Error *err) MUST_CHECK;
json_t *cat_rowset_segments_to_json(const CatRowset *rs);
Status cat_rowset_segments_from_json(CatRowset *rs, const json_t *j, Error *err) MUST_CHECK;
json_t *cat_props_to_json(const CatProps *p);
void cat_props_from_json(CatProps *p, const json_t *j);
/* Text <-> a bound of t's partition columns; text is the JSON form {"min":true} / {"max":true} / {"v":[..]}. */
json_t *cat_bound_to_json(const CatTable *t, const CatBound *b);
Status cat_bound_from_json(const CatTable *t, const json_t *j, CatBound *out, Error *err) MUST_CHECK;
/* Parses one value of a partition column from text into a malloc-owned Datum. */
Status cat_datum_parse(const DataType *type, const char *text, Datum *out, Error *err) MUST_CHECK;
void cat_datum_free(const DataType *type, Datum *d);

/* ---------------------------------------------------------------- rowsets, GC, pins (rowset_gc.c) */
bool cat_pinned_locked(int64_t rowset_id); /* caller holds the pin mutex (rowset_gc.c) */
Status cat_pins_load(Error *err) MUST_CHECK;
void cat_rowset_detach(CatRowset *rs);  /* before dropping the catalog's reference of a dropped rowset */
void cat_stale_forget(CatRowset *rs);   /* write lock held */
void cat_stale_reset(void);             /* catalog_close: the list's rowsets are freed with their tablets */
/* Marks rowsets stale in memory (write lock held); their files go when unpinned (catalog_gc). */
void cat_rowset_mark_stale(CatRowset *rs);
/* Deletes the files of rowsets whose last reference went away and frees them. Call without the lock. */
void cat_reap_dead(void);
/* catalog_gc when the write lock is free right now; skipped (left for the next pass) otherwise. */
void cat_gc_try(void);
bool cat_trywrlock(void);

#endif
