/* out_json.c: the JSON format of out.h, written as the walk goes.
 *
 * Jansson prints every value: a scalar as soon as it comes, a row of a
 * table as one tree (the tree builder of json.c) when the row ends.
 * Jansson has no streaming writer, so the containers around them (the
 * report's object, a table's array) are opened and closed here, with the
 * separators and indentation jansson's own dump of the whole tree puts
 * there (JSON_INDENT(2): an item on a line of its own, two spaces deeper
 * per level, "key": value, "{}" and "[]" when empty); a row printed by
 * jansson at depth 0 gets its depth's indentation after every newline
 * (jansson escapes newlines inside strings, so every newline it prints is
 * one of its own).  A report written whole by jansson and the same report
 * written here are the same bytes (test_out). */
#include "out.h"

#include <stdlib.h>
#include <string.h>

#define JSON_FLAGS                                                        \
  (JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(6))

enum { INDENT = 2 };

/* The row being built, a jansson tree: a value goes into the open
 * container under `name` (which an array ignores); after a failure
 * everything is dropped. */
enum { TREE_MAX_DEPTH = 16 };

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

typedef struct jctx {
  out_sink *sink;
  char *text; /* a row as jansson prints it */
  size_t room;
  /* The open containers written here: whether each is an array, and how
   * many items it has so far. */
  struct jlevel {
    bool array;
    size_t items;
  } open[OUT_MAX_DEPTH];
  int depth;
  json_tree row; /* the open row, built for jansson */
  bool in_row;
  bool failed; /* a value jansson could not make (not UTF-8, no memory) */
} jctx;

static void *j_create(out_sink *sink, out_mode mode) {
  jctx *c = calloc(1, sizeof *c);
  if (c)
    c->sink = sink;
  return c;
}

static void spaces(jctx *c, int depth) {
  static const char blank[] = "                                ";
  for (size_t n = (size_t)depth * INDENT; n > 0;) {
    size_t k = n < sizeof blank - 1 ? n : sizeof blank - 1;
    out_put(c->sink, blank, k);
    n -= k;
  }
}

/* Text jansson printed at depth 0, put at depth `depth`. */
static void put_indented(jctx *c, const char *buf, size_t size, int depth) {
  for (const char *p = buf, *e = buf + size; p < e;) {
    const char *nl = memchr(p, '\n', (size_t)(e - p));
    size_t k = nl ? (size_t)(nl - p) + 1 : (size_t)(e - p);
    out_put(c->sink, p, k);
    if (nl)
      spaces(c, depth);
    p += k;
  }
}

/* Printed into c->text first: jansson calls a callback for every few
 * bytes. */
static void put_value(jctx *c, json_t *v, int depth) {
  size_t n = v ? json_dumpb(v, c->text, c->room, JSON_FLAGS | JSON_ENCODE_ANY)
               : 0;
  if (v && n > c->room) {
    size_t room = n > 2 * c->room ? n : 2 * c->room;
    char *grown = realloc(c->text, room);
    if (grown) {
      c->text = grown;
      c->room = room;
      n = json_dumpb(v, c->text, c->room, JSON_FLAGS | JSON_ENCODE_ANY);
    }
  }
  if (!v || n == 0 || n > c->room)
    c->failed = true;
  else
    put_indented(c, c->text, n, depth);
  json_decref(v);
}

/* Where the next item of the innermost open container goes: after a
 * comma when it is not the first, on a line of its own, named in an
 * object. */
static void next_item(jctx *c, const char *name) {
  if (c->depth == 0)
    return;
  struct jlevel *l = &c->open[c->depth - 1];
  if (l->items++)
    out_put(c->sink, ",", 1);
  out_put(c->sink, "\n", 1);
  spaces(c, c->depth);
  if (!l->array) {
    put_value(c, json_string(name ? name : ""), 0);
    out_put(c->sink, ": ", 2);
  }
}

static void j_begin(void *ctx, const char *name, bool array) {
  jctx *c = ctx;
  if (c->in_row) {
    tree_open(&c->row, name, array ? json_array() : json_object());
    return;
  }
  if (c->depth == OUT_MAX_DEPTH) {
    c->failed = true;
    return;
  }
  next_item(c, name);
  out_put(c->sink, array ? "[" : "{", 1);
  c->open[c->depth++] = (struct jlevel){array, 0};
}

static void j_end(void *ctx) {
  jctx *c = ctx;
  if (c->in_row) {
    tree_close(&c->row);
    return;
  }
  if (c->depth == 0)
    return;
  struct jlevel l = c->open[--c->depth];
  if (l.items) {
    out_put(c->sink, "\n", 1);
    spaces(c, c->depth);
  }
  out_put(c->sink, l.array ? "]" : "}", 1);
  if (c->depth == 0) /* one document per line: end with a newline */
    out_put(c->sink, "\n", 1);
}

static void j_begin_table(void *ctx, const char *name,
                          const out_table *table) {
  j_begin(ctx, name, !table->object);
}

static void j_begin_row(void *ctx, const char *name) {
  jctx *c = ctx;
  next_item(c, name);
  memset(&c->row, 0, sizeof c->row);
  tree_open(&c->row, NULL, json_object());
  c->in_row = true;
}

static void j_end_row(void *ctx) {
  jctx *c = ctx;
  c->in_row = false;
  if (c->row.failed) {
    c->failed = true;
    json_decref(c->row.root);
  } else {
    put_value(c, c->row.root, c->depth);
  }
  memset(&c->row, 0, sizeof c->row);
}

/* A scalar: into the open row, else printed where it stands. */
static void put(jctx *c, const char *name, json_t *v) {
  if (c->in_row) {
    tree_put(&c->row, name, v);
    return;
  }
  next_item(c, name);
  put_value(c, v, c->depth);
}

static void j_string(void *ctx, const char *name, const char *value) {
  put(ctx, name, value ? json_string(value) : json_null());
}

static void j_integer(void *ctx, const char *name, long long value) {
  put(ctx, name, json_integer((json_int_t)value));
}

static void j_real(void *ctx, const char *name, double value) {
  put(ctx, name, json_real(value));
}

static void j_boolean(void *ctx, const char *name, bool value) {
  put(ctx, name, json_boolean(value));
}

static void j_text(void *ctx, const char *text) {}
static bool j_again(void *ctx) { return false; }
static bool j_shows_text(void *ctx) { return false; }

static cchc_status j_finish(void *ctx, cchc_error *err) {
  jctx *c = ctx;
  bool failed = c->failed || c->in_row;
  if (c->in_row)
    json_decref(c->row.root);
  free(c->text);
  free(c);
  return failed ? cchc_fail(err, CCHC_ERR_NOMEM,
                            "out of memory while writing JSON")
                : CCHC_OK;
}

const out_ops out_json_ops = {
    .create = j_create,
    .begin = j_begin,
    .end = j_end,
    .begin_table = j_begin_table,
    .end_table = j_end,
    .begin_row = j_begin_row,
    .end_row = j_end_row,
    .string = j_string,
    .integer = j_integer,
    .real = j_real,
    .boolean = j_boolean,
    .text = j_text,
    .again = j_again,
    .shows_text = j_shows_text,
    .finish = j_finish,
};
