/* test_extract_patho.c: pathological inputs through the whole extractor,
 * each under a time limit: a huge line of numbers, a 4 MB line of targets
 * timed on the CPU (against a limit, and against a 1 MB one for linear
 * growth; so are task lines led by a short title, one big appendix table,
 * a line of thousands of titles and a target table under thousands of
 * targets), thousands of numbering levels, a table of ten thousand
 * one-word cells, crawled tables without end, repeated citations, every
 * byte value (repaired), and plans cut at every length.  Each must finish,
 * keep its spans inside the input and render valid JSON. */
#define _GNU_SOURCE
#include "harness.h"

#include <malloc.h>
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

/* ---- linear growth ------------------------------------------------------- */

/* A pathological plan of at least n bytes (*len), and what must hold of
 * its frame. */
typedef struct plan_shape {
  const char *name;
  char *(*make)(size_t n, size_t *len);
  void (*check)(const cchc_frame *f, const char *src, size_t len);
} plan_shape;

/* cchc_render_to's writer for timed_plan: the bytes written are counted
 * and dropped. */
static bool count_bytes(void *ctx, const char *data, size_t len) {
  (void)data;
  *(size_t *)ctx += len;
  return true;
}

/* The whole pipeline as 'cchc extract -f jsonl' runs it on sh's plan of n
 * bytes; its CPU seconds.  The frame is rendered piece by piece to a
 * writer, as the command writes it out, not into one string: the string
 * of a megabyte's plan (11 MB of JSON, the appendix table) took fresh
 * pages from the system at every run, 3,600 page faults that cost 0.045
 * s of CPU against 0.0045 s for the rendering itself, where the strings
 * of the quarters reused the pages the whole had freed (measured on the
 * shared machine, 2026-12). */
static double timed_plan(const plan_shape *sh, size_t n) {
  size_t len;
  char *src = sh->make(n, &len);
  const cchc_rules *rules = harness_rules();
  double t0 = cpu_seconds();
  cchc_frame *f = harness_process(rules, src, len);
  size_t jlen = 0;
  cchc_error err = {0};
  cchc_status st =
      cchc_render_to(f, CCHC_FORMAT_JSONL, 0, count_bytes, &jlen, &err);
  double t = cpu_seconds() - t0;
  ck_assert_msg(st == CCHC_OK, "render: %s", err.message);
  ck_assert_uint_gt(jlen, 0);
  sh->check(f, src, len);
  cchc_frame_free(f);
  free(src);
  return t;
}

/* sh's plan of `big` bytes within `limit` CPU seconds, and at most 3/2 of
 * the time of four plans of a quarter (a pass quadratic in the text would
 * make it 4).  Both measurements last as long and alternate, so that other
 * work on the machine weighs on them alike; each is the least of its
 * rounds.  A measurement lasts a tenth of a second under the sanitizers,
 * where a loaded CI machine stretched one of two rounds by 1.7 times (0.20
 * s against 0.12 s), so up to five rounds are run, stopping once the least
 * times hold the ratio: a quadratic pass, 4 times on every round, still
 * fails. */
enum { LINEAR_MIN_ROUNDS = 2, LINEAR_MAX_ROUNDS = 5 };

static void assert_linear(const plan_shape *sh, size_t big, double limit) {
  /* Every block of 128 KB or more is a mapping of its own, given back at
   * its free and taken again, page by page, at the next run, for the
   * quarters as for the whole.  glibc's default raises that bound to the
   * largest block freed: the quarters' blocks then fell under it, on pages
   * the whole had freed and kept, while the whole's largest stayed above
   * it and took fresh pages at every run (800 to 1,400 page faults more
   * for the appendix table's megabyte, ~12 us each on the shared machine:
   * 0.01 to 0.02 s, a cost of the system, not of a pass).  A test runs in
   * a process of its own; the sanitizers' allocator ignores this. */
  mallopt(M_MMAP_THRESHOLD, 128 << 10);
  double quarters = 1e9, whole = 1e9;
  int round;
  for (round = 0; round < LINEAR_MAX_ROUNDS; round++) {
    if (round >= LINEAR_MIN_ROUNDS && whole <= 1.5 * quarters) break;
    double t = 0;
    for (int i = 0; i < 4; i++) t += timed_plan(sh, big / 4);
    if (t < quarters) quarters = t;
    t = timed_plan(sh, big);
    if (t < whole) whole = t;
  }
  printf("%s: 4 x %zu bytes %.2f s, %zu bytes %.2f s of CPU (%d rounds)\n",
         sh->name, big / 4, quarters, big, whole, round);
  ck_assert_msg(whole <= limit, "%s: %zu bytes took %.2f s of CPU (limit %.1f)",
                sh->name, big, whole, limit);
  ck_assert_msg(whole <= 1.5 * quarters,
                "%s: %zu bytes took %.2f s, four of a quarter %.2f s",
                sh->name, big, whole, quarters);
}

