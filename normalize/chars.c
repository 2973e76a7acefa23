/* chars.c: canonical characters.
 *
 * 1. NFC with ICU.  Most text is NFC already; unorm2_spanQuickCheckYes finds
 *    the normalized prefix, and only the segments after it (between two
 *    normalization boundaries) are renormalized, so the offset map stays
 *    exact outside the repaired segments.
 * 2. One pass that maps look-alike letters, odd spaces, dashes, quotation
 *    marks and bullet glyphs, and moves tone marks of the syllables oa, oe,
 *    uy to the first vowel ("hoá" -> "hóa", "thuỷ" -> "thủy"), the
 *    convention of the corpus.  Tone marks are split and joined with ICU's
 *    decomposition data, not with hand tables. */
#include "normalize.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>
#include <unicode/utf16.h>
#include <unicode/utf8.h>

enum { CHUNK = 16384 };

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

static cchc_status nfc_pass(const cchc_mbuf *in, cchc_mbuf *out,
                            cchc_repair_log *log, cchc_error *err) {
  UErrorCode st = U_ZERO_ERROR;
  const UNormalizer2 *nfc = unorm2_getNFCInstance(&st);
  if (U_FAILURE(st))
    return cchc_fail(err, CCHC_ERR_INTERNAL, "ICU NFC unavailable: %s",
                     u_errorName(st));
  UChar *u = malloc((CHUNK + 1) * sizeof *u);
  int32_t *at8 = malloc((CHUNK + 2) * sizeof *at8); /* UTF-16 -> UTF-8 index */
  UChar seg_in[64], seg_out[256];
  cchc_status rc = CCHC_OK;
  if (!u || !at8) {
    rc = cchc_fail(err, CCHC_ERR_NOMEM, "out of memory in NFC");
    goto cleanup;
  }

  cchc_mbuf_reserve(out, in->len + in->len / 64);
  size_t start = 0;
  while (start < in->len) {
    size_t end = chunk_end(in, start);
    /* ASCII-only chunks are NFC. */
    bool ascii = true;
    for (size_t p = start; p < end && ascii; p++)
      ascii = (unsigned char)in->data[p] < 0x80;
    if (ascii) {
      copy_span(out, in, start, end);
      start = end;
      continue;
    }
    /* Most chunks are NFC already: ask ICU on the whole chunk first. */
    {
      int32_t ulen = 0;
      st = U_ZERO_ERROR;
      u_strFromUTF8(u, CHUNK + 1, &ulen, in->data + start, (int32_t)(end - start),
                    &st);
      if (U_SUCCESS(st)) {
        st = U_ZERO_ERROR;
        int32_t yes = unorm2_spanQuickCheckYes(nfc, u, ulen, &st);
        if (U_SUCCESS(st) && yes == ulen) {
          copy_span(out, in, start, end);
          start = end;
          continue;
        }
      }
    }
    /* UTF-8 -> UTF-16, remembering where each unit came from. */
    int32_t n16 = 0;
    size_t p = start;
    while (p < end) {
      UChar32 c;
      int32_t i = 0;
      int32_t avail = (int32_t)(end - p > 4 ? 4 : end - p);
      U8_NEXT((const uint8_t *)in->data + p, i, avail, c);
      if (c < 0)
        c = 0xFFFD; /* decode made valid UTF-8; defensive only */
      at8[n16] = (int32_t)(p - start);
      if (U_IS_BMP(c)) {
        u[n16++] = (UChar)c;
      } else {
        u[n16++] = U16_LEAD(c);
        at8[n16] = (int32_t)(p - start);
        u[n16++] = U16_TRAIL(c);
      }
      p += (size_t)i;
    }
    at8[n16] = (int32_t)(end - start);

    int32_t pos = 0;
    while (pos < n16) {
      st = U_ZERO_ERROR;
      int32_t yes = pos + unorm2_spanQuickCheckYes(nfc, u + pos, n16 - pos, &st);
      if (U_FAILURE(st)) {
        rc = cchc_fail(err, CCHC_ERR_INTERNAL, "ICU NFC check failed: %s",
                       u_errorName(st));
        goto cleanup;
      }
      copy_span(out, in, start + (size_t)at8[pos], start + (size_t)at8[yes]);
      if (yes >= n16)
        break;
      /* The segment: from `yes` to the next normalization boundary. */
      int32_t segend = yes;
      UChar32 c;
      U16_NEXT(u, segend, n16, c);
      while (segend < n16) {
        int32_t q = segend;
        U16_NEXT(u, q, n16, c);
        if (unorm2_hasBoundaryBefore(nfc, c))
          break;
        segend = q;
      }
      int32_t seglen = segend - yes;
      UChar *sin = seglen <= (int32_t)(sizeof seg_in / sizeof *seg_in)
                       ? seg_in
                       : NULL;
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
          rc = cchc_fail(err, CCHC_ERR_NOMEM, "out of memory in NFC");
          goto cleanup;
        }
        st = U_ZERO_ERROR;
        outlen = unorm2_normalize(nfc, sin, seglen, big_out, outlen + 1, &st);
        sout = big_out;
      }
      if (U_FAILURE(st)) {
        free(big_out);
        rc = cchc_fail(err, CCHC_ERR_INTERNAL, "ICU NFC failed: %s",
                       u_errorName(st));
        goto cleanup;
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
        cchc_log_repair(log, CCHC_REPAIR_NFC, src, "recomposed to NFC");
      }
      free(big_out);
      pos = segend;
    }
    start = end;
  }
