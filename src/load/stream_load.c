/* Stream Load's core (stream_load.h): option parsing, the reader (CSV or JSON) -> convert -> where ->
 * sink pipeline, filtered-row accounting with the error log, and StarRocks' reply. Rows rejected by the
 * reader or conversion are counted as filtered (NumberFilteredRows), rows the `where` header drops as
 * unselected (NumberUnselectedRows); the load fails when filtered / total exceeds max_filter_ratio. */
#include "load/stream_load.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog/catalog.h"
#include "catalog/privilege.h"
#include "exec/exec.h"
#include "load/csv_reader.h"
#include "load/json_reader.h"
#include "load/load_convert.h"
#include "load/load_error_log.h"
#include "load/load_sink.h"
#include "server/config.h"
#include "sql/parser.h"
#include "util/arena.h"
#include "util/clock.h"
#include "util/log.h"
#include "util/str.h"

#define DEFAULT_TIMEOUT_S 600
#define MAX_RECORD_BYTES (256u << 20)

struct StreamLoad {
    Session *s;
    Arena *arena;
    char label[132];
    char table[140]; /* db.table, for the log */
    int64_t txn_id;
    LoadSink *ls;
    LoadConvert *conv;
    CsvReader *csv;
    JsonReader *json;
    ExecPredicate *where;
    Arena *scratch;
    double max_filter_ratio;
    int64_t timeout_ms;
    int64_t start_ns, begin_ms, plan_ms, read_ns;
    int64_t total, filtered, unselected, bytes;
    const int64_t *cur_lines; /* input line of each row of the batch being added (for reject reasons) */
    const uint32_t *cur_map;  /* batch row -> row of the converted batch (after `where`) */
    LoadErrorLog elog;
    bool failed;
    Error err;
    bool finished;
};

/* ---------------------------------------------------------------- replies */

static json_t *reply_new(int64_t txn_id, const char *label, const char *status, const char *message) {
    json_t *j = json_object();
    json_object_set_new(j, "TxnId", json_integer(txn_id));
    json_object_set_new(j, "Label", json_string(label ? label : ""));
    json_object_set_new(j, "Status", json_string(status));
    json_object_set_new(j, "Message", json_string(message));
    return j;
}

static void reply_counts(json_t *j, const StreamLoad *sl, int64_t loaded, int64_t write_ms, int64_t commit_ms) {
    int64_t now = clock_mono_ns();
    json_object_set_new(j, "NumberTotalRows", json_integer(sl ? sl->total : 0));
    json_object_set_new(j, "NumberLoadedRows", json_integer(loaded));
    json_object_set_new(j, "NumberFilteredRows", json_integer(sl ? sl->filtered : 0));
    json_object_set_new(j, "NumberUnselectedRows", json_integer(sl ? sl->unselected : 0));
    json_object_set_new(j, "LoadBytes", json_integer(sl ? sl->bytes : 0));
    json_object_set_new(j, "LoadTimeMs", json_integer(sl ? (now - sl->start_ns) / 1000000 : 0));
    json_object_set_new(j, "BeginTxnTimeMs", json_integer(sl ? sl->begin_ms : 0));
    json_object_set_new(j, "StreamLoadPlanTimeMs", json_integer(sl ? sl->plan_ms : 0));
    json_object_set_new(j, "ReadDataTimeMs", json_integer(sl ? sl->read_ns / 1000000 : 0));
    json_object_set_new(j, "WriteDataTimeMs", json_integer(write_ms));
    json_object_set_new(j, "CommitAndPublishTimeMs", json_integer(commit_ms));
}

json_t *stream_load_fail_reply(const char *label, const char *message) {
    json_t *j = reply_new(0, label, "Fail", message);
    reply_counts(j, NULL, 0, 0, 0);
    return j;
}

/* ---------------------------------------------------------------- options */

static bool hdr_bool(const char *v, bool dflt) {
    if (!v) return dflt;
    bool b;
    return str_to_bool(v, &b) ? b : dflt;
}

