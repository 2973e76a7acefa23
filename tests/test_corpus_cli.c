/* test_corpus_cli.c: the whole chain through the program: `cchc ingest` of
 * the test province plan (tests/data, 228/KH-UBND of Đồng Nai) with real
 * commune plans of ../shared/corpus (000 carries 228/KH-UBND out, 002 cites
 * another parent, 004 is of another province), then `cchc list`, `cchc
 * compare` (table, CSV, JSON; filters) and `cchc audit` (--parent,
 * --against, listed plans; table, CSV, JSON; spans checked against the
 * bytes of the files they point into; exit codes 0, 1, 2, and 3 when
 * nothing matched). */
#define _GNU_SOURCE
#include "harness.h"

#include <csv.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char db[4096], province[4096], nghia_trung[4096], binh_minh[4096],
    hong_loc[4096];

/* Run cchc with `argv`; returns the exit status, *out and *err owned by the
 * caller. */
static int run(const char *const *argv, char **out, size_t *outlen,
               char **err) {
  return harness_cli(argv, NULL, 0, out, outlen, err);
}

/* The store, made once for all tests (in the parent process). */
static void make_store(void) {
  snprintf(db, sizeof db, "%s/chain.db", harness_tmpdir());
  snprintf(province, sizeof province,
           "%s/tests/data/dong_nai_228_KH-UBND_2026.txt", harness_root());
  snprintf(nghia_trung, sizeof nghia_trung,
           "%s/corpus/000_343475c610832db2.txt", harness_shared());
  snprintf(binh_minh, sizeof binh_minh, "%s/corpus/002_f395299616728bb1.txt",
           harness_shared());
  snprintf(hong_loc, sizeof hong_loc, "%s/corpus/004_122b22815aff8c9c.txt",
           harness_shared());
  /* stored paths are absolute (realpath), and so are the spans' paths */
  char *r;
  if ((r = realpath(province, NULL))) {
    snprintf(province, sizeof province, "%s", r);
    free(r);
  }
  char *const paths[] = {nghia_trung, binh_minh, hong_loc};
  for (size_t i = 0; i < 3; i++)
    if ((r = realpath(paths[i], NULL))) {
      snprintf(paths[i], 4096, "%s", r);
      free(r);
    }
  unlink(db);
  const char *argv[] = {"ingest", "--db",   db,       province,
                        nghia_trung, binh_minh, hong_loc, NULL};
  char *out = NULL, *err = NULL;
  int rc = run(argv, &out, NULL, &err);
  if (rc != 0 || !out || !strstr(out, "4 added")) {
    fprintf(stderr, "ingest failed (%d): %s%s\n", rc, out ? out : "",
            err ? err : "");
    exit(1);
  }
  free(out);
  free(err);
}

/* The line of `text` that starts with `prefix` (copied), or NULL. */
static char *line_starting(const char *text, const char *prefix) {
  size_t n = strlen(prefix);
  for (const char *p = text; p && *p;) {
    const char *e = strchr(p, '\n');
    size_t l = e ? (size_t)(e - p) : strlen(p);
    if (l >= n && strncmp(p, prefix, n) == 0)
      return strndup(p, l);
    p = e ? e + 1 : NULL;
  }
  return NULL;
}

/* ---- CSV read back into rows of fields ---- */

typedef struct csvdoc {
  char **f; /* fields, row-major */
  size_t nf, cap;
  size_t *rowlen; /* fields per row */
  size_t rows, rcap;
  size_t cur;     /* fields in the current row */
} csvdoc;

static void csv_cb_field(void *s, size_t n, void *ctx) {
  csvdoc *d = ctx;
  if (d->nf == d->cap) {
    d->cap = d->cap ? d->cap * 2 : 64;
    d->f = realloc(d->f, d->cap * sizeof *d->f);
    ck_assert_ptr_nonnull(d->f);
  }
  d->f[d->nf++] = strndup(s ? (const char *)s : "", n);
  d->cur++;
}

static void csv_cb_row(int c, void *ctx) {
  csvdoc *d = ctx;
  if (d->rows == d->rcap) {
    d->rcap = d->rcap ? d->rcap * 2 : 16;
    d->rowlen = realloc(d->rowlen, d->rcap * sizeof *d->rowlen);
    ck_assert_ptr_nonnull(d->rowlen);
  }
  d->rowlen[d->rows++] = d->cur;
  d->cur = 0;
}

