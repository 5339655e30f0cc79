/* The load sink's writer side (load_sink_int.h): chunks of rows become jobs for the writer thread that owns
 * their tablet, so one TabletWriter is only ever touched by one thread while writers of different tablets
 * run in parallel with parsing. Each index's tablet gets its projection of the chunk, filtered by its WHERE
 * for a synchronous MV that has one. A queue per thread is bounded (backpressure on the parser) and written
 * chunks go back to a pool for reuse. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "catalog/meta_store.h"
#include "load/load_sink_int.h"
#include "load/load_util.h"

/* ---------------------------------------------------------------- writing (worker side) */

static void worker_fail(LoadSink *ls, const Error *e) {
    pthread_mutex_lock(&ls->err_mu);
    if (!ls->failed) {
        ls->failed = true;
        ls->werr = *e;
    }
    pthread_mutex_unlock(&ls->err_mu);
}

bool sink_failed(LoadSink *ls) {
    pthread_mutex_lock(&ls->err_mu);
    bool f = ls->failed;
    pthread_mutex_unlock(&ls->err_mu);
    return f;
}

/* The batch an index's tablet gets: the staged batch itself for the base index, a projection (with
 * count columns computed) for a synchronous MV index. */
static Status index_batch(LoadSink *ls, const IndexInfo *ix, const Batch *b, Arena *a, Batch **out, Error *err) {
    if (ix->identity) {
        *out = (Batch *)b;
        return STATUS_OK;
    }
    Batch *o = arena_calloc(a, sizeof *o);
    o->nrows = b->nrows;
    o->ncols = ix->spec.ncols;
    o->arena = a;
    o->cols = arena_alloc(a, sizeof(ColumnVector *) * (size_t)o->ncols);
    for (int c = 0; c < o->ncols; c++) {
        const LoadColumnSpec *col = &ix->cols[c];
        int bc = ix->base_col[c];
        if (col->agg == AGG_COUNT || bc < 0) {
            ColumnVector *v = colvec_new(a, type_make(TYPE_BIGINT), b->nrows);
            int64_t *d = v->data;
            for (uint32_t r = 0; r < b->nrows; r++) d[r] = bc < 0 ? 1 : !colvec_is_null(b->cols[bc], r);
            v->len = b->nrows;
            o->cols[c] = v;
            continue;
        }
        const ColumnVector *src = b->cols[bc];
        if (type_equal(&src->type, &col->type)) {
            o->cols[c] = (ColumnVector *)src;
            continue;
        }
        ColumnVector *v;
        if (load_vector_widen(src, &col->type, b->nrows, a, &v, err))
            return err_prefix(err, "while writing synchronous materialized view column '%s': ", col->name);
        o->cols[c] = v;
    }
    *out = o;
    return STATUS_OK;
}

/* Keeps the rows of an index batch ib (projected from the staged batch b) that the index's WHERE holds
 * TRUE for; ops (NULL ok) are narrowed alike. Everything new lives in a. */
static Status filter_rows(const IndexInfo *ix, const Batch *b, Arena *a, Batch **ib, const uint8_t **ops,
                          Error *err) {
    uint8_t *match = arena_alloc(a, b->nrows ? b->nrows : 1);
    if (exec_predicate_eval(ix->where, b, a, match, err))
        return err_prefix(err, "while filtering rows for synchronous materialized view '%s': ", ix->name);
    uint32_t *sel = arena_alloc(a, sizeof(uint32_t) * (b->nrows ? b->nrows : 1)), n = 0;
    for (uint32_t r = 0; r < b->nrows; r++)
        if (match[r]) sel[n++] = r;
    if (n == b->nrows) return STATUS_OK;
    const Batch *in = *ib;
    Batch *o = arena_calloc(a, sizeof *o);
    o->nrows = n;
    o->ncols = in->ncols;
    o->arena = a;
    o->cols = arena_alloc(a, sizeof(ColumnVector *) * (size_t)(in->ncols ? in->ncols : 1));
    for (int c = 0; c < in->ncols; c++) {
        o->cols[c] = colvec_new(a, in->cols[c]->type, n ? n : 1);
        colvec_append_selected(o->cols[c], in->cols[c], sel, n);
    }
    if (*ops) {
        uint8_t *no = arena_alloc(a, n ? n : 1);
        for (uint32_t i = 0; i < n; i++) no[i] = (*ops)[sel[i]];
        *ops = no;
    }
    *ib = o;
    return STATUS_OK;
}

