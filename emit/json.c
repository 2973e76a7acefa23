/* json.c: the frame as JSON, written value by value as the walk goes.
 *
 * jansson prints every key, string and real (escaping, numbers, with the
 * flags below), and integers are printed as it prints them
 * (cchc_integer_text: "%lld"); a string with nothing to escape, which
 * jansson would print as it is between quotes, is copied so, without a
 * pass of jansson's escaper over it (the walk's escape_free).  The writer
 * adds the brackets, separators and indentation jansson puts around them,
 * so that the text is byte for byte what json_dumps prints for the tree
 * of the same document with the same flags (test_emit checks it on every
 * plan), followed by a newline; no tree is built.
 *
 * A document prints tens of thousands of scalars, so the per-value cost
 * counts: jansson's is per call and per character.  The scalars are two
 * json_t kept for the document and set anew for each value, printed by
 * json_dumpb straight into the output buffer, and what never changes is
 * printed by jansson once and then copied: each member's key once per
 * process.  A string the walk found free of bytes to escape (emit_ops:
 * most text of a plan), which jansson would print as it is between
 * quotes, is copied so; the others go through jansson's escaper.  Nothing
 * is kept from one string or one document to the next: each document
 * costs what it costs alone. */
#include "emit.h"

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

enum { MAX_DEPTH = 16, PRINTED_MAX = 64 };

/* jansson's text of a value; len 0 until printed. */
typedef struct printed {
  size_t len;
  char text[PRINTED_MAX];
} printed;

typedef struct writer {
  emit_sink *out;
  /* jansson's JSON_INDENT, JSON_COMPACT, JSON_REAL_PRECISION, and
   * JSON_ENCODE_ANY for scalars */
  size_t flags;
  int depth;              /* open containers */
  bool array[MAX_DEPTH];  /* container i is an array */
  bool filled[MAX_DEPTH]; /* container i holds a value */
  bool done;   /* the root value is complete */
  bool failed; /* jansson failed (out of memory), or a bug in the walk */
  json_t *string, *real; /* the scalar being printed */
  /* The compact layout with every key printed: values are written by
   * compact_member (fast_key[name]: the key's text) */
  bool compact;
  const printed *fast_key[EMIT_NNAMES];
  printed keys[EMIT_NNAMES]; /* those key_texts lacks */
} writer;

/* jansson's flags for a document: two layouts, one line (jsonl) or
 * indented by two.  Non-integral values with 15 significant digits, as in
 * XML and CSV (jansson's default of 17 prints 12.3 as
 * 12.300000000000001). */
static size_t json_flags(bool compact) {
  return JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15) | JSON_ENCODE_ANY |
         (compact ? JSON_COMPACT : JSON_INDENT(2));
}

/* A writer with nothing printed yet. */
static writer *writer_new(void) {
  writer *j = malloc(sizeof *j);
  if (!j)
    return NULL;
  memset(j, 0, offsetof(writer, fast_key));
  for (size_t i = 0; i < EMIT_NNAMES; i++)
    j->keys[i].len = 0;
  return j;
}

static void writer_free(writer *j) {
  json_decref(j->string);
  json_decref(j->real);
  free(j);
}

/* What jansson puts before a value: the comma after the value before it
 * (when `comma`), then (dump_indent) a line break and `depth` levels of
 * indentation, or with no indentation a space after the comma; in as few
 * pieces as the blanks below allow. */
static void separate(writer *j, int depth, bool comma) {
  static const char text[] = ",\n                                ";
  size_t per = j->flags & JSON_MAX_INDENT;
  if (!per) {
    if (comma)
      emit_put(j->out, ", ", j->flags & JSON_COMPACT ? 1 : 2);
    return;
  }
  const char *p = comma ? text : text + 1;
  size_t room = sizeof text - 1 - (size_t)(p - text);
  size_t n = (size_t)(text + 2 - p) + per * (size_t)depth;
  while (n > room) {
    emit_put(j->out, p, room);
    n -= room;
    p = text + 2; /* blanks only */
    room = sizeof text - 3;
  }
  emit_put(j->out, p, n);
}

/* Print `v` with jansson; v NULL is a value jansson failed to make. */
static void dump(writer *j, const json_t *v) {
  if (!v || !emit_put_json(j->out, v, j->flags))
    j->failed = true;
}

/* The kept string set to `s` (n bytes); NULL when jansson failed. */
static const json_t *string(writer *j, const char *s, size_t n) {
  return json_string_setn_nocheck(j->string, s, n) == 0 ? j->string : NULL;
}

