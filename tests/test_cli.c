/* test_cli.c: the cchc program, run as a user runs it: exit codes (0 ok,
 * 1 input rejected, 2 usage), error messages "cchc: FILE:LINE: message",
 * atomic output files, batches. */
#define _GNU_SOURCE
#include "harness.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

/* ------------------------------------------------------------------ */
/* Helpers                                                             */

static char *write_tmp(const char *name, const char *data, size_t len) {
  char *p = harness_tmp_path(name);
  ck_assert_msg(harness_write(p, data, len) == 0, "cannot write %s", p);
  return p;
}

/* stderr has a line "cchc: PATH:LINE: ..." (line > 0) or "cchc: PATH: ..."
 * (line == 0) that contains `needle`. */
static void assert_report(const char *err, const char *path, unsigned line,
                          const char *needle) {
  char prefix[4200];
  if (line)
    snprintf(prefix, sizeof prefix, "cchc: %s:%u: ", path, line);
  else
    snprintf(prefix, sizeof prefix, "cchc: %s: ", path);
  const char *p = err;
  bool found = false;
  while (p && *p && !found) {
    const char *eol = strchr(p, '\n');
    size_t l = eol ? (size_t)(eol - p) : strlen(p);
    if (l >= strlen(prefix) && strncmp(p, prefix, strlen(prefix)) == 0 &&
        memmem(p, l, needle, strlen(needle)))
      found = true;
    p = eol ? eol + 1 : NULL;
  }
  ck_assert_msg(found, "no line starting [%s] and containing [%s] in stderr:\n%s",
                prefix, needle, err);
}



/* ------------------------------------------------------------------ */
/* Rejected inputs                                                     */

START_TEST(truncated_utf8_file) {
  const char data[] = "Kế hoạch cải cách hành chính\nnăm 2026 của xã\n\xE1\xBB";
  char *path = write_tmp("truncated.txt", data, sizeof data - 1);
  const char *argv[] = {"normalize", path, NULL};
  harness_result r = harness_cli_run(argv, NULL, 0);
  ck_assert_int_eq(r.rc, 1);
  ck_assert_uint_eq(r.outlen, 0);
  assert_report(r.err, path, 3, "truncated");
  harness_result_free(&r);
  free(path);
}
END_TEST

START_TEST(nul_bytes_file) {
  const char data[] = "Kế hoạch\ncải cách hành chính\0\0 năm 2026\n";
  char *path = write_tmp("nul.txt", data, sizeof data - 1);
  const char *argv[] = {"normalize", path, NULL};
  harness_result r = harness_cli_run(argv, NULL, 0);
  ck_assert_int_eq(r.rc, 1);
  ck_assert_uint_eq(r.outlen, 0);
  assert_report(r.err, path, 2, "binary");
  harness_result_free(&r);
  free(path);
}
END_TEST

START_TEST(utf16_without_bom_file) {
  const char *text = "Administrative reform plan\nfor the year 2026\n";
  char data[256];
  size_t n = 0;
  for (const char *p = text; *p; p++) {
    data[n++] = *p;
    data[n++] = '\0';
  }
  char *path = write_tmp("utf16.txt", data, n);
  const char *argv[] = {"normalize", path, NULL};
  harness_result r = harness_cli_run(argv, NULL, 0);
  ck_assert_int_eq(r.rc, 1);
  assert_report(r.err, path, 1, "UTF-16");
  harness_result_free(&r);
  /* Told the encoding, the program reads it. */
  const char *argv2[] = {"normalize", "--encoding", "utf-16le", path, NULL};
  r = harness_cli_run(argv2, NULL, 0);
  ck_assert_int_eq(r.rc, 0);
  ck_assert_str_eq(r.out, "Administrative reform plan for the year 2026\n");
  harness_result_free(&r);
  free(path);
}
END_TEST

START_TEST(missing_file) {
  char *path = harness_tmp_path("does-not-exist.txt");
  const char *argv[] = {"normalize", path, NULL};
  harness_result r = harness_cli_run(argv, NULL, 0);
  ck_assert_int_eq(r.rc, 1);
  ck_assert_uint_eq(r.outlen, 0);
  assert_report(r.err, path, 0, "cannot open");
  harness_result_free(&r);
  free(path);
}
END_TEST

