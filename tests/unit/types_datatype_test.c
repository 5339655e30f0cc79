/* Unit tests for types/datatype.c: parse/format round trips and edge values. */
#include "test.h"
#include "types/datatype.h"

static const char *roundtrip(DataType t, const char *in, StrBuf *sb, Arena *a) {
    _Alignas(16) unsigned char cell[16];
    static Error err;
    sb_reset(sb);
    if (type_parse_cell(&t, in, strlen(in), cell, a, &err)) return err.msg;
    type_format_cell(&t, cell, sb);
    return sb_str(sb);
}

TEST(integers) {
    StrBuf sb = STRBUF_INIT;
    Arena *a = arena_new(0);
    CHECK_STR(roundtrip(type_make(TYPE_INT), " -2147483648 ", &sb, a), "-2147483648");
    CHECK_STR(roundtrip(type_make(TYPE_TINYINT), "127", &sb, a), "127");
    CHECK(strstr(roundtrip(type_make(TYPE_TINYINT), "128", &sb, a), "Out of range") != NULL);
    CHECK(strstr(roundtrip(type_make(TYPE_INT), "12a", &sb, a), "Incorrect INT value") != NULL);
    CHECK_STR(roundtrip(type_make(TYPE_LARGEINT), "-170141183460469231731687303715884105728", &sb, a),
              "-170141183460469231731687303715884105728");
    CHECK_STR(roundtrip(type_make(TYPE_BOOLEAN), "true", &sb, a), "1");
    sb_free(&sb);
    arena_free(a);
}

TEST(decimals) {
    StrBuf sb = STRBUF_INIT;
    Arena *a = arena_new(0);
    CHECK_STR(roundtrip(type_decimal(10, 2), "1.5", &sb, a), "1.50");
    CHECK_STR(roundtrip(type_decimal(10, 2), "-0.005", &sb, a), "-0.01");
    CHECK_STR(roundtrip(type_decimal(5, 2), "999.99", &sb, a), "999.99");
    CHECK(strstr(roundtrip(type_decimal(5, 2), "1000", &sb, a), "Out of range") != NULL);
    CHECK_STR(roundtrip(type_decimal(38, 0), "99999999999999999999999999999999999999", &sb, a),
              "99999999999999999999999999999999999999");
    sb_free(&sb);
    arena_free(a);
}

TEST(dates) {
    StrBuf sb = STRBUF_INIT;
    Arena *a = arena_new(0);
    CHECK_STR(roundtrip(type_make(TYPE_DATE), "2024-02-29", &sb, a), "2024-02-29");
    CHECK_STR(roundtrip(type_make(TYPE_DATE), "19700101", &sb, a), "1970-01-01");
    CHECK(strstr(roundtrip(type_make(TYPE_DATE), "2023-02-29", &sb, a), "Incorrect DATE") != NULL);
    CHECK_STR(roundtrip(type_make(TYPE_DATETIME), "2024-01-02 03:04:05", &sb, a), "2024-01-02 03:04:05");
    CHECK_STR(roundtrip(type_make(TYPE_DATETIME), "1969-12-31 23:59:59.5", &sb, a),
              "1969-12-31 23:59:59.500000");
    CHECK_STR(roundtrip(type_make(TYPE_DATETIME), "0000-01-01", &sb, a), "0000-01-01 00:00:00");
    int32_t d;
    CHECK(date_from_ymd(9999, 12, 31, &d));
    int y, m, dd;
    date_to_ymd(d, &y, &m, &dd);
    CHECK_INT(y * 10000 + m * 100 + dd, 99991231);
    sb_free(&sb);
    arena_free(a);
}

TEST(strings_and_floats) {
    StrBuf sb = STRBUF_INIT;
    Arena *a = arena_new(0);
    CHECK_STR(roundtrip(type_varchar(3), "abc", &sb, a), "abc");
    CHECK(strstr(roundtrip(type_varchar(3), "abcd", &sb, a), "Data too long") != NULL);
    CHECK_STR(roundtrip(type_make(TYPE_DOUBLE), "0.1", &sb, a), "0.1");
    CHECK_STR(roundtrip(type_make(TYPE_FLOAT), "1.25", &sb, a), "1.25");
    sb_free(&sb);
    arena_free(a);
}

int main(void) {
    RUN(integers);
    RUN(decimals);
    RUN(dates);
    RUN(strings_and_floats);
    TEST_EXIT();
}
