/* refs.c: legal documents cited by number (rules/refs.rules, group "ref."),
 * one entry per distinct number with every mention, and the choice of the
 * parent plan among the citations of the header (cues meta.parent.* of
 * rules/meta.rules).
 *
 * A citation is a type word and a number (ref.cite), then, anchored where
 * the previous piece ended, its date (ref.date), more numbers of the same
 * list (ref.next) with their dates, and the issuing body (ref.issuer).  A
 * number printed without a type word (ref.bare) counts when its symbol
 * gives its kind (ref.symbol.*).  The plan's own number, and that of the
 * decision that issues it (ref.self), are not citations. */
#include "extract.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

/* A citation needs this score from the meta.parent.* cues to be the
 * parent plan (documented in rules/meta.rules). */
enum { PARENT_MIN_SCORE = 5 };

typedef struct mention {
  size_t s, e;   /* as printed: type word (or number) to the number's end */
  size_t ns, ne; /* the number */
  size_t ds, de; /* its date, when printed */
  const char *date, *kind, *issuer;
  const rule *r;
  size_t ref; /* entry in f->references */
} mention;

/* A text whose kind is known: where it is printed (one place stands for
 * all with the same bytes) and its kind (NULL: none). */
typedef struct kind_seen {
  size_t s, e;
  const char *kind;
} kind_seen;
enum { KINDS_SEEN = 16 };

/* At most this many marks make a needs clause that a scan skips to. */
enum { MARKS_MAX = 3 };

/* What a byte is to a scan by stretches: of the rule's barrier, of
 * another feature (ASCII), one of the marks; 0 for a letter or a byte
 * beyond ASCII. */
enum { BYTE_STOP = 1, BYTE_FEATURE = 2, BYTE_MARK = 4 };

/* How a rule whose matches hold a document number is searched (see
 * site_mode): by stretches (not known to hold one), in the stretch before
 * each number (SITE_BEFORE: the number ends the match), or only in the
 * digits before each number's mark (SITE_AT: the match is the number). */
enum { BY_STRETCHES, SITE_BEFORE, SITE_AT };
typedef struct site_scan {
  const rule *r;
  int mode;
  bool stop[256]; /* the bytes of r's barrier (ASCII; no digit) */
  size_t last_site, last_start; /* the last stretch start found */
} site_scan;

typedef struct refs_state {
  xctx *x;
  size_t len; /* the scans by sites read x->s[0, len) (x->n: all of it) */
  uint64_t ascii[256]; /* the features of each ASCII byte; 0 beyond */
  uint64_t digit;      /* the feature of a digit */
  const rule *cite, *date, *next, *issuer, *bare, *self;
  rule_list types, symbols;
  /* the marks of the rule last scanned by stretches (needed_marks) */
  const rule *marked;
  unsigned char marks[MARKS_MAX];
  size_t nmarks;
  bool is_mark[256]; /* the marks, by byte */
  /* each byte as the stretches of that rule see it (BYTE_*): the walks
   * read one byte of a table per step, and pass over a letter at once */
  uint8_t byte_class[256];
  mention *m;
  size_t nm, cap;
  const char **own; /* numbers that are the document's own */
  size_t nown, cap_own;
  meta_subject *subject; /* the plan's subject, read at the first cue */
  /* The kinds of the type words met so far, by their bytes (kind_of):
   * a plan cites "Quyết định" and "Nghị quyết" dozens of times, and each
   * asked the ref.type.* rules again. */
  kind_seen kinds[KINDS_SEEN];
  size_t nkinds;
  /* Where a number's first mark may stand (number_sites), read at the
   * first ask: the citations' scans try their rules only there. */
  size_t *sites;
  size_t nsites;
  bool sites_read;
  /* How each scanned rule is searched (site_mode), by rule: ref.cite,
   * ref.bare, ref.self */
  site_scan scans[3];
} refs_state;

static cchc_status nomem(xctx *x) {
  return cchc_fail(x->err, CCHC_ERR_NOMEM, "out of memory");
}

static size_t header_end(const xctx *x) {
  return x->first_section_line < x->nlines
             ? xline_start(x, x->first_section_line)
             : x->n;
}

static bool same(const char *a, const char *s, size_t n) {
  return strlen(a) == n && !memcmp(a, s, n);
}

/* ---- values --------------------------------------------------------------- */

/* The `kind` of the first rule in rs that matches s[a..b), or NULL. */
static const char *kind_of(xctx *x, rule_list rs, size_t a, size_t b) {
  for (size_t i = 0; i < rs.n; i++)
    if (rule_exec(rs.items[i], x->s + a, b - a, 0, x->md))
      return rule_attr(rs.items[i], "kind");
  return NULL;
}

/* kind_of(st->types) of the type word s[a..b): the rules see its bytes
 * alone, so a type word printed alike before has the kind found then. */
static const char *type_kind(refs_state *st, size_t a, size_t b) {
  const char *s = st->x->s;
  for (size_t i = 0; i < st->nkinds; i++) {
    const kind_seen *k = &st->kinds[i];
    if (k->e - k->s == b - a && !memcmp(s + k->s, s + a, b - a))
      return k->kind;
  }
  const char *kind = kind_of(st->x, st->types, a, b);
  if (st->nkinds < KINDS_SEEN)
    st->kinds[st->nkinds++] = (kind_seen){a, b, kind};
  return kind;
}

