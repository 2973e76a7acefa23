/* render.c: the results of an evaluation, walked once for every format
 * (emit/out.h): the table shows the micro-averaged metrics, JSON those and
 * each document's, with every mismatch. */
#include "eval.h"
#include "../emit/out.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

static const out_column table_columns[] = {
    {.title = "metric", .width = 24},
    {.title = "P", .width = 7, .gap = 1, .right = true},
    {.title = "R", .width = 7, .gap = 1, .right = true},
    {.title = "F1/acc", .width = 7, .gap = 1, .right = true},
    {.title = "counts", .gap = 2},
};

static const out_table metrics_table = {
    .table = table_columns,
    .ntable = sizeof table_columns / sizeof *table_columns,
    .object = true,
};

static void score_text(char *buf, size_t cap, double v) {
  if (isnan(v))
    snprintf(buf, cap, "n/a");
  else
    snprintf(buf, cap, "%.3f", v);
}

/* One metric: in JSON an object of scores and counts under its name; in
 * the table a line. */
static void walk_metric(out_writer *o, int m, const counter *c) {
  char p[16], r[16], f[16], counts[96];
  out_begin_object(o, metrics[m].name);
  out_string(o, OUT_TABLE, "metric", metrics[m].name);
  if (metrics[m].kind == PRF) {
    score_text(p, sizeof p, precision_of(c));
    score_text(r, sizeof r, recall_of(c));
    score_text(f, sizeof f, f1_of(c));
    snprintf(counts, sizeof counts, "tp %zu, fp %zu, fn %zu", c->n[0],
             c->n[1], c->n[2]);
    out_string(o, OUT_TABLE, "P", p);
    out_string(o, OUT_TABLE, "R", r);
    out_string(o, OUT_TABLE, "F1", f);
    out_real(o, OUT_JSON, "precision", precision_of(c));
    out_real(o, OUT_JSON, "recall", recall_of(c));
    out_real(o, OUT_JSON, "f1", f1_of(c));
    out_integer(o, OUT_JSON, "tp", (long long)c->n[0]);
    out_integer(o, OUT_JSON, "fp", (long long)c->n[1]);
    out_integer(o, OUT_JSON, "fn", (long long)c->n[2]);
  } else {
    score_text(f, sizeof f, accuracy_of(c));
    snprintf(counts, sizeof counts, "%zu of %zu", c->n[0], c->n[1]);
    out_string(o, OUT_TABLE, "P", "");
    out_string(o, OUT_TABLE, "R", "");
    out_string(o, OUT_TABLE, "F1", f);
    out_real(o, OUT_JSON, "accuracy", accuracy_of(c));
    out_integer(o, OUT_JSON, "correct", (long long)c->n[0]);
    out_integer(o, OUT_JSON, "total", (long long)c->n[1]);
  }
  out_string(o, OUT_TABLE, "counts", counts);
  out_end_object(o);
}

static void walk_document(out_writer *o, const eval_doc *d) {
  out_begin_object(o, NULL);
  out_string(o, OUT_JSON, "name", d->name);
  out_begin_object(o, "metrics");
  for (int m = 0; m < M_COUNT; m++)
    walk_metric(o, m, &d->c[m]);
  out_end_object(o);
  out_begin_array(o, "diffs");
  for (size_t i = 0; i < d->ndiffs; i++) {
    const diff *x = &d->diffs[i];
    out_begin_object(o, NULL);
    out_string(o, OUT_JSON, "metric", metrics[x->metric].name);
    out_string(o, OUT_JSON, "kind", x->kind);
    for (size_t k = 0; k < x->npairs; k++)
      out_string(o, OUT_JSON, x->pairs[k].key, x->pairs[k].value);
    out_end_object(o);
  }
  out_end_array(o);
  out_end_object(o);
}

static void walk(const cchc_eval *ev, out_writer *o) {
  out_begin_object(o, NULL);
  out_string(o, OUT_JSON, "schema", "cchc-eval/1");
  out_integer(o, OUT_JSON, "documents", (long long)ev->ndocs);
  out_text(o, "%zu document%s, micro-averaged\n\n", ev->ndocs,
           ev->ndocs == 1 ? "" : "s");
  out_begin_table(o, "metrics", &metrics_table);
  for (int m = 0; m < M_COUNT; m++) {
    if (m && metrics[m].group != metrics[m - 1].group)
      out_text(o, "\n");
    counter c;
    eval_total(ev, m, &c);
    walk_metric(o, m, &c);
  }
  out_end_table(o);
  out_begin_array(o, "per_document");
  for (size_t i = 0; i < ev->ndocs; i++)
    walk_document(o, &ev->docs[i]);
  out_end_array(o);
  out_end_object(o);
}

static cchc_status render(const cchc_eval *ev, cchc_report_format format,
                          char **out, cchc_error *err) {
  *out = NULL;
  if (!ev)
    return cchc_fail(err, CCHC_ERR_INVALID, "no evaluation");
  out_writer *o = out_new(format);
  if (!o)
    return cchc_fail(err, CCHC_ERR_NOMEM, "out of memory");
  walk(ev, o);
  return out_finish(o, out, NULL, err);
}

cchc_status cchc_eval_render_table(const cchc_eval *ev, char **out,
                                   cchc_error *err) {
  return render(ev, CCHC_REPORT_TABLE, out, err);
}

cchc_status cchc_eval_render_json(const cchc_eval *ev, char **out,
                                  cchc_error *err) {
  return render(ev, CCHC_REPORT_JSON, out, err);
}
