/* The filter chain and the simple filters (count, sha256, xxh3, rate). A chain links each filter's
 * output sink to the next filter's process function, so one io_chain_write pushes bytes through
 * every stage. */
#include "fs/io_filter.h"

#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "util/hash.h"
#include "util/vec.h"

struct IoChain {
    VEC(IoFilter *) filters;
    IoSink sink;
};

Status io_filter_emit(IoFilter *f, const void *buf, size_t n, Error *err) {
    if (n == 0) return STATUS_OK;
    return f->next.write(f->next.ctx, buf, n, err);
}

static Status filter_sink_write(void *ctx, const void *buf, size_t n, Error *err) {
    IoFilter *f = ctx;
    return f->vt->process(f, buf, n, err);
}

IoChain *io_chain_new(IoSink sink) {
    IoChain *c = calloc(1, sizeof *c);
    if (!c) abort();
    c->sink = sink;
    return c;
}

IoFilter *io_chain_add(IoChain *c, IoFilter *f) {
    f->next = c->sink;
    if (c->filters.len) {
        IoFilter *prev = vec_last(&c->filters);
        prev->next = (IoSink){filter_sink_write, f};
    }
    vec_push(&c->filters, f);
    return f;
}

Status io_chain_write(IoChain *c, const void *buf, size_t n, Error *err) {
    if (n == 0) return STATUS_OK;
    if (c->filters.len == 0) return c->sink.write(c->sink.ctx, buf, n, err);
    IoFilter *f = c->filters.items[0];
    return f->vt->process(f, buf, n, err);
}

Status io_chain_finish(IoChain *c, Error *err) {
    for (size_t i = 0; i < c->filters.len; i++) {
        IoFilter *f = c->filters.items[i];
        if (f->vt->finish && f->vt->finish(f, err)) return STATUS_ERROR;
    }
    return STATUS_OK;
}

void io_chain_free(IoChain *c) {
    if (!c) return;
    for (size_t i = 0; i < c->filters.len; i++)
        c->filters.items[i]->vt->free(c->filters.items[i]);
    vec_free(&c->filters);
    free(c);
}

/* count */

typedef struct CountFilter {
    IoFilter base;
    int64_t bytes;
} CountFilter;

static Status count_process(IoFilter *f, const uint8_t *in, size_t n, Error *err) {
    ((CountFilter *)f)->bytes += (int64_t)n;
    return io_filter_emit(f, in, n, err);
}

static void plain_free(IoFilter *f) {
    free(f);
}

static const IoFilterVt count_vt = {"count", count_process, NULL, plain_free};

IoFilter *io_filter_count_new(void) {
    CountFilter *f = calloc(1, sizeof *f);
    if (!f) abort();
    f->base.vt = &count_vt;
    return &f->base;
}

int64_t io_filter_count_bytes(const IoFilter *f) {
    return ((const CountFilter *)f)->bytes;
}

/* sha256 */

typedef struct ShaFilter {
    IoFilter base;
    HashSha256 *h;
    char hex[65];
} ShaFilter;

static Status sha_process(IoFilter *f, const uint8_t *in, size_t n, Error *err) {
    hash_sha256_update(((ShaFilter *)f)->h, in, n);
    return io_filter_emit(f, in, n, err);
}

static Status sha_finish(IoFilter *f, Error *err) {
    ShaFilter *s = (ShaFilter *)f;
    if (s->h) {
        uint8_t d[32];
        hash_sha256_final(s->h, d);
        s->h = NULL;
        hash_hex(d, 32, s->hex);
    }
    return STATUS_OK;
}

static void sha_free(IoFilter *f) {
    ShaFilter *s = (ShaFilter *)f;
    if (s->h) {
        uint8_t d[32];
        hash_sha256_final(s->h, d);
    }
    free(s);
}

static const IoFilterVt sha_vt = {"sha256", sha_process, sha_finish, sha_free};

IoFilter *io_filter_sha256_new(void) {
    ShaFilter *f = calloc(1, sizeof *f);
    if (!f) abort();
    f->base.vt = &sha_vt;
    f->h = hash_sha256_new();
    return &f->base;
}

const char *io_filter_sha256_hex(const IoFilter *f) {
    return ((const ShaFilter *)f)->hex;
}

/* xxh3 */

typedef struct XxhFilter {
    IoFilter base;
    XXH3_state_t *st;
    uint64_t value;
} XxhFilter;

static Status xxh_process(IoFilter *f, const uint8_t *in, size_t n, Error *err) {
    XXH3_64bits_update(((XxhFilter *)f)->st, in, n);
    return io_filter_emit(f, in, n, err);
}

static Status xxh_finish(IoFilter *f, Error *err) {
    XxhFilter *x = (XxhFilter *)f;
    x->value = XXH3_64bits_digest(x->st);
    return STATUS_OK;
}

static void xxh_free(IoFilter *f) {
    XXH3_freeState(((XxhFilter *)f)->st);
    free(f);
}

static const IoFilterVt xxh_vt = {"xxh3", xxh_process, xxh_finish, xxh_free};

IoFilter *io_filter_xxh3_new(void) {
    XxhFilter *f = calloc(1, sizeof *f);
    if (!f) abort();
    f->base.vt = &xxh_vt;
    f->st = XXH3_createState();
    XXH3_64bits_reset(f->st);
    return &f->base;
}

uint64_t io_filter_xxh3_value(const IoFilter *f) {
    return ((const XxhFilter *)f)->value;
}

/* rate */

typedef struct RateFilter {
    IoFilter base;
    RateLimiter *rl;
} RateFilter;

static Status rate_process(IoFilter *f, const uint8_t *in, size_t n, Error *err) {
    RateFilter *r = (RateFilter *)f;
    /* Charge in slices so one large write does not wait for the whole amount before passing
     * anything. */
    while (n > 0) {
        size_t k = n > 65536 ? 65536 : n;
        rate_limiter_acquire(r->rl, (int64_t)k);
        if (io_filter_emit(f, in, k, err)) return STATUS_ERROR;
        in += k;
        n -= k;
    }
    return STATUS_OK;
}

static const IoFilterVt rate_vt = {"rate", rate_process, NULL, plain_free};

IoFilter *io_filter_rate_new(RateLimiter *rl) {
    RateFilter *f = calloc(1, sizeof *f);
    if (!f) abort();
    f->base.vt = &rate_vt;
    f->rl = rl;
    return &f->base;
}
