/* util.c: reading inputs, reporting errors, atomic output; the rules and
 * the store that main.c sets up for the commands that need them. */
#define _GNU_SOURCE
#include "cli.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <utf8proc.h>

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
    name = err->path[0] ? err->path : name;
  /* A file name may hold a newline or an escape sequence: one line each. */
  char *shown = cli_escape(name);
  if (shown)
    name = shown;
  if (err->line)
    fprintf(stderr, "cchc: %s:%u: %s\n", name, err->line, err->message);
  else if (err->has_offset && data)
    fprintf(stderr, "cchc: %s:%u: %s\n", name, line_of(data, len, err->offset),
            err->message);
  else
    fprintf(stderr, "cchc: %s: %s\n", name, err->message);
  free(shown);
}

char *cli_escape(const char *s) {
  size_t n = strlen(s);
  /* At most four bytes out per byte in: \xHH for one byte. */
  char *out = malloc(4 * n + 1), *o = out;
  if (!out)
    return NULL;
  for (size_t i = 0; i < n;) {
    utf8proc_int32_t cp;
    utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)s + i,
                                          (utf8proc_ssize_t)(n - i), &cp);
    if (k < 0) { /* not UTF-8: the byte itself */
      o += sprintf(o, "\\x%02x", (unsigned char)s[i]);
      i++;
      continue;
    }
    utf8proc_category_t cat = utf8proc_category(cp);
    if (cp == '\n' || cp == '\t' || cp == '\r' || cp == '\\') {
      *o++ = '\\';
      *o++ = cp == '\n' ? 'n' : cp == '\t' ? 't' : cp == '\r' ? 'r' : '\\';
    } else if (cat == UTF8PROC_CATEGORY_CC && cp < 0x80) {
      o += sprintf(o, "\\x%02x", (unsigned)cp);
    } else if (cat == UTF8PROC_CATEGORY_CC || cat == UTF8PROC_CATEGORY_CF ||
               cat == UTF8PROC_CATEGORY_ZL || cat == UTF8PROC_CATEGORY_ZP) {
      /* C1 controls, bidi overrides, line separators: \u and four hex
       * digits (\U and eight past the BMP), at most four bytes out per
       * byte in. */
      o += sprintf(o, cp > 0xffff ? "\\U%08x" : "\\u%04x", (unsigned)cp);
    } else {
      memcpy(o, s + i, (size_t)k);
      o += k;
    }
    i += (size_t)k;
  }
  *o = '\0';
  return out;
}

void cli_errorf(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fputs("cchc: ", stderr);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
}

const char *cli_file_kind(mode_t mode) {
  if (S_ISLNK(mode))
    return "a symbolic link";
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

/* Open a named input ("-" or NULL: standard input, *is_stdin): the fd,
 * or -1 with err filled. */
static int open_input(const char *path, bool *is_stdin, cchc_error *err) {
  *is_stdin = !path || strcmp(path, "-") == 0;
  if (*is_stdin)
    return STDIN_FILENO;
  /* A named input must be a regular file (a symlink to one is followed:
   * the user named it).  O_NONBLOCK: opening a FIFO or a device must not
   * wait before fstat can refuse it. */
  int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0)
    read_fail(err, CCHC_ERR_IO, "cannot open: %s", strerror(errno));
  return fd;
}

bool cli_read_file(const char *path, char **data, size_t *len,
                   cchc_error *err) {
  bool is_stdin;
  *data = NULL;
  *len = 0;
  int fd = open_input(path, &is_stdin, err);
  if (fd < 0)
    return false;
  bool ok = cli_read_fd(fd, is_stdin, data, len, err);
  if (!is_stdin)
    close(fd);
  return ok;
}

/* fstat of an input, refused (false, err filled) unless it is a regular
 * file within the size limit, or standard input that is no directory. */
static bool stat_input(int fd, bool is_stdin, struct stat *st,
                       cchc_error *err) {
  if (fstat(fd, st) != 0)
    return read_fail(err, CCHC_ERR_IO, "cannot open: %s", strerror(errno));
  if (S_ISDIR(st->st_mode) || (!is_stdin && !S_ISREG(st->st_mode)))
    return read_fail(err, CCHC_ERR_IO,
                     "%s, not a regular file; give a file (or pipe the data "
                     "to standard input)",
                     cli_file_kind(st->st_mode));
  if (S_ISREG(st->st_mode) &&
      (unsigned long long)st->st_size > CCHC_DEFAULT_MAX_BYTES)
    return read_fail(err, CCHC_ERR_TOO_LARGE,
                     "input is %lld bytes, more than the limit of %zu bytes",
                     (long long)st->st_size, (size_t)CCHC_DEFAULT_MAX_BYTES);
  return true;
}

