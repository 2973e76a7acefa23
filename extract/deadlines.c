/* deadlines.c: every time limit the plan sets, as an interval with a grain.
 *
 * The language lives in rules/deadlines.rules: deadline.* rules find where
 * a time limit stands, point.* rules parse the time expressions they
 * capture, nodeadline.* rules mark dates that are not time limits, grain.*
 * rules read a recurrence, numword.* rules name calendar words.  This file
 * runs them over the whole canonical text (a phrase may run over the short
 * lines of table cells), resolves overlaps (the earlier rule in file order
 * wins), tells table cells (the appendix, or a crawl's '|' table) from the
 * body, and does the calendar arithmetic: month lengths, leap years,
 * quarters and halves, Roman numerals I-IV, numerals in words (ICU's
 * Vietnamese spell-out rules), and the plan's year for a day and month
 * without one.
 *
 * Cost is linear in the text: every deadline rule is one left-to-right
 * scan, or is tried near the places of its words (near_match; a rule whose
 * words stand far after its start searched window by window), found in
 * one walk for every rule (the where=table rules only in a plan with
 * tables; the rules of line starts too, when their words hold letters),
 * the rules so tried walking the text together a stretch at a
 * time (collect); the where=table rules scanned search only the stretches
 * where cells may stand (scan_cells); the
 * nodeadline rules are searched only around the matches they may drop
 * (find_zones); overlaps are resolved per cluster of overlapping
 * matches. */
#define _GNU_SOURCE /* memrchr */
#include "extract.h"
#include "../common/strbuf.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/unum.h>
#include <unicode/ustring.h>

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define BARRIER_AVX2 1
#endif

#define NOMEM(x) cchc_fail((x)->err, CCHC_ERR_NOMEM, "out of memory")

/* ---- calendar ------------------------------------------------------------ */

