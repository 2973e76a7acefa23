/* meta.c: the document's metadata from the rules of group "meta."
 * (rules/meta.rules): kind, issuing level and place, province, covered
 * period, number, date, title and signer.  The parent plan is chosen among
 * the citations, in refs.c, with the meta.parent.* cues.
 *
 * The patterns say what to find; this file only decides where to look
 * (attribute `scope`: the header, i.e. the lines before the first numbered
 * section, or the whole text), which match counts (`pick`), and turns the
 * captured groups into values: ISO dates, the level of a body, the
 * spelling of a place name written in capitals. */
#include "extract.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/ucasemap.h>
#include <unicode/uchar.h>
#include <unicode/utf8.h>

static cchc_status nomem(xctx *x) {
  return cchc_fail(x->err, CCHC_ERR_NOMEM, "out of memory");
}

/* ---- where and which match ------------------------------------------- */

static size_t header_end(const xctx *x) {
  return x->first_section_line < x->nlines
             ? xline_start(x, x->first_section_line)
             : x->n;
}

/* Meta rule r with its meta_* fields read: the searches asked its
 * attributes by name, some 80 times a plan. */
static const rule *meta_said_read(const rule *r);
static inline const rule *meta_said(const rule *r) {
  if (atomic_load_explicit(&((rule *)r)->meta_state, memory_order_acquire))
    return r;
  return meta_said_read(r);
}

static bool attr_is(const rule *r, const char *key, const char *value) {
  const char *v = rule_attr(r, key);
  return v && !strcmp(v, value);
}

__attribute__((noinline)) static const rule *meta_said_read(const rule *r) {
  static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
  rule *w = (rule *)r; /* the one part of the shared rule written, once */
  bool scope_all = attr_is(r, "scope", "all");
  bool pick_last = attr_is(r, "pick", "last");
  bool by_commas = attr_is(r, "window", "comma");
  pthread_mutex_lock(&lock);
  if (!atomic_load_explicit(&w->meta_state, memory_order_relaxed)) {
    w->meta_scope_all = scope_all;
    w->meta_pick_last = pick_last;
    w->meta_by_commas = by_commas;
    atomic_store_explicit(&w->meta_state, 1, memory_order_release);
  }
  pthread_mutex_unlock(&lock);
  return r;
}

static size_t scope_end(const xctx *x, const rule *r) {
  return meta_said(r)->meta_scope_all ? x->n : header_end(x);
}

static size_t next_char(const xctx *x, size_t i) {
  i++;
  while (i < x->n && ((unsigned char)x->s[i] & 0xC0) == 0x80) i++;
  return i;
}

/* A match of r in x->md kept aside while other searches run, and put
 * back without a search: the search again from where it starts found
 * the same match (the leftmost at or after that place, by the same
 * pattern), but cost a scan.  Not for a rule that marks its matches
 * (the mark is not in the pairs) nor a pattern with \G (which tells the
 * place a search starts from); nor when the pairs are more than kept. */
enum { KEPT_PAIRS = 32 };
typedef struct kept_match {
  bool on;
  size_t pairs;
  PCRE2_SIZE ov[2 * KEPT_PAIRS];
} kept_match;

static void keep_init(kept_match *k, const xctx *x, const rule *r) {
  k->pairs = pcre2_get_ovector_count(x->md);
  k->on = !r->marked && k->pairs <= KEPT_PAIRS && !strstr(r->pattern, "\\G");
}

static void keep(kept_match *k, const xctx *x) {
  memcpy(k->ov, pcre2_get_ovector_pointer(x->md), 2 * k->pairs * sizeof *k->ov);
}

static void put_back(const kept_match *k, xctx *x) {
  memcpy(pcre2_get_ovector_pointer(x->md), k->ov, 2 * k->pairs * sizeof *k->ov);
}

/* Do r's matches start only at the start of a line (or of the text), as
 * its facts tell ("(?m)^KT. CHỦ TỊCH ...")? */
static bool starts_lines(const rule *r) {
  const rule_facts *f = &r->facts;
  return f->starts && !(f->after & ~rule_ascii_features['\n']);
}

/* rule_scan(r, &x->scan, len, start): r's first match in the text cut at
 * len that starts at or after `start`.  When the last match is looked
 * for (`last`), a rule whose matches start at line starts (starts_lines)
 * is tried at each line start, as rule_scan would, without its search of
 * the text for the words every match holds (rule_facts.lits) first: the
 * walk goes to the end of the text whatever that search finds, and the
 * words stand far on (the signer's "TỊCH", "ĐỐC", "THỦ", at the end of a
 * plan), so that the search read the text once more from each match
 * (on 40 plans 3.4 M instructions of meta.signer's 3.9 M). */
bool meta_line_tries_off = false;

