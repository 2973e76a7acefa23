/* cmd_list.c: cchc list [--db PATH] */
#define _GNU_SOURCE
#include "cli.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char list_help[] =
    "usage: cchc list [--db PATH]\n"
    "\n"
    "List the plans in the store (the latest version of each), one row each:\n"
    "level, place, province, period, number, parent plan, and the numbers of\n"
    "targets, of targets without an indicator (unclassified: compare shows\n"
    "them by subject) and of tasks.  Unknown values are shown as '-'; the\n"
    "last line counts plans, targets and unclassified targets.\n"
    "\n"
    "  --db PATH     the store (default: $CCHC_DB, else ./cchc.db)\n";

enum { NCOLS = 9, FIRST_NUMBER = 6 };
static const char *const headers[NCOLS] = {
    "level", "place", "province", "period", "number", "parent", "targets",
    "unclassified", "tasks"};

typedef struct table {
  char **cells; /* rows * NCOLS */
  size_t rows, cap;
  size_t targets, unclassified; /* totals */
  bool failed;
} table;

static int add_row(void *ctx, const cchc_store_plan *p) {
  table *t = ctx;
  if (t->rows == t->cap) {
    size_t cap = t->cap ? t->cap * 2 : 32;
    char **cells = realloc(t->cells, cap * NCOLS * sizeof *cells);
    if (!cells) {
      t->failed = true;
      return 1;
    }
    t->cells = cells;
    t->cap = cap;
  }
  char **row = t->cells + t->rows * NCOLS;
  memset(row, 0, NCOLS * sizeof *row);
  t->rows++;
  const char *dash = "-";
  char period[64];
  if (p->period_start || p->period_end)
    snprintf(period, sizeof period, "%s..%s",
             p->period_start ? p->period_start : "?",
             p->period_end ? p->period_end : "?");
  else if (p->year)
    snprintf(period, sizeof period, "%d", p->year);
  else
    snprintf(period, sizeof period, "-");
  int ok = 1;
  ok &= (row[0] = strdup(p->level ? p->level : dash)) != NULL;
  ok &= (row[1] = strdup(p->place ? p->place : dash)) != NULL;
  ok &= (row[2] = strdup(p->province ? p->province : dash)) != NULL;
  ok &= (row[3] = strdup(period)) != NULL;
  ok &= (row[4] = strdup(p->number ? p->number : dash)) != NULL;
  if (p->parent_number && p->parent_date)
    ok &= asprintf(&row[5], "%s (%s)", p->parent_number, p->parent_date) >= 0;
  else
    ok &= (row[5] = strdup(p->parent_number ? p->parent_number : dash)) !=
          NULL;
  ok &= asprintf(&row[6], "%zu", p->targets) >= 0;
  ok &= asprintf(&row[7], "%zu", p->unclassified) >= 0;
  ok &= asprintf(&row[8], "%zu", p->tasks) >= 0;
  t->targets += p->targets;
  t->unclassified += p->unclassified;
  if (!ok) {
    t->failed = true;
    return 1;
  }
  return 0;
}

/* Display width: code points (Vietnamese in NFC is one column each). */
static size_t width(const char *s) {
  size_t w = 0;
  for (; s && *s; s++)
    if (((unsigned char)*s & 0xC0) != 0x80)
      w++;
  return w;
}

static void print_cell(const char *s, size_t w, bool right, bool last) {
  size_t pad = w - width(s);
  if (right)
    printf("%*s%s", (int)pad, "", s);
  else
    printf("%s%*s", s, last ? 0 : (int)pad, "");
  if (!last)
    fputs("  ", stdout);
}

int cmd_list(int argc, char **argv) {
  enum { OPT_DB = 256 };
  static const struct option longopts[] = {
      {"db", required_argument, NULL, OPT_DB},
      {"help", no_argument, NULL, 'h'},
      {NULL, 0, NULL, 0}};
  const char *db = cli_default_db();
  int c;
  optind = 1;
  while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
    switch (c) {
    case OPT_DB:
      db = optarg;
      break;
    case 'h':
      fputs(list_help, stdout);
      return fflush(stdout) == 0 ? EXIT_OK : EXIT_USAGE;
    default:
      fputs(list_help, stderr);
      return EXIT_USAGE;
    }
  }
  if (optind < argc) {
    cli_errorf("list: unexpected argument '%s'", argv[optind]);
    return EXIT_USAGE;
  }

  cchc_store *store = NULL;
  cchc_error err = {0};
  table t = {0};
  int rc = EXIT_OK;
  if (access(db, F_OK) != 0) {
    cli_errorf("%s: no store here; 'cchc ingest --db %s FILE...' makes one",
               db, db);
    return EXIT_USAGE;
  }
  if (cchc_store_open(db, &store, &err) != CCHC_OK) {
    cli_report(db, NULL, 0, &err);
    return EXIT_USAGE;
  }
  if (cchc_store_each_plan(store, add_row, &t, &err) != CCHC_OK) {
    cli_report(db, NULL, 0, &err);
    rc = EXIT_USAGE;
    goto done;
  }
  if (t.failed) {
    cli_errorf("out of memory");
    rc = EXIT_USAGE;
    goto done;
  }
  size_t w[NCOLS];
  for (int k = 0; k < NCOLS; k++) {
    w[k] = width(headers[k]);
    for (size_t r = 0; r < t.rows; r++) {
      size_t x = width(t.cells[r * NCOLS + k]);
      if (x > w[k])
        w[k] = x;
    }
  }
  for (int k = 0; k < NCOLS; k++)
    print_cell(headers[k], w[k], k >= FIRST_NUMBER, k == NCOLS - 1);
  putchar('\n');
  for (size_t r = 0; r < t.rows; r++) {
    for (int k = 0; k < NCOLS; k++)
      print_cell(t.cells[r * NCOLS + k], w[k], k >= FIRST_NUMBER,
                 k == NCOLS - 1);
    putchar('\n');
  }
  printf("%zu plan%s, %zu target%s, %zu unclassified\n", t.rows,
         t.rows == 1 ? "" : "s", t.targets, t.targets == 1 ? "" : "s",
         t.unclassified);
  if (fflush(stdout) != 0) {
    cli_errorf("<stdout>: write error");
    rc = EXIT_USAGE;
  }
done:
  for (size_t i = 0; i < t.rows * NCOLS; i++)
    free(t.cells[i]);
  free(t.cells);
  cchc_store_close(store);
  return rc;
}
