/* forms_tool.c: how far the frame of each corpus plan moves when the plan
 * is written in another surface form (issue 12, point 5).  Prints the
 * number of differing paths per transformation and plan (0: the same
 * frame), a score of `cchc eval` on the copies where a gold file exists,
 * and the most common kinds of differences.  See `forms -h`. */
#define _GNU_SOURCE
#include "forms.h"
#include "harness.h"

#include <getopt.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char usage[] =
    "usage: forms [-v] [-s SEED] [-t NAME,...] [-m METRIC] [-k N] [-w DIR]\n"
    "             [--rules DIR] [SHARED]\n"
    "\n"
    "Applies each transformation alone to every plan of SHARED/corpus and\n"
    "SHARED/corpus/province-national (SHARED: ../shared) and compares the\n"
    "frames apart from spans.\n"
    "\n"
    "  -v          list the differing paths of each plan and transformation\n"
    "  -s SEED     seed of the transformations (default 1)\n"
    "  -t NAMES    only these transformations (comma-separated)\n"
    "  -m METRIC   cchc eval metric on the copies (default tasks.f1)\n"
    "  -k N        the N most common kinds of differences (default 10)\n"
    "  -w DIR      also write each copy to DIR/TRANSFORMATION/PLAN.txt\n"
    "  --rules DIR rules directory (default: rules)\n"
    "\n"
    "Exit status: 0 when every plan was measured, 1 when a plan could not\n"
    "be read or extracted, 2 on a usage error.\n";

typedef struct options {
  bool verbose;
  uint64_t seed;
  const char *only, *metric, *write_dir, *rules_dir;
  int top;
} options;

/* Parse argv into *o; returns -1 to go on, else the exit status. */
static int parse_options(int argc, char **argv, options *o) {
  enum { OPT_RULES = 256 };
  static const struct option longopts[] = {
      {"rules", required_argument, NULL, OPT_RULES},
      {"help", no_argument, NULL, 'h'},
      {NULL, 0, NULL, 0}};
  *o = (options){false, FORMS_DEFAULT_SEED, NULL, "tasks.f1", NULL, "rules",
                 10};
  int c;
  while ((c = getopt_long(argc, argv, "vs:t:m:k:w:h", longopts, NULL)) != -1) {
    switch (c) {
    case 'v':
      o->verbose = true;
      break;
    case 's':
      o->seed = strtoull(optarg, NULL, 10);
      break;
    case 't':
      o->only = optarg;
      break;
    case 'm':
      o->metric = optarg;
      break;
    case 'k':
      o->top = atoi(optarg);
      break;
    case 'w':
      o->write_dir = optarg;
      break;
    case OPT_RULES:
      o->rules_dir = optarg;
      break;
    case 'h':
      fputs(usage, stdout);
      return 0;
    default:
      fputs(usage, stderr);
      return 2;
    }
  }
  if (optind < argc)
    setenv("CCHC_SHARED", argv[optind], 1);
  for (const char *p = o->only; p && *p;) {
    size_t n = strcspn(p, ",");
    char name[64];
    snprintf(name, sizeof name, "%.*s", (int)n, p);
    if (!forms_find(name)) {
      fprintf(stderr, "forms: unknown transformation '%s'\n", name);
      return 2;
    }
    p += n + (p[n] == ',');
  }
  return -1;
}

static bool selected(const options *o, const char *name) {
  if (!o->only)
    return true;
  size_t n = strlen(name);
  for (const char *p = o->only; (p = strstr(p, name)); p += n)
    if ((p == o->only || p[-1] == ',') && (p[n] == ',' || !p[n]))
      return true;
  return false;
}

/* "000_343475c610832db2" from ".../000_343475c610832db2.txt". */
static char *plan_name(const char *path) {
  const char *base = strrchr(path, '/');
  base = base ? base + 1 : path;
  const char *dot = strrchr(base, '.');
  return strndup(base, dot ? (size_t)(dot - base) : strlen(base));
}

/* The short label of a plan in tables: its name up to the first '_'. */
static int label_len(const char *name) { return (int)strcspn(name, "_"); }

/* Score of `metric` of one frame (as JSON) against its gold file, NaN
 * without one. */
static double score(const options *o, const char *gold, size_t gold_len,
                    const char *json, size_t len) {
  double s = NAN;
  cchc_frame *frame = NULL;
  cchc_eval *ev = NULL;
  if (!gold || cchc_frame_from_json(json, len, &frame, NULL) != CCHC_OK)
    goto cleanup;
  ev = cchc_eval_new();
  if (ev && cchc_eval_add(ev, NULL, frame, gold, gold_len, NULL) == CCHC_OK)
    s = cchc_eval_score(ev, o->metric);
cleanup:
  cchc_eval_free(ev);
  cchc_frame_free(frame);
  return s;
}

