/* walk.c: the one walk of a frame shared by every format (see emit.h).
 *
 * The order and names below are the contract published in
 * emit/schema/frame.schema.json and emit/schema/frame.xsd: change them
 * together. */
#include "emit.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif
/* (AVX2 beside SSE2 only: the plain C build, PORTABLE=1, has neither) */
#if defined(__SSE2__) && defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define CLEAN_AVX2 1
#endif

/* A clean string of the frame met in this walk, by its address: a frame
 * holds many strings of the rules (rule ids, unit keys and names, areas)
 * at one address each, and the frame does not change while it is walked,
 * so one met again is known clean without a scan (nor a strlen).  Kept
 * for the walk only: nothing goes from one document to the next. */
enum { SEEN_SLOTS = 256 };
typedef struct seen_string {
  const char *s;
  size_t len;
  bool escape_free;
} seen_string;

typedef struct walker {
  const cchc_frame *f;
  const emit_ops *ops;
  void *ctx;
  char *scratch; /* cleaned copy of the current string */
  size_t cap;
  bool nomem;
  seen_string seen[SEEN_SLOTS];
} walker;

const char *const emit_names[EMIT_NNAMES] = {
#define EMIT_NAME_TEXT(n) [NAME_##n] = #n,
    EMIT_NAMES(EMIT_NAME_TEXT)
#undef EMIT_NAME_TEXT
};

/* ------------------------------------------------------------------ */
/* Numbers                                                             */

bool emit_number_is_integer(double v) {
  return isfinite(v) && v == floor(v) && fabs(v) < 9007199254740992.0;
}

char *emit_format_number(double v, char buf[40]) {
  if (emit_number_is_integer(v)) {
    buf[cchc_integer_text((long long)v, buf)] = '\0';
    return buf;
  }
  char tmp[40];
  snprintf(tmp, sizeof tmp, "%.15g", v);
  /* "1e+05" -> "1e5", "1e-05" -> "1e-5" (as jansson prints reals). */
  char *o = buf;
  for (const char *p = tmp; *p;) {
    *o++ = *p;
    if (*p++ == 'e') {
      if (*p == '+')
        p++;
      else if (*p == '-')
        *o++ = *p++;
      while (*p == '0' && p[1])
        p++;
    }
  }
  *o = '\0';
  return buf;
}

/* ------------------------------------------------------------------ */
/* Strings                                                             */

static bool char_ok(int32_t c) {
  if (c < 0)
    return false;
  if (c < 0x20)
    return c == '\t' || c == '\n' || c == '\r';
  return c != 0xFFFE && c != 0xFFFF;
}

/* How many of the 8 bytes at p, from the first, are printable ASCII
 * (0x20 to 0x7F), which every format carries as they are: a byte-parallel
 * test on the 8 bytes read little-endian, where the lowest byte flagged
 * by `x | x - 0x20...` (high bit set, or below 0x20) is exact. */
static size_t printable_ascii8(const char *p) {
  uint64_t x;
  memcpy(&x, p, sizeof x);
  return cchc_first_flagged((x | (x - UINT64_C(0x2020202020202020))) &
                            UINT64_C(0x8080808080808080));
}

#if defined(__SSE2__)
/* The masks of a block of 16 bytes that clean_blocks asks of it: bit k
 * for byte k. */
typedef struct block_masks {
  uint32_t cont, lead2, lead3, ascii;
  uint32_t escapes; /* '"', '\\' and below 0x20: what JSON escapes */
} block_masks;

static CCHC_INLINE block_masks masks_of(__m128i x) {
  /* (compared as signed bytes: 0x80..0xFF are -128..-1; each class is a
   * range, told by the masks of the bytes below a few bounds, bit k for
   * byte k: one vector compare a bound, where a pair a range cost more) */
  const __m128i c80 = _mm_set1_epi8(-64), cc2 = _mm_set1_epi8(-62),
                ce0 = _mm_set1_epi8(-32), ce1 = _mm_set1_epi8(-31),
                ced = _mm_set1_epi8(-19), c1f = _mm_set1_epi8(0x1F),
                quote = _mm_set1_epi8('"'), backslash = _mm_set1_epi8('\\');
  uint32_t high = (uint32_t)_mm_movemask_epi8(x); /* 0x80..0xFF */
  uint32_t below_c2 = (uint32_t)_mm_movemask_epi8(_mm_cmpgt_epi8(cc2, x));
  uint32_t below_e0 = (uint32_t)_mm_movemask_epi8(_mm_cmpgt_epi8(ce0, x));
  uint32_t below_e1 = (uint32_t)_mm_movemask_epi8(_mm_cmpgt_epi8(ce1, x));
  uint32_t below_ed = (uint32_t)_mm_movemask_epi8(_mm_cmpgt_epi8(ced, x));
  __m128i control = _mm_cmpeq_epi8(_mm_max_epu8(x, c1f), c1f); /* <= 0x1F */
  uint32_t controls = (uint32_t)_mm_movemask_epi8(control);
  block_masks m;
  m.cont = (uint32_t)_mm_movemask_epi8(_mm_cmpgt_epi8(c80, x)); /* 80..BF */
  m.lead2 = ~below_c2 & below_e0;                  /* C2..DF */
  m.lead3 = ~below_e1 & below_ed;                  /* E1..EC */
  m.ascii = ~high & ~controls & 0xFFFF;            /* 0x20..0x7F */
  if (controls) /* tabs and line breaks are taken alone too */
    m.ascii |= (uint32_t)_mm_movemask_epi8(_mm_or_si128(
        _mm_cmpeq_epi8(x, _mm_set1_epi8('\t')),
        _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('\n')),
                     _mm_cmpeq_epi8(x, _mm_set1_epi8('\r')))));
  m.escapes = controls | (uint32_t)_mm_movemask_epi8(_mm_or_si128(
                             _mm_cmpeq_epi8(x, quote),
                             _mm_cmpeq_epi8(x, backslash)));
  return m;
}

