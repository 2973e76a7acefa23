/* gold.c: a gold file as the items eval scores (eval.h).  The format is
 * ../shared/gold/FORMAT.md: every part is present, even when empty; a
 * member of the wrong type is an error that names it ("gold targets[0]:
 * \"value\" must be a number, not a string"). */
#include "eval.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* "year": a number, or a string of digits; written as a decimal string. */
static bool read_year(json_reader *r, const json_t *doc, char *buf,
                      size_t cap, const char **out) {
  json_t *v = json_object_get(doc, "year");
  *out = NULL;
  if (!v || json_is_null(v))
    return true;
  if (json_is_integer(v)) {
    snprintf(buf, cap, "%lld", (long long)json_integer_value(v));
  } else if (json_is_real(v) &&
             json_real_value(v) == floor(json_real_value(v))) {
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
    return json_read_fail(r, "document: \"year\" must be a number, not %s",
                          json_read_type_name(v));
  }
  *out = buf;
  return true;
}

static bool read_document(json_reader *r, json_t *doc, docfields *d) {
  const char *w = "document";
  json_t *period, *parent;
  if (!json_read_string(r, doc, w, "kind", false, &d->kind) ||
      !json_read_string(r, doc, w, "level", false, &d->level) ||
      !json_read_string(r, doc, w, "place", false, &d->place) ||
      !json_read_string(r, doc, w, "province", false, &d->province) ||
      !read_year(r, doc, d->year_buf, sizeof d->year_buf, &d->year) ||
      !json_read_string(r, doc, w, "number", false, &d->number) ||
      !json_read_string(r, doc, w, "date", false, &d->date) ||
      !json_read_object(r, doc, "document: ", "period", false, &period) ||
      !json_read_object(r, doc, "document: ", "parent", false, &parent))
    return false;
  if (period &&
      (!json_read_string(r, period, "document.period", "start", false,
                         &d->start) ||
       !json_read_string(r, period, "document.period", "end", false,
                         &d->end)))
    return false;
  if (parent &&
      (!json_read_string(r, parent, "document.parent", "number", false,
                         &d->parent_number) ||
       !json_read_string(r, parent, "document.parent", "date", false,
                         &d->parent_date)))
    return false;
  return true;
}

/* An array of `n` items of `size` bytes, or NULL (recorded) when out of
 * memory. */
static void *items(scorer *s, size_t n, size_t size) {
  void *p = calloc(n ? n : 1, size);
  if (!p)
    scorer_nomem(s);
  return p;
}

static bool read_references(scorer *s, json_reader *r, json_t *arr,
                            side *out) {
  if (!(out->refs = items(s, json_array_size(arr), sizeof *out->refs)))
    return false;
  for (size_t i = 0; i < json_array_size(arr); i++) {
    json_t *o = json_read_item(r, arr, "references", i);
    char where[64];
    snprintf(where, sizeof where, "references[%zu]", i);
    reference *x = &out->refs[out->nrefs];
    if (!o || !json_read_string(r, o, where, "number", true, &x->number) ||
        !json_read_string(r, o, where, "date", false, &x->date))
      return false;
    out->nrefs++;
  }
  return true;
}

static bool read_targets(scorer *s, json_reader *r, json_t *arr, side *out) {
  if (!(out->targets = items(s, json_array_size(arr), sizeof *out->targets)))
    return false;
  for (size_t i = 0; i < json_array_size(arr); i++) {
    json_t *o = json_read_item(r, arr, "targets", i);
    char where[64];
    snprintf(where, sizeof where, "targets[%zu]", i);
    target *t = &out->targets[out->ntargets];
    if (!o || !json_read_string(r, o, where, "quote", true, &t->text) ||
        !json_read_number(r, o, where, "value", true, &t->value,
                          &t->has_value) ||
        !json_read_string(r, o, where, "comparator", false, &t->comparator) ||
        !json_read_string(r, o, where, "indicator", false, &t->indicator) ||
        !json_read_string(r, o, where, "area", false, &t->area))
      return false;
    out->ntargets++;
  }
  return true;
}

static bool read_deadline_fields(json_reader *r, const json_t *o,
                                 const char *where, deadline *d) {
  return json_read_string(r, o, where, "kind", true, &d->kind) &&
         json_read_string(r, o, where, "start", false, &d->start) &&
         json_read_string(r, o, where, "end", false, &d->end);
}

