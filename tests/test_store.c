/* test_store.c: the store (cchc_store_*) and `cchc ingest` / `cchc list`.
 *
 * - schema: user_version, WAL, integrity_check, reopening is harmless;
 * - ingest of the corpus (cchc_store_check, cchc_process, cchc_store_put):
 *   one document per plan, relational rows equal to the frame's counts,
 *   frame JSON stored whole;
 * - idempotence (same content: unchanged, row counts unchanged) and
 *   versions (new content under the same path: version 2, version 1 kept,
 *   iteration sees only the latest);
 * - batches: plans put in a batch are seen by its own connection only
 *   until the commit, and not at all after a rollback; a frame put with
 *   its JSON rendered by the caller is stored as cchc_store_put stores
 *   it;
 * - the CLI: a batch with an invalid UTF-8 file (reported with its line,
 *   exit 1, the others stored), summary line, `cchc list`;
 * - crash safety: a child `cchc ingest` of 40 plans is SIGKILLed in the
 *   middle; the store is then intact, no plan is half-stored, and a second
 *   run completes the batch; a child `cchc ingest -v` of 400 small plans,
 *   committed in groups, is SIGKILLed after several groups: every plan it
 *   logged as stored is stored, whole;
 * - watch mode: a rejected drop (moved to rejected/ with its reason), two
 *   plans stored, a clean stop on SIGTERM. */
#define _GNU_SOURCE
#include "harness.h"

#include <fcntl.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static char **corpus;
static size_t ncorpus;

static void free_rules(void) { harness_free_rules(); }

/* A fresh path under the temporary directory. */
static char *tmp_path(const char *name) {
  static int seq;
  char *p = NULL;
  ck_assert_int_ge(asprintf(&p, "%s/%s-%d-%d", harness_tmpdir(), name,
                            (int)getpid(), seq++),
                   0);
  return p;
}

/* One integer from a query on the database file `db`. */
static long long query_int(const char *db, const char *sql) {
  sqlite3 *h = NULL;
  ck_assert_int_eq(sqlite3_open_v2(db, &h, SQLITE_OPEN_READWRITE, NULL),
                   SQLITE_OK);
  sqlite3_busy_timeout(h, 10000);
  sqlite3_stmt *st = NULL;
  ck_assert_msg(sqlite3_prepare_v2(h, sql, -1, &st, NULL) == SQLITE_OK,
                "%s: %s", sql, sqlite3_errmsg(h));
  ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
  long long v = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  sqlite3_close(h);
  return v;
}

static char *query_text(const char *db, const char *sql) {
  sqlite3 *h = NULL;
  ck_assert_int_eq(sqlite3_open_v2(db, &h, SQLITE_OPEN_READWRITE, NULL),
                   SQLITE_OK);
  sqlite3_stmt *st = NULL;
  ck_assert_int_eq(sqlite3_prepare_v2(h, sql, -1, &st, NULL), SQLITE_OK);
  ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
  const unsigned char *t = sqlite3_column_text(st, 0);
  char *v = strdup(t ? (const char *)t : "");
  sqlite3_finalize(st);
  sqlite3_close(h);
  return v;
}

static cchc_store *open_store(const char *db) {
  cchc_store *s = NULL;
  cchc_error err = {0};
  ck_assert_msg(cchc_store_open(db, &s, &err) == CCHC_OK, "open %s: %s", db,
                err.message);
  return s;
}

/* What `cchc ingest` does with one plan (hash, check, process, put), but
 * always processing and putting, so that both the check and the put's own
 * no-op for unchanged content are tested: the check foretells the put. */
static cchc_ingest_result ingest(cchc_store *s, const char *path,
                                 const char *data, size_t len) {
  cchc_ingest_result r, check;
  cchc_error err = {0};
  char sha[65];
  ck_assert_int_eq(cchc_sha256_hex(data, len, sha, &err), CCHC_OK);
  ck_assert_msg(cchc_store_check(s, path, sha, &check, &err) == CCHC_OK,
                "check %s: %s", path, err.message);
  cchc_process_options opt = {.path = path, .sha256 = sha};
  cchc_frame *f = NULL;
  ck_assert_msg(cchc_process(harness_rules(), data, len, &opt, &f, &err) ==
                    CCHC_OK,
                "process %s: %s", path, err.message);
  ck_assert_msg(cchc_store_put(s, f, &r, &err) == CCHC_OK, "put %s: %s",
                path, err.message);
  cchc_frame_free(f);
  ck_assert_int_eq(check.outcome, r.outcome);
  if (r.outcome == CCHC_INGEST_UNCHANGED) {
    ck_assert_int_eq(check.document_id, r.document_id);
    ck_assert_int_eq(check.version, r.version);
  }
  return r;
}

static void ingest_file(cchc_store *s, const char *path,
                        cchc_ingest_outcome want) {
  size_t len;
  char *data = harness_read(path, &len);
  ck_assert_ptr_nonnull(data);
  cchc_ingest_result r = ingest(s, path, data, len);
  ck_assert_msg(r.outcome == want, "%s: outcome %d, want %d", path,
                (int)r.outcome, (int)want);
  free(data);
}

/* Every stored document has exactly as many target, task and deadline
 * rows as its frame JSON has items.  Returns the number of documents. */
