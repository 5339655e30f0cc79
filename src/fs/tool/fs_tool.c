/* cairn-fs: the storage drivers from the shell, for benchmarks, tests and operators checking a
 * location. cairn-fs [-p key=value]... [-P propfile] [--zstd N] [--passphrase P] [--threads N]
 * COMMAND LOCATION ARGS Commands: probe | ls [dir] [-r] | stat path | rm path | rm-prefix dir | cat
 * path | put local remote | get remote local | put-dir localdir remotedir | get-dir remotedir
 * localdir | sign (SigV4 of JSON lines on stdin, for the differential test against botocore). The
 * binary is built from this file with -DFS_TOOL_STANDALONE; the library copy only provides
 * fs_tool_main. */
#include <dirent.h>
#include <jansson.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fs/driver.h"
#include "fs/fs.h"
#include "fs/s3/s3_sign.h"
#include "fs/transfer.h"
#include "util/clock.h"
#include "util/vec.h"

int fs_tool_main(int argc, char **argv);

typedef struct Opts {
    VEC(FsProp) props;
    int zstd;
    bool has_key;
    uint8_t key[32];
    int threads;
    bool recursive;
} Opts;

static void usage(void) {
    fprintf(
        stderr,
        "usage: cairn-fs [-p key=value]... [-P propfile] [--zstd N] [--passphrase P] [--threads "
        "N]\n"
        "                probe|ls|stat|rm|rm-prefix|cat|put|get|put-dir|get-dir LOCATION [ARGS]\n"
        "       cairn-fs sign < requests.jsonl\n");
}

static int fail(const Error *err) {
    fprintf(stderr, "cairn-fs: %s\n", err->msg);
    return 1;
}

static void add_prop(Opts *o, const char *kv) {
    const char *eq = strchr(kv, '=');
    if (!eq) return;
    FsProp p = {strndup(kv, (size_t)(eq - kv)), strdup(eq + 1)};
    vec_push(&o->props, p);
}

static Status print_entry(void *ctx, const FsEntry *e, Error *err) {
    printf("%s%s\t%lld\t%lld\n", e->path, e->is_dir ? "/" : "", (long long)e->size,
           (long long)e->mtime_ms);
    return STATUS_OK;
}

static void print_result(const char *what, const FsXferResult *r, double secs) {
    printf(
        "{\"op\": \"%s\", \"plain_size\": %lld, \"stored_size\": %lld, \"plain_sha256\": \"%s\", "
        "\"stored_sha256\": \"%s\", \"plain_xxh3\": \"%016llx\", \"stored_xxh3\": \"%016llx\", "
        "\"seconds\": %.3f}\n",
        what, (long long)r->plain_size, (long long)r->stored_size, r->plain_sha256,
        r->stored_sha256, (unsigned long long)r->plain_xxh3, (unsigned long long)r->stored_xxh3,
        secs);
}

typedef struct Job {
    char *src, *dst;
} Job;

typedef struct Pool {
    Fs *fs;
    Job *jobs;
    int njobs;
    _Atomic int next;
    bool upload;
    const FsXferOptions *xo;
    _Atomic int64_t bytes;
    _Atomic int failed;
} Pool;

static void *pool_worker(void *arg) {
    Pool *p = arg;
    for (;;) {
        int i = atomic_fetch_add(&p->next, 1);
        if (i >= p->njobs) return NULL;
        FsXferResult r;
        Error err = ERROR_INIT;
        Status st =
            p->upload
                ? fs_upload_file(p->fs, p->jobs[i].src, p->jobs[i].dst, p->xo, &r, &err)
                : fs_download_file(p->fs, p->jobs[i].src, p->jobs[i].dst, p->xo, NULL, &r, &err);
        if (st) {
            fprintf(stderr, "cairn-fs: %s\n", err.msg);
            atomic_fetch_add(&p->failed, 1);
        } else {
            atomic_fetch_add(&p->bytes, r.plain_size);
        }
    }
}

typedef struct Names {
    VEC(char *) v;
} Names;

static Status collect_name(void *ctx, const FsEntry *e, Error *err) {
    Names *n = ctx;
    vec_push(&n->v, strdup(e->path));
    return STATUS_OK;
}

