/* The query engine end to end over in-memory tables: real parser, binder, planner and operators, results
 * collected as text. Each check states the exact rows (or the exact error number) expected. */
#include <string.h>

#include "exec/exec.h"
#include "exec/scan.h"
#include "sql/execute.h"
#include "sql/parser.h"
#include "test.h"
#include "util/strbuf.h"

static Arena *tables_arena;
static ExecTable *t_emp, *t_dept, *t_big, *t_huge;

/* emp(id INT, name VARCHAR, dept INT NULL, salary DECIMAL(10,2) NULL, hired DATE) */
static void make_tables(void) {
    tables_arena = arena_new(0);
    Arena *a = tables_arena;
    DataType et[] = {type_make(TYPE_INT), type_varchar(20), type_make(TYPE_INT), type_decimal(10, 2),
                     type_make(TYPE_DATE)};
    const char *en[] = {"id", "name", "dept", "salary", "hired"};
    Batch *b = batch_new(a, 5, et, 8);
    const char *rows[][5] = {
        {"1", "ann", "10", "1000.50", "2020-01-15"}, {"2", "bob", "10", "2000.25", "2021-03-01"},
        {"3", "cid", "20", "1500.00", "2019-07-31"}, {"4", "dan", NULL, NULL, "2022-12-31"},
        {"5", "eve", "30", "3000.75", "2020-02-29"}, {"6", "fay", "20", "1500.00", "2023-06-10"},
    };
    Error err = ERROR_INIT;
    for (size_t r = 0; r < sizeof rows / sizeof rows[0]; r++) {
        for (int c = 0; c < 5; c++) {
            if (!rows[r][c]) {
                colvec_append_null(b->cols[c]);
                continue;
            }
            _Alignas(16) unsigned char cell[16];
            if (type_parse_cell(&et[c], rows[r][c], strlen(rows[r][c]), cell, a, &err)) abort();
            colvec_append(b->cols[c], cell);
        }
        b->nrows++;
    }
    t_emp = scan_memory_table(a, "db", "emp", 5, en, et, b, 4);
    DataType dt[] = {type_make(TYPE_INT), type_varchar(20)};
    const char *dn[] = {"id", "name"};
    Batch *d = batch_new(a, 2, dt, 4);
    const char *drows[][2] = {{"10", "eng"}, {"20", "ops"}, {"40", "law"}};
    for (size_t r = 0; r < 3; r++) {
        for (int c = 0; c < 2; c++) {
            _Alignas(16) unsigned char cell[16];
            if (type_parse_cell(&dt[c], drows[r][c], strlen(drows[r][c]), cell, a, &err)) abort();
            colvec_append(d->cols[c], cell);
        }
        d->nrows++;
    }
    t_dept = scan_memory_table(a, "db", "dept", 2, dn, dt, d, 0);
    /* big(k BIGINT, g INT, v DOUBLE): 20000 rows, g = k % 7, v = k / 2 */
    DataType bt[] = {type_make(TYPE_BIGINT), type_make(TYPE_INT), type_make(TYPE_DOUBLE)};
    const char *bn[] = {"k", "g", "v"};
    Batch *bb = batch_new(a, 3, bt, 20000);
    for (int64_t k = 0; k < 20000; k++) {
        int32_t g = (int32_t)(k % 7);
        double v = (double)k / 2;
        colvec_append(bb->cols[0], &k);
        colvec_append(bb->cols[1], &g);
        colvec_append(bb->cols[2], &v);
        bb->nrows++;
    }
    t_big = scan_memory_table(a, "db", "big", 3, bn, bt, bb, 5000);
    /* huge(k BIGINT, g INT, v DOUBLE, s VARCHAR, d DECIMAL(10,2)): 300000 rows in 7 units, large enough for
     * parallel plans; g = k % 5, s = 'x' || (k % 3), d = (k % 100) / 4 */
    DataType ht[] = {type_make(TYPE_BIGINT), type_make(TYPE_INT), type_make(TYPE_DOUBLE), type_varchar(4),
                     type_decimal(10, 2)};
    const char *hn[] = {"k", "g", "v", "s", "d"};
    Batch *hb = batch_new(a, 5, ht, 300000);
    for (int64_t k = 0; k < 300000; k++) {
        int32_t g = (int32_t)(k % 5);
        double v = (double)(k % 1000);
        char sbuf[4] = {'x', (char)('0' + k % 3), 0, 0};
        Slice sl = {sbuf, 2};
        int128_t dv = (k % 100) * 25;
        colvec_append(hb->cols[0], &k);
        colvec_append(hb->cols[1], &g);
        colvec_append(hb->cols[2], &v);
        colvec_append(hb->cols[3], &sl);
        if (k % 10 == 0) colvec_append_null(hb->cols[4]);
        else colvec_append(hb->cols[4], &dv);
        hb->nrows++;
    }
    t_huge = scan_memory_table(a, "db", "huge", 5, hn, ht, hb, 45000);
}

