/* cmd_ingest.c: cchc ingest [--db PATH] [--rules DIR] [-j N] [-v] FILE|DIR...
 *               cchc ingest [--db PATH] [--rules DIR] [--settle MS] --watch DIR
 *
 * A batch stores the files named and the *.txt files under the directories
 * named (cli_collect_inputs); the pipeline runs on -j worker threads, the
 * store on this one, committing plans in groups (one transaction per
 * group), each plan reported only once its group is committed.  A watch
 * stores what lands in a drop folder: inotify says when a file changed,
 * was closed after writing or moved in; the file is taken once it has
 * kept its size and times for the settle interval and no process has it
 * open for writing, and only if it is a regular file.  What fails goes to
 * rejected/ under a name no earlier reject has. */
#define _GNU_SOURCE
#include "cli.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static const char ingest_help[] =
    "usage: cchc ingest [--db PATH] [--rules DIR] [-j N] [-v] FILE|DIR...\n"
    "       cchc ingest [--db PATH] [--rules DIR] [--settle MS] --watch DIR\n"
    "\n"
    "Extract the task frame of each plan and store it: the whole frame plus\n"
    "rows for the document, its targets, deadlines, tasks (with their lead\n"
    "and coordinating units) and references.  Directories are searched\n"
    "recursively for *.txt files, taken in sorted order; symbolic links\n"
    "inside them are not followed (a note names each one skipped) and no\n"
    "directory is walked twice.\n"
    "\n"
    "  --db PATH     the store (default: $CCHC_DB, else ./cchc.db)\n"
    "  --rules DIR   the rules directory (default: $CCHC_RULES, else rules/)\n"
    "  -j N          extract on N threads (default: the number of processors);\n"
    "                plans are stored one at a time, in the order of the\n"
    "                inputs, the same for every N\n"
    "  -v, --verbose one line per plan on standard output once it is stored,\n"
    "                as --watch writes them (added PATH: version 1, ...)\n"
    "\n"
    "Plans are stored in transactions of up to 64 plans or a quarter of a\n"
    "second: a crash loses no plan already logged as stored, and leaves no\n"
    "half-stored plan.  A plan whose content is already stored under the\n"
    "same path is left alone; new content under a stored path becomes a new\n"
    "version (the old one is kept).  A bad file (an empty one too) is\n"
    "reported as 'cchc: FILE:LINE: message' and the others are still stored;\n"
    "the exit code is then 1.  A failure of the store itself (a full disk)\n"
    "stops the batch with exit code 2.  The last line counts the files\n"
    "added, unchanged, stored as new versions and failed, and those not\n"
    "tried after a stop.\n"
    "\n"
    "  --watch DIR   a drop folder: store the *.txt plans already in DIR and\n"
    "                each one written or moved into it, one line per file on\n"
    "                standard output (control characters in names escaped).\n"
    "                A file is taken once closed and unchanged (size and\n"
    "                times) for the settle interval, and taken again, as a\n"
    "                new version, when it changes again.  Only regular files:\n"
    "                a symbolic link, FIFO or device is never opened.  A file\n"
    "                that fails, or is empty, is moved to DIR/rejected/ under\n"
    "                a name not used there yet (x.txt, x-2.txt, ...) with\n"
    "                that name + .reason beside it.  A plan renamed inside DIR\n"
    "                is not taken again.  Stops on SIGINT or SIGTERM.\n"
    "  --settle MS   the settle interval in milliseconds (default 2000)\n";

/* A formatted string (malloc'd), NULL when out of memory. */
static char *strf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *strf(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  char *s = NULL;
  if (vasprintf(&s, fmt, ap) < 0)
    s = NULL;
  va_end(ap);
  return s;
}

/* The key of a plan in the store: its absolute path when it can be
 * resolved, so that "x.txt" and "./x.txt" are the same plan. */
static char *plan_key(const char *path) {
  char *real = realpath(path, NULL);
  return real ? real : strdup(path);
}

static cchc_status set_error(cchc_error *err, cchc_status code,
                             const char *msg) {
  memset(err, 0, sizeof *err);
  err->code = code;
  snprintf(err->message, sizeof err->message, "%s", msg);
  return code;
}

/* A plan on its way into the store, in three steps: checked on the
 * store's thread, processed and rendered on any thread (a worker of the
 * batch), put on the store's thread.  Each step does nothing once one
 * before it failed (st) or found the content stored already. */
typedef struct plan_job {
  const char *path;
  const char *data;
  size_t len;
  char *owned; /* the batch's copy of data, or NULL when borrowed */
  char *key;
  char sha[65];
  cchc_frame *frame;
  char *json; /* the frame's JSON, most of the work of storing it
                 (cchc_store_put_rendered) */
  size_t json_len;
  cchc_status st;
  cchc_error err;
  cchc_ingest_result res;
} plan_job;

/* Whether the plan still has its pipeline and store steps to go. */
static bool plan_is_new(const plan_job *p) {
  return p->st == CCHC_OK && p->res.outcome != CCHC_INGEST_UNCHANGED;
}