static Status run_job(LoadSink *ls, Job *j, Arena *scratch, Error *err) {
    Target *t = j->t;
    if (j->finish) {
        for (int k = 0; k < ls->nindexes; k++) {
            if (!t->writers[k]) continue;
            if (tablet_writer_finish(t->writers[k], &t->outs[k], err)) return STATUS_ERROR;
        }
        return STATUS_OK;
    }
    const Batch *b = &j->chunk->batch;
    const uint8_t *ops = j->chunk->has_ops ? (const uint8_t *)j->chunk->ops.data : NULL;
    for (int k = 0; k < ls->nindexes; k++) {
        IndexInfo *ix = &ls->indexes[k];
        if (!t->writers[k]) {
            int64_t rowset_id;
            if (meta_next_id(&rowset_id, err)) return STATUS_ERROR;
            if (tablet_writer_open(t->tablet_ids[k], rowset_id, &ix->spec, &t->writers[k], err))
                return STATUS_ERROR;
        }
        Batch *ib = NULL;
        const uint8_t *iops = ops;
        arena_reset(scratch);
        if (index_batch(ls, ix, b, scratch, &ib, err)) return STATUS_ERROR;
        if (ix->where && filter_rows(ix, b, scratch, &ib, &iops, err)) return STATUS_ERROR;
        if (tablet_writer_write(t->writers[k], ib, iops, err)) return STATUS_ERROR;
    }
    return STATUS_OK;
}

/* Returns a job's chunk to the pool (or frees it when the load is failing) and frees the job. */
static void job_free(LoadSink *ls, Job *j) {
    if (j->chunk) {
        load_chunk_reset(j->chunk);
        pthread_mutex_lock(&ls->err_mu);
        j->chunk->next = ls->pool;
        ls->pool = j->chunk;
        pthread_mutex_unlock(&ls->err_mu);
    }
    free(j);
}

static void *worker_main(void *arg) {
    Worker *w = arg;
    LoadSink *ls = w->ls;
    pthread_mutex_lock(&w->mu);
    for (;;) {
        while (!w->head && !w->stop) pthread_cond_wait(&w->cv, &w->mu);
        if (!w->head) break;
        Job *j = w->head;
        w->head = j->next;
        if (!w->head) w->tail = NULL;
        pthread_mutex_unlock(&w->mu);
        if (!sink_failed(ls)) {
            Error e = ERROR_INIT;
            if (run_job(ls, j, w->scratch, &e)) worker_fail(ls, &e);
        }
        job_free(ls, j);
        pthread_mutex_lock(&w->mu);
        w->pending--;
        pthread_cond_broadcast(&w->cv);
    }
    pthread_mutex_unlock(&w->mu);
    return NULL;
}

/* Queues a job for the target's worker (waiting while its queue is full), or runs it here. */
static Status submit(LoadSink *ls, Job *j, Error *err) {
    if (ls->nworkers == 0) {
        Status st = run_job(ls, j, ls->scratch, err);
        job_free(ls, j);
        return st;
    }
    Worker *w = &ls->workers[j->t->worker];
    pthread_mutex_lock(&w->mu);
    while (w->pending >= MAX_PENDING) pthread_cond_wait(&w->cv, &w->mu);
    j->next = NULL;
    if (w->tail)
        w->tail->next = j;
    else
        w->head = j;
    w->tail = j;
    w->pending++;
    pthread_cond_broadcast(&w->cv);
    pthread_mutex_unlock(&w->mu);
    if (sink_failed(ls)) return sink_writer_error(ls, err);
    return STATUS_OK;
}

