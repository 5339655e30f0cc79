/* Backup and restore statements: CREATE/DROP REPOSITORY, BACKUP and RESTORE (the legacy form and
 * the v3.4 form with DATABASE and typed ON objects), CANCEL BACKUP|RESTORE, and cairn's snapshot
 * statements DROP SNAPSHOT (both forms) and VERIFY SNAPSHOT. Semantic checks (label rules, DATABASE
 * together with a db-qualified label, aliases in BACKUP) are the handlers'; the AST keeps what was
 * written. */
#include <string.h>

#include "sql/parser_int.h"

/* A snapshot label: a name (backquotes removed, kept verbatim otherwise) or a string. */
static char *label(Parser *p) {
    const Token *t = p_peek(p);
    if (t->type == TK_IDENT || t->type == TK_QIDENT || t->type == TK_STRING) {
        if (t->type == TK_IDENT && sql_kw_reserved(t->kw)) {
            p_error(p);
            return NULL;
        }
        return p_next(p)->text;
    }
    p_error(p);
    return NULL;
}

bool p_create_repository(Parser *p, Stmt *s, bool read_only) {
    s->kind = STMT_CREATE_REPOSITORY;
    CreateRepositoryStmt *r = &s->u.create_repo;
    r->read_only = read_only;
    if (p_is_kw(p, KW_IF) && p_is_kw_at(p, 1, KW_NOT) && p_is_kw_at(p, 2, KW_EXISTS)) {
        p->pos += 3;
        r->if_not_exists = true;
    }
    if (!(r->name = p_ident(p))) return false;
    if (p_accept_kw(p, KW_WITH)) {
        if (!p_expect_kw(p, KW_BROKER)) return false;
        r->with_broker = true;
        if (!p_is_kw(p, KW_ON) && !(r->broker_name = p_ident(p))) return false;
    }
    if (!p_expect_kw(p, KW_ON) || !p_expect_kw(p, KW_LOCATION)) return false;
    if (!(r->location = p_string(p))) return false;
    return p_opt_properties(p, &r->props);
}

bool p_drop_repository(Parser *p, Stmt *s) {
    s->kind = STMT_DROP_REPOSITORY;
    s->u.drop_repo.if_exists = p_accept_kws(p, KW_IF, KW_EXISTS);
    return (s->u.drop_repo.name = p_ident(p)) != NULL;
}

/* A word that names an object kind only when a name follows (a table may be called `view`). */
static bool kind_word(const Parser *p, KwId a, KwId b) {
    return (p_is_kw(p, a) || (b != KW_NONE && p_is_kw(p, b))) &&
           (p_is_ident_at(p, 1) || p_is_at(p, 1, TK_QIDENT));
}

static bool backup_obj(Parser *p, BackupObj *o) {
    const Token *t = p_peek(p);
    memset(o, 0, sizeof *o);
    o->line = t->line;
    o->col = t->col;
    if (p_accept_kw(p, KW_ALL)) {
        if (p_accept_kw(p, KW_TABLE) || p_accept_kw(p, KW_TABLES))
            o->kind = BOBJ_ALL_TABLES;
        else if (p_accept_kw(p, KW_MATERIALIZED)) {
            if (!p_accept_kw(p, KW_VIEW) && !p_expect_kw(p, KW_VIEWS)) return false;
            o->kind = BOBJ_ALL_MVS;
        } else if (p_accept_kw(p, KW_VIEW) || p_accept_kw(p, KW_VIEWS))
            o->kind = BOBJ_ALL_VIEWS;
        else if (p_accept_kw(p, KW_FUNCTION) || p_accept_kw(p, KW_FUNCTIONS))
            o->kind = BOBJ_ALL_FUNCTIONS;
        else
            return p_error(p);
        return true;
    }
    o->kind = BOBJ_TABLE;
    if (p_is_kw(p, KW_MATERIALIZED) && (p_is_kw_at(p, 1, KW_VIEW) || p_is_kw_at(p, 1, KW_VIEWS))) {
        p->pos += 2;
        o->kind = BOBJ_MV;
    } else if (kind_word(p, KW_TABLE, KW_TABLES)) {
        p_next(p);
    } else if (kind_word(p, KW_VIEW, KW_VIEWS)) {
        p_next(p);
        o->kind = BOBJ_VIEW;
    } else if (p_is_kw(p, KW_FUNCTION) || kind_word(p, KW_FUNCTIONS, KW_NONE)) {
        p_next(p);
        o->kind = BOBJ_FUNCTION;
    }
    if (!p_qualified_name(p, &o->db, &o->name)) return false;
    if ((p_is_kw(p, KW_PARTITION) || p_is_kw(p, KW_PARTITIONS) ||
         (p_is_kw(p, KW_TEMPORARY) && p_is_kw_at(p, 1, KW_PARTITION))) &&
        !p_partition_names(p, &o->partitions, &o->npartitions, &o->temp_partition))
        return false;
    if (p_accept_kw(p, KW_AS) && !(o->alias = p_ident(p))) return false;
    return true;
}

/* ON ( object [, object ...] ) */
static bool backup_objs(Parser *p, BackupObj **out, int *n) {
    int cap = 0;
    if (!p_expect(p, TK_LPAREN)) return false;
    do {
        BackupObj o;
        if (!backup_obj(p, &o)) return false;
        P_PUSH(p, *out, *n, cap, o);
    } while (p_accept(p, TK_COMMA));
    return p_expect(p, TK_RPAREN);
}

