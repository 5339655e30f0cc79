/* Page bodies: the null bitmap, then the values in the encoding that suits the column type (see
 * encoding.h). Decoding writes straight into a ColumnVector so a scan touches each value once. */
#include "storage/encoding.h"

#include <string.h>

#include "util/hash.h"

#define PAGE_HAS_NULLS 0x01
#define PAGE_NARROW128 0x02 /* 128-bit values that fit 64 bits, stored with the integer encodings  \
                             */

const char *page_encoding_name(PageEncoding e) {
    static const char *names[ENC__COUNT] = {"plain", "bitpack", "delta", "rle", "dict"};
    return e < ENC__COUNT ? names[e] : "unknown";
}

static int int_cell_bytes(TypeId id) {
    switch (id) {
    case TYPE_BOOLEAN:
    case TYPE_TINYINT:
        return 1;
    case TYPE_SMALLINT:
        return 2;
    case TYPE_INT:
    case TYPE_DATE:
        return 4;
    case TYPE_BIGINT:
    case TYPE_DATETIME:
        return 8;
    default:
        return 0;
    }
}

static int64_t load_int_cell(const void *cell, int cb) {
    switch (cb) {
    case 1:
        return *(const int8_t *)cell;
    case 2:
        return *(const int16_t *)cell;
    case 4:
        return *(const int32_t *)cell;
    default:
        return *(const int64_t *)cell;
    }
}

static inline uint32_t page_row(const uint32_t *sel, uint32_t first, uint32_t i) {
    return sel ? sel[i] : first + i;
}

/* Gathers an integer-like column into int64s; NULL rows repeat the previous value so runs and
 * deltas stay small. */
static int64_t *gather_ints(const ColumnVector *v, const uint32_t *sel, uint32_t first, uint32_t n,
                            Arena *scratch) {
    int64_t *vals = arena_alloc(scratch, sizeof(int64_t) * (n ? n : 1));
    int cb = int_cell_bytes(v->type.id);
    bool wide = cb == 0; /* LARGEINT / DECIMAL already known to fit */
    int64_t prev = 0;
    bool have_prev = false;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t row = page_row(sel, first, i);
        if (colvec_is_null(v, row)) {
            vals[i] = prev;
            continue;
        }
        const void *cell = colvec_cell(v, row);
        int64_t x;
        if (wide) {
            int128_t w;
            memcpy(&w, cell, 16);
            x = (int64_t)w;
        } else {
            x = load_int_cell(cell, cb);
        }
        vals[i] = x;
        if (!have_prev) {
            /* leading NULLs take the first real value rather than 0 */
            for (uint32_t k = 0; k < i; k++)
                vals[k] = x;
            have_prev = true;
        }
        prev = x;
    }
    return vals;
}

static bool wide_fits_64(const ColumnVector *v, const uint32_t *sel, uint32_t first, uint32_t n) {
    for (uint32_t i = 0; i < n; i++) {
        uint32_t row = page_row(sel, first, i);
        if (colvec_is_null(v, row)) continue;
        int128_t w;
        memcpy(&w, colvec_cell(v, row), 16);
        if (w != (int128_t)(int64_t)w) return false;
    }
    return true;
}

static void encode_fixed_plain(const ColumnVector *v, const uint32_t *sel, uint32_t first,
                               uint32_t n, StrBuf *out) {
    size_t cs = type_cell_size(v->type.id);
    sb_reserve(out, cs * n);
    char *dst = out->data + out->len;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t row = page_row(sel, first, i);
        if (colvec_is_null(v, row))
            memset(dst + cs * i, 0, cs);
        else
            memcpy(dst + cs * i, colvec_cell(v, row), cs);
    }
    out->len += cs * n;
    out->data[out->len] = '\0';
}

/* A page dictionary: distinct strings in first-seen order and each row's code. Returns false (and
 * gives up early) when the page has too many distinct values for a dictionary to pay. */
