/* sections.c: the section tree from the plan's numbering.
 *
 * Like a Markdown list parser, depth comes from the order in which
 * numbering styles first appear (I. then 1. then 1.1. then a)), kept on a
 * stack: a style already on the stack closes the deeper ones, a new style
 * opens a level.  This tolerates the plans' numbering mistakes (a missing
 * level, "1.1" without its final dot) without a fixed grammar.  A style is
 * the kind of numbering (Roman, arabic, letter, decimal depth), not its
 * punctuation: "1." and "1)", "a)" and "a/", "I." and "I -" are one level,
 * and a section's number is printed without it ("II", "1.2", "a"), so a
 * plan renumbered in another style gives the same tree. */
#include "extract.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/uchar.h>
#include <unicode/utf8.h>

/* A heading that reads like a title, not a numbered paragraph: short. */
static bool heading_like(size_t len) { return len <= 160; }

/* A heading ends before the punctuation some plans close it with
 * ("Mục đích:", "Tổ chức thực hiện."): with or without it, one heading. */
static void heading_trim(const char *s, size_t hs, size_t *he) {
  while (*he > hs && (s[*he - 1] == ' ' || s[*he - 1] == '.' ||
                      s[*he - 1] == ':' || s[*he - 1] == ';'))
    (*he)--;
}

/* Marker style of a rule: its `marker`, else its id. */
static const char *marker_of(const rule *r) {
  const char *m = rule_attr(r, "marker");
  return m ? m : r->id;
}

/* Decimal markers nest by their number of parts: 1.1 under 1., 2.2.1 under
 * 2.2; give each depth its own style.  `num` is the number without its
 * final punctuation ("2.2.1"): the depth's index in DECIMAL_STYLES. */
static const char *const decimal_styles[] = {"decimal2", "decimal3",
                                             "decimal4", "decimal5"};
enum { DECIMAL_STYLES = 4 };
static size_t decimal_depth(const char *num, size_t n) {
  size_t dots = 0;
  for (size_t i = 0; i < n; i++)
    dots += num[i] == '.';
  if (dots < 1) dots = 1;
  if (dots > DECIMAL_STYLES) dots = DECIMAL_STYLES;
  return dots - 1;
}

/* The number of style name `name` of a section rule of marks: styles are
 * compared as numbers while the lines are walked.  The decimal depths
 * are 0 to DECIMAL_STYLES - 1 (decimal_styles), a rule's marker
 * DECIMAL_STYLES and up, by the first rule of marks with that marker. */
static int style_number(rule_list marks, const char *name) {
  for (size_t k = 0; k < DECIMAL_STYLES; k++)
    if (!strcmp(decimal_styles[k], name)) return (int)k;
  size_t i = 0;
  while (i < marks.n && strcmp(marker_of(marks.items[i]), name)) i++;
  return (int)(DECIMAL_STYLES + i);
}

/* Section rule r of marks (the set's section rules) with its mark_*
 * fields read: the walk asked its attributes and compared its style with
 * the others' by name at every plan (some 200 string compares of a
 * plan of four lines). */
static const rule *section_mark_read(rule_list marks, const rule *r);
static inline const rule *section_mark(rule_list marks, const rule *r) {
  if (atomic_load_explicit(&((rule *)r)->mark_state, memory_order_acquire))
    return r;
  return section_mark_read(marks, r);
}

__attribute__((noinline)) static const rule *
section_mark_read(rule_list marks, const rule *r) {
  static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
  rule *w = (rule *)r; /* the one part of the shared rule written, once */
  const char *table = rule_attr(r, "table");
  const char *header = rule_attr(r, "header");
  const char *style = marker_of(r);
  int number = style_number(marks, style);
  pthread_mutex_lock(&lock);
  if (!atomic_load_explicit(&w->mark_state, memory_order_relaxed)) {
    w->mark_style = number;
    w->mark_body = !(table && !strcmp(table, "only"));
    w->mark_opens_appendix = !strcmp(style, "appendix");
    w->mark_appendix = table || w->mark_opens_appendix;
    w->mark_decimal = !strcmp(style, "decimal");
    w->mark_continues = header && !strcmp(header, "continues");
    atomic_store_explicit(&w->mark_state, 1, memory_order_release);
  }
  pthread_mutex_unlock(&lock);
  return r;
}

const rule *xsection_mark(rule_list marks, const rule *r) {
  return section_mark(marks, r);
}

