/* normalize.h: internal interface of the normalize stage. */
#ifndef CCHC_NORMALIZE_H
#define CCHC_NORMALIZE_H

#include "../common/internal.h"

/* A repair is 16 bytes, as a long text logs a line join per wrapped line:
 * most details are fixed words, kept as the string literal they are; the
 * others are formatted into the log's `details`. */
typedef struct cchc_repair {
  uint32_t offset; /* in the original input */
  uint8_t kind;
  bool formatted; /* detail.at in the log's details, else detail.fixed */
  union {
    const char *fixed;
    uint32_t at;
  } detail;
} cchc_repair;

/* Repairs are always counted; the list keeps the first CCHC_REPAIR_LIST_MAX. */
#define CCHC_REPAIR_LIST_MAX 200000
/* A detail is cut to CCHC_REPAIR_DETAIL_MAX - 1 bytes. */
#define CCHC_REPAIR_DETAIL_MAX 47

typedef struct cchc_repair_log {
  cchc_repair *items;
  size_t len, cap;
  char *details; /* the formatted details, each with its NUL */
  size_t details_len, details_cap;
  size_t counts[CCHC_REPAIR_KIND_COUNT];
  bool failed;
  bool counts_only; /* CCHC_NORM_TEXT_ONLY: no list */
  bool length_only; /* CCHC_NORM_NO_REPAIR_LIST: len, no items */
} cchc_repair_log;

void cchc_log_init(cchc_repair_log *log);
void cchc_log_free(cchc_repair_log *log);
/* `fmt` is a string literal: kept, not copied, when it has no conversion. */
void cchc_log_repair(cchc_repair_log *log, cchc_repair_kind kind,
                     uint32_t offset, const char *fmt, ...) CCHC_PRINTF(4, 5);
/* The same for a detail that is a string literal without a conversion
 * and shorter than CCHC_REPAIR_DETAIL_MAX, kept as it is: no variadic
 * call for the repairs a long text logs by the million. */
void cchc_log_fixed_listed(cchc_repair_log *log, cchc_repair_kind kind,
                           uint32_t offset, const char *detail);
static inline void cchc_log_fixed(cchc_repair_log *log, cchc_repair_kind kind,
                                  uint32_t offset, const char *detail) {
  /* A log that keeps the count of its repairs and their number only (a
   * frame's), as log_slot does for it: no call per line joined. */
  if (log->length_only && !log->counts_only && !log->failed) {
    log->counts[kind]++;
    log->len += log->len < CCHC_REPAIR_LIST_MAX;
    return;
  }
  cchc_log_fixed_listed(log, kind, offset, detail);
}
/* The detail of repair r of `log`. */
const char *cchc_log_detail(const cchc_repair_log *log, const cchc_repair *r);
/* Log the repairs of `more` after those of `log`, as if logged there. */
void cchc_log_append(cchc_repair_log *log, const cchc_repair_log *more);

typedef struct cchc_canon cchc_canon; /* stage 2, below */
/* Stage 2 takes what is fed to it once this many bytes wait (and the
 * decoder feeds it at most CCHC_DECODE_RUN at a time): its input never
 * holds more than the two. */
enum { CCHC_CANON_BATCH = 8 * 16384, CCHC_DECODE_RUN = 65536 };

/* Stage 1: bytes -> UTF-8 with the map, fed to stage 2 as it is decoded.
 * CR LF and CR become LF, form feeds become LF, control characters are
 * dropped (counted). */
/* `starts` (len / 8 + 8 bytes, zeroed: its blocks are marked 8 bytes at a
 * time) receives one bit per source byte
 * that begins a character, so spans can end where a source character ends
 * whatever became of it (NULL: no map is kept). */
cchc_status cchc_decode(const char *in, size_t len,
                        const cchc_normalize_options *opt, cchc_canon *out,
                        uint8_t *starts, cchc_encoding *enc_out,
                        cchc_repair_log *log, cchc_error *err);

/* Stage 2: characters -> canonical characters (NFC with ICU, tone marks,
 * look-alike letters, spaces, dashes and quotes), streaming: text appended
 * to cchc_canon_input() is canonicalized into `out` as soon as it is
 * complete (cchc_canon_fed), the rest by cchc_canon_finish. */
/* Where stage 2 changed the text it wrote (offsets in it, increasing): a
 * pass that must make it canonical again after removing markers need not
 * read the lines it left as they were.  `all`: anywhere. */
typedef struct cchc_edits {
  size_t *at;
  size_t n, cap;
  bool all;
} cchc_edits;

/* NULL when out of memory.  `log` is the log cchc_canon_finish will log
 * to: the repairs are listed only as it lists them (its length_only and
 * counts_only). */
