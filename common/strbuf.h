/* strbuf.h: a growable NUL-terminated string (git's strbuf), the one
 * buffer every stage uses when it builds text of unknown length.
 *
 * A library may not die on a failed allocation as git does, so the buffer
 * remembers it instead: after a failure every append is dropped, `failed`
 * is set and strbuf_detach returns NULL; the caller checks once, at the
 * end. */
#ifndef CCHC_STRBUF_H
#define CCHC_STRBUF_H

#include "internal.h"

#include <stdarg.h>

typedef struct strbuf {
  char *buf;    /* always NUL-terminated; never NULL */
  size_t len;   /* bytes before the NUL */
  size_t alloc; /* bytes allocated; 0 while buf is the shared empty string */
  bool failed;  /* an allocation failed */
} strbuf;

/* Storage of empty buffers: "" until the first append. */
extern char strbuf_slopbuf[1];
#define STRBUF_INIT {strbuf_slopbuf, 0, 0, false}

void strbuf_init(strbuf *sb);
/* Free the storage; the buffer is empty again and may be reused. */
void strbuf_release(strbuf *sb);
/* Hand the text to the caller (free() it) and leave the buffer empty;
 * *len (may be NULL) gets its length.  NULL when an append failed. */
char *strbuf_detach(strbuf *sb, size_t *len);
/* Room for `extra` more bytes; false (and `failed`) when out of memory. */
bool strbuf_grow(strbuf *sb, size_t extra);
/* Drop the text, keep the storage. */
void strbuf_reset(strbuf *sb);

void strbuf_add(strbuf *sb, const void *data, size_t len);
void strbuf_addstr(strbuf *sb, const char *s);
void strbuf_addch(strbuf *sb, char c);
/* `n` copies of `c` (padding, rules under table headers). */
void strbuf_addchars(strbuf *sb, char c, size_t n);
void strbuf_addf(strbuf *sb, const char *fmt, ...) CCHC_PRINTF(2, 3);
void strbuf_vaddf(strbuf *sb, const char *fmt, va_list ap);

/* The decimal text of `v` into buf (not NUL-terminated), as printf's
 * "%lld" and jansson (JSON_INTEGER_FORMAT) print it; returns its length.
 * A frame prints tens of thousands (offsets, ids): snprintf took longer
 * than the rest of printing one, and the JSON writer's table of printed
 * integers missed the cache at each offset, seen once per plan. */
/* "00" "01" ... "99": the two digits of each number below 100, for the
 * writers of integers (cchc_integer_text, the JSON writer's offsets). */
extern const char cchc_digit_pairs[201];
enum { CCHC_INTEGER_MAX = 20 }; /* "-9223372036854775808" */
size_t cchc_integer_text(long long v, char buf[CCHC_INTEGER_MAX]);

#endif
