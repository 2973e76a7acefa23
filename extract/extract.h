/* extract.h: the extraction context shared by the extractors of one
 * document (sections.c, meta.c, refs.c, targets.c, ...).  Internal. */
#ifndef CCHC_EXTRACT_H
#define CCHC_EXTRACT_H

#include "frame.h"
#include "rules.h"

/* How a line stands to the line before it as text of one cell (table.c:
 * PDF text prints a cell, or a sentence, over several short lines). */
typedef enum xjoin {
  XJOIN_NEVER = 0, /* it starts a cell: a heading or a blank on either
                      side, a closed line before, a numbered line */
  XJOIN_MAY,       /* nothing says: a table reader may know more */
  XJOIN_YES,       /* it continues the cell of the line before */
  XJOIN_UNREAD     /* not read yet: table_join reads it when asked */
} xjoin;

/* One canonical line (a block: paragraph, bullet, heading or table cell),
 * in one word, as a long text has a million lines: where it lies is the
 * scan's (xline_start, xline_end). */
typedef struct xline {
  int section : 30;  /* innermost section containing the line, or -1 */
  unsigned join : 2; /* to the line before, an xjoin (table_cells) */
} xline;

struct table;
struct unit_rules;

/* Items of the frame (targets or deadlines) by where their span starts:
 * (start, index) pairs sorted, for the lookups of xtargets_in and
 * xdeadlines_in. */
typedef struct xstart {
  uint32_t start, item; /* (a canonical offset: a text is below 4 GB) */
} xstart;

typedef struct xstarts {
  xstart *by_start;
  size_t n;      /* items indexed: the frame's count when it was built */
  bool built;
  size_t *found; /* the answer to the last lookup */
  size_t cap_found;
  size_t hint; /* where the last lookup's search ended: the next starts */
} xstarts;

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
  struct table *tables;      /* crawled tables (table.c), owned */
  size_t ntables, cap_tables;
  /* table.c: crawled cells answered by the facts kept for their text
   * (for tests) */
  size_t table_facts_reused;
  xstarts target_starts, deadline_starts; /* built when first asked */
  rule_text scan; /* the text as rule_scan reads it, owned */
  struct unit_rules *unit_rules; /* units.c: chosen for the level, owned */
  cchc_error *err;
  /* meta.c: the group `subject` of the title's match, as meta_title found
   * it ([subject_start, subject_end) when has_subject), for the plan's
   * subject (meta_subject_overlap); title_read false: not found yet */
  bool title_read, has_subject;
  size_t subject_start, subject_end;
  /* table.c: how short lines stood to the lines before them, by their
   * bytes (read_join), owned; NULL until first asked */
  struct join_memo *join_memo;
  /* table.c: joins answered by join_memo (for tests) */
  size_t joins_reused;
  /* targets.c: which literals of the rules a block runs by each distinct
   * word of the text holds (block_may_match), one allocation, owned;
   * NULL until first asked */
  struct block_words *block_words;
  /* extract.c: the line xline_at answered last, where its next search
   * starts (callers mostly ask of offsets near the one before) */
  size_t line_hint;
  /* extract.c: this xctx counts among the plans open on its thread, for
   * whom the first rooms of unit lists are kept (xunits_free) */
  bool keeps_rooms;
} xctx;

/* Canonical offsets of line li (< x->nlines): its start, and its end (its
 * '\n' excluded), the line ends of x->scan. */
static inline size_t xline_start(const xctx *x, size_t li) {
  return li ? (size_t)x->scan.line_end[li - 1] + 1 : 0;
}
static inline size_t xline_end(const xctx *x, size_t li) {
  return x->scan.line_end[li];
}

/* The features (rule_features) of line li's text, without its break: the
 * scan read them with the break, and a lead byte's with the byte after it
 * (a line of valid UTF-8 ends in no lead byte; one that does is read
 * again: rule_features reads a last lead byte without a next). */
static inline uint64_t xline_features(const xctx *x, size_t li) {
  size_t a = xline_start(x, li), b = xline_end(x, li);
  if (b > a && (unsigned char)x->s[b - 1] >= 0xC0)
    return rule_features(x->s + a, b - a);
  return rule_line_has(&x->scan, li) & ~rule_ascii_features['\n'];
}

