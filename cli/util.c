/* util.c: reading inputs, reporting errors, atomic output; the rules and
 * the store that main.c sets up for the commands that need them. */
#define _GNU_SOURCE
#include "cli.h"

#include <errno.h>
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

bool cli_read_file(const char *path, char **data, size_t *len,
                   cchc_error *err) {
  bool is_stdin = !path || strcmp(path, "-") == 0;
  FILE *fp = is_stdin ? stdin : fopen(path, "rb");
  *data = NULL;
  *len = 0;
  if (!fp) {
    err->code = CCHC_ERR_IO;
    snprintf(err->message, sizeof err->message, "cannot open: %s",
             strerror(errno));
    return false;
  }
  struct stat stt;
  if (!is_stdin && fstat(fileno(fp), &stt) == 0 && S_ISDIR(stt.st_mode)) {
    fclose(fp);
    err->code = CCHC_ERR_IO;
    snprintf(err->message, sizeof err->message, "is a directory");
    return false;
  }
  /* Read at most one byte past the limit: normalize reports the size. */
  size_t limit = CCHC_DEFAULT_MAX_BYTES + 1, cap = 1 << 16, n = 0;
  if (!is_stdin && fstat(fileno(fp), &stt) == 0 && S_ISREG(stt.st_mode)) {
    if ((unsigned long long)stt.st_size > CCHC_DEFAULT_MAX_BYTES) {
      fclose(fp);
      err->code = CCHC_ERR_TOO_LARGE;
      snprintf(err->message, sizeof err->message,
               "input is %lld bytes, more than the limit of %zu bytes",
               (long long)stt.st_size, (size_t)CCHC_DEFAULT_MAX_BYTES);
      return false;
    }
    cap = (size_t)stt.st_size + 1;
  }
  char *buf = malloc(cap);
  bool ok = buf != NULL;
  while (ok) {
    if (n + 1 >= cap) {
      size_t ncap = cap * 2;
      char *nb = realloc(buf, ncap);
      if (!nb) {
        ok = false;
        break;
      }
      buf = nb;
      cap = ncap;
    }
    size_t got = fread(buf + n, 1, cap - n - 1, fp);
    n += got;
    if (got == 0 || n > limit)
      break;
  }
  bool rerr = ferror(fp);
  if (!is_stdin)
    fclose(fp);
  if (!ok || rerr) {
    free(buf);
    err->code = ok ? CCHC_ERR_IO : CCHC_ERR_NOMEM;
    snprintf(err->message, sizeof err->message, "%s",
             ok ? "read error" : "out of memory");
    return false;
  }
  buf[n] = '\0';
  *data = buf;
  *len = n;
  return true;
}

bool cli_read_input(const char *path, char **data, size_t *len) {
  cchc_error err = {0};
  if (cli_read_file(path, data, len, &err))
    return true;
  cli_report(path, NULL, 0, &err);
  return false;
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

bool cli_write(const char *path, const char *data, size_t len) {
  cli_out out;
  if (!cli_out_open(&out, path))
    return false;
  fwrite(data, 1, len, out.fp); /* errors are caught by the commit */
  return cli_out_commit(&out);
}

/* The rules directory: an explicit one, $CCHC_RULES, rules/ beside the
 * build directory of this program (a fresh clone needs no installing), or
 * the one compiled in. */
cchc_rules *cli_rules(cli_ctx *ctx) {
  if (ctx->rules)
    return ctx->rules;
  char exe_rules[4200];
  const char *dir = ctx->rules_dir;
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
  cchc_error err = {0};
  if (cchc_rules_load(dir, &ctx->rules, &err) != CCHC_OK) {
    cli_report(dir, NULL, 0, &err);
    return NULL;
  }
  return ctx->rules;
}

bool cli_store_exists(const cli_ctx *ctx) {
  return access(ctx->db, F_OK) == 0;
}

void cli_no_store(const cli_ctx *ctx, const char *hint) {
  cli_errorf("%s: no store here; 'cchc ingest --db %s FILE...' makes one%s",
             ctx->db, ctx->db, hint);
}

cchc_store *cli_store(cli_ctx *ctx, bool create) {
  if (ctx->store)
    return ctx->store;
  if (!create && !cli_store_exists(ctx)) {
    cli_no_store(ctx, "");
    return NULL;
  }
  cchc_error err = {0};
  if (cchc_store_open(ctx->db, &ctx->store, &err) != CCHC_OK) {
    cli_report(ctx->db, NULL, 0, &err);
    return NULL;
  }
  return ctx->store;
}
