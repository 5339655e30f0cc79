/* MySQL packet framing and payload encoding (see mysql_packet.h). */
#include "net/mysql_packet.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

/* Output is sent once this much is buffered, so a large result streams instead of piling up in memory. */
#define FLUSH_AT (256 * 1024)

void pkt_init(PacketConn *c, int fd, size_t max_packet) {
    memset(c, 0, sizeof *c);
    c->fd = fd;
    c->max_packet = max_packet;
    sb_init(&c->out);
    c->rcap = 64 * 1024;
    c->rbuf = malloc(c->rcap);
}

void pkt_free(PacketConn *c) {
    sb_free(&c->out);
    free(c->rbuf);
    c->rbuf = NULL;
}

/* Reads exactly n bytes into dst (NULL = discard). */
static Status read_exact(PacketConn *c, void *dst, size_t n, Error *err) {
    uint8_t *d = dst;
    while (n > 0) {
        if (c->rpos == c->rlen) {
            ssize_t got;
            do got = recv(c->fd, c->rbuf, c->rcap, 0);
            while (got < 0 && errno == EINTR);
            if (got == 0) return err_set(err, ERR_NET_READ, "connection closed by the client");
            if (got < 0)
                return err_set(err, ERR_NET_READ, "cannot read from the client: %s",
                               errno == EAGAIN ? "timed out (wait_timeout)" : strerror(errno));
            c->rlen = (size_t)got;
            c->rpos = 0;
            c->bytes_in += (uint64_t)got;
        }
        size_t k = c->rlen - c->rpos < n ? c->rlen - c->rpos : n;
        if (d) {
            memcpy(d, c->rbuf + c->rpos, k);
            d += k;
        }
        c->rpos += k;
        n -= k;
    }
    return STATUS_OK;
}

Status pkt_read(PacketConn *c, StrBuf *payload, Error *err) {
    sb_reset(payload);
    for (;;) {
        uint8_t h[4];
        if (read_exact(c, h, 4, err)) return STATUS_ERROR;
        size_t n = (size_t)h[0] | (size_t)h[1] << 8 | (size_t)h[2] << 16;
        c->seq = (uint8_t)(h[3] + 1);
        if (payload->len + n > c->max_packet) {
            /* Read and drop the rest of the packet so the client, which is still sending it, reads our
             * error instead of a connection reset. */
            for (;;) {
                if (read_exact(c, NULL, n, err)) return STATUS_ERROR;
                if (n < MYSQL_MAX_FRAME) break;
                if (read_exact(c, h, 4, err)) return STATUS_ERROR;
                n = (size_t)h[0] | (size_t)h[1] << 8 | (size_t)h[2] << 16;
                c->seq = (uint8_t)(h[3] + 1);
            }
            return err_set(err, ERR_NET_PACKET_TOO_LARGE,
                           "Got a packet bigger than 'max_allowed_packet' bytes (%zu); raise max_allowed_packet",
                           c->max_packet);
        }
        sb_reserve(payload, n);
        if (read_exact(c, payload->data + payload->len, n, err)) return STATUS_ERROR;
        payload->len += n;
        payload->data[payload->len] = '\0';
        /* A frame of exactly 16 MB - 1 means more frames follow (possibly an empty one). */
        if (n < MYSQL_MAX_FRAME) return STATUS_OK;
    }
}

Status pkt_flush(PacketConn *c, Error *err) {
    size_t off = 0;
    while (off < c->out.len && !c->broken) {
        ssize_t k = send(c->fd, c->out.data + off, c->out.len - off, MSG_NOSIGNAL);
        if (k < 0 && errno == EINTR) continue;
        if (k < 0 && errno == EAGAIN) {
            /* net_write_timeout elapsed (SO_SNDTIMEO) with the client not reading */
            c->broken = true;
            break;
        }
        if (k <= 0) {
            c->broken = true;
            break;
        }
        off += (size_t)k;
        c->bytes_out += (uint64_t)k;
    }
    sb_reset(&c->out);
    if (c->broken) return err_set(err, ERR_QUERY_INTERRUPTED, "the client connection is gone");
    return STATUS_OK;
}

void pkt_flush_quiet(PacketConn *c) {
    Error ignored = ERROR_INIT;
    if (pkt_flush(c, &ignored)) c->broken = true;
}

