/* test_jobs.c: extract and ingest on several threads (-j N), and their
 * inputs given as directories.  What -j 2 prints, writes and stores is
 * byte for byte what -j 1 does, in the order of the inputs, a bad input
 * in the middle included; memory stays flat over thousands of plans. */
#define _GNU_SOURCE
#include "harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static const harness_limits bounded = {.seconds = 300};

/* argv of `head` (NULL-terminated) followed by the n paths; free() it. */
static const char **args(const char *const *head, char **paths, size_t n) {
  size_t h = 0;
  while (head[h])
    h++;
  const char **argv = calloc(h + n + 1, sizeof *argv);
  ck_assert_ptr_nonnull(argv);
  memcpy(argv, head, h * sizeof *argv);
  for (size_t i = 0; i < n; i++)
    argv[h + i] = paths[i];
  return argv;
}

/* Every plan of the shared corpus: corpus, province-national, extra. */
static size_t all_plans(char ***paths) {
  size_t n = harness_corpus_all(paths);
  ck_assert_uint_gt(n, 0);
  char **list = realloc(*paths, (n + 1) * sizeof *list);
  ck_assert_ptr_nonnull(list);
  ck_assert_int_ge(asprintf(&list[n], "%s/extra/02_dongnai-kh179-kinh-te-so-"
                                      "xa-hoi-so-2026-2030.txt",
                            harness_shared()),
                   0);
  ck_assert(harness_file_exists(list[n]));
  *paths = list;
  return n + 1;
}

/* Same exit code, standard output and standard error. */
static void assert_same_run(const harness_result *a, const harness_result *b,
                            const char *what) {
  ck_assert_msg(a->rc == b->rc, "%s: exit %d with -j 1, %d with -j N\n%s",
                what, a->rc, b->rc, b->err);
  ck_assert_msg(a->outlen == b->outlen &&
                    memcmp(a->out, b->out, a->outlen) == 0,
                "%s: standard output differs (%zu and %zu bytes)", what,
                a->outlen, b->outlen);
  ck_assert_msg(strcmp(a->err, b->err) == 0,
                "%s: standard error differs:\n-j 1:\n%s\n-j N:\n%s", what,
                a->err, b->err);
}

/* Two directories hold the same files with the same bytes. */
static void assert_same_dir(const char *a, const char *b) {
  char names[8192], other[8192];
  size_t n = harness_dir_entries(a, names, sizeof names);
  ck_assert_uint_eq(harness_dir_entries(b, other, sizeof other), n);
  for (char *name = strtok(names, " "); name; name = strtok(NULL, " ")) {
    char pa[4200], pb[4200];
    snprintf(pa, sizeof pa, "%s/%s", a, name);
    snprintf(pb, sizeof pb, "%s/%s", b, name);
    size_t la = 0, lb = 0;
    char *da = harness_read(pa, &la), *db = harness_read(pb, &lb);
    ck_assert_msg(da && db, "%s: missing in one of the outputs", name);
    ck_assert_msg(la == lb && memcmp(da, db, la) == 0,
                  "%s differs between -j 1 and -j 2", name);
    free(da);
    free(db);
  }
}

/* Run `head` + paths with -j 1 and with -j `jobs` (head[2], the value of
 * -j, is set here), assert the two runs agree, return the -j 1 run.  With
 * dirs, the argument "DIR" of head is dirs[0] for -j 1 and dirs[1] for
 * -j `jobs`, and the two directories must then hold the same files. */
static harness_result run_jobs(const char **head, char **paths, size_t n,
                               char *const *dirs, const char *what,
                               const char *jobs) {
  harness_result runs[2];
  size_t dir_at = 0;
  while (dirs && strcmp(head[dir_at], "DIR") != 0)
    dir_at++;
  for (int j = 0; j < 2; j++) {
    head[2] = j ? jobs : "1";
    if (dirs)
      head[dir_at] = dirs[j];
    const char **argv = args(head, paths, n);
    runs[j] = harness_cli_bounded(argv, NULL, bounded);
    free(argv);
  }
  if (dirs) {
    head[dir_at] = "DIR";
    assert_same_dir(dirs[0], dirs[1]);
  }
  assert_same_run(&runs[0], &runs[1], what);
  harness_result_free(&runs[1]);
  return runs[0];
}

