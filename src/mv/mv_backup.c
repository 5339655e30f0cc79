/* Placeholder: backup ordering and restore activation. */
#include "mv/mv.h"

json_t *mv_backup_order(int64_t db_id, json_t *objs) {
    return objs;
}

char *mv_restore_finish(int64_t db_id, const char *source_db, const json_t *objects) {
    return NULL;
}
