/* chars.c: canonical characters, in one streaming pass.
 *
 * 1. NFC with ICU.  Most text is NFC already: a chunk made only of
 *    characters whose NFC quick check is "yes" with combining class 0 is
 *    NFC whatever surrounds it, and is told so on its UTF-8 bytes (the
 *    classes are asked of ICU once per block of 64 code points, for the
 *    whole process).  Other
 *    chunks go to UTF-16, where unorm2_spanQuickCheckYes finds the
 *    normalized prefix, and only the segments after it (between two
 *    normalization boundaries) are renormalized, so the offset map stays
 *    exact outside the repaired segments.
 * 2. One pass that maps look-alike letters, odd spaces, dashes, quotation
 *    marks and bullet glyphs, and moves tone marks of the syllables oa, oe,
 *    uy to the first vowel ("hoá" -> "hóa"), the convention of the corpus.
 *    Tone marks are split and joined with ICU's decomposition data, not
 *    with hand tables.
 * Text is fed in pieces (by the decoder, or from a buffer); each complete
 * chunk goes through both steps into the output at once, so no full copy
 * of the text is made between them. */
#include "normalize.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>
#include <unicode/utf16.h>
#include <unicode/utf8.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif
/* (AVX2 beside SSE2 only: the plain C build, PORTABLE=1, has neither) */
#if defined(__SSE2__) && defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define STRETCH_AVX2 1
#endif

bool canon_avx2_off = false;

/* NFC works on chunks of CHUNK bytes (ending before an ASCII byte); text
 * fed is canonicalized once BATCH bytes wait. */
enum { CHUNK = 16384, BATCH = CCHC_CANON_BATCH };
_Static_assert(BATCH % CHUNK == 0, "a batch is whole chunks");

/* Character-level mapping.  Returns the replacement (or -1 to drop the
 * character) and sets *kind; returns `cp` unchanged when nothing applies. */
static int32_t map_char(int32_t cp, cchc_repair_kind *kind) {
  switch (cp) {
  case 0x00D0: case 0x0189: /* Ð Ɖ */
    *kind = CCHC_REPAIR_LOOKALIKE;
    return 0x0110;
  case 0x00F0: case 0x0256: /* ð ɖ */
    *kind = CCHC_REPAIR_LOOKALIKE;
    return 0x0111;
  case '\t': case 0x00A0: case 0x1680: case 0x202F: case 0x205F: case 0x3000:
    *kind = CCHC_REPAIR_SPACE;
    return ' ';
  case 0x200B: case 0x200C: case 0x200D: case 0x2060: case 0xFEFF: case 0x00AD:
    *kind = CCHC_REPAIR_SPACE;
    return -1;
  case 0x2028: case 0x2029:
    *kind = CCHC_REPAIR_SPACE;
    return '\n';
  case 0x2010: case 0x2011: case 0x2012: case 0x2013: case 0x2014:
  case 0x2015: case 0x2212: case 0xFE58: case 0xFE63: case 0xFF0D:
    *kind = CCHC_REPAIR_PUNCT;
    return '-';
  case 0x2018: case 0x2019: case 0x201A: case 0x201B: case 0x2032:
    *kind = CCHC_REPAIR_PUNCT;
    return '\'';
  case 0x201C: case 0x201D: case 0x201E: case 0x201F: case 0x2033:
  case 0x00AB: case 0x00BB:
    *kind = CCHC_REPAIR_PUNCT;
    return '"';
  /* Bullet glyphs, including Word's Symbol-font private-use bullets. */
  case 0x2022: case 0x2023: case 0x2043: case 0x2219: case 0x25AA:
  case 0x25CF: case 0x25E6: case 0xF0A7: case 0xF0B7: case 0xF0D8:
    *kind = CCHC_REPAIR_PUNCT;
    return '-';
  default:
    if (cp >= 0x2000 && cp <= 0x200A) {
      *kind = CCHC_REPAIR_SPACE;
      return ' ';
    }
    return cp;
  }
}

/* Does the mapping drop cp (an invisible format character)? */
static bool is_dropped(int32_t cp) {
  cchc_repair_kind kind;
  return cp >= 0xAD && map_char(cp, &kind) < 0;
}

static bool is_ascii_letter(char c) { return (c | 0x20) >= 'a' && (c | 0x20) <= 'z'; }

static bool is_vowel_base(UChar32 c) {
  return c > 0 && c < 0x80 && strchr("aeiouyAEIOUY", (int)c);
}

/* Full decomposition of c; returns its length (0: none). */
static int32_t decompose(const UNormalizer2 *nfd, UChar32 c, UChar dec[8]) {
  UErrorCode st = U_ZERO_ERROR;
  int32_t n = unorm2_getDecomposition(nfd, c, dec, 8, &st);
  return U_FAILURE(st) || n < 0 ? 0 : n;
}

static bool is_tone_mark(UChar c) {
  return c == 0x0300 || c == 0x0301 || c == 0x0303 || c == 0x0309 ||
         c == 0x0323;
}

/* The split of a BMP character into an ASCII vowel and one tone mark,
 * kept at its first use: TONE_NONE, or TONE_SPLIT, the mark's low byte
 * (the marks are U+03xx) and the vowel; 0 until asked.  ICU's answer is
 * the same for every text, so one table serves the process (the words
 * that end in "oá", "uý", "uả" of a plan asked ICU's decomposition at
 * each); an entry is written whole, with the same value by whichever
 * thread comes first. */
enum { TONE_NONE = 1, TONE_SPLIT = 1 << 16 };
static _Atomic uint32_t tone_splits[0x10000];

/* Is c2 an ASCII vowel with one tone mark?  *b2 gets the vowel, *mark the
 * mark. */
static bool tone_split(const UNormalizer2 *nfd, UChar32 c2, UChar32 *b2,
                       UChar *mark) {
  bool bmp = c2 >= 0 && c2 <= 0xFFFF;
  uint32_t e =
      bmp ? atomic_load_explicit(&tone_splits[c2], memory_order_relaxed) : 0;
  if (!e) {
    UChar dec[8];
    e = decompose(nfd, c2, dec) == 2 && is_tone_mark(dec[1]) && dec[0] < 0x80
            ? TONE_SPLIT | (uint32_t)(dec[1] & 0xFF) << 8 | dec[0]
            : TONE_NONE;
    if (bmp)
      atomic_store_explicit(&tone_splits[c2], e, memory_order_relaxed);
  }
  if (!(e & TONE_SPLIT))
    return false;
  *b2 = (UChar32)(e & 0x7F);
  *mark = (UChar)(0x300 | (e >> 8 & 0xFF));
  return true;
}

/* The tone rule's first test, on the last two characters of a word, c1
 * (an ASCII o or u) and c2: is c2 a vowel with a tone mark that makes
 * "oa", "oe" or "uy" after c1?  *b2 gets the vowel, *mark the mark. */
static bool tone_pair(const UNormalizer2 *nfd, UChar32 c1, UChar32 c2,
                      UChar32 *b2, UChar *mark) {
  if (!tone_split(nfd, c2, b2, mark))
    return false;
  UChar32 l1 = c1 | 0x20, lb2 = *b2 | 0x20;
  return (l1 == 'o' && (lb2 == 'a' || lb2 == 'e')) ||
         (l1 == 'u' && lb2 == 'y');
}

/* Classes of BMP code points, found for a block of 64 at its first use:
 * NFC quick check "yes" with combining class 0 and word character (letter
 * or non-spacing mark), asked of ICU, and whether map_char changes it;
 * `plain`: the first two and not the third, what most letters are, which
 * the mapping passes with one look-up.  They are the same for every text,
 * so one table serves the process (rules load normalizes hundreds of
 * short lines, each of which asked ICU again): a block is filled once,
 * under a lock, and read without one once `known` says so. */