/* How far from u[j] the string is clean, 16 bytes at a time: blocks of
 * printable ASCII, tabs and line breaks, and whole characters of two
 * bytes or of three with a lead E1 to EC (those clean_prefix takes
 * without a decode; a character may cross from one block to the next).
 * Returns the end of the last whole character of the blocks that passed;
 * *retry: where blocks are looked at again (past the first byte that
 * stopped them, which the caller decodes).  *escapes gets the bytes to
 * escape of the blocks read (each lies inside the string: what it flags
 * is in it). */
static size_t clean_blocks(const unsigned char *u, size_t j, size_t n,
                           size_t *retry, uint32_t *escapes) {
  /* k lanes of -1 from skip_lanes + 16 - k, then 0 */
  static const signed char skip_lanes[32] = {-1, -1, -1, -1, -1, -1, -1, -1,
                                             -1, -1, -1, -1, -1, -1, -1, -1};
  uint32_t need = 0; /* continuation bytes owed by the last block, as bits */
  size_t done = j;   /* end of the last whole character */
  for (; j + 16 <= n; j += 16) {
    block_masks m =
        masks_of(_mm_loadu_si128((const __m128i *)(const void *)(u + j)));
    *escapes |= m.escapes;
    if (!cchc_utf8_block(m.cont, m.lead2, m.lead3, m.ascii, j, &need, &done,
                         retry))
      return done;
  }
  /* The rest (less than a block past the last whole character) as the
   * string's last 16 bytes, those before that character taken for ASCII:
   * the end of most strings needs no walk a byte at a time. */
  *retry = n; /* (then the caller walks what is left) */
  if (done < n && n - done <= 16 && n >= 16) {
    size_t base = n - 16;
    __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(u + base));
    __m128i skip = _mm_loadu_si128(
        (const __m128i *)(const void *)(skip_lanes + 16 - (done - base)));
    x = _mm_or_si128(_mm_andnot_si128(skip, x),
                     _mm_and_si128(skip, _mm_set1_epi8('a')));
    block_masks m = masks_of(x);
    *escapes |= m.escapes;
    need = 0; /* (from a character start) */
    cchc_utf8_block(m.cont, m.lead2, m.lead3, m.ascii, base, &need, &done,
                    retry);
  }
  return done;
}
#endif

#if defined(CLEAN_AVX2)
/* A proof, 32 bytes at a time, that s[0, n) (proof_fits(n)) is clean as
 * a whole: well-formed UTF-8 (the test of Keiser and Lemire, "Validating
 * UTF-8 in less than one instruction per byte": three table lookups on
 * the nibbles of each byte and of the one before it, and the bytes two
 * and three back for the continuations a lead of three or four bytes
 * owes), with no control character and no lead 0xEF (U+F000 to U+FFFF,
 * among them U+FFFE and U+FFFF, which no format carries).  Only the sure
 * answer is given: false when the string holds any of those (a tab or a
 * line break too), and the exact walk of emit_clean_scan decides.  Most
 * bytes a walk scans are long texts (headings, tasks) of two- and
 * three-byte letters, which that walk classed byte by byte and followed
 * character by character from block to block; here no branch is taken
 * before the end.  *escape_free: no '"' nor '\\' in it (with no control
 * character, nothing else JSON escapes).  The last block is the string's
 * last 32 bytes, and each block after the first reads the three bytes
 * before it where they lie; a string shorter than 32 bytes is one block,
 * its first and last 16 bytes (of 16 or fewer: 8, twice over). */
static bool proof_fits(size_t n) {
  /* (those bytes before the last block lie in the string) */
  return n >= 35 || (n >= 19 && n <= 32) || (n >= 11 && n <= 16);
}