/* Parse a BOM-prefixed CSV document strictly; every row must have `cols`
 * fields. */
static csvdoc parse_csv(const char *s, size_t n, size_t cols) {
  csvdoc d = {0};
  struct csv_parser p;
  ck_assert_int_eq(csv_init(&p, CSV_STRICT | CSV_STRICT_FINI), 0);
  ck_assert_msg(n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0,
                "CSV without BOM");
  ck_assert_uint_eq(csv_parse(&p, s + 3, n - 3, csv_cb_field, csv_cb_row, &d),
                    n - 3);
  ck_assert_int_eq(csv_fini(&p, csv_cb_field, csv_cb_row, &d), 0);
  csv_free(&p);
  ck_assert_uint_ge(d.rows, 1);
  for (size_t r = 0; r < d.rows; r++)
    ck_assert_uint_eq(d.rowlen[r], cols);
  return d;
}

static const char *csv_at(const csvdoc *d, size_t row, size_t col) {
  return d->f[row * d->rowlen[0] + col];
}

static void csv_free_doc(csvdoc *d) {
  for (size_t i = 0; i < d->nf; i++)
    free(d->f[i]);
  free(d->f);
  free(d->rowlen);
}

/* ---- tests ---- */

START_TEST(list_shows_the_plans) {
  char *out, *err;
  const char *argv[] = {"list", "--db", db, NULL};
  int rc = run(argv, &out, NULL, &err);
  ck_assert_msg(rc == 0, "exit %d: %s", rc, err);
  ck_assert_ptr_nonnull(strstr(out, "228/KH-UBND"));
  ck_assert_ptr_nonnull(strstr(out, "Nghĩa Trung"));
  ck_assert_ptr_nonnull(strstr(out, "Bình Minh"));
  ck_assert_ptr_nonnull(strstr(out, "Hồng Lộc"));
  ck_assert_ptr_nonnull(strstr(out, "4 plans"));
  /* the province plan is the first Đồng Nai row */
  ck_assert(strstr(out, "province  Đồng Nai") < strstr(out, "Nghĩa Trung"));
  free(out);
  free(err);
}
END_TEST

START_TEST(compare_table) {
  char *out, *err;
  const char *argv[] = {"compare", "--db", db, "--province", "Đồng Nai",
                        NULL};
  int rc = run(argv, &out, NULL, &err);
  ck_assert_msg(rc == 0, "exit %d: %s", rc, err);
  /* header: the province column first, Hà Tĩnh filtered out */
  ck_assert_msg(strncmp(out, "indicator", 9) == 0, "%s", out);
  const char *prov = strstr(out, "Đồng Nai 228/KH-UBND");
  const char *nt = strstr(out, "Nghĩa Trung"), *bm = strstr(out, "Bình Minh");
  const char *nl = strchr(out, '\n');
  ck_assert(prov && nt && bm && prov < nl && nt < nl && bm < nl);
  ck_assert(prov < nt && prov < bm);
  ck_assert_ptr_null(strstr(out, "Hồng Lộc"));
  /* the row of tthc.dung_han: the province's 99 then the commune's 98 */
  char *row = line_starting(out, "tthc.dung_han ");
  ck_assert_msg(row != NULL, "%s", out);
  const char *p99 = strstr(row, "≥ 99%"), *p98 = strstr(row, "≥ 98%");
  ck_assert_msg(p99 && p98 && p99 < p98, "row: %s", row);
  free(row);
  /* a parent target the commune lacks: an empty cell '-' */
  row = line_starting(out, "tthc.hai_long_linh_vuc ");
  ck_assert_msg(row && strstr(row, "≥ 85%") && strstr(row, " -"), "%s", row);
  free(row);
  free(out);
  free(err);

  /* without filters all four plans, the province first */
  const char *argv2[] = {"compare", "--db", db, NULL};
  rc = run(argv2, &out, NULL, &err);
  ck_assert_msg(rc == 0, "exit %d: %s", rc, err);
  ck_assert_ptr_nonnull(strstr(out, "Hồng Lộc"));
  ck_assert(strstr(out, "Đồng Nai 228/KH-UBND") < strstr(out, "Hồng Lộc"));
  free(out);
  free(err);
}
END_TEST

