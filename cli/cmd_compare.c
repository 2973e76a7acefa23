/* cmd_compare.c: cchc compare [--db PATH] [--province P] [--year Y]
 * [--area A] [--indicator K] [-f table|csv|json] [-o OUT]
 *
 * cchc_compare_write makes the matrix from the store's tables (the latest
 * plans, filtered by province and year, the parent plans' columns first;
 * --area/--indicator) and writes it row by row to the output. */
#define _GNU_SOURCE
#include "cli.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static const char compare_help[] =
    "usage: cchc compare [--db PATH] [--province P] [--year Y] [--area A]\n"
    "                    [--indicator K]... [-f table|csv|json] [-o OUT]\n"
    "\n"
    "The stored plans side by side: one row per indicator key, one column per\n"
    "plan (the latest version of each), the plan that the others carry out\n"
    "first.  A cell is the target as written in plain form ('≥ 98%', '> 70%',\n"
    "'95–100%', '= 100%', '≥ 2' for counts; several different targets of one\n"
    "indicator joined with '; '), '-' when the plan sets none.  Targets\n"
    "without an indicator follow, one row per subject, '(unclassified) ...'\n"
    "(CSV: empty indicator and a subject column; JSON: indicator null).\n"
    "\n"
    "  --db PATH        the store (default: $CCHC_DB, else ./cchc.db)\n"
    "  --province P     only the plans of province P (case and accents as\n"
    "                   written or not: 'Đồng Nai', 'dong nai')\n"
    "  --year Y         only the plans of year Y\n"
    "  --area A         only the indicators of area A (the key's prefix:\n"
    "                   tthc, cqs, cong_vu, ...)\n"
    "  --indicator K    only indicator K (tthc.dung_han); may be repeated\n"
    "  -f, --format F   table (default), csv (UTF-8 with BOM, CRLF) or json\n"
    "  -o, --output OUT write to OUT (atomically) instead of standard output\n"
    "\n"
    "exit codes: 0 written; 2 usage error or failure; 3 no stored plan matches\n"
    "the --province/--year given (or the store is empty), or no stored target\n"
    "has the --area/--indicator given (the empty comparison is still written).\n";

static bool parse_year(const cli_ctx *ctx, const char *arg, void *out) {
  char *end;
  errno = 0;
  long v = strtol(arg, &end, 10);
  if (errno || end == arg || *end || v < 1900 || v > 2200) {
    cli_errorf("compare: --year wants a year such as 2026, not '%s'", arg);
    return false;
  }
  *(int *)out = (int)v;
  return true;
}

/* --indicator K, repeated. */
typedef struct keys {
  const char **items;
  size_t n;
} keys;

static bool add_indicator(const cli_ctx *ctx, const char *arg, void *out) {
  keys *k = out;
  const char **items = realloc(k->items, (k->n + 1) * sizeof *items);
  if (!items) {
    cli_errorf("out of memory");
    return false;
  }
  k->items = items;
  k->items[k->n++] = arg;
  return true;
}

int cmd_compare(cli_ctx *ctx, int argc, char **argv) {
  const char *province = NULL, *output = NULL, *area = NULL;
  int year = 0;
  cchc_report_format format = CCHC_REPORT_TABLE;
  keys inds = {0};
  const cli_option options[] = {
      OPT_STRING(0, "province", &province),
      OPT_CALLBACK(0, "year", &year, parse_year),
      OPT_STRING(0, "area", &area),
      OPT_CALLBACK(0, "indicator", &inds, add_indicator),
      OPT_CALLBACK('f', "format", &format, cli_parse_report_format),
      OPT_STRING('o', "output", &output),
      OPT_END()};
  int rc, first = cli_parse_options(ctx, argc, argv, options, compare_help, &rc);
  cchc_error err = {0};
  cchc_store *store = NULL;
  cli_out out;
  size_t columns = 0, rows = 0;
  if (first < 0)
    goto done;
  rc = EXIT_USAGE;
  if (first < argc) {
    cli_errorf("compare: unexpected argument '%s' (plans are read from the "
               "store; 'cchc ingest' them first)",
               argv[first]);
    goto done;
  }
  if (area && !*area)
    area = NULL;
  if (!(store = cli_store(ctx, false)) || !cli_out_open(&out, output))
    goto done;
  cchc_compare_options opt = {area, inds.items, inds.n};
  cchc_status st = cchc_compare_write(store, province, year, &opt, format,
                                      cli_out_sink, &out, &columns, &rows,
                                      &err);
  if (!cli_out_finish(&out, st, ctx->db, &err))
    goto done;
  /* Nothing matched: the empty comparison is written, exit 3. */
  rc = EXIT_NOMATCH;
  if (columns == 0 && (province || year))
    cli_errorf("compare: no stored plan matches the --province/--year "
               "given");
  else if (columns == 0)
    cli_errorf("compare: %s holds no plans", ctx->db);
  else if (rows == 0 && (area || inds.n))
    cli_errorf("compare: no stored target has %s",
               inds.n ? "that indicator" : "an indicator of that area");
  else
    rc = EXIT_OK;

done:
  free(inds.items);
  return rc;
}
