/* test_eval.c: scoring frames against gold annotations (cchc_eval_*) on
 * small hand-written frames (read with cchc_frame_from_json) and gold files
 * whose scores are computed by hand, and the `cchc eval` command. */
#define _GNU_SOURCE
#include "harness.h"

#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* ------------------------------------------------------------------ */
/* Helpers                                                             */

#define EPS 1e-9

/* The document part used when a test is not about it. */
#define GOLD_DOC                                                              \
  "\"document\": {\"kind\": \"ke_hoach\", \"level\": \"commune\","            \
  " \"place\": \"Nghĩa Trung\", \"province\": \"Đồng Nai\", \"year\": 2026,"  \
  " \"period\": {\"start\": \"2026-01-01\", \"end\": \"2026-12-31\"},"        \
  " \"number\": null, \"date\": null,"                                        \
  " \"parent\": {\"number\": \"228/KH-UBND\", \"date\": \"2026-01-25\"}}"
#define FRAME_DOC                                                             \
  "\"document\": {\"kind\": \"ke_hoach\", \"level\": \"commune\","            \
  " \"place\": \"Nghĩa Trung\", \"province\": \"Đồng Nai\", \"year\": 2026,"  \
  " \"period\": {\"start\": \"2026-01-01\", \"end\": \"2026-12-31\"},"        \
  " \"number\": null, \"date\": null, \"title\": null, \"signer\": null,"     \
  " \"parent\": {\"number\": \"228/KH-UBND\", \"date\": \"2026-01-25\"}}"

/* A gold file with the given arrays (JSON text, NULL for []). */
static char *gold(const char *refs, const char *targets, const char *deadlines,
                  const char *leads, const char *tasks) {
  char *s = NULL;
  ck_assert_int_ge(
      asprintf(&s,
               "{\"file\": \"x.txt\", " GOLD_DOC ", \"references\": [%s],"
               " \"targets\": [%s], \"deadlines\": [%s], \"leads\": [%s],"
               " \"tasks\": [%s]}",
               refs ? refs : "", targets ? targets : "",
               deadlines ? deadlines : "", leads ? leads : "",
               tasks ? tasks : ""),
      0);
  return s;
}

/* A frame with the given arrays. */
static char *frame(const char *refs, const char *targets, const char *deadlines,
                   const char *leads, const char *tasks) {
  char *s = NULL;
  ck_assert_int_ge(
      asprintf(&s,
               "{\"schema\": \"cchc/1\", \"source\": {\"path\": \"x.txt\"}, "
               FRAME_DOC ", \"references\": [%s], \"sections\": [],"
               " \"targets\": [%s], \"deadlines\": [%s], \"tasks\": [%s],"
               " \"leads\": [%s]}",
               refs ? refs : "", targets ? targets : "",
               deadlines ? deadlines : "", tasks ? tasks : "",
               leads ? leads : ""),
      0);
  return s;
}

/* Add one document: the frame JSON `f` read back, against gold `g`. */
static cchc_status add(cchc_eval *ev, const char *name, const char *f,
                       const char *g, cchc_error *err) {
  cchc_frame *frame = NULL;
  ck_assert_msg(cchc_frame_from_json(f, strlen(f), &frame, err) == CCHC_OK,
                "frame: %s", err->message);
  cchc_status st = cchc_eval_add(ev, name, frame, g, strlen(g), err);
  cchc_frame_free(frame);
  return st;
}

/* Score one document; the frame and gold texts are freed. */
static cchc_eval *score1(char *f, char *g) {
  cchc_eval *ev = cchc_eval_new();
  ck_assert_ptr_nonnull(ev);
  cchc_error err = {0};
  cchc_status st = add(ev, "x.txt", f, g, &err);
  ck_assert_msg(st == CCHC_OK, "cchc_eval_add: %s: %s", err.path, err.message);
  free(f);
  free(g);
  return ev;
}

#define ASSERT_SCORE(ev, name, want)                                         \
  do {                                                                       \
    double got_ = cchc_eval_score((ev), (name));                             \
    ck_assert_msg(fabs(got_ - (want)) < EPS, "%s = %g, expected %g", (name), \
                  got_, (double)(want));                                     \
  } while (0)

#define ASSERT_NAN(ev, name)                                                 \
  do {                                                                       \
    double got_ = cchc_eval_score((ev), (name));                             \
    ck_assert_msg(isnan(got_), "%s = %g, expected undefined", (name), got_); \
  } while (0)

/* Gold items reused across tests. */
#define G_T98                                                                 \
  "{\"quote\": \"Tỷ lệ giải quyết hồ sơ đúng hạn đạt tối thiểu 98%\","        \
  " \"area\": \"tthc\", \"indicator\": \"tthc.dung_han\","                    \
  " \"comparator\": \">=\", \"value\": 98, \"value_max\": null,"              \
  " \"unit\": \"%\"}"
#define G_T10                                                                 \
  "{\"quote\": \"10% TTHC kiến nghị đơn giản hóa\", \"area\": \"tthc\","      \
  " \"indicator\": \"tthc.don_gian_hoa\", \"comparator\": \"=\","             \
  " \"value\": 10, \"value_max\": null, \"unit\": \"%\"}"
#define G_T95                                                                 \
  "{\"quote\": \"Mức độ hài lòng của người dân đạt tối thiểu 95%\","          \
  " \"area\": \"tthc\", \"indicator\": null, \"comparator\": \">=\","         \
  " \"value\": 95, \"value_max\": null, \"unit\": \"%\"}"

/* A predicted target. */
static char *ptarget(const char *id, const char *text, const char *value,
                     const char *comparator, const char *indicator,
                     const char *area) {
  char *s = NULL;
  ck_assert_int_ge(
      asprintf(&s,
               "{\"id\": \"%s\", \"section\": \"s1\", \"area\": %s,"
               " \"indicator\": %s, \"subject\": null, \"text\": \"%s\","
               " \"comparator\": \"%s\", \"value\": %s, \"value_max\": null,"
               " \"unit\": \"%%\", \"span\": [0, 1], \"rule\": \"t\"}",
               id, area, indicator, text, comparator, value),
      0);
  return s;
}

/* Join items with commas; frees them. */
static char *join(int n, ...) {
  va_list ap;
  va_start(ap, n);
  char *out = strdup("");
  for (int i = 0; i < n; i++) {
    char *it = va_arg(ap, char *), *next = NULL;
    ck_assert_int_ge(asprintf(&next, "%s%s%s", out, i ? ", " : "", it), 0);
    free(out);
    free(it);
    out = next;
  }
  va_end(ap);
  return out;
}

/* ------------------------------------------------------------------ */
/* A frame that says what the gold says                                 */

#define G_REFS                                                                \
  "{\"number\": \"76/NQ-CP\", \"kind\": \"nghi_quyet\","                      \
  " \"date\": \"2022-07-15\"},"                                               \
  " {\"number\": \"118/2025/NĐ-CP\", \"kind\": \"nghi_dinh\", \"date\": null}"
