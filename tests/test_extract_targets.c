/* test_extract_targets.c: targets (quantified commitments) extracted from
 * hand-written plan sentences with the real rules in rules/: every
 * comparator form, decimal comma, ranges, counts, two targets in one
 * sentence, every kind of number that is not a target, the typos of real
 * plans, a scattered appendix table; spans checked against the original
 * bytes.  Then the whole corpus against the hand annotations in
 * ../shared/gold: precision and recall of targets (value equal and texts
 * overlapping after folding), comparator and indicator accuracy. */
#define _GNU_SOURCE
#include "harness.h"
#include "rewrites.h"

#include "../common/strbuf.h"
#include "../extract/frame.h"
#include "../extract/rules.h"
#include "../extract/table.h"
#include "../extract/targets.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ */
/* Extraction of a hand-written text                                   */

static cchc_rules *rules;

static void load_rules(void) { rules = harness_rules(); }
static void free_rules(void) { harness_free_rules(); }

typedef struct doc {
  const char *src; /* original input */
  cchc_frame *f;
} doc;

static doc extract(const char *src) {
  doc d = {.src = src};
  d.f = harness_process(rules, src, strlen(src));
  return d;
}

static void done(doc *d) {
  cchc_frame_free(d->f);
}

static const frame_target *tgt(const doc *d, size_t i) {
  ck_assert_msg(i < d->f->ntargets, "target %zu of %zu", i, d->f->ntargets);
  return &d->f->targets[i];
}

/* The original bytes of a target's span, white space folded to one space. */
static char *span_text(const doc *d, const frame_target *t) {
  ck_assert_uint_le(t->span.start, t->span.end);
  ck_assert_uint_le(t->span.end, strlen(d->src));
  char *s = malloc(t->span.end - t->span.start + 1);
  size_t k = 0;
  bool space = false;
  for (size_t i = t->span.start; i < t->span.end; i++) {
    char c = d->src[i];
    if (c == ' ' || c == '\n' || c == '\r' || c == '\t') {
      space = k > 0;
      continue;
    }
    if (space) s[k++] = ' ';
    space = false;
    s[k++] = c;
  }
  s[k] = '\0';
  return s;
}

static void check_span(const doc *d, const frame_target *t, const char *want) {
  char *got = span_text(d, t);
  ck_assert_msg(!strcmp(got, want), "span reads '%s', expected '%s'", got,
                want);
  free(got);
}

static void check_str(const char *got, const char *want, const char *what) {
  if (!want) {
    ck_assert_msg(got == NULL, "%s is '%s', expected null", what, got);
    return;
  }
  ck_assert_msg(got && !strcmp(got, want), "%s is '%s', expected '%s'", what,
                got ? got : "(null)", want);
}

/* comparator, value, unit, indicator and span of one target */
static void check(const doc *d, size_t i, const char *cmp, double value,
                  const char *unit, const char *indicator, const char *span) {
  const frame_target *t = tgt(d, i);
  check_str(t->comparator, cmp, "comparator");
  ck_assert_msg(fabs(t->value - value) < 1e-9, "value %g, expected %g",
                t->value, value);
  check_str(t->unit, unit, "unit");
  check_str(t->indicator, indicator, "indicator");
  if (strcmp(cmp, "range")) ck_assert(!t->has_value_max);
  if (span) check_span(d, t, span);
  ck_assert_ptr_nonnull(t->rule);
  ck_assert_ptr_nonnull(t->text);
  ck_assert_ptr_nonnull(t->id);
}

/* ------------------------------------------------------------------ */
/* Comparators                                                          */

START_TEST(comparator_min) {
  doc d = extract("- Tỷ lệ giải quyết hồ sơ đúng hạn đạt tối thiểu 98%.\n");
  ck_assert_uint_eq(d.f->ntargets, 1);
  check(&d, 0, ">=", 98, "%", "tthc.dung_han", "tối thiểu 98%");
  check_str(tgt(&d, 0)->subject, "Tỷ lệ giải quyết hồ sơ đúng hạn", "subject");
  check_str(tgt(&d, 0)->text,
            "Tỷ lệ giải quyết hồ sơ đúng hạn đạt tối thiểu 98%", "text");
  check_str(tgt(&d, 0)->id, "t1", "id");
  check_str(tgt(&d, 0)->rule, "target.min", "rule");
  done(&d);
  /* "ít nhất", and a few words between the comparator and the number */
  d = extract("- Số hóa kết quả giải quyết TTHC đạt tỷ lệ tối thiểu cấp xã "
              "75% số hồ sơ tiếp nhận.\n- Tỷ lệ hồ sơ trực tuyến ít nhất là "
              "60%.\n");
  ck_assert_uint_eq(d.f->ntargets, 2);
  check(&d, 0, ">=", 75, "%", "tthc.so_hoa", "tối thiểu cấp xã 75%");
  check(&d, 1, ">=", 60, "%", "tthc.ho_so_truc_tuyen", "ít nhất là 60%");
  done(&d);
}
END_TEST

START_TEST(comparator_min_forms) {
  doc d = extract("- Tỷ lệ giao dịch thanh toán trực tuyến đạt từ 80% trở lên.\n"
                  "- Mức độ hài lòng của người dân không thấp hơn 90%.\n"
                  "- Tỷ lệ cán bộ, công chức có trình độ đại học đạt 80% trở "
                  "lên.\n");
  ck_assert_uint_eq(d.f->ntargets, 3);
  check(&d, 0, ">=", 80, "%", "tthc.thanh_toan_giao_dich", "từ 80% trở lên");
  check(&d, 1, ">=", 90, "%", "tthc.hai_long", "không thấp hơn 90%");
  check(&d, 2, ">=", 80, "%", "cong_vu.trinh_do", "80% trở lên");
  done(&d);
}
END_TEST

START_TEST(comparator_more) {
  doc d = extract("- Trên 80% giao dịch không dùng tiền mặt.\n"
                  "- Tỷ lệ giải quyết hồ sơ đúng hạn đạt trên 98%.\n"
                  "- Tỷ lệ hồ sơ trực tuyến trên tổng số hồ sơ là 80%.\n");
  ck_assert_uint_eq(d.f->ntargets, 3);
  check(&d, 0, ">", 80, "%", "kinh_te_so.khong_tien_mat", "Trên 80%");
  check(&d, 1, ">", 98, "%", "tthc.dung_han", "trên 98%");
  /* "trên tổng số" is a preposition, not a comparator */
  check(&d, 2, "=", 80, "%", "tthc.ho_so_truc_tuyen", "là 80%");
  done(&d);
}
END_TEST

START_TEST(comparator_max) {
  doc d = extract("- Tỷ lệ hồ sơ giải quyết quá hạn không quá 2%.\n"
                  "- Giảm tối đa 20% chi phí tuân thủ TTHC.\n"
                  "- Tỷ lệ hồ sơ trễ hạn từ 1% trở xuống.\n");
  ck_assert_uint_eq(d.f->ntargets, 3);
  /* late applications measure the same thing as on-time ones */
  check(&d, 0, "<=", 2, "%", "tthc.dung_han", "không quá 2%");
  check(&d, 1, "<=", 20, "%", "tthc.don_gian_hoa", "tối đa 20%");
  check(&d, 2, "<=", 1, "%", "tthc.dung_han", "1% trở xuống");
  done(&d);
}
END_TEST

/* Comparators that start a match are looked for in the block, also at
 * its first byte ("Không", a word of a letter with three cases) and again
 * after a match. */
START_TEST(comparator_words_in_a_block) {
  doc d = extract("Không quá 2% hồ sơ trễ hạn, trên 95% hồ sơ đúng hạn và hơn "
                  "20 cuộc đối thoại với người dân.\n");
  ck_assert_uint_eq(d.f->ntargets, 3);
  check(&d, 0, "<=", 2, "%", "tthc.dung_han", "Không quá 2%");
  check(&d, 1, ">", 95, "%", "tthc.dung_han", "trên 95%");
  check(&d, 2, ">", 20, "count", "tthc.dung_han", "hơn 20");
  check_str(tgt(&d, 2)->rule, "target.count_more", "rule");
  done(&d);
}
END_TEST

START_TEST(comparator_range) {
  doc d = extract("- Mức độ hài lòng của người dân, doanh nghiệp đạt từ 95% "
                  "-100%.\n- Tỷ lệ hồ sơ đúng hạn đạt 95-100%.\n");
  ck_assert_uint_eq(d.f->ntargets, 2);
  check(&d, 0, "range", 95, "%", "tthc.hai_long", "từ 95% -100%");
  ck_assert(tgt(&d, 0)->has_value_max);
  ck_assert(fabs(tgt(&d, 0)->value_max - 100) < 1e-9);
  check(&d, 1, "range", 95, "%", "tthc.dung_han", "95-100%");
  ck_assert(tgt(&d, 1)->has_value_max);
  ck_assert(fabs(tgt(&d, 1)->value_max - 100) < 1e-9);
  done(&d);
}
END_TEST

START_TEST(comparator_eq) {
  doc d = extract(
      "- Tỷ lệ cung cấp dịch vụ công trực tuyến toàn trình trên tổng số "
      "thủ tục hành chính có đủ điều kiện là 90%.\n"
      "- 100% TTHC thuộc thẩm quyền giải quyết phải được rà soát, kịp thời "
      "cập nhật công khai.\n"
      "- Tăng cường việc gửi, nhận văn bản điện tử trên trục liên thông của "
      "tỉnh đạt tỷ lệ 100%.\n");
  ck_assert_uint_eq(d.f->ntargets, 3);
  check(&d, 0, "=", 90, "%", "tthc.dvc_toan_trinh", "là 90%");
  check(&d, 1, "=", 100, "%", "tthc.cong_khai", "100%");
  check_str(tgt(&d, 1)->subject, "TTHC thuộc thẩm quyền giải quyết",
            "subject");
  check(&d, 2, "=", 100, "%", "cqs.van_ban_dien_tu", "đạt tỷ lệ 100%");
  done(&d);
}
END_TEST

START_TEST(decimal_comma) {
  doc d = extract("- Mức độ hài lòng về giải quyết TTHC đạt 98,5%; tỷ lệ hồ "
                  "sơ đúng hạn đạt tối thiểu 99.5%.\n");
  ck_assert_uint_eq(d.f->ntargets, 2);
  check(&d, 0, "=", 98.5, "%", "tthc.hai_long", "đạt 98,5%");
  check(&d, 1, ">=", 99.5, "%", "tthc.dung_han", "tối thiểu 99.5%");
  done(&d);
}
END_TEST

/* A span that crosses a line break of the input still covers the
 * comparator words and the number in the original bytes. */