static bool is_own(const refs_state *st, size_t s, size_t e) {
  for (size_t i = 0; i < st->nown; i++)
    if (same(st->own[i], st->x->s + s, e - s)) return true;
  return false;
}

static bool add_own(refs_state *st, const char *num) {
  if (!num) return true;
  if (st->nown == st->cap_own) {
    size_t cap = st->cap_own ? st->cap_own * 2 : 8;
    const char **p = realloc(st->own, cap * sizeof *p);
    if (!p) return false;
    st->own = p;
    st->cap_own = cap;
  }
  st->own[st->nown++] = num;
  return true;
}

static mention *add_mention(refs_state *st, const rule *r, size_t s,
                            size_t ns, size_t ne, const char *kind) {
  if (st->nm == st->cap) {
    size_t cap = st->cap ? st->cap * 2 : 64;
    mention *p = realloc(st->m, cap * sizeof *p);
    if (!p) return NULL;
    st->m = p;
    st->cap = cap;
  }
  mention *m = &st->m[st->nm++];
  *m = (mention){.s = s, .e = ne, .ns = ns, .ne = ne, .kind = kind, .r = r};
  return m;
}

/* ---- finding mentions --------------------------------------------------- */


/* The characters of a clause of r's needs that are a few ASCII
 * punctuation marks (not digits, which may lie beyond ASCII) outside the
 * barrier b, in marks: their number, or 0 when no clause is such. */
static size_t needed_marks(const refs_state *st, const rule *r, uint64_t b,
                           unsigned char marks[MARKS_MAX]) {
  for (size_t i = 0; i < r->facts.nneeds; i++) {
    uint64_t q = r->facts.needs[i];
    size_t n = 0;
    bool ok = !(q & st->digit);
    for (unsigned c = 0; c < 128 && ok; c++) {
      if (!(st->ascii[c] & q)) continue;
      q &= ~st->ascii[c];
      ok = n < MARKS_MAX && !(st->ascii[c] & b);
      if (ok) marks[n++] = (unsigned char)c; /* (not past the last) */
    }
    if (ok && n && !q) return n; /* q: a feature of no ASCII character */
  }
  return 0;
}

/* The first of the marks at or after `from` (x->n: none); next[k] keeps
 * mark k's next place as found (SIZE_MAX or before `from`: not looked
 * for). */
static size_t next_mark(const xctx *x, const unsigned char *marks, size_t n,
                        size_t *next, size_t from) {
  size_t first = x->n;
  for (size_t k = 0; k < n; k++) {
    if (next[k] == SIZE_MAX || next[k] < from) {
      const char *p = memchr(x->s + from, marks[k], x->n - from);
      next[k] = p ? (size_t)(p - x->s) : x->n;
    }
    if (next[k] < first) first = next[k];
  }
  return first;
}

/* r's first match in the text that starts at or after `at` (rule_scan).  A
 * match holds no character of r's barrier and, for each clause of its
 * needs, a character of the clause (rule_facts): it lies in a stretch
 * between two barrier characters that holds them all.  Only those
 * stretches are searched, each up to its end: a number's needs (a digit,
 * then '/' or '-') stand together in few of the stretches that a search
 * of the lines with a digit would go through. */
static bool scan_stretches(refs_state *st, const rule *r, size_t at) {
  xctx *x = st->x;
  uint64_t b = r->facts.barrier & ~st->digit; /* digits: also beyond ASCII */
  if (!b || !r->facts.nneeds || !x->scan.mc)
    return rule_scan(r, &x->scan, x->n, at, x->md);
  const unsigned char *u = (const unsigned char *)x->s;
  /* A stretch lacking a clause of few marks ("/" or "-" of a number's
   * symbol) holds no match: the walk goes to the stretch of the next one,
   * back from it to the barrier before. */
  if (st->marked != r) {
    st->nmarks = needed_marks(st, r, b, st->marks);
    st->marked = r;
    memset(st->is_mark, 0, sizeof st->is_mark);
    for (size_t k = 0; k < st->nmarks; k++) st->is_mark[st->marks[k]] = true;
    for (size_t c = 0; c < 256; c++)
      st->byte_class[c] = (uint8_t)((st->ascii[c] & b)  ? BYTE_STOP
                                    : st->ascii[c]      ? BYTE_FEATURE
                                                        : 0) |
                          (st->is_mark[c] ? BYTE_MARK : 0);
  }
  const uint8_t *cls = st->byte_class;
  const unsigned char *marks = st->marks;
  size_t nmarks = st->nmarks, next[MARKS_MAX];
  for (size_t k = 0; k < nmarks; k++) next[k] = SIZE_MAX;
  for (size_t from = at; from <= x->n;) {
    if (nmarks) {
      size_t p = next_mark(x, marks, nmarks, next, from);
      if (p == x->n) return false;
      while (p > from && !(cls[u[p - 1]] & BYTE_STOP)) p--;
      from = p;
    }
    uint64_t has = 0; /* of its ASCII characters */
    unsigned bytes = 0; /* its bytes or'ed: past 0x7F with a wider one */
    size_t end = from, last_mark = from;
    for (; end < x->n; end++) {
      unsigned char c = u[end];
      bytes |= c; /* a barrier is ASCII: or'ed, it tells nothing */
      if (!cls[c]) continue;
      if (cls[c] & BYTE_STOP) break;
      has |= st->ascii[c];
      if (cls[c] & BYTE_MARK) last_mark = end;
    }
    /* a character beyond ASCII is seldom a digit: told when it counts */
    if (bytes >= 0x80 && !rule_may_match(r, has) &&
        rule_may_match(r, has | st->digit))
      has = rule_features(x->s + from, end - from);
    /* A match holds one of the marks: it starts by the stretch's last one
     * (a citation's number often opens a long clause). */
    size_t limit = nmarks ? last_mark : end;
    if (rule_may_match(r, has) &&
        rule_exec_until(r, &x->scan, x->s, x->n, from, limit, x->md))
      return true;
    from = end + 1;
  }
  return false;
}

