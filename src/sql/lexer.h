/* The SQL lexer: turns statement text into an array of tokens (all in the caller's arena) that the
 * recursive-descent parser (parser*.c) walks with unlimited lookahead. MySQL lexical rules: backquoted
 * identifiers, '...' and "..." strings with backslash escapes, --, # and C-style comments (MySQL's
 * executable comments are read as code), @user and @@system variables. Keywords resolve to KwId once. */
#ifndef CAIRN_SQL_LEXER_H
#define CAIRN_SQL_LEXER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sql/ast.h"
#include "util/arena.h"
#include "util/error.h"

typedef enum TokType {
    TK_EOF = 0,
    TK_IDENT,    /* bare word: text = the word; kw = its keyword id or KW_NONE */
    TK_QIDENT,   /* `quoted identifier`: text unescaped; never a keyword */
    TK_STRING,   /* 'x' / "x", adjacent literals joined: text unescaped, textlen bytes (may hold NUL) */
    TK_INT,      /* 123 */
    TK_DECIMAL,  /* 1.5, .5, 1. */
    TK_FLOAT,    /* 1e3, 1.5E-2 */
    TK_HEX,      /* 0x1F: text = the digits after 0x */
    TK_USERVAR,  /* @name, @'name', @`name`: text = name */
    TK_SYSVAR,   /* @@name, @@session.name, @@global.name: text = name, scope */
    TK_LPAREN, TK_RPAREN, TK_LBRACKET, TK_RBRACKET, TK_COMMA, TK_DOT, TK_SEMI,
    TK_STAR, TK_PLUS, TK_MINUS, TK_SLASH, TK_PERCENT,
    TK_EQ, TK_NSEQ, TK_NE, TK_LT, TK_LE, TK_GT, TK_GE,
    TK_OROR, TK_ANDAND, TK_BANG, TK_TILDE, TK_AMP, TK_PIPE, TK_CARET, TK_SHL, TK_SHR,
    TK_ASSIGN,   /* := */
    TK_AT,       /* a lone @ (user@host written with spaces) */
    TK_QUESTION, /* ? */
    TK_COLON,
} TokType;

/* Every word the parser treats specially. R = reserved (needs backquotes to be a name), N = non-reserved.
 * Keep alphabetical: the lexer looks words up by binary search. */
