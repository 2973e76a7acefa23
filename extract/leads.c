/* leads.c: leads of areas -- which unit leads which area of the plan.
 *
 * A clause states a lead where "chủ trì" stands right after its lead unit
 * or opens a duty of that unit (lead.area: "Sở Y tế chủ trì ...", "Giao X
 * chủ trì ...", "- Chủ trì ...", "Là cơ quan đầu mối, chủ trì ...").  The
 * work that follows (after "phối hợp với X, Y" when the clause goes on
 * with it) up to the sentence end or a later coordination (coord.cut)
 * names the areas: every match of an area.* or leadarea.* rule, people
 * hidden first (leadarea role=mask); a match lying inside a longer match
 * of another area gives way to it ("chuyển đổi số cho doanh nghiệp" is the
 * digital economy, not digital government).  Work that is the whole plan
 * (lead.plan: "tổ chức triển khai thực hiện Kế hoạch này", "triển khai các
 * nhiệm vụ tại mục ...") leads the area the plan's title names.  A unit
 * leads an area once: a later clause naming the same area again (a plan
 * that sets its work area by area) adds nothing. */
#include "tasks.h"

#include <stdlib.h>
#include <string.h>

/* One match of an area rule in a text. */
typedef struct area_hit {
  const char *area;
  const rule *r;
  size_t at, end;
} area_hit;

typedef struct area_hits {
  area_hit *items;
  size_t n, cap;
} area_hits;

/* The areas text s[0, n) names, in order of first mention, into *out:
 * every match of t->areas, less those inside a longer match of another
 * area.  `held`: the words of the text's runs that s is a copy of
 * (clause_words_within), or NULL. */
static void areas_named(tk *t, const char *s, size_t n,
                        const clause_held *held, area_hits *out) {
  xctx *x = t->x;
  area_hits all = {0};
  for (size_t i = 0; i < t->areas.n; i++) {
    const rule *r = t->areas.items[i];
    const char *area = t->area_names[i];
    if (!area || !clause_words_may(t, r, held) ||
        (!(held && clause_words_told(t, r)) &&
         !rule_literals_held(r, s, n, x->md)))
      continue;
    for (size_t at = 0; at < n && rule_exec(r, s, n, at, x->md);) {
      size_t ms, me;
      rule_match_span(x->md, &ms, &me);
      area_hit *h = frame_grow(x->f, (void **)&all.items, &all.n, &all.cap,
                               sizeof *h);
      if (h) *h = (area_hit){area, r, ms, me};
      at = me > at ? me : at + 1;
    }
  }
  for (size_t i = 0; i < all.n; i++) {
    const area_hit *h = &all.items[i];
    bool inside = false;
    for (size_t k = 0; k < all.n && !inside; k++) {
      const area_hit *g = &all.items[k];
      inside = strcmp(g->area, h->area) && g->at <= h->at &&
               h->end <= g->end && g->end - g->at > h->end - h->at;
    }
    if (inside) continue;
    size_t k = 0;
    while (k < out->n && strcmp(out->items[k].area, h->area)) k++;
    if (k < out->n) {
      if (h->at < out->items[k].at) out->items[k] = *h;
      continue;
    }
    area_hit *o = frame_grow(x->f, (void **)&out->items, &out->n, &out->cap,
                             sizeof *o);
    if (o) *o = *h;
  }
  free(all.items);
  /* in order of first mention */
  for (size_t i = 1; i < out->n; i++)
    for (size_t k = i; k > 0 && out->items[k].at < out->items[k - 1].at; k--) {
      area_hit tmp = out->items[k];
      out->items[k] = out->items[k - 1];
      out->items[k - 1] = tmp;
    }
}

const char *plan_area(tk *t) {
  if (t->plan_area_known) return t->plan_area;
  t->plan_area_known = true;
  const char *title = t->x->f->document.title.value;
  if (!title) return NULL;
  area_hits h = {0};
  areas_named(t, title, strlen(title), NULL, &h);
  t->plan_area = h.n ? h.items[0].area : NULL;
  free(h.items);
  return t->plan_area;
}

/* End of the work of a "Chủ trì ..." clause starting at a: the sentence
 * end, or a later coordination (coord.cut), within [a, b). */
static size_t work_end(tk *t, size_t a, size_t b) {
  const char *s = t->x->s;
  size_t e = task_sentence_end(t->x, a, b);
  /* the first match of a coord.cut rule, as xfirst finds it, without
   * the features of [a, e) xfirst reads first (every byte: the rules need
   * a ',' or ';', which their searches skip to); a rule whose words the
   * runs of [a, e) lack is not searched for (most work goes on with no
   * "phối hợp" nor "nhằm"), and the words of [a, e) are those the areas
   * are then asked of when no cut is found (clause_words_within keeps
   * them) */
  clause_held h;
  const clause_held *held = clause_words_within(t, a, e, &h) ? &h : NULL;
  size_t cut = e;
  for (size_t i = 0; i < t->cut.n; i++)
    if (clause_words_may(t, t->cut.items[i], held) &&
        rule_exec(t->cut.items[i], s + a, e - a, 0, t->x->md)) {
      size_t ms, me;
      rule_match_span(t->x->md, &ms, &me);
      if (a + ms < cut) cut = a + ms;
    }
  return cut;
}

/* Where the work of a "Chủ trì" clause starts, from cs: after "phối hợp
 * với X, Y" when the clause goes on with one ("Chủ trì, phối hợp với X, Y
 * <work>").  The clause starts at a: when its first "phối hợp" is that
 * one, the coordinators of [cs, b) are those of [a, b), which the caller
 * has mostly just read (clause_coordinators keeps its last answer). */
