/* Lexer tests: token kinds, texts and positions for identifiers, strings and escapes, numbers,
 * variables, operators and comments, plus lexical error messages. */
#include <string.h>

#include "sql/lexer.h"
#include "test.h"
#include "util/arena.h"

static Arena *A;
static Token *LAST; /* the previous lex() result, freed on the next call */

static Token *lex(const char *sql, int *n) {
    Error err = ERROR_INIT;
    Token *t = NULL;
    free(LAST);
    LAST = NULL;
    if (sql_lex(A, sql, strlen(sql), &t, n, &err) != STATUS_OK) {
        fprintf(stderr, "  lex failed: %s (sql: %s)\n", err.msg, sql);
        test_failed_ = 1;
        return NULL;
    }
    return LAST = t;
}

static const char *lex_err(const char *sql) {
    static Error err;
    Token *t = NULL;
    int n;
    err_clear(&err);
    if (sql_lex(A, sql, strlen(sql), &t, &n, &err) == STATUS_OK) {
        fprintf(stderr, "  expected a lex error: %s\n", sql);
        test_failed_ = 1;
    }
    CHECK_INT(err.code, ERR_PARSE);
    return err.msg;
}

TEST(keyword_table_sorted) {
    for (int k = KW_NONE + 2; k < KW__COUNT; k++)
        CHECK(strcmp(sql_kw_name(k - 1), sql_kw_name(k)) < 0);
    CHECK_INT(sql_kw_lookup("select", 6), KW_SELECT);
    CHECK_INT(sql_kw_lookup("SeLeCt", 6), KW_SELECT);
    CHECK_INT(sql_kw_lookup("selects", 7), KW_NONE);
    CHECK_INT(sql_kw_lookup("auto_increment", 14), KW_AUTO_INCREMENT);
    CHECK(sql_kw_reserved(KW_SELECT));
    CHECK(!sql_kw_reserved(KW_DATE));
    CHECK(!sql_kw_reserved(KW_SNAPSHOT));
    CHECK(!sql_kw_reserved(KW_NONE));
    CHECK_STR(sql_kw_name(KW_WHERE), "WHERE");
}

TEST(identifiers) {
    int n;
    Token *t = lex("select `a b`, `x``y`, db.tbl, Foo_1$ from t", &n);
    if (!t) return;
    CHECK_INT(n, 13);
    CHECK_INT(t[0].type, TK_IDENT);
    CHECK_INT(t[0].kw, KW_SELECT);
    CHECK_INT(t[1].type, TK_QIDENT);
    CHECK_STR(t[1].text, "a b");
    CHECK_INT(t[1].kw, KW_NONE);
    CHECK_STR(t[3].text, "x`y");
    CHECK_STR(t[5].text, "db");
    CHECK_INT(t[6].type, TK_DOT);
    CHECK_STR(t[7].text, "tbl");
    CHECK_STR(t[9].text, "Foo_1$");
    CHECK_INT(t[12].type, TK_EOF);
    /* `select` quoted is a name, not a keyword */
    t = lex("`select`", &n);
    if (!t) return;
    CHECK_INT(t[0].type, TK_QIDENT);
    CHECK_INT(t[0].kw, KW_NONE);
    /* digits after a dot are part of a name; a leading-digit word is a name */
    t = lex("db.1t 1abc", &n);
    if (!t) return;
    CHECK_INT(t[2].type, TK_IDENT);
    CHECK_STR(t[2].text, "1t");
    CHECK_INT(t[3].type, TK_IDENT);
    CHECK_STR(t[3].text, "1abc");
}

TEST(strings_and_escapes) {
    int n;
    Token *t = lex("'a\\nb' \"q\\\"x\" 'it''s' 'tab\\there' '\\0z' '\\Z\\b\\r\\\\'", &n);
    if (!t) return;
    /* adjacent literals join, so everything above is ONE string */
    CHECK_INT(n, 2);
    CHECK_INT(t[0].type, TK_STRING);
    const char want[] = "a\nbq\"xit'stab\there\0z\032\b\r\\";
    CHECK_INT(t[0].textlen, sizeof want - 1);
    CHECK(memcmp(t[0].text, want, sizeof want - 1) == 0);
    t = lex("'a', \"b\"\"c\" , 'x\\%y\\_'", &n);
    if (!t) return;
    CHECK_STR(t[0].text, "a");
    CHECK_STR(t[2].text, "b\"c");
    CHECK_STR(t[4].text, "x\\%y\\_"); /* \% and \_ keep their backslash for LIKE */
    t = lex("'abc'\n  'def'", &n);
    if (!t) return;
    CHECK_INT(n, 2);
    CHECK_STR(t[0].text, "abcdef");
}

TEST(numbers) {
    int n;
    Token *t = lex("42 3.14 .5 1e3 2.5E-2 0x1F 1.", &n);
    if (!t) return;
    CHECK_INT(n, 8);
    CHECK_INT(t[0].type, TK_INT);
    CHECK_STR(t[0].text, "42");
    CHECK_INT(t[1].type, TK_DECIMAL);
    CHECK_STR(t[1].text, "3.14");
    CHECK_INT(t[2].type, TK_DECIMAL);
    CHECK_STR(t[2].text, ".5");
    CHECK_INT(t[3].type, TK_FLOAT);
    CHECK_INT(t[4].type, TK_FLOAT);
    CHECK_STR(t[4].text, "2.5E-2");
    CHECK_INT(t[5].type, TK_HEX);
    CHECK_STR(t[5].text, "1F");
    CHECK_INT(t[6].type, TK_DECIMAL);
    CHECK_STR(t[6].text, "1.");
}

