/* The load sink (load_sink.h): opening a load, routing rows (under the catalog read lock, one lock per batch)
 * to partitions, buckets and their tablets' chunks, and commit. The writer threads that turn full chunks into
 * segment files are in load_writers.c. Commit drains the queues, finishes every writer (fsync), reports each
 * rowset to the catalog transaction and commits it: the files exist before any metadata names them, and a
 * crash before the commit leaves only files the start-up sweep removes. */
#include "load/load_sink.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "catalog/catalog.h"
#include "load/load_sink_int.h"
#include "load/load_util.h"
#include "mv/mv.h"
#include "server/config.h"
#include "util/arena.h"
#include "util/clock.h"
#include "util/log.h"
#include "util/str.h"


/* ---------------------------------------------------------------- running labels */

/* Labels of the loads this module is running, so a refused label can be reported as RUNNING rather than
 * FINISHED (the catalog reserves labels but does not say which state holds them). */
static pthread_mutex_t g_run_mu = PTHREAD_MUTEX_INITIALIZER;
static struct RunLabel {
    int64_t db_id;
    char label[132];
} *g_run;
static int g_nrun, g_caprun;

static void running_add(int64_t db_id, const char *label) {
    pthread_mutex_lock(&g_run_mu);
    if (g_nrun == g_caprun) {
        g_caprun = g_caprun ? g_caprun * 2 : 16;
        g_run = realloc(g_run, sizeof *g_run * (size_t)g_caprun);
        if (!g_run) abort();
    }
    g_run[g_nrun].db_id = db_id;
    snprintf(g_run[g_nrun].label, sizeof g_run[g_nrun].label, "%s", label);
    g_nrun++;
    pthread_mutex_unlock(&g_run_mu);
}

static void running_remove(int64_t db_id, const char *label) {
    pthread_mutex_lock(&g_run_mu);
    for (int i = 0; i < g_nrun; i++)
        if (g_run[i].db_id == db_id && !strcmp(g_run[i].label, label)) {
            g_run[i] = g_run[--g_nrun];
            break;
        }
    pthread_mutex_unlock(&g_run_mu);
}

bool load_label_running(const char *db, const char *label) {
    if (!db || !label) return false;
    catalog_rdlock();
    CatDatabase *d = catalog_find_db(db);
    int64_t db_id = d ? d->id : 0;
    catalog_unlock();
    bool found = false;
    pthread_mutex_lock(&g_run_mu);
    for (int i = 0; i < g_nrun && !found; i++) found = g_run[i].db_id == db_id && !strcmp(g_run[i].label, label);
    pthread_mutex_unlock(&g_run_mu);
    return found;
}

static Target *target_new(LoadSink *ls, const CatPartition *p, int bucket, Error *err) {
    Target *t = arena_calloc(ls->arena, sizeof *t);
    t->part_id = p->id;
    t->bucket = bucket;
    t->tablet_ids = arena_calloc(ls->arena, sizeof(int64_t) * (size_t)ls->nindexes);
    t->writers = arena_calloc(ls->arena, sizeof(TabletWriter *) * (size_t)ls->nindexes);
    t->outs = arena_calloc(ls->arena, sizeof(LoadRowsetOut) * (size_t)ls->nindexes);
    for (int k = 0; k < ls->nindexes; k++) {
        CatTablet *tb = catalog_partition_tablet(p, ls->indexes[k].pos, bucket);
        if (!tb) {
            err_set(err, ERR_INTERNAL, "partition '%s' has no tablet for index %d bucket %d", p->name,
                    ls->indexes[k].pos, bucket);
            return NULL;
        }
        t->tablet_ids[k] = tb->id;
    }
    t->worker = ls->nworkers ? ls->ntargets % ls->nworkers : 0;
    t->idx = ls->ntargets;
    if (ls->ntargets == ls->captargets) {
        ls->captargets = ls->captargets ? ls->captargets * 2 : 16;
        ls->targets = realloc(ls->targets, sizeof(Target *) * (size_t)ls->captargets);
        if (!ls->targets) abort();
    }
    ls->targets[ls->ntargets++] = t;
    sink_stage_reset(ls, t);
    return t;
}

