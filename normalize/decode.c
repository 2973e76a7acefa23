/* decode.c: input bytes -> UTF-8 text with a map to the original offsets.
 *
 * UTF-8 is validated 16 bytes at a time where its characters only ask for
 * their continuation bytes (pass_blocks), elsewhere with ICU's U8_NEXT;
 * UTF-16 and Windows-1258 go through
 * an ICU converter, whose offset array tells, for every UTF-16 unit, where in
 * the source it came from.  Windows-1258 stores tone marks as combining
 * characters; the canonical-characters stage recomposes them (NFC). */
#include "normalize.h"

#include <stdio.h>
#include <string.h>

#include <unicode/ucnv.h>
#include <unicode/ucnv_err.h>
#include <unicode/utf16.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif
/* (AVX2 beside SSE2 only: the plain C build, PORTABLE=1, has neither) */
#if defined(__SSE2__) && defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#endif

static const char *const enc_names[] = {
    [CCHC_ENC_AUTO] = "auto",         [CCHC_ENC_UTF8] = "utf-8",
    [CCHC_ENC_UTF16LE] = "utf-16le", [CCHC_ENC_UTF16BE] = "utf-16be",
    [CCHC_ENC_CP1258] = "windows-1258",
};

const char *cchc_encoding_name(cchc_encoding enc) {
  if ((unsigned)enc < sizeof enc_names / sizeof *enc_names)
    return enc_names[enc];
  return "unknown";
}

cchc_status cchc_encoding_parse(const char *name, cchc_encoding *enc) {
  static const struct {
    const char *name;
    cchc_encoding enc;
  } names[] = {
      {"auto", CCHC_ENC_AUTO},        {"utf-8", CCHC_ENC_UTF8},
      {"utf8", CCHC_ENC_UTF8},        {"utf-16le", CCHC_ENC_UTF16LE},
      {"utf16le", CCHC_ENC_UTF16LE},  {"utf-16be", CCHC_ENC_UTF16BE},
      {"utf16be", CCHC_ENC_UTF16BE},  {"windows-1258", CCHC_ENC_CP1258},
      {"cp1258", CCHC_ENC_CP1258},    {"win1258", CCHC_ENC_CP1258},
  };
  for (size_t i = 0; i < sizeof names / sizeof *names; i++)
    if (strcasecmp(name, names[i].name) == 0) {
      *enc = names[i].enc;
      return CCHC_OK;
    }
  return CCHC_ERR_UNSUPPORTED;
}

/* The per-code-point filter every decoder feeds. */
typedef struct sink {
  cchc_canon *canon; /* takes the text decoded */
  cchc_mbuf *out;    /* its input */
  uint8_t *starts;
  cchc_repair_log *log;
  bool prev_cr;
  bool saw_nul;
  bool guess;   /* decoding before any scan: stop at a NUL or a bad byte */
  bool stopped; /* it did */
  uint32_t nul_offset;
  size_t controls;
  size_t chars;
  const cchc_normalize_options *opt; /* its input_read, or NULL */
  size_t reported;                   /* the offset it was last given */
  /* in[held, held_end): characters that pass as they are, not yet given
   * to stage 2: read by it where they lie when it takes them before
   * anything else is fed (cchc_canon_fed_in_place), else copied to its
   * input (a plan's whole text, most often, is such a run: no copy) */
  const char *in;
  size_t held, held_end;
  size_t room;   /* what stage 2's input takes at its first byte */
  bool reserved; /* it did */
} sink;

/* Stage 2's input, about to be written: its room, at once (doubled as it
 * filled, it was copied over and over). */
static cchc_mbuf *sink_out(sink *k) {
  if (!k->reserved) {
    k->reserved = true;
    cchc_mbuf_reserve(k->out, k->room);
  }
  return k->out;
}

/* The run held, copied to stage 2's input. */
static void sink_flush(sink *k) {
  if (k->held_end > k->held)
    cchc_mbuf_put_seq(sink_out(k), k->in + k->held, k->held_end - k->held,
                      (uint32_t)k->held);
  k->held = k->held_end = 0;
}

/* in[i, j) passes as it is. */
static void sink_pass(sink *k, size_t i, size_t j) {
  if (k->held_end > k->held && k->held_end != i)
    sink_flush(k);
  if (k->held_end == k->held)
    k->held = i;
  k->held_end = j;
}

/* Stage 2 takes what is fed to it when a batch waits (cchc_canon_fed): the
 * run held, in place when it waits alone. */
