/* Unit tests for load/csv_reader.c: every option, quoting and escaping edge cases, and records split across
 * chunk boundaries at every possible byte (the reader must give the same records however input arrives). */
#include "load/csv_reader.h"
#include "test.h"
#include "util/strbuf.h"

/* Collects records as "f1|f2|..." lines with NULL fields shown as <N>, one record per line. */
typedef struct Got {
    StrBuf text;
    int records;
    int64_t last_line;
    int stop_after; /* fail the callback after this many records (0 = never) */
} Got;

static Status collect(void *ctx, const CsvField *f, int n, const char *raw, size_t raw_len, int64_t line,
                      Error *err) {
    Got *g = ctx;
    for (int i = 0; i < n; i++) {
        if (i) sb_putc(&g->text, '|');
        if (f[i].is_null)
            sb_append(&g->text, "<N>");
        else
            sb_appendn(&g->text, f[i].ptr, f[i].len);
    }
    sb_putc(&g->text, '\n');
    g->records++;
    g->last_line = line;
    if (g->stop_after && g->records >= g->stop_after) return err_set(err, ERR_COMMON, "stop");
    return STATUS_OK;
}

/* Parses `in` fed in chunks of `chunk` bytes (0 = all at once); returns the collected text (static). */
static const char *parse(const CsvOptions *o, const char *in, size_t chunk, Error *err) {
    static Got g;
    sb_free(&g.text);
    memset(&g, 0, sizeof g);
    CsvReader *r = csv_reader_new(o, 0);
    size_t n = strlen(in);
    if (chunk == 0) chunk = n ? n : 1;
    for (size_t off = 0; off < n; off += chunk) {
        size_t k = n - off < chunk ? n - off : chunk;
        if (csv_reader_feed(r, in + off, k, collect, &g, err)) {
            csv_reader_free(r);
            return NULL;
        }
    }
    Status st = csv_reader_finish(r, collect, &g, err);
    csv_reader_free(r);
    return st ? NULL : sb_str(&g.text);
}

/* Checks that every chunking of the input gives the expected text. */
static void check_all_chunkings(const CsvOptions *o, const char *in, const char *want) {
    Error err = ERROR_INIT;
    size_t n = strlen(in);
    for (size_t chunk = 0; chunk <= n; chunk++) {
        const char *got = parse(o, in, chunk, &err);
        if (!got || strcmp(got, want) != 0) {
            fprintf(stderr, "  chunk %zu: got \"%s\" (%s), want \"%s\"\n", chunk, got ? got : "(error)",
                    got ? "" : err.msg, want);
            test_failed_ = 1;
            return;
        }
    }
}

TEST(defaults_tab_newline) {
    CsvOptions o;
    csv_options_init(&o);
    check_all_chunkings(&o, "1\ta\tx\n2\tb\ty\n", "1|a|x\n2|b|y\n");
    /* last record without trailing delimiter; blank lines carry no row */
    check_all_chunkings(&o, "1\ta\n\n2\tb", "1|a\n2|b\n");
    /* \N is NULL, an empty field is an empty string */
    check_all_chunkings(&o, "\\N\t\t\\Nx\n", "<N>||\\Nx\n");
}

TEST(multibyte_separators) {
    CsvOptions o;
    csv_options_init(&o);
    Error err = ERROR_INIT;
    CHECK_OK(csv_options_set_sep(o.col_sep, &o.col_sep_len, "||", "column_separator", &err), &err);
    CHECK_OK(csv_options_set_sep(o.row_delim, &o.row_delim_len, "\\r\\n", "row_delimiter", &err), &err);
    CHECK_INT(o.row_delim_len, 2);
    check_all_chunkings(&o, "1||a|b||c\r\n2||\r||x\r\n", "1|a|b|c\n2|\r|x\n");
}

TEST(hex_separator) {
    CsvOptions o;
    csv_options_init(&o);
    Error err = ERROR_INIT;
    CHECK_OK(csv_options_set_sep(o.col_sep, &o.col_sep_len, "\\x01", "column_separator", &err), &err);
    CHECK_INT(o.col_sep_len, 1);
    CHECK_INT(o.col_sep[0], 1);
    check_all_chunkings(&o, "a\001b\nc\001d\n", "a|b\nc|d\n");
    CHECK(csv_options_set_sep(o.col_sep, &o.col_sep_len, "\\xZZ", "column_separator", &err) == STATUS_ERROR);
    CHECK(strstr(err.msg, "column_separator '\\xZZ'") != NULL);
    CHECK(csv_options_set_sep(o.col_sep, &o.col_sep_len, "", "column_separator", &err) == STATUS_ERROR);
    CHECK(strstr(err.msg, "must not be empty") != NULL);
    int b;
    CHECK(csv_options_set_byte(&b, "ab", "enclose", &err) == STATUS_ERROR);
    CHECK(strstr(err.msg, "enclose 'ab' must be a single byte") != NULL);
}

TEST(skip_header_and_trim) {
    CsvOptions o;
    csv_options_init(&o);
    o.col_sep[0] = ',';
    o.skip_header = 2;
    o.trim_space = true;
    check_all_chunkings(&o, "k,v\nint,string\n 1 ,  a b  \n2,\\N \n", "1|a b\n2|<N>\n");
}

TEST(enclose_rfc4180) {
    CsvOptions o;
    csv_options_init(&o);
    o.col_sep[0] = ',';
    o.enclose = '"';
    /* separators and delimiters inside quotes, doubled quotes, an empty quoted field, quotes mid-field */
    check_all_chunkings(&o, "\"a,b\",\"line1\nline2\",\"say \"\"hi\"\"\"\n\"\",x\"y,\"\\N\"\n",
                        "a,b|line1\nline2|say \"hi\"\n|x\"y|\\N\n");
    /* multi-byte row delimiter inside quotes */
    Error err = ERROR_INIT;
    CHECK_OK(csv_options_set_sep(o.row_delim, &o.row_delim_len, "\\r\\n", "row_delimiter", &err), &err);
    check_all_chunkings(&o, "\"a\r\nb\",c\r\nd,\"e\"\r\n", "a\r\nb|c\nd|e\n");
}

