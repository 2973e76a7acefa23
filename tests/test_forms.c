/* test_forms.c: the transformations of tests/forms.c on small inputs, the
 * comparison of frames apart from spans, and, on every corpus plan, the
 * surface forms that already give the same frame (issue 12, point 5). */
#define _GNU_SOURCE
#include "forms.h"
#include "harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/ucnv.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>

static forms_env *env;

static forms_env *the_env(void) {
  if (!env) {
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/rules", harness_root());
    cchc_error err = {0};
    ck_assert_msg(forms_env_new(dir, &env, &err) == CCHC_OK, "%s: %s", err.path,
                  err.message);
  }
  return env;
}

/* Apply the transformation `name` with the default seed; the caller frees
 * the result. */
static char *apply_n(const char *name, const char *in, size_t len,
                     size_t *outlen) {
  const forms_transform *t = forms_find(name);
  ck_assert_msg(t, "no transformation %s", name);
  forms_bytes out = {0};
  cchc_error err = {0};
  ck_assert_msg(forms_apply(the_env(), t, in, len, FORMS_DEFAULT_SEED, &out,
                            &err) == CCHC_OK,
                "%s: %s", name, err.message);
  if (outlen)
    *outlen = out.len;
  return out.data;
}

static char *apply(const char *name, const char *in) {
  return apply_n(name, in, strlen(in), NULL);
}

/* The transformation `name` makes `want` of `in`. */
static void expect(const char *name, const char *in, const char *want) {
  char *out = apply(name, in);
  ck_assert_str_eq(out, want);
  free(out);
}

/* The canonical text of `len` bytes; the caller frees it. */
static char *canonical(const char *in, size_t len, cchc_encoding *enc) {
  cchc_text *t = NULL;
  cchc_error err = {0};
  ck_assert_msg(cchc_normalize(in, len, NULL, &t, &err) == CCHC_OK, "%s",
                err.message);
  char *s = strdup(cchc_text_data(t));
  if (enc)
    *enc = cchc_text_encoding(t);
  cchc_text_free(t);
  return s;
}

/* The copy reads, once normalized, as the original does. */
static void assert_same_text(const char *name, const char *in) {
  size_t len;
  char *out = apply_n(name, in, strlen(in), &len);
  char *a = canonical(in, strlen(in), NULL), *b = canonical(out, len, NULL);
  ck_assert_str_eq(a, b);
  free(a);
  free(b);
  free(out);
}

/* ------------------------------------------------------------------ */
/* Transformations                                                     */

START_TEST(renumber_swaps_markers) {
  char *out = apply("renumber", "I. MỤC ĐÍCH\n1. Mục đích\na) Nội dung x\n"
                                "b. Nội dung y\nc) Nội dung z\n"
                                "1.1. Giữ nguyên\n- gạch\n");
  ck_assert_msg(strstr(out, "I - MỤC ĐÍCH\n1) Mục đích\n"), "%s", out);
  ck_assert_msg(strstr(out, "\nb) Nội dung y\n"), "%s", out);
  ck_assert_msg(strstr(out, "\n1.1. Giữ nguyên\n- gạch\n"), "%s", out);
  /* a) becomes a. or a/, the same for every letter of the plan */
  const char *a = strstr(out, "\na"), *c = strstr(out, "\nc");
  ck_assert(a && c && (a[2] == '.' || a[2] == '/') && a[2] == c[2]);
  free(out);
  expect("renumber", "II - NỘI DUNG\n2) Mục tiêu\nđ/ Việc\n",
         "II. NỘI DUNG\n2. Mục tiêu\nđ) Việc\n");
}
END_TEST

START_TEST(rebullet_maps_each_glyph_to_another) {
  const char *in = "- một\n+ hai\n* ba\n• bốn\n- năm\n-- không\n*nghiêng*\n";
  char *out = apply("rebullet", in);
  char *glyph[5] = {0};
  char *line = out;
  for (int i = 0; i < 5; i++) {
    glyph[i] = strndup(line, strcspn(line, " "));
    line = strchr(line, '\n') + 1;
  }
  ck_assert_str_ne(glyph[0], "-");
  ck_assert_str_ne(glyph[1], "+");
  ck_assert_str_ne(glyph[2], "*");
  ck_assert_str_ne(glyph[3], "•");
  for (int i = 0; i < 4; i++)
    for (int j = i + 1; j < 4; j++)
      ck_assert_str_ne(glyph[i], glyph[j]);
  ck_assert_str_eq(glyph[4], glyph[0]);
  ck_assert_str_eq(line, "-- không\n*nghiêng*\n");
  for (int i = 0; i < 5; i++)
    free(glyph[i]);
  free(out);
}
END_TEST

