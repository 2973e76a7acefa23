/* duties.c: the "Tổ chức thực hiện" part (task.part) -- who does what.
 *
 * Each numbered heading that names units (units at its start) opens a
 * block; each bullet or paragraph under it is a duty, a task whose lead is
 * the heading's units unless the duty names another lead (lead.*
 * strength=strong).  Lines left open (task.open, task.cont) continue the
 * duty.  A duty opening with "Chủ trì" (lead.area) also gives one lead per
 * area its clause names (area.* and leadarea.* over the clause, cut at the
 * sentence end or a later coordination, coord.cut; leadarea role=mask
 * hides people).  Numbered items under a heading are text, not duties:
 * their sentences count like body sentences, with the heading's units as
 * default lead.  A closing paragraph (task.end) ends the blocks; its
 * sentences count like body sentences until the signature (task.stop). */
#include "tasks.h"

#include <stdlib.h>
#include <string.h>

bool duties_find(tk *t) {
  xctx *x = t->x;
  const cchc_frame *f = x->f;
  for (size_t i = 0; i < f->nsections; i++) {
    const frame_section *sec = &f->sections[i];
    if (!sec->heading) continue;
    for (size_t r = 0; r < t->part.n; r++)
      if (rule_exec(t->part.items[r], sec->heading, strlen(sec->heading), 0,
                    x->md)) {
        t->part_start = xline_at(x, sec->body_start);
        size_t end = sec->body_end ? sec->body_end : x->n;
        t->part_end = end >= x->n ? x->nlines : xline_at(x, end);
        if (t->part_end < x->nlines && x->lines[t->part_end].start < end)
          t->part_end++;
        return true;
      }
  }
  return false;
}

/* ---- leads of areas ------------------------------------------------------------- */

