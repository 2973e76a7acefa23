/* harness.c: shared helpers of the test programs. */
#define _GNU_SOURCE
#include "harness.h"

#include <dirent.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

int harness_run(Suite *s) {
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? 1 : 0;
}

const char *harness_shared(void) {
  const char *s = getenv("CCHC_SHARED");
  return s && *s ? s : "../shared";
}

const char *harness_root(void) {
  const char *s = getenv("CCHC_ROOT");
  return s && *s ? s : ".";
}

char *harness_read(const char *path, size_t *len) {
  FILE *fp = fopen(path, "rb");
  if (!fp)
    return NULL;
  size_t cap = 1 << 16, n = 0;
  char *buf = malloc(cap);
  for (;;) {
    if (n + 1 >= cap) {
      cap *= 2;
      buf = realloc(buf, cap);
    }
    size_t got = fread(buf + n, 1, cap - n - 1, fp);
    if (!got)
      break;
    n += got;
  }
  fclose(fp);
  buf[n] = '\0';
  if (len)
    *len = n;
  return buf;
}

cchc_text *harness_normalize_file(const char *path) {
  size_t len;
  char *src = harness_read(path, &len);
  ck_assert_msg(src != NULL, "cannot read %s", path);
  cchc_text *t = NULL;
  cchc_error err = {0};
  cchc_status st = cchc_normalize(src, len, NULL, &t, &err);
  free(src);
  ck_assert_msg(st == CCHC_OK, "%s: normalize failed: %s", path, err.message);
  return t;
}

int harness_write(const char *path, const char *data, size_t len) {
  FILE *fp = fopen(path, "wb");
  if (!fp)
    return -1;
  size_t w = fwrite(data, 1, len, fp);
  return (fclose(fp) == 0 && w == len) ? 0 : -1;
}

static char tmp_dir[] = "/tmp/cchc-test-......"; /* mkstemp-style template */
static pid_t tmp_owner;

static int open_up(const char *path, const struct stat *st, int type,
                   struct FTW *ftw) {
  (void)ftw;
  if (type == FTW_D) chmod(path, (st->st_mode & 07777) | S_IRWXU);
  return 0;
}

static int remove_one(const char *path, const struct stat *st, int type,
                      struct FTW *ftw) {
  (void)st;
  (void)ftw;
  if (type == FTW_DP) rmdir(path);
  else unlink(path);
  return 0;
}

/* At exit of the process that made it (not of Check's forked children, which
 * inherit the handler): tests that make modes read-only first get them back. */
