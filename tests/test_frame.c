/* test_frame.c: the frame's read API (cchc_frame_* accessors) and
 * cchc_frame_from_json.
 *
 * - accessors: known values of the test province plan, enums and their
 *   strings, indices between items, CCHC_NONE;
 * - round trip on every real plan: extract -> JSON -> cchc_frame_from_json
 *   gives a frame whose every accessor returns what the extracted frame's
 *   returns, and which renders to the same bytes;
 * - bad JSON: syntax errors with line and offset, members of the wrong
 *   type named, values the schema does not list, dangling ids. */
#define _GNU_SOURCE
#include "harness.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../extract/extract.h"
#include "../extract/frame.h"

/* Extract the plan at `path` with its path in the source record. */
static cchc_frame *extract_path(const char *path) {
  size_t len;
  char *data = harness_read(path, &len);
  ck_assert_msg(data != NULL, "cannot read %s", path);
  cchc_process_options opt = {.path = path};
  cchc_frame *f = NULL;
  cchc_error err = {0};
  ck_assert_msg(cchc_process(harness_rules(), data, len, &opt, &f, &err) ==
                    CCHC_OK,
                "%s: %s", path, err.message);
  free(data);
  return f;
}

static char *render(const cchc_frame *f, cchc_format format, size_t *len) {
  char *out = NULL;
  cchc_error err = {0};
  ck_assert_msg(cchc_render(f, format, 0, &out, len, &err) == CCHC_OK, "%s",
                err.message);
  return out;
}

static cchc_frame *from_json(const char *json) {
  cchc_frame *f = NULL;
  cchc_error err = {0};
  cchc_status st = cchc_frame_from_json(json, strlen(json), &f, &err);
  ck_assert_msg(st == CCHC_OK, "cchc_frame_from_json: %s", err.message);
  return f;
}

/* ------------------------------------------------------------------ */
/* Accessors                                                           */

static char province_path[4200];

static const char *province(void) {
  snprintf(province_path, sizeof province_path,
           "%s/tests/data/dong_nai_228_KH-UBND_2026.txt", harness_root());
  return province_path;
}

START_TEST(document_and_source) {
  cchc_frame *f = extract_path(province());
  ck_assert_str_eq(cchc_frame_path(f), province_path);
  ck_assert_str_eq(cchc_frame_encoding(f), "utf-8");
  ck_assert_uint_eq(strlen(cchc_frame_sha256(f)), 64);
  size_t len;
  char *data = harness_read(province_path, &len);
  ck_assert_uint_eq(cchc_frame_bytes(f), len);
  char sha[65];
  ck_assert_int_eq(cchc_sha256_hex(data, len, sha, NULL), CCHC_OK);
  ck_assert_str_eq(cchc_frame_sha256(f), sha);

  ck_assert_str_eq(cchc_frame_document(f, CCHC_DOC_LEVEL), "province");
  ck_assert_str_eq(cchc_frame_document(f, CCHC_DOC_NUMBER), "228/KH-UBND");
  ck_assert_str_eq(cchc_frame_document(f, CCHC_DOC_DATE), "2026-01-25");
  ck_assert_str_eq(cchc_frame_document(f, CCHC_DOC_YEAR), "2026");
  /* the province's reform programme it carries out (Căn cứ ... phê duyệt
   * Chương trình cải cách hành chính của tỉnh) */
  ck_assert_str_eq(cchc_frame_document(f, CCHC_DOC_PARENT_NUMBER),
                   "3183/QĐ-UBND");
  ck_assert_ptr_null(cchc_frame_document(f, CCHC_DOC_FIELD_COUNT));
  /* The number's span holds the number; its rule is named. */
  cchc_span sp = cchc_frame_document_span(f, CCHC_DOC_NUMBER);
  ck_assert_uint_lt(sp.start, sp.end);
  ck_assert_ptr_nonnull(memmem(data + sp.start, sp.end - sp.start, "228", 3));
  ck_assert_ptr_nonnull(cchc_frame_document_rule(f, CCHC_DOC_NUMBER));
  ck_assert_str_eq(cchc_doc_field_name(CCHC_DOC_PARENT_NUMBER),
                   "parent_number");
  ck_assert_ptr_null(cchc_doc_field_name(CCHC_DOC_FIELD_COUNT));
  free(data);
  cchc_frame_free(f);
}
END_TEST

START_TEST(targets_tasks_and_indices) {
  cchc_frame *f = extract_path(province());
  size_t n = cchc_frame_targets(f);
  ck_assert_uint_ge(n, 8);
  ck_assert_ptr_null(cchc_frame_target_at(f, n));
  ck_assert_ptr_null(cchc_frame_target_at(f, CCHC_NONE));
  bool saw = false;
  for (size_t i = 0; i < n; i++) {
    const cchc_frame_target *t = cchc_frame_target_at(f, i);
    ck_assert_ptr_nonnull(cchc_frame_target_id(t));
    ck_assert_int_ne(cchc_frame_target_comparator(t), CCHC_CMP_NONE);
    ck_assert_int_ne(cchc_frame_target_unit(t), CCHC_UNIT_NONE);
    size_t s = cchc_frame_target_section(t);
    ck_assert(s == CCHC_NONE || s < cchc_frame_sections(f));
    const char *ind = cchc_frame_target_indicator(t);
    if (ind && strcmp(ind, "tthc.dung_han") == 0) {
      saw = true;
      ck_assert_int_eq(cchc_frame_target_comparator(t), CCHC_CMP_GE);
      ck_assert(cchc_frame_target_value(t) == 99);
      ck_assert(isnan(cchc_frame_target_value_max(t)));
      ck_assert_int_eq(cchc_frame_target_unit(t), CCHC_UNIT_PERCENT);
      cchc_target p = cchc_frame_target_plain(t);
      char buf[32];
      cchc_target_format(&p, buf, sizeof buf);
      ck_assert_str_eq(buf, "≥ 99%");
      ck_assert_ptr_nonnull(strstr(cchc_frame_target_text(t), "99%"));
    }
  }
  ck_assert(saw);

  /* A task with a deadline: the index resolves to a deadline whose kind
   * has a name. */
  size_t dated = 0;
  for (size_t i = 0; i < cchc_frame_tasks(f); i++) {
    const cchc_frame_task *t = cchc_frame_task_at(f, i);
    const cchc_frame_deadline *d =
        cchc_frame_deadline_at(f, cchc_frame_task_deadline(t));
    ck_assert((d == NULL) == (cchc_frame_task_deadline(t) == CCHC_NONE));
    if (d) {
      dated++;
      ck_assert_ptr_nonnull(
          cchc_deadline_kind_name(cchc_frame_deadline_kind(d)));
    }
    for (size_t k = 0; k < cchc_frame_task_leads(t); k++)
      ck_assert_ptr_nonnull(cchc_frame_task_lead_at(t, k));
    ck_assert_ptr_null(cchc_frame_task_lead_at(t, cchc_frame_task_leads(t)));
  }
  ck_assert_uint_ge(dated, 1);
  ck_assert_ptr_null(cchc_frame_deadline_at(f, CCHC_NONE));
  ck_assert_ptr_null(cchc_frame_section_at(f, CCHC_NONE));
  cchc_frame_free(f);
}
END_TEST