/* The words of s, page numbers (lines of digits only) left out, joined by
 * one space. */
static char *words_of(const char *s) {
  char *copy = strdup(s), *out = calloc(strlen(s) + 2, 1), *save = NULL;
  for (char *line = strtok_r(copy, "\n", &save); line;
       line = strtok_r(NULL, "\n", &save)) {
    if (strspn(line, "0123456789") == strlen(line))
      continue;
    for (char *w = line; *w;) {
      size_t n = strcspn(w, " ");
      if (n) {
        strncat(out, w, n);
        strcat(out, " ");
      }
      w += n + (w[n] == ' ');
    }
  }
  free(copy);
  return out;
}

START_TEST(rewrap_hard_wraps_like_pdf) {
  /* 60 paragraphs of about 230 characters: several pages. */
  char *in = calloc(60 * 300, 1);
  for (int i = 0; i < 60; i++)
    sprintf(in + strlen(in),
            "- Đoạn %d: tăng cường ứng dụng công nghệ thông tin trong giải "
            "quyết thủ tục hành chính, bảo đảm công khai, minh bạch và nâng "
            "cao chất lượng phục vụ người dân, doanh nghiệp trên địa bàn xã "
            "trong năm kế hoạch.\n",
            i);
  size_t len;
  char *out = apply_n("rewrap", in, strlen(in), &len);
  int lines = 0, pages = 0;
  for (char *l = out; *l; l = strchr(l, '\n') + 1) {
    size_t n = strcspn(l, "\n"), cps = 0;
    for (size_t k = 0; k < n; k++)
      cps += ((unsigned char)l[k] & 0xC0) != 0x80;
    ck_assert_msg(cps <= 91, "line of %zu characters: %.*s", cps, (int)n, l);
    pages += n && strspn(l, "0123456789") == n;
    lines++;
  }
  ck_assert_int_gt(lines, 3 * 60);
  ck_assert_int_ge(pages, 2);
  char *wa = words_of(in), *wb = words_of(out);
  ck_assert_str_eq(wa, wb);
  free(wa);
  free(wb);
  free(out);
  free(in);
}
END_TEST

START_TEST(unwrap_gives_one_paragraph_per_line) {
  expect(
      "unwrap",
      "1. Mục đích\n- Đảm bảo triển khai có hiệu quả,\nđồng bộ chương trình.\n",
      "1.\tMục đích\n-\tĐảm bảo triển khai có hiệu quả, đồng bộ chương "
      "trình.\n");
}
END_TEST

START_TEST(markdown_marks_headings_and_preamble) {
  const char *in = "KẾ HOẠCH\nCăn cứ Luật số 1;\nCăn cứ Nghị định\nsố 2;\n"
                   "I. MỤC ĐÍCH\n1. Mục đích\nvăn bản thường\n";
  expect("markdown", in,
         "**KẾ HOẠCH**\n*Căn cứ Luật số 1;*\n*Căn cứ Nghị định\nsố 2;*\n"
         "## I. MỤC ĐÍCH\n**1. Mục đích**\nvăn bản thường\n");
  assert_same_text("markdown", in);
}
END_TEST

START_TEST(nfd_differs_in_bytes_not_in_text) {
  const char *in = "Hóa đơn điện tử, thủ tục hành chính được số hóa.\n";
  size_t len;
  char *out = apply_n("nfd", in, strlen(in), &len);
  ck_assert_uint_gt(len, strlen(in));
  UErrorCode e = U_ZERO_ERROR;
  UChar u[256];
  int32_t n = 0;
  u_strFromUTF8(u, 256, &n, out, (int32_t)len, &e);
  ck_assert(U_SUCCESS(e));
  ck_assert(unorm2_isNormalized(unorm2_getNFDInstance(&e), u, n, &e));
  free(out);
  assert_same_text("nfd", in);
}
END_TEST