static bool build_dict(const Slice *strs, uint32_t n, Arena *scratch, Slice **dict_out,
                       uint32_t *ndict_out, int64_t *codes) {
    uint32_t cap = 16;
    while (cap < 2 * n)
        cap *= 2;
    uint32_t *slots = arena_calloc(scratch, sizeof(uint32_t) * cap); /* dict index + 1; 0 = empty */
    Slice *dict = arena_alloc(scratch, sizeof(Slice) * (n ? n : 1));
    uint32_t ndict = 0, limit = n / 2 + 1;
    for (uint32_t i = 0; i < n; i++) {
        const Slice *s = &strs[i];
        uint32_t h = (uint32_t)hash_xxh3(s->ptr, s->len) & (cap - 1);
        for (;;) {
            uint32_t slot = slots[h];
            if (slot == 0) {
                if (ndict >= limit) return false;
                dict[ndict] = *s;
                slots[h] = ++ndict;
                codes[i] = ndict - 1;
                break;
            }
            const Slice *d = &dict[slot - 1];
            if (d->len == s->len && (s->len == 0 || memcmp(d->ptr, s->ptr, s->len) == 0)) {
                codes[i] = slot - 1;
                break;
            }
            h = (h + 1) & (cap - 1);
        }
    }
    *dict_out = dict;
    *ndict_out = ndict;
    return true;
}

static PageEncoding encode_strings(const ColumnVector *v, const uint32_t *sel, uint32_t first,
                                   uint32_t n, Arena *scratch, StrBuf *out) {
    Slice *strs = arena_alloc(scratch, sizeof(Slice) * (n ? n : 1));
    int64_t *lens = arena_alloc(scratch, sizeof(int64_t) * (n ? n : 1));
    size_t total = 0;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t row = page_row(sel, first, i);
        if (colvec_is_null(v, row)) {
            strs[i].ptr = "";
            strs[i].len = 0;
        } else {
            memcpy(&strs[i], colvec_cell(v, row), sizeof(Slice));
        }
        lens[i] = strs[i].len;
        total += strs[i].len;
    }
    int64_t *codes = arena_alloc(scratch, sizeof(int64_t) * (n ? n : 1));
    Slice *dict;
    uint32_t ndict;
    if (n > 1 && build_dict(strs, n, scratch, &dict, &ndict, codes)) {
        size_t dict_bytes = 0;
        for (uint32_t k = 0; k < ndict; k++)
            dict_bytes += dict[k].len;
        /* codes take about log2(ndict) bits a row against the bytes a plain page repeats */
        int code_bits = ndict > 1 ? 64 - __builtin_clzll((uint64_t)ndict - 1) : 0;
        size_t dict_size = dict_bytes + 2 * (size_t)ndict + ((size_t)n * (size_t)code_bits + 7) / 8;
        if (dict_size < total) {
            bw_u8(out, ENC_DICT);
            bw_varint(out, ndict);
            for (uint32_t k = 0; k < ndict; k++)
                lens[k] = dict[k].len;
            intblock_encode(lens, ndict, 4, out);
            bw_varint(out, dict_bytes);
            for (uint32_t k = 0; k < ndict; k++)
                if (dict[k].len) sb_appendn(out, dict[k].ptr, dict[k].len);
            intblock_encode(codes, n, 4, out);
            return ENC_DICT;
        }
    }
    bw_u8(out, ENC_PLAIN);
    intblock_encode(lens, n, 4, out);
    bw_varint(out, total);
    sb_reserve(out, total);
    for (uint32_t i = 0; i < n; i++)
        if (strs[i].len) sb_appendn(out, strs[i].ptr, strs[i].len);
    return ENC_PLAIN;
}

