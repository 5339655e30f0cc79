/* libFuzzer target for the SQL front end (build with `make fuzz`, run
 * `build/fuzz/sql_parse_fuzz tests/fuzz/sql_corpus`): any input must parse or fail cleanly, never
 * crash, and whatever parses must print back to SQL that re-parses to the same text
 * (sql_roundtrip.h). */
#include <stdint.h>
#include <stdlib.h>

#include "sql_roundtrip.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    Arena *a = arena_new(0);
    if (sql_check_roundtrip(a, (const char *)data, size)) abort();
    arena_free(a);
    return 0;
}
