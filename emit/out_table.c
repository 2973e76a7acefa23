/* out_table.c: the table format of out.h.  A column is as wide as its
 * widest cell, so a table's lines cannot be written before all its cells
 * are known: kept (OUT_KEEP), the lines of a table wait until it ends;
 * streamed (OUT_STREAM), a first walk measures every table and writes
 * nothing, and the second writes each line as it comes.  Text outside
 * tables goes straight out. */
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

typedef enum tmode {
  T_KEEP,    /* lines kept until their table ends */
  T_MEASURE, /* first streamed walk: widths only */
  T_WRITE    /* second streamed walk: lines written as they come */
} tmode;

typedef struct tctx {
  out_sink *sink;
  tmode mode;
  strbuf line;           /* the line being written */
  const out_table *spec; /* the open table */
  /* T_KEEP: the open table's lines */
  tline *lines;
  size_t nlines, cap;
  /* T_MEASURE, T_WRITE: the widths of each table of the walk, in order */
  size_t **widths;
  size_t nwidths, capwidths;
  size_t itable; /* tables begun in this walk */
  size_t *w;     /* the open table's widths */
  tline row;     /* T_MEASURE, T_WRITE: the open row (T_MEASURE counts) */
  bool in_row;
  bool nomem;
  bool differs; /* the second walk opened a table the first did not */
} tctx;

static void *t_create(out_sink *sink, out_mode mode) {
  tctx *c = calloc(1, sizeof *c);
  if (c) {
    c->sink = sink;
    c->mode = mode == OUT_STREAM ? T_MEASURE : T_KEEP;
    strbuf_init(&c->line);
  }
  return c;
}

static void t_begin(void *ctx, const char *name, bool array) {}
static void t_end(void *ctx) {}

/* Write c->line and empty it. */
static void flush_line(tctx *c) {
  if (c->line.failed)
    c->nomem = true;
  else
    out_put(c->sink, c->line.buf, c->line.len);
  strbuf_reset(&c->line);
}

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

/* The widths of the titles (at least each column's width): where a
 * table's widths start. */
static size_t *title_widths(const out_table *spec) {
  size_t *w = calloc(spec->ntable + 1, sizeof *w);
  for (size_t k = 0; w && k < spec->ntable; k++) {
    size_t tw = width(spec->table[k].title);
    w[k] = spec->table[k].width > tw ? spec->table[k].width : tw;
  }
  return w;
}

/* The titles and the rule under them, into c->line. */
static void put_head(tctx *c, const size_t *w) {
  const out_column *cols = c->spec->table;
  size_t n = c->spec->ntable;
  char **titles = calloc(n + 1, sizeof *titles);
  if (!titles) {
    c->nomem = true;
    return;
  }
  for (size_t k = 0; k < n; k++)
    titles[k] = (char *)cols[k].title;
  put_line(&c->line, cols, n, w, titles);
  if (c->spec->rule) {
    for (size_t k = 0; k < n; k++)
      strbuf_addchars(&c->line, '-', w[k] + (k + 1 < n ? cols[k + 1].gap : 0));
    strbuf_addch(&c->line, '\n');
  }
  free(titles);
}

static void t_begin_table(void *ctx, const char *name,
                          const out_table *table) {
  tctx *c = ctx;
  c->spec = table;
  c->nlines = 0;
  c->w = NULL;
  if (c->mode == T_MEASURE) {
    size_t **grown = cchc_grow(c->widths, &c->capwidths, c->nwidths,
                               sizeof *grown);
    size_t *w = grown ? title_widths(table) : NULL;
    if (grown)
      c->widths = grown;
    if (!w) {
      c->nomem = true;
      return;
    }
    c->widths[c->nwidths++] = c->w = w;
  } else if (c->mode == T_WRITE) {
    if (c->itable == c->nwidths) {
      c->differs = true;
      return;
    }
    c->w = c->widths[c->itable++];
    put_head(c, c->w);
    flush_line(c);
  }
}

