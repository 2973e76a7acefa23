/* walk.c: the one walk of a frame shared by every format (see emit.h).
 *
 * The order and names below are the contract published in
 * emit/schema/frame.schema.json and emit/schema/frame.xsd: change them
 * together. */
#include "emit.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct walker {
  const cchc_frame *f;
  const emit_ops *ops;
  void *ctx;
  char *scratch; /* cleaned copy of the current string */
  size_t cap;
  bool nomem;
} walker;

/* ------------------------------------------------------------------ */
/* Numbers                                                             */

bool emit_number_is_integer(double v) {
  return isfinite(v) && v == floor(v) && fabs(v) < 9007199254740992.0;
}

char *emit_format_number(double v, char buf[40]) {
  if (emit_number_is_integer(v)) {
    snprintf(buf, 40, "%lld", (long long)v);
    return buf;
  }
  char tmp[40];
  snprintf(tmp, sizeof tmp, "%.15g", v);
  /* "1e+05" -> "1e5", "1e-05" -> "1e-5" (as jansson prints reals). */
  char *o = buf;
  for (const char *p = tmp; *p;) {
    *o++ = *p;
    if (*p++ == 'e') {
      if (*p == '+')
        p++;
      else if (*p == '-')
        *o++ = *p++;
      while (*p == '0' && p[1])
        p++;
    }
  }
  *o = '\0';
  return buf;
}

/* ------------------------------------------------------------------ */
/* Strings                                                             */

static bool char_ok(int32_t c) {
  if (c < 0)
    return false;
  if (c < 0x20)
    return c == '\t' || c == '\n' || c == '\r';
  return c != 0xFFFE && c != 0xFFFF;
}

/* `s`, or a copy in w->scratch with every invalid byte and every
 * character XML cannot carry replaced by U+FFFD. */
static const char *clean(walker *w, const char *s) {
  if (!s)
    return NULL;
  size_t n = strlen(s), i = 0;
  while (i < n) {
    unsigned char b = (unsigned char)s[i];
    if (b >= 0x20 && b < 0x80) {
      i++;
      continue;
    }
    size_t at = i;
    if (!char_ok(cchc_utf8_next(s, n, &i))) {
      i = at;
      break;
    }
  }
  if (i == n)
    return s;
  /* Each bad byte becomes 3 bytes at most. */
  if (n * 3 + 1 > w->cap) {
    char *p = realloc(w->scratch, n * 3 + 1);
    if (!p) {
      w->nomem = true;
      return NULL;
    }
    w->scratch = p;
    w->cap = n * 3 + 1;
  }
  memcpy(w->scratch, s, i);
  size_t o = i;
  while (i < n) {
    size_t at = i;
    int32_t c = cchc_utf8_next(s, n, &i);
    if (char_ok(c)) {
      memcpy(w->scratch + o, s + at, i - at);
      o += i - at;
    } else {
      memcpy(w->scratch + o, "\xEF\xBF\xBD", 3);
      o += 3;
    }
  }
  w->scratch[o] = '\0';
  return w->scratch;
}

/* ------------------------------------------------------------------ */
/* Checks made before anything is emitted                              */

static bool index_ok(int i, size_t n) { return i >= 0 && (size_t)i < n; }

static bool year_ok(const char *s) {
  size_t n = strlen(s);
  if (n == 0 || n > 9)
    return false;
  for (size_t i = 0; i < n; i++)
    if (s[i] < '0' || s[i] > '9')
      return false;
  return true;
}

