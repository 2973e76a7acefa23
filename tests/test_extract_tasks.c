/* test_extract_tasks.c: tasks, leads and inconsistencies extracted with the
 * real rules in rules/ from a hand-written plan: a "Tổ chức thực hiện"
 * part (unit headings, duties with coordinators and deadlines, area leads,
 * an unknown unit, a closing paragraph), a body task with "Thời gian thực
 * hiện", a body sentence naming its lead, a hand-made appendix table whose
 * cells are scattered over short lines as in PDF text (rows rebuilt, merged
 * cells inherited, a lone collective as coordinator, the area lead), and an
 * appendix number that contradicts the body.  Tables in every form (one
 * table of our own scattered, crawled in rows, crawled with bars alone and
 * with its columns reordered, all giving the same tasks; merged cells,
 * wrapped rows, groups; a target table) and inline assignment lines in
 * several wordings.  Then the whole corpus scored against ../shared/gold
 * with the public eval API. */
#define _GNU_SOURCE
#include "harness.h"
#include "rewrites.h"

#include "../extract/frame.h"
#include "../extract/rules.h"
#include "../extract/table.h"
#include "../extract/tasks.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static cchc_rules *rules;

static void load_rules(void) { rules = harness_rules(); }
static void free_rules(void) { harness_free_rules(); }

