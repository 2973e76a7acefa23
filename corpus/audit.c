/* audit.c: plans checked against the plan they carry out (cchc_audit_*),
 * and the one walk of the findings that every output format shares
 * (emit/out.h).
 *
 * Each plan is seen through plan.h (label, comparable targets) plus its
 * dated tasks, keyed by cchc_match_key of the text before the deadline. */
#include "plan.h"
#include "../emit/out.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A task with a deadline that ends on a day. */
typedef struct dated_task {
  char *key;
  const cchc_frame_task *item;
  const char *due; /* YYYY-MM-DD */
} dated_task;

typedef struct audited {
  plan plan;
  dated_task *tasks;
  size_t ntasks;
} audited;

struct cchc_audit {
  audited parent;
  audited *plans;
  size_t n;
  cchc_finding *f;
  size_t nf, cap;
};

static bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
         c == '\v';
}

/* The key of a task: the text before its deadline phrase (else before "("),
 * folded with cchc_match_key and trimmed.  NULL with *st OK when empty. */
static char *task_key(const char *text, const char *dtext, cchc_status *st,
                      cchc_error *err) {
  *st = CCHC_OK;
  size_t n = strlen(text);
  const char *cut = dtext && *dtext ? strstr(text, dtext) : NULL;
  if (!cut)
    cut = strchr(text, '(');
  if (cut)
    n = (size_t)(cut - text);
  char *k = cchc_match_key(text, n, err);
  if (!k) {
    *st = err && err->code != CCHC_OK ? err->code : CCHC_ERR_NOMEM;
    return NULL;
  }
  size_t m = strlen(k);
  while (m > 0 && (is_space(k[m - 1]) || k[m - 1] == ',' || k[m - 1] == ';' ||
                   k[m - 1] == ':' || k[m - 1] == '-' || k[m - 1] == '.'))
    k[--m] = '\0';
  if (m == 0) {
    free(k);
    return NULL;
  }
  return k;
}

static void audited_release(audited *a) {
  for (size_t i = 0; i < a->ntasks; i++)
    free(a->tasks[i].key);
  free(a->tasks);
  plan_release(&a->plan);
  memset(a, 0, sizeof *a);
}

static cchc_status audited_init(audited *a, const cchc_frame *f,
                                const char *which, cchc_error *err) {
  memset(a, 0, sizeof *a);
  cchc_status st = plan_init(&a->plan, f, which, err);
  if (st != CCHC_OK)
    return st;
  size_t nk = cchc_frame_tasks(f);
  if (!(a->tasks = calloc(nk ? nk : 1, sizeof *a->tasks))) {
    audited_release(a);
    return cchc_fail(err, CCHC_ERR_NOMEM, "out of memory");
  }
  for (size_t i = 0; i < nk; i++) {
    const cchc_frame_task *k = cchc_frame_task_at(f, i);
    const cchc_frame_deadline *d =
        cchc_frame_deadline_at(f, cchc_frame_task_deadline(k));
    const char *text = cchc_frame_task_text(k);
    const char *due = d ? cchc_frame_deadline_end(d) : NULL;
    if (!text || !due)
      continue;
    char *key = task_key(text, cchc_frame_deadline_text(d), &st, err);
    if (st != CCHC_OK) {
      audited_release(a);
      return st;
    }
    if (key)
      a->tasks[a->ntasks++] = (dated_task){key, k, due};
  }
  return CCHC_OK;
}

const char *cchc_finding_kind_name(cchc_finding_kind kind) {
  switch (kind) {
  case CCHC_FINDING_LOWER: return "lower";
  case CCHC_FINDING_MISSING: return "missing";
  case CCHC_FINDING_LATER: return "later";
  case CCHC_FINDING_INCONSISTENT: return "inconsistent";
  case CCHC_FINDING_UNMATCHED: return "unmatched";
  }
  return "?";
}

void cchc_audit_free(cchc_audit *a) {
  if (!a)
    return;
  audited_release(&a->parent);
  for (size_t i = 0; a->plans && i < a->n; i++)
    audited_release(&a->plans[i]);
  free(a->plans);
  free(a->f);
  free(a);
}

static cchc_finding *add(cchc_audit *a, cchc_finding_kind kind,
                         const char *key) {
  cchc_finding *grown = cchc_grow(a->f, &a->cap, a->nf, sizeof *grown);
  if (!grown)
    return NULL;
  a->f = grown;
  cchc_finding *f = &a->f[a->nf++];
  memset(f, 0, sizeof *f);
  f->kind = kind;
  f->key = key;
  return f;
}

