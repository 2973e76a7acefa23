/* test_audit.c: compare and audit over frames: the comparator cases, each
 * finding kind on small hand-written frames (read with
 * cchc_frame_from_json), and the chain with real extraction (tests/data
 * province plan 228/KH-UBND against the Nghĩa Trung plan of ../shared/corpus
 * that carries it out). */
#include <csv.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

/* ---- comparator cases: cchc_target_lower(plan, parent) ---- */

static cchc_target T(cchc_comparator c, double v) {
  cchc_target t = {c, v, v, false};
  return t;
}
static cchc_target R(double a, double b) {
  cchc_target t = {CCHC_CMP_RANGE, a, b, false};
  return t;
}
static bool lower(cchc_target a, cchc_target b) {
  return cchc_target_lower(&a, &b);
}

START_TEST(ge95_vs_ge98_is_lower) {
  ck_assert(lower(T(CCHC_CMP_GE, 95), T(CCHC_CMP_GE, 98)));
}
END_TEST
START_TEST(gt70_vs_ge70_not_lower) {
  ck_assert(!lower(T(CCHC_CMP_GT, 70), T(CCHC_CMP_GE, 70)));
}
END_TEST
START_TEST(ge70_vs_gt70_is_lower) {
  ck_assert(lower(T(CCHC_CMP_GE, 70), T(CCHC_CMP_GT, 70)));
}
END_TEST
START_TEST(range95_100_vs_ge98_is_lower) {
  ck_assert(lower(R(95, 100), T(CCHC_CMP_GE, 98)));
}
END_TEST
START_TEST(eq100_vs_ge100_not_lower) {
  ck_assert(!lower(T(CCHC_CMP_EQ, 100), T(CCHC_CMP_GE, 100)));
}
END_TEST
START_TEST(equal_and_higher_not_lower) {
  ck_assert(!lower(T(CCHC_CMP_GE, 98), T(CCHC_CMP_GE, 98)));
  ck_assert(!lower(T(CCHC_CMP_GE, 99), T(CCHC_CMP_GE, 98)));
  ck_assert(!lower(R(98, 100), T(CCHC_CMP_GE, 98)));
  ck_assert(lower(T(CCHC_CMP_EQ, 90), T(CCHC_CMP_EQ, 100)));
}
END_TEST
START_TEST(upper_limits) {
  /* a plan "<=" sets no floor */
  ck_assert(lower(T(CCHC_CMP_LE, 100), T(CCHC_CMP_GE, 98)));
  /* parent "<=": the plan's ceiling must not be higher */
  ck_assert(lower(T(CCHC_CMP_LE, 5), T(CCHC_CMP_LE, 2)));
  ck_assert(!lower(T(CCHC_CMP_LE, 2), T(CCHC_CMP_LE, 2)));
  ck_assert(!lower(T(CCHC_CMP_EQ, 1), T(CCHC_CMP_LE, 2)));
  ck_assert(lower(T(CCHC_CMP_GE, 1), T(CCHC_CMP_LE, 2)));
  ck_assert(lower(R(1, 3), T(CCHC_CMP_LE, 2)));
}
END_TEST
START_TEST(units_must_agree) {
  cchc_target a = {CCHC_CMP_GE, 1, 1, true}, b = {CCHC_CMP_GE, 98, 98, false};
  ck_assert(!cchc_target_lower(&a, &b));
  cchc_target c = {CCHC_CMP_GE, 1, 1, true}, d = {CCHC_CMP_GE, 2, 2, true};
  ck_assert(cchc_target_lower(&c, &d));
}
END_TEST
START_TEST(plain_forms) {
  char b[64];
  cchc_target t = T(CCHC_CMP_GE, 98);
  cchc_target_format(&t, b, sizeof b);
  ck_assert_str_eq(b, "≥ 98%");
  t = T(CCHC_CMP_GT, 70);
  cchc_target_format(&t, b, sizeof b);
  ck_assert_str_eq(b, "> 70%");
  t = R(95, 100);
  cchc_target_format(&t, b, sizeof b);
  ck_assert_str_eq(b, "95–100%");
  t = T(CCHC_CMP_EQ, 100);
  cchc_target_format(&t, b, sizeof b);
  ck_assert_str_eq(b, "= 100%");
  t = T(CCHC_CMP_LE, 2.5);
  cchc_target_format(&t, b, sizeof b);
  ck_assert_str_eq(b, "≤ 2.5%");
  t = T(CCHC_CMP_GE, 2);
  t.count = true;
  cchc_target_format(&t, b, sizeof b);
  ck_assert_str_eq(b, "≥ 2");
  cchc_comparator c;
  ck_assert(cchc_comparator_parse("range", &c) && c == CCHC_CMP_RANGE);
  ck_assert(!cchc_comparator_parse("=>", &c));
  cchc_report_format f;
  ck_assert(cchc_report_format_parse("csv", &f) && f == CCHC_REPORT_CSV);
  ck_assert(!cchc_report_format_parse("xml", &f));
}
END_TEST

