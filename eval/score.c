/* score.c: predicted items matched with gold ones, counted, and every
 * mismatch recorded (eval.h).
 *
 * Matching rules
 * - Text overlap: both texts are folded with cchc_match_key (case,
 *   diacritics and tone-mark placement do not matter; white space runs and
 *   line breaks become one space).  Two non-empty folded texts overlap when
 *   one contains the other, or when they share a common substring at least
 *   half as long as the shorter one.
 * - One-to-one greedy matching in order: each predicted item, in frame
 *   order, takes the free gold item that matches it best (containment
 *   scores 1, else the common substring's share of the shorter text); ties
 *   go to the earliest gold item.  So when the extractor misses one of a
 *   series of similar items ("Báo cáo ... quý I gửi trước ngày 10/3",
 *   "Báo cáo ... 6 tháng gửi trước ngày 10/6"), the next one still pairs
 *   with its own gold item, and two targets quoted from one sentence pair
 *   in order.
 * - targets: values equal and texts (predicted "text", gold "quote")
 *   overlap.  Over matched pairs: comparator, indicator, area accuracy
 *   (null equals null).
 * - references: number equal after white space is removed; over matched
 *   pairs, date accuracy.
 * - document: accuracy of each field over documents; null equals null;
 *   place and province compare by match key; numbers without white space.
 * - deadlines: (kind, start, end) triples counted as multisets.
 * - leads: (area, unit) pairs counted as multisets; a unit is its key, or
 *   "name:" + its text when it has no key ("name:" units compare by match
 *   key).
 * - tasks: texts overlap; over matched pairs, lead accuracy (sets of units
 *   equal), coordinator precision/recall/F1 (micro over units) and deadline
 *   accuracy (the predicted task's deadline; kind, start and end equal;
 *   null equals null).
 *
 * Every mismatch is also recorded per document (JSON "diffs") so that the
 * cause of a low score can be read, not guessed. */
#include "eval.h"
#include "../common/strbuf.h"

#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void scorer_nomem(scorer *s) {
  if (s->status == CCHC_OK)
    s->status = cchc_fail(s->err, CCHC_ERR_NOMEM, "out of memory");
}

/* ------------------------------------------------------------------ */
/* Text folding and overlap                                            */

char *scorer_fold(scorer *s, const char *text) {
  if (!text)
    return NULL;
  cchc_error e = {0};
  char *k = cchc_match_key(text, strlen(text), &e);
  if (!k && s->status == CCHC_OK) {
    s->status = e.code;
    if (s->err)
      *s->err = e;
  }
  return k;
}

/* Length of the longest common substring of a and b (dynamic programming
 * on one row, right to left). */
static size_t common_substring(scorer *s, const char *a, size_t na,
                               const char *b, size_t nb) {
  if (nb + 1 > s->row_cap) {
    size_t *r = realloc(s->row, (nb + 1) * sizeof *r);
    if (!r) {
      scorer_nomem(s);
      return 0;
    }
    s->row = r;
    s->row_cap = nb + 1;
  }
  size_t *row = s->row, best = 0;
  memset(row, 0, (nb + 1) * sizeof *row);
  for (size_t i = 1; i <= na; i++) {
    for (size_t j = nb; j >= 1; j--) {
      if (a[i - 1] == b[j - 1]) {
        row[j] = row[j - 1] + 1;
        if (row[j] > best)
          best = row[j];
      } else {
        row[j] = 0;
      }
    }
  }
  return best;
}

/* How well two folded texts overlap: 1 when one contains the other, else
 * the longest common substring's share of the shorter text when it is at
 * least half; NO_MATCH otherwise. */
#define NO_MATCH (-1.0)
static double overlap(scorer *s, const char *a, const char *b) {
  if (!a || !b || !*a || !*b)
    return NO_MATCH;
  if (strstr(a, b) || strstr(b, a))
    return 1.0;
  size_t na = strlen(a), nb = strlen(b);
  size_t shorter = na < nb ? na : nb;
  size_t common = common_substring(s, a, na, b, nb);
  return 2 * common >= shorter ? (double)common / (double)shorter : NO_MATCH;
}

