/* rewrites.h: a rule pattern rewritten only to run faster finds exactly
 * the matches its old form found.
 *
 * The old and the new pattern are compiled alike and tried side by side
 * on the same subjects; every try compares whether both match and, when
 * they do, every group.  The first difference is kept for the report (an
 * assertion per try would cost a write each).  The subjects come from the
 * corpus plans, normalized, walked line by line and two lines joined (a
 * block of table cells); what each test tries there (subject stretches,
 * whole-text searches, blank cuts, the rule's examples) stays in the test.
 *
 * Linked into tests/test_extract_targets.c, test_extract_deadlines.c and
 * test_extract_units.c (Makefile: REWRITES_TESTS). */
#ifndef CCHC_TESTS_REWRITES_H
#define CCHC_TESTS_REWRITES_H

#ifndef PCRE2_CODE_UNIT_WIDTH
#define PCRE2_CODE_UNIT_WIDTH 8
#endif
#include <pcre2.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct same_matches {
  pcre2_code *a, *b;            /* the old form, the rules file's */
  pcre2_match_data *ma, *mb;
  uint32_t groups;
  size_t tries, hits;           /* tries; tries both matched alike */
  char *differs;                /* the first difference, or NULL */
} same_matches;

/* The options of a caseless rule (extract/rules.c: compile_rule, but for
 * USE_OFFSET_LIMIT, which only a search with a limit reads). */
#define REWRITES_CASELESS \
  (PCRE2_UTF | PCRE2_UCP | PCRE2_DUPNAMES | PCRE2_CASELESS)

/* Compiles `before` and `now` with `options` (JIT when it can, as the
 * rules run), asserts they capture as many groups (groups are read by
 * name and number) and makes their match data. */
void same_matches_open(same_matches *m, const char *before, const char *now,
                       uint32_t options);

/* Do both match s[0..n) alike from `at` with match `options`?  True when
 * both matched, with the same groups; then *end (if not NULL) is where a
 * search goes on: the match's end, or one past its start if empty. */
bool same_matches_try(same_matches *m, const char *s, size_t n, size_t at,
                      uint32_t options, size_t *end);

/* Asserts that the tries found no difference and more than `more_than`
 * matches (the texts hold what the rule finds: the check saw it match),
 * naming the rule `id`, then closes m. */
void same_matches_done(same_matches *m, const char *id, size_t more_than);

/* Frees what same_matches_open made and the difference; zeroes m. */
void same_matches_close(same_matches *m);

/* The text of every corpus plan (harness_corpus_all), normalized
 * (cchc_normalize), NUL-terminated; the count in the return. */
size_t rewrites_texts(char ***texts);
void rewrites_texts_free(char **texts, size_t n);

/* Calls each(ctx, line, length, false) for each line of text and, when
 * the next line is not empty, each(ctx, line, length of both with the
 * line break between, true). */
typedef void rewrites_block_fn(void *ctx, const char *s, size_t n,
                               bool joined);
void rewrites_walk(const char *text, rewrites_block_fn *each, void *ctx);

#endif
