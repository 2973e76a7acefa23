/* cmd_ingest.c: cchc ingest [--db PATH] [--rules DIR] FILE|DIR... */
#define _GNU_SOURCE
#include "cli.h"

#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <sys/inotify.h>
#include <sys/signalfd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char ingest_help[] =
    "usage: cchc ingest [--db PATH] [--rules DIR] FILE|DIR...\n"
    "       cchc ingest [--db PATH] [--rules DIR] --watch DIR\n"
    "\n"
    "Extract the task frame of each plan and store it: the whole frame plus\n"
    "rows for the document, its targets, deadlines, tasks (with their lead\n"
    "and coordinating units) and references.  Directories are searched\n"
    "recursively for *.txt files, taken in sorted order.\n"
    "\n"
    "  --db PATH     the store (default: $CCHC_DB, else ./cchc.db)\n"
    "  --rules DIR   the rules directory (default: $CCHC_RULES, else rules/)\n"
    "\n"
    "Each plan is stored in one transaction: a crash leaves no half-stored\n"
    "plan.  A plan whose content is already stored under the same path is\n"
    "left alone; new content under a stored path becomes a new version (the\n"
    "old one is kept).  A bad file is reported as 'cchc: FILE:LINE: message'\n"
    "and the others are still stored; the exit code is then 1.  The last line\n"
    "counts the files added, unchanged, stored as new versions and failed.\n"
    "\n"
    "  --watch DIR   a drop folder: store the *.txt plans already in DIR, then\n"
    "                each one that lands in it once completely written (closed\n"
    "                after writing, or moved in), one line per file on standard\n"
    "                output.  A file that fails is moved to DIR/rejected/ with\n"
    "                NAME.reason beside it.  Stops on SIGINT or SIGTERM.\n";

typedef struct file_list {
  char **items;
  size_t n, cap;
} file_list;

static bool list_push(file_list *l, char *s) {
  if (!s)
    return false;
  if (l->n == l->cap) {
    size_t cap = l->cap ? l->cap * 2 : 64;
    char **items = realloc(l->items, cap * sizeof *items);
    if (!items) {
      free(s);
      return false;
    }
    l->items = items;
    l->cap = cap;
  }
  l->items[l->n++] = s;
  return true;
}

static void list_free(file_list *l) {
  for (size_t i = 0; i < l->n; i++)
    free(l->items[i]);
  free(l->items);
}

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool has_txt_suffix(const char *name) {
  size_t l = strlen(name);
  return l > 4 && strcmp(name + l - 4, ".txt") == 0;
}

/* Add the *.txt files under `dir` (recursively, sorted, hidden entries
 * skipped).  Returns false on out of memory; unreadable directories are
 * reported and counted in *failed. */
static bool collect_dir(const char *dir, file_list *out, size_t *failed) {
  DIR *d = opendir(dir);
  if (!d) {
    cli_errorf("%s: cannot open directory: %s", dir, strerror(errno));
    (*failed)++;
    return true;
  }
  file_list here = {0};
  bool ok = true;
  struct dirent *e;
  while (ok && (e = readdir(d))) {
    if (e->d_name[0] == '.')
      continue;
    char *p = NULL;
    if (asprintf(&p, "%s/%s", dir, e->d_name) < 0) {
      ok = false;
      break;
    }
    ok = list_push(&here, p);
  }
  closedir(d);
  if (ok)
    qsort(here.items, here.n, sizeof *here.items, cmp_str);
  for (size_t i = 0; ok && i < here.n; i++) {
    struct stat st;
    if (stat(here.items[i], &st) != 0)
      continue;
    if (S_ISDIR(st.st_mode))
      ok = collect_dir(here.items[i], out, failed);
    else if (S_ISREG(st.st_mode) && has_txt_suffix(here.items[i])) {
      ok = list_push(out, here.items[i]);
      here.items[i] = NULL;
    }
  }
  list_free(&here);
  return ok;
}

/* The key of a plan in the store: its absolute path when it can be
 * resolved, so that "x.txt" and "./x.txt" are the same plan. */
static char *plan_key(const char *path) {
  char *real = realpath(path, NULL);
  return real ? real : strdup(path);
}

/* Read the plan `path` into *data (the caller frees it) and store it:
 * hashed once, checked against the store, and run through the pipeline
 * only when its content is new. */
