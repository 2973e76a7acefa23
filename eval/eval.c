/* eval.c: score predicted frames against hand annotations (gold files,
 * ../shared/gold/FORMAT.md), GROBID-style: counts are kept per document and
 * micro-averaged over all documents.  This file holds the documents and
 * their counts and answers for metrics by name; eval.h lists the others. */
#define _GNU_SOURCE
#include "eval.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const metric_info metrics[M_COUNT] = {
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

static double ratio(size_t num, size_t den) {
  return den ? (double)num / (double)den : NAN;
}

double precision_of(const counter *c) {
  return ratio(c->n[0], c->n[0] + c->n[1]);
}
double recall_of(const counter *c) {
  return ratio(c->n[0], c->n[0] + c->n[2]);
}
double f1_of(const counter *c) {
  return ratio(2 * c->n[0], 2 * c->n[0] + c->n[1] + c->n[2]);
}
double accuracy_of(const counter *c) { return ratio(c->n[0], c->n[1]); }

void eval_total(const cchc_eval *ev, int metric, counter *out) {
  memset(out, 0, sizeof *out);
  for (size_t i = 0; i < ev->ndocs; i++)
    for (int k = 0; k < 3; k++)
      out->n[k] += ev->docs[i].c[metric].n[k];
}

/* ------------------------------------------------------------------ */
/* Documents                                                           */

cchc_eval *cchc_eval_new(void) { return calloc(1, sizeof(cchc_eval)); }

void eval_doc_release(eval_doc *d) {
  for (size_t i = 0; i < d->ndiffs; i++) {
    for (size_t k = 0; k < d->diffs[i].npairs; k++)
      free(d->diffs[i].pairs[k].value);
    free(d->diffs[i].pairs);
  }
  free(d->diffs);
  free(d->name);
  memset(d, 0, sizeof *d);
}

void cchc_eval_free(cchc_eval *ev) {
  if (!ev)
    return;
  for (size_t i = 0; i < ev->ndocs; i++)
    eval_doc_release(&ev->docs[i]);
  free(ev->docs);
  free(ev);
}

cchc_status cchc_eval_add(cchc_eval *ev, const char *name,
                          const cchc_frame *frame, const char *gold_json,
                          size_t gold_len, cchc_error *err) {
  if (!ev || !frame)
    return cchc_fail(err, CCHC_ERR_INVALID, "no evaluation or no frame");
  eval_doc doc = {0};
  scorer s = {.doc = &doc, .err = err};
  json_reader r = {.which = "gold", .err = err};
  side gold = {0}, pred = {0};
  json_t *root = NULL;

  if (name)
    doc.name = strdup(name);
  else if (asprintf(&doc.name, "document %zu", ev->ndocs + 1) < 0)
    doc.name = NULL;
  if (!doc.name) {
    scorer_nomem(&s);
    goto out;
  }
  root = json_read_parse(&r, gold_json, gold_len);
  if (!root || !gold_read(&s, &r, root, &gold)) {
    if (r.status != CCHC_OK) { /* else s.status says why */
      s.status = r.status;
      if (err)
        snprintf(err->path, sizeof err->path, "gold");
    }
    goto out;
  }
  if (!predicted_read(&s, frame, &pred))
    goto out;
  score_document(&s, &pred, &gold);
  if (s.status != CCHC_OK)
    goto out;

  if (ev->ndocs == ev->cap) {
    size_t ncap = ev->cap ? ev->cap * 2 : 8;
    eval_doc *nd = realloc(ev->docs, ncap * sizeof *nd);
    if (!nd) {
      scorer_nomem(&s);
      goto out;
    }
    ev->docs = nd;
    ev->cap = ncap;
  }
  ev->docs[ev->ndocs++] = doc;
  memset(&doc, 0, sizeof doc);
out:
  free(s.row);
  side_release(&gold);
  side_release(&pred);
  json_decref(root);
  eval_doc_release(&doc);
  return s.status;
}

size_t cchc_eval_documents(const cchc_eval *ev) { return ev ? ev->ndocs : 0; }

const char *cchc_eval_document_name(const cchc_eval *ev, size_t i) {
  return ev && i < ev->ndocs ? ev->docs[i].name : NULL;
}

/* ------------------------------------------------------------------ */
/* Metrics by name                                                     */

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

double cchc_eval_score(const cchc_eval *ev, const char *metric) {
  int m;
  part what;
  if (!ev || !resolve(metric, &m, &what))
    return NAN;
  counter c;
  eval_total(ev, m, &c);
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