static int run_pool(Fs *fs, Job *jobs, int n, bool upload, const FsXferOptions *xo, int threads) {
    Pool p = {fs, jobs, n, 0, upload, xo, 0, 0};
    if (threads < 1) threads = 1;
    pthread_t *t = calloc((size_t)threads, sizeof *t);
    int64_t t0 = clock_mono_ns();
    for (int i = 0; i < threads; i++)
        pthread_create(&t[i], NULL, pool_worker, &p);
    for (int i = 0; i < threads; i++)
        pthread_join(t[i], NULL);
    double secs = (double)(clock_mono_ns() - t0) / 1e9;
    printf("{\"op\": \"%s\", \"files\": %d, \"bytes\": %lld, \"seconds\": %.3f, \"mb_per_s\": "
           "%.1f, \"failed\": %d}\n",
           upload ? "put-dir" : "get-dir", n, (long long)p.bytes, secs,
           (double)p.bytes / 1e6 / (secs > 0 ? secs : 1), (int)p.failed);
    free(t);
    return p.failed ? 1 : 0;
}

/* sign: one JSON object per line: {"method","host","path" (raw, unencoded),"query":[[k,v]...],
 * "headers":[[k,v]...],"payload","date","access_key","secret_key","region","service"}; prints the
 * Authorization value per line. The path is encoded here exactly as the S3 driver encodes keys. */
static int cmd_sign(void) {
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    while ((n = getline(&line, &cap, stdin)) > 0) {
        json_error_t je;
        json_t *o = json_loads(line, 0, &je);
        if (!o) {
            fprintf(stderr, "cairn-fs sign: bad JSON: %s\n", je.text);
            return 1;
        }
        json_t *q = json_object_get(o, "query"), *h = json_object_get(o, "headers");
        size_t nq = json_array_size(q), nh = json_array_size(h);
        SigV4Param *qp = calloc(nq + 1, sizeof *qp);
        SigV4Header *hp = calloc(nh + 1, sizeof *hp);
        for (size_t i = 0; i < nq; i++) {
            qp[i].key = json_string_value(json_array_get(json_array_get(q, i), 0));
            qp[i].value = json_string_value(json_array_get(json_array_get(q, i), 1));
        }
        for (size_t i = 0; i < nh; i++) {
            hp[i].name = json_string_value(json_array_get(json_array_get(h, i), 0));
            hp[i].value = json_string_value(json_array_get(json_array_get(h, i), 1));
        }
        StrBuf path = STRBUF_INIT, auth = STRBUF_INIT;
        fs_uri_encode(&path, json_string_value(json_object_get(o, "path")), true);
        SigV4Request r = {json_string_value(json_object_get(o, "method")),
                          sb_str(&path),
                          qp,
                          (int)nq,
                          hp,
                          (int)nh,
                          json_string_value(json_object_get(o, "payload"))};
        SigV4Scope s = {json_string_value(json_object_get(o, "access_key")),
                        json_string_value(json_object_get(o, "secret_key")),
                        json_string_value(json_object_get(o, "region")),
                        json_string_value(json_object_get(o, "service")),
                        json_string_value(json_object_get(o, "date"))};
        sigv4_authorization(&r, &s, &auth);
        printf("%s\n", sb_str(&auth));
        sb_free(&path);
        sb_free(&auth);
        free(qp);
        free(hp);
        json_decref(o);
    }
    free(line);
    fflush(stdout);
    return 0;
}

