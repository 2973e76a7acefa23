/* extract.c: run the extractors over one normalized text (cchc_process in
 * pipeline/process.c is the way in). */
#include "extract.h"
#include "table.h"

#include <stdlib.h>
#include <string.h>



/* Does line li start at or before off (line 0 always counts)? */
static bool line_starts_by(const xctx *x, size_t li, size_t off) {
  return li == 0 || xline_start(x, li) <= off;
}

size_t xline_at(const xctx *x, size_t off) {
  /* The last line starting at or before off: searched from the line
   * answered last, by steps that double (a gallop), then halving.  The
   * extractors ask of offsets near those they asked before (the cells
   * of a table row after row, a line's items in order): a few steps,
   * where a search of all the lines took some ten. */
  size_t n = x->nlines, h = x->line_hint < n ? x->line_hint : 0;
  if (n == 0) return 0;
  size_t lo, hi; /* line lo starts by off; hi (or the end) after it */
  if (line_starts_by(x, h, off)) {
    size_t step = 1;
    lo = h;
    while (lo + step < n && line_starts_by(x, lo + step, off)) {
      lo += step;
      step *= 2;
    }
    hi = lo + step < n ? lo + step : n;
  } else {
    size_t step = 1;
    hi = h;
    for (;;) {
      size_t at = hi > step ? hi - step : 0;
      if (line_starts_by(x, at, off)) {
        lo = at;
        break;
      }
      hi = at;
      step *= 2;
    }
  }
  while (hi - lo > 1) {
    size_t mid = lo + (hi - lo) / 2;
    if (xline_start(x, mid) <= off) lo = mid;
    else hi = mid;
  }
  /* (the search's only state: the xctx is the caller's own, not const
   * where it is defined) */
  ((xctx *)x)->line_hint = lo;
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

bool xline_is_heading(const xctx *x, size_t li) {
  int sec = x->lines[li].section;
  return sec >= 0 && x->f->sections[sec].body_start == xline_start(x, li);
}

bool xblank(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

size_t xline_text_start(const xctx *x, size_t li) {
  size_t a = xline_start(x, li), b = xline_end(x, li);
  /* the heading's text as its section rule read it */
  if (xline_is_heading(x, li))
    a = x->f->sections[x->lines[li].section].head_start;
  xskip_bullet(x, &a, b);
  return a;
}

bool xline_blank(const xctx *x, size_t li) {
  for (size_t i = xline_start(x, li); i < xline_end(x, li); i++)
    if (!xblank(x->s[i])) return false;
  return true;
}

void xtrim(const xctx *x, size_t *a, size_t *b) {
  while (*a < *b && xblank(x->s[*a])) (*a)++;
  while (*b > *a && xblank(x->s[*b - 1])) (*b)--;
}

void xskip_bullet(const xctx *x, size_t *a, size_t b) {
  xtrim(x, a, &b);
  *a += cchc_list_marker(x->s + *a, b - *a);
  xtrim(x, a, &b); /* a marker ending at b leaves its blank outside */
}

/* Is `id` that of one of the rules of `appendix`? */
static bool appendix_rule(const rule *const *appendix, size_t n,
                          const char *id) {
  for (size_t k = 0; k < n; k++)
    if (id == appendix[k]->id || !strcmp(id, appendix[k]->id)) return true;
  return false;
}

/* A section's rule is one of the section rules (sections.c): the few of
 * them with marker=appendix are picked once, and each section's id
 * compared with theirs, where each section was a search of the rules by
 * its id and of the rule's attributes (a plan has a hundred sections).
 * Whether a rule's marker is "appendix" is read once for the rule set
 * (xsection_mark: its style, marker or else its id, which is of the
 * section rules, "section.*", never "appendix"). */
enum { APPENDIX_RULES = 8 };

bool xappendix_lines(const xctx *x, size_t *first, size_t *last) {
  const cchc_frame *f = x->f;
  rule_list marks = rules_select(x->rules, "section.", NULL);
  const rule *appendix[APPENDIX_RULES];
  size_t nappendix = 0;
  for (size_t i = 0; i < marks.n; i++) {
    if (!xsection_mark(marks, marks.items[i])->mark_opens_appendix) continue;
    if (nappendix == APPENDIX_RULES) { /* too many to keep: looked up */
      nappendix = SIZE_MAX;
      break;
    }
    appendix[nappendix++] = marks.items[i];
  }
  for (size_t i = 0; i < f->nsections; i++) {
    const frame_section *sec = &f->sections[i];
    if (!sec->rule) continue;
    if (nappendix != SIZE_MAX) {
      if (!appendix_rule(appendix, nappendix, sec->rule)) continue;
    } else {
      const rule *r = rules_find(x->rules, sec->rule);
      const char *m = r ? rule_attr(r, "marker") : NULL;
      if (!m || strcmp(m, "appendix")) continue;
    }
    *first = xline_at(x, sec->body_start);
    size_t end = sec->body_end ? sec->body_end : x->n;
    *last = end >= x->n ? x->nlines : xline_at(x, end);
    if (*last < x->nlines && xline_start(x, *last) < end) (*last)++;
    return true;
  }
  return false;
}

/* The features of canonical [a, b), computed once for a list of rules:
 * only when a rule needs some. */
typedef struct span_features {
  uint64_t has;
  bool known;
  bool line;  /* [a, b) is line li's text: its features are the scan's */
  size_t li;
} span_features;

/* Does every match of r start at the start of its subject (rule_facts:
 * starts, at_zero, no `after`)? */
static bool rule_opens_subject(const rule *r) {
  const rule_facts *f = &r->facts;
  return f->starts && f->at_zero && !f->after;
}

static bool may_match(const xctx *x, const rule *r, size_t a, size_t b,
                      span_features *sf) {
  /* a rule that matches only at the subject's start: its first byte */
  if (a < b && !rule_may_open(r, (unsigned char)x->s[a])) return false;
  /* ... and no scan of all of [a, b) for its features: its anchored try
   * fails within the few bytes its start holds, where the scan reads
   * every byte of the span (a table cell, a line) */
  if (!r->facts.nneeds || rule_opens_subject(r)) return true;
  if (!sf->known) {
    sf->has = sf->line ? xline_features(x, sf->li)
                       : rule_features(x->s + a, b - a);
    sf->known = true;
  }
  return rule_may_match(r, sf->has);
}

static inline bool any_known(xctx *x, rule_list rules, size_t a, size_t b,
                             span_features *sf, const rule **hit) {
  for (size_t i = 0; i < rules.n; i++)
    if (may_match(x, rules.items[i], a, b, sf) &&
        rule_exec(rules.items[i], x->s + a, b - a, 0, x->md)) {
      if (hit) *hit = rules.items[i];
      return true;
    }
  return false;
}

bool xany(xctx *x, rule_list rules, size_t a, size_t b, const rule **hit) {
  if (b < a) return false;
  span_features sf = {0};
  return any_known(x, rules, a, b, &sf, hit);
}

bool xany_line(xctx *x, rule_list rules, size_t li, const rule **hit) {
  span_features sf = {.line = true, .li = li};
  return any_known(x, rules, xline_start(x, li), xline_end(x, li), &sf, hit);
}

static inline bool first_known(xctx *x, rule_list rules, size_t a,
                               size_t b, size_t limit, span_features *sf,
                               size_t *ms, size_t *me, const rule **hit) {
  bool found = false;
  /* a match that starts before the limit may run on to b: the features of
   * [a, b) would be as many scans of the rest as calls */
  bool limited = limit < b;
  for (size_t i = 0; i < rules.n; i++)
    if (limited ? rule_exec_until(rules.items[i], &x->scan, x->s + a, b - a,
                                  0, limit - a, x->md)
                : may_match(x, rules.items[i], a, b, sf) &&
                      rule_exec(rules.items[i], x->s + a, b - a, 0, x->md)) {
      size_t s, e;
      rule_match_span(x->md, &s, &e);
      if (!found || a + s < *ms) {
        *ms = a + s;
        *me = a + e;
        if (hit) *hit = rules.items[i];
        found = true;
      }
    }
  return found;
}

bool xfirst_before(xctx *x, rule_list rules, size_t a, size_t b,
                   size_t limit, size_t *ms, size_t *me, const rule **hit) {
  span_features sf = {0};
  return first_known(x, rules, a, b, limit, &sf, ms, me, hit);
}

bool xfirst_line(xctx *x, rule_list rules, size_t li, size_t *ms, size_t *me,
                 const rule **hit) {
  span_features sf = {.line = true, .li = li};
  size_t b = xline_end(x, li);
  return first_known(x, rules, xline_start(x, li), b, b, &sf, ms, me, hit);
}

bool xmatch_at(xctx *x, const rule *r, const char *s, size_t n, size_t at) {
  pcre2_code *anchored = code_once(&r->anchored, &r->anchored_jit,
                                   rule_compiled(r), r->anchored_options);
  if (!anchored) /* no memory for it: the search finds the same */
    return rule_exec_until(r, &x->scan, s, n, at, at, x->md);
  return code_match(anchored, &r->anchored_jit, s, n, at, x->md, NULL) > 0;
}

uint64_t xtext_hash(const char *s, size_t n) {
  const uint64_t mul = UINT64_C(0xFF51AFD7ED558CCD);
  uint64_t h = (uint64_t)n * UINT64_C(0x9E3779B97F4A7C15), w;
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    memcpy(&w, s + i, 8);
    h = (h ^ w) * mul;
    h ^= h >> 32;
  }
  if (i < n) {
    w = 0;
    memcpy(&w, s + i, n - i);
    h = (h ^ w) * mul;
    h ^= h >> 32;
  }
  return h;
}

bool xstarts_with_word(const rule *r) {
  const rule_facts *f = &r->facts;
  for (size_t k = 0; k < f->nanchor; k++)
    if (f->anchor_bytes[k] || f->anchor_runs[k] || !f->anchor[k]->code)
      return false;
  return f->nanchor > 0;
}

bool xmatch_until(xctx *x, const rule *r, const char *s, size_t n, size_t pos,
                  size_t limit) {
  if (limit >= n) return rule_exec(r, s, n, pos, x->md);
  if (!r->by_first)
    return rule_exec_until(r, &x->scan, s, n, pos, limit, x->md);
  if (r->facts.has_first) { /* (no continuation byte starts a match) */
    for (size_t i = rule_next_start(r, s, pos, limit + 1, n); i <= limit;
         i = rule_next_start(r, s, i + 1, limit + 1, n))
      if (xmatch_at(x, r, s, n, i)) return true;
    return false;
  }
  const unsigned char *u = (const unsigned char *)s;
  for (size_t i = pos; i <= limit; i++)
    if ((u[i] & 0xC0) != 0x80 && /* a character's other bytes start none */
        (!r->facts.has_first || rule_may_start(r, u, i, n)) &&
        xmatch_at(x, r, s, n, i))
      return true;
  return false;
}

/* ---- items by where they start ---------------------------------------- */

static int by_start_then_item(const void *a, const void *b) {
  const xstart *p = a, *q = b;
  if (p->start != q->start) return p->start < q->start ? -1 : 1;
  return (p->item > q->item) - (p->item < q->item);
}

static int by_index(const void *a, const void *b) {
  size_t p = *(const size_t *)a, q = *(const size_t *)b;
  return (p > q) - (p < q);
}

/* The first of ix->by_start whose start is at or after `at`: searched
 * from where the last search ended (ix->hint), by steps that double,
 * then halving.  Tasks ask of their spans in the text's order: a few
 * steps where a search of all the items took some ten. */
static size_t first_start_from(xstarts *ix, size_t at) {
  const xstart *v = ix->by_start;
  size_t n = ix->n, h = ix->hint < n ? ix->hint : 0;
  size_t lo, hi; /* the answer is in [lo, hi]: v[lo - 1] before at, v[hi]
                    at or after it (or hi == n) */
  if (h == 0 || v[h - 1].start < at) {
    size_t step = 1;
    lo = h;
    while (lo + step <= n && v[lo + step - 1].start < at) {
      lo += step;
      step *= 2;
    }
    hi = lo + step <= n ? lo + step - 1 : n;
  } else {
    size_t step = 1;
    hi = h - 1; /* v[hi].start >= at */
    for (;;) {
      if (hi < step) {
        lo = 0;
        break;
      }
      if (v[hi - step].start < at) {
        lo = hi - step + 1;
        break;
      }
      hi -= step;
      step *= 2;
    }
  }
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (v[mid].start >= at) hi = mid;
    else lo = mid + 1;
  }
  ix->hint = lo;
  return lo;
}