/* Every heading is asked each area rule, and a heading names an area
 * rarely: a rule runs on a heading only when the heading holds, for each
 * clause of the rule's facts.lits, one of its words, as every match of the
 * rule does.  A caseless word is looked for in the heading folded to one
 * case (ICU's simple case folding: the letters PCRE2 matches without case
 * fold alike), so a heading PCRE2 would find the word in holds it folded.
 * A word longer than AREA_WORD_MAX is not looked for (the clause passes). */
enum { AREA_WORD_MAX = 48, AREA_HEADING_MAX = 512 };

/* The pairs of adjacent bytes of a text, hashed into 256 bits: a word with
 * a pair the text lacks is not in it, told without a search (headings ask
 * some twenty words each, and most are missing). */
typedef struct pair_set {
  uint64_t w[4];
} pair_set;
static unsigned pair_hash(unsigned char a, unsigned char b) {
  return (((unsigned)a << 8 | b) * 0x9E3779B1u) >> 24;
}
static pair_set pairs_of(const char *s, size_t n) {
  pair_set p = {{0, 0, 0, 0}};
  for (size_t i = 1; i < n; i++) {
    unsigned h = pair_hash((unsigned char)s[i - 1], (unsigned char)s[i]);
    p.w[h >> 6] |= (uint64_t)1 << (h & 63);
  }
  return p;
}
/* Are all of w's pairs in p? */
static bool pairs_within(const pair_set *w, const pair_set *p) {
  return !((w->w[0] & ~p->w[0]) | (w->w[1] & ~p->w[1]) |
           (w->w[2] & ~p->w[2]) | (w->w[3] & ~p->w[3]));
}

typedef struct area_word {
  bool read; /* the rest is read (area_word_read) */
  char text[AREA_WORD_MAX]; /* folded when caseless */
  uint8_t len;              /* 0: not looked for */
  bool caseless;
  pair_set pairs; /* of text */
} area_word;
typedef struct area_rule {
  const rule *r;
  const char *area;
  size_t nclauses;
  uint8_t nalts[RULE_LITS];
  area_word alts[RULE_LITS][RULE_LIT_ALTS];
} area_rule;

/* ICU's simple case folding of the letters of Vietnamese headings, read
 * once per process: Latin-1 to Latin Extended-B (two bytes, U+0080 to
 * U+024F, "Đ", "Ơ", "Ư") and Latin Extended Additional (three bytes E1
 * B8..BB, U+1E00 to U+1EFF, "Ệ"); a heading in capitals called u_foldCase
 * at most of its letters.  0: a fold that is not a BMP character
 * (asked of ICU). */
enum { FOLD_LATIN_END = 0x250, FOLD_EXT = 0x1E00, FOLD_EXT_END = 0x1F00 };
static uint16_t fold_latin[FOLD_LATIN_END], fold_ext[FOLD_EXT_END - FOLD_EXT];
static pthread_once_t fold_tables_once = PTHREAD_ONCE_INIT;

static uint16_t fold_of(UChar32 c) {
  UChar32 f = u_foldCase(c, U_FOLD_CASE_DEFAULT);
  return f > 0 && f <= 0xFFFF && !U_IS_SURROGATE(f) ? (uint16_t)f : 0;
}

static void fold_tables_read(void) {
  for (UChar32 c = 0x80; c < FOLD_LATIN_END; c++) fold_latin[c] = fold_of(c);
  for (UChar32 c = FOLD_EXT; c < FOLD_EXT_END; c++)
    fold_ext[c - FOLD_EXT] = fold_of(c);
}

/* The fold of the character at u[i] (n bytes) when a table holds it, and
 * its length in *len; else 0. */
static uint16_t fold_known(const uint8_t *u, size_t i, size_t n, int32_t *len) {
  if (u[i] >= 0xC2 && u[i] <= 0xC9 && n - i >= 2 &&
      (u[i + 1] & 0xC0) == 0x80) {
    *len = 2;
    return fold_latin[(u[i] & 0x1F) << 6 | (u[i + 1] & 0x3F)];
  }
  if (u[i] == 0xE1 && n - i >= 3 && u[i + 1] >= 0xB8 && u[i + 1] <= 0xBB &&
      (u[i + 2] & 0xC0) == 0x80) {
    *len = 3;
    return fold_ext[(u[i + 1] & 0x03) << 6 | (u[i + 2] & 0x3F)];
  }
  return 0;
}

/* s[0, n) folded to one case into out[0, cap): its length, or SIZE_MAX
 * when out is too small or s is not UTF-8. */