/* ---- the places of numbers ---------------------------------------------- */

/* The group every citation rule ends with, as far as a site needs: one to
 * five digits, maybe "/" and four digits, then "/" or "-" and a letter
 * (rules/refs.rules). */
static const char NUMBER_HEAD[] = "(?<number>\\d{1,5}(?:/\\d{4})?[/-]\\p{Lu}";

/* Just past the group or class that opens at p[i] ('(' or '['), escapes
 * skipped; 0 when it does not close. */
static size_t item_end(const char *p, size_t n, size_t i) {
  if (p[i] == '[') {
    size_t k = i + 1;
    if (k < n && p[k] == '^') k++;
    if (k < n && p[k] == ']') k++; /* a ']' first is one of the class */
    for (; k < n; k++) {
      if (p[k] == '\\') k++;
      else if (p[k] == '[' && k + 1 < n && p[k + 1] == ':') {
        const char *c = strstr(p + k + 2, ":]");
        if (!c || (size_t)(c - p) >= n) return 0;
        k = (size_t)(c - p) + 1;
      } else if (p[k] == ']') return k + 1;
    }
    return 0;
  }
  int depth = 0;
  for (size_t k = i; k < n; k++) {
    if (p[k] == '\\') k++;
    else if (p[k] == '[') {
      size_t e = item_end(p, n, k);
      if (!e) return 0;
      k = e - 1;
    } else if (p[k] == '(') depth++;
    else if (p[k] == ')' && --depth == 0) return k + 1;
  }
  return 0;
}

/* How r can be searched by the sites of numbers.  Its pattern must end
 * with the group NUMBER_HEAD... (unquantified: the pattern's last
 * character closes it) after a prefix without an alternative at its top
 * (every match then holds the number, which ends it): SITE_BEFORE; a
 * prefix of lookarounds only (a match is the number): SITE_AT.  Else (or
 * for a pattern whose reading this does not follow: \Q, \K, verbs,
 * extended mode; or with \G, which a window's start would move)
 * BY_STRETCHES.  One walk of the pattern: the rules are
 * asked once per document. */
static int site_mode(const rule *r) {
  const char *p = r->pattern;
  uint32_t options = 0;
  if (pcre2_pattern_info(r->code, PCRE2_INFO_ARGOPTIONS, &options) != 0 ||
      (options & (PCRE2_EXTENDED | PCRE2_EXTENDED_MORE | PCRE2_LITERAL)))
    return BY_STRETCHES;
  size_t n = strlen(p), head = SIZE_MAX;
  for (size_t k = 0; k + 1 < n; k++) {
    if (p[k] == '\\') {
      if (p[k + 1] == 'Q' || p[k + 1] == 'K' || p[k + 1] == 'G')
        return BY_STRETCHES;
      k++;
    } else if (p[k] == '(' && p[k + 1] == '*') {
      return BY_STRETCHES;
    } else if (p[k] == '(' && p[k + 1] == '?') {
      /* inline options: extended mode reads the rest otherwise */
      for (size_t i = k + 2; i < n && strchr("imnsxJU-^", p[i]); i++)
        if (p[i] == 'x' || p[i] == '^') return BY_STRETCHES;
      if (head == SIZE_MAX && !strncmp(p + k, NUMBER_HEAD,
                                       sizeof NUMBER_HEAD - 1))
        head = k;
    }
  }
  if (head == SIZE_MAX || item_end(p, n, head) != n) return BY_STRETCHES;
  bool zero_width = true; /* so far, lookarounds only */
  for (size_t k = 0; k < head;) {
    if (p[k] == '|') return BY_STRETCHES;
    if (p[k] == '(' || p[k] == '[') {
      size_t e = item_end(p, n, k);
      if (!e || e > head) return BY_STRETCHES;
      zero_width &= p[k] == '(' && (!strncmp(p + k, "(?<!", 4) ||
                                    !strncmp(p + k, "(?<=", 4) ||
                                    !strncmp(p + k, "(?=", 3) ||
                                    !strncmp(p + k, "(?!", 3));
      k = e;
    } else {
      zero_width = false;
      k += p[k] == '\\' ? 2 : 1;
    }
  }
  return zero_width ? SITE_AT : SITE_BEFORE;
}

static bool ascii_digit(unsigned char c) { return c >= '0' && c <= '9'; }

/* Where the character before offset i of s[0, n) starts when it may be a
 * decimal digit (\d, in any script), else SIZE_MAX. */
static size_t digit_before(const unsigned char *u, size_t n, size_t i) {
  if (!i) return SIZE_MAX;
  size_t q = i - 1;
  if (u[q] < 0x80) return ascii_digit(u[q]) ? q : SIZE_MAX;
  while (q > 0 && (u[q] & 0xC0) == 0x80 && i - q < 4) q--;
  return lead_may_be_digit(u + q, u + n) ? q : SIZE_MAX;
}

/* May the byte lead a letter of \p{Lu} (any letter: case is not told)? */
static bool letter_may(unsigned char c) {
  return ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') || c >= 0x80;
}

