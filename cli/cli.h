/* cli.h: the cchc program's shared helpers.  Only the CLI prints. */
#ifndef CCHC_CLI_H
#define CCHC_CLI_H

#include "cchc.h"

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
/* Flush, check for write errors, rename into place.  false on failure,
 * with the reason printed (the temporary file is removed, the target is
 * untouched). */
bool cli_out_commit(cli_out *o);
void cli_out_abort(cli_out *o);

/* After a failure that stops a batch (a write error, a full disk): "cchc:
 * stopped: N inputs not tried", when N > 0. */
void cli_report_untried(size_t n);

/* Load the rules: from `dir` when non-NULL, else $CCHC_RULES, else the
 * rules/ directory beside the program's build directory, else the one
 * compiled in.  Prints the error and returns NULL on failure. */
cchc_rules *cli_load_rules(const char *dir);

/* The store: $CCHC_DB when set and non-empty, else ./cchc.db. */
const char *cli_default_db(void);

int cmd_normalize(int argc, char **argv);
int cmd_extract(int argc, char **argv);
int cmd_schema(int argc, char **argv);
int cmd_rules(int argc, char **argv);
int cmd_eval(int argc, char **argv);
int cmd_ingest(int argc, char **argv);
int cmd_list(int argc, char **argv);
int cmd_compare(int argc, char **argv);
int cmd_audit(int argc, char **argv);
int cmd_report(int argc, char **argv);

#endif
