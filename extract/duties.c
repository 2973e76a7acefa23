/* duties.c: the "Tổ chức thực hiện" part (task.part) -- who does what.
 *
 * Each line of the part is read from its start (after its numbering, its
 * bullet and a prefix such as "Đề nghị", "Trách nhiệm của": task.prefix)
 * for the list of units it opens with, names the taxonomy lacks included:
 *
 * - a line that is only such a list is a unit heading ("1. Sở Y tế",
 *   "a) Phòng Kinh tế:", a bold line, "- Văn phòng HĐND và UBND xã:");
 * - a line where the list goes on with what the units do ("2. Sở Tài
 *   chính chủ trì, ...", "- Phòng Tư pháp: ...", "3. UBND các xã tăng
 *   cường ...") is a duty led by those units; numbered, it also heads the
 *   lines under it.
 *
 * Under a unit heading every bullet, unbulleted paragraph and numbered item
 * deeper than the heading is a duty: a task whose lead is the heading's
 * units unless the duty names another lead (lead.* strength=strong).  Lines
 * left open (task.open, task.cont) continue the duty.  A numbered line as
 * deep as the heading or shallower that names no units ("2. Trách nhiệm
 * chung", "3. Chế độ báo cáo") closes the heading: its sentences, and the
 * lines under it, count like body sentences (a clause naming its lead or
 * its time is a task), so sub-parts at any depth are read alike.  Duties
 * that open with "Chủ trì" give leads of areas (leads.c).  A closing
 * paragraph (task.end) ends the part; its sentences count like body
 * sentences until the signature (task.stop). */
#include "tasks.h"

#include <stdlib.h>
#include <string.h>

bool duties_find(tk *t) {
  xctx *x = t->x;
  const cchc_frame *f = x->f;
  for (size_t i = 0; i < f->nsections; i++) {
    const frame_section *sec = &f->sections[i];
    if (!sec->heading) continue;
    size_t n = strlen(sec->heading);
    for (size_t r = 0; r < t->part.n; r++)
      /* (a heading rule is anchored: most headings start with no byte
       * its matches start with) */
      if ((!n || rule_may_open(t->part.items[r],
                               (unsigned char)sec->heading[0])) &&
          rule_exec(t->part.items[r], sec->heading, n, 0, x->md)) {
        t->part_start = xline_at(x, sec->body_start);
        size_t end = sec->body_end ? sec->body_end : x->n;
        t->part_end = end >= x->n ? x->nlines : xline_at(x, end);
        if (t->part_end < x->nlines && xline_start(x, t->part_end) < end)
          t->part_end++;
        return true;
      }
  }
  return false;
}

/* ---- one line of the part ------------------------------------------------ */

/* A line as the part reads it. */
typedef struct part_line {
  size_t a, b;      /* its text: after the numbering or bullet */
  bool numbered;    /* a section heading */
  int level;        /* depth of its section (of the one it lies in when
                       not numbered); 0 outside any */
  xunits units;     /* the units it opens with (owned) */
  size_t units_end; /* where that list ends */
  bool heading;     /* nothing but the list */
  bool acts;        /* the list goes on with what the units do */
} part_line;

/* Does [a, b) hold nothing but closing punctuation and a short tail (a
 * level word or a parenthesis after the units, at most 12 bytes)? */
static bool short_tail(const xctx *x, size_t a, size_t b) {
  if (b - a <= 12) return true;
  for (size_t i = a; i < b; i++) /* the first other byte decides */
    if (!xblank(x->s[i]) && !strchr(".:;,", x->s[i])) return false;
  return true;
}

static void read_line(tk *t, size_t li, part_line *pl) {
  xctx *x = t->x;
  pl->numbered = xline_is_heading(x, li);
  int sec = x->lines[li].section;
  pl->level = sec >= 0 ? x->f->sections[sec].level : 0;
  pl->b = xline_end(x, li);
  pl->a = xline_text_start(x, li);
  pl->units.n = 0;
  pl->units_end = clause_opening(t, pl->a, pl->b, &pl->units);
  pl->heading = pl->units.n && short_tail(x, pl->units_end, pl->b);
  pl->acts = pl->units.n && !pl->heading &&
             clause_acts(t, pl->units_end, pl->b);
}

/* Does line li hold a letter or a digit (not a blank line, nor table
 * borders or stray marks such as "|" and "* *")? */