static size_t fold_case(const char *s, size_t n, char *out, size_t cap) {
  const uint8_t *u = (const uint8_t *)s;
  int32_t i = 0, o = 0;
  pthread_once(&fold_tables_once, fold_tables_read);
  while ((size_t)i < n) {
    if (u[i] < 0x80) { /* ASCII folds to ASCII: only A-Z change */
      if ((size_t)o >= cap) return SIZE_MAX;
      out[o++] = (char)(u[i] >= 'A' && u[i] <= 'Z' ? u[i] + 32 : u[i]);
      i++;
      continue;
    }
    int32_t len;
    uint16_t f = fold_known(u, (size_t)i, n, &len);
    if (f) {
      UBool bad = false;
      i += len;
      U8_APPEND((uint8_t *)out, o, (int32_t)cap, f, bad);
      if (bad) return SIZE_MAX;
      continue;
    }
    UChar32 c;
    U8_NEXT(u, i, (int32_t)n, c);
    if (c < 0) return SIZE_MAX;
    UBool bad = false;
    U8_APPEND((uint8_t *)out, o, (int32_t)cap, u_foldCase(c, U_FOLD_CASE_DEFAULT),
              bad);
    if (bad) return SIZE_MAX;
  }
  return (size_t)o;
}

/* fold_case of a heading with the pairs of its folded bytes (pairs_of) in
 * *p, in one pass: a heading's fold and its pairs cost as much as the
 * searches of its words.  On SIZE_MAX, *p is empty (pairs_of of none). */
static size_t fold_case_pairs(const char *s, size_t n, char *out, size_t cap,
                              pair_set *p) {
  const uint8_t *u = (const uint8_t *)s;
  size_t i = 0, o = 0;
  *p = (pair_set){{0, 0, 0, 0}};
  pthread_once(&fold_tables_once, fold_tables_read);
  /* the pair of out[o - 1] and b: a pair per byte after the first */
#define FOLD_PAIR_PUT(b)                                                 \
  do {                                                                   \
    unsigned char pb_ = (unsigned char)(b);                              \
    if (o) {                                                             \
      unsigned h_ = pair_hash((unsigned char)out[o - 1], pb_);           \
      p->w[h_ >> 6] |= (uint64_t)1 << (h_ & 63);                         \
    }                                                                    \
    out[o++] = (char)pb_;                                                \
  } while (0)
  while (i < n) {
    if (u[i] < 0x80) { /* ASCII folds to ASCII: only A-Z change */
      if (o >= cap) goto fail;
      FOLD_PAIR_PUT(u[i] >= 'A' && u[i] <= 'Z' ? u[i] + 32 : u[i]);
      i++;
      continue;
    }
    int32_t len;
    uint32_t c = fold_known(u, i, n, &len);
    if (c) {
      i += (size_t)len;
    } else {
      int32_t k = (int32_t)i;
      UChar32 d;
      U8_NEXT(u, k, (int32_t)n, d);
      if (d < 0) goto fail;
      i = (size_t)k;
      c = (uint32_t)u_foldCase(d, U_FOLD_CASE_DEFAULT);
    }
    /* as U8_APPEND writes c (a code point of ICU's fold: valid) */
    if (c <= 0x7F) {
      if (o >= cap) goto fail; /* (U8_APPEND writes it past cap) */
      FOLD_PAIR_PUT(c);
    } else if (c <= 0x7FF && o + 1 < cap) {
      FOLD_PAIR_PUT(c >> 6 | 0xC0);
      FOLD_PAIR_PUT((c & 0x3F) | 0x80);
    } else if ((c <= 0xD7FF || (c >= 0xE000 && c <= 0xFFFF)) && c > 0x7FF &&
               o + 2 < cap) {
      FOLD_PAIR_PUT(c >> 12 | 0xE0);
      FOLD_PAIR_PUT((c >> 6 & 0x3F) | 0x80);
      FOLD_PAIR_PUT((c & 0x3F) | 0x80);
    } else if (c > 0xFFFF && c <= 0x10FFFF && o + 3 < cap) {
      FOLD_PAIR_PUT(c >> 18 | 0xF0);
      FOLD_PAIR_PUT((c >> 12 & 0x3F) | 0x80);
      FOLD_PAIR_PUT((c >> 6 & 0x3F) | 0x80);
      FOLD_PAIR_PUT((c & 0x3F) | 0x80);
    } else {
      goto fail;
    }
  }
#undef FOLD_PAIR_PUT
  return o;
fail:
  *p = (pair_set){{0, 0, 0, 0}};
  return SIZE_MAX;
}