static Status parse_csv_options(StreamLoadHeaderFn hdr, void *hctx, CsvOptions *o, Error *err) {
    csv_options_init(o);
    const char *v;
    if ((v = hdr(hctx, "column_separator")) && csv_options_set_sep(o->col_sep, &o->col_sep_len, v, "column_separator", err))
        return STATUS_ERROR;
    if ((v = hdr(hctx, "row_delimiter")) && csv_options_set_sep(o->row_delim, &o->row_delim_len, v, "row_delimiter", err))
        return STATUS_ERROR;
    if ((v = hdr(hctx, "enclose")) && csv_options_set_byte(&o->enclose, v, "enclose", err)) return STATUS_ERROR;
    if ((v = hdr(hctx, "escape")) && csv_options_set_byte(&o->escape, v, "escape", err)) return STATUS_ERROR;
    if ((v = hdr(hctx, "skip_header"))) {
        int64_t n;
        if (!str_to_int64(v, &n) || n < 0)
            return err_set(err, ERR_INVALID_ARGUMENT, "skip_header '%s' is not a number of lines", v);
        o->skip_header = n;
    }
    o->trim_space = hdr_bool(hdr(hctx, "trim_space"), false);
    return STATUS_OK;
}

static char **split_list(const char *v, Arena *a, int *n) {
    *n = 0;
    int cap = 8;
    char **out = arena_alloc(a, sizeof(char *) * (size_t)cap);
    const char *p = v;
    while (*p) {
        while (*p == ' ' || *p == ',') p++;
        const char *s = p;
        while (*p && *p != ',') p++;
        const char *e = p;
        while (e > s && e[-1] == ' ') e--;
        if (e == s) continue;
        if (*n == cap) {
            char **no = arena_alloc(a, sizeof(char *) * (size_t)cap * 2);
            memcpy(no, out, sizeof(char *) * (size_t)cap);
            out = no;
            cap *= 2;
        }
        out[(*n)++] = arena_strndup(a, s, (size_t)(e - s));
    }
    return out;
}

/* ---------------------------------------------------------------- pipeline */

static void on_reject(void *ctx, uint32_t row, const char *reason) {
    StreamLoad *sl = ctx;
    uint32_t orig = sl->cur_map ? sl->cur_map[row] : row;
    int64_t line = sl->cur_lines ? sl->cur_lines[orig] : 0;
    sl->filtered++;
    load_error_log_add(&sl->elog, line, reason, "", 0);
}

/* Applies `where` to the converted batch and hands the survivors to the sink. */
static Status process_batch(StreamLoad *sl, Error *err) {
    if (load_convert_pending(sl->conv) == 0) return STATUS_OK;
    const int64_t *lines;
    Batch *b = load_convert_batch(sl->conv, &lines);
    sl->cur_lines = lines;
    sl->cur_map = NULL;
    Status st = STATUS_OK;
    if (sl->where) {
        arena_reset(sl->scratch);
        uint8_t *match = arena_alloc(sl->scratch, b->nrows + 1);
        if (exec_predicate_eval(sl->where, b, sl->scratch, match, err)) {
            st = err_prefix(err, "where: ");
            goto done;
        }
        uint32_t *sel = arena_alloc(sl->scratch, sizeof(uint32_t) * (b->nrows + 1));
        uint32_t n = 0;
        for (uint32_t r = 0; r < b->nrows; r++)
            if (match[r]) sel[n++] = r;
        sl->unselected += b->nrows - n;
        if (n < b->nrows) {
            Batch *nb = arena_calloc(sl->scratch, sizeof *nb);
            nb->ncols = b->ncols;
            nb->arena = sl->scratch;
            nb->cols = arena_alloc(sl->scratch, sizeof(ColumnVector *) * (size_t)(b->ncols + 1));
            for (int c = 0; c < b->ncols; c++) {
                nb->cols[c] = colvec_new(sl->scratch, b->cols[c]->type, n ? n : 1);
                colvec_append_selected(nb->cols[c], b->cols[c], sel, n);
            }
            nb->nrows = n;
            b = nb;
            sl->cur_map = sel;
        }
    }
    st = load_sink_add(sl->ls, b, NULL, err);
done:
    load_convert_reset(sl->conv);
    sl->cur_lines = NULL;
    sl->cur_map = NULL;
    return st;
}

