/* cmd_list.c: cchc list [--db PATH] */
#define _GNU_SOURCE
#include "cli.h"

#include <stdlib.h>
#include <string.h>

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

/* The table in aligned columns, then the count; false on a write error. */
static bool print_table(const table *t) {
  size_t w[NCOLS];
  for (int k = 0; k < NCOLS; k++) {
    w[k] = width(headers[k]);
    for (size_t r = 0; r < t->rows; r++) {
      size_t x = width(t->cells[r * NCOLS + k]);
      if (x > w[k])
        w[k] = x;
    }
  }
  for (int k = 0; k < NCOLS; k++)
    print_cell(headers[k], w[k], k >= FIRST_NUMBER, k == NCOLS - 1);
  putchar('\n');
  for (size_t r = 0; r < t->rows; r++) {
    for (int k = 0; k < NCOLS; k++)
      print_cell(t->cells[r * NCOLS + k], w[k], k >= FIRST_NUMBER,
                 k == NCOLS - 1);
    putchar('\n');
  }
  printf("%zu plan%s, %zu target%s, %zu unclassified\n", t->rows,
         t->rows == 1 ? "" : "s", t->targets, t->targets == 1 ? "" : "s",
         t->unclassified);
  if (fflush(stdout) != 0) {
    cli_errorf("<stdout>: write error");
    return false;
  }
  return true;
}

int cmd_list(cli_ctx *ctx, int argc, char **argv) {
  int rc, first = cli_parse_options(ctx, argc, argv, NULL, list_help, &rc);
  if (first < 0)
    return rc;
  if (!cli_no_operands(ctx, argc, argv, first))
    return EXIT_USAGE;
  cchc_store *store = cli_store(ctx, false);
  if (!store)
    return EXIT_USAGE;
  cchc_error err = {0};
  table t = {0};
  rc = EXIT_OK;
  if (cchc_store_each_plan(store, add_row, &t, &err) != CCHC_OK) {
    cli_report(ctx->db, NULL, 0, &err);
    rc = EXIT_USAGE;
    goto done;
  }
  if (t.failed) {
    cli_errorf("out of memory");
    rc = EXIT_USAGE;
    goto done;
  }
  if (!print_table(&t))
    rc = EXIT_USAGE;
done:
  for (size_t i = 0; i < t.rows * NCOLS; i++)
    free(t.cells[i]);
  free(t.cells);
  return rc;
}