PageEncoding page_encode(const ColumnVector *v, const uint32_t *sel, uint32_t first, uint32_t n,
                         Arena *scratch, StrBuf *out) {
    uint32_t nulls = 0;
    if (v->nulls)
        for (uint32_t i = 0; i < n; i++)
            nulls += v->nulls[page_row(sel, first, i)] != 0;
    TypeId id = v->type.id;
    bool narrow = (id == TYPE_LARGEINT || id == TYPE_DECIMAL) && wide_fits_64(v, sel, first, n);
    bw_u8(out, (uint8_t)((nulls ? PAGE_HAS_NULLS : 0) | (narrow ? PAGE_NARROW128 : 0)));
    if (nulls) {
        size_t nb = ((size_t)n + 7) / 8;
        sb_reserve(out, nb);
        uint8_t *bits = (uint8_t *)out->data + out->len;
        memset(bits, 0, nb);
        for (uint32_t i = 0; i < n; i++)
            if (v->nulls[page_row(sel, first, i)]) bits[i >> 3] |= (uint8_t)(1u << (i & 7));
        out->len += nb;
        out->data[out->len] = '\0';
    }
    if (type_is_string(id)) return encode_strings(v, sel, first, n, scratch, out);
    int cb = int_cell_bytes(id);
    if (cb || narrow) {
        size_t at = out->len;
        intblock_encode(gather_ints(v, sel, first, n, scratch), n, cb ? cb : 8, out);
        return (PageEncoding)(uint8_t)out->data[at];
    }
    encode_fixed_plain(v, sel, first, n, out);
    return ENC_PLAIN;
}

static void store_ints(ColumnVector *out, uint32_t base, const int64_t *vals, uint32_t n,
                       bool wide) {
    void *dst = colvec_cell(out, base);
    if (wide) {
        int128_t *d = dst;
        for (uint32_t i = 0; i < n; i++)
            d[i] = vals[i];
        return;
    }
    switch (int_cell_bytes(out->type.id)) {
    case 1:
        for (uint32_t i = 0; i < n; i++)
            ((int8_t *)dst)[i] = (int8_t)vals[i];
        break;
    case 2:
        for (uint32_t i = 0; i < n; i++)
            ((int16_t *)dst)[i] = (int16_t)vals[i];
        break;
    case 4:
        for (uint32_t i = 0; i < n; i++)
            ((int32_t *)dst)[i] = (int32_t)vals[i];
        break;
    default:
        memcpy(dst, vals, sizeof(int64_t) * n);
        break;
    }
}

static Status decode_strings(ByteReader *r, uint32_t n, ColumnVector *out, uint32_t base,
                             Arena *scratch, Error *err) {
    uint8_t enc = br_u8(r);
    Slice *dst = colvec_cell(out, base);
    int64_t *lens = arena_alloc(scratch, sizeof(int64_t) * (n ? n : 1));
    if (enc == ENC_PLAIN) {
        if (!intblock_decode(r, n, 4, lens, NULL))
            return err_set(err, ERR_CORRUPT, "bad string lengths");
        uint64_t total = br_varint(r);
        const uint8_t *bytes = br_take(r, total);
        if (!bytes) return err_set(err, ERR_CORRUPT, "string bytes run past the page end");
        const char *copy = total ? arena_memdup(out->arena, bytes, total) : "";
        uint64_t pos = 0;
        for (uint32_t i = 0; i < n; i++) {
            if (lens[i] < 0 || (uint64_t)lens[i] > total - pos)
                return err_set(err, ERR_CORRUPT,
                               "string %u has length %lld past the page's %llu bytes", i,
                               (long long)lens[i], (unsigned long long)total);
            dst[i].ptr = copy + pos;
            dst[i].len = (uint32_t)lens[i];
            pos += (uint64_t)lens[i];
        }
        if (pos != total)
            return err_set(err, ERR_CORRUPT, "string lengths do not add up to the page's bytes");
        return STATUS_OK;
    }
    if (enc != ENC_DICT) return err_set(err, ERR_CORRUPT, "unknown string encoding %u", enc);
    uint64_t ndict = br_varint(r);
    if (r->failed || ndict == 0 || ndict > n)
        return err_set(err, ERR_CORRUPT, "bad dictionary size");
    int64_t *dlens = arena_alloc(scratch, sizeof(int64_t) * ndict);
    if (!intblock_decode(r, (uint32_t)ndict, 4, dlens, NULL))
        return err_set(err, ERR_CORRUPT, "bad dictionary lengths");
    uint64_t total = br_varint(r);
    const uint8_t *bytes = br_take(r, total);
    if (!bytes) return err_set(err, ERR_CORRUPT, "dictionary bytes run past the page end");
    const char *copy = total ? arena_memdup(out->arena, bytes, total) : "";
    Slice *dict = arena_alloc(scratch, sizeof(Slice) * ndict);
    uint64_t pos = 0;
    for (uint64_t k = 0; k < ndict; k++) {
        if (dlens[k] < 0 || (uint64_t)dlens[k] > total - pos)
            return err_set(err, ERR_CORRUPT, "dictionary entry %llu runs past the dictionary",
                           (unsigned long long)k);
        dict[k].ptr = copy + pos;
        dict[k].len = (uint32_t)dlens[k];
        pos += (uint64_t)dlens[k];
    }
    if (!intblock_decode(r, n, 4, lens, NULL))
        return err_set(err, ERR_CORRUPT, "bad dictionary codes");
    for (uint32_t i = 0; i < n; i++) {
        if (lens[i] < 0 || (uint64_t)lens[i] >= ndict)
            return err_set(err, ERR_CORRUPT, "dictionary code %lld out of range (%llu entries)",
                           (long long)lens[i], (unsigned long long)ndict);
        dst[i] = dict[lens[i]];
    }
    return STATUS_OK;
}

