/* harness.h: helpers for the Check test programs.  Each tests/test_*.c is
 * one program with its own main() that calls harness_run(). */
#ifndef CCHC_HARNESS_H
#define CCHC_HARNESS_H

#include <check.h>
#include <stdbool.h>
#include <stddef.h>

#include "cchc.h"

/* Run a suite; prints Check's summary; returns the process exit status. */
int harness_run(Suite *s);

/* ../shared (env CCHC_SHARED) and the repository root (env CCHC_ROOT). */
const char *harness_shared(void);
const char *harness_root(void);

/* Read a whole file; NULL if it cannot be read.  Caller frees. */
char *harness_read(const char *path, size_t *len);
/* A plan file read and normalized as cchc reads it, asserting both
 * succeed; the caller frees it with cchc_text_free. */
cchc_text *harness_normalize_file(const char *path);
/* Write a file; returns 0 on success. */
int harness_write(const char *path, const char *data, size_t len);
/* A fresh temporary directory (removed by the OS's tmp cleaning). */
const char *harness_tmpdir(void);

/* Run the cchc program (env CCHC_BIN) with argv (NULL-terminated, without
 * the program name), feeding `in` on standard input.  Captures standard
 * output and error (NUL-terminated, caller frees).  Returns the exit status,
 * or -1 if the program died of a signal. */
int harness_cli(const char *const *argv, const char *in, size_t inlen,
                char **out, size_t *outlen, char **err);

/* harness_cli with its outputs in one value, asserting they were
 * captured; release with harness_result_free. */
typedef struct harness_result {
  int rc;
  char *out;
  size_t outlen;
  char *err;
  long maxrss_kb; /* harness_cli_bounded: the program's peak resident set
                     (wait4's ru_maxrss, KiB); 0 otherwise */
} harness_result;
harness_result harness_cli_run(const char *const *argv, const char *in,
                               size_t inlen);
void harness_result_free(harness_result *r);

/* Bounds for a run: killed by SIGALRM after `seconds` (so a hang fails the
 * test instead of outliving it), and a file size limit (ulimit -f) of
 * `file_size` bytes; 0 means none. */
typedef struct harness_limits {
  unsigned seconds;
  unsigned long file_size;
} harness_limits;
/* harness_cli_run with standard input opened from `in_path` (a file, a
 * device, a FIFO; NULL: /dev/null), within `limits`, and SIGXFSZ at its
 * default action as a shell leaves it.  rc is -1 when the program died of
 * a signal. */
harness_result harness_cli_bounded(const char *const *argv, const char *in_path,
                                   harness_limits limits);
/* The same for another program of the build (the bench, env CCHC_BENCH). */
harness_result harness_program_bounded(const char *bin,
                                       const char *const *argv,
                                       const char *in_path,
                                       harness_limits limits);

/* A path under the test's temporary directory, and the same made a
 * directory; the caller frees. */
char *harness_tmp_path(const char *name);
char *harness_make_dir(const char *name);

/* The corpus files (sorted); returns their count.  Caller frees with
 * harness_free_list. */
size_t harness_corpus(char ***paths);
/* The same with the plans of corpus/province-national. */
size_t harness_corpus_all(char ***paths);
/* The plans in one subfolder of the corpus ("province-national"). */
size_t harness_corpus_in(const char *sub, char ***paths);
void harness_free_list(char **paths, size_t n);

/* Does a path exist? */
bool harness_file_exists(const char *path);
/* Number of entries of a directory (not . and ..); their names, separated
 * by spaces, go to `names` (capacity cap) for messages. */
size_t harness_dir_entries(const char *dir, char *names, size_t cap);

/* The shipped rules (harness_root()/rules), loaded once per process and
 * shared; the test fails if they do not load.  harness_free_rules releases
 * them (for leak checkers). */
cchc_rules *harness_rules(void);
void harness_free_rules(void);

/* cchc_process of `src` with `rules` (no path), asserting success.  The
 * caller frees the frame. */
cchc_frame *harness_process(const cchc_rules *rules, const char *src,
                            size_t len);

/* harness_process of `src`, its frame rendered as JSON (asserting
 * success); the caller frees the text. */
char *harness_process_json(const cchc_rules *rules, const char *src,
                           size_t len);

/* A fresh temporary rules directory holding a copy of the shipped rules
 * and taxonomy tables with the file `name` given `content` (replaced or
 * added), or removed when `content` is NULL.  Static storage, overwritten
 * by the next call. */
const char *harness_rules_dir_with(const char *name, const char *content);

#endif