/* Frame spans hold canonical offsets while extraction runs: extractors
 * build them as (frame_span){start, end} and compare them with the text;
 * cchc_extract maps every span to the original input once, at the end. */

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
/* The context the extractors share, over `text` before any of them runs:
 * a new frame, match data, the text's scan and its lines.  extract_frame
 * runs the extractors in one; a test may run a few.  xctx_close frees
 * what the extractors added too; *x is all zero before xctx_open. */
cchc_status xctx_open(xctx *x, const cchc_rules *rules, const cchc_text *text,
                      cchc_error *err);
void xctx_close(xctx *x);

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
/* Is line li a section heading (the first line of its section)? */
bool xline_is_heading(const xctx *x, size_t li);
/* Start of the text of line li: after its section marker when it is a
 * heading (the group `head` of its section rule), after its bullet
 * otherwise. */
size_t xline_text_start(const xctx *x, size_t li);
/* Is line li only white space? */
bool xline_blank(const xctx *x, size_t li);
/* Is c a blank (space, tab, line break)? */
bool xblank(char c);
/* Shrink canonical [*a, *b) past blanks at both ends. */
void xtrim(const xctx *x, size_t *a, size_t *b);
/* Drop the list marker that opens [*a, b) ("- ", "2.4. ", "a) ": the one
 * grammar, cchc_list_marker) and the blanks around it. */
void xskip_bullet(const xctx *x, size_t *a, size_t b);
/* Section rule r of marks (the set's section rules) with its mark_*
 * fields read (rule.mark_state), once for the rule set. */
const rule *xsection_mark(rule_list marks, const rule *r);
/* The appendix of the plan as lines [*first, *last) (the section whose
 * rule has marker=appendix); false when it has none. */
bool xappendix_lines(const xctx *x, size_t *first, size_t *last);

/* The frame's targets (deadlines) whose span starts in canonical [a, b),
 * in index order: *n indices, in storage of x valid until the next lookup
 * of the same kind.  Each is a binary search of the items sorted by start
 * once (again when their number has changed), so passes that look up the
 * items of each line or cell stay linear.  The spans must not change
 * while their number stays the same: the task passes, which run once the
 * targets and deadlines are final, use them.  A failed allocation marks
 * the frame failed and finds nothing. */
const size_t *xtargets_in(xctx *x, size_t a, size_t b, size_t *n);
const size_t *xdeadlines_in(xctx *x, size_t a, size_t b, size_t *n);

/* Does a rule of `rules` match canonical [a, b)?  The first that does is
 * *hit (when hit is not NULL); x->md holds its match, relative to a.
 * Rules whose facts say they cannot match [a, b) are not run. */
bool xany(xctx *x, rule_list rules, size_t a, size_t b, const rule **hit);
/* xany over line li (its text, without the break), whose features the
 * scan read with every line's (xline_features): a table reader asks rules
 * of whole lines, line by line, where each ask read the line's bytes for
 * them again. */
bool xany_line(xctx *x, rule_list rules, size_t li, const rule **hit);
/* The earliest match of a rule of `rules` in canonical [a, b): *ms, *me
 * (canonical offsets) and *hit (the first rule, in file order, on a tie).
 * x->md is not left holding it. */
bool xfirst(xctx *x, rule_list rules, size_t a, size_t b, size_t *ms,
            size_t *me, const rule **hit);
/* xfirst over line li's text (as xany_line). */
bool xfirst_line(xctx *x, rule_list rules, size_t li, size_t *ms, size_t *me,
                 const rule **hit);
/* xfirst for a match that starts before `limit` (a <= limit <= b): the
 * search stops there. */
bool xfirst_before(xctx *x, rule_list rules, size_t a, size_t b,
                   size_t limit, size_t *ms, size_t *me, const rule **hit);

/* r's first match in s[0..n) (canonical text or a part of it) that
 * starts in [pos, limit], in x->md.  PCRE2 tries every position of a rule
 * whose first bytes it does not know (rule_exec tries those of its facts,
 * rules.h: by_first): such a rule is tried at each of them, as rule_exec
 * does, up to the limit only. */
bool xmatch_until(xctx *x, const rule *r, const char *s, size_t n, size_t pos,
                  size_t limit);
/* A hash of s[0, n) taken 8 bytes at a time, for the tables that keep
 * answers by text (units' ranges, table cells): not for anything kept
 * across documents or written out. */
