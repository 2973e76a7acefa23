/* frame_json.c: cchc_frame_from_json, the one reader of frame JSON.
 *
 * It reads what emit/walk.c writes (the contract of
 * emit/schema/frame.schema.json) back into the structs of frame.h, so that
 * a frame from the store or a file is read through the same accessors as
 * one just extracted, and renders again to the same JSON.  Strings are
 * copied into the frame's arena; references between items (ids in JSON)
 * become indices, resolved through a sorted index of each array's ids. */
#include "frame.h"
#include "../common/json_read.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct reader {
  json_reader jr;
  cchc_frame *f;
} reader;

/* ------------------------------------------------------------------ */
/* Scalars                                                             */

/* A string member copied into the frame; NULL when missing or null. */
static bool str(reader *r, const json_t *o, const char *where, const char *key,
                const char **out) {
  const char *s;
  if (!json_read_string(&r->jr, o, where, key, false, &s))
    return false;
  *out = s ? frame_strdup(r->f, s) : NULL;
  return !s || *out || json_read_nomem(&r->jr);
}

/* A span [start, end] with 0 <= start <= end; {0, 0} when missing. */
static bool span_value(reader *r, const json_t *v, const char *where,
                       const char *key, frame_span *out) {
  *out = (frame_span){0, 0};
  if (!v || json_is_null(v))
    return true;
  json_t *a = json_array_get(v, 0), *b = json_array_get(v, 1);
  if (!json_is_array(v) || json_array_size(v) != 2 || !json_is_integer(a) ||
      !json_is_integer(b) || json_integer_value(a) < 0 ||
      json_integer_value(b) < json_integer_value(a))
    return json_read_fail(&r->jr,
                          "%s: \"%s\" must be [start, end] with 0 <= start "
                          "<= end",
                          where, key);
  out->start = (size_t)json_integer_value(a);
  out->end = (size_t)json_integer_value(b);
  return true;
}

static bool span(reader *r, const json_t *o, const char *where,
                 const char *key, frame_span *out) {
  return span_value(r, json_object_get(o, key), where, key, out);
}

static bool boolean(reader *r, const json_t *o, const char *where,
                    const char *key, bool *out) {
  json_t *v = json_object_get(o, key);
  *out = false;
  if (!v || json_is_null(v))
    return true;
  if (!json_is_boolean(v))
    return json_read_fail(&r->jr, "%s: \"%s\" must be a boolean, not %s",
                          where, key, json_read_type_name(v));
  *out = json_is_true(v);
  return true;
}

/* An integer from 0 to `max`; 0 when missing. */
static bool integer(reader *r, const json_t *o, const char *where,
                    const char *key, json_int_t max, json_int_t *out) {
  json_t *v = json_object_get(o, key);
  *out = 0;
  if (!v || json_is_null(v))
    return true;
  if (!json_is_integer(v) || json_integer_value(v) < 0 ||
      json_integer_value(v) > max)
    return json_read_fail(&r->jr,
                          "%s: \"%s\" must be an integer from 0 to %lld",
                          where, key, (long long)max);
  *out = json_integer_value(v);
  return true;
}

/* A string member that must be one of an enum's names (`parse`), kept as
 * the frame's string; NULL when missing or null. */
static bool enum_str(reader *r, const json_t *o, const char *where,
                     const char *key, bool (*known)(const char *),
                     const char **out) {
  const char *s;
  if (!json_read_string(&r->jr, o, where, key, false, &s))
    return false;
  if (s && !known(s))
    return json_read_fail(&r->jr, "%s: \"%s\" has no value \"%.40s\"", where,
                          key, s);
  return str(r, o, where, key, out);
}

static bool is_comparator(const char *s) {
  return cchc_comparator_parse(s, NULL);
}
static bool is_unit(const char *s) { return cchc_unit_parse(s, NULL); }
static bool is_deadline_kind(const char *s) {
  return cchc_deadline_kind_parse(s, NULL);
}

/* ------------------------------------------------------------------ */
/* Ids                                                                 */

typedef struct id_entry {
  const char *id;
  int index;
} id_entry;

typedef struct id_index {
  id_entry *e;
  size_t n;
} id_index;

static int cmp_entry(const void *a, const void *b) {
  const id_entry *x = a, *y = b;
  int c = strcmp(x->id, y->id);
  return c ? c : (x->index > y->index) - (x->index < y->index);
}

/* Index the ids of `n` items, `size` bytes apart, whose id is at `id_at`
 * bytes into each item. */