/* Step one: the plan `data` read from `path` is keyed, hashed once and
 * checked against the store, so that only new content is run through the
 * pipeline.  A file with nothing in it (or only white space: a `touch`ed
 * file, a placeholder) is refused: stored, it would be a plan without a
 * single line. */
static void plan_check(cli_ctx *ctx, plan_job *p) {
  size_t blank = 0;
  while (blank < p->len && memchr(" \t\n\r\f\v", p->data[blank], 6))
    blank++;
  if (blank == p->len) {
    p->st = set_error(&p->err, CCHC_ERR_INVALID,
                      p->len ? "empty file: nothing but white space"
                             : "empty file");
    return;
  }
  if (!(p->key = plan_key(p->path))) {
    p->st = set_error(&p->err, CCHC_ERR_NOMEM, "out of memory");
    return;
  }
  if ((p->st = cchc_sha256_hex(p->data, p->len, p->sha, &p->err)) == CCHC_OK)
    p->st = cchc_store_check(ctx->store, p->key, p->sha, &p->res, &p->err);
}

/* Step two, on any thread: the pipeline, with the rules shared, and the
 * frame's JSON for the store. */
static void plan_process(const cchc_rules *rules, plan_job *p) {
  if (!plan_is_new(p))
    return;
  cchc_process_options opt = {.path = p->key, .sha256 = p->sha};
  p->st = cchc_process(rules, p->data, p->len, &opt, &p->frame, &p->err);
  if (p->st == CCHC_OK)
    p->st = cchc_render(p->frame, CCHC_FORMAT_JSONL, 0, &p->json,
                        &p->json_len, &p->err);
}

/* Step three: the frame into the store (into the open group's transaction
 * when there is one, else a transaction of its own). */
static cchc_status plan_put(cli_ctx *ctx, plan_job *p) {
  if (plan_is_new(p))
    p->st = cchc_store_put_rendered(ctx->store, p->frame, p->json,
                                    p->json_len, &p->res, &p->err);
  return p->st;
}

static void plan_release(plan_job *p) {
  cchc_frame_free(p->frame);
  free(p->json);
  free(p->key);
  free(p->owned);
  p->frame = NULL;
  p->json = NULL;
  p->key = p->owned = NULL;
}

/* Store the plan `data` read from `path` under its key, the three steps
 * in turn, in a transaction of its own: the watch takes files one at a
 * time.  The batch runs the same steps with the pipeline on its workers. */
static cchc_status store_plan(cli_ctx *ctx, const char *path,
                              const char *data, size_t len,
                              cchc_ingest_result *res, cchc_error *err) {
  plan_job p = {.path = path, .data = data, .len = len};
  plan_check(ctx, &p);
  plan_process(ctx->rules, &p);
  plan_put(ctx, &p);
  *res = p.res;
  *err = p.err;
  plan_release(&p);
  return p.st;
}

static unsigned line_at(const char *data, size_t len, const cchc_error *err) {
  if (!data || !err->has_offset)
    return 0;
  size_t end = err->offset < len ? err->offset : len;
  unsigned line = 1;
  for (size_t i = 0; i < end; i++)
    line += data[i] == '\n';
  return line;
}

/* ---- watch mode ---------------------------------------------------------- */

/* A file of the drop folder not taken yet. */
typedef struct drop {
  char *name;
  bool settling;       /* closed after writing or moved in (or created):
                          look at it again at `due` */
  bool stated;         /* `st` holds what lstat said last */
  struct stat st;
  struct timespec due; /* CLOCK_MONOTONIC */
} drop;

typedef struct watcher {
  cli_ctx *ctx; /* the store and the rules, set up */
  const char *dir;
  long settle_ms;
  drop *drops;
  size_t n, cap;
  /* The last IN_MOVED_FROM, until its IN_MOVED_TO: a rename inside the
   * folder has the same cookie on both. */
  uint32_t from_cookie;
  bool from_watchable;
  drop from; /* the drop it took away (name NULL: none was pending) */
} watcher;

static bool watchable(const char *name) {
  return name[0] != '.' && cli_has_txt_suffix(name);
}

/* One line of the log on standard output: WHAT PATH[: details], the path
 * escaped. */
static void log_line(const char *what, const char *path, const char *fmt,
                     ...) __attribute__((format(printf, 3, 4)));
static void log_line(const char *what, const char *path, const char *fmt,
                     ...) {
  char *shown = cli_escape(path);
  printf("%s %s", what, shown ? shown : path);
  free(shown);
  if (fmt) {
    va_list ap;
    va_start(ap, fmt);
    fputs(": ", stdout);
    vprintf(fmt, ap);
    va_end(ap);
  }
  putchar('\n');
  fflush(stdout);
}

/* The log line of a plan stored (or found stored already). */
static void log_stored(const char *path, const cchc_ingest_result *res) {
  if (res->outcome == CCHC_INGEST_UNCHANGED)
    log_line("unchanged", path, NULL);
  else
    log_line(res->outcome == CCHC_INGEST_ADDED ? "added" : "new-version",
             path, "version %d, %zu targets, %zu tasks", res->version,
             res->targets, res->tasks);
}

