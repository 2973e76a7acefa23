/* test_extract_units.c: unit mentions (extract/units.c, rules/units.rules).
 * Every spelling the issue and units.tsv list resolves to its key with
 * exact offsets; the longest mention wins; lists and run-together cells
 * give one mention per unit; short cell titles resolve only as cells;
 * unknown units come back with key NULL, their names cut by the grammar
 * of unit names; and on the real plans every unit key the gold names is
 * found. */
#define _GNU_SOURCE /* asprintf */
#include "harness.h"
#include "rewrites.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <utf8proc.h>

#include "../extract/extract.h"

/* ---- fixture: the shipped rules, loaded once ------------------------------ */

static cchc_rules *rules;

static void load_rules(void) {
  char dir[4096];
  snprintf(dir, sizeof dir, "%s/rules", harness_root());
  cchc_error err = {0};
  if (cchc_rules_load(dir, &rules, &err) != CCHC_OK) {
    fprintf(stderr, "%s:%u: %s\n", err.path, err.line, err.message);
    rules = NULL;
  }
}

static void free_rules(void) {
  cchc_rules_free(rules);
  rules = NULL;
}

/* A document context over the canonical form of `input`. */
typedef struct doc {
  cchc_text *t;
  xctx x;
  cchc_error err;
} doc;

static void doc_open(doc *d, const char *input, size_t len,
                     const char *level) {
  ck_assert_msg(rules != NULL, "the shipped rules do not load");
  memset(d, 0, sizeof *d);
  ck_assert_int_eq(cchc_normalize(input, len, NULL, &d->t, &d->err), CCHC_OK);
  ck_assert_int_eq(xctx_open(&d->x, rules, d->t, &d->err), CCHC_OK);
  d->x.f->document.level.value = level;
}

static void doc_close(doc *d) {
  xctx_close(&d->x);
  cchc_text_free(d->t);
}

/* The end of the line of x's text that starts at ls: its '\n', or the
 * text's end. */
static size_t line_end(const xctx *x, size_t ls) {
  const char *nl = memchr(x->s + ls, '\n', x->n - ls);
  return nl ? (size_t)(nl - x->s) : x->n;
}

/* The start of the word after the one at k, before `end` (the corpus
 * tests ask each line from its first words on). */
static size_t next_word(const xctx *x, size_t k, size_t end) {
  while (k < end && x->s[k] != ' ') k++;
  while (k < end && x->s[k] == ' ') k++;
  return k;
}

/* The same text twice at `level`: g as extraction searches it (gated, its
 * answers kept), u searched by every rule over every range asked
 * (units_set_ungated), the reference g is compared with. */
static void pair_open(doc *g, doc *u, const char *input, size_t len,
                      const char *level) {
  doc_open(g, input, len, level);
  doc_open(u, input, len, level);
  ck_assert(units_set_ungated(&u->x, true));
}

/* Neither ran out of memory; both closed. */
static void pair_close(doc *g, doc *u) {
  ck_assert(!g->x.f->failed && !u->x.f->failed);
  doc_close(g);
  doc_close(u);
}

enum { MAX_FOUND = 4096 };
static xunit found[MAX_FOUND];

/* The mentions units_find gives for canonical [a, b), copied into
 * found[]; returns how many. */
static size_t find_range(doc *d, size_t a, size_t b) {
  xunits l = {0};
  units_find(&d->x, a, b, &l);
  ck_assert(!d->x.f->failed);
  ck_assert_uint_le(l.n, MAX_FOUND);
  if (l.n) memcpy(found, l.items, l.n * sizeof *found);
  size_t n = l.n;
  xunits_free(&l);
  return n;
}

static size_t find_all(doc *d) { return find_range(d, 0, d->x.n); }

static void dump(const doc *d, size_t n) {
  for (size_t i = 0; i < n; i++)
    fprintf(stderr, "  [%zu,%zu) %s %s '%.*s'\n", found[i].start,
            found[i].end, found[i].key ? found[i].key : "(null)",
            found[i].rule, (int)(found[i].end - found[i].start),
            d->x.s + found[i].start);
}

/* The mention at exactly the offsets of `want` (its first occurrence in the
 * canonical text), or NULL. */
static const xunit *mention_of(const doc *d, size_t n, const char *want) {
  const char *at = strstr(d->x.s, want);
  ck_assert_msg(at != NULL, "'%s' not in the canonical text '%s'", want,
                d->x.s);
  size_t s = (size_t)(at - d->x.s), e = s + strlen(want);
  for (size_t i = 0; i < n; i++)
    if (found[i].start == s && found[i].end == e) return &found[i];
  return NULL;
}

/* ---- each spelling from the issue ------------------------------------------ */

static const struct {
  const char *input; /* as a plan prints it */
  const char *want;  /* the mention, in canonical form */
  const char *key;
} spellings[] = {
    /* office of the commune council and committee */
    {"3. Văn phòng HĐND và UBND Xã\n", "Văn phòng HĐND và UBND Xã",
     "vp_hdnd_ubnd"},
    {"Phối hợp với Văn phòng HĐND & UBND xã tổ chức khảo sát\n",
     "Văn phòng HĐND & UBND xã", "vp_hdnd_ubnd"},
    {"2. Văn phòng HĐND – UBND xã\n", "Văn phòng HĐND - UBND xã",
     "vp_hdnd_ubnd"},
    {"- Chánh, Phó Chánh VP.HĐND-UBND xã;\n", "VP.HĐND-UBND xã",
     "vp_hdnd_ubnd"},
    {"Văn phòng Hội đồng nhân dân và Uỷ ban nhân dân xã chủ trì\n",
     "Văn phòng Hội đồng nhân dân và Ủy ban nhân dân xã", "vp_hdnd_ubnd"},
    /* Phòng Văn hóa - Xã hội */
    {"2. Phòng Văn hoá – Xã hội\n", "Phòng Văn hóa - Xã hội", "phong_vhxh"},
    {"gửi về UBND xã (qua Phòng Phòng Văn hóa - Xã hội) để tổng hợp\n",
     "Phòng Phòng Văn hóa - Xã hội", "phong_vhxh"},
    {"Phòng VHXH chủ trì, phối hợp\n", "Phòng VHXH", "phong_vhxh"},
    {"VHXH\n", "VHXH", "phong_vhxh"},
    {"Phòng Kinh tế xã phối hợp với Phòng Văn hóa - Xã hội xã và\n",
     "Phòng Văn hóa - Xã hội xã", "phong_vhxh"},
    {"Phòng Kinh tế xã phối hợp với Phòng Văn hóa - Xã hội xã và\n",
     "Phòng Kinh tế xã", "phong_kinh_te"},
    /* centres and desks */
    {"5. Trung tâm Phục vụ Hành chính công xã\n",
     "Trung tâm Phục vụ Hành chính công xã", "tt_phvhcc"},
    {"Phối hợp với Trung tâm dịch vụ tổng hợp tăng cường\n",
     "Trung tâm dịch vụ tổng hợp", "tt_dvth"},
    {"3. Bộ phận tiếp nhận và trả kết quả của xã\n",
     "Bộ phận tiếp nhận và trả kết quả của xã", "bp_mot_cua"},
    {"TTHC tại Bộ phận\nMột cửa cấp xã\n", "Bộ phận\nMột cửa cấp xã",
     "bp_mot_cua"},
    {"8. Trạm Y tế xã\n", "Trạm Y tế xã", "tram_y_te"},
    {"6. Các cơ sở Y tế, Giáo dục\n", "Các cơ sở Y tế", "tram_y_te"},
    {"6. Các cơ sở Y tế, Giáo dục\n", "Giáo dục", "truong_hoc"},
    {"7. Mặt trận Tổ quốc Việt Nam và các tổ chức chính trị - xã hội xã\n",
     "Mặt trận Tổ quốc Việt Nam và các tổ chức chính trị - xã hội xã",
     "mttq"},
    {"9. Ban nhân dân các ấp\n", "Ban nhân dân các ấp", "ban_nhan_dan_thon"},
    /* old commune titles as table cells */
    {"Tư pháp\n", "Tư pháp", "tu_phap"},
    {"2. Công chức Tư pháp\n", "Công chức Tư pháp", "tu_phap"},
    {"Theo đề nghị của Công chức Tư pháp - Hộ tịch (sau khi\n",
     "Công chức Tư pháp - Hộ tịch", "tu_phap"},
    {"Văn hoá\n", "Văn hóa", "van_hoa_thong_tin"},
    {"Văn hóa thông tin\n", "Văn hóa thông tin", "van_hoa_thong_tin"},
    {"4. Văn hóa - Thông tin\n", "Văn hóa - Thông tin", "van_hoa_thong_tin"},
    {"Kế hoạch\nVăn hóa -\nThông tin\nCác ban ngành cấp xã\n",
     "Văn hóa -\nThông tin", "van_hoa_thong_tin"},
    {"Văn phòng\n", "Văn phòng", "van_phong_thong_ke"},
    {"Tư pháp,\nVăn\nPhòng,\nVăn hóa thông tin\n", "Văn\nPhòng",
     "van_phong_thong_ke"},
    {"Công văn\nTài chính\nCác ban, ngành cấp xã\n", "Tài chính",
     "tai_chinh_ke_toan"},
    {"Biên bản Tổ kiểm Các ban Năm 2024\n", "Tổ kiểm", "to_kiem_tra"},
    /* collectives */
    {"1. Các ban, ngành cấp xã.\n", "Các ban, ngành cấp xã",
     "cac_ban_nganh"},
    {"Tư pháp\nCác ban ngành cấp xã\n", "Các ban ngành cấp xã",
     "cac_ban_nganh"},
    {"Chủ động phối hợp với các ban, ngành, đoàn thể tuyên truyền\n",
     "các ban, ngành, đoàn thể", "cac_ban_nganh"},
    {"Chủ trì, phối hợp với các ban, ngành có liên quan xây dựng\n",
     "các ban, ngành có liên quan", "cac_ban_nganh"},
    {"phối hợp với Văn phòng HĐND & UBND, các cơ quan, đơn vị có liên quan "
     "xây dựng\n",
     "các cơ quan, đơn vị có liên quan", "cac_co_quan"},
    {"Văn bản và các dự thảo kèm theo Tư pháp\nCác cơ quan chủ trì\nCCHC của "
     "xã, các cơ quan liên quan khác\nTrước\n",
     "Các cơ quan chủ trì\nCCHC của xã, các cơ quan liên quan khác",
     "cac_co_quan"},
    {"Phối hợp với các Phòng ban chuyên môn xử lý thủ tục hành chính\n",
     "các Phòng ban chuyên môn", "cac_co_quan"},
    {"1. Các cơ quan chuyên môn của xã, Trung tâm Phục vụ Hành chính công\n",
     "Các cơ quan chuyên môn của xã", "cac_co_quan"},
    {"Phối hợp với UBND xã và các phòng, đơn vị chuyên môn tổ chức\n",
     "các phòng, đơn vị chuyên môn", "cac_co_quan"},
    /* people's committees and the province */
    {"Chủ tịch UBND xã yêu cầu các ban, ngành cấp xã\n", "Chủ tịch UBND xã",
     "ubnd_xa"},
    {"gửi về UBND tỉnh (qua Sở Nội vụ) chậm nhất\n", "UBND tỉnh",
     "ubnd_tinh"},
    {"gửi về UBND tỉnh (qua Sở Nội vụ) chậm nhất\n", "Sở Nội vụ",
     "so_noi_vu"},
    {"Theo Kế hoạch của\nUBND huyện\n", "UBND huyện", "ubnd_huyen"},
    {"Phối hợp Sở Khoa học và Công nghệ hoàn chỉnh\n",
     "Sở Khoa học và Công nghệ", "so_khcn"},
    {"PAPI, Bộ\nNội vụ công bố chỉ số\n", "Bộ\nNội vụ", "bo_noi_vu"},
    {"kết nối với Trung tâm Phục vụ hành chính công tỉnh.\n",
     "Trung tâm Phục vụ hành chính công tỉnh", "tt_phvhcc_tinh"},
};

START_TEST(spelling_resolves_with_exact_offsets) {
  doc d;
  doc_open(&d, spellings[_i].input, strlen(spellings[_i].input), "commune");
  size_t n = find_all(&d);
  const xunit *u = mention_of(&d, n, spellings[_i].want);
  if (!u || !u->key || strcmp(u->key, spellings[_i].key)) dump(&d, n);
  ck_assert_msg(u != NULL, "no mention '%s' in '%s'", spellings[_i].want,
                spellings[_i].input);
  ck_assert_ptr_nonnull(u->key);
  ck_assert_str_eq(u->key, spellings[_i].key);
  const tax_unit *t = tax_find_unit(rules, u->key);
  ck_assert_ptr_nonnull(t);
  ck_assert_str_eq(u->name, t->name);
  ck_assert_ptr_nonnull(u->rule);
  ck_assert_ptr_nonnull(rules_find(rules, u->rule));
  doc_close(&d);
}
END_TEST

/* ---- each form of units.tsv -------------------------------------------- */

/* A form or name as written in units.tsv, with its note in parentheses. */
typedef struct form_case {
  char text[512];
  char key[64];
  const char *level;  /* document level the note asks for */
  const char *prefix; /* context line before it */
  size_t units;       /* mentions expected in the form */
} form_case;

static form_case *form_cases;
static size_t nform_cases, cap_form_cases;

static void add_case(const char *text, size_t len, const char *note,
                     const char *key) {
  if (nform_cases == cap_form_cases) {
    cap_form_cases = cap_form_cases ? cap_form_cases * 2 : 128;
    form_cases = realloc(form_cases, cap_form_cases * sizeof *form_cases);
  }
  form_case *c = &form_cases[nform_cases++];
  memset(c, 0, sizeof *c);
  snprintf(c->text, sizeof c->text, "%.*s", (int)len, text);
  snprintf(c->key, sizeof c->key, "%s", key);
  c->units = 1;
  if (note && strstr(note, "province plan")) c->level = "province";
  if (note && strstr(note, "national plan")) c->level = "ministry";
  if (note && strstr(note, "two units")) c->units = 2;
  if (note && strstr(note, "no other office"))
    c->prefix = "3. Văn phòng HĐND và UBND xã\n";
}

/* "Ủy ban nhân dân tỉnh / thành phố": both names. */
static void add_form(const char *form, const char *key) {
  const char *paren = strstr(form, " (");
  size_t len = paren ? (size_t)(paren - form) : strlen(form);
  const char *note = paren ? paren + 2 : NULL;
  const char *slash = strstr(form, " / ");
  if (slash && (size_t)(slash - form) < len) {
    size_t left = (size_t)(slash - form);
    add_case(form, left, note, key);
    size_t stem = left;
    while (stem && form[stem - 1] != ' ') stem--;
    char buf[512];
    snprintf(buf, sizeof buf, "%.*s%.*s", (int)stem, form,
             (int)(len - left - 3), slash + 3);
    add_case(buf, strlen(buf), note, key);
    return;
  }
  add_case(form, len, note, key);
}

/* Forms of real plans that name a unit only where units.rules says, not
 * anywhere (so units.tsv does not list them): as printed (a dash, "hoá"),
 * as a table cell, in plans of one level, two units in one cell, a short
 * title that means another unit when the plan names it.  The note in
 * parentheses says which. */