static size_t target_start(const cchc_frame *f, size_t i) {
  return f->targets[i].span.start;
}

static size_t deadline_start(const cchc_frame *f, size_t i) {
  return f->deadlines[i].span.start;
}

/* The items (count of them, item i starting at start_of(f, i)) that start
 * in [a, b), in index order. */
static const size_t *starting_in(xctx *x, xstarts *ix, size_t count,
                                 size_t (*start_of)(const cchc_frame *,
                                                    size_t),
                                 size_t a, size_t b, size_t *n) {
  *n = 0;
  if (!ix->built || ix->n != count) {
    xstart *v = realloc(ix->by_start, (count ? count : 1) * sizeof *v);
    if (!v) {
      x->f->failed = true;
      return NULL;
    }
    for (size_t i = 0; i < count; i++)
      v[i] = (xstart){(uint32_t)start_of(x->f, i), (uint32_t)i};
    if (count > 1) qsort(v, count, sizeof *v, by_start_then_item);
    ix->by_start = v;
    ix->n = count;
    ix->built = true;
  }
  size_t lo = first_start_from(ix, a);
  size_t hi = b > a ? first_start_from(ix, b) : lo;
  if (hi - lo > ix->cap_found) {
    size_t *p = realloc(ix->found, (hi - lo) * sizeof *p);
    if (!p) {
      x->f->failed = true;
      return NULL;
    }
    ix->found = p;
    ix->cap_found = hi - lo;
  }
  bool sorted = true;
  for (size_t k = lo; k < hi; k++) {
    ix->found[k - lo] = ix->by_start[k].item;
    if (k > lo && ix->found[k - lo] < ix->found[k - lo - 1]) sorted = false;
  }
  *n = hi - lo;
  if (!sorted) qsort(ix->found, *n, sizeof *ix->found, by_index);
  return ix->found;
}

