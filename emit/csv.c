/* csv.c: one row per target, RFC 4180, through libcsv.
 *
 * The CSV is a projection of the same walk as JSON and XML: it remembers
 * the source path, the document's place and year and each section's number
 * as they pass, then writes one row when a target closes.  Every field is
 * quoted by libcsv, and a field a spreadsheet would take for a formula is
 * made text with a leading apostrophe (cchc_csv_cell); a null is an empty
 * unquoted field, so that it differs from an empty string ("").  Rows end
 * with CRLF. */
#include "emit.h"

#include <csv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
  COL_PATH,
  COL_PLACE,
  COL_YEAR,
  COL_TARGET,
  COL_SECTION,
  COL_AREA,
  COL_INDICATOR,
  COL_SUBJECT,
  COL_COMPARATOR,
  COL_VALUE,
  COL_VALUE_MAX,
  COL_UNIT,
  COL_TEXT,
  COL_SPAN_START,
  COL_SPAN_END,
  COL_RULE,
  NCOLS
};

static const char *const header[NCOLS] = {
    "source_path", "place",      "year",      "target_id",
    "section_number", "area",    "indicator", "subject",
    "comparator",  "value",      "value_max", "unit",
    "text",        "span_start", "span_end",  "rule"};

/* The column of a target's field, -1 for none. */
static int target_column(emit_name name) {
  switch (name) {
  case NAME_id:
    return COL_TARGET;
  case NAME_section:
    return COL_SECTION;
  case NAME_area:
    return COL_AREA;
  case NAME_indicator:
    return COL_INDICATOR;
  case NAME_subject:
    return COL_SUBJECT;
  case NAME_text:
    return COL_TEXT;
  case NAME_comparator:
    return COL_COMPARATOR;
  case NAME_value:
    return COL_VALUE;
  case NAME_value_max:
    return COL_VALUE_MAX;
  case NAME_unit:
    return COL_UNIT;
  case NAME_rule:
    return COL_RULE;
  default:
    return -1;
  }
}

enum { CSV_MAX_DEPTH = 16 };

typedef struct section_number {
  char *id, *number;
  size_t order; /* in the walk */
} section_number;

typedef struct cctx {
  emit_sink *out;
  strbuf row_text; /* the row being written */
  emit_name names[CSV_MAX_DEPTH]; /* open containers */
  int depth;
  char *path, *place, *year;
  char *row[NCOLS];
  section_number *sections;
  size_t nsections, cap;
  section_number cur; /* the section being walked */
  bool failed;
} cctx;

static bool in(const cctx *c, emit_name top) {
  return c->depth == 3 && c->names[1] == top;
}

static bool in_object(const cctx *c, emit_name obj) {
  return c->depth == 2 && c->names[1] == obj;
}

/* Replace *slot with a copy of v (NULL stays NULL). */
static void keep(cctx *c, char **slot, const char *v) {
  free(*slot);
  *slot = NULL;
  if (v && !(*slot = strdup(v)))
    c->failed = true;
}

void emit_csv_field(strbuf *sb, const char *s) {
  if (s)
    cchc_csv_cell(sb, s, strlen(s));
}

/* One row, quoted by libcsv, then on to the output. */
static void put_row(cctx *c, const char *const *cols) {
  strbuf *sb = &c->row_text;
  strbuf_reset(sb);
  for (int i = 0; i < NCOLS; i++) {
    if (i > 0)
      strbuf_addch(sb, ',');
    emit_csv_field(sb, cols[i]);
  }
  strbuf_addstr(sb, "\r\n");
  if (sb->failed)
    c->failed = true;
  else
    emit_put(c->out, sb->buf, sb->len);
}

/* Sections by id, then walk order; those without an id last. */
static int by_id(const void *a, const void *b) {
  const section_number *p = a, *q = b;
  int c = !p->id || !q->id ? (!p->id) - (!q->id) : strcmp(p->id, q->id);
  return c ? c : (p->order > q->order) - (p->order < q->order);
}

/* The number of the first section (in walk order) with this id: a binary
 * search of the sections sorted by by_id when their array closed. */
