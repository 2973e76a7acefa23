/* test_rules.c: the rules loader (errors name file and line), the example
 * runner, and the section tree built from the shipped rules. */
#include "harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../extract/frame.h"
#include "../extract/rules.h"

static cchc_status load_one(const char *content, cchc_error *err) {
  cchc_rules *rs = NULL;
  cchc_status st =
      cchc_rules_load(harness_rules_dir_with("x.rules", content), &rs, err);
  cchc_rules_free(rs);
  return st;
}

static const char good_rule[] = "rule t.one\n"
                                "purpose: a percentage\n"
                                "pattern: (?<value>\\d+)\\s*%\n"
                                "yes: đạt 98% => value=98\n"
                                "no: không có số\n";

START_TEST(loads_and_runs_examples) {
  cchc_rules *rs = NULL;
  cchc_error err = {0};
  ck_assert_int_eq(
      cchc_rules_load(harness_rules_dir_with("x.rules", good_rule), &rs, &err),
      CCHC_OK);
  ck_assert_uint_eq(cchc_rules_count(rs), 1);
  size_t examples = 0;
  ck_assert_uint_eq(cchc_rules_test(rs, NULL, NULL, &examples), 0);
  ck_assert_uint_eq(examples, 2);
  const rule *r = rules_find(rs, "t.one");
  ck_assert_ptr_nonnull(r);
  ck_assert_str_eq(r->purpose, "a percentage");
  cchc_rules_free(rs);
}
END_TEST

typedef struct failures {
  int n;
  char last[1024];
  size_t line;
} failures;

static void collect(void *ctx, const char *path, size_t line,
                    const char *rule_id, const char *message) {
  failures *f = ctx;
  f->n++;
  f->line = line;
  snprintf(f->last, sizeof f->last, "%s: %s", rule_id, message);
}

START_TEST(failing_examples_are_reported_with_line) {
  static const char bad[] = "rule t.bad\n"
                            "pattern: (?<value>\\d+)\\s*%\n"
                            "yes: 98 phần trăm\n"         /* line 3: no match */
                            "yes: đạt 98% => value=99\n"  /* line 4: wrong group */
                            "no: đạt 50%\n";              /* line 5: matches */
  cchc_rules *rs = NULL;
  cchc_error err = {0};
  ck_assert_int_eq(cchc_rules_load(harness_rules_dir_with("x.rules", bad), &rs, &err),
                   CCHC_OK);
  failures f = {0};
  ck_assert_uint_eq(cchc_rules_test(rs, collect, &f, NULL), 3);
  ck_assert_int_eq(f.n, 3);
  ck_assert_uint_eq(f.line, 5);
  ck_assert_ptr_nonnull(strstr(f.last, "t.bad"));
  cchc_rules_free(rs);
}
END_TEST

/* Each malformed file gives CCHC_ERR_RULES naming the file and line. */
static const struct {
  const char *content;
  unsigned line;
  const char *message;
} bad_files[] = {
    {"rule a.b\npattern: (unclosed\nyes: x\nno: y\n", 1, "pattern error"},
    {"rule a.b\npattern: x\nwhat: y\n", 3, "unknown field"},
    {"rule a.b\npattern: x\nyes: x\n", 1, "needs at least one"},
    {"rule a.b\npattern: x\nset: area=nowhere\n", 3, "unknown area key"},
    {"rule a.b\npattern: x\nset: indicator=tthc.nope\n", 3,
     "unknown indicator key"},
    {"rule a.b\npattern: x\nyes: x\nno: y\n\nrule a.b\n", 6, "duplicate"},
    {"pattern: x\n", 1, "before the first"},
    {"rule A.B\n", 1, "rule id"},
    {"rule a.b\nyes: x\nno: y\n", 1, "no pattern"},
    {"rule a.b\npattern: (?<v>x)\nyes: x => w=x\nno: y\n", 3, "no group"},
    {"rule a.b\npattern: x\nflags: sideways\n", 3, "unknown flag"},
    {"rule a.b\npattern: x\nno: x => v=1\n", 3, "cannot expect"},
    {"rule a.b\npattern: x\nyes: \xff\xfe\n", 3, "invalid UTF-8"},
};

START_TEST(bad_rules_file_names_file_and_line) {
  cchc_error err = {0};
  ck_assert_int_eq(load_one(bad_files[_i].content, &err), CCHC_ERR_RULES);
  ck_assert_uint_eq(err.line, bad_files[_i].line);
  ck_assert_ptr_nonnull(strstr(err.path, "x.rules"));
  ck_assert_msg(strstr(err.message, bad_files[_i].message), "message: %s",
                err.message);
}
END_TEST