START_TEST(compare_csv_and_json) {
  char *out, *err;
  size_t n;
  const char *argv[] = {"compare", "--db", db, "--province", "dong nai",
                        "-f", "csv", NULL};
  int rc = run(argv, &out, &n, &err);
  ck_assert_msg(rc == 0, "exit %d: %s", rc, err);
  csvdoc d = parse_csv(out, n, 5);
  ck_assert_str_eq(csv_at(&d, 0, 0), "indicator");
  ck_assert_str_eq(csv_at(&d, 0, 1), "subject");
  ck_assert_str_eq(csv_at(&d, 0, 2), "Đồng Nai 228/KH-UBND");
  size_t nt = 0;
  for (size_t c = 3; c < 5; c++)
    if (strcmp(csv_at(&d, 0, c), "Nghĩa Trung") == 0)
      nt = c;
  ck_assert_uint_ne(nt, 0);
  bool seen = false;
  for (size_t r = 1; r < d.rows; r++)
    if (strcmp(csv_at(&d, r, 0), "tthc.dung_han") == 0) {
      seen = true;
      ck_assert_str_eq(csv_at(&d, r, 1), "");
      ck_assert_str_eq(csv_at(&d, r, 2), "≥ 99%");
      ck_assert_str_eq(csv_at(&d, r, nt), "≥ 98%");
    }
  ck_assert(seen);
  size_t csv_rows = d.rows;
  csv_free_doc(&d);
  free(out);
  free(err);

  const char *argv2[] = {"compare", "--db", db, "--province", "Đồng Nai",
                         "--year", "2026", "-f", "json", NULL};
  rc = run(argv2, &out, &n, &err);
  ck_assert_msg(rc == 0, "exit %d: %s", rc, err);
  json_error_t je;
  json_t *j = json_loadb(out, n, 0, &je);
  ck_assert_msg(j != NULL, "%s", je.text);
  ck_assert_str_eq(json_string_value(json_object_get(j, "schema")),
                   "cchc-compare/1");
  json_t *plans = json_object_get(j, "plans");
  /* 2026 only: Bình Minh (2025–2030) has year 2025 */
  ck_assert_uint_ge(json_array_size(plans), 2);
  json_t *p0 = json_array_get(plans, 0);
  ck_assert_str_eq(json_string_value(json_object_get(p0, "level")),
                   "province");
  ck_assert_str_eq(json_string_value(json_object_get(p0, "number")),
                   "228/KH-UBND");
  ck_assert_str_eq(json_string_value(json_object_get(p0, "path")), province);
  size_t i;
  json_t *row;
  bool seen_json = false;
  json_array_foreach(json_object_get(j, "rows"), i, row) {
    const char *key = json_string_value(json_object_get(row, "indicator"));
    if (key && strcmp(key, "tthc.dung_han") == 0) {
      seen_json = true;
      ck_assert_str_eq(
          json_string_value(json_array_get(json_object_get(row, "cells"), 0)),
          "≥ 99%");
    }
  }
  ck_assert(seen_json);
  json_decref(j);
  free(out);
  free(err);
  ck_assert_uint_gt(csv_rows, 5);
}
END_TEST