/* Do the 8 bytes of x hold a '"', a '\\' or a control character?
 * (Byte-wise tests, nonzero exactly when some byte is one.) */
static bool escaped8(uint64_t x) {
  const uint64_t ones = UINT64_C(0x0101010101010101),
                 highs = UINT64_C(0x8080808080808080);
  uint64_t quote = x ^ ones * '"', backslash = x ^ ones * '\\';
  return (((quote - ones) & ~quote) | ((backslash - ones) & ~backslash) |
          ((x - ones * 0x20) & ~x)) &
         highs;
}

bool emit_json_unescaped(const char *s, size_t n, size_t flags) {
  /* jansson escapes '"', '\\' and the characters below U+0020, '/' and
   * those past U+007F only under these flags (writers use neither) */
  if (flags & (JSON_ESCAPE_SLASH | JSON_ENSURE_ASCII))
    return false;
  size_t i = 0;
#if defined(__SSE2__)
  const __m128i quote = _mm_set1_epi8('"'), backslash = _mm_set1_epi8('\\'),
                control = _mm_set1_epi8(0x1F);
  for (; i + 16 <= n; i += 16) {
    __m128i x = _mm_loadu_si128((const __m128i *)(s + i));
    /* x <= 0x1F (unsigned): max(x, 0x1F) == 0x1F */
    __m128i hit = _mm_or_si128(
        _mm_or_si128(_mm_cmpeq_epi8(x, quote), _mm_cmpeq_epi8(x, backslash)),
        _mm_cmpeq_epi8(_mm_max_epu8(x, control), control));
    if (_mm_movemask_epi8(hit))
      return false;
  }
#endif
  for (; i + 8 <= n; i += 8) {
    uint64_t x;
    memcpy(&x, s + i, sizeof x);
    if (escaped8(x))
      return false;
  }
  for (; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c < 0x20 || c == '"' || c == '\\')
      return false;
  }
  return true;
}

/* Print into *k the text before a member's value in the layout of
 * `flags`: jansson's text of its key and the colon after it; in the
 * compact layout, where no line break comes between members, the comma
 * before it too (",\"name\":"), which the first member skips. */
static bool print_key(printed *k, emit_name name, size_t flags) {
  bool compact = flags & JSON_COMPACT;
  size_t sep = compact ? 1 : 0, colon = compact ? 1 : 2;
  json_t *v = json_string_nocheck(emit_names[name]);
  size_t room = sizeof k->text - sep - colon;
  size_t n = v ? json_dumpb(v, k->text + sep, room, flags) : 0;
  json_decref(v);
  if (n == 0 || n > room)
    return false;
  if (compact)
    k->text[0] = ',';
  memcpy(k->text + sep + n, ": ", colon);
  k->len = sep + n + colon;
  return true;
}

/* The keys in each layout ([compact]) never change: printed once per
 * process, for every writer.  One jansson failed to print (out of
 * memory) has length 0, and a writer prints its own (j->keys). */
static printed key_texts[2][EMIT_NNAMES];
static pthread_once_t key_texts_once = PTHREAD_ONCE_INIT;

static void print_key_texts(void) {
  for (int compact = 0; compact < 2; compact++)
    for (size_t i = 0; i < EMIT_NNAMES; i++)
      print_key(&key_texts[compact][i], (emit_name)i, json_flags(compact));
}

/* The text before the value of member `name` (print_key); NULL when
 * jansson failed. */
static const printed *key_text(writer *j, emit_name name) {
  bool compact = j->flags & JSON_COMPACT;
  const printed *k = &key_texts[compact][name];
  if (k->len)
    return k;
  printed *own = &j->keys[name];
  return own->len || print_key(own, name, j->flags) ? own : NULL;
}

/* The text of key k from byte `skip` (0 or 1) on.  Every member of an
 * object puts its key, a few bytes: copied as KEY_COPY bytes at once (a
 * copy of a constant size is a few moves, no call of memcpy; read inside
 * k->text) when the buffer has room for them; the bytes past the key are
 * written over by what comes next. */
enum { KEY_COPY = 32 };
_Static_assert(KEY_COPY + 1 <= PRINTED_MAX, "a key's copy inside its text");

