/* compare.c: plans side by side, one row per indicator key, one column
 * per plan (cchc_compare_*), and the one walk of the matrix that every
 * output format shares (emit/out.h). */
#include "plan.h"
#include "../common/strbuf.h"
#include "../emit/out.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct cchc_compare {
  plan *plans;   /* in input order */
  size_t n;
  size_t *order; /* column -> input index */
  const char **keys;
  size_t nkeys;
  char **cells; /* nkeys x n, by column */
};

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

void cchc_compare_free(cchc_compare *c) {
  if (!c)
    return;
  if (c->cells)
    for (size_t i = 0; i < c->nkeys * c->n; i++)
      free(c->cells[i]);
  free(c->cells);
  free(c->keys);
  free(c->order);
  for (size_t i = 0; c->plans && i < c->n; i++)
    plan_release(&c->plans[i]);
  free(c->plans);
  free(c);
}

static bool wanted(const cchc_compare_options *opt, const char *key) {
  if (!opt)
    return true;
  if (opt->area && *opt->area) {
    size_t n = strlen(opt->area);
    if (strncmp(key, opt->area, n) != 0 || key[n] != '.')
      return false;
  }
  for (size_t i = 0; i < opt->nindicators; i++)
    if (strcmp(key, opt->indicators[i]) == 0)
      return true;
  return opt->nindicators == 0;
}

/* The cell of plan `p` for `key` into *out: its targets' plain forms,
 * each once, joined with "; "; NULL when it has none.  False when out of
 * memory. */
static bool cell_of(const plan *p, const char *key, char **out) {
  strbuf sb = STRBUF_INIT;
  for (size_t k = 0; k < p->ntargets; k++) {
    const plan_target *t = &p->targets[k];
    if (strcmp(t->indicator, key) != 0)
      continue;
    bool dup = false;
    for (const char *s = sb.buf; *s && !dup;) {
      const char *e = strstr(s, "; ");
      size_t l = e ? (size_t)(e - s) : strlen(s);
      dup = l == strlen(t->plain) && strncmp(s, t->plain, l) == 0;
      s += l + (e ? 2 : 0);
    }
    if (dup)
      continue;
    if (sb.len)
      strbuf_addstr(&sb, "; ");
    strbuf_addstr(&sb, t->plain);
  }
  if (sb.len == 0 && !sb.failed) {
    *out = NULL;
    return true;
  }
  *out = strbuf_detach(&sb, NULL);
  return *out != NULL;
}

cchc_status cchc_compare_new(const cchc_frame *const *frames, size_t n,
                             const cchc_compare_options *options,
                             cchc_compare **out, cchc_error *err) {
  cchc_status st = CCHC_ERR_NOMEM;
  cchc_compare *c = calloc(1, sizeof *c);
  if (!c || !(c->plans = calloc(n ? n : 1, sizeof *c->plans)))
    goto fail;
  size_t total = 0;
  for (; c->n < n; c->n++) {
    char which[32];
    snprintf(which, sizeof which, "frame %zu", c->n + 1);
    if ((st = plan_init(&c->plans[c->n], frames[c->n], which, err)) !=
        CCHC_OK)
      goto fail;
    total += c->plans[c->n].ntargets;
  }
  st = CCHC_ERR_NOMEM;
  c->order = calloc(n ? n : 1, sizeof *c->order);
  c->keys = calloc(total ? total : 1, sizeof *c->keys);
  if (!c->order || !c->keys)
    goto fail;

  /* Parents first, then the rest, each in input order. */
  size_t col = 0;
  for (int pass = 0; pass < 2; pass++)
    for (size_t i = 0; i < n; i++) {
      const char *number = plan_doc(&c->plans[i], CCHC_DOC_NUMBER);
      bool is_parent = false;
      for (size_t j = 0; j < n && number; j++)
        if (j != i && cchc_frame_carries_out(frames[j], number))
          is_parent = true;
      if (is_parent == (pass == 0))
        c->order[col++] = i;
    }

  for (size_t i = 0; i < n; i++)
    for (size_t k = 0; k < c->plans[i].ntargets; k++)
      if (wanted(options, c->plans[i].targets[k].indicator))
        c->keys[c->nkeys++] = c->plans[i].targets[k].indicator;
  if (c->nkeys)
    qsort(c->keys, c->nkeys, sizeof *c->keys, cmp_str);
  size_t u = 0;
  for (size_t i = 0; i < c->nkeys; i++)
    if (u == 0 || strcmp(c->keys[u - 1], c->keys[i]) != 0)
      c->keys[u++] = c->keys[i];
  c->nkeys = u;

  if (!(c->cells = calloc(c->nkeys * n + 1, sizeof *c->cells)))
    goto fail;
  for (size_t r = 0; r < c->nkeys; r++)
    for (size_t cl = 0; cl < n; cl++) {
      if (!cell_of(&c->plans[c->order[cl]], c->keys[r],
                   &c->cells[r * n + cl]))
        goto fail;
    }
  *out = c;
  return CCHC_OK;
fail:
  cchc_compare_free(c);
  return st == CCHC_ERR_NOMEM ? cchc_fail(err, st, "out of memory") : st;
}