/* head, then row (a format with one %zu, the row's number) until n bytes. */
static char *rows_after(const char *head, const char *row, size_t n,
                        size_t *len) {
  size_t cap = n + strlen(head) + strlen(row) + 64;
  char *buf = malloc(cap);
  ck_assert_ptr_nonnull(buf);
  *len = (size_t)snprintf(buf, cap, "%s", head);
  for (size_t i = 1; *len < n; i++)
    *len += (size_t)snprintf(buf + *len, cap - *len, row, i);
  return buf;
}

/* A single line dense with targets. */
#define TARGET_CLAUSE "tỷ lệ hồ sơ giải quyết đúng hạn đạt tối thiểu 98%; "

static char *line_of_targets(size_t n, size_t *len) {
  return repeat(TARGET_CLAUSE, n, len);
}

/* one target per clause, each with its indicator and its own span */
static void every_clause_a_target(const cchc_frame *f, const char *src,
                                  size_t len) {
  ck_assert_uint_eq(f->ntargets, len / strlen(TARGET_CLAUSE));
  for (size_t i = 0; i < f->ntargets; i++) {
    ck_assert_str_eq(f->targets[i].indicator, "tthc.dung_han");
    ck_assert_uint_le(f->targets[i].span.end, len);
    if (i) ck_assert_uint_ge(f->targets[i].span.start,
                             f->targets[i - 1].span.end);
  }
}

/* Issue 10 #5: a single line of targets through the whole pipeline in
 * a few seconds, and growing linearly: the whole takes at most 3/2 of the
 * time of a quarter four times (a pass quadratic in the text would make
 * it 4).  Plain, the whole is 16 MB: at 4 MB against quarters of 1 MB
 * the ratio read 1.4 to 1.66 (a CI run failed at 1.55) though the
 * instructions grow 4.0 times for 4 (callgrind): a quarter of 1 MB keeps
 * its working set in the caches, 4 MB does not.  At 16 MB against 4 both
 * sides miss them alike: 1.08.  The limit is about four times the CPU
 * time measured plain (2.1 to 2.6 s); under the sanitizers, where the
 * text is 1 MB, 1.8 s measured (PCRE2's JIT code, most of the work, is
 * not instrumented). */
#if defined(__SANITIZE_ADDRESS__)
enum { LINE_BIG = 1 << 20, PLAN_BIG = 1 << 18 };
static const double LINE_BIG_SECONDS = 6, PLAN_BIG_SECONDS = 6;
#else
enum { LINE_BIG = 16 << 20, PLAN_BIG = 1 << 20 };
static const double LINE_BIG_SECONDS = 10, PLAN_BIG_SECONDS = 4;
#endif

START_TEST(line_of_targets_linear) {
  assert_linear(&(plan_shape){"one line of targets", line_of_targets,
                              every_clause_a_target},
                LINE_BIG, LINE_BIG_SECONDS);
}
END_TEST

/* The plans below are PLAN_BIG (a quarter of it under the sanitizers): 1
 * MB takes 0.5 to 0.7 s of CPU plain (measured), the limit is about six
 * times that.  Each failed before, over its limit or growing as the
 * square of its size. */

/* Thousands of task lines led by a short title whose full form the plan
 * never names ("Văn hóa", alt=phong_vhxh): whether it does was a scan of
 * the whole text per line (2 MB took 198 s). */