static cchc_status ingest_file(cli_ctx *ctx, const char *path, char **data,
                               size_t *len, cchc_ingest_result *res,
                               cchc_error *err) {
  if (!cli_read_file(path, data, len, err))
    return err->code;
  char *key = plan_key(path);
  if (!key)
    return CCHC_ERR_NOMEM;
  char sha[65];
  cchc_frame *frame = NULL;
  cchc_status st;
  if ((st = cchc_sha256_hex(*data, *len, sha, err)) == CCHC_OK &&
      (st = cchc_store_check(ctx->store, key, sha, res, err)) == CCHC_OK &&
      res->outcome != CCHC_INGEST_UNCHANGED) {
    cchc_process_options opt = {.path = key, .sha256 = sha};
    if ((st = cchc_process(ctx->rules, *data, *len, &opt, &frame, err)) ==
        CCHC_OK)
      st = cchc_store_put(ctx->store, frame, res, err);
  }
  cchc_frame_free(frame);
  free(key);
  return st;
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

/* Move a failed drop to DIR/rejected/NAME and write NAME.reason. */
static void reject(const char *dir, const char *name, const char *reason) {
  char *to = NULL, *why = NULL, *from = NULL;
  if (asprintf(&from, "%s/%s", dir, name) < 0)
    from = NULL;
  if (asprintf(&to, "%s/rejected/%s", dir, name) < 0)
    to = NULL;
  if (asprintf(&why, "%s/rejected/%s.reason", dir, name) < 0)
    why = NULL;
  if (from && to && why) {
    FILE *fp = fopen(why, "w");
    if (fp) {
      fprintf(fp, "%s\n", reason);
      if (fclose(fp) != 0)
        cli_errorf("%s: cannot write: %s", why, strerror(errno));
    } else {
      cli_errorf("%s: cannot write: %s", why, strerror(errno));
    }
    if (rename(from, to) != 0)
      cli_errorf("%s: cannot move to %s: %s", from, to, strerror(errno));
  }
  free(from);
  free(to);
  free(why);
}

/* Ingest one dropped file DIR/NAME and log one line.  Returns false when
 * the store failed (the watch cannot go on). */
static bool watch_one(cli_ctx *ctx, const char *dir, const char *name) {
  char *path = NULL;
  if (asprintf(&path, "%s/%s", dir, name) < 0)
    return false;
  char *data = NULL;
  size_t len = 0;
  cchc_error err = {0};
  cchc_ingest_result res;
  cchc_status st = ingest_file(ctx, path, &data, &len, &res, &err);
  bool ok = true;
  if (st == CCHC_OK) {
    if (res.outcome == CCHC_INGEST_UNCHANGED)
      printf("unchanged %s\n", path);
    else
      printf("%s %s: version %d, %zu targets, %zu tasks\n",
             res.outcome == CCHC_INGEST_ADDED ? "added" : "new-version", path,
             res.version, res.targets, res.tasks);
  } else if (st == CCHC_ERR_INTERNAL || st == CCHC_ERR_NOMEM) {
    cli_report(ctx->db, NULL, 0, &err);
    ok = false;
  } else {
    if (!err.message[0])
      snprintf(err.message, sizeof err.message, "%s", cchc_status_name(st));
    char reason[700];
    unsigned line = line_at(data, len, &err);
    if (line)
      snprintf(reason, sizeof reason, "%s:%u: %s", name, line, err.message);
    else
      snprintf(reason, sizeof reason, "%s: %s", name, err.message);
    reject(dir, name, reason);
    printf("rejected %s: %s\n", path, reason);
  }
  fflush(stdout);
  free(data);
  free(path);
  return ok;
}

static bool watchable(const char *name) {
  return name[0] != '.' && has_txt_suffix(name);
}

/* Store the plans dropped into `dir` (with the store and rules set up)
 * until SIGINT or SIGTERM. */
static int watch_dir(cli_ctx *ctx, const char *dir) {
  sigset_t mask, old;
  sigemptyset(&mask);
  sigaddset(&mask, SIGINT);
  sigaddset(&mask, SIGTERM);
  if (sigprocmask(SIG_BLOCK, &mask, &old) != 0) {
    cli_errorf("watch: cannot block signals: %s", strerror(errno));
    return EXIT_USAGE;
  }
  int rc = EXIT_OK;
  int sfd = signalfd(-1, &mask, SFD_CLOEXEC);
  int ifd = inotify_init1(IN_CLOEXEC);
  char *rejected = NULL;
  if (sfd < 0 || ifd < 0) {
    cli_errorf("watch: %s", strerror(errno));
    rc = EXIT_USAGE;
    goto done;
  }
  if (inotify_add_watch(ifd, dir, IN_CLOSE_WRITE | IN_MOVED_TO |
                                      IN_ONLYDIR) < 0) {
    cli_errorf("%s: cannot watch: %s", dir, strerror(errno));
    rc = EXIT_USAGE;
    goto done;
  }
  if (asprintf(&rejected, "%s/rejected", dir) < 0 ||
      (mkdir(rejected, 0777) != 0 && errno != EEXIST)) {
    cli_errorf("%s/rejected: cannot create: %s", dir, strerror(errno));
    rc = EXIT_USAGE;
    goto done;
  }
  /* The plans already there (a file landing now may be seen twice: the
   * second time it is unchanged). */
  DIR *d = opendir(dir);
  if (d) {
    file_list names = {0};
    struct dirent *e;
    bool ok = true;
    while (ok && (e = readdir(d)))
      if (watchable(e->d_name))
        ok = list_push(&names, strdup(e->d_name));
    closedir(d);
    qsort(names.items, names.n, sizeof *names.items, cmp_str);
    for (size_t i = 0; ok && i < names.n; i++) {
      char *p = NULL;
      struct stat st;
      if (asprintf(&p, "%s/%s", dir, names.items[i]) >= 0 &&
          stat(p, &st) == 0 && S_ISREG(st.st_mode))
        ok = watch_one(ctx, dir, names.items[i]);
      free(p);
    }
    list_free(&names);
    if (!ok) {
      rc = EXIT_USAGE;
      goto done;
    }
  }
  fprintf(stderr, "cchc: watching %s (stop with Ctrl-C)\n", dir);

  for (;;) {
    struct pollfd fds[2] = {{sfd, POLLIN, 0}, {ifd, POLLIN, 0}};
    if (poll(fds, 2, -1) < 0) {
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
    bool ok = true;
    for (char *p = buf; ok && p < buf + n;) {
      const struct inotify_event *ev = (const struct inotify_event *)p;
      p += sizeof *ev + ev->len;
      if (ev->mask & IN_Q_OVERFLOW)
        cli_errorf("watch: events were lost; restart to pick up files "
                   "already in %s",
                   dir);
      if (ev->len && !(ev->mask & IN_ISDIR) && watchable(ev->name))
        ok = watch_one(ctx, dir, ev->name);
    }
    if (!ok) {
      rc = EXIT_USAGE;
      break;
    }
  }
done:
  free(rejected);
  if (ifd >= 0)
    close(ifd);
  if (sfd >= 0)
    close(sfd);
  sigprocmask(SIG_SETMASK, &old, NULL);
  return rc;
}

/* Store every file of the batch; the last line counts the outcomes. */
static int ingest_batch(cli_ctx *ctx, const file_list *files,
                        size_t failed) {
  size_t added = 0, unchanged = 0, versions = 0;
  if (!cli_rules(ctx) || !cli_store(ctx, true))
    return EXIT_USAGE;
  int rc = EXIT_OK;
  bool progress = isatty(2);
  for (size_t i = 0; i < files->n; i++) {
    const char *path = files->items[i];
    if (progress)
      fprintf(stderr, "\r\033[K[%zu/%zu] %s", i + 1, files->n, path);
    char *data = NULL;
    size_t len = 0;
    cchc_ingest_result res;
    cchc_error err = {0};
    cchc_status st = ingest_file(ctx, path, &data, &len, &res, &err);
    if (st != CCHC_OK && progress)
      fputs("\r\033[K", stderr);
    if (st == CCHC_OK) {
      if (res.outcome == CCHC_INGEST_ADDED)
        added++;
      else if (res.outcome == CCHC_INGEST_UNCHANGED)
        unchanged++;
      else
        versions++;
    } else if (st == CCHC_ERR_INTERNAL || st == CCHC_ERR_NOMEM) {
      /* The store itself failed: the batch cannot go on. */
      cli_report(ctx->db, NULL, 0, &err);
      failed += files->n - i;
      rc = EXIT_USAGE;
      free(data);
      break;
    } else {
      if (!err.message[0])
        snprintf(err.message, sizeof err.message, "%s",
                 cchc_status_name(st));
      cli_report(path, data, len, &err);
      failed++;
    }
    free(data);
  }
  if (progress && files->n)
    fputs("\r\033[K", stderr);
  if (failed && rc == EXIT_OK)
    rc = EXIT_INPUT;
  printf("%zu added, %zu unchanged, %zu new versions, %zu failed\n", added,
         unchanged, versions, failed);
  if (fflush(stdout) != 0)
    rc = EXIT_USAGE;
  return rc;
}

int cmd_ingest(cli_ctx *ctx, int argc, char **argv) {
  const char *watch = NULL;
  const cli_option options[] = {OPT_STRING(0, "watch", &watch), OPT_END()};
  int rc, first = cli_parse_options(ctx, argc, argv, options, ingest_help, &rc);
  if (first < 0)
    return rc;
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
    return watch_dir(ctx, watch);
  }
  if (first >= argc) {
    cli_errorf("ingest: give the plans to store (files or directories)");
    fputs(ingest_help, stderr);
    return EXIT_USAGE;
  }
  size_t failed = 0;
  file_list files = {0};
  for (int i = first; i < argc; i++) {
    struct stat st;
    bool ok;
    if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode))
      ok = collect_dir(argv[i], &files, &failed);
    else
      ok = list_push(&files, strdup(argv[i]));
    if (!ok) {
      cli_errorf("out of memory");
      list_free(&files);
      return EXIT_USAGE;
    }
  }
  rc = ingest_batch(ctx, &files, failed);
  list_free(&files);
  return rc;
}