static void sink_fed(sink *k) {
  size_t n = k->held_end - k->held;
  if (n && !k->out->len && n >= CCHC_CANON_BATCH) {
    sink_out(k); /* (what the step leaves goes there) */
    cchc_canon_fed_in_place(k->canon, k->in + k->held, n, (uint32_t)k->held,
                            false);
    k->held = k->held_end = 0;
    return;
  }
  if (n && k->out->len + n >= CCHC_CANON_BATCH)
    sink_flush(k);
  cchc_canon_fed(k->canon);
}

/* The input is decoded: the run held goes to stage 2, which is to take
 * it all (its final step) before the input may go. */
static void sink_done(sink *k) {
  size_t n = k->held_end - k->held;
  if (n && !k->out->len) {
    cchc_canon_fed_in_place(k->canon, k->in + k->held, n, (uint32_t)k->held,
                            true);
    k->held = k->held_end = 0;
  }
  sink_flush(k);
}

/* Tell input_read that the input before `upto` has been read: every MB or
 * so, as its owner gives back pages (a call per block of text would cost
 * a system call each). */
static void sink_read(sink *k, size_t upto) {
  enum { STEP = 1 << 20 };
  if (k->opt && k->opt->input_read && upto - k->reported >= STEP) {
    sink_flush(k); /* (its pages may go) */
    k->opt->input_read(k->opt->input_read_arg, upto);
    k->reported = upto;
  }
}

static void mark_start(sink *k, uint32_t src) {
  if (k->starts)
    k->starts[src >> 3] |= (uint8_t)(1u << (src & 7));
}

/* Byte-parallel tests on 8 bytes at a time (a 64-bit word). */
static const uint64_t ONES = 0x0101010101010101u, HIGH = 0x8080808080808080u;

static uint64_t load8(const unsigned char *p) {
  uint64_t x;
  memcpy(&x, p, sizeof x);
  return x;
}

/* Is a byte of x below n (n <= 128)?  (Nonzero when one is.) */
static uint64_t has_less(uint64_t x, unsigned n) {
  return (x - ONES * n) & ~x & HIGH;
}

/* How many of the 8 bytes at p, from the first, are printable ASCII (0x20
 * to 0x7E)?  (The lowest byte has_less flags is exact.) */
static size_t printable8(const unsigned char *p) {
  uint64_t x = load8(p);
  return cchc_first_flagged((x & HIGH) | has_less(x, 0x20) |
                            has_less(x ^ (ONES * 0x7F), 1));
}

/* Mark the characters of the valid UTF-8 in[i, j) (bytes that are no
 * continuation byte), 8 at a time where the bitmap has a whole byte. */
static void mark_starts(sink *k, const unsigned char *in, size_t i, size_t j) {
  size_t q = i;
  for (; q < j && (q & 7); q++)
    if ((in[q] & 0xC0) != 0x80)
      mark_start(k, (uint32_t)q);
#if defined(__SSE2__)
  /* 16 bytes a step: their 16 bits at once (byte b to bit b) */
  const __m128i c80 = _mm_set1_epi8(-64); /* below: 0x80..0xBF (signed) */
  for (; q + 16 <= j; q += 16) {
    unsigned starts = ~(unsigned)_mm_movemask_epi8(_mm_cmplt_epi8(
        _mm_loadu_si128((const __m128i *)(const void *)(in + q)), c80));
    k->starts[q >> 3] |= (uint8_t)starts;
    k->starts[(q >> 3) + 1] |= (uint8_t)(starts >> 8);
  }
#endif
  for (; q + 8 <= j; q += 8) {
    uint64_t x = load8(in + q);
    uint64_t starts = ~(x & ~(x << 1)) & HIGH; /* not 10xxxxxx */
    /* gather the 8 high bits, byte b to bit b */
    k->starts[q >> 3] |= (uint8_t)(((starts >> 7) * 0x0102040810204080u) >> 56);
  }
  for (; q < j; q++)
    if ((in[q] & 0xC0) != 0x80)
      mark_start(k, (uint32_t)q);
}

#if defined(__SSE2__)
/* Blocks of 16 bytes that pass through unchanged, validated at once with
 * SSE2 (every x86-64 has it): each byte is printable ASCII, a tab, a LF, a
 * continuation byte, or the lead of a character whose only check is its
 * continuation bytes (C3..DF, E1..EC, EE, EF: the letters of Vietnamese,
 * its punctuation); the continuation bytes are where those leads ask,
 * also across blocks.  Returns the end of the last whole character of the
 * blocks from u[j] (up to lim) that passed; *retry: where a block that
 * failed has its first byte of another kind, which U8_NEXT looks at in
 * the loop below, char by char, before blocks are tried again.  Each
 * block that passes has its characters marked in `starts` (when not
 * NULL) as it is read: the run needs no second walk for them. */