START_TEST(compare_filters_and_output_file) {
  char *out, *err;
  size_t n;
  const char *argv[] = {"compare", "--db", db, "--indicator", "tthc.dung_han",
                        "-f", "csv", NULL};
  int rc = run(argv, &out, &n, &err);
  ck_assert_msg(rc == 0, "exit %d: %s", rc, err);
  csvdoc d = parse_csv(out, n, 6);
  ck_assert_uint_eq(d.rows, 2);
  ck_assert_str_eq(csv_at(&d, 1, 0), "tthc.dung_han");
  csv_free_doc(&d);
  free(out);
  free(err);

  const char *argv2[] = {"compare", "--db", db, "--area", "cqs", "-f", "json",
                         NULL};
  rc = run(argv2, &out, &n, &err);
  ck_assert_msg(rc == 0, "exit %d: %s", rc, err);
  json_t *j = json_loadb(out, n, 0, NULL);
  ck_assert_ptr_nonnull(j);
  size_t i;
  json_t *row;
  ck_assert_uint_gt(json_array_size(json_object_get(j, "rows")), 0);
  json_array_foreach(json_object_get(j, "rows"), i, row) {
    /* an indicator of the area, or a target without one in a section of
     * the area */
    const char *key = json_string_value(json_object_get(row, "indicator"));
    if (key) {
      ck_assert_msg(strncmp(key, "cqs.", 4) == 0, "%s", key);
      continue;
    }
    json_t *t;
    size_t k;
    json_array_foreach(json_object_get(row, "targets"), k, t)
        ck_assert_str_eq(json_string_value(json_object_get(t, "area")), "cqs");
  }
  json_decref(j);
  free(out);
  free(err);

  /* -o: the file gets the table, standard output nothing */
  char path[4200];
  snprintf(path, sizeof path, "%s/compare.txt", harness_tmpdir());
  const char *argv3[] = {"compare", "--db", db, "-o", path, NULL};
  rc = run(argv3, &out, &n, &err);
  ck_assert_msg(rc == 0, "exit %d: %s", rc, err);
  ck_assert_uint_eq(n, 0);
  char *file = harness_read(path, NULL);
  ck_assert_ptr_nonnull(file);
  ck_assert_ptr_nonnull(strstr(file, "tthc.dung_han"));
  free(file);
  free(out);
  free(err);
}
END_TEST

/* Does the file `path` hold `needle` within [start, end)? */
static bool span_holds(const char *path, json_t *span, const char *needle) {
  json_int_t s = json_integer_value(json_array_get(span, 0));
  json_int_t e = json_integer_value(json_array_get(span, 1));
  size_t len;
  char *data = harness_read(path, &len);
  ck_assert_msg(data != NULL, "cannot read %s", path);
  ck_assert(s >= 0 && s <= e && (size_t)e <= len);
  bool found = false;
  size_t nn = strlen(needle);
  for (json_int_t i = s; !found && i + (json_int_t)nn <= e; i++)
    found = memcmp(data + i, needle, nn) == 0;
  free(data);
  return found;
}

/* The digits of a plain value ("≥ 98%" -> "98"). */
static void digits(const char *v, char *out, size_t size) {
  while (*v && (*v < '0' || *v > '9'))
    v++;
  snprintf(out, size, "%.*s", (int)strspn(v, "0123456789"), v);
}