static drop *drop_find(watcher *w, const char *name) {
  for (size_t i = 0; i < w->n; i++)
    if (strcmp(w->drops[i].name, name) == 0)
      return &w->drops[i];
  return NULL;
}

/* The drop of `name`, added when there is none; NULL when out of memory. */
static drop *drop_get(watcher *w, const char *name) {
  drop *d = drop_find(w, name);
  if (d)
    return d;
  if (w->n == w->cap) {
    size_t cap = w->cap ? w->cap * 2 : 16;
    drop *items = realloc(w->drops, cap * sizeof *items);
    if (!items)
      return NULL;
    w->drops = items;
    w->cap = cap;
  }
  d = &w->drops[w->n];
  memset(d, 0, sizeof *d);
  if (!(d->name = strdup(name)))
    return NULL;
  w->n++;
  return d;
}

/* Remove drop i; with `keep_name` its name is the caller's. */
static void drop_remove(watcher *w, size_t i, bool keep_name) {
  if (!keep_name)
    free(w->drops[i].name);
  memmove(&w->drops[i], &w->drops[i + 1], (w->n - i - 1) * sizeof *w->drops);
  w->n--;
}

static struct timespec after_ms(long ms) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  t.tv_sec += ms / 1000;
  t.tv_nsec += (ms % 1000) * 1000000L;
  if (t.tv_nsec >= 1000000000L) {
    t.tv_sec++;
    t.tv_nsec -= 1000000000L;
  }
  return t;
}

/* Look at the drop again once the settle interval has passed. */
static void drop_settle(watcher *w, drop *d) {
  d->settling = true;
  d->due = after_ms(w->settle_ms);
}

/* Closed after writing, moved in, or created: note its size and times
 * now, to compare when it is due. */
static bool drop_arrived(watcher *w, const char *name) {
  drop *d = drop_get(w, name);
  char *path = d ? cli_path_in(w->dir, name) : NULL;
  if (!path)
    return false;
  d->stated = lstat(path, &d->st) == 0;
  drop_settle(w, d);
  free(path);
  return true;
}

static bool same_file_state(const struct stat *a, const struct stat *b) {
  return a->st_dev == b->st_dev && a->st_ino == b->st_ino &&
         a->st_mode == b->st_mode && a->st_size == b->st_size &&
         a->st_mtim.tv_sec == b->st_mtim.tv_sec &&
         a->st_mtim.tv_nsec == b->st_mtim.tv_nsec &&
         a->st_ctim.tv_sec == b->st_ctim.tv_sec &&
         a->st_ctim.tv_nsec == b->st_ctim.tv_nsec;
}

/* Does some process have the file open for writing?  A read lease is
 * granted only when none has (fcntl(2), F_SETLEASE); it is given back at
 * once.  Where leases are not allowed (not the owner, without CAP_LEASE;
 * some network file systems) this cannot tell, and the settle interval
 * stands alone. */
static bool open_for_writing(int fd) {
  if (fcntl(fd, F_SETLEASE, F_RDLCK) == 0) {
    fcntl(fd, F_SETLEASE, F_UNLCK);
    return false;
  }
  return errno == EAGAIN;
}

/* rename(2) that never replaces: renameat2's RENAME_NOREPLACE, else (a file
 * system without it) link and unlink, which fail on an existing name too.
 * Both move the directory entry itself: a link or a FIFO is not opened or
 * followed. */
static int move_noreplace(const char *from, const char *to) {
  if (renameat2(AT_FDCWD, from, AT_FDCWD, to, RENAME_NOREPLACE) == 0)
    return 0;
  if (errno != EINVAL && errno != ENOSYS)
    return -1;
  if (linkat(AT_FDCWD, from, AT_FDCWD, to, 0) != 0)
    return -1;
  return unlink(from);
}

/* Move DIR/NAME into DIR/rejected/ under the first name not used there
 * (NAME, STEM-2.txt, STEM-3.txt, ...), its reason in that name + ".reason":
 * no reject ever overwrites another.  The .reason file is made first, with
 * O_EXCL, to claim the name, and written before the plan moves.  Returns the name given (malloc'd), or NULL
 * when the file could not be moved (reported). */
static char *reject(const char *dir, const char *name, const char *reason) {
  char *from = cli_path_in(dir, name), *taken = NULL;
  int stem = (int)strlen(name) - 4; /* watchable: NAME ends in .txt */
  for (unsigned n = 1; from && n < 100000 && !taken; n++) {
    char *cand = n == 1 ? strdup(name) : strf("%.*s-%u.txt", stem, name, n);
    char *to = cand ? strf("%s/rejected/%s", dir, cand) : NULL;
    char *why = to ? strf("%s.reason", to) : NULL;
    if (!why) {
      cli_errorf("out of memory");
      free(cand);
      free(to);
      break;
    }
    int fd = open(why, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                  0666);
    bool next = fd < 0 && errno == EEXIST, stop = fd < 0 && !next;
    if (stop)
      cli_errorf("%s: cannot write: %s", why, strerror(errno));
    if (fd >= 0) {
      /* The reason is written before the plan moves: whoever sees the
       * plan in rejected/ finds its reason complete beside it. */
      FILE *fp = fdopen(fd, "w");
      if (!fp || fprintf(fp, "%s\n", reason) < 0 || fclose(fp) != 0)
        cli_errorf("%s: cannot write: %s", why, strerror(errno));
      if (!fp)
        close(fd);
      if (move_noreplace(from, to) != 0) {
        next = errno == EEXIST;
        stop = !next;
        if (stop)
          cli_errorf("%s: cannot move to %s/rejected: %s", from, dir,
                     strerror(errno));
        unlink(why);
      } else {
        taken = cand;
        cand = NULL;
      }
    }
    free(cand);
    free(to);
    free(why);
    if (stop)
      break;
  }
  free(from);
  return taken;
}