__attribute__((target("avx2"))) static bool
proven_clean_avx2(const unsigned char *u, size_t n, bool *escape_free) {
  /* the classes of a pair of bytes, by the high nibble of the first, its
   * low nibble and the high nibble of the second: a pair is an error
   * when the three share a bit */
  enum {
    TOO_SHORT = 1 << 0, /* a lead or ASCII, then no continuation */
    TOO_LONG = 1 << 1,  /* ASCII, then a continuation */
    OVERLONG_3 = 1 << 2,
    TOO_LARGE = 1 << 3,
    SURROGATE = 1 << 4,
    OVERLONG_2 = 1 << 5,
    TOO_LARGE_1000 = 1 << 6,
    OVERLONG_4 = 1 << 6,
    TWO_CONTS = 1 << 7,
    CARRY = TOO_SHORT | TOO_LONG | TWO_CONTS,
  };
#define LOOKUP16(...) _mm256_setr_epi8(__VA_ARGS__, __VA_ARGS__)
  const __m256i first_high = LOOKUP16(
      TOO_LONG, TOO_LONG, TOO_LONG, TOO_LONG, TOO_LONG, TOO_LONG, TOO_LONG,
      TOO_LONG, TWO_CONTS, TWO_CONTS, TWO_CONTS, TWO_CONTS,
      TOO_SHORT | OVERLONG_2, TOO_SHORT, TOO_SHORT | OVERLONG_3 | SURROGATE,
      TOO_SHORT | TOO_LARGE | TOO_LARGE_1000 | OVERLONG_4);
  const __m256i first_low = LOOKUP16(
      CARRY | OVERLONG_3 | OVERLONG_2 | OVERLONG_4, CARRY | OVERLONG_2,
      CARRY, CARRY, CARRY | TOO_LARGE, CARRY | TOO_LARGE | TOO_LARGE_1000,
      CARRY | TOO_LARGE | TOO_LARGE_1000, CARRY | TOO_LARGE | TOO_LARGE_1000,
      CARRY | TOO_LARGE | TOO_LARGE_1000, CARRY | TOO_LARGE | TOO_LARGE_1000,
      CARRY | TOO_LARGE | TOO_LARGE_1000, CARRY | TOO_LARGE | TOO_LARGE_1000,
      CARRY | TOO_LARGE | TOO_LARGE_1000,
      CARRY | TOO_LARGE | TOO_LARGE_1000 | SURROGATE,
      CARRY | TOO_LARGE | TOO_LARGE_1000, CARRY | TOO_LARGE | TOO_LARGE_1000);
  const __m256i second_high = LOOKUP16(
      TOO_SHORT, TOO_SHORT, TOO_SHORT, TOO_SHORT, TOO_SHORT, TOO_SHORT,
      TOO_SHORT, TOO_SHORT,
      TOO_LONG | OVERLONG_2 | TWO_CONTS | OVERLONG_3 | TOO_LARGE_1000 |
          OVERLONG_4,
      TOO_LONG | OVERLONG_2 | TWO_CONTS | OVERLONG_3 | TOO_LARGE,
      TOO_LONG | OVERLONG_2 | TWO_CONTS | SURROGATE | TOO_LARGE,
      TOO_LONG | OVERLONG_2 | TWO_CONTS | SURROGATE | TOO_LARGE, TOO_SHORT,
      TOO_SHORT, TOO_SHORT, TOO_SHORT);
  /* the bytes looked at besides, by their two nibbles in the same way:
   * those that end the proof (odd_marks: a control character, 0xEF) and
   * those JSON escapes besides ('"', '\\') */
  enum { CONTROL = 1, LEAD_EF = 2, QUOTE = 4, BACKSLASH = 8 };
  const __m256i marked_high = LOOKUP16(
      CONTROL, CONTROL, QUOTE, 0, 0, BACKSLASH, 0, 0, 0, 0, 0, 0, 0, 0,
      LEAD_EF, 0);
  const __m256i marked_low = LOOKUP16(
      CONTROL, CONTROL, CONTROL | QUOTE, CONTROL, CONTROL, CONTROL, CONTROL,
      CONTROL, CONTROL, CONTROL, CONTROL, CONTROL, CONTROL | BACKSLASH,
      CONTROL, CONTROL, CONTROL | LEAD_EF);
#undef LOOKUP16
  const __m256i nibble = _mm256_set1_epi8(0x0F),
                odd_marks = _mm256_set1_epi8(CONTROL | LEAD_EF),
                third = _mm256_set1_epi8((char)(0xE0 - 0x80)),
                fourth = _mm256_set1_epi8((char)(0xF0 - 0x80)),
                high = _mm256_set1_epi8((char)0x80);
  __m256i errors = _mm256_setzero_si256(), marks = errors, x, p1, p2, p3;
  if (n >= 32) {
    /* the first block: nothing (ASCII) before it */
    x = _mm256_loadu_si256((const __m256i *)(const void *)u);
    __m256i before = _mm256_permute2x128_si256(errors, x, 0x21);
    p1 = _mm256_alignr_epi8(x, before, 15);
    p2 = _mm256_alignr_epi8(x, before, 14);
    p3 = _mm256_alignr_epi8(x, before, 13);
  } else if (n <= 16) {
    /* the only block: the string's first 8 bytes (nothing before them)
     * and its last 8 (three bytes before them read), twice over */
    uint64_t a, b, b1, b2, b3;
    const unsigned char *last = u + n - 8;
    memcpy(&a, u, 8);
    memcpy(&b, last, 8);
    memcpy(&b1, last - 1, 8);
    memcpy(&b2, last - 2, 8);
    memcpy(&b3, last - 3, 8);
#define WORDS(lo, hi) _mm256_broadcastsi128_si256(_mm_set_epi64x((long long)(hi), (long long)(lo)))
    x = WORDS(a, b);
    p1 = WORDS(a << 8, b1);
    p2 = WORDS(a << 16, b2);
    p3 = WORDS(a << 24, b3);
#undef WORDS
  } else {
    /* the only block: the string's first 16 bytes (nothing before them)
     * and its last 16 (three bytes before them read), which overlap */
    __m128i lo = _mm_loadu_si128((const __m128i *)(const void *)u);
    const unsigned char *last = u + n - 16;
#define HALVES(a, b) _mm256_inserti128_si256(_mm256_castsi128_si256(a), b, 1)
#define BEFORE_LAST(k) _mm_loadu_si128((const __m128i *)(const void *)(last - k))
    x = HALVES(lo, BEFORE_LAST(0));
    p1 = HALVES(_mm_slli_si128(lo, 1), BEFORE_LAST(1));
    p2 = HALVES(_mm_slli_si128(lo, 2), BEFORE_LAST(2));
    p3 = HALVES(_mm_slli_si128(lo, 3), BEFORE_LAST(3));
#undef BEFORE_LAST
#undef HALVES
  }
  for (size_t i = 0;;) {
    __m256i high_x = _mm256_and_si256(_mm256_srli_epi16(x, 4), nibble);
    __m256i pairs = _mm256_and_si256(
        _mm256_and_si256(
            _mm256_shuffle_epi8(
                first_high,
                _mm256_and_si256(_mm256_srli_epi16(p1, 4), nibble)),
            _mm256_shuffle_epi8(first_low, _mm256_and_si256(p1, nibble))),
        _mm256_shuffle_epi8(second_high, high_x));
    /* a continuation owed to a lead two or three bytes back: the high bit
     * set exactly there, where the pairs' classes say TWO_CONTS */
    __m256i owed = _mm256_and_si256(
        _mm256_or_si256(_mm256_subs_epu8(p2, third),
                        _mm256_subs_epu8(p3, fourth)),
        high);
    errors = _mm256_or_si256(errors, _mm256_xor_si256(owed, pairs));
    marks = _mm256_or_si256(
        marks, _mm256_and_si256(
                   _mm256_shuffle_epi8(marked_high, high_x),
                   _mm256_shuffle_epi8(marked_low, _mm256_and_si256(x, nibble))));
    if (i + 32 >= n)
      break;
    /* the next block, or the string's last 32 bytes */
    i = i + 64 <= n ? i + 32 : n - 32;
    x = _mm256_loadu_si256((const __m256i *)(const void *)(u + i));
    p1 = _mm256_loadu_si256((const __m256i *)(const void *)(u + i - 1));
    p2 = _mm256_loadu_si256((const __m256i *)(const void *)(u + i - 2));
    p3 = _mm256_loadu_si256((const __m256i *)(const void *)(u + i - 3));
  }
  /* a character cut by the end: a lead among the last three bytes that
   * owes more than follow it */
  if (!_mm256_testz_si256(errors, errors) ||
      !_mm256_testz_si256(marks, odd_marks) || u[n - 1] >= 0xC0 ||
      u[n - 2] >= 0xE0 || u[n - 3] >= 0xF0)
    return false;
  *escape_free = _mm256_testz_si256(marks, marks);
  return true;
}
#endif

