/* The abstract syntax tree: what the parser produces and every statement handler consumes.
 * All nodes, strings and arrays live in the statement's arena (owned by the caller of sql_parse).
 * Identifiers keep the case the user wrote; backquotes are removed. String literals are unescaped.
 * Arrays are (pointer, count) pairs. Positions (line, col) are 1-based, for error messages. */
#ifndef CAIRN_SQL_AST_H
#define CAIRN_SQL_AST_H

#include <stdbool.h>
#include <stdint.h>

#include "types/datatype.h"
#include "types/schema.h"

typedef struct Expr Expr;
typedef struct Query Query;
typedef struct Stmt Stmt;

/* ---------------------------------------------------------------- properties */

typedef struct Property {
    char *key;   /* as written, quotes removed */
    char *value; /* as written, quotes removed */
} Property;

typedef struct PropList {
    Property *items;
    int n;
} PropList;

/* ---------------------------------------------------------------- expressions */

typedef enum ExprKind {
    EXPR_NULL,         /* NULL */
    EXPR_BOOL,         /* TRUE / FALSE: ival 1/0 */
    EXPR_INT,          /* integer literal that fits int64: ival; text = digits as written */
    EXPR_DECIMAL,      /* 1.25, or an integer literal too large for int64: text */
    EXPR_FLOAT,        /* 1e3, 1.5E-2: text */
    EXPR_STRING,       /* 'abc' / "abc": text (unescaped), ival = length (may contain NUL) */
    EXPR_DATE,         /* DATE '2024-01-01': text */
    EXPR_DATETIME,     /* DATETIME|TIMESTAMP '2024-01-01 00:00:00': text */
    EXPR_COLUMN,       /* [db.][table.]name: text = column, qual_db, qual_table */
    EXPR_STAR,         /* * or t.*: qual_db, qual_table */
    EXPR_VARIABLE,     /* @@[global.|session.]name (scope) or @name (VAR_USER): text = name */
    EXPR_UNARY,        /* op: OP_NEG, OP_PLUS, OP_NOT, OP_BITNOT; left */
    EXPR_BINARY,       /* op; left, right */
    EXPR_FUNC,         /* text = name as written; args; distinct; is_star for count(*) */
    EXPR_CASE,         /* left = operand (NULL for searched CASE); args = when1, then1, when2, ...; right = ELSE */
    EXPR_CAST,         /* left; cast_type */
    EXPR_IN_LIST,      /* left IN (args); negated */
    EXPR_IN_SUBQUERY,  /* left IN (subquery); negated */
    EXPR_EXISTS,       /* [NOT] EXISTS (subquery); negated */
    EXPR_SUBQUERY,     /* scalar (subquery) */
    EXPR_BETWEEN,      /* left BETWEEN right AND third; negated */
    EXPR_LIKE,         /* left LIKE right [ESCAPE third]; negated; ival = 1 for REGEXP/RLIKE */
    EXPR_IS_NULL,      /* left IS [NOT] NULL; negated */
    EXPR_IS_BOOL,      /* left IS [NOT] TRUE|FALSE; ival = 1 for TRUE; negated */
    EXPR_INTERVAL,     /* INTERVAL left unit: text = unit upper-case (DAY, MONTH, ...) */
    EXPR_DEFAULT,      /* DEFAULT in INSERT ... VALUES */
    EXPR_ROW,          /* (a, b) tuple: args */
} ExprKind;

typedef enum ExprOp {
    OP_NONE,
    /* unary */
    OP_NEG, OP_PLUS, OP_NOT, OP_BITNOT,
    /* arithmetic */
    OP_ADD, OP_SUB, OP_MUL, OP_DIV, OP_INTDIV, OP_MOD,
    /* comparison */
    OP_EQ, OP_NE, OP_LT, OP_LE, OP_GT, OP_GE, OP_NULL_SAFE_EQ,
    /* logic */
    OP_AND, OP_OR, OP_XOR,
    /* bits */
    OP_BITAND, OP_BITOR, OP_BITXOR, OP_SHL, OP_SHR,
    /* string concatenation || (only when sql_mode has PIPES_AS_CONCAT; otherwise parsed as OP_OR) */
    OP_CONCAT,
} ExprOp;

typedef enum VarScope { VAR_DEFAULT = 0, VAR_SESSION, VAR_GLOBAL, VAR_USER } VarScope;

