/* Users, roles and grants in snapshots (beyond StarRocks, which backs up none of them).
 * BACKUP ... PROPERTIES ("include_users" = "true") stores every user and role that is not built in, with its
 * password hash, role memberships and grants, as one more data object of the snapshot (compressed and encrypted
 * like the data files, so password hashes are never readable in a manifest). RESTORE ... PROPERTIES
 * ("restore_users" = "true") creates the users and roles that do not exist yet and gives them their grants;
 * accounts that already exist are never changed. */
#include "backup/access_backup.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backup/br_files.h"
#include "catalog/users.h"
#include "server/config.h"
#include "util/clock.h"
#include "util/hash.h"
#include "util/log.h"

static json_t *privs_to_json(PrivSet privs) {
    json_t *a = json_array();
    for (int bit = 0; bit < 32; bit++)
        if (privs & (1u << bit)) json_array_append_new(a, json_string(priv_name((Priv)(1u << bit))));
    return a;
}

static json_t *grantee_to_json(const Grantee *g) {
    json_t *o = json_object();
    json_object_set_new(o, "name", json_string(g->name));
    if (g->host) {
        json_object_set_new(o, "host", json_string(g->host));
        json_object_set_new(o, "password", json_string(g->password));
    }
    json_t *roles = json_array();
    for (size_t i = 0; i < g->roles.len; i++) json_array_append_new(roles, json_string(g->roles.items[i]));
    json_object_set_new(o, "roles", roles);
    json_t *grants = json_array();
    for (size_t i = 0; i < g->grants.len; i++) {
        const PrivGrant *p = &g->grants.items[i];
        json_t *go = json_pack("{s:i, s:o}", "scope", (int)p->scope, "privileges", privs_to_json(p->privs));
        if (p->db) json_object_set_new(go, "db", json_string(p->db));
        if (p->table) json_object_set_new(go, "table", json_string(p->table));
        json_array_append_new(grants, go);
    }
    json_object_set_new(o, "grants", grants);
    return o;
}

json_t *access_export(void) {
    json_t *users = json_array(), *roles = json_array();
    const UserDb *db = users_acquire();
    for (size_t i = 0; i < db->roles.len; i++)
        if (!db->roles.items[i].builtin) json_array_append_new(roles, grantee_to_json(&db->roles.items[i]));
    for (size_t i = 0; i < db->users.len; i++)
        if (!db->users.items[i].builtin) json_array_append_new(users, grantee_to_json(&db->users.items[i]));
    users_release();
    return json_pack("{s:s, s:i, s:o, s:o}", "format", "cairn-access", "version", 1, "roles", roles, "users", users);
}

typedef struct Import {
    const json_t *doc;
    int users, roles;
} Import;

static Status grant_all(UserDb *db, GranteeRef to, const json_t *g, Error *err) {
    size_t i;
    json_t *r;
    json_array_foreach(json_object_get(g, "roles"), i, r) {
        const char *role = json_string_value(r);
        if (role && userdb_find_role(db, role) && userdb_grant_role(db, role, to, err)) return STATUS_ERROR;
    }
    json_t *gr;
    json_array_foreach(json_object_get(g, "grants"), i, gr) {
        PrivSet privs = 0;
        size_t k;
        json_t *p;
        json_array_foreach(json_object_get(gr, "privileges"), k, p) {
            PrivSet one;
            if (json_string_value(p) && !priv_parse_name(json_string_value(p), &one, err)) privs |= one;
        }
        /* an ALL widened to object privileges may hold bits a scope refuses: keep what the scope allows */
        GrantScope scope = (GrantScope)json_integer_value(json_object_get(gr, "scope"));
        if (scope != GRANT_SCOPE_GLOBAL) privs &= PRIV_OBJECT_ALL;
        if (!privs) continue;
        if (userdb_grant(db, to, scope, json_string_value(json_object_get(gr, "db")),
                         json_string_value(json_object_get(gr, "table")), privs, err))
            return STATUS_ERROR;
    }
    return STATUS_OK;
}

static Status apply(UserDb *db, void *vctx, Error *err) {
    Import *im = vctx;
    size_t i;
    json_t *g;
    /* roles first: users are granted them */
    json_array_foreach(json_object_get(im->doc, "roles"), i, g) {
        const char *name = json_string_value(json_object_get(g, "name"));
        if (!name || userdb_find_role(db, name)) continue;
        if (userdb_create_role(db, name, false, err)) return STATUS_ERROR;
        im->roles++;
    }
    json_array_foreach(json_object_get(im->doc, "roles"), i, g) {
        const char *name = json_string_value(json_object_get(g, "name"));
        if (name && grant_all(db, (GranteeRef){name, NULL}, g, err)) return err_prefix(err, "role %s: ", name);
    }
    json_array_foreach(json_object_get(im->doc, "users"), i, g) {
        const char *name = json_string_value(json_object_get(g, "name"));
        const char *host = json_string_value(json_object_get(g, "host"));
        const char *pw = json_string_value(json_object_get(g, "password"));
        if (!name || !host || userdb_find_user(db, name, host)) continue; /* existing accounts stay as they are */
        if (userdb_create_user(db, name, host, pw ? pw : "", false, err)) return err_prefix(err, "user %s: ", name);
        if (grant_all(db, (GranteeRef){name, host}, g, err)) return err_prefix(err, "user %s: ", name);
        im->users++;
    }
    return STATUS_OK;
}

