/* tasks.h: what the task passes share (tasks.c runs them): the rules they
 * select, lists of unit mentions, and the reading of one clause -- who
 * leads it, who coordinates, by when.  Internal to extract/. */
#ifndef CCHC_TASKS_H
#define CCHC_TASKS_H

#include "extract.h"

/* The lead cues of one side (lead.after or lead.before), all or the
 * strong ones only, with the leadnear twin of each (near=): a clause
 * where no twin matches names no lead by these cues.  near_all false: a
 * cue has none, and the clause is asked of the cues' literals instead. */
typedef struct lead_cues {
  rule_list cues, near;
  bool near_all;
  /* bit r: the twin of cue r starts with few bytes (a letter in both
   * cases, ...), which PCRE2 skips to fast: searched for alone, not after
   * the cue's literals */
  uint64_t twin_alone;
  /* the words of the twins' first clauses of literals, a bit each as
   * clause_held tells them (clause.c: twin_words_read, at the plan's first
   * clause; all bits when a twin is not told by them): a clause holding
   * none of them holds no twin */
  uint64_t twin_words[2];
} lead_cues;

typedef struct tk {
  xctx *x;
  /* task.*: the "Tổ chức thực hiện" part, its closing and duty lines */
  rule_list part, end, stop, prefix, bullet, open, cont, contingent;
  /* lead.*, coord.*: where a unit leads, who coordinates */
  rule_list after, before, area_lead, plan;
  /* after and before, [0] all, [1] the strong ones (lead_cues_select);
   * their rules in one array, owned by the rule set's task_rules */
  lead_cues cues_after[2], cues_before[2];
  const rule **cue_rules;
  /* which words of the text hold which words of the rules asked per
   * clause (clause.c: clause_words), read at the first clause asked;
   * owned */
  struct clause_words *clause_words;
  bool clause_words_read;
  /* what clause_words_within told last: the words of [held_a, held_b)
   * (clause_held.has), kept for the asks of the range and of those inside
   * it (clause_words_none) */
  uint64_t held_has[2];
  size_t held_a, held_b;
  bool held_kept;
  /* (with held_kept) the first run of the text's words starting at or
   * after held_a: the clauses of a duty are asked in text order, and the
   * next ask's first run is searched for from it */
  size_t held_first;
  rule_list with, cut;
  rule_list fields; /* field.*: the labels of assignment lines */
  /* area.* with the leadarea.* rules that set an area; leadarea masks */
  rule_list areas, masks;
  const rule **area_rules; /* the items of `areas` (the set's task_rules) */
  size_t part_start, part_end; /* "Tổ chức thực hiện" lines */
  size_t app_start, app_end;   /* appendix lines */
  const char *plan_area; /* the area the plan's title names (plan_area) */
  bool plan_area_known;
  /* per line: LINE_CLAIMED, an inline assignment has read it (assign.c);
   * LINE_NO_STOP, it was found no task.stop line (the passes after do not
   * search it again) */
  uint8_t *line_marks;
  /* the coordinators clause_coordinators read last, of [coords_a,
   * coords_b) (owned): a lead is checked against the coordinators of its
   * clause, and the clause's task then lists them (clause.c) */
  xunits coords;
  size_t coords_a, coords_b;
  bool coords_kept;
  /* the rule set's coord_gap_bytes and coord_gap_known, read once per
   * plan (clause.c: list_may_open) */
  uint64_t gap_bytes[4];
  uint8_t gap_bytes_known;
  /* the text of unit spans lately put in a task (tasks.c: to_frame_units):
   * a heading's units lead each of its duties, their spans printed once */
  struct unit_text {
    size_t start, end;
    const char *text; /* NULL: slot free */
  } unit_texts[64];
  /* the "area" attribute of each rule of `areas` (NULL: none), read once
   * per rule set where areas_named read each rule's at every ask; in the
   * block of area_rules */
  const char **area_names;
  /* (with held_kept) the first run starting at or after held_b: a clause
   * of a sentence is asked right after the one before it ends, and its
   * first run is searched for from there */
  size_t held_next;
} tk;

enum { LINE_CLAIMED = 1, LINE_NO_STOP = 2 };

/* Is line li a task.stop line (the signature block: nothing after it is a
 * task)?  Asked once per line: the answer no is kept in line_marks. */
bool line_stops(tk *t, size_t li);

/* Does a rule of `rules` match canonical [a, b), as xany tells?  For rules
 * whose matches start at the span's start and read a few bytes
 * (task.bullet): xany first reads the features of the whole span for a
 * rule that needs some, a look at each byte of a line where the search
 * reads its first few. */
bool tasks_span_opens(xctx *x, rule_list rules, size_t a, size_t b);

/* ---- one clause (clause.c) ---------------------------------------------- */

/* Unit mentions in canonical [a, b) outside deadlines ("Theo Kế hoạch của
 * UBND huyện" is a time, not a unit), names the taxonomy lacks included
 * (units_find_named), appended to *out. */