/* The masks pass_blocks asks of 16 bytes (bit i for byte i). */
typedef struct block_masks {
  uint32_t cont, lead2, lead3, ascii;
} block_masks;

static CCHC_INLINE block_masks utf8_masks(__m128i x) {
  const __m128i c80 = _mm_set1_epi8(-64), cc2 = _mm_set1_epi8(-62),
                ce0 = _mm_set1_epi8(-32), ced = _mm_set1_epi8(-19),
                cf0 = _mm_set1_epi8(-16), c1f = _mm_set1_epi8(0x1F),
                c7f = _mm_set1_epi8(0x7F), tab = _mm_set1_epi8('\t'),
                lf = _mm_set1_epi8('\n');
  block_masks m;
  /* (compared as signed bytes: 0x80..0xFF are negative) */
  m.cont = (uint32_t)_mm_movemask_epi8(_mm_cmplt_epi8(x, c80));
  m.lead2 = (uint32_t)_mm_movemask_epi8(
      _mm_and_si128(_mm_cmpgt_epi8(x, cc2), _mm_cmplt_epi8(x, ce0)));
  m.lead3 = (uint32_t)_mm_movemask_epi8(_mm_andnot_si128(
      _mm_cmpeq_epi8(x, ced),
      _mm_and_si128(_mm_cmpgt_epi8(x, ce0), _mm_cmplt_epi8(x, cf0))));
  m.ascii = (uint32_t)_mm_movemask_epi8(_mm_or_si128(
      _mm_and_si128(_mm_cmpgt_epi8(x, c1f), _mm_cmplt_epi8(x, c7f)),
      _mm_or_si128(_mm_cmpeq_epi8(x, tab), _mm_cmpeq_epi8(x, lf))));
  return m;
}

/* Mark in `starts` the characters of the 16 bytes from j that passed
 * (cont: their continuation bytes): their 16 bits from bit j, in the 3
 * bytes from j / 8 on (the bitmap has len / 8 + 8 bytes at least; a step
 * of 32, utf8_step, reads and writes 8 bytes from j / 8 on). */
static CCHC_INLINE void mark_block(uint8_t *starts, size_t j, uint32_t cont) {
  uint32_t w;
  memcpy(&w, starts + (j >> 3), sizeof w);
  w |= (~cont & 0xFFFFu) << (j & 7);
  memcpy(starts + (j >> 3), &w, sizeof w);
}

/* The step of two blocks of pass_blocks at u[j], their masks joined (bit
 * i for byte j + i): cchc_utf8_block's checks on 32 bits, the bits owed
 * past them in bits 32 and 33; false, *retry set, when it fails. */
static CCHC_INLINE bool utf8_step(block_masks m, size_t j, uint32_t *need,
                                  size_t *done, size_t *retry,
                                  uint8_t *starts) {
  uint64_t owed = *need | (uint64_t)m.lead2 << 1 | (uint64_t)m.lead3 << 1 |
                  (uint64_t)m.lead3 << 2;
  uint32_t bad = ~(m.cont | m.lead2 | m.lead3 | m.ascii) |
                 ((uint32_t)owed ^ m.cont);
  if (bad) {
    *retry = j + (size_t)__builtin_ctz(bad) + 1;
    return false;
  }
  *need = (uint32_t)(owed >> 32);
  /* a character cut by the step's end: the whole ones end at its lead */
  *done = *need ? j + 31 - (size_t)__builtin_clz(m.lead2 | m.lead3) : j + 32;
  if (starts) { /* the 32 bits at once, in the 5 bytes from j / 8 on */
    uint64_t w;
    memcpy(&w, starts + (j >> 3), sizeof w);
    w |= (uint64_t)~m.cont << (j & 7);
    memcpy(starts + (j >> 3), &w, sizeof w);
  }
  return true;
}

/* The blocks of 16 bytes from j when fewer than 32 are left (a step that
 * fails returns the end of the step before: decode_utf8 reads a block of
 * it that passed again, a character at a time, and marks its starts). */