size_t cchc_compare_rows(const cchc_compare *c) { return c->nkeys; }
size_t cchc_compare_columns(const cchc_compare *c) { return c->n; }
const char *cchc_compare_indicator(const cchc_compare *c, size_t row) {
  return row < c->nkeys ? c->keys[row] : NULL;
}
const char *cchc_compare_label(const cchc_compare *c, size_t col) {
  return col < c->n ? c->plans[c->order[col]].label : NULL;
}
size_t cchc_compare_input(const cchc_compare *c, size_t col) {
  return col < c->n ? c->order[col] : (size_t)-1;
}
const char *cchc_compare_cell(const cchc_compare *c, size_t row, size_t col) {
  return row < c->nkeys && col < c->n ? c->cells[row * c->n + col] : NULL;
}

/* ------------------------------------------------------------------ */
/* Output                                                              */

/* The plans, in JSON only: who each column is. */
static void walk_plans(const cchc_compare *c, out_writer *o) {
  static const struct {
    const char *name;
    cchc_doc_field field;
  } fields[] = {{"level", CCHC_DOC_LEVEL},   {"place", CCHC_DOC_PLACE},
                {"province", CCHC_DOC_PROVINCE}, {"year", CCHC_DOC_YEAR},
                {"number", CCHC_DOC_NUMBER}, {"date", CCHC_DOC_DATE},
                {"parent", CCHC_DOC_PARENT_NUMBER}};
  out_begin_array(o, "plans");
  for (size_t cl = 0; cl < c->n; cl++) {
    const plan *p = &c->plans[c->order[cl]];
    out_begin_object(o, NULL);
    out_string(o, OUT_JSON, "label", p->label);
    for (size_t k = 0; k < sizeof fields / sizeof *fields; k++) {
      const char *v = plan_doc(p, fields[k].field);
      if (fields[k].field == CCHC_DOC_YEAR && v)
        out_integer(o, OUT_JSON, fields[k].name, strtoll(v, NULL, 10));
      else
        out_string(o, OUT_JSON, fields[k].name, v);
    }
    out_string(o, OUT_JSON, "path", cchc_frame_path(p->frame));
    out_end_object(o);
  }
  out_end_array(o);
}

static cchc_status walk(const cchc_compare *c, out_writer *o, cchc_error *err) {
  out_column *cols = calloc(c->n + 1, sizeof *cols);
  if (!cols)
    return cchc_fail(err, CCHC_ERR_NOMEM, "out of memory");
  cols[0].title = "indicator";
  for (size_t cl = 0; cl < c->n; cl++)
    cols[cl + 1] = (out_column){.title = cchc_compare_label(c, cl), .gap = 2};
  out_table rows = {.table = cols, .ntable = c->n + 1, .rule = true,
                    .csv = cols, .ncsv = c->n + 1};
  out_begin_object(o, NULL);
  out_string(o, OUT_JSON, "schema", "cchc-compare/1");
  walk_plans(c, o);
  out_begin_table(o, "rows", &rows);
  for (size_t r = 0; r < c->nkeys; r++) {
    out_begin_object(o, NULL);
    out_string(o, OUT_ALL, "indicator", c->keys[r]);
    out_begin_array(o, "cells");
    for (size_t cl = 0; cl < c->n; cl++)
      out_string(o, OUT_ALL, NULL, c->cells[r * c->n + cl]);
    out_end_array(o);
    out_end_object(o);
  }
  out_end_table(o);
  out_end_object(o);
  free(cols);
  return CCHC_OK;
}

cchc_status cchc_compare_render(const cchc_compare *c,
                                cchc_report_format format, char **res,
                                size_t *len, cchc_error *err) {
  out_writer *o = out_new(format);
  if (!o)
    return cchc_fail(err, CCHC_ERR_NOMEM, "out of memory");
  cchc_status st = walk(c, o, err);
  char *text = NULL;
  size_t n = 0;
  cchc_status fst = out_finish(o, &text, &n, err);
  if (st == CCHC_OK)
    st = fst;
  if (st != CCHC_OK) {
    free(text);
    return st;
  }
  *res = text;
  if (len)
    *len = n;
  return CCHC_OK;
}