uint64_t xtext_hash(const char *s, size_t n);
/* r's match in s[0..n) that starts at `at`, in x->md: by the pattern
 * compiled anchored and without PCRE2's start-up scans (rule.anchored,
 * rules.h, compiled at the first try), as a search from `at` would look
 * ahead for a character every match holds, as far as the end of the
 * text when it is missing, at every try. */
bool xmatch_at(xctx *x, const rule *r, const char *s, size_t n, size_t at);
/* Does every match of r start with one of its anchor words (rules.h:
 * each match holds an anchor word 0 bytes and no white space after its
 * start)?  Then its leftmost match from a position is its match
 * (xmatch_at) at the first place of one of its words where it has one. */
bool xstarts_with_word(const rule *r);

/* The extractors, run in order by cchc_extract (extract.c); each appends
 * to x->f and returns CCHC_OK or an error (x->err filled). */
cchc_status extract_sections(xctx *x);
cchc_status extract_meta(xctx *x);
/* The province of the document by the votes of meta.province.* (meta.c):
 * run by extract_deadlines after its walk of the text, which finds the
 * places of those rules' words too. */
void meta_province_vote(xctx *x);
cchc_status extract_refs(xctx *x);
/* For tests: the first match of r, a citation rule whose matches hold a
 * document number (ref.cite, ref.bare, ref.self), at or after `at`, in
 * x->md, found as extract_refs finds it; *by_sites: only where numbers
 * stand (refs.c), not by a search of the text.  False when none (or no
 * memory). */
bool refs_number_match(xctx *x, const rule *r, size_t at, bool *by_sites);
cchc_status extract_targets(xctx *x);
/* The period (ISO first and last day) of the earliest period expression
 * in canonical [a, b) (meta.c; refs.c scores candidate parents by it). */
bool meta_find_period(xctx *x, size_t a, size_t b, char from[11],
                      char to[11]);
/* The longest run of consecutive words canonical [a, b) shares with the
 * plan's subject (the title's group `subject`), folded by match key
 * (meta.c; refs.c: a cited programme on the plan's own subject).  The
 * subject's words are read at the first call into *subject (NULL before;
 * one document's, kept for its later calls; meta_subject_free). */
typedef struct meta_subject meta_subject;
int meta_subject_overlap(xctx *x, meta_subject **subject, size_t a,
                         size_t b);
void meta_subject_free(meta_subject *subject);
/* For tests only (false in use): the last match of a meta rule whose
 * matches start at line starts is found by rule_scan's searches, not
 * tried at each line start (meta.c: scan), so that both ways can be
 * compared (test_extract_meta). */
extern bool meta_line_tries_off;
/* For tests only (false in use): the rules with window=comma are searched
 * in the whole header, not in the windows before their commas (meta.c:
 * find_by_commas). */
extern bool meta_comma_windows_off;
/* For tests only (false in use): periods are searched by rule_scan in
 * spans of every length (meta.c: period_scan). */
extern bool meta_period_exec_off;
/* For tests only (false in use): every heading's area rules are told by
 * the heading folded and searched for their words (sections.c:
 * heading_area), not by the words of the text's runs it touches
 * (headings_areas), so that both ways can be compared. */
extern bool sections_area_words_off;
/* For tests only (false in use): the parent's cues are asked in file
 * order, not the cheap first (refs.c: cues_order), and the mentions in
 * text order, not from the last (choose_parent). */
extern bool refs_cue_order_off;
/* For tests: with it set, the stops of a scan by the sites of numbers
 * (the bytes of its rule's barrier) are read byte by byte from the
 * features of all 128 ASCII bytes, not by the lists of each feature's
 * bytes (refs.c: site_scan_init). */
extern bool refs_stops_by_bytes;
/* Time limits (deadlines.c); tasks and leads (tasks.c and the passes it
 * runs: duties.c, appendix.c); appendix targets that disagree with the
 * body (inconsistencies.c). */
cchc_status extract_deadlines(xctx *x);
cchc_status extract_tasks(xctx *x);
cchc_status extract_inconsistencies(xctx *x);

/* The frame deadline a clause canonical [a, b) sets (deadlines.c): the
 * first time limit lying inside it, else the first recurrence ("báo cáo
 * định kỳ" says how often, not by when); -1 when none. */