static const struct {
  const char *form, *key;
} context_forms[] = {
    {"Văn phòng HĐND – UBND xã", "vp_hdnd_ubnd"},
    {"Văn phòng HĐND và UBND Xã", "vp_hdnd_ubnd"},
    {"Văn phòng (in a commune that has no other office)", "vp_hdnd_ubnd"},
    {"Phòng Văn hóa – Xã hội", "phong_vhxh"},
    {"Phòng Văn hoá - Xã hội", "phong_vhxh"},
    {"Trung tâm phục vụ hành chính công", "tt_phvhcc"},
    {"Một cửa cấp xã (as a table cell)", "bp_mot_cua"},
    {"Công an xã, Ban chỉ huy Quân sự xã (two units)", "cong_an"},
    {"Các cơ sở Y tế, Giáo dục (two units)", "tram_y_te"},
    {"Tư pháp", "tu_phap"},
    {"Văn hoá - Thông tin", "van_hoa_thong_tin"},
    {"Văn hoá thông tin", "van_hoa_thong_tin"},
    {"Văn hoá (as a table cell)", "van_hoa_thong_tin"},
    {"Văn hóa - Thông tin (a table cell, also split over two lines)",
     "van_hoa_thong_tin"},
    {"Văn phòng (as a table cell in a pre-2025 commune)",
     "van_phong_thong_ke"},
    {"Tài chính (as a table cell)", "tai_chinh_ke_toan"},
    {"các cơ quan, đơn vị có liên quan", "cac_co_quan"},
    {"các đơn vị có liên quan", "cac_co_quan"},
    {"các địa phương", "ubnd_cap_xa"},
    {"các cơ quan, đơn vị liên quan (in a province plan)", "cac_so_nganh"},
    {"các địa phương (in a national plan)", "ubnd_cac_tinh"},
};

static void collect_forms(void) {
  load_rules();
  if (!rules) return;
  for (size_t i = 0; i < rules->nunits; i++) {
    const tax_unit *u = &rules->units[i];
    add_form(u->name, u->key);
    for (size_t j = 0; j < u->nspellings; j++)
      add_form(u->spellings[j], u->key);
  }
  for (size_t i = 0; i < sizeof context_forms / sizeof *context_forms; i++)
    add_form(context_forms[i].form, context_forms[i].key);
  free_rules();
}

START_TEST(taxonomy_form_resolves) {
  ck_assert_uint_gt(nform_cases, 100);
  const form_case *c = &form_cases[_i];
  char input[1200];
  snprintf(input, sizeof input, "%s%s\n", c->prefix ? c->prefix : "",
           c->text);
  doc d;
  doc_open(&d, input, strlen(input), c->level);
  size_t n = find_all(&d);
  size_t before = c->prefix ? 1 : 0;
  bool ok = n == before + c->units && found[before].key &&
            !strcmp(found[before].key, c->key);
  /* one mention covering the whole form */
  size_t line = c->prefix ? (size_t)(strchr(d.x.s, '\n') - d.x.s) + 1 : 0;
  size_t line_end = d.x.n;
  while (line_end > line && (d.x.s[line_end - 1] == '\n')) line_end--;
  if (ok && c->units == 1)
    ok = found[before].start == line && found[before].end == line_end;
  if (!ok) dump(&d, n);
  ck_assert_msg(ok, "units.tsv form '%s' (level %s) does not resolve to %s",
                c->text, c->level ? c->level : "-", c->key);
  doc_close(&d);
}
END_TEST

/* ---- longest match, lists, run-together cells ---------------------------- */

static size_t find_in(doc *d, const char *input, const char *level) {
  doc_open(d, input, strlen(input), level);
  return find_all(d);
}

START_TEST(longest_match_wins) {
  doc d;
  size_t n = find_in(&d, "Văn phòng HĐND và UBND xã chủ trì\n", "commune");
  ck_assert_uint_eq(n, 1);
  ck_assert_str_eq(found[0].key, "vp_hdnd_ubnd");
  ck_assert_uint_eq(found[0].start, 0);
  ck_assert_uint_eq(found[0].end, strlen("Văn phòng HĐND và UBND xã"));
  doc_close(&d);

  n = find_in(&d, "báo cáo gửi Sở Tư pháp\n", "commune");
  ck_assert_uint_eq(n, 1);
  ck_assert_str_eq(found[0].key, "so_tu_phap");
  doc_close(&d);

  n = find_in(&d, "2. Công chức Tư pháp - Hộ tịch\n", "commune");
  ck_assert_uint_eq(n, 1);
  ck_assert_str_eq(found[0].key, "tu_phap");
  ck_assert_str_eq(found[0].rule, "unit.tu_phap");
  doc_close(&d);

  /* the whole cell, not "Các cơ quan liên quan khác" */
  n = find_in(&d,
              "Các cơ quan chủ trì CCHC của xã, các cơ quan liên quan khác\n",
              "commune");
  ck_assert_uint_eq(n, 1);
  ck_assert_str_eq(found[0].key, "cac_co_quan");
  ck_assert_uint_eq(found[0].end, d.x.n - 1);
  doc_close(&d);
}
END_TEST

START_TEST(comma_list_gives_each_unit) {
  doc d;
  const char *in = "7. Công an xã, Ban chỉ huy Quân sự xã\n";
  size_t n = find_in(&d, in, "commune");
  ck_assert_uint_eq(n, 2);
  ck_assert_str_eq(found[0].key, "cong_an");
  ck_assert_uint_eq(found[0].start, strlen("7. "));
  ck_assert_uint_eq(found[0].end, strlen("7. Công an xã"));
  ck_assert_str_eq(found[1].key, "quan_su");
  ck_assert_uint_eq(found[1].start, strlen("7. Công an xã, "));
  ck_assert_uint_eq(found[1].end, strlen(in) - 1);
  doc_close(&d);

  /* a list of cell titles */
  n = find_in(&d, "Tư pháp, Văn phòng, Văn hóa thông tin\n", "commune");
  ck_assert_uint_eq(n, 3);
  ck_assert_str_eq(found[0].key, "tu_phap");
  ck_assert_str_eq(found[1].key, "van_phong_thong_ke");
  ck_assert_str_eq(found[2].key, "van_hoa_thong_tin");
  doc_close(&d);

  /* two cells of a table row run together on one line */
  n = find_in(&d, "Văn phòng Các ban, ngành cấp xã\n", "commune");
  ck_assert_uint_eq(n, 2);
  ck_assert_str_eq(found[0].key, "van_phong_thong_ke");
  ck_assert_uint_eq(found[0].end, strlen("Văn phòng"));
  ck_assert_str_eq(found[1].key, "cac_ban_nganh");
  doc_close(&d);

  /* the lead and its collaborators */
  n = find_in(&d,
              "Chủ trì phối hợp với các ban, ngành và các đơn vị liên quan "
              "kiểm soát\n",
              "commune");
  ck_assert_uint_eq(n, 2);
  ck_assert_str_eq(found[0].key, "cac_ban_nganh");
  ck_assert_str_eq(found[1].key, "cac_co_quan");
  doc_close(&d);
}
END_TEST

/* ---- short titles only as cells -------------------------------------------- */

static const char *const not_units[] = {
    "6. Cải cách tài chính công\n",
    "- Chỉ đạo thực hiện nghiêm túc các kết luận về tài chính, ngân sách.\n",
    "Mua sắm văn phòng phẩm, thiết bị.\n",
    "- Văn phòng phẩm được cấp đủ.\n",
    "- Văn hóa công vụ được nâng cao.\n",
    "tại các lĩnh vực đất đai, xây dựng, tư pháp, y tế.\n",
    "Tăng cường công tác Tư pháp trong xã.\n",
    "- Tài chính công được minh bạch.\n",
    "Xây dựng môi trường văn hóa thông tin lành mạnh.\n",
    "Ban hành kế hoạch tổ chức hội nghị.\n",
    "người dân, doanh nghiệp.\n",
    "Sinh hoạt tại Nhà Văn hóa\n",
    "Phối hợp với Trung tâm Văn hóa\n",
    "gửi Phòng Tư pháp\n",
};

START_TEST(short_title_in_running_text_is_no_unit) {
  doc d;
  size_t n = find_in(&d, not_units[_i], "commune");
  if (n) dump(&d, n);
  ck_assert_msg(n == 0, "'%s' gave %zu mentions", not_units[_i], n);
  doc_close(&d);
}
END_TEST

START_TEST(short_title_as_cell_is_a_unit) {
  doc d;
  /* capitalised at the end of a line of run-together cells */
  size_t n = find_in(&d, "Văn bản và các dự thảo kèm theo Tư pháp\n",
                     "commune");
  ck_assert_uint_eq(n, 1);
  ck_assert_str_eq(found[0].key, "tu_phap");
  ck_assert_uint_eq(found[0].start, strlen("Văn bản và các dự thảo kèm theo "));
  doc_close(&d);

  /* columns of a table row interleaved: titles before a cell edge */
  n = find_in(&d,
              "1 1.1. Ban hành Kế 2.1. Xây dựng dự 3.1. Lấy ý kiến các Kế "
              "hoạch Tư pháp Các ban, Quý hoạch hoạt động\n",
              "commune");
  ck_assert_uint_eq(n, 2);
  ck_assert_str_eq(found[0].key, "tu_phap");
  ck_assert_str_eq(found[1].key, "cac_ban_nganh");
  doc_close(&d);

  /* the subject of what a unit does, or after "phối hợp với" */
  n = find_in(&d, "Tư pháp chủ trì, phối hợp với các ban, ngành liên quan.\n",
              "commune");
  ck_assert_uint_eq(n, 2);
  ck_assert_str_eq(found[0].key, "tu_phap");
  ck_assert_uint_eq(found[0].start, 0);
  ck_assert_str_eq(found[1].key, "cac_ban_nganh");
  doc_close(&d);
  n = find_in(&d, "- Phối hợp với Văn phòng kiểm tra hồ sơ.\n", "commune");
  ck_assert_uint_eq(n, 0); /* "với" alone: the title must also end there */
  doc_close(&d);
  n = find_in(&d, "- Phối hợp với Văn phòng, Tư pháp.\n", "commune");
  ck_assert_uint_eq(n, 2);
  ck_assert_str_eq(found[0].key, "van_phong_thong_ke");
  ck_assert_str_eq(found[1].key, "tu_phap");
  doc_close(&d);

  /* a bullet item */
  n = find_in(&d, "- Tài chính;\n", "commune");
  ck_assert_uint_eq(n, 1);
  ck_assert_str_eq(found[0].key, "tai_chinh_ke_toan");
  doc_close(&d);

  /* the caller's range is a cell: its edges count */
  const char *in = "Phối hợp: Văn phòng phẩm; Tư pháp xử lý\n";
  doc_open(&d, in, strlen(in), "commune");
  size_t s = strlen("Phối hợp: Văn phòng phẩm; ");
  size_t e = s + strlen("Tư pháp");
  ck_assert_uint_eq(find_range(&d, 0, d.x.n), 0);
  ck_assert_uint_eq(find_range(&d, s, e), 1);
  ck_assert_str_eq(found[0].key, "tu_phap");
  ck_assert_uint_eq(found[0].start, s);
  ck_assert_uint_eq(found[0].end, e);
  doc_close(&d);
}
END_TEST

/* "Văn phòng" is the Văn phòng HĐND và UBND where the plan names one. */
START_TEST(short_title_takes_the_unit_the_plan_names) {
  doc d;
  size_t n = find_in(&d,
                     "3. Văn phòng HĐND và UBND xã\n- Chủ trì.\nVăn phòng\n"
                     "Văn hóa\nTài chính\n",
                     "commune");
  ck_assert_uint_eq(n, 4);
  ck_assert_str_eq(found[1].key, "vp_hdnd_ubnd");
  ck_assert_str_eq(found[1].name, "Văn phòng HĐND và UBND xã");
  ck_assert_str_eq(found[2].key, "van_hoa_thong_tin");
  ck_assert_str_eq(found[3].key, "tai_chinh_ke_toan");
  doc_close(&d);

  n = find_in(&d,
              "2. Phòng Văn hóa - Xã hội\n4. Phòng Kinh tế\nVăn hóa\n"
              "Tài chính\n",
              "commune");
  ck_assert_uint_eq(n, 4);
  ck_assert_str_eq(found[2].key, "phong_vhxh");
  ck_assert_str_eq(found[3].key, "phong_kinh_te");
  doc_close(&d);
}
END_TEST

/* Rules that hold only at some levels of government. */
START_TEST(level_decides_collectives) {
  const char *in = "phối hợp với các cơ quan, đơn vị liên quan\n";
  doc d;
  ck_assert_uint_eq(find_in(&d, in, "province"), 1);
  ck_assert_str_eq(found[0].key, "cac_so_nganh");
  doc_close(&d);
  ck_assert_uint_eq(find_in(&d, in, "commune"), 1);
  ck_assert_str_eq(found[0].key, "cac_co_quan");
  doc_close(&d);
  ck_assert_uint_eq(find_in(&d, in, NULL), 1);
  ck_assert_str_eq(found[0].key, "cac_co_quan");
  doc_close(&d);

  in = "Trung tâm Phục vụ hành chính công\n";
  ck_assert_uint_eq(find_in(&d, in, "province"), 1);
  ck_assert_str_eq(found[0].key, "tt_phvhcc_tinh");
  doc_close(&d);
  ck_assert_uint_eq(find_in(&d, in, "commune"), 1);
  ck_assert_str_eq(found[0].key, "tt_phvhcc");
  doc_close(&d);
}
END_TEST

/* ---- units the taxonomy lacks ------------------------------------------------ */

START_TEST(unknown_unit_keeps_its_text) {
  const char *in =
      "Phối hợp với Trung tâm Chuyển đổi số tỉnh và Phòng Văn hóa - Xã hội "
      "triển khai.\n";
  doc d;
  doc_open(&d, in, strlen(in), "commune");
  xunit u;
  ck_assert(units_unknown(&d.x, 0, d.x.n, &u));
  ck_assert_ptr_null(u.key);
  ck_assert_ptr_null(u.name);
  ck_assert_ptr_nonnull(u.rule);
  ck_assert_uint_eq(u.start, strlen("Phối hợp với "));
  ck_assert_uint_eq(u.end, strlen("Phối hợp với Trung tâm Chuyển đổi số tỉnh"));
  /* the next one is a known unit: none left */
  ck_assert(!units_unknown(&d.x, u.end, d.x.n, &u));
  doc_close(&d);

  in = "7. Ban Tuyên giáo\n";
  doc_open(&d, in, strlen(in), "commune");
  ck_assert(units_unknown(&d.x, 0, d.x.n, &u));
  ck_assert_ptr_null(u.key);
  ck_assert_int_eq((int)(u.end - u.start), (int)strlen("Ban Tuyên giáo"));
  ck_assert(!memcmp(d.x.s + u.start, "Ban Tuyên giáo", u.end - u.start));
  doc_close(&d);

  static const char *const known_or_none[] = {
      "2. Phòng Văn hóa - Xã hội\n", "Ban hành kế hoạch tổ chức hội nghị.\n",
      "Sở Nội vụ tỉnh\n", "- Tổ chức kiểm tra, giám sát.\n"};
  for (size_t i = 0; i < sizeof known_or_none / sizeof *known_or_none; i++) {
    doc_open(&d, known_or_none[i], strlen(known_or_none[i]), "commune");
    ck_assert_msg(!units_unknown(&d.x, 0, d.x.n, &u), "'%s' gave '%.*s'",
                  known_or_none[i], (int)(u.end - u.start), d.x.s + u.start);
    doc_close(&d);
  }
}
END_TEST

/* The grammar of unit names: a head noun and the name up to a boundary,
 * in wordings written for the test; units_find_named gives the known
 * mentions (keys) and these names (key NULL) in text order. */
