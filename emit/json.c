/* json.c: the frame as JSON, through jansson.  The walk builds a json_t
 * tree; jansson does the escaping and printing (UTF-8 kept as is). */
#include "emit.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

enum { JSON_MAX_DEPTH = 16 };

typedef struct jctx {
  json_t *root;
  json_t *stack[JSON_MAX_DEPTH];
  int depth;
  bool failed;
} jctx;

/* Attach `v` (a new reference, NULL when jansson failed) to the open
 * container.  After a failure everything is dropped. */
static void put(jctx *c, const char *name, json_t *v) {
  if (!v || c->failed) {
    json_decref(v);
    c->failed = true;
    return;
  }
  if (c->depth == 0) {
    if (c->root) { /* a second root: a bug in the walk */
      json_decref(v);
      c->failed = true;
      return;
    }
    c->root = v;
    return;
  }
  json_t *parent = c->stack[c->depth - 1];
  int rc = json_is_array(parent) ? json_array_append_new(parent, v)
                                 : json_object_set_new(parent, name, v);
  if (rc != 0)
    c->failed = true;
}

static void open_container(jctx *c, const char *name, json_t *v) {
  if (c->depth == JSON_MAX_DEPTH) {
    json_decref(v);
    c->failed = true;
    return;
  }
  put(c, name, v); /* the parent owns v now; v stays valid */
  c->stack[c->depth++] = v;
}

static void j_begin_object(void *ctx, const char *name) {
  open_container(ctx, name, json_object());
}

static void j_begin_array(void *ctx, const char *name, const char *item) {
  open_container(ctx, name, json_array());
}

static void j_end(void *ctx) {
  jctx *c = ctx;
  if (c->depth > 0)
    c->depth--;
}

static void j_string(void *ctx, const char *name, const char *value) {
  put(ctx, name, value ? json_string(value) : json_null());
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
  put(ctx, name, json_pack("[II]", (json_int_t)s.start, (json_int_t)s.end));
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
  jctx c = {0};
  cchc_status st = emit_walk(frame, &json_ops, &c, err);
  if (st != CCHC_OK) {
    json_decref(c.root);
    return st;
  }
  if (c.failed || !c.root) {
    json_decref(c.root);
    return cchc_fail(err, CCHC_ERR_NOMEM, "out of memory while building JSON");
  }
  /* Non-integral values with 15 significant digits, as in XML and CSV
   * (jansson's default of 17 prints 12.3 as 12.300000000000001). */
  size_t flags = JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15) |
                 (compact ? JSON_COMPACT : JSON_INDENT(2));
  char *text = json_dumps(c.root, flags);
  json_decref(c.root);
  if (!text)
    return cchc_fail(err, CCHC_ERR_NOMEM, "out of memory while printing JSON");
  /* One document per line: end with a newline. */
  size_t n = strlen(text);
  char *buf = realloc(text, n + 2);
  if (!buf) {
    free(text);
    return cchc_fail(err, CCHC_ERR_NOMEM, "out of memory while printing JSON");
  }
  buf[n] = '\n';
  buf[n + 1] = '\0';
  *out = buf;
  *len = n + 1;
  return CCHC_OK;
}