static bool scan(xctx *x, const rule *r, size_t len, size_t start,
                 bool last) {
  if (meta_line_tries_off || !last || !starts_lines(r) || len > x->n ||
      start > len)
    return rule_scan(r, &x->scan, len, start, x->md);
  const unsigned char *u = (const unsigned char *)x->s;
  const rule_facts *f = &r->facts;
  /* the line starts from `start` on, read from the text's lines */
  size_t li = xline_at(x, start);
  if (li < x->nlines && xline_start(x, li) < start) li++;
  for (; li < x->nlines; li++) {
    size_t p = xline_start(x, li);
    /* (with facts.has_first a match opens with one of its bytes: not
     * empty, so none starts at len) */
    if (f->has_first ? p >= len : p > len) return false;
    if ((f->has_first ? rule_may_start(r, u, p, len) : p || f->at_zero) &&
        xmatch_at(x, r, x->s, len, p))
      return true;
  }
  return false;
}

/* May the character that ends at x->s[i] (i > 0) be white space (\s)?
 * ASCII's, and any beyond ASCII whose lead byte white space beyond ASCII
 * has (0xC2, 0xE1-0xE3; rulescan.c: space_at); its start in *start. */
static bool may_be_space_before(const xctx *x, size_t i, size_t *start) {
  const unsigned char *u = (const unsigned char *)x->s;
  size_t k = i - 1;
  if (u[k] < 0x80) {
    *start = k;
    return u[k] == ' ' || (u[k] >= '\t' && u[k] <= '\r');
  }
  while (k > 0 && (u[k] & 0xC0) == 0x80) k--;
  *start = k;
  return u[k] == 0xC2 || (u[k] >= 0xE1 && u[k] <= 0xE3);
}

/* The length of the white space (\s, in UCP mode) at u[i] (i < b), 0
 * when none: ASCII's, and beyond it U+0085, U+00A0, U+1680, U+180E,
 * U+2000-U+200A, U+2028, U+2029, U+202F, U+205F and U+3000. */
static size_t space_len(const unsigned char *u, size_t i, size_t b) {
  unsigned char c = u[i];
  if (c < 0x80) return c == ' ' || (c >= '\t' && c <= '\r');
  if (c == 0xC2)
    return i + 1 < b && (u[i + 1] == 0x85 || u[i + 1] == 0xA0) ? 2 : 0;
  if (i + 2 >= b) return 0;
  unsigned char d = u[i + 1], e = u[i + 2];
  bool sp = (c == 0xE1 &&
             ((d == 0x9A && e == 0x80) || (d == 0xA0 && e == 0x8E))) ||
            (c == 0xE2 && d == 0x80 &&
             (e <= 0x8A || e == 0xA8 || e == 0xA9 || e == 0xAF)) ||
            (c == 0xE2 && d == 0x81 && e == 0x9F) ||
            (c == 0xE3 && d == 0x80 && e == 0x80);
  return sp ? 3 : 0;
}

/* Does "ngày" in either case (as a pattern without case matches it:
 * n, g, y and à have no other forms) stand at u[i], within u[0, b)? */
static bool ngay_at(const unsigned char *u, size_t i, size_t b) {
  return i + 5 <= b && (u[i] | 0x20) == 'n' && (u[i + 1] | 0x20) == 'g' &&
         u[i + 2] == 0xC3 && (u[i + 3] == 0xA0 || u[i + 3] == 0x80) &&
         (u[i + 4] | 0x20) == 'y';
}

/* The first match of a rule with attribute window=comma (meta.rules: a
 * match holds a comma followed by white space and "ngày", and starts on
 * the line of the last character before that comma that is not white
 * space) in s[0..b): searched only from the start of that line up to
 * each such comma, where a search of the whole header tried the pattern
 * at each of its spaces (the place-and-date line is one of its lines).
 * Every match starts in the window of its comma; the windows are tried
 * in text order, each from where the last ended, so the first found is
 * the leftmost match. */
static bool find_by_commas(xctx *x, const rule *r, size_t b) {
  const unsigned char *u = (const unsigned char *)x->s;
  size_t tried = 0;
  for (size_t c = 0; c < b; c++) {
    const char *p = memchr(x->s + c, ',', b - c);
    if (!p) return false;
    c = (size_t)(p - x->s);
    /* the comma's white space, then "ngày": a plan's commas open
     * clauses ("Căn cứ Luật ..., đồng bộ, ...") that no window need
     * search, those of a long header's citations all on long lines */
    size_t n = c + 1, sl;
    while (n < b && (sl = space_len(u, n, b))) n += sl;
    if (!meta_comma_word_off && !ngay_at(u, n, b)) continue;
    if (n >= b || (u[n] < 0x80 && (u[n] | 0x20) != 'n')) continue;
    size_t e = c, k;
    while (e > 0 && may_be_space_before(x, e, &k)) e = k;
    size_t from = e;
    while (from > 0 && u[from - 1] != '\n') from--;
    if (from < tried) from = tried;
    if (from <= c && rule_exec_until(r, &x->scan, x->s, b, from, c, x->md))
      return true;
    tried = c + 1;
  }
  return false;
}

/* Does rule r say where its matches lie by their commas (find_by_commas)? */
static bool by_commas(const rule *r) {
  return meta_said(r)->meta_by_commas;
}