struct Expr {
    ExprKind kind;
    ExprOp op;
    int line, col;
    char *text;       /* literal text, function/column/variable name, interval unit */
    int64_t ival;     /* integer literal value, bool value, string length, LIKE/REGEXP flag */
    char *qual_db;    /* EXPR_COLUMN / EXPR_STAR qualifiers, NULL when absent */
    char *qual_table;
    Expr *left, *right, *third;
    Expr **args;
    int nargs;
    Query *subquery;
    DataType cast_type; /* EXPR_CAST target */
    VarScope scope;     /* EXPR_VARIABLE */
    bool negated;       /* NOT IN, NOT BETWEEN, NOT LIKE, IS NOT NULL, NOT EXISTS */
    bool distinct;      /* count(DISTINCT x) */
    bool is_star;       /* count(*) */
    char *src;          /* original SQL text of this expression (select items use it as column name) */
};

/* ---------------------------------------------------------------- queries */

typedef enum JoinType { JOIN_INNER, JOIN_LEFT, JOIN_RIGHT, JOIN_FULL, JOIN_CROSS } JoinType;

typedef enum TableRefKind { TREF_TABLE, TREF_SUBQUERY, TREF_JOIN } TableRefKind;

typedef struct TableRef {
    TableRefKind kind;
    int line, col;
    /* TREF_TABLE */
    char *db;    /* NULL = current database */
    char *name;
    char **partitions; /* FROM t PARTITION (p1, p2) */
    int npartitions;
    bool temp_partition;
    /* TREF_SUBQUERY */
    Query *subquery;
    /* TREF_TABLE / TREF_SUBQUERY */
    char *alias;
    /* TREF_JOIN: comma joins are JOIN_CROSS with on == NULL */
    JoinType join;
    struct TableRef *left, *right;
    Expr *on;
    char **using_cols;
    int nusing;
    char *rollup; /* TREF_TABLE: read this synchronous MV index of the table (set by src/mv's rollup rewrite) */
} TableRef;

typedef struct SelectItem {
    Expr *expr;  /* EXPR_STAR for * and t.* */
    char *alias; /* AS name, NULL when absent */
} SelectItem;

typedef struct OrderItem {
    Expr *expr; /* may be an EXPR_INT position (ORDER BY 1) */
    bool desc;
    int nulls; /* 0 default (NULLS FIRST for ASC, LAST for DESC, as StarRocks), 1 NULLS FIRST, 2 NULLS LAST */
} OrderItem;

typedef struct SelectCore {
    bool distinct;
    SelectItem *items;
    int nitems;
    TableRef *from; /* NULL: SELECT without FROM */
    Expr *where;
    Expr **group_by; /* may hold EXPR_INT positions */
    int ngroup;
    Expr *having;
} SelectCore;

typedef enum SetOpKind { SETOP_UNION, SETOP_INTERSECT, SETOP_EXCEPT } SetOpKind;
typedef enum QueryBodyKind { QB_SELECT, QB_SETOP, QB_QUERY } QueryBodyKind;

typedef struct QueryBody {
    QueryBodyKind kind;
    SelectCore *select; /* QB_SELECT */
    SetOpKind setop;    /* QB_SETOP */
    bool all;           /* UNION ALL */
    struct QueryBody *left, *right;
    Query *query; /* QB_QUERY: a parenthesised query with its own ORDER BY / LIMIT */
} QueryBody;

typedef struct Cte {
    char *name;
    char **cols; /* optional column list */
    int ncols;
    Query *query;
} Cte;

struct Query {
    Cte *ctes;
    int nctes;
    QueryBody *body;
    OrderItem *order_by;
    int norder;
    int64_t limit;  /* -1 = none */
    int64_t offset; /* 0 = none */
    char *src;      /* original SQL text of the whole query (views and MVs store it) */
};

/* ---------------------------------------------------------------- DDL pieces */

typedef enum DefaultKind { DEFAULT_NONE, DEFAULT_VALUE, DEFAULT_NULL, DEFAULT_CURRENT_TIMESTAMP } DefaultKind;

typedef struct ColumnDef {
    int line, col;
    char *name;
    DataType type;
    int null_spec;       /* 0 unspecified, 1 NULL, 2 NOT NULL */
    AggType agg;         /* AGGREGATE KEY value column function; AGG_NONE if none written */
    DefaultKind default_kind;
    char *default_value; /* DEFAULT_VALUE: literal text, unquoted */
    bool auto_increment;
    char *comment;
} ColumnDef;

