/* internal.h: helpers shared by the stages; not part of the public API. */
#ifndef CCHC_INTERNAL_H
#define CCHC_INTERNAL_H

#include "cchc.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <unicode/utf8.h>

#if defined(__GNUC__)
#define CCHC_PRINTF(a, b) __attribute__((format(printf, a, b)))
#define CCHC_INLINE inline __attribute__((always_inline))
#else
#define CCHC_PRINTF(a, b)
#define CCHC_INLINE inline
#endif

/* Fill *err (if non-NULL) and return `code`. */
cchc_status cchc_fail(cchc_error *err, cchc_status code, const char *fmt, ...)
    CCHC_PRINTF(3, 4);
/* Same, with a byte offset. */
cchc_status cchc_fail_at(cchc_error *err, cchc_status code, size_t offset,
                         const char *fmt, ...) CCHC_PRINTF(4, 5);
void cchc_error_clear(cchc_error *err);

/* A growing UTF-8 byte buffer that knows, for each byte, the offset in the
 * original input it came from.  Stages read one and write the next.
 *
 * The map is sparse: a run starts wherever the bytes stop following the
 * source one for one (an edit changed lengths), so text copied through
 * unchanged costs one run, not 4 bytes per byte.  Within a run, byte
 * `at + k` maps to `src + k` (seq) or to `src` (a character or separator
 * standing for more or fewer source bytes). */
typedef struct cchc_run {
  uint32_t at; /* first byte of the run */
  /* 8 bytes a run, as a long text has millions: a source offset is below
   * CCHC_SOURCE_LIMIT (cchc_decode refuses larger inputs). */
  unsigned src : 31;
  unsigned seq : 1;
} cchc_run;
#define CCHC_SOURCE_LIMIT ((size_t)1 << 31)

typedef struct cchc_mbuf {
  char *data;
  size_t len;
  size_t cap;
  cchc_run *runs; /* increasing `at`; runs[0].at == 0 once len > 0 */
  size_t nruns, runs_cap;
  bool failed; /* an allocation failed; later appends are no-ops */
  bool unmapped; /* keeps no map (CCHC_NORM_TEXT_ONLY): runs stay empty */
  /* Its map grows on huge pages (cchc_prefer_huge_pages): a rewrite's
   * out, but for the one that grows at the peak of a long text's memory
   * (layout's first pass, with its line array), where the huge page the
   * map ends in would be resident whole. */
  bool huge_map;
  /* The map of the text this one was rewritten from, given back for the
   * next rewrite to write its own into (rewrite_begin): each pass of a
   * long text writes a map of millions of runs, whose pages are then
   * faulted in once, not at every pass. */
  cchc_run *spare_runs;
  size_t spare_cap;
} cchc_mbuf;

/* The line breaks in s[0..n) plus one: the lines of a text, to size
 * arrays of them exactly (a long text has a million). */
size_t cchc_line_count(const char *s, size_t n);

/* The lines of a normalized text as layout left them: the offset of the
 * newline ending each line, then the text's length (the line after the
 * last newline), *n = cchc_line_count of the text; NULL (*n 0) when not
 * known (no layout, or one whose last pass read a copy). */
const uint32_t *cchc_text_line_ends(const cchc_text *t, size_t *n);

/* The code points of the UTF-8 s[0..n): its bytes that continue none
 * (16 at a time where there is SSE2). */
size_t cchc_utf8_count(const char *s, size_t n);

/* Length of the longest prefix of s[0..n) that folding white space
 * (blanks to one, none at either end) leaves as it is: no blank first,
 * last or after another, and no byte below ' ' (tabs, line breaks: the
 * caller folds those a byte at a time).  16 bytes a step with SSE2. */
size_t cchc_single_spaced(const char *s, size_t n);

void cchc_mbuf_init(cchc_mbuf *b);
void cchc_mbuf_free(cchc_mbuf *b);
/* Room for `extra` more bytes (and the NUL); false when out of memory or
 * past the 4 GB the map's 32-bit offsets can address. */
bool cchc_mbuf_reserve(cchc_mbuf *b, size_t extra);
/* Give back the room past len + 1 bytes (the NUL) and past the runs, and
 * the spare map: for a text built once and then only read. */
void cchc_mbuf_shrink_to_fit(cchc_mbuf *b);
/* Give back the room past len + 1 bytes: for a text that only gets
 * shorter from here on (and the end of the huge page it ends in). */
void cchc_mbuf_trim(cchc_mbuf *b);
/* Append n bytes that all map to `src`. */
void cchc_mbuf_put(cchc_mbuf *b, const char *s, size_t n, uint32_t src);
/* Append n bytes copied verbatim from source offset src: byte k maps to
 * src + k. */