/* Do the 8 bytes of x hold a '"' or a '\\'?  (Byte-wise tests, nonzero
 * exactly when some byte is one.) */
static uint64_t quote_or_backslash8(uint64_t x) {
  const uint64_t ones = UINT64_C(0x0101010101010101),
                 highs = UINT64_C(0x8080808080808080);
  uint64_t quote = x ^ ones * '"', backslash = x ^ ones * '\\';
  return (((quote - ones) & ~quote) | ((backslash - ones) & ~backslash)) &
         highs;
}

#if !defined(__SSE2__)
/* Is every byte of x printable ASCII (0x20 to 0x7F) other than '"' and
 * '\\'?  (Byte-wise tests on 8 bytes: the walk's ids, numbers, dates and
 * keys are such short strings.) */
static bool plain_ascii8(uint64_t x) {
  const uint64_t highs = UINT64_C(0x8080808080808080);
  return !(((x | (x - UINT64_C(0x2020202020202020))) & highs) |
           quote_or_backslash8(x));
}
#endif

/* Are the n bytes at s (n <= 16) all printable ASCII other than '"' and
 * '\\' (clean, nothing to escape)?  Read as two words that may overlap
 * (fewer than 8 bytes: one word, the rest 'a'), tested at once in a
 * vector where there is SSE2: most strings a walk meets first are such
 * (ids, numbers, dates, rule ids, keys). */
