/* out.c: the report writer of out.h.  It keeps the nesting and hands each
 * format what it shows: JSON the whole tree, the table and CSV formats the
 * rows and cells of tables that have columns for them; and it gives the
 * formats their sink, a string or the caller's write function. */
#include "out.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef enum level_kind { L_OBJECT, L_ARRAY, L_TABLE, L_ROW } level_kind;

struct out_writer {
  const out_ops *ops;
  void *ctx;
  out_sink sink;
  strbuf text;     /* out_new: what the format wrote */
  unsigned format; /* OUT_TABLE, OUT_CSV or OUT_JSON */
  level_kind level[OUT_MAX_DEPTH];
  int depth;
  int table;  /* depth of the open table, or -1 */
  bool shown;  /* the open table has columns in this format */
  bool misuse; /* nested too deep, or tables in tables: a bug in a walk */
  bool nomem;
};

/* Hand the waiting bytes to the write function. */
static void flush(out_sink *sink) {
  if (sink->len && !sink->failed &&
      !sink->write(sink->ctx, sink->buf, sink->len))
    sink->failed = true;
  sink->len = 0;
}

void out_put(out_sink *sink, const char *data, size_t len) {
  if (sink->failed)
    return;
  if (sink->len + len > OUT_CHUNK)
    flush(sink);
  if (len > OUT_CHUNK) {
    if (!sink->write(sink->ctx, data, len))
      sink->failed = true;
    return;
  }
  memcpy(sink->buf + sink->len, data, len);
  sink->len += len;
}

static bool keep_text(void *ctx, const char *data, size_t len) {
  strbuf *sb = ctx;
  strbuf_add(sb, data, len);
  return !sb->failed;
}

static out_writer *writer(cchc_report_format format, out_mode mode,
                          cchc_write_fn write, void *ctx) {
  out_writer *o = calloc(1, sizeof *o);
  if (!o)
    return NULL;
  o->format = 1u << format;
  o->ops = format == CCHC_REPORT_JSON  ? &out_json_ops
           : format == CCHC_REPORT_CSV ? &out_csv_ops
                                       : &out_table_ops;
  o->table = -1;
  strbuf_init(&o->text);
  o->sink = write ? (out_sink){write, ctx, false, NULL, 0}
                  : (out_sink){keep_text, &o->text, false, NULL, 0};
  o->sink.buf = malloc(OUT_CHUNK);
  o->ctx = o->sink.buf ? o->ops->create(&o->sink, mode) : NULL;
  if (!o->ctx) {
    free(o->sink.buf);
    free(o);
    return NULL;
  }
  return o;
}

out_writer *out_new(cchc_report_format format) {
  return writer(format, OUT_KEEP, NULL, NULL);
}

out_writer *out_new_stream(cchc_report_format format, cchc_write_fn write,
                           void *ctx) {
  return write ? writer(format, OUT_STREAM, write, ctx) : NULL;
}

bool out_again(out_writer *o) {
  if (o->misuse || o->nomem || o->sink.failed || !o->ops->again(o->ctx))
    return false;
  o->depth = 0;
  o->table = -1;
  return true;
}

bool out_shows_text(const out_writer *o) {
  return o->format == OUT_TABLE && o->ops->shows_text(o->ctx);
}

cchc_status out_finish(out_writer *o, char **res, size_t *len,
                       cchc_error *err) {
  cchc_status st = o->ops->finish(o->ctx, err);
  flush(&o->sink);
  free(o->sink.buf);
  bool kept = o->sink.write == keep_text;
  if (o->misuse) /* what the format then says is a consequence */
    st = cchc_fail(err, CCHC_ERR_INTERNAL,
                   "report tables nested, or nested too deep");
  else if (st == CCHC_OK && (o->nomem || o->text.failed))
    st = cchc_fail(err, CCHC_ERR_NOMEM, "out of memory");
  else if (st == CCHC_OK && o->sink.failed)
    st = cchc_fail(err, CCHC_ERR_IO, "the report could not be written");
  size_t n = 0;
  char *text = kept && st == CCHC_OK ? strbuf_detach(&o->text, &n) : NULL;
  strbuf_release(&o->text);
  free(o);
  if (st != CCHC_OK)
    return st;
  if (kept && !text)
    return cchc_fail(err, CCHC_ERR_NOMEM, "out of memory");
  if (res)
    *res = text;
  else
    free(text);
  if (len)
    *len = n;
  return CCHC_OK;
}