enum { CP_BLOCKS = 0x10000 / 64 };
typedef struct cp_classes {
  _Atomic uint64_t known[CP_BLOCKS / 64];
  uint64_t nfc_yes[CP_BLOCKS], word[CP_BLOCKS], mapped[CP_BLOCKS];
  uint64_t plain[CP_BLOCKS];
} cp_classes;

static bool is_word_char_icu(int32_t cp) {
  return u_isalpha(cp) || u_charType(cp) == U_NON_SPACING_MARK;
}

static cp_classes cp_table;
static pthread_mutex_t cp_table_lock = PTHREAD_MUTEX_INITIALIZER;

static void classes_fill(cp_classes *k, const UNormalizer2 *nfc, size_t blk) {
  uint64_t known = (uint64_t)1 << (blk % 64);
  pthread_mutex_lock(&cp_table_lock);
  if (atomic_load_explicit(&k->known[blk / 64], memory_order_relaxed) &
      known) { /* another thread filled it */
    pthread_mutex_unlock(&cp_table_lock);
    return;
  }
  uint64_t yes = 0, word = 0, mapped = 0;
  for (unsigned j = 0; j < 64; j++) {
    UChar32 c = (UChar32)(blk * 64 + j);
    UChar u = (UChar)c;
    UErrorCode st = U_ZERO_ERROR;
    cchc_repair_kind kind = CCHC_REPAIR_KIND_COUNT;
    if (!U_IS_SURROGATE(c) && unorm2_getCombiningClass(nfc, c) == 0 &&
        unorm2_quickCheck(nfc, &u, 1, &st) == UNORM_YES && U_SUCCESS(st))
      yes |= (uint64_t)1 << j;
    if (is_word_char_icu(c))
      word |= (uint64_t)1 << j;
    if (map_char(c, &kind) != c || kind != CCHC_REPAIR_KIND_COUNT)
      mapped |= (uint64_t)1 << j;
  }
  k->nfc_yes[blk] = yes;
  k->word[blk] = word;
  k->mapped[blk] = mapped;
  k->plain[blk] = yes & word & ~mapped;
  atomic_fetch_or_explicit(&k->known[blk / 64], known, memory_order_release);
  pthread_mutex_unlock(&cp_table_lock);
}

/* The block of a BMP code point, its classes known. */
static CCHC_INLINE size_t classes_block(cp_classes *k, const UNormalizer2 *nfc,
                                        uint32_t cp) {
  size_t blk = cp / 64;
  if (!(atomic_load_explicit(&k->known[blk / 64], memory_order_acquire) &
        ((uint64_t)1 << (blk % 64))))
    classes_fill(k, nfc, blk);
  return blk;
}

/* Look up a BMP code point in `bits` (one of the classes). */
static CCHC_INLINE bool classes_has(cp_classes *k, const UNormalizer2 *nfc,
                                    const uint64_t *bits, uint32_t cp) {
  return bits[classes_block(k, nfc, cp)] >> (cp % 64) & 1;
}

struct cchc_canon {
  cchc_mbuf in;  /* fed, waiting for NFC */
  cchc_mbuf mid; /* through NFC, waiting for the mapping */
  cchc_mbuf *out;
  const UNormalizer2 *nfc, *nfd;
  UChar *u;     /* a chunk in UTF-16 */
  int32_t *at8; /* UTF-16 index -> UTF-8 index in the chunk */
  /* The word being mapped, as far as the tone rule needs it: the last
   * character written (`last`), and, when that is a letter beyond ASCII
   * right after an ASCII o or u of its word, that o or u (`c1`; else 0). */
  int32_t last, c1;
  cchc_repair_log nfc_log, map_log;
  cchc_edits edits; /* where the output differs from the input */
  cchc_status rc; /* the first failure; later steps do nothing */
  cchc_error err;
  /* A rewrite in place: the output may not grow past `limit` (what is
   * read of the text it overwrites); `blocked` when it would have. */
  size_t limit;
  bool blocked;
  int viet_plain; /* viet_letters_plain; -1 until asked */
  cp_classes *classes; /* cp_table */
#if defined(__SSE2__)
  /* `plain` of the two-byte characters (U+0080..U+07FF), by lead byte:
   * bit b of [lead & 0x1F] is lead, 0x80 | b; filled with viet_plain */
  uint64_t plain2[32];
  /* The second bytes of the characters of leads C3..C7 (U+00C0..U+01FF:
   * à, đ, ơ, ư and the other Vietnamese letters of two bytes) that do not
   * stay, as a set by nibbles: byte b is one when two_lo[b & 15] has bit
   * (b >> 4) - 8 (two_hi[b >> 4] has that bit alone); filled with
   * plain2.  stretch_block32 knows the others without a look-up. */
  uint8_t two_lo[16], two_hi[16];
#endif
};

static bool is_word_char(cchc_canon *c, int32_t cp) {
  if (cp < 0x80)
    return is_ascii_letter((char)cp);
  if (cp > 0xFFFF)
    return is_word_char_icu(cp);
  return classes_has(c->classes, c->nfc, c->classes->word, (uint32_t)cp);
}

bool cchc_canon_word_char(int32_t cp) {
  if (cp < 0x80)
    return is_ascii_letter((char)cp);
  if (cp > 0xFFFF)
    return is_word_char_icu(cp);
  UErrorCode st = U_ZERO_ERROR;
  const UNormalizer2 *nfc = unorm2_getNFCInstance(&st);
  return U_FAILURE(st) || classes_has(&cp_table, nfc, cp_table.word, (uint32_t)cp);
}

bool cchc_canon_starter(int32_t cp) {
  if (cp < 0x300) /* (every character below is) */
    return cp >= 0;
  if (cp > 0xFFFF)
    return false;
  UErrorCode st = U_ZERO_ERROR;
  const UNormalizer2 *nfc = unorm2_getNFCInstance(&st);
  return U_SUCCESS(st) &&
         classes_has(&cp_table, nfc, cp_table.nfc_yes, (uint32_t)cp);
}

/* Copy UTF-8 [from, to) of `in` into out, keeping the map. */
static void copy_span(cchc_mbuf *out, const cchc_mbuf *in, size_t from,
                      size_t to) {
  if (to > from)
    cchc_mbuf_copy(out, in, from, to - from, NULL);
}

static size_t chunk_end(const cchc_mbuf *in, size_t start) {
  size_t end = start + CHUNK;
  if (end >= in->len)
    return in->len;
  /* End before an ASCII byte: every ASCII character starts an NFC segment. */
  for (size_t p = end; p > start + 1; p--)
    if ((unsigned char)in->data[p] < 0x80)
      return p;
  for (size_t p = end; p > start + 1; p--) /* pathological: any lead byte */
    if (((unsigned char)in->data[p] & 0xC0) != 0x80)
      return p;
  return end;
}

/* Is the UTF-8 text s[0..n) made only of characters that are NFC whatever
 * surrounds them?  Then ICU's quick check on the chunk says "yes" to all
 * of it.  Below U+0300 (lead bytes below 0xCC) every character is. */
static bool chunk_is_nfc(cchc_canon *c, const char *s, size_t n) {
  const unsigned char *u = (const unsigned char *)s;
  size_t i = 0;
  while (i < n) {
    while (i + 8 <= n) { /* to the next byte from 0xCC on, 8 at a time */
      uint64_t x;
      memcpy(&x, u + i, sizeof x);
      size_t k = cchc_first_flagged(
          x & ((x & 0x7F7F7F7F7F7F7F7Fu) + 0x3434343434343434u) &
          0x8080808080808080u);
      i += k;
      if (k < 8)
        break;
    }
    if (i >= n)
      break;
    if (u[i] < 0xCC) {
      i++;
      continue;
    }
    int32_t cp = cchc_utf8_next_valid(s, n, &i);
    if (cp < 0 || cp > 0xFFFF)
      return false; /* a supplementary character: ask ICU */
    if (!classes_has(c->classes, c->nfc, c->classes->nfc_yes, (uint32_t)cp))
      return false;
  }
  return true;
}