#define P_REFS                                                                \
  "{\"number\": \"76/NQ-CP\", \"kind\": \"nghi_quyet\","                      \
  " \"date\": \"2022-07-15\", \"issuer\": \"Chính phủ\", \"span\": [1, 9],"   \
  " \"rule\": \"ref\"},"                                                      \
  " {\"number\": \"118/2025/NĐ-CP\", \"kind\": \"nghi_dinh\", \"date\": null," \
  " \"issuer\": null, \"span\": [20, 35], \"rule\": \"ref\"}"
#define G_DEADLINES                                                           \
  "{\"quote\": \"hoàn thành trước ngày 30/01/2026\", \"kind\": \"date\","     \
  " \"start\": null, \"end\": \"2026-01-30\"},"                               \
  " {\"quote\": \"Thường xuyên\", \"kind\": \"continuous\","                  \
  " \"start\": null, \"end\": null}"
#define P_DEADLINES                                                           \
  "{\"id\": \"d1\", \"text\": \"trước ngày 30/01/2026\", \"kind\": \"date\"," \
  " \"start\": null, \"end\": \"2026-01-30\", \"recurrence\": null,"          \
  " \"year_inferred\": false, \"span\": [5, 9], \"rule\": \"dl\"},"           \
  " {\"id\": \"d2\", \"text\": \"Thường xuyên\", \"kind\": \"continuous\","   \
  " \"start\": null, \"end\": null, \"recurrence\": null,"                    \
  " \"year_inferred\": false, \"span\": [50, 60], \"rule\": \"dl\"}"
#define G_LEADS                                                               \
  "{\"area\": \"the_che\", \"unit\": \"vp_hdnd_ubnd\","                       \
  " \"quote\": \"Chủ trì triển khai thực hiện nội dung cải cách thể chế\"}"
#define P_LEADS                                                               \
  "{\"area\": \"the_che\", \"unit\": {\"key\": \"vp_hdnd_ubnd\","             \
  " \"name\": \"Văn phòng HĐND và UBND xã\", \"text\": \"Văn phòng\","        \
  " \"span\": [3, 4]}, \"text\": \"Chủ trì ... thể chế\", \"span\": [3, 9]}"
#define G_TASKS                                                               \
  "{\"quote\": \"các cơ quan, đơn vị xây dựng kế hoạch cải cách hành chính\"," \
  " \"lead\": [\"cac_co_quan\"], \"coordinators\": [\"phong_vhxh\"],"         \
  " \"deadline\": {\"kind\": \"date\", \"start\": null,"                      \
  " \"end\": \"2026-01-30\"}},"                                               \
  " {\"quote\": \"Tăng cường phát tin, bài về cải cách hành chính\","         \
  " \"lead\": [\"tt_dvth\"], \"coordinators\": [], \"deadline\": null}"
#define UNIT(key) \
  "{\"key\": \"" key "\", \"name\": \"n\", \"text\": \"t\", \"span\": [0, 1]}"
#define P_TASKS                                                               \
  "{\"id\": \"k1\", \"text\": \"Các cơ quan, đơn vị xây dựng kế hoạch cải "   \
  "cách hành chính năm 2026\", \"lead\": [" UNIT("cac_co_quan") "],"          \
  " \"coordinators\": [" UNIT("phong_vhxh") "], \"deadline\": \"d1\"},"       \
  " {\"id\": \"k2\", \"text\": \"Tăng cường phát tin, bài về cải cách hành "  \
  "chính\", \"lead\": [" UNIT("tt_dvth") "], \"coordinators\": [],"           \
  " \"deadline\": null}"

static const char *const all_metrics[] = {
    "targets.precision",      "targets.recall",
    "targets.f1",             "targets.comparator",
    "targets.indicator",      "targets.area",
    "references.precision",   "references.recall",
    "references.f1",          "references.date",
    "document.kind",          "document.level",
    "document.place",         "document.province",
    "document.year",          "document.period",
    "document.number",        "document.date",
    "document.parent.number", "document.parent.date",
    "deadlines.precision",    "deadlines.recall",
    "deadlines.f1",           "leads.precision",
    "leads.recall",           "leads.f1",
    "tasks.precision",        "tasks.recall",
    "tasks.f1",               "tasks.lead",
    "tasks.coordinators.f1",  "tasks.deadline",
};

START_TEST(perfect_prediction) {
  char *pt = join(3,
                  ptarget("t1", "Tỷ lệ giải quyết hồ sơ đúng hạn đạt tối thiểu 98%",
                          "98", ">=", "\"tthc.dung_han\"", "\"tthc\""),
                  ptarget("t2", "10% TTHC kiến nghị đơn giản hóa", "10", "=",
                          "\"tthc.don_gian_hoa\"", "\"tthc\""),
                  ptarget("t3", "Mức độ hài lòng của người dân đạt tối thiểu 95%",
                          "95.0", ">=", "null", "\"tthc\""));
  cchc_eval *ev =
      score1(frame(P_REFS, pt, P_DEADLINES, P_LEADS, P_TASKS),
             gold(G_REFS, G_T98 "," G_T10 "," G_T95, G_DEADLINES, G_LEADS,
                  G_TASKS));
  free(pt);
  for (size_t i = 0; i < sizeof all_metrics / sizeof *all_metrics; i++)
    ASSERT_SCORE(ev, all_metrics[i], 1.0);
  ASSERT_SCORE(ev, "targets.tp", 3);
  ASSERT_SCORE(ev, "targets.fp", 0);
  ASSERT_SCORE(ev, "targets.fn", 0);
  ASSERT_SCORE(ev, "targets.comparator.correct", 3);
  ASSERT_SCORE(ev, "targets.comparator.total", 3);
  ASSERT_SCORE(ev, "tasks.coordinators.tp", 1);
  ck_assert_uint_eq(cchc_eval_documents(ev), 1);
  ck_assert_str_eq(cchc_eval_document_name(ev, 0), "x.txt");
  ASSERT_SCORE(ev, "document.place.accuracy", 1.0);
  ck_assert(fabs(cchc_eval_document_score(ev, 0, "targets.f1") - 1.0) < EPS);
  /* Unknown names and suffixes of the other kind are undefined. */
  ASSERT_NAN(ev, "targets");
  ASSERT_NAN(ev, "targets.accuracy");
  ASSERT_NAN(ev, "targets.comparator.f1");
  ASSERT_NAN(ev, "no.such.metric");
  ck_assert(isnan(cchc_eval_document_score(ev, 1, "targets.f1")));
  cchc_eval_free(ev);
}
END_TEST

/* ------------------------------------------------------------------ */
/* targets                                                             */

START_TEST(missing_target_lowers_recall) {
  char *pt = join(2,
                  ptarget("t1", "Tỷ lệ giải quyết hồ sơ đúng hạn đạt tối thiểu 98%",
                          "98", ">=", "\"tthc.dung_han\"", "\"tthc\""),
                  ptarget("t2", "Mức độ hài lòng của người dân đạt tối thiểu 95%",
                          "95", "=", "null", "\"cqs\""));
  cchc_eval *ev = score1(frame(NULL, pt, NULL, NULL, NULL),
                         gold(NULL, G_T98 "," G_T10 "," G_T95, NULL, NULL, NULL));
  free(pt);
  /* tp 2, fp 0, fn 1: P 1, R 2/3, F1 = 2*1*(2/3)/(1+2/3) = 0.8 */
  ASSERT_SCORE(ev, "targets.precision", 1.0);
  ASSERT_SCORE(ev, "targets.recall", 2.0 / 3.0);
  ASSERT_SCORE(ev, "targets.f1", 0.8);
  ASSERT_SCORE(ev, "targets.fn", 1);
  /* Over the two matched: the second has the wrong comparator and area;
   * its indicator is null on both sides, which is right. */
  ASSERT_SCORE(ev, "targets.comparator", 0.5);
  ASSERT_SCORE(ev, "targets.indicator", 1.0);
  ASSERT_SCORE(ev, "targets.area", 0.5);
  cchc_eval_free(ev);
}
END_TEST