START_TEST(huge_single_line_file) {
  static const char unit[] =
      "Kế hoạch cải cách hành chính năm 2026 của Ủy ban nhân dân xã, ";
  /* 8 MB in one line: far past the first read and every chunk */
  size_t ul = sizeof unit - 1, units = (8u << 20) / ul + 1;
  size_t n = units * ul + 5;
  char *data = malloc(n + 1);
  ck_assert_ptr_nonnull(data);
  for (size_t i = 0; i < units; i++)
    memcpy(data + i * ul, unit, ul);
  memcpy(data + units * ul, "cuối", 5);
  char *path = write_tmp("huge.txt", data, n);
  const char *argv[] = {"normalize", path, NULL};
  harness_result r = harness_cli_run(argv, NULL, 0);
  unlink(path); /* 8 MB: do not leave it behind, even when a check fails */
  ck_assert_int_eq(r.rc, 0);
  ck_assert_msg(r.err[0] == '\0', "stderr: %s", r.err);
  /* Canonical already: the output is the input plus the final newline. */
  ck_assert_uint_eq(r.outlen, n + 1);
  ck_assert_msg(memcmp(r.out, data, n) == 0, "output differs from input");
  ck_assert_int_eq(r.out[n], '\n');
  harness_result_free(&r);
  free(path);
  free(data);
}
END_TEST

/* A large file is mapped, and its pages given back as decoding passes
 * them: the text, the line of an error past them and the content hash
 * are still those of the whole file, also when decoding starts over (an
 * ill-formed byte, repaired). */
START_TEST(mapped_input_file) {
  /* Just past the 4 MB from which inputs are mapped, in long lines that
   * extraction reads fast (also under the sanitizers). */
  char line[2048]; /* 110 times 11 bytes */
  size_t ll = 0;
  for (int k = 0; k < 110; k++)
    ll += (size_t)snprintf(line + ll, sizeof line - ll, "Việt Nam ");
  line[ll++] = '\n';
  size_t lines = (4u << 20) / ll + 1, n = lines * ll;
  char *data = malloc(n);
  ck_assert_ptr_nonnull(data);
  for (size_t i = 0; i < lines; i++)
    memcpy(data + i * ll, line, ll);
  data[n - 3] = '\xFF'; /* on the last line */
  char *path = write_tmp("mapped.txt", data, n);

  const char *argv[] = {"normalize", path, NULL};
  harness_result r = harness_cli_run(argv, NULL, 0);
  ck_assert_int_eq(r.rc, 1);
  assert_report(r.err, path, (unsigned)lines, "invalid UTF-8 byte 0xFF");
  harness_result_free(&r);

  const char *repair[] = {"normalize", "--repair", path, NULL};
  const char *repair_stdin[] = {"normalize", "--repair", NULL};
  r = harness_cli_run(repair, NULL, 0);
  harness_result piped = harness_cli_run(repair_stdin, data, n);
  ck_assert_int_eq(r.rc, 0);
  ck_assert_int_eq(piped.rc, 0);
  ck_assert_uint_eq(r.outlen, piped.outlen);
  ck_assert_msg(memcmp(r.out, piped.out, r.outlen) == 0,
                "the mapped file normalizes otherwise than the same bytes "
                "read from standard input");
  harness_result_free(&r);
  harness_result_free(&piped);

  char sha[65], want[80];
  ck_assert_int_eq(cchc_sha256_hex(data, n, sha, NULL), CCHC_OK);
  snprintf(want, sizeof want, "\"sha256\": \"%s\"", sha);
  const char *extract[] = {"extract", "--repair", "-f", "json", path, NULL};
  r = harness_cli_run(extract, NULL, 0);
  unlink(path); /* 4 MB: do not leave it behind */
  ck_assert_int_eq(r.rc, 0);
  ck_assert_msg(strstr(r.out, want), "no %s in the frame", want);
  harness_result_free(&r);
  free(path);
  free(data);
}
END_TEST

/* Whether process pid has path mapped (a line of /proc/PID/maps ends
 * with it). */
static bool maps_file(pid_t pid, const char *path) {
  char maps[64], line[4400];
  snprintf(maps, sizeof maps, "/proc/%d/maps", (int)pid);
  FILE *fp = fopen(maps, "r");
  if (!fp)
    return false;
  bool found = false;
  size_t pl = strlen(path);
  while (!found && fgets(line, sizeof line, fp)) {
    size_t l = strcspn(line, "\n");
    found = l >= pl && memcmp(line + l - pl, path, pl) == 0;
  }
  fclose(fp);
  return found;
}