/* [db.]label */
static bool snapshot_name(Parser *p, char **db, char **lab, bool *has_db) {
    char *first = label(p);
    if (!first) return false;
    if (p_accept(p, TK_DOT)) {
        *db = first;
        *has_db = true;
        return (*lab = label(p)) != NULL;
    }
    *lab = first;
    return true;
}

static bool no_external_catalogs(Parser *p) {
    if (p_is_kw(p, KW_EXTERNAL) || (p_is_kw(p, KW_ALL) && p_is_kw_at(p, 1, KW_EXTERNAL)))
        return p_fail(p, ERR_NOT_SUPPORTED,
                      "Backup and restore of external catalogs is not supported: cairn has only "
                      "default_catalog");
    return true;
}

bool p_stmt_backup(Parser *p, Stmt *s) {
    s->kind = STMT_BACKUP;
    BackupStmt *b = &s->u.backup;
    if (!no_external_catalogs(p)) return false;
    if (p_accept_kw(p, KW_DATABASE)) {
        b->database_form = true;
        if (!(b->db = p_ident(p))) return false;
    }
    if (!p_expect_kw(p, KW_SNAPSHOT)) return false;
    char *label_db = NULL;
    if (!snapshot_name(p, &label_db, &b->label, &b->label_has_db)) return false;
    if (!b->database_form) b->db = label_db;
    if (!p_expect_kw(p, KW_TO) || !(b->repo = p_ident(p))) return false;
    if (p_accept_kw(p, KW_ON) && !backup_objs(p, &b->objs, &b->nobjs)) return false;
    return p_opt_properties(p, &b->props);
}

bool p_stmt_restore(Parser *p, Stmt *s) {
    s->kind = STMT_RESTORE;
    RestoreStmt *r = &s->u.restore;
    bool has_db = false;
    if (!p_expect_kw(p, KW_SNAPSHOT)) return false;
    if (!snapshot_name(p, &r->db, &r->label, &has_db)) return false;
    if (!p_expect_kw(p, KW_FROM) || !(r->repo = p_ident(p))) return false;
    if (!no_external_catalogs(p)) return false;
    if (p_accept_kw(p, KW_DATABASE)) {
        if (!(r->src_db = p_ident(p))) return false;
        if (p_accept_kw(p, KW_AS) && !(r->target_db = p_ident(p))) return false;
    }
    if (p_accept_kw(p, KW_ON) && !backup_objs(p, &r->objs, &r->nobjs)) return false;
    if (p_accept_kw(p, KW_PROPERTIES)) {
        r->has_props = true;
        return p_props(p, &r->props);
    }
    return true;
}

bool p_stmt_cancel(Parser *p, Stmt *s) {
    if (p_accept_kw(p, KW_REFRESH)) {
        s->kind = STMT_CANCEL_REFRESH_MV;
        if (!p_expect_kw(p, KW_MATERIALIZED) || !p_expect_kw(p, KW_VIEW)) return false;
        return p_qualified_name(p, &s->u.refresh_mv.db, &s->u.refresh_mv.name);
    }
    if (p_accept_kw(p, KW_BACKUP))
        s->kind = STMT_CANCEL_BACKUP;
    else if (p_expect_kw(p, KW_RESTORE))
        s->kind = STMT_CANCEL_RESTORE;
    else
        return false;
    if (p_accept_kw(p, KW_FROM) || p_accept_kw(p, KW_IN))
        return (s->u.cancel_job.db = p_ident(p)) != NULL;
    if (p_is_kw(p, KW_FOR) && p_is_kw_at(p, 1, KW_EXTERNAL))
        return p_fail(p, ERR_NOT_SUPPORTED,
                      "cairn has no external catalogs: write CANCEL %s FROM <db>",
                      s->kind == STMT_CANCEL_BACKUP ? "BACKUP" : "RESTORE");
    return true;
}

/* [AT TIMESTAMP "ts"] */
static bool at_timestamp(Parser *p, SnapshotStmt *sn) {
    if (!p_accept_kw(p, KW_AT)) return true;
    if (!p_expect_kw(p, KW_TIMESTAMP)) return false;
    return (sn->timestamp = p_string(p)) != NULL;
}

bool p_drop_snapshot(Parser *p, Stmt *s) {
    s->kind = STMT_DROP_SNAPSHOT;
    SnapshotStmt *sn = &s->u.snapshot;
    if (!(sn->label = label(p))) return false;
    if (p_accept_kw(p, KW_ON)) { /* StarRocks 4.2: DROP SNAPSHOT l ON repo [FORCE] */
        if (!(sn->repo = p_ident(p))) return false;
        sn->force = p_accept_kw(p, KW_FORCE);
        return true;
    }
    if (!at_timestamp(p, sn)) return false;
    if (!p_expect_kw(p, KW_FROM) || !(sn->repo = p_ident(p))) return false;
    sn->force = p_accept_kw(p, KW_FORCE);
    return true;
}

bool p_stmt_verify(Parser *p, Stmt *s) {
    s->kind = STMT_VERIFY_SNAPSHOT;
    SnapshotStmt *sn = &s->u.snapshot;
    if (!p_expect_kw(p, KW_SNAPSHOT)) return false;
    if (!(sn->label = label(p))) return false;
    if (!at_timestamp(p, sn)) return false;
    return p_expect_kw(p, KW_FROM) && (sn->repo = p_ident(p)) != NULL;
}
