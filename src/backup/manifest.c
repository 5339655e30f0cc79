/* Manifest and info files: building them for a backup, reading and checking them for SHOW SNAPSHOT,
 * RESTORE and VERIFY SNAPSHOT. */
#include "backup/manifest.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "server/version.h"
#include "util/clock.h"
#include "util/hash.h"

/* Adds object/sha256/stored_size to every segment of the frozen objects, walking them in the order
 * collect_files listed the files (seq order). */
static Status annotate_segments(json_t *objects, const BrFileList *files, int64_t *bytes, int64_t *stored,
                                Error *err) {
    int cursor = 0;
    size_t oi;
    json_t *o;
    json_array_foreach(objects, oi, o) {
        size_t pi;
        json_t *p;
        json_array_foreach(json_object_get(o, "partitions"), pi, p) {
            size_t ti;
            json_t *tab;
            json_array_foreach(json_object_get(p, "tablets"), ti, tab) {
                size_t ri;
                json_t *rs;
                json_array_foreach(json_object_get(tab, "rowsets"), ri, rs) {
                    int64_t rowset_id = json_integer_value(json_object_get(rs, "id"));
                    size_t si;
                    json_t *seg;
                    json_array_foreach(json_object_get(rs, "segments"), si, seg) {
                        const char *name = json_string_value(json_object_get(seg, "name"));
                        if (cursor >= files->n || files->items[cursor].rowset_id != rowset_id ||
                            strcmp(files->items[cursor].name, name ? name : "") != 0)
                            return err_set(err, ERR_INTERNAL,
                                           "backup file list does not match the snapshot at rowset %lld file %s",
                                           (long long)rowset_id, name ? name : "?");
                        const BrFile *f = &files->items[cursor++];
                        if (!f->done || !f->object || !*f->object)
                            return err_set(err, ERR_INTERNAL, "file %s of rowset %lld was not uploaded", f->name,
                                           (long long)f->rowset_id);
                        json_object_set_new(seg, "object", json_string(f->object));
                        json_object_set_new(seg, "sha256", json_string(f->sha256));
                        json_object_set_new(seg, "stored_size", json_integer(f->stored_size));
                        *bytes += f->size;
                        *stored += f->stored_size;
                    }
                }
            }
        }
    }
    if (cursor != files->n)
        return err_set(err, ERR_INTERNAL, "backup file list has %d files, the snapshot %d", files->n, cursor);
    return STATUS_OK;
}

Status manifest_build(BrJob *j, const BrFileList *files, json_t **out, Error *err) {
    pthread_mutex_lock(&j->mu);
    json_t *objects = json_deep_copy(json_object_get(j->work, "objects"));
    pthread_mutex_unlock(&j->mu);
    if (!json_is_array(objects)) {
        json_decref(objects);
        return err_set(err, ERR_INTERNAL, "backup job %lld has no snapshot objects", (long long)j->id);
    }
    int64_t bytes = 0, stored = 0;
    if (annotate_segments(objects, files, &bytes, &stored, err)) {
        json_decref(objects);
        return STATUS_ERROR;
    }
    json_t *m = json_object();
    json_object_set_new(m, "format", json_string(MANIFEST_FORMAT));
    json_object_set_new(m, "version", json_integer(MANIFEST_VERSION));
    json_object_set_new(m, "cairn_version", json_string(CAIRN_VERSION));
    json_object_set_new(m, "label", json_string(j->label));
    json_object_set_new(m, "timestamp", json_string(j->timestamp));
    json_object_set_new(m, "backup_time_ms", json_integer(j->create_ms));
    json_object_set_new(m, "snapshot_time_ms", json_integer(j->t1_ms));
    json_object_set_new(m, "database", json_pack("{s:s, s:I}", "name", j->db_name, "id", (json_int_t)j->db_id));
    const char *codec = json_string_value(json_object_get(j->spec, "compression"));
    json_object_set_new(m, "compression", json_string(codec ? codec : "none"));
    if (j->has_key) {
        char check[65];
        br_key_check(j->key, check);
        json_object_set_new(m, "encryption", json_pack("{s:s, s:s}", "algorithm", "AES-256-GCM", "key_check", check));
    }
    json_object_set_new(m, "files", json_integer(files->n));
    json_object_set_new(m, "bytes", json_integer(bytes));
    json_object_set_new(m, "stored_bytes", json_integer(stored));
    json_object_set_new(m, "objects", objects);
    *out = m;
    return STATUS_OK;
}

