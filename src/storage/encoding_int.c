/* Integer blocks: bit-packing, frame of reference, delta and run-length encodings of int64 arrays,
 * and the choice between them by exact encoded size. Used for integer columns, string lengths and
 * dictionary codes. */
#include "storage/encoding.h"

#include <string.h>

static int bit_width(uint64_t v) {
    return v ? 64 - __builtin_clzll(v) : 0;
}

static size_t packed_bytes(uint32_t n, int width) {
    return ((size_t)n * (size_t)width + 7) / 8;
}

static int varint_len(uint64_t v) {
    int n = 1;
    while (v >= 0x80) {
        v >>= 7;
        n++;
    }
    return n;
}

void bitpack_write(const uint64_t *vals, uint32_t n, int width, StrBuf *out) {
    size_t nbytes = packed_bytes(n, width);
    if (nbytes == 0) return;
    sb_reserve(out, nbytes + 8);
    uint8_t *dst = (uint8_t *)out->data + out->len;
    uint64_t mask = width == 64 ? ~0ULL : (1ULL << width) - 1;
    uint64_t acc = 0;
    int bits = 0;
    size_t pos = 0;
    for (uint32_t i = 0; i < n; i++) {
        uint64_t v = vals[i] & mask;
        acc |= v << bits;
        bits += width;
        if (bits >= 64) {
            store_u64(dst + pos, acc);
            pos += 8;
            bits -= 64;
            /* the bits of v that did not fit start the next word */
            acc = bits ? v >> (width - bits) : 0;
        }
    }
    while (pos < nbytes) {
        dst[pos++] = (uint8_t)acc;
        acc >>= 8;
    }
    out->len += nbytes;
    out->data[out->len] = '\0';
}

void bitpack_read(const uint8_t *src, size_t src_len, uint32_t n, int width, uint64_t *out) {
    if (width == 0) {
        memset(out, 0, sizeof(uint64_t) * n);
        return;
    }
    uint64_t mask = width == 64 ? ~0ULL : (1ULL << width) - 1;
    uint32_t i = 0;
    if (width <= 56) {
        /* one unaligned 8-byte load covers any value (shift <= 7, width <= 56) while 8 bytes remain
         */
        for (; i < n; i++) {
            size_t bitpos = (size_t)i * (size_t)width;
            size_t byte = bitpos >> 3;
            if (byte + 8 > src_len) break;
            uint64_t w;
            memcpy(&w, src + byte, 8);
            out[i] = (w >> (bitpos & 7)) & mask;
        }
    }
    for (; i < n; i++) {
        size_t bitpos = (size_t)i * (size_t)width;
        size_t byte = bitpos >> 3;
        unsigned __int128 acc = 0;
        for (int k = 0; k < 9 && byte + (size_t)k < src_len; k++)
            acc |= (unsigned __int128)src[byte + k] << (8 * k);
        out[i] = (uint64_t)(acc >> (bitpos & 7)) & mask;
    }
}

/* Sizes of each candidate encoding, computed exactly (RLE within a varint's rounding). */
typedef struct IntStats {
    int64_t min;
    int for_width;
    int64_t first, min_delta;
    int delta_width;
    size_t rle_bytes;
} IntStats;

static void int_stats(const int64_t *vals, uint32_t n, IntStats *st) {
    int64_t mn = vals[0], mx = vals[0];
    int64_t dmin = 0, dmax = 0;
    size_t rle = 0;
    uint32_t run = 1;
    for (uint32_t i = 1; i < n; i++) {
        int64_t v = vals[i];
        if (v < mn) mn = v;
        if (v > mx) mx = v;
        /* deltas in wrapping arithmetic: decode adds them back the same way */
        int64_t d = (int64_t)((uint64_t)v - (uint64_t)vals[i - 1]);
        if (i == 1 || d < dmin) dmin = d;
        if (i == 1 || d > dmax) dmax = d;
        if (v == vals[i - 1]) {
            run++;
        } else {
            rle += (size_t)varint_len(zigzag_enc(vals[i - 1])) + (size_t)varint_len(run);
            run = 1;
        }
    }
    rle += (size_t)varint_len(zigzag_enc(vals[n - 1])) + (size_t)varint_len(run);
    st->min = mn;
    st->for_width = bit_width((uint64_t)mx - (uint64_t)mn);
    st->first = vals[0];
    st->min_delta = dmin;
    st->delta_width = n > 1 ? bit_width((uint64_t)dmax - (uint64_t)dmin) : 0;
    st->rle_bytes = rle;
}

static void store_plain(const int64_t *vals, uint32_t n, int cell_bytes, StrBuf *out) {
    sb_reserve(out, (size_t)n * (size_t)cell_bytes);
    uint8_t *dst = (uint8_t *)out->data + out->len;
    for (uint32_t i = 0; i < n; i++) {
        uint64_t v = (uint64_t)vals[i];
        for (int b = 0; b < cell_bytes; b++)
            dst[(size_t)i * (size_t)cell_bytes + (size_t)b] = (uint8_t)(v >> (8 * b));
    }
    out->len += (size_t)n * (size_t)cell_bytes;
    out->data[out->len] = '\0';
}

