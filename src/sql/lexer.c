/* The SQL lexer (see lexer.h): one pass over the text producing every token up front, so the parser
 * can look ahead freely and slice the original text (Stmt.src, Expr.src) from token offsets.
 * Follows MySQL's tokenizer where StarRocks users rely on it: escapes, comment forms, variables. */
#include "sql/lexer.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/vec.h"

typedef VEC(char) CharVec;

static const struct {
    const char *name;
    bool reserved;
} kw_table[KW__COUNT] = {[KW_NONE] = {"", false},
#define KW_ROW_(name, res) [KW_##name] = {#name, #res[0] == 'R'},
                         SQL_KEYWORDS(KW_ROW_)
#undef KW_ROW_
};

const char *sql_kw_name(KwId kw) {
    return kw > KW_NONE && kw < KW__COUNT ? kw_table[kw].name : "";
}

bool sql_kw_reserved(KwId kw) {
    return kw > KW_NONE && kw < KW__COUNT && kw_table[kw].reserved;
}

bool sql_kw_callable(KwId kw) {
    switch (kw) {
    case KW_IF:
    case KW_LEFT:
    case KW_RIGHT:
    case KW_MOD:
    case KW_REPLACE:
    case KW_INSERT:
    case KW_CHAR:
    case KW_DATABASE:
    case KW_SCHEMA:
    case KW_CURRENT_USER:
    case KW_CURRENT_DATE:
    case KW_CURRENT_TIME:
    case KW_CURRENT_TIMESTAMP:
    case KW_VALUES:
    case KW_REGEXP:
    case KW_LIKE:
        return true;
    default:
        return !sql_kw_reserved(kw);
    }
}

KwId sql_kw_lookup(const char *word, size_t n) {
    char up[32];
    if (n == 0 || n >= sizeof up) return KW_NONE;
    for (size_t i = 0; i < n; i++)
        up[i] = (char)toupper((unsigned char)word[i]);
    up[n] = '\0';
    /* The table is alphabetical (lexer.h keeps it so; a unit test checks), hence binary search. */
    int lo = KW_NONE + 1, hi = KW__COUNT - 1;
    while (lo <= hi) {
        int mid = (lo + hi) / 2;
        int c = strcmp(up, kw_table[mid].name);
        if (c == 0) return (KwId)mid;
        if (c < 0)
            hi = mid - 1;
        else
            lo = mid + 1;
    }
    return KW_NONE;
}

Status sql_syntax_error(Error *err, const char *sql, size_t len, size_t pos, int line) {
    if (pos > len) pos = len;
    size_t n = len - pos;
    if (n > 80) n = 80;
    /* A NUL inside the text would cut the message short anyway; stop there explicitly. */
    const char *nul = memchr(sql + pos, '\0', n);
    if (nul) n = (size_t)(nul - (sql + pos));
    return err_set(
        err, ERR_PARSE,
        "You have an error in your SQL syntax; check the manual that corresponds to your "
        "MySQL server version for the right syntax to use near '%.*s' at line %d",
        (int)n, sql + pos, line);
}

typedef struct Lexer {
    Arena *a;
    const char *s;
    size_t len;
    size_t pos;
    int line;
    size_t line_start; /* offset of the current line's first byte */
    int exec_comments; /* open MySQL executable comments whose closing star-slash must be skipped */
    Error *err;
} Lexer;

static bool is_ident_char(unsigned char c) {
    return isalnum(c) || c == '_' || c == '$' || c >= 0x80;
}

static int cur(const Lexer *lx) {
    return lx->pos < lx->len ? (unsigned char)lx->s[lx->pos] : -1;
}

static int at(const Lexer *lx, size_t off) {
    return lx->pos + off < lx->len ? (unsigned char)lx->s[lx->pos + off] : -1;
}

