/* extract.h: the extraction context shared by the extractors of one
 * document (sections.c, meta.c, refs.c, targets.c, ...).  Internal. */
#ifndef CCHC_EXTRACT_H
#define CCHC_EXTRACT_H

#include "frame.h"
#include "rules.h"

/* One canonical line (a block: paragraph, bullet, heading or table cell). */
typedef struct xline {
  size_t start, end; /* canonical offsets, end excludes the '\n' */
  int section;       /* innermost section containing the line, or -1 */
} xline;

typedef struct xctx {
  const cchc_rules *rules;
  const cchc_text *text;
  const char *s; /* canonical text */
  size_t n;
  cchc_frame *f;
  pcre2_match_data *md;
  xline *lines;
  size_t nlines;
  size_t first_section_line; /* lines before it are the header */
  cchc_error *err;
} xctx;

/* What a frame records of its input: the path (NULL for standard input),
 * the SHA-256 as cchc_sha256_hex writes it, and the size in bytes. */
typedef struct frame_source {
  const char *path;
  const char *sha256;
  size_t bytes;
} frame_source;

/* Run every extractor over `text` into a new frame (*out, owned by the
 * caller).  The frame copies what it needs and borrows nothing.  Only
 * cchc_process calls it: the stages are chained in one place. */
cchc_status extract_frame(const cchc_rules *rules, const cchc_text *text,
                          const frame_source *src, cchc_frame **out,
                          cchc_error *err);

/* Canonical [start, end) to the original-input span. */
frame_span xspan(const xctx *x, size_t start, size_t end);
/* Index of the line holding canonical offset `off`. */
size_t xline_at(const xctx *x, size_t off);
/* Decimal value of the digits s[a..b) (at most 6), or -1. */
int xint(const char *s, size_t a, size_t b);
/* True for a real calendar date between 1900 and 2100. */
bool xvalid_date(int y, int m, int d);
/* ISO date (in the frame arena) from the named groups d, m, y of the
 * current match of r in the canonical text, or NULL. */
const char *xdate_groups(xctx *x, const rule *r);
/* Copy (in the frame arena) of canonical [a, b) with runs of white space
 * folded to one space. */
const char *xfolded(xctx *x, size_t a, size_t b);
/* Area key of section `sec`, walking up to the nearest ancestor with one. */
const char *xsection_area(const xctx *x, int sec);

/* The extractors, run in this order; each appends to x->f.  They return
 * CCHC_OK or an error (x->err filled). */
cchc_status extract_sections(xctx *x);
cchc_status extract_meta(xctx *x);
cchc_status extract_refs(xctx *x);
cchc_status extract_targets(xctx *x);
/* The period (ISO first and last day) of the earliest period expression
 * in canonical [a, b) (meta.c; refs.c scores candidate parents by it). */
bool meta_find_period(xctx *x, size_t a, size_t b, char from[11],
                      char to[11]);
/* The longest run of consecutive words canonical [a, b) shares with the
 * plan's subject (the title's group `subject`), folded by match key
 * (meta.c; refs.c: a cited programme on the plan's own subject). */
int meta_subject_overlap(xctx *x, size_t a, size_t b);
/* Issue 4: time limits (deadlines.c); tasks and leads (tasks.c). */
cchc_status extract_deadlines(xctx *x);
cchc_status extract_tasks(xctx *x);

/* A unit mention found by units.c: taxonomy key (NULL when the text names
 * a unit the taxonomy lacks), its canonical name, and canonical offsets. */
typedef struct xunit {
  const char *key;  /* owned by the rules, or NULL */
  const char *name; /* canonical name (taxonomy), or NULL */
  size_t start, end;
  const char *rule;
} xunit;
/* Unit mentions in canonical [start, end), in text order, at most `max`;
 * returns how many were found (may exceed max). */
size_t units_find(xctx *x, size_t start, size_t end, xunit *out, size_t max);
/* A unit-like noun phrase in canonical [start, end) that the taxonomy lacks
 * ("Trung tâm Chuyển đổi số tỉnh"), for a lead or coordinator position:
 * the first one not overlapping a units_find mention, as *out with key and
 * name NULL.  False when there is none.  Call again from out->end for the
 * next one. */
bool units_unknown(xctx *x, size_t start, size_t end, xunit *out);

#endif
