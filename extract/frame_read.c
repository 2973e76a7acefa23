/* frame_read.c: the frame's public read API (cchc.h, "Reading a frame").
 *
 * The public item types are the structs of frame.h, so an accessor is a
 * field read; indices are ints inside (-1 for none) and size_t outside
 * (CCHC_NONE for none).  Comparators, units and deadline kinds are kept as
 * the strings the rules set and the JSON carries, and turned into enums
 * here. */
#include "frame.h"

#include <math.h>
#include <string.h>

/* ------------------------------------------------------------------ */
/* Enums and their strings                                             */

static const char *const comparator_names[] = {
    [CCHC_CMP_GE] = ">=", [CCHC_CMP_GT] = ">", [CCHC_CMP_LE] = "<=",
    [CCHC_CMP_EQ] = "=",  [CCHC_CMP_RANGE] = "range"};
static const char *const unit_names[] = {[CCHC_UNIT_PERCENT] = "%",
                                         [CCHC_UNIT_COUNT] = "count"};
static const char *const deadline_kind_names[] = {
    [CCHC_DEADLINE_DATE] = "date",
    [CCHC_DEADLINE_MONTH] = "month",
    [CCHC_DEADLINE_QUARTER] = "quarter",
    [CCHC_DEADLINE_HALF] = "half",
    [CCHC_DEADLINE_YEAR] = "year",
    [CCHC_DEADLINE_RANGE] = "range",
    [CCHC_DEADLINE_RECURRING] = "recurring",
    [CCHC_DEADLINE_CONTINUOUS] = "continuous",
    [CCHC_DEADLINE_CONDITIONAL] = "conditional"};

#define COUNT(a) (sizeof(a) / sizeof *(a))

/* The index of `name` in `names` into *out; false when it is not there. */
static bool lookup(const char *const *names, int n, const char *name,
                   int *out) {
  for (int i = 0; name && i < n; i++)
    if (strcmp(names[i], name) == 0) {
      *out = i;
      return true;
    }
  return false;
}

static const char *name_of(const char *const *names, int n, int v) {
  return v >= 0 && v < n ? names[v] : NULL;
}

const char *cchc_comparator_name(cchc_comparator c) {
  return name_of(comparator_names, COUNT(comparator_names), (int)c);
}
const char *cchc_unit_name(cchc_unit u) {
  return name_of(unit_names, COUNT(unit_names), (int)u);
}
const char *cchc_deadline_kind_name(cchc_deadline_kind k) {
  return name_of(deadline_kind_names, COUNT(deadline_kind_names), (int)k);
}

bool cchc_comparator_parse(const char *name, cchc_comparator *out) {
  int v;
  bool ok = lookup(comparator_names, COUNT(comparator_names), name, &v);
  if (ok && out)
    *out = (cchc_comparator)v;
  return ok;
}
bool cchc_unit_parse(const char *name, cchc_unit *out) {
  int v;
  bool ok = lookup(unit_names, COUNT(unit_names), name, &v);
  if (ok && out)
    *out = (cchc_unit)v;
  return ok;
}
bool cchc_deadline_kind_parse(const char *name, cchc_deadline_kind *out) {
  int v;
  bool ok = lookup(deadline_kind_names, COUNT(deadline_kind_names), name, &v);
  if (ok && out)
    *out = (cchc_deadline_kind)v;
  return ok;
}

/* ------------------------------------------------------------------ */
/* Source and document                                                 */

const char *cchc_frame_path(const cchc_frame *f) { return f->path; }
const char *cchc_frame_sha256(const cchc_frame *f) {
  return f->sha256[0] ? f->sha256 : NULL;
}
size_t cchc_frame_bytes(const cchc_frame *f) { return f->bytes; }
const char *cchc_frame_encoding(const cchc_frame *f) { return f->encoding; }
size_t cchc_frame_repairs(const cchc_frame *f) { return f->repairs; }

static const char *const doc_field_names[CCHC_DOC_FIELD_COUNT] = {
    [CCHC_DOC_KIND] = "kind",
    [CCHC_DOC_LEVEL] = "level",
    [CCHC_DOC_PLACE] = "place",
    [CCHC_DOC_PROVINCE] = "province",
    [CCHC_DOC_YEAR] = "year",
    [CCHC_DOC_PERIOD_START] = "period_start",
    [CCHC_DOC_PERIOD_END] = "period_end",
    [CCHC_DOC_NUMBER] = "number",
    [CCHC_DOC_DATE] = "date",
    [CCHC_DOC_TITLE] = "title",
    [CCHC_DOC_SIGNER] = "signer",
    [CCHC_DOC_PARENT_NUMBER] = "parent_number",
    [CCHC_DOC_PARENT_DATE] = "parent_date"};

const char *cchc_doc_field_name(cchc_doc_field field) {
  return name_of(doc_field_names, CCHC_DOC_FIELD_COUNT, (int)field);
}

static const frame_field *field_of(const cchc_frame *f, cchc_doc_field field) {
  return frame_document_field((frame_document *)&f->document, field);
}

const char *cchc_frame_document(const cchc_frame *f, cchc_doc_field field) {
  const frame_field *fd = field_of(f, field);
  return fd ? fd->value : NULL;
}

cchc_span cchc_frame_document_span(const cchc_frame *f,
                                   cchc_doc_field field) {
  const frame_field *fd = field_of(f, field);
  return fd ? fd->span : (cchc_span){0, 0};
}

const char *cchc_frame_document_rule(const cchc_frame *f,
                                     cchc_doc_field field) {
  const frame_field *fd = field_of(f, field);
  return fd ? fd->rule : NULL;
}

static bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
         c == '\v';
}