START_TEST(bad_taxonomy_line_is_named) {
  const char *dir = harness_rules_dir_with("x.rules", good_rule);
  char path[4200];
  snprintf(path, sizeof path, "%s/indicators.tsv", dir);
  static const char tsv[] = "key\tarea\tunit\tname\twording\n"
                            "a.b\tnowhere\t%\tname\twords\n";
  ck_assert_int_eq(harness_write(path, tsv, strlen(tsv)), 0);
  cchc_rules *rs = NULL;
  cchc_error err = {0};
  ck_assert_int_eq(cchc_rules_load(dir, &rs, &err), CCHC_ERR_RULES);
  ck_assert_uint_eq(err.line, 2);
  ck_assert_ptr_nonnull(strstr(err.path, "indicators.tsv"));
  ck_assert_ptr_null(rs);
}
END_TEST

START_TEST(missing_directory_is_an_io_error) {
  cchc_rules *rs = NULL;
  cchc_error err = {0};
  ck_assert_int_eq(cchc_rules_load("/nonexistent/rules", &rs, &err),
                   CCHC_ERR_IO);
  ck_assert_ptr_null(rs);
}
END_TEST

START_TEST(continuation_lines_extend_the_pattern) {
  static const char multi[] = "rule t.multi\n"
                              "pattern: tối\\s+thiểu\n"
                              "    \\s+(?<value>\\d+)%\n"
                              "yes: tối thiểu 98% => value=98\n"
                              "no: tối thiểu\n";
  cchc_rules *rs = NULL;
  cchc_error err = {0};
  ck_assert_int_eq(
      cchc_rules_load(harness_rules_dir_with("x.rules", multi), &rs, &err), CCHC_OK);
  ck_assert_uint_eq(cchc_rules_test(rs, NULL, NULL, NULL), 0);
  cchc_rules_free(rs);
}
END_TEST

/* The shipped rules: every example passes. */
START_TEST(shipped_rules_pass_their_examples) {
  char dir[4096];
  snprintf(dir, sizeof dir, "%s/rules", harness_root());
  cchc_rules *rs = NULL;
  cchc_error err = {0};
  ck_assert_msg(cchc_rules_load(dir, &rs, &err) == CCHC_OK, "%s:%u: %s",
                err.path, err.line, err.message);
  failures f = {0};
  size_t examples = 0;
  ck_assert_msg(cchc_rules_test(rs, collect, &f, &examples) == 0,
                "line %zu: %s", f.line, f.last);
  ck_assert_uint_gt(examples, 2 * cchc_rules_count(rs) - 1);
  cchc_rules_free(rs);
}
END_TEST

/* ---- section tree ---------------------------------------------------- */

static cchc_frame *extract_text(const char *input) {
  cchc_text *t = NULL;
  cchc_frame *f = NULL;
  harness_extract(harness_rules(), input, strlen(input), &t, &f);
  cchc_text_free(t);
  return f;
}

static const char plan[] =
    "KẾ HOẠCH\n"
    "Cải cách hành chính năm 2026\n"
    "I. MỤC ĐÍCH, YÊU CẦU\n"
    "1. Mục đích\n"
    "Nâng cao hiệu quả.\n"
    "II. NỘI DUNG\n"
    "1. Cải cách thể chế\n"
    "1.1. Mục tiêu\n"
    "- Văn bản được ban hành đúng quy định.\n"
    "1.2 Nhiệm vụ\n"                       /* no final dot */
    "a) Rà soát văn bản\n"
    "2. Cải cách thủ tục hành chính\n"
    "2.1. Mục tiêu\n"
    "3.3. Xây dựng và phát triển chính quyền số\n" /* wrong parent number */
    "III. TỔ CHỨC THỰC HIỆN\n"
    "PHỤ LỤC\n"
    "I CÔNG TÁC CHỈ ĐẠO ĐIỀU HÀNH CCHC\n"
    "1.1. Nâng cao chất lượng\n"           /* a table cell, not a section */
    "Tư pháp\n";

static const frame_section *find_section(const cchc_frame *f,
                                         const char *number, int nth) {
  for (size_t i = 0; i < f->nsections; i++)
    if (f->sections[i].number && !strcmp(f->sections[i].number, number) &&
        nth-- == 0)
      return &f->sections[i];
  return NULL;
}

