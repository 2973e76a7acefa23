/* clause.c: one clause as the task passes read it -- the units it names
 * (outside its times; names the taxonomy lacks included), who leads it
 * (lead.*), who coordinates (coord.*).  Lists of units grow: a clause may
 * name any number. */
#include "tasks.h"

#include <stdlib.h>
#include <string.h>

/* ---- units of a clause ------------------------------------------------------- */

void clause_units(tk *t, size_t a, size_t b, xunits *out) {
  xunits all = {0};
  units_find_named(t->x, a, b, &all);
  for (size_t i = 0; i < all.n; i++)
    if (!deadline_overlaps(t->x, all.items[i].start, all.items[i].end))
      xunits_push(t->x, out, &all.items[i]);
  xunits_free(&all);
}

size_t clause_list(tk *t, const xunits *m, size_t k, size_t pos) {
  size_t n = 0;
  while (k + n < m->n && m->items[k + n].start >= pos &&
         units_joined(t->x, pos, m->items[k + n].start)) {
    pos = m->items[k + n].end;
    n++;
  }
  return n;
}

size_t clause_opening(tk *t, size_t a, size_t b, xunits *out) {
  xctx *x = t->x;
  size_t i = a, ms, me;
  if (xfirst(x, t->prefix, i, b, &ms, &me, NULL) && ms == i) i = me;
  if (!units_may_start(x, i, b)) return a; /* no list can open there */
  xunits m = {0};
  clause_units(t, i, b, &m);
  size_t n = m.n && m.items[0].start == i ? clause_list(t, &m, 0, i) : 0;
  for (size_t k = 0; k < n; k++) xunits_add(x, out, &m.items[k]);
  size_t end = n ? m.items[n - 1].end : a;
  xunits_free(&m);
  return end;
}

bool clause_acts(tk *t, size_t end, size_t b) {
  xctx *x = t->x;
  size_t i = end;
  while (i < b && xblank(x->s[i])) i++;
  if (i < b && x->s[i] == ':') return true;
  if (xany(x, t->after, end, b, NULL)) return true;
  return xany(x, t->cont, i, b, NULL);
}

/* The coordinators of [a, b), added to *out as clause_coordinators
 * says. */
static void coordinators_of(tk *t, size_t a, size_t b, xunits *out) {
  xctx *x = t->x;
  xunits m = {0};
  bool have = false;
  size_t at = a, k = 0;
  while (at < b) {
    size_t ms, me;
    if (!xfirst(x, t->with, at, b, &ms, &me, NULL)) break;
    at = me > at ? me : at + 1;
    if (!have) clause_units(t, me, b, &m);
    have = true;
    while (k < m.n && m.items[k].start < me) k++;
    size_t n = clause_list(t, &m, k, me);
    for (size_t i = 0; i < n; i++) xunits_add(x, out, &m.items[k + i]);
  }
  xunits_free(&m);
}

/* The coordinators of a range depend on the range alone (the text, its
 * deadlines and the rules stay): those of the last range asked are kept,
 * in the order they were found, and added to *out again one by one (as
 * xunits_add, a unit *out has already is not added twice). */
void clause_coordinators(tk *t, size_t a, size_t b, xunits *out) {
  xctx *x = t->x;
  if (!t->coords_kept || t->coords_a != a || t->coords_b != b) {
    t->coords.n = 0;
    coordinators_of(t, a, b, &t->coords);
    /* (a list cut short by a failed allocation is not kept) */
    t->coords_kept = !x->f->failed;
    t->coords_a = a;
    t->coords_b = b;
  }
  for (size_t i = 0; i < t->coords.n; i++)
    xunits_add(x, out, &t->coords.items[i]);
}

void clause_coordinators_free(tk *t) {
  xunits_free(&t->coords);
  t->coords_kept = false;
}

/* ---- who leads ------------------------------------------------------------- */

/* Move `at` forward to a character boundary (not past `hi`). */
static size_t boundary(const xctx *x, size_t at, size_t hi) {
  while (at < hi && at < x->n && ((unsigned char)x->s[at] & 0xC0) == 0x80)
    at++;
  return at;
}