/* May the mark at u[m] ('/' or '-') be the first one of a number: a digit
 * before it, and after it a letter, or "/" and four digits and a mark and
 * a letter?  False only when it cannot. */
static bool site_at(const unsigned char *u, size_t n, size_t m) {
  if (digit_before(u, n, m) == SIZE_MAX || m + 1 >= n) return false;
  if (letter_may(u[m + 1])) return true;
  if (u[m] != '/' || !ascii_digit(u[m + 1])) return false;
  for (size_t k = m + 2; k < m + 5; k++) {
    if (k >= n) return false;
    if (u[k] >= 0x80) return true; /* a digit beyond ASCII, maybe */
    if (!ascii_digit(u[k])) return false;
  }
  return m + 6 < n && (u[m + 5] == '/' || u[m + 5] == '-') &&
         letter_may(u[m + 6]);
}

/* Keep site m in st->sites; false without memory (none are then told:
 * the rules search by stretches). */
static bool site_keep(refs_state *st, size_t *cap, size_t m) {
  if (st->nsites == *cap) {
    *cap = *cap ? 2 * *cap : 64;
    size_t *p = realloc(st->sites, *cap * sizeof *p);
    if (!p) {
      st->nsites = 0;
      return false;
    }
    st->sites = p;
  }
  st->sites[st->nsites++] = m;
  return true;
}

/* The sites (site_at) among the marks of x->s[a, b), in text order. */
static bool sites_in(refs_state *st, size_t *cap, size_t a, size_t b) {
  const xctx *x = st->x;
  const unsigned char *u = (const unsigned char *)x->s;
  size_t next[2] = {SIZE_MAX, SIZE_MAX};
  static const char marks[2] = {'/', '-'};
  for (size_t from = a; from < b;) {
    size_t m = b;
    for (int k = 0; k < 2; k++) {
      if (next[k] == SIZE_MAX || next[k] < from) {
        const char *p = memchr(x->s + from, marks[k], b - from);
        next[k] = p ? (size_t)(p - x->s) : b;
      }
      if (next[k] < m) m = next[k];
    }
    if (m == b) break;
    if (site_at(u, x->n, m) && !site_keep(st, cap, m)) return false;
    from = m + 1;
  }
  return true;
}

/* Every mark of the text that may be a number's first (site_at), in text
 * order, into st->sites: read once, for all the rules.  Only the lines
 * whose features (rule_line_has) hold a digit and a mark are read: a site
 * follows a digit on its line, and most lines of a plan lack one or the
 * other (the two searches for the marks read the whole text, a search
 * from each mark).  False without memory. */
static bool number_sites(refs_state *st) {
  if (st->sites_read) return true;
  const xctx *x = st->x;
  const rule_text *t = &x->scan;
  size_t cap = 0;
  uint64_t marks = rule_ascii_features['/'] | rule_ascii_features['-'];
  if (t->s != x->s || t->n != x->n || !t->nlines ||
      (!t->line_kind && !t->line_has)) {
    if (!sites_in(st, &cap, 0, st->len)) return false;
  } else {
    /* line li is [line_end[li - 1] + 1, line_end[li]], with its break;
     * the lines before nl start before st->len */
    size_t nl = t->nlines;
    if (st->len < x->n) {
      size_t lo = 0;
      while (lo < nl) { /* the first line whose break is at or past len */
        size_t mid = lo + (nl - lo) / 2;
        if (t->line_end[mid] < st->len) lo = mid + 1;
        else nl = mid;
      }
      nl = lo < t->nlines ? lo + 1 : lo;
    }
    for (size_t li = 0; li < nl; li++) {
      uint64_t has = rule_line_has(t, li);
      if (!(has & st->digit) || !(has & marks)) continue;
      size_t ls = li ? (size_t)t->line_end[li - 1] + 1 : 0;
      size_t le = t->line_end[li] < x->n ? (size_t)t->line_end[li] + 1 : x->n;
      if (!sites_in(st, &cap, ls, le < st->len ? le : st->len)) return false;
    }
  }
  st->sites_read = true;
  return true;
}

/* site_mode(r), read at the first ask and kept in r (the rules are
 * shared: every worker reads the same from the same pattern). */
static int number_scan_of(const rule *r) {
  _Atomic unsigned char *kept = &((rule *)r)->number_scan;
  unsigned char v = atomic_load_explicit(kept, memory_order_relaxed);
  if (!v) {
    v = (unsigned char)(site_mode(r) + 1);
    atomic_store_explicit(kept, v, memory_order_relaxed);
  }
  return v - 1;
}

/* The ASCII bytes of each feature bit (rule_ascii_features): a barrier
 * of a few features sets its bytes' stops by these lists, where each
 * scan's stops were read byte by byte from the features of all 128 (some
 * 1,300 instructions a scan, three a plan). */
static struct feature_bytes {
  uint8_t n;
  uint8_t c[128];
} feature_bytes[64];
static pthread_once_t feature_bytes_once = PTHREAD_ONCE_INIT;

static void feature_bytes_read(void) {
  for (unsigned c = 0; c < 128; c++)
    for (uint64_t m = rule_ascii_features[c]; m; m &= m - 1) {
      struct feature_bytes *fb = &feature_bytes[__builtin_ctzll(m)];
      fb->c[fb->n++] = (uint8_t)c;
    }
}

bool refs_stops_by_bytes = false;