void cchc_mbuf_put_seq(cchc_mbuf *b, const char *s, size_t n, uint32_t src);
/* Append bytes [from, from + n) of `in` with their map; `hint` as for
 * cchc_mbuf_src.  `in` may be the text `b` rewrites (from >= b->len). */
void cchc_mbuf_copy(cchc_mbuf *b, const cchc_mbuf *in, size_t from, size_t n,
                    size_t *hint);
/* Append one code point (UTF-8 encoded) mapped to `src`. */
void cchc_mbuf_putc(cchc_mbuf *b, uint32_t cp, uint32_t src);
/* Same, but for a character of two or more bytes the last byte maps to
 * `last`, the last source byte of the character, so that spans end exactly
 * where the source character ends.  A one-byte character maps to `src`. */
void cchc_mbuf_putc_span(cchc_mbuf *b, uint32_t cp, uint32_t src,
                         uint32_t last);
/* Source offset of the last byte (len > 0). */
uint32_t cchc_mbuf_last_src(const cchc_mbuf *b);
/* Drop the bytes from `len` on. */
void cchc_mbuf_truncate(cchc_mbuf *b, size_t len);
/* Drop the first n bytes (those a stage has consumed). */
void cchc_mbuf_drop_front(cchc_mbuf *b, size_t n);
/* Rewriting a text in place: `out` writes over the bytes of `text`, which
 * keeps its map, so that a stage that never writes past what it has read
 * reads on from `text`.  Then either `text` becomes `out`
 * (cchc_mbuf_rewrite_end) or, when `out` wrote back the very bytes it
 * read, `text` stays as it was (cchc_mbuf_rewrite_undo): one of the two
 * always follows.  `out` writes its map into text's spare one, and
 * rewrite_end keeps text's old map as the spare of the text rewritten. */
void cchc_mbuf_rewrite_begin(cchc_mbuf *out, cchc_mbuf *text);
void cchc_mbuf_rewrite_end(cchc_mbuf *text, cchc_mbuf *out);
void cchc_mbuf_rewrite_undo(cchc_mbuf *text, cchc_mbuf *out);
/* Make data NUL-terminated (not counted in len). */
bool cchc_mbuf_terminate(cchc_mbuf *b);
/* Source offset of byte i (< len).  `hint` (may be NULL) remembers the run
 * found, so that a walk in increasing order finds each in constant time. */
uint32_t cchc_mbuf_src(const cchc_mbuf *b, size_t i, size_t *hint);

/* Decode one UTF-8 code point at s[*i] (< n); advances *i.  Returns the
 * code point, or -1 for an ill-formed sequence (then *i advances by one).
 * Inline: every stage walks text with it. */
static CCHC_INLINE int32_t cchc_utf8_next(const char *s, size_t n, size_t *i) {
  /* ICU's U8_NEXT validates (overlongs, surrogates, truncation). */
  UChar32 c;
  int32_t pos = 0;
  size_t start = *i;
  int32_t len = (int32_t)((n - start) > 4 ? 4 : (n - start));
  U8_NEXT((const uint8_t *)s + start, pos, len, c);
  if (c < 0) {
    *i = start + 1;
    return -1;
  }
  *i = start + (size_t)pos;
  return c;
}

/* The same on text known to be well-formed (what decoding wrote): no
 * check but the length left. */
static CCHC_INLINE int32_t cchc_utf8_next_valid(const char *s, size_t n,
                                                 size_t *i) {
  if (n - *i < 4)
    return cchc_utf8_next(s, n, i);
  UChar32 c;
  size_t k = *i;
  U8_NEXT_UNSAFE((const uint8_t *)s, k, c);
  *i = k;
  return c;
}
/* Index of the lowest byte of `flags` with its high bit set (a byte-wise
 * test on 8 bytes read little-endian), 8 when none is. */
static inline size_t cchc_first_flagged(uint64_t flags) {
#if defined(__GNUC__)
  return flags ? (size_t)__builtin_ctzll(flags) / 8 : 8;
#else
  size_t n = 0;
  for (; n < 8 && !(flags & 0x80); n++)
    flags >>= 8;
  return n;
#endif
}

#if defined(__SSE2__)
/* One 16-byte block of a run of whole UTF-8 characters checked from its
 * masks (bit i for byte i): continuation bytes, leads of two and of three
 * bytes, and bytes taken alone; *need carries the continuation bytes a
 * character cut by the block before still owes.  False at the first byte
 * that breaks the run (*retry: just past it); otherwise *done moves to
 * the end of the block's last whole character. */
