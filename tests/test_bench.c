/* test_bench.c: `make bench` cannot rot.  The bench program (env
 * CCHC_BENCH) runs with tiny sizes and prints every row with its figures,
 * the growth row and one verdict per "Done when" criterion; its floors do
 * the work they claim; a bad knob is a usage error. */
#define _GNU_SOURCE
#include "harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *bench_bin(void) {
  const char *bin = getenv("CCHC_BENCH");
  return bin && *bin ? bin : "build/bench";
}

static harness_result run_bench(const char *const *argv) {
  harness_limits limits = {.seconds = 300};
  return harness_program_bounded(bench_bin(), argv, NULL, limits);
}

/* The numbers of a row after its name (words that are not numbers
 * skipped), at most max; returns how many. */
static size_t row_numbers(const char *p, double *nums, size_t max) {
  size_t n = 0;
  while (*p && *p != '\n' && n < max) {
    if (*p == ' ' || *p == ',') {
      p++;
      continue;
    }
    char *end;
    double v = strtod(p, &end);
    if (end > p) {
      nums[n++] = v;
      p = end;
    } else {
      while (*p && *p != ' ' && *p != '\n')
        p++;
    }
  }
  return n;
}

/* Check every row named `what` (the name, then blanks): there are
 * `count`, each with its input, wall and CPU time, rate and peak RSS, or
 * the reason it did not run when that reason is `allowed_na`. */
static void check_rows(const char *out, const char *what, size_t count,
                       size_t plans, const char *const *allowed_na) {
  size_t found = 0, len = strlen(what);
  for (const char *line = out; line && *line;
       line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
    if (strncmp(line, what, len) || strncmp(line + len, "  ", 2))
      continue;
    found++;
    size_t line_len = strcspn(line, "\n");
    bool na = false;
    for (size_t i = 0; allowed_na && allowed_na[i]; i++)
      na |= memmem(line, line_len, allowed_na[i], strlen(allowed_na[i])) !=
            NULL;
    if (na)
      continue;
    ck_assert_msg(!memmem(line, line_len, "n/a", 3) &&
                      !memmem(line, line_len, "failed", 6),
                  "row without figures: %.*s", (int)line_len, line);
    /* input [plans,] MB, wall s, CPU s, rate, peak RSS */
    double nums[8];
    size_t first = plans ? 1 : 0;
    size_t n = row_numbers(line + len, nums, 8);
    ck_assert_msg(n >= first + 5, "row with %zu numbers: %.*s", n,
                  (int)line_len, line);
    if (plans)
      ck_assert_msg(nums[0] == (double)plans, "%zu plans wanted: %.*s",
                    plans, (int)line_len, line);
    ck_assert_msg(nums[first] > 0 && nums[first + 1] > 0 &&
                      nums[first + 3] > 0 && nums[first + 4] > 0,
                  "a figure is not positive: %.*s", (int)line_len, line);
  }
  ck_assert_msg(found == count, "%zu rows '%s', %zu wanted:\n%s", found, what,
                count, out);
}