static PartState *part_state(LoadSink *ls, const CatPartition *p) {
    for (int i = 0; i < ls->nparts; i++)
        if (ls->parts[i].part_id == p->id) {
            /* move to front: consecutive rows usually hit the same partition */
            if (i) {
                PartState tmp = ls->parts[i];
                ls->parts[i] = ls->parts[0];
                ls->parts[0] = tmp;
            }
            return &ls->parts[0];
        }
    if (ls->nparts == ls->capparts) {
        ls->capparts = ls->capparts ? ls->capparts * 2 : 8;
        ls->parts = realloc(ls->parts, sizeof(PartState) * (size_t)ls->capparts);
        if (!ls->parts) abort();
    }
    PartState *ps = &ls->parts[ls->nparts++];
    ps->part_id = p->id;
    ps->buckets = p->buckets > 0 ? p->buckets : 1;
    ps->by_bucket = arena_calloc(ls->arena, sizeof(Target *) * (size_t)ps->buckets);
    return ps;
}

static bool named(const LoadSink *ls, int64_t part_id) {
    for (int i = 0; i < ls->nnamed; i++)
        if (ls->named_ids[i] == part_id) return true;
    return false;
}

/* Compares a key tuple with a partition bound (missing trailing bound values are MIN). */
static int bound_cmp(const CatTable *t, const Datum *keys, const CatBound *b) {
    if (b->is_min) return 1;
    if (b->is_max) return -1;
    for (int i = 0; i < b->n && i < t->npart_cols; i++) {
        const Datum *k = &keys[i], *v = &b->vals[i];
        if (k->is_null || v->is_null) {
            if (k->is_null != v->is_null) return k->is_null ? -1 : 1;
            continue;
        }
        int c = type_compare_datum(&t->cols[t->part_cols[i]].type, k, v);
        if (c) return c;
    }
    return b->n < t->npart_cols ? 1 : 0;
}

static bool part_covers(const CatTable *t, const CatPartition *p, const Datum *keys) {
    if (t->part_type == PART_RANGE) return bound_cmp(t, keys, &p->lower) >= 0 && bound_cmp(t, keys, &p->upper) < 0;
    for (int i = 0; i < p->nlist; i++)
        if (bound_cmp(t, keys, &p->list_vals[i]) == 0 && p->list_vals[i].n == t->npart_cols) return true;
    return false;
}

static void describe_keys(const CatTable *t, const Datum *keys, char *buf, size_t n) {
    StrBuf sb = STRBUF_INIT;
    for (int i = 0; i < t->npart_cols; i++) {
        if (i) sb_append(&sb, ", ");
        const CatColumn *c = &t->cols[t->part_cols[i]];
        sb_appendf(&sb, "%s = ", c->name);
        if (keys[i].is_null) {
            sb_append(&sb, "NULL");
        } else {
            sb_putc(&sb, '\'');
            type_format_datum(&c->type, &keys[i], &sb);
            sb_putc(&sb, '\'');
        }
    }
    snprintf(buf, n, "%s", sb_str(&sb));
    sb_free(&sb);
}

/* Finds the partition of one row (caller holds the catalog read lock). Returns NULL with err set when none
 * takes it; *missing_expr tells that an expression partition could be created for it. */
static CatPartition *route_one(LoadSink *ls, const CatTable *t, const Datum *keys, bool *missing_expr,
                               Error *err) {
    *missing_expr = false;
    if (ls->o.temp_partitions) {
        for (int i = 0; i < ls->nnamed; i++) {
            CatPartition *p = catalog_find_partition_by_id(t, ls->named_ids[i]);
            if (p && (t->part_type == PART_NONE || part_covers(t, p, keys))) return p;
        }
        char kb[512];
        describe_keys(t, keys, kb, sizeof kb);
        err_set(err, ERR_NO_PARTITION_FOR_VALUE, "no temporary partition named in the statement takes the row (%s)",
                kb);
        return NULL;
    }
    CatPartition *p = NULL;
    if (catalog_route_row(t, keys, &p, err)) {
        *missing_expr = t->part_type == PART_EXPR && err->code == ERR_NO_PARTITION_FOR_VALUE;
        return NULL;
    }
    if (ls->nnamed && !named(ls, p->id)) {
        char kb[512];
        describe_keys(t, keys, kb, sizeof kb);
        err_set(err, ERR_NO_PARTITION_FOR_VALUE,
                "the row (%s) belongs to partition '%s', which is not among the partitions the statement names", kb,
                p->name);
        return NULL;
    }
    return p;
}