static inline bool cchc_utf8_block(uint32_t cont, uint32_t lead2,
                                   uint32_t lead3, uint32_t alone, size_t j,
                                   uint32_t *need, size_t *done,
                                   size_t *retry) {
  uint32_t owed = *need | lead2 << 1 | lead3 << 1 | lead3 << 2;
  uint32_t bad = (~(cont | lead2 | lead3 | alone) | (owed ^ cont)) & 0xFFFF;
  if (bad) {
    *retry = j + (size_t)__builtin_ctz(bad) + 1;
    return false;
  }
  *need = owed >> 16;
  /* a character cut by the block's end: the whole ones end at its lead */
  *done = *need ? j + 31 - (size_t)__builtin_clz((lead2 | lead3) & 0xFFFF)
                : j + 16;
  return true;
}
#endif

/* FNV-1a, for tables keyed by short strings: a hash taken a byte at a
 * time (from CCHC_HASH_START), or of s[0, n) at once. */
#define CCHC_HASH_START UINT64_C(1469598103934665603)
static inline uint64_t cchc_hash_step(uint64_t h, unsigned char c) {
  return (h ^ c) * UINT64_C(1099511628211);
}
static inline uint64_t cchc_hash_bytes(const void *s, size_t n) {
  uint64_t h = CCHC_HASH_START;
  for (size_t i = 0; i < n; i++)
    h = cchc_hash_step(h, ((const unsigned char *)s)[i]);
  return h;
}

/* SHA-256 taken in pieces (cchc_sha256_hex at once): of an input read
 * as it is decoded, whose pages are given back behind the decoder.
 * cchc_sha256_begin is NULL when out of memory; cchc_sha256_end frees the
 * state (also when `out` is NULL: the hash is not wanted). */
typedef struct cchc_sha256 cchc_sha256;
cchc_sha256 *cchc_sha256_begin(void);
bool cchc_sha256_add(cchc_sha256 *h, const char *data, size_t len);
cchc_status cchc_sha256_end(cchc_sha256 *h, char out[65], cchc_error *err);

/* Encode cp into out (4 bytes room); returns the length. */
size_t cchc_utf8_encode(uint32_t cp, char *out);

/* Length of the list marker that opens the block s[0..n), with the blanks
 * after it: a bullet ("- ", "+ ", "* "), a number ("1. " "1) " "1/ "
 * "1.1. " "1.1 "), a letter ("a) " "a. " "a/ " "A. "), one in parentheses
 * ("(1) " "(a) "), a Roman numeral ("II. " "II/ " "I - "), "Điều 3. ",
 * "Chương II "; 0 when it opens with none.
 * The one grammar of list markers: layout starts a block at each, and
 * extraction leaves them out of the text it quotes (normalize/layout.c). */
size_t cchc_list_marker(const char *s, size_t n);

/* Room for item n of an array of `size`-byte items holding *cap: the
 * array itself (unchanged while n < *cap), else the array grown to twice
 * (at least 16) items, *cap updated; NULL when out of memory, and then
 * `items` is still the caller's to free. */
void *cchc_grow(void *items, size_t *cap, size_t n, size_t size);
/* The same array of n items without the room past them, *cap updated:
 * moved by realloc, or as it was when realloc fails or there is no room
 * to give back. */
void *cchc_shrink(void *items, size_t *cap, size_t n, size_t size);

/* A hint that the n bytes at p, about to be written from one end to the
 * other, are better faulted in 2 MB at a time than 4 KB (a long input's
 * text, its map, its line array): in this VM a 4 KB fault costs about
 * 10 us, 25 times what the same bytes cost in huge pages.  Asked for the
 * pages the buffer lies on, so that a block of cchc_huge_size bytes is
 * huge pages from its first byte to its last; a buffer smaller than a
 * huge page (a short plan's) costs nothing, and what the buffer leaves
 * unwritten stays unfaulted but for the last huge page it reaches.  A
 * no-op where there is no MADV_HUGEPAGE. */
void cchc_prefer_huge_pages(void *p, size_t n);
/* n, or for n of a huge page or more the size past it whose block (from
 * malloc) fills whole huge pages: room that costs nothing untouched, and
 * without it the huge pages that the block's first and last bytes lie on
 * are not huge (the kernel aligns such a mapping only when it is whole
 * huge pages). */
size_t cchc_huge_size(size_t n);

/* Would a spreadsheet read this CSV cell as a formula?  It begins with
 * '=', '+', '-', '@', tab or carriage return and is not a plain number
 * ("-5", "98.5"). */
bool cchc_csv_is_formula(const char *cell, size_t len);
/* Append one CSV field, quoted by libcsv (csv_write), a formula cell
 * preceded by an apostrophe (the OWASP rule) so that it stays text. */
struct strbuf;
void cchc_csv_cell(struct strbuf *sb, const char *cell, size_t len);

/* libxml2's one-time set-up (xmlInitParser), run once per process
 * whichever thread comes first: libxml2 2.9 must be initialised before
 * two threads use it.  Every entry point that uses libxml2 calls it. */
void cchc_xml_init(void);

#endif
