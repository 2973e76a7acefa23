/* test_unclassified.c: targets without an indicator are never dropped.
 *
 * - subjects (corpus/subject.h): list markers off, the clause when the
 *   subject is a bare unit, words without function words, the Jaccard
 *   index;
 * - compare: rows "(unclassified) SUBJECT" shared by similar subjects of
 *   several plans, never by two differently worded targets of one plan; in
 *   the table, CSV and JSON;
 * - audit: a parent target no plan target matches by indicator is looked up
 *   by subject: `unmatched` with the candidate's text, value, span and
 *   whether it is lower, else `missing`;
 * - the whole chain through the program on two plans written for these
 *   tests (tests/data/song_may_51_KH-UBND_2026.txt, a province plan whose
 *   target "hồ sơ ... giải quyết đúng hạn" the rules know, and
 *   tests/data/suoi_mo_7_KH-UBND_2026.txt, a commune plan that carries it
 *   out and states that target as "giải quyết xong trong hạn luật định",
 *   which no indicator rule knows): list counts, compare shows it, audit
 *   says unmatched with the candidate where it said missing before, and a
 *   target the commune really lacks is still missing. */
#define _GNU_SOURCE
#include "harness.h"
#include "../corpus/subject.h"

#include <csv.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- frames written by hand ---- */

/* A target: indicator is JSON (null or "\"key\""), subject too. */
#define T(id, ind, subj, cmp, v, text, s)                                      \
  "{\"id\":\"" id "\",\"area\":\"tthc\",\"indicator\":" ind                   \
  ",\"subject\":" subj ",\"comparator\":\"" cmp "\",\"value\":" #v            \
  ",\"unit\":\"%\",\"text\":\"" text "\",\"span\":[" #s "," #s "9]}"

#define PLAN(place, number, parent, targets)                                   \
  "{\"schema\":\"cchc/1\",\"source\":{\"path\":\"" place ".txt\"},"            \
  "\"document\":{\"level\":\"commune\",\"place\":\"" place "\",\"number\":"    \
  number ",\"parent\":{\"number\":" parent "}},\"targets\":[" targets "]}"

#define PROVINCE                                                               \
  PLAN("Tỉnh", "\"51/KH-UBND\"", "null",                                      \
       T("t1", "\"tthc.dung_han\"",                                           \
         "\"Tỷ lệ hồ sơ thủ tục hành chính được giải quyết đúng hạn\"", ">=",  \
         98, "Tỷ lệ hồ sơ ... đúng hạn đạt tối thiểu 98%", 1) ","             \
       T("t2", "\"tthc.hai_long\"",                                           \
         "\"Mức độ hài lòng của người dân, doanh nghiệp\"", ">=", 90,          \
         "Mức độ hài lòng ... đạt tối thiểu 90%", 2) ","                      \
       T("t3", "null", "\"Tỷ lệ người dân có Sổ sức khỏe điện tử\"", "=",   \
         95, "Tỷ lệ người dân có Sổ sức khỏe điện tử đạt 95%", 3))

/* Xã A: the province's first target in other words, a health-record target
 * stated twice (body and appendix) and a learning-record one from the same
 * template; no satisfaction target. */
#define COMMUNE_A                                                              \
  PLAN("Xã A", "null", "\"51/KH-UBND\"",                                      \
       T("t1", "null",                                                        \
         "\"Hồ sơ thủ tục hành chính của xã được giải quyết xong trong hạn "  \
         "luật định\"",                                                       \
         ">=", 95, "Hồ sơ ... trong hạn luật định đạt tối thiểu 95%", 4) ","  \
       T("t2", "null",                                                        \
         "\"(2) Tỷ lệ người dân có hồ sơ sức khỏe điện tử cá nhân\"", "=",    \
         100, "(2) Tỷ lệ người dân có hồ sơ sức khỏe điện tử cá nhân 100%",  \
         5) ","                                                               \
       T("t3", "null",                                                        \
         "\"Tỷ lệ người dân có hồ sơ học tập điện tử cá nhân\"", "=", 100,    \
         "Tỷ lệ người dân có hồ sơ học tập điện tử cá nhân đạt 100%", 6) "," \
       T("t4", "null",                                                        \
         "\"Tỷ lệ người dân có hồ sơ sức khỏe điện tử cá nhân\"", "=", 100,   \
         "Phụ lục: người dân có hồ sơ sức khỏe điện tử cá nhân 100%", 7))