static void advance(Lexer *lx) {
    if (lx->pos < lx->len && lx->s[lx->pos] == '\n') {
        lx->line++;
        lx->line_start = lx->pos + 1;
    }
    lx->pos++;
}

static Status error_at(Lexer *lx, size_t pos, int line) {
    return sql_syntax_error(lx->err, lx->s, lx->len, pos, line);
}

/* Skips whitespace and comments. Returns STATUS_ERROR for an unterminated comment. */
static Status skip_space(Lexer *lx) {
    for (;;) {
        int c = cur(lx);
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
            advance(lx);
        } else if (c == '#' || (c == '-' && at(lx, 1) == '-' &&
                                (at(lx, 2) == -1 || at(lx, 2) == ' ' || at(lx, 2) == '\t' ||
                                 at(lx, 2) == '\n' || at(lx, 2) == '\r'))) {
            while (cur(lx) != -1 && cur(lx) != '\n')
                advance(lx);
        } else if (c == '/' && at(lx, 1) == '*' && at(lx, 2) == '!') {
            /* MySQL executable comment: its body is code; an optional version number follows the
             * '!'. */
            advance(lx);
            advance(lx);
            advance(lx);
            while (cur(lx) != -1 && isdigit(cur(lx)))
                advance(lx);
            lx->exec_comments++;
        } else if (c == '/' && at(lx, 1) == '*') {
            size_t start = lx->pos;
            int line = lx->line;
            advance(lx);
            advance(lx);
            while (cur(lx) != -1 && !(cur(lx) == '*' && at(lx, 1) == '/'))
                advance(lx);
            if (cur(lx) == -1) return error_at(lx, start, line);
            advance(lx);
            advance(lx);
        } else if (c == '*' && at(lx, 1) == '/' && lx->exec_comments > 0) {
            lx->exec_comments--;
            advance(lx);
            advance(lx);
        } else {
            return STATUS_OK;
        }
    }
}

/* Reads one quoted string body starting at the opening quote; appends the unescaped bytes to out.
 */
static Status lex_quoted(Lexer *lx, CharVec *out) {
    int q = cur(lx);
    size_t start = lx->pos;
    int line = lx->line;
    advance(lx);
    for (;;) {
        int c = cur(lx);
        if (c == -1) return error_at(lx, start, line);
        if (c == '\\' && q != '`' && at(lx, 1) != -1) {
            int e = at(lx, 1);
            char r;
            switch (e) {
            case 'n':
                r = '\n';
                break;
            case 't':
                r = '\t';
                break;
            case 'r':
                r = '\r';
                break;
            case 'b':
                r = '\b';
                break;
            case '0':
                r = '\0';
                break;
            case 'Z':
                r = '\032';
                break;
            case '%':
            case '_':
                /* MySQL keeps the backslash so LIKE patterns still see the escape. */
                vec_push(out, '\\');
                r = (char)e;
                break;
            default:
                r = (char)e;
            }
            vec_push(out, r);
            advance(lx);
            advance(lx);
            continue;
        }
        if (c == q) {
            if (at(lx, 1) == q) { /* doubled quote stands for itself */
                vec_push(out, (char)q);
                advance(lx);
                advance(lx);
                continue;
            }
            advance(lx);
            return STATUS_OK;
        }
        vec_push(out, (char)c);
        advance(lx);
    }
}

static char *finish_text(Lexer *lx, CharVec *buf, size_t *outlen) {
    char *t = arena_alloc(lx->a, buf->len + 1);
    if (buf->len) memcpy(t, buf->items, buf->len);
    t[buf->len] = '\0';
    if (outlen) *outlen = buf->len;
    return t;
}

static void scan_ident_chars(Lexer *lx) {
    while (cur(lx) != -1 && is_ident_char((unsigned char)cur(lx)))
        advance(lx);
}

/* Scans a number; returns its token type, or TK_IDENT when the digits run into letters (MySQL
 * allows names such as 1abc). */
