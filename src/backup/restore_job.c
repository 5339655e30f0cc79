/* The RESTORE state machine:
 *   PENDING -> SNAPSHOTING -> DOWNLOAD -> DOWNLOADING -> COMMIT -> COMMITTING -> FINISHED, or CANCELLED.
 *
 * Nothing existing is touched before COMMITTING. PENDING checks every object against what exists (schema,
 * partition ranges) and builds the new data's home beside the old: hidden tables for tables that do not
 * exist, hidden partitions (with fresh tablets) for partitions that are overwritten or added, existing tables
 * marked RESTORE (refusing loads, DDL and queries). DOWNLOADING fills the hidden tablets with verified files.
 * COMMITTING switches every restored partition and table in ONE metadata transaction
 * (catalog_restore_commit). A failure or CANCEL before that drops the hidden objects and their files
 * (catalog_restore_abort): existing tables stay exactly as they were.
 *
 * Restart: PENDING redoes the plan (after aborting any hidden objects of the lost attempt); SNAPSHOTING,
 * DOWNLOAD and DOWNLOADING continue with the files not yet marked done (the hidden rowsets are registered at
 * SNAPSHOTING, before any file lands, so recovery's orphan sweep keeps their files); COMMITTING re-runs the switch
 * (a committed switch leaves nothing hidden, so it is idempotent). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "backup/access_backup.h"
#include "backup/br_files.h"
#include "backup/job.h"
#include "backup/manifest.h"
#include "backup/repo.h"
#include "catalog/catalog.h"
#include "catalog/meta_store.h"
#include "mv/mv.h"
#include "http/metrics.h"
#include "server/config.h"
#include "util/clock.h"
#include "util/log.h"
#include "util/str.h"

/* ---------------------------------------------------------------- schema comparison */

static const char *jstr(const json_t *o, const char *k) {
    const char *s = json_string_value(json_object_get(o, k));
    return s ? s : "";
}

static void type_text(const json_t *t, StrBuf *out) {
    sb_append(out, jstr(t, "id"));
    if (json_object_get(t, "precision"))
        sb_appendf(out, "(%lld,%lld)", (long long)json_integer_value(json_object_get(t, "precision")),
                   (long long)json_integer_value(json_object_get(t, "scale")));
    else if (json_object_get(t, "len") && strcmp(jstr(t, "id"), "STRING") != 0)
        sb_appendf(out, "(%lld)", (long long)json_integer_value(json_object_get(t, "len")));
}

/* Returns true and describes the first difference when the existing table's definition differs from the
 * snapshot's in anything that decides where rows go or how they are stored. */
