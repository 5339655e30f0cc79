/* MvDef <-> JSON text (CatTable.mv_def), the refresh clause text, the dependency walk over a
 * query's AST and the column signature that tells the scheduler a base table changed under an MV.
 */
#include "mv/mv_def.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/hash.h"
#include "util/strbuf.h"

static char *xstrdup(const char *s) {
    if (!s) return NULL;
    char *r = strdup(s);
    if (!r) abort();
    return r;
}

static const char *jstr(const json_t *o, const char *k) {
    return json_string_value(json_object_get(o, k));
}

Status mv_def_parse(const char *text, MvDef *out, Error *err) {
    memset(out, 0, sizeof *out);
    snprintf(out->refresh, sizeof out->refresh, "MANUAL");
    out->active = true;
    out->reason = xstrdup("");
    if (!text || !*text) return STATUS_OK;
    json_error_t je;
    json_t *j = json_loads(text, 0, &je);
    if (!json_is_object(j)) {
        json_decref(j);
        return err_set(err, ERR_CORRUPT, "materialized view definition is not valid JSON: %s",
                       je.text);
    }
    if (jstr(j, "refresh")) snprintf(out->refresh, sizeof out->refresh, "%s", jstr(j, "refresh"));
    out->start = xstrdup(jstr(j, "start"));
    out->every_n = json_integer_value(json_object_get(j, "every_n"));
    if (jstr(j, "every_unit"))
        snprintf(out->every_unit, sizeof out->every_unit, "%s", jstr(j, "every_unit"));
    out->deferred = json_is_true(json_object_get(j, "deferred"));
    out->active = !json_is_false(json_object_get(j, "active"));
    free(out->reason);
    out->reason = xstrdup(jstr(j, "reason") ? jstr(j, "reason") : "");
    const json_t *base = json_object_get(j, "base");
    size_t i;
    json_t *b;
    json_array_foreach(base, i, b) {
        mv_def_add_base(
            out, jstr(b, "db") ? jstr(b, "db") : "", jstr(b, "table") ? jstr(b, "table") : "",
            json_integer_value(json_object_get(b, "id")), jstr(b, "sig") ? jstr(b, "sig") : "");
    }
    json_decref(j);
    return STATUS_OK;
}

char *mv_def_format(const MvDef *d) {
    json_t *j = json_object();
    json_object_set_new(j, "refresh", json_string(d->refresh));
    if (d->start) json_object_set_new(j, "start", json_string(d->start));
    if (d->every_n) {
        json_object_set_new(j, "every_n", json_integer(d->every_n));
        json_object_set_new(j, "every_unit", json_string(d->every_unit));
    }
    if (d->deferred) json_object_set_new(j, "deferred", json_true());
    json_object_set_new(j, "active", json_boolean(d->active));
    json_object_set_new(j, "reason", json_string(d->reason ? d->reason : ""));
    json_t *base = json_array();
    for (int i = 0; i < d->nbase; i++)
        json_array_append_new(base, json_pack("{s:s, s:s, s:I, s:s}", "db", d->base[i].db, "table",
                                              d->base[i].table, "id", (json_int_t)d->base[i].id,
                                              "sig", d->base[i].sig));
    json_object_set_new(j, "base", base);
    char *s = json_dumps(j, JSON_COMPACT);
    json_decref(j);
    if (!s) abort();
    return s;
}

void mv_def_free(MvDef *d) {
    free(d->start);
    free(d->reason);
    for (int i = 0; i < d->nbase; i++) {
        free(d->base[i].db);
        free(d->base[i].table);
        free(d->base[i].sig);
    }
    free(d->base);
    memset(d, 0, sizeof *d);
}

void mv_def_set_state(MvDef *d, bool active, const char *reason) {
    d->active = active;
    free(d->reason);
    d->reason = xstrdup(active || !reason ? "" : reason);
}

void mv_def_add_base(MvDef *d, const char *db, const char *table, int64_t id, const char *sig) {
    MvBase *nb = realloc(d->base, sizeof *nb * (size_t)(d->nbase + 1));
    if (!nb) abort();
    d->base = nb;
    MvBase *b = &d->base[d->nbase++];
    b->db = xstrdup(db);
    b->table = xstrdup(table);
    b->id = id;
    b->sig = xstrdup(sig ? sig : "");
}