START_TEST(wrong_value_does_not_match) {
  char *pt = ptarget("t1", "Tỷ lệ giải quyết hồ sơ đúng hạn đạt tối thiểu 98%",
                     "99", ">=", "\"tthc.dung_han\"", "\"tthc\"");
  cchc_eval *ev =
      score1(frame(NULL, pt, NULL, NULL, NULL), gold(NULL, G_T98, NULL, NULL, NULL));
  free(pt);
  ASSERT_SCORE(ev, "targets.tp", 0);
  ASSERT_SCORE(ev, "targets.fp", 1);
  ASSERT_SCORE(ev, "targets.fn", 1);
  ASSERT_SCORE(ev, "targets.precision", 0.0);
  ASSERT_SCORE(ev, "targets.recall", 0.0);
  ASSERT_SCORE(ev, "targets.f1", 0.0);
  ASSERT_NAN(ev, "targets.comparator"); /* nothing matched */
  cchc_eval_free(ev);
}
END_TEST

START_TEST(decimal_value_matches) {
  const char *g = "{\"quote\": \"tỷ lệ đạt 98,5%\", \"area\": null,"
                  " \"indicator\": null, \"comparator\": \"=\","
                  " \"value\": 98.5, \"value_max\": null, \"unit\": \"%\"}";
  char *pt = ptarget("t1", "tỷ lệ đạt 98,5%", "98.5", "=", "null", "null");
  cchc_eval *ev =
      score1(frame(NULL, pt, NULL, NULL, NULL), gold(NULL, g, NULL, NULL, NULL));
  free(pt);
  ASSERT_SCORE(ev, "targets.f1", 1.0);
  cchc_eval_free(ev);
}
END_TEST

START_TEST(overlap_folding) {
  /* hoá/hóa, case, diacritics and a line break with extra spaces. */
  const char *g1 = "{\"quote\": \"tỷ lệ số hóa hồ sơ, kết quả giải quyết TTHC"
                   " đạt 100%\", \"area\": \"tthc\", \"indicator\":"
                   " \"tthc.so_hoa\", \"comparator\": \"=\", \"value\": 100,"
                   " \"value_max\": null, \"unit\": \"%\"}";
  /* The predicted text is a shorter piece that shares more than half. */
  const char *g2 = "{\"quote\": \"100% hồ sơ công việc được xử lý trên môi"
                   " trường mạng (trừ hồ sơ mật)\", \"area\": \"cqs\","
                   " \"indicator\": null, \"comparator\": \"=\","
                   " \"value\": 100, \"value_max\": null, \"unit\": \"%\"}";
  /* Shares only a short piece: no match. */
  const char *g3 = "{\"quote\": \"100% văn bản quy phạm pháp luật được rà soát"
                   " kịp thời\", \"area\": \"the_che\", \"indicator\": null,"
                   " \"comparator\": \"=\", \"value\": 100,"
                   " \"value_max\": null, \"unit\": \"%\"}";
  char *pt = join(
      3,
      ptarget("t1", "Phấn đấu TỶ LỆ SỐ HOÁ hồ sơ,\\n   kết quả giải quyết tthc"
                    " đạt 100% trong năm",
              "100", "=", "\"tthc.so_hoa\"", "\"tthc\""),
      ptarget("t2", "Năm 2026: 100% HỒ SƠ CÔNG VIỆC được xử lý trên môi trường",
              "100", "=", "null", "\"cqs\""),
      ptarget("t3", "100% cán bộ được tập huấn kịp thời", "100", "=", "null",
              "null"));
  char *gt = NULL;
  ck_assert_int_ge(asprintf(&gt, "%s, %s, %s", g1, g2, g3), 0);
  cchc_eval *ev = score1(frame(NULL, pt, NULL, NULL, NULL), gold(NULL, gt, NULL, NULL, NULL));
  free(gt);
  free(pt);
  ASSERT_SCORE(ev, "targets.tp", 2);
  ASSERT_SCORE(ev, "targets.fp", 1);
  ASSERT_SCORE(ev, "targets.fn", 1);
  ASSERT_SCORE(ev, "targets.area", 1.0); /* t1-g1 and t2-g2, not t2-g3 */
  cchc_eval_free(ev);
}
END_TEST

START_TEST(two_targets_one_sentence) {
  const char *g =
      "{\"quote\": \"100% hồ sơ được tiếp nhận trực tuyến\", \"area\": \"tthc\","
      " \"indicator\": \"a\", \"comparator\": \"=\", \"value\": 100,"
      " \"value_max\": null, \"unit\": \"%\"},"
      " {\"quote\": \"100% kết quả được trả trực tuyến\", \"area\": \"tthc\","
      " \"indicator\": \"b\", \"comparator\": \">=\", \"value\": 100,"
      " \"value_max\": null, \"unit\": \"%\"}";
  const char *sentence = "Phấn đấu 100% hồ sơ được tiếp nhận trực tuyến và"
                         " 100% kết quả được trả trực tuyến";
  char *pt = join(2, ptarget("t1", sentence, "100", "=", "\"a\"", "\"tthc\""),
                  ptarget("t2", sentence, "100", ">=", "\"b\"", "\"tthc\""));
  cchc_eval *ev =
      score1(frame(NULL, pt, NULL, NULL, NULL), gold(NULL, g, NULL, NULL, NULL));
  free(pt);
  /* One to one, in order: t1-first, t2-second. */
  ASSERT_SCORE(ev, "targets.tp", 2);
  ASSERT_SCORE(ev, "targets.f1", 1.0);
  ASSERT_SCORE(ev, "targets.comparator", 1.0);
  ASSERT_SCORE(ev, "targets.indicator", 1.0);
  cchc_eval_free(ev);

  /* A third prediction of the same sentence finds no free gold target. */
  pt = join(3, ptarget("t1", sentence, "100", "=", "\"a\"", "\"tthc\""),
            ptarget("t2", sentence, "100", ">=", "\"b\"", "\"tthc\""),
            ptarget("t3", sentence, "100", "=", "null", "\"tthc\""));
  ev = score1(frame(NULL, pt, NULL, NULL, NULL), gold(NULL, g, NULL, NULL, NULL));
  free(pt);
  ASSERT_SCORE(ev, "targets.tp", 2);
  ASSERT_SCORE(ev, "targets.fp", 1);
  ASSERT_SCORE(ev, "targets.precision", 2.0 / 3.0);
  ASSERT_SCORE(ev, "targets.recall", 1.0);
  cchc_eval_free(ev);
}
END_TEST

