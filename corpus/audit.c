/* audit.c: compare plans side by side and audit a plan against its parent.
 *
 * Both read frames (JSON as cchc_render writes it) with jansson into a small
 * internal view: the plan's identity, its targets with indicator keys and
 * plain forms, and its dated tasks with match keys.  Strings are borrowed
 * from the parsed JSON, which the view keeps alive.  Output goes through
 * open_memstream: tables by hand, CSV with libcsv, JSON with jansson. */
#include "cchc.h"
#include "../common/internal.h"

#include <csv.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ */
/* Targets */

size_t cchc_target_format(const cchc_target *t, char *buf, size_t size) {
  const char *unit = t->count ? "" : "%";
  int n;
  switch (t->comparator) {
  case CCHC_CMP_GE: n = snprintf(buf, size, "\xE2\x89\xA5 %.15g%s", t->value, unit); break;
  case CCHC_CMP_GT: n = snprintf(buf, size, "> %.15g%s", t->value, unit); break;
  case CCHC_CMP_LE: n = snprintf(buf, size, "\xE2\x89\xA4 %.15g%s", t->value, unit); break;
  case CCHC_CMP_RANGE:
    n = snprintf(buf, size, "%.15g\xE2\x80\x93%.15g%s", t->value, t->value_max, unit);
    break;
  case CCHC_CMP_EQ:
  default: n = snprintf(buf, size, "= %.15g%s", t->value, unit); break;
  }
  return n < 0 ? 0 : (size_t)n;
}

/* A bound: value, whether it is open (strict), whether it exists. */
typedef struct bound { bool any; double v; bool open; } bound;

static bound floor_of(const cchc_target *t) {
  bound b = {true, t->value, t->comparator == CCHC_CMP_GT};
  if (t->comparator == CCHC_CMP_LE)
    b.any = false;
  return b;
}

static bound ceiling_of(const cchc_target *t) {
  bound b = {false, 0, false};
  if (t->comparator == CCHC_CMP_LE || t->comparator == CCHC_CMP_EQ) {
    b.any = true;
    b.v = t->value;
  } else if (t->comparator == CCHC_CMP_RANGE) {
    b.any = true;
    b.v = t->value_max;
  }
  return b;
}

bool cchc_target_lower(const cchc_target *plan, const cchc_target *parent) {
  if (plan->count != parent->count)
    return false;
  if (parent->comparator == CCHC_CMP_LE) {
    bound p = ceiling_of(parent), c = ceiling_of(plan);
    if (!c.any)
      return true;
    return c.v > p.v;
  }
  bound p = floor_of(parent), c = floor_of(plan);
  if (!c.any)
    return true;
  if (c.v < p.v)
    return true;
  return c.v == p.v && !c.open && p.open;
}

/* ------------------------------------------------------------------ */
/* Plans read from frames */

typedef struct ptarget {
  const char *indicator;
  cchc_target t;
  char plain[80];
  const char *text;
  bool has_span;
  size_t start, end;
  const char *id;
} ptarget;

typedef struct ptask {
  char *key;
  const char *text;
  bool has_span;
  size_t start, end;
  const char *due; /* YYYY-MM-DD */
} ptask;

typedef struct plan {
  json_t *root;
  char *label;
  const char *number, *parent, *path, *level, *place, *province, *date;
  json_t *year;
  ptarget *targets;
  size_t ntargets;
  ptask *tasks;
  size_t ntasks;
  json_t *incons;
} plan;

static const char *jstr(json_t *o, const char *k) {
  return json_string_value(json_object_get(o, k));
}

static bool jspan(json_t *o, size_t *s, size_t *e) {
  json_t *sp = json_object_get(o, "span");
  json_t *a = json_array_get(sp, 0), *b = json_array_get(sp, 1);
  if (!json_is_integer(a) || !json_is_integer(b) || json_integer_value(a) < 0 ||
      json_integer_value(b) < json_integer_value(a))
    return false;
  *s = (size_t)json_integer_value(a);
  *e = (size_t)json_integer_value(b);
  return true;
}

static void plan_free(plan *p) {
  if (!p)
    return;
  for (size_t i = 0; i < p->ntasks; i++)
    free(p->tasks[i].key);
  free(p->tasks);
  free(p->targets);
  free(p->label);
  json_decref(p->root);
  memset(p, 0, sizeof *p);
}