static Status take_row(StreamLoad *sl, const CsvField *f, int n, const char *raw, size_t raw_len, int64_t line,
                       Error *err) {
    sl->total++;
    const char *reason;
    if (!load_convert_row(sl->conv, f, n, line, &reason)) {
        sl->filtered++;
        load_error_log_add(&sl->elog, line, reason, raw, raw_len);
        return STATUS_OK;
    }
    if (load_convert_pending(sl->conv) >= BATCH_SIZE) return process_batch(sl, err);
    return STATUS_OK;
}

static Status on_csv(void *ctx, const CsvField *f, int n, const char *raw, size_t raw_len, int64_t line, Error *err) {
    return take_row(ctx, f, n, raw, raw_len, line, err);
}

static Status on_json(void *ctx, const JsonField *f, int n, const char *problem, const char *raw, size_t raw_len,
                      int64_t row, Error *err) {
    StreamLoad *sl = ctx;
    if (!f) {
        sl->total++;
        sl->filtered++;
        load_error_log_add(&sl->elog, row, problem, raw, raw_len);
        return STATUS_OK;
    }
    return take_row(sl, f, n, raw, raw_len, row, err);
}

/* ---------------------------------------------------------------- begin / feed / finish */

static json_t *fail_json(StreamLoad *sl, const char *db, const char *label, const Error *err) {
    if (err->code == ERR_LABEL_EXISTS) {
        json_t *j = reply_new(0, label, "Label Already Exists", err->msg);
        json_object_set_new(j, "ExistingJobStatus",
                            json_string(load_label_running(db, label) ? "RUNNING" : "FINISHED"));
        reply_counts(j, sl, 0, 0, 0);
        return j;
    }
    json_t *j = reply_new(sl ? sl->txn_id : 0, label, "Fail", err->msg);
    reply_counts(j, sl, 0, 0, 0);
    return j;
}

