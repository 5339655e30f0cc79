/* Names of the table-model enums. */
#include "types/schema.h"

#include <strings.h>

const char *keys_type_name(KeysType k) {
    switch (k) {
    case KEYS_AGGREGATE: return "AGGREGATE";
    case KEYS_UNIQUE: return "UNIQUE";
    case KEYS_PRIMARY: return "PRIMARY";
    default: return "DUPLICATE";
    }
}

static const char *agg_names[] = {"", "SUM", "MIN", "MAX", "REPLACE", "REPLACE_IF_NOT_NULL", "COUNT"};

const char *agg_type_name(AggType a) {
    return (unsigned)a < sizeof agg_names / sizeof agg_names[0] ? agg_names[a] : "";
}

AggType agg_type_from_name(const char *name) {
    for (unsigned i = 1; i < sizeof agg_names / sizeof agg_names[0]; i++)
        if (!strcasecmp(name, agg_names[i])) return (AggType)i;
    return AGG_NONE;
}
