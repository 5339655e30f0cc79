/* Expression parsing tests: literals, names, operators and their MySQL precedence, predicates,
 * function calls, CASE/CAST/INTERVAL/subqueries, positions and source text, and round trips through
 * ast_print_expr. */
#include "sql_test_util.h"

TEST(literals) {
    EXPR(e, "42");
    CHECK_INT(e->kind, EXPR_INT);
    CHECK_INT(e->ival, 42);
    CHECK_STR(e->text, "42");
    EXPR(e2, "-7");
    CHECK_INT(e2->kind, EXPR_INT);
    CHECK_INT(e2->ival, -7);
    CHECK_STR(e2->text, "-7");
    EXPR(e3, "9223372036854775808");
    CHECK_INT(e3->kind, EXPR_DECIMAL);
    CHECK_STR(e3->text, "9223372036854775808");
    EXPR(e4, "-9223372036854775808");
    CHECK_INT(e4->kind, EXPR_INT);
    CHECK(e4->ival == INT64_MIN);
    EXPR(e5, "1.50");
    CHECK_INT(e5->kind, EXPR_DECIMAL);
    CHECK_STR(e5->text, "1.50");
    EXPR(e6, "1e3");
    CHECK_INT(e6->kind, EXPR_FLOAT);
    CHECK_STR(e6->text, "1e3");
    EXPR(e7, "'it''s'");
    CHECK_INT(e7->kind, EXPR_STRING);
    CHECK_STR(e7->text, "it's");
    CHECK_INT(e7->ival, 4);
    EXPR(e8, "NULL");
    CHECK_INT(e8->kind, EXPR_NULL);
    EXPR(e9, "true");
    CHECK_INT(e9->kind, EXPR_BOOL);
    CHECK_INT(e9->ival, 1);
    EXPR(e10, "FALSE");
    CHECK_INT(e10->ival, 0);
    EXPR(e11, "DATE '2024-01-02'");
    CHECK_INT(e11->kind, EXPR_DATE);
    CHECK_STR(e11->text, "2024-01-02");
    EXPR(e12, "TIMESTAMP '2024-01-02 03:04:05'");
    CHECK_INT(e12->kind, EXPR_DATETIME);
    CHECK_STR(e12->text, "2024-01-02 03:04:05");
    EXPR(e13, "datetime \"2024-01-02 03:04:05\"");
    CHECK_INT(e13->kind, EXPR_DATETIME);
    EXPR(e14, "0x10");
    CHECK_INT(e14->kind, EXPR_INT);
    CHECK_INT(e14->ival, 16);
    EXPR(e15, "'a\\0b'");
    CHECK_INT(e15->ival, 3);
    CHECK(memcmp(e15->text, "a\0b", 3) == 0);
}

TEST(names_and_variables) {
    EXPR(e, "c");
    CHECK_INT(e->kind, EXPR_COLUMN);
    CHECK_STR(e->text, "c");
    CHECK(e->qual_table == NULL && e->qual_db == NULL);
    EXPR(e2, "t.c");
    CHECK_STR(e2->qual_table, "t");
    CHECK_STR(e2->text, "c");
    EXPR(e3, "`my db`.t.`select`");
    CHECK_STR(e3->qual_db, "my db");
    CHECK_STR(e3->qual_table, "t");
    CHECK_STR(e3->text, "select");
    /* non-reserved keywords are names */
    EXPR(e4, "date + status + `type` + label + comment + value + name + version + snapshot");
    CHECK_INT(e4->kind, EXPR_BINARY);
    EXPR(e5, "timestamp");
    CHECK_INT(e5->kind, EXPR_COLUMN);
    CHECK_STR(e5->text, "timestamp");
    EXPR(e6, "@@session.autocommit");
    CHECK_INT(e6->kind, EXPR_VARIABLE);
    CHECK_INT(e6->scope, VAR_SESSION);
    CHECK_STR(e6->text, "autocommit");
    EXPR(e7, "@@version_comment");
    CHECK_INT(e7->scope, VAR_DEFAULT);
    EXPR(e8, "@@global.x");
    CHECK_INT(e8->scope, VAR_GLOBAL);
    EXPR(e9, "@v");
    CHECK_INT(e9->scope, VAR_USER);
    CHECK_STR(e9->text, "v");
    CHECK_STR(PARSE_ERR("SELECT select"), NEAR("select", 1));
}

