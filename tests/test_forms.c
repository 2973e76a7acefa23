/* test_forms.c: the transformations of tests/forms.c on small inputs, the
 * comparison of frames apart from spans, and, on every corpus plan, the
 * surface forms that already give the same frame (issue 12, point 5). */
#define _GNU_SOURCE
#include "forms.h"
#include "harness.h"

#include <jansson.h>
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
/* One small plan numbered in four styles (issue 11, point 1)          */

/* How a plan prints its numbering: a part (Roman numeral), an item, a
 * sub-item, a lettered item (printf formats of the number), a duty's or a
 * target's bullet ("" for unbulleted paragraphs), what closes a heading. */
typedef struct numbering {
  const char *roman, *arabic, *decimal, *letter, *bullet, *close;
} numbering;

static const numbering styles[] = {
    {"%s.", "%s.", "%s.", "%s)", "- ", ""},
    {"%s -", "%s)", "%s", "%s.", "+ ", ":"},
    {"%s/", "%s/", "%s)", "%s/", "* ", "."},
    {"%s)", "%s.", "%s.", "%s)", "", ":"},
};
enum { NSTYLES = sizeof styles / sizeof *styles };

/* A plan of our own: each line a kind (R part, N item, D sub-item, L
 * lettered item, B bulleted line, ' ' plain line), a number, a text. */
static const struct {
  char kind;
  const char *num, *text;
} small_plan[] = {
    {' ', NULL, "ỦY BAN NHÂN DÂN"},
    {' ', NULL, "XÃ PHÚ HƯNG"},
    {' ', NULL, "Số: 21/KH-UBND"},
    {' ', NULL, "Phú Hưng, ngày 05 tháng 01 năm 2027"},
    {' ', NULL, "KẾ HOẠCH"},
    {' ', NULL, "Cải cách hành chính năm 2027 của xã Phú Hưng"},
    {'R', "I", "MỤC ĐÍCH, YÊU CẦU"},
    {'N', "1", "Mục đích"},
    {'B', NULL, "Nâng cao chất lượng phục vụ người dân và doanh nghiệp."},
    {'N', "2", "Yêu cầu"},
    {'B', NULL, "Bám sát nhiệm vụ được giao, bảo đảm đúng tiến độ."},
    {'R', "II", "NHIỆM VỤ TRỌNG TÂM"},
    {'N', "1", "Cải cách thủ tục hành chính"},
    {'D', "1.1", "Chỉ tiêu"},
    {'B', NULL, "Tỷ lệ hồ sơ giải quyết đúng hạn đạt tối thiểu 98%."},
    {'B', NULL, "100% thủ tục hành chính được công khai đúng quy định."},
    {'D', "1.2", "Nhiệm vụ"},
    {'L', "a", "Rà soát thủ tục hành chính"},
    {'B', NULL, "Rà soát, đơn giản hóa thủ tục nội bộ trước ngày 30/6/2027."},
    {'L', "b", "Công khai thủ tục hành chính"},
    {'B', NULL, "Niêm yết đầy đủ thủ tục hành chính tại Bộ phận một cửa."},
    {'N', "2", "Chuyển đổi số"},
    {'B', NULL, "90% hồ sơ công việc được xử lý trên môi trường mạng."},
    {'R', "III", "TỔ CHỨC THỰC HIỆN"},
    {'N', "1", "Trách nhiệm chung"},
    {'B', NULL, "Các cơ quan, đơn vị căn cứ Kế hoạch này chủ động triển khai."},
    {'N', "2", "Phân công trách nhiệm cụ thể"},
    {'L', "a", "Văn phòng HĐND và UBND xã"},
    {'B', NULL, "Chủ trì tham mưu triển khai cải cách thủ tục hành chính; "
                "hoàn thành trước ngày 31/3/2027."},
    {'B', NULL, "Tổng hợp báo cáo kết quả cải cách hành chính hằng quý."},
    {'L', "b", "Phòng Kinh tế"},
    {'B', NULL, "Chủ trì triển khai các nhiệm vụ chuyển đổi số, phối hợp với "
                "Phòng Văn hóa - Xã hội."},
    {'L', "c", "Phòng Văn hóa - Xã hội"},
    {'B', NULL, "Tuyên truyền về cải cách hành chính trên đài truyền thanh."},
    {' ', NULL, "Trên đây là Kế hoạch cải cách hành chính năm 2027 của UBND "
                "xã Phú Hưng."},
};