bool meta_comma_windows_off = false;
bool meta_comma_word_off = false;
bool meta_number_sites_off = false;

/* Match r in s[a..b): the first match, or the last one when `last`.  On
 * success x->md holds the match.  With `sites`, a rule whose matches end
 * with a document's number (meta.number.*) is searched only before the
 * places such a number may stand (refs_sites_scan, read once into *sites
 * for the rules of a field), where a search of the header tried it at
 * each of its blanks (a header of 3 KB of citations: 150,000
 * instructions). */
static bool find(xctx *x, const rule *r, size_t a, size_t b, bool last,
                 refs_sites **sites) {
  if (!last && !a && b <= x->n && !meta_comma_windows_off && by_commas(r))
    return find_by_commas(x, r, b);
  if (!last && sites && !meta_number_sites_off) {
    if (!*sites) *sites = refs_sites_open(x, b);
    bool found;
    if (*sites && refs_sites_len(*sites) == b &&
        refs_sites_scan(*sites, r, a, &found))
      return found;
  }
  size_t at = a, found = SIZE_MAX;
  kept_match k = {.on = false};
  if (last) keep_init(&k, x, r);
  while (at <= b && scan(x, r, b, at, last)) {
    PCRE2_SIZE *ov = pcre2_get_ovector_pointer(x->md);
    if (!last) return true;
    found = ov[0];
    at = ov[1] > ov[0] ? ov[1] : next_char(x, ov[0]);
    if (k.on) keep(&k, x);
  }
  if (found != SIZE_MAX && k.on) {
    put_back(&k, x);
    return true;
  }
  return found != SIZE_MAX && scan(x, r, b, found, last);
}

/* The first rule of `prefix` (file order) that matches in its scope;
 * with `sites`, those that can are searched by the places of numbers
 * (find). */
static const rule *first_rule_by(xctx *x, const char *prefix,
                                 refs_sites **sites) {
  rule_list rs = rules_select(x->rules, prefix, NULL);
  for (size_t i = 0; i < rs.n; i++) {
    const rule *r = rs.items[i];
    if (find(x, r, 0, scope_end(x, r), meta_said(r)->meta_pick_last, sites))
      return r;
  }
  return NULL;
}

static const rule *first_rule(xctx *x, const char *prefix) {
  return first_rule_by(x, prefix, NULL);
}

static void set_field(xctx *x, frame_field *fd, const char *value, size_t s,
                      size_t e, const rule *r) {
  fd->value = value;
  fd->span = (frame_span){s, e};
  fd->rule = r ? r->id : NULL;
}

/* ---- values ------------------------------------------------------------ */

static bool has_lower(const char *s, size_t n) {
  for (int32_t i = 0; i < (int32_t)n;) {
    UChar32 c;
    U8_NEXT((const uint8_t *)s, i, (int32_t)n, c);
    if (c > 0 && u_islower(c)) return true;
  }
  return false;
}

static bool letter_at(const xctx *x, size_t i, bool before) {
  UChar32 c;
  int32_t k = (int32_t)i;
  if (before) {
    if (i == 0) return false;
    U8_PREV((const uint8_t *)x->s, 0, k, c);
  } else {
    if (i >= x->n) return false;
    U8_NEXT((const uint8_t *)x->s, k, (int32_t)x->n, c);
  }
  return c > 0 && u_isalpha(c);
}

/* A text this long has the search for a name's spelling JIT compiled
 * (about 50,000 instructions, the interpreter's search of 15 KB): a plan
 * finds the name early, a text of many plans may search far. */
enum { SPELLING_JIT_TEXT = 1 << 20 };

/* The spelling of a name printed in capitals ("HỒNG LỘC"): the first
 * mixed-case occurrence of the same words in the text, else its title
 * case by ICU ("Hồng Lộc").  A name with lower-case letters is kept. */
