/* eval.h: scoring frames against gold files (internal).  The files of
 * eval/ do one job each:
 *   eval.c       the public API: documents, counts, metric names;
 *   gold.c       a gold file (JSON, ../shared/gold/FORMAT.md) as items;
 *   predicted.c  a frame (read through its accessors) as the same items;
 *   score.c      matching predicted items with gold ones, counting, and
 *                recording every mismatch;
 *   render.c     the one walk of the results (table, JSON; emit/out.h). */
#ifndef CCHC_EVAL_H
#define CCHC_EVAL_H

#include "../common/internal.h"
#include "../common/json_read.h"

/* ------------------------------------------------------------------ */
/* Metrics                                                             */

typedef enum metric_kind { PRF, ACC } metric_kind;

enum {
  M_TARGETS,
  M_TARGETS_COMPARATOR,
  M_TARGETS_INDICATOR,
  M_TARGETS_AREA,
  M_REFERENCES,
  M_REFERENCES_DATE,
  M_DOC_KIND,
  M_DOC_LEVEL,
  M_DOC_PLACE,
  M_DOC_PROVINCE,
  M_DOC_YEAR,
  M_DOC_PERIOD,
  M_DOC_NUMBER,
  M_DOC_DATE,
  M_DOC_PARENT_NUMBER,
  M_DOC_PARENT_DATE,
  M_DEADLINES,
  M_LEADS,
  M_TASKS,
  M_TASKS_LEAD,
  M_TASKS_COORDINATORS,
  M_TASKS_DEADLINE,
  M_COUNT
};

typedef struct metric_info {
  const char *name;
  metric_kind kind;
  int group; /* a blank line separates groups in the table */
} metric_info;

extern const metric_info metrics[M_COUNT];

/* PRF: n[0] true positives, n[1] false positives, n[2] false negatives.
 * ACC: n[0] correct, n[1] total. */
typedef struct counter {
  size_t n[3];
} counter;

double precision_of(const counter *c);
double recall_of(const counter *c);
/* 2PR/(P+R) written on counts: defined (0) when only one side is empty. */
double f1_of(const counter *c);
double accuracy_of(const counter *c);

/* A mismatch: the metric, its kind ("missed", "spurious", "wrong") and
 * named values (NULL values are null). */
typedef struct diff_pair {
  const char *key; /* static */
  char *value;
} diff_pair;

typedef struct diff {
  int metric;
  const char *kind; /* static */
  diff_pair *pairs;
  size_t npairs;
} diff;

typedef struct eval_doc {
  char *name;
  counter c[M_COUNT];
  diff *diffs;
  size_t ndiffs, cap;
} eval_doc;

struct cchc_eval {
  eval_doc *docs;
  size_t ndocs, cap;
};

/* Sum of one metric's counts over every document. */
void eval_total(const cchc_eval *ev, int metric, counter *out);
void eval_doc_release(eval_doc *d);

/* ------------------------------------------------------------------ */
/* Items of both sides                                                 */

/* The scoring of one document: its counts, and the first failure (later
 * work is skipped). */
typedef struct scorer {
  eval_doc *doc;
  cchc_error *err;
  cchc_status status;
  size_t *row; /* longest-common-substring scratch */
  size_t row_cap;
} scorer;

void scorer_nomem(scorer *s);
/* Match key of a text (cchc_match_key), NULL for NULL; failures go to
 * s->status. */
char *scorer_fold(scorer *s, const char *text);
/* A unit id as compared: the key, or "name:" + the folded name. */
char *scorer_unit_id(scorer *s, const char *id);

typedef struct target {
  const char *text; /* predicted "text" or gold "quote" */
  double value;
  bool has_value;
  const char *comparator, *indicator, *area;
} target;

typedef struct reference {
  const char *number;
  const char *date;
} reference;

typedef struct docfields {
  const char *kind, *level, *place, *province, *year, *start, *end, *number,
      *date, *parent_number, *parent_date;
  char year_buf[32];
} docfields;

typedef struct deadline {
  const char *text; /* predicted "text" or gold "quote" */
  const char *kind, *start, *end;
} deadline;

typedef struct lead {
  const char *area;
  char *unit; /* unit id */
  const char *text;
} lead;

/* A set of unit ids (sorted, no duplicates). */
typedef struct unitset {
  char **ids;
  size_t n;
} unitset;

typedef struct task {
  const char *text;
  unitset lead, coordinators;
  bool has_deadline;
  deadline deadline;
} task;

/* Everything of one side of a document, as it is scored.  Strings are
 * borrowed from the gold JSON or the frame, except unit ids. */
typedef struct side {
  docfields doc;
  reference *refs;
  size_t nrefs;
  target *targets;
  size_t ntargets;
  deadline *deadlines;
  size_t ndeadlines;
  lead *leads;
  size_t nleads;
  task *tasks;
  size_t ntasks;
} side;

void side_release(side *sd);
/* Add `id` (NULL: nothing) to a set with room for it; false when the
 * scoring has failed (id was not made).  Then sort it and drop repeats. */
bool unitset_put(scorer *s, unitset *u, char *id);
void unitset_finish(unitset *u);

/* The gold file `root` (errors through `r`, which names "gold") and the
 * frame `f` as sides.  False on failure, which r or s records. */
bool gold_read(scorer *s, json_reader *r, json_t *root, side *out);
bool predicted_read(scorer *s, const cchc_frame *f, side *out);

/* Score one document: predicted side `p` against gold side `g`. */
void score_document(scorer *s, const side *p, const side *g);

#endif
