/* Gather: runs N copies of a pipeline (each over a share of the scan's tablets) on N threads and hands their
 * batches to the consumer one at a time. A worker that produced a batch waits until the consumer asks for the
 * next one (its batch memory belongs to the worker's operators), so at most one batch per worker is in flight
 * and no batch is copied. The first worker error ends the query; close() stops and joins every worker. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "exec/operator.h"

typedef enum WState { W_RUNNING, W_READY, W_TAKEN, W_DONE } WState;

typedef struct Worker {
    struct GatherState *g;
    int idx;
    Operator *op;
    pthread_t thread;
    bool started;
    WState state;
    Batch *batch;
    Error err;
    Status st;
} Worker;

typedef struct GatherState {
    int n;
    Worker *w;
    pthread_mutex_t mu;
    pthread_cond_t cv; /* any state change */
    bool cancel;
    int taken; /* worker whose batch the consumer holds, -1 none */
    int rr;    /* round robin start for fairness */
    ExecCtx *cx;
} GatherState;

static void *worker_main(void *arg) {
    Worker *w = arg;
    GatherState *g = w->g;
    Error err = ERROR_INIT;
    Status st = w->op->open(w->op, g->cx, &err);
    while (!st) {
        Batch *b;
        pthread_mutex_lock(&g->mu);
        bool cancel = g->cancel;
        pthread_mutex_unlock(&g->mu);
        if (cancel) break;
        if ((st = w->op->next(w->op, g->cx, &b, &err)) || !b) break;
        if (b->nrows == 0) continue;
        pthread_mutex_lock(&g->mu);
        w->batch = b;
        w->state = W_READY;
        pthread_cond_broadcast(&g->cv);
        while (!g->cancel && w->state != W_RUNNING) pthread_cond_wait(&g->cv, &g->mu);
        pthread_mutex_unlock(&g->mu);
    }
    w->op->close(w->op, g->cx);
    pthread_mutex_lock(&g->mu);
    w->st = st;
    if (st) w->err = err;
    w->batch = NULL;
    w->state = W_DONE;
    pthread_cond_broadcast(&g->cv);
    pthread_mutex_unlock(&g->mu);
    return NULL;
}

static Status gather_open(Operator *op, ExecCtx *cx, Error *err) {
    GatherState *g = op->state;
    g->cx = cx;
    g->cancel = false;
    g->taken = -1;
    g->rr = 0;
    for (int i = 0; i < g->n; i++) {
        Worker *w = &g->w[i];
        w->g = g;
        w->idx = i;
        w->op = op->children[i];
        w->state = W_RUNNING;
        w->batch = NULL;
        w->st = STATUS_OK;
        err_clear(&w->err);
        if (pthread_create(&w->thread, NULL, worker_main, w) != 0) {
            w->state = W_DONE;
            return err_set(err, ERR_INTERNAL, "cannot start a query worker thread");
        }
        w->started = true;
    }
    return STATUS_OK;
}

static Status gather_next(Operator *op, ExecCtx *cx, Batch **out, Error *err) {
    GatherState *g = op->state;
    pthread_mutex_lock(&g->mu);
    if (g->taken >= 0) { /* the consumer is done with the previous batch: let its worker go on */
        g->w[g->taken].state = W_RUNNING;
        g->taken = -1;
        pthread_cond_broadcast(&g->cv);
    }
    for (;;) {
        int done = 0;
        for (int k = 0; k < g->n; k++) {
            Worker *w = &g->w[(g->rr + k) % g->n];
            if (w->state == W_DONE) {
                if (w->st) {
                    err_copy(err, &w->err);
                    g->cancel = true;
                    pthread_cond_broadcast(&g->cv);
                    pthread_mutex_unlock(&g->mu);
                    return STATUS_ERROR;
                }
                done++;
            } else if (w->state == W_READY) {
                w->state = W_TAKEN;
                g->taken = w->idx;
                g->rr = (w->idx + 1) % g->n;
                *out = w->batch;
                pthread_mutex_unlock(&g->mu);
                return STATUS_OK;
            }
        }
        if (done == g->n) {
            *out = NULL;
            pthread_mutex_unlock(&g->mu);
            return STATUS_OK;
        }
        pthread_cond_wait(&g->cv, &g->mu);
    }
}

static void gather_close(Operator *op, ExecCtx *cx) {
    GatherState *g = op->state;
    pthread_mutex_lock(&g->mu);
    g->cancel = true;
    pthread_cond_broadcast(&g->cv);
    pthread_mutex_unlock(&g->mu);
    for (int i = 0; i < g->n; i++) {
        if (g->w[i].started) pthread_join(g->w[i].thread, NULL);
        g->w[i].started = false;
    }
}

static void gather_explain(const Operator *op, StrBuf *out, Arena *a) {
    sb_appendf(out, "GATHER (parallel: %d workers)", op->nchildren);
}

Operator *op_gather(Arena *a, Operator **kids, int n) {
    Operator *op = arena_calloc(a, sizeof *op);
    op->kind = OPK_GATHER;
    op->nchildren = n;
    op->children = arena_memdup(a, kids, sizeof(Operator *) * (size_t)n);
    GatherState *g = arena_calloc(a, sizeof *g);
    g->n = n;
    g->w = arena_calloc(a, sizeof(Worker) * (size_t)n);
    pthread_mutex_init(&g->mu, NULL);
    pthread_cond_init(&g->cv, NULL);
    op->state = g;
    op->ncols = kids[0]->ncols;
    op->types = kids[0]->types;
    op->open = gather_open;
    op->next = gather_next;
    op->close = gather_close;
    op->explain = gather_explain;
    op->est_rows = kids[0]->est_rows;
    return op;
}