cleanup:
  free(u);
  free(at8);
  return rc;
}

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

/* The tail of the current word in the output: the last three characters
 * (code point and byte offset in `out`), enough for the tone-mark rule. */
typedef struct tail {
  int32_t cp[3];
  size_t at[3];
  int n; /* characters in the current word */
} tail;

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

/* At the end of a word: move the tone mark of a final "oa", "oe", "uy" to
 * its first vowel ("hoá" -> "hóa"), rewriting the end of `out`. */
static void fix_tone(const UNormalizer2 *nfc, const UNormalizer2 *nfd, tail *t,
                     cchc_mbuf *out, size_t word_start, cchc_repair_log *log) {
  if (t->n < 2 || t->cp[2] < 0x80 || out->failed)
    return;
  UChar32 c1 = t->cp[1], c2 = t->cp[2];
  UChar32 l1 = c1 | 0x20;
  if (c1 >= 0x80 || (l1 != 'o' && l1 != 'u'))
    return;
  UChar dec[8];
  if (decompose(nfd, c2, dec) != 2 || !is_tone_mark(dec[1]) || dec[0] >= 0x80)
    return;
  UChar32 b2 = dec[0], lb2 = b2 | 0x20;
  if (!((l1 == 'o' && (lb2 == 'a' || lb2 == 'e')) || (l1 == 'u' && lb2 == 'y')))
    return;
  if (t->n >= 3) {
    UChar32 prev = t->cp[0];
    UChar d[8];
    if (prev >= 0x80 && decompose(nfd, prev, d) > 0)
      prev = d[0];
    if (is_vowel_base(prev))
      return; /* "oa" is not the whole vowel nucleus */
    if (l1 == 'u' && (prev | 0x20) == 'q')
      return; /* "quý": the u belongs to qu- */
  }
  UChar32 c1new = unorm2_composePair(nfc, c1, dec[1]);
  if (c1new < 0)
    return;
  char before[64];
  size_t wl = out->len - word_start < 40 ? out->len - word_start : 40;
  memcpy(before, out->data + word_start, wl);
  before[wl] = '\0';
  size_t at1 = t->at[1];
  uint32_t src1 = cchc_mbuf_src(out, at1, NULL);
  uint32_t last1 = cchc_mbuf_src(out, t->at[2] - 1, NULL);
  uint32_t src2 = cchc_mbuf_src(out, t->at[2], NULL);
  uint32_t last2 = cchc_mbuf_src(out, out->len - 1, NULL);
  cchc_mbuf_truncate(out, at1); /* drop c1 c2, append the fixed pair */
  cchc_mbuf_putc_span(out, (uint32_t)c1new, src1, last1);
  cchc_mbuf_putc_span(out, (uint32_t)b2, src2, last2);
  char after[64];
  wl = out->len - word_start < 40 ? out->len - word_start : 40;
  memcpy(after, out->data + word_start, wl);
  after[wl] = '\0';
  cchc_log_repair(log, CCHC_REPAIR_TONE_MARK, src1, "%s -> %s", before, after);
}