static bool str_eq(const char *a, const char *b) {
  if (!a || !b)
    return a == b;
  return strcmp(a, b) == 0;
}

/* Copy of s without white space (ASCII blanks); NULL for NULL. */
static char *strip_space(scorer *s, const char *text) {
  if (!text)
    return NULL;
  char *out = malloc(strlen(text) + 1);
  if (!out) {
    scorer_nomem(s);
    return NULL;
  }
  size_t o = 0;
  for (const char *p = text; *p; p++)
    if (*p != ' ' && *p != '\t' && *p != '\n' && *p != '\r')
      out[o++] = *p;
  out[o] = '\0';
  return out;
}

char *scorer_unit_id(scorer *s, const char *id) {
  if (!id)
    return NULL;
  if (strncmp(id, "name:", 5) != 0) {
    char *c = strdup(id);
    if (!c)
      scorer_nomem(s);
    return c;
  }
  char *k = scorer_fold(s, id + 5);
  if (!k)
    return NULL;
  char *out = malloc(strlen(k) + 6);
  if (!out) {
    scorer_nomem(s);
    free(k);
    return NULL;
  }
  memcpy(out, "name:", 5);
  strcpy(out + 5, k);
  free(k);
  return out;
}

/* The folds of the texts of `n` items, `size` bytes apart, whose text is
 * their first member (targets, tasks). */
_Static_assert(offsetof(target, text) == 0, "a target starts with its text");
_Static_assert(offsetof(task, text) == 0, "a task starts with its text");
static char **fold_all(scorer *s, const void *items, size_t n, size_t size) {
  char **f = calloc(n ? n : 1, sizeof *f);
  if (!f) {
    scorer_nomem(s);
    return NULL;
  }
  for (size_t i = 0; i < n && s->status == CCHC_OK; i++)
    f[i] = scorer_fold(s, *(const char *const *)((const char *)items +
                                                  i * size));
  return f;
}

static void free_all(char **v, size_t n) {
  for (size_t i = 0; v && i < n; i++)
    free(v[i]);
  free(v);
}

/* ------------------------------------------------------------------ */
/* Counting and mismatch records                                       */

/* Record {"metric", "kind", key/value pairs...}.  Pairs are (const char
 * *key, const char *value) until a NULL key. */
static void diff_add(scorer *s, int metric, const char *kind, ...) {
  if (s->status != CCHC_OK)
    return;
  eval_doc *d = s->doc;
  if (d->ndiffs == d->cap) {
    size_t cap = d->cap ? d->cap * 2 : 32;
    diff *nd = realloc(d->diffs, cap * sizeof *nd);
    if (!nd) {
      scorer_nomem(s);
      return;
    }
    d->diffs = nd;
    d->cap = cap;
  }
  va_list ap;
  size_t n = 0;
  va_start(ap, kind);
  while (va_arg(ap, const char *)) {
    (void)va_arg(ap, const char *);
    n++;
  }
  va_end(ap);
  diff *x = &d->diffs[d->ndiffs];
  *x = (diff){metric, kind, calloc(n ? n : 1, sizeof *x->pairs), 0};
  if (!x->pairs) {
    scorer_nomem(s);
    return;
  }
  d->ndiffs++;
  va_start(ap, kind);
  for (; x->npairs < n; x->npairs++) {
    diff_pair *p = &x->pairs[x->npairs];
    p->key = va_arg(ap, const char *);
    const char *v = va_arg(ap, const char *);
    if (v && !(p->value = strdup(v)))
      scorer_nomem(s);
  }
  va_end(ap);
}

static void count_acc(scorer *s, int metric, bool correct) {
  s->doc->c[metric].n[1]++;
  if (correct)
    s->doc->c[metric].n[0]++;
}

/* tp = matched, fp = predicted - matched, fn = gold - matched. */
static void count_prf(scorer *s, int metric, size_t matched, size_t npred,
                      size_t ngold) {
  s->doc->c[metric].n[0] += matched;
  s->doc->c[metric].n[1] += npred - matched;
  s->doc->c[metric].n[2] += ngold - matched;
}

