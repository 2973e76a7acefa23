/* eval.c: score predicted frames against hand annotations (gold files,
 * ../shared/gold/FORMAT.md), GROBID-style: counts are kept per document and
 * micro-averaged over all documents.
 *
 * Both sides are read as JSON (jansson): the predicted frame as the frame
 * contract ("schema": "cchc/1"), the gold file as FORMAT.md describes.
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
 *   accuracy (the predicted deadline id resolved in the frame; kind, start
 *   and end equal; null equals null).
 *
 * Every mismatch is also recorded per document (JSON "diffs") so that the
 * cause of a low score can be read, not guessed. */
#define _GNU_SOURCE
#include "../common/internal.h"

#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ */
/* Metrics                                                             */

typedef enum metric_kind { PRF, ACC } metric_kind;

enum {
  M_TARGETS,
  M_TARGETS_COMPARATOR,
  M_TARGETS_INDICATOR,
  M_TARGETS_AREA,
  M_REFERENCES,
  M_REFERENCES_DATE,
  M_DOC_KIND,
  M_DOC_LEVEL,
  M_DOC_PLACE,
  M_DOC_PROVINCE,
  M_DOC_YEAR,
  M_DOC_PERIOD,
  M_DOC_NUMBER,
  M_DOC_DATE,
  M_DOC_PARENT_NUMBER,
  M_DOC_PARENT_DATE,
  M_DEADLINES,
  M_LEADS,
  M_TASKS,
  M_TASKS_LEAD,
  M_TASKS_COORDINATORS,
  M_TASKS_DEADLINE,
  M_COUNT
};

static const struct {
  const char *name;
  metric_kind kind;
  int group; /* a blank line separates groups in the table */
} metrics[M_COUNT] = {
    [M_TARGETS] = {"targets", PRF, 0},
    [M_TARGETS_COMPARATOR] = {"targets.comparator", ACC, 0},
    [M_TARGETS_INDICATOR] = {"targets.indicator", ACC, 0},
    [M_TARGETS_AREA] = {"targets.area", ACC, 0},
    [M_REFERENCES] = {"references", PRF, 1},
    [M_REFERENCES_DATE] = {"references.date", ACC, 1},
    [M_DOC_KIND] = {"document.kind", ACC, 2},
    [M_DOC_LEVEL] = {"document.level", ACC, 2},
    [M_DOC_PLACE] = {"document.place", ACC, 2},
    [M_DOC_PROVINCE] = {"document.province", ACC, 2},
    [M_DOC_YEAR] = {"document.year", ACC, 2},
    [M_DOC_PERIOD] = {"document.period", ACC, 2},
    [M_DOC_NUMBER] = {"document.number", ACC, 2},
    [M_DOC_DATE] = {"document.date", ACC, 2},
    [M_DOC_PARENT_NUMBER] = {"document.parent.number", ACC, 2},
    [M_DOC_PARENT_DATE] = {"document.parent.date", ACC, 2},
    [M_DEADLINES] = {"deadlines", PRF, 3},
    [M_LEADS] = {"leads", PRF, 4},
    [M_TASKS] = {"tasks", PRF, 5},
    [M_TASKS_LEAD] = {"tasks.lead", ACC, 5},
    [M_TASKS_COORDINATORS] = {"tasks.coordinators", PRF, 5},
    [M_TASKS_DEADLINE] = {"tasks.deadline", ACC, 5},
};

/* PRF: n[0] true positives, n[1] false positives, n[2] false negatives.
 * ACC: n[0] correct, n[1] total. */
typedef struct counter {
  size_t n[3];
} counter;

typedef struct eval_doc {
  char *name;
  counter c[M_COUNT];
  json_t *diffs; /* array of mismatch records */
} eval_doc;

struct cchc_eval {
  eval_doc *docs;
  size_t ndocs, cap;
};

static double ratio(size_t num, size_t den) {
  return den ? (double)num / (double)den : NAN;
}

static double precision_of(const counter *c) {
  return ratio(c->n[0], c->n[0] + c->n[1]);
}
static double recall_of(const counter *c) {
  return ratio(c->n[0], c->n[0] + c->n[2]);
}
/* 2PR/(P+R) written on counts: defined (0) when only one side is empty. */
static double f1_of(const counter *c) {
  return ratio(2 * c->n[0], 2 * c->n[0] + c->n[1] + c->n[2]);
}
static double accuracy_of(const counter *c) { return ratio(c->n[0], c->n[1]); }

/* ------------------------------------------------------------------ */
/* Scoring context                                                     */

typedef struct scorer {
  eval_doc *doc;
  cchc_error *err;
  cchc_status status; /* first failure; later work is skipped */
  size_t *row;        /* longest-common-substring scratch */
  size_t row_cap;
} scorer;

static void oom(scorer *s) {
  if (s->status == CCHC_OK)
    s->status = cchc_fail(s->err, CCHC_ERR_NOMEM, "out of memory");
}

/* A data error in one of the two inputs: err->path names which. */
static bool bad(scorer *s, const char *which, const char *fmt, ...)
    CCHC_PRINTF(3, 4);
static bool bad(scorer *s, const char *which, const char *fmt, ...) {
  if (s->status != CCHC_OK)
    return false;
  s->status = CCHC_ERR_INVALID;
  if (s->err) {
    cchc_error_clear(s->err);
    s->err->code = CCHC_ERR_INVALID;
    snprintf(s->err->path, sizeof s->err->path, "%s", which);
    /* "gold targets[3]: ..." */
    size_t n = strlen(which);
    memcpy(s->err->message, which, n);
    s->err->message[n++] = ' ';
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(s->err->message + n, sizeof s->err->message - n, fmt, ap);
    va_end(ap);
  }
  return false;
}

static const char *json_type_name(const json_t *v) {
  switch (json_typeof(v)) {
  case JSON_OBJECT: return "an object";
  case JSON_ARRAY: return "an array";
  case JSON_STRING: return "a string";
  case JSON_INTEGER:
  case JSON_REAL: return "a number";
  case JSON_TRUE:
  case JSON_FALSE: return "a boolean";
  case JSON_NULL: return "null";
  }
  return "?";
}

/* A string member: *out is NULL when missing or null.  `required`: it must
 * be present and a string. */
static bool get_str(scorer *s, const char *which, const json_t *obj,
                    const char *where, const char *key, bool required,
                    const char **out) {
  json_t *v = json_object_get(obj, key);
  *out = NULL;
  if (json_is_string(v)) {
    *out = json_string_value(v);
    return true;
  }
  if (!v || json_is_null(v)) {
    if (required)
      return bad(s, which, "%s: \"%s\" is missing (a string is required)",
                 where, key);
    return true;
  }
  return bad(s, which, "%s: \"%s\" must be a string or null, not %s", where,
             key, json_type_name(v));
}