static harness_result run_both(const char **head, char **paths, size_t n,
                               char *const *dirs, const char *what) {
  return run_jobs(head, paths, n, dirs, what, "2");
}

/* ingest the paths with -j 1 into dbs[0] and with -j 2 into dbs[1];
 * assert the two runs agree. */
static void ingest_both(char **paths, size_t n, char *const *dbs,
                        harness_result runs[2], const char *what) {
  for (int j = 0; j < 2; j++) {
    const char *head[] = {"ingest", "-j", j ? "2" : "1", "--db", dbs[j], NULL};
    const char **argv = args(head, paths, n);
    runs[j] = harness_cli_bounded(argv, NULL, bounded);
    free(argv);
  }
  assert_same_run(&runs[0], &runs[1], what);
}

/* `out` is exactly one line per path, in order, each the frame of its
 * path. */
static void assert_frames_in_order(const char *out, char *const *paths,
                                   size_t n) {
  const char *line = out;
  for (size_t i = 0; i < n; i++) {
    const char *eol = strchr(line, '\n');
    ck_assert_msg(eol, "line %zu of %zu missing", i + 1, n);
    char want[4200];
    snprintf(want, sizeof want, "\"path\":\"%s\"", paths[i]);
    ck_assert_msg(memmem(line, (size_t)(eol - line), want, strlen(want)),
                  "line %zu is not the frame of %s", i + 1, paths[i]);
    line = eol + 1;
  }
  ck_assert_msg(*line == '\0', "more than %zu lines", n);
}

/* ------------------------------------------------------------------ */

START_TEST(same_bytes_every_format) {
  char **plans;
  size_t n = all_plans(&plans);
  static const char *const formats[] = {"jsonl", "csv", "json", "xml"};
  for (size_t f = 0; f < 4; f++) {
    char name[32];
    snprintf(name, sizeof name, "%s-j1", formats[f]);
    char *dirs[2] = {harness_make_dir(name), NULL};
    snprintf(name, sizeof name, "%s-j2", formats[f]);
    dirs[1] = harness_make_dir(name);
    /* json and xml: one file per input in -o DIR; the others a stream */
    bool per_file = f >= 2;
    const char *head[] = {"extract", "-j", "J", "-f", formats[f],
                          per_file ? "-o" : NULL, "DIR", NULL};
    harness_result r =
        run_both(head, plans, n, per_file ? dirs : NULL, formats[f]);
    ck_assert_msg(r.rc == 0, "%s: exit %d: %s", formats[f], r.rc, r.err);
    if (per_file) {
      char names[8192];
      ck_assert_uint_eq(harness_dir_entries(dirs[0], names, sizeof names), n);
    } else {
      ck_assert_uint_gt(r.outlen, 1000);
    }
    harness_result_free(&r);
    free(dirs[0]);
    free(dirs[1]);
  }
  harness_free_list(plans, n);
}
END_TEST

/* The longest plan first: the others are done before it, and still come
 * after it. */
START_TEST(input_order_slowest_first) {
  char **plans;
  size_t n = all_plans(&plans);
  /* all_plans puts the long extra plan last: move it to the front. */
  char *extra = plans[n - 1];
  memmove(plans + 1, plans, (n - 1) * sizeof *plans);
  plans[0] = extra;
  const char *head[] = {"extract", "-j", "J", "-f", "jsonl", NULL};
  harness_result r = run_both(head, plans, n, NULL, "slowest first");
  ck_assert_msg(r.rc == 0, "exit %d: %s", r.rc, r.err);
  assert_frames_in_order(r.out, plans, n);
  harness_result_free(&r);
  harness_free_list(plans, n);
}
END_TEST

/* Bad inputs between good ones (binary, missing, empty, not UTF-8): the
 * same messages, in the same order, and the same exit code as -j 1; the
 * good ones are all written. */
