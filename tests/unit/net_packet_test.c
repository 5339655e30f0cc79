/* MySQL packet framing (net/mysql_packet.c) over a socketpair: length-encoded integers and strings,
 * splitting and joining of 16 MB frames (including the empty frame after an exact multiple), sequence ids,
 * max_allowed_packet with the oversized packet drained, and a peer that goes away. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "net/mysql_packet.h"
#include "test.h"

TEST(lenenc_round_trip) {
    uint64_t values[] = {0, 250, 251, 65535, 65536, 16777215, 16777216, 0xffffffffffULL, UINT64_MAX};
    size_t sizes[] = {1, 1, 3, 3, 4, 4, 9, 9, 9};
    for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
        StrBuf b = STRBUF_INIT;
        pkt_put_lenenc(&b, values[i]);
        CHECK_INT(b.len, sizes[i]);
        PktReader r = {(const uint8_t *)b.data, b.len, 0};
        uint64_t v = 1;
        CHECK(pkt_get_lenenc(&r, &v));
        CHECK(v == values[i]);
        CHECK_INT(r.pos, b.len);
        sb_free(&b);
    }
    /* truncated and NULL markers are refused */
    uint8_t trunc[] = {0xfd, 1, 2};
    PktReader r = {trunc, sizeof trunc, 0};
    uint64_t v;
    CHECK(!pkt_get_lenenc(&r, &v));
    uint8_t null_marker[] = {0xfb};
    PktReader r2 = {null_marker, 1, 0};
    CHECK(!pkt_get_lenenc(&r2, &v));
    StrBuf b = STRBUF_INIT;
    pkt_put_lenenc_str(&b, "abc", 3);
    pkt_put_cstr(&b, "xy");
    pkt_put_u16(&b, 0x1234);
    pkt_put_u32(&b, 0xdeadbeef);
    PktReader r3 = {(const uint8_t *)b.data, b.len, 0};
    const char *s;
    size_t n;
    uint16_t u16;
    uint32_t u32;
    CHECK(pkt_get_lenenc(&r3, &v) && v == 3);
    CHECK(pkt_skip(&r3, 3));
    CHECK(pkt_get_cstr(&r3, &s, &n) && n == 2 && !memcmp(s, "xy", 2));
    CHECK(pkt_get_u16(&r3, &u16) && u16 == 0x1234);
    CHECK(pkt_get_u32(&r3, &u32) && u32 == 0xdeadbeef);
    CHECK(!pkt_get_u32(&r3, &u32));
    sb_free(&b);
}

typedef struct Writer {
    int fd;
    size_t len;
    uint8_t seq;
} Writer;

/* Writes one payload of w->len bytes (byte i = i % 251) on another thread: the socket buffer is small. */
static void *writer_main(void *arg) {
    Writer *w = arg;
    PacketConn c;
    pkt_init(&c, w->fd, 0);
    c.seq = w->seq;
    char *p = malloc(w->len ? w->len : 1);
    for (size_t i = 0; i < w->len; i++) p[i] = (char)(i % 251);
    pkt_write(&c, p, w->len);
    Error err = ERROR_INIT;
    if (pkt_flush(&c, &err)) fprintf(stderr, "writer: %s\n", err.msg);
    free(p);
    pkt_free(&c);
    return NULL;
}

static void round_trip(size_t len, int expect_frames) {
    int sv[2];
    CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
    Writer w = {sv[0], len, 5};
    pthread_t t;
    pthread_create(&t, NULL, writer_main, &w);
    PacketConn c;
    pkt_init(&c, sv[1], 64u << 20);
    StrBuf payload = STRBUF_INIT;
    Error err = ERROR_INIT;
    CHECK_OK(pkt_read(&c, &payload, &err), &err);
    pthread_join(t, NULL);
    CHECK_INT(payload.len, len);
    bool same = payload.len == len;
    for (size_t i = 0; same && i < len; i++) same = (uint8_t)payload.data[i] == (uint8_t)(i % 251);
    CHECK(same);
    /* the reader's next sequence id follows the last frame */
    CHECK_INT(c.seq, (uint8_t)(5 + expect_frames));
    CHECK_INT(c.bytes_in, len + 4u * (unsigned)expect_frames);
    sb_free(&payload);
    pkt_free(&c);
    close(sv[0]);
    close(sv[1]);
}

TEST(frames) {
    round_trip(0, 1);
    round_trip(100, 1);
    round_trip(MYSQL_MAX_FRAME - 1, 1);
    round_trip(MYSQL_MAX_FRAME, 2);         /* full frame + empty frame */
    round_trip(MYSQL_MAX_FRAME + 10, 2);
    round_trip(2 * (size_t)MYSQL_MAX_FRAME, 3);
}

TEST(too_large_is_drained) {
    int sv[2];
    CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
    Writer w = {sv[0], MYSQL_MAX_FRAME + 1000, 0};
    pthread_t t;
    pthread_create(&t, NULL, writer_main, &w);
    PacketConn c;
    pkt_init(&c, sv[1], 1000);
    StrBuf payload = STRBUF_INIT;
    Error err = ERROR_INIT;
    CHECK(pkt_read(&c, &payload, &err) == STATUS_ERROR);
    CHECK_INT(err.code, ERR_NET_PACKET_TOO_LARGE);
    CHECK_STR(err.msg, "Got a packet bigger than 'max_allowed_packet' bytes (1000); raise max_allowed_packet");
    pthread_join(t, NULL); /* returns only because the reader drained both frames */
    CHECK_INT(c.seq, 2);
    /* the peer closes: a read error names it */
    close(sv[0]);
    CHECK(pkt_read(&c, &payload, &err) == STATUS_ERROR);
    CHECK_STR(err.msg, "connection closed by the client");
    /* writing to a closed peer marks the connection broken instead of raising SIGPIPE */
    pkt_write(&c, "x", 1);
    CHECK(pkt_flush(&c, &err) == STATUS_ERROR);
    CHECK(c.broken);
    sb_free(&payload);
    pkt_free(&c);
    close(sv[1]);
}

int main(void) {
    RUN(lenenc_round_trip);
    RUN(frames);
    RUN(too_large_is_drained);
    TEST_EXIT();
}