static void canon_fail(cchc_canon *c, cchc_status code, const char *what,
                       UErrorCode st) {
  if (code == CCHC_ERR_NOMEM)
    cchc_fail(&c->err, code, "out of memory in NFC");
  else
    cchc_fail(&c->err, code, "ICU NFC %s: %s", what, u_errorName(st));
  c->rc = code;
}

/* The output changes at `at`. */
static void note_edit(cchc_canon *c, size_t at) {
  cchc_edits *e = &c->edits;
  if (e->all)
    return;
  size_t *p = cchc_grow(e->at, &e->cap, e->n, sizeof *p);
  if (!p) { /* then anywhere */
    e->all = true;
    return;
  }
  e->at = p;
  e->at[e->n++] = at;
}

/* The dropped characters of in[from, to), a segment NFC rewrote without
 * them: logged as the mapping logs them. */
static void log_dropped(cchc_canon *c, const cchc_mbuf *in, size_t from,
                        size_t to) {
  for (size_t p = from; p < to;) {
    size_t at = p;
    int32_t cp = cchc_utf8_next_valid(in->data, to, &p);
    cchc_repair_kind kind = CCHC_REPAIR_KIND_COUNT;
    if (cp >= 0 && map_char(cp, &kind) < 0)
      cchc_log_repair(&c->map_log, kind, cchc_mbuf_src(in, at, NULL),
                      "U+%04X removed", (unsigned)cp);
  }
}

/* NFC of the chunk [start, end) of `in`, appended to c->mid; false when
 * the chunk is NFC already (nothing is written then). */
static bool nfc_chunk(cchc_canon *c, const cchc_mbuf *in, size_t start,
                      size_t end) {
  cchc_mbuf *out = &c->mid;
  const UNormalizer2 *nfc = c->nfc;
  UChar seg_in[64], seg_out[256];
  UErrorCode st;
  if (chunk_is_nfc(c, in->data + start, end - start))
    return false;
  /* (the chunk's buffers, at the first chunk that is not NFC: most texts
   * have none, and a short one, of the hundreds rules load normalizes,
   * paid their 96 KB each) */
  if (!c->u && !(c->u = malloc((CHUNK + 1) * sizeof *c->u))) {
    canon_fail(c, CCHC_ERR_NOMEM, NULL, U_ZERO_ERROR);
    return true;
  }
  if (!c->at8 && !(c->at8 = malloc((CHUNK + 2) * sizeof *c->at8))) {
    canon_fail(c, CCHC_ERR_NOMEM, NULL, U_ZERO_ERROR);
    return true;
  }
  UChar *u = c->u;
  int32_t *at8 = c->at8;
  /* UTF-8 -> UTF-16, remembering where each unit came from.  Characters
   * the mapping drops are left out: one between a base and its marks
   * ("A", soft hyphen, combining acute) would otherwise keep them apart
   * here and leave them uncomposed after it goes, which the next
   * normalization would compose (the text would not be canonical).
   * Their bytes stay in the copied spans, for the mapping to drop. */
  int32_t n16 = 0;
  size_t p = start;
  while (p < end) {
    UChar32 ch;
    int32_t i = 0;
    int32_t avail = (int32_t)(end - p > 4 ? 4 : end - p);
    U8_NEXT((const uint8_t *)in->data + p, i, avail, ch);
    if (ch < 0)
      ch = 0xFFFD; /* decode made valid UTF-8; defensive only */
    if (is_dropped(ch)) {
      p += (size_t)i;
      continue;
    }
    at8[n16] = (int32_t)(p - start);
    if (U_IS_BMP(ch)) {
      u[n16++] = (UChar)ch;
    } else {
      u[n16++] = U16_LEAD(ch);
      at8[n16] = (int32_t)(p - start);
      u[n16++] = U16_TRAIL(ch);
    }
    p += (size_t)i;
  }
  at8[n16] = (int32_t)(end - start);

  int32_t pos = 0;
  size_t done = start; /* in is copied or normalized up to here */
  for (;;) {
    st = U_ZERO_ERROR;
    int32_t yes = pos + unorm2_spanQuickCheckYes(nfc, u + pos, n16 - pos, &st);
    if (U_FAILURE(st)) {
      canon_fail(c, CCHC_ERR_INTERNAL, "check failed", st);
      return true;
    }
    copy_span(out, in, done, start + (size_t)at8[yes]);
    if (yes >= n16)
      break;
    /* The segment: from `yes` to the next normalization boundary. */
    int32_t segend = yes;
    UChar32 ch;
    U16_NEXT(u, segend, n16, ch);
    while (segend < n16) {
      int32_t q = segend;
      U16_NEXT(u, q, n16, ch);
      if (unorm2_hasBoundaryBefore(nfc, ch))
        break;
      segend = q;
    }
    int32_t seglen = segend - yes;
    UChar *sin =
        seglen <= (int32_t)(sizeof seg_in / sizeof *seg_in) ? seg_in : NULL;
    UChar *big_out = NULL;
    if (!sin) {
      /* A base with a very long run of marks: normalize it in place of
       * the stack buffers. */
      sin = u + yes;
    } else {
      memcpy(sin, u + yes, (size_t)seglen * sizeof *sin);
    }
    st = U_ZERO_ERROR;
    int32_t cap = (int32_t)(sizeof seg_out / sizeof *seg_out);
    UChar *sout = seg_out;
    int32_t outlen = unorm2_normalize(nfc, sin, seglen, sout, cap, &st);
    if (st == U_BUFFER_OVERFLOW_ERROR) {
      big_out = malloc(((size_t)outlen + 1) * sizeof *big_out);
      if (!big_out) {
        canon_fail(c, CCHC_ERR_NOMEM, NULL, st);
        return true;
      }
      st = U_ZERO_ERROR;
      outlen = unorm2_normalize(nfc, sin, seglen, big_out, outlen + 1, &st);
      sout = big_out;
    }
    if (U_FAILURE(st)) {
      free(big_out);
      canon_fail(c, CCHC_ERR_INTERNAL, "failed", st);
      return true;
    }
    size_t from = start + (size_t)at8[yes], to = start + (size_t)at8[segend];
    if (outlen == seglen && memcmp(sout, u + yes, (size_t)seglen * 2) == 0) {
      copy_span(out, in, from, to);
    } else {
      uint32_t src = cchc_mbuf_src(in, from, NULL);
      uint32_t last = cchc_mbuf_src(in, to - 1, NULL);
      for (int32_t k = 0; k < outlen;) {
        UChar32 oc;
        U16_NEXT(sout, k, outlen, oc);
        cchc_mbuf_putc_span(out, (uint32_t)oc, src, k >= outlen ? last : src);
      }
      cchc_log_repair(&c->nfc_log, CCHC_REPAIR_NFC, src, "recomposed to NFC");
      log_dropped(c, in, from, to);
      c->edits.all = true; /* (an offset in the output is not known here) */
    }
    free(big_out);
    pos = segend;
    done = to;
  }
  return true;
}

/* A word ends: the tone rule, on the output written so far. */
/* The character that ends s[0, *p); *p moves to its start.  -1 when the
 * bytes there are no character. */
