/* audit.c: plans checked against the plan they carry out: kept in memory
 * (cchc_audit_new) or written as they are checked, one plan at a time
 * (cchc_audit_write, plans from frames or from the store's tables); and
 * the one walk of the findings that every output format shares
 * (emit/out.h).
 *
 * Each plan is seen through plan.h (label, comparable targets) plus its
 * dated tasks, keyed by cchc_match_key of the text before the deadline,
 * and its inconsistencies.  Findings are made plan by plan and handed to
 * a callback: kept, or walked at once. */
#include "plan.h"
#include "../emit/out.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A task with a deadline that ends on a day. */
typedef struct dated_task {
  char *key;
  const char *text;
  cchc_span span;
  const char *due; /* YYYY-MM-DD */
} dated_task;

/* An inconsistency: the keys of its two targets (plan_target.key). */
typedef struct clash {
  const char *indicator;
  int64_t first, second;
} clash;

typedef struct audited {
  plan plan;
  dated_task *tasks;
  size_t ntasks, captasks;
  clash *clashes;
  size_t nclashes, capclashes;
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
  free(a->clashes);
  plan_release(&a->plan);
  memset(a, 0, sizeof *a);
}

/* Add the task `text` due on `due` (its deadline written `dtext`), when it
 * has both and a key. */
static cchc_status add_task(audited *a, const char *text, cchc_span span,
                            const char *due, const char *dtext,
                            cchc_error *err) {
  if (!text || !due)
    return CCHC_OK;
  cchc_status st;
  char *key = task_key(text, dtext, &st, err);
  if (!key)
    return st;
  dated_task *grown = cchc_grow(a->tasks, &a->captasks, a->ntasks,
                                sizeof *grown);
  if (!grown) {
    free(key);
    return cchc_fail(err, CCHC_ERR_NOMEM, "out of memory");
  }
  a->tasks = grown;
  a->tasks[a->ntasks++] = (dated_task){key, text, span, due};
  return CCHC_OK;
}

static cchc_status add_clash(audited *a, const char *indicator,
                             int64_t first, int64_t second,
                             cchc_error *err) {
  clash *grown = cchc_grow(a->clashes, &a->capclashes, a->nclashes,
                           sizeof *grown);
  if (!grown)
    return cchc_fail(err, CCHC_ERR_NOMEM, "out of memory");
  a->clashes = grown;
  a->clashes[a->nclashes++] = (clash){indicator, first, second};
  return CCHC_OK;
}

static cchc_status audited_init(audited *a, const cchc_frame *f,
                                const char *which, cchc_error *err) {
  memset(a, 0, sizeof *a);
  cchc_status st = plan_init(&a->plan, f, which, err);
  for (size_t i = 0; st == CCHC_OK && i < cchc_frame_tasks(f); i++) {
    const cchc_frame_task *k = cchc_frame_task_at(f, i);
    const cchc_frame_deadline *d =
        cchc_frame_deadline_at(f, cchc_frame_task_deadline(k));
    st = add_task(a, cchc_frame_task_text(k), cchc_frame_task_span(k),
                  d ? cchc_frame_deadline_end(d) : NULL,
                  d ? cchc_frame_deadline_text(d) : NULL, err);
  }
  for (size_t i = 0; st == CCHC_OK && i < cchc_frame_inconsistencies(f);
       i++) {
    const cchc_frame_inconsistency *x = cchc_frame_inconsistency_at(f, i);
    st = add_clash(a, cchc_frame_inconsistency_indicator(x),
                   (int64_t)cchc_frame_inconsistency_first(x),
                   (int64_t)cchc_frame_inconsistency_second(x), err);
  }
  if (st != CCHC_OK)
    audited_release(a);
  return st;
}

/* Reading a stored plan's tasks and inconsistencies. */
typedef struct audited_reader {
  audited *a;
  cchc_status st;
  cchc_error *err;
} audited_reader;

