/* test_extract_meta.c: document metadata and citations.  Small hand-written
 * plans (a header in capitals, Căn cứ / Thực hiện lines, footnotes, lists
 * of numbers, a decision that issues a plan, half years and spans of
 * years) with exact values and spans in the original bytes; every corpus
 * file against its gold annotation; and a malformed meta rules file. */
#define _GNU_SOURCE
#include "harness.h"

#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>

#include "../extract/extract.h"
#include "../extract/frame.h"
#include "../extract/rules.h"
#include "rewrites.h"

/* ---- fixture: the shipped rules ----------------------------------------- */

static cchc_rules *rules;

static void load_rules(void) { rules = harness_rules(); }
static void free_rules(void) { harness_free_rules(); }

/* ---- one document ----------------------------------------------------- */

typedef struct doc {
  const char *src;
  size_t len;
  cchc_frame *f;
} doc;

static void extract(doc *d, const char *src, size_t len) {
  d->src = src;
  d->len = len;
  d->f = harness_process(rules, src, len);
}

static void release(doc *d) {
  cchc_frame_free(d->f);
}

/* The original bytes of a span. */
static char *span_text(const doc *d, frame_span sp) {
  ck_assert_uint_le(sp.start, sp.end);
  ck_assert_uint_le(sp.end, d->len);
  return strndup(d->src + sp.start, sp.end - sp.start);
}

/* A field: its value, the original text of its span, and a rule of group
 * `group` ("meta.", "ref.") that found it.  value NULL: unknown. */
static void check_field(const doc *d, const char *name, const frame_field *fd,
                        const char *value, const char *text,
                        const char *group) {
  if (!value) {
    ck_assert_msg(fd->value == NULL, "%s: expected null, got '%s'", name,
                  fd->value);
    return;
  }
  ck_assert_msg(fd->value && !strcmp(fd->value, value),
                "%s: expected '%s', got '%s'", name, value,
                fd->value ? fd->value : "(null)");
  char *t = span_text(d, fd->span);
  ck_assert_msg(!strcmp(t, text), "%s: span text '%s', expected '%s'", name,
                t, text);
  free(t);
  ck_assert_msg(fd->rule && !strncmp(fd->rule, group, strlen(group)),
                "%s: rule '%s' is not of group %s", name,
                fd->rule ? fd->rule : "(null)", group);
}

static const frame_reference *find_ref(const doc *d, const char *number) {
  for (size_t i = 0; i < d->f->nreferences; i++)
    if (!strcmp(d->f->references[i].number, number))
      return &d->f->references[i];
  return NULL;
}

static void check_ref(const doc *d, const char *number, const char *kind,
                      const char *date, const char *issuer, const char *text,
                      size_t mentions) {
  const frame_reference *r = find_ref(d, number);
  ck_assert_msg(r != NULL, "no reference %s", number);
  ck_assert_str_eq(r->kind, kind);
  if (date) ck_assert_pstr_eq(r->date, date);
  else ck_assert_msg(r->date == NULL, "%s: date %s", number, r->date);
  if (issuer) ck_assert_pstr_eq(r->issuer, issuer);
  else ck_assert_msg(r->issuer == NULL, "%s: issuer %s", number, r->issuer);
  char *t = span_text(d, r->span);
  ck_assert_msg(!strcmp(t, text), "%s: span text '%s', expected '%s'", number,
                t, text);
  free(t);
  ck_assert_uint_eq(r->nmentions, mentions);
  ck_assert_uint_eq(r->mentions[0].start, r->span.start);
  ck_assert_ptr_nonnull(r->rule);
  ck_assert_int_eq(strncmp(r->rule, "ref.", 4), 0);
}

/* ---- hand-written plans ------------------------------------------------- */

/* A commune plan with its header, a half year, Căn cứ and Thực hiện lines,
 * a list of telegrams, a list of decisions with their dates, the plan's
 * own number cited in the body, and a deputy's signature. */
static const char plan_half[] =
    "ỦY BAN NHÂN DÂN\n"
    "XÃ TÂN PHÚ\n"
    "Số: 15/KH-UBND\n"
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
    "Độc lập - Tự do - Hạnh phúc\n"
    "Tân Phú, ngày 05 tháng 7 năm 2025\n"
    "\n"
    "KẾ HOẠCH\n"
    "Cải cách hành chính sáu tháng cuối năm 2025\n"
    "\n"
    "Căn cứ Nghị quyết số 76/NQ-CP ngày 15 tháng 7 năm 2021 của Chính phủ "
    "về Chương trình tổng thể cải cách hành chính nhà nước giai đoạn "
    "2021-2030;\n"
    "\n"
    "Thực hiện Kế hoạch số 228/KH-UBND ngày 25/01/2025 của UBND tỉnh Đồng "
    "Nai về cải cách hành chính năm 2025;\n"
    "\n"
    "I. MỤC ĐÍCH, YÊU CẦU\n"
    "1. Mục đích\n"
    "- Thực hiện Công điện số 280/CĐ-TTg và 968/CĐ-TTg của Thủ tướng Chính "
    "phủ.\n"
    "- Triển khai các Quyết định số: 12/QĐ-UBND ngày 01/02/2020, "
    "13/QĐ-UBND ngày 02/3/2020 của UBND tỉnh.\n"
    "- Các phòng thực hiện Kế hoạch số 15/KH-UBND này; quán triệt Nghị quyết "
    "76/NQ-CP.\n"
    "\n"
    "KT. CHỦ TỊCH\n"
    "PHÓ CHỦ TỊCH\n"
    "Nguyễn Văn An\n";

START_TEST(plan_with_header_and_half_year) {
  doc d;
  extract(&d, plan_half, strlen(plan_half));
  const frame_document *m = &d.f->document;
  check_field(&d, "kind", &m->kind, "ke_hoach", "KẾ HOẠCH", "meta.");
  check_field(&d, "level", &m->level, "commune", "XÃ TÂN PHÚ", "meta.");
  check_field(&d, "place", &m->place, "Tân Phú", "TÂN PHÚ", "meta.");
  check_field(&d, "province", &m->province, "Đồng Nai", "Đồng Nai",
              "meta.");
  check_field(&d, "year", &m->year, "2025", "2025", "meta.");
  check_field(&d, "period_start", &m->period_start, "2025-07-01",
              "sáu tháng cuối năm 2025", "meta.");
  check_field(&d, "period_end", &m->period_end, "2025-12-31",
              "sáu tháng cuối năm 2025", "meta.");
  check_field(&d, "number", &m->number, "15/KH-UBND", "15/KH-UBND", "meta.");
  check_field(&d, "date", &m->date, "2025-07-05", "ngày 05 tháng 7 năm 2025",
              "meta.");
  check_field(&d, "title", &m->title,
              "KẾ HOẠCH Cải cách hành chính sáu tháng cuối năm 2025",
              "KẾ HOẠCH\nCải cách hành chính sáu tháng cuối năm 2025",
              "meta.");
  check_field(&d, "signer", &m->signer, "Nguyễn Văn An", "Nguyễn Văn An",
              "meta.");
  check_field(&d, "parent_number", &m->parent_number, "228/KH-UBND",
              "228/KH-UBND", "meta.parent.");
  check_field(&d, "parent_date", &m->parent_date, "2025-01-25", "25/01/2025",
              "ref.");

  ck_assert_uint_eq(d.f->nreferences, 6);
  check_ref(&d, "76/NQ-CP", "nghi_quyet", "2021-07-15", "Chính phủ",
            "Nghị quyết số 76/NQ-CP", 2);
  check_ref(&d, "228/KH-UBND", "ke_hoach", "2025-01-25", "UBND tỉnh Đồng Nai",
            "Kế hoạch số 228/KH-UBND", 1);
  check_ref(&d, "280/CĐ-TTg", "cong_dien", NULL, "Thủ tướng Chính phủ",
            "Công điện số 280/CĐ-TTg", 1);
  check_ref(&d, "968/CĐ-TTg", "cong_dien", NULL, "Thủ tướng Chính phủ",
            "968/CĐ-TTg", 1);
  check_ref(&d, "12/QĐ-UBND", "quyet_dinh", "2020-02-01", "UBND tỉnh",
            "Quyết định số: 12/QĐ-UBND", 1);
  check_ref(&d, "13/QĐ-UBND", "quyet_dinh", "2020-03-02", "UBND tỉnh",
            "13/QĐ-UBND", 1);
  /* The plan's own number is not a citation. */
  ck_assert_ptr_null(find_ref(&d, "15/KH-UBND"));
  /* The second mention of 76/NQ-CP, without "số". */
  const frame_reference *r = find_ref(&d, "76/NQ-CP");
  char *t = span_text(&d, r->mentions[1]);
  ck_assert_str_eq(t, "Nghị quyết 76/NQ-CP");
  free(t);
  release(&d);
}
END_TEST

/* meta.c keeps a match aside while other searches run and puts it back
 * without searching again (kept_match): the last of two signatures and of
 * two header bodies (pick=last), and the earliest of two periods in the
 * title, found by a rule later in file order (meta.period.year after
 * meta.period.span), keep their own groups and spans. */
static const char plan_two_of_each[] =
    "ỦY BAN NHÂN DÂN HUYỆN ĐỊNH HÓA\n"
    "ỦY BAN NHÂN DÂN\n"
    "XÃ PHÚ ĐÌNH\n"
    "Số: 21/KH-UBND\n"
    "Phú Đình, ngày 08 tháng 01 năm 2026\n"
    "KẾ HOẠCH\n"
    "Chuyển đổi số năm 2026 và định hướng giai đoạn 2026-2030\n"
    "I. MỤC TIÊU\n"
    "1. Mục tiêu chung\n"
    "Hoàn thành các nhiệm vụ đã giao.\n"
    "TM. ỦY BAN NHÂN DÂN\n"
    "CHỦ TỊCH\n"
    "Trần Văn Bình\n"
    "Nơi nhận: như trên.\n"
    "KT. CHỦ TỊCH\n"
    "PHÓ CHỦ TỊCH\n"
    "Nguyễn Thị Lan\n";

START_TEST(kept_matches_are_the_last_and_the_earliest) {
  doc d;
  extract(&d, plan_two_of_each, strlen(plan_two_of_each));
  const frame_document *m = &d.f->document;
  check_field(&d, "signer", &m->signer, "Nguyễn Thị Lan", "Nguyễn Thị Lan",
              "meta.");
  check_field(&d, "place", &m->place, "Phú Đình", "PHÚ ĐÌNH", "meta.");
  check_field(&d, "level", &m->level, "commune", "XÃ PHÚ ĐÌNH", "meta.");
  check_field(&d, "year", &m->year, "2026", "2026", "meta.");
  check_field(&d, "period_start", &m->period_start, "2026-01-01", "năm 2026",
              "meta.period.year");
  check_field(&d, "period_end", &m->period_end, "2026-12-31", "năm 2026",
              "meta.period.year");
  release(&d);
}
END_TEST

/* The parent is chosen by the sum of the cues, and a mention whose score
 * can no longer reach the bar is not asked the cues left (refs.c,
 * cue_rests): here the parent reaches it, 2 + 3, only by the last cue
 * with a weight above 0 (meta.parent.same_subject, the title's subject);
 * the mention before it, which no cue can bring there, is not chosen. */