static int32_t char_before(const char *s, size_t *p) {
  size_t q = *p - 1;
  while (q > 0 && *p - q < 4 && ((unsigned char)s[q] & 0xC0) == 0x80)
    q--;
  size_t i = q;
  int32_t ch = cchc_utf8_next(s, *p, &i);
  if (i != *p)
    return -1;
  *p = q;
  return ch;
}

/* A word ends the output with an ASCII o or u (c->c1) and c->last, a
 * vowel with a tone mark that the tone rule may move ("hoá" -> "hóa"):
 * the rest of the rule, and the rewrite of the end of the output. */
static void fix_tone(cchc_canon *c) {
  cchc_mbuf *out = c->out;
  UChar32 c1 = c->c1, c1new, b2;
  UChar mark;
  if (out->failed || !tone_pair(c->nfd, c1, c->last, &b2, &mark))
    return;
  size_t at2 = out->len - (size_t)U8_LENGTH(c->last);
  size_t at1 = at2 - 1, word_start = at1;
  /* The word before c1: whatever comes back to a character of no word. */
  UChar32 prev = -1;
  for (size_t p = at1; p > 0;) {
    int32_t ch = char_before(out->data, &p);
    if (ch < 0 || !is_word_char(c, ch))
      break;
    if (prev < 0)
      prev = ch;
    word_start = p;
  }
  if (prev >= 0) {
    UChar d[8];
    if (prev >= 0x80 && decompose(c->nfd, prev, d) > 0)
      prev = d[0];
    if (is_vowel_base(prev))
      return; /* "oa" is not the whole vowel nucleus */
    if ((c1 | 0x20) == 'u' && (prev | 0x20) == 'q')
      return; /* "quý": the u belongs to qu- */
  }
  c1new = unorm2_composePair(c->nfc, c1, mark);
  if (c1new < 0)
    return;
  char before[64];
  size_t wl = out->len - word_start < 40 ? out->len - word_start : 40;
  memcpy(before, out->data + word_start, wl);
  before[wl] = '\0';
  uint32_t src1 = cchc_mbuf_src(out, at1, NULL);
  uint32_t last1 = cchc_mbuf_src(out, at2 - 1, NULL);
  uint32_t src2 = cchc_mbuf_src(out, at2, NULL);
  uint32_t last2 = cchc_mbuf_src(out, out->len - 1, NULL);
  cchc_mbuf_truncate(out, at1); /* drop c1 c2, append the fixed pair */
  cchc_mbuf_putc_span(out, (uint32_t)c1new, src1, last1);
  cchc_mbuf_putc_span(out, (uint32_t)b2, src2, last2);
  char after[64];
  wl = out->len - word_start < 40 ? out->len - word_start : 40;
  memcpy(after, out->data + word_start, wl);
  after[wl] = '\0';
  cchc_log_repair(&c->map_log, CCHC_REPAIR_TONE_MARK, src1, "%s -> %s", before,
                  after);
  note_edit(c, at1);
}

/* Could the rule move a mark in the word that ends?  (A cheap test first;
 * then the pending output must be written for fix_tone.) */
static CCHC_INLINE bool tone_may_move(const cchc_canon *c) {
  UChar32 b2;
  UChar mark;
  return c->c1 && tone_pair(c->nfd, c->c1, c->last, &b2, &mark);
}

/* The last answer of nfc_may_change_at in one walk: the same from any
 * place in [from, to] (to 0: none yet). */
typedef struct nfc_answer {
  size_t from, to;
  bool changes;
} nfc_answer;

/* Could NFC change the text from s[i], the next character the mapping
 * keeps?  (One beyond ASCII and U+02FF that is not NFC whatever precedes
 * it; -1 for bytes that are no character.) */
static bool nfc_may_change_at(cchc_canon *c, const char *s, size_t i,
                              size_t n, nfc_answer *last) {
  /* From anywhere in a run of dropped characters the walk reaches the
   * same character: the answer from the run's start holds for the rest of
   * it (asked again at each, the run was read once per character). */
  if (last->to && i >= last->from && i <= last->to)
    return last->changes;
  size_t from = i;
  bool changes = false;
  while (i < n && (unsigned char)s[i] >= 0x80) {
    size_t at = i;
    int32_t cp = cchc_utf8_next_valid(s, n, &i);
    if (cp < 0 || cp > 0xFFFF) {
      changes = true; /* ask ICU */
      i = at;
      break;
    }
    if (is_dropped(cp))
      continue;
    changes = cp >= 0x300 && !classes_has(c->classes, c->nfc,
                                          c->classes->nfc_yes, (uint32_t)cp);
    i = at;
    break;
  }
  *last = (nfc_answer){from, i, changes};
  return changes;
}

#if defined(__SSE2__)
/* Do the precomposed Vietnamese letters U+1E80..U+1EFF (E1 BA xx, E1 BB
 * xx in UTF-8: most letters with two marks) all stay (`plain`)?  Then
 * plain_stretch passes them without a look-up. */
static bool viet_letters_plain(cchc_canon *c) {
  if (c->viet_plain < 0) {
    size_t a = classes_block(c->classes, c->nfc, 0x1E80),
           b = classes_block(c->classes, c->nfc, 0x1EC0);
    c->viet_plain = (c->classes->plain[a] & c->classes->plain[b]) == UINT64_MAX;
    for (uint32_t blk = 0x80 / 64; blk < 0x800 / 64; blk++)
      c->plain2[blk] = c->classes->plain[classes_block(c->classes, c->nfc,
                                                       blk * 64)];
    memset(c->two_lo, 0, sizeof c->two_lo);
    memset(c->two_hi, 0, sizeof c->two_hi);
    for (unsigned hi = 8; hi < 12; hi++)
      c->two_hi[hi] = (uint8_t)(1u << (hi - 8));
    for (unsigned lead = 0xC3; lead <= 0xC7; lead++)
      for (uint64_t m = ~c->plain2[lead & 0x1F]; m; m &= m - 1) {
        unsigned second = 0x80 | (unsigned)__builtin_ctzll(m);
        c->two_lo[second & 15] |= (uint8_t)(1u << ((second >> 4) - 8));
      }
  }
  return c->viet_plain;
}

/* What plain_stretch asks of 16 bytes, a bit per byte (byte k, bit k). */
typedef struct stretch_masks {
  uint32_t leads, lead3; /* of characters; of three bytes or more */
  uint32_t ou, letters;  /* an ASCII o or u; ASCII letter */
  uint32_t stops;        /* a tab, a lead of four bytes */
  uint32_t known;        /* leads of letters that stay (E1 BA xx, E1 BB xx
                            when viet) */
} stretch_masks;

static CCHC_INLINE stretch_masks stretch_block(__m128i x, bool viet) {
  /* (bytes compared as signed: 0x80..0xFF are negative) */
  const __m128i c80 = _mm_set1_epi8(-64), ce0 = _mm_set1_epi8(-33),
                cf0 = _mm_set1_epi8(-17), tab = _mm_set1_epi8('\t'),
                case_bit = _mm_set1_epi8(0x20), o = _mm_set1_epi8('o'),
                uu = _mm_set1_epi8('u'), e1 = _mm_set1_epi8(-31),
                bb = _mm_set1_epi8(-69), one = _mm_set1_epi8(1),
                a_1 = _mm_set1_epi8('a' - 1), z1 = _mm_set1_epi8('z' + 1);
  stretch_masks k;
  __m128i lx = _mm_or_si128(x, case_bit);
  uint32_t cont = (uint32_t)_mm_movemask_epi8(_mm_cmplt_epi8(x, c80));
  k.leads = (uint32_t)_mm_movemask_epi8(x) & ~cont;
  k.lead3 = (uint32_t)_mm_movemask_epi8(_mm_cmpgt_epi8(x, ce0)) &
            k.leads; /* E0..FF */
  k.ou = (uint32_t)_mm_movemask_epi8(
      _mm_or_si128(_mm_cmpeq_epi8(lx, o), _mm_cmpeq_epi8(lx, uu)));
  k.letters = (uint32_t)_mm_movemask_epi8(
      _mm_and_si128(_mm_cmpgt_epi8(lx, a_1), _mm_cmplt_epi8(lx, z1)));
  k.stops = (uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(x, tab)) |
            ((uint32_t)_mm_movemask_epi8(_mm_cmpgt_epi8(x, cf0)) & k.leads);
  k.known = 0;
  if (viet) {
    __m128i next = _mm_srli_si128(x, 1); /* lane k: the byte after it */
    k.known = (uint32_t)_mm_movemask_epi8(_mm_and_si128(
        _mm_cmpeq_epi8(x, e1), _mm_cmpeq_epi8(_mm_or_si128(next, one), bb)));
  }
  return k;
}