static void side_of(cchc_finding_side *s, const plan *p) {
  s->plan = p->label;
  s->path = cchc_frame_path(p->frame);
}

static void side_target(cchc_finding_side *s, const plan *p,
                        const plan_target *t) {
  side_of(s, p);
  if (!t)
    return;
  cchc_span sp = cchc_frame_target_span(t->item);
  s->value = t->plain;
  s->text = cchc_frame_target_text(t->item);
  s->has_span = true;
  s->start = sp.start;
  s->end = sp.end;
}

static void side_task(cchc_finding_side *s, const plan *p,
                      const dated_task *t) {
  cchc_span sp = cchc_frame_task_span(t->item);
  side_of(s, p);
  s->value = t->due;
  s->text = cchc_frame_task_text(t->item);
  s->has_span = true;
  s->start = sp.start;
  s->end = sp.end;
}

/* The target of `ts` (n of them) whose subject is most similar to `want`'s,
 * at least CCHC_SUBJECT_SIMILAR (ties: the first), or NULL; *sim gets its
 * similarity. */
static const plan_target *most_similar(const plan_target *want,
                                       const plan_target *ts, size_t n,
                                       const plan_target *best, double *sim) {
  for (size_t k = 0; k < n; k++) {
    double s = subject_similarity(&want->subject, &ts[k].subject);
    if (s >= CCHC_SUBJECT_SIMILAR && s > *sim) {
      best = &ts[k];
      *sim = s;
    }
  }
  return best;
}

/* A parent target `pt` that no plan target matches by indicator: looked
 * up by subject, among the plan's unclassified targets, and among the
 * others too when `pt` has no indicator itself.  `unmatched` with the
 * candidate, else `missing`. */
static bool by_subject(cchc_audit *a, const plan *par, const plan *p,
                       const plan_target *pt) {
  double sim = 0;
  const plan_target *cand =
      most_similar(pt, p->unclassified, p->nunclassified, NULL, &sim);
  if (!pt->indicator)
    cand = most_similar(pt, p->targets, p->ntargets, cand, &sim);
  cchc_finding *f = add(a, cand ? CCHC_FINDING_UNMATCHED
                                : CCHC_FINDING_MISSING, pt->indicator);
  if (!f)
    return false;
  side_target(&f->parent, par, pt);
  side_target(&f->plan, p, cand);
  if (cand) {
    f->similarity = sim;
    f->lower = cchc_target_lower(&cand->t, &pt->t);
  }
  return true;
}

static bool audit_plan(cchc_audit *a, const audited *au) {
  const plan *par = &a->parent.plan, *p = &au->plan;
  /* lower, then missing or unmatched */
  for (int pass = 0; pass < 2; pass++)
    for (size_t i = 0; i < par->ntargets; i++) {
      const plan_target *pt = &par->targets[i];
      const plan_target *first = NULL;
      bool all_lower = true;
      for (size_t k = 0; k < p->ntargets; k++) {
        const plan_target *t = &p->targets[k];
        if (strcmp(t->indicator, pt->indicator) != 0)
          continue;
        if (!first)
          first = t;
        if (!cchc_target_lower(&t->t, &pt->t))
          all_lower = false;
      }
      if (pass == 1 && !first) {
        if (!by_subject(a, par, p, pt))
          return false;
        continue;
      }
      if (pass == 1 || !first || !all_lower)
        continue;
      cchc_finding *f = add(a, CCHC_FINDING_LOWER, pt->indicator);
      if (!f)
        return false;
      side_target(&f->parent, par, pt);
      side_target(&f->plan, p, first);
    }
  for (size_t i = 0; i < par->nunclassified; i++)
    if (!by_subject(a, par, p, &par->unclassified[i]))
      return false;
  /* later */
  for (size_t i = 0; i < a->parent.ntasks; i++)
    for (size_t k = 0; k < au->ntasks; k++) {
      const dated_task *pt = &a->parent.tasks[i], *t = &au->tasks[k];
      if (strcmp(pt->key, t->key) != 0 || strcmp(t->due, pt->due) <= 0)
        continue;
      cchc_finding *f = add(a, CCHC_FINDING_LATER, pt->key);
      if (!f)
        return false;
      side_task(&f->parent, par, pt);
      side_task(&f->plan, p, t);
    }
  /* inconsistent: both sides are the plan's own statements */
  for (size_t i = 0; i < cchc_frame_inconsistencies(p->frame); i++) {
    const cchc_frame_inconsistency *x =
        cchc_frame_inconsistency_at(p->frame, i);
    const plan_target *t1 = plan_target_of(
        p, cchc_frame_target_at(p->frame, cchc_frame_inconsistency_first(x)));
    const plan_target *t2 = plan_target_of(
        p, cchc_frame_target_at(p->frame, cchc_frame_inconsistency_second(x)));
    const char *key = cchc_frame_inconsistency_indicator(x);
    cchc_finding *f = add(a, CCHC_FINDING_INCONSISTENT,
                          key ? key : t1 ? t1->indicator : NULL);
    if (!f)
      return false;
    side_target(&f->parent, p, t1);
    side_target(&f->plan, p, t2);
  }
  return true;
}

