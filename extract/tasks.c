/* tasks.c: tasks and leads -- who does what by when.
 *
 * Every wording is in rules/tasks.rules (groups task., lead., coord.,
 * leadarea., tcell.), the area words in rules/areas.rules (area.) and the
 * appendix cell joins in rules/targets.rules (cell.); this file only
 * orchestrates, in four passes:
 *
 * 1. "Tổ chức thực hiện" (task.part).  Each numbered heading that names
 *    units (units_find at its start) opens a block; each bullet or
 *    paragraph under it is a duty, a task whose lead is the heading's units
 *    unless the duty names another lead (lead.* strength=strong).  Lines
 *    left open (task.open, task.cont) continue the duty.  A duty opening
 *    with "Chủ trì" (lead.area) also gives one lead per area its clause
 *    names (area.* and leadarea.* over the clause, cut at the sentence end
 *    or a later coordination, coord.cut; leadarea role=mask hides people).
 *    Numbered items under a heading are text, not duties: their sentences
 *    count like body sentences, with the heading's units as default lead.
 *    A closing paragraph (task.end) ends the blocks; its sentences count
 *    like body sentences until the signature (task.stop).
 * 2. Appendix task table (tcell.header in the appendix).  Rows are rebuilt
 *    from the order of cells: numbering (tcell.marker: 1.x target, 2.x
 *    task, 3.x activity; tcell.rowno), unit cells (a mention standing as a
 *    cell: before a line end, another mention, a deadline or a budget, not
 *    after a preposition, tcell.open), deadlines (frame deadlines), budget
 *    (tcell.budget), products (tcell.product).  A new 2.x or 3.x after a
 *    row got its units, deadline or budget starts a new row; a row without
 *    units or deadline takes those of the row above (merged cells).  The
 *    first unit is the lead, the others coordinate; a lone collective
 *    (tcell.plural) is the coordinating column.  One task per 2.x cell of a
 *    row, else one for its first 3.x cell.  A row without lead takes the
 *    lead of its area (lead_from "area").
 * 3. Body sentences outside those parts: a clause whose unit stands as a
 *    lead (lead.after, lead.before) starts a task, and so does a clause
 *    holding a frame deadline; "* Thời gian thực hiện: ..." (task.time)
 *    makes its section a task with that deadline.
 * 4. Inconsistencies: an appendix target with the indicator of body
 *    targets but none of their values.
 *
 * Coordinators are the units listed right after "phối hợp (với)"
 * (coord.with, joined by coord.gap), unknown names kept by units_unknown;
 * a task's deadline is the first frame deadline inside its text. */
#include "extract.h"

#include <stdlib.h>
#include <string.h>

enum { MAX_RULES = 64, MAX_UNITS = 48, MAX_ROW_TASKS = 8 };

typedef struct rset {
  const rule *r[MAX_RULES];
  size_t n;
} rset;

typedef struct ulist {
  xunit u[MAX_UNITS];
  size_t n;
} ulist;

typedef struct tk {
  xctx *x;
  rset part, end, stop, prefix, bullet, open, cont, time;
  rset after, before, area_lead;
  rset with, cut, gap;
  rset areas, masks;
  rset header, marker, rowno, topen, plural, budget, product, upper;
  rset cnew, cclosed, copen, ccont; /* cell.* of targets.rules */
  size_t part_start, part_end;      /* "Tổ chức thực hiện" lines */
  size_t app_start, app_end;        /* appendix lines */
  size_t ntasks;
} tk;

/* ---- rules ------------------------------------------------------------- */

static void select_role(const cchc_rules *rs, const char *prefix,
                        const char *role, rset *out) {
  out->n = rules_select_role(rs, prefix, role, out->r, MAX_RULES);
  if (out->n > MAX_RULES) out->n = MAX_RULES;
}

/* area.* rules and leadarea.* rules that set an area */
static void select_areas(const cchc_rules *rs, rset *out) {
  select_role(rs, "area.", NULL, out);
  rset extra;
  select_role(rs, "leadarea.", NULL, &extra);
  for (size_t i = 0; i < extra.n && out->n < MAX_RULES; i++)
    if (rule_attr(extra.r[i], "area")) out->r[out->n++] = extra.r[i];
}

static bool is_cont_byte(const char *s, size_t at) {
  return ((unsigned char)s[at] & 0xC0) == 0x80;
}

/* Move `at` forward to a character boundary (not past `hi`). */
static size_t boundary(const xctx *x, size_t at, size_t hi) {
  while (at < hi && at < x->n && is_cont_byte(x->s, at)) at++;
  return at;
}

/* Does a rule of `set` match s[a, b)?  The first that does is *hit. */
static bool any_in(tk *t, const rset *set, size_t a, size_t b,
                   const rule **hit) {
  const xctx *x = t->x;
  if (b < a) return false;
  for (size_t i = 0; i < set->n; i++)
    if (rule_exec(set->r[i], x->s + a, b - a, 0, x->md)) {
      if (hit) *hit = set->r[i];
      return true;
    }
  return false;
}

/* The earliest match of a rule of `set` in s[a, b), as canonical offsets. */
static bool first_in(tk *t, const rset *set, size_t a, size_t b, size_t *ms,
                     size_t *me, const rule **hit) {
  const xctx *x = t->x;
  bool found = false;
  for (size_t i = 0; i < set->n; i++)
    if (rule_exec(set->r[i], x->s + a, b - a, 0, x->md)) {
      PCRE2_SIZE *ov = pcre2_get_ovector_pointer(x->md);
      if (!found || a + ov[0] < *ms) {
        *ms = a + ov[0];
        *me = a + ov[1];
        if (hit) *hit = set->r[i];
        found = true;
      }
    }
  return found;
}

/* ---- text helpers ------------------------------------------------------- */

