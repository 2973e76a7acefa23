/* test_strbuf.c: the growable string of common/strbuf.h. */
#include "harness.h"
#include "../common/strbuf.h"

#include <stdlib.h>
#include <string.h>

START_TEST(appends_and_detach) {
  strbuf sb = STRBUF_INIT;
  ck_assert_str_eq(sb.buf, "");
  ck_assert_uint_eq(sb.len, 0);
  strbuf_addstr(&sb, "≥ ");
  strbuf_addf(&sb, "%d%s", 98, "%");
  strbuf_addch(&sb, ';');
  strbuf_addchars(&sb, '-', 3);
  strbuf_add(&sb, "xyz", 2);
  ck_assert_str_eq(sb.buf, "≥ 98%;---xy");
  ck_assert_uint_eq(sb.len, strlen("≥ 98%;---xy"));
  /* Growth across many doublings keeps the text. */
  for (int i = 0; i < 10000; i++)
    strbuf_addf(&sb, "%04d", i % 10000);
  ck_assert_uint_eq(sb.len, strlen("≥ 98%;---xy") + 40000);
  ck_assert(memcmp(sb.buf + sb.len - 4, "9999", 4) == 0);
  ck_assert(!sb.failed);
  size_t len = 0;
  char *s = strbuf_detach(&sb, &len);
  ck_assert_uint_eq(len, strlen(s));
  ck_assert_str_eq(sb.buf, ""); /* empty again */
  free(s);
}
END_TEST

START_TEST(empty_reset_release) {
  strbuf sb = STRBUF_INIT;
  size_t len = 7;
  char *s = strbuf_detach(&sb, &len); /* never appended: still a string */
  ck_assert_ptr_nonnull(s);
  ck_assert_str_eq(s, "");
  ck_assert_uint_eq(len, 0);
  free(s);
  strbuf_addstr(&sb, "abc");
  strbuf_reset(&sb);
  ck_assert_str_eq(sb.buf, "");
  strbuf_addstr(&sb, "d");
  ck_assert_str_eq(sb.buf, "d");
  strbuf_release(&sb);
  ck_assert_str_eq(sb.buf, "");
  ck_assert_uint_eq(sb.alloc, 0);
}
END_TEST

START_TEST(failure_is_remembered) {
  strbuf sb = STRBUF_INIT;
  strbuf_addstr(&sb, "abc");
  ck_assert(!strbuf_grow(&sb, SIZE_MAX / 2)); /* too large: refused */
  ck_assert(sb.failed);
  strbuf_addstr(&sb, "def"); /* dropped */
  ck_assert_str_eq(sb.buf, "abc");
  ck_assert_ptr_null(strbuf_detach(&sb, NULL));
  ck_assert(!sb.failed); /* detach leaves a fresh buffer */
}
END_TEST

int main(void) {
  Suite *s = suite_create("strbuf");
  TCase *tc = tcase_create("strbuf");
  tcase_add_test(tc, appends_and_detach);
  tcase_add_test(tc, empty_reset_release);
  tcase_add_test(tc, failure_is_remembered);
  suite_add_tcase(s, tc);
  return harness_run(s);
}