void sink_drain(LoadSink *ls) {
    for (int i = 0; i < ls->nworkers; i++) {
        Worker *w = &ls->workers[i];
        pthread_mutex_lock(&w->mu);
        while (w->pending > 0) pthread_cond_wait(&w->cv, &w->mu);
        pthread_mutex_unlock(&w->mu);
    }
}

void sink_stop_workers(LoadSink *ls) {
    for (int i = 0; i < ls->nworkers; i++) {
        Worker *w = &ls->workers[i];
        pthread_mutex_lock(&w->mu);
        w->stop = true;
        pthread_cond_broadcast(&w->cv);
        pthread_mutex_unlock(&w->mu);
        pthread_join(w->th, NULL);
        pthread_mutex_destroy(&w->mu);
        pthread_cond_destroy(&w->cv);
        arena_free(w->scratch);
    }
    free(ls->workers);
    ls->workers = NULL;
    ls->nworkers = 0;
}

/* ---------------------------------------------------------------- staging (driver side) */

void sink_stage_reset(LoadSink *ls, Target *t) {
    if (!t->chunk_cap) t->chunk_cap = CHUNK_FIRST_ROWS;
    pthread_mutex_lock(&ls->err_mu);
    LoadChunk *c = ls->pool;
    if (c) ls->pool = c->next;
    pthread_mutex_unlock(&ls->err_mu);
    if (c)
        load_chunk_reserve(c, t->chunk_cap);
    else
        c = load_chunk_new(ls->types, ls->info.ncols, ls->has_ops, t->chunk_cap);
    c->next = NULL;
    t->chunk = c;
}

Status sink_stage_flush(LoadSink *ls, Target *t, Error *err) {
    if (!t->chunk || t->chunk->batch.nrows == 0) return STATUS_OK;
    Job *j = calloc(1, sizeof *j);
    if (!j) abort();
    j->t = t;
    j->chunk = t->chunk;
    ls->buffered -= load_chunk_bytes(t->chunk);
    /* size the next chunk like this one, so its arrays rarely grow (a growth copies them) */
    uint32_t n = t->chunk->batch.nrows, want = n + n / 8;
    t->chunk_cap = want < CHUNK_FIRST_ROWS ? CHUNK_FIRST_ROWS : want > CHUNK_MAX_ROWS ? CHUNK_MAX_ROWS : want;
    sink_stage_reset(ls, t);
    return submit(ls, j, err);
}

Status sink_writer_error(LoadSink *ls, Error *err) {
    pthread_mutex_lock(&ls->err_mu);
    err_copy(err, &ls->werr);
    pthread_mutex_unlock(&ls->err_mu);
    return STATUS_ERROR;
}

void sink_start_workers(LoadSink *ls, int n) {
    if (n <= 0) return;
    ls->nworkers = n > 16 ? 16 : n;
    ls->workers = calloc((size_t)ls->nworkers, sizeof *ls->workers);
    if (!ls->workers) abort();
    for (int i = 0; i < ls->nworkers; i++) {
        Worker *w = &ls->workers[i];
        w->ls = ls;
        w->scratch = arena_new(0);
        pthread_mutex_init(&w->mu, NULL);
        pthread_cond_init(&w->cv, NULL);
        if (pthread_create(&w->th, NULL, worker_main, w) != 0) {
            /* fewer threads than asked: the ones running take the targets (see target_new) */
            pthread_mutex_destroy(&w->mu);
            pthread_cond_destroy(&w->cv);
            arena_free(w->scratch);
            ls->nworkers = i;
            break;
        }
    }
}

Status sink_finish_target(LoadSink *ls, Target *t, Error *err) {
    Job *j = calloc(1, sizeof *j);
    if (!j) abort();
    j->t = t;
    j->finish = true;
    return submit(ls, j, err);
}