/* Xã B: two targets of one template that differ in their object only. */
#define COMMUNE_B                                                              \
  PLAN("Xã B", "null", "\"51/KH-UBND\"",                                      \
       T("t1", "null",                                                        \
         "\"Tỷ lệ cảng biển sử dụng nền tảng số phục vụ quản trị, khai thác " \
         "cảng\"",                                                            \
         ">=", 70, "cảng biển 70%", 8) ","                                    \
       T("t2", "null",                                                        \
         "\"Tỷ lệ cửa khẩu sử dụng nền tảng số phục vụ quản trị, khai thác "  \
         "cửa khẩu\"",                                                        \
         ">=", 70, "cửa khẩu 70%", 9))

static cchc_frame *parse(const char *json) {
  cchc_frame *f = NULL;
  cchc_error err = {0};
  ck_assert_msg(cchc_frame_from_json(json, strlen(json), &f, &err) == CCHC_OK,
                "%s", err.message);
  return f;
}

static subject subject_at(const cchc_frame *f, size_t i) {
  subject s;
  cchc_error err = {0};
  const cchc_frame_target *t = cchc_frame_target_at(f, i);
  ck_assert_int_eq(subject_init(&s, cchc_frame_target_subject(t),
                                cchc_frame_target_text(t), &err),
                   CCHC_OK);
  return s;
}

/* Render `obj` with `render` (cchc_compare_render, cchc_audit_render) in
 * `format` into the caller's out and n, asserting success. */
#define RENDER(render, obj, format)                                            \
  ck_assert_int_eq(render(obj, format, &out, &n, &err), CCHC_OK)

/* ---- subjects ---- */

START_TEST(subjects_and_similarity) {
  cchc_frame *f = parse(PLAN(
      "Xã C", "null", "null",
      T("t1", "null", "\"(11) Tỷ lệ người dân có hồ sơ sức khỏe điện tử cá "
                      "nhân\"",
        "=", 100, "x", 1) ","
      T("t2", "null", "\"Tỷ lệ người dân có Sổ sức khỏe điện tử\"", "=", 95,
        "y", 2) ","
      T("t3", "null", "\"lớp\"", "=", 4,
        "- Triển khai mô hình bảo vệ 4 lớp cho doanh nghiệp.", 3) ","
      T("t4", "null", "null", "=", 100, "c) 100%", 4)));
  subject s1 = subject_at(f, 0), s2 = subject_at(f, 1), s3 = subject_at(f, 2),
          s4 = subject_at(f, 3);
  /* the marker is off; the words carry no "tỷ lệ" */
  ck_assert_str_eq(s1.label,
                   "Tỷ lệ người dân có hồ sơ sức khỏe điện tử cá nhân");
  static const char *const words2[] = {"co",   "dan", "dien", "khoe",
                                       "nguoi", "so", "suc",  "tu"};
  ck_assert_uint_eq(s2.nwords, 8);
  for (size_t i = 0; i < 8; i++)
    ck_assert_str_eq(s2.words[i], words2[i]);
  ck_assert_uint_eq(s1.nwords, 11);
  /* 8 words shared of 11 */
  ck_assert_double_eq_tol(subject_similarity(&s1, &s2), 8.0 / 11.0, 1e-12);
  ck_assert_double_eq(subject_similarity(&s1, &s2),
                      subject_similarity(&s2, &s1));
  ck_assert_double_eq(subject_similarity(&s1, &s1), 1.0);
  /* a bare unit as subject: the clause instead, marker off */
  ck_assert_str_eq(s3.label, "Triển khai mô hình bảo vệ 4 lớp cho doanh nghiệp");
  /* no words at all: similar to nothing, not even itself */
  ck_assert_str_eq(s4.label, "100%");
  ck_assert_uint_eq(s4.nwords, 0);
  ck_assert_double_eq(subject_similarity(&s4, &s4), 0.0);
  subject_release(&s1);
  subject_release(&s2);
  subject_release(&s3);
  subject_release(&s4);
  cchc_frame_free(f);
}
END_TEST

/* ---- compare ---- */

/* The row whose subject starts with `prefix`, or (size_t)-1. */
static size_t row_of(const cchc_compare *cm, const char *prefix) {
  for (size_t r = 0; r < cchc_compare_rows(cm); r++) {
    const char *s = cchc_compare_subject(cm, r);
    if (s && strncmp(s, prefix, strlen(prefix)) == 0)
      return r;
  }
  return (size_t)-1;
}

