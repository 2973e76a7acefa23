/* emit.h: one walk of a frame, many syntaxes (internal).
 *
 * emit_walk() visits the frame once, in the order of the published schema,
 * and calls an emit_ops table: objects, arrays, scalars, spans.  A format
 * (json.c, xml.c, csv.c) only supplies the ops; what is emitted, in which
 * order, with which names and which values are null is decided here once.
 *
 * Names: every value has a name.  Inside an array the walker passes the
 * array's item name ("reference" in "references"), which XML uses as the
 * element name and JSON ignores.  The root object is named "frame".
 *
 * Strings handed to the ops are valid UTF-8 without characters XML cannot
 * carry (C0 controls other than tab, LF and CR; U+FFFE, U+FFFF): the walker
 * replaces those with U+FFFD, so that every format holds the same text.
 * A string argument is only valid during the call. */
#ifndef CCHC_EMIT_H
#define CCHC_EMIT_H

#include "../common/strbuf.h"
#include "../extract/frame.h"

#include <jansson.h>

typedef struct emit_ops {
  void (*begin_object)(void *ctx, const char *name);
  void (*end_object)(void *ctx);
  /* `item` names the elements the array will hold. */
  void (*begin_array)(void *ctx, const char *name, const char *item);
  void (*end_array)(void *ctx);
  /* `value` NULL means null. */
  void (*string)(void *ctx, const char *name, const char *value);
  /* A finite number; see emit_format_number for its text. */
  void (*number)(void *ctx, const char *name, double value);
  void (*integer)(void *ctx, const char *name, long long value);
  void (*boolean)(void *ctx, const char *name, bool value);
  void (*null)(void *ctx, const char *name);
  /* A byte span [start, end) of the original input. */
  void (*span)(void *ctx, const char *name, frame_span span);
} emit_ops;

/* The schema identifier written as "schema" at the top of every frame. */
#define EMIT_SCHEMA_ID "cchc/1"

/* Walk `frame` calling `ops`.  Fails with CCHC_ERR_INVALID (and calls no
 * op) when the frame is inconsistent: an index to a section, target or
 * deadline out of range, a value that is not finite. */
cchc_status emit_walk(const cchc_frame *frame, const emit_ops *ops, void *ctx,
                      cchc_error *err);

/* True when `v` is printed as an integer: integral and |v| < 2^53. */
bool emit_number_is_integer(double v);
/* Text of a number, the same in every format: integral values (see above)
 * as integers ("98"), others with 15 significant digits ("98.5"), the
 * exponent without '+' or leading zeros ("1e300").  Returns `buf`. */
char *emit_format_number(double v, char buf[40]);

/* A JSON document built value by value with jansson, which does the
 * escaping and printing: the frame's JSON (json.c) and the reports'
 * (out_json.c).  A value goes into the open container under `name` (which
 * an array ignores); after a failure everything is dropped. */
enum { EMIT_JSON_MAX_DEPTH = 16 };
typedef struct emit_json_tree {
  json_t *root;
  json_t *stack[EMIT_JSON_MAX_DEPTH];
  int depth;
  bool failed;
} emit_json_tree;

/* Put `v` (a new reference; NULL when jansson failed) in the open
 * container, or make it the root. */
void emit_json_put(emit_json_tree *t, const char *name, json_t *v);
/* Put the container `v` and open it; emit_json_close closes it. */
void emit_json_open(emit_json_tree *t, const char *name, json_t *v);
void emit_json_close(emit_json_tree *t);
/* Print the document with jansson `flags`, then a newline, into *out
 * (malloc'd, NUL-terminated); releases the tree. */
cchc_status emit_json_dump(emit_json_tree *t, size_t flags, char **out,
                           size_t *len, cchc_error *err);

/* One CSV field, quoted by libcsv (every field is quoted, so that a null,
 * written as nothing, differs from an empty string ""). */
void emit_csv_field(strbuf *sb, const char *s);

/* Formats.  Each renders the whole frame into a malloc'd, NUL-terminated
 * buffer. */
cchc_status emit_json(const cchc_frame *frame, bool compact, char **out,
                      size_t *len, cchc_error *err);
cchc_status emit_xml(const cchc_frame *frame, char **out, size_t *len,
                     cchc_error *err);
cchc_status emit_csv(const cchc_frame *frame, bool header, char **out,
                     size_t *len, cchc_error *err);

#endif
