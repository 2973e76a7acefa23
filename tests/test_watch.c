/* test_watch.c: what lands in a folder: `cchc ingest --watch` with writers
 * and files that are not plans, and the directory walk of `cchc ingest
 * DIR`.
 *
 * - a slow writer appending a plan in three opens, pauses shorter than the
 *   settle interval: one plan with every byte; a writer that reopens and
 *   holds the file open past the interval: still one plan with every byte;
 *   the file changed again later: a new version;
 * - rejected/ never overwrites: three bad drops of one name are kept as
 *   NAME, NAME-2, NAME-3, each with its reason;
 * - a symbolic link (to /etc/passwd, to /dev/zero), a FIFO, moved in or
 *   made in place, an empty and a blank file: rejected with a reason, never
 *   opened or stored; the watcher stays responsive and stops on SIGTERM;
 * - renames inside the folder: a plan already taken renamed twice is not
 *   taken again and nothing is rejected; a file renamed while settling is
 *   taken once under its new name;
 * - a newline or an escape sequence in a file name: one log line each,
 *   escaped;
 * - the walk: links to "." and ".." and a linked file in the tree, the
 *   tree named twice: finishes at once, each plan once, notes for links;
 *   an empty file in a batch is refused.
 *
 * Every run of the program is bounded: the watcher has alarm(60) across
 * exec, and is waited on with a deadline. */
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

#define SETTLE_MS 500

static char **corpus;
static size_t ncorpus;

static void sleep_ms(long ms) {
  struct timespec t = {ms / 1000, (ms % 1000) * 1000000L};
  while (nanosleep(&t, &t) != 0)
    ;
}