const size_t *xtargets_in(xctx *x, size_t a, size_t b, size_t *n) {
  return starting_in(x, &x->target_starts, x->f->ntargets, target_start, a,
                     b, n);
}

const size_t *xdeadlines_in(xctx *x, size_t a, size_t b, size_t *n) {
  return starting_in(x, &x->deadline_starts, x->f->ndeadlines,
                     deadline_start, a, b, n);
}

static void xstarts_free(xstarts *ix) {
  free(ix->by_start);
  free(ix->found);
}

bool xfirst(xctx *x, rule_list rules, size_t a, size_t b, size_t *ms,
            size_t *me, const rule **hit) {
  return xfirst_before(x, rules, a, b, b, ms, me, hit);
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
  /* "YYYY-MM-DD" (a valid date's parts have those widths): vsnprintf cost
   * ~800 instructions a date */
  const char iso[10] = {(char)('0' + y / 1000),     (char)('0' + y / 100 % 10),
                        (char)('0' + y / 10 % 10),  (char)('0' + y % 10),
                        '-',
                        (char)('0' + m / 10),       (char)('0' + m % 10),
                        '-',
                        (char)('0' + d / 10),       (char)('0' + d % 10)};
  return frame_strndup(x->f, iso, sizeof iso);
}

const char *xfolded(xctx *x, size_t a, size_t b) {
  char *out = frame_alloc_chars(x->f, b - a + 1);
  if (!out) return NULL;
  size_t n = 0;
  bool space = false;
  for (size_t i = a; i < b; i++) {
    /* most of a span folds to itself: copied whole, its first byte no
     * blank (the one pending goes before it), its last none either */
    size_t k = cchc_single_spaced(x->s + i, b - i);
    if (k) {
      if (space) out[n++] = ' ';
      memcpy(out + n, x->s + i, k);
      n += k;
      i += k;
      space = false;
      if (i == b) break;
    }
    char c = x->s[i];
    if (c == '\n' && n > 0) { /* the marker of a line the text runs on to
                                is no text of it */
      size_t e = i + 1;
      while (e < b && x->s[e] != '\n') e++;
      i += cchc_list_marker(x->s + i + 1, e - i - 1);
    }
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      space = n > 0;
      continue;
    }
    if (space) out[n++] = ' ';
    space = false;
    out[n++] = c;
  }
  out[n] = '\0';
  frame_alloc_keep(x->f, out, b - a + 1, n + 1); /* less the folded blanks */
  return out;
}