static const struct {
  const char *input;
  const char *want; /* the mentions, '|' between them; "=KEY" for a key */
} named[] = {
    {"Hiệp hội Thủy sản tỉnh, Hội Nông dân tỉnh và Liên minh Hợp tác xã "
     "tỉnh phối hợp thực hiện.\n",
     "Hiệp hội Thủy sản tỉnh|Hội Nông dân tỉnh|Liên minh Hợp tác xã tỉnh"},
    {"Giao Bộ Lao động - Thương binh và Xã hội, Bộ Tư pháp rà soát.\n",
     "Bộ Lao động - Thương binh và Xã hội|=bo_tu_phap"},
    {"Báo và Phát thanh, Truyền hình tỉnh Lâm Đồng chủ trì tuyên truyền.\n",
     "Báo và Phát thanh, Truyền hình tỉnh Lâm Đồng"},
    {"5. Thành đoàn\n", "Thành đoàn"},
    {"Sở KH&CN phối hợp với các cơ quan báo chí đóng trên địa bàn tỉnh "
     "đưa tin.\n",
     "=so_khcn|các cơ quan báo chí đóng trên địa bàn tỉnh"},
    {"Quỹ Đầu tư phát triển tỉnh phát triển các sản phẩm cho vay.\n",
     "Quỹ Đầu tư phát triển tỉnh"},
    {"Bộ KH&CN, Thông tấn xã Việt Nam và Đài Tiếng nói Việt Nam đưa tin.\n",
     "=bo_khcn|Thông tấn xã Việt Nam|Đài Tiếng nói Việt Nam"},
    {"Ban hành kế hoạch tổ chức hội nghị trong các trường hợp cần thiết.\n",
     ""},
};

START_TEST(unit_names_by_grammar) {
  doc d;
  const char *in = named[_i].input;
  doc_open(&d, in, strlen(in), "province");
  xunits l = {0};
  units_find_named(&d.x, 0, d.x.n, &l);
  char got[1024] = "";
  for (size_t i = 0; i < l.n; i++) {
    size_t n = strlen(got);
    if (l.items[i].key)
      snprintf(got + n, sizeof got - n, "%s=%s", i ? "|" : "",
               l.items[i].key);
    else
      snprintf(got + n, sizeof got - n, "%s%.*s", i ? "|" : "",
               (int)(l.items[i].end - l.items[i].start),
               d.x.s + l.items[i].start);
    ck_assert(!l.items[i].key == !l.items[i].name);
  }
  ck_assert_msg(!strcmp(got, named[_i].want), "'%s': got '%s', want '%s'",
                in, got, named[_i].want);
  xunits_free(&l);
  doc_close(&d);
}
END_TEST

/* ---- API edges and the rules themselves ----------------------------------- */

START_TEST(lists_grow_and_ranges_clip) {
  const char *in = "Công an xã, Ban chỉ huy Quân sự xã, Trạm Y tế xã\n";
  doc d;
  doc_open(&d, in, strlen(in), "commune");
  ck_assert_uint_eq(find_all(&d), 3);
  ck_assert_str_eq(found[0].key, "cong_an");
  ck_assert_str_eq(found[1].key, "quan_su");
  ck_assert_str_eq(found[2].key, "tram_y_te");
  /* a range ending inside a mention does not see it whole */
  size_t cut = strlen("Công an xã, Ban chỉ huy");
  ck_assert_uint_eq(find_range(&d, 0, cut), 1);
  ck_assert_uint_eq(find_range(&d, 5, 5), 0);
  ck_assert_uint_eq(find_range(&d, 0, d.x.n + 100), 3);
  /* units_find appends: a list keeps what it had */
  xunits l = {0};
  units_find(&d.x, 0, cut, &l);
  units_find(&d.x, 0, d.x.n, &l);
  ck_assert_uint_eq(l.n, 4);
  xunits_free(&l);
  ck_assert_ptr_null(l.items);
  doc_close(&d);
}
END_TEST

/* "các cơ quan" is another unit at the province level: a document whose
 * level changes between two asks (and back) is read by that level's
 * rules and gate each time. */
static void check_level_change(void) {
  const char *in = "phối hợp với các cơ quan, đơn vị liên quan\n";
  doc e;
  doc_open(&e, in, strlen(in), "commune");
  ck_assert_uint_eq(find_all(&e), 1);
  ck_assert_str_eq(found[0].key, "cac_co_quan");
  e.x.f->document.level.value = "province";
  ck_assert_uint_eq(find_all(&e), 1);
  ck_assert_str_eq(found[0].key, "cac_so_nganh");
  e.x.f->document.level.value = "commune";
  ck_assert_uint_eq(find_all(&e), 1);
  ck_assert_str_eq(found[0].key, "cac_co_quan");
  doc_close(&e);
}

/* A rule is run only in ranges holding a word with each clause of its
 * literals, and only from the barrier before such a word: what it gives
 * there is still what a search of the range gives.  The range's end cuts
 * the text the rule sees ("xã" before "hội" is a commune only where the
 * range stops at it); a word cut by the range counts whole; a word too
 * long to be looked up turns the gate off; a mention may hold punctuation
 * its rule consumes, on either side of the word with the literal. */
START_TEST(ranges_see_what_a_search_sees) {
  const char *in = "Ủy ban nhân dân xã hội hóa; UBND xã, VP.UBND phường\n";
  doc d;
  doc_open(&d, in, strlen(in), "commune");
  size_t cut = strlen("Ủy ban nhân dân xã");
  ck_assert_uint_eq(find_range(&d, 0, cut), 1);
  ck_assert_str_eq(found[0].key, "ubnd_xa");
  ck_assert_uint_eq(found[0].end, cut);
  size_t n = find_all(&d);
  ck_assert_ptr_null(mention_of(&d, n, "Ủy ban nhân dân xã"));
  ck_assert_ptr_nonnull(mention_of(&d, n, "UBND xã"));
  ck_assert_ptr_nonnull(mention_of(&d, n, "VP.UBND phường"));
  /* from inside "UBND": the word counts whole, the rule finds no start */
  size_t mid = (size_t)(strstr(d.x.s, "UBND xã") - d.x.s) + 2;
  n = find_range(&d, mid, d.x.n);
  ck_assert_ptr_null(mention_of(&d, n, "UBND xã"));
  ck_assert_ptr_nonnull(mention_of(&d, n, "VP.UBND phường"));
  doc_close(&d);

  char long_word[600];
  memset(long_word, 'x', 300);
  strcpy(long_word + 300, " Công an xã, Trạm Y tế xã\n");
  doc_open(&d, long_word, strlen(long_word), "commune");
  ck_assert_uint_eq(find_all(&d), 2);
  ck_assert_str_eq(found[0].key, "cong_an");
  ck_assert_str_eq(found[1].key, "tram_y_te");
  doc_close(&d);

  /* the level changes between two asks: the rules and the gate with it */
  check_level_change();
}
END_TEST

/* The gate reads where words start and end 64 bytes at a time (16 at a
 * time with SSE2): mentions found are the same wherever they stand
 * against those blocks, each kind of byte at a word's edge (digits,
 * capitals, small letters, bytes beyond ASCII, punctuation just below
 * and above each range) shifted through every place of a block. */
START_TEST(word_edges_anywhere_in_a_block) {
  const char *body = "/Công an xã: @UBND xã[ `Trạm Y tế xã{ 0 9 A Z a z ~";
  size_t want_n = 0;
  xunit want[MAX_FOUND];
  for (size_t k = 1; k <= 80; k++) {
    char in[256];
    memset(in, 'x', k);
    snprintf(in + k, sizeof in - k, " %s\n", body);
    doc d;
    doc_open(&d, in, strlen(in), "commune");
    size_t n = find_all(&d);
    if (k == 1) {
      want_n = n;
      memcpy(want, found, n * sizeof *want);
      ck_assert_uint_eq(n, 3);
      ck_assert_str_eq(found[0].key, "cong_an");
      ck_assert_str_eq(found[1].key, "ubnd_xa");
      ck_assert_str_eq(found[2].key, "tram_y_te");
    }
    ck_assert_uint_eq(n, want_n);
    for (size_t i = 0; i < n; i++) {
      ck_assert_uint_eq(found[i].start, want[i].start + (k - 1));
      ck_assert_uint_eq(found[i].end, want[i].end + (k - 1));
      ck_assert_str_eq(found[i].key, want[i].key);
    }
    doc_close(&d);
  }
}
END_TEST

/* A text over 4 MB keeps no words for the gate: a range asked there reads
 * its own words (up to 64 KB; a longer range runs every rule), and gives
 * what the same range of a short text gives: cut by its end, a word cut
 * by its start counting whole, a word too long running every rule. */
START_TEST(long_text_ranges_see_what_a_search_sees) {
  const char *head = "Ủy ban nhân dân xã hội hóa; UBND xã, VP.UBND phường\n"
                     "Công an xã, Trạm Y tế xã phối hợp\n";
  char long_word[400];
  memset(long_word, 'x', 300);
  strcpy(long_word + 300, " Công an xã\n");
  const char *line = "Kế hoạch năm 2025 của Công an xã.\n";
  size_t hn = strlen(head), wn = strlen(long_word), ln = strlen(line);
  size_t n = hn + wn;
  char *in = malloc((4u << 20) + 4 * ln);
  ck_assert_ptr_nonnull(in);
  memcpy(in, head, hn);
  memcpy(in + hn, long_word, wn);
  while (n <= (4u << 20) + ln) {
    memcpy(in + n, line, ln);
    n += ln;
  }
  doc shortd, longd;
  doc_open(&shortd, in, hn + wn, "commune");
  doc_open(&longd, in, n, "commune");
  ck_assert_uint_gt(longd.x.n, 4u << 20);
  size_t cut = strlen("Ủy ban nhân dân xã");
  size_t mid = strlen("Ủy ban nhân dân xã hội hóa; UB");
  const size_t ranges[][2] = {
      {0, cut}, {0, hn}, {mid, hn}, {hn - 10, shortd.x.n}, {0, shortd.x.n}};
  xunit want[MAX_FOUND];
  for (size_t r = 0; r < sizeof ranges / sizeof *ranges; r++) {
    size_t k = find_range(&shortd, ranges[r][0], ranges[r][1]);
    ck_assert_uint_gt(k, 0);
    memcpy(want, found, k * sizeof *want);
    ck_assert_uint_eq(find_range(&longd, ranges[r][0], ranges[r][1]), k);
    for (size_t i = 0; i < k; i++) {
      ck_assert_uint_eq(found[i].start, want[i].start);
      ck_assert_uint_eq(found[i].end, want[i].end);
      ck_assert_str_eq(found[i].key, want[i].key);
    }
  }
  /* past 64 KB: every rule runs, the filler's units are found too */
  ck_assert_uint_eq(find_range(&longd, hn + wn, hn + wn + 20 * ln), 20);
  ck_assert_uint_eq(find_range(&longd, hn + wn, hn + wn + 2000 * ln), 2000);
  doc_close(&shortd);
  doc_close(&longd);
  free(in);
}
END_TEST

/* A rule runs around the words of whichever of its clauses the text
 * holds least: "các" opens unit.cac_co_quan and stands everywhere here,
 * so its windows are those of "quan", "đơn" and "chuyên" (no other rule
 * goes by the last two), each reaching back to the "các" before it. */
START_TEST(rules_run_around_their_rarest_words) {
  const char *tail =
      "Phối hợp với UBND xã và các phòng, đơn vị chuyên môn tổ chức\n";
  char in[4096], *p = in;
  for (int i = 0; i < 60; i++) p = stpcpy(p, "các xe; ");
  strcpy(p, tail);
  doc d;
  doc_open(&d, in, strlen(in), "commune");
  size_t n = find_all(&d);
  const xunit *u = mention_of(&d, n, "các phòng, đơn vị chuyên môn");
  ck_assert_ptr_nonnull(u);
  ck_assert_str_eq(u->key, "cac_co_quan");
  doc_close(&d);
}
END_TEST

/* The answers of ranges asked before are kept in a fixed number of
 * slots (taken at the first answer, a bit per slot telling the kept
 * ones): more ranges than slots share slots, and a range asked again gets
 * its own answer, never one of another range in its slot, in any order;
 * rules chosen anew (another level) forget them all. */
START_TEST(range_answers_share_slots_and_stay_right) {
  static const char *const line[] = {"UBND xã\n", "Công an xã\n",
                                     "Trạm Y tế xã\n"};
  static const char *const key[] = {"ubnd_xa", "cong_an", "tram_y_te"};
  enum { LINES = 700 };
  size_t at[LINES + 1], cap = LINES * 20 + 1;
  char *in = malloc(cap), *p = in;
  ck_assert_ptr_nonnull(in);
  for (size_t i = 0; i < LINES; i++) {
    at[i] = (size_t)(p - in);
    p = stpcpy(p, line[i % 3]);
  }
  at[LINES] = (size_t)(p - in);
  doc d;
  doc_open(&d, in, (size_t)(p - in), "commune");
  ck_assert_uint_eq(d.x.n, at[LINES]); /* canonical as written */
  for (int pass = 0; pass < 3; pass++)
    for (size_t k = 0; k + 1 < LINES; k++) {
      /* forward, then backward: each range after others took its slot */
      size_t i = pass == 1 ? LINES - 2 - k : k;
      ck_assert_uint_eq(find_range(&d, at[i], at[i + 1] - 1), 1);
      ck_assert_str_eq(found[0].key, key[i % 3]);
      ck_assert_uint_eq(find_range(&d, at[i], at[i + 2] - 1), 2);
      ck_assert_str_eq(found[0].key, key[i % 3]);
      ck_assert_str_eq(found[1].key, key[(i + 1) % 3]);
      ck_assert_uint_eq(found[1].start, at[i + 1]);
    }
  /* the rules of another level, while this document is open */
  check_level_change();
  doc_close(&d);
  free(in);
}
END_TEST

/* A table repeats its cells: once a document has asked for many ranges,
 * a range whose text (and the text a rule may read before it) came
 * before is answered from that answer, moved to where it stands; a range
 * of the same text after other bytes (here a letter, so that "UBND" is
 * no word of its own) is found anew. */
START_TEST(repeated_cells_are_answered_by_text) {
  const char *cell = "UBND xã\n", *glued = "aUBND xã\n";
  size_t cn = strlen(cell), gn = strlen(glued), lines = 400, glued_from = 340;
  char *in = malloc(lines * gn + 1), *p = in;
  ck_assert_ptr_nonnull(in);
  for (size_t i = 0; i < lines; i++)
    p = stpcpy(p, i < glued_from || i % 2 ? cell : glued);
  doc d;
  doc_open(&d, in, (size_t)(p - in), "commune");
  size_t want = strlen("UBND xã");
  for (size_t at = 0, i = 0; i < lines; i++) {
    bool is_glued = i >= glued_from && i % 2 == 0;
    size_t from = at + is_glued;
    size_t n = find_range(&d, from, from + want);
    if (is_glued) {
      ck_assert_uint_eq(n, 0);
    } else {
      ck_assert_uint_eq(n, 1);
      ck_assert_str_eq(found[0].key, "ubnd_xa");
      ck_assert_uint_eq(found[0].start, from);
      ck_assert_uint_eq(found[0].end, from + want);
    }
    at += is_glued ? gn : cn;
  }
  ck_assert_uint_gt(units_text_hits(&d.x), 50);
  doc_close(&d);
  free(in);
}
END_TEST

/* ---- rewritten patterns ------------------------------------------------ */

/* unitname.phrase as it stood before its stop words were grouped by their
 * first letters (one test of a letter where there were 85 of a word) and
 * its lookbehind for a level word was put behind a test of the last
 * letter and a blank (a name's every word asked it): it must match
 * exactly as before. */