static void store_rle(const int64_t *vals, uint32_t n, StrBuf *out) {
    uint32_t runs = 1;
    for (uint32_t i = 1; i < n; i++)
        runs += vals[i] != vals[i - 1];
    bw_varint(out, runs);
    uint32_t start = 0;
    for (uint32_t i = 1; i <= n; i++) {
        if (i == n || vals[i] != vals[start]) {
            bw_svarint(out, vals[start]);
            bw_varint(out, i - start);
            start = i;
        }
    }
}

void intblock_encode(const int64_t *vals, uint32_t n, int cell_bytes, StrBuf *out) {
    if (n == 0) {
        bw_u8(out, ENC_PLAIN);
        return;
    }
    IntStats st;
    int_stats(vals, n, &st);
    size_t plain = (size_t)n * (size_t)cell_bytes;
    size_t bp = packed_bytes(n, st.for_width) + 11;
    size_t delta = packed_bytes(n - 1, st.delta_width) + 21;
    size_t rle = st.rle_bytes + 5;
    PageEncoding enc = ENC_PLAIN;
    size_t best = plain;
    if (bp < best) enc = ENC_BITPACK, best = bp;
    if (delta < best) enc = ENC_DELTA, best = delta;
    if (rle < best) enc = ENC_RLE, best = rle;
    bw_u8(out, (uint8_t)enc);
    switch (enc) {
    case ENC_PLAIN:
        store_plain(vals, n, cell_bytes, out);
        break;
    case ENC_BITPACK: {
        bw_svarint(out, st.min);
        bw_u8(out, (uint8_t)st.for_width);
        /* reuse a stack chunk to avoid a temp array for the whole block */
        uint64_t tmp[512];
        for (uint32_t i = 0; i < n; i += 512) {
            uint32_t m = n - i < 512 ? n - i : 512;
            for (uint32_t k = 0; k < m; k++)
                tmp[k] = (uint64_t)vals[i + k] - (uint64_t)st.min;
            /* chunks of 512 values end on a byte boundary for every width (512 * w bits) */
            bitpack_write(tmp, m, st.for_width, out);
        }
        break;
    }
    case ENC_DELTA: {
        bw_svarint(out, st.first);
        bw_svarint(out, st.min_delta);
        bw_u8(out, (uint8_t)st.delta_width);
        uint64_t tmp[512];
        for (uint32_t i = 1; i < n; i += 512) {
            uint32_t m = n - i < 512 ? n - i : 512;
            for (uint32_t k = 0; k < m; k++)
                tmp[k] =
                    ((uint64_t)vals[i + k] - (uint64_t)vals[i + k - 1]) - (uint64_t)st.min_delta;
            bitpack_write(tmp, m, st.delta_width, out);
        }
        break;
    }
    case ENC_RLE:
        store_rle(vals, n, out);
        break;
    default:
        break;
    }
}

static bool read_packed(ByteReader *r, uint32_t n, int width, uint64_t *tmp) {
    size_t nbytes = packed_bytes(n, width);
    const uint8_t *p = br_take(r, nbytes);
    if (!p) return false;
    bitpack_read(p, nbytes, n, width, tmp);
    return true;
}

bool intblock_decode(ByteReader *r, uint32_t n, int cell_bytes, int64_t *out,
                     uint8_t *encoding_out) {
    uint8_t enc = br_u8(r);
    if (encoding_out) *encoding_out = enc;
    if (r->failed) return false;
    uint64_t *u = (uint64_t *)out; /* decode in place: int64 and uint64 share the layout */
    switch (enc) {
    case ENC_PLAIN: {
        if (n == 0) return true;
        const uint8_t *p = br_take(r, (size_t)n * (size_t)cell_bytes);
        if (!p) return false;
        for (uint32_t i = 0; i < n; i++) {
            uint64_t v = 0;
            for (int b = 0; b < cell_bytes; b++)
                v |= (uint64_t)p[(size_t)i * (size_t)cell_bytes + (size_t)b] << (8 * b);
            /* sign-extend narrow cells */
            int shift = 64 - 8 * cell_bytes;
            out[i] = shift ? (int64_t)(v << shift) >> shift : (int64_t)v;
        }
        return true;
    }
    case ENC_BITPACK: {
        int64_t mn = br_svarint(r);
        int width = br_u8(r);
        if (r->failed || width > 64 || !read_packed(r, n, width, u)) return false;
        for (uint32_t i = 0; i < n; i++)
            u[i] += (uint64_t)mn;
        return true;
    }
    case ENC_DELTA: {
        int64_t first = br_svarint(r);
        int64_t dmin = br_svarint(r);
        int width = br_u8(r);
        if (r->failed || width > 64 || n == 0) return false;
        if (!read_packed(r, n - 1, width, u + 1)) return false;
        u[0] = (uint64_t)first;
        for (uint32_t i = 1; i < n; i++)
            u[i] = u[i - 1] + u[i] + (uint64_t)dmin;
        return true;
    }
    case ENC_RLE: {
        uint64_t runs = br_varint(r);
        if (r->failed || runs > n) return false;
        uint32_t pos = 0;
        for (uint64_t k = 0; k < runs; k++) {
            int64_t v = br_svarint(r);
            uint64_t len = br_varint(r);
            if (r->failed || len > n - pos) return false;
            for (uint64_t j = 0; j < len; j++)
                out[pos++] = v;
        }
        return pos == n;
    }
    default:
        return false;
    }
}
