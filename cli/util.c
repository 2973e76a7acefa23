/* util.c: reading inputs, reporting errors, atomic output. */
#define _GNU_SOURCE
#include "cli.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static unsigned line_of(const char *data, size_t len, size_t offset) {
  if (!data)
    return 0;
  if (offset > len)
    offset = len;
  unsigned line = 1;
  for (const char *p = data; (p = memchr(p, '\n', (size_t)(data + offset - p)));
       p++)
    line++;
  return line;
}

void cli_report(const char *path, const char *data, size_t len,
                const cchc_error *err) {
  const char *name = path && strcmp(path, "-") ? path : "<stdin>";
  if (err->line)
    fprintf(stderr, "cchc: %s:%u: %s\n", err->path[0] ? err->path : name,
            err->line, err->message);
  else if (err->has_offset && data)
    fprintf(stderr, "cchc: %s:%u: %s\n", name, line_of(data, len, err->offset),
            err->message);
  else
    fprintf(stderr, "cchc: %s: %s\n", name, err->message);
}

void cli_errorf(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fputs("cchc: ", stderr);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
}

/* What a non-regular file is, for the message refusing it. */
static const char *file_kind(mode_t mode) {
  if (S_ISDIR(mode))
    return "a directory";
  if (S_ISFIFO(mode))
    return "a FIFO";
  if (S_ISCHR(mode))
    return "a character device";
  if (S_ISBLK(mode))
    return "a block device";
  if (S_ISSOCK(mode))
    return "a socket";
  return "a special file";
}

static bool read_fail(cchc_error *err, cchc_status code, const char *fmt,
                      ...) __attribute__((format(printf, 3, 4)));
static bool read_fail(cchc_error *err, cchc_status code, const char *fmt,
                      ...) {
  err->code = code;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(err->message, sizeof err->message, fmt, ap);
  va_end(ap);
  return false;
}

bool cli_read_file(const char *path, char **data, size_t *len,
                   cchc_error *err) {
  const size_t max = CCHC_DEFAULT_MAX_BYTES;
  bool is_stdin = !path || strcmp(path, "-") == 0;
  *data = NULL;
  *len = 0;
  /* A named input must be a regular file (a symlink to one is followed:
   * the user named it).  O_NONBLOCK: opening a FIFO or a device must not
   * wait before fstat can refuse it. */
  int fd = is_stdin ? STDIN_FILENO
                    : open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0)
    return read_fail(err, CCHC_ERR_IO, "cannot open: %s", strerror(errno));
  char *buf = NULL;
  bool ok = false;
  struct stat st;
  if (fstat(fd, &st) != 0) {
    read_fail(err, CCHC_ERR_IO, "cannot open: %s", strerror(errno));
    goto cleanup;
  }
  if (S_ISDIR(st.st_mode) || (!is_stdin && !S_ISREG(st.st_mode))) {
    read_fail(err, CCHC_ERR_IO,
              "%s, not a regular file; give a file (or pipe the data to "
              "standard input)",
              file_kind(st.st_mode));
    goto cleanup;
  }
  if (S_ISREG(st.st_mode) && (unsigned long long)st.st_size > max) {
    read_fail(err, CCHC_ERR_TOO_LARGE,
              "input is %lld bytes, more than the limit of %zu bytes",
              (long long)st.st_size, max);
    goto cleanup;
  }
  if (!is_stdin) { /* regular: reads never block; fail on a read error */
    int flags = fcntl(fd, F_GETFL);
    if (flags >= 0)
      fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
  }
  /* Room for max + 1 bytes and the NUL at most: one byte past the limit
   * tells a pipe that is too long, without reading (or allocating) the
   * rest.  A regular file is read into one block of its size. */
  size_t cap = S_ISREG(st.st_mode) ? (size_t)st.st_size + 2 : 1 << 16, n = 0;
  for (;;) {
    if (!buf || n + 1 >= cap) {
      size_t ncap = !buf ? cap : cap > (max + 2) / 2 ? max + 2 : cap * 2;
      char *nb = realloc(buf, ncap);
      if (!nb) {
        read_fail(err, CCHC_ERR_NOMEM, "out of memory");
        goto cleanup;
      }
      buf = nb;
      cap = ncap;
    }
    ssize_t got = read(fd, buf + n, cap - n - 1);
    if (got < 0 && errno == EINTR)
      continue;
    if (got < 0) {
      read_fail(err, CCHC_ERR_IO, "read error: %s", strerror(errno));
      goto cleanup;
    }
    if (got == 0)
      break;
    n += (size_t)got;
    if (n > max) {
      read_fail(err, CCHC_ERR_TOO_LARGE,
                "input is more than the limit of %zu bytes", max);
      goto cleanup;
    }
  }
  buf[n] = '\0';
  *data = buf;
  *len = n;
  buf = NULL;
  ok = true;
