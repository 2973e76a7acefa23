/* out.h: the output of compare, audit and eval (internal).
 *
 * libxo's rule, as emit_walk follows it for frames: a report is walked
 * once, calling the out_* functions below; a format (table, CSV, JSON)
 * only supplies an out_ops table and decides syntax and escaping.
 *
 * The data is JSON-shaped: objects and arrays nest, every value has a name
 * (ignored inside arrays).  An array opened with out_begin_table is a
 * table: each object in it is a row, and each value in a row, at any
 * depth, is the row's next cell in the table and CSV formats.  Those two
 * formats show tables only (and the table format free text, out_text);
 * their columns are declared when the table opens, for each format
 * separately, since they may show different cells.  Every value says in
 * which formats it appears: OUT_TABLE, OUT_CSV, OUT_JSON or OUT_ALL.
 *
 * Formats
 * - table: the titles, a rule of dashes when asked, then one line per row;
 *   every column but the last padded to its width (the widest cell or
 *   title, at least column.width; by code points) and separated by
 *   column.gap spaces; null cells "-".
 * - CSV: a UTF-8 BOM, the titles, the rows (RFC 4180, every string quoted
 *   by libcsv, integers bare, null an empty field, CRLF).
 * - JSON: jansson, two-space indent, reals with 6 significant digits, a
 *   final newline.
 *
 * Two kinds of writer.  out_new keeps the text and hands it over at the
 * end (the walk runs once; a table's lines are kept until it ends, for
 * its widths).  out_new_stream writes as the walk goes, so that a report
 * of any size takes the memory of one row: a table is walked twice, the
 * first walk measuring its columns and writing nothing (out_again says
 * when to walk once more), and JSON is written row by row (out_json.c). */
#ifndef CCHC_OUT_H
#define CCHC_OUT_H

#include "emit.h"

/* How deep objects and arrays may nest. */
enum { OUT_MAX_DEPTH = 16 };

enum {
  OUT_TABLE = 1u << CCHC_REPORT_TABLE,
  OUT_CSV = 1u << CCHC_REPORT_CSV,
  OUT_JSON = 1u << CCHC_REPORT_JSON,
  OUT_ALL = OUT_TABLE | OUT_CSV | OUT_JSON
};

typedef struct out_column {
  const char *title;
  size_t width; /* table: at least this wide */
  size_t gap;   /* table: spaces before the column (not the first) */
  bool right;   /* table: right-aligned */
} out_column;

/* A table's columns in the table and CSV formats (NULL: the table is not
 * shown in that format).  Must stay valid until out_end_table. */
typedef struct out_table {
  const out_column *table;
  size_t ntable;
  bool rule; /* table: a line of dashes under the titles */
  const out_column *csv;
  size_t ncsv;
  bool object; /* JSON: an object of named rows instead of an array */
} out_table;

typedef struct out_writer out_writer;

/* A writer of `format` into a string; NULL when out of memory. */
out_writer *out_new(cchc_report_format format);
/* A writer of `format` that writes through `write` as it goes; NULL when
 * out of memory.  Walk the report, then again while out_again says so. */
out_writer *out_new_stream(cchc_report_format format, cchc_write_fn write,
                           void *ctx);
/* After a walk: true when the format wants the walk once more (a streamed
 * table: the walk that measured its columns is done, the next writes). */
bool out_again(out_writer *o);
/* A walk of a report into `o`. */
typedef cchc_status (*out_walk_fn)(void *ctx, out_writer *o, cchc_error *err);
/* The report `walk` makes, in `format`, into a string (*res malloc'd and
 * NUL-terminated, *len may be NULL). */
cchc_status out_render(cchc_report_format format, out_walk_fn walk,
                       void *ctx, char **res, size_t *len, cchc_error *err);
/* The report `walk` makes, in `format`, written through `write` as it
 * goes (out_new_stream: walked again while out_again says so). */