START_TEST(enum_names) {
  static const char *const cmps[] = {">=", ">", "<=", "=", "range"};
  for (int i = 0; i < 5; i++) {
    cchc_comparator c;
    ck_assert(cchc_comparator_parse(cmps[i], &c));
    ck_assert_int_eq(c, i);
    ck_assert_str_eq(cchc_comparator_name(c), cmps[i]);
  }
  ck_assert_ptr_null(cchc_comparator_name(CCHC_CMP_NONE));
  cchc_comparator c = CCHC_CMP_GT;
  ck_assert(!cchc_comparator_parse("=>", &c));
  ck_assert(!cchc_comparator_parse(NULL, &c));
  ck_assert_int_eq(c, CCHC_CMP_GT); /* untouched */
  cchc_unit u;
  ck_assert(cchc_unit_parse("count", &u) && u == CCHC_UNIT_COUNT);
  ck_assert_str_eq(cchc_unit_name(CCHC_UNIT_PERCENT), "%");
  ck_assert(!cchc_unit_parse("percent", &u));
  static const char *const kinds[] = {"date",      "month",     "quarter",
                                      "half",      "year",      "range",
                                      "recurring", "continuous", "conditional"};
  for (int i = 0; i < 9; i++) {
    cchc_deadline_kind k;
    ck_assert(cchc_deadline_kind_parse(kinds[i], &k));
    ck_assert_int_eq(k, i);
    ck_assert_str_eq(cchc_deadline_kind_name(k), kinds[i]);
  }
  ck_assert_ptr_null(cchc_deadline_kind_name(CCHC_DEADLINE_NONE));
}
END_TEST

/* ------------------------------------------------------------------ */
/* Round trip                                                          */

static void str_same(const char *a, const char *b, const char *what,
                     size_t i) {
  ck_assert_msg((a == NULL) == (b == NULL) && (!a || strcmp(a, b) == 0),
                "%s %zu: [%s] != [%s]", what, i, a ? a : "(null)",
                b ? b : "(null)");
}

static void span_same(cchc_span a, cchc_span b, const char *what, size_t i) {
  ck_assert_msg(a.start == b.start && a.end == b.end,
                "%s %zu: span %zu-%zu != %zu-%zu", what, i, a.start, a.end,
                b.start, b.end);
}

/* Field `f` of items x and y (of kind `k`: cchc_frame_k_f) is the same:
 * a string, a span, or a number or enum. */