START_TEST(empty_sides) {
  /* Nothing on either side: undefined, not 0 or 1. */
  cchc_eval *ev =
      score1(frame(NULL, NULL, NULL, NULL, NULL), gold(NULL, NULL, NULL, NULL, NULL));
  ASSERT_NAN(ev, "targets.precision");
  ASSERT_NAN(ev, "targets.recall");
  ASSERT_NAN(ev, "targets.f1");
  ASSERT_NAN(ev, "tasks.lead");
  ASSERT_SCORE(ev, "document.kind", 1.0);
  cchc_eval_free(ev);
  /* Predictions only: precision 0, recall undefined, F1 0. */
  char *pt = ptarget("t1", "đạt 100%", "100", "=", "null", "null");
  ev = score1(frame(NULL, pt, NULL, NULL, NULL), gold(NULL, NULL, NULL, NULL, NULL));
  free(pt);
  ASSERT_SCORE(ev, "targets.precision", 0.0);
  ASSERT_NAN(ev, "targets.recall");
  ASSERT_SCORE(ev, "targets.f1", 0.0);
  cchc_eval_free(ev);
  /* A frame may leave out the parts it does not fill. */
  const char *bare = "{\"schema\": \"cchc/1\"}";
  char *g = gold(G_REFS, G_T98, NULL, NULL, NULL);
  ev = cchc_eval_new();
  cchc_error err = {0};
  ck_assert_int_eq(add(ev, NULL, bare, g, &err), CCHC_OK);
  free(g);
  ASSERT_SCORE(ev, "targets.recall", 0.0);
  ASSERT_SCORE(ev, "references.recall", 0.0);
  ASSERT_SCORE(ev, "document.kind", 0.0);
  ASSERT_SCORE(ev, "document.number", 1.0); /* null and null */
  ck_assert_str_eq(cchc_eval_document_name(ev, 0), "document 1");
  cchc_eval_free(ev);
}
END_TEST

/* ------------------------------------------------------------------ */
/* references                                                          */

START_TEST(references_by_number) {
  const char *p =
      "{\"number\": \"76/NQ-CP\", \"kind\": \"nghi_quyet\","
      " \"date\": \"2022-07-16\"},"
      " {\"number\": \"118 / 2025 / NĐ-CP\", \"kind\": \"nghi_dinh\","
      " \"date\": null},"
      " {\"number\": \"99/KH-UBND\", \"kind\": \"ke_hoach\", \"date\": null},"
      " {\"number\": \"76/NQ-CP\", \"kind\": \"nghi_quyet\", \"date\": null}";
  cchc_eval *ev =
      score1(frame(p, NULL, NULL, NULL, NULL), gold(G_REFS, NULL, NULL, NULL, NULL));
  /* 76/NQ-CP and 118/2025/NĐ-CP match; 99/KH-UBND and the repeated
   * 76/NQ-CP do not: tp 2, fp 2, fn 0. */
  ASSERT_SCORE(ev, "references.tp", 2);
  ASSERT_SCORE(ev, "references.fp", 2);
  ASSERT_SCORE(ev, "references.fn", 0);
  ASSERT_SCORE(ev, "references.precision", 0.5);
  ASSERT_SCORE(ev, "references.recall", 1.0);
  /* Dates: 2022-07-16 is wrong, null == null is right. */
  ASSERT_SCORE(ev, "references.date", 0.5);
  cchc_eval_free(ev);
}
END_TEST

/* ------------------------------------------------------------------ */
/* document fields                                                     */

static char *doc_frame(const char *document) {
  char *s = NULL;
  ck_assert_int_ge(asprintf(&s, "{\"schema\": \"cchc/1\", \"document\": %s}",
                            document),
                   0);
  return s;
}

static char *doc_gold(const char *document) {
  char *s = NULL;
  ck_assert_int_ge(asprintf(&s,
                            "{\"file\": \"x.txt\", \"document\": %s,"
                            " \"references\": [], \"targets\": [],"
                            " \"deadlines\": [], \"leads\": [], \"tasks\": []}",
                            document),
                   0);
  return s;
}

START_TEST(document_fields) {
  const char *g1 = "{\"kind\": \"ke_hoach\", \"level\": \"commune\","
                   " \"place\": \"Định Hóa\", \"province\": null, \"year\": 2026,"
                   " \"period\": {\"start\": \"2026-01-01\", \"end\": \"2026-12-31\"},"
                   " \"number\": \"03/QĐ-UBND\", \"date\": \"2025-12-31\","
                   " \"parent\": {\"number\": \"188/KH-UBND\","
                   " \"date\": \"2025-12-27\"}}";
  /* place by match key, year as a string, number with a space; level
   * missing, period end wrong, no parent. */
  const char *p1 = "{\"kind\": \"ke_hoach\", \"place\": \"ĐỊNH HOÁ\","
                   " \"province\": null, \"year\": \"2026\","
                   " \"period\": {\"start\": \"2026-01-01\", \"end\": \"2026-06-30\"},"
                   " \"number\": \"03/QĐ- UBND\", \"date\": \"2025-12-31\","
                   " \"parent\": null}";
  const char *g2 = "{\"kind\": \"quyet_dinh\", \"level\": \"commune\","
                   " \"place\": \"Hồng Lộc\", \"province\": \"Hà Tĩnh\","
                   " \"year\": 2024, \"period\": {\"start\": \"2024-01-01\","
                   " \"end\": \"2024-12-31\"}, \"number\": null, \"date\": null,"
                   " \"parent\": {\"number\": null, \"date\": null}}";
  const char *p2 = "{\"kind\": \"ke_hoach\", \"level\": \"commune\","
                   " \"place\": \"Hồng Lộc\", \"province\": \"Hà Tĩnh\","
                   " \"year\": 2025, \"period\": {\"start\": \"2024-01-01\","
                   " \"end\": \"2024-12-31\"}, \"number\": null, \"date\": null,"
                   " \"parent\": null}";
  cchc_eval *ev = cchc_eval_new();
  cchc_error err = {0};
  char *f = doc_frame(p1), *g = doc_gold(g1);
  ck_assert_int_eq(add(ev, "a", f, g, &err), CCHC_OK);
  free(f);
  free(g);
  f = doc_frame(p2);
  g = doc_gold(g2);
  ck_assert_int_eq(add(ev, "b", f, g, &err), CCHC_OK);
  free(f);
  free(g);
  ASSERT_SCORE(ev, "document.kind", 0.5);     /* b wrong */
  ASSERT_SCORE(ev, "document.level", 0.5);    /* a missing */
  ASSERT_SCORE(ev, "document.place", 1.0);    /* Định Hoá == Định Hóa */
  ASSERT_SCORE(ev, "document.province", 1.0); /* null == null, equal */
  ASSERT_SCORE(ev, "document.year", 0.5);     /* "2026" == 2026; 2025 wrong */
  ASSERT_SCORE(ev, "document.period", 0.5);   /* a: end wrong */
  ASSERT_SCORE(ev, "document.number", 1.0);
  ASSERT_SCORE(ev, "document.date", 1.0);
  ASSERT_SCORE(ev, "document.parent.number", 0.5); /* a: missing parent */
  ASSERT_SCORE(ev, "document.parent.date", 0.5);
  ASSERT_SCORE(ev, "document.kind.total", 2);
  /* Per document. */
  ck_assert(fabs(cchc_eval_document_score(ev, 0, "document.kind") - 1) < EPS);
  ck_assert(fabs(cchc_eval_document_score(ev, 1, "document.kind") - 0) < EPS);
  ck_assert(fabs(cchc_eval_document_score(ev, 1, "document.parent.number") - 1) <
            EPS); /* {null, null} == no parent */
  cchc_eval_free(ev);
}
END_TEST

