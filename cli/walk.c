/* walk.c: the inputs of a batch (extract, ingest): files as named, and
 * the *.txt files under the directories named, in sorted order; the walk
 * follows no symbolic link and enters no directory twice. */
#define _GNU_SOURCE
#include "cli.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

bool cli_paths_push(cli_paths *l, char *s) {
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

void cli_paths_free(cli_paths *l) {
  for (size_t i = 0; i < l->n; i++)
    free(l->items[i]);
  free(l->items);
  memset(l, 0, sizeof *l);
}

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

bool cli_has_txt_suffix(const char *name) {
  size_t l = strlen(name);
  return l > 4 && strcmp(name + l - 4, ".txt") == 0;
}

char *cli_path_in(const char *dir, const char *name) {
  char *s = NULL;
  if (asprintf(&s, "%s/%s", dir, name) < 0)
    return NULL;
  return s;
}

bool cli_dir_names(DIR *d, bool (*keep)(const char *name), cli_paths *out) {
  struct dirent *e;
  bool ok = true;
  while (ok && (e = readdir(d)))
    if (keep(e->d_name))
      ok = cli_paths_push(out, strdup(e->d_name));
  if (ok && out->n) /* an empty list has no array to sort */
    qsort(out->items, out->n, sizeof *out->items, cmp_str);
  return ok;
}

/* "cchc: note: PATH: message" with the path escaped. */
static void note_path(const char *path, const char *message) {
  char *shown = cli_escape(path);
  cli_errorf("note: %s: %s", shown ? shown : path, message);
  free(shown);
}

/* The directories a walk has entered, by device and inode. */
typedef struct dir_set {
  struct dir_id {
    dev_t dev;
    ino_t ino;
  } *items;
  size_t n, cap;
} dir_set;

/* Add the directory `st` describes; false when it was there already, or
 * when out of memory (*oom). */
static bool dir_set_add(dir_set *s, const struct stat *st, bool *oom) {
  for (size_t i = 0; i < s->n; i++)
    if (s->items[i].dev == st->st_dev && s->items[i].ino == st->st_ino)
      return false;
  if (s->n == s->cap) {
    size_t cap = s->cap ? s->cap * 2 : 32;
    struct dir_id *items = realloc(s->items, cap * sizeof *items);
    if (!items) {
      *oom = true;
      return false;
    }
    s->items = items;
    s->cap = cap;
  }
  s->items[s->n++] = (struct dir_id){st->st_dev, st->st_ino};
  return true;
}

static bool not_hidden(const char *name) { return name[0] != '.'; }

/* Add the *.txt files under `dir` (recursively, sorted, hidden entries
 * skipped).  A directory named by the user may be a symbolic link; below
 * it no link is followed, to a directory or a file (two links to "." made
 * the walk exponential), and a directory already in `seen` (the same one
 * named twice, a bind mount) is not walked again.  Returns false on out of
 * memory; unreadable directories are reported and counted in *failed. */
static bool collect_dir(const char *dir, bool named, dir_set *seen,
                        cli_paths *out, size_t *failed) {
  /* O_NOFOLLOW: a directory swapped for a link after lstat is not entered
   * either. */
  int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC |
                         (named ? 0 : O_NOFOLLOW));
  struct stat st;
  DIR *d = NULL;
  if (fd < 0 || fstat(fd, &st) != 0 || !(d = fdopendir(fd))) {
    cli_errorf("%s: cannot open directory: %s", dir, strerror(errno));
    if (fd >= 0)
      close(fd);
    (*failed)++;
    return true;
  }
  bool oom = false;
  if (!dir_set_add(seen, &st, &oom)) {
    closedir(d);
    return !oom;
  }
  cli_paths names = {0};
  bool ok = cli_dir_names(d, not_hidden, &names);
  closedir(d);
  for (size_t i = 0; ok && i < names.n; i++) {
    char *p = cli_path_in(dir, names.items[i]);
    if (!p) {
      ok = false;
      break;
    }
    struct stat est, target;
    if (lstat(p, &est) != 0) {
      free(p);
      continue;
    }
    if (S_ISLNK(est.st_mode)) {
      if (cli_has_txt_suffix(p) ||
          (stat(p, &target) == 0 && S_ISDIR(target.st_mode)))
        note_path(p, "a symbolic link, not followed");
      free(p);
    } else if (S_ISDIR(est.st_mode)) {
      ok = collect_dir(p, false, seen, out, failed);
      free(p);
    } else if (S_ISREG(est.st_mode) && cli_has_txt_suffix(p)) {
      ok = cli_paths_push(out, p);
    } else {
      free(p);
    }
  }
  cli_paths_free(&names);
  return ok;
}

bool cli_collect_inputs(char **operands, int n, cli_paths *out,
                        size_t *failed) {
  dir_set walked = {0};
  bool ok = true;
  for (int i = 0; ok && i < n; i++) {
    struct stat st;
    if (strcmp(operands[i], "-") && stat(operands[i], &st) == 0 &&
        S_ISDIR(st.st_mode))
      ok = collect_dir(operands[i], true, &walked, out, failed);
    else
      ok = cli_paths_push(out, strdup(operands[i]));
  }
  free(walked.items);
  if (!ok) {
    cli_errorf("out of memory");
    cli_paths_free(out);
  }
  return ok;
}