static Status test_resolver(Session *s, const char *db, const char *name, Arena *a, ExecTable **out, Error *err) {
    if (!strcmp(name, "emp")) *out = t_emp;
    else if (!strcmp(name, "dept")) *out = t_dept;
    else if (!strcmp(name, "big")) *out = t_big;
    else if (!strcmp(name, "huge")) *out = t_huge;
    else return err_set(err, ERR_NO_SUCH_TABLE, "Table 'db.%s' doesn't exist", name);
    return STATUS_OK;
}

static Error last_err;
static char result[65536];

/* Runs sql; returns rows as "a|b\n..." (NULL as NULL), or "ERR <errno>" on failure. */
static const char *q(const char *sql) {
    Arena *a = arena_new(0);
    Stmt **st;
    int n;
    err_clear(&last_err);
    CollectSink cs;
    collect_sink_init(&cs);
    result[0] = '\0';
    if (sql_parse(a, sql, strlen(sql), &st, &n, &last_err) || sql_execute_stmt(NULL, st[0], &cs.sink, &last_err)) {
        snprintf(result, sizeof result, "ERR %d", err_mysql_errno(last_err.code));
        fprintf(stderr, "    (%s -> %s)\n", sql, last_err.msg);
    } else {
        StrBuf sb = STRBUF_INIT;
        for (size_t r = 0; r < cs.nrows; r++) {
            for (int c = 0; c < cs.ncols; c++) {
                if (c) sb_putc(&sb, '|');
                sb_append(&sb, cs.rows[r][c] ? cs.rows[r][c] : "NULL");
            }
            if (r + 1 < cs.nrows) sb_putc(&sb, '\n');
        }
        snprintf(result, sizeof result, "%s", sb_str(&sb));
        sb_free(&sb);
    }
    collect_sink_free(&cs);
    arena_free(a);
    return result;
}

/* The column names and type codes of a query: "name:code,..." */
static const char *cols(const char *sql) {
    Arena *a = arena_new(0);
    Stmt **st;
    int n;
    CollectSink cs;
    collect_sink_init(&cs);
    result[0] = '\0';
    if (!sql_parse(a, sql, strlen(sql), &st, &n, &last_err) && !sql_execute_stmt(NULL, st[0], &cs.sink, &last_err)) {
        StrBuf sb = STRBUF_INIT;
        for (int c = 0; c < cs.ncols; c++)
            sb_appendf(&sb, "%s%s:%d", c ? "," : "", cs.col_names[c], type_mysql_code(&cs.col_types[c]));
        snprintf(result, sizeof result, "%s", sb_str(&sb));
        sb_free(&sb);
    } else {
        snprintf(result, sizeof result, "ERR %s", last_err.msg);
    }
    collect_sink_free(&cs);
    arena_free(a);
    return result;
}