static Status setup(StreamLoad *sl, const char *db, const char *table, StreamLoadHeaderFn hdr, void *hctx,
                    Error *err) {
    const char *v;
    sl->max_filter_ratio = 0;
    if ((v = hdr(hctx, "max_filter_ratio"))) {
        char *end;
        double r = strtod(v, &end);
        if (*end || r < 0 || r > 1 || isnan(r))
            return err_set(err, ERR_INVALID_ARGUMENT, "max_filter_ratio '%s' must be a number from 0 to 1", v);
        sl->max_filter_ratio = r;
    }
    sl->timeout_ms = DEFAULT_TIMEOUT_S * 1000;
    if ((v = hdr(hctx, "timeout"))) {
        int64_t t;
        if (!str_to_int64(v, &t) || t <= 0)
            return err_set(err, ERR_INVALID_ARGUMENT, "timeout '%s' must be a positive number of seconds", v);
        sl->timeout_ms = t * 1000;
    }
    if (hdr_bool(hdr(hctx, "partial_update"), false))
        return err_set(err, ERR_NOT_SUPPORTED, "partial_update is not supported by cairn's Stream Load");
    const char *format = hdr(hctx, "format");
    bool is_json = false;
    if (format && str_ieq(format, "json"))
        is_json = true;
    else if (format && !str_ieq(format, "csv"))
        return err_set(err, ERR_INVALID_ARGUMENT, "format '%s' is not supported (use csv or json)", format);
    CsvOptions co;
    if (!is_json && parse_csv_options(hdr, hctx, &co, err)) return STATUS_ERROR;
    LoadColumnItem *items = NULL;
    int nitems = 0;
    if ((v = hdr(hctx, "columns")) && *v && load_parse_columns(v, sl->arena, &items, &nitems, err))
        return STATUS_ERROR;
    Expr *where = NULL;
    if ((v = hdr(hctx, "where")) && *v && sql_parse_expr(sl->arena, v, strlen(v), &where, err))
        return err_prefix(err, "where: ");

    LoadSinkOptions o = {0};
    const char *label = hdr(hctx, "label");
    o.label = label && *label ? label : NULL;
    if ((v = hdr(hctx, "temporary_partitions")) && *v) {
        o.partitions = split_list(v, sl->arena, &o.npartitions);
        o.temp_partitions = true;
    } else if ((v = hdr(hctx, "partitions")) && *v) {
        o.partitions = split_list(v, sl->arena, &o.npartitions);
    }
    o.reject = on_reject;
    o.reject_ctx = sl;
    o.writer_threads = (int)config_get_int("load_writer_threads");
    int64_t t0 = clock_mono_ns();
    if (load_sink_open(sl->s, db, table, &o, &sl->ls, err)) return STATUS_ERROR;
    int64_t t1 = clock_mono_ns();
    sl->begin_ms = (t1 - t0) / 1000000;
    sl->txn_id = load_sink_txn_id(sl->ls);
    snprintf(sl->label, sizeof sl->label, "%s", load_sink_label(sl->ls));
    const LoadTableInfo *ti = load_sink_table(sl->ls);
    snprintf(sl->table, sizeof sl->table, "%s.%s", ti->db_name, ti->table_name);
    bool strict = hdr_bool(hdr(hctx, "strict_mode"), false);
    if (load_convert_new(sl->s, ti, items, nitems, strict, &sl->conv, err)) return STATUS_ERROR;
    if (where) {
        ExecColumnDesc *cols = arena_alloc(sl->arena, sizeof *cols * (size_t)(ti->ncols + 1));
        for (int i = 0; i < ti->ncols; i++) {
            cols[i].name = ti->cols[i].name;
            cols[i].type = ti->cols[i].type;
        }
        if (exec_predicate_compile(sl->s, where, cols, ti->ncols, sl->arena, &sl->where, err))
            return err_prefix(err, "where: ");
    }
    if (is_json) {
        JsonOptions jo = {0};
        jo.strip_outer_array = hdr_bool(hdr(hctx, "strip_outer_array"), false);
        jo.jsonpaths = hdr(hctx, "jsonpaths");
        jo.json_root = hdr(hctx, "json_root");
        int nsrc = load_convert_nsources(sl->conv);
        if (json_reader_new(&jo, load_convert_source_names(sl->conv), nsrc, 0, &sl->json, err)) return STATUS_ERROR;
        if (json_reader_nfields(sl->json) != nsrc)
            return err_set(err, ERR_INVALID_ARGUMENT,
                           "jsonpaths has %d paths but %d columns are loaded (name them in the columns header, in "
                           "the order of jsonpaths)",
                           json_reader_nfields(sl->json), nsrc);
    } else {
        sl->csv = csv_reader_new(&co, MAX_RECORD_BYTES);
    }
    sl->plan_ms = (clock_mono_ns() - t1) / 1000000;
    return STATUS_OK;
}

Status stream_load_begin(Session *s, const char *db, const char *table, StreamLoadHeaderFn hdr, void *hctx,
                         StreamLoad **out, json_t **reply) {
    *out = NULL;
    *reply = NULL;
    Error err = ERROR_INIT;
    const char *label = hdr(hctx, "label");
    if (priv_check(s, PRIV_INSERT, db, table, &err)) {
        *reply = fail_json(NULL, db, label, &err);
        return STATUS_ERROR;
    }
    StreamLoad *sl = calloc(1, sizeof *sl);
    if (!sl) abort();
    sl->s = s;
    sl->arena = arena_new(0);
    sl->scratch = arena_new(1 << 20);
    sl->start_ns = clock_mono_ns();
    snprintf(sl->label, sizeof sl->label, "%s", label ? label : "");
    if (setup(sl, db, table, hdr, hctx, &err)) {
        *reply = fail_json(sl, db, sl->label, &err);
        stream_load_free(sl);
        return STATUS_ERROR;
    }
    *out = sl;
    return STATUS_OK;
}