START_TEST(span_across_line_break) {
  doc d = extract("- Tỷ lệ giải quyết hồ sơ đúng hạn đạt tối\nthiểu 98%.\n");
  ck_assert_uint_eq(d.f->ntargets, 1);
  check(&d, 0, ">=", 98, "%", "tthc.dung_han", "tối thiểu 98%");
  done(&d);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Counts                                                               */

START_TEST(counts) {
  doc d = extract(
      "- Thực hiện đầy đủ 02 hoạt động theo dõi thi hành pháp luật.\n"
      "- Phấn đấu trong năm tổ chức ít nhất 01 cuộc đối thoại của lãnh đạo "
      "UBND xã với người dân, doanh nghiệp.\n"
      "- Tăng cường công tác đối thoại với doanh nghiệp (phấn đấu 01 cuộc "
      "trong năm).\n"
      "- Phấn đấu ít nhất có 01 sáng kiến (hoặc giải pháp mới) về CCHC.\n"
      "- Tổ chức 2 lớp tập huấn kỹ năng số cho cán bộ, công chức.\n");
  ck_assert_uint_eq(d.f->ntargets, 5);
  check(&d, 0, "=", 2, "count", "the_che.theo_doi_thi_hanh", "02");
  check(&d, 1, ">=", 1, "count", "chi_dao.doi_thoai", "ít nhất 01");
  check(&d, 2, "=", 1, "count", "chi_dao.doi_thoai", "01");
  check(&d, 3, ">=", 1, "count", "chi_dao.sang_kien", "ít nhất có 01");
  check(&d, 4, "=", 2, "count", "cqs.ky_nang_so", "2");
  done(&d);
  /* a count that starts its line (a "Chỉ tiêu" cell) is not an item number */
  d = extract("01 sáng kiến về cải cách hành chính\n");
  ck_assert_uint_eq(d.f->ntargets, 1);
  check(&d, 0, "=", 1, "count", "chi_dao.sang_kien", "01");
  done(&d);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Two targets in one sentence                                          */

START_TEST(two_in_one_sentence) {
  doc d = extract(
      "- Tỷ lệ giải quyết hồ sơ đúng hạn đạt tối thiểu 98%; tỷ lệ giao dịch "
      "thanh toán trực tuyến đạt từ 80% trở lên.\n"
      "- Mỗi ấp có 01 tổ công nghệ số cộng đồng và có ít nhất 01 điểm tư "
      "vấn, hỗ trợ người dân sử dụng công nghệ số.\n"
      "- Tối thiểu 80% thủ tục hành chính có yêu cầu nghĩa vụ tài chính, "
      "được triển khai thanh toán trực tuyến, trong số đó, tỷ lệ giao dịch "
      "thanh toán trực tuyến đạt 95%.\n"
      "- Rà soát, đơn giản hóa TTHC nội bộ để cắt giảm 20% quy định và 20% "
      "chi phí tuân thủ TTHC nội bộ.\n"
      "- Tỷ lệ cung cấp dịch vụ công trực tuyến toàn trình là 90%. Tỷ lệ hồ "
      "sơ trực tuyến trên tổng số hồ sơ là 80%.\n");
  ck_assert_uint_eq(d.f->ntargets, 10);
  check_str(tgt(&d, 0)->text,
            "Tỷ lệ giải quyết hồ sơ đúng hạn đạt tối thiểu 98%", "text");
  check_str(tgt(&d, 1)->text,
            "tỷ lệ giao dịch thanh toán trực tuyến đạt từ 80% trở lên", "text");
  check(&d, 1, ">=", 80, "%", "tthc.thanh_toan_giao_dich", "từ 80% trở lên");
  check_str(tgt(&d, 2)->text, "Mỗi ấp có 01 tổ công nghệ số cộng đồng",
            "text");
  check(&d, 2, "=", 1, "count", "kinh_te_so.to_cong_nghe_so", "01");
  check_str(tgt(&d, 3)->text,
            "có ít nhất 01 điểm tư vấn, hỗ trợ người dân sử dụng công nghệ số",
            "text");
  check(&d, 3, ">=", 1, "count", NULL, "ít nhất 01");
  check_str(tgt(&d, 4)->text,
            "Tối thiểu 80% thủ tục hành chính có yêu cầu nghĩa vụ tài chính, "
            "được triển khai thanh toán trực tuyến",
            "text");
  check(&d, 4, ">=", 80, "%", "tthc.thanh_toan_trien_khai", "Tối thiểu 80%");
  check_str(tgt(&d, 5)->text, "tỷ lệ giao dịch thanh toán trực tuyến đạt 95%",
            "text");
  check(&d, 5, "=", 95, "%", "tthc.thanh_toan_giao_dich", "đạt 95%");
  check_str(tgt(&d, 6)->text,
            "Rà soát, đơn giản hóa TTHC nội bộ để cắt giảm 20% quy định",
            "text");
  check_str(tgt(&d, 7)->text, "20% chi phí tuân thủ TTHC nội bộ", "text");
  check(&d, 6, "=", 20, "%", "tthc.don_gian_hoa", "20%");
  check(&d, 7, "=", 20, "%", "tthc.don_gian_hoa", "20%");
  check(&d, 8, "=", 90, "%", "tthc.dvc_toan_trinh", "là 90%");
  check(&d, 9, "=", 80, "%", "tthc.ho_so_truc_tuyen", "là 80%");
  check_str(tgt(&d, 9)->text,
            "Tỷ lệ hồ sơ trực tuyến trên tổng số hồ sơ là 80%", "text");
  /* ids count the targets from t1 (targets.c, target_id) */
  check_str(tgt(&d, 0)->id, "t1", "id");
  check_str(tgt(&d, 8)->id, "t9", "id");
  check_str(tgt(&d, 9)->id, "t10", "id");
  done(&d);
  /* no separator between the two: they share the clause */
  d = extract("- Tổ chức 01 hội nghị tập huấn về CCHC cho 100% cán bộ, công "
              "chức.\n");
  ck_assert_uint_eq(d.f->ntargets, 2);
  /* one clause, one meaning: civil servants trained */
  check(&d, 0, "=", 1, "count", "cong_vu.dao_tao", "01");
  check(&d, 1, "=", 100, "%", "cong_vu.dao_tao", "100%");
  check_str(tgt(&d, 0)->text, tgt(&d, 1)->text, "text");
  check_str(tgt(&d, 0)->subject, "hội nghị tập huấn về CCHC", "subject");
  check_str(tgt(&d, 1)->subject, "cán bộ, công chức", "subject");
  done(&d);
}
END_TEST

/* Each clause rule's cuts are read up to its first one after the last
 * target of the block (targets.c, collect): the cut that ends the last
 * target's clause is such a first one, and the separator that parts two
 * targets comes after other matches of its rule. */
START_TEST(clause_cuts_up_to_the_last_target) {
  doc d = extract(
      "- Tỷ lệ hồ sơ đúng hạn đạt 90%. Tỷ lệ hồ sơ trực tuyến đạt 80%. Các "
      "đơn vị báo cáo; tổng hợp, đánh giá.\n"
      "- Rà soát, cắt giảm 20% quy định, 30% chi phí tuân thủ, hồ sơ và "
      "thủ tục.\n");
  ck_assert_uint_eq(d.f->ntargets, 4);
  check_str(tgt(&d, 0)->text, "Tỷ lệ hồ sơ đúng hạn đạt 90%", "text");
  check_str(tgt(&d, 1)->text, "Tỷ lệ hồ sơ trực tuyến đạt 80%", "text");
  check_str(tgt(&d, 2)->text, "Rà soát, cắt giảm 20% quy định", "text");
  check_str(tgt(&d, 3)->text, "30% chi phí tuân thủ, hồ sơ và thủ tục",
            "text");
  done(&d);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Numbers that are not targets                                         */

static void expect_none(const char *src) {
  doc d = extract(src);
  ck_assert_msg(d.f->ntargets == 0, "'%s': %zu targets, first '%s' (%s)",
                src, d.f->ntargets,
                d.f->ntargets ? d.f->targets[0].text : "",
                d.f->ntargets ? d.f->targets[0].rule : "");
  done(&d);
}

START_TEST(not_citations_dates_names) {
  expect_none("- Căn cứ Quyết định số 3183/QĐ-UBND ngày 09/9/2021 của UBND "
              "tỉnh; Nghị định số 118/2025/NĐ-CP ngày 09/6/2025.\n");
  expect_none("- Thực hiện Chương trình hành động số 07-CTr/ĐU ngày "
              "01/12/2025; Kế hoạch số 05 ngày 10/01/2024.\n");
  expect_none("Hồng Lộc, ngày 12 tháng 01 năm 2024\n");
  expect_none("- Hoàn thành trước ngày 30/01/2026; Tháng 01 năm 2024 tổ chức "
              "sơ kết 06 tháng.\n");
  expect_none("- Triển khai các nội dung liên quan đến Đề án 06 theo phân "
              "công; thực hiện Chỉ thị 36 của Ban Thường vụ.\n");
  expect_none("- Áp dụng hệ thống quản lý chất lượng theo TCVN ISO "
              "9001:2015 tại xã.\n");
}
END_TEST

START_TEST(not_descriptive_counts) {
  expect_none("- Tập trung thực hiện đồng bộ 06 nội dung trọng tâm của cải "
              "cách hành chính.\n");
  expect_none("- Ổn định tổ chức sau khi thực hiện mô hình chính quyền địa "
              "phương 02 cấp.\n");
  expect_none("- Phân công, phân nhiệm đảm bảo nguyên tắc 6 rõ.\n");
  expect_none("- Tiếp nhận, xử lý hồ sơ TTHC mức độ 3, mức độ 4 trên Cổng "
              "dịch vụ công.\n");
}
END_TEST

/* A digit beyond ASCII is a digit to the non-targets' stretches too
 * (targets.c, block_features reads it from its lead byte): "quý ٢" (an
 * Arabic-Indic two) is a date, and the count it would start is dropped,
 * while "٢ cuộc họp" alone stays a count. */
/* The non-targets stop once every candidate of a block is dropped
 * (targets.c, `standing`): "05" of "Kế hoạch số 05 ngày" is dropped by
 * two of them (a citation, a name), and the count "thôn 02 cuộc" after
 * it only by a later one (a level). */
START_TEST(not_levels_after_a_number_dropped_twice) {
  expect_none("- Kế hoạch số 05 ngày 10/01/2024 tổ chức tại thôn 02 cuộc "
              "họp.\n");
}
END_TEST

/* The non-targets search the stretches between their barrier characters
 * (targets.c, stretch_around and stretch_end, which read four bytes at a
 * time): a result already reached ("đã đạt 97%", nontarget.achieved,
 * which needs the '%' of its stretch) is dropped wherever the stretch's
 * ends and its '%' fall, at any of the four alignments. */
START_TEST(not_achieved_at_any_alignment) {
  static const char *const values[] = {"9%",   "97%",   "97 %",   "97,5%",
                                       "97,5 %", "100%", "100 %", "99,25 %"};
  for (size_t v = 0; v < sizeof values / sizeof *values; v++)
    for (size_t before = 0; before < 4; before++)
      for (size_t after = 0; after < 4; after++) {
        char src[256];
        snprintf(src, sizeof src,
                 "- Trong năm 2025, %.*s tỷ lệ giải quyết hồ sơ đúng hạn đã "
                 "đạt %s %.*s.\n",
                 (int)before, "aaaa", values[v], (int)after, "bbbb");
        expect_none(src);
      }
}
END_TEST

START_TEST(not_dates_in_digits_beyond_ascii) {
  expect_none("- Tổ chức quý \xD9\xA2 cuộc họp với doanh nghiệp.\n");
  doc d = extract("- Tổ chức \xD9\xA2 cuộc họp với doanh nghiệp.\n");
  ck_assert_uint_eq(d.f->ntargets, 1);
  check_str(tgt(&d, 0)->comparator, "=", "comparator");
  done(&d);
}
END_TEST

START_TEST(not_windows_sections) {
  expect_none("- Báo cáo cải cách hành chính quý I gửi trước ngày 10/3, (Số "
              "liệu thống kê tính từ ngày 15/12 của năm trước kỳ báo cáo đến "
              "ngày 14/3 của năm báo cáo).\n");
  expect_none("II. MỤC TIÊU\n2.2.1. Chính quyền số\n3\n");
  expect_none("- Trong năm 2025 tỷ lệ giải quyết hồ sơ đúng hạn đã đạt 97%.\n");
  /* the item number of a target line is not a second target */
  doc d = extract("3.2. 100% TTHC đủ điều kiện được cung cấp dịch vụ công "
                  "trực tuyến toàn trình.\n");
  ck_assert_uint_eq(d.f->ntargets, 1);
  check(&d, 0, "=", 100, "%", "tthc.dvc_toan_trinh", "100%");
  check_str(tgt(&d, 0)->text,
            "100% TTHC đủ điều kiện được cung cấp dịch vụ công trực tuyến "
            "toàn trình",
            "text");
  done(&d);
}
END_TEST

/* A condition inside a target is not a second target. */
START_TEST(not_conditions) {
  doc d = extract("- 100% người sử dụng có khả năng truy cập băng rộng cố "
                  "định với tốc độ trên 01 Gb/s.\n");
  ck_assert_uint_eq(d.f->ntargets, 1);
  check(&d, 0, "=", 100, "%", "kinh_te_so.bang_rong", "100%");
  done(&d);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Typos of real plans                                                  */

START_TEST(typos) {
  doc d = extract(
      "- Tỷ lệ số hóa hồ sơ, kết quả giải quyết TTHC đạt 100%; tỷ kệ cấp kết "
      "quả giải quyết TTHC điện tử đạt 100%.\n"
      "- Phân đấu có 02 sáng kiến về cải cách hành chính.\n"
      "- 90% dân số trưởng thành tiếp cập dịch vụ số trong y tế, giáo dục.\n"
      "- Trên 10% dân số trưởng thành có và dùng chữ số cá nhân.\n");
  ck_assert_uint_eq(d.f->ntargets, 5);
  check(&d, 0, "=", 100, "%", "tthc.so_hoa", "đạt 100%");
  check(&d, 1, "=", 100, "%", "tthc.ket_qua_dien_tu", "đạt 100%");
  check_str(tgt(&d, 1)->text,
            "tỷ kệ cấp kết quả giải quyết TTHC điện tử đạt 100%", "text");
  check(&d, 2, "=", 2, "count", "chi_dao.sang_kien", "02");
  check(&d, 3, "=", 90, "%", "kinh_te_so.dich_vu_so", "90%");
  check(&d, 4, ">", 10, "%", "kinh_te_so.chu_ky_so_ca_nhan", "Trên 10%");
  done(&d);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Sections, areas, appendix tables                                     */

/* A plan's clauses repeat, and each text is classified once (targets.c,
 * tctx.known, by the address frame_intern gives equal texts): two
 * clauses met twice each, in turn, keep each its own indicator. */
START_TEST(repeated_clauses_keep_their_indicators) {
  static const char toan_trinh[] = "- 100% TTHC đủ điều kiện được cung cấp "
                                   "dịch vụ công trực tuyến toàn trình.\n";
  static const char dung_han[] = "- Tỷ lệ giải quyết hồ sơ đúng hạn đạt "
                                 "98%.\n";
  char src[1024];
  snprintf(src, sizeof src, "%s%s%s%s", toan_trinh, dung_han, toan_trinh,
           dung_han);
  doc d = extract(src);
  ck_assert_uint_eq(d.f->ntargets, 4);
  for (size_t i = 0; i < 4; i++)
    check_str(tgt(&d, i)->indicator,
              i % 2 ? "tthc.dung_han" : "tthc.dvc_toan_trinh", "indicator");
  ck_assert_ptr_eq(tgt(&d, 0)->text, tgt(&d, 2)->text);
  done(&d);
}
END_TEST

/* Each clause's subject is read once too (targets.c, tctx.subjects): by
 * its text and where its quantity stands in it, so that the two targets
 * of one clause keep each its own, however often the clause comes. */
START_TEST(repeated_clauses_keep_their_subjects) {
  static const char shared[] = "- Tổ chức 01 hội nghị tập huấn về CCHC cho "
                               "100% cán bộ, công chức.\n";
  static const char toan_trinh[] = "- 100% TTHC đủ điều kiện được cung cấp "
                                   "dịch vụ công trực tuyến toàn trình.\n";
  char src[1024];
  snprintf(src, sizeof src, "%s%s%s%s", shared, toan_trinh, shared, shared);
  doc d = extract(src);
  ck_assert_uint_eq(d.f->ntargets, 7);
  static const char *const want[] = {
      "hội nghị tập huấn về CCHC", "cán bộ, công chức",
      "TTHC đủ điều kiện",         "hội nghị tập huấn về CCHC",
      "cán bộ, công chức",         "hội nghị tập huấn về CCHC",
      "cán bộ, công chức"};
  for (size_t i = 0; i < 7; i++)
    check_str(tgt(&d, i)->subject, want[i], "subject");
  ck_assert_ptr_eq(tgt(&d, 0)->text, tgt(&d, 5)->text);
  done(&d);
}
END_TEST

START_TEST(area_from_section_or_indicator) {
  doc d = extract(
      "II. MỤC TIÊU\n"
      "1. Cải cách thủ tục hành chính\n"
      "- Phấn đấu trong năm tổ chức ít nhất 01 cuộc đối thoại với doanh "
      "nghiệp.\n"
      "2. Một số chỉ tiêu khác\n"
      "- 100% các khoản chi tiêu công được quản lý qua hệ thống kế toán số.\n"
      "3. Áp dụng ISO\n"
      "- 100% duy trì, cải tiến hệ thống đáp ứng yêu cầu TCVN ISO 9001:2015.\n");
  ck_assert_uint_eq(d.f->ntargets, 3);
  /* the section's area wins over the indicator's */
  check(&d, 0, ">=", 1, "count", "chi_dao.doi_thoai", "ít nhất 01");
  check_str(tgt(&d, 0)->area, "tthc", "area");
  ck_assert_int_ge(tgt(&d, 0)->section, 0);
  /* a section without area: the indicator's area */
  check(&d, 1, "=", 100, "%", "tai_chinh.ke_toan_so", "100%");
  check_str(tgt(&d, 1)->area, "tai_chinh", "area");
  /* no indicator, area from the section */
  check(&d, 2, "=", 100, "%", NULL, "100%");
  check_str(tgt(&d, 2)->area, "iso", "area");
  done(&d);
}
END_TEST

/* The head of an appendix table of tasks, its columns one line each, as
 * PDF text gives it; the tests below add its rows. */
#define APPENDIX_HEAD                                                         \
  "PHỤ LỤC\n"                                                               \
  "KHUNG NHIỆM VỤ CẢI CÁCH HÀNH CHÍNH\n"                                     \
  "TT\n"                                                                    \
  "1- Mục tiêu/Chỉ tiêu\n"                                                  \
  "2- Nhiệm vụ\n"                                                           \
  "III CẢI CÁCH THỦ TỤC HÀNH CHÍNH\n"

/* An appendix table whose cells come one short line each: the comparator
 * words and the number, or the number and its subject, sit on different
 * lines; unit and deadline cells are not part of the target. */
START_TEST(scattered_appendix_table) {
  doc d = extract(
      APPENDIX_HEAD
      "1\n"
      "1.5. Số hóa kết quả giải quyết thủ tục hành chính đạt tỷ lệ tối "
      "thiểu\n"
      "75% số hồ sơ tiếp nhận\n"
      "2.5. Nâng cao tỷ lệ số hóa\n"
      "Tư pháp\n"
      "Thường xuyên\n"
      "2\n"
      "1.7. Tối thiểu 80%\n"
      "TTHC có yêu cầu nghĩa vụ tài chính, được triển khai thanh toán trực "
      "tuyến\n"
      "2.7. Đẩy mạnh thanh toán trực tuyến\n"
      "Các ban, ngành cấp xã\n"
      "Quý II,\n"
      "III/2024\n"
      "3\n"
      "1.2. 100 % văn bản\n"
      "QPPL của HĐND,\n"
      "UBND xã được rà soát để sửa đổi, bổ sung\n"
      "2.2. Nâng cao chất lượng\n"
      "Tư pháp\n"
      "Năm 2024\n");
  ck_assert_uint_eq(d.f->ntargets, 3);
  check(&d, 0, ">=", 75, "%", "tthc.so_hoa", "tối thiểu 75%");
  check_str(tgt(&d, 0)->text,
            "Số hóa kết quả giải quyết thủ tục hành chính đạt tỷ lệ tối thiểu "
            "75% số hồ sơ tiếp nhận",
            "text");
  check_str(tgt(&d, 0)->area, "tthc", "area");
  check(&d, 1, ">=", 80, "%", "tthc.thanh_toan_trien_khai", "Tối thiểu 80%");
  check_str(tgt(&d, 1)->text,
            "Tối thiểu 80% TTHC có yêu cầu nghĩa vụ tài chính, được triển "
            "khai thanh toán trực tuyến",
            "text");
  check(&d, 2, "=", 100, "%", "the_che.vbqppl_ra_soat", "100 %");
  check_str(tgt(&d, 2)->text,
            "100 % văn bản QPPL của HĐND, UBND xã được rà soát để sửa đổi, "
            "bổ sung",
            "text");
  check_str(tgt(&d, 2)->subject, "văn bản QPPL của HĐND, UBND xã", "subject");
  done(&d);
}
END_TEST

START_TEST(empty_and_plain_texts) {
  expect_none("");
  expect_none("Không có chỉ tiêu nào.\n");
  doc d = extract("100%");
  ck_assert_uint_eq(d.f->ntargets, 1);
  check(&d, 0, "=", 100, "%", NULL, "100%");
  done(&d);
}
END_TEST

/* ------------------------------------------------------------------ */
/* The corpus against the gold annotations                              */

static char *fold(const char *s) {
  cchc_error err = {0};
  char *k = cchc_match_key(s, strlen(s), &err);
  ck_assert_ptr_nonnull(k);
  return k;
}

/* Length of the longest common substring (bytes). */
static size_t common(const char *a, const char *b) {
  size_t n = strlen(a), m = strlen(b), best = 0;
  size_t *row = calloc(m + 1, sizeof *row), *prev = calloc(m + 1, sizeof *prev);
  for (size_t i = 1; i <= n; i++) {
    for (size_t j = 1; j <= m; j++) {
      row[j] = a[i - 1] == b[j - 1] ? prev[j - 1] + 1 : 0;
      if (row[j] > best) best = row[j];
    }
    size_t *t = prev;
    prev = row;
    row = t;
  }
  free(row);
  free(prev);
  return best;
}

/* Texts overlap: one holds the other, or they share a run of at least half
 * of the shorter one. */
static bool overlap(const char *a, const char *b) {
  if (!*a || !*b) return false;
  if (strstr(a, b) || strstr(b, a)) return true;
  size_t la = strlen(a), lb = strlen(b);
  return 2 * common(a, b) >= (la < lb ? la : lb);
}

typedef struct score {
  size_t gold, pred, tp, cmp, ind;
} score;

static void score_file(const char *path, score *sc) {
  size_t len;
  char *src = harness_read(path, &len);
  ck_assert_ptr_nonnull(src);
  const char *base = strrchr(path, '/');
  base = base ? base + 1 : path;
  char gpath[4096];
  snprintf(gpath, sizeof gpath, "%s/gold/%.*s.gold.json", harness_shared(),
           (int)(strlen(base) - 4), base);
  json_error_t jerr;
  json_t *gold = json_load_file(gpath, 0, &jerr);
  ck_assert_msg(gold != NULL, "%s: %s", gpath, jerr.text);
  json_t *gt = json_object_get(gold, "targets");
  ck_assert(json_is_array(gt));

  cchc_frame *f = NULL;
  cchc_error err = {0};
  cchc_process_options opt = {.path = path};
  ck_assert_int_eq(cchc_process(rules, src, len, &opt, &f, &err), CCHC_OK);
  size_t np = f->ntargets;
  char **pf = calloc(np + 1, sizeof *pf);
  bool *used = calloc(np + 1, sizeof *used);
  for (size_t i = 0; i < np; i++) pf[i] = fold(f->targets[i].text);
  size_t gi;
  json_t *g;
  json_array_foreach(gt, gi, g) {
    char *q = fold(json_string_value(json_object_get(g, "quote")));
    double v = json_number_value(json_object_get(g, "value"));
    for (size_t i = 0; i < np; i++) {
      if (used[i] || fabs(f->targets[i].value - v) > 1e-9 ||
          !overlap(q, pf[i]))
        continue;
      used[i] = true;
      sc->tp++;
      const char *c = json_string_value(json_object_get(g, "comparator"));
      const char *ind = json_string_value(json_object_get(g, "indicator"));
      const frame_target *t = &f->targets[i];
      sc->cmp += c && t->comparator && !strcmp(c, t->comparator);
      sc->ind += (!ind && !t->indicator) ||
                 (ind && t->indicator && !strcmp(ind, t->indicator));
      break;
    }
    free(q);
  }
  sc->gold += json_array_size(gt);
  sc->pred += np;
  for (size_t i = 0; i < np; i++) free(pf[i]);
  free(pf);
  free(used);
  json_decref(gold);
  cchc_frame_free(f);
  free(src);
}

/* ------------------------------------------------------------------ */
/* Patterns rewritten for speed match as before                        */

/* The patterns of rules rewritten only to run faster (a guard before a
 * lazy scan's end, alternatives that share a \b or a first letter under
 * one): the rules file's pattern must find, on every text the corpus
 * gives, the very matches (every group) the first form found.  Tried
 * anchored at each character of every line and of two lines joined (a
 * block of table cells), and, for the subject rules (which read a whole
 * subject: "^...$"), on every stretch of a line that starts or ends
 * there, as the subjects before and after a number are. */
static const struct {
  const char *id, *before;
  bool subject;
} rewritten[] = {
    {"clause.sentence",
     "(?<!^\\d|^\\d\\d|^\\d\\.\\d|^\\d\\d\\.\\d|^\\d\\.\\d\\d|^\\d\\d\\.\\d\\d|^\\d\\.\\d\\.\\d|^\\d\\.\\d\\.\\d\\d|^\\d\\.\\d\\d\\.\\d|^[IVX]|^[IVX][IVX]|^[IVX][IVX][IVX]|^[IVX][IVX][IVX][IVX]|^[a-zđ])(?<=[\\p{L}\\d%)\"'])[.!?…]+(?=\\s|$)",
     false},
    {"target.count_event",
     "(?<![\\d.,/:-])(?<value>\\d{1,3})\\s+(?=(?:cuộc|lớp|hội\\s+nghị|hội\\s+thi|sáng\\s+kiến|mô\\s+hình|đợt|buổi|chuyên\\s+đề|tin\\s+bài|tin,\\s+bài|bài\\s+viết|phóng\\s+sự)\\b)",
     false},
    {"nontarget.name",
     "(?:\\b(?:Đề\\s+án|Chỉ\\s+thị|Nghị\\s+quyết|Nghị\\s+định|Quyết\\s+định|Thông\\s+tư|Chương\\s+trình|Kế\\s+hoạch|Kết\\s+luận|Công\\s+văn|Công\\s+điện|Luật|Điều|Khoản|Phụ\\s+lục|Mục|Biểu|Mẫu)\\s+(?:số\\s+)?\\d+|\\b(?:TCVN\\s*)?ISO(?:/IEC)?\\s*\\d+(?:\\s*:\\s*\\d{4})?|\\bTCVN\\s*\\d+(?::\\d{4})?)",
     false},
    {"nontarget.date",
     "(?<![\\d.,])\\d{1,2}/\\d{1,2}(?:/\\d{2,4})?\\b|\\bngày\\s+\\d{1,2}(?:\\s+tháng\\s+\\d{1,2}(?:\\s+năm\\s+\\d{4})?)?|\\btháng\\s+\\d{1,2}(?:\\s*/\\s*\\d{4}|\\s+năm\\s+\\d{4})?|\\b(?:năm|quý)\\s+\\d{1,4}\\b|\\b(?:19|20)\\d{2}\\s*-\\s*(?:19|20)\\d{2}\\b",
     false},
    {"nontarget.descriptive",
     "(?<![\\d.,/])\\d{1,3}\\s+(?:nội\\s+dung|nhiệm\\s+vụ|nhóm(?:\\s+nhiệm\\s+vụ|\\s+giải\\s+pháp)?|lĩnh\\s+vực|trụ\\s+cột|mục\\s+tiêu|giải\\s+pháp|khâu|đột\\s+phá|quan\\s+điểm)\\s+(?:trọng\\s+tâm|chủ\\s+yếu|chính|cơ\\s+bản|lớn|đột\\s+phá|trọng\\s+điểm)\\b|\\b(?:đồng\\s+bộ|gồm|bao\\s+gồm|trong)\\s+\\d{1,3}\\s+(?:nội\\s+dung|lĩnh\\s+vực|nhóm|trụ\\s+cột|nhiệm\\s+vụ)\\b|(?<![\\d.,/])\\d{1,2}\\s+cấp\\b|\\bnguyên\\s+tắc\\s+\\d{1,2}\\s+\\p{L}+|(?<![\\d.,/])\\d{1,2}\\s+(?:rõ|không|cùng|tại\\s+chỗ)\\b",
     false},
    /* cell.open_verb merged in: a line is open when either form matched */
    {"cell.open",
     "(?:\\b(?:của|có|và|hoặc|để|với|về|tại|trong|từ|đến|cho|các|những|đạt|là|tỷ\\s+lệ|tối\\s+thiểu|ít\\s+nhất|tối\\s+đa|trên|dưới|hơn)|[,(-])\\s*$|\\btham\\s+mưu\\s*$",
     false},
    /* cell.new and cell.continue as one search: the group `new` is set
     * where cell.new matched, the match is cell.continue's where not */
    {"cell.start",
     "(?<new>^(?:\\d{1,3}\\s+)?\\d{1,2}(?:\\.\\d{1,2})*[.)]\\s|^\\d{1,2}(?:\\.\\d{1,2})+(?::|\\s|$)|^\\d{1,3}\\s*$|^\\d{1,3}\\s+\\d{1,2}\\.\\d|^[-+*]|^(?-i:[IVX]{1,4}|[A-ZĐ])\\s+(?-i:\\p{Lu}))|^(?:(?-i:\\p{Ll})|(?-i:[\\p{Lu}]{2,})\\b(?!(?:\\s+(?-i:[\\p{Lu}]+))+\\s*$)|\\d{3,}\\b(?!\\s*%)|\\d+:\\d)",
     false},
    {"subject.after",
     "^\\s*(?!(?:trở|so\\s+với|trong|vào|tại|trên\\s+tổng|cấp\\s+xã\\s+trở)\\b)(?<subject>(?-i:[\\p{L}]|\\d)[^;:]*?)\\s*(?=\\s(?:(?:và|hoặc)\\s+)?(?:được|phải|đều|sẽ|khi|đạt|đảm\\s+bảo|bảo\\s+đảm|trong\\s+năm|trong\\s+số|so\\s+với)\\b|\\s+(?:(?:cho|đến|tới|với)\\s+)?\\d|\\s*\\(|[\\s.,;]*$)",
     true},
    {"subject.before",
     "^\\s*(?:[-+*]\\s*|(?:\\d{1,2}(?:\\.\\d{1,2})*[.)]?\\s+))?(?<subject>[\\p{L}(].*?)(?:[\\s,]+(?:đạt|là|bằng|chiếm|ở\\s+mức)(?:\\s+(?:tỷ\\s+lệ|tỉ\\s+lệ|mức))?)?[\\s,]*$",
     true},
};

static bool char_start(const char *s, size_t i) {
  return ((unsigned char)s[i] & 0xC0) != 0x80;
}

/* A line, or two joined by a line break (a block of table cells): tried
 * at each character, and as subjects when `subject`. */
static void check_block(same_matches *m, const char *s, size_t n,
                        bool subject) {
  for (size_t a = 0; a <= n; a++)
    if (a == n || char_start(s, a))
      same_matches_try(m, s, n, a, PCRE2_ANCHORED, NULL);
  if (!subject) return;
  /* a subject is at most a clause's reach (targets.c) past its number */
  enum { REACH = 1100 };
  /* subjects follow a number (its digits, '%', a space) and end where
   * one starts (a space or a digit before it) */
  for (size_t a = 1; a < n; a++)
    if (strchr("0123456789% ", s[a - 1]))
      same_matches_try(m, s + a, n - a < REACH ? n - a : REACH, 0, 0, NULL);
  for (size_t b = 1; b <= n && b <= REACH; b++)
    if (b == n || (s[b] && strchr("0123456789 ", s[b])))
      same_matches_try(m, s, b, 0, 0, NULL);
}

typedef struct rewrite_try {
  same_matches *m;
  bool subject; /* a subject rule */
} rewrite_try;

/* A line (its subjects too when it holds a number) or two joined. */
static void check_lines(void *ctx, const char *s, size_t n, bool joined) {
  const rewrite_try *t = ctx;
  bool number = !joined && strpbrk(s, "0123456789") &&
                (size_t)(strpbrk(s, "0123456789") - s) < n;
  check_block(t->m, s, n, t->subject && number);
}

START_TEST(rewritten_patterns_match_as_before) {
  char **texts;
  size_t ntexts = rewrites_texts(&texts);
  for (size_t r = 0; r < sizeof rewritten / sizeof *rewritten; r++) {
    const rule *now = rules_find(rules, rewritten[r].id);
    ck_assert_ptr_nonnull(now);
    same_matches m;
    same_matches_open(&m, rewritten[r].before, now->pattern, REWRITES_CASELESS);
    rewrite_try t = {&m, rewritten[r].subject};
    for (size_t i = 0; i < ntexts; i++)
      rewrites_walk(texts[i], check_lines, &t);
    same_matches_done(&m, rewritten[r].id, 0);
  }
  rewrites_texts_free(texts, ntexts);
}
END_TEST

/* Byte pairs (targets.h): a text whose byte pairs lack those of every
 * form of a literal holds none of it, so that the target rules search a
 * block only for the literals its pairs allow.  Checked for every literal
 * the target, non-target and clause rules ask of a block, against the
 * literal's own search, on every corpus line and two joined, the lines
 * with their ASCII letters in capitals, and words in other cases (the
 * Kelvin sign is a 'k' without case). */
typedef struct pairs_try {
  const rule_literal **lits;
  size_t n;
  bool *may;
  pcre2_match_data *md;
  size_t found, absent; /* literals found; told absent by their pairs */
  char *differs;        /* the first literal found where told absent */
} pairs_try;

/* s[0, n) with its ASCII letters in capitals (a copy to free). */
static char *ascii_caps(const char *s, size_t n) {
  char *caps = malloc(n + 1);
  ck_assert_ptr_nonnull(caps);
  for (size_t i = 0; i < n; i++)
    caps[i] = s[i] >= 'a' && s[i] <= 'z' ? (char)(s[i] - 'a' + 'A') : s[i];
  return caps;
}

static void try_pairs(pairs_try *t, const char *s, size_t n) {
  targets_pairs_may_hold(t->lits, t->n, s, n, t->may);
  for (size_t i = 0; i < t->n; i++) {
    bool found = pcre2_match(t->lits[i]->code, (PCRE2_SPTR)s, n, 0, 0, t->md,
                             NULL) > 0;
    t->found += found;
    t->absent += !t->may[i];
    if (found && !t->may[i] && !t->differs &&
        asprintf(&t->differs, "%s told absent from \"%.*s\"",
                 t->lits[i]->text, (int)(n < 200 ? n : 200), s) < 0)
      t->differs = NULL;
  }
}

static void check_pairs(void *ctx, const char *s, size_t n, bool joined) {
  (void)joined;
  pairs_try *t = ctx;
  try_pairs(t, s, n);
  char *caps = ascii_caps(s, n);
  try_pairs(t, caps, n);
  free(caps);
}

static void add_literal(pairs_try *t, const rule_literal *l) {
  for (size_t i = 0; i < t->n; i++)
    if (t->lits[i] == l) return;
  t->lits = realloc(t->lits, (t->n + 1) * sizeof *t->lits);
  ck_assert_ptr_nonnull(t->lits);
  t->lits[t->n++] = l;
}

START_TEST(byte_pairs_tell_absent_literals) {
  pairs_try t = {0};
  static const char *const groups[] = {"target.", "nontarget.", "clause."};
  for (size_t g = 0; g < 3; g++) {
    rule_list rs = rules_select(rules, groups[g], NULL);
    for (size_t i = 0; i < rs.n; i++) {
      const rule_facts *f = &rs.items[i]->facts;
      for (size_t c = 0; c < f->nlits; c++)
        for (size_t k = 0; k < f->nalts[c]; k++) add_literal(&t, f->lits[c][k]);
      for (size_t k = 0; k < f->nanchor; k++) add_literal(&t, f->anchor[k]);
    }
  }
  ck_assert_uint_gt(t.n, 10);
  t.may = calloc(t.n, sizeof *t.may);
  t.md = pcre2_match_data_create(1, NULL);
  ck_assert(t.may && t.md);
  static const char *const forms[] = {
      "KHÔNG THẤP HƠN 90%", "Tối Thiểu 80% hồ sơ", "TỪ 95% TRỞ LÊN",
      "PHẤN ĐẤU đạt 100%", "\xE2\x84\xAAhông dưới 85%", "ít NHẤT 98,5%",
      "Trên 50% và TỐI ĐA 3 ngày", "NĂM 2025, Quý II, tháng 6"};
  for (size_t i = 0; i < sizeof forms / sizeof *forms; i++)
    try_pairs(&t, forms[i], strlen(forms[i]));
  size_t found_in_forms = t.found;
  char **texts;
  size_t ntexts = rewrites_texts(&texts);
  for (size_t i = 0; i < ntexts; i++)
    rewrites_walk(texts[i], check_pairs, &t);
  rewrites_texts_free(texts, ntexts);
  ck_assert_msg(!t.differs, "%s", t.differs);
  ck_assert_uint_gt(found_in_forms, 8); /* the forms hold their words */
  ck_assert_uint_gt(t.found, 1000);
  /* and the pairs tell most absent ones (the searches they spare) */
  ck_assert_uint_gt(t.absent, t.found);
  pcre2_match_data_free(t.md);
  free(t.may);
  free(t.lits);
}
END_TEST

/* Gates (rules/targets.rules, tgate.*): a target or non-target rule runs
 * only on a block its gate matches in, so the gate must match wherever the rule
 * does.  Checked for every gated target rule on every corpus line and two
 * joined, on the rules' own forms, and on each with its ASCII letters in
 * capitals; and a gate must spare searches: most lines with a number fail
 * it. */
typedef struct gates_try {
  const rule *rules[64], *gates[64];
  size_t n, *hits;
  size_t blocks, shut; /* blocks with a digit; those a gate shuts */
  pcre2_match_data *md;
  char *differs; /* the first rule that matched where its gate did not */
} gates_try;

static void try_gates(gates_try *g, const char *s, size_t n) {
  bool digit = false;
  for (size_t i = 0; i < n && !digit; i++) digit = s[i] >= '0' && s[i] <= '9';
  g->blocks += digit;
  for (size_t i = 0; i < g->n; i++) {
    bool open = rule_exec(g->gates[i], s, n, 0, g->md);
    g->shut += digit && !open;
    if (!rule_exec(g->rules[i], s, n, 0, g->md)) continue;
    g->hits[i]++;
    if (!open && !g->differs &&
        asprintf(&g->differs, "%s matches where %s does not: \"%.*s\"",
                 g->rules[i]->id, g->gates[i]->id, (int)(n < 200 ? n : 200),
                 s) < 0)
      g->differs = NULL;
  }
}

static void check_gates(void *ctx, const char *s, size_t n, bool joined) {
  (void)joined;
  gates_try *g = ctx;
  try_gates(g, s, n);
  char *caps = ascii_caps(s, n);
  try_gates(g, caps, n);
  free(caps);
}

START_TEST(gates_hold_where_their_rules_match) {
  gates_try g = {0};
  static const char *const groups[] = {"target.", "nontarget."};
  for (size_t k = 0; k < 2; k++) {
    rule_list rs = rules_select(rules, groups[k], NULL);
    for (size_t i = 0; i < rs.n; i++) {
      const char *id = rule_attr(rs.items[i], "gate");
      /* (as read once and kept: rule_gate, asked twice) */
      for (int ask = 0; ask < 2; ask++)
        ck_assert_ptr_eq(rule_gate(rules, rs.items[i]),
                         id ? rules_find(rules, id) : NULL);
      if (!id) continue;
      const rule *gate = rules_find(rules, id);
      ck_assert_msg(gate && !strncmp(id, "tgate.", 6), "%s: gate %s",
                    rs.items[i]->id, id);
      ck_assert_uint_lt(g.n, 64);
      g.rules[g.n] = rs.items[i];
      g.gates[g.n++] = gate;
    }
  }
  /* the range, the seven counts, durations and descriptive counts */
  ck_assert_uint_ge(g.n, 10);
  g.hits = calloc(g.n, sizeof *g.hits);
  g.md = rules_match_data(rules);
  ck_assert(g.hits && g.md);
  /* (the plans write few ranges) */
  static const char *const forms[] = {
      "mức độ hài lòng đạt từ 95% -100%", "đạt 95-100% hồ sơ",
      "từ 90,5% đến 95%", "Tổ chức 2 lớp tập huấn", "Phân đấu có 2 sáng kiến",
      "có ít nhất 1.000 hộ gia đình", "có trên 10 doanh nghiệp",
      "đồng bộ 06 nội dung trọng tâm", "nguyên tắc 6 rõ",
      "sơ kết 06 tháng đầu năm"};
  for (size_t i = 0; i < sizeof forms / sizeof *forms; i++)
    check_gates(&g, forms[i], strlen(forms[i]), false);
  char **texts;
  size_t ntexts = rewrites_texts(&texts);
  for (size_t i = 0; i < ntexts; i++) rewrites_walk(texts[i], check_gates, &g);
  rewrites_texts_free(texts, ntexts);
  ck_assert_msg(!g.differs, "%s", g.differs);
  size_t hits = 0;
  for (size_t i = 0; i < g.n; i++) hits += g.hits[i];
  ck_assert_uint_gt(hits, 100); /* the check saw the rules match */
  ck_assert_uint_gt(2 * g.shut, g.blocks * g.n); /* most lines are shut */
  pcre2_match_data_free(g.md);
  free(g.hits);
  free(g.differs);
}
END_TEST

/* The byte pairs of a block are marked in a table of the thread, cleared
 * only when its 8-bit marks wrap (targets.c, struct pair_marks): over
 * 3,000 blocks in plans read one after another, each block's literals
 * still tell its comparator ("tối thiểu" >=, "tối đa" <=), before each
 * wrap and after it. */
START_TEST(pair_marks_wrap) {
  enum { PLANS = 3, LINES = 1000 };
  static const char at_least[] = "- Tổ chức tối thiểu 02 cuộc họp.\n";
  static const char at_most[] = "- Tổ chức tối đa 03 cuộc họp.\n";
  char *src = malloc(LINES * sizeof at_least + 1);
  ck_assert_ptr_nonnull(src);
  size_t n = 0;
  for (size_t i = 0; i < LINES; i++) {
    const char *line = i % 2 ? at_most : at_least;
    memcpy(src + n, line, strlen(line));
    n += strlen(line);
  }
  src[n] = '\0';
  for (size_t p = 0; p < PLANS; p++) {
    cchc_frame *f = harness_process(rules, src, n);
    ck_assert_uint_eq(f->ntargets, LINES);
    for (size_t i = 0; i < LINES; i++)
      ck_assert_msg(!strcmp(f->targets[i].comparator, i % 2 ? "<=" : ">="),
                    "plan %zu, line %zu: %s", p, i, f->targets[i].comparator);
    cchc_frame_free(f);
  }
  free(src);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Joins read when asked (table_join)                                  */

/* A context over the canonical form of text t, its lines split and its
 * sections and cells read (as extract_frame's first passes). */
typedef struct join_doc {
  xctx x;
  cchc_error err;
} join_doc;

static void join_doc_open(join_doc *d, const cchc_text *t) {
  memset(d, 0, sizeof *d);
  ck_assert_int_eq(xctx_open(&d->x, rules, t, &d->err), CCHC_OK);
  xctx *x = &d->x;
  ck_assert_int_eq(extract_sections(x), CCHC_OK);
  ck_assert_int_eq(table_cells(x), CCHC_OK);
}

static void join_doc_close(join_doc *d) { xctx_close(&d->x); }

/* The targets of t read with the joins asked as the targets ask them,
 * and read with every join read first (from the last line back: a join
 * does not depend on the order it is read in), agree target by target;
 * so do the joins the first read.  Returns how many lines the targets
 * left unread. */
static size_t lazy_joins_agree(const char *name, const cchc_text *t) {
  join_doc lazy, all;
  join_doc_open(&lazy, t);
  join_doc_open(&all, t);
  table_join_rules j;
  table_join_rules_of(rules, &j);
  for (size_t li = all.x.nlines; li-- > 0;) table_join(&all.x, &j, li);
  ck_assert_int_eq(extract_targets(&lazy.x), CCHC_OK);
  ck_assert_int_eq(extract_targets(&all.x), CCHC_OK);
  const cchc_frame *a = lazy.x.f, *b = all.x.f;
  ck_assert_msg(a->ntargets == b->ntargets, "%s: %zu targets, %zu read eagerly",
                name, a->ntargets, b->ntargets);
  for (size_t i = 0; i < a->ntargets; i++) {
    const frame_target *p = &a->targets[i], *q = &b->targets[i];
    ck_assert_msg(p->span.start == q->span.start && p->span.end == q->span.end &&
                      p->value == q->value && !strcmp(p->rule, q->rule) &&
                      !strcmp(p->text, q->text),
                  "%s: target %zu differs: %s / %s", name, i, p->text,
                  q->text);
  }
  size_t unread = 0;
  for (size_t li = 0; li < lazy.x.nlines; li++) {
    unsigned got = lazy.x.lines[li].join;
    if (got == XJOIN_UNREAD) unread++;
    else
      ck_assert_msg(got == all.x.lines[li].join, "%s: line %zu: join %u, not %u",
                    name, li, got, (unsigned)all.x.lines[li].join);
    ck_assert_uint_ne(all.x.lines[li].join, XJOIN_UNREAD);
  }
  join_doc_close(&lazy);
  join_doc_close(&all);
  return unread;
}

/* The targets ask the joins of the lines around a digit or a '%' only:
 * the blocks of the other lines find nothing.  A block that starts on a
 * line without a digit and runs on into one with a target ("tối
 * thiểu" / "80% ...") is read whole; lines far from any number are never
 * read. */
START_TEST(joins_read_when_asked) {
  static const char src[] =
      APPENDIX_HEAD
      "Số hóa kết quả giải quyết thủ tục hành chính đạt tỷ lệ tối thiểu\n"
      "75% số hồ sơ tiếp nhận\n"
      "Nâng cao tỷ lệ số hóa\n"
      "Tư pháp\n"
      "Thường xuyên\n"
      "Đẩy mạnh thanh toán trực tuyến\n"
      "Các ban, ngành cấp xã\n";
  cchc_text *t = NULL;
  cchc_error err = {0};
  ck_assert_int_eq(cchc_normalize(src, strlen(src), NULL, &t, &err), CCHC_OK);
  join_doc d;
  join_doc_open(&d, t);
  ck_assert_int_eq(extract_targets(&d.x), CCHC_OK);
  ck_assert_uint_eq(d.x.f->ntargets, 1);
  const frame_target *tg = &d.x.f->targets[0];
  ck_assert_str_eq(tg->text, "Số hóa kết quả giải quyết thủ tục hành chính "
                             "đạt tỷ lệ tối thiểu 75% số hồ sơ tiếp nhận");
  ck_assert_str_eq(tg->comparator, ">=");
  /* the last lines hold no number: their joins are not read */
  ck_assert_uint_eq(d.x.lines[d.x.nlines - 1].join, XJOIN_UNREAD);
  ck_assert_uint_eq(d.x.lines[d.x.nlines - 2].join, XJOIN_UNREAD);
  join_doc_close(&d);
  ck_assert_uint_gt(lazy_joins_agree("crafted", t), 0);
  cchc_text_free(t);
}
END_TEST

/* Over the corpus: the same targets whether the joins are read when
 * asked or all at first, and most lines left unread. */
START_TEST(joins_read_when_asked_corpus) {
  char **files;
  size_t n = harness_corpus_all(&files);
  ck_assert_uint_ge(n, 4);
  size_t unread = 0;
  for (size_t i = 0; i < n; i++) {
    cchc_text *t = harness_normalize_file(files[i]);
    if (!t) continue;
    unread += lazy_joins_agree(files[i], t);
    cchc_text_free(t);
  }
  harness_free_list(files, n);
  ck_assert_uint_gt(unread, 0);
}
END_TEST

START_TEST(corpus_against_gold) {
  char **files;
  size_t n = harness_corpus(&files);
  ck_assert_uint_ge(n, 4);
  score sc = {0};
  for (size_t i = 0; i < n; i++) score_file(files[i], &sc);
  harness_free_list(files, n);
  ck_assert_uint_gt(sc.gold, 0);
  double p = sc.pred ? (double)sc.tp / (double)sc.pred : 0;
  double r = (double)sc.tp / (double)sc.gold;
  double cmp = sc.tp ? (double)sc.cmp / (double)sc.tp : 0;
  double ind = sc.tp ? (double)sc.ind / (double)sc.tp : 0;
  printf("targets: gold %zu, predicted %zu, matched %zu: P %.3f R %.3f, "
         "comparator %.3f, indicator %.3f\n",
         sc.gold, sc.pred, sc.tp, p, r, cmp, ind);
  ck_assert_msg(p >= 0.95, "target precision %.3f < 0.95", p);
  ck_assert_msg(r >= 0.95, "target recall %.3f < 0.95", r);
  ck_assert_msg(cmp >= 0.95, "comparator accuracy %.3f < 0.95", cmp);
  ck_assert_msg(ind >= 0.85, "indicator accuracy %.3f < 0.85", ind);
}
END_TEST

/* ---- tab20: crawled cells answered by their text ---------------------- */

/* The frame of src as JSON with a shortcut on (`kept`) or off (*off: its
 * test switch), for the tests that hold a shortcut to the frame the plain
 * way gives: table.c's memos (table_cell_facts_off, table_join_memo_off),
 * targets' literals told by words (targets_block_words_off), headings'
 * areas by words (sections_area_words_off). */
static char *frame_json(bool *off, const char *src, size_t n, bool kept) {
  *off = !kept;
  char *out = harness_process_json(rules, src, n);
  *off = false;
  return out;
}

/* Every corpus plan and `plan` give the same frame with the fast path that
 * *off turns off as without it; returned: the plan's frame, for the
 * caller's own checks. */
static char *same_frames_either_way(bool *off, const char *plan) {
  char **files;
  size_t n = harness_corpus_all(&files);
  ck_assert_uint_ge(n, 4);
  char *planned = NULL;
  for (size_t i = 0; i <= n; i++) {
    size_t len = i < n ? 0 : strlen(plan);
    char *src = i < n ? harness_read(files[i], &len) : (char *)plan;
    ck_assert_ptr_nonnull(src);
    char *fast = frame_json(off, src, len, true);
    char *slow = frame_json(off, src, len, false);
    ck_assert_msg(!strcmp(fast, slow), "%s: the frames differ",
                  i < n ? files[i] : "plan");
    free(slow);
    if (i < n) {
      free(fast);
      free(src);
    } else {
      planned = fast;
    }
  }
  harness_free_list(files, n);
  return planned;
}

/* The scattered-cells reader reads the deadlines and targets of its zone
 * once, by start, and each line's from there (table.c: zone_items): the
 * frames are the same as when each line asks xdeadlines_in and
 * xtargets_in, over the corpus (a PDF plan's appendix) and a table whose
 * lines hold several times, a time and a figure on one line, and a time
 * that runs over a line's end. */
START_TEST(scattered_items_read_by_zone) {
  static const char plan[] =
      "KẾ HOẠCH\nCải cách hành chính xã An Phú năm 2026\n"
      "I. MỤC TIÊU\n- 100% thủ tục được công khai.\n"
      "PHỤ LỤC\nTT\n1- Mục tiêu\n2- Nhiệm vụ\n3- Hoạt động\n"
      "5- Chủ trì 6- Phối hợp\n7- Thời gian hoàn thành\n"
      "I CÔNG TÁC CHỈ ĐẠO ĐIỀU HÀNH\n1\n"
      "1.1. Đạt 100% văn bản được ban hành đúng hạn\n"
      "2.1. Ban hành Kế hoạch CCHC\n3.1. Xây dựng dự thảo\n"
      "Văn phòng HĐND và UBND xã Các ban, ngành Tháng 01/2026 "
      "Quý II/2026\n3.2. Tổng hợp ý kiến Công an xã Năm 2026\n"
      "2\n1.2. Tỷ lệ hồ sơ trực tuyến đạt 80% trong năm 2026\n"
      "2.2. Số hóa hồ sơ\nPhòng Kinh tế Trước ngày 30/6/2026; "
      "ngày\n15/12/2026 ngân sách xã\n"
      "2.3. Tuyên truyền đạt 95% người dân\nCông an xã Hằng tháng\n";
  free(same_frames_either_way(&table_zone_items_off, plan));
}
END_TEST

/* A crawled table of `rows` rows: numbers, distinct tasks, a lead and
 * coordinators that repeat, a repeated header under each group, a
 * deadline that repeats; then a second table whose number column holds
 * text the first's task column held.  Appended to sb. */
static void crawled_plan(strbuf *sb, int rows) {
  strbuf_addstr(sb, "KẾ HOẠCH\nCải cách hành chính năm 2026\n"
                    "PHỤ LỤC\n"
                    "| TT | Nhiệm vụ | Chủ trì | Phối hợp | "
                    "Thời gian |\n|---|---|---|---|---|\n");
  for (int r = 1; r <= rows; r++) {
    if (r % 40 == 1)
      strbuf_addf(sb,
                  "| %s | NHÓM NHIỆM VỤ %d | | | |\n"
                  "| TT | Nhiệm vụ | Chủ trì | Phối hợp | "
                  "Thời gian |\n",
                  r % 80 == 1 ? "I" : "II", r / 40 + 1);
    strbuf_addf(sb,
                "| %d | Rà soát thủ tục hành chính số %d | %s | "
                "Các phòng, ban; UBND các xã | %s |\n",
                r, r, r % 3 ? "Phòng Kinh tế" : "Công an xã",
                r % 2 ? "Năm 2026" : "Quý IV/2026");
  }
  strbuf_addstr(sb, "\n| TT | Chỉ tiêu | Chủ trì |\n|---|---|---|\n"
                    "| Rà soát thủ tục hành chính số 1 | Tỷ lệ hồ sơ "
                    "đạt 100% | Phòng Kinh tế |\n"
                    "| 1 | Tỷ lệ hồ sơ trực tuyến đạt 80% | Công an xã "
                    "|\n");
  ck_assert(!sb->failed);
}

/* What the rules say of a crawled slot (a field it names, a row number, a
 * group heading, the rest of a wrapped row) is kept by the slot's text
 * (table.c: cell_facts): the frames are the same as when every slot is
 * asked -- over a table whose cells repeat and differ (more texts than
 * the facts have slots: texts take each other's slots) and over the
 * corpus. */
START_TEST(cell_facts_kept_by_text) {
  char **files;
  size_t n = harness_corpus_all(&files);
  ck_assert_uint_ge(n, 4);
  strbuf plan = STRBUF_INIT;
  crawled_plan(&plan, 1500);
  size_t tables = 0;
  for (size_t i = 0; i <= n; i++) {
    size_t len = plan.len;
    char *src = i < n ? harness_read(files[i], &len) : plan.buf;
    ck_assert_ptr_nonnull(src);
    char *kept = frame_json(&table_cell_facts_off, src, len, true);
    char *asked = frame_json(&table_cell_facts_off, src, len, false);
    ck_assert_msg(!strcmp(kept, asked), "%s: the frames differ",
                  i < n ? files[i] : "crawled_plan");
    if (i == n) { /* every row a task, each with its lead */
      ck_assert_ptr_nonnull(strstr(kept, "Rà soát thủ tục hành chính số 1500"));
      ck_assert_ptr_nonnull(strstr(kept, "Rà soát thủ tục hành chính số 1\""));
      tables++;
    }
    free(kept);
    free(asked);
    if (i < n) free(src);
  }
  ck_assert_uint_eq(tables, 1);
  strbuf_release(&plan);
  harness_free_list(files, n);
}
END_TEST

/* A short block without a candidate is known as such for the rest of
 * the plan by its bytes (targets.c: known_empty): the repeats of "2. Năm
 * 2025" are passed over, and the blocks of as many bytes between them
 * ("3. 100% TTHC") still give their targets. */
START_TEST(short_blocks_known_empty_by_their_bytes) {
  doc d = extract("KẾ HOẠCH\n"
                  "Cải cách hành chính năm 2026\n"
                  "I. MỤC TIÊU\n"
                  "1. 100% TTHC\n"
                  "2. Năm 2025\n"
                  "3. 100% TTHC\n"
                  "4. Năm 2025\n"
                  "5. 100% TTHC\n"
                  "6. Năm 2025\n");
  ck_assert_uint_eq(d.f->ntargets, 3);
  for (size_t i = 0; i < 3; i++) {
    const frame_target *t = tgt(&d, i);
    char *text = span_text(&d, t);
    ck_assert_str_eq(text, "100%");
    free(text);
    ck_assert(t->value == 100);
  }
  done(&d);
}
END_TEST

/* Two short lines read as they were before in the plan (table.c:
 * join_memo) join as the rules read them: every corpus plan, a crawled
 * table and scattered cells that repeat their short lines give the same
 * frame with the joins kept and with each read by the rules. */
START_TEST(joins_kept_by_text) {
  char **files;
  size_t n = harness_corpus_all(&files);
  ck_assert_uint_ge(n, 4);
  strbuf plan = STRBUF_INIT;
  crawled_plan(&plan, 300);
  strbuf cells = STRBUF_INIT;
  strbuf_addstr(&cells, "KẾ HOẠCH\nCải cách hành chính năm 2026\n"
                        "I. MỤC TIÊU\n");
  for (int r = 1; r <= 60; r++)
    strbuf_addf(&cells, "%d.\nTỷ lệ hồ sơ\n%s\n%s\nđạt %d%%\n", r,
                r % 2 ? "UBND xã" : "Công an xã", r % 3 ? "2026" : "-",
                r % 4 ? 90 : 100);
  ck_assert(!cells.failed);
  for (size_t i = 0; i <= n + 1; i++) {
    size_t len = i == n ? plan.len : cells.len;
    char *src = i < n ? harness_read(files[i], &len)
                : i == n ? plan.buf
                         : cells.buf;
    ck_assert_ptr_nonnull(src);
    char *kept = frame_json(&table_join_memo_off, src, len, true);
    char *read = frame_json(&table_join_memo_off, src, len, false);
    ck_assert_msg(!strcmp(kept, read), "%s: the frames differ",
                  i < n ? files[i] : i == n ? "crawled_plan" : "cells");
    free(kept);
    free(read);
    if (i < n) free(src);
  }
  strbuf_release(&cells);
  strbuf_release(&plan);
  harness_free_list(files, n);
}
END_TEST

/* The literals a block of the text holds are told by the words of its
 * runs (targets.c: block_words), read once per text, where each was
 * searched in each block: every corpus plan, and a plan whose target
 * words stand in either case, inside longer words ("ph" of "Phấn"), on
 * the text's first line and on its last (without a line break), beside
 * a table's rows (joined cells, searched) and a line whose words cannot
 * be told (a run too long for a word), give the same frame either way. */
START_TEST(block_literals_told_by_their_words) {
  char **files;
  size_t n = harness_corpus_all(&files);
  ck_assert_uint_ge(n, 4);
  strbuf plan = STRBUF_INIT;
  strbuf_addstr(&plan, "Tỷ lệ hồ sơ trực tuyến đạt 100%\nKẾ HOẠCH\n"
                       "Cải cách hành chính năm 2026\nI. MỤC TIÊU\n");
  static const char *const said[] = {
      "Tối thiểu 80%% hồ sơ được số hóa (%d)",
      "TỐI THIỂU 90%% THỦ TỤC (%d)",
      "Tỷ lệ xã đạt chuẩn từ 70%% trở lên (%d)",
      "TỶ LỆ HỘ TỪ 60%% TRỞ LÊN (%d)",
      "Không dưới 50%% cán bộ được đào tạo (%d)",
      "KHÔNG THẤP HƠN 65%% (%d)",
      "Phấn đấu 100 xã hoàn thành (%d)",
      "Số liệu thống kê năm 2025 đạt 80%% (%d)",
      "Đã đạt 75%% trong năm trước (%d)",
      "Giảm xuống dưới 5%% (%d), tối đa 3 ngày"};
  for (int r = 0; r < 40; r++) {
    strbuf_addf(&plan, said[r % 10], r);
    strbuf_addstr(&plan, "\n");
  }

  strbuf_addstr(&plan, "\n| TT | Chỉ tiêu | Đơn vị tính | Kết quả |\n"
                       "|---|---|---|---|\n"
                       "| 1 | Tỷ lệ hồ sơ trực tuyến | % | 80 |\n"
                       "| 2 | Số xã đạt chuẩn | xã | tối thiểu 12 |\n\n");
  /* the same, then runs too long for a word, holding target words or
   * beside them */
  strbuf addl = STRBUF_INIT;
  strbuf_addstr(&addl, plan.buf);
  static const char *const around[][2] = {
      {"Mã ", " đạt 85%"},
      {"Tỷ lệ xã đạt chuẩn từ 70% trở lên", ""},
      {"", "tối thiểu 80% hồ sơ"},
      {"Tối thiểu", " 80% hồ sơ"},
      {"Tỷ lệ ", "không dưới 50% cán bộ"}};
  for (size_t i = 0; i < sizeof around / sizeof *around; i++) {
    strbuf_addstr(&addl, around[i][0]);
    for (int k = 0; k < 300; k++) strbuf_addstr(&addl, "x");
    strbuf_addf(&addl, "%s\n", around[i][1]);
  }
  strbuf_addstr(&plan, "Tỷ lệ giải quyết đúng hạn đạt 95%");
  /* blocks of one length, one after another, holding other words */
  strbuf same = STRBUF_INIT;
  strbuf_addstr(&same, "KẾ HOẠCH\nCải cách hành chính năm 2026\n"
                       "I. MỤC TIÊU\n");
  static const char lower[] = "Tối thiểu 80% hồ sơ";
  for (int r = 0; r < 4; r++) {
    size_t len0 = same.len;
    strbuf_addstr(&same, "Có 80% hộ ");
    while (same.len - len0 < sizeof lower - 1) strbuf_addstr(&same, "x");
    strbuf_addf(&same, "\n%s\n", lower);
  }
  ck_assert(!plan.failed && !addl.failed && !same.failed);
  const strbuf *made[] = {&plan, &addl, &same};
  static const char *const names[] = {"plan", "plan with a long run",
                                      "blocks of one length"};
  for (size_t i = 0; i < n + 3; i++) {
    size_t len = i < n ? 0 : made[i - n]->len;
    char *src = i < n ? harness_read(files[i], &len) : made[i - n]->buf;
    ck_assert_ptr_nonnull(src);
    char *told = frame_json(&targets_block_words_off, src, len, true);
    char *searched = frame_json(&targets_block_words_off, src, len, false);
    ck_assert_msg(!strcmp(told, searched), "%s: the frames differ",
                  i < n ? files[i] : names[i - n]);
    if (i == n + 2) /* each "tối thiểu" a minimum */
      ck_assert_ptr_nonnull(strstr(told, "\"comparator\": \">=\""));
    else if (i >= n) { /* a target of the first line, each case, the last */
      ck_assert_ptr_nonnull(strstr(told, "\"value\": 100,"));
      ck_assert_ptr_nonnull(strstr(told, "\"value\": 65,"));
      ck_assert_ptr_nonnull(strstr(told, "\"value\": 60,"));
      ck_assert_ptr_nonnull(strstr(told, i == n ? "\"value\": 95," : "\"value\": 85,"));
    }
    free(told);
    free(searched);
    if (i < n) free(src);
  }
  strbuf_release(&plan);
  strbuf_release(&addl);
  strbuf_release(&same);
  harness_free_list(files, n);
}
END_TEST

/* A non-target whose matches start only where the block starts
 * (nontarget.marker: "^\\s*..." after no character, rule_facts.starts) is
 * searched there only (targets.c, starts_block_only): "1.5" opening a
 * block reads as an item number and drops the percentage it would be,
 * "2.5" further on, past the block's first stretch, stays a target. */
START_TEST(nontarget_at_block_start_only) {
  const rule *marker = rules_find(rules, "nontarget.marker");
  ck_assert_ptr_nonnull(marker);
  ck_assert(marker->facts.starts && marker->facts.at_zero &&
            !marker->facts.after);
  doc d = extract("KẾ HOẠCH\n"
                  "Cải cách hành chính năm 2026\n"
                  "I. MỤC TIÊU\n"
                  "1.5 % hồ sơ trực tuyến\n"
                  "đạt 2.5 % hồ sơ trực tuyến\n");
  ck_assert_uint_eq(d.f->ntargets, 1);
  ck_assert(tgt(&d, 0)->value == 2.5);
  check_span(&d, tgt(&d, 0), "đạt 2.5 %");
  done(&d);
}
END_TEST

/* A heading's area is told by the words of the text's runs it touches
 * (sections.c: headings_areas; the area rules' words, each within a word
 * of the text), where each heading was folded and searched for them
 * (heading_area): headings in capitals, in lower case, with the area's
 * words apart and a word that only holds one ("thểthao" holds "thể" as
 * a search finds it; its rule needs "chế" too) name the same areas either
 * way, and so do the corpus plans' headings, most of them with an area. */
START_TEST(heading_areas_by_words) {
  static const char src[] =
      "KẾ HOẠCH\nCải cách hành chính năm 2026\n"
      "I. CẢI CÁCH THỂ CHẾ\n"
      "1. Cải cách thủ tục hành chính\n"
      "2. Xây dựng chính quyền số\n"
      "3. Thểthao và chế độ\n"
      "4. Công tác tuyên truyền\n"
      "II. Nội dung khác\n";
  char *words = frame_json(&sections_area_words_off, src, strlen(src), true);
  char *folded = frame_json(&sections_area_words_off, src, strlen(src), false);
  ck_assert_msg(!strcmp(words, folded), "the frames differ");
  free(words);
  free(folded);
  doc d = extract(src);
  static const char *const want[] = {"the_che", "tthc", "cqs", NULL,
                                     "tuyen_truyen", NULL};
  ck_assert_uint_eq(d.f->nsections, 6);
  for (size_t i = 0; i < 6; i++)
    check_str(d.f->sections[i].area, want[i], d.f->sections[i].heading);
  done(&d);
  char **files;
  size_t n = harness_corpus_all(&files);
  ck_assert_uint_ge(n, 4);
  size_t named = 0;
  for (size_t i = 0; i < n; i++) {
    size_t len;
    char *plan = harness_read(files[i], &len);
    ck_assert_ptr_nonnull(plan);
    char *a = frame_json(&sections_area_words_off, plan, len, true);
    char *b = frame_json(&sections_area_words_off, plan, len, false);
    ck_assert_msg(!strcmp(a, b), "%s: the frames differ", files[i]);
    cchc_frame *f = harness_process(rules, plan, len);
    for (size_t k = 0; k < f->nsections; k++) named += f->sections[k].area != NULL;
    cchc_frame_free(f);
    free(a);
    free(b);
    free(plan);
  }
  ck_assert_uint_gt(named, 50);
  harness_free_list(files, n);
}
END_TEST

/* The plan's title gives its area to the targets whose sections name
 * none, read when the first such target asks (targets.c: plan_area_read),
 * not before the blocks: a target of a section with an area keeps it
 * before and after one that takes the title's; a title naming the whole
 * reform gives none (the indicator's area then); a table row's target
 * asks as a sentence's does. */
START_TEST(title_area_read_when_a_target_asks) {
  doc d = extract("KẾ HOẠCH\nChuyển đổi số năm 2026\n"
                  "I. MỤC TIÊU\n"
                  "1. Cải cách thể chế\n"
                  "- 100% văn bản được rà soát\n"
                  "2. Nhiệm vụ chung\n"
                  "- 90% hồ sơ được số hóa\n"
                  "3. Cải cách thể chế\n"
                  "- 80% văn bản được công bố\n"
                  "4. Nhiệm vụ khác\n"
                  "| TT | Chỉ tiêu | Đơn vị tính | Kết quả |\n"
                  "|---|---|---|---|\n"
                  "| 1 | Tỷ lệ hồ sơ trực tuyến | % | 70 |\n");
  static const char *const want[] = {"the_che", "cqs", "the_che", "cqs"};
  ck_assert_uint_eq(d.f->ntargets, 4);
  for (size_t i = 0; i < 4; i++) check_str(tgt(&d, i)->area, want[i], "area");
  ck_assert(tgt(&d, 3)->value == 70);
  done(&d);
  d = extract("KẾ HOẠCH\nCải cách hành chính và chuyển đổi số năm 2026\n"
              "I. MỤC TIÊU\n"
              "1. Nhiệm vụ chung\n"
              "- 100% các khoản chi tiêu công được quản lý qua hệ thống "
              "kế toán số.\n");
  ck_assert_uint_eq(d.f->ntargets, 1);
  check_str(tgt(&d, 0)->area, "tai_chinh", "area");
  done(&d);
}
END_TEST

/* A plan's frame read on a thread of its own (fresh tables), for
 * lit_places_numbered_on_across_plans. */
typedef struct fresh_frame {
  const char *src;
  size_t n;
  char *json;
} fresh_frame;

static void *fresh_frame_read(void *arg) {
  fresh_frame *ff = arg;
  ff->json = harness_process_json(rules, ff->src, ff->n);
  return NULL;
}

/* Where the literals stand in a block is kept per thread for the plans
 * after (targets.c: lit_places), its blocks numbered on from the last
 * plan's: read one after another on one thread, after a plan whose blocks
 * hold "từ" far in (each searched for it), a plan whose short blocks
 * hold it at their start ("- từ 5% hồ sơ": at least 5%), and the corpus
 * plans forward and back, give the frames each gives read on a thread of
 * its own. */
START_TEST(lit_places_numbered_on_across_plans) {
  char **files;
  size_t n = harness_corpus_all(&files);
  ck_assert_uint_ge(n, 4);
  strbuf prime = STRBUF_INIT, probe = STRBUF_INIT;
  strbuf_addstr(&prime, "KẾ HOẠCH\nCải cách hành chính năm 2026\n");
  strbuf_addstr(&probe, "KẾ HOẠCH\nCải cách hành chính năm 2026\n");
  for (int r = 1; r <= 300; r++) {
    strbuf_addf(&prime,
                "- Phấn đấu tỷ lệ hồ sơ giải quyết đúng hạn trên tổng số "
                "hồ sơ tiếp nhận đạt từ %d%%\n", r % 90 + 5);
    strbuf_addf(&probe, "- từ %d%% hồ sơ\n", r % 90 + 5);
  }
  ck_assert(!prime.failed && !probe.failed);
  size_t m = n + 2; /* the plans, the prime, the probe */
  fresh_frame *ff = calloc(m, sizeof *ff);
  ck_assert_ptr_nonnull(ff);
  for (size_t i = 0; i < m; i++) {
    ff[i].n = i == n ? prime.len : probe.len;
    ff[i].src = i < n ? harness_read(files[i], &ff[i].n)
                : i == n ? prime.buf
                         : probe.buf;
    ck_assert_ptr_nonnull(ff[i].src);
    pthread_t th;
    ck_assert_int_eq(pthread_create(&th, NULL, fresh_frame_read, &ff[i]), 0);
    ck_assert_int_eq(pthread_join(th, NULL), 0);
    ck_assert_ptr_nonnull(ff[i].json);
  }
  ck_assert_ptr_nonnull(strstr(ff[n + 1].json, "\">=\""));
  for (size_t k = 0; k < 2 * (n + 1); k++) {
    /* the prime, then the probe or a plan: forward, then back */
    size_t j = k < n + 1 ? k : 2 * (n + 1) - 1 - k;
    size_t order[2] = {n, j < n ? j : n + 1};
    for (size_t q = 0; q < 2; q++) {
      size_t i = order[q];
      char *json = harness_process_json(rules, ff[i].src, ff[i].n);
      ck_assert_ptr_nonnull(json);
      ck_assert_msg(!strcmp(json, ff[i].json), "%s: the frames differ",
                    i < n ? files[i] : i == n ? "prime" : "probe");
      free(json);
    }
  }
  for (size_t i = 0; i < m; i++) {
    if (i < n) free((char *)ff[i].src);
    free(ff[i].json);
  }
  free(ff);
  strbuf_release(&prime);
  strbuf_release(&probe);
  harness_free_list(files, n);
  /* one-block plans, their words each a byte further on than the last
   * plan's */
  static const char *const values[] = {"9%", "97 %", "97,5%", "100 %"};
  for (size_t v = 0; v < sizeof values / sizeof *values; v++)
    for (size_t pad = 0; pad < 8; pad++) {
      char src[256];
      snprintf(src, sizeof src,
               "- Trong năm 2025, %.*s tỷ lệ giải quyết hồ sơ đúng hạn đã "
               "đạt %s %.*s.\n",
               (int)pad, "aaaaaaaa", values[v], (int)(7 - pad), "bbbbbbbb");
      fresh_frame one = {src, strlen(src), NULL};
      pthread_t th;
      ck_assert_int_eq(pthread_create(&th, NULL, fresh_frame_read, &one), 0);
      ck_assert_int_eq(pthread_join(th, NULL), 0);
      char *json = harness_process_json(rules, src, strlen(src));
      ck_assert_msg(!strcmp(json, one.json), "%s: the frames differ", src);
      free(json);
      free(one.json);
    }
}
END_TEST

/* ---- nontgt32: non-targets searched near digits only ------------------- */

/* The non-targets whose matches hold a digit near their start
 * (nontarget.place "thôn 3", nontarget.level "mức độ 4", nontarget.name
 * "Đề án 06", searched by PCRE2; nontarget.date "ngày 15", tried where
 * its first bytes and words stand: rule_facts.near_digit, read from their
 * patterns) are searched only in the windows before the blocks' digits
 * (targets.c, nontarget_match): the same drops,
 * so the same frames, over counts after a level or a name ("tổ 8 lớp",
 * "Đề án 06 lớp", "Kế hoạch 15 buổi": dropped), numbers on either side,
 * and the corpus. */
START_TEST(nontargets_near_digits) {
  static const char *const near[] = {"nontarget.place", "nontarget.level",
                                      "nontarget.name", "nontarget.date"};
  for (size_t k = 0; k < 4; k++) {
    const rule *r = rules_find(rules, near[k]);
    ck_assert_ptr_nonnull(r);
    ck_assert(r->facts.near_digit && r->by_first == (k == 3));
  }
  static const char plan[] =
      "KẾ HOẠCH\nCải cách hành chính năm 2026\nI. MỤC TIÊU\n"
      "- 100% dịch vụ công mức độ 4 được cung cấp; thôn 3 tổ chức 2 lớp "
      "tập huấn.\n"
      "- Triển khai Đề án 06 đạt 90% hồ sơ; tổ dân phố 12 có 01 mô hình "
      "điểm.\n"
      "- Tổ chức 3 cuộc đối thoại tại thôn 5, xóm 7 và tổ 8 lớp học.\n"
      "- Thực hiện Đề án 06 lớp học số; Kế hoạch 15 buổi.\n";
  char *near_only = same_frames_either_way(&targets_near_digits_off, plan);
  static const char *const kept[] = {"\"value\": 100,", "\"value\": 2,",
                                     "\"value\": 90,", "\"value\": 1,",
                                     "\"value\": 3,"};
  for (size_t k = 0; k < sizeof kept / sizeof *kept; k++)
    ck_assert_msg(strstr(near_only, kept[k]), "no %s", kept[k]);
  static const char *const dropped[] = {"\"value\": 8,", "\"value\": 6,",
                                        "\"value\": 15,", "\"value\": 4,",
                                        "\"value\": 12,"};
  for (size_t k = 0; k < sizeof dropped / sizeof *dropped; k++)
    ck_assert_msg(!strstr(near_only, dropped[k]), "%s", dropped[k]);
  free(near_only);
}
END_TEST

/* ---- tgt31: clause cuts tried where their first bytes stand ------------ */

/* A clause rule whose matches start with a few bytes that are no letter,
 * digit nor blank (clause.sentence: ".", "!", "?", the lead byte of "…")
 * is tried, anchored, where one of them stands (targets.c,
 * first_bytes_exec), not searched by PCRE2: the same cuts, so the same
 * frames, over sentence ends of each kind, a decimal point, an item
 * number opening a block, and the corpus. */
START_TEST(clause_cuts_by_first_bytes) {
  unsigned char b[4];
  const rule *sentence = rules_find(rules, "clause.sentence");
  const rule *opener = rules_find(rules, "clause.opener");
  ck_assert_ptr_nonnull(sentence);
  ck_assert_ptr_nonnull(opener);
  size_t nb = targets_first_bytes(sentence, b);
  ck_assert_uint_eq(nb, 4);
  ck_assert_ptr_nonnull(memchr(b, '.', nb));
  ck_assert_ptr_nonnull(memchr(b, 0xE2, nb)); /* "…" */
  ck_assert_uint_eq(targets_first_bytes(opener, b), 0); /* letters */
  static const char plan[] =
      "KẾ HOẠCH\nCải cách hành chính năm 2026\nI. MỤC TIÊU\n"
      "- Tỷ lệ hồ sơ đạt 90%. Tỷ lệ giao dịch đạt 80%! Có đạt 70% không? "
      "Tỷ lệ số hóa đạt 98.5% hồ sơ… Tỷ lệ hài lòng đạt 60%.\n"
      "3.2. 100% TTHC được rà soát. Tối thiểu 95% hồ sơ đúng hạn\n";
  char *tried = same_frames_either_way(&targets_first_bytes_off, plan);
  /* each sentence its own clause; "98.5" and "3.2." cut none */
  static const char *const texts[] = {
      "\"Tỷ lệ hồ sơ đạt 90%\"", "\"Tỷ lệ giao dịch đạt 80%\"",
      "\"Có đạt 70% không\"", "\"Tỷ lệ số hóa đạt 98.5% hồ sơ\"",
      "\"Tỷ lệ hài lòng đạt 60%\"", "\"100% TTHC được rà soát\""};
  for (size_t k = 0; k < sizeof texts / sizeof *texts; k++)
    ck_assert_msg(strstr(tried, texts[k]), "no clause %s", texts[k]);
  free(tried);
}
END_TEST

/* ---- tgt31: values read without strtod ----------------------------------- */

/* A value of ASCII digits with one separator at most is read as an integer
 * over a power of ten (targets.c, number): the same double strtod gives
 * for the decimal, over one and two decimals of every hundredth integer
 * part and counts grouped with a dot; a value with two separators is
 * read by strtod as before ("1.000.000" as a count). */
START_TEST(values_read_as_strtod_reads_them) {
  strbuf plan = STRBUF_INIT;
  strbuf_addstr(&plan, "KẾ HOẠCH\nCải cách hành chính năm 2026\nI. MỤC TIÊU\n");
  enum { VALUES = 2 * 100 * 10 + 2 };
  static char text[VALUES][32]; /* (room for any int: -O1 tells no range) */
  size_t nv = 0;
  for (int a = 0; a < 1000; a += 10)
    for (int d = 1; d < 100; d += 11) {
      snprintf(text[nv++], sizeof text[0], "%d.%d", a, d % 10);
      snprintf(text[nv++], sizeof text[0], "%d.%02d", a + 7, d);
    }
  for (size_t i = 0; i < nv; i++) {
    char comma[sizeof text[0]];
    memcpy(comma, text[i], sizeof comma);
    if (i % 2) *strchr(comma, '.') = ','; /* "98,5" as "98.5" */
    strbuf_addf(&plan, "- Tỷ lệ hồ sơ %zu đạt %s%%;\n", i, comma);
  }
  strbuf_addstr(&plan, "- Có ít nhất 1.000 hộ gia đình tham gia.\n"
                       "- Có ít nhất 1.000.000 lượt truy cập.\n");
  ck_assert(!plan.failed);
  doc d = extract(plan.buf);
  for (size_t i = 0; i < nv; i++) {
    const frame_target *t = tgt(&d, i);
    ck_assert_msg(t->value == strtod(text[i], NULL),
                  "%s read as %.17g, strtod %.17g", text[i], t->value,
                  strtod(text[i], NULL));
  }
  ck_assert(tgt(&d, nv)->value == 1000.0);
  ck_assert(tgt(&d, nv + 1)->value == 1000000.0);
  ck_assert_uint_eq(d.f->ntargets, nv + 2);
  done(&d);
  strbuf_release(&plan);
}
END_TEST

int main(void) {
  Suite *s = suite_create("extract_targets");
  TCase *tc = tcase_create("sentences");
  tcase_add_checked_fixture(tc, load_rules, free_rules);
  tcase_set_timeout(tc, 30);
  tcase_add_test(tc, comparator_min);
  tcase_add_test(tc, comparator_min_forms);
  tcase_add_test(tc, comparator_more);
  tcase_add_test(tc, comparator_max);
  tcase_add_test(tc, comparator_words_in_a_block);
  tcase_add_test(tc, comparator_range);
  tcase_add_test(tc, comparator_eq);
  tcase_add_test(tc, decimal_comma);
  tcase_add_test(tc, span_across_line_break);
  tcase_add_test(tc, counts);
  tcase_add_test(tc, two_in_one_sentence);
  tcase_add_test(tc, clause_cuts_up_to_the_last_target);
  tcase_add_test(tc, not_citations_dates_names);
  tcase_add_test(tc, not_descriptive_counts);
  tcase_add_test(tc, not_levels_after_a_number_dropped_twice);
  tcase_add_test(tc, not_achieved_at_any_alignment);
  tcase_add_test(tc, not_dates_in_digits_beyond_ascii);
  tcase_add_test(tc, not_windows_sections);
  tcase_add_test(tc, not_conditions);
  tcase_add_test(tc, typos);
  tcase_add_test(tc, repeated_clauses_keep_their_indicators);
  tcase_add_test(tc, repeated_clauses_keep_their_subjects);
  tcase_add_test(tc, area_from_section_or_indicator);
  tcase_add_test(tc, scattered_appendix_table);
  tcase_add_test(tc, empty_and_plain_texts);
  tcase_add_test(tc, joins_read_when_asked);
  tcase_add_test(tc, short_blocks_known_empty_by_their_bytes);
  tcase_add_test(tc, nontarget_at_block_start_only);
  tcase_add_test(tc, title_area_read_when_a_target_asks);
  tcase_add_test(tc, values_read_as_strtod_reads_them);
  suite_add_tcase(s, tc);
  TCase *tcr = tcase_create("rewritten");
  tcase_add_checked_fixture(tcr, load_rules, free_rules);
  tcase_set_timeout(tcr, 300);
  tcase_add_test(tcr, rewritten_patterns_match_as_before);
  tcase_add_test(tcr, byte_pairs_tell_absent_literals);
  tcase_add_test(tcr, pair_marks_wrap);
  tcase_add_test(tcr, gates_hold_where_their_rules_match);
  suite_add_tcase(s, tcr);
  TCase *tcc = tcase_create("corpus");
  tcase_add_checked_fixture(tcc, load_rules, free_rules);
  tcase_set_timeout(tcc, 120);
  tcase_add_test(tcc, corpus_against_gold);
  tcase_add_test(tcc, joins_read_when_asked_corpus);
  tcase_add_test(tcc, cell_facts_kept_by_text);
  tcase_add_test(tcc, joins_kept_by_text);
  tcase_add_test(tcc, block_literals_told_by_their_words);
  tcase_add_test(tcc, heading_areas_by_words);
  tcase_add_test(tcc, lit_places_numbered_on_across_plans);
  tcase_add_test(tcc, clause_cuts_by_first_bytes);
  tcase_add_test(tcc, nontargets_near_digits);
  tcase_add_test(tcc, scattered_items_read_by_zone);
  suite_add_tcase(s, tcc);
  return harness_run(s);
}