/* A mapped input that another program cuts short while cchc reads it: the
 * pages past the new end would kill cchc with SIGBUS.  It must instead
 * reject that input with a message, exit 1 and write nothing for it.
 * The file is cut as soon as cchc has it mapped, long before decoding
 * 24 MB can end. */
START_TEST(mapped_input_cut_short) {
  char line[2048];
  size_t ll = 0;
  for (int k = 0; k < 110; k++)
    ll += (size_t)snprintf(line + ll, sizeof line - ll, "Việt Nam ");
  line[ll++] = '\n';
  size_t lines = (24u << 20) / ll, n = lines * ll;
  char *data = malloc(n);
  ck_assert_ptr_nonnull(data);
  for (size_t i = 0; i < lines; i++)
    memcpy(data + i * ll, line, ll);
  const char *cmds[][6] = {{"normalize", NULL},
                           {"extract", "-f", "json", NULL}};
  for (size_t c = 0; c < sizeof cmds / sizeof *cmds; c++) {
    char *path = write_tmp("cut.txt", data, n);
    char *outp = harness_tmp_path("cut.out"), *errp = harness_tmp_path("cut.err");
    const char *argv[8] = {"cchc"};
    size_t a = 1;
    for (const char *const *w = cmds[c]; *w; w++)
      argv[a++] = *w;
    argv[a++] = path;
    argv[a] = NULL;
    const char *bin = getenv("CCHC_BIN") ? getenv("CCHC_BIN") : "build/cchc";
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
      int fo = open(outp, O_WRONLY | O_CREAT | O_TRUNC, 0600),
          fe = open(errp, O_WRONLY | O_CREAT | O_TRUNC, 0600);
      dup2(fo, 1);
      dup2(fe, 2);
      alarm(120);
      execv(bin, (char **)argv);
      _exit(127);
    }
    bool seen = false;
    int status = 0;
    for (int tries = 0; tries < 20000 && !seen; tries++) {
      if (waitpid(pid, &status, WNOHANG) == pid)
        break;
      seen = maps_file(pid, path);
      if (!seen)
        usleep(1000);
    }
    if (seen)
      ck_assert_int_eq(truncate(path, 1 << 20), 0);
    if (seen)
      ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert_msg(seen, "%s: cchc ended before the file was seen mapped",
                  cmds[c][0]);
    ck_assert_msg(WIFEXITED(status), "%s: cchc was killed by signal %d",
                  cmds[c][0], WIFSIGNALED(status) ? WTERMSIG(status) : 0);
    ck_assert_int_eq(WEXITSTATUS(status), 1);
    char *out = harness_read(outp, NULL), *err = harness_read(errp, NULL);
    ck_assert_ptr_nonnull(out);
    ck_assert_ptr_nonnull(err);
    assert_report(err, path, 0, "cut short by another program");
    ck_assert_msg(strlen(out) == 0, "%s wrote output for a cut input: %.80s",
                  cmds[c][0], out);
    free(out);
    free(err);
    unlink(path);
    unlink(outp);
    unlink(errp);
    free(path);
    free(outp);
    free(errp);
  }
  free(data);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Batches and output files                                            */

