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
  return cchc_frame_document(p->frame, field);
}

cchc_status plan_init(plan *p, const cchc_frame *frame, const char *fallback,
                      cchc_error *err) {
  memset(p, 0, sizeof *p);
  p->frame = frame;
  const char *place = plan_doc(p, CCHC_DOC_PLACE);
  const char *number = plan_doc(p, CCHC_DOC_NUMBER);
  const char *path = cchc_frame_path(frame);
  const char *name = place ? place : path ? basename_of(path) : fallback;
  size_t ln = strlen(name) + (number ? strlen(number) + 1 : 0) + 1;
  size_t nt = cchc_frame_targets(frame);
  p->label = malloc(ln);
  p->targets = calloc(nt ? nt : 1, sizeof *p->targets);
  p->unclassified = calloc(nt ? nt : 1, sizeof *p->unclassified);
  if (!p->label || !p->targets || !p->unclassified) {
    plan_release(p);
    return cchc_fail(err, CCHC_ERR_NOMEM, "out of memory");
  }
  snprintf(p->label, ln, "%s%s%s", name, number ? " " : "",
           number ? number : "");
  for (size_t i = 0; i < nt; i++) {
    const cchc_frame_target *t = cchc_frame_target_at(frame, i);
    cchc_target plain = cchc_frame_target_plain(t);
    if (plain.comparator == CCHC_CMP_NONE)
      continue;
    const char *indicator = cchc_frame_target_indicator(t);
    plan_target *x = indicator ? &p->targets[p->ntargets++]
                               : &p->unclassified[p->nunclassified++];
    x->item = t;
    x->indicator = indicator;
    x->t = plain;
    cchc_target_format(&x->t, x->plain, sizeof x->plain);
    cchc_status st = subject_init(&x->subject, t, err);
    if (st != CCHC_OK) {
      plan_release(p);
      return st;
    }
  }
  return CCHC_OK;
}

void plan_release(plan *p) {
  for (size_t i = 0; p->targets && i < p->ntargets; i++)
    subject_release(&p->targets[i].subject);
  for (size_t i = 0; p->unclassified && i < p->nunclassified; i++)
    subject_release(&p->unclassified[i].subject);
  free(p->label);
  free(p->targets);
  free(p->unclassified);
  memset(p, 0, sizeof *p);
}

const plan_target *plan_target_of(const plan *p,
                                  const cchc_frame_target *item) {
  for (size_t i = 0; item && i < p->ntargets; i++)
    if (p->targets[i].item == item)
      return &p->targets[i];
  for (size_t i = 0; item && i < p->nunclassified; i++)
    if (p->unclassified[i].item == item)
      return &p->unclassified[i];
  return NULL;
}