void clause_units(tk *t, size_t a, size_t b, xunits *out);
/* How many units of m, from m->items[k], are listed from `pos` on: each
 * after only joining text (coord.gap) from the end of the one before. */
size_t clause_list(tk *t, const xunits *m, size_t k, size_t pos);
/* The units [a, b) opens with (after a task.prefix: "Giao", "Đề nghị:",
 * "Trách nhiệm của"), listed, into *out; returns where the list ends (a
 * when there is none). */
size_t clause_opening(tk *t, size_t a, size_t b, xunits *out);
/* Do units whose list ends at `end` act in what follows, up to b: a
 * colon, a lead cue (lead.after: "chủ trì", "có trách nhiệm") or a word
 * in lower case (task.cont: "UBND các xã tăng cường ...")? */
bool clause_acts(tk *t, size_t end, size_t b);
/* Coordinators of [a, b): the units listed right after each "phối hợp
 * (với)"; added to *out (without repeats, xunits_add). */
void clause_coordinators(tk *t, size_t a, size_t b, xunits *out);
/* Release what clause_coordinators and clause_lead keep. */
void clause_coordinators_free(tk *t);
/* For tests only (false in use): no rule's words are read (clause_words_*
 * tell nothing), and every clause is searched for every rule, so that both
 * ways can be compared (test_extract_tasks). */
extern bool clause_words_off;
/* For tests only (false in use): the units after every coordination
 * opener are searched for, none skipped where no list can open
 * (clause.c: list_may_open), so that both ways can be compared. */
extern bool coord_lists_all;
/* For tests only (false in use): the task.contingent rules are searched
 * for in every sentence asked, whatever literals it holds (tasks.c:
 * contingent_within), so that both ways can be compared. */
extern bool contingent_literals_off;
/* The words of the rules a clause is asked about (the lead cues' twins,
 * the area rules) that the runs of the text's words touching [a, b)
 * hold, into *out: false when not known. */
typedef struct clause_held {
  uint64_t has[2];
} clause_held;
bool clause_words_within(tk *t, size_t a, size_t b, clause_held *out);
/* May r match in a clause whose runs hold *held (NULL: not known)?  False
 * only when a clause of r's literals (rule_facts.lits) has none there. */
bool clause_words_may(tk *t, const rule *r, const clause_held *held);
/* Do the words tell of every clause of r's literals (clause_words_may
 * then true: each clause has a word in the runs, and a search of the
 * literals would mostly find them again)? */
bool clause_words_told(tk *t, const rule *r);
/* Can no rule of `rules` match within [a, b), as the words kept for a
 * range holding it tell (clause_words_within asked last of such a range:
 * the runs it touches hold all that those of [a, b) hold)?  False when
 * not known: rules outside those noted (clause_words_read), no range
 * kept. */
bool clause_words_none(tk *t, rule_list rules, size_t a, size_t b);
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
/* The next place of byte c in s[i, b) (b: none), for scans that only stop
 * at a few marks ('.', ';'): memchr finds it, and it is searched for again
 * only once i passes it (i never goes back; b stays). */
typedef struct next_byte {
  char c;
  bool known;
  size_t at;
} next_byte;
size_t next_at(next_byte *n, const char *s, size_t i, size_t b);

/* ---- leads of areas (leads.c) ---------------------------------------- */

/* The area the plan's title names first, or NULL (found once). */
const char *plan_area(tk *t);
/* The leads a clause states: where lead.area matches at `at` (right after
 * the lead units, or the start of a duty), one lead per area the work
 * after it names (and the plan's area when the work is the whole plan,
 * lead.plan), for each unit of `lead`; the quote runs from a.  Returns
 * the area named first, or NULL (no lead); *why becomes the lead.area
 * rule when there is one. */
const char *leads_of_areas(tk *t, size_t a, size_t at, size_t b,
                           const xunits *lead, const rule **why);

/* ---- the passes ------------------------------------------------------------- */

/* The "Tổ chức thực hiện" part, if the plan has one: [part_start,
 * part_end) (duties.c). */
bool duties_find(tk *t);
/* Its duties, headings of units and area leads (duties.c). */
void duties_tasks(tk *t);
/* The task of duty [a, b): led by `heading` unless the duty names its own
 * lead (lead.* strength=strong) or opens with units that act (`own`,
 * their list ending at own_end); with the leads of areas it states
 * (duties.c). */
void duty_task(tk *t, size_t a, size_t b, const xunits *heading,
               const xunits *own, size_t own_end);
/* The tasks of the crawled tables, and of the scattered table of the
 * appendix [app_start, app_end) (appendix.c). */
void appendix_tasks(tk *t);
/* Inline assignment lines ("Cơ quan chủ trì: ...") outside the
 * "Tổ chức thực hiện" part and the tables: the tasks they assign; their
 * lines are marked in claimed (assign.c). */
void assign_tasks(tk *t);
/* The end of the sentence starting at a, within [a, b): its first '.'
 * that b or a blank follows, else b (tasks.c). */
size_t task_sentence_end(const xctx *x, size_t a, size_t b);

#endif