typedef struct IndexDef { /* INDEX idx (c1) USING BITMAP COMMENT '' — stored and shown, not used */
    char *name;
    char **cols;
    int ncols;
    char *using_type;
    char *comment;
} IndexDef;

typedef struct PartTuple {
    char **values; /* literal texts, unquoted; one per partition column */
    int n;
    bool maxvalue; /* VALUES LESS THAN (MAXVALUE) or MAXVALUE in the tuple */
} PartTuple;

typedef enum PartDefKind {
    PDEF_LESS_THAN, /* PARTITION p VALUES LESS THAN (upper) */
    PDEF_FIXED,     /* PARTITION p VALUES [(lower), (upper)) */
    PDEF_BATCH,     /* START (start) END (end) EVERY (INTERVAL n unit) | EVERY (n) */
    PDEF_LIST       /* PARTITION p VALUES IN (v1, v2) or ((a, b), (c, d)) */
} PartDefKind;

typedef struct PartitionDef {
    PartDefKind kind;
    int line, col;
    char *name; /* NULL for PDEF_BATCH */
    bool if_not_exists;
    PartTuple lower;  /* PDEF_FIXED lower, PDEF_BATCH start */
    PartTuple upper;  /* PDEF_LESS_THAN / PDEF_FIXED upper, PDEF_BATCH end */
    int64_t every_n;  /* PDEF_BATCH */
    char *every_unit; /* PDEF_BATCH: DAY, WEEK, MONTH, YEAR, HOUR; NULL for numeric EVERY (n) */
    PartTuple *values; /* PDEF_LIST: one tuple per listed value */
    int nvalues;
    PropList props;
} PartitionDef;

typedef struct PartitionDesc {
    PartType type; /* PART_RANGE, PART_LIST, or PART_EXPR (PARTITION BY date_trunc('day', c) / PARTITION BY c) */
    char **cols;
    int ncols;
    Expr *expr; /* PART_EXPR */
    PartitionDef *defs;
    int ndefs;
} PartitionDesc;

typedef struct DistributionDesc {
    DistType type;
    char **cols; /* HASH columns */
    int ncols;
    int buckets; /* 0 = not given */
} DistributionDesc;

typedef struct UserIdent {
    char *user;
    char *host; /* "%" when not given */
} UserIdent;

/* ---------------------------------------------------------------- statements */

