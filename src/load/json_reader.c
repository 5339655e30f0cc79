/* The streaming JSON reader (json_reader.h). A byte-level splitter finds where each top-level value (or each
 * element of the outer array) ends, keeping its state across chunks so a large element is scanned once;
 * the element is then parsed into a small tree in a per-element arena (numbers keep their text, strings are
 * unescaped), json_root and jsonpaths are applied, and the row's fields handed to the callback. */
#include "load/json_reader.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/arena.h"

/* ---------------------------------------------------------------- tree */

typedef enum JvKind { JV_NULL, JV_BOOL, JV_NUM, JV_STR, JV_ARR, JV_OBJ } JvKind;

typedef struct JVal JVal;
struct JVal {
    JvKind kind;
    const char *s; /* JV_STR: decoded bytes; JV_NUM/JV_BOOL: text; JV_ARR/JV_OBJ: raw JSON text */
    uint32_t n;
    int nkids;
    JVal **kids;   /* array elements or object member values */
    const char **keys; /* JV_OBJ: member names (decoded) */
    uint32_t *key_lens;
};

typedef struct JParser {
    const char *p, *e;
    Arena *a;
    const char *problem;
    int depth;
} JParser;

static void skip_ws(JParser *j) {
    while (j->p < j->e && (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r')) j->p++;
}

static int hex4(const char *p) {
    int v = 0;
    for (int i = 0; i < 4; i++) {
        char c = p[i];
        v <<= 4;
        if (c >= '0' && c <= '9') v |= c - '0';
        else if (c >= 'a' && c <= 'f') v |= c - 'a' + 10;
        else if (c >= 'A' && c <= 'F') v |= c - 'A' + 10;
        else return -1;
    }
    return v;
}

static size_t put_utf8(char *o, uint32_t cp) {
    if (cp < 0x80) {
        o[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (char)(0xC0 | (cp >> 6));
        o[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (char)(0xE0 | (cp >> 12));
        o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        o[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    o[0] = (char)(0xF0 | (cp >> 18));
    o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    o[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    o[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* Parses a string at j->p (which is at the opening quote) into decoded bytes. */
static bool parse_string(JParser *j, const char **out, uint32_t *n) {
    const char *s = ++j->p;
    const char *q = s;
    while (q < j->e && *q != '"' && *q != '\\') q++;
    if (q < j->e && *q == '"') { /* no escapes: point into the input */
        *out = s;
        *n = (uint32_t)(q - s);
        j->p = q + 1;
        return true;
    }
    /* decoded text is never longer than the escaped text */
    char *o = arena_alloc(j->a, (size_t)(j->e - s) + 4);
    size_t k = 0;
    const char *p = s;
    while (p < j->e && *p != '"') {
        if ((unsigned char)*p < 0x20) {
            j->problem = "a control character inside a JSON string";
            return false;
        }
        if (*p != '\\') {
            o[k++] = *p++;
            continue;
        }
        if (p + 1 >= j->e) break;
        char c = p[1];
        p += 2;
        switch (c) {
        case '"': o[k++] = '"'; break;
        case '\\': o[k++] = '\\'; break;
        case '/': o[k++] = '/'; break;
        case 'b': o[k++] = '\b'; break;
        case 'f': o[k++] = '\f'; break;
        case 'n': o[k++] = '\n'; break;
        case 'r': o[k++] = '\r'; break;
        case 't': o[k++] = '\t'; break;
        case 'u': {
            int v = j->e - p >= 4 ? hex4(p) : -1;
            if (v < 0) {
                j->problem = "a bad \\u escape in a JSON string";
                return false;
            }
            p += 4;
            uint32_t cp = (uint32_t)v;
            if (cp >= 0xD800 && cp < 0xDC00 && j->e - p >= 6 && p[0] == '\\' && p[1] == 'u') {
                int lo = hex4(p + 2);
                if (lo >= 0xDC00 && lo < 0xE000) {
                    cp = 0x10000 + ((cp - 0xD800) << 10) + ((uint32_t)lo - 0xDC00);
                    p += 6;
                }
            }
            k += put_utf8(o + k, cp);
            break;
        }
        default: j->problem = "a bad escape in a JSON string"; return false;
        }
    }
    if (p >= j->e) {
        j->problem = "an unterminated JSON string";
        return false;
    }
    j->p = p + 1;
    *out = o;
    *n = (uint32_t)k;
    return true;
}

static JVal *parse_value(JParser *j);

static JVal *parse_container(JParser *j, bool is_obj) {
    const char *start = j->p;
    JVal *v = arena_calloc(j->a, sizeof *v);
    v->kind = is_obj ? JV_OBJ : JV_ARR;
    if (++j->depth > 512) {
        j->problem = "JSON nested deeper than 512 levels";
        return NULL;
    }
    j->p++;
    int cap = 0;
    skip_ws(j);
    if (j->p < j->e && *j->p == (is_obj ? '}' : ']')) {
        j->p++;
        goto done;
    }
    for (;;) {
        const char *key = NULL;
        uint32_t klen = 0;
        skip_ws(j);
        if (is_obj) {
            if (j->p >= j->e || *j->p != '"') {
                j->problem = "a JSON object member without a quoted name";
                return NULL;
            }
            if (!parse_string(j, &key, &klen)) return NULL;
            skip_ws(j);
            if (j->p >= j->e || *j->p != ':') {
                j->problem = "a missing ':' after a JSON object member name";
                return NULL;
            }
            j->p++;
        }
        JVal *kid = parse_value(j);
        if (!kid) return NULL;
        if (v->nkids == cap) {
            int ncap = cap ? cap * 2 : 8;
            JVal **nk = arena_alloc(j->a, (size_t)ncap * sizeof *nk);
            if (v->nkids) memcpy(nk, v->kids, (size_t)v->nkids * sizeof *nk);
            v->kids = nk;
            if (is_obj) {
                const char **nkeys = arena_alloc(j->a, (size_t)ncap * sizeof *nkeys);
                uint32_t *nlens = arena_alloc(j->a, (size_t)ncap * sizeof *nlens);
                if (v->nkids) {
                    memcpy(nkeys, v->keys, (size_t)v->nkids * sizeof *nkeys);
                    memcpy(nlens, v->key_lens, (size_t)v->nkids * sizeof *nlens);
                }
                v->keys = nkeys;
                v->key_lens = nlens;
            }
            cap = ncap;
        }
        if (is_obj) {
            v->keys[v->nkids] = key;
            v->key_lens[v->nkids] = klen;
        }
        v->kids[v->nkids++] = kid;
        skip_ws(j);
        if (j->p < j->e && *j->p == ',') {
            j->p++;
            continue;
        }
        if (j->p < j->e && *j->p == (is_obj ? '}' : ']')) {
            j->p++;
            break;
        }
        j->problem = is_obj ? "a JSON object with a missing ',' or '}'" : "a JSON array with a missing ',' or ']'";
        return NULL;
    }
done:
    j->depth--;
    v->s = start;
    v->n = (uint32_t)(j->p - start);
    return v;
}

static bool is_num_char(char c) {
    return (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E';
}

static JVal *parse_value(JParser *j) {
    skip_ws(j);
    if (j->p >= j->e) {
        j->problem = "a JSON value is missing";
        return NULL;
    }
    char c = *j->p;
    if (c == '{' || c == '[') return parse_container(j, c == '{');
    JVal *v = arena_calloc(j->a, sizeof *v);
    if (c == '"') {
        v->kind = JV_STR;
        if (!parse_string(j, &v->s, &v->n)) return NULL;
        return v;
    }
    static const struct { const char *w; JvKind k; } words[] = {
        {"null", JV_NULL}, {"true", JV_BOOL}, {"false", JV_BOOL}};
    for (size_t i = 0; i < 3; i++) {
        size_t wl = strlen(words[i].w);
        if ((size_t)(j->e - j->p) >= wl && memcmp(j->p, words[i].w, wl) == 0) {
            v->kind = words[i].k;
            v->s = j->p;
            v->n = (uint32_t)wl;
            j->p += wl;
            return v;
        }
    }
    if (c == '-' || (c >= '0' && c <= '9')) {
        const char *s = j->p;
        while (j->p < j->e && is_num_char(*j->p)) j->p++;
        v->kind = JV_NUM;
        v->s = s;
        v->n = (uint32_t)(j->p - s);
        return v;
    }
    j->problem = "not valid JSON";
    return NULL;
}

/* ---------------------------------------------------------------- paths */

typedef struct PathStep {
    const char *key; /* NULL: an array index step */
    uint32_t key_len;
    int64_t index;
} PathStep;

typedef struct JPath {
    const char *text;
    PathStep *steps;
    int nsteps;
} JPath;

/* Compiles $.a.b, $['a'], $["a"], $.a[0], $ (the value itself); allocations in a. */
static bool path_compile(const char *text, Arena *a, JPath *out) {
    out->text = text;
    out->nsteps = 0;
    out->steps = arena_alloc(a, (strlen(text) + 1) * sizeof *out->steps);
    const char *p = text;
    while (*p == ' ') p++;
    if (*p != '$') return false;
    p++;
    while (*p) {
        PathStep st = {0};
        if (*p == '.') {
            p++;
            const char *s = p;
            while (*p && *p != '.' && *p != '[') p++;
            if (p == s) return false;
            st.key = arena_strndup(a, s, (size_t)(p - s));
            st.key_len = (uint32_t)(p - s);
        } else if (*p == '[') {
            p++;
            if (*p == '\'' || *p == '"') {
                char q = *p++;
                const char *s = p;
                while (*p && *p != q) p++;
                if (!*p) return false;
                st.key = arena_strndup(a, s, (size_t)(p - s));
                st.key_len = (uint32_t)(p - s);
                p++;
            } else {
                char *end;
                long long v = strtoll(p, &end, 10);
                if (end == p || v < 0) return false;
                st.index = v;
                p = end;
            }
            if (*p != ']') return false;
            p++;
        } else {
            return false;
        }
        out->steps[out->nsteps++] = st;
    }
    return true;
}

static JVal *obj_member(const JVal *v, const char *key, uint32_t klen) {
    if (!v || v->kind != JV_OBJ) return NULL;
    for (int i = 0; i < v->nkids; i++)
        if (v->key_lens[i] == klen && memcmp(v->keys[i], key, klen) == 0) return v->kids[i];
    /* column names are case-insensitive: fall back to a case-insensitive match */
    for (int i = 0; i < v->nkids; i++)
        if (v->key_lens[i] == klen && strncasecmp(v->keys[i], key, klen) == 0) return v->kids[i];
    return NULL;
}

static JVal *path_eval(const JPath *path, JVal *v) {
    for (int i = 0; i < path->nsteps && v; i++) {
        const PathStep *st = &path->steps[i];
        if (st->key) {
            v = obj_member(v, st->key, st->key_len);
        } else {
            if (v->kind != JV_ARR || st->index >= v->nkids) return NULL;
            v = v->kids[st->index];
        }
    }
    return v;
}

/* ---------------------------------------------------------------- reader */

enum { SPLIT_TOP, SPLIT_OUTER }; /* between top-level values / inside the stripped outer array */

struct JsonReader {
    JsonOptions o;
    size_t max_element;
    Arena *cfg;   /* paths, names */
    Arena *elem;  /* one element's tree; reset per element */
    const char **names;
    uint32_t *name_lens;
    int nnames;
    JPath *paths;
    int npaths;
    bool has_root;
    JPath root;
    JsonField *fields;
    int nfields;
    /* input buffer: unconsumed bytes are buf[start, len) */
    char *buf;
    size_t start, len, cap;
    /* splitter state */
    int mode;
    bool in_elem, in_str, esc;
    char elem_kind; /* '{', '[', '"' or 's' (scalar) */
    int depth;
    size_t pos; /* next byte to scan (absolute in buf) */
    int64_t rows;
};

Status json_reader_new(const JsonOptions *o, const char *const *names, int nnames, size_t max_element,
                       JsonReader **out, Error *err) {
    JsonReader *r = calloc(1, sizeof *r);
    if (!r) abort();
    r->o = *o;
    r->max_element = max_element ? max_element : (100u << 20);
    r->cfg = arena_new(0);
    r->elem = arena_new(0);
    r->nnames = nnames;
    r->names = arena_alloc(r->cfg, (size_t)(nnames + 1) * sizeof *r->names);
    r->name_lens = arena_alloc(r->cfg, (size_t)(nnames + 1) * sizeof *r->name_lens);
    for (int i = 0; i < nnames; i++) {
        r->names[i] = arena_strdup(r->cfg, names[i]);
        r->name_lens[i] = (uint32_t)strlen(names[i]);
    }
    if (o->jsonpaths && *o->jsonpaths) {
        json_error_t je;
        json_t *arr = json_loads(o->jsonpaths, 0, &je);
        if (!arr || !json_is_array(arr)) {
            json_decref(arr);
            json_reader_free(r);
            return err_set(err, ERR_INVALID_ARGUMENT,
                           "jsonpaths '%s' is not a JSON array of path strings such as [\"$.k1\", \"$.k2\"]",
                           o->jsonpaths);
        }
        r->npaths = (int)json_array_size(arr);
        r->paths = arena_calloc(r->cfg, (size_t)(r->npaths + 1) * sizeof *r->paths);
        for (int i = 0; i < r->npaths; i++) {
            const char *t = json_string_value(json_array_get(arr, (size_t)i));
            if (!t || !path_compile(arena_strdup(r->cfg, t), r->cfg, &r->paths[i])) {
                err_set(err, ERR_INVALID_ARGUMENT, "jsonpaths entry %d (%s) is not a path like $.a.b or $.a[0]",
                        i + 1, t ? t : "not a string");
                json_decref(arr);
                json_reader_free(r);
                return STATUS_ERROR;
            }
        }
        json_decref(arr);
        r->nfields = r->npaths;
    } else {
        r->nfields = nnames;
    }
    r->o.jsonpaths = NULL;
    if (o->json_root && *o->json_root) {
        if (!path_compile(arena_strdup(r->cfg, o->json_root), r->cfg, &r->root)) {
            json_reader_free(r);
            return err_set(err, ERR_INVALID_ARGUMENT, "json_root '%s' is not a path like $.data or $.a[0]",
                           o->json_root);
        }
        r->has_root = true;
    }
    r->o.json_root = NULL;
    r->fields = arena_calloc(r->cfg, (size_t)(r->nfields + 1) * sizeof *r->fields);
    *out = r;
    return STATUS_OK;
}

void json_reader_free(JsonReader *r) {
    if (!r) return;
    arena_free(r->cfg);
    arena_free(r->elem);
    free(r->buf);
    free(r);
}

int json_reader_nfields(const JsonReader *r) {
    return r->nfields;
}

static void set_field(JsonField *f, const JVal *v) {
    if (!v || v->kind == JV_NULL) {
        f->ptr = "";
        f->len = 0;
        f->is_null = true;
        return;
    }
    f->ptr = v->s;
    f->len = v->n;
    f->is_null = false;
}

/* Emits one row value (an element of the stream, or of the array json_root selected). */
static Status emit_row(JsonReader *r, JVal *row, const char *raw, size_t raw_len, JsonRowFn fn, void *ctx,
                       Error *err) {
    r->rows++;
    if (r->npaths) {
        for (int i = 0; i < r->npaths; i++) set_field(&r->fields[i], path_eval(&r->paths[i], row));
        return fn(ctx, r->fields, r->nfields, NULL, raw, raw_len, r->rows, err);
    }
    if (row->kind != JV_OBJ) {
        const char *why = row->kind == JV_ARR ? "the row is a JSON array, not an object (set strip_outer_array "
                                                "to true to load the elements of an array as rows)"
                                              : "the row is not a JSON object";
        return fn(ctx, NULL, 0, why, raw, raw_len, r->rows, err);
    }
    for (int i = 0; i < r->nnames; i++) set_field(&r->fields[i], obj_member(row, r->names[i], r->name_lens[i]));
    return fn(ctx, r->fields, r->nfields, NULL, raw, raw_len, r->rows, err);
}

/* A complete element buf[s, e): parse it and emit its row(s). */
static Status handle_element(JsonReader *r, const char *s, size_t n, JsonRowFn fn, void *ctx, Error *err) {
    arena_reset(r->elem);
    JParser j = {s, s + n, r->elem, NULL, 0};
    JVal *v = parse_value(&j);
    if (v) {
        skip_ws(&j);
        if (j.p != j.e) {
            v = NULL;
            j.problem = "extra bytes after a JSON value";
        }
    }
    if (!v) {
        r->rows++;
        return fn(ctx, NULL, 0, j.problem, s, n, r->rows, err);
    }
    if (r->has_root) {
        v = path_eval(&r->root, v);
        if (!v) {
            r->rows++;
            return fn(ctx, NULL, 0, "json_root does not exist in this value", s, n, r->rows, err);
        }
        if (v->kind == JV_ARR && r->o.strip_outer_array) {
            for (int i = 0; i < v->nkids; i++) {
                JVal *k = v->kids[i];
                const char *ks = k->kind == JV_ARR || k->kind == JV_OBJ ? k->s : s;
                size_t kn = k->kind == JV_ARR || k->kind == JV_OBJ ? k->n : n;
                if (emit_row(r, k, ks, kn, fn, ctx, err)) return STATUS_ERROR;
            }
            return STATUS_OK;
        }
    }
    return emit_row(r, v, s, n, fn, ctx, err);
}

static bool is_ws(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Scans buf from pos, cutting complete elements. at_end: no more input follows. */
static Status split(JsonReader *r, bool at_end, JsonRowFn fn, void *ctx, Error *err) {
    /* stripping without json_root: the stream's outer array is unwrapped here, element by element */
    bool strip_stream = r->o.strip_outer_array && !r->has_root;
    while (r->pos < r->len || (at_end && r->in_elem)) {
        if (!r->in_elem) {
            char c = r->buf[r->pos];
            if (is_ws(c)) {
                r->pos++;
                r->start = r->pos;
                continue;
            }
            if (strip_stream && r->mode == SPLIT_TOP) {
                if (c != '[')
                    return err_set(err, ERR_INVALID_ARGUMENT,
                                   "strip_outer_array is true but the JSON data after row %lld does not start "
                                   "with '[' (found '%c')",
                                   (long long)r->rows, c);
                r->mode = SPLIT_OUTER;
                r->pos++;
                r->start = r->pos;
                continue;
            }
            if (r->mode == SPLIT_OUTER && (c == ',' || c == ']')) {
                if (c == ']') r->mode = SPLIT_TOP;
                r->pos++;
                r->start = r->pos;
                continue;
            }
            r->in_elem = true;
            r->start = r->pos;
            r->elem_kind = (c == '{' || c == '[' || c == '"') ? c : 's';
            r->depth = 0;
            r->in_str = r->esc = false;
        }
        /* scan the element */
        bool done = false;
        size_t p = r->pos;
        if (r->elem_kind == 's') {
            while (p < r->len && !is_ws(r->buf[p]) && r->buf[p] != ',' && r->buf[p] != ']' && r->buf[p] != '{' &&
                   r->buf[p] != '[')
                p++;
            done = p < r->len || at_end;
            if (p == r->start && p < r->len) p++; /* a stray structural byte: make it a one-byte element */
        } else {
            for (; p < r->len; p++) {
                char c = r->buf[p];
                if (r->in_str) {
                    if (r->esc)
                        r->esc = false;
                    else if (c == '\\')
                        r->esc = true;
                    else if (c == '"') {
                        r->in_str = false;
                        if (r->elem_kind == '"') {
                            p++;
                            done = true;
                            break;
                        }
                    }
                    continue;
                }
                if (c == '"') {
                    r->in_str = true;
                } else if (c == '{' || c == '[') {
                    r->depth++;
                } else if (c == '}' || c == ']') {
                    if (--r->depth == 0) {
                        p++;
                        done = true;
                        break;
                    }
                }
            }
            if (!done && at_end && p >= r->len) {
                if (r->len == r->start) {
                    r->in_elem = false;
                    break;
                }
                done = true; /* truncated: the parser reports what is missing */
            }
        }
        r->pos = p;
        if (!done) {
            if (r->len - r->start > r->max_element)
                return err_set(err, ERR_INVALID_ARGUMENT,
                               "a JSON value after row %lld is larger than %zu bytes (split the data, or use "
                               "strip_outer_array to stream the elements of a large array)",
                               (long long)r->rows, r->max_element);
            return STATUS_OK;
        }
        r->in_elem = false;
        size_t s = r->start;
        r->start = r->pos;
        if (handle_element(r, r->buf + s, p - s, fn, ctx, err)) return STATUS_ERROR;
    }
    return STATUS_OK;
}

Status json_reader_feed(JsonReader *r, const char *data, size_t n, JsonRowFn fn, void *ctx, Error *err) {
    if (r->start > 0 && (r->start >= r->len || r->start > r->cap / 2)) {
        size_t drop = r->start;
        memmove(r->buf, r->buf + drop, r->len - drop);
        r->len -= drop;
        r->pos -= drop;
        r->start = 0;
    }
    if (r->len + n > r->cap) {
        size_t cap = r->cap ? r->cap : 65536;
        while (cap < r->len + n) cap *= 2;
        r->buf = realloc(r->buf, cap);
        if (!r->buf) abort();
        r->cap = cap;
    }
    memcpy(r->buf + r->len, data, n);
    r->len += n;
    return split(r, false, fn, ctx, err);
}

Status json_reader_finish(JsonReader *r, JsonRowFn fn, void *ctx, Error *err) {
    if (split(r, true, fn, ctx, err)) return STATUS_ERROR;
    if (r->mode == SPLIT_OUTER)
        return err_set(err, ERR_INVALID_ARGUMENT, "the JSON data ends inside the outer array (a ']' is missing)");
    return STATUS_OK;
}