static const char *spelling(xctx *x, size_t a, size_t b) {
  const char *name = x->s + a;
  size_t n = b - a;
  if (has_lower(name, n)) return xfolded(x, a, b);
  /* The words as literals (\Q...\E), any white space between them: the
   * name may be wrapped differently where it is printed in mixed case. */
  const char *words = xfolded(x, a, b);
  char pat[1024];
  size_t pn = 0;
  bool ok = words && !strchr(words, '\\');
  for (const char *w = words; ok && *w;) {
    size_t wl = strcspn(w, " ");
    ok = pn + wl + 16 < sizeof pat;
    if (ok)
      pn += (size_t)snprintf(pat + pn, sizeof pat - pn, "%s\\Q%.*s\\E",
                             pn ? "\\s+" : "", (int)wl, w);
    w += wl;
    while (*w == ' ') w++;
  }
  int code;
  PCRE2_SIZE at;
  pcre2_code *re = ok ? pcre2_compile((PCRE2_SPTR)pat, pn,
                                      PCRE2_CASELESS | PCRE2_UTF, &code, &at,
                                      NULL)
                      : NULL;
  if (re) {
    /* it may run over the whole text, once per occurrence (no UTF-8 check
     * of the canonical text on every call): JIT for a long text only, as
     * compiling costs as much as the interpreter's search of a plan */
    if (x->n >= SPELLING_JIT_TEXT)
      (void)pcre2_jit_compile(re, PCRE2_JIT_COMPLETE);
    pcre2_match_data *md = pcre2_match_data_create(1, NULL);
    size_t from = 0;
    while (md && from < x->n &&
           pcre2_match(re, (PCRE2_SPTR)x->s, x->n, from, PCRE2_NO_UTF_CHECK,
                       md, NULL) > 0) {
      PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
      size_t s = ov[0], e = ov[1];
      if (has_lower(x->s + s, e - s) && !letter_at(x, s, true) &&
          !letter_at(x, e, false)) {
        pcre2_match_data_free(md);
        pcre2_code_free(re);
        return xfolded(x, s, e);
      }
      from = e > s ? e : next_char(x, s);
    }
    pcre2_match_data_free(md);
    pcre2_code_free(re);
  }
  UErrorCode st = U_ZERO_ERROR;
  UCaseMap *cm = ucasemap_open("vi", 0, &st);
  char buf[512];
  int32_t len = -1;
  if (U_SUCCESS(st) && n < sizeof buf / 2) {
    len = ucasemap_utf8ToTitle(cm, buf, (int32_t)sizeof buf, name, (int32_t)n,
                               &st);
    if (U_FAILURE(st) || len >= (int32_t)sizeof buf) len = -1;
  }
  ucasemap_close(cm);
  if (len < 0) return xfolded(x, a, b);
  return frame_strndup(x->f, buf, (size_t)len);
}

/* ---- a legal portal's metadata table ------------------------------------ */
/* Portals print a document's attributes in a table before its text, the
 * labels in one row and the values in the row below ("| Số hiệu | Ngày ban
 * hành |" / "| 144/KH-UBND | 24/11/2025 |"); a label beside its value
 * ("Số hiệu: ...", "| Số hiệu | ... |") is left to the ordinary rules.
 * meta.label.* recognize a label cell (`field`); the value cell below it
 * is read by the rules meta.cell.FIELD.*, with the groups of the ordinary
 * rules of that field. */
enum { P_KIND, P_ISSUER, P_NUMBER, P_DATE, P_SIGNER, NPORTAL };
static const char *const portal_fields[NPORTAL] = {"kind", "issuer", "number",
                                                   "date", "signer"};

typedef struct portal {
  bool has[NPORTAL];
  size_t s[NPORTAL], e[NPORTAL]; /* the value cell, canonical */
} portal;

/* The next '|'-separated cell of line li from *at, trimmed, in [*s, *e);
 * false past the line's end.  A line without a '|' has no cells. */
static bool next_cell(const xctx *x, size_t li, size_t *at, size_t *s,
                      size_t *e) {
  size_t ls = xline_start(x, li), le = xline_end(x, li);
  if (*at > le || !memchr(x->s + ls, '|', le - ls)) return false;
  size_t i = *at;
  while (i < le && x->s[i] != '|') i++;
  *s = *at, *e = i;
  *at = i + 1;
  while (*s < *e && (x->s[*s] == ' ' || x->s[*s] == '\t')) (*s)++;
  while (*e > *s && (x->s[*e - 1] == ' ' || x->s[*e - 1] == '\t')) (*e)--;
  return true;
}

/* A row of table rules only ("|---|:--|"). */
static bool rule_row(const xctx *x, size_t li) {
  for (size_t i = xline_start(x, li); i < xline_end(x, li); i++)
    if (!strchr("|-: \t", x->s[i])) return false;
  return true;
}

/* The portal field a label cell names, as an index, or -1. */
static int label_field(xctx *x, size_t s, size_t e) {
  rule_list rs = rules_select(x->rules, "meta.label.", NULL);
  for (size_t i = 0; i < rs.n && e > s; i++) {
    const char *f = rule_attr(rs.items[i], "field");
    if (!f || !rule_exec(rs.items[i], x->s + s, e - s, 0, x->md)) continue;
    for (int k = 0; k < NPORTAL; k++)
      if (!strcmp(f, portal_fields[k])) return k;
  }
  return -1;
}

static void find_portal(xctx *x, portal *pt) {
  memset(pt, 0, sizeof *pt);
  for (size_t i = 0; i < x->first_section_line && i < x->nlines; i++) {
    size_t j = i + 1;
    while (j < x->nlines && j < i + 3 && rule_row(x, j)) j++;
    if (j >= x->nlines) continue;
    /* the cells of the label row beside those of the value row */
    size_t la = xline_start(x, i), va = xline_start(x, j), ls, le, vs, ve;
    while (next_cell(x, i, &la, &ls, &le) && next_cell(x, j, &va, &vs, &ve)) {
      int k = label_field(x, ls, le);
      if (k < 0 || pt->has[k] || ve == vs || label_field(x, vs, ve) >= 0)
        continue;
      pt->has[k] = true, pt->s[k] = vs, pt->e[k] = ve;
    }
  }
}

/* The first rule of "meta.cell.FIELD." matching the portal's value cell of
 * that field (x->md holds the match), or NULL. */