TEST(select_without_from) {
    CHECK_STR(q("select 1 + 2, 'a', null, 7 / 2, 7 div 2, 7 % 3"), "3|a|NULL|3.5|3|1");
    CHECK_STR(q("select 0.1 + 0.2, 1.50 * 2.25, 10.00 / 4, -(3.5)"), "0.3|3.3750|2.500000|-3.5");
    CHECK_STR(q("select 1 / 0, 5 % 0, null + 1"), "NULL|NULL|NULL");
    CHECK_STR(q("select 9223372036854775807 + 1"), "ERR 1264");
    CHECK_STR(q("select concat('a', 'b', 'c'), upper('x'), lower('Y'), length('héllo'), char_length('héllo')"),
              "abc|X|y|6|5");
    CHECK_STR(q("select substr('hello', 2, 3), substr('hello', -3), trim('  x  '), replace('aXbX', 'X', '-')"),
              "ell|llo|x|a-b-");
    CHECK_STR(q("select coalesce(null, 2, 3), ifnull(null, 'z'), if(1 > 2, 'y', 'n'), nullif(3, 3)"), "2|z|n|NULL");
    CHECK_STR(q("select case when 1 = 2 then 'a' when 2 = 2 then 'b' else 'c' end, case 3 when 1 then 'x' end"),
              "b|NULL");
    CHECK_STR(q("select cast('12' as int) + 1, cast(3.7 as int), cast('abc' as int), cast(5 as varchar(10))"),
              "13|4|NULL|5");
    CHECK_STR(q("select 2 between 1 and 3, 'abc' like 'a%', 'abc' like '_c', 3 in (1, 2, 3), 4 not in (1, null)"),
              "1|1|0|1|NULL");
    CHECK_STR(q("select null is null, 1 is not null, true and null, false and null, true or null"),
              "1|1|NULL|0|1");
}

TEST(dates) {
    CHECK_STR(q("select year('2024-03-15'), month(date '2024-03-15'), day('2024-03-15 10:20:30')"), "2024|3|15");
    CHECK_STR(q("select date_add('2024-01-31', interval 1 month), date_sub(date '2024-03-01', interval 1 day)"),
              "2024-02-29|2024-02-29");
    CHECK_STR(q("select datediff('2024-03-01', '2024-02-01'), date_trunc('month', datetime '2024-03-15 10:00:00')"),
              "29|2024-03-01 00:00:00");
    CHECK_STR(q("select date_format('2024-03-05 07:08:09', '%Y/%m/%d %H:%i:%s %W'), str_to_date('05/03/2024', '%d/%m/%Y')"),
              "2024/03/05 07:08:09 Tuesday|2024-03-05");
    CHECK_STR(q("select date '2024-01-01' + interval 36 hour"), "2024-01-02 12:00:00");
}

TEST(scan_filter_project) {
    CHECK_STR(q("select id, name from emp where salary > 1500 order by id"), "2|bob\n5|eve");
    CHECK_STR(q("select name from emp where dept is null"), "dan");
    CHECK_STR(q("select count(*) from emp where hired >= '2021-01-01'"), "3");
    CHECK_STR(q("select id * 10 as x from emp where name like '%a%' order by x desc"), "60\n40\n10");
    CHECK_STR(q("select e.id from emp e where e.dept in (20, 30) order by 1"), "3\n5\n6");
    CHECK_STR(cols("select id, name, salary, hired, count(*) as n from emp group by id, name, salary, hired limit 1"),
              "id:3,name:253,salary:246,hired:10,n:8");
}

TEST(aggregates) {
    CHECK_STR(q("select count(*), count(dept), count(distinct dept), sum(salary), min(name), max(hired) from emp"),
              "6|5|3|9001.50|ann|2023-06-10");
    CHECK_STR(q("select avg(salary), avg(id), sum(id) from emp"), "1800.300000|3.5|21");
    CHECK_STR(q("select dept, count(*), sum(salary) from emp group by dept order by dept"),
              "NULL|1|NULL\n10|2|3000.75\n20|2|3000.00\n30|1|3000.75");
    CHECK_STR(q("select dept, count(*) c from emp group by dept having c > 1 order by dept"), "10|2\n20|2");
    CHECK_STR(q("select dept % 20 as m, count(*) from emp where dept is not null group by m order by m"), "0|2\n10|3");
    CHECK_STR(q("select count(*), sum(id) from emp where id > 100"), "0|NULL");
    CHECK_STR(q("select dept from emp where id > 100 group by dept"), "");
    CHECK_STR(q("select distinct dept from emp order by dept desc"), "30\n20\n10\nNULL");
    CHECK_STR(q("select g, count(*), sum(k), max(v) from big group by g order by g limit 3"),
              "0|2858|28578571|9999.5\n1|2857|28561429|9996.5\n2|2857|28564286|9997");
    CHECK_STR(q("select count(distinct g), count(*) from big where k < 1000"), "7|1000");
}