#if defined(STRETCH_AVX2)
/* The bytes stretch_block32 compares with, each in all 32 lanes, read
 * from memory (plain_stretch_avx2 hides their values from the compiler):
 * they are more than the registers, and each one the compiler built
 * again from an immediate took three instructions, every step. */
enum {
  SK_C80, SK_CE0, SK_CF0, SK_TAB, SK_CASE, SK_O, SK_U, SK_E1, SK_BB, SK_ONE,
  SK_A_1, SK_Z1, SK_NIBBLE, SK_C2, SK_C8, SK_COUNT
};
#define SK32(v)                                                               \
  {v, v, v, v, v, v, v, v, v, v, v, v, v, v, v, v,                            \
   v, v, v, v, v, v, v, v, v, v, v, v, v, v, v, v}
static const signed char stretch_k[SK_COUNT][32] __attribute__((aligned(32))) = {
    [SK_C80] = SK32(-64),     [SK_CE0] = SK32(-33), [SK_CF0] = SK32(-17),
    [SK_TAB] = SK32('\t'),    [SK_CASE] = SK32(0x20), [SK_O] = SK32('o'),
    [SK_U] = SK32('u'),       [SK_E1] = SK32(-31),  [SK_BB] = SK32(-69),
    [SK_ONE] = SK32(1),       [SK_A_1] = SK32('a' - 1),
    [SK_Z1] = SK32('z' + 1),  [SK_NIBBLE] = SK32(0x0F),
    [SK_C2] = SK32(-62),      [SK_C8] = SK32(-56)};
#undef SK32
#define SK(k) (*(const __m256i *)(const void *)(sk + 32 * (k)))

/* stretch_block of 32 bytes at once, where the processor has AVX2: the
 * masks of the two blocks of 16 as plain_stretch joined them, but for
 * `known`, which here also sees the byte after lane 15 and holds the
 * letters of two bytes that stay (two_lo, two_hi: a lead known is one the
 * look-up passes, so the stretch is the same, with fewer look-ups). */
__attribute__((target("avx2"))) static CCHC_INLINE stretch_masks
stretch_block32(__m256i x, bool viet, __m256i two_lo, __m256i two_hi,
                const signed char *sk) {
  const __m256i c80 = SK(SK_C80), ce0 = SK(SK_CE0), cf0 = SK(SK_CF0),
                tab = SK(SK_TAB), case_bit = SK(SK_CASE), o = SK(SK_O),
                uu = SK(SK_U), e1 = SK(SK_E1), bb = SK(SK_BB), one = SK(SK_ONE),
                a_1 = SK(SK_A_1), z1 = SK(SK_Z1);
  stretch_masks k;
  __m256i lx = _mm256_or_si256(x, case_bit);
  uint32_t cont = (uint32_t)_mm256_movemask_epi8(_mm256_cmpgt_epi8(c80, x));
  k.leads = (uint32_t)_mm256_movemask_epi8(x) & ~cont;
  k.lead3 = (uint32_t)_mm256_movemask_epi8(_mm256_cmpgt_epi8(x, ce0)) &
            k.leads;
  k.ou = (uint32_t)_mm256_movemask_epi8(
      _mm256_or_si256(_mm256_cmpeq_epi8(lx, o), _mm256_cmpeq_epi8(lx, uu)));
  k.letters = (uint32_t)_mm256_movemask_epi8(_mm256_and_si256(
      _mm256_cmpgt_epi8(lx, a_1), _mm256_cmpgt_epi8(z1, lx)));
  k.stops =
      (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(x, tab)) |
      ((uint32_t)_mm256_movemask_epi8(_mm256_cmpgt_epi8(x, cf0)) & k.leads);
  /* lane k: the byte after it (lane 31: 0, a lead there is cut) */
  __m256i next =
      _mm256_alignr_epi8(_mm256_permute2x128_si256(x, x, 0x81), x, 1);
  /* a lead C3..C7 whose second byte is none of two_lo/two_hi's */
  const __m256i nibble = SK(SK_NIBBLE);
  __m256i lead2 = _mm256_and_si256(_mm256_cmpgt_epi8(x, SK(SK_C2)),
                                   _mm256_cmpgt_epi8(SK(SK_C8), x));
  __m256i off = _mm256_and_si256(
      _mm256_shuffle_epi8(two_lo, _mm256_and_si256(next, nibble)),
      _mm256_shuffle_epi8(two_hi,
                          _mm256_and_si256(_mm256_srli_epi16(next, 4), nibble)));
  k.known = (uint32_t)_mm256_movemask_epi8(_mm256_and_si256(
      lead2, _mm256_cmpeq_epi8(off, _mm256_setzero_si256())));
  if (viet)
    k.known |= (uint32_t)_mm256_movemask_epi8(
        _mm256_and_si256(_mm256_cmpeq_epi8(x, e1),
                         _mm256_cmpeq_epi8(_mm256_or_si256(next, one), bb)));
  return k;
}
#endif

/* A step of plain_stretch from u[*i], its masks k (`width` bytes, 32 or
 * 16): *i moved past what passes; false when the stretch ends there. */
static CCHC_INLINE bool stretch_step(cchc_canon *c, const unsigned char *u,
                                     size_t *i, unsigned width,
                                     stretch_masks k, uint32_t *prev_ou) {
  /* A letter after an o or u ("oạ") is where the tone rule looks, at
   * the end of the word: not when an ASCII letter follows it in the
   * step ("hoạch", "quốc"), which goes on with the word and leaves c1
   * at 0 as the walk would (the stretch never ends between the two, as
   * an ASCII letter is no stop). */
  uint32_t word_goes_on = (k.leads & ~k.lead3 & k.letters >> 2) |
                          (k.lead3 & k.letters >> 3);
  /* a tab, a letter after an o or u but those, beyond the BMP (the walk
   * asks ICU); a character the step's end cuts */
  uint32_t bad = k.stops | ((k.ou << 1 | *prev_ou) & k.leads & ~word_goes_on);
  uint32_t last = (uint32_t)1 << (width - 1);
  uint32_t cut = (k.leads & last) | (k.lead3 & last >> 1);
  unsigned stop = bad | cut ? (unsigned)__builtin_ctz(bad | cut) : width;
  bool at_cut = stop < width && !(bad >> stop & 1);
  uint32_t below = stop >= 32 ? UINT32_MAX : ((uint32_t)1 << stop) - 1;
  for (uint32_t m = k.leads & ~k.known & below; m; m &= m - 1) {
    unsigned at = (unsigned)__builtin_ctz(m);
    const unsigned char *b = u + *i + at;
    bool plain =
        k.lead3 >> at & 1
            ? classes_has(c->classes, c->nfc, c->classes->plain,
                          (uint32_t)(b[0] & 0x0F) << 12 |
                              (uint32_t)(b[1] & 0x3F) << 6 | (b[2] & 0x3Fu))
            : c->plain2[b[0] & 0x1F] >> (b[1] & 0x3F) & 1;
    if (!plain) {
      stop = at;
      at_cut = false;
      break;
    }
  }
  if (stop)
    *prev_ou = k.ou >> (stop - 1) & 1;
  *i += stop;
  return !(stop < width && !at_cut);
}