/* A number member; *has is false when missing or null. */
static bool get_num(scorer *s, const char *which, const json_t *obj,
                    const char *where, const char *key, bool required,
                    double *out, bool *has) {
  json_t *v = json_object_get(obj, key);
  *has = false;
  *out = 0;
  if (json_is_number(v)) {
    *out = json_number_value(v);
    *has = true;
    return true;
  }
  if (!v || json_is_null(v)) {
    if (required)
      return bad(s, which, "%s: \"%s\" is missing (a number is required)",
                 where, key);
    return true;
  }
  return bad(s, which, "%s: \"%s\" must be a number, not %s", where, key,
             json_type_name(v));
}

/* An array member: NULL (empty) when missing or null, unless required. */
static bool get_array(scorer *s, const char *which, const json_t *obj,
                      const char *where, const char *key, bool required,
                      json_t **out) {
  json_t *v = json_object_get(obj, key);
  *out = NULL;
  if (json_is_array(v)) {
    *out = v;
    return true;
  }
  if (!v || (json_is_null(v) && !required)) {
    if (required)
      return bad(s, which, "%s\"%s\" is missing (an array is required)",
                 where, key);
    return true;
  }
  return bad(s, which, "%s\"%s\" must be an array, not %s", where, key,
             json_type_name(v));
}

/* An object member: NULL when missing or null. */
static bool get_obj(scorer *s, const char *which, const json_t *obj,
                    const char *where, const char *key, bool required,
                    json_t **out) {
  json_t *v = json_object_get(obj, key);
  *out = NULL;
  if (json_is_object(v)) {
    *out = v;
    return true;
  }
  if (!v || (json_is_null(v) && !required)) {
    if (required)
      return bad(s, which, "%s\"%s\" is missing (an object is required)",
                 where, key);
    return true;
  }
  return bad(s, which, "%s\"%s\" must be an object, not %s", where, key,
             json_type_name(v));
}

/* Item i of an array must be an object. */
static json_t *item(scorer *s, const char *which, json_t *arr,
                    const char *name, size_t i) {
  json_t *v = json_array_get(arr, i);
  if (!json_is_object(v)) {
    bad(s, which, "%s[%zu] must be an object, not %s", name, i,
        json_type_name(v));
    return NULL;
  }
  return v;
}

/* ------------------------------------------------------------------ */
/* Text folding and overlap                                            */

/* Match key with white space collapsed (cchc_match_key does both); NULL
 * for NULL.  Sets s->status on failure. */
static char *fold(scorer *s, const char *text) {
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
      oom(s);
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
    oom(s);
    return NULL;
  }
  size_t o = 0;
  for (const char *p = text; *p; p++)
    if (*p != ' ' && *p != '\t' && *p != '\n' && *p != '\r')
      out[o++] = *p;
  out[o] = '\0';
  return out;
}

/* A unit id as compared: the key, or "name:" + the folded name. */
static char *unit_id(scorer *s, const char *id) {
  if (!id)
    return NULL;
  if (strncmp(id, "name:", 5) != 0) {
    char *c = strdup(id);
    if (!c)
      oom(s);
    return c;
  }
  char *k = fold(s, id + 5);
  if (!k)
    return NULL;
  char *out = malloc(strlen(k) + 6);
  if (!out) {
    oom(s);
    free(k);
    return NULL;
  }
  memcpy(out, "name:", 5);
  strcpy(out + 5, k);
  free(k);
  return out;
}

/* ------------------------------------------------------------------ */
/* Mismatch records                                                    */

static json_t *jstr(const char *s) { return s ? json_string(s) : json_null(); }

/* Append {"metric": ..., "kind": ..., key/value pairs...} to the diffs.
 * Pairs are (const char *key, const char *value) until a NULL key. */