/* ---- small hand-written frames ---- */

/* The JSON of a frame read back; the test frees it. */
static cchc_frame *parse(const char *json) {
  cchc_frame *f = NULL;
  cchc_error err = {0};
  ck_assert_msg(cchc_frame_from_json(json, strlen(json), &f, &err) == CCHC_OK,
                "%s", err.message);
  return f;
}

static char *frame(const char *number, const char *parent, const char *place,
                   const char *targets, const char *deadlines,
                   const char *tasks, const char *incons) {
  const char *fmt =
      "{\"schema\":\"cchc/1\",\"source\":{\"path\":\"%s.txt\"},"
      "\"document\":{\"level\":\"commune\",\"place\":\"%s\",\"number\":%s%s%s,"
      "\"parent\":{\"number\":%s%s%s}},"
      "\"targets\":[%s],\"deadlines\":[%s],\"tasks\":[%s],"
      "\"inconsistencies\":[%s]}";
  size_t n = strlen(fmt) + 4096 + strlen(targets) + strlen(deadlines) +
             strlen(tasks) + strlen(incons);
  char *s = malloc(n);
  ck_assert_ptr_nonnull(s);
  snprintf(s, n, fmt, place, place, number ? "\"" : "", number ? number : "null",
           number ? "\"" : "", parent ? "\"" : "", parent ? parent : "null",
           parent ? "\"" : "", targets, deadlines, tasks, incons);
  return s;
}

#define TGT(id, ind, cmp, v, text, s)                                          \
  "{\"id\":\"" id "\",\"indicator\":\"" ind "\",\"comparator\":\"" cmp       \
  "\",\"value\":" #v ",\"value_max\":null,\"unit\":\"%\",\"text\":\"" text   \
  "\",\"span\":[" #s "," #s "0]}"

/* The frames of the last run_audit; the audit points into them. */
static cchc_frame *audited[2];

static void free_audited(void) {
  cchc_frame_free(audited[0]);
  cchc_frame_free(audited[1]);
  audited[0] = audited[1] = NULL;
}

static cchc_audit *run_audit(const char *parent, const char *plan) {
  free_audited();
  audited[0] = parse(parent);
  audited[1] = parse(plan);
  const cchc_frame *plans[1] = {audited[1]};
  cchc_audit *a = NULL;
  cchc_error err;
  ck_assert_int_eq(cchc_audit_new(audited[0], plans, 1, &a, &err), CCHC_OK);
  return a;
}

