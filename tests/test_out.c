/* test_out.c: the report writer of emit/out.h: one walk, three formats.
 * The same small report is walked once per format and each output is
 * compared byte for byte. */
#include "harness.h"
#include "../common/strbuf.h"
#include "../emit/out.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const out_column table_cols[] = {
    {.title = "name"},
    {.title = "n", .width = 4, .gap = 1, .right = true},
    {.title = "note", .gap = 2},
};
static const out_column csv_cols[] = {
    {.title = "name"}, {.title = "n"}, {.title = "start"}, {.title = "note"},
    {.title = "late"}};
static const out_table rows = {
    .table = table_cols, .ntable = 3, .rule = true,
    .csv = csv_cols, .ncsv = 5};

/* A report: a JSON-only header, a table of two rows (the second with a
 * null note and no span; a boolean JSON and CSV show) with text between
 * them, text after. */
static void walk_into(out_writer *o) {
  out_begin_object(o, NULL);
  out_string(o, OUT_JSON, "schema", "test/1");
  out_real(o, OUT_JSON, "score", 2.0 / 3.0);
  out_real(o, OUT_JSON, "none", NAN);
  out_boolean(o, OUT_JSON, "ok", true);
  out_begin_table(o, "rows", &rows);
  for (int i = 0; i < 2; i++) {
    out_begin_object(o, NULL);
    out_string(o, OUT_ALL, "name", i ? "Nghĩa Trung" : "Xã A");
    out_integer(o, OUT_ALL, "n", i ? 12 : 3);
    out_begin_object(o, "where"); /* nested: flat in table and CSV */
    if (i)
      out_null(o, OUT_CSV | OUT_JSON, "start");
    else
      out_integer(o, OUT_CSV | OUT_JSON, "start", 7);
    out_end_object(o);
    out_string(o, OUT_ALL, "note", i ? NULL : "say \"hi\", then go");
    out_boolean(o, OUT_CSV | OUT_JSON, "late", i == 1);
    out_end_object(o);
    if (i == 0)
      out_text(o, "\n");
  }
  out_end_table(o);
  out_text(o, "%d rows\n", 2);
  /* empty containers, and a table that is a JSON object of named rows */
  out_begin_array(o, "none");
  out_end_array(o);
  out_begin_object(o, "nothing");
  out_end_object(o);
  static const out_table named = {.table = table_cols, .ntable = 3,
                                  .object = true};
  out_begin_table(o, "named", &named);
  out_begin_object(o, "first");
  out_string(o, OUT_ALL, "name", "x");
  out_begin_array(o, "list");
  out_end_array(o);
  out_end_object(o);
  out_end_table(o);
  out_begin_table(o, "empty", &rows);
  out_end_table(o);
  out_end_object(o);
}

static char *walk(cchc_report_format format) {
  out_writer *o = out_new(format);
  ck_assert_ptr_nonnull(o);
  walk_into(o);
  char *res = NULL;
  size_t len = 0;
  cchc_error err = {0};
  ck_assert_int_eq(out_finish(o, &res, &len, &err), CCHC_OK);
  ck_assert_uint_eq(len, strlen(res));
  return res;
}

START_TEST(table_format) {
  char *s = walk(CCHC_REPORT_TABLE);
  /* widths by code points; "n" right-aligned in at least 4; the rule
   * covers each column and the gap after it; null is "-". */
  ck_assert_str_eq(s, "name           n  note\n"
                      "-----------------------------------\n"
                      "Xã A           3  say \"hi\", then go\n"
                      "\n"
                      "Nghĩa Trung   12  -\n"
                      "2 rows\n"
                      "name    n  note\n"
                      "x\n"
                      "name    n  note\n"
                      "---------------\n");
  free(s);
}
END_TEST

START_TEST(csv_format) {
  char *s = walk(CCHC_REPORT_CSV);
  ck_assert_str_eq(s, "\xEF\xBB\xBF\"name\",\"n\",\"start\",\"note\","
                      "\"late\"\r\n"
                      "\"Xã A\",3,7,\"say \"\"hi\"\", then go\",\"false\"\r\n"
                      "\"Nghĩa Trung\",12,,,\"true\"\r\n"
                      "\"name\",\"n\",\"start\",\"note\",\"late\"\r\n");
  free(s);
}
END_TEST

