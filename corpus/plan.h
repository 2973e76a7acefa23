/* plan.h: a frame seen as a plan, as compare, audit and the report line
 * plans up (internal): its label and its targets with a known comparator,
 * in plain form and with their subject (subject.h): those with an
 * indicator key, which line up key by key, and those without, which line
 * up only by subject.  Strings other than the label and the subjects are
 * borrowed from the frame, which must outlive the plan. */
#ifndef CCHC_PLAN_H
#define CCHC_PLAN_H

#include "subject.h"

typedef struct plan_target {
  const cchc_frame_target *item;
  const char *indicator; /* NULL in plan.unclassified */
  cchc_target t;
  char plain[80]; /* cchc_target_format */
  subject subject;
} plan_target;

typedef struct plan {
  const cchc_frame *frame;
  char *label; /* "Đồng Nai 228/KH-UBND": place (else file name, else the
                  fallback) and number */
  plan_target *targets; /* with an indicator key */
  size_t ntargets;
  plan_target *unclassified; /* without one */
  size_t nunclassified;
} plan;

/* Read `frame` into `p`; `fallback` names a plan with neither place nor
 * path ("frame 2"). */
cchc_status plan_init(plan *p, const cchc_frame *frame, const char *fallback,
                      cchc_error *err);
void plan_release(plan *p);

/* The plan's target for frame target `item` (classified or not), or NULL
 * when it has no known comparator. */
const plan_target *plan_target_of(const plan *p,
                                  const cchc_frame_target *item);

/* Document fields, shorter. */
const char *plan_doc(const plan *p, cchc_doc_field field);

#endif