static bool has_text(const xctx *x, size_t li) {
  for (size_t i = xline_start(x, li); i < xline_end(x, li); i++) {
    unsigned char c = (unsigned char)x->s[i];
    unsigned char lower = c | 0x20;
    if (c >= 0x80 || (c >= '0' && c <= '9') ||
        (lower >= 'a' && lower <= 'z'))
      return true;
  }
  return false;
}

/* ---- duties ----------------------------------------------------------------- */

void duty_task(tk *t, size_t a, size_t b, const xunits *heading,
               const xunits *own, size_t own_end) {
  const xunits *lead = own->n ? own : heading;
  size_t at = own->n ? own_end : a;
  const rule *why = t->bullet.n ? t->bullet.items[0] : NULL;
  xunits named = {0}, coords = {0};
  const rule *named_why = NULL;
  if (clause_lead(t, a, b, true, &named, NULL, &named_why)) {
    lead = &named;
    why = named_why;
    at = named.items[named.n - 1].end;
  }
  /* read before the leads of areas: clause_lead may have read them (its
   * answer is kept), and the coordinators a "Chủ trì, phối hợp với X"
   * clause skips are these (leads.c: work_start) */
  clause_coordinators(t, a, b, &coords);
  const char *area = leads_of_areas(t, a, at, b, lead, &why);
  task_add(t, a, b, lead, &coords, deadline_within(t->x, a, b), area, why);
  xunits_free(&named);
  xunits_free(&coords);
}

/* The duty being read: its text and who it names at its start. */
typedef struct duty {
  bool open;
  size_t a, b;
  xunits own; /* owned */
  size_t own_end;
} duty;

static void duty_close(tk *t, duty *d, const xunits *heading) {
  if (d->open) duty_task(t, d->a, d->b, heading, &d->own, d->own_end);
  d->open = false;
}

static void duty_open(tk *t, duty *d, const part_line *pl, bool acts) {
  d->open = true;
  d->a = pl->a;
  d->b = pl->b;
  d->own.n = 0;
  if (acts) xunits_copy(t->x, &d->own, &pl->units);
  d->own_end = pl->units_end;
}

void duties_tasks(tk *t) {
  xctx *x = t->x;
  xunits heading = {0};
  bool have = false; /* a unit heading is open */
  int hlevel = 0;    /* its depth */
  duty d = {.open = false};
  part_line pl = {0};
  size_t li = t->part_start + 1, closing = t->part_end;
  for (; li < t->part_end; li++) {
    if (!has_text(x, li)) continue;
    size_t a = xline_start(x, li), b = xline_end(x, li);
    if (xany(x, t->end, a, b, NULL)) {
      closing = li;
      break;
    }
    read_line(t, li, &pl);
    bool acts = pl.acts;
    if (pl.heading) { /* a unit heading, at any depth */
      duty_close(t, &d, &heading);
      xunits_copy(x, &heading, &pl.units);
      have = true;
      hlevel = pl.level;
      continue;
    }
    if (pl.numbered) {
      duty_close(t, &d, &heading);
      if (have && pl.level > hlevel) { /* a numbered duty */
        duty_open(t, &d, &pl, acts);
        continue;
      }
      if (acts) { /* "2. Sở Tài chính chủ trì ...": a duty that heads */
        xunits_copy(x, &heading, &pl.units);
        have = true;
        hlevel = pl.level;
        duty_open(t, &d, &pl, false);
        continue;
      }
      /* a sub-part or an item of its own: read like the body */
      have = false;
      task_sentences(t, a, b, NULL, t->part.n ? t->part.items[0] : NULL);
      continue;
    }
    if (!have && !acts) {
      task_sentences(t, a, b, NULL, NULL);
      continue;
    }
    bool bullet = tasks_span_opens(x, t->bullet, a, b);
    if (d.open && !bullet &&
        (xany(x, t->open, d.a, d.b, NULL) ||
         (!acts && xany(x, t->cont, a, b, NULL)))) {
      d.b = b; /* the duty goes on */
      continue;
    }
    duty_close(t, &d, &heading);
    duty_open(t, &d, &pl, acts);
  }
  duty_close(t, &d, &heading);
  xunits_free(&heading);
  xunits_free(&d.own);
  xunits_free(&pl.units);
  /* closing paragraphs */
  for (li = closing; li < t->part_end; li++) {
    size_t a = xline_start(x, li), b = xline_end(x, li);
    if (xany(x, t->stop, a, b, NULL)) break;
    if (!xline_blank(x, li)) task_sentences(t, a, b, NULL, NULL);
  }
}