char *mv_def_refresh_text(const MvDef *d) {
    StrBuf sb = STRBUF_INIT;
    sb_append(&sb, d->deferred ? "DEFERRED " : "");
    sb_append(&sb, d->refresh);
    if (d->start) sb_appendf(&sb, " START(\"%s\")", d->start);
    if (d->every_n)
        sb_appendf(&sb, " EVERY(INTERVAL %lld %s)", (long long)d->every_n, d->every_unit);
    return sb_detach(&sb);
}

int64_t mv_def_interval_ms(const MvDef *d) {
    static const struct {
        const char *unit;
        int64_t ms;
    } units[] = {{"SECOND", 1000},
                 {"MINUTE", 60000},
                 {"HOUR", 3600000},
                 {"DAY", 86400000},
                 {"WEEK", 7 * 86400000LL},
                 {"MONTH", 30 * 86400000LL},
                 {"QUARTER", 91 * 86400000LL},
                 {"YEAR", 365 * 86400000LL}};
    if (d->every_n <= 0) return 0;
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
        if (!strcasecmp(units[i].unit, d->every_unit)) return d->every_n * units[i].ms;
    return 0;
}

/* ---------------------------------------------------------------- dependencies */

typedef struct RefWalk {
    Arena *a;
    MvRef *items;
    int n, cap;
} RefWalk;

typedef struct CteScope {
    const Query *q;
    const struct CteScope *up;
} CteScope;

static bool is_cte(const CteScope *sc, const char *name) {
    for (; sc; sc = sc->up)
        for (int i = 0; i < sc->q->nctes; i++)
            if (!strcasecmp(sc->q->ctes[i].name, name)) return true;
    return false;
}

static void add_ref(RefWalk *w, const char *db, const char *table) {
    for (int i = 0; i < w->n; i++)
        if (!strcasecmp(w->items[i].db, db) && !strcmp(w->items[i].table, table)) return;
    if (w->n == w->cap) {
        w->cap = w->cap ? w->cap * 2 : 8;
        MvRef *ni = arena_alloc(w->a, sizeof *ni * (size_t)w->cap);
        if (w->n) memcpy(ni, w->items, sizeof *ni * (size_t)w->n);
        w->items = ni;
    }
    w->items[w->n].db = arena_strdup(w->a, db);
    w->items[w->n].table = arena_strdup(w->a, table);
    w->n++;
}

static void walk_query(RefWalk *w, const Query *q, const char *db, const CteScope *up);

static void walk_expr(RefWalk *w, const Expr *e, const char *db, const CteScope *sc) {
    if (!e) return;
    if (e->subquery) walk_query(w, e->subquery, db, sc);
    walk_expr(w, e->left, db, sc);
    walk_expr(w, e->right, db, sc);
    walk_expr(w, e->third, db, sc);
    for (int i = 0; i < e->nargs; i++)
        walk_expr(w, e->args[i], db, sc);
}

static void walk_from(RefWalk *w, const TableRef *t, const char *db, const CteScope *sc) {
    if (!t) return;
    switch (t->kind) {
    case TREF_TABLE:
        if (!t->db && is_cte(sc, t->name)) return;
        add_ref(w, t->db ? t->db : db, t->name);
        return;
    case TREF_SUBQUERY:
        walk_query(w, t->subquery, db, sc);
        return;
    case TREF_JOIN:
        walk_from(w, t->left, db, sc);
        walk_from(w, t->right, db, sc);
        walk_expr(w, t->on, db, sc);
        return;
    }
}

static void walk_body(RefWalk *w, const QueryBody *b, const char *db, const CteScope *sc) {
    if (!b) return;
    switch (b->kind) {
    case QB_SELECT: {
        const SelectCore *c = b->select;
        walk_from(w, c->from, db, sc);
        for (int i = 0; i < c->nitems; i++)
            walk_expr(w, c->items[i].expr, db, sc);
        walk_expr(w, c->where, db, sc);
        for (int i = 0; i < c->ngroup; i++)
            walk_expr(w, c->group_by[i], db, sc);
        walk_expr(w, c->having, db, sc);
        return;
    }
    case QB_SETOP:
        walk_body(w, b->left, db, sc);
        walk_body(w, b->right, db, sc);
        return;
    case QB_QUERY:
        walk_query(w, b->query, db, sc);
        return;
    }
}