static const char phrase_before[] =
    "(?<![-/\\p{L}\\p{N}])(?=[\\p{Lu}c])(?<u>(?: (?&whole) (?&word){0,10}|"
    " (?&head) (?&word){1,10}| (?&collective) (?&cword){1,8} ) )(?(DEFINE)"
    "(?<whole> (?:Tỉnh|Thành|Huyện)\\h+đoàn | Thông\\h+tấn\\h+xã|"
    " Báo\\h+và\\h+Phát\\h+thanh\\h*,\\h*Truyền\\h+hình| Đài\\h+Phát\\h+thanh\\h+và\\h+Truyền\\h+hình "
    ")(?<multi> Trung\\h+tâm | Văn\\h+phòng | Bộ\\h+phận | Hội\\h+đồng "
    "| Ủy\\h+ban | UBND | Chi\\h+cục| Tổng\\h+cục | Kho\\h+bạc "
    "| Ngân\\h+hàng | Bệnh\\h+viện | Bưu\\h+điện | Công\\h+an "
    "| Thanh\\h+tra| Bảo\\h+hiểm | Công\\h+ty | Tổng\\h+công\\h+ty "
    "| Tập\\h+đoàn | Hợp\\h+tác\\h+xã | Liên\\h+đoàn| Liên\\h+minh "
    "| Hiệp\\h+hội | Mặt\\h+trận | Học\\h+viện | Đại\\h+học "
    "| Tòa\\h+án | Viện\\h+kiểm\\h+sát| Đảng\\h+ủy | Đảng\\h+bộ "
    "| Tỉnh\\h+ủy | Huyện\\h+ủy | Tổ\\h+công\\h+tác | Tổ\\h+giúp\\h+việc|"
    " Ban\\h+chỉ\\h+đạo | Ban\\h+quản\\h+lý | Chi\\h+bộ | Chi\\h+hội "
    "| Chi\\h+đoàn )(?<single> Ban|Phòng|Sở|Bộ|Cục|Tổ|Hội|"
    "Đoàn|Viện|Trường|Trạm|Đài|Báo|Quỹ|Chi\\h+nhánh|"
    " Cơ\\h+quan|Thường\\h+trực|Công\\h+chức )(?<head> (?&multi)"
    " | (?&single) (?=\\h+\\p{Lu}) )(?<anyhead> (?&whole) | (?&multi)"
    " | (?&single) | Các\\b| Kế\\h+hoạch | Nghị\\h+quyết | "
    "Nghị\\h+định | Quyết\\h+định | Chỉ\\h+thị | Chương\\h+trình|"
    " Đề\\h+án | Thông\\h+tư | Luật\\b )(?<stop> (?: và|hoặc|"
    "với|cùng|chủ\\h+trì|chủ\\h+động|phối\\h+hợp|tham\\h+mưu|"
    "tham\\h+gia|thực\\h+hiện|triển\\h+khai|tổ\\h+chức|có|"
    "chịu|để|theo|về|trong|tại|trên|đối|cho|nhằm|khi|"
    "đã|được|sẽ|phải|báo\\h+cáo|xây\\h+dựng|hướng\\h+dẫn|"
    "đôn\\h+đốc|kiểm\\h+tra|rà\\h+soát|tăng\\h+cường|đẩy\\h+mạnh|"
    "căn\\h+cứ|ban\\h+hành|gửi|trước|sau|năm|quý|tháng|"
    "ngày|cử|thường\\h+xuyên|Các|hoàn\\h+thành|hoàn\\h+thiện|"
    "đảm\\h+bảo|bảo\\h+đảm|giúp|làm|nếu|của|là|cần|"
    "chỉ\\h+đạo|phát\\h+huy|phát\\h+động|vận\\h+động|tuyên\\h+truyền|"
    "tiếp\\h+nhận|tiếp\\h+tục|nghiên\\h+cứu|đề\\h+xuất|"
    "định\\h+kỳ|thuộc|trực\\h+thuộc|hằng|hàng\\h+(?:năm|"
    "quý|tháng|tuần|ngày)|trình|cung\\h+cấp|công\\h+bố|ưu\\h+tiên|"
    "ở|(?i:chủ\\h+trì|phối\\h+hợp|tham\\h+mưu) )\\b )(?<collective> "
    "[Cc]ác\\h+(?:cơ\\h+quan|cơ\\h+sở(?!\\h+(?:dữ\\h+liệu|hạ\\h+tầng|"
    "vật\\h+chất|pháp\\h+lý))| tổ\\h+chức | hiệp\\h+hội "
    "| trường(?!\\h+(?:hợp|dữ\\h+liệu|thông\\h+tin)) | viện "
    "| lực\\h+lượng) )(?<nolevel> (?<! \\btỉnh | \\bhuyện |"
    " \\bphường | \\bphố | (?<!tác\\h)\\bxã | \\bương | \\bNam "
    ") )(?<name_word> (?!(?&stop)) [\\p{L}\\p{N}]+ (?:[./][\\p{L}\\p{N}]+)"
    "* )(?<word> \\h+ (?:[-&]\\h+)? (?=[\\p{Lu}\\p{N}]) (?&name_word)"
    "| (?&nolevel) \\h+ (?:[-&]\\h+)? (?=\\p{Ll}) (?&name_word)| (?<=\\bxã)"
    " \\h+ hội\\b| \\h*,\\h+ (?!(?&anyhead)) (?=\\p{Lu}[^,;.:()\\n]*?\\h+và\\h+\\p{Lu})"
    " [\\p{L}\\p{N}]+| \\h+và\\h+ (?!(?&anyhead)) (?=\\p{Lu}) [\\p{L}\\p{N}]+|"
    " (?&where) )(?<cword> (?&nolevel) \\h+ (?:[-&]\\h+)? (?=\\p{Ll})"
    " (?&name_word)| (?<=\\bxã) \\h+ hội\\b| (?&where) )(?<where> "
    "\\h+ (?:đóng\\h+)? trên\\h+địa\\h+bàn (?:\\h+(?:tỉnh|thành\\h+phố|"
    "xã|phường)\\b)? ) )";

/* A line, or two joined by a line break: tried at each character, with
 * the subject ending at the block's end and at each blank up to a
 * name's reach after it (ranges end anywhere: a cell, a clause).  The
 * patterns are compiled anchored. */
static void check_block(same_matches *m, const char *s, size_t n) {
  enum { REACH = 160 };
  for (size_t a = 0; a <= n; a++) {
    if (a < n && ((unsigned char)s[a] & 0xC0) == 0x80) continue;
    same_matches_try(m, s, n, a, 0, NULL);
    for (size_t b = a + 1; b < n && b <= a + REACH; b++)
      if (s[b] == ' ') same_matches_try(m, s, b, a, 0, NULL);
  }
}

static void check_lines(void *m, const char *s, size_t n, bool joined) {
  check_block(m, s, n);
}

START_TEST(rewritten_patterns_match_as_before) {
  const rule *now = rules_find(rules, "unitname.phrase");
  ck_assert_ptr_nonnull(now);
  ck_assert_ptr_nonnull(now->first_words); /* still tried at its words */
  uint32_t options = 0;
  ck_assert_int_eq(
      pcre2_pattern_info(now->code, PCRE2_INFO_ARGOPTIONS, &options), 0);
  ck_assert_str_ne(phrase_before, now->pattern);
  same_matches m;
  same_matches_open(&m, phrase_before, now->pattern,
                    options | PCRE2_ANCHORED);
  char **texts;
  size_t ntexts = rewrites_texts(&texts);
  for (size_t i = 0; i < ntexts; i++) rewrites_walk(texts[i], check_lines, &m);
  rewrites_texts_free(texts, ntexts);
  /* and the rule's examples, each a case its grammar was written for */
  for (size_t i = 0; i < now->nexamples; i++)
    check_block(&m, now->examples[i].text, strlen(now->examples[i].text));
  same_matches_done(&m, now->id, 100); /* the corpus holds names it reads */
}
END_TEST

/* Every spelling units.tsv lists is found whole, in running text, as a
 * mention of its unit (by a hand rule or by unit.spelling). */
START_TEST(taxonomy_spellings_are_found) {
  ck_assert_ptr_nonnull(rules);
  size_t checked = 0;
  for (size_t i = 0; i < rules->nunits; i++) {
    const tax_unit *u = &rules->units[i];
    for (size_t k = 0; k < u->nspellings; k++) {
      char in[512];
      snprintf(in, sizeof in, "phối hợp với %s;\n", u->spellings[k]);
      doc d;
      doc_open(&d, in, strlen(in), "commune");
      size_t n = find_all(&d);
      size_t s = strlen("phối hợp với "), e = d.x.n - strlen(";\n");
      bool ok = false;
      for (size_t j = 0; j < n && !ok; j++)
        ok = found[j].start == s && found[j].end == e && found[j].key &&
             !strcmp(found[j].key, u->key);
      if (!ok) dump(&d, n);
      ck_assert_msg(ok, "units.tsv:%u: '%s' is not found as %s", u->line,
                    u->spellings[k], u->key);
      doc_close(&d);
      checked++;
    }
  }
  ck_assert_uint_gt(checked, 50);
}
END_TEST

/* The shipped rules file `name` (harness_root()/rules/name), read whole. */
static char *shipped_rules_file(const char *name, size_t *len) {
  char path[4200];
  snprintf(path, sizeof path, "%s/rules/%s", harness_root(), name);
  char *data = harness_read(path, len);
  ck_assert_ptr_nonnull(data);
  return data;
}

/* A spelling added to units.tsv with the shipped units.rules: found in any
 * case and spacing by unit.spelling, which only it needs. */
START_TEST(added_spelling_is_found) {
  size_t len;
  char *unit_rules = shipped_rules_file("units.rules", &len);
  const char *dir = harness_rules_dir_with("units.rules", unit_rules);
  free(unit_rules);
  char path[4200];
  snprintf(path, sizeof path, "%s/units.tsv", dir);
  FILE *fp = fopen(path, "a");
  ck_assert_ptr_nonnull(fp);
  fputs("cdc_tinh\tTrung tâm Kiểm soát bệnh tật tỉnh\tTrung tâm Kiểm soát "
        "bệnh tật tỉnh; CDC tỉnh\n",
        fp);
  ck_assert_int_eq(fclose(fp), 0);
  cchc_rules *mine = NULL, *shipped = rules;
  cchc_error err = {0};
  ck_assert_msg(cchc_rules_load(dir, &mine, &err) == CCHC_OK, "%s:%u: %s",
                err.path, err.line, err.message);
  rules = mine;
  static const char in[] =
      "Sở Y tế chủ trì, phối hợp với TRUNG TÂM  kiểm soát bệnh tật tỉnh, "
      "CDC Tỉnh\n";
  doc d;
  doc_open(&d, in, strlen(in), "province");
  size_t n = find_all(&d);
  rules = shipped;
  ck_assert_uint_eq(n, 3);
  ck_assert_str_eq(found[0].key, "so_y_te");
  ck_assert_str_eq(found[1].key, "cdc_tinh");
  ck_assert_str_eq(found[1].rule, "unit.spelling");
  ck_assert_str_eq(found[1].name, "Trung tâm Kiểm soát bệnh tật tỉnh");
  ck_assert_str_eq(found[2].key, "cdc_tinh");
  ck_assert_uint_eq(found[2].end, d.x.n - 1);
  doc_close(&d);
  cchc_rules_free(mine);
}
END_TEST

/* A short title takes its alt= unit where the plan names it by a spelling
 * only unit.spelling knows: the rules that say their unit by a mark are
 * asked for the alt= key (and passed over when their pattern has no mark
 * of it). */
START_TEST(short_title_takes_a_unit_named_by_spelling) {
  size_t len;
  char *tsv = shipped_rules_file("units.tsv", &len);
  static const char row[] = "phong_vhxh\tPhòng Văn hóa - Xã hội\t";
  char *at = strstr(tsv, row);
  ck_assert_ptr_nonnull(at);
  size_t head = (size_t)(at - tsv) + strlen(row);
  static const char added[] = "Phòng Văn hóa Thông tin Xã hội; ";
  char *grown = malloc(len + sizeof added);
  ck_assert_ptr_nonnull(grown);
  memcpy(grown, tsv, head);
  memcpy(grown + head, added, strlen(added));
  memcpy(grown + head + strlen(added), tsv + head, len - head + 1);
  free(tsv);
  const char *dir = harness_rules_dir_with("units.tsv", grown);
  free(grown);
  cchc_rules *mine = NULL, *shipped = rules;
  cchc_error err = {0};
  ck_assert_msg(cchc_rules_load(dir, &mine, &err) == CCHC_OK, "%s:%u: %s",
                err.path, err.line, err.message);
  rules = mine;
  doc d;
  size_t n = find_in(&d,
                     "2. Phòng Văn hóa Thông tin Xã hội\n4. Phòng Kinh tế\n"
                     "Văn hóa\nTài chính\n",
                     "commune");
  rules = shipped;
  if (n != 4) dump(&d, n);
  ck_assert_uint_eq(n, 4);
  ck_assert_str_eq(found[0].key, "phong_vhxh");
  ck_assert_str_eq(found[0].rule, "unit.spelling");
  ck_assert_str_eq(found[2].key, "phong_vhxh");
  doc_close(&d);
  cchc_rules_free(mine);
}
END_TEST

START_TEST(unit_rules_name_taxonomy_keys) {
  ck_assert_ptr_nonnull(rules);
  rule_list rs = rules_select(rules, "unit.", NULL);
  ck_assert_uint_gt(rs.n, 40);
  for (size_t i = 0; i < rs.n; i++) {
    const char *k = rule_attr(rs.items[i], "unit");
    ck_assert_msg(k != NULL || rule_gives(rs.items[i], "unit"),
                  "%s has no unit=", rs.items[i]->id);
    const char *alt = rule_attr(rs.items[i], "alt");
    ck_assert_msg(!alt || tax_find_unit(rules, alt), "%s: alt=%s unknown",
                  rs.items[i]->id, alt);
  }
  ck_assert_uint_gt(rules_select(rules, "unitname.", NULL).n, 0);
  rs = rules_select(rules, "unitcell.", NULL);
  ck_assert_uint_gt(rs.n, 0);
  for (size_t i = 0; i < rs.n; i++) {
    const char *side = rule_attr(rs.items[i], "side");
    ck_assert_msg(side && (!strcmp(side, "before") || !strcmp(side, "after")),
                  "%s: side must be before or after", rs.items[i]->id);
  }
}
END_TEST

/* ---- the real plans: every unit the gold names is found ------------------- */

static char **corpus;
static size_t ncorpus;

static void add_key(const char **keys, size_t *n, size_t max, const char *k) {
  if (!k || !strncmp(k, "name:", 5)) return;
  for (size_t i = 0; i < *n; i++)
    if (!strcmp(keys[i], k)) return;
  if (*n < max) keys[(*n)++] = k;
}

START_TEST(corpus_finds_every_gold_unit) {
  ck_assert_uint_lt((size_t)_i, ncorpus);
  const char *path = corpus[_i];
  const char *base = strrchr(path, '/');
  base = base ? base + 1 : path;
  char gold[4096];
  snprintf(gold, sizeof gold, "%s/gold/%.*s.gold.json", harness_shared(),
           (int)(strlen(base) - 4), base);
  json_error_t jerr;
  json_t *g = json_load_file(gold, 0, &jerr);
  if (!g) return; /* a plan without gold */
  const char *keys[256];
  size_t nkeys = 0;
  size_t i;
  json_t *v;
  json_array_foreach(json_object_get(g, "leads"), i, v)
      add_key(keys, &nkeys, 256, json_string_value(json_object_get(v, "unit")));
  json_array_foreach(json_object_get(g, "tasks"), i, v) {
    size_t j;
    json_t *w;
    json_array_foreach(json_object_get(v, "lead"), j, w)
        add_key(keys, &nkeys, 256, json_string_value(w));
    json_array_foreach(json_object_get(v, "coordinators"), j, w)
        add_key(keys, &nkeys, 256, json_string_value(w));
  }
  size_t len;
  char *src = harness_read(path, &len);
  ck_assert_ptr_nonnull(src);
  doc d;
  doc_open(&d, src, len, NULL);
  size_t n = find_all(&d);
  /* mentions are in text order, apart, inside the text, with names */
  for (size_t k = 0; k < n; k++) {
    ck_assert_uint_lt(found[k].start, found[k].end);
    ck_assert_uint_le(found[k].end, d.x.n);
    if (k) ck_assert_uint_le(found[k - 1].end, found[k].start);
    ck_assert_ptr_nonnull(found[k].key);
    ck_assert_ptr_nonnull(tax_find_unit(rules, found[k].key));
    ck_assert_ptr_nonnull(found[k].name);
  }
  for (size_t k = 0; k < nkeys; k++) {
    bool seen = false;
    for (size_t m = 0; m < n && !seen; m++) seen = !strcmp(found[m].key, keys[k]);
    ck_assert_msg(seen, "%s: gold unit %s never found", base, keys[k]);
  }
  ck_assert_uint_gt(nkeys, 3);
  doc_close(&d);
  free(src);
  json_decref(g);
}
END_TEST