int deadline_within(const xctx *x, size_t a, size_t b);
/* Does canonical [a, b) overlap a frame deadline? */
bool deadline_overlaps(const xctx *x, size_t a, size_t b);
/* Is frame deadline i (>= 0) a recurrence? */
bool deadline_recurs(const xctx *x, int i);

/* A unit mention found by units.c: taxonomy key (NULL when the text names
 * a unit the taxonomy lacks), its canonical name, and canonical offsets. */
typedef struct xunit {
  const char *key;  /* owned by the rules, or NULL */
  const char *name; /* canonical name (taxonomy), or NULL */
  size_t start, end;
  const char *rule;
} xunit;

/* A growable array of unit mentions.  Zero-initialize; release with
 * xunits_free.  A failed allocation marks the frame failed (cchc_extract
 * then reports it) and leaves the list as it was. */
typedef struct xunits {
  xunit *items;
  size_t n, cap;
} xunits;
void xunits_push(xctx *x, xunits *l, const xunit *u);
void xunits_free(xunits *l);
/* Does l name u already (the same key; for a unit the taxonomy lacks, the
 * same text)?  xunits_add pushes u unless it does. */
bool xunits_has(const xctx *x, const xunits *l, const xunit *u);
void xunits_add(xctx *x, xunits *l, const xunit *u);
/* Make dst a copy of src. */
void xunits_copy(xctx *x, xunits *dst, const xunits *src);
/* Is there only joining text (blanks, commas, "và": the coord.gap rules)
 * between two unit mentions at a and b (a <= b)? */
bool units_joined(xctx *x, size_t a, size_t b);

/* Unit mentions in canonical [start, end), in text order, appended to
 * *out. */
void units_find(xctx *x, size_t start, size_t end, xunits *out);
/* A unit-like noun phrase in canonical [start, end) that the taxonomy lacks
 * ("Trung tâm Chuyển đổi số tỉnh"), for a lead or coordinator position:
 * the first one not overlapping a units_find mention, as *out with key and
 * name NULL.  False when there is none.  Call again from out->end for the
 * next one. */
bool units_unknown(xctx *x, size_t start, size_t end, xunit *out);
/* units_find with the unit names the taxonomy lacks (key and name NULL)
 * that overlap no mention, in text order: who a clause names, known or
 * not. */
void units_find_named(xctx *x, size_t start, size_t end, xunits *out);
/* Can a mention units_find_named gives for [at, end) start at `at`?  False
 * only when none can: no rule it runs matches there. */
bool units_may_start(xctx *x, size_t at, size_t end);
/* Can a mention units_find_named gives for any range start at `at`?
 * False only when none can, by the bytes and words the rules' mentions
 * start with and the characters their matches follow (rule_facts.first,
 * guard, rule.first_words): no search, no literal gate. */
bool units_mention_may_start(xctx *x, size_t at);
/* For tests: with `on`, every unit rule runs over every range asked,
 * searched as a whole (no literal gate, no answer kept for a range or a
 * text): what the gated search must give.  False without memory. */
bool units_set_ungated(xctx *x, bool on);
/* For tests: with it set, the names' grammar (units_find_named) is tried
 * at every place of a range, also past the last one outside the known
 * mentions (names found there overlap one and are dropped). */
extern bool names_scan_full;
/* For tests: the stretches of whole lines where the table rules of the
 * deadlines look for cells (deadlines.c: cell_stretches), the sections
 * read, as start and end offsets in turn in *out (malloc'd); false
 * without memory. */
bool deadlines_cell_stretches(xctx *x, size_t **out, size_t *nout);
/* Do the matches of r open at a line start, or also after a '|'
 * (*pipes), then blanks ([ \t]*), and then one of the bytes of `bytes`
 * (a bit each), as its pattern reads "(?m)", lookbehinds, "^" or
 * "(?:^|(?<=\|))", "[ \t]*" and a rest whose first bytes PCRE2 knows
 * and holds no blank?  False when not so, or not read (deadlines.c). */
bool deadline_opening_read(const rule *r, bool *pipes, uint64_t bytes[4]);
/* For tests: whether rule r is tried near its words found in the walk
 * of the text (walk_wants) and searched near them window by window
 * (near_ranged), read afresh, where the passes read what deadline_said
 * kept in r (said_walk_wants, said_near_ranged). */