static void walk_query(RefWalk *w, const Query *q, const char *db, const CteScope *up) {
    if (!q) return;
    CteScope sc = {q, up};
    for (int i = 0; i < q->nctes; i++)
        walk_query(w, q->ctes[i].query, db, &sc);
    walk_body(w, q->body, db, &sc);
    for (int i = 0; i < q->norder; i++)
        walk_expr(w, q->order_by[i].expr, db, &sc);
}

void mv_query_refs(const Query *q, const char *default_db, Arena *a, MvRef **out, int *n) {
    RefWalk w = {a, NULL, 0, 0};
    walk_query(&w, q, default_db ? default_db : "", NULL);
    *out = w.items;
    *n = w.n;
}

/* ---------------------------------------------------------------- re-pointing to another database
 */

typedef struct Repoint {
    const char *from, *to;
    int n;
} Repoint;

static void rp_query(Repoint *r, Query *q);

static void rp_db(Repoint *r, char **db) {
    if (*db && !strcasecmp(*db, r->from)) {
        *db = (char *)r->to;
        r->n++;
    }
}

static void rp_expr(Repoint *r, Expr *e) {
    if (!e) return;
    rp_db(r, &e->qual_db);
    if (e->subquery) rp_query(r, e->subquery);
    rp_expr(r, e->left);
    rp_expr(r, e->right);
    rp_expr(r, e->third);
    for (int i = 0; i < e->nargs; i++)
        rp_expr(r, e->args[i]);
}

static void rp_from(Repoint *r, TableRef *t) {
    if (!t) return;
    rp_db(r, &t->db);
    if (t->subquery) rp_query(r, t->subquery);
    rp_from(r, t->left);
    rp_from(r, t->right);
    rp_expr(r, t->on);
}

static void rp_body(Repoint *r, QueryBody *b) {
    if (!b) return;
    if (b->select) {
        SelectCore *c = b->select;
        rp_from(r, c->from);
        for (int i = 0; i < c->nitems; i++)
            rp_expr(r, c->items[i].expr);
        rp_expr(r, c->where);
        for (int i = 0; i < c->ngroup; i++)
            rp_expr(r, c->group_by[i]);
        rp_expr(r, c->having);
    }
    rp_body(r, b->left);
    rp_body(r, b->right);
    if (b->query) rp_query(r, b->query);
}

static void rp_query(Repoint *r, Query *q) {
    if (!q) return;
    for (int i = 0; i < q->nctes; i++)
        rp_query(r, q->ctes[i].query);
    rp_body(r, q->body);
    for (int i = 0; i < q->norder; i++)
        rp_expr(r, q->order_by[i].expr);
}

int mv_query_repoint(Query *q, const char *from_db, const char *to_db) {
    Repoint r = {from_db, to_db, 0};
    if (from_db && to_db && strcasecmp(from_db, to_db) != 0) rp_query(&r, q);
    return r.n;
}

void mv_table_signature(const CatTable *t, char *buf, size_t n) {
    StrBuf sb = STRBUF_INIT;
    const CatColumn *cols = t->kind == TABLE_VIEW ? t->view_cols : t->cols;
    int ncols = t->kind == TABLE_VIEW ? t->nview_cols : t->ncols;
    for (int i = 0; i < ncols; i++)
        sb_appendf(&sb, "%s:%d:%d:%d:%d:%d;", cols[i].name, (int)cols[i].type.id,
                   (int)cols[i].type.precision, (int)cols[i].type.scale, (int)cols[i].type.len,
                   cols[i].nullable ? 1 : 0);
    if (t->kind == TABLE_VIEW) sb_append(&sb, t->view_sql ? t->view_sql : "");
    snprintf(buf, n, "%016llx", (unsigned long long)hash_xxh3(sb_str(&sb), sb.len));
    sb_free(&sb);
}
