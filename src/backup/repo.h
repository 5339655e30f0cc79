/* Repositories: where snapshots live. A repository is a name bound to a storage location (fs/) with its
 * properties; the registry is persisted in the metadata database (table `repository`) and held in memory.
 * Everything cairn writes to a repository sits under one prefix that contains the repository's name, so a
 * second instance sees the snapshots only through a repository of the same name and location:
 *
 *   <location>/__cairn_repository_<name>/
 *     repo_info.json                                   name and creation time (re-attach adopts them)
 *     data/<aa>/<object>                               immutable content-addressed data files
 *     snapshots/<label>/<timestamp>/manifest.json      every object, schema, partition, file of a snapshot
 *     snapshots/<label>/<timestamp>/info.json          written last: the snapshot's commit mark
 *
 * Thread-safety: the registry is guarded by one mutex; a Repo handed out by repo_acquire stays valid until
 * repo_release even if it is dropped meanwhile. Its Fs is opened once and shared (fs/ allows that). */
#ifndef CAIRN_BACKUP_REPO_H
#define CAIRN_BACKUP_REPO_H

#include <stdbool.h>
#include <stdint.h>

#include "fs/fs.h"
#include "util/error.h"
#include "util/strbuf.h"

typedef struct Repo {
    int64_t id;
    char *name;        /* owned */
    bool read_only;
    char *location;    /* owned, trailing '/' stripped */
    bool with_broker;
    char *broker;      /* owned; "" when none */
    FsProp *props;     /* owned keys and values (secrets included: never print them) */
    int nprops;
    int64_t create_time_ms;
    Fs *fs;            /* opened on first use; guarded by the registry mutex while opening */
    int refs;          /* acquirers; guarded by the registry mutex */
    bool dropped;
} Repo;

/* Creates the table, loads every repository. Call once at start after meta_open. */
Status repo_module_init(Error *err) MUST_CHECK;
void repo_module_shutdown(void);
void repo_register_statements(void);

/* Looks a repository up by name (case-sensitive) and takes a reference; NULL when absent. */
Repo *repo_acquire(const char *name);
Repo *repo_acquire_id(int64_t id);
void repo_release(Repo *r);
/* The repository's Fs, opened on first use. */
Status repo_fs(Repo *r, Fs **out, Error *err) MUST_CHECK;

/* Appends "__cairn_repository_<name>/" then the formatted suffix. */
void repo_path(const Repo *r, StrBuf *out, const char *fmt, ...) PRINTF_FMT(3, 4);

#endif