/* Reject drop NAME and log it: "rejected PATH: REASON (kept as
 * rejected/NAME2)". */
static void reject_logged(watcher *w, const char *name, const char *path,
                          const char *reason) {
  char *kept = reject(w->dir, name, reason);
  char *shown = kept ? cli_escape(kept) : NULL;
  if (kept)
    log_line("rejected", path, "%s (kept as rejected/%s)", reason,
             shown ? shown : kept);
  else
    log_line("rejected", path, "%s (left in place)", reason);
  free(shown);
  free(kept);
}

/* The outcome of a drop read into data (or not: st is the error), logged.
 * Returns false when the store failed (the watch cannot go on). */
static bool take(watcher *w, const char *name, const char *path,
                 const char *data, size_t len, cchc_status st,
                 cchc_error *err) {
  cchc_ingest_result res;
  if (st == CCHC_OK)
    st = store_plan(w->ctx, path, data, len, &res, err);
  if (st == CCHC_OK) {
    log_stored(path, &res);
    return true;
  }
  if (st == CCHC_ERR_INTERNAL || st == CCHC_ERR_NOMEM) {
    cli_report(w->ctx->db, NULL, 0, err);
    return false;
  }
  if (!err->message[0])
    snprintf(err->message, sizeof err->message, "%s", cchc_status_name(st));
  char reason[700];
  char *shown = cli_escape(name);
  unsigned line = line_at(data, len, err);
  if (line)
    snprintf(reason, sizeof reason, "%s:%u: %s", shown ? shown : name, line,
             err->message);
  else
    snprintf(reason, sizeof reason, "%s: %s", shown ? shown : name,
             err->message);
  free(shown);
  reject_logged(w, name, path, reason);
  return true;
}

typedef enum { DROP_WAIT, DROP_DONE, DROP_STORE_FAILED } drop_state;

/* Drop i is due: take it if it is a regular file that has not changed
 * since it was last seen and that no process has open for writing. */
static drop_state drop_look(watcher *w, size_t i) {
  drop *d = &w->drops[i];
  char *path = cli_path_in(w->dir, d->name);
  if (!path)
    return DROP_STORE_FAILED;
  drop_state state = DROP_WAIT;
  char *data = NULL;
  size_t len = 0;
  cchc_error err = {0};
  struct stat st, fst;
  int fd = -1;
  if (lstat(path, &st) != 0) {
    /* Gone (moved away, deleted): nothing to take, nothing to say. */
    state = DROP_DONE;
    goto cleanup;
  }
  if (!S_ISREG(st.st_mode)) {
    char reason[600];
    char *shown = cli_escape(d->name);
    snprintf(reason, sizeof reason, "%s: %s, not a regular file",
             shown ? shown : d->name, cli_file_kind(st.st_mode));
    free(shown);
    reject_logged(w, d->name, path, reason);
    state = DROP_DONE;
    goto cleanup;
  }
  if (!d->stated || !same_file_state(&d->st, &st)) {
    d->st = st; /* changed since: one more quiet interval */
    d->stated = true;
    drop_settle(w, d);
    goto cleanup;
  }
  /* O_NOFOLLOW and O_NONBLOCK: swapped for a link or a FIFO since lstat,
   * it is neither followed nor waited on; fstat must agree with lstat. */
  fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0 && errno == ENOENT) {
    state = DROP_DONE;
    goto cleanup;
  }
  if (fd < 0 && errno != ELOOP) {
    char why[300];
    snprintf(why, sizeof why, "cannot open: %s", strerror(errno));
    state = take(w, d->name, path, NULL, 0, set_error(&err, CCHC_ERR_IO, why),
                 &err)
                ? DROP_DONE
                : DROP_STORE_FAILED;
    goto cleanup;
  }
  if (fd < 0 || fstat(fd, &fst) != 0 || !same_file_state(&st, &fst)) {
    d->stated = false;
    drop_settle(w, d);
    goto cleanup;
  }
  if (open_for_writing(fd)) {
    /* Its writer's close (IN_CLOSE_WRITE) brings it back. */
    d->settling = false;
    goto cleanup;
  }
  bool read_ok = cli_read_fd(fd, false, &data, &len, &err);
  if (fstat(fd, &fst) != 0 || !same_file_state(&st, &fst)) {
    d->stated = false; /* written to while read */
    drop_settle(w, d);
    goto cleanup;
  }
  state = take(w, d->name, path, data, len, read_ok ? CCHC_OK : err.code,
               &err)
              ? DROP_DONE
              : DROP_STORE_FAILED;
