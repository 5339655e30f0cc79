/* The data directory lock: one cairnd per data dir. An flock(2) on <data_dir>/cairnd.lock held for the life
 * of the process (the kernel drops it when the process dies, even by kill -9), with the holder's pid written
 * inside so the refusal message can name it. */
#ifndef CAIRN_SERVER_LOCKFILE_H
#define CAIRN_SERVER_LOCKFILE_H

#include "util/error.h"

/* Takes the lock (creating data_dir if needed). Held already: ERR_IO naming the other pid and the path. */
Status lockfile_acquire(const char *data_dir, Error *err) MUST_CHECK;
/* Releases the lock taken by lockfile_acquire (no-op when none). */
void lockfile_release(void);

#endif