static CCHC_INLINE size_t pass_last_blocks(const unsigned char *u, size_t j,
                                           size_t lim, uint32_t need,
                                           size_t done, size_t *retry,
                                           uint8_t *starts) {
  for (; j + 16 <= lim; j += 16) {
    block_masks m = utf8_masks(
        _mm_loadu_si128((const __m128i *)(const void *)(u + j)));
    if (!cchc_utf8_block(m.cont, m.lead2, m.lead3, m.ascii, j, &need, &done,
                         retry))
      return done;
    if (starts)
      mark_block(starts, j, m.cont);
  }
  *retry = j + 1; /* too near lim for a block */
  return done;
}

#if defined(__SSE2__) && defined(__x86_64__) && defined(__GNUC__)
#define PASS_AVX2 1
/* utf8_masks of 32 bytes at once, where the processor has AVX2. */
__attribute__((target("avx2"))) static CCHC_INLINE block_masks
utf8_masks32(__m256i x) {
  const __m256i c80 = _mm256_set1_epi8(-64), cc2 = _mm256_set1_epi8(-62),
                ce0 = _mm256_set1_epi8(-32), ced = _mm256_set1_epi8(-19),
                cf0 = _mm256_set1_epi8(-16), c1f = _mm256_set1_epi8(0x1F),
                c7f = _mm256_set1_epi8(0x7F), tab = _mm256_set1_epi8('\t'),
                lf = _mm256_set1_epi8('\n');
  block_masks m;
  /* (compared as signed bytes: 0x80..0xFF are negative) */
  m.cont = (uint32_t)_mm256_movemask_epi8(_mm256_cmpgt_epi8(c80, x));
  m.lead2 = (uint32_t)_mm256_movemask_epi8(
      _mm256_and_si256(_mm256_cmpgt_epi8(x, cc2), _mm256_cmpgt_epi8(ce0, x)));
  m.lead3 = (uint32_t)_mm256_movemask_epi8(_mm256_andnot_si256(
      _mm256_cmpeq_epi8(x, ced),
      _mm256_and_si256(_mm256_cmpgt_epi8(x, ce0), _mm256_cmpgt_epi8(cf0, x))));
  m.ascii = (uint32_t)_mm256_movemask_epi8(_mm256_or_si256(
      _mm256_and_si256(_mm256_cmpgt_epi8(x, c1f), _mm256_cmpgt_epi8(c7f, x)),
      _mm256_or_si256(_mm256_cmpeq_epi8(x, tab), _mm256_cmpeq_epi8(x, lf))));
  return m;
}

/* pass_blocks with each step's 32 bytes read at once (AVX2). */
__attribute__((target("avx2"))) static size_t
pass_blocks_avx2(const unsigned char *u, size_t j, size_t lim, size_t *retry,
                 uint8_t *starts) {
  uint32_t need = 0;
  size_t done = j;
  for (; j + 32 <= lim; j += 32)
    if (!utf8_step(utf8_masks32(_mm256_loadu_si256(
                       (const __m256i *)(const void *)(u + j))),
                   j, &need, &done, retry, starts))
      return done;
  return pass_last_blocks(u, j, lim, need, done, retry, starts);
}
#endif

static size_t pass_blocks(const unsigned char *u, size_t j, size_t lim,
                          size_t *retry, uint8_t *starts) {
#if defined(PASS_AVX2)
  if (!canon_avx2_off && __builtin_cpu_supports("avx2"))
    return pass_blocks_avx2(u, j, lim, retry, starts);
#endif
  uint32_t need = 0; /* continuation bytes owed by the last block, as bits */
  size_t done = j;   /* end of the last whole character */
  /* Two blocks a step, their masks joined (utf8_step). */
  for (; j + 32 <= lim; j += 32) {
    block_masks a = utf8_masks(
        _mm_loadu_si128((const __m128i *)(const void *)(u + j)));
    block_masks b = utf8_masks(
        _mm_loadu_si128((const __m128i *)(const void *)(u + j + 16)));
    block_masks m = {a.cont | b.cont << 16, a.lead2 | b.lead2 << 16,
                     a.lead3 | b.lead3 << 16, a.ascii | b.ascii << 16};
    if (!utf8_step(m, j, &need, &done, retry, starts))
      return done;
  }
  return pass_last_blocks(u, j, lim, need, done, retry, starts);
}
#endif