static char *short_title_tasks(size_t n, size_t *len) {
  return rows_after("KẾ HOẠCH\nCải cách hành chính năm 2024\n\nIII. NHIỆM "
                    "VỤ\n1. Cải cách thủ tục hành chính\n",
                    "- Rà soát thủ tục hành chính lĩnh vực %zu. Văn hóa chủ "
                    "trì; Tư pháp phối hợp.\n",
                    n, len);
}

/* How many times `needle` occurs in src. */
static size_t count_of(const char *src, const char *needle) {
  size_t n = 0;
  for (const char *p = src; (p = strstr(p, needle)); p += strlen(needle)) n++;
  return n;
}

static void each_line_led_by_the_title(const cchc_frame *f, const char *src,
                                       size_t len) {
  ck_assert_uint_eq(f->ntasks, count_of(src, "\n- "));
  for (size_t i = 0; i < f->ntasks; i++) {
    ck_assert_uint_eq(f->tasks[i].nlead, 1);
    ck_assert_str_eq(f->tasks[i].lead[0].key, "van_hoa_thong_tin");
    ck_assert_uint_le(f->tasks[i].span.end, len);
  }
}

START_TEST(short_title_tasks_linear) {
  assert_linear(&(plan_shape){"task lines led by a short title",
                              short_title_tasks, each_line_led_by_the_title},
                PLAN_BIG, PLAN_BIG_SECONDS);
}
END_TEST
/* An appendix that is one table of scattered cells, each row a task cell,
 * a lead, three short titles as coordinators and a deadline: every unit
 * mention of the zone is found at once, and judging each title looked at
 * every other mention of the zone (1 MB took 2.2 s, 8 MB 33 s). */
static char *one_appendix_table(size_t n, size_t *len) {
  return rows_after("KẾ HOẠCH\nCải cách hành chính năm 2024 của Ủy ban nhân "
                    "dân xã\n\nI. MỤC ĐÍCH\nNâng cao chất lượng phục vụ người "
                    "dân.\n\nPHỤ LỤC\nNHIỆM VỤ CẢI CÁCH HÀNH CHÍNH NĂM "
                    "2024\n\nTT\nNhiệm vụ\nChủ trì\nPhối hợp\nThời gian\n",
                    "%zu\n2.1. Rà soát\nTư pháp\nVăn hóa, Tài chính, Văn "
                    "phòng\nQuý I/2024\n",
                    n, len);
}

static void each_row_a_task(const cchc_frame *f, const char *src,
                            size_t len) {
  static const char *const coords[] = {"van_hoa_thong_tin",
                                       "tai_chinh_ke_toan",
                                       "van_phong_thong_ke"};
  ck_assert_uint_eq(f->ntasks, count_of(src, "\n2.1. "));
  for (size_t i = 0; i < f->ntasks; i++) {
    const frame_task *k = &f->tasks[i];
    ck_assert_uint_eq(k->nlead, 1);
    ck_assert_str_eq(k->lead[0].key, "tu_phap");
    ck_assert_uint_eq(k->ncoordinators, 3);
    for (size_t c = 0; c < 3; c++)
      ck_assert_str_eq(k->coordinators[c].key, coords[c]);
    ck_assert_int_ge(k->deadline, 0);
    ck_assert_uint_le(k->span.end, len);
  }
}

START_TEST(appendix_table_linear) {
  assert_linear(&(plan_shape){"one appendix table", one_appendix_table,
                              each_row_a_task},
                PLAN_BIG, PLAN_BIG_SECONDS);
}
END_TEST

/* One line listing thousands of short titles joined by "+" before a full
 * name: each title stands as a unit only once the one after it does, and
 * the titles were judged again, all of them, once per link of the chain,
 * each looking at every mention of the line and scanning it from its
 * start (40 KB took 43 s). */
#define TITLE_LINK "Tư pháp + Văn hóa + Tài chính + "

