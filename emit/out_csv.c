/* out_csv.c: the CSV format of out.h (RFC 4180 through libcsv, as the
 * frame's CSV in csv.c).  Each row is written when it ends. */
#include "out.h"

#include <stdio.h>
#include <stdlib.h>

typedef struct cctx {
  out_sink *sink;
  strbuf line;  /* the open row */
  size_t col;   /* cells written in the open row */
  bool started; /* something was written (the BOM goes first) */
} cctx;

static void *c_create(out_sink *sink, out_mode mode) {
  cctx *c = calloc(1, sizeof *c);
  if (c) {
    c->sink = sink;
    strbuf_init(&c->line);
  }
  return c;
}

static void c_begin(void *ctx, const char *name, bool array) {}
static void c_end(void *ctx) {}
static void c_text(void *ctx, const char *text) {}
static bool c_again(void *ctx) { return false; }
static bool c_shows_text(void *ctx) { return false; }

static void c_begin_row(void *ctx, const char *name) {
  cctx *c = ctx;
  c->col = 0;
  strbuf_reset(&c->line);
}

static void c_end_row(void *ctx) {
  cctx *c = ctx;
  strbuf_addstr(&c->line, "\r\n");
  if (!c->line.failed)
    out_put(c->sink, c->line.buf, c->line.len);
  c->started = true;
}

/* The next field; `quoted` strings go through libcsv, NULL is empty. */
static void field(cctx *c, const char *s, bool quoted) {
  if (c->col++ > 0)
    strbuf_addch(&c->line, ',');
  if (s && quoted)
    emit_csv_field(&c->line, s);
  else if (s)
    strbuf_addstr(&c->line, s);
}

/* A UTF-8 BOM, so that spreadsheet programs read Vietnamese text as UTF-8
 * (once, at the top), then the titles. */
static void c_begin_table(void *ctx, const char *name,
                          const out_table *table) {
  cctx *c = ctx;
  if (!c->started)
    out_put(c->sink, "\xEF\xBB\xBF", 3);
  c_begin_row(c, NULL);
  for (size_t k = 0; k < table->ncsv; k++)
    field(c, table->csv[k].title, true);
  c_end_row(c);
}

static void c_end_table(void *ctx) {}

static void c_string(void *ctx, const char *name, const char *value) {
  field(ctx, value, true);
}

static void c_integer(void *ctx, const char *name, long long value) {
  char buf[32];
  snprintf(buf, sizeof buf, "%lld", value);
  field(ctx, buf, false);
}

static void c_real(void *ctx, const char *name, double value) {
  char buf[40];
  snprintf(buf, sizeof buf, "%.6g", value);
  field(ctx, buf, false);
}

static cchc_status c_finish(void *ctx, cchc_error *err) {
  cctx *c = ctx;
  bool nomem = c->line.failed;
  strbuf_release(&c->line);
  free(c);
  return nomem ? cchc_fail(err, CCHC_ERR_NOMEM, "out of memory writing CSV")
               : CCHC_OK;
}

const out_ops out_csv_ops = {
    .create = c_create,
    .begin = c_begin,
    .end = c_end,
    .begin_table = c_begin_table,
    .end_table = c_end_table,
    .begin_row = c_begin_row,
    .end_row = c_end_row,
    .string = c_string,
    .integer = c_integer,
    .real = c_real,
    .text = c_text,
    .again = c_again,
    .shows_text = c_shows_text,
    .finish = c_finish,
};