/* Does s[0, n) hold w[0, wn) (wn > 0)? */
static bool holds(const char *s, size_t n, const char *w, size_t wn) {
  for (const char *p = s, *e = s + n; (size_t)(e - p) >= wn;) {
    p = memchr(p, w[0], (size_t)(e - p) - wn + 1);
    if (!p) return false;
    if (!memcmp(p + 1, w + 1, wn - 1)) return true;
    p++;
  }
  return false;
}

/* Word k of clause c of a's rule, read at its first look: a heading
 * that holds no word of a clause is not asked the clauses after it, and
 * the first word found ends a clause, so most words of a plan's rules
 * are never looked for (folding and pairing them all cost ~10,000
 * instructions a plan). */
static const area_word *area_word_read(area_rule *a, size_t c, size_t k) {
  area_word *w = &a->alts[c][k];
  if (w->read) return w;
  const rule_literal *l = a->r->facts.lits[c][k];
  size_t ln = strlen(l->text);
  size_t wn = l->caseless ? fold_case(l->text, ln, w->text, sizeof w->text)
              : ln <= sizeof w->text ? (memcpy(w->text, l->text, ln), ln)
                                     : SIZE_MAX;
  w->caseless = l->caseless;
  w->len = wn == SIZE_MAX || wn == 0 ? 0 : (uint8_t)wn;
  w->pairs = pairs_of(w->text, w->len);
  w->read = true;
  return w;
}

/* The area rules with their words, read when first looked for (rules
 * without facts have no clause: they run on every heading); NULL without
 * memory. */
static area_rule *area_rules_read(rule_list areas) {
  /* (not zeroed: ~2 KB a rule, of which the words' few bytes are read) */
  area_rule *ar = malloc((areas.n ? areas.n : 1) * sizeof *ar);
  if (!ar) return NULL;
  for (size_t i = 0; i < areas.n; i++) {
    const rule_facts *f = &areas.items[i]->facts;
    area_rule *a = &ar[i];
    a->r = areas.items[i];
    a->area = rule_attr(a->r, "area");
    a->nclauses = f->nlits < RULE_LITS ? f->nlits : RULE_LITS;
    for (size_t c = 0; c < a->nclauses; c++) {
      a->nalts[c] = f->nalts[c] < RULE_LIT_ALTS ? f->nalts[c] : RULE_LIT_ALTS;
      for (size_t k = 0; k < a->nalts[c]; k++) a->alts[c][k].read = false;
    }
  }
  return ar;
}

/* May a's rule match heading s[0, n) (folded: folded[0, fn), or fn
 * SIZE_MAX when it could not be folded)?  False only when it cannot. */
static bool area_may_match(area_rule *a, const char *s, size_t n,
                           const char *folded, size_t fn,
                           const pair_set *folded_pairs) {
  for (size_t c = 0; c < a->nclauses; c++) {
    bool found = false;
    for (size_t k = 0; k < a->nalts[c] && !found; k++) {
      const area_word *w = area_word_read(a, c, k);
      if (!w->len || (w->caseless && fn == SIZE_MAX)) found = true;
      else if (w->caseless)
        found = pairs_within(&w->pairs, folded_pairs) &&
                holds(folded, fn, w->text, w->len);
      else found = holds(s, n, w->text, w->len);
    }
    if (!found) return false;
  }
  return true;
}

/* The area a heading names first: "... CHÍNH QUYỀN SỐ VÀ ÁP DỤNG ISO" is
 * about digital government before ISO.  Rule order breaks ties. */
static const char *heading_area(xctx *x, area_rule *ar, size_t nar,
                                const char *s, size_t n) {
  char folded[AREA_HEADING_MAX];
  pair_set fp;
  size_t fn = fold_case_pairs(s, n, folded, sizeof folded, &fp);
  const char *best = NULL;
  size_t best_at = n + 1;
  for (size_t i = 0; i < nar; i++)
    if (area_may_match(&ar[i], s, n, folded, fn, &fp) &&
        rule_exec(ar[i].r, s, n, 0, x->md)) {
      size_t at = pcre2_get_ovector_pointer(x->md)[0];
      if (at < best_at) {
        best_at = at;
        best = ar[i].area;
      }
    }
  return best;
}

