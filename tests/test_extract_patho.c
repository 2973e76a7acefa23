/* test_extract_patho.c: pathological inputs through the whole extractor,
 * each under a time limit: a huge line of numbers, a 4 MB line of targets
 * timed on the CPU (against a limit, and against a 1 MB one for linear
 * growth), thousands of numbering levels, a table of ten thousand
 * one-word cells, crawled tables without end, repeated citations, every
 * byte value (repaired), and plans cut at every length.  Each must finish,
 * keep its spans inside the input and render valid JSON. */
#define _GNU_SOURCE
#include "harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>


#include "../extract/frame.h"

/* Extract, check every span, render JSON and parse it back. */
/* The frame as 'cchc extract -f jsonl' writes it (*len bytes). */
static char *jsonl(const cchc_frame *f, size_t *len) {
  char *json = NULL;
  cchc_error err = {0};
  ck_assert_msg(cchc_render(f, CCHC_FORMAT_JSONL, 0, &json, len, &err) ==
                    CCHC_OK,
                "render: %s", err.message);
  return json;
}

static cchc_frame *run(const char *src, size_t len) {
  cchc_frame *f = harness_process(harness_rules(), src, len);
  for (size_t i = 0; i < f->ntargets; i++)
    ck_assert_uint_le(f->targets[i].span.end, len);
  for (size_t i = 0; i < f->nsections; i++)
    ck_assert_uint_le(f->sections[i].span.end, len);
  for (size_t i = 0; i < f->ndeadlines; i++)
    ck_assert_uint_le(f->deadlines[i].span.end, len);
  size_t jlen;
  char *json = jsonl(f, &jlen);
  cchc_error err = {0};
  /* The JSON reads back as a frame with as many items. */
  cchc_frame *back = NULL;
  ck_assert_msg(cchc_frame_from_json(json, jlen, &back, &err) == CCHC_OK,
                "JSON: %s", err.message);
  ck_assert_uint_eq(cchc_frame_targets(back), cchc_frame_targets(f));
  ck_assert_uint_eq(cchc_frame_tasks(back), cchc_frame_tasks(f));
  cchc_frame_free(back);
  free(json);
  return f;
}

/* Append `piece` to buf until it holds at least n bytes. */
static char *repeat(const char *piece, size_t n, size_t *len) {
  size_t pl = strlen(piece), cap = n + pl + 1;
  char *buf = malloc(cap);
  ck_assert_ptr_nonnull(buf);
  *len = 0;
  while (*len < n) {
    memcpy(buf + *len, piece, pl);
    *len += pl;
  }
  buf[*len] = '\0';
  return buf;
}

START_TEST(one_huge_line_of_targets) {
  size_t len;
  char *src = repeat("tỷ lệ hồ sơ đúng hạn đạt tối thiểu 98%, ", 256 << 10, &len);
  cchc_frame *f = run(src, len);
  ck_assert_uint_gt(f->ntargets, 1000);
  cchc_frame_free(f);
  free(src);
}
END_TEST

START_TEST(one_huge_line_of_clauses) {
  size_t len;
  char *src = repeat("đạt tối thiểu 98%; ", 512 << 10, &len);
  cchc_frame *f = run(src, len);
  ck_assert_uint_gt(f->ntargets, 10000);
  cchc_frame_free(f);
  free(src);
}
END_TEST

/* CPU seconds of this process (the machine may be shared: wall time would
 * count the other processes). */
