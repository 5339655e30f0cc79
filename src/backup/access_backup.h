/* Users, roles and grants carried by snapshots (include_users / restore_users). */
#ifndef CAIRN_BACKUP_ACCESS_BACKUP_H
#define CAIRN_BACKUP_ACCESS_BACKUP_H

#include <jansson.h>

#include "backup/job.h"
#include "backup/repo.h"
#include "util/error.h"

/* Every user and role that is not built in: password hash, roles, grants. */
json_t *access_export(void);
/* Creates the users and roles of doc that do not exist yet, with their grants; existing ones are left alone. */
Status access_import(const json_t *doc, int *users, int *roles, Error *err) MUST_CHECK;

/* BACKUP: stores access_export() as a data object of the snapshot (through the job's compression and
 * encryption) and returns the manifest's "access" entry. */
Status access_backup_save(BrJob *job, Repo *r, json_t **entry, Error *err) MUST_CHECK;
/* RESTORE: fetches and verifies the snapshot's access object and imports it. */
Status access_backup_restore(BrJob *job, Repo *r, const json_t *entry, Error *err) MUST_CHECK;

#endif