/* ------------------------------------------------------------------ */
/* deadlines, leads                                                    */

#define DL(id, kind, start, end)                                              \
  "{\"id\": \"" id "\", \"text\": \"x\", \"kind\": \"" kind "\","             \
  " \"start\": " start ", \"end\": " end ", \"recurrence\": null,"            \
  " \"year_inferred\": false, \"span\": [0, 1], \"rule\": \"r\"}"
#define GDL(kind, start, end)                                                 \
  "{\"quote\": \"q\", \"kind\": \"" kind "\", \"start\": " start ","          \
  " \"end\": " end "}"

START_TEST(deadlines_multiset) {
  /* Two gold "Thường xuyên" cells, one predicted: recall 0.5. */
  cchc_eval *ev = score1(
      frame(NULL, NULL, DL("d1", "continuous", "null", "null"), NULL, NULL),
      gold(NULL, NULL,
           GDL("continuous", "null", "null") ", " GDL("continuous", "null", "null"),
           NULL, NULL));
  ASSERT_SCORE(ev, "deadlines.precision", 1.0);
  ASSERT_SCORE(ev, "deadlines.recall", 0.5);
  ASSERT_SCORE(ev, "deadlines.tp", 1);
  ASSERT_SCORE(ev, "deadlines.fn", 1);
  /* The missed one in the JSON diffs: "kind" is the diff's, the deadline's
   * kind has a key of its own (no key twice in one object). */
  char *json = NULL;
  cchc_error err = {0};
  ck_assert_int_eq(cchc_eval_render_json(ev, &json, &err), CCHC_OK);
  json_error_t je;
  json_t *root = json_loads(json, JSON_REJECT_DUPLICATES, &je);
  ck_assert_msg(root != NULL, "%s\n%s", je.text, json);
  json_t *d = json_array_get(
      json_object_get(json_array_get(json_object_get(root, "per_document"), 0),
                      "diffs"),
      0);
  ck_assert_str_eq(json_string_value(json_object_get(d, "kind")), "missed");
  ck_assert_str_eq(json_string_value(json_object_get(d, "deadline_kind")),
                   "continuous");
  json_decref(root);
  free(json);
  cchc_eval_free(ev);

  /* Three predicted against two: one too many.  The quarter counts by
   * kind, start and end together. */
  ev = score1(
      frame(NULL, NULL,
            DL("d1", "continuous", "null", "null") ", "
            DL("d2", "continuous", "null", "null") ", "
            DL("d3", "continuous", "null", "null") ", "
            DL("d4", "quarter", "\"2024-01-01\"", "\"2024-03-31\"") ", "
            DL("d5", "quarter", "\"2024-04-01\"", "\"2024-06-30\""),
            NULL, NULL),
      gold(NULL, NULL,
           GDL("continuous", "null", "null") ", "
           GDL("continuous", "null", "null") ", "
           GDL("quarter", "\"2024-01-01\"", "\"2024-03-31\"") ", "
           GDL("quarter", "\"2024-04-01\"", "\"2024-09-30\""),
           NULL, NULL));
  /* tp: 2 continuous + Q1 = 3; fp: 1 continuous + Q2 = 2; fn: Q2-Q3 = 1 */
  ASSERT_SCORE(ev, "deadlines.tp", 3);
  ASSERT_SCORE(ev, "deadlines.fp", 2);
  ASSERT_SCORE(ev, "deadlines.fn", 1);
  ASSERT_SCORE(ev, "deadlines.f1", 6.0 / 9.0);
  cchc_eval_free(ev);
}
END_TEST

#define PLEAD(area, key, text)                                                \
  "{\"area\": \"" area "\", \"unit\": {\"key\": " key ", \"name\": null,"     \
  " \"text\": \"" text "\", \"span\": [0, 1]}, \"text\": \"Chủ trì\","        \
  " \"span\": [0, 1]}"
#define GLEAD(area, unit)                                                     \
  "{\"area\": \"" area "\", \"unit\": \"" unit "\", \"quote\": \"Chủ trì\"}"

START_TEST(leads_pairs) {
  cchc_eval *ev = score1(
      frame(NULL, NULL, NULL,
            PLEAD("the_che", "\"vp_hdnd_ubnd\"", "Văn phòng") ", "
            PLEAD("tthc", "\"phong_vhxh\"", "Phòng VHXH") ", "
            PLEAD("cqs", "null", "TRUNG TÂM chuyển đổi số Tỉnh"),
            NULL),
      gold(NULL, NULL, NULL,
           GLEAD("the_che", "vp_hdnd_ubnd") ", "
           GLEAD("tthc", "tt_phvhcc") ", "
           GLEAD("cqs", "name:Trung tâm Chuyển đổi số tỉnh") ", "
           GLEAD("bo_may", "phong_vhxh"),
           NULL));
  /* the_che right; tthc has the wrong unit; the unknown unit matches by
   * its name; bo_may is missed. */
  ASSERT_SCORE(ev, "leads.tp", 2);
  ASSERT_SCORE(ev, "leads.fp", 1);
  ASSERT_SCORE(ev, "leads.fn", 2);
  ASSERT_SCORE(ev, "leads.precision", 2.0 / 3.0);
  ASSERT_SCORE(ev, "leads.recall", 0.5);
  cchc_eval_free(ev);
}
END_TEST

/* ------------------------------------------------------------------ */
/* tasks                                                               */

