/* The query engine's window onto storage: a neutral description of the tablets and rowsets a scan reads
 * (filled from the catalog's read view by scan_catalog.c) and cursors over one tablet each (scan_tablet.c,
 * which wraps storage's TabletReader). Kept apart from catalog.h on purpose: both storage and catalog declare
 * a RowsetMeta, so no file includes both. */
#ifndef CAIRN_EXEC_SCAN_TABLET_H
#define CAIRN_EXEC_SCAN_TABLET_H

#include <stdbool.h>
#include <stdint.h>

#include "exec/exec.h"
#include "exec/scan.h"
#include "types/schema.h"

typedef struct TabletSegDesc {
    uint64_t nrows, size, checksum;
} TabletSegDesc;

typedef struct TabletRowsetDesc {
    uint64_t rowset_id;
    int64_t start_version, end_version;
    uint64_t nrows, data_size;
    int nsegments;
    TabletSegDesc *segments;
} TabletRowsetDesc;

/* A DELETE on a DUPLICATE table: rows of rowsets older than `version` matching pred are gone. */
typedef struct TabletDeleteDesc {
    int64_t version;
    const ExecPredicate *pred;      /* over the table's columns in schema order */
    const int *cols;                  /* columns the predicate reads */
    int ncols;
} TabletDeleteDesc;

typedef struct TabletReadDesc {
    int64_t tablet_id;
    int nrowsets;
    TabletRowsetDesc *rowsets; /* data rowsets, ascending versions */
    TabletDeleteDesc *deletes; /* DELETE predicates recorded in this tablet */
    int ndeletes;
} TabletReadDesc;

typedef struct TabletColDesc {
    const char *name;
    uint32_t uid;
    DataType type;
    bool nullable;
    AggType agg;
} TabletColDesc;

typedef struct TabletScanSpec {
    KeysType keys;
    int nkeys;
    int ncols;
    TabletColDesc *cols;
    int ntablets;
    TabletReadDesc *tablets;
} TabletScanSpec;

/* Opens a cursor over tablet `idx` producing the source's projected columns (src->proj, src->types); uses
 * src->preds for zone-map skipping. The spec must outlive the cursor. */
Status tablet_scan_open(const TabletScanSpec *spec, int idx, const ScanSource *src, ScanCursor **out,
                        Error *err) MUST_CHECK;
Status tablet_scan_next(ScanCursor *c, Arena *a, Batch **out, Error *err) MUST_CHECK;
void tablet_scan_close(ScanCursor *c);

#endif
