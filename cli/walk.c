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

/* An entry of a directory: its name and, when the file system says, its
 * type (DT_UNKNOWN when not). */
typedef struct dir_entry {
  char *name;
  unsigned char type;
} dir_entry;

static int cmp_entry(const void *a, const void *b) {
  return strcmp(((const dir_entry *)a)->name, ((const dir_entry *)b)->name);
}

/* The entries of `d` not hidden, sorted by name, into *out (*n of them);
 * false when out of memory. */
static bool dir_entries(DIR *d, dir_entry **out, size_t *n) {
  dir_entry *v = NULL;
  size_t cap = 0;
  struct dirent *e;
  *n = 0;
  while ((e = readdir(d))) {
    if (e->d_name[0] == '.')
      continue;
    if (*n == cap) {
      size_t more = cap ? cap * 2 : 64;
      dir_entry *w = realloc(v, more * sizeof *w);
      if (!w)
        goto fail;
      v = w, cap = more;
    }
    if (!(v[*n].name = strdup(e->d_name)))
      goto fail;
    v[(*n)++].type = e->d_type;
  }
  if (*n) /* an empty list has no array to sort */
    qsort(v, *n, sizeof *v, cmp_entry);
  *out = v;
  return true;
fail:
  for (size_t i = 0; i < *n; i++)
    free(v[i].name);
  free(v);
  *n = 0;
  return false;
}

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
  dir_entry *names = NULL;
  size_t nnames = 0;
  bool ok = dir_entries(d, &names, &nnames);
  closedir(d);
  for (size_t i = 0; ok && i < nnames; i++) {
    /* The type the directory gives spares a regular file its lstat (a
     * call into the kernel per file, 2,000 of them before a batch could
     * start); only an entry of unknown type is asked. */
    unsigned char type = names[i].type;
    if (type == DT_REG && !cli_has_txt_suffix(names[i].name))
      continue;
    char *p = cli_path_in(dir, names[i].name);
    if (!p) {
      ok = false;
      break;
    }
    struct stat est, target;
    if (type == DT_REG) {
      est.st_mode = S_IFREG;
    } else if (type == DT_DIR) {
      est.st_mode = S_IFDIR;
    } else if (type == DT_LNK) {
      est.st_mode = S_IFLNK;
    } else if (type != DT_UNKNOWN || lstat(p, &est) != 0) {
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
  for (size_t i = 0; i < nnames; i++)
    free(names[i].name);
  free(names);
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
