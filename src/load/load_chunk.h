/* LoadChunk: the rows of one future segment of one tablet, in table column order, gathered from converted
 * batches by the sink and written by a writer thread. A chunk manages its own memory (column arrays grown
 * with realloc, string bytes packed into large blocks) and is recycled through a pool after it is written, so
 * a long load reuses the same resident pages instead of faulting fresh ones in for every segment. */
#ifndef CAIRN_LOAD_LOAD_CHUNK_H
#define CAIRN_LOAD_LOAD_CHUNK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "types/vector.h"

typedef struct LoadChunk {
    Batch batch;          /* batch.cols[i] = &vecs[i]; nrows = rows held */
    ColumnVector *vecs;   /* ncols; data and nulls malloc'd with room for cap rows; arena NULL */
    ColumnVector ops;     /* TINYINT row ops (has_ops chunks); data malloc'd */
    bool has_ops;
    uint32_t cap;
    char **blocks;        /* string bytes */
    size_t *block_cap;
    int nblocks, cur;     /* blocks[cur] is being filled */
    size_t used;          /* bytes used in blocks[cur] */
    size_t str_bytes;     /* string bytes held */
    struct LoadChunk *next; /* pool link */
} LoadChunk;

/* A chunk for columns of these types (copied), with room for cap rows. */
LoadChunk *load_chunk_new(const DataType *types, int ncols, bool has_ops, uint32_t cap);
void load_chunk_free(LoadChunk *c);
/* Empties the chunk, keeping its memory. */
void load_chunk_reset(LoadChunk *c);
/* Makes room for `rows` rows in total. */
void load_chunk_reserve(LoadChunk *c, uint32_t rows);
/* Appends rows sel[0..n) of src (same column types, same order); ops: per src row, NULL = upserts. */
void load_chunk_append(LoadChunk *c, const Batch *src, const uint32_t *sel, uint32_t n, const uint8_t *ops);
/* Bytes the chunk's rows take (cells plus string bytes): the measure segments are cut by. */
size_t load_chunk_bytes(const LoadChunk *c);

#endif