static double cpu_seconds(void) {
  struct timespec t;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* The whole pipeline as 'cchc extract -f jsonl' runs it, on a single line
 * of n bytes dense with targets; its CPU seconds. */
static double timed_line_of_targets(size_t n) {
  size_t len;
  char *src =
      repeat("tỷ lệ hồ sơ giải quyết đúng hạn đạt tối thiểu 98%; ", n, &len);
  const cchc_rules *rules = harness_rules();
  double t0 = cpu_seconds();
  cchc_frame *f = harness_process(rules, src, len);
  size_t jlen;
  char *json = jsonl(f, &jlen);
  double t = cpu_seconds() - t0;
  /* one target per clause, each with its indicator and its own span */
  size_t clauses = len / strlen("tỷ lệ hồ sơ giải quyết đúng hạn đạt tối "
                                "thiểu 98%; ");
  ck_assert_uint_eq(f->ntargets, clauses);
  for (size_t i = 0; i < f->ntargets; i++) {
    ck_assert_str_eq(f->targets[i].indicator, "tthc.dung_han");
    ck_assert_uint_le(f->targets[i].span.end, len);
    if (i) ck_assert_uint_ge(f->targets[i].span.start,
                             f->targets[i - 1].span.end);
  }
  ck_assert_uint_gt(jlen, len);
  free(json);
  cchc_frame_free(f);
  free(src);
  return t;
}

/* Issue 10 #5: a 4 MB single line of targets through the whole pipeline
 * in a few seconds, and growing linearly: 4 MB in one line takes at most
 * 3/2 of the time of 1 MB four times, six times that of 1 MB (measured:
 * 4.5 to 4.9 times on a loaded 2-core machine, where a larger text misses
 * the caches more and PCRE2 gives up some start-up shortcuts on subjects
 * past 1 MB; a pass quadratic in the text would make it 16).  Both
 * measurements last as long, so that other work on the machine weighs on
 * them alike; each is the least of two rounds.  The limit is about three
 * times the CPU time measured: 3.3 s plain; under the sanitizers, where
 * the text is a quarter, 1.8 s (PCRE2's JIT code, most of the work, is
 * not instrumented). */
#if defined(__SANITIZE_ADDRESS__)
enum { LINE_BIG = 1 << 20 };
static const double LINE_BIG_SECONDS = 6;
#else
enum { LINE_BIG = 4 << 20 };
static const double LINE_BIG_SECONDS = 10;
#endif

START_TEST(line_of_targets_linear) {
  double quarters = 1e9, whole = 1e9;
  for (int round = 0; round < 2; round++) {
    double t = 0;
    for (int i = 0; i < 4; i++) t += timed_line_of_targets(LINE_BIG / 4);
    if (t < quarters) quarters = t;
    t = timed_line_of_targets(LINE_BIG);
    if (t < whole) whole = t;
  }
  printf("one line of targets: 4 x %d bytes %.2f s, %d bytes %.2f s of "
         "CPU\n",
         LINE_BIG / 4, quarters, LINE_BIG, whole);
  ck_assert_msg(whole <= LINE_BIG_SECONDS,
                "%d bytes took %.2f s of CPU (limit %.0f)", LINE_BIG, whole,
                LINE_BIG_SECONDS);
  ck_assert_msg(whole <= 1.5 * quarters,
                "one line of %d bytes took %.2f s, four of a quarter %.2f s",
                LINE_BIG, whole, quarters);
}
END_TEST

START_TEST(deep_and_wide_numbering) {
  size_t cap = 4 << 20, len = 0;
  char *src = malloc(cap);
  ck_assert_ptr_nonnull(src);
  for (int i = 1; len + 200 < cap && i < 20000; i++)
    len += (size_t)snprintf(src + len, cap - len,
                            "%d.%d.%d.%d. Mục %d\na) Cải cách thể chế %d\n",
                            i % 99 + 1, i % 7 + 1, i % 5 + 1, i % 3 + 1, i, i);
  cchc_frame *f = run(src, len);
  ck_assert_uint_gt(f->nsections, 10000);
  cchc_frame_free(f);
  free(src);
}
END_TEST

START_TEST(table_of_tiny_cells) {
  size_t len;
  char *src = repeat("PHỤ LỤC\nTư pháp\nQuý I/2024\nThường xuyên\n1.1.\n",
                     256 << 10, &len);
  cchc_frame *f = run(src, len);
  ck_assert_uint_gt(f->ndeadlines, 1000);
  cchc_frame_free(f);
  free(src);
}
END_TEST

/* Crawled tables without end: a header, then ten thousands of rows of bars
 * alone (empty cells, stray cells), and "| a | b |" rows that never close;
 * the tasks stay inside the input. */
START_TEST(crawled_tables_without_end) {
  size_t len, n;
  char *body = repeat("|\n1\n|\nRà soát hồ sơ\n|\nCông an xã\n|\n|\n|\n"
                      "|\nxã\n|\n", 1 << 20, &n);
  const char *head = "|\nSTT\n|\nNhiệm vụ\n|\nChủ trì\n|\nThời gian\n|\n";
  char *src = malloc(strlen(head) + n + 1);
  ck_assert_ptr_nonnull(src);
  strcpy(src, head);
  strcat(src, body);
  len = strlen(src);
  cchc_frame *f = run(src, len);
  ck_assert_uint_gt(f->ntasks, 1000);
  for (size_t i = 0; i < f->ntasks; i++)
    ck_assert_uint_le(f->tasks[i].span.end, len);
  cchc_frame_free(f);
  free(src);
  free(body);
  src = repeat("| Nhiệm vụ | Chủ trì | Phối hợp\n| Rà soát | Sở Tư pháp\n",
               1 << 20, &len);
  f = run(src, len);
  cchc_frame_free(f);
  free(src);
}
END_TEST

START_TEST(repeated_citations) {
  size_t len;
  char *src = repeat("Căn cứ Quyết định số 3183/QĐ-UBND ngày 09/9/2021 của UBND "
                     "tỉnh và Nghị định số 118/2025/NĐ-CP; ",
                     1 << 20, &len);
  cchc_frame *f = run(src, len);
  ck_assert_uint_eq(f->nreferences, 2); /* one entry per number */
  ck_assert_uint_gt(f->references[0].nmentions, 1000);
  cchc_frame_free(f);
  free(src);
}
END_TEST

START_TEST(every_byte_value_repaired) {
  char src[4096];
  for (size_t i = 0; i < sizeof src; i++)
    src[i] = (char)(i * 131 % 251 + 1); /* no NUL; every other byte */
  cchc_process_options opt = {.normalize.flags = CCHC_NORM_REPAIR};
  cchc_frame *f = NULL;
  cchc_error err = {0};
  cchc_status st =
      cchc_process(harness_rules(), src, sizeof src, &opt, &f, &err);
  if (st == CCHC_OK) { /* control bytes may make it binary: also fine */
    cchc_frame_free(f);
  } else {
    ck_assert_int_eq(st, CCHC_ERR_BINARY);
  }
}
END_TEST

/* A real plan cut at many lengths (truncated files) never fails. */
START_TEST(truncated_plans) {
  char **paths;
  size_t n = harness_corpus(&paths);
  ck_assert_uint_gt(n, 0);
  size_t len;
  char *data = harness_read(paths[n - 1], &len);
  ck_assert_ptr_nonnull(data);
  for (size_t cut = 0; cut < len; cut += len / 37 + 1) {
    /* back off to a character start so the cut is valid UTF-8 */
    size_t c = cut;
    while (c > 0 && ((unsigned char)data[c] & 0xC0) == 0x80) c--;
    cchc_frame *f = run(data, c);
    cchc_frame_free(f);
  }
  free(data);
  harness_free_list(paths, n);
}
END_TEST

int main(void) {
  Suite *s = suite_create("extract_patho");
  TCase *tc = tcase_create("pathological");
  tcase_set_timeout(tc, 60); /* generous for ASan; normal runs take ~1 s */
  tcase_add_unchecked_fixture(tc, NULL, harness_free_rules);
  tcase_add_test(tc, one_huge_line_of_targets);
  tcase_add_test(tc, one_huge_line_of_clauses);
  tcase_add_test(tc, deep_and_wide_numbering);
  tcase_add_test(tc, table_of_tiny_cells);
  tcase_add_test(tc, crawled_tables_without_end);
  tcase_add_test(tc, repeated_citations);
  tcase_add_test(tc, every_byte_value_repaired);
  tcase_add_test(tc, truncated_plans);
  suite_add_tcase(s, tc);
  /* Its limit is on CPU time; the wall clock only stops a hang, on a
   * machine other work may share. */
  tc = tcase_create("linear");
  tcase_set_timeout(tc, 600);
  tcase_add_unchecked_fixture(tc, NULL, harness_free_rules);
  tcase_add_test(tc, line_of_targets_linear);
  suite_add_tcase(s, tc);
  return harness_run(s);
}