static bool blank(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static void trim(const xctx *x, size_t *a, size_t *b) {
  while (*a < *b && blank(x->s[*a])) (*a)++;
  while (*b > *a && (blank(x->s[*b - 1]))) (*b)--;
}

/* Drop the list marker that opens [*a, b) ("- ", "2.4. ", "a) ": the one
 * grammar, cchc_list_marker). */
static void skip_bullet(const xctx *x, size_t *a, size_t b) {
  trim(x, a, &b);
  *a += cchc_list_marker(x->s + *a, b - *a);
}

/* s[a, b) with line breaks and runs of blanks folded to one space. */
static const char *fold(tk *t, size_t a, size_t b) {
  const xctx *x = t->x;
  trim(x, &a, &b);
  char *p = frame_alloc(x->f, b - a + 1);
  if (!p) return NULL;
  size_t k = 0;
  bool sp = false;
  for (size_t i = a; i < b; i++) {
    if (blank(x->s[i])) {
      sp = true;
      continue;
    }
    if (sp && k) p[k++] = ' ';
    sp = false;
    p[k++] = x->s[i];
  }
  p[k] = '\0';
  return p;
}

static bool line_empty(const xctx *x, size_t li) {
  for (size_t i = x->lines[li].start; i < x->lines[li].end; i++)
    if (!blank(x->s[i])) return false;
  return true;
}

static bool is_heading_line(const xctx *x, size_t li) {
  int sec = x->lines[li].section;
  return sec >= 0 && x->f->sections[sec].body_start == x->lines[li].start;
}

/* ---- deadlines and units ------------------------------------------------ */

/* First frame deadline whose span lies inside canonical [a, b), or -1. */
/* Deadlines are in text order (deadlines.c emits them sorted by start):
 * the first whose span starts at or after `at`. */
static size_t first_deadline_from(const cchc_frame *f, size_t at) {
  size_t lo = 0, hi = f->ndeadlines;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (f->deadlines[mid].span.start >= at) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

static bool is_recurring(const cchc_frame *f, int i) {
  return i >= 0 && !strcmp(f->deadlines[i].kind, "recurring");
}

/* A recurrence ("báo cáo định kỳ") says how often, not by when: a time
 * limit in the same span is the task's deadline, the recurrence only when
 * there is none. */
static int deadline_in(tk *t, size_t a, size_t b) {
  frame_span sp = xspan(t->x, a, b);
  const cchc_frame *f = t->x->f;
  int periodic = -1;
  for (size_t i = first_deadline_from(f, sp.start);
       i < f->ndeadlines && f->deadlines[i].span.start < sp.end; i++) {
    if (f->deadlines[i].span.end > sp.end) continue;
    if (!is_recurring(f, (int)i)) return (int)i;
    if (periodic < 0) periodic = (int)i;
  }
  return periodic;
}

/* Does canonical [a, b) overlap a frame deadline? */
static bool in_deadline(tk *t, size_t a, size_t b) {
  frame_span sp = xspan(t->x, a, b);
  const cchc_frame *f = t->x->f;
  size_t i = first_deadline_from(f, sp.start);
  if (i < f->ndeadlines && f->deadlines[i].span.start < sp.end) return true;
  /* one starting before may reach into the span: spans of one list of
   * dates are shared, so look back over equal starts too */
  while (i > 0) {
    const frame_deadline *d = &f->deadlines[--i];
    if (d->span.end > sp.start) return true;
    if (i > 0 && f->deadlines[i - 1].span.start != d->span.start) break;
  }
  return false;
}

/* Unit mentions in [a, b) outside deadlines ("Theo Kế hoạch của UBND
 * huyện" is a time, not a unit). */
static size_t units_in(tk *t, size_t a, size_t b, xunit *out, size_t max) {
  xunit buf[MAX_UNITS];
  size_t n = units_find(t->x, a, b, buf, MAX_UNITS);
  if (n > MAX_UNITS) n = MAX_UNITS;
  size_t k = 0;
  for (size_t i = 0; i < n && k < max; i++)
    if (!in_deadline(t, buf[i].start, buf[i].end)) out[k++] = buf[i];
  return k;
}

static bool same_unit(const tk *t, const xunit *a, const xunit *b) {
  if (a->key || b->key) return a->key && b->key && !strcmp(a->key, b->key);
  size_t la = a->end - a->start, lb = b->end - b->start;
  return la == lb && !memcmp(t->x->s + a->start, t->x->s + b->start, la);
}

static void ul_add(const tk *t, ulist *l, const xunit *u) {
  for (size_t i = 0; i < l->n; i++)
    if (same_unit(t, &l->u[i], u)) return;
  if (l->n < MAX_UNITS) l->u[l->n++] = *u;
}

static bool ul_has(const tk *t, const ulist *l, const xunit *u) {
  for (size_t i = 0; i < l->n; i++)
    if (same_unit(t, &l->u[i], u)) return true;
  return false;
}

/* Only joining text (blanks, commas, "và") between a and b? */
static bool gap_ok(tk *t, size_t a, size_t b) {
  if (b < a) return false;
  if (b == a) return true;
  return any_in(t, &t->gap, a, b, NULL);
}

static frame_unit *to_frame_units(tk *t, const ulist *l) {
  if (!l->n) return NULL;
  frame_unit *u = frame_alloc(t->x->f, l->n * sizeof *u);
  if (!u) return NULL;
  for (size_t i = 0; i < l->n; i++) {
    u[i].key = l->u[i].key;
    u[i].name = l->u[i].name;
    u[i].text = fold(t, l->u[i].start, l->u[i].end);
    u[i].span = xspan(t->x, l->u[i].start, l->u[i].end);
  }
  return u;
}

/* Coordinators of [a, b): the units listed right after each "phối hợp
 * (với)". */
static void find_coords(tk *t, size_t a, size_t b, ulist *out) {
  xctx *x = t->x;
  size_t at = a;
  while (at < b) {
    size_t ms, me;
    if (!first_in(t, &t->with, at, b, &ms, &me, NULL)) break;
    at = me > at ? me : at + 1;
    xunit m[MAX_UNITS];
    size_t n = units_in(t, me, b, m, MAX_UNITS);
    size_t pos = me, k = 0;
    for (;;) {
      if (k < n && m[k].start >= pos && gap_ok(t, pos, m[k].start)) {
        ul_add(t, out, &m[k]);
        pos = m[k].end;
        k++;
        continue;
      }
      /* a name the taxonomy lacks, in the list */
      xunit u;
      size_t lim = k < n ? m[k].start : b;
      if (lim > pos && units_unknown(x, pos, lim, &u) && gap_ok(t, pos, u.start)) {
        ul_add(t, out, &u);
        pos = u.end;
        continue;
      }
      break;
    }
    (void)x;
  }
}

/* The lead a clause [a, b) names: a unit followed by a lead.after match or
 * preceded by a lead.before one, with the units listed with it.  Units
 * inside a coordination list do not lead.  `strong` keeps only rules with
 * strength=strong.  *needs is set when the rule wants a deadline. */
static bool find_lead(tk *t, size_t a, size_t b, bool strong, ulist *out,
                      bool *needs, const rule **why) {
  xctx *x = t->x;
  xunit m[MAX_UNITS];
  size_t n = units_in(t, a, b, m, MAX_UNITS);
  if (!n) return false;
  ulist coords = {.n = 0};
  find_coords(t, a, b, &coords);
  for (size_t i = 0; i < n; i++) {
    bool in_coord = false;
    for (size_t k = 0; k < coords.n && !in_coord; k++)
      in_coord = coords.u[k].start == m[i].start;
    if (in_coord) continue;
    const rule *hit = NULL;
    bool found = false, after = false;
    size_t ae = m[i].end + 80 < b ? boundary(x, m[i].end + 80, b) : b;
    for (size_t r = 0; r < t->after.n && !found; r++) {
      const char *st = rule_attr(t->after.r[r], "strength");
      if (strong && (!st || strcmp(st, "strong"))) continue;
      if (rule_exec(t->after.r[r], x->s + m[i].end, ae - m[i].end, 0,
                    x->md)) {
        hit = t->after.r[r];
        found = after = true;
      }
    }
    size_t bs = m[i].start > a + 40 ? boundary(x, m[i].start - 40, m[i].start)
                                    : a;
    for (size_t r = 0; r < t->before.n && !found; r++) {
      const char *st = rule_attr(t->before.r[r], "strength");
      if (strong && (!st || strcmp(st, "strong"))) continue;
      if (rule_exec(t->before.r[r], x->s + bs, m[i].start - bs, 0, x->md)) {
        hit = t->before.r[r];
        found = true;
      }
    }
    if (!found) continue;
    out->n = 0;
    size_t lo = i, hi = i;
    if (after) /* "Công an xã, Ban chỉ huy Quân sự xã chủ trì" */
      while (lo > 0 && gap_ok(t, m[lo - 1].end, m[lo].start)) lo--;
    else /* "yêu cầu các ban, ngành cấp xã, Bộ phận ..." */
      while (hi + 1 < n && gap_ok(t, m[hi].end, m[hi + 1].start)) hi++;
    for (size_t k = lo; k <= hi; k++) ul_add(t, out, &m[k]);
    const char *nd = rule_attr(hit, "needs");
    if (needs) *needs = nd && !strcmp(nd, "deadline");
    if (why) *why = hit;
    return true;
  }
  return false;
}

/* ---- frame items ---------------------------------------------------------- */

static frame_task *add_task(tk *t, size_t a, size_t b, const ulist *lead,
                            const ulist *coords, int deadline,
                            const char *area, const rule *why) {
  xctx *x = t->x;
  skip_bullet(x, &a, b);
  trim(x, &a, &b);
  if (a >= b) return NULL;
  frame_task *k = FRAME_PUSH(x->f, tasks);
  if (!k) return NULL;
  k->id = frame_printf(x->f, "k%zu", ++t->ntasks);
  size_t li = xline_at(x, a);
  k->section = x->lines[li].section;
  k->area = area ? area : xsection_area(x, k->section);
  k->text = fold(t, a, b);
  if (lead) {
    k->lead = to_frame_units(t, lead);
    k->nlead = k->lead ? lead->n : 0;
  }
  if (coords) {
    k->coordinators = to_frame_units(t, coords);
    k->ncoordinators = k->coordinators ? coords->n : 0;
  }
  k->deadline = deadline;
  k->target = -1;
  k->span = xspan(x, a, b);
  /* a task found by its time alone carries the deadline's rule */
  k->rule = why ? why->id
          : deadline >= 0 && x->f->deadlines[deadline].rule
              ? x->f->deadlines[deadline].rule
              : "task.bullet";
  return k;
}

static bool has_lead(const cchc_frame *f, const char *area, const xunit *u) {
  for (size_t i = 0; i < f->nleads; i++) {
    const frame_lead *l = &f->leads[i];
    if (strcmp(l->area, area)) continue;
    if (u->key ? l->unit.key && !strcmp(l->unit.key, u->key)
               : !l->unit.key)
      return true;
  }
  return false;
}

/* End of the clause of a "Chủ trì ..." duty starting at a: the sentence
 * end, or a later coordination (coord.cut), within [a, b). */
static size_t lead_clause_end(tk *t, size_t a, size_t b) {
  const char *s = t->x->s;
  size_t e = b;
  for (size_t i = a; i < b; i++)
    if (s[i] == '.' && (i + 1 == b || blank(s[i + 1]))) {
      e = i;
      break;
    }
  size_t ms, me;
  if (first_in(t, &t->cut, a, e, &ms, &me, NULL)) e = ms;
  return e;
}

/* A duty [a, b) that opens with "Chủ trì": one lead per area its clause
 * names, for each lead unit.  Returns the first area found, or NULL. */
static const char *area_leads(tk *t, size_t a, size_t b, const ulist *lead) {
  xctx *x = t->x;
  const rule *hit = NULL;
  if (!lead->n || !any_in(t, &t->area_lead, a, b, &hit)) return NULL;
  size_t cs = a + pcre2_get_ovector_pointer(x->md)[1];
  /* "Chủ trì, phối hợp với X, Y <work>": the work starts after the list */
  size_t ms, me;
  if (first_in(t, &t->with, cs, b, &ms, &me, NULL) && gap_ok(t, cs, ms)) {
    ulist c = {.n = 0};
    find_coords(t, cs, b, &c);
    size_t w = me;
    for (size_t i = 0; i < c.n; i++)
      if (c.u[i].end > w) w = c.u[i].end;
    cs = w;
  }
  size_t ce = lead_clause_end(t, cs, b);
  if (ce <= cs) return NULL;
  char *buf = malloc(ce - cs + 1);
  if (!buf) {
    x->f->failed = true;
    return NULL;
  }
  memcpy(buf, x->s + cs, ce - cs);
  buf[ce - cs] = '\0';
  /* hide people ("cán bộ, công chức") from the area words */
  for (size_t i = 0; i < t->masks.n; i++) {
    size_t at = 0;
    while (at < ce - cs &&
           rule_exec(t->masks.r[i], buf, ce - cs, at, x->md)) {
      PCRE2_SIZE *ov = pcre2_get_ovector_pointer(x->md);
      memset(buf + ov[0], 'x', ov[1] - ov[0]);
      at = ov[1] > at ? ov[1] : at + 1;
    }
  }
  const char *first = NULL;
  size_t first_at = (size_t)-1;
  for (size_t i = 0; i < t->areas.n; i++) {
    const rule *r = t->areas.r[i];
    if (!rule_exec(r, buf, ce - cs, 0, x->md)) continue;
    const char *area = rule_attr(r, "area");
    if (!area) continue;
    size_t at = pcre2_get_ovector_pointer(x->md)[0];
    if (at < first_at) {
      first_at = at;
      first = area;
    }
    for (size_t u = 0; u < lead->n; u++) {
      if (has_lead(x->f, area, &lead->u[u])) continue;
      frame_lead *l = FRAME_PUSH(x->f, leads);
      if (!l) break;
      l->area = area;
      l->unit.key = lead->u[u].key;
      l->unit.name = lead->u[u].name;
      l->unit.text = fold(t, lead->u[u].start, lead->u[u].end);
      l->unit.span = xspan(x, lead->u[u].start, lead->u[u].end);
      size_t la = a;
      skip_bullet(x, &la, ce);
      l->text = fold(t, la, ce);
      l->span = xspan(x, la, ce);
      l->rule = r->id;
    }
  }
  free(buf);
  (void)hit;
  return first;
}

/* ---- body sentences --------------------------------------------------------- */

typedef struct pending {
  bool open;
  size_t a, b;
  ulist lead;
  bool needs;
  int deadline;
  const rule *why;
} pending;

static void close_pending(tk *t, pending *p) {
  if (!p->open) return;
  p->open = false;
  if (p->needs && p->deadline < 0) return;
  if (!p->lead.n && p->deadline < 0) return;
  ulist coords = {.n = 0};
  find_coords(t, p->a, p->b, &coords);
  add_task(t, p->a, p->b, &p->lead, &coords, p->deadline, NULL, p->why);
}

/* Sentences of a block [a, b): a clause naming its lead (or, with
 * `deflt`, a clause holding a deadline) opens a task; the clauses after it
 * in the sentence continue it. */
static void body_block(tk *t, size_t a, size_t b, const ulist *deflt,
                       const rule *why_deflt) {
  const char *s = t->x->s;
  pending p = {.open = false};
  size_t cs = a;
  for (size_t i = a; i <= b; i++) {
    bool sentence_end = i == b || (s[i] == '.' && (i + 1 == b || blank(s[i + 1])));
    bool clause_end = sentence_end || s[i] == ';';
    if (!clause_end) continue;
    size_t ce = i;
    if (ce > cs) {
      ulist lead = {.n = 0};
      bool needs = false;
      const rule *why = NULL;
      int dl = deadline_in(t, cs, ce);
      if (find_lead(t, cs, ce, false, &lead, &needs, &why)) {
        close_pending(t, &p);
        p = (pending){true, cs, ce, lead, needs, dl, why};
      } else if (p.open) {
        p.b = ce;
        if (p.deadline < 0) p.deadline = dl;
      } else if (dl >= 0 && !is_recurring(t->x->f, dl)) {
        /* a frequency alone does not make a clause a task */
        p = (pending){true, cs, ce, {.n = 0}, false, dl, why_deflt};
        if (deflt) p.lead = *deflt;
      }
    }
    if (sentence_end) close_pending(t, &p);
    cs = i + 1;
  }
  close_pending(t, &p);
}

/* ---- 1. "Tổ chức thực hiện" -------------------------------------------------- */

static bool find_part(tk *t) {
  const cchc_frame *f = t->x->f;
  for (size_t i = 0; i < f->nsections; i++) {
    const frame_section *sec = &f->sections[i];
    if (!sec->heading) continue;
    for (size_t r = 0; r < t->part.n; r++)
      if (rule_exec(t->part.r[r], sec->heading, strlen(sec->heading), 0,
                    t->x->md)) {
        t->part_start = xline_at(t->x, sec->body_start);
        size_t end = sec->body_end ? sec->body_end : t->x->n;
        t->part_end = end >= t->x->n ? t->x->nlines : xline_at(t->x, end);
        if (t->part_end < t->x->nlines &&
            t->x->lines[t->part_end].start < end)
          t->part_end++;
        return true;
      }
  }
  return false;
}

/* The units a heading line names from its start (after its numbering and
 * an optional prefix such as "Đề nghị"). */
static bool unit_heading(tk *t, size_t li, ulist *out) {
  xctx *x = t->x;
  const frame_section *sec = &x->f->sections[x->lines[li].section];
  (void)sec;
  size_t a = x->lines[li].start, b = x->lines[li].end;
  size_t i = a;
  skip_bullet(x, &i, b); /* the numbering */
  size_t ms, me;
  if (first_in(t, &t->prefix, i, b, &ms, &me, NULL) && ms == i) i = me;
  xunit m[MAX_UNITS];
  size_t n = units_in(t, i, b, m, MAX_UNITS);
  if (!n || m[0].start != i) return false;
  /* the heading is a list of units: nothing but joins between them, and
   * not a sentence after the last one */
  for (size_t k = 0; k + 1 < n; k++)
    if (!gap_ok(t, m[k].end, m[k + 1].start)) return false;
  if (b - m[n - 1].end > 12) return false;
  out->n = 0;
  for (size_t k = 0; k < n; k++) ul_add(t, out, &m[k]);
  return true;
}

typedef struct duty {
  size_t a, b;
} duty;

static void emit_duty(tk *t, duty d, const ulist *heading) {
  ulist lead = *heading;
  const rule *why = t->bullet.n ? t->bullet.r[0] : NULL;
  ulist own = {.n = 0};
  const rule *own_why = NULL;
  if (find_lead(t, d.a, d.b, true, &own, NULL, &own_why)) {
    lead = own;
    why = own_why;
  }
  const char *area = area_leads(t, d.a, d.b, &lead);
  if (area && t->area_lead.n) why = t->area_lead.r[0];
  ulist coords = {.n = 0};
  find_coords(t, d.a, d.b, &coords);
  add_task(t, d.a, d.b, &lead, &coords, deadline_in(t, d.a, d.b), area, why);
}

static void do_part(tk *t) {
  xctx *x = t->x;
  ulist heading = {.n = 0};
  bool have = false, in_duty = false;
  duty d = {0, 0};
  size_t li = t->part_start + 1, closing = t->part_end;
  for (; li < t->part_end; li++) {
    if (line_empty(x, li)) continue;
    size_t a = x->lines[li].start, b = x->lines[li].end;
    if (any_in(t, &t->end, a, b, NULL)) {
      closing = li;
      break;
    }
    if (is_heading_line(x, li)) {
      if (in_duty) emit_duty(t, d, &heading);
      in_duty = false;
      ulist u = {.n = 0};
      if (unit_heading(t, li, &u)) {
        heading = u;
        have = true;
      } else {
        /* a numbered item: its sentences count like the body's */
        body_block(t, a, b, have ? &heading : NULL,
                   t->part.n ? t->part.r[0] : NULL);
      }
      continue;
    }
    if (!have) {
      body_block(t, a, b, NULL, NULL);
      continue;
    }
    bool bullet = any_in(t, &t->bullet, a, b, NULL);
    if (in_duty && !bullet &&
        (any_in(t, &t->open, d.a, d.b, NULL) ||
         any_in(t, &t->cont, a, b, NULL))) {
      d.b = b; /* the duty goes on */
      continue;
    }
    if (in_duty) emit_duty(t, d, &heading);
    d = (duty){a, b};
    in_duty = true;
  }
  if (in_duty) emit_duty(t, d, &heading);
  /* closing paragraphs */
  for (li = closing; li < t->part_end; li++) {
    size_t a = x->lines[li].start, b = x->lines[li].end;
    if (any_in(t, &t->stop, a, b, NULL)) break;
    if (!line_empty(x, li)) body_block(t, a, b, NULL, NULL);
  }
}

/* ---- 2. appendix task table ------------------------------------------------ */

typedef struct trow {
  size_t task_a[MAX_ROW_TASKS], task_b[MAX_ROW_TASKS];
  size_t ntask;
  size_t act_a, act_b;
  bool has_act;
  ulist units;
  int deadline;
  size_t bud_a, bud_b;
  bool has_budget;
  size_t prod_a, prod_b;
  bool has_prod;
  bool complete;
} trow;

typedef struct tstate {
  trow row;
  bool prev_valid;
  ulist prev_lead, prev_coords;
  int prev_deadline;
  int target;        /* frame target of the current target cell, or -1 */
  bool expect_task;  /* after a target cell, before any 2.x / 3.x */
  bool pend;         /* an unnumbered cell that may be the task cell */
  size_t pend_a, pend_b;
  size_t text_end;   /* end of the numbered cell's text (with continuations) */
  const rule *why;
} tstate;

static void row_reset(trow *r) {
  memset(r, 0, sizeof *r);
  r->deadline = -1;
}

static const char *lead_of_area(tk *t, const char *area, xunit *out) {
  const cchc_frame *f = t->x->f;
  if (!area) return NULL;
  for (size_t i = 0; i < f->nleads; i++)
    if (!strcmp(f->leads[i].area, area)) {
      *out = (xunit){f->leads[i].unit.key, f->leads[i].unit.name, 0, 0, NULL};
      return f->leads[i].unit.text;
    }
  return NULL;
}

static void flush_row(tk *t, tstate *st) {
  trow *r = &st->row;
  if (!r->ntask && !r->has_act) {
    row_reset(r);
    return;
  }
  ulist lead = {.n = 0}, coords = {.n = 0};
  if (r->units.n) {
    bool plural = r->units.n == 1 &&
                  any_in(t, &t->plural, r->units.u[0].start,
                         r->units.u[0].end, NULL);
    for (size_t i = 0; i < r->units.n; i++) {
      if (i == 0 && !plural) ul_add(t, &lead, &r->units.u[i]);
      else if (!ul_has(t, &lead, &r->units.u[i]))
        ul_add(t, &coords, &r->units.u[i]);
    }
  } else if (st->prev_valid) {
    lead = st->prev_lead;
    coords = st->prev_coords;
  }
  int dl = r->deadline;
  if (dl < 0 && st->prev_valid) dl = st->prev_deadline;
  st->prev_valid = true;
  st->prev_lead = lead;
  st->prev_coords = coords;
  st->prev_deadline = dl;
  size_t n = r->ntask ? r->ntask : 1;
  for (size_t i = 0; i < n; i++) {
    size_t a = r->ntask ? r->task_a[i] : r->act_a;
    size_t b = r->ntask ? r->task_b[i] : r->act_b;
    frame_task *k = add_task(t, a, b, &lead, &coords, dl, NULL, st->why);
    if (!k) continue;
    k->target = st->target;
    if (r->has_budget) k->budget = fold(t, r->bud_a, r->bud_b);
    if (r->has_prod) {
      size_t pa = r->prod_a;
      skip_bullet(t->x, &pa, r->prod_b);
      k->products = fold(t, pa, r->prod_b);
    }
    if (!lead.n) {
      xunit u;
      const char *text = lead_of_area(t, k->area, &u);
      if (text) {
        frame_unit *fu = frame_alloc(t->x->f, sizeof *fu);
        if (fu) {
          fu->key = u.key;
          fu->name = u.name;
          fu->text = text;
          fu->span = (frame_span){0, 0};
          for (size_t l = 0; l < t->x->f->nleads; l++)
            if (!strcmp(t->x->f->leads[l].area, k->area)) {
              fu->span = t->x->f->leads[l].unit.span;
              break;
            }
          k->lead = fu;
          k->nlead = 1;
          k->lead_from = "area";
        }
      }
    }
  }
  row_reset(r);
}

/* Do lines `last` and `next` form one cell (cell.* rules of targets)? */
static bool cell_joins(tk *t, size_t last, size_t next) {
  xctx *x = t->x;
  if (is_heading_line(x, last) || is_heading_line(x, next)) return false;
  size_t la = x->lines[last].start, lb = x->lines[last].end;
  size_t na = x->lines[next].start, nb = x->lines[next].end;
  if (la == lb || na == nb) return false;
  if (any_in(t, &t->cclosed, la, lb, NULL)) return false;
  if (any_in(t, &t->cnew, na, nb, NULL)) return false;
  if (any_in(t, &t->marker, na, nb, NULL)) {
    size_t ms, me;
    if (first_in(t, &t->marker, na, nb, &ms, &me, NULL) && ms == na)
      return false;
  }
  return any_in(t, &t->copen, la, lb, NULL) ||
         any_in(t, &t->ccont, na, nb, NULL) ||
         any_in(t, &t->topen, la, lb, NULL);
}

/* End of the text of the cell starting on line li: the lines joined to it. */
static size_t cell_end(tk *t, size_t li, size_t last) {
  size_t e = t->x->lines[li].end;
  while (li + 1 < last && cell_joins(t, li, li + 1)) {
    li++;
    e = t->x->lines[li].end;
  }
  return e;
}

typedef enum { EV_MARK, EV_UNIT, EV_DEADLINE, EV_BUDGET, EV_TARGET } ev_kind;

typedef struct event {
  ev_kind kind;
  size_t at, end;
  int lvl;   /* EV_MARK */
  int index; /* deadline or target index, unit index */
} event;

static int by_at(const void *a, const void *b) {
  const event *p = a, *q = b;
  if (p->at != q->at) return p->at < q->at ? -1 : 1;
  return (int)p->kind - (int)q->kind;
}

/* Canonical offset in [lo, hi] whose original offset is first >= orig. */
static size_t canon_of(const xctx *x, size_t orig, size_t lo, size_t hi) {
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (xspan(x, mid, mid).start < orig) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/* Does unit mention m (on line li) stand as a cell? */
static bool unit_cell(tk *t, const xunit *m, size_t li, const event *ev,
                      size_t nev, size_t self, bool joined_prev) {
  xctx *x = t->x;
  size_t la = x->lines[li].start;
  size_t eli = xline_at(x, m->end);
  size_t le = x->lines[eli].end;
  if (m->start > la && any_in(t, &t->topen, la, m->start, NULL)) return false;
  bool at_start = true;
  for (size_t i = la; i < m->start; i++)
    if (!blank(x->s[i]) && x->s[i] != '-' && x->s[i] != '+') at_start = false;
  if (at_start && li > 0 && li - 1 >= t->app_start &&
      any_in(t, &t->topen, x->lines[li - 1].start, x->lines[li - 1].end, NULL))
    return false;
  if (joined_prev) return true;
  /* what follows: the line end, another mention, a deadline or budget */
  size_t i = m->end;
  while (i < le && (blank(x->s[i]) || x->s[i] == ',' || x->s[i] == ';' ||
                    x->s[i] == '.' || x->s[i] == ')'))
    i++;
  if (i >= le) return true;
  /* cells run together: the next cell starts with a capital ("Tổ kiểm Các
   * ban Năm 2024") */
  if (i == m->end + 1 && blank(x->s[m->end]) && t->upper.n &&
      rule_exec(t->upper.r[0], x->s + i, le - i, 0, x->md))
    return true;
  for (size_t k = self + 1; k < nev; k++) {
    if (ev[k].at < m->end) continue;
    if (ev[k].at > le) break;
    if ((ev[k].kind == EV_UNIT || ev[k].kind == EV_DEADLINE ||
         ev[k].kind == EV_BUDGET) &&
        gap_ok(t, m->end, ev[k].at))
      return true;
    break;
  }
  return false;
}

static void do_appendix(tk *t) {
  xctx *x = t->x;
  const cchc_frame *f = x->f;
  size_t first = t->app_start, last = t->app_end;
  bool table = false;
  for (size_t li = first; li < last && !table; li++)
    table = any_in(t, &t->header, x->lines[li].start, x->lines[li].end, NULL);
  if (!table) return;
  size_t za = x->lines[first].start, zb = x->lines[last - 1].end;
  /* every unit mention of the zone at once */
  size_t cap = 512;
  xunit *um = malloc(cap * sizeof *um);
  if (!um) {
    x->f->failed = true;
    return;
  }
  size_t nu = units_find(x, za, zb, um, cap);
  if (nu > cap) {
    cap = nu;
    xunit *p = realloc(um, cap * sizeof *um);
    if (!p) {
      free(um);
      x->f->failed = true;
      return;
    }
    um = p;
    nu = units_find(x, za, zb, um, cap);
  }
  frame_span zsp = xspan(x, za, zb);
  tstate st;
  memset(&st, 0, sizeof st);
  row_reset(&st.row);
  st.target = -1;
  st.why = t->marker.n ? t->marker.r[0] : NULL;
  size_t ui = 0;
  bool started = false;
  for (size_t li = first + 1; li < last; li++) {
    size_t a = x->lines[li].start, b = x->lines[li].end;
    if (a == b) continue;
    if (is_heading_line(x, li)) { /* a group: "II CẢI CÁCH THỂ CHẾ" */
      flush_row(t, &st);
      st.prev_valid = false;
      st.target = -1;
      st.expect_task = st.pend = false;
      st.text_end = 0;
      started = true;
      continue;
    }
    if (any_in(t, &t->rowno, a, b, NULL)) {
      flush_row(t, &st);
      st.target = -1;
      st.expect_task = st.pend = false;
      continue;
    }
    if (!started) {
      size_t ms, me;
      if (!first_in(t, &t->marker, a, b, &ms, &me, NULL)) continue;
      started = true;
    }
    /* events of the line */
    event ev[96];
    size_t nev = 0;
    for (size_t at = a; at < b && nev < 96;) {
      size_t ms, me;
      const rule *hit = NULL;
      if (!first_in(t, &t->marker, at, b, &ms, &me, &hit)) break;
      size_t gs = 0, ge = 0;
      /* the match data still holds the earliest rule's match only when it
       * ran last: re-run it */
      rule_exec(hit, x->s + at, b - at, 0, x->md);
      int lvl = 0;
      if (rule_group(hit, x->md, "lvl", &gs, &ge)) lvl = x->s[at + gs] - '0';
      ev[nev++] = (event){EV_MARK, ms, me, lvl, 0};
      at = me > at ? me : at + 1;
    }
    while (ui < nu && um[ui].start < a) ui++;
    for (size_t k = ui; k < nu && um[k].start < b && nev < 96; k++)
      if (!in_deadline(t, um[k].start, um[k].end))
        ev[nev++] = (event){EV_UNIT, um[k].start, um[k].end, 0, (int)k};
    frame_span lsp = xspan(x, a, b);
    for (size_t d = 0; d < f->ndeadlines && nev < 96; d++) {
      const frame_deadline *fd = &f->deadlines[d];
      if (fd->span.start < lsp.start || fd->span.start >= lsp.end) continue;
      if (d > 0 && f->deadlines[d - 1].span.start == fd->span.start) continue;
      ev[nev++] = (event){EV_DEADLINE, canon_of(x, fd->span.start, a, b), 0, 0,
                          (int)d};
    }
    for (size_t g = 0; g < f->ntargets && nev < 96; g++) {
      const frame_target *ft = &f->targets[g];
      if (ft->span.start < lsp.start || ft->span.start >= lsp.end) continue;
      ev[nev++] = (event){EV_TARGET, canon_of(x, ft->span.start, a, b), 0, 0,
                          (int)g};
    }
    {
      size_t ms, me;
      if (first_in(t, &t->budget, a, zb, &ms, &me, NULL) && ms < b &&
          nev < 96)
        ev[nev++] = (event){EV_BUDGET, ms, me, 0, 0};
    }
    if (nev > 1) qsort(ev, nev, sizeof *ev, by_at);
    bool continuation = a < st.text_end;
    bool numbered = false, any_mark = false, cell_first = false;
    for (size_t k = 0; k < nev; k++) {
      if (ev[k].kind == EV_MARK) any_mark = true;
      if (ev[k].kind == EV_MARK && ev[k].at <= a + 2) numbered = true;
      if (ev[k].kind != EV_TARGET && ev[k].kind != EV_MARK &&
          ev[k].at <= a + 2)
        cell_first = true;
    }
    /* lines under a task cell, before its activity: the rest of the task
     * (the task column comes before the activity column) */
    if (!any_mark && !cell_first && st.row.ntask && !st.row.has_act &&
        !st.row.units.n && st.row.deadline < 0 && !st.row.has_budget) {
      st.row.task_b[st.row.ntask - 1] = b;
      continuation = true;
      if (st.text_end < b) st.text_end = b;
    }
    /* an unnumbered new cell: the target cell after a row number, else
     * perhaps the task cell after a target */
    if (!numbered && !continuation) {
      bool unit_first = false, prod = any_in(t, &t->product, a, b, NULL);
      for (size_t k = 0; k < nev; k++)
        if (ev[k].at <= a + 2 && ev[k].kind != EV_TARGET) unit_first = true;
      if (!unit_first && !prod && !st.row.ntask && !st.row.has_act) {
        size_t e = cell_end(t, li, last);
        if (st.expect_task) {
          if (e - a >= 25) {
            st.pend = true;
            st.pend_a = a;
            st.pend_b = e;
          }
        } else {
          st.expect_task = true;
        }
        st.text_end = e;
      } else if (prod && !st.row.has_prod && !st.row.units.n &&
                 (st.row.ntask || st.row.has_act)) {
        size_t e = b;
        for (size_t k = 0; k < nev; k++)
          if (ev[k].at > a && ev[k].kind != EV_TARGET) {
            e = ev[k].at;
            break;
          }
        st.row.prod_a = a;
        st.row.prod_b = e;
        st.row.has_prod = true;
      }
    }
    bool prev_unit_ok = false;
    size_t prev_unit_end = 0;
    for (size_t k = 0; k < nev; k++) {
      event *e = &ev[k];
      switch (e->kind) {
      case EV_MARK: {
        size_t seg_end = b;
        for (size_t j = k + 1; j < nev; j++)
          if (ev[j].kind == EV_MARK) {
            seg_end = ev[j].at;
            break;
          }
        if (seg_end == b) seg_end = cell_end(t, li, last);
        if (e->lvl == 1) {
          flush_row(t, &st);
          st.target = -1;
          st.expect_task = true;
          st.pend = false;
        } else if (e->lvl == 2) {
          if (st.row.complete) flush_row(t, &st);
          st.pend = false;
          st.expect_task = false;
          if (st.row.ntask < MAX_ROW_TASKS) {
            st.row.task_a[st.row.ntask] = e->at;
            st.row.task_b[st.row.ntask] = seg_end;
            st.row.ntask++;
          }
        } else if (e->lvl == 3) {
          if (st.row.complete) flush_row(t, &st);
          if (st.pend && !st.row.ntask) {
            st.row.task_a[0] = st.pend_a;
            st.row.task_b[0] = st.pend_b;
            st.row.ntask = 1;
          }
          st.pend = false;
          st.expect_task = false;
          if (!st.row.has_act) {
            st.row.act_a = e->at;
            st.row.act_b = seg_end;
            st.row.has_act = true;
          }
        }
        if (seg_end > st.text_end && seg_end > b) st.text_end = seg_end;
        else if (st.text_end < b && seg_end >= b) st.text_end = b;
        prev_unit_ok = false;
        break;
      }
      case EV_TARGET:
        if (st.target < 0 && !st.row.ntask && !st.row.has_act)
          st.target = e->index;
        break;
      case EV_UNIT: {
        const xunit *m = &um[e->index];
        bool joined = prev_unit_ok && gap_ok(t, prev_unit_end, m->start);
        if (!st.row.ntask && !st.row.has_act) break;
        if (st.row.deadline >= 0) break;
        if (continuation && !joined) break;
        if (!unit_cell(t, m, li, ev, nev, k, joined)) {
          prev_unit_ok = false;
          break;
        }
        ul_add(t, &st.row.units, m);
        st.row.complete = true;
        prev_unit_ok = true;
        prev_unit_end = m->end;
        break;
      }
      case EV_DEADLINE:
        if (!st.row.ntask && !st.row.has_act) break;
        /* a time inside the wording of a task is not its time cell, unless
         * the unit cells already ran into that line */
        if ((continuation || (numbered && e->at < b)) && !st.row.units.n &&
            st.row.deadline < 0) {
          bool after_cells = false;
          for (size_t j = 0; j < k; j++)
            if (ev[j].kind == EV_UNIT) after_cells = true;
          if (!after_cells && numbered) break;
          if (continuation && !after_cells) break;
        }
        if (st.row.deadline < 0) st.row.deadline = e->index;
        st.row.complete = true;
        break;
      case EV_BUDGET:
        if (!st.row.ntask && !st.row.has_act) break;
        if (!st.row.has_budget) {
          st.row.bud_a = e->at;
          st.row.bud_b = e->end;
          st.row.has_budget = true;
        }
        st.row.complete = true;
        break;
      }
    }
  }
  flush_row(t, &st);
  free(um);
  (void)zsp;
}

/* ---- 3. body -------------------------------------------------------------- */

static bool in_part(const tk *t, size_t li) {
  return li >= t->part_start && li < t->part_end;
}

static bool in_app(const tk *t, size_t li) {
  return li >= t->app_start && li < t->app_end;
}

static void do_body(tk *t) {
  xctx *x = t->x;
  for (size_t li = x->first_section_line; li < x->nlines; li++) {
    if (in_part(t, li) || in_app(t, li) || line_empty(x, li)) continue;
    size_t a = x->lines[li].start, b = x->lines[li].end;
    if (any_in(t, &t->stop, a, b, NULL)) break;
    if (is_heading_line(x, li)) continue;
    const rule *hit = NULL;
    if (any_in(t, &t->time, a, b, &hit)) {
      int sec = x->lines[li].section;
      int dl = deadline_in(t, a, b);
      if (sec < 0 || dl < 0) continue;
      const frame_section *s = &x->f->sections[sec];
      size_t hl = xline_at(x, s->body_start);
      size_t ha = x->lines[hl].start, hb = x->lines[hl].end;
      /* the heading without its numbering */
      size_t i = ha;
      while (i < hb && ((x->s[i] >= '0' && x->s[i] <= '9') ||
                        x->s[i] == '.' || blank(x->s[i])))
        i++;
      ulist none = {.n = 0};
      add_task(t, i, hb, &none, &none, dl, NULL, hit);
      continue;
    }
    body_block(t, a, b, NULL, NULL);
  }
}

/* ---- 4. inconsistencies ------------------------------------------------------ */

/* Number of words of a that b also has (texts of two targets). */
static size_t shared_words(const char *a, const char *b) {
  if (!a || !b) return 0;
  size_t n = 0, bl = strlen(b);
  for (const char *p = a; *p;) {
    while (*p == ' ' || *p == ',' || *p == ';' || *p == '.') p++;
    size_t l = strcspn(p, " ,;.");
    if (!l) break;
    for (size_t i = 0; i + l <= bl; i++)
      if (!memcmp(b + i, p, l) && (i == 0 || strchr(" ,;.", b[i - 1])) &&
          (i + l == bl || strchr(" ,;.", b[i + l]))) {
        n++;
        break;
      }
    p += l;
  }
  return n;
}

static int by_span(const void *a, const void *b) {
  const frame_task *p = a, *q = b;
  if (p->span.start != q->span.start)
    return p->span.start < q->span.start ? -1 : 1;
  return p->span.end < q->span.end ? -1 : p->span.end > q->span.end;
}

/* Tasks in document order, numbered k1, k2, ... */
static void order_tasks(tk *t) {
  cchc_frame *f = t->x->f;
  if (f->ntasks > 1) qsort(f->tasks, f->ntasks, sizeof *f->tasks, by_span);
  for (size_t i = 0; i < f->ntasks; i++)
    f->tasks[i].id = frame_printf(f, "k%zu", i + 1);
}

static void do_inconsistencies(tk *t) {
  xctx *x = t->x;
  cchc_frame *f = x->f;
  if (t->app_start >= t->app_end) return;
  size_t app = xspan(x, x->lines[t->app_start].start,
                     x->lines[t->app_start].start).start;
  for (size_t i = 0; i < f->ntargets; i++) {
    const frame_target *q = &f->targets[i];
    if (!q->indicator || q->span.start < app) continue;
    int best = -1;
    size_t best_score = 0;
    bool same = false;
    for (size_t j = 0; j < f->ntargets; j++) {
      const frame_target *p = &f->targets[j];
      if (p->span.start >= app || !p->indicator ||
          strcmp(p->indicator, q->indicator) || !p->unit || !q->unit ||
          strcmp(p->unit, q->unit))
        continue;
      if (p->value == q->value) same = true;
      size_t sc = shared_words(p->text, q->text);
      if (best < 0 || sc > best_score) {
        best = (int)j;
        best_score = sc;
      }
    }
    if (best < 0 || same) continue;
    frame_inconsistency *c = FRAME_PUSH(f, inconsistencies);
    if (!c) return;
    c->indicator = q->indicator;
    c->first = best;
    c->second = (int)i;
  }
}

/* ---- driver ------------------------------------------------------------------ */

static void find_appendix(tk *t) {
  xctx *x = t->x;
  const cchc_frame *f = x->f;
  for (size_t i = 0; i < f->nsections; i++) {
    const frame_section *sec = &f->sections[i];
    const rule *r = sec->rule ? rules_find(x->rules, sec->rule) : NULL;
    const char *m = r ? rule_attr(r, "marker") : NULL;
    if (!m || strcmp(m, "appendix")) continue;
    t->app_start = xline_at(x, sec->body_start);
    size_t end = sec->body_end ? sec->body_end : x->n;
    t->app_end = end >= x->n ? x->nlines : xline_at(x, end);
    if (t->app_end < x->nlines && x->lines[t->app_end].start < end)
      t->app_end++;
    return;
  }
}

cchc_status extract_tasks(xctx *x) {
  tk *t = calloc(1, sizeof *t);
  if (!t) return cchc_fail(x->err, CCHC_ERR_NOMEM, "out of memory");
  t->x = x;
  const cchc_rules *rs = x->rules;
  select_role(rs, "task.", "part", &t->part);
  select_role(rs, "task.", "end", &t->end);
  select_role(rs, "task.", "stop", &t->stop);
  select_role(rs, "task.", "prefix", &t->prefix);
  select_role(rs, "task.", "bullet", &t->bullet);
  select_role(rs, "task.", "open", &t->open);
  select_role(rs, "task.", "cont", &t->cont);
  select_role(rs, "task.", "time", &t->time);
  select_role(rs, "lead.", "after", &t->after);
  select_role(rs, "lead.", "before", &t->before);
  select_role(rs, "lead.", "area", &t->area_lead);
  select_role(rs, "coord.", "opener", &t->with);
  select_role(rs, "coord.", "cut", &t->cut);
  select_role(rs, "coord.", "gap", &t->gap);
  select_areas(rs, &t->areas);
  select_role(rs, "leadarea.", "mask", &t->masks);
  select_role(rs, "tcell.", "header", &t->header);
  select_role(rs, "tcell.", "marker", &t->marker);
  select_role(rs, "tcell.", "rowno", &t->rowno);
  select_role(rs, "tcell.", "open", &t->topen);
  select_role(rs, "tcell.", "plural", &t->plural);
  select_role(rs, "tcell.", "budget", &t->budget);
  select_role(rs, "tcell.", "product", &t->product);
  select_role(rs, "tcell.", "next", &t->upper);
  select_role(rs, "cell.", "new", &t->cnew);
  select_role(rs, "cell.", "closed", &t->cclosed);
  select_role(rs, "cell.", "open", &t->copen);
  select_role(rs, "cell.", "continue", &t->ccont);
  t->part_start = t->part_end = x->nlines;
  t->app_start = t->app_end = x->nlines;
  find_appendix(t);
  if (find_part(t)) {
    if (t->app_start > t->part_start && t->app_start < t->part_end)
      t->part_end = t->app_start;
    do_part(t);
  }
  if (t->app_start < t->app_end) do_appendix(t);
  do_body(t);
  order_tasks(t);
  do_inconsistencies(t);
  free(t);
  return x->f->failed ? cchc_fail(x->err, CCHC_ERR_NOMEM, "out of memory")
                      : CCHC_OK;
}