static const char plan_parent_by_last_cue[] =
    "ỦY BAN NHÂN DÂN\n"
    "XÃ AN HÒA\n"
    "Số: 09/KH-UBND\n"
    "An Hòa, ngày 10 tháng 02 năm 2026\n"
    "KẾ HOẠCH\n"
    "Phát triển du lịch cộng đồng bền vững trên địa bàn xã\n"
    "Căn cứ Luật Du lịch số 09/2017/QH14 ngày 19 tháng 6 năm 2017;\n"
    "Căn cứ Quyết định số 55/QĐ-UBND ngày 01/3/2025 của UBND huyện về ban "
    "hành Đề án phát triển du lịch cộng đồng bền vững trên địa bàn huyện;\n"
    "I. MỤC ĐÍCH\n"
    "1. Mục đích\n"
    "Khai thác tiềm năng du lịch của xã.\n";

START_TEST(parent_reached_by_the_last_cue) {
  doc d;
  extract(&d, plan_parent_by_last_cue, strlen(plan_parent_by_last_cue));
  const frame_document *m = &d.f->document;
  check_field(&d, "parent_number", &m->parent_number, "55/QĐ-UBND",
              "55/QĐ-UBND", "meta.parent.same_subject");
  check_field(&d, "parent_date", &m->parent_date, "2025-03-01", "01/3/2025",
              "ref.");
  release(&d);
}
END_TEST

/* A heading's area, named by a word that is not the first of its rule's
 * clause (sections.c reads a rule's words when first looked for,
 * area_word_read): "một cửa" and "TTHC" (tthc), "công chức" (cong_vu),
 * "tuyên tuyền" (tuyen_truyen), in capitals and not; the first word a
 * heading holds names it ("ISO" before "thể chế").  "CÔNG VỤ" in
 * capitals is found as "công vụ" folded (sections.c folds the letters of
 * Vietnamese by its tables, fold_known). */
static const char plan_areas_by_later_words[] =
    "KẾ HOẠCH\n"
    "Cải cách hành chính năm 2026\n"
    "I. NHIỆM VỤ\n"
    "1. Thực hiện cơ chế MỘT CỬA, một cửa liên thông\n"
    "2. Nâng cao chất lượng đội ngũ công chức\n"
    "3. Đẩy mạnh công tác tuyên tuyền\n"
    "4. Rà soát TTHC\n"
    "5. Áp dụng ISO trong cải cách thể chế\n"
    "6. NÂNG CAO CHẤT LƯỢNG CÔNG VỤ\n"
    "7. Nội dung khác\n";

START_TEST(heading_areas_by_later_words) {
  doc d;
  extract(&d, plan_areas_by_later_words, strlen(plan_areas_by_later_words));
  static const char *const want[] = {
      NULL, "tthc", "cong_vu", "tuyen_truyen", "tthc", "iso", "cong_vu", NULL};
  ck_assert_uint_eq(d.f->nsections, sizeof want / sizeof *want);
  for (size_t i = 0; i < d.f->nsections; i++) {
    const char *got = d.f->sections[i].area;
    ck_assert_msg(want[i] ? got && !strcmp(got, want[i]) : !got,
                  "section %zu (%s): area %s, want %s", i,
                  d.f->sections[i].heading, got ? got : "none",
                  want[i] ? want[i] : "none");
  }
  release(&d);
}
END_TEST

/* A ward's decision that issues a plan for a span of years; the plan is
 * attached with its own title; a footnote cites a decision; the parent is
 * the province's programme for the same period, cited under "Căn cứ". */
static const char decision[] =
    "ỦY BAN NHÂN DÂN\n"
    "PHƯỜNG AN BÌNH\n"
    "Số: 07/QĐ-UBND\n"
    "An Bình, ngày 20 tháng 01 năm 2026\n"
    "QUYẾT ĐỊNH\n"
    "Ban hành Kế hoạch cải cách hành chính giai đoạn 2026-2030\n"
    "CHỦ TỊCH ỦY BAN NHÂN DÂN PHƯỜNG AN BÌNH\n"
    "Căn cứ Luật Tổ chức chính quyền địa phương ngày 16 tháng 6 năm 2025;\n"
    "Căn cứ Nghị quyết 66-NQ/TW ngày 30/4/2025 của Bộ Chính trị về đổi mới "
    "công tác xây dựng và thi hành pháp luật;\n"
    "Căn cứ Quyết định số 2347/QĐ-UBND ngày 17/12/2025 của UBND tỉnh Thái "
    "Nguyên ban hành Chương trình cải cách hành chính nhà nước tỉnh Thái "
    "Nguyên giai đoạn 2026-2030;\n"
    "QUYẾT ĐỊNH:\n"
    "Điều 1. Ban hành kèm theo Quyết định này Kế hoạch cải cách hành chính "
    "phường An Bình giai đoạn 2026-2030.\n"
    "Điều 2. Quyết định này có hiệu lực kể từ ngày ký.\n"
    "TM. ỦY BAN NHÂN DÂN\n"
    "CHỦ TỊCH\n"
    "Lê Thị Hoa\n"
    "KẾ HOẠCH\n"
    "Cải cách hành chính phường An Bình giai đoạn 2026-2030\n"
    "(Ban hành kèm theo Quyết định số 07/QĐ-UBND ngày 20/01/2026 của Chủ "
    "tịch UBND phường An Bình)\n"
    "I. MỤC TIÊU\n"
    "1. Triển khai Nghị quyết số 66-NQ/TW của Bộ Chính trị và Chương trình "
    "tổng thể của phường1.\n"
    "1\n"
    "Quyết định số 157/QĐ-UBND ngày 31/12/2021 về việc ban hành Chương "
    "trình tổng thể cải cách hành chính nhà nước trên địa bàn phường giai "
    "đoạn 2021-2030.\n";

START_TEST(decision_issuing_a_plan_for_years) {
  doc d;
  extract(&d, decision, strlen(decision));
  const frame_document *m = &d.f->document;
  check_field(&d, "kind", &m->kind, "quyet_dinh", "QUYẾT ĐỊNH", "meta.");
  check_field(&d, "level", &m->level, "ward", "PHƯỜNG AN BÌNH", "meta.");
  check_field(&d, "place", &m->place, "An Bình", "AN BÌNH", "meta.");
  check_field(&d, "province", &m->province, "Thái Nguyên", "Thái Nguyên",
              "meta.");
  check_field(&d, "year", &m->year, "2026", "2026", "meta.");
  check_field(&d, "period_start", &m->period_start, "2026-01-01",
              "giai đoạn 2026-2030", "meta.");
  check_field(&d, "period_end", &m->period_end, "2030-12-31",
              "giai đoạn 2026-2030", "meta.");
  check_field(&d, "number", &m->number, "07/QĐ-UBND", "07/QĐ-UBND", "meta.");
  check_field(&d, "date", &m->date, "2026-01-20", "ngày 20 tháng 01 năm 2026",
              "meta.");
  check_field(&d, "title", &m->title,
              "KẾ HOẠCH Cải cách hành chính phường An Bình giai đoạn "
              "2026-2030",
              "KẾ HOẠCH\nCải cách hành chính phường An Bình giai đoạn "
              "2026-2030",
              "meta.");
  check_field(&d, "signer", &m->signer, "Lê Thị Hoa", "Lê Thị Hoa", "meta.");
  check_field(&d, "parent_number", &m->parent_number, "2347/QĐ-UBND",
              "2347/QĐ-UBND", "meta.parent.");
  check_field(&d, "parent_date", &m->parent_date, "2025-12-17", "17/12/2025",
              "ref.");

  ck_assert_uint_eq(d.f->nreferences, 3);
  check_ref(&d, "66-NQ/TW", "nghi_quyet", "2025-04-30", "Bộ Chính trị",
            "Nghị quyết 66-NQ/TW", 2);
  check_ref(&d, "2347/QĐ-UBND", "quyet_dinh", "2025-12-17",
            "UBND tỉnh Thái Nguyên", "Quyết định số 2347/QĐ-UBND", 1);
  check_ref(&d, "157/QĐ-UBND", "quyet_dinh", "2021-12-31", NULL,
            "Quyết định số 157/QĐ-UBND", 1);
  /* Its own number, printed in the header and under the plan's title. */
  ck_assert_ptr_null(find_ref(&d, "07/QĐ-UBND"));
  release(&d);
}
END_TEST

/* No header: the body is the subject of the preamble's last sentence; a
 * blank number and a blank day give null; the parent is the programme the
 * plan carries out; a directive cited without "số". */
static const char plan_no_header[] =
    "Số: /KH-UBND\n"
    "Bình Minh, ngày    tháng 12 năm 2025\n"
    "KẾ HOẠCH\n"
    "Triển khai thực hiện Chương trình hành động của Đảng ủy xã về chuyển "
    "đổi số năm 2026\n"
    "Căn cứ Chỉ thị 23/CT-TTg ngày 02/9/2021 của Thủ tướng Chính phủ về "
    "việc đẩy mạnh cải cách hành chính;\n"
    "Thực hiện Chương trình hành động số 07-CTr/ĐU ngày 01/12/2025 của Ban "
    "Chấp hành Đảng bộ xã khóa I về đẩy mạnh chuyển đổi số năm 2026;\n"
    "Ủy ban nhân dân xã Bình Minh xây dựng Kế hoạch triển khai thực hiện "
    "như sau:\n"
    "I. MỤC TIÊU\n"
    "- Triển khai Kế hoạch số 12/KH-UBND (Kế hoạch 12/KH-UBND của UBND "
    "tỉnh Đồng Nai).\n"
    "- Cụ thể hóa Chương trình hành động số 07-CTr/ĐU ngày 01/12/2025.\n"
    "CHỦ TỊCH\n";

START_TEST(plan_without_header) {
  doc d;
  extract(&d, plan_no_header, strlen(plan_no_header));
  const frame_document *m = &d.f->document;
  check_field(&d, "kind", &m->kind, "ke_hoach", "KẾ HOẠCH", "meta.");
  check_field(&d, "level", &m->level, "commune", "xã Bình Minh", "meta.");
  check_field(&d, "place", &m->place, "Bình Minh", "Bình Minh", "meta.");
  check_field(&d, "province", &m->province, "Đồng Nai", "Đồng Nai", "meta.");
  check_field(&d, "year", &m->year, "2026", "2026", "meta.");
  check_field(&d, "period_start", &m->period_start, "2026-01-01", "năm 2026",
              "meta.");
  check_field(&d, "number", &m->number, NULL, NULL, NULL);
  check_field(&d, "date", &m->date, NULL, NULL, NULL);
  check_field(&d, "signer", &m->signer, NULL, NULL, NULL);
  check_field(&d, "parent_number", &m->parent_number, "07-CTr/ĐU",
              "07-CTr/ĐU", "meta.parent.");
  check_field(&d, "parent_date", &m->parent_date, "2025-12-01", "01/12/2025",
              "ref.");
  ck_assert_uint_eq(d.f->nreferences, 3);
  check_ref(&d, "23/CT-TTg", "chi_thi", "2021-09-02", "Thủ tướng Chính phủ",
            "Chỉ thị 23/CT-TTg", 1);
  check_ref(&d, "07-CTr/ĐU", "chuong_trinh", "2025-12-01",
            "Ban Chấp hành Đảng bộ xã khóa I",
            "Chương trình hành động số 07-CTr/ĐU", 2);
  check_ref(&d, "12/KH-UBND", "ke_hoach", NULL, "UBND tỉnh Đồng Nai",
            "Kế hoạch số 12/KH-UBND", 2);
  release(&d);
}
END_TEST