START_TEST(bad_inputs_in_the_middle) {
  char **plans;
  size_t np = harness_corpus(&plans);
  ck_assert_uint_ge(np, 4);
  char *binary = harness_tmp_path("binary.txt");
  const char bin[] = "Kế hoạch\n\0\0\0\x01\x02 năm 2026\n";
  ck_assert_int_eq(harness_write(binary, bin, sizeof bin - 1), 0);
  char *empty = harness_tmp_path("empty.txt");
  ck_assert_int_eq(harness_write(empty, "", 0), 0);
  char *bad = harness_tmp_path("bad-utf8.txt");
  const char badu[] = "Kế hoạch cải cách hành chính\nnăm 2026\n\xC3\x28 xã\n";
  ck_assert_int_eq(harness_write(bad, badu, sizeof badu - 1), 0);
  char *missing = harness_tmp_path("missing.txt");
  char *inputs[] = {plans[0], binary, plans[1], missing, bad,
                    empty,    plans[2], plans[3]};
  size_t n = sizeof inputs / sizeof *inputs;

  const char *head[] = {"extract", "-j", "J", "-f", "jsonl", NULL};
  harness_result r = run_both(head, inputs, n, NULL, "extract, bad inputs");
  ck_assert_msg(r.rc == 1, "exit %d: %s", r.rc, r.err);
  char want[4200];
  snprintf(want, sizeof want, "cchc: %s:2: ", binary);
  ck_assert_msg(strstr(r.err, want), "no message for %s:\n%s", binary, r.err);
  snprintf(want, sizeof want, "cchc: %s: cannot open", missing);
  ck_assert_msg(strstr(r.err, want), "no message for %s:\n%s", missing, r.err);
  snprintf(want, sizeof want, "cchc: %s:3: ", bad);
  ck_assert_msg(strstr(r.err, want), "no message for %s:\n%s", bad, r.err);
  /* the empty file is a plan with nothing in it: its frame is written */
  char *good[] = {plans[0], plans[1], empty, plans[2], plans[3]};
  assert_frames_in_order(r.out, good, 5);
  harness_result_free(&r);

  /* One file per input: the good ones are all there. */
  char *dirs[] = {harness_make_dir("bad-j1"), harness_make_dir("bad-j2")};
  const char *per_file[] = {"extract", "-j", "J", "-o", "DIR", NULL};
  r = run_both(per_file, inputs, n, dirs, "extract -o DIR, bad inputs");
  ck_assert_int_eq(r.rc, 1);
  char names[8192];
  ck_assert_uint_eq(harness_dir_entries(dirs[0], names, sizeof names), 5);
  harness_result_free(&r);

  /* ingest: the same messages, counts and exit code (a store each). */
  char *dbs[] = {harness_tmp_path("bad1.db"), harness_tmp_path("bad2.db")};
  harness_result runs[2];
  ingest_both(inputs, n, dbs, runs, "ingest, bad inputs");
  ck_assert_int_eq(runs[0].rc, 1);
  ck_assert_str_eq(runs[0].out,
                   "4 added, 0 unchanged, 0 new versions, 4 failed\n");
  harness_result_free(&runs[0]);
  harness_result_free(&runs[1]);

  free(dbs[0]);
  free(dbs[1]);
  free(dirs[0]);
  free(dirs[1]);
  free(binary);
  free(empty);
  free(bad);
  free(missing);
  harness_free_list(plans, np);
}
END_TEST

/* More threads than cores and many short inputs, bad ones among them:
 * the ring of inputs in flight fills, threads wait for room, and the
 * inputs are finished by whichever thread completes the oldest; what is
 * written is still that of -j 1, in input order. */
START_TEST(many_threads_many_inputs) {
  char **plans;
  size_t np = harness_corpus(&plans);
  ck_assert_uint_ge(np, 3);
  char *missing = harness_tmp_path("missing-many.txt");
  char *tiny = harness_tmp_path("tiny.txt");
  const char text[] = "Kế hoạch cải cách hành chính năm 2026\n"
                      "Tỷ lệ hồ sơ giải quyết đúng hạn đạt 98%.\n";
  ck_assert_int_eq(harness_write(tiny, text, sizeof text - 1), 0);
  enum { N = 150 };
  char *inputs[N];
  size_t good = 0;
  for (size_t i = 0; i < N; i++) {
    inputs[i] = i % 37 == 5 ? missing : i % 3 ? tiny : plans[i / 3 % np];
    good += inputs[i] != missing;
  }
  const char *head[] = {"extract", "-j", "J", "-f", "jsonl", NULL};
  harness_result r = run_jobs(head, inputs, N, NULL, "-j 7", "7");
  ck_assert_msg(r.rc == 1, "exit %d: %s", r.rc, r.err);
  size_t lines = 0;
  for (const char *c = r.out; (c = strchr(c, '\n')); c++)
    lines++;
  ck_assert_uint_eq(lines, good);
  harness_result_free(&r);

  /* Stopped by a failed output: the same stop and count as -j 1. */
  if (access("/dev/full", W_OK) == 0) {
    const char *full[] = {"extract", "-j", "J",         "-f",
                          "jsonl",   "-o", "/dev/full", NULL};
    r = run_jobs(full, inputs, N, NULL, "-j 7, /dev/full", "7");
    ck_assert_msg(r.rc == 2 && strstr(r.err, "inputs not tried"),
                  "exit %d: %s", r.rc, r.err);
    harness_result_free(&r);
  }
  free(missing);
  free(tiny);
  harness_free_list(plans, np);
}
END_TEST

