/* out_json.c: the JSON format of out.h, on the tree builder that writes
 * the frame's JSON (json.c). */
#include "out.h"

#include <stdlib.h>

static void *j_create(void) { return calloc(1, sizeof(emit_json_tree)); }

static void j_begin(void *ctx, const char *name, bool array) {
  emit_json_open(ctx, name, array ? json_array() : json_object());
}

static void j_end(void *ctx) { emit_json_close(ctx); }

static void j_begin_table(void *ctx, const char *name,
                          const out_table *table) {
  j_begin(ctx, name, !table->object);
}

static void j_begin_row(void *ctx, const char *name) {
  j_begin(ctx, name, false);
}

static void j_string(void *ctx, const char *name, const char *value) {
  emit_json_put(ctx, name, value ? json_string(value) : json_null());
}

static void j_integer(void *ctx, const char *name, long long value) {
  emit_json_put(ctx, name, json_integer((json_int_t)value));
}

static void j_real(void *ctx, const char *name, double value) {
  emit_json_put(ctx, name, json_real(value));
}

static void j_boolean(void *ctx, const char *name, bool value) {
  emit_json_put(ctx, name, json_boolean(value));
}

static void j_text(void *ctx, const char *text) {}

static cchc_status j_finish(void *ctx, char **res, size_t *len,
                            cchc_error *err) {
  cchc_status st = emit_json_dump(
      ctx, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(6), res,
      len, err);
  free(ctx);
  return st;
}

const out_ops out_json_ops = {
    .create = j_create,
    .begin = j_begin,
    .end = j_end,
    .begin_table = j_begin_table,
    .end_table = j_end,
    .begin_row = j_begin_row,
    .end_row = j_end,
    .string = j_string,
    .integer = j_integer,
    .real = j_real,
    .boolean = j_boolean,
    .text = j_text,
    .finish = j_finish,
};