static long long check_rows_match_frames(const char *db) {
  sqlite3 *h = NULL;
  ck_assert_int_eq(sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL),
                   SQLITE_OK);
  sqlite3_stmt *st = NULL;
  ck_assert_int_eq(
      sqlite3_prepare_v2(
          h,
          "SELECT d.path, d.frame,"
          " (SELECT count(*) FROM targets t WHERE t.document_id = d.id),"
          " (SELECT count(*) FROM tasks t WHERE t.document_id = d.id),"
          " (SELECT count(*) FROM deadlines t WHERE t.document_id = d.id),"
          " (SELECT count(*) FROM inconsistencies t"
          "  WHERE t.document_id = d.id)"
          " FROM documents d",
          -1, &st, NULL),
      SQLITE_OK);
  long long n = 0;
  while (sqlite3_step(st) == SQLITE_ROW) {
    const char *path = (const char *)sqlite3_column_text(st, 0);
    const char *json = (const char *)sqlite3_column_text(st, 1);
    cchc_frame *f = NULL;
    cchc_error err = {0};
    ck_assert_msg(cchc_frame_from_json(json, strlen(json), &f, &err) ==
                      CCHC_OK,
                  "%s: frame JSON: %s", path, err.message);
    ck_assert_int_eq(sqlite3_column_int64(st, 2), cchc_frame_targets(f));
    ck_assert_int_eq(sqlite3_column_int64(st, 3), cchc_frame_tasks(f));
    ck_assert_int_eq(sqlite3_column_int64(st, 4), cchc_frame_deadlines(f));
    ck_assert_int_eq(sqlite3_column_int64(st, 5),
                     cchc_frame_inconsistencies(f));
    cchc_frame_free(f);
    n++;
  }
  sqlite3_finalize(st);
  sqlite3_close(h);
  return n;
}

static void assert_integrity(const char *db) {
  char *ic = query_text(db, "PRAGMA integrity_check");
  ck_assert_str_eq(ic, "ok");
  free(ic);
  ck_assert_int_eq(query_int(db, "SELECT count(*) FROM pragma_foreign_key_check"),
                   0);
}

/* ------------------------------------------------------------------ */
/* Library                                                             */

START_TEST(schema_created) {
  char *db = tmp_path("schema.db");
  cchc_store *s = open_store(db);
  cchc_store_close(s);
  ck_assert_int_eq(query_int(db, "PRAGMA user_version"),
                   CCHC_STORE_SCHEMA_VERSION);
  char *mode = query_text(db, "PRAGMA journal_mode");
  ck_assert_str_eq(mode, "wal");
  free(mode);
  assert_integrity(db);
  ck_assert_int_eq(
      query_int(db, "SELECT count(*) FROM sqlite_master WHERE type = 'table'"
                    " AND name IN ('documents', 'targets', 'deadlines',"
                    " 'tasks', 'task_units', 'doc_references')"),
      6);
  /* Reopening an up-to-date store changes nothing. */
  s = open_store(db);
  cchc_store_close(s);
  ck_assert_int_eq(query_int(db, "PRAGMA user_version"),
                   CCHC_STORE_SCHEMA_VERSION);

  free(db);
}
END_TEST

/* A schema version outside 0..CCHC_STORE_SCHEMA_VERSION is refused with a
 * message naming it and the range this build knows, and the file is left
 * as it was: one newer than this build, and a negative one (which indexed
 * the migrations at -1).  The CLI says so and exits 2. */
