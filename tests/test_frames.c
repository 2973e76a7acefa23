/* test_frames.c: the frame of every plan we have (the corpus, its
 * province-national plans, the extra plan, the samples, the test plans) is
 * byte for byte the one kept in tests/data/frames.  A change made for speed
 * or structure must not change a frame; a change meant to change frames is
 * scored with `cchc eval` and then recorded with `make frames`. */
#include "harness.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Line (1-based) and column of the first byte where a and b differ. */
static void first_difference(const char *a, size_t alen, const char *b,
                             size_t blen, size_t *line, size_t *col) {
  size_t i = 0;
  *line = 1;
  *col = 1;
  for (; i < alen && i < blen && a[i] == b[i]; i++) {
    if (a[i] == '\n') {
      (*line)++;
      *col = 1;
    } else {
      (*col)++;
    }
  }
}

/* Compare the frame of every *.txt of `dir` with its kept copy; returns
 * the number of plans compared. */
static size_t compare_dir(const char *dir) {
  DIR *d = opendir(dir);
  ck_assert_msg(d, "cannot open %s", dir);
  size_t compared = 0;
  struct dirent *e;
  while ((e = readdir(d))) {
    size_t nl = strlen(e->d_name);
    if (nl < 5 || strcmp(e->d_name + nl - 4, ".txt"))
      continue;
    char path[8192], kept_path[8192];
    snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
    snprintf(kept_path, sizeof kept_path, "%s/tests/data/frames/%s.json",
             harness_root(), e->d_name);
    size_t len, kept_len, out_len;
    char *src = harness_read(path, &len);
    char *kept = harness_read(kept_path, &kept_len);
    ck_assert_msg(src, "cannot read %s", path);
    ck_assert_msg(kept, "no kept frame %s for %s (make frames)", kept_path,
                  path);
    cchc_process_options opt = {.path = e->d_name};
    cchc_frame *f = NULL;
    cchc_error err = {0};
    ck_assert_msg(cchc_process(harness_rules(), src, len, &opt, &f, &err) ==
                      CCHC_OK,
                  "%s: %s", path, err.message);
    char *out = NULL;
    ck_assert_msg(cchc_render(f, CCHC_FORMAT_JSON, 0, &out, &out_len,
                              &err) == CCHC_OK,
                  "%s: %s", path, err.message);
    size_t line, col;
    first_difference(out, out_len, kept, kept_len, &line, &col);
    ck_assert_msg(out_len == kept_len && !memcmp(out, kept, out_len),
                  "%s: the frame differs from %s from line %zu column %zu "
                  "(%zu bytes now, %zu kept)",
                  path, kept_path, line, col, out_len, kept_len);
    free(out);
    cchc_frame_free(f);
    free(kept);
    free(src);
    compared++;
  }
  closedir(d);
  return compared;
}

static void compare_in(const char *base, const char *sub, size_t at_least) {
  char dir[4096];
  snprintf(dir, sizeof dir, "%s/%s", base, sub);
  size_t n = compare_dir(dir);
  ck_assert_msg(n >= at_least, "%s: %zu plans compared, expected %zu or more",
                dir, n, at_least);
}

START_TEST(corpus_frames_unchanged) {
  compare_in(harness_shared(), "corpus", 4);
  compare_in(harness_shared(), "corpus/province-national", 5);
}
END_TEST

START_TEST(extra_and_bundled_frames_unchanged) {
  compare_in(harness_shared(), "extra", 1);
  compare_in(harness_root(), "samples", 2);
  compare_in(harness_root(), "tests/data", 3);
}
END_TEST

int main(void) {
  Suite *s = suite_create("frames");
  TCase *tc = tcase_create("kept");
  tcase_set_timeout(tc, 600);
  tcase_add_test(tc, corpus_frames_unchanged);
  tcase_add_test(tc, extra_and_bundled_frames_unchanged);
  suite_add_tcase(s, tc);
  int rc = harness_run(s);
  harness_free_rules();
  return rc;
}
