/* MySQL wire framing: 3-byte length + 1-byte sequence id + payload, payloads of 16 MB - 1 and more split
 * into several frames. A PacketConn buffers reads and writes on one socket; the length-encoded integer and
 * string helpers build and parse payloads. Used only by net/ (one PacketConn per connection thread). */
#ifndef CAIRN_NET_MYSQL_PACKET_H
#define CAIRN_NET_MYSQL_PACKET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/error.h"
#include "util/strbuf.h"

#define MYSQL_MAX_FRAME 0xFFFFFFu

typedef struct PacketConn {
    int fd;
    uint8_t seq;       /* next sequence id to send / expect */
    size_t max_packet; /* largest payload pkt_read accepts (max_allowed_packet) */
    StrBuf out;        /* framed bytes not yet sent */
    uint8_t *rbuf;     /* read buffer (owned) */
    size_t rlen, rpos, rcap;
    bool broken;       /* a send failed: the peer is gone, every later write is dropped */
    uint64_t bytes_in, bytes_out;
} PacketConn;

void pkt_init(PacketConn *c, int fd, size_t max_packet);
void pkt_free(PacketConn *c); /* frees buffers; does not close fd */

/* Reads one logical packet (joining split frames) into payload (reset first). EOF/reset: ERR_NET_READ;
 * bigger than max_packet: ERR_NET_PACKET_TOO_LARGE (the rest is not read: close the connection). */
Status pkt_read(PacketConn *c, StrBuf *payload, Error *err) MUST_CHECK;
/* Frames a payload into the output buffer (splitting at 16 MB - 1); sends when the buffer is large. */
void pkt_write(PacketConn *c, const void *payload, size_t len);
/* Sends everything buffered. A failure marks the connection broken: ERR_NET_READ naming the errno. */
Status pkt_flush(PacketConn *c, Error *err) MUST_CHECK;
/* Best-effort flush before closing (an error packet to a client that may already be gone). */
void pkt_flush_quiet(PacketConn *c);

/* Payload building. */
void pkt_put_u8(StrBuf *b, uint8_t v);
void pkt_put_u16(StrBuf *b, uint16_t v);
void pkt_put_u32(StrBuf *b, uint32_t v);
void pkt_put_lenenc(StrBuf *b, uint64_t v);
void pkt_put_lenenc_str(StrBuf *b, const char *s, size_t n);
void pkt_put_cstr(StrBuf *b, const char *s); /* with the terminating NUL */

/* Payload parsing: a cursor over a received packet; every getter fails (returns false) past the end. */
typedef struct PktReader {
    const uint8_t *p;
    size_t len, pos;
} PktReader;

bool pkt_get_u8(PktReader *r, uint8_t *v);
bool pkt_get_u16(PktReader *r, uint16_t *v);
bool pkt_get_u32(PktReader *r, uint32_t *v);
bool pkt_get_lenenc(PktReader *r, uint64_t *v);
/* NUL-terminated string: *s points into the packet, *n its length. */
bool pkt_get_cstr(PktReader *r, const char **s, size_t *n);
bool pkt_get_bytes(PktReader *r, size_t n, const uint8_t **out);
bool pkt_skip(PktReader *r, size_t n);

#endif