Status stream_load_feed(StreamLoad *sl, const char *data, size_t n, Error *err) {
    if (sl->failed) return err_copy(err, &sl->err);
    int64_t t0 = clock_mono_ns();
    sl->bytes += (int64_t)n;
    Status st;
    if (sl->csv)
        st = csv_reader_feed(sl->csv, data, n, on_csv, sl, err);
    else
        st = json_reader_feed(sl->json, data, n, on_json, sl, err);
    int64_t t1 = clock_mono_ns();
    sl->read_ns += t1 - t0;
    if (!st && (t1 - sl->start_ns) / 1000000 > sl->timeout_ms)
        st = err_set(err, ERR_TIMEOUT, "the load timed out after %lld s (raise the timeout header)",
                     (long long)(sl->timeout_ms / 1000));
    if (st) {
        sl->failed = true;
        sl->err = *err;
    }
    return st;
}

json_t *stream_load_finish(StreamLoad *sl, const Error *transport_err, const char *error_url_base) {
    sl->finished = true;
    Error err = ERROR_INIT;
    Status st = STATUS_OK;
    if (sl->failed)
        st = err_copy(&err, &sl->err);
    else if (transport_err)
        st = err_copy(&err, transport_err);
    if (!st) {
        int64_t t0 = clock_mono_ns();
        st = sl->csv ? csv_reader_finish(sl->csv, on_csv, sl, &err) : json_reader_finish(sl->json, on_json, sl, &err);
        if (!st) st = process_batch(sl, &err);
        sl->read_ns += clock_mono_ns() - t0;
    }
    char url[600] = "";
    char name[300] = "";
    if (sl->elog.rows) {
        Error e2 = ERROR_INIT;
        if (load_error_log_save(&sl->elog, sl->label, sl->txn_id, name, sizeof name, &e2))
            log_warn("stream load %s: %s", sl->label, e2.msg);
        else
            snprintf(url, sizeof url, "%s/api/_load_error_log?file=%s", error_url_base ? error_url_base : "", name);
    }
    bool too_many = !st && sl->total > 0 && (double)sl->filtered / (double)sl->total > sl->max_filter_ratio;
    json_t *j;
    if (st || too_many) {
        LoadSink *ls = sl->ls;
        sl->ls = NULL;
        load_sink_abort(ls);
        if (too_many)
            j = reply_new(sl->txn_id, sl->label, "Fail",
                          "too many filtered rows (raise max_filter_ratio to tolerate them; the first ones are listed "
                          "at ErrorURL)");
        else
            j = reply_new(sl->txn_id, sl->label, "Fail", err.msg);
        reply_counts(j, sl, 0, 0, 0);
    } else {
        LoadSinkResult res;
        LoadSink *ls = sl->ls;
        sl->ls = NULL;
        if (load_sink_commit(ls, &res, &err)) {
            j = reply_new(sl->txn_id, sl->label, "Fail", err.msg);
            reply_counts(j, sl, 0, 0, 0);
        } else {
            j = reply_new(res.txn_id, res.label, "Success", "OK");
            reply_counts(j, sl, res.rows, res.write_ms, res.commit_ms);
            log_info("stream load %s into %s: %lld rows loaded, %lld filtered, %lld unselected, %lld bytes",
                     res.label, sl->table, (long long)res.rows, (long long)sl->filtered,
                     (long long)sl->unselected, (long long)sl->bytes);
        }
    }
    if (url[0]) json_object_set_new(j, "ErrorURL", json_string(url));
    return j;
}

void stream_load_free(StreamLoad *sl) {
    if (!sl) return;
    load_sink_abort(sl->ls);
    load_convert_free(sl->conv);
    csv_reader_free(sl->csv);
    json_reader_free(sl->json);
    load_error_log_free(&sl->elog);
    arena_free(sl->scratch);
    arena_free(sl->arena);
    free(sl);
}