#define SAME_STR(k, f)                                                       \
  str_same(cchc_frame_##k##_##f(x), cchc_frame_##k##_##f(y), #k " " #f, i)
#define SAME_SPAN(k)                                                         \
  span_same(cchc_frame_##k##_span(x), cchc_frame_##k##_span(y), #k, i)
#define SAME_NUM(k, f)                                                       \
  ck_assert_msg(cchc_frame_##k##_##f(x) == cchc_frame_##k##_##f(y),          \
                #k " %zu: " #f " differs", i)
/* Both frames have as many items of array `arr`; x and y walk them. */
#define EACH_PAIR(k, arr)                                                    \
  ck_assert_uint_eq(cchc_frame_##arr(a), cchc_frame_##arr(b));              \
  for (size_t i = 0; i < cchc_frame_##arr(a); i++)                           \
    for (const cchc_frame_##k *x = cchc_frame_##k##_at(a, i),                \
                              *y = cchc_frame_##k##_at(b, i);                \
         x; x = NULL)

static void unit_same(const cchc_frame_unit *x, const cchc_frame_unit *y,
                      size_t i) {
  SAME_STR(unit, key);
  SAME_STR(unit, name);
  SAME_STR(unit, text);
  SAME_SPAN(unit);
}

/* Every accessor of `a` and `b` returns the same. */
static void frames_same(const cchc_frame *a, const cchc_frame *b) {
  str_same(cchc_frame_path(a), cchc_frame_path(b), "path", 0);
  str_same(cchc_frame_sha256(a), cchc_frame_sha256(b), "sha256", 0);
  str_same(cchc_frame_encoding(a), cchc_frame_encoding(b), "encoding", 0);
  ck_assert_uint_eq(cchc_frame_bytes(a), cchc_frame_bytes(b));
  ck_assert_uint_eq(cchc_frame_repairs(a), cchc_frame_repairs(b));
  for (size_t k = 0; k < CCHC_DOC_FIELD_COUNT; k++) {
    cchc_doc_field fd = (cchc_doc_field)k;
    const char *va = cchc_frame_document(a, fd);
    str_same(va, cchc_frame_document(b, fd), "document", k);
    /* provenance is kept for known fields only */
    if (va) {
      span_same(cchc_frame_document_span(a, fd),
                cchc_frame_document_span(b, fd), "document", k);
      str_same(cchc_frame_document_rule(a, fd),
               cchc_frame_document_rule(b, fd), "document rule", k);
    }
  }
  EACH_PAIR(reference, references) {
    SAME_STR(reference, number);
    SAME_STR(reference, kind);
    SAME_STR(reference, date);
    SAME_STR(reference, issuer);
    SAME_STR(reference, rule);
    SAME_SPAN(reference);
    SAME_NUM(reference, mentions);
    for (size_t m = 0; m < cchc_frame_reference_mentions(x); m++)
      span_same(cchc_frame_reference_mention_at(x, m),
                cchc_frame_reference_mention_at(y, m), "mention", m);
  }
  EACH_PAIR(section, sections) {
    SAME_STR(section, id);
    SAME_STR(section, number);
    SAME_STR(section, heading);
    SAME_STR(section, area);
    SAME_STR(section, rule);
    SAME_NUM(section, level);
    SAME_NUM(section, parent);
    SAME_SPAN(section);
  }
  EACH_PAIR(target, targets) {
    SAME_STR(target, id);
    SAME_STR(target, area);
    SAME_STR(target, indicator);
    SAME_STR(target, subject);
    SAME_STR(target, text);
    SAME_STR(target, rule);
    SAME_NUM(target, section);
    SAME_NUM(target, comparator);
    SAME_NUM(target, unit);
    SAME_NUM(target, value);
    double mx = cchc_frame_target_value_max(x),
           my = cchc_frame_target_value_max(y);
    ck_assert((isnan(mx) && isnan(my)) || mx == my);
    SAME_SPAN(target);
  }
  EACH_PAIR(deadline, deadlines) {
    SAME_STR(deadline, id);
    SAME_STR(deadline, text);
    SAME_STR(deadline, start);
    SAME_STR(deadline, end);
    SAME_STR(deadline, recurrence);
    SAME_STR(deadline, rule);
    SAME_NUM(deadline, kind);
    SAME_NUM(deadline, year_inferred);
    SAME_SPAN(deadline);
  }
  EACH_PAIR(task, tasks) {
    SAME_STR(task, id);
    SAME_STR(task, area);
    SAME_STR(task, text);
    SAME_STR(task, lead_from);
    SAME_STR(task, products);
    SAME_STR(task, budget);
    SAME_STR(task, rule);
    SAME_NUM(task, section);
    SAME_NUM(task, deadline);
    SAME_NUM(task, target);
    SAME_SPAN(task);
    SAME_NUM(task, leads);
    for (size_t k = 0; k < cchc_frame_task_leads(x); k++)
      unit_same(cchc_frame_task_lead_at(x, k), cchc_frame_task_lead_at(y, k),
                k);
    SAME_NUM(task, coordinators);
    for (size_t k = 0; k < cchc_frame_task_coordinators(x); k++)
      unit_same(cchc_frame_task_coordinator_at(x, k),
                cchc_frame_task_coordinator_at(y, k), k);
  }
  EACH_PAIR(lead, leads) {
    SAME_STR(lead, area);
    SAME_STR(lead, text);
    SAME_STR(lead, rule);
    SAME_SPAN(lead);
    unit_same(cchc_frame_lead_unit(x), cchc_frame_lead_unit(y), i);
  }
  EACH_PAIR(inconsistency, inconsistencies) {
    SAME_STR(inconsistency, indicator);
    SAME_NUM(inconsistency, first);
    SAME_NUM(inconsistency, second);
  }
}

/* Extract, write as JSON and JSONL, read back: the same frame. */
static void round_trip(const char *path) {
  cchc_frame *f = extract_path(path);
  size_t n, m;
  char *json = render(f, CCHC_FORMAT_JSON, &n);
  cchc_frame *g = from_json(json);
  frames_same(f, g);
  char *again = render(g, CCHC_FORMAT_JSON, &m);
  ck_assert_msg(n == m && memcmp(json, again, n) == 0,
                "%s: the frame read back renders differently", path);
  free(again);
  cchc_frame_free(g);
  char *line = render(f, CCHC_FORMAT_JSONL, &n);
  g = from_json(line);
  frames_same(f, g);
  cchc_frame_free(g);
  free(line);
  free(json);
  cchc_frame_free(f);
}

START_TEST(round_trip_corpus) {
  char **paths;
  size_t n = harness_corpus(&paths);
  ck_assert_uint_ge(n, 4);
  for (size_t i = 0; i < n; i++)
    round_trip(paths[i]);
  harness_free_list(paths, n);
  round_trip(province());
  char path[4200];
  snprintf(path, sizeof path, "%s/samples/binh_minh_2025_2030.txt",
           harness_root());
  round_trip(path);
}
END_TEST

START_TEST(frames_left_short) {
  /* Members left out read as null, empty or none; year as a string. */
  cchc_frame *f = from_json(
      "{\"schema\": \"cchc/1\", \"document\": {\"place\": \"Xã A\","
      " \"year\": \"2026\", \"parent\": null},"
      " \"deadlines\": [{\"id\": \"d1\", \"end\": \"2026-03-05\"}],"
      " \"tasks\": [{\"id\": \"k1\", \"text\": \"Báo cáo\","
      " \"deadline\": \"d1\"}, {\"id\": \"k2\", \"deadline\": \"d9\"}],"
      " \"targets\": [{\"id\": \"t1\", \"value\": 98, \"section\": \"s1\"}]}");
  ck_assert_str_eq(cchc_frame_document(f, CCHC_DOC_PLACE), "Xã A");
  ck_assert_str_eq(cchc_frame_document(f, CCHC_DOC_YEAR), "2026");
  ck_assert_ptr_null(cchc_frame_document(f, CCHC_DOC_PARENT_NUMBER));
  ck_assert_ptr_null(cchc_frame_path(f));
  ck_assert_ptr_null(cchc_frame_sha256(f));
  ck_assert_uint_eq(cchc_frame_references(f), 0);
  ck_assert_int_eq(cchc_frame_deadline_kind(cchc_frame_deadline_at(f, 0)),
                   CCHC_DEADLINE_NONE);
  ck_assert_uint_eq(cchc_frame_task_deadline(cchc_frame_task_at(f, 0)), 0);
  /* an id that names nothing reads as none */
  ck_assert_uint_eq(cchc_frame_task_deadline(cchc_frame_task_at(f, 1)),
                    CCHC_NONE);
  const cchc_frame_target *t = cchc_frame_target_at(f, 0);
  ck_assert_uint_eq(cchc_frame_target_section(t), CCHC_NONE);
  ck_assert_int_eq(cchc_frame_target_comparator(t), CCHC_CMP_NONE);
  ck_assert_int_eq(cchc_frame_target_unit(t), CCHC_UNIT_NONE);
  ck_assert(cchc_frame_target_value(t) == 98);
  ck_assert(cchc_frame_carries_out(f, "x") == false);
  cchc_frame_free(f);

  f = from_json("{\"schema\": \"cchc/1\", \"document\":"
                " {\"parent\": {\"number\": \"228/KH-UBND\"}}}");
  ck_assert(cchc_frame_carries_out(f, " 228/kh-ubnd"));
  ck_assert(!cchc_frame_carries_out(f, "07-CTr/ĐU"));
  ck_assert(!cchc_frame_carries_out(f, NULL));
  cchc_frame_free(f);
}
END_TEST

/* frame_printf formats a short string (ids, dates) once on the stack and
 * a longer one in place: both are whole, each its own copy. */
START_TEST(frame_printf_short_and_long) {
  cchc_frame *f = frame_new();
  ck_assert_ptr_nonnull(f);
  ck_assert_str_eq(frame_printf(f, "t%zu", (size_t)12345), "t12345");
  ck_assert_str_eq(frame_printf(f, "%04d-%02d-%02d", 2026, 1, 30),
                   "2026-01-30");
  char word[200];
  memset(word, 'x', sizeof word - 1);
  word[sizeof word - 1] = '\0';
  for (size_t n = 60; n < 70; n++) { /* around the stack buffer's size */
    const char *s = frame_printf(f, "%.*s|%s", (int)n, word, "end");
    ck_assert_uint_eq(strlen(s), n + 4);
    ck_assert_int_eq(memcmp(s, word, n), 0);
    ck_assert_str_eq(s + n, "|end");
  }
  const char *a = frame_printf(f, "k%d", 1), *b = frame_printf(f, "k%d", 1);
  ck_assert_ptr_ne(a, b);
  ck_assert_str_eq(a, b);
  cchc_frame_free(f);
}
END_TEST

/* frame_intern hashes a long string by its ends and length only: long
 * strings alike at both ends and of one length but different in the
 * middle (as the texts of tasks of one template are) stay apart, each its
 * own; an equal one met again, long or short, is the one kept, over
 * hundreds of them (the table grows). */
START_TEST(frame_intern_alike_ends) {
  cchc_frame *f = frame_new();
  ck_assert_ptr_nonnull(f);
  enum { N = 600 };
  const char *kept[N];
  for (int i = 0; i < N; i++) {
    kept[i] = frame_intern(
        f, frame_printf(f, "%s %04d %s", "Triển khai thực hiện nhiệm vụ", i,
                        "theo kế hoạch cải cách hành chính của tỉnh"));
    ck_assert_ptr_nonnull(kept[i]);
  }
  for (int i = 0; i < N; i++) {
    char want[200];
    snprintf(want, sizeof want, "%s %04d %s", "Triển khai thực hiện nhiệm vụ",
             i, "theo kế hoạch cải cách hành chính của tỉnh");
    ck_assert_str_eq(kept[i], want);
    for (int j = 0; j < i; j++)
      ck_assert_ptr_ne(kept[i], kept[j]);
    const char *again = frame_intern(f, frame_strdup(f, want));
    ck_assert_ptr_eq(again, kept[i]);
  }
  const char *s1 = frame_intern(f, frame_strdup(f, "2026-01-30"));
  const char *s2 = frame_intern(f, frame_strdup(f, "2026-01-30"));
  const char *s3 = frame_intern(f, frame_strdup(f, "2026-01-31"));
  ck_assert_ptr_eq(s1, s2);
  ck_assert_ptr_ne(s1, s3);
  ck_assert_str_eq(s3, "2026-01-31");
  cchc_frame_free(f);
}
END_TEST

/* frame_intern reads a string's ends by words, a short one's words
 * overlapping: strings of every length up to past twice the bytes hashed
 * at each end, each also with one byte changed at each place, are kept
 * apart, and each met again is the one kept. */
START_TEST(frame_intern_every_length) {
  cchc_frame *f = frame_new();
  ck_assert_ptr_nonnull(f);
  enum { LONGEST = 64 };
  char base[LONGEST + 1];
  for (int i = 0; i < LONGEST; i++) base[i] = (char)('a' + i % 26);
  for (size_t n = 0; n <= LONGEST; n++) {
    const char *kept = frame_intern(f, frame_strndup(f, base, n));
    ck_assert_uint_eq(strlen(kept), n);
    ck_assert_ptr_eq(frame_intern(f, frame_strndup(f, base, n)), kept);
    for (size_t at = 0; at < n; at++) {
      char *other = (char *)frame_strndup(f, base, n);
      other[at] = 'Z';
      const char *k2 = frame_intern(f, other);
      ck_assert_ptr_ne(k2, kept);
      ck_assert_int_eq(memcmp(k2, other, n + 1), 0);
      ck_assert_ptr_eq(frame_intern(f, frame_strndup(f, other, n)), k2);
    }
  }
  cchc_frame_free(f);
}
END_TEST

/* An array grown past 2 MB moves to a room of whole 2 MB pages at a 2 MB
 * boundary (huge pages), its items copied; frame_shrink gives back the
 * room past them and keeps them; it grows on from there. */
START_TEST(frame_grow_huge_room) {
  cchc_frame *f = frame_new();
  ck_assert_ptr_nonnull(f);
  const size_t huge = (size_t)2 << 20;
  size_t n = 3 * huge / sizeof(frame_deadline) + 7; /* past two rooms */
  for (size_t i = 0; i < n; i++) {
    frame_deadline *d = FRAME_PUSH(f, deadlines);
    ck_assert_ptr_nonnull(d);
    ck_assert_int_eq(d->year_inferred, false); /* zeroed */
    ck_assert_ptr_null(d->text);
    d->span = (frame_span){i, i + 1};
  }
  ck_assert_uint_eq((uintptr_t)f->deadlines % huge, 0);
  /* the room: whole 2 MB pages, every item of them used */
  size_t used = f->cap_deadlines * sizeof(frame_deadline);
  ck_assert_uint_lt((used + huge - 1) / huge * huge - used,
                    sizeof(frame_deadline));
  for (size_t i = 0; i < n; i++)
    ck_assert_uint_eq(f->deadlines[i].span.start, i);
  frame_shrink(f);
  ck_assert_uint_eq(f->cap_deadlines, n);
  for (size_t i = 0; i < n; i++)
    ck_assert_uint_eq(f->deadlines[i].span.end, i + 1);
  frame_deadline *d = FRAME_PUSH(f, deadlines);
  ck_assert_ptr_nonnull(d);
  ck_assert_uint_eq(d->span.start, 0);
  ck_assert_uint_eq(f->deadlines[n - 1].span.start, n - 1);
  ck_assert(!f->failed);
  cchc_frame_free(f);
}
END_TEST

/* frame_adopt_strings copies into the arena every string the frame
 * borrows (a rule's id, a key), one copy per borrowed string however
 * many items hold it, and leaves the arena's own strings where they are.
 * Two borrowed strings 4096 bytes apart share a slot of the copies table
 * (by address): met by turns, each still gets a copy of its own text.
 * After the borrowed bytes are overwritten and freed the frame reads the
 * same. */
START_TEST(frame_adopt_borrowed_once) {
  cchc_frame *f = frame_new();
  ck_assert_ptr_nonnull(f);
  char *lent = malloc(8192);
  ck_assert_ptr_nonnull(lent);
  memset(lent, 0, 8192);
  char *rule_id = lent, *same_slot = lent + 4096, *area = lent + 100;
  strcpy(rule_id, "task.bullet");
  strcpy(same_slot, "task.sentence");
  strcpy(area, "thu_tuc_hanh_chinh");
  enum { N = 50 };
  const char *texts[N];
  for (int i = 0; i < N; i++) {
    frame_task *t = FRAME_PUSH(f, tasks);
    ck_assert_ptr_nonnull(t);
    t->text = texts[i] = frame_printf(f, "nhiệm vụ %d", i);
    t->id = frame_printf(f, "k%d", i + 1);
    t->rule = i % 2 ? same_slot : rule_id; /* by turns: one slot */
    t->area = area;
    t->section = t->deadline = t->target = -1;
  }
  frame_adopt_strings(f);
  ck_assert(!f->failed);
  memset(lent, 'x', 8191);
  free(lent);
  for (int i = 0; i < N; i++) {
    const frame_task *t = &f->tasks[i];
    ck_assert_ptr_eq(t->text, texts[i]); /* the arena's: kept */
    ck_assert_str_eq(t->rule, i % 2 ? "task.sentence" : "task.bullet");
    ck_assert_str_eq(t->area, "thu_tuc_hanh_chinh");
    ck_assert_ptr_eq(t->area, f->tasks[0].area); /* one copy */
  }
  cchc_frame_free(f);
}
END_TEST

/* The arena's own strings are told from borrowed ones in frames of one
 * to eight blocks (a string longer than a block gets one of its own):
 * each is left where it is, every borrowed one copied. */
START_TEST(frame_adopt_keeps_arena_strings_of_every_block) {
  enum { BIG = 70 * 1024 };
  char *big = malloc(BIG + 1);
  ck_assert_ptr_nonnull(big);
  memset(big, 'b', BIG);
  big[BIG] = '\0';
  static const char lent[] = "task.borrowed";
  for (int blocks = 0; blocks < 5; blocks++) {
    cchc_frame *f = frame_new();
    ck_assert_ptr_nonnull(f);
    const char *own[12];
    for (int i = 0; i < 12; i++) {
      /* a big string, then small ones: 1, 2, 4, 6 and 8 blocks, each
       * block's first string among them */
      own[i] = i % 3 == 0 && i / 3 < blocks ? frame_strdup(f, big)
                                            : frame_printf(f, "t%d", i);
      frame_task *t = FRAME_PUSH(f, tasks);
      ck_assert_ptr_nonnull(t);
      t->text = own[i];
      t->rule = lent;
      t->section = t->deadline = t->target = -1;
    }
    frame_adopt_strings(f);
    ck_assert(!f->failed);
    for (int i = 0; i < 12; i++) {
      ck_assert_ptr_eq(f->tasks[i].text, own[i]);
      ck_assert_ptr_ne(f->tasks[i].rule, lent);
      ck_assert_str_eq(f->tasks[i].rule, lent);
    }
    cchc_frame_free(f);
  }
  free(big);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Bad JSON                                                            */

static void expect_bad(const char *json, unsigned line, const char *needle) {
  cchc_frame *f = (cchc_frame *)1;
  cchc_error err = {0};
  cchc_status st = cchc_frame_from_json(json, strlen(json), &f, &err);
  ck_assert_int_eq(st, CCHC_ERR_INVALID);
  ck_assert_ptr_null(f);
  ck_assert_int_eq(err.code, CCHC_ERR_INVALID);
  ck_assert_uint_eq(err.line, line);
  ck_assert_str_eq(err.path, "");
  ck_assert_msg(strstr(err.message, needle) != NULL, "message [%s] lacks [%s]",
                err.message, needle);
}

/* The last line starting at or before off, by a walk of every line. */
static size_t line_at_by_walk(const xctx *x, size_t off) {
  size_t at = 0;
  for (size_t li = 1; li < x->nlines; li++)
    if (xline_start(x, li) <= off) at = li;
  return at;
}

/* xline_at searches from the line it answered last (extract.c): asked
 * of every offset in order, in reverse, by jumps of every size both ways
 * and past the text's end, from texts of one line and of hundreds of
 * lines of many lengths, it answers as a walk of every line does. */
START_TEST(xline_at_from_any_line) {
  const cchc_rules *rules = harness_rules();
  for (int form = 0; form < 2; form++) {
    char *src = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&src, &len);
    ck_assert_ptr_nonnull(m);
    if (form == 0)
      fputs("Kế hoạch cải cách hành chính năm 2026", m);
    else
      for (int i = 0; i < 400; i++)
        fprintf(m, "%d. Dòng %*s thứ %d.\n\n", i + 1, i * 7 % 50, "x", i);
    fclose(m);
    cchc_error err = {0};
    cchc_text *t = NULL;
    ck_assert_int_eq(cchc_normalize(src, len, NULL, &t, &err), CCHC_OK);
    xctx x;
    ck_assert_int_eq(xctx_open(&x, rules, t, &err), CCHC_OK);
    ck_assert(form == 0 || x.nlines > 300);
    for (size_t off = 0; off <= x.n + 2; off++)
      ck_assert_uint_eq(xline_at(&x, off), line_at_by_walk(&x, off));
    for (size_t off = x.n + 2; off-- > 0;)
      ck_assert_uint_eq(xline_at(&x, off), line_at_by_walk(&x, off));
    unsigned seed = 7;
    for (int k = 0; k < 5000; k++) {
      seed = seed * 1103515245u + 12345u;
      size_t span = (size_t)1 << (seed >> 8) % 16;
      size_t off = (seed >> 4) % (span < x.n + 3 ? span : x.n + 3);
      if (seed & 1) off = x.n + 2 - off;
      ck_assert_uint_eq(xline_at(&x, off), line_at_by_walk(&x, off));
    }
    xctx_close(&x);
    cchc_text_free(t);
    free(src);
  }
}
END_TEST

/* A plan of one line opened for extraction: the context the tests of
 * extract.c's lookups fill by hand.  The caller closes x and frees the
 * text. */
static cchc_text *open_one_line(xctx *x) {
  static const char src[] = "Kế hoạch cải cách hành chính năm 2026";
  cchc_error err = {0};
  cchc_text *t = NULL;
  ck_assert_int_eq(cchc_normalize(src, sizeof src - 1, NULL, &t, &err),
                   CCHC_OK);
  ck_assert_int_eq(xctx_open(x, harness_rules(), t, &err), CCHC_OK);
  return t;
}

/* xtargets_in searches the targets by their starts from where its last
 * search ended (extract.c, first_start_from): 300 targets whose starts
 * repeat, out of order, asked of spans in order, in reverse, empty, past
 * every start and by jumps of every size both ways, give the targets
 * starting in each span, in index order, as a look at every target
 * does. */
START_TEST(xtargets_in_from_any_start) {
  xctx x;
  cchc_text *t = open_one_line(&x);
  enum { N = 300, END = 700 };
  for (size_t i = 0; i < N; i++) {
    frame_target *tg = FRAME_PUSH(x.f, targets);
    ck_assert_ptr_nonnull(tg);
    size_t start = i * 37 % 600 / 3 * 3; /* (each start some 3 times) */
    tg->span = (frame_span){start, start + 5};
  }
  size_t want[N];
  unsigned seed = 11;
  for (int k = 0; k < 6000; k++) {
    size_t a, b;
    if (k < END) /* in order, then in reverse */
      a = (size_t)k, b = a + (size_t)k % 9;
    else if (k < 2 * END)
      a = (size_t)(2 * END - k), b = a + 4;
    else {
      seed = seed * 1103515245u + 12345u;
      size_t span = (size_t)1 << (seed >> 8) % 11;
      a = (seed >> 4) % (span < END ? span : END);
      if (seed & 1) a = END - a;
      b = a + (seed >> 20) % 40;
    }
    size_t nwant = 0;
    for (size_t i = 0; i < N; i++)
      if (x.f->targets[i].span.start >= a && x.f->targets[i].span.start < b)
        want[nwant++] = i;
    size_t got_n = SIZE_MAX;
    const size_t *got = xtargets_in(&x, a, b, &got_n);
    ck_assert_msg(got_n == nwant, "[%zu, %zu): %zu targets, want %zu", a, b,
                  got_n, nwant);
    for (size_t i = 0; i < nwant; i++)
      ck_assert_uint_eq(got[i], want[i]);
  }
  xctx_close(&x);
  cchc_text_free(t);
}
END_TEST

START_TEST(bad_json) {
  /* Syntax: line and byte offset of the error. */
  const char *s = "{\"schema\": \"cchc/1\",\n\"targets\": [}";
  cchc_frame *f = NULL;
  cchc_error err = {0};
  ck_assert_int_eq(cchc_frame_from_json(s, strlen(s), &f, &err),
                   CCHC_ERR_INVALID);
  ck_assert_uint_eq(err.line, 2);
  ck_assert(err.has_offset);
  ck_assert_uint_eq(err.offset, strlen(s));
  ck_assert_ptr_nonnull(strstr(err.message, "frame is not valid JSON"));
  expect_bad("", 1, "frame is not valid JSON");
  expect_bad("{\"schema\": \"cchc/1\", \"schema\": \"cchc/1\"}", 1,
             "duplicate");

  /* Shape. */
  expect_bad("[1]", 0, "frame must be a JSON object, not an array");
  expect_bad("{\"targets\": []}", 0, "not a cchc/1 frame");
  expect_bad("{\"schema\": \"cchc/2\"}", 0, "not a cchc/1 frame");
  expect_bad("{\"schema\": \"cchc/1\", \"targets\": {}}", 0,
             "frame \"targets\" must be an array, not an object");
  expect_bad("{\"schema\": \"cchc/1\", \"targets\": [{\"value\": \"9\"}]}", 0,
             "frame targets[0]: \"value\" must be a number, not a string");
  expect_bad("{\"schema\": \"cchc/1\", \"targets\": [{\"id\": \"t1\"}]}", 0,
             "targets[0]: \"value\" is missing");
  expect_bad("{\"schema\": \"cchc/1\", \"targets\": [3]}", 0,
             "targets[0] must be an object, not a number");
  expect_bad("{\"schema\": \"cchc/1\", \"targets\": [{\"value\": 9,"
             " \"comparator\": \"=>\"}]}",
             0, "targets[0]: \"comparator\" has no value \"=>\"");
  expect_bad("{\"schema\": \"cchc/1\", \"targets\": [{\"value\": 9,"
             " \"unit\": \"percent\"}]}",
             0, "\"unit\" has no value");
  expect_bad("{\"schema\": \"cchc/1\", \"deadlines\": [{\"kind\": \"soon\"}]}",
             0, "deadlines[0]: \"kind\" has no value \"soon\"");
  expect_bad("{\"schema\": \"cchc/1\", \"targets\": [{\"value\": 9,"
             " \"span\": [5, 2]}]}",
             0, "targets[0]: \"span\" must be [start, end]");
  expect_bad("{\"schema\": \"cchc/1\", \"document\": {\"year\": \"MMXXVI\"}}",
             0, "document: \"year\" must be an integer");
  expect_bad("{\"schema\": \"cchc/1\", \"document\": {\"year\": 2026.5}}", 0,
             "document: \"year\" must be an integer");
  expect_bad("{\"schema\": \"cchc/1\", \"document\": {\"place\": 7}}", 0,
             "document: \"place\" must be a string or null, not a number");
  expect_bad("{\"schema\": \"cchc/1\", \"tasks\": [{\"lead\":"
             " [{\"key\": 1}]}]}",
             0, "tasks[0].lead[0]: \"key\" must be a string");
  expect_bad("{\"schema\": \"cchc/1\", \"deadlines\": [{\"year_inferred\":"
             " \"no\"}]}",
             0, "\"year_inferred\" must be a boolean");
  expect_bad("{\"schema\": \"cchc/1\", \"sections\": [{\"id\": \"s1\","
             " \"parent\": \"s1\"}]}",
             0, "names the section itself");
  expect_bad("{\"schema\": \"cchc/1\", \"inconsistencies\": [{\"first\":"
             " \"t1\", \"second\": \"t2\"}]}",
             0, "must name targets");
  expect_bad("{\"schema\": \"cchc/1\", \"source\": {\"sha256\": \"abc\"}}", 0,
             "\"sha256\" must be 64 hex digits");
  char sha[200];
  snprintf(sha, sizeof sha,
           "{\"schema\": \"cchc/1\", \"source\": {\"sha256\": \"%064d\"}}", 0);
  sha[strlen("{\"schema\": \"cchc/1\", \"source\": {\"sha256\": \"")] = 'G';
  expect_bad(sha, 0, "\"sha256\" must be 64 hex digits");
  expect_bad("{\"schema\": \"cchc/1\", \"source\": {\"bytes\": -1}}", 0,
             "source: \"bytes\" must be an integer from 0");
  expect_bad("{\"schema\": \"cchc/1\", \"sections\": [{\"level\": 3e9}]}", 0,
             "sections[0]: \"level\" must be an integer");
}
END_TEST

/* The arena hands out strings of every length packed (no alignment) and
 * frame_alloc's blocks aligned for any object and zeroed, mixed, over
 * many 64 kB blocks and past one (a block of its own): each piece keeps
 * what was written into it while the others are written, and a piece
 * larger than a block is whole.  An alignment worked out wrong (the mask
 * of a power of two, one off) fails here. */
START_TEST(frame_arena_pieces_aligned_and_apart) {
  cchc_frame *f = frame_new();
  ck_assert_ptr_nonnull(f);
  enum { N = 6000 };
  static struct {
    unsigned char *p;
    size_t n;
  } pieces_made[N];
  uint64_t seed = 12345;
  for (size_t i = 0; i < N; i++) {
    seed = seed * 6364136223846793005u + 1442695040888963407u;
    size_t n = (size_t)(seed >> 33) % 97 + 1;
    if (i == N / 2)
      n = 200000; /* past a block */
    bool chars = (seed >> 20) & 1;
    unsigned char *p = chars ? (unsigned char *)frame_alloc_chars(f, n)
                             : frame_alloc(f, n);
    ck_assert_ptr_nonnull(p);
    if (!chars) {
      ck_assert_uint_eq((uintptr_t)p % _Alignof(max_align_t), 0);
      for (size_t k = 0; k < n; k++)
        ck_assert_uint_eq(p[k], 0);
    }
    memset(p, (int)(i & 0xFF), n);
    pieces_made[i].p = p;
    pieces_made[i].n = n;
  }
  for (size_t i = 0; i < N; i++)
    for (size_t k = 0; k < pieces_made[i].n; k++)
      if (pieces_made[i].p[k] != (unsigned char)(i & 0xFF))
        ck_abort_msg("piece %zu, byte %zu written over", i, k);
  ck_assert(!f->failed);
  cchc_frame_free(f);
}
END_TEST

/* frame_shrink gives back the room past an array's items when it is
 * large (600 targets in room for 1,152: 36, the first room of 4 KB,
 * doubled five times) and leaves a small one's (5 deadlines in the first
 * room of 51), which at most doubles: extract_frame shrinks after every
 * pass, and the realloc of a small room cost more than it gave back.  The
 * items stay whole either way, and the array grows on. */
START_TEST(frame_shrink_large_rooms_only) {
  cchc_frame *f = frame_new();
  ck_assert_ptr_nonnull(f);
  for (size_t i = 0; i < 600; i++) {
    frame_target *t = FRAME_PUSH(f, targets);
    ck_assert_ptr_nonnull(t);
    t->span = (frame_span){i, i + 1};
  }
  for (size_t i = 0; i < 5; i++) {
    frame_deadline *d = FRAME_PUSH(f, deadlines);
    ck_assert_ptr_nonnull(d);
    d->span = (frame_span){i, i + 2};
  }
  size_t first_deadlines = 4096 / sizeof *f->deadlines;
  ck_assert_uint_eq(f->cap_targets, (4096 / sizeof *f->targets) << 5);
  ck_assert_uint_eq(f->cap_deadlines, first_deadlines);
  frame_shrink(f);
  ck_assert_uint_eq(f->cap_targets, 600);
  ck_assert_uint_eq(f->cap_deadlines, first_deadlines);
  for (size_t i = 0; i < 600; i++)
    ck_assert_uint_eq(f->targets[i].span.end, i + 1);
  for (size_t i = 0; i < 5; i++)
    ck_assert_uint_eq(f->deadlines[i].span.end, i + 2);
  frame_target *t = FRAME_PUSH(f, targets);
  ck_assert_ptr_nonnull(t);
  ck_assert_uint_eq(f->targets[599].span.start, 599);
  ck_assert(!f->failed);
  cchc_frame_free(f);
}
END_TEST

/* Every item frame_grow hands out is zeroed whole, whether it finds room
 * or grows the array first (the bytes of the room written over before,
 * an item taken back and asked again), and the items before it keep
 * their bytes across the growth. */
START_TEST(frame_grow_items_zeroed) {
  cchc_frame *f = frame_new();
  ck_assert_ptr_nonnull(f);
  for (size_t i = 0; i < 200; i++) {
    frame_task *t = FRAME_PUSH(f, tasks);
    ck_assert_ptr_nonnull(t);
    const unsigned char *b = (const unsigned char *)t;
    for (size_t k = 0; k < sizeof *t; k++)
      if (b[k])
        ck_abort_msg("item %zu, byte %zu not zeroed", i, k);
    memset(t, 0xA5, sizeof *t);
    if (i % 3 == 0) { /* taken back, its bytes left, and asked again */
      f->ntasks--;
      t = FRAME_PUSH(f, tasks);
      ck_assert_ptr_nonnull(t);
      b = (const unsigned char *)t;
      for (size_t k = 0; k < sizeof *t; k++)
        if (b[k])
          ck_abort_msg("item %zu again, byte %zu not zeroed", i, k);
      memset(t, 0xA5, sizeof *t);
    }
  }
  ck_assert_uint_eq(f->ntasks, 200);
  for (size_t i = 0; i < 200; i++) {
    const unsigned char *b = (const unsigned char *)&f->tasks[i];
    for (size_t k = 0; k < sizeof f->tasks[i]; k++)
      ck_assert_uint_eq(b[k], 0xA5);
  }
  f->ntasks = 0; /* (the bytes are no task's to free) */
  ck_assert(!f->failed);
  cchc_frame_free(f);
}
END_TEST

/* The first room of a unit list given back is the room of the next list
 * of the same plan (extract.c, kept_rooms); lists keep their items in
 * order through it and past it, and a list given back when no plan is
 * open is freed (the sanitizers' leak check sees it otherwise). */
START_TEST(xunits_rooms_kept_within_plan) {
  xctx x;
  cchc_text *t = open_one_line(&x);
  xunits a = {0}, b = {0}, c = {0}, late = {0};
  for (size_t i = 0; i < 3; i++)
    xunits_push(&x, &a, &(xunit){.start = i, .end = i + 1});
  const xunit *room = a.items;
  xunits_free(&a);
  ck_assert_ptr_null(a.items);
  ck_assert_uint_eq(a.n + a.cap, 0);
  xunits_push(&x, &b, &(xunit){.start = 100, .end = 101, .rule = "r"});
  ck_assert_ptr_eq(b.items, room);
  ck_assert_uint_eq(b.n, 1);
  for (size_t i = 1; i < 9; i++)
    xunits_push(&x, &b, &(xunit){.start = 100 + i, .end = 101 + i});
  ck_assert_uint_eq(b.n, 9);
  for (size_t i = 0; i < 9; i++) {
    ck_assert_uint_eq(b.items[i].start, 100 + i);
    ck_assert_uint_eq(b.items[i].end, 101 + i);
    ck_assert_ptr_null(b.items[i].key);
  }
  ck_assert_str_eq(b.items[0].rule, "r");
  xunits_push(&x, &c, &(xunit){.start = 7});
  xunits_push(&x, &late, &(xunit){.start = 8});
  xunits_free(&c);
  xunits_free(&b);
  ck_assert_uint_eq(x.f->failed, false);
  xctx_close(&x);
  ck_assert_uint_eq(late.items[0].start, 8);
  xunits_free(&late);
  cchc_text_free(t);
}
END_TEST

/* cchc_process_normalize then cchc_process_extract (cchc extract -j N
 * normalizes its first inputs while the rules load) give what
 * cchc_process gives: the same frame over the corpus, and the same error,
 * message and offset for an input that does not decode; a prepared input
 * freed unextracted leaks nothing (under the sanitizers). */
START_TEST(process_in_two_steps_as_in_one) {
  char **plans;
  size_t n = harness_corpus(&plans);
  ck_assert_uint_gt(n, 0);
  const char bin[] = "Ke hoach\n\0\0\0\x01\x02 nam 2026\n";
  for (size_t i = 0; i <= n + 1; i++) {
    size_t len = 0;
    char *data = i < n    ? harness_read(plans[i], &len)
                 : i == n ? memcpy(malloc(sizeof bin), bin, sizeof bin)
                          : malloc(1);
    ck_assert_ptr_nonnull(data);
    if (i == n)
      len = sizeof bin - 1;
    cchc_process_options opt = {.path = i < n ? plans[i] : "x.txt"};
    cchc_frame *one = NULL, *two = NULL;
    cchc_error e1 = {0}, e2 = {0};
    cchc_status s1 = cchc_process(harness_rules(), data, len, &opt, &one, &e1);
    cchc_prepared *p = NULL;
    cchc_status s2 = cchc_process_normalize(data, len, &opt, &p, &e2);
    if (s2 == CCHC_OK)
      s2 = cchc_process_extract(harness_rules(), p, &two, &e2);
    else
      ck_assert_ptr_null(p);
    ck_assert_int_eq(s1, s2);
    ck_assert_str_eq(e1.message, e2.message);
    ck_assert_uint_eq(e1.offset, e2.offset);
    ck_assert_int_eq(s1 == CCHC_OK, i != n);
    if (s1 == CCHC_OK) {
      size_t l1, l2;
      char *r1 = render(one, CCHC_FORMAT_JSONL, &l1);
      char *r2 = render(two, CCHC_FORMAT_JSONL, &l2);
      ck_assert_msg(l1 == l2 && memcmp(r1, r2, l1) == 0,
                    "input %zu: the frames differ", i);
      free(r1);
      free(r2);
    }
    cchc_frame_free(one);
    cchc_frame_free(two);
    /* normalized and never extracted */
    p = NULL;
    if (cchc_process_normalize(data, len, &opt, &p, &e2) == CCHC_OK)
      cchc_prepared_free(p);
    free(data);
  }
  harness_free_list(plans, n);
}
END_TEST

/* The frame's own lists (those held in the frame: sections, targets,
 * deadlines, tasks, ...) start with room for 4 KB of items, where four
 * grew four or five times in a plan; every other list frame_grow grows
 * (a task's units, a row's cells: thousands in a long plan, most of one
 * or two items) still starts with four.  frame_shrink leaves a first room
 * as it is (no realloc), and the items grow on past it. */
START_TEST(frame_lists_start_with_4_kb) {
  cchc_frame *f = frame_new();
  ck_assert_ptr_nonnull(f);
  ck_assert_ptr_nonnull(FRAME_PUSH(f, sections));
  ck_assert_ptr_nonnull(FRAME_PUSH(f, tasks));
  ck_assert_ptr_nonnull(FRAME_PUSH(f, inconsistencies));
  ck_assert_uint_eq(f->cap_sections, 4096 / sizeof *f->sections);
  ck_assert_uint_eq(f->cap_tasks, 4096 / sizeof *f->tasks);
  ck_assert_uint_eq(f->cap_inconsistencies, 4096 / sizeof *f->inconsistencies);
  ck_assert_uint_gt(f->cap_tasks, 4);
  /* a list outside the frame: four */
  frame_unit *units = NULL;
  size_t nunits = 0, cap_units = 0;
  ck_assert_ptr_nonnull(frame_grow(f, (void **)&units, &nunits, &cap_units,
                                   sizeof *units));
  ck_assert_uint_eq(cap_units, 4);
  const frame_task *tasks = f->tasks;
  frame_shrink(f);
  ck_assert_ptr_eq(f->tasks, tasks);
  size_t first = 4096 / sizeof *f->tasks;
  ck_assert_uint_eq(f->cap_tasks, first);
  for (size_t i = 1; i <= first; i++) {
    frame_task *t = FRAME_PUSH(f, tasks);
    ck_assert_ptr_nonnull(t);
    t->span = (frame_span){i, i + 1};
  }
  ck_assert_uint_eq(f->cap_tasks, 2 * first);
  ck_assert_uint_eq(f->tasks[f->ntasks - 1].span.start, f->ntasks - 1);
  ck_assert(!f->failed);
  free(units);
  cchc_frame_free(f);
}
END_TEST

int main(void) {
  Suite *s = suite_create("frame");
  TCase *tc = tcase_create("accessors");
  tcase_add_test(tc, document_and_source);
  tcase_add_test(tc, targets_tasks_and_indices);
  tcase_add_test(tc, enum_names);
  suite_add_tcase(s, tc);

  tc = tcase_create("json");
  tcase_set_timeout(tc, 120);
  tcase_add_test(tc, round_trip_corpus);
  tcase_add_test(tc, frames_left_short);
  tcase_add_test(tc, frame_printf_short_and_long);
  tcase_add_test(tc, frame_intern_alike_ends);
  tcase_add_test(tc, frame_intern_every_length);
  tcase_add_test(tc, frame_grow_huge_room);
  tcase_add_test(tc, frame_adopt_borrowed_once);
  tcase_add_test(tc, frame_adopt_keeps_arena_strings_of_every_block);
  tcase_add_test(tc, bad_json);
  tcase_add_test(tc, xline_at_from_any_line);
  tcase_add_test(tc, xtargets_in_from_any_start);
  tcase_add_test(tc, frame_arena_pieces_aligned_and_apart);
  tcase_add_test(tc, frame_shrink_large_rooms_only);
  tcase_add_test(tc, frame_grow_items_zeroed);
  tcase_add_test(tc, xunits_rooms_kept_within_plan);
  tcase_add_test(tc, process_in_two_steps_as_in_one);
  tcase_add_test(tc, frame_lists_start_with_4_kb);
  suite_add_tcase(s, tc);

  int rc = harness_run(s);
  harness_free_rules();
  return rc;
}
