/* json.c: the frame as JSON, written value by value as the walk goes.
 *
 * jansson prints every key and scalar (escaping, numbers, with the flags
 * below); the writer adds the brackets, separators and indentation
 * jansson puts around them, so that the text is byte for byte what
 * json_dumps prints for the tree of the same document with the same
 * flags (test_emit checks it on every plan), followed by a newline; no
 * tree is built. */
#include "emit.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum { MAX_DEPTH = 16, KEY_SLOTS = 64, KEY_NAME_MAX = 32, KEY_TEXT_MAX = 48 };

/* A key as jansson prints it, kept by the address of its name: the walk
 * names members with a few dozen literals, each printed thousands of
 * times.  The slot keeps the name's text too, so that another name at a
 * reused address is printed anew. */
typedef struct key_slot {
  const char *name;
  char copy[KEY_NAME_MAX];
  char text[KEY_TEXT_MAX];
  size_t len;
} key_slot;

typedef struct writer {
  emit_sink *out;
  size_t flags; /* jansson's JSON_INDENT, JSON_COMPACT, JSON_REAL_PRECISION */
  int depth;    /* open containers */
  bool array[MAX_DEPTH];  /* container i is an array */
  bool filled[MAX_DEPTH]; /* container i holds a value */
  bool done;   /* the root value is complete */
  bool failed; /* jansson failed (out of memory), or a bug in the walk */
  key_slot keys[KEY_SLOTS];
} writer;

static int to_sink(const char *buf, size_t size, void *data) {
  emit_put(data, buf, size);
  return 0;
}

/* jansson's dump_indent: a line break and `depth` levels of indentation,
 * or with no indentation a space where one separates values. */
static void indent(writer *j, int depth, bool space) {
  static const char blanks[] = "                                ";
  size_t per = j->flags & JSON_MAX_INDENT;
  if (per) {
    emit_put(j->out, "\n", 1);
    for (size_t n = per * (size_t)depth; n > 0;) {
      size_t k = n < sizeof blanks - 1 ? n : sizeof blanks - 1;
      emit_put(j->out, blanks, k);
      n -= k;
    }
  } else if (space && !(j->flags & JSON_COMPACT)) {
    emit_put(j->out, " ", 1);
  }
}

/* Print a scalar with jansson; releases v. */
static void dump(writer *j, json_t *v) {
  if (!v || json_dump_callback(v, to_sink, j->out,
                               j->flags | JSON_ENCODE_ANY) != 0)
    j->failed = true;
  json_decref(v);
}

/* jansson's text of a key, into a slot (false when it does not fit). */
static int to_slot(const char *buf, size_t size, void *data) {
  key_slot *k = data;
  if (k->len + size > sizeof k->text)
    return -1;
  memcpy(k->text + k->len, buf, size);
  k->len += size;
  return 0;
}

static void key(writer *j, const char *name) {
  key_slot *k = &j->keys[((uintptr_t)name >> 3) % KEY_SLOTS];
  if (k->name == name && !strcmp(k->copy, name)) {
    emit_put(j->out, k->text, k->len);
    return;
  }
  json_t *v = json_string(name);
  size_t n = strlen(name);
  k->name = NULL;
  k->len = 0;
  if (v && n < sizeof k->copy &&
      json_dump_callback(v, to_slot, k, j->flags | JSON_ENCODE_ANY) == 0) {
    memcpy(k->copy, name, n + 1);
    k->name = name;
    emit_put(j->out, k->text, k->len);
    json_decref(v);
    return;
  }
  k->len = 0;
  dump(j, v);
}

/* What comes before a value in the open container: the separator from the
 * value before it, the line break and indentation, the member's key. */
static bool begin_value(writer *j, const char *name) {
  if (j->failed)
    return false;
  int d = j->depth;
  if (d == 0) {
    if (j->done) /* a second root: a bug in the walk */
      j->failed = true;
    return !j->failed;
  }
  if (j->filled[d - 1]) {
    emit_put(j->out, ",", 1);
    indent(j, d, true);
  } else {
    indent(j, d, false);
  }
  j->filled[d - 1] = true;
  if (!j->array[d - 1]) {
    if (!name) {
      j->failed = true;
      return false;
    }
    key(j, name);
    if (j->flags & JSON_COMPACT)
      emit_put(j->out, ":", 1);
    else
      emit_put(j->out, ": ", 2);
  }
  return !j->failed;
}

/* The scalar `v` (a new reference, released here; NULL when jansson failed
 * to make it). */
static void put(writer *j, const char *name, json_t *v) {
  if (!v || !begin_value(j, name)) {
    json_decref(v);
    j->failed = true;
    return;
  }
  dump(j, v);
  if (j->depth == 0)
    j->done = true;
}

static void open_container(writer *j, const char *name, bool array) {
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
    indent(j, d, false);
  emit_put(j->out, j->array[d] ? "]" : "}", 1);
  if (d == 0)
    j->done = true;
}

static void j_begin_object(void *ctx, const char *name) {
  open_container(ctx, name, false);
}

static void j_begin_array(void *ctx, const char *name, const char *item) {
  open_container(ctx, name, true);
}

static void j_end(void *ctx) { close_container(ctx); }

/* The walk hands over valid UTF-8 only (emit.h). */
static void j_string(void *ctx, const char *name, const char *value) {
  put(ctx, name, value ? json_string_nocheck(value) : json_null());
}

static void j_number(void *ctx, const char *name, double value) {
  put(ctx, name,
      emit_number_is_integer(value) ? json_integer((json_int_t)value)
                                    : json_real(value));
}

static void j_integer(void *ctx, const char *name, long long value) {
  put(ctx, name, json_integer((json_int_t)value));
}

static void j_boolean(void *ctx, const char *name, bool value) {
  put(ctx, name, json_boolean(value));
}

static void j_null(void *ctx, const char *name) { put(ctx, name, json_null()); }

static void j_span(void *ctx, const char *name, frame_span s) {
  open_container(ctx, name, true);
  put(ctx, NULL, json_integer((json_int_t)s.start));
  put(ctx, NULL, json_integer((json_int_t)s.end));
  close_container(ctx);
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
  writer *j = calloc(1, sizeof *j);
  if (!j)
    return cchc_fail(err, CCHC_ERR_NOMEM, "out of memory while writing JSON");
  j->out = out;
  /* Non-integral values with 15 significant digits, as in XML and CSV
   * (jansson's default of 17 prints 12.3 as 12.300000000000001). */
  j->flags = JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15) |
             (compact ? JSON_COMPACT : JSON_INDENT(2));
  cchc_status st = emit_walk(frame, &json_ops, j, err);
  if (st == CCHC_OK && (j->failed || j->depth || !j->done))
    st = cchc_fail(err, CCHC_ERR_NOMEM, "out of memory while writing JSON");
  /* One document per line: end with a newline. */
  if (st == CCHC_OK)
    emit_put(out, "\n", 1);
  free(j);
  return st;
}