/* The output fails (a full disk): the batch stops at the same input, with
 * the same count of inputs not tried. */
START_TEST(output_failure_stops_the_same) {
  if (access("/dev/full", W_OK) != 0)
    return;
  char **plans;
  size_t n = all_plans(&plans);
  const char *head[] = {"extract", "-j", "J", "-f", "jsonl", "-o",
                        "/dev/full", NULL};
  harness_result r = run_both(head, plans, n, NULL, "/dev/full");
  ck_assert_msg(r.rc == 2, "exit %d: %s", r.rc, r.err);
  ck_assert_msg(strstr(r.err, "No space left on device") &&
                    strstr(r.err, "inputs not tried"),
                "stderr: %s", r.err);
  harness_result_free(&r);
  harness_free_list(plans, n);
}
END_TEST

/* A directory as input: its *.txt files, recursively and sorted; a
 * symbolic link inside it is not followed, a hidden file is skipped. */
START_TEST(directory_input) {
  char **plans;
  size_t np = harness_corpus(&plans);
  ck_assert_uint_ge(np, 3);
  char *dir = harness_make_dir("tree");
  char *sub = harness_make_dir("tree/sub");
  char *outside = harness_make_dir("outside");
  char *files[6];
  const char *names[] = {"tree/b.txt", "tree/a.txt", "tree/sub/c.txt",
                         "outside/linked.txt", "tree/.hidden.txt",
                         "tree/notes.md"};
  for (size_t i = 0; i < 6; i++) {
    files[i] = harness_tmp_path(names[i]);
    size_t len = 0;
    char *data = harness_read(plans[i % np], &len);
    ck_assert_ptr_nonnull(data);
    ck_assert_int_eq(harness_write(files[i], data, len), 0);
    free(data);
  }
  char *link = harness_tmp_path("tree/link.txt");
  ck_assert_int_eq(symlink(files[3], link), 0);
  char *dirlink = harness_tmp_path("tree/sub/up");
  ck_assert_int_eq(symlink(dir, dirlink), 0);

  char *inputs[] = {dir};
  const char *head[] = {"extract", "-j", "J", "-f", "jsonl", NULL};
  harness_result r = run_both(head, inputs, 1, NULL, "directory");
  ck_assert_msg(r.rc == 0, "exit %d: %s", r.rc, r.err);
  char *order[] = {files[1], files[0], files[2]};
  assert_frames_in_order(r.out, order, 3);
  ck_assert_msg(!strstr(r.out, "linked.txt") && !strstr(r.out, ".hidden") &&
                    !strstr(r.out, "notes.md"),
                "a link, hidden file or non-.txt file was read");
  char want[4200];
  snprintf(want, sizeof want,
           "cchc: note: %s: a symbolic link, not followed\n", link);
  ck_assert_msg(strstr(r.err, want), "stderr: %s", r.err);
  snprintf(want, sizeof want,
           "cchc: note: %s: a symbolic link, not followed\n", dirlink);
  ck_assert_msg(strstr(r.err, want), "stderr: %s", r.err);
  harness_result_free(&r);

  /* The same directory named twice, and one of its files after it: the
   * directory is walked once, the file named is taken as named. */
  char *twice[] = {dir, dir, files[1]};
  r = run_both(head, twice, 3, NULL, "directory twice");
  char *walked_once[] = {files[1], files[0], files[2], files[1]};
  assert_frames_in_order(r.out, walked_once, 4);
  harness_result_free(&r);

  for (size_t i = 0; i < 6; i++)
    free(files[i]);
  free(link);
  free(dirlink);
  free(dir);
  free(sub);
  free(outside);
  harness_free_list(plans, np);
}
END_TEST

