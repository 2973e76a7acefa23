/* stored.h: the store's rows as compare, audit and their plans read them
 * (internal).  Each function runs one prepared query and calls `fn` per
 * row; a non-zero return stops it (and the call returns CCHC_OK).  Strings
 * of a row are valid only during the call.
 *
 * The rows of one plan are inserted in frame order, in one transaction,
 * and never changed, so their rowid order is the frame's order: "in frame
 * order" below is ORDER BY rowid. */
#ifndef CCHC_STORED_H
#define CCHC_STORED_H

#include "../common/internal.h"

/* Which stored plans (the latest version of each path, always): those of
 * `province` (compared by cchc_match_key; NULL for all) and `year` (0 for
 * all). */
typedef struct stored_filter {
  const char *province;
  int year;
} stored_filter;

/* One read transaction around many reads (stored_read_end ends it): one
 * snapshot of the store, and one shared lock taken instead of one per
 * statement (each took file locks and looked for the WAL again). */
cchc_status stored_read_begin(cchc_store *s, cchc_error *err);
void stored_read_end(cchc_store *s);

/* The stored plans of the filter, in the order of cchc_store_each_plan
 * (its row without the counts, which stay 0). */
cchc_status stored_each_document(cchc_store *s, const stored_filter *filter,
                                 cchc_store_plan_fn fn, void *ctx,
                                 cchc_error *err);
/* The stored plan (any version) of id `id`, if there is one. */
cchc_status stored_document(cchc_store *s, int64_t id, cchc_store_plan_fn fn,
                            void *ctx, cchc_error *err);

/* A target row. */
typedef struct stored_target {
  int64_t document_id;
  int64_t rowid;
  const char *target_id;
  const char *indicator, *area, *subject, *text;
  const char *comparator, *unit; /* names; NULL when unknown */
  double value;
  bool has_value_max;
  double value_max;
  cchc_span span;
} stored_target;
typedef int (*stored_target_fn)(void *ctx, const stored_target *t);

/* Every target of plan `document_id`, in frame order. */
cchc_status stored_each_target(cchc_store *s, int64_t document_id,
                               stored_target_fn fn, void *ctx,
                               cchc_error *err);
/* Every target that has an indicator, of every stored version, ordered by
 * indicator (byte order, as strcmp), then plan, then frame order: the
 * caller keeps the plans it wants.  Only the plan, rowid, indicator,
 * comparator, unit and values are read (what the index holds); the other
 * strings are NULL. */
cchc_status stored_each_classified(cchc_store *s, stored_target_fn fn,
                                   void *ctx, cchc_error *err);
/* The target of row `rowid`. */
cchc_status stored_target_at(cchc_store *s, int64_t rowid, stored_target_fn fn,
                             void *ctx, cchc_error *err);

/* A task of a plan with its deadline's end and text (NULL when it has no
 * deadline). */
typedef struct stored_task {
  const char *text;
  cchc_span span;
  const char *due;           /* the deadline's end, YYYY-MM-DD */
  const char *deadline_text; /* the deadline as written */
} stored_task;
typedef int (*stored_task_fn)(void *ctx, const stored_task *t);

/* Every task of plan `document_id`, in frame order. */
cchc_status stored_each_task(cchc_store *s, int64_t document_id,
                             stored_task_fn fn, void *ctx, cchc_error *err);

/* An inconsistency of a plan: the rowids of its two targets. */
typedef struct stored_inconsistency {
  const char *indicator;
  int64_t first, second;
} stored_inconsistency;
typedef int (*stored_inconsistency_fn)(void *ctx,
                                       const stored_inconsistency *x);

/* Every inconsistency of plan `document_id`, in frame order. */
cchc_status stored_each_inconsistency(cchc_store *s, int64_t document_id,
                                      stored_inconsistency_fn fn, void *ctx,
                                      cchc_error *err);

#endif
