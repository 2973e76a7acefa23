/* rulescan.c: what a rule's pattern says about the text it can match, and
 * the scans that skip the text it cannot.
 *
 * PCRE2 keeps its parse to itself (pcre2_pattern_info gives one required
 * code unit, and no first bytes for a pattern that opens with \d in UCP
 * mode), so at load each pattern is read once more for six facts:
 *
 *   needs    characters every match holds: "a digit", "a '%'", "a ',' or
 *            a '.'" (clauses over features, rules.h);
 *   barrier  the punctuation and blanks no match holds: a rule whose
 *            pattern has no atom that matches a line break never spans
 *            two lines;
 *   start    what must stand before a match: "(?m)(?:^|(?<=\|))" starts
 *            only at a line start or after a '|';
 *   first    the bytes a match can start with, for the patterns PCRE2
 *            would try at every position;
 *   words    literal words every match holds: "UBND or nhân, and tỉnh
 *            or huyện" (clauses of words, rule_literal);
 *   near     words one of which every match holds not far after its
 *            start: "trước or vào at the start", "năm at most 259 bytes
 *            and two runs of white space after it".
 *
 * Each is an over-approximation of the pattern's language: a match holds a
 * needed character, so a text without one has no match.  Only consuming
 * atoms count (a lookahead may look past a barrier), and whatever the
 * reader does not know (backreferences, recursion, conditionals, verbs
 * other than MARK, \G, \K, callouts) leaves the rule without facts: it is
 * then run on everything, as before; unless its first words are known
 * (rule_first_words, read through subroutine calls into the groups they
 * name): then it is tried only where one of them stands.
 *
 * The scans give exactly what rule_exec gives on the whole subject: the
 * subject stays whole (lookbehinds and lookaheads see what they saw), and
 * a match context's offset limit stops each search where no match can
 * start any more. */
#define _GNU_SOURCE /* memrchr */
#include "rules.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#endif

#include <unicode/uchar.h>
#include <unicode/uset.h>
#include <unicode/utf8.h>

/* ---- features ------------------------------------------------------------ */

/* Bit 0: a decimal digit (\d is \p{Nd} in UCP mode: any script's digits);
 * bits 1-32: ASCII punctuation; 33-38: ASCII blanks. */
enum { F_DIGIT = 0, F_LAST = 38 };
#define BIT(b) ((uint64_t)1 << (b))
#define F_ALL (BIT(F_LAST + 1) - 1)
/* Any character that is no feature: a letter, a control character, a
 * character beyond ASCII (some of which are digits: F_DIGIT too). */
#define F_OTHER BIT(63)
#define F_ANY (F_ALL | F_OTHER)

#define P(c, bit) [c] = BIT(bit)
const uint64_t rule_ascii_features[128] = {
    ['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1,
    ['5'] = 1, ['6'] = 1, ['7'] = 1, ['8'] = 1, ['9'] = 1,
    P('!', 1),   P('"', 2),   P('#', 3),  P('$', 4),  P('%', 5),
    P('&', 6),   P('\'', 7),  P('(', 8),  P(')', 9),  P('*', 10),
    P('+', 11),  P(',', 12),  P('-', 13), P('.', 14), P('/', 15),
    P(':', 16),  P(';', 17),  P('<', 18), P('=', 19), P('>', 20),
    P('?', 21),  P('@', 22),  P('[', 23), P('\\', 24), P(']', 25),
    P('^', 26),  P('_', 27),  P('`', 28), P('{', 29), P('|', 30),
    P('}', 31),  P('~', 32),  P('\t', 33), P('\n', 34), P('\v', 35),
    P('\f', 36), P('\r', 37), P(' ', 38)};
#undef P

#define F_NL rule_ascii_features['\n']
#define F_BLANKS (BIT(33) | BIT(34) | BIT(35) | BIT(36) | BIT(37) | BIT(38))
#define F_HSPACE (rule_ascii_features['\t'] | rule_ascii_features[' '])
#define F_VSPACE (BIT(34) | BIT(35) | BIT(36) | BIT(37))

/* No character below U+0660 but 0-9 is a decimal digit, nor any of
 * U+1E00-U+2BFF (Latin Extended Additional, Greek Extended, punctuation,
 * symbols): Vietnamese text lies there.  Anything else may be a digit. */
static bool cp_may_be_digit(uint32_t cp) {
  return (cp >= '0' && cp <= '9') ||
         (cp >= 0x660 && !(cp >= 0x1E00 && cp < 0x2C00));
}

/* lead_may_be_digit (rules.h) is the same test on a UTF-8 lead byte. */

#if defined(__SSE2__)
/* 16 bytes at p, p[16] readable: the lead bytes that may start a digit
 * (lead_may_be_digit, told from each byte and the next) and the ASCII
 * digits, as a vector of flags; the ASCII bytes that are neither letter,
 * digit nor space, as a bit mask.  Letters, spaces and bytes beyond ASCII,
 * most of a Vietnamese text, are no feature but F_DIGIT and the space:
 * only the rest is looked up byte by byte. */
/* unsigned a >= b as max(a, b) == a */
#define GE(a, b) _mm_cmpeq_epi8(_mm_max_epu8((a), (b)), (a))

/* The bytes of c that are lead bytes which may start a digit
 * (lead_may_be_digit), told from each byte and the next (`next`: c one
 * byte on), as a vector of flags. */
static inline __m128i digit_leads(__m128i c, __m128i next) {
  __m128i lead = _mm_andnot_si128(
      _mm_and_si128(_mm_cmpeq_epi8(c, _mm_set1_epi8((char)0xE1)),
                    GE(next, _mm_set1_epi8((char)0xB8))),
      GE(c, _mm_set1_epi8((char)0xD9)));
  return _mm_andnot_si128(
      _mm_andnot_si128(GE(next, _mm_set1_epi8((char)0xB0)),
                       _mm_cmpeq_epi8(c, _mm_set1_epi8((char)0xE2))),
      lead);
}

static inline __m128i features_block(const unsigned char *p, __m128i *space,
                                     unsigned *rare) {
  const __m128i c = _mm_loadu_si128((const __m128i *)p);
  const __m128i lead =
      digit_leads(c, _mm_loadu_si128((const __m128i *)(p + 1)));
  const __m128i from0 = _mm_sub_epi8(c, _mm_set1_epi8('0'));
  const __m128i digit = GE(_mm_set1_epi8(9), from0);
  const __m128i froma =
      _mm_sub_epi8(_mm_or_si128(c, _mm_set1_epi8(0x20)), _mm_set1_epi8('a'));
  const __m128i letter = GE(_mm_set1_epi8(25), froma);
  const __m128i sp = _mm_cmpeq_epi8(c, _mm_set1_epi8(' '));
  *space = _mm_or_si128(*space, sp);
  /* beyond ASCII: the sign bit of each byte */
  *rare = (unsigned)_mm_movemask_epi8(
              _mm_or_si128(_mm_or_si128(letter, digit), sp)) ^ 0xFFFF;
  *rare &= ~(unsigned)_mm_movemask_epi8(c);
  return _mm_or_si128(lead, digit);
}
#endif

/* Without a branch per byte (a third of the bytes of Vietnamese text lie
 * beyond ASCII, and a branch on each mispredicts): each byte's ASCII
 * features, and lead_may_be_digit told from the byte and the next.  With
 * SSE2, 16 bytes at a time (features_block); the plain loop takes the
 * rest. */
uint64_t rule_features(const char *s, size_t n) {
  const unsigned char *p = (const unsigned char *)s, *e = p + n;
  uint64_t has = 0;
  unsigned digit = 0;
  if (!n) return 0;
#if defined(__SSE2__)
  if (n > 16) {
    __m128i digits = _mm_setzero_si128(), space = _mm_setzero_si128();
    for (;; p += 16) {
      /* the rest but the last byte as a last block that overlaps the one
       * before (features add up): not byte by byte */
      if (p + 16 >= e) p = e - 17;
      unsigned rare;
      digits = _mm_or_si128(digits, features_block(p, &space, &rare));
      for (; rare; rare &= rare - 1)
        has |= rule_ascii_features[p[__builtin_ctz(rare)]];
      if (p + 17 == e) break;
    }
    p = e - 1;
    digit = _mm_movemask_epi8(digits) != 0;
    if (_mm_movemask_epi8(space)) has |= rule_ascii_features[' '];
  }
#endif
  for (; p + 1 < e; p++) {
    unsigned c = *p, next = p[1];
    has |= rule_ascii_features[c & 0x7F] & -(uint64_t)(c < 0x80);
    digit |= (c >= 0xD9) & ((c != 0xE1) | (next < 0xB8)) &
             ((c != 0xE2) | (next >= 0xB0));
  }
  has |= *p < 0x80 ? rule_ascii_features[*p] : 0;
  digit |= *p >= 0xD9; /* lead_may_be_digit without a next byte */
  return digit ? has | BIT(F_DIGIT) : has;
}

/* ---- first bytes ------------------------------------------------------- */

/* A set of byte values a match can start with; `digits`: and the lead
 * bytes of the digits beyond ASCII (told on the text by
 * lead_may_be_digit). */
typedef struct bytes {
  uint64_t w[4];
  bool digits;
} bytes;

static void bytes_add(bytes *b, unsigned lo, unsigned hi) {
  for (unsigned c = lo; c <= hi && c < 256; c = (c | 63) + 1) {
    unsigned end = hi < (c | 63) ? hi : (c | 63); /* in the word of c */
    b->w[c >> 6] |= (BIT(end & 63) << 1) - BIT(c & 63);
  }
}

static void bytes_or(bytes *a, const bytes *b) {
  for (int i = 0; i < 4; i++) a->w[i] |= b->w[i];
  a->digits = a->digits || b->digits;
}

static unsigned bytes_count(const bytes *b) {
  unsigned n = 0;
  for (int i = 0; i < 4; i++) n += (unsigned)__builtin_popcountll(b->w[i]);
  return n;
}

static unsigned lead_byte(uint32_t cp) {
  return cp < 0x80 ? cp : cp < 0x800 ? 0xC0 | cp >> 6
                        : cp < 0x10000 ? 0xE0 | cp >> 12 : 0xF0 | cp >> 18;
}

/* The first bytes of the characters lo..hi (a lead byte grows with the
 * code point). */
static void bytes_add_chars(bytes *b, uint32_t lo, uint32_t hi) {
  if (lo < 0x80) bytes_add(b, lo, hi < 0x80 ? hi : 0x7F);
  if (hi >= 0x80) bytes_add(b, lead_byte(lo < 0x80 ? 0x80 : lo), lead_byte(hi));
}

/* Every byte a character beyond ASCII starts with. */
static void bytes_add_non_ascii(bytes *b) { bytes_add(b, 0xC0, 0xFF); }

/* lo..hi in any case: the case-insensitive closure (ICU's, which holds the
 * case folding PCRE2 matches by: 'k' is also U+212A KELVIN SIGN). */
static void bytes_add_caseless(bytes *b, uint32_t lo, uint32_t hi) {
  if (hi < 0x80) { /* ASCII: the table, not a set per letter */
    for (uint32_t c = lo; c <= hi; c++) {
      bytes_add_chars(b, c, c);
      uint32_t l = c | 0x20;
      if (l >= 'a' && l <= 'z') {
        bytes_add_chars(b, l, l);
        bytes_add_chars(b, l - 32, l - 32);
        if (l == 'k') bytes_add_chars(b, 0x212A, 0x212A);
        if (l == 's') bytes_add_chars(b, 0x17F, 0x17F);
      }
    }
    return;
  }
  /* Patterns spell the same letters over and over: the closure of one
   * is kept (per thread: loads may run in parallel). */
  enum { MEMO_SLOTS = 256 };
  typedef struct closure_memo {
    uint32_t cp; /* 0: none */
    bytes first;
  } closure_memo;
  static _Thread_local closure_memo memo[MEMO_SLOTS];
  closure_memo *slot = lo == hi ? &memo[lo % MEMO_SLOTS] : NULL;
  if (slot && slot->cp == lo) {
    bytes_or(b, &slot->first);
    return;
  }
  USet *set = uset_open((UChar32)lo, (UChar32)hi);
  if (!set) {
    bytes_add(b, 0, 255);
    return;
  }
  bytes closure = {0};
  uset_closeOver(set, USET_CASE_INSENSITIVE);
  for (int32_t i = 0, n = uset_getItemCount(set); i < n; i++) {
    UChar32 a, z;
    UErrorCode st = U_ZERO_ERROR;
    /* strings (full case foldings) are no single character PCRE2 matches */
    if (uset_getItem(set, i, &a, &z, NULL, 0, &st) == 0)
      bytes_add_chars(&closure, (uint32_t)a, (uint32_t)z);
  }
  uset_close(set);
  bytes_or(b, &closure);
  if (slot) {
    slot->cp = lo;
    slot->first = closure;
  }
}

/* ---- reading a pattern -------------------------------------------------- */

/* A clause of literals, as in rule_facts.lits: indices into the reader's
 * words (WORDS_MAX of them), and the same as a bit each; its weight is the
 * length in characters of its shortest word (a long word is a rare
 * one). */
typedef struct lit_clause {
  uint64_t set;
  uint8_t ids[RULE_LIT_ALTS];
  uint8_t n, weight;
} lit_clause;

/* The clauses a piece of pattern keeps while it is read: more than a rule
 * keeps (RULE_LITS), so that those it keeps can be chosen among clauses
 * of other words (keep_literals). */
enum { NODE_LITS = 8 };

/* The most bytes a piece of a match takes: `bytes`, plus `runs` runs of
 * white space (as long as the text has them there: window_start), or no
 * bound (inf). */
typedef struct span {
  uint32_t bytes;
  uint16_t runs;
  bool inf;
} span;

/* Past this, a window before a word is too long to be worth it: no
 * bound. */
enum { SPAN_MAX = 1 << 16, RUNS_MAX = 255 };
static const span SPAN_INF = {.inf = true};

static span span_add(span a, span b) {
  if (a.inf || b.inf || a.bytes + b.bytes > SPAN_MAX ||
      a.runs + b.runs > RUNS_MAX)
    return SPAN_INF;
  return (span){a.bytes + b.bytes, (uint16_t)(a.runs + b.runs), false};
}

static span span_max(span a, span b) {
  if (a.inf || b.inf) return SPAN_INF;
  return (span){a.bytes > b.bytes ? a.bytes : b.bytes,
                a.runs > b.runs ? a.runs : b.runs, false};
}

/* k times a (k UINT32_MAX: any number of times). */
static span span_times(span a, uint32_t k) {
  if (!a.inf && !a.bytes && !a.runs) return a;
  if (a.inf || k > SPAN_MAX || (uint64_t)a.bytes * k > SPAN_MAX ||
      (uint64_t)a.runs * k > RUNS_MAX)
    return SPAN_INF;
  return (span){a.bytes * k, (uint16_t)(a.runs * k), false};
}

/* Words (indices into the reader's words) with how far after a match's
 * start each starts at most: a match holds one of them there, consumed
 * (rule_facts.anchor).  n 0: none known. */
typedef struct anchor {
  uint8_t ids[RULE_ANCHOR_ALTS];
  span before[RULE_ANCHOR_ALTS];
  uint8_t n;
} anchor;

/* What a piece of pattern matches, as far as the facts go. */
typedef struct node {
  uint64_t needs[RULE_NEEDS]; /* clauses, as in rule_facts */
  size_t nneeds;
  uint64_t eats; /* features (and F_OTHER) its matches may hold */
  /* when it matches exactly one character: that character's features
   * (F_OTHER among them when it may be no feature); else 0 */
  uint64_t one;
  bool zero;        /* it matches the empty string only */
  uint64_t after;   /* start condition: the character before (F_ANY: any) */
  bool at_zero;     /*   or the subject's start */
  bool empty;       /* it may match the empty string */
  bytes first;      /* what its matches start with when not empty */
  lit_clause lits[NODE_LITS]; /* words its matches hold */
  size_t nlits;
  /* when it is one letter or digit written as itself: its bytes and case
   * mode, a piece of the word it stands in */
  unsigned char ch[4];
  uint8_t chlen;
  bool chcase;
  span len;         /* its matches are this long at most */
  bool ends;        /* every match ends at the subject's end ($, \z, \Z) */
  bool space;       /* it matches one white-space character (of \s) */
  anchor anchor_all; /* words near the start of every match */
  anchor anchor_ne;  /* the same for every match but the empty one */
  /* every match holds a digit (a character of \d) at most this far after
   * its start (rule_facts.near_digit), or inf: not known */
  span digit_all;
  /* A match at a position whose byte is of class k (RULE_GUARD_*) never
   * follows an ASCII character of guard[k] (a lookbehind, \b): a bit per
   * ASCII character. */
  uint64_t guard[RULE_GUARDS][2];
} node;

/* The words a pattern's sequences spell, for lit_clause. */
enum { WORD_MAX = 48, WORDS_MAX = 64 };
_Static_assert(WORDS_MAX <= 64, "a word of a lit_clause is a bit");
typedef struct word {
  unsigned char text[WORD_MAX];
  uint8_t len, chars;
  bool caseless;
} word;

typedef struct word_table {
  word items[WORDS_MAX];
  size_t n;
} word_table;

typedef struct reader {
  const unsigned char *p, *end;
  bool ext, ext2, multiline, dotall, caseless; /* options in force */
  bool lf;                           /* the newline is LF alone */
  bool quoted;                       /* inside \Q...\E */
  bool bad;                          /* something unknown: no facts */
  int depth;
  word_table *words; /* of the whole pattern (a group copies the reader) */
} reader;

/* The nodes are made where they go (a node is 560 bytes: returned by
 * value, each was built and copied again, per character of every
 * pattern at load). */
static void empty_node(node *n) {
  memset(n, 0, sizeof *n);
  n->zero = true;
  n->after = F_ANY;
  n->at_zero = true;
  n->empty = true;
  n->digit_all = SPAN_INF;
}

/* ---- words near the start ------------------------------------------------ */

/* About what finding a's words and trying the pattern before each of
 * their occurrences costs, in bytes tried: a search of the text for each
 * word, and the window before each occurrence (runs of white space are
 * short in most texts); a word of two letters stands in many places. */
enum { ANCHOR_PASS = 512, ANCHOR_SHORT = 2048, ANCHOR_RUN = 8 };

static uint32_t anchor_cost(const reader *rd, const anchor *a) {
  uint32_t c = 0;
  for (size_t k = 0; k < a->n; k++)
    c += ANCHOR_PASS + a->before[k].bytes + ANCHOR_RUN * a->before[k].runs +
         (rd->words->items[a->ids[k]].chars < 3 ? ANCHOR_SHORT : 0);
  return c;
}

/* c in *best, when it is known and cheaper. */
static void anchor_pick(const reader *rd, anchor *best, const anchor *c) {
  if (c->n && (!best->n || anchor_cost(rd, c) < anchor_cost(rd, best)))
    *best = *c;
}

/* a's words, each `by` further from the start; false when a has none, or
 * a bound grows past any. */
static bool anchor_shift(const anchor *a, span by, anchor *out) {
  *out = *a;
  for (size_t k = 0; k < a->n; k++)
    if ((out->before[k] = span_add(a->before[k], by)).inf) out->n = 0;
  return out->n;
}

/* The words of a and of b, each with the larger bound: a match of either
 * holds one.  NULL stands for a piece whose one match is the empty string
 * (its matches that are not empty hold anything).  False when no word is
 * known for one of them, or they are too many. */
static bool anchor_union(const anchor *a, const anchor *b, anchor *out) {
  out->n = 0;
  if (!a || !b) {
    if (a || b) *out = a ? *a : *b;
    return out->n;
  }
  if (!a->n || !b->n) return false;
  *out = *a;
  for (size_t k = 0; k < b->n; k++) {
    size_t i = 0;
    while (i < out->n && out->ids[i] != b->ids[k]) i++;
    if (i < out->n) {
      out->before[i] = span_max(out->before[i], b->before[k]);
    } else if (out->n == RULE_ANCHOR_ALTS) {
      out->n = 0;
      return false;
    } else {
      out->ids[out->n] = b->ids[k];
      out->before[out->n++] = b->before[k];
    }
  }
  return true;
}

/* n's words for its matches that are not empty; NULL when it has none. */
static const anchor *nonempty(const node *n) {
  return n->zero ? NULL : &n->anchor_ne;
}

static bool has_guard(const node *n) {
  uint64_t any = 0;
  for (int k = 0; k < RULE_GUARDS; k++) any |= n->guard[k][0] | n->guard[k][1];
  return any;
}

/* May a match of n that is not empty start with a byte of class k? */
static bool first_in_class(const node *n, int k) {
  const uint64_t *w = n->first.w;
  switch (k) {
  case RULE_GUARD_DIGIT: return w[0] & UINT64_C(0x03FF000000000000);
  case RULE_GUARD_WORD: /* A-Z, _, a-z */
    return w[1] & UINT64_C(0x07FFFFFE87FFFFFE);
  case RULE_GUARD_OTHER:
    return (w[0] & ~UINT64_C(0x03FF000000000000)) ||
           (w[1] & ~UINT64_C(0x07FFFFFE87FFFFFE));
  default: return w[2] || w[3] || n->first.digits;
  }
}

/* Can n match at a position whose byte is of class k?  False only when
 * every match of n takes that byte and no first byte of n is of k. */
static bool matches_at_class(const node *n, int k) {
  return n->empty || first_in_class(n, k);
}

/* What every match holds, every match that is not empty holds; and the
 * other way round when no match is empty. */
static void anchor_settle(const reader *rd, node *n) {
  anchor_pick(rd, &n->anchor_ne, &n->anchor_all);
  if (!n->empty) anchor_pick(rd, &n->anchor_all, &n->anchor_ne);
}

/* ---- digits near the start ---------------------------------------------- */

/* Of two bounds on where a digit stands after a match's start, the
 * tighter (runs of white space weigh as anchor_cost has them). */
static inline span digit_pick(span a, span b) {
  if (a.inf || b.inf) return a.inf ? b : a;
  return b.bytes + ANCHOR_RUN * b.runs < a.bytes + ANCHOR_RUN * a.runs ? b
                                                                        : a;
}

/* The bound a match of either holds a digit within (NULL: a piece whose
 * one match is the empty string, as anchor_union has it). */
static inline span digit_union(const span *a, const span *b) {
  if (!a || !b) return a ? *a : b ? *b : SPAN_INF;
  return span_max(*a, *b);
}

/* n's bound for its matches that are not empty: its own when none is
 * empty, none when some is (anchor_ne keeps one for words; kept for
 * digits too, it told no rule more and cost 1 M instructions a load) */
static const span digit_unknown = {.inf = true};
static inline const span *digit_nonempty(const node *n) {
  return n->zero ? NULL : n->empty ? &digit_unknown : &n->digit_all;
}

/* The digit near the start of a then b (a not yet changed), as
 * then_anchors has words: a's; b's, as far further as a is long; b's as
 * they are where a matched the empty string, or else a's. */
static inline void then_digits(node *a, const node *b) {
  /* (most pieces of most patterns hold none: none either way) */
  if (b->digit_all.inf) return;
  span all = a->digit_all;
  all = digit_pick(all, span_add(b->digit_all, a->len));
  all = digit_pick(all, digit_union(digit_nonempty(a), &b->digit_all));
  a->digit_all = all;
}

/* The words near the start of a then b (a not yet changed): a's; b's,
 * as far further as a is long; b's as they are, where a matched the
 * empty string, or else a's. */
static void then_anchors(const reader *rd, node *a, const node *b) {
  anchor all = a->anchor_all, ne, c;
  if (anchor_shift(&b->anchor_all, a->len, &c)) anchor_pick(rd, &all, &c);
  if (anchor_union(nonempty(a), &b->anchor_all, &c)) anchor_pick(rd, &all, &c);
  ne = all;
  if (anchor_union(nonempty(a), nonempty(b), &c)) anchor_pick(rd, &ne, &c);
  a->anchor_all = all;
  a->anchor_ne = ne;
}

/* A clause c more in n's conjunction: kept when no clause already in it
 * says as much; at most RULE_NEEDS, the most selective ones (fewest
 * features, a punctuation mark before a digit). */
static int clause_weight(uint64_t c) {
  return 2 * __builtin_popcountll(c) + (int)(c & BIT(F_DIGIT));
}

static void add_clause(node *n, uint64_t c) {
  for (size_t i = 0; i < n->nneeds; i++)
    if ((n->needs[i] & c) == n->needs[i]) return; /* c is weaker */
  size_t k = 0;
  for (size_t i = 0; i < n->nneeds; i++)
    if ((c & n->needs[i]) != c) n->needs[k++] = n->needs[i];
  n->nneeds = k;
  if (k == RULE_NEEDS) {
    size_t worst = 0;
    for (size_t i = 1; i < k; i++)
      if (clause_weight(n->needs[i]) > clause_weight(n->needs[worst]))
        worst = i;
    if (clause_weight(c) >= clause_weight(n->needs[worst])) return;
    n->needs[worst] = c;
    return;
  }
  n->needs[n->nneeds++] = c;
}

/* Does clause a hold every word of b (b says as much or more)? */
static bool lits_within(const lit_clause *b, const lit_clause *a) {
  return !(b->set & ~a->set);
}

static bool lits_better(const lit_clause *a, const lit_clause *b) {
  return a->weight != b->weight ? a->weight > b->weight : a->n < b->n;
}

/* A clause of words more in n's conjunction, as add_clause: at most
 * NODE_LITS, the best; a word of one character says too little. */
static void add_lits(node *n, const lit_clause *c) {
  if (!c->n || c->weight < 2) return;
  for (size_t i = 0; i < n->nlits; i++)
    if (lits_within(&n->lits[i], c)) return; /* c is weaker */
  size_t k = 0;
  for (size_t i = 0; i < n->nlits; i++)
    if (!lits_within(c, &n->lits[i])) n->lits[k++] = n->lits[i];
  n->nlits = k;
  if (k < NODE_LITS) {
    n->lits[n->nlits++] = *c;
    return;
  }
  size_t worst = 0;
  for (size_t i = 1; i < k; i++)
    if (lits_better(&n->lits[worst], &n->lits[i])) worst = i;
  if (lits_better(c, &n->lits[worst])) n->lits[worst] = *c;
}

/* a then b. */
static void then(const reader *rd, node *a, const node *b) {
  /* b starts where a does when a takes nothing: so at any position of a
   * class a's matches that are not empty cannot start at */
  if (a->empty && has_guard(b))
    for (int k = 0; k < RULE_GUARDS; k++)
      if (!first_in_class(a, k)) {
        a->guard[k][0] |= b->guard[k][0];
        a->guard[k][1] |= b->guard[k][1];
      }
  then_anchors(rd, a, b);
  then_digits(a, b);
  a->len = span_add(a->len, b->len);
  a->ends = a->ends || b->ends; /* nothing goes on past the end */
  a->space = false;
  for (size_t i = 0; i < b->nneeds; i++) add_clause(a, b->needs[i]);
  for (size_t i = 0; i < b->nlits; i++) add_lits(a, &b->lits[i]);
  a->eats |= b->eats;
  a->one = 0;
  a->zero = a->zero && b->zero;
  if (a->empty) bytes_or(&a->first, &b->first);
  a->empty = a->empty && b->empty;
  anchor_settle(rd, a);
}

/* a or b (a holds the branches before). */
static void either(const reader *rd, node *a, const node *b) {
  node n = *a;
  anchor_union(&a->anchor_all, &b->anchor_all, &n.anchor_all);
  anchor_union(nonempty(a), nonempty(b), &n.anchor_ne);
  n.digit_all = digit_union(&a->digit_all, &b->digit_all);
  n.len = span_max(a->len, b->len);
  n.ends = a->ends && b->ends;
  n.space = a->space && b->space;
  n.nneeds = 0;
  for (size_t i = 0; i < a->nneeds; i++)
    for (size_t j = 0; j < b->nneeds; j++)
      add_clause(&n, a->needs[i] | b->needs[j]);
  n.nlits = 0;
  for (size_t i = 0; i < a->nlits; i++)
    for (size_t j = 0; j < b->nlits; j++) {
      /* a match of either holds a word of either's clause */
      lit_clause u = a->lits[i];
      const lit_clause *c = &b->lits[j];
      if (__builtin_popcountll(u.set | c->set) > RULE_LIT_ALTS) continue;
      for (size_t k = 0; k < c->n; k++)
        if (!(u.set & BIT(c->ids[k]))) u.ids[u.n++] = c->ids[k];
      u.set |= c->set;
      if (c->weight < u.weight) u.weight = c->weight;
      add_lits(&n, &u);
    }
  n.eats |= b->eats;
  n.one = a->one && b->one ? a->one | b->one : 0;
  n.zero = a->zero && b->zero;
  n.after |= b->after;
  n.at_zero = n.at_zero || b->at_zero;
  /* what both say, or what one says where the other cannot match */
  if (has_guard(a) || has_guard(b))
    for (int k = 0; k < RULE_GUARDS; k++)
    for (int h = 0; h < 2; h++)
      n.guard[k][h] = !matches_at_class(a, k)   ? b->guard[k][h]
                      : !matches_at_class(b, k) ? a->guard[k][h]
                                                : a->guard[k][h] &
                                                      b->guard[k][h];
  n.empty = a->empty || b->empty;
  bytes_or(&n.first, &b->first);
  anchor_settle(rd, &n);
  *a = n;
}

/* A node that matches one character with features `one`, starting with
 * a byte of `first`. */
static void char_node(node *n, uint64_t one, const bytes *first) {
  /* the longest character of those first bytes */
  uint32_t width = first->digits || first->w[2] || first->w[3] >> 48 ? 4
                   : first->w[3] >> 32                              ? 3
                   : first->w[3]                                    ? 2
                                                                    : 1;
  memset(n, 0, sizeof *n);
  n->one = n->eats = one;
  n->after = F_ANY;
  n->at_zero = true;
  n->first = *first;
  n->len = (span){width, 0, false};
  n->space = one && !(one & ~F_BLANKS);
  /* a character of the digit feature alone is a digit (\d, [0-9]) */
  n->digit_all = one == BIT(F_DIGIT) ? (span){0, 0, false} : SPAN_INF;
  if (!(one & F_OTHER)) add_clause(n, one);
}

/* A node of any one character. */
static void any_node(node *n, uint64_t one) {
  bytes all = {0};
  bytes_add(&all, 0, 255);
  char_node(n, one, &all);
}

static uint64_t cp_features(uint32_t cp) {
  if (cp < 0x80) return rule_ascii_features[cp] ? rule_ascii_features[cp] : F_OTHER;
  return cp_may_be_digit(cp) ? F_OTHER | BIT(F_DIGIT) : F_OTHER;
}

static bool at_end(const reader *rd) { return rd->p >= rd->end; }
static int peek(const reader *rd, size_t k) {
  return rd->p + k < rd->end ? rd->p[k] : -1;
}

/* One UTF-8 character (the pattern compiled, so it is well formed). */
static uint32_t take_char(reader *rd) {
  size_t n = (size_t)(rd->end - rd->p), i = 0;
  int32_t cp = cchc_utf8_next((const char *)rd->p, n, &i);
  rd->p += i ? i : 1;
  if (cp < 0) rd->bad = true;
  return cp < 0 ? 0xFFFD : (uint32_t)cp;
}

/* Pattern white space and comments of extended mode. */
static void skip_extended(reader *rd) {
  while (rd->ext && !rd->quoted && !at_end(rd)) {
    int c = peek(rd, 0);
    if (c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' ||
        c == '\r') {
      rd->p++;
    } else if (c == '#') {
      while (!at_end(rd) && *rd->p != '\n') rd->p++;
    } else if (c >= 0x80) {
      /* NEL, LRM, RLM, LS, PS are white space too: not worth knowing */
      if ((c == 0xC2 && peek(rd, 1) == 0x85) ||
          (c == 0xE2 && peek(rd, 1) == 0x80 &&
           (peek(rd, 2) == 0x8E || peek(rd, 2) == 0x8F ||
            peek(rd, 2) == 0xA8 || peek(rd, 2) == 0xA9)))
        rd->bad = true;
      return;
    } else {
      return;
    }
  }
}

static bool hex_digit(int c) {
  return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'f');
}