cleanup:
  if (fd >= 0)
    close(fd);
  free(data);
  free(path);
  return state;
}

/* Every drop that is due; false when the store failed. */
static bool drops_due(watcher *w) {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  for (size_t i = 0; i < w->n;) {
    drop *d = &w->drops[i];
    bool due = d->settling &&
               (d->due.tv_sec < now.tv_sec ||
                (d->due.tv_sec == now.tv_sec && d->due.tv_nsec <= now.tv_nsec));
    drop_state state = due ? drop_look(w, i) : DROP_WAIT;
    if (state == DROP_STORE_FAILED)
      return false;
    if (state == DROP_DONE)
      drop_remove(w, i, false);
    else
      i++;
  }
  return true;
}

/* Milliseconds until the next drop is due (rounded up), -1 when none. */
static int next_timeout(const watcher *w) {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  long long best = -1;
  for (size_t i = 0; i < w->n; i++) {
    if (!w->drops[i].settling)
      continue;
    long long ms = (w->drops[i].due.tv_sec - now.tv_sec) * 1000LL +
                   (w->drops[i].due.tv_nsec - now.tv_nsec + 999999) / 1000000;
    if (ms < 0)
      ms = 0;
    if (best < 0 || ms < best)
      best = ms;
  }
  return best > INT32_MAX ? INT32_MAX : (int)best;
}

/* Every *.txt entry of the folder becomes a drop: at the start, and after
 * inotify lost events. */
static bool scan_folder(watcher *w) {
  DIR *d = opendir(w->dir);
  if (!d) {
    cli_errorf("%s: cannot read: %s", w->dir, strerror(errno));
    return false;
  }
  cli_paths names = {0};
  bool ok = cli_dir_names(d, watchable, &names);
  closedir(d);
  for (size_t i = 0; ok && i < names.n; i++)
    ok = drop_arrived(w, names.items[i]);
  cli_paths_free(&names);
  if (!ok)
    cli_errorf("out of memory");
  return ok;
}

/* The drop a rename took away is forgotten. */
static void forget_move(watcher *w) {
  free(w->from.name);
  memset(&w->from, 0, sizeof w->from);
  w->from_cookie = 0;
}

/* One inotify event; false when out of memory. */
static bool on_event(watcher *w, const struct inotify_event *ev) {
  if (ev->mask & IN_Q_OVERFLOW) {
    cli_errorf("watch: events were lost; looking at every file in %s again",
               w->dir);
    return scan_folder(w);
  }
  if (!ev->len || (ev->mask & IN_ISDIR))
    return true;
  bool wanted = watchable(ev->name);
  if (ev->mask & IN_MOVED_FROM) {
    forget_move(w);
    w->from_cookie = ev->cookie;
    w->from_watchable = wanted;
    drop *d = drop_find(w, ev->name);
    if (d) {
      w->from = *d;
      drop_remove(w, (size_t)(d - w->drops), true);
    }
    return true;
  }
  if (ev->mask & IN_MOVED_TO) {
    bool inside = w->from_cookie && ev->cookie == w->from_cookie &&
                  w->from_watchable;
    bool ok = true;
    if (wanted && inside && w->from.name) {
      /* Renamed while settling: it settles under its new name. */
      drop *d = drop_get(w, ev->name);
      if (d) {
        d->settling = w->from.settling;
        d->stated = w->from.stated;
        d->st = w->from.st;
        d->due = w->from.due;
      }
      ok = d != NULL;
    } else if (wanted && !inside) {
      /* Moved in, or renamed from a name not watched (NAME.part). A plan
       * renamed inside the folder after it was taken is not taken again. */
      ok = drop_arrived(w, ev->name);
    }
    forget_move(w);
    return ok;
  }
  if (!wanted)
    return true;
  if (ev->mask & IN_DELETE) {
    drop *d = drop_find(w, ev->name);
    if (d)
      drop_remove(w, (size_t)(d - w->drops), false);
    return true;
  }
  if (ev->mask & (IN_CLOSE_WRITE | IN_CREATE))
    /* A link, a FIFO or a hard link is complete when created; a new file
     * being written is held back by IN_MODIFY or by its writer's lease. */
    return drop_arrived(w, ev->name);
  if (ev->mask & IN_MODIFY) {
    drop *d = drop_get(w, ev->name);
    if (d)
      d->settling = false; /* until its writer closes it */
    return d != NULL;
  }
  return true;
}

/* Store the plans dropped into `dir` (with the store and rules set up)
 * until SIGINT or SIGTERM. */