/* Routes every row of b to a target (row_target[i]; -1 = rejected). Creates expression partitions first when
 * rows need them. */
static Status route_batch(LoadSink *ls, const Batch *b, Error *err) {
    const int npc = ls->info.npart_cols;
    Datum *keys = ls->keys, *dist = ls->dist;
    Arena *tmp = NULL;
    for (int attempt = 0;; attempt++) {
        Datum *missing = NULL;
        int nmissing = 0, capmissing = 0;
        catalog_rdlock();
        const CatTable *t = catalog_find_table_by_id(ls->info.table_id);
        if (!t || t->state != TABLE_NORMAL) {
            catalog_unlock();
            if (tmp) arena_free(tmp);
            return err_set(err, ERR_NO_SUCH_TABLE, "Table '%s.%s' was dropped or is being restored during the load",
                           ls->info.db_name, ls->info.table_name);
        }
        CatPartition *single = NULL;
        if (t->part_type == PART_NONE && !ls->o.temp_partitions) {
            Datum none = {.is_null = true};
            if (catalog_route_row(t, &none, &single, err)) {
                catalog_unlock();
                if (tmp) arena_free(tmp);
                return STATUS_ERROR;
            }
        }
        Status st = STATUS_OK;
        for (uint32_t r = 0; r < b->nrows && !st; r++) {
            CatPartition *p = single;
            if (!p) {
                for (int i = 0; i < npc; i++) keys[i] = load_cell_datum(b->cols[ls->info.part_cols[i]], r);
                bool missing_expr;
                Error rerr = ERROR_INIT;
                p = route_one(ls, t, keys, &missing_expr, &rerr);
                if (!p) {
                    ls->row_target[r] = -1;
                    if (missing_expr && attempt == 0) {
                        if (!tmp) tmp = arena_new(0);
                        if (nmissing == capmissing) {
                            capmissing = capmissing ? capmissing * 2 : 16;
                            Datum *nm = arena_alloc(tmp, sizeof(Datum) * (size_t)capmissing);
                            if (nmissing) memcpy(nm, missing, sizeof(Datum) * (size_t)nmissing);
                            missing = nm;
                        }
                        Datum d = keys[0];
                        if (!d.is_null && type_is_string(t->cols[t->part_cols[0]].type.id))
                            d.v.str.ptr = arena_memdup(tmp, d.v.str.ptr, d.v.str.len ? d.v.str.len : 1);
                        missing[nmissing++] = d;
                        continue;
                    }
                    if (ls->o.reject) {
                        ls->o.reject(ls->o.reject_ctx, r, rerr.msg);
                        continue;
                    }
                    st = err_copy(err, &rerr);
                    break;
                }
            }
            PartState *ps = part_state(ls, p);
            int bucket = 0;
            if (ps->buckets > 1) {
                for (int i = 0; i < ls->ndist; i++) dist[i] = load_cell_datum(b->cols[ls->dist_cols[i]], r);
                bucket = catalog_bucket_for_row(t, ps->buckets, dist, &ls->rr);
                if (bucket < 0 || bucket >= ps->buckets) bucket = 0;
            }
            Target *tg = ps->by_bucket[bucket];
            if (!tg) {
                tg = target_new(ls, p, bucket, err);
                if (!tg) {
                    st = STATUS_ERROR;
                    break;
                }
                ps->by_bucket[bucket] = tg;
            }
            ls->row_target[r] = tg->idx;
        }
        catalog_unlock();
        if (st) {
            if (tmp) arena_free(tmp);
            return STATUS_ERROR;
        }
        if (!nmissing) break;
        /* expression partitioning: create what the rows need, then route the batch again */
        if (catalog_add_expr_partitions(ls->info.table_id, missing, nmissing, err)) {
            arena_free(tmp);
            return STATUS_ERROR;
        }
        arena_reset(tmp);
    }
    if (tmp) arena_free(tmp);
    return STATUS_OK;
}

/* Keeps the filling chunks within the load's budget: while they hold more, the largest is written out early
 * (a load into many partitions and buckets then writes smaller segments instead of growing without bound). */