/* A name printed only in capitals is title-cased; without a plan that
 * the text carries out or that covers its period there is no parent. */
static const char caps_only[] =
    "UBND XÃ HÒA BÌNH\n"
    "KẾ HOẠCH\n"
    "Cải cách hành chính năm 2026\n"
    "Căn cứ Nghị định số 118/2025/NĐ-CP ngày 09/6/2025 của Chính phủ về "
    "thực hiện thủ tục hành chính theo cơ chế một cửa;\n"
    "I. MỤC TIÊU\n"
    "- Hoàn thành các chỉ tiêu theo 118/2025/NĐ-CP.\n";

START_TEST(capitals_and_no_parent) {
  doc d;
  extract(&d, caps_only, strlen(caps_only));
  const frame_document *m = &d.f->document;
  check_field(&d, "place", &m->place, "Hòa Bình", "HÒA BÌNH", "meta.");
  check_field(&d, "level", &m->level, "commune", "XÃ HÒA BÌNH", "meta.");
  check_field(&d, "province", &m->province, NULL, NULL, NULL);
  check_field(&d, "parent_number", &m->parent_number, NULL, NULL, NULL);
  ck_assert_uint_eq(d.f->nreferences, 1);
  /* The bare number is a second mention. */
  check_ref(&d, "118/2025/NĐ-CP", "nghi_dinh", "2025-06-09", "Chính phủ",
            "Nghị định số 118/2025/NĐ-CP", 2);
  release(&d);
}
END_TEST

/* A place printed in capitals takes its spelling from the text, however
 * far on it is printed in mixed case (meta.c: spelling, searched by the
 * interpreter in a plan and by JIT code in a text of a MiB or more): here
 * "Xuân lộc", which the title case ("Xuân Lộc") would not give. */
static void spelled_far_on(size_t filler_lines) {
  const char *head = "UBND XÃ XUÂN LỘC\nKẾ HOẠCH\nCải cách hành chính năm "
                     "2026\nI. MỤC TIÊU\n";
  const char *filler = "- Rà soát thủ tục hành chính của các bộ phận.\n";
  const char *tail = "- Giao Văn phòng xã Xuân lộc theo dõi.\n";
  size_t hn = strlen(head), fn = strlen(filler), tn = strlen(tail);
  size_t n = hn + filler_lines * fn + tn;
  char *text = malloc(n + 1);
  ck_assert_ptr_nonnull(text);
  memcpy(text, head, hn);
  for (size_t i = 0; i < filler_lines; i++) memcpy(text + hn + i * fn, filler, fn);
  memcpy(text + n - tn, tail, tn + 1);
  doc d;
  extract(&d, text, n);
  check_field(&d, "place", &d.f->document.place, "Xuân lộc", "XUÂN LỘC",
              "meta.");
  release(&d);
  free(text);
}

START_TEST(capitals_spelled_as_printed_far_on) {
  spelled_far_on(10);
  spelled_far_on((1u << 20) / 40); /* past SPELLING_JIT_TEXT */
}
END_TEST

/* ---- the ways plans are published --------------------------------------- */

/* An expected document field: its value, the original text of its span
 * and the group of the rule that found it (value NULL: unknown). */
typedef struct want {
  const char *field, *value, *text, *group;
} want;

enum { MAX_WANTS = 12 };

/* A plan as published, in wordings of our own, and what its header says. */
typedef struct published {
  const char *text;
  want wants[MAX_WANTS];
} published;

static const frame_field *field_named(const frame_document *m,
                                      const char *name) {
  static const struct {
    const char *name;
    size_t off;
  } fields[] = {
      {"kind", offsetof(frame_document, kind)},
      {"level", offsetof(frame_document, level)},
      {"place", offsetof(frame_document, place)},
      {"province", offsetof(frame_document, province)},
      {"year", offsetof(frame_document, year)},
      {"period_start", offsetof(frame_document, period_start)},
      {"period_end", offsetof(frame_document, period_end)},
      {"number", offsetof(frame_document, number)},
      {"date", offsetof(frame_document, date)},
      {"title", offsetof(frame_document, title)},
      {"signer", offsetof(frame_document, signer)},
      {"parent_number", offsetof(frame_document, parent_number)},
      {"parent_date", offsetof(frame_document, parent_date)},
  };
  for (size_t i = 0; i < sizeof fields / sizeof *fields; i++)
    if (!strcmp(fields[i].name, name))
      return (const frame_field *)((const char *)m + fields[i].off);
  ck_abort_msg("no document field %s", name);
  return NULL;
}