START_TEST(tiny_run_prints_every_row_and_verdict) {
  /* Sizes of two or three plans; the store: the parent and two plans, one
   * of its communes among them. */
  setenv("BENCH_SIZES", "0.05 0.1", 1);
  setenv("BENCH_PLANS", "4", 1);
  setenv("BENCH_STORE_PLANS", "3", 1);
  setenv("BENCH_REPEAT", "1", 1);
  char parent[4096];
  snprintf(parent, sizeof parent, "%s/tests/data/dong_nai_228_KH-UBND_2026.txt",
           harness_root());
  const char *argv[] = {"--cchc", getenv("CCHC_BIN") ? getenv("CCHC_BIN")
                                                     : "build/cchc",
                        "--parent-plan", parent, harness_shared(), NULL};
  harness_result r = run_bench(argv);
  ck_assert_msg(r.rc == 0, "bench exit %d\n%s\n%s", r.rc, r.out, r.err);

  const char *const no_python[] = {"n/a (no python3)", "n/a (no peer script)",
                                   NULL};
  const char *const no_j[] = {"n/a (no -j)", NULL};
  const char *const one_input[] = {"floor: read + memchr",
                                   "floor: ICU NFC round trip",
                                   "floor: PCRE2 JIT, one pattern",
                                   "cchc extract -f json", "cchc normalize"};
  for (size_t i = 0; i < 5; i++)
    check_rows(r.out, one_input[i], 2, 0, NULL);
  /* Two sizes, then the plans. */
  check_rows(r.out, "python peer", 3, 0, no_python);
  check_rows(r.out, "cchc extract -f jsonl -j 1", 1, 4, NULL);
  check_rows(r.out, "cchc extract -f jsonl -j 2", 1, 4, no_j);
  size_t ingest_rows = strstr(r.out, "\ncchc ingest -j 2  ") ? 1 : 0;
  check_rows(r.out, "cchc ingest -j 2", ingest_rows, 3, NULL);
  check_rows(r.out, "cchc ingest", 1 - ingest_rows, 3, NULL);
  check_rows(r.out, "cchc compare", 1, 3, NULL);
  check_rows(r.out, "cchc audit --against PARENT", 1, 3, NULL);

  const char *growth = strstr(r.out, "\ngrowth of CPU s/MB, ");
  ck_assert_msg(growth, "no growth row:\n%s", r.out);
  double nums[8];
  ck_assert_uint_ge(row_numbers(growth + 1, nums, 8), 5);

  /* Ten criteria, each judged; n/a only for a contestant that could not
   * run here. */
  const char *done = strstr(r.out, "\nDone when");
  ck_assert_msg(done, "no verdicts:\n%s", r.out);
  size_t verdicts = 0;
  bool any_na = strstr(r.out, "n/a (no ") != NULL;
  for (const char *v = strstr(done, "\n  ["); v; v = strstr(v + 1, "\n  [")) {
    verdicts++;
    bool known = !strncmp(v + 3, "[met] ", 6) ||
                 !strncmp(v + 3, "[not met] ", 10) ||
                 (any_na && !strncmp(v + 3, "[n/a] ", 6));
    ck_assert_msg(known, "verdict: %.*s", (int)strcspn(v + 1, "\n"), v + 1);
  }
  ck_assert_msg(verdicts == 10, "%zu verdicts:\n%s", verdicts, done);
  harness_result_free(&r);
}
END_TEST

/* The floor's count for `text`. */
static unsigned long long floor_count(const char *kind, const char *text) {
  char *path = harness_tmp_path(kind);
  ck_assert_int_eq(harness_write(path, text, strlen(text)), 0);
  const char *argv[] = {"--floor", kind, path, NULL};
  harness_result r = run_bench(argv);
  ck_assert_msg(r.rc == 0, "floor %s: exit %d: %s", kind, r.rc, r.err);
  unsigned long long n = strtoull(r.out, NULL, 10);
  harness_result_free(&r);
  free(path);
  return n;
}

START_TEST(floors_do_their_work) {
  ck_assert_uint_eq(floor_count("read", "một\nhai\n\nba"), 3);
  /* "hoà" with its grave accent combining (NFD): 6 bytes in, 5 in NFC. */
  ck_assert_uint_eq(floor_count("nfc", "hoa\xcc\x80\n"), 5);
  ck_assert_uint_eq(floor_count("pcre2", "đạt 98,5 % và 100%; năm 2026\n"),
                    2);
}
END_TEST

START_TEST(bad_knob_is_usage_error) {
  setenv("BENCH_REPEAT", "0", 1);
  const char *argv[] = {harness_shared(), NULL};
  harness_result r = run_bench(argv);
  ck_assert_int_eq(r.rc, 2);
  ck_assert_msg(strstr(r.err, "BENCH_REPEAT=0"), "%s", r.err);
  harness_result_free(&r);
}
END_TEST

int main(void) {
  Suite *s = suite_create("bench");
  TCase *tc = tcase_create("bench");
  tcase_set_timeout(tc, 300);
  tcase_add_test(tc, tiny_run_prints_every_row_and_verdict);
  tcase_add_test(tc, floors_do_their_work);
  tcase_add_test(tc, bad_knob_is_usage_error);
  suite_add_tcase(s, tc);
  return harness_run(s);
}