/* \x{...}, \xhh, \o{...}: the code point, reading past it. */
static uint32_t take_code(reader *rd, bool octal) {
  uint32_t v = 0;
  if (peek(rd, 0) == '{') {
    rd->p++;
    while (!at_end(rd) && *rd->p != '}') {
      int c = *rd->p++;
      if (octal ? !(c >= '0' && c <= '7') : !hex_digit(c)) rd->bad = true;
      uint32_t d = (uint32_t)(c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10);
      v = v * (octal ? 8 : 16) + d;
      if (v > 0x10FFFF) rd->bad = true;
    }
    if (at_end(rd)) rd->bad = true;
    else rd->p++;
    return v;
  }
  if (octal) rd->bad = true;
  for (int k = 0; k < 2 && hex_digit(peek(rd, 0)); k++) {
    int c = *rd->p++;
    v = v * 16 + (uint32_t)(c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10);
  }
  return v;
}

/* The features of \p{NAME} (or \pL), reading past it; its first bytes
 * into b. */
static uint64_t take_property(reader *rd, bool negated, bytes *b) {
  char name[32];
  size_t n = 0;
  if (peek(rd, 0) == '{') {
    rd->p++;
    while (!at_end(rd) && *rd->p != '}' && n + 1 < sizeof name)
      name[n++] = (char)*rd->p++;
    if (at_end(rd) || *rd->p != '}') rd->bad = true;
    else rd->p++;
  } else if (!at_end(rd)) {
    name[n++] = (char)*rd->p++;
  }
  name[n] = '\0';
  if (!negated && name[0] != '^' && !strcmp(name, "Nd")) {
    bytes_add(b, '0', '9');
    b->digits = true;
    return BIT(F_DIGIT);
  }
  bytes_add_non_ascii(b);
  if (negated || name[0] == '^') {
    bytes_add(b, 0, 0x7F);
    return F_ANY;
  }
  /* letters of any case: caseless matching may extend \p{Lu} to them */
  static const char *const letters[] = {"L",  "Lu", "Ll", "Lt", "Lm", "Lo",
                                        "L&", "Lc", "M",  "Mn", "Mc", "Me"};
  for (size_t i = 0; i < sizeof letters / sizeof *letters; i++)
    if (!strcmp(name, letters[i])) {
      bytes_add(b, 'A', 'Z');
      bytes_add(b, 'a', 'z');
      return F_OTHER;
    }
  if (!strcmp(name, "N")) {
    bytes_add(b, '0', '9');
    return F_OTHER | BIT(F_DIGIT);
  }
  bytes_add(b, 0, 0x7F);
  return F_ANY;
}

/* Features of the class escape \c (d, s, w, h, v and their negations, p,
 * P), reading past its argument, its first bytes into b; 0 when c is
 * none. */
static uint64_t class_escape(reader *rd, int c, bytes *b) {
  if (c == 'p' || c == 'P') return take_property(rd, c == 'P', b);
  uint64_t f = c == 'd'   ? BIT(F_DIGIT)
               : c == 's' ? F_BLANKS | F_OTHER
               : c == 'w' ? BIT(F_DIGIT) | rule_ascii_features['_'] | F_OTHER
               : c == 'h' ? F_HSPACE | F_OTHER
               : c == 'v' ? F_VSPACE | F_OTHER
               : c == 'S' ? (F_ALL & ~F_BLANKS) | F_OTHER
               : c == 'H' ? (F_ALL & ~F_HSPACE) | F_OTHER
               : c == 'V' ? (F_ALL & ~F_VSPACE) | F_OTHER
               : c == 'D' || c == 'W' ? F_ANY
                                      : 0;
  /* the ASCII they match (pairs of range ends), and whether characters
   * beyond ASCII too (\d: only digits, told by their lead bytes) */
  static const struct {
    char c;
    const char *ascii;
    bool beyond;
  } ranges[] = {{'d', "09", false},
                {'s', "\t\r  ", true},
                {'w', "09AZaz__", true},
                {'h', "\t\t  ", true},
                {'v', "\n\r", true}};
  for (size_t i = 0; f && i < sizeof ranges / sizeof *ranges; i++) {
    if (ranges[i].c != c) continue;
    for (const char *r = ranges[i].ascii; *r; r += 2)
      bytes_add(b, (unsigned char)r[0], (unsigned char)r[1]);
    if (ranges[i].beyond) bytes_add_non_ascii(b);
    else b->digits = true;
    return f;
  }
  if (f) bytes_add(b, 0, 255); /* a negated class */
  return f;
}

/* A character escape (after the backslash and its letter c): the code
 * point, or -1 when c starts none. */
static int32_t char_escape(reader *rd, int c) {
  switch (c) {
  case 'a': return 7;
  case 'e': return 27;
  case 'f': return '\f';
  case 'n': return '\n';
  case 'r': return '\r';
  case 't': return '\t';
  case 'x': return (int32_t)take_code(rd, false);
  case 'o': return (int32_t)take_code(rd, true);
  case 'c': { /* \cX: X upper-cased, bit 6 flipped */
    int x = peek(rd, 0);
    if (x < 0x20 || x > 0x7E) {
      rd->bad = true;
      return 0;
    }
    rd->p++;
    return (x >= 'a' && x <= 'z' ? x - 32 : x) ^ 0x40;
  }
  default: return -1;
  }
}

/* The letter of the escape at rd->p (a backslash), read past; -1 at the
 * end. */
static int take_escape(reader *rd) {
  int e = peek(rd, 1);
  if (e >= 0) rd->p += 2;
  return e;
}

/* The character a class member escaped with letter e stands for (read
 * past it), or -1 (rd->bad) for one the reader does not know: octal,
 * \N, \R, \X, \C, \g, \k. */
static int32_t class_char(reader *rd, int e) {
  if (e == 'b') return 8; /* backspace, in a class */
  int32_t cp = char_escape(rd, e);
  if (cp >= 0) return cp;
  if (e < 0x80 && (e == '_' || (e >= '0' && e <= '9') ||
                   ((e | 0x20) >= 'a' && (e | 0x20) <= 'z'))) {
    rd->bad = true;
    return -1;
  }
  rd->p--; /* any other character, escaped: itself */
  return (int32_t)take_char(rd);
}

/* [...]: the features of the characters it matches; their first bytes
 * into b. */
static uint64_t read_class(reader *rd, bytes *b) {
  bool negated = false, first = true;
  uint64_t any = 0, plain = 0; /* plain: ASCII features listed alone */
  if (peek(rd, 0) == '^') {
    negated = true;
    rd->p++;
  }
  for (;;) {
    if (at_end(rd)) {
      rd->bad = true;
      return F_ANY;
    }
    int c = *rd->p;
    if (c == ']' && !first) {
      rd->p++;
      break;
    }
    if (rd->ext2 && (c == ' ' || c == '\t')) {
      rd->p++;
      continue;
    }
    first = false;
    int32_t lo = -1;
    if (c == '[' && peek(rd, 1) == ':') {
      const unsigned char *close = rd->p + 2;
      while (close + 1 < rd->end && !(close[0] == ':' && close[1] == ']'))
        close++;
      if (close + 1 >= rd->end) {
        rd->bad = true;
        return F_ANY;
      }
      size_t n = (size_t)(close - rd->p - 2);
      const char *name = (const char *)rd->p + 2;
      rd->p = close + 2;
      if (n == 5 && !memcmp(name, "digit", 5)) {
        any |= BIT(F_DIGIT);
        bytes_add(b, '0', '9');
        b->digits = true;
      } else if (n == 5 && (!memcmp(name, "alpha", 5) ||
                            !memcmp(name, "upper", 5) ||
                            !memcmp(name, "lower", 5) ||
                            !memcmp(name, "alnum", 5))) {
        any |= F_OTHER | (name[2] == 'n' ? BIT(F_DIGIT) : 0);
        bytes_add(b, '0', '9');
        bytes_add(b, 'A', 'Z');
        bytes_add(b, 'a', 'z');
        bytes_add_non_ascii(b);
      } else {
        any |= F_ANY;
        bytes_add(b, 0, 255);
      }
      continue;
    } else if (c == '[' && (peek(rd, 1) == '.' || peek(rd, 1) == '=')) {
      rd->bad = true;
      return F_ANY;
    } else if (c == '\\') {
      int e = take_escape(rd);
      if (e < 0 || e == 'Q') { /* \Q may quote the ends of a range */
        rd->bad = true;
        return F_ANY;
      }
      if (e == 'E') continue;
      uint64_t f = class_escape(rd, e, b);
      if (f) {
        any |= f;
        continue;
      }
      if ((lo = class_char(rd, e)) < 0) return F_ANY;
    } else {
      lo = (int32_t)take_char(rd);
    }
    /* a range lo-hi? */
    int32_t hi = lo;
    if (peek(rd, 0) == '-' && peek(rd, 1) != ']' &&
        peek(rd, 1) >= 0) {
      rd->p++;
      if (*rd->p == '\\') {
        int e = take_escape(rd);
        if (e < 0 || (hi = class_char(rd, e)) < 0) {
          rd->bad = true;
          return F_ANY;
        }
      } else if (*rd->p == '[') {
        rd->bad = true;
        return F_ANY;
      } else {
        hi = (int32_t)take_char(rd);
      }
      if (hi < lo) {
        rd->bad = true;
        return F_ANY;
      }
    }
    for (int32_t k = lo; k <= hi && k < 0x80; k++)
      any |= cp_features((uint32_t)k);
    if (hi >= 0x80) any |= F_OTHER | BIT(F_DIGIT);
    if (rd->caseless) bytes_add_caseless(b, (uint32_t)lo, (uint32_t)hi);
    else bytes_add_chars(b, (uint32_t)lo, (uint32_t)hi);
    if (lo == hi && lo < 0x80 && rule_ascii_features[lo] && lo > '9')
      plain |= rule_ascii_features[lo];
    if (lo == hi && lo < 0x80 && rule_ascii_features[lo] && lo < '0')
      plain |= rule_ascii_features[lo];
  }
  if (!negated) return any;
  /* every character but the punctuation and blanks listed alone */
  bytes_add(b, 0, 255);
  return F_ANY & ~plain;
}

static void read_alt(reader *rd, node *out);

/* A quantifier after an item: min and whether there is one.  A '{' that is
 * no quantifier in every PCRE2 version ("{,3}" became one in 10.43) is
 * unknown. */
static bool read_quantifier(reader *rd, unsigned *min, unsigned *max) {
  int c = peek(rd, 0);
  if (c == '*' || c == '+' || c == '?') {
    rd->p++;
    *min = c == '+';
    *max = c == '?' ? 1 : UINT32_MAX;
  } else if (c == '{') {
    const unsigned char *q = rd->p + 1;
    unsigned lo = 0, hi;
    if (q >= rd->end || *q < '0' || *q > '9') {
      rd->bad = true;
      return false;
    }
    while (q < rd->end && *q >= '0' && *q <= '9' && lo < 100000)
      lo = lo * 10 + (unsigned)(*q++ - '0');
    hi = lo;
    if (q < rd->end && *q == ',') {
      q++;
      hi = UINT32_MAX;
      if (q < rd->end && *q >= '0' && *q <= '9') {
        hi = 0;
        while (q < rd->end && *q >= '0' && *q <= '9' && hi < 100000)
          hi = hi * 10 + (unsigned)(*q++ - '0');
      }
    }
    if (q >= rd->end || *q != '}') {
      rd->bad = true;
      return false;
    }
    rd->p = q + 1;
    *min = lo;
    *max = hi;
  } else {
    return false;
  }
  if (peek(rd, 0) == '+' || peek(rd, 0) == '?') rd->p++;
  return true;
}

/* Option letters of "(?imsx-imsx" up to ')' or ':'; false when unknown. */
static bool read_options(reader *rd) {
  bool on = true;
  if (peek(rd, 0) == '^') {
    rd->ext = rd->ext2 = rd->multiline = rd->dotall = rd->caseless = false;
    rd->p++;
  }
  while (!at_end(rd) && *rd->p != ')' && *rd->p != ':') {
    int c = *rd->p++;
    if (c == '-') on = false;
    else if (c == 'm') rd->multiline = on;
    else if (c == 's') rd->dotall = on;
    else if (c == 'i') rd->caseless = on;
    else if (c == 'x') {
      if (on && peek(rd, 0) == 'x') {
        rd->p++;
        rd->ext2 = true;
      }
      rd->ext = on;
      if (!on) rd->ext2 = false;
    } else if (c != 'n' && c != 'J' && c != 'U') {
      return false;
    }
  }
  return !at_end(rd);
}

/* Past the next c (the end of a name, a comment, a call). */
static void skip_past(reader *rd, int c) {
  while (!at_end(rd) && *rd->p != c) rd->p++;
  if (at_end(rd)) rd->bad = true;
  else rd->p++;
}

/* Past a group's ')' (rd->p at it): the options set inside end with it
 * (`saved`: the reader at its start). */
static void close_group(reader *rd, const reader *saved) {
  if (rd->bad) return;
  if (at_end(rd) || *rd->p != ')') {
    rd->bad = true;
    return;
  }
  rd->p++;
  rd->ext = saved->ext;
  rd->ext2 = saved->ext2;
  rd->multiline = saved->multiline;
  rd->dotall = saved->dotall;
  rd->caseless = saved->caseless;
}

/* The ASCII characters of \w: 0-9, A-Z, _, a-z. */
static const uint64_t ascii_word[2] = {UINT64_C(0x03FF000000000000),
                                       UINT64_C(0x07FFFFFE87FFFFFE)};

/* \b: before an ASCII character of \w stands none; before one that is
 * not, one (a character beyond ASCII may be either). */
static void word_boundary_guard(node *n) {
  for (int h = 0; h < 2; h++) {
    n->guard[RULE_GUARD_DIGIT][h] = n->guard[RULE_GUARD_WORD][h] =
        ascii_word[h];
    n->guard[RULE_GUARD_OTHER][h] = ~ascii_word[h];
  }
}

static void ascii_set(uint64_t set[2], unsigned lo, unsigned hi) {
  for (unsigned c = lo; c <= hi && c < 0x80; c++)
    set[c >> 6] |= BIT(c & 63);
}

/* One member of a lookbehind's set at *p (before e): an escape of a
 * class every ASCII character of which it adds to set, or one ASCII
 * character (escaped or not), in *c; false for anything else. */
static bool ascii_member(const unsigned char **p, const unsigned char *e,
                         uint64_t set[2], int *c) {
  *c = -1;
  if (**p != '\\') {
    if (**p >= 0x80) return false;
    *c = *(*p)++;
    return true;
  }
  if (e - *p < 2) return false;
  int x = (*p)[1];
  *p += 2;
  if (x == 'd') ascii_set(set, '0', '9');
  else if (x == 'w') set[0] |= ascii_word[0], set[1] |= ascii_word[1];
  else if (x == 's') ascii_set(set, '\t', '\r'), ascii_set(set, ' ', ' ');
  else if (x == 'h') ascii_set(set, '\t', '\t'), ascii_set(set, ' ', ' ');
  else if (x == 'v') ascii_set(set, '\n', '\r');
  else if (x == 'p') {
    /* letters, numbers, decimal digits: \pL \p{L} \p{N} \p{Nd} */
    const unsigned char *n = *p;
    size_t len = 1;
    if (n < e && *n == '{') {
      n++;
      for (len = 0; n + len < e && n[len] != '}'; len++) {}
      if (n + len >= e) return false;
    }
    if (n + len > e) return false;
    if (len == 1 && *n == 'L') ascii_set(set, 'A', 'Z'), ascii_set(set, 'a', 'z');
    else if ((len == 1 && *n == 'N') || (len == 2 && !memcmp(n, "Nd", 2)))
      ascii_set(set, '0', '9');
    else return false;
    *p = n + len + (n > *p); /* past '}' */
  } else if (x < 0x80 && !(x == '_' || (x >= '0' && x <= '9') ||
                           ((x | 0x20) >= 'a' && (x | 0x20) <= 'z'))) {
    *c = x; /* punctuation, escaped */
  } else {
    return false;
  }
  return true;
}

/* The ASCII characters a lookbehind's body b[0, n) (one character: an
 * ASCII one, a class escape, or a set of those and of ranges of ASCII)
 * surely matches, into set; false when the body is other (set then
 * unchanged).  Only what it matches for sure: a match fails after each. */
static bool ascii_matched(const unsigned char *b, size_t n, bool ext,
                          bool caseless, uint64_t set[2]) {
  const unsigned char *p = b, *e = b + n;
  uint64_t got[2] = {0, 0};
  if (!n || ext) return false; /* (white space of extended mode: not read) */
  int c;
  if (*p == '[') {
    p++;
    if (p < e && *p == '^') return false;
    bool first = true;
    while (p < e && (*p != ']' || first)) {
      first = false;
      if (*p == '[' || !ascii_member(&p, e, got, &c)) return false;
      if (c < 0) continue;
      int hi = c;
      if (e - p >= 2 && *p == '-' && p[1] != ']') {
        p++;
        if (*p == '[' || *p == '\\' || !ascii_member(&p, e, got, &hi) ||
            hi < c)
          return false;
      }
      ascii_set(got, (unsigned)c, (unsigned)hi);
    }
    if (p >= e || ++p != e) return false;
  } else {
    if (*p == '(' || *p == '.' || *p == '^' || *p == '$' || *p == '|' ||
        !ascii_member(&p, e, got, &c) || p != e)
      return false;
    if (c >= 0) ascii_set(got, (unsigned)c, (unsigned)c);
  }
  if (caseless) /* a letter in either case */
    for (unsigned l = 'a'; l <= 'z'; l++)
      if (got[1] & (BIT(l & 63) | BIT((l - 32) & 63)))
        got[1] |= BIT(l & 63) | BIT((l - 32) & 63);
  set[0] |= got[0];
  set[1] |= got[1];
  return true;
}

/* The group after "(" (the parenthesis read), up to and past ")". */
static void read_group(reader *rd, node *out) {
  empty_node(out);
  reader saved = *rd;
  enum { PLAIN, AHEAD, BEHIND, NOT_BEHIND, NOT_AHEAD } kind = PLAIN;
  if (peek(rd, 0) == '*') {
    /* (*MARK:NAME) and (*:NAME) only: other verbs steer the search */
    rd->p++;
    if (peek(rd, 0) == ':') rd->p++;
    else if (rd->end - rd->p >= 5 && !memcmp(rd->p, "MARK:", 5)) rd->p += 5;
    else {
      rd->bad = true;
      return;
    }
    skip_past(rd, ')');
    return;
  }
  if (peek(rd, 0) == '?') {
    rd->p++;
    int c = peek(rd, 0);
    if (c == '#') {
      skip_past(rd, ')');
      return;
    }
    if (c == ':' || c == '|' || c == '>') {
      rd->p++;
    } else if (c == '=') {
      rd->p++;
      kind = AHEAD;
    } else if (c == '!') {
      rd->p++;
      kind = NOT_AHEAD;
    } else if (c == '<' && peek(rd, 1) == '=') {
      rd->p += 2;
      kind = BEHIND;
    } else if (c == '<' && peek(rd, 1) == '!') {
      rd->p += 2;
      kind = NOT_BEHIND;
    } else if (c == '<' || c == '\'' || (c == 'P' && peek(rd, 1) == '<')) {
      int close = c == '\'' ? '\'' : '>';
      rd->p += c == 'P' ? 2 : 1;
      while (!at_end(rd) && *rd->p != close) {
        int k = *rd->p++;
        if (!(k == '_' || (k >= '0' && k <= '9') ||
              ((k | 0x20) >= 'a' && (k | 0x20) <= 'z'))) {
          rd->bad = true;
          return;
        }
      }
      if (at_end(rd)) {
        rd->bad = true;
        return;
      }
      rd->p++;
    } else {
      /* options: "(?i)" for the rest of the group, "(?i:...)" a group */
      if (!read_options(rd)) {
        rd->bad = true;
        return;
      }
      if (*rd->p++ == ')') return; /* the setting lasts: *rd keeps it */
    }
  }
  node inner;
  const unsigned char *body = rd->p;
  read_alt(rd, &inner);
  size_t body_len = (size_t)(rd->p - body);
  bool caseless = rd->caseless;
  close_group(rd, &saved);
  if (rd->bad) return;
  if (kind == PLAIN) {
    *out = inner;
    return;
  }
  /* an assertion consumes nothing; a lookbehind of one character from a
   * set of ASCII features says what stands before */
  if (kind == BEHIND && inner.one && !(inner.one & (F_OTHER | BIT(F_DIGIT)))) {
    out->after = inner.one;
    out->at_zero = false;
  }
  /* the words a lookahead holds stand in the text where it looks, as near
   * the start as those of a piece matched there would */
  if (kind == AHEAD) out->anchor_all = inner.anchor_all;
  if (kind == AHEAD) out->digit_all = inner.digit_all; /* so its digits */
  /* a lookahead's match starts where the pattern's does */
  if (kind == AHEAD) memcpy(out->guard, inner.guard, sizeof out->guard);
  /* a lookbehind that fails after each of some ASCII characters */
  if (kind == NOT_BEHIND) {
    uint64_t set[2] = {0, 0};
    if (ascii_matched(body, body_len, rd->ext, caseless, set))
      for (int k = 0; k < RULE_GUARDS; k++)
        out->guard[k][0] = set[0], out->guard[k][1] = set[1];
  }
}

/* A node of the literal character cp. */
static void literal_node(node *n, const reader *rd, uint32_t cp) {
  bytes first = {0};
  if (rd->caseless) bytes_add_caseless(&first, cp, cp);
  else bytes_add_chars(&first, cp, cp);
  char_node(n, cp_features(cp), &first);
}

/* One item with its quantifier. */
static void read_item(reader *rd, node *out) {
  empty_node(out);
  if (++rd->depth > 300) { /* deeper than PCRE2 nests */
    rd->bad = true;
    return;
  }
  int c = *rd->p;
  if (rd->quoted) {
    if (c == '\\' && peek(rd, 1) == 'E') {
      rd->p += 2;
      rd->quoted = false;
      int q = peek(rd, 0);
      if (q == '*' || q == '+' || q == '?' || q == '{') rd->bad = true;
      rd->depth--;
      return;
    }
    literal_node(out, rd, take_char(rd));
    rd->depth--;
    return;
  }
  bool quantifiable = true;
  if (c == '(') {
    rd->p++;
    read_group(rd, out);
  } else if (c == '[') {
    rd->p++;
    bytes first = {0};
    uint64_t one = read_class(rd, &first);
    char_node(out, one, &first);
  } else if (c == '.') {
    rd->p++;
    any_node(out, rd->dotall || !rd->lf ? F_ANY : F_ANY & ~F_NL);
  } else if (c == '^') {
    rd->p++;
    if (!rd->multiline) out->after = 0;
    else if (rd->lf) out->after = F_NL;
    quantifiable = false;
  } else if (c == '$') {
    rd->p++;
    out->ends = !rd->multiline && rd->lf; /* or before a final newline */
    quantifiable = false;
  } else if (c == '*' || c == '+' || c == '?' || c == '{' || c == ')' ||
             c == '|') {
    rd->bad = true; /* a quantifier with nothing before it */
  } else if (c == '\\') {
    rd->p++;
    int e = peek(rd, 0);
    if (e < 0) {
      rd->bad = true;
    } else {
      rd->p++;
      uint64_t f;
      int32_t cp;
      bytes first = {0};
      if (e == 'Q') {
        rd->quoted = true;
        quantifiable = false;
      } else if (e == 'E') {
        quantifiable = false;
      } else if (e == 'b' || e == 'B' || e == 'z' || e == 'Z' || e == 'K') {
        /* \K only moves where the match is said to start: what the try
         * from its start holds and where it can start are the same */
        out->ends = e == 'z' || (e == 'Z' && rd->lf);
        if (e == 'b') /* ASCII is of \w or not in any mode */
          word_boundary_guard(out);
        quantifiable = false;
      } else if (e == 'A') {
        out->after = 0;
        quantifiable = false;
      } else if ((f = class_escape(rd, e, &first))) {
        char_node(out, f, &first);
        out->space = e == 's' || e == 'h' || e == 'v';
      } else if (e == 'N' && peek(rd, 0) != '{') {
        any_node(out, rd->lf ? F_ANY & ~F_NL : F_ANY);
      } else if (e == 'R') {
        any_node(out, F_VSPACE | F_OTHER);
        out->one = 0; /* \r\n is one \R */
        out->nneeds = 0;
      } else if (e == 'X') {
        any_node(out, F_ANY);
        out->one = 0;
        out->len = SPAN_INF; /* a grapheme cluster of any length */
      } else if ((cp = char_escape(rd, e)) >= 0) {
        literal_node(out, rd, (uint32_t)cp);
      } else if (e < 0x80 && (e == '_' || (e >= '0' && e <= '9') ||
                              ((e | 0x20) >= 'a' && (e | 0x20) <= 'z'))) {
        rd->bad = true; /* backreferences, \G, \g, \k, \C, ... */
      } else {
        rd->p--;
        literal_node(out, rd, take_char(rd));
      }
    }
  } else {
    const unsigned char *at = rd->p;
    uint32_t cp = take_char(rd);
    literal_node(out, rd, cp);
    if (cp >= 0x80 || (cp >= '0' && cp <= '9') ||
        ((cp | 0x20) >= 'a' && (cp | 0x20) <= 'z')) {
      out->chlen = (uint8_t)(rd->p - at);
      memcpy(out->ch, at, out->chlen);
      out->chcase = rd->caseless;
    }
  }
  if (rd->bad || rd->quoted) {
    rd->depth--;
    return;
  }
  skip_extended(rd);
  unsigned min, max;
  if (read_quantifier(rd, &min, &max)) {
    if (!quantifiable) rd->bad = true;
    if (max != 1 || min != 1) out->one = 0;
    out->chlen = 0; /* no longer one character in its word */
    /* a run of white space, however long the text has it */
    out->len = out->space ? (span){0, 1, false} : span_times(out->len, max);
    out->space = false;
    /* the first time round starts where the match does; when it is not
     * empty, the first time it is not */
    if (min == 0) {
      memset(out->guard, 0, sizeof out->guard);
      out->ends = false;
      out->anchor_all.n = 0;
      out->digit_all = SPAN_INF;
      out->nneeds = 0;
      out->nlits = 0;
      out->after = F_ANY;
      out->at_zero = true;
      out->empty = true;
    }
    int q = peek(rd, 0);
    if (q == '*' || q == '+' || q == '?' || q == '{') rd->bad = true;
  }
  rd->depth--;
}