static void write_copy(const options *o, const char *transform,
                       const char *plan, const forms_bytes *copy) {
  char *dir = NULL, *path = NULL;
  if (asprintf(&dir, "%s/%s", o->write_dir, transform) >= 0 &&
      asprintf(&path, "%s/%s.txt", dir, plan) >= 0) {
    mkdir(o->write_dir, 0777);
    mkdir(dir, 0777);
    if (harness_write(path, copy->data, copy->len) != 0)
      fprintf(stderr, "forms: %s: cannot write\n", path);
  }
  free(dir);
  free(path);
}

/* Results: per transformation and plan, the count of differing paths (-1:
 * failed) and the score; per kind of difference, how many there were and
 * in how many cells (a JSON object kind -> [diffs, cells]). */
typedef struct results {
  size_t plans, transforms;
  long *diffs;
  double *scores, *base_scores;
  json_t *kinds;
} results;

static void count_kinds(results *r, const forms_diffs *d) {
  json_t *seen = json_object();
  for (size_t i = 0; i < d->n; i++) {
    char kind[512];
    forms_diff_kind_name(&d->item[i], kind, sizeof kind);
    json_t *c = json_object_get(r->kinds, kind);
    if (!c) {
      c = json_pack("[ii]", 0, 0);
      json_object_set_new(r->kinds, kind, c);
    }
    json_array_set_new(
        c, 0, json_integer(json_integer_value(json_array_get(c, 0)) + 1));
    if (!json_object_get(seen, kind)) {
      json_object_set_new(seen, kind, json_true());
      json_array_set_new(
          c, 1, json_integer(json_integer_value(json_array_get(c, 1)) + 1));
    }
  }
  json_decref(seen);
}

/* Measure one plan under every selected transformation. */
static bool measure_plan(const options *o, const forms_env *env,
                         const char *path, const char *name, size_t p,
                         results *r) {
  char *gold = NULL, *gold_path = NULL, *base = NULL;
  size_t len = 0, gold_len = 0, base_len = 0;
  char *data = harness_read(path, &len);
  cchc_error err = {0};
  bool ok =
      data && forms_frame(env, data, len, &base, &base_len, &err) == CCHC_OK;
  if (!ok) {
    fprintf(stderr, "forms: %s: %s\n", path,
            data ? err.message : "cannot read");
    goto cleanup;
  }
  if (asprintf(&gold_path, "%s/gold/%s.gold.json", harness_shared(), name) >= 0)
    gold = harness_read(gold_path, &gold_len);
  r->base_scores[p] = score(o, gold, gold_len, base, base_len);
  for (size_t t = 0; t < r->transforms; t++) {
    const forms_transform *tr = &forms_transforms[t];
    size_t cell = t * r->plans + p;
    forms_bytes copy = {0};
    forms_diffs diffs = {0};
    char *frame = NULL;
    size_t frame_len = 0;
    if (!selected(o, tr->name))
      continue;
    cchc_status st = forms_apply(env, tr, data, len, o->seed, &copy, &err);
    if (st == CCHC_OK && o->write_dir)
      write_copy(o, tr->name, name, &copy);
    if (st == CCHC_OK)
      st = forms_frame(env, copy.data, copy.len, &frame, &frame_len, &err);
    if (st == CCHC_OK)
      st = forms_compare(env, tr, base, base_len, frame, frame_len, &diffs,
                         &err);
    if (st == CCHC_OK) {
      r->diffs[cell] = (long)diffs.n;
      r->scores[cell] = score(o, gold, gold_len, frame, frame_len);
      count_kinds(r, &diffs);
    } else {
      fprintf(stderr, "forms: %s: %s: %s\n", path, tr->name, err.message);
      ok = false;
    }
    if (o->verbose && diffs.n) {
      printf("== %s %s: %zu\n", name, tr->name, diffs.n);
      for (size_t i = 0; i < diffs.n; i++) {
        char line[1024];
        forms_diff_line(&diffs.item[i], line, sizeof line);
        printf("  %s\n", line);
      }
    }
    forms_diffs_free(&diffs);
    free(frame);
    free(copy.data);
  }
cleanup:
  free(base);
  free(gold);
  free(gold_path);
  free(data);
  return ok;
}

/* A table: one row per selected transformation, one column per plan;
 * `put` writes a cell (a count, a score). */
static void print_table(const options *o, const results *r, char **names,
                        const char *title,
                        void (*put)(const results *, size_t t, size_t p)) {
  printf("\n%s\n%-11s", title, "");
  for (size_t p = 0; p < r->plans; p++)
    printf(" %5.*s", label_len(names[p]), names[p]);
  putchar('\n');
  for (size_t t = 0; t < r->transforms; t++) {
    if (!selected(o, forms_transforms[t].name))
      continue;
    printf("%-11s", forms_transforms[t].name);
    for (size_t p = 0; p < r->plans; p++)
      put(r, t, p);
    putchar('\n');
  }
}