#define SQL_KEYWORDS(X)                                                                            \
    X(ACTIVE, N) X(ADD, R) X(ADMIN, N) X(AFTER, N) X(AGGREGATE, N) X(ALL, R) X(ALTER, R)           \
    X(ANALYZE, R) X(AND, R) X(AS, R) X(ASC, R) X(ASYNC, N) X(AT, N) X(AUTO_INCREMENT, N)           \
    X(BACKENDS, N) X(BACKUP, N) X(BEGIN, N) X(BETWEEN, R) X(BIGINT, R) X(BINARY, N) X(BOTH, R)     \
    X(BROKER, N) X(BUCKETS, N) X(BY, R) X(CANCEL, N) X(CASE, R) X(CAST, N) X(CATALOG, N)           \
    X(CATALOGS, N) X(CHAR, R) X(CHARACTER, R) X(CHARSET, N) X(COLLATE, R) X(COLLATION, N)          \
    X(COLUMN, R) X(COLUMNS, N) X(COMMENT, N) X(COMMIT, N) X(CONFIG, N) X(CONNECTION, N)            \
    X(CONVERT, R) X(COSTS, N) X(CREATE, R) X(CROSS, R) X(CURRENT_DATE, R) X(CURRENT_TIME, R)       \
    X(CURRENT_TIMESTAMP, R) X(CURRENT_USER, R) X(DATA, N) X(DATABASE, R) X(DATABASES, R)           \
    X(DATE, N) X(DATETIME, N) X(DAY, N) X(DECIMAL, R) X(DEFAULT, R) X(DEFERRED, R) X(DELETE, R)    \
    X(DESC, R) X(DESCRIBE, R) X(DISTINCT, R) X(DISTRIBUTED, N) X(DIV, R) X(DOUBLE, R) X(DROP, R)   \
    X(DUAL, R) X(DUPLICATE, N) X(ELSE, R) X(END, N) X(ENGINE, N) X(ENGINES, N) X(ERRORS, N)        \
    X(ESCAPE, N) X(EVERY, N) X(EXCEPT, R) X(EXISTS, R) X(EXPLAIN, R) X(EXTERNAL, N) X(FALSE, R)    \
    X(FIRST, N) X(FLOAT, R) X(FOR, R) X(FORCE, R) X(FROM, R) X(FRONTEND, N) X(FRONTENDS, N)        \
    X(FULL, R) X(FUNCTION, R) X(FUNCTIONS, N) X(GLOBAL, N) X(GRANT, R) X(GRANTS, N) X(GROUP, R)    \
    X(HASH, N) X(HAVING, R) X(HOUR, N) X(IDENTIFIED, N) X(IF, R) X(IMMEDIATE, R) X(IN, R)          \
    X(INACTIVE, N) X(INCREMENTAL, N) X(INDEX, R) X(INDEXES, N) X(INNER, R) X(INSERT, R) X(INT, R)  \
    X(INTEGER, R) X(INTERSECT, R) X(INTERVAL, R) X(INTO, R) X(IS, R) X(JOIN, R) X(KEY, R)          \
    X(KEYS, R) X(KILL, R) X(LABEL, N) X(LARGEINT, R) X(LAST, N) X(LEFT, R) X(LESS, N) X(LIKE, R)   \
    X(LIMIT, R) X(LIST, N) X(LOAD, R) X(LOCATION, N) X(LOGICAL, N) X(MANUAL, N) X(MATERIALIZED, N) \
    X(MAXVALUE, R) X(MINUS, R) X(MINUTE, N) X(MOD, R) X(MODE, N) X(MODIFY, N) X(MONTH, N)          \
    X(NAMES, N) X(NOT, R) X(NULL, R) X(NULLS, N) X(OFFSET, N) X(ON, R) X(ONLY, N) X(OPTION, N)     \
    X(OR, R) X(ORDER, R) X(OUTER, R) X(OVER, R) X(OVERWRITE, N) X(PARTITION, R) X(PARTITIONS, N)   \
    X(PASSWORD, N) X(PLUGIN, N) X(PRECISION, N) X(PRIMARY, R) X(PRIVILEGES, N) X(PROC, N)          \
    X(PROCESSLIST, N) X(PROPERTIES, N) X(QUARTER, N) X(QUERY, N) X(RANDOM, N) X(RANGE, R)          \
    X(READ, R) X(REFRESH, N) X(REGEXP, R) X(RENAME, R) X(REPLACE, R) X(REPOSITORIES, N)            \
    X(REPOSITORY, N) X(RESTORE, N) X(REVOKE, R) X(RIGHT, R) X(RLIKE, R) X(ROLE, N) X(ROLES, N)     \
    X(ROLLBACK, N) X(ROLLUP, N) X(ROW, R) X(SCHEMA, R) X(SCHEMAS, R) X(SECOND, N) X(SELECT, R)     \
    X(SESSION, N) X(SET, R) X(SHOW, R) X(SIGNED, N) X(SMALLINT, R) X(SNAPSHOT, N) X(START, N)      \
    X(STATUS, N) X(STRING, N) X(SWAP, N) X(SYNC, N) X(SYSTEM, R) X(TABLE, R) X(TABLES, N)          \
    X(TEMPORARY, N) X(THAN, N) X(THEN, R) X(TIMESTAMP, N) X(TINYINT, R) X(TO, R) X(TRANSACTION, N) \
    X(TRUE, R) X(TRUNCATE, N) X(TYPE, N) X(UNION, R) X(UNIQUE, R) X(UNSIGNED, R) X(UPDATE, R)      \
    X(USAGE, N) X(USE, R) X(USER, N) X(USERS, N) X(USING, R) X(VALUES, R) X(VARCHAR, R)            \
    X(VARIABLES, N) X(VERBOSE, N) X(VERIFY, N) X(VIEW, N) X(VIEWS, N) X(WARNINGS, N) X(WEEK, N)    \
    X(WHEN, R) X(WHERE, R) X(WITH, R) X(WORK, N) X(XOR, R) X(YEAR, N)

typedef enum KwId {
    KW_NONE = 0,
#define KW_ENUM_(name, res) KW_##name,
    SQL_KEYWORDS(KW_ENUM_)
#undef KW_ENUM_
    KW__COUNT
} KwId;

typedef struct Token {
    TokType type;
    KwId kw;         /* TK_IDENT only */
    int line, col;   /* 1-based position of the first character */
    size_t start;    /* byte offsets into the statement text: [start, end) */
    size_t end;
    char *text;      /* see TokType; NUL-terminated */
    size_t textlen;
    VarScope scope;  /* TK_SYSVAR */
} Token;

/* Tokenizes sql[0..len) into *toks (arena array ending with a TK_EOF token). Errors are ERR_PARSE in
 * the MySQL "near '...' at line N" form (unterminated string, comment or identifier). */
Status sql_lex(Arena *a, const char *sql, size_t len, Token **toks, int *ntoks, Error *err) MUST_CHECK;
/* Sets the MySQL syntax-error message pointing at byte `pos` of sql (line given). Returns STATUS_ERROR. */
Status sql_syntax_error(Error *err, const char *sql, size_t len, size_t pos, int line);
/* The keyword's spelling ("SELECT"), or "" for KW_NONE. */
const char *sql_kw_name(KwId kw);
/* True when the keyword cannot be used as an unquoted name. */
bool sql_kw_reserved(KwId kw);
/* Keyword id of a word (any case), KW_NONE if it is not a keyword. */
KwId sql_kw_lookup(const char *word, size_t n);

#endif
