/* Registration of the load module's statement handlers (load.h). */
#include "load/load.h"

#include "load/load_internal.h"
#include "sql/execute.h"

void load_register_statements(void) {
    sql_register(STMT_INSERT, load_insert_handler);
    sql_register(STMT_DELETE, load_delete_handler);
    sql_register(STMT_UPDATE, load_update_handler);
}