static bool has_lead(const cchc_frame *f, const char *area, const xunit *u) {
  for (size_t i = 0; i < f->nleads; i++) {
    const frame_lead *l = &f->leads[i];
    if (strcmp(l->area, area)) continue;
    if (u->key ? l->unit.key && !strcmp(l->unit.key, u->key) : !l->unit.key)
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
    if (s[i] == '.' && (i + 1 == b || xblank(s[i + 1]))) {
      e = i;
      break;
    }
  size_t ms, me;
  if (xfirst(t->x, t->cut, a, e, &ms, &me, NULL)) e = ms;
  return e;
}

/* Where the work of a "Chủ trì" clause starts, from cs: after "phối hợp
 * với X, Y" when the clause goes on with one ("Chủ trì, phối hợp với X, Y
 * <work>"). */
static size_t work_start(tk *t, size_t cs, size_t b) {
  size_t ms, me;
  if (!xfirst(t->x, t->with, cs, b, &ms, &me, NULL) ||
      !units_joined(t->x, cs, ms))
    return cs;
  xunits c = {0};
  clause_coordinators(t, cs, b, &c);
  size_t w = me;
  for (size_t i = 0; i < c.n; i++)
    if (c.items[i].end > w) w = c.items[i].end;
  xunits_free(&c);
  return w;
}

/* A copy of canonical [a, b) with people ("cán bộ, công chức",
 * leadarea role=mask) hidden from the area words; NULL when out of
 * memory. */
static char *masked(tk *t, size_t a, size_t b) {
  xctx *x = t->x;
  size_t n = b - a;
  char *buf = malloc(n + 1);
  if (!buf) {
    x->f->failed = true;
    return NULL;
  }
  memcpy(buf, x->s + a, n);
  buf[n] = '\0';
  for (size_t i = 0; i < t->masks.n; i++)
    for (size_t at = 0;
         at < n && rule_exec(t->masks.items[i], buf, n, at, x->md);) {
      size_t ms, me;
      rule_match_span(x->md, &ms, &me);
      memset(buf + ms, 'x', me - ms);
      at = me > at ? me : at + 1;
    }
  return buf;
}

static void add_lead(tk *t, const char *area, const xunit *u, size_t a,
                     size_t ce, const rule *r) {
  xctx *x = t->x;
  frame_lead *l = FRAME_PUSH(x->f, leads);
  if (!l) return;
  l->area = area;
  l->unit = (frame_unit){u->key, u->name, xfolded(x, u->start, u->end),
                         (frame_span){u->start, u->end}};
  xskip_bullet(x, &a, ce);
  l->text = xfolded(x, a, ce);
  l->span = (frame_span){a, ce};
  l->rule = r->id;
}

/* A duty [a, b) that opens with "Chủ trì": one lead per area its clause
 * names, for each lead unit.  Returns the area named first, or NULL. */
static const char *area_leads(tk *t, size_t a, size_t b, const xunits *lead) {
  xctx *x = t->x;
  if (!lead->n || !xany(x, t->area_lead, a, b, NULL)) return NULL;
  size_t ms, me;
  rule_match_span(x->md, &ms, &me);
  size_t cs = work_start(t, a + me, b);
  size_t ce = lead_clause_end(t, cs, b);
  if (ce <= cs) return NULL;
  char *buf = masked(t, cs, ce);
  if (!buf) return NULL;
  const char *first = NULL;
  size_t first_at = (size_t)-1;
  for (size_t i = 0; i < t->areas.n; i++) {
    const rule *r = t->areas.items[i];
    if (!rule_exec(r, buf, ce - cs, 0, x->md)) continue;
    const char *area = rule_attr(r, "area");
    if (!area) continue;
    size_t at, end;
    rule_match_span(x->md, &at, &end);
    if (at < first_at) {
      first_at = at;
      first = area;
    }
    for (size_t u = 0; u < lead->n; u++)
      if (!has_lead(x->f, area, &lead->items[u]))
        add_lead(t, area, &lead->items[u], a, ce, r);
  }
  free(buf);
  return first;
}

/* ---- duties ----------------------------------------------------------------- */

/* The units a heading line names from its start (after its numbering and
 * an optional prefix such as "Đề nghị"), into *out. */
static bool unit_heading(tk *t, size_t li, xunits *out) {
  xctx *x = t->x;
  size_t a = x->lines[li].start, b = x->lines[li].end;
  size_t i = a;
  xskip_bullet(x, &i, b); /* the numbering */
  size_t ms, me;
  if (xfirst(x, t->prefix, i, b, &ms, &me, NULL) && ms == i) i = me;
  xunits m = {0};
  clause_units(t, i, b, &m);
  /* the heading is a list of units: nothing but joins between them, and
   * not a sentence after the last one */
  bool list = m.n && m.items[0].start == i;
  for (size_t k = 0; list && k + 1 < m.n; k++)
    list = units_joined(t->x, m.items[k].end, m.items[k + 1].start);
  if (list && b - m.items[m.n - 1].end > 12) list = false;
  if (list) {
    out->n = 0;
    for (size_t k = 0; k < m.n; k++) xunits_add(t->x, out, &m.items[k]);
  }
  xunits_free(&m);
  return list;
}

/* The task of duty [a, b) under a heading naming `heading`. */
static void duty_task(tk *t, size_t a, size_t b, const xunits *heading) {
  const xunits *lead = heading;
  const rule *why = t->bullet.n ? t->bullet.items[0] : NULL;
  xunits own = {0}, coords = {0};
  const rule *own_why = NULL;
  if (clause_lead(t, a, b, true, &own, NULL, &own_why)) {
    lead = &own;
    why = own_why;
  }
  const char *area = area_leads(t, a, b, lead);
  if (area && t->area_lead.n) why = t->area_lead.items[0];
  clause_coordinators(t, a, b, &coords);
  task_add(t, a, b, lead, &coords, deadline_within(t->x, a, b), area, why);
  xunits_free(&own);
  xunits_free(&coords);
}

void duties_tasks(tk *t) {
  xctx *x = t->x;
  xunits heading = {0}, named = {0};
  bool have = false, in_duty = false;
  size_t da = 0, db = 0; /* the duty being read */
  size_t li = t->part_start + 1, closing = t->part_end;
  for (; li < t->part_end; li++) {
    if (xline_blank(x, li)) continue;
    size_t a = x->lines[li].start, b = x->lines[li].end;
    if (xany(x, t->end, a, b, NULL)) {
      closing = li;
      break;
    }
    if (xline_is_heading(x, li)) {
      if (in_duty) duty_task(t, da, db, &heading);
      in_duty = false;
      if (unit_heading(t, li, &named)) {
        xunits_copy(t->x, &heading, &named);
        have = true;
      } else {
        /* a numbered item: its sentences count like the body's */
        task_sentences(t, a, b, have ? &heading : NULL,
                       t->part.n ? t->part.items[0] : NULL);
      }
      continue;
    }
    if (!have) {
      task_sentences(t, a, b, NULL, NULL);
      continue;
    }
    bool bullet = xany(x, t->bullet, a, b, NULL);
    if (in_duty && !bullet &&
        (xany(x, t->open, da, db, NULL) || xany(x, t->cont, a, b, NULL))) {
      db = b; /* the duty goes on */
      continue;
    }
    if (in_duty) duty_task(t, da, db, &heading);
    da = a;
    db = b;
    in_duty = true;
  }
  if (in_duty) duty_task(t, da, db, &heading);
  xunits_free(&heading);
  xunits_free(&named);
  /* closing paragraphs */
  for (li = closing; li < t->part_end; li++) {
    size_t a = x->lines[li].start, b = x->lines[li].end;
    if (xany(x, t->stop, a, b, NULL)) break;
    if (!xline_blank(x, li)) task_sentences(t, a, b, NULL, NULL);
  }
}