/* A list of units opens where units_find_named gives a mention starting
 * right there; units_may_start, which runs only the rules that may start
 * with the byte there at that place, never says no then, and does say no
 * where no rule matches (most lines of a plan open with work, not with a
 * unit).  Asked at the first words of each line (after a number or
 * bullet, and further in, where a list follows "giao", "phối hợp với"),
 * so that words of every lead byte are asked. */
enum { WORDS_ASKED = 8 };

START_TEST(corpus_lists_open_where_a_rule_matches) {
  ck_assert_uint_lt((size_t)_i, ncorpus);
  size_t len;
  char *src = harness_read(corpus[_i], &len);
  ck_assert_ptr_nonnull(src);
  doc d;
  doc_open(&d, src, len, NULL);
  size_t opens = 0, refused = 0, inner_opens = 0;
  for (size_t ls = 0; ls < d.x.n;) {
    size_t le = line_end(&d.x, ls);
    size_t k = ls;
    while (k < le && d.x.s[k] == ' ') k++;
    for (size_t w = 0; w < WORDS_ASKED && k < le; w++) {
      xunits l = {0};
      units_find_named(&d.x, k, le, &l);
      bool opened = l.n && l.items[0].start == k;
      bool may = units_may_start(&d.x, k, le);
      ck_assert_msg(may || !opened, "%s: a unit opens at %zu: '%.*s'",
                    corpus[_i], k, (int)(le - k), d.x.s + k);
      opens += opened;
      inner_opens += opened && w >= 2;
      refused += !may;
      xunits_free(&l);
      k = next_word(&d.x, k, le);
    }
    ls = le + 1;
  }
  ck_assert(!d.x.f->failed);
  ck_assert_uint_gt(opens, 0);
  ck_assert_uint_gt(inner_opens, 0);
  ck_assert_uint_gt(refused, opens);
  doc_close(&d);
  free(src);
}
END_TEST

/* ---- the gate spares work only ------------------------------------------ */

/* Do the two lists hold the same mentions, in the same order? */
static bool same_units(const xunits *a, const xunits *b) {
  if (a->n != b->n) return false;
  for (size_t i = 0; i < a->n; i++) {
    const xunit *p = &a->items[i], *q = &b->items[i];
    if (p->start != q->start || p->end != q->end || strcmp(p->rule, q->rule) ||
        (p->key ? !q->key || strcmp(p->key, q->key) : q->key != NULL))
      return false;
  }
  return true;
}

/* units_find_named and units_find of [a, b) in g (gated) and u (every rule
 * searched over the range) give the same mentions. */
static void same_in_range(doc *g, doc *u, size_t a, size_t b,
                          const char *what) {
  for (int with_names = 0; with_names < 2; with_names++) {
    xunits p = {0}, q = {0};
    if (with_names) {
      units_find_named(&g->x, a, b, &p);
      units_find_named(&u->x, a, b, &q);
    } else {
      units_find(&g->x, a, b, &p);
      units_find(&u->x, a, b, &q);
    }
    ck_assert_msg(same_units(&p, &q),
                  "%s: [%zu, %zu) %s: gated %zu mentions, searched %zu: '%.*s'",
                  what, a, b, with_names ? "named" : "known", p.n, q.n,
                  (int)(b - a), g->x.s + a);
    xunits_free(&p);
    xunits_free(&q);
  }
}

/* Every line of src, every two lines together, and the whole text, at the
 * given level: gated and searched alike; units_may_start says no only
 * where the search finds no mention starting there. */
static void check_gate(const char *src, size_t len, const char *level,
                       const char *what) {
  doc g, u;
  pair_open(&g, &u, src, len, level);
  size_t prev = SIZE_MAX, lines = 0;
  for (size_t ls = 0; ls < g.x.n; lines++) {
    size_t le = line_end(&g.x, ls);
    same_in_range(&g, &u, ls, le, what);
    if (prev != SIZE_MAX) same_in_range(&g, &u, prev, le, what);
    /* at the first words of the line, also after punctuation ("Giao,
     * UBND xã"): a rule barred there by a barrier before its words */
    size_t k = ls;
    while (k < le && g.x.s[k] == ' ') k++;
    for (size_t w = 0; w < WORDS_ASKED && k < le; w++) {
      xunits q = {0};
      units_find_named(&u.x, k, le, &q);
      ck_assert_msg(units_may_start(&g.x, k, le) || !q.n || q.items[0].start != k,
                    "%s: a unit opens at %zu: '%.*s'", what, k, (int)(le - k),
                    g.x.s + k);
      xunits_free(&q);
      k = next_word(&g.x, k, le);
    }
    prev = ls;
    ls = le + 1;
  }
  same_in_range(&g, &u, 0, g.x.n, what);
  ck_assert_uint_gt(lines, 20);
  pair_close(&g, &u);
}

/* src in capitals (utf8proc_toupper of each character): malloc'd. */
static char *upper_copy(const char *src, size_t len, size_t *out_len) {
  char *out = malloc(4 * len + 1);
  ck_assert_ptr_nonnull(out);
  size_t n = 0;
  for (size_t i = 0; i < len;) {
    utf8proc_int32_t cp;
    utf8proc_ssize_t l = utf8proc_iterate((const utf8proc_uint8_t *)src + i,
                                          (utf8proc_ssize_t)(len - i), &cp);
    if (l <= 0) { /* not UTF-8: the byte as it is */
      out[n++] = src[i++];
      continue;
    }
    n += (size_t)utf8proc_encode_char(utf8proc_toupper(cp),
                                      (utf8proc_uint8_t *)out + n);
    i += (size_t)l;
  }
  out[n] = '\0';
  *out_len = n;
  return out;
}

/* Every corpus plan, the province and national ones too. */
static char **all_plans;
static size_t nall_plans;

/* The literal gate (the words of the text and the literals each holds;
 * a rule run only in ranges holding a word of each of its clauses, and
 * only around the words of its rarest clause) and the answers kept by
 * range and by text only spare work: on each corpus plan, at the levels
 * whose rules differ, and in capitals (words whose literals are found
 * without case), every range gives what a search of every rule over it
 * gives. */
START_TEST(corpus_gate_finds_what_a_search_finds) {
  ck_assert_uint_lt((size_t)_i, nall_plans);
  const char *path = all_plans[_i];
  size_t len, ulen;
  char *src = harness_read(path, &len);
  ck_assert_ptr_nonnull(src);
  static const char *const levels[] = {"commune", "province", "ministry"};
  for (size_t k = 0; k < sizeof levels / sizeof *levels; k++)
    check_gate(src, len, levels[k], path);
  char *up = upper_copy(src, len, &ulen);
  check_gate(up, ulen, "commune", path);
  free(up);
  free(src);
}
END_TEST

/* units_find of [a, b) in d, into *out: d's gate, built at its first
 * ask, reads a set of two words in registers or (by_words) word by word. */
static void find_by(doc *d, size_t a, size_t b, bool by_words, xunits *out) {
  units_gate_sets_by_words_off = by_words;
  units_find(&d->x, a, b, out);
  units_gate_sets_by_words_off = false;
  ck_assert(!d->x.f->failed);
}

/* The gate tells whether a range holds a literal of each clause of a rule
 * from a set of two words in registers (range_may_hold): on each corpus
 * plan, each line, each two lines and the whole text give the mentions
 * the clauses' sets read word by word give, and units_may_start at each
 * line's first word says the same. */
START_TEST(clause_sets_read_alike_in_registers) {
  ck_assert_uint_lt((size_t)_i, ncorpus);
  const char *path = corpus[_i];
  size_t len;
  char *src = harness_read(path, &len);
  ck_assert_ptr_nonnull(src);
  doc a, b;
  doc_open(&a, src, len, "commune");
  doc_open(&b, src, len, "commune");
  size_t mentions = 0, prev = SIZE_MAX;
  for (size_t ls = 0; ls <= a.x.n;) {
    size_t le = ls < a.x.n ? line_end(&a.x, ls) : a.x.n;
    size_t from[2] = {ls < a.x.n ? ls : 0, prev}, to = le;
    for (int k = 0; k < 2 && from[k] != SIZE_MAX; k++) {
      xunits p = {0}, q = {0};
      find_by(&a, from[k], to, false, &p);
      find_by(&b, from[k], to, true, &q);
      ck_assert_msg(same_units(&p, &q), "%s: [%zu, %zu): %zu mentions, %zu "
                    "by words", path, from[k], to, p.n, q.n);
      mentions += p.n;
      xunits_free(&p);
      xunits_free(&q);
    }
    if (ls < a.x.n) {
      size_t k = ls;
      while (k < le && a.x.s[k] == ' ') k++;
      if (k < le) {
        ck_assert_msg(units_may_start(&a.x, k, le) ==
                          units_may_start(&b.x, k, le),
                      "%s: opening at %zu", path, k);
      }
    }
    if (ls == a.x.n) break;
    prev = ls;
    ls = le + 1 < a.x.n ? le + 1 : a.x.n;
  }
  ck_assert_uint_gt(mentions, 0);
  ck_assert(!a.x.f->failed && !b.x.f->failed);
  doc_close(&a);
  doc_close(&b);
  free(src);
}
END_TEST

/* The gate answers the range it read last without reading it again
 * (units_may_start asks of a place and its line's end, and clause_units
 * then of the same): asked in that order at the first words of each line,
 * from the third back (each range holding the last), each range gives
 * what a search of every rule over it gives. */
START_TEST(range_asked_again_gives_what_a_search_finds) {
  ck_assert_uint_lt((size_t)_i, ncorpus);
  const char *path = corpus[_i];
  size_t len;
  char *src = harness_read(path, &len);
  ck_assert_ptr_nonnull(src);
  doc g, u;
  pair_open(&g, &u, src, len, "commune");
  size_t opened = 0;
  for (size_t ls = 0; ls < g.x.n;) {
    size_t le = line_end(&g.x, ls);
    size_t k = ls, at[3], n = 0;
    while (k < le && g.x.s[k] == ' ') k++;
    for (; n < 3 && k < le; n++) {
      at[n] = k;
      k = next_word(&g.x, k, le);
    }
    while (n-- > 0) { /* from the third word back: ranges that grow */
      opened += units_may_start(&g.x, at[n], le);
      same_in_range(&g, &u, at[n], le, path);
    }
    ls = le + 1;
  }
  ck_assert_uint_gt(opened, 0);
  pair_close(&g, &u);
  free(src);
}
END_TEST

/* A try of the names' grammar at a place is kept with the place and the
 * cut of the text (name_try_at): clauses that end at one place and start
 * further on (the clause, then after "phối hợp với"), and
 * units_may_start before them, are answered from the tries already made;
 * a range cut elsewhere is tried again, as the grammar reads up to the
 * cut ("Trung tâm Chuyển đổi" cut after "Chuyển" is another name).  Each
 * range gives what a fresh search gives (the ungated document keeps no
 * try), and fewer tries are run. */
START_TEST(names_tries_are_kept_by_place_and_cut) {
  const char *in =
      "Sở Nội vụ chủ trì, phối hợp với Trung tâm Chuyển đổi số tỉnh, "
      "Hội Nông dân tỉnh và Liên minh Hợp tác xã tỉnh thực hiện\n";
  doc g, u;
  pair_open(&g, &u, in, strlen(in), "province");
  size_t end = g.x.n - 1, words[64], nwords = 0;
  for (size_t k = 0; k < end && nwords < 64;) {
    words[nwords++] = k;
    k = next_word(&g.x, k, end);
  }
  ck_assert_uint_gt(nwords, 20);
  /* from the last word back, every range to the line's end; then from
   * the first word, every cut after a word */
  for (size_t w = nwords; w-- > 0;) {
    ck_assert(units_may_start(&g.x, words[w], end) ==
              units_may_start(&u.x, words[w], end));
    same_in_range(&g, &u, words[w], end, "suffix");
  }
  for (size_t w = 1; w < nwords; w++)
    for (size_t cut = words[w] - 1; cut <= words[w] + 2; cut++)
      same_in_range(&g, &u, words[0], cut, "prefix");
  size_t run = units_name_tries(&g.x), searched = units_name_tries(&u.x);
  ck_assert_uint_gt(run, 0);
  ck_assert_msg(run < searched, "%zu tries run, %zu without kept ones", run,
                searched);
  xunits l = {0};
  units_find_named(&g.x, words[0], end, &l);
  bool centre = false;
  for (size_t i = 0; i < l.n; i++)
    centre = centre ||
             (!l.items[i].key && l.items[i].end - l.items[i].start ==
                                     strlen("Trung tâm Chuyển đổi số tỉnh"));
  ck_assert(centre);
  xunits_free(&l);
  pair_close(&g, &u);
}
END_TEST

/* Whether every literal of a unit rule's clauses lies inside words is read
 * once and kept in the rule (rule.lits_in_words): after a document asked,
 * each kept answer is what the literals say. */
START_TEST(kept_literals_in_words_are_those_of_the_rules) {
  const char *in = "Sở KH&CN phối hợp với UBND các xã, phường và Công an tỉnh\n";
  doc d;
  doc_open(&d, in, strlen(in), "province");
  ck_assert_uint_gt(find_all(&d), 0);
  rule_list all = rules_select(rules, "unit.", NULL);
  size_t yes = 0, no = 0;
  for (size_t i = 0; i < all.n; i++) {
    const rule *r = all.items[i];
    unsigned char kept = atomic_load(&((rule *)r)->lits_in_words);
    if (!kept) continue;
    bool words = true;
    for (size_t c = 0; c < r->facts.nlits; c++)
      for (size_t k = 0; k < r->facts.nalts[c]; k++)
        words = words && rule_literal_in_words(r->facts.lits[c][k]);
    ck_assert_msg(kept == (words ? 2 : 1), "%s: kept %u", r->id,
                  (unsigned)kept);
    yes += words;
    no += !words;
  }
  ck_assert_uint_gt(yes + no, 20);
  doc_close(&d);
}
END_TEST

/* The search the gate is checked against is the search: a range with a
 * unit gives it ungated too, and the ungated search keeps no answer. */
START_TEST(ungated_search_finds_units) {
  const char *in = "Phối hợp với UBND xã và các phòng, đơn vị chuyên môn\n";
  doc d;
  doc_open(&d, in, strlen(in), "commune");
  ck_assert(units_set_ungated(&d.x, true));
  for (int again = 0; again < 2; again++) {
    size_t n = find_all(&d);
    ck_assert_uint_eq(n, 2);
    ck_assert_str_eq(found[0].key, "ubnd_xa");
    ck_assert_str_eq(found[1].key, "cac_co_quan");
  }
  ck_assert_uint_eq(units_text_hits(&d.x), 0);
  doc_close(&d);
}
END_TEST

/* Where units_may_start finds a unit rule's match at a clause's start,
 * the mentions asked next of that range take it as the rule's first match
 * there (unit_rules.opening): on the corpus, at the start of each line and
 * after its first words, the mentions after a yes are those a search of
 * every rule over the range finds, and the units that open there are
 * found. */