static int watch_dir(cli_ctx *ctx, const char *dir, long settle_ms) {
  sigset_t mask, old;
  sigemptyset(&mask);
  sigaddset(&mask, SIGINT);
  sigaddset(&mask, SIGTERM);
  if (sigprocmask(SIG_BLOCK, &mask, &old) != 0) {
    cli_errorf("watch: cannot block signals: %s", strerror(errno));
    return EXIT_USAGE;
  }
  /* A writer opening a file in the instant a lease is held would send
   * SIGIO, whose default is to terminate. */
  signal(SIGIO, SIG_IGN);
  watcher w = {.ctx = ctx, .dir = dir, .settle_ms = settle_ms};
  int rc = EXIT_OK;
  int sfd = signalfd(-1, &mask, SFD_CLOEXEC);
  int ifd = inotify_init1(IN_CLOEXEC);
  char *rejected = NULL;
  if (sfd < 0 || ifd < 0) {
    cli_errorf("watch: %s", strerror(errno));
    rc = EXIT_USAGE;
    goto done;
  }
  if (inotify_add_watch(ifd, dir,
                        IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM |
                            IN_CREATE | IN_MODIFY | IN_DELETE | IN_ONLYDIR) <
      0) {
    cli_errorf("%s: cannot watch: %s", dir, strerror(errno));
    rc = EXIT_USAGE;
    goto done;
  }
  if (!(rejected = cli_path_in(dir, "rejected")) ||
      (mkdir(rejected, 0777) != 0 && errno != EEXIST)) {
    cli_errorf("%s/rejected: cannot create: %s", dir, strerror(errno));
    rc = EXIT_USAGE;
    goto done;
  }
  if (!scan_folder(&w)) {
    rc = EXIT_USAGE;
    goto done;
  }
  fprintf(stderr, "cchc: watching %s (stop with Ctrl-C)\n", dir);

  for (;;) {
    if (!drops_due(&w)) {
      rc = EXIT_USAGE;
      break;
    }
    struct pollfd fds[2] = {{sfd, POLLIN, 0}, {ifd, POLLIN, 0}};
    if (poll(fds, 2, next_timeout(&w)) < 0) {
      if (errno == EINTR)
        continue;
      cli_errorf("watch: %s", strerror(errno));
      rc = EXIT_USAGE;
      break;
    }
    if (fds[0].revents & POLLIN) {
      /* SIGINT or SIGTERM: stop between files.  Read the signal so that it
       * is not delivered when the mask is restored. */
      struct signalfd_siginfo si;
      if (read(sfd, &si, sizeof si) != (ssize_t)sizeof si)
        cli_errorf("watch: cannot read the signal: %s", strerror(errno));
      fprintf(stderr, "cchc: stopped watching %s\n", dir);
      break;
    }
    if (!(fds[1].revents & POLLIN))
      continue;
    char buf[64 * 1024]
        __attribute__((aligned(__alignof__(struct inotify_event))));
    ssize_t n = read(ifd, buf, sizeof buf);
    if (n <= 0) {
      if (n < 0 && errno == EINTR)
        continue;
      cli_errorf("watch: %s", n < 0 ? strerror(errno) : "inotify closed");
      rc = EXIT_USAGE;
      break;
    }
    bool ok = true, gone = false;
    for (char *p = buf; ok && p < buf + n;) {
      const struct inotify_event *ev = (const struct inotify_event *)p;
      p += sizeof *ev + ev->len;
      gone |= (ev->mask & IN_IGNORED) != 0;
      ok = on_event(&w, ev);
    }
    if (!ok)
      cli_errorf("out of memory");
    if (gone)
      cli_errorf("%s: the folder was removed or unmounted", dir);
    if (!ok || gone) {
      rc = EXIT_USAGE;
      break;
    }
  }
done:
  for (size_t i = 0; i < w.n; i++)
    free(w.drops[i].name);
  free(w.drops);
  forget_move(&w);
  free(rejected);
  if (ifd >= 0)
    close(ifd);
  if (sfd >= 0)
    close(sfd);
  sigprocmask(SIG_SETMASK, &old, NULL);
  return rc;
}

/* ---- batch mode ---------------------------------------------------------- */

/* A batch commits its plans in groups: one transaction (one write of the
 * pages they share, one sync) per BATCH_PLANS plans or BATCH_MS
 * milliseconds, whichever comes first.  A plan is counted, and logged
 * with --verbose, only once its group is committed: a kill loses no plan
 * reported stored, and leaves none half-stored (the group in flight is
 * rolled back whole).  When the store fails, the group is put again plan
 * by plan, each in its own transaction, so that the plan that failed is
 * the one named, as when every plan had its own. */
enum { BATCH_PLANS = 64, BATCH_MS = 250 };

/* A plan of the open group: put (kept ready, for putting it again) or
 * found stored already (nothing ready). */
typedef struct pending {
  size_t index; /* in the batch's files */
  plan_job plan;
} pending;

/* A batch: the plans are read and checked against the store on this
 * thread, run through the pipeline on -j workers, and stored here in input
 * order; SQLite is used by this thread only. */
