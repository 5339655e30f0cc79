/* Compaction: a TabletReader in key order feeding a RowsetWriter; see compaction.h. */
#include "storage/compaction.h"

#include "storage/tablet_reader.h"

Status compaction_merge_rowsets(const char *tablet_dir, const TabletSchema *schema,
                                const RowsetMeta *const *inputs, int n, uint64_t new_rowset_id,
                                const CompactionOptions *opts, Arena *a, RowsetMeta **out,
                                Error *err) {
    *out = NULL;
    if (n < 1) return err_set(err, ERR_INTERNAL, "Compaction needs at least one input rowset");
    for (int i = 1; i < n; i++)
        if (inputs[i]->start_version != inputs[i - 1]->end_version + 1)
            return err_set(
                err, ERR_INTERNAL,
                "Compaction inputs must have contiguous versions: rowset %llu [%lld-%lld] follows "
                "rowset "
                "%llu [%lld-%lld]",
                (unsigned long long)inputs[i]->rowset_id, (long long)inputs[i]->start_version,
                (long long)inputs[i]->end_version, (unsigned long long)inputs[i - 1]->rowset_id,
                (long long)inputs[i - 1]->start_version, (long long)inputs[i - 1]->end_version);
    bool keep_deletes = tablet_schema_has_ops(schema) && !opts->is_base;
    ReadOptions ro = {.ordered = true,
                      .keep_deletes = keep_deletes,
                      .delete_filter = opts->delete_filter,
                      .delete_ctx = opts->delete_ctx,
                      .delete_columns = opts->delete_columns,
                      .ndelete_columns = opts->ndelete_columns};
    RowsetWriterOptions wo = opts->writer;
    wo.start_version = inputs[0]->start_version;
    wo.end_version = inputs[n - 1]->end_version;
    TabletReader *tr = NULL;
    RowsetWriter *w = NULL;
    Arena *batch_arena = arena_new(0);
    Status s = STATUS_ERROR;
    if (tablet_reader_open(&tr, tablet_dir, schema, inputs, n, &ro, err) ||
        rowset_writer_new(&w, tablet_dir, new_rowset_id, schema, &wo, err))
        goto done;
    for (;;) {
        arena_reset(batch_arena);
        Batch *b;
        if (tablet_reader_next(tr, batch_arena, &b, err)) goto done;
        if (!b) break;
        const uint8_t *ops = NULL;
        if (keep_deletes) {
            /* the op column comes last; the writer takes it separately */
            ops = (const uint8_t *)b->cols[schema->ncols]->data;
            b->ncols = schema->ncols;
        }
        if (rowset_writer_add_batch(w, b, ops, err)) goto done;
    }
    if (rowset_writer_finish(w, a, out, err)) goto done;
    if (opts->stats_out) *opts->stats_out = *tablet_reader_stats(tr);
    s = STATUS_OK;
done:
    if (s)
        err_prefix(err, "while compacting %d rowsets into rowset %llu: ", n,
                   (unsigned long long)new_rowset_id);
    tablet_reader_free(tr);
    rowset_writer_free(w);
    arena_free(batch_arena);
    return s;
}