typedef enum StmtKind {
    STMT_SELECT,
    STMT_EXPLAIN,
    STMT_INSERT,
    STMT_DELETE,
    STMT_UPDATE,
    STMT_USE,
    STMT_SET,
    STMT_SET_PASSWORD,
    STMT_KILL,
    STMT_BEGIN,
    STMT_COMMIT,
    STMT_ROLLBACK,
    /* SHOW family: all use Stmt.u.show */
    STMT_SHOW_DATABASES,
    STMT_SHOW_TABLES,        /* full: SHOW FULL TABLES */
    STMT_SHOW_TABLE_STATUS,
    STMT_SHOW_COLUMNS,       /* SHOW [FULL] COLUMNS FROM t, DESC[RIBE] t [ALL] */
    STMT_SHOW_CREATE_TABLE,  /* also SHOW CREATE VIEW / SHOW CREATE MATERIALIZED VIEW: what = "VIEW"/"MATERIALIZED VIEW" */
    STMT_SHOW_CREATE_DATABASE,
    STMT_SHOW_PARTITIONS,    /* SHOW [TEMPORARY] PARTITIONS FROM t [WHERE] [ORDER BY] [LIMIT] */
    STMT_SHOW_DATA,          /* SHOW DATA [FROM [db.]t] */
    STMT_SHOW_VARIABLES,     /* scope; like / where */
    STMT_SHOW_STATUS,
    STMT_SHOW_GRANTS,        /* user (NULL = current) ; SHOW ALL GRANTS: all = true */
    STMT_SHOW_ROLES,
    STMT_SHOW_USERS,
    STMT_SHOW_PROCESSLIST,   /* full */
    STMT_SHOW_WARNINGS,
    STMT_SHOW_ERRORS,
    STMT_SHOW_ENGINES,
    STMT_SHOW_CHARSET,
    STMT_SHOW_COLLATION,
    STMT_SHOW_INDEX,
    STMT_SHOW_FRONTENDS,
    STMT_SHOW_BACKENDS,
    STMT_SHOW_PROC,          /* SHOW PROC '/path': table = path */
    STMT_SHOW_REPOSITORIES,
    STMT_SHOW_SNAPSHOT,      /* repo; where holds the raw WHERE (validated by the handler) */
    STMT_SHOW_BACKUP,        /* db (FROM|IN), where ignored */
    STMT_SHOW_RESTORE,
    STMT_SHOW_MATERIALIZED_VIEWS,
    STMT_SHOW_ALTER,         /* SHOW ALTER {TABLE COLUMN|TABLE ROLLUP|MATERIALIZED VIEW} [FROM db]: what */
    STMT_SHOW_LOAD,
    /* databases and tables */
    STMT_CREATE_DATABASE,
    STMT_DROP_DATABASE,
    STMT_CREATE_TABLE,
    STMT_DROP_TABLE,
    STMT_TRUNCATE,
    STMT_ALTER_TABLE,
    STMT_CREATE_VIEW,
    STMT_ALTER_VIEW,
    STMT_DROP_VIEW,
    /* users */
    STMT_CREATE_USER,
    STMT_DROP_USER,
    STMT_ALTER_USER,
    STMT_GRANT,
    STMT_REVOKE,
    STMT_CREATE_ROLE,
    STMT_DROP_ROLE,
    /* repositories, backup, restore */
    STMT_CREATE_REPOSITORY,
    STMT_DROP_REPOSITORY,
    STMT_BACKUP,
    STMT_RESTORE,
    STMT_CANCEL_BACKUP,
    STMT_CANCEL_RESTORE,
    STMT_DROP_SNAPSHOT,
    STMT_VERIFY_SNAPSHOT,
    /* materialized views */
    STMT_CREATE_MV,
    STMT_DROP_MV,
    STMT_ALTER_MV,
    STMT_REFRESH_MV,
    STMT_CANCEL_REFRESH_MV,
    /* administration */
    STMT_ADMIN_SET_CONFIG, /* ADMIN SET FRONTEND CONFIG ("k" = "v") */
    STMT_ADMIN_SHOW_CONFIG, /* ADMIN SHOW FRONTEND CONFIG [LIKE] */
    STMT__COUNT
} StmtKind;

typedef struct ShowStmt {
    char *db;     /* FROM|IN db */
    char *table;  /* object of SHOW CREATE / COLUMNS / PARTITIONS / DATA / INDEX; SHOW PROC path */
    char *what;   /* SHOW CREATE {TABLE|VIEW|MATERIALIZED VIEW}; SHOW ALTER {COLUMN|ROLLUP|MATERIALIZED VIEW} */
    char *like;   /* LIKE 'pattern' */
    Expr *where;
    OrderItem *order_by;
    int norder;
    int64_t limit;  /* -1 none */
    int64_t offset;
    bool full;
    bool all;       /* DESC t ALL, SHOW ALL GRANTS */
    bool temporary; /* SHOW TEMPORARY PARTITIONS */
    VarScope scope; /* SHOW GLOBAL|SESSION VARIABLES/STATUS */
    UserIdent *user; /* SHOW GRANTS FOR u */
    char *repo;     /* SHOW SNAPSHOT ON repo */
} ShowStmt;

typedef struct SetVar {
    VarScope scope;
    char *name;   /* variable name; "names" for SET NAMES, "character_set_client" style otherwise */
    Expr *value;  /* NULL for SET NAMES (charset/collate used) */
    char *charset; /* SET NAMES x / SET CHARACTER SET x */
    char *collate;
} SetVar;

typedef struct SetStmt {
    SetVar *vars;
    int n;
} SetStmt;

typedef struct SetPasswordStmt {
    UserIdent *user;      /* NULL = the current user */
    char *password;       /* plain text when !is_hashed */
    bool is_hashed;       /* SET PASSWORD = '*HEX' form (already hashed) */
} SetPasswordStmt;

typedef struct KillStmt {
    bool query_only; /* KILL QUERY id */
    int64_t id;
} KillStmt;

typedef struct UseStmt {
    char *db;
} UseStmt;

typedef struct CreateDatabaseStmt {
    char *db;
    bool if_not_exists;
    PropList props;
} CreateDatabaseStmt;

typedef struct DropDatabaseStmt {
    char *db;
    bool if_exists;
    bool force;
} DropDatabaseStmt;

