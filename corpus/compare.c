/* compare.c: plans side by side, one row per indicator key, then one row
 * per subject of the targets that have no indicator, one column per plan
 * (cchc_compare_*), and the one walk of the matrix that every output format
 * shares (emit/out.h). */
#include "plan.h"
#include "../common/strbuf.h"
#include "../emit/out.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NO_GROUP ((size_t)-1)

struct cchc_compare {
  plan *plans;   /* in input order */
  size_t n;
  size_t *order; /* column -> input index */
  const char **keys;
  size_t nkeys;
  /* Rows of targets without an indicator: the first target of each, and
   * for each plan (input order) the row of each unclassified target,
   * nkeys + group, or NO_GROUP when filtered out. */
  const plan_target **groups;
  size_t ngroups;
  size_t **row_of;
  char **cells; /* (nkeys + ngroups) x n, by column */
};

void cchc_compare_free(cchc_compare *c) {
  if (!c)
    return;
  if (c->cells)
    for (size_t i = 0; i < (c->nkeys + c->ngroups) * c->n; i++)
      free(c->cells[i]);
  free(c->cells);
  free(c->keys);
  free(c->groups);
  for (size_t i = 0; c->row_of && i < c->n; i++)
    free(c->row_of[i]);
  free(c->row_of);
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

/* A target without an indicator is shown unless indicators are asked for
 * by key, or its area is not the one asked for. */
static bool unclassified_wanted(const cchc_compare_options *opt,
                                const plan_target *t) {
  if (!opt)
    return true;
  const char *area = cchc_frame_target_area(t->item);
  return opt->nindicators == 0 &&
         (!opt->area || !*opt->area || (area && strcmp(area, opt->area) == 0));
}

/* The i-th target of plan `pi` in row `row` (NULL past the last); *count
 * (may be NULL) gets how many it holds. */
static const plan_target *row_target(const cchc_compare *c, size_t row,
                                     size_t pi, size_t i, size_t *count) {
  const plan *p = &c->plans[pi];
  const plan_target *found = NULL;
  size_t k = 0;
  if (row < c->nkeys) {
    for (size_t t = 0; t < p->ntargets; t++)
      if (strcmp(p->targets[t].indicator, c->keys[row]) == 0 && k++ == i)
        found = &p->targets[t];
  } else {
    for (size_t t = 0; t < p->nunclassified; t++)
      if (c->row_of[pi][t] == row && k++ == i)
        found = &p->unclassified[t];
  }
  if (count)
    *count = k;
  return found;
}

/* The cell of plan `pi` in `row` into *out: its targets' plain forms, each
 * once, joined with "; "; NULL when it has none.  False when out of
 * memory. */
static bool cell_of(const cchc_compare *c, size_t row, size_t pi, char **out) {
  strbuf sb = STRBUF_INIT;
  const plan_target *t;
  for (size_t k = 0; (t = row_target(c, row, pi, k, NULL)); k++) {
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

/* May target `u` of plan `pi` join group `g`?  One plan states a target
 * once, or again in the same words (body and appendix): two targets of
 * one plan whose subjects differ are two targets, never one row. */
static bool may_join(const cchc_compare *c, size_t pi, const plan_target *u,
                     size_t g) {
  const plan *p = &c->plans[pi];
  for (size_t t = 0; t < p->nunclassified && &p->unclassified[t] != u; t++)
    if (c->row_of[pi][t] == c->nkeys + g &&
        subject_similarity(&p->unclassified[t].subject, &u->subject) < 1)
      return false;
  return true;
}

/* Rows for the targets without an indicator, in column order: each joins
 * the row whose first target's subject is most similar to its own
 * (SUBJECT_SIMILAR at least), else starts a row. */
static bool group_unclassified(cchc_compare *c,
                               const cchc_compare_options *opt) {
  size_t total = 0;
  if (!(c->row_of = calloc(c->n ? c->n : 1, sizeof *c->row_of)))
    return false;
  for (size_t i = 0; i < c->n; i++) {
    size_t m = c->plans[i].nunclassified;
    if (!(c->row_of[i] = malloc((m ? m : 1) * sizeof **c->row_of)))
      return false;
    total += m;
  }
  if (!(c->groups = calloc(total ? total : 1, sizeof *c->groups)))
    return false;
  for (size_t cl = 0; cl < c->n; cl++) {
    size_t pi = c->order[cl];
    const plan *p = &c->plans[pi];
    for (size_t t = 0; t < p->nunclassified; t++) {
      const plan_target *u = &p->unclassified[t];
      c->row_of[pi][t] = NO_GROUP;
      if (!unclassified_wanted(opt, u))
        continue;
      size_t best = NO_GROUP;
      double best_sim = 0;
      for (size_t g = 0; g < c->ngroups; g++) {
        double sim = subject_similarity(&c->groups[g]->subject, &u->subject);
        if (sim >= SUBJECT_SIMILAR && sim > best_sim &&
            may_join(c, pi, u, g)) {
          best = g;
          best_sim = sim;
        }
      }
      if (best == NO_GROUP) {
        best = c->ngroups++;
        c->groups[best] = u;
      }
      c->row_of[pi][t] = c->nkeys + best;
    }
  }
  return true;
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
  c->nkeys = sort_unique(c->keys, c->nkeys);
  if (!group_unclassified(c, options))
    goto fail;

  size_t rows = c->nkeys + c->ngroups;
  if (!(c->cells = calloc(rows * n + 1, sizeof *c->cells)))
    goto fail;
  for (size_t r = 0; r < rows; r++)
    for (size_t cl = 0; cl < n; cl++)
      if (!cell_of(c, r, c->order[cl], &c->cells[r * n + cl]))
        goto fail;
  *out = c;
  return CCHC_OK;
fail:
  cchc_compare_free(c);
  return st == CCHC_ERR_NOMEM ? cchc_fail(err, st, "out of memory") : st;
}

size_t cchc_compare_rows(const cchc_compare *c) {
  return c->nkeys + c->ngroups;
}
size_t cchc_compare_columns(const cchc_compare *c) { return c->n; }
const char *cchc_compare_indicator(const cchc_compare *c, size_t row) {
  return row < c->nkeys ? c->keys[row] : NULL;
}
const char *cchc_compare_subject(const cchc_compare *c, size_t row) {
  return row >= c->nkeys && row < c->nkeys + c->ngroups
             ? c->groups[row - c->nkeys]->subject.label
             : NULL;
}
const char *cchc_compare_label(const cchc_compare *c, size_t col) {
  return col < c->n ? c->plans[c->order[col]].label : NULL;
}
size_t cchc_compare_input(const cchc_compare *c, size_t col) {
  return col < c->n ? c->order[col] : (size_t)-1;
}
const char *cchc_compare_cell(const cchc_compare *c, size_t row, size_t col) {
  return row < cchc_compare_rows(c) && col < c->n ? c->cells[row * c->n + col]
                                                 : NULL;
}
size_t cchc_compare_cell_targets(const cchc_compare *c, size_t row,
                                 size_t col) {
  size_t count = 0;
  if (row < cchc_compare_rows(c) && col < c->n)
    row_target(c, row, c->order[col], 0, &count);
  return count;
}
const cchc_frame_target *cchc_compare_cell_target_at(const cchc_compare *c,
                                                     size_t row, size_t col,
                                                     size_t i) {
  const plan_target *t = row < cchc_compare_rows(c) && col < c->n
                             ? row_target(c, row, c->order[col], i, NULL)
                             : NULL;
  return t ? t->item : NULL;
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

/* The table's name of an unclassified row: "(unclassified) " and the
 * subject, cut after TABLE_SUBJECT code points with "…" (CSV and JSON
 * carry the whole subject).  NULL when out of memory. */
enum { TABLE_SUBJECT = 60 };
static char *table_subject(const char *text) {
  size_t i = 0, cps = 0;
  for (; text[i] && cps < TABLE_SUBJECT; i++)
    cps += ((unsigned char)text[i] & 0xC0) != 0x80;
  while (((unsigned char)text[i] & 0xC0) == 0x80)
    i++;
  strbuf sb = STRBUF_INIT;
  strbuf_addstr(&sb, "(unclassified) ");
  strbuf_add(&sb, text, i);
  if (text[i])
    strbuf_addstr(&sb, "\xE2\x80\xA6");
  return strbuf_detach(&sb, NULL);
}

/* JSON only: the targets of an unclassified row, with their column (two
 * plans may share a label), subject, area, text and span, since the row is
 * named after its first target only. */
static void walk_row_targets(const cchc_compare *c, out_writer *o, size_t r) {
  out_begin_array(o, "targets");
  for (size_t cl = 0; cl < c->n; cl++) {
    const plan_target *t;
    for (size_t k = 0; (t = row_target(c, r, c->order[cl], k, NULL)); k++) {
      cchc_span sp = cchc_frame_target_span(t->item);
      out_begin_object(o, NULL);
      out_integer(o, OUT_JSON, "column", (long long)cl);
      out_string(o, OUT_JSON, "plan", c->plans[c->order[cl]].label);
      out_string(o, OUT_JSON, "subject", t->subject.label);
      out_string(o, OUT_JSON, "area", cchc_frame_target_area(t->item));
      out_string(o, OUT_JSON, "value", t->plain);
      out_string(o, OUT_JSON, "text", cchc_frame_target_text(t->item));
      out_begin_array(o, "span");
      out_integer(o, OUT_JSON, NULL, (long long)sp.start);
      out_integer(o, OUT_JSON, NULL, (long long)sp.end);
      out_end_array(o);
      out_end_object(o);
    }
  }
  out_end_array(o);
}

static cchc_status walk(const cchc_compare *c, out_writer *o, cchc_error *err) {
  /* The table: indicator (or the subject), then the plans; CSV:
   * indicator, subject, then the plans. */
  out_column *table = calloc(c->n + 1, sizeof *table);
  out_column *csv = calloc(c->n + 2, sizeof *csv);
  if (!table || !csv) {
    free(table);
    free(csv);
    return cchc_fail(err, CCHC_ERR_NOMEM, "out of memory");
  }
  table[0].title = csv[0].title = "indicator";
  csv[1].title = "subject";
  for (size_t cl = 0; cl < c->n; cl++)
    table[cl + 1] = csv[cl + 2] =
        (out_column){.title = cchc_compare_label(c, cl), .gap = 2};
  out_table rows = {.table = table, .ntable = c->n + 1, .rule = true,
                    .csv = csv, .ncsv = c->n + 2};
  bool nomem = false;
  out_begin_object(o, NULL);
  out_string(o, OUT_JSON, "schema", "cchc-compare/1");
  walk_plans(c, o);
  out_begin_table(o, "rows", &rows);
  for (size_t r = 0; r < cchc_compare_rows(c); r++) {
    const char *subj = cchc_compare_subject(c, r);
    char *name = subj ? table_subject(subj) : NULL;
    nomem |= subj && !name;
    out_begin_object(o, NULL);
    out_string(o, OUT_TABLE, "indicator",
               subj ? name : cchc_compare_indicator(c, r));
    out_string(o, OUT_CSV | OUT_JSON, "indicator",
               cchc_compare_indicator(c, r));
    out_string(o, OUT_CSV | OUT_JSON, "subject", subj);
    out_begin_array(o, "cells");
    for (size_t cl = 0; cl < c->n; cl++)
      out_string(o, OUT_ALL, NULL, c->cells[r * c->n + cl]);
    out_end_array(o);
    if (subj)
      walk_row_targets(c, o, r);
    out_end_object(o);
    free(name);
  }
  out_end_table(o);
  out_end_object(o);
  free(table);
  free(csv);
  return nomem ? cchc_fail(err, CCHC_ERR_NOMEM, "out of memory") : CCHC_OK;
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