static void put_diffs(const results *r, size_t t, size_t p) {
  long d = r->diffs[t * r->plans + p];
  if (d < 0)
    printf(" %5s", "fail");
  else
    printf(" %5ld", d);
}

static void put_score_of(double s) {
  if (isnan(s))
    printf(" %5s", "-");
  else
    printf(" %5.3f", s);
}

static void put_score(const results *r, size_t t, size_t p) {
  put_score_of(r->scores[t * r->plans + p]);
}

static int by_count(const void *a, const void *b) {
  json_int_t x = json_integer_value(json_array_get(*(json_t *const *)a, 1));
  json_int_t y = json_integer_value(json_array_get(*(json_t *const *)b, 1));
  return (y > x) - (y < x);
}

/* The most common kinds of differences: their count and in how many
 * cells (plan and transformation) they appear. */
static void print_kinds(const options *o, const results *r) {
  size_t n = json_object_size(r->kinds), k = 0;
  json_t **rows = calloc(n + 1, sizeof *rows), *v;
  const char *kind;
  json_object_foreach(r->kinds, kind, v) {
    rows[k++] =
        json_pack("[sOO]", kind, json_array_get(v, 0), json_array_get(v, 1));
  }
  qsort(rows, n, sizeof *rows, by_count);
  printf("\nmost common kinds of differences (of %zu): diffs, cells\n", n);
  for (size_t i = 0; i < n; i++) {
    if ((int)i < o->top)
      printf("  %6lld %4lld  %s\n",
             (long long)json_integer_value(json_array_get(rows[i], 1)),
             (long long)json_integer_value(json_array_get(rows[i], 2)),
             json_string_value(json_array_get(rows[i], 0)));
    json_decref(rows[i]);
  }
  free(rows);
}

int main(int argc, char **argv) {
  options o;
  int rc = parse_options(argc, argv, &o);
  if (rc >= 0)
    return rc;
  forms_env *env = NULL;
  cchc_error err = {0};
  if (forms_env_new(o.rules_dir, &env, &err) != CCHC_OK) {
    fprintf(stderr, "forms: %s%s%s\n", err.path, *err.path ? ": " : "",
            err.message);
    return 1;
  }
  char **plans = NULL;
  results r = {0};
  r.plans = harness_corpus_all(&plans);
  r.transforms = forms_transform_count;
  size_t cells = r.plans * r.transforms;
  r.diffs = malloc((cells + 1) * sizeof *r.diffs);
  r.scores = malloc((cells + 1) * sizeof *r.scores);
  r.base_scores = malloc((r.plans + 1) * sizeof *r.base_scores);
  r.kinds = json_object();
  char **names = calloc(r.plans + 1, sizeof *names);
  bool ready =
      r.plans && r.diffs && r.scores && r.base_scores && r.kinds && names;
  for (size_t p = 0; ready && p < r.plans; p++)
    ready = (names[p] = plan_name(plans[p])) != NULL;
  rc = ready ? 0 : 1;
  if (!ready)
    fprintf(stderr, "forms: no plans under %s/corpus\n", harness_shared());
  for (size_t i = 0; ready && i < cells; i++)
    r.diffs[i] = -1, r.scores[i] = NAN;
  for (size_t p = 0; ready && p < r.plans; p++)
    r.base_scores[p] = NAN;
  for (size_t p = 0; ready && p < r.plans; p++)
    if (!measure_plan(&o, env, plans[p], names[p], p, &r))
      rc = 1;
  if (ready) {
    printf("\nplans:\n");
    for (size_t p = 0; p < r.plans; p++)
      printf("  %-5.*s %s\n", label_len(names[p]), names[p], plans[p]);
    print_table(&o, &r, names,
                "differing paths of the frame (0: the same frame)", put_diffs);
    char title[128];
    snprintf(title, sizeof title, "%s of cchc eval on each copy (-: no gold)",
             o.metric);
    print_table(&o, &r, names, title, put_score);
    printf("%-11s", "original");
    for (size_t p = 0; p < r.plans; p++)
      put_score_of(r.base_scores[p]);
    putchar('\n');
    print_kinds(&o, &r);
  }
  if (fflush(stdout) != 0 || ferror(stdout)) {
    fprintf(stderr, "forms: write error\n");
    rc = 1;
  }
  for (size_t p = 0; names && p < r.plans; p++)
    free(names[p]);
  free(names);
  harness_free_list(plans, r.plans);
  free(r.diffs);
  free(r.scores);
  free(r.base_scores);
  json_decref(r.kinds);
  forms_env_free(env);
  return rc;
}