static inline void put_key(emit_sink *out, const printed *k, size_t skip) {
  size_t len = k->len - skip;
  if (len <= KEY_COPY && out->cap - out->n >= KEY_COPY &&
      !out->failed) {
    memcpy(out->buf + out->n, k->text + skip, KEY_COPY);
    out->n += len;
  } else {
    emit_put(out, k->text + skip, len);
  }
}

/* What comes before a value in the open container: the separator from the
 * value before it, the line break and indentation, the member's key.
 * (Inline: every value of a document begins with it.) */
static CCHC_INLINE bool begin_value(writer *j, emit_name name) {
  if (j->failed)
    return false;
  int d = j->depth;
  if (d == 0) {
    if (j->done) /* a second root: a bug in the walk */
      j->failed = true;
    return !j->failed;
  }
  bool comma = j->filled[d - 1];
  j->filled[d - 1] = true;
  if (j->array[d - 1]) {
    separate(j, d, comma);
    return !j->failed;
  }
  const printed *k = key_text(j, name);
  if (!k) {
    j->failed = true;
    return false;
  }
  if (j->flags & JSON_COMPACT) { /* the comma is the key's */
    put_key(j->out, k, !comma);
  } else {
    separate(j, d, comma);
    put_key(j->out, k, 0);
  }
  return !j->failed;
}

/* The compact layout's way to a value (a jsonl document's every value
 * but the root): what comes before it (the comma, the key) written
 * straight into the buffer, and where the value goes, when the buffer
 * has room for it and `extra` bytes more; NULL for the general way (the
 * other layout, the root, a full buffer).  The steps of begin_value with
 * what the compact layout decides known: a document prints tens of
 * thousands of values, and those steps cost more than most values' text.
 * The failures (j->failed, out->failed) are not asked about: both stay
 * set and fail the document (emit_json, cchc_render_to and
 * cchc_render_buffered then write none of what the buffer holds past
 * what was written before), and the bytes written after one stay inside
 * the buffer, the depth between 1 and MAX_DEPTH. */
static CCHC_INLINE char *compact_member(writer *j, emit_name name,
                                        size_t extra) {
  int d = j->depth;
  emit_sink *out = j->out;
  if (!j->compact || d == 0 || out->cap - out->n < KEY_COPY + extra)
    return NULL;
  char *at = out->buf + out->n;
  bool comma = j->filled[d - 1];
  j->filled[d - 1] = true;
  if (j->array[d - 1]) { /* (the separator alone) */
    *at = ',';
    return at + comma;
  }
  const printed *k = j->fast_key[name];
  memcpy(at, k->text + !comma, KEY_COPY);
  return at + k->len - !comma;
}

/* The buffer filled up to `end` (after compact_member). */
static CCHC_INLINE void compact_done(writer *j, const char *end) {
  j->out->n = (size_t)(end - j->out->buf);
}

/* The decimal digits of u at p, as cchc_integer_text prints them; their
 * count.  (Inline, on 32 bits: spans' offsets are most integers.)  They
 * are written from the last one back into a block of 16 bytes, copied
 * whole (a copy of a constant size, no count of the digits first): p has
 * room for 16 bytes, and those past the digits are written over next. */
static CCHC_INLINE size_t digits32(uint32_t u, char *p) {
  char block[32]; /* the digits end at block + 16 (10 at most) */
  char *q = block + 16;
  while (u >= 100) {
    unsigned k = u % 100 * 2;
    u /= 100;
    *--q = cchc_digit_pairs[k + 1];
    *--q = cchc_digit_pairs[k];
  }
  if (u >= 10) {
    *--q = cchc_digit_pairs[u * 2 + 1];
    *--q = cchc_digit_pairs[u * 2];
  } else {
    *--q = (char)('0' + u);
  }
  memcpy(p, q, 16);
  return (size_t)(block + 16 - q);
}

/* The text of v at p (room for CCHC_INTEGER_MAX bytes, 16 at least); its
 * length. */
_Static_assert(CCHC_INTEGER_MAX >= 16, "digits32 writes 16 bytes");
static CCHC_INLINE size_t integer_at(long long v, char *p) {
  return v >= 0 && v <= (long long)UINT32_MAX ? digits32((uint32_t)v, p)
                                               : cchc_integer_text(v, p);
}

/* The scalar `v` (NULL when jansson failed to make it). */
static void put(writer *j, emit_name name, const json_t *v) {
  if (!v) {
    j->failed = true;
    return;
  }
  if (!begin_value(j, name))
    return;
  dump(j, v);
  if (j->depth == 0)
    j->done = true;
}