START_TEST(batch_with_bad_middle) {
  char *indir = harness_make_dir("batch-in");
  char *outdir = harness_make_dir("batch-out");
  char a[4200], b[4200], c[4200];
  snprintf(a, sizeof a, "%s/a.txt", indir);
  snprintf(b, sizeof b, "%s/b.txt", indir);
  snprintf(c, sizeof c, "%s/c.txt", indir);
  ck_assert_int_eq(harness_write(a, "Văn hoá\n", strlen("Văn hoá\n")), 0);
  const char bad[] = "Việt Nam \xC3 và hơn\n";
  ck_assert_int_eq(harness_write(b, bad, sizeof bad - 1), 0);
  ck_assert_int_eq(harness_write(c, "Thuỷ lợi\r\n", strlen("Thuỷ lợi\r\n")),
                   0);
  const char *argv[] = {"normalize", "-o", outdir, a, b, c, NULL};
  harness_result r = harness_cli_run(argv, NULL, 0);
  ck_assert_int_eq(r.rc, 1);
  assert_report(r.err, b, 1, "invalid UTF-8");
  harness_result_free(&r);

  char oa[4200], ob[4200], oc[4200];
  snprintf(oa, sizeof oa, "%s/a.txt", outdir);
  snprintf(ob, sizeof ob, "%s/b.txt", outdir);
  snprintf(oc, sizeof oc, "%s/c.txt", outdir);
  char *da = harness_read(oa, NULL), *dc = harness_read(oc, NULL);
  ck_assert_msg(da != NULL, "%s not written", oa);
  ck_assert_msg(dc != NULL, "%s not written", oc);
  ck_assert_str_eq(da, "Văn hóa\n");
  ck_assert_str_eq(dc, "Thủy lợi\n");
  ck_assert_msg(!harness_file_exists(ob), "%s exists for the bad input", ob);
  char names[1024];
  size_t k = harness_dir_entries(outdir, names, sizeof names);
  ck_assert_msg(k == 2, "output directory has: %s", names);
  free(da);
  free(dc);
  free(indir);
  free(outdir);
}
END_TEST