/* The plan printed in style `st`; the caller frees it. */
static char *print_plan(const numbering *st) {
  char *text = NULL;
  size_t len = 0;
  FILE *fp = open_memstream(&text, &len);
  ck_assert_ptr_nonnull(fp);
  for (size_t i = 0; i < sizeof small_plan / sizeof *small_plan; i++) {
    const char *fmt = NULL;
    switch (small_plan[i].kind) {
    case 'R': fmt = st->roman; break;
    case 'N': fmt = st->arabic; break;
    case 'D': fmt = st->decimal; break;
    case 'L': fmt = st->letter; break;
    case 'B': fputs(st->bullet, fp); break;
    default: break;
    }
    if (fmt) {
      fprintf(fp, fmt, small_plan[i].num);
      fprintf(fp, " %s%s\n", small_plan[i].text, st->close);
    } else {
      fprintf(fp, "%s\n", small_plan[i].text);
    }
  }
  ck_assert_int_eq(fclose(fp), 0);
  return text;
}

/* The frame of a plan's text, as JSON; the caller frees it. */
static char *frame_of(const char *text, size_t *flen) {
  char *frame = NULL;
  cchc_error err = {0};
  ck_assert_msg(forms_frame(the_env(), text, strlen(text), &frame, flen,
                            &err) == CCHC_OK,
                "%s", err.message);
  return frame;
}

/* The differences between two frames whose path starts with one of the
 * space-separated `prefixes` (all when NULL), apart from the members named
 * `skip`; the first one into `first`. */
static size_t differences(const char *a, size_t alen, const char *b,
                          size_t blen, const char *prefixes, const char *skip,
                          char *first, size_t cap) {
  forms_diffs d = {0};
  ck_assert_int_eq(forms_compare(the_env(), NULL, a, alen, b, blen, &d, NULL),
                   CCHC_OK);
  size_t n = 0;
  for (size_t i = 0; i < d.n; i++) {
    const char *path = d.item[i].path;
    bool wanted = !prefixes;
    for (const char *p = prefixes; p && *p && !wanted;) {
      size_t k = strcspn(p, " ");
      wanted = !strncmp(path, p, k);
      p += k + (p[k] == ' ');
    }
    if (!wanted || (skip && strstr(path, skip)))
      continue;
    if (!n++)
      forms_diff_line(&d.item[i], first, cap);
  }
  forms_diffs_free(&d);
  return n;
}

static const char *jstr_at(json_t *root, const char *array, size_t i,
                           const char *member) {
  json_t *v = json_object_get(json_array_get(json_object_get(root, array), i),
                              member);
  return json_is_string(v) ? json_string_value(v) : NULL;
}

START_TEST(one_plan_in_four_numbering_styles) {
  char *frame[NSTYLES];
  size_t flen[NSTYLES];
  for (int i = 0; i < NSTYLES; i++) {
    char *text = print_plan(&styles[i]);
    frame[i] = frame_of(text, &flen[i]);
    free(text);
  }
  /* what the plan says, read from the first style */
  json_error_t jerr;
  json_t *root = json_loadb(frame[0], flen[0], 0, &jerr);
  ck_assert_msg(root, "%s", jerr.text);
  json_t *secs = json_object_get(root, "sections");
  ck_assert_uint_eq(json_array_size(secs), 16);
  ck_assert_str_eq(jstr_at(root, "sections", 10, "number"), "III");
  ck_assert_str_eq(jstr_at(root, "sections", 10, "heading"),
                   "TỔ CHỨC THỰC HIỆN");
  ck_assert_str_eq(jstr_at(root, "sections", 6, "number"), "1.2");
  ck_assert_str_eq(jstr_at(root, "sections", 13, "number"), "a");
  ck_assert_str_eq(jstr_at(root, "sections", 13, "parent"), "s13");
  ck_assert_int_eq(json_integer_value(json_object_get(
                       json_array_get(secs, 13), "level")),
                   3);
  ck_assert_uint_eq(json_array_size(json_object_get(root, "targets")), 3);
  ck_assert_str_eq(jstr_at(root, "targets", 0, "text"),
                   "Tỷ lệ hồ sơ giải quyết đúng hạn đạt tối thiểu 98%");
  /* the general duty ("Các cơ quan, đơn vị ... chủ động triển khai": units
   * that act) and four duties under unit headings */
  ck_assert_uint_eq(json_array_size(json_object_get(root, "tasks")), 6);
  json_t *lead = json_array_get(
      json_object_get(json_array_get(json_object_get(root, "tasks"), 2),
                      "lead"),
      0);
  ck_assert_str_eq(json_string_value(json_object_get(lead, "key")),
                   "vp_hdnd_ubnd");
  ck_assert_uint_eq(json_array_size(json_object_get(root, "leads")), 2);
  json_decref(root);
  /* and every other style says the same */
  for (int i = 1; i < NSTYLES; i++) {
    char first[512] = "";
    size_t n = differences(frame[0], flen[0], frame[i], flen[i], NULL, NULL,
                           first, sizeof first);
    ck_assert_msg(n == 0, "style %d: %zu differences, first %s", i, n, first);
  }
  for (int i = 0; i < NSTYLES; i++)
    free(frame[i]);
}
END_TEST

