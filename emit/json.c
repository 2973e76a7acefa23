/* json.c: the frame as JSON, written value by value as the walk goes.
 *
 * jansson prints every key and scalar (escaping, numbers, with the flags
 * below); the writer adds the brackets, separators and indentation
 * jansson puts around them, so that the text is byte for byte what
 * json_dumps prints for the tree of the same document with the same
 * flags (test_emit checks it on every plan), followed by a newline; no
 * tree is built.
 *
 * A document prints tens of thousands of scalars, so the per-value cost
 * counts: the scalars are three json_t kept for the document and set
 * anew for each value, printed by json_dumpb straight into the output
 * buffer, and what never changes is printed by jansson once and then
 * copied: each member's key once per process, null, true and false once
 * per document.  So are strings up to a few lines long, which recur
 * within a document (rule ids, unit keys and names, areas, comparators,
 * a clause that holds two targets): jansson's text of each is kept in a
 * table by content, and a repeat costs a hash of its ends and a compare;
 * and integers, a third of which recur (span ends), kept by value.
 * jansson's cost is per character and per call, so a string it need not
 * print again is what saves. */
#include "emit.h"

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum {
  MAX_DEPTH = 16,
  PRINTED_MAX = 64,
  MEMO_SLOTS = 1024,
  MEMO_MAX = 256,     /* strings kept: shorter than this */
  MEMO_HASHED = 16,   /* bytes hashed at each end of a string */
  MEMO_TEXTS = 1 << 20, /* texts kept before the table starts anew */
  INTEGER_SLOTS = 256
};

/* jansson's text of a value; len 0 until printed. */
typedef struct printed {
  size_t len;
  char text[PRINTED_MAX];
} printed;

/* A string (shorter than MEMO_MAX bytes) and where its text is in the
 * writer's `texts`.  `value` is the walk's own string, which lasts as
 * long as the walk (emit.h): the table keeps no copy of it. */
typedef struct memo_slot {
  const char *value; /* NULL: empty slot */
  size_t len;
  size_t at, text_len;
} memo_slot;

/* An integer and its text. */
typedef struct integer_slot {
  long long value;
  printed out;
} integer_slot;

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
  json_t *string, *integer, *real; /* the scalar being printed */
  strbuf texts; /* jansson's text of each string in memo */
  memo_slot memo[MEMO_SLOTS]; /* by a hash of the value */
  /* Last: tens of kilobytes, of which only the lengths are cleared. */
  printed keys[EMIT_NNAMES]; /* those key_texts lacks */
  printed null, true_, false_;
  integer_slot integers[INTEGER_SLOTS]; /* by the value */
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
  memset(j, 0, offsetof(writer, keys));
  strbuf_init(&j->texts);
  for (size_t i = 0; i < EMIT_NNAMES; i++)
    j->keys[i].len = 0;
  j->null.len = j->true_.len = j->false_.len = 0;
  for (size_t i = 0; i < INTEGER_SLOTS; i++)
    j->integers[i].out.len = 0;
  return j;
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

/* Print `v` into *p; false (and *p unchanged) when it does not fit or v
 * is NULL, a value jansson failed to make. */
static bool print(writer *j, printed *p, const json_t *v) {
  size_t n = v ? json_dumpb(v, p->text, sizeof p->text, j->flags) : 0;
  if (n == 0 || n > sizeof p->text)
    return false;
  p->len = n;
  return true;
}

/* Print a value that never changes from *p, printed there from `v` the
 * first time. */
static void dump_printed(writer *j, printed *p, const json_t *v) {
  if (!p->len && !print(j, p, v)) {
    j->failed = true;
    return;
  }
  emit_put(j->out, p->text, p->len);
}

/* The kept string set to `s` (n bytes); NULL when jansson failed. */
static const json_t *string(writer *j, const char *s, size_t n) {
  return json_string_setn_nocheck(j->string, s, n) == 0 ? j->string : NULL;
}

/* The slot of the string `s` (n bytes, n < MEMO_MAX): a hash of its
 * length and of the bytes at its two ends, where strings that recur
 * differ (ids, numbers), so that a long one costs no more than a short
 * one to look up. */
static memo_slot *memo_slot_of(writer *j, const char *s, size_t n) {
  uint64_t h;
  if (n <= 2 * MEMO_HASHED) {
    h = cchc_hash_bytes(s, n);
  } else {
    h = cchc_hash_bytes(s, MEMO_HASHED);
    for (size_t i = n - MEMO_HASHED; i < n; i++)
      h = cchc_hash_step(h, (unsigned char)s[i]);
  }
  h = cchc_hash_step(h, (unsigned char)n);
  return &j->memo[(h ^ h >> 32) % MEMO_SLOTS];
}