TEST(order_limit) {
    CHECK_STR(q("select id from emp order by dept, id limit 3"), "4\n1\n2");
    CHECK_STR(q("select id from emp order by dept desc, id limit 2 offset 1"), "3\n6");
    CHECK_STR(q("select id from emp order by dept nulls last, id desc limit 2"), "2\n1");
    CHECK_STR(q("select k from big order by v * -1 limit 3"), "19999\n19998\n19997");
    CHECK_STR(q("select k from big order by k limit 2 offset 19997"), "19997\n19998");
    CHECK_STR(q("select id from emp limit 2"), "1\n2");
    CHECK_STR(q("select name from emp order by salary desc, name limit 10"), "eve\nbob\ncid\nfay\nann\ndan");
}

TEST(joins) {
    CHECK_STR(q("select e.name, d.name from emp e join dept d on e.dept = d.id order by e.id"),
              "ann|eng\nbob|eng\ncid|ops\nfay|ops");
    CHECK_STR(q("select e.name, d.name from emp e left join dept d on e.dept = d.id order by e.id"),
              "ann|eng\nbob|eng\ncid|ops\ndan|NULL\neve|NULL\nfay|ops");
    CHECK_STR(q("select e.name, d.name from emp e right join dept d on e.dept = d.id order by d.id, e.id"),
              "ann|eng\nbob|eng\ncid|ops\nfay|ops\nNULL|law");
    CHECK_STR(q("select e.id, d.id from emp e full outer join dept d on e.dept = d.id order by e.id, d.id"),
              "NULL|40\n1|10\n2|10\n3|20\n4|NULL\n5|NULL\n6|20");
    CHECK_STR(q("select count(*) from emp, dept"), "18");
    CHECK_STR(q("select e.name from emp e, dept d where e.dept = d.id and d.name = 'ops' order by 1"), "cid\nfay");
    CHECK_STR(q("select e.name, d.name from emp e left join dept d on e.dept = d.id and d.name = 'eng' where e.id < 4 order by e.id"),
              "ann|eng\nbob|eng\ncid|NULL");
    CHECK_STR(q("select d.name, count(e.id) from dept d left join emp e on e.dept = d.id group by d.name order by 1"),
              "eng|2\nlaw|0\nops|2");
    CHECK_STR(q("select a.id, b.id from emp a join emp b on a.salary = b.salary and a.id < b.id"), "3|6");
    CHECK_STR(q("select count(*) from big a join big b on a.k = b.k where a.g = 3"), "2857");
}

TEST(subqueries_union_cte) {
    CHECK_STR(q("select name from emp where dept in (select id from dept where name <> 'eng') order by 1"), "cid\nfay");
    CHECK_STR(q("select name from emp where dept not in (select id from dept) order by 1"), "eve");
    CHECK_STR(q("select (select max(id) from dept), exists (select 1 from dept where id = 40)"), "40|1");
    CHECK_STR(q("select name from emp where salary = (select max(salary) from emp)"), "eve");
    CHECK_STR(q("select x from (select id * 2 as x from emp where id < 3) t order by x"), "2\n4");
    CHECK_STR(q("select id from dept union all select id from dept where id > 10 order by id"), "10\n20\n20\n40\n40");
    CHECK_STR(q("select dept from emp union select id from dept order by 1"), "NULL\n10\n20\n30\n40");
    CHECK_STR(q("with d2 as (select id, name from dept where id > 10) select name from d2 order by id desc"), "law\nops");
    CHECK_STR(q("with a as (select 1 as x), b as (select x + 1 as y from a) select y from b"), "2");
    CHECK_STR(q("select 1 union select 2 union select 1"), "1\n2");
}