cchc_status cchc_audit_new(const cchc_frame *parent,
                           const cchc_frame *const *plans, size_t n,
                           cchc_audit **out, cchc_error *err) {
  cchc_audit *a = calloc(1, sizeof *a);
  if (!a || !(a->plans = calloc(n ? n : 1, sizeof *a->plans))) {
    free(a);
    return cchc_fail(err, CCHC_ERR_NOMEM, "out of memory");
  }
  cchc_status st = audited_init(&a->parent, parent, "parent", err);
  for (; st == CCHC_OK && a->n < n; a->n++) {
    char which[32];
    snprintf(which, sizeof which, "plan %zu", a->n + 1);
    st = audited_init(&a->plans[a->n], plans[a->n], which, err);
  }
  for (size_t i = 0; st == CCHC_OK && i < n; i++)
    if (!audit_plan(a, &a->plans[i]))
      st = cchc_fail(err, CCHC_ERR_NOMEM, "out of memory");
  if (st != CCHC_OK) {
    cchc_audit_free(a);
    return st;
  }
  *out = a;
  return CCHC_OK;
}

size_t cchc_audit_count(const cchc_audit *a) { return a->nf; }
const cchc_finding *cchc_audit_finding(const cchc_audit *a, size_t i) {
  return i < a->nf ? &a->f[i] : NULL;
}

/* A similarity as shown: two decimals. */
static double two_decimals(double v) { return round(v * 100) / 100; }

size_t cchc_finding_note(const cchc_finding *f, char *buf, size_t size) {
  const char *by_key = f->key ? "no target with this indicator; " : "";
  int n = 0;
  if (f->kind == CCHC_FINDING_MISSING)
    n = snprintf(buf, size,
                 "%sno target %swhose subject is similar (word overlap >= "
                 "%.2g)",
                 by_key, f->key ? "without an indicator " : "",
                 CCHC_SUBJECT_SIMILAR);
  else if (f->kind == CCHC_FINDING_UNMATCHED)
    n = snprintf(buf, size,
                 "%sthis target%s has a similar subject (word overlap %.2f) "
                 "and %s",
                 by_key, f->key ? " without one" : "",
                 two_decimals(f->similarity),
                 f->lower ? "a lower value" : "a value not lower");
  else if (size)
    buf[0] = '\0';
  return n < 0 ? 0 : (size_t)n;
}

/* ------------------------------------------------------------------ */
/* Output                                                              */

static const out_column table_columns[] = {
    {.title = "kind"},
    {.title = "key", .gap = 2},
    {.title = "plan", .gap = 2},
    {.title = "value", .gap = 2},
    {.title = "parent", .gap = 2},
    {.title = "parent value", .gap = 2},
    {.title = "spans", .gap = 2},
};

static const out_column csv_columns[] = {
    {.title = "kind"},         {.title = "key"},
    {.title = "plan"},         {.title = "plan_value"},
    {.title = "plan_start"},   {.title = "plan_end"},
    {.title = "plan_text"},    {.title = "parent"},
    {.title = "parent_value"}, {.title = "parent_start"},
    {.title = "parent_end"},   {.title = "parent_text"},
    {.title = "plan_path"},    {.title = "parent_path"},
    {.title = "similarity"},   {.title = "lower"},
};

static const out_table findings_table = {
    .table = table_columns,
    .ntable = sizeof table_columns / sizeof *table_columns,
    .rule = true,
    .csv = csv_columns,
    .ncsv = sizeof csv_columns / sizeof *csv_columns,
};

/* One side: JSON {plan, path, value, text, span}; CSV plan, value, start,
 * end, text; the table plan and value. */
