/* harness.c: shared helpers of the test programs. */
#define _GNU_SOURCE
#include "harness.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

int harness_write(const char *path, const char *data, size_t len) {
  FILE *fp = fopen(path, "wb");
  if (!fp)
    return -1;
  size_t w = fwrite(data, 1, len, fp);
  return (fclose(fp) == 0 && w == len) ? 0 : -1;
}

const char *harness_tmpdir(void) {
  static char dir[] = "/tmp/cchc-test-......"; /* mkstemp-style template */
  static int made;
  if (!made) {
    memset(dir + sizeof dir - 7, 'X', 6);
    if (!mkdtemp(dir))
      return "/tmp";
    made = 1;
  }
  return dir;
}

int harness_cli(const char *const *argv, const char *in, size_t inlen,
                char **out, size_t *outlen, char **err) {
  const char *bin = getenv("CCHC_BIN");
  if (!bin)
    bin = "build/cchc";
  char inp[4096], outp[4096], errp[4096];
  static int seq;
  snprintf(inp, sizeof inp, "%s/cli-%d-%d.in", harness_tmpdir(), getpid(), seq);
  snprintf(outp, sizeof outp, "%s/cli-%d-%d.out", harness_tmpdir(), getpid(), seq);
  snprintf(errp, sizeof errp, "%s/cli-%d-%d.err", harness_tmpdir(), getpid(), seq);
  seq++;
  harness_write(inp, in ? in : "", in ? inlen : 0);
  size_t argc = 0;
  while (argv[argc])
    argc++;
  char **args = calloc(argc + 2, sizeof *args);
  args[0] = (char *)bin;
  for (size_t i = 0; i < argc; i++)
    args[i + 1] = (char *)argv[i];
  pid_t pid = fork();
  if (pid == 0) {
    int fi = open(inp, O_RDONLY), fo = open(outp, O_WRONLY | O_CREAT | O_TRUNC, 0600),
        fe = open(errp, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    dup2(fi, 0);
    dup2(fo, 1);
    dup2(fe, 2);
    execv(bin, args);
    _exit(127);
  }
  free(args);
  int status = 0;
  waitpid(pid, &status, 0);
  size_t ol = 0;
  char *o = harness_read(outp, &ol);
  char *e = harness_read(errp, NULL);
  unlink(inp);
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

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

size_t harness_corpus(char ***paths) {
  char dir[4096];
  snprintf(dir, sizeof dir, "%s/corpus", harness_shared());
  DIR *d = opendir(dir);
  *paths = NULL;
  if (!d)
    return 0;
  size_t n = 0, cap = 16;
  char **list = malloc(cap * sizeof *list);
  struct dirent *e;
  while ((e = readdir(d))) {
    size_t l = strlen(e->d_name);
    if (l < 5 || strcmp(e->d_name + l - 4, ".txt"))
      continue;
    if (n == cap)
      list = realloc(list, (cap *= 2) * sizeof *list);
    if (asprintf(&list[n], "%s/%s", dir, e->d_name) < 0)
      break;
    n++;
  }
  closedir(d);
  qsort(list, n, sizeof *list, cmp_str);
  *paths = list;
  return n;
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

const char *harness_rules_dir_with(const char *name, const char *content) {
  static char dir[4096];
  snprintf(dir, sizeof dir, "%s/rules", harness_tmpdir());
  mkdir(dir, 0777);
  static const char *const tsv[] = {"areas.tsv", "indicators.tsv",
                                    "units.tsv"};
  char path[4200];
  for (int i = 0; i < 3; i++) {
    snprintf(path, sizeof path, "%s/rules/%s", harness_root(), tsv[i]);
    size_t len;
    char *data = harness_read(path, &len);
    ck_assert_ptr_nonnull(data);
    snprintf(path, sizeof path, "%s/%s", dir, tsv[i]);
    ck_assert_int_eq(harness_write(path, data, len), 0);
    free(data);
  }
  snprintf(path, sizeof path, "%s/%s", dir, name);
  ck_assert_int_eq(harness_write(path, content, strlen(content)), 0);
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