static const published forms[] = {
    /* The two header columns merged into one line by a PDF or a crawl,
     * with the motto, number, date and title word; the plan covers the
     * year after the one it was signed in. */
    {"ỦY BAN NHÂN DÂN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM XÃ PHÚ LỘC Độc lập "
     "- Tự do - Hạnh phúc Số: 04/KH-UBND Phú Lộc, ngày 29 tháng 12 năm 2025 "
     "KẾ HOẠCH Chuyển đổi số năm 2026\n"
     "Căn cứ Luật Dữ liệu ngày 30 tháng 11 năm 2024;\n"
     "I. MỤC TIÊU\n"
     "- Tăng cường ứng dụng nền tảng số.\n",
     {{"kind", "ke_hoach", "KẾ HOẠCH", "meta."},
      {"level", "commune", "XÃ PHÚ LỘC", "meta."},
      {"place", "Phú Lộc", "PHÚ LỘC", "meta."},
      {"number", "04/KH-UBND", "04/KH-UBND", "meta."},
      {"date", "2025-12-29", "ngày 29 tháng 12 năm 2025", "meta."},
      {"year", "2026", "2026", "meta."},
      {"period_start", "2026-01-01", "năm 2026", "meta."},
      {"period_end", "2026-12-31", "năm 2026", "meta."}}},
    /* No header: a page that reports the decision issuing the plan. */
    {"Ngày 03/3/2025, Ủy ban nhân dân phường Tân An đã ban hành Quyết định "
     "số 41/QĐ-UBND về việc ban hành Kế hoạch chuyển đổi số năm 2025 trên "
     "địa bàn phường.\n"
     "Theo đó, phường đặt mục tiêu như sau.\n"
     "1. Mục tiêu\n"
     "- 100% hồ sơ được số hóa.\n",
     {{"kind", "quyet_dinh", "Quyết định", "meta."},
      {"level", "ward", "phường Tân An", "meta."},
      {"place", "Tân An", "Tân An", "meta."},
      {"number", "41/QĐ-UBND", "41/QĐ-UBND", "meta."},
      {"date", "2025-03-03", "Ngày 03/3/2025", "meta."},
      {"year", "2025", "2025", "meta."}}},
    /* No header: only the sentence that ends the preamble names the body;
     * the parent's number is glued to the next word by a crawl. */
    {"Thực hiện Kế hoạch số 45/KH-UBNDngày 12/3/2026 của UBND huyện Lục Ngạn "
     "về chuyển đổi số năm 2026;\n"
     "UBND xã Phước An ban hành Kế hoạch thực hiện chuyển đổi số năm 2026 "
     "như sau:\n"
     "I. MỤC ĐÍCH\n"
     "- Nâng cao nhận thức.\n",
     {{"kind", "ke_hoach", "Kế hoạch", "meta."},
      {"level", "commune", "xã Phước An", "meta."},
      {"place", "Phước An", "Phước An", "meta."},
      {"year", "2026", "2026", "meta."},
      {"parent_number", "45/KH-UBND", "45/KH-UBND", "meta.parent."},
      {"parent_date", "2026-03-12", "12/3/2026", "ref."}}},
    /* A legal portal's metadata table above the text: labels in one row,
     * values in the next. */
    {"| Số hiệu | Loại văn bản | Ngày ban hành | Cơ quan ban hành | Người ký "
     "|\n"
     "|---|---|---|---|---|\n"
     "| 31/KH-UBND | Kế hoạch | 03/02/2026 | UBND tỉnh Sơn La | Lò Văn Hùng "
     "|\n"
     "Chuyển đổi số trong các cơ quan nhà nước năm 2026\n"
     "I. MỤC TIÊU\n"
     "- 90% văn bản được ký số.\n",
     {{"kind", "ke_hoach", "Kế hoạch", "meta.cell."},
      {"number", "31/KH-UBND", "31/KH-UBND", "meta.cell."},
      {"date", "2026-02-03", "03/02/2026", "meta.cell."},
      {"level", "province", "tỉnh Sơn La", "meta."},
      {"place", "Sơn La", "Sơn La", "meta.cell."},
      {"province", "Sơn La", "Sơn La", "meta."},
      {"signer", "Lò Văn Hùng", "Lò Văn Hùng", "meta.cell."},
      {"year", "2026", "2026", "meta."}}},
    /* The same attributes as "label: value" lines; no period stated: the
     * year of issue, period unknown. */
    {"Số hiệu: 2010/QĐ-TTg Loại văn bản: Quyết định\n"
     "Nơi ban hành: Thủ tướng Chính phủ Người ký: Trần Hồng Minh\n"
     "Ngày ban hành: 15/10/2025\n"
     "Về việc ban hành Kế hoạch thực hiện Đề án dữ liệu dân cư\n"
     "Điều 1. Ban hành kèm theo Quyết định này Kế hoạch.\n",
     {{"kind", "quyet_dinh", "Quyết định", "meta."},
      {"number", "2010/QĐ-TTg", "2010/QĐ-TTg", "meta."},
      {"date", "2025-10-15", "15/10/2025", "meta."},
      {"level", "ministry", "Thủ tướng Chính phủ", "meta."},
      {"place", "Thủ tướng Chính phủ", "Thủ tướng Chính phủ", "meta."},
      {"signer", "Trần Hồng Minh", "Trần Hồng Minh", "meta."},
      {"year", "2025", "2025", "meta."},
      {"period_start", NULL, NULL, NULL}}},
    /* A decision of the Prime Minister: the body wrapped in the header, a
     * title in capitals over two lines without a period; the objectives'
     * horizons give it, from the year of issue (not the vision beyond
     * them); a law cited is never the parent. */
    {"THỦ TƯỚNG\n"
     "CHÍNH PHỦ\n"
     "-------\n"
     "Số: 1880/QĐ-TTg\n"
     "Hà Nội, ngày 14 tháng 10 năm 2025\n"
     "QUYẾT ĐỊNH\n"
     "PHÊ DUYỆT ĐỀ ÁN SỐ HÓA HỒ SƠ\n"
     "ĐĂNG KÝ ĐẤT ĐAI\n"
     "THỦ TƯỚNG CHÍNH PHỦ\n"
     "Căn cứ Luật Đất đai số 31/2024/QH15 ngày 18 tháng 01 năm 2024;\n"
     "QUYẾT ĐỊNH:\n"
     "Điều 1. Phê duyệt Đề án với những nội dung sau:\n"
     "I. MỤC TIÊU\n"
     "a) Đến năm 2027: 60% hồ sơ được số hóa.\n"
     "b) Đến hết năm 2029: 100% hồ sơ được số hóa.\n"
     "c) Tầm nhìn đến năm 2040: dữ liệu đất đai dùng chung.\n"
     "THỦ TƯỚNG\n"
     "Nguyễn Văn Bình\n",
     {{"kind", "quyet_dinh", "QUYẾT ĐỊNH", "meta."},
      {"level", "ministry", "THỦ TƯỚNG\nCHÍNH PHỦ", "meta."},
      {"place", "Thủ tướng Chính phủ", "THỦ TƯỚNG\nCHÍNH PHỦ", "meta."},
      {"province", NULL, NULL, NULL},
      {"title", "QUYẾT ĐỊNH PHÊ DUYỆT ĐỀ ÁN SỐ HÓA HỒ SƠ ĐĂNG KÝ ĐẤT ĐAI",
       "QUYẾT ĐỊNH\nPHÊ DUYỆT ĐỀ ÁN SỐ HÓA HỒ SƠ\nĐĂNG KÝ ĐẤT ĐAI", "meta."},
      {"year", "2025", "2025", "meta."},
      {"period_start", "2025-01-01", "Đến hết năm 2029", "meta."},
      {"period_end", "2029-12-31", "Đến hết năm 2029", "meta."},
      {"signer", "Nguyễn Văn Bình", "Nguyễn Văn Bình", "meta."},
      {"parent_number", NULL, NULL, NULL}}},
    /* A province plan whose capital title wraps its period onto a second
     * line; no "Thực hiện": the parent is the strategy on the plan's own
     * subject, not the law, the submission, or a plan on another subject. */
    {"ỦY BAN NHÂN DÂN\n"
     "TỈNH NINH THUẬN\n"
     "Số: 88/KH-UBND\n"
     "Ninh Thuận, ngày 10 tháng 12 năm 2025\n"
     "KẾ HOẠCH\n"
     "PHÁT TRIỂN DU LỊCH THÔNG MINH TRÊN ĐỊA BÀN TỈNH GIAI ĐOẠN\n"
     "2026 - 2030\n"
     "Căn cứ Luật Du lịch số 09/2017/QH14 ngày 19 tháng 6 năm 2017;\n"
     "Căn cứ Quyết định số 2400/QĐ-TTg ngày 04/11/2024 của Thủ tướng Chính "
     "phủ phê duyệt Chiến lược phát triển du lịch thông minh đến năm 2030;\n"
     "Căn cứ Kế hoạch số 70/KH-UBND ngày 02/6/2025 của UBND tỉnh về phát "
     "triển nông nghiệp hữu cơ;\n"
     "Theo đề nghị của Sở Văn hóa tại Tờ trình số 15/TTr-SVH ngày "
     "01/12/2025, UBND tỉnh ban hành Kế hoạch phát triển du lịch thông minh "
     "giai đoạn 2026-2030, cụ thể như sau:\n"
     "I. MỤC TIÊU\n"
     "- Đến năm 2030, 80% điểm du lịch có vé điện tử.\n",
     {{"level", "province", "TỈNH NINH THUẬN", "meta."},
      {"place", "Ninh Thuận", "NINH THUẬN", "meta."},
      {"year", "2026", "2026", "meta."},
      {"period_start", "2026-01-01", "GIAI ĐOẠN\n2026 - 2030", "meta."},
      {"period_end", "2030-12-31", "GIAI ĐOẠN\n2026 - 2030", "meta."},
      {"parent_number", "2400/QĐ-TTg", "2400/QĐ-TTg", "meta.parent."},
      {"parent_date", "2024-11-04", "04/11/2024", "ref."}}},
    /* The Government, and provincial departments: the plan is the
     * province's. */
    {"CHÍNH PHỦ\nSố: 12/NQ-CP\nKẾ HOẠCH\nHành động về dữ liệu\n",
     {{"level", "ministry", "CHÍNH PHỦ", "meta."},
      {"place", "Chính phủ", "CHÍNH PHỦ", "meta."}}},
    {"UBND TỈNH LÀO CAI\nSỞ TÀI CHÍNH\nKẾ HOẠCH\nSố hóa kho bạc\n",
     {{"level", "province", "TỈNH LÀO CAI", "meta."},
      {"place", "Lào Cai", "LÀO CAI", "meta."}}},
    {"UBND TỈNH GIA LAI SỞ NỘI VỤ CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
     "KẾ HOẠCH\nCải cách hành chính\n",
     {{"level", "province", "TỈNH GIA LAI", "meta."},
      {"place", "Gia Lai", "GIA LAI", "meta."}}},
    {"VĂN PHÒNG UBND TỈNH QUẢNG TRỊ\nKẾ HOẠCH\nCải cách hành chính\n",
     {{"level", "province", "TỈNH QUẢNG TRỊ", "meta."},
      {"place", "Quảng Trị", "QUẢNG TRỊ", "meta."}}},
    /* Periods as titles state them: until a year (from the year of
     * issue); a span, then its vision; the first half; none. */
    {"Hà Tĩnh, ngày 20 tháng 3 năm 2025\nKẾ HOẠCH\nChuyển đổi số của huyện "
     "đến năm 2030\n",
     {{"year", "2025", "2025", "meta."},
      {"period_start", "2025-01-01", "đến năm 2030", "meta."},
      {"period_end", "2030-12-31", "đến năm 2030", "meta."}}},
    {"KẾ HOẠCH\nCải cách hành chính giai đoạn 2021-2025, định hướng đến năm "
     "2030\n",
     {{"year", "2021", "2021", "meta."},
      {"period_start", "2021-01-01", "giai đoạn 2021-2025", "meta."},
      {"period_end", "2025-12-31", "giai đoạn 2021-2025", "meta."}}},
    {"KẾ HOẠCH\nKiểm soát thủ tục hành chính 6 tháng đầu năm 2026\n",
     {{"year", "2026", "2026", "meta."},
      {"period_start", "2026-01-01", "6 tháng đầu năm 2026", "meta."},
      {"period_end", "2026-06-30", "6 tháng đầu năm 2026", "meta."}}},
    {"KẾ HOẠCH\nTuyên truyền pháp luật\n",
     {{"year", NULL, NULL, NULL}, {"period_start", NULL, NULL, NULL}}},
};

START_TEST(published_forms) {
  const published *p = &forms[_i];
  doc d;
  extract(&d, p->text, strlen(p->text));
  for (size_t k = 0; k < MAX_WANTS && p->wants[k].field; k++) {
    const want *w = &p->wants[k];
    check_field(&d, w->field, field_named(&d.f->document, w->field), w->value,
                w->text, w->group);
  }
  release(&d);
}
END_TEST

/* A number glued to the next word by a crawl is still a citation, with its
 * date. */
START_TEST(glued_number_is_a_citation) {
  const char *text = forms[2].text;
  doc d;
  extract(&d, text, strlen(text));
  check_ref(&d, "45/KH-UBND", "ke_hoach", "2026-03-12", "UBND huyện Lục Ngạn",
            "Kế hoạch số 45/KH-UBND", 1);
  release(&d);
}
END_TEST

/* A citation is looked for in a stretch of text only up to the stretch's
 * last '/' or '-' (every number holds one): one after another mark, or
 * whose number opens a long clause, is still found. */
START_TEST(citations_between_marks_are_found) {
  const char *text =
      "KẾ HOẠCH\n"
      "Căn cứ số liệu 2024/2025 theo Quyết định số 12/QĐ-UBND ngày 05 tháng "
      "3 năm 2026 của Ủy ban nhân dân tỉnh về việc ban hành kế hoạch thực "
      "hiện nhiệm vụ cải cách hành chính trên địa bàn toàn tỉnh trong năm "
      "và các năm tiếp theo\n"
      "I. MỤC ĐÍCH\n";
  doc d;
  extract(&d, text, strlen(text));
  const frame_reference *r = find_ref(&d, "12/QĐ-UBND");
  ck_assert_msg(r != NULL, "no reference 12/QĐ-UBND");
  ck_assert_str_eq(r->kind, "quyet_dinh");
  char *t = span_text(&d, r->span);
  ck_assert_str_eq(t, "Quyết định số 12/QĐ-UBND");
  free(t);
  release(&d);
}
END_TEST

/* A type word printed alike twice has one kind, read once (refs.c:
 * type_kind); each spelling its own: "Quyết định" after "Nghị quyết" and
 * "Nghị định", in capitals, and with a line break inside. */
START_TEST(type_words_keep_their_kinds) {
  const char *text =
      "KẾ HOẠCH\n"
      "Căn cứ Nghị quyết số 1/NQ-CP; Nghị định số 2/NĐ-CP; Quyết định số "
      "3/QĐ-UBND; Nghị quyết số 4/NQ-HĐND; QUYẾT ĐỊNH số 5/QĐ-TTg; Quyết\n"
      "định số 6/QĐ-UBND; Kế hoạch số 7/KH-UBND; Nghị định số 8/NĐ-CP;\n"
      "I. MỤC ĐÍCH\n";
  const struct {
    const char *number, *kind;
  } kinds[] = {{"1/NQ-CP", "nghi_quyet"},   {"2/NĐ-CP", "nghi_dinh"},
              {"3/QĐ-UBND", "quyet_dinh"}, {"4/NQ-HĐND", "nghi_quyet"},
              {"5/QĐ-TTg", "quyet_dinh"},  {"6/QĐ-UBND", "quyet_dinh"},
              {"7/KH-UBND", "ke_hoach"},   {"8/NĐ-CP", "nghi_dinh"}};
  doc d;
  extract(&d, text, strlen(text));
  for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++) {
    const frame_reference *r = find_ref(&d, kinds[i].number);
    ck_assert_msg(r != NULL, "no reference %s", kinds[i].number);
    ck_assert_msg(!strcmp(r->kind, kinds[i].kind), "%s: kind %s, not %s",
                  kinds[i].number, r->kind, kinds[i].kind);
  }
  release(&d);
}
END_TEST

/* Sections nest by the styles of their markers, compared as numbers
 * (sections.c: style_number): a style already open closes the deeper
 * ones, "1.1" and "1.2" one level below "1.", "1.1.1" deeper, "2)" beside
 * "1.".  An article ("header=continues") does not end the header: the
 * plan's title after it is still the title. */
START_TEST(section_styles_nest) {
  const char *text =
      "QUYẾT ĐỊNH\n"
      "Điều 1. Ban hành kèm theo Quyết định này Kế hoạch\n"
      "KẾ HOẠCH\n"
      "Cải cách hành chính năm 2026\n"
      "I. MỤC ĐÍCH\n"
      "1. Mục đích\n"
      "1.1. Thứ nhất\n"
      "1.1.1. Chi tiết\n"
      "a) Việc một\n"
      "1.2 Thứ hai\n"
      "2) Yêu cầu\n"
      "II. NHIỆM VỤ\n";
  const int want_level[] = {1, 2, 3, 4, 5, 6, 4, 3, 2};
  doc d;
  extract(&d, text, strlen(text));
  ck_assert_uint_eq(d.f->nsections, sizeof want_level / sizeof *want_level);
  for (size_t i = 0; i < d.f->nsections; i++)
    ck_assert_msg(d.f->sections[i].level == want_level[i],
                  "section %zu (%s): level %d, not %d", i,
                  d.f->sections[i].heading, d.f->sections[i].level,
                  want_level[i]);
  const char *title = d.f->document.title.value;
  ck_assert_msg(title && strstr(title, "Cải cách hành chính"), "title: %s",
                title ? title : "(null)");
  release(&d);
}
END_TEST

