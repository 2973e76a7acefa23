/* json.c: the frame as JSON, written as the walk goes (emit_json_writer in
 * emit.h): jansson prints every key and scalar, the writer lays them out
 * as jansson lays out a whole tree. */
#include "emit.h"

#include <string.h>

void emit_json_start(emit_json_writer *j, emit_sink *out, size_t flags) {
  memset(j, 0, sizeof *j);
  j->out = out;
  j->flags = flags;
}

static int to_sink(const char *buf, size_t size, void *data) {
  emit_put(data, buf, size);
  return 0;
}

/* jansson's dump_indent: a line break and `depth` levels of indentation,
 * or with no indentation a space where one separates values. */
static void indent(emit_json_writer *j, int depth, bool space) {
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

/* Print a key or scalar with jansson; releases v. */
static void dump(emit_json_writer *j, json_t *v) {
  if (!v || json_dump_callback(v, to_sink, j->out,
                               j->flags | JSON_ENCODE_ANY) != 0)
    j->failed = true;
  json_decref(v);
}

/* What comes before a value in the open container: the separator from the
 * value before it, the line break and indentation, the member's key. */
static bool begin_value(emit_json_writer *j, const char *name) {
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
    dump(j, json_string(name));
    if (j->flags & JSON_COMPACT)
      emit_put(j->out, ":", 1);
    else
      emit_put(j->out, ": ", 2);
  }
  return !j->failed;
}

void emit_json_put(emit_json_writer *j, const char *name, json_t *v) {
  if (!v || !begin_value(j, name)) {
    json_decref(v);
    j->failed = true;
    return;
  }
  dump(j, v);
  if (j->depth == 0)
    j->done = true;
}

void emit_json_open(emit_json_writer *j, const char *name, bool array) {
  if (j->depth == EMIT_JSON_MAX_DEPTH) {
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

void emit_json_close(emit_json_writer *j) {
  if (j->failed || j->depth == 0)
    return;
  int d = --j->depth;
  if (j->filled[d])
    indent(j, d, false);
  emit_put(j->out, j->array[d] ? "]" : "}", 1);
  if (d == 0)
    j->done = true;
}

cchc_status emit_json_end(emit_json_writer *j, cchc_error *err) {
  if (j->failed || j->depth || !j->done)
    return cchc_fail(err, CCHC_ERR_NOMEM, "out of memory while writing JSON");
  /* One document per line: end with a newline. */
  emit_put(j->out, "\n", 1);
  return CCHC_OK;
}

static void j_begin_object(void *ctx, const char *name) {
  emit_json_open(ctx, name, false);
}

static void j_begin_array(void *ctx, const char *name, const char *item) {
  emit_json_open(ctx, name, true);
}

static void j_end(void *ctx) { emit_json_close(ctx); }

static void j_string(void *ctx, const char *name, const char *value) {
  emit_json_put(ctx, name, value ? json_string(value) : json_null());
}

static void j_number(void *ctx, const char *name, double value) {
  emit_json_put(ctx, name,
                emit_number_is_integer(value) ? json_integer((json_int_t)value)
                                              : json_real(value));
}

static void j_integer(void *ctx, const char *name, long long value) {
  emit_json_put(ctx, name, json_integer((json_int_t)value));
}

static void j_boolean(void *ctx, const char *name, bool value) {
  emit_json_put(ctx, name, json_boolean(value));
}

static void j_null(void *ctx, const char *name) {
  emit_json_put(ctx, name, json_null());
}

static void j_span(void *ctx, const char *name, frame_span s) {
  emit_json_open(ctx, name, true);
  emit_json_put(ctx, NULL, json_integer((json_int_t)s.start));
  emit_json_put(ctx, NULL, json_integer((json_int_t)s.end));
  emit_json_close(ctx);
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
  emit_json_writer j;
  /* Non-integral values with 15 significant digits, as in XML and CSV
   * (jansson's default of 17 prints 12.3 as 12.300000000000001). */
  emit_json_start(&j, out,
                  JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15) |
                      (compact ? JSON_COMPACT : JSON_INDENT(2)));
  cchc_status st = emit_walk(frame, &json_ops, &j, err);
  return st == CCHC_OK ? emit_json_end(&j, err) : st;
}