static Status relieve(LoadSink *ls, Error *err) {
    while (ls->buffered > ls->budget) {
        Target *big = NULL;
        size_t most = 0;
        for (int i = 0; i < ls->ntargets; i++) {
            size_t n = load_chunk_bytes(ls->targets[i]->chunk);
            if (n > most) {
                most = n;
                big = ls->targets[i];
            }
        }
        if (!big) break;
        if (sink_stage_flush(ls, big, err)) return STATUS_ERROR;
    }
    return STATUS_OK;
}

Status load_sink_add(LoadSink *ls, const Batch *b, const uint8_t *ops, Error *err) {
    if (b->nrows == 0) return STATUS_OK;
    if (ls->s && session_killed(ls->s)) return err_set(err, ERR_QUERY_INTERRUPTED, "Query execution was interrupted");
    if (sink_failed(ls)) return sink_writer_error(ls, err);
    if (b->ncols != ls->info.ncols)
        return err_set(err, ERR_INTERNAL, "load of %d columns into table '%s' of %d columns", b->ncols,
                       ls->info.table_name, ls->info.ncols);
    if (b->nrows > ls->scratch_cap) {
        ls->scratch_cap = b->nrows;
        ls->row_target = realloc(ls->row_target, sizeof(int32_t) * b->nrows);
        ls->sel = realloc(ls->sel, sizeof(uint32_t) * b->nrows);
        if (!ls->row_target || !ls->sel) abort();
    }
    if (route_batch(ls, b, err)) return STATUS_ERROR;
    /* gather each target's rows in order (a stable split keeps the newest-last order UNIQUE keys rely on) */
    uint32_t start = 0;
    while (start < b->nrows) {
        int32_t tix = ls->row_target[start];
        if (tix < 0) {
            start++;
            continue;
        }
        uint32_t n = 0;
        for (uint32_t r = start; r < b->nrows; r++)
            if (ls->row_target[r] == tix) {
                ls->sel[n++] = r;
                ls->row_target[r] = -2; /* consumed */
            }
        Target *t = ls->targets[tix];
        size_t before = load_chunk_bytes(t->chunk);
        load_chunk_append(t->chunk, b, ls->sel, n, ops);
        ls->buffered += load_chunk_bytes(t->chunk) - before;
        t->rows += n;
        ls->rows += n;
        if ((t->chunk->batch.nrows >= CHUNK_MAX_ROWS || load_chunk_bytes(t->chunk) >= MAX_SEGMENT_BYTES) &&
            sink_stage_flush(ls, t, err))
            return STATUS_ERROR;
        start++;
    }
    return relieve(ls, err);
}

int64_t load_sink_rows(const LoadSink *ls) {
    return ls->rows;
}

/* ---------------------------------------------------------------- open / commit / abort */

static void copy_index(LoadSink *ls, const CatTable *t, int pos, IndexInfo *ix) {
    const CatIndex *ci = t->indexes[pos];
    ix->index_id = ci->id;
    ix->pos = pos;
    ix->identity = ci->is_base;
    ix->name = arena_strdup(ls->arena, ci->name);
    ix->define_sql = ci->is_base ? NULL : arena_strdup(ls->arena, ci->define_sql);
    ix->cols = arena_calloc(ls->arena, sizeof(LoadColumnSpec) * (size_t)(ci->ncols ? ci->ncols : 1));
    ix->base_col = arena_calloc(ls->arena, sizeof(int) * (size_t)(ci->ncols ? ci->ncols : 1));
    for (int c = 0; c < ci->ncols; c++) {
        const CatColumn *cc = &ci->cols[c];
        ix->cols[c].name = arena_strdup(ls->arena, cc->name);
        ix->cols[c].uid = cc->uid;
        ix->cols[c].type = cc->type;
        ix->cols[c].nullable = cc->nullable;
        ix->cols[c].is_key = c < ci->nkeys;
        ix->cols[c].agg = cc->agg;
        ix->base_col[c] = ci->is_base ? c : (ci->base_col ? ci->base_col[c] : c);
    }
    ix->spec.keys = ci->keys == KEYS_NONE ? KEYS_DUPLICATE : ci->keys;
    ix->spec.nkeys = ci->nkeys;
    ix->spec.ncols = ci->ncols;
    ix->spec.cols = ix->cols;
}