static double now_s(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* A fresh directory under the temporary directory. */
static char *fresh_dir(const char *name) {
  static int seq;
  char *n = NULL;
  ck_assert_int_ge(asprintf(&n, "%s-%d-%d", name, (int)getpid(), seq++), 0);
  char *p = harness_make_dir(n);
  free(n);
  return p;
}

static char *join(const char *dir, const char *name) {
  char *p = NULL;
  ck_assert_int_ge(asprintf(&p, "%s/%s", dir, name), 0);
  return p;
}

/* One integer from a query on the store; -1 when the store or its table
 * does not exist yet. */
static long long query_int(const char *db, const char *sql) {
  sqlite3 *h = NULL;
  long long v = -1;
  if (sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK) {
    sqlite3_busy_timeout(h, 10000);
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(h, sql, -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
      v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
  }
  sqlite3_close(h);
  return v;
}

static long long documents(const char *db) {
  return query_int(db, "SELECT count(*) FROM documents");
}

/* Rows (versions) stored for the plan whose path ends with /NAME, and
 * whether the latest has the SHA-256 of `data`. */
static long long versions_of(const char *db, const char *name,
                             const char *data, size_t len, bool *latest_same) {
  char sha[65];
  cchc_error err = {0};
  ck_assert_int_eq(cchc_sha256_hex(data, len, sha, &err), CCHC_OK);
  char *sql = NULL;
  ck_assert_int_ge(asprintf(&sql,
                            "SELECT count(*) FROM documents WHERE path LIKE "
                            "'%%/%s'",
                            name),
                   0);
  long long n = query_int(db, sql);
  free(sql);
  ck_assert_int_ge(asprintf(&sql,
                            "SELECT sha256 = '%s' FROM documents WHERE path "
                            "LIKE '%%/%s' ORDER BY version DESC LIMIT 1",
                            sha, name),
                   0);
  *latest_same = query_int(db, sql) == 1;
  free(sql);
  return n;
}

/* ---- the watcher -------------------------------------------------------- */

typedef struct watcher {
  pid_t pid;
  char *dir, *db, *log, *errlog;
} watcher;

/* Start `cchc ingest --watch DIR` on a fresh folder and store, and wait
 * until it watches. */
static watcher watch_start(const char *name) {
  watcher w = {0};
  w.dir = fresh_dir(name);
  ck_assert_int_ge(asprintf(&w.db, "%s.db", w.dir), 0);
  ck_assert_int_ge(asprintf(&w.log, "%s.log", w.dir), 0);
  ck_assert_int_ge(asprintf(&w.errlog, "%s.err", w.dir), 0);
  const char *bin = getenv("CCHC_BIN");
  if (!bin)
    bin = "build/cchc";
  char settle[32];
  snprintf(settle, sizeof settle, "%d", SETTLE_MS);
  w.pid = fork();
  ck_assert_int_ge(w.pid, 0);
  if (w.pid == 0) {
    int out = open(w.log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    int err = open(w.errlog, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    dup2(out, 1);
    dup2(err, 2);
    alarm(60); /* kept across exec: a watcher left behind dies */
    execl(bin, bin, "ingest", "--db", w.db, "--settle", settle, "--watch",
          w.dir, (char *)NULL);
    _exit(127);
  }
  for (int i = 0; i < 2000; i++) {
    char *e = harness_read(w.errlog, NULL);
    bool ready = e && strstr(e, "cchc: watching ");
    free(e);
    if (ready)
      return w;
    sleep_ms(10);
  }
  ck_abort_msg("the watcher did not start");
  return w;
}

/* SIGTERM, then the exit status within 10 s (SIGKILL and fail if not). */
static void watch_stop(watcher *w) {
  ck_assert_int_eq(kill(w->pid, SIGTERM), 0);
  int status = 0;
  pid_t got = 0;
  for (int i = 0; i < 1000 && got == 0; i++) {
    got = waitpid(w->pid, &status, WNOHANG);
    if (got == 0)
      sleep_ms(10);
  }
  if (got == 0) {
    kill(w->pid, SIGKILL);
    waitpid(w->pid, &status, 0);
    ck_abort_msg("the watcher ignored SIGTERM for 10 s");
  }
  ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
                "watcher status %d", status);
}

static void watch_free(watcher *w) {
  free(w->dir);
  free(w->db);
  free(w->log);
  free(w->errlog);
}

/* The log (standard output) so far; caller frees. */
static char *log_text(const watcher *w) {
  char *t = harness_read(w->log, NULL);
  ck_assert_ptr_nonnull(t);
  return t;
}

static int count_lines(const char *t) {
  int n = 0;
  for (; *t; t++)
    n += *t == '\n';
  return n;
}

/* Wait (up to 20 s) until the log has `lines` lines; returns the log. */
static char *wait_lines(const watcher *w, int lines) {
  for (int i = 0; i < 2000; i++) {
    char *t = log_text(w);
    if (count_lines(t) >= lines)
      return t;
    free(t);
    sleep_ms(10);
  }
  char *t = log_text(w);
  ck_abort_msg("waited for %d log lines; log:\n%s", lines, t);
  return t;
}

/* Wait three settle intervals (nothing else may come), stop the watcher,
 * and return its log, which must have `lines` lines. */
static char *watch_finish(watcher *w, int lines) {
  sleep_ms(3 * SETTLE_MS);
  watch_stop(w);
  char *log = log_text(w);
  ck_assert_msg(count_lines(log) == lines, "log: %s", log);
  return log;
}

/* Copy corpus plan i to `path`. */
static void put_plan(size_t i, const char *path) {
  ck_assert_uint_gt(ncorpus, i);
  size_t len;
  char *data = harness_read(corpus[i], &len);
  ck_assert_ptr_nonnull(data);
  ck_assert_int_eq(harness_write(path, data, len), 0);
  free(data);
}

/* Write `len` bytes of `data` to PATH in one open, appending. */
static void append(const char *path, const char *data, size_t len) {
  int fd = open(path, O_WRONLY | O_CREAT | O_APPEND, 0644);
  ck_assert_int_ge(fd, 0);
  ck_assert_int_eq(write(fd, data, len), (ssize_t)len);
  ck_assert_int_eq(close(fd), 0);
}

/* ---- tests -------------------------------------------------------------- */

/* A slow copy: three opens, each appending a third of the plan, with
 * pauses shorter than the settle interval.  Then a writer that closes,
 * reopens at once and holds the file open without writing for three
 * settle intervals: not taken while open.  Each time one plan with every
 * byte; changed again: a new version. */
START_TEST(slow_writer_is_taken_whole) {
  ck_assert_uint_gt(ncorpus, 1);
  size_t len;
  char *plan = harness_read(corpus[0], &len);
  ck_assert_ptr_nonnull(plan);
  watcher w = watch_start("slow");
  char *path = join(w.dir, "slow.txt");
  size_t third = len / 3;
  append(path, plan, third);
  sleep_ms(SETTLE_MS / 5);
  append(path, plan + third, third);
  sleep_ms(SETTLE_MS / 5);
  append(path, plan + 2 * third, len - 2 * third);
  char *log = wait_lines(&w, 1);
  ck_assert_msg(strncmp(log, "added ", 6) == 0, "log: %s", log);
  free(log);
  bool same = false;
  ck_assert_int_eq(versions_of(w.db, "slow.txt", plan, len, &same), 1);
  ck_assert_msg(same, "the stored plan is not the whole file");

  /* Closed after a first part, then held open past the interval. */
  char *held = join(w.dir, "held.txt");
  size_t len2;
  char *plan2 = harness_read(corpus[1], &len2);
  append(held, plan2, len2 / 2);
  int fd = open(held, O_WRONLY | O_APPEND);
  ck_assert_int_ge(fd, 0);
  sleep_ms(3 * SETTLE_MS);
  ck_assert_int_eq(write(fd, plan2 + len2 / 2, len2 - len2 / 2),
                   (ssize_t)(len2 - len2 / 2));
  ck_assert_int_eq(close(fd), 0);
  log = wait_lines(&w, 2);
  free(log);
  ck_assert_int_eq(versions_of(w.db, "held.txt", plan2, len2, &same), 1);
  ck_assert_msg(same, "held.txt was taken before its writer closed it");

  /* Changed again: a new version, with every byte. */
  static const char more[] = "\nPhụ lục bổ sung.\n";
  append(path, more, sizeof more - 1);
  log = wait_lines(&w, 3);
  ck_assert_ptr_nonnull(strstr(log, "new-version "));
  free(log);
  char *whole = NULL;
  ck_assert_int_ge(asprintf(&whole, "%s%s", plan, more), 0);
  ck_assert_int_eq(
      versions_of(w.db, "slow.txt", whole, strlen(whole), &same), 2);
  ck_assert(same);

  log = watch_finish(&w, 3);
  ck_assert_ptr_null(strstr(log, "rejected"));
  ck_assert_int_eq(documents(w.db), 3);
  free(log);
  free(whole);
  free(plan2);
  free(held);
  free(path);
  free(plan);
  watch_free(&w);
}
END_TEST

/* Three bad files dropped under one name, one after the other: each is
 * kept in rejected/ under its own name with its own reason. */
START_TEST(rejects_never_overwrite) {
  watcher w = watch_start("rejects");
  char *path = join(w.dir, "bad.txt");
  char text[3][64];
  for (int i = 0; i < 3; i++) {
    snprintf(text[i], sizeof text[i], "KẾ HOẠCH %d\nTỷ lệ \xC3\x28 đạt 9%d%%\n",
             i, i);
    ck_assert_int_eq(harness_write(path, text[i], strlen(text[i])), 0);
    char *log = wait_lines(&w, i + 1);
    free(log);
  }
  watch_stop(&w);
  static const char *const kept[] = {"bad.txt", "bad-2.txt", "bad-3.txt"};
  char *rejected = join(w.dir, "rejected");
  char names[512];
  ck_assert_msg(harness_dir_entries(rejected, names, sizeof names) == 6, "%s",
                names);
  for (int i = 0; i < 3; i++) {
    char *k = join(rejected, kept[i]), *why = NULL;
    ck_assert_int_ge(asprintf(&why, "%s.reason", k), 0);
    size_t n;
    char *data = harness_read(k, &n);
    ck_assert_msg(data != NULL, "no %s", k);
    ck_assert_str_eq(data, text[i]);
    char *r = harness_read(why, NULL);
    ck_assert_msg(r && strncmp(r, "bad.txt:2: ", 11) == 0, "%s: %s", why, r);
    free(r);
    free(data);
    free(why);
    free(k);
  }
  char *log = log_text(&w);
  ck_assert_ptr_nonnull(strstr(log, "(kept as rejected/bad-3.txt)"));
  ck_assert_int_eq(count_lines(log), 3);
  ck_assert_int_eq(query_int(w.db, "SELECT count(*) FROM documents"), 0);
  free(log);
  free(rejected);
  free(path);
  watch_free(&w);
}
END_TEST

/* Links, FIFOs, empty files: rejected with a reason, moved as they are
 * (a link stays a link, a FIFO a FIFO), nothing stored, nothing read; a
 * plan dropped after them is stored, and SIGTERM stops the watcher. */
START_TEST(only_regular_files_are_taken) {
  ck_assert_uint_gt(ncorpus, 0);
  watcher w = watch_start("special");
  char *stage = fresh_dir("stage");
  /* Made elsewhere and moved in (IN_MOVED_TO), or made in place
   * (IN_CREATE). */
  char *s_pw = join(stage, "passwd.txt"), *s_zero = join(stage, "zero.txt"),
       *s_fifo = join(stage, "fifo.txt");
  ck_assert_int_eq(symlink("/etc/passwd", s_pw), 0);
  ck_assert_int_eq(symlink("/dev/zero", s_zero), 0);
  ck_assert_int_eq(mkfifo(s_fifo, 0600), 0);
  char *pw = join(w.dir, "passwd.txt"), *zero = join(w.dir, "zero.txt"),
       *fifo = join(w.dir, "fifo.txt"), *fifo2 = join(w.dir, "fifo2.txt"),
       *link2 = join(w.dir, "self.txt"), *empty = join(w.dir, "empty.txt"),
       *blank = join(w.dir, "blank.txt"), *plan = join(w.dir, "plan.txt");
  ck_assert_int_eq(rename(s_pw, pw), 0);
  ck_assert_int_eq(rename(s_zero, zero), 0);
  ck_assert_int_eq(rename(s_fifo, fifo), 0);
  ck_assert_int_eq(mkfifo(fifo2, 0600), 0);
  ck_assert_int_eq(symlink("plan.txt", link2), 0);
  int fd = open(empty, O_WRONLY | O_CREAT, 0644); /* touch */
  ck_assert_int_ge(fd, 0);
  close(fd);
  ck_assert_int_eq(harness_write(blank, " \n\n\t\n", 5), 0);
  char *log = wait_lines(&w, 7);
  free(log);
  put_plan(0, plan);
  log = wait_lines(&w, 8);
  double t0 = now_s();
  watch_stop(&w);
  ck_assert_msg(now_s() - t0 < 5, "slow to stop");

  ck_assert_int_eq(documents(w.db), 1);
  ck_assert_int_eq(
      query_int(w.db, "SELECT count(*) FROM documents WHERE path LIKE "
                      "'%/plan.txt'"),
      1);
  static const struct {
    const char *name, *reason;
    mode_t type;
  } want[] = {
      {"passwd.txt", "passwd.txt: a symbolic link, not a regular file",
       S_IFLNK},
      {"zero.txt", "zero.txt: a symbolic link, not a regular file", S_IFLNK},
      {"self.txt", "self.txt: a symbolic link, not a regular file", S_IFLNK},
      {"fifo.txt", "fifo.txt: a FIFO, not a regular file", S_IFIFO},
      {"fifo2.txt", "fifo2.txt: a FIFO, not a regular file", S_IFIFO},
      {"empty.txt", "empty.txt: empty file", S_IFREG},
      {"blank.txt", "blank.txt: empty file: nothing but white space",
       S_IFREG},
  };
  for (size_t i = 0; i < sizeof want / sizeof *want; i++) {
    char *kept = NULL, *why = NULL;
    ck_assert_int_ge(asprintf(&kept, "%s/rejected/%s", w.dir, want[i].name),
                     0);
    ck_assert_int_ge(asprintf(&why, "%s.reason", kept), 0);
    struct stat st;
    ck_assert_msg(lstat(kept, &st) == 0, "no %s", kept);
    ck_assert_msg((st.st_mode & S_IFMT) == want[i].type, "%s: mode %o", kept,
                  (unsigned)st.st_mode);
    char *r = harness_read(why, NULL);
    ck_assert_ptr_nonnull(r);
    ck_assert_msg(strncmp(r, want[i].reason, strlen(want[i].reason)) == 0,
                  "%s: %s", why, r);
    char *line = NULL;
    ck_assert_int_ge(asprintf(&line, "rejected %s/%s: %s", w.dir,
                              want[i].name, want[i].reason),
                     0);
    ck_assert_msg(strstr(log, line), "no '%s' in the log:\n%s", line, log);
    char *left = join(w.dir, want[i].name);
    ck_assert_msg(lstat(left, &st) != 0, "%s is still there", left);
    free(left);
    free(line);
    free(r);
    free(why);
    free(kept);
  }
  free(log);
  free(s_pw);
  free(s_zero);
  free(s_fifo);
  free(pw);
  free(zero);
  free(fifo);
  free(fifo2);
  free(link2);
  free(empty);
  free(blank);
  free(plan);
  free(stage);
  watch_free(&w);
}
END_TEST

/* A plan already taken, renamed twice inside the folder: not taken again,
 * nothing rejected.  A plan renamed while it settles: taken once, under
 * its new name. */
START_TEST(renames_inside_are_ignored) {
  ck_assert_uint_gt(ncorpus, 1);
  watcher w = watch_start("rename");
  char *a = join(w.dir, "a.txt"), *b = join(w.dir, "b.txt"),
       *c = join(w.dir, "c.txt"), *d = join(w.dir, "d.txt"),
       *e = join(w.dir, "e.txt");
  put_plan(0, a);
  char *log = wait_lines(&w, 1);
  free(log);
  ck_assert_int_eq(rename(a, b), 0);
  ck_assert_int_eq(rename(b, c), 0);
  put_plan(1, d);
  ck_assert_int_eq(rename(d, e), 0);
  log = wait_lines(&w, 2);
  free(log);
  log = watch_finish(&w, 2);
  ck_assert_ptr_nonnull(strstr(log, "added "));
  ck_assert_ptr_null(strstr(log, "rejected"));
  ck_assert_ptr_nonnull(strstr(log, "/e.txt: version 1"));
  ck_assert_int_eq(documents(w.db), 2);
  char *rejected = join(w.dir, "rejected");
  char names[256];
  ck_assert_msg(harness_dir_entries(rejected, names, sizeof names) == 0, "%s",
                names);
  ck_assert(harness_file_exists(c));
  ck_assert(harness_file_exists(e));
  free(rejected);
  free(log);
  free(a);
  free(b);
  free(c);
  free(d);
  free(e);
  watch_free(&w);
}
END_TEST

/* A newline, an escape sequence, a bidi override in a file name: one log
 * line per file, the characters escaped, in the log and the reason. */
START_TEST(control_characters_are_escaped) {
  watcher w = watch_start("names");
  static const struct {
    const char *name, *shown;
  } files[] = {
      {"x\ny.txt", "x\\ny.txt"},
      {"\x1b[31mred.txt", "\\x1b[31mred.txt"},
      {"evil\xe2\x80\xaetxt.exe.txt", "evil\\u202etxt.exe.txt"},
  };
  static const char bad[] = "KẾ HOẠCH\nTỷ lệ \xC3\x28 đạt 98%\n";
  for (size_t i = 0; i < 3; i++) {
    char *p = join(w.dir, files[i].name);
    ck_assert_int_eq(harness_write(p, bad, sizeof bad - 1), 0);
    free(p);
  }
  char *log = wait_lines(&w, 3);
  free(log);
  log = watch_finish(&w, 3);
  ck_assert_ptr_null(strchr(log, '\x1b'));
  for (size_t i = 0; i < 3; i++) {
    char *line = NULL;
    ck_assert_int_ge(asprintf(&line, "rejected %s/%s: %s:2: ", w.dir,
                              files[i].shown, files[i].shown),
                     0);
    ck_assert_msg(strstr(log, line), "no '%s' in the log:\n%s", line, log);
    free(line);
    char *why = NULL;
    ck_assert_int_ge(
        asprintf(&why, "%s/rejected/%s.reason", w.dir, files[i].name), 0);
    char *r = harness_read(why, NULL);
    ck_assert_ptr_nonnull(r);
    ck_assert_msg(count_lines(r) == 1 && strstr(r, files[i].shown), "%s", r);
    free(r);
    free(why);
  }
  free(log);
  watch_free(&w);
}
END_TEST

/* Two links to ".", one to "..", one to a subdirectory and one to a file
 * inside the tree, and the tree named twice: the walk finishes at once,
 * takes each plan once and notes each link it skips. */
START_TEST(walk_follows_no_links) {
  ck_assert_uint_gt(ncorpus, 1);
  char *top = fresh_dir("walk"), *sub = join(top, "sub");
  ck_assert_int_eq(mkdir(sub, 0777), 0);
  char *p = join(top, "a.txt");
  put_plan(0, p);
  free(p);
  p = join(sub, "b.txt");
  put_plan(1, p);
  free(p);
  static const char *const links[][2] = {
      {".", "loop1"},        {".", "loop2"},         {"..", "sub/up"},
      {"sub", "again"},      {"/etc/passwd", "passwd.txt"},
      {"a.txt", "sub/a-link.txt"},
  };
  for (size_t i = 0; i < sizeof links / sizeof *links; i++) {
    p = join(top, links[i][1]);
    ck_assert_int_eq(symlink(links[i][0], p), 0);
    free(p);
  }
  char *db = NULL;
  ck_assert_int_ge(asprintf(&db, "%s.db", top), 0);
  const char *argv[] = {"ingest", "--db", db, top, top, NULL};
  double t0 = now_s();
  harness_result r = harness_cli_bounded(argv, NULL, (harness_limits){20, 0});
  double took = now_s() - t0;
  ck_assert_msg(r.rc == 0, "exit %d after %.1f s: %s", r.rc, took, r.err);
  ck_assert_msg(strstr(r.out, "2 added, 0 unchanged, 0 new versions, 0 failed"),
                "%s", r.out);
  for (size_t i = 0; i < sizeof links / sizeof *links; i++) {
    char *note = NULL;
    ck_assert_int_ge(asprintf(&note, "cchc: note: %s/%s: a symbolic link, "
                                     "not followed",
                              top, links[i][1]),
                     0);
    ck_assert_msg(strstr(r.err, note), "no '%s' in:\n%s", note, r.err);
    free(note);
  }
  ck_assert_int_eq(documents(db), 2);
  harness_result_free(&r);
  free(db);
  free(sub);
  free(top);
}
END_TEST

/* A batch with an empty and a blank file: each refused with its reason
 * (exit 1), the plan beside them stored. */
START_TEST(batch_refuses_empty_files) {
  ck_assert_uint_gt(ncorpus, 0);
  char *dir = fresh_dir("batch");
  char *empty = join(dir, "empty.txt"), *blank = join(dir, "blank.txt"),
       *plan = join(dir, "plan.txt"), *db = NULL;
  ck_assert_int_ge(asprintf(&db, "%s.db", dir), 0);
  ck_assert_int_eq(harness_write(empty, "", 0), 0);
  ck_assert_int_eq(harness_write(blank, "\n \n", 3), 0);
  put_plan(0, plan);
  const char *argv[] = {"ingest", "--db", db, dir, NULL};
  harness_result r = harness_cli_bounded(argv, NULL, (harness_limits){60, 0});
  ck_assert_int_eq(r.rc, 1);
  ck_assert_msg(strstr(r.out, "1 added, 0 unchanged, 0 new versions, 2 failed"),
                "%s", r.out);
  char *line = NULL;
  ck_assert_int_ge(asprintf(&line, "cchc: %s: empty file\n", empty), 0);
  ck_assert_msg(strstr(r.err, line), "%s", r.err);
  free(line);
  ck_assert_int_ge(
      asprintf(&line, "cchc: %s: empty file: nothing but white space", blank),
      0);
  ck_assert_msg(strstr(r.err, line), "%s", r.err);
  free(line);
  ck_assert_int_eq(documents(db), 1);
  harness_result_free(&r);
  free(db);
  free(plan);
  free(blank);
  free(empty);
  free(dir);
}
END_TEST

int main(void) {
  ncorpus = harness_corpus(&corpus);
  Suite *s = suite_create("watch");
  TCase *tc = tcase_create("watch");
  tcase_set_timeout(tc, 120);
  tcase_add_test(tc, slow_writer_is_taken_whole);
  tcase_add_test(tc, rejects_never_overwrite);
  tcase_add_test(tc, only_regular_files_are_taken);
  tcase_add_test(tc, renames_inside_are_ignored);
  tcase_add_test(tc, control_characters_are_escaped);
  suite_add_tcase(s, tc);
  tc = tcase_create("walk");
  tcase_set_timeout(tc, 120);
  tcase_add_test(tc, walk_follows_no_links);
  tcase_add_test(tc, batch_refuses_empty_files);
  suite_add_tcase(s, tc);
  int rc = harness_run(s);
  harness_free_list(corpus, ncorpus);
  return rc;
}
