/* predicted.c: a frame, read through its public accessors, as the items
 * eval scores (eval.h). */
#include "eval.h"

#include <stdlib.h>
#include <string.h>

static void *items(scorer *s, size_t n, size_t size) {
  void *p = calloc(n ? n : 1, size);
  if (!p)
    scorer_nomem(s);
  return p;
}

static void read_document(const cchc_frame *f, docfields *d) {
  d->kind = cchc_frame_document(f, CCHC_DOC_KIND);
  d->level = cchc_frame_document(f, CCHC_DOC_LEVEL);
  d->place = cchc_frame_document(f, CCHC_DOC_PLACE);
  d->province = cchc_frame_document(f, CCHC_DOC_PROVINCE);
  d->year = cchc_frame_document(f, CCHC_DOC_YEAR);
  d->start = cchc_frame_document(f, CCHC_DOC_PERIOD_START);
  d->end = cchc_frame_document(f, CCHC_DOC_PERIOD_END);
  d->number = cchc_frame_document(f, CCHC_DOC_NUMBER);
  d->date = cchc_frame_document(f, CCHC_DOC_DATE);
  d->parent_number = cchc_frame_document(f, CCHC_DOC_PARENT_NUMBER);
  d->parent_date = cchc_frame_document(f, CCHC_DOC_PARENT_DATE);
}

static void read_deadline(const cchc_frame_deadline *x, deadline *d) {
  d->text = cchc_frame_deadline_text(x);
  d->kind = cchc_deadline_kind_name(cchc_frame_deadline_kind(x));
  d->start = cchc_frame_deadline_start(x);
  d->end = cchc_frame_deadline_end(x);
}

/* A unit's id: its key, else "name:" + its text (or name); NULL when it
 * has none of them. */
static char *unit_id(scorer *s, const cchc_frame_unit *u) {
  const char *key = cchc_frame_unit_key(u);
  if (key)
    return scorer_unit_id(s, key);
  const char *t = cchc_frame_unit_text(u) ? cchc_frame_unit_text(u)
                                          : cchc_frame_unit_name(u);
  if (!t)
    return NULL;
  char *raw = malloc(strlen(t) + 6);
  if (!raw) {
    scorer_nomem(s);
    return NULL;
  }
  memcpy(raw, "name:", 5);
  strcpy(raw + 5, t);
  char *id = scorer_unit_id(s, raw);
  free(raw);
  return id;
}

/* The lead units (leads) or coordinators of a task as a set. */
static bool read_unitset(scorer *s, const cchc_frame_task *t, bool leads,
                         unitset *out) {
  size_t n = leads ? cchc_frame_task_leads(t) : cchc_frame_task_coordinators(t);
  if (!n)
    return true;
  if (!(out->ids = items(s, n, sizeof *out->ids)))
    return false;
  for (size_t i = 0; i < n; i++)
    if (!unitset_put(s, out,
                     unit_id(s, leads ? cchc_frame_task_lead_at(t, i)
                                      : cchc_frame_task_coordinator_at(t, i))))
      return false;
  unitset_finish(out);
  return true;
}

bool predicted_read(scorer *s, const cchc_frame *f, side *out) {
  read_document(f, &out->doc);
  size_t nr = cchc_frame_references(f), nt = cchc_frame_targets(f),
         nd = cchc_frame_deadlines(f), nl = cchc_frame_leads(f),
         nk = cchc_frame_tasks(f);
  if (!(out->refs = items(s, nr, sizeof *out->refs)) ||
      !(out->targets = items(s, nt, sizeof *out->targets)) ||
      !(out->deadlines = items(s, nd, sizeof *out->deadlines)) ||
      !(out->leads = items(s, nl, sizeof *out->leads)) ||
      !(out->tasks = items(s, nk, sizeof *out->tasks)))
    return false;
  for (; out->nrefs < nr; out->nrefs++) {
    const cchc_frame_reference *r = cchc_frame_reference_at(f, out->nrefs);
    out->refs[out->nrefs] = (reference){cchc_frame_reference_number(r),
                                        cchc_frame_reference_date(r)};
  }
  for (; out->ntargets < nt; out->ntargets++) {
    const cchc_frame_target *t = cchc_frame_target_at(f, out->ntargets);
    out->targets[out->ntargets] = (target){
        .text = cchc_frame_target_text(t),
        .value = cchc_frame_target_value(t),
        .has_value = true,
        .comparator = cchc_comparator_name(cchc_frame_target_comparator(t)),
        .indicator = cchc_frame_target_indicator(t),
        .area = cchc_frame_target_area(t)};
  }
  for (; out->ndeadlines < nd; out->ndeadlines++)
    read_deadline(cchc_frame_deadline_at(f, out->ndeadlines),
                  &out->deadlines[out->ndeadlines]);
  for (; out->nleads < nl; out->nleads++) {
    const cchc_frame_lead *l = cchc_frame_lead_at(f, out->nleads);
    lead *x = &out->leads[out->nleads];
    x->area = cchc_frame_lead_area(l);
    x->text = cchc_frame_lead_text(l);
    x->unit = unit_id(s, cchc_frame_lead_unit(l));
    if (s->status != CCHC_OK)
      return false;
  }
  for (size_t i = 0; i < nk; i++) {
    const cchc_frame_task *k = cchc_frame_task_at(f, i);
    const cchc_frame_deadline *d =
        cchc_frame_deadline_at(f, cchc_frame_task_deadline(k));
    task *t = &out->tasks[out->ntasks++];
    t->text = cchc_frame_task_text(k);
    t->has_deadline = d != NULL;
    if (d)
      read_deadline(d, &t->deadline);
    if (!read_unitset(s, k, true, &t->lead) ||
        !read_unitset(s, k, false, &t->coordinators))
      return false;
  }
  return true;
}