/* The row filters of synchronous MV indexes with a WHERE (compiled outside the catalog lock). */
static Status compile_filters(LoadSink *ls, Error *err) {
    ExecColumnDesc *cols = NULL;
    for (int k = 0; k < ls->nindexes; k++) {
        IndexInfo *ix = &ls->indexes[k];
        if (!ix->define_sql) continue;
        if (!cols) {
            cols = arena_alloc(ls->arena, sizeof(ExecColumnDesc) * (size_t)(ls->info.ncols + 1));
            for (int c = 0; c < ls->info.ncols; c++) cols[c] = (ExecColumnDesc){ls->cols[c].name, ls->cols[c].type};
        }
        if (mv_sync_filter(ix->name, ix->define_sql, cols, ls->info.ncols, ls->arena, &ix->where, err))
            return err_prefix(err, "load into '%s.%s': ", ls->info.db_name, ls->info.table_name);
    }
    return STATUS_OK;
}

Status load_sink_open(Session *s, const char *db, const char *table, const LoadSinkOptions *o, LoadSink **out,
                      Error *err) {
    *out = NULL;
    LoadSink *ls = calloc(1, sizeof *ls);
    if (!ls) abort();
    ls->arena = arena_new(0);
    ls->scratch = arena_new(0);
    ls->s = s;
    ls->o = *o;
    pthread_mutex_init(&ls->err_mu, NULL);
    Status st = STATUS_OK;
    catalog_rdlock();
    CatDatabase *d = NULL;
    CatTable *t = NULL;
    if (catalog_resolve_table(s, db, table, &d, &t, err)) {
        st = STATUS_ERROR;
    } else if (t->kind != TABLE_OLAP && !(o->mv_refresh && t->kind == TABLE_MV)) {
        st = err_set(err, ERR_WRONG_OBJECT, "'%s.%s' is not BASE TABLE: only OLAP tables can be loaded", d->name,
                     t->name);
    } else if (catalog_check_table_usable(t, err)) {
        st = STATUS_ERROR;
    }
    if (!st) {
        LoadTableInfo *in = &ls->info;
        in->db_id = d->id;
        in->table_id = t->id;
        in->db_name = arena_strdup(ls->arena, d->name);
        in->table_name = arena_strdup(ls->arena, t->name);
        in->keys = t->keys == KEYS_NONE ? KEYS_DUPLICATE : t->keys;
        in->nkeys = t->nkeys;
        in->ncols = t->ncols;
        ls->cols = arena_calloc(ls->arena, sizeof(LoadColumn) * (size_t)(t->ncols ? t->ncols : 1));
        for (int c = 0; c < t->ncols; c++) {
            const CatColumn *cc = &t->cols[c];
            LoadColumn *lc = &ls->cols[c];
            lc->name = arena_strdup(ls->arena, cc->name);
            lc->type = cc->type;
            lc->nullable = cc->nullable;
            lc->is_key = c < t->nkeys;
            lc->agg = cc->agg;
            lc->default_kind = (int)cc->default_kind;
            lc->default_value = arena_strdup(ls->arena, cc->default_value);
            lc->auto_increment = cc->auto_increment;
        }
        in->cols = ls->cols;
        in->npart_cols = t->npart_cols;
        in->part_cols = arena_calloc(ls->arena, sizeof(int) * (size_t)(t->npart_cols + 1));
        if (t->npart_cols) memcpy(in->part_cols, t->part_cols, sizeof(int) * (size_t)t->npart_cols);
        ls->part_type = t->part_type;
        ls->dist_type = t->dist_type;
        ls->ndist = t->ndist_cols;
        ls->dist_cols = arena_calloc(ls->arena, sizeof(int) * (size_t)(t->ndist_cols + 1));
        if (t->ndist_cols) memcpy(ls->dist_cols, t->dist_cols, sizeof(int) * (size_t)t->ndist_cols);
        ls->types = arena_alloc(ls->arena, sizeof(DataType) * (size_t)(t->ncols + 1));
        for (int c = 0; c < t->ncols; c++) ls->types[c] = t->cols[c].type;
        ls->keys = arena_calloc(ls->arena, sizeof(Datum) * (size_t)(t->npart_cols + 1));
        ls->dist = arena_calloc(ls->arena, sizeof(Datum) * (size_t)(t->ndist_cols + 1));
        ls->has_ops = in->keys == KEYS_UNIQUE || in->keys == KEYS_PRIMARY;
        ls->nindexes = t->nindexes;
        ls->indexes = arena_calloc(ls->arena, sizeof(IndexInfo) * (size_t)(t->nindexes ? t->nindexes : 1));
        for (int k = 0; k < t->nindexes; k++) copy_index(ls, t, k, &ls->indexes[k]);
        if (o->npartitions) {
            ls->named_ids = arena_calloc(ls->arena, sizeof(int64_t) * (size_t)o->npartitions);
            for (int i = 0; i < o->npartitions && !st; i++) {
                CatPartition *p = NULL;
                for (int k = 0; k < t->nparts; k++) {
                    CatPartition *q = t->parts[k];
                    if (q->state == PART_NORMAL && q->is_temp == o->temp_partitions && str_ieq(q->name, o->partitions[i]))
                        p = q;
                }
                if (!p)
                    st = err_set(err, ERR_UNKNOWN_PARTITION, "Unknown %spartition '%s' in table '%s'",
                                 o->temp_partitions ? "temporary " : "", o->partitions[i], t->name);
                else
                    ls->named_ids[ls->nnamed++] = p->id;
            }
        }
    }
    catalog_unlock();
    if (st) goto fail;
    if (compile_filters(ls, err)) {
        st = STATUS_ERROR;
        goto fail;
    }
    if (ls->info.nkeys == 0 && ls->info.keys != KEYS_DUPLICATE) {
        st = err_set(err, ERR_INTERNAL, "table '%s' has a keyed model without key columns", ls->info.table_name);
        goto fail;
    }
    int64_t budget = config_get_int("load_mem_limit");
    ls->budget = (uint64_t)(budget > (1 << 20) ? budget : (1 << 20));
    if (catalog_txn_begin(ls->info.db_id, ls->info.table_id, o->label, &ls->txn, err)) {
        st = STATUS_ERROR;
        goto fail;
    }
    snprintf(ls->label, sizeof ls->label, "%s", catalog_txn_label(ls->txn));
    running_add(ls->info.db_id, ls->label);
    sink_start_workers(ls, o->writer_threads);
    *out = ls;
    return STATUS_OK;
fail:
    load_sink_abort(ls);
    return STATUS_ERROR;
}