START_TEST(schema_version_out_of_range) {
  static const int versions[] = {99, CCHC_STORE_SCHEMA_VERSION + 1, -1,
                                 -2147483647 - 1};
  for (size_t i = 0; i < sizeof versions / sizeof *versions; i++) {
    char *db = tmp_path("version.db");
    sqlite3 *h = NULL;
    char pragma[64];
    snprintf(pragma, sizeof pragma, "PRAGMA user_version = %d", versions[i]);
    ck_assert_int_eq(sqlite3_open(db, &h), SQLITE_OK);
    ck_assert_int_eq(sqlite3_exec(h, pragma, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(h);
    cchc_error err = {0};
    cchc_store *s = NULL;
    ck_assert_int_eq(cchc_store_open(db, &s, &err), CCHC_ERR_UNSUPPORTED);
    ck_assert_ptr_null(s);
    char want[32];
    snprintf(want, sizeof want, "schema version %d ", versions[i]);
    ck_assert_msg(strstr(err.message, want) != NULL, "%s", err.message);
    ck_assert_int_eq(query_int(db, "PRAGMA user_version"), versions[i]);
    ck_assert_int_eq(
        query_int(db, "SELECT count(*) FROM sqlite_master"), 0);

    const char *argv[] = {"list", "--db", db, NULL};
    harness_result r = harness_cli_bounded(argv, NULL,
                                           (harness_limits){30, 0});
    ck_assert_int_eq(r.rc, 2);
    ck_assert_msg(strstr(r.err, want) != NULL, "%s", r.err);
    harness_result_free(&r);
    free(db);
  }
}
END_TEST

typedef struct counts {
  size_t frames;
  size_t plans;
  bool saw_nghia_trung;
} counts;

static int count_frame(void *ctx, int64_t id, const char *json) {
  counts *c = ctx;
  ck_assert_int_gt(id, 0);
  ck_assert_ptr_nonnull(strstr(json, "\"schema\""));
  c->frames++;
  return 0;
}

static int count_plan(void *ctx, const cchc_store_plan *p) {
  counts *c = ctx;
  c->plans++;
  if (p->place && strcmp(p->place, "Nghĩa Trung") == 0)
    c->saw_nghia_trung = true;
  ck_assert_ptr_nonnull(p->path);
  ck_assert_ptr_nonnull(p->ingested_at);
  return 0;
}

START_TEST(corpus_ingested_and_idempotent) {
  ck_assert_uint_gt(ncorpus, 0);
  char *db = tmp_path("corpus.db");
  cchc_store *s = open_store(db);
  size_t want_targets = 0, want_tasks = 0;
  for (size_t i = 0; i < ncorpus; i++) {
    size_t len;
    char *data = harness_read(corpus[i], &len);
    ck_assert_ptr_nonnull(data);
    cchc_ingest_result r = ingest(s, corpus[i], data, len);
    ck_assert_int_eq(r.outcome, CCHC_INGEST_ADDED);
    ck_assert_int_eq(r.version, 1);
    /* Counts equal to the frame extracted independently. */
    cchc_frame *frame = harness_process(harness_rules(), data, len);
    ck_assert_uint_eq(r.targets, cchc_frame_targets(frame));
    ck_assert_uint_eq(r.tasks, cchc_frame_tasks(frame));
    want_targets += r.targets;
    want_tasks += r.tasks;
    cchc_frame_free(frame);
    free(data);
  }
  ck_assert_int_eq(query_int(db, "SELECT count(*) FROM documents"),
                   (long long)ncorpus);
  ck_assert_int_eq(query_int(db, "SELECT count(*) FROM targets"),
                   (long long)want_targets);
  ck_assert_int_eq(query_int(db, "SELECT count(*) FROM tasks"),
                   (long long)want_tasks);
  ck_assert_int_eq(check_rows_match_frames(db), (long long)ncorpus);
  ck_assert_int_gt(query_int(db, "SELECT count(*) FROM task_units"), 0);
  ck_assert_int_gt(query_int(db, "SELECT count(*) FROM doc_references"), 0);

  /* Again: every plan unchanged, no row added. */
  const char *tables[] = {"documents", "targets", "deadlines", "tasks",
                          "task_units", "doc_references"};
  long long before[6];
  char sql[128];
  for (int t = 0; t < 6; t++) {
    snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", tables[t]);
    before[t] = query_int(db, sql);
  }
  for (size_t i = 0; i < ncorpus; i++)
    ingest_file(s, corpus[i], CCHC_INGEST_UNCHANGED);
  for (int t = 0; t < 6; t++) {
    snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", tables[t]);
    ck_assert_int_eq(query_int(db, sql), before[t]);
  }

  counts c = {0};
  cchc_error err = {0};
  ck_assert_int_eq(cchc_store_each_frame(s, NULL, 0, count_frame, &c, &err),
                   CCHC_OK);
  ck_assert_uint_eq(c.frames, ncorpus);
  ck_assert_int_eq(cchc_store_each_plan(s, count_plan, &c, &err), CCHC_OK);
  ck_assert_uint_eq(c.plans, ncorpus);
  ck_assert(c.saw_nghia_trung);
  /* Province filter by match key: no diacritics, other case. */
  c.frames = 0;
  ck_assert_int_eq(
      cchc_store_each_frame(s, "dong nai", 0, count_frame, &c, &err),
      CCHC_OK);
  long long dong_nai = query_int(
      db, "SELECT count(*) FROM documents WHERE province = 'Đồng Nai'");
  ck_assert_int_gt(dong_nai, 0);
  ck_assert_int_eq((long long)c.frames, dong_nai);
  c.frames = 0;
  ck_assert_int_eq(
      cchc_store_each_frame(s, "Đồng Nai", 1999, count_frame, &c, &err),
      CCHC_OK);
  ck_assert_uint_eq(c.frames, 0);
  cchc_store_close(s);
  assert_integrity(db);
  free(db);
}
END_TEST

/* A frame of plan i of the corpus under `path`. */
static cchc_frame *corpus_frame(size_t i, const char *path) {
  size_t len;
  char *data = harness_read(corpus[i], &len);
  ck_assert_ptr_nonnull(data);
  char sha[65];
  cchc_error err = {0};
  ck_assert_int_eq(cchc_sha256_hex(data, len, sha, &err), CCHC_OK);
  cchc_process_options opt = {.path = path, .sha256 = sha};
  cchc_frame *f = NULL;
  ck_assert_int_eq(cchc_process(harness_rules(), data, len, &opt, &f, &err),
                   CCHC_OK);
  free(data);
  return f;
}

START_TEST(batches) {
  ck_assert_uint_gt(ncorpus, 1);
  char *db = tmp_path("batch.db");
  cchc_store *s = open_store(db);
  cchc_frame *a = corpus_frame(0, "/plans/a.txt");
  cchc_frame *b = corpus_frame(1, "/plans/b.txt");
  cchc_error err = {0};
  cchc_ingest_result r, check;

  /* Rolled back: nothing. */
  ck_assert_int_eq(cchc_store_begin(s, &err), CCHC_OK);
  ck_assert_int_eq(cchc_store_begin(s, &err), CCHC_ERR_INVALID);
  ck_assert_int_eq(cchc_store_put(s, a, &r, &err), CCHC_OK);
  ck_assert_int_eq(r.outcome, CCHC_INGEST_ADDED);
  ck_assert_int_eq(cchc_store_check(s, "/plans/a.txt", cchc_frame_sha256(a),
                                    &check, &err),
                   CCHC_OK);
  ck_assert_int_eq(check.outcome, CCHC_INGEST_UNCHANGED);
  ck_assert_int_eq(query_int(db, "SELECT count(*) FROM documents"), 0);
  cchc_store_rollback(s);
  ck_assert_int_eq(cchc_store_commit(s, &err), CCHC_ERR_INVALID);
  ck_assert_int_eq(query_int(db, "SELECT count(*) FROM documents"), 0);
  ck_assert_int_eq(cchc_store_check(s, "/plans/a.txt", cchc_frame_sha256(a),
                                    &check, &err),
                   CCHC_OK);
  ck_assert_int_eq(check.outcome, CCHC_INGEST_ADDED);

  /* Committed: both, one with its JSON rendered here. */
  char *json = NULL;
  size_t len = 0;
  ck_assert_int_eq(cchc_render(b, CCHC_FORMAT_JSONL, 0, &json, &len, &err),
                   CCHC_OK);
  ck_assert_int_eq(cchc_store_begin(s, &err), CCHC_OK);
  ck_assert_int_eq(cchc_store_put(s, a, &r, &err), CCHC_OK);
  ck_assert_int_eq(cchc_store_put_rendered(s, b, json, len, &r, &err),
                   CCHC_OK);
  ck_assert_int_eq(r.outcome, CCHC_INGEST_ADDED);
  ck_assert_int_eq(query_int(db, "SELECT count(*) FROM documents"), 0);
  ck_assert_int_eq(cchc_store_commit(s, &err), CCHC_OK);
  ck_assert_int_eq(query_int(db, "SELECT count(*) FROM documents"), 2);
  ck_assert_int_eq(check_rows_match_frames(db), 2);
  char *stored = query_text(db, "SELECT frame FROM documents"
                                " WHERE path = '/plans/b.txt'");
  ck_assert_uint_eq(strlen(stored), len - 1); /* without the newline */
  ck_assert(strncmp(stored, json, len - 1) == 0);
  /* Put again, in a batch or not: unchanged. */
  ck_assert_int_eq(cchc_store_put_rendered(s, b, json, len, &r, &err),
                   CCHC_OK);
  ck_assert_int_eq(r.outcome, CCHC_INGEST_UNCHANGED);
  free(stored);
  free(json);
  cchc_frame_free(a);
  cchc_frame_free(b);
  cchc_store_close(s);
  assert_integrity(db);
  free(db);
}
END_TEST

START_TEST(new_version_keeps_old) {
  ck_assert_uint_gt(ncorpus, 0);
  char *db = tmp_path("versions.db");
  cchc_store *s = open_store(db);
  size_t len;
  char *data = harness_read(corpus[0], &len);
  ck_assert_ptr_nonnull(data);
  const char *key = "/plans/ke-hoach.txt";
  cchc_ingest_result r1 = ingest(s, key, data, len);
  ck_assert_int_eq(r1.outcome, CCHC_INGEST_ADDED);
  /* Changed content under the same path. */
  char *changed = NULL;
  ck_assert_int_ge(asprintf(&changed, "%s\nBản sửa đổi.\n", data), 0);
  cchc_ingest_result r2 = ingest(s, key, changed, strlen(changed));
  ck_assert_int_eq(r2.outcome, CCHC_INGEST_NEW_VERSION);
  ck_assert_int_eq(r2.version, 2);
  ck_assert_int_ne(r2.document_id, r1.document_id);
  /* The same changed content again: unchanged (latest version). */
  cchc_ingest_result r3 = ingest(s, key, changed, strlen(changed));
  ck_assert_int_eq(r3.outcome, CCHC_INGEST_UNCHANGED);
  ck_assert_int_eq(r3.document_id, r2.document_id);
  /* Back to the first content: a third version. */
  cchc_ingest_result r4 = ingest(s, key, data, len);
  ck_assert_int_eq(r4.outcome, CCHC_INGEST_NEW_VERSION);
  ck_assert_int_eq(r4.version, 3);
  ck_assert_int_eq(query_int(db, "SELECT count(*) FROM documents"), 3);
  ck_assert_int_eq(query_int(db, "SELECT count(DISTINCT sha256) FROM "
                                 "documents"),
                   2);
  ck_assert_int_eq(check_rows_match_frames(db), 3);
  counts c = {0};
  cchc_error err = {0};
  ck_assert_int_eq(cchc_store_each_frame(s, NULL, 0, count_frame, &c, &err),
                   CCHC_OK);
  ck_assert_uint_eq(c.frames, 1); /* latest version only */

  /* A bad input gives no frame; a frame without a source path (standard
   * input) has no key and is refused; neither stores anything. */
  static const char bad[] = "Kế hoạch \xC3\x28 cải cách";
  cchc_error e2 = {0};
  cchc_process_options bad_opt = {.path = "/plans/bad.txt"};
  cchc_frame *bf = NULL;
  ck_assert_int_eq(cchc_process(harness_rules(), bad, sizeof bad - 1,
                                &bad_opt, &bf, &e2),
                   CCHC_ERR_ENCODING);
  ck_assert_ptr_null(bf);
  bf = harness_process(harness_rules(), changed, strlen(changed));
  ck_assert_int_eq(cchc_store_put(s, bf, NULL, &e2), CCHC_ERR_INVALID);
  cchc_frame_free(bf);
  ck_assert_int_eq(query_int(db, "SELECT count(*) FROM documents"), 3);
  cchc_store_close(s);
  free(changed);
  free(data);
  free(db);
}
END_TEST

/* Document text that looks like SQL is stored as data. */
START_TEST(hostile_text_is_data) {
  char *db = tmp_path("hostile.db");
  cchc_store *s = open_store(db);
  static const char plan[] =
      "KẾ HOẠCH\nCải cách hành chính năm 2026 của xã Nghĩa'); DROP TABLE "
      "documents;--\n"
      "- Tỷ lệ hồ sơ giải quyết đúng hạn đạt tối thiểu 98%.\n";
  cchc_ingest_result r =
      ingest(s, "x'); DROP TABLE targets;--", plan, sizeof plan - 1);
  ck_assert_int_eq(r.outcome, CCHC_INGEST_ADDED);
  cchc_store_close(s);
  ck_assert_int_eq(query_int(db, "SELECT count(*) FROM documents"), 1);
  ck_assert_int_eq(query_int(db, "SELECT count(*) FROM targets"),
                   (long long)r.targets);
  free(db);
}
END_TEST

/* ------------------------------------------------------------------ */
/* CLI                                                                 */

START_TEST(cli_batch_with_bad_file) {
  ck_assert_uint_gt(ncorpus, 1);
  char *dir = tmp_path("batch");
  char *sub = NULL, *db = NULL, *bad = NULL;
  ck_assert_int_eq(mkdir(dir, 0777), 0);
  ck_assert_int_ge(asprintf(&sub, "%s/sub", dir), 0);
  ck_assert_int_eq(mkdir(sub, 0777), 0);
  ck_assert_int_ge(asprintf(&db, "%s.db", dir), 0);
  for (size_t i = 0; i < ncorpus; i++) {
    size_t len;
    char *data = harness_read(corpus[i], &len);
    char *p = NULL;
    ck_assert_int_ge(asprintf(&p, "%s/%s/plan%zu.txt", dir,
                              i % 2 ? "sub" : ".", i),
                     0);
    ck_assert_int_eq(harness_write(p, data, len), 0);
    free(p);
    free(data);
  }
  /* Not *.txt: ignored in a directory. */
  char *ignored = NULL;
  ck_assert_int_ge(asprintf(&ignored, "%s/notes.md", dir), 0);
  ck_assert_int_eq(harness_write(ignored, "\xff\xfe", 2), 0);
  /* Valid UTF-8 with one invalid sequence on line 3. */
  static const char badtext[] =
      "KẾ HOẠCH\nCải cách hành chính năm 2026\nTỷ lệ \xC3\x28 đạt 98%\n";
  ck_assert_int_ge(asprintf(&bad, "%s/sub/bad.txt", dir), 0);
  ck_assert_int_eq(harness_write(bad, badtext, sizeof badtext - 1), 0);

  char *out = NULL, *err = NULL;
  const char *argv[] = {"ingest", "--db", db, dir, NULL};
  int rc = harness_cli(argv, NULL, 0, &out, NULL, &err);
  ck_assert_msg(rc == 1, "exit %d: %s", rc, err);
  char *want = NULL;
  ck_assert_int_ge(asprintf(&want, "cchc: %s:3: ", bad), 0);
  ck_assert_msg(strstr(err, want) != NULL, "stderr: %s", err);
  ck_assert_msg(strstr(err, "notes.md") == NULL, "stderr: %s", err);
  char *summary = NULL;
  ck_assert_int_ge(asprintf(&summary,
                            "%zu added, 0 unchanged, 0 new versions, 1 failed",
                            ncorpus),
                   0);
  ck_assert_msg(strstr(out, summary) != NULL, "stdout: %s", out);
  ck_assert_int_eq(query_int(db, "SELECT count(*) FROM documents"),
                   (long long)ncorpus);
  ck_assert_int_eq(check_rows_match_frames(db), (long long)ncorpus);
  free(out);
  free(err);

  /* Again, with a file named explicitly: all unchanged but the bad one. */
  const char *argv2[] = {"ingest", "--db", db, dir, corpus[0], NULL};
  rc = harness_cli(argv2, NULL, 0, &out, NULL, &err);
  ck_assert_int_eq(rc, 1);
  free(summary);
  ck_assert_int_ge(asprintf(&summary,
                            "1 added, %zu unchanged, 0 new versions, 1 failed",
                            ncorpus),
                   0);
  ck_assert_msg(strstr(out, summary) != NULL, "stdout: %s", out);
  free(out);
  free(err);

  /* cchc list: a table with the plans. */
  const char *argv3[] = {"list", "--db", db, NULL};
  rc = harness_cli(argv3, NULL, 0, &out, NULL, &err);
  ck_assert_msg(rc == 0, "exit %d: %s", rc, err);
  ck_assert_msg(strstr(out, "Nghĩa Trung") != NULL, "list: %s", out);
  ck_assert_msg(strstr(out, "228/KH-UBND") != NULL, "list: %s", out);
  ck_assert_msg(strstr(out, "level") == out, "list: %s", out);
  free(out);
  free(err);

  /* $CCHC_DB is the default store. */
  setenv("CCHC_DB", db, 1);
  const char *argv4[] = {"list", NULL};
  rc = harness_cli(argv4, NULL, 0, &out, NULL, &err);
  unsetenv("CCHC_DB");
  ck_assert_int_eq(rc, 0);
  ck_assert_ptr_nonnull(strstr(out, "Nghĩa Trung"));
  free(out);
  free(err);

  /* Usage errors. */
  const char *argv7[] = {"list", "--db", "/nonexistent.db", NULL};
  ck_assert_int_eq(harness_cli(argv7, NULL, 0, NULL, NULL, NULL), 2);
  const char *argv5[] = {"ingest", "--db", db, NULL};
  ck_assert_int_eq(harness_cli(argv5, NULL, 0, NULL, NULL, NULL), 2);
  const char *argv6[] = {"ingest", "--db", "/nonexistent/dir/x.db", dir,
                         NULL};
  ck_assert_int_eq(harness_cli(argv6, NULL, 0, NULL, NULL, NULL), 2);
  free(summary);
  free(want);
  free(ignored);
  free(bad);
  free(db);
  free(sub);
  free(dir);
}
END_TEST

/* 40 plans with distinct content (a trailing line with the copy's
 * number): the child is killed as soon as the first is stored. */
#define NCOPIES 40
/* The batch a kill interrupts: long enough that its first group (committed
 * after BATCH_MS, cli/cmd_ingest.c) comes well before its end however fast
 * extraction gets; 40 plans once took about that long alone. */
#define CRASH_COPIES 200

static char *make_copies(int ncopies) {
  char *dir = tmp_path("copies");
  ck_assert_int_eq(mkdir(dir, 0777), 0);
  size_t *lens = calloc(ncorpus, sizeof *lens);
  char **texts = calloc(ncorpus, sizeof *texts);
  for (size_t i = 0; i < ncorpus; i++) {
    texts[i] = harness_read(corpus[i], &lens[i]);
    ck_assert_ptr_nonnull(texts[i]);
  }
  for (int k = 0; k < ncopies; k++) {
    size_t i = (size_t)k % ncorpus;
    char *p = NULL, *data = NULL;
    ck_assert_int_ge(asprintf(&p, "%s/copy%03d.txt", dir, k), 0);
    int n = asprintf(&data, "%.*s\nBản sao số %d.\n", (int)lens[i], texts[i],
                     k);
    ck_assert_int_ge(n, 0);
    ck_assert_int_eq(harness_write(p, data, (size_t)n), 0);
    free(data);
    free(p);
  }
  for (size_t i = 0; i < ncorpus; i++)
    free(texts[i]);
  free(texts);
  free(lens);
  return dir;
}

/* A full disk mid-batch (the store cannot grow past a file size limit):
 * the batch stops, the plan being stored failed, the others are counted
 * as not tried rather than as failed, and the store is intact. */
START_TEST(full_disk_mid_batch) {
  ck_assert_uint_gt(ncorpus, 0);
  char *dir = make_copies(NCOPIES);
  char *db = NULL;
  ck_assert_int_ge(asprintf(&db, "%s.db", dir), 0);
  const char *argv[] = {"ingest", "--db", db, dir, NULL};
  harness_result r = harness_cli_bounded(
      argv, NULL, (harness_limits){.seconds = 120, .file_size = 512 << 10});
  ck_assert_msg(r.rc == 2, "exit %d (-1: killed by a signal): %s", r.rc,
                r.err);
  assert_integrity(db);
  long long stored = check_rows_match_frames(db);
  ck_assert_int_lt(stored, NCOPIES - 1);
  char *summary = NULL, *stopped = NULL;
  long long untried = NCOPIES - stored - 1;
  ck_assert_int_ge(asprintf(&summary,
                            "%lld added, 0 unchanged, 0 new versions, "
                            "1 failed, %lld not tried\n",
                            stored, untried),
                   0);
  ck_assert_msg(strstr(r.out, summary) != NULL, "stdout: %s", r.out);
  ck_assert_int_ge(asprintf(&stopped, "cchc: stopped: %lld inputs not tried",
                            untried),
                   0);
  ck_assert_msg(strstr(r.err, stopped) != NULL, "stderr: %s", r.err);
  harness_result_free(&r);
  free(stopped);
  free(summary);
  free(db);
  free(dir);
}
END_TEST

static long long documents_now(const char *db) {
  sqlite3 *h = NULL;
  long long n = 0;
  if (sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK) {
    sqlite3_busy_timeout(h, 1000);
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(h, "SELECT count(*) FROM documents", -1, &st,
                           NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
      n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
  }
  sqlite3_close(h);
  return n;
}

/* `cchc ARGS...` (NULL-terminated) started in a child process, its
 * standard output to the file `log` (NULL: /dev/null), its standard error
 * to /dev/null. */
static pid_t spawn_cchc(const char *log, const char *const *args) {
  const char *bin = getenv("CCHC_BIN");
  if (!bin)
    bin = "build/cchc";
  char *argv[16] = {(char *)bin};
  for (size_t i = 0; args[i] && i + 2 < 16; i++)
    argv[i + 1] = (char *)args[i];
  pid_t pid = fork();
  ck_assert_int_ge(pid, 0);
  if (pid == 0) {
    int out = log ? open(log, O_WRONLY | O_CREAT | O_TRUNC, 0600)
                  : open("/dev/null", O_WRONLY);
    int devnull = open("/dev/null", O_WRONLY);
    if (out < 0 || devnull < 0)
      _exit(126);
    dup2(out, 1);
    dup2(devnull, 2);
    execv(bin, argv);
    _exit(127);
  }
  return pid;
}

START_TEST(crash_mid_batch) {
  ck_assert_uint_gt(ncorpus, 0);
  char *dir = make_copies(CRASH_COPIES);
  char *db = NULL;
  ck_assert_int_ge(asprintf(&db, "%s.db", dir), 0);
  const char *args[] = {"ingest", "--db", db, dir, NULL};
  pid_t pid = spawn_cchc(NULL, args);
  /* SIGKILL once at least one plan is stored (within 10 ms of it, so in
   * the middle of the batch however fast the machine). */
  for (int i = 0; i < 2000 && documents_now(db) < 1; i++) {
    struct timespec t10 = {0, 10 * 1000 * 1000};
    nanosleep(&t10, NULL);
  }
  ck_assert_int_eq(kill(pid, SIGKILL), 0);
  int status = 0;
  ck_assert_int_eq(waitpid(pid, &status, 0), pid);
  ck_assert_msg(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL,
                "the child ended before it was killed (status %d)", status);

  /* Intact, and no plan half-stored. */
  cchc_store *s = open_store(db);
  cchc_store_close(s);
  assert_integrity(db);
  long long stored = check_rows_match_frames(db);
  ck_assert_int_ge(stored, 1);
  ck_assert_int_lt(stored, CRASH_COPIES);
  ck_assert_int_eq(query_int(db, "SELECT count(*) FROM task_units u WHERE "
                                 "NOT EXISTS (SELECT 1 FROM tasks t WHERE "
                                 "t.document_id = u.document_id AND "
                                 "t.task_id = u.task_id)"),
                   0);

  /* Run the batch again to completion. */
  char *out = NULL, *err = NULL;
  const char *argv[] = {"ingest", "--db", db, dir, NULL};
  int rc = harness_cli(argv, NULL, 0, &out, NULL, &err);
  ck_assert_msg(rc == 0, "exit %d: %s", rc, err);
  char *summary = NULL;
  ck_assert_int_ge(asprintf(&summary,
                            "%lld added, %lld unchanged, 0 new versions, "
                            "0 failed",
                            CRASH_COPIES - stored, stored),
                   0);
  ck_assert_msg(strstr(out, summary) != NULL, "stdout: %s", out);
  ck_assert_int_eq(query_int(db, "SELECT count(*) FROM documents"),
                   CRASH_COPIES);
  ck_assert_int_eq(query_int(db, "SELECT count(DISTINCT path) FROM documents"),
                   CRASH_COPIES);
  ck_assert_int_eq(check_rows_match_frames(db), CRASH_COPIES);
  assert_integrity(db);
  free(summary);
  free(out);
  free(err);
  free(db);
  free(dir);
}
END_TEST

/* Many small plans (the test plans of tests/data, each copy with a line of
 * its own), so that groups fill up to their size and not only their
 * time. */
#define NSMALL 400

static char *make_small_copies(void) {
  static const char *const names[] = {"song_may_51_KH-UBND_2026.txt",
                                      "suoi_mo_7_KH-UBND_2026.txt",
                                      "dong_nai_228_KH-UBND_2026.txt"};
  char *dir = tmp_path("small");
  ck_assert_int_eq(mkdir(dir, 0777), 0);
  for (int k = 0; k < NSMALL; k++) {
    char src[4096];
    snprintf(src, sizeof src, "%s/tests/data/%s", harness_root(),
             names[k % 3]);
    size_t len;
    char *text = harness_read(src, &len);
    ck_assert_ptr_nonnull(text);
    char *p = NULL, *data = NULL;
    ck_assert_int_ge(asprintf(&p, "%s/small%03d.txt", dir, k), 0);
    int n = asprintf(&data, "%.*s\nBản sao số %d.\n", (int)len, text, k);
    ck_assert_int_ge(n, 0);
    ck_assert_int_eq(harness_write(p, data, (size_t)n), 0);
    free(data);
    free(p);
    free(text);
  }
  return dir;
}

static size_t count_lines(const char *path) {
  char *text = harness_read(path, NULL);
  size_t n = 0;
  for (const char *p = text; p && *p; p++)
    n += *p == '\n';
  free(text);
  return n;
}

/* `cchc ingest -v` commits its plans in groups and logs each plan once its
 * group is committed.  Killed (SIGKILL) once several groups are logged,
 * the store holds every plan logged as stored, whole, and nothing
 * half-stored; the plans it holds beyond those were committed but not yet
 * logged. */
START_TEST(crash_after_logged_groups) {
  char *dir = make_small_copies();
  char *db = NULL, *log = NULL;
  ck_assert_int_ge(asprintf(&db, "%s.db", dir), 0);
  ck_assert_int_ge(asprintf(&log, "%s.log", dir), 0);
  const char *args[] = {"ingest", "-v", "--db", db, dir, NULL};
  pid_t pid = spawn_cchc(log, args);
  /* More than one full group logged (64 plans), then the kill, at once. */
  struct timespec t2 = {0, 2 * 1000 * 1000};
  for (int i = 0; i < 30000 && count_lines(log) <= 70; i++)
    nanosleep(&t2, NULL);
  ck_assert_int_eq(kill(pid, SIGKILL), 0);
  int status = 0;
  ck_assert_int_eq(waitpid(pid, &status, 0), pid);
  ck_assert_msg(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL,
                "the child ended before it was killed (status %d)", status);

  assert_integrity(db);
  long long stored = check_rows_match_frames(db);
  ck_assert_int_lt(stored, NSMALL);
  /* Every complete line of the log names a plan stored once. */
  char *text = harness_read(log, NULL);
  ck_assert_ptr_nonnull(text);
  size_t logged = 0;
  sqlite3 *h = NULL;
  ck_assert_int_eq(sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL),
                   SQLITE_OK);
  sqlite3_stmt *st = NULL;
  ck_assert_int_eq(sqlite3_prepare_v2(h,
                                      "SELECT count(*) FROM documents"
                                      " WHERE path = ?1",
                                      -1, &st, NULL),
                   SQLITE_OK);
  for (char *line = text, *nl; (nl = strchr(line, '\n')); line = nl + 1) {
    *nl = '\0';
    ck_assert_msg(strncmp(line, "added ", 6) == 0, "log: %s", line);
    char *colon = strstr(line, ": version 1, ");
    ck_assert_msg(colon, "log: %s", line);
    *colon = '\0';
    sqlite3_bind_text(st, 1, line + 6, -1, SQLITE_TRANSIENT);
    ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
    ck_assert_msg(sqlite3_column_int64(st, 0) == 1, "%s logged, not stored",
                  line + 6);
    sqlite3_reset(st);
    logged++;
  }
  sqlite3_finalize(st);
  sqlite3_close(h);
  ck_assert_uint_gt(logged, 64);
  ck_assert_int_ge(stored, (long long)logged);
  free(text);
  free(log);
  free(db);
  free(dir);
}
END_TEST

static bool exists(const char *path) {
  struct stat st;
  return stat(path, &st) == 0;
}

/* cchc ingest --watch: a file already there that fails is rejected with
 * its reason, a file moved in and one written in place are stored, SIGTERM
 * stops it cleanly. */
START_TEST(cli_watch_drop_folder) {
  ck_assert_uint_gt(ncorpus, 1);
  char *dir = tmp_path("drop");
  ck_assert_int_eq(mkdir(dir, 0777), 0);
  char *db = NULL, *bad = NULL, *reason = NULL, *moved = NULL, *log = NULL;
  ck_assert_int_ge(asprintf(&db, "%s.db", dir), 0);
  ck_assert_int_ge(asprintf(&log, "%s.log", dir), 0);
  ck_assert_int_ge(asprintf(&bad, "%s/bad.txt", dir), 0);
  ck_assert_int_ge(asprintf(&reason, "%s/rejected/bad.txt.reason", dir), 0);
  ck_assert_int_ge(asprintf(&moved, "%s/rejected/bad.txt", dir), 0);
  static const char badtext[] = "KẾ HOẠCH\nTỷ lệ \xC3\x28 đạt 98%\n";
  ck_assert_int_eq(harness_write(bad, badtext, sizeof badtext - 1), 0);
  const char *args[] = {"ingest", "--db",  db,  "--settle",
                        "200",    "--watch", dir, NULL};
  pid_t pid = spawn_cchc(log, args);
  struct timespec t10 = {0, 10 * 1000 * 1000};
  /* The file already there is rejected once the watch is set up; its
   * reason is complete once it is in rejected/. */
  for (int i = 0; i < 3000 && !exists(moved); i++)
    nanosleep(&t10, NULL);
  ck_assert_msg(exists(moved), "no %s", moved);
  ck_assert(exists(reason));
  ck_assert(!exists(bad));
  size_t rlen;
  char *r = harness_read(reason, &rlen);
  ck_assert_msg(strncmp(r, "bad.txt:2: ", 11) == 0, "reason: %s", r);
  free(r);

  /* One plan moved in (written elsewhere first), one written in place. */
  size_t len;
  char *data = harness_read(corpus[0], &len);
  char *tmp = NULL, *dest = NULL, *inplace = NULL;
  ck_assert_int_ge(asprintf(&tmp, "%s/.part", dir), 0);
  ck_assert_int_ge(asprintf(&dest, "%s/plan-a.txt", dir), 0);
  ck_assert_int_ge(asprintf(&inplace, "%s/plan-b.txt", dir), 0);
  ck_assert_int_eq(harness_write(tmp, data, len), 0);
  ck_assert_int_eq(rename(tmp, dest), 0);
  free(data);
  data = harness_read(corpus[1], &len);
  ck_assert_int_eq(harness_write(inplace, data, len), 0);
  free(data);
  for (int i = 0; i < 3000 && documents_now(db) < 2; i++)
    nanosleep(&t10, NULL);
  ck_assert_int_eq(documents_now(db), 2);

  ck_assert_int_eq(kill(pid, SIGTERM), 0);
  int status = 0;
  ck_assert_int_eq(waitpid(pid, &status, 0), pid);
  ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
                "status %d", status);
  char *out = harness_read(log, NULL);
  ck_assert_ptr_nonnull(out);
  int lines = 0;
  for (char *p = out; *p; p++)
    lines += *p == '\n';
  ck_assert_msg(lines == 3, "log: %s", out);
  ck_assert_ptr_nonnull(strstr(out, "rejected "));
  ck_assert_ptr_nonnull(strstr(out, "plan-a.txt"));
  ck_assert_ptr_nonnull(strstr(out, "plan-b.txt"));
  ck_assert_int_eq(check_rows_match_frames(db), 2);
  free(out);
  free(tmp);
  free(dest);
  free(inplace);
  free(log);
  free(moved);
  free(reason);
  free(bad);
  free(db);
  free(dir);
}
END_TEST

int main(void) {
  Suite *s = suite_create("store");
  ncorpus = harness_corpus(&corpus);

  TCase *tc = tcase_create("library");
  tcase_set_timeout(tc, 300);
  tcase_add_checked_fixture(tc, NULL, free_rules);
  tcase_add_test(tc, schema_created);
  tcase_add_test(tc, schema_version_out_of_range);
  tcase_add_test(tc, corpus_ingested_and_idempotent);
  tcase_add_test(tc, new_version_keeps_old);
  tcase_add_test(tc, batches);
  tcase_add_test(tc, hostile_text_is_data);
  suite_add_tcase(s, tc);

  tc = tcase_create("cli");
  tcase_set_timeout(tc, 600);
  tcase_add_test(tc, cli_batch_with_bad_file);
  tcase_add_test(tc, crash_mid_batch);
  tcase_add_test(tc, crash_after_logged_groups);
  tcase_add_test(tc, full_disk_mid_batch);
  tcase_add_test(tc, cli_watch_drop_folder);
  suite_add_tcase(s, tc);

  int rc = harness_run(s);
  harness_free_list(corpus, ncorpus);
  return rc;
}