/* The masks of the 32 bytes at u as two blocks of 16. */
static CCHC_INLINE stretch_masks stretch_pair(const unsigned char *u,
                                              bool viet) {
  stretch_masks k =
      stretch_block(_mm_loadu_si128((const __m128i *)(const void *)u), viet);
  stretch_masks h = stretch_block(
      _mm_loadu_si128((const __m128i *)(const void *)(u + 16)), viet);
  k.leads |= h.leads << 16;
  k.lead3 |= h.lead3 << 16;
  k.ou |= h.ou << 16;
  k.letters |= h.letters << 16;
  k.stops |= h.stops << 16;
  k.known |= h.known << 16;
  return k;
}

#if defined(STRETCH_AVX2)
/* plain_stretch's steps of 32 bytes read at once (AVX2).  Each step goes
 * on 32 bytes whatever its last character: one the step's end cuts is
 * looked up whole (its bytes lie before n, or it stops the stretch), and
 * the next step passes over its tail (continuation bytes are no leads).
 * So a step stops only where the stretch ends (stretch_step also stopped
 * at a cut character and read from its lead again, its bits and their
 * first stop worked out again each time); a letter after an o or u that
 * the step's end cuts from what follows it ends the stretch, as a letter
 * whose next byte lies past a step did in stretch_step. */
__attribute__((target("avx2"))) static size_t
plain_stretch_avx2(cchc_canon *c, const unsigned char *u, size_t i, size_t n,
                   bool viet, uint32_t prev_ou) {
  const __m256i two_lo = _mm256_broadcastsi128_si256(
                    _mm_loadu_si128((const __m128i *)(const void *)c->two_lo)),
                two_hi = _mm256_broadcastsi128_si256(
                    _mm_loadu_si128((const __m128i *)(const void *)c->two_hi));
  /* (their values hidden from the compiler, which else builds each from
   * an immediate again) */
  const signed char *sk = &stretch_k[0][0];
  __asm__("" : "+r"(sk));
  while (i + 32 <= n) {
    stretch_masks k = stretch_block32(
        _mm256_loadu_si256((const __m256i *)(const void *)(u + i)), viet,
        two_lo, two_hi, sk);
    uint32_t word_goes_on = (k.leads & ~k.lead3 & k.letters >> 2) |
                            (k.lead3 & k.letters >> 3);
    uint32_t bad = k.stops | ((k.ou << 1 | prev_ou) & k.leads & ~word_goes_on);
    /* the leads before the first bad one that `known` did not pass (a
     * lead of two bytes in lane 31: known saw no second byte there) */
    uint32_t ask = k.leads & ~(k.known & 0x7FFFFFFFu) &
                   (bad ? (bad & (0u - bad)) - 1 : UINT32_MAX);
    for (; ask; ask &= ask - 1) {
      unsigned at = (unsigned)__builtin_ctz(ask);
      const unsigned char *b = u + i + at;
      bool three = k.lead3 >> at & 1;
      bool plain =
          i + at + (three ? 3u : 2u) <= n &&
          (three ? classes_has(c->classes, c->nfc, c->classes->plain,
                               (uint32_t)(b[0] & 0x0F) << 12 |
                                   (uint32_t)(b[1] & 0x3F) << 6 |
                                   (b[2] & 0x3Fu))
                 : c->plain2[b[0] & 0x1F] >> (b[1] & 0x3F) & 1);
      if (!plain) {
        bad |= 1u << at; /* (below every other bad one) */
        break;
      }
    }
    if (bad)
      return i + (size_t)__builtin_ctz(bad);
    prev_ou = k.ou >> 31;
    i += 32;
  }
  while (i < n && (u[i] & 0xC0) == 0x80) /* the tail of a character cut */
    i++;
  while (i + 16 <= n) {
    stretch_masks k = stretch_block(
        _mm_loadu_si128((const __m128i *)(const void *)(u + i)), viet);
    if (!stretch_step(c, u, &i, 16, k, &prev_ou))
      break;
  }
  return i;
}
#endif

/* How far from s[i] (a character start; c->c1 is 0) the text goes on with
 * nothing for the mapping to do, looked at 32 bytes at a time, then 16
 * (SSE2; the 32 at once with AVX2): ASCII but tabs, and letters that stay
 * (`plain`) but one right after an ASCII o or u, where the tone rule
 * looks.  Every character of it begins an NFC segment and leaves c1 at 0.
 * Returns the end (a character start).  (Two blocks a step share the work
 * on their bits: what is asked of each lane is the same whatever the
 * step, but for a letter a block's end hid, which a step of two sees more
 * often.) */
static size_t plain_stretch(cchc_canon *c, const char *s, size_t i,
                            size_t n) {
  const unsigned char *u = (const unsigned char *)s;
  bool viet = viet_letters_plain(c);
  uint32_t prev_ou = (c->last | 0x20) == 'o' || (c->last | 0x20) == 'u';
#if defined(STRETCH_AVX2)
  if (!canon_avx2_off && __builtin_cpu_supports("avx2"))
    return plain_stretch_avx2(c, u, i, n, viet, prev_ou);
#endif
  while (i + 16 <= n) {
    unsigned width = i + 32 <= n ? 32 : 16;
    stretch_masks k =
        width == 32
            ? stretch_pair(u + i, viet)
            : stretch_block(
                  _mm_loadu_si128((const __m128i *)(const void *)(u + i)),
                  viet);
    if (!stretch_step(c, u, &i, width, k, &prev_ou))
      break;
  }
  return i;
}
#endif

/* The mapping of in[from, n), appended to c->out.  Characters that stay
 * as they are wait in [pend, i) and are copied in one piece.
 *
 * `nfc_unknown`: in[from, n) is not known to be NFC.  The walk then stops
 * before the first place NFC could change (returning where, else n), at
 * the start of a character that begins an NFC segment, with the state
 * the mapping had there: the text before it is NFC, and the rest goes
 * through NFC before the mapping goes on.  This checks the characters in
 * the walk that maps them, which most of them pass with one look-up. */