START_TEST(corpus_mentions_after_an_opening_are_those_searched) {
  ck_assert_uint_lt((size_t)_i, ncorpus);
  size_t len;
  char *src = harness_read(corpus[_i], &len);
  ck_assert_ptr_nonnull(src);
  doc g, u;
  pair_open(&g, &u, src, len, "commune");
  size_t opened = 0;
  for (size_t ls = 0; ls < g.x.n;) {
    size_t le = line_end(&g.x, ls);
    size_t k = ls;
    while (k < le && g.x.s[k] == ' ') k++;
    for (size_t w = 0; w < 3 && k < le; w++) {
      if (units_may_start(&g.x, k, le)) {
        xunits p = {0}, q = {0};
        units_find_named(&g.x, k, le, &p);
        units_find_named(&u.x, k, le, &q);
        ck_assert_msg(same_units(&p, &q),
                      "%s: [%zu, %zu): after an opening %zu mentions, "
                      "searched %zu: '%.*s'",
                      corpus[_i], k, le, p.n, q.n, (int)(le - k), g.x.s + k);
        opened += p.n && p.items[0].start == k && p.items[0].key;
        xunits_free(&p);
        xunits_free(&q);
      }
      k = next_word(&g.x, k, le);
    }
    ls = le + 1;
  }
  ck_assert_uint_gt(opened, 0);
  pair_close(&g, &u);
  free(src);
}
END_TEST

/* Whether each unit rule's mention lies inside its match is read from its
 * pattern once and kept in the rule (rule.mention_inside): every later
 * document reads the kept answer, and units_may_start still says no
 * where a line opens with work (it could not, were the mentions' starts
 * not known) and yes where it opens with a unit. */
START_TEST(kept_mention_starts_serve_every_document) {
  const char *in = "Triển khai thực hiện kế hoạch\nUBND xã chủ trì\n";
  size_t second = strlen("Triển khai thực hiện kế hoạch\n");
  rule_list unit = rules_select(rules, "unit.", NULL);
  ck_assert_uint_gt(unit.n, 10);
  for (int pass = 0; pass < 3; pass++) {
    doc d;
    doc_open(&d, in, strlen(in), "commune");
    ck_assert(!units_may_start(&d.x, 0, second - 1));
    ck_assert(units_may_start(&d.x, second, d.x.n - 1));
    ck_assert(!d.x.f->failed);
    doc_close(&d);
    size_t kept = 0; /* those of the level's rules: read, each inside */
    for (size_t i = 0; i < unit.n; i++) {
      unsigned v = atomic_load(&((rule *)unit.items[i])->mention_inside);
      ck_assert_uint_ne(v, 1);
      kept += v == 2;
    }
    ck_assert_uint_gt(kept, 10);
  }
}
END_TEST

/* The unit rules of a level, with what the gate and the starts know of
 * them, are chosen once for the rule set and read by every later document
 * of that level: a level is told by its letters (not by where its string
 * lies), each level reads its own rules ("các cơ quan" is another unit at
 * the province level), and documents of one level interleaved with those
 * of others find what the first one found. */
START_TEST(unit_rules_are_chosen_once_per_level) {
  char dir[4096];
  snprintf(dir, sizeof dir, "%s/rules", harness_root());
  cchc_rules *rs = NULL;
  cchc_error err = {0};
  ck_assert_int_eq(cchc_rules_load(dir, &rs, &err), CCHC_OK);
  ck_assert_uint_eq(units_levels_chosen(rs), 0);
  const char *in = "phối hợp với các cơ quan, đơn vị liên quan\n"
                   "UBND xã chủ trì\n";
  char province[] = "province", commune[] = "commune";
  static const struct {
    int level; /* 0: none, 1: "province", 2: "commune", 3, 4: copies */
    const char *key;
    size_t chosen;
  } docs[] = {{1, "cac_so_nganh", 1}, {2, "cac_co_quan", 2},
              {1, "cac_so_nganh", 2}, {0, "cac_co_quan", 3},
              {3, "cac_so_nganh", 3}, {4, "cac_co_quan", 3},
              {0, "cac_co_quan", 3}};
  for (size_t i = 0; i < sizeof docs / sizeof *docs; i++) {
    const char *level = (const char *[]){NULL, "province", "commune",
                                         province, commune}[docs[i].level];
    doc d;
    memset(&d, 0, sizeof d);
    ck_assert_int_eq(cchc_normalize(in, strlen(in), NULL, &d.t, &d.err),
                     CCHC_OK);
    ck_assert_int_eq(xctx_open(&d.x, rs, d.t, &d.err), CCHC_OK);
    d.x.f->document.level.value = level;
    size_t second = strlen("phối hợp với các cơ quan, đơn vị liên quan\n");
    ck_assert(units_may_start(&d.x, second, d.x.n - 1));
    size_t n = find_all(&d);
    ck_assert_uint_eq(n, 2);
    ck_assert_str_eq(found[0].key, docs[i].key);
    ck_assert_str_eq(found[1].key, "ubnd_xa");
    ck_assert(!d.x.f->failed);
    doc_close(&d);
    ck_assert_uint_eq(units_levels_chosen(rs), docs[i].chosen);
  }
  cchc_rules_free(rs);
}
END_TEST

/* ---- the words of a text ------------------------------------------------- */

/* Is every byte of l a word byte (rule_text_words)? */
static bool all_word_bytes(const char *l) {
  for (const unsigned char *p = (const unsigned char *)l; *p; p++)
    if (!(*p >= 0x80 || (*p >= '0' && *p <= '9') || ((*p | 0x20) >= 'a' &&
                                                     (*p | 0x20) <= 'z')))
      return false;
  return true;
}

/* The words of a text are its maximal runs of word bytes, each the
 * distinct word whose bytes it has; and the places of the rules' words
 * found through the distinct words (rule_text_find_words) are those a walk
 * of the whole text finds (rule_words_places), in any case, overlapping
 * and inside longer words; with a run too long to be a word, the whole
 * text is walked, with the same places. */
START_TEST(words_found_through_distinct_words_are_those_of_the_text) {
  ck_assert_msg(rules != NULL, "the shipped rules do not load");
  /* the anchor words of every rule, all of word bytes, once each */
  enum { WORDS = 256 };
  const rule_literal *words[WORDS];
  size_t nwords = 0;
  for (size_t i = 0; i < rules->nrules; i++)
    for (size_t k = 0; k < rules->rules[i].facts.nanchor; k++) {
      const rule_literal *l = rules->rules[i].facts.anchor[k];
      size_t j = 0;
      while (j < nwords && words[j] != l) j++;
      if (j == nwords && nwords < WORDS && all_word_bytes(l->text))
        words[nwords++] = l;
    }
  ck_assert_uint_gt(nwords, 8);
  for (int too_long = 0; too_long < 2; too_long++) {
    char *s = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&s, &n);
    ck_assert_ptr_nonnull(f);
    for (int i = 0; i < 60; i++)
      fprintf(f, "%d. TRƯỚC ngày %d/12/2025, hàng Năm năm 2026 trướctrước; "
              "Quý II NĂMnăm kiểm tra\tđến 31/12 tháng %d\n",
              i, i % 28 + 1, i % 12 + 1);
    if (too_long)
      for (int i = 0; i < 300; i++) fputc(i % 2 ? 'a' : 'n', f);
    fputs(" năm\n", f);
    fclose(f);
    rule_text t;
    cchc_error err = {0};
    ck_assert_int_eq(rule_text_init(&t, s, n, &err), CCHC_OK);
    const rule_words *w = rule_text_words(&t);
    ck_assert_ptr_nonnull(w);
    ck_assert_int_eq(w->too_long, too_long);
    /* runs: maximal, in order, each its word's bytes */
    size_t r = 0;
    for (size_t i = 0; i < n;) {
      if (!all_word_bytes((char[]){s[i], 0})) {
        i++;
        continue;
      }
      size_t e = i;
      while (e < n && all_word_bytes((char[]){s[e], 0})) e++;
      ck_assert_uint_lt(r, w->nruns);
      ck_assert_uint_eq(w->run_at[r], i);
      if (e - i > RULE_LONGEST_WORD) {
        ck_assert_uint_eq(w->run_word[r], RULE_NO_WORD);
      } else {
        uint32_t d = w->run_word[r];
        ck_assert_uint_lt(d, w->nwords);
        ck_assert_uint_eq(w->len[d], e - i);
        ck_assert(!memcmp(s + w->at[d], s + i, e - i));
        ck_assert_uint_le(w->at[d], i);
      }
      r++;
      i = e;
    }
    ck_assert_uint_eq(r, w->nruns);
    ck_assert(rule_text_find_words(&t, words, nwords));
    uint32_t *at[WORDS];
    size_t count[WORDS], found_some = 0;
    ck_assert(rule_words_places(s, n, words, nwords, at, count));
    for (size_t k = 0; k < nwords; k++) {
      if (count[k] == SIZE_MAX) continue; /* left to the searches */
      const uint32_t *got;
      size_t ngot;
      ck_assert(rule_text_places(&t, words[k], &got, &ngot));
      ck_assert_uint_eq(ngot, count[k]);
      for (size_t p = 0; p < ngot; p++) ck_assert_uint_eq(got[p], at[k][p]);
      found_some += count[k] > 60;
      free(at[k]);
    }
    ck_assert_uint_gt(found_some, 2);
    rule_text_free(&t);
    free(s);
  }
}
END_TEST

/* A cell's answer is kept by its text and the two characters before it
 * (all the unit and cell rules read back: \b): the same cell after
 * another cell, in another row, is answered by text, the same as a
 * search of every rule over it; after a letter ("UBND" then no word of
 * its own) or a blank instead of the line break, it is found anew. */
START_TEST(cells_after_other_cells_are_answered_by_text) {
  static const char *const rows[][2] = {
      {"Sở Tư pháp", "UBND xã"},       {"Sở Nội vụ", "UBND xã"},
      {"Văn phòng UBND xã", "UBND xã"}, {"Phòng Văn hóa - Xã hội", "UBND xã"},
      {"Sở Tư pháp", "Tư pháp"},        {"Công an xã", "Tư pháp"},
  };
  size_t nrows = sizeof rows / sizeof *rows;
  char in[4096], *p = in;
  size_t at[3 * sizeof rows / sizeof *rows][2], nat = 0;
  for (size_t i = 0; i < 3 * nrows; i++) {
    const char *lead = rows[i % nrows][0], *cell = rows[i % nrows][1];
    p += sprintf(p, "%zu\n|\n%s\n|\n", i, lead);
    at[nat][0] = (size_t)(p - in);
    p = stpcpy(p, cell);
    at[nat++][1] = (size_t)(p - in);
    p = stpcpy(p, "\n|\n");
  }
  /* the same texts after a letter and after a blank */
  size_t glued = (size_t)(p - in);
  p = stpcpy(p, "aUBND xã\n| Tư pháp\n");
  doc g, u;
  pair_open(&g, &u, in, (size_t)(p - in), "commune");
  ck_assert_uint_eq(g.x.n, (size_t)(p - in)); /* canonical as written */
  for (size_t i = 0; i < nat; i++)
    ck_assert_uint_eq(find_range(&g, at[i][0], at[i][1]), 1);
  /* each of the two texts is searched once, then given */
  ck_assert_uint_eq(units_text_hits(&g.x), nat - 2);
  for (size_t i = 0; i < nat; i++)
    same_in_range(&g, &u, at[i][0], at[i][1], "cells");
  size_t hits = units_text_hits(&g.x);
  size_t ubnd = glued + 1, tp = glued + strlen("aUBND xã\n| ");
  same_in_range(&g, &u, ubnd, ubnd + strlen("UBND xã"), "glued");
  ck_assert_uint_eq(find_range(&g, ubnd, ubnd + strlen("UBND xã")), 0);
  same_in_range(&g, &u, tp, tp + strlen("Tư pháp"), "after a blank");
  ck_assert_uint_eq(units_text_hits(&g.x), hits);
  pair_close(&g, &u);
}
END_TEST

/* A title that no cell edge lets in is asked whether a name runs into it
 * (inside_name): the names' grammar reads further back than two
 * characters, so such an answer is not kept by text, however often the
 * cell comes. */
START_TEST(cells_read_by_the_names_grammar_are_found_anew) {
  const char *cell = "kèm theo Tư pháp";
  char in[1024], *p = in;
  size_t at[6];
  for (size_t i = 0; i < 6; i++) {
    p += sprintf(p, "%zu\n|\nSở Nội vụ\n|\n", i);
    at[i] = (size_t)(p - in);
    p = stpcpy(p, cell);
    p = stpcpy(p, "\n|\n");
  }
  doc g, u;
  pair_open(&g, &u, in, (size_t)(p - in), "commune");
  ck_assert_uint_eq(g.x.n, (size_t)(p - in));
  for (size_t i = 0; i < 6; i++) {
    same_in_range(&g, &u, at[i], at[i] + strlen(cell), "names read");
    ck_assert_uint_eq(find_range(&g, at[i], at[i] + strlen(cell)), 1);
    ck_assert_str_eq(found[0].key, "tu_phap");
  }
  ck_assert_uint_eq(units_text_hits(&g.x), 0);
  pair_close(&g, &u);
}
END_TEST

/* Over each corpus plan, every line asked as a cell (and again without
 * its first word) gives, answered by text or not, what a search of every
 * rule over it gives; the plans' repeated lines are answered by text. */
START_TEST(corpus_cells_answered_by_text_are_searched_alike) {
  size_t hits = 0;
  for (size_t i = 0; i < ncorpus; i++) {
    size_t len;
    char *src = harness_read(corpus[i], &len);
    ck_assert_ptr_nonnull(src);
    doc g, u;
    pair_open(&g, &u, src, len, "commune");
    for (size_t ls = 0; ls < g.x.n;) {
      size_t le = line_end(&g.x, ls), k = ls;
      same_in_range(&g, &u, ls, le, corpus[i]);
      k = next_word(&g.x, k, le);
      if (k > ls && k < le) same_in_range(&g, &u, k, le, corpus[i]);
      ls = le + 1;
    }
    ck_assert_uint_eq(units_text_hits(&u.x), 0);
    hits += units_text_hits(&g.x);
    pair_close(&g, &u);
    free(src);
  }
  ck_assert_uint_gt(hits, ncorpus);
}
END_TEST

/* units_mention_may_start, told by the bytes and words the rules'
 * mentions start with alone, never says no where a mention starts: in
 * every line of each plan, at each level (the rules chosen differ), and
 * where a group u starts inside its match ("Các cơ sở Y tế, Giáo dục",
 * "các bộ, ngành, địa phương"); and it says no at most places, as at
 * "dịch" after "giao" (clause_lead asks it after each "giao"). */
static void mention_starts_told(doc *d, const char *what, size_t *refused,
                                size_t *asked) {
  for (size_t ls = 0; ls < d->x.n;) {
    size_t le = line_end(&d->x, ls);
    xunits l = {0};
    units_find_named(&d->x, ls, le, &l);
    for (size_t i = 0; i < l.n; i++)
      ck_assert_msg(units_mention_may_start(&d->x, l.items[i].start),
                    "%s: a mention starts at %zu: '%.*s'", what,
                    l.items[i].start, (int)(l.items[i].end - l.items[i].start),
                    d->x.s + l.items[i].start);
    xunits_free(&l);
    for (size_t k = ls; k < le; k++) {
      *asked += 1;
      *refused += !units_mention_may_start(&d->x, k);
    }
    ls = le + 1;
  }
}