/* `s` with the first `from` replaced by `to`; the caller frees it. */
static char *replaced(const char *s, const char *from, const char *to) {
  const char *at = strstr(s, from);
  ck_assert_msg(at, "no \"%s\"", from);
  size_t n = strlen(s) - strlen(from) + strlen(to);
  char *out = malloc(n + 1);
  ck_assert_ptr_nonnull(out);
  snprintf(out, n + 1, "%.*s%s%s", (int)(at - s), s, to, at + strlen(from));
  return out;
}

/* The "Tổ chức thực hiện" part in title or lower case, with a closing
 * colon, one level deeper, its sub-parts named otherwise, unit headings
 * closed by ':' or '.': the same tasks and leads. */
START_TEST(organisation_part_in_any_case_and_depth) {
  char *base = print_plan(&styles[0]);
  size_t blen;
  char *bframe = frame_of(base, &blen);
  static const struct {
    const char *from, *to;
  } variants[][2] = {
      {{"III. TỔ CHỨC THỰC HIỆN", "III. Tổ chức thực hiện:"}},
      {{"III. TỔ CHỨC THỰC HIỆN", "III. tổ chức thực hiện"}},
      {{"III. TỔ CHỨC THỰC HIỆN\n1. Trách nhiệm chung",
        "III. GIẢI PHÁP VÀ TỔ CHỨC\n1. Giải pháp\n- Tăng cường kỷ luật, kỷ "
        "cương hành chính.\n2. Tổ chức thực hiện\n2.1. Trách nhiệm chung"},
       {"2. Phân công trách nhiệm cụ thể",
        "2.2. Trách nhiệm của các cơ quan, đơn vị"}},
      {{"a) Văn phòng HĐND và UBND xã\n", "a) Văn phòng HĐND và UBND xã:\n"},
       {"b) Phòng Kinh tế\n", "b) Phòng Kinh tế.\n"}},
  };
  for (size_t v = 0; v < sizeof variants / sizeof *variants; v++) {
    char *text = strdup(base);
    for (int k = 0; k < 2 && variants[v][k].from; k++) {
      char *next = replaced(text, variants[v][k].from, variants[v][k].to);
      free(text);
      text = next;
    }
    size_t flen;
    char *frame = frame_of(text, &flen);
    char first[512] = "";
    size_t n = differences(bframe, blen, frame, flen, "tasks leads",
                           ".section", first, sizeof first);
    ck_assert_msg(n == 0, "variant %zu: %zu differences, first %s", v, n,
                  first);
    free(frame);
    free(text);
  }
  free(bframe);
  free(base);
}
END_TEST

/* ------------------------------------------------------------------ */
/* The corpus                                                          */

/* The surface forms that give the same frame today (seed
 * FORMS_DEFAULT_SEED): on every plan, and on some plans only.  Every form
 * keeps every plan's frame now; a form that a change breaks on some plan
 * moves from same_everywhere to the plans it still holds for, and `make
 * forms` (other seeds: build/forms -s N) tells what changed.  Renumbering,
 * re-bulleting and re-wrapping hold since list markers are one grammar
 * (I - / a/ / 1/ start blocks, numbers are printed without their
 * punctuation, texts leave markers out) and page numbers, fixed-width
 * wraps and codes broken at a hyphen are told apart. */
static const char *const same_everywhere =
    "normalized renumber rebullet rewrap unwrap markdown nfd tones cp1258 "
    "utf16le utf16be crlf units spelling";

static const struct {
  const char *plan;
  const char *also;
} same_also[] = {
    {"000_343475c610832db2", ""},
    {"002_f395299616728bb1", ""},
    {"003_8ed0b714626ddb6c", ""},
    {"004_122b22815aff8c9c", ""},
    {"01_bacninh-kh144-kinh-te-so-xa-hoi-so-2026-2030", ""},
    {"04_dongthap-kh617-chuyen-doi-so-doanh-nghiep", ""},
    {"05_qd2597-ttg-de-an-chuyen-doi-so-ha-tang-xay-dung", ""},
    {"09_bacninh-kh141-nang-luc-can-bo-xay-dung-chinh-sach-phap-luat", ""},
    {"12_qd2623-ttg-ke-hoach-luat-bao-ve-du-lieu-ca-nhan", ""},
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
  TCase *tst = tcase_create("numbering");
  tcase_set_timeout(tst, 60);
  tcase_add_test(tst, one_plan_in_four_numbering_styles);
  tcase_add_test(tst, organisation_part_in_any_case_and_depth);
  suite_add_tcase(s, tst);
  TCase *tcc = tcase_create("corpus");
  tcase_set_timeout(tcc, 300); /* ASan: about 10 extractions per plan */
  tcase_add_loop_test(tcc, corpus_plan_keeps_its_frame, 0, NPLANS);
  suite_add_tcase(s, tcc);
  int rc = harness_run(s);
  forms_env_free(env);
  harness_free_list(plans, nplans);
  return rc;
}