/* The frame JSON of every stored plan, in the store's order, as one
 * string. */
static int add_frame(void *ctx, int64_t id, const char *json) {
  FILE *fp = ctx;
  fputs(json, fp);
  fputc('\n', fp);
  return 0;
}

static char *stored_frames(const char *db) {
  cchc_store *store = NULL;
  cchc_error err = {0};
  ck_assert_msg(cchc_store_open(db, &store, &err) == CCHC_OK, "%s: %s", db,
                err.message);
  char *text = NULL;
  size_t len = 0;
  FILE *fp = open_memstream(&text, &len);
  ck_assert_ptr_nonnull(fp);
  ck_assert_int_eq(cchc_store_each_frame(store, NULL, 0, add_frame, fp, &err),
                   CCHC_OK);
  fclose(fp);
  cchc_store_close(store);
  return text;
}

START_TEST(ingest_same_store) {
  char **plans;
  size_t n = all_plans(&plans);
  char *db1 = harness_tmp_path("j1.db"), *db2 = harness_tmp_path("j2.db");
  char *dbs[] = {db1, db2};
  harness_result runs[2];
  ingest_both(plans, n, dbs, runs, "ingest");
  ck_assert_msg(runs[0].rc == 0, "exit %d: %s", runs[0].rc, runs[0].err);
  char want[64];
  snprintf(want, sizeof want,
           "%zu added, 0 unchanged, 0 new versions, 0 failed\n", n);
  ck_assert_str_eq(runs[0].out, want);
  harness_result_free(&runs[0]);
  harness_result_free(&runs[1]);

  for (int j = 0; j < 2; j++) {
    const char *list[] = {"list", "--db", dbs[j], NULL};
    runs[j] = harness_cli_bounded(list, NULL, bounded);
    ck_assert_int_eq(runs[j].rc, 0);
  }
  assert_same_run(&runs[0], &runs[1], "list");
  harness_result_free(&runs[0]);
  harness_result_free(&runs[1]);

  char *f1 = stored_frames(db1), *f2 = stored_frames(db2);
  ck_assert_uint_gt(strlen(f1), 1000);
  ck_assert_msg(strcmp(f1, f2) == 0, "the stored frames differ");
  free(f1);
  free(f2);

  /* Again, everything unchanged: not one plan processed or stored. */
  const char *again[] = {"ingest", "-j", "2", "--db", db2, NULL};
  const char **argv = args(again, plans, n);
  runs[0] = harness_cli_bounded(argv, NULL, bounded);
  free(argv);
  snprintf(want, sizeof want,
           "0 added, %zu unchanged, 0 new versions, 0 failed\n", n);
  ck_assert_str_eq(runs[0].out, want);
  harness_result_free(&runs[0]);
  free(db1);
  free(db2);
  harness_free_list(plans, n);
}
END_TEST

/* 2,000 small plans (a directory of them) with -j 2: every frame is
 * written, in order, and the peak resident set stays under 64 MB: jobs
 * in flight are bounded, so memory does not grow with the number of
 * plans. */
enum { MANY = 2000 };

START_TEST(memory_flat_over_many_plans) {
  char *dir = harness_make_dir("many");
  char **paths = calloc(MANY, sizeof *paths);
  ck_assert_ptr_nonnull(paths);
  for (int i = 0; i < MANY; i++) {
    char text[512];
    ck_assert_int_ge(asprintf(&paths[i], "%s/plan-%04d.txt", dir, i), 0);
    const char *path = paths[i];
    int len = snprintf(text, sizeof text,
                       "KẾ HOẠCH\nCải cách hành chính năm 2026 của xã số %d\n\n"
                       "I. MỤC TIÊU\n- 100%% hồ sơ thủ tục hành chính được "
                       "giải quyết đúng hạn.\n- Tỷ lệ hài lòng đạt trên %d%%.\n",
                       i, 80 + i % 20);
    ck_assert_int_eq(harness_write(path, text, (size_t)len), 0);
  }
  const char *argv[] = {"extract", "-j", "2", "-f", "jsonl", dir, NULL};
  harness_result r =
      harness_cli_bounded(argv, NULL, (harness_limits){.seconds = 120});
  ck_assert_msg(r.rc == 0, "exit %d: %s", r.rc, r.err);
  assert_frames_in_order(r.out, paths, MANY);
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
  /* Shadow memory and the allocator's quarantine make the resident set
   * of a sanitized build meaningless as a measure. */
  (void)r.maxrss_kb;
#else
  ck_assert_msg(r.maxrss_kb > 0 && r.maxrss_kb < 64 * 1024,
                "peak RSS %ld KiB over %d plans", r.maxrss_kb, MANY);
#endif
  harness_result_free(&r);
  harness_free_list(paths, MANY);
  free(dir);
}
END_TEST