cleanup:
  free(buf);
  if (!is_stdin)
    close(fd);
  return ok;
}

bool cli_out_open(cli_out *o, const char *path) {
  memset(o, 0, sizeof *o);
  if (!path || strcmp(path, "-") == 0) {
    o->fp = stdout;
    return true;
  }
  o->path = strdup(path);
  /* mkstemp's template: six placeholder letters after ".tmp." */
  if (!o->path || asprintf(&o->tmp, "%s.tmp.......", path) < 0) {
    free(o->path);
    o->path = NULL;
    cli_errorf("%s: out of memory", path);
    return false;
  }
  memset(o->tmp + strlen(o->tmp) - 6, 'X', 6);
  int fd = mkstemp(o->tmp);
  if (fd < 0) {
    cli_errorf("%s: cannot create: %s", path, strerror(errno));
    free(o->path);
    free(o->tmp);
    memset(o, 0, sizeof *o);
    return false;
  }
  o->fp = fdopen(fd, "wb");
  if (!o->fp) {
    close(fd);
    unlink(o->tmp);
    free(o->path);
    free(o->tmp);
    memset(o, 0, sizeof *o);
    return false;
  }
  return true;
}

bool cli_out_commit(cli_out *o) {
  bool ok = true;
  if (!o->path) {
    ok = fflush(o->fp) == 0 && !ferror(o->fp);
    if (!ok)
      cli_errorf("<stdout>: write error: %s", strerror(errno));
    return ok;
  }
  if (fflush(o->fp) != 0 || ferror(o->fp) || fsync(fileno(o->fp)) != 0)
    ok = false;
  if (fclose(o->fp) != 0)
    ok = false;
  o->fp = NULL;
  if (ok && rename(o->tmp, o->path) != 0)
    ok = false;
  if (!ok) {
    cli_errorf("%s: write error: %s", o->path, strerror(errno));
    unlink(o->tmp);
  }
  free(o->path);
  free(o->tmp);
  o->path = o->tmp = NULL;
  return ok;
}

void cli_out_abort(cli_out *o) {
  if (!o->path)
    return;
  if (o->fp)
    fclose(o->fp);
  unlink(o->tmp);
  free(o->path);
  free(o->tmp);
  memset(o, 0, sizeof *o);
}

/* The rules directory: an explicit one, $CCHC_RULES, rules/ beside the
 * build directory of this program (a fresh clone needs no installing), or
 * the one compiled in. */
cchc_rules *cli_load_rules(const char *dir) {
  char exe_rules[4200];
  if (!dir)
    dir = getenv("CCHC_RULES");
  if (!dir) {
    char exe[4096];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
      exe[n] = '\0';
      char *slash = strrchr(exe, '/');
      if (slash) {
        *slash = '\0';
        snprintf(exe_rules, sizeof exe_rules, "%s/../rules", exe);
        struct stat st;
        if (stat(exe_rules, &st) == 0 && S_ISDIR(st.st_mode))
          dir = exe_rules;
      }
    }
  }
  if (!dir)
    dir = CCHC_RULES_DIR;
  cchc_rules *rules = NULL;
  cchc_error err = {0};
  if (cchc_rules_load(dir, &rules, &err) != CCHC_OK) {
    cli_report(dir, NULL, 0, &err);
    return NULL;
  }
  return rules;
}

const char *cli_default_db(void) {
  const char *db = getenv("CCHC_DB");
  return db && *db ? db : "cchc.db";
}