START_TEST(audit_parent) {
  char *out, *err;
  size_t n;
  const char *argv[] = {"audit", "--db", db, "--parent", "228/KH-UBND", NULL};
  int rc = run(argv, &out, &n, &err);
  ck_assert_msg(rc == 1, "exit %d: %s", rc, err);
  ck_assert_ptr_nonnull(strstr(out, "lower"));
  ck_assert_ptr_nonnull(strstr(out, "missing"));
  ck_assert_ptr_nonnull(strstr(out, "later"));
  ck_assert_ptr_nonnull(strstr(out, "Nghĩa Trung"));
  /* Bình Minh and Hồng Lộc carry out other plans */
  ck_assert_ptr_null(strstr(out, "Bình Minh"));
  ck_assert_ptr_null(strstr(out, "Hồng Lộc"));
  /* the target's text as the plan says it, without its bullet */
  ck_assert_ptr_nonnull(
      strstr(out, "\"Tỷ lệ giải quyết hồ sơ đúng hạn đạt tối thiểu 98%\""));
  free(out);
  free(err);

  const char *argv2[] = {"audit", "--db", db, "--parent", "228 / kh-ubnd",
                         "-f", "json", NULL};
  rc = run(argv2, &out, &n, &err);
  ck_assert_msg(rc == 1, "exit %d: %s", rc, err);
  json_error_t je;
  json_t *j = json_loadb(out, n, 0, &je);
  ck_assert_msg(j != NULL, "%s", je.text);
  ck_assert_str_eq(json_string_value(json_object_get(j, "schema")),
                   "cchc-audit/1");
  ck_assert_str_eq(json_string_value(json_object_get(
                       json_object_get(j, "parent"), "number")),
                   "228/KH-UBND");
  json_t *fs = json_object_get(j, "findings");
  size_t nfind = json_array_size(fs), i;
  json_t *f;
  bool lower_dung_han = false, missing = false, later = false;
  json_array_foreach(fs, i, f) {
    const char *kind = json_string_value(json_object_get(f, "kind"));
    const char *key = json_string_value(json_object_get(f, "key"));
    json_t *plan = json_object_get(f, "plan"),
           *parent = json_object_get(f, "parent");
    ck_assert_str_eq(json_string_value(json_object_get(plan, "path")),
                     nghia_trung);
    ck_assert_str_eq(json_string_value(json_object_get(parent, "path")),
                     province);
    const char *pv = json_string_value(json_object_get(parent, "value"));
    const char *cv = json_string_value(json_object_get(plan, "value"));
    json_t *psp = json_object_get(parent, "span"),
           *csp = json_object_get(plan, "span");
    ck_assert(json_is_array(psp));
    char num[32];
    if (strcmp(kind, "lower") == 0) {
      ck_assert(json_is_array(csp));
      digits(pv, num, sizeof num);
      ck_assert_msg(span_holds(province, psp, num), "%s %s", key, num);
      digits(cv, num, sizeof num);
      ck_assert_msg(span_holds(nghia_trung, csp, num), "%s %s", key, num);
      if (strcmp(key, "tthc.dung_han") == 0) {
        lower_dung_han = true;
        ck_assert_str_eq(cv, "≥ 98%");
        ck_assert_str_eq(pv, "≥ 99%");
        ck_assert(span_holds(nghia_trung, csp, "98%"));
        ck_assert(span_holds(province, psp, "99%"));
      }
    } else if (strcmp(kind, "missing") == 0) {
      missing = true;
      ck_assert(json_is_null(csp));
      ck_assert(json_is_null(json_object_get(plan, "value")));
      digits(pv, num, sizeof num);
      ck_assert_msg(span_holds(province, psp, num), "%s %s", key, num);
    } else if (strcmp(kind, "later") == 0) {
      later = true;
      ck_assert_str_eq(cv, "2026-03-10");
      ck_assert_str_eq(pv, "2026-03-05");
      ck_assert(span_holds(nghia_trung, csp, "10/3"));
      ck_assert(span_holds(province, psp, "05/3"));
    }
  }
  ck_assert(lower_dung_han && missing && later);
  json_decref(j);
  free(out);
  free(err);

  /* CSV: one row per finding, 16 columns */
  const char *argv3[] = {"audit", "--db", db, "--parent", "228/KH-UBND", "-f",
                         "csv", NULL};
  rc = run(argv3, &out, &n, &err);
  ck_assert_msg(rc == 1, "exit %d: %s", rc, err);
  csvdoc d = parse_csv(out, n, 16);
  ck_assert_str_eq(csv_at(&d, 0, 0), "kind");
  ck_assert_uint_eq(d.rows, nfind + 1);
  csv_free_doc(&d);
  free(out);
  free(err);

  /* -o: written to the file, exit code still 1 */
  char path[4200];
  snprintf(path, sizeof path, "%s/audit.json", harness_tmpdir());
  const char *argv4[] = {"audit", "--db", db, "--parent", "228/KH-UBND", "-f",
                         "json", "-o", path, NULL};
  rc = run(argv4, &out, &n, &err);
  ck_assert_msg(rc == 1, "exit %d: %s", rc, err);
  ck_assert_uint_eq(n, 0);
  size_t flen;
  char *file = harness_read(path, &flen);
  ck_assert_ptr_nonnull(file);
  j = json_loadb(file, flen, 0, NULL);
  ck_assert_ptr_nonnull(j);
  ck_assert_uint_eq(json_array_size(json_object_get(j, "findings")), nfind);
  json_decref(j);
  free(file);
  free(out);
  free(err);
}
END_TEST