typedef struct pair_ctx {
  const void *pred, *gold;
  char **pfold, **gfold; /* folded texts, for the kinds matched by text */
} pair_ctx;

/* One-to-one greedy matching: each predicted item in order takes the free
 * gold item with the best score (ties: the earliest).  A match function
 * returns a score > 0, or NO_MATCH.  gold_of[p] is the gold index or -1;
 * returns the number of matched pairs. */
typedef double (*match_fn)(scorer *s, const pair_ctx *c, size_t p, size_t g);
static size_t greedy(scorer *s, size_t npred, size_t ngold, match_fn match,
                     const pair_ctx *ctx, long *gold_of) {
  bool *taken = calloc(ngold ? ngold : 1, sizeof *taken);
  size_t matched = 0;
  if (!taken) {
    scorer_nomem(s);
    for (size_t p = 0; p < npred; p++)
      gold_of[p] = -1;
    return 0;
  }
  for (size_t p = 0; p < npred; p++) {
    gold_of[p] = -1;
    double best = 0;
    for (size_t g = 0; g < ngold && s->status == CCHC_OK; g++) {
      if (taken[g])
        continue;
      double score = match(s, ctx, p, g);
      if (score > best) {
        best = score;
        gold_of[p] = (long)g;
        if (score >= 1.0)
          break; /* nothing scores higher */
      }
    }
    if (gold_of[p] >= 0) {
      taken[gold_of[p]] = true;
      matched++;
    }
  }
  free(taken);
  return matched;
}

/* Match predicted with gold items and count them under `metric`.  Returns
 * gold_of (npred entries; free it) or NULL when out of memory. */
static long *match_and_count(scorer *s, int metric, size_t np, size_t ng,
                             match_fn match, const pair_ctx *ctx) {
  long *gold_of = calloc(np ? np : 1, sizeof *gold_of);
  if (!gold_of) {
    scorer_nomem(s);
    return NULL;
  }
  size_t m = greedy(s, np, ng, match, ctx, gold_of);
  if (s->status != CCHC_OK) {
    free(gold_of);
    return NULL;
  }
  count_prf(s, metric, m, np, ng);
  return gold_of;
}

/* Match items by their folded texts (targets, tasks: `size` bytes each,
 * text first): fold both sides into ctx, then match_and_count. */
static long *match_texts(scorer *s, int metric, pair_ctx *ctx, size_t np,
                         size_t ng, size_t size, match_fn match) {
  if (!(ctx->gfold = fold_all(s, ctx->gold, ng, size)) ||
      !(ctx->pfold = fold_all(s, ctx->pred, np, size)) ||
      s->status != CCHC_OK)
    return NULL;
  return match_and_count(s, metric, np, ng, match, ctx);
}

static bool *taken_golds(scorer *s, const long *gold_of, size_t npred,
                         size_t ngold) {
  bool *t = calloc(ngold ? ngold : 1, sizeof *t);
  if (!t) {
    scorer_nomem(s);
    return NULL;
  }
  for (size_t p = 0; p < npred; p++)
    if (gold_of[p] >= 0)
      t[gold_of[p]] = true;
  return t;
}

static void fmt_num(char *buf, size_t cap, double v) {
  snprintf(buf, cap, "%.15g", v);
}

/* ------------------------------------------------------------------ */
/* targets                                                             */

static bool same_value(double a, double b) {
  double scale = fabs(a) > 1 ? fabs(a) : 1;
  return fabs(a - b) <= 1e-9 * scale;
}

static double target_match(scorer *s, const pair_ctx *c, size_t p,
                           size_t g) {
  const target *tp = (const target *)c->pred + p,
               *tg = (const target *)c->gold + g;
  if (!tp->has_value || !same_value(tp->value, tg->value))
    return NO_MATCH;
  return overlap(s, c->pfold[p], c->gfold[g]);
}

