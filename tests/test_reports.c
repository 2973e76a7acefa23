/* test_reports.c: `cchc compare` and `cchc audit` on a store of every plan
 * we have give, byte for byte, the outputs kept in tests/data/reports:
 * standard output, exit code and standard error of each case below, in
 * every format, with filters, listed plans, plans extracted on the fly, a
 * plan stored in two versions and a stored plan whose file is gone.  The
 * kept outputs were written by the build before compare and audit read the
 * store's tables instead of its frames; a change meant to change them is
 * recorded again with `make reports` (CCHC_RECORD_REPORTS=1).
 *
 * The plans are copied into a temporary directory; its path in the outputs
 * (stored paths are absolute) is written @DIR@, and @OUT@ for the plans
 * kept outside the store.
 *
 * Then the store is made a store of schema version 1 again (before the
 * inconsistencies had a table and the targets' index held their values),
 * and the first command brings it up to date: the outputs are the same. */
#define _GNU_SOURCE
#include "harness.h"

#include <dirent.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[4096], out_dir[4096], db[4096];

/* One command: its name (the kept files are NAME.out and NAME.status) and
 * arguments, with @DB@, @DIR@ and @OUT@ replaced. */
typedef struct report_case {
  const char *name;
  const char *args[12];
} report_case;

static const report_case cases[] = {
    {"compare", {"compare", "--db", "@DB@"}},
    {"compare-csv", {"compare", "--db", "@DB@", "-f", "csv"}},
    {"compare-json", {"compare", "--db", "@DB@", "-f", "json"}},
    {"compare-province", {"compare", "--db", "@DB@", "--province", "dong nai"}},
    {"compare-province-json",
     {"compare", "--db", "@DB@", "--province", "Đồng Nai", "-f", "json"}},
    {"compare-year-csv",
     {"compare", "--db", "@DB@", "--year", "2026", "-f", "csv"}},
    {"compare-area-json",
     {"compare", "--db", "@DB@", "--area", "tthc", "-f", "json"}},
    {"compare-area", {"compare", "--db", "@DB@", "--area", "kinh_te_so"}},
    {"compare-indicators-csv",
     {"compare", "--db", "@DB@", "--indicator", "tthc.dung_han",
      "--indicator", "tthc.hai_long", "-f", "csv"}},
    {"compare-no-indicator-json",
     {"compare", "--db", "@DB@", "--indicator", "khong.co", "-f", "json"}},
    {"compare-no-province",
     {"compare", "--db", "@DB@", "--province", "Hà Nội"}},
    {"compare-no-year-csv",
     {"compare", "--db", "@DB@", "--year", "1999", "-f", "csv"}},
    {"audit-228", {"audit", "--db", "@DB@", "--parent", "228/KH-UBND"}},
    {"audit-228-csv",
     {"audit", "--db", "@DB@", "--parent", "228/KH-UBND", "-f", "csv"}},
    {"audit-228-json",
     {"audit", "--db", "@DB@", "--parent", "228 / kh-ubnd", "-f", "json"}},
    {"audit-51", {"audit", "--db", "@DB@", "--parent", "51/KH-UBND"}},
    {"audit-51-json",
     {"audit", "--db", "@DB@", "--parent", "51/KH-UBND", "-f", "json"}},
    {"audit-no-children", {"audit", "--db", "@DB@", "--parent", "144/KH-UBND"}},
    {"audit-no-parent", {"audit", "--db", "@DB@", "--parent", "999/KH-XX"}},
    {"audit-two-parents",
     {"audit", "--db", "@DB@", "--parent", "2623/QĐ-TTg", "-f", "csv"}},
    {"audit-against-csv",
     {"audit", "--db", "@DB@", "--against",
      "@DIR@/dong_nai_228_KH-UBND_2026.txt", "-f", "csv"}},
    {"audit-against-listed",
     {"audit", "--db", "@DB@", "--against",
      "@DIR@/song_may_51_KH-UBND_2026.txt", "@DIR@/004_122b22815aff8c9c.txt",
      "@OUT@/suoi_mo_99.txt", "@DIR@/suoi_mo_7_KH-UBND_2026.txt"}},
    {"audit-listed-json",
     {"audit", "--db", "@DB@", "--parent", "228/KH-UBND",
      "@OUT@/suoi_mo_99.txt", "@DIR@/000_343475c610832db2.txt",
      "@DIR@/binh_minh_2025_2030.txt", "-f", "json"}},
    {"audit-against-unstored-json",
     {"audit", "--db", "@DB@", "--against", "@OUT@/song_may_97.txt", "-f",
      "json"}},
    {"audit-against-gone",
     {"audit", "--db", "@DB@", "--against", "@DIR@/gone/qd2623.txt"}},
    {"audit-inconsistent-csv",
     {"audit", "--db", "@DB@", "--against",
      "@DIR@/dong_nai_228_KH-UBND_2026.txt", "@DIR@/004_122b22815aff8c9c.txt",
      "@DIR@/01_bacninh-kh144-kinh-te-so-xa-hoi-so-2026-2030.txt", "-f",
      "csv"}},
};
#define NCASES (sizeof cases / sizeof *cases)