static char *chain_of_titles(size_t n, size_t *len) {
  const char *head = "KẾ HOẠCH\nCải cách hành chính năm 2024\n\nIII. NHIỆM "
                     "VỤ\n1. Cải cách thủ tục hành chính\n- Rà soát thủ tục "
                     "hành chính. Văn hóa chủ trì; phối hợp với ";
  const char *tail = "Sở Tư pháp.\n";
  size_t cap = strlen(head) + n + strlen(TITLE_LINK) + strlen(tail) + 1;
  char *buf = malloc(cap);
  ck_assert_ptr_nonnull(buf);
  strcpy(buf, head);
  *len = strlen(head);
  while (*len < n) {
    memcpy(buf + *len, TITLE_LINK, strlen(TITLE_LINK));
    *len += strlen(TITLE_LINK);
  }
  strcpy(buf + *len, tail);
  *len += strlen(tail);
  return buf;
}

static void every_title_a_coordinator(const cchc_frame *f, const char *src,
                                      size_t len) {
  static const char *const coords[] = {"tu_phap", "van_hoa_thong_tin",
                                       "tai_chinh_ke_toan", "so_tu_phap"};
  ck_assert_uint_eq(f->ntasks, 1);
  const frame_task *k = &f->tasks[0];
  ck_assert_uint_eq(k->nlead, 1);
  ck_assert_str_eq(k->lead[0].key, "van_hoa_thong_tin");
  ck_assert_uint_eq(k->ncoordinators, 4); /* each unit once */
  for (size_t c = 0; c < 4; c++)
    ck_assert_str_eq(k->coordinators[c].key, coords[c]);
  ck_assert_uint_eq(k->span.end, len - strlen(".\n"));
}

START_TEST(chain_of_titles_linear) {
  assert_linear(&(plan_shape){"a line of titles joined by +", chain_of_titles,
                              every_title_a_coordinator},
                PLAN_BIG / 4, PLAN_BIG_SECONDS);
}
END_TEST

/* A line of targets, then a crawled table of as many rows, each a target
 * its cells state: a row asked every target of the frame whether it
 * starts in its cells. */
static char *targets_and_target_table(size_t n, size_t *len) {
  const char *head = "KẾ HOẠCH\nCải cách hành chính năm 2024\n\nI. MỤC TIÊU\n";
  size_t cap = n + 256, body;
  char *line = repeat("Tỷ lệ hồ sơ giải quyết đúng hạn đạt tối thiểu 98%; ",
                      n / 2, &body);
  char *buf = malloc(cap + body);
  ck_assert_ptr_nonnull(buf);
  *len = (size_t)snprintf(buf, cap + body,
                          "%s%s\n\n| STT | Chỉ tiêu | Đơn vị tính | Kết quả "
                          "|\n|---|---|---|---|\n",
                          head, line);
  free(line);
  for (size_t i = 1; *len < body + n / 2; i++)
    *len += (size_t)snprintf(buf + *len, cap + body - *len,
                             "| %zu | Tỷ lệ hồ sơ đúng hạn | %% | 98 |\n", i);
  return buf;
}

static void every_clause_and_row_a_target(const cchc_frame *f,
                                          const char *src, size_t len) {
  ck_assert_uint_eq(f->ntargets, count_of(src, "98%; ") +
                                     count_of(src, "| % | 98 |"));
  for (size_t i = 0; i < f->ntargets; i++) {
    ck_assert_str_eq(f->targets[i].indicator, "tthc.dung_han");
    ck_assert_uint_le(f->targets[i].span.end, len);
  }
}

/* At LINE_BIG, not PLAN_BIG: at 1 MB against quarters of 256 KB this
 * plan read 1.45 to 1.55 times (on the base as now) though its
 * instructions grow 3.99 times for 4 (callgrind): caches and fresh
 * mappings, not a pass.  At 16 MB against 4 MB: 1.09. */
START_TEST(target_table_linear) {
  assert_linear(&(plan_shape){"targets and a target table",
                              targets_and_target_table,
                              every_clause_and_row_a_target},
                LINE_BIG, LINE_BIG_SECONDS);
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
  tcase_add_test(tc, short_title_tasks_linear);
  tcase_add_test(tc, appendix_table_linear);
  tcase_add_test(tc, chain_of_titles_linear);
  tcase_add_test(tc, target_table_linear);
  suite_add_tcase(s, tc);
  return harness_run(s);
}
