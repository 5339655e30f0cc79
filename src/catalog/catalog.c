/* The in-memory catalog (interim: compiling stubs while the model lands; every entry point reports
 * ERR_NOT_SUPPORTED or finds nothing, so callers can link against catalog.h today). */
#include "catalog/catalog.h"

#include <pthread.h>

CatViewValidator catalog_view_validator;

static pthread_rwlock_t g_lock = PTHREAD_RWLOCK_INITIALIZER;

#define NOT_YET(err) err_set((err), ERR_NOT_SUPPORTED, "the catalog is not implemented yet (%s)", __func__)

Status catalog_open(Error *err) { (void)err; return STATUS_OK; }
void catalog_close(void) {}
void catalog_rdlock(void) { pthread_rwlock_rdlock(&g_lock); }
void catalog_wrlock(void) { pthread_rwlock_wrlock(&g_lock); }
void catalog_unlock(void) { pthread_rwlock_unlock(&g_lock); }

CatDatabase *catalog_find_db(const char *name) { (void)name; return NULL; }
CatDatabase *catalog_find_db_by_id(int64_t id) { (void)id; return NULL; }
CatTable *catalog_find_table(const CatDatabase *db, const char *name) { (void)db; (void)name; return NULL; }
CatTable *catalog_find_table_by_id(int64_t id) { (void)id; return NULL; }
CatPartition *catalog_find_partition(const CatTable *t, const char *name) { (void)t; (void)name; return NULL; }
CatPartition *catalog_find_partition_by_id(const CatTable *t, int64_t id) { (void)t; (void)id; return NULL; }
int catalog_find_column(const CatTable *t, const char *name) { (void)t; (void)name; return -1; }
CatTablet *catalog_find_tablet(int64_t tablet_id, CatTable **table_out, CatPartition **part_out) {
    (void)tablet_id; (void)table_out; (void)part_out; return NULL;
}
void catalog_each_db(void (*fn)(void *ctx, CatDatabase *db), void *ctx) { (void)fn; (void)ctx; }
int catalog_index_pos(const CatTable *t, int64_t index_id) { (void)t; (void)index_id; return -1; }
CatTablet *catalog_partition_tablet(const CatPartition *p, int index_pos, int bucket) {
    (void)p; (void)index_pos; (void)bucket; return NULL;
}
void catalog_partition_stats(const CatPartition *p, int64_t *nrows, int64_t *data_size) {
    (void)p; *nrows = 0; *data_size = 0;
}
Status catalog_resolve_db(const Session *s, const char *db, CatDatabase **out, Error *err) {
    (void)s; (void)db; (void)out; return NOT_YET(err);
}
Status catalog_resolve_table(const Session *s, const char *db, const char *name, CatDatabase **db_out,
                             CatTable **t_out, Error *err) {
    (void)s; (void)db; (void)name; (void)db_out; (void)t_out; return NOT_YET(err);
}
Status catalog_check_table_usable(const CatTable *t, Error *err) { (void)t; (void)err; return STATUS_OK; }
Status catalog_route_row(const CatTable *t, const Datum *keys, CatPartition **out, Error *err) {
    (void)t; (void)keys; (void)out; return NOT_YET(err);
}
Status catalog_expr_partition_for(const CatTable *t, const Datum *key, char *name, size_t name_len,
                                  CatBound *lower, CatBound *upper, Arena *arena, Error *err) {
    (void)t; (void)key; (void)name; (void)name_len; (void)lower; (void)upper; (void)arena; return NOT_YET(err);
}
Status catalog_add_expr_partitions(int64_t table_id, const Datum *keys, int nkeys, Error *err) {
    (void)table_id; (void)keys; (void)nkeys; return NOT_YET(err);
}
int catalog_bucket_for_row(const CatTable *t, int buckets, const Datum *dist_vals, uint64_t *rr) {
    (void)t; (void)buckets; (void)dist_vals; (void)rr; return 0;
}
uint64_t catalog_hash_datum(const DataType *type, const Datum *d, uint64_t seed) {
    (void)type; (void)d; return seed;
}
Status catalog_read_view(const CatTable *t, int64_t index_id, const int64_t *part_ids, int nparts,
                         CatReadView **out, Error *err) {
    (void)t; (void)index_id; (void)part_ids; (void)nparts; (void)out; return NOT_YET(err);
}
void catalog_read_view_free(CatReadView *v) { (void)v; }
void catalog_rowset_ref(CatRowset *rs) { (void)rs; }
void catalog_rowset_unref(CatRowset *rs) { (void)rs; }
Status catalog_txn_begin(int64_t db_id, int64_t table_id, const char *label, CatTxn **out, Error *err) {
    (void)db_id; (void)table_id; (void)label; (void)out; return NOT_YET(err);
}
int64_t catalog_txn_id(const CatTxn *txn) { (void)txn; return 0; }
const char *catalog_txn_label(const CatTxn *txn) { (void)txn; return ""; }
Status catalog_txn_add_rowset(CatTxn *txn, int64_t tablet_id, const RowsetMeta *rs, Error *err) {
    (void)txn; (void)tablet_id; (void)rs; return NOT_YET(err);
}
Status catalog_txn_set_overwrite(CatTxn *txn, const int64_t *part_ids, int nparts, Error *err) {
    (void)txn; (void)part_ids; (void)nparts; return NOT_YET(err);
}
Status catalog_txn_commit(CatTxn *txn, Error *err) { (void)txn; return NOT_YET(err); }
void catalog_txn_abort(CatTxn *txn) { (void)txn; }
bool catalog_label_exists(int64_t db_id, const char *label) { (void)db_id; (void)label; return false; }
Status catalog_restore_create_table(int64_t db_id, CatTable *def, int64_t job_id, int64_t *out, Error *err) {
    (void)db_id; (void)def; (void)job_id; (void)out; return NOT_YET(err);
}
Status catalog_restore_set_table_state(int64_t table_id, CatTableState state, int64_t job_id, Error *err) {
    (void)table_id; (void)state; (void)job_id; return NOT_YET(err);
}
Status catalog_restore_add_partition(int64_t table_id, const CatPartition *def, int64_t job_id, int64_t *out,
                                     Error *err) {
    (void)table_id; (void)def; (void)job_id; (void)out; return NOT_YET(err);
}
Status catalog_restore_add_rowset(int64_t tablet_id, const RowsetMeta *rs, int64_t start_version,
                                  int64_t end_version, Error *err) {
    (void)tablet_id; (void)rs; (void)start_version; (void)end_version; return NOT_YET(err);
}
Status catalog_restore_commit(int64_t job_id, const int64_t *part_ids, const int64_t *versions, int n,
                              Error *err) {
    (void)job_id; (void)part_ids; (void)versions; (void)n; return NOT_YET(err);
}
Status catalog_restore_abort(int64_t job_id, Error *err) { (void)job_id; return NOT_YET(err); }
Status catalog_pin_rowsets(int64_t job_id, const int64_t *rowset_ids, int n, Error *err) {
    (void)job_id; (void)rowset_ids; (void)n; return NOT_YET(err);
}
Status catalog_unpin_job(int64_t job_id, Error *err) { (void)job_id; return NOT_YET(err); }
bool catalog_rowset_pinned(int64_t rowset_id) { (void)rowset_id; return false; }
void catalog_set_storage_ops(const CatStorageOps *ops) { (void)ops; }
Status catalog_gc(Error *err) { (void)err; return STATUS_OK; }
void catalog_compaction_start(void) {}
void catalog_compaction_stop(void) {}
json_t *catalog_table_to_json(const CatTable *t, bool with_partitions) { (void)t; (void)with_partitions; return NULL; }
Status catalog_table_from_json(const json_t *j, CatTable **out, Error *err) { (void)j; (void)out; return NOT_YET(err); }
void catalog_table_free(CatTable *t) { (void)t; }
void catalog_show_create(const CatDatabase *db, const CatTable *t, StrBuf *out) { (void)db; (void)t; (void)out; }
void catalog_format_range(const CatTable *t, const CatPartition *p, StrBuf *out) { (void)t; (void)p; (void)out; }
const char *catalog_prop(const CatProps *props, const char *key) { (void)props; (void)key; return NULL; }