TEST(precedence) {
    EXPR(e, "1 + 2 * 3");
    CHECK_INT(e->op, OP_ADD);
    CHECK_INT(e->right->op, OP_MUL);
    EXPR(e2, "a OR b AND c");
    CHECK_INT(e2->op, OP_OR);
    CHECK_INT(e2->right->op, OP_AND);
    EXPR(e3, "NOT a = b");
    CHECK_INT(e3->kind, EXPR_UNARY);
    CHECK_INT(e3->op, OP_NOT);
    CHECK_INT(e3->left->op, OP_EQ);
    EXPR(e4, "a || b && c");
    CHECK_INT(e4->op, OP_OR);
    CHECK_INT(e4->right->op, OP_AND);
    EXPR(e5, "a XOR b OR c");
    CHECK_INT(e5->op, OP_OR);
    CHECK_INT(e5->left->op, OP_XOR);
    EXPR(e6, "1 - 2 - 3");
    CHECK_INT(e6->op, OP_SUB);
    CHECK_INT(e6->left->op, OP_SUB);
    CHECK_INT(e6->right->ival, 3);
    EXPR(e7, "a | b & c << 1 + 2");
    CHECK_INT(e7->op, OP_BITOR);
    CHECK_INT(e7->right->op, OP_BITAND);
    CHECK_INT(e7->right->right->op, OP_SHL);
    CHECK_INT(e7->right->right->right->op, OP_ADD);
    EXPR(e8, "a DIV 2 MOD 3 % 4 / 5");
    CHECK_INT(e8->op, OP_DIV);
    CHECK_INT(e8->left->op, OP_MOD);
    CHECK_INT(e8->left->left->op, OP_MOD);
    CHECK_INT(e8->left->left->left->op, OP_INTDIV);
    EXPR(e9, "2 * 3 ^ 4");
    CHECK_INT(e9->op, OP_MUL);
    CHECK_INT(e9->right->op, OP_BITXOR);
    EXPR(e10, "-a * b");
    CHECK_INT(e10->op, OP_MUL);
    CHECK_INT(e10->left->kind, EXPR_UNARY);
    CHECK_INT(e10->left->op, OP_NEG);
    EXPR(e11, "!a");
    CHECK_INT(e11->op, OP_NOT);
    EXPR(e12, "~a");
    CHECK_INT(e12->op, OP_BITNOT);
    EXPR(e13, "a <=> b");
    CHECK_INT(e13->op, OP_NULL_SAFE_EQ);
    EXPR(e14, "a != b");
    CHECK_INT(e14->op, OP_NE);
    EXPR(e15, "a <> b");
    CHECK_INT(e15->op, OP_NE);
    EXPR(e16, "a >= 1 AND a <= 2 AND a > 0 AND a < 3");
    CHECK_INT(e16->right->op, OP_LT);
    CHECK_INT(e16->left->right->op, OP_GT);
    EXPR(e17, "a = 1 >> 2");
    CHECK_INT(e17->op, OP_EQ);
    CHECK_INT(e17->right->op, OP_SHR);
    EXPR(e18, "(1 + 2) * 3");
    CHECK_INT(e18->op, OP_MUL);
    CHECK_INT(e18->left->op, OP_ADD);
    EXPR(e19, "a && b");
    CHECK_INT(e19->op, OP_AND);
}

