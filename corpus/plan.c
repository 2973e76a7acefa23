/* plan.c: plans (plan.h) and targets in plain terms (cchc_target_format,
 * cchc_target_lower). */
#include "plan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ */
/* Targets in plain terms                                              */

size_t cchc_target_format(const cchc_target *t, char *buf, size_t size) {
  const char *unit = t->count ? "" : "%";
  int n;
  switch (t->comparator) {
  case CCHC_CMP_GE: n = snprintf(buf, size, "\xE2\x89\xA5 %.15g%s", t->value, unit); break;
  case CCHC_CMP_GT: n = snprintf(buf, size, "> %.15g%s", t->value, unit); break;
  case CCHC_CMP_LE: n = snprintf(buf, size, "\xE2\x89\xA4 %.15g%s", t->value, unit); break;
  case CCHC_CMP_RANGE:
    n = snprintf(buf, size, "%.15g\xE2\x80\x93%.15g%s", t->value, t->value_max, unit);
    break;
  case CCHC_CMP_EQ:
  default: n = snprintf(buf, size, "= %.15g%s", t->value, unit); break;
  }
  return n < 0 ? 0 : (size_t)n;
}

/* A bound: value, whether it is open (strict), whether it exists. */
typedef struct bound { bool any; double v; bool open; } bound;

static bound floor_of(const cchc_target *t) {
  bound b = {true, t->value, t->comparator == CCHC_CMP_GT};
  if (t->comparator == CCHC_CMP_LE)
    b.any = false;
  return b;
}

static bound ceiling_of(const cchc_target *t) {
  bound b = {false, 0, false};
  if (t->comparator == CCHC_CMP_LE || t->comparator == CCHC_CMP_EQ) {
    b.any = true;
    b.v = t->value;
  } else if (t->comparator == CCHC_CMP_RANGE) {
    b.any = true;
    b.v = t->value_max;
  }
  return b;
}

bool cchc_target_lower(const cchc_target *own, const cchc_target *parent) {
  if (own->count != parent->count)
    return false;
  if (parent->comparator == CCHC_CMP_LE) {
    bound p = ceiling_of(parent), c = ceiling_of(own);
    if (!c.any)
      return true;
    return c.v > p.v;
  }
  bound p = floor_of(parent), c = floor_of(own);
  if (!c.any)
    return true;
  if (c.v < p.v)
    return true;
  return c.v == p.v && !c.open && p.open;
}

/* ------------------------------------------------------------------ */
/* Plans                                                               */

static const char *basename_of(const char *path) {
  const char *s = strrchr(path, '/');
  return s ? s + 1 : path;
}

const char *plan_doc(const plan *p, cchc_doc_field field) {
  return field >= 0 && field < CCHC_DOC_FIELD_COUNT ? p->doc[field] : NULL;
}

const char *plan_keep(plan *p, const char *s, bool *failed) {
  if (!s)
    return NULL;
  char **grown = cchc_grow(p->owned, &p->capowned, p->nowned, sizeof *grown);
  char *copy = grown ? strdup(s) : NULL;
  if (grown)
    p->owned = grown;
  if (!copy) {
    *failed = true;
    return NULL;
  }
  return p->owned[p->nowned++] = copy;
}

/* The label, from the document fields and path. */
static cchc_status set_label(plan *p, const char *fallback, cchc_error *err) {
  const char *place = plan_doc(p, CCHC_DOC_PLACE);
  const char *number = plan_doc(p, CCHC_DOC_NUMBER);
  const char *name = place ? place : p->path ? basename_of(p->path) : fallback;
  size_t ln = strlen(name) + (number ? strlen(number) + 1 : 0) + 1;
  if (!(p->label = malloc(ln)))
    return cchc_fail(err, CCHC_ERR_NOMEM, "out of memory");
  snprintf(p->label, ln, "%s%s%s", name, number ? " " : "",
           number ? number : "");
  return CCHC_OK;
}