const LoadTableInfo *load_sink_table(const LoadSink *ls) {
    return &ls->info;
}

int64_t load_sink_txn_id(const LoadSink *ls) {
    return ls->txn ? catalog_txn_id(ls->txn) : 0;
}

const char *load_sink_label(const LoadSink *ls) {
    return ls->txn ? catalog_txn_label(ls->txn) : "";
}

/* Removes the files of finished rowsets the catalog never heard of. */
static void remove_outs(LoadSink *ls, int from_target, int from_index) {
    for (int i = from_target; i < ls->ntargets; i++) {
        Target *t = ls->targets[i];
        for (int k = i == from_target ? from_index : 0; k < ls->nindexes; k++) {
            LoadRowsetOut *o = &t->outs[k];
            char dir[4096], path[4200];
            load_tablet_dir(t->tablet_ids[k], dir, sizeof dir);
            for (int s = 0; s < o->nsegments; s++) {
                snprintf(path, sizeof path, "%s/%s", dir, o->segments[s].name);
                unlink(path);
            }
        }
    }
}

static void sink_free(LoadSink *ls) {
    sink_stop_workers(ls);
    if (ls->label[0]) running_remove(ls->info.db_id, ls->label);
    for (int i = 0; i < ls->ntargets; i++) {
        Target *t = ls->targets[i];
        for (int k = 0; k < ls->nindexes; k++) {
            tablet_writer_free(t->writers[k]);
            load_rowset_out_free(&t->outs[k]);
        }
        load_chunk_free(t->chunk);
    }
    while (ls->pool) {
        LoadChunk *c = ls->pool;
        ls->pool = c->next;
        load_chunk_free(c);
    }
    arena_free(ls->scratch);
    free(ls->targets);
    free(ls->parts);
    free(ls->row_target);
    free(ls->sel);
    pthread_mutex_destroy(&ls->err_mu);
    arena_free(ls->arena);
    free(ls);
}