void pkt_write(PacketConn *c, const void *payload, size_t len) {
    if (c->broken) return;
    const uint8_t *p = payload;
    for (;;) {
        size_t n = len < MYSQL_MAX_FRAME ? len : MYSQL_MAX_FRAME;
        uint8_t h[4] = {(uint8_t)n, (uint8_t)(n >> 8), (uint8_t)(n >> 16), c->seq++};
        sb_appendn(&c->out, h, 4);
        sb_appendn(&c->out, p, n);
        p += n;
        len -= n;
        if (c->out.len >= FLUSH_AT) {
            Error ignored = ERROR_INIT;
            if (pkt_flush(c, &ignored)) return;
        }
        /* a payload that is an exact multiple of the frame size ends with an empty frame */
        if (n < MYSQL_MAX_FRAME) break;
    }
}

void pkt_put_u8(StrBuf *b, uint8_t v) {
    sb_appendn(b, &v, 1);
}

void pkt_put_u16(StrBuf *b, uint16_t v) {
    uint8_t x[2] = {(uint8_t)v, (uint8_t)(v >> 8)};
    sb_appendn(b, x, 2);
}

void pkt_put_u32(StrBuf *b, uint32_t v) {
    uint8_t x[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};
    sb_appendn(b, x, 4);
}

void pkt_put_lenenc(StrBuf *b, uint64_t v) {
    uint8_t x[9];
    size_t n;
    if (v < 251) {
        x[0] = (uint8_t)v;
        n = 1;
    } else if (v < (1u << 16)) {
        x[0] = 0xfc;
        x[1] = (uint8_t)v;
        x[2] = (uint8_t)(v >> 8);
        n = 3;
    } else if (v < (1u << 24)) {
        x[0] = 0xfd;
        x[1] = (uint8_t)v;
        x[2] = (uint8_t)(v >> 8);
        x[3] = (uint8_t)(v >> 16);
        n = 4;
    } else {
        x[0] = 0xfe;
        for (int i = 0; i < 8; i++) x[1 + i] = (uint8_t)(v >> (8 * i));
        n = 9;
    }
    sb_appendn(b, x, n);
}

void pkt_put_lenenc_str(StrBuf *b, const char *s, size_t n) {
    pkt_put_lenenc(b, n);
    sb_appendn(b, s, n);
}

void pkt_put_cstr(StrBuf *b, const char *s) {
    sb_appendn(b, s, strlen(s) + 1);
}

bool pkt_get_u8(PktReader *r, uint8_t *v) {
    if (r->pos + 1 > r->len) return false;
    *v = r->p[r->pos++];
    return true;
}

bool pkt_get_u16(PktReader *r, uint16_t *v) {
    if (r->pos + 2 > r->len) return false;
    *v = (uint16_t)(r->p[r->pos] | r->p[r->pos + 1] << 8);
    r->pos += 2;
    return true;
}

bool pkt_get_u32(PktReader *r, uint32_t *v) {
    if (r->pos + 4 > r->len) return false;
    const uint8_t *p = r->p + r->pos;
    *v = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
    r->pos += 4;
    return true;
}

bool pkt_get_lenenc(PktReader *r, uint64_t *v) {
    uint8_t first;
    if (!pkt_get_u8(r, &first)) return false;
    size_t n = first == 0xfc ? 2 : first == 0xfd ? 3 : first == 0xfe ? 8 : 0;
    if (first == 0xfb || first == 0xff) return false;
    if (n == 0) {
        *v = first;
        return true;
    }
    if (r->pos + n > r->len) return false;
    uint64_t x = 0;
    for (size_t i = 0; i < n; i++) x |= (uint64_t)r->p[r->pos + i] << (8 * i);
    r->pos += n;
    *v = x;
    return true;
}

bool pkt_get_cstr(PktReader *r, const char **s, size_t *n) {
    const uint8_t *start = r->p + r->pos;
    const uint8_t *nul = memchr(start, 0, r->len - r->pos);
    if (!nul) return false;
    *s = (const char *)start;
    *n = (size_t)(nul - start);
    r->pos += *n + 1;
    return true;
}

bool pkt_get_bytes(PktReader *r, size_t n, const uint8_t **out) {
    if (n > r->len - r->pos) return false;
    *out = r->p + r->pos;
    r->pos += n;
    return true;
}

bool pkt_skip(PktReader *r, size_t n) {
    if (n > r->len - r->pos) return false;
    r->pos += n;
    return true;
}