START_TEST(audit_against_and_listed) {
  char *out, *err;
  size_t n;
  /* a commune against itself: nothing to find */
  const char *argv[] = {"audit", "--db", db, "--against", nghia_trung,
                        nghia_trung, NULL};
  int rc = run(argv, &out, &n, &err);
  ck_assert_msg(rc == 0, "exit %d: %s%s", rc, out, err);
  free(out);
  free(err);
  const char *argv2[] = {"audit", "--db", db, "--against", nghia_trung,
                         "-f", "json", nghia_trung, NULL};
  rc = run(argv2, &out, &n, &err);
  ck_assert_msg(rc == 0, "exit %d: %s", rc, err);
  json_t *j = json_loadb(out, n, 0, NULL);
  ck_assert_ptr_nonnull(j);
  ck_assert_uint_eq(json_array_size(json_object_get(j, "findings")), 0);
  json_decref(j);
  free(out);
  free(err);

  /* --against the province file (stored): the plans carrying it out */
  const char *argv3[] = {"audit", "--db", db, "--against", province, "-f",
                         "json", NULL};
  rc = run(argv3, &out, &n, &err);
  ck_assert_msg(rc == 1, "exit %d: %s", rc, err);
  j = json_loadb(out, n, 0, NULL);
  ck_assert_ptr_nonnull(j);
  size_t nfind = json_array_size(json_object_get(j, "findings"));
  ck_assert_uint_gt(nfind, 0);
  json_decref(j);
  free(out);
  free(err);

  /* a province plan not in the store (changed content) is extracted on the
   * fly; the listed commune is taken from the store */
  char copy[4200];
  snprintf(copy, sizeof copy, "%s/province-copy.txt", harness_tmpdir());
  size_t len;
  char *data = harness_read(province, &len);
  ck_assert_ptr_nonnull(data);
  data = realloc(data, len + 16);
  memcpy(data + len, "\n# copy\n", 8);
  ck_assert_int_eq(harness_write(copy, data, len + 8), 0);
  free(data);
  const char *argv4[] = {"audit", "--db", db, "--against", copy, "-f", "json",
                         nghia_trung, NULL};
  rc = run(argv4, &out, &n, &err);
  ck_assert_msg(rc == 1, "exit %d: %s", rc, err);
  j = json_loadb(out, n, 0, NULL);
  ck_assert_ptr_nonnull(j);
  ck_assert_uint_eq(json_array_size(json_object_get(j, "findings")), nfind);
  ck_assert_str_eq(json_string_value(json_object_get(
                       json_object_get(j, "parent"), "path")),
                   copy);
  json_decref(j);
  free(out);
  free(err);

  /* --parent with a listed plan that cites another parent: audited, with a
   * note */
  const char *argv5[] = {"audit", "--db", db, "--parent", "228/KH-UBND",
                         binh_minh, NULL};
  rc = run(argv5, &out, &n, &err);
  ck_assert_int_ge(rc, 0);
  ck_assert_int_le(rc, 1);
  ck_assert_msg(strstr(err, "does not cite 228/KH-UBND") != NULL, "%s", err);
  free(out);
  free(err);
}
END_TEST