static CCHC_INLINE bool plain_short(const char *s, size_t n) {
  uint64_t a = UINT64_C(0x6161616161616161), b = a;
  if (n >= 8) {
    memcpy(&a, s, sizeof a);
    memcpy(&b, s + n - 8, sizeof b);
  } else if (n) {
    /* the n bytes by two loads that may overlap (an id, a date: the
     * byte loop was compiled into a call of memcpy) */
    uint64_t lo, hi;
    if (n >= 4) {
      uint32_t x, y;
      memcpy(&x, s, 4);
      memcpy(&y, s + n - 4, 4);
      lo = x, hi = (uint64_t)y << 8 * (n - 4);
    } else if (n >= 2) {
      uint16_t x, y;
      memcpy(&x, s, 2);
      memcpy(&y, s + n - 2, 2);
      lo = x, hi = (uint64_t)y << 8 * (n - 2);
    } else {
      lo = hi = (unsigned char)s[0];
    }
    a = lo | hi | a << 8 * n; /* ('a' past the n bytes) */
  }
#if defined(__SSE2__)
  /* (as signed bytes, those below 0x20 and from 0x80 on are below 0x20) */
  __m128i x = _mm_set_epi64x((long long)b, (long long)a);
  __m128i odd = _mm_or_si128(
      _mm_cmplt_epi8(x, _mm_set1_epi8(0x20)),
      _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('"')),
                   _mm_cmpeq_epi8(x, _mm_set1_epi8('\\'))));
  return !_mm_movemask_epi8(odd);
#else
  return plain_ascii8(a) && plain_ascii8(b);
#endif
}

/* emit_clean_scan past its two quick answers, the exact walk: the length
 * of the start of s[0, n) that needs no cleaning.  Plans are mostly ASCII
 * runs between two- and three-byte letters (Vietnamese is U+00C0 to
 * U+1EF9), so those are taken without a general decode (16 bytes at a
 * time with SSE2); any other byte goes through ICU's validating U8_NEXT
 * (cchc_utf8_next).  The same look at each byte tells whether one is a
 * byte JSON escapes (*escape_free): the writer copies a string without
 * one as it is, with no scan of its own. */
static __attribute__((noinline)) size_t clean_walk(const char *s, size_t n,
                                                   bool *escape_free) {
  const unsigned char *u = (const unsigned char *)s;
  size_t i = 0;
  uint64_t escapes = 0; /* nonzero: a byte to escape was seen */
#if defined(__SSE2__)
  size_t retry = 0;
  uint32_t block_escapes = 0;
#endif
  while (i < n) {
#if defined(__SSE2__)
    if (i >= retry) {
      i = clean_blocks(u, i, n, &retry, &block_escapes);
      if (i >= n)
        break;
    }
#endif
    if (n - i >= 8) {
      size_t k = printable_ascii8(s + i);
      if (k == 8) {
        uint64_t x;
        memcpy(&x, s + i, sizeof x);
        escapes |= quote_or_backslash8(x);
        i += 8;
        continue;
      }
      for (size_t e = i + k; i < e; i++) /* (k bytes of printable ASCII) */
        escapes |= u[i] == '"' || u[i] == '\\';
    }
    unsigned char b = u[i];
    if (b >= 0x20 && b < 0x80) {
      escapes |= b == '"' || b == '\\';
      i++;
    } else if (b >= 0xC2 && b <= 0xDF && n - i >= 2 &&
               (u[i + 1] & 0xC0) == 0x80) {
      i += 2; /* U+0080 to U+07FF: all kept */
    } else if (b >= 0xE1 && b <= 0xEC && n - i >= 3 &&
               (u[i + 1] & 0xC0) == 0x80 && (u[i + 2] & 0xC0) == 0x80) {
      i += 3; /* U+1000 to U+CFFF: all kept */
    } else {
      size_t at = i;
      int32_t c = cchc_utf8_next(s, n, &i);
      if (!char_ok(c)) {
        *escape_free = false;
        return at;
      }
      escapes |= c < 0x20; /* a tab or a line break */
    }
  }
#if defined(__SSE2__)
  escapes |= block_escapes;
#endif
  *escape_free = !escapes;
  return n;
}

/* emit_clean_scan, inline in the walk: a short plain string, or a long
 * one proven clean, without a call of the exact walk. */
static CCHC_INLINE size_t clean_scan(const char *s, size_t n,
                                     bool *escape_free) {
  if (n <= 16 && plain_short(s, n)) {
    *escape_free = true;
    return n;
  }
#if defined(CLEAN_AVX2)
  if (proof_fits(n) && __builtin_cpu_supports("avx2") &&
      proven_clean_avx2((const unsigned char *)s, n, escape_free))
    return n;
#endif
  return clean_walk(s, n, escape_free);
}

size_t emit_clean_scan(const char *s, size_t n, bool *escape_free) {
  return clean_scan(s, n, escape_free);
}

size_t emit_clean_prefix(const char *s, size_t n) {
  bool escape_free;
  return emit_clean_scan(s, n, &escape_free);
}

/* `s` (n bytes; its length after in *len), or a copy in w->scratch with
 * every invalid byte and every character XML cannot carry replaced by
 * U+FFFD; NULL when out of memory. */
static const char *clean(walker *w, const char *s, size_t n, size_t *len,
                         bool *escape_free) {
  size_t i = clean_scan(s, n, escape_free);
  *len = n;
  if (i == n)
    return s;
  *escape_free = false; /* (the format's escaper looks: rare) */
  /* Each bad byte becomes 3 bytes at most. */
  if (n * 3 + 1 > w->cap) {
    char *p = realloc(w->scratch, n * 3 + 1);
    if (!p) {
      w->nomem = true;
      return NULL;
    }
    w->scratch = p;
    w->cap = n * 3 + 1;
  }
  memcpy(w->scratch, s, i);
  size_t o = i;
  while (i < n) {
    size_t at = i;
    int32_t c = cchc_utf8_next(s, n, &i);
    if (char_ok(c)) {
      memcpy(w->scratch + o, s + at, i - at);
      o += i - at;
    } else {
      memcpy(w->scratch + o, "\xEF\xBF\xBD", 3);
      o += 3;
    }
  }
  w->scratch[o] = '\0';
  *len = o;
  return w->scratch;
}