static const rule *portal_rule(xctx *x, const portal *pt, int k) {
  if (!pt->has[k]) return NULL;
  char prefix[32];
  snprintf(prefix, sizeof prefix, "meta.cell.%s.", portal_fields[k]);
  rule_list rs = rules_select(x->rules, prefix, NULL);
  for (size_t i = 0; i < rs.n; i++)
    if (rule_scan(rs.items[i], &x->scan, pt->e[k], pt->s[k], x->md))
      return rs.items[i];
  return NULL;
}

/* The portal's value of field k, else the first rule of `prefix`. */
static const rule *field_rule(xctx *x, const portal *pt, int k,
                              const char *prefix) {
  const rule *r = portal_rule(x, pt, k);
  return r ? r : first_rule(x, prefix);
}

/* ---- fields -------------------------------------------------------------- */

static void meta_kind(xctx *x, const portal *pt) {
  const rule *r = field_rule(x, pt, P_KIND, "meta.kind.");
  if (!r) return;
  size_t s, e;
  if (!rule_group(r, x->md, "kw", &s, &e)) rule_match_span(x->md, &s, &e);
  set_field(x, &x->f->document.kind, rule_attr(r, "kind"), s, e, r);
}

/* The title; returns its canonical extent in *ts, *te (0, 0 if none). */
static void meta_title(xctx *x, size_t *ts, size_t *te) {
  *ts = *te = 0;
  const rule *r = first_rule(x, "meta.title.");
  x->title_read = true;
  x->has_subject = r && rule_group(r, x->md, "subject", &x->subject_start,
                                   &x->subject_end);
  if (!r) return;
  size_t s, e;
  if (!rule_group(r, x->md, "title", &s, &e)) rule_match_span(x->md, &s, &e);
  set_field(x, &x->f->document.title, xfolded(x, s, e), s, e, r);
  *ts = s;
  *te = e;
}

/* ---- the plan's subject, for its parent ---------------------------------- */

typedef struct words {
  size_t n;
  const char **w; /* room for a word per two bytes of the key */
  size_t *len;
} words;

static bool word_byte(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
         (unsigned char)c >= 0x80;
}

/* The words (runs of letters and digits) of a match key (lower case);
 * false when out of memory.  Free out->w and out->len. */
static bool split_words(const char *k, words *out) {
  size_t room = strlen(k) / 2 + 1; /* words are parted by a byte at least */
  out->n = 0;
  out->w = malloc(room * sizeof *out->w);
  out->len = malloc(room * sizeof *out->len);
  if (!out->w || !out->len) return false;
  for (const char *p = k; *p;) {
    size_t l = 0;
    while (word_byte(p[l])) l++;
    if (l) out->w[out->n] = p, out->len[out->n++] = l, p += l;
    else p++;
  }
  return true;
}

/* The plan's subject as meta_subject_overlap compares it: its match key
 * and the words of it (none when the plan names no subject). */
struct meta_subject {
  char *key;
  words w;
};

void meta_subject_free(meta_subject *subject) {
  if (!subject) return;
  free(subject->key);
  free(subject->w.w);
  free(subject->w.len);
  free(subject);
}

/* The subject's words, read once per document; NULL without memory. */
static meta_subject *subject_words(xctx *x, meta_subject **subject) {
  if (*subject) return *subject;
  meta_subject *sj = calloc(1, sizeof *sj);
  if (!sj) return NULL;
  /* the title's match as meta_title found it, else searched again */
  size_t ss = x->subject_start, se = x->subject_end;
  const rule *r = x->title_read ? NULL : first_rule(x, "meta.title.");
  if (x->title_read ? x->has_subject
                    : r && rule_group(r, x->md, "subject", &ss, &se)) {
    cchc_error err = {0};
    if (!(sj->key = cchc_match_key(x->s + ss, se - ss, &err)) &&
        err.code == CCHC_ERR_NOMEM) {
      free(sj);
      return NULL;
    }
    if (sj->key && !split_words(sj->key, &sj->w)) {
      meta_subject_free(sj);
      return NULL;
    }
  }
  return *subject = sj;
}

int meta_subject_overlap(xctx *x, meta_subject **subject, size_t a,
                         size_t b) {
  meta_subject *sj = subject_words(x, subject);
  if (!sj) {
    x->f->failed = true; /* cchc_extract reports it */
    return 0;
  }
  if (!sj->key || b <= a) return 0;
  cchc_error err = {0};
  char *kt = cchc_match_key(x->s + a, b - a, &err);
  int best = 0, *run = NULL;
  const words *sw = &sj->w;
  words tw = {0};
  if (kt && split_words(kt, &tw) && (run = calloc(tw.n + 1, sizeof *run))) {
    /* Longest run of consecutive words the two share. */
    for (size_t i = 0; i < sw->n; i++)
      for (size_t j = tw.n; j-- > 0;) {
        bool eq = sw->len[i] == tw.len[j] &&
                  !memcmp(sw->w[i], tw.w[j], sw->len[i]);
        run[j + 1] = eq ? run[j] + 1 : 0;
        if (run[j + 1] > best) best = run[j + 1];
      }
  } else if (err.code == CCHC_ERR_NOMEM || kt) {
    x->f->failed = true; /* cchc_extract reports it */
  }
  free(run);
  free(tw.w), free(tw.len);
  free(kt);
  return best;
}

