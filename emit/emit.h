/* emit.h: one walk of a frame, many syntaxes (internal).
 *
 * emit_walk() visits the frame once, in the order of the published schema,
 * and calls an emit_ops table: objects, arrays, scalars, spans.  A format
 * (json.c, xml.c, csv.c) only supplies the ops; what is emitted, in which
 * order, with which names and which values are null is decided here once.
 *
 * Names: every value has a name, one of EMIT_NAMES.  Inside an array the
 * walker passes the array's item name ("reference" in "references"),
 * which XML uses as the element name and JSON ignores.  The root object
 * is named "frame".
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
#include <string.h>

/* Every name the walk gives: the members of the frame's objects and the
 * items of its arrays.  The walk passes a name as its id, so that a
 * format finds what it keeps for a name (its printed key, its column) by
 * index, without comparing strings. */
#define EMIT_NAMES(X)                                                      \
  X(area) X(budget) X(bytes) X(comparator) X(coordinators) X(date)         \
  X(deadline) X(deadlines) X(document) X(encoding) X(end) X(first)         \
  X(frame) X(heading) X(id) X(inconsistencies) X(inconsistency)            \
  X(indicator) X(issuer) X(key) X(kind) X(lead) X(lead_from) X(leads)      \
  X(level) X(mention) X(mentions) X(name) X(number) X(parent)              \
  X(parent_date) X(parent_number) X(path) X(period) X(period_end)          \
  X(period_start) X(place) X(products) X(provenance) X(province)           \
  X(recurrence) X(reference) X(references) X(repairs) X(rule) X(schema)    \
  X(second) X(section) X(sections) X(sha256) X(signer) X(source) X(span)   \
  X(spans) X(start) X(subject) X(target) X(targets) X(task) X(tasks)       \
  X(text) X(title) X(unit) X(value) X(value_max) X(year) X(year_inferred)

typedef enum emit_name {
#define EMIT_NAME_ID(n) NAME_##n,
  EMIT_NAMES(EMIT_NAME_ID)
#undef EMIT_NAME_ID
  EMIT_NNAMES
} emit_name;

/* The text of each name: emit_names[NAME_text] is "text". */
extern const char *const emit_names[EMIT_NNAMES];

typedef struct emit_ops {
  void (*begin_object)(void *ctx, emit_name name);
  void (*end_object)(void *ctx);
  /* `item` names the elements the array will hold. */
  void (*begin_array)(void *ctx, emit_name name, emit_name item);
  void (*end_array)(void *ctx);
  /* `value` (len bytes, NUL-terminated) NULL means null.  `escape_free`:
   * no byte of it is '"', '\\' or below 0x20 (what JSON escapes), found
   * by the walk in the scan that cleans it: a format that escapes only
   * those need not look at the string again. */
  void (*string)(void *ctx, emit_name name, const char *value, size_t len,
                 bool escape_free);
  /* A finite number; see emit_format_number for its text. */
  void (*number)(void *ctx, emit_name name, double value);
  void (*integer)(void *ctx, emit_name name, long long value);
  void (*boolean)(void *ctx, emit_name name, bool value);
  void (*null)(void *ctx, emit_name name);
  /* A byte span [start, end) of the original input. */
  void (*span)(void *ctx, emit_name name, frame_span span);
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

/* Where a format writes: the caller's write function (cchc_render_to),
 * behind a buffer so that it sees pieces of a useful size: the sink's own
 * (EMIT_SINK_BYTES, cchc_render_to's pieces) or the caller's
 * (cchc_render_buffered), which may hold what documents before wrote.
 * After the write function refuses a piece, everything after it is
 * dropped and `failed` stays set. */
enum { EMIT_SINK_BYTES = 16384 };
typedef struct emit_sink {
  cchc_write_fn write;
  void *ctx;
  char *buf;     /* cap bytes */
  size_t cap;
  size_t n;      /* bytes in buf */
  size_t pieces; /* handed to write */
  bool failed;
} emit_sink;

/* A sink writing to `write` from `buf` (cap bytes, of which the first n
 * are held already; cap at least 1 kB). */
void emit_sink_init(emit_sink *s, char *buf, size_t cap, size_t n,
                    cchc_write_fn write, void *ctx);
void emit_put_through(emit_sink *s, const void *data, size_t len);
/* Inline: the formats put a few bytes at a time. */
static inline void emit_put(emit_sink *s, const void *data, size_t len) {
  if (len <= s->cap - s->n && !s->failed) {
    memcpy(s->buf + s->n, data, len);
    s->n += len;
  } else {
    emit_put_through(s, data, len);
  }
}
void emit_puts(emit_sink *s, const char *str);
/* jansson's text of `v` (json_dumpb with `flags`), printed straight into
 * the buffer; false when jansson failed. */
bool emit_put_json(emit_sink *s, const json_t *v, size_t flags);
/* The length of the start of s[0, n) that the walk hands over as it is:
 * valid UTF-8 of characters every format carries (no control character
 * but tab and line breaks, no U+FFFE or U+FFFF); the rest is cleaned. */
size_t emit_clean_prefix(const char *s, size_t n);
/* The same, and *escape_free: no byte of s[0, n) is '"', '\\' or below
 * 0x20 (exact when all of it is clean; false may be said otherwise). */
size_t emit_clean_scan(const char *s, size_t n, bool *escape_free);
/* Does jansson print the valid UTF-8 string s (n bytes) with `flags` as
 * itself between quotes (nothing in it to escape)?  The definition that
 * emit_clean_scan's escape_free follows, which tests compare with both. */
bool emit_json_unescaped(const char *s, size_t n, size_t flags);
/* Hand what is buffered to the write function; false if it ever refused
 * a piece. */
bool emit_sink_flush(emit_sink *s);

/* One CSV field, quoted by libcsv (every field is quoted, so that a null,
 * written as nothing, differs from an empty string ""). */
void emit_csv_field(strbuf *sb, const char *s);

/* Formats.  Each writes the whole frame to `out` as it walks it; a
 * refused write shows in out->failed, not in the status. */
cchc_status emit_json(const cchc_frame *frame, bool compact, emit_sink *out,
                      cchc_error *err);
cchc_status emit_xml(const cchc_frame *frame, emit_sink *out,
                     cchc_error *err);
cchc_status emit_csv(const cchc_frame *frame, bool header, emit_sink *out,
                     cchc_error *err);

#endif