/* ---- unit lists ------------------------------------------------------ */

/* The first rooms of unit lists given back, kept for the next lists of the
 * same plan: a plan makes thousands of these lists, most of one to four
 * items, each of which cost a malloc and a free.  Per thread, as
 * xunits_free has no context; kept only while a plan is open on the
 * thread (xctx_open to xctx_close, which frees them), so nothing outlives
 * a plan.  A kept room is an ordinary malloc'd block: a caller may free or
 * keep a list's items as before. */
enum {
  XUNITS_FIRST = 4, /* frame_grow's first room, in items */
  XUNITS_KEPT = 64
};
static _Thread_local struct {
  xunit *rooms[XUNITS_KEPT];
  unsigned n;
  unsigned open; /* plans open on this thread */
} kept_rooms;

void xunits_push(xctx *x, xunits *l, const xunit *u) {
  if (!l->items && kept_rooms.n) {
    l->items = kept_rooms.rooms[--kept_rooms.n];
    l->cap = XUNITS_FIRST;
  }
  if (l->n < l->cap) { /* (room: frame_grow's zeroing is overwritten) */
    l->items[l->n++] = *u;
    return;
  }
  xunit *p = frame_grow(x->f, (void **)&l->items, &l->n, &l->cap, sizeof *u);
  if (p) *p = *u;
}

