/* out_json.c: the JSON format of out.h.  A report is small: it is built
 * as a jansson tree, value by value, which jansson then prints (a member
 * set twice keeps its place and takes the last value). */
#include "out.h"

#include <stdlib.h>
#include <string.h>

enum { TREE_MAX_DEPTH = 16 };

/* A value goes into the open container under `name` (which an array
 * ignores); after a failure everything is dropped. */
typedef struct json_tree {
  json_t *root;
  json_t *stack[TREE_MAX_DEPTH];
  int depth;
  bool failed;
} json_tree;

/* Put `v` (a new reference; NULL when jansson failed) in the open
 * container, or make it the root. */
static void tree_put(json_tree *t, const char *name, json_t *v) {
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

/* Put the container `v` and open it; tree_close closes it. */
static void tree_open(json_tree *t, const char *name, json_t *v) {
  if (t->depth == TREE_MAX_DEPTH) {
    json_decref(v);
    t->failed = true;
    return;
  }
  tree_put(t, name, v); /* the parent owns v now; v stays valid */
  t->stack[t->depth++] = v;
}

static void tree_close(json_tree *t) {
  if (t->depth > 0)
    t->depth--;
}

/* Print the document with jansson `flags`, then a newline, into *out
 * (malloc'd, NUL-terminated); releases the tree. */
static cchc_status tree_dump(json_tree *t, size_t flags, char **out,
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

static void *j_create(void) { return calloc(1, sizeof(json_tree)); }

static void j_begin(void *ctx, const char *name, bool array) {
  tree_open(ctx, name, array ? json_array() : json_object());
}

static void j_end(void *ctx) { tree_close(ctx); }

static void j_begin_table(void *ctx, const char *name,
                          const out_table *table) {
  j_begin(ctx, name, !table->object);
}

static void j_begin_row(void *ctx, const char *name) {
  j_begin(ctx, name, false);
}

static void j_string(void *ctx, const char *name, const char *value) {
  tree_put(ctx, name, value ? json_string(value) : json_null());
}

static void j_integer(void *ctx, const char *name, long long value) {
  tree_put(ctx, name, json_integer((json_int_t)value));
}

static void j_real(void *ctx, const char *name, double value) {
  tree_put(ctx, name, json_real(value));
}

static void j_boolean(void *ctx, const char *name, bool value) {
  tree_put(ctx, name, json_boolean(value));
}

static void j_text(void *ctx, const char *text) {}

static cchc_status j_finish(void *ctx, char **res, size_t *len,
                            cchc_error *err) {
  cchc_status st = tree_dump(
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