START_TEST(mention_starts_are_told_without_a_search) {
  static const char *const levels[] = {NULL, "commune", "province",
                                       "ministry"};
  const char *text = "Các cơ sở Y tế, Giáo dục triển khai.\n"
                     "Đề nghị các bộ, ngành, địa phương phối hợp.\n"
                     "Tỷ lệ giao dịch điện tử đạt 90%.\n";
  for (size_t v = 0; v < sizeof levels / sizeof *levels; v++) {
    doc d;
    doc_open(&d, text, strlen(text), levels[v]);
    size_t refused = 0, asked = 0;
    mention_starts_told(&d, "text", &refused, &asked);
    const char *giao = strstr(d.x.s, "dịch");
    ck_assert_ptr_nonnull(giao);
    ck_assert(!units_mention_may_start(&d.x, (size_t)(giao - d.x.s)));
    for (const char *w = d.x.s; (w = strstr(w, "Giáo")); w++)
      ck_assert(units_mention_may_start(&d.x, (size_t)(w - d.x.s)));
    ck_assert(units_mention_may_start(&d.x, (size_t)(strstr(d.x.s, "địa") -
                                                     d.x.s)));
    ck_assert(!d.x.f->failed);
    doc_close(&d);
  }
  size_t refused = 0, asked = 0;
  for (size_t i = 0; i < ncorpus; i++)
    for (size_t v = 0; v < sizeof levels / sizeof *levels; v++) {
      size_t len;
      char *src = harness_read(corpus[i], &len);
      ck_assert_ptr_nonnull(src);
      doc d;
      doc_open(&d, src, len, levels[v]);
      mention_starts_told(&d, corpus[i], &refused, &asked);
      ck_assert(!d.x.f->failed);
      doc_close(&d);
      free(src);
    }
  ck_assert_uint_gt(refused, asked / 2);
}
END_TEST

/* units_may_start refuses at one look a place whose first bytes no
 * mention starts with (units_mention_may_start's first test), before any
 * rule is tried there, and still opens where a unit stands. */
START_TEST(lists_open_only_where_a_mention_may_start) {
  const char *text = "- Tăng cường công tác kiểm tra.\n"
                     "Sở Tư pháp chủ trì, phối hợp với các cơ quan.\n"
                     "2. UBND các xã triển khai thực hiện.\n";
  doc d;
  doc_open(&d, text, strlen(text), "province");
  size_t refused = 0, opened = 0;
  for (size_t ls = 0; ls < d.x.n;) {
    size_t le = line_end(&d.x, ls);
    for (size_t k = ls; k < le; k++) {
      if (k > ls && d.x.s[k - 1] != ' ') continue; /* word starts */
      bool may = units_may_start(&d.x, k, le);
      ck_assert_msg(!may || units_mention_may_start(&d.x, k),
                    "a list may open at %zu: '%.*s'", k, (int)(le - k),
                    d.x.s + k);
      xunits l = {0};
      units_find_named(&d.x, k, le, &l);
      ck_assert_msg(may || !l.n || l.items[0].start != k,
                    "a unit opens at %zu: '%.*s'", k, (int)(le - k),
                    d.x.s + k);
      refused += !may;
      opened += l.n && l.items[0].start == k;
      xunits_free(&l);
    }
    ls = le + 1;
  }
  const char *so = strstr(d.x.s, "Sở Tư pháp");
  ck_assert_ptr_nonnull(so);
  size_t at = (size_t)(so - d.x.s);
  ck_assert(units_may_start(&d.x, at, at + strlen("Sở Tư pháp chủ trì")));
  ck_assert(!units_may_start(&d.x, 0, strlen("- Tăng")));
  ck_assert_uint_ge(opened, 2);
  ck_assert_uint_gt(refused, opened);
  ck_assert(!d.x.f->failed);
  doc_close(&d);
}
END_TEST

/* A range that ends where one scanned before ends and starts inside it
 * (the units after "phối hợp với", a cell's rest) is answered from the
 * longer scan's matches unless one runs across its start; its mentions
 * are judged anew at its own edges.  Asked at each line, then from each
 * of its words on (ranges that shrink, each a suffix of the one before),
 * every range gives what a search of every rule over it gives. */
enum { SUFFIXES_ASKED = 16 };

START_TEST(suffix_ranges_give_what_a_search_finds) {
  ck_assert_uint_lt((size_t)_i, ncorpus);
  const char *path = corpus[_i];
  size_t len;
  char *src = harness_read(path, &len);
  ck_assert_ptr_nonnull(src);
  doc g, u;
  pair_open(&g, &u, src, len, "province");
  for (size_t ls = 0; ls < g.x.n;) {
    size_t le = line_end(&g.x, ls);
    size_t k = ls;
    for (size_t w = 0; w < SUFFIXES_ASKED && k < le; w++) {
      same_in_range(&g, &u, k, le, path);
      k = next_word(&g.x, k, le);
    }
    ls = le + 1;
  }
  pair_close(&g, &u);
  free(src);
}
END_TEST

/* The same, where it matters: a suffix starting inside a mention of the
 * longer range ("Ủy ban nhân dân xã" of "Chủ tịch Ủy ban nhân dân xã":
 * that match runs across it), and one whose start is the edge a short
 * title stands at ("Tư pháp" right after "phối hợp với": a title at the
 * range's start). */
START_TEST(suffix_ranges_cut_by_a_match_are_searched_anew) {
  const char *text =
      "Sở Nội vụ chủ trì, phối hợp với Sở Tài chính, Tư pháp thực hiện.\n"
      "Chủ tịch Ủy ban nhân dân xã giao Văn phòng, phối hợp với Tư pháp.\n";
  doc g, u;
  pair_open(&g, &u, text, strlen(text), "commune");
  size_t asked = 0;
  for (size_t ls = 0; ls < g.x.n;) {
    size_t le = line_end(&g.x, ls);
    same_in_range(&g, &u, ls, le, "text");
    /* every character boundary of the line, from its start on */
    for (size_t k = ls + 1; k < le; k++)
      if (((unsigned char)g.x.s[k] & 0xC0) != 0x80) {
        same_in_range(&g, &u, k, le, "text");
        asked++;
      }
    ls = le + 1;
  }
  const char *ub = strstr(g.x.s, "Ủy ban nhân dân xã");
  ck_assert_ptr_nonnull(ub);
  size_t at = (size_t)(ub - g.x.s), le = (size_t)(strchr(ub, '\n') - g.x.s);
  xunits l = {0};
  units_find(&g.x, at, le, &l);
  ck_assert_uint_gt(l.n, 0);
  ck_assert_uint_eq(l.items[0].start, at);
  xunits_free(&l);
  ck_assert_uint_gt(asked, 100);
  pair_close(&g, &u);
}
END_TEST

/* The canonical span of `want` (its first occurrence) in d: its start,
 * and its end into *end. */
static size_t span_of(const doc *d, const char *want, size_t *end) {
  const char *at = strstr(d->x.s, want);
  ck_assert_msg(at != NULL, "'%s' not in '%s'", want, d->x.s);
  *end = (size_t)(at - d->x.s) + strlen(want);
  return (size_t)(at - d->x.s);
}

/* units_find_named of [a, b) in g, and in h with the names' grammar tried
 * everywhere (names_scan_full): the same mentions; the tries each made
 * into *tg, *th. */
static void same_as_tried_everywhere(doc *g, doc *h, size_t a, size_t b,
                                     size_t *tg, size_t *th) {
  xunits p = {0}, q = {0};
  size_t g0 = units_name_tries(&g->x), h0 = units_name_tries(&h->x);
  units_find_named(&g->x, a, b, &p);
  names_scan_full = true;
  units_find_named(&h->x, a, b, &q);
  names_scan_full = false;
  ck_assert_msg(same_units(&p, &q),
                "[%zu, %zu): %zu mentions, %zu tried everywhere: '%.*s'", a, b,
                p.n, q.n, (int)(b - a), g->x.s + a);
  *tg = units_name_tries(&g->x) - g0;
  *th = units_name_tries(&h->x) - h0;
  xunits_free(&p);
  xunits_free(&q);
}

/* A name of the grammar found where a known mention stands overlaps it and
 * is dropped: past the last place outside the known mentions no try is
 * made ("Giao Sở Tài chính": none, where trying everywhere tries "Sở"),
 * and a name at that last place is found ("Hiệp hội Du lịch tỉnh" after
 * "Sở Tài chính và"); a try inside a known mention before a free place is
 * made (a name running past the mention hides the places it covers:
 * "Sở Tài chính Văn phòng Điều phối ..."). Every line, and each of its
 * words on, gives what trying everywhere gives. */
START_TEST(names_past_the_known_mentions_are_not_tried) {
  const char *text =
      "1. Giao Sở Tài chính;\n"
      "2. Phối hợp với Sở Tài chính và Hiệp hội Du lịch tỉnh;\n"
      "3. Sở Tài chính Văn phòng Điều phối Nông thôn mới tỉnh chủ trì;\n"
      "4. Các cơ quan báo chí trên địa bàn tỉnh, Sở Y tế, Sở Nội vụ;\n"
      "5. Hội Nông dân xã chủ trì, phối hợp với Ủy ban Mặt trận Tổ quốc xã;\n"
      "6. Ban Quản lý các khu công nghiệp tỉnh và Sở Công Thương.\n";
  doc g, h;
  doc_open(&g, text, strlen(text), "province");
  doc_open(&h, text, strlen(text), "province");
  size_t a, b, tg, th;
  a = span_of(&g, "Giao Sở Tài chính", &b);
  same_as_tried_everywhere(&g, &h, a, b, &tg, &th);
  ck_assert_uint_eq(tg, 0);
  ck_assert_uint_gt(th, 0);
  a = span_of(&g, "Phối hợp với Sở Tài chính và Hiệp hội Du lịch tỉnh", &b);
  xunits l = {0};
  units_find_named(&g.x, a, b, &l);
  size_t ws, we;
  ws = span_of(&g, "Hiệp hội Du lịch tỉnh", &we);
  bool found_name = false;
  for (size_t i = 0; i < l.n; i++)
    found_name = found_name || (!l.items[i].key && l.items[i].start == ws &&
                                l.items[i].end == we);
  ck_assert_msg(found_name, "no name at [%zu, %zu) of '%.*s'", ws, we,
                (int)(b - a), g.x.s + a);
  xunits_free(&l);
  size_t fewer = 0, lines = 0;
  for (size_t ls = 0; ls < g.x.n; lines++) {
    size_t le = line_end(&g.x, ls);
    for (size_t k = ls; k < le;) {
      same_as_tried_everywhere(&g, &h, k, le, &tg, &th);
      fewer += tg < th;
      k = next_word(&g.x, k, le);
    }
    ls = le + 1;
  }
  ck_assert_uint_eq(lines, 6);
  ck_assert_uint_gt(fewer, 3);
  ck_assert(!g.x.f->failed && !h.x.f->failed);
  doc_close(&g);
  doc_close(&h);
}
END_TEST

/* The same over the corpus: every line, each of its first words on, and
 * two lines together, as the grammar tried everywhere gives; fewer tries
 * in all. */
START_TEST(corpus_names_past_the_known_mentions_are_not_tried) {
  ck_assert_uint_lt((size_t)_i, ncorpus);
  size_t len;
  char *src = harness_read(corpus[_i], &len);
  ck_assert_ptr_nonnull(src);
  doc g, h;
  doc_open(&g, src, len, "province");
  doc_open(&h, src, len, "province");
  size_t tried = 0, everywhere = 0, prev = SIZE_MAX;
  for (size_t ls = 0; ls < g.x.n;) {
    size_t le = line_end(&g.x, ls), tg, th;
    size_t k = ls;
    for (size_t w = 0; w < WORDS_ASKED && k < le; w++) {
      same_as_tried_everywhere(&g, &h, k, le, &tg, &th);
      tried += tg;
      everywhere += th;
      k = next_word(&g.x, k, le);
    }
    if (prev != SIZE_MAX) {
      same_as_tried_everywhere(&g, &h, prev, le, &tg, &th);
      tried += tg;
      everywhere += th;
    }
    prev = ls;
    ls = le + 1;
  }
  ck_assert_uint_lt(tried, everywhere);
  ck_assert(!g.x.f->failed && !h.x.f->failed);
  doc_close(&g);
  doc_close(&h);
  free(src);
}
END_TEST

/* A gated rule's window around a word of its rarest clause starts after
 * the last character of its barrier before the word (window_start, which
 * reads 16 bytes a look): a mention right after a barrier ("(Sở Tư
 * pháp", ":Công an xã"), with the barrier 2 to 19 bytes after a list
 * item's start (each place in a look, and before the text's 16th byte)
 * and 0 to 30 bytes before the rarest word, in ranges from the line's start, the
 * barrier, the byte after it and the mention's start: gated and searched
 * alike. */
START_TEST(windows_start_after_the_last_barrier) {
  static const char *const units[] = {"Văn phòng HĐND và UBND xã",
                                      "Phòng Văn hóa - Xã hội", "Công an xã",
                                      "Sở Tư pháp"};
  static const char barriers[] = "(:;.!\"[";
  static const char *const fillers[] = {"", " "};
  size_t cap = 1 << 20, n = 0;
  char *text = malloc(cap);
  ck_assert_ptr_nonnull(text);
  for (size_t pad = 0; pad < 18; pad++)
    for (size_t b = 0; b < sizeof barriers - 1; b++)
      for (size_t u = 0; u < sizeof units / sizeof *units; u++)
        for (size_t f = 0; f < sizeof fillers / sizeof *fillers; f++) {
          ck_assert_uint_lt(n + 256, cap);
          n += (size_t)snprintf(text + n, cap - n, "- %.*s%c%s%s thực hiện;\n",
                                (int)pad, "ghi nhan ket qua xa", barriers[b],
                                fillers[f], units[u]);
        }
  doc g, v;
  pair_open(&g, &v, text, n, "province");
  size_t lines = 0, mentions = 0;
  for (size_t ls = 0; ls < g.x.n; lines++) {
    size_t le = line_end(&g.x, ls), bar = ls;
    while (bar < le && !strchr(barriers, g.x.s[bar])) bar++;
    ck_assert_uint_lt(bar, le);
    size_t m = bar + 1;
    while (m < le && g.x.s[m] == ' ') m++;
    size_t from[] = {ls, bar, bar + 1, m};
    for (size_t k = 0; k < sizeof from / sizeof *from; k++)
      same_in_range(&g, &v, from[k], le, "barrier");
    mentions += find_range(&g, ls, le) > 0;
    ls = le + 1;
  }
  ck_assert_uint_eq(lines, 18 * 7 * 4 * 2);
  ck_assert_uint_eq(mentions, lines); /* each line names its unit */
  pair_close(&g, &v);
  free(text);
}
END_TEST

static int by_uint32(const void *a, const void *b) {
  uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
  return (x > y) - (x < y);
}

/* The gate of input at the province's level, a word of one literal placed
 * by one look (by_list false) or by its list, into *d (open) and *r. */
static void gate_open(doc *d, const char *input, size_t len, bool by_list,
                      units_gate_runs *r) {
  doc_open(d, input, len, "province");
  units_gate_one_post_off = by_list;
  bool worded = units_gate_runs_of(&d->x, r);
  units_gate_one_post_off = false;
  ck_assert(worded);
  ck_assert(!d->x.f->failed);
}

/* The gate of input, a word of one literal placed by one look, holds and
 * posts the same runs as one placing each by its list; their number of
 * held runs. */