Status access_import(const json_t *doc, int *users, int *roles, Error *err) {
    const char *format = json_string_value(json_object_get(doc, "format"));
    if (!format || strcmp(format, "cairn-access") != 0)
        return err_set(err, ERR_CORRUPT, "the snapshot's users object is not a cairn access document");
    Import im = {doc, 0, 0};
    if (users_mutate(apply, &im, err)) return STATUS_ERROR;
    *users = im.users;
    *roles = im.roles;
    log_info("restore: %d users and %d roles created from the snapshot", im.users, im.roles);
    return STATUS_OK;
}

/* ---------------------------------------------------------------- the snapshot object */


static void temp_path(const BrJob *j, const char *what, char *out, size_t n) {
    snprintf(out, n, "%s/tmp", config_get("data_dir"));
    mkdir(out, 0755);
    snprintf(out, n, "%s/tmp/%s-%lld-%lld.json", config_get("data_dir"), what, (long long)j->id,
             (long long)clock_now_us());
}

Status access_backup_save(BrJob *j, Repo *r, json_t **entry, Error *err) {
    Fs *fs;
    if (repo_fs(r, &fs, err)) return STATUS_ERROR;
    json_t *doc = access_export();
    char *text = json_dumps(doc, JSON_COMPACT | JSON_SORT_KEYS);
    size_t nusers = json_array_size(json_object_get(doc, "users")), nroles = json_array_size(json_object_get(doc, "roles"));
    json_decref(doc);
    uint8_t d[32];
    char sha[65];
    hash_sha256(text, strlen(text), d);
    hash_hex(d, 32, sha);
    char path[4200];
    temp_path(j, "access", path, sizeof path);
    FILE *f = fopen(path, "w");
    Status st = STATUS_OK;
    if (!f || fwrite(text, 1, strlen(text), f) != strlen(text) || fclose(f) != 0)
        st = err_set(err, ERR_IO, "cannot write %s", path);
    const char *codec = json_string_value(json_object_get(j->spec, "compression"));
    StrBuf rel = STRBUF_INIT, obj = STRBUF_INIT;
    br_object_name(sha, codec, j->has_key ? j->key : NULL, &rel);
    repo_path(r, &obj, "%s", sb_str(&rel));
    FsXferResult res;
    if (!st) {
        FsXferOptions o = {.zstd_level = codec && !strcmp(codec, "zstd") ? 3 : 0, .key = j->has_key ? j->key : NULL};
        st = fs_upload_file(fs, path, sb_str(&obj), &o, &res, err);
    }
    if (!st)
        *entry = json_pack("{s:s, s:s, s:I, s:I, s:I, s:I}", "object", sb_str(&rel), "sha256", sha, "size",
                           (json_int_t)strlen(text), "stored_size", (json_int_t)res.stored_size, "users",
                           (json_int_t)nusers, "roles", (json_int_t)nroles);
    unlink(path);
    free(text);
    sb_free(&rel);
    sb_free(&obj);
    return st;
}

Status access_backup_restore(BrJob *j, Repo *r, const json_t *entry, Error *err) {
    Fs *fs;
    if (repo_fs(r, &fs, err)) return STATUS_ERROR;
    const char *codec = json_string_value(json_object_get(j->work, "compression"));
    StrBuf obj = STRBUF_INIT;
    repo_path(r, &obj, "%s", json_string_value(json_object_get(entry, "object")));
    char path[4200];
    temp_path(j, "access", path, sizeof path);
    FsXferOptions o = {.zstd_level = codec && !strcmp(codec, "zstd") ? 3 : 0, .key = j->has_key ? j->key : NULL};
    FsXferResult res;
    Status st = fs_download_file(fs, sb_str(&obj), path, &o, json_string_value(json_object_get(entry, "sha256")), &res,
                                 err);
    json_t *doc = NULL;
    if (!st) {
        json_error_t je;
        doc = json_load_file(path, 0, &je);
        if (!doc) st = err_set(err, ERR_CORRUPT, "the snapshot's users object is not valid JSON: %s", je.text);
    }
    int users = 0, roles = 0;
    if (!st) st = access_import(doc, &users, &roles, err);
    json_decref(doc);
    unlink(path);
    sb_free(&obj);
    return st;
}