START_TEST(compare_rows_by_subject) {
  cchc_frame *fp = parse(PROVINCE), *fa = parse(COMMUNE_A),
             *fb = parse(COMMUNE_B);
  const cchc_frame *frames[3] = {fa, fp, fb};
  cchc_error err;
  cchc_compare *cm = NULL;
  ck_assert_int_eq(cchc_compare_new(frames, 3, NULL, &cm, &err), CCHC_OK);
  /* the province first; two indicators, then five subjects */
  ck_assert_str_eq(cchc_compare_label(cm, 0), "Tỉnh 51/KH-UBND");
  ck_assert_str_eq(cchc_compare_label(cm, 1), "Xã A");
  ck_assert_uint_eq(cchc_compare_rows(cm), 7);
  ck_assert_str_eq(cchc_compare_indicator(cm, 0), "tthc.dung_han");
  ck_assert_ptr_null(cchc_compare_subject(cm, 0));
  for (size_t r = 2; r < 7; r++) {
    ck_assert_ptr_null(cchc_compare_indicator(cm, r));
    ck_assert_ptr_nonnull(cchc_compare_subject(cm, r));
  }
  /* the first unclassified row is the province's, in column order */
  ck_assert_str_eq(cchc_compare_subject(cm, 2),
                   "Tỷ lệ người dân có Sổ sức khỏe điện tử");
  /* Xã A's health record joins it, stated twice, shown once */
  ck_assert_str_eq(cchc_compare_cell(cm, 2, 0), "= 95%");
  ck_assert_str_eq(cchc_compare_cell(cm, 2, 1), "= 100%");
  ck_assert_ptr_null(cchc_compare_cell(cm, 2, 2));
  ck_assert_uint_eq(cchc_compare_cell_targets(cm, 2, 1), 2);
  ck_assert_str_eq(cchc_frame_target_id(cchc_compare_cell_target_at(cm, 2, 1, 1)),
                   "t4");
  ck_assert_ptr_null(cchc_compare_cell_target_at(cm, 2, 1, 2));
  /* its learning record has a row of its own (0.46 to the province's) */
  size_t learn = row_of(cm, "Tỷ lệ người dân có hồ sơ học tập");
  ck_assert_uint_ne(learn, (size_t)-1);
  ck_assert_str_eq(cchc_compare_cell(cm, learn, 1), "= 100%");
  ck_assert_uint_eq(cchc_compare_cell_targets(cm, learn, 0), 0);
  /* the commune's wording of tthc.dung_han is a row, not the indicator's */
  size_t ontime = row_of(cm, "Hồ sơ thủ tục hành chính của xã");
  ck_assert_uint_ne(ontime, (size_t)-1);
  ck_assert_str_eq(cchc_compare_cell(cm, ontime, 1), "≥ 95%");
  ck_assert_ptr_null(cchc_compare_cell(cm, 0, 1));
  /* Xã B's two template targets (0.79 alike) stay two rows */
  size_t port = row_of(cm, "Tỷ lệ cảng biển"), gate = row_of(cm, "Tỷ lệ cửa khẩu");
  ck_assert(port != (size_t)-1 && gate != (size_t)-1 && port != gate);
  ck_assert_str_eq(cchc_compare_cell(cm, port, 2), "≥ 70%");
  ck_assert_str_eq(cchc_compare_cell(cm, gate, 2), "≥ 70%");

  /* table: the row named by its subject, cut at 60 characters */
  char *out;
  size_t n;
  RENDER(cchc_compare_render, cm, CCHC_REPORT_TABLE);
  ck_assert_msg(strstr(out, "\n(unclassified) Tỷ lệ người dân có Sổ sức khỏe "
                            "điện tử  "),
                "%s", out);
  ck_assert_msg(strstr(out, "\n(unclassified) Hồ sơ thủ tục hành chính của xã "
                            "được giải quyết xong trong h…  "),
                "%s", out);
  free(out);

  /* CSV: indicator empty, the subject whole */
  RENDER(cchc_compare_render, cm, CCHC_REPORT_CSV);
  ck_assert_ptr_nonnull(strstr(out, "\"indicator\",\"subject\",\"Tỉnh 51/KH-UBND\""));
  ck_assert_msg(strstr(out, "\r\n,\"Hồ sơ thủ tục hành chính của xã được giải "
                            "quyết xong trong hạn luật định\",,\"≥ 95%\",\r\n"),
                "%s", out);
  ck_assert_ptr_nonnull(strstr(out, "\r\n\"tthc.dung_han\",,\"≥ 98%\",,\r\n"));
  free(out);

  /* JSON: indicator null, subject, every target with its text and span */
  RENDER(cchc_compare_render, cm, CCHC_REPORT_JSON);
  json_error_t je;
  json_t *j = json_loadb(out, n, 0, &je);
  ck_assert_msg(j != NULL, "%s", je.text);
  json_t *rows = json_object_get(j, "rows");
  ck_assert_uint_eq(json_array_size(rows), 7);
  json_t *r0 = json_array_get(rows, 0), *r2 = json_array_get(rows, 2);
  ck_assert(json_is_null(json_object_get(r0, "subject")));
  ck_assert_ptr_null(json_object_get(r0, "targets"));
  ck_assert(json_is_null(json_object_get(r2, "indicator")));
  ck_assert_str_eq(json_string_value(json_object_get(r2, "subject")),
                   "Tỷ lệ người dân có Sổ sức khỏe điện tử");
  json_t *ts = json_object_get(r2, "targets");
  ck_assert_uint_eq(json_array_size(ts), 3);
  json_t *t1 = json_array_get(ts, 1);
  ck_assert_int_eq(json_integer_value(json_object_get(t1, "column")), 1);
  ck_assert_str_eq(json_string_value(json_object_get(t1, "plan")), "Xã A");
  ck_assert_str_eq(json_string_value(json_object_get(t1, "subject")),
                   "Tỷ lệ người dân có hồ sơ sức khỏe điện tử cá nhân");
  ck_assert_str_eq(json_string_value(json_object_get(t1, "area")), "tthc");
  ck_assert_str_eq(json_string_value(json_object_get(t1, "value")), "= 100%");
  ck_assert_int_eq(json_integer_value(json_array_get(json_object_get(t1, "span"), 0)), 5);
  ck_assert(json_is_null(json_array_get(json_object_get(r2, "cells"), 2)));
  json_decref(j);
  free(out);
  cchc_compare_free(cm);

  /* options: asking for keys leaves them out; an area keeps its own */
  const char *keys[] = {"tthc.dung_han"};
  cchc_compare_options only = {NULL, keys, 1};
  ck_assert_int_eq(cchc_compare_new(frames, 3, &only, &cm, &err), CCHC_OK);
  ck_assert_uint_eq(cchc_compare_rows(cm), 1);
  cchc_compare_free(cm);
  cchc_compare_options tthc = {"tthc", NULL, 0}, cqs = {"cqs", NULL, 0};
  ck_assert_int_eq(cchc_compare_new(frames, 3, &tthc, &cm, &err), CCHC_OK);
  ck_assert_uint_eq(cchc_compare_rows(cm), 7);
  cchc_compare_free(cm);
  ck_assert_int_eq(cchc_compare_new(frames, 3, &cqs, &cm, &err), CCHC_OK);
  ck_assert_uint_eq(cchc_compare_rows(cm), 0);
  cchc_compare_free(cm);
  cchc_frame_free(fp);
  cchc_frame_free(fa);
  cchc_frame_free(fb);
}
END_TEST