static bool schema_differs(const json_t *have, const json_t *snap, StrBuf *why) {
    const json_t *hc = json_object_get(have, "columns"), *sc = json_object_get(snap, "columns");
    if (strcmp(jstr(have, "keys"), jstr(snap, "keys")) != 0) {
        sb_appendf(why, "key model %s in the table, %s in the snapshot", jstr(have, "keys"), jstr(snap, "keys"));
        return true;
    }
    if (json_array_size(hc) != json_array_size(sc)) {
        sb_appendf(why, "%zu columns in the table, %zu in the snapshot", json_array_size(hc), json_array_size(sc));
        return true;
    }
    for (size_t i = 0; i < json_array_size(hc); i++) {
        const json_t *a = json_array_get(hc, i), *b = json_array_get(sc, i);
        StrBuf ta = STRBUF_INIT, tb = STRBUF_INIT;
        type_text(json_object_get(a, "type"), &ta);
        type_text(json_object_get(b, "type"), &tb);
        bool differ = strcasecmp(jstr(a, "name"), jstr(b, "name")) != 0 || strcmp(sb_str(&ta), sb_str(&tb)) != 0 ||
                      json_is_true(json_object_get(a, "nullable")) != json_is_true(json_object_get(b, "nullable")) ||
                      json_is_true(json_object_get(a, "is_key")) != json_is_true(json_object_get(b, "is_key")) ||
                      strcmp(jstr(a, "agg"), jstr(b, "agg")) != 0;
        if (differ)
            sb_appendf(why, "column %zu is `%s` %s%s%s in the table but `%s` %s%s%s in the snapshot", i + 1,
                       jstr(a, "name"), sb_str(&ta), json_is_true(json_object_get(a, "nullable")) ? " NULL" : " NOT NULL",
                       *jstr(a, "agg") ? " " : "", jstr(b, "name"), sb_str(&tb),
                       json_is_true(json_object_get(b, "nullable")) ? " NULL" : " NOT NULL", *jstr(b, "agg") ? " " : "");
        sb_free(&ta);
        sb_free(&tb);
        if (differ) return true;
    }
    const json_t *hp = json_object_get(have, "partition"), *sp = json_object_get(snap, "partition");
    char *a = json_dumps(hp, JSON_COMPACT | JSON_SORT_KEYS), *b = json_dumps(sp, JSON_COMPACT | JSON_SORT_KEYS);
    bool differ = strcmp(a ? a : "", b ? b : "") != 0;
    if (differ) sb_appendf(why, "partitioning %s in the table, %s in the snapshot", a, b);
    free(a);
    free(b);
    if (differ) return true;
    const json_t *hd = json_object_get(have, "distribution"), *sd = json_object_get(snap, "distribution");
    a = json_dumps(json_object_get(hd, "columns"), JSON_COMPACT);
    b = json_dumps(json_object_get(sd, "columns"), JSON_COMPACT);
    differ = strcmp(jstr(hd, "type"), jstr(sd, "type")) != 0 || strcmp(a ? a : "", b ? b : "") != 0;
    if (differ) sb_appendf(why, "distribution %s %s in the table, %s %s in the snapshot", jstr(hd, "type"), a, jstr(sd, "type"), b);
    free(a);
    free(b);
    if (differ) return true;
    const json_t *hi = json_object_get(have, "indexes"), *si = json_object_get(snap, "indexes");
    if (json_array_size(hi) != json_array_size(si)) {
        sb_appendf(why, "%zu indexes (base and synchronous materialized views) in the table, %zu in the snapshot",
                   json_array_size(hi), json_array_size(si));
        return true;
    }
    for (size_t i = 1; i < json_array_size(hi); i++) {
        const json_t *x = json_array_get(hi, i), *y = json_array_get(si, i);
        char *cx = json_dumps(json_object_get(x, "columns"), JSON_COMPACT | JSON_SORT_KEYS);
        char *cy = json_dumps(json_object_get(y, "columns"), JSON_COMPACT | JSON_SORT_KEYS);
        differ = strcasecmp(jstr(x, "name"), jstr(y, "name")) != 0 || strcmp(cx ? cx : "", cy ? cy : "") != 0;
        if (differ) sb_appendf(why, "index %s in the table differs from index %s in the snapshot", jstr(x, "name"), jstr(y, "name"));
        free(cx);
        free(cy);
        if (differ) return true;
    }
    return false;
}

/* ---------------------------------------------------------------- PENDING: the plan */

typedef struct Plan {
    BrJob *job;
    json_t *manifest;
    json_t *parts;   /* [{"id": hidden partition id, "version": v}] */
    json_t *rowsets; /* rowsets to add at COMMIT */
    BrFileList files;
    int cap;
    int64_t db_id;
} Plan;

static const json_t *manifest_object(const json_t *m, const char *name) {
    size_t i;
    json_t *o;
    json_array_foreach(json_object_get(m, "objects"), i, o) if (!strcmp(jstr(o, "name"), name)) return o;
    return NULL;
}

static bool part_chosen(const json_t *spec_obj, const char *name) {
    const json_t *parts = json_object_get(spec_obj, "partitions");
    if (!json_array_size(parts)) return true;
    size_t i;
    json_t *p;
    json_array_foreach(parts, i, p) if (!strcasecmp(json_string_value(p), name)) return true;
    return false;
}

/* A copy of a manifest object with only the chosen partitions and without tablets (the definition). */
static json_t *definition_of(const json_t *mo, const json_t *spec_obj, const char *target) {
    json_t *d = json_deep_copy(mo);
    json_t *parts = json_array();
    size_t i;
    json_t *p;
    json_array_foreach(json_object_get(mo, "partitions"), i, p) {
        if (!part_chosen(spec_obj, jstr(p, "name"))) continue;
        json_t *c = json_deep_copy(p);
        json_object_del(c, "tablets");
        json_array_append_new(parts, c);
    }
    json_object_set_new(d, "partitions", parts);
    json_object_set_new(d, "name", json_string(target));
    return d;
}