START_TEST(section_tree_nests_by_numbering_style) {
  cchc_frame *f = extract_text(plan);
  const frame_section *s2 = find_section(f, "II", 0);
  const frame_section *s21 = find_section(f, "1", 1);
  const frame_section *s211 = find_section(f, "1.1", 0);
  const frame_section *s212 = find_section(f, "1.2", 0);
  const frame_section *sa = find_section(f, "a", 0);
  ck_assert_ptr_nonnull(s2);
  ck_assert_ptr_nonnull(s21);
  ck_assert_ptr_nonnull(s211);
  ck_assert_ptr_nonnull(s212);
  ck_assert_ptr_nonnull(sa);
  ck_assert_int_eq(s2->level, 1);
  ck_assert_int_eq(s21->level, 2);
  ck_assert_int_eq(s211->level, 3);
  ck_assert_int_eq(s212->level, 3);
  ck_assert_int_eq(sa->level, 4);
  ck_assert_ptr_eq(&f->sections[s21->parent], s2);
  ck_assert_ptr_eq(&f->sections[s212->parent], s21);
  ck_assert_str_eq(s21->heading, "Cải cách thể chế");
  /* Areas come from heading words and are inherited below. */
  ck_assert_str_eq(s21->area, "the_che");
  ck_assert_ptr_null(s211->area);
  ck_assert_str_eq(find_section(f, "2", 0)->area, "tthc");
  const frame_section *wrong = find_section(f, "3.3", 0);
  ck_assert_ptr_nonnull(wrong);
  ck_assert_int_eq(wrong->level, 3); /* still under "2." */
  ck_assert_str_eq(wrong->area, "cqs");
  /* The span of a section is its heading line in the original input. */
  ck_assert_int_eq((int)(s21->span.end - s21->span.start),
                   (int)strlen("1. Cải cách thể chế"));
  ck_assert(!memcmp(plan + s21->span.start, "1. Cải cách thể chế",
                    s21->span.end - s21->span.start));
  ck_assert_str_eq(s21->rule, "section.arabic");
  cchc_frame_free(f);
}
END_TEST

START_TEST(appendix_cells_are_not_sections) {
  cchc_frame *f = extract_text(plan);
  const frame_section *app = NULL;
  for (size_t i = 0; i < f->nsections && !app; i++)
    if (!strcmp(f->sections[i].rule, "section.appendix"))
      app = &f->sections[i];
  ck_assert_ptr_nonnull(app);
  ck_assert_ptr_null(app->number); /* "PHỤ LỤC" without a number */
  ck_assert_int_eq(app->level, 1);
  const frame_section *group = find_section(f, "I", 1); /* after "I." */
  ck_assert_ptr_nonnull(group);
  ck_assert_ptr_eq(&f->sections[group->parent], app);
  ck_assert_str_eq(group->area, "chi_dao");
  /* "1.1." appears once, in the body; the appendix one is a cell. */
  ck_assert_ptr_nonnull(find_section(f, "1.1", 0));
  ck_assert_ptr_null(find_section(f, "1.1", 1));
  cchc_frame_free(f);
}
END_TEST

/* Each numbering form a plan may use: the section found, its number
 * without punctuation and the rule; a closing '.' or ':' is not part of the
 * heading.  Wordings of our own. */
static const struct {
  const char *line, *number, *heading, *rule;
} numbering_forms[] = {
    {"a) Phát triển dữ liệu số", "a", "Phát triển dữ liệu số", "section.alpha"},
    {"b. Đào tạo kỹ năng số:", "b", "Đào tạo kỹ năng số", "section.alpha"},
    {"đ/ Tăng cường kiểm tra.", "đ", "Tăng cường kiểm tra", "section.alpha"},
    {"1) Mục tiêu chung", "1", "Mục tiêu chung", "section.arabic"},
    {"2. Mục tiêu cụ thể:", "2", "Mục tiêu cụ thể", "section.arabic"},
    {"3/ Nhiệm vụ", "3", "Nhiệm vụ", "section.arabic"},
    {"I. MỤC ĐÍCH", "I", "MỤC ĐÍCH", "section.roman"},
    {"II - NỘI DUNG", "II", "NỘI DUNG", "section.roman"},
    {"III/ GIẢI PHÁP:", "III", "GIẢI PHÁP", "section.roman"},
    {"IV) Kinh phí", "IV", "Kinh phí", "section.roman"},
    {"1.1. Chỉ tiêu", "1.1", "Chỉ tiêu", "section.decimal"},
    {"2.3 Nhiệm vụ", "2.3", "Nhiệm vụ", "section.decimal"},
    {"3.1.2. Dữ liệu mở", "3.1.2", "Dữ liệu mở", "section.decimal"},
    {"Điều 2. Tổ chức thực hiện", "2", "Tổ chức thực hiện", "section.article"},
    {"Phần I. QUY ĐỊNH CHUNG", "I", "QUY ĐỊNH CHUNG", "section.part"},
    {"Chương 2", "2", "", "section.chapter"},
    {"Mục 3. Kiểm tra", "3", "Kiểm tra", "section.item"},
    {"B. NHIỆM VỤ CỤ THỂ", "B", "NHIỆM VỤ CỤ THỂ", "section.upper"},
};