typedef struct CreateTableStmt {
    char *db; /* NULL = current */
    char *name;
    bool if_not_exists;
    ColumnDef *cols;
    int ncols;
    IndexDef *indexes;
    int nindexes;
    char *engine; /* NULL = OLAP */
    KeysType keys;
    char **key_cols;
    int nkey_cols;
    char *comment;
    PartitionDesc *partition;   /* NULL = unpartitioned */
    DistributionDesc *distribution; /* NULL = not given */
    char **order_by; /* ORDER BY (c1, c2) */
    int norder_by;
    PropList props;
    Query *as_select;  /* CREATE TABLE ... AS SELECT */
    char *like_db;     /* CREATE TABLE t LIKE [db.]t2 */
    char *like_table;
} CreateTableStmt;

typedef struct DropTableStmt { /* DROP TABLE / DROP VIEW */
    char *db;
    char *name;
    bool if_exists;
    bool force;
} DropTableStmt;

typedef struct TruncateStmt {
    char *db;
    char *name;
    char **partitions;
    int npartitions;
} TruncateStmt;

typedef enum AlterOpKind {
    ALTER_ADD_PARTITION,    /* part (a single definition, or a PDEF_BATCH) ; dist optional */
    ALTER_DROP_PARTITION,   /* name; if_exists; force; temporary */
    ALTER_RENAME,           /* ALTER TABLE t RENAME t2: new_name */
    ALTER_RENAME_PARTITION, /* RENAME PARTITION p p2: name, new_name */
    ALTER_SET_PROPERTIES,   /* SET ("k" = "v") : props */
    ALTER_MODIFY_PARTITION_PROPERTIES, /* MODIFY PARTITION p SET (...): name, props */
    ALTER_ADD_COLUMN,       /* column; after (NULL = end); first */
    ALTER_DROP_COLUMN,      /* name */
    ALTER_MODIFY_COLUMN,    /* column */
    ALTER_COMMENT,          /* COMMENT = 'x': new_name holds the comment */
    ALTER_SWAP,             /* SWAP WITH t2: new_name */
    ALTER_ADD_ROLLUP,       /* ADD ROLLUP r (cols): name, cols */
    ALTER_DROP_ROLLUP       /* DROP ROLLUP r: name */
} AlterOpKind;

typedef struct AlterOp {
    AlterOpKind kind;
    PartitionDef *part;
    DistributionDesc *dist;
    char *name;
    char *new_name;
    bool if_exists;
    bool force;
    bool temporary;
    PropList props;
    ColumnDef *column;
    char *after;
    bool first;
    char **cols;
    int ncols;
} AlterOp;

typedef struct AlterTableStmt {
    char *db;
    char *name;
    AlterOp *ops;
    int nops;
} AlterTableStmt;

typedef struct CreateViewStmt { /* CREATE [OR REPLACE] VIEW, ALTER VIEW */
    char *db;
    char *name;
    bool or_replace;
    bool if_not_exists;
    char **cols;          /* optional column names */
    char **col_comments;  /* parallel to cols, entries may be NULL */
    int ncols;
    char *comment;
    Query *query;         /* query->src holds the definition text */
} CreateViewStmt;

typedef struct InsertRow {
    Expr **values;
    int n;
} InsertRow;

typedef struct InsertStmt {
    char *db;
    char *table;
    bool overwrite;
    char *label;       /* WITH LABEL l */
    char **cols;       /* optional column list */
    int ncols;
    char **partitions; /* PARTITION (p1, p2) */
    int npartitions;
    bool temp_partition;
    InsertRow *rows;   /* VALUES rows, or NULL */
    int nrows;
    Query *query;      /* INSERT ... SELECT, or NULL */
    PropList props;
} InsertStmt;

typedef struct Assignment {
    char *col;
    Expr *value;
} Assignment;

typedef struct DeleteStmt {
    char *db;
    char *table;
    char **partitions;
    int npartitions;
    Expr *where;
} DeleteStmt;

typedef struct UpdateStmt {
    char *db;
    char *table;
    Assignment *sets;
    int nsets;
    TableRef *from; /* UPDATE t SET ... FROM t2 WHERE ... */
    Expr *where;
} UpdateStmt;

typedef struct SelectStmt {
    Query *query;
} SelectStmt;