/* ---- audit ---- */

START_TEST(audit_unmatched_and_missing) {
  cchc_frame *fp = parse(PROVINCE), *fa = parse(COMMUNE_A);
  const cchc_frame *plans[1] = {fa};
  cchc_error err;
  cchc_audit *a = NULL;
  ck_assert_int_eq(cchc_audit_new(fp, plans, 1, &a, &err), CCHC_OK);
  ck_assert_uint_eq(cchc_audit_count(a), 3);

  /* tthc.dung_han: no target of Xã A has it; its own wording is the
   * candidate, with its text, value, span, and it is lower */
  const cchc_finding *f = cchc_audit_finding(a, 0);
  ck_assert_int_eq(f->kind, CCHC_FINDING_UNMATCHED);
  ck_assert_str_eq(cchc_finding_kind_name(f->kind), "unmatched");
  ck_assert_str_eq(f->key, "tthc.dung_han");
  ck_assert_str_eq(f->plan.text, "Hồ sơ ... trong hạn luật định đạt tối thiểu 95%");
  ck_assert_str_eq(f->plan.value, "≥ 95%");
  ck_assert(f->plan.has_span && f->plan.start == 4 && f->plan.end == 49);
  ck_assert_str_eq(f->parent.value, "≥ 98%");
  ck_assert_double_eq_tol(f->similarity, 9.0 / 14.0, 1e-12);
  ck_assert(f->lower);
  char note[256];
  ck_assert_uint_gt(cchc_finding_note(f, note, sizeof note), 0);
  ck_assert_str_eq(note, "no target with this indicator; this target without "
                         "one has a similar subject (word overlap 0.64) and "
                         "a lower value");

  /* tthc.hai_long: nothing by indicator, nothing by subject */
  f = cchc_audit_finding(a, 1);
  ck_assert_int_eq(f->kind, CCHC_FINDING_MISSING);
  ck_assert_str_eq(f->key, "tthc.hai_long");
  ck_assert_ptr_null(f->plan.value);
  ck_assert_ptr_null(f->plan.text);
  ck_assert(!f->plan.has_span);
  ck_assert(!f->lower);
  cchc_finding_note(f, note, sizeof note);
  ck_assert_str_eq(note, "no target with this indicator; no target without "
                         "an indicator whose subject is similar (word overlap "
                         ">= 0.5)");

  /* the province's own target without an indicator: looked up by subject
   * among all of Xã A's; the health record, not lower */
  f = cchc_audit_finding(a, 2);
  ck_assert_int_eq(f->kind, CCHC_FINDING_UNMATCHED);
  ck_assert_ptr_null(f->key);
  ck_assert_str_eq(f->plan.value, "= 100%");
  ck_assert_uint_eq(f->plan.start, 5);
  ck_assert_double_eq_tol(f->similarity, 8.0 / 11.0, 1e-12);
  ck_assert(!f->lower);

  char *out;
  size_t n;
  RENDER(cchc_audit_render, a, CCHC_REPORT_TABLE);
  ck_assert_msg(strstr(out, "\nunmatched  tthc.dung_han "), "%s", out);
  ck_assert_msg(strstr(out, "\nunmatched  (unclassified) "), "%s", out);
  ck_assert_msg(strstr(out, "\n1. unmatched tthc.dung_han\n   Xã A: no target "
                            "with this indicator; this target without one has "
                            "a similar subject (word overlap 0.64) and a "
                            "lower value:\n   Xã A: \"Hồ sơ ... trong hạn "
                            "luật định đạt tối thiểu 95%\"\n"),
                "%s", out);
  ck_assert_msg(strstr(out, "\n2. missing tthc.hai_long\n   Xã A: no target "
                            "with this indicator; no target without an "
                            "indicator whose subject is similar"),
                "%s", out);
  free(out);

  RENDER(cchc_audit_render, a, CCHC_REPORT_CSV);
  ck_assert_ptr_nonnull(strstr(out, ",\"similarity\",\"lower\"\r\n"));
  ck_assert_ptr_nonnull(strstr(out, ",0.64,\"true\"\r\n"));
  ck_assert_ptr_nonnull(strstr(out, ",0.73,\"false\"\r\n"));
  ck_assert_ptr_nonnull(strstr(out, "\"Tỉnh.txt\",,\r\n")); /* missing */
  free(out);

  RENDER(cchc_audit_render, a, CCHC_REPORT_JSON);
  json_t *j = json_loadb(out, n, 0, NULL);
  ck_assert_ptr_nonnull(j);
  json_t *fs = json_object_get(j, "findings");
  json_t *f0 = json_array_get(fs, 0), *f1 = json_array_get(fs, 1),
         *f2 = json_array_get(fs, 2);
  ck_assert_str_eq(json_string_value(json_object_get(f0, "kind")), "unmatched");
  ck_assert_double_eq(json_real_value(json_object_get(f0, "similarity")), 0.64);
  ck_assert(json_is_true(json_object_get(f0, "lower")));
  ck_assert_str_eq(json_string_value(json_object_get(
                       json_object_get(f0, "plan"), "text")),
                   "Hồ sơ ... trong hạn luật định đạt tối thiểu 95%");
  ck_assert_str_eq(json_string_value(json_object_get(f1, "kind")), "missing");
  ck_assert_ptr_null(json_object_get(f1, "similarity"));
  ck_assert(json_is_null(json_object_get(f2, "key")));
  ck_assert(json_is_false(json_object_get(f2, "lower")));
  json_decref(j);
  free(out);
  cchc_audit_free(a);
  cchc_frame_free(fp);
  cchc_frame_free(fa);
}
END_TEST