static bool index_ids(reader *r, id_index *ix, const void *items, size_t n,
                      size_t size, size_t id_at) {
  ix->e = calloc(n ? n : 1, sizeof *ix->e);
  ix->n = 0;
  if (!ix->e)
    return json_read_nomem(&r->jr);
  for (size_t i = 0; i < n; i++) {
    const char *id = *(const char *const *)((const char *)items + i * size +
                                            id_at);
    if (id)
      ix->e[ix->n++] = (id_entry){id, (int)i};
  }
  qsort(ix->e, ix->n, sizeof *ix->e, cmp_entry);
  return true;
}

/* The first item with `id`, or -1. */
static int find_id(const id_index *ix, const char *id) {
  size_t lo = 0, hi = ix->n;
  while (id && lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (strcmp(ix->e[mid].id, id) < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  return id && lo < ix->n && strcmp(ix->e[lo].id, id) == 0 ? ix->e[lo].index
                                                           : -1;
}

/* A member naming an item by id: its index, or -1 when missing, null or
 * naming nothing. */
static bool ref(reader *r, const json_t *o, const char *where, const char *key,
                const id_index *ix, int *out) {
  const char *id;
  *out = -1;
  if (!json_read_string(&r->jr, o, where, key, false, &id))
    return false;
  *out = find_id(ix, id);
  return true;
}

/* ------------------------------------------------------------------ */
/* Parts                                                               */

static bool read_source(reader *r, json_t *root) {
  json_t *src;
  const char *sha;
  json_int_t bytes, repairs;
  if (!json_read_object(&r->jr, root, "", "source", false, &src) ||
      !str(r, src, "source", "path", &r->f->path) ||
      !str(r, src, "source", "encoding", &r->f->encoding) ||
      !json_read_string(&r->jr, src, "source", "sha256", false, &sha) ||
      !integer(r, src, "source", "bytes", LLONG_MAX, &bytes) ||
      !integer(r, src, "source", "repairs", LLONG_MAX, &repairs))
    return false;
  if (sha && (strlen(sha) != 64 || strspn(sha, "0123456789abcdef") != 64))
    return json_read_fail(&r->jr, "source: \"sha256\" must be 64 hex digits");
  snprintf(r->f->sha256, sizeof r->f->sha256, "%s", sha ? sha : "");
  r->f->bytes = (size_t)bytes;
  r->f->repairs = (size_t)repairs;
  return true;
}

/* "year": an integer, or a string of digits (as people write frames by
 * hand); kept as a decimal string like every document field. */
static bool read_year(reader *r, const json_t *doc, const char **out) {
  json_t *v = json_object_get(doc, "year");
  *out = NULL;
  if (!v || json_is_null(v))
    return true;
  if (json_is_integer(v) && json_integer_value(v) >= 0 &&
      json_integer_value(v) <= 999999999) {
    *out = frame_printf(r->f, "%lld", (long long)json_integer_value(v));
    return *out || json_read_nomem(&r->jr);
  }
  const char *s = json_string_value(v);
  size_t n = s ? strlen(s) : 0;
  if (n == 0 || n > 9 || strspn(s, "0123456789") != n)
    return json_read_fail(&r->jr,
                          "document: \"year\" must be an integer, not %s",
                          json_read_type_name(v));
  return str(r, doc, "document", "year", out);
}

static bool read_document(reader *r, json_t *root) {
  frame_document *d = &r->f->document;
  json_t *doc, *period = NULL, *parent = NULL, *prov = NULL;
  const char *w = "document";
  if (!json_read_object(&r->jr, root, "", "document", false, &doc))
    return false;
  if (!doc)
    return true;
  if (!str(r, doc, w, "kind", &d->kind.value) ||
      !str(r, doc, w, "level", &d->level.value) ||
      !str(r, doc, w, "place", &d->place.value) ||
      !str(r, doc, w, "province", &d->province.value) ||
      !read_year(r, doc, &d->year.value) ||
      !str(r, doc, w, "number", &d->number.value) ||
      !str(r, doc, w, "date", &d->date.value) ||
      !str(r, doc, w, "title", &d->title.value) ||
      !str(r, doc, w, "signer", &d->signer.value) ||
      !json_read_object(&r->jr, doc, "document: ", "period", false, &period) ||
      !json_read_object(&r->jr, doc, "document: ", "parent", false, &parent) ||
      !json_read_object(&r->jr, doc, "document: ", "provenance", false,
                        &prov) ||
      !str(r, period, "document.period", "start", &d->period_start.value) ||
      !str(r, period, "document.period", "end", &d->period_end.value) ||
      !str(r, parent, "document.parent", "number", &d->parent_number.value) ||
      !str(r, parent, "document.parent", "date", &d->parent_date.value))
    return false;
  for (int k = 0; k < CCHC_DOC_FIELD_COUNT; k++) {
    const char *name = cchc_doc_field_name((cchc_doc_field)k);
    frame_field *fd = frame_document_field(d, (cchc_doc_field)k);
    json_t *p;
    if (!json_read_object(&r->jr, prov, "document.provenance: ", name, false,
                          &p) ||
        !span(r, p, "document.provenance", "span", &fd->span) ||
        !str(r, p, "document.provenance", "rule", &fd->rule))
      return false;
  }
  return true;
}

/* Item i of array `name`, an object, with `where` naming it in messages
 * ("targets[3]"); NULL on failure. */
static json_t *item(reader *r, json_t *arr, const char *name, size_t i,
                    char where[64]) {
  snprintf(where, 64, "%s[%zu]", name, i);
  return json_read_item(&r->jr, arr, name, i);
}

/* A new element of one of the frame's arrays (FRAME_PUSH), or NULL with
 * the failure recorded. */
static void *pushed(reader *r, void *element) {
  if (!element)
    json_read_nomem(&r->jr);
  return element;
}

static bool read_references(reader *r, json_t *root) {
  json_t *arr;
  if (!json_read_array(&r->jr, root, "", "references", false, &arr))
    return false;
  for (size_t i = 0; i < json_array_size(arr); i++) {
    char where[64];
    json_t *o = item(r, arr, "references", i, where);
    frame_reference *x = o ? pushed(r, FRAME_PUSH(r->f, references)) : NULL;
    json_t *ms;
    if (!x)
      return false;
    if (!str(r, o, where, "number", &x->number) ||
        !str(r, o, where, "kind", &x->kind) ||
        !str(r, o, where, "date", &x->date) ||
        !str(r, o, where, "issuer", &x->issuer) ||
        !span(r, o, where, "span", &x->span) ||
        !str(r, o, where, "rule", &x->rule) ||
        !json_read_array(&r->jr, o, where, "mentions", false, &ms))
      return false;
    size_t n = json_array_size(ms);
    if (n && !(x->mentions = calloc(n, sizeof *x->mentions)))
      return json_read_nomem(&r->jr);
    x->cap_mentions = x->nmentions = n;
    for (size_t k = 0; k < n; k++)
      if (!span_value(r, json_array_get(ms, k), where, "mentions",
                      &x->mentions[k]))
        return false;
  }
  return true;
}

static bool read_sections(reader *r, json_t *root) {
  json_t *arr;
  if (!json_read_array(&r->jr, root, "", "sections", false, &arr))
    return false;
  for (size_t i = 0; i < json_array_size(arr); i++) {
    char where[64];
    json_t *o = item(r, arr, "sections", i, where);
    frame_section *x = o ? pushed(r, FRAME_PUSH(r->f, sections)) : NULL;
    json_int_t level;
    if (!x)
      return false;
    if (!str(r, o, where, "id", &x->id) ||
        !str(r, o, where, "number", &x->number) ||
        !str(r, o, where, "heading", &x->heading) ||
        !str(r, o, where, "area", &x->area) ||
        !integer(r, o, where, "level", INT_MAX, &level) ||
        !span(r, o, where, "span", &x->span) ||
        !str(r, o, where, "rule", &x->rule))
      return false;
    x->level = (int)level;
  }
  return true;
}

/* The sections' parents, once every section is read. */
static bool link_sections(reader *r, json_t *root, const id_index *secs) {
  json_t *arr = json_object_get(root, "sections");
  for (size_t i = 0; i < r->f->nsections; i++) {
    char where[64];
    snprintf(where, sizeof where, "sections[%zu]", i);
    frame_section *x = &r->f->sections[i];
    if (!ref(r, json_array_get(arr, i), where, "parent", secs, &x->parent))
      return false;
    if (x->parent == (int)i)
      return json_read_fail(&r->jr,
                            "%s: \"parent\" names the section itself", where);
  }
  return true;
}

static bool read_targets(reader *r, json_t *root, const id_index *secs) {
  json_t *arr;
  if (!json_read_array(&r->jr, root, "", "targets", false, &arr))
    return false;
  for (size_t i = 0; i < json_array_size(arr); i++) {
    char where[64];
    json_t *o = item(r, arr, "targets", i, where);
    frame_target *x = o ? pushed(r, FRAME_PUSH(r->f, targets)) : NULL;
    bool has;
    if (!x)
      return false;
    if (!str(r, o, where, "id", &x->id) ||
        !ref(r, o, where, "section", secs, &x->section) ||
        !str(r, o, where, "area", &x->area) ||
        !str(r, o, where, "indicator", &x->indicator) ||
        !str(r, o, where, "subject", &x->subject) ||
        !str(r, o, where, "text", &x->text) ||
        !enum_str(r, o, where, "comparator", is_comparator, &x->comparator) ||
        !json_read_number(&r->jr, o, where, "value", true, &x->value, &has) ||
        !json_read_number(&r->jr, o, where, "value_max", false, &x->value_max,
                          &x->has_value_max) ||
        !enum_str(r, o, where, "unit", is_unit, &x->unit) ||
        !span(r, o, where, "span", &x->span) ||
        !str(r, o, where, "rule", &x->rule))
      return false;
  }
  return true;
}

static bool read_deadlines(reader *r, json_t *root) {
  json_t *arr;
  if (!json_read_array(&r->jr, root, "", "deadlines", false, &arr))
    return false;
  for (size_t i = 0; i < json_array_size(arr); i++) {
    char where[64];
    json_t *o = item(r, arr, "deadlines", i, where);
    frame_deadline *x = o ? pushed(r, FRAME_PUSH(r->f, deadlines)) : NULL;
    if (!x)
      return false;
    if (!str(r, o, where, "id", &x->id) ||
        !str(r, o, where, "text", &x->text) ||
        !enum_str(r, o, where, "kind", is_deadline_kind, &x->kind) ||
        !str(r, o, where, "start", &x->start) ||
        !str(r, o, where, "end", &x->end) ||
        !str(r, o, where, "recurrence", &x->recurrence) ||
        !boolean(r, o, where, "year_inferred", &x->year_inferred) ||
        !span(r, o, where, "span", &x->span) ||
        !str(r, o, where, "rule", &x->rule))
      return false;
  }
  return true;
}

static bool read_unit(reader *r, const json_t *o, const char *where,
                      frame_unit *u) {
  return str(r, o, where, "key", &u->key) &&
         str(r, o, where, "name", &u->name) &&
         str(r, o, where, "text", &u->text) &&
         span(r, o, where, "span", &u->span);
}

/* A task's list of units ("lead", "coordinators") into the arena. */
static bool read_units(reader *r, const json_t *task, const char *where,
                       const char *key, frame_unit **out, size_t *n) {
  json_t *arr;
  *out = NULL;
  *n = 0;
  if (!json_read_array(&r->jr, task, where, key, false, &arr))
    return false;
  size_t m = json_array_size(arr);
  if (m && !(*out = frame_alloc(r->f, m * sizeof **out)))
    return json_read_nomem(&r->jr);
  for (size_t k = 0; k < m; k++) {
    char uw[96];
    snprintf(uw, sizeof uw, "%s.%s", where, key);
    json_t *u = json_read_item(&r->jr, arr, uw, k);
    snprintf(uw, sizeof uw, "%s.%s[%zu]", where, key, k);
    if (!u || !read_unit(r, u, uw, &(*out)[k]))
      return false;
  }
  *n = m;
  return true;
}

static bool read_tasks(reader *r, json_t *root, const id_index *secs,
                       const id_index *targets, const id_index *deadlines) {
  json_t *arr;
  if (!json_read_array(&r->jr, root, "", "tasks", false, &arr))
    return false;
  for (size_t i = 0; i < json_array_size(arr); i++) {
    char where[64];
    json_t *o = item(r, arr, "tasks", i, where);
    frame_task *x = o ? pushed(r, FRAME_PUSH(r->f, tasks)) : NULL;
    if (!x)
      return false;
    if (!str(r, o, where, "id", &x->id) ||
        !ref(r, o, where, "section", secs, &x->section) ||
        !str(r, o, where, "area", &x->area) ||
        !str(r, o, where, "text", &x->text) ||
        !read_units(r, o, where, "lead", &x->lead, &x->nlead) ||
        !str(r, o, where, "lead_from", &x->lead_from) ||
        !read_units(r, o, where, "coordinators", &x->coordinators,
                    &x->ncoordinators) ||
        !ref(r, o, where, "deadline", deadlines, &x->deadline) ||
        !str(r, o, where, "products", &x->products) ||
        !str(r, o, where, "budget", &x->budget) ||
        !ref(r, o, where, "target", targets, &x->target) ||
        !span(r, o, where, "span", &x->span) ||
        !str(r, o, where, "rule", &x->rule))
      return false;
  }
  return true;
}

static bool read_leads(reader *r, json_t *root) {
  json_t *arr;
  if (!json_read_array(&r->jr, root, "", "leads", false, &arr))
    return false;
  for (size_t i = 0; i < json_array_size(arr); i++) {
    char where[64];
    json_t *o = item(r, arr, "leads", i, where);
    frame_lead *x = o ? pushed(r, FRAME_PUSH(r->f, leads)) : NULL;
    json_t *u;
    char uw[80];
    snprintf(uw, sizeof uw, "%s.unit", where);
    if (!x)
      return false;
    if (!str(r, o, where, "area", &x->area) ||
        !json_read_object(&r->jr, o, where, "unit", false, &u) ||
        !read_unit(r, u, uw, &x->unit) ||
        !str(r, o, where, "text", &x->text) ||
        !span(r, o, where, "span", &x->span) ||
        !str(r, o, where, "rule", &x->rule))
      return false;
  }
  return true;
}

/* An inconsistency names two targets; one that names none could not be
 * shown, so it is an error rather than a none. */
static bool read_inconsistencies(reader *r, json_t *root,
                                 const id_index *targets) {
  json_t *arr;
  if (!json_read_array(&r->jr, root, "", "inconsistencies", false, &arr))
    return false;
  for (size_t i = 0; i < json_array_size(arr); i++) {
    char where[64];
    json_t *o = item(r, arr, "inconsistencies", i, where);
    frame_inconsistency *x =
        o ? pushed(r, FRAME_PUSH(r->f, inconsistencies)) : NULL;
    if (!x)
      return false;
    if (!str(r, o, where, "indicator", &x->indicator) ||
        !ref(r, o, where, "first", targets, &x->first) ||
        !ref(r, o, where, "second", targets, &x->second))
      return false;
    if (x->first < 0 || x->second < 0)
      return json_read_fail(&r->jr,
                            "%s: \"first\" and \"second\" must name targets",
                            where);
  }
  return true;
}

/* Everything but the arrays that refer to others, then those. */
static bool read_frame(reader *r, json_t *root) {
  const char *schema = json_string_value(json_object_get(root, "schema"));
  if (!schema || strcmp(schema, "cchc/1") != 0)
    return json_read_fail(&r->jr, "is not a cchc/1 frame (\"schema\" must be "
                                  "\"cchc/1\")");
  if (!read_source(r, root) || !read_document(r, root) ||
      !read_references(r, root) || !read_sections(r, root) ||
      !read_deadlines(r, root))
    return false;
  id_index secs = {0}, targets = {0}, deadlines = {0};
  cchc_frame *f = r->f;
  bool ok = index_ids(r, &secs, f->sections, f->nsections, sizeof *f->sections,
                      offsetof(frame_section, id)) &&
            link_sections(r, root, &secs) &&
            read_targets(r, root, &secs) &&
            index_ids(r, &targets, f->targets, f->ntargets, sizeof *f->targets,
                      offsetof(frame_target, id)) &&
            index_ids(r, &deadlines, f->deadlines, f->ndeadlines,
                      sizeof *f->deadlines, offsetof(frame_deadline, id)) &&
            read_tasks(r, root, &secs, &targets, &deadlines) &&
            read_leads(r, root) && read_inconsistencies(r, root, &targets);
  free(secs.e);
  free(targets.e);
  free(deadlines.e);
  return ok;
}

cchc_status cchc_frame_from_json(const char *json, size_t len,
                                 cchc_frame **out, cchc_error *err) {
  *out = NULL;
  reader r = {.jr = {.which = "frame", .err = err, .status = CCHC_OK}};
  json_t *root = json_read_parse(&r.jr, json, len);
  if (!root)
    return r.jr.status;
  r.f = frame_new();
  if (!r.f) {
    json_decref(root);
    return cchc_fail(err, CCHC_ERR_NOMEM, "out of memory");
  }
  bool ok = read_frame(&r, root);
  json_decref(root);
  if (ok && r.f->failed)
    ok = json_read_nomem(&r.jr);
  if (!ok) {
    cchc_frame_free(r.f);
    return r.jr.status;
  }
  *out = r.f;
  return CCHC_OK;
}