static cchc_status check(const cchc_frame *f, cchc_error *err) {
  if (f->failed)
    return cchc_fail(err, CCHC_ERR_NOMEM,
                     "the frame is incomplete: an allocation failed while "
                     "it was built");
  if (f->document.year.value && !year_ok(f->document.year.value))
    return cchc_fail(err, CCHC_ERR_INVALID,
                     "document year \"%.40s\" is not a decimal number",
                     f->document.year.value);
  for (size_t i = 0; i < f->nsections; i++) {
    int p = f->sections[i].parent;
    if (p != -1 && (!index_ok(p, f->nsections) || (size_t)p == i))
      return cchc_fail(err, CCHC_ERR_INVALID,
                       "section %zu: parent index %d out of range", i + 1, p);
  }
  for (size_t i = 0; i < f->ntargets; i++) {
    const frame_target *t = &f->targets[i];
    if (t->section != -1 && !index_ok(t->section, f->nsections))
      return cchc_fail(err, CCHC_ERR_INVALID,
                       "target %zu: section index %d out of range", i + 1,
                       t->section);
    if (!isfinite(t->value) || (t->has_value_max && !isfinite(t->value_max)))
      return cchc_fail(err, CCHC_ERR_INVALID,
                       "target %zu: value is not a finite number", i + 1);
  }
  for (size_t i = 0; i < f->ntasks; i++) {
    const frame_task *t = &f->tasks[i];
    if (t->section != -1 && !index_ok(t->section, f->nsections))
      return cchc_fail(err, CCHC_ERR_INVALID,
                       "task %zu: section index %d out of range", i + 1,
                       t->section);
    if (t->deadline != -1 && !index_ok(t->deadline, f->ndeadlines))
      return cchc_fail(err, CCHC_ERR_INVALID,
                       "task %zu: deadline index %d out of range", i + 1,
                       t->deadline);
    if (t->target != -1 && !index_ok(t->target, f->ntargets))
      return cchc_fail(err, CCHC_ERR_INVALID,
                       "task %zu: target index %d out of range", i + 1,
                       t->target);
    if ((t->nlead && !t->lead) || (t->ncoordinators && !t->coordinators))
      return cchc_fail(err, CCHC_ERR_INVALID, "task %zu: missing unit list",
                       i + 1);
  }
  for (size_t i = 0; i < f->nreferences; i++)
    if (f->references[i].nmentions && !f->references[i].mentions)
      return cchc_fail(err, CCHC_ERR_INVALID,
                       "reference %zu: missing mention list", i + 1);
  for (size_t i = 0; i < f->ninconsistencies; i++) {
    const frame_inconsistency *c = &f->inconsistencies[i];
    if (!index_ok(c->first, f->ntargets) || !index_ok(c->second, f->ntargets))
      return cchc_fail(err, CCHC_ERR_INVALID,
                       "inconsistency %zu: target index out of range", i + 1);
  }
  return CCHC_OK;
}

/* ------------------------------------------------------------------ */
/* The walk                                                            */

static void str(walker *w, const char *name, const char *s) {
  s = clean(w, s);
  if (s)
    w->ops->string(w->ctx, name, s);
  else
    w->ops->null(w->ctx, name);
}

static void span(walker *w, const char *name, frame_span s) {
  w->ops->span(w->ctx, name, s);
}

static void integer(walker *w, const char *name, long long v) {
  w->ops->integer(w->ctx, name, v);
}

static void begin(walker *w, const char *name) {
  w->ops->begin_object(w->ctx, name);
}

static void end(walker *w) { w->ops->end_object(w->ctx); }

static void begin_array(walker *w, const char *name, const char *item) {
  w->ops->begin_array(w->ctx, name, item);
}

static void end_array(walker *w) { w->ops->end_array(w->ctx); }

/* The id of item `i` of an array, or null when i is -1. */
static void ref(walker *w, const char *name, const char *id) {
  str(w, name, id);
}

static void walk_source(walker *w) {
  const cchc_frame *f = w->f;
  begin(w, "source");
  str(w, "path", f->path);
  str(w, "sha256", f->sha256[0] ? f->sha256 : NULL);
  integer(w, "bytes", (long long)f->bytes);
  str(w, "encoding", f->encoding);
  integer(w, "repairs", (long long)f->repairs);
  end(w);
}