/* The headings' areas, read after the walk over the lines from the words
 * of the text (rule_text_words): every word an area rule's matches hold
 * (rule_facts.lits) is of word bytes only (rule_literal_in_words), so it
 * lies inside one run of the text's words, and the distinct word of that
 * run holds it.  Which area words each distinct word of the headings
 * holds is read once per plan (rule_literals_in_words, its answers kept
 * by word for the texts after); a heading then holds the words of the
 * runs it touches, and a rule none of whose words of a clause it holds is
 * not run on it.  Each heading was folded to one case and searched for
 * the words of every rule (on 40 plans 1,560 headings, 5.5 M instructions
 * before the searches of the rules).  A rule with a word that is not of
 * word bytes, or past the 64 words told, is asked as before
 * (area_may_match); so is every rule when the text's words are not read
 * (a text past RULE_WORDS_TEXT_MAX, no memory). */
bool sections_area_words_off = false;

typedef struct area_words {
  const rule_literal *lits[64];
  size_t nlits;
  /* per rule: told, and for each clause the bits of its words */
  bool *told;
  uint64_t (*clause)[RULE_LITS];
  uint8_t *nclauses;
} area_words;

/* The bit of literal l among aw's words (added when new), or -1. */
static int area_word_bit(area_words *aw, const rule_literal *l) {
  if (!rule_literal_in_words(l)) return -1;
  for (size_t i = 0; i < aw->nlits; i++)
    if (aw->lits[i] == l) return (int)i;
  if (aw->nlits == 64) return -1;
  aw->lits[aw->nlits] = l;
  return (int)aw->nlits++;
}

/* The words of the area rules ar[0, nar); false without memory. */
static bool area_words_read(area_words *aw, const area_rule *ar, size_t nar) {
  aw->nlits = 0;
  aw->told = malloc((nar ? nar : 1) * sizeof *aw->told);
  aw->clause = malloc((nar ? nar : 1) * sizeof *aw->clause);
  aw->nclauses = malloc((nar ? nar : 1) * sizeof *aw->nclauses);
  if (!aw->told || !aw->clause || !aw->nclauses) return false;
  for (size_t i = 0; i < nar; i++) {
    const rule_facts *f = &ar[i].r->facts;
    bool told = true;
    size_t nc = f->nlits < RULE_LITS ? f->nlits : RULE_LITS;
    for (size_t c = 0; c < nc && told; c++) {
      uint64_t m = 0;
      told = f->nalts[c] > 0;
      for (size_t k = 0; k < f->nalts[c] && told; k++) {
        int b = area_word_bit(aw, f->lits[c][k]);
        if (b < 0) told = false;
        else m |= (uint64_t)1 << b;
      }
      aw->clause[i][c] = m;
    }
    aw->told[i] = told;
    aw->nclauses[i] = (uint8_t)nc;
  }
  return true;
}

static void area_words_free(area_words *aw) {
  free(aw->told);
  free(aw->clause);
  free(aw->nclauses);
}

/* A heading waiting for its area: section idx, canonical [hs, he). */
typedef struct pending_area {
  size_t idx, hs, he;
} pending_area;

/* The first run of w that may touch offset `at`: the last starting at or
 * before it (or the first). */
static size_t run_from(const rule_words *w, size_t at) {
  size_t lo = 0, hi = w->nruns;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (w->run_at[mid] <= at) lo = mid + 1;
    else hi = mid;
  }
  return lo ? lo - 1 : 0;
}

/* The areas of the headings p[0, np), into their sections: by the words
 * of the text when they are read, else each as heading_area.  False
 * without memory. */