/* Inputs from this size on are mapped: below it a copy costs no more than
 * the mapping, and holds little. */
enum { MAP_MIN = 4 << 20 };

/* The SIGBUS guard.  A page of a mapped file past its end, once another
 * program has cut the file short, kills the reader with SIGBUS.  As
 * systemd's journal reader does, the handler maps a page of zeros in its
 * place and marks the input whose mapping holds it; the command then
 * rejects that input instead of dying.  A SIGBUS elsewhere keeps its
 * default action.  One slot per input mapped at once (one per worker). */
enum { GUARD_SLOTS = 64 };
static _Atomic(cli_input *) guard_slot[GUARD_SLOTS];
static pthread_once_t guard_once = PTHREAD_ONCE_INIT;
static bool guard_ready;

static void guard_fault(int sig, siginfo_t *info, void *uctx) {
  (void)uctx;
  char *at = info->si_addr;
  for (int i = 0; i < GUARD_SLOTS; i++) {
    cli_input *in = atomic_load(&guard_slot[i]);
    if (!in || at < in->data || at >= in->data + in->len)
      continue;
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    char *base = (char *)((uintptr_t)at / page * page);
    if (mmap(base, page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
             -1, 0) == MAP_FAILED)
      break;
    in->cut_short = 1;
    return;
  }
  /* Not ours: the default action, when the access happens again. */
  signal(sig, SIG_DFL);
}

static void guard_install(void) {
  struct sigaction sa = {0};
  sa.sa_sigaction = guard_fault;
  sa.sa_flags = SA_SIGINFO;
  sigemptyset(&sa.sa_mask);
  guard_ready = sigaction(SIGBUS, &sa, NULL) == 0;
}

/* A slot for a mapped input: false when none is free (it is read instead). */
static bool guard_take(cli_input *in) {
  pthread_once(&guard_once, guard_install);
  if (!guard_ready)
    return false;
  for (int i = 0; i < GUARD_SLOTS; i++) {
    cli_input *none = NULL;
    if (atomic_compare_exchange_strong(&guard_slot[i], &none, in)) {
      in->guard = i;
      return true;
    }
  }
  return false;
}

static bool read_all(int fd, const struct stat *st, char **data, size_t *len,
                     cchc_error *err);

bool cli_input_open(const char *path, cli_input *in, cchc_error *err) {
  memset(in, 0, sizeof *in);
  bool is_stdin;
  int fd = open_input(path, &is_stdin, err);
  if (fd < 0)
    return false;
  struct stat st;
  bool ok = stat_input(fd, is_stdin, &st, err);
  if (ok && S_ISREG(st.st_mode) && st.st_size >= MAP_MIN) {
    /* Read-only and private: nothing writes it, and the pages given back
     * (MADV_DONTNEED) read back from the file. */
    void *p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (p != MAP_FAILED) {
      in->data = p;
      in->len = (size_t)st.st_size;
      in->mapped = true;
      if (!guard_take(in)) {
        munmap(p, in->len);
        in->data = NULL;
        in->len = 0;
        in->mapped = false;
      }
    }
  }
  if (ok && !in->mapped) {
    if (is_stdin) {
      ok = cli_read_fd(fd, is_stdin, &in->data, &in->len, err);
    } else {
      /* Opened here with O_NONBLOCK as its only status flag: cleared in
       * one call, and the file read on the stat just taken (a batch pays
       * these calls per input, each an entry into the kernel). */
      fcntl(fd, F_SETFL, 0);
      ok = read_all(fd, &st, &in->data, &in->len, err);
    }
  }
  if (!is_stdin)
    close(fd);
  return ok;
}

void cli_input_close(void *input) {
  cli_input *in = input;
  sig_atomic_t cut_short = in->cut_short;
  if (in->mapped) {
    atomic_store(&guard_slot[in->guard], NULL);
    munmap(in->data, in->len);
  } else {
    free(in->data);
  }
  memset(in, 0, sizeof *in);
  in->cut_short = cut_short;
}