START_TEST(task_scoring) {
  const char *gt =
      "{\"quote\": \"Tổ chức kiểm tra, giám sát tiến độ thực hiện nhiệm vụ\","
      " \"lead\": [\"tu_phap\", \"cac_ban_nganh\"],"
      " \"coordinators\": [\"phong_vhxh\", \"cac_co_quan\"],"
      " \"deadline\": {\"kind\": \"quarter\", \"start\": \"2024-04-01\","
      " \"end\": \"2024-09-30\"}},"
      " {\"quote\": \"Tăng cường phát tin, bài liên quan đến công tác chỉ đạo\","
      " \"lead\": [\"tt_dvth\"], \"coordinators\": [], \"deadline\": null},"
      " {\"quote\": \"Theo dõi, công bố, cập nhật Bộ thủ tục hành chính\","
      " \"lead\": [\"name:Trung tâm Chuyển đổi số tỉnh\"],"
      " \"coordinators\": [\"tu_phap\"],"
      " \"deadline\": {\"kind\": \"continuous\", \"start\": null, \"end\": null}},"
      " {\"quote\": \"Một nhiệm vụ không ai tìm thấy\", \"lead\": [],"
      " \"coordinators\": [], \"deadline\": null}";
  const char *dl = DL("d1", "quarter", "\"2024-04-01\"", "\"2024-09-30\"") ", "
                   DL("d2", "continuous", "null", "null");
  const char *pt =
      /* matches gold 1: lead set equal (order and repeats do not matter),
       * coordinators 1 of 2 right plus one extra, deadline d1 right */
      "{\"id\": \"k1\", \"text\": \"TỔ CHỨC KIỂM TRA, giám sát tiến độ thực"
      " hiện nhiệm vụ CCHC\", \"lead\": [" UNIT("cac_ban_nganh") ", "
      UNIT("tu_phap") ", " UNIT("tu_phap") "], \"coordinators\": ["
      UNIT("phong_vhxh") ", " UNIT("mttq") "], \"deadline\": \"d1\"},"
      /* matches gold 2: lead wrong; deadline given where gold has none */
      " {\"id\": \"k2\", \"text\": \"Tăng cường phát tin, bài liên quan đến"
      " công tác chỉ đạo\", \"lead\": [" UNIT("phong_vhxh") "],"
      " \"coordinators\": [], \"deadline\": \"d2\"},"
      /* matches gold 3: unknown lead unit by name; deadline id that does
       * not resolve counts as none (wrong: gold has one) */
      " {\"id\": \"k3\", \"text\": \"theo dõi, công bố, cập nhật bộ thủ tục"
      " hành chính\", \"lead\": [{\"key\": null, \"name\": null, \"text\":"
      " \"Trung tâm chuyển đổi số Tỉnh\", \"span\": [0, 1]}],"
      " \"coordinators\": [" UNIT("tu_phap") "], \"deadline\": \"d9\"},"
      /* matches nothing */
      " {\"id\": \"k4\", \"text\": \"Một việc khác hẳn\", \"lead\": [],"
      " \"coordinators\": [], \"deadline\": null}";
  char *f = NULL;
  ck_assert_int_ge(asprintf(&f,
                            "{\"schema\": \"cchc/1\", \"deadlines\": [%s],"
                            " \"tasks\": [%s]}",
                            dl, pt),
                   0);
  cchc_eval *ev = score1(f, gold(NULL, NULL, NULL, NULL, gt));
  ASSERT_SCORE(ev, "tasks.tp", 3);
  ASSERT_SCORE(ev, "tasks.fp", 1);
  ASSERT_SCORE(ev, "tasks.fn", 1);
  ASSERT_SCORE(ev, "tasks.precision", 0.75);
  ASSERT_SCORE(ev, "tasks.recall", 0.75);
  /* lead: k1 right, k2 wrong, k3 right */
  ASSERT_SCORE(ev, "tasks.lead", 2.0 / 3.0);
  /* coordinators: k1 tp 1 (phong_vhxh), fp 1 (mttq), fn 1 (cac_co_quan);
   * k3 tp 1: tp 2, fp 1, fn 1 */
  ASSERT_SCORE(ev, "tasks.coordinators.tp", 2);
  ASSERT_SCORE(ev, "tasks.coordinators.fp", 1);
  ASSERT_SCORE(ev, "tasks.coordinators.fn", 1);
  ASSERT_SCORE(ev, "tasks.coordinators.precision", 2.0 / 3.0);
  ASSERT_SCORE(ev, "tasks.coordinators.recall", 2.0 / 3.0);
  /* deadline: k1 right, k2 wrong, k3 wrong */
  ASSERT_SCORE(ev, "tasks.deadline", 1.0 / 3.0);
  ASSERT_SCORE(ev, "tasks.deadline.total", 3);
  /* The frame's deadlines are scored on their own too: no gold ones. */
  ASSERT_SCORE(ev, "deadlines.fp", 2);
  cchc_eval_free(ev);
}
END_TEST