/* Where the plan's issue date printed its year (a period stated only by
 * its end, "đến năm 2030", starts then). */
typedef struct issue {
  int year; /* 0 when unknown */
  size_t ys, ye;
  const rule *r;
} issue;

typedef struct period {
  const rule *r;
  size_t s, e;   /* whole match */
  size_t ys, ye; /* where the first year is printed */
  int y1, y2;
} period;

static bool year_ok(int y) { return y >= 1900 && y <= 2100; }

/* A period is looked for in short spans (a title, a header line, a
 * citation's clause): below this length a span is searched by rule_exec
 * alone.  rule_scan, the same search where the rule's facts allow it,
 * first asks whether its words stand in the span, and each ask searches
 * the text up to 2 KB on (rulescan.c: LITERAL_REACH) to keep the answer
 * for later asks: more than the span's own search (on 40 plans 0.6 M
 * instructions of the 2.4 M of find_period). */
enum { PERIOD_EXEC_SPAN = 1024 };
bool meta_period_exec_off = false;

/* r's first match in s[a..b) (rule_scan's answer). */
static bool period_scan(xctx *x, const rule *r, size_t a, size_t b) {
  if (b - a < PERIOD_EXEC_SPAN && !meta_period_exec_off)
    return rule_exec(r, x->s, b, a, x->md);
  return rule_scan(r, &x->scan, b, a, x->md);
}

/* The earliest period expression in s[a..b) (ties: file order).  A rule
 * without group `y` gives only the last year: the first is the year of
 * issue, when that is not later. */
static bool find_period(xctx *x, size_t a, size_t b, const issue *iss,
                        period *p) {
  rule_list rs = rules_select(x->rules, "meta.period.", NULL);
  const rule *best = NULL;
  size_t best_at = SIZE_MAX;
  /* a match lies in s[a..b): a rule that needs what it lacks (a line of
   * the header without a digit) is not run */
  uint64_t has = rule_features(x->s + a, b - a);
  kept_match k = {.on = false};
  for (size_t i = 0; i < rs.n; i++)
    if (rule_may_match(rs.items[i], has) &&
        period_scan(x, rs.items[i], a, b)) {
      size_t s, e;
      rule_match_span(x->md, &s, &e);
      if (s < best_at) {
        best = rs.items[i], best_at = s;
        keep_init(&k, x, best);
        if (k.on) keep(&k, x);
      }
    }
  if (!best) return false;
  if (k.on) put_back(&k, x);
  else if (!period_scan(x, best, best_at, b)) return false;
  size_t y2s, y2e;
  bool has_first = rule_group(best, x->md, "y", &p->ys, &p->ye);
  if (!rule_group(best, x->md, "y2", &y2s, &y2e)) {
    if (!has_first) return false;
    y2s = p->ys, y2e = p->ye;
  }
  p->y2 = xint(x->s, y2s, y2e);
  if (has_first) {
    p->y1 = xint(x->s, p->ys, p->ye);
  } else {
    p->y1 = iss->year;
    p->ys = iss->ys, p->ye = iss->ye;
  }
  if (!year_ok(p->y1) || !year_ok(p->y2) || p->y2 < p->y1) return false;
  p->r = best;
  rule_match_span(x->md, &p->s, &p->e);
  return true;
}

static void iso_bound(char out[11], int year, const rule *r, const char *key,
                      const char *dflt) {
  const char *md = r ? rule_attr(r, key) : NULL;
  snprintf(out, 11, "%04u-%.5s", (unsigned)year % 10000u, md ? md : dflt);
}

/* The year of an ISO date string, or 0. */
static int iso_year(const char *v) {
  int y = v ? xint(v, 0, strnlen(v, 4)) : -1;
  return year_ok(y) ? y : 0;
}

bool meta_find_period(xctx *x, size_t a, size_t b, char from[11],
                      char to[11]) {
  issue iss = {.year = iso_year(x->f->document.date.value)};
  period p;
  if (!find_period(x, a, b, &iss, &p)) return false;
  iso_bound(from, p.y1, p.r, "from", "01-01");
  iso_bound(to, p.y2, p.r, "to", "12-31");
  return true;
}

/* Whether a line closes its clause: it ends with ';', '.' or ':'. */
static bool closes_clause(const xctx *x, size_t li) {
  size_t s = xline_start(x, li), e = xline_end(x, li);
  while (e > s && strchr(" \t*", x->s[e - 1])) e--;
  return e > s && strchr(";.:", x->s[e - 1]);
}

/* The earliest period in the header's lines that do not cite the plan's
 * bases (meta.basis, to the end of its clause: a wrapped line goes on). */