static void walk_document(walker *w) {
  const frame_document *d = &w->f->document;
  begin(w, "document");
  str(w, "kind", d->kind.value);
  str(w, "level", d->level.value);
  str(w, "place", d->place.value);
  str(w, "province", d->province.value);
  if (d->year.value)
    integer(w, "year", strtoll(d->year.value, NULL, 10));
  else
    w->ops->null(w->ctx, "year");
  begin(w, "period");
  str(w, "start", d->period_start.value);
  str(w, "end", d->period_end.value);
  end(w);
  str(w, "number", d->number.value);
  str(w, "date", d->date.value);
  str(w, "title", d->title.value);
  str(w, "signer", d->signer.value);
  begin(w, "parent");
  str(w, "number", d->parent_number.value);
  str(w, "date", d->parent_date.value);
  end(w);
  /* Where each known field was found: its span and rule. */
  const struct {
    const char *name;
    const frame_field *field;
  } fields[] = {
      {"kind", &d->kind},
      {"level", &d->level},
      {"place", &d->place},
      {"province", &d->province},
      {"year", &d->year},
      {"period_start", &d->period_start},
      {"period_end", &d->period_end},
      {"number", &d->number},
      {"date", &d->date},
      {"title", &d->title},
      {"signer", &d->signer},
      {"parent_number", &d->parent_number},
      {"parent_date", &d->parent_date},
  };
  begin(w, "provenance");
  for (size_t i = 0; i < sizeof fields / sizeof *fields; i++) {
    if (!fields[i].field->value)
      continue;
    begin(w, fields[i].name);
    span(w, "span", fields[i].field->span);
    str(w, "rule", fields[i].field->rule);
    end(w);
  }
  end(w);
  end(w);
}

static void walk_references(walker *w) {
  const cchc_frame *f = w->f;
  begin_array(w, "references", "reference");
  for (size_t i = 0; i < f->nreferences; i++) {
    const frame_reference *r = &f->references[i];
    begin(w, "reference");
    str(w, "number", r->number);
    str(w, "kind", r->kind);
    str(w, "date", r->date);
    str(w, "issuer", r->issuer);
    span(w, "span", r->span);
    str(w, "rule", r->rule);
    begin_array(w, "mentions", "mention");
    for (size_t k = 0; k < r->nmentions; k++)
      span(w, "mention", r->mentions[k]);
    end_array(w);
    end(w);
  }
  end_array(w);
}

static const char *section_id(const cchc_frame *f, int i) {
  return i >= 0 ? f->sections[i].id : NULL;
}

static void walk_sections(walker *w) {
  const cchc_frame *f = w->f;
  begin_array(w, "sections", "section");
  for (size_t i = 0; i < f->nsections; i++) {
    const frame_section *s = &f->sections[i];
    begin(w, "section");
    str(w, "id", s->id);
    str(w, "number", s->number);
    str(w, "heading", s->heading);
    str(w, "area", s->area);
    integer(w, "level", s->level);
    ref(w, "parent", section_id(f, s->parent));
    span(w, "span", s->span);
    str(w, "rule", s->rule);
    end(w);
  }
  end_array(w);
}

static void walk_targets(walker *w) {
  const cchc_frame *f = w->f;
  begin_array(w, "targets", "target");
  for (size_t i = 0; i < f->ntargets; i++) {
    const frame_target *t = &f->targets[i];
    begin(w, "target");
    str(w, "id", t->id);
    ref(w, "section", section_id(f, t->section));
    str(w, "area", t->area);
    str(w, "indicator", t->indicator);
    str(w, "subject", t->subject);
    str(w, "text", t->text);
    str(w, "comparator", t->comparator);
    w->ops->number(w->ctx, "value", t->value);
    if (t->has_value_max)
      w->ops->number(w->ctx, "value_max", t->value_max);
    else
      w->ops->null(w->ctx, "value_max");
    str(w, "unit", t->unit);
    span(w, "span", t->span);
    str(w, "rule", t->rule);
    end(w);
  }
  end_array(w);
}