/* meta.date and meta.date.slash open with a look ahead for where any of
 * their starts can stand (a line start or a blank), so that the search
 * does not try the look-behinds at every other byte of the header.  They
 * find what they found before at every position of every corpus line, of
 * two lines joined, and in the search of each text's start. */
static const struct {
  const char *id, *before;
} rewritten[] = {
    {"meta.date",
     "(?m)(?:^|(?<=phúc)[ \\t]+|(?<=\\p{Lu})[ \\t]+(?=Số\\s*:))(?:Số\\b[^\\n]*?[ \\t])?"
     "\\p{Lu}[\\p{L}.]*(?:[ ]+\\p{Lu}[\\p{L}.]*){0,4}\\s*,\\s*(?<date>ngày\\s+(?<d>\\d{1,2})"
     "\\s+tháng\\s+(?<m>\\d{1,2})\\s+năm\\s+(?<y>\\d{4}))"},
    {"meta.date.slash",
     "(?m)(?:^|(?<=phúc)[ \\t]+|(?<=\\p{Lu})[ \\t]+(?=Số\\s*:))(?:Số\\b[^\\n]*?[ \\t])?"
     "\\p{Lu}[\\p{L}.]*(?:[ ]+\\p{Lu}[\\p{L}.]*){0,4}\\s*,\\s*(?<date>ngày\\s+(?<d>\\d{1,2})"
     "\\s*[/.-]\\s*(?<m>\\d{1,2})\\s*[/.-]\\s*(?<y>\\d{4}))"},
};

static void date_tries(void *ctx, const char *s, size_t n, bool joined) {
  same_matches *m = ctx;
  (void)joined;
  for (size_t a = 0; a <= n; a++)
    if (a == n || ((unsigned char)s[a] & 0xC0) != 0x80)
      same_matches_try(m, s, n, a, PCRE2_ANCHORED, NULL);
}

/* s with each " tháng " and " năm " made "/": the written dates of the
 * corpus in figures, as meta.date.slash reads them (a copy to free). */
static char *dates_in_figures(const char *s) {
  size_t n = strlen(s), o = 0;
  char *out = malloc(n + 1);
  ck_assert_ptr_nonnull(out);
  for (size_t i = 0; i < n;) {
    size_t k = !strncmp(s + i, " tháng ", strlen(" tháng ")) ? strlen(" tháng ")
               : !strncmp(s + i, " năm ", strlen(" năm "))   ? strlen(" năm ")
                                                               : 0;
    if (k) out[o++] = '/', i += k;
    else out[o++] = s[i++];
  }
  out[o] = '\0';
  return out;
}

/* s with its first `lines` line breaks made blanks: a header whose
 * columns a crawl merged into one line (a copy to free). */
static char *header_merged(const char *s, size_t lines) {
  char *out = strdup(s);
  ck_assert_ptr_nonnull(out);
  for (char *p = out; lines && (p = strchr(p, '\n')); lines--) *p++ = ' ';
  return out;
}

START_TEST(rewritten_date_patterns_match_as_before) {
  char **texts;
  size_t ncorpus = rewrites_texts(&texts);
  size_t ntexts = 4 * ncorpus;
  texts = realloc(texts, ntexts * sizeof *texts);
  ck_assert_ptr_nonnull(texts);
  for (size_t i = 0; i < ncorpus; i++) {
    texts[ncorpus + i] = dates_in_figures(texts[i]);
    texts[2 * ncorpus + i] = header_merged(texts[i], 12);
    texts[3 * ncorpus + i] = header_merged(texts[ncorpus + i], 12);
  }
  for (size_t r = 0; r < sizeof rewritten / sizeof *rewritten; r++) {
    const rule *now = rules_find(rules, rewritten[r].id);
    ck_assert_ptr_nonnull(now);
    same_matches m;
    same_matches_open(&m, rewritten[r].before, now->pattern,
                      REWRITES_CASELESS);
    for (size_t k = 0; k < now->nexamples; k++) /* merged headers too */
      date_tries(&m, now->examples[k].text, strlen(now->examples[k].text),
                 false);
    for (size_t i = 0; i < ntexts; i++) {
      rewrites_walk(texts[i], date_tries, &m);
      /* the searches meta.c makes: every match of the text in turn, and
       * of its first lines (a header) */
      size_t n = strlen(texts[i]), end;
      for (size_t at = 0; at <= n &&
                          same_matches_try(&m, texts[i], n, at, 0, &end);)
        at = end;
      for (size_t cut = 0, lines = 0; cut < n && lines < 40; cut++)
        if (texts[i][cut] == '\n') {
          lines++;
          same_matches_try(&m, texts[i], cut, 0, 0, NULL);
        }
    }
    same_matches_done(&m, rewritten[r].id, 0);
  }
  rewrites_texts_free(texts, ntexts);
}
END_TEST

START_TEST(empty_text_has_no_metadata) {
  doc d;
  extract(&d, "", 0);
  const frame_document *m = &d.f->document;
  const frame_field *all[] = {&m->kind,          &m->level,     &m->place,
                              &m->province,      &m->year,      &m->number,
                              &m->date,          &m->title,     &m->signer,
                              &m->parent_number, &m->parent_date};
  for (size_t i = 0; i < sizeof all / sizeof *all; i++)
    ck_assert_ptr_null(all[i]->value);
  ck_assert_uint_eq(d.f->nreferences, 0);
  release(&d);
}
END_TEST

/* ---- the corpus against its gold annotations ----------------------------- */

static char **files;
static size_t nfiles;

static void load_corpus(void) {
  if (!files) nfiles = harness_corpus(&files);
}

static const char *jstr(json_t *o, const char *key) {
  json_t *v = json_object_get(o, key);
  return json_is_string(v) ? json_string_value(v) : NULL;
}

static void agree(const char *file, const char *name, const frame_field *fd,
                  const char *gold) {
  if (!gold)
    ck_assert_msg(!fd->value, "%s: %s: expected null, got '%s'", file, name,
                  fd->value);
  else
    ck_assert_msg(fd->value && !strcmp(fd->value, gold),
                  "%s: %s: expected '%s', got '%s'", file, name, gold,
                  fd->value ? fd->value : "(null)");
}

/* The document fields of plan `path` agree with its gold file; returns
 * the gold (caller frees) and leaves the extraction in *d. */
static json_t *document_agrees(const char *path, doc *d, char **src) {
  const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
  char gpath[4096];
  snprintf(gpath, sizeof gpath, "%s/gold/%.*s.gold.json", harness_shared(),
           (int)(strlen(base) - 4), base);
  json_error_t jerr;
  json_t *gold = json_load_file(gpath, 0, &jerr);
  ck_assert_msg(gold != NULL, "%s: %s", gpath, jerr.text);
  size_t len;
  *src = harness_read(path, &len);
  ck_assert_ptr_nonnull(*src);
  extract(d, *src, len);
  const frame_document *m = &d->f->document;
  json_t *g = json_object_get(gold, "document");
  json_t *period = json_object_get(g, "period");
  json_t *parent = json_object_get(g, "parent");
  json_t *year = json_object_get(g, "year");
  char ybuf[16] = "";
  if (json_is_integer(year))
    snprintf(ybuf, sizeof ybuf, "%lld", (long long)json_integer_value(year));
  agree(base, "kind", &m->kind, jstr(g, "kind"));
  agree(base, "level", &m->level, jstr(g, "level"));
  agree(base, "place", &m->place, jstr(g, "place"));
  agree(base, "province", &m->province, jstr(g, "province"));
  agree(base, "year", &m->year, ybuf[0] ? ybuf : NULL);
  agree(base, "period.start", &m->period_start, jstr(period, "start"));
  agree(base, "period.end", &m->period_end, jstr(period, "end"));
  agree(base, "number", &m->number, jstr(g, "number"));
  agree(base, "date", &m->date, jstr(g, "date"));
  agree(base, "parent.number", &m->parent_number, jstr(parent, "number"));
  agree(base, "parent.date", &m->parent_date, jstr(parent, "date"));
  /* Every field found has a span in the input and a rule. */
  const frame_field *all[] = {&m->kind,   &m->level,  &m->place,
                              &m->province, &m->year, &m->period_start,
                              &m->period_end, &m->number, &m->date,
                              &m->title,  &m->signer, &m->parent_number,
                              &m->parent_date};
  for (size_t i = 0; i < sizeof all / sizeof *all; i++)
    if (all[i]->value) {
      ck_assert_ptr_nonnull(all[i]->rule);
      ck_assert_uint_lt(all[i]->span.start, all[i]->span.end);
      ck_assert_uint_le(all[i]->span.end, len);
    }
  return gold;
}

START_TEST(corpus_agrees_with_gold) {
  load_corpus();
  ck_assert_uint_lt((size_t)_i, nfiles);
  const char *path = files[_i];
  const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
  char *src;
  doc d;
  json_t *gold = document_agrees(path, &d, &src);
  size_t len = d.len;
  /* References: the same set of numbers, with their kinds and dates. */
  json_t *refs = json_object_get(gold, "references");
  size_t i;
  json_t *r;
  json_array_foreach(refs, i, r) {
    const char *num = jstr(r, "number");
    const frame_reference *p = find_ref(&d, num);
    ck_assert_msg(p != NULL, "%s: reference %s not found", base, num);
    ck_assert_msg(!strcmp(p->kind, jstr(r, "kind")), "%s: %s: kind %s", base,
                  num, p->kind);
    const char *gd = jstr(r, "date");
    ck_assert_msg(gd ? p->date && !strcmp(p->date, gd) : !p->date,
                  "%s: %s: date %s, expected %s", base, num,
                  p->date ? p->date : "null", gd ? gd : "null");
  }
  ck_assert_msg(d.f->nreferences == json_array_size(refs),
                "%s: %zu references, gold has %zu", base, d.f->nreferences,
                json_array_size(refs));
  for (size_t k = 0; k < d.f->nreferences; k++) {
    const frame_reference *p = &d.f->references[k];
    ck_assert_uint_ge(p->nmentions, 1);
    for (size_t j = 0; j < p->nmentions; j++) {
      ck_assert_uint_lt(p->mentions[j].start, p->mentions[j].end);
      ck_assert_uint_le(p->mentions[j].end, len);
      if (j) ck_assert_uint_gt(p->mentions[j].start, p->mentions[j - 1].start);
    }
  }
  release(&d);
  free(src);
  json_decref(gold);
}
END_TEST

/* Province and national plans (other genres, crawled from a portal):
 * their document fields agree with the gold too. */