Status page_decode(const uint8_t *body, size_t len, uint32_t n, ColumnVector *out, Arena *scratch,
                   Error *err) {
    ByteReader r = br_make(body, len);
    uint8_t flags = br_u8(&r);
    const uint8_t *bitmap = NULL;
    if (flags & ~(PAGE_HAS_NULLS | PAGE_NARROW128))
        return err_set(err, ERR_CORRUPT, "unknown page flags 0x%x", flags);
    if (flags & PAGE_HAS_NULLS) {
        bitmap = br_take(&r, ((size_t)n + 7) / 8);
        if (!bitmap) return err_set(err, ERR_CORRUPT, "null bitmap runs past the page end");
    }
    colvec_reserve(out, out->len + n);
    uint32_t base = out->len;
    TypeId id = out->type.id;
    int cb = int_cell_bytes(id);
    if (type_is_string(id)) {
        if (decode_strings(&r, n, out, base, scratch, err)) return STATUS_ERROR;
    } else if (cb || (flags & PAGE_NARROW128)) {
        if (!cb && id != TYPE_LARGEINT && id != TYPE_DECIMAL)
            return err_set(err, ERR_CORRUPT, "64-bit storage flag on a %s page", type_name(id));
        int64_t *vals = arena_alloc(scratch, sizeof(int64_t) * (n ? n : 1));
        if (!intblock_decode(&r, n, cb ? cb : 8, vals, NULL))
            return err_set(err, ERR_CORRUPT, "malformed integer values");
        store_ints(out, base, vals, n, cb == 0);
    } else {
        size_t cs = type_cell_size(id);
        const uint8_t *p = br_take(&r, cs * n);
        if (!p) return err_set(err, ERR_CORRUPT, "values run past the page end");
        if (n) memcpy(colvec_cell(out, base), p, cs * n);
    }
    if (br_left(&r) != 0)
        return err_set(err, ERR_CORRUPT, "%zu unexpected bytes after the page's values",
                       br_left(&r));
    if (bitmap) {
        colvec_ensure_nulls(out);
        for (uint32_t i = 0; i < n; i++)
            out->nulls[base + i] = (bitmap[i >> 3] >> (i & 7)) & 1;
    } else if (out->nulls) {
        memset(out->nulls + base, 0, n);
    }
    out->len += n;
    return STATUS_OK;
}
