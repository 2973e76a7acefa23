/* cli.h: the cchc program's shared helpers.  Only the CLI prints. */
#ifndef CCHC_CLI_H
#define CCHC_CLI_H

#include "cchc.h"

#include <dirent.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

/* Exit codes, documented in README.md and `cchc --help`. */
enum {
  EXIT_OK = 0,       /* success; audit: no findings */
  EXIT_INPUT = 1,    /* some input was rejected; audit: findings */
  EXIT_USAGE = 2,    /* bad usage, or a failure that stopped the command */
  EXIT_NOMATCH = 3,  /* compare, audit, report: no stored plan (or target)
                        matched what was asked */
};

/* ------------------------------------------------------------------ */
/* What a command needs, as flags in commands[] (main.c). */
enum {
  NEEDS_RULES = 1u << 0, /* takes --rules DIR; cli_rules() gives the rules */
  NEEDS_STORE = 1u << 1  /* takes --db PATH; cli_store() gives the store */
};

/* What main.c hands a command: its name and flags, the common options
 * (--rules, --db) once parsed, and the rules and store, set up once for
 * the commands that need them and released by main.c. */
typedef struct cli_ctx {
  const char *name;      /* "extract" */
  unsigned flags;        /* NEEDS_* */
  const char *rules_dir; /* --rules DIR, or NULL */
  const char *db;        /* --db PATH, else $CCHC_DB, else ./cchc.db */
  cchc_rules *rules;     /* loaded by cli_rules */
  cchc_store *store;     /* opened by cli_store */
} cli_ctx;

/* The rules: --rules DIR, else $CCHC_RULES, else the rules/ directory
 * beside the program's build directory, else the one compiled in.  Loaded
 * on the first call, when the command reaches the input that needs them
 * (eval of frames and audit of stored plans never do).  Prints the error
 * and returns NULL on failure. */
cchc_rules *cli_rules(cli_ctx *ctx);

/* The store of --db, opened on the first call.  With `create` false a
 * missing store is an error (cli_no_store).  Prints the error and returns
 * NULL on failure. */
cchc_store *cli_store(cli_ctx *ctx, bool create);
/* Whether the store file of --db exists. */
bool cli_store_exists(const cli_ctx *ctx);
/* Print "PATH: no store here; 'cchc ingest --db PATH FILE...' makes one"
 * followed by `hint`. */
void cli_no_store(const cli_ctx *ctx, const char *hint);

/* ------------------------------------------------------------------ */
/* Options: each command describes its own in a table, and one function
 * parses them all (with getopt_long), adding --help, and --rules or --db
 * as the command's flags say. */
typedef enum cli_option_type {
  CLI_OPT_END = 0,
  CLI_OPT_FLAG,    /* no argument: *(unsigned *)value |= bits */
  CLI_OPT_STRING,  /* *(const char **)value = argument */
  CLI_OPT_CALLBACK /* parse(ctx, argument, value); false: it printed why */
} cli_option_type;

typedef struct cli_option {
  cli_option_type type;
  int short_name;        /* 'f', or 0 for none */
  const char *long_name; /* "format" */
  void *value;
  unsigned bits;
  bool (*parse)(const cli_ctx *ctx, const char *arg, void *value);
} cli_option;

#define OPT_FLAG(s, l, v, b) {CLI_OPT_FLAG, (s), (l), (v), (b), NULL}
#define OPT_STRING(s, l, v) {CLI_OPT_STRING, (s), (l), (v), 0, NULL}
#define OPT_CALLBACK(s, l, v, cb) {CLI_OPT_CALLBACK, (s), (l), (v), 0, (cb)}
#define OPT_END() {CLI_OPT_END, 0, NULL, NULL, 0, NULL}

/* Parse argv[1..] (argv[0] is the command's name) with `options` (NULL
 * for none of its own).
 * Returns the index of the first operand; or -1 when the command is done
 * already, with *rc its exit code: --help printed `help` (0), or a usage
 * error was printed (2; an unknown option also prints `help`). */
int cli_parse_options(cli_ctx *ctx, int argc, char **argv,
                      const cli_option *options, const char *help, int *rc);

/* The input operands argv[first..], or "-" (standard input) when there
 * are none; *n gets their number. */
char **cli_inputs(int argc, char **argv, int first, int *n);

/* For commands that take no operand: false (and a usage error printed)
 * when argv[first] is one. */
bool cli_no_operands(const cli_ctx *ctx, int argc, char **argv, int first);

/* Option values shared by several commands. */
bool cli_parse_encoding(const cli_ctx *ctx, const char *arg, void *enc);
/* -j N: the number of worker threads, 1 to CLI_MAX_JOBS, into an unsigned
 * (whose default is cli_default_jobs()). */