static void sink_put(sink *k, int32_t cp, uint32_t src, uint32_t last) {
  sink_flush(k); /* (what precedes it) */
  k->chars++;
  mark_start(k, src);
  if (cp == '\n') {
    if (k->prev_cr) { /* second half of CR LF */
      k->prev_cr = false;
      return;
    }
    cchc_mbuf_put(sink_out(k), "\n", 1, src);
    return;
  }
  k->prev_cr = false;
  if (cp == '\r') {
    k->prev_cr = true;
    cchc_mbuf_put(sink_out(k), "\n", 1, src);
    return;
  }
  if (cp == '\f') { /* page break from PDF extraction */
    cchc_mbuf_put(sink_out(k), "\n", 1, src);
    return;
  }
  if (cp == 0) {
    if (!k->saw_nul)
      k->nul_offset = src;
    k->saw_nul = true;
    return;
  }
  if ((cp < 0x20 && cp != '\t') || cp == 0x7F || (cp >= 0x80 && cp < 0xA0)) {
    k->controls++;
    cchc_log_repair(k->log, CCHC_REPAIR_CONTROL, src,
                    "control character U+%04X removed", (unsigned)cp);
    return;
  }
  if (cp < 0x80) {
    char c = (char)cp;
    cchc_mbuf_put(sink_out(k), &c, 1, src);
    return;
  }
  cchc_mbuf_putc_span(sink_out(k), (uint32_t)cp, src, last);
}

/* Scan bytes that carry no BOM: NULs, valid multi-byte sequences, the first
 * invalid one. */
typedef struct scan {
  size_t nuls, even_nuls, odd_nuls;
  size_t first_nul;
  size_t valid_multibyte;
  size_t invalid;
  size_t first_invalid;
  bool first_invalid_truncated;
} scan;

static void scan_bytes(const char *in, size_t len, scan *s) {
  const unsigned char *u = (const unsigned char *)in;
  memset(s, 0, sizeof *s);
  s->first_nul = s->first_invalid = SIZE_MAX;
  size_t i = 0;
  while (i < len) {
    /* ASCII without NUL, 8 bytes at a time */
    while (i + 8 <= len && ((load8(u + i) & HIGH) | has_less(load8(u + i), 1)) == 0)
      i += 8;
    if (i >= len)
      break;
    unsigned char c = u[i];
    if (c < 0x80) {
      if (c == 0) {
        if (s->first_nul == SIZE_MAX)
          s->first_nul = i;
        s->nuls++;
        if (i % 2)
          s->odd_nuls++;
        else
          s->even_nuls++;
      }
      i++;
      continue;
    }
    size_t q = i;
    if (cchc_utf8_next(in, len, &q) >= 0) {
      s->valid_multibyte++;
      i = q;
      continue;
    }
    if (s->first_invalid == SIZE_MAX) {
      s->first_invalid = i;
      /* A lead byte whose sequence runs past the end: truncated input. */
      size_t need = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 ? 2 : 0;
      bool ok_prefix = need && i + need > len;
      for (size_t k = i + 1; ok_prefix && k < len; k++)
        if ((u[k] & 0xC0) != 0x80)
          ok_prefix = false;
      s->first_invalid_truncated = ok_prefix;
    }
    s->invalid++;
    /* One ill-formed sequence counts once: skip its continuation bytes. */
    i++;
    while (i < len && (u[i] & 0xC0) == 0x80)
      i++;
  }
}