/* ------------------------------------------------------------------ */
/* Checks made before anything is emitted                              */

static bool index_ok(int i, size_t n) { return i >= 0 && (size_t)i < n; }

static bool year_ok(const char *s) {
  size_t n = strlen(s);
  if (n == 0 || n > 9)
    return false;
  for (size_t i = 0; i < n; i++)
    if (s[i] < '0' || s[i] > '9')
      return false;
  return true;
}

static cchc_status check(const cchc_frame *f, cchc_error *err) {
  if (f->failed)
    return cchc_fail(err, CCHC_ERR_NOMEM,
                     "the frame is incomplete: an allocation failed while "
                     "it was built");
  if (f->document.year.value && !year_ok(f->document.year.value))
    return cchc_fail(err, CCHC_ERR_INVALID,
                     "document year \"%.40s\" is not a decimal number",
                     f->document.year.value);
  for (size_t i = 0; i < f->nsections; i++) {
    int p = f->sections[i].parent;
    if (p != -1 && (!index_ok(p, f->nsections) || (size_t)p == i))
      return cchc_fail(err, CCHC_ERR_INVALID,
                       "section %zu: parent index %d out of range", i + 1, p);
  }
  for (size_t i = 0; i < f->ntargets; i++) {
    const frame_target *t = &f->targets[i];
    if (t->section != -1 && !index_ok(t->section, f->nsections))
      return cchc_fail(err, CCHC_ERR_INVALID,
                       "target %zu: section index %d out of range", i + 1,
                       t->section);
    if (!isfinite(t->value) || (t->has_value_max && !isfinite(t->value_max)))
      return cchc_fail(err, CCHC_ERR_INVALID,
                       "target %zu: value is not a finite number", i + 1);
  }
  for (size_t i = 0; i < f->ntasks; i++) {
    const frame_task *t = &f->tasks[i];
    if (t->section != -1 && !index_ok(t->section, f->nsections))
      return cchc_fail(err, CCHC_ERR_INVALID,
                       "task %zu: section index %d out of range", i + 1,
                       t->section);
    if (t->deadline != -1 && !index_ok(t->deadline, f->ndeadlines))
      return cchc_fail(err, CCHC_ERR_INVALID,
                       "task %zu: deadline index %d out of range", i + 1,
                       t->deadline);
    if (t->target != -1 && !index_ok(t->target, f->ntargets))
      return cchc_fail(err, CCHC_ERR_INVALID,
                       "task %zu: target index %d out of range", i + 1,
                       t->target);
    if ((t->nlead && !t->lead) || (t->ncoordinators && !t->coordinators))
      return cchc_fail(err, CCHC_ERR_INVALID, "task %zu: missing unit list",
                       i + 1);
  }
  for (size_t i = 0; i < f->nreferences; i++)
    if (f->references[i].nmentions && !f->references[i].mentions)
      return cchc_fail(err, CCHC_ERR_INVALID,
                       "reference %zu: missing mention list", i + 1);
  for (size_t i = 0; i < f->ninconsistencies; i++) {
    const frame_inconsistency *c = &f->inconsistencies[i];
    if (!index_ok(c->first, f->ntargets) || !index_ok(c->second, f->ntargets))
      return cchc_fail(err, CCHC_ERR_INVALID,
                       "inconsistency %zu: target index out of range", i + 1);
  }
  return CCHC_OK;
}

/* ------------------------------------------------------------------ */
/* The walk                                                            */

/* A string not met yet in this walk (seen: its slot): its length, and
 * the clean scan.  Not inlined in str, whose way for a string met again
 * then keeps nothing across its call. */
static __attribute__((noinline)) void str_new(walker *w, emit_name name,
                                              const char *s,
                                              seen_string *seen) {
  size_t len = 0;
  bool escape_free = false;
  const char *raw = s;
  size_t n = strlen(s);
  s = clean(w, s, n, &len, &escape_free);
  if (s == raw) /* (a cleaned copy is no string of the frame) */
    *seen = (seen_string){raw, n, escape_free};
  if (s)
    w->ops->string(w->ctx, name, s, len, escape_free);
  else
    w->ops->null(w->ctx, name);
}

static void str(walker *w, emit_name name, const char *s) {
  if (!s) {
    w->ops->null(w->ctx, name);
    return;
  }
  uintptr_t a = (uintptr_t)s;
  seen_string *seen = &w->seen[(a ^ a >> 9) % SEEN_SLOTS];
  if (seen->s == s)
    w->ops->string(w->ctx, name, s, seen->len, seen->escape_free);
  else
    str_new(w, name, s, seen);
}

static void span(walker *w, emit_name name, frame_span s) {
  w->ops->span(w->ctx, name, s);
}