static size_t work_start(tk *t, size_t a, size_t cs, size_t b) {
  size_t ms, me, ms_a, me_a;
  if (clause_words_none(t, t->with, cs, b) ||
      !xfirst(t->x, t->with, cs, b, &ms, &me, NULL) ||
      !units_joined(t->x, cs, ms))
    return cs;
  /* coordinators_of reads the lists after each "phối hợp" from the first
   * on, and a match starting at ms (past a) is the same searched from a
   * as from cs: the same first, the same lists */
  bool same = a < cs && xfirst(t->x, t->with, a, b, &ms_a, &me_a, NULL) &&
              ms_a == ms && me_a == me;
  xunits c = {0};
  clause_coordinators(t, same ? a : cs, b, &c);
  size_t w = me;
  for (size_t i = 0; i < c.n; i++)
    if (c.items[i].end > w) w = c.items[i].end;
  xunits_free(&c);
  return w;
}

/* A copy of canonical [a, b) with people ("cán bộ, công chức",
 * leadarea role=mask) hidden from the area words; NULL when out of
 * memory.  *hid: some were.  `held`: the words of the runs [a, b) touches
 * (clause_words_within), or NULL: a mask whose words they lack is not
 * searched for while nothing is hidden (the copy is the text till then). */
static char *masked(tk *t, size_t a, size_t b, const clause_held *held,
                    bool *hid) {
  xctx *x = t->x;
  size_t n = b - a;
  char *buf = malloc(n + 1);
  if (!buf) {
    x->f->failed = true;
    return NULL;
  }
  memcpy(buf, x->s + a, n);
  buf[n] = '\0';
  for (size_t i = 0; i < t->masks.n; i++) {
    if (!*hid && !clause_words_may(t, t->masks.items[i], held)) continue;
    for (size_t at = 0;
         at < n && rule_exec(t->masks.items[i], buf, n, at, x->md);) {
      size_t ms, me;
      rule_match_span(x->md, &ms, &me);
      memset(buf + ms, 'x', me - ms);
      *hid = true;
      at = me > at ? me : at + 1;
    }
  }
  return buf;
}

/* Does the frame have the lead (area, u) already?  A unit the taxonomy
 * lacks is the same when printed the same (lead spans are canonical while
 * extraction runs). */
static bool has_lead(const xctx *x, const char *area, const xunit *u) {
  for (size_t i = 0; i < x->f->nleads; i++) {
    const frame_lead *l = &x->f->leads[i];
    if (strcmp(l->area, area) || !l->unit.key != !u->key) continue;
    if (u->key && !strcmp(l->unit.key, u->key)) return true;
    xunit seen = {NULL, NULL, l->unit.span.start, l->unit.span.end, NULL};
    xunits one = {&seen, 1, 1};
    if (!u->key && xunits_has(x, &one, u)) return true;
  }
  return false;
}

static void add_lead(tk *t, const char *area, const xunit *u, size_t a,
                     size_t ce, const rule *r) {
  xctx *x = t->x;
  if (has_lead(x, area, u)) return;
  frame_lead *l = FRAME_PUSH(x->f, leads);
  if (!l) return;
  l->area = area;
  l->unit = (frame_unit){u->key, u->name,
                         frame_intern(x->f, xfolded(x, u->start, u->end)),
                         (frame_span){u->start, u->end}};
  xskip_bullet(x, &a, ce);
  l->text = frame_intern(x->f, xfolded(x, a, ce));
  l->span = (frame_span){a, ce};
  l->rule = r->id;
}

const char *leads_of_areas(tk *t, size_t a, size_t at, size_t b,
                           const xunits *lead, const rule **why) {
  xctx *x = t->x;
  const rule *cue = NULL;
  /* a duty's words are known (its lead was asked first) */
  if (!lead->n || at > b || clause_words_none(t, t->area_lead, at, b) ||
      !xany(x, t->area_lead, at, b, &cue))
    return NULL;
  size_t ms, me; /* lead.area is anchored: ms is 0 */
  rule_match_span(x->md, &ms, &me);
  size_t cs = work_start(t, a, at + me, b);
  size_t ce = work_end(t, cs, b);
  if (ce <= cs) return NULL;
  bool hid = false;
  clause_held held;
  bool told = clause_words_within(t, cs, ce, &held);
  char *buf = masked(t, cs, ce, told ? &held : NULL, &hid);
  if (!buf) return NULL;
  area_hits h = {0};
  /* the copy is the text itself unless people were hidden */
  areas_named(t, buf, ce - cs, told && !hid ? &held : NULL, &h);
  free(buf);
  const char *first = NULL;
  for (size_t i = 0; i < h.n; i++) {
    if (!first) first = h.items[i].area;
    for (size_t u = 0; u < lead->n; u++)
      add_lead(t, h.items[i].area, &lead->items[u], a, ce, h.items[i].r);
  }
  /* the plan's area (its title's areas read once) is asked only of work
   * that is the whole plan, which most plans' leads are not */
  const rule *whole = NULL;
  const char *area =
      xany(x, t->plan, cs, ce, &whole) ? plan_area(t) : NULL;
  bool named = false;
  for (size_t i = 0; i < h.n && area; i++)
    named = named || !strcmp(h.items[i].area, area);
  if (area && !named) {
    if (!first) first = area;
    for (size_t u = 0; u < lead->n; u++)
      add_lead(t, area, &lead->items[u], a, ce, whole);
  }
  free(h.items);
  if (first && why) *why = cue;
  return first;
}
