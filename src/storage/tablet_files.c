/* Tablet directory layout, listing, sweeping, linking and deletion; see tablet_files.h. */
#include "storage/tablet_files.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "storage/data_file.h"
#include "storage/segment_reader.h"

char *tablet_dir_path(const char *storage_root, uint64_t tablet_id, Arena *a) {
    return arena_sprintf(a, "%s/data/%" PRIu64 "/%" PRIu64, storage_root,
                         tablet_id % TABLET_DIR_FANOUT, tablet_id);
}

char *segment_file_path(const char *tablet_dir, uint64_t rowset_id, uint32_t segment_no, Arena *a) {
    return arena_sprintf(a, "%s/%" PRIu64 "_%u.dat", tablet_dir, rowset_id, segment_no);
}

Status tablet_dir_create(const char *tablet_dir, Error *err) {
    return data_dir_make_all(tablet_dir, err);
}

/* Parses "<digits>_<digits>.dat" or "....dat.tmp". */
static bool parse_name(const char *name, uint64_t *rowset, uint32_t *seg, bool *is_temp) {
    const char *p = name;
    if (*p < '0' || *p > '9') return false;
    char *end;
    errno = 0;
    unsigned long long r = strtoull(p, &end, 10);
    if (errno || *end != '_' || end[1] < '0' || end[1] > '9') return false;
    unsigned long s = strtoul(end + 1, &end, 10);
    if (errno || s > UINT32_MAX) return false;
    if (strcmp(end, ".dat") == 0)
        *is_temp = false;
    else if (strcmp(end, ".dat" DATA_FILE_TMP_SUFFIX) == 0)
        *is_temp = true;
    else
        return false;
    *rowset = r;
    *seg = (uint32_t)s;
    return true;
}

static int cmp_files(const void *x, const void *y) {
    const TabletFile *a = x, *b = y;
    if (a->rowset_id != b->rowset_id) return a->rowset_id < b->rowset_id ? -1 : 1;
    if (a->segment_no != b->segment_no) return a->segment_no < b->segment_no ? -1 : 1;
    return strcmp(a->name, b->name);
}

