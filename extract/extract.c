/* extract.c: run the extractors over one normalized text (cchc_process in
 * pipeline/process.c is the way in). */
#include "extract.h"

#include <stdlib.h>
#include <string.h>


frame_span xspan(const xctx *x, size_t start, size_t end) {
  frame_span sp;
  cchc_text_source_span(x->text, start, end, &sp.start, &sp.end);
  return sp;
}

size_t xline_at(const xctx *x, size_t off) {
  size_t lo = 0, hi = x->nlines;
  while (hi - lo > 1) {
    size_t mid = lo + (hi - lo) / 2;
    if (x->lines[mid].start <= off) lo = mid;
    else hi = mid;
  }
  return lo;
}

const char *xsection_area(const xctx *x, int sec) {
  while (sec >= 0) {
    const frame_section *s = &x->f->sections[sec];
    if (s->area) return s->area;
    sec = s->parent;
  }
  return NULL;
}

int xint(const char *s, size_t a, size_t b) {
  int v = 0;
  for (size_t i = a; i < b && i < a + 6; i++) {
    if (s[i] < '0' || s[i] > '9') return -1;
    v = v * 10 + (s[i] - '0');
  }
  return b > a ? v : -1;
}

bool xvalid_date(int y, int m, int d) {
  static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (y < 1900 || y > 2100 || m < 1 || m > 12 || d < 1) return false;
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return d <= days[m - 1] + (m == 2 && leap);
}

const char *xdate_groups(xctx *x, const rule *r) {
  size_t ds, de, ms, me, ys, ye;
  if (!rule_group(r, x->md, "d", &ds, &de) ||
      !rule_group(r, x->md, "m", &ms, &me) ||
      !rule_group(r, x->md, "y", &ys, &ye))
    return NULL;
  int d = xint(x->s, ds, de), m = xint(x->s, ms, me), y = xint(x->s, ys, ye);
  if (!xvalid_date(y, m, d)) return NULL;
  return frame_printf(x->f, "%04d-%02d-%02d", y, m, d);
}

const char *xfolded(xctx *x, size_t a, size_t b) {
  char *out = frame_alloc(x->f, b - a + 1);
  if (!out) return NULL;
  size_t n = 0;
  bool space = false;
  for (size_t i = a; i < b; i++) {
    char c = x->s[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      space = n > 0;
      continue;
    }
    if (space) out[n++] = ' ';
    space = false;
    out[n++] = c;
  }
  out[n] = '\0';
  return out;
}

static cchc_status split_lines(xctx *x) {
  size_t cap = 0;
  for (size_t i = 0; i < x->n;) {
    const char *nl = memchr(x->s + i, '\n', x->n - i);
    size_t end = nl ? (size_t)(nl - x->s) : x->n;
    if (x->nlines == cap) {
      cap = cap ? cap * 2 : 256;
      xline *p = realloc(x->lines, cap * sizeof *p);
      if (!p) return cchc_fail(x->err, CCHC_ERR_NOMEM, "out of memory");
      x->lines = p;
    }
    x->lines[x->nlines++] = (xline){i, end, -1};
    i = end + 1;
  }
  return CCHC_OK;
}

static cchc_status fill_source(cchc_frame *f, const cchc_text *text,
                               const frame_source *src, cchc_error *err) {
  if (!src->sha256 || strlen(src->sha256) != sizeof f->sha256 - 1)
    return cchc_fail(err, CCHC_ERR_INVALID,
                     "the content hash must be 64 hex digits");
  memcpy(f->sha256, src->sha256, sizeof f->sha256);
  f->path = src->path ? frame_strdup(f, src->path) : NULL;
  f->bytes = src->bytes;
  f->encoding = cchc_encoding_name(cchc_text_encoding(text));
  f->repairs = cchc_text_repairs(text);
  return CCHC_OK;
}

cchc_status extract_frame(const cchc_rules *rules, const cchc_text *text,
                          const frame_source *src, cchc_frame **out,
                          cchc_error *err) {
  *out = NULL;
  if (!rules || !text || !src)
    return cchc_fail(err, CCHC_ERR_INVALID,
                     "extract needs rules, a text and its source");
  xctx x = {.rules = rules,
            .text = text,
            .s = cchc_text_data(text),
            .n = cchc_text_len(text),
            .err = err};
  cchc_status st = CCHC_ERR_NOMEM;
  x.f = frame_new();
  x.md = rules_match_data(rules);
  if (!x.f || !x.md) {
    cchc_fail(err, st, "out of memory");
    goto fail;
  }
  if ((st = fill_source(x.f, text, src, err)) != CCHC_OK ||
      (st = split_lines(&x)) != CCHC_OK ||
      (st = extract_sections(&x)) != CCHC_OK ||
      (st = extract_meta(&x)) != CCHC_OK ||
      (st = extract_refs(&x)) != CCHC_OK ||
      (st = extract_targets(&x)) != CCHC_OK ||
      (st = extract_deadlines(&x)) != CCHC_OK ||
      (st = extract_tasks(&x)) != CCHC_OK)
    goto fail;
  frame_adopt_strings(x.f);
  if (x.f->failed) {
    st = cchc_fail(err, CCHC_ERR_NOMEM, "out of memory");
    goto fail;
  }
  free(x.lines);
  pcre2_match_data_free(x.md);
  *out = x.f;
  return CCHC_OK;
fail:
  free(x.lines);
  pcre2_match_data_free(x.md);
  cchc_frame_free(x.f);
  return st;
}