typedef enum ExplainLevel { EXPLAIN_NORMAL, EXPLAIN_LOGICAL, EXPLAIN_VERBOSE, EXPLAIN_COSTS, EXPLAIN_ANALYZE } ExplainLevel;

typedef struct ExplainStmt {
    ExplainLevel level;
    Stmt *inner; /* STMT_SELECT or STMT_INSERT */
} ExplainStmt;

typedef struct CreateUserStmt { /* CREATE USER / ALTER USER */
    UserIdent user;
    bool if_not_exists;
    bool if_exists;
    char *password;      /* NULL = no password clause */
    bool password_is_hash; /* IDENTIFIED BY PASSWORD '*HEX' */
    char *auth_plugin;   /* IDENTIFIED WITH plugin [BY|AS ...] */
    char **default_roles; /* DEFAULT ROLE r1, r2 */
    int ndefault_roles;
} CreateUserStmt;

typedef struct DropUserStmt {
    UserIdent user;
    bool if_exists;
} DropUserStmt;

typedef enum GrantObjType {
    GOBJ_GLOBAL,   /* *.*, ALL TABLES IN ALL DATABASES, ALL DATABASES */
    GOBJ_DATABASE, /* db.*, DATABASE d, ALL TABLES IN DATABASE d */
    GOBJ_TABLE,    /* db.tbl, TABLE [db.]t, VIEW v, MATERIALIZED VIEW m */
    GOBJ_SYSTEM    /* ON SYSTEM (ADMIN, REPOSITORY, NODE, ...) */
} GrantObjType;

typedef struct GrantStmt { /* GRANT and REVOKE */
    bool role_grant;       /* GRANT r1, r2 TO USER u / TO ROLE r */
    char **roles;
    int nroles;
    char **privs;          /* privilege names upper-case: SELECT, INSERT, ALTER, CREATE, DROP, ALL, ADMIN, ... */
    int nprivs;
    GrantObjType obj_type;
    char *db;              /* NULL = current for TABLE t */
    char *table;
    char *obj_kind;        /* "TABLE", "VIEW", "MATERIALIZED VIEW", "DATABASE" when written; NULL for the db.tbl form */
    UserIdent *to_user;    /* TO [USER] u, FROM [USER] u */
    char *to_role;         /* TO ROLE r */
    bool with_grant_option;
} GrantStmt;

typedef struct RoleStmt { /* CREATE ROLE / DROP ROLE */
    char *name;
    bool if_not_exists;
    bool if_exists;
} RoleStmt;

typedef struct CreateRepositoryStmt {
    char *name;
    bool read_only;
    bool if_not_exists;
    bool with_broker;
    char *broker_name; /* NULL when WITH BROKER has no name or is absent */
    char *location;
    PropList props;    /* credentials live here: never print them */
} CreateRepositoryStmt;

typedef struct DropRepositoryStmt {
    char *name;
    bool if_exists;
} DropRepositoryStmt;

typedef enum BackupObjKind {
    BOBJ_TABLE,        /* bare table ref (legacy) or TABLE t */
    BOBJ_MV,
    BOBJ_VIEW,
    BOBJ_FUNCTION,
    BOBJ_ALL_TABLES,
    BOBJ_ALL_MVS,
    BOBJ_ALL_VIEWS,
    BOBJ_ALL_FUNCTIONS
} BackupObjKind;

typedef struct BackupObj {
    BackupObjKind kind;
    int line, col;
    char *db;          /* when the user wrote db.t (RESTORE rejects it) */
    char *name;
    char **partitions;
    int npartitions;
    bool temp_partition;
    char *alias;       /* AS alias (RESTORE; BACKUP rejects it) */
} BackupObj;

typedef struct BackupStmt {
    char *db;          /* DATABASE d or the d. prefix of the label; NULL = current */
    bool database_form; /* BACKUP DATABASE d SNAPSHOT ... */
    bool label_has_db;  /* the label was written db.label */
    char *label;
    char *repo;
    BackupObj *objs;
    int nobjs;
    PropList props;
} BackupStmt;

typedef struct RestoreStmt {
    char *db;          /* the d. prefix of the label */
    char *label;
    char *repo;
    char *src_db;      /* DATABASE x */
    char *target_db;   /* AS y */
    BackupObj *objs;
    int nobjs;
    PropList props;
    bool has_props;
} RestoreStmt;

typedef struct CancelJobStmt {
    char *db; /* NULL when FROM was omitted */
} CancelJobStmt;