/* The word w[0..len) of `chars` characters, a clause of out: every match
 * of the sequence holds it; it starts where `pre`, the sequence before
 * it, ends. */
static void end_word(reader *rd, node *out, const node *pre, word *w,
                     size_t chars) {
  if (chars < 2) return;
  w->chars = (uint8_t)(chars < 255 ? chars : 255);
  word_table *wt = rd->words;
  size_t i = 0;
  while (i < wt->n &&
         (wt->items[i].len != w->len || wt->items[i].caseless != w->caseless ||
          memcmp(wt->items[i].text, w->text, w->len)))
    i++;
  if (i == WORDS_MAX) return; /* a clause fewer */
  if (i == wt->n) wt->items[wt->n++] = *w;
  lit_clause c = {.set = BIT(i), .ids = {(uint8_t)i}, .n = 1,
                  .weight = w->chars};
  add_lits(out, &c);
  anchor alone = {.ids = {(uint8_t)i}, .n = 1}, near;
  if (anchor_shift(&alone, pre->len, &near))
    anchor_pick(rd, &out->anchor_all, &near);
  if (anchor_union(nonempty(pre), &alone, &near))
    anchor_pick(rd, &out->anchor_all, &near);
  anchor_settle(rd, out);
}

/* Items up to '|', ')' or the end. */
static void read_seq(reader *rd, node *out) {
  empty_node(out);
  bool leading = true; /* the items read so far match the empty string */
  /* the word the last items spell: letters and digits written as
   * themselves, one after another, in one case mode */
  word w = {.len = 0};
  size_t chars = 0;
  node pre; /* the sequence before the word */
  for (;;) {
    skip_extended(rd);
    if (rd->bad || at_end(rd)) break;
    if (!rd->quoted && (*rd->p == '|' || *rd->p == ')')) break;
    node item;
    read_item(rd, &item);
    if (rd->bad) return;
    if (!item.chlen || w.len + item.chlen > WORD_MAX ||
        (w.len && item.chcase != w.caseless)) {
      end_word(rd, out, &pre, &w, chars);
      w.len = 0;
      chars = 0;
    }
    if (item.chlen) {
      if (!chars) pre = *out;
      w.caseless = item.chcase;
      memcpy(w.text + w.len, item.ch, item.chlen);
      w.len = (uint8_t)(w.len + item.chlen);
      chars++;
    }
    if (leading) {
      out->after &= item.after;
      out->at_zero = out->at_zero && item.at_zero;
    }
    leading = leading && item.zero;
    uint64_t after = out->after;
    bool at_zero = out->at_zero;
    bool only = out->zero && !out->nneeds && !out->eats;
    then(rd, out, &item);
    if (only) out->one = item.one; /* the first item is the whole so far */
    out->after = after;
    out->at_zero = at_zero;
  }
  end_word(rd, out, &pre, &w, chars);
}

/* Branches up to ')' or the end. */
static void read_alt(reader *rd, node *out) {
  read_seq(rd, out);
  while (!rd->bad && !at_end(rd) && *rd->p == '|') {
    rd->p++;
    node branch;
    read_seq(rd, &branch);
    either(rd, out, &branch);
  }
}

/* ---- literals ------------------------------------------------------------ */

void rule_literals_free(rule_literals *ls) {
  for (size_t i = 0; i < ls->n; i++) {
    free(ls->items[i]->text);
    pcre2_code_free(ls->items[i]->code);
    pcre2_code_free(ls->items[i]->rest);
    free(ls->items[i]);
  }
  free(ls->items);
  free(ls->slots);
  rule_word_answers_free(ls->answers);
  memset(ls, 0, sizeof *ls);
}

/* The lists of literals rule_literals_in_words was asked about (a few:
 * the unit rules of each level), with what it found for their words. */
typedef struct word_answers word_answers;
struct rule_word_answers {
  word_answers **lists; /* each where it was made: a list found under the
                           lock is still there when it is taken again */
  size_t n, cap;
};

/* The slot of ls->slots for the word text[0, len) in that case: the one
 * holding it, or the empty one where it goes. */
static size_t *literal_slot(const rule_literals *ls, const char *text,
                            size_t len, bool caseless) {
  size_t i = (cchc_hash_bytes(text, len) ^ caseless) & (ls->nslots - 1);
  for (;; i = (i + 1) & (ls->nslots - 1)) {
    size_t k = ls->slots[i];
    if (!k) return &ls->slots[i];
    const rule_literal *l = ls->items[k - 1];
    if (l->caseless == caseless && !strncmp(l->text, text, len) &&
        !l->text[len])
      return &ls->slots[i];
  }
}

/* Room in ls->slots for one more item; false without memory. */
static bool literal_slots_room(rule_literals *ls) {
  if (2 * (ls->n + 1) <= ls->nslots) return true;
  size_t nslots = ls->nslots ? 2 * ls->nslots : 256;
  size_t *slots = calloc(nslots, sizeof *slots);
  if (!slots) return false;
  free(ls->slots);
  ls->slots = slots;
  ls->nslots = nslots;
  for (size_t k = 0; k < ls->n; k++) {
    const rule_literal *l = ls->items[k];
    *literal_slot(ls, l->text, strlen(l->text), l->caseless) = k + 1;
  }
  return true;
}

/* A word's letters in lower case into out[0, cap): its length, or 0 when
 * one of them has no lower case that stands for it alone (its upper case
 * is another letter) or out is too small.  A letter and its lower case
 * match the same letters without case: a caseless word is kept once
 * whatever case its rules write it in. */
static size_t lower_word(const unsigned char *w, size_t len, unsigned char *out,
                         size_t cap) {
  int32_t i = 0, n = 0;
  while ((size_t)i < len) {
    UChar32 c, low;
    U8_NEXT(w, i, (int32_t)len, c);
    if (c < 0) return 0;
    low = u_tolower(c);
    if (low != c && u_toupper(low) != c) return 0;
    UBool bad = false;
    U8_APPEND(out, n, (int32_t)cap, low, bad);
    if (bad) return 0;
  }
  return (size_t)n;
}

void rule_literals_pair(rule_literals *ls) {
  unsigned char low[4 * WORD_MAX];
  for (size_t i = 0; i < ls->n && ls->nslots; i++) {
    rule_literal *l = ls->items[i];
    size_t n = l->caseless ? 0
                           : lower_word((const unsigned char *)l->text,
                                        strlen(l->text), low, sizeof low);
    size_t *slot = n ? literal_slot(ls, (const char *)low, n, true) : NULL;
    if (slot && *slot) l->twin = ls->items[*slot - 1];
  }
}

/* The literal of w in ls: the one there, or a new one compiled; NULL
 * without memory. */
static const rule_literal *literal_of(rule_literals *ls, const word *w) {
  if (!ls->answers && !(ls->answers = calloc(1, sizeof *ls->answers)))
    return NULL;
  if (!literal_slots_room(ls)) return NULL;
  unsigned char low[4 * WORD_MAX];
  const unsigned char *text = w->text;
  size_t len = w->len, n;
  if (w->caseless && (n = lower_word(w->text, w->len, low, sizeof low)))
    text = low, len = n;
  size_t *slot = literal_slot(ls, (const char *)text, len, w->caseless);
  if (*slot) return ls->items[*slot - 1];
  rule_literal **items = cchc_grow(ls->items, &ls->cap, ls->n, sizeof *items);
  if (!items) return NULL;
  ls->items = items;
  rule_literal *l = calloc(1, sizeof *l);
  if (!l || !(l->text = malloc(len + 1u))) {
    free(l);
    return NULL;
  }
  memcpy(l->text, text, len);
  l->text[len] = '\0';
  l->caseless = w->caseless;
  l->in_words = rule_literal_bytes_in_words(l->text);
  int code;
  PCRE2_SIZE at;
  /* the options of the rule it comes from, case as where it stands */
  l->code = pcre2_compile((PCRE2_SPTR)l->text, len,
                          PCRE2_UTF | PCRE2_UCP |
                              (l->caseless ? PCRE2_CASELESS : 0),
                          &code, &at, NULL);
  if (!l->code) {
    free(l->text);
    free(l);
    return NULL;
  }
  l->id = ls->n;
  l->set = ls;
  ls->items[ls->n++] = l;
  *slot = ls->n;
  return l;
}

/* Do clauses a and b share a word? */
static bool lits_share(const lit_clause *a, const lit_clause *b) {
  return a->set & b->set;
}

/* n's clauses of words as r's literals (RULE_LITS of them), the best
 * first; a clause with a word ls could not take is left out.  A clause
 * that shares a word with one kept excludes no more where that word
 * stands ("ubnd" in [ubnd|nhân] [ubnd|ban] [ubnd|dân]: a text with
 * "UBND" holds all three), so the best clause is kept, then the best of
 * words of their own ([ubnd|nhân] [văn|vp] [xã|phường]), then the best of
 * the rest.  Of their own, only clauses of a few words: each word is
 * searched for where the rule may run, and one of many is likely to stand
 * anywhere. */
static void keep_literals(rule *r, node *n, const word_table *wt,
                          rule_literals *ls) {
  for (size_t i = 1; i < n->nlits; i++)
    for (size_t k = i; k > 0 && lits_better(&n->lits[k], &n->lits[k - 1]);
         k--) {
      lit_clause c = n->lits[k];
      n->lits[k] = n->lits[k - 1];
      n->lits[k - 1] = c;
    }
  const lit_clause *kept[RULE_LITS];
  bool taken[NODE_LITS] = {false};
  size_t nkept = 0;
  for (int pass = 0; pass < 2; pass++)
    for (size_t i = 0; i < n->nlits && nkept < RULE_LITS; i++) {
      if (taken[i]) continue;
      bool take = pass || !nkept; /* the best, then any left */
      if (!take && n->lits[i].n <= RULE_LIT_ALTS / 2) {
        take = true;
        for (size_t j = 0; j < nkept && take; j++)
          take = !lits_share(&n->lits[i], kept[j]);
      }
      if (!take) continue;
      taken[i] = true;
      kept[nkept++] = &n->lits[i];
    }
  /* in the order of n's: the best first */
  rule_facts *f = &r->facts;
  for (size_t i = 0; i < n->nlits; i++) {
    if (!taken[i]) continue;
    const lit_clause *c = &n->lits[i];
    size_t k = 0;
    while (k < c->n &&
           (f->lits[f->nlits][k] = literal_of(ls, &wt->items[c->ids[k]])))
      k++;
    if (k < c->n) continue;
    f->nalts[f->nlits++] = c->n;
  }
}

/* l->rest, once: "(?<=F)REST" for l's word F REST (F one character, REST
 * more than one).
 * PCRE2's search skips to rare pairs of bytes in REST, where for the word
 * it tries each F, or each letter with three cases ('k', 's', and their
 * signs beyond ASCII).  Without it (or JIT for it) l->code is searched;
 * so it is when REST is one character ("qu"): no pair, and a search for
 * the one character stops more often than one for F. */
static void literal_rest(rule_literal *l) {
  size_t len = strlen(l->text), first = 1;
  while (first < len && (l->text[first] & 0xC0) == 0x80) first++;
  char rest[WORD_MAX + 8];
  int n = snprintf(rest, sizeof rest, "(?<=%.*s)%s", (int)first, l->text,
                   l->text + first);
  size_t second = first + 1; /* REST of one character has no pair */
  while (second < len && (l->text[second] & 0xC0) == 0x80) second++;
  if (l->rest || second >= len || n < 0 || (size_t)n >= sizeof rest) return;
  int code;
  PCRE2_SIZE at;
  l->rest = pcre2_compile((PCRE2_SPTR)rest, (size_t)n,
                          PCRE2_UTF | PCRE2_UCP |
                              (l->caseless ? PCRE2_CASELESS : 0),
                          &code, &at, NULL);
  if (l->rest && !jit_supported()) {
    pcre2_code_free(l->rest);
    l->rest = NULL;
  }
}

/* n's words near the start of every match as r's anchor; none when ls
 * could not take one. */
static void keep_anchor(rule *r, const node *n, const word_table *wt,
                        rule_literals *ls) {
  rule_facts *f = &r->facts;
  for (size_t k = 0; k < n->anchor_all.n; k++) {
    f->anchor[k] = literal_of(ls, &wt->items[n->anchor_all.ids[k]]);
    if (!f->anchor[k]) return;
    f->anchor_bytes[k] = n->anchor_all.before[k].bytes;
    f->anchor_runs[k] = n->anchor_all.before[k].runs;
  }
  f->nanchor = n->anchor_all.n;
}

/* ---- literals in words ---------------------------------------------------- */

/* The caseless literals of lits[0, nlits) in the words s[at[w], at[w] +
 * len[w]), w = which[0, m): searched by their patterns along those words
 * joined by line breaks (which no literal holds), each hit told to the
 * word it lies in. */
static bool caseless_in_words(const rule_literal *const *lits, size_t nlits,
                              const char *s, const size_t *at,
                              const uint32_t *len, const size_t *which,
                              size_t m, uint64_t *holds, size_t nbits) {
  size_t total = 0;
  for (size_t j = 0; j < m; j++) total += len[which[j]] + 1u;
  char *joined = malloc(total ? total : 1);
  size_t *start = malloc((m + 1) * sizeof *start);
  pcre2_match_data *md = pcre2_match_data_create(1, NULL);
  bool ok = joined && start && md;
  size_t from = 0;
  for (size_t j = 0; ok && j < m; j++) {
    start[j] = from;
    memcpy(joined + from, s + at[which[j]], len[which[j]]);
    from += len[which[j]];
    joined[from++] = '\n';
  }
  if (ok) start[m] = total;
  for (size_t i = 0; ok && i < nlits; i++) {
    const rule_literal *l = lits[i];
    for (from = 0; l->caseless && from < total;) {
      if (code_match(l->code, &l->jit, joined, total, from, md, NULL) <= 0)
        break;
      size_t hit = pcre2_get_ovector_pointer(md)[0], lo = 0, hi = m;
      while (lo + 1 < hi) { /* the word holding hit */
        size_t mid = lo + (hi - lo) / 2;
        if (start[mid] <= hit) lo = mid;
        else hi = mid;
      }
      holds[which[lo] * nbits + i / 64] |= BIT(i % 64);
      from = start[lo + 1];
    }
  }
  pcre2_match_data_free(md);
  free(start);
  free(joined);
  return ok;
}

/* The literals of lits[0, nlits) the words which[0, m) hold, searched. */
static bool literals_search(const rule_literal *const *lits, size_t nlits,
                            const char *s, const size_t *at,
                            const uint32_t *len, const size_t *which,
                            size_t m, uint64_t *holds, size_t nbits) {
  /* No word to search (every word's answer kept): nothing to set up; the
   * literals measured and a match data made cost ~4,700 instructions. */
  if (!m) return true;
  /* A literal matched in its case is its characters, and a UTF-8
   * character matches only its own bytes (which start on a character, the
   * lead byte being no continuation byte): such a literal stands in a word
   * where its bytes do.  They are tried at each byte of a word that one of
   * them starts with: by_first[from[c], from[c + 1]) start with byte c. */
  size_t from[257] = {0}, *by_first = malloc((nlits + 1) * sizeof *by_first);
  size_t *lit_len = malloc((nlits + 1) * sizeof *lit_len);
  if (!by_first || !lit_len) {
    free(by_first);
    free(lit_len);
    return false;
  }
  bool caseless = false;
  for (size_t i = 0; i < nlits; i++) {
    lit_len[i] = strlen(lits[i]->text);
    caseless = caseless || lits[i]->caseless;
    if (!lits[i]->caseless && lit_len[i])
      from[(unsigned char)lits[i]->text[0] + 1]++;
  }
  for (size_t c = 0; c < 256; c++) from[c + 1] += from[c];
  size_t next[256];
  memcpy(next, from, sizeof next);
  for (size_t i = 0; i < nlits; i++)
    if (!lits[i]->caseless && lit_len[i])
      by_first[next[(unsigned char)lits[i]->text[0]]++] = i;
  for (size_t j = 0; j < m; j++) {
    const char *wd = s + at[which[j]];
    size_t n = len[which[j]];
    uint64_t *has = holds + which[j] * nbits;
    for (size_t p = 0; p < n; p++) {
      unsigned char c = (unsigned char)wd[p];
      for (size_t k = from[c]; k < from[c + 1]; k++) {
        size_t i = by_first[k];
        if (lit_len[i] <= n - p &&
            !memcmp(wd + p + 1, lits[i]->text + 1, lit_len[i] - 1))
          has[i / 64] |= BIT(i % 64);
      }
    }
  }
  free(by_first);
  free(lit_len);
  return !caseless || caseless_in_words(lits, nlits, s, at, len, which, m,
                                        holds, nbits);
}

/* At most WORDS_KEPT words per list of literals, so that memory stays
 * flat over any batch (the words of a language are fewer; a text past
 * them is searched, as every text is without them).  One lock for every
 * rule set, taken twice for a document's words: to read, as every
 * worker's plan looks its words up at once (a mutex made the other
 * worker sleep through them), then to write the words searched. */
enum { WORDS_KEPT = 1 << 16 };
static pthread_rwlock_t answers_lock = PTHREAD_RWLOCK_INITIALIZER;

/* The words of texts by number (word_ids, after the words of a text are
 * read: below). */
typedef struct text_words text_words;
static uint64_t word_key(const char *s, size_t at, size_t n, size_t len);
static void word_ids_find(const char *s, const size_t *at,
                          const uint32_t *len, const uint64_t *key, size_t m,
                          uint32_t *id);

/* Room in a memo's index by word number (word_ids) for number id: *row
 * grown to cover it, the new part 0 (not kept); false without memory. */
static bool rows_cover(uint32_t **row, size_t *nrow, uint32_t id) {
  if (id < *nrow) return true;
  size_t n = 2 * *nrow > (size_t)id + 1 ? 2 * *nrow : (size_t)id + 1;
  uint32_t *grown = realloc(*row, n * sizeof *grown);
  if (!grown) return false;
  memset(grown + *nrow, 0, (n - *nrow) * sizeof *grown);
  *row = grown;
  *nrow = n;
  return true;
}

/* What was found for the words of texts before, for one list of literals
 * (the unit rules of a level ask with one list, document after
 * document): the words of plans repeat, so a batch searches mostly the
 * words it has not met.  Word number i (word_ids) holds the literals
 * holds[(row[i] - 1) * nbits ...] when row[i] (i < nrow) is not 0. */
struct word_answers {
  const rule_literal **lits;
  size_t nlits, nbits;
  uint32_t *row;
  size_t nrow;
  uint64_t *holds;
  size_t nkept, cap_holds;
};

static void word_answers_free(word_answers *a) {
  free(a->lits);
  free(a->row);
  free(a->holds);
}

void rule_word_answers_free(rule_word_answers *wa) {
  if (!wa) return;
  for (size_t i = 0; i < wa->n; i++) {
    word_answers_free(wa->lists[i]);
    free(wa->lists[i]);
  }
  free(wa->lists);
  free(wa);
}

/* The answers for lits[0, nlits); when there are none, new if `make`
 * (under answers_lock to write), else NULL; NULL without memory. */
static word_answers *answers_for(rule_word_answers *wa,
                                 const rule_literal *const *lits,
                                 size_t nlits, size_t nbits, bool make) {
  for (size_t i = 0; i < wa->n; i++) {
    word_answers *a = wa->lists[i];
    if (a->nlits == nlits && a->nbits == nbits &&
        !memcmp(a->lits, lits, nlits * sizeof *lits))
      return a;
  }
  if (!make) return NULL;
  word_answers **v = cchc_grow(wa->lists, &wa->cap, wa->n, sizeof *v);
  if (!v) return NULL;
  wa->lists = v;
  word_answers *a = calloc(1, sizeof *a);
  if (!a) return NULL;
  *a = (word_answers){.nlits = nlits, .nbits = nbits};
  a->lits = malloc((nlits + 1) * sizeof *a->lits);
  if (!a->lits) {
    free(a);
    return NULL;
  }
  if (nlits) memcpy(a->lits, lits, nlits * sizeof *lits);
  v[wa->n++] = a;
  return a;
}

/* Keep what word number id holds; false when it cannot be kept (no room,
 * or no memory: it is then searched when met again). */
static bool answer_keep(word_answers *a, uint32_t id, const uint64_t *holds) {
  if (a->nkept == WORDS_KEPT || !rows_cover(&a->row, &a->nrow, id))
    return false;
  if (a->row[id]) return true; /* another thread kept it */
  uint64_t *kept = cchc_grow(a->holds, &a->cap_holds, a->nkept,
                             a->nbits * sizeof *kept);
  if (!kept) return false;
  a->holds = kept;
  memcpy(a->holds + a->nkept * a->nbits, holds, a->nbits * sizeof *holds);
  a->row[id] = (uint32_t)++a->nkept;
  return true;
}

bool rule_literals_held(const rule *r, const char *s, size_t n,
                        pcre2_match_data *md) {
  const rule_facts *f = &r->facts;
  for (size_t c = 0; c < f->nlits; c++) {
    bool held = false;
    for (size_t k = 0; k < f->nalts[c] && !held; k++) {
      const rule_literal *l = f->lits[c][k];
      held = !l->code || code_match(l->code, &l->jit, s, n, 0, md, NULL) > 0;
    }
    if (!held) return false;
  }
  return true;
}

/* The words' numbers (word_ids): `known` when given (a text's words
 * looked up once for it: rule_text_word_ids), else looked up here into
 * *made (freed by the caller); NULL without memory. */
static const uint32_t *words_numbered(const char *s, const size_t *at,
                                      const uint32_t *len,
                                      const uint32_t *known, size_t nwords,
                                      uint32_t **made) {
  if (known) return known;
  uint64_t *key = malloc((nwords + 1) * sizeof *key);
  *made = malloc((nwords + 1) * sizeof **made);
  if (key && *made) {
    /* (the word's end taken as the text's: no byte past it is read) */
    for (size_t w = 0; w < nwords; w++)
      key[w] = word_key(s + at[w], 0, len[w], len[w]);
    word_ids_find(s, at, len, key, nwords, *made);
  }
  free(key);
  return key ? *made : NULL;
}

/* What a's words kept hold, copied for the words numbered id[0, nwords)
 * into holds (nbits words each); the words not kept listed in miss[]:
 * their count.  Under answers_lock to read.  Inline, so that the few
 * words of each word are copied by a loop of a known count. */
static inline __attribute__((always_inline)) size_t answers_copy(
    const word_answers *a, const uint32_t *id, size_t nwords,
    uint64_t *holds, size_t nbits, size_t *miss) {
  const uint32_t *row = a->row;
  const uint64_t *kept = a->holds;
  size_t nrow = a->nrow, nmiss = 0;
  for (size_t w = 0; w < nwords; w++) {
    uint32_t r = id[w] < nrow ? row[id[w]] : 0;
    if (!r) {
      miss[nmiss++] = w;
      continue;
    }
    for (size_t b = 0; b < nbits; b++)
      holds[w * nbits + b] = kept[(r - 1) * nbits + b];
  }
  return nmiss;
}

bool rule_literals_in_words(const rule_literal *const *lits, size_t nlits,
                            const char *s, const size_t *at,
                            const uint32_t *len, const uint32_t *known,
                            size_t nwords, uint64_t *holds, size_t nbits) {
  rule_word_answers *wa = nlits ? lits[0]->set->answers : NULL;
  for (size_t i = 0; wa && i < nlits; i++)
    if (lits[i]->set != lits[0]->set) wa = NULL;
  size_t *miss = malloc((nwords + 1) * sizeof *miss); /* [0, nmiss) set */
  uint32_t *made = NULL;
  const uint32_t *id =
      wa && miss ? words_numbered(s, at, len, known, nwords, &made) : NULL;
  if (!miss) return false;
  miss[0] = 0; /* (read only up to nmiss: for the compiler) */
  size_t nmiss = 0;
  word_answers *a = NULL;
  if (id) {
    /* (a list once made stays until the rules are freed) */
    pthread_rwlock_rdlock(&answers_lock);
    a = answers_for(wa, lits, nlits, nbits, false);
    pthread_rwlock_unlock(&answers_lock);
    if (!a) {
      pthread_rwlock_wrlock(&answers_lock);
      a = answers_for(wa, lits, nlits, nbits, true);
      pthread_rwlock_unlock(&answers_lock);
    }
  }
  pthread_rwlock_rdlock(&answers_lock);
  if (!a) {
    for (size_t w = 0; w < nwords; w++) miss[w] = w;
    nmiss = nwords;
  } else if (nbits == 1) { /* (the lists of a plan: one or two words) */
    nmiss = answers_copy(a, id, nwords, holds, 1, miss);
  } else if (nbits == 2) {
    nmiss = answers_copy(a, id, nwords, holds, 2, miss);
  } else {
    nmiss = answers_copy(a, id, nwords, holds, nbits, miss);
  }
  pthread_rwlock_unlock(&answers_lock);
  bool ok = literals_search(lits, nlits, s, at, len, miss, nmiss, holds, nbits);
  if (ok && a && nmiss) {
    pthread_rwlock_wrlock(&answers_lock);
    for (size_t j = 0; j < nmiss; j++) {
      size_t w = miss[j];
      if (id[w] && !answer_keep(a, id[w], holds + w * nbits)) break;
    }
    pthread_rwlock_unlock(&answers_lock);
  }
  free(miss);
  free(made);
  return ok;
}

/* ---- first words --------------------------------------------------------- */

/* The reader above gives up on subroutine calls; this one reads only how
 * a match starts, and follows "(?&name)" into the group it names.  It
 * walks past what it does not read (skip_*), and finds a named group by
 * walking the whole pattern (group_lookup), with the options in force
 * where the group stands. */

typedef struct group_lookup {
  const unsigned char *name;
  size_t len;
  reader at; /* at the start of the group's body */
  int hits;
} group_lookup;

static void skip_alt(reader *rd, group_lookup *g);

/* Past an escape (rd->p at the backslash).  \G and \K would tell an
 * anchored try from a search; \Q is not worth knowing. */
static void skip_escape(reader *rd) {
  int e = take_escape(rd);
  if (e < 0 || e == 'Q' || e == 'G' || e == 'K') {
    rd->bad = true;
    return;
  }
  if (e >= 0x80) {
    rd->p--;
    take_char(rd);
    return;
  }
  int open = peek(rd, 0);
  if (e == 'c') {
    if (open >= 0) rd->p++;
  } else if (strchr("xopPNgk", e) &&
             (open == '{' ||
              ((e == 'g' || e == 'k') && (open == '<' || open == '\'')))) {
    rd->p++;
    skip_past(rd, open == '{' ? '}' : open == '<' ? '>' : '\'');
  } else if ((e == 'p' || e == 'P') && open >= 0) {
    take_char(rd); /* \pL */
  }
}

static void skip_group(reader *rd, group_lookup *g);

/* Past one item and its quantifier. */
static void skip_item(reader *rd, group_lookup *g) {
  int c = *rd->p;
  if (c == '(') {
    rd->p++;
    skip_group(rd, g);
  } else if (c == '[') {
    rd->p++;
    bytes b = {0};
    read_class(rd, &b);
  } else if (c == '\\') {
    skip_escape(rd);
  } else {
    take_char(rd);
  }
  if (rd->bad) return;
  skip_extended(rd);
  unsigned min, max;
  read_quantifier(rd, &min, &max);
}

static bool is_digit(int c) { return c >= '0' && c <= '9'; }

/* What a group's head says follows it. */
enum { HEAD_BAD, HEAD_DONE, HEAD_BODY };

/* Past the head of a group (after its "("), noting in g where the group
 * it looks for starts: HEAD_BODY when its branches follow, HEAD_DONE when
 * the group is read whole (a comment, a call, a backreference, options
 * that last). */