static size_t gate_alike(const char *input, size_t len, const char *what) {
  doc a, b;
  units_gate_runs ra, rb;
  gate_open(&a, input, len, false, &ra);
  gate_open(&b, input, len, true, &rb);
  ck_assert_msg(ra.nheld == rb.nheld, "%s: %zu held runs, %zu by lists",
                what, ra.nheld, rb.nheld);
  ck_assert_msg(!ra.nheld || !memcmp(ra.held, rb.held,
                                     ra.nheld * sizeof *ra.held),
                "%s: other runs held", what);
  ck_assert_uint_eq(ra.nlits, rb.nlits);
  ck_assert(!memcmp(ra.post_first, rb.post_first,
                    (ra.nlits + 1) * sizeof *ra.post_first));
  size_t nposts = ra.post_first[ra.nlits];
  ck_assert_msg(!nposts || !memcmp(ra.post_run, rb.post_run,
                                   nposts * sizeof *ra.post_run),
                "%s: other runs posted", what);
  /* each held run stands in order, and each posted one is held */
  for (size_t h = 1; h < ra.nheld; h++)
    ck_assert_uint_lt(ra.held[h - 1], ra.held[h]);
  for (size_t p = 0; p < nposts; p++)
    ck_assert_ptr_nonnull(bsearch(&ra.post_run[p], ra.held, ra.nheld,
                                  sizeof *ra.held, by_uint32));
  size_t n = ra.nheld;
  doc_close(&a);
  doc_close(&b);
  return n;
}

/* The gate places a run whose word holds one literal of the clauses it
 * goes by at one look (postings_build, one1): lines of 0 to 40 words,
 * "UBND" and "xã" (which hold literals of the unit rules) and "qqq"
 * (none) in 12 mixes, with a word too long to read in various places (a
 * run without word, always held), hold and post the runs the lists of
 * the words' literals place, as many held as the line's words that hold;
 * and so does every corpus plan, also in capitals. */
START_TEST(gate_runs_placed_alike_either_way) {
  static const char *const words[] = {"UBND", "xã", "qqq"};
  char longword[RULE_LONGEST_WORD + 8];
  memset(longword, 'q', sizeof longword - 1);
  longword[sizeof longword - 1] = '\0';
  size_t cap = 64 * (sizeof longword + 8);
  char *text = malloc(cap);
  ck_assert_ptr_nonnull(text);
  for (size_t n = 0; n <= 40; n++)
    for (size_t seed = 0; seed < 12; seed++) {
      size_t len = 0, holding = 0;
      for (size_t i = 0; i < n; i++) {
        /* (seeds 0-2 one word alone, the others a mix varying by seed) */
        size_t pick = seed < 3 ? seed : (i * 7 + seed * (i + 3)) % 3;
        bool too_long = seed >= 9 && i == (seed * 5) % (n ? n : 1);
        const char *w = too_long ? longword : words[pick];
        holding += too_long || pick < 2;
        len += (size_t)snprintf(text + len, cap - len, "%s%s",
                                i ? " " : "", w);
      }
      len += (size_t)snprintf(text + len, cap - len, "\n");
      char what[64];
      snprintf(what, sizeof what, "%zu words, seed %zu", n, seed);
      ck_assert_uint_eq(gate_alike(text, len, what), holding);
    }
  free(text);
  for (size_t i = 0; i < nall_plans; i++) {
    size_t len, ulen;
    char *src = harness_read(all_plans[i], &len);
    ck_assert_ptr_nonnull(src);
    ck_assert_uint_gt(gate_alike(src, len, all_plans[i]), 0);
    char *up = upper_copy(src, len, &ulen);
    gate_alike(up, ulen, all_plans[i]);
    free(up);
    free(src);
  }
}
END_TEST

/* Does one of r's first words stand at s[i] in a text cut at `cut`: its
 * bytes compared whole (what units.c tells by its first two bytes and a
 * compare of the rest)? */
static bool first_word_by_memcmp(const rule *r, const char *s, size_t i,
                                 size_t cut) {
  const rule_first_words *fw = r->first_words;
  for (size_t k = 0; k < fw->n; k++)
    if (fw->w[k].len <= cut - i && !memcmp(s + i, fw->w[k].text, fw->w[k].len))
      return true;
  return false;
}

/* Where a rule's matches start with its first words (the names' grammar,
 * the rules without facts), units.c tells whether one stands at a place
 * by its first two bytes and a compare of the rest: at every byte of each
 * corpus plan, of its copy in capitals, and of words that share all but
 * one byte with a first word (each byte changed in turn) or stop one byte
 * short of it, cut anywhere, it tells what a compare of the whole word
 * tells. */
START_TEST(first_words_told_as_compared_whole) {
  const char *const paths[] = {"unit.", "unitname.", "unitcell."};
  size_t nrules = 0, told_n = 0;
  for (size_t p = 0; p < sizeof paths / sizeof *paths; p++) {
    rule_list rs = rules_select(rules, paths[p], NULL);
    for (size_t j = 0; j < rs.n; j++) {
      const rule *r = rs.items[j];
      if (!r->first_words) continue;
      nrules++;
      const rule_first_words *fw = r->first_words;
      for (size_t k = 0; k < fw->n; k++) {
        char w[RULE_FIRST_WORD + 1];
        size_t len = fw->w[k].len;
        for (size_t b = 0; b <= len; b++) { /* b == len: the word itself */
          memcpy(w, fw->w[k].text, len);
          if (b < len) w[b] = (char)(w[b] ^ 0x01);
          for (size_t cut = 1; cut <= len; cut++) {
            bool told = units_first_word_at(r, w, 0, cut);
            ck_assert_msg(told == first_word_by_memcmp(r, w, 0, cut),
                          "%s: '%.*s' cut at %zu", r->id, (int)len, w, cut);
            told_n += told;
          }
        }
      }
      for (size_t i = 0; i < ncorpus; i++) {
        size_t len, ulen;
        char *src = harness_read(corpus[i], &len);
        ck_assert_ptr_nonnull(src);
        char *up = upper_copy(src, len, &ulen);
        for (size_t at = 0; at < len; at++)
          ck_assert(units_first_word_at(r, src, at, len) ==
                    first_word_by_memcmp(r, src, at, len));
        for (size_t at = 0; at < ulen; at++)
          ck_assert(units_first_word_at(r, up, at, ulen) ==
                    first_word_by_memcmp(r, up, at, ulen));
        free(up);
        free(src);
      }
    }
  }
  ck_assert_uint_gt(nrules, 0);
  ck_assert_uint_gt(told_n, 0);
}
END_TEST

/* Overlapping mentions are settled longest first, then in text order
 * (a few sorted and kept apart in place, a long list by qsort and marked
 * bytes): a line of 1 to 12 offices, each "Văn phòng HĐND và UBND xã"
 * holding "UBND xã" (2 to 24 candidates), and, for units_find_named, as
 * many unknown names between them, gives each office once, in order. */
START_TEST(overlaps_settle_alike_in_short_and_long_lists) {
  static const char office[] = "Văn phòng HĐND và UBND xã";
  for (size_t k = 1; k <= 12; k++) {
    char line[2048];
    size_t n = 0;
    for (size_t i = 0; i < k; i++)
      n += (size_t)snprintf(line + n, sizeof line - n, "%s%s",
                            i ? ", Trung tâm Khuyến nông Miền Núi, " : "",
                            office);
    snprintf(line + n, sizeof line - n, " chủ trì\n");
    doc d;
    size_t found_n = find_in(&d, line, "commune");
    ck_assert_uint_eq(found_n, k);
    size_t at = 0;
    for (size_t i = 0; i < k; i++) {
      const char *p = strstr(d.x.s + at, office);
      ck_assert_ptr_nonnull(p);
      ck_assert_str_eq(found[i].key, "vp_hdnd_ubnd");
      ck_assert_uint_eq(found[i].start, (size_t)(p - d.x.s));
      ck_assert_uint_eq(found[i].end, found[i].start + strlen(office));
      at = found[i].end;
    }
    xunits listed = {0};
    units_find_named(&d.x, 0, d.x.n, &listed);
    ck_assert_uint_eq(listed.n, 2 * k - 1);
    for (size_t i = 0; i < listed.n; i++) {
      ck_assert(i % 2 ? listed.items[i].key == NULL
                      : listed.items[i].key &&
                            !strcmp(listed.items[i].key, "vp_hdnd_ubnd"));
      if (i) ck_assert_uint_le(listed.items[i - 1].end, listed.items[i].start);
    }
    xunits_free(&listed);
    doc_close(&d);
  }
}
END_TEST

/* A range's candidates start in a room of a few (a clause names two or
 * three units) and the room grows as more are met: a line naming thirty
 * units gives all thirty, in order, as the ungated search does. */
START_TEST(mention_lists_grow_past_their_first_room) {
  char in[2048] = "";
  for (int i = 0; i < 10; i++)
    strcat(in, "Công an xã, Ban chỉ huy Quân sự xã, Trạm Y tế xã, ");
  strcat(in, "\n");
  static const char *const keys[] = {"cong_an", "quan_su", "tram_y_te"};
  doc g, u;
  pair_open(&g, &u, in, strlen(in), "commune");
  ck_assert_uint_eq(find_all(&g), 30);
  for (size_t i = 0; i < 30; i++) ck_assert_str_eq(found[i].key, keys[i % 3]);
  xunit want[30];
  memcpy(want, found, sizeof want);
  ck_assert_uint_eq(find_all(&u), 30);
  for (size_t i = 0; i < 30; i++) {
    ck_assert_uint_eq(found[i].start, want[i].start);
    ck_assert_uint_eq(found[i].end, want[i].end);
  }
  pair_close(&g, &u);
}
END_TEST

/* Short titles joined by "và" stand by their neighbours: each is let in
 * once the one after it is, found through the list's candidates by start
 * and by end (met rule by rule, so out of text order; a short list sorted
 * in place, a long one by qsort).  Every title of a chain of five and of
 * twenty, "Tư pháp" and "Một cửa" in turn, is let in. */
START_TEST(chained_titles_stand_in_short_and_long_lists) {
  static const size_t lengths[] = {5, 20};
  static const char *const titles[] = {"Tư pháp", "Một cửa"};
  static const char *const keys[] = {"tu_phap", "bp_mot_cua"};
  for (size_t k = 0; k < 2; k++) {
    char in[1024] = "- ";
    for (size_t i = 0; i < lengths[k]; i++) {
      if (i) strcat(in, " và ");
      strcat(in, titles[i % 2]);
    }
    strcat(in, "\n");
    doc g, u;
    pair_open(&g, &u, in, strlen(in), "commune");
    ck_assert_uint_eq(find_all(&g), lengths[k]);
    for (size_t i = 0; i < lengths[k]; i++)
      ck_assert_str_eq(found[i].key, keys[i % 2]);
    ck_assert_uint_eq(find_all(&u), lengths[k]);
    pair_close(&g, &u);
  }
}
END_TEST

int main(void) {
  collect_forms();
  ncorpus = harness_corpus(&corpus);
  nall_plans = harness_corpus_all(&all_plans);
  Suite *s = suite_create("units");
  TCase *tc = tcase_create("spellings");
  tcase_add_unchecked_fixture(tc, load_rules, free_rules);
  tcase_add_loop_test(tc, spelling_resolves_with_exact_offsets, 0,
                      (int)(sizeof spellings / sizeof *spellings));
  tcase_add_loop_test(tc, taxonomy_form_resolves, 0, (int)nform_cases);
  tcase_add_test(tc, longest_match_wins);
  tcase_add_test(tc, overlaps_settle_alike_in_short_and_long_lists);
  tcase_add_test(tc, comma_list_gives_each_unit);
  tcase_add_loop_test(tc, short_title_in_running_text_is_no_unit, 0,
                      (int)(sizeof not_units / sizeof *not_units));
  tcase_add_test(tc, short_title_as_cell_is_a_unit);
  tcase_add_test(tc, short_title_takes_the_unit_the_plan_names);
  tcase_add_test(tc, level_decides_collectives);
  tcase_add_test(tc, unit_rules_are_chosen_once_per_level);
  tcase_add_test(tc, unknown_unit_keeps_its_text);
  tcase_add_loop_test(tc, unit_names_by_grammar, 0,
                      (int)(sizeof named / sizeof *named));
  tcase_add_test(tc, lists_grow_and_ranges_clip);
  tcase_add_test(tc, ranges_see_what_a_search_sees);
  tcase_add_test(tc, word_edges_anywhere_in_a_block);
  tcase_add_test(tc, long_text_ranges_see_what_a_search_sees);
  tcase_add_test(tc, rules_run_around_their_rarest_words);
  tcase_add_test(tc, repeated_cells_are_answered_by_text);
  tcase_add_test(tc, range_answers_share_slots_and_stay_right);
  tcase_add_test(tc, unit_rules_name_taxonomy_keys);
  tcase_add_test(tc, taxonomy_spellings_are_found);
  tcase_add_test(tc, added_spelling_is_found);
  tcase_add_test(tc, short_title_takes_a_unit_named_by_spelling);
  tcase_add_test(tc, words_found_through_distinct_words_are_those_of_the_text);
  suite_add_tcase(s, tc);
  TCase *tcr = tcase_create("rewritten");
  tcase_set_timeout(tcr, 120);
  tcase_add_unchecked_fixture(tcr, load_rules, free_rules);
  tcase_add_test(tcr, rewritten_patterns_match_as_before);
  suite_add_tcase(s, tcr);
  TCase *tcorp = tcase_create("corpus");
  tcase_set_timeout(tcorp, 60);
  tcase_add_unchecked_fixture(tcorp, load_rules, free_rules);
  tcase_add_loop_test(tcorp, corpus_finds_every_gold_unit, 0,
                      (int)(ncorpus ? ncorpus : 1));
  tcase_add_loop_test(tcorp, corpus_lists_open_where_a_rule_matches, 0,
                      (int)(ncorpus ? ncorpus : 1));
  suite_add_tcase(s, tcorp);
  TCase *tgate = tcase_create("gate");
  tcase_set_timeout(tgate, 300);
  tcase_add_unchecked_fixture(tgate, load_rules, free_rules);
  tcase_add_test(tgate, ungated_search_finds_units);
  tcase_add_loop_test(tgate, corpus_mentions_after_an_opening_are_those_searched,
                      0, (int)(ncorpus ? ncorpus : 1));
  tcase_add_test(tgate, names_tries_are_kept_by_place_and_cut);
  tcase_add_test(tgate, mention_starts_are_told_without_a_search);
  tcase_add_test(tgate, lists_open_only_where_a_mention_may_start);
  tcase_add_test(tgate, kept_literals_in_words_are_those_of_the_rules);
  tcase_add_test(tgate, kept_mention_starts_serve_every_document);
  tcase_add_test(tgate, cells_after_other_cells_are_answered_by_text);
  tcase_add_test(tgate, cells_read_by_the_names_grammar_are_found_anew);
  tcase_add_test(tgate, corpus_cells_answered_by_text_are_searched_alike);
  tcase_add_loop_test(tgate, clause_sets_read_alike_in_registers, 0,
                      (int)ncorpus);
  tcase_add_loop_test(tgate, range_asked_again_gives_what_a_search_finds, 0,
                      (int)(ncorpus ? ncorpus : 1));
  tcase_add_loop_test(tgate, suffix_ranges_give_what_a_search_finds, 0,
                      (int)(ncorpus ? ncorpus : 1));
  tcase_add_test(tgate, suffix_ranges_cut_by_a_match_are_searched_anew);
  tcase_add_loop_test(tgate, corpus_gate_finds_what_a_search_finds, 0,
                      (int)(nall_plans ? nall_plans : 1));
  tcase_add_test(tgate, names_past_the_known_mentions_are_not_tried);
  tcase_add_test(tgate, windows_start_after_the_last_barrier);
  tcase_add_test(tgate, gate_runs_placed_alike_either_way);
  tcase_add_test(tgate, first_words_told_as_compared_whole);
  tcase_add_test(tgate, mention_lists_grow_past_their_first_room);
  tcase_add_test(tgate, chained_titles_stand_in_short_and_long_lists);
  tcase_add_loop_test(tgate, corpus_names_past_the_known_mentions_are_not_tried,
                      0, (int)(ncorpus ? ncorpus : 1));
  suite_add_tcase(s, tgate);
  int rc = harness_run(s);
  harness_free_list(corpus, ncorpus);
  harness_free_list(all_plans, nall_plans);
  free(form_cases);
  return rc;
}