Status tablet_list_files(const char *tablet_dir, Arena *a, TabletFile **files_out, size_t *n_out,
                         Error *err) {
    *files_out = NULL;
    *n_out = 0;
    DIR *d = opendir(tablet_dir);
    if (!d) {
        if (errno == ENOENT) return STATUS_OK;
        return err_set(err, ERR_IO, "Cannot list tablet directory %s: %s", tablet_dir,
                       strerror(errno));
    }
    size_t n = 0, cap = 16;
    TabletFile *files = malloc(sizeof(TabletFile) * cap);
    if (!files) abort();
    struct dirent *e;
    while ((e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
        if (n == cap) {
            cap *= 2;
            files = realloc(files, sizeof(TabletFile) * cap);
            if (!files) abort();
        }
        TabletFile *f = &files[n++];
        memset(f, 0, sizeof *f);
        f->name = arena_strdup(a, e->d_name);
        f->is_foreign = !parse_name(e->d_name, &f->rowset_id, &f->segment_no, &f->is_temp);
        struct stat st;
        char *path = arena_sprintf(a, "%s/%s", tablet_dir, e->d_name);
        if (stat(path, &st) == 0) f->size = (uint64_t)st.st_size;
    }
    closedir(d);
    qsort(files, n, sizeof(TabletFile), cmp_files);
    *files_out = n ? arena_memdup(a, files, sizeof(TabletFile) * n) : NULL;
    *n_out = n;
    free(files);
    return STATUS_OK;
}

static int cmp_u64(const void *x, const void *y) {
    uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;
    return (a > b) - (a < b);
}

Status storage_list_tablets(const char *storage_root, Arena *a, uint64_t **ids_out, size_t *n_out,
                            Error *err) {
    *ids_out = NULL;
    *n_out = 0;
    char *data = arena_sprintf(a, "%s/data", storage_root);
    DIR *top = opendir(data);
    if (!top) {
        if (errno == ENOENT) return STATUS_OK;
        return err_set(err, ERR_IO, "Cannot list data directory %s: %s", data, strerror(errno));
    }
    size_t n = 0, cap = 64;
    uint64_t *ids = malloc(sizeof(uint64_t) * cap);
    if (!ids) abort();
    struct dirent *e;
    Status s = STATUS_OK;
    while (s == STATUS_OK && (e = readdir(top))) {
        char *end;
        unsigned long shard = strtoul(e->d_name, &end, 10);
        if (e->d_name[0] < '0' || e->d_name[0] > '9' || *end || shard >= TABLET_DIR_FANOUT)
            continue;
        char *sub = arena_sprintf(a, "%s/%s", data, e->d_name);
        DIR *d = opendir(sub);
        if (!d) {
            s = err_set(err, ERR_IO, "Cannot list data directory %s: %s", sub, strerror(errno));
            break;
        }
        struct dirent *t;
        while ((t = readdir(d))) {
            unsigned long long id = strtoull(t->d_name, &end, 10);
            if (t->d_name[0] < '0' || t->d_name[0] > '9' || *end || id % TABLET_DIR_FANOUT != shard)
                continue;
            if (n == cap) {
                cap *= 2;
                ids = realloc(ids, sizeof(uint64_t) * cap);
                if (!ids) abort();
            }
            ids[n++] = id;
        }
        closedir(d);
    }
    closedir(top);
    if (s == STATUS_OK) {
        qsort(ids, n, sizeof(uint64_t), cmp_u64);
        *ids_out = n ? arena_memdup(a, ids, sizeof(uint64_t) * n) : NULL;
        *n_out = n;
    }
    free(ids);
    return s;
}

Status tablet_sweep_files(const char *tablet_dir, RowsetReferencedFn referenced, void *ctx,
                          size_t *removed_out, Error *err) {
    Arena *a = arena_new(0);
    TabletFile *files;
    size_t n, removed = 0;
    Status s = tablet_list_files(tablet_dir, a, &files, &n, err);
    for (size_t i = 0; s == STATUS_OK && i < n; i++) {
        if (files[i].is_foreign) continue;
        if (!files[i].is_temp && referenced(ctx, files[i].rowset_id)) continue;
        char *path = arena_sprintf(a, "%s/%s", tablet_dir, files[i].name);
        if (unlink(path) != 0 && errno != ENOENT)
            s = err_set(err, ERR_IO, "Cannot remove orphan data file %s: %s", path,
                        strerror(errno));
        else
            removed++;
    }
    if (s == STATUS_OK && removed) s = data_dir_fsync(tablet_dir, err);
    if (removed_out) *removed_out = removed;
    arena_free(a);
    return s;
}

Status tablet_dir_remove(const char *tablet_dir, Error *err) {
    Arena *a = arena_new(0);
    TabletFile *files;
    size_t n;
    Status s = tablet_list_files(tablet_dir, a, &files, &n, err);
    for (size_t i = 0; s == STATUS_OK && i < n; i++) {
        char *path = arena_sprintf(a, "%s/%s", tablet_dir, files[i].name);
        if (unlink(path) != 0 && errno != ENOENT)
            s = err_set(err, ERR_IO, "Cannot remove %s: %s", path, strerror(errno));
    }
    if (s == STATUS_OK && rmdir(tablet_dir) != 0 && errno != ENOENT)
        s = err_set(err, ERR_IO, "Cannot remove tablet directory %s: %s", tablet_dir,
                    strerror(errno));
    arena_free(a);
    return s;
}

Status rowset_delete_files(const char *tablet_dir, const RowsetMeta *m, Error *err) {
    Arena *a = arena_new(0);
    Status s = STATUS_OK;
    for (uint32_t i = 0; s == STATUS_OK && i < m->nsegments; i++) {
        char *path = segment_file_path(tablet_dir, m->rowset_id, i, a);
        if (unlink(path) != 0 && errno != ENOENT)
            s = err_set(err, ERR_IO, "Cannot remove data file %s: %s", path, strerror(errno));
    }
    if (s == STATUS_OK && m->nsegments) s = data_dir_fsync(tablet_dir, err);
    arena_free(a);
    return s;
}

/* Copies src to a new file dst (fsynced), for links that cannot cross file systems. */
static Status copy_file(const char *src, const char *dst, Error *err) {
    int in = open(src, O_RDONLY | O_CLOEXEC);
    if (in < 0) return err_set(err, ERR_IO, "Cannot open %s: %s", src, strerror(errno));
    DataFileWriter w;
    if (data_file_create(&w, dst, err)) {
        close(in);
        return STATUS_ERROR;
    }
    char *buf = malloc(1 << 20);
    if (!buf) abort();
    Status s = STATUS_OK;
    for (;;) {
        ssize_t n = read(in, buf, 1 << 20);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            s = err_set(err, ERR_IO, "Cannot read %s: %s", src, strerror(errno));
            break;
        }
        if (n == 0) break;
        if ((s = data_file_append(&w, buf, (size_t)n, err))) break;
    }
    free(buf);
    close(in);
    if (s == STATUS_OK) return data_file_commit(&w, NULL, NULL, err);
    data_file_abort(&w);
    return s;
}