START_TEST(tones_go_back_to_the_old_place) {
  const char *in = "hóa thủy hòa khỏe quý hoàn Ủy ban họa\n";
  expect("tones", in, "hoá thuỷ hoà khoẻ quý hoàn Uỷ ban hoạ\n");
  assert_same_text("tones", in);
}
END_TEST

START_TEST(cp1258_decodes_back_to_the_same_text) {
  const char *in = "Tỷ lệ hồ sơ giải quyết đúng hạn ≥ 98%; Đề án, ứng dụng.\n";
  size_t len;
  char *out = apply_n("cp1258", in, strlen(in), &len);
  ck_assert_ptr_nonnull(memchr(out, 0xD2, len)); /* U+0309 hook, combining */
  UErrorCode e = U_ZERO_ERROR;
  UConverter *cnv = ucnv_open("windows-1258", &e);
  UChar u[256], nfc[256];
  int32_t n = ucnv_toUChars(cnv, u, 256, out, (int32_t)len, &e);
  ucnv_close(cnv);
  n = unorm2_normalize(unorm2_getNFCInstance(&e), u, n, nfc, 256, &e);
  char back[512];
  u_strToUTF8(back, sizeof back, NULL, nfc, n, &e);
  ck_assert(U_SUCCESS(e));
  ck_assert_str_eq(
      back, "Tỷ lệ hồ sơ giải quyết đúng hạn >= 98%; Đề án, ứng dụng.\n");
  cchc_encoding enc;
  char *text = canonical(out, len, &enc);
  ck_assert_int_eq(enc, CCHC_ENC_CP1258);
  ck_assert_str_eq(
      text, "Tỷ lệ hồ sơ giải quyết đúng hạn >= 98%; Đề án, ứng dụng.\n");
  free(text);
  free(out);
}
END_TEST

START_TEST(utf16_has_a_bom_and_the_same_text) {
  static const struct {
    const char *name;
    const char *bom;
    cchc_encoding enc;
  } cases[] = {{"utf16le", "\xFF\xFE", CCHC_ENC_UTF16LE},
               {"utf16be", "\xFE\xFF", CCHC_ENC_UTF16BE}};
  const char *in = "Kế hoạch cải cách hành chính năm 2026\n";
  for (int i = 0; i < 2; i++) {
    size_t len;
    char *out = apply_n(cases[i].name, in, strlen(in), &len);
    ck_assert_int_eq(memcmp(out, cases[i].bom, 2), 0);
    cchc_encoding enc;
    char *text = canonical(out, len, &enc);
    ck_assert_int_eq(enc, cases[i].enc);
    ck_assert_str_eq(text, "Kế hoạch cải cách hành chính năm 2026\n");
    free(text);
    free(out);
  }
}
END_TEST

START_TEST(crlf_ends_every_line) {
  expect("crlf", "a\nb\r\nc\n", "a\r\nb\r\nc\r\n");
}
END_TEST

START_TEST(units_take_another_spelling_of_the_same_unit) {
  const char *in = "Giao UBND xã chủ trì, Phòng Văn hóa - Xã hội phối hợp "
                   "theo Quyết định số 12/QĐ-UBND.\n";
  char *out = apply("units", in);
  ck_assert_msg(strstr(out, "Giao Ủy ban nhân dân xã chủ trì, "), "%s", out);
  ck_assert_msg(!strstr(out, "Phòng Văn hóa - Xã hội phối"), "%s", out);
  ck_assert_msg(strstr(out, "12/QĐ-UBND."), "%s", out);
  const forms_transform *t = forms_find("units");
  char *fa = forms_fold(the_env(), t, in), *fb = forms_fold(the_env(), t, out);
  ck_assert_str_eq(fa, fb);
  ck_assert_msg(strstr(fa, "ubnd_xa") && strstr(fa, "phong_vhxh"), "%s", fa);
  free(fa);
  free(fb);
  free(out);
}
END_TEST