static int skip_group_head(reader *rd, group_lookup *g) {
  if (peek(rd, 0) == '*') return HEAD_BAD; /* verbs steer a search */
  if (peek(rd, 0) != '?') return HEAD_BODY;
  rd->p++;
  int c = peek(rd, 0), d = peek(rd, 1);
  if (c == '#' || c == '&' || c == 'R' || c == '+' || is_digit(c) ||
      (c == '-' && is_digit(d)) || (c == 'P' && (d == '>' || d == '='))) {
    skip_past(rd, ')');
    return rd->bad ? HEAD_BAD : HEAD_DONE;
  }
  if (c == 'C') return HEAD_BAD; /* a callout */
  if (c == '(') { /* a condition: an assertion, or a name or number */
    rd->p++;
    if (peek(rd, 0) == '?') skip_group(rd, g);
    else skip_past(rd, ')');
  } else if (c == ':' || c == '|' || c == '>' || c == '=' || c == '!') {
    rd->p++;
  } else if (c == '<' && (d == '=' || d == '!')) {
    rd->p += 2;
  } else if (c == '<' || c == '\'' || (c == 'P' && d == '<')) {
    rd->p += c == 'P' ? 2 : 1;
    const unsigned char *name = rd->p;
    skip_past(rd, c == '\'' ? '\'' : '>');
    size_t len = (size_t)(rd->p - 1 - name);
    if (g && !rd->bad && len == g->len && !memcmp(name, g->name, len) &&
        !g->hits++)
      g->at = *rd;
  } else if (!read_options(rd)) {
    return HEAD_BAD;
  } else if (*rd->p++ == ')') {
    return HEAD_DONE; /* the setting lasts: *rd keeps it */
  }
  return rd->bad ? HEAD_BAD : HEAD_BODY;
}

/* Past a group (after its "("). */
static void skip_group(reader *rd, group_lookup *g) {
  reader saved = *rd;
  if (++rd->depth > 300) {
    rd->bad = true;
    return;
  }
  int head = skip_group_head(rd, g);
  if (head == HEAD_BAD) rd->bad = true;
  if (head == HEAD_BODY) {
    skip_alt(rd, g);
    close_group(rd, &saved);
  }
  rd->depth--;
}

/* Past a group's branches, up to its ')' (or the pattern's end). */
static void skip_alt(reader *rd, group_lookup *g) {
  for (;;) {
    skip_extended(rd);
    if (rd->bad || at_end(rd) || *rd->p == ')') return;
    if (*rd->p == '|') rd->p++;
    else skip_item(rd, g);
  }
}

/* The words read: each a match may start with. */
typedef struct word_set {
  rule_first_word w[RULE_FIRST_WORDS];
  size_t n;
} word_set;

/* Calls followed into calls deeper than this are a recursion, and more
 * calls than CALLS_READ (each a walk of the pattern) too many: unread. */
enum { CALLS_MAX = 16, CALLS_READ = 256 };

typedef struct first_reader {
  reader top; /* at the pattern's start */
  int calls;  /* being followed */
  int read;   /* followed */
  /* rule_start_words: words in any case mode (compared without case),
   * read through groups; a branch that opens with \d sets digits */
  bool any_case, digits;
} first_reader;

static void first_alt(first_reader *fr, reader *rd, word_set *out);

/* The reader at the body of the group named in the call at rd->p (after
 * "(?&" or "(?P>"), read past the call. */
static bool find_called(const first_reader *fr, reader *rd, reader *at) {
  const unsigned char *name = rd->p;
  skip_past(rd, ')');
  if (rd->bad) return false;
  group_lookup g = {.name = name, .len = (size_t)(rd->p - 1 - name)};
  reader walk = fr->top;
  skip_alt(&walk, &g);
  /* one group of that name, in a pattern walked to its end */
  if (walk.bad || !at_end(&walk) || g.hits != 1) return false;
  *at = g.at;
  return true;
}

/* The words in w, each followed by the characters in `chars` (a class:
 * one of them), into w; false when they would be too many or too long. */
static bool words_times(word_set *w, const word_set *chars) {
  if (w->n * chars->n > RULE_FIRST_WORDS) return false;
  word_set out = {.n = 0};
  for (size_t i = 0; i < w->n; i++)
    for (size_t k = 0; k < chars->n; k++) {
      rule_first_word *o = &out.w[out.n++];
      *o = w->w[i];
      if (o->len + chars->w[k].len > RULE_FIRST_WORD) return false;
      memcpy(o->text + o->len, chars->w[k].text, chars->w[k].len);
      o->len = (uint8_t)(o->len + chars->w[k].len);
    }
  *w = out;
  return true;
}

/* A character written as itself at rd->p (no metacharacter, no escape),
 * into c; in a class, a class of such characters and no range. */
static bool read_plain_char(reader *rd, rule_first_word *c, bool in_class) {
  int b = peek(rd, 0);
  if (b < 0 || (in_class ? strchr("\\[]-^", b) != NULL
                         : strchr("\\^$.[|()?*+{", b) != NULL))
    return false;
  const unsigned char *at = rd->p;
  take_char(rd);
  c->len = (uint8_t)(rd->p - at);
  memcpy(c->text, at, c->len);
  return !rd->bad;
}

/* A class of characters written as themselves (rd->p after its '['),
 * read past its ']'. */
static bool read_plain_class(reader *rd, word_set *chars) {
  chars->n = 0;
  while (!at_end(rd) && *rd->p != ']') {
    if (chars->n == 8 || !read_plain_char(rd, &chars->w[chars->n++], true))
      return false;
  }
  if (at_end(rd) || !chars->n) return false;
  rd->p++;
  return true;
}

/* A quantifier at rd->p (after white space in extended mode)? */
static bool quantified(reader *rd) {
  skip_extended(rd);
  int c = peek(rd, 0);
  return c == '*' || c == '+' || c == '?' || c == '{';
}

/* A group at rd->p, whose body starts after its opening (rd->p past it):
 * its first words into *w; false (rd->bad) when it may be skipped or
 * they are not known. */
static bool first_group(first_reader *fr, reader *rd, word_set *w) {
  reader saved = *rd;
  first_alt(fr, rd, w);
  close_group(rd, &saved);
  if (rd->bad) return false;
  skip_extended(rd);
  unsigned min = 1, max = 1;
  if (read_quantifier(rd, &min, &max) && !min) rd->bad = true;
  return !rd->bad;
}

/* Is the group at rd->p (its "(") one that consumes nothing: a lookaround,
 * a comment, the group of definitions no match enters? */
static bool zero_width_group(const reader *rd) {
  static const char *const heads[] = {"(?=", "(?!", "(?<=", "(?<!", "(?#",
                                      "(?(DEFINE)"};
  for (size_t i = 0; i < sizeof heads / sizeof *heads; i++) {
    size_t n = strlen(heads[i]);
    if ((size_t)(rd->end - rd->p) >= n && !memcmp(rd->p, heads[i], n))
      return true;
  }
  return false;
}

/* Does the group at rd->p (its "(?") set options: "(?i)", "(?-x:"? */
static bool options_head(const reader *rd) {
  int c = peek(rd, 2);
  return c > 0 && strchr("imnsxJU^-", c) && !(c == '-' && is_digit(peek(rd, 3)));
}

/* The group (or call) at rd->p (its '('): the first words of its
 * branches into *g, rd past it and its quantifier; *optional when the
 * quantifier lets it be skipped.  False (rd->bad) when not known. */
static bool group_words(first_reader *fr, reader *rd, word_set *g,
                        bool *optional) {
  rd->p++;
  bool call = peek(rd, 0) == '?' && (peek(rd, 1) == '&' ||
                                     (peek(rd, 1) == 'P' && peek(rd, 2) == '>'));
  if (call) {
    rd->p += peek(rd, 1) == '&' ? 2 : 3;
    reader body;
    if (++fr->calls > CALLS_MAX || ++fr->read > CALLS_READ ||
        !find_called(fr, rd, &body)) {
      rd->bad = true;
      return false;
    }
    first_alt(fr, &body, g);
    fr->calls--;
    if (body.bad || at_end(&body)) rd->bad = true;
  } else {
    int h = peek(rd, 1);
    if ((peek(rd, 0) == '?' && !strchr(":>|<'", h) &&
         !(h == 'P' && peek(rd, 2) == '<')) ||
        skip_group_head(rd, NULL) != HEAD_BODY) {
      rd->bad = true;
      return false;
    }
    reader saved = *rd;
    first_alt(fr, rd, g);
    close_group(rd, &saved);
  }
  if (rd->bad) return false;
  skip_extended(rd);
  unsigned min = 1, max = 1;
  *optional = read_quantifier(rd, &min, &max) && !min;
  return !rd->bad;
}

/* The words of w not yet in out added to it; false when out is full. */
static bool words_union(word_set *out, const word_set *w) {
  for (size_t i = 0; i < w->n; i++) {
    size_t k = 0;
    while (k < out->n && (out->w[k].len != w->w[i].len ||
                          memcmp(out->w[k].text, w->w[i].text, w->w[i].len)))
      k++;
    if (k < out->n) continue;
    if (out->n == RULE_FIRST_WORDS) return false;
    out->w[out->n++] = w->w[i];
  }
  return true;
}

/* rd past the rest of the branch, to its '|' or ')' or the end. */
static void skip_branch_rest(reader *rd) {
  for (;;) {
    skip_extended(rd);
    if (rd->bad || at_end(rd) || *rd->p == '|' || *rd->p == ')') return;
    skip_item(rd, NULL);
  }
}

static void first_seq(first_reader *fr, reader *rd, word_set *out);

/* For any_case: a group at rd->p (its '(', not zero-width nor options)
 * after the words w of a branch (`started`) or at its start.  After
 * words, each of them followed by each of the group's (when it is not
 * skipped, and they are not too many: else w stays, rd at the group).
 * At the start, its words; and when it may be skipped, the words of what
 * follows too, read here with the rest of the branch: true then (out
 * holds them, rd at the branch's end). */
static bool any_case_group(first_reader *fr, reader *rd, word_set *out,
                           word_set *w, bool started) {
  reader at = *rd;
  word_set g;
  bool optional = false;
  bool known = group_words(fr, rd, &g, &optional);
  if (started) {
    if (!known || optional || !words_times(w, &g)) *rd = at;
    return false;
  }
  if (!known) {
    rd->bad = true;
    return false;
  }
  if (!optional) {
    *w = g;
    return false;
  }
  if (!words_union(out, &g)) {
    rd->bad = true;
    return true;
  }
  first_seq(fr, rd, out);
  return true;
}

/* One branch: its first words into out; then past the rest of it.  The
 * words are the literal characters it opens with, after what consumes
 * nothing; or those of the group or call it opens with. */
static void first_seq(first_reader *fr, reader *rd, word_set *out) {
  word_set w = {.n = 1}; /* the empty word */
  bool started = false;
  for (;;) {
    skip_extended(rd);
    if (rd->bad || at_end(rd) || *rd->p == '|' || *rd->p == ')') break;
    reader before = *rd;
    int c = *rd->p, e = peek(rd, 1);
    bool zero = c == '^' || c == '$' ||
                (c == '\\' && e >= 0 && strchr("bBAZz", e)) ||
                (c == '(' && zero_width_group(rd));
    if (zero || (c == '(' && e == '?' && options_head(rd))) {
      if (started) break;
      if (zero) {
        skip_item(rd, NULL);
        continue;
      }
      /* options: "(?x)" lasts, "(?x:" opens a group */
      rd->p += 2;
      if (!read_options(rd) || (rd->caseless && !fr->any_case)) {
        rd->bad = true;
        break;
      }
      if (*rd->p++ == ')') continue;
      started = first_group(fr, rd, &w);
      break;
    }
    if (c == '(' && fr->any_case) {
      if (any_case_group(fr, rd, out, &w, started)) return;
      started = true;
      break;
    }
    if (fr->any_case && !started && c == '\\' && e == 'd') {
      /* a digit starts the branch's matches (unless it may be skipped) */
      rd->p += 2;
      skip_extended(rd);
      unsigned min = 1, max = 1;
      if (read_quantifier(rd, &min, &max) && !min) rd->bad = true;
      fr->digits = true;
      skip_branch_rest(rd);
      return;
    }
    if (c == '(') {
      /* a call or a group of branches (the assertions and options are
       * read above): its words, when it cannot be skipped */
      if (started) break;
      word_set g;
      bool optional = false;
      if (!group_words(fr, rd, &g, &optional) || optional) {
        rd->bad = true;
        break;
      }
      w = g;
      started = true;
      break;
    }
    /* a character, or a class of characters, in the words */
    word_set chars = {.n = 1};
    bool plain = c == '['
                     ? (rd->p++, read_plain_class(rd, &chars))
                     : read_plain_char(rd, &chars.w[0], false);
    if (!plain || (rd->caseless && !fr->any_case) || quantified(rd) ||
        !words_times(&w, &chars)) {
      *rd = before;
      if (!started) rd->bad = true;
      break;
    }
    started = true;
  }
  if (rd->bad) return;
  if (!started) {
    rd->bad = true;
    return;
  }
  if (!words_union(out, &w)) {
    rd->bad = true;
    return;
  }
  skip_branch_rest(rd);
}

/* The first words of a group's branches (rd->p at the first), up to its
 * ')' or the pattern's end. */
static void first_alt(first_reader *fr, reader *rd, word_set *out) {
  out->n = 0;
  for (;;) {
    first_seq(fr, rd, out);
    if (rd->bad || at_end(rd) || *rd->p == ')') return;
    rd->p++; /* '|' */
  }
}

static int by_bytes(const void *a, const void *b) {
  const rule_first_word *x = a, *y = b;
  size_t n = x->len < y->len ? x->len : y->len;
  int c = memcmp(x->text, y->text, n);
  return c ? c : (int)x->len - (int)y->len;
}

bool rule_first_words_read(const char *pattern, uint32_t options,
                           rule_first_words **out) {
  *out = NULL;
  first_reader fr = {
      .top = {.p = (const unsigned char *)pattern,
              .end = (const unsigned char *)pattern + strlen(pattern),
              .ext = options & PCRE2_EXTENDED,
              .ext2 = options & PCRE2_EXTENDED_MORE,
              .caseless = options & PCRE2_CASELESS}};
  word_set *w = malloc(sizeof *w);
  if (!w) return false;
  reader rd = fr.top;
  /* a caseless pattern matches its words in other cases too */
  if (!rd.caseless) first_alt(&fr, &rd, w);
  if (rd.caseless || rd.bad || !at_end(&rd) || !w->n) {
    free(w);
    return false;
  }
  rule_first_words *fw = malloc(sizeof *fw + w->n * sizeof *fw->w);
  if (fw) {
    qsort(w->w, w->n, sizeof *w->w, by_bytes);
    memset(fw->from, 0, sizeof fw->from);
    memset(fw->to, 0, sizeof fw->to);
    fw->n = w->n;
    memcpy(fw->w, w->w, w->n * sizeof *w->w);
    for (size_t k = w->n; k-- > 0;) {
      unsigned c = fw->w[k].text[0];
      fw->from[c] = (uint8_t)k;
      if (!fw->to[c]) fw->to[c] = (uint8_t)(k + 1);
    }
  }
  free(w);
  *out = fw;
  return fw != NULL;
}

/* A pattern that has no facts, that PCRE2 would try at every position
 * its first bytes (if it knows them) stand: tried only where its first
 * words stand, when it has some of two characters or more. */
static void read_first_words(rule *r, uint32_t options) {
  uint32_t type = 0;
  pcre2_pattern_info(r->code, PCRE2_INFO_FIRSTCODETYPE, &type);
  if (type || (options & PCRE2_ANCHORED) ||
      !rule_first_words_read(r->pattern, options, &r->first_words))
    return;
  for (size_t k = 0; k < r->first_words->n; k++) {
    const rule_first_word *w = &r->first_words->w[k];
    size_t i = 0;
    if (cchc_utf8_next((const char *)w->text, w->len, &i) < 0 || i >= w->len)
      goto drop; /* one character: tried at nearly every letter */
  }
  /* compiled at the first try, as every anchored pattern (rule_anchored) */
  if (jit_supported()) return; /* without JIT one search is as good */
drop:
  free(r->first_words);
  r->first_words = NULL;
}

_Static_assert(RULE_CASE_FORMS == 4, "rule_start_words.forms");

/* The characters c matches without case (PCRE2 matches one character by
 * one, by the case folding ICU's closure holds), c among them, into out:
 * how many; 0 when more than RULE_CASE_FORMS.  The closure's strings
 * (full foldings: "i\u0307" of U+0130) are none PCRE2 matches: with
 * strings_fail a closure holding one gives 0, else they are left out. */
static size_t case_closure(int32_t c, int32_t out[RULE_CASE_FORMS],
                           bool strings_fail) {
  USet *set = uset_open(c, c);
  if (!set) return 0;
  uset_closeOver(set, USET_CASE_INSENSITIVE);
  size_t n = 0;
  bool ok = true;
  for (int32_t k = 0, items = uset_getItemCount(set); ok && k < items; k++) {
    UChar32 lo, hi;
    UChar str[8];
    UErrorCode st = U_ZERO_ERROR;
    int32_t len = uset_getItem(set, k, &lo, &hi, str, 8, &st);
    if (U_FAILURE(st) || (len && strings_fail)) ok = false;
    for (UChar32 x = lo; ok && !len && x <= hi; x++) {
      if (n == RULE_CASE_FORMS) ok = false;
      else out[n++] = x;
    }
  }
  uset_close(set);
  return ok ? n : 0;
}

/* For start words: a character's forms, the strings left out. */
static size_t char_forms(int32_t c, int32_t out[RULE_CASE_FORMS]) {
  return case_closure(c, out, false);
}

bool rule_start_words_read(const char *pattern, uint32_t options,
                           rule_start_words **out) {
  *out = NULL;
  first_reader fr = {
      .top = {.p = (const unsigned char *)pattern,
              .end = (const unsigned char *)pattern + strlen(pattern),
              .ext = options & PCRE2_EXTENDED,
              .ext2 = options & PCRE2_EXTENDED_MORE,
              .caseless = options & PCRE2_CASELESS},
      .any_case = true};
  word_set *w = malloc(sizeof *w);
  rule_start_words *sw = calloc(1, sizeof *sw);
  reader rd = fr.top;
  bool ok = w && sw;
  if (ok) first_alt(&fr, &rd, w);
  ok = ok && !rd.bad && at_end(&rd) && (w->n || fr.digits);
  if (ok && fr.digits) {
    sw->digits = true;
    for (unsigned c = '0'; c <= '9'; c++) sw->first[c] = 2;
    for (unsigned c = 0xD9; c < 256; c++) sw->first[c] = 2;
  }
  for (size_t k = 0; ok && k < w->n; k++) {
    const char *text = (const char *)w->w[k].text;
    size_t len = w->w[k].len, i = 0, chars = 0;
    if (sw->digits && *text >= '0' && *text <= '9') continue;
    if (sw->n == RULE_START_WORDS) ok = false;
    for (; ok && i < len && chars < RULE_START_CHARS; chars++) {
      int32_t c = cchc_utf8_next(text, len, &i);
      int32_t *f = sw->forms[sw->n][chars];
      size_t nf = c < 0 ? 0 : char_forms(c, f);
      ok = nf > 0;
      sw->nforms[sw->n][chars] = (uint8_t)nf;
      for (size_t m = 0; ok && !chars && m < nf; m++) {
        unsigned char b[4] = {0};
        int32_t o = 0;
        UBool bad = false;
        U8_APPEND(b, o, 4, f[m], bad);
        ok = !bad;
        sw->first[b[0]] |= 1;
      }
    }
    /* a word of one character: tried at nearly every letter */
    ok = ok && chars >= 2;
    sw->nchars[sw->n++] = (uint8_t)chars;
  }
  free(w);
  if (!ok) {
    free(sw);
    return false;
  }
  *out = sw;
  return true;
}

bool rule_start_word_at(const rule_start_words *sw, const unsigned char *s,
                        size_t i, size_t n) {
  uint8_t f = sw->first[s[i]];
  if (!f) return false;
  if (f & 2 && ((unsigned)(s[i] - '0') < 10 || lead_may_be_digit(s + i, s + n)))
    return true;
  if (!(f & 1)) return false;
  int32_t c[RULE_START_CHARS];
  size_t nc = 0;
  for (size_t j = i; nc < RULE_START_CHARS && j < n; nc++)
    if ((c[nc] = cchc_utf8_next((const char *)s, n, &j)) < 0) break;
  for (size_t k = 0; k < sw->n; k++) {
    if (sw->nchars[k] > nc) continue;
    size_t m = 0;
    for (; m < sw->nchars[k]; m++) {
      size_t x = 0;
      while (x < sw->nforms[k][m] && sw->forms[k][m][x] != c[m]) x++;
      if (x == sw->nforms[k][m]) break;
    }
    if (m == sw->nchars[k]) return true;
  }
  return false;
}

/* A pattern without case that PCRE2 would try at every first letter of
 * its words (no first code unit): tried only where one of them stands
 * (rule_start_words). */
static void read_start_words(rule *r, uint32_t options) {
  uint32_t type = 0;
  pcre2_pattern_info(r->code, PCRE2_INFO_FIRSTCODETYPE, &type);
  if (!(options & PCRE2_CASELESS) || type || (options & PCRE2_ANCHORED) ||
      !jit_supported())
    return;
  rule_start_words_read(r->pattern, options, &r->start_words);
}

/* The barrier's characters into f->barrier_bytes when they are at most
 * four ASCII bytes and no digit (the long windows before a rule's word
 * start after the last of them: barred_from). */
static void barrier_bytes_read(rule_facts *f) {
  size_t n = 0;
  f->nbarrier_bytes = 0;
  if (!f->barrier || f->barrier & rule_ascii_features['0']) return;
  for (unsigned c = 0; c < 0x80; c++)
    if (rule_ascii_features[c] & f->barrier) {
      if (n == sizeof f->barrier_bytes) return;
      f->barrier_bytes[n++] = (unsigned char)c;
    }
  f->nbarrier_bytes = (uint8_t)n;
}
/* Do words a and b (of at least two characters) differ in their second
 * character, in any case? */
static bool second_char_differs(const char *a, const char *b) {
  const unsigned char *p = (const unsigned char *)a + 1,
                      *q = (const unsigned char *)b + 1;
  while ((*p & 0xC0) == 0x80) p++; /* past the first character */
  while ((*q & 0xC0) == 0x80) q++;
  size_t n = 1, m = 1;
  while ((p[n] & 0xC0) == 0x80) n++;
  while ((q[m] & 0xC0) == 0x80) m++;
  if (n == 1 && m == 1) { /* ASCII: a letter in either case */
    bool letters = (*p | 0x20) >= 'a' && (*p | 0x20) <= 'z';
    return letters ? (*p | 0x20) != (*q | 0x20) : *p != *q;
  }
  return n != m || memcmp(p, q, n);
}

void rule_read_facts(rule *r, rule_literals *ls) {
  memset(&r->facts, 0, sizeof r->facts);
  r->nfirst_ascii = UINT8_MAX; /* (no first bytes known) */
  uint32_t newline = 0, options = 0, last = 0, unit = 0;
  pcre2_pattern_info(r->code, PCRE2_INFO_NEWLINE, &newline);
  pcre2_pattern_info(r->code, PCRE2_INFO_ARGOPTIONS, &options);
  r->anchored_options = options | PCRE2_ANCHORED | PCRE2_NO_START_OPTIMIZE;
  r->has_second = rule_second_bytes_read(r->pattern, options, r->second_bytes);
  pcre2_pattern_info(r->code, PCRE2_INFO_LASTCODETYPE, &last);
  pcre2_pattern_info(r->code, PCRE2_INFO_LASTCODEUNIT, &unit);
  r->ahead = last ? (int)unit : -1;
  reader rd = {.p = (const unsigned char *)r->pattern,
               .end = (const unsigned char *)r->pattern + strlen(r->pattern),
               .ext = options & PCRE2_EXTENDED,
               .ext2 = options & PCRE2_EXTENDED_MORE,
               .multiline = options & PCRE2_MULTILINE,
               .dotall = options & PCRE2_DOTALL,
               .caseless = options & PCRE2_CASELESS,
               .lf = newline == PCRE2_NEWLINE_LF};
  word_table *wt = malloc(sizeof *wt);
  if (!wt) return;
  wt->n = 0;
  rd.words = wt;
  node n;
  read_alt(&rd, &n);
  if (rd.bad || !at_end(&rd) || rd.quoted) {
    free(wt);
    read_first_words(r, options);
    return;
  }
  if (ls) {
    keep_literals(r, &n, wt, ls);
    keep_anchor(r, &n, wt, ls);
  }
  free(wt);
  if (!n.digit_all.inf) {
    r->facts.near_digit = true;
    r->facts.digit_bytes = n.digit_all.bytes;
    r->facts.digit_runs = n.digit_all.runs;
  }
  /* the most selective clause first: line scans look for it */
  for (size_t i = 1; i < n.nneeds; i++)
    for (size_t k = i; k > 0 && clause_weight(n.needs[k]) <
                                    clause_weight(n.needs[k - 1]);
         k--) {
      uint64_t c = n.needs[k];
      n.needs[k] = n.needs[k - 1];
      n.needs[k - 1] = c;
    }
  memcpy(r->facts.needs, n.needs, sizeof n.needs);
  r->facts.nneeds = n.nneeds;
  r->facts.barrier = F_ALL & ~n.eats & ~BIT(F_DIGIT);
  barrier_bytes_read(&r->facts);
  /* A start after certain characters helps when they are few: not after
   * blanks within a line, nor after letters or digits. */
  if (!(n.after & (F_OTHER | BIT(F_DIGIT) | F_HSPACE))) {
    r->facts.starts = true;
    r->facts.after = n.after;
    r->facts.at_zero = n.at_zero;
  }
  if (n.ends && !n.len.inf) {
    r->facts.ends = true;
    r->facts.end_bytes = n.len.bytes;
    r->facts.end_runs = n.len.runs;
  }
  uint32_t type = 0, anchored = 0;
  const uint8_t *bitmap = NULL;
  pcre2_pattern_info(r->code, PCRE2_INFO_FIRSTCODETYPE, &type);
  pcre2_pattern_info(r->code, PCRE2_INFO_FIRSTBITMAP, &bitmap);
  pcre2_pattern_info(r->code, PCRE2_INFO_ALLOPTIONS, &anchored);
  r->first_unit = type == 1;
  r->by_anchor = r->facts.nanchor && !r->first_unit;
  /* A letter stands every few bytes of a text.  PCRE2 (its JIT) skips to
   * the first few characters all matches share, but to the first letter
   * alone when the words that open the matches part right after it
   * ("thành phố" or "TP"), and tries the pattern at each; those words,
   * found one by one, stand at fewer places. */
  uint32_t first = 0;
  pcre2_pattern_info(r->code, PCRE2_INFO_FIRSTCODEUNIT, &first);
  bool letter = r->first_unit && first < 0x80 && ((first | 0x20) >= 'a' &&
                                                  (first | 0x20) <= 'z');
  bool part = false;
  for (size_t k = 0; k < r->facts.nanchor; k++) {
    if (r->facts.anchor_bytes[k] || r->facts.anchor_runs[k]) letter = false;
    part = part || second_char_differs(r->facts.anchor[0]->text,
                                       r->facts.anchor[k]->text);
  }
  r->by_anchor_near = letter && part;
  /* (JIT compiled at the first search: the places of anchor words are
   * looked for by rule_scan, and by passes that try rules there) */
  for (size_t k = 0; k < r->facts.nanchor; k++)
    literal_rest(ls->items[r->facts.anchor[k]->id]);
  if (n.empty) return;
  bool guarded = has_guard(&n) &&
                 (r->facts.guard = malloc(sizeof n.guard)) != NULL;
  if (guarded) memcpy(r->facts.guard, n.guard, sizeof n.guard);
  for (unsigned c = 0; c < 256; c++) {
    uint8_t kind = c >= 0x80 && c < 0xC0 ? 0 /* continues a character */
                   : n.first.w[c >> 6] & BIT(c & 63) ? RULE_FIRST_BYTE
                   : n.first.digits && c >= 0xD9     ? RULE_FIRST_DIGIT
                                                     : 0;
    if (kind && guarded) {
      int k = c >= 0x80                         ? RULE_GUARD_BEYOND
              : c >= '0' && c <= '9'             ? RULE_GUARD_DIGIT
              : ascii_word[c >> 6] & BIT(c & 63) ? RULE_GUARD_WORD
                                                 : RULE_GUARD_OTHER;
      if (n.guard[k][0] || n.guard[k][1]) kind |= (uint8_t)((k + 1) << 2);
    }
    r->facts.first[c] = kind;
  }
  r->facts.has_first = true;
  r->nfirst_ascii = 0;
  for (unsigned c = 0; c < 256; c++) {
    uint8_t kind = r->facts.first[c] & RULE_FIRST_KIND;
    if (!kind || (c >= '0' && c <= '9') ||
        (kind == RULE_FIRST_DIGIT && c >= 0xD9))
      continue;
    if (c >= 0x80 || kind != RULE_FIRST_BYTE || r->nfirst_ascii == UINT8_MAX ||
        r->nfirst_ascii == sizeof r->first_ascii)
      r->nfirst_ascii = UINT8_MAX;
    else
      r->first_ascii[r->nfirst_ascii++] = (unsigned char)c;
  }
  /* PCRE2 skips to a match's first bytes itself when it knows them; it
   * does not for a pattern that opens with \d in UCP mode, or with a
   * lookbehind before one, and tries every position. */
  bool tries_all = !type && !bitmap && !(anchored & PCRE2_ANCHORED);
  /* One try at a position is an anchored match without the start-up scans
   * (first bytes, a required character): for those patterns, for tries at
   * line starts (one try at the subject's start is a search), and in
   * windows where a search would look ahead; worth it when few bytes can
   * start a match (at most 40 values: not every letter, nor every
   * character beyond ASCII). */
  bool line_tries = r->facts.starts && r->facts.after;
  bool windows = ((r->facts.nneeds && r->facts.barrier) || r->by_anchor) &&
                 r->ahead >= 0;
  if ((!tries_all && !line_tries && !windows) ||
      bytes_count(&n.first) > 40)
    return;
  r->tries_anchored = jit_supported(); /* no JIT: a search is as good */
  r->by_first = r->tries_anchored && tries_all;
  if (r->by_first) read_start_words(r, options);
}