cchc_canon *cchc_canon_new(cchc_mbuf *out, const cchc_repair_log *log);
void cchc_canon_free(cchc_canon *c);
cchc_mbuf *cchc_canon_input(cchc_canon *c);
/* Forget all that was fed and written: start again. */
void cchc_canon_reset(cchc_canon *c);
void cchc_canon_fed(cchc_canon *c);
/* As if s[0, n), mapped byte for byte to src, src + 1, ..., were appended
 * to cchc_canon_input() and cchc_canon_fed ran, its step taken whatever
 * n (or, when `final`, the step of cchc_canon_finish, as no more is fed):
 * when the input was empty, its chunks are read where they lie (the
 * decoder's input, whole runs of which need no copy), and only what the
 * step leaves is copied to the input.  `s` is not read after the call. */
void cchc_canon_fed_in_place(cchc_canon *c, const char *s, size_t n,
                             uint32_t src, bool final);
/* The rest; the repairs go to `log` (NFC's first, then the mapping's),
 * the places it changed to *edits (the caller frees edits->at). */
cchc_status cchc_canon_finish(cchc_canon *c, cchc_repair_log *log,
                              cchc_edits *edits, cchc_error *err);

/* Stage 2 again on `text`, rewritten in place, after markers were removed
 * from a text stage 2 wrote: on the lines [lines[2k], lines[2k + 1]) (each
 * with its newline; increasing), the others being canonical already, or
 * on all of it (lines NULL). */
cchc_status cchc_canon_chars(cchc_mbuf *text, const size_t *lines,
                             size_t nlines, cchc_repair_log *log,
                             cchc_error *err);

/* What stage 2 asks of a character where text is joined: is it a word
 * character (a letter or a mark: the tone rule's words), and does NFC
 * never join it to what precedes it (NFC quick check yes, combining class
 * 0; false for one it cannot tell)? */
bool cchc_canon_word_char(int32_t cp);
bool cchc_canon_starter(int32_t cp);

/* Stage 3: layout repair (Markdown, wrapped lines, page numbers) of
 * `text`, rewritten in place; `edits`: where stage 2 changed it.
 * `settled` (may be NULL) is called once its characters are final, once
 * the Markdown is stripped and before the lines are read: from there on
 * layout only drops blanks, markers, page numbers and line breaks, and
 * writes separators that map where a character of that text ends.  It
 * may return a block (from malloc, *bytes long) it needs no more, which
 * layout takes for its line array: pages written already are no fresh
 * memory to fault in. */
cchc_status cchc_layout(cchc_mbuf *text, const cchc_edits *edits,
                        cchc_repair_log *log,
                        void *(*settled)(void *arg, const cchc_mbuf *text,
                                         size_t *bytes),
                        void *settled_arg, cchc_error *err);

/* cchc_layout, and the lines of the text it leaves, which its last pass
 * read: *line_ends (from malloc, *nline_ends of them) the offset of the
 * newline that ends each line, then the text's length (the empty line
 * after the last newline, as cchc_line_count counts it); NULL when layout
 * does not hold them (a last pass over a copy without Markdown). */
cchc_status cchc_layout_lines(cchc_mbuf *text, const cchc_edits *edits,
                              cchc_repair_log *log,
                              void *(*settled)(void *arg,
                                               const cchc_mbuf *text,
                                               size_t *bytes),
                              void *settled_arg, uint32_t **line_ends,
                              size_t *nline_ends, cchc_error *err);

/* For tests only (false in use): layout counts again the code points of
 * each block it joined (JOINED_PLAIN), which it took as its lines were
 * written, and looks for a broken hyphen in it; layout_joined_wrong
 * counts those whose count or plainness was wrong, of
 * layout_joined_blocks. */
extern bool layout_check_joined;
extern size_t layout_joined_blocks, layout_joined_wrong;

/* For tests only (false in use): read_lines counts the code points of
 * each line and finds whether it is plain again as scan_content does on
 * its content alone, which scan_line found in the walk that found its
 * newline; layout_lines_wrong counts those that differ, of
 * layout_lines_read. */
extern bool layout_check_lines;
extern size_t layout_lines_read, layout_lines_wrong;

/* For tests only (false in use): layout runs its passes until one changes
 * nothing, even where the check after the first pass finds that a second
 * would change nothing (first_pass_final); with layout_count_skips,
 * layout_second_passes_skipped counts the texts where it skipped it. */
extern bool layout_second_pass_forced, layout_count_skips;
extern size_t layout_second_passes_skipped;

/* For tests only (false in use): the scans that read 32 bytes at once
 * where the processor has AVX2 (the decoder's pass_blocks, the mapping's
 * plain_stretch, layout's read_lines) take them as blocks of 16 (SSE2),
 * as on one without. */
extern bool canon_avx2_off;

#endif