void xunits_free(xunits *l) {
  if (l->items && l->cap == XUNITS_FIRST && kept_rooms.open &&
      kept_rooms.n < XUNITS_KEPT)
    kept_rooms.rooms[kept_rooms.n++] = l->items;
  else
    free(l->items);
  *l = (xunits){0};
}

static void kept_rooms_close(void) {
  if (--kept_rooms.open) return;
  while (kept_rooms.n) free(kept_rooms.rooms[--kept_rooms.n]);
}

/* The lines of the text, in an array of their exact number: a long text
 * has a million.  Where each lies is the scan's: its lines are the same,
 * and one more after a final '\n'. */
static cchc_status split_lines(xctx *x) {
  /* (layout's lines when it handed them over: the text is its output) */
  size_t nends;
  const uint32_t *ends = cchc_text_line_ends(x->text, &nends);
  cchc_status st = rule_text_init_lines(&x->scan, x->s, x->n, ends, nends,
                                        x->err);
  if (st != CCHC_OK) return st;
  x->nlines = x->scan.nlines;
  if (x->nlines && xline_start(x, x->nlines - 1) >= x->n) x->nlines--;
  x->lines = malloc((x->nlines ? x->nlines : 1) * sizeof *x->lines);
  if (!x->lines) return cchc_fail(x->err, CCHC_ERR_NOMEM, "out of memory");
  for (size_t i = 0; i < x->nlines; i++)
    x->lines[i] = (xline){.section = -1, .join = XJOIN_NEVER};
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

/* ---- spans in the original input ------------------------------------- */

static void to_source(const cchc_text *text, frame_span *sp) {
  cchc_text_source_span(text, sp->start, sp->end, &sp->start, &sp->end);
}

static void unit_to_source(const cchc_text *text, frame_unit *units,
                           size_t n) {
  for (size_t i = 0; i < n; i++) to_source(text, &units[i].span);
}

/* Extractors keep every span in canonical offsets, the offsets of the text
 * they read and compare; the frame promises spans in the original input,
 * so the finished frame is mapped once, here. */
static void spans_to_source(cchc_frame *f, const cchc_text *text) {
  for (int k = 0; k < CCHC_DOC_FIELD_COUNT; k++) {
    frame_field *fd = frame_document_field(&f->document, (cchc_doc_field)k);
    to_source(text, &fd->span);
  }
  for (size_t i = 0; i < f->nreferences; i++) {
    frame_reference *r = &f->references[i];
    to_source(text, &r->span);
    for (size_t k = 0; k < r->nmentions; k++) to_source(text, &r->mentions[k]);
  }
  for (size_t i = 0; i < f->nsections; i++)
    to_source(text, &f->sections[i].span);
  for (size_t i = 0; i < f->ntargets; i++) to_source(text, &f->targets[i].span);
  for (size_t i = 0; i < f->ndeadlines; i++)
    to_source(text, &f->deadlines[i].span);
  for (size_t i = 0; i < f->ntasks; i++) {
    frame_task *t = &f->tasks[i];
    to_source(text, &t->span);
    unit_to_source(text, t->lead, t->nlead);
    unit_to_source(text, t->coordinators, t->ncoordinators);
  }
  for (size_t i = 0; i < f->nleads; i++) {
    to_source(text, &f->leads[i].span);
    to_source(text, &f->leads[i].unit.span);
  }
}

/* The extractors in the order they run: each reads what the ones before
 * it put in the frame (sections before everything, targets and deadlines
 * before tasks). */
static cchc_status (*const passes[])(xctx *) = {
    extract_sections,  table_cells,
    extract_meta,    extract_refs,      extract_targets,
    extract_deadlines, extract_tasks,   extract_inconsistencies};

cchc_status xctx_open(xctx *x, const cchc_rules *rules, const cchc_text *text,
                      cchc_error *err) {
  *x = (xctx){.rules = rules,
              .text = text,
              .s = cchc_text_data(text),
              .n = cchc_text_len(text),
              .err = err};
  kept_rooms.open++;
  x->keeps_rooms = true;
  x->f = frame_new();
  x->md = rules_match_data(rules);
  if (!x->f || !x->md) return cchc_fail(err, CCHC_ERR_NOMEM, "out of memory");
  return split_lines(x);
}

void xctx_close(xctx *x) {
  table_free_all(x);
  units_free(x);
  free(x->lines);
  xstarts_free(&x->target_starts);
  xstarts_free(&x->deadline_starts);
  rule_text_free(&x->scan);
  free(x->block_words);
  pcre2_match_data_free(x->md);
  cchc_frame_free(x->f);
  if (x->keeps_rooms) kept_rooms_close();
  memset(x, 0, sizeof *x);
}

cchc_status extract_frame(const cchc_rules *rules, const cchc_text *text,
                          const frame_source *src, cchc_frame **out,
                          cchc_error *err) {
  *out = NULL;
  if (!rules || !text || !src)
    return cchc_fail(err, CCHC_ERR_INVALID,
                     "extract needs rules, a text and its source");
  xctx x;
  cchc_status st = xctx_open(&x, rules, text, err);
  if (st != CCHC_OK) goto cleanup;
  if ((st = fill_source(x.f, text, src, err)) != CCHC_OK)
    goto cleanup;
  for (size_t i = 0; i < sizeof passes / sizeof *passes; i++) {
    if ((st = passes[i](&x)) != CCHC_OK) goto cleanup;
    frame_shrink(x.f);
  }
  spans_to_source(x.f, text);
  frame_adopt_strings(x.f);
  if (x.f->failed) {
    st = cchc_fail(err, CCHC_ERR_NOMEM, "out of memory");
    goto cleanup;
  }
  *out = x.f;
  x.f = NULL;
cleanup:
  xctx_close(&x);
  return st;
}