START_TEST(finding_lower_and_missing) {
  char *p = frame("228/KH-UBND", NULL, "Tỉnh",
                  TGT("t1", "tthc.dung_han", ">=", 98, "đúng hạn tối thiểu 98%", 1) ","
                  TGT("t2", "tthc.hai_long", ">=", 95, "hài lòng 95%", 2) ","
                  TGT("t3", "chi_dao.kiem_tra", ">=", 50, "kiểm tra 50%", 3),
                  "", "", "");
  char *c = frame(NULL, "228/KH-UBND", "Xã A",
                  TGT("t1", "tthc.dung_han", ">=", 95, "đúng hạn tối thiểu 95%", 4) ","
                  TGT("t2", "tthc.hai_long", ">", 95, "hài lòng trên 95%", 5),
                  "", "", "");
  cchc_audit *a = run_audit(p, c);
  ck_assert_uint_eq(cchc_audit_count(a), 2);
  const cchc_finding *f = cchc_audit_finding(a, 0);
  ck_assert_int_eq(f->kind, CCHC_FINDING_LOWER);
  ck_assert_str_eq(f->key, "tthc.dung_han");
  ck_assert_str_eq(f->plan.value, "≥ 95%");
  ck_assert_str_eq(f->parent.value, "≥ 98%");
  ck_assert_str_eq(f->plan.text, "đúng hạn tối thiểu 95%");
  ck_assert_str_eq(f->parent.text, "đúng hạn tối thiểu 98%");
  ck_assert(f->plan.has_span && f->plan.start == 4 && f->plan.end == 40);
  ck_assert(f->parent.has_span && f->parent.start == 1);
  ck_assert_str_eq(f->plan.plan, "Xã A");
  ck_assert_str_eq(f->parent.plan, "Tỉnh 228/KH-UBND");
  ck_assert_str_eq(f->plan.path, "Xã A.txt");
  f = cchc_audit_finding(a, 1);
  ck_assert_int_eq(f->kind, CCHC_FINDING_MISSING);
  ck_assert_str_eq(f->key, "chi_dao.kiem_tra");
  ck_assert_ptr_null(f->plan.value);
  ck_assert_str_eq(f->parent.value, "≥ 50%");
  ck_assert_ptr_null(cchc_audit_finding(a, 2));
  cchc_audit_free(a);
  free_audited();
  free(p);
  free(c);
}
END_TEST

START_TEST(finding_later) {
  const char *pd = "{\"id\":\"d1\",\"text\":\"trước ngày 05/3\",\"end\":\"2026-03-05\"},"
                   "{\"id\":\"d2\",\"text\":\"trước ngày 10/6\",\"end\":\"2026-06-10\"}";
  const char *pk = "{\"id\":\"k1\",\"text\":\"Báo cáo quý I gửi trước ngày 05/3.\",\"deadline\":\"d1\",\"span\":[10,40]},"
                   "{\"id\":\"k2\",\"text\":\"Báo cáo 6 tháng gửi trước ngày 10/6.\",\"deadline\":\"d2\",\"span\":[50,80]}";
  const char *cd = "{\"id\":\"d1\",\"text\":\"trước ngày 10/3\",\"end\":\"2026-03-10\"},"
                   "{\"id\":\"d2\",\"text\":\"trước ngày 01/6\",\"end\":\"2026-06-01\"}";
  const char *ck = "{\"id\":\"k1\",\"text\":\"BÁO CÁO quý I  gửi trước ngày 10/3 (số liệu).\",\"deadline\":\"d1\",\"span\":[100,140]},"
                   "{\"id\":\"k2\",\"text\":\"Báo cáo 6 tháng gửi trước ngày 01/6.\",\"deadline\":\"d2\",\"span\":[150,180]}";
  char *p = frame("228/KH-UBND", NULL, "Tỉnh", "", pd, pk, "");
  char *c = frame(NULL, "228/KH-UBND", "Xã A", "", cd, ck, "");
  cchc_audit *a = run_audit(p, c);
  ck_assert_uint_eq(cchc_audit_count(a), 1);
  const cchc_finding *f = cchc_audit_finding(a, 0);
  ck_assert_int_eq(f->kind, CCHC_FINDING_LATER);
  ck_assert_str_eq(f->key, "bao cao quy i gui");
  ck_assert_str_eq(f->plan.value, "2026-03-10");
  ck_assert_str_eq(f->parent.value, "2026-03-05");
  ck_assert(f->plan.has_span && f->plan.start == 100 && f->plan.end == 140);
  ck_assert(f->parent.has_span && f->parent.start == 10);
  cchc_audit_free(a);
  free_audited();
  free(p);
  free(c);
}
END_TEST

