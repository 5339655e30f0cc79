/* Little-endian byte packing for storage's on-disk structures: append helpers on a StrBuf and a
 * bounds-checked ByteReader. Segment pages and footers are built and parsed only with these, so
 * every read of untrusted bytes is checked in one place: a reader that runs past its end sets
 * `failed` and returns zeros, and the caller turns that into ERR_CORRUPT naming the file and
 * offset. */
#ifndef CAIRN_STORAGE_BYTE_IO_H
#define CAIRN_STORAGE_BYTE_IO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "util/strbuf.h"

static inline void bw_u8(StrBuf *sb, uint8_t v) {
    sb_appendn(sb, &v, 1);
}
static inline void bw_u32(StrBuf *sb, uint32_t v) {
    uint8_t b[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};
    sb_appendn(sb, b, 4);
}
static inline void bw_u64(StrBuf *sb, uint64_t v) {
    bw_u32(sb, (uint32_t)v);
    bw_u32(sb, (uint32_t)(v >> 32));
}
static inline void bw_varint(StrBuf *sb, uint64_t v) {
    uint8_t b[10];
    int n = 0;
    while (v >= 0x80) {
        b[n++] = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    b[n++] = (uint8_t)v;
    sb_appendn(sb, b, (size_t)n);
}
static inline uint64_t zigzag_enc(int64_t v) {
    return ((uint64_t)v << 1) ^ (uint64_t)(v >> 63);
}
static inline int64_t zigzag_dec(uint64_t v) {
    return (int64_t)(v >> 1) ^ -(int64_t)(v & 1);
}
static inline void bw_svarint(StrBuf *sb, int64_t v) {
    bw_varint(sb, zigzag_enc(v));
}
static inline void bw_bytes(StrBuf *sb, const void *p, size_t n) {
    bw_varint(sb, n);
    if (n) sb_appendn(sb, p, n);
}

static inline uint32_t load_u32(const uint8_t *p) {
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static inline uint64_t load_u64(const uint8_t *p) {
    return (uint64_t)load_u32(p) | (uint64_t)load_u32(p + 4) << 32;
}
static inline void store_u32(uint8_t *p, uint32_t v) {
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}
static inline void store_u64(uint8_t *p, uint64_t v) {
    store_u32(p, (uint32_t)v);
    store_u32(p + 4, (uint32_t)(v >> 32));
}

typedef struct ByteReader {
    const uint8_t *p;
    const uint8_t *start;
    const uint8_t *end;
    bool failed; /* sticky: set by the first read past the end */
} ByteReader;

static inline ByteReader br_make(const void *p, size_t n) {
    ByteReader r = {(const uint8_t *)p, (const uint8_t *)p, (const uint8_t *)p + n, false};
    return r;
}
static inline size_t br_left(const ByteReader *r) {
    return (size_t)(r->end - r->p);
}
static inline size_t br_offset(const ByteReader *r) {
    return (size_t)(r->p - r->start);
}
/* Returns a pointer to the next n bytes and skips them, or NULL (and failed) if fewer remain. */
static inline const uint8_t *br_take(ByteReader *r, size_t n) {
    if (r->failed || br_left(r) < n) {
        r->failed = true;
        return NULL;
    }
    const uint8_t *p = r->p;
    r->p += n;
    return p;
}
static inline uint8_t br_u8(ByteReader *r) {
    const uint8_t *p = br_take(r, 1);
    return p ? p[0] : 0;
}
static inline uint32_t br_u32(ByteReader *r) {
    const uint8_t *p = br_take(r, 4);
    return p ? load_u32(p) : 0;
}
static inline uint64_t br_u64(ByteReader *r) {
    const uint8_t *p = br_take(r, 8);
    return p ? load_u64(p) : 0;
}
static inline uint64_t br_varint(ByteReader *r) {
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
        const uint8_t *p = br_take(r, 1);
        if (!p) return 0;
        v |= (uint64_t)(p[0] & 0x7f) << shift;
        if (!(p[0] & 0x80)) return v;
    }
    r->failed = true; /* more than 10 bytes: not a varint we wrote */
    return 0;
}
static inline int64_t br_svarint(ByteReader *r) {
    return zigzag_dec(br_varint(r));
}
/* Reads a varint length then that many bytes; *len receives the length. NULL on failure. */
static inline const uint8_t *br_bytes(ByteReader *r, size_t *len) {
    uint64_t n = br_varint(r);
    if (r->failed || n > br_left(r)) {
        r->failed = true;
        *len = 0;
        return NULL;
    }
    *len = (size_t)n;
    return br_take(r, (size_t)n);
}

#endif