static cchc_status decode_utf8(const char *in, size_t len, size_t skip,
                               bool repair, sink *k, cchc_error *err) {
  const unsigned char *u = (const unsigned char *)in;
  size_t i = skip;
  size_t retry = i; /* (pass_blocks) */
  (void)retry;
  while (i < len) {
    sink_fed(k);
    sink_read(k, i);
    /* Fast path: a run of bytes that pass through unchanged (printable
     * ASCII, LF, TAB, valid multi-byte characters other than C1 controls),
     * at most RUN at a time so that the next stage takes them in turn. */
    enum { RUN = CCHC_DECODE_RUN };
    size_t j = i, lim = len - i > RUN ? i + RUN : len;
    if (j < lim && u[j] == '\n' && k->prev_cr)
      lim = j; /* the LF of a CR LF goes to sink_put */
    size_t unmarked = i; /* the run's characters are marked up to here */
    while (j < lim) {
#if defined(__SSE2__)
      if (j >= retry) {
        if (k->starts && unmarked < j)
          mark_starts(k, u, unmarked, j);
        j = pass_blocks(u, j, lim, &retry, k->starts);
        /* (its blocks are marked up to j or past it: past, only the
         * start of a character a block cut, marked again below) */
        unmarked = j;
        if (j >= lim)
          break;
      }
#endif
      if (j + 8 <= lim) {
        size_t n = printable8(u + j);
        j += n;
        if (n == 8)
          continue;
      }
      unsigned char c = u[j];
      if ((c >= 0x20 && c < 0x7F) || c == '\t' || c == '\n') {
        j++;
        continue;
      }
      /* Two- and three-byte characters (most of Vietnamese) checked here,
       * the rest by U8_NEXT: a C1 control (U+0080 to U+009F) is no
       * character to pass. */
      if (c >= 0xC2 && c <= 0xDF && len - j >= 2 &&
          (u[j + 1] & 0xC0) == 0x80 && (c > 0xC2 || u[j + 1] >= 0xA0)) {
        j += 2;
        continue;
      }
      if (c >= 0xE0 && c <= 0xEF && len - j >= 3 &&
          U8_IS_VALID_LEAD3_AND_T1(c, u[j + 1]) && (u[j + 2] & 0xC0) == 0x80) {
        j += 3;
        continue;
      }
      size_t q = j;
      if (c >= 0xF0 && cchc_utf8_next(in, len, &q) >= 0xA0) {
        j = q;
        continue;
      }
      break;
    }
    if (j > i) {
      k->prev_cr = false;
      if (k->starts && unmarked < j)
        mark_starts(k, u, unmarked, j);
      sink_pass(k, i, j);
      k->chars += j - i;
      i = j;
      continue;
    }
    unsigned char c = u[i];
    if (c == 0 && k->guess) {
      k->stopped = true;
      return CCHC_OK;
    }
    if (c < 0x80) {
      sink_put(k, c, (uint32_t)i, (uint32_t)i);
      i++;
      continue;
    }
    size_t at = i;
    int32_t cp = cchc_utf8_next(in, len, &i);
    if (cp >= 0) {
      sink_put(k, cp, (uint32_t)at, (uint32_t)(i - 1));
      continue;
    }
    if (k->guess) {
      k->stopped = true;
      return CCHC_OK;
    }
    if (!repair)
      return cchc_fail_at(err, CCHC_ERR_ENCODING, at,
                          "invalid UTF-8 byte 0x%02X at offset %zu "
                          "(use --repair to replace bad bytes)",
                          c, at);
    cchc_log_repair(k->log, CCHC_REPAIR_INVALID_BYTES, (uint32_t)at,
                    "invalid byte 0x%02X replaced by U+FFFD", c);
    sink_put(k, 0xFFFD, (uint32_t)at, (uint32_t)at);
  }
  return CCHC_OK;
}

