/* Load error log files (load_error_log.h). */
#include "load/load_error_log.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "server/config.h"
#include "util/log.h"

#define KEEP_SECONDS (3 * 86400)

static void log_dir(char *out, size_t n) {
    snprintf(out, n, "%s/load_error_log", config_get("data_dir"));
}

void load_error_log_add(LoadErrorLog *l, int64_t line, const char *reason, const char *raw, size_t raw_len) {
    l->rows++;
    if (l->rows > LOAD_ERROR_LOG_MAX_ROWS) return;
    sb_appendf(&l->text, "Error: %s. Row %lld: ", reason, (long long)line);
    /* show control bytes escaped so one rejected row stays one line */
    size_t shown = raw_len > 4096 ? 4096 : raw_len;
    for (size_t i = 0; i < shown; i++) {
        unsigned char c = (unsigned char)raw[i];
        if (c == '\n')
            sb_append(&l->text, "\\n");
        else if (c == '\r')
            sb_append(&l->text, "\\r");
        else if (c == '\t')
            sb_append(&l->text, "\\t");
        else if (c < 0x20 || c == 0x7f)
            sb_appendf(&l->text, "\\x%02x", c);
        else
            sb_putc(&l->text, (char)c);
    }
    if (shown < raw_len) sb_appendf(&l->text, "... (%zu bytes)", raw_len);
    sb_putc(&l->text, '\n');
}

static void sweep_old(const char *dir) {
    DIR *d = opendir(dir);
    if (!d) return;
    time_t now = time(NULL);
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.') continue;
        char path[4400];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        struct stat st;
        if (stat(path, &st) == 0 && now - st.st_mtime > KEEP_SECONDS) unlink(path);
    }
    closedir(d);
}

Status load_error_log_save(LoadErrorLog *l, const char *label, int64_t txn_id, char *name_out, size_t n,
                           Error *err) {
    name_out[0] = '\0';
    if (l->rows == 0) return STATUS_OK;
    char dir[4096], path[4400];
    log_dir(dir, sizeof dir);
    if (mkdir(dir, 0755) != 0 && errno != EEXIST)
        return err_set(err, ERR_IO, "cannot create %s: %s", dir, strerror(errno));
    sweep_old(dir);
    snprintf(name_out, n, "error_log_%s_%lld", label, (long long)txn_id);
    snprintf(path, sizeof path, "%s/%s", dir, name_out);
    FILE *f = fopen(path, "w");
    if (!f) return err_set(err, ERR_IO, "cannot write %s: %s", path, strerror(errno));
    fwrite(sb_str(&l->text), 1, l->text.len, f);
    if (l->rows > LOAD_ERROR_LOG_MAX_ROWS)
        fprintf(f, "(%lld more rows were filtered; only the first %d are listed)\n",
                (long long)(l->rows - LOAD_ERROR_LOG_MAX_ROWS), LOAD_ERROR_LOG_MAX_ROWS);
    if (fclose(f) != 0) return err_set(err, ERR_IO, "cannot write %s: %s", path, strerror(errno));
    return STATUS_OK;
}

void load_error_log_free(LoadErrorLog *l) {
    sb_free(&l->text);
    l->rows = 0;
}

Status load_error_log_read(const char *name, StrBuf *out, Error *err) {
    if (!name || !*name || strchr(name, '/') || strstr(name, ".."))
        return err_set(err, ERR_INVALID_ARGUMENT, "file '%s' is not the name of a load error log", name ? name : "");
    char dir[4096], path[4400];
    log_dir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "r");
    if (!f)
        return err_set(err, ERR_FS_NOT_FOUND, "load error log '%s' does not exist (logs are kept for three days)",
                       name);
    char buf[65536];
    size_t k;
    while ((k = fread(buf, 1, sizeof buf, f)) > 0) sb_appendn(out, buf, k);
    fclose(f);
    return STATUS_OK;
}