static void diff(scorer *s, int metric, const char *kind, ...) {
  if (s->status != CCHC_OK)
    return;
  json_t *d = json_object();
  if (!d || json_object_set_new(d, "metric", json_string(metrics[metric].name)) ||
      json_object_set_new(d, "kind", json_string(kind))) {
    json_decref(d);
    oom(s);
    return;
  }
  va_list ap;
  va_start(ap, kind);
  const char *key;
  while ((key = va_arg(ap, const char *))) {
    const char *val = va_arg(ap, const char *);
    if (json_object_set_new(d, key, jstr(val))) {
      oom(s);
      break;
    }
  }
  va_end(ap);
  if (json_array_append_new(s->doc->diffs, d))
    oom(s);
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

/* One-to-one greedy matching: each predicted item in order takes the free
 * gold item with the best score (ties: the earliest).  A match function
 * returns a score > 0, or NO_MATCH.  gold_of[p] is the gold index or -1;
 * returns the number of matched pairs. */
typedef double (*match_fn)(scorer *s, void *ctx, size_t p, size_t g);
static size_t greedy(scorer *s, size_t npred, size_t ngold, match_fn match,
                     void *ctx, long *gold_of) {
  bool *taken = calloc(ngold ? ngold : 1, sizeof *taken);
  size_t matched = 0;
  if (!taken) {
    oom(s);
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

static bool *taken_golds(scorer *s, const long *gold_of, size_t npred,
                         size_t ngold) {
  bool *t = calloc(ngold ? ngold : 1, sizeof *t);
  if (!t) {
    oom(s);
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

typedef struct target {
  const char *text; /* predicted "text" or gold "quote" */
  char *fold;
  double value;
  bool has_value;
  const char *comparator, *indicator, *area;
} target;

static bool read_targets(scorer *s, const char *which, json_t *arr,
                         target *out, size_t n) {
  bool gold = which[0] == 'g';
  for (size_t i = 0; i < n; i++) {
    json_t *o = item(s, which, arr, "targets", i);
    if (!o)
      return false;
    char where[64];
    snprintf(where, sizeof where, "targets[%zu]", i);
    target *t = &out[i];
    if (!get_str(s, which, o, where, gold ? "quote" : "text", gold, &t->text) ||
        !get_num(s, which, o, where, "value", gold, &t->value, &t->has_value) ||
        !get_str(s, which, o, where, "comparator", false, &t->comparator) ||
        !get_str(s, which, o, where, "indicator", false, &t->indicator) ||
        !get_str(s, which, o, where, "area", false, &t->area))
      return false;
    t->fold = fold(s, t->text);
    if (s->status != CCHC_OK)
      return false;
  }
  return true;
}

typedef struct pair_ctx {
  void *pred, *gold;
} pair_ctx;

static bool same_value(double a, double b) {
  double scale = fabs(a) > 1 ? fabs(a) : 1;
  return fabs(a - b) <= 1e-9 * scale;
}

static double target_match(scorer *s, void *ctx, size_t p, size_t g) {
  pair_ctx *c = ctx;
  target *tp = (target *)c->pred + p, *tg = (target *)c->gold + g;
  if (!tp->has_value || !same_value(tp->value, tg->value))
    return NO_MATCH;
  return overlap(s, tp->fold, tg->fold);
}

/* Accuracy of one field of a matched pair (null equals null). */
static void acc_field(scorer *s, int metric, const char *quote,
                      const char *pred, const char *gold) {
  bool ok = str_eq(pred, gold);
  count_acc(s, metric, ok);
  if (!ok)
    diff(s, metric, "wrong", "quote", quote, "gold", gold, "predicted", pred,
         (char *)NULL);
}

static void score_targets(scorer *s, json_t *parr, json_t *garr) {
  size_t np = json_array_size(parr), ng = json_array_size(garr);
  target *pt = calloc(np ? np : 1, sizeof *pt);
  target *gt = calloc(ng ? ng : 1, sizeof *gt);
  long *gold_of = calloc(np ? np : 1, sizeof *gold_of);
  if (!pt || !gt || !gold_of) {
    oom(s);
    goto done;
  }
  if (!read_targets(s, "gold", garr, gt, ng) ||
      !read_targets(s, "frame", parr, pt, np))
    goto done;
  pair_ctx ctx = {pt, gt};
  size_t m = greedy(s, np, ng, target_match, &ctx, gold_of);
  if (s->status != CCHC_OK)
    goto done;
  count_prf(s, M_TARGETS, m, np, ng);
  char v[64];
  for (size_t p = 0; p < np; p++) {
    if (gold_of[p] < 0) {
      if (pt[p].has_value)
        fmt_num(v, sizeof v, pt[p].value);
      diff(s, M_TARGETS, "spurious", "text", pt[p].text, "value",
           pt[p].has_value ? v : NULL, (char *)NULL);
      continue;
    }
    target *g = &gt[gold_of[p]], *t = &pt[p];
    acc_field(s, M_TARGETS_COMPARATOR, g->text, t->comparator, g->comparator);
    acc_field(s, M_TARGETS_INDICATOR, g->text, t->indicator, g->indicator);
    acc_field(s, M_TARGETS_AREA, g->text, t->area, g->area);
  }
  bool *taken = taken_golds(s, gold_of, np, ng);
  for (size_t g = 0; taken && g < ng; g++)
    if (!taken[g]) {
      fmt_num(v, sizeof v, gt[g].value);
      diff(s, M_TARGETS, "missed", "quote", gt[g].text, "value", v,
           (char *)NULL);
    }
  free(taken);
done:
  for (size_t i = 0; pt && i < np; i++)
    free(pt[i].fold);
  for (size_t i = 0; gt && i < ng; i++)
    free(gt[i].fold);
  free(pt);
  free(gt);
  free(gold_of);
}

/* ------------------------------------------------------------------ */
/* references                                                          */

typedef struct reference {
  const char *number;
  char *key; /* number without white space */
  const char *date;
} reference;

static bool read_references(scorer *s, const char *which, json_t *arr,
                            reference *out, size_t n) {
  bool gold = which[0] == 'g';
  for (size_t i = 0; i < n; i++) {
    json_t *o = item(s, which, arr, "references", i);
    if (!o)
      return false;
    char where[64];
    snprintf(where, sizeof where, "references[%zu]", i);
    if (!get_str(s, which, o, where, "number", gold, &out[i].number) ||
        !get_str(s, which, o, where, "date", false, &out[i].date))
      return false;
    out[i].key = strip_space(s, out[i].number);
    if (s->status != CCHC_OK)
      return false;
  }
  return true;
}

static double reference_match(scorer *s, void *ctx, size_t p, size_t g) {
  pair_ctx *c = ctx;
  reference *rp = (reference *)c->pred + p, *rg = (reference *)c->gold + g;
  return rp->key && rg->key && *rg->key && strcmp(rp->key, rg->key) == 0
             ? 1.0
             : NO_MATCH;
}

static void score_references(scorer *s, json_t *parr, json_t *garr) {
  size_t np = json_array_size(parr), ng = json_array_size(garr);
  reference *pr = calloc(np ? np : 1, sizeof *pr);
  reference *gr = calloc(ng ? ng : 1, sizeof *gr);
  long *gold_of = calloc(np ? np : 1, sizeof *gold_of);
  if (!pr || !gr || !gold_of) {
    oom(s);
    goto done;
  }
  if (!read_references(s, "gold", garr, gr, ng) ||
      !read_references(s, "frame", parr, pr, np))
    goto done;
  pair_ctx ctx = {pr, gr};
  size_t m = greedy(s, np, ng, reference_match, &ctx, gold_of);
  if (s->status != CCHC_OK)
    goto done;
  count_prf(s, M_REFERENCES, m, np, ng);
  for (size_t p = 0; p < np; p++) {
    if (gold_of[p] < 0) {
      diff(s, M_REFERENCES, "spurious", "number", pr[p].number, (char *)NULL);
      continue;
    }
    reference *g = &gr[gold_of[p]];
    bool ok = str_eq(pr[p].date, g->date);
    count_acc(s, M_REFERENCES_DATE, ok);
    if (!ok)
      diff(s, M_REFERENCES_DATE, "wrong", "number", g->number, "gold", g->date,
           "predicted", pr[p].date, (char *)NULL);
  }
  bool *taken = taken_golds(s, gold_of, np, ng);
  for (size_t g = 0; taken && g < ng; g++)
    if (!taken[g])
      diff(s, M_REFERENCES, "missed", "number", gr[g].number, (char *)NULL);
  free(taken);
done:
  for (size_t i = 0; pr && i < np; i++)
    free(pr[i].key);
  for (size_t i = 0; gr && i < ng; i++)
    free(gr[i].key);
  free(pr);
  free(gr);
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
    char *a = how == CMP_KEY ? fold(s, pred) : strip_space(s, pred);
    char *b = how == CMP_KEY ? fold(s, gold) : strip_space(s, gold);
    ok = a && b && strcmp(a, b) == 0;
    free(a);
    free(b);
    if (s->status != CCHC_OK)
      return;
  }
  count_acc(s, metric, ok);
  if (!ok)
    diff(s, metric, "wrong", "gold", gold, "predicted", pred, (char *)NULL);
}

/* "year": a number, or a string of digits; written as a decimal string. */
static bool get_year(scorer *s, const char *which, const json_t *doc,
                     char *buf, size_t cap, const char **out) {
  json_t *v = json_object_get(doc, "year");
  *out = NULL;
  if (!v || json_is_null(v))
    return true;
  if (json_is_integer(v)) {
    snprintf(buf, cap, "%lld", (long long)json_integer_value(v));
  } else if (json_is_real(v) && json_real_value(v) == floor(json_real_value(v))) {
    snprintf(buf, cap, "%.0f", json_real_value(v));
  } else if (json_is_string(v)) {
    const char *t = json_string_value(v);
    while (*t == ' ')
      t++;
    snprintf(buf, cap, "%s", t);
    size_t l = strlen(buf);
    while (l && buf[l - 1] == ' ')
      buf[--l] = '\0';
  } else {
    return bad(s, which, "document: \"year\" must be a number, not %s",
               json_type_name(v));
  }
  *out = buf;
  return true;
}

typedef struct docfields {
  const char *kind, *level, *place, *province, *year, *start, *end, *number,
      *date, *parent_number, *parent_date;
  char year_buf[32];
} docfields;

static bool read_document(scorer *s, const char *which, json_t *doc,
                          docfields *d) {
  memset(d, 0, sizeof *d);
  if (!doc)
    return true;
  const char *w = "document";
  json_t *period, *parent;
  if (!get_str(s, which, doc, w, "kind", false, &d->kind) ||
      !get_str(s, which, doc, w, "level", false, &d->level) ||
      !get_str(s, which, doc, w, "place", false, &d->place) ||
      !get_str(s, which, doc, w, "province", false, &d->province) ||
      !get_year(s, which, doc, d->year_buf, sizeof d->year_buf, &d->year) ||
      !get_str(s, which, doc, w, "number", false, &d->number) ||
      !get_str(s, which, doc, w, "date", false, &d->date) ||
      !get_obj(s, which, doc, "document: ", "period", false, &period) ||
      !get_obj(s, which, doc, "document: ", "parent", false, &parent))
    return false;
  if (period && (!get_str(s, which, period, "document.period", "start", false,
                          &d->start) ||
                 !get_str(s, which, period, "document.period", "end", false,
                          &d->end)))
    return false;
  if (parent && (!get_str(s, which, parent, "document.parent", "number", false,
                          &d->parent_number) ||
                 !get_str(s, which, parent, "document.parent", "date", false,
                          &d->parent_date)))
    return false;
  return true;
}

static void score_document(scorer *s, json_t *pdoc, json_t *gdoc) {
  docfields p, g;
  if (!read_document(s, "gold", gdoc, &g) ||
      !read_document(s, "frame", pdoc, &p))
    return;
  doc_field(s, M_DOC_KIND, p.kind, g.kind, CMP_EXACT);
  doc_field(s, M_DOC_LEVEL, p.level, g.level, CMP_EXACT);
  doc_field(s, M_DOC_PLACE, p.place, g.place, CMP_KEY);
  doc_field(s, M_DOC_PROVINCE, p.province, g.province, CMP_KEY);
  doc_field(s, M_DOC_YEAR, p.year, g.year, CMP_EXACT);
  /* The period is right when both ends are. */
  bool ok = str_eq(p.start, g.start) && str_eq(p.end, g.end);
  count_acc(s, M_DOC_PERIOD, ok);
  if (!ok)
    diff(s, M_DOC_PERIOD, "wrong", "gold_start", g.start, "gold_end", g.end,
         "predicted_start", p.start, "predicted_end", p.end, (char *)NULL);
  doc_field(s, M_DOC_NUMBER, p.number, g.number, CMP_NOSPACE);
  doc_field(s, M_DOC_DATE, p.date, g.date, CMP_EXACT);
  doc_field(s, M_DOC_PARENT_NUMBER, p.parent_number, g.parent_number,
            CMP_NOSPACE);
  doc_field(s, M_DOC_PARENT_DATE, p.parent_date, g.parent_date, CMP_EXACT);
}

/* ------------------------------------------------------------------ */
/* deadlines                                                           */

typedef struct deadline {
  const char *id;   /* frame only */
  const char *text; /* predicted "text" or gold "quote" */
  const char *kind, *start, *end;
} deadline;

static bool read_deadline_fields(scorer *s, const char *which, json_t *o,
                                 const char *where, deadline *d) {
  return get_str(s, which, o, where, "kind", which[0] == 'g', &d->kind) &&
         get_str(s, which, o, where, "start", false, &d->start) &&
         get_str(s, which, o, where, "end", false, &d->end);
}

static bool read_deadlines(scorer *s, const char *which, json_t *arr,
                           deadline *out, size_t n) {
  bool gold = which[0] == 'g';
  for (size_t i = 0; i < n; i++) {
    json_t *o = item(s, which, arr, "deadlines", i);
    if (!o)
      return false;
    char where[64];
    snprintf(where, sizeof where, "deadlines[%zu]", i);
    if (!get_str(s, which, o, where, gold ? "quote" : "text", false,
                 &out[i].text) ||
        (!gold && !get_str(s, which, o, where, "id", false, &out[i].id)) ||
        !read_deadline_fields(s, which, o, where, &out[i]))
      return false;
  }
  return true;
}

static bool deadline_eq(const deadline *a, const deadline *b) {
  return str_eq(a->kind, b->kind) && str_eq(a->start, b->start) &&
         str_eq(a->end, b->end);
}

static double deadline_match(scorer *s, void *ctx, size_t p, size_t g) {
  pair_ctx *c = ctx;
  return deadline_eq((deadline *)c->pred + p, (deadline *)c->gold + g)
             ? 1.0
             : NO_MATCH;
}

/* The frame's deadlines stay read for the tasks (deadline ids). */
static void score_deadlines(scorer *s, const deadline *pd, size_t np,
                            json_t *garr) {
  size_t ng = json_array_size(garr);
  deadline *gd = calloc(ng ? ng : 1, sizeof *gd);
  long *gold_of = calloc(np ? np : 1, sizeof *gold_of);
  if (!gd || !gold_of) {
    oom(s);
    goto done;
  }
  if (!read_deadlines(s, "gold", garr, gd, ng))
    goto done;
  pair_ctx ctx = {(void *)pd, gd};
  size_t m = greedy(s, np, ng, deadline_match, &ctx, gold_of);
  if (s->status != CCHC_OK)
    goto done;
  count_prf(s, M_DEADLINES, m, np, ng);
  for (size_t p = 0; p < np; p++)
    if (gold_of[p] < 0)
      diff(s, M_DEADLINES, "spurious", "text", pd[p].text, "kind", pd[p].kind,
           "start", pd[p].start, "end", pd[p].end, (char *)NULL);
  bool *taken = taken_golds(s, gold_of, np, ng);
  for (size_t g = 0; taken && g < ng; g++)
    if (!taken[g])
      diff(s, M_DEADLINES, "missed", "quote", gd[g].text, "kind", gd[g].kind,
           "start", gd[g].start, "end", gd[g].end, (char *)NULL);
  free(taken);
done:
  free(gd);
  free(gold_of);
}

/* ------------------------------------------------------------------ */
/* units, leads                                                        */

/* A predicted unit: {"key","name","text",...} (a bare string is taken as
 * an id too).  Its id is the key, else "name:" + its text (or name). */
static bool pred_unit(scorer *s, json_t *u, const char *where, char **out) {
  *out = NULL;
  const char *raw = NULL;
  char *tmp = NULL;
  if (json_is_string(u)) {
    raw = json_string_value(u);
  } else if (json_is_object(u)) {
    const char *key, *text, *name;
    if (!get_str(s, "frame", u, where, "key", false, &key) ||
        !get_str(s, "frame", u, where, "text", false, &text) ||
        !get_str(s, "frame", u, where, "name", false, &name))
      return false;
    if (key) {
      raw = key;
    } else if (text || name) {
      const char *t = text ? text : name;
      tmp = malloc(strlen(t) + 6);
      if (!tmp) {
        oom(s);
        return false;
      }
      memcpy(tmp, "name:", 5);
      strcpy(tmp + 5, t);
      raw = tmp;
    }
  } else if (u && !json_is_null(u)) {
    return bad(s, "frame", "%s must be a unit object, not %s", where,
               json_type_name(u));
  }
  *out = unit_id(s, raw);
  free(tmp);
  return s->status == CCHC_OK;
}

typedef struct lead {
  const char *area;
  char *unit;
  const char *text;
} lead;

static bool read_leads(scorer *s, const char *which, json_t *arr, lead *out,
                       size_t n) {
  bool gold = which[0] == 'g';
  for (size_t i = 0; i < n; i++) {
    json_t *o = item(s, which, arr, "leads", i);
    if (!o)
      return false;
    char where[64];
    snprintf(where, sizeof where, "leads[%zu]", i);
    if (!get_str(s, which, o, where, "area", gold, &out[i].area))
      return false;
    if (gold) {
      const char *u;
      if (!get_str(s, which, o, where, "unit", true, &u) ||
          !get_str(s, which, o, where, "quote", false, &out[i].text))
        return false;
      out[i].unit = unit_id(s, u);
    } else {
      char uw[80];
      snprintf(uw, sizeof uw, "%s.unit", where);
      if (!get_str(s, which, o, where, "text", false, &out[i].text) ||
          !pred_unit(s, json_object_get(o, "unit"), uw, &out[i].unit))
        return false;
    }
    if (s->status != CCHC_OK)
      return false;
  }
  return true;
}

static double lead_match(scorer *s, void *ctx, size_t p, size_t g) {
  pair_ctx *c = ctx;
  lead *lp = (lead *)c->pred + p, *lg = (lead *)c->gold + g;
  return str_eq(lp->area, lg->area) && lp->unit && str_eq(lp->unit, lg->unit)
             ? 1.0
             : NO_MATCH;
}

static void score_leads(scorer *s, json_t *parr, json_t *garr) {
  size_t np = json_array_size(parr), ng = json_array_size(garr);
  lead *pl = calloc(np ? np : 1, sizeof *pl);
  lead *gl = calloc(ng ? ng : 1, sizeof *gl);
  long *gold_of = calloc(np ? np : 1, sizeof *gold_of);
  if (!pl || !gl || !gold_of) {
    oom(s);
    goto done;
  }
  if (!read_leads(s, "gold", garr, gl, ng) ||
      !read_leads(s, "frame", parr, pl, np))
    goto done;
  pair_ctx ctx = {pl, gl};
  size_t m = greedy(s, np, ng, lead_match, &ctx, gold_of);
  if (s->status != CCHC_OK)
    goto done;
  count_prf(s, M_LEADS, m, np, ng);
  for (size_t p = 0; p < np; p++)
    if (gold_of[p] < 0)
      diff(s, M_LEADS, "spurious", "area", pl[p].area, "unit", pl[p].unit,
           "text", pl[p].text, (char *)NULL);
  bool *taken = taken_golds(s, gold_of, np, ng);
  for (size_t g = 0; taken && g < ng; g++)
    if (!taken[g])
      diff(s, M_LEADS, "missed", "area", gl[g].area, "unit", gl[g].unit,
           "quote", gl[g].text, (char *)NULL);
  free(taken);
done:
  for (size_t i = 0; pl && i < np; i++)
    free(pl[i].unit);
  for (size_t i = 0; gl && i < ng; i++)
    free(gl[i].unit);
  free(pl);
  free(gl);
  free(gold_of);
}

/* ------------------------------------------------------------------ */
/* tasks                                                               */

/* A set of unit ids (sorted, no duplicates). */
typedef struct unitset {
  char **ids;
  size_t n;
} unitset;

static void unitset_free(unitset *u) {
  for (size_t i = 0; i < u->n; i++)
    free(u->ids[i]);
  free(u->ids);
  u->ids = NULL;
  u->n = 0;
}

static int cmp_id(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool unitset_has(const unitset *u, const char *id) {
  return bsearch(&id, u->ids, u->n, sizeof *u->ids, cmp_id) != NULL;
}

/* Read a list of units (gold: strings; frame: unit objects). */
static bool read_unitset(scorer *s, const char *which, json_t *o,
                         const char *where, const char *key, unitset *out) {
  json_t *arr;
  out->ids = NULL;
  out->n = 0;
  if (!get_array(s, which, o, where, key, false, &arr))
    return false;
  size_t n = json_array_size(arr);
  if (!n)
    return true;
  out->ids = calloc(n, sizeof *out->ids);
  if (!out->ids) {
    oom(s);
    return false;
  }
  for (size_t i = 0; i < n; i++) {
    json_t *u = json_array_get(arr, i);
    char uw[96];
    snprintf(uw, sizeof uw, "%s.%s[%zu]", where, key, i);
    char *id = NULL;
    if (which[0] == 'g') {
      if (!json_is_string(u))
        return bad(s, which, "%s must be a unit key (a string), not %s", uw,
                   json_type_name(u));
      id = unit_id(s, json_string_value(u));
    } else if (!pred_unit(s, u, uw, &id)) {
      return false;
    }
    if (s->status != CCHC_OK)
      return false;
    if (id)
      out->ids[out->n++] = id;
  }
  qsort(out->ids, out->n, sizeof *out->ids, cmp_id);
  size_t w = 0;
  for (size_t i = 0; i < out->n; i++) {
    if (w && strcmp(out->ids[w - 1], out->ids[i]) == 0)
      free(out->ids[i]);
    else
      out->ids[w++] = out->ids[i];
  }
  out->n = w;
  return true;
}

/* Units of a set joined with ", " for diffs; caller frees. */
static char *unitset_join(const unitset *u) {
  size_t len = 1;
  for (size_t i = 0; i < u->n; i++)
    len += strlen(u->ids[i]) + 2;
  char *out = malloc(len);
  if (!out)
    return NULL;
  out[0] = '\0';
  for (size_t i = 0; i < u->n; i++) {
    if (i)
      strcat(out, ", ");
    strcat(out, u->ids[i]);
  }
  return out;
}

typedef struct task {
  const char *text;
  char *fold;
  unitset lead, coordinators;
  bool has_deadline;
  deadline deadline;
} task;

/* The predicted deadline: an id into the frame's deadlines (an object with
 * kind/start/end is accepted too).  An id that resolves to nothing counts
 * as no deadline. */
static bool read_task_deadline(scorer *s, const char *which, json_t *o,
                               const char *where, const deadline *frame_dl,
                               size_t nframe_dl, task *t) {
  json_t *v = json_object_get(o, "deadline");
  char dw[96];
  snprintf(dw, sizeof dw, "%s.deadline", where);
  t->has_deadline = false;
  if (!v || json_is_null(v))
    return true;
  if (json_is_object(v)) {
    t->has_deadline = true;
    return read_deadline_fields(s, which, v, dw, &t->deadline);
  }
  if (which[0] == 'g')
    return bad(s, which, "%s must be an object or null, not %s", dw,
               json_type_name(v));
  if (!json_is_string(v))
    return bad(s, which, "%s must be a deadline id or null, not %s", dw,
               json_type_name(v));
  for (size_t i = 0; i < nframe_dl; i++)
    if (str_eq(frame_dl[i].id, json_string_value(v))) {
      t->has_deadline = true;
      t->deadline = frame_dl[i];
      break;
    }
  return true;
}

static bool read_tasks(scorer *s, const char *which, json_t *arr, task *out,
                       size_t n, const deadline *frame_dl, size_t nframe_dl) {
  bool gold = which[0] == 'g';
  for (size_t i = 0; i < n; i++) {
    json_t *o = item(s, which, arr, "tasks", i);
    if (!o)
      return false;
    char where[64];
    snprintf(where, sizeof where, "tasks[%zu]", i);
    task *t = &out[i];
    if (!get_str(s, which, o, where, gold ? "quote" : "text", gold, &t->text) ||
        !read_unitset(s, which, o, where, "lead", &t->lead) ||
        !read_unitset(s, which, o, where, "coordinators", &t->coordinators) ||
        !read_task_deadline(s, which, o, where, frame_dl, nframe_dl, t))
      return false;
    t->fold = fold(s, t->text);
    if (s->status != CCHC_OK)
      return false;
  }
  return true;
}

static double task_match(scorer *s, void *ctx, size_t p, size_t g) {
  pair_ctx *c = ctx;
  return overlap(s, ((task *)c->pred)[p].fold, ((task *)c->gold)[g].fold);
}

static void free_tasks(task *t, size_t n) {
  for (size_t i = 0; t && i < n; i++) {
    free(t[i].fold);
    unitset_free(&t[i].lead);
    unitset_free(&t[i].coordinators);
  }
  free(t);
}

static void task_pair(scorer *s, const task *p, const task *g) {
  /* lead: the same set of units */
  bool ok = p->lead.n == g->lead.n;
  for (size_t i = 0; ok && i < p->lead.n; i++)
    ok = strcmp(p->lead.ids[i], g->lead.ids[i]) == 0;
  count_acc(s, M_TASKS_LEAD, ok);
  if (!ok) {
    char *a = unitset_join(&g->lead), *b = unitset_join(&p->lead);
    if (!a || !b)
      oom(s);
    diff(s, M_TASKS_LEAD, "wrong", "quote", g->text, "gold", a, "predicted", b,
         (char *)NULL);
    free(a);
    free(b);
  }
  /* coordinators: micro counts over units */
  counter *c = &s->doc->c[M_TASKS_COORDINATORS];
  size_t common = 0;
  for (size_t i = 0; i < p->coordinators.n; i++)
    if (unitset_has(&g->coordinators, p->coordinators.ids[i]))
      common++;
  c->n[0] += common;
  c->n[1] += p->coordinators.n - common;
  c->n[2] += g->coordinators.n - common;
  if (common != p->coordinators.n || common != g->coordinators.n) {
    char *a = unitset_join(&g->coordinators),
         *b = unitset_join(&p->coordinators);
    if (!a || !b)
      oom(s);
    diff(s, M_TASKS_COORDINATORS, "wrong", "quote", g->text, "gold", a,
         "predicted", b, (char *)NULL);
    free(a);
    free(b);
  }
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
    diff(s, M_TASKS_DEADLINE, "wrong", "quote", g->text, "gold",
         g->has_deadline ? a : NULL, "predicted", p->has_deadline ? b : NULL,
         (char *)NULL);
  }
}

static void score_tasks(scorer *s, json_t *parr, json_t *garr,
                        const deadline *frame_dl, size_t nframe_dl) {
  size_t np = json_array_size(parr), ng = json_array_size(garr);
  task *pt = calloc(np ? np : 1, sizeof *pt);
  task *gt = calloc(ng ? ng : 1, sizeof *gt);
  long *gold_of = calloc(np ? np : 1, sizeof *gold_of);
  if (!pt || !gt || !gold_of) {
    oom(s);
    goto done;
  }
  if (!read_tasks(s, "gold", garr, gt, ng, NULL, 0) ||
      !read_tasks(s, "frame", parr, pt, np, frame_dl, nframe_dl))
    goto done;
  pair_ctx ctx = {pt, gt};
  size_t m = greedy(s, np, ng, task_match, &ctx, gold_of);
  if (s->status != CCHC_OK)
    goto done;
  count_prf(s, M_TASKS, m, np, ng);
  for (size_t p = 0; p < np && s->status == CCHC_OK; p++) {
    if (gold_of[p] < 0)
      diff(s, M_TASKS, "spurious", "text", pt[p].text, (char *)NULL);
    else
      task_pair(s, &pt[p], &gt[gold_of[p]]);
  }
  bool *taken = taken_golds(s, gold_of, np, ng);
  for (size_t g = 0; taken && g < ng; g++)
    if (!taken[g])
      diff(s, M_TASKS, "missed", "quote", gt[g].text, (char *)NULL);
  free(taken);
done:
  free_tasks(pt, np);
  free_tasks(gt, ng);
  free(gold_of);
}

/* ------------------------------------------------------------------ */
/* Public API                                                          */

cchc_eval *cchc_eval_new(void) { return calloc(1, sizeof(cchc_eval)); }

void cchc_eval_free(cchc_eval *ev) {
  if (!ev)
    return;
  for (size_t i = 0; i < ev->ndocs; i++) {
    free(ev->docs[i].name);
    json_decref(ev->docs[i].diffs);
  }
  free(ev->docs);
  free(ev);
}

static json_t *parse(scorer *s, const char *which, const char *data,
                     size_t len) {
  json_error_t je;
  json_t *root = json_loadb(data ? data : "", data ? len : 0,
                            JSON_REJECT_DUPLICATES, &je);
  if (!root) {
    if (s->status == CCHC_OK) {
      s->status = CCHC_ERR_INVALID;
      if (s->err) {
        cchc_error_clear(s->err);
        s->err->code = CCHC_ERR_INVALID;
        snprintf(s->err->path, sizeof s->err->path, "%s", which);
        if (je.line > 0)
          s->err->line = (unsigned)je.line;
        if (je.position >= 0) {
          s->err->has_offset = 1;
          s->err->offset = (size_t)je.position;
        }
        snprintf(s->err->message, sizeof s->err->message,
                 "%s is not valid JSON: %s", which, je.text);
      }
    }
    return NULL;
  }
  if (!json_is_object(root)) {
    bad(s, which, "must be a JSON object, not %s", json_type_name(root));
    json_decref(root);
    return NULL;
  }
  return root;
}

cchc_status cchc_eval_add(cchc_eval *ev, const char *name,
                          const char *frame_json, size_t frame_len,
                          const char *gold_json, size_t gold_len,
                          cchc_error *err) {
  if (!ev)
    return cchc_fail(err, CCHC_ERR_INVALID, "no evaluation");
  eval_doc doc = {0};
  scorer s = {.doc = &doc, .err = err};
  json_t *gold = NULL, *frame = NULL;
  deadline *pd = NULL;
  size_t npd = 0;

  doc.diffs = json_array();
  if (name)
    doc.name = strdup(name);
  else if (asprintf(&doc.name, "document %zu", ev->ndocs + 1) < 0)
    doc.name = NULL;
  if (!doc.diffs || !doc.name) {
    oom(&s);
    goto out;
  }
  gold = parse(&s, "gold", gold_json, gold_len);
  if (!gold)
    goto out;
  frame = parse(&s, "frame", frame_json, frame_len);
  if (!frame)
    goto out;
  json_t *schema = json_object_get(frame, "schema");
  if (!json_is_string(schema) ||
      strcmp(json_string_value(schema), "cchc/1") != 0) {
    bad(&s, "frame", "is not a cchc/1 frame (\"schema\" must be \"cchc/1\")");
    goto out;
  }

  /* Gold files list every part, even when empty; frames may omit them. */
  json_t *gdoc, *pdoc, *gt, *pt, *gr, *pr, *gd, *pdl, *gl, *pl, *gk, *pk;
  if (!get_obj(&s, "gold", gold, "", "document", true, &gdoc) ||
      !get_array(&s, "gold", gold, "", "references", true, &gr) ||
      !get_array(&s, "gold", gold, "", "targets", true, &gt) ||
      !get_array(&s, "gold", gold, "", "deadlines", true, &gd) ||
      !get_array(&s, "gold", gold, "", "leads", true, &gl) ||
      !get_array(&s, "gold", gold, "", "tasks", true, &gk) ||
      !get_obj(&s, "frame", frame, "", "document", false, &pdoc) ||
      !get_array(&s, "frame", frame, "", "references", false, &pr) ||
      !get_array(&s, "frame", frame, "", "targets", false, &pt) ||
      !get_array(&s, "frame", frame, "", "deadlines", false, &pdl) ||
      !get_array(&s, "frame", frame, "", "leads", false, &pl) ||
      !get_array(&s, "frame", frame, "", "tasks", false, &pk))
    goto out;

  npd = json_array_size(pdl);
  pd = calloc(npd ? npd : 1, sizeof *pd);
  if (!pd) {
    oom(&s);
    goto out;
  }
  if (!read_deadlines(&s, "frame", pdl, pd, npd))
    goto out;

  score_document(&s, pdoc, gdoc);
  if (s.status == CCHC_OK)
    score_references(&s, pr, gr);
  if (s.status == CCHC_OK)
    score_targets(&s, pt, gt);
  if (s.status == CCHC_OK)
    score_deadlines(&s, pd, npd, gd);
  if (s.status == CCHC_OK)
    score_leads(&s, pl, gl);
  if (s.status == CCHC_OK)
    score_tasks(&s, pk, gk, pd, npd);
  if (s.status != CCHC_OK)
    goto out;

  if (ev->ndocs == ev->cap) {
    size_t ncap = ev->cap ? ev->cap * 2 : 8;
    eval_doc *nd = realloc(ev->docs, ncap * sizeof *nd);
    if (!nd) {
      oom(&s);
      goto out;
    }
    ev->docs = nd;
    ev->cap = ncap;
  }
  ev->docs[ev->ndocs++] = doc;
  doc.name = NULL;
  doc.diffs = NULL;
out:
  free(pd);
  free(s.row);
  json_decref(gold);
  json_decref(frame);
  free(doc.name);
  json_decref(doc.diffs);
  return s.status;
}

size_t cchc_eval_documents(const cchc_eval *ev) { return ev ? ev->ndocs : 0; }

const char *cchc_eval_document_name(const cchc_eval *ev, size_t i) {
  return ev && i < ev->ndocs ? ev->docs[i].name : NULL;
}

/* Resolve "targets.f1", "targets.comparator", "tasks.coordinators.tp" ...
 * into a metric and what to read from it. */
typedef enum part {
  P_PRECISION, P_RECALL, P_F1, P_TP, P_FP, P_FN, P_ACCURACY, P_CORRECT,
  P_TOTAL
} part;

static bool resolve(const char *name, int *metric, part *what) {
  if (!name)
    return false;
  for (int m = 0; m < M_COUNT; m++)
    if (metrics[m].kind == ACC && strcmp(name, metrics[m].name) == 0) {
      *metric = m;
      *what = P_ACCURACY;
      return true;
    }
  const char *dot = strrchr(name, '.');
  if (!dot)
    return false;
  static const struct {
    const char *suffix;
    part what;
    metric_kind kind;
  } parts[] = {
      {"precision", P_PRECISION, PRF}, {"recall", P_RECALL, PRF},
      {"f1", P_F1, PRF},               {"tp", P_TP, PRF},
      {"fp", P_FP, PRF},               {"fn", P_FN, PRF},
      {"accuracy", P_ACCURACY, ACC},   {"correct", P_CORRECT, ACC},
      {"total", P_TOTAL, ACC},
  };
  size_t plen = (size_t)(dot - name);
  for (int m = 0; m < M_COUNT; m++) {
    if (strlen(metrics[m].name) != plen ||
        strncmp(name, metrics[m].name, plen) != 0)
      continue;
    for (size_t k = 0; k < sizeof parts / sizeof *parts; k++)
      if (parts[k].kind == metrics[m].kind &&
          strcmp(dot + 1, parts[k].suffix) == 0) {
        *metric = m;
        *what = parts[k].what;
        return true;
      }
  }
  return false;
}

static double read_part(const counter *c, part what) {
  switch (what) {
  case P_PRECISION: return precision_of(c);
  case P_RECALL: return recall_of(c);
  case P_F1: return f1_of(c);
  case P_TP:
  case P_CORRECT: return (double)c->n[0];
  case P_FP:
  case P_TOTAL: return (double)c->n[1];
  case P_FN: return (double)c->n[2];
  case P_ACCURACY: return accuracy_of(c);
  }
  return NAN;
}

static void total(const cchc_eval *ev, int metric, counter *out) {
  memset(out, 0, sizeof *out);
  for (size_t i = 0; i < ev->ndocs; i++)
    for (int k = 0; k < 3; k++)
      out->n[k] += ev->docs[i].c[metric].n[k];
}

double cchc_eval_score(const cchc_eval *ev, const char *metric) {
  int m;
  part what;
  if (!ev || !resolve(metric, &m, &what))
    return NAN;
  counter c;
  total(ev, m, &c);
  return read_part(&c, what);
}

double cchc_eval_document_score(const cchc_eval *ev, size_t i,
                                const char *metric) {
  int m;
  part what;
  if (!ev || i >= ev->ndocs || !resolve(metric, &m, &what))
    return NAN;
  return read_part(&ev->docs[i].c[m], what);
}

/* ------------------------------------------------------------------ */
/* Rendering                                                           */

static json_t *jnum(double v) { return isnan(v) ? json_null() : json_real(v); }

static json_t *metrics_json(const counter *cs) {
  json_t *o = json_object();
  if (!o)
    return NULL;
  for (int m = 0; m < M_COUNT; m++) {
    const counter *c = &cs[m];
    json_t *e = metrics[m].kind == PRF
                    ? json_pack("{s:o,s:o,s:o,s:I,s:I,s:I}", "precision",
                                jnum(precision_of(c)), "recall",
                                jnum(recall_of(c)), "f1", jnum(f1_of(c)), "tp",
                                (json_int_t)c->n[0], "fp", (json_int_t)c->n[1],
                                "fn", (json_int_t)c->n[2])
                    : json_pack("{s:o,s:I,s:I}", "accuracy",
                                jnum(accuracy_of(c)), "correct",
                                (json_int_t)c->n[0], "total",
                                (json_int_t)c->n[1]);
    if (!e || json_object_set_new(o, metrics[m].name, e)) {
      json_decref(o);
      return NULL;
    }
  }
  return o;
}

cchc_status cchc_eval_render_json(const cchc_eval *ev, char **out,
                                  cchc_error *err) {
  *out = NULL;
  if (!ev)
    return cchc_fail(err, CCHC_ERR_INVALID, "no evaluation");
  counter micro[M_COUNT];
  for (int m = 0; m < M_COUNT; m++)
    total(ev, m, &micro[m]);
  /* Every container is attached to its parent as soon as it exists, so
   * one json_decref(root) releases everything on any failure. */
  json_t *root = json_object(), *docs = NULL, *mj = NULL;
  bool ok = root &&
            !json_object_set_new(root, "schema", json_string("cchc-eval/1")) &&
            !json_object_set_new(root, "documents",
                                 json_integer((json_int_t)ev->ndocs)) &&
            (mj = metrics_json(micro)) &&
            !json_object_set_new(root, "metrics", mj) &&
            (docs = json_array()) &&
            !json_object_set_new(root, "per_document", docs);
  for (size_t i = 0; ok && i < ev->ndocs; i++) {
    json_t *dm = metrics_json(ev->docs[i].c);
    json_t *d = dm ? json_pack("{s:s,s:o,s:O}", "name", ev->docs[i].name,
                               "metrics", dm, "diffs", ev->docs[i].diffs)
                   : NULL;
    ok = d && !json_array_append_new(docs, d);
  }
  char *text = ok ? json_dumps(root, JSON_INDENT(2) | JSON_REAL_PRECISION(6))
                  : NULL;
  json_decref(root);
  if (!text)
    return cchc_fail(err, CCHC_ERR_NOMEM, "out of memory");
  /* json_dumps memory comes from jansson's allocator (malloc by default);
   * hand the caller a buffer that free() releases, with a final newline. */
  size_t n = strlen(text);
  char *buf = malloc(n + 2);
  if (!buf) {
    free(text);
    return cchc_fail(err, CCHC_ERR_NOMEM, "out of memory");
  }
  memcpy(buf, text, n);
  buf[n] = '\n';
  buf[n + 1] = '\0';
  free(text);
  *out = buf;
  return CCHC_OK;
}

/* A growing string for the table. */
typedef struct sbuf {
  char *data;
  size_t len, cap;
  bool failed;
} sbuf;

static void sb_printf(sbuf *b, const char *fmt, ...) CCHC_PRINTF(2, 3);
static void sb_printf(sbuf *b, const char *fmt, ...) {
  if (b->failed)
    return;
  for (;;) {
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(b->data ? b->data + b->len : NULL,
                      b->data ? b->cap - b->len : 0, fmt, ap);
    va_end(ap);
    if (n < 0) {
      b->failed = true;
      return;
    }
    if (b->data && b->len + (size_t)n < b->cap) {
      b->len += (size_t)n;
      return;
    }
    size_t ncap = b->cap ? b->cap : 1024;
    while (ncap <= b->len + (size_t)n)
      ncap *= 2;
    char *nd = realloc(b->data, ncap);
    if (!nd) {
      b->failed = true;
      return;
    }
    b->data = nd;
    b->cap = ncap;
  }
}

static void cell(char *buf, size_t cap, double v) {
  if (isnan(v))
    snprintf(buf, cap, "n/a");
  else
    snprintf(buf, cap, "%.3f", v);
}

cchc_status cchc_eval_render_table(const cchc_eval *ev, char **out,
                                   cchc_error *err) {
  *out = NULL;
  if (!ev)
    return cchc_fail(err, CCHC_ERR_INVALID, "no evaluation");
  sbuf b = {0};
  sb_printf(&b, "%zu document%s, micro-averaged\n\n", ev->ndocs,
            ev->ndocs == 1 ? "" : "s");
  sb_printf(&b, "%-24s %7s %7s %7s  %s\n", "metric", "P", "R", "F1/acc",
            "counts");
  for (int m = 0; m < M_COUNT; m++) {
    if (m && metrics[m].group != metrics[m - 1].group)
      sb_printf(&b, "\n");
    counter c;
    total(ev, m, &c);
    char p[16], r[16], f[16];
    if (metrics[m].kind == PRF) {
      cell(p, sizeof p, precision_of(&c));
      cell(r, sizeof r, recall_of(&c));
      cell(f, sizeof f, f1_of(&c));
      sb_printf(&b, "%-24s %7s %7s %7s  tp %zu, fp %zu, fn %zu\n",
                metrics[m].name, p, r, f, c.n[0], c.n[1], c.n[2]);
    } else {
      cell(f, sizeof f, accuracy_of(&c));
      sb_printf(&b, "%-24s %7s %7s %7s  %zu of %zu\n", metrics[m].name, "",
                "", f, c.n[0], c.n[1]);
    }
  }
  if (b.failed || !b.data) {
    free(b.data);
    return cchc_fail(err, CCHC_ERR_NOMEM, "out of memory");
  }
  *out = b.data;
  return CCHC_OK;
}