/* Copy `len` bytes of text kept for a scalar as the value `name`. */
static void put_text(writer *j, emit_name name, const char *text,
                     size_t len) {
  if (!begin_value(j, name))
    return;
  emit_put(j->out, text, len);
  if (j->depth == 0)
    j->done = true;
}

/* The integer `v`, as jansson prints it. */
static void put_integer(writer *j, emit_name name, long long v) {
  char *p = compact_member(j, name, CCHC_INTEGER_MAX);
  if (p) {
    compact_done(j, p + integer_at(v, p));
    return;
  }
  char text[CCHC_INTEGER_MAX];
  put_text(j, name, text, cchc_integer_text(v, text));
}

static __attribute__((noinline)) void open_slow(writer *j, emit_name name,
                                                bool array) {
  if (j->depth == MAX_DEPTH) {
    j->failed = true;
    return;
  }
  if (!begin_value(j, name))
    return;
  emit_put(j->out, array ? "[" : "{", 1);
  j->array[j->depth] = array;
  j->filled[j->depth] = false;
  j->depth++;
}

/* The compact layout's way without a call (as j_string's); else
 * open_slow. */
static CCHC_INLINE void open_container(writer *j, emit_name name,
                                       bool array) {
  char *p;
  if (j->depth < MAX_DEPTH && (p = compact_member(j, name, 1))) {
    *p = array ? '[' : '{';
    compact_done(j, p + 1);
    j->array[j->depth] = array;
    j->filled[j->depth] = false;
    j->depth++;
    return;
  }
  open_slow(j, name, array);
}

static __attribute__((noinline)) void close_container(writer *j) {
  if (j->failed || j->depth == 0)
    return;
  int d = --j->depth;
  if (j->filled[d] && !j->compact) /* (compact: nothing before it) */
    separate(j, d, false);
  emit_put(j->out, j->array[d] ? "]" : "}", 1);
  if (d == 0)
    j->done = true;
}

static void j_begin_object(void *ctx, emit_name name) {
  open_container(ctx, name, false);
}

static void j_begin_array(void *ctx, emit_name name, emit_name item) {
  open_container(ctx, name, true);
}

/* The compact layout's way (nothing before the bracket) without a call,
 * when the buffer has room (failures not asked about: compact_member). */
static void j_end(void *ctx) {
  writer *j = ctx;
  emit_sink *out = j->out;
  int d = j->depth - 1;
  if (j->compact && d > 0 && out->n < out->cap) {
    j->depth = d;
    out->buf[out->n++] = j->array[d] ? ']' : '}';
    return;
  }
  close_container(j);
}

/* null, true and false: JSON's literals, which jansson prints as they
 * are in every layout (copied: no value of jansson's made per call). */
static void j_null(void *ctx, emit_name name) {
  writer *j = ctx;
  char *p = compact_member(j, name, 4);
  if (p) {
    memcpy(p, "null", 4);
    compact_done(j, p + 4);
    return;
  }
  put_text(j, name, "null", 4);
}

/* The string `s` (n bytes) as the value `name`: copied between quotes
 * when there is nothing to escape (most text of a plan), else printed by
 * jansson. */
static __attribute__((noinline)) void put_string(writer *j, emit_name name,
                                                 const char *s, size_t n,
                                                 bool escape_free) {
  /* jansson escapes '/' and the characters past U+007F too only under
   * these flags (the writers use neither) */
  if (!escape_free || (j->flags & (JSON_ESCAPE_SLASH | JSON_ENSURE_ASCII))) {
    put(j, name, string(j, s, n));
    return;
  }
  if (!begin_value(j, name))
    return;
  emit_sink *out = j->out;
  if (n + 2 <= out->cap - out->n && !out->failed) { /* (most) */
    char *at = out->buf + out->n;
    at[0] = '"';
    memcpy(at + 1, s, n);
    at[n + 1] = '"';
    out->n += n + 2;
  } else {
    emit_put(out, "\"", 1);
    emit_put(out, s, n);
    emit_put(out, "\"", 1);
  }
  if (j->depth == 0)
    j->done = true;
}

/* The walk hands over valid UTF-8 only (emit.h).  The compact layout's
 * string with nothing to escape (most values) is finished before its text
 * is copied, the copy last: nothing is kept across a call, no register
 * saved; the other ways are put_string's, not inlined here. */