Status rowset_link_files(const char *src_dir, const RowsetMeta *m, const char *dst_dir,
                         uint64_t new_rowset_id, Error *err) {
    if (data_dir_make_all(dst_dir, err)) return STATUS_ERROR;
    Arena *a = arena_new(0);
    uint64_t id = new_rowset_id ? new_rowset_id : m->rowset_id;
    Status s = STATUS_OK;
    for (uint32_t i = 0; s == STATUS_OK && i < m->nsegments; i++) {
        char *src = segment_file_path(src_dir, m->rowset_id, i, a);
        char *dst = segment_file_path(dst_dir, id, i, a);
        if (link(src, dst) == 0) continue;
        if (errno == EXDEV || errno == EPERM || errno == EMLINK)
            s = copy_file(src, dst, err);
        else
            s = err_set(err, ERR_IO, "Cannot link %s to %s: %s", src, dst, strerror(errno));
    }
    if (s == STATUS_OK) s = data_dir_fsync(dst_dir, err);
    arena_free(a);
    return s;
}

Status rowset_verify_files(const char *tablet_dir, const RowsetMeta *m, Error *err) {
    Arena *a = arena_new(0);
    Status s = STATUS_OK;
    for (uint32_t i = 0; s == STATUS_OK && i < m->nsegments; i++) {
        char *path = segment_file_path(tablet_dir, m->rowset_id, i, a);
        uint64_t size, sum;
        if ((s = data_file_checksum(path, &size, &sum, err))) break;
        const SegmentFileInfo *want = &m->segments[i];
        if (size != want->size || sum != want->checksum) {
            s = err_set(err, ERR_CORRUPT,
                        "Data file %s does not match its rowset metadata: %llu bytes with checksum "
                        "%016llx, "
                        "expected %llu bytes with checksum %016llx",
                        path, (unsigned long long)size, (unsigned long long)sum,
                        (unsigned long long)want->size, (unsigned long long)want->checksum);
            break;
        }
        SegmentVerifyInfo info;
        if ((s = segment_verify_file(path, &info, err))) break;
        if (info.nrows != want->nrows)
            s = err_set(err, ERR_CORRUPT,
                        "Data file %s holds %llu rows, its rowset metadata says %llu", path,
                        (unsigned long long)info.nrows, (unsigned long long)want->nrows);
    }
    arena_free(a);
    return s;
}
