/* strbuf.c: the growable string of strbuf.h. */
#include "strbuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char strbuf_slopbuf[1];

void strbuf_init(strbuf *sb) {
  sb->buf = strbuf_slopbuf;
  sb->len = 0;
  sb->alloc = 0;
  sb->failed = false;
}

void strbuf_release(strbuf *sb) {
  if (sb->alloc)
    free(sb->buf);
  strbuf_init(sb);
}

char *strbuf_detach(strbuf *sb, size_t *len) {
  char *res = NULL;
  size_t n = sb->len;
  if (!sb->failed)
    res = sb->alloc ? sb->buf : calloc(1, 1);
  else if (sb->alloc)
    free(sb->buf);
  strbuf_init(sb);
  if (res && len)
    *len = n;
  return res;
}

bool strbuf_grow(strbuf *sb, size_t extra) {
  if (sb->failed)
    return false;
  if (extra >= SIZE_MAX / 2 - sb->len) {
    sb->failed = true;
    return false;
  }
  size_t need = sb->len + extra + 1;
  if (need <= sb->alloc)
    return true;
  size_t alloc = sb->alloc ? sb->alloc : 64;
  while (alloc < need)
    alloc *= 2;
  char *p = realloc(sb->alloc ? sb->buf : NULL, alloc);
  if (!p) {
    sb->failed = true;
    return false;
  }
  if (!sb->alloc)
    p[0] = '\0';
  sb->buf = p;
  sb->alloc = alloc;
  return true;
}

void strbuf_reset(strbuf *sb) {
  sb->len = 0;
  if (sb->alloc)
    sb->buf[0] = '\0';
}

void strbuf_add(strbuf *sb, const void *data, size_t len) {
  if (!strbuf_grow(sb, len))
    return;
  memcpy(sb->buf + sb->len, data, len);
  sb->len += len;
  sb->buf[sb->len] = '\0';
}

void strbuf_addstr(strbuf *sb, const char *s) { strbuf_add(sb, s, strlen(s)); }

void strbuf_addch(strbuf *sb, char c) { strbuf_add(sb, &c, 1); }

void strbuf_addchars(strbuf *sb, char c, size_t n) {
  if (!strbuf_grow(sb, n))
    return;
  memset(sb->buf + sb->len, c, n);
  sb->len += n;
  sb->buf[sb->len] = '\0';
}

void strbuf_vaddf(strbuf *sb, const char *fmt, va_list ap) {
  va_list cp;
  va_copy(cp, ap);
  int n = vsnprintf(NULL, 0, fmt, cp);
  va_end(cp);
  if (n < 0) {
    sb->failed = true;
    return;
  }
  if (!strbuf_grow(sb, (size_t)n))
    return;
  vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, ap);
  sb->len += (size_t)n;
}

void strbuf_addf(strbuf *sb, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  strbuf_vaddf(sb, fmt, ap);
  va_end(ap);
}

const char cchc_digit_pairs[201] = "00010203040506070809"
                                  "10111213141516171819"
                                  "20212223242526272829"
                                  "30313233343536373839"
                                  "40414243444546474849"
                                  "50515253545556575859"
                                  "60616263646566676869"
                                  "70717273747576777879"
                                  "80818283848586878889"
                                  "90919293949596979899";

/* Written from the last digit back, two at a time: a document prints
 * tens of thousands of integers (every span's two offsets). */
size_t cchc_integer_text(long long v, char buf[CCHC_INTEGER_MAX]) {
  char digits[CCHC_INTEGER_MAX];
  unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v
                               : (unsigned long long)v;
  char *p = digits + sizeof digits;
  while (u >= 100) {
    unsigned k = (unsigned)(u % 100) * 2;
    u /= 100;
    *--p = cchc_digit_pairs[k + 1];
    *--p = cchc_digit_pairs[k];
  }
  if (u >= 10) {
    *--p = cchc_digit_pairs[u * 2 + 1];
    *--p = cchc_digit_pairs[u * 2];
  } else {
    *--p = (char)('0' + u);
  }
  size_t len = 0, n = (size_t)(digits + sizeof digits - p);
  if (v < 0)
    buf[len++] = '-';
  memcpy(buf + len, p, n);
  return len + n;
}