bool cli_input_cut_short(const cli_input *in, cchc_error *err) {
  if (!in->cut_short)
    return false;
  memset(err, 0, sizeof *err);
  return !read_fail(err, CCHC_ERR_IO,
                    "the file was cut short by another program while it was "
                    "read; it is left out");
}

void cli_input_read(void *input, size_t offset) {
  cli_input *in = input;
  if (!in->mapped)
    return;
  if (offset < in->released) /* decoding starts over from the beginning */
    in->released = 0;
  size_t page = (size_t)sysconf(_SC_PAGESIZE),
         end = offset / page * page;
  if (end > in->released &&
      madvise(in->data + in->released, end - in->released, MADV_DONTNEED) ==
          0)
    in->released = end;
}

/* The whole of fd, whose fstat (stat_input's) is *st, into a block of its
 * own with a NUL after it. */
static bool read_all(int fd, const struct stat *st, char **data, size_t *len,
                     cchc_error *err) {
  const size_t max = CCHC_DEFAULT_MAX_BYTES;
  *data = NULL;
  *len = 0;
  char *buf = NULL;
  bool ok = false;
  /* Room for max + 1 bytes and the NUL at most: one byte past the limit
   * tells a pipe that is too long, without reading (or allocating) the
   * rest.  A regular file is read into one block of its size. */
  size_t cap = S_ISREG(st->st_mode) ? (size_t)st->st_size + 2 : 1 << 16, n = 0;
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
    /* A regular file that gave its stat size, less than was asked, is at
     * its end: no read more to be told so (one that grew since its stat
     * gave all that was asked, and is read on). */
    if (S_ISREG(st->st_mode) && n == (size_t)st->st_size &&
        (size_t)got < cap - (n - (size_t)got) - 1)
      break;
  }
  buf[n] = '\0';
  *data = buf;
  *len = n;
  buf = NULL;
  ok = true;
cleanup:
  free(buf);
  return ok;
}

bool cli_read_fd(int fd, bool is_stdin, char **data, size_t *len,
                 cchc_error *err) {
  *data = NULL;
  *len = 0;
  struct stat st;
  if (!stat_input(fd, is_stdin, &st, err))
    return false;
  if (!is_stdin) { /* regular: reads never block; fail on a read error */
    int flags = fcntl(fd, F_GETFL);
    if (flags >= 0)
      fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
  }
  return read_all(fd, &st, data, len, err);
}

/* The permissions a new file gets from open(2) with mode 0666. */
static mode_t umask_mode(void) {
  mode_t mask = umask(0);
  umask(mask);
  return 0666 & ~mask;
}

/* An existing target that is not a regular file (/dev/null, /dev/stdout, a
 * FIFO a reader waits on) is written to directly: renaming over it would
 * replace the device or the FIFO.  A FIFO with no reader is refused rather
 * than waited on; a directory cannot be opened for writing. */
static bool out_open_through(cli_out *o, const char *path) {
  int fd = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) {
    if (errno == ENXIO)
      cli_errorf("%s: cannot write: no process is reading this FIFO", path);
    else
      cli_errorf("%s: cannot write: %s", path, strerror(errno));
    return false;
  }
  int flags = fcntl(fd, F_GETFL);
  if (flags >= 0)
    fcntl(fd, F_SETFL, flags & ~O_NONBLOCK); /* writes wait for the reader */
  if (!(o->path = strdup(path)) || !(o->fp = fdopen(fd, "wb"))) {
    cli_errorf("%s: cannot write: %s", path, strerror(errno));
    close(fd);
    free(o->path);
    o->path = NULL;
    return false;
  }
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
  struct stat st;
  if (stat(path, &st) == 0 && !S_ISREG(st.st_mode))
    return out_open_through(o, path);
  /* mkstemp's template: six placeholder letters after ".tmp." */
  if (!(o->path = strdup(path)) ||
      asprintf(&o->tmp, "%s.tmp.......", path) < 0) {
    o->tmp = NULL;
    cli_errorf("%s: out of memory", path);
    goto fail;
  }
  memset(o->tmp + strlen(o->tmp) - 6, 'X', 6);
  int fd = mkstemp(o->tmp);
  if (fd < 0) {
    cli_errorf("%s: cannot create: %s", path, strerror(errno));
    goto fail;
  }
  /* mkstemp makes the file 0600; the output gets what the umask allows. */
  if (fchmod(fd, umask_mode()) != 0 || !(o->fp = fdopen(fd, "wb"))) {
    cli_errorf("%s: cannot create: %s", path, strerror(errno));
    close(fd);
    unlink(o->tmp);
    goto fail;
  }
  return true;
