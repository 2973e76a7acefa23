/* out_csv.c: the CSV format of out.h (RFC 4180 through libcsv, as the
 * frame's CSV in csv.c). */
#include "out.h"

#include <stdio.h>
#include <stdlib.h>

typedef struct cctx {
  strbuf out;
  size_t col; /* cells written in the open row */
} cctx;

static void *c_create(void) {
  cctx *c = calloc(1, sizeof *c);
  if (c)
    strbuf_init(&c->out);
  return c;
}

static void c_begin(void *ctx, const char *name, bool array) {}
static void c_end(void *ctx) {}
static void c_text(void *ctx, const char *text) {}

static void c_begin_row(void *ctx, const char *name) {
  ((cctx *)ctx)->col = 0;
}

static void c_end_row(void *ctx) {
  strbuf_addstr(&((cctx *)ctx)->out, "\r\n");
}

/* The next field; `quoted` strings go through libcsv, NULL is empty. */
static void field(cctx *c, const char *s, bool quoted) {
  if (c->col++ > 0)
    strbuf_addch(&c->out, ',');
  if (s && quoted)
    emit_csv_field(&c->out, s);
  else if (s)
    strbuf_addstr(&c->out, s);
}

/* A UTF-8 BOM, so that spreadsheet programs read Vietnamese text as UTF-8
 * (once, at the top), then the titles. */
static void c_begin_table(void *ctx, const char *name,
                          const out_table *table) {
  cctx *c = ctx;
  if (c->out.len == 0)
    strbuf_addstr(&c->out, "\xEF\xBB\xBF");
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

static cchc_status c_finish(void *ctx, char **res, size_t *len,
                            cchc_error *err) {
  cctx *c = ctx;
  char *text = strbuf_detach(&c->out, len);
  free(c);
  if (!text)
    return cchc_fail(err, CCHC_ERR_NOMEM, "out of memory writing CSV");
  *res = text;
  return CCHC_OK;
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
    .finish = c_finish,
};