/* r->anchored (with tries_anchored), compiled now at the first try; NULL
 * without memory for it: a search finds the same. */
static pcre2_code *rule_anchored(const rule *r) {
  return code_once(&r->anchored, &r->anchored_jit, rule_compiled(r),
                   r->anchored_options);
}

/* r's first match in s[start, len), tried where its first words stand. */
static bool by_first_words(const rule *r, const char *s, size_t len,
                           size_t start, pcre2_match_data *md) {
  const rule_first_words *fw = r->first_words;
  pcre2_code *anchored = rule_anchored(r);
  if (!anchored) /* no memory for it: a search finds the same */
    return code_match(r->code, &r->jit, s, len, start, md, NULL) > 0;
  const unsigned char *u = (const unsigned char *)s;
  for (size_t i = start; i < len; i++)
    for (size_t k = fw->from[u[i]]; k < fw->to[u[i]]; k++)
      /* the second byte first: the words of one first byte are many
       * ("Cục", "Công", "Chi"), and most differ there */
      if (fw->w[k].len <= len - i &&
          (fw->w[k].len < 2 || u[i + 1] == fw->w[k].text[1]) &&
          !memcmp(u + i, fw->w[k].text, fw->w[k].len)) {
        if (code_match(anchored, &r->anchored_jit, s, len, i, md, NULL) > 0)
          return true;
        break;
      }
  return false;
}

static inline size_t first_candidate(const rule *r, const unsigned char *s,
                                     size_t i, size_t len);

/* r's first match in s[start, len) that starts at or before limit, tried
 * where one of its start words stands (r->start_words); -1 when r cannot
 * be tried anchored (no memory): a search finds the same. */
static int by_start_words(const rule *r, const char *s, size_t len,
                          size_t start, size_t limit, pcre2_match_data *md) {
  pcre2_code *anchored = rule_anchored(r);
  if (!anchored) return -1;
  const unsigned char *u = (const unsigned char *)s;
  const rule_start_words *sw = r->start_words;
  size_t end = limit < len ? limit + 1 : len;
  for (size_t i = start; i < end; i++) {
    i = first_candidate(r, u, i, end);
    if (i < end && rule_may_start(r, u, i, len) &&
        rule_start_word_at(sw, u, i, len) &&
        code_match(anchored, &r->anchored_jit, s, len, i, md, NULL) > 0)
      return 1;
  }
  return 0;
}

static size_t space_at(const unsigned char *p, const unsigned char *e);

/* One step of a walk back over s, not past `floor`: *j, the last byte of
 * a character, moves to its first.  False when the character is white
 * space.  Inline: the walks pass thousands of bytes, nearly all ASCII. */
static inline bool char_back(const unsigned char *s, const unsigned char *e,
                             size_t floor, size_t *j) {
  size_t k = *j;
  if (s[k] < 0x80) return !(s[k] == ' ' || (s[k] >= '\t' && s[k] <= '\r'));
  while (k > floor && (s[k] & 0xC0) == 0x80) k--; /* a character's start */
  size_t len = *j + 1 - k;
  *j = k;
  /* white space beyond ASCII starts with one of these (space_at); most
   * characters (Vietnamese letters) with others */
  if (s[k] != 0xC2 && (s[k] < 0xE1 || s[k] > 0xE3)) return true;
  return space_at(s + k, e) != len;
}

/* Where a match that ends at the end of s[0..n) and holds at most `fixed`
 * bytes besides runs of white space starts at the earliest, not before
 * `floor`: such a match holds at most `fixed` bytes of characters that
 * are not white space, so the walk back from the end counts those only
 * (cheaper than window_start's longest runs, and a little longer). */
static size_t end_window(const char *text, size_t n, size_t fixed,
                         size_t floor) {
  const unsigned char *s = (const unsigned char *)text, *e = s + n;
  size_t taken = 0;
  for (size_t i = n; i > floor;) {
    size_t j = i - 1;
    if (char_back(s, e, floor, &j) && (taken += i - j) > fixed) return i;
    i = j;
  }
  return floor;
}

/* The first offset from i on (len when none) where a match of r may
 * start as far as a block of 16 bytes tells at once: a digit, a lead byte
 * that may start one, a byte of r->first_ascii (r->nfirst_ascii not
 * UINT8_MAX); rule_may_start decides there.  Without SSE2, i. */
static inline size_t first_candidate(const rule *r, const unsigned char *s,
                                     size_t i, size_t len) {
#if defined(__SSE2__)
  if (r->nfirst_ascii == UINT8_MAX) return i;
  for (; i + 17 <= len; i += 16) { /* (reads the byte after the block) */
    const __m128i c = _mm_loadu_si128((const __m128i *)(s + i));
    __m128i hit = _mm_or_si128(
        GE(_mm_set1_epi8(9), _mm_sub_epi8(c, _mm_set1_epi8('0'))),
        digit_leads(c, _mm_loadu_si128((const __m128i *)(s + i + 1))));
    for (unsigned k = 0; k < r->nfirst_ascii; k++)
      hit = _mm_or_si128(
          hit, _mm_cmpeq_epi8(c, _mm_set1_epi8((char)r->first_ascii[k])));
    unsigned m = (unsigned)_mm_movemask_epi8(hit);
    if (m) return i + (size_t)__builtin_ctz(m);
  }
#else
  (void)r, (void)s, (void)len;
#endif
  return i;
}

size_t rule_next_start(const rule *r, const char *s, size_t i, size_t end,
                       size_t n) {
  const unsigned char *u = (const unsigned char *)s;
  for (; i < end; i++) {
    i = first_candidate(r, u, i, end);
    if (i < end && rule_may_start(r, u, i, n) &&
        (!r->start_words || rule_start_word_at(r->start_words, u, i, n)))
      return i;
  }
  return end;
}

/* A window this long or longer is walked back over for little gain: the
 * search looks at about as many bytes. */
enum { END_WINDOW_MAX = 256 };

/* rule_exec where a window before the end, or tries where r's first
 * words or bytes stand, may cut the search (rule_exec). */
static __attribute__((noinline)) bool exec_by_facts(const rule *r,
                                                    const char *s,
                                                    size_t len, size_t start,
                                                    pcre2_match_data *md) {
  /* A match that ends at the subject's end starts at most its length
   * before it: no sooner than the window before the end (`$` may end one
   * before a line break that ends the subject: then the end is not
   * known).  PCRE2 tries a pattern anchored at the subject's start there
   * only: no window makes that shorter. */
  const rule_facts *f = &r->facts;
  if (f->ends && f->end_bytes < END_WINDOW_MAX && start < len &&
      s[len - 1] != '\n' && !(f->starts && f->at_zero && !f->after)) {
    start = end_window(s, len, f->end_bytes, start);
    /* and at a byte a match starts with (none is empty): often none in
     * so short a window */
    const unsigned char *u = (const unsigned char *)s;
    while (f->has_first && start < len && !rule_may_start(r, u, start, len))
      start++;
    if (start == len && f->has_first) return false;
  }
  /* Subjects are canonical text or examples, both checked UTF-8 already;
   * re-checking the whole subject on every call would be quadratic. */
  if (r->first_words) return by_first_words(r, s, len, start, md);
  int by_words = r->start_words && r->by_first
                     ? by_start_words(r, s, len, start, len, md)
                     : -1;
  if (by_words >= 0) return by_words;
  pcre2_code *anchored = r->by_first ? rule_anchored(r) : NULL;
  if (anchored) {
    const unsigned char *u = (const unsigned char *)s;
    for (size_t i = start; i < len; i++) {
      i = first_candidate(r, u, i, len);
      if (i < len && rule_may_start(r, u, i, len) &&
          code_match(anchored, &r->anchored_jit, s, len, i, md, NULL) > 0)
        return true;
    }
    return false;
  }
  return code_match(r->code, &r->jit, s, len, start, md, NULL) > 0;
}

bool rule_exec(const rule *r, const char *s, size_t len, size_t start,
               pcre2_match_data *md) {
  /* most rules are searched by PCRE2 alone: without the registers
   * exec_by_facts keeps (a tenth of a short search) */
  const rule_facts *f = &r->facts;
  if (r->first_words || r->by_first ||
      (f->ends && f->end_bytes < END_WINDOW_MAX))
    return exec_by_facts(r, s, len, start, md);
  return code_match(r->code, &r->jit, s, len, start, md, NULL) > 0;
}

/* ---- scans ------------------------------------------------------------- */

/* What a text holds of a literal, from its last search: searched from
 * `from` in the text cut at `upto`, its first occurrence there is
 * [start, end) (start SIZE_MAX: none).  Scans ask in about text order, so
 * one search answers the scans up to that occurrence, and the text is
 * searched about once for each literal. */
typedef struct literal_hits {
  size_t from, upto, start, end;
  bool known;
  /* the occurrence furthest on that a search found, [far, far_end)
   * (far_end 0: none): the scans of the rules that hold one word each
   * ask of it from their own start, and a word found further on answers
   * them all without a search */
  size_t far, far_end;
} literal_hits;

/* Where a literal stands in a text: the start of each occurrence found
 * by the searches up to `done` (from where the next search goes on), in
 * order, found as scans ask (a text of more than 4 GB has no places
 * kept). */
typedef struct literal_places {
  uint32_t *at;
  size_t n, cap, done;
  bool dense; /* more than a scan gains by: not kept */
} literal_places;

/* The first of the offsets v[0, n) (ascending) at or after `at`; n when
 * none is. */
