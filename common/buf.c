/* buf.c: growing buffers.  cchc_mbuf keeps, for each byte, the offset in the
 * original input it came from, so every stage of normalize can keep the map
 * back to the source without composing maps afterwards. */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/utf8.h>

void *cchc_grow(void *items, size_t *cap, size_t n, size_t size) {
  if (n < *cap)
    return items;
  size_t ncap = *cap ? *cap * 2 : 16;
  if (ncap <= n)
    ncap = n + 1;
  void *p = realloc(items, ncap * size);
  if (p)
    *cap = ncap;
  return p;
}

void cchc_mbuf_init(cchc_mbuf *b) { memset(b, 0, sizeof *b); }

void cchc_mbuf_free(cchc_mbuf *b) {
  free(b->data);
  free(b->map);
  memset(b, 0, sizeof *b);
}

bool cchc_mbuf_reserve(cchc_mbuf *b, size_t extra) {
  if (b->failed)
    return false;
  if (extra > SIZE_MAX / 2 - b->len - 1) {
    b->failed = true;
    return false;
  }
  size_t need = b->len + extra + 1;
  if (need <= b->cap)
    return true;
  size_t cap = b->cap ? b->cap : 256;
  while (cap < need)
    cap *= 2;
  char *d = realloc(b->data, cap);
  if (!d) {
    b->failed = true;
    return false;
  }
  b->data = d;
  uint32_t *m = realloc(b->map, cap * sizeof *m);
  if (!m) {
    b->failed = true;
    return false;
  }
  b->map = m;
  b->cap = cap;
  return true;
}

void cchc_mbuf_put(cchc_mbuf *b, const char *s, size_t n, uint32_t src) {
  if (b->len + n + 1 > b->cap && !cchc_mbuf_reserve(b, n))
    return;
  memcpy(b->data + b->len, s, n);
  for (size_t i = 0; i < n; i++)
    b->map[b->len + i] = src;
  b->len += n;
}

void cchc_mbuf_put_seq(cchc_mbuf *b, const char *s, size_t n, uint32_t src) {
  if (b->len + n + 1 > b->cap && !cchc_mbuf_reserve(b, n))
    return;
  memcpy(b->data + b->len, s, n);
  uint32_t *m = b->map + b->len;
  for (size_t i = 0; i < n; i++)
    m[i] = src + (uint32_t)i;
  b->len += n;
}

void cchc_mbuf_copy(cchc_mbuf *b, const char *s, const uint32_t *map,
                    size_t n) {
  if (b->len + n + 1 > b->cap && !cchc_mbuf_reserve(b, n))
    return;
  memcpy(b->data + b->len, s, n);
  memcpy(b->map + b->len, map, n * sizeof *map);
  b->len += n;
}

void cchc_mbuf_putc(cchc_mbuf *b, uint32_t cp, uint32_t src) {
  char tmp[4];
  size_t n = cchc_utf8_encode(cp, tmp);
  cchc_mbuf_put(b, tmp, n, src);
}

void cchc_mbuf_putc_span(cchc_mbuf *b, uint32_t cp, uint32_t src,
                         uint32_t last) {
  char tmp[4];
  size_t n = cchc_utf8_encode(cp, tmp);
  cchc_mbuf_put(b, tmp, n, src);
  if (!b->failed && n > 1) /* a one-byte character keeps its start */
    b->map[b->len - 1] = last < src ? src : last;
}

bool cchc_mbuf_terminate(cchc_mbuf *b) {
  if (!cchc_mbuf_reserve(b, 0))
    return false;
  b->data[b->len] = '\0';
  return true;
}

int32_t cchc_utf8_next(const char *s, size_t n, size_t *i) {
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

size_t cchc_utf8_encode(uint32_t cp, char *out) {
  size_t n = 0;
  U8_APPEND_UNSAFE((uint8_t *)out, n, (UChar32)cp);
  return n;
}