/* The first rule of `rules` matching canonical [a, b), or NULL. */
static const rule *lead_cue(tk *t, rule_list rules, size_t a, size_t b) {
  for (size_t r = 0; r < rules.n; r++)
    if (rule_exec(rules.items[r], t->x->s + a, b - a, 0, t->x->md))
      return rules.items[r];
  return NULL;
}

/* May a cue of c match within [a, b), right after a unit (`after`) or
 * right before one?  Its windows lie there, so a clause where none may
 * names no lead, whatever its units.  A cue's twin (leadnear.*) searched
 * for in [a, b) tells (after a unit: from the clause's second character
 * on, where a unit ends at the soonest); a clause's units cost ten such
 * searches.  A twin that starts with many bytes is slower to search for
 * than its cue's literals, found in no part of [a, b) when in none of
 * its parts and missing from most clauses: those are looked for first
 * (lead_cues.twin_alone).  A cue without a twin is asked of its literals
 * only. */
static bool cue_within(tk *t, const lead_cues *c, bool after, size_t a,
                       size_t b) {
  const xctx *x = t->x;
  for (size_t r = 0; r < c->cues.n; r++) {
    bool alone = c->near_all && r < 64 && (c->twin_alone >> r & 1);
    if (!alone &&
        !rule_literals_held(c->cues.items[r], x->s + a, b - a, x->md))
      continue;
    if (!c->near_all) return true;
    size_t from = after ? boundary(x, a + 1, b) : a;
    const rule *n = c->near.items[r];
    if (from < b && code_match(n->code, &n->jit, x->s + a, b - a, from - a,
                               x->md, NULL) > 0)
      return true;
  }
  return false;
}

bool clause_lead(tk *t, size_t a, size_t b, bool strong, xunits *out,
                 bool *needs, const rule **why) {
  xctx *x = t->x;
  const lead_cues *cues_after = &t->cues_after[strong];
  const lead_cues *cues_before = &t->cues_before[strong];
  if (b <= a || (!cue_within(t, cues_after, true, a, b) &&
                 !cue_within(t, cues_before, false, a, b)))
    return false;
  xunits m = {0};
  xunits coords = {0};
  bool found = false, coords_read = false;
  clause_units(t, a, b, &m);
  for (size_t i = 0; i < m.n && !found; i++) {
    const xunit *u = &m.items[i];
    /* "X chủ trì" within 80 bytes after the unit, else "giao X" within 40
     * before it */
    size_t ae = u->end + 80 < b ? boundary(x, u->end + 80, b) : b;
    const rule *hit = lead_cue(t, cues_after->cues, u->end, ae);
    bool after = hit != NULL;
    if (!hit) {
      size_t bs = u->start > a + 40 ? boundary(x, u->start - 40, u->start) : a;
      hit = lead_cue(t, cues_before->cues, bs, u->start);
    }
    if (!hit) continue;
    /* a unit in a coordination list does not lead: the list (a search
     * for units of its own) is read only once a unit has a cue, which
     * most clauses holding units lack */
    if (!coords_read) clause_coordinators(t, a, b, &coords);
    coords_read = true;
    bool in_coord = false;
    for (size_t k = 0; k < coords.n && !in_coord; k++)
      in_coord = coords.items[k].start == u->start;
    if (in_coord) continue;
    found = true;
    out->n = 0;
    size_t lo = i, hi = i;
    if (after) /* "Công an xã, Ban chỉ huy Quân sự xã chủ trì" */
      while (lo > 0 &&
             units_joined(t->x, m.items[lo - 1].end, m.items[lo].start))
        lo--;
    else /* "yêu cầu các ban, ngành cấp xã, Bộ phận ..." */
      while (hi + 1 < m.n &&
             units_joined(t->x, m.items[hi].end, m.items[hi + 1].start))
        hi++;
    for (size_t k = lo; k <= hi; k++) xunits_add(t->x, out, &m.items[k]);
    const char *nd = rule_attr(hit, "needs");
    if (needs) *needs = nd && !strcmp(nd, "deadline");
    if (why) *why = hit;
  }
  xunits_free(&m);
  xunits_free(&coords);
  return found;
}