Status manifest_write_local(const json_t *m, const char *dir, const char *path, Error *err) {
    char parent[4096];
    snprintf(parent, sizeof parent, "%s", dir);
    char *slash = strrchr(parent, '/');
    if (slash) {
        *slash = '\0';
        mkdir(parent, 0755);
    }
    if (mkdir(dir, 0755) != 0 && errno != EEXIST)
        return err_set(err, ERR_IO, "cannot create %s: %s", dir, strerror(errno));
    char *text = json_dumps(m, JSON_INDENT(1) | JSON_SORT_KEYS);
    char tmp[4200];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    Status st = STATUS_OK;
    if (fd < 0) {
        st = err_set(err, ERR_IO, "cannot create %s: %s", tmp, strerror(errno));
    } else {
        size_t n = strlen(text), off = 0;
        while (!st && off < n) {
            ssize_t k = write(fd, text + off, n - off);
            if (k < 0 && errno == EINTR) continue;
            if (k < 0) st = err_set(err, ERR_IO, "cannot write %s: %s", tmp, strerror(errno));
            else off += (size_t)k;
        }
        if (!st && fsync(fd) != 0) st = err_set(err, ERR_IO, "cannot fsync %s: %s", tmp, strerror(errno));
        close(fd);
        if (!st && rename(tmp, path) != 0) st = err_set(err, ERR_IO, "cannot rename %s: %s", tmp, strerror(errno));
    }
    free(text);
    return st;
}

Status manifest_read_local(const char *path, StrBuf *out, Error *err) {
    FILE *f = fopen(path, "rb");
    if (!f) return err_set(err, ERR_IO, "cannot open %s: %s", path, strerror(errno));
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) sb_appendn(out, buf, n);
    int bad = ferror(f);
    fclose(f);
    if (bad) return err_set(err, ERR_IO, "cannot read %s", path);
    return STATUS_OK;
}

static Status parse_json(const char *what, const char *format, const char *text, size_t len, json_t **out,
                         Error *err) {
    json_error_t je;
    json_t *j = json_loadb(text, len, 0, &je);
    if (!json_is_object(j)) {
        json_decref(j);
        return err_set(err, ERR_CORRUPT, "%s is not valid JSON: %s at line %d", what, je.text, je.line);
    }
    const char *f = json_string_value(json_object_get(j, "format"));
    if (!f || strcmp(f, format) != 0) {
        json_decref(j);
        return err_set(err, ERR_CORRUPT, "%s is not a cairn snapshot file (format '%s')", what, f ? f : "");
    }
    json_int_t v = json_integer_value(json_object_get(j, "version"));
    if (v < 1 || v > MANIFEST_VERSION) {
        json_decref(j);
        return err_set(err, ERR_CORRUPT, "%s has format version %lld; this cairn reads up to %d", what,
                       (long long)v, MANIFEST_VERSION);
    }
    *out = j;
    return STATUS_OK;
}

Status manifest_parse(const char *text, size_t len, json_t **out, Error *err) {
    return parse_json("manifest.json", MANIFEST_FORMAT, text, len, out, err);
}

Status info_parse(const char *text, size_t len, json_t **out, Error *err) {
    return parse_json("info.json", INFO_FORMAT, text, len, out, err);
}

static json_t *brief_objects(const json_t *manifest) {
    json_t *objs = json_object();
    size_t i;
    json_t *o;
    json_array_foreach(json_object_get(manifest, "objects"), i, o) {
        const char *name = json_string_value(json_object_get(o, "name"));
        if (!name) continue;
        json_t *e = json_object();
        json_object_set(e, "kind", json_object_get(o, "kind"));
        json_t *parts = json_object();
        size_t pi;
        json_t *p;
        json_array_foreach(json_object_get(o, "partitions"), pi, p) {
            const char *pn = json_string_value(json_object_get(p, "name"));
            if (pn) json_object_set_new(parts, pn, json_object());
        }
        json_object_set_new(e, "partitions", parts);
        json_object_set_new(objs, name, e);
    }
    return objs;
}