static bool read_deadlines(scorer *s, json_reader *r, json_t *arr,
                           side *out) {
  if (!(out->deadlines =
            items(s, json_array_size(arr), sizeof *out->deadlines)))
    return false;
  for (size_t i = 0; i < json_array_size(arr); i++) {
    json_t *o = json_read_item(r, arr, "deadlines", i);
    char where[64];
    snprintf(where, sizeof where, "deadlines[%zu]", i);
    deadline *d = &out->deadlines[out->ndeadlines];
    if (!o || !json_read_string(r, o, where, "quote", false, &d->text) ||
        !read_deadline_fields(r, o, where, d))
      return false;
    out->ndeadlines++;
  }
  return true;
}

static bool read_leads(scorer *s, json_reader *r, json_t *arr, side *out) {
  if (!(out->leads = items(s, json_array_size(arr), sizeof *out->leads)))
    return false;
  for (size_t i = 0; i < json_array_size(arr); i++) {
    json_t *o = json_read_item(r, arr, "leads", i);
    char where[64];
    snprintf(where, sizeof where, "leads[%zu]", i);
    lead *l = &out->leads[out->nleads];
    const char *u;
    if (!o || !json_read_string(r, o, where, "area", true, &l->area) ||
        !json_read_string(r, o, where, "unit", true, &u) ||
        !json_read_string(r, o, where, "quote", false, &l->text))
      return false;
    l->unit = scorer_unit_id(s, u);
    out->nleads++;
    if (s->status != CCHC_OK)
      return false;
  }
  return true;
}

/* A list of unit keys (strings). */
static bool read_unitset(scorer *s, json_reader *r, const json_t *o,
                         const char *where, const char *key, unitset *out) {
  json_t *arr;
  if (!json_read_array(r, o, where, key, false, &arr))
    return false;
  size_t n = json_array_size(arr);
  if (!n)
    return true;
  if (!(out->ids = items(s, n, sizeof *out->ids)))
    return false;
  for (size_t i = 0; i < n; i++) {
    json_t *u = json_array_get(arr, i);
    if (!json_is_string(u))
      return json_read_fail(r, "%s.%s[%zu] must be a unit key (a string), "
                               "not %s",
                            where, key, i, json_read_type_name(u));
    if (!unitset_put(s, out, scorer_unit_id(s, json_string_value(u))))
      return false;
  }
  unitset_finish(out);
  return true;
}

static bool read_task_deadline(json_reader *r, const json_t *o,
                               const char *where, task *t) {
  json_t *v = json_object_get(o, "deadline");
  char dw[96];
  snprintf(dw, sizeof dw, "%s.deadline", where);
  t->has_deadline = false;
  if (!v || json_is_null(v))
    return true;
  if (!json_is_object(v))
    return json_read_fail(r, "%s must be an object or null, not %s", dw,
                          json_read_type_name(v));
  t->has_deadline = true;
  return read_deadline_fields(r, v, dw, &t->deadline);
}

static bool read_tasks(scorer *s, json_reader *r, json_t *arr, side *out) {
  if (!(out->tasks = items(s, json_array_size(arr), sizeof *out->tasks)))
    return false;
  for (size_t i = 0; i < json_array_size(arr); i++) {
    json_t *o = json_read_item(r, arr, "tasks", i);
    char where[64];
    snprintf(where, sizeof where, "tasks[%zu]", i);
    task *t = &out->tasks[out->ntasks++];
    if (!o || !json_read_string(r, o, where, "quote", true, &t->text) ||
        !read_unitset(s, r, o, where, "lead", &t->lead) ||
        !read_unitset(s, r, o, where, "coordinators", &t->coordinators) ||
        !read_task_deadline(r, o, where, t))
      return false;
  }
  return true;
}

bool gold_read(scorer *s, json_reader *r, json_t *root, side *out) {
  json_t *doc, *refs, *targets, *deadlines, *leads, *tasks;
  return json_read_object(r, root, "", "document", true, &doc) &&
         json_read_array(r, root, "", "references", true, &refs) &&
         json_read_array(r, root, "", "targets", true, &targets) &&
         json_read_array(r, root, "", "deadlines", true, &deadlines) &&
         json_read_array(r, root, "", "leads", true, &leads) &&
         json_read_array(r, root, "", "tasks", true, &tasks) &&
         read_document(r, doc, &out->doc) &&
         read_references(s, r, refs, out) &&
         read_targets(s, r, targets, out) &&
         read_deadlines(s, r, deadlines, out) &&
         read_leads(s, r, leads, out) && read_tasks(s, r, tasks, out);
}