START_TEST(province_national_documents_agree) {
  char **paths = NULL;
  size_t n = harness_corpus_in("province-national", &paths);
  ck_assert_uint_ge(n, 5);
  for (size_t i = 0; i < n; i++) {
    char *src;
    doc d;
    json_decref(document_agrees(paths[i], &d, &src));
    release(&d);
    free(src);
  }
  harness_free_list(paths, n);
}
END_TEST

START_TEST(corpus_present) {
  load_corpus();
  ck_assert_msg(nfiles >= 4, "expected the corpus in %s/corpus",
                harness_shared());
}
END_TEST

/* ---- rules -------------------------------------------------------------- */

typedef struct failures {
  size_t n;
  char last[1024];
} failures;

static void collect(void *ctx, const char *path, size_t line,
                    const char *rule_id, const char *message) {
  failures *f = ctx;
  if (strncmp(rule_id, "meta.", 5) && strncmp(rule_id, "ref.", 4)) return;
  f->n++;
  snprintf(f->last, sizeof f->last, "%s:%zu: %s: %s", path, line, rule_id,
           message);
}

START_TEST(meta_and_ref_rules_pass_their_examples) {
  failures f = {0};
  cchc_rules_test(rules, collect, &f, NULL);
  ck_assert_msg(f.n == 0, "%zu failing examples, last: %s", f.n, f.last);
}
END_TEST

/* A rules directory with the shipped taxonomy and one meta.rules. */
static const struct {
  const char *content;
  unsigned line;
} bad_meta[] = {
    /* an unclosed group: the error names the rule's line */
    {"# metadata\n"
     "rule meta.kind.ke_hoach\n"
     "purpose: a plan\n"
     "pattern: ^(?<kw>KẾ\\s+HOẠCH\n"
     "set: kind=ke_hoach\n"
     "yes: KẾ HOẠCH\n"
     "no: Kế hoạch số 12\n",
     2},
    /* a misspelt field */
    {"rule meta.number\n"
     "purpose: the number\n"
     "pattern: Số:\\s*(?<number>\\S+)\n"
     "yse: Số: 03/QĐ-UBND\n",
     4},
    /* an example expects a group the pattern does not have */
    {"rule meta.date\n"
     "purpose: the date\n"
     "pattern: ngày\\s+(?<d>\\d+)\n"
     "yes: ngày 12 => day=12\n"
     "no: tháng 12\n",
     4},
};

START_TEST(malformed_meta_rules_name_file_and_line) {
  cchc_rules *rs = NULL;
  cchc_error err = {0};
  cchc_status st = cchc_rules_load(harness_rules_dir_with("meta.rules", bad_meta[_i].content), &rs,
                                   &err);
  ck_assert_int_eq(st, CCHC_ERR_RULES);
  ck_assert_ptr_null(rs);
  ck_assert_msg(strstr(err.path, "meta.rules"), "path: %s", err.path);
  ck_assert_uint_eq(err.line, bad_meta[_i].line);
}
END_TEST

/* ---- citations found by where numbers stand ------------------------------- */

/* Numbers in the forms and scripts a site must not miss, and marks that
 * are no number's. */
static const char number_forms[] =
    "Căn cứ Quyết định số 123456/QĐ-UBND, Quyết định số12/QĐ-UBND;\n"
    "Nghị quyết số \xd9\xa3\xd9\xa4/NQ-CP và Nghị quyết số 7\xd9\xa3/2024/NQ-CP\n"
    "Công văn số 12/2024/UBND-VP ngày 15/7/2022, giai đoạn 2021-2025\n"
    "Kế hoạch 5-kh/tu; Chỉ thị 1/ĐT-TTg; Luật 77/2015/QH13 (76/NQ-CP)\n"
    "Thông báo kết luận số: 9 / TB-UBND; Kết luận 29-KL/TU-12/ab-CD\n"
    "ban hành kèm theo Quyết định số 03/QĐ-UBND ngày 12/01/2024.\n"
    "Số: 44/2025/\xc4\x90-CP; Đề án 06; 2024/2025/KH-X; 1/2/3-4/A\n";

/* r over the text from every place asked: by the sites as extract_refs
 * searches, and by a search of the whole text, alike.  How many matches
 * were compared. */
static size_t sites_agree(const char *src, size_t len, const char *id,
                          const char *what) {
  cchc_error err = {0};
  cchc_text *t = NULL;
  ck_assert_int_eq(cchc_normalize(src, len, NULL, &t, &err), CCHC_OK);
  xctx x;
  ck_assert_int_eq(xctx_open(&x, rules, t, &err), CCHC_OK);
  const rule *r = rules_find(rules, id);
  ck_assert_ptr_nonnull(r);
  size_t matches = 0;
  /* from each line start, each match's start + 1 and each match's end */
  size_t *from = malloc((x.n + 2) * sizeof *from), nfrom = 0;
  ck_assert_ptr_nonnull(from);
  from[nfrom++] = 0;
  for (size_t i = 0; i < x.n; i++)
    if (x.s[i] == '\n') from[nfrom++] = i + 1;
  for (size_t k = 0; k < nfrom; k++) {
    for (size_t at = from[k], hops = 0; at <= x.n && hops < 3; hops++) {
      bool by_sites;
      size_t s1 = 0, e1 = 0, s2 = 0, e2 = 0;
      bool f1 = refs_number_match(&x, r, at, &by_sites);
      if (f1) rule_match_span(x.md, &s1, &e1);
      ck_assert_msg(by_sites, "%s: %s is not searched by its numbers", what,
                    id);
      bool f2 = rule_scan(r, &x.scan, x.n, at, x.md);
      if (f2) rule_match_span(x.md, &s2, &e2);
      ck_assert_msg(f1 == f2 && s1 == s2 && e1 == e2,
                    "%s: %s from %zu: by sites %d [%zu, %zu), searched %d "
                    "[%zu, %zu) '%.*s'",
                    what, id, at, f1, s1, e1, f2, s2, e2,
                    (int)((f2 ? e2 : e1) - (f2 ? s2 : s1)),
                    x.s + (f2 ? s2 : s1));
      if (!f2) break;
      matches++;
      at = hops % 2 ? e2 : s2 + 1;
    }
  }
  free(from);
  xctx_close(&x);
  cchc_text_free(t);
  return matches;
}

static const char *const number_rules[] = {"ref.cite", "ref.bare",
                                           "ref.self"};

START_TEST(citations_by_sites_match_as_searched) {
  size_t found = 0;
  for (size_t i = 0; i < 3; i++)
    found += sites_agree(number_forms, sizeof number_forms - 1,
                         number_rules[i], "forms");
  ck_assert_uint_ge(found, 10);
  char **all = NULL;
  size_t nall = harness_corpus_all(&all);
  ck_assert_uint_ge(nall, 4);
  for (size_t f = 0; f < nall; f++) {
    size_t len;
    char *src = harness_read(all[f], &len);
    ck_assert_ptr_nonnull(src);
    for (size_t i = 0; i < 3; i++)
      found += sites_agree(src, len, number_rules[i], all[f]);
    free(src);
  }
  harness_free_list(all, nall);
  ck_assert_uint_ge(found, 100);
  /* ref.next is anchored where the previous number ended (\G): a window's
   * start would move its anchor, so it is not searched by sites */
  cchc_error err = {0};
  cchc_text *t = NULL;
  ck_assert_int_eq(cchc_normalize(number_forms, sizeof number_forms - 1,
                                  NULL, &t, &err),
                   CCHC_OK);
  xctx x;
  ck_assert_int_eq(xctx_open(&x, rules, t, &err), CCHC_OK);
  bool by_sites = true;
  refs_number_match(&x, rules_find(rules, "ref.next"), 0, &by_sites);
  ck_assert(!by_sites);
  xctx_close(&x);
  cchc_text_free(t);
}
END_TEST

/* ---- tab21: the last match of a rule of line starts ---------------------- */

/* The frame of src as JSON, the last match of a meta rule of line starts
 * found by rule_scan (`tries` false) or tried at each line start (meta.c:
 * scan). */
static char *meta_json(const char *src, size_t n, bool tries) {
  meta_line_tries_off = !tries;
  char *out = harness_process_json(rules, src, n);
  meta_line_tries_off = false;
  return out;
}

/* Signatures: one wrapped over three lines whose second line opens a match
 * of its own (the walk goes on past the first match's end, not from the
 * line after its start), a line that opens like one and is none, and the
 * last one on the text's last line, without a line break after it. */
static const char plan_signed_twice[] =
    "ỦY BAN NHÂN DÂN\n"
    "XÃ HỒNG LỘC\n"
    "Số: 07/KH-UBND\n"
    "Hồng Lộc, ngày 09 tháng 01 năm 2026\n"
    "KẾ HOẠCH\n"
    "Kiểm soát thủ tục hành chính năm 2026\n"
    "I. MỤC ĐÍCH\n"
    "CHỦ TỊCH Nguyễn Đình Tuấn yêu cầu các phòng thực hiện.\n"
    "KT. CHỦ TỊCH\n"
    "PHÓ CHỦ TỊCH\n"
    "Nguyễn Văn An\n"
    "Nơi nhận: như trên.\n"
    "CHỦ TỊCH Trần Đức Hòa";

/* Plan f of the corpus's nfiles_all (paths), or plan_signed_twice for
 * f == nfiles_all: the texts the tests comparing two ways run over.  The
 * caller frees it. */
static char *corpus_or_signed(char **paths, size_t nfiles_all, size_t f,
                              size_t *len, const char **name) {
  *len = sizeof plan_signed_twice - 1;
  *name = f < nfiles_all ? paths[f] : "plan_signed_twice";
  char *src = f < nfiles_all ? harness_read(paths[f], len)
                             : strdup(plan_signed_twice);
  ck_assert_ptr_nonnull(src);
  return src;
}

/* The last match of a rule whose matches start at line starts (the
 * signer) is found by tries at the line starts alone, without the search
 * for its words from each match on: the frames are the same as by
 * rule_scan's searches, over these signatures and the corpus. */
START_TEST(last_matches_of_line_rules_as_searched) {
  doc d;
  extract(&d, plan_signed_twice, sizeof plan_signed_twice - 1);
  check_field(&d, "signer", &d.f->document.signer, "Trần Đức Hòa",
              "Trần Đức Hòa", "meta.signer");
  release(&d);
  /* without the last signature, the wrapped one: its name */
  size_t cut = strstr(plan_signed_twice, "Nơi nhận") - plan_signed_twice;
  extract(&d, plan_signed_twice, cut);
  check_field(&d, "signer", &d.f->document.signer, "Nguyễn Văn An",
              "Nguyễn Văn An", "meta.signer");
  release(&d);
  char **paths = NULL;
  size_t nfiles_all = harness_corpus_all(&paths);
  ck_assert_uint_ge(nfiles_all, 4);
  size_t signed_docs = 0;
  for (size_t f = 0; f <= nfiles_all; f++) {
    size_t len;
    const char *name;
    char *src = corpus_or_signed(paths, nfiles_all, f, &len, &name);
    char *tried = meta_json(src, len, true);
    char *searched = meta_json(src, len, false);
    ck_assert_msg(!strcmp(tried, searched), "%s: frames differ",
                  name);
    signed_docs += strstr(tried, "\"meta.signer\"") != NULL;
    free(tried);
    free(searched);
    free(src);
  }
  harness_free_list(paths, nfiles_all);
  ck_assert_uint_ge(signed_docs, 4);
}
END_TEST