static int read_task(void *ctx, const stored_task *t) {
  audited_reader *r = ctx;
  plan *p = &r->a->plan;
  if (!t->text || !t->due)
    return 0;
  bool failed = false;
  const char *text = plan_keep(p, t->text, &failed);
  const char *due = plan_keep(p, t->due, &failed);
  r->st = failed ? cchc_fail(r->err, CCHC_ERR_NOMEM, "out of memory")
                 : add_task(r->a, text, t->span, due, t->deadline_text,
                            r->err);
  return r->st != CCHC_OK;
}

static int read_clash(void *ctx, const stored_inconsistency *x) {
  audited_reader *r = ctx;
  bool failed = false;
  const char *indicator = plan_keep(&r->a->plan, x->indicator, &failed);
  r->st = failed ? cchc_fail(r->err, CCHC_ERR_NOMEM, "out of memory")
                 : add_clash(r->a, indicator, x->first, x->second, r->err);
  return r->st != CCHC_OK;
}

/* The stored plan `id`, as audited_init reads a frame. */
static cchc_status audited_stored(audited *a, cchc_store *store, int64_t id,
                                  subject_cache *subjects, cchc_error *err) {
  memset(a, 0, sizeof *a);
  audited_reader r = {a, CCHC_OK, err};
  cchc_status st = plan_stored(&a->plan, store, id, subjects, err);
  if (st == CCHC_OK)
    st = stored_each_task(store, id, read_task, &r, err);
  if (st == CCHC_OK && (st = r.st) == CCHC_OK)
    st = stored_each_inconsistency(store, id, read_clash, &r, err);
  if (st == CCHC_OK)
    st = r.st;
  if (st != CCHC_OK)
    audited_release(a);
  return st;
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

/* Findings go to a callback as they are made: kept (cchc_audit_new) or
 * written (cchc_audit_write).  Their strings are the plans'. */
typedef cchc_status (*finding_fn)(void *ctx, const cchc_finding *f,
                                  cchc_error *err);

typedef struct finder {
  const audited *parent;
  finding_fn fn;
  void *ctx;
  cchc_error *err;
} finder;

static cchc_finding finding(cchc_finding_kind kind, const char *key) {
  cchc_finding f;
  memset(&f, 0, sizeof f);
  f.kind = kind;
  f.key = key;
  return f;
}

static void side_of(cchc_finding_side *s, const plan *p) {
  s->plan = p->label;
  s->path = p->path;
}

static void side_target(cchc_finding_side *s, const plan *p,
                        const plan_target *t) {
  side_of(s, p);
  if (!t)
    return;
  s->value = t->plain;
  s->text = t->text;
  s->has_span = true;
  s->start = t->span.start;
  s->end = t->span.end;
}

static void side_task(cchc_finding_side *s, const plan *p,
                      const dated_task *t) {
  side_of(s, p);
  s->value = t->due;
  s->text = t->text;
  s->has_span = true;
  s->start = t->span.start;
  s->end = t->span.end;
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
static cchc_status by_subject(const finder *fd, const plan *p,
                              const plan_target *pt) {
  double sim = 0;
  const plan_target *cand =
      most_similar(pt, p->unclassified, p->nunclassified, NULL, &sim);
  if (!pt->indicator)
    cand = most_similar(pt, p->targets, p->ntargets, cand, &sim);
  cchc_finding f = finding(cand ? CCHC_FINDING_UNMATCHED
                                : CCHC_FINDING_MISSING, pt->indicator);
  side_target(&f.parent, &fd->parent->plan, pt);
  side_target(&f.plan, p, cand);
  if (cand) {
    f.similarity = sim;
    f.lower = cchc_target_lower(&cand->t, &pt->t);
  }
  return fd->fn(fd->ctx, &f, fd->err);
}

static cchc_status audit_plan(const finder *fd, const audited *au) {
  const plan *par = &fd->parent->plan, *p = &au->plan;
  cchc_status st = CCHC_OK;
  /* lower, then missing or unmatched */
  for (int pass = 0; pass < 2; pass++)
    for (size_t i = 0; st == CCHC_OK && i < par->ntargets; i++) {
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
        st = by_subject(fd, p, pt);
        continue;
      }
      if (pass == 1 || !first || !all_lower)
        continue;
      cchc_finding f = finding(CCHC_FINDING_LOWER, pt->indicator);
      side_target(&f.parent, par, pt);
      side_target(&f.plan, p, first);
      st = fd->fn(fd->ctx, &f, fd->err);
    }
  for (size_t i = 0; st == CCHC_OK && i < par->nunclassified; i++)
    st = by_subject(fd, p, &par->unclassified[i]);
  /* later */
  const audited *pa = fd->parent;
  for (size_t i = 0; st == CCHC_OK && i < pa->ntasks; i++)
    for (size_t k = 0; st == CCHC_OK && k < au->ntasks; k++) {
      const dated_task *pt = &pa->tasks[i], *t = &au->tasks[k];
      if (strcmp(pt->key, t->key) != 0 || strcmp(t->due, pt->due) <= 0)
        continue;
      cchc_finding f = finding(CCHC_FINDING_LATER, pt->key);
      side_task(&f.parent, par, pt);
      side_task(&f.plan, p, t);
      st = fd->fn(fd->ctx, &f, fd->err);
    }
  /* inconsistent: both sides are the plan's own statements */
  for (size_t i = 0; st == CCHC_OK && i < au->nclashes; i++) {
    const clash *x = &au->clashes[i];
    const plan_target *t1 = plan_target_by_key(p, x->first);
    const plan_target *t2 = plan_target_by_key(p, x->second);
    cchc_finding f = finding(CCHC_FINDING_INCONSISTENT,
                             x->indicator ? x->indicator
                             : t1         ? t1->indicator
                                          : NULL);
    side_target(&f.parent, p, t1);
    side_target(&f.plan, p, t2);
    st = fd->fn(fd->ctx, &f, fd->err);
  }
  return st;
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

static cchc_status keep_finding(void *ctx, const cchc_finding *f,
                                cchc_error *err) {
  cchc_audit *a = ctx;
  cchc_finding *grown = cchc_grow(a->f, &a->cap, a->nf, sizeof *grown);
  if (!grown)
    return cchc_fail(err, CCHC_ERR_NOMEM, "out of memory");
  a->f = grown;
  a->f[a->nf++] = *f;
  return CCHC_OK;
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
  finder fd = {&a->parent, keep_finding, a, err};
  for (size_t i = 0; st == CCHC_OK && i < n; i++)
    st = audit_plan(&fd, &a->plans[i]);
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

/* A finding as a row of the table. */
static cchc_status walk_finding(void *ctx, const cchc_finding *f,
                                cchc_error *err) {
  out_writer *o = ctx;
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
  return CCHC_OK;
}

/* The evidence the table format quotes under the table, numbered. */
typedef struct evidence {
  out_writer *o;
  size_t n;
} evidence;

static cchc_status walk_evidence(void *ctx, const cchc_finding *f,
                                 cchc_error *err) {
  evidence *e = ctx;
  const char *key = shown_key(f);
  out_text(e->o, "\n%zu. %s %s\n", ++e->n, cchc_finding_kind_name(f->kind),
           key ? key : "-");
  char note[256];
  if (cchc_finding_note(f, note, sizeof note) > 0)
    out_text(e->o, "   %s: %s:\n", f->plan.plan, note);
  if (f->plan.text)
    out_text(e->o, "   %s: \"%s\"\n", f->plan.plan, f->plan.text);
  if (f->parent.text)
    out_text(e->o, "   %s: \"%s\"\n", f->parent.plan, f->parent.text);
  return CCHC_OK;
}

/* Every finding to `fn`, in order. */
typedef cchc_status (*each_finding_fn)(void *ctx, finding_fn fn,
                                       void *fn_ctx, cchc_error *err);

static cchc_status walk(const audited *parent, out_writer *o,
                        each_finding_fn each, void *each_ctx,
                        cchc_error *err) {
  out_begin_object(o, NULL);
  out_string(o, OUT_JSON, "schema", "cchc-audit/1");
  out_begin_object(o, "parent");
  out_string(o, OUT_JSON, "label", parent->plan.label);
  out_string(o, OUT_JSON, "number", plan_doc(&parent->plan, CCHC_DOC_NUMBER));
  out_string(o, OUT_JSON, "path", parent->plan.path);
  out_end_object(o);
  out_begin_table(o, "findings", &findings_table);
  cchc_status st = each(each_ctx, walk_finding, o, err);
  out_end_table(o);
  /* The table format quotes the evidence under the table. */
  evidence e = {o, 0};
  if (st == CCHC_OK && out_shows_text(o))
    st = each(each_ctx, walk_evidence, &e, err);
  out_end_object(o);
  return st;
}

static cchc_status kept_findings(void *ctx, finding_fn fn, void *fn_ctx,
                                 cchc_error *err) {
  const cchc_audit *a = ctx;
  cchc_status st = CCHC_OK;
  for (size_t i = 0; st == CCHC_OK && i < a->nf; i++)
    st = fn(fn_ctx, &a->f[i], err);
  return st;
}

static cchc_status walk_kept(void *ctx, out_writer *o, cchc_error *err) {
  const cchc_audit *a = ctx;
  return walk(&a->parent, o, kept_findings, (void *)a, err);
}

cchc_status cchc_audit_render(const cchc_audit *a, cchc_report_format format,
                              char **res, size_t *len, cchc_error *err) {
  return out_render(format, walk_kept, (void *)a, res, len, err);
}

/* ------------------------------------------------------------------ */
/* Written as made                                                     */

/* The plans of cchc_audit_write, read one at a time. */
typedef struct audit_run {
  cchc_store *store;
  subject_cache *subjects;
  const audited *parent;
  const cchc_audit_plan *plans;
  size_t n;
  size_t findings; /* counted in a walk */
  finding_fn fn;
  void *fn_ctx;
} audit_run;

static cchc_status count_finding(void *ctx, const cchc_finding *f,
                                 cchc_error *err) {
  audit_run *r = ctx;
  r->findings++;
  return r->fn(r->fn_ctx, f, err);
}

static cchc_status audited_of(audited *a, cchc_store *store,
                              subject_cache *subjects,
                              const cchc_audit_plan *ref, const char *which,
                              cchc_error *err) {
  if (ref->frame)
    return audited_init(a, ref->frame, which, err);
  if (!store)
    return cchc_fail(err, CCHC_ERR_INVALID,
                     "audit: a stored plan without a store");
  return audited_stored(a, store, ref->document_id, subjects, err);
}

static cchc_status made_findings(void *ctx, finding_fn fn, void *fn_ctx,
                                 cchc_error *err) {
  audit_run *r = ctx;
  r->findings = 0;
  r->fn = fn;
  r->fn_ctx = fn_ctx;
  finder fd = {r->parent, count_finding, r, err};
  cchc_status st = CCHC_OK;
  for (size_t i = 0; st == CCHC_OK && i < r->n; i++) {
    char which[32];
    snprintf(which, sizeof which, "plan %zu", i + 1);
    audited a;
    if ((st = audited_of(&a, r->store, r->subjects, &r->plans[i], which,
                         err)) != CCHC_OK)
      break;
    st = audit_plan(&fd, &a);
    audited_release(&a);
  }
  return st;
}

static cchc_status walk_made(void *ctx, out_writer *o, cchc_error *err) {
  audit_run *r = ctx;
  return walk(r->parent, o, made_findings, r, err);
}

cchc_status cchc_audit_write(cchc_store *store, const cchc_audit_plan *parent,
                             const cchc_audit_plan *plans, size_t n,
                             cchc_report_format format, cchc_write_fn write,
                             void *ctx, size_t *findings, cchc_error *err) {
  if (!parent || (n && !plans) || !write)
    return cchc_fail(err, CCHC_ERR_INVALID, "audit: invalid argument");
  audited par;
  subject_cache *subjects = subject_cache_new();
  cchc_status st = audited_of(&par, store, subjects, parent, "parent", err);
  if (st == CCHC_OK) {
    audit_run r = {store, subjects, &par, plans, n, 0, NULL, NULL};
    st = out_write(format, walk_made, &r, write, ctx, err);
    if (findings)
      *findings = r.findings;
    audited_release(&par);
  }
  subject_cache_free(subjects);
  return st;
}
