/* RowsetMeta JSON form and key bounds; see rowset_meta.h. */
#include "storage/rowset_meta.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "util/hash.h"

static void put_hex(json_t *obj, const char *key, const uint8_t *p, uint32_t n) {
    char *hex = malloc((size_t)n * 2 + 1);
    if (!hex) abort();
    hash_hex(p, n, hex);
    json_object_set_new(obj, key, json_string(hex));
    free(hex);
}

void rowset_meta_to_json(const RowsetMeta *m, StrBuf *out) {
    json_t *o = json_object();
    json_object_set_new(o, "rowset_id", json_integer((json_int_t)m->rowset_id));
    json_object_set_new(o, "start_version", json_integer(m->start_version));
    json_object_set_new(o, "end_version", json_integer(m->end_version));
    json_object_set_new(o, "rows", json_integer((json_int_t)m->nrows));
    json_object_set_new(o, "deletes", json_integer((json_int_t)m->ndeletes));
    json_object_set_new(o, "data_size", json_integer((json_int_t)m->data_size));
    json_object_set_new(o, "overlapping", json_boolean(m->segments_overlap));
    json_t *segs = json_array();
    for (uint32_t i = 0; i < m->nsegments; i++) {
        char hex[17];
        snprintf(hex, sizeof hex, "%016llx", (unsigned long long)m->segments[i].checksum);
        json_array_append_new(segs,
                              json_pack("{s:I,s:I,s:s}", "rows", (json_int_t)m->segments[i].nrows,
                                        "size", (json_int_t)m->segments[i].size, "checksum", hex));
    }
    json_object_set_new(o, "segments", segs);
    if (m->min_key) put_hex(o, "min_key", m->min_key, m->min_key_len);
    if (m->max_key) put_hex(o, "max_key", m->max_key, m->max_key_len);
    char *s = json_dumps(o, JSON_COMPACT);
    sb_append(out, s);
    free(s);
    json_decref(o);
}

static bool get_hex(json_t *o, const char *key, Arena *a, uint8_t **out, uint32_t *len) {
    json_t *v = json_object_get(o, key);
    *out = NULL;
    *len = 0;
    if (!v) return true;
    const char *s = json_string_value(v);
    if (!s) return false;
    size_t n = strlen(s);
    if (n % 2) return false;
    uint8_t *b = arena_alloc(a, n / 2 + 1);
    for (size_t i = 0; i < n / 2; i++) {
        unsigned int byte;
        if (sscanf(s + 2 * i, "%2x", &byte) != 1) return false;
        b[i] = (uint8_t)byte;
    }
    *out = b;
    *len = (uint32_t)(n / 2);
    return true;
}

Status rowset_meta_from_json(const char *text, size_t len, Arena *a, RowsetMeta **out, Error *err) {
    json_error_t jerr;
    json_t *o = json_loadb(text, len, 0, &jerr);
    if (!o)
        return err_set(err, ERR_CORRUPT, "Rowset metadata is not valid JSON: %s (at %d)", jerr.text,
                       jerr.position);
    RowsetMeta *m = arena_calloc(a, sizeof *m);
    json_int_t id = 0, sv = 0, ev = 0, rows = 0, dels = 0, size = 0;
    int overlap = 0;
    json_t *segs = NULL;
    Status s = STATUS_ERROR;
    if (json_unpack_ex(o, &jerr, 0, "{s:I,s:I,s:I,s:I,s:I,s:I,s:b,s:o}", "rowset_id", &id,
                       "start_version", &sv, "end_version", &ev, "rows", &rows, "deletes", &dels,
                       "data_size", &size, "overlapping", &overlap, "segments", &segs) != 0 ||
        !json_is_array(segs)) {
        err_set(err, ERR_CORRUPT, "Rowset metadata is incomplete: %s", jerr.text);
        goto done;
    }
    m->rowset_id = (uint64_t)id;
    m->start_version = sv;
    m->end_version = ev;
    m->nrows = (uint64_t)rows;
    m->ndeletes = (uint64_t)dels;
    m->data_size = (uint64_t)size;
    m->segments_overlap = overlap;
    m->nsegments = (uint32_t)json_array_size(segs);
    m->segments = arena_calloc(a, sizeof(SegmentFileInfo) * (m->nsegments ? m->nsegments : 1));
    for (uint32_t i = 0; i < m->nsegments; i++) {
        json_int_t srows, ssize;
        const char *hex;
        if (json_unpack_ex(json_array_get(segs, i), &jerr, 0, "{s:I,s:I,s:s}", "rows", &srows,
                           "size", &ssize, "checksum", &hex) != 0) {
            err_set(err, ERR_CORRUPT, "Rowset %llu metadata: segment %u is incomplete: %s",
                    (unsigned long long)m->rowset_id, i, jerr.text);
            goto done;
        }
        char *end;
        m->segments[i].nrows = (uint64_t)srows;
        m->segments[i].size = (uint64_t)ssize;
        m->segments[i].checksum = strtoull(hex, &end, 16);
        if (strlen(hex) != 16 || *end) {
            err_set(err, ERR_CORRUPT,
                    "Rowset %llu metadata: segment %u checksum '%s' is not 16 hex digits",
                    (unsigned long long)m->rowset_id, i, hex);
            goto done;
        }
    }
    if (!get_hex(o, "min_key", a, &m->min_key, &m->min_key_len) ||
        !get_hex(o, "max_key", a, &m->max_key, &m->max_key_len)) {
        err_set(err, ERR_CORRUPT, "Rowset %llu metadata: key bounds are not hex",
                (unsigned long long)m->rowset_id);
        goto done;
    }
    *out = m;
    s = STATUS_OK;
done:
    json_decref(o);
    return s;
}

static bool decode_key(const uint8_t *p, uint32_t n, const TabletSchema *schema, Datum *out) {
    ByteReader r = br_make(p, n);
    for (int k = 0; k < schema->nkeys; k++)
        if (!storage_datum_decode(&schema->cols[k].type, &r, &out[k])) return false;
    return br_left(&r) == 0;
}

bool rowset_meta_key_bounds(const RowsetMeta *m, const TabletSchema *schema, Arena *a,
                            Datum **min_out, Datum **max_out) {
    if (!m->min_key || !m->max_key || schema->nkeys == 0) return false;
    Datum *mn = arena_calloc(a, sizeof(Datum) * (size_t)schema->nkeys);
    Datum *mx = arena_calloc(a, sizeof(Datum) * (size_t)schema->nkeys);
    if (!decode_key(m->min_key, m->min_key_len, schema, mn) ||
        !decode_key(m->max_key, m->max_key_len, schema, mx))
        return false;
    *min_out = mn;
    *max_out = mx;
    return true;
}

RowsetMeta *rowset_meta_copy(const RowsetMeta *m, Arena *a) {
    RowsetMeta *c = arena_memdup(a, m, sizeof *m);
    c->segments =
        m->nsegments ? arena_memdup(a, m->segments, sizeof(SegmentFileInfo) * m->nsegments) : NULL;
    if (m->min_key) c->min_key = arena_memdup(a, m->min_key, m->min_key_len);
    if (m->max_key) c->max_key = arena_memdup(a, m->max_key, m->max_key_len);
    return c;
}