/* Accuracy of one field of a matched pair (null equals null). */
static void acc_field(scorer *s, int metric, const char *quote,
                      const char *pred, const char *gold) {
  bool ok = str_eq(pred, gold);
  count_acc(s, metric, ok);
  if (!ok)
    diff_add(s, metric, "wrong", "quote", quote, "gold", gold, "predicted",
             pred, (char *)NULL);
}

static void score_targets(scorer *s, const side *ps, const side *gs) {
  size_t np = ps->ntargets, ng = gs->ntargets;
  const target *pt = ps->targets, *gt = gs->targets;
  pair_ctx ctx = {pt, gt, NULL, NULL};
  long *gold_of =
      match_texts(s, M_TARGETS, &ctx, np, ng, sizeof *pt, target_match);
  if (!gold_of)
    goto done;
  char v[64];
  for (size_t p = 0; p < np; p++) {
    if (gold_of[p] < 0) {
      if (pt[p].has_value)
        fmt_num(v, sizeof v, pt[p].value);
      diff_add(s, M_TARGETS, "spurious", "text", pt[p].text, "value",
               pt[p].has_value ? v : NULL, (char *)NULL);
      continue;
    }
    const target *g = &gt[gold_of[p]], *t = &pt[p];
    acc_field(s, M_TARGETS_COMPARATOR, g->text, t->comparator, g->comparator);
    acc_field(s, M_TARGETS_INDICATOR, g->text, t->indicator, g->indicator);
    acc_field(s, M_TARGETS_AREA, g->text, t->area, g->area);
  }
  bool *taken = taken_golds(s, gold_of, np, ng);
  for (size_t g = 0; taken && g < ng; g++)
    if (!taken[g]) {
      fmt_num(v, sizeof v, gt[g].value);
      diff_add(s, M_TARGETS, "missed", "quote", gt[g].text, "value", v,
               (char *)NULL);
    }
  free(taken);
done:
  free_all(ctx.pfold, np);
  free_all(ctx.gfold, ng);
  free(gold_of);
}

/* ------------------------------------------------------------------ */
/* references                                                          */

/* Numbers are matched without white space: pfold/gfold hold them so. */
static double reference_match(scorer *s, const pair_ctx *c, size_t p,
                              size_t g) {
  const char *a = c->pfold[p], *b = c->gfold[g];
  return a && b && *b && strcmp(a, b) == 0 ? 1.0 : NO_MATCH;
}

static char **numbers(scorer *s, const reference *r, size_t n) {
  char **k = calloc(n ? n : 1, sizeof *k);
  if (!k)
    scorer_nomem(s);
  for (size_t i = 0; k && i < n && s->status == CCHC_OK; i++)
    k[i] = strip_space(s, r[i].number);
  return k;
}

static void score_references(scorer *s, const side *ps, const side *gs) {
  size_t np = ps->nrefs, ng = gs->nrefs;
  const reference *pr = ps->refs, *gr = gs->refs;
  pair_ctx ctx = {pr, gr, NULL, NULL};
  long *gold_of = NULL;
  if (!(ctx.gfold = numbers(s, gr, ng)) || !(ctx.pfold = numbers(s, pr, np)) ||
      s->status != CCHC_OK ||
      !(gold_of = match_and_count(s, M_REFERENCES, np, ng, reference_match,
                                  &ctx)))
    goto done;
  for (size_t p = 0; p < np; p++) {
    if (gold_of[p] < 0) {
      diff_add(s, M_REFERENCES, "spurious", "number", pr[p].number,
               (char *)NULL);
      continue;
    }
    const reference *g = &gr[gold_of[p]];
    bool ok = str_eq(pr[p].date, g->date);
    count_acc(s, M_REFERENCES_DATE, ok);
    if (!ok)
      diff_add(s, M_REFERENCES_DATE, "wrong", "number", g->number, "gold",
               g->date, "predicted", pr[p].date, (char *)NULL);
  }
  bool *taken = taken_golds(s, gold_of, np, ng);
  for (size_t g = 0; taken && g < ng; g++)
    if (!taken[g])
      diff_add(s, M_REFERENCES, "missed", "number", gr[g].number,
               (char *)NULL);
  free(taken);
done:
  free_all(ctx.pfold, np);
  free_all(ctx.gfold, ng);
  free(gold_of);
}

