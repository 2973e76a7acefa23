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
    cchc_mbuf_copy(out, in->data + from, in->map + from, to - from);
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
        uint32_t src = in->map[from];
        for (int32_t k = 0; k < outlen;) {
          UChar32 oc;
          U16_NEXT(sout, k, outlen, oc);
          cchc_mbuf_putc_span(out, (uint32_t)oc, src,
                              k >= outlen ? in->map[to - 1] : src);
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

typedef struct wchar {
  int32_t cp;
  uint32_t src, last;
} wchar;

enum { WORD_MAX = 48 };

typedef struct tone_ctx {
  const UNormalizer2 *nfc, *nfd;
  wchar word[WORD_MAX];
  int n;
  bool overflow; /* word longer than WORD_MAX: emitted as is */
} tone_ctx;

static bool is_vowel_base(UChar32 c) {
  return c && strchr("aeiouyAEIOUY", (int)c) && c < 0x80;
}

/* First character of the full decomposition of c (its base letter). */
static UChar32 base_of(const UNormalizer2 *nfd, UChar32 c, UChar *dec,
                       int32_t *declen) {
  UErrorCode st = U_ZERO_ERROR;
  int32_t n = unorm2_getDecomposition(nfd, c, dec, 8, &st);
  if (U_FAILURE(st) || n <= 0) {
    *declen = 0;
    return c;
  }
  *declen = n;
  UChar32 b;
  int32_t i = 0;
  U16_NEXT(dec, i, n, b);
  return b;
}

static bool is_tone_mark(UChar c) {
  return c == 0x0300 || c == 0x0301 || c == 0x0303 || c == 0x0309 ||
         c == 0x0323;
}

static void fix_tone(tone_ctx *t, cchc_repair_log *log) {
  int n = t->n;
  if (n < 2)
    return;
  UChar32 c1 = t->word[n - 2].cp, c2 = t->word[n - 1].cp;
  UChar32 l1 = c1 | 0x20;
  if (c1 >= 0x80 || (l1 != 'o' && l1 != 'u'))
    return;
  UChar dec[8];
  int32_t declen;
  UChar32 b2 = base_of(t->nfd, c2, dec, &declen);
  if (declen != 2 || !is_tone_mark(dec[1]))
    return;
  UChar32 lb2 = b2 | 0x20;
  if (b2 >= 0x80)
    return;
  if (!((l1 == 'o' && (lb2 == 'a' || lb2 == 'e')) || (l1 == 'u' && lb2 == 'y')))
    return;
  if (n >= 3) {
    UChar d[8];
    int32_t dl;
    UChar32 prev = base_of(t->nfd, t->word[n - 3].cp, d, &dl);
    if (is_vowel_base(prev))
      return; /* "oa" is not the whole vowel nucleus */
    if (l1 == 'u' && (prev | 0x20) == 'q')
      return; /* "quý": the u belongs to qu- */
  }
  UChar32 c1new = unorm2_composePair(t->nfc, c1, dec[1]);
  if (c1new < 0)
    return;
  char before[WORD_MAX * 4 + 1], after[WORD_MAX * 4 + 1];
  size_t bl = 0, al = 0;
  for (int i = 0; i < n; i++)
    bl += cchc_utf8_encode((uint32_t)t->word[i].cp, before + bl);
  before[bl] = '\0';
  t->word[n - 2].cp = c1new;
  t->word[n - 1].cp = b2;
  for (int i = 0; i < n; i++)
    al += cchc_utf8_encode((uint32_t)t->word[i].cp, after + al);
  after[al] = '\0';
  cchc_log_repair(log, CCHC_REPAIR_TONE_MARK, t->word[n - 2].src, "%s -> %s",
                  before, after);
}

static void flush_word(tone_ctx *t, cchc_mbuf *out, cchc_repair_log *log) {
  if (!t->overflow)
    fix_tone(t, log);
  for (int i = 0; i < t->n; i++)
    cchc_mbuf_putc_span(out, (uint32_t)t->word[i].cp, t->word[i].src,
                        t->word[i].last);
  t->n = 0;
  t->overflow = false;
}

static bool is_word_char(int32_t cp) {
  if (cp < 0x80)
    return (cp | 0x20) >= 'a' && (cp | 0x20) <= 'z';
  return u_isalpha(cp) || u_charType(cp) == U_NON_SPACING_MARK;
}

static cchc_status map_pass(const cchc_mbuf *in, cchc_mbuf *out,
                            cchc_repair_log *log, cchc_error *err) {
  UErrorCode st = U_ZERO_ERROR;
  tone_ctx t = {0};
  t.nfc = unorm2_getNFCInstance(&st);
  t.nfd = unorm2_getNFDInstance(&st);
  if (U_FAILURE(st))
    return cchc_fail(err, CCHC_ERR_INTERNAL, "ICU normalizer unavailable: %s",
                     u_errorName(st));
  size_t i = 0;
  while (i < in->len) {
    size_t at = i;
    int32_t cp;
    unsigned char b = (unsigned char)in->data[i];
    if (b < 0x80) {
      cp = b;
      i++;
    } else {
      cp = cchc_utf8_next(in->data, in->len, &i);
      if (cp < 0)
        cp = 0xFFFD;
    }
    uint32_t src = in->map[at], last = in->map[i - 1];
    cchc_repair_kind kind = CCHC_REPAIR_KIND_COUNT;
    int32_t m = map_char(cp, &kind);
    if (kind != CCHC_REPAIR_KIND_COUNT) {
      if (m < 0)
        cchc_log_repair(log, kind, src, "U+%04X removed", (unsigned)cp);
      else
        cchc_log_repair(log, kind, src, "U+%04X -> U+%04X", (unsigned)cp,
                        (unsigned)m);
    }
    if (m < 0)
      continue;
    if (is_word_char(m)) {
      if (t.n == WORD_MAX) { /* too long for a syllable: pass through */
        t.overflow = true;
        for (int k = 0; k < t.n; k++)
          cchc_mbuf_putc_span(out, (uint32_t)t.word[k].cp, t.word[k].src,
                              t.word[k].last);
        t.n = 0;
      }
      t.word[t.n].cp = m;
      t.word[t.n].src = src;
      t.word[t.n].last = last;
      t.n++;
      continue;
    }
    flush_word(&t, out, log);
    if (m < 0x80 && m == cp) {
      char c = (char)m;
      cchc_mbuf_put(out, &c, 1, src);
    } else {
      cchc_mbuf_putc_span(out, (uint32_t)m, src, last);
    }
  }
  flush_word(&t, out, log);
  return CCHC_OK;
}

cchc_status cchc_canon_chars(const cchc_mbuf *in, cchc_mbuf *out,
                             cchc_repair_log *log, cchc_error *err) {
  cchc_mbuf mid;
  cchc_mbuf_init(&mid);
  cchc_status rc = nfc_pass(in, &mid, log, err);
  if (rc == CCHC_OK && mid.failed)
    rc = cchc_fail(err, CCHC_ERR_NOMEM, "out of memory in NFC");
  if (rc == CCHC_OK)
    rc = map_pass(&mid, out, log, err);
  if (rc == CCHC_OK && out->failed)
    rc = cchc_fail(err, CCHC_ERR_NOMEM, "out of memory");
  cchc_mbuf_free(&mid);
  return rc;
}