START_TEST(section_numbering_forms) {
  char text[256];
  snprintf(text, sizeof text, "KẾ HOẠCH\nThử nghiệm\n%s\nNội dung.\n",
           numbering_forms[_i].line);
  cchc_frame *f = extract_text(text);
  ck_assert_msg(f->nsections == 1, "%s: %zu sections", numbering_forms[_i].line,
                f->nsections);
  const frame_section *sec = &f->sections[0];
  ck_assert_str_eq(sec->number, numbering_forms[_i].number);
  ck_assert_str_eq(sec->heading, numbering_forms[_i].heading);
  ck_assert_str_eq(sec->rule, numbering_forms[_i].rule);
  cchc_frame_free(f);
}
END_TEST

/* A plan's nesting comes from the kind of its numbering, whatever the
 * punctuation: "1." and "1)" are one level, and so are "a)" and "a/". */
START_TEST(section_levels_ignore_punctuation) {
  cchc_frame *f = extract_text("KẾ HOẠCH\n"
                               "I - MỤC TIÊU\n"
                               "1. Mục tiêu chung\n"
                               "a) Về thể chế\n"
                               "b/ Về thủ tục\n"
                               "2) Mục tiêu cụ thể\n"
                               "II/ NHIỆM VỤ\n"
                               "1/ Nhiệm vụ chung\n");
  ck_assert_uint_eq(f->nsections, 7);
  static const int level[] = {1, 2, 3, 3, 2, 1, 2};
  static const int parent[] = {-1, 0, 1, 1, 0, -1, 5};
  for (size_t i = 0; i < 7; i++) {
    ck_assert_int_eq(f->sections[i].level, level[i]);
    ck_assert_int_eq(f->sections[i].parent, parent[i]);
  }
  cchc_frame_free(f);
}
END_TEST

/* Articles of a decision are sections, but the header goes on past them:
 * the title of the plan the decision issues is still found. */
START_TEST(decision_articles_are_sections) {
  cchc_frame *f = extract_text("QUYẾT ĐỊNH\n"
                               "Điều 1. Ban hành kèm theo Quyết định này Kế "
                               "hoạch thử nghiệm.\n"
                               "Điều 2. Quyết định có hiệu lực từ ngày ký.\n"
                               "I. MỤC TIÊU\n"
                               "1. Mục tiêu chung\n");
  ck_assert_uint_eq(f->nsections, 4);
  ck_assert_str_eq(f->sections[1].number, "2");
  ck_assert_int_eq(f->sections[1].level, 1);
  ck_assert_int_eq(f->sections[2].level, 2); /* "I." under "Điều 2." */
  cchc_frame_free(f);
}
END_TEST

START_TEST(corpus_sections_have_areas) {
  char **paths;
  size_t n = harness_corpus(&paths);
  ck_assert_uint_gt(n, 0);
  for (size_t i = 0; i < n; i++) {
    size_t len;
    char *data = harness_read(paths[i], &len);
    ck_assert_ptr_nonnull(data);
    cchc_frame *f = extract_text(data);
    size_t with_area = 0, top = 0;
    for (size_t k = 0; k < f->nsections; k++) {
      with_area += f->sections[k].area != NULL;
      top += f->sections[k].level == 1;
      ck_assert_uint_le(f->sections[k].span.end, len);
    }
    /* Every plan has parts I., II., ... and areas of reform. */
    ck_assert_msg(top >= 3, "%s: %zu top-level parts", paths[i], top);
    ck_assert_msg(with_area >= 5, "%s: %zu sections with an area", paths[i],
                  with_area);
    cchc_frame_free(f);
    free(data);
  }
  harness_free_list(paths, n);
}
END_TEST

int main(void) {
  Suite *s = suite_create("rules");
  TCase *tc = tcase_create("loader");
  tcase_add_test(tc, loads_and_runs_examples);
  tcase_add_test(tc, failing_examples_are_reported_with_line);
  tcase_add_loop_test(tc, bad_rules_file_names_file_and_line, 0,
                      (int)(sizeof bad_files / sizeof *bad_files));
  tcase_add_test(tc, bad_taxonomy_line_is_named);
  tcase_add_test(tc, missing_directory_is_an_io_error);
  tcase_add_test(tc, continuation_lines_extend_the_pattern);
  tcase_add_test(tc, shipped_rules_pass_their_examples);
  suite_add_tcase(s, tc);
  TCase *ts = tcase_create("sections");
  tcase_add_unchecked_fixture(ts, NULL, harness_free_rules);
  tcase_set_timeout(ts, 30);
  tcase_add_test(ts, section_tree_nests_by_numbering_style);
  tcase_add_loop_test(ts, section_numbering_forms, 0,
                      (int)(sizeof numbering_forms / sizeof *numbering_forms));
  tcase_add_test(ts, section_levels_ignore_punctuation);
  tcase_add_test(ts, decision_articles_are_sections);
  tcase_add_test(ts, appendix_cells_are_not_sections);
  tcase_add_test(ts, corpus_sections_have_areas);
  suite_add_tcase(s, ts);
  return harness_run(s);
}
