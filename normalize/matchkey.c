/* matchkey.c: diacritic-, case- and punctuation-insensitive keys made with
 * utf8proc, so that "Văn hoá – Xã hội", "VĂN HÓA - XÃ HỘI" and
 * "van hoa - xa hoi" compare equal.
 *
 * utf8proc maps every character on its own (decomposition, case folding,
 * marks stripped, lumping) and reorders only combining marks, which no
 * ASCII character is; so the key is made run by run: each run of
 * non-ASCII characters from the keys kept of its characters (key_run_kept),
 * else by utf8proc in one call that decomposes it once into a reused
 * buffer, and each ASCII byte by what utf8proc makes of it
 * with these options (ascii_key; test_normalize compares the two on every
 * ASCII byte and on mixed text). */
#include "../common/internal.h"
#include "../common/strbuf.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

static const utf8proc_option_t KEY_OPTIONS =
    UTF8PROC_COMPAT | UTF8PROC_DECOMPOSE | UTF8PROC_STRIPMARK |
    UTF8PROC_CASEFOLD | UTF8PROC_LUMP | UTF8PROC_IGNORE | UTF8PROC_STRIPCC;

/* đ/Đ have no decomposition (the stroke is part of the letter), so
 * STRIPMARK keeps them; Vietnamese keys fold them to d. */
static utf8proc_int32_t fold_d(utf8proc_int32_t c, void *data) {
  (void)data;
  if (c == 0x0110 || c == 0x0111 || c == 0x00D0 || c == 0x00F0)
    return 'd';
  return c;
}

/* utf8proc's key of an ASCII byte: case folded; a tab, line break,
 * vertical tab or form feed a space (STRIPCC); other control characters
 * dropped (-1); the rest as it is. */