static const char *index_name_of(const json_t *mo, int64_t index_id, bool *is_base) {
    size_t i;
    json_t *ix;
    json_array_foreach(json_object_get(mo, "indexes"), i, ix) {
        if (json_integer_value(json_object_get(ix, "id")) == index_id) {
            *is_base = json_is_true(json_object_get(ix, "is_base"));
            return jstr(ix, "name");
        }
    }
    *is_base = false;
    return NULL;
}

/* Plans the files and rowsets of one restored partition: snapshot partition sp into local partition id pid. */
static Status plan_partition(Plan *pl, const json_t *mo, const json_t *sp, int64_t table_id, int64_t pid, Error *err) {
    json_array_append_new(pl->parts, json_pack("{s:I, s:I}", "id", (json_int_t)pid, "version",
                                               json_integer_value(json_object_get(sp, "visible_version"))));
    size_t ti;
    json_t *tab;
    json_array_foreach(json_object_get(sp, "tablets"), ti, tab) {
        bool is_base;
        const char *ixname = index_name_of(mo, json_integer_value(json_object_get(tab, "index_id")), &is_base);
        int bucket = (int)json_integer_value(json_object_get(tab, "bucket"));
        int64_t target_tablet = 0;
        catalog_rdlock();
        CatTable *t = catalog_find_table_by_id(table_id);
        CatPartition *p = NULL;
        for (int k = 0; t && k < t->nparts; k++)
            if (t->parts[k]->id == pid) p = t->parts[k];
        int pos = -1;
        for (int k = 0; t && ixname && k < t->nindexes; k++)
            if (is_base ? t->indexes[k]->is_base : !strcasecmp(t->indexes[k]->name, ixname)) pos = k;
        if (p && pos >= 0 && bucket >= 0 && bucket < p->buckets) {
            CatTablet *tb = catalog_partition_tablet(p, pos, bucket);
            if (tb) target_tablet = tb->id;
        }
        catalog_unlock();
        if (!target_tablet)
            return err_set(err, ERR_INTERNAL, "no local tablet for index %s bucket %d of partition %s",
                           ixname ? ixname : "?", bucket, jstr(sp, "name"));
        size_t ri;
        json_t *rs;
        json_array_foreach(json_object_get(tab, "rowsets"), ri, rs) {
            int64_t rid;
            if (meta_next_id(&rid, err)) return STATUS_ERROR;
            json_t *segs = json_array();
            size_t si;
            json_t *seg;
            json_array_foreach(json_object_get(rs, "segments"), si, seg) {
                char name[64];
                snprintf(name, sizeof name, "%lld_%zu.dat", (long long)rid, si);
                json_t *ls = json_pack("{s:s, s:O, s:O, s:O, s:O}", "name", name, "size", json_object_get(seg, "size"),
                                       "checksum", json_object_get(seg, "checksum"), "nrows",
                                       json_object_get(seg, "nrows"), "sha256", json_object_get(seg, "sha256"));
                json_array_append_new(segs, ls);
                if (pl->files.n == pl->cap) {
                    pl->cap = pl->cap ? pl->cap * 2 : 64;
                    pl->files.items = realloc(pl->files.items, (size_t)pl->cap * sizeof *pl->files.items);
                }
                BrFile *f = &pl->files.items[pl->files.n];
                memset(f, 0, sizeof *f);
                f->seq = pl->files.n;
                f->tablet_id = target_tablet;
                f->rowset_id = rid;
                f->name = strdup(name);
                f->size = json_integer_value(json_object_get(seg, "size"));
                snprintf(f->sha256, sizeof f->sha256, "%s", jstr(seg, "sha256"));
                f->object = strdup(jstr(seg, "object"));
                f->stored_size = json_integer_value(json_object_get(seg, "stored_size"));
                pl->files.n++;
            }
            json_t *r = json_pack("{s:I, s:I, s:O, s:O, s:O, s:O, s:o}", "tablet_id", (json_int_t)target_tablet, "id",
                                  (json_int_t)rid, "start_version", json_object_get(rs, "start_version"), "end_version",
                                  json_object_get(rs, "end_version"), "nrows", json_object_get(rs, "nrows"),
                                  "data_size", json_object_get(rs, "data_size"), "segments", segs);
            if (json_object_get(rs, "delete_pred")) json_object_set(r, "delete_pred", json_object_get(rs, "delete_pred"));
            json_array_append_new(pl->rowsets, r);
        }
    }
    return STATUS_OK;
}