START_TEST(spelling_swaps_words_not_numbers) {
  char *out = apply("spelling", "Chuẩn hóa; UBND tỉnh; 12/KH-UBND; khóa; "
                                "Quyết định 3504/QĐ-\nUBND ngày 1/1/2021\n");
  ck_assert_msg(strstr(out, "Chuẩn hoá; "), "%s", out);
  ck_assert_msg(strstr(out, " ban nhân dân tỉnh; 12/KH-UBND; khóa;"), "%s",
                out);
  ck_assert_msg(strstr(out, "3504/QĐ-\nUBND ngày"), "%s", out);
  free(out);
}
END_TEST

START_TEST(transformations_are_deterministic) {
  char **plans;
  size_t n = harness_corpus_all(&plans), len;
  ck_assert_uint_gt(n, 0);
  char *data = harness_read(plans[0], &len);
  ck_assert_ptr_nonnull(data);
  for (size_t i = 0; i < forms_transform_count; i++) {
    size_t la, lb;
    char *a = apply_n(forms_transforms[i].name, data, len, &la);
    char *b = apply_n(forms_transforms[i].name, data, len, &lb);
    ck_assert_msg(la == lb && !memcmp(a, b, la), "%s differs between runs",
                  forms_transforms[i].name);
    ck_assert_msg(strcmp(forms_transforms[i].name, "normalized") == 0 ||
                      la != len || memcmp(a, data, len),
                  "%s changed nothing", forms_transforms[i].name);
    free(a);
    free(b);
  }
  free(data);
  harness_free_list(plans, n);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Comparison                                                          */

static forms_diffs compare(const char *a, const char *b) {
  forms_diffs d = {0};
  cchc_error err = {0};
  ck_assert_msg(forms_compare(the_env(), NULL, a, strlen(a), b, strlen(b), &d,
                              &err) == CCHC_OK,
                "%s", err.message);
  return d;
}

START_TEST(compare_leaves_out_spans_and_source) {
  forms_diffs d = compare(
      "{\"source\":{\"sha256\":\"aa\"},\"targets\":[{\"id\":\"t1\","
      "\"span\":[1,2],\"indicator\":\"x\"}],\"inconsistencies\":[{\"spans\":"
      "[[1,2]]}],\"references\":[{\"number\":\"1/KH\",\"mentions\":[[3,4]]}]}",
      "{\"source\":{\"sha256\":\"bb\"},\"targets\":[{\"id\":\"t1\","
      "\"span\":[5,9],\"indicator\":\"x\"}],\"inconsistencies\":[{\"spans\":"
      "[[7,8]]}],\"references\":[{\"number\":\"1/KH\",\"mentions\":[[9,9]]}]}");
  ck_assert_uint_eq(d.n, 0);
  forms_diffs_free(&d);
}
END_TEST

START_TEST(compare_names_the_path_that_differs) {
  forms_diffs d =
      compare("{\"targets\":[{\"id\":\"t1\",\"indicator\":\"tthc.dung_han\"}]}",
              "{\"targets\":[{\"id\":\"t1\",\"indicator\":null}]}");
  ck_assert_uint_eq(d.n, 1);
  char line[256], kind[256];
  forms_diff_line(&d.item[0], line, sizeof line);
  forms_diff_kind_name(&d.item[0], kind, sizeof kind);
  ck_assert_str_eq(line, "targets[0].indicator: \"tthc.dung_han\" vs null");
  ck_assert_str_eq(kind, "targets[].indicator");
  forms_diffs_free(&d);
}
END_TEST

START_TEST(compare_lines_up_elements_and_ids) {
  /* One section more in the right frame: its ids shift, the target still
   * belongs to the same section, so only the count and the new section
   * differ. */
  forms_diffs d = compare(
      "{\"sections\":[{\"id\":\"s1\",\"number\":\"I.\"},{\"id\":\"s2\","
      "\"number\":\"II.\",\"parent\":null}],\"targets\":[{\"id\":\"t1\","
      "\"section\":\"s2\"}],\"tasks\":[{\"text\":\"a\"},{\"text\":\"b\"}]}",
      "{\"sections\":[{\"id\":\"s1\",\"number\":\"I.\"},{\"id\":\"s2\","
      "\"number\":\"1.\"},{\"id\":\"s3\",\"number\":\"II.\",\"parent\":null}],"
      "\"targets\":[{\"id\":\"t1\",\"section\":\"s3\"}],\"tasks\":[{\"text\":"
      "\"a\"}]}");
  ck_assert_uint_eq(d.n, 4);
  char line[256];
  forms_diff_line(&d.item[0], line, sizeof line);
  ck_assert_str_eq(line, "sections: 2 vs 3");
  ck_assert_int_eq(d.item[1].kind, FORMS_ADDED);
  ck_assert_str_eq(d.item[1].path, "sections[1]");
  forms_diff_line(&d.item[2], line, sizeof line);
  ck_assert_str_eq(line, "tasks: 2 vs 1");
  ck_assert_int_eq(d.item[3].kind, FORMS_DROPPED);
  forms_diff_line(&d.item[3], line, sizeof line);
  ck_assert_str_eq(line, "tasks[1]: \"b\" vs (none)");
  forms_diffs_free(&d);
}
END_TEST

START_TEST(compare_real_frames) {
  char **plans;
  size_t n = harness_corpus_all(&plans);
  ck_assert_uint_ge(n, 2);
  char *frame[2];
  size_t flen[2];
  for (int i = 0; i < 2; i++) {
    size_t len;
    char *data = harness_read(plans[i], &len);
    cchc_error err = {0};
    ck_assert_int_eq(
        forms_frame(the_env(), data, len, &frame[i], &flen[i], &err), CCHC_OK);
    free(data);
  }
  forms_diffs same = {0}, other = {0};
  ck_assert_int_eq(forms_compare(the_env(), NULL, frame[0], flen[0], frame[0],
                                 flen[0], &same, NULL),
                   CCHC_OK);
  ck_assert_int_eq(forms_compare(the_env(), NULL, frame[0], flen[0], frame[1],
                                 flen[1], &other, NULL),
                   CCHC_OK);
  ck_assert_uint_eq(same.n, 0);
  ck_assert_uint_gt(other.n, 50);
  forms_diffs_free(&same);
  forms_diffs_free(&other);
  free(frame[0]);
  free(frame[1]);
  harness_free_list(plans, n);
}
END_TEST

/* ------------------------------------------------------------------ */
/* The corpus                                                          */

/* The surface forms that give the same frame today (seed
 * FORMS_DEFAULT_SEED): on every plan, and on some plans only.  The others
 * are tracked by `make forms` for issue 12 and join these lists as the
 * extractor learns them: renumbered ("I -" and "a/" are not read as
 * markers, so parts, tasks and leads are lost; section numbers keep their
 * punctuation), re-bulleted ("*" and "+" stay in target texts), wrapped as
 * PDF text (a page number between paragraphs becomes a block; a line
 * starting with "Gb/s" or "(R&D)" cuts a target), other unit names and
 * spellings in 004 ("Uỷ ban nhân dân" at the start of a wrapped line is
 * not joined). */
static const char *const same_everywhere =
    "normalized unwrap markdown nfd tones cp1258 utf16le utf16be crlf";

static const struct {
  const char *plan;
  const char *also;
} same_also[] = {
    {"000_343475c610832db2", "units spelling"},
    {"002_f395299616728bb1", "units spelling"},
    {"003_8ed0b714626ddb6c", "renumber rebullet units spelling"},
    {"004_122b22815aff8c9c", ""},
    {"01_bacninh-kh144-kinh-te-so-xa-hoi-so-2026-2030", "units spelling"},
    {"04_dongthap-kh617-chuyen-doi-so-doanh-nghiep",
     "rebullet rewrap units spelling"},
    {"05_qd2597-ttg-de-an-chuyen-doi-so-ha-tang-xay-dung", "units spelling"},
    {"09_bacninh-kh141-nang-luc-can-bo-xay-dung-chinh-sach-phap-luat",
     "renumber units spelling"},
    {"12_qd2623-ttg-ke-hoach-luat-bao-ve-du-lieu-ca-nhan",
     "rebullet rewrap units spelling"},
};
enum { NPLANS = sizeof same_also / sizeof *same_also };

static char **plans;
static size_t nplans;

/* The corpus file of plan i of same_also. */
static const char *plan_path(int i) {
  if (!plans)
    nplans = harness_corpus_all(&plans);
  for (size_t k = 0; k < nplans; k++) {
    const char *base = strrchr(plans[k], '/') + 1;
    size_t n = strlen(same_also[i].plan);
    if (!strncmp(base, same_also[i].plan, n) && !strcmp(base + n, ".txt"))
      return plans[k];
  }
  ck_abort_msg("%s is not in the corpus", same_also[i].plan);
  return NULL;
}

/* Every transformation of `names` (space-separated) gives the frame of
 * the plan; the failures are reported together. */
static void check_forms(const char *path, const char *data, size_t len,
                        const char *base, size_t base_len, const char *names,
                        char *report, size_t cap) {
  char list[256];
  snprintf(list, sizeof list, "%s", names);
  char *save = NULL;
  for (char *name = strtok_r(list, " ", &save); name;
       name = strtok_r(NULL, " ", &save)) {
    const forms_transform *t = forms_find(name);
    ck_assert_msg(t, "no transformation %s", name);
    size_t clen, flen;
    char *copy = apply_n(name, data, len, &clen), *frame = NULL;
    cchc_error err = {0};
    ck_assert_msg(forms_frame(the_env(), copy, clen, &frame, &flen, &err) ==
                      CCHC_OK,
                  "%s %s: %s", path, name, err.message);
    forms_diffs d = {0};
    ck_assert_int_eq(
        forms_compare(the_env(), t, base, base_len, frame, flen, &d, &err),
        CCHC_OK);
    if (d.n) {
      char line[512];
      forms_diff_line(&d.item[0], line, sizeof line);
      size_t used = strlen(report);
      snprintf(report + used, cap - used, "\n  %s: %zu differences, first %s",
               name, d.n, line);
    }
    forms_diffs_free(&d);
    free(frame);
    free(copy);
  }
}

START_TEST(corpus_plan_keeps_its_frame) {
  const char *path = plan_path(_i);
  size_t len, base_len;
  char *data = harness_read(path, &len), *base = NULL;
  ck_assert_ptr_nonnull(data);
  cchc_error err = {0};
  ck_assert_int_eq(forms_frame(the_env(), data, len, &base, &base_len, &err),
                   CCHC_OK);
  char report[2048] = "";
  check_forms(path, data, len, base, base_len, same_everywhere, report,
              sizeof report);
  check_forms(path, data, len, base, base_len, same_also[_i].also, report,
              sizeof report);
  ck_assert_msg(!*report, "%s: the frame changed in another form:%s", path,
                report);
  free(base);
  free(data);
}
END_TEST

int main(void) {
  Suite *s = suite_create("forms");
  TCase *tc = tcase_create("transformations");
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, renumber_swaps_markers);
  tcase_add_test(tc, rebullet_maps_each_glyph_to_another);
  tcase_add_test(tc, rewrap_hard_wraps_like_pdf);
  tcase_add_test(tc, unwrap_gives_one_paragraph_per_line);
  tcase_add_test(tc, markdown_marks_headings_and_preamble);
  tcase_add_test(tc, nfd_differs_in_bytes_not_in_text);
  tcase_add_test(tc, tones_go_back_to_the_old_place);
  tcase_add_test(tc, cp1258_decodes_back_to_the_same_text);
  tcase_add_test(tc, utf16_has_a_bom_and_the_same_text);
  tcase_add_test(tc, crlf_ends_every_line);
  tcase_add_test(tc, units_take_another_spelling_of_the_same_unit);
  tcase_add_test(tc, spelling_swaps_words_not_numbers);
  tcase_add_test(tc, transformations_are_deterministic);
  suite_add_tcase(s, tc);
  TCase *tcmp = tcase_create("compare");
  tcase_set_timeout(tcmp, 60);
  tcase_add_test(tcmp, compare_leaves_out_spans_and_source);
  tcase_add_test(tcmp, compare_names_the_path_that_differs);
  tcase_add_test(tcmp, compare_lines_up_elements_and_ids);
  tcase_add_test(tcmp, compare_real_frames);
  suite_add_tcase(s, tcmp);
  TCase *tcc = tcase_create("corpus");
  tcase_set_timeout(tcc, 300); /* ASan: about 10 extractions per plan */
  tcase_add_loop_test(tcc, corpus_plan_keeps_its_frame, 0, NPLANS);
  suite_add_tcase(s, tcc);
  int rc = harness_run(s);
  forms_env_free(env);
  harness_free_list(plans, nplans);
  return rc;
}