static size_t map_range(cchc_canon *c, const cchc_mbuf *in, size_t from,
                        size_t n, bool nfc_unknown) {
  cchc_mbuf *out = c->out;
  const char *s = in->data;
  size_t i = from, pend = from, hint = 0;
  /* Where the walk can stop, and the state of the mapping there. */
  size_t safe = from;
  int32_t safe_last = c->last, safe_c1 = c->c1;
  nfc_answer nfc_last = {0, 0, false};
  while (i < n) {
#if defined(__SSE2__)
    if (!c->c1 && i + 16 <= n) {
      size_t e = plain_stretch(c, s, i, n);
      if (e > i) { /* the state after its last character, and before it */
        size_t q = e, r;
        int32_t last = char_before(s, &q);
        r = q;
        safe = q;
        safe_last = q > i ? char_before(s, &r) : c->last;
        safe_c1 = 0;
        c->last = last;
        i = e;
        continue;
      }
    }
#endif
    size_t at = i;
    unsigned char b = (unsigned char)s[i];
    if (b < 0x80 && b != '\t') { /* ASCII stays; only words matter */
      if (!is_ascii_letter((char)b) && tone_may_move(c)) { /* a word ends */
        cchc_mbuf_copy(out, in, pend, at - pend, &hint);
        pend = at;
        fix_tone(c);
      }
      /* Up to the next byte beyond ASCII or tab, nothing but the last
       * byte matters (c1 is 0 after an ASCII one); 8 at a time. */
      size_t j = i + 1;
      for (size_t k = 8; k == 8 && j + 8 <= n; j += k) {
        uint64_t x;
        memcpy(&x, s + j, sizeof x);
        uint64_t y = x ^ 0x0909090909090909u; /* tabs to 0 */
        uint64_t tab = ~(((y & 0x7F7F7F7F7F7F7F7Fu) + 0x7F7F7F7F7F7F7F7Fu) |
                         y | 0x7F7F7F7F7F7F7F7Fu);
        k = cchc_first_flagged((x & 0x8080808080808080u) | tab);
      }
      while (j < n && (unsigned char)s[j] < 0x80 && s[j] != '\t')
        j++;
      /* The walk can stop at the run's last byte (NFC may join it to
       * what follows): the state before it, but c1 = 0, as a word that
       * ended at the run's first byte had its tone fixed. */
      safe = j - 1;
      safe_c1 = 0;
      if (j - 1 > i)
        safe_last = (unsigned char)s[j - 2];
      else
        safe_last = c->last;
      c->last = (unsigned char)s[j - 1];
      c->c1 = 0;
      i = j;
      continue;
    }
    int32_t cp;
    if (b < 0x80) {
      cp = b;
      i++;
    } else {
      cp = cchc_utf8_next_valid(s, n, &i);
      if (cp < 0)
        cp = 0xFFFD;
    }
    cchc_repair_kind kind = CCHC_REPAIR_KIND_COUNT;
    bool mapped = true, word_cp = false; /* classes of cp */
    if (cp <= 0xFFFF) {
      size_t blk = classes_block(c->classes, c->nfc, (uint32_t)cp);
      uint64_t bit = (uint64_t)1 << (cp % 64);
      if (c->classes->plain[blk] & bit) { /* a letter that stays */
        safe = at;
        safe_last = c->last;
        safe_c1 = c->c1;
        c->c1 = c->last < 0x80 &&
                        ((c->last | 0x20) == 'o' || (c->last | 0x20) == 'u')
                    ? c->last
                    : 0;
        c->last = cp;
        continue;
      }
      mapped = c->classes->mapped[blk] & bit;
      word_cp = c->classes->word[blk] & bit;
    } else {
      word_cp = is_word_char_icu(cp);
    }
    int32_t m = mapped ? map_char(cp, &kind) : cp;
    if (nfc_unknown) {
      /* A character that begins an NFC segment stops the walk when NFC
       * could change what follows it; a dropped one (NFC ignores it) or
       * one that does not begin a segment, at the last that did. */
      bool starts_segment =
          m >= 0 && cp <= 0xFFFF &&
          (cp < 0x300 || classes_has(c->classes, c->nfc,
                                     c->classes->nfc_yes, (uint32_t)cp));
      if (starts_segment || m < 0 ? nfc_may_change_at(c, s, i, n, &nfc_last) : true) {
        if (starts_segment)
          safe = at;
        else {
          c->last = safe_last;
          c->c1 = safe_c1;
        }
        cchc_mbuf_copy(out, in, pend, safe - pend, &hint);
        return safe;
      }
    }
    if (kind != CCHC_REPAIR_KIND_COUNT) {
      if (m < 0)
        cchc_log_repair(&c->map_log, kind, cchc_mbuf_src(in, at, &hint),
                        "U+%04X removed", (unsigned)cp);
      else
        cchc_log_repair(&c->map_log, kind, cchc_mbuf_src(in, at, &hint),
                        "U+%04X -> U+%04X", (unsigned)cp, (unsigned)m);
    }
    if (m < 0) { /* dropped: the word goes on */
      cchc_mbuf_copy(out, in, pend, at - pend, &hint);
      note_edit(c, out->len);
      pend = i;
      continue;
    }
    bool word = m == cp ? word_cp : is_word_char(c, m);
    /* the tone rule, which rewrites the end of the output, and what is
     * written differently need the waiting characters written first */
    bool moves = !word && tone_may_move(c);
    if (m != cp || moves) {
      cchc_mbuf_copy(out, in, pend, at - pend, &hint);
      pend = at;
    }
    if (moves)
      fix_tone(c);
    if (m != cp) {
      note_edit(c, out->len);
      cchc_mbuf_putc_span(out, (uint32_t)m, cchc_mbuf_src(in, at, &hint),
                          cchc_mbuf_src(in, i - 1, &hint));
      pend = i;
    }
    /* an o or u then a letter with a mark, as the word stands */
    c->c1 = word && m >= 0x80 && c->last < 0x80 &&
                    ((c->last | 0x20) == 'o' || (c->last | 0x20) == 'u')
                ? c->last
                : 0;
    c->last = m;
  }
  cchc_mbuf_copy(out, in, pend, n - pend, &hint);
  return n;
}

/* NFC and mapping of the chunks of `in` that are complete (all of them
 * when final); returns where the rest begins. */
static size_t canon_chunks(cchc_canon *c, const cchc_mbuf *in, bool final) {
  size_t start = 0;
  while (c->rc == CCHC_OK && start < in->len &&
         (final || in->len > start + CHUNK)) {
    size_t end = chunk_end(in, start);
    if (c->out->len + (end - start) > c->limit) { /* the mapping never
                                                     lengthens text */
      c->blocked = true;
      break;
    }
    /* Mapped as far as it is NFC, the rest through NFC then mapped. */
    size_t nfc_from = map_range(c, in, start, end, true);
    if (nfc_from < end && !nfc_chunk(c, in, nfc_from, end)) {
      map_range(c, in, nfc_from, end, false);
    } else if (nfc_from < end && c->rc == CCHC_OK) {
      if (c->out->len + c->mid.len > c->limit) {
        c->blocked = true;
        start = end;
        break;
      }
      map_range(c, &c->mid, 0, c->mid.len, false);
      cchc_mbuf_truncate(&c->mid, 0);
    }
    start = end;
  }
  return start;
}

/* NFC and mapping of the chunks of c->in that are complete (all of them
 * at the end), which then leave c->in. */
static void canon_step(cchc_canon *c, bool final) {
  c->blocked = false;
  if (c->mid.len) { /* through NFC before a rewrite was blocked */
    if (c->out->len + c->mid.len > c->limit) {
      c->blocked = true;
      return;
    }
    map_range(c, &c->mid, 0, c->mid.len, false);
    cchc_mbuf_truncate(&c->mid, 0);
  }
  cchc_mbuf_drop_front(&c->in, canon_chunks(c, &c->in, final));
}

cchc_canon *cchc_canon_new(cchc_mbuf *out, const cchc_repair_log *log) {
  cchc_canon *c = malloc(sizeof *c);
  if (!c)
    return NULL;
  memset(c, 0, sizeof *c);
  /* Lists that `log` would not keep are not kept here either: a long
   * text's repairs, each formatted, for a count. */
  c->nfc_log.length_only = c->map_log.length_only = log->length_only;
  c->nfc_log.counts_only = c->map_log.counts_only = log->counts_only;
  c->classes = &cp_table;
  UErrorCode st = U_ZERO_ERROR;
  c->nfc = unorm2_getNFCInstance(&st);
  c->nfd = unorm2_getNFDInstance(&st);
  if (U_FAILURE(st)) {
    cchc_fail(&c->err, CCHC_ERR_INTERNAL, "ICU normalizer unavailable: %s",
              u_errorName(st));
    c->rc = CCHC_ERR_INTERNAL;
  }
  c->out = out;
  c->limit = SIZE_MAX;
  c->viet_plain = -1;
  return c;
}