START_TEST(finding_inconsistent) {
  char *p = frame("228/KH-UBND", NULL, "Tỉnh", "", "", "", "");
  char *c = frame(NULL, "228/KH-UBND", "Xã A",
                  TGT("t1", "tthc.so_hoa", "=", 100, "số hóa đạt 100%", 7) ","
                  TGT("t2", "tthc.so_hoa", "=", 80, "phụ lục: số hóa 80%", 9),
                  "", "",
                  "{\"indicator\":\"tthc.so_hoa\",\"first\":\"t1\",\"second\":\"t2\","
                  "\"spans\":[[7,70],[9,90]]}");
  cchc_audit *a = run_audit(p, c);
  ck_assert_uint_eq(cchc_audit_count(a), 1);
  const cchc_finding *f = cchc_audit_finding(a, 0);
  ck_assert_int_eq(f->kind, CCHC_FINDING_INCONSISTENT);
  ck_assert_str_eq(f->key, "tthc.so_hoa");
  ck_assert_str_eq(f->parent.value, "= 100%");
  ck_assert_str_eq(f->plan.value, "= 80%");
  ck_assert_str_eq(f->parent.plan, "Xã A");
  ck_assert_str_eq(f->plan.text, "phụ lục: số hóa 80%");
  cchc_audit_free(a);
  free_audited();
  free(p);
  free(c);
}
END_TEST

START_TEST(no_findings_and_bad_frames) {
  char *p = frame("228/KH-UBND", NULL, "Tỉnh",
                  TGT("t1", "tthc.dung_han", ">=", 98, "x", 1), "", "", "");
  char *c = frame(NULL, "228/KH-UBND", "Xã A",
                  TGT("t1", "tthc.dung_han", "=", 100, "y", 2), "", "", "");
  cchc_audit *a = run_audit(p, c);
  ck_assert_uint_eq(cchc_audit_count(a), 0);
  char *out = NULL;
  cchc_error err;
  ck_assert_int_eq(cchc_audit_render(a, CCHC_REPORT_JSON, &out, NULL, &err), CCHC_OK);
  ck_assert_ptr_nonnull(strstr(out, "\"findings\": []"));
  free(out);
  cchc_audit_free(a);

  ck_assert(cchc_frame_carries_out(audited[1], " 228/kh-ubnd"));
  ck_assert(!cchc_frame_carries_out(audited[1], "07-CTr/ĐU"));
  ck_assert(!cchc_frame_carries_out(audited[0], "228/KH-UBND"));

  /* A frame that is not one never reaches compare or audit. */
  cchc_frame *bad = NULL;
  ck_assert_int_eq(cchc_frame_from_json("[1]", 3, &bad, &err), CCHC_ERR_INVALID);
  ck_assert_ptr_null(bad);

  /* Plans without place or path are named by their position. */
  cchc_frame *anon = parse("{\"schema\": \"cchc/1\"}");
  const cchc_frame *plans[2] = {audited[1], anon};
  a = NULL;
  ck_assert_int_eq(cchc_audit_new(audited[0], plans, 2, &a, &err), CCHC_OK);
  ck_assert_uint_eq(cchc_audit_count(a), 1); /* anon sets no target */
  ck_assert_str_eq(cchc_audit_finding(a, 0)->plan.plan, "plan 2");
  cchc_audit_free(a);
  cchc_compare *cm = NULL;
  ck_assert_int_eq(cchc_compare_new(plans, 2, NULL, &cm, &err), CCHC_OK);
  ck_assert_str_eq(cchc_compare_label(cm, 1), "frame 2");
  cchc_compare_free(cm);
  cchc_frame_free(anon);
  free_audited();
  free(p);
  free(c);
}
END_TEST