/* The minor page faults of `cchc argv`, its output discarded. */
static long minor_faults(const char *const *argv) {
  extern char **environ;
  const char *bin = getenv("CCHC_BIN");
  ck_assert_ptr_nonnull(bin);
  size_t n = 0;
  while (argv[n])
    n++;
  char **full = calloc(n + 2, sizeof *full);
  ck_assert_ptr_nonnull(full);
  full[0] = (char *)bin;
  memcpy(full + 1, argv, n * sizeof *full);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
  pid_t pid;
  ck_assert_int_eq(posix_spawn(&pid, bin, &fa, NULL, full, environ), 0);
  posix_spawn_file_actions_destroy(&fa);
  free(full);
  int status = 0;
  struct rusage ru = {0};
  ck_assert_int_eq(wait4(pid, &status, 0, &ru), pid);
  ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "cchc failed");
  return ru.ru_minflt;
}

/* A batch keeps the memory an input gave back for the next one
 * (cli_batch_run: M_TRIM_THRESHOLD): the plans of the corpus over and
 * over, 200 of them, fault in hardly more pages than the plans once do.
 * With glibc giving the heap's top back after each plan, each plan
 * faulted 9 (-j 1) to 13 (-j 2) pages in again. */
enum { COPIES = 200 };

START_TEST(batch_faults_flat) {
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
  return; /* the allocator is the sanitizer's */
#endif
  char **plans;
  size_t n = harness_corpus(&plans);
  ck_assert_uint_gt(n, 1);
  char *once = harness_make_dir("once"), *copies = harness_make_dir("copies");
  for (size_t i = 0; i < COPIES; i++) {
    size_t len = 0;
    char *text = harness_read(plans[i % n], &len), *path;
    ck_assert_ptr_nonnull(text);
    ck_assert_int_ge(asprintf(&path, "%s/plan-%03zu.txt", copies, i), 0);
    ck_assert_int_eq(harness_write(path, text, len), 0);
    free(path);
    if (i < n) {
      ck_assert_int_ge(asprintf(&path, "%s/plan-%03zu.txt", once, i), 0);
      ck_assert_int_eq(harness_write(path, text, len), 0);
      free(path);
    }
    free(text);
  }
  static const char *const jobs[] = {"1", "2"};
  for (size_t j = 0; j < 2; j++) {
    const char *first[] = {"extract", "-j", jobs[j], "-f", "jsonl", once, NULL};
    const char *all[] = {"extract", "-j", jobs[j], "-f", "jsonl", copies, NULL};
    long faults_once = minor_faults(first), faults_all = minor_faults(all);
    ck_assert_msg(faults_all - faults_once < 4 * (long)(COPIES - n),
                  "-j %s: %ld minor faults for %zu plans, %ld for %d",
                  jobs[j], faults_once, n, faults_all, COPIES);
  }
  free(once);
  free(copies);
  harness_free_list(plans, n);
}
END_TEST

START_TEST(jobs_option) {
  char **plans;
  size_t n = harness_corpus(&plans);
  static const char *const bad[] = {"0", "-1", "x", "2x", "100000", ""};
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    const char *argv[] = {"extract", "-j", bad[i], plans[0], NULL};
    harness_result r = harness_cli_bounded(argv, NULL, bounded);
    ck_assert_msg(r.rc == 2, "-j '%s': exit %d", bad[i], r.rc);
    ck_assert_msg(strstr(r.err, "-j wants a number of threads"),
                  "-j '%s': %s", bad[i], r.err);
    ck_assert_uint_eq(r.outlen, 0);
    harness_result_free(&r);
  }
  /* More threads than inputs, and the long form. */
  const char *argv[] = {"extract", "--jobs=16", "-f", "jsonl", plans[0], NULL};
  harness_result r = harness_cli_bounded(argv, NULL, bounded);
  ck_assert_msg(r.rc == 0, "exit %d: %s", r.rc, r.err);
  ck_assert_ptr_nonnull(strchr(r.out, '\n'));
  harness_result_free(&r);
  const char *help[] = {"extract", "--help", NULL};
  r = harness_cli_bounded(help, NULL, bounded);
  ck_assert_ptr_nonnull(strstr(r.out, "-j N"));
  harness_result_free(&r);
  const char *ihelp[] = {"ingest", "--help", NULL};
  r = harness_cli_bounded(ihelp, NULL, bounded);
  ck_assert_ptr_nonnull(strstr(r.out, "-j N"));
  harness_result_free(&r);
  harness_free_list(plans, n);
}
END_TEST

