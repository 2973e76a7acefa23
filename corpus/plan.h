/* plan.h: a plan as compare, audit and the report line plans up
 * (internal): its label, document fields and targets with a known
 * comparator, in plain form and with their subject (subject.h): those
 * with an indicator key, which line up key by key, and those without,
 * which line up only by subject.
 *
 * A plan is read from a frame (plan_init: its strings are borrowed from
 * the frame, which must outlive the plan) or from the store's rows
 * (plan_stored: its strings are its own), and the two are the same: compare
 * and audit see no difference. */
#ifndef CCHC_PLAN_H
#define CCHC_PLAN_H

#include "stored.h"
#include "subject.h"

typedef struct plan_target {
  const cchc_frame_target *item; /* NULL when read from the store */
  int64_t key;           /* frame order: the frame's index, or the row's
                            rowid in the store */
  const char *indicator; /* NULL in plan.unclassified */
  const char *area, *text;
  cchc_span span;
  cchc_target t;
  char plain[80]; /* cchc_target_format */
  subject subject;
} plan_target;

typedef struct plan {
  const cchc_frame *frame; /* NULL when read from the store */
  char *label; /* "Đồng Nai 228/KH-UBND": place (else file name, else the
                  fallback) and number */
  const char *path;
  const char *doc[CCHC_DOC_FIELD_COUNT];
  plan_target *targets; /* with an indicator key */
  size_t ntargets;
  plan_target *unclassified; /* without one */
  size_t nunclassified;
  size_t cap; /* room in each of the two */
  char **owned; /* the strings of a plan read from the store */
  size_t nowned, capowned;
} plan;

/* Read `frame` into `p`; `fallback` names a plan with neither place nor
 * path ("frame 2"). */
cchc_status plan_init(plan *p, const cchc_frame *frame, const char *fallback,
                      cchc_error *err);
/* Read the stored plan `document_id` into `p`: its document row and its
 * targets (their subjects through `subjects`, which may be NULL).
 * CCHC_ERR_INVALID when no stored plan (latest version) has that id. */
cchc_status plan_stored(plan *p, cchc_store *store, int64_t document_id,
                        subject_cache *subjects, cchc_error *err);
/* The head of a stored plan (label, document fields, path) from its
 * document row, without targets. */
cchc_status plan_stored_head(plan *p, const cchc_store_plan *row,
                             cchc_error *err);
/* The targets of stored plan `document_id` into `p` (a head), or only
 * those without an indicator. */
cchc_status plan_stored_targets(plan *p, cchc_store *store,
                                int64_t document_id, bool unclassified_only,
                                subject_cache *subjects, cchc_error *err);
/* The stored target of row `rowid` added to `p` (none when it has no
 * known comparator). */
cchc_status plan_stored_target(plan *p, cchc_store *store, int64_t rowid,
                               subject_cache *subjects, cchc_error *err);
/* Room for `n` more targets: adding that many moves none. */
bool plan_reserve(plan *p, size_t n);
void plan_release(plan *p);

/* A copy of `s` that `p` owns (NULL for NULL); *failed when out of
 * memory. */
const char *plan_keep(plan *p, const char *s, bool *failed);

/* The target of a stored row in plain terms, as plan_stored reads it;
 * false when it has no known comparator (compare and audit leave it
 * out). */
bool plan_target_plain(const stored_target *row, cchc_target *t);

/* The plan's target of key `key` (classified or not), or NULL when it
 * has no known comparator. */
const plan_target *plan_target_by_key(const plan *p, int64_t key);

/* Document fields, shorter. */
const char *plan_doc(const plan *p, cchc_doc_field field);

#endif