TEST(variables) {
    int n;
    Token *t = lex("@x @@autocommit @@session.sql_mode @@GLOBAL.max_conn @'h%' @`q` @@local.y", &n);
    if (!t) return;
    CHECK_INT(n, 8);
    CHECK_INT(t[0].type, TK_USERVAR);
    CHECK_STR(t[0].text, "x");
    CHECK_INT(t[1].type, TK_SYSVAR);
    CHECK_INT(t[1].scope, VAR_DEFAULT);
    CHECK_STR(t[1].text, "autocommit");
    CHECK_INT(t[2].scope, VAR_SESSION);
    CHECK_STR(t[2].text, "sql_mode");
    CHECK_INT(t[3].scope, VAR_GLOBAL);
    CHECK_STR(t[3].text, "max_conn");
    CHECK_INT(t[4].type, TK_USERVAR);
    CHECK_STR(t[4].text, "h%");
    CHECK_STR(t[5].text, "q");
    CHECK_INT(t[6].scope, VAR_SESSION);
    CHECK_STR(t[6].text, "y");
}

TEST(operators) {
    int n;
    Token *t =
        lex("<=> <> != <= >= << >> || && := ! ~ ^ & | = == < > + - * / % ( ) [ ] , ; . ?", &n);
    if (!t) return;
    TokType want[] = {TK_NSEQ,   TK_NE,       TK_NE,       TK_LE,       TK_GE,    TK_SHL,
                      TK_SHR,    TK_OROR,     TK_ANDAND,   TK_ASSIGN,   TK_BANG,  TK_TILDE,
                      TK_CARET,  TK_AMP,      TK_PIPE,     TK_EQ,       TK_EQ,    TK_LT,
                      TK_GT,     TK_PLUS,     TK_MINUS,    TK_STAR,     TK_SLASH, TK_PERCENT,
                      TK_LPAREN, TK_RPAREN,   TK_LBRACKET, TK_RBRACKET, TK_COMMA, TK_SEMI,
                      TK_DOT,    TK_QUESTION, TK_EOF};
    CHECK_INT(n, (int)(sizeof want / sizeof want[0]));
    for (int i = 0; i < n && i < (int)(sizeof want / sizeof want[0]); i++)
        CHECK_INT(t[i].type, want[i]);
    /* 1--1 is 1 - -1 (-- needs a following space to start a comment) */
    t = lex("1--1", &n);
    if (!t) return;
    CHECK_INT(n, 5);
    CHECK_INT(t[1].type, TK_MINUS);
    CHECK_INT(t[2].type, TK_MINUS);
}

TEST(comments) {
    int n;
    Token *t = lex("select -- comment\n 1 # another\n + /* block\n comment */ 2", &n);
    if (!t) return;
    CHECK_INT(n, 5);
    CHECK_INT(t[1].type, TK_INT);
    CHECK_INT(t[1].line, 2);
    CHECK_INT(t[1].col, 2);
    CHECK_INT(t[2].type, TK_PLUS);
    CHECK_INT(t[2].line, 3);
    CHECK_INT(t[3].type, TK_INT);
    CHECK_INT(t[3].line, 4);
    /* executable comments are code; the optional version number is skipped */
    t = lex("select /*!40101 sql_calc */ 1 /*! x */", &n);
    if (!t) return;
    CHECK_INT(n, 5);
    CHECK_STR(t[1].text, "sql_calc");
    CHECK_INT(t[2].type, TK_INT);
    CHECK_STR(t[3].text, "x");
    /* hints are plain comments */
    t = lex("select /*+ SET_VAR(a=1) */ 1", &n);
    if (!t) return;
    CHECK_INT(n, 3);
    t = lex("-- only a comment", &n);
    if (!t) return;
    CHECK_INT(n, 1);
}

TEST(positions) {
    int n;
    Token *t = lex("a\n  bb ccc\n\td", &n);
    if (!t) return;
    CHECK_INT(t[0].line, 1);
    CHECK_INT(t[0].col, 1);
    CHECK_INT(t[1].line, 2);
    CHECK_INT(t[1].col, 3);
    CHECK_INT(t[1].start, 4);
    CHECK_INT(t[1].end, 6);
    CHECK_INT(t[2].col, 6);
    CHECK_INT(t[3].line, 3);
    CHECK_INT(t[3].col, 2);
}

TEST(errors) {
    CHECK_STR(
        lex_err("select 'abc"),
        "You have an error in your SQL syntax; check the manual that corresponds to your MySQL "
        "server version for the right syntax to use near ''abc' at line 1");
    CHECK_STR(
        lex_err("select\n`abc"),
        "You have an error in your SQL syntax; check the manual that corresponds to your MySQL "
        "server version for the right syntax to use near '`abc' at line 2");
    CHECK_STR(
        lex_err("select 1 /* open"),
        "You have an error in your SQL syntax; check the manual that corresponds to your MySQL "
        "server version for the right syntax to use near '/* open' at line 1");
    CHECK_STR(
        lex_err("select 1 { 2"),
        "You have an error in your SQL syntax; check the manual that corresponds to your MySQL "
        "server version for the right syntax to use near '{ 2' at line 1");
    CHECK_STR(
        lex_err("select @@"),
        "You have an error in your SQL syntax; check the manual that corresponds to your MySQL "
        "server version for the right syntax to use near '@@' at line 1");
}

int main(void) {
    A = arena_new(0);
    RUN(keyword_table_sorted);
    RUN(identifiers);
    RUN(strings_and_escapes);
    RUN(numbers);
    RUN(variables);
    RUN(operators);
    RUN(comments);
    RUN(positions);
    RUN(errors);
    free(LAST);
    arena_free(A);
    TEST_EXIT();
}