static void site_scan_init(refs_state *st, site_scan *sc, const rule *r) {
  memset(sc, 0, sizeof *sc);
  sc->r = r;
  sc->mode = r ? number_scan_of(r) : BY_STRETCHES;
  sc->last_site = SIZE_MAX;
  if (sc->mode != SITE_BEFORE) return;
  uint64_t b = r->facts.barrier & ~st->digit;
  if (refs_stops_by_bytes) {
    for (size_t c = 0; c < 128; c++)
      sc->stop[c] = (rule_ascii_features[c] & b) != 0;
    return;
  }
  pthread_once(&feature_bytes_once, feature_bytes_read);
  for (; b; b &= b - 1) {
    const struct feature_bytes *fb = &feature_bytes[__builtin_ctzll(b)];
    for (size_t k = 0; k < fb->n; k++) sc->stop[fb->c[k]] = true;
  }
}

/* Where the stretch without a barrier character that holds the site m
 * starts (a match holds none: it starts there at the earliest). */
static size_t stretch_of(const refs_state *st, site_scan *sc, size_t m) {
  const unsigned char *u = (const unsigned char *)st->x->s;
  size_t p = m, floor = 0;
  if (sc->last_site != SIZE_MAX && sc->last_site <= m) floor = sc->last_site;
  while (p > floor && !sc->stop[u[p - 1]]) p--;
  if (p == floor && floor && floor == sc->last_site) p = sc->last_start;
  sc->last_site = m;
  sc->last_start = p;
  return p;
}

/* r's first match starting at or after `at`, tried only by the sites of
 * numbers (sc->mode): the stretch before each site (SITE_BEFORE) or the
 * digits right before it (SITE_AT), in text order.  A match holds its
 * number's first mark, a site, and starts in that site's window, which
 * starts no later than those of the sites after it: the first window with
 * a match holds the first match. */
static bool scan_sites(refs_state *st, site_scan *sc, size_t at) {
  xctx *x = st->x;
  const unsigned char *u = (const unsigned char *)x->s;
  size_t lo = 0, hi = st->nsites;
  while (lo < hi) { /* the first site at or after `at` */
    size_t mid = lo + (hi - lo) / 2;
    if (st->sites[mid] < at) lo = mid + 1;
    else hi = mid;
  }
  /* a window searched without a match has no match starting in it: the
   * windows after it (of the same stretch) start after it */
  size_t tried = at;
  for (size_t k = lo; k < st->nsites; k++) {
    size_t m = st->sites[k], from, limit;
    if (sc->mode == SITE_AT) {
      /* \d{1,5} right before the mark */
      from = m;
      for (int d = 0; d < 5; d++) {
        size_t q = digit_before(u, x->n, from);
        if (q == SIZE_MAX) break;
        from = q;
      }
      if (from == m) continue;
      limit = m - 1;
    } else {
      from = stretch_of(st, sc, m);
      limit = m;
    }
    if (from < tried) from = tried;
    if (from > limit) continue;
    /* (a rule whose first bytes PCRE2 does not know is tried at those of
     * its facts: meta.number, tried at every blank of a long window) */
    if (sc->mode == SITE_BEFORE && sc->r->by_first
            ? xmatch_until(x, sc->r, x->s, st->len, from, limit)
            : rule_exec_until(sc->r, &x->scan, x->s, st->len, from, limit,
                              x->md))
      return true;
    tried = limit + 1;
  }
  return false;
}

/* r's first match at or after `at`: by the sites of numbers when its
 * pattern allows (site_mode), else by stretches (scan_stretches) or the
 * whole text (rule_scan). */
static bool scan_number_rule(refs_state *st, site_scan *sc, size_t at,
                             bool stretches) {
  if (sc->mode != BY_STRETCHES && number_sites(st))
    return scan_sites(st, sc, at);
  xctx *x = st->x;
  return stretches ? scan_stretches(st, sc->r, at)
                   : rule_scan(sc->r, &x->scan, x->n, at, x->md);
}

/* The date right after position *pos (ref.date); sets it on m. */
static void take_date(refs_state *st, mention *m, size_t *pos) {
  xctx *x = st->x;
  if (!st->date || !rule_scan(st->date, &x->scan, x->n, *pos, x->md)) return;
  size_t s, e, ws, we;
  rule_match_span(x->md, &ws, &we);
  if (!rule_group(st->date, x->md, "date", &s, &e)) s = ws, e = we;
  const char *iso = xdate_groups(x, st->date);
  if (m && iso) {
    m->date = iso;
    m->ds = s;
    m->de = e;
  }
  *pos = we;
}