START_TEST(compare_options) {
  char *p = frame("228/KH-UBND", NULL, "Tỉnh",
                  TGT("t1", "tthc.dung_han", ">=", 98, "a", 1) ","
                  TGT("t2", "tthc.hai_long", ">=", 95, "b", 2) ","
                  TGT("t3", "cqs.chu_ky_so", "=", 100, "c", 3),
                  "", "", "");
  char *c = frame(NULL, "228/KH-UBND", "Xã A",
                  TGT("t1", "tthc.dung_han", ">=", 95, "d", 4) ","
                  TGT("t2", "tthc.dung_han", ">=", 95, "e", 5) ","
                  TGT("t3", "tthc.dung_han", ">", 96, "f", 6),
                  "", "", "");
  cchc_frame *fp = parse(p), *fc = parse(c);
  /* the plan first: the parent's column still comes first */
  const cchc_frame *frames[2] = {fc, fp};
  cchc_error err;
  cchc_compare *cm = NULL;
  ck_assert_int_eq(cchc_compare_new(frames, 2, NULL, &cm, &err), CCHC_OK);
  ck_assert_uint_eq(cchc_compare_rows(cm), 3);
  ck_assert_str_eq(cchc_compare_label(cm, 0), "Tỉnh 228/KH-UBND");
  ck_assert_str_eq(cchc_compare_indicator(cm, 0), "cqs.chu_ky_so");
  ck_assert_ptr_null(cchc_compare_cell(cm, 0, 1));
  /* one plain form each, in order */
  ck_assert_str_eq(cchc_compare_cell(cm, 1, 1), "≥ 95%; > 96%");
  cchc_compare_free(cm);

  cchc_compare_options area = {"tthc", NULL, 0};
  ck_assert_int_eq(cchc_compare_new(frames, 2, &area, &cm, &err), CCHC_OK);
  ck_assert_uint_eq(cchc_compare_rows(cm), 2);
  ck_assert_str_eq(cchc_compare_indicator(cm, 0), "tthc.dung_han");
  cchc_compare_free(cm);
  const char *keys[] = {"tthc.hai_long", "cqs.chu_ky_so"};
  cchc_compare_options only = {"tthc", keys, 2};
  ck_assert_int_eq(cchc_compare_new(frames, 2, &only, &cm, &err), CCHC_OK);
  ck_assert_uint_eq(cchc_compare_rows(cm), 1);
  ck_assert_str_eq(cchc_compare_indicator(cm, 0), "tthc.hai_long");
  ck_assert_uint_eq(cchc_compare_columns(cm), 2);
  cchc_compare_free(cm);
  cchc_compare_options tthc_ = {"tth", NULL, 0}; /* a prefix, not an area */
  ck_assert_int_eq(cchc_compare_new(frames, 2, &tthc_, &cm, &err), CCHC_OK);
  ck_assert_uint_eq(cchc_compare_rows(cm), 0);
  cchc_compare_free(cm);
  cchc_frame_free(fp);
  cchc_frame_free(fc);
  free(p);
  free(c);
}
END_TEST

/* ---- the chain with real extraction ---- */

static const void *find_bytes(const void *h, size_t hn, const void *n, size_t nn) {
  for (size_t i = 0; nn <= hn && i + nn <= hn; i++)
    if (memcmp((const char *)h + i, n, nn) == 0)
      return (const char *)h + i;
  return NULL;
}

