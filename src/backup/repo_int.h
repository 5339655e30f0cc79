/* Internal repository registry operations shared by the repository statements (repo_stmt.c). */
#ifndef CAIRN_BACKUP_REPO_INT_H
#define CAIRN_BACKUP_REPO_INT_H

#include "backup/repo.h"

/* Persists r and adds it to the registry (ownership passes on success). */
Status repo_registry_add(Repo *r, Error *err) MUST_CHECK;
/* Deletes r's row and takes it out of the registry; freed when the last reference goes. */
Status repo_registry_remove(Repo *r, Error *err) MUST_CHECK;
/* Calls fn for each repository under the registry lock, in creation order. */
void repo_each(void (*fn)(void *ctx, const Repo *r), void *ctx);
void repo_free(Repo *r);
char *repo_props_to_json(const FsProp *props, int n); /* malloc'd */

#endif