/* Every typed citation with its list, dates and issuer. */
static cchc_status typed_mentions(refs_state *st) {
  xctx *x = st->x;
  size_t at = 0;
  while (at < x->n && scan_number_rule(st, &st->scans[0], at, true)) {
    size_t ms, me, ts, te, ns, ne;
    rule_match_span(x->md, &ms, &me);
    if (!rule_group(st->cite, x->md, "type", &ts, &te)) ts = ms, te = ms;
    if (!rule_group(st->cite, x->md, "number", &ns, &ne)) ns = ms, ne = me;
    const char *kind = type_kind(st, ts, te);
    if (!kind) kind = "other";
    size_t first = st->nm, pos = ne;
    mention *m = NULL;
    if (!is_own(st, ns, ne) &&
        !(m = add_mention(st, st->cite, ms, ns, ne, kind)))
      return nomem(x);
    for (;;) {
      take_date(st, m, &pos);
      if (!st->next || !rule_scan(st->next, &x->scan, x->n, pos, x->md) ||
          !rule_group(st->next, x->md, "number", &ns, &ne))
        break;
      m = NULL;
      if (!is_own(st, ns, ne) &&
          !(m = add_mention(st, st->next, ns, ns, ne, kind)))
        return nomem(x);
      pos = ne;
    }
    size_t is, ie;
    if (st->issuer && rule_scan(st->issuer, &x->scan, x->n, pos, x->md) &&
        rule_group(st->issuer, x->md, "issuer", &is, &ie)) {
      const char *issuer = xfolded(x, is, ie);
      for (size_t i = first; i < st->nm; i++) st->m[i].issuer = issuer;
      rule_match_span(x->md, &is, &pos);
    }
    at = pos > ms ? pos : me;
  }
  return CCHC_OK;
}

/* Numbers without a type word whose symbol names their kind. */
static cchc_status bare_mentions(refs_state *st) {
  xctx *x = st->x;
  size_t ntyped = st->nm, k = 0, at = 0;
  while (st->bare && at < x->n &&
         scan_number_rule(st, &st->scans[1], at, true)) {
    size_t ms, me, ns, ne;
    rule_match_span(x->md, &ms, &me);
    at = me > ms ? me : ms + 1;
    if (!rule_group(st->bare, x->md, "number", &ns, &ne)) continue;
    while (k < ntyped && st->m[k].ne <= ns) k++;
    if (k < ntyped && st->m[k].ns < ne) continue; /* part of a typed one */
    if (is_own(st, ns, ne)) continue;
    const char *kind = kind_of(x, st->symbols, ns, ne);
    if (!kind) continue;
    mention *m = add_mention(st, st->bare, ns, ns, ne, kind);
    if (!m) return nomem(x);
    size_t pos = ne;
    take_date(st, m, &pos);
  }
  return CCHC_OK;
}

static int by_start(const void *a, const void *b) {
  const mention *p = a, *q = b;
  return p->s < q->s ? -1 : p->s > q->s;
}

/* ---- entries ------------------------------------------------------------ */

static cchc_status build_entries(refs_state *st) {
  xctx *x = st->x;
  cchc_frame *f = x->f;
  if (st->nm) qsort(st->m, st->nm, sizeof *st->m, by_start);
  for (size_t i = 0; i < st->nm; i++) {
    mention *m = &st->m[i];
    size_t k = 0;
    while (k < f->nreferences &&
           !same(f->references[k].number, x->s + m->ns, m->ne - m->ns))
      k++;
    frame_reference *r;
    if (k == f->nreferences) {
      if (!(r = FRAME_PUSH(f, references))) return nomem(x);
      r->number = frame_strndup(f, x->s + m->ns, m->ne - m->ns);
      if (!r->number) return nomem(x);
      r->kind = m->kind;
      r->span = (frame_span){m->s, m->e};
      r->rule = m->r->id;
    } else {
      r = &f->references[k];
    }
    if (!r->date) r->date = m->date;
    if (!r->issuer) r->issuer = m->issuer;
    if (r->nmentions == r->cap_mentions) {
      size_t cap = r->cap_mentions ? r->cap_mentions * 2 : 4;
      frame_span *p = realloc(r->mentions, cap * sizeof *p);
      if (!p) return nomem(x);
      r->mentions = p;
      r->cap_mentions = cap;
    }
    r->mentions[r->nmentions++] = (frame_span){m->s, m->e};
    m->ref = k;
  }
  return CCHC_OK;
}

/* ---- the parent plan ---------------------------------------------------- */

/* A cue's attributes as parent_score reads them, read once per document
 * (each mention of the header asked them of every cue by name). */
enum { CUE_AFTER, CUE_BEFORE, CUE_MENTION };
typedef struct cue {
  const rule *r;
  size_t file_at;         /* its place among the cues in file order */
  int on;                 /* CUE_*: the text it reads */
  bool weighted;          /* has `weight` (a cue without counts for none) */
  int weight;
  bool shared, overlap;   /* has `shared`, `overlap` */
  int shared_words, overlap_weight;
} cue;

static void cues_read(rule_list cues, cue *cs) {
  for (size_t k = 0; k < cues.n; k++) {
    const rule *r = cues.items[k];
    const char *on = rule_attr(r, "on"), *w = rule_attr(r, "weight");
    const char *shared = rule_attr(r, "shared");
    const char *overlap = rule_attr(r, "overlap");
    cs[k] = (cue){.r = r,
                  .file_at = k,
                  .on = on && !strcmp(on, "before")    ? CUE_BEFORE
                        : on && !strcmp(on, "mention") ? CUE_MENTION
                                                       : CUE_AFTER,
                  .weighted = w != NULL,
                  .weight = w ? atoi(w) : 0,
                  .shared = shared != NULL,
                  .shared_words = shared ? atoi(shared) : 0,
                  .overlap = overlap != NULL,
                  .overlap_weight = overlap ? atoi(overlap) : 0};
  }
}

/* How much a cue costs to ask: the mention or the clause before it are
 * short, the clause after it runs on (and a period or subject cue
 * compares it besides). */
static int cue_cost(const cue *c) { return c->on == CUE_AFTER; }

/* Is cue a asked before cue b: the cheaper, and of one cost the heavier
 * (one that fails takes the most from what the score can still reach)? */