fail:
  free(o->path);
  free(o->tmp);
  memset(o, 0, sizeof *o);
  return false;
}

/* "cchc: PATH: write error: reason", once per output. */
static void out_report(cli_out *o, int why) {
  if (o->reported)
    return;
  o->reported = true;
  cli_errorf("%s: write error: %s", o->path ? o->path : "<stdout>",
             strerror(why ? why : EIO));
}

bool cli_out_write(cli_out *o, const void *data, size_t len) {
  if (o->error)
    return false;
  errno = 0;
  if (fwrite(data, 1, len, o->fp) == len)
    return true;
  o->error = errno ? errno : EIO;
  out_report(o, o->error);
  return false;
}

bool cli_out_write_direct(cli_out *o, const void *data, size_t len) {
  if (o->error)
    return false;
  errno = 0;
  if (fflush(o->fp) != 0) { /* what stdio holds goes first */
    o->error = errno ? errno : EIO;
    out_report(o, o->error);
    return false;
  }
  int fd = fileno(o->fp);
  const char *p = data;
  while (len) {
    ssize_t k = write(fd, p, len);
    if (k < 0 && errno == EINTR)
      continue;
    if (k <= 0) {
      o->error = k < 0 && errno ? errno : EIO;
      out_report(o, o->error);
      return false;
    }
    p += k;
    len -= (size_t)k;
  }
  return true;
}

bool cli_out_commit(cli_out *o) {
  /* The first reason a write failed; a failed fflush retries what is
   * buffered and tells why. */
  int why = o->error;
  errno = 0;
  if (fflush(o->fp) != 0 && !why)
    why = errno ? errno : EIO;
  if (ferror(o->fp) && !why)
    why = EIO;
  if (!o->path) {
    if (why)
      out_report(o, why);
    return !why;
  }
  if (!why && o->tmp && fsync(fileno(o->fp)) != 0)
    why = errno;
  if (fclose(o->fp) != 0 && !why)
    why = errno ? errno : EIO;
  o->fp = NULL;
  if (!why && o->tmp && rename(o->tmp, o->path) != 0)
    why = errno;
  if (why) {
    out_report(o, why);
    if (o->tmp)
      unlink(o->tmp);
  }
  free(o->path);
  free(o->tmp);
  o->path = o->tmp = NULL;
  return !why;
}

bool cli_out_sink(void *ctx, const char *data, size_t len) {
  return cli_out_write(ctx, data, len);
}

void cli_out_abort(cli_out *o) {
  if (!o->path)
    return;
  if (o->fp)
    fclose(o->fp);
  if (o->tmp)
    unlink(o->tmp);
  free(o->path);
  free(o->tmp);
  memset(o, 0, sizeof *o);
}

bool cli_out_finish(cli_out *o, cchc_status st, const char *where,
                    const cchc_error *err) {
  if (st == CCHC_OK)
    return cli_out_commit(o);
  if (st != CCHC_ERR_IO) /* a write error is reported already */
    cli_report(where, NULL, 0, err);
  cli_out_abort(o);
  return false;
}

void cli_report_untried(size_t n) {
  if (n)
    cli_errorf("stopped: %zu input%s not tried", n, n == 1 ? "" : "s");
}

bool cli_write(const char *path, const char *data, size_t len) {
  cli_out out;
  if (!cli_out_open(&out, path))
    return false;
  if (!cli_out_write(&out, data, len)) {
    cli_out_abort(&out);
    return false;
  }
  return cli_out_commit(&out);
}

/* The rules directory: an explicit one, $CCHC_RULES, share/cchc/rules
 * beside the program's bin/ (an installed tree, also when staged under
 * DESTDIR or moved; first, so that an unrelated PREFIX/rules is never
 * taken), rules/ beside the build directory of this program (a fresh
 * clone needs no installing), or the one compiled in. */
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
        static const char *const beside[] = {"../share/cchc/rules", "../rules"};
        for (size_t i = 0; !dir && i < sizeof beside / sizeof *beside; i++) {
          snprintf(exe_rules, sizeof exe_rules, "%s/%s", exe, beside[i]);
          struct stat st;
          if (stat(exe_rules, &st) == 0 && S_ISDIR(st.st_mode))
            dir = exe_rules;
        }
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