bool cli_parse_jobs(const cli_ctx *ctx, const char *arg, void *jobs);
bool cli_parse_report_format(const cli_ctx *ctx, const char *arg,
                             void *format);

/* ------------------------------------------------------------------ */
/* Errors, inputs and outputs. */

/* Print "cchc: FILE:LINE: message" for an error about `path`, computing LINE
 * from err->offset in `data` (when given and the error has an offset). */
void cli_report(const char *path, const char *data, size_t len,
                const cchc_error *err);
/* Print "cchc: message" (printf-style). */
void cli_errorf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Read a whole file ("-" or NULL: standard input).  *data is malloc'd and
 * NUL-terminated.  Returns false and fills err on failure. */
bool cli_read_file(const char *path, char **data, size_t *len, cchc_error *err);
/* The same from an open file: a regular file, or (is_stdin) any readable
 * stream, up to the size limit.  The caller closes fd. */
bool cli_read_fd(int fd, bool is_stdin, char **data, size_t *len,
                 cchc_error *err);
/* cli_read_file, printing the error ("cchc: FILE: message") on failure. */
bool cli_read_input(const char *path, char **data, size_t *len);
/* One input of extract or normalize: a large regular file is mapped, not
 * read, so that the pages decoding has passed can be given back (the
 * input_read callback) and it is never resident whole; other inputs are
 * read as cli_read_file reads them. */
typedef struct cli_input {
  char *data;
  size_t len;
  bool mapped;     /* data is a file mapping (munmap), else malloc'd */
  size_t released; /* the pages before it were given back */
  int guard;       /* its slot in the SIGBUS guard, when mapped */
  /* Set (and kept by cli_input_close) when the mapped file was cut short
   * while it was read: pages past its new end read as zeros, and the
   * command must reject the input (cli_input_cut_short). */
  volatile sig_atomic_t cut_short;
} cli_input;
/* cli_read_file into `in`: false, and err filled, on failure. */
bool cli_input_open(const char *path, cli_input *in, cchc_error *err);
/* Release the input (also an input_done callback, given the cli_input). */
void cli_input_close(void *in);
/* An input_read callback, given the cli_input: give back the pages of a
 * mapped input before `offset` (they read the same again from the file:
 * an error's line is still counted there). */
void cli_input_read(void *in, size_t offset);
/* True, with err filled (an I/O error), when the mapped file was cut short
 * by another program while it was read: what was read is not the file. */
bool cli_input_cut_short(const cli_input *in, cchc_error *err);

/* What a file that is not regular is, for a message refusing it ("a FIFO",
 * "a symbolic link", ...). */
const char *cli_file_kind(mode_t mode);

/* `s` made safe for one line of a log or a message: a newline, tab, CR or
 * backslash as \n \t \r \\, other control bytes as \xHH (\x1b), C1
 * controls, format characters (bidi overrides) and line separators as
 * \uXXXX (\UXXXXXXXX), bytes that are not UTF-8 as \xHH.  malloc'd;
 * NULL when out of memory. */
char *cli_escape(const char *s);

/* Output to standard output ("-" or NULL) or to a file: a regular file
 * (or a new one) is written to a temporary file beside it, with the
 * permissions the umask allows, then renamed into place; an existing
 * special file (/dev/null, a FIFO with a reader) is written to directly. */
typedef struct cli_out {
  FILE *fp;
  char *path; /* final path, NULL for stdout */
  char *tmp;  /* the temporary file; NULL when writing directly */
  int error;  /* errno of the first failed write */
  bool reported; /* the write error was printed */
} cli_out;
bool cli_out_open(cli_out *o, const char *path);
/* Write len bytes; on failure print "cchc: PATH: write error: reason"
 * (once) and return false. */
bool cli_out_write(cli_out *o, const void *data, size_t len);
/* cli_out_write straight to the file after what stdio holds, for pieces
 * of a buffer of the caller's (no copy into stdio's). */
bool cli_out_write_direct(cli_out *o, const void *data, size_t len);
/* Flush, check for write errors, rename into place.  false on failure,
 * with the reason printed (the temporary file is removed, the target is
 * untouched). */
bool cli_out_commit(cli_out *o);
void cli_out_abort(cli_out *o);
/* The end of an output the library streamed into `o` and returned `st`
 * for: committed when st is CCHC_OK, else aborted with the error reported
 * against `where` (a write error is printed already).  false on failure. */
bool cli_out_finish(cli_out *o, cchc_status st, const char *where,
                    const cchc_error *err);
/* cli_out_write as a cchc_write_fn, `ctx` the cli_out: for the library's
 * output written as it is made. */
bool cli_out_sink(void *ctx, const char *data, size_t len);
/* The whole of data[0..len) to `path` (NULL or "-": standard output),
 * atomically; false (error printed) on failure. */
bool cli_write(const char *path, const char *data, size_t len);

