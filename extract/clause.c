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

static void twin_words_free(struct twin_words *tw);

void clause_coordinators_free(tk *t) {
  xunits_free(&t->coords);
  t->coords_kept = false;
  twin_words_free(t->twin_words);
  t->twin_words = NULL;
  t->twin_words_read = false;
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

/* ---- the twins' words in the text ------------------------------------- */

/* Every match of a twin holds, for each clause of its literals
 * (rule_facts.lits), one of the clause's words whole; each such word is
 * of word bytes only (rule_literal_in_words), so it lies inside one run
 * of the text's words (rule_text_words), and the distinct word of that
 * run holds it.  Which of the twins' words each distinct word of the text
 * holds is read once per plan (rule_literals_in_words, one pass for all
 * of them); a clause then holds a twin's words only if the runs it
 * touches do, told by a look at those runs, where a search for each cue
 * or twin in each clause cost about as much as the clause's bytes each
 * time (most clauses hold none). */
enum { TWIN_WORDS = 64 }; /* literals numbered: one bit each */

bool clause_twin_words_off = false;

typedef struct twin_words {
  const rule_words *w; /* the text's, borrowed */
  const rule_literal *lits[TWIN_WORDS];
  size_t nlits;
  uint64_t *holds; /* per distinct word: the lits it holds */
  /* per strength ([0] all, [1] strong), per side ([0] after, [1]
   * before), per cue r: the literals of each clause of its twin, and how
   * many clauses (0: not told, the twin may match anywhere) */
  uint64_t need[2][2][64][RULE_LITS];
  uint8_t nneed[2][2][64];
} twin_words;

static void twin_words_free(twin_words *tw) {
  if (!tw) return;
  free(tw->holds);
  free(tw);
}

/* The number of literal l in tw, given one when new; -1 without room or
 * when l may lie across words. */
static int twin_literal(twin_words *tw, const rule_literal *l) {
  if (!rule_literal_in_words(l)) return -1;
  for (size_t i = 0; i < tw->nlits; i++)
    if (tw->lits[i] == l) return (int)i;
  if (tw->nlits == TWIN_WORDS) return -1;
  tw->lits[tw->nlits] = l;
  return (int)tw->nlits++;
}

/* Note the clauses of the twin of each cue of c in need[][] (none: the
 * cue is not told, and may match). */
static void twin_needs(twin_words *tw, const lead_cues *c,
                       uint64_t (*need)[RULE_LITS], uint8_t *nneed) {
  for (size_t r = 0; r < c->near.n && r < 64; r++) {
    const rule_facts *f = &c->near.items[r]->facts;
    size_t n = 0;
    for (size_t k = 0; k < f->nlits; k++) {
      uint64_t m = 0;
      bool told = f->nalts[k] > 0;
      for (size_t i = 0; told && i < f->nalts[k]; i++) {
        int l = twin_literal(tw, f->lits[k][i]);
        if (l < 0) told = false;
        else m |= (uint64_t)1 << l;
      }
      if (told) need[r][n++] = m;
    }
    nneed[r] = (uint8_t)n;
  }
}

/* The twins' words of the text's words; NULL when not known (a text too
 * long for its words to be read, no memory). */
static twin_words *twin_words_read(tk *t) {
  xctx *x = t->x;
  const rule_words *w = rule_text_words(&x->scan);
  twin_words *tw = w ? calloc(1, sizeof *tw) : NULL;
  if (!tw) return NULL;
  tw->w = w;
  for (int strong = 0; strong < 2; strong++) {
    twin_needs(tw, &t->cues_after[strong], tw->need[strong][0],
               tw->nneed[strong][0]);
    twin_needs(tw, &t->cues_before[strong], tw->need[strong][1],
               tw->nneed[strong][1]);
  }
  tw->holds = calloc(w->nwords ? w->nwords : 1, sizeof *tw->holds);
  if (!tw->holds || !rule_literals_in_words(tw->lits, tw->nlits, x->s, w->at,
                                            w->len, w->nwords, tw->holds, 1)) {
    twin_words_free(tw);
    return NULL;
  }
  return tw;
}

/* The twins' words the runs of the text's words that touch [a, b) hold
 * (all when a run is too long to be a word). */
static uint64_t twin_words_within(const twin_words *tw, size_t a, size_t b) {
  const rule_words *w = tw->w;
  size_t lo = 0, hi = w->nruns; /* the first run starting at or after a */
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (w->run_at[mid] < a) lo = mid + 1;
    else hi = mid;
  }
  if (lo > 0) lo--; /* the run before may reach into [a, b) */
  uint64_t has = 0;
  for (size_t k = lo; k < w->nruns && w->run_at[k] < b; k++) {
    uint32_t d = w->run_word[k];
    has |= d == RULE_NO_WORD ? UINT64_MAX : tw->holds[d];
  }
  return has;
}

/* May the twin of cue r of a side hold its words in a clause whose runs
 * hold `has`?  False only when a clause of its literals has none. */
static bool twin_may(const twin_words *tw, bool strong, int side, size_t r,
                     uint64_t has) {
  if (r >= 64) return true;
  for (size_t k = 0; k < tw->nneed[strong][side][r]; k++)
    if (!(tw->need[strong][side][r][k] & has)) return false;
  return true;
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
                       size_t b, bool strong, const uint64_t *has) {
  const xctx *x = t->x;
  for (size_t r = 0; r < c->cues.n; r++) {
    /* the twin decides (near_all): not where its words are not */
    if (has && c->near_all &&
        !twin_may(t->twin_words, strong, !after, r, *has))
      continue;
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
  if (b <= a) return false;
  if (!t->twin_words_read) {
    t->twin_words = clause_twin_words_off ? NULL : twin_words_read(t);
    t->twin_words_read = true;
  }
  uint64_t has = t->twin_words ? twin_words_within(t->twin_words, a, b) : 0;
  const uint64_t *held = t->twin_words ? &has : NULL;
  if (!cue_within(t, cues_after, true, a, b, strong, held) &&
      !cue_within(t, cues_before, false, a, b, strong, held))
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