static cchc_status decode_icu(const char *in, size_t len, size_t skip,
                              const char *icu_name, uint32_t unit, bool repair,
                              sink *k, cchc_error *err) {
  UErrorCode st = U_ZERO_ERROR;
  UConverter *cnv = ucnv_open(icu_name, &st);
  if (U_FAILURE(st))
    return cchc_fail(err, CCHC_ERR_INTERNAL, "ICU cannot open converter %s: %s",
                     icu_name, u_errorName(st));
  st = U_ZERO_ERROR;
  ucnv_setToUCallBack(cnv, UCNV_TO_U_CALLBACK_STOP, NULL, NULL, NULL, &st);

  enum { N = 8192 };
  UChar ubuf[N];
  int32_t offs[N];
  const char *src = in + skip;
  const char *end = in + len;
  UChar lead = 0; /* a lead surrogate waiting for its trail */
  uint32_t lead_src = 0;
  uint32_t last_src = (uint32_t)skip;
  cchc_status rc = CCHC_OK;

  for (;;) {
    const char *chunk = src;
    UChar *t = ubuf;
    st = U_ZERO_ERROR;
    ucnv_toUnicode(cnv, &t, ubuf + N, &src, end, offs, 1, &st);
    size_t base = (size_t)(chunk - in);
    for (int32_t j = 0; j < (int32_t)(t - ubuf); j++) {
      uint32_t at = offs[j] >= 0 ? (uint32_t)(base + (size_t)offs[j]) : last_src;
      last_src = at;
      UChar u = ubuf[j];
      if (lead) {
        if (U16_IS_TRAIL(u)) {
          sink_put(k, U16_GET_SUPPLEMENTARY(lead, u), lead_src,
                   lead_src + 2 * unit - 1);
          lead = 0;
          continue;
        }
        sink_put(k, 0xFFFD, lead_src, lead_src + unit - 1);
        lead = 0;
      }
      if (U16_IS_LEAD(u)) {
        lead = u;
        lead_src = at;
      } else if (U16_IS_TRAIL(u)) {
        sink_put(k, 0xFFFD, at, at + unit - 1);
      } else {
        sink_put(k, u, at, at + unit - 1);
      }
    }
    cchc_canon_fed(k->canon);
    sink_read(k, (size_t)(src - in));
    if (st == U_BUFFER_OVERFLOW_ERROR)
      continue;
    if (U_FAILURE(st)) {
      char bad[32];
      int8_t badlen = (int8_t)sizeof bad;
      UErrorCode st2 = U_ZERO_ERROR;
      ucnv_getInvalidChars(cnv, bad, &badlen, &st2);
      if (U_FAILURE(st2))
        badlen = 1;
      size_t at = (size_t)(src - in) - (size_t)badlen;
      bool truncated = st == U_TRUNCATED_CHAR_FOUND;
      if (!repair) {
        rc = cchc_fail_at(err, CCHC_ERR_ENCODING, at,
                          truncated ? "truncated %s sequence at end of input "
                                      "(offset %zu)"
                                    : "invalid %s sequence at offset %zu "
                                      "(use --repair to replace bad bytes)",
                          icu_name, at);
        goto cleanup;
      }
      cchc_log_repair(k->log, CCHC_REPAIR_INVALID_BYTES, (uint32_t)at,
                      "invalid %s sequence replaced by U+FFFD", icu_name);
      sink_put(k, 0xFFFD, (uint32_t)at, (uint32_t)at);
      if (src < end)
        continue;
    }
    if (src >= end)
      break;
  }
  if (lead)
    sink_put(k, 0xFFFD, lead_src, lead_src + unit - 1);

cleanup:
  ucnv_close(cnv);
  return rc;
}