static bool header_period(xctx *x, const issue *iss, period *p) {
  const rule *basis = rules_find(x->rules, "meta.basis");
  bool in_basis = false;
  for (size_t i = 0; i < x->first_section_line && i < x->nlines; i++) {
    size_t ls = xline_start(x, i), le = xline_end(x, i);
    if (basis && rule_exec(basis, x->s + ls, le - ls, 0, x->md))
      in_basis = true;
    bool skip = in_basis;
    if (closes_clause(x, i)) in_basis = false;
    if (!skip && find_period(x, ls, le, iss, p)) return true;
  }
  return false;
}

/* The plan's own name in the sentence that issues it ("UBND tỉnh ban hành
 * Kế hoạch ... giai đoạn 2026-2030, cụ thể như sau"): meta.own_plan,
 * group `plan`. */
static bool own_plan_period(xctx *x, const issue *iss, period *p) {
  const rule *r = first_rule(x, "meta.own_plan");
  size_t s, e;
  return r && rule_group(r, x->md, "plan", &s, &e) &&
         find_period(x, s, e, iss, p);
}

/* A plan that states no period runs from its issue to the last horizon of
 * its objectives ("a) Đến năm 2030: ..."), meta.horizon.* over the text
 * (span: group `at`, else the match); without an issue date, from the
 * first horizon. */
static bool horizon_period(xctx *x, const issue *iss, period *p) {
  rule_list rs = rules_select(x->rules, "meta.horizon.", NULL);
  int lo = 0, hi = 0;
  size_t los = 0, loe = 0;
  for (size_t i = 0; i < rs.n; i++) {
    const rule *r = rs.items[i];
    for (size_t at = 0; at < x->n && rule_scan(r, &x->scan, x->n, at, x->md);) {
      size_t ms, me, s, e;
      rule_match_span(x->md, &ms, &me);
      at = me > ms ? me : next_char(x, ms);
      rule_group(r, x->md, "at", &ms, &me); /* the phrase, if marked */
      int y = rule_group(r, x->md, "y", &s, &e) ? xint(x->s, s, e) : -1;
      if (!year_ok(y)) continue;
      if (!lo || y < lo) lo = y, los = s, loe = e;
      if (y > hi) hi = y, p->r = r, p->s = ms, p->e = me;
    }
  }
  if (!hi) return false;
  p->y2 = hi;
  if (iss->year && iss->year <= lo)
    p->y1 = iss->year, p->ys = iss->ys, p->ye = iss->ye;
  else
    p->y1 = lo, p->ys = los, p->ye = loe;
  return true;
}

/* The period the plan covers: its title, else the sentence that issues
 * it, else the header, else its objectives' horizons.  A plan that states
 * none (period null) belongs to the year it was issued. */
static void meta_period(xctx *x, size_t ts, size_t te, const issue *iss) {
  frame_document *d = &x->f->document;
  period p;
  if (!(te > ts && find_period(x, ts, te, iss, &p)) &&
      !own_plan_period(x, iss, &p) && !header_period(x, iss, &p) &&
      !horizon_period(x, iss, &p)) {
    if (iss->year)
      set_field(x, &d->year, frame_printf(x->f, "%d", iss->year), iss->ys,
                iss->ye, iss->r);
    return;
  }
  char from[11], to[11];
  iso_bound(from, p.y1, p.r, "from", "01-01");
  iso_bound(to, p.y2, p.r, "to", "12-31");
  set_field(x, &d->year, frame_printf(x->f, "%d", p.y1), p.ys, p.ye, p.r);
  set_field(x, &d->period_start, frame_strdup(x->f, from), p.s, p.e, p.r);
  set_field(x, &d->period_end, frame_strdup(x->f, to), p.s, p.e, p.r);
}

/* The issuing body: level and place, set by the rule (national bodies:
 * `level`, `place`) or read from its groups: `place`, and the level of
 * `body` by meta.level.*. */
static void meta_issuer(xctx *x, const portal *pt) {
  const rule *r = field_rule(x, pt, P_ISSUER, "meta.issuer.");
  if (!r) return;
  size_t bs, be, ps, pe;
  if (!rule_group(r, x->md, "body", &bs, &be)) return;
  frame_document *d = &x->f->document;
  const char *place = rule_attr(r, "place"), *level = rule_attr(r, "level");
  if (place) {
    set_field(x, &d->place, place, bs, be, r);
  } else if (rule_group(r, x->md, "place", &ps, &pe)) {
    set_field(x, &d->place, spelling(x, ps, pe), ps, pe, r);
  } else {
    return;
  }
  rule_list ls = {NULL, 0};
  if (level) set_field(x, &d->level, level, bs, be, r);
  else ls = rules_select(x->rules, "meta.level.", NULL);
  for (size_t i = 0; i < ls.n; i++)
    if (rule_exec(ls.items[i], x->s + bs, be - bs, 0, x->md)) {
      set_field(x, &d->level, rule_attr(ls.items[i], "level"), bs, be,
                ls.items[i]);
      break;
    }
  /* A province or a centrally-run city is its own province. */
  if (d->level.value && (!strcmp(d->level.value, "province") ||
                         !strcmp(d->level.value, "city")))
    d->province = d->place;
}