static void tmpdir_remove(void) {
  if (getpid() != tmp_owner) return;
  nftw(tmp_dir, open_up, 16, FTW_PHYS);
  nftw(tmp_dir, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

const char *harness_tmpdir(void) {
  if (!tmp_owner) { /* forked tests share their parent's when it made one */
    memset(tmp_dir + sizeof tmp_dir - 7, 'X', 6);
    if (!mkdtemp(tmp_dir))
      return "/tmp";
    tmp_owner = getpid();
    atexit(tmpdir_remove);
  }
  return tmp_dir;
}

static const char *cchc_bin(void) {
  const char *bin = getenv("CCHC_BIN");
  return bin ? bin : "build/cchc";
}

/* Run the program bin with standard input from in_path and its outputs to
 * out_path and err_path, bounded as harness_cli_bounded describes; the
 * outputs are read back into *out (length *outlen) and *err. */
static int run_program(const char *bin, const char *const *argv,
                       const char *in_path, harness_limits lim, char **out,
                       size_t *outlen, char **err, long *maxrss_kb) {
  char outp[4096], errp[4096];
  static int seq;
  snprintf(outp, sizeof outp, "%s/cli-%d-%d.out", harness_tmpdir(), getpid(), seq);
  snprintf(errp, sizeof errp, "%s/cli-%d-%d.err", harness_tmpdir(), getpid(), seq);
  seq++;
  size_t argc = 0;
  while (argv[argc])
    argc++;
  char **args = calloc(argc + 2, sizeof *args);
  args[0] = (char *)bin;
  for (size_t i = 0; i < argc; i++)
    args[i + 1] = (char *)argv[i];
  pid_t pid = fork();
  if (pid == 0) {
    int fi = open(in_path, O_RDONLY),
        fo = open(outp, O_WRONLY | O_CREAT | O_TRUNC, 0600),
        fe = open(errp, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    dup2(fi, 0);
    dup2(fo, 1);
    dup2(fe, 2);
    /* As a shell leaves them: SIGXFSZ kills unless the program copes. */
    signal(SIGXFSZ, SIG_DFL);
    if (lim.file_size) {
      struct rlimit rl = {lim.file_size, lim.file_size};
      setrlimit(RLIMIT_FSIZE, &rl);
    }
    if (lim.seconds)
      alarm(lim.seconds); /* kept across exec: a hang dies of SIGALRM */
    execv(bin, args);
    _exit(127);
  }
  free(args);
  int status = 0;
  struct rusage ru = {0};
  wait4(pid, &status, 0, &ru);
  if (maxrss_kb)
    *maxrss_kb = ru.ru_maxrss;
  size_t ol = 0;
  char *o = harness_read(outp, &ol);
  char *e = harness_read(errp, NULL);
  unlink(outp);
  unlink(errp);
  if (out)
    *out = o;
  else
    free(o);
  if (outlen)
    *outlen = ol;
  if (err)
    *err = e;
  else
    free(e);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

int harness_cli(const char *const *argv, const char *in, size_t inlen,
                char **out, size_t *outlen, char **err) {
  char inp[4096];
  static int seq;
  snprintf(inp, sizeof inp, "%s/cli-%d-%d.in", harness_tmpdir(), getpid(),
           seq++);
  harness_write(inp, in ? in : "", in ? inlen : 0);
  int rc = run_program(cchc_bin(), argv, inp, (harness_limits){0}, out,
                       outlen, err, NULL);
  unlink(inp);
  return rc;
}

harness_result harness_program_bounded(const char *bin,
                                       const char *const *argv,
                                       const char *in_path,
                                       harness_limits limits) {
  harness_result r = {0};
  r.rc = run_program(bin, argv, in_path ? in_path : "/dev/null", limits,
                     &r.out, &r.outlen, &r.err, &r.maxrss_kb);
  ck_assert_ptr_nonnull(r.out);
  ck_assert_ptr_nonnull(r.err);
  return r;
}

harness_result harness_cli_bounded(const char *const *argv, const char *in_path,
                                   harness_limits limits) {
  return harness_program_bounded(cchc_bin(), argv, in_path, limits);
}

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Append the .txt files of dir to *list (n of them, room for *cap). */
static size_t list_txt(const char *dir, char ***list, size_t n, size_t *cap) {
  DIR *d = opendir(dir);
  if (!d)
    return n;
  struct dirent *e;
  while ((e = readdir(d))) {
    size_t l = strlen(e->d_name);
    if (l < 5 || strcmp(e->d_name + l - 4, ".txt"))
      continue;
    if (n == *cap)
      *list = realloc(*list, (*cap *= 2) * sizeof **list);
    if (asprintf(&(*list)[n], "%s/%s", dir, e->d_name) < 0)
      break;
    n++;
  }
  closedir(d);
  return n;
}

/* The .txt files of the given folders of the shared corpus, sorted. */
static size_t corpus_in(const char *const *subdirs, char ***paths) {
  size_t n = 0, cap = 16;
  char **list = malloc(cap * sizeof *list);
  for (; *subdirs; subdirs++) {
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/%s", harness_shared(), *subdirs);
    n = list_txt(dir, &list, n, &cap);
  }
  qsort(list, n, sizeof *list, cmp_str);
  *paths = list;
  return n;
}

size_t harness_corpus(char ***paths) {
  static const char *const dirs[] = {"corpus", NULL};
  return corpus_in(dirs, paths);
}

size_t harness_corpus_in(const char *sub, char ***paths) {
  char dir[4096];
  snprintf(dir, sizeof dir, "corpus/%s", sub);
  const char *const dirs[] = {dir, NULL};
  return corpus_in(dirs, paths);
}

size_t harness_corpus_all(char ***paths) {
  static const char *const dirs[] = {"corpus", "corpus/province-national",
                                     NULL};
  return corpus_in(dirs, paths);
}

void harness_free_list(char **paths, size_t n) {
  for (size_t i = 0; i < n; i++)
    free(paths[i]);
  free(paths);
}

static cchc_rules *shipped_rules;

cchc_rules *harness_rules(void) {
  if (!shipped_rules) {
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/rules", harness_root());
    cchc_error err = {0};
    cchc_status st = cchc_rules_load(dir, &shipped_rules, &err);
    ck_assert_msg(st == CCHC_OK, "rules: %s:%u: %s", err.path, err.line,
                  err.message);
  }
  return shipped_rules;
}

void harness_free_rules(void) {
  cchc_rules_free(shipped_rules);
  shipped_rules = NULL;
}

cchc_frame *harness_process(const cchc_rules *rules, const char *src,
                            size_t len) {
  cchc_error err = {0};
  cchc_frame *frame = NULL;
  ck_assert_msg(cchc_process(rules, src, len, NULL, &frame, &err) == CCHC_OK,
                "process: %s", err.message);
  return frame;
}

char *harness_process_json(const cchc_rules *rules, const char *src,
                           size_t len) {
  cchc_frame *f = harness_process(rules, src, len);
  char *out = NULL;
  size_t n = 0;
  cchc_error err = {0};
  ck_assert_msg(cchc_render(f, CCHC_FORMAT_JSON, 0, &out, &n, &err) ==
                    CCHC_OK,
                "render: %s", err.message);
  cchc_frame_free(f);
  return out;
}

const char *harness_rules_dir_with(const char *name, const char *content) {
  static char dir[4096];
  static int seq;
  snprintf(dir, sizeof dir, "%s/rules-%d", harness_tmpdir(), seq++);
  ck_assert_int_eq(mkdir(dir, 0777), 0);
  char shipped[4096], path[4400];
  snprintf(shipped, sizeof shipped, "%s/rules", harness_root());
  DIR *d = opendir(shipped);
  ck_assert_ptr_nonnull(d);
  struct dirent *e;
  while ((e = readdir(d))) {
    size_t l = strlen(e->d_name);
    bool tsv = l > 4 && !strcmp(e->d_name + l - 4, ".tsv");
    bool rules = l > 6 && !strcmp(e->d_name + l - 6, ".rules");
    bool concepts = l > 9 && !strcmp(e->d_name + l - 9, ".concepts");
    if (e->d_name[0] == '.' || !(tsv || rules || concepts))
      continue;
    snprintf(path, sizeof path, "%s/%s", shipped, e->d_name);
    size_t len;
    char *data = harness_read(path, &len);
    ck_assert_ptr_nonnull(data);
    snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
    ck_assert_int_eq(harness_write(path, data, len), 0);
    free(data);
  }
  closedir(d);
  snprintf(path, sizeof path, "%s/%s", dir, name);
  if (content)
    ck_assert_int_eq(harness_write(path, content, strlen(content)), 0);
  else
    ck_assert_int_eq(unlink(path), 0);
  return dir;
}

bool harness_file_exists(const char *path) {
  struct stat st;
  return stat(path, &st) == 0;
}

size_t harness_dir_entries(const char *dir, char *names, size_t cap) {
  DIR *d = opendir(dir);
  ck_assert_ptr_nonnull(d);
  size_t n = 0;
  names[0] = '\0';
  struct dirent *e;
  while ((e = readdir(d))) {
    if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
      continue;
    n++;
    if (strlen(names) + strlen(e->d_name) + 2 < cap) {
      strcat(names, e->d_name);
      strcat(names, " ");
    }
  }
  closedir(d);
  return n;
}

harness_result harness_cli_run(const char *const *argv, const char *in,
                               size_t inlen) {
  harness_result r = {0};
  r.rc = harness_cli(argv, in, inlen, &r.out, &r.outlen, &r.err);
  ck_assert_ptr_nonnull(r.out);
  ck_assert_ptr_nonnull(r.err);
  return r;
}

void harness_result_free(harness_result *r) {
  free(r->out);
  free(r->err);
}

char *harness_tmp_path(const char *name) {
  char *p = NULL;
  ck_assert_int_ge(asprintf(&p, "%s/%s", harness_tmpdir(), name), 0);
  return p;
}

char *harness_make_dir(const char *name) {
  char *p = harness_tmp_path(name);
  ck_assert_msg(mkdir(p, 0700) == 0, "cannot create directory %s", p);
  return p;
}