void deadline_near_read(const rule *r, bool *walk_wants, bool *ranged);
/* For tests: with it set, every where=table rule is searched through the
 * stretches (scan_cells), none at the openings of lines and cells. */
extern bool deadlines_cells_by_scan;
/* For tests: with it set, the places the deadline walks found are kept
 * for the nodeadline rules by asking each rule for each place, not by the
 * list of those rules' words made once (deadlines.c: places_release). */
extern bool deadlines_zone_words_unlisted;
/* One past the last byte of s[lo, hi) that is an ASCII character of the
 * features `barrier` (rule_facts.barrier), 0 when none is: how the
 * deadline passes find where a stretch without a rule's barrier starts
 * (32 bytes at a time where the processor has AVX2).  For tests, with
 * deadlines_barrier_avx2_off set, byte by byte (or by memrchr) as where
 * it has not. */
size_t deadlines_barrier_last(const char *s, size_t lo, size_t hi,
                              uint64_t barrier);
extern bool deadlines_barrier_avx2_off;
/* For tests: with it set, the literal gate of the unit rules places each
 * run along its literals by the list of its word's literals, also for a
 * word of one literal (units.c: postings_build, one1). */
extern bool units_gate_one_post_off;
/* For tests: with it set when the literal gate of the unit rules is
 * built, it tells whether a range holds a literal of each clause of a
 * rule by the words of each clause's set one by one, also for a set of two
 * words (units.c: range_may_hold). */
extern bool units_gate_sets_by_words_off;
/* For tests: the literal gate of the unit rules over x's whole text, built
 * now if not yet: the runs whose words hold a literal or are too long
 * (held[0, nheld), run numbers in order), and for the literals numbered
 * [0, nlits) the runs posted for each, post_run[post_first[l],
 * post_first[l + 1]) (borrowed until x closes).  False when the gate does
 * not read the text's words (no unit rules, a text too long, without
 * memory). */
typedef struct units_gate_runs {
  const uint32_t *held;
  size_t nheld;
  const size_t *post_first;
  const uint32_t *post_run;
  size_t nlits;
} units_gate_runs;
bool units_gate_runs_of(xctx *x, units_gate_runs *out);
/* For tests: does one of r's first words (rule.first_words, not NULL)
 * stand at s[i] in a text cut at `cut` (i < cut), as units.c tells it? */
bool units_first_word_at(const rule *r, const char *s, size_t i, size_t cut);
/* Release what units.c keeps for the document. */
void units_free(xctx *x);
/* How many times units_find and the like answered a range by the answer
 * kept for another range of the same text and context (for tests). */
size_t units_text_hits(const xctx *x);
/* How many tries of the names' grammar at one place were run, and not
 * answered by the try kept for that place and cut (for tests). */
size_t units_name_tries(const xctx *x);
/* How many levels the unit rules of rs were chosen for, each once for
 * every document and worker of that level (for tests). */
size_t units_levels_chosen(const cchc_rules *rs);

/* For tests only (false in use): a window of the rules with
 * window=comma is searched after every comma followed by white space and
 * a byte that may open "ngày", not only after those followed by the word
 * (meta.c: find_by_commas). */
extern bool meta_comma_word_off;

/* A search of rules whose matches end with a document's number by the
 * places such a number may stand (refs.c: scan_sites), within
 * x->s[0, len) (len is cut at x->n), the places read once for all the
 * rules asked: NULL without memory.  refs_sites_scan: r's first match in
 * x->s[0, len) at or after `at`, as rule_scan(r, &x->scan, len, at,
 * x->md) finds it, into *found (x->md holds it); false when r is not
 * searched so (its pattern does not end with a number; no memory):
 * nothing was searched. */
typedef struct refs_sites refs_sites;
refs_sites *refs_sites_open(xctx *x, size_t len);
size_t refs_sites_len(const refs_sites *rs);
bool refs_sites_scan(refs_sites *rs, const rule *r, size_t at, bool *found);
void refs_sites_close(refs_sites *rs);

/* For tests only (false in use): the rules of the plan's number are
 * searched over the header, not only before the places of numbers
 * (meta.c: find, refs_sites_scan). */
extern bool meta_number_sites_off;

#endif