static bool headings_areas(xctx *x, area_rule *ar, size_t nar,
                           const pending_area *p, size_t np) {
  cchc_frame *f = x->f;
  const rule_words *w = sections_area_words_off || !np || nar > 64
                            ? NULL
                            : rule_text_words(&x->scan);
  const uint32_t *id = w ? rule_text_word_ids(&x->scan) : NULL;
  area_words aw = {0};
  uint32_t *slot = NULL; /* distinct word -> its row in holds + 1 */
  size_t *at = NULL, nd = 0;
  uint32_t *len = NULL, *ids = NULL;
  uint64_t *holds = NULL;
  bool by_words = id && area_words_read(&aw, ar, nar) &&
                  (slot = calloc(w->nwords + 1, sizeof *slot));
  /* the distinct words of the headings' runs */
  for (size_t h = 0; by_words && h < np; h++)
    for (size_t k = run_from(w, p[h].hs);
         k < w->nruns && w->run_at[k] < p[h].he; k++)
      if (w->run_word[k] != RULE_NO_WORD && !slot[w->run_word[k]])
        slot[w->run_word[k]] = (uint32_t)++nd;
  if (by_words) {
    at = malloc((nd + 1) * sizeof *at);
    len = malloc((nd + 1) * sizeof *len);
    ids = malloc((nd + 1) * sizeof *ids);
    holds = calloc(nd + 1, sizeof *holds);
    by_words = at && len && ids && holds;
  }
  if (by_words) {
    for (size_t d = 0; d < w->nwords; d++)
      if (slot[d]) {
        at[slot[d] - 1] = w->at[d];
        len[slot[d] - 1] = w->len[d];
        ids[slot[d] - 1] = id[d];
      }
    by_words = rule_literals_in_words(aw.lits, aw.nlits, x->s, at, len, ids,
                                      nd, holds, 1);
  }
  for (size_t h = 0; h < np; h++) {
    const char *s = x->s + p[h].hs;
    size_t n = p[h].he - p[h].hs;
    if (!by_words) {
      f->sections[p[h].idx].area = heading_area(x, ar, nar, s, n);
      continue;
    }
    uint64_t has = 0;
    for (size_t k = run_from(w, p[h].hs);
         k < w->nruns && w->run_at[k] < p[h].he; k++)
      has |= w->run_word[k] == RULE_NO_WORD ? ~(uint64_t)0
                                             : holds[slot[w->run_word[k]] - 1];
    /* as heading_area: the area named first, rule order on a tie */
    char folded[AREA_HEADING_MAX];
    pair_set fp;
    size_t fn = 0;
    bool was_folded = false;
    const char *best = NULL;
    size_t best_at = n + 1;
    for (size_t i = 0; i < nar; i++) {
      bool may = true;
      if (aw.told[i]) {
        for (size_t c = 0; c < aw.nclauses[i] && may; c++)
          may = (has & aw.clause[i][c]) != 0;
      } else {
        if (!was_folded) {
          fn = fold_case_pairs(s, n, folded, sizeof folded, &fp);
          was_folded = true;
        }
        may = area_may_match(&ar[i], s, n, folded, fn, &fp);
      }
      if (may && rule_exec(ar[i].r, s, n, 0, x->md)) {
        size_t mat = pcre2_get_ovector_pointer(x->md)[0];
        if (mat < best_at) {
          best_at = mat;
          best = ar[i].area;
        }
      }
    }
    f->sections[p[h].idx].area = best;
  }
  area_words_free(&aw);
  free(slot);
  free(at);
  free(len);
  free(ids);
  free(holds);
  return true;
}

/* "s<n>" (n > 0) in the frame: a plan has thousands of sections, and a
 * printf per id cost as much as finding the section. */
static const char *section_id(cchc_frame *f, int n) {
  char buf[16];
  size_t at = sizeof buf;
  for (unsigned v = (unsigned)n; v; v /= 10) buf[--at] = (char)('0' + v % 10);
  buf[--at] = 's';
  return frame_strndup(f, buf + at, sizeof buf - at);
}

/* A section rule as the walk over the lines asks it, its attributes read
 * once: which part of the plan it numbers and its marker style. */
typedef struct mark {
  const rule *r;
  int style;           /* marker_of, numbered (style_number) */
  bool body, appendix; /* whether it is tried outside / in the appendix */
  bool decimal;        /* style "decimal": the depth of its number tells */
  bool opens_appendix; /* style "appendix" */
  bool continues;      /* `header=continues`: the header goes on after it */
} mark;

/* Which section rules a line may match, a bit each (file order), told
 * from its features and first byte alone (rule_may_match, rule_may_open),
 * as the walk over the lines asks for each: a plan has thousands of
 * lines of a few hundred kinds (rule_text.line_kind), and the facts of
 * each rule asked again at every line cost as much as the searches.  Only
 * for at most 63 rules (on). */
#define OPEN_UNREAD UINT64_MAX
typedef struct mark_sieve {
  bool on;
  uint64_t body, appendix; /* the rules tried outside / in the appendix */
  const mark *mk;          /* the rules (nmk of them) */
  size_t nmk;
  /* those a line of kind k may match (OPEN_UNREAD until a line of that
   * kind asks: most lines are told by their first byte), or NULL */
  uint64_t *by_kind;
  /* those a line opening with byte c may match, read at the first line
   * that opens with c (OPEN_UNREAD before: no rule has bit 63, the sieve
   * being on for 63 rules at most): a plan's lines open with a few dozen
   * bytes, and the whole table cost 256 bytes times the rules a plan */
  uint64_t open[256];
} mark_sieve;