START_TEST(json_format) {
  char *s = walk(CCHC_REPORT_JSON);
  ck_assert_str_eq(s, "{\n"
                      "  \"schema\": \"test/1\",\n"
                      "  \"score\": 0.666667,\n"
                      "  \"none\": null,\n"
                      "  \"ok\": true,\n"
                      "  \"rows\": [\n"
                      "    {\n"
                      "      \"name\": \"Xã A\",\n"
                      "      \"n\": 3,\n"
                      "      \"where\": {\n"
                      "        \"start\": 7\n"
                      "      },\n"
                      "      \"note\": \"say \\\"hi\\\", then go\",\n"
                      "      \"late\": false\n"
                      "    },\n"
                      "    {\n"
                      "      \"name\": \"Nghĩa Trung\",\n"
                      "      \"n\": 12,\n"
                      "      \"where\": {\n"
                      "        \"start\": null\n"
                      "      },\n"
                      "      \"note\": null,\n"
                      "      \"late\": true\n"
                      "    }\n"
                      "  ],\n"
                      "  \"none\": [],\n"
                      "  \"nothing\": {},\n"
                      "  \"named\": {\n"
                      "    \"first\": {\n"
                      "      \"name\": \"x\",\n"
                      "      \"list\": []\n"
                      "    }\n"
                      "  },\n"
                      "  \"empty\": []\n"
                      "}\n");
  free(s);
}
END_TEST

static bool append(void *ctx, const char *data, size_t len) {
  strbuf *sb = ctx;
  strbuf_add(sb, data, len);
  return true;
}

static bool refuse(void *ctx, const char *data, size_t len) {
  (*(int *)ctx)++;
  return false;
}

/* Written as it goes, the report is the same bytes as kept whole: the
 * table format walks twice (the first walk measures), JSON is written row
 * by row around jansson's own text.  A failed write stops the writer. */
START_TEST(streamed_same_bytes) {
  for (int f = CCHC_REPORT_TABLE; f <= CCHC_REPORT_JSON; f++) {
    strbuf sb = STRBUF_INIT;
    out_writer *o = out_new_stream((cchc_report_format)f, append, &sb);
    ck_assert_ptr_nonnull(o);
    int walks = 0;
    do
      walks++, walk_into(o);
    while (out_again(o));
    ck_assert_int_eq(walks, f == CCHC_REPORT_TABLE ? 2 : 1);
    cchc_error err = {0};
    ck_assert_int_eq(out_finish(o, NULL, NULL, &err), CCHC_OK);
    char *kept = walk((cchc_report_format)f);
    ck_assert_str_eq(sb.buf, kept);
    free(kept);
    strbuf_release(&sb);

    int calls = 0;
    o = out_new_stream((cchc_report_format)f, refuse, &calls);
    do
      walk_into(o);
    while (out_again(o));
    ck_assert_int_eq(out_finish(o, NULL, NULL, &err), CCHC_ERR_IO);
    ck_assert_int_eq(calls, 1);
  }
}
END_TEST

START_TEST(misuse_is_an_error) {
  /* Tables do not nest: the walk is wrong, and says so. */
  for (int f = CCHC_REPORT_TABLE; f <= CCHC_REPORT_JSON; f++) {
    out_writer *o = out_new((cchc_report_format)f);
    out_begin_table(o, "a", &rows);
    out_begin_object(o, NULL);
    out_begin_table(o, "b", &rows);
    char *res = (char *)"untouched";
    cchc_error err = {0};
    ck_assert_int_eq(out_finish(o, &res, NULL, &err), CCHC_ERR_INTERNAL);
    ck_assert_str_eq(res, "untouched");
    ck_assert(err.message[0] != '\0');
  }
  cchc_report_format fmt;
  ck_assert(cchc_report_format_parse("csv", &fmt) && fmt == CCHC_REPORT_CSV);
  ck_assert(cchc_report_format_parse("table", &fmt) &&
            fmt == CCHC_REPORT_TABLE);
  ck_assert(!cchc_report_format_parse("xml", &fmt));
}
END_TEST

int main(void) {
  Suite *s = suite_create("out");
  TCase *tc = tcase_create("formats");
  tcase_add_test(tc, table_format);
  tcase_add_test(tc, csv_format);
  tcase_add_test(tc, json_format);
  tcase_add_test(tc, streamed_same_bytes);
  tcase_add_test(tc, misuse_is_an_error);
  suite_add_tcase(s, tc);
  return harness_run(s);
}