TEST(correlated) {
    CHECK_STR(q("select name from emp e where exists (select 1 from dept d where d.id = e.dept) order by name"),
              "ann\nbob\ncid\nfay");
    CHECK_STR(q("select name from emp e where not exists (select 1 from dept d where d.id = e.dept and d.name <> 'ops') order by name"),
              "cid\ndan\neve\nfay");
    CHECK_STR(q("select name from emp e where e.id in (select d.id / 10 from dept d where d.id = e.dept * 10 + 0 or d.id = e.dept)"),
              "ERR 1235");
    CHECK_STR(q("select name from emp e where e.id in (select d.id / 10 from dept d where e.dept = d.id) order by name"), "ann");
    CHECK_STR(q("select d.name from dept d where exists (select 1 from emp e where e.dept = d.id and e.salary > 1800) and d.id > 0"),
              "eng");
    CHECK_STR(q("select count(*) from big b where not exists (select 1 from big c where c.k = b.k + 1)"), "1");
    CHECK_STR(q("select d.name, (select count(*) from emp e where e.dept = d.id) from dept d order by d.id"),
              "eng|2\nops|2\nlaw|0");
    CHECK_STR(q("select e.name, (select max(d.name) from dept d where d.id = e.dept) as dn from emp e order by e.id"),
              "ann|eng\nbob|eng\ncid|ops\ndan|NULL\neve|NULL\nfay|ops");
    CHECK_STR(q("select e.name from emp e where e.salary > (select avg(x.salary) from emp x where x.dept = e.dept) order by 1"),
              "bob");
    CHECK_STR(q("select e.name from emp e where 1 < (select count(*) from emp x where x.dept = e.dept and x.salary > 1000) order by 1"),
              "ann\nbob\ncid\nfay");
    CHECK_STR(q("select e.name from emp e where e.id = (select d.id from dept d where d.id = e.dept)"), "ERR 1235");
    const char *r = q("explain select name from emp e where not exists (select 1 from dept d where d.id = e.dept)");
    CHECK(strstr(r, "HASH JOIN (LEFT ANTI, eq: [e.dept = __k0])") != NULL);
    if (!strstr(r, "LEFT ANTI")) fprintf(stderr, "%s\n", r);
}

TEST(errors) {
    CHECK_STR(q("select nope from emp"), "ERR 1054");
    CHECK_STR(q("select id from emp, dept"), "ERR 1052");
    CHECK_STR(q("select name, count(*) from emp group by dept"), "ERR 1055");
    CHECK_STR(q("select id from emp where count(*) > 1"), "ERR 1111");
    CHECK_STR(q("select * from missing"), "ERR 1146");
    CHECK_STR(q("select nofunc(1)"), "ERR 1305");
    CHECK_STR(q("select 1, 2 union select 1"), "ERR 1222");
    CHECK_STR(q("select (select id from emp)"), "ERR 1242");
    CHECK_STR(q("select id from emp order by 9"), "ERR 1054");
    CHECK_STR(q("select e.id from emp e where e.dept = (select d.id from dept d where d.id = e.dept)"), "ERR 1235");
    CHECK_STR(q("select e.id from emp e where e.id not in (select d.id from dept d where d.id = e.dept)"), "ERR 1235");
}

TEST(explain) {
    const char *r = q("explain select dept, count(*) from emp where id > 2 group by dept order by 2 desc limit 1");
    CHECK(strstr(r, "TOP-N") != NULL);
    CHECK(strstr(r, "AGGREGATE (group by: [emp.dept], aggregates: [count(*)])") != NULL);
    CHECK(strstr(r, "SCAN db.emp (partitions=1/1") != NULL);
    CHECK(strstr(r, "FILTER (emp.id > 2)") != NULL);
}

TEST(parallel_plans) {
    const char *r = q("explain select g, count(*), avg(d) from huge group by g");
    CHECK(strstr(r, "GATHER (parallel: 2 workers)") != NULL);
    CHECK_STR(q("select count(*), sum(k), min(s), max(d), avg(d), avg(k), count(d) from huge"),
              "300000|44999850000|x0|24.75|12.500000|149999.5|270000");
    CHECK_STR(q("select g, count(*), sum(v), avg(v), max(s) from huge where k % 2 = 0 group by g order by g"),
              "0|30000|14850000|495|x2\n1|30000|15030000|501|x2\n2|30000|14910000|497|x2\n"
              "3|30000|15090000|503|x2\n4|30000|14970000|499|x2");
    CHECK_STR(q("select s, count(distinct g) from huge group by s order by s"), "x0|5\nx1|5\nx2|5");
    CHECK_STR(q("select k, v from huge order by v desc, k limit 3"), "999|999\n1999|999\n2999|999");
    CHECK_STR(q("select k from huge where k > 299990 order by k limit 2 offset 3"), "299994\n299995");
    CHECK_STR(q("select count(*) from huge h join dept d on h.g * 10 = d.id"), "180000");
    CHECK_STR(q("select count(*), sum(h.k) from huge h left join dept d on h.g * 10 = d.id where d.id is null"),
              "120000|17999880000");
}