typedef struct SnapshotStmt { /* DROP SNAPSHOT / VERIFY SNAPSHOT */
    char *repo;
    char *label;
    char *timestamp; /* AT TIMESTAMP "ts", NULL = all timestamps of the label */
    bool force;
} SnapshotStmt;

typedef enum RefreshKind { REFRESH_NONE = 0, REFRESH_ASYNC, REFRESH_MANUAL, REFRESH_INCREMENTAL } RefreshKind;

typedef struct RefreshDesc {
    RefreshKind kind;
    bool deferred;    /* REFRESH DEFERRED | IMMEDIATE */
    char *start;      /* START ("2024-01-01 00:00:00") */
    int64_t every_n;  /* EVERY (INTERVAL n unit); 0 = none */
    char *every_unit; /* SECOND, MINUTE, HOUR, DAY, WEEK, MONTH */
} RefreshDesc;

typedef struct CreateMvStmt {
    char *db;
    char *name;
    bool if_not_exists;
    char *comment;
    Expr *partition_expr;          /* PARTITION BY col | date_trunc('day', col) */
    DistributionDesc *distribution;
    RefreshDesc refresh;           /* kind REFRESH_NONE and no partition/distribution: synchronous MV */
    char **order_by;
    int norder_by;
    PropList props;
    Query *query;                  /* query->src holds the definition text */
} CreateMvStmt;

typedef struct DropMvStmt {
    char *db;
    char *name;
    bool if_exists;
    char *on_table; /* DROP MATERIALIZED VIEW mv ON t (synchronous MV) */
} DropMvStmt;

typedef enum AlterMvKind { ALTER_MV_ACTIVE, ALTER_MV_INACTIVE, ALTER_MV_RENAME, ALTER_MV_REFRESH, ALTER_MV_SET_PROPERTIES } AlterMvKind;

typedef struct AlterMvStmt {
    char *db;
    char *name;
    AlterMvKind kind;
    char *new_name;
    RefreshDesc refresh;
    PropList props;
} AlterMvStmt;

typedef struct RefreshMvStmt { /* REFRESH MATERIALIZED VIEW / CANCEL REFRESH MATERIALIZED VIEW */
    char *db;
    char *name;
    bool sync_mode; /* WITH SYNC MODE */
    bool force;
} RefreshMvStmt;

typedef struct AdminConfigStmt {
    PropList props; /* ADMIN SET FRONTEND CONFIG ("k" = "v") */
    char *like;     /* ADMIN SHOW FRONTEND CONFIG LIKE '...' */
} AdminConfigStmt;

struct Stmt {
    StmtKind kind;
    int line, col;
    char *src; /* the statement's SQL text (for logs and SHOW PROCESSLIST; may contain secrets: see redact) */
    union {
        SelectStmt select;
        ExplainStmt explain;
        InsertStmt insert;
        DeleteStmt del;
        UpdateStmt update;
        UseStmt use;
        SetStmt set;
        SetPasswordStmt set_password;
        KillStmt kill;
        ShowStmt show;
        CreateDatabaseStmt create_db;
        DropDatabaseStmt drop_db;
        CreateTableStmt create_table;
        DropTableStmt drop_table; /* DROP TABLE and DROP VIEW */
        TruncateStmt truncate;
        AlterTableStmt alter_table;
        CreateViewStmt create_view; /* CREATE VIEW and ALTER VIEW */
        CreateUserStmt create_user; /* CREATE USER and ALTER USER */
        DropUserStmt drop_user;
        GrantStmt grant; /* GRANT and REVOKE */
        RoleStmt role;
        CreateRepositoryStmt create_repo;
        DropRepositoryStmt drop_repo;
        BackupStmt backup;
        RestoreStmt restore;
        CancelJobStmt cancel_job;
        SnapshotStmt snapshot; /* DROP SNAPSHOT, VERIFY SNAPSHOT */
        CreateMvStmt create_mv;
        DropMvStmt drop_mv;
        AlterMvStmt alter_mv;
        RefreshMvStmt refresh_mv; /* REFRESH and CANCEL REFRESH */
        AdminConfigStmt admin_config;
    } u;
};

const char *stmt_kind_name(StmtKind kind); /* "CREATE TABLE", "SHOW PARTITIONS", ... for messages */
/* Looks up a property (case-insensitive key); NULL if absent. */
const char *proplist_get(const PropList *props, const char *key);

#endif
