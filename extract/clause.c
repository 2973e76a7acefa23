/* clause.c: one clause as the task passes read it -- the units it names
 * (outside its times; names the taxonomy lacks included), who leads it
 * (lead.*), who coordinates (coord.*).  Lists of units grow: a clause may
 * name any number. */
#include "tasks.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* Guards what the rule set keeps for the task passes (clause_word_rules,
 * coord_gap_bytes): made at a plan's first ask, shared by the threads. */
static pthread_mutex_t word_rules_lock = PTHREAD_MUTEX_INITIALIZER;

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

/* The bytes a gap between listed units may hold: those of each coord.gap
 * rule (rule_held_bytes) when every gap rule matches only the whole of
 * its subject (rule_whole_subject; a line break ending it may be left
 * out: held too), and every byte beyond ASCII; false when not told.  A
 * function of the rule set: read at its first ask, under the lock of the
 * set's clause_word_rules, and copied for the plan. */
static bool gap_bytes_of(tk *t, const uint64_t **bytes) {
  if (!t->gap_bytes_known) {
    cchc_rules *w = (cchc_rules *)t->x->rules;
    pthread_mutex_lock(&word_rules_lock);
    if (!w->coord_gap_known) {
      rule_list gap = rules_select(w, "coord.", "gap");
      bool ok = gap.n > 0;
      uint64_t all[4] = {0};
      for (size_t i = 0; ok && i < gap.n; i++) {
        uint64_t held[4];
        ok = rule_whole_subject(gap.items[i]) &&
             rule_held_bytes(gap.items[i], held);
        for (size_t k = 0; ok && k < 4; k++) all[k] |= held[k];
      }
      for (unsigned c = '\n'; c <= '\r'; c++) /* line breaks */
        all[0] |= (uint64_t)1 << c;
      all[2] = all[3] = UINT64_MAX;
      memcpy(w->coord_gap_bytes, all, sizeof all);
      w->coord_gap_known = ok ? 1 : 2;
    }
    memcpy(t->gap_bytes, w->coord_gap_bytes, sizeof t->gap_bytes);
    t->gap_bytes_known = w->coord_gap_known;
    pthread_mutex_unlock(&word_rules_lock);
  }
  *bytes = t->gap_bytes;
  return t->gap_bytes_known == 1;
}

bool coord_lists_all = false;

/* May a list of units open right after an opener ending at `me`, in a
 * clause ending at b: is there a place p in [me, b) where a mention may
 * start (units_mention_may_start: by the bytes mentions start with) and
 * that the opener joins (units_joined, as clause_list asks of the first
 * unit after it)?  A gap holds only gap bytes (gap_bytes_of), so the
 * places past the first other byte are joined to nothing.  False only
 * when no mention of [me, b) can open such a list; true when not told.
 * Most openers are followed by a unit right away (p = me: one look). */
static bool list_may_open(tk *t, size_t me, size_t b) {
  xctx *x = t->x;
  const uint64_t *gap;
  if (coord_lists_all || !gap_bytes_of(t, &gap)) return true;
  const unsigned char *s = (const unsigned char *)x->s;
  for (size_t p = me; p < b; p++) {
    if ((s[p] & 0xC0) != 0x80 && units_mention_may_start(x, p) &&
        units_joined(x, me, p))
      return true;
    if (!(gap[s[p] >> 6] >> (s[p] & 63) & 1)) return false;
  }
  return false;
}

/* The units listed right after the openers ending at ends[0, n) (in text
 * order), added to *out: those of [ends[0], b) searched for once. */
static void lists_after(tk *t, const size_t *ends, size_t n, size_t b,
                        xunits *out) {
  xunits m = {0};
  clause_units(t, ends[0], b, &m);
  size_t k = 0;
  for (size_t j = 0; j < n; j++) {
    while (k < m.n && m.items[k].start < ends[j]) k++;
    size_t listed = clause_list(t, &m, k, ends[j]);
    for (size_t i = 0; i < listed; i++) xunits_add(t->x, out, &m.items[k + i]);
  }
  xunits_free(&m);
}