static cchc_status bad_json(cchc_error *err, const char *which,
                            const json_error_t *je, const char *what) {
  if (err) {
    cchc_error_clear(err);
    err->code = CCHC_ERR_INVALID;
    snprintf(err->path, sizeof err->path, "%s", which);
    if (je) {
      if (je->line > 0)
        err->line = (unsigned)je->line;
      if (je->position >= 0) {
        err->has_offset = 1;
        err->offset = (size_t)je->position;
      }
      snprintf(err->message, sizeof err->message, "%s is not valid JSON: %s",
               which, je->text);
    } else {
      snprintf(err->message, sizeof err->message, "%s: %s", which, what);
    }
  }
  return CCHC_ERR_INVALID;
}

static json_t *load_root(const char *data, size_t len, const char *which,
                         cchc_error *err) {
  json_error_t je;
  json_t *root = json_loadb(data ? data : "", data ? len : 0, 0, &je);
  if (!root) {
    bad_json(err, which, &je, NULL);
    return NULL;
  }
  if (!json_is_object(root) || !json_is_object(json_object_get(root, "document"))) {
    json_decref(root);
    bad_json(err, which, NULL, "not a frame (no \"document\" object)");
    return NULL;
  }
  return root;
}

static bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static char fold(char c) {
  return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

/* Equal ignoring white space and ASCII case. */
bool cchc_number_equal(const char *a, const char *b) {
  if (!a || !b)
    return false;
  for (;;) {
    while (*a && is_space(*a))
      a++;
    while (*b && is_space(*b))
      b++;
    if (!*a || !*b)
      return !*a && !*b;
    if (fold(*a) != fold(*b))
      return false;
    a++, b++;
  }
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
    *st = err ? err->code : CCHC_ERR_NOMEM;
    if (*st == CCHC_OK)
      *st = CCHC_ERR_NOMEM;
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

static const char *basename_of(const char *path) {
  const char *s = strrchr(path, '/');
  return s ? s + 1 : path;
}

static cchc_status plan_load(const char *data, size_t len, const char *which,
                             plan *p, cchc_error *err) {
  memset(p, 0, sizeof *p);
  p->root = load_root(data, len, which, err);
  if (!p->root)
    return CCHC_ERR_INVALID;
  json_t *doc = json_object_get(p->root, "document");
  p->number = jstr(doc, "number");
  p->parent = jstr(json_object_get(doc, "parent"), "number");
  p->path = jstr(json_object_get(p->root, "source"), "path");
  p->level = jstr(doc, "level");
  p->place = jstr(doc, "place");
  p->province = jstr(doc, "province");
  p->date = jstr(doc, "date");
  p->year = json_object_get(doc, "year");
  p->incons = json_object_get(p->root, "inconsistencies");

  const char *name = p->place ? p->place : p->path ? basename_of(p->path) : which;
  size_t ln = strlen(name) + (p->number ? strlen(p->number) + 1 : 0) + 1;
  p->label = malloc(ln);
  if (!p->label)
    goto nomem;
  snprintf(p->label, ln, "%s%s%s", name, p->number ? " " : "",
           p->number ? p->number : "");

  json_t *ts = json_object_get(p->root, "targets");
  size_t nt = json_array_size(ts);
  p->targets = calloc(nt ? nt : 1, sizeof *p->targets);
  if (!p->targets)
    goto nomem;
  for (size_t i = 0; i < nt; i++) {
    json_t *t = json_array_get(ts, i);
    ptarget *x = &p->targets[p->ntargets];
    x->indicator = jstr(t, "indicator");
    json_t *v = json_object_get(t, "value");
    if (!x->indicator || !json_is_number(v) ||
        !cchc_comparator_parse(jstr(t, "comparator"), &x->t.comparator))
      continue;
    x->t.value = json_number_value(v);
    json_t *vm = json_object_get(t, "value_max");
    x->t.value_max = json_is_number(vm) ? json_number_value(vm) : x->t.value;
    const char *unit = jstr(t, "unit");
    x->t.count = unit && strcmp(unit, "count") == 0;
    cchc_target_format(&x->t, x->plain, sizeof x->plain);
    x->text = jstr(t, "text");
    x->id = jstr(t, "id");
    x->has_span = jspan(t, &x->start, &x->end);
    p->ntargets++;
  }

  json_t *ks = json_object_get(p->root, "tasks");
  json_t *ds = json_object_get(p->root, "deadlines");
  size_t nk = json_array_size(ks);
  p->tasks = calloc(nk ? nk : 1, sizeof *p->tasks);
  if (!p->tasks)
    goto nomem;
  for (size_t i = 0; i < nk; i++) {
    json_t *k = json_array_get(ks, i);
    const char *did = jstr(k, "deadline"), *text = jstr(k, "text");
    if (!did || !text)
      continue;
    json_t *d = NULL;
    for (size_t j = 0; j < json_array_size(ds); j++)
      if (jstr(json_array_get(ds, j), "id") &&
          strcmp(jstr(json_array_get(ds, j), "id"), did) == 0) {
        d = json_array_get(ds, j);
        break;
      }
    const char *due = d ? jstr(d, "end") : NULL;
    if (!due)
      continue;
    cchc_status st;
    char *key = task_key(text, jstr(d, "text"), &st, err);
    if (st != CCHC_OK) {
      plan_free(p);
      return st;
    }
    if (!key)
      continue;
    ptask *x = &p->tasks[p->ntasks++];
    x->key = key;
    x->text = text;
    x->due = due;
    x->has_span = jspan(k, &x->start, &x->end);
  }
  return CCHC_OK;
nomem:
  plan_free(p);
  return cchc_fail(err, CCHC_ERR_NOMEM, "out of memory");
}

cchc_status cchc_frame_carries_out(const char *frame_json, size_t len,
                                   const char *parent_number, bool *out,
                                   cchc_error *err) {
  json_t *root = load_root(frame_json, len, "frame", err);
  if (!root)
    return CCHC_ERR_INVALID;
  const char *p = jstr(json_object_get(json_object_get(root, "document"), "parent"),
                       "number");
  *out = cchc_number_equal(p, parent_number);
  json_decref(root);
  return CCHC_OK;
}

bool cchc_report_format_parse(const char *name, cchc_report_format *out) {
  cchc_report_format f;
  if (!name)
    return false;
  if (strcmp(name, "table") == 0)
    f = CCHC_REPORT_TABLE;
  else if (strcmp(name, "csv") == 0)
    f = CCHC_REPORT_CSV;
  else if (strcmp(name, "json") == 0)
    f = CCHC_REPORT_JSON;
  else
    return false;
  if (out)
    *out = f;
  return true;
}

/* ------------------------------------------------------------------ */
/* Output helpers */

typedef struct obuf {
  FILE *f;
  char *buf;
  size_t len;
} obuf;

static cchc_status out_open(obuf *o, cchc_error *err) {
  o->buf = NULL;
  o->len = 0;
  o->f = open_memstream(&o->buf, &o->len);
  return o->f ? CCHC_OK : cchc_fail(err, CCHC_ERR_NOMEM, "out of memory");
}

static cchc_status out_close(obuf *o, char **res, size_t *len, cchc_error *err) {
  bool bad = ferror(o->f) != 0;
  if (fclose(o->f) != 0)
    bad = true;
  if (bad || !o->buf) {
    free(o->buf);
    return cchc_fail(err, CCHC_ERR_NOMEM, "out of memory writing the report");
  }
  *res = o->buf;
  if (len)
    *len = o->len;
  return CCHC_OK;
}

/* Display width: code points (the text is NFC). */
static size_t width(const char *s) {
  size_t w = 0;
  for (; *s; s++)
    if (((unsigned char)*s & 0xC0) != 0x80)
      w++;
  return w;
}

static void pad(FILE *f, const char *s, size_t w, bool last) {
  fputs(s, f);
  if (!last)
    for (size_t i = width(s); i < w + 2; i++)
      fputc(' ', f);
}

/* Aligned table of nrows x ncols strings (row 0 the header); NULL is "-". */
static void table(FILE *f, const char *const *cells, size_t nrows,
                  size_t ncols) {
  size_t *w = calloc(ncols ? ncols : 1, sizeof *w);
  if (!w) {
    fputs("", f);
    return;
  }
  for (size_t r = 0; r < nrows; r++)
    for (size_t c = 0; c < ncols; c++) {
      const char *s = cells[r * ncols + c] ? cells[r * ncols + c] : "-";
      if (width(s) > w[c])
        w[c] = width(s);
    }
  for (size_t r = 0; r < nrows; r++) {
    for (size_t c = 0; c < ncols; c++) {
      const char *s = cells[r * ncols + c] ? cells[r * ncols + c] : "-";
      pad(f, s, w[c], c + 1 == ncols);
    }
    fputc('\n', f);
    if (r == 0) {
      for (size_t c = 0; c < ncols; c++)
        for (size_t i = 0; i < w[c] + (c + 1 == ncols ? 0 : 2); i++)
          fputc(c + 1 == ncols && i >= w[c] ? ' ' : '-', f);
      fputc('\n', f);
    }
  }
  free(w);
}

static void csv_field(FILE *f, const char *s, bool first) {
  if (!first)
    fputc(',', f);
  if (s)
    csv_fwrite(f, s, strlen(s));
}

static void csv_num(FILE *f, bool has, size_t v) {
  fputc(',', f);
  if (has)
    fprintf(f, "%zu", v);
}

static json_t *jnstr(const char *s) { return s ? json_string(s) : json_null(); }

static cchc_status dump_json(json_t *j, char **res, size_t *len,
                             cchc_error *err) {
  if (!j)
    return cchc_fail(err, CCHC_ERR_NOMEM, "out of memory");
  char *s = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
  json_decref(j);
  if (!s)
    return cchc_fail(err, CCHC_ERR_NOMEM, "out of memory");
  size_t n = strlen(s);
  char *r = malloc(n + 2);
  if (!r) {
    free(s);
    return cchc_fail(err, CCHC_ERR_NOMEM, "out of memory");
  }
  memcpy(r, s, n);
  r[n] = '\n';
  r[n + 1] = '\0';
  free(s);
  *res = r;
  if (len)
    *len = n + 1;
  return CCHC_OK;
}

/* ------------------------------------------------------------------ */
/* Compare */

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
  for (size_t i = 0; i < c->n; i++)
    plan_free(&c->plans[i]);
  free(c->plans);
  free(c);
}

static cchc_status load_all(const char *const *frames, const size_t *lens,
                            size_t n, const char *prefix, plan **out,
                            cchc_error *err) {
  plan *ps = calloc(n ? n : 1, sizeof *ps);
  if (!ps)
    return cchc_fail(err, CCHC_ERR_NOMEM, "out of memory");
  for (size_t i = 0; i < n; i++) {
    char which[64];
    snprintf(which, sizeof which, "%s %zu", prefix, i + 1);
    cchc_status st = plan_load(frames[i], lens[i], which, &ps[i], err);
    if (st != CCHC_OK) {
      for (size_t j = 0; j < i; j++)
        plan_free(&ps[j]);
      free(ps);
      return st;
    }
  }
  *out = ps;
  return CCHC_OK;
}

cchc_status cchc_compare_new(const char *const *frames, const size_t *lens,
                             size_t n, cchc_compare **out, cchc_error *err) {
  cchc_compare *c = calloc(1, sizeof *c);
  if (!c)
    return cchc_fail(err, CCHC_ERR_NOMEM, "out of memory");
  cchc_status st = load_all(frames, lens, n, "frame", &c->plans, err);
  if (st != CCHC_OK) {
    free(c);
    return st;
  }
  c->n = n;
  c->order = calloc(n ? n : 1, sizeof *c->order);
  size_t total = 0;
  for (size_t i = 0; i < n; i++)
    total += c->plans[i].ntargets;
  c->keys = calloc(total ? total : 1, sizeof *c->keys);
  if (!c->order || !c->keys)
    goto nomem;

  /* Parents first, then the rest, each in input order. */
  size_t col = 0;
  for (int pass = 0; pass < 2; pass++)
    for (size_t i = 0; i < n; i++) {
      bool is_parent = false;
      for (size_t j = 0; j < n && c->plans[i].number; j++)
        if (j != i && cchc_number_equal(c->plans[j].parent, c->plans[i].number))
          is_parent = true;
      if (is_parent == (pass == 0))
        c->order[col++] = i;
    }

  for (size_t i = 0; i < n; i++)
    for (size_t k = 0; k < c->plans[i].ntargets; k++)
      c->keys[c->nkeys++] = c->plans[i].targets[k].indicator;
  if (c->nkeys)
    qsort(c->keys, c->nkeys, sizeof *c->keys, cmp_str);
  size_t u = 0;
  for (size_t i = 0; i < c->nkeys; i++)
    if (u == 0 || strcmp(c->keys[u - 1], c->keys[i]) != 0)
      c->keys[u++] = c->keys[i];
  c->nkeys = u;

  c->cells = calloc(c->nkeys * n + 1, sizeof *c->cells);
  if (!c->cells)
    goto nomem;
  for (size_t r = 0; r < c->nkeys; r++)
    for (size_t cl = 0; cl < n; cl++) {
      const plan *p = &c->plans[c->order[cl]];
      char buf[1024] = "";
      size_t used = 0;
      for (size_t k = 0; k < p->ntargets; k++) {
        const ptarget *t = &p->targets[k];
        if (strcmp(t->indicator, c->keys[r]) != 0)
          continue;
        /* skip a plain form already in the cell */
        bool dup = false;
        const char *s = buf;
        while (*s) {
          const char *e = strstr(s, "; ");
          size_t l = e ? (size_t)(e - s) : strlen(s);
          if (l == strlen(t->plain) && strncmp(s, t->plain, l) == 0)
            dup = true;
          s += l + (e ? 2 : 0);
        }
        if (dup)
          continue;
        int m = snprintf(buf + used, sizeof buf - used, "%s%s",
                         used ? "; " : "", t->plain);
        if (m < 0 || (size_t)m >= sizeof buf - used)
          break;
        used += (size_t)m;
      }
      if (used) {
        c->cells[r * n + cl] = strdup(buf);
        if (!c->cells[r * n + cl])
          goto nomem;
      }
    }
  *out = c;
  return CCHC_OK;
nomem:
  cchc_compare_free(c);
  return cchc_fail(err, CCHC_ERR_NOMEM, "out of memory");
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

static json_t *plan_json(const plan *p) {
  json_t *o = json_object();
  json_object_set_new(o, "label", json_string(p->label));
  json_object_set_new(o, "level", jnstr(p->level));
  json_object_set_new(o, "place", jnstr(p->place));
  json_object_set_new(o, "province", jnstr(p->province));
  json_object_set(o, "year", p->year ? p->year : json_null());
  json_object_set_new(o, "number", jnstr(p->number));
  json_object_set_new(o, "date", jnstr(p->date));
  json_object_set_new(o, "parent", jnstr(p->parent));
  json_object_set_new(o, "path", jnstr(p->path));
  return o;
}

cchc_status cchc_compare_render(const cchc_compare *c,
                                cchc_report_format format, char **res,
                                size_t *len, cchc_error *err) {
  size_t n = c->n;
  if (format == CCHC_REPORT_JSON) {
    json_t *root = json_object(), *plans = json_array(), *rows = json_array();
    json_object_set_new(root, "schema", json_string("cchc-compare/1"));
    for (size_t cl = 0; cl < n; cl++)
      json_array_append_new(plans, plan_json(&c->plans[c->order[cl]]));
    for (size_t r = 0; r < c->nkeys; r++) {
      json_t *row = json_object(), *cells = json_array();
      json_object_set_new(row, "indicator", json_string(c->keys[r]));
      for (size_t cl = 0; cl < n; cl++)
        json_array_append_new(cells, jnstr(c->cells[r * n + cl]));
      json_object_set_new(row, "cells", cells);
      json_array_append_new(rows, row);
    }
    json_object_set_new(root, "plans", plans);
    json_object_set_new(root, "rows", rows);
    return dump_json(root, res, len, err);
  }
  obuf o;
  cchc_status st = out_open(&o, err);
  if (st != CCHC_OK)
    return st;
  if (format == CCHC_REPORT_CSV) {
    fputs("\xEF\xBB\xBF", o.f);
    csv_field(o.f, "indicator", true);
    for (size_t cl = 0; cl < n; cl++)
      csv_field(o.f, c->plans[c->order[cl]].label, false);
    fputs("\r\n", o.f);
    for (size_t r = 0; r < c->nkeys; r++) {
      csv_field(o.f, c->keys[r], true);
      for (size_t cl = 0; cl < n; cl++)
        csv_field(o.f, c->cells[r * n + cl], false);
      fputs("\r\n", o.f);
    }
  } else {
    size_t nc = n + 1;
    const char **cells = calloc((c->nkeys + 1) * nc, sizeof *cells);
    if (!cells) {
      fclose(o.f);
      free(o.buf);
      return cchc_fail(err, CCHC_ERR_NOMEM, "out of memory");
    }
    cells[0] = "indicator";
    for (size_t cl = 0; cl < n; cl++)
      cells[1 + cl] = c->plans[c->order[cl]].label;
    for (size_t r = 0; r < c->nkeys; r++) {
      cells[(r + 1) * nc] = c->keys[r];
      for (size_t cl = 0; cl < n; cl++)
        cells[(r + 1) * nc + 1 + cl] = c->cells[r * n + cl];
    }
    table(o.f, cells, c->nkeys + 1, nc);
    free(cells);
  }
  return out_close(&o, res, len, err);
}

/* ------------------------------------------------------------------ */
/* Audit */

struct cchc_audit {
  plan parent;
  plan *plans;
  size_t n;
  cchc_finding *f;
  size_t nf, cap;
};

const char *cchc_finding_kind_name(cchc_finding_kind kind) {
  switch (kind) {
  case CCHC_FINDING_LOWER: return "lower";
  case CCHC_FINDING_MISSING: return "missing";
  case CCHC_FINDING_LATER: return "later";
  case CCHC_FINDING_INCONSISTENT: return "inconsistent";
  }
  return "?";
}

void cchc_audit_free(cchc_audit *a) {
  if (!a)
    return;
  plan_free(&a->parent);
  for (size_t i = 0; i < a->n; i++)
    plan_free(&a->plans[i]);
  free(a->plans);
  free(a->f);
  free(a);
}

static cchc_finding *add(cchc_audit *a, cchc_finding_kind kind,
                         const char *key) {
  if (a->nf == a->cap) {
    size_t cap = a->cap ? a->cap * 2 : 16;
    cchc_finding *f = realloc(a->f, cap * sizeof *f);
    if (!f)
      return NULL;
    a->f = f;
    a->cap = cap;
  }
  cchc_finding *f = &a->f[a->nf++];
  memset(f, 0, sizeof *f);
  f->kind = kind;
  f->key = key;
  return f;
}

static void side_target(cchc_finding_side *s, const plan *p, const ptarget *t) {
  s->plan = p->label;
  s->path = p->path;
  if (!t)
    return;
  s->value = t->plain;
  s->text = t->text;
  s->has_span = t->has_span;
  s->start = t->start;
  s->end = t->end;
}

static void side_task(cchc_finding_side *s, const plan *p, const ptask *t) {
  s->plan = p->label;
  s->path = p->path;
  s->value = t->due;
  s->text = t->text;
  s->has_span = t->has_span;
  s->start = t->start;
  s->end = t->end;
}

static const ptarget *target_by_id(const plan *p, const char *id) {
  for (size_t i = 0; id && i < p->ntargets; i++)
    if (p->targets[i].id && strcmp(p->targets[i].id, id) == 0)
      return &p->targets[i];
  return NULL;
}

static bool audit_plan(cchc_audit *a, const plan *p) {
  const plan *par = &a->parent;
  /* lower, then missing */
  for (int pass = 0; pass < 2; pass++)
    for (size_t i = 0; i < par->ntargets; i++) {
      const ptarget *pt = &par->targets[i];
      const ptarget *first = NULL;
      bool all_lower = true;
      for (size_t k = 0; k < p->ntargets; k++) {
        const ptarget *t = &p->targets[k];
        if (strcmp(t->indicator, pt->indicator) != 0)
          continue;
        if (!first)
          first = t;
        if (!cchc_target_lower(&t->t, &pt->t))
          all_lower = false;
      }
      cchc_finding *f = NULL;
      if (pass == 0 && first && all_lower)
        f = add(a, CCHC_FINDING_LOWER, pt->indicator);
      else if (pass == 1 && !first)
        f = add(a, CCHC_FINDING_MISSING, pt->indicator);
      else
        continue;
      if (!f)
        return false;
      side_target(&f->parent, par, pt);
      side_target(&f->plan, p, first);
    }
  /* later */
  for (size_t i = 0; i < par->ntasks; i++)
    for (size_t k = 0; k < p->ntasks; k++) {
      const ptask *pt = &par->tasks[i], *t = &p->tasks[k];
      if (strcmp(pt->key, t->key) != 0 || strcmp(t->due, pt->due) <= 0)
        continue;
      cchc_finding *f = add(a, CCHC_FINDING_LATER, pt->key);
      if (!f)
        return false;
      side_task(&f->parent, par, pt);
      side_task(&f->plan, p, t);
    }
  /* inconsistent */
  for (size_t i = 0; i < json_array_size(p->incons); i++) {
    json_t *x = json_array_get(p->incons, i);
    const ptarget *t1 = target_by_id(p, jstr(x, "first"));
    const ptarget *t2 = target_by_id(p, jstr(x, "second"));
    const char *key = jstr(x, "indicator");
    cchc_finding *f = add(a, CCHC_FINDING_INCONSISTENT,
                          key ? key : t1 ? t1->indicator : NULL);
    if (!f)
      return false;
    side_target(&f->parent, p, t1);
    side_target(&f->plan, p, t2);
    json_t *sp = json_object_get(x, "spans");
    cchc_finding_side *sides[2] = {&f->parent, &f->plan};
    for (size_t j = 0; j < 2; j++) {
      json_t *s = json_array_get(sp, j);
      json_t *b = json_array_get(s, 0), *e = json_array_get(s, 1);
      if (!sides[j]->has_span && json_is_integer(b) && json_is_integer(e) &&
          json_integer_value(b) >= 0 &&
          json_integer_value(e) >= json_integer_value(b)) {
        sides[j]->has_span = true;
        sides[j]->start = (size_t)json_integer_value(b);
        sides[j]->end = (size_t)json_integer_value(e);
      }
    }
  }
  return true;
}

cchc_status cchc_audit_new(const char *parent, size_t parent_len,
                           const char *const *plans, const size_t *lens,
                           size_t n, cchc_audit **out, cchc_error *err) {
  cchc_audit *a = calloc(1, sizeof *a);
  if (!a)
    return cchc_fail(err, CCHC_ERR_NOMEM, "out of memory");
  cchc_status st = plan_load(parent, parent_len, "parent", &a->parent, err);
  if (st != CCHC_OK) {
    free(a);
    return st;
  }
  st = load_all(plans, lens, n, "plan", &a->plans, err);
  if (st != CCHC_OK) {
    cchc_audit_free(a);
    return st;
  }
  a->n = n;
  for (size_t i = 0; i < n; i++)
    if (!audit_plan(a, &a->plans[i])) {
      cchc_audit_free(a);
      return cchc_fail(err, CCHC_ERR_NOMEM, "out of memory");
    }
  *out = a;
  return CCHC_OK;
}

size_t cchc_audit_count(const cchc_audit *a) { return a->nf; }
const cchc_finding *cchc_audit_finding(const cchc_audit *a, size_t i) {
  return i < a->nf ? &a->f[i] : NULL;
}

static json_t *side_json(const cchc_finding_side *s) {
  json_t *o = json_object();
  json_object_set_new(o, "plan", jnstr(s->plan));
  json_object_set_new(o, "path", jnstr(s->path));
  json_object_set_new(o, "value", jnstr(s->value));
  json_object_set_new(o, "text", jnstr(s->text));
  json_object_set_new(o, "span",
                      s->has_span ? json_pack("[II]", (json_int_t)s->start,
                                              (json_int_t)s->end)
                                  : json_null());
  return o;
}

static void span_str(char *buf, size_t size, const cchc_finding_side *s) {
  if (s->has_span)
    snprintf(buf, size, "%zu-%zu", s->start, s->end);
  else
    snprintf(buf, size, "-");
}

cchc_status cchc_audit_render(const cchc_audit *a, cchc_report_format format,
                              char **res, size_t *len, cchc_error *err) {
  if (format == CCHC_REPORT_JSON) {
    json_t *root = json_object(), *par = json_object(), *fs = json_array();
    json_object_set_new(root, "schema", json_string("cchc-audit/1"));
    json_object_set_new(par, "label", json_string(a->parent.label));
    json_object_set_new(par, "number", jnstr(a->parent.number));
    json_object_set_new(par, "path", jnstr(a->parent.path));
    json_object_set_new(root, "parent", par);
    for (size_t i = 0; i < a->nf; i++) {
      const cchc_finding *f = &a->f[i];
      json_t *o = json_object();
      json_object_set_new(o, "kind", json_string(cchc_finding_kind_name(f->kind)));
      json_object_set_new(o, "key", jnstr(f->key));
      json_object_set_new(o, "plan", side_json(&f->plan));
      json_object_set_new(o, "parent", side_json(&f->parent));
      json_array_append_new(fs, o);
    }
    json_object_set_new(root, "findings", fs);
    return dump_json(root, res, len, err);
  }
  obuf o;
  cchc_status st = out_open(&o, err);
  if (st != CCHC_OK)
    return st;
  if (format == CCHC_REPORT_CSV) {
    static const char *const head[] = {
        "kind", "key", "plan", "plan_value", "plan_start", "plan_end",
        "plan_text", "parent", "parent_value", "parent_start", "parent_end",
        "parent_text", "plan_path", "parent_path"};
    fputs("\xEF\xBB\xBF", o.f);
    for (size_t i = 0; i < sizeof head / sizeof head[0]; i++)
      csv_field(o.f, head[i], i == 0);
    fputs("\r\n", o.f);
    for (size_t i = 0; i < a->nf; i++) {
      const cchc_finding *f = &a->f[i];
      csv_field(o.f, cchc_finding_kind_name(f->kind), true);
      csv_field(o.f, f->key, false);
      const cchc_finding_side *sides[2] = {&f->plan, &f->parent};
      for (size_t j = 0; j < 2; j++) {
        csv_field(o.f, sides[j]->plan, false);
        csv_field(o.f, sides[j]->value, false);
        csv_num(o.f, sides[j]->has_span, sides[j]->start);
        csv_num(o.f, sides[j]->has_span, sides[j]->end);
        csv_field(o.f, sides[j]->text, false);
      }
      csv_field(o.f, f->plan.path, false);
      csv_field(o.f, f->parent.path, false);
      fputs("\r\n", o.f);
    }
  } else {
    size_t nc = 7;
    char *spans = malloc((a->nf ? a->nf : 1) * 2 * 48);
    const char **cells = calloc((a->nf + 1) * nc, sizeof *cells);
    if (!cells || !spans) {
      free(cells);
      free(spans);
      fclose(o.f);
      free(o.buf);
      return cchc_fail(err, CCHC_ERR_NOMEM, "out of memory");
    }
    static const char *const head[] = {"kind", "key", "plan", "value",
                                       "parent", "parent value", "spans"};
    for (size_t c = 0; c < nc; c++)
      cells[c] = head[c];
    for (size_t i = 0; i < a->nf; i++) {
      const cchc_finding *f = &a->f[i];
      char *sp = spans + i * 96, ps[40], qs[40];
      span_str(ps, sizeof ps, &f->plan);
      span_str(qs, sizeof qs, &f->parent);
      snprintf(sp, 96, "%s / %s", ps, qs);
      const char **row = cells + (i + 1) * nc;
      row[0] = cchc_finding_kind_name(f->kind);
      row[1] = f->key;
      row[2] = f->plan.plan;
      row[3] = f->plan.value;
      row[4] = f->parent.plan;
      row[5] = f->parent.value;
      row[6] = sp;
    }
    table(o.f, cells, a->nf + 1, nc);
    for (size_t i = 0; i < a->nf; i++) {
      const cchc_finding *f = &a->f[i];
      fprintf(o.f, "\n%zu. %s %s\n", i + 1, cchc_finding_kind_name(f->kind),
              f->key ? f->key : "-");
      if (f->plan.text)
        fprintf(o.f, "   %s: \"%s\"\n", f->plan.plan, f->plan.text);
      if (f->parent.text)
        fprintf(o.f, "   %s: \"%s\"\n", f->parent.plan, f->parent.text);
    }
    free(cells);
    free(spans);
  }
  return out_close(&o, res, len, err);
}