TEST(predicates) {
    EXPR(e, "a IS NULL");
    CHECK_INT(e->kind, EXPR_IS_NULL);
    CHECK(!e->negated);
    EXPR(e2, "a IS NOT NULL");
    CHECK(e2->negated);
    EXPR(e3, "a IS NOT TRUE");
    CHECK_INT(e3->kind, EXPR_IS_BOOL);
    CHECK_INT(e3->ival, 1);
    CHECK(e3->negated);
    EXPR(e4, "a is false");
    CHECK_INT(e4->ival, 0);
    EXPR(e5, "a BETWEEN 1 AND 2 + 1");
    CHECK_INT(e5->kind, EXPR_BETWEEN);
    CHECK_INT(e5->right->ival, 1);
    CHECK_INT(e5->third->op, OP_ADD);
    EXPR(e6, "a NOT BETWEEN 1 AND 2 AND b");
    CHECK_INT(e6->op, OP_AND);
    CHECK_INT(e6->left->kind, EXPR_BETWEEN);
    CHECK(e6->left->negated);
    EXPR(e7, "a IN (1, 2, 3)");
    CHECK_INT(e7->kind, EXPR_IN_LIST);
    CHECK_INT(e7->nargs, 3);
    CHECK_INT(e7->args[2]->ival, 3);
    EXPR(e8, "a NOT IN (SELECT b FROM t)");
    CHECK_INT(e8->kind, EXPR_IN_SUBQUERY);
    CHECK(e8->negated);
    CHECK(e8->subquery != NULL);
    EXPR(e9, "a LIKE 'x%' ESCAPE '!'");
    CHECK_INT(e9->kind, EXPR_LIKE);
    CHECK_INT(e9->ival, 0);
    CHECK_STR(e9->right->text, "x%");
    CHECK_STR(e9->third->text, "!");
    EXPR(e10, "a NOT LIKE 'y'");
    CHECK(e10->negated);
    EXPR(e11, "a REGEXP '^x'");
    CHECK_INT(e11->kind, EXPR_LIKE);
    CHECK_INT(e11->ival, 1);
    EXPR(e12, "a NOT RLIKE 'z'");
    CHECK_INT(e12->ival, 1);
    CHECK(e12->negated);
    EXPR(e13, "EXISTS (SELECT 1)");
    CHECK_INT(e13->kind, EXPR_EXISTS);
    CHECK(!e13->negated);
    EXPR(e14, "NOT EXISTS (SELECT 1)");
    CHECK_INT(e14->kind, EXPR_EXISTS);
    CHECK(e14->negated);
    EXPR(e15, "(a, b) IN ((1, 2), (3, 4))");
    CHECK_INT(e15->left->kind, EXPR_ROW);
    CHECK_INT(e15->left->nargs, 2);
    CHECK_INT(e15->args[1]->kind, EXPR_ROW);
    EXPR(e16, "a IS UNKNOWN");
    CHECK_INT(e16->kind, EXPR_IS_NULL);
    EXPR(e17, "a = (SELECT max(b) FROM t)");
    CHECK_INT(e17->right->kind, EXPR_SUBQUERY);
}

TEST(functions) {
    EXPR(e, "count(*)");
    CHECK_INT(e->kind, EXPR_FUNC);
    CHECK_STR(e->text, "count");
    CHECK(e->is_star);
    CHECK_INT(e->nargs, 0);
    EXPR(e2, "COUNT(DISTINCT a, b)");
    CHECK(e2->distinct);
    CHECK_INT(e2->nargs, 2);
    CHECK_STR(e2->text, "COUNT");
    EXPR(e3, "now()");
    CHECK_INT(e3->nargs, 0);
    EXPR(e4, "mydb.f(1)");
    CHECK_STR(e4->text, "mydb.f");
    CHECK_INT(e4->nargs, 1);
    /* keywords used as function names */
    const char *names[] = {
        "date(x)",    "if(a, 1, 2)",    "left('abc', 1)",         "right('abc', 1)",
        "year(d)",    "mod(7, 2)",      "replace('a', 'b', 'c')", "char(65)",
        "database()", "current_user()", "timestamp(x)",           "insert('a', 1, 1, 'b')",
        "week(d)"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        EXPR(f, names[i]);
        CHECK_INT(f->kind, EXPR_FUNC);
    }
    EXPR(e5, "CURRENT_TIMESTAMP");
    CHECK_INT(e5->kind, EXPR_FUNC);
    CHECK_STR(e5->text, "CURRENT_TIMESTAMP");
    EXPR(e6, "extract(YEAR FROM d)");
    CHECK_STR(e6->text, "year");
    CHECK_INT(e6->nargs, 1);
    EXPR(e7, "date_add(d, INTERVAL 1 DAY)");
    CHECK_INT(e7->args[1]->kind, EXPR_INTERVAL);
    CHECK_STR(e7->args[1]->text, "DAY");
    CHECK_INT(e7->args[1]->left->ival, 1);
    EXPR(e8, "d + interval 3 month");
    CHECK_INT(e8->right->kind, EXPR_INTERVAL);
    CHECK_STR(e8->right->text, "MONTH");
    Error err = ERROR_INIT;
    Expr *w = NULL;
    const char *q = "row_number() OVER (ORDER BY a)";
    CHECK(sql_parse_expr(T_ARENA, q, strlen(q), &w, &err) != STATUS_OK);
    CHECK_INT(err.code, ERR_NOT_SUPPORTED);
}