/* The coordinators of [a, b), added to *out as clause_coordinators
 * says: the openers (coord.with) found in turn, each from the end of the
 * one before, and the units listed after each.  A clause where no list
 * can open after any opener (list_may_open: a fourth of those with one,
 * "phối hợp chặt chẽ trong ...") lists none, and its units, which cost
 * some twenty thousand instructions, are not searched for. */
enum { OPENERS = 16 };

static void coordinators_of(tk *t, size_t a, size_t b, xunits *out) {
  xctx *x = t->x;
  /* (a duty is asked who leads it first: its words are known) */
  if (clause_words_none(t, t->with, a, b)) return;
  size_t ends[OPENERS], n = 0, at = a;
  bool may = false;
  while (at < b) {
    size_t ms, me;
    if (!xfirst(x, t->with, at, b, &ms, &me, NULL)) break;
    at = me > at ? me : at + 1;
    if (n == OPENERS) { /* too many to keep: the list is read */
      may = true;
      n = 0;
      at = a;
      break;
    }
    ends[n++] = me;
    may = may || list_may_open(t, me, b);
  }
  if (!may) return;
  if (n) {
    lists_after(t, ends, n, b, out);
    return;
  }
  /* more openers than kept: read in turn */
  xunits m = {0};
  bool have = false;
  size_t k = 0;
  while (at < b) {
    size_t ms, me;
    if (!xfirst(x, t->with, at, b, &ms, &me, NULL)) break;
    at = me > at ? me : at + 1;
    if (!have) clause_units(t, me, b, &m);
    have = true;
    while (k < m.n && m.items[k].start < me) k++;
    size_t listed = clause_list(t, &m, k, me);
    for (size_t i = 0; i < listed; i++) xunits_add(x, out, &m.items[k + i]);
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

static void clause_words_free(struct clause_words *cw);

void clause_coordinators_free(tk *t) {
  xunits_free(&t->coords);
  t->coords_kept = false;
  clause_words_free(t->clause_words);
  t->clause_words = NULL;
  t->clause_words_read = false;
}

/* ---- who leads ------------------------------------------------------------- */

/* Move `at` forward to a character boundary (not past `hi`). */
static size_t boundary(const xctx *x, size_t at, size_t hi) {
  while (at < hi && at < x->n && ((unsigned char)x->s[at] & 0xC0) == 0x80)
    at++;
  return at;
}

/* The first rule of `rules` matching canonical [a, b), or NULL.  `held`:
 * the words of a range holding [a, b) (clause_words_within), or NULL: a
 * rule whose words it lacks is not searched for (most of the cues, in the
 * windows around a clause's units). */
static const rule *lead_cue(tk *t, rule_list rules, size_t a, size_t b,
                            const clause_held *held) {
  for (size_t r = 0; r < rules.n; r++)
    if (clause_words_may(t, rules.items[r], held) &&
        rule_exec(rules.items[r], t->x->s + a, b - a, 0, t->x->md))
      return rules.items[r];
  return NULL;
}

/* ---- the rules' words in the text ------------------------------------- */

/* Every match of a rule holds, for each clause of its literals
 * (rule_facts.lits), one of the clause's words whole; each such word is
 * of word bytes only (rule_literal_in_words), so it lies inside one run
 * of the text's words (rule_text_words), and the distinct word of that
 * run holds it.  Which words of the rules asked per clause (the lead
 * cues' twins, the area rules) each distinct word of the text holds is read once per plan (rule_literals_in_words, one pass
 * for all of them); whether a clause may hold a rule's words is then told
 * by a look at the runs it touches, where a search for each rule in each
 * clause cost about as much as the clause's bytes each time (most
 * clauses hold none). */
enum { WORD_BITS = 2, CLAUSE_WORDS = 64 * WORD_BITS }; /* a bit each */
_Static_assert(WORD_BITS == 2, "clause_held and the walk read two words");

bool clause_words_off = false;

/* What a rule's matches hold: for each clause of its literals, the
 * literals' bits; n 0: not told (it may match anywhere). */
typedef struct rule_needs {
  uint64_t need[RULE_LITS][WORD_BITS];
  uint8_t n;
} rule_needs;

/* Which literals the rules asked per clause are of (numbered, up to
 * CLAUSE_WORDS) and what each rule's matches hold of them: a function of
 * the rule set alone (the rules a tk selects), so made once per set, at
 * its first plan, and shared read-only by every plan and thread after
 * (rules.h: cchc_rules.clause_word_rules; about 20 k instructions and
 * two allocations a plan before). */
typedef struct clause_word_rules {
  const rule_literal *lits[CLAUSE_WORDS];
  size_t nlits;
  const rule *rules_base; /* rule r is told by needs[slot[r - base] - 1] */
  size_t nslots;
  uint16_t *slot;
  rule_needs *needs;
  size_t nneeds, cap;
} clause_word_rules;

typedef struct clause_words {
  const rule_words *w;            /* the text's, borrowed */
  const clause_word_rules *rules; /* the rule set's, borrowed */
  /* per distinct word d, at row d + 1: the lits it holds; row 0, that of
   * the runs too long to be words (RULE_NO_WORD + 1 wraps to 0): all */
  uint64_t *holds;
} clause_words;

static void clause_words_free(clause_words *cw) {
  if (!cw) return;
  free(cw->holds);
  free(cw);
}

void clause_word_rules_free(struct clause_word_rules *wr) {
  if (!wr) return;
  free(wr->slot);
  free(wr->needs);
  free(wr);
}

/* The number of literal l in wr, given one when new; -1 without room or
 * when l may lie across words. */
static int word_number(clause_word_rules *wr, const rule_literal *l) {
  if (!rule_literal_in_words(l)) return -1;
  for (size_t i = 0; i < wr->nlits; i++)
    if (wr->lits[i] == l) return (int)i;
  if (wr->nlits == CLAUSE_WORDS) return -1;
  wr->lits[wr->nlits] = l;
  return (int)wr->nlits++;
}

/* Note what the matches of each rule of `rules` hold (those outside the
 * set's array are not told).  False without memory. */
static bool words_note(clause_word_rules *wr, rule_list rules) {
  for (size_t i = 0; i < rules.n; i++) {
    const rule *r = rules.items[i];
    if (r < wr->rules_base || (size_t)(r - wr->rules_base) >= wr->nslots ||
        wr->slot[r - wr->rules_base])
      continue;
    rule_needs rn = {.n = 0};
    const rule_facts *f = &r->facts;
    for (size_t k = 0; k < f->nlits; k++) {
      uint64_t m[WORD_BITS] = {0};
      bool told = f->nalts[k] > 0;
      for (size_t a = 0; told && a < f->nalts[k]; a++) {
        int l = word_number(wr, f->lits[k][a]);
        if (l < 0) told = false;
        else m[l / 64] |= (uint64_t)1 << (l % 64);
      }
      if (told) memcpy(rn.need[rn.n++], m, sizeof m);
    }
    rule_needs *p = wr->nneeds < wr->cap
                        ? wr->needs
                        : cchc_grow(wr->needs, &wr->cap, wr->nneeds,
                                    sizeof *wr->needs);
    if (!p || wr->nneeds >= UINT16_MAX) return false;
    wr->needs = p;
    wr->needs[wr->nneeds++] = rn;
    wr->slot[r - wr->rules_base] = (uint16_t)wr->nneeds;
  }
  return true;
}

/* The literals of the rules a clause is asked about, from t's rules;
 * NULL without memory. */
static clause_word_rules *word_rules_make(const tk *t) {
  const cchc_rules *rs = t->x->rules;
  clause_word_rules *wr = calloc(1, sizeof *wr);
  if (!wr) return NULL;
  wr->rules_base = rs->rules;
  wr->nslots = rs->nrules;
  wr->slot = calloc(wr->nslots + 1, sizeof *wr->slot);
  bool ok = wr->slot != NULL;
  for (int strong = 0; ok && strong < 2; strong++)
    ok = words_note(wr, t->cues_after[strong].near) &&
         words_note(wr, t->cues_before[strong].near);
  ok = ok && words_note(wr, t->areas) && words_note(wr, t->with) &&
       words_note(wr, t->area_lead) && words_note(wr, t->contingent) &&
       words_note(wr, t->cut) && words_note(wr, t->masks) &&
       words_note(wr, t->after) && words_note(wr, t->before);
  if (!ok) {
    clause_word_rules_free(wr);
    return NULL;
  }
  return wr;
}

/* The set's clause_word_rules, made at the first ask (under the lock: the
 * set is shared by the threads); NULL without memory (asked again by the
 * next plan).  The lists a tk selects are the same for every plan of a
 * set (extract_tasks: rules_select, select_areas, lead_cues_select). */
static const clause_word_rules *word_rules_of(const tk *t) {
  cchc_rules *w = (cchc_rules *)t->x->rules;
  pthread_mutex_lock(&word_rules_lock);
  if (!w->clause_word_rules) w->clause_word_rules = word_rules_make(t);
  const clause_word_rules *wr = w->clause_word_rules;
  pthread_mutex_unlock(&word_rules_lock);
  return wr;
}

/* The words of the rules a clause is asked about, in the text's words;
 * NULL when not known (a text too long for its words to be read, no
 * memory). */
static clause_words *clause_words_read(tk *t) {
  xctx *x = t->x;
  const rule_words *w = rule_text_words(&x->scan);
  const clause_word_rules *wr = w ? word_rules_of(t) : NULL;
  clause_words *cw = wr ? calloc(1, sizeof *cw) : NULL;
  if (!cw) return NULL;
  cw->w = w;
  cw->rules = wr;
  cw->holds = calloc((w->nwords + 1) * WORD_BITS, sizeof *cw->holds);
  const uint32_t *id = rule_text_word_ids(&x->scan);
  if (!cw->holds || !id ||
      !rule_literals_in_words(wr->lits, wr->nlits, x->s, w->at, w->len, id,
                              w->nwords, cw->holds + WORD_BITS, WORD_BITS)) {
    clause_words_free(cw);
    return NULL;
  }
  memset(cw->holds, 0xFF, WORD_BITS * sizeof *cw->holds);
  return cw;
}

/* Into c->twin_words, the words of the first clause of each twin's
 * literals (rule_needs.need[0]), all of them together: a twin matches
 * only where a word of its first clause stands (clause_words_may), so a
 * clause holding none of these holds no twin.  All bits when a twin is not
 * told (no needs noted, or none known), or some cue has no twin. */
static void twin_words_read(const clause_word_rules *wr, lead_cues *c) {
  uint64_t w[WORD_BITS] = {0};
  bool told = c->near_all;
  for (size_t r = 0; told && r < c->near.n; r++) {
    const rule *n = c->near.items[r];
    uint16_t s = n >= wr->rules_base &&
                         (size_t)(n - wr->rules_base) < wr->nslots
                     ? wr->slot[n - wr->rules_base]
                     : 0;
    told = s && wr->needs[s - 1].n > 0;
    for (size_t k = 0; told && k < WORD_BITS; k++)
      w[k] |= wr->needs[s - 1].need[0][k];
  }
  for (size_t k = 0; k < WORD_BITS; k++)
    c->twin_words[k] = told ? w[k] : UINT64_MAX;
}

static const clause_words *words_of(tk *t) {
  if (!t->clause_words_read) {
    t->clause_words = clause_words_off ? NULL : clause_words_read(t);
    t->clause_words_read = true;
    for (int strong = 0; t->clause_words && strong < 2; strong++) {
      twin_words_read(t->clause_words->rules, &t->cues_after[strong]);
      twin_words_read(t->clause_words->rules, &t->cues_before[strong]);
    }
  }
  return t->clause_words;
}

bool clause_words_within(tk *t, size_t a, size_t b, clause_held *out) {
  if (t->held_kept && t->held_a == a && t->held_b == b) {
    out->has[0] = t->held_has[0];
    out->has[1] = t->held_has[1];
    return true;
  }
  const clause_words *cw = words_of(t);
  if (!cw) return false;
  const rule_words *w = cw->w;
  /* the first run starting at or after a: from the last ask's when a
   * lies after its start, within a few doublings (the clauses of a duty
   * are asked in text order), else over all the runs */
  size_t lo = 0, hi = w->nruns;
  if (t->held_kept && a >= t->held_a && t->held_first <= w->nruns) {
    /* from the last ask's end when a lies past it (the next clause) */
    lo = a >= t->held_b && t->held_next <= w->nruns ? t->held_next
                                                      : t->held_first;
    for (size_t step = 1; lo < hi;) {
      size_t probe = lo + step < hi ? lo + step : hi;
      if (probe < hi && w->run_at[probe] < a) {
        lo = probe + 1;
        step *= 2;
      } else {
        hi = probe;
        break;
      }
    }
  }
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (w->run_at[mid] < a) lo = mid + 1;
    else hi = mid;
  }
  size_t first = lo;
  if (lo > 0) lo--; /* the run before may reach into [a, b) */
  /* the runs up to b: found first (a clause holds a few dozen, found in
   * a few steps of doubling), so that the walk over them reads their
   * words alone */
  size_t step = 1, hi_lo = lo;
  hi = lo;
  while (hi < w->nruns && w->run_at[hi] < b) {
    hi_lo = hi + 1;
    hi = lo + step < w->nruns ? lo + step : w->nruns;
    step *= 2;
  }
  while (hi_lo < hi) { /* the first run from hi_lo starting at or after b */
    size_t mid = hi_lo + (hi - hi_lo) / 2;
    if (w->run_at[mid] < b) hi_lo = mid + 1;
    else hi = mid;
  }
  uint64_t h0 = 0, h1 = 0;
  const uint32_t *word = w->run_word;
#pragma GCC unroll 4
  for (size_t k = lo; k < hi; k++) {
    uint32_t d1 = word[k] + 1u; /* (unsigned: RULE_NO_WORD wraps to 0) */
    h0 |= cw->holds[2 * (size_t)d1];
    h1 |= cw->holds[2 * (size_t)d1 + 1];
  }
  out->has[0] = t->held_has[0] = h0;
  out->has[1] = t->held_has[1] = h1;
  t->held_a = a;
  t->held_b = b;
  t->held_first = first;
  t->held_next = hi;
  t->held_kept = true;
  return true;
}

bool clause_words_told(tk *t, const rule *r) {
  const clause_word_rules *wr =
      t->clause_words ? t->clause_words->rules : NULL;
  if (!wr || r < wr->rules_base || (size_t)(r - wr->rules_base) >= wr->nslots)
    return false;
  uint16_t s = wr->slot[r - wr->rules_base];
  return s && wr->needs[s - 1].n == r->facts.nlits;
}

bool clause_words_none(tk *t, rule_list rules, size_t a, size_t b) {
  if (!t->held_kept || t->held_a > a || b > t->held_b || !t->clause_words)
    return false;
  const clause_held held = {{t->held_has[0], t->held_has[1]}};
  for (size_t i = 0; i < rules.n; i++)
    if (clause_words_may(t, rules.items[i], &held)) return false;
  return true;
}

bool clause_words_may(tk *t, const rule *r, const clause_held *held) {
  const clause_word_rules *wr =
      t->clause_words ? t->clause_words->rules : NULL;
  if (!held || !wr || r < wr->rules_base ||
      (size_t)(r - wr->rules_base) >= wr->nslots)
    return true;
  uint16_t s = wr->slot[r - wr->rules_base];
  if (!s) return true;
  const rule_needs *rn = &wr->needs[s - 1];
  for (size_t k = 0; k < rn->n; k++)
    if (!(rn->need[k][0] & held->has[0]) && !(rn->need[k][1] & held->has[1]))
      return false;
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
/* What cue_within found of the "before" twins searched from a clause's
 * start (bit r of `searched`: twin r was; of `found`: it matched, first
 * at ts[r]): cue_before_may starts its search of each twin there, and
 * takes the answer instead of searching again. */
typedef struct twin_firsts {
  uint64_t searched, found;
  size_t ts[64];
} twin_firsts;

/* Do the clause's words (held) lack every word of c's twins, so that no
 * cue of c matches there? */
static inline bool twins_absent(const lead_cues *c, const clause_held *held) {
  return c->near_all && held && !(held->has[0] & c->twin_words[0]) &&
         !(held->has[1] & c->twin_words[1]);
}

static bool cue_within(tk *t, const lead_cues *c, bool after, size_t a,
                       size_t b, const clause_held *held, twin_firsts *tf) {
  const xctx *x = t->x;
  /* most clauses hold no word of any twin: one look for all of them */
  if (twins_absent(c, held)) return false;
  for (size_t r = 0; r < c->cues.n; r++) {
    /* the twin decides (near_all): not where its words are not */
    if (c->near_all && !clause_words_may(t, c->near.items[r], held))
      continue;
    /* a twin whose words the clause's runs were found to hold (told:
     * clause_words_may above) is searched for alone: its cue's literals,
     * the same words, are there too but where a run reaches in from
     * before a */
    bool alone = c->near_all &&
                 ((r < 64 && (c->twin_alone >> r & 1)) ||
                  (held && clause_words_told(t, c->near.items[r])));
    if (!alone &&
        !rule_literals_held(c->cues.items[r], x->s + a, b - a, x->md))
      continue;
    if (!c->near_all) return true;
    size_t from = after ? boundary(x, a + 1, b) : a;
    const rule *n = c->near.items[r];
    bool hit = from < b && code_match(n->code, &n->jit, x->s + a, b - a,
                                      from - a, x->md, NULL) > 0;
    if (tf && from == a && r < 64) {
      tf->searched |= (uint64_t)1 << r;
      if (hit) {
        tf->found |= (uint64_t)1 << r;
        tf->ts[r] = a + pcre2_get_ovector_pointer(x->md)[0];
      }
    }
    if (hit) return true;
  }
  return false;
}

/* Is the character at p (canonical text) surely no white space (\s):
 * ASCII but blanks and controls, or beyond ASCII outside the blocks that
 * hold white space (U+0080-U+00BF, U+1680-U+180E, U+2000-U+205F,
 * U+3000)?  Vietnamese letters (U+1E00 on) are not in them. */
static bool surely_not_blank(const unsigned char *p) {
  switch (p[0]) {
  case 0xC2: return false;
  case 0xE1: return p[1] >= 0xB8;
  case 0xE2: return p[1] >= 0x82;
  case 0xE3: return p[1] != 0x80;
  default: return p[0] < 0x80 ? p[0] > 0x20 && p[0] < 0x7F : p[0] >= 0xC3;
  }
}

/* Is there a place in [a, b) where a cue of c (a "before" cue: it ends
 * where its unit starts) matches the window clause_lead gives it and a
 * unit mention may start (units_mention_may_start)?  Most clauses that
 * hold "giao" or "yêu cầu" (in "giao dịch", "theo yêu cầu") have none,
 * and then no lead by these cues: their units are not searched for.  A
 * cue's twin matches inside the cue's match, so the cue ends within 40
 * bytes after a place where its twin starts (each such place is found:
 * a search from each character after the last one found), no sooner than
 * the twin's shortest match after it, and, for cues that end where their
 * subject does (rule_facts.ends), before more than end_bytes bytes that
 * are not white space.  True when not told (a cue without a twin). */
static bool cue_before_may(tk *t, const lead_cues *c, size_t a, size_t b,
                           const clause_held *held, const twin_firsts *tf) {
  xctx *x = t->x;
  const unsigned char *s = (const unsigned char *)x->s;
  if (!c->near_all) return true;
  size_t fixed = 0; /* SIZE_MAX: not told */
  for (size_t r = 0; r < c->cues.n; r++) {
    const rule_facts *f = &c->cues.items[r]->facts;
    if (!f->ends) fixed = SIZE_MAX;
    else if (fixed < f->end_bytes) fixed = f->end_bytes;
  }
  for (size_t r = 0; r < c->near.n; r++) {
    const rule *n = c->near.items[r];
    if (!clause_words_may(t, n, held)) continue;
    /* the cue ends after its twin's match, of this many characters (each
     * a byte at least) or more */
    uint32_t least = 0;
    if (pcre2_pattern_info(n->code, PCRE2_INFO_MINLENGTH, &least)) least = 0;
    bool first_known = r < 64 && (tf->searched >> r & 1);
    for (size_t from = a; from < b;) {
      size_t ts;
      if (first_known && from == a) { /* cue_within searched from a */
        if (!(tf->found >> r & 1)) break;
        ts = tf->ts[r];
      } else {
        if (code_match(n->code, &n->jit, x->s + a, b - a, from - a, x->md,
                       NULL) <= 0)
          break;
        ts = a + pcre2_get_ovector_pointer(x->md)[0];
      }
      size_t last = ts + 40 < b ? ts + 40 : b - 1, held_bytes = 0;
      bool solid = false; /* the character of the last byte counted */
      for (size_t p = ts; p <= last; p++) {
        if (p > ts) { /* [ts, p) lies in the cue's match */
          if ((s[p - 1] & 0xC0) != 0x80) solid = surely_not_blank(s + p - 1);
          if (solid && ++held_bytes > fixed) break; /* it would hold more */
        }
        if (p - ts < least) continue;
        if (!units_mention_may_start(x, p)) continue;
        size_t bs = p > a + 40 ? boundary(x, p - 40, p) : a;
        if (lead_cue(t, c->cues, bs, p, held)) return true;
      }
      from = boundary(x, ts + 1, b);
    }
  }
  return false;
}

bool clause_lead(tk *t, size_t a, size_t b, bool strong, xunits *out,
                 bool *needs, const rule **why) {
  xctx *x = t->x;
  const lead_cues *cues_after = &t->cues_after[strong];
  const lead_cues *cues_before = &t->cues_before[strong];
  if (b <= a) return false;
  clause_held h;
  const clause_held *held = clause_words_within(t, a, b, &h) ? &h : NULL;
  /* (cue_within's first look, for both sides at once: most clauses end
   * here) */
  if (twins_absent(cues_after, held) && twins_absent(cues_before, held))
    return false;
  twin_firsts tf; /* (ts read only where found: not cleared) */
  tf.searched = tf.found = 0;
  if (!cue_within(t, cues_after, true, a, b, held, NULL) &&
      (!cue_within(t, cues_before, false, a, b, held, &tf) ||
       !cue_before_may(t, cues_before, a, b, held, &tf)))
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
    const rule *hit = lead_cue(t, cues_after->cues, u->end, ae, held);
    bool after = hit != NULL;
    if (!hit) {
      size_t bs = u->start > a + 40 ? boundary(x, u->start - 40, u->start) : a;
      hit = lead_cue(t, cues_before->cues, bs, u->start, held);
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