static void integer(walker *w, emit_name name, long long v) {
  w->ops->integer(w->ctx, name, v);
}

static void begin(walker *w, emit_name name) {
  w->ops->begin_object(w->ctx, name);
}

static void end(walker *w) { w->ops->end_object(w->ctx); }

static void begin_array(walker *w, emit_name name, emit_name item) {
  w->ops->begin_array(w->ctx, name, item);
}

static void end_array(walker *w) { w->ops->end_array(w->ctx); }

/* The id of item `i` of an array, or null when i is -1. */
static void ref(walker *w, emit_name name, const char *id) {
  str(w, name, id);
}

static void walk_source(walker *w) {
  const cchc_frame *f = w->f;
  begin(w, NAME_source);
  str(w, NAME_path, f->path);
  str(w, NAME_sha256, f->sha256[0] ? f->sha256 : NULL);
  integer(w, NAME_bytes, (long long)f->bytes);
  str(w, NAME_encoding, f->encoding);
  integer(w, NAME_repairs, (long long)f->repairs);
  end(w);
}

static void walk_document(walker *w) {
  const frame_document *d = &w->f->document;
  begin(w, NAME_document);
  str(w, NAME_kind, d->kind.value);
  str(w, NAME_level, d->level.value);
  str(w, NAME_place, d->place.value);
  str(w, NAME_province, d->province.value);
  if (d->year.value)
    integer(w, NAME_year, strtoll(d->year.value, NULL, 10));
  else
    w->ops->null(w->ctx, NAME_year);
  begin(w, NAME_period);
  str(w, NAME_start, d->period_start.value);
  str(w, NAME_end, d->period_end.value);
  end(w);
  str(w, NAME_number, d->number.value);
  str(w, NAME_date, d->date.value);
  str(w, NAME_title, d->title.value);
  str(w, NAME_signer, d->signer.value);
  begin(w, NAME_parent);
  str(w, NAME_number, d->parent_number.value);
  str(w, NAME_date, d->parent_date.value);
  end(w);
  /* Where each known field was found: its span and rule. */
  const struct {
    emit_name name;
    const frame_field *field;
  } fields[] = {
      {NAME_kind, &d->kind},
      {NAME_level, &d->level},
      {NAME_place, &d->place},
      {NAME_province, &d->province},
      {NAME_year, &d->year},
      {NAME_period_start, &d->period_start},
      {NAME_period_end, &d->period_end},
      {NAME_number, &d->number},
      {NAME_date, &d->date},
      {NAME_title, &d->title},
      {NAME_signer, &d->signer},
      {NAME_parent_number, &d->parent_number},
      {NAME_parent_date, &d->parent_date},
  };
  begin(w, NAME_provenance);
  for (size_t i = 0; i < sizeof fields / sizeof *fields; i++) {
    if (!fields[i].field->value)
      continue;
    begin(w, fields[i].name);
    span(w, NAME_span, fields[i].field->span);
    str(w, NAME_rule, fields[i].field->rule);
    end(w);
  }
  end(w);
  end(w);
}

static void walk_references(walker *w) {
  const cchc_frame *f = w->f;
  begin_array(w, NAME_references, NAME_reference);
  for (size_t i = 0; i < f->nreferences; i++) {
    const frame_reference *r = &f->references[i];
    begin(w, NAME_reference);
    str(w, NAME_number, r->number);
    str(w, NAME_kind, r->kind);
    str(w, NAME_date, r->date);
    str(w, NAME_issuer, r->issuer);
    span(w, NAME_span, r->span);
    str(w, NAME_rule, r->rule);
    begin_array(w, NAME_mentions, NAME_mention);
    for (size_t k = 0; k < r->nmentions; k++)
      span(w, NAME_mention, r->mentions[k]);
    end_array(w);
    end(w);
  }
  end_array(w);
}

static const char *section_id(const cchc_frame *f, int i) {
  return i >= 0 ? f->sections[i].id : NULL;
}

static void walk_sections(walker *w) {
  const cchc_frame *f = w->f;
  begin_array(w, NAME_sections, NAME_section);
  for (size_t i = 0; i < f->nsections; i++) {
    const frame_section *s = &f->sections[i];
    begin(w, NAME_section);
    str(w, NAME_id, s->id);
    str(w, NAME_number, s->number);
    str(w, NAME_heading, s->heading);
    str(w, NAME_area, s->area);
    integer(w, NAME_level, s->level);
    ref(w, NAME_parent, section_id(f, s->parent));
    span(w, NAME_span, s->span);
    str(w, NAME_rule, s->rule);
    end(w);
  }
  end_array(w);
}

static void walk_targets(walker *w) {
  const cchc_frame *f = w->f;
  begin_array(w, NAME_targets, NAME_target);
  for (size_t i = 0; i < f->ntargets; i++) {
    const frame_target *t = &f->targets[i];
    begin(w, NAME_target);
    str(w, NAME_id, t->id);
    ref(w, NAME_section, section_id(f, t->section));
    str(w, NAME_area, t->area);
    str(w, NAME_indicator, t->indicator);
    str(w, NAME_subject, t->subject);
    str(w, NAME_text, t->text);
    str(w, NAME_comparator, t->comparator);
    w->ops->number(w->ctx, NAME_value, t->value);
    if (t->has_value_max)
      w->ops->number(w->ctx, NAME_value_max, t->value_max);
    else
      w->ops->null(w->ctx, NAME_value_max);
    str(w, NAME_unit, t->unit);
    span(w, NAME_span, t->span);
    str(w, NAME_rule, t->rule);
    end(w);
  }
  end_array(w);
}

