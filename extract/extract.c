/* extract.c: run the extractors over one normalized text (cchc_process in
 * pipeline/process.c is the way in). */
#include "extract.h"
#include "table.h"

#include <stdlib.h>
#include <string.h>

#include <unicode/uset.h>
#include <unicode/utf8.h>


size_t xline_at(const xctx *x, size_t off) {
  size_t lo = 0, hi = x->nlines;
  while (hi - lo > 1) {
    size_t mid = lo + (hi - lo) / 2;
    if (xline_start(x, mid) <= off) lo = mid;
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

bool xline_is_heading(const xctx *x, size_t li) {
  int sec = x->lines[li].section;
  return sec >= 0 && x->f->sections[sec].body_start == xline_start(x, li);
}

bool xblank(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

size_t xline_text_start(const xctx *x, size_t li) {
  size_t a = xline_start(x, li), b = xline_end(x, li);
  if (xline_is_heading(x, li)) {
    const frame_section *sec = &x->f->sections[x->lines[li].section];
    const rule *r = sec->rule ? rules_find(x->rules, sec->rule) : NULL;
    size_t hs, he;
    if (r && rule_exec(r, x->s + a, b - a, 0, x->md) &&
        rule_group(r, x->md, "head", &hs, &he))
      a += hs;
  }
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

bool xappendix_lines(const xctx *x, size_t *first, size_t *last) {
  const cchc_frame *f = x->f;
  for (size_t i = 0; i < f->nsections; i++) {
    const frame_section *sec = &f->sections[i];
    const rule *r = sec->rule ? rules_find(x->rules, sec->rule) : NULL;
    const char *m = r ? rule_attr(r, "marker") : NULL;
    if (!m || strcmp(m, "appendix")) continue;
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
} span_features;

static bool may_match(const xctx *x, const rule *r, size_t a, size_t b,
                      span_features *sf) {
  /* a rule that matches only at the subject's start: its first byte */
  if (a < b && !rule_may_open(r, (unsigned char)x->s[a])) return false;
  if (!r->facts.nneeds) return true;
  if (!sf->known) {
    sf->has = rule_features(x->s + a, b - a);
    sf->known = true;
  }
  return rule_may_match(r, sf->has);
}

bool xany(xctx *x, rule_list rules, size_t a, size_t b, const rule **hit) {
  if (b < a) return false;
  span_features sf = {0};
  for (size_t i = 0; i < rules.n; i++)
    if (may_match(x, rules.items[i], a, b, &sf) &&
        rule_exec(rules.items[i], x->s + a, b - a, 0, x->md)) {
      if (hit) *hit = rules.items[i];
      return true;
    }
  return false;
}

bool xfirst_before(xctx *x, rule_list rules, size_t a, size_t b,
                   size_t limit, size_t *ms, size_t *me, const rule **hit) {
  bool found = false;
  /* a match that starts before the limit may run on to b: the features of
   * [a, b) would be as many scans of the rest as calls */
  bool limited = limit < b;
  span_features sf = {0};
  for (size_t i = 0; i < rules.n; i++)
    if (limited ? rule_exec_until(rules.items[i], &x->scan, x->s + a, b - a,
                                  0, limit - a, x->md)
                : may_match(x, rules.items[i], a, b, &sf) &&
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

bool xmatch_at(xctx *x, const rule *r, const char *s, size_t n, size_t at) {
  pcre2_code *anchored = code_once(&r->anchored, &r->anchored_jit,
                                   r->pattern, r->anchored_options);
  if (!anchored) /* no memory for it: the search finds the same */
    return rule_exec_until(r, &x->scan, s, n, at, at, x->md);
  return code_match(anchored, &r->anchored_jit, s, n, at, x->md, NULL) > 0;
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
  const unsigned char *u = (const unsigned char *)s;
  for (size_t i = pos; i <= limit; i++)
    if ((u[i] & 0xC0) != 0x80 && /* a character's other bytes start none */
        (!r->facts.has_first || rule_may_start(r, u, i, n)) &&
        xmatch_at(x, r, s, n, i))
      return true;
  return false;
}

/* ---- where words stand ------------------------------------------------- */

/* A word as the walk looks for it: its bytes in each of the two forms of
 * each of its characters (one form for a character without case, or in
 * a word of its case), char by char: a character of either form stands
 * in its place. */
enum { XWORD_BYTES = 64 };
typedef struct xword_form {
  unsigned char a[XWORD_BYTES], b[XWORD_BYTES]; /* the two forms */
  uint8_t clen[XWORD_BYTES]; /* at a character's first byte: its length */
  uint8_t start[XWORD_BYTES]; /* of the character each byte is of */
  size_t len;
} xword_form;

/* The forms of word w (a rule_literal's text, with its case): false when
 * a character has more than two forms without case (the Kelvin sign for
 * 'k', 'ſ' for 's'), or forms of other lengths, or strings (ICU's
 * closure, which holds the case folding PCRE2 matches by), or the word is
 * too long: the walk does not look for it. */
static bool word_form(const rule_literal *w, xword_form *f) {
  const unsigned char *t = (const unsigned char *)w->text;
  int32_t len = (int32_t)strlen(w->text), i = 0;
  if (!len || len > XWORD_BYTES) return false;
  f->len = (size_t)len;
  while (i < len) {
    int32_t at = i;
    UChar32 c;
    U8_NEXT(t, i, len, c);
    if (c < 0) return false;
    UChar32 other = c;
    if (w->caseless) {
      USet *set = uset_open(c, c);
      if (!set) return false;
      uset_closeOver(set, USET_CASE_INSENSITIVE);
      int32_t items = uset_getItemCount(set), size = uset_size(set);
      bool ok = size <= 2 && items >= 1;
      UErrorCode st = U_ZERO_ERROR;
      for (int32_t k = 0; ok && k < items; k++) {
        UChar32 lo, hi;
        UChar str[4];
        /* a string (a full folding) is length > 0 */
        if (uset_getItem(set, k, &lo, &hi, str, 4, &st) != 0 || U_FAILURE(st))
          ok = false;
        else
          for (UChar32 x = lo; x <= hi; x++)
            if (x != c) other = x;
      }
      uset_close(set);
      if (!ok || U8_LENGTH(other) != i - at) return false;
    }
    int32_t o = at;
    UBool bad = false;
    U8_APPEND(f->b, o, XWORD_BYTES, other, bad);
    if (bad) return false;
    memcpy(f->a + at, t + at, (size_t)(i - at));
    f->clen[at] = (uint8_t)(i - at);
    for (int32_t j = at; j < i; j++) f->start[j] = (uint8_t)at;
  }
  return true;
}

/* Does form f stand at p (e - p bytes left)?  Mostly it stands as the
 * word is written: the bytes compare, and from the first that differs
 * its character compares in either form, and those after it. */
static bool form_at(const xword_form *f, const unsigned char *p,
                    const unsigned char *e) {
  if ((size_t)(e - p) < f->len) return false;
  size_t i = 0;
  while (i < f->len && p[i] == f->a[i]) i++;
  if (i == f->len) return true;
  for (i = f->start[i]; i < f->len; i += f->clen[i]) {
    bool a = true, b = true; /* the character in either form */
    for (size_t j = i; j < i + f->clen[i]; j++) {
      a = a && p[j] == f->a[j];
      b = b && p[j] == f->b[j];
    }
    if (!a && !b) return false;
  }
  return true;
}

/* The forms of word w, as word_form tells them, kept for the next texts
 * (per thread: texts may be extracted in parallel): rule sets spell the
 * same few words, and ICU's closure costs more than a short plan's walk.
 * Kept by the word's text and case, not its address: a rule set freed
 * and another loaded may reuse addresses. */
static bool word_form_kept(const rule_literal *w, xword_form *f) {
  enum { SLOTS = 128 };
  typedef struct kept_form {
    char text[XWORD_BYTES + 1]; /* "" : none */
    bool caseless, ok;
    xword_form form;
  } kept_form;
  static _Thread_local kept_form kept[SLOTS];
  size_t len = strlen(w->text);
  if (len > XWORD_BYTES) return false;
  kept_form *k = &kept[(cchc_hash_bytes(w->text, len) ^ w->caseless) % SLOTS];
  if (!k->text[0] || k->caseless != w->caseless || strcmp(k->text, w->text)) {
    memcpy(k->text, w->text, len + 1);
    k->caseless = w->caseless;
    k->ok = word_form(w, &k->form);
  }
  if (k->ok) *f = k->form;
  return k->ok;
}

/* Keep offset i for each word of mask m (bits of ids) whose form stands
 * there; false without memory. */
static bool places_keep(const xword_form *forms, const size_t *ids,
                        uint32_t m, const unsigned char *u, size_t i,
                        const unsigned char *e, uint32_t **at, size_t *count,
                        size_t *cap) {
  for (; m; m &= m - 1) {
    size_t k = ids[__builtin_ctz(m)];
    if (!form_at(&forms[k], u + i, e)) continue;
    void *grown = cchc_grow(at[k], &cap[k], count[k], sizeof *at[k]);
    if (!grown) return false;
    at[k] = grown;
    at[k][count[k]++] = (uint32_t)i;
  }
  return true;
}

/* Mark in table t (by byte value) the bytes byte j of form f may be:
 * its byte in either form, or any byte past its end. */
static void sieve_byte(uint64_t *t, const xword_form *f, size_t j,
                       uint64_t bit) {
  if (j >= f->len) {
    for (unsigned c = 0; c < 256; c++) t[c] |= bit;
    return;
  }
  t[f->a[j]] |= bit;
  t[f->b[j]] |= bit;
}

/* The walk looks at the bytes b0 b1 b2 b3 of each even offset o, for the
 * words (a bit each, of a batch) that may start at o (the low half of
 * the masks) and at o + 1 (the high half): byte[j][bj] has those whose
 * byte j (j - 1, for o + 1; any byte for j = 0) may be bj.  A word
 * stands only where each says it may: the form then compares.  Half the
 * offsets are looked at, and a position is let through by four bytes, or
 * three.  Four tables of 256 (8 KB): a plan's walk is short, and a table
 * of byte pairs (512 KB, touched all over by each word) cost more to set
 * up than the walk of a plan. */
typedef struct word_sieve {
  uint64_t byte[4][256];
} word_sieve;

/* Add form f to the sieve as bit `bit` (< 32). */
static void sieve_add(word_sieve *sv, const xword_form *f, unsigned bit) {
  uint64_t lo = (uint64_t)1 << bit, hi = lo << 32;
  for (unsigned c = 0; c < 256; c++) sv->byte[0][c] |= hi;
  for (size_t j = 0; j < 4; j++) sieve_byte(sv->byte[j], f, j, lo);
  for (size_t j = 1; j < 4; j++) sieve_byte(sv->byte[j], f, j - 1, hi);
}

bool xwords_places(const char *s, size_t n, const rule_literal *const *words,
                   size_t nwords, uint32_t **at, size_t *count) {
  enum { BATCH = 32 };
  const unsigned char *u = (const unsigned char *)s, *e = u + n;
  xword_form *forms = malloc((nwords ? nwords : 1) * sizeof *forms);
  size_t *cap = calloc(nwords ? nwords : 1, sizeof *cap);
  word_sieve *sv = calloc(1, sizeof *sv);
  size_t ids[BATCH];
  bool ok = forms && cap && sv && n <= UINT32_MAX;
  for (size_t k = 0; k < nwords; k++) {
    at[k] = NULL;
    count[k] = SIZE_MAX;
  }
  for (size_t k0 = 0; ok && k0 < nwords;) {
    unsigned nb = 0;
    if (k0) memset(sv, 0, sizeof *sv);
    for (; k0 < nwords && nb < BATCH; k0++) {
      if (!word_form_kept(words[k0], &forms[k0])) continue;
      sieve_add(sv, &forms[k0], nb);
      count[k0] = 0;
      ids[nb++] = k0;
    }
    if (!nb) continue;
    size_t o = 0;
    for (; o + 4 <= n; o += 2) {
      uint64_t m = sv->byte[0][u[o]] & sv->byte[1][u[o + 1]] &
                   sv->byte[2][u[o + 2]] & sv->byte[3][u[o + 3]];
      if (!m) continue;
      uint32_t here = (uint32_t)m, next = (uint32_t)(m >> 32);
      if ((here && !places_keep(forms, ids, here, u, o, e, at, count, cap)) ||
          (next &&
           !places_keep(forms, ids, next, u, o + 1, e, at, count, cap))) {
        ok = false;
        goto done;
      }
    }
    /* the last few offsets: every word compares */
    uint32_t all = nb == 32 ? UINT32_MAX : ((uint32_t)1 << nb) - 1;
    for (; o < n; o++)
      if (!places_keep(forms, ids, all, u, o, e, at, count, cap)) {
        ok = false;
        goto done;
      }
  }
done:
  for (size_t k = 0; ok && k < nwords; k++)
    if (at[k]) at[k] = cchc_shrink(at[k], &cap[k], count[k], sizeof *at[k]);
  if (!ok)
    for (size_t k = 0; k < nwords; k++) {
      free(at[k]);
      at[k] = NULL;
      count[k] = SIZE_MAX;
    }
  free(forms);
  free(cap);
  free(sv);
  return ok;
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

/* The first of ix->by_start whose start is at or after `at`. */
static size_t first_start_from(const xstarts *ix, size_t at) {
  size_t lo = 0, hi = ix->n;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (ix->by_start[mid].start >= at) hi = mid;
    else lo = mid + 1;
  }
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
  return frame_printf(x->f, "%04d-%02d-%02d", y, m, d);
}

const char *xfolded(xctx *x, size_t a, size_t b) {
  char *out = frame_alloc_chars(x->f, b - a + 1);
  if (!out) return NULL;
  size_t n = 0;
  bool space = false;
  for (size_t i = a; i < b; i++) {
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

/* The lines of the text, in an array of their exact number: a long text
 * has a million.  Where each lies is the scan's: its lines are the same,
 * and one more after a final '\n'. */
static cchc_status split_lines(xctx *x) {
  cchc_status st = rule_text_init(&x->scan, x->s, x->n, x->err);
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
    split_lines,     extract_sections,  table_cells,
    extract_meta,    extract_refs,      extract_targets,
    extract_deadlines, extract_tasks,   extract_inconsistencies};

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
    goto cleanup;
  }
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
  table_free_all(&x);
  units_free(&x);
  free(x.lines);
  xstarts_free(&x.target_starts);
  xstarts_free(&x.deadline_starts);
  rule_text_free(&x.scan);
  pcre2_match_data_free(x.md);
  cchc_frame_free(x.f);
  return st;
}