/* The rules of mk[0, n) that may match a line with features `has`. */
static uint64_t marks_may_match(const mark *mk, size_t n, uint64_t has) {
  uint64_t m = 0;
  for (size_t i = 0; i < n; i++)
    if (rule_may_match(mk[i].r, has)) m |= (uint64_t)1 << i;
  return m;
}

/* False without memory. */
static bool mark_sieve_init(mark_sieve *sv, const xctx *x, const mark *mk,
                            size_t n) {
  memset(sv, 0, offsetof(mark_sieve, open));
  if (n > 63) return true;
  memset(sv->open, 0xFF, sizeof sv->open); /* OPEN_UNREAD */
  sv->on = true;
  sv->mk = mk;
  sv->nmk = n;
  for (size_t i = 0; i < n; i++) {
    uint64_t bit = (uint64_t)1 << i;
    if (mk[i].body) sv->body |= bit;
    if (mk[i].appendix) sv->appendix |= bit;
  }
  const rule_text *t = &x->scan;
  if (!t->line_kind) return true; /* too many kinds: asked at each line */
  if (!(sv->by_kind = malloc((t->nkinds ? t->nkinds : 1) * sizeof(uint64_t))))
    return false;
  memset(sv->by_kind, 0xFF, t->nkinds * sizeof(uint64_t)); /* OPEN_UNREAD */
  return true;
}

/* The rules a line opening with byte c may match: rule_may_open of c,
 * its test of the facts asked once a plan. */
static uint64_t sieve_open(mark_sieve *sv, unsigned char c) {
  if (sv->open[c] != OPEN_UNREAD) return sv->open[c];
  uint64_t m = 0;
  for (size_t i = 0; i < sv->nmk; i++) {
    const rule_facts *f = &sv->mk[i].r->facts;
    if (!f->has_first || !f->starts || !f->at_zero || f->after ||
        f->first[c] != 0)
      m |= (uint64_t)1 << i;
  }
  return sv->open[c] = m;
}

/* The rules a line of kind k may match, asked once a plan. */
static uint64_t sieve_kind(mark_sieve *sv, const rule_text *t, size_t k) {
  if (sv->by_kind[k] == OPEN_UNREAD)
    sv->by_kind[k] = marks_may_match(sv->mk, sv->nmk, t->kinds[k]);
  return sv->by_kind[k];
}

/* The rules of the sieve line li (s[0, n)) may match. */
static uint64_t mark_sieve_line(mark_sieve *sv, const xctx *x,
                                const mark *mk, size_t nmk, size_t li,
                                const char *s, size_t n, bool in_appendix) {
  const rule_text *t = &x->scan;
  uint64_t m = in_appendix ? sv->appendix : sv->body;
  if (n) m &= sieve_open(sv, (unsigned char)s[0]);
  if (!m) return 0;
  return m & (sv->by_kind ? sieve_kind(sv, t, t->line_kind[li])
                          : marks_may_match(mk, nmk, rule_line_has(t, li)));
}