static bool cue_before(const cue *a, const cue *b) {
  return cue_cost(a) < cue_cost(b) ||
         (cue_cost(a) == cue_cost(b) && a->weight > b->weight);
}

bool refs_cue_order_off = false;

/* The cues in the order parent_score asks them (cue_before; file order
 * among equals), so that a score that can no longer reach what it needs
 * stops before the dear ones.  No outcome changes: a mention that can
 * become the parent is asked every cue (parent_score). */
static void cues_order(cue *cs, size_t n) {
  for (size_t i = 1; i < n && !refs_cue_order_off; i++) {
    cue c = cs[i];
    size_t k = i;
    for (; k > 0 && cue_before(&c, &cs[k - 1]); k--) cs[k] = cs[k - 1];
    cs[k] = c;
  }
}

/* The most cues k.. can add to a score: rest[k], the sum of their
 * weights above 0 (a period cue's `overlap` too); rest[n] is 0. */
static void cue_rests(const cue *cs, size_t n, int *rest) {
  rest[n] = 0;
  for (size_t k = n; k-- > 0;) {
    int most = 0;
    if (cs[k].weighted && cs[k].weight > most) most = cs[k].weight;
    if (cs[k].weighted && cs[k].overlap && cs[k].overlap_weight > most)
      most = cs[k].overlap_weight;
    rest[k] = rest[k + 1] + most;
  }
}

/* Score of mention i (first of its clause in the header) by the cues.  A
 * score that can no longer reach `need` (with all the cues left: rest)
 * is returned as it stands, below `need`, without the cues left: the
 * mention cannot be the parent, whatever they say.  One that can is
 * asked every cue (their sum is the same in any order), and *top is the
 * cue of the largest weight, the first in file order among equals. */
static int parent_score(refs_state *st, size_t i, size_t cs, size_t ce,
                        const cue *cues, size_t ncues, const int *rest,
                        int need, const rule **top) {
  xctx *x = st->x;
  const mention *m = &st->m[i];
  size_t after_end = ce;
  if (i + 1 < st->nm && st->m[i + 1].s >= m->e && st->m[i + 1].s < ce)
    after_end = st->m[i + 1].s;
  const frame_document *d = &x->f->document;
  int score = 0, top_weight = 0;
  size_t top_at = SIZE_MAX;
  for (size_t k = 0; k < ncues; k++) {
    if (score + rest[k] < need) return score;
    const cue *c = &cues[k];
    size_t a = m->e, b = after_end;
    if (c->on == CUE_BEFORE) a = cs, b = m->s;
    else if (c->on == CUE_MENTION) a = m->s, b = m->e;
    /* (a period cue counts for nothing without the plan's own period) */
    if (!c->weighted || b < a ||
        (c->overlap && (!d->period_start.value || !d->period_end.value)) ||
        !rule_exec(c->r, x->s + a, b - a, 0, x->md))
      continue;
    if (c->shared &&
        meta_subject_overlap(x, &st->subject, a, b) < c->shared_words)
      continue;
    int weight = c->weight;
    if (c->overlap) { /* a period cue: compare with the plan's own period */
      char from[11], to[11];
      if (!meta_find_period(x, a, b, from, to)) continue;
      if (strcmp(from, d->period_start.value) ||
          strcmp(to, d->period_end.value))
        weight = strcmp(from, d->period_end.value) <= 0 &&
                         strcmp(to, d->period_start.value) >= 0
                     ? c->overlap_weight
                     : 0;
    }
    score += weight;
    if (weight > top_weight || (weight == top_weight && weight > 0 &&
                                c->file_at < top_at))
      top_weight = weight, top_at = c->file_at, *top = c->r;
  }
  return score;
}

static void choose_parent(refs_state *st) {
  xctx *x = st->x;
  rule_list cues = rules_select(x->rules, "meta.parent.", NULL);
  size_t hend = header_end(x), best = SIZE_MAX;
  int best_score = 0;
  int *rest = malloc((cues.n + 1) * sizeof *rest);
  cue *cs_read = malloc((cues.n ? cues.n : 1) * sizeof *cs_read);
  if (!rest || !cs_read) {
    free(rest);
    free(cs_read);
    x->f->failed = true; /* cchc_extract reports it */
    return;
  }
  cues_read(cues, cs_read);
  cues_order(cs_read, cues.n);
  cue_rests(cs_read, cues.n, rest);
  const rule *best_cue = NULL;
  /* The parent is the last mention of the best score: asked from the
   * last, one before it that ties cannot take its place (it needs one
   * more), so that more of them stop before the dear cues. */
  bool backward = !refs_cue_order_off;
  size_t nh = 0;
  while (nh < st->nm && st->m[nh].s < hend) nh++;
  for (size_t k = 0; k < nh; k++) {
    size_t i = backward ? nh - 1 - k : k;
    const mention *m = &st->m[i];
    size_t li = xline_at(x, m->s), ls = xline_start(x, li),
           le = xline_end(x, li), cs = m->s, ce = m->e;
    while (cs > ls && x->s[cs - 1] != ';') cs--;
    if (i > 0 && st->m[i - 1].s >= cs) continue; /* not first in clause */
    /* its clause's end, for the first of a clause only (a mention
     * wrapped past its line's end ends it) */
    if (ce < le) {
      const char *semi = memchr(x->s + ce, ';', le - ce);
      ce = semi ? (size_t)(semi - x->s) : le;
    }
    const rule *top = NULL;
    int tie = backward && best != SIZE_MAX; /* a tie loses */
    int need = best_score + tie > PARENT_MIN_SCORE ? best_score + tie
                                                   : PARENT_MIN_SCORE;
    int score =
        parent_score(st, i, cs, ce, cs_read, cues.n, rest, need, &top);
    if (score >= PARENT_MIN_SCORE && score >= best_score + tie) {
      best = i;
      best_score = score;
      best_cue = top;
    }
  }
  free(rest);
  free(cs_read);
  if (best == SIZE_MAX) return;
  const mention *m = &st->m[best];
  const frame_reference *r = &x->f->references[m->ref];
  frame_document *d = &x->f->document;
  d->parent_number.value = r->number;
  d->parent_number.span = (frame_span){m->ns, m->ne};
  d->parent_number.rule = best_cue ? best_cue->id : m->r->id;
  /* Its date: printed with this mention, else with another one. */
  const mention *dm = m->date ? m : NULL;
  for (size_t i = 0; !dm && i < st->nm; i++)
    if (st->m[i].ref == m->ref && st->m[i].date) dm = &st->m[i];
  if (dm) {
    d->parent_date.value = dm->date;
    d->parent_date.span = (frame_span){dm->ds, dm->de};
    d->parent_date.rule = st->date->id;
  }
}