/* ---- the chain through the program ---- */

static char db[4200], province[4200], commune[4200];

static void make_store(void) {
  snprintf(db, sizeof db, "%s/unclassified-%d.db", harness_tmpdir(),
           (int)getpid());
  char path[4200];
  snprintf(path, sizeof path, "%s/tests/data/song_may_51_KH-UBND_2026.txt",
           harness_root());
  char *r = realpath(path, NULL);
  snprintf(province, sizeof province, "%s", r ? r : path);
  free(r);
  snprintf(path, sizeof path, "%s/tests/data/suoi_mo_7_KH-UBND_2026.txt",
           harness_root());
  r = realpath(path, NULL);
  snprintf(commune, sizeof commune, "%s", r ? r : path);
  free(r);
  unlink(db);
  const char *argv[] = {"ingest", "--db", db, province, commune, NULL};
  char *out = NULL, *err = NULL;
  int rc = harness_cli(argv, NULL, 0, &out, NULL, &err);
  if (rc != 0) {
    fprintf(stderr, "ingest failed (%d): %s%s\n", rc, out ? out : "",
            err ? err : "");
    exit(1);
  }
  free(out);
  free(err);
}

/* Does the file `path` hold `needle` within span [start, end)? */
static bool span_holds(const char *path, json_t *span, const char *needle) {
  size_t len;
  char *data = harness_read(path, &len);
  ck_assert_ptr_nonnull(data);
  json_int_t s = json_integer_value(json_array_get(span, 0));
  json_int_t e = json_integer_value(json_array_get(span, 1));
  ck_assert(s >= 0 && s <= e && (size_t)e <= len);
  bool found = memmem(data + s, (size_t)(e - s), needle, strlen(needle));
  free(data);
  return found;
}