static TokType scan_number(Lexer *lx) {
    size_t start = lx->pos;
    int line = lx->line;
    size_t ls = lx->line_start;
    if (cur(lx) == '0' && (at(lx, 1) == 'x' || at(lx, 1) == 'X') && at(lx, 2) != -1 &&
        isxdigit(at(lx, 2))) {
        advance(lx);
        advance(lx);
        while (cur(lx) != -1 && isxdigit(cur(lx)))
            advance(lx);
        if (cur(lx) != -1 && is_ident_char((unsigned char)cur(lx))) goto as_ident;
        return TK_HEX;
    }
    TokType t = TK_INT;
    bool leading_digits = isdigit(cur(lx));
    while (cur(lx) != -1 && isdigit(cur(lx)))
        advance(lx);
    if (cur(lx) == '.') {
        t = TK_DECIMAL;
        advance(lx);
        while (cur(lx) != -1 && isdigit(cur(lx)))
            advance(lx);
    }
    if ((cur(lx) == 'e' || cur(lx) == 'E') &&
        (isdigit(at(lx, 1)) || ((at(lx, 1) == '+' || at(lx, 1) == '-') && isdigit(at(lx, 2))))) {
        t = TK_FLOAT;
        advance(lx);
        if (cur(lx) == '+' || cur(lx) == '-') advance(lx);
        while (cur(lx) != -1 && isdigit(cur(lx)))
            advance(lx);
    }
    if (t == TK_INT && leading_digits && cur(lx) != -1 && is_ident_char((unsigned char)cur(lx)))
        goto as_ident;
    return t;
as_ident:
    lx->pos = start;
    lx->line = line;
    lx->line_start = ls;
    scan_ident_chars(lx);
    return TK_IDENT;
}

static const char *punct_spelling(TokType t) {
    static const char *spell[] = {
        [TK_LPAREN] = "(",  [TK_RPAREN] = ")", [TK_LBRACKET] = "[", [TK_RBRACKET] = "]",
        [TK_COMMA] = ",",   [TK_DOT] = ".",    [TK_SEMI] = ";",     [TK_STAR] = "*",
        [TK_PLUS] = "+",    [TK_MINUS] = "-",  [TK_SLASH] = "/",    [TK_PERCENT] = "%",
        [TK_EQ] = "=",      [TK_NSEQ] = "<=>", [TK_NE] = "<>",      [TK_LT] = "<",
        [TK_LE] = "<=",     [TK_GT] = ">",     [TK_GE] = ">=",      [TK_OROR] = "||",
        [TK_ANDAND] = "&&", [TK_BANG] = "!",   [TK_TILDE] = "~",    [TK_AMP] = "&",
        [TK_PIPE] = "|",    [TK_CARET] = "^",  [TK_SHL] = "<<",     [TK_SHR] = ">>",
        [TK_ASSIGN] = ":=", [TK_AT] = "@",     [TK_QUESTION] = "?", [TK_COLON] = ":"};
    return (size_t)t < sizeof spell / sizeof spell[0] && spell[t] ? spell[t] : "";
}