/* ------------------------------------------------------------------ */
/* document                                                            */

typedef enum field_cmp { CMP_EXACT, CMP_KEY, CMP_NOSPACE } field_cmp;

/* Compare one document field; records a diff when wrong. */
static void doc_field(scorer *s, int metric, const char *pred,
                      const char *gold, field_cmp how) {
  bool ok;
  if (!pred || !gold) {
    ok = pred == gold;
  } else if (how == CMP_EXACT) {
    ok = strcmp(pred, gold) == 0;
  } else {
    char *a = how == CMP_KEY ? scorer_fold(s, pred) : strip_space(s, pred);
    char *b = how == CMP_KEY ? scorer_fold(s, gold) : strip_space(s, gold);
    ok = a && b && strcmp(a, b) == 0;
    free(a);
    free(b);
    if (s->status != CCHC_OK)
      return;
  }
  count_acc(s, metric, ok);
  if (!ok)
    diff_add(s, metric, "wrong", "gold", gold, "predicted", pred,
             (char *)NULL);
}

static void score_fields(scorer *s, const docfields *p, const docfields *g) {
  doc_field(s, M_DOC_KIND, p->kind, g->kind, CMP_EXACT);
  doc_field(s, M_DOC_LEVEL, p->level, g->level, CMP_EXACT);
  doc_field(s, M_DOC_PLACE, p->place, g->place, CMP_KEY);
  doc_field(s, M_DOC_PROVINCE, p->province, g->province, CMP_KEY);
  doc_field(s, M_DOC_YEAR, p->year, g->year, CMP_EXACT);
  /* The period is right when both ends are. */
  bool ok = str_eq(p->start, g->start) && str_eq(p->end, g->end);
  count_acc(s, M_DOC_PERIOD, ok);
  if (!ok)
    diff_add(s, M_DOC_PERIOD, "wrong", "gold_start", g->start, "gold_end",
             g->end, "predicted_start", p->start, "predicted_end", p->end,
             (char *)NULL);
  doc_field(s, M_DOC_NUMBER, p->number, g->number, CMP_NOSPACE);
  doc_field(s, M_DOC_DATE, p->date, g->date, CMP_EXACT);
  doc_field(s, M_DOC_PARENT_NUMBER, p->parent_number, g->parent_number,
            CMP_NOSPACE);
  doc_field(s, M_DOC_PARENT_DATE, p->parent_date, g->parent_date, CMP_EXACT);
}

/* ------------------------------------------------------------------ */
/* deadlines                                                           */

static bool deadline_eq(const deadline *a, const deadline *b) {
  return str_eq(a->kind, b->kind) && str_eq(a->start, b->start) &&
         str_eq(a->end, b->end);
}

static double deadline_match(scorer *s, const pair_ctx *c, size_t p,
                             size_t g) {
  return deadline_eq((const deadline *)c->pred + p,
                     (const deadline *)c->gold + g)
             ? 1.0
             : NO_MATCH;
}

static void score_deadlines(scorer *s, const side *ps, const side *gs) {
  size_t np = ps->ndeadlines, ng = gs->ndeadlines;
  const deadline *pd = ps->deadlines, *gd = gs->deadlines;
  pair_ctx ctx = {pd, gd, NULL, NULL};
  long *gold_of =
      match_and_count(s, M_DEADLINES, np, ng, deadline_match, &ctx);
  if (!gold_of)
    return;
  for (size_t p = 0; p < np; p++)
    if (gold_of[p] < 0)
      diff_add(s, M_DEADLINES, "spurious", "text", pd[p].text, "deadline_kind",
               pd[p].kind, "start", pd[p].start, "end", pd[p].end,
               (char *)NULL);
  bool *taken = taken_golds(s, gold_of, np, ng);
  for (size_t g = 0; taken && g < ng; g++)
    if (!taken[g])
      diff_add(s, M_DEADLINES, "missed", "quote", gd[g].text, "deadline_kind",
               gd[g].kind, "start", gd[g].start, "end", gd[g].end,
               (char *)NULL);
  free(taken);
  free(gold_of);
}