START_TEST(output_file_atomic) {
  char *dir = harness_make_dir("atomic");
  char in[4200], out[4200];
  snprintf(in, sizeof in, "%s/bad.txt", dir);
  snprintf(out, sizeof out, "%s/result.txt", dir);
  const char bad[] = "Kế hoạch cải cách\nhành chính \xFF năm 2026\n";
  ck_assert_int_eq(harness_write(in, bad, sizeof bad - 1), 0);
  const char *argv[] = {"normalize", "-o", out, in, NULL};

  /* No output file is left behind, not even a temporary one. */
  harness_result r = harness_cli_run(argv, NULL, 0);
  ck_assert_int_eq(r.rc, 1);
  assert_report(r.err, in, 2, "0xFF");
  harness_result_free(&r);
  ck_assert_msg(!harness_file_exists(out), "%s left behind", out);
  char names[1024];
  ck_assert_msg(harness_dir_entries(dir, names, sizeof names) == 1, "directory has: %s",
                names);

  /* An existing output file is left untouched. */
  ck_assert_int_eq(harness_write(out, "old content\n", 12), 0);
  r = harness_cli_run(argv, NULL, 0);
  ck_assert_int_eq(r.rc, 1);
  harness_result_free(&r);
  char *d = harness_read(out, NULL);
  ck_assert_ptr_nonnull(d);
  ck_assert_str_eq(d, "old content\n");
  free(d);
  ck_assert_msg(harness_dir_entries(dir, names, sizeof names) == 2, "directory has: %s",
                names);

  /* A good input replaces it. */
  const char good[] = "Kế hoạch cải cách\nhành chính năm 2026\n";
  ck_assert_int_eq(harness_write(in, good, sizeof good - 1), 0);
  r = harness_cli_run(argv, NULL, 0);
  ck_assert_int_eq(r.rc, 0);
  ck_assert_uint_eq(r.outlen, 0); /* written to the file, not stdout */
  harness_result_free(&r);
  d = harness_read(out, NULL);
  ck_assert_ptr_nonnull(d);
  ck_assert_str_eq(d, "Kế hoạch cải cách hành chính năm 2026\n");
  free(d);
  free(dir);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Special files: inputs, outputs, limits                              */

/* Every run here is bounded: a hang dies of SIGALRM (rc -1) and fails. */
static const harness_limits bounded = {.seconds = 20};

/* A memory device node like /dev/null (minor 3) or /dev/full (minor 7) in
 * the test's directory when the test may make one (as root), so that a
 * program that replaced its output instead of writing to it harms
 * nothing; else the real one, which a user cannot replace. */
static char *device_node(const char *name, unsigned minor, const char *real) {
  char *p = harness_tmp_path(name);
  if (mknod(p, S_IFCHR | 0666, makedev(1, minor)) == 0)
    return p;
  free(p);
  return strdup(real);
}

static bool is_kind(const char *path, mode_t kind) {
  struct stat st;
  return lstat(path, &st) == 0 && (st.st_mode & S_IFMT) == kind;
}

/* A plan of one line, canonical already: normalizing it gives it back. */
static const char SMALL_PLAN[] = "Kế hoạch năm 2026\n";

static char *small_plan(const char *name) {
  return write_tmp(name, SMALL_PLAN, sizeof SMALL_PLAN - 1);
}

/* A plan from samples/, path malloc'd. */
static char *sample_plan(void) {
  char *p = NULL;
  ck_assert_int_ge(
      asprintf(&p, "%s/samples/nghia_trung_2026.txt", harness_root()), 0);
  return p;
}

START_TEST(input_device_refused) {
  const char *argv[] = {"extract", "/dev/zero", NULL};
  harness_result r = harness_cli_bounded(argv, NULL, bounded);
  ck_assert_msg(r.rc == 1, "exit %d: %s", r.rc, r.err);
  ck_assert_uint_eq(r.outlen, 0);
  assert_report(r.err, "/dev/zero", 0, "a character device, not a regular file");
  harness_result_free(&r);

  /* Standard input may be anything readable; it is read up to the limit
   * (1 GiB) and one byte more, no further. */
  const char *argv2[] = {"normalize", NULL};
  r = harness_cli_bounded(argv2, "/dev/zero", (harness_limits){.seconds = 120});
  ck_assert_msg(r.rc == 1, "exit %d: %s", r.rc, r.err);
  assert_report(r.err, "<stdin>", 0, "more than the limit of 1073741824 bytes");
  ck_assert_msg(strstr(r.err, "2147483647") == NULL, "stderr: %s", r.err);
  harness_result_free(&r);
}
END_TEST

START_TEST(input_fifo_refused) {
  char *fifo = harness_tmp_path("in.fifo");
  ck_assert_int_eq(mkfifo(fifo, 0600), 0);
  static const char *const cmds[] = {"extract", "normalize", "ingest"};
  char *db = harness_tmp_path("fifo.db");
  for (size_t i = 0; i < 3; i++) {
    const char *argv[] = {cmds[i], fifo, NULL};
    const char *ingest[] = {"ingest", "--db", db, fifo, NULL};
    harness_result r = harness_cli_bounded(i == 2 ? ingest : argv, NULL, bounded);
    ck_assert_msg(r.rc == 1, "%s: exit %d (-1: killed waiting): %s", cmds[i],
                  r.rc, r.err);
    assert_report(r.err, fifo, 0, "a FIFO, not a regular file");
    harness_result_free(&r);
  }
  free(db);
  free(fifo);
}
END_TEST

/* A symlink named on the command line is followed (the user chose it),
 * but only to a regular file. */
START_TEST(input_symlink_named) {
  char *plan = small_plan("target.txt");
  char *link = harness_tmp_path("link.txt");
  ck_assert_int_eq(symlink(plan, link), 0);
  const char *argv[] = {"normalize", link, NULL};
  harness_result r = harness_cli_bounded(argv, NULL, bounded);
  ck_assert_msg(r.rc == 0, "exit %d: %s", r.rc, r.err);
  ck_assert_str_eq(r.out, SMALL_PLAN);
  harness_result_free(&r);
  char *zero = harness_tmp_path("zero.txt");
  ck_assert_int_eq(symlink("/dev/zero", zero), 0);
  const char *argv2[] = {"normalize", zero, NULL};
  r = harness_cli_bounded(argv2, NULL, bounded);
  ck_assert_msg(r.rc == 1, "exit %d: %s", r.rc, r.err);
  assert_report(r.err, zero, 0, "a character device");
  harness_result_free(&r);
  free(zero);
  free(link);
  free(plan);
}
END_TEST

/* -o naming a device or a FIFO writes to it; it is not replaced. */
START_TEST(output_special_written_through) {
  char *dir = harness_make_dir("special");
  char *in = small_plan("special-in.txt");
  char *null = device_node("special/null", 3, "/dev/null");
  const char *argv[] = {"normalize", "-o", null, in, NULL};
  harness_result r = harness_cli_bounded(argv, NULL, bounded);
  ck_assert_msg(r.rc == 0, "exit %d: %s", r.rc, r.err);
  harness_result_free(&r);
  ck_assert_msg(is_kind(null, S_IFCHR), "%s is no longer a device", null);

  /* A FIFO with a reader receives the output. */
  char fifo[4200];
  snprintf(fifo, sizeof fifo, "%s/out.fifo", dir);
  ck_assert_int_eq(mkfifo(fifo, 0600), 0);
  int rd = open(fifo, O_RDONLY | O_NONBLOCK);
  ck_assert_int_ge(rd, 0);
  const char *argv2[] = {"normalize", "-o", fifo, in, NULL};
  r = harness_cli_bounded(argv2, NULL, bounded);
  ck_assert_msg(r.rc == 0, "exit %d: %s", r.rc, r.err);
  harness_result_free(&r);
  char got[256];
  ssize_t n = read(rd, got, sizeof got - 1);
  close(rd);
  ck_assert_int_ge(n, 0);
  got[n] = '\0';
  ck_assert_str_eq(got, SMALL_PLAN);
  ck_assert_msg(is_kind(fifo, S_IFIFO), "%s is no longer a FIFO", fifo);

  /* With no reader: refused at once rather than waited on. */
  r = harness_cli_bounded(argv2, NULL, bounded);
  ck_assert_msg(r.rc == 2, "exit %d: %s", r.rc, r.err);
  assert_report(r.err, fifo, 0, "no process is reading");
  harness_result_free(&r);
  ck_assert_msg(is_kind(fifo, S_IFIFO), "%s is no longer a FIFO", fifo);
  char names[1024];
  ck_assert_msg(harness_dir_entries(dir, names, sizeof names) ==
                    (strncmp(null, dir, strlen(dir)) == 0 ? 2 : 1),
                "directory has: %s", names);
  free(null);
  free(in);
  free(dir);
}
END_TEST

/* The output file gets the permissions the umask allows, as a file made
 * by the shell would. */
START_TEST(output_honours_umask) {
  char *in = small_plan("umask-in.txt");
  char *out = harness_tmp_path("umask-out.txt");
  static const mode_t masks[] = {022, 027, 077};
  for (size_t i = 0; i < 3; i++) {
    mode_t old = umask(masks[i]);
    const char *argv[] = {"normalize", "-o", out, in, NULL};
    harness_result r = harness_cli_bounded(argv, NULL, bounded);
    umask(old);
    ck_assert_msg(r.rc == 0, "exit %d: %s", r.rc, r.err);
    harness_result_free(&r);
    struct stat st;
    ck_assert_int_eq(stat(out, &st), 0);
    ck_assert_msg((st.st_mode & 0777) == (0666 & ~masks[i]),
                  "umask %03o: mode %03o", (unsigned)masks[i],
                  (unsigned)(st.st_mode & 0777));
  }
  free(out);
  free(in);
}
END_TEST

/* ulimit -f: the write fails with a message, the program is not killed,
 * and no temporary file is left. */
START_TEST(output_file_size_limit) {
  char *dir = harness_make_dir("fsize");
  char *plan = sample_plan(), out[4200];
  snprintf(out, sizeof out, "%s/frame.json", dir);
  const char *argv[] = {"extract", "-o", out, plan, NULL};
  harness_result r = harness_cli_bounded(
      argv, NULL, (harness_limits){.seconds = 20, .file_size = 4096});
  ck_assert_msg(r.rc == 2, "exit %d (-1: killed by a signal): %s", r.rc, r.err);
  assert_report(r.err, out, 0, "write error: File too large");
  harness_result_free(&r);
  char names[1024];
  ck_assert_msg(harness_dir_entries(dir, names, sizeof names) == 0,
                "directory has: %s", names);
  free(plan);
  free(dir);
}
END_TEST

/* A full disk (/dev/full): the message says why; the inputs after the
 * failure are not tried, and said to be. */
START_TEST(output_write_error_reason) {
  char *full = device_node("full", 7, "/dev/full");
  char *plan = sample_plan();
  const char *argv[] = {"extract", "-o", full, plan, NULL};
  harness_result r = harness_cli_bounded(argv, NULL, bounded);
  ck_assert_msg(r.rc == 2, "exit %d: %s", r.rc, r.err);
  assert_report(r.err, full, 0, "write error: No space left on device");
  harness_result_free(&r);

  const char *argv2[] = {"extract", "-f", "jsonl", "-o", full,
                         plan,      plan, plan, NULL};
  r = harness_cli_bounded(argv2, NULL, bounded);
  ck_assert_msg(r.rc == 2, "exit %d: %s", r.rc, r.err);
  assert_report(r.err, full, 0, "write error: No space left on device");
  ck_assert_msg(strstr(r.err, "cchc: stopped: 2 inputs not tried\n"),
                "stderr: %s", r.err);
  harness_result_free(&r);

  char *db = harness_tmp_path("full.db");
  const char *ingest[] = {"ingest", "--db", db, plan, NULL};
  r = harness_cli_bounded(ingest, NULL, bounded);
  ck_assert_msg(r.rc == 0, "exit %d: %s", r.rc, r.err);
  harness_result_free(&r);
  const char *report[] = {"report", "--db", db, "-o", full, NULL};
  r = harness_cli_bounded(report, NULL, bounded);
  ck_assert_msg(r.rc == 2, "exit %d: %s", r.rc, r.err);
  assert_report(r.err, full, 0, "write error: No space left on device");
  harness_result_free(&r);
  ck_assert_msg(is_kind(full, S_IFCHR), "%s is no longer a device", full);
  free(db);
  free(plan);
  free(full);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Options                                                             */

START_TEST(repair_option) {
  const char bad[] = "Việt Nam \xC3 và hơn\n";
  char *path = write_tmp("repair.txt", bad, sizeof bad - 1);
  const char *argv[] = {"normalize", "--repair", path, NULL};
  harness_result r = harness_cli_run(argv, NULL, 0);
  ck_assert_int_eq(r.rc, 0);
  ck_assert_str_eq(r.out, "Việt Nam \uFFFD và hơn\n");
  harness_result_free(&r);
  const char *argv2[] = {"normalize", path, NULL};
  r = harness_cli_run(argv2, NULL, 0);
  ck_assert_int_eq(r.rc, 1);
  assert_report(r.err, path, 1, "invalid UTF-8 byte 0xC3");
  harness_result_free(&r);
  free(path);
}
END_TEST

START_TEST(explain_option) {
  const char data[] = "- Đẩy mạnh tuyên truyền về cải\n\ncách hành chính về văn hoá.\n";
  char *path = write_tmp("explain.txt", data, sizeof data - 1);
  const char *argv[] = {"normalize", "--explain", path, NULL};
  harness_result r = harness_cli_run(argv, NULL, 0);
  ck_assert_int_eq(r.rc, 0);
  ck_assert_str_eq(r.out,
                   "- Đẩy mạnh tuyên truyền về cải cách hành chính về văn hóa.\n");
  char want[4300];
  snprintf(want, sizeof want, "%s:1: line-join: ", path);
  ck_assert_msg(strstr(r.err, want) != NULL, "no [%s] in stderr:\n%s", want,
                r.err);
  snprintf(want, sizeof want, "%s:3: tone-mark: ", path);
  ck_assert_msg(strstr(r.err, want) != NULL, "no [%s] in stderr:\n%s", want,
                r.err);
  snprintf(want, sizeof want, "%s: utf-8; tone-mark 1 line-join 1\n", path);
  ck_assert_msg(strstr(r.err, want) != NULL, "no [%s] in stderr:\n%s", want,
                r.err);
  harness_result_free(&r);
  /* Without --explain, nothing on stderr. */
  const char *argv2[] = {"normalize", path, NULL};
  r = harness_cli_run(argv2, NULL, 0);
  ck_assert_int_eq(r.rc, 0);
  ck_assert_str_eq(r.err, "");
  harness_result_free(&r);
  free(path);
}
END_TEST

START_TEST(usage_errors) {
  const char *argv[] = {"frobnicate", NULL};
  harness_result r = harness_cli_run(argv, NULL, 0);
  ck_assert_int_eq(r.rc, 2);
  ck_assert_msg(strstr(r.err, "cchc: 'frobnicate' is not a command") != NULL,
                "stderr: %s", r.err);
  harness_result_free(&r);
  const char *argv2[] = {"normalize", "--no-such-option", NULL};
  r = harness_cli_run(argv2, NULL, 0);
  ck_assert_int_eq(r.rc, 2);
  harness_result_free(&r);
  const char *argv3[] = {"normalize", "--encoding", "latin-9", NULL};
  r = harness_cli_run(argv3, NULL, 0);
  ck_assert_int_eq(r.rc, 2);
  ck_assert_ptr_nonnull(strstr(r.err, "unknown encoding"));
  harness_result_free(&r);
  const char *argv4[] = {NULL};
  r = harness_cli_run(argv4, NULL, 0);
  ck_assert_int_eq(r.rc, 2);
  harness_result_free(&r);
}
END_TEST

START_TEST(help) {
  const char *argv[] = {"--help", NULL};
  harness_result r = harness_cli_run(argv, NULL, 0);
  ck_assert_int_eq(r.rc, 0);
  ck_assert_ptr_nonnull(strstr(r.out, "exit codes"));
  ck_assert_ptr_nonnull(strstr(r.out, "0  success"));
  ck_assert_ptr_nonnull(strstr(r.out, "1  some input was rejected"));
  ck_assert_ptr_nonnull(strstr(r.out, "2  usage error"));
  ck_assert_ptr_nonnull(strstr(r.out, "normalize"));
  harness_result_free(&r);
}
END_TEST

START_TEST(empty_stdin) {
  const char *argv[] = {"normalize", NULL};
  harness_result r = harness_cli_run(argv, "", 0);
  ck_assert_int_eq(r.rc, 0);
  ck_assert_uint_eq(r.outlen, 0);
  ck_assert_str_eq(r.err, "");
  harness_result_free(&r);
  /* And "-" names standard input. */
  const char *argv2[] = {"normalize", "-", NULL};
  r = harness_cli_run(argv2, "Văn hoá\r\n", strlen("Văn hoá\r\n"));
  ck_assert_int_eq(r.rc, 0);
  ck_assert_str_eq(r.out, "Văn hóa\n");
  harness_result_free(&r);
}
END_TEST

START_TEST(stdin_error_names_stdin) {
  const char bad[] = "Kế hoạch\nnăm 2026\n\xE1\xBB";
  const char *argv[] = {"normalize", NULL};
  harness_result r = harness_cli_run(argv, bad, sizeof bad - 1);
  ck_assert_int_eq(r.rc, 1);
  assert_report(r.err, "<stdin>", 3, "truncated");
  harness_result_free(&r);
}
END_TEST

START_TEST(corpus_file) {
  char path[4200];
  snprintf(path, sizeof path, "%s/corpus/004_122b22815aff8c9c.txt",
           harness_shared());
  ck_assert_msg(harness_file_exists(path), "missing %s", path);
  const char *argv[] = {"normalize", path, NULL};
  harness_result r = harness_cli_run(argv, NULL, 0);
  ck_assert_int_eq(r.rc, 0);
  ck_assert_uint_gt(r.outlen, 1000);
  ck_assert_msg(strstr(r.err, "cchc:") == NULL, "stderr: %s", r.err);
  ck_assert_ptr_nonnull(strstr(r.out, "Hồng Lộc"));
  harness_result_free(&r);
}
END_TEST

int main(void) {
  Suite *s = suite_create("cli");

  TCase *tc = tcase_create("rejected");
  tcase_add_test(tc, truncated_utf8_file);
  tcase_add_test(tc, nul_bytes_file);
  tcase_add_test(tc, utf16_without_bom_file);
  tcase_add_test(tc, missing_file);
  tcase_add_test(tc, stdin_error_names_stdin);
  suite_add_tcase(s, tc);

  tc = tcase_create("huge");
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, huge_single_line_file);
  tcase_add_test(tc, mapped_input_file);
  tcase_add_test(tc, mapped_input_cut_short);
  suite_add_tcase(s, tc);

  tc = tcase_create("output");
  tcase_add_test(tc, batch_with_bad_middle);
  tcase_add_test(tc, output_file_atomic);
  suite_add_tcase(s, tc);

  tc = tcase_create("special files");
  tcase_set_timeout(tc, 300);
  tcase_add_test(tc, input_device_refused);
  tcase_add_test(tc, input_fifo_refused);
  tcase_add_test(tc, input_symlink_named);
  tcase_add_test(tc, output_special_written_through);
  tcase_add_test(tc, output_honours_umask);
  tcase_add_test(tc, output_file_size_limit);
  tcase_add_test(tc, output_write_error_reason);
  suite_add_tcase(s, tc);

  tc = tcase_create("options");
  tcase_add_test(tc, repair_option);
  tcase_add_test(tc, explain_option);
  tcase_add_test(tc, usage_errors);
  tcase_add_test(tc, help);
  tcase_add_test(tc, empty_stdin);
  tcase_add_test(tc, corpus_file);
  suite_add_tcase(s, tc);

  return harness_run(s);
}