/* ---- meta29: the place-and-date line searched by its commas -------------- */

/* The frame of src as JSON, the rules with window=comma searched in the
 * windows before their commas (`windows`) or in the whole header. */
static char *comma_json(const char *src, size_t n, bool windows) {
  meta_comma_windows_off = !windows;
  char *out = harness_process_json(rules, src, n);
  meta_comma_windows_off = false;
  return out;
}

/* Place-and-date lines whose match starts lines before its comma (white
 * space, a no-break space, between them), after the motto or the number
 * on a merged line, in figures, after a comma that opens no date, and
 * none at all; each with the issue date it gives ("" none). */
static const struct {
  const char *line, *date;
} comma_lines[] = {
    {"Hồng Lộc, ngày 09 tháng 01 năm 2026", "2026-01-09"},
    {"Hồng Lộc\n\n  , ngày 09 tháng 01 năm 2026", "2026-01-09"},
    {"Hồng Lộc\xc2\xa0\n\xc2\xa0, ngày 09 tháng 01 năm 2026", "2026-01-09"},
    {"Hồng Lộc,\xc2\xa0Ngày 09 tháng 01 năm 2026", "2026-01-09"},
    {"Độc lập - Tự do - Hạnh phúc Số: 04/KH-UBND Phú Lộc, ngày 02 tháng 01 "
     "năm 2026",
     "2026-01-02"},
    {"XÃ HỒNG LỘC Số: 21/KH-UBND Hồng Lộc, ngày 8 tháng 1 năm 2026",
     "2026-01-08"},
    {"Kỳ Sơn\n, ngày 05/01/2027", "2027-01-05"},
    {"Căn cứ Luật Cán bộ, công chức, ngày 13 tháng 11 năm 2008;\nHồng Lộc, "
     "nay, ngày 10 tháng 2 năm 2026",
     ""},
    {"Hồng Lộc ngày 09 tháng 01 năm 2026", ""},
};

/* The first match of meta.date (and meta.date.slash) is found in the
 * windows from the line of the last character before each comma that
 * opens a date, as by a search of the whole header: the same frames over
 * these lines and over the corpus. */
START_TEST(date_lines_by_commas_as_searched) {
  char buf[1024];
  for (size_t i = 0; i < sizeof comma_lines / sizeof *comma_lines; i++) {
    int n = snprintf(buf, sizeof buf,
                     "ỦY BAN NHÂN DÂN\nXÃ HỒNG LỘC\nSố: 07/KH-UBND\n%s\n"
                     "KẾ HOẠCH\nKiểm soát thủ tục hành chính năm 2026\n"
                     "I. MỤC ĐÍCH\nNội dung.\n",
                     comma_lines[i].line);
    ck_assert(n > 0 && (size_t)n < sizeof buf);
    char *by = comma_json(buf, (size_t)n, true);
    char *whole = comma_json(buf, (size_t)n, false);
    ck_assert_msg(!strcmp(by, whole), "line %zu: frames differ", i);
    char wanted[32];
    snprintf(wanted, sizeof wanted, "\"%s\"", comma_lines[i].date);
    if (*comma_lines[i].date)
      ck_assert_msg(strstr(by, wanted) != NULL, "line %zu: no date %s", i,
                    wanted);
    free(by);
    free(whole);
  }
  char **paths = NULL;
  size_t nfiles_all = harness_corpus_all(&paths);
  ck_assert_uint_ge(nfiles_all, 4);
  size_t dated = 0;
  for (size_t f = 0; f < nfiles_all; f++) {
    size_t len;
    char *src = harness_read(paths[f], &len);
    ck_assert_ptr_nonnull(src);
    char *by = comma_json(src, len, true);
    char *whole = comma_json(src, len, false);
    ck_assert_msg(!strcmp(by, whole), "%s: frames differ", paths[f]);
    dated += strstr(by, "\"meta.date") != NULL;
    free(by);
    free(whole);
    free(src);
  }
  harness_free_list(paths, nfiles_all);
  ck_assert_uint_ge(dated, 4);
}
END_TEST

/* ---- meta29: periods in short spans by rule_exec --------------------------- */

/* Every frame of the corpus and of plan_signed_twice is the same with the
 * test switch *off false and true; returns how many hold `key` (a rule id
 * prefix, so that the change is seen at work). */
static size_t frames_same_with_switch(bool *off, const char *key) {
  char **paths = NULL;
  size_t nfiles_all = harness_corpus_all(&paths);
  ck_assert_uint_ge(nfiles_all, 4);
  size_t holding = 0;
  for (size_t f = 0; f <= nfiles_all; f++) {
    size_t len;
    const char *name;
    char *src = corpus_or_signed(paths, nfiles_all, f, &len, &name);
    char *on = harness_process_json(rules, src, len);
    *off = true;
    char *switched = harness_process_json(rules, src, len);
    *off = false;
    ck_assert_msg(!strcmp(on, switched), "%s: frames differ", name);
    holding += strstr(on, key) != NULL;
    free(on);
    free(switched);
    free(src);
  }
  harness_free_list(paths, nfiles_all);
  return holding;
}

/* The frames of the corpus and of the plans of this file's forms are the
 * same whether the periods of short spans (titles, header lines, the
 * clauses of cited documents) are searched by rule_exec or by rule_scan
 * (meta.c: period_scan). */
START_TEST(periods_in_short_spans_as_scanned) {
  ck_assert_uint_ge(frames_same_with_switch(&meta_period_exec_off,
                                            "\"meta.period."),
                    4);
}
END_TEST

/* The province of a commune of a centrally-run city, named far into a
 * text long enough for meta.province.city to be searched by the places of
 * its words ("thành", "tp"), which the deadlines' walk of the text finds
 * before the vote (meta_province_vote): each mention counts, the words
 * inside others ("hoàn thành", "http") do not make one. */
START_TEST(city_province_voted_after_the_walk) {
  const char *head = "UBND XÃ AN LÃO\nKẾ HOẠCH\nCải cách hành chính năm "
                     "2026\nI. MỤC TIÊU\n- Hoàn thành việc rà soát thủ tục "
                     "của tỉnh Thái Nguyên (http://tp.gov.vn).\n";
  const char *filler = "- Rà soát thủ tục hành chính của các bộ phận, "
                       "hoàn thành trước ngày 30/6/2026.\n";
  const char *tail = "- Báo cáo Ủy ban nhân dân thành phố Hải Phòng và "
                     "UBND TP. Hồ Chí Minh; gửi Sở Nội vụ thành phố\n"
                     "Hải Phòng theo quy định.\n";
  size_t hn = strlen(head), fn = strlen(filler), tn = strlen(tail);
  size_t nf = 80, n = hn + nf * fn + tn;
  char *text = malloc(n + 1);
  ck_assert_ptr_nonnull(text);
  memcpy(text, head, hn);
  for (size_t i = 0; i < nf; i++) memcpy(text + hn + i * fn, filler, fn);
  memcpy(text + n - tn, tail, tn + 1);
  ck_assert_uint_gt(n, 8192);
  doc d;
  extract(&d, text, n);
  check_field(&d, "province", &d.f->document.province, "Hải Phòng",
              "Hải Phòng", "meta.province.city");
  release(&d);
  free(text);
}
END_TEST

/* ---- meta30: the parent's cues asked the cheap first ------------------------ */

/* Two cues of one weight, the dear one (on the clause after the mention)
 * first in the file: asked after the cheap one (on the mention), it is
 * still the parent's rule, the first in file order of the largest
 * weight, as when the cues are asked in file order. */
static const char cues_dear_first[] =
    "rule meta.parent.about\n"
    "purpose: the cited document is about something\n"
    "pattern: \\bvề\\b\n"
    "set: on=after\n"
    "set: weight=3\n"
    "yes: của UBND huyện về cải cách\n"
    "no: của UBND huyện\n"
    "\n"
    "rule meta.parent.plan_doc\n"
    "purpose: the cited document is a plan\n"
    "pattern: ^Kế\\s+hoạch\n"
    "set: on=mention\n"
    "set: weight=3\n"
    "yes: Kế hoạch số 12/KH-UBND\n"
    "no: Quyết định số 3/QĐ-UBND\n";

static const char plan_citing_a_plan[] =
    "KẾ HOẠCH\n"
    "Cải cách hành chính năm 2026\n"
    "Căn cứ Luật số 77/2015/QH13;\n"
    "Căn cứ Kế hoạch số 12/KH-UBND ngày 01/3/2025 của UBND huyện về cải "
    "cách;\n"
    "I. MỤC ĐÍCH\n"
    "1. Mục đích\n";

START_TEST(parent_cue_of_file_order_among_equal_weights) {
  cchc_rules *rs = NULL;
  cchc_error err = {0};
  ck_assert_int_eq(cchc_rules_load(harness_rules_dir_with("meta.rules",
                                                          cues_dear_first),
                                   &rs, &err),
                   CCHC_OK);
  for (int off = 0; off < 2; off++) {
    refs_cue_order_off = off;
    char *json = harness_process_json(rs, plan_citing_a_plan,
                                      sizeof plan_citing_a_plan - 1);
    refs_cue_order_off = false;
    ck_assert_ptr_nonnull(json);
    ck_assert_msg(strstr(json, "\"number\": \"12/KH-UBND\""), "%s", json);
    ck_assert_msg(strstr(json, "\"rule\": \"meta.parent.about\""), "%s", json);
    ck_assert_msg(!strstr(json, "meta.parent.plan_doc"), "%s", json);
    free(json);
  }
  cchc_rules_free(rs);
}
END_TEST

/* The frames of the corpus are the same whether the parent's cues are
 * asked the cheap first (refs.c: cues_order) or in file order. */
START_TEST(parent_cues_cheap_first_as_in_file_order) {
  ck_assert_uint_ge(
      frames_same_with_switch(&refs_cue_order_off, "\"meta.parent."), 4);
}
END_TEST

/* Two clauses that carry out a plan score alike: the parent is the later
 * one, whether the mentions are asked from the last (refs.c:
 * choose_parent; the earlier one then needs one more) or in text order. */
static const char plan_carrying_out_two[] =
    "KẾ HOẠCH\n"
    "Cải cách hành chính năm 2026\n"
    "Thực hiện Kế hoạch số 10/KH-UBND ngày 01/3/2025 của UBND huyện;\n"
    "Thực hiện Kế hoạch số 20/KH-UBND ngày 02/3/2025 của UBND huyện;\n"
    "Căn cứ Luật số 77/2015/QH13;\n"
    "I. MỤC ĐÍCH\n"
    "1. Mục đích\n";

START_TEST(parent_of_a_tie_is_the_later_mention) {
  for (int off = 0; off < 2; off++) {
    refs_cue_order_off = off;
    doc d;
    extract(&d, plan_carrying_out_two, sizeof plan_carrying_out_two - 1);
    refs_cue_order_off = false;
    check_field(&d, "parent_number", &d.f->document.parent_number,
                "20/KH-UBND", "20/KH-UBND", "meta.parent.carry_out");
    check_field(&d, "parent_date", &d.f->document.parent_date, "2025-03-02",
                "02/3/2025", "ref.date");
    release(&d);
  }
}
END_TEST