/* An object whose target exists: check it, mark it RESTORE, add hidden partitions beside the live ones. */
static Status plan_existing(Plan *pl, const json_t *mo, const json_t *so, const char *target, int64_t table_id,
                            json_t *have, Error *err) {
    const char *kind = jstr(have, "kind");
    if (!strcmp(jstr(mo, "kind"), "VIEW") || !strcmp(kind, "VIEW")) {
        if (!strcmp(kind, "VIEW") && !strcmp(jstr(mo, "kind"), "VIEW") && !strcmp(jstr(have, "view_sql"), jstr(mo, "view_sql")))
            return STATUS_OK; /* the same view is already there */
        return err_set(err, ERR_COMMON, "Table %s already exist but with different schema: %s %s exists with another "
                       "definition (restore it with AS <new name>)", target, kind, target);
    }
    if (strcmp(kind, "OLAP") != 0 && strcmp(kind, "MATERIALIZED_VIEW") != 0)
        return err_set(err, ERR_COMMON, "Only support restore OLAP table: %s", target);
    StrBuf why = STRBUF_INIT;
    if (schema_differs(have, mo, &why)) {
        err_set(err, ERR_COMMON, "Table %s already exist but with different schema, %s. Restore it under another name "
                "with ON (%s AS <new name>) or drop the table", target, sb_str(&why), jstr(mo, "name"));
        sb_free(&why);
        return STATUS_ERROR;
    }
    sb_free(&why);
    /* partitions: same name must have the same range; new ones must not overlap (catalog checks) */
    CatTable *def = NULL;
    json_t *dj = definition_of(mo, so, target);
    Status st = catalog_table_from_json(dj, &def, err);
    json_decref(dj);
    if (st) return err_prefix(err, "snapshot table %s: ", jstr(mo, "name"));
    if (!st) st = catalog_restore_set_table_state(table_id, TABLE_RESTORE, pl->job->id, err);
    size_t pi;
    json_t *sp;
    json_array_foreach(json_object_get(mo, "partitions"), pi, sp) {
        if (st) break;
        if (!part_chosen(so, jstr(sp, "name"))) continue;
        CatPartition *dp = NULL;
        for (int k = 0; k < def->nparts; k++)
            if (!strcasecmp(def->parts[k]->name, jstr(sp, "name"))) dp = def->parts[k];
        if (!dp) {
            st = err_set(err, ERR_INTERNAL, "partition %s missing from the definition", jstr(sp, "name"));
            break;
        }
        /* an existing partition of the same name must cover the same values */
        const json_t *hp = NULL;
        size_t hi;
        json_t *x;
        json_array_foreach(json_object_get(have, "partitions"), hi, x) if (!strcasecmp(jstr(x, "name"), dp->name)) hp = x;
        if (!strcmp(jstr(json_object_get(have, "partition"), "type"), "NONE") && !hp) {
            st = err_set(err, ERR_COMMON, "No partition exist in single partitioned table %s", target);
            break;
        }
        if (hp) {
            const char *keys[] = {"lower", "upper", "list"};
            for (int k = 0; k < 3 && !st; k++) {
                char *a = json_dumps(json_object_get(hp, keys[k]), JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
                char *b = json_dumps(json_object_get(sp, keys[k]), JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
                if (strcmp(a ? a : "", b ? b : "") != 0)
                    st = err_set(err, ERR_COMMON, "Partition %s in table %s has different range with partition in repository",
                                 dp->name, target);
                free(a);
                free(b);
            }
            if (!st && json_integer_value(json_object_get(hp, "buckets")) != dp->buckets)
                st = err_set(err, ERR_COMMON, "Partition %s in table %s has %lld buckets, the snapshot %d", dp->name,
                             target, (long long)json_integer_value(json_object_get(hp, "buckets")), dp->buckets);
        }
        int64_t pid = 0;
        if (!st) {
            dp->replication_num = 1;
            st = catalog_restore_add_partition(table_id, dp, pl->job->id, &pid, err);
            if (st && !hp) err_prefix(err, "Partition %s in table %s has conflict range with existing ranges: ", dp->name, target);
        }
        if (!st) st = plan_partition(pl, mo, sp, table_id, pid, err);
    }
    catalog_table_free(def);
    return st;
}

/* An object whose target does not exist: create it hidden from the snapshot's definition. */
static Status plan_new(Plan *pl, const json_t *mo, const json_t *so, const char *target, Error *err) {
    json_t *dj = definition_of(mo, so, target);
    CatTable *def = NULL;
    Status st = catalog_table_from_json(dj, &def, err);
    json_decref(dj);
    if (st) return err_prefix(err, "snapshot table %s: ", jstr(mo, "name"));
    /* the base index is named after the table */
    for (int k = 0; k < def->nindexes; k++)
        if (def->indexes[k]->is_base) {
            free(def->indexes[k]->name);
            def->indexes[k]->name = strdup(target);
        }
    for (int k = 0; k < def->nparts; k++) def->parts[k]->replication_num = 1;
    int64_t new_id = 0;
    if (catalog_restore_create_table(pl->db_id, def, pl->job->id, &new_id, err)) return STATUS_ERROR;
    /* map each snapshot partition to the new table's partition of the same name */
    size_t pi;
    json_t *sp;
    json_array_foreach(json_object_get(mo, "partitions"), pi, sp) {
        if (!part_chosen(so, jstr(sp, "name"))) continue;
        int64_t pid = 0;
        catalog_rdlock();
        CatTable *t = catalog_find_table_by_id(new_id);
        for (int k = 0; t && k < t->nparts; k++)
            if (!strcasecmp(t->parts[k]->name, jstr(sp, "name"))) pid = t->parts[k]->id;
        catalog_unlock();
        if (!pid) return err_set(err, ERR_INTERNAL, "restored table %s lost partition %s", target, jstr(sp, "name"));
        if (plan_partition(pl, mo, sp, new_id, pid, err)) return STATUS_ERROR;
    }
    return STATUS_OK;
}

static Status read_manifest(BrJob *j, Repo *r, json_t **m, Error *err) {
    json_t *info = NULL;
    Status st = snapshot_read(r, j->label, j->timestamp, &info, m, err);
    json_decref(info);
    return st;
}

static Status step_plan(BrJob *j, Repo *r, Error *err) {
    /* a resumed job may have hidden objects from the lost attempt */
    if (catalog_restore_abort(j->id, err)) return STATUS_ERROR;
    if (br_files_delete(j->id, err)) return STATUS_ERROR;
    Plan pl = {.job = j, .parts = json_array(), .rowsets = json_array(), .db_id = j->db_id};
    Status st = read_manifest(j, r, &pl.manifest, err);
    if (st) err_prefix(err, "Failed to read backup meta from file: ");
    size_t i;
    json_t *so;
    json_array_foreach(json_object_get(j->spec, "objects"), i, so) {
        if (st) break;
        const json_t *mo = manifest_object(pl.manifest, jstr(so, "name"));
        if (!mo) {
            st = err_set(err, ERR_COMMON, "Table %s does not exist in snapshot %s", jstr(so, "name"), j->label);
            break;
        }
        const char *target = json_object_get(so, "alias") ? jstr(so, "alias") : jstr(so, "name");
        json_t *have = NULL;
        int64_t have_id = 0;
        catalog_rdlock();
        CatDatabase *db = catalog_find_db_by_id(j->db_id);
        CatTable *t = db ? catalog_find_table(db, target) : NULL;
        if (!db) st = err_set(err, ERR_BAD_DB, "database %s has been dropped", j->db_name);
        if (t) {
            have = catalog_table_to_json(t, true);
            have_id = t->id;
            if (t->state != TABLE_NORMAL)
                st = err_set(err, ERR_COMMON, "Table %s's state is not NORMAL: RESTORE", target);
        }
        catalog_unlock();
        if (!st && have && mv_restore_keeps_existing(have, mo)) /* StarRocks: an active MV is not overwritten */
            log_info("restore job %lld: materialized view %s exists and is active: kept", (long long)j->id, target);
        else if (!st)
            st = have ? plan_existing(&pl, mo, so, target, have_id, have, err) : plan_new(&pl, mo, so, target, err);
        json_decref(have);
    }
    int64_t total = 0;
    for (int k = 0; k < pl.files.n; k++) total += pl.files.items[k].size;
    if (!st) st = meta_begin(err);
    if (!st) {
        st = br_files_insert(j->id, &pl.files, err);
        if (!st) {
            pthread_mutex_lock(&j->mu);
            json_object_set(j->work, "partitions", pl.parts);
            json_object_set(j->work, "rowsets", pl.rowsets);
            json_object_set_new(j->work, "compression", json_string(jstr(pl.manifest, "compression")));
            if (json_object_get(pl.manifest, "access"))
                json_object_set(j->work, "access", json_object_get(pl.manifest, "access"));
            pthread_mutex_unlock(&j->mu);
            j->t1_ms = clock_now_ms();
            atomic_store(&j->files_total, pl.files.n);
            atomic_store(&j->bytes_total, total);
            atomic_store(&j->state, JS_SNAPSHOTING);
            st = br_job_save(j, err);
        }
        if (!st)
            st = meta_commit(err);
        else
            meta_rollback();
        if (st) atomic_store(&j->state, JS_PENDING);
    }
    if (!st)
        log_info("restore job %lld: %zu partitions, %zu rowsets, %d files (%lld bytes) to download", (long long)j->id,
                 json_array_size(pl.parts), json_array_size(pl.rowsets), pl.files.n, (long long)total);
    if (!st) br_debug_pause(j, JS_SNAPSHOTING);
    json_decref(pl.manifest);
    json_decref(pl.parts);
    json_decref(pl.rowsets);
    br_files_free(&pl.files);
    return st;
}

static Status add_rowsets(BrJob *j, Error *err);

/* ---------------------------------------------------------------- SNAPSHOTING, DOWNLOADING */

static Status step_prepare_dirs(BrJob *j, Error *err) {
    BrFileList files;
    if (br_files_load(j->id, &files, err)) return STATUS_ERROR;
    Status st = STATUS_OK;
    int64_t last = -1;
    for (int i = 0; i < files.n && !st; i++) {
        if (files.items[i].tablet_id == last) continue;
        last = files.items[i].tablet_id;
        StrBuf dir = STRBUF_INIT;
        br_tablet_dir(last, &dir);
        /* mkdir -p */
        for (char *p = dir.data + 1; *p; p++) {
            if (*p != '/') continue;
            *p = '\0';
            mkdir(dir.data, 0755);
            *p = '/';
        }
        if (mkdir(dir.data, 0755) != 0 && errno != EEXIST)
            st = err_set(err, ERR_IO, "cannot create %s: %s", dir.data, strerror(errno));
        sb_free(&dir);
    }
    br_files_free(&files);
    /* Register every rowset (hidden, files still to come) before any file lands in a tablet directory:
     * recovery's orphan sweep deletes files of rowsets the catalog does not know. */
    if (!st) st = add_rowsets(j, err);
    if (!st) {
        j->t2_ms = clock_now_ms();
        st = br_job_set_state(j, JS_DOWNLOAD, err);
    }
    return st;
}

typedef struct DownloadCtx {
    BrJob *job;
    Repo *repo;
    Fs *fs;
    BrFile **pending;
    const char *codec;
} DownloadCtx;

static Status download_one(void *vctx, int i, Error *err) {
    DownloadCtx *c = vctx;
    BrFile *f = c->pending[i];
    StrBuf local = STRBUF_INIT, obj = STRBUF_INIT;
    br_tablet_file_path(f->tablet_id, f->name, &local);
    repo_path(c->repo, &obj, "%s", f->object);
    FsXferOptions o = {.zstd_level = !strcmp(c->codec, "zstd") ? 3 : 0,
                       .key = c->job->has_key ? c->job->key : NULL,
                       .rate = br_download_limiter()};
    FsXferResult res;
    Status st = fs_download_file(c->fs, sb_str(&obj), sb_str(&local), &o, f->sha256, &res, err);
    if (!st && res.plain_size != f->size)
        st = err_set(err, ERR_CORRUPT, "%s holds %lld bytes, the manifest records %lld", sb_str(&obj),
                     (long long)res.plain_size, (long long)f->size);
    if (!st) {
        metrics_counter_add("cairn_restore_bytes_downloaded_total", "Bytes read from repositories by RESTORE",
                            (double)res.stored_size);
    }
    st = br_file_finish(c->job, f, st, err);
    sb_free(&local);
    sb_free(&obj);
    return st;
}

static Status step_download(BrJob *j, Repo *r, Error *err) {
    Fs *fs;
    if (repo_fs(r, &fs, err)) return STATUS_ERROR;
    BrFileList files;
    BrFile **pending;
    int npending;
    if (br_files_pending(j, &files, &pending, &npending, err)) return STATUS_ERROR;
    Status st = STATUS_OK;
    if ((BrState)atomic_load(&j->state) == JS_DOWNLOAD) st = br_job_set_state(j, JS_DOWNLOADING, err);
    if (!st) {
        DownloadCtx c = {.job = j, .repo = r, .fs = fs, .pending = pending,
                         .codec = jstr(j->work, "compression")};
        st = br_run_pool(j, (int)config_get_int("download_worker_count"), npending, download_one, &c, err);
        Error e2 = ERROR_INIT;
        if (br_files_flush_done(j, &e2) && !st) st = err_copy(err, &e2);
    }
    if (!st) {
        j->t3_ms = clock_now_ms();
        st = br_job_set_state(j, JS_COMMIT, err);
    }
    free(pending);
    br_files_free(&files);
    return st;
}

/* ---------------------------------------------------------------- COMMIT, COMMITTING */

static bool tablet_has_rowset(int64_t tablet_id, int64_t rowset_id) {
    bool found = false;
    catalog_rdlock();
    CatTablet *tb = catalog_find_tablet(tablet_id, NULL, NULL);
    for (int i = 0; tb && i < tb->nrowsets && !found; i++) found = tb->rowsets[i]->id == rowset_id;
    catalog_unlock();
    return found;
}

static Status add_rowsets(BrJob *j, Error *err) {
    size_t i;
    json_t *r;
    json_array_foreach(json_object_get(j->work, "rowsets"), i, r) {
        int64_t tablet = json_integer_value(json_object_get(r, "tablet_id"));
        int64_t id = json_integer_value(json_object_get(r, "id"));
        if (tablet_has_rowset(tablet, id)) continue; /* added before a restart */
        const json_t *segs = json_object_get(r, "segments");
        int n = (int)json_array_size(segs);
        CatSegmentFile *sf = calloc((size_t)(n ? n : 1), sizeof *sf);
        for (int k = 0; k < n; k++) {
            const json_t *s = json_array_get(segs, (size_t)k);
            sf[k].name = (char *)jstr(s, "name");
            sf[k].size = json_integer_value(json_object_get(s, "size"));
            sf[k].checksum = strtoull(jstr(s, "checksum"), NULL, 16);
            sf[k].nrows = json_integer_value(json_object_get(s, "nrows"));
            snprintf(sf[k].sha256, sizeof sf[k].sha256, "%s", jstr(s, "sha256"));
        }
        CatRowsetMeta m = {.rowset_id = id,
                        .nsegments = n,
                        .segments = sf,
                        .nrows = json_integer_value(json_object_get(r, "nrows")),
                        .data_size = json_integer_value(json_object_get(r, "data_size")),
                        .delete_pred = json_string_value(json_object_get(r, "delete_pred"))};
        Status st = catalog_restore_add_rowset(tablet, &m, json_integer_value(json_object_get(r, "start_version")),
                                               json_integer_value(json_object_get(r, "end_version")), err);
        free(sf);
        if (st) return st;
    }
    return STATUS_OK;
}

/* COMMIT: every file is in place and verified; make sure every rowset is registered, then switch. */
static Status step_ready(BrJob *j, Error *err) {
    if (add_rowsets(j, err)) return STATUS_ERROR;
    return br_job_set_state(j, JS_COMMITTING, err);
}

/* MVs and views of the job: re-bind and activate (src/mv); a failure there is recorded in the job's status
 * and does not undo the restore. */
static void restore_finish_mvs(BrJob *j) {
    char *msg = mv_restore_finish(j->db_id, json_string_value(json_object_get(j->spec, "source_database")),
                                  json_object_get(j->spec, "objects"));
    if (!msg) return;
    pthread_mutex_lock(&j->mu);
    snprintf(j->status_code, sizeof j->status_code, "COMMON_ERROR");
    free(j->status_msg);
    j->status_msg = msg;
    pthread_mutex_unlock(&j->mu);
}

static Status step_commit(BrJob *j, Repo *r, Error *err) {
    const json_t *parts = json_object_get(j->work, "partitions");
    int n = (int)json_array_size(parts);
    int64_t *ids = calloc((size_t)(n ? n : 1), sizeof *ids), *versions = calloc((size_t)(n ? n : 1), sizeof *versions);
    for (int i = 0; i < n; i++) {
        ids[i] = json_integer_value(json_object_get(json_array_get(parts, (size_t)i), "id"));
        versions[i] = json_integer_value(json_object_get(json_array_get(parts, (size_t)i), "version"));
    }
    Status st = catalog_restore_commit(j->id, ids, versions, n, err);
    free(ids);
    free(versions);
    if (st) return st;
    /* users and grants come after the data is switched in; a failure is reported and does not undo the restore */
    const json_t *access = json_object_get(j->work, "access");
    if (json_is_true(json_object_get(j->spec, "restore_users")) && access) {
        Error e = ERROR_INIT;
        if (access_backup_restore(j, r, access, &e)) {
            br_job_task_error(j, "restoring users: %s", e.msg);
            log_warn("restore job %lld: restoring users: %s", (long long)j->id, e.msg);
        }
    }
    Error e2 = ERROR_INIT;
    if (br_files_delete(j->id, &e2)) log_warn("restore job %lld: %s", (long long)j->id, e2.msg);
    restore_finish_mvs(j);
    return br_job_set_state(j, JS_FINISHED, err);
}

/* ---------------------------------------------------------------- CANCELLED and the loop */

static void restore_cancel(BrJob *j) {
    Error err = ERROR_INIT;
    for (int attempt = 0; attempt < 50; attempt++) {
        if (!catalog_restore_abort(j->id, &err)) break;
        log_warn("restore job %lld: dropping its hidden tables and partitions: %s", (long long)j->id, err.msg);
        clock_sleep_ms(200);
    }
    if (br_files_delete(j->id, &err)) log_warn("restore job %lld: %s", (long long)j->id, err.msg);
    br_job_commit_cancelled(j);
}

void restore_job_run(BrJob *j) {
    Repo *r = repo_acquire_id(j->repo_id);
    if (!r) br_job_request_cancel(j, "COMMON_ERROR", "failed to get repository: %lld", (long long)j->repo_id);
    if (json_is_true(json_object_get(j->spec, "encrypted")) && !j->has_key)
        br_job_request_cancel(j, "COMMON_ERROR",
                              "the encryption key is kept only in memory and was lost when cairn restarted; "
                              "run the restore again");
    while (!br_shutting_down()) {
        BrState s = (BrState)atomic_load(&j->state);
        if (br_state_final(s)) break;
        /* COMMITTING's switch is one metadata transaction: a cancel that arrives before it starts still
         * cancels; one that arrives while it runs finds the job FINISHED */
        if (br_job_cancelled(j)) {
            restore_cancel(j);
            break;
        }
        Error err = ERROR_INIT;
        Status st = STATUS_OK;
        switch (s) {
        case JS_PENDING: st = step_plan(j, r, &err); break;
        case JS_SNAPSHOTING: st = step_prepare_dirs(j, &err); break;
        case JS_DOWNLOAD:
        case JS_DOWNLOADING: st = step_download(j, r, &err); break;
        case JS_COMMIT: st = step_ready(j, &err); break;
        case JS_COMMITTING: st = step_commit(j, r, &err); break;
        default: st = err_set(&err, ERR_INTERNAL, "restore job in state %s", br_state_name(s));
        }
        if (!st) continue;
        if (br_shutting_down()) break;
        if (br_job_cancelled(j)) continue;
        log_warn("restore job %lld failed in %s: %s", (long long)j->id, br_state_name(s), err.msg);
        if (s == JS_COMMITTING) {
            /* nothing was switched (the transaction rolled back): give up cleanly */
            atomic_store(&j->state, JS_COMMIT);
        }
        br_job_request_cancel(j, err.code == ERR_CORRUPT ? "BAD_FILE" : "COMMON_ERROR", "%s", err.msg);
    }
    repo_release(r);
}
