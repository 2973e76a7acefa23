/* json.c: the frame as JSON, through jansson.  The walk builds a json_t
 * tree; jansson does the escaping and printing (UTF-8 kept as is). */
#include "emit.h"

#include <stdlib.h>
#include <string.h>

void emit_json_put(emit_json_tree *t, const char *name, json_t *v) {
  if (!v || t->failed) {
    json_decref(v);
    t->failed = true;
    return;
  }
  if (t->depth == 0) {
    if (t->root) { /* a second root: a bug in the walk */
      json_decref(v);
      t->failed = true;
      return;
    }
    t->root = v;
    return;
  }
  json_t *parent = t->stack[t->depth - 1];
  int rc = json_is_array(parent) ? json_array_append_new(parent, v)
                                 : json_object_set_new(parent, name, v);
  if (rc != 0)
    t->failed = true;
}

void emit_json_open(emit_json_tree *t, const char *name, json_t *v) {
  if (t->depth == EMIT_JSON_MAX_DEPTH) {
    json_decref(v);
    t->failed = true;
    return;
  }
  emit_json_put(t, name, v); /* the parent owns v now; v stays valid */
  t->stack[t->depth++] = v;
}

void emit_json_close(emit_json_tree *t) {
  if (t->depth > 0)
    t->depth--;
}

cchc_status emit_json_dump(emit_json_tree *t, size_t flags, char **out,
                           size_t *len, cchc_error *err) {
  char *text = t->failed || !t->root ? NULL : json_dumps(t->root, flags);
  json_decref(t->root);
  t->root = NULL;
  if (!text)
    return cchc_fail(err, CCHC_ERR_NOMEM, "out of memory while writing JSON");
  /* One document per line: end with a newline. */
  size_t n = strlen(text);
  char *buf = realloc(text, n + 2);
  if (!buf) {
    free(text);
    return cchc_fail(err, CCHC_ERR_NOMEM, "out of memory while writing JSON");
  }
  buf[n] = '\n';
  buf[n + 1] = '\0';
  *out = buf;
  if (len)
    *len = n + 1;
  return CCHC_OK;
}

static void j_begin_object(void *ctx, const char *name) {
  emit_json_open(ctx, name, json_object());
}

static void j_begin_array(void *ctx, const char *name, const char *item) {
  emit_json_open(ctx, name, json_array());
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
  emit_json_put(ctx, name,
                json_pack("[II]", (json_int_t)s.start, (json_int_t)s.end));
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

cchc_status emit_json(const cchc_frame *frame, bool compact, char **out,
                      size_t *len, cchc_error *err) {
  emit_json_tree t = {0};
  cchc_status st = emit_walk(frame, &json_ops, &t, err);
  if (st != CCHC_OK) {
    json_decref(t.root);
    return st;
  }
  /* Non-integral values with 15 significant digits, as in XML and CSV
   * (jansson's default of 17 prints 12.3 as 12.300000000000001). */
  size_t flags = JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15) |
                 (compact ? JSON_COMPACT : JSON_INDENT(2));
  return emit_json_dump(&t, flags, out, len, err);
}