bool plan_reserve(plan *p, size_t n) {
  size_t want = p->ntargets + p->nunclassified + n;
  if (p->targets && p->unclassified && want <= p->cap)
    return true;
  size_t cap = p->cap * 2 > want ? p->cap * 2 : want + 8;
  plan_target *t = realloc(p->targets, cap * sizeof *t);
  if (t)
    p->targets = t;
  plan_target *u = realloc(p->unclassified, cap * sizeof *u);
  if (u)
    p->unclassified = u;
  if (t && u)
    p->cap = cap;
  return t && u;
}

/* The next target of `p`, with or without an indicator; its strings are
 * set by the caller, its plain form and subject here. */
static cchc_status add_target(plan *p, const plan_target *x,
                              const char *subj, subject_cache *subjects,
                              cchc_error *err) {
  plan_target *t = x->indicator ? &p->targets[p->ntargets++]
                                : &p->unclassified[p->nunclassified++];
  *t = *x;
  cchc_target_format(&t->t, t->plain, sizeof t->plain);
  memset(&t->subject, 0, sizeof t->subject);
  return subject_init_cached(subjects, &t->subject, subj, t->text, err);
}

cchc_status plan_init(plan *p, const cchc_frame *frame, const char *fallback,
                      cchc_error *err) {
  memset(p, 0, sizeof *p);
  p->frame = frame;
  p->path = cchc_frame_path(frame);
  for (int f = 0; f < CCHC_DOC_FIELD_COUNT; f++)
    p->doc[f] = cchc_frame_document(frame, (cchc_doc_field)f);
  cchc_status st = set_label(p, fallback, err);
  size_t nt = cchc_frame_targets(frame);
  if (st == CCHC_OK && !plan_reserve(p, nt))
    st = cchc_fail(err, CCHC_ERR_NOMEM, "out of memory");
  for (size_t i = 0; st == CCHC_OK && i < nt; i++) {
    const cchc_frame_target *t = cchc_frame_target_at(frame, i);
    plan_target x = {.item = t,
                     .key = (int64_t)i,
                     .indicator = cchc_frame_target_indicator(t),
                     .area = cchc_frame_target_area(t),
                     .text = cchc_frame_target_text(t),
                     .span = cchc_frame_target_span(t),
                     .t = cchc_frame_target_plain(t)};
    if (x.t.comparator != CCHC_CMP_NONE)
      st = add_target(p, &x, cchc_frame_target_subject(t), NULL, err);
  }
  if (st != CCHC_OK)
    plan_release(p);
  return st;
}

bool plan_target_plain(const stored_target *row, cchc_target *t) {
  cchc_unit unit = CCHC_UNIT_NONE;
  cchc_unit_parse(row->unit, &unit);
  *t = (cchc_target){CCHC_CMP_NONE, row->value,
                     row->has_value_max ? row->value_max : row->value,
                     unit == CCHC_UNIT_COUNT};
  return cchc_comparator_parse(row->comparator, &t->comparator);
}

cchc_status plan_stored_head(plan *p, const cchc_store_plan *row,
                             cchc_error *err) {
  memset(p, 0, sizeof *p);
  char year[16] = "";
  if (row->year)
    snprintf(year, sizeof year, "%d", row->year);
  const struct {
    cchc_doc_field field;
    const char *value;
  } fields[] = {
      {CCHC_DOC_KIND, row->kind},
      {CCHC_DOC_LEVEL, row->level},
      {CCHC_DOC_PLACE, row->place},
      {CCHC_DOC_PROVINCE, row->province},
      {CCHC_DOC_YEAR, row->year ? year : NULL},
      {CCHC_DOC_PERIOD_START, row->period_start},
      {CCHC_DOC_PERIOD_END, row->period_end},
      {CCHC_DOC_NUMBER, row->number},
      {CCHC_DOC_DATE, row->date},
      {CCHC_DOC_PARENT_NUMBER, row->parent_number},
      {CCHC_DOC_PARENT_DATE, row->parent_date},
  };
  bool failed = false;
  for (size_t i = 0; i < sizeof fields / sizeof *fields; i++)
    p->doc[fields[i].field] = plan_keep(p, fields[i].value, &failed);
  p->path = plan_keep(p, row->path, &failed);
  cchc_status st = failed ? cchc_fail(err, CCHC_ERR_NOMEM, "out of memory")
                          : set_label(p, "plan", err);
  if (st != CCHC_OK)
    plan_release(p);
  return st;
}