static void j_string(void *ctx, emit_name name, const char *value, size_t n,
                     bool escape_free) {
  writer *j = ctx;
  char *p;
  if (value && escape_free && (p = compact_member(j, name, n + 2))) {
    p[0] = '"';
    p[n + 1] = '"';
    compact_done(j, p + n + 2);
    memcpy(p + 1, value, n);
    return;
  }
  if (!value)
    j_null(j, name);
  else
    put_string(j, name, value, n, escape_free);
}

static void j_number(void *ctx, emit_name name, double value) {
  writer *j = ctx;
  if (emit_number_is_integer(value))
    put_integer(j, name, (long long)value);
  else
    put(j, name, json_real_set(j->real, value) == 0 ? j->real : NULL);
}

static void j_integer(void *ctx, emit_name name, long long value) {
  put_integer(ctx, name, value);
}

static void j_boolean(void *ctx, emit_name name, bool value) {
  writer *j = ctx;
  char *p = compact_member(j, name, 5);
  if (p) {
    memcpy(p, value ? "true" : "false", 5); /* (the bytes past are free) */
    compact_done(j, p + (value ? 4 : 5));
    return;
  }
  if (value)
    put_text(j, name, "true", 4);
  else
    put_text(j, name, "false", 5);
}

static __attribute__((noinline)) void span_slow(void *ctx, emit_name name,
                                                frame_span s) {
  writer *j = ctx;
  /* Without indentation the pair is "[start, end]" (compact: no blank),
   * printed at once: a document has thousands of spans, and each value
   * on its own went through the container's steps. */
  if (!(j->flags & JSON_MAX_INDENT) && j->depth < MAX_DEPTH) {
    if (!begin_value(j, name))
      return;
    char text[2 * CCHC_INTEGER_MAX + 4];
    size_t n = 0;
    text[n++] = '[';
    n += cchc_integer_text((long long)s.start, text + n);
    text[n++] = ',';
    if (!(j->flags & JSON_COMPACT))
      text[n++] = ' ';
    n += cchc_integer_text((long long)s.end, text + n);
    text[n++] = ']';
    emit_put(j->out, text, n);
    if (j->depth == 0)
      j->done = true;
    return;
  }
  open_container(j, name, true);
  put_integer(j, name, (long long)s.start);
  put_integer(j, name, (long long)s.end);
  close_container(j);
}

/* The compact layout's span of offsets below 2^32 (all but huge texts')
 * without a call: "[start,end]" at once; else span_slow. */
static void j_span(void *ctx, emit_name name, frame_span s) {
  writer *j = ctx;
  char *p;
  if (s.start <= UINT32_MAX && s.end <= UINT32_MAX &&
      (p = compact_member(j, name, 2 * CCHC_INTEGER_MAX + 3))) {
    *p++ = '[';
    p += digits32((uint32_t)s.start, p);
    *p++ = ',';
    p += digits32((uint32_t)s.end, p);
    *p++ = ']';
    compact_done(j, p);
    return;
  }
  span_slow(ctx, name, s);
}

static const emit_ops json_ops = {
    .begin_object = j_begin_object,
    .end_object = j_end,
    .begin_array = j_begin_array,
    .end_array = j_end,
    .string = j_string,
    .number = j_number,
    .integer = j_integer,
    .boolean = j_boolean,
    .null = j_null,
    .span = j_span,
};

cchc_status emit_json(const cchc_frame *frame, bool compact, emit_sink *out,
                      cchc_error *err) {
  writer *j = writer_new();
  if (!j)
    return cchc_fail(err, CCHC_ERR_NOMEM, "out of memory while writing JSON");
  j->out = out;
  j->flags = json_flags(compact);
  pthread_once(&key_texts_once, print_key_texts);
  j->string = json_string_nocheck("");
  j->real = json_real(0);
  cchc_status st = CCHC_OK;
  /* the compact layout's fast way, when every key is printed */
  j->compact = compact;
  for (size_t i = 0; i < EMIT_NNAMES && j->compact; i++)
    j->compact = (j->fast_key[i] = key_text(j, (emit_name)i)) != NULL &&
                 j->fast_key[i]->len <= KEY_COPY;
  if (!j->string || !j->real)
    j->failed = true;
  else
    st = emit_walk(frame, &json_ops, j, err);
  if (st == CCHC_OK && (j->failed || j->depth || !j->done))
    st = cchc_fail(err, CCHC_ERR_NOMEM, "out of memory while writing JSON");
  /* One document per line: end with a newline. */
  if (st == CCHC_OK)
    emit_put(out, "\n", 1);
  writer_free(j);
  return st;
}