/* `s` with every `from` replaced by `to`; malloc'd. */
static char *replace_all(const char *s, size_t len, const char *from,
                         const char *to) {
  size_t fl = strlen(from), tl = strlen(to), n = 0;
  for (const char *p = s; (p = memmem(p, len - (size_t)(p - s), from, fl));
       p += fl)
    n++;
  char *r = malloc(len + n * (tl > fl ? tl - fl : 0) + 1), *w = r;
  ck_assert_ptr_nonnull(r);
  for (const char *p = s, *e = s + len; p < e;) {
    const char *m = memmem(p, (size_t)(e - p), from, fl);
    size_t k = m ? (size_t)(m - p) : (size_t)(e - p);
    memcpy(w, p, k);
    w += k;
    if (!m)
      break;
    memcpy(w, to, tl);
    w += tl;
    p = m + fl;
  }
  *w = '\0';
  return r;
}

static void copy_file(const char *from, const char *to_dir, const char *name,
                      const char *append) {
  size_t len;
  char *data = harness_read(from, &len);
  ck_assert_msg(data, "cannot read %s", from);
  char path[8192];
  snprintf(path, sizeof path, "%s/%s", to_dir, name);
  char *whole = NULL;
  int n = asprintf(&whole, "%.*s%s", (int)len, data, append ? append : "");
  ck_assert_int_ge(n, 0);
  ck_assert_int_eq(harness_write(path, whole, (size_t)n), 0);
  free(whole);
  free(data);
}

/* Every *.txt of `src` copied into `to`. */
static void copy_plans(const char *src, const char *to) {
  DIR *d = opendir(src);
  ck_assert_msg(d, "cannot open %s", src);
  struct dirent *e;
  while ((e = readdir(d))) {
    size_t l = strlen(e->d_name);
    if (l < 5 || strcmp(e->d_name + l - 4, ".txt"))
      continue;
    char path[8192];
    snprintf(path, sizeof path, "%s/%s", src, e->d_name);
    copy_file(path, to, e->d_name, NULL);
  }
  closedir(d);
}

/* A copy of `from` into `to_dir`/`name` with `old` replaced by `new`. */
static void edited_copy(const char *from, const char *to_dir, const char *name,
                        const char *old, const char *new) {
  size_t len;
  char *data = harness_read(from, &len);
  ck_assert_msg(data, "cannot read %s", from);
  ck_assert_ptr_nonnull(memmem(data, len, old, strlen(old)));
  char *edited = replace_all(data, len, old, new);
  char path[8192];
  snprintf(path, sizeof path, "%s/%s", to_dir, name);
  ck_assert_int_eq(harness_write(path, edited, strlen(edited)), 0);
  free(edited);
  free(data);
}

static void ingest(const char *what) {
  const char *argv[] = {"ingest", "--db", db, what, NULL};
  harness_result r = harness_cli_run(argv, NULL, 0);
  ck_assert_msg(r.rc == 0, "ingest %s: exit %d: %s", what, r.rc, r.err);
  harness_result_free(&r);
}

/* The store: every plan of the shared corpus, the extra plan, the samples
 * and the test plans; one of them stored again in a second version; a
 * copy of a ministry plan whose file is removed once stored.  Outside it,
 * plans changed so that they are extracted on the fly. */
static void make_store(void) {
  char base[4096], src[16384];
  snprintf(base, sizeof base, "%s/reports", harness_tmpdir());
  ck_assert_int_eq(mkdir(base, 0700), 0);
  char *real = realpath(base, NULL);
  ck_assert_ptr_nonnull(real);
  snprintf(dir, sizeof dir, "%s/plans", real);
  snprintf(out_dir, sizeof out_dir, "%s/outside", real);
  snprintf(db, sizeof db, "%s/store.db", real);
  free(real);
  ck_assert_int_eq(mkdir(dir, 0700), 0);
  ck_assert_int_eq(mkdir(out_dir, 0700), 0);
  const char *shared_dirs[] = {"corpus", "corpus/province-national", "extra"};
  for (size_t i = 0; i < 3; i++) {
    snprintf(src, sizeof src, "%s/%s", harness_shared(), shared_dirs[i]);
    copy_plans(src, dir);
  }
  const char *root_dirs[] = {"samples", "tests/data"};
  for (size_t i = 0; i < 2; i++) {
    snprintf(src, sizeof src, "%s/%s", harness_root(), root_dirs[i]);
    copy_plans(src, dir);
  }
  char gone[8192];
  snprintf(gone, sizeof gone, "%s/gone", dir);
  ck_assert_int_eq(mkdir(gone, 0700), 0);
  snprintf(src, sizeof src, "%s/12_qd2623-ttg-ke-hoach-luat-bao-ve-du-lieu-"
                            "ca-nhan.txt", dir);
  copy_file(src, gone, "qd2623.txt", "\nBản sao.\n");
  ingest(dir);

  snprintf(src, sizeof src, "%s/binh_minh_2025_2030.txt", dir);
  copy_file(src, dir, "binh_minh_2025_2030.txt",
            "\nKế hoạch này thay thế bản trước.\n");
  ingest(dir);
  snprintf(src, sizeof src, "%s/qd2623.txt", gone);
  ck_assert_int_eq(unlink(src), 0);
  ck_assert_int_eq(rmdir(gone), 0);

  snprintf(src, sizeof src, "%s/suoi_mo_7_KH-UBND_2026.txt", dir);
  edited_copy(src, out_dir, "suoi_mo_99.txt", "tối thiểu 95%",
              "tối thiểu 99%");
  snprintf(src, sizeof src, "%s/song_may_51_KH-UBND_2026.txt", dir);
  edited_copy(src, out_dir, "song_may_97.txt", "tối thiểu 98%",
              "tối thiểu 97%");
}