static bool leap_year(int y) {
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int month_days(int y, int m) {
  static const int days[12] = {31, 28, 31, 30, 31, 30,
                               31, 31, 30, 31, 30, 31};
  return m == 2 && leap_year(y) ? 29 : days[m - 1];
}

typedef struct ymd {
  int y, m, d;
} ymd;

/* A parsed time expression: what point.* found, before the plan's year
 * fills a missing one. */
typedef struct raw_point {
  const char *kind; /* date month quarter half year years (rule attribute) */
  int day, month, year; /* year 0: not printed; day -1: the month's last */
  int qfirst, qlast;    /* quarters 1..4 */
  int half;             /* 1 or 2 */
  int count;            /* years: how many, from the year */
} raw_point;

/* An interval; a date has only its end. */
typedef struct interval {
  const char *kind;
  bool has_start, has_end;
  ymd start, end;
  bool inferred; /* the year is the plan's */
} interval;

/* Fill iv from p with `year` (> 0).  False when the date does not exist. */
static bool resolve(const raw_point *p, int year, interval *iv) {
  iv->kind = p->kind;
  iv->has_start = iv->has_end = false;
  if (year < 1 || year > 9999) return false;
  int m1, m2;
  if (!strcmp(p->kind, "date")) {
    if (p->month < 1 || p->month > 12) return false;
    int day = p->day == -1 ? month_days(year, p->month) : p->day;
    if (day < 1 || day > month_days(year, p->month)) return false;
    iv->has_end = true;
    iv->end = (ymd){year, p->month, day};
    return true;
  }
  if (!strcmp(p->kind, "years")) {
    if (p->count < 1 || p->count > 100 || year + p->count - 1 > 9999)
      return false;
    iv->has_start = iv->has_end = true;
    iv->start = (ymd){year, 1, 1};
    iv->end = (ymd){year + p->count - 1, 12, 31};
    return true;
  }
  if (!strcmp(p->kind, "month")) {
    if (p->month < 1 || p->month > 12) return false;
    m1 = m2 = p->month;
  } else if (!strcmp(p->kind, "quarter")) {
    if (p->qfirst < 1 || p->qlast > 4 || p->qfirst > p->qlast) return false;
    m1 = 3 * p->qfirst - 2;
    m2 = 3 * p->qlast;
  } else if (!strcmp(p->kind, "half")) {
    m1 = p->half == 2 ? 7 : 1;
    m2 = m1 + 5;
  } else if (!strcmp(p->kind, "year")) {
    m1 = 1;
    m2 = 12;
  } else {
    return false;
  }
  iv->has_start = iv->has_end = true;
  iv->start = (ymd){year, m1, 1};
  iv->end = (ymd){year, m2, month_days(year, m2)};
  return true;
}

/* A list of quarters "II, III", "I-IV", "1, 2": Roman numerals I-IV or
 * digits 1-4 between separators; first and last (smallest and largest). */
static bool parse_quarters(const char *s, size_t n, int *first, int *last) {
  int lo = 5, hi = 0;
  for (size_t i = 0; i < n;) {
    int v = 0;
    if (s[i] >= '1' && s[i] <= '4') {
      v = s[i] - '0';
      i++;
    } else if (s[i] == 'I' || s[i] == 'i' || s[i] == 'V' || s[i] == 'v') {
      char r[4];
      size_t k = 0;
      while (i < n && (s[i] == 'I' || s[i] == 'i' || s[i] == 'V' ||
                       s[i] == 'v')) {
        if (k == sizeof r) return false;
        r[k++] = (char)(s[i] == 'i' ? 'I' : s[i] == 'v' ? 'V' : s[i]);
        i++;
      }
      static const char *const roman[] = {"I", "II", "III", "IV"};
      for (int q = 0; q < 4; q++)
        if (strlen(roman[q]) == k && !memcmp(roman[q], r, k)) v = q + 1;
      if (!v) return false;
    } else if ((s[i] | 0x20) >= 'a' && (s[i] | 0x20) <= 'z') {
      return false; /* a word, not a numeral */
    } else {
      i++; /* separator: space, comma, dash */
      continue;
    }
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (!hi) return false;
  *first = lo;
  *last = hi;
  return true;
}

/* ---- rule matching ------------------------------------------------------- */

static size_t match_start(pcre2_match_data *md) {
  return pcre2_get_ovector_pointer(md)[0];
}
static size_t match_end(pcre2_match_data *md) {
  return pcre2_get_ovector_pointer(md)[1];
}

/* Next search offset after a match ending at `end` that began at `start`:
 * past an empty match by one whole character. */
static size_t next_from(const char *s, size_t n, size_t start, size_t end) {
  if (end > start) return end;
  size_t i = end + 1;
  while (i < n && ((unsigned char)s[i] & 0xC0) == 0x80) i++;
  return i;
}

/* Where a word (a rule's literal, rules.h) stands in the text: every
 * occurrence, in text order; as the text's scans keep them (kept), else
 * found here (at). */
typedef struct word_places {
  const rule_literal *word;
  const uint32_t *kept;
  uint32_t *at; /* canonical offsets: a text is below 4 GB */
  size_t n;
  /* The window before each place (window_at) at the distance of the
   * first rule tried near the word (win_bytes, win_runs), kept when
   * another rule shares that distance (win_shared; win NULL until the
   * first ask): the rules that share a word at one distance ("ngày" 19
   * bytes and 4 runs after the start of deadline.dates, dates_yearly and
   * first_last_day) walked back from each place each.  win[i]: the
   * window's start + 1 (0: not known). */
  uint32_t *win;
  uint32_t win_bytes;
  uint16_t win_runs;
  bool win_seen, win_shared;
} word_places;

/* The attributes the deadline passes ask of rule r of set rs at every
 * plan (rule.said_*), read once for every worker: a plan asked some 300
 * times (rule_attr, and rules_find for a gate's id, 160 instructions). */
static const rule *deadline_said_read(const cchc_rules *rs, const rule *r);
static bool walk_wants(const rule *r);
static bool near_ranged_read(const rule *r, bool table);
static inline const rule *deadline_said(const cchc_rules *rs, const rule *r) {
  rule *w = (rule *)r;
  if (atomic_load_explicit(&w->said_state, memory_order_acquire)) return r;
  return deadline_said_read(rs, r);
}

__attribute__((noinline)) static const rule *
deadline_said_read(const cchc_rules *rs, const rule *r) {
  static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
  rule *w = (rule *)r; /* the one part of the shared rule written, once */
  const char *id = rule_attr(r, "gate"), *where = rule_attr(r, "where");
  const char *kind = rule_attr(r, "kind");
  const rule *gate = id ? rules_find(rs, id) : NULL;
  bool table = where && !strcmp(where, "table");
  bool walk = walk_wants(r), ranged = near_ranged_read(r, table);
  pthread_mutex_lock(&lock);
  if (!atomic_load_explicit(&w->said_state, memory_order_relaxed)) {
    w->said_gate = gate;
    w->said_table = table;
    w->said_walk_wants = walk;
    w->said_near_ranged = ranged;
    w->said_kind = kind;
    w->said_date = kind && !strcmp(kind, "date");
    atomic_store_explicit(&w->said_state, 1, memory_order_release);
  }
  pthread_mutex_unlock(&lock);
  return r;
}

static size_t place_at(const word_places *p, size_t i) {
  return p->kept ? p->kept[i] : p->at[i];
}

typedef struct gate_walk gate_walk; /* (gated_match) */

/* What parse_point made of a time expression: a plan repeats a few of
 * them ("2026" and "2030" each a dozen times), and each parse tries the
 * point rules, so the answer for its bytes (in the text: `s` points
 * there) and the year it fills in is kept for the plan (parse_point);
 * so is the recurrence grain_of read in a match ("Thường xuyên"), under
 * the year GRAIN_KEY. */
enum { GRAIN_KEY = -1 }; /* (a plan's year is 0 or more) */
typedef struct point_known {
  const char *s; /* NULL: an empty slot */
  size_t n;
  int year;
  bool ok;
  struct interval iv;
  const char *grain;
} point_known;

typedef struct dctx {
  xctx *x;
  rule_list rules;      /* the deadline rules: a candidate's prio indexes it */
  rule_list points, grains, words;
  pcre2_match_data *md; /* for point and grain rules */
  int plan_year;        /* 0 when unknown */
  UNumberFormat *spell; /* Vietnamese numerals in words (ICU), lazily */
  word_places *places;  /* of the words deadline rules start with */
  size_t nplaces, cap_places;
  /* by literal id of the rule set: 1 + the index of its places in
   * `places`, 0 none; NULL: `places` is searched.  Each rule asks for its
   * words twice (before its walk starts, and as it starts), a few dozen
   * rules a plan, and the list was read through at each ask. */
  uint32_t *place_index;
  const rule_literal **walked; /* the words of one walk (words_find) */
  size_t nwalked;
  gate_walk *gates; /* of the gates of the rules tried near their words */
  size_t ngates;
  point_known *points_known; /* cap_points_known slots: 0 or a power of two */
  size_t npoints_known, cap_points_known;
} dctx;

/* s[a..b) as a number into *out; false when it is not digits. */
static bool to_int(const char *s, size_t a, size_t b, int *out) {
  int v = xint(s, a, b);
  if (v < 0) return false;
  *out = v;
  return true;
}

/* A numeral in words ("mười lăm", "hai mươi mốt") by ICU's Vietnamese
 * spell-out rules, lower-cased first; the whole text must be read. */
static bool spelled(dctx *d, const char *s, size_t n, int *out) {
  UErrorCode st = U_ZERO_ERROR;
  if (!d->spell) d->spell = unum_open(UNUM_SPELLOUT, NULL, 0, "vi", NULL, &st);
  if (!d->spell || U_FAILURE(st) || n > 120) return false;
  UChar u[128], low[128];
  int32_t un = 0, pos = 0;
  u_strFromUTF8(u, 128, &un, s, (int32_t)n, &st);
  int32_t ln = U_SUCCESS(st) ? u_strToLower(low, 128, u, un, "vi", &st) : 0;
  if (U_FAILURE(st) || ln <= 0 || ln >= 128) return false;
  double v = unum_parseDouble(d->spell, low, ln, &pos, &st);
  if (U_FAILURE(st) || pos != ln || v < 0 || v > 9999 || v != (int)v)
    return false;
  *out = (int)v;
  return true;
}

/* A number as printed: digits, a calendar word of numword.* ("giêng",
 * "chạp", "tư": set value=), or a numeral in words. */
static bool to_value(dctx *d, const char *s, size_t a, size_t b, int *out) {
  if (to_int(s, a, b, out)) return true;
  for (size_t i = 0; i < d->words.n; i++) {
    const rule *r = d->words.items[i];
    const char *v = rule_attr(r, "value");
    if (v && rule_exec(r, s + a, b - a, 0, d->md) &&
        match_start(d->md) == 0 && match_end(d->md) == b - a)
      return to_int(v, 0, strlen(v), out);
  }
  return spelled(d, s + a, b - a, out);
}

/* Read the groups of point rule r matched in s into p: day, month, year,
 * count (digits or words), quarters (a list, or one in words), h1 / h2;
 * a rule may set day=first or day=last. */
static bool read_point(dctx *d, const rule *r, const char *s, raw_point *p) {
  memset(p, 0, sizeof *p);
  p->kind = deadline_said(d->x->rules, r)->said_kind;
  if (!p->kind) return false;
  const char *day = rule_attr(r, "day");
  if (day) p->day = !strcmp(day, "last") ? -1 : 1;
  size_t a, b;
  if (rule_group(r, d->md, "h1", &a, &b)) p->half = 1;
  if (rule_group(r, d->md, "h2", &a, &b)) p->half = 2;
  /* Every group first: to_value reuses the match data. */
  static const char *const names[] = {"year", "day", "month", "count",
                                      "quarters"};
  size_t ga[5], gb[5];
  bool has[5];
  for (int k = 0; k < 5; k++)
    has[k] = rule_group(r, d->md, names[k], &ga[k], &gb[k]);
  int *fields[] = {&p->year, &p->day, &p->month, &p->count};
  for (int k = 0; k < 4; k++)
    if (has[k] && !to_value(d, s, ga[k], gb[k], fields[k])) return false;
  if (has[4] &&
      !parse_quarters(s + ga[4], gb[4] - ga[4], &p->qfirst, &p->qlast)) {
    if (!to_value(d, s, ga[4], gb[4], &p->qfirst)) return false;
    p->qlast = p->qfirst;
  }
  return true;
}

/* The interval of the time expression that starts s[0..n): the first
 * point rule (file order) that matches at its start, each tried there
 * only (a search would go on through the rest), and only when its facts
 * let a match start with the first byte (a "Quý" is tried by the rules
 * of quarters alone). */
static bool parse_point_rules(dctx *d, const char *s, size_t n,
                              interval *iv);

/* The slot of s[0..n) parsed with year `year` among d->points_known:
 * where it is, or the empty one where it goes. */
static point_known *point_slot(const dctx *d, const char *s, size_t n,
                               int year) {
  size_t mask = d->cap_points_known - 1;
  for (size_t i = (cchc_hash_bytes(s, n) ^ (size_t)year) & mask;;
       i = (i + 1) & mask) {
    point_known *k = &d->points_known[i];
    if (!k->s ||
        (k->n == n && k->year == year && (k->s == s || !memcmp(k->s, s, n))))
      return k;
  }
}

/* Keep what s[0..n) parsed to (the table at most half full; without
 * memory, nothing is kept). */
static void point_keep(dctx *d, const char *s, size_t n, int year,
                       const point_known *answer) {
  if (2 * (d->npoints_known + 1) > d->cap_points_known) {
    size_t ncap = d->cap_points_known, cap = ncap ? 2 * ncap : 32;
    point_known *old = d->points_known, *p = calloc(cap, sizeof *p);
    if (!p) return;
    d->points_known = p;
    d->cap_points_known = cap;
    for (size_t i = 0; i < ncap; i++)
      if (old[i].s) *point_slot(d, old[i].s, old[i].n, old[i].year) = old[i];
    free(old);
  }
  point_known *k = point_slot(d, s, n, year);
  if (!k->s) d->npoints_known++;
  *k = *answer;
  k->s = s, k->n = n, k->year = year;
}

/* parse_point_rules, read once per expression and year of the plan. */
static bool parse_point(dctx *d, const char *s, size_t n,
                        interval *iv) {
  while (n && (*s == ' ' || *s == '\t' || *s == '\n')) s++, n--;
  if (d->cap_points_known) {
    const point_known *k = point_slot(d, s, n, d->plan_year);
    if (k->s) {
      *iv = k->iv;
      return k->ok;
    }
  }
  point_known got = {0}; /* (what a parse leaves unset is kept as 0) */
  got.ok = parse_point_rules(d, s, n, &got.iv);
  point_keep(d, s, n, d->plan_year, &got);
  *iv = got.iv;
  return got.ok;
}

static bool parse_point_rules(dctx *d, const char *s, size_t n,
                              interval *iv) {
  const unsigned char *u = (const unsigned char *)s;
  for (size_t i = 0; i < d->points.n; i++) {
    const rule *r = d->points.items[i];
    if (n && r->facts.has_first && !rule_may_start(r, u, 0, n)) continue;
    if (!rule_exec_until(r, &d->x->scan, s, n, 0, 0, d->md)) continue;
    raw_point p;
    if (!read_point(d, r, s, &p)) return false;
    int year = p.year ? p.year : d->plan_year;
    iv->inferred = !p.year;
    if (!year) { /* no year anywhere: the kind without dates */
      iv->kind = p.kind;
      iv->has_start = iv->has_end = false;
      return true;
    }
    return resolve(&p, year, iv);
  }
  return false;
}

/* A list's date rules whose search is remembered (parse_dates); those
 * after are searched at each date. */
enum { DATES_KEPT = 32 };

/* Every date in a list "15/3, 15/6, 15/9/2026": one interval each, in
 * *out (malloc'd, the caller frees; NULL when there is none).  A date
 * without a year takes the year printed after it in the list, else the
 * plan's.  Returns how many; false when out of memory. */
static bool parse_dates(dctx *d, const char *s, size_t n, interval **out,
                        size_t *nout) {
  raw_point *raw = NULL;
  size_t k = 0, cap = 0;
  *out = NULL;
  *nout = 0;
  /* Where the first match of date rule i from the last search starts (n:
   * none; SIZE_MAX: not searched): each date of the list was looked for
   * by every rule, and a rule whose match lies past the date taken found
   * it again from the next.  A search from pos finds what one from
   * before it found at or after pos (no point rule holds \G or a
   * backtracking verb: test dates_of_mixed_forms_each_read_once). */
  size_t first[DATES_KEPT];
  for (size_t i = 0; i < DATES_KEPT; i++) first[i] = SIZE_MAX;
  for (size_t pos = 0; pos < n;) {
    const rule *best = NULL, *held = NULL; /* held: whose match d->md holds */
    size_t best_at = n;
    for (size_t i = 0; i < d->points.n; i++) {
      const rule *r = d->points.items[i];
      if (!deadline_said(d->x->rules, r)->said_date) continue;
      size_t at = i < DATES_KEPT ? first[i] : SIZE_MAX;
      if (at == SIZE_MAX || at < pos) {
        held = rule_exec(r, s, n, pos, d->md) ? r : NULL;
        at = held ? match_start(d->md) : n;
        if (i < DATES_KEPT) first[i] = at;
      }
      if (at < best_at) {
        best = r;
        best_at = at;
      }
    }
    if (!best) break;
    if (best != held && !rule_exec(best, s, n, best_at, d->md)) break;
    size_t end = match_end(d->md);
    void *grown = cchc_grow(raw, &cap, k, sizeof *raw);
    if (!grown) {
      free(raw);
      return false;
    }
    raw = grown;
    if (read_point(d, best, s, &raw[k])) k++;
    pos = next_from(s, n, best_at, end);
  }
  interval *iv = k ? malloc(k * sizeof *iv) : NULL;
  if (k && !iv) {
    free(raw);
    return false;
  }
  size_t m = 0;
  for (size_t i = 0; i < k; i++) {
    int year = raw[i].year;
    for (size_t j = i + 1; !year && j < k; j++) year = raw[j].year;
    bool inferred = !year;
    if (!year) year = d->plan_year;
    iv[m] = (interval){.kind = raw[i].kind, .inferred = inferred};
    if (!year || resolve(&raw[i], year, &iv[m])) m++;
  }
  free(raw);
  *out = iv;
  *nout = m;
  return true;
}

/* The recurrence the grain rules read in s[0..n), or NULL; read once
 * per plan for the same bytes (point_known). */
static const char *grain_of(dctx *d, const char *s, size_t n) {
  if (d->cap_points_known) {
    const point_known *k = point_slot(d, s, n, GRAIN_KEY);
    if (k->s) return k->grain;
  }
  point_known got = {0};
  for (size_t i = 0; i < d->grains.n && !got.grain; i++)
    if (rule_exec(d->grains.items[i], s, n, 0, d->md))
      got.grain = rule_attr(d->grains.items[i], "recurrence");
  point_keep(d, s, n, GRAIN_KEY, &got);
  return got.grain;
}

/* ---- the plan's year ----------------------------------------------------- */

static int year_of(const char *v) {
  int y = 0;
  if (v && to_int(v, 0, strnlen(v, 4), &y) && y >= 1000) return y;
  return 0;
}

static int plan_year(xctx *x) {
  int y = year_of(x->f->document.year.value);
  if (!y) y = year_of(x->f->document.period_start.value);
  if (y) return y;
  /* The metadata has none: the header's own year (planyear.*). */
  size_t hend = x->first_section_line < x->nlines
                    ? xline_start(x, x->first_section_line)
                    : x->n;
  rule_list rs = rules_select(x->rules, "planyear.", NULL);
  for (size_t i = 0; i < rs.n; i++) {
    size_t a, b;
    if (rule_scan(rs.items[i], &x->scan, hend, 0, x->md) &&
        rule_group(rs.items[i], x->md, "year", &a, &b) &&
        to_int(x->s, a, b, &y))
      return y;
  }
  return 0;
}

/* ---- candidates, exclusions, overlaps ------------------------------------ */

enum { G_AT, G_FROM, G_TO, G_DATES, G_PHRASE, NGROUPS };
static const char *const group_names[NGROUPS] = {"at", "from", "to", "dates",
                                                 "phrase"};

/* Offsets in 32 bits (a text is below 4 GB) and the rule by its place in
 * the deadline rules: a long plan has a hundred thousand candidates at
 * once (56 bytes each). */
typedef struct cand {
  uint32_t start, end; /* whole match, canonical */
  uint32_t gs[NGROUPS], ge[NGROUPS];
  uint16_t prio;       /* rule order: its index in dctx.rules */
  bool has[NGROUPS];
  bool keep;
} cand;

typedef struct zone {
  size_t start, end;
} zone;

static int cmp_zone(const void *a, const void *b) {
  const zone *p = a, *q = b;
  return p->start < q->start ? -1 : p->start > q->start;
}

static int cmp_cand_start(const void *a, const void *b) {
  const cand *p = a, *q = b;
  if (p->start != q->start) return p->start < q->start ? -1 : 1;
  return p->prio < q->prio ? -1 : p->prio > q->prio;
}

/* Whether [s, e) overlaps one of the merged, sorted zones. */
static bool in_zone(const zone *z, size_t nz, size_t s, size_t e) {
  size_t lo = 0, hi = nz; /* first zone with start >= e */
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (z[mid].start < e) lo = mid + 1;
    else hi = mid;
  }
  return lo > 0 && z[lo - 1].end > s;
}


/* ---- rules tried near their words ---- */

/* Most deadline rules hold one of a few words near their start ("từ",
 * "trong", "thời" or "tiến" of a label, "định" of "định kỳ", "ngày" a
 * few words after "trước"), and several share them: the places of each
 * word are found once, and such a rule is tried, anchored (xmatch_at),
 * only at the positions of the windows before its words' places where a
 * match holding the word there can start (rule_window_start) and its
 * first bytes stand, instead of searched: its search would stop at every
 * first letter of its words, and the scans of the rules would look for
 * the same words each.  The windows are tried in the order of their
 * starts, each from where the last one tried ended, so that positions
 * are tried in text order: the first where the rule matches is where its
 * leftmost match starts, exact as its facts are (rules.h).  Windows
 * longer than NEAR_BYTES (and white space) try more positions than a
 * scan by the facts costs. */
enum { NEAR_BYTES = 24 };

/* The rules tried near their words walk the text together, a stretch of
 * NEAR_STRETCH bytes at a time, each as far as the stretch goes (its
 * walk pauses there, near_match): each walk reads the text and the words'
 * places where the walks before it have just read them, in the cache,
 * where walking the whole text rule after rule read a long text from
 * memory once per rule.  The candidates are sorted by start after. */
enum { NEAR_STRETCH = 1 << 18 };

/* Can r be tried near its words: it has some, each close enough to the
 * start of its matches? */
static bool near_anchors(const rule *r) {
  const rule_facts *f = &r->facts;
  for (size_t k = 0; k < f->nanchor; k++)
    if (f->anchor_bytes[k] > NEAR_BYTES || !f->anchor[k]->code) return false;
  return f->nanchor > 0;
}

/* Is r tried near its words whatever the other rules want?  A rule whose
 * matches start only at a line start or after given characters
 * (rule_facts.starts) is, when they start with a word: else trying it at
 * each such start costs less than finding the places of its words, which
 * no other rule may want (but see walk_wants, near_zone_words). */
static bool near_words(const rule *r) {
  if (r->facts.starts && !xstarts_with_word(r)) return false;
  return near_anchors(r);
}

/* Does every word r is tried near hold a letter?  A word of digits
 * ("20" of a year) stands about as often as lines start. */
static bool words_lettered(const rule *r) {
  for (size_t k = 0; k < r->facts.nanchor; k++) {
    const char *t = r->facts.anchor[k]->text;
    while (*t >= '0' && *t <= '9') t++;
    if (!*t) return false;
  }
  return true;
}

/* Is deadline rule r tried near its words, found in the one walk of the
 * text (words_find)?  A rule of starts is too when its words hold
 * letters: one walk finds the places of a few words more for about the
 * same cost, and each try near them costs less than a try at every line
 * start (only a start before the word can match). */
static bool walk_wants(const rule *r) {
  return near_words(r) || (near_anchors(r) && words_lettered(r));
}

/* walk_wants of deadline rule r, read once (deadline_said). */
static bool deadline_walk_wants(const cchc_rules *rs, const rule *r) {
  return deadline_said(rs, r)->said_walk_wants;
}

/* Is deadline rule r searched near its words window by window (rather
 * than tried position by position, or scanned whole)?  When, out of the
 * table cells, its words
 * stand farther than NEAR_BYTES after its start ("hằng năm" up to 60
 * characters after the verb of deadline.yearly_review) and its barrier
 * is a few bytes: the window before each place starts after the last
 * of them (memrchr), and is searched at once.  Its scan (rule_scan) does
 * the same, but walks each window back from the word, byte by byte, for
 * as far as the words may stand, before it looks for the barrier: half
 * its cost on 40 plans (2.3 M of 4.5 M instructions). */
static bool near_ranged_read(const rule *r, bool table) {
  const rule_facts *f = &r->facts;
  if (!f->nanchor || f->starts || !f->nbarrier_bytes || near_anchors(r) ||
      table) /* (scan_cells) */
    return false;
  for (size_t k = 0; k < f->nanchor; k++)
    if (!f->anchor[k]->code) return false;
  return true;
}

void deadline_near_read(const rule *r, bool *walk, bool *ranged) {
  const char *where = rule_attr(r, "where");
  *walk = walk_wants(r);
  *ranged = near_ranged_read(r, where && !strcmp(where, "table"));
}

/* (read once: deadline_said) */
static bool near_ranged(const cchc_rules *rs, const rule *r) {
  return deadline_said(rs, r)->said_near_ranged;
}

/* Are the places of w had from the walk: w walked, or w in its case and
 * its caseless twin walked (its places are among the twin's, rules.h)? */
static bool word_walked(const dctx *d, const rule_literal *w) {
  for (size_t i = 0; i < d->nwalked; i++)
    if (d->walked[i] == w || w->twin == d->walked[i]) return true;
  return false;
}

/* Is nodeadline rule r, scanning the rest of the text whole, tried near
 * its words?  When it would be as a deadline rule, or it has starts but
 * the places of its words are had from the walk. */
static bool near_zone_words(const dctx *d, const rule *r) {
  if (near_words(r)) return true;
  if (!near_anchors(r)) return false;
  for (size_t k = 0; k < r->facts.nanchor; k++)
    if (!word_walked(d, r->facts.anchor[k])) return false;
  return true;
}

/* The places of word w in the text: their index in d->places, or
 * SIZE_MAX when out of memory.  The text's scans keep the places of the
 * words they look for (rule_text_places): those of the deadline rules'
 * words are there from one walk of the text (words_find), another word's
 * are found at the first ask, once for the scans of every pass and the
 * tries here. */
static size_t places_of(dctx *d, const rule_literal *w) {
  const rule_literals *set = &d->x->rules->literals;
  uint32_t *slot = d->place_index && w->set == set && w->id < set->n
                       ? &d->place_index[w->id]
                       : NULL;
  if (slot && *slot) return *slot - 1;
  for (size_t i = 0; !slot && i < d->nplaces; i++)
    if (d->places[i].word == w) return i;
  void *grown = cchc_grow(d->places, &d->cap_places, d->nplaces,
                          sizeof *d->places);
  if (!grown) return SIZE_MAX;
  d->places = grown;
  word_places *p = &d->places[d->nplaces];
  *p = (word_places){.word = w};
  xctx *x = d->x;
  if (slot) *slot = (uint32_t)d->nplaces + 1;
  if (rule_text_places(&x->scan, w, &p->kept, &p->n)) return d->nplaces++;
  p->kept = NULL;
  size_t cap = 0;
  for (size_t from = 0; from < x->n && code_match(w->code, &w->jit, x->s, x->n,
                                                  from, d->md, NULL) > 0;) {
    size_t at = match_start(d->md);
    if (!(grown = cchc_grow(p->at, &cap, p->n, sizeof *p->at))) {
      free(p->at);
      if (slot) *slot = 0;
      return SIZE_MAX;
    }
    p->at = grown;
    p->at[p->n++] = (uint32_t)at;
    from = next_from(x->s, x->n, at, at); /* occurrences may overlap */
  }
  p->at = cchc_shrink(p->at, &cap, p->n, sizeof *p->at); /* kept through
                                                           every rule */
  return d->nplaces++;
}

/* Does nodeadline rule r scan the whole text from the start (find_zones:
 * it has no barrier) though it could be tried near its words, of letters?
 * Their places are then found in the walk too (words_find), and it is
 * tried near them (near_zone_words): "Căn cứ" and "KẾ HOẠCH" of the
 * rules of line starts stand at a few of the lines, which were tried
 * each where their first byte fits (on 40 plans 4.7 M instructions of
 * tries, for 2.5 M more of the walk and 1.3 M of tries near the words). */
static bool zone_walk_wants(const rule *r) {
  return !(r->facts.barrier & ~rule_ascii_features['0']) &&
         near_anchors(r) && words_lettered(r);
}

/* Do r's matches start only at line starts (after a line break, or at
 * the text's start), as "(?m)^" has them?  Its facts' `after` then is the
 * line break's feature alone (each ASCII character has its own; a byte
 * beyond ASCII counts as a digit, near_may_follow). */
static bool starts_lines(const rule *r) {
  const rule_facts *f = &r->facts;
  return f->starts && f->after == rule_ascii_features['\n'];
}

/* Is nodeadline rule r, searched in the stretch before each candidate
 * (find_zones), tried near its words there rather than searched, the
 * places of its words found in the walk (words_find)?  When it could be
 * tried near them as a deadline rule, and it is no rule of line starts
 * (lines_match tries those): "liệu" of nodeadline.stats, "báo" of a
 * report's name stand in few of the sentences before the candidates,
 * where each search of a sentence cost ~1,600 instructions (on 40 plans
 * 4.4 M for the three rules). */
static bool zone_near_windows(const rule *r) {
  return (r->facts.barrier & ~rule_ascii_features['0']) && !starts_lines(r) &&
         near_words(r) && words_lettered(r);
}

/* The places of the words of every rule in rs tried near them, and of
 * the nodeadline rules in zr that want them (zone_walk_wants), found in
 * one walk of the text (rule_text_find_words) before the rules ask, and
 * kept by the text for its scans too; those the walk cannot tell are
 * searched at the first ask (places_of).  The where=
 * table rules count only when `tables`.  False when out of memory. */
/* Is w among words[0, n)?  By `in` (a mark per literal of the rule set,
 * NULL: none) when w is of the set. */
static bool word_listed(const rule_literal *const *words, size_t n,
                        const unsigned char *in, const rule_literals *set,
                        const rule_literal *w) {
  if (in && w->set == set && w->id < set->n) return in[w->id];
  size_t j = 0;
  while (j < n && words[j] != w) j++;
  return j < n;
}

static bool words_find(dctx *d, rule_list rs, rule_list zr, bool tables) {
  const rule_literal **words = NULL;
  size_t nwords = 0, cap = 0;
  bool ok = true;
  /* the words listed, marked by literal (a list of a few dozen was
   * searched for each word and each twin) */
  const rule_literals *set = &d->x->rules->literals;
  unsigned char *in = calloc(set->n + 1, 1);
  /* and the province rules searched by their words over the whole text
   * (meta_province_vote, which runs after this walk): the words' own
   * searches ("thành" of meta.province.city, found by its 'h') read the
   * whole text each */
  rule_list pr = rules_select(d->x->rules, "meta.province.", NULL);
  for (size_t i = 0; ok && i < rs.n + zr.n + pr.n; i++) {
    const rule *r = i < rs.n          ? rs.items[i]
                    : i < rs.n + zr.n ? zr.items[i - rs.n]
                                      : pr.items[i - rs.n - zr.n];
    const cchc_rules *all = d->x->rules;
    if (i >= rs.n + zr.n ? !(r->by_anchor || r->by_anchor_near)
        : i >= rs.n      ? !(zone_walk_wants(r) || zone_near_windows(r))
                         : (!tables && deadline_said(all, r)->said_table) ||
                               !(deadline_walk_wants(all, r) ||
                                 near_ranged(all, r)))
      continue;
    for (size_t k = 0; ok && k < r->facts.nanchor; k++) {
      const rule_literal *w = r->facts.anchor[k];
      if (word_listed(words, nwords, in, set, w)) continue;
      void *grown = cchc_grow(words, &cap, nwords, sizeof *words);
      if (!grown) ok = false;
      else (words = grown)[nwords++] = w;
      if (ok && in && w->set == set && w->id < set->n) in[w->id] = 1;
    }
  }
  /* a word in its case whose caseless twin is walked is told by the
   * twin's places (rules.h): one form less for the walk to look for */
  const rule_literal **walk =
      ok ? malloc((nwords ? nwords : 1) * sizeof *walk) : NULL;
  size_t nwalk = 0;
  ok = walk != NULL;
  for (size_t j = 0; ok && j < nwords; j++) {
    const rule_literal *twin = words[j]->twin;
    if (!twin || !word_listed(words, nwords, in, set, twin))
      walk[nwalk++] = words[j];
  }
  ok = ok && rule_text_find_words(&d->x->scan, walk, nwalk);
  free(in);
  free(walk);
  d->walked = words;
  d->nwalked = ok ? nwords : 0;
  return ok;
}

/* Where a rule tried near its words stands: for each word k, its next
 * place next[k] and the window before it, from ws[k] (SIZE_MAX: not
 * known yet); every position before `tried` has been tried. */
typedef struct near_walk {
  word_places *w[RULE_ANCHOR_ALTS];
  size_t next[RULE_ANCHOR_ALTS], ws[RULE_ANCHOR_ALTS];
  size_t tried;
  gate_walk *gate; /* gated_match; NULL: none */
  /* a gate's own walk: tried only at a byte one of its rules may start
   * with (opens[c]); NULL: any */
  const uint8_t *opens;
  bool ranged; /* near_ranged */
} near_walk;

/* A rule's gate (set: gate=ID, rules/deadlines.rules): a rule whose match
 * opens every match of the rule, so that where it does not match at a
 * position, the rule does not either.  Several rules share one (the seven
 * deadline.label_* rules open with the label of a task's time, the rules
 * of dates due and of "định kỳ" with a word of a time limit): the places
 * where the gate matches are found once, by a walk of the gate near its
 * own words (it has some: near_anchors; else searched), and each of its
 * rules is tried at those places only, where each walked the windows
 * before its words itself and asked the gate at each position (about one
 * in 600 bytes of a plan; the gate holds at one in ten of those).  Only
 * at a byte one of its rules may start with (opens): the rules' first
 * bytes are fewer than the gate's.  The places are those of one stretch
 * of the text (collect: NEAR_STRETCH) before `upto`, in at[0, n), the
 * gate's walk standing at `pos`; `broken`: out of memory, the rules walk
 * their words as without a gate. */
struct gate_walk {
  const rule *gate;
  bool near, broken;
  near_walk nw;
  uint8_t opens[256];
  uint32_t *at; /* (a text is below 4 GB) */
  size_t n, cap;
  size_t pos, upto;
};

/* Start the walk of r; false when out of memory. */
static bool near_start(dctx *d, const rule *r, near_walk *nw) {
  size_t ids[RULE_ANCHOR_ALTS];
  for (size_t k = 0; k < r->facts.nanchor; k++)
    if ((ids[k] = places_of(d, r->facts.anchor[k])) == SIZE_MAX) return false;
  for (size_t k = 0; k < r->facts.nanchor; k++) { /* d->places stays put */
    nw->w[k] = &d->places[ids[k]];
    nw->next[k] = 0;
    nw->ws[k] = SIZE_MAX;
  }
  nw->tried = 0;
  nw->gate = NULL;
  nw->opens = NULL;
  nw->ranged = near_ranged(d->x->rules, r);
  return true;
}

/* Can a match of r start at u[q], by what stands before it?  A rule of
 * starts (rule_facts) matches only at the subject's start or right after
 * a character of its `after` (a line break, for "^"): its words' windows
 * (a run of white space before "Theo") are mostly elsewhere, and a try
 * there would fail.  A character beyond ASCII before q may be a digit. */
static bool near_may_follow(const rule_facts *f, const unsigned char *u,
                            size_t q) {
  if (!f->starts) return true;
  if (!q) return f->at_zero;
  unsigned c = u[q - 1];
  return c < 0x80 ? (f->after & rule_ascii_features[c]) != 0
                  : (f->after & rule_ascii_features['0']) != 0;
}

/* Where a match of a rule with facts f that holds its word at o starts at
 * the earliest by its barrier (f->barrier_bytes): after the last of them
 * in [floor, o), else floor.  Looked for NEAR_BARRED_REACH back at most,
 * so that a text without them is not read back to the floor from each
 * place (the walk by the word's distance, rule_window_start, then stops
 * where that does). */
enum { NEAR_BARRED_REACH = 4096 };
/* A window of a rule searched near its words (near_ranged) this long or
 * shorter from the barrier before its word is searched from there: the
 * walk back by the word's distance read each byte again, at a cost per
 * byte that is a multiple of the search's. */
enum { NEAR_RANGED_SEARCHED = 512 };
static size_t barred_after(const xctx *x, const rule_facts *f, size_t floor,
                           size_t o) {
  size_t lo = o - floor > NEAR_BARRED_REACH ? o - NEAR_BARRED_REACH : floor;
  size_t last = lo; /* one past the last barrier byte found, or lo */
  for (size_t i = 0; i < f->nbarrier_bytes && last < o; i++) {
    const char *p = memrchr(x->s + last, f->barrier_bytes[i], o - last);
    if (p) last = (size_t)(p - x->s) + 1;
  }
  return last > lo ? last : floor;
}

/* Where a byte next stands from where a walk forward is: the first place
 * of the byte at or after `from` is `at` (x->n: none).  Each place is
 * found once, however many windows ask before it. */
typedef struct byte_next {
  size_t from, at; /* at SIZE_MAX: not looked for yet */
} byte_next;

static size_t next_byte(const xctx *x, byte_next *b, unsigned char c,
                        size_t from) {
  if (b->at == SIZE_MAX || from < b->from || from > b->at) {
    const char *p = from < x->n ? memchr(x->s + from, c, x->n - from) : NULL;
    b->at = p ? (size_t)(p - x->s) : x->n;
  }
  b->from = from;
  return b->at;
}

/* r's first match that starts in [pos, limit] (limit < x->n, pos a
 * character's start), in x->md.  PCRE2's search of a window looks ahead
 * for the byte every match holds (rule.ahead) before it tries a
 * position, to the end of the text when the byte is missing there: with
 * less than some 500 KB left (past that its JIT code does not look) each
 * window cost the rest of the text, and a plan of windows up to the
 * square of its length (an appendix table without an 'm', which
 * nodeadline.plan_name, report_name and doc_horizon hold in "năm": their
 * windows in 256 KB of it cost 118 M instructions, more than in a
 * megabyte).  The window is searched when the byte stands within
 * WINDOW_AHEAD_REACH after it, as rule_scan's windows are (where it next
 * stands kept in *ahead); else tried at each position where a match can
 * start, anchored, without the look ahead (xmatch_at). */
enum { WINDOW_AHEAD_REACH = 4096 };
static bool window_until(xctx *x, const rule *r, byte_next *ahead,
                         size_t pos, size_t limit) {
  if (r->ahead < 0 || r->by_first ||
      next_byte(x, ahead, (unsigned char)r->ahead, limit) - limit <
          WINDOW_AHEAD_REACH)
    return xmatch_until(x, r, x->s, x->n, pos, limit);
  const unsigned char *u = (const unsigned char *)x->s;
  if (r->facts.has_first) { /* (no continuation byte starts a match) */
    for (size_t i = rule_next_start(r, x->s, pos, limit + 1, x->n); i <= limit;
         i = rule_next_start(r, x->s, i + 1, limit + 1, x->n))
      if (xmatch_at(x, r, x->s, x->n, i)) return true;
    return false;
  }
  for (size_t i = pos; i <= limit; i++)
    if ((u[i] & 0xC0) != 0x80 && xmatch_at(x, r, x->s, x->n, i)) return true;
  return false;
}

/* rule_window_start for place i of w (a word `bytes` bytes and `runs`
 * runs of white space at most after a match's start), not before `floor`,
 * kept for the next rule that asks at that distance.  The walk back to a
 * floor stops there: a window it finds to start above the floor starts
 * there whatever the floor (or at the floor, when that is later); one
 * that starts at the floor is not kept (it may start before). */
static size_t window_at(const xctx *x, word_places *w, size_t i, size_t bytes,
                        size_t runs, size_t floor) {
  size_t o = place_at(w, i);
  if (!w->win_shared || w->win_bytes != bytes || w->win_runs != runs ||
      (!w->win && !(w->win = calloc(w->n, sizeof *w->win))))
    return rule_window_start(x->s, x->n, o, bytes, runs, floor);
  uint32_t *start1 = &w->win[i];
  if (*start1) return *start1 - 1 > floor ? *start1 - 1 : floor;
  size_t ws = rule_window_start(x->s, x->n, o, bytes, runs, floor);
  if (ws > floor) *start1 = (uint32_t)ws + 1;
  return ws;
}

/* r's first match at or after `pos` (a character's start) that starts
 * before `limit`, in x->md.  False when there is none: the walk then
 * stands at the first position not tried, and goes on from there at the
 * next call, as it would have gone on. */
static bool gated_match(xctx *x, const rule *r, near_walk *nw, size_t pos,
                        size_t limit);

static bool near_match(xctx *x, const rule *r, near_walk *nw, size_t pos,
                       size_t limit) {
  const rule_facts *f = &r->facts;
  const unsigned char *u = (const unsigned char *)x->s;
  if (nw->gate && !nw->ranged && !nw->gate->broken &&
      gated_match(x, r, nw, pos, limit))
    return true;
  if (nw->gate && !nw->ranged && !nw->gate->broken) return false;
  if (nw->tried < pos) nw->tried = pos;
  for (;;) {
    size_t best = SIZE_MAX, kb = 0; /* the window that starts first */
    for (size_t k = 0; k < f->nanchor; k++) {
      word_places *w = nw->w[k];
      while (nw->next[k] < w->n && place_at(w, nw->next[k]) < nw->tried) {
        nw->next[k]++; /* its window is tried */
        nw->ws[k] = SIZE_MAX;
      }
      if (nw->next[k] == w->n) continue;
      if (nw->ws[k] != SIZE_MAX) {
      } else if (!f->anchor_bytes[k] && !f->anchor_runs[k]) {
        nw->ws[k] = place_at(w, nw->next[k]); /* the word starts the match */
      } else if (nw->ranged) {
        /* the window is searched at once (below): from the barrier, which
         * no match crosses, when it stands near, without the walk back by
         * the word's distance (a match that starts before that walk's
         * start holds another place, whose window starts no later) */
        size_t o = place_at(w, nw->next[k]);
        size_t barred = barred_after(x, f, nw->tried, o);
        nw->ws[k] = o - barred <= NEAR_RANGED_SEARCHED
                        ? barred
                        : rule_window_start(x->s, x->n, o, f->anchor_bytes[k],
                                            f->anchor_runs[k], barred);
      } else {
        nw->ws[k] = window_at(x, w, nw->next[k], f->anchor_bytes[k],
                              f->anchor_runs[k], nw->tried);
      }
      size_t from = nw->ws[k] > nw->tried ? nw->ws[k] : nw->tried;
      if (from < best) best = from, kb = k;
    }
    if (best >= limit) return false; /* SIZE_MAX: no window is left */
    size_t end = place_at(nw->w[kb], nw->next[kb]);
    if (nw->ranged) { /* the window searched at once, up to the limit */
      size_t last = end < limit ? end : limit - 1;
      if (xmatch_until(x, r, x->s, x->n, best, last)) {
        nw->tried = match_start(x->md);
        return true;
      }
      if (end >= limit) {
        nw->tried = limit;
        return false;
      }
      nw->tried = next_from(x->s, x->n, end, end);
      continue;
    }
    /* (a rule with first bytes passes the bytes that start none at a
     * look each: no continuation byte is one, so the tries are those of
     * the walk by characters, up to the window's end or the limit) */
    size_t stop = end < limit ? end + 1 : limit;
    for (size_t q = best; q <= end; q = next_from(x->s, x->n, q, q)) {
      if (f->has_first && q < stop && !f->first[u[q]]) {
        while (++q < stop && !f->first[u[q]]) {
        }
        if (q == stop) {
          if (stop == end + 1) break;
          while (q < x->n && (u[q] & 0xC0) == 0x80) q++; /* (a character) */
        }
      }
      if (q >= limit) {
        nw->tried = q;
        return false;
      }
      if ((!f->has_first || rule_may_start(r, u, q, x->n)) &&
          near_may_follow(f, u, q) && (!nw->opens || nw->opens[u[q]]) &&
          xmatch_at(x, r, x->s, x->n, q)) {
        nw->tried = q;
        return true;
      }
    }
    nw->tried = next_from(x->s, x->n, end, end);
  }
}

/* The places where gate g matches, found up to `limit` (a stretch's end
 * or the text's): by the gate's walk near its words, or its search, from
 * where the last ask left off.  False when out of memory. */
static bool gate_reach(xctx *x, gate_walk *g, size_t limit) {
  while (g->upto < limit) {
    bool found = g->near ? near_match(x, g->gate, &g->nw, g->pos, limit)
                         : g->pos < limit &&
                               xmatch_until(x, g->gate, x->s, x->n, g->pos,
                                            limit - 1);
    if (!found) {
      g->upto = limit;
      break;
    }
    size_t q = match_start(x->md);
    void *grown = cchc_grow(g->at, &g->cap, g->n, sizeof *g->at);
    if (!grown) return false;
    g->at = grown;
    g->at[g->n++] = (uint32_t)q;
    g->pos = next_from(x->s, x->n, q, q); /* matches may overlap */
  }
  return true;
}

/* near_match for a rule with a gate: tried at the places where its gate
 * matches only (gate_reach), in text order, where a match may start by
 * its facts.  Those places hold each position where the rule may match
 * (a match of the rule opens with one of the gate), not only those the
 * windows before its words hold: a try elsewhere fails.  False at the
 * limit, or when out of memory (the gate is broken: the walk goes on as
 * without one, from where it stands). */
static bool gated_match(xctx *x, const rule *r, near_walk *nw, size_t pos,
                        size_t limit) {
  gate_walk *g = nw->gate;
  const unsigned char *u = (const unsigned char *)x->s;
  if (nw->tried < pos) nw->tried = pos;
  if (!gate_reach(x, g, limit)) {
    g->broken = true;
    return false;
  }
  size_t i = 0, hi = g->n; /* the first place not before `tried` */
  while (i < hi) {
    size_t mid = i + (hi - i) / 2;
    if (g->at[mid] < nw->tried) i = mid + 1;
    else hi = mid;
  }
  for (; i < g->n && g->at[i] < limit; i++) {
    size_t q = g->at[i];
    if ((!r->facts.has_first || rule_may_start(r, u, q, x->n)) &&
        near_may_follow(&r->facts, u, q) && xmatch_at(x, r, x->s, x->n, q)) {
      nw->tried = q;
      return true;
    }
  }
  if (nw->tried < limit) nw->tried = limit;
  return false;
}

/* Zones are looked for only around candidates: a nodeadline.* rule whose
 * matches hold no character of its barrier (rule_facts) is searched, for
 * each candidate, from where the stretch without barriers that runs into
 * the candidate starts, up to the candidate's end.  A match that reaches
 * into the candidate starts in that stretch, and a search from a stretch's
 * start finds there what the search of the whole text finds (a match
 * that starts before a barrier ends before it).  Each rule's search goes
 * on from its last match, in text order, as the search of the whole text
 * does.  The windows are tried position by position (window_until), at a
 * cost per byte many times that of a scan of the whole text, which skips
 * by the rule's facts: once a rule's windows would add up to more than
 * 1/WINDOW_SHARE of the text (its barrier is rare), the rest of the text
 * is scanned whole, from where its search stands (tried near its words,
 * as a deadline rule, when it has them near its start).  A rule without
 * a barrier scans the whole text. */
enum { WINDOW_SHARE = 16 };

/* A barrier's characters as a byte table: is_barrier[c] for each byte c
 * that is an ASCII character of the barrier's features.  The walks back
 * from the candidates read a byte each time, for every rule; a barrier of
 * a few bytes (bytes[0, nbytes), BARRIER_SEARCHED at most) is looked for
 * by memrchr instead, a byte at a time: a rare barrier (';') lies far
 * back.  Where the processor has AVX2, all of them are looked for at
 * once, 32 bytes at a time (barrier_last_avx2), by by_low: for each low
 * nibble, the high nibbles (0-7) of the barrier's bytes with it, a bit
 * each. */
enum { BARRIER_SEARCHED = 4 };
typedef struct barrier_bytes {
  uint8_t is_barrier[256];
  unsigned char bytes[BARRIER_SEARCHED];
  size_t nbytes; /* BARRIER_SEARCHED + 1: more */
  uint8_t by_low[16];
} barrier_bytes;

/* The ASCII characters of each feature (a bit each of two words: 0-63,
 * 64-127), read once per thread from rule_ascii_features: a barrier is
 * made per rule and plan, and reading all 128 characters for each cost
 * more than the few of its features (most features are one character). */
typedef struct feature_chars {
  bool read;
  uint64_t chars[64][2];
} feature_chars;
static _Thread_local feature_chars feature_chars_read;

static void barrier_bytes_of(uint64_t b, barrier_bytes *bb) {
  feature_chars *fc = &feature_chars_read;
  if (!fc->read) {
    for (unsigned c = 0; c < 0x80; c++)
      for (uint64_t f = rule_ascii_features[c]; f; f &= f - 1)
        fc->chars[__builtin_ctzll(f)][c >> 6] |= (uint64_t)1 << (c & 63);
    fc->read = true;
  }
  uint64_t in[2] = {0, 0}; /* the barrier's characters */
  for (; b; b &= b - 1) {
    const uint64_t *c = fc->chars[__builtin_ctzll(b)];
    in[0] |= c[0];
    in[1] |= c[1];
  }
  bb->nbytes = 0;
  memset(bb->is_barrier, 0, sizeof bb->is_barrier);
  memset(bb->by_low, 0, sizeof bb->by_low);
  /* the ASCII bytes only, in order */
  for (unsigned h = 0; h < 2; h++)
    for (uint64_t m = in[h]; m; m &= m - 1) {
      unsigned c = 64 * h + (unsigned)__builtin_ctzll(m);
      bb->is_barrier[c] = 1;
      bb->by_low[c & 15] |= (uint8_t)(1u << (c >> 4));
      if (bb->nbytes < BARRIER_SEARCHED) bb->bytes[bb->nbytes] = (unsigned char)c;
      if (bb->nbytes <= BARRIER_SEARCHED) bb->nbytes++;
    }
}

#ifdef BARRIER_AVX2
/* One past the last byte of u[lo, hi) of the barrier whose by_low is
 * given, looked at 32 bytes at a time from hi back; the bytes left
 * before (fewer than 32) are not: *hi moves to where it stopped.  0 when
 * none is. */
__attribute__((target("avx2"))) static size_t
barrier_last_avx2(const unsigned char *u, size_t lo, size_t *hi,
                  const uint8_t by_low[16]) {
  /* a byte is of the barrier when by_low[its low nibble] holds the bit of
   * its high nibble; bytes beyond ASCII (high nibble 8-15) have none */
  const __m256i low = _mm256_broadcastsi128_si256(
      _mm_loadu_si128((const __m128i *)by_low));
  const __m256i bit = _mm256_setr_epi8(
      1, 2, 4, 8, 16, 32, 64, -128, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 4, 8, 16,
      32, 64, -128, 0, 0, 0, 0, 0, 0, 0, 0);
  const __m256i nibble = _mm256_set1_epi8(0x0F);
  size_t e = *hi;
  for (; e - lo >= 32; e -= 32) {
    __m256i v = _mm256_loadu_si256((const __m256i *)(u + e - 32));
    __m256i l = _mm256_shuffle_epi8(low, _mm256_and_si256(v, nibble));
    __m256i h = _mm256_shuffle_epi8(
        bit, _mm256_and_si256(_mm256_srli_epi16(v, 4), nibble));
    __m256i none = _mm256_cmpeq_epi8(_mm256_and_si256(l, h),
                                     _mm256_setzero_si256());
    uint32_t of = ~(uint32_t)_mm256_movemask_epi8(none);
    if (of) return e - 32 + (size_t)(31 - __builtin_clz(of)) + 1;
  }
  *hi = e;
  return 0;
}
#endif

bool deadlines_barrier_avx2_off = false;

/* One past the last byte of u[lo, hi) of barrier bb, 0 when none is. */
static size_t barrier_last(const unsigned char *u, size_t lo, size_t hi,
                           const barrier_bytes *bb) {
#ifdef BARRIER_AVX2
  if (!deadlines_barrier_avx2_off && __builtin_cpu_supports("avx2")) {
    size_t last = barrier_last_avx2(u, lo, &hi, bb->by_low);
    if (last) return last;
    for (size_t i = hi; i > lo; i--) /* the bytes left */
      if (bb->is_barrier[u[i - 1]]) return i;
    return 0;
  }
#endif
  if (bb->nbytes <= BARRIER_SEARCHED) {
    /* each searched after the last one found */
    size_t last = 0;
    for (size_t k = 0; k < bb->nbytes; k++) {
      size_t from = last > lo ? last : lo;
      const unsigned char *p = memrchr(u + from, bb->bytes[k], hi - from);
      if (p) last = (size_t)(p - u) + 1;
    }
    return last;
  }
  for (size_t i = hi; i > lo; i--)
    if (bb->is_barrier[u[i - 1]]) return i;
  return 0;
}

size_t deadlines_barrier_last(const char *s, size_t lo, size_t hi,
                              uint64_t barrier) {
  barrier_bytes bb;
  barrier_bytes_of(barrier, &bb);
  return barrier_last((const unsigned char *)s, lo, hi, &bb);
}

/* Where the stretch without barrier bb that runs into offset `at` starts:
 * after the last barrier character before it, and not before `floor`;
 * SIZE_MAX when it starts more than `reach` bytes before `at`.  The
 * digits of a barrier are not used (digits beyond ASCII are several
 * bytes): the stretch then starts further back, which is as sound. */
static size_t stretch_start(const xctx *x, const barrier_bytes *bb,
                            size_t floor, size_t at, size_t reach) {
  const unsigned char *u = (const unsigned char *)x->s;
  if (at <= floor) return floor;
  bool far = at - floor > reach;
  /* the bytes before the starts looked at: down to `reach` back, or
   * to the floor */
  size_t lo = far ? at - reach : floor + 1;
  size_t last = barrier_last(u, lo - 1, at, bb);
  if (last) return last;
  return far ? SIZE_MAX : floor;
}

typedef struct zones {
  zone *v;
  size_t n, cap;
} zones;

/* The zone of r's match in x->md (its "zone" group, else the whole match)
 * added to *zs when not empty; false when out of memory. */
static bool zone_take(xctx *x, const rule *r, zones *zs) {
  size_t a, b;
  if (!rule_group(r, x->md, "zone", &a, &b))
    a = match_start(x->md), b = match_end(x->md);
  if (b <= a) return true;
  void *grown = cchc_grow(zs->v, &zs->cap, zs->n, sizeof *zs->v);
  if (!grown) return false;
  zs->v = grown;
  zs->v[zs->n++] = (zone){a, b};
  return true;
}

/* r's first match that starts in [pos, limit] (limit < x->n), in x->md,
 * tried at each line start there that its first byte allows. */
static bool lines_match(xctx *x, const rule *r, size_t pos, size_t limit) {
  const unsigned char *u = (const unsigned char *)x->s;
  for (size_t q = pos; q <= limit;) {
    if (near_may_follow(&r->facts, u, q) &&
        (!r->facts.has_first || rule_may_start(r, u, q, x->n)) &&
        xmatch_at(x, r, x->s, x->n, q))
      return true;
    const unsigned char *nl = memchr(u + q, '\n', limit - q);
    if (!nl) break;
    q = (size_t)(nl - u) + 1;
  }
  return false;
}

/* r's matches from *pos on that start by `limit` (all that follow when
 * limit is x->n: a scan of the rest), as zones in *zs; *pos moves past
 * them, and past the limit (none starts before: the search from there
 * finds what the search from *pos finds).  `limit` + 1 is a character's
 * start.  A rule of line starts (`lines`) is tried at those of the
 * window (lines_match), where PCRE2's search of the window cost more; a
 * rule with nw near its words there (zone_near_windows).  False when out
 * of memory. */
static bool add_zones(xctx *x, const rule *r, near_walk *nw, bool lines,
                      byte_next *ahead, size_t *pos, size_t limit,
                      zones *zs) {
  while (*pos < x->n && *pos <= limit &&
         (limit < x->n ? lines ? lines_match(x, r, *pos, limit)
                         : nw  ? near_match(x, r, nw, *pos, limit + 1)
                               : window_until(x, r, ahead, *pos, limit)
          : nw         ? near_match(x, r, nw, *pos, SIZE_MAX)
                       : rule_scan(r, &x->scan, x->n, *pos, x->md))) {
    *pos = next_from(x->s, x->n, match_start(x->md), match_end(x->md));
    if (!zone_take(x, r, zs)) return false;
  }
  if (*pos <= limit) *pos = limit + 1;
  return true;
}

/* Where one nodeadline rule's search around the candidates stands. */
typedef struct zone_walk {
  barrier_bytes barrier;
  size_t pos, budget;
  size_t k;   /* the next candidate */
  bool whole; /* scanning the rest whole */
  bool lines; /* of line starts (starts_lines) */
  bool near;  /* tried near its words in the stretches (zone_near_windows) */
  near_walk nw;
  byte_next ahead; /* of the rule's byte (window_until) */
} zone_walk;

/* r's matches from w->pos on, as zones in *zs, as the search of the rest
 * of the text finds them (tried near r's words with nw), but only while a
 * candidate of c[0..nc) (sorted by start) ends after the search: a match
 * that starts later overlaps none.  Before the next such candidate the
 * search goes on from the last byte of r's barrier: a match that starts
 * before that byte ends before it, so it reaches no candidate left, and
 * the search of the rest finds the same matches after it.  False when out
 * of memory. */
static bool zones_rest(xctx *x, const rule *r, near_walk *nw, zone_walk *w,
                       const cand *c, size_t nc, zones *zs) {
  size_t k = 0;
  for (size_t pos = w->pos; pos < x->n;) {
    /* the candidates before k end by pos (pos only grows); c[k] starts
     * first of those that end after it */
    while (k < nc && c[k].end <= pos) k++;
    if (k == nc) break;
    if (pos < c[k].start)
      pos = stretch_start(x, &w->barrier, pos, c[k].start, c[k].start - pos);
    /* A rule of line starts is searched only for matches that start
     * before c[k] ends (its search of the rest went on to the text's end
     * after the last candidate, most of what it read): none starts in
     * [pos, c[k].end), so the search from c[k].end finds what the search
     * from pos finds.  Line starts are few: each is tried. */
    bool found = w->lines ? lines_match(x, r, pos, c[k].end - 1)
                 : nw     ? near_match(x, r, nw, pos, SIZE_MAX)
                          : rule_scan(r, &x->scan, x->n, pos, x->md);
    if (!found && w->lines) {
      pos = c[k].end;
      continue;
    }
    if (!found) break;
    pos = next_from(x->s, x->n, match_start(x->md), match_end(x->md));
    if (!zone_take(x, r, zs)) return false;
  }
  return true;
}

/* Sorted, merged nodeadline zones: those that may reach into one of the
 * candidates c[0..nc) (sorted by start), and maybe more.  The rules go
 * around the candidates together, those of a stretch of
 * NEAR_STRETCH bytes at a time, as the rules tried near their words walk
 * the text (collect): each reads the text before a candidate where the
 * rules before it have just read it. */
static cchc_status find_zones(dctx *d, const cand *c, size_t nc, zone **out,
                              size_t *nout) {
  xctx *x = d->x;
  rule_list rs = rules_select(x->rules, "nodeadline.", NULL);
  zones zs = {0};
  zone_walk *zw = malloc((rs.n ? rs.n : 1) * sizeof *zw);
  if (!zw) goto nomem;
  for (size_t i = 0; i < rs.n; i++) {
    uint64_t b = rs.items[i]->facts.barrier & ~rule_ascii_features['0'];
    zw[i] = (zone_walk){.budget = x->n / WINDOW_SHARE,
                        .whole = !b,
                        .lines = starts_lines(rs.items[i]),
                        .near = nc && zone_near_windows(rs.items[i]),
                        .ahead = {.at = SIZE_MAX}};
    barrier_bytes_of(b, &zw[i].barrier);
    /* every word's places first: near_start points into d->places */
    for (size_t k = 0; zw[i].near && k < rs.items[i]->facts.nanchor; k++)
      if (places_of(d, rs.items[i]->facts.anchor[k]) == SIZE_MAX) goto nomem;
  }
  for (size_t i = 0; i < rs.n; i++)
    if (zw[i].near && !near_start(d, rs.items[i], &zw[i].nw)) goto nomem;
  for (size_t limit = 0; limit < x->n && nc;) {
    limit = x->n - limit > NEAR_STRETCH ? limit + NEAR_STRETCH : x->n;
    for (size_t i = 0; i < rs.n; i++) {
      const rule *r = rs.items[i];
      zone_walk *w = &zw[i];
      for (; w->k < nc && c[w->k].start < limit && !w->whole; w->k++) {
        size_t end = c[w->k].end - 1;
        size_t from =
            stretch_start(x, &w->barrier, w->pos, c[w->k].start, w->budget);
        w->whole = from == SIZE_MAX || (from < end && end - from > w->budget);
        if (w->whole) break;
        w->pos = from;
        if (w->pos < end) w->budget -= end - w->pos;
        if (!add_zones(x, r, w->near ? &w->nw : NULL, w->lines, &w->ahead,
                       &w->pos, end, &zs))
          goto nomem;
      }
    }
  }
  for (size_t i = 0; i < rs.n && nc; i++) {
    const rule *r = rs.items[i];
    if (!zw[i].whole) continue;
    /* the rest tried near r's words, when it has them */
    near_walk nw = {.tried = 0};
    bool near = near_zone_words(d, r);
    if (near && !near_start(d, r, &nw)) goto nomem;
    /* a rule of line starts near its words too: they stand at few lines */
    if (near) zw[i].lines = false;
    if (!zones_rest(x, r, near ? &nw : NULL, &zw[i], c, nc, &zs))
      goto nomem;
  }
  free(zw);
  if (zs.n) qsort(zs.v, zs.n, sizeof *zs.v, cmp_zone);
  size_t m = 0;
  for (size_t i = 0; i < zs.n; i++) {
    if (m && zs.v[i].start < zs.v[m - 1].end) {
      if (zs.v[i].end > zs.v[m - 1].end) zs.v[m - 1].end = zs.v[i].end;
    } else {
      zs.v[m++] = zs.v[i];
    }
  }
  *out = zs.v;
  *nout = m;
  return CCHC_OK;
nomem:
  free(zw);
  free(zs.v);
  return NOMEM(x);
}

/* For each section, whether it lies in the appendix (a section whose rule
 * has marker=appendix, or a descendant of one).  Parents come first. */
static bool *appendix_sections(xctx *x) {
  const cchc_frame *f = x->f;
  bool *app = calloc(f->nsections ? f->nsections : 1, sizeof *app);
  if (!app) return NULL;
  /* a plan's hundreds of sections come of a few rules, each named by its
   * id (the rule's own string): what each says is looked up once */
  enum { RULES_SEEN = 16 };
  struct {
    const char *id;
    bool appendix;
  } seen[RULES_SEEN];
  size_t nseen = 0;
  for (size_t i = 0; i < f->nsections; i++) {
    const frame_section *sec = &f->sections[i];
    size_t k = 0;
    while (k < nseen && seen[k].id != sec->rule) k++;
    bool appendix;
    if (k < nseen) {
      appendix = seen[k].appendix;
    } else {
      const rule *r = sec->rule ? rules_find(x->rules, sec->rule) : NULL;
      const char *marker = r ? rule_attr(r, "marker") : NULL;
      appendix = marker && !strcmp(marker, "appendix");
      if (nseen < RULES_SEEN) {
        seen[nseen].id = sec->rule;
        seen[nseen++].appendix = appendix;
      }
    }
    app[i] = appendix || (sec->parent >= 0 && (size_t)sec->parent < i &&
                          app[sec->parent]);
  }
  return app;
}

static bool has_pipe(const xctx *x, size_t li) {
  size_t a = xline_start(x, li), b = xline_end(x, li);
  return memchr(x->s + a, '|', b - a) != NULL;
}

/* Whether line li is in a table as a crawl prints it: the line holds '|'
 * cell separators, or it is a cell between separator lines (one within a
 * few lines each way).  The header's layout table does not count. */
static bool pipe_cell(const xctx *x, size_t li) {
  enum { REACH = 3 };
  if (li < x->first_section_line) return false;
  if (has_pipe(x, li)) return true;
  bool before = false, after = false;
  for (size_t k = 1; k <= REACH && k <= li && !before; k++)
    before = has_pipe(x, li - k);
  for (size_t k = 1; k <= REACH && li + k < x->nlines && !after; k++)
    after = has_pipe(x, li + k);
  return before && after;
}

/* Whether offset off is in a table cell: the appendix, or a crawled
 * table. */
static bool in_table(xctx *x, const bool *app, size_t off) {
  if (!x->nlines) return false;
  size_t li = xline_at(x, off);
  int sec = x->lines[li].section;
  return (sec >= 0 && (size_t)sec < x->f->nsections && app[sec]) ||
         pipe_cell(x, li);
}

/* Among candidates sorted by start, keep the earlier rule where matches
 * overlap: within each cluster of overlapping matches, accept in rule
 * order whatever overlaps nothing accepted before. */
static cchc_status resolve_overlaps(xctx *x, cand *c, size_t n) {
  size_t *order = NULL, cap = 0;
  for (size_t i = 0; i < n;) {
    size_t j = i + 1, end = c[i].end;
    while (j < n && c[j].start < end) {
      if (c[j].end > end) end = c[j].end;
      j++;
    }
    size_t k = j - i;
    if (k == 1) {
      c[i].keep = true;
    } else {
      if (k > cap) {
        size_t *p = realloc(order, k * sizeof *p);
        if (!p) {
          free(order);
          return NOMEM(x);
        }
        order = p;
        cap = k;
      }
      for (size_t a = 0; a < k; a++) order[a] = i + a;
      for (size_t a = 1; a < k; a++) /* insertion sort by rule order */
        for (size_t b = a; b > 0 && c[order[b]].prio < c[order[b - 1]].prio;
             b--) {
          size_t t = order[b];
          order[b] = order[b - 1];
          order[b - 1] = t;
        }
      for (size_t a = 0; a < k; a++) {
        cand *p = &c[order[a]];
        bool clash = false;
        for (size_t b = i; b < j && !clash; b++)
          clash = c[b].keep && c[b].start < p->end && p->start < c[b].end;
        p->keep = !clash;
      }
    }
    i = j;
  }
  free(order);
  return CCHC_OK;
}

/* ---- output -------------------------------------------------------------- */

/* Digits of v (< 10^width) in out[0, width), zero-padded: a plan has a
 * date or two per deadline, and printf's reading of its format cost more
 * than the rest of a deadline's output. */
static void put_digits(char *out, unsigned v, int width) {
  for (int i = width - 1; i >= 0; i--, v /= 10) out[i] = (char)('0' + v % 10);
}

/* "YYYY-MM-DD" (resolve keeps the year in 1..9999). */
static const char *iso(cchc_frame *f, ymd d) {
  char b[10];
  put_digits(b, (unsigned)d.y, 4);
  b[4] = b[7] = '-';
  put_digits(b + 5, (unsigned)d.m, 2);
  put_digits(b + 8, (unsigned)d.d, 2);
  return frame_intern(f, frame_strndup(f, b, sizeof b));
}

/* "d" and the deadline's number. */
static const char *deadline_id(cchc_frame *f, size_t i) {
  char b[1 + CCHC_INTEGER_MAX];
  b[0] = 'd';
  return frame_strndup(f, b, 1 + cchc_integer_text((long long)i, b + 1));
}

static cchc_status push(dctx *d, const cand *c, const char *kind,
                        const interval *from, const interval *to,
                        const char *recurrence) {
  xctx *x = d->x;
  cchc_frame *f = x->f;
  frame_deadline *dl = FRAME_PUSH(f, deadlines);
  if (!dl) return NOMEM(x);
  size_t ps = c->has[G_PHRASE] ? c->gs[G_PHRASE] : c->start;
  size_t pe = c->has[G_PHRASE] ? c->ge[G_PHRASE] : c->end;
  dl->id = deadline_id(f, f->ndeadlines);
  dl->text = frame_intern(f, xfolded(x, ps, pe));
  dl->kind = kind;
  dl->start = from && from->has_start ? iso(f, from->start) : NULL;
  dl->end = to && to->has_end ? iso(f, to->end) : NULL;
  dl->recurrence = recurrence;
  dl->year_inferred = (from && from->inferred && (from->has_start ||
                                                  from->has_end)) ||
                      (to && to->inferred && (to->has_start || to->has_end));
  dl->span = (frame_span){ps, pe};
  dl->rule = d->rules.items[c->prio]->id;
  return f->failed ? NOMEM(x) : CCHC_OK;
}

/* Turn one accepted candidate into deadlines (none when its time
 * expressions do not parse). */
static cchc_status emit(dctx *d, const cand *c) {
  xctx *x = d->x;
  const char *kind =
      deadline_said(x->rules, d->rules.items[c->prio])->said_kind;
  const char *s = x->s;
  interval from = {0}, to = {0};
  bool has_from = c->has[G_FROM] &&
                  parse_point(d, s + c->gs[G_FROM],
                              c->ge[G_FROM] - c->gs[G_FROM], &from);
  bool has_to = c->has[G_TO] &&
                parse_point(d, s + c->gs[G_TO], c->ge[G_TO] - c->gs[G_TO],
                            &to);
  if ((c->has[G_FROM] && !has_from) || (c->has[G_TO] && !has_to))
    return CCHC_OK;
  /* "từ tháng ba đến tháng sáu năm 2027": a start without a year takes
   * the end's. */
  if (has_from && has_to && from.inferred && !to.inferred && to.has_end) {
    int plan = d->plan_year;
    d->plan_year = to.end.y;
    has_from = parse_point(d, s + c->gs[G_FROM],
                           c->ge[G_FROM] - c->gs[G_FROM], &from);
    d->plan_year = plan;
    if (!has_from) return CCHC_OK;
  }
  /* A span from a day starts that day ("Từ 01/7/2025"). */
  if (has_from && !from.has_start && from.has_end) {
    from.has_start = true;
    from.start = from.end;
  }
  if (!strcmp(kind, "point")) {
    interval at;
    if (!c->has[G_AT] ||
        !parse_point(d, s + c->gs[G_AT], c->ge[G_AT] - c->gs[G_AT], &at))
      return CCHC_OK;
    return push(d, c, at.kind, &at, &at, NULL);
  }
  if (!strcmp(kind, "date")) {
    if (!c->has[G_DATES]) return CCHC_OK;
    interval *dates;
    size_t n;
    if (!parse_dates(d, s + c->gs[G_DATES], c->ge[G_DATES] - c->gs[G_DATES],
                     &dates, &n))
      return NOMEM(x);
    cchc_status st = CCHC_OK;
    for (size_t i = 0; i < n && st == CCHC_OK; i++)
      st = push(d, c, "date", NULL, &dates[i], NULL);
    free(dates);
    return st;
  }
  /* A range without `to` is open: "Từ 01/7/2025", "năm 2025 và các năm
   * tiếp theo". */
  if (!strcmp(kind, "range") && !has_from) return CCHC_OK;
  const char *recurrence = NULL;
  if (!strcmp(kind, "recurring") || !strcmp(kind, "continuous")) {
    recurrence = grain_of(d, s + c->start, c->end - c->start);
    if (!recurrence)
      recurrence = rule_attr(d->rules.items[c->prio], "recurrence");
  }
  /* Days of the year that recur ("trước ngày 01/6 và 15/11 hằng năm"):
   * one recurring deadline per day, without dates. */
  size_t times = 1;
  if (c->has[G_DATES]) {
    interval *dates;
    if (!parse_dates(d, s + c->gs[G_DATES], c->ge[G_DATES] - c->gs[G_DATES],
                     &dates, &times))
      return NOMEM(x);
    free(dates); /* only their number counts */
  }
  cchc_status st = CCHC_OK;
  for (size_t i = 0; i < times && st == CCHC_OK; i++)
    st = push(d, c, kind, has_from ? &from : NULL, has_to ? &to : NULL,
              recurrence);
  return st;
}

/* ---- driver -------------------------------------------------------------- */

/* Can a line of the text be a table cell (in_table)?  False when the
 * plan has no appendix and no '|': the where=table rules then keep
 * nothing, and are not run. */
static bool may_have_table(const xctx *x, const bool *app) {
  for (size_t i = 0; i < x->f->nsections; i++)
    if (app[i]) return true;
  return memchr(x->s, '|', x->n) != NULL;
}

/* Give back the places found here (words too dense for the text to keep)
 * that only the deadline rules want, once their walks are done: the
 * candidates grow meanwhile, and a long text has millions of places.
 * Those of the words of the nodeadline rules tried near them are kept for
 * find_zones; no walk points into d->places now.  The places the text
 * keeps stay, for the scans after (its memory peaks elsewhere). */
bool deadlines_zone_words_unlisted = false;

static void places_release(dctx *d) {
  rule_list zr = rules_select(d->x->rules, "nodeadline.", NULL);
  /* the words of the nodeadline rules tried near them, listed once: each
   * place was compared with every such rule's words, and whether the rule
   * is tried near them asked again (without memory: asked as before) */
  enum { ZONE_WORDS = 96 }; /* (9 rules of up to 8 words: the shipped set) */
  const rule_literal *few[ZONE_WORDS];
  size_t room = zr.n * RULE_ANCHOR_ALTS;
  const rule_literal **zw = deadlines_zone_words_unlisted ? NULL
                            : room <= ZONE_WORDS
                                ? few
                                : malloc((room + 1) * sizeof *zw);
  size_t nzw = 0;
  for (size_t j = 0; zw && j < zr.n; j++) {
    const rule_facts *f = &zr.items[j]->facts;
    if (f->nanchor && (near_zone_words(d, zr.items[j]) ||
                       zone_near_windows(zr.items[j])))
      for (size_t k = 0; k < f->nanchor; k++) zw[nzw++] = f->anchor[k];
  }
  size_t kept = 0;
  for (size_t i = 0; i < d->nplaces; i++) {
    word_places *p = &d->places[i];
    bool wanted = false;
    for (size_t k = 0; k < nzw && !wanted; k++) wanted = zw[k] == p->word;
    for (size_t j = 0; !zw && j < zr.n && !wanted; j++) {
      const rule_facts *f = &zr.items[j]->facts;
      for (size_t k = 0; k < f->nanchor && !wanted; k++)
        wanted = f->anchor[k] == p->word &&
                 (near_zone_words(d, zr.items[j]) ||
                  zone_near_windows(zr.items[j]));
    }
    const rule_literals *set = &d->x->rules->literals;
    uint32_t *slot = d->place_index && p->word->set == set &&
                             p->word->id < set->n
                         ? &d->place_index[p->word->id]
                         : NULL;
    if (slot) *slot = wanted ? (uint32_t)kept + 1 : 0;
    if (wanted) {
      d->places[kept++] = *p;
    } else {
      free(p->at); /* those the text keeps stay: later scans ask */
      free(p->win);
    }
  }
  d->nplaces = kept;
  if (zw != few) free(zw); /* (free(NULL) when unlisted) */
}

typedef struct cands {
  cand *v;
  size_t n, cap;
} cands;

/* Keep the match of deadline rule i (r) in x->md as a candidate, but an
 * empty one, or one outside the table cells a where=table rule wants;
 * *pos moves past it.  False when out of memory. */
static bool keep_match(xctx *x, const bool *app, const rule *r, size_t i,
                       bool table, cands *cs, size_t *pos) {
  size_t ms = match_start(x->md), me = match_end(x->md);
  *pos = next_from(x->s, x->n, ms, me);
  if (me == ms || (table && !in_table(x, app, ms))) return true;
  void *grown = cchc_grow(cs->v, &cs->cap, cs->n, sizeof *cs->v);
  if (!grown) return false;
  cs->v = grown;
  cand *k = &cs->v[cs->n++];
  memset(k, 0, sizeof *k);
  k->start = (uint32_t)ms;
  k->end = (uint32_t)me;
  k->prio = (uint16_t)i;
  for (int g = 0; g < NGROUPS; g++) {
    size_t gs = 0, ge = 0;
    k->has[g] = rule_group(r, x->md, group_names[g], &gs, &ge);
    k->gs[g] = (uint32_t)gs;
    k->ge[g] = (uint32_t)ge;
  }
  return true;
}


/* A deadline rule tried near its words: its walk, and where its search
 * stands. */
typedef struct near_rule {
  size_t i; /* in the deadline rules */
  bool table;
  near_walk nw;
  size_t pos;
} near_rule;

/* The rule named by r's gate (set: gate=ID), or NULL when r has none (or
 * ID names no rule: a test checks that each names one). */
static const rule *gate_rule(const dctx *d, const rule *r) {
  return deadline_said(d->x->rules, r)->said_gate;
}

/* The walk of r's gate in *out, NULL when r has none; r's first bytes
 * join those its gate's walk tries at.  The walks of a plan's gates are
 * made here, at most one per deadline rule that names a gate, before any
 * is pointed to (d->gates stays put), and the places of a gate's words
 * are found before (near_start points into d->places).  False when out
 * of memory. */
static bool gate_of(dctx *d, const rule *r, gate_walk **out) {
  const rule *g = gate_rule(d, r);
  *out = NULL;
  if (!g) return true;
  gate_walk *w = NULL;
  for (size_t i = 0; i < d->ngates && !w; i++)
    if (d->gates[i].gate == g) w = &d->gates[i];
  if (!w) {
    if (!d->gates) {
      size_t gated = 0;
      for (size_t i = 0; i < d->rules.n; i++)
        gated += gate_rule(d, d->rules.items[i]) != NULL;
      if (!(d->gates = malloc(gated * sizeof *d->gates))) return false;
    }
    w = &d->gates[d->ngates];
    *w = (gate_walk){.gate = g, .near = near_anchors(g)};
    if (w->near && !near_start(d, g, &w->nw)) return false;
    w->nw.opens = w->opens;
    d->ngates++;
  }
  /* (a byte's first[] is not 0 when a match may start with it) */
  if (!r->facts.has_first) memset(w->opens, 1, sizeof w->opens);
  for (size_t c = 0; r->facts.has_first && c < sizeof w->opens; c += 8) {
    uint64_t o, b;
    memcpy(&o, w->opens + c, 8);
    memcpy(&b, r->facts.first + c, 8);
    o |= b;
    memcpy(w->opens + c, &o, 8);
  }
  *out = w;
  return true;
}

/* Where table cells may stand (in_table), as sorted, disjoint stretches
 * of whole lines in *out (malloc'd; NULL when none): the lines of the
 * appendix, and those within reach of a line with '|' (pipe_cell), more
 * than are cells.  Read line by line, the lines with '|' found as the
 * walk nears them: nothing is held per line (a long text has millions).
 * False when out of memory. */
static bool cell_stretches(const xctx *x, const bool *app, zone **out,
                           size_t *nout) {
  enum { REACH = 3 }; /* as pipe_cell */
  zone *z = NULL;
  size_t n = 0, cap = 0;
  /* the last line with '|' up to li + REACH (SIZE_MAX: none yet), and the
   * next one after it (SIZE_MAX: none) */
  size_t last = SIZE_MAX, next = SIZE_MAX;
  const char *p = memchr(x->s, '|', x->n);
  /* the line of a '|': walked to from the line before (a line's break
   * belongs to it), where a search by offset cost a binary search for
   * each line with '|' (a crawled table's rows): the walk passes each
   * line once in all */
  if (p)
    for (next = 0; xline_end(x, next) < (size_t)(p - x->s);) next++;
  for (size_t li = 0; li < x->nlines; li++) {
    while (next != SIZE_MAX && next <= li + REACH) {
      last = next;
      size_t from = xline_end(x, last) + 1; /* its other '|' add none */
      p = from < x->n ? memchr(x->s + from, '|', x->n - from) : NULL;
      if (!p) next = SIZE_MAX;
      else
        for (next = last + 1; xline_end(x, next) < (size_t)(p - x->s);)
          next++;
    }
    int sec = x->lines[li].section;
    bool maybe = (sec >= 0 && (size_t)sec < x->f->nsections && app[sec]) ||
                 (li >= x->first_section_line && last != SIZE_MAX &&
                  last + REACH >= li);
    if (!maybe) continue;
    size_t a = xline_start(x, li);
    size_t b = li + 1 < x->nlines ? xline_start(x, li + 1) : x->n;
    if (n && z[n - 1].end == a) {
      z[n - 1].end = b;
      continue;
    }
    void *grown = cchc_grow(z, &cap, n, sizeof *z);
    if (!grown) {
      free(z);
      return false;
    }
    z = grown;
    z[n++] = (zone){a, b};
  }
  *out = z;
  *nout = n;
  return true;
}

bool deadlines_cell_stretches(xctx *x, size_t **out, size_t *nout) {
  bool *app = appendix_sections(x);
  zone *z = NULL;
  size_t n = 0;
  bool ok = app && cell_stretches(x, app, &z, &n);
  size_t *v = ok ? malloc((2 * n + 1) * sizeof *v) : NULL;
  for (size_t i = 0; v && i < n; i++) v[2 * i] = z[i].start, v[2 * i + 1] = z[i].end;
  free(z);
  free(app);
  *out = v;
  *nout = v ? n : 0;
  return v != NULL;
}

/* The matches of where=table rule r (deadline rule i) in the stretches
 * where cells may stand (cs): its search as a scan of the whole text, but
 * none after the last stretch, and none of the text between stretches
 * but after its last barrier byte.  A match that starts before a barrier
 * byte ends before it, so what the whole text's search finds after that
 * byte is what a search from there finds; the matches it skips are
 * outside the cells, which keep_match drops.  False when out of memory. */
static bool scan_cells(xctx *x, const bool *app, const rule *r, size_t i,
                       const zone *st, size_t nst, cands *cs) {
  barrier_bytes bb;
  barrier_bytes_of(r->facts.barrier & ~rule_ascii_features['0'], &bb);
  size_t k = 0;
  for (size_t pos = 0; pos < x->n;) {
    while (k < nst && st[k].end <= pos) k++;
    if (k == nst) break; /* the rest holds no cell */
    if (pos < st[k].start)
      pos = stretch_start(x, &bb, pos, st[k].start, st[k].start - pos);
    if (!rule_scan(r, &x->scan, x->n, pos, x->md)) break;
    if (!keep_match(x, app, r, i, true, cs, &pos)) return false;
  }
  return true;
}

/* ---- table cells by their openings ---- */

/* Past the group that opens at p ("("), or NULL when not read. */
static const char *group_past(const char *p) {
  int depth = 0;
  while (*p) {
    if (p[0] == '\\') {
      if (!p[1] || p[1] == 'Q') return NULL;
      p += 2;
    } else if (p[0] == '[') {
      if (!(p = rule_class_past(p + 1))) return NULL;
    } else {
      if (*p == '(') depth++;
      if (*p == ')' && --depth == 0) return p + 1;
      p++;
    }
  }
  return NULL;
}

/* A match opens at a line start (multiline "^": the text's start or after
 * a '\n', the newline PCRE2 was built with being LF), or after a '|' with
 * the lookbehind; the lookbehinds before only narrow that.  "[ \t]*" then
 * takes every blank when the rest cannot start with one, so the byte after
 * the blanks is one the rest starts with: PCRE2's own first code unit or
 * start bitmap of the rest compiled alone (with the rule's options), which
 * its searches skip by.  A rest that may match nothing has none. */
bool deadline_opening_read(const rule *r, bool *pipes, uint64_t bytes[4]) {
  static const char pipe_or_line[] = "(?:^|(?<=\\|))", blanks[] = "[ \\t]*";
  const char *p = r->pattern;
  uint32_t options = 0, newline = 0;
  memset(bytes, 0, 4 * sizeof *bytes);
  if (!p || !r->code || strncmp(p, "(?m)", 4) ||
      pcre2_pattern_info(r->code, PCRE2_INFO_ARGOPTIONS, &options) ||
      pcre2_pattern_info(r->code, PCRE2_INFO_NEWLINE, &newline) ||
      newline != PCRE2_NEWLINE_LF ||
      (options & (PCRE2_EXTENDED | PCRE2_EXTENDED_MORE | PCRE2_LITERAL |
                  PCRE2_ALT_CIRCUMFLEX | PCRE2_NO_START_OPTIMIZE)))
    return false;
  p += 4;
  while (!strncmp(p, "(?<!", 4) || !strncmp(p, "(?<=", 4))
    if (!(p = group_past(p))) return false;
  *pipes = !strncmp(p, pipe_or_line, sizeof pipe_or_line - 1);
  if (*pipes) p += sizeof pipe_or_line - 1;
  else if (*p == '^') p++;
  else return false;
  if (strncmp(p, blanks, sizeof blanks - 1)) return false;
  p += sizeof blanks - 1;
  int error;
  PCRE2_SIZE at;
  pcre2_code *rest = pcre2_compile((PCRE2_SPTR)p, PCRE2_ZERO_TERMINATED,
                                   options, &error, &at, NULL);
  if (!rest) return false;
  uint32_t empty = 1, type = 0, unit = 0;
  const uint8_t *map = NULL;
  bool read = !pcre2_pattern_info(rest, PCRE2_INFO_MATCHEMPTY, &empty) &&
              !empty &&
              !pcre2_pattern_info(rest, PCRE2_INFO_FIRSTCODETYPE, &type);
  if (read && type == 1) {
    pcre2_pattern_info(rest, PCRE2_INFO_FIRSTCODEUNIT, &unit);
    /* a letter in either case: PCRE2 may match the first one without */
    read = unit < 0x80;
    bool letter = (unit | 0x20) >= 'a' && (unit | 0x20) <= 'z';
    if (read) bytes[unit / 64] |= (uint64_t)1 << (unit % 64);
    if (read && letter)
      bytes[(unit ^ 0x20) / 64] |= (uint64_t)1 << ((unit ^ 0x20) % 64);
  } else if (read &&
             !pcre2_pattern_info(rest, PCRE2_INFO_FIRSTBITMAP, &map) && map) {
    for (unsigned c = 0; c < 256; c++)
      if (map[c / 8] >> (c % 8) & 1) bytes[c / 64] |= (uint64_t)1 << (c % 64);
  } else if (read) {
    /* PCRE2 knows none where the rest opens with \d (in UCP mode, any
     * decimal digit): the words and digits every branch opens with */
    rule_start_words *sw = NULL;
    read = rule_start_words_read(p, options, &sw);
    for (unsigned c = 0; read && c < 256; c++)
      if (sw->first[c]) bytes[c / 64] |= (uint64_t)1 << (c % 64);
    free(sw);
  }
  pcre2_code_free(rest);
  /* a blank may start the rest: "[ \t]*" may leave it some */
  return read && !(bytes[0] >> ' ' & 1) && !(bytes[0] >> '\t' & 1);
}

/* deadline_opening_read of r, read once for every worker; false when
 * not so. */
static bool opening_of(const rule *r) {
  static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
  rule *w = (rule *)r; /* the one part of the shared rule written, once */
  unsigned char st =
      atomic_load_explicit(&w->opening_state, memory_order_acquire);
  if (!st) {
    bool pipes = false;
    uint64_t bytes[4];
    bool read = deadline_opening_read(r, &pipes, bytes);
    pthread_mutex_lock(&lock);
    st = atomic_load_explicit(&w->opening_state, memory_order_relaxed);
    if (!st) {
      w->opening_pipes = pipes;
      memcpy(w->opening_bytes, bytes, sizeof bytes);
      st = read ? 2 : 1;
      atomic_store_explicit(&w->opening_state, st, memory_order_release);
    }
    pthread_mutex_unlock(&lock);
  }
  return st == 2;
}

bool deadlines_cells_by_scan = false;

/* A where=table rule searched at the openings of lines and cells
 * (opening_of), and where its search stands. */
typedef struct opening_scan {
  const rule *r;
  size_t i; /* in the deadline rules */
  size_t pos;
  barrier_bytes bb;
} opening_scan;
enum { OPENING_RULES = 32 };

/* The matches of the where=table rules o[0, no) (no <= OPENING_RULES)
 * that open at a line or cell opening (opening_of), as scan_cells finds
 * them: each rule's matches start only at openings, so its search from
 * a position finds the first opening after it where the rule matches
 * there; those whose byte after the blanks starts no match are not
 * tried.  The rules walk the openings of each stretch (cs) together,
 * each from where its search stands (from its last barrier byte before
 * the stretch, as scan_cells); past a stretch, a rule stands at its end
 * (what scan_cells would find after it, in the text between, is found
 * from the next stretch's barrier byte: a match holds none).  False when
 * out of memory. */
static bool scan_openings(xctx *x, const bool *app, opening_scan *o,
                          size_t no, const zone *st, size_t nst, cands *cs) {
  const unsigned char *u = (const unsigned char *)x->s;
  /* the rules whose matches a byte after the blanks may open */
  uint32_t at_line[256] = {0}, at_pipe[256] = {0};
  for (size_t j = 0; j < no; j++) {
    barrier_bytes_of(o[j].r->facts.barrier & ~rule_ascii_features['0'],
                     &o[j].bb);
    for (unsigned h = 0; h < 4; h++)
      for (uint64_t m = o[j].r->opening_bytes[h]; m; m &= m - 1) {
        unsigned c = 64 * h + (unsigned)__builtin_ctzll(m);
        at_line[c] |= (uint32_t)1 << j;
        if (o[j].r->opening_pipes) at_pipe[c] |= (uint32_t)1 << j;
      }
  }
  /* the next '|' at or after the opening (x->n: none; SIZE_MAX: not
   * looked for yet) */
  size_t pipe = SIZE_MAX;
  for (size_t k = 0; k < nst; k++) {
    size_t from = SIZE_MAX, end = st[k].end;
    for (size_t j = 0; j < no; j++) {
      if (o[j].pos < st[k].start)
        o[j].pos = stretch_start(x, &o[j].bb, o[j].pos, st[k].start,
                                 st[k].start - o[j].pos);
      if (o[j].pos < end && o[j].pos < from) from = o[j].pos;
    }
    if (from == SIZE_MAX) continue;
    /* each opening from the line of `from` on: a line's start, then the
     * '|' in it */
    const unsigned char *ls = from ? memrchr(u, '\n', from) : NULL;
    size_t q = ls ? (size_t)(ls - u) + 1 : 0;
    for (bool line = true; q < end;) {
      if (q >= from) {
        size_t b = q;
        while (b < x->n && (u[b] == ' ' || u[b] == '\t')) b++;
        for (uint32_t m = b < x->n ? (line ? at_line : at_pipe)[u[b]] : 0; m;
             m &= m - 1) {
          opening_scan *w = &o[__builtin_ctz(m)];
          if (w->pos <= q && xmatch_at(x, w->r, x->s, x->n, q) &&
              !keep_match(x, app, w->r, w->i, true, cs, &w->pos))
            return false;
        }
      }
      /* the next opening: after the next '|' or '\n' */
      if (pipe == SIZE_MAX || pipe < q) {
        const unsigned char *p = memchr(u + q, '|', x->n - q);
        pipe = p ? (size_t)(p - u) : x->n;
      }
      const unsigned char *nl =
          memchr(u + q, '\n', (pipe < end ? pipe : end) - q);
      if (nl) {
        q = (size_t)(nl - u) + 1, line = true;
      } else if (pipe < end) {
        q = pipe + 1, line = false;
      } else {
        break;
      }
    }
    for (size_t j = 0; j < no; j++)
      if (o[j].pos < end) o[j].pos = end;
  }
  return true;
}

/* Every match of the deadline rules, in no order, but those outside the
 * table cells a where=table rule wants. */
static cchc_status collect(dctx *d, rule_list rs, const bool *app, cand **out,
                           size_t *nout) {
  xctx *x = d->x;
  cands cs = {0};
  near_rule *nr = malloc((rs.n ? rs.n : 1) * sizeof *nr);
  size_t nnear = 0, ncells = 0;
  zone *cells = NULL; /* cell_stretches, when a table rule scans */
  opening_scan *open = NULL; /* table rules tried at openings */
  size_t nopen = 0;
  bool tables = may_have_table(x, app), celled = false;
  if (!nr || !words_find(d, rs, rules_select(x->rules, "nodeadline.", NULL),
                         tables))
    goto nomem;
  for (size_t i = 0; i < rs.n; i++) {
    const rule *r = rs.items[i]; /* its kind is known: the loader checks */
    bool table = deadline_said(x->rules, r)->said_table;
    if (table && !tables) continue;
    if (deadline_walk_wants(x->rules, r) || near_ranged(x->rules, r)) {
      /* every word's places first: near_start points into d->places */
      for (size_t k = 0; k < r->facts.nanchor; k++)
        if (places_of(d, r->facts.anchor[k]) == SIZE_MAX) goto nomem;
      const rule *g = gate_rule(d, r); /* and its gate's (gate_of) */
      for (size_t k = 0; g && near_anchors(g) && k < g->facts.nanchor; k++)
        if (places_of(d, g->facts.anchor[k]) == SIZE_MAX) goto nomem;
      nr[nnear++] = (near_rule){.i = i, .table = table};
      continue;
    }
    if (table) {
      if (!celled && !cell_stretches(x, app, &cells, &ncells)) goto nomem;
      celled = true;
      if (!deadlines_cells_by_scan && nopen < OPENING_RULES &&
          opening_of(r)) {
        if (!open && !(open = malloc(OPENING_RULES * sizeof *open)))
          goto nomem;
        open[nopen++] = (opening_scan){.r = r, .i = i};
      } else if (!scan_cells(x, app, r, i, cells, ncells, &cs)) {
        goto nomem;
      }
      continue;
    }
    for (size_t pos = 0;
         pos < x->n && rule_scan(r, &x->scan, x->n, pos, x->md);)
      if (!keep_match(x, app, r, i, table, &cs, &pos)) goto nomem;
  }
  if (nopen && !scan_openings(x, app, open, nopen, cells, ncells, &cs))
    goto nomem;
  free(open);
  open = NULL;
  free(cells);
  cells = NULL;
  for (size_t j = 0; j < nnear; j++)
    if (!near_start(d, rs.items[nr[j].i], &nr[j].nw) ||
        !gate_of(d, rs.items[nr[j].i], &nr[j].nw.gate))
      goto nomem;
  /* the words two rules walk back from at one distance keep their
   * windows (window_at) */
  for (size_t j = 0; j < nnear; j++) {
    const rule_facts *f = &rs.items[nr[j].i]->facts;
    for (size_t k = 0; !nr[j].nw.ranged && k < f->nanchor; k++) {
      word_places *w = nr[j].nw.w[k];
      if (!f->anchor_bytes[k] && !f->anchor_runs[k]) continue;
      if (!w->win_seen) {
        w->win_seen = true;
        w->win_bytes = f->anchor_bytes[k];
        w->win_runs = f->anchor_runs[k];
      } else if (w->win_bytes == f->anchor_bytes[k] &&
                 w->win_runs == f->anchor_runs[k]) {
        w->win_shared = w->n <= UINT32_MAX / 2;
      }
    }
  }
  for (size_t limit = 0; limit < x->n;) {
    limit = x->n - limit > NEAR_STRETCH ? limit + NEAR_STRETCH : x->n;
    for (size_t j = 0; j < nnear; j++) {
      near_rule *w = &nr[j];
      const rule *r = rs.items[w->i];
      while (w->pos < x->n && near_match(x, r, &w->nw, w->pos, limit))
        if (!keep_match(x, app, r, w->i, w->table, &cs, &w->pos)) goto nomem;
    }
    /* every rule has tried the gates' places before the limit */
    for (size_t i = 0; i < d->ngates; i++) d->gates[i].n = 0;
  }
  free(nr);
  places_release(d);
  /* held while the deadlines are made */
  *out = cchc_shrink(cs.v, &cs.cap, cs.n, sizeof *cs.v);
  *nout = cs.n;
  return CCHC_OK;
nomem:
  free(nr);
  free(cells);
  free(open);
  free(cs.v);
  return NOMEM(x);
}

static cchc_status deadlines_find(xctx *x) {
  dctx d = {.x = x};
  rule_list rs = rules_select(x->rules, "deadline.", NULL);
  if (rs.n > UINT16_MAX) /* (a candidate holds its rule in 16 bits) */
    return cchc_fail(x->err, CCHC_ERR_INVALID, "more than %u deadline rules",
                     (unsigned)UINT16_MAX);
  d.rules = rs;
  d.points = rules_select(x->rules, "point.", NULL);
  d.grains = rules_select(x->rules, "grain.", NULL);
  d.words = rules_select(x->rules, "numword.", NULL);
  if (!rs.n) return CCHC_OK;
  d.plan_year = plan_year(x);
  d.md = rules_match_data(x->rules);
  /* (without memory for it the list is searched) */
  d.place_index = calloc(x->rules->literals.n + 1, sizeof *d.place_index);
  bool *app = appendix_sections(x);
  zone *z = NULL;
  size_t nz = 0, nc = 0;
  cand *c = NULL;
  cchc_status st = CCHC_OK;
  if (!d.md || !app) {
    st = NOMEM(x);
    goto done;
  }
  if ((st = collect(&d, rs, app, &c, &nc)) != CCHC_OK) goto done;
  if (nc) qsort(c, nc, sizeof *c, cmp_cand_start);
  /* candidates in a nodeadline zone are no deadlines */
  if ((st = find_zones(&d, c, nc, &z, &nz)) != CCHC_OK) goto done;
  size_t kept = 0;
  for (size_t i = 0; i < nc; i++)
    if (!in_zone(z, nz, c[i].start, c[i].end)) c[kept++] = c[i];
  nc = kept;
  if ((st = resolve_overlaps(x, c, nc)) != CCHC_OK) goto done;
  for (size_t i = 0; i < nc && st == CCHC_OK; i++)
    if (c[i].keep) st = emit(&d, &c[i]);
done:
  free(c);
  free(z);
  free(app);
  pcre2_match_data_free(d.md);
  if (d.spell) unum_close(d.spell);
  for (size_t i = 0; i < d.nplaces; i++) {
    free(d.places[i].at);
    free(d.places[i].win);
  }
  free(d.places);
  free(d.place_index);
  free(d.walked);
  free(d.points_known);
  for (size_t i = 0; i < d.ngates; i++) free(d.gates[i].at);
  free(d.gates);
  return st;
}

/* The deadlines, then the province's vote (meta.c), whose rules' words
 * the deadlines' walk of the text found (words_find): no pass between
 * reads the province. */
cchc_status extract_deadlines(xctx *x) {
  cchc_status st = deadlines_find(x);
  if (st != CCHC_OK) return st;
  meta_province_vote(x);
  return x->f->failed ? NOMEM(x) : CCHC_OK;
}

/* ---- lookups for the task passes ----------------------------------------- */

/* The first deadline whose span starts at or after `at`: deadlines are
 * emitted in text order. */
static size_t first_deadline_from(const cchc_frame *f, size_t at) {
  size_t lo = 0, hi = f->ndeadlines;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (f->deadlines[mid].span.start >= at) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

bool deadline_recurs(const xctx *x, int i) {
  return i >= 0 && !strcmp(x->f->deadlines[i].kind, "recurring");
}

int deadline_within(const xctx *x, size_t a, size_t b) {
  const cchc_frame *f = x->f;
  int periodic = -1;
  for (size_t i = first_deadline_from(f, a);
       i < f->ndeadlines && f->deadlines[i].span.start < b; i++) {
    if (f->deadlines[i].span.end > b) continue;
    if (!deadline_recurs(x, (int)i)) return (int)i;
    if (periodic < 0) periodic = (int)i;
  }
  return periodic;
}

bool deadline_overlaps(const xctx *x, size_t a, size_t b) {
  const cchc_frame *f = x->f;
  size_t i = first_deadline_from(f, a);
  if (i < f->ndeadlines && f->deadlines[i].span.start < b) return true;
  /* one starting before may reach into the span: spans of one list of
   * dates are shared, so look back over equal starts too */
  while (i > 0) {
    const frame_deadline *d = &f->deadlines[--i];
    if (d->span.end > a) return true;
    if (i > 0 && f->deadlines[i - 1].span.start != d->span.start) break;
  }
  return false;
}