static void t_begin_row(void *ctx, const char *name) {
  tctx *c = ctx;
  if (c->mode != T_KEEP) {
    c->in_row = c->w != NULL;
    c->row.ncells = 0;
    if (c->mode == T_WRITE && c->in_row && !c->row.cells &&
        !(c->row.cells = calloc(c->spec->ntable + 1, sizeof *c->row.cells)))
      c->nomem = true;
    c->in_row = c->in_row && (c->mode == T_MEASURE || c->row.cells);
    return;
  }
  tline *l = add_line(c);
  if (l && !(l->cells = calloc(c->spec->ntable + 1, sizeof *l->cells))) {
    c->nlines--;
    c->nomem = true;
  }
  c->in_row = l && l->cells;
}

static void free_cells(tline *l) {
  for (size_t k = 0; k < l->ncells; k++) {
    free(l->cells[k]);
    l->cells[k] = NULL;
  }
  l->ncells = 0;
}

static void t_end_row(void *ctx) {
  tctx *c = ctx;
  if (c->mode == T_WRITE && c->in_row) {
    put_line(&c->line, c->spec->table, c->row.ncells, c->w, c->row.cells);
    flush_line(c);
    free_cells(&c->row);
  }
  c->in_row = false;
}

/* The next cell of the open row; cells past the declared columns are
 * dropped. */
static void cell(tctx *c, const char *value) {
  if (!c->in_row)
    return;
  tline *l = c->mode == T_KEEP ? &c->lines[c->nlines - 1] : &c->row;
  if (l->ncells == c->spec->ntable)
    return;
  if (c->mode == T_MEASURE) {
    size_t vw = width(value ? value : "-");
    if (vw > c->w[l->ncells])
      c->w[l->ncells] = vw;
    l->ncells++;
    return;
  }
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
  if (c->mode == T_MEASURE)
    return;
  if (!c->spec || c->mode == T_WRITE) {
    out_put(c->sink, text, strlen(text));
    return;
  }
  tline *l = add_line(c);
  if (l && !(l->text = strdup(text)))
    c->nomem = true;
}

/* T_KEEP: the table's widths from its kept lines, then the lines. */
static void write_kept(tctx *c) {
  size_t *w = title_widths(c->spec);
  if (!w) {
    c->nomem = true;
    return;
  }
  for (size_t i = 0; i < c->nlines; i++)
    for (size_t k = 0; c->lines[i].cells && k < c->lines[i].ncells; k++) {
      const char *s = c->lines[i].cells[k] ? c->lines[i].cells[k] : "-";
      if (width(s) > w[k])
        w[k] = width(s);
    }
  put_head(c, w);
  flush_line(c);
  for (size_t i = 0; i < c->nlines; i++) {
    tline *l = &c->lines[i];
    if (l->text)
      strbuf_addstr(&c->line, l->text);
    else
      put_line(&c->line, c->spec->table, l->ncells, w, l->cells);
    flush_line(c);
  }
  free(w);
}

static void t_end_table(void *ctx) {
  tctx *c = ctx;
  if (c->mode == T_KEEP)
    write_kept(c);
  for (size_t i = 0; i < c->nlines; i++) {
    free_cells(&c->lines[i]);
    free(c->lines[i].cells);
    free(c->lines[i].text);
  }
  c->nlines = 0;
  c->spec = NULL;
  c->w = NULL;
}

static bool t_again(void *ctx) {
  tctx *c = ctx;
  if (c->mode != T_MEASURE)
    return false;
  c->mode = T_WRITE;
  c->itable = 0;
  c->spec = NULL;
  c->w = NULL;
  return true;
}

static bool t_shows_text(void *ctx) {
  return ((tctx *)ctx)->mode != T_MEASURE;
}

static cchc_status t_finish(void *ctx, cchc_error *err) {
  tctx *c = ctx;
  if (c->spec) /* a table left open: close it */
    t_end_table(c);
  bool nomem = c->nomem || c->line.failed, differs = c->differs;
  free_cells(&c->row);
  free(c->row.cells);
  for (size_t i = 0; i < c->nwidths; i++)
    free(c->widths[i]);
  free(c->widths);
  free(c->lines);
  strbuf_release(&c->line);
  free(c);
  if (nomem)
    return cchc_fail(err, CCHC_ERR_NOMEM, "out of memory writing the table");
  if (differs)
    return cchc_fail(err, CCHC_ERR_INTERNAL,
                     "a table walked twice was not the same");
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
    .again = t_again,
    .shows_text = t_shows_text,
    .finish = t_finish,
};