/* ------------------------------------------------------------------ */
/* leads                                                               */

static double lead_match(scorer *s, const pair_ctx *c, size_t p, size_t g) {
  const lead *lp = (const lead *)c->pred + p, *lg = (const lead *)c->gold + g;
  return str_eq(lp->area, lg->area) && lp->unit && str_eq(lp->unit, lg->unit)
             ? 1.0
             : NO_MATCH;
}

static void score_leads(scorer *s, const side *ps, const side *gs) {
  size_t np = ps->nleads, ng = gs->nleads;
  const lead *pl = ps->leads, *gl = gs->leads;
  pair_ctx ctx = {pl, gl, NULL, NULL};
  long *gold_of = match_and_count(s, M_LEADS, np, ng, lead_match, &ctx);
  if (!gold_of)
    return;
  for (size_t p = 0; p < np; p++)
    if (gold_of[p] < 0)
      diff_add(s, M_LEADS, "spurious", "area", pl[p].area, "unit",
               pl[p].unit, "text", pl[p].text, (char *)NULL);
  bool *taken = taken_golds(s, gold_of, np, ng);
  for (size_t g = 0; taken && g < ng; g++)
    if (!taken[g])
      diff_add(s, M_LEADS, "missed", "area", gl[g].area, "unit", gl[g].unit,
               "quote", gl[g].text, (char *)NULL);
  free(taken);
  free(gold_of);
}

/* ------------------------------------------------------------------ */
/* tasks                                                               */