typedef struct target_reader {
  plan *p;
  bool unclassified_only;
  subject_cache *subjects;
  cchc_status st;
  cchc_error *err;
} target_reader;

static int read_target(void *ctx, const stored_target *row) {
  target_reader *r = ctx;
  plan *p = r->p;
  plan_target x = {.key = row->rowid, .span = row->span};
  if (!plan_target_plain(row, &x.t) ||
      (r->unclassified_only && row->indicator))
    return 0;
  bool failed = !plan_reserve(p, 1);
  x.indicator = plan_keep(p, row->indicator, &failed);
  x.area = plan_keep(p, row->area, &failed);
  x.text = plan_keep(p, row->text, &failed);
  r->st = failed ? cchc_fail(r->err, CCHC_ERR_NOMEM, "out of memory")
                 : add_target(p, &x, row->subject, r->subjects, r->err);
  return r->st != CCHC_OK;
}

cchc_status plan_stored_targets(plan *p, cchc_store *store,
                                int64_t document_id, bool unclassified_only,
                                subject_cache *subjects, cchc_error *err) {
  target_reader r = {p, unclassified_only, subjects, CCHC_OK, err};
  cchc_status st =
      stored_each_target(store, document_id, read_target, &r, err);
  return st != CCHC_OK ? st : r.st;
}

cchc_status plan_stored_target(plan *p, cchc_store *store, int64_t rowid,
                               subject_cache *subjects, cchc_error *err) {
  target_reader r = {p, false, subjects, CCHC_OK, err};
  cchc_status st = stored_target_at(store, rowid, read_target, &r, err);
  return st != CCHC_OK ? st : r.st;
}

typedef struct head_reader {
  plan *p;
  bool found;
  cchc_status st;
  cchc_error *err;
} head_reader;

static int read_head(void *ctx, const cchc_store_plan *row) {
  head_reader *r = ctx;
  r->found = true;
  r->st = plan_stored_head(r->p, row, r->err);
  return 1;
}

cchc_status plan_stored(plan *p, cchc_store *store, int64_t document_id,
                        subject_cache *subjects, cchc_error *err) {
  memset(p, 0, sizeof *p);
  head_reader r = {p, false, CCHC_OK, err};
  cchc_status st = stored_document(store, document_id, read_head, &r, err);
  if (st == CCHC_OK && !r.found)
    st = cchc_fail(err, CCHC_ERR_INVALID, "store: no stored plan has id %lld",
                   (long long)document_id);
  if (st == CCHC_OK)
    st = r.st;
  if (st == CCHC_OK)
    st = plan_stored_targets(p, store, document_id, false, subjects, err);
  if (st != CCHC_OK)
    plan_release(p);
  return st;
}

void plan_release(plan *p) {
  for (size_t i = 0; p->targets && i < p->ntargets; i++)
    subject_release(&p->targets[i].subject);
  for (size_t i = 0; p->unclassified && i < p->nunclassified; i++)
    subject_release(&p->unclassified[i].subject);
  for (size_t i = 0; i < p->nowned; i++)
    free(p->owned[i]);
  free(p->owned);
  free(p->label);
  free(p->targets);
  free(p->unclassified);
  memset(p, 0, sizeof *p);
}

const plan_target *plan_target_by_key(const plan *p, int64_t key) {
  for (size_t i = 0; i < p->ntargets; i++)
    if (p->targets[i].key == key)
      return &p->targets[i];
  for (size_t i = 0; i < p->nunclassified; i++)
    if (p->unclassified[i].key == key)
      return &p->unclassified[i];
  return NULL;
}
