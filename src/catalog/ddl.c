/* Registration of the catalog's statement handlers (interim: handlers land file by file). */
#include "catalog/ddl.h"

#include "sql/execute.h"

void catalog_register_statements(void) {}