static int cmp_id(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

void unitset_finish(unitset *u) {
  if (u->n) /* qsort must not see the NULL of an empty set */
    qsort(u->ids, u->n, sizeof *u->ids, cmp_id);
  size_t w = 0;
  for (size_t i = 0; i < u->n; i++) {
    if (w && strcmp(u->ids[w - 1], u->ids[i]) == 0)
      free(u->ids[i]);
    else
      u->ids[w++] = u->ids[i];
  }
  u->n = w;
}

bool unitset_put(scorer *s, unitset *u, char *id) {
  if (s->status != CCHC_OK)
    return false;
  if (id)
    u->ids[u->n++] = id;
  return true;
}

static bool unitset_has(const unitset *u, const char *id) {
  /* an empty set may have no storage: bsearch must not see NULL */
  return u->n && bsearch(&id, u->ids, u->n, sizeof *u->ids, cmp_id) != NULL;
}

/* Units of a set joined with ", " for diffs; caller frees. */
static char *unitset_join(const unitset *u) {
  strbuf sb = STRBUF_INIT;
  for (size_t i = 0; i < u->n; i++) {
    if (i)
      strbuf_addstr(&sb, ", ");
    strbuf_addstr(&sb, u->ids[i]);
  }
  return strbuf_detach(&sb, NULL);
}

static double task_match(scorer *s, const pair_ctx *c, size_t p, size_t g) {
  return overlap(s, c->pfold[p], c->gfold[g]);
}

/* Two unit sets of a matched pair differ: record it under `metric`. */
static void units_differ(scorer *s, int metric, const char *quote,
                         const unitset *gold, const unitset *pred) {
  char *a = unitset_join(gold), *b = unitset_join(pred);
  if (!a || !b)
    scorer_nomem(s);
  diff_add(s, metric, "wrong", "quote", quote, "gold", a, "predicted", b,
           (char *)NULL);
  free(a);
  free(b);
}

static void task_pair(scorer *s, const task *p, const task *g) {
  /* lead: the same set of units */
  bool ok = p->lead.n == g->lead.n;
  for (size_t i = 0; ok && i < p->lead.n; i++)
    ok = strcmp(p->lead.ids[i], g->lead.ids[i]) == 0;
  count_acc(s, M_TASKS_LEAD, ok);
  if (!ok)
    units_differ(s, M_TASKS_LEAD, g->text, &g->lead, &p->lead);
  /* coordinators: micro counts over units */
  counter *c = &s->doc->c[M_TASKS_COORDINATORS];
  size_t common = 0;
  for (size_t i = 0; i < p->coordinators.n; i++)
    if (unitset_has(&g->coordinators, p->coordinators.ids[i]))
      common++;
  c->n[0] += common;
  c->n[1] += p->coordinators.n - common;
  c->n[2] += g->coordinators.n - common;
  if (common != p->coordinators.n || common != g->coordinators.n)
    units_differ(s, M_TASKS_COORDINATORS, g->text, &g->coordinators,
                 &p->coordinators);
  /* deadline */
  ok = p->has_deadline == g->has_deadline &&
       (!g->has_deadline || deadline_eq(&p->deadline, &g->deadline));
  count_acc(s, M_TASKS_DEADLINE, ok);
  if (!ok) {
    char a[128], b[128];
    const deadline *gd = &g->deadline, *pd = &p->deadline;
    snprintf(a, sizeof a, "%s %s..%s", gd->kind ? gd->kind : "null",
             gd->start ? gd->start : "null", gd->end ? gd->end : "null");
    snprintf(b, sizeof b, "%s %s..%s", pd->kind ? pd->kind : "null",
             pd->start ? pd->start : "null", pd->end ? pd->end : "null");
    diff_add(s, M_TASKS_DEADLINE, "wrong", "quote", g->text, "gold",
             g->has_deadline ? a : NULL, "predicted",
             p->has_deadline ? b : NULL, (char *)NULL);
  }
}

static void score_tasks(scorer *s, const side *ps, const side *gs) {
  size_t np = ps->ntasks, ng = gs->ntasks;
  const task *pt = ps->tasks, *gt = gs->tasks;
  pair_ctx ctx = {pt, gt, NULL, NULL};
  long *gold_of = match_texts(s, M_TASKS, &ctx, np, ng, sizeof *pt, task_match);
  if (!gold_of)
    goto done;
  for (size_t p = 0; p < np && s->status == CCHC_OK; p++) {
    if (gold_of[p] < 0)
      diff_add(s, M_TASKS, "spurious", "text", pt[p].text, (char *)NULL);
    else
      task_pair(s, &pt[p], &gt[gold_of[p]]);
  }
  bool *taken = taken_golds(s, gold_of, np, ng);
  for (size_t g = 0; taken && g < ng; g++)
    if (!taken[g])
      diff_add(s, M_TASKS, "missed", "quote", gt[g].text, (char *)NULL);
  free(taken);
done:
  free_all(ctx.pfold, np);
  free_all(ctx.gfold, ng);
  free(gold_of);
}

/* ------------------------------------------------------------------ */

void score_document(scorer *s, const side *p, const side *g) {
  score_fields(s, &p->doc, &g->doc);
  if (s->status == CCHC_OK)
    score_references(s, p, g);
  if (s->status == CCHC_OK)
    score_targets(s, p, g);
  if (s->status == CCHC_OK)
    score_deadlines(s, p, g);
  if (s->status == CCHC_OK)
    score_leads(s, p, g);
  if (s->status == CCHC_OK)
    score_tasks(s, p, g);
}

static void unitset_release(unitset *u) {
  for (size_t i = 0; i < u->n; i++)
    free(u->ids[i]);
  free(u->ids);
}

void side_release(side *sd) {
  free(sd->refs);
  free(sd->targets);
  free(sd->deadlines);
  for (size_t i = 0; sd->leads && i < sd->nleads; i++)
    free(sd->leads[i].unit);
  free(sd->leads);
  for (size_t i = 0; sd->tasks && i < sd->ntasks; i++) {
    unitset_release(&sd->tasks[i].lead);
    unitset_release(&sd->tasks[i].coordinators);
  }
  free(sd->tasks);
  memset(sd, 0, sizeof *sd);
}
