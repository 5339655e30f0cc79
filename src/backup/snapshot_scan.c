/* Which snapshots a repository holds, read from the repository itself. One recursive listing of
 * snapshots/ (or snapshots/<label>/) yields every (label, timestamp) folder and whether it holds info.json.
 * Names are derived from object keys rather than from directory listings: object stores have no directories,
 * and some S3 servers answer delimiter listings of deep prefixes incompletely. */
#include <stdlib.h>
#include <string.h>

#include "backup/br_files.h"

static int cmp_entry(const void *a, const void *b) {
    const SnapEntry *x = a, *y = b;
    int c = strcmp(x->label, y->label);
    return c ? c : strcmp(x->ts, y->ts);
}

typedef struct ScanCtx {
    const char *label; /* NULL: paths are label/ts/file; else ts/file */
    SnapList *out;
    size_t cap;
} ScanCtx;

static Status scan_entry(void *vctx, const FsEntry *e, Error *err) {
    ScanCtx *c = vctx;
    const char *p = e->path;
    char label[256], ts[256];
    const char *slash;
    if (c->label) {
        snprintf(label, sizeof label, "%s", c->label);
    } else {
        if (!(slash = strchr(p, '/')) || (size_t)(slash - p) >= sizeof label) return STATUS_OK;
        memcpy(label, p, (size_t)(slash - p));
        label[slash - p] = '\0';
        p = slash + 1;
    }
    if (!(slash = strchr(p, '/')) || (size_t)(slash - p) >= sizeof ts) return STATUS_OK;
    memcpy(ts, p, (size_t)(slash - p));
    ts[slash - p] = '\0';
    bool info = strcmp(slash + 1, "info.json") == 0;
    SnapList *l = c->out;
    for (size_t i = l->n; i-- > 0;) /* entries of one folder arrive together: look back a little */
        if (!strcmp(l->items[i].ts, ts) && !strcmp(l->items[i].label, label)) {
            l->items[i].complete |= info;
            return STATUS_OK;
        } else if (l->n - i > 8) {
            break;
        }
    if (l->n == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 16;
        l->items = realloc(l->items, c->cap * sizeof *l->items);
    }
    SnapEntry *s = &l->items[l->n++];
    s->label = strdup(label);
    s->ts = strdup(ts);
    s->complete = info;
    return STATUS_OK;
}

Status snapshot_scan(Repo *r, Fs *fs, const char *label, SnapList *out, Error *err) {
    memset(out, 0, sizeof *out);
    ScanCtx c = {label, out, 0};
    StrBuf dir = STRBUF_INIT;
    if (label)
        repo_path(r, &dir, "snapshots/%s", label);
    else
        repo_path(r, &dir, "snapshots");
    Status st = fs_list(fs, sb_str(&dir), true, scan_entry, &c, err);
    sb_free(&dir);
    if (st) {
        snapshot_list_free(out);
        return st;
    }
    if (out->n > 1) qsort(out->items, out->n, sizeof *out->items, cmp_entry);
    /* folders listed apart (more than 8 entries back) were recorded twice: merge neighbours */
    size_t w = 0;
    for (size_t i = 0; i < out->n; i++) {
        if (w && !strcmp(out->items[w - 1].label, out->items[i].label) && !strcmp(out->items[w - 1].ts, out->items[i].ts)) {
            out->items[w - 1].complete |= out->items[i].complete;
            free(out->items[i].label);
            free(out->items[i].ts);
            continue;
        }
        out->items[w++] = out->items[i];
    }
    out->n = w;
    return STATUS_OK;
}

void snapshot_list_free(SnapList *l) {
    for (size_t i = 0; i < l->n; i++) {
        free(l->items[i].label);
        free(l->items[i].ts);
    }
    free(l->items);
    memset(l, 0, sizeof *l);
}
