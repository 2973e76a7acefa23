/* out_table.c: the table format of out.h.  A table's lines are kept until
 * it ends, when the widths of its columns are known; text outside tables
 * goes straight out. */
#include "out.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A line of a table: a row of cells, or text between rows. */
typedef struct tline {
  char **cells; /* ncells of them, NULL for null; NULL for text */
  size_t ncells;
  char *text;
} tline;

typedef struct tctx {
  strbuf out;
  const out_table *spec; /* the open table */
  tline *lines;
  size_t nlines, cap;
  bool in_row;
  bool nomem;
} tctx;

static void *t_create(void) {
  tctx *c = calloc(1, sizeof *c);
  if (c)
    strbuf_init(&c->out);
  return c;
}

static void t_begin(void *ctx, const char *name, bool array) {}
static void t_end(void *ctx) {}

static tline *add_line(tctx *c) {
  if (c->nlines == c->cap) {
    size_t cap = c->cap ? c->cap * 2 : 32;
    tline *l = realloc(c->lines, cap * sizeof *l);
    if (!l) {
      c->nomem = true;
      return NULL;
    }
    c->lines = l;
    c->cap = cap;
  }
  tline *l = &c->lines[c->nlines++];
  memset(l, 0, sizeof *l);
  return l;
}

static void t_begin_table(void *ctx, const char *name,
                          const out_table *table) {
  tctx *c = ctx;
  c->spec = table;
  c->nlines = 0;
}

static void t_begin_row(void *ctx, const char *name) {
  tctx *c = ctx;
  tline *l = add_line(c);
  if (l && !(l->cells = calloc(c->spec->ntable + 1, sizeof *l->cells))) {
    c->nlines--;
    c->nomem = true;
  }
  c->in_row = l && l->cells;
}

static void t_end_row(void *ctx) { ((tctx *)ctx)->in_row = false; }

/* The next cell of the open row; cells past the declared columns are
 * dropped. */
static void cell(tctx *c, const char *value) {
  if (!c->in_row)
    return;
  tline *l = &c->lines[c->nlines - 1];
  if (l->ncells == c->spec->ntable)
    return;
  char *v = NULL;
  if (value && !(v = strdup(value)))
    c->nomem = true;
  l->cells[l->ncells++] = v;
}

static void t_string(void *ctx, const char *name, const char *value) {
  cell(ctx, value);
}

static void t_integer(void *ctx, const char *name, long long value) {
  char buf[32];
  snprintf(buf, sizeof buf, "%lld", value);
  cell(ctx, buf);
}

static void t_real(void *ctx, const char *name, double value) {
  char buf[40];
  snprintf(buf, sizeof buf, "%.6g", value);
  cell(ctx, buf);
}

static void t_text(void *ctx, const char *text) {
  tctx *c = ctx;
  if (!c->spec) {
    strbuf_addstr(&c->out, text);
    return;
  }
  tline *l = add_line(c);
  if (l && !(l->text = strdup(text)))
    c->nomem = true;
}

/* Display width: code points (the text is NFC). */
static size_t width(const char *s) {
  size_t w = 0;
  for (; *s; s++)
    if (((unsigned char)*s & 0xC0) != 0x80)
      w++;
  return w;
}

static void put_line(strbuf *sb, const out_column *cols, size_t n,
                     const size_t *w, char *const *cells) {
  for (size_t k = 0; k < n; k++) {
    const char *s = cells[k] ? cells[k] : "-";
    size_t pad = w[k] > width(s) ? w[k] - width(s) : 0;
    if (k > 0)
      strbuf_addchars(sb, ' ', cols[k].gap);
    if (cols[k].right)
      strbuf_addchars(sb, ' ', pad);
    strbuf_addstr(sb, s);
    if (!cols[k].right && k + 1 < n)
      strbuf_addchars(sb, ' ', pad);
  }
  strbuf_addch(sb, '\n');
}

static void t_end_table(void *ctx) {
  tctx *c = ctx;
  const out_column *cols = c->spec->table;
  size_t n = c->spec->ntable;
  size_t *w = calloc(n + 1, sizeof *w);
  char **titles = calloc(n + 1, sizeof *titles);
  if (!w || !titles) {
    c->nomem = true;
  } else {
    for (size_t k = 0; k < n; k++) {
      titles[k] = (char *)cols[k].title;
      w[k] = cols[k].width > width(titles[k]) ? cols[k].width
                                               : width(titles[k]);
    }
    for (size_t i = 0; i < c->nlines; i++)
      for (size_t k = 0; c->lines[i].cells && k < c->lines[i].ncells; k++) {
        const char *s = c->lines[i].cells[k] ? c->lines[i].cells[k] : "-";
        if (width(s) > w[k])
          w[k] = width(s);
      }
    put_line(&c->out, cols, n, w, titles);
    if (c->spec->rule) {
      for (size_t k = 0; k < n; k++)
        strbuf_addchars(&c->out, '-', w[k] + (k + 1 < n ? cols[k + 1].gap : 0));
      strbuf_addch(&c->out, '\n');
    }
    for (size_t i = 0; i < c->nlines; i++) {
      tline *l = &c->lines[i];
      if (l->text)
        strbuf_addstr(&c->out, l->text);
      else
        put_line(&c->out, cols, l->ncells, w, l->cells);
    }
  }
  for (size_t i = 0; i < c->nlines; i++) {
    for (size_t k = 0; k < c->lines[i].ncells; k++)
      free(c->lines[i].cells[k]);
    free(c->lines[i].cells);
    free(c->lines[i].text);
  }
  c->nlines = 0;
  c->spec = NULL;
  free(w);
  free(titles);
}

static cchc_status t_finish(void *ctx, char **res, size_t *len,
                            cchc_error *err) {
  tctx *c = ctx;
  if (c->spec) /* a table left open: close it */
    t_end_table(c);
  char *text = strbuf_detach(&c->out, len);
  bool nomem = c->nomem || !text;
  free(c->lines);
  free(c);
  if (nomem) {
    free(text);
    return cchc_fail(err, CCHC_ERR_NOMEM, "out of memory writing the table");
  }
  *res = text;
  return CCHC_OK;
}

const out_ops out_table_ops = {
    .create = t_create,
    .begin = t_begin,
    .end = t_end,
    .begin_table = t_begin_table,
    .end_table = t_end_table,
    .begin_row = t_begin_row,
    .end_row = t_end_row,
    .string = t_string,
    .integer = t_integer,
    .real = t_real,
    .text = t_text,
    .finish = t_finish,
};
