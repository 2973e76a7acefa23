/* rewrites.c: a rule pattern rewritten only to run faster finds exactly
 * the matches its old form found (rewrites.h): the side-by-side tries,
 * the corpus texts they run on and the walk over their lines, shared by
 * the rewritten_patterns_match_as_before tests of test_extract_targets,
 * test_extract_deadlines and test_extract_units. */
#define _GNU_SOURCE /* asprintf */
#include "rewrites.h"

#include "harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static pcre2_code *compile(const char *pattern, uint32_t options) {
  int e;
  PCRE2_SIZE at;
  pcre2_code *c = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED,
                                options, &e, &at, NULL);
  ck_assert_msg(c != NULL, "pattern error %d at %zu: %s", e, (size_t)at,
                pattern);
  pcre2_jit_compile(c, PCRE2_JIT_COMPLETE); /* as the rules run, when it can */
  return c;
}

void same_matches_open(same_matches *m, const char *before, const char *now,
                       uint32_t options) {
  *m = (same_matches){.a = compile(before, options),
                      .b = compile(now, options)};
  uint32_t gb = 0;
  pcre2_pattern_info(m->a, PCRE2_INFO_CAPTURECOUNT, &m->groups);
  pcre2_pattern_info(m->b, PCRE2_INFO_CAPTURECOUNT, &gb);
  ck_assert_uint_eq(m->groups, gb); /* groups are read by name and number */
  m->ma = pcre2_match_data_create_from_pattern(m->a, NULL);
  m->mb = pcre2_match_data_create_from_pattern(m->b, NULL);
  ck_assert(m->ma && m->mb);
}

bool same_matches_try(same_matches *m, const char *s, size_t n, size_t at,
                      uint32_t options, size_t *end) {
  int ra = pcre2_match(m->a, (PCRE2_SPTR)s, n, at, options, m->ma, NULL);
  int rb = pcre2_match(m->b, (PCRE2_SPTR)s, n, at, options, m->mb, NULL);
  m->tries++;
  bool same = ra == rb;
  if (same && ra > 0) {
    m->hits++;
    const PCRE2_SIZE *oa = pcre2_get_ovector_pointer(m->ma);
    const PCRE2_SIZE *ob = pcre2_get_ovector_pointer(m->mb);
    for (uint32_t g = 0; g < 2 * (m->groups + 1); g++) same &= oa[g] == ob[g];
    if (end) *end = oa[1] > oa[0] ? oa[1] : oa[0] + 1;
  }
  if (!same && !m->differs &&
      asprintf(&m->differs, "%d before, %d now (or other groups) at %zu of "
               "\"%.*s\"", ra, rb, at, (int)(n - at < 200 ? n - at : 200),
               s + at) < 0)
    m->differs = NULL;
  return same && ra > 0;
}

void same_matches_done(same_matches *m, const char *id, size_t more_than) {
  ck_assert_msg(!m->differs, "%s: %s", id, m->differs);
  ck_assert_msg(m->hits > more_than, "%s: %zu matches seen, want more than %zu",
                id, m->hits, more_than);
  same_matches_close(m);
}

void same_matches_close(same_matches *m) {
  pcre2_match_data_free(m->ma);
  pcre2_match_data_free(m->mb);
  pcre2_code_free(m->a);
  pcre2_code_free(m->b);
  free(m->differs);
  *m = (same_matches){0};
}

size_t rewrites_texts(char ***texts) {
  char **files;
  size_t n = harness_corpus_all(&files);
  ck_assert_uint_ge(n, 4);
  char **t = calloc(n, sizeof *t);
  ck_assert_ptr_nonnull(t);
  for (size_t i = 0; i < n; i++) {
    cchc_text *x = harness_normalize_file(files[i]);
    t[i] = strdup(cchc_text_data(x));
    ck_assert_ptr_nonnull(t[i]);
    cchc_text_free(x);
  }
  harness_free_list(files, n);
  *texts = t;
  return n;
}

void rewrites_texts_free(char **texts, size_t n) {
  for (size_t i = 0; i < n; i++) free(texts[i]);
  free(texts);
}

void rewrites_walk(const char *text, rewrites_block_fn *each, void *ctx) {
  for (const char *line = text; *line;) {
    const char *end = strchr(line, '\n');
    if (!end) end = line + strlen(line);
    const char *next = *end ? end + 1 : end;
    const char *end2 = strchr(next, '\n');
    if (!end2) end2 = next + strlen(next);
    each(ctx, line, (size_t)(end - line), false);
    if (*end && end2 > next) each(ctx, line, (size_t)(end2 - line), true);
    line = next;
  }
}