static void walk_deadlines(walker *w) {
  const cchc_frame *f = w->f;
  begin_array(w, NAME_deadlines, NAME_deadline);
  for (size_t i = 0; i < f->ndeadlines; i++) {
    const frame_deadline *d = &f->deadlines[i];
    begin(w, NAME_deadline);
    str(w, NAME_id, d->id);
    str(w, NAME_text, d->text);
    str(w, NAME_kind, d->kind);
    str(w, NAME_start, d->start);
    str(w, NAME_end, d->end);
    str(w, NAME_recurrence, d->recurrence);
    w->ops->boolean(w->ctx, NAME_year_inferred, d->year_inferred);
    span(w, NAME_span, d->span);
    str(w, NAME_rule, d->rule);
    end(w);
  }
  end_array(w);
}

static void walk_unit(walker *w, emit_name name, const frame_unit *u) {
  begin(w, name);
  str(w, NAME_key, u->key);
  str(w, NAME_name, u->name);
  str(w, NAME_text, u->text);
  span(w, NAME_span, u->span);
  end(w);
}

static void walk_units(walker *w, emit_name name, const frame_unit *units,
                       size_t n) {
  begin_array(w, name, NAME_unit);
  for (size_t i = 0; i < n; i++)
    walk_unit(w, NAME_unit, &units[i]);
  end_array(w);
}

static void walk_tasks(walker *w) {
  const cchc_frame *f = w->f;
  begin_array(w, NAME_tasks, NAME_task);
  for (size_t i = 0; i < f->ntasks; i++) {
    const frame_task *t = &f->tasks[i];
    begin(w, NAME_task);
    str(w, NAME_id, t->id);
    ref(w, NAME_section, section_id(f, t->section));
    str(w, NAME_area, t->area);
    str(w, NAME_text, t->text);
    walk_units(w, NAME_lead, t->lead, t->nlead);
    str(w, NAME_lead_from, t->lead_from);
    walk_units(w, NAME_coordinators, t->coordinators, t->ncoordinators);
    ref(w, NAME_deadline, t->deadline >= 0 ? f->deadlines[t->deadline].id : NULL);
    str(w, NAME_products, t->products);
    str(w, NAME_budget, t->budget);
    ref(w, NAME_target, t->target >= 0 ? f->targets[t->target].id : NULL);
    span(w, NAME_span, t->span);
    str(w, NAME_rule, t->rule);
    end(w);
  }
  end_array(w);
}

static void walk_leads(walker *w) {
  const cchc_frame *f = w->f;
  begin_array(w, NAME_leads, NAME_lead);
  for (size_t i = 0; i < f->nleads; i++) {
    const frame_lead *l = &f->leads[i];
    begin(w, NAME_lead);
    str(w, NAME_area, l->area);
    walk_unit(w, NAME_unit, &l->unit);
    str(w, NAME_text, l->text);
    span(w, NAME_span, l->span);
    str(w, NAME_rule, l->rule);
    end(w);
  }
  end_array(w);
}

static void walk_inconsistencies(walker *w) {
  const cchc_frame *f = w->f;
  begin_array(w, NAME_inconsistencies, NAME_inconsistency);
  for (size_t i = 0; i < f->ninconsistencies; i++) {
    const frame_inconsistency *c = &f->inconsistencies[i];
    const frame_target *a = &f->targets[c->first], *b = &f->targets[c->second];
    begin(w, NAME_inconsistency);
    str(w, NAME_indicator, c->indicator);
    ref(w, NAME_first, a->id);
    ref(w, NAME_second, b->id);
    begin_array(w, NAME_spans, NAME_span);
    span(w, NAME_span, a->span);
    span(w, NAME_span, b->span);
    end_array(w);
    end(w);
  }
  end_array(w);
}

cchc_status emit_walk(const cchc_frame *f, const emit_ops *ops, void *ctx,
                      cchc_error *err) {
  if (!f)
    return cchc_fail(err, CCHC_ERR_INVALID, "no frame");
  cchc_status st = check(f, err);
  if (st != CCHC_OK)
    return st;
  walker walk = {.f = f, .ops = ops, .ctx = ctx}, *w = &walk;
  begin(w, NAME_frame);
  str(w, NAME_schema, EMIT_SCHEMA_ID);
  walk_source(w);
  walk_document(w);
  walk_references(w);
  walk_sections(w);
  walk_targets(w);
  walk_deadlines(w);
  walk_tasks(w);
  walk_leads(w);
  walk_inconsistencies(w);
  end(w);
  free(w->scratch);
  if (w->nomem)
    return cchc_fail(err, CCHC_ERR_NOMEM, "out of memory while emitting");
  return CCHC_OK;
}