cchc_status out_render(cchc_report_format format, out_walk_fn walk,
                       void *ctx, char **res, size_t *len, cchc_error *err) {
  out_writer *o = out_new(format);
  if (!o)
    return cchc_fail(err, CCHC_ERR_NOMEM, "out of memory");
  cchc_status st = walk(ctx, o, err);
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

cchc_status out_write(cchc_report_format format, out_walk_fn walk, void *ctx,
                      cchc_write_fn write, void *write_ctx, cchc_error *err) {
  out_writer *o = out_new_stream(format, write, write_ctx);
  if (!o)
    return cchc_fail(err, CCHC_ERR_NOMEM, "out of memory");
  cchc_status st;
  do
    st = walk(ctx, o, err);
  while (st == CCHC_OK && out_again(o));
  cchc_status fst = out_finish(o, NULL, NULL, err);
  return st == CCHC_OK ? fst : st;
}

static bool json(const out_writer *o) { return o->format == OUT_JSON; }

/* Inside a row of a table shown in this (table or CSV) format. */
static bool in_row(const out_writer *o) {
  return o->table >= 0 && o->shown && o->depth > o->table + 1;
}

static void push(out_writer *o, level_kind kind) {
  if (o->depth == OUT_MAX_DEPTH) {
    o->misuse = true;
    return;
  }
  o->level[o->depth++] = kind;
}

/* An object or array: a row when it is an item of the open table. */
static void begin(out_writer *o, const char *name, bool array) {
  bool row = o->table >= 0 && o->depth == o->table + 1;
  push(o, row ? L_ROW : array ? L_ARRAY : L_OBJECT);
  if (row && o->shown)
    o->ops->begin_row(o->ctx, name);
  else if (json(o))
    o->ops->begin(o->ctx, name, array);
}

static void end(out_writer *o) {
  if (o->depth == 0)
    return;
  level_kind kind = o->level[--o->depth];
  if (kind == L_ROW && o->shown)
    o->ops->end_row(o->ctx);
  else if (json(o))
    o->ops->end(o->ctx);
}

void out_begin_object(out_writer *o, const char *name) {
  begin(o, name, false);
}
void out_end_object(out_writer *o) { end(o); }
void out_begin_array(out_writer *o, const char *name) {
  begin(o, name, true);
}
void out_end_array(out_writer *o) { end(o); }

void out_begin_table(out_writer *o, const char *name, const out_table *table) {
  if (o->table >= 0) { /* tables do not nest */
    o->misuse = true;
    return;
  }
  push(o, L_TABLE);
  o->table = o->depth - 1;
  o->shown = json(o) || (o->format == OUT_TABLE ? table->table != NULL
                                                : table->csv != NULL);
  if (o->shown)
    o->ops->begin_table(o->ctx, name, table);
}

void out_end_table(out_writer *o) {
  if (o->table < 0 || o->depth != o->table + 1) {
    o->misuse = true;
    return;
  }
  o->depth--;
  o->table = -1;
  if (o->shown)
    o->ops->end_table(o->ctx);
}

/* Whether a value in `formats` reaches this format here. */
static bool shows(const out_writer *o, unsigned formats) {
  return (formats & o->format) && (json(o) || in_row(o));
}

void out_string(out_writer *o, unsigned formats, const char *name,
                const char *value) {
  if (shows(o, formats))
    o->ops->string(o->ctx, name, value);
}

void out_integer(out_writer *o, unsigned formats, const char *name,
                 long long value) {
  if (shows(o, formats))
    o->ops->integer(o->ctx, name, value);
}

void out_real(out_writer *o, unsigned formats, const char *name, double value) {
  if (isnan(value))
    out_null(o, formats, name);
  else if (shows(o, formats))
    o->ops->real(o->ctx, name, value);
}

void out_boolean(out_writer *o, unsigned formats, const char *name,
                 bool value) {
  if (!shows(o, formats))
    return;
  if (json(o))
    o->ops->boolean(o->ctx, name, value);
  else
    o->ops->string(o->ctx, name, value ? "true" : "false");
}

void out_null(out_writer *o, unsigned formats, const char *name) {
  out_string(o, formats, name, NULL);
}

void out_text(out_writer *o, const char *fmt, ...) {
  if (o->format != OUT_TABLE)
    return;
  strbuf sb = STRBUF_INIT;
  va_list ap;
  va_start(ap, fmt);
  strbuf_vaddf(&sb, fmt, ap);
  va_end(ap);
  if (sb.failed)
    o->nomem = true;
  else
    o->ops->text(o->ctx, sb.buf);
  strbuf_release(&sb);
}

bool cchc_report_format_parse(const char *name, cchc_report_format *fmt) {
  static const char *const names[] = {[CCHC_REPORT_TABLE] = "table",
                                      [CCHC_REPORT_CSV] = "csv",
                                      [CCHC_REPORT_JSON] = "json"};
  for (size_t i = 0; name && i < sizeof names / sizeof *names; i++)
    if (strcmp(name, names[i]) == 0) {
      if (fmt)
        *fmt = (cchc_report_format)i;
      return true;
    }
  return false;
}