/* ---- meta31: comma windows by the word after the comma; the plan's
 * number by the places of numbers ---------------------------------------- */

/* The frame of a header of `lines` (then a title and a first section) as
 * JSON, with the test switch *off set to `switched`. */
static char *header_json(const char *lines, bool *off, bool switched) {
  char buf[2048];
  int n = snprintf(buf, sizeof buf,
                   "%s\nKẾ HOẠCH\nKiểm soát thủ tục hành chính năm 2026\n"
                   "I. MỤC ĐÍCH\nNội dung.\n",
                   lines);
  ck_assert(n > 0 && (size_t)n < sizeof buf);
  *off = switched;
  char *out = harness_process_json(rules, buf, (size_t)n);
  *off = false;
  ck_assert_ptr_nonnull(out);
  return out;
}

/* Place-and-date lines whose comma is followed by "ngày" in capitals,
 * after a no-break space, an ideographic space, a line break or none,
 * and lines of commas that open other words (one beyond ASCII, "đồng",
 * one of "n", "nay"): each with the date wanted ("" none). */
static const struct {
  const char *line, *date;
} word_comma_lines[] = {
    {"HỒNG LỘC, NGÀY 09 THÁNG 01 NĂM 2026", "2026-01-09"},
    {"Hồng Lộc,\xc2\xa0ngày 09 tháng 01 năm 2026", "2026-01-09"},
    {"Hồng Lộc,\xe3\x80\x80 Ngày 09 tháng 01 năm 2026", "2026-01-09"},
    {"Hồng Lộc,\nngày 09 tháng 01 năm 2026", "2026-01-09"},
    {"Hồng Lộc,ngày 09/01/2026", "2026-01-09"},
    {"Căn cứ Luật Cán bộ, đồng bộ, nay, ngày 13 tháng 11 năm 2008;\n"
     "Hồng Lộc, ngày 10 tháng 2 năm 2026",
     "2026-02-10"},
    {"Căn cứ Luật Cán bộ, công chức, ngàyX 13 tháng 11 năm 2008", ""},
};

/* A window of meta.date and meta.date.slash is searched only after a
 * comma followed by white space and "ngày" (meta.c: find_by_commas):
 * these lines and the corpus give the same frames as with a window after
 * every comma that may open it, and the dates wanted. */
START_TEST(date_windows_by_the_word_after_the_comma) {
  for (size_t i = 0; i < sizeof word_comma_lines / sizeof *word_comma_lines;
       i++) {
    char lines[512];
    snprintf(lines, sizeof lines,
             "ỦY BAN NHÂN DÂN\nXÃ HỒNG LỘC\nSố: 07/KH-UBND\n%s",
             word_comma_lines[i].line);
    char *by_word = header_json(lines, &meta_comma_word_off, false);
    char *every = header_json(lines, &meta_comma_word_off, true);
    ck_assert_msg(!strcmp(by_word, every), "line %zu: frames differ", i);
    char wanted[32];
    snprintf(wanted, sizeof wanted, "\"%s\"", word_comma_lines[i].date);
    if (*word_comma_lines[i].date)
      ck_assert_msg(strstr(by_word, wanted) != NULL, "line %zu: no date %s",
                    i, wanted);
    else
      ck_assert_msg(strstr(by_word, "\"meta.date") == NULL,
                    "line %zu: a date", i);
    free(by_word);
    free(every);
  }
  ck_assert_uint_ge(frames_same_with_switch(&meta_comma_word_off,
                                            "\"meta.date"),
                    4);
}
END_TEST

/* Headers whose number is printed alone, after the motto on a merged
 * line, on the header's last line, after citations of other numbers, in
 * a portal's line, in the sentence that reports the plan's issue, or
 * not at all (a blank number): each with the number wanted ("" none). */
static const struct {
  const char *lines, *number;
} number_headers[] = {
    {"ỦY BAN NHÂN DÂN\nXÃ HỒNG LỘC\nSố: 03/KH-UBND", "03/KH-UBND"},
    {"XÃ PHÚ LỘC Độc lập - Tự do - Hạnh phúc Số: 04/KH-UBND Phú Lộc, ngày "
     "02 tháng 01 năm 2026",
     "04/KH-UBND"},
    {"Căn cứ Nghị quyết số 76/NQ-CP ngày 15/7/2021 của Chính phủ;\n"
     "Căn cứ Quyết định số 3504/QĐ-UBND ngày 22/10/2021, 12-NQ/TU;\n"
     "ỦY BAN NHÂN DÂN\nXÃ HỒNG LỘC\nSố: 118/2025/KH-UBND",
     "118/2025/KH-UBND"},
    {"Số hiệu: 31/KH-UBND Loại văn bản: Kế hoạch", "31/KH-UBND"},
    {"Căn cứ Quyết định số 02/QĐ-UBND của UBND tỉnh;\nNgày 9/1/2026, Ủy ban "
     "nhân dân xã Vĩnh Hòa đã ban hành Kế hoạch số 05/KH-UBND về cải cách",
     "05/KH-UBND"},
    {"ỦY BAN NHÂN DÂN\nXÃ HỒNG LỘC\nSố: /KH-UBND", ""},
};

/* The rules of the plan's number (meta.number.*, whose matches end with
 * a number) are searched only before the places where a number may stand
 * in the header (refs_sites_scan): these headers and the corpus give the
 * same frames as searches of the whole header, and the numbers wanted. */
START_TEST(plan_numbers_by_sites_as_searched) {
  for (size_t i = 0; i < sizeof number_headers / sizeof *number_headers;
       i++) {
    char *by_sites = header_json(number_headers[i].lines,
                                 &meta_number_sites_off, false);
    char *searched = header_json(number_headers[i].lines,
                                 &meta_number_sites_off, true);
    ck_assert_msg(!strcmp(by_sites, searched), "header %zu: frames differ",
                  i);
    char wanted[64];
    snprintf(wanted, sizeof wanted, "\"number\": \"%s\"",
             number_headers[i].number);
    if (*number_headers[i].number)
      ck_assert_msg(strstr(by_sites, wanted) != NULL &&
                        strstr(by_sites, "\"meta.number") != NULL,
                    "header %zu: no number %s", i, wanted);
    else
      ck_assert_msg(strstr(by_sites, "\"meta.number") == NULL,
                    "header %zu: a number", i);
    free(by_sites);
    free(searched);
  }
  ck_assert_uint_ge(frames_same_with_switch(&meta_number_sites_off,
                                            "\"meta.number"),
                    4);
}
END_TEST

/* The frames of the corpus are the same whether the stops of a scan by
 * the sites of numbers are set by the lists of each barrier feature's
 * bytes or read byte by byte (refs.c: site_scan_init). */
START_TEST(site_stops_by_feature_lists_as_by_bytes) {
  ck_assert_uint_ge(
      frames_same_with_switch(&refs_stops_by_bytes, "\"meta.number"), 4);
}
END_TEST

/* What the searches ask of a meta rule's attributes at every plan is
 * read once and kept with the rule (meta.c: meta_said): after a plan,
 * every rule read holds scope=all, pick=last and window=comma as its
 * attributes say, and each of them is met. */
static bool attr_is(const rule *r, const char *key, const char *value) {
  const char *v = rule_attr(r, key);
  return v && !strcmp(v, value);
}

START_TEST(meta_attributes_read_once_as_they_say) {
  doc d;
  extract(&d, plan_half, strlen(plan_half));
  release(&d);
  rule_list rs = rules_select(rules, "meta.", NULL);
  size_t read = 0, all = 0, last = 0, commas = 0;
  for (size_t i = 0; i < rs.n; i++) {
    rule *r = (rule *)rs.items[i];
    if (!atomic_load(&r->meta_state)) continue;
    read++;
    ck_assert_int_eq(r->meta_scope_all, attr_is(r, "scope", "all"));
    ck_assert_int_eq(r->meta_pick_last, attr_is(r, "pick", "last"));
    ck_assert_int_eq(r->meta_by_commas, attr_is(r, "window", "comma"));
    all += r->meta_scope_all;
    last += r->meta_pick_last;
    commas += r->meta_by_commas;
  }
  ck_assert_uint_gt(read, 10);
  ck_assert_uint_gt(all, 0);
  ck_assert_uint_gt(last, 0);
  ck_assert_uint_gt(commas, 0);
}
END_TEST

int main(void) {
  Suite *s = suite_create("extract_meta");
  TCase *tp = tcase_create("plans");
  tcase_add_checked_fixture(tp, load_rules, free_rules);
  tcase_add_test(tp, plan_with_header_and_half_year);
  tcase_add_test(tp, decision_issuing_a_plan_for_years);
  tcase_add_test(tp, kept_matches_are_the_last_and_the_earliest);
  tcase_add_test(tp, parent_reached_by_the_last_cue);
  tcase_add_test(tp, heading_areas_by_later_words);
  tcase_add_test(tp, plan_without_header);
  tcase_add_test(tp, capitals_and_no_parent);
  tcase_add_test(tp, capitals_spelled_as_printed_far_on);
  tcase_add_test(tp, city_province_voted_after_the_walk);
  tcase_add_loop_test(tp, published_forms, 0,
                      (int)(sizeof forms / sizeof *forms));
  tcase_add_test(tp, glued_number_is_a_citation);
  tcase_add_test(tp, citations_between_marks_are_found);
  tcase_add_test(tp, empty_text_has_no_metadata);
  tcase_add_test(tp, type_words_keep_their_kinds);
  tcase_add_test(tp, section_styles_nest);
  tcase_add_test(tp, meta_and_ref_rules_pass_their_examples);
  suite_add_tcase(s, tp);
  TCase *tc = tcase_create("corpus");
  tcase_add_checked_fixture(tc, load_rules, free_rules);
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, corpus_present);
  load_corpus();
  tcase_add_loop_test(tc, corpus_agrees_with_gold, 0, (int)nfiles);
  tcase_add_test(tc, province_national_documents_agree);
  tcase_add_test(tc, rewritten_date_patterns_match_as_before);
  tcase_add_test(tc, citations_by_sites_match_as_searched);
  tcase_add_test(tc, last_matches_of_line_rules_as_searched);
  tcase_add_test(tc, date_lines_by_commas_as_searched);
  tcase_add_test(tc, periods_in_short_spans_as_scanned);
  tcase_add_test(tc, parent_cues_cheap_first_as_in_file_order);
  tcase_add_test(tc, parent_cue_of_file_order_among_equal_weights);
  tcase_add_test(tc, parent_of_a_tie_is_the_later_mention);
  tcase_add_test(tc, date_windows_by_the_word_after_the_comma);
  tcase_add_test(tc, plan_numbers_by_sites_as_searched);
  tcase_add_test(tc, meta_attributes_read_once_as_they_say);
  tcase_add_test(tc, site_stops_by_feature_lists_as_by_bytes);
  suite_add_tcase(s, tc);
  TCase *tr = tcase_create("rules");
  tcase_add_loop_test(tr, malformed_meta_rules_name_file_and_line, 0,
                      (int)(sizeof bad_meta / sizeof *bad_meta));
  suite_add_tcase(s, tr);
  int rc = harness_run(s);
  harness_free_list(files, nfiles);
  return rc;
}