cchc_status cchc_decode(const char *in, size_t len,
                        const cchc_normalize_options *opt, cchc_canon *out,
                        uint8_t *starts, cchc_encoding *enc_out,
                        cchc_repair_log *log, cchc_error *err) {
  size_t max = opt && opt->max_bytes ? opt->max_bytes : CCHC_DEFAULT_MAX_BYTES;
  if (max > CCHC_SOURCE_LIMIT - 2) /* (source offsets and the length) */
    max = CCHC_SOURCE_LIMIT - 2;
  if (len > max)
    return cchc_fail(err, CCHC_ERR_TOO_LARGE,
                     "input is %zu bytes, more than the limit of %zu bytes",
                     len, max);
  bool repair = opt && (opt->flags & CCHC_NORM_REPAIR);
  cchc_encoding enc = opt ? opt->encoding : CCHC_ENC_AUTO;
  const unsigned char *u = (const unsigned char *)in;
  size_t skip = 0;

  /* A BOM decides, whatever was asked, unless it contradicts the request. */
  cchc_encoding bom = CCHC_ENC_AUTO;
  if (len >= 3 && u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF) {
    bom = CCHC_ENC_UTF8;
    skip = 3;
  } else if (len >= 2 && u[0] == 0xFF && u[1] == 0xFE) {
    bom = CCHC_ENC_UTF16LE;
    skip = 2;
  } else if (len >= 2 && u[0] == 0xFE && u[1] == 0xFF) {
    bom = CCHC_ENC_UTF16BE;
    skip = 2;
  }
  if (bom != CCHC_ENC_AUTO) {
    if (enc != CCHC_ENC_AUTO && enc != bom)
      return cchc_fail_at(err, CCHC_ERR_ENCODING, 0,
                          "input starts with a %s byte-order mark but %s "
                          "was requested",
                          cchc_encoding_name(bom), cchc_encoding_name(enc));
    enc = bom;
    cchc_log_repair(log, CCHC_REPAIR_BOM, 0, "%s byte-order mark removed",
                    cchc_encoding_name(bom));
  }

  /* The room stage 2's input will take (a batch and a run of the
   * decoder at most) */
  size_t most = CCHC_CANON_BATCH + CCHC_DECODE_RUN,
         room = len - skip < most ? len - skip : most;
  sink k = {.canon = out, .out = cchc_canon_input(out), .starts = starts,
            .log = log, .opt = opt, .in = in, .room = room};
  if (skip)
    mark_start(&k, 0); /* the BOM is a character of its own */
  cchc_status rc;
  if (enc == CCHC_ENC_AUTO || enc == CCHC_ENC_UTF8) {
    /* Most input is UTF-8 without a NUL or an ill-formed byte: decode it
     * straight away.  At the first NUL or ill-formed byte, start again
     * with a scan of it all, which tells what they mean. */
    size_t logged = log->len, details = log->details_len,
           counts[CCHC_REPAIR_KIND_COUNT];
    bool log_failed = log->failed;
    memcpy(counts, log->counts, sizeof counts);
    k.guess = true;
    rc = decode_utf8(in, len, skip, repair, &k, err);
    if (!k.stopped) {
      enc = CCHC_ENC_UTF8;
      goto decoded;
    }
    log->len = logged;
    log->details_len = details;
    log->failed = log_failed;
    memcpy(log->counts, counts, sizeof counts);
    if (starts)
      memset(starts, 0, len / 8 + 1);
    cchc_canon_reset(out);
    k = (sink){.canon = out, .out = cchc_canon_input(out), .starts = starts,
               .log = log, .opt = opt, .in = in, .room = room};
    if (opt && opt->input_read) /* what follows reads from the start */
      opt->input_read(opt->input_read_arg, 0);
    if (skip)
      mark_start(&k, 0);

    scan s;
    scan_bytes(in + skip, len - skip, &s);
    if (s.nuls) {
      size_t pairs = (len - skip) / 2;
      bool odd = s.odd_nuls * 10 >= pairs * 3 && s.even_nuls * 20 < pairs;
      bool even = s.even_nuls * 10 >= pairs * 3 && s.odd_nuls * 20 < pairs;
      if (enc == CCHC_ENC_AUTO && pairs >= 2 && (odd || even))
        return cchc_fail_at(
            err, CCHC_ERR_ENCODING, 0,
            "input looks like UTF-16%s without a byte-order mark; add a BOM "
            "or pass --encoding utf-16%s",
            odd ? "LE" : "BE", odd ? "le" : "be");
      return cchc_fail_at(err, CCHC_ERR_BINARY, skip + s.first_nul,
                          "binary input: NUL byte at offset %zu",
                          skip + s.first_nul);
    }
    if (enc == CCHC_ENC_AUTO)
      enc = (s.invalid == 0 || s.valid_multibyte >= s.invalid ||
             (s.invalid == 1 && s.first_invalid_truncated &&
              s.valid_multibyte > 0))
                ? CCHC_ENC_UTF8
                : CCHC_ENC_CP1258;
    if (enc == CCHC_ENC_UTF8 && s.invalid && !repair) {
      size_t at = skip + s.first_invalid;
      if (s.first_invalid_truncated)
        return cchc_fail_at(err, CCHC_ERR_ENCODING, at,
                            "truncated UTF-8 sequence at end of input "
                            "(offset %zu; use --repair to replace it)",
                            at);
      return cchc_fail_at(err, CCHC_ERR_ENCODING, at,
                          "invalid UTF-8 byte 0x%02X at offset %zu "
                          "(use --repair to replace bad bytes)",
                          u[at], at);
    }
  }

  switch (enc) {
  case CCHC_ENC_UTF8:
    rc = decode_utf8(in, len, skip, repair, &k, err);
    break;
  case CCHC_ENC_UTF16LE:
    rc = decode_icu(in, len, skip, "UTF-16LE", 2, repair, &k, err);
    break;
  case CCHC_ENC_UTF16BE:
    rc = decode_icu(in, len, skip, "UTF-16BE", 2, repair, &k, err);
    break;
  case CCHC_ENC_CP1258:
    rc = decode_icu(in, len, skip, "windows-1258", 1, repair, &k, err);
    break;
  default:
    return cchc_fail(err, CCHC_ERR_UNSUPPORTED, "unsupported encoding");
  }
decoded:
  if (rc != CCHC_OK)
    return rc;
  if (k.out->failed)
    return cchc_fail(err, CCHC_ERR_NOMEM, "out of memory while decoding");
  if (k.saw_nul)
    return cchc_fail_at(err, CCHC_ERR_BINARY, k.nul_offset,
                        "binary input: NUL character at offset %u",
                        (unsigned)k.nul_offset);
  if (k.controls > 16 && k.controls * 100 > k.chars)
    return cchc_fail(err, CCHC_ERR_BINARY,
                     "binary input: %zu control characters in %zu", k.controls,
                     k.chars);
  sink_done(&k);
  *enc_out = enc;
  return CCHC_OK;
}