static char *kept_path(const char *name, const char *ext) {
  char *p = NULL;
  ck_assert_int_ge(asprintf(&p, "%s/tests/data/reports/%s.%s", harness_root(),
                            name, ext),
                   0);
  return p;
}

/* Line (1-based) of the first byte where a and b differ. */
static size_t first_difference(const char *a, const char *b) {
  size_t line = 1;
  for (size_t i = 0; a[i] && a[i] == b[i]; i++)
    line += a[i] == '\n';
  return line;
}

static void check_or_record(const char *name, const char *ext,
                            const char *got, bool record) {
  char *path = kept_path(name, ext);
  if (record) {
    ck_assert_int_eq(harness_write(path, got, strlen(got)), 0);
  } else {
    char *kept = harness_read(path, NULL);
    ck_assert_msg(kept, "no kept output %s (make reports)", path);
    ck_assert_msg(strcmp(kept, got) == 0, "%s: differs from %s at line %zu",
                  name, path, first_difference(kept, got));
    free(kept);
  }
  free(path);
}

/* Each case run; its outputs with the directories written as @DIR@ and
 * @OUT@. */
static void run_cases(bool record) {
  for (size_t i = 0; i < NCASES; i++) {
    const char *argv[16] = {0};
    char *owned[16] = {0};
    for (size_t k = 0; cases[i].args[k]; k++) {
      char *a = replace_all(cases[i].args[k], strlen(cases[i].args[k]),
                            "@DB@", db);
      char *b = replace_all(a, strlen(a), "@DIR@", dir);
      owned[k] = replace_all(b, strlen(b), "@OUT@", out_dir);
      argv[k] = owned[k];
      free(a);
      free(b);
    }
    harness_result r = harness_cli_run(argv, NULL, 0);
    char *status = NULL;
    ck_assert_int_ge(asprintf(&status, "exit %d\n%s", r.rc, r.err), 0);
    const char *texts[2] = {r.out, status};
    size_t lens[2] = {r.outlen, strlen(status)};
    const char *exts[2] = {"out", "status"};
    for (int k = 0; k < 2; k++) {
      char *a = replace_all(texts[k], lens[k], dir, "@DIR@");
      char *b = replace_all(a, strlen(a), out_dir, "@OUT@");
      check_or_record(cases[i].name, exts[k], b, record);
      free(a);
      free(b);
    }
    free(status);
    harness_result_free(&r);
    for (size_t k = 0; owned[k]; k++)
      free(owned[k]);
  }
}

/* The store as version 1 of the schema left it. */
static void make_version_1(void) {
  sqlite3 *h = NULL;
  ck_assert_int_eq(sqlite3_open(db, &h), SQLITE_OK);
  ck_assert_int_eq(sqlite3_exec(h,
                                "DROP TABLE inconsistencies;"
                                "DROP INDEX targets_indicator;"
                                "CREATE INDEX targets_indicator"
                                " ON targets (indicator);"
                                "PRAGMA user_version = 1;",
                                NULL, NULL, NULL),
                   SQLITE_OK);
  sqlite3_close(h);
}

static long long version_of_store(void) {
  sqlite3 *h = NULL;
  sqlite3_stmt *st = NULL;
  ck_assert_int_eq(sqlite3_open(db, &h), SQLITE_OK);
  ck_assert_int_eq(sqlite3_prepare_v2(h, "PRAGMA user_version", -1, &st, NULL),
                   SQLITE_OK);
  ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
  long long v = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  sqlite3_close(h);
  return v;
}

START_TEST(outputs_as_kept) {
  const char *rec = getenv("CCHC_RECORD_REPORTS");
  bool record = rec && *rec && strcmp(rec, "0") != 0;
  make_store();
  run_cases(record);
  if (record)
    return;
  make_version_1();
  run_cases(false);
  ck_assert_int_eq(version_of_store(), CCHC_STORE_SCHEMA_VERSION);
}
END_TEST

int main(void) {
  Suite *s = suite_create("reports");
  TCase *tc = tcase_create("store");
  tcase_set_timeout(tc, 600);
  tcase_add_test(tc, outputs_as_kept);
  suite_add_tcase(s, tc);
  return harness_run(s);
}