cchc_status extract_refs(xctx *x) {
  refs_state st = {.x = x, .len = x->n};
  st.cite = rules_find(x->rules, "ref.cite");
  if (!st.cite) return CCHC_OK; /* no citation rules loaded */
  st.date = rules_find(x->rules, "ref.date");
  st.next = rules_find(x->rules, "ref.next");
  st.issuer = rules_find(x->rules, "ref.issuer");
  st.bare = rules_find(x->rules, "ref.bare");
  st.self = rules_find(x->rules, "ref.self");
  st.types = rules_select(x->rules, "ref.type.", NULL);
  st.symbols = rules_select(x->rules, "ref.symbol.", NULL);
  memcpy(st.ascii, rule_ascii_features, sizeof rule_ascii_features);
  st.digit = rule_ascii_features['0'];
  cchc_status rc = CCHC_OK;
  if (!add_own(&st, x->f->document.number.value)) goto oom;
  site_scan_init(&st, &st.scans[0], st.cite);
  site_scan_init(&st, &st.scans[1], st.bare);
  site_scan_init(&st, &st.scans[2], st.self);
  for (size_t at = 0;
       st.self && at < x->n && scan_number_rule(&st, &st.scans[2], at, false);) {
    size_t ms, me, s, e;
    rule_match_span(x->md, &ms, &me);
    at = me > ms ? me : ms + 1;
    if (rule_group(st.self, x->md, "number", &s, &e) && !is_own(&st, s, e) &&
        !add_own(&st, frame_strndup(x->f, x->s + s, e - s)))
      goto oom;
  }
  if ((rc = typed_mentions(&st)) != CCHC_OK ||
      (rc = bare_mentions(&st)) != CCHC_OK ||
      (rc = build_entries(&st)) != CCHC_OK)
    goto done;
  choose_parent(&st);
  if (x->f->failed) goto oom;
  goto done;
oom:
  rc = nomem(x);
done:
  free(st.m);
  free(st.own);
  free(st.sites);
  meta_subject_free(st.subject);
  return rc;
}

bool refs_number_match(xctx *x, const rule *r, size_t at, bool *by_sites) {
  refs_state st = {.x = x, .len = x->n};
  memcpy(st.ascii, rule_ascii_features, sizeof rule_ascii_features);
  st.digit = rule_ascii_features['0'];
  site_scan_init(&st, &st.scans[0], r);
  *by_sites = st.scans[0].mode != BY_STRETCHES && number_sites(&st);
  bool found = scan_number_rule(&st, &st.scans[0], at, false);
  free(st.sites);
  return found;
}

/* The state of the scans by sites of a meta field's rules (refs_sites_*):
 * one reading of the sites of x->s[0, len) for all of them. */
struct refs_sites {
  refs_state st;
  site_scan sc;
};

refs_sites *refs_sites_open(xctx *x, size_t len) {
  /* only what the scans by sites read is set (the rest of a refs_state,
   * its tables for scans by stretches, would be 4 KB to clear) */
  refs_sites *rs = malloc(sizeof *rs);
  if (!rs) return NULL;
  refs_state *st = &rs->st;
  st->x = x;
  st->len = len < x->n ? len : x->n;
  st->digit = rule_ascii_features['0'];
  st->sites = NULL;
  st->nsites = 0;
  st->sites_read = false;
  rs->sc.r = NULL;
  return rs;
}

size_t refs_sites_len(const refs_sites *rs) { return rs->st.len; }

bool refs_sites_scan(refs_sites *rs, const rule *r, size_t at, bool *found) {
  if (rs->sc.r != r) site_scan_init(&rs->st, &rs->sc, r);
  if (rs->sc.mode == BY_STRETCHES || !number_sites(&rs->st)) return false;
  xctx *x = rs->st.x;
  /* a rule missing a word every match holds is not run (as by rule_scan:
   * meta.number.portal's "hiệu" is seldom printed) */
  *found = at <= rs->st.len &&
           rule_literals_held(r, x->s, rs->st.len, x->md) &&
           scan_sites(&rs->st, &rs->sc, at);
  return true;
}

void refs_sites_close(refs_sites *rs) {
  if (!rs) return;
  free(rs->st.sites);
  free(rs);
}