static int ascii_key(unsigned char c) {
  if (c >= 'A' && c <= 'Z')
    return c - 'A' + 'a';
  if (c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r')
    return ' ';
  if (c < 0x20 || c == 0x7F)
    return -1;
  return c;
}

/* Code points decomposed at once without an allocation. */
enum { RUN_ON_STACK = 256 };

/* The key of the non-ASCII run s[0..len) appended to `out` through
 * utf8proc, in *heap (*heap_cap code points, grown as needed) when the
 * stack buffer is too small; 0 or a utf8proc error. */
static utf8proc_ssize_t key_run(const char *s, size_t len, strbuf *out,
                                utf8proc_int32_t **heap, size_t *heap_cap) {
  /* utf8proc_reencode writes 4 bytes per code point and a NUL: one code
   * point more than the decomposition holds */
  utf8proc_int32_t local[RUN_ON_STACK + 1];
  utf8proc_int32_t *buf = *heap_cap ? *heap : local;
  size_t cap = *heap_cap ? *heap_cap : RUN_ON_STACK;
  for (;;) {
    utf8proc_ssize_t n = utf8proc_decompose_custom(
        (const utf8proc_uint8_t *)s, (utf8proc_ssize_t)len, buf,
        (utf8proc_ssize_t)cap, KEY_OPTIONS, fold_d, NULL);
    if (n < 0)
      return n;
    if ((size_t)n <= cap) {
      n = utf8proc_reencode(buf, n, KEY_OPTIONS); /* UTF-8, in place */
      if (n < 0)
        return n;
      strbuf_add(out, buf, (size_t)n);
      return 0;
    }
    utf8proc_int32_t *p = realloc(*heap, ((size_t)n + 1) * sizeof *p);
    if (!p)
      return UTF8PROC_ERROR_NOMEM;
    *heap = buf = p;
    *heap_cap = cap = (size_t)n;
  }
}

/* What key_run makes of each character below U+3000 alone (Vietnamese
 * letters, Latin, Greek, Cyrillic, punctuation), kept at its first use:
 * the bytes of its key, when they are few and none of its characters
 * combines (a combining class: utf8proc reorders those across the
 * characters of a run, so a run holding one is keyed whole).  A run of
 * kept characters keys as their keys one after the other.  An entry is
 * written once, with the same value by whichever thread comes first:
 * KEPT_STATE bits, then the length, then the bytes. */
enum { KEPT_BELOW = 0x3000, KEPT_BYTES = 6 };
enum { KEPT_UNKNOWN, KEPT_YES, KEPT_NO, KEPT_STATE = 0xFF };
static _Atomic uint64_t kept[KEPT_BELOW];

static uint64_t keep_char(uint32_t cp) {
  char one[4];
  size_t n1 = cchc_utf8_encode(cp, one);
  utf8proc_int32_t buf[KEPT_BYTES + 1]; /* see key_run */
  utf8proc_ssize_t n = utf8proc_decompose_custom(
      (const utf8proc_uint8_t *)one, (utf8proc_ssize_t)n1, buf, KEPT_BYTES,
      KEY_OPTIONS, fold_d, NULL);
  bool ok = n >= 0 && n <= KEPT_BYTES;
  for (utf8proc_ssize_t k = 0; ok && k < n; k++)
    ok = utf8proc_get_property(buf[k])->combining_class == 0;
  if (ok)
    n = utf8proc_reencode(buf, n, KEY_OPTIONS);
  uint64_t e = KEPT_NO;
  if (ok && n >= 0 && n <= KEPT_BYTES) {
    const unsigned char *b = (const unsigned char *)buf;
    e = KEPT_YES | (uint64_t)n << 8;
    for (utf8proc_ssize_t k = 0; k < n; k++)
      e |= (uint64_t)b[k] << (16 + 8 * k);
  }
  atomic_store_explicit(&kept[cp], e, memory_order_relaxed);
  return e;
}

/* The character below U+3000 at s[0..n) (n > 0, a lead byte), well
 * formed: its length, its code point in *cp; 0 for any other. */
static size_t kept_char_at(const unsigned char *s, size_t n, uint32_t *cp) {
  if (s[0] >= 0xC2 && s[0] <= 0xDF && n >= 2 && (s[1] & 0xC0) == 0x80) {
    *cp = (uint32_t)(s[0] & 0x1F) << 6 | (s[1] & 0x3F);
    return 2;
  }
  if (s[0] >= 0xE0 && s[0] <= 0xE2 && n >= 3 && (s[1] & 0xC0) == 0x80 &&
      (s[2] & 0xC0) == 0x80 && (s[0] != 0xE0 || s[1] >= 0xA0)) {
    *cp = (uint32_t)(s[0] & 0x0F) << 12 | (uint32_t)(s[1] & 0x3F) << 6 |
          (s[2] & 0x3F);
    return 3;
  }
  return 0;
}

/* The key as it is written: white space collapsed and trimmed as it
 * comes (keys ignore layout), straight into the buffer, which has room
 * for what is written (key_room). */
typedef struct key_out {
  strbuf *sb; /* its len: what is written */
  bool space; /* a blank waits for the next byte that is none */
} key_out;

/* A byte of the key at out[*o] (room made), a blank waiting in *space:
 * what key_put does, on a position the caller holds in locals (through
 * the strbuf, every byte stored was taken to change its length and
 * buffer, which were loaded again for the next). */
static CCHC_INLINE void key_put_at(char *out, size_t *o, bool *space,
                                   char ch) {
  if (ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r') {
    *space = *o > 0;
    return;
  }
  if (*space)
    out[(*o)++] = ' ';
  *space = false;
  out[(*o)++] = ch;
}

static CCHC_INLINE void key_put(key_out *k, char ch) {
  strbuf *sb = k->sb;
  if (ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r') {
    k->space = sb->len > 0;
    return;
  }
  if (k->space)
    sb->buf[sb->len++] = ' ';
  k->space = false;
  sb->buf[sb->len++] = ch;
}

/* Room for n more bytes and a blank; false when out of memory. */
static bool key_room(key_out *k, size_t n) {
  return k->sb->alloc > k->sb->len + n + 1 || strbuf_grow(k->sb, n + 1);
}

/* The key of the non-ASCII run s[0..len) written from the kept keys of
 * its characters; false (nothing written) when one is not kept. */
static bool key_run_kept(const char *s, size_t len, key_out *k) {
  const unsigned char *u = (const unsigned char *)s;
  size_t at = k->sb->len;
  bool space = k->space;
  /* a character of 2 bytes or more keys as KEPT_BYTES at most */
  if (!key_room(k, len * (KEPT_BYTES / 2)))
    return false;
  char *out = k->sb->buf;
  size_t o = at;
  bool pending = space;
  for (size_t i = 0; i < len;) {
    uint32_t cp;
    size_t w = kept_char_at(u + i, len - i, &cp);
    uint64_t e = w ? atomic_load_explicit(&kept[cp], memory_order_relaxed)
                   : KEPT_NO;
    if ((e & KEPT_STATE) == KEPT_UNKNOWN)
      e = keep_char(cp);
    if ((e & KEPT_STATE) != KEPT_YES) /* the run is keyed whole */
      return false;
    size_t n = (e >> 8) & 0xFF;
    for (size_t b = 0; b < n; b++)
      key_put_at(out, &o, &pending, (char)(e >> (16 + 8 * b)));
    i += w;
  }
  k->sb->len = o;
  k->space = pending;
  return true;
}

/* utf8proc's key of an ASCII byte (ascii_key), -1 for none: a table. */
static signed char ascii_keys[0x80];
static pthread_once_t ascii_keys_once = PTHREAD_ONCE_INIT;

static void ascii_keys_fill(void) {
  for (int c = 0; c < 0x80; c++)
    ascii_keys[c] = (signed char)ascii_key((unsigned char)c);
}

char *cchc_match_key(const char *s, size_t len, cchc_error *err) {
  strbuf key = STRBUF_INIT;
  key_out k = {&key, false};
  utf8proc_int32_t *heap = NULL;
  size_t heap_cap = 0;
  utf8proc_ssize_t rc = 0;
  pthread_once(&ascii_keys_once, ascii_keys_fill);
  /* (the key of ASCII is as long at most, and most text is) */
  if (!strbuf_grow(&key, len + 1))
    rc = UTF8PROC_ERROR_NOMEM;
  for (size_t i = 0; i < len && rc == 0;) {
    unsigned char c = (unsigned char)s[i];
    if (c < 0x80) {
      /* (room for the rest of s: the run's end is found as it is keyed) */
      if (!key_room(&k, len - i)) {
        rc = UTF8PROC_ERROR_NOMEM;
        break;
      }
      size_t o = key.len;
      bool space = k.space;
      for (; i < len && (unsigned char)s[i] < 0x80; i++) {
        int kc = ascii_keys[(unsigned char)s[i]];
        if (kc >= 0)
          key_put_at(key.buf, &o, &space, (char)kc);
      }
      key.len = o;
      k.space = space;
      continue;
    }
    size_t j = i + 1;
    while (j < len && (unsigned char)s[j] >= 0x80)
      j++;
    if (!key_run_kept(s + i, j - i, &k)) {
      /* utf8proc's key appended a byte further on (room for the blank
       * that may wait), then collapsed in place */
      size_t at = key.len;
      if (!key_room(&k, 1)) {
        rc = UTF8PROC_ERROR_NOMEM;
        break;
      }
      key.len = at + 1;
      rc = key_run(s + i, j - i, &key, &heap, &heap_cap);
      size_t end = key.len;
      key.len = at;
      for (size_t r = at + 1; rc == 0 && r < end; r++)
        key_put(&k, key.buf[r]);
    }
    i = j;
  }
  free(heap);
  if (rc == 0 && key.failed)
    rc = UTF8PROC_ERROR_NOMEM;
  if (rc < 0) {
    strbuf_release(&key);
    cchc_fail(err,
              rc == UTF8PROC_ERROR_NOMEM ? CCHC_ERR_NOMEM : CCHC_ERR_ENCODING,
              "match key: %s", utf8proc_errmsg(rc));
    return NULL;
  }
  if (key.alloc)
    key.buf[key.len] = '\0';
  return strbuf_detach(&key, NULL);
}