static Status lex_one(Lexer *lx, Token *tk, const Token *prev) {
    CharVec buf = {0};
    Status st = STATUS_OK;
    tk->start = lx->pos;
    tk->line = lx->line;
    tk->col = (int)(lx->pos - lx->line_start) + 1;
    tk->kw = KW_NONE;
    tk->scope = VAR_DEFAULT;
    int c = cur(lx);
    if (c == -1) {
        tk->type = TK_EOF;
        tk->text = "";
        goto done;
    }
    /* After "name." the next part is a name even when it starts with digits (db.1tbl). */
    bool after_dot = prev && prev->type == TK_DOT && prev->end == lx->pos;
    if (isdigit(c) && after_dot) {
        scan_ident_chars(lx);
        tk->type = TK_IDENT;
    } else if (isdigit(c) || (c == '.' && isdigit(at(lx, 1)) && !after_dot &&
                              !(prev && prev->end == lx->pos &&
                                (prev->type == TK_IDENT || prev->type == TK_QIDENT)))) {
        tk->type = scan_number(lx);
        if (tk->type == TK_IDENT) tk->kw = sql_kw_lookup(lx->s + tk->start, lx->pos - tk->start);
    } else if (is_ident_char((unsigned char)c)) {
        scan_ident_chars(lx);
        tk->type = TK_IDENT;
        if (!after_dot) tk->kw = sql_kw_lookup(lx->s + tk->start, lx->pos - tk->start);
    } else if (c == '`') {
        if ((st = lex_quoted(lx, &buf))) goto done;
        tk->type = TK_QIDENT;
        tk->text = finish_text(lx, &buf, &tk->textlen);
    } else if (c == '\'' || c == '"') {
        if ((st = lex_quoted(lx, &buf))) goto done;
        /* Adjacent literals ('a' 'b') form one string, as in MySQL. */
        for (;;) {
            size_t save = lx->pos;
            int sl = lx->line;
            size_t sls = lx->line_start;
            while (cur(lx) == ' ' || cur(lx) == '\t' || cur(lx) == '\n' || cur(lx) == '\r')
                advance(lx);
            if (cur(lx) == '\'' || cur(lx) == '"') {
                if ((st = lex_quoted(lx, &buf))) goto done;
                continue;
            }
            lx->pos = save;
            lx->line = sl;
            lx->line_start = sls;
            break;
        }
        tk->type = TK_STRING;
        tk->text = finish_text(lx, &buf, &tk->textlen);
    } else if (c == '@') {
        advance(lx);
        if (cur(lx) == '@') {
            advance(lx);
            tk->type = TK_SYSVAR;
            size_t ns = lx->pos;
            scan_ident_chars(lx);
            size_t n = lx->pos - ns;
            if (cur(lx) == '.' && (n == 6 || n == 7 || n == 5)) {
                const char *w = lx->s + ns;
                VarScope sc = VAR_DEFAULT;
                if (n == 6 && !strncasecmp(w, "global", 6)) sc = VAR_GLOBAL;
                if (n == 7 && !strncasecmp(w, "session", 7)) sc = VAR_SESSION;
                if (n == 5 && !strncasecmp(w, "local", 5)) sc = VAR_SESSION;
                if (sc != VAR_DEFAULT) {
                    tk->scope = sc;
                    advance(lx);
                    ns = lx->pos;
                    scan_ident_chars(lx);
                    n = lx->pos - ns;
                }
            }
            if (n == 0) {
                st = error_at(lx, tk->start, tk->line);
                goto done;
            }
            tk->text = arena_strndup(lx->a, lx->s + ns, n);
            tk->textlen = n;
        } else if (cur(lx) == '\'' || cur(lx) == '"' || cur(lx) == '`') {
            if ((st = lex_quoted(lx, &buf))) goto done;
            tk->type = TK_USERVAR;
            tk->text = finish_text(lx, &buf, &tk->textlen);
        } else if (cur(lx) != -1 && (is_ident_char((unsigned char)cur(lx)) || cur(lx) == '.')) {
            size_t ns = lx->pos;
            while (cur(lx) != -1 && (is_ident_char((unsigned char)cur(lx)) || cur(lx) == '.'))
                advance(lx);
            tk->type = TK_USERVAR;
            tk->text = arena_strndup(lx->a, lx->s + ns, lx->pos - ns);
            tk->textlen = lx->pos - ns;
        } else {
            tk->type = TK_AT;
        }
    } else {
        int c1 = at(lx, 1), c2 = at(lx, 2);
        int n = 1;
        switch (c) {
        case '(':
            tk->type = TK_LPAREN;
            break;
        case ')':
            tk->type = TK_RPAREN;
            break;
        case '[':
            tk->type = TK_LBRACKET;
            break;
        case ']':
            tk->type = TK_RBRACKET;
            break;
        case ',':
            tk->type = TK_COMMA;
            break;
        case '.':
            tk->type = TK_DOT;
            break;
        case ';':
            tk->type = TK_SEMI;
            break;
        case '*':
            tk->type = TK_STAR;
            break;
        case '+':
            tk->type = TK_PLUS;
            break;
        case '-':
            tk->type = TK_MINUS;
            break;
        case '/':
            tk->type = TK_SLASH;
            break;
        case '%':
            tk->type = TK_PERCENT;
            break;
        case '^':
            tk->type = TK_CARET;
            break;
        case '~':
            tk->type = TK_TILDE;
            break;
        case '?':
            tk->type = TK_QUESTION;
            break;
        case '=':
            tk->type = TK_EQ;
            if (c1 == '=') n = 2; /* == is accepted as = (StarRocks does) */
            break;
        case ':':
            tk->type = c1 == '=' ? TK_ASSIGN : TK_COLON;
            n = c1 == '=' ? 2 : 1;
            break;
        case '!':
            tk->type = c1 == '=' ? TK_NE : TK_BANG;
            n = c1 == '=' ? 2 : 1;
            break;
        case '|':
            tk->type = c1 == '|' ? TK_OROR : TK_PIPE;
            n = c1 == '|' ? 2 : 1;
            break;
        case '&':
            tk->type = c1 == '&' ? TK_ANDAND : TK_AMP;
            n = c1 == '&' ? 2 : 1;
            break;
        case '<':
            if (c1 == '=' && c2 == '>') {
                tk->type = TK_NSEQ;
                n = 3;
            } else if (c1 == '=') {
                tk->type = TK_LE;
                n = 2;
            } else if (c1 == '>') {
                tk->type = TK_NE;
                n = 2;
            } else if (c1 == '<') {
                tk->type = TK_SHL;
                n = 2;
            } else {
                tk->type = TK_LT;
            }
            break;
        case '>':
            if (c1 == '=') {
                tk->type = TK_GE;
                n = 2;
            } else if (c1 == '>') {
                tk->type = TK_SHR;
                n = 2;
            } else {
                tk->type = TK_GT;
            }
            break;
        default:
            st = error_at(lx, tk->start, tk->line);
            goto done;
        }
        for (int i = 0; i < n; i++)
            advance(lx);
    }
done:
    tk->end = lx->pos;
    if (!st && !tk->text) {
        if (tk->type == TK_IDENT || tk->type == TK_INT || tk->type == TK_DECIMAL ||
            tk->type == TK_FLOAT || tk->type == TK_HEX) {
            tk->text = arena_strndup(lx->a, lx->s + tk->start, tk->end - tk->start);
        } else {
            /* Punctuation is never copied: large VALUES lists hold millions of these. */
            tk->text = (char *)punct_spelling(tk->type);
        }
        tk->textlen = tk->end - tk->start;
    }
    if (tk->type == TK_HEX && !st) {
        tk->text += 2;
        tk->textlen -= 2;
    }
    vec_free(&buf);
    return st;
}

Status sql_lex(Arena *a, const char *sql, size_t len, Token **toks, int *ntoks, Error *err) {
    Lexer lx = {.a = a, .s = sql, .len = len, .line = 1, .err = err};
    VEC(Token) v = {0};
    Status st = STATUS_OK;
    for (;;) {
        if ((st = skip_space(&lx))) goto done;
        Token tk = {0};
        if ((st = lex_one(&lx, &tk, v.len ? &v.items[v.len - 1] : NULL))) goto done;
        vec_push(&v, tk);
        if (tk.type == TK_EOF) break;
    }
    *toks = v.items; /* the caller frees the array; token texts live in the arena */
    *ntoks = (int)v.len;
    return STATUS_OK;
done:
    vec_free(&v);
    return st;
}