typedef struct ingest_run {
  cli_ctx *ctx;
  const cli_paths *files;
  bool verbose;
  bool progress; /* standard error is a terminal: show the file stored */
  pending *group;
  size_t ngroup, capgroup;
  bool open; /* a store transaction holds the group */
  struct timespec started; /* CLOCK_MONOTONIC, when the group opened */
  size_t added, unchanged, versions, failed, untried;
  bool stopped; /* the store failed: the rest is not tried */
} ingest_run;

/* A plan stored: counted, and logged with --verbose. */
static void count_stored(ingest_run *run, size_t index,
                         const cchc_ingest_result *res) {
  if (res->outcome == CCHC_INGEST_ADDED)
    run->added++;
  else if (res->outcome == CCHC_INGEST_UNCHANGED)
    run->unchanged++;
  else
    run->versions++;
  if (run->verbose)
    log_stored(run->files->items[index], res);
}

/* The store failed on file `index`: it failed, those after it are not
 * tried. */
static void store_failed(ingest_run *run, size_t index, cchc_error *err) {
  cli_report(run->ctx->db, NULL, 0, err);
  run->failed++;
  run->untried = run->files->n - index - 1;
  cli_report_untried(run->untried);
  run->stopped = true;
}

static void group_clear(ingest_run *run) {
  for (size_t i = 0; i < run->ngroup; i++)
    plan_release(&run->group[i].plan);
  run->ngroup = 0;
}

/* The group was rolled back: its plans put again one by one; counted up
 * to the first the store fails on.  False when one failed. */
static bool group_again(ingest_run *run) {
  for (size_t i = 0; i < run->ngroup; i++) {
    pending *p = &run->group[i];
    if (p->plan.frame && plan_put(run->ctx, &p->plan) != CCHC_OK) {
      store_failed(run, p->index, &p->plan.err);
      return false;
    }
    count_stored(run, p->index, &p->plan.res);
  }
  return true;
}

/* Commit the open group and count its plans; false when the store failed
 * (reported). */
static bool group_commit(ingest_run *run) {
  bool ok = true;
  cchc_error err = {0};
  if (run->open && cchc_store_commit(run->ctx->store, &err) != CCHC_OK)
    ok = group_again(run);
  else
    for (size_t i = 0; i < run->ngroup; i++)
      count_stored(run, run->group[i].index, &run->group[i].plan.res);
  run->open = false;
  group_clear(run);
  return ok;
}

static bool group_due(const ingest_run *run) {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  long long ms = (now.tv_sec - run->started.tv_sec) * 1000LL +
                 (now.tv_nsec - run->started.tv_nsec) / 1000000;
  return run->ngroup >= BATCH_PLANS || ms >= BATCH_MS;
}

/* File `index`, run through the pipeline (`plan`, taken over; without a
 * frame when stored already), into the open group; the group committed
 * when due.  False when the store failed (reported). */
static bool group_put(ingest_run *run, size_t index, plan_job *plan) {
  cchc_store *store = run->ctx->store;
  cchc_error err = {0};
  pending *grown = run->group;
  if (run->ngroup == run->capgroup) {
    size_t cap = run->capgroup ? run->capgroup * 2 : BATCH_PLANS;
    if ((grown = realloc(run->group, cap * sizeof *grown)))
      run->capgroup = cap;
  }
  if (!grown) {
    plan_release(plan);
    set_error(&err, CCHC_ERR_NOMEM, "out of memory");
    store_failed(run, index, &err);
    return false;
  }
  run->group = grown;
  pending *p = &run->group[run->ngroup++];
  *p = (pending){index, *plan};
  memset(plan, 0, sizeof *plan);
  /* the input is needed no more: only an error's line would read it */
  free(p->plan.owned);
  p->plan.owned = NULL;
  p->plan.data = NULL;
  bool put = p->plan.frame != NULL;
  if (put && !run->open) {
    if (cchc_store_begin(store, &err) != CCHC_OK) {
      group_clear(run);
      store_failed(run, index, &err);
      return false;
    }
    run->open = true;
    clock_gettime(CLOCK_MONOTONIC, &run->started);
  }
  if (put && plan_put(run->ctx, &p->plan) != CCHC_OK) {
    /* the group was rolled back with it */
    run->open = false;
    bool ok = group_again(run);
    group_clear(run);
    return ok;
  }
  return !group_due(run) || group_commit(run);
}

static void ingest_prepare(void *ctx, size_t i, void *job) {
  ingest_run *run = ctx;
  plan_job *p = job;
  p->path = run->files->items[i];
  if (!cli_read_file(p->path, &p->owned, &p->len, &p->err)) {
    p->st = p->err.code;
    return;
  }
  p->data = p->owned;
  plan_check(run->ctx, p);
}

static void ingest_work(void *ctx, void *job) {
  const ingest_run *run = ctx;
  plan_process(run->ctx->rules, job);
}

static void ingest_discard(void *ctx, void *job) { plan_release(job); }

/* A plan into the open group, in input order; false when the store failed
 * and the batch stops. */