TEST(eval_const_and_predicates) {
    Arena *a = arena_new(0);
    Error err = ERROR_INIT;
    Expr *e;
    CHECK_OK(sql_parse_expr(a, "1 + 2 * 3", 9, &e, &err), &err);
    DataType it = type_make(TYPE_INT);
    Datum d;
    CHECK_OK(exec_eval_const(NULL, e, &it, &d, a, &err), &err);
    CHECK_INT(d.v.i64, 7);
    CHECK_OK(sql_parse_expr(a, "'12.345'", 8, &e, &err), &err);
    DataType dt = type_decimal(5, 2);
    CHECK_OK(exec_eval_const(NULL, e, &dt, &d, a, &err), &err);
    CHECK(d.v.i128 == 1235);
    CHECK_OK(sql_parse_expr(a, "300", 3, &e, &err), &err);
    DataType tt = type_make(TYPE_TINYINT);
    CHECK(exec_eval_const(NULL, e, &tt, &d, a, &err) == STATUS_ERROR);
    CHECK_INT(err_mysql_errno(err.code), 1264);
    CHECK_OK(sql_parse_expr(a, "'2024-02-30'", 12, &e, &err), &err);
    DataType dd = type_make(TYPE_DATE);
    CHECK(exec_eval_const(NULL, e, &dd, &d, a, &err) == STATUS_ERROR);
    CHECK_INT(err_mysql_errno(err.code), 1292);
    /* a DELETE-style predicate over (k BIGINT, g INT) */
    ExecColumnDesc cd[] = {{"k", type_make(TYPE_BIGINT)}, {"g", type_make(TYPE_INT)}};
    CHECK_OK(sql_parse_expr(a, "g = 2 and k > 5", 15, &e, &err), &err);
    ExecPredicate *p;
    CHECK_OK(exec_predicate_compile(NULL, e, cd, 2, a, &p, &err), &err);
    DataType bt[] = {cd[0].type, cd[1].type};
    Batch *b = batch_new(a, 2, bt, 10);
    for (int64_t k = 0; k < 10; k++) {
        int32_t g = (int32_t)(k % 3);
        colvec_append(b->cols[0], &k);
        colvec_append(b->cols[1], &g);
        b->nrows++;
    }
    uint8_t match[10];
    Arena *scratch = arena_new(0);
    CHECK_OK(exec_predicate_eval(p, b, scratch, match, &err), &err);
    char got[11];
    for (int i = 0; i < 10; i++) got[i] = (char)('0' + match[i]);
    got[10] = '\0';
    CHECK_STR(got, "0000000010");
    int pc[2];
    CHECK_INT(exec_predicate_columns(p, pc, 2), 2);
    CHECK_OK(sql_parse_expr(a, "nope = 1", 8, &e, &err), &err);
    CHECK(exec_predicate_compile(NULL, e, cd, 2, a, &p, &err) == STATUS_ERROR);
    CHECK_INT(err_mysql_errno(err.code), 1054);
    arena_free(scratch);
    arena_free(a);
}

int main(void) {
    make_tables();
    exec_table_resolver = test_resolver;
    exec_register_statements();
    RUN(select_without_from);
    RUN(dates);
    RUN(scan_filter_project);
    RUN(aggregates);
    RUN(order_limit);
    RUN(joins);
    RUN(subqueries_union_cte);
    RUN(correlated);
    RUN(errors);
    RUN(explain);
    RUN(parallel_plans);
    RUN(eval_const_and_predicates);
    arena_free(tables_arena);
    TEST_EXIT();
}