/* The province: every mention votes; the most frequent name wins (the
 * earliest on a tie).  Votes are counted per printed form, each spelled
 * once, then summed per spelling ("ĐỒNG NAI" and "Đồng Nai" agree).  Run
 * by extract_deadlines after its walk of the text (extract.h). */
void meta_province_vote(xctx *x) {
  frame_document *d = &x->f->document;
  if (d->province.value) return;
  rule_list rs = rules_select(x->rules, "meta.province.", NULL);
  struct form {
    const char *name;
    size_t votes, s, e;
    const rule *r;
  } *forms = NULL;
  size_t nforms = 0, cap = 0;
  for (size_t i = 0; i < rs.n; i++) {
    const rule *r = rs.items[i];
    size_t end = scope_end(x, r);
    for (size_t at = 0; at < end && rule_scan(r, &x->scan, end, at, x->md);) {
      size_t ms, me, s, e;
      rule_match_span(x->md, &ms, &me);
      at = me > ms ? me : next_char(x, ms);
      if (!rule_group(r, x->md, "name", &s, &e)) continue;
      size_t k = 0;
      while (k < nforms && !(forms[k].e - forms[k].s == e - s &&
                             !memcmp(x->s + forms[k].s, x->s + s, e - s)))
        k++;
      if (k == nforms) {
        if (nforms == cap) {
          cap = cap ? 2 * cap : 16;
          struct form *p = realloc(forms, cap * sizeof *p);
          if (!p) {
            x->f->failed = true;
            free(forms);
            return;
          }
          forms = p;
        }
        forms[k] = (struct form){NULL, 0, s, e, r};
        nforms++;
      } else if (s < forms[k].s) {
        forms[k].s = s, forms[k].e = e, forms[k].r = r;
      }
      forms[k].votes++;
    }
  }
  for (size_t k = 0; k < nforms; k++)
    if (!(forms[k].name = spelling(x, forms[k].s, forms[k].e))) {
      free(forms);
      return;
    }
  size_t best = SIZE_MAX, best_votes = 0, best_s = 0;
  for (size_t k = 0; k < nforms; k++) {
    size_t votes = 0, first = forms[k].s;
    for (size_t j = 0; j < nforms; j++)
      if (!strcmp(forms[j].name, forms[k].name)) {
        votes += forms[j].votes;
        if (forms[j].s < first) first = forms[j].s;
      }
    if (best == SIZE_MAX || votes > best_votes ||
        (votes == best_votes && first < best_s))
      best = k, best_votes = votes, best_s = first;
  }
  /* Report the first mention of the winning spelling. */
  for (size_t j = 0; best != SIZE_MAX && j < nforms; j++)
    if (!strcmp(forms[j].name, forms[best].name) && forms[j].s < forms[best].s)
      best = j;
  if (best != SIZE_MAX)
    set_field(x, &d->province, forms[best].name, forms[best].s, forms[best].e,
              forms[best].r);
  free(forms);
}

static void meta_number(xctx *x, const portal *pt) {
  const rule *r = portal_rule(x, pt, P_NUMBER);
  refs_sites *sites = NULL;
  if (!r) r = first_rule_by(x, "meta.number", &sites);
  refs_sites_close(sites);
  size_t s, e;
  if (r && rule_group(r, x->md, "number", &s, &e))
    set_field(x, &x->f->document.number, frame_strndup(x->f, x->s + s, e - s),
              s, e, r);
}

/* The issue date; *iss gets its year and where the year is printed. */
static void meta_date(xctx *x, const portal *pt, issue *iss) {
  memset(iss, 0, sizeof *iss);
  const rule *r = field_rule(x, pt, P_DATE, "meta.date");
  if (!r) return;
  const char *iso = xdate_groups(x, r);
  size_t s, e;
  if (!iso || !rule_group(r, x->md, "y", &iss->ys, &iss->ye)) return;
  if (!rule_group(r, x->md, "date", &s, &e)) rule_match_span(x->md, &s, &e);
  set_field(x, &x->f->document.date, iso, s, e, r);
  iss->year = iso_year(iso);
  iss->r = r;
}

static void meta_signer(xctx *x, const portal *pt) {
  const rule *r = field_rule(x, pt, P_SIGNER, "meta.signer");
  size_t s, e;
  if (r && rule_group(r, x->md, "name", &s, &e))
    set_field(x, &x->f->document.signer, xfolded(x, s, e), s, e, r);
}

cchc_status extract_meta(xctx *x) {
  portal pt;
  issue iss;
  size_t ts, te;
  find_portal(x, &pt);
  meta_kind(x, &pt);
  meta_title(x, &ts, &te);
  meta_date(x, &pt, &iss);
  meta_period(x, ts, te, &iss);
  meta_issuer(x, &pt);
  /* (the province is voted after the deadlines' walk of the text:
   * meta_province_vote) */
  meta_number(x, &pt);
  meta_signer(x, &pt);
  return x->f->failed ? nomem(x) : CCHC_OK;
}