void load_sink_abort(LoadSink *ls) {
    if (!ls) return;
    sink_stop_workers(ls);
    catalog_txn_abort(ls->txn);
    ls->txn = NULL;
    /* writers that did not finish remove their files when freed; finished ones are removed here */
    remove_outs(ls, 0, 0);
    sink_free(ls);
}

static Status overwrite_parts(LoadSink *ls, Error *err) {
    int64_t *ids = NULL;
    int n = 0;
    if (ls->nnamed) {
        ids = ls->named_ids;
        n = ls->nnamed;
        return catalog_txn_set_overwrite(ls->txn, ids, n, err);
    }
    catalog_rdlock();
    const CatTable *t = catalog_find_table_by_id(ls->info.table_id);
    if (t) {
        ids = arena_alloc(ls->arena, sizeof(int64_t) * (size_t)(t->nparts + 1));
        for (int i = 0; i < t->nparts; i++)
            if (!t->parts[i]->is_temp && t->parts[i]->state == PART_NORMAL) ids[n++] = t->parts[i]->id;
    }
    catalog_unlock();
    if (!t) return err_set(err, ERR_NO_SUCH_TABLE, "Table '%s' was dropped during the load", ls->info.table_name);
    return catalog_txn_set_overwrite(ls->txn, ids, n, err);
}

Status load_sink_commit(LoadSink *ls, LoadSinkResult *res, Error *err) {
    memset(res, 0, sizeof *res);
    int64_t t0 = clock_mono_ns();
    Status st = STATUS_OK;
    for (int i = 0; i < ls->ntargets && !st; i++) st = sink_stage_flush(ls, ls->targets[i], err);
    for (int i = 0; i < ls->ntargets && !st; i++) st = sink_finish_target(ls, ls->targets[i], err);
    sink_drain(ls);
    if (!st && sink_failed(ls)) st = err_copy(err, &ls->werr);
    int64_t t1 = clock_mono_ns();
    if (st) {
        load_sink_abort(ls);
        return STATUS_ERROR;
    }
    res->txn_id = catalog_txn_id(ls->txn);
    snprintf(res->label, sizeof res->label, "%s", catalog_txn_label(ls->txn));
    for (int i = 0; i < ls->ntargets && !st; i++) {
        Target *t = ls->targets[i];
        for (int k = 0; k < ls->nindexes; k++) {
            LoadRowsetOut *o = &t->outs[k];
            if (!t->writers[k]) continue;
            CatSegmentFile *segs = arena_calloc(ls->arena, sizeof(CatSegmentFile) * (size_t)(o->nsegments + 1));
            for (int s = 0; s < o->nsegments; s++) {
                segs[s].name = o->segments[s].name;
                segs[s].size = o->segments[s].size;
                segs[s].checksum = o->segments[s].checksum;
                memcpy(segs[s].sha256, o->segments[s].sha256, sizeof segs[s].sha256);
                segs[s].nrows = o->segments[s].nrows;
            }
            CatRowsetMeta m = {o->rowset_id, o->nsegments, segs, o->nrows, o->data_size, NULL};
            if (catalog_txn_add_rowset(ls->txn, t->tablet_ids[k], &m, err)) {
                remove_outs(ls, i, k + 1);
                catalog_txn_abort(ls->txn);
                ls->txn = NULL;
                sink_free(ls);
                return STATUS_ERROR;
            }
            if (k == 0) res->rows += o->nrows;
            res->data_size += o->data_size;
        }
    }
    if (ls->o.overwrite && overwrite_parts(ls, err)) {
        catalog_txn_abort(ls->txn);
        ls->txn = NULL;
        sink_free(ls);
        return STATUS_ERROR;
    }
    CatTxn *txn = ls->txn;
    ls->txn = NULL;
    st = catalog_txn_commit(txn, err);
    int64_t t2 = clock_mono_ns();
    res->write_ms = (t1 - t0) / 1000000;
    res->commit_ms = (t2 - t1) / 1000000;
    sink_free(ls);
    return st;
}