START_TEST(similar_series_pairs_with_its_own) {
  /* Each of these overlaps the others by more than half; the extractor
   * found only the second.  It must pair with its own gold task, not the
   * first free one, or its deadline would be judged against 10/3. */
  const char *gt =
      "{\"quote\": \"Báo cáo cải cách hành chính quý I gửi trước ngày 10/3\","
      " \"lead\": [\"cac_co_quan\"], \"coordinators\": [],"
      " \"deadline\": {\"kind\": \"date\", \"start\": null,"
      " \"end\": \"2026-03-10\"}},"
      " {\"quote\": \"Báo cáo cải cách hành chính 6 tháng gửi trước ngày"
      " 10/6\", \"lead\": [\"cac_co_quan\"], \"coordinators\": [],"
      " \"deadline\": {\"kind\": \"date\", \"start\": null,"
      " \"end\": \"2026-06-10\"}}";
  char *f = NULL;
  ck_assert_int_ge(
      asprintf(&f,
               "{\"schema\": \"cchc/1\", \"deadlines\": [%s], \"tasks\": ["
               "{\"id\": \"k1\", \"text\": \"- Báo cáo cải cách hành chính 6"
               " tháng gửi trước ngày 10/6;\", \"lead\": ["
               UNIT("cac_co_quan") "], \"coordinators\": [],"
               " \"deadline\": \"d1\"}]}",
               DL("d1", "date", "null", "\"2026-06-10\"")),
      0);
  cchc_eval *ev = score1(f, gold(NULL, NULL, NULL, NULL, gt));
  ASSERT_SCORE(ev, "tasks.tp", 1);
  ASSERT_SCORE(ev, "tasks.fn", 1);
  ASSERT_SCORE(ev, "tasks.deadline", 1.0);
  cchc_eval_free(ev);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Bad inputs                                                          */

static void expect_error(const char *f, const char *g, const char *which,
                         unsigned line, const char *needle) {
  cchc_eval *ev = cchc_eval_new();
  cchc_error err = {0};
  cchc_status st = add(ev, "bad", f, g, &err);
  ck_assert_int_eq(st, CCHC_ERR_INVALID);
  ck_assert_str_eq(err.path, which);
  ck_assert_uint_eq(err.line, line);
  ck_assert_msg(strstr(err.message, needle) != NULL, "message [%s] lacks [%s]",
                err.message, needle);
  ck_assert_uint_eq(cchc_eval_documents(ev), 0); /* nothing added */
  ASSERT_NAN(ev, "document.kind");
  cchc_eval_free(ev);
}

START_TEST(malformed_inputs) {
  char *f = frame(NULL, NULL, NULL, NULL, NULL);
  /* JSON syntax: line of the error. */
  expect_error(f, "{\"document\": {},\n\"targets\": [\n{\"quote\": \"x\",,}]}",
               "gold", 3, "gold is not valid JSON");
  expect_error(f, "", "gold", 1, "gold is not valid JSON");
  expect_error(f, "[1, 2]", "gold", 0, "must be a JSON object");
  /* Shape. */
  char *g = gold(NULL, "{\"quote\": \"đạt 98%\", \"value\": \"98\"}", NULL,
                 NULL, NULL);
  expect_error(f, g, "gold", 0, "targets[0]: \"value\" must be a number");
  free(g);
  g = gold(NULL, "{\"value\": 98}", NULL, NULL, NULL);
  expect_error(f, g, "gold", 0, "targets[0]: \"quote\" is missing");
  free(g);
  expect_error(f, "{\"document\": {}, \"targets\": []}", "gold", 0,
               "\"references\" is missing");
  g = gold(NULL, NULL, NULL, NULL,
           "{\"quote\": \"x\", \"lead\": [3], \"coordinators\": [],"
           " \"deadline\": null}");
  expect_error(f, g, "gold", 0, "tasks[0].lead[0] must be a unit key");
  free(g);
  /* A bad frame is the frame reader's to report (test_frame.c); a valid
   * one with a gold file missing a part: the gold is at fault. */
  expect_error("{\"schema\": \"cchc/1\"}",
               "{\"document\": {}, \"references\": [], \"targets\": [],"
               " \"deadlines\": [], \"leads\": []}",
               "gold", 0, "\"tasks\" is missing");
  free(f);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Rendering                                                           */

START_TEST(render_table_and_json) {
  char *pt = ptarget("t1", "Tỷ lệ giải quyết hồ sơ đúng hạn đạt tối thiểu 98%",
                     "98", "=", "\"tthc.dung_han\"", "\"tthc\"");
  cchc_eval *ev = score1(frame(P_REFS, pt, NULL, NULL, NULL),
                         gold(G_REFS, G_T98 ", " G_T10, NULL, NULL, NULL));
  free(pt);
  char *table = NULL, *json = NULL;
  cchc_error err = {0};
  ck_assert_int_eq(cchc_eval_render_table(ev, &table, &err), CCHC_OK);
  ck_assert_msg(strstr(table, "1 document, micro-averaged\n") != NULL, "%s",
                table);
  /* tp 1, fp 0, fn 1: P 1, R 0.5, F1 0.667 */
  ck_assert_msg(strstr(table, "\ntargets                    1.000   0.500   "
                              "0.667  tp 1, fp 0, fn 1\n") != NULL,
                "%s", table);
  ck_assert_msg(strstr(table, "\ntargets.comparator                         "
                              "0.000  0 of 1\n") != NULL,
                "%s", table);
  ck_assert_msg(strstr(table, "\ntasks.lead                                 "
                              "  n/a  0 of 0\n") != NULL,
                "%s", table);
  free(table);

  ck_assert_int_eq(cchc_eval_render_json(ev, &json, &err), CCHC_OK);
  json_error_t je;
  json_t *root = json_loads(json, 0, &je);
  ck_assert_msg(root != NULL, "invalid JSON: %s\n%s", je.text, json);
  ck_assert_str_eq(json_string_value(json_object_get(root, "schema")),
                   "cchc-eval/1");
  ck_assert_int_eq(json_integer_value(json_object_get(root, "documents")), 1);
  json_t *t = json_object_get(json_object_get(root, "metrics"), "targets");
  ck_assert(fabs(json_real_value(json_object_get(t, "f1")) - 2.0 / 3.0) < 1e-5);
  ck_assert_int_eq(json_integer_value(json_object_get(t, "fn")), 1);
  json_t *lead = json_object_get(json_object_get(root, "metrics"), "tasks.lead");
  ck_assert(json_is_null(json_object_get(lead, "accuracy")));
  json_t *doc = json_array_get(json_object_get(root, "per_document"), 0);
  ck_assert_str_eq(json_string_value(json_object_get(doc, "name")), "x.txt");
  /* The diffs say what was missed and what was wrong. */
  json_t *diffs = json_object_get(doc, "diffs");
  bool missed = false, wrong = false;
  for (size_t i = 0; i < json_array_size(diffs); i++) {
    json_t *d = json_array_get(diffs, i);
    const char *m = json_string_value(json_object_get(d, "metric"));
    const char *k = json_string_value(json_object_get(d, "kind"));
    if (!strcmp(m, "targets") && !strcmp(k, "missed"))
      missed = !strcmp(json_string_value(json_object_get(d, "quote")),
                       "10% TTHC kiến nghị đơn giản hóa");
    if (!strcmp(m, "targets.comparator") && !strcmp(k, "wrong"))
      wrong = !strcmp(json_string_value(json_object_get(d, "gold")), ">=") &&
              !strcmp(json_string_value(json_object_get(d, "predicted")), "=");
  }
  ck_assert_msg(missed && wrong, "diffs: %s", json);
  ck_assert_uint_eq(json_array_size(diffs), 2);
  json_decref(root);
  free(json);
  cchc_eval_free(ev);
}
END_TEST

/* ------------------------------------------------------------------ */
/* The command                                                         */

static char *path_in(const char *dir, const char *name) {
  char *p = NULL;
  ck_assert_int_ge(asprintf(&p, "%s/%s", dir, name), 0);
  return p;
}

static void put(const char *path, const char *data) {
  ck_assert_msg(harness_write(path, data, strlen(data)) == 0, "cannot write %s",
                path);
}

START_TEST(cli_eval_frames) {
  char *dir = path_in(harness_tmpdir(), "eval-cli");
  ck_assert_int_eq(mkdir(dir, 0700), 0);
  char *gdir = path_in(dir, "gold");
  ck_assert_int_eq(mkdir(gdir, 0700), 0);

  /* a: one of two targets found; b: perfect. */
  char *ga = path_in(gdir, "a.gold.json"), *gb = path_in(gdir, "b.gold.json");
  char *g = gold(G_REFS, G_T98 ", " G_T10, NULL, NULL, NULL);
  put(ga, g);
  put(gb, g);
  free(g);
  char *pt = ptarget("t1", "Tỷ lệ giải quyết hồ sơ đúng hạn đạt tối thiểu 98%",
                     "98", ">=", "\"tthc.dung_han\"", "\"tthc\"");
  char *pt2 = join(2, strdup(pt),
                   ptarget("t2", "10% TTHC kiến nghị đơn giản hóa", "10", "=",
                           "\"tthc.don_gian_hoa\"", "\"tthc\""));
  char *fa = path_in(dir, "a.json"), *fb = path_in(dir, "b.txt.json");
  char *f = frame(P_REFS, pt, NULL, NULL, NULL);
  put(fa, f);
  free(f);
  f = frame(P_REFS, pt2, NULL, NULL, NULL);
  put(fb, f);
  free(f);
  free(pt);
  free(pt2);

  char *out = path_in(dir, "scores.json");
  const char *argv[] = {"eval", "--gold", gdir, "--json", out, fa, fb, NULL};
  harness_result r = harness_cli_run(argv, NULL, 0);
  ck_assert_msg(r.rc == 0, "rc %d, stderr: %s", r.rc, r.err);
  ck_assert_str_eq(r.err, "");
  /* 3 of 4 targets: P 1, R 0.75, F1 6/7 */
  ck_assert_msg(strstr(r.out, "2 documents, micro-averaged") != NULL, "%s",
                r.out);
  ck_assert_msg(strstr(r.out, "\ntargets                    1.000   0.750   "
                              "0.857  tp 3, fp 0, fn 1\n") != NULL,
                "%s", r.out);
  ck_assert_msg(strstr(r.out, "\nreferences                 1.000   1.000   "
                              "1.000  tp 4, fp 0, fn 0\n") != NULL,
                "%s", r.out);
  ck_assert_msg(strstr(r.out, "\ndocument.place                             "
                              "1.000  2 of 2\n") != NULL,
                "%s", r.out);
  harness_result_free(&r);

  char *js = harness_read(out, NULL);
  ck_assert_msg(js != NULL, "%s not written", out);
  json_error_t je;
  json_t *root = json_loads(js, 0, &je);
  ck_assert_msg(root != NULL, "invalid JSON: %s", je.text);
  ck_assert_int_eq(json_integer_value(json_object_get(root, "documents")), 2);
  json_t *t = json_object_get(json_object_get(root, "metrics"), "targets");
  ck_assert(fabs(json_real_value(json_object_get(t, "recall")) - 0.75) < 1e-6);
  json_t *docs = json_object_get(root, "per_document");
  ck_assert_uint_eq(json_array_size(docs), 2);
  ck_assert_str_eq(
      json_string_value(json_object_get(json_array_get(docs, 0), "name")),
      "a.json");
  json_t *ta = json_object_get(
      json_object_get(json_array_get(docs, 0), "metrics"), "targets");
  ck_assert(fabs(json_real_value(json_object_get(ta, "recall")) - 0.5) < 1e-6);
  json_decref(root);
  free(js);

  /* A missing gold file and a malformed one: reported, the others still
   * scored, exit code 1. */
  char *fc = path_in(dir, "c.json"), *fd = path_in(dir, "d.json");
  char *gd = path_in(gdir, "d.gold.json");
  f = frame(NULL, NULL, NULL, NULL, NULL);
  put(fc, f);
  put(fd, f);
  free(f);
  put(gd, "{\"document\": {},\n\"targets\": [,]}\n");
  const char *argv2[] = {"eval", "--gold", gdir, fc, fa, fd, NULL};
  r = harness_cli_run(argv2, NULL, 0);
  ck_assert_int_eq(r.rc, 1);
  char *want = NULL;
  ck_assert_int_ge(asprintf(&want, "cchc: %s/c.gold.json: cannot open", gdir), 0);
  ck_assert_msg(strstr(r.err, want) != NULL, "stderr: %s", r.err);
  free(want);
  ck_assert_int_ge(
      asprintf(&want, "cchc: %s:2: gold is not valid JSON", gd), 0);
  ck_assert_msg(strstr(r.err, want) != NULL, "stderr: %s", r.err);
  free(want);
  ck_assert_msg(strstr(r.out, "1 document, micro-averaged") != NULL, "%s",
                r.out);
  harness_result_free(&r);

  /* A malformed frame file is named with its line. */
  put(fc, "{\"schema\": \"cchc/1\",\n\n\"targets\": [}");
  char *gc = path_in(gdir, "c.gold.json");
  g = gold(NULL, NULL, NULL, NULL, NULL);
  put(gc, g);
  free(g);
  free(gc);
  const char *argv3[] = {"eval", "--gold", gdir, fc, NULL};
  r = harness_cli_run(argv3, NULL, 0);
  ck_assert_int_eq(r.rc, 1);
  ck_assert_int_ge(asprintf(&want, "cchc: %s:3: frame is not valid JSON", fc),
                   0);
  ck_assert_msg(strstr(r.err, want) != NULL, "stderr: %s", r.err);
  free(want);
  harness_result_free(&r);

  free(fc);
  free(fd);
  free(gd);
  free(out);
  free(fa);
  free(fb);
  free(ga);
  free(gb);
  free(gdir);
  free(dir);
}
END_TEST

START_TEST(cli_eval_usage) {
  const char *argv[] = {"eval", "x.json", NULL};
  harness_result r = harness_cli_run(argv, NULL, 0);
  ck_assert_int_eq(r.rc, 2);
  ck_assert_msg(strstr(r.err, "cchc: eval: --gold DIR is required") != NULL,
                "stderr: %s", r.err);
  harness_result_free(&r);
  const char *argv2[] = {"eval", "--gold", "/tmp", NULL};
  r = harness_cli_run(argv2, NULL, 0);
  ck_assert_int_eq(r.rc, 2);
  ck_assert_ptr_nonnull(strstr(r.err, "no FILE"));
  harness_result_free(&r);
  const char *argv3[] = {"eval", "--help", NULL};
  r = harness_cli_run(argv3, NULL, 0);
  ck_assert_int_eq(r.rc, 0);
  ck_assert_ptr_nonnull(strstr(r.out, "usage: cchc eval --gold DIR"));
  harness_result_free(&r);
}
END_TEST

/* The whole path on a real plan: extract in process, then score. */
START_TEST(cli_eval_plan) {
  char plan[4200], gdir[4200];
  snprintf(plan, sizeof plan, "%s/corpus/000_343475c610832db2.txt",
           harness_shared());
  snprintf(gdir, sizeof gdir, "%s/gold", harness_shared());
  char *out = path_in(harness_tmpdir(), "plan-scores.json");
  const char *argv[] = {"eval", "--gold", gdir, "--json", out, plan, NULL};
  harness_result r = harness_cli_run(argv, NULL, 0);
  ck_assert_msg(r.rc == 0, "rc %d, stderr: %s", r.rc, r.err);
  ck_assert_ptr_nonnull(strstr(r.out, "1 document, micro-averaged"));
  ck_assert_ptr_nonnull(strstr(r.out, "\ntargets "));
  ck_assert_ptr_nonnull(strstr(r.out, "\ntasks.deadline "));
  harness_result_free(&r);
  char *js = harness_read(out, NULL);
  ck_assert_ptr_nonnull(js);
  json_t *root = json_loads(js, 0, NULL);
  ck_assert_ptr_nonnull(root);
  /* Every gold target is counted, found or not. */
  json_t *t = json_object_get(json_object_get(root, "metrics"), "targets");
  ck_assert_int_eq(json_integer_value(json_object_get(t, "tp")) +
                       json_integer_value(json_object_get(t, "fn")),
                   18);
  json_decref(root);
  free(js);
  free(out);
}
END_TEST

int main(void) {
  Suite *s = suite_create("eval");

  TCase *tc = tcase_create("scores");
  tcase_add_test(tc, perfect_prediction);
  tcase_add_test(tc, missing_target_lowers_recall);
  tcase_add_test(tc, wrong_value_does_not_match);
  tcase_add_test(tc, decimal_value_matches);
  tcase_add_test(tc, overlap_folding);
  tcase_add_test(tc, two_targets_one_sentence);
  tcase_add_test(tc, empty_sides);
  tcase_add_test(tc, references_by_number);
  tcase_add_test(tc, document_fields);
  tcase_add_test(tc, deadlines_multiset);
  tcase_add_test(tc, leads_pairs);
  tcase_add_test(tc, task_scoring);
  tcase_add_test(tc, similar_series_pairs_with_its_own);
  tcase_add_test(tc, malformed_inputs);
  tcase_add_test(tc, render_table_and_json);
  suite_add_tcase(s, tc);

  tc = tcase_create("cli");
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, cli_eval_frames);
  tcase_add_test(tc, cli_eval_usage);
  tcase_add_test(tc, cli_eval_plan);
  suite_add_tcase(s, tc);

  return harness_run(s);
}
