/* SigV4 against AWS's published vectors: the sig-v4 test suite (service "service", 2015-08-30,
 * AKIDEXAMPLE) and the worked examples of the S3 API reference (examplebucket, 2013-05-24). The
 * inputs and expected signatures are transcribed from those documents; nothing here was produced by
 * this code. */
#include "fs/s3/s3_sign.h"
#include "test.h"

#define EMPTY_SHA "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

static const SigV4Scope SUITE = {"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
                                 "us-east-1", "service", "20150830T123600Z"};
static const SigV4Scope S3DOC = {"AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
                                 "us-east-1", "s3", "20130524T000000Z"};

static const char *signature_of(const SigV4Request *r, const SigV4Scope *s, StrBuf *auth) {
    sb_reset(auth);
    sigv4_authorization(r, s, auth);
    const char *p = strstr(sb_str(auth), "Signature=");
    return p ? p + 10 : "";
}

#define SUITE_HEADERS                                                                              \
    {"Host", "example.amazonaws.com"}, {                                                           \
        "X-Amz-Date", "20150830T123600Z"                                                           \
    }

TEST(suite_get_vanilla) {
    SigV4Header h[] = {SUITE_HEADERS};
    SigV4Request r = {"GET", "/", NULL, 0, h, 2, EMPTY_SHA};
    StrBuf a = STRBUF_INIT;
    sigv4_authorization(&r, &SUITE, &a);
    CHECK_STR(sb_str(&a),
              "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
              "SignedHeaders=host;x-amz-date, "
              "Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
    sb_free(&a);
}

TEST(suite_query_vectors) {
    SigV4Header h[] = {SUITE_HEADERS};
    StrBuf a = STRBUF_INIT;
    SigV4Param order[] = {{"Param2", "value2"}, {"Param1", "value1"}};
    SigV4Request r = {"GET", "/", order, 2, h, 2, EMPTY_SHA};
    CHECK_STR(signature_of(&r, &SUITE, &a),
              "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500");
    const char *unres = "-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    SigV4Param u[] = {{unres, unres}};
    r = (SigV4Request){"GET", "/", u, 1, h, 2, EMPTY_SHA};
    CHECK_STR(signature_of(&r, &SUITE, &a),
              "9c3e54bfcdf0b19771a7f523ee5669cdf59bc7cc0884027167c21bb143a40197");
    SigV4Param utf8[] = {{"\xe1\x88\xb4", "bar"}};
    r = (SigV4Request){"GET", "/", utf8, 1, h, 2, EMPTY_SHA};
    CHECK_STR(signature_of(&r, &SUITE, &a),
              "2cdec8eed098649ff3a119c94853b13c643bcf08f8b0a1d91e12c9027818dd04");
    SigV4Param one[] = {{"Param1", "value1"}};
    r = (SigV4Request){"GET", "/", one, 1, h, 2, EMPTY_SHA};
    CHECK_STR(signature_of(&r, &SUITE, &a),
              "a67d582fa61cc504c4bae71f336f98b97f1ea3c7a6bfe1b6e45aec72011b9aeb");
    r = (SigV4Request){"POST", "/", one, 1, h, 2, EMPTY_SHA};
    CHECK_STR(signature_of(&r, &SUITE, &a),
              "28038455d6de14eafc1f9222cf5aa6f1a96197d7deb8263271d420d138af7f11");
    sb_free(&a);
}

TEST(suite_header_vectors) {
    StrBuf a = STRBUF_INIT;
    SigV4Header trim[] = {
        SUITE_HEADERS, {"My-Header1", " value1"}, {"My-Header2", " \"a   b   c\""}};
    SigV4Request r = {"GET", "/", NULL, 0, trim, 4, EMPTY_SHA};
    CHECK_STR(signature_of(&r, &SUITE, &a),
              "acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736");
    CHECK(strstr(sb_str(&a), "SignedHeaders=host;my-header1;my-header2;x-amz-date,") != NULL);
    SigV4Header dup[] = {SUITE_HEADERS,
                         {"My-Header1", "value2"},
                         {"My-Header1", "value2"},
                         {"My-Header1", "value1"}};
    r = (SigV4Request){"GET", "/", NULL, 0, dup, 5, EMPTY_SHA};
    CHECK_STR(signature_of(&r, &SUITE, &a),
              "c9d5ea9f3f72853aea855b47ea873832890dbdd183b4468f858259531a5138ea");
    SigV4Header token[] = {SUITE_HEADERS,
                           {"X-Amz-Security-Token",
                            "6e86291e8372ff2a2260956d9b8aae1d763fbf315fa00fa31553b73ebf194267"}};
    r = (SigV4Request){"GET", "/", NULL, 0, token, 3, EMPTY_SHA};
    CHECK_STR(signature_of(&r, &SUITE, &a),
              "07ec1639c89043aa0e3e2de82b96708f198cceab042d4a97044c66dd9f74e7f8");
    SigV4Header sort[] = {SUITE_HEADERS, {"My-Header1", "value1"}};
    r = (SigV4Request){"POST", "/", NULL, 0, sort, 3, EMPTY_SHA};
    CHECK_STR(signature_of(&r, &SUITE, &a),
              "c5410059b04c1ee005303aed430f6e6645f61f4dc9e1461ec8f8916fdf18852c");
    SigV4Header plain[] = {SUITE_HEADERS};
    r = (SigV4Request){"POST", "/", NULL, 0, plain, 2, EMPTY_SHA};
    CHECK_STR(signature_of(&r, &SUITE, &a),
              "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b");
    sb_free(&a);
}

TEST(suite_body_and_path_vectors) {
    StrBuf a = STRBUF_INIT;
    char body_hash[65];
    sigv4_sha256_hex("Param1=value1", 13, body_hash);
    CHECK_STR(body_hash, "9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e");
    SigV4Header form[] = {{"Content-Type", "application/x-www-form-urlencoded"},
                          {"Host", "example.amazonaws.com"},
                          {"Content-Length", "13"},
                          {"x-amz-content-sha256", body_hash},
                          {"X-Amz-Date", "20150830T123600Z"}};
    SigV4Request r = {"POST", "/", NULL, 0, form, 5, body_hash};
    CHECK_STR(signature_of(&r, &SUITE, &a),
              "d3875051da38690788ef43de4db0d8f280229d82040bfac253562e56c3f20e0b");
    SigV4Header h[] = {SUITE_HEADERS};
    r = (SigV4Request){
        "GET",    "/-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
        NULL,     0,
        h,        2,
        EMPTY_SHA};
    CHECK_STR(signature_of(&r, &SUITE, &a),
              "07ef7494c76fa4850883e2b006601f940f8a34d404d0cfa977f52a65bbf5f24f");
    r = (SigV4Request){"GET", "/%E1%88%B4", NULL, 0, h, 2, EMPTY_SHA};
    CHECK_STR(signature_of(&r, &SUITE, &a),
              "8318018e0b0f223aa2bbf98705b62bb787dc9c0e678f255a891fd03141be5d85");
    r = (SigV4Request){"GET", "/example%20space/", NULL, 0, h, 2, EMPTY_SHA};
    CHECK_STR(signature_of(&r, &SUITE, &a),
              "652487583200325589f1fba4c7e578f72c47cb61beeca81406b39ddec1366741");
    sb_free(&a);
}

#define S3_HOST                                                                                    \
    { "Host", "examplebucket.s3.amazonaws.com" }
#define S3_DATE                                                                                    \
    { "x-amz-date", "20130524T000000Z" }

TEST(s3_doc_get_object) {
    SigV4Header h[] = {
        S3_HOST, {"Range", "bytes=0-9"}, {"x-amz-content-sha256", EMPTY_SHA}, S3_DATE};
    SigV4Request r = {"GET", "/test.txt", NULL, 0, h, 4, EMPTY_SHA};
    StrBuf canon = STRBUF_INIT, sh = STRBUF_INIT, a = STRBUF_INIT;
    sigv4_canonical_request(&r, &canon, &sh);
    CHECK_STR(sb_str(&canon),
              "GET\n/test.txt\n\nhost:examplebucket.s3.amazonaws.com\nrange:bytes=0-9\n"
              "x-amz-content-sha256:" EMPTY_SHA "\nx-amz-date:20130524T000000Z\n\n"
              "host;range;x-amz-content-sha256;x-amz-date\n" EMPTY_SHA);
    char hex[65];
    sigv4_sha256_hex(canon.data, canon.len, hex);
    CHECK_STR(hex, "7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972");
    sigv4_authorization(&r, &S3DOC, &a);
    CHECK_STR(
        sb_str(&a),
        "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
        "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, "
        "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
    sb_free(&canon);
    sb_free(&sh);
    sb_free(&a);
}

TEST(s3_doc_put_list_lifecycle) {
    StrBuf a = STRBUF_INIT;
    char body_hash[65];
    sigv4_sha256_hex("Welcome to Amazon S3.", 21, body_hash);
    CHECK_STR(body_hash, "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072");
    SigV4Header put[] = {{"Date", "Fri, 24 May 2013 00:00:00 GMT"},
                         S3_HOST,
                         {"x-amz-content-sha256", body_hash},
                         S3_DATE,
                         {"x-amz-storage-class", "REDUCED_REDUNDANCY"}};
    SigV4Request r = {"PUT", "/test%24file.text", NULL, 0, put, 5, body_hash};
    CHECK_STR(signature_of(&r, &S3DOC, &a),
              "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd");
    SigV4Header get[] = {S3_HOST, {"x-amz-content-sha256", EMPTY_SHA}, S3_DATE};
    SigV4Param lc[] = {{"lifecycle", NULL}};
    r = (SigV4Request){"GET", "/", lc, 1, get, 3, EMPTY_SHA};
    CHECK_STR(signature_of(&r, &S3DOC, &a),
              "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543");
    SigV4Param list[] = {{"prefix", "J"}, {"max-keys", "2"}};
    r = (SigV4Request){"GET", "/", list, 2, get, 3, EMPTY_SHA};
    CHECK_STR(signature_of(&r, &S3DOC, &a),
              "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7");
    sb_free(&a);
}

TEST(canonical_query_encodes_and_sorts) {
    SigV4Param q[] = {{"prefix", "dir/sub dir/"},
                      {"list-type", "2"},
                      {"continuation-token", "a+b=c"},
                      {"delimiter", "/"},
                      {"uploads", NULL}};
    StrBuf s = STRBUF_INIT;
    sigv4_canonical_query(q, 5, &s);
    CHECK_STR(sb_str(&s), "continuation-token=a%2Bb%3Dc&delimiter=%2F&list-type=2&prefix=dir%2Fsub%"
                          "20dir%2F&uploads=");
    sb_free(&s);
    char d[17];
    sigv4_amz_date(1440938160000LL, d);
    CHECK_STR(d, "20150830T123600Z");
}

int main(void) {
    RUN(suite_get_vanilla);
    RUN(suite_query_vectors);
    RUN(suite_header_vectors);
    RUN(suite_body_and_path_vectors);
    RUN(s3_doc_get_object);
    RUN(s3_doc_put_list_lifecycle);
    RUN(canonical_query_encodes_and_sorts);
    TEST_EXIT();
}