int fs_tool_main(int argc, char **argv) {
    Opts o = {0};
    o.threads = 4;
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        if (strcmp(argv[i], "-p") == 0 && i + 1 < argc) {
            add_prop(&o, argv[++i]);
        } else if (strcmp(argv[i], "-P") == 0 && i + 1 < argc) {
            FILE *f = fopen(argv[++i], "r");
            char buf[4096];
            while (f && fgets(buf, sizeof buf, f)) {
                buf[strcspn(buf, "\r\n")] = '\0';
                if (buf[0] && buf[0] != '#') add_prop(&o, buf);
            }
            if (f) fclose(f);
        } else if (strcmp(argv[i], "--zstd") == 0 && i + 1 < argc) {
            o.zstd = atoi(argv[++i]);
        } else if (strcmp(argv[i], "--passphrase") == 0 && i + 1 < argc) {
            io_crypt_key_from_passphrase(argv[++i], o.key);
            o.has_key = true;
        } else if (strcmp(argv[i], "--threads") == 0 && i + 1 < argc) {
            o.threads = atoi(argv[++i]);
        } else {
            usage();
            return 2;
        }
    }
    if (i < argc && strcmp(argv[i], "sign") == 0) return cmd_sign();
    if (argc - i < 2) {
        usage();
        return 2;
    }
    const char *cmd = argv[i], *loc = argv[i + 1];
    char **args = argv + i + 2;
    int nargs = argc - i - 2;
    for (int k = 0; k < nargs; k++)
        if (strcmp(args[k], "-r") == 0) o.recursive = true;
    Error err = ERROR_INIT;
    Fs *fs;
    if (fs_open(loc, o.props.items, (int)o.props.len, &fs, &err)) return fail(&err);
    FsXferOptions xo = {o.zstd, o.has_key ? o.key : NULL, NULL};
    int rc = 0;
    int64_t t0 = clock_mono_ns();
    if (strcmp(cmd, "probe") == 0) {
        if (fs_probe(fs, false, &err))
            rc = fail(&err);
        else
            printf("ok: %s (%s)\n", fs_location(fs), fs_driver_name(fs));
    } else if (strcmp(cmd, "ls") == 0) {
        const char *dir = nargs > 0 && strcmp(args[0], "-r") != 0 ? args[0] : "";
        if (fs_list(fs, dir, o.recursive, print_entry, NULL, &err)) rc = fail(&err);
    } else if (strcmp(cmd, "stat") == 0 && nargs == 1) {
        FsStat st;
        if (fs_stat(fs, args[0], &st, &err))
            rc = fail(&err);
        else
            printf("{\"exists\": %s, \"is_dir\": %s, \"size\": %lld, \"mtime_ms\": %lld}\n",
                   st.exists ? "true" : "false", st.is_dir ? "true" : "false", (long long)st.size,
                   (long long)st.mtime_ms);
    } else if (strcmp(cmd, "rm") == 0 && nargs == 1) {
        if (fs_remove(fs, args[0], &err)) rc = fail(&err);
    } else if (strcmp(cmd, "rm-prefix") == 0 && nargs == 1) {
        if (fs_remove_prefix(fs, args[0], &err)) rc = fail(&err);
    } else if (strcmp(cmd, "cat") == 0 && nargs == 1) {
        FsReader *r;
        if (fs_open_read(fs, args[0], &r, &err)) {
            rc = fail(&err);
        } else {
            char buf[65536];
            size_t got;
            while (fs_read(r, buf, sizeof buf, &got, &err) == STATUS_OK && got)
                fwrite(buf, 1, got, stdout);
            if (err.code) rc = fail(&err);
            fs_reader_close(r);
        }
    } else if (strcmp(cmd, "put") == 0 && nargs == 2) {
        FsXferResult r;
        if (fs_upload_file(fs, args[0], args[1], &xo, &r, &err))
            rc = fail(&err);
        else
            print_result("put", &r, (double)(clock_mono_ns() - t0) / 1e9);
    } else if (strcmp(cmd, "get") == 0 && nargs == 2) {
        FsXferResult r;
        if (fs_download_file(fs, args[0], args[1], &xo, NULL, &r, &err))
            rc = fail(&err);
        else
            print_result("get", &r, (double)(clock_mono_ns() - t0) / 1e9);
    } else if ((strcmp(cmd, "put-dir") == 0 || strcmp(cmd, "get-dir") == 0) && nargs >= 2) {
        bool up = cmd[0] == 'p';
        Names names = {0};
        if (up) {
            DIR *d = opendir(args[0]);
            struct dirent *de;
            while (d && (de = readdir(d)))
                if (de->d_name[0] != '.') vec_push(&names.v, strdup(de->d_name));
            if (d) closedir(d);
        } else if (fs_list(fs, args[0], false, collect_name, &names, &err)) {
            rc = fail(&err);
        }
        Job *jobs = calloc(names.v.len + 1, sizeof *jobs);
        for (size_t k = 0; k < names.v.len; k++) {
            StrBuf a = STRBUF_INIT, b = STRBUF_INIT;
            sb_appendf(&a, "%s/%s", args[0], names.v.items[k]);
            sb_appendf(&b, "%s/%s", args[1], names.v.items[k]);
            jobs[k].src = sb_detach(&a);
            jobs[k].dst = sb_detach(&b);
        }
        if (!up) mkdir(args[1], 0755);
        if (rc == 0) rc = run_pool(fs, jobs, (int)names.v.len, up, &xo, o.threads);
        for (size_t k = 0; k < names.v.len; k++)
            free(jobs[k].src), free(jobs[k].dst), free(names.v.items[k]);
        free(jobs);
        vec_free(&names.v);
    } else {
        usage();
        rc = 2;
    }
    fs_free(fs);
    for (size_t k = 0; k < o.props.len; k++)
        free((char *)o.props.items[k].key), free((char *)o.props.items[k].value);
    vec_free(&o.props);
    return rc;
}

#ifdef FS_TOOL_STANDALONE
int main(int argc, char **argv) {
    return fs_tool_main(argc, argv);
}
#endif