/* The frame of the plan at `path`, its source in *src. */
static cchc_frame *extract_frame(const char *path, char **src,
                                 size_t *srclen) {
  size_t len;
  char *data = harness_read(path, &len);
  ck_assert_msg(data != NULL, "cannot read %s", path);
  cchc_process_options opt = {.path = path};
  cchc_frame *fr = NULL;
  cchc_error err;
  ck_assert_int_eq(cchc_process(harness_rules(), data, len, &opt, &fr, &err),
                   CCHC_OK);
  *src = data;
  *srclen = len;
  return fr;
}

typedef struct csvcount { size_t fields, rows, cols_first; char first[64]; } csvcount;
static void cb_field(void *s, size_t n, void *ctx) {
  csvcount *c = ctx;
  if (c->fields == 0 && c->rows == 0)
    snprintf(c->first, sizeof c->first, "%.*s", (int)n, (const char *)s);
  c->fields++;
}
static void cb_row(int ch, void *ctx) {
  csvcount *c = ctx;
  if (c->rows == 0)
    c->cols_first = c->fields;
  c->rows++;
}
static csvcount parse_csv(const char *s, size_t n) {
  csvcount c = {0};
  struct csv_parser p;
  ck_assert_int_eq(csv_init(&p, CSV_STRICT | CSV_STRICT_FINI), 0);
  ck_assert(n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0);
  ck_assert_uint_eq(csv_parse(&p, s + 3, n - 3, cb_field, cb_row, &c), n - 3);
  ck_assert_int_eq(csv_fini(&p, cb_field, cb_row, &c), 0);
  csv_free(&p);
  return c;
}