static size_t first_from(const uint32_t *v, size_t n, size_t at) {
  size_t lo = 0, hi = n;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (v[mid] < at) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/* The first of p's places at or after `from` (p->n: none kept). */
static size_t places_from(const literal_places *p, size_t from) {
  return first_from(p->at, p->n, from);
}

/* What one text holds of one literal. */
typedef struct literal_known {
  literal_hits hits;
  literal_places places;
} literal_known;

/* The literals of one rule set in one text, by id. */
struct literal_cache {
  const rule_literals *set;
  /* per literal id: index + 1 into known, 0 while the literal is not
   * asked about (a text is asked of a few of the set's hundreds: zeroing
   * a slot each costs less than zeroing what is known of each) */
  uint32_t *slot;
  /* room for every literal (not zeroed: taken in the order first asked,
   * so that what is known stays where it is) */
  literal_known *known;
  size_t nknown;
  size_t nhits;
  pcre2_match_data *md;
  text_words *words; /* of the text (rule_text_words), for any rule set */
  /* bit i of word_bits[k]: is byte 64k + i a word byte, found as the
   * lines were read (lines_by_blocks) for rule_text_words, which frees it;
   * NULL: found there */
  uint64_t *word_bits;
};

static void text_words_free(text_words *tw);

static void literal_cache_clear(struct literal_cache *c) {
  for (size_t i = 0; i < c->nknown; i++) free(c->known[i].places.at);
  free(c->known);
  free(c->slot);
  c->known = NULL;
  c->slot = NULL;
  c->nknown = c->nhits = 0;
  c->set = NULL;
}

/* What c knows of literal `id` (< c->nhits), nothing yet at the first
 * ask. */
static literal_known *literal_known_of(struct literal_cache *c, size_t id) {
  if (!c->slot[id]) {
    c->known[c->nknown] = (literal_known){.hits.known = false};
    c->slot[id] = (uint32_t)++c->nknown;
  }
  return &c->known[c->slot[id] - 1];
}

/* t's cache, for the literals of `set`; NULL without memory. */
static struct literal_cache *literal_cache_for(const rule_text *t,
                                               const rule_literals *set) {
  struct literal_cache *c = t->literals;
  if (!c) return NULL;
  if (c->set != set) { /* the text scanned for another rule set */
    literal_cache_clear(c);
    c->slot = set->n <= UINT32_MAX ? calloc(set->n + 1, sizeof *c->slot)
                                   : NULL;
    c->known = malloc((set->n + 1) * sizeof *c->known);
    if (!c->slot || !c->known) {
      literal_cache_clear(c);
      return NULL;
    }
    c->nhits = set->n;
    c->set = set;
  }
  if (!c->md && !(c->md = pcre2_match_data_create(1, NULL))) return NULL;
  return c;
}

void rule_text_free(rule_text *t) {
  if (!t->line_end_lent) free(t->line_end);
  free(t->line_kind);
  free(t->kinds);
  free(t->line_has);
  pcre2_match_context_free(t->mc);
  if (t->literals) {
    literal_cache_clear(t->literals);
    pcre2_match_data_free(t->literals->md);
    text_words_free(t->literals->words);
    free(t->literals->word_bits);
    free(t->literals);
  }
  memset(t, 0, sizeof *t);
}

/* A search for a literal goes at least this far past where it starts:
 * the scans of the next few lines find their answer in it. */
enum { LITERAL_REACH = 2048 };

/* The first occurrence of l in t->s cut at `upto`, from `from`: true and
 * its span in *start, *end, or false. */
static bool literal_search(const rule_literal *l, const rule_text *t,
                           pcre2_match_data *md, size_t from, size_t upto,
                           size_t *start, size_t *end) {
  if (code_match(l->code, &l->jit, t->s, upto, from, md, NULL) <= 0)
    return false;
  PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
  *start = ov[0];
  *end = ov[1];
  return true;
}

/* Does t->s[a..b) (a <= b <= t->n) hold l whole?  True too when that
 * cannot be told. */
static bool literal_within(const rule_literal *l, const rule_text *t,
                           size_t a, size_t b) {
  struct literal_cache *c = literal_cache_for(t, l->set);
  if (!c || l->id >= c->nhits) return true;
  literal_known *known = literal_known_of(c, l->id);
  literal_hits *h = &known->hits;
  if (h->far_end && h->far >= a && h->far_end <= b) return true;
  /* l's places, where a scan found them: the first from a */
  const literal_places *p = &known->places;
  if (!p->dense && p->done > a) {
    size_t lo = places_from(p, a);
    /* an occurrence takes at most 4 bytes (a character) a byte of l's */
    if (lo < p->n && p->at[lo] < b && b - p->at[lo] >= 4 * strlen(l->text))
      return true;
    if ((lo == p->n || p->at[lo] >= b) && p->done >= b) return false;
  }
  /* An occurrence found from `from` is the first from any a up to it,
   * however far the search was cut: a word of k characters that started
   * before it would end before it ends. */
  if (!h->known || a < h->from ||
      (h->start == SIZE_MAX ? b > h->upto : h->start < a)) {
    /* as far as a long part asked, else the reach */
    size_t upto = b - a >= LITERAL_REACH       ? b
                  : t->n - a <= LITERAL_REACH ? t->n
                                              : a + LITERAL_REACH;
    /* at a character's start: in UTF mode without checks PCRE2 reads a
     * character cut by the subject's end whole, past that end */
    while (upto < t->n && ((unsigned char)t->s[upto] & 0xC0) == 0x80) upto++;
    size_t far = h->far, far_end = h->far_end;
    *h = (literal_hits){.from = a, .upto = upto, .known = true};
    if (!literal_search(l, t, c->md, a, upto, &h->start, &h->end))
      h->start = SIZE_MAX;
    else if (!far_end || h->start > far)
      far = h->start, far_end = h->end;
    h->far = far;
    h->far_end = far_end;
  }
  /* the first occurrence from a */
  if (h->start == SIZE_MAX || h->start >= b) return false;
  if (h->end <= b) return true;
  /* it runs past b; a later one of other bytes (another case) may not */
  size_t s, e;
  return literal_search(l, t, c->md, a, b, &s, &e);
}

/* The next character of t->s after offset i (< t->n): its start. */
static size_t next_char(const rule_text *t, size_t i) {
  for (i++; i < t->n && ((unsigned char)t->s[i] & 0xC0) == 0x80; i++) {}
  return i;
}

/* A literal's places kept are no use past one per this many bytes: a
 * scan would try about as often as a search does. */
enum { PLACES_SPARSE = 32 };

/* Keep place s in p; false when p has too many to keep (or no memory for
 * one more): p is then dense. */
static bool place_keep(const rule_text *t, literal_places *p, size_t s) {
  uint32_t *grown = p->n < t->n / PLACES_SPARSE + 64
                        ? cchc_grow(p->at, &p->cap, p->n, sizeof *p->at)
                        : NULL;
  if (!grown) {
    free(p->at);
    *p = (literal_places){.dense = true};
    return false;
  }
  p->at = grown;
  p->at[p->n++] = (uint32_t)s;
  return true;
}

static bool literal_next(const rule_literal *l, const rule_text *t,
                         size_t from, size_t *at);

/* l's places, all of them, told from the places of its caseless twin
 * (found first, if they are not yet): where its bytes stand.  False when
 * the twin's are not kept; l's are then searched. */
static bool places_by_twin(const rule_literal *l, const rule_text *t,
                           struct literal_cache *c, literal_places *p) {
  size_t none, len = strlen(l->text);
  if (!literal_next(l->twin, t, t->n, &none)) return false;
  const literal_places *tp = &literal_known_of(c, l->twin->id)->places;
  for (size_t i = 0; i < tp->n; i++) {
    if (t->n - tp->at[i] < len || memcmp(t->s + tp->at[i], l->text, len))
      continue;
    if (!place_keep(t, p, tp->at[i])) return true;
  }
  p->done = t->n;
  return true;
}

/* The start of l's first occurrence in t->s at or after `from`, in *at
 * (SIZE_MAX: none); false when that cannot be told here (too many
 * occurrences to keep, no memory).  The text is searched once for l,
 * as far as scans ask; a word in its case is told by its caseless twin
 * (rule_literals_pair), searched once for both. */
static bool literal_next(const rule_literal *l, const rule_text *t,
                         size_t from, size_t *at) {
  struct literal_cache *c = literal_cache_for(t, l->set);
  if (!c || l->id >= c->nhits || t->n > UINT32_MAX) return false;
  literal_places *p = &literal_known_of(c, l->id)->places;
  if (l->twin && !p->done && !p->dense && !p->n)
    places_by_twin(l, t, c, p);
  for (;;) {
    if (p->dense) return false;
    size_t lo = places_from(p, from);
    if (lo < p->n) {
      *at = p->at[lo];
      return true;
    }
    if (p->done >= t->n) {
      *at = SIZE_MAX;
      return true;
    }
    size_t s, e, resume;
    if (!l->rest) {
      if (!literal_search(l, t, c->md, p->done, t->n, &s, &e)) {
        p->done = t->n;
        continue;
      }
      resume = next_char(t, s); /* occurrences may overlap */
    } else {
      /* the rest of the word, after its first character: an occurrence
       * of the word starts at that character */
      if (code_match(l->rest, &l->rest_jit, t->s, t->n, p->done, c->md,
                     NULL) <= 0) {
        p->done = t->n;
        continue;
      }
      size_t q = pcre2_get_ovector_pointer(c->md)[0];
      for (s = q - 1; s > 0 && ((unsigned char)t->s[s] & 0xC0) == 0x80; s--) {}
      resume = next_char(t, q); /* the next one's rest starts after q */
      if (p->n && s <= p->at[p->n - 1]) { /* kept already */
        p->done = resume;
        continue;
      }
    }
    if (!place_keep(t, p, s)) return false;
    p->done = resume;
  }
}

bool rule_text_places(const rule_text *t, const rule_literal *l,
                      const uint32_t **at, size_t *n) {
  size_t none;
  if (!literal_next(l, t, t->n, &none)) return false;
  const literal_places *p = &literal_known_of(t->literals, l->id)->places;
  *at = p->at;
  *n = p->n;
  return true;
}

/* ---- places of words, found in one walk ------------------------------ */

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

/* The characters c matches without case, c among them, into out: how
 * many; 0 when the closure holds a string (a full folding) or more than
 * RULE_CASE_FORMS characters. */
size_t rule_case_forms(int32_t c, int32_t out[RULE_CASE_FORMS]) {
  return case_closure(c, out, true);
}

/* The forms of word w (a rule_literal's text, with its case), in f[0,
 * the count returned): each character in the two forms of its own length
 * that its closure without case holds (one for a character without case,
 * or in a word of its case), and in a form of another length alone in a
 * form of the word of its own: 'k' and the Kelvin sign, 's' and 'ſ' (as
 * PCRE2 matches them without case).  0 when the forms are more than
 * XWORD_VARIANTS, or strings (ICU's closure, which holds the case folding
 * PCRE2 matches by), or a character has more than two forms of one
 * length, or the word is too long: the walk does not look for it. */
enum { XWORD_VARIANTS = 4, XWORD_CHOICES = 3 };
static size_t word_forms(const rule_literal *w, xword_form *f) {
  typedef struct choice {
    unsigned char a[4], b[4];
    uint8_t len;
  } choice;
  choice ch[XWORD_BYTES][XWORD_CHOICES];
  uint8_t nch[XWORD_BYTES];
  const unsigned char *t = (const unsigned char *)w->text;
  int32_t len = (int32_t)strlen(w->text), i = 0;
  size_t nchars = 0, nforms = 1;
  if (!len || len > XWORD_BYTES) return 0;
  while (i < len) {
    int32_t at = i;
    UChar32 c;
    U8_NEXT(t, i, len, c);
    if (c < 0) return 0;
    choice *cc = ch[nchars];
    uint8_t n = 1;
    cc[0].len = (uint8_t)(i - at);
    memcpy(cc[0].a, t + at, cc[0].len);
    memcpy(cc[0].b, t + at, cc[0].len);
    if (w->caseless) {
      int32_t forms[RULE_CASE_FORMS];
      size_t nc = rule_case_forms(c, forms);
      bool ok = nc > 0, paired = false;
      for (size_t k = 0; ok && k < nc; k++) {
        UChar32 x = forms[k];
        if (x == c) continue;
        int32_t o = 0;
        UBool bad = false;
        if (U8_LENGTH(x) == cc[0].len && !paired) {
          U8_APPEND(cc[0].b, o, 4, x, bad);
          paired = true;
        } else if (U8_LENGTH(x) != cc[0].len && n < XWORD_CHOICES) {
          U8_APPEND(cc[n].a, o, 4, x, bad);
          memcpy(cc[n].b, cc[n].a, (size_t)o);
          cc[n++].len = (uint8_t)o;
        } else {
          ok = false; /* a third form of its length, or too many */
        }
        ok = ok && !bad;
      }
      if (!ok) return 0;
    }
    nch[nchars++] = n;
    if ((nforms *= n) > XWORD_VARIANTS) return 0;
  }
  for (size_t v = 0; v < nforms; v++) {
    size_t pos = 0, rest = v;
    for (size_t k = 0; k < nchars; k++) {
      const choice *cc = &ch[k][rest % nch[k]];
      rest /= nch[k];
      if (pos + cc->len > XWORD_BYTES) return 0;
      memcpy(f[v].a + pos, cc->a, cc->len);
      memcpy(f[v].b + pos, cc->b, cc->len);
      f[v].clen[pos] = cc->len;
      for (size_t j = pos; j < pos + cc->len; j++) f[v].start[j] = (uint8_t)pos;
      pos += cc->len;
    }
    f[v].len = pos;
  }
  return nforms;
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
static size_t word_forms_kept(const rule_literal *w, xword_form *f) {
  enum { SLOTS = 64 };
  typedef struct kept_form {
    char text[XWORD_BYTES + 1]; /* "" : none */
    bool caseless;
    size_t n;
    xword_form forms[XWORD_VARIANTS];
  } kept_form;
  static _Thread_local kept_form kept[SLOTS];
  size_t len = strlen(w->text);
  if (len > XWORD_BYTES) return 0;
  kept_form *k = &kept[(cchc_hash_bytes(w->text, len) ^ w->caseless) % SLOTS];
  if (!k->text[0] || k->caseless != w->caseless || strcmp(k->text, w->text)) {
    memcpy(k->text, w->text, len + 1);
    k->caseless = w->caseless;
    k->n = word_forms(w, k->forms);
  }
  memcpy(f, k->forms, k->n * sizeof *f);
  return k->n;
}

/* Keep offset i for the word of each form of mask m (bits of forms; of
 * their words) that stands there; false without memory. */
static bool places_keep(const xword_form *forms, const size_t *of,
                        uint32_t m, const unsigned char *u, size_t i,
                        const unsigned char *e, uint32_t **at, size_t *count,
                        size_t *cap) {
  for (; m; m &= m - 1) {
    size_t b = (size_t)__builtin_ctz(m), k = of[b];
    if (!form_at(&forms[b], u + i, e)) continue;
    void *grown = cchc_grow(at[k], &cap[k], count[k], sizeof *at[k]);
    if (!grown) return false;
    at[k] = grown;
    at[k][count[k]++] = (uint32_t)i;
  }
  return true;
}

/* Mark in table t (by byte value) the bytes byte j of form f may be:
 * its byte in either form; past its end any byte may be, noted in
 * any[j] (bits the tables take for every byte once a batch is added:
 * sieve_finish). */
static void sieve_byte(uint64_t *t, uint64_t *any, const xword_form *f,
                       size_t j, uint64_t bit) {
  if (j >= f->len) {
    *any |= bit;
    return;
  }
  t[f->a[j]] |= bit;
  t[f->b[j]] |= bit;
}

/* The walk looks at the bytes b0 b1 b2 b3 of each even offset o, for the
 * words (a bit each, of a batch) that may start at o (the low half of
 * the masks) and at o + 1 (the high half): byte[j][bj] has those whose
 * byte j (j - 1, for o + 1; any byte for j = 0) may be bj.  A word
 * stands only where each says it may; where some may, b4 and b5 are
 * looked at too (a Vietnamese letter with a mark is three bytes, the
 * first two shared by dozens: four bytes let "địa" through for "định"),
 * and the form then compares.  Half the offsets are looked at, and a
 * position is let through by six bytes, or five.  Six tables of 256
 * (12 KB): a plan's walk is short, and a table of byte pairs (512 KB,
 * touched all over by each word) cost more to set up than the walk of a
 * plan. */
enum { SIEVE_BYTES = 6 };
typedef struct word_sieve {
  uint64_t byte[SIEVE_BYTES][256];
} word_sieve;

/* Add form f to the sieve as bit `bit` (< 32); any[j]: the bits byte j
 * takes for every byte (sieve_byte). */
static void sieve_add(word_sieve *sv, uint64_t *any, const xword_form *f,
                      unsigned bit) {
  uint64_t lo = (uint64_t)1 << bit, hi = lo << 32;
  any[0] |= hi;
  for (size_t j = 0; j < SIEVE_BYTES; j++)
    sieve_byte(sv->byte[j], &any[j], f, j, lo);
  for (size_t j = 1; j < SIEVE_BYTES; j++)
    sieve_byte(sv->byte[j], &any[j], f, j - 1, hi);
}

/* Every byte of table j takes the bits of any[j]: once per batch, not
 * once per form. */
static void sieve_finish(word_sieve *sv, const uint64_t *any) {
  for (size_t j = 0; j < SIEVE_BYTES; j++)
    if (any[j])
      for (unsigned c = 0; c < 256; c++) sv->byte[j][c] |= any[j];
}

bool rule_words_places(const char *s, size_t n,
                       const rule_literal *const *words, size_t nwords,
                       uint32_t **at, size_t *count) {
  enum { BATCH = 32 };
  const unsigned char *u = (const unsigned char *)s, *e = u + n;
  xword_form *forms = malloc(BATCH * sizeof *forms);
  size_t *cap = calloc(nwords ? nwords : 1, sizeof *cap);
  word_sieve *sv = calloc(1, sizeof *sv);
  /* bit b of a batch: forms[b], of word of[b]; every form of a word in
   * one batch, so that its places come in order */
  size_t of[BATCH];
  bool ok = forms && cap && sv && n <= UINT32_MAX;
  for (size_t k = 0; k < nwords; k++) {
    at[k] = NULL;
    count[k] = SIZE_MAX;
  }
  for (size_t k0 = 0; ok && k0 < nwords;) {
    unsigned nb = 0;
    uint64_t any[SIEVE_BYTES] = {0};
    if (k0) memset(sv, 0, sizeof *sv);
    for (; k0 < nwords && nb + XWORD_VARIANTS <= BATCH; k0++) {
      size_t nf = word_forms_kept(words[k0], forms + nb);
      for (size_t v = 0; v < nf; v++) {
        sieve_add(sv, any, &forms[nb], nb);
        of[nb++] = k0;
      }
      if (nf) count[k0] = 0;
    }
    if (!nb) continue;
    sieve_finish(sv, any);
    size_t o = 0;
    for (; o + 4 <= n; o += 2) {
      uint64_t m = sv->byte[0][u[o]] & sv->byte[1][u[o + 1]] &
                   sv->byte[2][u[o + 2]] & sv->byte[3][u[o + 3]];
      if (!m) continue;
      if (o + 6 <= n) m &= sv->byte[4][u[o + 4]] & sv->byte[5][u[o + 5]];
      if (!m) continue;
      uint32_t here = (uint32_t)m, next = (uint32_t)(m >> 32);
      if ((here &&
           !places_keep(forms, of, here, u, o, e, at, count, cap)) ||
          (next &&
           !places_keep(forms, of, next, u, o + 1, e, at, count, cap))) {
        ok = false;
        goto done;
      }
    }
    /* the last few offsets: every word compares */
    uint32_t all = nb == 32 ? UINT32_MAX : ((uint32_t)1 << nb) - 1;
    for (; o < n; o++)
      if (!places_keep(forms, of, all, u, o, e, at, count, cap)) {
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


/* ---- the words of a text ------------------------------------------------- */

/* rule_word_bytes[c] is '1' for a byte of a word: an ASCII letter or digit, or
 * any byte beyond ASCII (a table: the test runs on every byte of a text). */
const char rule_word_bytes[256] =
    "00000000000000000000000000000000"  /* controls */
    "00000000000000001111111111000000"  /* blank .. '?' */
    "01111111111111111111111111100000"  /* '@' .. '_' */
    "01111111111111111111111111100000"  /* '`' .. DEL */
    "11111111111111111111111111111111" "11111111111111111111111111111111"
    "11111111111111111111111111111111" "11111111111111111111111111111111";


/* A word's key: a word of up to 8 bytes is those bytes as they stand in
 * one number (the rest 0: no word holds a 0 byte), so that two such words
 * are equal when their keys are (the zeros tell the length too); a longer
 * one is hashed from its first and last 8 bytes and its length (its
 * first byte in memory 0: equal to no short one's), and compared whole
 * when keys and lengths meet.  Only the table of distinct
 * words sees the keys: which word is which is told by the bytes. */
enum { KEY_BYTES = 8 };

/* key_masks[n]: n bytes of 0xFF then zeros, in memory order: the mask of
 * a word's bytes in an 8-byte load, whatever the byte order (a row per
 * length: one load at n * 8) */
static const unsigned char key_masks[KEY_BYTES + 1][KEY_BYTES] = {
    {0},
    {0xFF},
    {0xFF, 0xFF},
    {0xFF, 0xFF, 0xFF},
    {0xFF, 0xFF, 0xFF, 0xFF},
    {0xFF, 0xFF, 0xFF, 0xFF, 0xFF},
    {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF},
    {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF},
    {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF}};

/* The key of a word of n bytes at p, n <= KEY_BYTES, with 8 bytes
 * readable from p. */
static inline uint64_t short_key(const char *p, size_t n) {
  uint64_t key, mask;
  memcpy(&key, p, KEY_BYTES);
  memcpy(&mask, key_masks[n], KEY_BYTES);
  return key & mask;
}

static uint64_t word_key(const char *s, size_t at, size_t n, size_t len) {
  if (n > KEY_BYTES) {
    uint64_t a, b, first;
    memcpy(&a, s + at, KEY_BYTES);
    memcpy(&b, s + at + n - KEY_BYTES, KEY_BYTES);
    /* its first byte in memory 0, as no short word's is: a short word's
     * key is equal to no long one's */
    memcpy(&first, key_masks[1], KEY_BYTES);
    return ((a * UINT64_C(0xFF51AFD7ED558CCD)) ^ (b + n)) & ~first;
  }
  if (at + KEY_BYTES <= len) return short_key(s + at, n);
  uint64_t key = 0;
  memcpy(&key, s + at, n);
  return key;
}

/* A slot of the table of distinct words while they are read: the
 * word's key and length kept in it, so that a probe reads one slot, not
 * the word's entries too.  An empty slot has length 0, which no word
 * has. */
typedef struct word_slot {
  uint64_t key;
  uint32_t len;
  uint32_t word; /* word + 1, 0: empty */
} word_slot;

/* The slot of key among nslots (a power of 2, at most 2^24: a text has
 * at most RULE_WORDS_TEXT_MAX / 2 words): high bits of its product with
 * an odd number, which every bit of the key reaches (the low bits of a
 * product see only the low bits of the key: the first byte or two of a
 * word, shared by many). */
static inline size_t key_slot(uint64_t key, size_t nslots) {
  return (size_t)((key * UINT64_C(0x9E3779B97F4A7C15)) >> 40) & (nslots - 1);
}

/* The words of a text while read: each distinct one's key (word_key), and
 * the table of them (open addressing). */
typedef struct words_build {
  rule_words *w;
  uint64_t *key;
  uint32_t *slot_of; /* [w]: the slot word w was put in (word_new) */
  size_t cap_words;
  word_slot *slots;
  size_t nslots;
} words_build;

/* The first table of a text's words, kept empty by the thread between
 * texts: zeroing 32 KB for each plan (calloc) cost more than emptying the
 * few hundred slots a plan's words took (words_slots_done).  Only while
 * `lent` is it a text's.  Room for 2,048 words (half full): a plan of
 * 50 KB has some 800, the longest of the corpus over 1,024, whose table
 * grew (a calloc of 64 KB and every word placed again: 8 of 40 plans,
 * 66,000 instructions each). */
enum { WORD_SLOTS_FIRST = 4096 };
static _Thread_local struct {
  word_slot slots[WORD_SLOTS_FIRST];
  bool lent;
} first_slots;

/* g's slots given back: the thread's first table emptied (each word's
 * slot as word_new put it there: a word stays in its slot while the table
 * is the first, where finding it again from its key took some 16
 * instructions a word), any other freed. */
static void words_slots_done(words_build *g) {
  if (g->slots != first_slots.slots) {
    free(g->slots);
  } else {
    for (size_t w = 0; w < g->w->nwords; w++)
      g->slots[g->slot_of[w]] = (word_slot){0};
    first_slots.lent = false;
  }
  g->slots = NULL;
  g->nslots = 0;
}

static bool slots_grow(words_build *g) {
  size_t nslots = g->nslots ? g->nslots * 2 : WORD_SLOTS_FIRST;
  word_slot *slots;
  if (!g->nslots && !first_slots.lent) {
    slots = first_slots.slots; /* empty, and g has no words yet */
    first_slots.lent = true;
  } else if (!(slots = calloc(nslots, sizeof *slots))) {
    return false;
  }
  for (size_t w = 0; w < g->w->nwords; w++) {
    size_t k = key_slot(g->key[w], nslots);
    while (slots[k].word) k = (k + 1) & (nslots - 1);
    slots[k] = (word_slot){g->key[w], g->w->len[w], (uint32_t)(w + 1)};
  }
  if (g->slots) words_slots_done(g); /* (its words are in the new one) */
  g->slots = slots;
  g->nslots = nslots;
  return true;
}

/* The number of the new word at s[at, at + n) of key `key` (word_key),
 * put in the empty slot k its lookup ended at (words_read); SIZE_MAX
 * without memory. */
static __attribute__((noinline)) size_t word_new(words_build *g, size_t at,
                                                 size_t n, uint64_t key,
                                                 size_t k) {
  rule_words *ws = g->w;
  if (ws->nwords == g->cap_words) {
    size_t c1 = g->cap_words, c2 = c1, c3 = c1, c4 = c1;
    size_t *a = cchc_grow(ws->at, &c1, ws->nwords, sizeof *a);
    if (a) ws->at = a;
    uint32_t *l = cchc_grow(ws->len, &c2, ws->nwords, sizeof *l);
    if (l) ws->len = l;
    uint64_t *ks = cchc_grow(g->key, &c3, ws->nwords, sizeof *ks);
    if (ks) g->key = ks;
    uint32_t *so = cchc_grow(g->slot_of, &c4, ws->nwords, sizeof *so);
    if (so) g->slot_of = so;
    if (!a || !l || !ks || !so) return SIZE_MAX;
    g->cap_words = c1;
  }
  size_t w = ws->nwords++;
  ws->at[w] = at;
  ws->len[w] = (uint32_t)n;
  g->key[w] = key;
  g->slot_of[w] = (uint32_t)k;
  g->slots[k] = (word_slot){key, (uint32_t)n, (uint32_t)(w + 1)};
  if (2 * ws->nwords > g->nslots && !slots_grow(g)) return SIZE_MAX;
  return w;
}

/* The word of the run s[at, at + n) (n <= RULE_LONGEST_WORD) when it is
 * not a short one (words_read): over 8 bytes, or too near the text's end
 * for 8 bytes to be read from it; looked up whole, or added.  Out of
 * line, so that the loop over the runs keeps its state in registers.
 * SIZE_MAX without memory. */
static __attribute__((noinline)) size_t word_lookup(words_build *g,
                                                    const char *s, size_t at,
                                                    size_t n, size_t len) {
  uint64_t key = word_key(s, at, n, len);
  size_t mask = g->nslots - 1;
  const word_slot *slots = g->slots;
  size_t k = key_slot(key, mask + 1);
  for (; slots[k].word; k = (k + 1) & mask)
    if (slots[k].key == key && slots[k].len == n &&
        (n <= KEY_BYTES || !memcmp(s + g->w->at[slots[k].word - 1], s + at, n)))
      return slots[k].word - 1;
  return word_new(g, at, n, key, k);
}

/* The word bytes among the 64 bytes of text from s[at] (those past n are
 * none): bit i for s[at + i]. */
static uint64_t word_mask64(const char *s, size_t at, size_t n) {
  unsigned char pad[64];
  const unsigned char *p = (const unsigned char *)s + at;
  if (n - at < sizeof pad) {
    memset(pad, 0, sizeof pad); /* a 0 byte is no word byte */
    if (n > at) memcpy(pad, p, n - at);
    p = pad;
  }
  uint64_t mask = 0;
#if defined(__SSE2__)
  /* Sixteen bytes at a time, compared as signed bytes: one beyond ASCII
   * is negative, so below every bound, and its own high bit marks it. */
  const __m128i case_bit = _mm_set1_epi8(0x20);
  const __m128i digit_lo = _mm_set1_epi8('0' - 1);
  const __m128i digit_hi = _mm_set1_epi8('9' + 1);
  const __m128i alpha_lo = _mm_set1_epi8('a' - 1);
  const __m128i alpha_hi = _mm_set1_epi8('z' + 1);
  for (unsigned k = 0; k < 4; k++) {
    __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(p + 16 * k));
    __m128i folded = _mm_or_si128(v, case_bit);
    __m128i digit = _mm_and_si128(_mm_cmpgt_epi8(v, digit_lo),
                                  _mm_cmplt_epi8(v, digit_hi));
    __m128i alpha = _mm_and_si128(_mm_cmpgt_epi8(folded, alpha_lo),
                                  _mm_cmplt_epi8(folded, alpha_hi));
    __m128i in_word = _mm_or_si128(_mm_or_si128(digit, alpha), v);
    mask |= (uint64_t)(uint16_t)_mm_movemask_epi8(in_word) << (16 * k);
  }
#else
  /* Eight bytes at a time as one number: a byte beyond ASCII is a word
   * byte; the others are told by adding to each, below its high bit,
   * what carries a byte at or above a bound into it (no carry crosses a
   * byte), so that a digit is at or above '0' and not above '9', and a
   * letter, with 0x20 set, likewise for 'a' and 'z'. */
  const uint64_t ones = UINT64_C(0x0101010101010101), high = ones * 0x80;
  for (unsigned k = 0; k < 8; k++) {
    uint64_t b;
    memcpy(&b, p + 8 * k, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    b = __builtin_bswap64(b); /* the first byte lowest, as below */
#endif
    uint64_t low = b & ~high, folded = low | ones * 0x20;
#define AT_LEAST(v, c) (((v) + ones * (0x80 - (c))) & high)
    uint64_t in_word = (b & high) |
                       (AT_LEAST(low, '0') & ~AT_LEAST(low, '9' + 1)) |
                       (AT_LEAST(folded, 'a') & ~AT_LEAST(folded, 'z' + 1));
#undef AT_LEAST
    /* the high bit of byte j to bit j */
    mask |= (((in_word >> 7) * UINT64_C(0x0102040810204080)) >> 56) << (8 * k);
  }
#endif
  return mask;
}

/* The slot of a short word's key among the slots of g (words_read), as
 * key_slot finds it, told as its offset in bytes from the first: the
 * lookup of each run then adds it to the table's address as it stands
 * (mask16: the table's size in bytes less one slot). */
enum { SLOT_BYTES = sizeof(word_slot) };
static inline size_t key_slot_offset(uint64_t key, size_t mask16) {
  return (size_t)((key * UINT64_C(0x9E3779B97F4A7C15)) >> 36) & mask16;
}

/* What words_read holds while it reads runs: where the next run goes,
 * and the table of distinct words as it stands. */
typedef struct runs_read {
  uint32_t *run_at, *run_word;
  size_t nruns;
  const char *slots; /* g->slots */
  size_t mask16;     /* (g->nslots - 1) * SLOT_BYTES */
} runs_read;

/* The run s[start, start + len) numbered (words_read): false without
 * memory.  Inline where every run is read. */
static inline __attribute__((always_inline)) bool run_add(
    words_build *g, runs_read *rr, const char *s, size_t n, size_t start,
    size_t len, bool near_end) {
  size_t w;
  if (len <= KEY_BYTES && (!near_end || start + KEY_BYTES <= n)) {
    uint64_t key = short_key(s + start, len);
    size_t off = key_slot_offset(key, rr->mask16);
    /* its key tells it (no other word's, nor an empty slot's, 0) */
    for (;;) {
      const word_slot *e = (const word_slot *)(const void *)(rr->slots + off);
      if (__builtin_expect(e->key == key, 1)) { /* (most runs) */
        w = (size_t)e->word - 1;
        break;
      }
      if (!e->word) { /* a new word, in the empty slot found */
        if ((w = word_new(g, start, len, key, off / SLOT_BYTES)) == SIZE_MAX)
          return false;
        rr->slots = (const char *)g->slots; /* they may have grown */
        rr->mask16 = (g->nslots - 1) * SLOT_BYTES;
        break;
      }
      off = (off + SLOT_BYTES) & rr->mask16;
    }
  } else if (len > RULE_LONGEST_WORD) {
    g->w->too_long = true;
    w = RULE_NO_WORD;
  } else if ((w = word_lookup(g, s, start, len, n)) == SIZE_MAX) {
    return false;
  } else { /* the slots may have grown */
    rr->slots = (const char *)g->slots;
    rr->mask16 = (g->nslots - 1) * SLOT_BYTES;
  }
  rr->run_at[rr->nruns] = (uint32_t)start;
  rr->run_word[rr->nruns++] = (uint32_t)w;
  return true;
}

/* The runs of the blocks of 64 bytes from `at` up to `to` (words_read);
 * *open: the start of the run open from the block before, SIZE_MAX when
 * none is; *before: is the byte before the block a word byte.  near_end:
 * a block may end fewer than 8 bytes before the text's end (a run there
 * may have fewer than 8 bytes from its start). */
static inline __attribute__((always_inline)) bool blocks_runs(
    words_build *g, runs_read *rr, const char *s, size_t n,
    const uint64_t *bits, size_t at, size_t to, size_t *open,
    uint64_t *before, bool near_end) {
  for (; at < to; at += 64) {
    uint64_t in_word = bits ? bits[at / 64] : word_mask64(s, at, n);
    uint64_t prev = in_word << 1 | *before; /* is the byte before one */
    uint64_t starts = in_word & ~prev, ends = prev & ~in_word;
    *before = in_word >> 63;
    if (*open != SIZE_MAX) {
      if (!ends) continue; /* the run goes on past the block */
      size_t end = at + (unsigned)__builtin_ctzll(ends);
      if (!run_add(g, rr, s, n, *open, end - *open, near_end)) return false;
      ends &= ends - 1;
      *open = SIZE_MAX;
    }
    /* each end left follows a start in the block */
    while (ends) {
      unsigned i = (unsigned)__builtin_ctzll(starts);
      unsigned e = (unsigned)__builtin_ctzll(ends);
      starts &= starts - 1;
      ends &= ends - 1;
      if (!run_add(g, rr, s, n, at + i, e - i, near_end)) return false;
    }
    if (starts) *open = at + (unsigned)__builtin_ctzll(starts);
  }
  return true;
}

/* The words of the text, each distinct one numbered.  A text of n bytes
 * has at most n / 2 + 1 runs (a run and what ends it): room for them is
 * taken at once (a long text's pages are touched only as runs fill them).
 * The runs are read 64 bytes at a time (word_mask64, or `bits` when the
 * lines' reading found them: lines_by_blocks): each word byte after one
 * that is none starts a run, and each byte that is none after one that
 * is ends one; the k-th start of a block and its k-th end (after the end
 * of a run open from a block before) are one run's.  A run whose end is
 * not in its block ends at the next block's first end, and the text's end
 * ends one too (the bytes past it are none).  A run of up to 8 bytes with
 * 8 bytes of text from its start (all but near the end: the blocks before
 * are read without asking) is looked up in line, its key its bytes, and
 * added when new (word_new, out of line); the others by word_lookup (a
 * run too long is RULE_NO_WORD).  The runs' two arrays are one block. */
enum { WORDS_FIRST_MAX = 4096 };
static bool words_read(words_build *g, const char *s, size_t n,
                       const uint64_t *bits) {
  rule_words *ws = g->w;
  size_t cap_runs = n / 2 + 1;
  ws->run_at = malloc(2 * cap_runs * sizeof *ws->run_at);
  if (!ws->run_at || !slots_grow(g)) return false;
  ws->run_word = ws->run_at + cap_runs;
  /* room for about as many distinct words as a text of n bytes has (a
   * plan of 50 KB about 800): grown from there (word_new), where room
   * for 16 grew seven times */
  size_t cap_words = n / 64 + 16;
  if (cap_words > WORDS_FIRST_MAX) cap_words = WORDS_FIRST_MAX;
  ws->at = malloc(cap_words * sizeof *ws->at);
  ws->len = malloc(cap_words * sizeof *ws->len);
  g->key = malloc(cap_words * sizeof *g->key);
  g->slot_of = malloc(cap_words * sizeof *g->slot_of);
  if (!ws->at || !ws->len || !g->key || !g->slot_of) return false;
  g->cap_words = cap_words;
  runs_read rr = {ws->run_at, ws->run_word, 0, (const char *)g->slots,
                  (g->nslots - 1) * SLOT_BYTES};
  size_t open = SIZE_MAX;
  uint64_t before = 0;
  /* the blocks that end at least 8 bytes before the text's end (a run
   * starts in its block), then the rest up to the one holding n */
  size_t far = n >= 64 + KEY_BYTES ? (n - 64 - KEY_BYTES) / 64 * 64 + 64 : 0;
  bool ok =
      blocks_runs(g, &rr, s, n, bits, 0, far, &open, &before, false) &&
      blocks_runs(g, &rr, s, n, bits, far, n + 1, &open, &before, true);
  ws->nruns = rr.nruns;
  return ok;
}

/* ---- every text's words, numbered ------------------------------------- */

/* The distinct words of the texts, each numbered once for the process
 * (from 1, in order of arrival; at most WORD_IDS_MAX of them): the memos
 * that keep an answer per word across texts (the literals a word holds,
 * the places of a list's words in it) keep it by number, in arrays, and
 * a text's distinct words are looked up here once (text_word_ids), where
 * each memo looked each word up by its bytes in a table of its own.  A
 * number stands for the same bytes as long as the process runs, so what
 * is kept by number is a function of the rules and the word's bytes
 * alone.  Keyed as the words of a text are read (word_key): a word of up
 * to 8 bytes is told by its key and length, a longer one by its bytes too
 * (kept in `bytes`: few words are that long).  Read by every worker's
 * plans at once; written for the words met first.  A word past the
 * bounds has no number (0): the memos search it, as every word without
 * them. */
enum { WORD_IDS_MAX = 1 << 17, WORD_IDS_BYTES_MAX = 1 << 22 };
static struct {
  word_slot *slots; /* .word: the number, 0 empty; at most half full */
  size_t nslots;
  uint32_t *at; /* [number - 1]: where a long word's bytes are */
  size_t n, cap;
  char *bytes;
  size_t nbytes, cap_bytes;
} word_ids;
static pthread_rwlock_t word_ids_lock = PTHREAD_RWLOCK_INITIALIZER;

/* The slot of the word w[0, n) of key `key` (word_key) among
 * slots[0, nslots): the one holding it, or the empty one where it goes.
 * Under word_ids_lock. */
static size_t word_id_slot(const word_slot *slots, size_t nslots,
                           const char *w, size_t n, uint64_t key) {
  size_t mask = nslots - 1;
  for (size_t k = key_slot(key, nslots);; k = (k + 1) & mask) {
    const word_slot *e = &slots[k];
    if (!e->word || (e->key == key && e->len == n &&
                     (n <= KEY_BYTES ||
                      !memcmp(word_ids.bytes + word_ids.at[e->word - 1], w,
                              n))))
      return k;
  }
}

/* The number of the word w[0, n) of key `key`, given one when new; 0
 * past the bounds or without memory.  Under word_ids_lock to write. */
static uint32_t word_id_add(const char *w, size_t n, uint64_t key) {
  if (2 * (word_ids.n + 1) > word_ids.nslots) {
    size_t nslots = word_ids.nslots ? 2 * word_ids.nslots : 4096;
    word_slot *slots = calloc(nslots, sizeof *slots);
    if (!slots) return 0;
    for (size_t k = 0; k < word_ids.nslots; k++) {
      const word_slot *e = &word_ids.slots[k];
      if (!e->word) continue;
      size_t j = key_slot(e->key, nslots);
      while (slots[j].word) j = (j + 1) & (nslots - 1);
      slots[j] = *e;
    }
    free(word_ids.slots);
    word_ids.slots = slots;
    word_ids.nslots = nslots;
  }
  size_t k = word_id_slot(word_ids.slots, word_ids.nslots, w, n, key);
  if (word_ids.slots[k].word) return word_ids.slots[k].word;
  if (word_ids.n == WORD_IDS_MAX) return 0;
  void *grown;
  if (word_ids.n == word_ids.cap) {
    if (!(grown = cchc_grow(word_ids.at, &word_ids.cap, word_ids.n,
                            sizeof *word_ids.at)))
      return 0;
    word_ids.at = grown;
  }
  word_ids.at[word_ids.n] = (uint32_t)word_ids.nbytes;
  if (n > KEY_BYTES) {
    if (word_ids.nbytes + n > WORD_IDS_BYTES_MAX) return 0;
    if (word_ids.nbytes + n > word_ids.cap_bytes) {
      if (!(grown = cchc_grow(word_ids.bytes, &word_ids.cap_bytes,
                              word_ids.nbytes + n, 1)))
        return 0;
      word_ids.bytes = grown;
    }
    memcpy(word_ids.bytes + word_ids.nbytes, w, n);
    word_ids.nbytes += n;
  }
  uint32_t id = (uint32_t)++word_ids.n;
  word_ids.slots[k] = (word_slot){key, (uint32_t)n, id};
  return id;
}

/* id[i] := the number of word i of the m words s[at[i], at[i] + len[i])
 * of keys key[i] (word_key), the new ones numbered (0: none). */
static void word_ids_find(const char *s, const size_t *at,
                          const uint32_t *len, const uint64_t *key, size_t m,
                          uint32_t *id) {
  size_t nnew = 0;
  pthread_rwlock_rdlock(&word_ids_lock);
  const word_slot *slots = word_ids.slots;
  size_t nslots = word_ids.nslots;
  for (size_t i = 0; i < m; i++) {
    uint32_t found = 0;
    if (!nslots) {
    } else if (len[i] <= KEY_BYTES) { /* told by key and length: in line */
      size_t mask = nslots - 1, k = key_slot(key[i], nslots);
      while (slots[k].word && (slots[k].key != key[i] || slots[k].len != len[i]))
        k = (k + 1) & mask;
      found = slots[k].word;
    } else {
      found = slots[word_id_slot(slots, nslots, s + at[i], len[i], key[i])].word;
    }
    id[i] = found;
    nnew += !found;
  }
  pthread_rwlock_unlock(&word_ids_lock);
  if (!nnew) return;
  pthread_rwlock_wrlock(&word_ids_lock);
  for (size_t i = 0; i < m; i++)
    if (!id[i]) id[i] = word_id_add(s + at[i], len[i], key[i]);
  pthread_rwlock_unlock(&word_ids_lock);
}

/* The words of a text as rule_text_words read them, and beyond what
 * callers read: each distinct word's key (word_key) and its number among
 * all texts' words (word_ids), looked up at the first ask. */
struct text_words {
  rule_words w;
  const char *s; /* the text */
  uint64_t *key;
  uint32_t *id;
};

static void text_words_free(text_words *tw) {
  if (!tw) return;
  free(tw->w.run_at); /* (and run_word: one block) */
  free(tw->w.at);
  free(tw->w.len);
  free(tw->key);
  free(tw->id);
  free(tw);
}

const rule_words *rule_text_words(const rule_text *t) {
  struct literal_cache *c = t->literals;
  if (!c || t->n > RULE_WORDS_TEXT_MAX) return NULL;
  if (c->words) return &c->words->w;
  text_words *tw = calloc(1, sizeof *tw);
  words_build g = {.w = tw ? &tw->w : NULL};
  bool ok = tw && words_read(&g, t->s, t->n, c->word_bits);
  if (g.slots) words_slots_done(&g); /* the runs say which word stands where */
  free(g.slot_of);
  free(c->word_bits); /* (read once: the words are kept) */
  c->word_bits = NULL;
  if (tw) tw->key = g.key, tw->s = t->s;
  else free(g.key);
  if (!ok) {
    text_words_free(tw);
    return NULL;
  }
  c->words = tw;
  return &tw->w;
}

/* The number of each distinct word of t (word_ids), looked up at the
 * first ask; NULL without memory. */
static const uint32_t *text_word_ids(text_words *tw) {
  if (tw->id) return tw->id;
  uint32_t *id = malloc((tw->w.nwords + 1) * sizeof *id);
  if (!id) return NULL;
  word_ids_find(tw->s, tw->w.at, tw->w.len, tw->key, tw->w.nwords, id);
  return tw->id = id;
}

const uint32_t *rule_text_word_ids(const rule_text *t) {
  return rule_text_words(t) ? text_word_ids(t->literals->words) : NULL;
}


/* Is every byte of a literal's text a word byte, so that each place of
 * it lies inside one word of a text?  Then so is every byte of its other
 * forms (word_forms):
 * a letter's other cases are letters, and no character is another case of
 * an ASCII digit or punctuation. */
bool rule_literal_bytes_in_words(const char *text) {
  for (const char *p = text; *p; p++)
    if (!rule_word_byte((unsigned char)*p)) return false;
  return true;
}

/* The distinct word whose bytes in the walk of words_places_by_words hold
 * offset o: begin[d] <= o < begin[d + 1]. */
static size_t word_holding(const uint32_t *begin, size_t nwords, uint32_t o) {
  size_t lo = 0, hi = nwords;
  while (hi - lo > 1) {
    size_t mid = lo + (hi - lo) / 2;
    if (begin[mid] <= o) lo = mid;
    else hi = mid;
  }
  return lo;
}

/* ---- the places of words in the distinct words, kept ---------------------- */

/* What the walk of the distinct words (words_places_by_words) found in
 * each word for a list of words, kept for the next texts: the words of
 * plans repeat (a plan meets a few hundred it has not met), and walking
 * them cost more than looking each up.  Kept by the list's texts and
 * cases, not its addresses (a rule set freed and another loaded may
 * reuse them): the places are a function of those and of each word's
 * bytes alone.  At most WALK_WORDS_KEPT words in WALK_LISTS lists, so
 * that memory stays flat over any batch (a word past them is walked, as
 * every word was); one lock for all, taken twice per text. */
enum {
  WALK_LISTS = 4,
  WALK_WORDS_KEPT = 1 << 16,
  WALK_PAIRS_KEPT = 1 << 20
};

/* The places of a word kept, pairs[first, first + n) (walk_pair). */
typedef struct walk_span {
  uint32_t first, n;
} walk_span;

typedef struct walk_memo {
  char **texts; /* the list's words, in order, and their cases */
  bool *caseless;
  bool *told; /* has forms the walk looks for (word_forms) */
  size_t nlits;
  /* word number i (word_ids) has the places spans[row[i] - 1] when row[i]
   * (i < nrow) is not 0 */
  uint32_t *row;
  size_t nrow;
  walk_span *spans;
  size_t nkept, cap_spans;
  uint32_t *pairs;
  size_t npairs, cap_pairs;
} walk_memo;

/* Read by every worker's plan at once, written for the words searched
 * (as answers_lock). */
static pthread_rwlock_t walk_lock = PTHREAD_RWLOCK_INITIALIZER;
static walk_memo walk_memos[WALK_LISTS];
static size_t nwalk_memos;

/* A place of the list's word k at byte `off` of a distinct word (off <
 * RULE_LONGEST_WORD), in 32 bits. */
static uint32_t walk_pair(size_t k, size_t off) {
  return (uint32_t)(k << 16 | off);
}

/* The memo of the list words[0, nwords); when there is none, made if
 * `make` (under walk_lock to write), else NULL; NULL when there is no room
 * (or memory), or the list is too long for walk_pair.  Under walk_lock. */
static walk_memo *walk_memo_for(const rule_literal *const *words,
                                size_t nwords, bool make) {
  if (!nwords || nwords > UINT16_MAX) return NULL;
  for (size_t i = 0; i < nwalk_memos; i++) {
    walk_memo *m = &walk_memos[i];
    size_t k = 0;
    if (m->nlits == nwords)
      while (k < nwords && m->caseless[k] == words[k]->caseless &&
             !strcmp(m->texts[k], words[k]->text))
        k++;
    if (k == nwords) return m;
  }
  if (!make || nwalk_memos == WALK_LISTS) return NULL;
  walk_memo *m = &walk_memos[nwalk_memos];
  *m = (walk_memo){.nlits = nwords};
  m->texts = calloc(nwords, sizeof *m->texts);
  m->caseless = malloc(nwords * sizeof *m->caseless);
  m->told = malloc(nwords * sizeof *m->told);
  bool ok = m->texts && m->caseless && m->told;
  xword_form forms[XWORD_VARIANTS];
  for (size_t k = 0; ok && k < nwords; k++) {
    ok = (m->texts[k] = strdup(words[k]->text)) != NULL;
    m->caseless[k] = words[k]->caseless;
    m->told[k] = word_forms_kept(words[k], forms) > 0;
  }
  if (ok) return &walk_memos[nwalk_memos++];
  for (size_t k = 0; m->texts && k < nwords; k++) free(m->texts[k]);
  free(m->texts);
  free(m->caseless);
  free(m->told);
  *m = (walk_memo){0};
  return NULL;
}

/* Keep the places pairs[0, np) of word number id; false when it cannot
 * be kept (no room, no memory: it is walked when met again). */
static bool walk_keep(walk_memo *m, uint32_t id, const uint32_t *pairs,
                      size_t np) {
  if (m->nkept == WALK_WORDS_KEPT || m->npairs + np > WALK_PAIRS_KEPT ||
      !rows_cover(&m->row, &m->nrow, id))
    return false;
  if (m->row[id]) return true; /* another thread kept it */
  void *grown;
  if (!(grown = cchc_grow(m->spans, &m->cap_spans, m->nkept,
                          sizeof *m->spans)))
    return false;
  m->spans = grown;
  if (m->npairs + np > m->cap_pairs) {
    if (!(grown = cchc_grow(m->pairs, &m->cap_pairs, m->npairs + np,
                            sizeof *m->pairs)))
      return false;
    m->pairs = grown;
  }
  if (np) memcpy(m->pairs + m->npairs, pairs, np * sizeof *pairs);
  m->spans[m->nkept] = (walk_span){(uint32_t)m->npairs, (uint32_t)np};
  m->row[id] = (uint32_t)++m->nkept;
  m->npairs += np;
  return true;
}

/* A growing array of pairs (walk_pair). */
typedef struct pair_list {
  uint32_t *v;
  size_t n, cap;
} pair_list;

static bool pairs_add(pair_list *p, const uint32_t *v, size_t n) {
  if (p->n + n > p->cap) {
    void *grown = cchc_grow(p->v, &p->cap, p->n + n, sizeof *p->v);
    if (!grown) return false;
    p->v = grown;
  }
  if (n) memcpy(p->v + p->n, v, n * sizeof *v);
  p->n += n;
  return true;
}

/* The places of words[0, nwords) in the distinct words of w listed in
 * miss[0, nmiss), walked (rule_words_places) one after another, a 0 byte
 * (no word byte) after each: into *lp, each word's after the last
 * (first[d], n[d]), in the list's order then the word's.  False without
 * memory. */
static bool words_walk(const rule_text *t, const rule_words *w,
                       const rule_literal *const *words, size_t nwords,
                       const size_t *miss, size_t nmiss, pair_list *lp,
                       uint32_t *first, uint32_t *n) {
  size_t total = 0;
  for (size_t j = 0; j < nmiss; j++) total += w->len[miss[j]] + 1;
  char *buf = malloc(total ? total : 1);
  uint32_t *begin = malloc((nmiss + 1) * sizeof *begin);
  uint32_t **in = calloc(nwords ? nwords : 1, sizeof *in);
  size_t *nin = malloc((nwords ? nwords : 1) * sizeof *nin);
  size_t *fill = calloc(nmiss + 1, sizeof *fill);
  bool ok = buf && begin && in && nin && fill && total <= UINT32_MAX;
  if (ok) {
    size_t o = 0;
    for (size_t j = 0; j < nmiss; j++) {
      begin[j] = (uint32_t)o;
      memcpy(buf + o, t->s + w->at[miss[j]], w->len[miss[j]]);
      o += w->len[miss[j]];
      buf[o++] = 0;
    }
    begin[nmiss] = (uint32_t)o;
    ok = rule_words_places(buf, total, words, nwords, in, nin);
  }
  /* each missed word's pairs from first[d]: counted, then placed */
  size_t base = lp->n, npairs = 0;
  for (size_t j = 0; j < nmiss; j++) n[miss[j]] = 0;
  for (size_t k = 0; ok && k < nwords; k++) {
    if (nin[k] == SIZE_MAX) continue;
    npairs += nin[k];
    for (size_t p = 0; p < nin[k]; p++)
      n[miss[word_holding(begin, nmiss, in[k][p])]]++;
  }
  if (ok && lp->n + npairs > lp->cap) {
    void *grown = cchc_grow(lp->v, &lp->cap, lp->n + npairs, sizeof *lp->v);
    if ((ok = grown != NULL)) lp->v = grown;
  }
  if (ok) {
    for (size_t j = 0, at = base; j < nmiss; j++) {
      first[miss[j]] = (uint32_t)at;
      at += n[miss[j]];
    }
    for (size_t k = 0; k < nwords; k++) {
      if (nin[k] == SIZE_MAX) continue;
      for (size_t p = 0; p < nin[k]; p++) {
        size_t j = word_holding(begin, nmiss, in[k][p]);
        lp->v[first[miss[j]] + fill[j]++] = walk_pair(k, in[k][p] - begin[j]);
      }
    }
    lp->n += npairs;
  }
  for (size_t k = 0; in && k < nwords; k++) free(in[k]);
  free(buf);
  free(begin);
  free(in);
  free(nin);
  free(fill);
  return ok;
}

/* rule_words_places over the distinct words of the text (w) instead of the
 * text: each word lies whole in one word of the text, so its places are
 * those it has in each distinct word, at each run of that word.  The
 * places in a distinct word are kept (walk_memo) for the list
 * words[0, nwords); those of the words met first are walked
 * (words_walk).  Literal k of the list goes to at[want[k]] and
 * count[want[k]] (of m), or nowhere when want[k] is SIZE_MAX. */
static bool words_places_by_words(const rule_text *t, const rule_words *w,
                                  const rule_literal *const *words,
                                  size_t nwords, const size_t *want,
                                  size_t m, uint32_t **at, size_t *count) {
  size_t nd = w->nwords;
  uint32_t *first = malloc((nd + 1) * sizeof *first);
  /* n[d] = n1[d + 1]: word d's places; n1[0] those of a run too long
   * (RULE_NO_WORD + 1 wraps to 0), none */
  uint32_t *n1 = malloc((nd + 1) * sizeof *n1), *n = n1 + 1;
  size_t *miss = malloc((nd + 1) * sizeof *miss), nmiss = 0;
  size_t *cap = calloc(m ? m : 1, sizeof *cap);
  const uint32_t *id = text_word_ids(t->literals->words);
  pair_list lp = {0};
  bool ok = first && n1 && miss && cap;
  if (n1) n1[0] = 0;
  for (size_t j = 0; j < m; j++) at[j] = NULL, count[j] = SIZE_MAX;
  walk_memo *memo = NULL;
  if (ok) {
    if (id) {
      /* (a memo once made stays for the process) */
      pthread_rwlock_rdlock(&walk_lock);
      memo = walk_memo_for(words, nwords, false);
      pthread_rwlock_unlock(&walk_lock);
      if (!memo) {
        pthread_rwlock_wrlock(&walk_lock);
        memo = walk_memo_for(words, nwords, true);
        pthread_rwlock_unlock(&walk_lock);
      }
    }
    pthread_rwlock_rdlock(&walk_lock);
    /* the words the walk can tell (rule_words_places: count[k] SIZE_MAX
     * for the others) */
    xword_form forms[XWORD_VARIANTS];
    for (size_t k = 0; k < nwords; k++)
      if (want[k] != SIZE_MAX &&
          (memo ? memo->told[k] : word_forms_kept(words[k], forms) > 0))
        count[want[k]] = 0;
    const uint32_t *row = memo ? memo->row : NULL;
    size_t nrow = memo ? memo->nrow : 0;
    for (size_t d = 0; ok && d < nd; d++) {
      uint32_t i = id && id[d] < nrow ? row[id[d]] : 0;
      if (!i) {
        miss[nmiss++] = d;
        continue;
      }
      const walk_span *ws = &memo->spans[i - 1];
      first[d] = (uint32_t)lp.n;
      n[d] = ws->n;
      ok = pairs_add(&lp, memo->pairs + ws->first, ws->n);
    }
    pthread_rwlock_unlock(&walk_lock);
  }
  ok = ok && (!nmiss || words_walk(t, w, words, nwords, miss, nmiss, &lp,
                                   first, n));
  if (ok && memo && nmiss) {
    pthread_rwlock_wrlock(&walk_lock);
    for (size_t j = 0; j < nmiss; j++) {
      size_t d = miss[j];
      if (id[d] && !walk_keep(memo, id[d], lp.v + first[d], n[d])) break;
    }
    pthread_rwlock_unlock(&walk_lock);
  }
  /* the places in the text, in text order: most runs' words hold no word
   * looked for (n 0) */
  const uint32_t *run_word = w->run_word;
  for (size_t r = 0, nruns = ok ? w->nruns : 0; r < nruns; r++) {
    /* four runs at a step while none holds one */
    while (r + 4 <= nruns &&
           !(n1[run_word[r] + 1u] | n1[run_word[r + 1] + 1u] |
             n1[run_word[r + 2] + 1u] | n1[run_word[r + 3] + 1u]))
      r += 4;
    if (r == nruns) break;
    uint32_t d1 = run_word[r] + 1u; /* (unsigned: wraps) */
    if (!n1[d1]) continue;
    for (size_t p = first[d1 - 1], e = p + n1[d1]; p < e; p++) {
      size_t j = want[lp.v[p] >> 16];
      if (j == SIZE_MAX) continue;
      void *grown = count[j] < cap[j]
                        ? at[j]
                        : cchc_grow(at[j], &cap[j], count[j], sizeof *at[j]);
      if (!(ok = grown != NULL)) goto walked;
      at[j] = grown;
      at[j][count[j]++] = w->run_at[r] + (lp.v[p] & 0xFFFF);
    }
  }
walked:
  for (size_t j = 0; ok && j < m; j++)
    if (at[j]) at[j] = cchc_shrink(at[j], &cap[j], count[j], sizeof *at[j]);
  if (!ok)
    for (size_t j = 0; j < m; j++) {
      free(at[j]);
      at[j] = NULL;
      count[j] = SIZE_MAX;
    }
  free(first);
  free(n1);
  free(miss);
  free(cap);
  free(lp.v);
  return ok;
}

bool rule_text_find_words(const rule_text *t,
                          const rule_literal *const *words, size_t nwords) {
  struct literal_cache *c =
      nwords && words[0]->set ? literal_cache_for(t, words[0]->set) : NULL;
  if (!c || t->n > UINT32_MAX) return nwords == 0;
  /* the words not yet found to the end of the text (nor left to the
   * searches as dense): words[k] is walk[want[k]] */
  const rule_literal **walk = malloc(nwords * sizeof *walk);
  size_t *want = malloc(nwords * sizeof *want);
  uint32_t **at = malloc(nwords * sizeof *at);
  size_t *count = malloc(nwords * sizeof *count), m = 0;
  bool ok = walk && want && at && count;
  bool in_words = true; /* every place of every word inside a word */
  for (size_t k = 0; ok && k < nwords; k++) {
    const rule_literal *l = words[k];
    want[k] = SIZE_MAX;
    if (l->set != c->set || l->id >= c->nhits) continue;
    const literal_places *p = &literal_known_of(c, l->id)->places;
    if (p->dense || p->done >= t->n) continue;
    size_t j = 0;
    while (j < m && walk[j] != l) j++;
    if (j == m) {
      want[k] = m;
      walk[m++] = l;
      in_words = in_words && rule_literal_in_words(l);
    }
  }
  /* by the text's words when they are known whole (none too long); the
   * whole list asked for, which the next texts ask for too (walk_memo) */
  const rule_words *w = ok && m && in_words ? rule_text_words(t) : NULL;
  if (w && !w->too_long)
    ok = words_places_by_words(t, w, words, nwords, want, m, at, count);
  else
    ok = ok && rule_words_places(t->s, t->n, walk, m, at, count);
  for (size_t k = 0; ok && k < m; k++) {
    if (count[k] == SIZE_MAX) continue; /* searched when asked */
    /* the walk's places replace those the searches found so far: the
     * same, and the rest of the text's */
    literal_places *p = &literal_known_of(c, walk[k]->id)->places;
    free(p->at);
    *p = (literal_places){
        .at = at[k], .n = count[k], .cap = count[k], .done = t->n};
  }
  free(walk);
  free(want);
  free(at);
  free(count);
  return ok;
}

/* The length of the white-space character (of \s) at p (< e), 0 when
 * there is none: ASCII's, and beyond it those of \h and \v and Unicode's
 * separators: U+0085, U+00A0, U+1680, U+180E, U+2000-U+200A, U+2028,
 * U+2029, U+202F, U+205F, U+3000. */
static size_t space_at(const unsigned char *p, const unsigned char *e) {
  if (*p < 0x80) return (*p >= '\t' && *p <= '\r') || *p == ' ';
  if (*p == 0xC2)
    return e - p >= 2 && (p[1] == 0x85 || p[1] == 0xA0) ? 2 : 0;
  if (e - p < 3) return 0;
  bool sep = false;
  if (*p == 0xE1)
    sep = (p[1] == 0x9A && p[2] == 0x80) || (p[1] == 0xA0 && p[2] == 0x8E);
  else if (*p == 0xE2)
    sep = (p[1] == 0x80 && (p[2] <= 0x8A || p[2] == 0xA8 || p[2] == 0xA9 ||
                            p[2] == 0xAF)) ||
          (p[1] == 0x81 && p[2] == 0x9F);
  else if (*p == 0xE3)
    sep = p[1] == 0x80 && p[2] == 0x80;
  return sep ? 3 : 0;
}

/* Can a match of r lie in t->s[a..b), as far as its literals tell? */
static bool literals_within(const rule *r, const rule_text *t, size_t a,
                            size_t b) {
  const rule_facts *f = &r->facts;
  if (!f->nlits || !t->literals) return true;
  for (size_t i = 0; i < f->nlits; i++) {
    bool any = false;
    for (size_t k = 0; k < f->nalts[i] && !any; k++)
      any = literal_within(f->lits[i][k], t, a, b);
    if (!any) return false;
  }
  return true;
}

/* Kinds of line features while rule_text_init reads the lines: an open
 * hash of index + 1 into t->kinds (0: empty), at least twice as many
 * slots as kinds can be (a power of two: `mask` + 1), so that it is never
 * full. */
typedef struct kind_table {
  uint32_t *slots;
  size_t mask;
} kind_table;

static size_t kind_slot(const uint64_t *kinds, const kind_table *kt,
                        uint64_t has) {
  size_t h = (size_t)((has * UINT64_C(0x9E3779B97F4A7C15)) >> 32) & kt->mask;
  while (kt->slots[h] && kinds[kt->slots[h] - 1] != has)
    h = (h + 1) & kt->mask;
  return h;
}

/* Line li has features `has`: its kind, a new one when none has them;
 * past RULE_LINE_KINDS kinds the lines hold their features (line_has).
 * False when out of memory. */
static bool line_kind_set(rule_text *t, kind_table *kt, size_t cap,
                          size_t li, uint64_t has) {
  if (t->line_has) {
    t->line_has[li] = has;
    return true;
  }
  uint32_t *slots = kt->slots;
  size_t h = kind_slot(t->kinds, kt, has);
  if (!slots[h] && t->nkinds < RULE_LINE_KINDS) {
    t->kinds[t->nkinds++] = has;
    slots[h] = (uint32_t)t->nkinds;
  }
  if (slots[h]) {
    t->line_kind[li] = (uint16_t)(slots[h] - 1);
    return true;
  }
  if (!(t->line_has = malloc(cap * sizeof *t->line_has))) return false;
  for (size_t k = 0; k < li; k++) t->line_has[k] = t->kinds[t->line_kind[k]];
  t->line_has[li] = has;
  free(t->line_kind);
  free(t->kinds);
  t->line_kind = NULL;
  t->kinds = NULL;
  return true;
}

#if defined(__SSE2__)
/* The bytes of 64 bytes of text as bit masks (bit i for byte i): `word`
 * the word bytes (rule_word_bytes), `space` the spaces, `digit` the
 * ASCII digits and the lead bytes that may start a digit
 * (lead_may_be_digit, told from each byte and the next). */
typedef struct block_masks {
  uint64_t word, space, digit;
} block_masks;

/* The masks of nb blocks of 64 bytes at p (p[64 * nb] readable), 16
 * bytes at a time. */
static void masks_sse2(const unsigned char *p, size_t nb, block_masks *m) {
  for (size_t b = 0; b < nb; b++, p += 64) {
    uint64_t words = 0, space = 0, digits = 0;
    for (unsigned k = 0; k < 4; k++) {
      const unsigned char *q = p + 16 * k;
      const __m128i c = _mm_loadu_si128((const __m128i *)(const void *)q);
      const __m128i lead = digit_leads(
          c, _mm_loadu_si128((const __m128i *)(const void *)(q + 1)));
      const __m128i digit =
          GE(_mm_set1_epi8(9), _mm_sub_epi8(c, _mm_set1_epi8('0')));
      const __m128i letter = GE(
          _mm_set1_epi8(25),
          _mm_sub_epi8(_mm_or_si128(c, _mm_set1_epi8(0x20)), _mm_set1_epi8('a')));
      const __m128i sp = _mm_cmpeq_epi8(c, _mm_set1_epi8(' '));
      /* (c itself: the sign bit of a byte beyond ASCII) */
      const __m128i in_word = _mm_or_si128(_mm_or_si128(letter, digit), c);
      words |= (uint64_t)(uint16_t)_mm_movemask_epi8(in_word) << (16 * k);
      space |= (uint64_t)(uint16_t)_mm_movemask_epi8(sp) << (16 * k);
      digits |= (uint64_t)(uint16_t)_mm_movemask_epi8(_mm_or_si128(digit, lead))
                << (16 * k);
    }
    m[b] = (block_masks){words, space, digits};
  }
}

#if defined(__x86_64__) && defined(__GNUC__)
#define MASKS_AVX2 1
/* masks_sse2 32 bytes at a time, where the processor has AVX2. */
__attribute__((target("avx2"))) static void masks_avx2(const unsigned char *p,
                                                        size_t nb,
                                                        block_masks *m) {
#define GE32(a, b) _mm256_cmpeq_epi8(_mm256_max_epu8((a), (b)), (a))
  for (size_t b = 0; b < nb; b++, p += 64) {
    uint64_t words = 0, space = 0, digits = 0;
    for (unsigned k = 0; k < 2; k++) {
      const unsigned char *q = p + 32 * k;
      const __m256i c = _mm256_loadu_si256((const __m256i *)(const void *)q);
      const __m256i next =
          _mm256_loadu_si256((const __m256i *)(const void *)(q + 1));
      /* digit_leads */
      __m256i lead = _mm256_andnot_si256(
          _mm256_and_si256(_mm256_cmpeq_epi8(c, _mm256_set1_epi8((char)0xE1)),
                           GE32(next, _mm256_set1_epi8((char)0xB8))),
          GE32(c, _mm256_set1_epi8((char)0xD9)));
      lead = _mm256_andnot_si256(
          _mm256_andnot_si256(GE32(next, _mm256_set1_epi8((char)0xB0)),
                              _mm256_cmpeq_epi8(c, _mm256_set1_epi8((char)0xE2))),
          lead);
      const __m256i digit =
          GE32(_mm256_set1_epi8(9), _mm256_sub_epi8(c, _mm256_set1_epi8('0')));
      const __m256i letter =
          GE32(_mm256_set1_epi8(25),
               _mm256_sub_epi8(_mm256_or_si256(c, _mm256_set1_epi8(0x20)),
                               _mm256_set1_epi8('a')));
      const __m256i sp = _mm256_cmpeq_epi8(c, _mm256_set1_epi8(' '));
      const __m256i in_word =
          _mm256_or_si256(_mm256_or_si256(letter, digit), c);
      words |= (uint64_t)(uint32_t)_mm256_movemask_epi8(in_word) << (32 * k);
      space |= (uint64_t)(uint32_t)_mm256_movemask_epi8(sp) << (32 * k);
      digits |= (uint64_t)(uint32_t)_mm256_movemask_epi8(
                    _mm256_or_si256(digit, lead))
                << (32 * k);
    }
    m[b] = (block_masks){words, space, digits};
  }
#undef GE32
}
#endif

/* The bits below bit `to` (to <= 64). */
static inline uint64_t bits_below(size_t to) {
  return to >= 64 ? ~(uint64_t)0 : ((uint64_t)1 << to) - 1;
}

/* The features (rule_features) of the bytes [from, to) of the block of
 * masks m at p: those of its ASCII bytes that are neither letter nor
 * space nor digit by the table, each at once; a space's, a digit's. */
static inline uint64_t block_features(const block_masks *m,
                                      const unsigned char *p, size_t from,
                                      size_t to) {
  uint64_t in = bits_below(to) & ~bits_below(from), has = 0;
  for (uint64_t r = ~(m->word | m->space) & in; r; r &= r - 1)
    has |= rule_ascii_features[p[__builtin_ctzll(r)]];
  if (m->space & in) has |= rule_ascii_features[' '];
  return m->digit & in ? has | BIT(F_DIGIT) : has;
}

static bool line_kind_set(rule_text *t, kind_table *kt, size_t cap,
                          size_t li, uint64_t has);

/* Blocks whose masks are read at once (a call for many). */
enum { MASK_BLOCKS = 32 };

/* The features of the lines of t whose ends are known (ends[0, cap): the
 * newline ending each line, then t->n), as rule_features finds them line
 * by line, read 64 bytes at a time over the whole text: a line's
 * features are those of its bytes, and a byte's are told by it and the
 * next (the newline ending a line is the only byte whose next lies in
 * the next line, and it is no lead byte).  Where each line's features
 * were a call, its last 16 bytes read twice and a short line's byte by
 * byte.  The word bytes are kept in bits[0, t->n / 64 + 1] when `bits`
 * (rule_text_words reads them, where it read the text once more).
 * False without memory. */
static bool lines_by_blocks(rule_text *t, kind_table *kt, size_t cap,
                            const uint32_t *ends, uint64_t *bits) {
  const unsigned char *s = (const unsigned char *)t->s;
  size_t n = t->n, li = 0, a = 0; /* line li starts at a */
  size_t le = cap > 1 ? (size_t)ends[0] + 1 : n; /* and ends before le */
  uint64_t has = 0;
#ifdef MASKS_AVX2
  const bool avx2 = __builtin_cpu_supports("avx2");
#endif
  block_masks masks[MASK_BLOCKS];
  /* the last block's bytes past the text: no feature, no word byte, and
   * a lead byte before them may start a digit, as one that ends the text
   * (lead_may_be_digit without a next byte: 0xB0 is at or above 0xB0,
   * below 0xB8) */
  unsigned char pad[80];
  for (size_t b = 0; b < n;) {
    const unsigned char *p = s + b;
    /* the blocks with a byte after them in the text */
    size_t nb = n - b > 64 ? (n - b - 1) / 64 : 0;
    if (nb > MASK_BLOCKS) nb = MASK_BLOCKS;
    if (!nb) {
      memset(pad, 0xB0, sizeof pad);
      memcpy(pad, p, n - b);
      p = pad;
      nb = 1;
    }
#ifdef MASKS_AVX2
    if (avx2) masks_avx2(p, nb, masks);
    else
#endif
      masks_sse2(p, nb, masks);
    if (p == pad) masks[0].word &= bits_below(n - b);
    for (size_t k = 0; k < nb; k++, b += 64, p += 64) {
      const block_masks *m = &masks[k];
      if (bits) bits[b / 64] = m->word;
      /* the lines that end in the block, then the start of the next */
      while (li < cap && le <= b + 64) {
        has |= block_features(m, p, a > b ? a - b : 0, le - b);
        if (!line_kind_set(t, kt, cap, t->nlines++, has)) return false;
        t->has |= has;
        has = 0;
        a = le;
        le = ++li + 1 < cap ? (size_t)ends[li] + 1 : n;
      }
      if (li < cap) has |= block_features(m, p, a > b ? a - b : 0, 64);
    }
  }
  if (bits && n % 64 == 0) bits[n / 64] = 0; /* (the runs' last block) */
  for (; li < cap; li++) { /* a line at the text's end: empty */
    if (!line_kind_set(t, kt, cap, t->nlines++, has)) return false;
    t->has |= has;
    has = 0;
  }
  return true;
}
#endif

cchc_status rule_text_init(rule_text *t, const char *s, size_t n,
                           cchc_error *err) {
  return rule_text_init_lines(t, s, n, NULL, 0, err);
}

cchc_status rule_text_init_lines(rule_text *t, const char *s, size_t n,
                                 const uint32_t *ends, size_t nends,
                                 cchc_error *err) {
  memset(t, 0, sizeof *t);
  t->s = s;
  t->n = n;
  if (!nends) ends = NULL;
  /* the lines counted first: a long text has a million, each held once */
  size_t cap = ends ? nends : cchc_line_count(s, n);
  size_t most = cap < RULE_LINE_KINDS ? cap : RULE_LINE_KINDS;
  kind_table kt = {.mask = 63};
  uint64_t *bits = NULL; /* (literal_cache.word_bits) */
  while (kt.mask < 2 * most) kt.mask = kt.mask * 2 + 1;
  kt.slots = calloc(kt.mask + 1, sizeof *kt.slots);
  /* the ends given are the lines' ends, the text's length last: read
   * where they lie (a long text's million lines held once, not twice) */
  t->line_end_lent = ends != NULL;
  t->line_end =
      ends ? (uint32_t *)ends : malloc(cap * sizeof *t->line_end);
  t->line_kind = malloc(cap * sizeof *t->line_kind);
  t->kinds = malloc(most * sizeof *t->kinds);
  if (!kt.slots || !t->line_end || !t->line_kind || !t->kinds) goto nomem;
#if defined(__SSE2__)
  if (ends) {
    /* the words' bytes as well, for the text's words (without memory for
     * them, rule_text_words finds them) */
    if (n <= RULE_WORDS_TEXT_MAX)
      bits = malloc((n / 64 + 1) * sizeof *bits);
    if (!lines_by_blocks(t, &kt, cap, ends, bits)) goto nomem;
  } else
#endif
  for (size_t i = 0;;) {
    /* (where the ends are known, the newline is not looked for) */
    const char *nl;
    if (ends)
      nl = t->nlines + 1 < cap ? s + ends[t->nlines] : NULL;
    else
      nl = memchr(s + i, '\n', n - i);
    size_t end = nl ? (size_t)(nl - s) : n;
    uint64_t has = rule_features(s + i, end + (nl != NULL) - i);
    if (!ends) t->line_end[t->nlines] = (uint32_t)end;
    if (!line_kind_set(t, &kt, cap, t->nlines++, has)) goto nomem;
    t->has |= has;
    if (!nl) break;
    i = end + 1;
  }
  free(kt.slots);
  kt.slots = NULL;
  if (t->kinds) { /* (the room of the kinds not taken given back) */
    uint64_t *kinds = realloc(t->kinds, t->nkinds * sizeof *kinds);
    if (kinds) t->kinds = kinds;
  }
  rule_thread_ready(); /* (without it, matches run as before) */
  if (!(t->mc = pcre2_match_context_create(NULL))) goto nomem;
  if (!(t->literals = calloc(1, sizeof *t->literals))) goto nomem;
  t->literals->word_bits = bits;
  return CCHC_OK;
nomem:
  free(bits);
  free(kt.slots);
  rule_text_free(t);
  return cchc_fail(err, CCHC_ERR_NOMEM, "out of memory");
}

static size_t line_start(const rule_text *t, size_t li) {
  return li ? t->line_end[li - 1] + 1 : 0;
}

/* The line holding offset `at` (a line's break belongs to it). */
static size_t line_of(const rule_text *t, size_t at) {
  return first_from(t->line_end, t->nlines - 1, at); /* else the last */
}

void rule_text_line_around(const rule_text *t, size_t at, size_t *start,
                           size_t *end) {
  if (!t->nlines) { /* no text */
    *start = *end = at;
    return;
  }
  size_t li = line_of(t, at);
  *start = line_start(t, li);
  *end = t->line_end[li];
}

bool rule_exec_until(const rule *r, const rule_text *t, const char *s,
                     size_t len, size_t start, size_t limit,
                     pcre2_match_data *md) {
  if (!t->mc) /* the first match, if it starts in time */
    return rule_exec(r, s, len, start, md) &&
           pcre2_get_ovector_pointer(md)[0] <= limit;
  pcre2_match_context *mc =
      rule_thread_limit_context ? rule_thread_limit_context : t->mc;
  pcre2_set_offset_limit(mc, limit);
  return code_match(r->code, &r->jit, s, len, start, md, mc) > 0;
}

/* r's first match in t->s[0..len) starting in [from, limit]. */
static bool match_within(const rule *r, const rule_text *t, size_t len,
                         size_t from, size_t limit, pcre2_match_data *md) {
  return rule_exec_until(r, t, t->s, len, from, limit, md);
}

/* r's match starting at p, if any, tried there (p < len). */
static bool try_at(const rule *r, const rule_text *t, size_t len, size_t p,
                   pcre2_match_data *md) {
  pcre2_code *anchored = r->tries_anchored ? rule_anchored(r) : NULL;
  if (anchored)
    return code_match(anchored, &r->anchored_jit, t->s, len, p, md, NULL) >
           0;
  return match_within(r, t, len, p, p, md);
}

/* r's match starting at p, if any: tried only where a match can start
 * (inline: line scans ask at every line). */
static inline bool match_at(const rule *r, const rule_text *t, size_t len,
                            size_t p, pcre2_match_data *md) {
  const unsigned char *s = (const unsigned char *)t->s;
  if (r->facts.has_first && (p >= len || !rule_may_start(r, s, p, len)))
    return false;
  if (r->start_words && (p >= len || !rule_start_word_at(r->start_words, s, p, len)))
    return false;
  return try_at(r, t, len, p, md);
}

/* r's first match starting in [from, limit] (limit <= len), tried only
 * where its start condition holds when it has one: at each line start or
 * after each character of `after`; else PCRE2's search up to the limit,
 * unless it would try every position or look ahead through the rest of
 * the text: then at each byte a match can start with. */
static bool match_in(const rule *r, const rule_text *t, size_t len,
                     size_t from, size_t limit, pcre2_match_data *md) {
  const rule_facts *f = &r->facts;
  const unsigned char *s = (const unsigned char *)t->s;
  if (!f->starts) {
    if (!r->by_first && r->ahead < 0)
      return match_within(r, t, len, from, limit, md);
    size_t end = limit < len ? limit + 1 : len;
    for (size_t i = from; i < end; i++) {
      i = first_candidate(r, s, i, end);
      if (i < end && rule_may_start(r, s, i, len) && try_at(r, t, len, i, md))
        return true;
    }
    return false;
  }
  if (from == 0 && f->at_zero && match_at(r, t, len, 0, md)) return true;
  uint64_t in_line = f->after & ~F_NL;
  for (size_t li = line_of(t, from); li < t->nlines; li++) {
    size_t ls = line_start(t, li);
    if (ls > limit) break;
    if (li && (f->after & F_NL) && ls >= from && match_at(r, t, len, ls, md))
      return true;
    if (!(rule_line_has(t, li) & in_line)) continue;
    for (size_t i = ls + 1 > from ? ls : from - 1;
         i < t->line_end[li] && i < limit; i++)
      if (s[i] < 0x80 && (rule_ascii_features[s[i]] & in_line) &&
          match_at(r, t, len, i + 1, md))
        return true;
  }
  return false;
}

static uint64_t features_at(const rule_text *t, size_t i) {
  const unsigned char *s = (const unsigned char *)t->s;
  if (s[i] < 0x80) return rule_ascii_features[s[i]];
  return lead_may_be_digit(s + i, s + t->n) ? BIT(F_DIGIT) : 0;
}

/* The last byte of f's barrier in t->s[lo, hi), plus one; lo when none
 * is: f->nbarrier_bytes > 0, so that the barrier's characters are those
 * bytes (barrier_bytes_read), searched for a byte at a time (memrchr),
 * where each byte's features were read in turn. */
static size_t barrier_last(const rule_facts *f, const rule_text *t,
                           size_t lo, size_t hi) {
  for (size_t k = 0; k < f->nbarrier_bytes && lo < hi; k++) {
    const char *p = memrchr(t->s + lo, f->barrier_bytes[k], hi - lo);
    if (p) lo = (size_t)(p - t->s) + 1;
  }
  return lo;
}

/* The first byte of f's barrier in t->s[lo, hi); hi when none is (as
 * barrier_last). */
static size_t barrier_first(const rule_facts *f, const rule_text *t,
                            size_t lo, size_t hi) {
  for (size_t k = 0; k < f->nbarrier_bytes && lo < hi; k++) {
    const char *p = memchr(t->s + lo, f->barrier_bytes[k], hi - lo);
    if (p) hi = (size_t)(p - t->s);
  }
  return hi;
}

/* Where the stretch without r's barrier b that runs into line li starts:
 * after the last barrier before it, and not before pos. */
static size_t stretch_start(const rule_facts *f, const rule_text *t,
                            size_t li, size_t pos, uint64_t b) {
  while (li-- > 0) {
    size_t ls = line_start(t, li), le = t->line_end[li];
    if (le < pos) break;
    if (rule_line_has(t, li) & b) {
      size_t lo = ls > pos ? ls : pos;
      if (f->nbarrier_bytes) {
        size_t i = barrier_last(f, t, lo, le);
        if (i > lo) return i;
      } else {
        for (size_t i = le; i > lo; i--)
          if (features_at(t, i - 1) & b) return i;
      }
    }
    if (ls <= pos) break;
  }
  return pos;
}

/* Lines a stretch_end looks through for a barrier before it gives up. */
enum { STRETCH_LINES = 64 };

/* Where the stretch without r's barrier b that runs on from offset `to`
 * (<= len, in line li) ends: at its next barrier, else at len (also when
 * the barrier lies too far on to look for). */
static size_t stretch_end(const rule_facts *f, const rule_text *t, size_t li,
                          size_t to, size_t len, uint64_t b) {
  for (size_t n = 0; li < t->nlines && n < STRETCH_LINES; li++, n++) {
    size_t ls = line_start(t, li);
    if (ls >= len) break;
    if (!(rule_line_has(t, li) & b)) continue;
    size_t i = ls > to ? ls : to, le = t->line_end[li];
    /* the line's bytes and its break */
    size_t hi = le < t->n ? le + 1 : t->n;
    if (f->nbarrier_bytes) {
      if ((i = i < hi ? barrier_first(f, t, i, hi) : hi) < hi)
        return i < len ? i : len;
      continue;
    }
    for (; i < hi; i++)
      if (features_at(t, i) & b) return i < len ? i : len;
  }
  return len;
}

/* Does t->s[a..b) hold byte u? */
static bool holds_byte(const rule_text *t, size_t a, size_t b, int u) {
  if (b > t->n) b = t->n;
  return a < b && memchr(t->s + a, u, b - a);
}

/* r's first match starting in window [from, to].  A search that looks
 * ahead for a byte every match holds goes past the window to its next
 * occurrence: searched when the byte itself (in the case PCRE2 may look
 * for alone) stands soon after, so that the search does not go far; else
 * tried position by position. */
enum { AHEAD_REACH = 4096 };

static bool window_match(const rule *r, const rule_text *t, size_t len,
                         size_t from, size_t to, pcre2_match_data *md) {
  if (r->ahead >= 0 && !r->by_first && !r->facts.starts &&
      holds_byte(t, to, to + AHEAD_REACH, r->ahead))
    return match_within(r, t, len, from, to, md);
  return match_in(r, t, len, from, to, md);
}

static bool anchor_window(const rule *r, const rule_text *t, size_t len,
                          size_t from, size_t *at, size_t *lo, size_t *ws);

/* Only the lines holding what r needs are searched (its first clause; all
 * of them when no match spans lines), each from the start of the stretch
 * without barriers that runs into it: a match holds a needed character and
 * no barrier, so it starts in the window of the line holding its needed
 * character.  Consecutive such lines share a window.  With `by_anchor`, a
 * window is searched only from where the first window before one of r's
 * anchor words in it starts (scan_anchored): a match starts in both.  A
 * window is skipped when the stretch it runs on in lacks the words every
 * match holds: looked for only where PCRE2 would try many places (no
 * first code unit to skip to, no start after given characters), else the
 * search costs less than the look. */
static bool scan_windows(const rule *r, const rule_text *t, size_t len,
                         size_t start, bool by_anchor, pcre2_match_data *md) {
  uint64_t q = r->facts.needs[0], b = r->facts.barrier;
  bool by_words = r->facts.nlits && !r->first_unit && !r->facts.starts;
  bool in_line = b & F_NL;
  size_t pos = start;
  size_t at[RULE_ANCHOR_ALTS], lo[RULE_ANCHOR_ALTS]; /* as scan_anchored */
  for (size_t k = 0; k < r->facts.nanchor; k++) at[k] = SIZE_MAX;
  for (size_t li = line_of(t, start); li < t->nlines;) {
    size_t ls = line_start(t, li);
    if (ls >= len) break;
    if (in_line ? !rule_may_match(r, rule_line_has(t, li))
                : !(rule_line_has(t, li) & q)) {
      li++;
      continue;
    }
    size_t from =
        in_line ? (ls > pos ? ls : pos)
                : stretch_start(&r->facts, t, li, pos, b);
    while (li + 1 < t->nlines && line_start(t, li + 1) < len &&
           (in_line ? rule_may_match(r, rule_line_has(t, li + 1))
                    : (rule_line_has(t, li + 1) & q)))
      li++;
    size_t to = t->line_end[li] < len ? t->line_end[li] : len;
    size_t ws = from;
    if (by_anchor && !anchor_window(r, t, len, from, at, lo, &ws))
      ws = from;
    if (ws <= to &&
        (!by_words ||
         literals_within(r, t, ws,
                         in_line ? to
                                 : stretch_end(&r->facts, t, li, to, len, b))) &&
        window_match(r, t, len, ws, to, md))
      return true;
    pos = to + 1;
    li++;
  }
  return false;
}

/* run among the n longest runs top[] (longest first, at most `runs`),
 * their sum in *sum. */
static void keep_longest(size_t *top, size_t *n, size_t runs, size_t *sum,
                         size_t run) {
  size_t k;
  if (*n < runs) {
    k = (*n)++;
  } else if (runs && run > top[runs - 1]) {
    *sum -= top[runs - 1];
    k = runs - 1;
  } else {
    return;
  }
  for (; k > 0 && top[k - 1] < run; k--) top[k] = top[k - 1];
  top[k] = run;
  *sum += run;
}

/* Each run of the pattern takes white space from one run of the text, so
 * walking back from o, what the match takes beyond `fixed` is at most the
 * `runs` longest runs of white space passed: the walk stops where the
 * rest is more than `fixed`. */
size_t rule_window_start(const char *text, size_t n, size_t o, size_t fixed,
                         size_t runs, size_t floor) {
  /* within `fixed` bytes of the floor, the walk would end there */
  if (o - floor <= fixed) return floor;
  const unsigned char *s = (const unsigned char *)text, *e = s + n;
  size_t top[RUNS_MAX], ntop = 0, taken = 0; /* taken: the sum of top */
  size_t run = 0; /* the run being passed */
  for (size_t i = o; i > floor;) {
    size_t j = i - 1;
    if (!char_back(s, e, floor, &j)) {
      run += i - j;
    } else if (run) {
      keep_longest(top, &ntop, runs, &taken, run);
      run = 0;
    }
    size_t most = taken; /* with the run being passed among the longest */
    if (run && ntop < runs) most += run;
    else if (run && runs && run > top[runs - 1]) most += run - top[runs - 1];
    if (o - j - most > fixed) return i;
    i = j;
  }
  return floor;
}

/* Windows before words closer than this are searched as one: a search
 * costs more than trying a few positions. */
enum { ANCHOR_GAP = 16 };

/* The first offset from i on (len when none) where a digit may stand: an
 * ASCII digit, or a lead byte that may start one (lead_may_be_digit), 16
 * bytes at a time with SSE2 (a line holds a few numbers). */
static size_t next_digit(const unsigned char *s, size_t i, size_t len) {
#if defined(__SSE2__)
  for (; i + 17 <= len; i += 16) { /* (reads the byte after the block) */
    const __m128i c = _mm_loadu_si128((const __m128i *)(s + i));
    unsigned m = (unsigned)_mm_movemask_epi8(_mm_or_si128(
        GE(_mm_set1_epi8(9), _mm_sub_epi8(c, _mm_set1_epi8('0'))),
        digit_leads(c, _mm_loadu_si128((const __m128i *)(s + i + 1)))));
    if (m) return i + (size_t)__builtin_ctz(m);
  }
#endif
  for (; i < len; i++)
    if ((unsigned)(s[i] - '0') <= 9 || lead_may_be_digit(s + i, s + len))
      return i;
  return len;
}

/* Where the character at i (a digit's place) ends. */
static size_t digit_end(const unsigned char *s, size_t i, size_t len) {
  while (++i < len && (s[i] & 0xC0) == 0x80) {
  }
  return i;
}

/* Digits' windows closer than this are searched as one (ANCHOR_GAP); a
 * stretch this short or shorter is tried whole, finding its windows
 * costing about as much (on 40 plans, 32 bytes: -0.32 M instructions;
 * 16: -0.2 M; 64: +0.4 M). */
enum { DIGIT_GAP = 16, DIGIT_STRETCH = 32 };

/* r's first match in s[0..len) starting in [w, e] (e < len): tried,
 * anchored, where it may start for a rule tried so (by_first: PCRE2 would
 * try every place), else searched. */
static bool window_first(const rule *r, const rule_text *t, const char *s,
                         size_t len, size_t w, size_t e,
                         pcre2_match_data *md) {
  pcre2_code *anchored = r->by_first ? rule_anchored(r) : NULL;
  if (!anchored) return rule_exec_until(r, t, s, len, w, e, md);
  for (size_t i = rule_next_start(r, s, w, e + 1, len); i <= e;
       i = rule_next_start(r, s, i + 1, e + 1, len))
    if (code_match(anchored, &r->anchored_jit, s, len, i, md, NULL) > 0)
      return true;
  return false;
}

bool rule_exec_near_digits(const rule *r, const rule_text *t, const char *s,
                           size_t len, size_t start, size_t limit,
                           pcre2_match_data *md) {
  /* A match starting at p holds a digit at most the fact's bound after
   * p, so the first place a digit may stand at or after p is as near (a
   * part of the match up to that digit is no longer): p lies in the
   * window before that place, which starts after the place before it. */
  const rule_facts *f = &r->facts;
  const unsigned char *u = (const unsigned char *)s;
  size_t last = limit < len ? limit : len; /* (a match holds a digit) */
  if (last - start <= DIGIT_STRETCH)
    return start < len &&
           window_first(r, t, s, len, start, last < len ? last : len - 1, md);
  size_t d = next_digit(u, start, len), w = 0;
  if (d < len)
    w = rule_window_start(s, len, d, f->digit_bytes, f->digit_runs, start);
  while (d < len && w <= last) {
    size_t e = d, next = len, wn = 0; /* the window [w, e] */
    /* (no window after one reaching the last start starts in time) */
    while (e < last) {
      size_t floor = digit_end(u, e, len);
      next = next_digit(u, floor, len);
      if (next == len) break;
      /* (a window starts at its digit at the latest: a digit this near
       * joins the window whatever its start) */
      if (next <= e + DIGIT_GAP) {
        e = next;
        continue;
      }
      wn = rule_window_start(s, len, next, f->digit_bytes, f->digit_runs,
                             floor);
      if (wn > e + DIGIT_GAP) break;
      e = next;
    }
    if (window_first(r, t, s, len, w, e < last ? e : last, md)) return true;
    if (e >= last) return false;
    d = next;
    w = wn;
  }
  return false;
}

/* A window before a word this long or longer starts after the last
 * character of the rule's barrier in it (anchor_next), when that barrier
 * is a few ASCII bytes: searched for, a byte at a time, from the word
 * back (memrchr). */
enum { BARRED_WINDOW = 64 };

/* Where the last byte of f's barrier in t->s[lo, at) stands, plus one;
 * lo when none does.  False when the barrier is not a few ASCII bytes. */
static bool barred_from(const rule_facts *f, const rule_text *t, size_t lo,
                        size_t at, size_t *out) {
  if (!f->nbarrier_bytes) return false;
  *out = barrier_last(f, t, lo, at);
  return true;
}

/* Word k of r's anchor: its first occurrence at or after `from` (a
 * character's start) in at[k] (SIZE_MAX: none), and where a match holding
 * it there starts at the earliest, or `from` when that is before, in
 * lo[k]; kept while at[k] >= from.  (A scan has tried what starts before
 * `from`, or is about to: so the walks back from one word's occurrences
 * never cross.)  A match holds no character of r's barrier: one holding
 * the word starts after the last such character before it, where a long
 * window then starts (BARRED_WINDOW).  False when its places cannot be
 * told. */
static bool anchor_next(const rule *r, const rule_text *t, size_t k,
                        size_t from, size_t *at, size_t *lo) {
  if (at[k] != SIZE_MAX && at[k] >= from) return true;
  if (!literal_next(r->facts.anchor[k], t, from, &at[k])) return false;
  if (at[k] == SIZE_MAX) {
    lo[k] = SIZE_MAX;
    return true;
  }
  lo[k] = rule_window_start(t->s, t->n, at[k], r->facts.anchor_bytes[k],
                            r->facts.anchor_runs[k], from);
  size_t barred;
  if (at[k] - lo[k] >= BARRED_WINDOW &&
      barred_from(&r->facts, t, lo[k], at[k], &barred))
    lo[k] = barred;
  return true;
}

/* Where the first window before an occurrence of r's anchor words at or
 * after `from` starts (not before `from`), in *ws: SIZE_MAX when no
 * occurrence stands before len.  False when the words' places cannot be
 * told. */
static bool anchor_window(const rule *r, const rule_text *t, size_t len,
                          size_t from, size_t *at, size_t *lo, size_t *ws) {
  *ws = SIZE_MAX;
  for (size_t k = 0; k < r->facts.nanchor; k++) {
    if (!anchor_next(r, t, k, from, at, lo)) return false;
    size_t w = lo[k] > from ? lo[k] : from;
    if (at[k] < len && w < *ws) *ws = w;
  }
  return true;
}

/* rule_scan by r's anchor: a match holds an occurrence of one of its
 * words not far after its start, so r is searched only in the window
 * before each occurrence (from where such a match could start up to the
 * occurrence), nearby windows as one.  *found: a match in md.  False
 * when the words' places cannot be told. */
static bool scan_anchored(const rule *r, const rule_text *t, size_t len,
                          size_t start, pcre2_match_data *md, bool *found) {
  const rule_facts *f = &r->facts;
  size_t at[RULE_ANCHOR_ALTS], lo[RULE_ANCHOR_ALTS];
  for (size_t k = 0; k < f->nanchor; k++) at[k] = SIZE_MAX;
  for (size_t from = start;;) {
    /* the window that starts first */
    size_t ws = SIZE_MAX, we = 0;
    for (size_t k = 0; k < f->nanchor; k++) {
      if (!anchor_next(r, t, k, from, at, lo)) return false;
      size_t w = lo[k] > from ? lo[k] : from;
      if (at[k] < len && w < ws) ws = w, we = at[k];
    }
    if (ws == SIZE_MAX) {
      *found = false;
      return true;
    }
    /* and those that start before it ends, or soon after */
    for (bool more = true; more;) {
      more = false;
      for (size_t k = 0; k < f->nanchor; k++) {
        if (!anchor_next(r, t, k, next_char(t, we), at, lo)) return false;
        if (at[k] < len && lo[k] <= we + ANCHOR_GAP) we = at[k], more = true;
      }
    }
    if (window_match(r, t, len, ws, we, md)) {
      *found = true;
      return true;
    }
    from = next_char(t, we);
  }
}

/* A scan of less than this from its start is searched whole: the
 * places of words would cost more. */
enum { ANCHOR_SPAN = 4096 };

bool rule_scan(const rule *r, const rule_text *t, size_t len, size_t start,
               pcre2_match_data *md) {
  const rule_facts *f = &r->facts;
  if (len > t->n || start > len || !t->mc)
    return rule_exec(r, t->s, len, start, md);
  if (!rule_may_match(r, t->has) || !literals_within(r, t, start, len))
    return false;
  /* windows and single positions are tried without the look-ahead's scan
   * of the rest of the text each time */
  bool small_tries = r->tries_anchored || r->ahead < 0;
  bool by_anchor = r->by_anchor && len - start >= ANCHOR_SPAN;
  if (small_tries && f->nneeds && f->barrier)
    /* by an anchor of one word, rarer than the needed characters; the
     * places of several words cost more than they save, and windows
     * tried only where a match can start are few already */
    return scan_windows(r, t, len, start,
                        by_anchor && f->nanchor == 1 && !f->starts, md);
  if (f->starts && (small_tries || !f->after))
    return match_in(r, t, len, start, len, md);
  bool found;
  if ((by_anchor || (r->by_anchor_near && len - start >= ANCHOR_SPAN)) &&
      scan_anchored(r, t, len, start, md, &found))
    return found;
  return rule_exec(r, t->s, len, start, md);
}

/* ---- second characters --------------------------------------------------- */

/* A small reader of how a pattern opens, for the bytes its matches'
 * second character may start with (rule_second_bytes_read).  It knows
 * only a few items and gives up on anything else. */

static void second_add(uint64_t set[4], unsigned c) {
  set[c / 64] |= (uint64_t)1 << (c % 64);
}

/* ASCII punctuation that stands for itself after a backslash. */
static bool second_punct(int c) {
  return c > 0x20 && c < 0x7F && !(c >= '0' && c <= '9') &&
         !(c >= 'A' && c <= 'Z') && !(c >= 'a' && c <= 'z');
}

/* Past a class (p just after its "["): the byte after its "]", or NULL
 * when not read.  Any class matches one character. */
const char *rule_class_past(const char *p) {
  if (*p == '^') p++;
  if (*p == ']') p++; /* a "]" first is itself */
  while (*p && *p != ']') {
    if (*p == '\\') {
      if (!p[1] || p[1] == 'Q' || p[1] == 'E') return NULL;
      p += 2;
    } else if (p[0] == '[' && p[1] == ':') {
      const char *e = strstr(p + 2, ":]");
      if (!e) return NULL;
      p = e + 2;
    } else {
      p++;
    }
  }
  return *p == ']' ? p + 1 : NULL;
}

/* A quantifier that lets the item before it be absent, or one not read:
 * true; p is moved past a "+" (possessive or lazy forms too). */
static bool second_optional(const char **p) {
  const char *q = *p;
  if (*q == '*' || *q == '?' || *q == '{') return true;
  if (*q == '+') {
    q++;
    if (*q == '+' || *q == '?') q++;
  }
  *p = q;
  return false;
}

/* The bytes the first character of the item at *p starts with, into set;
 * p moved past the item: false when not read, or when the item may match
 * nothing.  Items: \s, an escaped punctuation, a plain punctuation, a
 * class of plain or escaped ASCII punctuation. */
static bool second_item(const char **pp, uint64_t set[8]) {
  const char *p = *pp;
  if (p[0] == '\\' && p[1] == 's') {
    /* \s in UCP mode: ASCII spaces, and the spaces past ASCII (U+0085,
     * U+00A0; U+1680; U+2000-U+200A, U+2028, U+2029, U+202F, U+205F;
     * U+3000), of lead bytes 0xC2, 0xE1, 0xE2, 0xE3 */
    for (unsigned c = 9; c <= 13; c++) second_add(set, c);
    second_add(set, ' ');
    second_add(set, 0xC2);
    for (unsigned c = 0xE1; c <= 0xE3; c++) second_add(set, c);
    /* and the bytes after those leads: C2 85, C2 A0; E1 9A 80 (and
     * U+180E, E1 A0 8E); E2 80 8x, E2 80 Ax, E2 81 9F; E3 80 80.  Most
     * letters of Vietnamese past ASCII are E1 B8 to E1 BB. */
    static const unsigned char next[] = {0x80, 0x81, 0x85, 0x9A, 0xA0};
    for (size_t k = 0; k < sizeof next; k++) second_add(set + 4, next[k]);
    p += 2;
  } else if (p[0] == '\\' && second_punct((unsigned char)p[1])) {
    second_add(set, (unsigned char)p[1]);
    p += 2;
  } else if (p[0] == '[') {
    p++;
    if (*p == '^' || *p == ']') return false;
    while (*p != ']') {
      if (p[0] == '\\' && second_punct((unsigned char)p[1])) {
        second_add(set, (unsigned char)p[1]);
        p += 2;
      } else if (second_punct((unsigned char)*p) && *p != '\\' &&
                 *p != '[' && !(*p == '-' && p[1] != ']')) {
        second_add(set, (unsigned char)*p);
        p++;
      } else {
        return false; /* a range, a letter, an escape not read */
      }
    }
    p++;
  } else if (second_punct((unsigned char)*p) && !strchr("\\^$.[|()?*+{", *p)) {
    second_add(set, (unsigned char)*p);
    p++;
  } else {
    return false;
  }
  if (second_optional(&p)) return false;
  *pp = p;
  return true;
}

/* Past the rest of a branch (p inside a group, after its first item): at
 * the "|" or ")" that ends it, or NULL when not read. */
static const char *second_branch_end(const char *p) {
  int depth = 0;
  while (*p) {
    if (*p == '\\') {
      if (!p[1] || p[1] == 'Q' || p[1] == 'E') return NULL;
      p += 2;
    } else if (*p == '[') {
      if (!(p = rule_class_past(p + 1))) return NULL;
    } else if (*p == '(') {
      depth++;
      p++;
    } else if (*p == ')' || *p == '|') {
      if (!depth) return p;
      if (*p == ')') depth--;
      p++;
    } else {
      p++;
    }
  }
  return NULL;
}

bool rule_second_bytes_read(const char *pattern, uint32_t options,
                            uint64_t set[8]) {
  memset(set, 0, 8 * sizeof *set);
  /* "^" at the subject's start only; the characters of UTF mode; spaces
   * and comments of extended mode, case, not read */
  if (!(options & PCRE2_UTF) ||
      (options & (PCRE2_MULTILINE | PCRE2_EXTENDED | PCRE2_EXTENDED_MORE |
                  PCRE2_CASELESS | PCRE2_LITERAL | PCRE2_ALT_BSUX)) ||
      strstr(pattern, "(?#"))
    return false;
  const char *p = pattern;
  if (*p++ != '^') return false;
  /* the first character: a class, alone or as the one item of a group */
  bool grouped = false;
  if (*p == '(') {
    p++;
    if (p[0] == '?' && p[1] == '<' && p[2] != '=' && p[2] != '!') {
      const char *e = strchr(p, '>');
      if (!e) return false;
      for (const char *q = p + 2; q < e; q++)
        if (!(*q == '_' || (*q >= '0' && *q <= '9') ||
              (*q >= 'A' && *q <= 'Z') || (*q >= 'a' && *q <= 'z')))
          return false;
      p = e + 1;
    } else if (p[0] == '?' && p[1] == ':') {
      p += 2;
    } else if (*p == '?' || *p == '*') {
      return false;
    }
    grouped = true;
  }
  if (*p != '[' || !(p = rule_class_past(p + 1))) return false;
  if (grouped && *p++ != ')') return false;
  if (strchr("*?{+", *p)) return false; /* one character, no more or less */
  /* the second: an item, or a group of branches each opening with one */
  if (p[0] == '(' && p[1] == '?' && p[2] == ':') {
    p += 3;
    for (;;) {
      if (!second_item(&p, set) || !(p = second_branch_end(p))) return false;
      if (*p++ == ')') break;
    }
    if (strchr("*?{", *p)) return false;
    return true;
  }
  return second_item(&p, set);
}
