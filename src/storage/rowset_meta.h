/* RowsetMeta: what a finished load (or compaction) wrote into one tablet — its segment files with
 * sizes and whole-file checksums, row counts and key bounds. The catalog persists it (as JSON, or
 * in its own columns) in the same metadata transaction that bumps the partition's visible version,
 * and owns its lifetime. Segment files are named <rowset_id>_<segment_no>.dat in the tablet
 * directory (see tablet_files.h). */
#ifndef CAIRN_STORAGE_ROWSET_META_H
#define CAIRN_STORAGE_ROWSET_META_H

#include <stdbool.h>
#include <stdint.h>

#include "storage/segment_writer.h"
#include "storage/tablet_schema.h"
#include "util/arena.h"
#include "util/error.h"
#include "util/strbuf.h"

typedef struct RowsetMeta {
    uint64_t rowset_id;
    int64_t
        start_version; /* versions are the catalog's: a load has start == end, a compaction spans */
    int64_t end_version;   /* its inputs. Readers take rowsets in ascending version order. */
    uint64_t nrows;        /* rows stored: delete markers included, repeated keys of a load folded */
    uint64_t ndeletes;     /* rows carrying ROW_OP_DELETE */
    uint64_t data_size;    /* bytes of all segment files */
    bool segments_overlap; /* key ranges of the segments may overlap (a large load split into sorted
                              chunks); false for one segment and for compaction output */
    uint32_t nsegments;
    SegmentFileInfo *segments; /* segments[i] is file <rowset_id>_<i>.dat */
    /* Key bounds: each key column storage_datum_encode'd in order; both NULL when the rowset is
     * empty or keyless. */
    uint8_t *min_key, *max_key;
    uint32_t min_key_len, max_key_len;
} RowsetMeta;

/* One JSON object:
 * {"rowset_id":..,"start_version":..,"end_version":..,"rows":..,"deletes":..,"data_size":..,
 * "overlapping":..,"segments":[{"rows":..,"size":..,"checksum":"<16
 * hex>"}],"min_key":"<hex>","max_key":"<hex>"} */
void rowset_meta_to_json(const RowsetMeta *m, StrBuf *out);
/* Parses rowset_meta_to_json output. Owned by: a. Malformed text is ERR_CORRUPT. */
Status rowset_meta_from_json(const char *text, size_t len, Arena *a, RowsetMeta **out,
                             Error *err) MUST_CHECK;
/* Decodes the key bounds into schema->nkeys Datums each (strings borrowed from m). false when
 * absent. */
bool rowset_meta_key_bounds(const RowsetMeta *m, const TabletSchema *schema, Arena *a,
                            Datum **min_out, Datum **max_out);
/* Deep copy. Owned by: a. */
RowsetMeta *rowset_meta_copy(const RowsetMeta *m, Arena *a);

#endif