START_TEST(usage_errors) {
  char *out, *err;
  const char *a1[] = {"audit", "--db", db, NULL};
  ck_assert_int_eq(run(a1, &out, NULL, &err), 2);
  ck_assert_ptr_nonnull(strstr(err, "--parent NUMBER or --against PLAN"));
  free(out);
  free(err);
  const char *a2[] = {"audit", "--db", db, "--parent", "999/KH-UBND", NULL};
  ck_assert_int_eq(run(a2, &out, NULL, &err), 3);
  ck_assert_ptr_nonnull(strstr(err, "no stored plan is numbered 999/KH-UBND"));
  free(out);
  free(err);
  const char *a3[] = {"audit", "--db", db, "--parent", "228/KH-UBND",
                      "--against", province, NULL};
  ck_assert_int_eq(run(a3, &out, NULL, &err), 2);
  free(out);
  free(err);
  const char *a4[] = {"audit", "--db", "/nonexistent/x.db", "--parent",
                      "228/KH-UBND", NULL};
  ck_assert_int_eq(run(a4, &out, NULL, &err), 2);
  free(out);
  free(err);
  const char *a5[] = {"audit", "--db", db, "--against", "/nonexistent.txt",
                      NULL};
  ck_assert_int_eq(run(a5, &out, NULL, &err), 2);
  free(out);
  free(err);
  const char *a6[] = {"audit", "--db", db, "--parent", "228/KH-UBND", "-f",
                      "xml", NULL};
  ck_assert_int_eq(run(a6, &out, NULL, &err), 2);
  free(out);
  free(err);
  const char *c1[] = {"compare", "--db", "/nonexistent/x.db", NULL};
  ck_assert_int_eq(run(c1, &out, NULL, &err), 2);
  free(out);
  free(err);
  const char *c2[] = {"compare", "--db", db, "-f", "html", NULL};
  ck_assert_int_eq(run(c2, &out, NULL, &err), 2);
  free(out);
  free(err);
  const char *c3[] = {"compare", "--db", db, "--year", "soon", NULL};
  ck_assert_int_eq(run(c3, &out, NULL, &err), 2);
  free(out);
  free(err);
  const char *c4[] = {"compare", "--db", db, "extra.txt", NULL};
  ck_assert_int_eq(run(c4, &out, NULL, &err), 2);
  free(out);
  free(err);
  const char *h[] = {"audit", "--help", NULL};
  ck_assert_int_eq(run(h, &out, NULL, &err), 0);
  ck_assert_ptr_nonnull(strstr(out, "exit codes"));
  free(out);
  free(err);
}
END_TEST

/* "Nothing matched" is exit code 3, not 0 with a message: compare with a
 * province or year no stored plan has, with an indicator or area no stored
 * target has, on an empty store; audit of a parent no plan carries out.
 * The (empty) comparison or audit is still written, and parses. */
START_TEST(nothing_matched_exits_3) {
  char empty[4200];
  snprintf(empty, sizeof empty, "%s/empty.db", harness_tmpdir());
  unlink(empty);
  char *nothing = harness_make_dir("no-plans");
  const char *mk[] = {"ingest", "--db", empty, nothing, NULL};
  char *out, *err;
  ck_assert_int_eq(run(mk, &out, NULL, &err), 0);
  free(out);
  free(err);
  free(nothing);
  const struct {
    const char *argv[10];
    const char *message;
  } cases[] = {
      {{"compare", "--db", db, "--province", "Huế", "-f", "json", NULL},
       "no stored plan matches the --province/--year"},
      {{"compare", "--db", db, "--year", "1999", "-f", "json", NULL},
       "no stored plan matches the --province/--year"},
      {{"compare", "--db", db, "--indicator", "tthc.nope", "-f", "json",
        NULL},
       "no stored target has that indicator"},
      {{"compare", "--db", db, "--area", "nowhere", "-f", "json", NULL},
       "no stored target has an indicator of that area"},
      {{"compare", "--db", empty, "-f", "json", NULL}, "holds no plans"},
      {{"audit", "--db", db, "--parent", "03/QĐ-UBND", "-f", "json", NULL},
       "no stored plan carries out 03/QĐ-UBND"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    const char *const *argv = cases[i].argv;
    const char *cmd = argv[0];
    size_t n;
    int rc = run(argv, &out, &n, &err);
    ck_assert_msg(rc == 3, "%s %s: exit %d: %s", cmd, argv[3], rc, err);
    ck_assert_msg(strstr(err, cases[i].message), "%s %s: %s", cmd, argv[3],
                  err);
    json_t *j = json_loadb(out, n, 0, NULL);
    ck_assert_msg(j != NULL, "%s %s: %s", cmd, argv[3], out);
    json_decref(j);
    free(out);
    free(err);
  }
}
END_TEST

int main(void) {
  make_store();
  Suite *s = suite_create("corpus_cli");
  TCase *tc = tcase_create("chain");
  tcase_set_timeout(tc, 120);
  tcase_add_test(tc, list_shows_the_plans);
  tcase_add_test(tc, compare_table);
  tcase_add_test(tc, compare_csv_and_json);
  tcase_add_test(tc, compare_filters_and_output_file);
  tcase_add_test(tc, audit_parent);
  tcase_add_test(tc, audit_against_and_listed);
  tcase_add_test(tc, usage_errors);
  tcase_add_test(tc, nothing_matched_exits_3);
  suite_add_tcase(s, tc);
  return harness_run(s);
}