json_t *info_build(const BrJob *j, const json_t *m, const char *text, size_t len) {
    uint8_t d[32];
    char hex[65];
    hash_sha256(text, len, d);
    hash_hex(d, 32, hex);
    json_t *info = json_object();
    json_object_set_new(info, "format", json_string(INFO_FORMAT));
    json_object_set_new(info, "version", json_integer(MANIFEST_VERSION));
    json_object_set_new(info, "cairn_version", json_string(CAIRN_VERSION));
    json_object_set_new(info, "name", json_string(j->label));
    json_object_set_new(info, "timestamp", json_string(j->timestamp));
    json_object_set_new(info, "database", json_string(j->db_name));
    json_object_set_new(info, "id", json_integer(j->db_id));
    json_object_set_new(info, "backup_time", json_integer(j->create_ms));
    json_object_set_new(info, "finished_time", json_integer(clock_now_ms()));
    json_object_set_new(info, "manifest",
                        json_pack("{s:s, s:I, s:s}", "path", "manifest.json", "size", (json_int_t)len, "sha256", hex));
    json_object_set(info, "files", json_object_get(m, "files"));
    json_object_set(info, "bytes", json_object_get(m, "bytes"));
    json_object_set(info, "stored_bytes", json_object_get(m, "stored_bytes"));
    json_object_set(info, "compression", json_object_get(m, "compression"));
    if (json_object_get(m, "encryption")) json_object_set(info, "encryption", json_object_get(m, "encryption"));
    json_object_set_new(info, "backup_objects", brief_objects(m));
    const json_t *acc = json_object_get(m, "access");
    if (acc)
        json_object_set_new(info, "access", json_pack("{s:O, s:O}", "users", json_object_get(acc, "users"), "roles",
                                                      json_object_get(acc, "roles")));
    json_object_set_new(info, "backup_result", json_string("succeed"));
    return info;
}

json_t *info_brief(const json_t *info) {
    json_t *b = json_object();
    const char *keys[] = {"name", "database", "backup_time", "backup_result", "cairn_version", "files", "bytes",
                          "stored_bytes", "compression", "encryption", "access"};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        json_t *v = json_object_get(info, keys[i]);
        if (v) json_object_set(b, keys[i], v);
    }
    json_t *objs = json_object();
    const char *name;
    json_t *o;
    json_object_foreach(json_object_get(info, "backup_objects"), name, o) {
        json_t *e = json_object();
        json_object_set(e, "partitions", json_object_get(o, "partitions"));
        json_object_set_new(objs, name, e);
    }
    json_object_set_new(b, "backup_objects", objs);
    return b;
}

Status snapshot_read(Repo *r, const char *label, const char *ts, json_t **info, json_t **manifest, Error *err) {
    *info = NULL;
    if (manifest) *manifest = NULL;
    Fs *fs;
    if (repo_fs(r, &fs, err)) return STATUS_ERROR;
    StrBuf path = STRBUF_INIT, body = STRBUF_INIT;
    br_snapshot_dir(r, label, ts, &path);
    size_t base = path.len;
    sb_append(&path, "/info.json");
    Status st = fs_read_all(fs, sb_str(&path), 16 << 20, &body, err);
    if (!st) st = info_parse(body.data, body.len, info, err);
    if (!st && manifest) {
        path.len = base;
        sb_append(&path, "/manifest.json");
        sb_reset(&body);
        st = fs_read_all(fs, sb_str(&path), (size_t)1 << 31, &body, err);
        if (!st) {
            json_t *mi = json_object_get(*info, "manifest");
            uint8_t d[32];
            char hex[65];
            hash_sha256(body.data, body.len, d);
            hash_hex(d, 32, hex);
            const char *want = json_string_value(json_object_get(mi, "sha256"));
            if ((json_int_t)body.len != json_integer_value(json_object_get(mi, "size")) || !want ||
                strcmp(want, hex) != 0)
                st = err_set(err, ERR_CORRUPT,
                             "%s is damaged: %zu bytes with sha256 %s, but info.json records %lld bytes with sha256 %s",
                             sb_str(&path), body.len, hex, (long long)json_integer_value(json_object_get(mi, "size")),
                             want ? want : "(none)");
        }
        if (!st) st = manifest_parse(body.data, body.len, manifest, err);
    }
    if (st) {
        json_decref(*info);
        *info = NULL;
    }
    sb_free(&path);
    sb_free(&body);
    return st;
}