TEST(case_cast) {
    EXPR(e, "CASE a WHEN 1 THEN 'x' WHEN 2 THEN 'y' ELSE 'z' END");
    CHECK_INT(e->kind, EXPR_CASE);
    CHECK_STR(e->left->text, "a");
    CHECK_INT(e->nargs, 4);
    CHECK_STR(e->args[3]->text, "y");
    CHECK_STR(e->right->text, "z");
    EXPR(e2, "CASE WHEN a > 1 THEN 1 END");
    CHECK(e2->left == NULL);
    CHECK(e2->right == NULL);
    CHECK_INT(e2->nargs, 2);
    EXPR(e3, "CAST(a AS DECIMAL(10, 2))");
    CHECK_INT(e3->kind, EXPR_CAST);
    CHECK_INT(e3->cast_type.id, TYPE_DECIMAL);
    CHECK_INT(e3->cast_type.precision, 10);
    CHECK_INT(e3->cast_type.scale, 2);
    EXPR(e4, "cast(a as signed)");
    CHECK_INT(e4->cast_type.id, TYPE_BIGINT);
    EXPR(e5, "CAST(a AS UNSIGNED INTEGER)");
    CHECK_INT(e5->cast_type.id, TYPE_BIGINT);
    EXPR(e6, "CAST(a AS CHAR)");
    CHECK_INT(e6->cast_type.id, TYPE_VARCHAR);
    CHECK_INT(e6->cast_type.len, 65533);
    EXPR(e7, "CAST(a AS DATE)");
    CHECK_INT(e7->cast_type.id, TYPE_DATE);
    EXPR(e8, "CAST(a AS DATETIME)");
    CHECK_INT(e8->cast_type.id, TYPE_DATETIME);
    EXPR(e9, "CONVERT(a, INT)");
    CHECK_INT(e9->kind, EXPR_CAST);
    CHECK_INT(e9->cast_type.id, TYPE_INT);
    EXPR(e10, "CAST(a AS VARCHAR(20))");
    CHECK_INT(e10->cast_type.len, 20);
    EXPR(e11, "CONVERT('x' USING utf8mb4)");
    CHECK_INT(e11->kind, EXPR_STRING);
    Error err = ERROR_INIT;
    Expr *w = NULL;
    const char *q = "CAST(a AS BLOB)";
    CHECK(sql_parse_expr(T_ARENA, q, strlen(q), &w, &err) != STATUS_OK);
    CHECK_STR(err.msg, "Unknown data type 'BLOB'");
}

TEST(positions_and_src) {
    EXPR(e, "a +\n  b");
    CHECK_INT(e->line, 1);
    CHECK_INT(e->col, 1);
    CHECK_INT(e->right->line, 2);
    CHECK_INT(e->right->col, 3);
    CHECK_STR(e->src, "a +\n  b");
    EXPR(f, "sum( x ) + COUNT(DISTINCT y) * 2");
    CHECK_STR(f->left->src, "sum( x )");
    CHECK_STR(f->right->left->src, "COUNT(DISTINCT y)");
    CHECK(f->right->right->src == NULL); /* bare literals carry no text */
    EXPR(g, "if(a > 1, b, 'c')");
    CHECK_STR(g->args[0]->src, "a > 1");
    CHECK_STR(g->args[1]->src, "b");
    CHECK(g->args[2]->src == NULL);
}