void cchc_canon_free(cchc_canon *c) {
  if (!c)
    return;
  cchc_mbuf_free(&c->in);
  cchc_mbuf_free(&c->mid);
  cchc_log_free(&c->nfc_log);
  cchc_log_free(&c->map_log);
  free(c->edits.at);
  free(c->u);
  free(c->at8);
  free(c);
}

cchc_mbuf *cchc_canon_input(cchc_canon *c) { return &c->in; }

void cchc_canon_fed_in_place(cchc_canon *c, const char *s, size_t n,
                             uint32_t src, bool final) {
  /* `s` read where it lies, as c->in would be read holding it alone: the
   * same chunks, the same map (one run, byte for byte) */
  cchc_run run = {0, src, n > 1};
  cchc_mbuf view = {.data = (char *)(uintptr_t)s, .len = n, .cap = n,
                    .runs = &run, .nruns = n ? 1 : 0, .runs_cap = 1};
  if (c->rc != CCHC_OK || c->in.len || c->mid.len) { /* (not in use) */
    cchc_mbuf_copy(&c->in, &view, 0, n, NULL);
    if (!final)
      cchc_canon_fed(c);
    return;
  }
  c->blocked = false;
  size_t done = canon_chunks(c, &view, final);
  if (done < n) /* what the step leaves waits in c->in */
    cchc_mbuf_copy(&c->in, &view, done, n - done, NULL);
}

void cchc_canon_reset(cchc_canon *c) {
  cchc_mbuf_truncate(&c->in, 0);
  cchc_mbuf_truncate(&c->mid, 0);
  cchc_mbuf_truncate(c->out, 0);
  c->in.failed = c->mid.failed = c->out->failed = false;
  c->last = c->c1 = 0;
  bool length_only = c->map_log.length_only,
       counts_only = c->map_log.counts_only;
  cchc_log_free(&c->nfc_log);
  cchc_log_free(&c->map_log);
  c->nfc_log.length_only = c->map_log.length_only = length_only;
  c->nfc_log.counts_only = c->map_log.counts_only = counts_only;
  c->edits.n = 0;
  c->edits.all = false;
}

void cchc_canon_fed(cchc_canon *c) {
  if (c->in.len < BATCH || c->rc != CCHC_OK)
    return;
  canon_step(c, false);
}

static int cmp_size(const void *a, const void *b) {
  size_t x = *(const size_t *)a, y = *(const size_t *)b;
  return (x > y) - (x < y);
}

cchc_status cchc_canon_finish(cchc_canon *c, cchc_repair_log *log,
                              cchc_edits *edits, cchc_error *err) {
  if (c->rc == CCHC_OK)
    canon_step(c, true);
  if (c->rc == CCHC_OK && tone_may_move(c))
    fix_tone(c);
  if (c->rc == CCHC_OK && (c->in.failed || c->mid.failed))
    canon_fail(c, CCHC_ERR_NOMEM, NULL, U_ZERO_ERROR);
  if (c->rc == CCHC_OK && c->out->failed) {
    cchc_fail(&c->err, CCHC_ERR_NOMEM, "out of memory");
    c->rc = CCHC_ERR_NOMEM;
  }
  if (c->rc != CCHC_OK) {
    if (err)
      *err = c->err;
    return c->rc;
  }
  /* The repairs in the order of the stages: NFC's, then the mapping's. */
  cchc_log_append(log, &c->nfc_log);
  cchc_log_append(log, &c->map_log);
  if (edits) {
    /* a tone mark moved after a character mapped in its word: the list
     * is out of order only there (rarely) */
    size_t k = 1;
    while (k < c->edits.n && c->edits.at[k - 1] <= c->edits.at[k])
      k++;
    if (k < c->edits.n)
      qsort(c->edits.at, c->edits.n, sizeof *c->edits.at, cmp_size);
    *edits = c->edits;
    memset(&c->edits, 0, sizeof c->edits);
  }
  return CCHC_OK;
}

/* Could a chunk of `text` end inside a run of non-ASCII bytes, where its
 * end depends on where chunks began?  (A run of CHUNK / 2 bytes or more:
 * RUN_WORDS aligned words of 8 without an ASCII byte.)  Such a run holds
 * one of every RUN_WORDS-th word: only runs through those are measured. */
static bool long_non_ascii(const cchc_mbuf *text) {
  enum { RUN_WORDS = (CHUNK / 2 - 16 + 7) / 8 };
  const uint64_t high = 0x8080808080808080u;
  size_t words = text->len / 8;
  for (size_t w = 0; w < words; w += RUN_WORDS) {
    uint64_t x;
    memcpy(&x, text->data + 8 * w, sizeof x);
    if ((x & high) != high)
      continue;
    size_t lo = w, hi = w + 1; /* the run of such words around w */
    for (; lo > 0; lo--) {
      memcpy(&x, text->data + 8 * (lo - 1), sizeof x);
      if ((x & high) != high)
        break;
    }
    for (; hi < words; hi++) {
      memcpy(&x, text->data + 8 * hi, sizeof x);
      if ((x & high) != high)
        break;
    }
    if (hi - lo >= RUN_WORDS)
      return true;
  }
  return false;
}

cchc_status cchc_canon_chars(cchc_mbuf *text, const size_t *lines,
                             size_t nlines, cchc_repair_log *log,
                             cchc_error *err) {
  /* Canonical text is left as it is by this stage, line by line (a line
   * ends a word and an NFC segment, and chunks end before ASCII bytes):
   * only the given lines need it, unless a chunk could end elsewhere. */
  if (lines && long_non_ascii(text))
    lines = NULL;
  if (lines && nlines == 0) /* (every line canonical already) */
    return CCHC_OK;
  cchc_mbuf out, rest;
  cchc_mbuf_rewrite_begin(&out, text);
  out.huge_map = true; /* (before the line array: then the next pass but
                          one writes into this map's pages) */
  cchc_mbuf_init(&rest);
  cchc_canon *c = cchc_canon_new(&out, log);
  if (!c) {
    cchc_mbuf_rewrite_undo(text, &out);
    return cchc_fail(err, CCHC_ERR_NOMEM, "out of memory");
  }
  const cchc_mbuf *src = text; /* read from; src[0] is text[base] */
  size_t base = 0, r = 0, hint = 0, k = 0; /* text is read up to r */
  while (r < text->len && c->rc == CCHC_OK) {
    size_t a = r, b = text->len - r < BATCH ? text->len : r + BATCH;
    if (lines) {
      a = k < nlines ? lines[2 * k] : text->len;
      b = k < nlines ? lines[2 * k + 1] : text->len;
      k++;
    }
    if (a > r) /* canonical already */
      cchc_mbuf_copy(&out, src, r - base, a - r, &hint);
    if (b > a)
      cchc_mbuf_copy(&c->in, src, a - base, b - a, &hint);
    r = b;
    c->limit = src == text ? r : SIZE_MAX;
    canon_step(c, lines != NULL);
    if (c->blocked) {
      /* NFC lengthened the text (a rare decomposition): the output
       * would overwrite what is not read yet; read it from a copy. */
      cchc_mbuf_copy(&rest, text, r, text->len - r, NULL);
      src = &rest;
      base = r;
      hint = 0;
      c->limit = SIZE_MAX;
      canon_step(c, lines != NULL);
    }
  }
  c->limit = SIZE_MAX; /* all is read */
  cchc_status rc = cchc_canon_finish(c, log, NULL, err);
  cchc_canon_free(c);
  cchc_mbuf_free(&rest);
  cchc_mbuf_rewrite_end(text, &out);
  return rc;
}