static void walk_deadlines(walker *w) {
  const cchc_frame *f = w->f;
  begin_array(w, "deadlines", "deadline");
  for (size_t i = 0; i < f->ndeadlines; i++) {
    const frame_deadline *d = &f->deadlines[i];
    begin(w, "deadline");
    str(w, "id", d->id);
    str(w, "text", d->text);
    str(w, "kind", d->kind);
    str(w, "start", d->start);
    str(w, "end", d->end);
    str(w, "recurrence", d->recurrence);
    w->ops->boolean(w->ctx, "year_inferred", d->year_inferred);
    span(w, "span", d->span);
    str(w, "rule", d->rule);
    end(w);
  }
  end_array(w);
}

static void walk_unit(walker *w, const char *name, const frame_unit *u) {
  begin(w, name);
  str(w, "key", u->key);
  str(w, "name", u->name);
  str(w, "text", u->text);
  span(w, "span", u->span);
  end(w);
}

static void walk_units(walker *w, const char *name, const frame_unit *units,
                       size_t n) {
  begin_array(w, name, "unit");
  for (size_t i = 0; i < n; i++)
    walk_unit(w, "unit", &units[i]);
  end_array(w);
}

static void walk_tasks(walker *w) {
  const cchc_frame *f = w->f;
  begin_array(w, "tasks", "task");
  for (size_t i = 0; i < f->ntasks; i++) {
    const frame_task *t = &f->tasks[i];
    begin(w, "task");
    str(w, "id", t->id);
    ref(w, "section", section_id(f, t->section));
    str(w, "area", t->area);
    str(w, "text", t->text);
    walk_units(w, "lead", t->lead, t->nlead);
    str(w, "lead_from", t->lead_from);
    walk_units(w, "coordinators", t->coordinators, t->ncoordinators);
    ref(w, "deadline", t->deadline >= 0 ? f->deadlines[t->deadline].id : NULL);
    str(w, "products", t->products);
    str(w, "budget", t->budget);
    ref(w, "target", t->target >= 0 ? f->targets[t->target].id : NULL);
    span(w, "span", t->span);
    str(w, "rule", t->rule);
    end(w);
  }
  end_array(w);
}

static void walk_leads(walker *w) {
  const cchc_frame *f = w->f;
  begin_array(w, "leads", "lead");
  for (size_t i = 0; i < f->nleads; i++) {
    const frame_lead *l = &f->leads[i];
    begin(w, "lead");
    str(w, "area", l->area);
    walk_unit(w, "unit", &l->unit);
    str(w, "text", l->text);
    span(w, "span", l->span);
    str(w, "rule", l->rule);
    end(w);
  }
  end_array(w);
}

static void walk_inconsistencies(walker *w) {
  const cchc_frame *f = w->f;
  begin_array(w, "inconsistencies", "inconsistency");
  for (size_t i = 0; i < f->ninconsistencies; i++) {
    const frame_inconsistency *c = &f->inconsistencies[i];
    const frame_target *a = &f->targets[c->first], *b = &f->targets[c->second];
    begin(w, "inconsistency");
    str(w, "indicator", c->indicator);
    ref(w, "first", a->id);
    ref(w, "second", b->id);
    begin_array(w, "spans", "span");
    span(w, "span", a->span);
    span(w, "span", b->span);
    end_array(w);
    end(w);
  }
  end_array(w);
}

cchc_status emit_walk(const cchc_frame *f, const emit_ops *ops, void *ctx,
                      cchc_error *err) {
  if (!f)
    return cchc_fail(err, CCHC_ERR_INVALID, "no frame");
  cchc_status st = check(f, err);
  if (st != CCHC_OK)
    return st;
  walker w = {.f = f, .ops = ops, .ctx = ctx};
  begin(&w, "frame");
  str(&w, "schema", EMIT_SCHEMA_ID);
  walk_source(&w);
  walk_document(&w);
  walk_references(&w);
  walk_sections(&w);
  walk_targets(&w);
  walk_deadlines(&w);
  walk_tasks(&w);
  walk_leads(&w);
  walk_inconsistencies(&w);
  end(&w);
  free(w.scratch);
  if (w.nomem)
    return cchc_fail(err, CCHC_ERR_NOMEM, "out of memory while emitting");
  return CCHC_OK;
}