static bool is_word_char(int32_t cp) {
  if (cp < 0x80)
    return (cp | 0x20) >= 'a' && (cp | 0x20) <= 'z';
  return u_isalpha(cp) || u_charType(cp) == U_NON_SPACING_MARK;
}

static cchc_status map_pass(const cchc_mbuf *in, cchc_mbuf *out,
                            cchc_repair_log *log, cchc_error *err) {
  UErrorCode st = U_ZERO_ERROR;
  const UNormalizer2 *nfc = unorm2_getNFCInstance(&st);
  const UNormalizer2 *nfd = unorm2_getNFDInstance(&st);
  if (U_FAILURE(st))
    return cchc_fail(err, CCHC_ERR_INTERNAL, "ICU normalizer unavailable: %s",
                     u_errorName(st));
  tail t = {{0}, {0}, 0};
  size_t word_start = 0;
  cchc_mbuf_reserve(out, in->len + in->len / 64);
  size_t i = 0, hint = 0;
  while (i < in->len) {
    size_t at = i;
    unsigned char b = (unsigned char)in->data[i];
    int32_t cp;
    if (b < 0x80) {
      cp = b;
      i++;
    } else {
      cp = cchc_utf8_next(in->data, in->len, &i);
      if (cp < 0)
        cp = 0xFFFD;
    }
    int32_t m = cp;
    if (b >= 0x80 || b == '\t') {
      cchc_repair_kind kind = CCHC_REPAIR_KIND_COUNT;
      m = map_char(cp, &kind);
      if (kind != CCHC_REPAIR_KIND_COUNT) {
        if (m < 0)
          cchc_log_repair(log, kind, cchc_mbuf_src(in, at, &hint),
                          "U+%04X removed", (unsigned)cp);
        else
          cchc_log_repair(log, kind, cchc_mbuf_src(in, at, &hint),
                          "U+%04X -> U+%04X",
                          (unsigned)cp, (unsigned)m);
      }
      if (m < 0)
        continue;
    }
    bool word = is_word_char(m);
    if (!word && t.n) {
      fix_tone(nfc, nfd, &t, out, word_start, log);
      t.n = 0;
    }
    if (word) {
      if (t.n == 0)
        word_start = out->len;
      t.cp[0] = t.cp[1], t.cp[1] = t.cp[2], t.cp[2] = m;
      t.at[0] = t.at[1], t.at[1] = t.at[2], t.at[2] = out->len;
      t.n++;
    }
    if (m == cp)
      cchc_mbuf_copy(out, in, at, i - at, &hint);
    else
      cchc_mbuf_putc_span(out, (uint32_t)m, cchc_mbuf_src(in, at, &hint),
                          cchc_mbuf_src(in, i - 1, &hint));
  }
  if (t.n)
    fix_tone(nfc, nfd, &t, out, word_start, log);
  return CCHC_OK;
}

cchc_status cchc_canon_chars(cchc_mbuf *in, cchc_mbuf *out,
                             cchc_repair_log *log, cchc_error *err) {
  cchc_mbuf mid;
  cchc_mbuf_init(&mid);
  cchc_status rc = nfc_pass(in, &mid, log, err);
  cchc_mbuf_free(in); /* consumed: keep the peak memory down */
  if (rc == CCHC_OK && mid.failed)
    rc = cchc_fail(err, CCHC_ERR_NOMEM, "out of memory in NFC");
  if (rc == CCHC_OK)
    rc = map_pass(&mid, out, log, err);
  if (rc == CCHC_OK && out->failed)
    rc = cchc_fail(err, CCHC_ERR_NOMEM, "out of memory");
  cchc_mbuf_free(&mid);
  return rc;
}