static char fold_ascii(char c) {
  return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

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
    if (fold_ascii(*a) != fold_ascii(*b))
      return false;
    a++, b++;
  }
}

bool cchc_frame_carries_out(const cchc_frame *f, const char *parent_number) {
  return cchc_number_equal(f->document.parent_number.value, parent_number);
}

/* ------------------------------------------------------------------ */
/* Items                                                               */

static size_t index_out(int i) { return i >= 0 ? (size_t)i : CCHC_NONE; }

#define ITEMS(type, array)                                                 \
  size_t cchc_frame_##array(const cchc_frame *f) { return f->n##array; }   \
  const cchc_frame_##type *cchc_frame_##type##_at(const cchc_frame *f,     \
                                                  size_t i) {              \
    return i < f->n##array ? &f->array[i] : NULL;                          \
  }
ITEMS(reference, references)
ITEMS(section, sections)
ITEMS(target, targets)
ITEMS(deadline, deadlines)
ITEMS(task, tasks)
ITEMS(lead, leads)
ITEMS(inconsistency, inconsistencies)
#undef ITEMS

/* A getter that returns a field as it is stored. */
#define GET(type, rtype, field)                                            \
  rtype cchc_frame_##type##_##field(const cchc_frame_##type *x) {          \
    return x->field;                                                       \
  }

GET(reference, const char *, number)
GET(reference, const char *, kind)
GET(reference, const char *, date)
GET(reference, const char *, issuer)
GET(reference, cchc_span, span)
GET(reference, const char *, rule)
size_t cchc_frame_reference_mentions(const cchc_frame_reference *r) {
  return r->nmentions;
}
cchc_span cchc_frame_reference_mention_at(const cchc_frame_reference *r,
                                          size_t i) {
  return i < r->nmentions ? r->mentions[i] : (cchc_span){0, 0};
}

GET(section, const char *, id)
GET(section, const char *, number)
GET(section, const char *, heading)
GET(section, const char *, area)
GET(section, int, level)
GET(section, cchc_span, span)
GET(section, const char *, rule)
size_t cchc_frame_section_parent(const cchc_frame_section *s) {
  return index_out(s->parent);
}

GET(target, const char *, id)
GET(target, const char *, area)
GET(target, const char *, indicator)
GET(target, const char *, subject)
GET(target, const char *, text)
GET(target, double, value)
GET(target, cchc_span, span)
GET(target, const char *, rule)
size_t cchc_frame_target_section(const cchc_frame_target *t) {
  return index_out(t->section);
}
cchc_comparator cchc_frame_target_comparator(const cchc_frame_target *t) {
  cchc_comparator c = CCHC_CMP_NONE;
  cchc_comparator_parse(t->comparator, &c);
  return c;
}
double cchc_frame_target_value_max(const cchc_frame_target *t) {
  return t->has_value_max ? t->value_max : NAN;
}
cchc_unit cchc_frame_target_unit(const cchc_frame_target *t) {
  cchc_unit u = CCHC_UNIT_NONE;
  cchc_unit_parse(t->unit, &u);
  return u;
}
cchc_target cchc_frame_target_plain(const cchc_frame_target *t) {
  cchc_target p = {cchc_frame_target_comparator(t), t->value,
                   t->has_value_max ? t->value_max : t->value,
                   cchc_frame_target_unit(t) == CCHC_UNIT_COUNT};
  return p;
}

GET(deadline, const char *, id)
GET(deadline, const char *, text)
GET(deadline, const char *, start)
GET(deadline, const char *, end)
GET(deadline, const char *, recurrence)
GET(deadline, bool, year_inferred)
GET(deadline, cchc_span, span)
GET(deadline, const char *, rule)
cchc_deadline_kind cchc_frame_deadline_kind(const cchc_frame_deadline *d) {
  cchc_deadline_kind k = CCHC_DEADLINE_NONE;
  cchc_deadline_kind_parse(d->kind, &k);
  return k;
}

GET(unit, const char *, key)
GET(unit, const char *, name)
GET(unit, const char *, text)
GET(unit, cchc_span, span)

GET(task, const char *, id)
GET(task, const char *, area)
GET(task, const char *, text)
GET(task, const char *, lead_from)
GET(task, const char *, products)
GET(task, const char *, budget)
GET(task, cchc_span, span)
GET(task, const char *, rule)
size_t cchc_frame_task_section(const cchc_frame_task *t) {
  return index_out(t->section);
}
size_t cchc_frame_task_deadline(const cchc_frame_task *t) {
  return index_out(t->deadline);
}
size_t cchc_frame_task_target(const cchc_frame_task *t) {
  return index_out(t->target);
}
size_t cchc_frame_task_leads(const cchc_frame_task *t) { return t->nlead; }
const cchc_frame_unit *cchc_frame_task_lead_at(const cchc_frame_task *t,
                                               size_t i) {
  return i < t->nlead ? &t->lead[i] : NULL;
}
size_t cchc_frame_task_coordinators(const cchc_frame_task *t) {
  return t->ncoordinators;
}
const cchc_frame_unit *
cchc_frame_task_coordinator_at(const cchc_frame_task *t, size_t i) {
  return i < t->ncoordinators ? &t->coordinators[i] : NULL;
}

GET(lead, const char *, area)
GET(lead, const char *, text)
GET(lead, cchc_span, span)
GET(lead, const char *, rule)
const cchc_frame_unit *cchc_frame_lead_unit(const cchc_frame_lead *l) {
  return &l->unit;
}

GET(inconsistency, const char *, indicator)
size_t cchc_frame_inconsistency_first(const cchc_frame_inconsistency *c) {
  return index_out(c->first);
}
size_t cchc_frame_inconsistency_second(const cchc_frame_inconsistency *c) {
  return index_out(c->second);
}
#undef GET