#define COMMUNE_WORDING                                                        \
  "Hồ sơ thủ tục hành chính của xã được giải quyết xong trong hạn luật định"

START_TEST(chain_list_compare_audit) {
  /* the wording is one no indicator rule knows, and no target of the
   * commune has the province's indicator: by indicator alone, the audit
   * would say missing (else this test proves nothing) */
  size_t len;
  char *src = harness_read(commune, &len);
  ck_assert_ptr_nonnull(src);
  cchc_frame *fr = harness_process(harness_rules(), src, len);
  ck_assert_ptr_null(cchc_frame_target_indicator(cchc_frame_target_at(fr, 0)));
  ck_assert_str_eq(cchc_frame_target_subject(cchc_frame_target_at(fr, 0)),
                   COMMUNE_WORDING);
  for (size_t k = 0; k < cchc_frame_targets(fr); k++) {
    const char *ind = cchc_frame_target_indicator(cchc_frame_target_at(fr, k));
    ck_assert(!ind || strcmp(ind, "tthc.dung_han") != 0);
  }
  cchc_frame_free(fr);
  free(src);

  char *out, *err;
  size_t n;
  /* list: the number of targets and of unclassified ones */
  const char *list[] = {"list", "--db", db, NULL};
  ck_assert_int_eq(harness_cli(list, NULL, 0, &out, &n, &err), 0);
  ck_assert_msg(strstr(out, "  targets  unclassified  tasks\n"), "%s", out);
  ck_assert_msg(strstr(out, "       3             0      0\n"), "%s", out);
  ck_assert_msg(strstr(out, "       3             2      0\n"), "%s", out);
  ck_assert_msg(strstr(out, "\n2 plans, 6 targets, 2 unclassified\n"), "%s",
                out);
  free(out);
  free(err);

  /* compare: a row for the commune's wording, in each format */
  const char *cmp[] = {"compare", "--db", db, NULL};
  ck_assert_int_eq(harness_cli(cmp, NULL, 0, &out, &n, &err), 0);
  /* the province's cell empty, the commune's the target */
  ck_assert_msg(strstr(out, "\n(unclassified) Hồ sơ thủ tục hành chính của xã "
                            "được giải quyết xong trong h…  -                    "
                            "≥ 95%\n"),
                "%s", out);
  free(out);
  free(err);
  const char *cmp_csv[] = {"compare", "--db", db, "-f", "csv", NULL};
  ck_assert_int_eq(harness_cli(cmp_csv, NULL, 0, &out, &n, &err), 0);
  ck_assert_msg(strstr(out, "\r\n,\"" COMMUNE_WORDING "\",,\"≥ 95%\"\r\n"),
                "%s", out);
  free(out);
  free(err);
  const char *cmp_json[] = {"compare", "--db", db, "-f", "json", NULL};
  ck_assert_int_eq(harness_cli(cmp_json, NULL, 0, &out, &n, &err), 0);
  json_t *j = json_loadb(out, n, 0, NULL);
  ck_assert_ptr_nonnull(j);
  bool seen = false;
  size_t i;
  json_t *row;
  json_array_foreach(json_object_get(j, "rows"), i, row) {
    const char *subj = json_string_value(json_object_get(row, "subject"));
    if (!subj || strcmp(subj, COMMUNE_WORDING) != 0)
      continue;
    seen = true;
    ck_assert(json_is_null(json_object_get(row, "indicator")));
    json_t *t = json_array_get(json_object_get(row, "targets"), 0);
    ck_assert_str_eq(json_string_value(json_object_get(t, "plan")),
                     "Suối Mơ 7/KH-UBND");
    ck_assert(span_holds(commune, json_object_get(t, "span"), "95%"));
  }
  ck_assert(seen);
  json_decref(j);
  free(out);
  free(err);

  /* audit: unmatched with the candidate, where the indicator alone found
   * nothing; the satisfaction target is really missing */
  const char *aud[] = {"audit", "--db", db, "--parent", "51/KH-UBND", "-f",
                       "json", NULL};
  ck_assert_int_eq(harness_cli(aud, NULL, 0, &out, &n, &err), 1);
  j = json_loadb(out, n, 0, NULL);
  ck_assert_ptr_nonnull(j);
  json_t *fs = json_object_get(j, "findings");
  ck_assert_uint_eq(json_array_size(fs), 2);
  json_t *f0 = json_array_get(fs, 0), *f1 = json_array_get(fs, 1);
  ck_assert_str_eq(json_string_value(json_object_get(f0, "kind")), "unmatched");
  ck_assert_str_eq(json_string_value(json_object_get(f0, "key")),
                   "tthc.dung_han");
  json_t *plan = json_object_get(f0, "plan");
  ck_assert_str_eq(json_string_value(json_object_get(plan, "text")),
                   COMMUNE_WORDING " đạt tối thiểu 95%"); /* no bullet */
  ck_assert_str_eq(json_string_value(json_object_get(plan, "value")), "≥ 95%");
  ck_assert_str_eq(json_string_value(json_object_get(plan, "path")), commune);
  ck_assert(span_holds(commune, json_object_get(plan, "span"), "95%"));
  ck_assert(json_is_true(json_object_get(f0, "lower")));
  ck_assert(json_real_value(json_object_get(f0, "similarity")) >=
            CCHC_SUBJECT_SIMILAR);
  ck_assert_str_eq(json_string_value(json_object_get(f1, "kind")), "missing");
  ck_assert_str_eq(json_string_value(json_object_get(f1, "key")),
                   "tthc.hai_long");
  ck_assert(json_is_null(json_object_get(json_object_get(f1, "plan"), "text")));
  json_decref(j);
  free(out);
  free(err);
  const char *aud_table[] = {"audit", "--db", db, "--parent", "51/KH-UBND",
                             NULL};
  ck_assert_int_eq(harness_cli(aud_table, NULL, 0, &out, &n, &err), 1);
  ck_assert_msg(strstr(out, "this target without one has a similar subject"),
                "%s", out);
  ck_assert_msg(strstr(out, "\"" COMMUNE_WORDING " đạt tối thiểu 95%\""),
                "%s", out);
  free(out);
  free(err);
}
END_TEST

int main(void) {
  make_store();
  Suite *s = suite_create("unclassified");
  TCase *tc = tcase_create("library");
  tcase_add_test(tc, subjects_and_similarity);
  tcase_add_test(tc, compare_rows_by_subject);
  tcase_add_test(tc, audit_unmatched_and_missing);
  suite_add_tcase(s, tc);
  tc = tcase_create("chain");
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, chain_list_compare_audit);
  suite_add_tcase(s, tc);
  int rc = harness_run(s);
  harness_free_rules();
  unlink(db);
  return rc;
}