TEST(enclose_trim) {
    CsvOptions o;
    csv_options_init(&o);
    o.col_sep[0] = ',';
    o.enclose = '\'';
    o.trim_space = true;
    /* spaces outside quotes go, spaces inside stay */
    check_all_chunkings(&o, "  ' a ' , b ,' '\n", " a |b| \n");
}

TEST(escape) {
    CsvOptions o;
    csv_options_init(&o);
    o.col_sep[0] = ',';
    o.escape = '\\';
    /* escaped separator, escaped delimiter, escaped escape; \N written literally stays NULL */
    check_all_chunkings(&o, "a\\,b,c\\\nd,e\\\\\n\\N,x\n", "a,b|c\nd|e\\\n<N>|x\n");
    /* with enclose too: an escaped quote inside quotes */
    o.enclose = '"';
    check_all_chunkings(&o, "\"a\\\"b\",\"c\\\\\"\n", "a\"b|c\\\n");
    /* a lone escape at the very end of input is kept literally */
    check_all_chunkings(&o, "x,y\\", "x|y\\\n");
}

TEST(escape_same_as_enclose) {
    /* escape '"' with enclose '"' means RFC 4180 doubling */
    CsvOptions o;
    csv_options_init(&o);
    o.col_sep[0] = ',';
    o.enclose = '"';
    o.escape = '"';
    check_all_chunkings(&o, "\"a\"\"b\",c\n", "a\"b|c\n");
}

TEST(unterminated_quote) {
    CsvOptions o;
    csv_options_init(&o);
    o.col_sep[0] = ',';
    o.enclose = '"';
    Error err = ERROR_INIT;
    CHECK(parse(&o, "1,\"abc\n2,x\n", 0, &err) == NULL);
    CHECK(strstr(err.msg, "ends inside a field enclosed by '\"'") != NULL);
}

TEST(record_too_long) {
    CsvOptions o;
    csv_options_init(&o);
    CsvReader *r = csv_reader_new(&o, 16);
    Got g = {0};
    Error err = ERROR_INIT;
    CHECK_OK(csv_reader_feed(r, "short\n", 6, collect, &g, &err), &err);
    CHECK(csv_reader_feed(r, "0123456789abcdefghij", 20, collect, &g, &err) == STATUS_ERROR);
    CHECK(strstr(err.msg, "longer than 16 bytes") != NULL);
    CHECK_INT(g.records, 1);
    csv_reader_free(r);
    sb_free(&g.text);
}

TEST(callback_error_stops) {
    CsvOptions o;
    csv_options_init(&o);
    CsvReader *r = csv_reader_new(&o, 0);
    Got g = {0};
    g.stop_after = 2;
    Error err = ERROR_INIT;
    CHECK(csv_reader_feed(r, "a\nb\nc\nd\n", 8, collect, &g, &err) == STATUS_ERROR);
    CHECK_STR(err.msg, "stop");
    CHECK_INT(g.records, 2);
    CHECK_INT(g.last_line, 2);
    csv_reader_free(r);
    sb_free(&g.text);
}

TEST(line_numbers_and_counts) {
    CsvOptions o;
    csv_options_init(&o);
    o.skip_header = 1;
    CsvReader *r = csv_reader_new(&o, 0);
    Got g = {0};
    Error err = ERROR_INIT;
    const char *in = "h\n1\n2\n3";
    CHECK_OK(csv_reader_feed(r, in, strlen(in), collect, &g, &err), &err);
    CHECK_OK(csv_reader_finish(r, collect, &g, &err), &err);
    CHECK_INT(csv_reader_records(r), 3);
    CHECK_INT(g.last_line, 4);
    CHECK_STR(sb_str(&g.text), "1\n2\n3\n");
    csv_reader_free(r);
    sb_free(&g.text);
}

TEST(large_input_bounded_buffer) {
    /* 200k records fed in 4 KiB chunks: every record arrives, in order */
    CsvOptions o;
    csv_options_init(&o);
    o.col_sep[0] = ',';
    StrBuf in = STRBUF_INIT;
    for (int i = 0; i < 200000; i++) sb_appendf(&in, "%d,%d\n", i, i * 7);
    CsvReader *r = csv_reader_new(&o, 0);
    Got g = {0};
    Error err = ERROR_INIT;
    for (size_t off = 0; off < in.len; off += 4096) {
        size_t k = in.len - off < 4096 ? in.len - off : 4096;
        CHECK_OK(csv_reader_feed(r, in.data + off, k, collect, &g, &err), &err);
    }
    CHECK_OK(csv_reader_finish(r, collect, &g, &err), &err);
    CHECK_INT(g.records, 200000);
    CHECK(strstr(sb_str(&g.text), "199999|1399993\n") != NULL);
    csv_reader_free(r);
    sb_free(&g.text);
    sb_free(&in);
}

int main(void) {
    RUN(defaults_tab_newline);
    RUN(multibyte_separators);
    RUN(hex_separator);
    RUN(skip_header_and_trim);
    RUN(enclose_rfc4180);
    RUN(enclose_trim);
    RUN(escape);
    RUN(escape_same_as_enclose);
    RUN(unterminated_quote);
    RUN(record_too_long);
    RUN(callback_error_stops);
    RUN(line_numbers_and_counts);
    RUN(large_input_bounded_buffer);
    TEST_EXIT();
}