cchc_status extract_sections(xctx *x) {
  rule_list marks = rules_select(x->rules, "section.", NULL);
  rule_list areas = rules_select(x->rules, "area.", NULL);
  cchc_frame *f = x->f;
  /* The open levels: each style is on the stack at most once, so the
   * styles there can be (the rules' markers and four decimal depths). */
  struct level {
    int style;
    int sec;
  } *stack = malloc((marks.n + DECIMAL_STYLES) * sizeof *stack);
  mark *mk = malloc((marks.n ? marks.n : 1) * sizeof *mk);
  area_rule *ar = area_rules_read(areas);
  if (!stack || !mk || !ar) {
    free(stack);
    free(mk);
    free(ar);
    return cchc_fail(x->err, CCHC_ERR_NOMEM, "out of memory");
  }
  /* The attributes the walk asks of a section rule, read once for the
   * rule set (section_mark) rather than at each section (a plan has
   * hundreds). */
  for (size_t i = 0; i < marks.n; i++) {
    const rule *r = section_mark(marks, marks.items[i]);
    mk[i] = (mark){.r = r,
                   .style = r->mark_style,
                   .body = r->mark_body,
                   .appendix = r->mark_appendix,
                   .decimal = r->mark_decimal,
                   .opens_appendix = r->mark_opens_appendix,
                   .continues = r->mark_continues};
  }
  mark_sieve sv;
  if (!mark_sieve_init(&sv, x, mk, marks.n)) {
    free(stack);
    free(mk);
    free(ar);
    return cchc_fail(x->err, CCHC_ERR_NOMEM, "out of memory");
  }
  int depth = 0;
  bool in_appendix = false;
  pending_area *pending = NULL;
  size_t npending = 0, cap_pending = 0;
  x->first_section_line = x->nlines;
  for (size_t li = 0; li < x->nlines; li++) {
    xline *ln = &x->lines[li];
    size_t ls = xline_start(x, li), le = xline_end(x, li);
    const char *s = x->s + ls;
    size_t n = le - ls;
    uint64_t has = rule_line_has(&x->scan, li);
    const mark *hm = NULL;
    if (sv.on) {
      uint64_t may =
          mark_sieve_line(&sv, x, mk, marks.n, li, s, n, in_appendix);
      for (; may && !hm; may &= may - 1) {
        size_t i = (size_t)__builtin_ctzll(may);
        /* a lettered rule fails on most lines at their second character
         * (rule_second_byte_may): told without a search */
        if (rule_second_byte_may(mk[i].r, s, n) &&
            rule_exec(mk[i].r, s, n, 0, x->md))
          hm = &mk[i];
      }
    }
    for (size_t i = 0; !sv.on && i < marks.n && !hm; i++) {
      const rule *m = mk[i].r;
      if (!(in_appendix ? mk[i].appendix : mk[i].body) ||
          !rule_may_match(m, has) ||
          (n && !rule_may_open(m, (unsigned char)s[0])) ||
          !rule_second_byte_may(m, s, n))
        continue;
      if (rule_exec(m, s, n, 0, x->md)) hm = &mk[i];
    }
    if (!hm) {
      ln->section = depth ? stack[depth - 1].sec : -1;
      continue;
    }
    const rule *hit = hm->r;
    int style = hm->style;
    size_t ns = 0, ne = 0, hs = n, he = n;
    bool numbered = rule_group(hit, x->md, "num", &ns, &ne) && ne > ns;
    bool headed = rule_group(hit, x->md, "head", &hs, &he);
    heading_trim(s, hs, &he);
    /* (a depth's style_number is its index in decimal_styles) */
    if (hm->decimal) style = (int)decimal_depth(s + ns, ne - ns);
    if (hm->opens_appendix) {
      in_appendix = true;
      depth = 0; /* the appendix is a top-level part */
    } else {
      int k = depth - 1;
      while (k >= 0 && stack[k].style != style) k--;
      if (k >= 0) depth = k; /* sibling of an open level */
    }
    frame_section *sec = FRAME_PUSH(f, sections);
    if (!sec) break;
    int idx = (int)f->nsections - 1;
    sec->id = section_id(f, idx + 1);
    sec->number = numbered ? frame_strndup(f, s + ns, ne - ns) : NULL;
    sec->heading = frame_strndup(f, s + hs, he - hs);
    sec->level = depth + 1;
    sec->parent = depth ? stack[depth - 1].sec : -1;
    sec->span = (frame_span){ls, le};
    sec->body_start = ls;
    sec->rule = hit->id;
    sec->head_start = ls + (headed ? hs : 0);
    if (heading_like(he - hs)) { /* its area after the walk */
      pending_area *pa = npending < cap_pending
                             ? pending
                             : cchc_grow(pending, &cap_pending, npending,
                                         sizeof *pending);
      if (!pa) {
        f->failed = true;
        break;
      }
      pending = pa;
      pending[npending++] = (pending_area){(size_t)idx, ls + hs, ls + he};
    }
    stack[depth++] = (struct level){style, idx};
    ln->section = idx;
    if (x->first_section_line == x->nlines && !hm->continues)
      x->first_section_line = li;
  }
  if (!f->failed) headings_areas(x, ar, areas.n, pending, npending);
  free(pending);
  free(stack);
  free(mk);
  free(ar);
  free(sv.by_kind);
  /* Body ends where the next section at the same or a shallower level
   * starts: one pass, the sections whose end is not known yet on a stack
   * (deeper towards the top). */
  size_t *open = malloc((f->nsections ? f->nsections : 1) * sizeof *open);
  if (!open) return cchc_fail(x->err, CCHC_ERR_NOMEM, "out of memory");
  size_t nopen = 0;
  for (size_t j = 0; j < f->nsections; j++) {
    frame_section *sec = &f->sections[j];
    while (nopen && f->sections[open[nopen - 1]].level >= sec->level)
      f->sections[open[--nopen]].body_end = sec->body_start;
    sec->body_end = x->n;
    open[nopen++] = j;
  }
  free(open);
  return f->failed ? cchc_fail(x->err, CCHC_ERR_NOMEM, "out of memory")
                   : CCHC_OK;
}