static void walk_side(out_writer *o, const char *name,
                      const cchc_finding_side *s) {
  out_begin_object(o, name);
  out_string(o, OUT_ALL, "plan", s->plan);
  out_string(o, OUT_JSON, "path", s->path);
  out_string(o, OUT_ALL, "value", s->value);
  if (s->has_span) {
    out_integer(o, OUT_CSV, "start", (long long)s->start);
    out_integer(o, OUT_CSV, "end", (long long)s->end);
  } else {
    out_null(o, OUT_CSV, "start");
    out_null(o, OUT_CSV, "end");
  }
  out_string(o, OUT_JSON | OUT_CSV, "text", s->text);
  if (s->has_span) {
    out_begin_array(o, "span");
    out_integer(o, OUT_JSON, NULL, (long long)s->start);
    out_integer(o, OUT_JSON, NULL, (long long)s->end);
    out_end_array(o);
  } else {
    out_null(o, OUT_JSON, "span");
  }
  out_end_object(o);
}

/* The key the table shows: "(unclassified)" for a parent target without
 * an indicator. */
static const char *shown_key(const cchc_finding *f) {
  bool by_target = f->kind == CCHC_FINDING_MISSING ||
                   f->kind == CCHC_FINDING_UNMATCHED;
  return f->key || !by_target ? f->key : "(unclassified)";
}


static void span_text(char *buf, size_t size, const cchc_finding_side *s) {
  if (s->has_span)
    snprintf(buf, size, "%zu-%zu", s->start, s->end);
  else
    snprintf(buf, size, "-");
}

static void walk(const cchc_audit *a, out_writer *o) {
  out_begin_object(o, NULL);
  out_string(o, OUT_JSON, "schema", "cchc-audit/1");
  out_begin_object(o, "parent");
  out_string(o, OUT_JSON, "label", a->parent.plan.label);
  out_string(o, OUT_JSON, "number", plan_doc(&a->parent.plan, CCHC_DOC_NUMBER));
  out_string(o, OUT_JSON, "path", cchc_frame_path(a->parent.plan.frame));
  out_end_object(o);
  out_begin_table(o, "findings", &findings_table);
  for (size_t i = 0; i < a->nf; i++) {
    const cchc_finding *f = &a->f[i];
    char ps[48], qs[48], spans[100];
    span_text(ps, sizeof ps, &f->plan);
    span_text(qs, sizeof qs, &f->parent);
    snprintf(spans, sizeof spans, "%s / %s", ps, qs);
    bool unmatched = f->kind == CCHC_FINDING_UNMATCHED;
    out_begin_object(o, NULL);
    out_string(o, OUT_ALL, "kind", cchc_finding_kind_name(f->kind));
    out_string(o, OUT_TABLE, "key", shown_key(f));
    out_string(o, OUT_CSV | OUT_JSON, "key", f->key);
    walk_side(o, "plan", &f->plan);
    walk_side(o, "parent", &f->parent);
    out_string(o, OUT_TABLE, "spans", spans);
    out_string(o, OUT_CSV, "plan_path", f->plan.path);
    out_string(o, OUT_CSV, "parent_path", f->parent.path);
    if (unmatched) {
      out_real(o, OUT_CSV | OUT_JSON, "similarity",
               two_decimals(f->similarity));
      out_boolean(o, OUT_CSV | OUT_JSON, "lower", f->lower);
    } else {
      out_null(o, OUT_CSV, "similarity");
      out_null(o, OUT_CSV, "lower");
    }
    out_end_object(o);
  }
  out_end_table(o);
  /* The table format quotes the evidence under the table. */
  for (size_t i = 0; i < a->nf; i++) {
    const cchc_finding *f = &a->f[i];
    const char *key = shown_key(f);
    out_text(o, "\n%zu. %s %s\n", i + 1, cchc_finding_kind_name(f->kind),
             key ? key : "-");
    char note[256];
    if (cchc_finding_note(f, note, sizeof note) > 0)
      out_text(o, "   %s: %s:\n", f->plan.plan, note);
    if (f->plan.text)
      out_text(o, "   %s: \"%s\"\n", f->plan.plan, f->plan.text);
    if (f->parent.text)
      out_text(o, "   %s: \"%s\"\n", f->parent.plan, f->parent.text);
  }
  out_end_object(o);
}

cchc_status cchc_audit_render(const cchc_audit *a, cchc_report_format format,
                              char **res, size_t *len, cchc_error *err) {
  out_writer *o = out_new(format);
  if (!o)
    return cchc_fail(err, CCHC_ERR_NOMEM, "out of memory");
  walk(a, o);
  return out_finish(o, res, len, err);
}
