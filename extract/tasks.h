/* tasks.h: what the task passes share (tasks.c runs them): the rules they
 * select, lists of unit mentions, and the reading of one clause -- who
 * leads it, who coordinates, by when.  Internal to extract/. */
#ifndef CCHC_TASKS_H
#define CCHC_TASKS_H

#include "extract.h"

typedef struct tk {
  xctx *x;
  /* task.*: the "Tổ chức thực hiện" part, its closing and duty lines */
  rule_list part, end, stop, prefix, bullet, open, cont;
  /* lead.*, coord.*: where a unit leads, who coordinates */
  rule_list after, before, area_lead;
  rule_list with, cut;
  /* area.* with the leadarea.* rules that set an area; leadarea masks */
  rule_list areas, masks;
  const rule **area_rules; /* owned: the items of `areas` */
  size_t part_start, part_end; /* "Tổ chức thực hiện" lines */
  size_t app_start, app_end;   /* appendix lines */
  bool *claimed; /* lines an inline assignment has read (assign.c) */
} tk;

/* ---- one clause (clause.c) ---------------------------------------------- */

/* Unit mentions in canonical [a, b) outside deadlines ("Theo Kế hoạch của
 * UBND huyện" is a time, not a unit), appended to *out. */
void clause_units(tk *t, size_t a, size_t b, xunits *out);
/* Coordinators of [a, b): the units listed right after each "phối hợp
 * (với)", names the taxonomy lacks included; added to *out (without
 * repeats, xunits_add). */
void clause_coordinators(tk *t, size_t a, size_t b, xunits *out);
/* The lead a clause [a, b) names: a unit followed by a lead.after match or
 * preceded by a lead.before one, with the units listed with it; units in a
 * coordination list do not lead.  `strong` keeps only rules with
 * strength=strong.  Fills *out (emptied first), *needs (the rule wants a
 * deadline) and *why (the rule). */
bool clause_lead(tk *t, size_t a, size_t b, bool strong, xunits *out,
                 bool *needs, const rule **why);

/* ---- tasks (tasks.c) ------------------------------------------------------ */

/* Add the task of text [a, b) (a bullet and blanks are dropped) to the
 * frame; NULL when the text is empty.  `area` NULL takes the section's. */
frame_task *task_add(tk *t, size_t a, size_t b, const xunits *lead,
                     const xunits *coords, int deadline, const char *area,
                     const rule *why);
/* Tasks of the sentences of a block [a, b): a clause naming its lead (or a
 * clause holding a time limit, led by `deflt` if given) opens a task; the
 * clauses after it in the sentence continue it. */
void task_sentences(tk *t, size_t a, size_t b, const xunits *deflt,
                    const rule *why_deflt);

/* ---- the passes ------------------------------------------------------------- */

/* The "Tổ chức thực hiện" part, if the plan has one: [part_start,
 * part_end) (duties.c). */
bool duties_find(tk *t);
/* Its duties, headings of units and area leads (duties.c). */
void duties_tasks(tk *t);
/* The tasks of the crawled tables, and of the scattered table of the
 * appendix [app_start, app_end) (appendix.c). */
void appendix_tasks(tk *t);
/* Inline assignment lines ("Cơ quan chủ trì: ...") outside the
 * "Tổ chức thực hiện" part and the tables: the tasks they assign; their
 * lines are marked in claimed (assign.c). */
void assign_tasks(tk *t);

#endif