typedef struct doc {
  const char *src;
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

/* The task whose text starts with `prefix`. */
static const frame_task *task(const doc *d, const char *prefix) {
  for (size_t i = 0; i < d->f->ntasks; i++)
    if (!strncmp(d->f->tasks[i].text, prefix, strlen(prefix)))
      return &d->f->tasks[i];
  ck_abort_msg("no task starting with \"%s\"", prefix);
  return NULL;
}

static bool has_task(const doc *d, const char *prefix) {
  for (size_t i = 0; i < d->f->ntasks; i++)
    if (!strncmp(d->f->tasks[i].text, prefix, strlen(prefix))) return true;
  return false;
}

/* Unit keys of a list joined with ","; an unknown unit as "name:TEXT". */
static void keys(const frame_unit *u, size_t n, char *out, size_t cap) {
  out[0] = '\0';
  for (size_t i = 0; i < n; i++) {
    size_t l = strlen(out);
    snprintf(out + l, cap - l, "%s%s%s", i ? "," : "",
             u[i].key ? "" : "name:", u[i].key ? u[i].key : u[i].text);
  }
}

static void check_units(const frame_unit *u, size_t n, const char *want) {
  char got[512];
  keys(u, n, got, sizeof got);
  ck_assert_str_eq(got, want);
}

static const char *deadline_text(const doc *d, const frame_task *t) {
  if (t->deadline < 0) return "";
  ck_assert_int_lt(t->deadline, (int)d->f->ndeadlines);
  return d->f->deadlines[t->deadline].text;
}

/* Has the frame the lead (area, unit), the unit a key or "name:TEXT"? */
static bool has_lead(const doc *d, const char *area, const char *unit) {
  for (size_t i = 0; i < d->f->nleads; i++) {
    const frame_lead *l = &d->f->leads[i];
    char got[256];
    keys(&l->unit, 1, got, sizeof got);
    if (!strcmp(l->area, area) && !strcmp(got, unit)) return true;
  }
  return false;
}

/* Original bytes of a span. */
static char *span_of(const doc *d, frame_span sp) {
  ck_assert_uint_le(sp.start, sp.end);
  ck_assert_uint_le(sp.end, strlen(d->src));
  return strndup(d->src + sp.start, sp.end - sp.start);
}

/* ------------------------------------------------------------------ */

static const char plan[] =
    "KẾ HOẠCH\n"
    "Cải cách hành chính xã An Phú năm 2025\n"
    "I. MỤC TIÊU\n"
    "1. Chỉ tiêu\n"
    "- Tỷ lệ số hóa kết quả giải quyết thủ tục hành chính đạt 60%.\n"
    "II. NHIỆM VỤ\n"
    "1. Nội dung, thời gian thực hiện\n"
    "1.1. Xây dựng dữ liệu dùng chung của xã\n"
    "- Rà soát, cập nhật dữ liệu thuộc các lĩnh vực quản lý.\n"
    "* Thời gian thực hiện: Quý II/2025.\n"
    "2. Kinh phí\n"
    "Phòng Kinh tế xã phối hợp với Phòng Văn hóa - Xã hội tham mưu UBND xã "
    "bố trí kinh phí thực hiện.\n"
    "III. TỔ CHỨC THỰC HIỆN\n"
    "1. Phòng Kinh tế\n"
    "- Chủ trì triển khai thực hiện nội dung cải cách tài chính công trên "
    "địa bàn xã.\n"
    "- Phối hợp với Phòng Văn hóa - Xã hội và Trung tâm Chuyển đổi số tỉnh "
    "rà soát hồ sơ, hoàn thành trước ngày 30/6/2025.\n"
    "2. Phòng Văn hóa - Xã hội\n"
    "- Chủ trì triển khai các nội dung về chỉ đạo điều hành; cải cách chế độ "
    "công vụ.\n"
    "- Chủ trì triển khai thực hiện nội dung cải cách thủ tục hành chính.\n"
    "- Tham mưu UBND xã tổ chức tập huấn cho cán bộ, công chức; phối hợp với "
    "Văn phòng HĐND và UBND xã kiểm tra định kỳ, báo cáo kết quả trong\n"
    "giải quyết hồ sơ.\n"
    "Trên đây là Kế hoạch cải cách hành chính năm 2025 của UBND xã An Phú.\n"
    "Nơi nhận:\n"
    "- Như trên;\n"
    "CHỦ TỊCH\n"
    /* a hand-made table, its cells one per short line as PDF text gives */
    "PHỤ LỤC\n"
    "NHIỆM VỤ TRỌNG TÂM NĂM 2025\n"
    "TT\n"
    "Mục tiêu\n"
    "Nhiệm vụ Hoạt động\n"
    "Sản phẩm\n"
    "Chủ trì Phối hợp\n"
    "Thời gian\n"
    "Kinh phí\n"
    "I CẢI CÁCH THỦ TỤC HÀNH CHÍNH\n"
    "1\n"
    "1.1. Tỷ lệ số hóa kết quả giải quyết thủ tục hành chính đạt 80%\n"
    "2.1. Số hóa hồ sơ\n"
    "thủ tục hành chính\n"
    "3.1. Quét, lưu trữ hồ sơ\n"
    "Hồ sơ điện tử\n"
    "Phòng Kinh tế\n"
    "Trạm Y tế xã\n"
    "Quý III/2025\n"
    "Theo dự toán được cấp\n"
    "3.2. Kiểm tra kết quả số hóa\n"
    "Báo cáo\n"
    "Thường xuyên\n"
    "2\n"
    "1.2. Công khai thủ tục hành chính\n"
    "2.2. Công khai thủ tục\n"
    "2.3. Hướng dẫn người dân nộp hồ sơ\n"
    "3.3. Niêm yết tại\n"
    "Bộ phận tiếp nhận và trả kết quả\n"
    "Các ban, ngành cấp xã\n"
    "Năm 2025\n";

START_TEST(organisation_part) {
  doc d = extract(plan);
  /* a lead bullet is a task of its heading's unit */
  const frame_task *t = task(&d, "Chủ trì triển khai thực hiện nội dung cải cách tài");
  check_units(t->lead, t->nlead, "phong_kinh_te");
  check_units(t->coordinators, t->ncoordinators, "");
  ck_assert_int_eq(t->deadline, -1);
  ck_assert_str_eq(t->rule, "lead.area");
  /* coordinators, an unknown unit kept with its name, the deadline inside */
  t = task(&d, "Phối hợp với Phòng Văn hóa - Xã hội và Trung tâm");
  check_units(t->lead, t->nlead, "phong_kinh_te");
  check_units(t->coordinators, t->ncoordinators,
              "phong_vhxh,name:Trung tâm Chuyển đổi số tỉnh");
  ck_assert_ptr_null(t->coordinators[1].key);
  ck_assert_str_eq(deadline_text(&d, t), "trước ngày 30/6/2025");
  char *sp = span_of(&d, t->coordinators[1].span);
  ck_assert_str_eq(sp, "Trung tâm Chuyển đổi số tỉnh");
  free(sp);
  /* the next heading changes the lead; a duty continued on the next line */
  t = task(&d, "Tham mưu UBND xã tổ chức tập huấn");
  check_units(t->lead, t->nlead, "phong_vhxh");
  check_units(t->coordinators, t->ncoordinators, "vp_hdnd_ubnd");
  ck_assert_ptr_nonnull(strstr(t->text, "giải quyết hồ sơ."));
  /* the closing paragraph and the signature are not tasks */
  ck_assert(!has_task(&d, "Trên đây là"));
  ck_assert(!has_task(&d, "Như trên"));
  /* the task's span is the bullet's text in the original */
  sp = span_of(&d, t->span);
  ck_assert_str_eq(sp, "Tham mưu UBND xã tổ chức tập huấn cho cán bộ, công "
                       "chức; phối hợp với Văn phòng HĐND và UBND xã kiểm tra "
                       "định kỳ, báo cáo kết quả trong\ngiải quyết hồ sơ.");
  free(sp);
  done(&d);
}
END_TEST

START_TEST(leads_per_area) {
  doc d = extract(plan);
  ck_assert(has_lead(&d, "tai_chinh", "phong_kinh_te"));
  ck_assert(has_lead(&d, "chi_dao", "phong_vhxh"));
  ck_assert(has_lead(&d, "cong_vu", "phong_vhxh"));
  ck_assert(has_lead(&d, "tthc", "phong_vhxh"));
  /* "tập huấn cho cán bộ, công chức" trains people: no civil-service lead
   * for the unit of that duty beyond the one it states; four in all */
  ck_assert_uint_eq(d.f->nleads, 4);
  for (size_t i = 0; i < d.f->nleads; i++) {
    ck_assert_ptr_nonnull(d.f->leads[i].rule);
    char *sp = span_of(&d, d.f->leads[i].span);
    ck_assert_msg(!strncmp(sp, "Chủ trì", strlen("Chủ trì")), "%s", sp);
    free(sp);
  }
  done(&d);
}
END_TEST

/* ---- "Tổ chức thực hiện" in other shapes, leads wherever stated ---------- */

/* A province plan written for the test: sub-parts ("Trách nhiệm chung",
 * "Phân công cụ thể") with unit headings one level down, lettered, with a
 * colon, naming units the taxonomy lacks; duties as "-", "+", "*" bullets
 * and an unbulleted paragraph; numbered items whose units act ("3. X chủ
 * trì ...", "4. X: chủ trì ..."); a whole-plan lead; a body sentence
 * "Giao X chủ trì ..." and a numbered body item whose units act; a
 * closing paragraph on difficulties. */
static const char province_plan[] =
    "ỦY BAN NHÂN DÂN TỈNH AN GIANG\n"
    "KẾ HOẠCH\n"
    "Phát triển kinh tế số tỉnh An Giang năm 2026\n"
    "I. MỤC TIÊU\n"
    "1. Nâng tỷ trọng kinh tế số đạt 20% GRDP của tỉnh.\n"
    "II. NHIỆM VỤ\n"
    "1. Hạ tầng số\n"
    "- Giao Sở Công Thương chủ trì, phối hợp với Hiệp hội Phần mềm tỉnh phát "
    "triển thương mại điện tử và kinh tế số nông thôn, hoàn thành trước "
    "ngày 30/9/2026.\n"
    "2. UBND các xã, phường bố trí kinh phí thực hiện Kế hoạch trong dự "
    "toán hằng năm.\n"
    "III. TỔ CHỨC THỰC HIỆN\n"
    "1. Trách nhiệm chung\n"
    "Các sở, ban, ngành căn cứ chức năng, nhiệm vụ xây dựng kế hoạch của "
    "đơn vị trước ngày 31/3/2026.\n"
    "2. Phân công cụ thể\n"
    "a) Sở Khoa học và Công nghệ\n"
    "- Là cơ quan đầu mối, chủ trì, phối hợp với các sở, ban, ngành tham mưu "
    "Ủy ban nhân dân tỉnh tổ chức triển khai Kế hoạch này.\n"
    "+ Theo dõi, tổng hợp kết quả thực hiện, báo cáo Ủy ban nhân dân tỉnh.\n"
    "b) Sở Tài chính:\n"
    "* Bố trí kinh phí thực hiện Kế hoạch.\n"
    "c) Quỹ Đầu tư phát triển tỉnh, Hiệp hội Doanh nghiệp tỉnh\n"
    "Cho vay ưu đãi các dự án chuyển đổi số của doanh nghiệp nhỏ và vừa.\n"
    "3. Trung tâm Lưu trữ lịch sử tỉnh chủ trì số hóa tài liệu lưu trữ của "
    "tỉnh.\n"
    "4. Đài Phát thanh và Truyền hình tỉnh: chủ trì công tác tuyên truyền "
    "về kinh tế số, phối hợp với Hội Nhà báo tỉnh mở chuyên mục.\n"
    "IV. CHẾ ĐỘ BÁO CÁO\n"
    "Trong quá trình thực hiện, nếu có khó khăn, vướng mắc, các cơ quan "
    "phản ánh về Sở Khoa học và Công nghệ trước ngày 15/12/2026.\n";

/* Lead of a task as "key,name:TEXT,...". */
static void check_lead(const doc *d, const char *prefix, const char *want) {
  const frame_task *t = task(d, prefix);
  check_units(t->lead, t->nlead, want);
}

START_TEST(organisation_part_any_depth) {
  doc d = extract(province_plan);
  /* a unit that acts, outside any unit heading */
  check_lead(&d, "Các sở, ban, ngành căn cứ", "cac_so_nganh");
  /* heading "a)" one level under a sub-part; its "-" and "+" duties */
  const frame_task *t = task(&d, "Là cơ quan đầu mối, chủ trì");
  check_units(t->lead, t->nlead, "so_khcn");
  check_units(t->coordinators, t->ncoordinators, "cac_so_nganh");
  check_lead(&d, "Theo dõi, tổng hợp kết quả", "so_khcn");
  /* a heading with a colon, a "*" duty */
  check_lead(&d, "Bố trí kinh phí", "so_tai_chinh");
  /* a heading of two units the taxonomy lacks, an unbulleted duty */
  check_lead(&d, "Cho vay ưu đãi",
             "name:Quỹ Đầu tư phát triển tỉnh,name:Hiệp hội Doanh nghiệp "
             "tỉnh");
  /* numbered items whose units act: a duty each, by name */
  check_lead(&d, "Trung tâm Lưu trữ lịch sử tỉnh chủ trì",
             "name:Trung tâm Lưu trữ lịch sử tỉnh");
  t = task(&d, "Đài Phát thanh và Truyền hình tỉnh: chủ trì");
  check_units(t->lead, t->nlead, "name:Đài Phát thanh và Truyền hình tỉnh");
  check_units(t->coordinators, t->ncoordinators, "name:Hội Nhà báo tỉnh");
  /* the sub-part headings and the difficulties paragraph are no tasks */
  ck_assert(!has_task(&d, "Trách nhiệm chung"));
  ck_assert(!has_task(&d, "Phân công cụ thể"));
  ck_assert(!has_task(&d, "Trong quá trình thực hiện"));
  ck_assert(!has_task(&d, "Quỹ Đầu tư"));
  done(&d);
}
END_TEST

/* The leads the test province plan states, and what states each. */
static const struct {
  const char *area, *unit;
} province_leads[] = {
    /* "Là cơ quan đầu mối, chủ trì ... tổ chức triển khai Kế hoạch này":
     * the whole plan, whose title names the digital economy */
    {"kinh_te_so", "so_khcn"},
    /* "Giao X chủ trì, phối hợp với ... <work>" in the body */
    {"kinh_te_so", "so_cong_thuong"},
    /* "X: chủ trì công tác tuyên truyền về kinh tế số, phối hợp ...": the
     * areas its work names, cut before the coordination, by name */
    {"tuyen_truyen", "name:Đài Phát thanh và Truyền hình tỉnh"},
    {"kinh_te_so", "name:Đài Phát thanh và Truyền hình tỉnh"},
};

START_TEST(leads_wherever_stated) {
  doc d = extract(province_plan);
  size_t n = sizeof province_leads / sizeof *province_leads;
  for (size_t i = 0; i < n; i++)
    ck_assert_msg(
        has_lead(&d, province_leads[i].area, province_leads[i].unit),
        "no lead %s %s", province_leads[i].area, province_leads[i].unit);
  /* "X chủ trì số hóa tài liệu": work that names no area leads none */
  ck_assert_uint_eq(d.f->nleads, n);
  const frame_task *t = task(&d, "Giao Sở Công Thương chủ trì");
  check_units(t->lead, t->nlead, "so_cong_thuong");
  check_units(t->coordinators, t->ncoordinators,
              "name:Hiệp hội Phần mềm tỉnh");
  ck_assert_str_eq(deadline_text(&d, t), "trước ngày 30/9/2026");
  ck_assert_str_eq(t->area, "kinh_te_so");
  /* a numbered item of the body whose units act is a task of theirs; a
   * numbered title is none */
  check_lead(&d, "UBND các xã, phường bố trí kinh phí", "ubnd_cap_xa");
  ck_assert(!has_task(&d, "Hạ tầng số"));
  done(&d);
}
END_TEST

/* The shape the issue names: a commune's "Tổ chức thực hiện" whose unit
 * headings are "a." lines ending with a period and whose duties open with
 * "Chủ trì, phối hợp ... các nội dung về X; Y"; a bold line (no
 * numbering) heading a unit under a sub-part that names none. */
static const char commune_plan[] =
    "KẾ HOẠCH\n"
    "Cải cách hành chính xã Tân Lập năm 2026\n"
    "I. NHIỆM VỤ\n"
    "1. Rà soát văn bản do xã ban hành.\n"
    "II. TỔ CHỨC THỰC HIỆN\n"
    "a. Phòng Văn hóa - Xã hội.\n"
    "- Chủ trì, phối hợp với các phòng chuyên môn triển khai các nội dung "
    "về cải cách thể chế; cải cách thủ tục hành chính.\n"
    "- Tổng hợp báo cáo kết quả thực hiện Kế hoạch.\n"
    "b. Văn phòng HĐND và UBND xã.\n"
    "- Chủ trì triển khai nội dung về công tác tuyên truyền cải cách hành "
    "chính.\n"
    "c. Các đơn vị khác\n"
    "Phòng Kinh tế\n"
    "+ Bố trí kinh phí thực hiện Kế hoạch.\n"
    "Ban Quản lý chợ xã\n"
    "+ Niêm yết công khai thủ tục tại chợ.\n";

START_TEST(unit_heading_then_area_leads) {
  doc d = extract(commune_plan);
  ck_assert(has_lead(&d, "the_che", "phong_vhxh"));
  ck_assert(has_lead(&d, "tthc", "phong_vhxh"));
  ck_assert(has_lead(&d, "tuyen_truyen", "vp_hdnd_ubnd"));
  ck_assert_uint_eq(d.f->nleads, 3);
  const frame_task *t = task(&d, "Chủ trì, phối hợp với các phòng");
  check_units(t->lead, t->nlead, "phong_vhxh");
  check_units(t->coordinators, t->ncoordinators, "cac_co_quan");
  ck_assert_str_eq(t->area, "the_che");
  check_lead(&d, "Tổng hợp báo cáo kết quả", "phong_vhxh");
  check_lead(&d, "Bố trí kinh phí", "phong_kinh_te");
  check_lead(&d, "Niêm yết công khai", "name:Ban Quản lý chợ xã");
  ck_assert(!has_task(&d, "Các đơn vị khác"));
  ck_assert(!has_task(&d, "Phòng Kinh tế"));
  done(&d);
}
END_TEST

/* A unit the taxonomy lacks comes out by its name, as lead and as
 * coordinator, in several wordings. */
static const struct {
  const char *sentence; /* a body sentence of a plan */
  const char *lead, *coordinators;
} unknown_in_clauses[] = {
    {"Giao Ban Quản lý các khu công nghiệp tỉnh chủ trì, phối hợp với Sở "
     "Nội vụ rà soát thủ tục, hoàn thành trước ngày 30/6/2026.",
     "name:Ban Quản lý các khu công nghiệp tỉnh", "so_noi_vu"},
    {"Chi cục Thống kê khu vực IV có trách nhiệm tổng hợp số liệu, gửi "
     "trước ngày 10/7/2026.",
     "name:Chi cục Thống kê khu vực IV", ""},
    {"Sở Y tế chủ trì, phối hợp với Bảo hiểm xã hội tỉnh và Liên đoàn Lao "
     "động tỉnh triển khai sổ sức khỏe điện tử trước ngày 31/8/2026.",
     "so_y_te",
     "name:Bảo hiểm xã hội tỉnh,name:Liên đoàn Lao động tỉnh"},
    {"Đề nghị Hội Liên hiệp Phụ nữ tỉnh phối hợp với Sở Nội vụ vận động hội "
     "viên, hoàn thành trước ngày 30/10/2026.",
     "name:Hội Liên hiệp Phụ nữ tỉnh", "so_noi_vu"},
};

START_TEST(unknown_unit_by_name) {
  char src[1024];
  snprintf(src, sizeof src,
           "KẾ HOẠCH\nChuyển đổi số tỉnh Bình Thuận năm 2026\n"
           "I. NHIỆM VỤ\n1. Nội dung\n%s\n",
           unknown_in_clauses[_i].sentence);
  doc d = extract(src);
  ck_assert_uint_eq(d.f->ntasks, 1);
  const frame_task *t = &d.f->tasks[0];
  check_units(t->lead, t->nlead, unknown_in_clauses[_i].lead);
  check_units(t->coordinators, t->ncoordinators,
              unknown_in_clauses[_i].coordinators);
  for (size_t i = 0; i < t->nlead; i++)
    if (!t->lead[i].key) ck_assert_ptr_null(t->lead[i].name);
  done(&d);
}
END_TEST

START_TEST(body_tasks) {
  doc d = extract(plan);
  /* the item a "Thời gian thực hiện" line follows is a task with its time */
  const frame_task *t = task(&d, "Xây dựng dữ liệu dùng chung của xã");
  ck_assert_uint_eq(t->nlead, 0);
  ck_assert_int_ge(t->deadline, 0);
  ck_assert_str_eq(d.f->deadlines[t->deadline].kind, "quarter");
  ck_assert_str_eq(d.f->deadlines[t->deadline].start, "2025-04-01");
  ck_assert_str_eq(t->rule, "field.deadline");
  /* a body sentence that names its lead and coordinators */
  t = task(&d, "Phòng Kinh tế xã phối hợp với");
  check_units(t->lead, t->nlead, "phong_kinh_te");
  check_units(t->coordinators, t->ncoordinators, "phong_vhxh");
  /* plain body bullets are not tasks */
  ck_assert(!has_task(&d, "Rà soát, cập nhật dữ liệu"));
  done(&d);
}
END_TEST

/* The lead's clause is read for coordinators (none: "chủ trì rà soát
 * ..."), then the task, from the same start to the sentence's end, names
 * those of its next clause: clause_coordinators keeps its last answer by
 * the whole range, not by where it starts. */
START_TEST(coordinators_of_the_whole_task) {
  doc d = extract("KẾ HOẠCH\n"
                  "Cải cách hành chính xã An Phú năm 2025\n"
                  "I. NHIỆM VỤ\n"
                  "1. Cải cách thủ tục hành chính\n"
                  "Phòng Văn hóa - Xã hội chủ trì rà soát thủ tục hành "
                  "chính; phối hợp với Phòng Kinh tế kiểm tra hồ sơ trước "
                  "ngày 30/6/2025.\n");
  const frame_task *t = task(&d, "Phòng Văn hóa - Xã hội chủ trì");
  check_units(t->lead, t->nlead, "phong_vhxh");
  check_units(t->coordinators, t->ncoordinators, "phong_kinh_te");
  done(&d);
}
END_TEST

/* Whether a range holds the words of "phối hợp" and "chủ trì" is told by
 * the words of the last range asked who leads (clause_words_none) only
 * when that range holds it: a task of two clauses, its coordinators in
 * the first, is asked after its second clause (which names none); a duty
 * names them on its next line, and its area lead after them. */
START_TEST(coordinators_told_by_a_range_around) {
  doc d = extract("KẾ HOẠCH\n"
                  "Cải cách hành chính xã An Phú năm 2025\n"
                  "I. NHIỆM VỤ\n"
                  "1. Cải cách thủ tục hành chính\n"
                  "Phòng Văn hóa - Xã hội chủ trì, phối hợp với Phòng Kinh "
                  "tế rà soát thủ tục hành chính; kiểm tra hồ sơ trước "
                  "ngày 30/6/2025.\n"
                  "II. TỔ CHỨC THỰC HIỆN\n"
                  "1. Công an xã\n"
                  "- Rà soát hồ sơ an ninh trật tự, phối hợp với\n"
                  "Ban Chỉ huy Quân sự xã kiểm tra địa bàn.\n"
                  "- Kiểm tra hồ sơ cấp xã.\n"
                  "- Chủ trì cải cách thủ tục hành chính.\n");
  const frame_task *t = task(&d, "Phòng Văn hóa - Xã hội chủ trì");
  check_units(t->lead, t->nlead, "phong_vhxh");
  check_units(t->coordinators, t->ncoordinators, "phong_kinh_te");
  t = task(&d, "Rà soát hồ sơ an ninh");
  check_units(t->lead, t->nlead, "cong_an");
  check_units(t->coordinators, t->ncoordinators, "quan_su");
  t = task(&d, "Kiểm tra hồ sơ cấp xã");
  ck_assert_uint_eq(t->ncoordinators, 0);
  t = task(&d, "Chủ trì cải cách thủ tục");
  ck_assert_str_eq(t->rule, "lead.area");
  bool led = false;
  for (size_t i = 0; i < d.f->nleads; i++)
    led = led || (d.f->leads[i].unit.key &&
                  !strcmp(d.f->leads[i].unit.key, "cong_an"));
  ck_assert(led);
  done(&d);
}
END_TEST

/* A unit listed after "phối hợp với" does not lead, even followed by a
 * lead cue; the same unit opening its clause does.  (clause_lead reads the
 * coordination list only once a unit has a cue: this holds it to the
 * list.) */
START_TEST(coordinators_do_not_lead) {
  doc d = extract("KẾ HOẠCH\nCải cách hành chính năm 2025\n\nI. NHIỆM VỤ\n\n"
                  "1. Công tác an ninh\n\n"
                  "Phối hợp với Công an xã, Ban Chỉ huy Quân sự xã có trách "
                  "nhiệm bảo đảm an ninh trật tự trong quý II năm 2025.\n\n"
                  "Ban Chỉ huy Quân sự xã có trách nhiệm tuần tra địa bàn "
                  "trong quý III năm 2025.\n");
  const frame_task *t = task(&d, "Phối hợp với Công an xã");
  ck_assert_uint_eq(t->nlead, 0);
  check_units(t->coordinators, t->ncoordinators, "cong_an,quan_su");
  ck_assert_int_ge(t->deadline, 0);
  t = task(&d, "Ban Chỉ huy Quân sự xã có trách nhiệm tuần tra");
  check_units(t->lead, t->nlead, "quan_su");
  ck_assert_uint_eq(t->ncoordinators, 0);
  done(&d);
}
END_TEST

START_TEST(scattered_table) {
  doc d = extract(plan);
  /* row 1: the task cell continued on its next line; lead then
   * coordinator; time and budget cells; the row's target */
  const frame_task *t = task(&d, "Số hóa hồ sơ thủ tục hành chính");
  check_units(t->lead, t->nlead, "phong_kinh_te");
  check_units(t->coordinators, t->ncoordinators, "tram_y_te");
  ck_assert_str_eq(deadline_text(&d, t), "Quý III/2025");
  ck_assert_str_eq(t->budget, "Theo dự toán được cấp");
  ck_assert_int_ge(t->target, 0);
  ck_assert(d.f->targets[t->target].value == 80);
  ck_assert_ptr_null(t->lead_from);
  /* an activity with its own time: a row of its own, the units of the row
   * above (merged cells) */
  t = task(&d, "Kiểm tra kết quả số hóa");
  check_units(t->lead, t->nlead, "phong_kinh_te");
  check_units(t->coordinators, t->ncoordinators, "tram_y_te");
  ck_assert_str_eq(deadline_text(&d, t), "Thường xuyên");
  ck_assert_str_eq(t->products, "Báo cáo");
  /* two task cells sharing one row; the place in "Niêm yết tại Bộ phận
   * ..." is no unit cell; a lone collective is the coordinating column,
   * so the lead is the area's (tthc) */
  const char *shared[] = {"Công khai thủ tục",
                          "Hướng dẫn người dân nộp hồ sơ"};
  for (size_t i = 0; i < 2; i++) {
    t = task(&d, shared[i]);
    check_units(t->lead, t->nlead, "phong_vhxh");
    ck_assert_str_eq(t->lead_from, "area");
    check_units(t->coordinators, t->ncoordinators, "cac_ban_nganh");
    ck_assert_str_eq(deadline_text(&d, t), "Năm 2025");
    ck_assert_str_eq(t->area, "tthc");
    ck_assert_int_eq(t->target, -1);
  }
  /* nothing else from the table: 2 + 1 + 2 tasks */
  size_t n = 0;
  for (size_t i = 0; i < d.f->ntasks; i++)
    n += !strcmp(d.f->tasks[i].rule, "tcell.marker");
  ck_assert_uint_eq(n, 4);
  ck_assert(!has_task(&d, "Quét, lưu trữ hồ sơ"));
  ck_assert(!has_task(&d, "Niêm yết tại"));
  done(&d);
}
END_TEST

/* Budget cells are found by one search from a line start up to the next
 * (budget_cell): each row gets its own budget, none the next row's, one
 * printed over two lines included, and a row without one has none. */
START_TEST(table_budget_cells) {
  doc d = extract("KẾ HOẠCH\n"
                  "Cải cách hành chính xã An Phú năm 2025\n"
                  "I. MỤC TIÊU\n"
                  "Nâng cao chất lượng phục vụ người dân.\n"
                  "PHỤ LỤC\n"
                  "NHIỆM VỤ TRỌNG TÂM NĂM 2025\n"
                  "TT\nNhiệm vụ\nChủ trì Phối hợp\nThời gian\nKinh phí\n"
                  "1\n2.1. Số hóa hồ sơ\nPhòng Kinh tế\nQuý III/2025\n"
                  "Theo dự toán được cấp\n"
                  "2\n2.2. Công khai thủ tục\nPhòng Văn hóa - Xã hội\n"
                  "Năm 2025\n"
                  "3\n2.3. Kiểm tra kết quả số hóa\nPhòng Kinh tế\n"
                  "Quý IV/2025\nTheo\ndự toán được giao\n"
                  "4\n2.4. Tuyên truyền cải cách hành chính\n"
                  "Phòng Văn hóa - Xã hội\nNăm 2025\nNgân sách xã\n");
  ck_assert_str_eq(task(&d, "Số hóa hồ sơ")->budget, "Theo dự toán được cấp");
  ck_assert_ptr_null(task(&d, "Công khai thủ tục")->budget);
  ck_assert_str_eq(task(&d, "Kiểm tra kết quả")->budget,
                   "Theo dự toán được giao");
  ck_assert_str_eq(task(&d, "Tuyên truyền")->budget, "Ngân sách xã");
  done(&d);
}
END_TEST

START_TEST(inconsistency) {
  doc d = extract(plan);
  ck_assert_uint_eq(d.f->ninconsistencies, 1);
  const frame_inconsistency *c = &d.f->inconsistencies[0];
  ck_assert_str_eq(c->indicator, "tthc.so_hoa");
  ck_assert(d.f->targets[c->first].value == 60);
  ck_assert(d.f->targets[c->second].value == 80);
  done(&d);
}
END_TEST

START_TEST(ids_and_order) {
  doc d = extract(plan);
  ck_assert_uint_gt(d.f->ntasks, 0);
  for (size_t i = 0; i < d.f->ntasks; i++) {
    char id[32];
    snprintf(id, sizeof id, "k%zu", i + 1);
    ck_assert_str_eq(d.f->tasks[i].id, id);
    ck_assert_ptr_nonnull(d.f->tasks[i].rule);
    if (i) ck_assert_uint_le(d.f->tasks[i - 1].span.start,
                             d.f->tasks[i].span.start);
  }
  done(&d);
}
END_TEST

START_TEST(no_tasks) {
  doc d = extract("KẾ HOẠCH\nI. MỤC TIÊU\n- Nâng cao chất lượng.\n");
  ck_assert_uint_eq(d.f->ntasks, 0);
  ck_assert_uint_eq(d.f->nleads, 0);
  ck_assert_uint_eq(d.f->ninconsistencies, 0);
  done(&d);
  d = extract("");
  ck_assert_uint_eq(d.f->ntasks, 0);
  done(&d);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Tables in every form, and inline assignment lines                    */

/* One small table of our own, the same rows in several forms: cells
 * scattered one per line as PDF text gives them, crawled rows "| a | b |",
 * crawled with every '|' alone on a line, crawled rows with the columns in
 * another order, rows run together on one line, every cell on a line
 * behind its bar.  The plan around it is the same. */
#define TABLE_PLAN_HEAD                                                       \
  "KẾ HOẠCH\n"                                                                \
  "Cải cách hành chính xã Tân Hòa năm 2026\n"                                 \
  "I. MỤC TIÊU\n"                                                             \
  "- Giải quyết hồ sơ đúng hạn.\n"                                            \
  "PHỤ LỤC\n"                                                                 \
  "NHIỆM VỤ NĂM 2026\n"

static const char table_scattered[] =
    TABLE_PLAN_HEAD
    "TT\n"
    "Nhiệm vụ\n"
    "Chủ trì\n"
    "Phối hợp\n"
    "Thời gian\n"
    "I CẢI CÁCH THỦ TỤC HÀNH CHÍNH\n"
    "1\n"
    "2.1. Niêm yết công khai thủ tục hành chính tại trụ sở\n"
    "Phòng Kinh tế\n"
    "Trạm Y tế xã\n"
    "Quý II/2026\n"
    "2\n"
    "2.2. Đối thoại với hộ kinh doanh về thủ tục đất đai\n"
    "Phòng Văn hóa - Xã hội\n"
    "Công an xã\n"
    "Năm 2026\n";

static const char table_rows[] =
    TABLE_PLAN_HEAD
    "| TT | Nhiệm vụ | Chủ trì | Phối hợp | Thời gian |\n"
    "|---|---|---|---|---|\n"
    "| I | CẢI CÁCH THỦ TỤC HÀNH CHÍNH | | | |\n"
    "| 1 | 2.1. Niêm yết công khai thủ tục hành chính tại trụ sở "
    "| Phòng Kinh tế | Trạm Y tế xã | Quý II/2026 |\n"
    "| 2 | 2.2. Đối thoại với hộ kinh doanh về thủ tục đất đai "
    "| Phòng Văn hóa - Xã hội | Công an xã | Năm 2026 |\n";

static const char table_bars[] =
    TABLE_PLAN_HEAD
    "|\nTT\n|\nNhiệm vụ\n|\nChủ trì\n|\nPhối hợp\n|\nThời gian\n|\n"
    "|\nI\n|\nCẢI CÁCH THỦ TỤC HÀNH CHÍNH\n|\n|\n|\n|\n"
    "|\n1\n|\n2.1. Niêm yết công khai thủ tục\nhành chính tại trụ sở\n|\n"
    "Phòng Kinh tế\n|\nTrạm Y tế xã\n|\nQuý II/2026\n|\n"
    "|\n2\n|\n2.2. Đối thoại với hộ kinh doanh về thủ tục đất đai\n|\n"
    "Phòng Văn hóa - Xã hội\n|\nCông an xã\n|\nNăm 2026\n|\n";

static const char table_reordered[] =
    TABLE_PLAN_HEAD
    "| Thời gian | Kết quả | Cơ quan phối hợp | TT | Cơ quan chủ trì "
    "| Nội dung |\n"
    "| --- | --- | --- | --- | --- | --- |\n"
    "| | | | I | | CẢI CÁCH THỦ TỤC HÀNH CHÍNH |\n"
    "| Quý II/2026 | Bảng niêm yết | Trạm Y tế xã | 1 | Phòng Kinh tế "
    "| 2.1. Niêm yết công khai thủ tục hành chính tại trụ sở |\n"
    "| Năm 2026 | Biên bản | Công an xã | 2 | Phòng Văn hóa - Xã hội "
    "| 2.2. Đối thoại với hộ kinh doanh về thủ tục đất đai |\n";

/* Rows run together on one line, as a rewrapped crawl gives them. */
static const char table_glued[] =
    TABLE_PLAN_HEAD
    "| TT | Nhiệm vụ | Chủ trì | Phối hợp | Thời gian | | I | CẢI CÁCH THỦ "
    "TỤC HÀNH CHÍNH | | | | | | 1 | 2.1. Niêm yết công khai thủ tục hành "
    "chính tại trụ sở | Phòng Kinh tế | Trạm Y tế xã | Quý II/2026 | | 2 | "
    "2.2. Đối thoại với hộ kinh doanh về thủ tục đất đai | Phòng Văn hóa - "
    "Xã hội | Công an xã | Năm 2026 |\n";

/* Every cell on a line of its own behind its bar. */
static const char table_bar_lines[] =
    TABLE_PLAN_HEAD
    "| TT\n| Nhiệm vụ\n| Chủ trì\n| Phối hợp\n| Thời gian\n|\n"
    "| I\n| CẢI CÁCH THỦ TỤC HÀNH CHÍNH\n|\n|\n|\n|\n"
    "| 1\n| 2.1. Niêm yết công khai thủ tục hành chính tại trụ sở\n"
    "| Phòng Kinh tế\n| Trạm Y tế xã\n| Quý II/2026\n|\n"
    "| 2\n| 2.2. Đối thoại với hộ kinh doanh về thủ tục đất đai\n"
    "| Phòng Văn hóa - Xã hội\n| Công an xã\n| Năm 2026\n|\n";

/* The tasks a table gave (those of its rule), one line each: text, lead,
 * coordinators, deadline kind and dates. */
static char *table_tasks(const doc *d, const char *rule_id) {
  size_t cap = 16384, len = 0;
  char *out = calloc(cap, 1);
  ck_assert_ptr_nonnull(out);
  for (size_t i = 0; i < d->f->ntasks; i++) {
    const frame_task *t = &d->f->tasks[i];
    if (strcmp(t->rule, rule_id)) continue;
    char lead[256], coords[256];
    keys(t->lead, t->nlead, lead, sizeof lead);
    keys(t->coordinators, t->ncoordinators, coords, sizeof coords);
    const frame_deadline *dl =
        t->deadline >= 0 ? &d->f->deadlines[t->deadline] : NULL;
    len += (size_t)snprintf(out + len, cap - len, "%s | %s | %s | %s %s..%s\n",
                            t->text, lead, coords, dl ? dl->kind : "-",
                            dl && dl->start ? dl->start : "",
                            dl && dl->end ? dl->end : "");
    ck_assert_uint_lt(len, cap);
  }
  return out;
}

/* src's table tasks (rule field.task) are `want`; both freed. */
static void assert_field_tasks(char *src, char *want) {
  doc d = extract(src);
  char *got = table_tasks(&d, "field.task");
  ck_assert_str_eq(got, want);
  free(got);
  done(&d);
  free(src);
  free(want);
}

START_TEST(table_forms_agree) {
  /* the cell's own numbering ("2.1.") is a list marker, left out */
  const char *want =
      "Niêm yết công khai thủ tục hành chính tại trụ sở | phong_kinh_te "
      "| tram_y_te | quarter 2026-04-01..2026-06-30\n"
      "Đối thoại với hộ kinh doanh về thủ tục đất đai | phong_vhxh "
      "| cong_an | year 2026-01-01..2026-12-31\n";
  doc d = extract(table_scattered);
  char *got = table_tasks(&d, "tcell.marker");
  ck_assert_str_eq(got, want);
  free(got);
  done(&d);
  /* the crawled forms: their tasks carry the rule of the work's header */
  const char *crawled[] = {table_rows, table_bars, table_reordered,
                           table_glued, table_bar_lines};
  for (size_t i = 0; i < sizeof crawled / sizeof *crawled; i++) {
    d = extract(crawled[i]);
    got = table_tasks(&d, "field.task");
    ck_assert_msg(!strcmp(got, want), "form %zu:\n%s", i, got);
    /* nothing else became a task: not the header, the group row, a cell */
    ck_assert_uint_eq(d.f->ntasks, 2);
    /* "Kết quả" of a task table is what the task delivers */
    if (crawled[i] == table_reordered)
      ck_assert_str_eq(d.f->tasks[0].products, "Bảng niêm yết");
    free(got);
    done(&d);
  }
}
END_TEST

/* Merged cells, a row wrapped onto a row of its own, a row whose line
 * wraps before its closing bar, group rows, a repeated header, a unit the
 * taxonomy lacks, a lead cell naming who leads, a products column. */
static const char table_crawl_plan[] =
    TABLE_PLAN_HEAD
    "| STT | Nhiệm vụ, giải pháp | Đơn vị thực hiện | Đơn vị phối hợp "
    "| Thời hạn hoàn thành | Sản phẩm đầu ra |\n"
    "|---|---|---|---|---|---|\n"
    "| A | THỦ TỤC HÀNH CHÍNH | | | | |\n"
    "| 1 | Rà soát quy trình nội bộ | Phòng Kinh tế | Trạm Y tế xã "
    "| Quý III/2026 | Quy trình |\n"
    "| 2 | Công khai kết quả rà soát | | | | Thông báo |\n"
    "| | trên cổng thông tin của xã | | | | |\n"
    "| 3 | Cập nhật dữ liệu dân cư | Công an xã;\n"
    "Ban Chỉ huy Quân sự xã | | Năm 2026 | Dữ liệu |\n"
    "| B | TỔ CHỨC BỘ MÁY | | | | |\n"
    "| Nội dung | Đơn vị thực hiện | Đơn vị phối hợp | Thời hạn hoàn thành "
    "| Sản phẩm đầu ra |\n"
    "| 4 | Sắp xếp tổ công tác | | | | Quyết định |\n"
    "| 5 | Tập huấn nghiệp vụ một cửa | Hội Nông dân xã | | Quý IV/2026 "
    "| Lớp |\n"
    "| 6 | Báo cáo kết quả | Phòng Kinh tế chủ trì tổng hợp; Công an xã "
    "thực hiện | | Năm 2026 | Báo cáo |\n";

START_TEST(table_crawl_rows) {
  doc d = extract(table_crawl_plan);
  const frame_task *t = task(&d, "Rà soát quy trình nội bộ");
  check_units(t->lead, t->nlead, "phong_kinh_te");
  check_units(t->coordinators, t->ncoordinators, "tram_y_te");
  ck_assert_str_eq(deadline_text(&d, t), "Quý III/2026");
  ck_assert_str_eq(t->products, "Quy trình");
  ck_assert_str_eq(t->rule, "field.task");
  /* empty cells take the units and time of the row above (merged); the
   * row below, in lower case and without number, is its text wrapped */
  t = task(&d, "Công khai kết quả rà soát trên cổng thông tin của xã");
  check_units(t->lead, t->nlead, "phong_kinh_te");
  check_units(t->coordinators, t->ncoordinators, "tram_y_te");
  ck_assert_str_eq(deadline_text(&d, t), "Quý III/2026");
  ck_assert_str_eq(t->products, "Thông báo");
  ck_assert(!has_task(&d, "trên cổng thông tin"));
  /* a row whose line wraps before its closing bar */
  t = task(&d, "Cập nhật dữ liệu dân cư");
  check_units(t->lead, t->nlead, "cong_an,quan_su");
  ck_assert_str_eq(deadline_text(&d, t), "Năm 2026");
  /* a new group: nothing merged across it; a repeated header is no row */
  t = task(&d, "Sắp xếp tổ công tác");
  ck_assert_uint_eq(t->nlead, 0);
  ck_assert_int_eq(t->deadline, -1);
  ck_assert(!has_task(&d, "Nội dung"));
  ck_assert(!has_task(&d, "THỦ TỤC HÀNH CHÍNH"));
  ck_assert(!has_task(&d, "TỔ CHỨC BỘ MÁY"));
  /* a unit the taxonomy lacks, by its name */
  t = task(&d, "Tập huấn nghiệp vụ một cửa");
  check_units(t->lead, t->nlead, "name:Hội Nông dân xã");
  /* "X chủ trì ...; Y thực hiện" in the lead cell: X leads */
  t = task(&d, "Báo cáo kết quả");
  check_units(t->lead, t->nlead, "phong_kinh_te");
  check_units(t->coordinators, t->ncoordinators, "cong_an");
  ck_assert_uint_eq(d.f->ntasks, 6);
  done(&d);
}
END_TEST

/* The crawl reads its slots as the tables need them and drops those it
 * has passed, and keeps its arrays for cutting rows from table to table:
 * tables after many slots of text between bars (the window moved many
 * times), the second one longer than the first (the arrays grown), read
 * as a table alone does. */
START_TEST(table_crawl_after_many_slots) {
  enum { STRAY = 700, ROWS = 40 }; /* bars of text: about two slots each */
  const char *row =
      "| %d | Nhiệm vụ số %d của xã | Phòng Kinh tế | Trạm Y tế xã "
      "| Quý II/2026 |\n";
  size_t cap = 200000, len = 0, wlen = 0;
  char *src = malloc(cap), *want = malloc(cap);
  ck_assert_ptr_nonnull(src);
  ck_assert_ptr_nonnull(want);
  want[0] = 0;
  len += (size_t)snprintf(src + len, cap - len, "%s", TABLE_PLAN_HEAD);
  for (int round = 0, n = 0; round < 2; round++) {
    for (int i = 0; i < STRAY; i++)
      len += (size_t)snprintf(src + len, cap - len, "| mục %d |\n", i);
    /* prose: a slot too long for a cell ends the text between bars */
    for (int i = 0; i < 35; i++)
      len += (size_t)snprintf(src + len, cap - len,
                              "Đoạn văn bản thứ %d của phụ lục\n", i);
    len += (size_t)snprintf(src + len, cap - len,
                            "| TT | Nhiệm vụ | Chủ trì | Phối hợp "
                            "| Thời gian |\n|---|---|---|---|---|\n");
    for (int r = 0; r < (round ? ROWS : 2); r++, n++) {
      len += (size_t)snprintf(src + len, cap - len, row, r + 1, n);
      wlen += (size_t)snprintf(want + wlen, cap - wlen,
                               "Nhiệm vụ số %d của xã | phong_kinh_te "
                               "| tram_y_te | quarter 2026-04-01..2026-06-30"
                               "\n", n);
    }
    for (int i = 0; i < 35; i++)
      len += (size_t)snprintf(src + len, cap - len,
                              "Đoạn kết thứ %d của phụ lục\n", i);
    ck_assert_uint_lt(len, cap);
  }
  assert_field_tasks(src, want);
}
END_TEST

/* ---- tab22: crawled tables read past lines without bars, cells' facts -- */

/* The crawled tables of src as extract_frame's first passes read them
 * (sections, then cells): each as "rows:" then its cells "role=text|",
 * into out; their number is returned, and in *reused how many cells were
 * answered by the facts kept for their text. */
static size_t crawled_dump(const char *src, char *out, size_t cap,
                           size_t *reused) {
  cchc_text *t = NULL;
  cchc_error err = {0};
  ck_assert_int_eq(cchc_normalize(src, strlen(src), NULL, &t, &err), CCHC_OK);
  xctx x;
  memset(&x, 0, sizeof x);
  ck_assert_int_eq(xctx_open(&x, rules, t, &err), CCHC_OK);
  ck_assert_int_eq(extract_sections(&x), CCHC_OK);
  ck_assert_int_eq(table_cells(&x), CCHC_OK);
  size_t len = 0, n = x.ntables;
  out[0] = '\0';
  for (size_t i = 0; i < n; i++) {
    const table *tb = &x.tables[i];
    len += (size_t)snprintf(out + len, cap - len, "%zu:", tb->nrows);
    for (size_t k = 0; k < tb->ncells && len < cap; k++) {
      const table_cell *c = &tb->cells[k];
      len += (size_t)snprintf(out + len, cap - len, "%d=%.*s|", c->role,
                              (int)(c->end - c->start), x.s + c->start);
    }
    len += (size_t)snprintf(out + len, cap - len, "\n");
    ck_assert_uint_lt(len, cap);
  }
  *reused = x.table_facts_reused;
  xctx_close(&x);
  cchc_text_free(t);
  return n;
}

/* The crawl passes the lines before the next bar of the text without a
 * search of each: a table after hundreds of lines of prose, another after
 * more, the last of its rows the text's last line (no line break after
 * it), each read whole; a text without a bar has no table. */
START_TEST(table_crawl_between_lines_without_bars) {
  const char *row =
      "| %d | Nhiệm vụ số %d của xã | Phòng Kinh tế | Trạm Y tế xã "
      "| Quý II/2026 |";
  size_t cap = 200000, len = 0, wlen = 0;
  char *src = malloc(cap), *want = malloc(cap);
  ck_assert_ptr_nonnull(src);
  ck_assert_ptr_nonnull(want);
  len += (size_t)snprintf(src + len, cap - len, "%s", TABLE_PLAN_HEAD);
  for (int round = 0, n = 0; round < 2; round++) {
    for (int i = 0; i < 300; i++)
      len += (size_t)snprintf(src + len, cap - len,
                              "Đoạn văn bản thứ %d của phụ lục\n", i);
    len += (size_t)snprintf(src + len, cap - len,
                            "| TT | Nhiệm vụ | Chủ trì | Phối hợp "
                            "| Thời gian |\n|---|---|---|---|---|\n");
    for (int r = 0; r < 3; r++, n++) {
      len += (size_t)snprintf(src + len, cap - len, row, r + 1, n);
      if (round == 0 || r < 2) src[len++] = '\n';
      wlen += (size_t)snprintf(want + wlen, cap - wlen,
                               "Nhiệm vụ số %d của xã | phong_kinh_te "
                               "| tram_y_te | quarter 2026-04-01..2026-06-30"
                               "\n", n);
    }
    ck_assert_uint_lt(len, cap);
  }
  src[len] = '\0';
  char dump[8192];
  size_t reused;
  ck_assert_uint_eq(crawled_dump(src, dump, sizeof dump, &reused), 2);
  ck_assert_ptr_nonnull(strstr(dump, "Nhiệm vụ số 0 của xã"));
  ck_assert_ptr_nonnull(strstr(dump, "Nhiệm vụ số 5 của xã"));
  assert_field_tasks(src, want);
  ck_assert_uint_eq(crawled_dump(TABLE_PLAN_HEAD "Đoạn văn bản\n", dump,
                                 sizeof dump, &reused),
                    0);
}
END_TEST

/* A crawled table's cells that repeat ("Phòng Kinh tế", "Năm 2026") are
 * answered by the facts kept for their text (a slot is trusted only once
 * a text was put in it: the slots are not zeroed), and the tables read
 * so are those read with each cell asked of the rules itself. */
START_TEST(table_cells_answered_by_their_text) {
  size_t cap = 65536, len = 0;
  char *src = malloc(cap);
  ck_assert_ptr_nonnull(src);
  len += (size_t)snprintf(src + len, cap - len,
                          "%s| TT | Nhiệm vụ | Chủ trì | Phối hợp "
                          "| Thời gian |\n|---|---|---|---|---|\n",
                          TABLE_PLAN_HEAD);
  for (int r = 0; r < 60; r++) {
    if (r % 20 == 0)
      len += (size_t)snprintf(src + len, cap - len,
                              "| %s | NHÓM NHIỆM VỤ %d | | | |\n",
                              r ? "II" : "I", r / 20 + 1);
    len += (size_t)snprintf(src + len, cap - len,
                            "| %d | Rà soát thủ tục hành chính số %d | %s "
                            "| Công an xã | %s |\n",
                            r + 1, r, r % 2 ? "Phòng Kinh tế" : "Trạm Y tế xã",
                            r % 3 ? "Năm 2026" : "Quý II/2026");
    ck_assert_uint_lt(len, cap);
  }
  char *kept = malloc(cap), *asked = malloc(cap);
  ck_assert_ptr_nonnull(kept);
  ck_assert_ptr_nonnull(asked);
  size_t reused_kept, reused_asked;
  ck_assert_uint_eq(crawled_dump(src, kept, cap, &reused_kept), 1);
  table_cell_facts_off = true;
  ck_assert_uint_eq(crawled_dump(src, asked, cap, &reused_asked), 1);
  table_cell_facts_off = false;
  ck_assert_str_eq(kept, asked);
  ck_assert_ptr_nonnull(strstr(kept, "60:"));
  ck_assert_uint_eq(reused_asked, 0);
  /* the number, lead, coordinator and time cells of most rows */
  ck_assert_uint_gt(reused_kept, 60);
  free(kept);
  free(asked);
  free(src);
}
END_TEST

/* A slot asks its facts where it found them for its text, unless another
 * text has taken them since: a table of more distinct cells than the
 * facts keep (1024), its number column holding numbers and, in rows that
 * go on from the row above (all in lower case), words, is read as with
 * each cell asked of the rules itself (a word taken for a number would
 * start a row of its own). */
START_TEST(table_cells_past_as_many_facts) {
  enum { ROWS = 1500 };
  size_t cap = 400000, len = 0;
  char *src = malloc(cap);
  ck_assert_ptr_nonnull(src);
  len += (size_t)snprintf(src + len, cap - len,
                          "%s| TT | Nhiệm vụ | Chủ trì | Phối hợp "
                          "| Thời gian |\n|---|---|---|---|---|\n",
                          TABLE_PLAN_HEAD);
  for (int r = 0; r < ROWS; r++) {
    len += (size_t)snprintf(src + len, cap - len,
                            "| %d | Rà soát thủ tục số %d | Phòng Kinh tế "
                            "| Công an xã | Năm 2026 |\n",
                            r + 1, r);
    if (r % 2)
      len += (size_t)snprintf(src + len, cap - len,
                              "| mục %d | và báo cáo kết quả %d | | | |\n",
                              r, r);
    ck_assert_uint_lt(len, cap);
  }
  size_t dcap = 1 << 20;
  char *kept = malloc(dcap), *asked = malloc(dcap);
  ck_assert_ptr_nonnull(kept);
  ck_assert_ptr_nonnull(asked);
  size_t reused_kept, reused_asked;
  size_t n = crawled_dump(src, kept, dcap, &reused_kept);
  table_cell_facts_off = true;
  ck_assert_uint_eq(crawled_dump(src, asked, dcap, &reused_asked), n);
  table_cell_facts_off = false;
  ck_assert_uint_ge(n, 1);
  ck_assert_msg(!strcmp(kept, asked),
                "the tables read differ from those read with every cell "
                "asked (%zu and %zu bytes)",
                strlen(kept), strlen(asked));
  free(kept);
  free(asked);
  free(src);
}
END_TEST

/* A table's cells lie in one array that moves as it grows, and merged
 * cells lay the rows out anew: a long table whose rows name alternating
 * units, every third row with its unit and time cells empty (it takes the
 * row above's), gives each task the units and time of its own row or of
 * the row above. */
START_TEST(table_long_merged_rows) {
  enum { ROWS = 90 };
  static const struct {
    const char *lead, *coord, *time, *want;
  } kinds[] = {
      {"Phòng Kinh tế", "Trạm Y tế xã", "Quý II/2026",
       "phong_kinh_te | tram_y_te | quarter 2026-04-01..2026-06-30"},
      {"Phòng Văn hóa - Xã hội", "Công an xã", "Năm 2026",
       "phong_vhxh | cong_an | year 2026-01-01..2026-12-31"}};
  size_t cap = 65536, len = 0, wlen = 0;
  char *src = malloc(cap), *want = malloc(cap);
  ck_assert_ptr_nonnull(src);
  ck_assert_ptr_nonnull(want);
  len += (size_t)snprintf(src + len, cap - len,
                          "%s| TT | Nhiệm vụ | Chủ trì | Phối hợp "
                          "| Thời gian |\n|---|---|---|---|---|\n",
                          TABLE_PLAN_HEAD);
  int kind = 0;
  for (int r = 0; r < ROWS; r++) {
    bool merged = r % 3 == 2;
    if (!merged) kind = (r / 3 + r) % 2;
    if (merged)
      len += (size_t)snprintf(src + len, cap - len,
                              "| %d | Nhiệm vụ số %d của xã | | | |\n",
                              r + 1, r);
    else
      len += (size_t)snprintf(src + len, cap - len,
                              "| %d | Nhiệm vụ số %d của xã | %s | %s "
                              "| %s |\n",
                              r + 1, r, kinds[kind].lead, kinds[kind].coord,
                              kinds[kind].time);
    wlen += (size_t)snprintf(want + wlen, cap - wlen,
                             "Nhiệm vụ số %d của xã | %s\n", r,
                             kinds[kind].want);
    ck_assert_uint_lt(len, cap);
    ck_assert_uint_lt(wlen, cap);
  }
  assert_field_tasks(src, want);
}
END_TEST

/* A target table: each row's figure in its measure is a target; a row
 * whose target cell states its own figure keeps that one. */
START_TEST(table_targets) {
  doc d = extract(TABLE_PLAN_HEAD
                  "| TT | Chỉ tiêu | Đơn vị tính | Kết quả |\n"
                  "|---|---|---|---|\n"
                  "| 1 | Tỷ lệ hồ sơ giải quyết trực tuyến toàn trình | % "
                  "| 85 |\n"
                  "| 2 | Tỷ lệ thủ tục hành chính công khai đạt 100% | % "
                  "| 100 |\n");
  ck_assert_uint_eq(d.f->ntargets, 2);
  const frame_target *g = &d.f->targets[0];
  ck_assert(g->value == 85);
  ck_assert_str_eq(g->unit, "%");
  ck_assert_str_eq(g->text,
                   "Tỷ lệ hồ sơ giải quyết trực tuyến toàn trình 85 %");
  char *sp = span_of(&d, g->span);
  ck_assert_str_eq(sp, "85");
  free(sp);
  g = &d.f->targets[1];
  ck_assert(g->value == 100);
  ck_assert_str_eq(g->text, "Tỷ lệ thủ tục hành chính công khai đạt 100%");
  ck_assert_str_eq(g->id, "t2");
  /* a target table names no lead: no task */
  ck_assert_uint_eq(d.f->ntasks, 0);
  done(&d);
}
END_TEST

/* Inline assignment lines in several wordings, on their own lines or run
 * into one, bulleted or not, after a heading alone or after its items. */
static const char assign_plan[] =
    "KẾ HOẠCH\n"
    "Chuyển đổi số xã Tân Hòa năm 2026\n"
    "I. NHIỆM VỤ\n"
    "1. Số hóa sổ hộ tịch\n"
    "- Rà soát, số hóa sổ hộ tịch lưu tại xã.\n"
    "Cơ quan chủ trì: Phòng Văn hóa - Xã hội.\n"
    "Cơ quan phối hợp: Công an xã, Trạm Y tế xã.\n"
    "Thời hạn hoàn thành: Quý III/2026.\n"
    "2. Tập huấn kỹ năng số cho cán bộ\n"
    "- Đơn vị chủ trì (thực hiện): Phòng Kinh tế.\n"
    "- Đơn vị/cơ quan phối hợp: Văn phòng HĐND và UBND xã.\n"
    "- Thời gian thực hiện: Tháng 8/2026.\n"
    "- Sản phẩm: Lớp tập huấn.\n"
    "3. Cập nhật trang thông tin điện tử\n"
    "- Đăng tải văn bản mới ban hành. Đơn vị thực hiện: Văn phòng HĐND và "
    "UBND xã. Thời hạn (ban hành): trước ngày 31/12/2026.\n"
    "- Lập chuyên mục hỏi đáp cho người dân.\n"
    "+ Đơn vị chủ trì: Tổ công nghệ số cộng đồng.\n"
    "+ Thời hạn:\n"
    "- Lập chuyên mục trước ngày 15/5/2026;\n"
    "- Vận hành chuyên mục trước ngày 30/6/2026.\n"
    "4. Rà soát quy chế làm việc\n"
    "Giao Phòng Kinh tế chủ trì, phối hợp với Công an xã rà soát quy chế. "
    "Thời hạn hoàn thành: trước ngày 30/9/2026.\n"
    "II. KINH PHÍ\n"
    "Kinh phí thực hiện từ ngân sách xã.\n";

START_TEST(inline_assignments) {
  doc d = extract(assign_plan);
  /* the labels follow the item's bullet: the item with its heading */
  const frame_task *t = task(&d, "Số hóa sổ hộ tịch");
  ck_assert_ptr_nonnull(strstr(t->text, "Rà soát, số hóa sổ hộ tịch"));
  check_units(t->lead, t->nlead, "phong_vhxh");
  check_units(t->coordinators, t->ncoordinators, "cong_an,tram_y_te");
  ck_assert_str_eq(d.f->deadlines[t->deadline].kind, "quarter");
  ck_assert_str_eq(t->rule, "field.lead");
  /* bulleted labels right under the heading: the heading is the task */
  t = task(&d, "Tập huấn kỹ năng số cho cán bộ");
  check_units(t->lead, t->nlead, "phong_kinh_te");
  check_units(t->coordinators, t->ncoordinators, "vp_hdnd_ubnd");
  ck_assert_str_eq(d.f->deadlines[t->deadline].start, "2026-08-01");
  ck_assert_str_eq(t->products, "Lớp tập huấn.");
  /* labels run into the item's line */
  t = task(&d, "Cập nhật trang thông tin điện tử");
  ck_assert_ptr_nonnull(strstr(t->text, "Đăng tải văn bản mới ban hành."));
  ck_assert_ptr_null(strstr(t->text, "Đơn vị thực hiện"));
  check_units(t->lead, t->nlead, "vp_hdnd_ubnd");
  ck_assert_str_eq(d.f->deadlines[t->deadline].end, "2026-12-31");
  /* the next item of the same heading; a lead the taxonomy lacks, named;
   * a time label ending at its colon takes the steps below it, and the
   * task ends with the last */
  t = task(&d, "Lập chuyên mục hỏi đáp cho người dân");
  check_units(t->lead, t->nlead, "name:Tổ công nghệ số cộng đồng");
  ck_assert_str_eq(d.f->deadlines[t->deadline].end, "2026-06-30");
  /* a time label only: the item's own words name lead and coordinators */
  t = task(&d, "Rà soát quy chế làm việc Giao Phòng Kinh tế chủ trì");
  check_units(t->lead, t->nlead, "phong_kinh_te");
  check_units(t->coordinators, t->ncoordinators, "cong_an");
  ck_assert_str_eq(d.f->deadlines[t->deadline].end, "2026-09-30");
  ck_assert_str_eq(t->rule, "field.deadline");
  /* the label lines and the steps are no tasks of their own */
  ck_assert(!has_task(&d, "Cơ quan"));
  ck_assert(!has_task(&d, "Lập chuyên mục trước"));
  ck_assert(!has_task(&d, "Vận hành chuyên mục"));
  ck_assert(!has_task(&d, "Giao Phòng Kinh tế"));
  ck_assert_uint_eq(d.f->ntasks, 5);
  done(&d);
}
END_TEST

/* Labels inside a line follow "; " as they follow ". ": the time after
 * the lead on the same line; a ';' without a space after it starts no
 * label, so the time there stays in the lead's value. */
static const char semicolon_plan[] =
    "KẾ HOẠCH\n"
    "Chuyển đổi số xã Tân Hòa năm 2026\n"
    "I. NHIỆM VỤ\n"
    "1. Số hóa sổ hộ tịch\n"
    "Cơ quan chủ trì: Phòng Văn hóa - Xã hội; Thời hạn hoàn thành: Quý "
    "III/2026.\n"
    "2. Tập huấn kỹ năng số cho cán bộ\n"
    "Cơ quan chủ trì: Phòng Kinh tế;Thời hạn hoàn thành: Quý IV/2026.\n"
    "II. KINH PHÍ\n"
    "Kinh phí thực hiện từ ngân sách xã.\n";

START_TEST(labels_after_semicolon) {
  doc d = extract(semicolon_plan);
  const frame_task *t = task(&d, "Số hóa sổ hộ tịch");
  check_units(t->lead, t->nlead, "phong_vhxh");
  ck_assert_int_ge(t->deadline, 0);
  ck_assert_str_eq(d.f->deadlines[t->deadline].start, "2026-07-01");
  t = task(&d, "Tập huấn kỹ năng số cho cán bộ");
  check_units(t->lead, t->nlead, "phong_kinh_te");
  ck_assert_int_lt(t->deadline, 0);
  ck_assert_uint_eq(d.f->ntasks, 2);
  done(&d);
}
END_TEST

/* ------------------------------------------------------------------ */
/* The corpus against the gold annotations, with the public eval API   */

START_TEST(corpus_against_gold) {
  char **files;
  size_t n = harness_corpus(&files);
  ck_assert_uint_gt(n, 0);
  cchc_eval *ev = cchc_eval_new();
  ck_assert_ptr_nonnull(ev);
  for (size_t i = 0; i < n; i++) {
    size_t len, glen;
    char *src = harness_read(files[i], &len);
    ck_assert_ptr_nonnull(src);
    const char *base = strrchr(files[i], '/');
    base = base ? base + 1 : files[i];
    char gpath[4096];
    snprintf(gpath, sizeof gpath, "%s/gold/%.*s.gold.json", harness_shared(),
             (int)(strlen(base) - 4), base);
    char *gold = harness_read(gpath, &glen);
    ck_assert_msg(gold != NULL, "%s", gpath);
    cchc_error err = {0};
    cchc_frame *f;
    cchc_process_options opt = {.path = base};
    ck_assert_int_eq(cchc_process(rules, src, len, &opt, &f, &err), CCHC_OK);
    ck_assert_int_eq(cchc_eval_add(ev, base, f, gold, glen, &err), CCHC_OK);
    cchc_frame_free(f);
    free(gold);
    free(src);
  }
  harness_free_list(files, n);
  double leads = cchc_eval_score(ev, "leads.f1");
  double tasks = cchc_eval_score(ev, "tasks.f1");
  double lead = cchc_eval_score(ev, "tasks.lead");
  double coord = cchc_eval_score(ev, "tasks.coordinators.f1");
  double dl = cchc_eval_score(ev, "tasks.deadline");
  printf("leads F1 %.3f; tasks F1 %.3f (P %.3f R %.3f), lead %.3f, "
         "coordinators F1 %.3f, deadline %.3f\n",
         leads, tasks, cchc_eval_score(ev, "tasks.precision"),
         cchc_eval_score(ev, "tasks.recall"), lead, coord, dl);
  /* the issue's bar is 0.9 / 0.85 / 0.9 / 0.85 / 0.85; these are the
   * values reached, so that a regression shows */
  ck_assert(leads >= 0.99);
  ck_assert(tasks >= 0.99);
  ck_assert(lead >= 0.99);
  ck_assert(coord >= 0.99);
  ck_assert(dl >= 0.99);
  /* the earlier fields hold */
  ck_assert(cchc_eval_score(ev, "targets.f1") >= 0.99);
  ck_assert(cchc_eval_score(ev, "references.f1") >= 0.99);
  cchc_eval_free(ev);
}
END_TEST

/* ---- lead cues and their twins ---------------------------------------- */

/* A lead cue (lead.after, lead.before) with its twin (leadnear.*, named by
 * near=) and the cue loosened for the search of places to try: its
 * assertions \b and ^ (outside a class) dropped, so that it matches
 * wherever the cue matches in some window. */
typedef struct cue_pair {
  const rule *cue, *twin;
  pcre2_code *loose;
  pcre2_match_data *md;
  bool after;
  size_t tries, cue_hits;
  char *missed; /* the first window where the cue matches and the twin not */
} cue_pair;

static pcre2_code *loosened(const rule *r, bool drop_caret) {
  size_t n = strlen(r->pattern);
  char *p = malloc(n + 1);
  ck_assert_ptr_nonnull(p);
  size_t k = 0;
  for (size_t i = 0; i < n; i++) {
    if (r->pattern[i] == '\\' && i + 1 < n && r->pattern[i + 1] == 'b') {
      i++;
      continue;
    }
    if (r->pattern[i] == '\\' && i + 1 < n) {
      p[k++] = r->pattern[i++];
      p[k++] = r->pattern[i];
      continue;
    }
    if (drop_caret && r->pattern[i] == '^' && (i == 0 || r->pattern[i - 1] != '['))
      continue;
    p[k++] = r->pattern[i];
  }
  uint32_t options = 0;
  ck_assert_int_eq(pcre2_pattern_info(r->code, PCRE2_INFO_ARGOPTIONS, &options),
                   0);
  int e;
  PCRE2_SIZE at;
  pcre2_code *c = pcre2_compile((PCRE2_SPTR)p, k, options, &e, &at, NULL);
  ck_assert_msg(c != NULL, "%s loosened: error %d at %zu", r->id, e,
                (size_t)at);
  free(p);
  return c;
}

/* Does `code` match s[a, b) (searched from a)? */
static bool code_finds(pcre2_code *code, pcre2_match_data *md, const char *s,
                       size_t a, size_t b) {
  return pcre2_match(code, (PCRE2_SPTR)(s + a), b - a, 0, 0, md, NULL) > 0;
}

/* Where the cue matches in window s[a, b), its twin must match there. */
static void try_window(cue_pair *c, const char *s, size_t a, size_t b) {
  c->tries++;
  if (!code_finds(c->cue->code, c->md, s, a, b)) return;
  c->cue_hits++;
  if (!code_finds(c->twin->code, c->md, s, a, b) && !c->missed &&
      asprintf(&c->missed, "%s matches \"%.*s\", %s does not", c->cue->id,
               (int)(b - a), s + a, c->twin->id) < 0)
    c->missed = NULL;
}

static bool char_start(const char *s, size_t i) {
  return ((unsigned char)s[i] & 0xC0) != 0x80;
}

/* A block (a line, or two joined): the windows clause.c tries a cue in --
 * after a unit, from each place to the block's end or any end up to the
 * 80 bytes (and the character cut there) the window may reach; before a
 * unit, from any start up to the 40 bytes back to each place -- wherever
 * the loosened cue says the cue may match there. */
static void try_block(void *ctx, const char *s, size_t n, bool joined) {
  cue_pair *c = ctx;
  enum { AFTER = 84, BEFORE = 44 };
  for (size_t p = 0; p <= n; p++) {
    if (p < n && !char_start(s, p)) continue;
    if (c->after) {
      if (p == n || !code_finds(c->loose, c->md, s, p, n)) continue;
      for (size_t e = p + 1; e <= n && e <= p + AFTER; e++)
        if (e == n || char_start(s, e)) try_window(c, s, p, e);
    } else {
      size_t lo = p > BEFORE ? p - BEFORE : 0;
      if (p == 0 || !code_finds(c->loose, c->md, s, lo, p)) continue;
      for (size_t a = lo; a < p; a++)
        if (char_start(s, a)) try_window(c, s, a, p);
    }
  }
}

/* Every lead cue has a twin, and the twin matches in every window of the
 * corpus texts (and of the cue's examples) where the cue matches: a
 * clause where no twin matches is then rightly read for no lead. */
START_TEST(lead_cue_twins_match_where_cues_do) {
  const char *sides[] = {"after", "before"};
  char **texts;
  size_t ntexts = rewrites_texts(&texts);
  size_t checked = 0;
  for (size_t k = 0; k < 2; k++) {
    rule_list cues = rules_select(rules, "lead.", sides[k]);
    ck_assert_uint_gt(cues.n, 0);
    for (size_t i = 0; i < cues.n; i++) {
      const char *near = rule_attr(cues.items[i], "near");
      ck_assert_msg(near != NULL, "%s names no twin", cues.items[i]->id);
      cue_pair c = {.cue = cues.items[i],
                    .twin = rules_find(rules, near),
                    .after = k == 0};
      ck_assert_msg(c.twin != NULL, "%s: no rule %s", c.cue->id, near);
      c.loose = loosened(c.cue, !c.after);
      c.md = rules_match_data(rules);
      for (size_t t = 0; t < ntexts; t++) rewrites_walk(texts[t], try_block, &c);
      for (size_t e = 0; e < c.cue->nexamples; e++)
        try_block(&c, c.cue->examples[e].text,
                  strlen(c.cue->examples[e].text), false);
      ck_assert_msg(!c.missed, "%s", c.missed);
      ck_assert_uint_gt(c.cue_hits, 3); /* the texts hold the cue */
      checked++;
      free(c.missed);
      pcre2_code_free(c.loose);
      pcre2_match_data_free(c.md);
    }
  }
  rewrites_texts_free(texts, ntexts);
  ck_assert_uint_ge(checked, 4);
}
END_TEST

/* Clauses read for their lead where a cue's twin matches: one holding a
 * cue's words with no unit right before or after them ("Chủ trì, phối
 * hợp ..." opens a duty of its heading's units; "được giao" has no unit
 * after it) keeps its heading's lead, and one whose unit stands right
 * before the cue (the twin found from the clause's second character) or
 * right after it leads, in a duty and in a body sentence. */
START_TEST(leads_where_twins_match) {
  doc d = extract("KẾ HOẠCH\nCải cách hành chính năm 2026\n"
                  "I. MỤC TIÊU\n"
                  "Rà soát thủ tục hành chính; giao Công an xã kiểm tra "
                  "việc thực hiện trong tháng 6 năm 2026.\n"
                  "II. TỔ CHỨC THỰC HIỆN\n"
                  "1. Văn phòng HĐND và UBND xã\n"
                  "- Chủ trì, phối hợp với các đơn vị thực hiện các nhiệm vụ "
                  "được giao.\n"
                  "- Công an xã chủ trì kiểm tra việc thực hiện.\n");
  check_units(task(&d, "Chủ trì, phối hợp")->lead,
              task(&d, "Chủ trì, phối hợp")->nlead, "vp_hdnd_ubnd");
  check_units(task(&d, "Công an xã chủ trì")->lead,
              task(&d, "Công an xã chủ trì")->nlead, "cong_an");
  check_units(task(&d, "giao Công an xã")->lead,
              task(&d, "giao Công an xã")->nlead, "cong_an");
  done(&d);
}
END_TEST

/* A clause with a "before" cue's words and no "after" cue is searched
 * for its units only where the cue may end within its reach of its twin
 * and a unit may start there (clause.c: cue_before_may): the cue's long
 * forms ("giao cho", "đề nghị" before a unit in lower case) lead, and
 * "giao dịch" before a unit does not. */
START_TEST(leads_after_before_cues_within_their_reach) {
  doc d = extract("KẾ HOẠCH\nCải cách hành chính năm 2026\n"
                  "I. MỤC TIÊU\n"
                  "Rà soát thủ tục hành chính; giao cho Công an xã kiểm tra "
                  "việc thực hiện trong tháng 6 năm 2026.\n"
                  "Tăng cường giao dịch trực tuyến; đề nghị các ban, ngành "
                  "cấp xã hưởng ứng trong tháng 7 năm 2026.\n"
                  "Đẩy mạnh giao dịch điện tử tại Công an xã trong tháng 8 "
                  "năm 2026.\n");
  const frame_task *t = task(&d, "giao cho Công an xã");
  check_units(t->lead, t->nlead, "cong_an");
  t = task(&d, "đề nghị các ban, ngành");
  check_units(t->lead, t->nlead, "cac_ban_nganh");
  ck_assert_uint_eq(task(&d, "Đẩy mạnh giao dịch")->nlead, 0);
  done(&d);
}
END_TEST

/* cue_before_may takes the first match of each twin from the clause's
 * start that cue_within found (clause.c: twin_firsts) and searches on
 * from there: a cue right at the clause's start leads, and so does one
 * after a first twin match that does not ("giao dịch"), in the same
 * clause; a clause whose only twin match does not lead names none. */
START_TEST(leads_after_the_first_twin_match) {
  doc d = extract("KẾ HOẠCH\nCải cách hành chính năm 2026\n"
                  "I. MỤC TIÊU\n"
                  "Giao Công an xã kiểm tra việc thực hiện trong tháng 6 năm "
                  "2026.\n"
                  "Tăng cường giao dịch trực tuyến, giao cho Công an xã rà "
                  "soát trong tháng 7 năm 2026.\n"
                  "Mở rộng giao dịch điện tử với Công an xã trong tháng 8 "
                  "năm 2026.\n");
  check_units(task(&d, "Giao Công an xã")->lead,
              task(&d, "Giao Công an xã")->nlead, "cong_an");
  const frame_task *t = task(&d, "Tăng cường giao dịch");
  check_units(t->lead, t->nlead, "cong_an");
  ck_assert_uint_eq(task(&d, "Mở rộng giao dịch")->nlead, 0);
  done(&d);
}
END_TEST

/* The work of a "Chủ trì, phối hợp với X" duty starts after X: the
 * coordinators skipped are those of the whole duty when its first "phối
 * hợp" follows "Chủ trì" (read once for both, leads.c: work_start), and
 * those after "Chủ trì" alone when one stands before it -- the areas of
 * the work after them are led either way, and the task's coordinators
 * are all of the duty's. */
START_TEST(area_work_after_coordinators) {
  doc d = extract("KẾ HOẠCH\nCải cách hành chính xã An Phú năm 2026\n"
                  "I. TỔ CHỨC THỰC HIỆN\n"
                  "1. Văn phòng HĐND và UBND xã\n"
                  "- Chủ trì, phối hợp với Phòng Kinh tế, Công an xã "
                  "tuyên truyền về chuyển đổi số.\n"
                  "2. Phòng Văn hóa - Xã hội\n"
                  "- Phối hợp với Phòng Kinh tế rà soát văn bản; Công an xã "
                  "chủ trì, phối hợp với Văn phòng HĐND và UBND xã "
                  "kiểm soát thủ tục hành chính.\n");
  ck_assert(has_lead(&d, "cqs", "vp_hdnd_ubnd"));
  ck_assert(has_lead(&d, "tthc", "cong_an"));
  /* no lead for the areas of the coordinators' names */
  ck_assert(!has_lead(&d, "tthc", "phong_vhxh"));
  const frame_task *t = task(&d, "Chủ trì, phối hợp với Phòng Kinh tế");
  check_units(t->lead, t->nlead, "vp_hdnd_ubnd");
  check_units(t->coordinators, t->ncoordinators, "phong_kinh_te,cong_an");
  t = task(&d, "Phối hợp với Phòng Kinh tế rà soát");
  check_units(t->lead, t->nlead, "cong_an");
  check_units(t->coordinators, t->ncoordinators,
              "phong_kinh_te,vp_hdnd_ubnd");
  done(&d);
}
END_TEST

/* The signature block ends the tasks: task.stop is searched once per line
 * (the inline assignment pass keeps the lines it found none on for the
 * body pass), and a body sentence after it -- after assignment lines, or
 * on a line the assignment pass read as a value -- is no task. */
START_TEST(no_tasks_after_signature) {
  doc d = extract("KẾ HOẠCH\nCải cách hành chính xã An Phú năm 2026\n"
                  "I. NHIỆM VỤ\n"
                  "1. Rà soát thủ tục hành chính\n"
                  "Cơ quan chủ trì: Công an xã.\n"
                  "Thời gian thực hiện: tháng 6 năm 2026.\n"
                  "Giao Phòng Kinh tế chủ trì kiểm tra hồ sơ trong quý III "
                  "năm 2026.\n"
                  "TM. ỦY BAN NHÂN DÂN\n"
                  "Giao Phòng Văn hóa - Xã hội chủ trì tổng kết trong quý IV "
                  "năm 2026.\n"
                  "Nơi nhận:\n"
                  "Giao Công an xã chủ trì tuần tra trong quý IV năm 2026.\n");
  ck_assert(has_task(&d, "Giao Phòng Kinh tế chủ trì"));
  ck_assert(has_task(&d, "1. Rà soát") || has_task(&d, "Rà soát thủ tục"));
  ck_assert(!has_task(&d, "Giao Phòng Văn hóa"));
  ck_assert(!has_task(&d, "Giao Công an xã"));
  done(&d);
}
END_TEST

/* The frame of src as JSON, with the rules' words read or not. */
static char *frame_text(const char *src, size_t n, bool words) {
  clause_words_off = !words;
  char *out = harness_process_json(rules, src, n);
  clause_words_off = false;
  return out;
}

/* src gives the same frame with the switch frame_text turns on and off. */
static void same_frame_either_way(const char *src) {
  char *with = frame_text(src, strlen(src), true);
  char *without = frame_text(src, strlen(src), false);
  ck_assert_str_eq(with, without);
  free(with);
  free(without);
}

/* A clause whose runs hold no word of a cue's twin is not searched for the
 * cue, nor the windows around its units for a cue, nor the work of a lead
 * for an area, a cut (coord.cut) or people to hide (leadarea role=mask)
 * whose words it lacks (clause.c: clause_words):
 * the frame is the same as when every clause is searched for every rule
 * -- over the whole corpus and plans where the words stand in other
 * cases, inside longer words, in a run too long to be a word, right at a
 * clause's ends, and in work whose people are hidden. */
static const char *rule_word_plans[] = {
    "KẾ HOẠCH\nCải cách hành chính năm 2026\nI. MỤC TIÊU\n"
    "GIAO CÔNG AN XÃ kiểm tra; Công an xã CHỦ TRÌ rà soát.\n"
    "Văn phòng UBND xã chủ trì;giao Công an xã kiểm tra trong tháng 6 năm "
    "2026.\nĐỀ NGHỊ Ủy ban MTTQ xã phối hợp với Công an xã tham mưu.\n"
    "II. TỔ CHỨC THỰC HIỆN\n1. Văn phòng HĐND và UBND xã\n"
    "- Công an xã chịu trách nhiệm kiểm tra.\n"
    "- Bàngiao Công an xã Chủtrì; yêucầu các ban ngành xã thực hiện.\n",
    NULL, /* a run of word bytes too long to be a word: filled in below */
    "KẾ HOẠCH\nCải cách hành chính năm 2026\nI. TỔ CHỨC THỰC HIỆN\n"
    "1. Văn phòng HĐND và UBND xã\n"
    "- Chủ trì CẢI CÁCH THỦ TỤC HÀNH CHÍNH, đào tạo cán bộ, công chức;"
    " chuyển đổi số.\n- Công an xã chủ trì, phối hợp với Phòng Văn hóa - "
    "Xã hội thực hiện chuyển đổi số doanh nghiệp.\n"
    "- Chủ trì tuyên truyền về CCHC.\n",
    "KẾ HOẠCH\nCải cách hành chính năm 2026\nI. NHIỆM VỤ\n"
    "Công an xã chủ trì tuyên truyền về an ninh, PHỐI HỢP với Phòng Kinh tế "
    "về chuyển đổi số doanh nghiệp.\n"
    "Phòng Kinh tế chủ trì tuyên truyền pháp luật,phốihợp chuyển đổi số "
    "doanh nghiệp; NHẰM phát triển kinh tế số.\n"
    "Văn phòng UBND xã chủ trì đào tạo CÁN BỘ, CÔNG CHỨC về chuyển đổi số, "
    "nhằm\n"
    "Công an xã chủ trì tuyên truyền cho cán bộ công chức, viên chức về "
    "cải cách hành chính, phối hợp\n"
    "Phòng Kinh tế chủ trì kiểm tra cánbộ, công chức chuyển đổi số.\n",
};

START_TEST(rule_words_skip_only_clauses_without_them) {
  char **files;
  size_t n = harness_corpus_all(&files);
  ck_assert_uint_ge(n, 4);
  char longrun[2048];
  int k = snprintf(longrun, sizeof longrun,
                   "KẾ HOẠCH\nCải cách hành chính năm 2026\nI. MỤC TIÊU\n");
  /* "trì" then 150 degree signs: bytes beyond ASCII, in the run of the
   * cue's word, which \b still ends */
  k += snprintf(longrun + k, sizeof longrun - (size_t)k, "Công an xã chủ trì");
  for (int i = 0; i < 150; i++) k += snprintf(longrun + k, sizeof longrun - (size_t)k, "°");
  snprintf(longrun + k, sizeof longrun - (size_t)k,
           " kiểm tra trong tháng 6 năm 2026.\n");
  rule_word_plans[1] = longrun;
  size_t compared = 0;
  size_t nplans = sizeof rule_word_plans / sizeof *rule_word_plans;
  for (size_t i = 0; i < n + nplans; i++) {
    size_t len = 0;
    char *src = i < n ? harness_read(files[i], &len)
                      : strdup(rule_word_plans[i - n]);
    ck_assert_ptr_nonnull(src);
    if (i >= n) len = strlen(src);
    char *with = frame_text(src, len, true), *without = frame_text(src, len, false);
    ck_assert_msg(!strcmp(with, without), "%s: the frames differ",
                  i < n ? files[i] : "rule_word_plans");
    compared += strstr(with, "\"lead\"") != NULL;
    free(with);
    free(without);
    free(src);
  }
  ck_assert_uint_gt(compared, n / 2); /* the plans name leads */
  harness_free_list(files, n);
}
END_TEST

/* Every corpus plan's path (*files, *n of them) and a rule set loaded
 * for the test alone (no plan has used it yet). */
static cchc_rules *corpus_and_fresh_rules(char ***files, size_t *n) {
  *n = harness_corpus_all(files);
  ck_assert_uint_ge(*n, 4);
  char dir[4096];
  snprintf(dir, sizeof dir, "%s/rules", harness_root());
  cchc_rules *set = NULL;
  cchc_error err = {0};
  ck_assert_int_eq(cchc_rules_load(dir, &set, &err), CCHC_OK);
  return set;
}

/* What the rules' words in a clause are (clause.c: clause_word_rules) and
 * the rules the task passes select (tasks.c: task_rules) are made once
 * per rule set, at its first plan, and every plan after reads the same:
 * each corpus plan's frame from a set that other plans used first is the
 * frame from a set loaded for that plan alone. */
START_TEST(clause_word_rules_made_once_per_set) {
  char **files;
  size_t n;
  cchc_rules *set = corpus_and_fresh_rules(&files, &n);
  ck_assert_ptr_null(set->clause_word_rules);
  ck_assert_ptr_null(set->task_rules);
  const struct clause_word_rules *first = NULL;
  const struct task_rules *selected = NULL;
  size_t leads = 0;
  for (size_t i = 0; i < n; i++) {
    size_t len = 0;
    char *src = harness_read(files[i], &len);
    ck_assert_ptr_nonnull(src);
    char *shared = harness_process_json(set, src, len);
    if (!first) first = set->clause_word_rules;
    if (!selected) selected = set->task_rules;
    ck_assert_ptr_nonnull(first);
    ck_assert_ptr_eq(set->clause_word_rules, first);
    ck_assert_ptr_nonnull(selected);
    ck_assert_ptr_eq(set->task_rules, selected);
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/rules", harness_root());
    cchc_rules *own = NULL;
    cchc_error err = {0};
    ck_assert_int_eq(cchc_rules_load(dir, &own, &err), CCHC_OK);
    char *alone = harness_process_json(own, src, len);
    ck_assert_ptr_nonnull(own->clause_word_rules);
    ck_assert_ptr_nonnull(own->task_rules);
    ck_assert_msg(!strcmp(shared, alone), "%s: the frames differ", files[i]);
    leads += strstr(shared, "\"lead\"") != NULL;
    cchc_rules_free(own);
    free(shared);
    free(alone);
    free(src);
  }
  ck_assert_uint_gt(leads, n / 2); /* the plans ask clauses of leads */
  cchc_rules_free(set);
  harness_free_list(files, n);
}
END_TEST

/* The first run of a clause's words is searched for from the one asked
 * before when the clause lies after it (clause_words_within: the clauses
 * of a duty are asked in text order): clauses far apart on one line, each
 * opening with its cue, then a clause asked again from an earlier start,
 * give the frame read with every clause searched for every rule, and
 * their leads. */
START_TEST(clause_words_read_from_the_clause_before) {
  /* clauses of growing length, each naming its lead by its first word
   * alone ("giao"), so that a first run found one or two runs late loses
   * the lead at some length */
  char src[8192];
  int k = snprintf(src, sizeof src,
                   "KẾ HOẠCH\nCải cách hành chính năm 2026\n"
                   "I. TỔ CHỨC THỰC HIỆN\n1. Nhiệm vụ chung\n- Rà soát hồ sơ");
  static const char *const units[] = {"Công an xã", "Phòng Kinh tế",
                                      "Phòng Văn hóa - Xã hội"};
  for (int c = 0; c < 12; c++) {
    k += snprintf(src + k, sizeof src - (size_t)k, "; giao %s thực hiện",
                  units[c % 3]);
    for (int w = 0; w < c + 1; w++)
      k += snprintf(src + k, sizeof src - (size_t)k, " rà soát hồ sơ");
  }
  snprintf(src + k, sizeof src - (size_t)k,
           ".\n- Chủ trì tuyên truyền; giao Phòng Kinh tế kiểm tra.\n");
  size_t len = strlen(src);
  char *with = frame_text(src, len, true), *without = frame_text(src, len, false);
  ck_assert_msg(!strcmp(with, without), "the frames differ");
  ck_assert_ptr_nonnull(strstr(with, "\"phong_vhxh\""));
  ck_assert_ptr_nonnull(strstr(with, "\"phong_kinh_te\""));
  ck_assert_ptr_nonnull(strstr(with, "\"cong_an\""));
  free(with);
  free(without);
}
END_TEST

/* A unit's text is kept by its span for the next task naming it: every
 * duty under a heading prints the heading's units as they stand, a duty
 * leading with units of its own prints those, and each unit its own span
 * (many duties: their spans fill and share the slots). */
START_TEST(unit_texts_by_span) {
  char src[16384];
  size_t n = (size_t)snprintf(src, sizeof src,
                              "KẾ HOẠCH\nCải cách hành chính năm 2026\n"
                              "I. TỔ CHỨC THỰC HIỆN\n"
                              "1. Văn phòng HĐND và UBND xã\n");
  for (int i = 0; i < 40; i++)
    n += (size_t)snprintf(src + n, sizeof src - n,
                          i % 2 ? "- Công an xã chủ trì kiểm tra việc %d.\n"
                                : "- Rà soát thủ tục hành chính lần %d.\n",
                          i);
  doc d = extract(src);
  size_t duties = 0;
  for (size_t i = 0; i < d.f->ntasks; i++) {
    const frame_task *k = &d.f->tasks[i];
    ck_assert_uint_eq(k->nlead, 1);
    bool own = !strncmp(k->text, "Công an xã", strlen("Công an xã"));
    ck_assert_str_eq(k->lead[0].text,
                     own ? "Công an xã" : "Văn phòng HĐND và UBND xã");
    ck_assert_uint_eq(strlen(k->lead[0].text),
                      k->lead[0].span.end - k->lead[0].span.start);
    duties++;
  }
  ck_assert_uint_eq(duties, 40);
  done(&d);
}
END_TEST

/* ---- tab20: unit texts kept by their bytes ----------------------------- */

/* A unit's printed text is kept by its bytes (tasks.c: unit_text): units
 * written alike print one text wherever they stand, and units of the same
 * length and the same first and last bytes (one slot) their own -- names
 * the taxonomy lacks, "Alpha" and "Omega" in the middle. */
START_TEST(unit_texts_by_bytes) {
  doc d = extract("KẾ HOẠCH\nCải cách hành chính năm 2026\nI. NHIỆM VỤ\n"
                  "Trung tâm Alpha Kiểm Định chủ trì rà soát thủ tục "
                  "trong quý III năm 2026.\n"
                  "Trung tâm Omega Kiểm Định chủ trì kiểm tra hồ sơ "
                  "trong quý IV năm 2026.\n"
                  "Trung tâm Alpha Kiểm Định chủ trì tổng kết "
                  "trong tháng 12 năm 2026.\n");
  const char *want[][2] = {{"Trung tâm Alpha Kiểm Định chủ trì rà soát",
                            "Trung tâm Alpha Kiểm Định"},
                           {"Trung tâm Omega Kiểm Định chủ trì kiểm tra",
                            "Trung tâm Omega Kiểm Định"},
                           {"Trung tâm Alpha Kiểm Định chủ trì tổng kết",
                            "Trung tâm Alpha Kiểm Định"}};
  const char *alpha = NULL;
  for (size_t i = 0; i < sizeof want / sizeof *want; i++) {
    const frame_task *k = task(&d, want[i][0]);
    ck_assert_uint_eq(k->nlead, 1);
    ck_assert_str_eq(k->lead[0].text, want[i][1]);
    ck_assert_uint_eq(strlen(k->lead[0].text),
                      k->lead[0].span.end - k->lead[0].span.start);
    if (i == 0) alpha = k->lead[0].text;
    if (i == 2) ck_assert_ptr_eq(k->lead[0].text, alpha); /* one text */
  }
  done(&d);
}
END_TEST

/* ---- coordination lists skipped where none can open ---------------------- */

/* The frame of src as JSON, every opener's list searched for or not. */
static char *frame_coords(const char *src, size_t n, bool all) {
  coord_lists_all = all;
  char *out = harness_process_json(rules, src, n);
  coord_lists_all = false;
  return out;
}

/* Openers followed by no unit, by a unit at once, over a gap (", ", " và
 * ", a line break), by a unit the taxonomy lacks, more openers than are
 * kept (OPENERS), an opener at a clause's end. */
static const char *coord_plans[] = {
    "KẾ HOẠCH\nCải cách hành chính năm 2026\nI. NHIỆM VỤ\n"
    "Công an xã chủ trì, phối hợp chặt chẽ trong triển khai kiểm tra "
    "trong quý II năm 2026.\n"
    "Văn phòng UBND xã chủ trì, phối hợp , Công an xã kiểm tra hồ sơ "
    "trong quý III năm 2026.\n"
    "Công an xã chủ trì, phối hợp với và Ban Chỉ huy Quân sự xã tuần tra "
    "trong tháng 6 năm 2026.\n"
    "Công an xã chủ trì, phối hợp với Trung tâm Alpha Kiểm Định rà soát "
    "trong tháng 7 năm 2026; phối hợp\n",
    "KẾ HOẠCH\nCải cách hành chính năm 2026\nII. TỔ CHỨC THỰC HIỆN\n"
    "1. Công an xã\n- Rà soát hồ sơ, phối hợp với\n"
    "Ban Chỉ huy Quân sự xã kiểm tra địa bàn.\n"
    "- Tuyên truyền, phối hợp tốt trong công tác cải cách.\n"
    "- Kiểm tra, phối hợp hỗ trợ, phối hợp thường xuyên, phối hợp với "
    "Văn phòng UBND xã thực hiện.\n",
    NULL, /* seventeen openers: filled in below */
};

START_TEST(coordinator_lists_skipped_only_where_none_opens) {
  char many[4096];
  int k = snprintf(many, sizeof many,
                   "KẾ HOẠCH\nCải cách hành chính năm 2026\nI. NHIỆM VỤ\n"
                   "Công an xã chủ trì");
  for (int i = 0; i < 17; i++)
    k += snprintf(many + k, sizeof many - (size_t)k, ", phối hợp kiểm tra");
  snprintf(many + k, sizeof many - (size_t)k,
           ", phối hợp với Văn phòng UBND xã trong quý II năm 2026.\n");
  coord_plans[2] = many;
  char **files;
  size_t n = harness_corpus_all(&files);
  ck_assert_uint_ge(n, 4);
  size_t nplans = sizeof coord_plans / sizeof *coord_plans, listed = 0;
  for (size_t i = 0; i < n + nplans; i++) {
    size_t len = 0;
    char *src = i < n ? harness_read(files[i], &len)
                      : strdup(coord_plans[i - n]);
    ck_assert_ptr_nonnull(src);
    if (i >= n) len = strlen(src);
    char *some = frame_coords(src, len, false), *all = frame_coords(src, len, true);
    ck_assert_msg(!strcmp(some, all), "%s: the frames differ",
                  i < n ? files[i] : coord_plans[i - n]);
    listed += strstr(some, "\"coordinators\"") != NULL;
    free(some);
    free(all);
    free(src);
  }
  ck_assert_uint_gt(listed, n / 2);
  harness_free_list(files, n);
  /* the lists over a gap and on the next line are found */
  doc d = extract(coord_plans[0]);
  const frame_task *t = task(&d, "Văn phòng UBND xã chủ trì");
  check_units(t->coordinators, t->ncoordinators, "cong_an");
  t = task(&d, "Công an xã chủ trì, phối hợp với và");
  check_units(t->coordinators, t->ncoordinators, "quan_su");
  t = task(&d, "Công an xã chủ trì, phối hợp chặt chẽ");
  ck_assert_uint_eq(t->ncoordinators, 0);
  done(&d);
  d = extract(coord_plans[1]);
  t = task(&d, "Rà soát hồ sơ");
  check_units(t->coordinators, t->ncoordinators, "quan_su");
  t = task(&d, "Kiểm tra, phối hợp hỗ trợ");
  check_units(t->coordinators, t->ncoordinators, "vp_hdnd_ubnd");
  done(&d);
  d = extract(many);
  t = task(&d, "Công an xã chủ trì");
  check_units(t->coordinators, t->ncoordinators, "vp_hdnd_ubnd");
  done(&d);
}
END_TEST

/* The facts the skip rests on: the gap rule spans its whole subject and
 * holds blanks, list marks and the letters of "và", "cùng", "với" (in
 * both cases) and every byte beyond ASCII, not "h" nor "S"; a pattern
 * with an alternative outside its anchors, or not anchored, does not
 * span its subject; one with "." or a negated class tells no bytes. */
START_TEST(gap_facts_from_patterns) {
  rule_list gap = rules_select(rules, "coord.", "gap");
  ck_assert_uint_ge(gap.n, 1);
  uint64_t held[4];
  ck_assert(rule_whole_subject(gap.items[0]));
  ck_assert(rule_held_bytes(gap.items[0], held));
#define HELD(c) (held[(unsigned char)(c) >> 6] >> ((unsigned char)(c) & 63) & 1)
  const char *in = " \t\n,;&/+vVcCnNgGiI\xC3\xE1";
  for (const char *c = in; *c; c++) ck_assert_msg(HELD(*c), "'%c' held", *c);
  const char *out = "hHsSxX.:-0(";
  for (const char *c = out; *c; c++)
    if (*c != ':') ck_assert_msg(!HELD(*c), "'%c' not held", *c);
#undef HELD
  const struct {
    const char *id;
    bool whole;
  } cases[] = {{"task.part", true},          /* ^\s*tổ chức ...$ */
               {"task.prefix", false},       /* no $ */
               {"lead.before.assign", false}, /* (?:^|[...])...$ */
               {"tcell.rowno", true}};
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    const rule *r = rules_find(rules, cases[i].id);
    ck_assert_ptr_nonnull(r);
    ck_assert_msg(rule_whole_subject(r) == cases[i].whole, "%s", cases[i].id);
  }
  const rule *header = rules_find(rules, "tcell.header"); /* .{0,40} */
  ck_assert_ptr_nonnull(header);
  ck_assert(!rule_held_bytes(header, held));
  const rule *digits = rules_find(rules, "tcell.rowno"); /* \d */
  ck_assert(!rule_held_bytes(digits, held));
  /* patterns of our own: what they tell, or that they tell nothing */
  rule own = {.id = "own"};
  own.pattern = "^[a-c]+\\-(?:x|\xE2\x84\xAA)$"; /* KELVIN SIGN: k */
  ck_assert(rule_held_bytes(&own, held));
  for (const char *c = "abcABC-xXkK\x80\xFF"; *c; c++)
    ck_assert_msg(held[(unsigned char)*c >> 6] >> ((unsigned char)*c & 63) & 1,
                  "'%c' held", *c);
  for (const char *c = "dD ^$+?"; *c; c++)
    ck_assert_msg(!(held[(unsigned char)*c >> 6] >> ((unsigned char)*c & 63) & 1),
                  "'%c' not held", *c);
  const char *none[] = {"a.b", "[^a]", "a\\d", "a\\Qb\\E", "\\x41",
                        "x(?# [ )y", "a # [x\n.*]", "[[:alpha:]]", "(a)\\1",
                        "[\xC3\xA0-\xC3\xBF]"};
  for (size_t i = 0; i < sizeof none / sizeof *none; i++) {
    own.pattern = none[i];
    ck_assert_msg(!rule_held_bytes(&own, held), "%s tells no bytes", none[i]);
  }
}
END_TEST

/* A clause holding the words of one twin alone, whichever (the last of a
 * side's list too, and each word of a twin's first words: "chủ trì", "có
 * trách nhiệm", "chịu trách nhiệm"), is read for its lead: cue_within
 * looks first at the words of all the twins of a side together
 * (lead_cues.twin_words), and reads no further a clause holding none.
 * The frames are those read without the words. */
static const char *one_twin_clauses[] = {
    "Công an xã chủ trì kiểm tra hồ sơ an ninh trước ngày 30/6/2026.",
    "Công an xã có trách nhiệm kiểm tra hồ sơ an ninh.",
    "Công an xã chịu trách nhiệm kiểm tra hồ sơ an ninh.",
    "Công an xã tham mưu kiểm tra hồ sơ an ninh.",
    "Công an xã phối hợp với Phòng Kinh tế kiểm tra hồ sơ.",
    "Công an xã họp định kỳ về an ninh trật tự.",
    "Công an xã chủ động tham mưu kiểm tra hồ sơ an ninh.",
    "Giao Công an xã kiểm tra hồ sơ an ninh.",
    "Đề nghị Công an xã kiểm tra hồ sơ an ninh.",
    "Yêu cầu Công an xã kiểm tra hồ sơ an ninh trước ngày 30/9/2026.",
};

START_TEST(leads_by_the_words_of_any_twin) {
  const char *clause = one_twin_clauses[_i];
  char src[1024];
  snprintf(src, sizeof src,
           "KẾ HOẠCH\nCải cách hành chính xã An Phú năm 2026\n"
           "I. NHIỆM VỤ\n1. Cải cách thủ tục hành chính\n"
           "Rà soát thủ tục hành chính trong năm 2026.\n%s\n",
           clause);
  doc d = extract(src);
  char opening[24];
  snprintf(opening, sizeof opening, "%.*s", 12, clause);
  const frame_task *t = task(&d, opening);
  check_units(t->lead, t->nlead, "cong_an");
  done(&d);
  same_frame_either_way(src);
}
END_TEST

/* Plan f of the corpus's n files (f == n: the text `extra`) normalized
 * and opened for extraction, as extract_frame opens it. */
typedef struct opened_plan {
  char *src;
  cchc_text *t;
  xctx x;
} opened_plan;

static void plan_open(opened_plan *p, char **files, size_t n, size_t f,
                      const char *extra) {
  size_t len = 0;
  p->src = f < n ? harness_read(files[f], &len) : strdup(extra);
  ck_assert_ptr_nonnull(p->src);
  if (f == n) len = strlen(p->src);
  p->t = NULL;
  cchc_error err = {0};
  ck_assert_int_eq(cchc_normalize(p->src, len, NULL, &p->t, &err), CCHC_OK);
  memset(&p->x, 0, sizeof p->x);
  ck_assert_int_eq(xctx_open(&p->x, rules, p->t, &err), CCHC_OK);
}

static void plan_close(opened_plan *p) {
  xctx_close(&p->x);
  cchc_text_free(p->t);
  free(p->src);
}

/* tasks_span_opens tells what xany tells, without the features of the
 * whole span: for the rules of each task.* role, over every line of the
 * corpus and of lines made to open with bullets and numberings, from the
 * line's start and from each of its first bytes, whole and cut short,
 * empty spans too. */
static const char *span_open_lines =
    "- Rà soát thủ tục\n+ Kiểm tra\n* Tuyên truyền\n1. Sở Nội vụ\n"
    "2.3.4) Phòng Kinh tế\n12) Trạm Y tế\na) Công an xã\nđ) Ban chỉ huy\n"
    "   - thụt vào\n123. không phải\nA) hoa\n-\n1.\nx)\n"
    "Trên đây là Kế hoạch\nNơi nhận:\nCHỦ TỊCH\nĐề nghị: Hội Nông dân\n"
    "Trách nhiệm của Sở Nội vụ\ntăng cường kiểm tra\n";

START_TEST(span_opens_as_xany) {
  char **files;
  size_t n = harness_corpus_all(&files);
  ck_assert_uint_ge(n, 4);
  const char *roles[] = {"bullet", "end", "stop", "prefix", "cont", "open"};
  size_t asked = 0, found = 0;
  for (size_t f = 0; f <= n; f++) {
    opened_plan p;
    plan_open(&p, files, n, f, span_open_lines);
    xctx *x = &p.x;
    for (size_t r = 0; r < sizeof roles / sizeof *roles; r++) {
      rule_list l = rules_select(rules, "task.", roles[r]);
      ck_assert_uint_gt(l.n, 0);
      for (size_t li = 0; li < x->nlines; li++) {
        size_t a = xline_start(x, li), b = xline_end(x, li);
        for (size_t from = a; from <= b && from < a + 6; from++) {
          if (from < x->n && ((unsigned char)x->s[from] & 0xC0) == 0x80)
            continue;
          size_t cut = from + 3 < b ? from + 3 : b;
          size_t ends[] = {b, cut, from};
          for (size_t e = 0; e < 3; e++) {
            bool want = xany(x, l, from, ends[e], NULL);
            ck_assert_msg(tasks_span_opens(x, l, from, ends[e]) == want,
                          "task.%s at %zu-%zu of %s", roles[r], from, ends[e],
                          f < n ? files[f] : "span_open_lines");
            asked++;
            found += want;
          }
        }
      }
    }
    plan_close(&p);
  }
  ck_assert_uint_gt(found, 1000);
  ck_assert_uint_gt(asked, found);
  harness_free_list(files, n);
}
END_TEST

/* xany_line and xfirst_line take a line's features from the scan's, read
 * with its break (extract.h: xline_features), where xany and xfirst read
 * the line's bytes: over every line of the corpus and of lines made to
 * end in marks, blanks, digits and letters beyond ASCII, the features are
 * rule_features of the line's text, and for the rules the table readers
 * ask of whole lines (tcell.*, cell.*) each gives what xany and xfirst
 * give: the answer, the rule hit, the match. */
static const char *line_feature_lines =
    "1.1. Nâng cao chất lượng\n2.1. Ban hành khai\n3\n"
    "Kế hoạch CCHC năm 2024 của xã;\n   \n\n\t\n"
    "Sở Tư pháp chủ trì,\nthời gian hoàn thành: 12/2024\n"
    "ngân sách xã\nTT\nChủ trì\n١٢٣ số\n…\nnăm ２０２４\nĐ\n"
    "(theo dự toán được giao)\nVăn hóa -\nI CẢI CÁCH THỂ CHẾ";

START_TEST(line_features_as_the_lines_bytes) {
  char **files;
  size_t n = harness_corpus_all(&files);
  ck_assert_uint_ge(n, 4);
  const char *families[] = {"tcell.", "cell."};
  size_t asked = 0, found = 0;
  for (size_t f = 0; f <= n; f++) {
    opened_plan p;
    plan_open(&p, files, n, f, line_feature_lines);
    xctx *x = &p.x;
    const char *name = f < n ? files[f] : "line_feature_lines";
    for (size_t li = 0; li < x->nlines; li++) {
      size_t a = xline_start(x, li), b = xline_end(x, li);
      ck_assert_msg(xline_features(x, li) == rule_features(x->s + a, b - a),
                    "features of line %zu of %s", li, name);
    }
    for (size_t k = 0; k < sizeof families / sizeof *families; k++) {
      rule_list l = rules_select(rules, families[k], NULL);
      ck_assert_uint_ge(l.n, 3);
      for (size_t i = 0; i <= l.n; i++) {
        /* each rule alone, then the family as one list */
        rule_list one = i < l.n ? (rule_list){&l.items[i], 1} : l;
        for (size_t li = 0; li < x->nlines; li++) {
          size_t a = xline_start(x, li), b = xline_end(x, li);
          const rule *want_hit = NULL, *got_hit = NULL;
          bool want = xany(x, one, a, b, &want_hit);
          bool got = xany_line(x, one, li, &got_hit);
          ck_assert_msg(got == want && got_hit == want_hit,
                        "xany_line %s line %zu of %s",
                        i < l.n ? l.items[i]->id : families[k], li, name);
          size_t wms = 0, wme = 0, gms = 0, gme = 0;
          want_hit = got_hit = NULL;
          want = xfirst(x, one, a, b, &wms, &wme, &want_hit);
          got = xfirst_line(x, one, li, &gms, &gme, &got_hit);
          ck_assert_msg(got == want && got_hit == want_hit &&
                            (!got || (gms == wms && gme == wme)),
                        "xfirst_line %s line %zu of %s",
                        i < l.n ? l.items[i]->id : families[k], li, name);
          asked++;
          found += want;
        }
      }
    }
    plan_close(&p);
  }
  ck_assert_uint_gt(found, 1000);
  ck_assert_uint_gt(asked, found);
  harness_free_list(files, n);
}
END_TEST

/* The work of a lead for areas ends at the first coordination or purpose
 * after it (coord.cut, coord.cut.purpose: leads.c, work_end), whichever
 * rule finds it: ", góp phần" before "; phối hợp", ", phối hợp" before
 * ", góp phần";
 * the areas named past it lead nothing. */
START_TEST(area_work_cut_at_the_first_cut) {
  doc d = extract("KẾ HOẠCH\nCải cách hành chính xã An Phú năm 2026\n"
                  "I. NHIỆM VỤ\n1. Tuyên truyền\n"
                  "Công an xã chủ trì tuyên truyền về an ninh, góp phần "
                  "phát triển kinh tế số; phối hợp với Phòng Kinh tế về "
                  "chuyển đổi số doanh nghiệp.\n"
                  "Phòng Kinh tế chủ trì tuyên truyền pháp luật, phối hợp "
                  "với Công an xã về chuyển đổi số doanh nghiệp, góp phần "
                  "phát triển kinh tế số.\n");
  ck_assert(has_lead(&d, "tuyen_truyen", "cong_an"));
  ck_assert(has_lead(&d, "tuyen_truyen", "phong_kinh_te"));
  ck_assert_uint_eq(d.f->nleads, 2);
  for (size_t i = 0; i < d.f->nleads; i++)
    ck_assert_ptr_null(strstr(d.f->leads[i].text, "kinh tế số"));
  done(&d);
}
END_TEST

/* xany skips the scan of the whole span for the features a rule needs
 * when the rule matches only at the span's start (extract.c, may_match):
 * for every such rule of the set, xany of it alone finds what its search
 * finds, over every line of the corpus and lines whose needed digit or
 * mark stands far from their start, from each of a line's first bytes.
 * (A scan of the first 8 bytes in place of the whole span fails it: the
 * number of an article after "Điều ", 7 bytes.) */
static const char *opens_far_lines =
    "Điều 5. Phạm vi điều chỉnh\nĐIỀU 12: Tổ chức thực hiện\n"
    "Điều  7 . Hiệu lực\nĐiều năm. không\n12/2024/NQ-CP\n"
    "                          12\n3.1. Rà soát\n2024\n12\n1.2.\n";

START_TEST(span_start_rules_skip_features_soundly) {
  char **files;
  size_t n = harness_corpus_all(&files);
  ck_assert_uint_ge(n, 4);
  size_t nrules = 0, asked = 0, found = 0, far = 0;
  for (size_t f = 0; f <= n; f++) {
    opened_plan p;
    plan_open(&p, files, n, f, opens_far_lines);
    xctx *x = &p.x;
    nrules = 0;
    for (size_t k = 0; k < rules->nrules; k++) {
      const rule *r = &rules->rules[k];
      const rule_facts *rf = &r->facts;
      if (!rf->nneeds || !rf->starts || !rf->at_zero || rf->after) continue;
      nrules++;
      for (size_t li = 0; li < x->nlines; li++) {
        size_t a = xline_start(x, li), b = xline_end(x, li);
        for (size_t from = a; from <= b && from < a + 4; from++) {
          if (from < x->n && ((unsigned char)x->s[from] & 0xC0) == 0x80)
            continue;
          bool want = rule_exec(r, x->s + from, b - from, 0, x->md);
          bool got = xany(x, (rule_list){&r, 1}, from, b, NULL);
          ck_assert_msg(got == want, "%s at %zu-%zu of %s", r->id, from, b,
                        f < n ? files[f] : "opens_far_lines");
          asked++;
          found += want;
          /* a match whose needed character is not within its first
           * 8 bytes */
          far += want && f == n &&
                 !rule_may_match(r, rule_features(x->s + from,
                                                  b - from < 8 ? b - from : 8));
        }
      }
    }
    plan_close(&p);
  }
  ck_assert_uint_gt(nrules, 0);
  ck_assert_uint_gt(found, 0);
  ck_assert_uint_gt(far, 1); /* the articles */
  ck_assert_uint_gt(asked, found);
  harness_free_list(files, n);
}
END_TEST

/* A clause asked right after the one before it ends (task_sentences asks
 * a sentence's clauses in turn) has its first run searched for from the
 * first run past that one's end (clause.c: clause_words_within,
 * tk.held_next): over every line of the corpus and of crafted lines, each
 * split at its ';' and '.' as task_sentences splits it, the clauses asked
 * in turn hold the words a fresh ask of each finds, and so do the asks of
 * a line's clauses in reverse, of a clause again and of one inside it.
 * Its own rule set: the words are of the lists of this tk alone (areas,
 * coord.opener, lead.area), made into the set's clause_word_rules. */
static const char *clause_run_lines =
    "Chủ trì;giao Công an xã kiểm tra;phối hợp với Phòng Kinh tế.\n"
    "Chuyển đổi số ; chính quyền số ;; cải cách thủ tục hành chính. Xong\n"
    "a;b;c;d;e;f;g;h;i;j;k;l;m;n;o;p;q;r;s;t;u;v;w;x;y;z\n"
    ";Kinh tế số; ;tham mưu.Phối hợp.\n";

static bool held_same(const clause_held *a, const clause_held *b) {
  return a->has[0] == b->has[0] && a->has[1] == b->has[1];
}

START_TEST(clause_words_read_from_the_clause_just_before) {
  char **files;
  size_t n;
  cchc_rules *set = corpus_and_fresh_rules(&files, &n);
  cchc_error err = {0};
  size_t next = 0, asked = 0, holding = 0;
  for (size_t f = 0; f <= n; f++) {
    size_t len = 0;
    char *src = f < n ? harness_read(files[f], &len) : strdup(clause_run_lines);
    ck_assert_ptr_nonnull(src);
    if (f == n) len = strlen(src);
    cchc_text *text = NULL;
    ck_assert_int_eq(cchc_normalize(src, len, NULL, &text, &err), CCHC_OK);
    xctx x;
    memset(&x, 0, sizeof x);
    ck_assert_int_eq(xctx_open(&x, set, text, &err), CCHC_OK);
    tk t = {.x = &x,
            .areas = rules_select(set, "area.", NULL),
            .with = rules_select(set, "coord.", "opener"),
            .area_lead = rules_select(set, "lead.", "area")};
    tk fresh = t;
    for (size_t li = 0; li < x.nlines; li++) {
      size_t a = xline_start(&x, li), b = xline_end(&x, li);
      size_t cs[256], ce[256], nc = 0;
      for (size_t i = a, c = a; i <= b && nc < 256; i++)
        if (i == b || x.s[i] == ';' ||
            (x.s[i] == '.' && (i + 1 == b || xblank(x.s[i + 1])))) {
          if (i > c) {
            cs[nc] = c;
            ce[nc++] = i;
          }
          c = i + 1;
        }
      /* in turn, in reverse, again, and inside */
      size_t order[3 * 256 + 2], no = 0;
      for (size_t k = 0; k < nc; k++) order[no++] = k;
      for (size_t k = nc; k-- > 0;) order[no++] = k;
      for (size_t k = 0; k < nc; k++) order[no++] = k;
      for (size_t o = 0; o < no; o++) {
        size_t k = order[o];
        bool after = t.held_kept && cs[k] >= t.held_b;
        clause_held got, want;
        ck_assert(clause_words_within(&t, cs[k], ce[k], &got));
        fresh.held_kept = false;
        ck_assert(clause_words_within(&fresh, cs[k], ce[k], &want));
        ck_assert_msg(held_same(&got, &want), "[%zu, %zu) of %s", cs[k],
                      ce[k], f < n ? files[f] : "clause_run_lines");
        next += after;
        asked++;
        holding += want.has[0] || want.has[1];
        if (ce[k] - cs[k] > 2) { /* a clause inside the last one */
          ck_assert(clause_words_within(&t, cs[k] + 1, ce[k] - 1, &got));
          fresh.held_kept = false;
          ck_assert(clause_words_within(&fresh, cs[k] + 1, ce[k] - 1, &want));
          ck_assert(held_same(&got, &want));
        }
      }
    }
    clause_coordinators_free(&t);
    clause_coordinators_free(&fresh);
    xctx_close(&x);
    cchc_text_free(text);
    free(src);
  }
  ck_assert_uint_gt(next, asked / 4); /* most asks follow the one before */
  ck_assert_uint_gt(holding, 0);
  ck_assert_uint_gt(asked, holding);
  cchc_rules_free(set);
  harness_free_list(files, n);
}
END_TEST

/* A cue's twin whose words the clause's runs hold is searched for at
 * once, not after a search of its cue's literals (clause.c: cue_within):
 * the twins that open with many bytes ("tham mưu", "phối hợp với", "họp",
 * "chủ động") lead where they match, in a body sentence and in a duty,
 * and a body clause holding their words out of order ("mưu tham", "hợp
 * phối với") leads by none (its time makes it a task); each
 * frame is the one read without the words, where the literals are
 * searched first. */
static const struct {
  const char *clause;
  const char *lead; /* NULL: none */
} many_byte_twins[] = {
    {"Công an xã tham mưu kiểm tra hồ sơ an ninh trong tháng 6 năm 2026.",
     "cong_an"},
    {"Công an xã phối hợp với Phòng Kinh tế kiểm tra trong tháng 6 năm 2026.",
     "cong_an"},
    {"Công an xã họp định kỳ về an ninh trong tháng 6 năm 2026.", "cong_an"},
    {"Công an xã chủ động phối hợp kiểm tra trong tháng 6 năm 2026.",
     "cong_an"},
    {"Công an xã mưu tham kiểm tra hồ sơ trong tháng 6 năm 2026.", NULL},
    {"Công an xã hợp phối với Phòng Kinh tế trong tháng 6 năm 2026.", NULL},
    {"Công an xã động chủ, họp lại trong tháng 6 năm 2026.", NULL},
};

START_TEST(twins_with_their_words_searched_at_once) {
  char src[1024];
  snprintf(src, sizeof src,
           "KẾ HOẠCH\nCải cách hành chính xã An Phú năm 2026\n"
           "I. NHIỆM VỤ\n1. Cải cách thủ tục hành chính\n"
           "Rà soát thủ tục hành chính trong năm 2026.\n%s\n"
           "II. TỔ CHỨC THỰC HIỆN\n1. Văn phòng HĐND và UBND xã\n- %s\n",
           many_byte_twins[_i].clause, many_byte_twins[_i].clause);
  doc d = extract(src);
  size_t named = 0;
  for (size_t i = 0; i < d.f->ntasks; i++) {
    const frame_task *k = &d.f->tasks[i];
    if (strncmp(k->text, "Công an xã", strlen("Công an xã"))) continue;
    if (many_byte_twins[_i].lead)
      check_units(k->lead, k->nlead, many_byte_twins[_i].lead);
    else if (!named) /* the body's clause (a duty's own units act) */
      ck_assert_uint_eq(k->nlead, 0);
    named++;
  }
  ck_assert_uint_ge(named, many_byte_twins[_i].lead ? 2 : 1);
  done(&d);
  same_frame_either_way(src);
}
END_TEST

/* task_sentence_end finds each '.' by memchr (tasks.c): over every line
 * of the corpus and crafted lines, from each of a line's bytes, it gives
 * what a look at every byte gives, the first '.' that the span's end or
 * a blank follows ("3.5 triệu" and "v.v..." go on; "TP." before the end
 * ends). */
static const char *sentence_end_lines =
    "Tăng 3.5 triệu đồng. Giảm v.v... còn lại\nTP.\n. .\n..x..\n"
    "không có dấu\n1.2.3.4.5 a. b\n";

static size_t sentence_end_by_bytes(const xctx *x, size_t a, size_t b) {
  for (size_t i = a; i < b; i++)
    if (x->s[i] == '.' && (i + 1 == b || xblank(x->s[i + 1]))) return i;
  return b;
}

START_TEST(sentence_ends_found_by_memchr) {
  char **files;
  size_t n = harness_corpus_all(&files);
  ck_assert_uint_ge(n, 4);
  size_t asked = 0, inside = 0;
  for (size_t f = 0; f <= n; f++) {
    opened_plan p;
    plan_open(&p, files, n, f, sentence_end_lines);
    xctx *x = &p.x;
    for (size_t li = 0; li < x->nlines; li++) {
      size_t a = xline_start(x, li), b = xline_end(x, li);
      for (size_t from = a; from <= b; from++) {
        size_t want = sentence_end_by_bytes(x, from, b);
        ck_assert_uint_eq(task_sentence_end(x, from, b), want);
        asked++;
        inside += want < b;
      }
      /* cut short right after a '.' */
      for (size_t i = a; i < b; i++)
        if (x->s[i] == '.')
          ck_assert_uint_eq(task_sentence_end(x, a, i + 1),
                            sentence_end_by_bytes(x, a, i + 1));
    }
    plan_close(&p);
  }
  ck_assert_uint_gt(inside, 0);
  ck_assert_uint_gt(asked, inside);
  harness_free_list(files, n);
}
END_TEST

/* A sentence on what to do if difficulties arise sets no task
 * (task.contingent); its rule is searched for only where the sentence's
 * words may hold its literals (tasks.c: contingent_within).  Frames are
 * the same as when every sentence asked is searched -- over the corpus
 * and sentences whose words stand in capitals, in a later clause, at the
 * sentence's end, glued to the next word, or in the sentence after. */
static const char contingent_plan[] =
    "KẾ HOẠCH\nCải cách hành chính năm 2026\nI. NHIỆM VỤ\n"
    "Nếu có khó khăn, vướng mắc, giao Công an xã báo cáo trong tháng 6 năm "
    "2026.\n"
    "Công an xã chủ trì tháo gỡ khó khăn cho doanh nghiệp trong quý II năm "
    "2026.\n"
    "KHI PHÁT SINH VƯỚNG MẮC, Văn phòng UBND xã chủ trì tổng hợp trong tháng "
    "7 năm 2026.\n"
    "Phòng Kinh tế chủ trì rà soát; trường hợp có khó khăn thì báo cáo UBND "
    "xã trong tháng 8 năm 2026.\n"
    "Phòng Kinh tế chủ trì kiểm tra trong tháng 9 năm 2026; nếu có vướng "
    "mắc.\n"
    "Nếu có khókhăn, Công an xã chủ trì kiểm tra trong tháng 10 năm 2026.\n"
    "Khi cần, Công an xã chủ trì rà soát trong tháng 11 năm 2026. Nếu có "
    "khó khăn thì báo cáo.\n";

static char *frame_contingent(const char *src, size_t n, bool all) {
  contingent_literals_off = all;
  char *out = harness_process_json(rules, src, n);
  contingent_literals_off = false;
  return out;
}

START_TEST(contingent_sentences_searched_only_where_their_words_are) {
  char **files;
  size_t n = harness_corpus_all(&files);
  ck_assert_uint_ge(n, 4);
  for (size_t i = 0; i <= n; i++) {
    size_t len = 0;
    char *src = i < n ? harness_read(files[i], &len) : strdup(contingent_plan);
    ck_assert_ptr_nonnull(src);
    if (i == n) len = strlen(src);
    char *some = frame_contingent(src, len, false);
    char *all = frame_contingent(src, len, true);
    ck_assert_msg(!strcmp(some, all), "%s: the frames differ",
                  i < n ? files[i] : "contingent_plan");
    free(some);
    free(all);
    free(src);
  }
  harness_free_list(files, n);
  doc d = extract(contingent_plan);
  ck_assert(!has_task(&d, "Nếu có khó khăn"));
  ck_assert(!has_task(&d, "KHI PHÁT SINH"));
  ck_assert(!has_task(&d, "Phòng Kinh tế chủ trì"));
  ck_assert(has_task(&d, "Công an xã chủ trì tháo gỡ khó khăn"));
  ck_assert(has_task(&d, "Nếu có khókhăn, Công an xã chủ trì"));
  ck_assert(has_task(&d, "Khi cần, Công an xã chủ trì rà soát"));
  ck_assert_uint_eq(d.f->ntasks, 3);
  done(&d);
}
END_TEST

int main(void) {
  Suite *s = suite_create("extract_tasks");
  TCase *tc = tcase_create("plan");
  tcase_add_checked_fixture(tc, load_rules, free_rules);
  tcase_set_timeout(tc, 30);
  tcase_add_test(tc, organisation_part);
  tcase_add_test(tc, leads_per_area);
  tcase_add_test(tc, organisation_part_any_depth);
  tcase_add_test(tc, leads_wherever_stated);
  tcase_add_test(tc, unit_heading_then_area_leads);
  tcase_add_loop_test(tc, unknown_unit_by_name, 0,
                      (int)(sizeof unknown_in_clauses /
                            sizeof *unknown_in_clauses));
  tcase_add_test(tc, body_tasks);
  tcase_add_test(tc, coordinators_do_not_lead);
  tcase_add_test(tc, coordinators_of_the_whole_task);
  tcase_add_test(tc, coordinators_told_by_a_range_around);
  tcase_add_test(tc, scattered_table);
  tcase_add_test(tc, table_budget_cells);
  tcase_add_test(tc, inconsistency);
  tcase_add_test(tc, ids_and_order);
  tcase_add_test(tc, no_tasks);
  tcase_add_test(tc, table_forms_agree);
  tcase_add_test(tc, table_crawl_rows);
  tcase_add_test(tc, table_crawl_after_many_slots);
  tcase_add_test(tc, table_long_merged_rows);
  tcase_add_test(tc, table_crawl_between_lines_without_bars);
  tcase_add_test(tc, table_cells_answered_by_their_text);
  tcase_add_test(tc, table_cells_past_as_many_facts);
  tcase_add_test(tc, table_targets);
  tcase_add_test(tc, inline_assignments);
  tcase_add_test(tc, labels_after_semicolon);
  tcase_add_test(tc, leads_where_twins_match);
  tcase_add_test(tc, leads_after_before_cues_within_their_reach);
  tcase_add_test(tc, leads_after_the_first_twin_match);
  tcase_add_test(tc, unit_texts_by_span);
  tcase_add_test(tc, area_work_after_coordinators);
  tcase_add_test(tc, no_tasks_after_signature);
  tcase_add_test(tc, unit_texts_by_bytes);
  tcase_add_test(tc, gap_facts_from_patterns);
  tcase_add_test(tc, area_work_cut_at_the_first_cut);
  tcase_add_loop_test(tc, leads_by_the_words_of_any_twin, 0,
                      (int)(sizeof one_twin_clauses /
                            sizeof *one_twin_clauses));
  tcase_add_loop_test(tc, twins_with_their_words_searched_at_once, 0,
                      (int)(sizeof many_byte_twins /
                            sizeof *many_byte_twins));
  suite_add_tcase(s, tc);
  TCase *tcc = tcase_create("corpus");
  tcase_add_checked_fixture(tcc, load_rules, free_rules);
  tcase_set_timeout(tcc, 120);
  tcase_add_test(tcc, corpus_against_gold);
  tcase_add_test(tcc, lead_cue_twins_match_where_cues_do);
  tcase_add_test(tcc, rule_words_skip_only_clauses_without_them);
  tcase_add_test(tcc, clause_word_rules_made_once_per_set);
  tcase_add_test(tcc, clause_words_read_from_the_clause_before);
  tcase_add_test(tcc, coordinator_lists_skipped_only_where_none_opens);
  tcase_add_test(tcc, span_opens_as_xany);
  tcase_add_test(tcc, line_features_as_the_lines_bytes);
  tcase_add_test(tcc, span_start_rules_skip_features_soundly);
  tcase_add_test(tcc, clause_words_read_from_the_clause_just_before);
  tcase_add_test(tcc, sentence_ends_found_by_memchr);
  tcase_add_test(tcc, contingent_sentences_searched_only_where_their_words_are);
  suite_add_tcase(s, tcc);
  return harness_run(s);
}