START_TEST(chain_province_and_commune) {
  char prov_path[4096], comm_path[4096];
  snprintf(prov_path, sizeof prov_path, "%s/tests/data/dong_nai_228_KH-UBND_2026.txt",
           harness_root());
  snprintf(comm_path, sizeof comm_path, "%s/corpus/000_343475c610832db2.txt",
           harness_shared());
  char *psrc, *csrc;
  size_t plen, clen;
  cchc_frame *pf = extract_frame(prov_path, &psrc, &plen);
  cchc_frame *cf = extract_frame(comm_path, &csrc, &clen);

  /* the province plan reads as a province plan */
  ck_assert_str_eq(cchc_frame_document(pf, CCHC_DOC_LEVEL), "province");
  ck_assert_str_eq(cchc_frame_document(pf, CCHC_DOC_NUMBER), "228/KH-UBND");
  ck_assert_str_eq(cchc_frame_document(pf, CCHC_DOC_DATE), "2026-01-25");
  ck_assert_uint_ge(cchc_frame_targets(pf), 8);
  ck_assert(cchc_frame_carries_out(cf, "228/KH-UBND"));

  /* compare: commune given first, province column first */
  const cchc_frame *frames[2] = {cf, pf};
  cchc_error err;
  cchc_compare *cm = NULL;
  ck_assert_int_eq(cchc_compare_new(frames, 2, NULL, &cm, &err), CCHC_OK);
  ck_assert_uint_eq(cchc_compare_columns(cm), 2);
  ck_assert_str_eq(cchc_compare_label(cm, 0), "Đồng Nai 228/KH-UBND");
  ck_assert_str_eq(cchc_compare_label(cm, 1), "Nghĩa Trung");
  ck_assert_uint_eq(cchc_compare_input(cm, 0), 1);
  size_t rows = cchc_compare_rows(cm);
  bool saw_dung_han = false, saw_missing = false;
  for (size_t r = 0; r < rows; r++) {
    const char *k = cchc_compare_indicator(cm, r);
    if (strcmp(k, "tthc.dung_han") == 0) {
      saw_dung_han = true;
      ck_assert_str_eq(cchc_compare_cell(cm, r, 0), "≥ 99%");
      ck_assert_str_eq(cchc_compare_cell(cm, r, 1), "≥ 98%");
    }
    if (strcmp(k, "tthc.hai_long_linh_vuc") == 0) {
      saw_missing = true;
      ck_assert_str_eq(cchc_compare_cell(cm, r, 0), "≥ 85%");
      ck_assert_ptr_null(cchc_compare_cell(cm, r, 1));
    }
    if (strcmp(k, "tthc.cong_khai") == 0) {
      ck_assert_str_eq(cchc_compare_cell(cm, r, 0), "= 100%");
      ck_assert_str_eq(cchc_compare_cell(cm, r, 1), "= 100%");
    }
  }
  ck_assert(saw_dung_han && saw_missing);

  char *out;
  size_t n;
  ck_assert_int_eq(cchc_compare_render(cm, CCHC_REPORT_TABLE, &out, &n, &err), CCHC_OK);
  ck_assert_ptr_nonnull(strstr(out, "Đồng Nai 228/KH-UBND"));
  ck_assert(strstr(out, "Đồng Nai") < strstr(out, "Nghĩa Trung"));
  free(out);
  ck_assert_int_eq(cchc_compare_render(cm, CCHC_REPORT_CSV, &out, &n, &err), CCHC_OK);
  csvcount cc = parse_csv(out, n);
  ck_assert_str_eq(cc.first, "indicator");
  ck_assert_uint_eq(cc.cols_first, 4); /* indicator, subject, two plans */
  ck_assert_uint_eq(cc.rows, rows + 1);
  ck_assert_uint_eq(cc.fields, 4 * (rows + 1));
  free(out);
  ck_assert_int_eq(cchc_compare_render(cm, CCHC_REPORT_JSON, &out, &n, &err), CCHC_OK);
  json_error_t je;
  json_t *j = json_loadb(out, n, 0, &je);
  ck_assert_msg(j != NULL, "%s", je.text);
  ck_assert_str_eq(json_string_value(json_object_get(j, "schema")), "cchc-compare/1");
  ck_assert_uint_eq(json_array_size(json_object_get(j, "rows")), rows);
  ck_assert_str_eq(json_string_value(json_object_get(
                       json_array_get(json_object_get(j, "plans"), 0), "level")),
                   "province");
  json_decref(j);
  free(out);
  cchc_compare_free(cm);

  /* audit */
  cchc_audit *a = NULL;
  ck_assert_int_eq(cchc_audit_new(pf, frames, 1, &a, &err), CCHC_OK);
  size_t nlower = 0, nmissing = 0, nlater = 0;
  for (size_t i = 0; i < cchc_audit_count(a); i++) {
    const cchc_finding *f = cchc_audit_finding(a, i);
    ck_assert_str_eq(f->parent.path, prov_path);
    ck_assert_str_eq(f->plan.path, comm_path);
    ck_assert(f->parent.has_span && f->parent.end <= plen);
    if (f->kind == CCHC_FINDING_LOWER) {
      nlower++;
      ck_assert(f->plan.has_span && f->plan.end <= clen);
      /* both spans hold the number of their value */
      const char *pv = f->parent.value, *cv = f->plan.value;
      while (*pv && (*pv < '0' || *pv > '9')) pv++;
      while (*cv && (*cv < '0' || *cv > '9')) cv++;
      char num[16];
      snprintf(num, sizeof num, "%.*s", (int)strspn(pv, "0123456789"), pv);
      ck_assert_ptr_nonnull(find_bytes(psrc + f->parent.start,
                                   f->parent.end - f->parent.start, num, strlen(num)));
      snprintf(num, sizeof num, "%.*s", (int)strspn(cv, "0123456789"), cv);
      ck_assert_ptr_nonnull(find_bytes(csrc + f->plan.start,
                                   f->plan.end - f->plan.start, num, strlen(num)));
      if (strcmp(f->key, "tthc.dung_han") == 0) {
        ck_assert_str_eq(f->plan.value, "≥ 98%");
        ck_assert_str_eq(f->parent.value, "≥ 99%");
      }
    } else if (f->kind == CCHC_FINDING_MISSING) {
      nmissing++;
      ck_assert(!f->plan.has_span);
    } else if (f->kind == CCHC_FINDING_LATER) {
      nlater++;
      ck_assert_str_eq(f->plan.value, "2026-03-10");
      ck_assert_str_eq(f->parent.value, "2026-03-05");
      ck_assert(f->plan.has_span && f->plan.end <= clen);
      ck_assert_ptr_nonnull(find_bytes(csrc + f->plan.start, f->plan.end - f->plan.start,
                                   "10/3", 4));
      ck_assert_ptr_nonnull(find_bytes(psrc + f->parent.start,
                                   f->parent.end - f->parent.start, "05/3", 4));
    }
  }
  ck_assert_uint_ge(nlower, 1);
  ck_assert_uint_ge(nmissing, 1);
  ck_assert_uint_eq(nlater, 1);

  ck_assert_int_eq(cchc_audit_render(a, CCHC_REPORT_TABLE, &out, &n, &err), CCHC_OK);
  ck_assert_ptr_nonnull(strstr(out, "lower"));
  ck_assert_ptr_nonnull(strstr(out, "missing"));
  free(out);
  ck_assert_int_eq(cchc_audit_render(a, CCHC_REPORT_CSV, &out, &n, &err), CCHC_OK);
  cc = parse_csv(out, n);
  ck_assert_str_eq(cc.first, "kind");
  ck_assert_uint_eq(cc.cols_first, 16);
  ck_assert_uint_eq(cc.rows, cchc_audit_count(a) + 1);
  ck_assert_uint_eq(cc.fields, 16 * (cchc_audit_count(a) + 1));
  free(out);
  ck_assert_int_eq(cchc_audit_render(a, CCHC_REPORT_JSON, &out, &n, &err), CCHC_OK);
  j = json_loadb(out, n, 0, &je);
  ck_assert_msg(j != NULL, "%s", je.text);
  ck_assert_uint_eq(json_array_size(json_object_get(j, "findings")), cchc_audit_count(a));
  json_t *f0 = json_array_get(json_object_get(j, "findings"), 0);
  ck_assert_str_eq(json_string_value(json_object_get(f0, "kind")), "lower");
  ck_assert(json_is_array(json_object_get(json_object_get(f0, "plan"), "span")));
  json_decref(j);
  free(out);
  cchc_audit_free(a);

  cchc_frame_free(pf);
  cchc_frame_free(cf);
  free(psrc);
  free(csrc);
}
END_TEST