/* A rules directory that does not load, with -j 2 and -j 4, where the
 * other threads have normalized the first inputs meanwhile (a bad one
 * among them): the run stops as -j 1 does, before any input, with the
 * rules' message alone, nothing written and no output file; the inputs
 * normalized early are released (the sanitizers' leak check). */
START_TEST(rules_error_stops_before_any_input) {
  char **plans;
  size_t np = harness_corpus(&plans);
  ck_assert_uint_ge(np, 3);
  char *binary = harness_tmp_path("early-binary.txt");
  const char bin[] = "Ke hoach\n\0\0\0\x01\x02 nam 2026\n";
  ck_assert_int_eq(harness_write(binary, bin, sizeof bin - 1), 0);
  enum { N = 24 };
  char *inputs[N];
  for (size_t i = 0; i < N; i++)
    inputs[i] = i == 1 ? binary : plans[i % np];
  char *norules = harness_make_dir("no-rules");
  static const char *const jobs[] = {"1", "2", "4"};
  harness_result first = {0};
  for (size_t k = 0; k < 3; k++) {
    char *out = harness_tmp_path(k == 0 ? "early-1.jsonl"
                                 : k == 1 ? "early-2.jsonl"
                                          : "early-4.jsonl");
    const char *head[] = {"extract", "-j", jobs[k], "--rules", norules,
                          "-f", "jsonl", "-o", out, NULL};
    const char **argv = args(head, inputs, N);
    harness_result r = harness_cli_bounded(argv, NULL, bounded);
    free(argv);
    ck_assert_msg(r.rc == 2, "-j %s: exit %d: %s", jobs[k], r.rc, r.err);
    ck_assert_uint_eq(r.outlen, 0);
    ck_assert_msg(strstr(r.err, norules), "-j %s: no message for the rules:\n%s",
                  jobs[k], r.err);
    ck_assert_msg(!strstr(r.err, binary) && !strstr(r.err, plans[0]),
                  "-j %s: an input was reported:\n%s", jobs[k], r.err);
    ck_assert_msg(!harness_file_exists(out), "-j %s: %s was written",
                  jobs[k], out);
    if (k == 0)
      first = r;
    else {
      ck_assert_str_eq(first.err, r.err);
      harness_result_free(&r);
    }
    free(out);
  }
  harness_result_free(&first);
  free(norules);
  free(binary);
  harness_free_list(plans, np);
}
END_TEST

int main(void) {
  Suite *s = suite_create("jobs");
  TCase *tc = tcase_create("extract");
  tcase_set_timeout(tc, 600);
  tcase_add_test(tc, same_bytes_every_format);
  tcase_add_test(tc, input_order_slowest_first);
  tcase_add_test(tc, bad_inputs_in_the_middle);
  tcase_add_test(tc, output_failure_stops_the_same);
  tcase_add_test(tc, many_threads_many_inputs);
  tcase_add_test(tc, directory_input);
  tcase_add_test(tc, jobs_option);
  tcase_add_test(tc, rules_error_stops_before_any_input);
  suite_add_tcase(s, tc);

  tc = tcase_create("ingest");
  tcase_set_timeout(tc, 600);
  tcase_add_test(tc, ingest_same_store);
  suite_add_tcase(s, tc);

  tc = tcase_create("memory");
  tcase_set_timeout(tc, 300);
  tcase_add_test(tc, memory_flat_over_many_plans);
  tcase_add_test(tc, batch_faults_flat);
  suite_add_tcase(s, tc);
  return harness_run(s);
}