TEST(print_round_trip) {
    EXPR_RT("1+2*3", "1 + 2 * 3");
    EXPR_RT("(1+2)*3", "(1 + 2) * 3");
    EXPR_RT("1-(2-3)", "1 - (2 - 3)");
    EXPR_RT("1-2-3", "1 - 2 - 3");
    EXPR_RT("a or b and c", "a OR b AND c");
    EXPR_RT("(a or b) and c", "(a OR b) AND c");
    EXPR_RT("not a = b", "NOT a = b");
    EXPR_RT("!a = b", "(NOT a) = b");
    EXPR_RT("-a", "-a");
    EXPR_RT("- -a", "- -a");
    EXPR_RT("-(-1)", "- -1");
    EXPR_RT("~ -a", "~ -a");
    EXPR_RT("-(1+2)", "-(1 + 2)");
    EXPR_RT("2 - -1", "2 - -1");
    EXPR_RT("a is not null and b is true", "a IS NOT NULL AND b IS TRUE");
    EXPR_RT("a between 1 and 2", "a BETWEEN 1 AND 2");
    EXPR_RT("a not in (1,2)", "a NOT IN (1, 2)");
    EXPR_RT("a in (select 1)", "a IN (SELECT 1)");
    EXPR_RT("a like 'x' escape '#'", "a LIKE 'x' ESCAPE '#'");
    EXPR_RT("a rlike 'x'", "a REGEXP 'x'");
    EXPR_RT("count(*)", "count(*)");
    EXPR_RT("count(distinct a, b)", "count(DISTINCT a, b)");
    EXPR_RT("case when a then 1 else 2 end", "CASE WHEN a THEN 1 ELSE 2 END");
    EXPR_RT("case a when 1 then 2 end", "CASE a WHEN 1 THEN 2 END");
    EXPR_RT("cast(a as decimal(9,3))", "CAST(a AS DECIMAL(9, 3))");
    EXPR_RT("cast(a as string)", "CAST(a AS STRING)");
    EXPR_RT("'it''s\\n'", "'it\\'s\\n'");
    EXPR_RT("date '2024-01-01'", "DATE '2024-01-01'");
    EXPR_RT("timestamp '2024-01-01 00:00:00'", "DATETIME '2024-01-01 00:00:00'");
    EXPR_RT("`a b` + `select`", "`a b` + `select`");
    EXPR_RT("t.`date`", "t.date");
    EXPR_RT("d + interval 1 day", "d + INTERVAL 1 DAY");
    EXPR_RT("@@session.x + @y", "@@session.x + @y");
    EXPR_RT("not exists (select 1 from t)", "NOT EXISTS (SELECT 1 FROM t)");
    EXPR_RT("(a, b) = (1, 2)", "(a, b) = (1, 2)");
    EXPR_RT("a = b = c", "a = b = c");
    EXPR_RT("a = (b = c)", "a = (b = c)");
    EXPR_RT("a xor b", "a XOR b");
    EXPR_RT("a div b mod c", "a DIV b % c");
    EXPR_RT("a & b | c ^ d", "a & b | c ^ d");
    EXPR_RT("(a | b) & c", "(a | b) & c");
    EXPR_RT("a << 2 >> 1", "a << 2 >> 1");
    EXPR_RT("NULL", "NULL");
    EXPR_RT("true", "TRUE");
    EXPR_RT("1.5e3", "1.5e3");
    EXPR_RT("(a = 1) is null", "a = 1 IS NULL");
    EXPR_RT("~(a+1)", "~(a + 1)");
    EXPR_RT("db.f(x)", "db.f(x)");
    EXPR_RT("LEFT('a', 1) + if(a, 1, 2)", "LEFT('a', 1) + if(a, 1, 2)");
    EXPR_RT("`select`(1) + `a b`.`c d`(2) + ``````(3)", "`select`(1) + `a b`.`c d`(2) + ``````(3)");
}

TEST(errors) {
    Error err = ERROR_INIT;
    Expr *e = NULL;
    const char *cases[][2] = {
        {"1 +", ""},
        {"(1", ""},
        {"a b", "b"},
        {"f(1,)", ")"},
        {"CASE END", "END"},
        {"a IS 3", "3"},
        {"a NOT 3", "NOT 3"},
        {"INTERVAL 1 FORTNIGHT", "FORTNIGHT"},
        {"CAST(a INT)", "INT)"},
        {"t.", ""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        err_clear(&err);
        if (sql_parse_expr(T_ARENA, cases[i][0], strlen(cases[i][0]), &e, &err) == STATUS_OK) {
            fprintf(stderr, "  expected an error for %s\n", cases[i][0]);
            test_failed_ = 1;
            continue;
        }
        CHECK_INT(err.code, ERR_PARSE);
        CHECK_STR(err.msg, NEAR(cases[i][1], 1));
    }
    /* deep nesting is refused, not a stack overflow */
    StrBuf sb = STRBUF_INIT;
    for (int i = 0; i < 5000; i++)
        sb_putc(&sb, '(');
    sb_putc(&sb, '1');
    for (int i = 0; i < 5000; i++)
        sb_putc(&sb, ')');
    err_clear(&err);
    CHECK(sql_parse_expr(T_ARENA, sb.data, sb.len, &e, &err) != STATUS_OK);
    CHECK_INT(err.code, ERR_PARSE);
    CHECK(strstr(err.msg, "nested too deeply") != NULL);
    sb_reset(&sb);
    for (int i = 0; i < 5000; i++)
        sb_append(&sb, "- ");
    sb_putc(&sb, 'a');
    err_clear(&err);
    CHECK(sql_parse_expr(T_ARENA, sb.data, sb.len, &e, &err) != STATUS_OK);
    sb_free(&sb);
}

int main(void) {
    T_ARENA = arena_new(0);
    RUN(literals);
    RUN(names_and_variables);
    RUN(precedence);
    RUN(predicates);
    RUN(functions);
    RUN(case_cast);
    RUN(positions_and_src);
    RUN(print_round_trip);
    RUN(errors);
    arena_free(T_ARENA);
    TEST_EXIT();
}