cchc_status out_write(cchc_report_format format, out_walk_fn walk, void *ctx,
                      cchc_write_fn write, void *write_ctx, cchc_error *err);

/* Whether out_text shows anywhere in this walk (a walk may skip what only
 * free text needs). */
bool out_shows_text(const out_writer *o);
/* Finish the text and free the writer in every case.  out_new's writer
 * hands the text over (*res malloc'd and NUL-terminated, *len may be
 * NULL); a streaming writer takes res NULL.  Fails when out of memory,
 * when the walk misused the writer, and (CCHC_ERR_IO) when `write`
 * failed. */
cchc_status out_finish(out_writer *o, char **res, size_t *len, cchc_error *err);

void out_begin_object(out_writer *o, const char *name);
void out_end_object(out_writer *o);
void out_begin_array(out_writer *o, const char *name);
void out_end_array(out_writer *o);
void out_begin_table(out_writer *o, const char *name, const out_table *table);
void out_end_table(out_writer *o);

/* Values, shown in the formats of `formats`; a NULL string is null. */
void out_string(out_writer *o, unsigned formats, const char *name,
                const char *value);
void out_integer(out_writer *o, unsigned formats, const char *name,
                 long long value);
/* A real; NaN is null. */
void out_real(out_writer *o, unsigned formats, const char *name, double value);
/* true or false: JSON's literals, the text "true" or "false" elsewhere. */
void out_boolean(out_writer *o, unsigned formats, const char *name,
                 bool value);
void out_null(out_writer *o, unsigned formats, const char *name);
/* Free text (table format only), between the rows of a table when one is
 * open. */
void out_text(out_writer *o, const char *fmt, ...) CCHC_PRINTF(2, 3);

/* Where a format writes its text: out.c's string, or the caller's
 * cchc_write_fn, in pieces of OUT_CHUNK bytes (jansson and the formats
 * write a few bytes at a time).  After a failed write nothing more is
 * written. */
enum { OUT_CHUNK = 64 * 1024 };
typedef struct out_sink {
  cchc_write_fn write;
  void *ctx;
  bool failed;
  char *buf; /* OUT_CHUNK bytes, `len` of them waiting */
  size_t len;
} out_sink;
void out_put(out_sink *sink, const char *data, size_t len);

/* How a format is used: kept and handed over at the end (one walk), or
 * streamed (the table format measures in a first walk). */
typedef enum out_mode { OUT_KEEP, OUT_STREAM } out_mode;

/* What a format does.  The table and CSV formats get tables, rows, cells
 * and text; JSON gets everything but text (rows through begin_row and
 * end_row, the other containers through begin and end).  A format
 * records its own failures and reports them from finish. */
typedef struct out_ops {
  void *(*create)(out_sink *sink, out_mode mode);
  void (*begin)(void *ctx, const char *name, bool array);
  void (*end)(void *ctx);
  void (*begin_table)(void *ctx, const char *name, const out_table *table);
  void (*end_table)(void *ctx);
  void (*begin_row)(void *ctx, const char *name);
  void (*end_row)(void *ctx);
  /* A value: JSON names it; a cell for the others. */
  void (*string)(void *ctx, const char *name, const char *value);
  void (*integer)(void *ctx, const char *name, long long value);
  void (*real)(void *ctx, const char *name, double value);
  /* JSON only; the others get the text. */
  void (*boolean)(void *ctx, const char *name, bool value);
  void (*text)(void *ctx, const char *text);
  /* After a walk: true when the next walk is wanted (and prepared). */
  bool (*again)(void *ctx);
  /* Whether text is shown in this walk. */
  bool (*shows_text)(void *ctx);
  /* Write what is left and free the context (also on failure). */
  cchc_status (*finish)(void *ctx, cchc_error *err);
} out_ops;

extern const out_ops out_table_ops, out_csv_ops, out_json_ops;

#endif