static bool ingest_finish(void *ctx, size_t i, void *job) {
  ingest_run *run = ctx;
  plan_job *p = job;
  if (run->progress)
    fprintf(stderr, "\r\033[K[%zu/%zu] %s", i + 1, run->files->n, p->path);
  if (p->st != CCHC_OK && run->progress)
    fputs("\r\033[K", stderr);
  if (p->st == CCHC_OK) {
    group_put(run, i, p);
  } else if (p->st == CCHC_ERR_INTERNAL || p->st == CCHC_ERR_NOMEM) {
    /* The store itself failed: the plans of the group are stored first,
     * then this one failed. */
    if (group_commit(run))
      store_failed(run, i, &p->err);
  } else {
    if (!p->err.message[0])
      snprintf(p->err.message, sizeof p->err.message, "%s",
               cchc_status_name(p->st));
    cli_report(p->path, p->data, p->len, &p->err);
    run->failed++;
  }
  plan_release(p);
  return !run->stopped;
}

/* Store every file of the batch on `jobs` threads; the last line counts
 * the outcomes.  `failed` counts the directories that could not be
 * read. */
static int ingest_batch(cli_ctx *ctx, const cli_paths *files, size_t failed,
                        unsigned jobs, bool verbose) {
  if (!cli_rules(ctx) || !cli_store(ctx, true))
    return EXIT_USAGE;
  ingest_run run = {.ctx = ctx,
                    .files = files,
                    .verbose = verbose,
                    .progress = isatty(2),
                    .failed = failed};
  clock_gettime(CLOCK_MONOTONIC, &run.started);
  /* Twice extract's room per worker: finishing a plan here sometimes
   * commits its group (a sync of the WAL, and every 32 MB a checkpoint
   * with a sync of the database), and the workers go on meanwhile; with
   * 8 they ran out of plans in some of those waits. */
  cli_batch batch = {.n = files->n,
                     .jobs = jobs,
                     .job_size = sizeof(plan_job),
                     .slots_per_worker = 16,
                     .ctx = &run,
                     .prepare = ingest_prepare,
                     .work = ingest_work,
                     .finish = ingest_finish,
                     .discard = ingest_discard};
  bool ran = cli_batch_run(&batch);
  if (!run.stopped)
    group_commit(&run);
  group_clear(&run);
  free(run.group);
  if (run.progress && files->n)
    fputs("\r\033[K", stderr);
  int rc = !ran || run.stopped ? EXIT_USAGE
           : run.failed       ? EXIT_INPUT
                              : EXIT_OK;
  printf("%zu added, %zu unchanged, %zu new versions, %zu failed", run.added,
         run.unchanged, run.versions, run.failed);
  if (run.untried)
    printf(", %zu not tried", run.untried);
  putchar('\n');
  if (fflush(stdout) != 0)
    rc = EXIT_USAGE;
  return rc;
}

/* --settle MS. */
typedef struct settle_arg {
  long ms;
  bool given;
} settle_arg;

static bool parse_settle(const cli_ctx *ctx, const char *arg, void *out) {
  settle_arg *settle = out;
  char *end;
  errno = 0;
  long ms = strtol(arg, &end, 10);
  if (errno || end == arg || *end || ms < 0 || ms > 3600000) {
    cli_errorf("ingest: --settle wants milliseconds from 0 to 3600000, "
               "not '%s'",
               arg);
    return false;
  }
  settle->ms = ms;
  settle->given = true;
  return true;
}

int cmd_ingest(cli_ctx *ctx, int argc, char **argv) {
  const char *watch = NULL;
  settle_arg settle = {.ms = 2000};
  unsigned jobs = cli_default_jobs();
  unsigned verbose = 0;
  const cli_option options[] = {OPT_STRING(0, "watch", &watch),
                                OPT_CALLBACK(0, "settle", &settle,
                                             parse_settle),
                                OPT_CALLBACK('j', "jobs", &jobs,
                                             cli_parse_jobs),
                                OPT_FLAG('v', "verbose", &verbose, 1),
                                OPT_END()};
  int rc, first = cli_parse_options(ctx, argc, argv, options, ingest_help, &rc);
  if (first < 0)
    return rc;
  if (settle.given && !watch) {
    cli_errorf("ingest: --settle goes with --watch");
    return EXIT_USAGE;
  }
  if (watch) {
    if (first < argc) {
      cli_errorf("ingest: --watch takes one directory and no other inputs");
      return EXIT_USAGE;
    }
    struct stat st;
    if (stat(watch, &st) != 0 || !S_ISDIR(st.st_mode)) {
      cli_errorf("%s: not a directory", watch);
      return EXIT_USAGE;
    }
    if (!cli_rules(ctx) || !cli_store(ctx, true))
      return EXIT_USAGE;
    return watch_dir(ctx, watch, settle.ms);
  }
  if (first >= argc) {
    cli_errorf("ingest: give the plans to store (files or directories)");
    fputs(ingest_help, stderr);
    return EXIT_USAGE;
  }

  size_t failed = 0;
  cli_paths files = {0};
  if (!cli_collect_inputs(argv + first, argc - first, &files, &failed))
    return EXIT_USAGE;
  rc = ingest_batch(ctx, &files, failed, jobs, verbose != 0);
  cli_paths_free(&files);
  return rc;
}