int main(void) {
  Suite *s = suite_create("audit");
  TCase *tc = tcase_create("comparator");
  tcase_add_test(tc, ge95_vs_ge98_is_lower);
  tcase_add_test(tc, gt70_vs_ge70_not_lower);
  tcase_add_test(tc, ge70_vs_gt70_is_lower);
  tcase_add_test(tc, range95_100_vs_ge98_is_lower);
  tcase_add_test(tc, eq100_vs_ge100_not_lower);
  tcase_add_test(tc, equal_and_higher_not_lower);
  tcase_add_test(tc, upper_limits);
  tcase_add_test(tc, units_must_agree);
  tcase_add_test(tc, plain_forms);
  suite_add_tcase(s, tc);

  tc = tcase_create("findings");
  tcase_add_test(tc, finding_lower_and_missing);
  tcase_add_test(tc, finding_later);
  tcase_add_test(tc, finding_inconsistent);
  tcase_add_test(tc, no_findings_and_bad_frames);
  tcase_add_test(tc, compare_options);
  suite_add_tcase(s, tc);

  tc = tcase_create("chain");
  tcase_set_timeout(tc, 120);
  tcase_add_test(tc, chain_province_and_commune);
  suite_add_tcase(s, tc);

  int rc = harness_run(s);
  harness_free_rules();
  return rc;
}