/* ------------------------------------------------------------------ */
/* The inputs of a batch (walk.c). */

/* A list of malloc'd paths. */
typedef struct cli_paths {
  char **items;
  size_t n, cap;
} cli_paths;
/* Append `s` (the list takes it); false when `s` is NULL or out of
 * memory (then `s` is freed). */
bool cli_paths_push(cli_paths *l, char *s);
void cli_paths_free(cli_paths *l);

/* The inputs the operands stand for, in order: a directory (a symbolic
 * link to one, when named) stands for the *.txt files under it, searched
 * recursively in sorted order, hidden entries skipped; below it no
 * symbolic link is followed (a note names each one skipped) and no
 * directory is walked twice.  Any other operand ("-" too) is taken as
 * given.  A directory that cannot be read is reported and counted in
 * *failed.  false (printed) when out of memory. */
bool cli_collect_inputs(char **operands, int n, cli_paths *out,
                        size_t *failed);
/* The names in the open directory `d` that `keep` accepts, sorted. */
bool cli_dir_names(DIR *d, bool (*keep)(const char *name), cli_paths *out);
bool cli_has_txt_suffix(const char *name);
/* DIR/NAME, malloc'd; NULL when out of memory. */
char *cli_path_in(const char *dir, const char *name);

/* ------------------------------------------------------------------ */
/* A batch on several threads (jobs.c), for -j N.  Input i is prepared on
 * the calling thread, in input order; worked on by one of N worker
 * threads; then finished on the calling thread, strictly in input order,
 * so that what a batch prints and writes is the same for every N (with
 * any_thread, each of N threads, the calling one among them, prepares and
 * works; finishing is still one at a time and in input order).  At
 * most 8N inputs (slots_per_worker N) are in flight at once: memory does
 * not grow with the number of inputs.  With N = 1 no thread is started and each input is
 * prepared, worked on and finished before the next. */
typedef struct cli_batch {
  size_t n;        /* inputs */
  unsigned jobs;   /* worker threads (N) */
  size_t job_size; /* bytes of one job, the caller's struct, zeroed
                      before prepare */
  unsigned slots_per_worker; /* inputs in flight per worker (0: 8) */
  /* prepare may run on any thread, beside other prepares and works, and
   * finish on any thread, one at a time, in input order: then the calling
   * thread is one of the N and no thread hands inputs to another. */
  bool any_thread;
  void *ctx;
  /* Calling thread (any thread with any_thread): set up job `job` for
   * input i (read it, ...). */
  void (*prepare)(void *ctx, size_t i, void *job);
  /* A worker: the work of a job; touches nothing but the job and what
   * may be shared read-only (the rules). */
  void (*work)(void *ctx, void *job);
  /* Calling thread (any thread with any_thread, one at a time), in input
   * order: report and write the result, and
   * release what the job holds.  false stops the batch: no input is
   * prepared or finished after it. */
  bool (*finish)(void *ctx, size_t i, void *job);
  /* Calling thread, after a stop, every other thread ended: release a
   * job prepared but not finished. */
  void (*discard)(void *ctx, void *job);
  /* Optional, with any_thread: the calling thread's set-up of what work
   * needs (the rules), run once the other threads are started and before
   * it takes an input; false stops the batch, no input finished (it
   * prints why).  Meanwhile the other threads take the first inputs, as
   * many as are in flight, and run `early` on each after prepare: the
   * part of work that needs none of it (normalize), so that the second
   * processor is not idle while the first loads the rules.  work then
   * runs on them once begin has returned true. */
  bool (*begin)(void *ctx);
  void (*early)(void *ctx, void *job);
} cli_batch;

/* Run the batch.  false when finish stopped it, or when out of memory
 * (printed) before any input was tried. */
bool cli_batch_run(const cli_batch *b);

/* The default of -j: the number of online processors. */
unsigned cli_default_jobs(void);
enum { CLI_MAX_JOBS = 256 };

/* After a failure that stops a batch (a write error, a full disk): "cchc:
 * stopped: N inputs not tried", when N > 0. */
void cli_report_untried(size_t n);

int cmd_normalize(cli_ctx *ctx, int argc, char **argv);
int cmd_extract(cli_ctx *ctx, int argc, char **argv);
int cmd_schema(cli_ctx *ctx, int argc, char **argv);
int cmd_rules(cli_ctx *ctx, int argc, char **argv);
int cmd_eval(cli_ctx *ctx, int argc, char **argv);
int cmd_ingest(cli_ctx *ctx, int argc, char **argv);
int cmd_list(cli_ctx *ctx, int argc, char **argv);
int cmd_compare(cli_ctx *ctx, int argc, char **argv);
int cmd_audit(cli_ctx *ctx, int argc, char **argv);
int cmd_report(cli_ctx *ctx, int argc, char **argv);

#endif