static const char *section_number_of(const cctx *c, const char *id) {
  if (!id)
    return NULL;
  size_t lo = 0, hi = c->nsections;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    const char *m = c->sections[mid].id;
    if (m && strcmp(m, id) < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo < c->nsections && c->sections[lo].id &&
                 strcmp(c->sections[lo].id, id) == 0
             ? c->sections[lo].number
             : NULL;
}

static void write_target(cctx *c) {
  const char *cols[NCOLS];
  for (int i = 0; i < NCOLS; i++)
    cols[i] = c->row[i];
  cols[COL_PATH] = c->path;
  cols[COL_PLACE] = c->place;
  cols[COL_YEAR] = c->year;
  cols[COL_SECTION] = section_number_of(c, c->row[COL_SECTION]);
  put_row(c, cols);
  for (int i = 0; i < NCOLS; i++)
    keep(c, &c->row[i], NULL);
}

/* A scalar (text already formatted; NULL for null) named `name`. */
static void scalar(cctx *c, emit_name name, const char *v) {
  if (in_object(c, NAME_source)) {
    if (name == NAME_path)
      keep(c, &c->path, v);
  } else if (in_object(c, NAME_document)) {
    if (name == NAME_place)
      keep(c, &c->place, v);
    else if (name == NAME_year)
      keep(c, &c->year, v);
  } else if (in(c, NAME_sections)) {
    if (name == NAME_id)
      keep(c, &c->cur.id, v);
    else if (name == NAME_number)
      keep(c, &c->cur.number, v);
  } else if (in(c, NAME_targets)) {
    int col = target_column(name);
    if (col >= 0)
      keep(c, &c->row[col], v);
  }
}

static void c_begin(void *ctx, emit_name name) {
  cctx *c = ctx;
  if (c->depth < CSV_MAX_DEPTH)
    c->names[c->depth] = name;
  else
    c->failed = true;
  c->depth++;
}

static void c_begin_array(void *ctx, emit_name name, emit_name item) {
  c_begin(ctx, name);
}

static void c_end(void *ctx) {
  cctx *c = ctx;
  if (in(c, NAME_targets)) {
    write_target(c);
  } else if (in(c, NAME_sections)) {
    if (c->nsections == c->cap) {
      size_t ncap = c->cap ? c->cap * 2 : 32;
      section_number *p = realloc(c->sections, ncap * sizeof *p);
      if (!p) {
        c->failed = true;
        goto out;
      }
      c->sections = p;
      c->cap = ncap;
    }
    c->cur.order = c->nsections;
    c->sections[c->nsections++] = c->cur;
    c->cur.id = c->cur.number = NULL;
  } else if (in_object(c, NAME_sections) && c->nsections > 1) {
    /* the sections array closes: by id for section_number_of */
    qsort(c->sections, c->nsections, sizeof *c->sections, by_id);
  }
out:
  if (c->depth > 0)
    c->depth--;
}

static void c_string(void *ctx, emit_name name, const char *value,
                     size_t len, bool escape_free) {
  scalar(ctx, name, value);
}

static void c_number(void *ctx, emit_name name, double value) {
  char buf[40];
  scalar(ctx, name, emit_format_number(value, buf));
}

static void c_integer(void *ctx, emit_name name, long long value) {
  char buf[CCHC_INTEGER_MAX + 1];
  buf[cchc_integer_text(value, buf)] = '\0';
  scalar(ctx, name, buf);
}

static void c_boolean(void *ctx, emit_name name, bool value) {
  scalar(ctx, name, value ? "true" : "false");
}

static void c_null(void *ctx, emit_name name) { scalar(ctx, name, NULL); }

static void c_span(void *ctx, emit_name name, frame_span s) {
  cctx *c = ctx;
  if (!in(c, NAME_targets) || name != NAME_span)
    return;
  char buf[32];
  snprintf(buf, sizeof buf, "%zu", s.start);
  keep(c, &c->row[COL_SPAN_START], buf);
  snprintf(buf, sizeof buf, "%zu", s.end);
  keep(c, &c->row[COL_SPAN_END], buf);
}

static const emit_ops csv_ops = {
    .begin_object = c_begin,
    .end_object = c_end,
    .begin_array = c_begin_array,
    .end_array = c_end,
    .string = c_string,
    .number = c_number,
    .integer = c_integer,
    .boolean = c_boolean,
    .null = c_null,
    .span = c_span,
};

cchc_status emit_csv(const cchc_frame *frame, bool with_header,
                     emit_sink *out, cchc_error *err) {
  cctx c = {.out = out, .row_text = STRBUF_INIT};
  if (with_header) {
    /* A UTF-8 BOM, so that spreadsheet programs read Vietnamese text as
     * UTF-8, then the header row. */
    emit_puts(out, "\xEF\xBB\xBF");
    put_row(&c, header);
  }
  cchc_status st = emit_walk(frame, &csv_ops, &c, err);
  free(c.path);
  free(c.place);
  free(c.year);
  for (int i = 0; i < NCOLS; i++)
    free(c.row[i]);
  for (size_t i = 0; i < c.nsections; i++) {
    free(c.sections[i].id);
    free(c.sections[i].number);
  }
  free(c.sections);
  free(c.cur.id);
  free(c.cur.number);
  strbuf_release(&c.row_text);
  if (st == CCHC_OK && c.failed)
    st = cchc_fail(err, CCHC_ERR_NOMEM, "out of memory while writing CSV");
  return st;
}