/* Print `v`, the string `s` (n bytes), into texts and keep it in slot m;
 * false when jansson or an allocation failed. */
static bool memo_print(writer *j, memo_slot *m, const char *s, size_t n,
                       const json_t *v) {
  if (j->texts.len > MEMO_TEXTS) { /* start anew: memory stays bounded */
    memset(j->memo, 0, sizeof j->memo);
    strbuf_reset(&j->texts);
  }
  /* The longest text of n bytes: each a control character as \u00XX. */
  size_t room = 6 * n + 2;
  if (!v || !strbuf_grow(&j->texts, room))
    return false;
  size_t len = json_dumpb(v, j->texts.buf + j->texts.len, room, j->flags);
  if (len == 0 || len > room)
    return false;
  *m = (memo_slot){.value = s, .len = n, .at = j->texts.len, .text_len = len};
  j->texts.len += len;
  j->texts.buf[j->texts.len] = '\0';
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
      if (!print_key(&key_texts[compact][i], (emit_name)i,
                     json_flags(compact)))
        key_texts[compact][i].len = 0;
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

/* What comes before a value in the open container: the separator from the
 * value before it, the line break and indentation, the member's key. */
static bool begin_value(writer *j, emit_name name) {
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
    emit_put(j->out, k->text + !comma, k->len - !comma);
  } else {
    separate(j, d, comma);
    emit_put(j->out, k->text, k->len);
  }
  return !j->failed;
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

/* The scalar that never changes `v`, printed once into *p. */
static void put_printed(writer *j, emit_name name, printed *p,
                        const json_t *v) {
  if (!begin_value(j, name))
    return;
  dump_printed(j, p, v);
  if (j->depth == 0)
    j->done = true;
}

/* The integer `v`, printed by jansson unless its slot holds it. */
static void put_integer(writer *j, emit_name name, long long v) {
  integer_slot *m = &j->integers[(unsigned long long)v % INTEGER_SLOTS];
  if (!m->out.len || m->value != v) {
    m->out.len = 0;
    if (json_integer_set(j->integer, (json_int_t)v) != 0 ||
        !print(j, &m->out, j->integer)) {
      j->failed = true;
      return;
    }
    m->value = v;
  }
  put_printed(j, name, &m->out, NULL);
}

static void open_container(writer *j, emit_name name, bool array) {
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

static void close_container(writer *j) {
  if (j->failed || j->depth == 0)
    return;
  int d = --j->depth;
  if (j->filled[d])
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

static void j_end(void *ctx) { close_container(ctx); }

static void j_null(void *ctx, emit_name name) {
  writer *j = ctx;
  put_printed(j, name, &j->null, json_null());
}

/* The walk hands over valid UTF-8 only (emit.h). */
static void j_string(void *ctx, emit_name name, const char *value, size_t n) {
  writer *j = ctx;
  if (!value) {
    j_null(j, name);
    return;
  }
  if (n >= MEMO_MAX) {
    put(j, name, string(j, value, n));
    return;
  }
  memo_slot *m = memo_slot_of(j, value, n);
  if (!(m->value && m->len == n &&
        (m->value == value || memcmp(m->value, value, n) == 0)) &&
      !memo_print(j, m, value, n, string(j, value, n))) {
    j->failed = true;
    return;
  }
  if (!begin_value(j, name))
    return;
  emit_put(j->out, j->texts.buf + m->at, m->text_len);
  if (j->depth == 0)
    j->done = true;
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
  if (value)
    put_printed(j, name, &j->true_, json_true());
  else
    put_printed(j, name, &j->false_, json_false());
}

static void j_span(void *ctx, emit_name name, frame_span s) {
  writer *j = ctx;
  open_container(j, name, true);
  put_integer(j, name, (long long)s.start);
  put_integer(j, name, (long long)s.end);
  close_container(j);
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
  j->integer = json_integer(0);
  j->real = json_real(0);
  cchc_status st = CCHC_OK;
  if (!j->string || !j->integer || !j->real)
    j->failed = true;
  else
    st = emit_walk(frame, &json_ops, j, err);
  if (st == CCHC_OK && (j->failed || j->depth || !j->done))
    st = cchc_fail(err, CCHC_ERR_NOMEM, "out of memory while writing JSON");
  /* One document per line: end with a newline. */
  if (st == CCHC_OK)
    emit_put(out, "\n", 1);
  json_decref(j->string);
  json_decref(j->integer);
  json_decref(j->real);
  strbuf_release(&j->texts);
  free(j);
  return st;
}
