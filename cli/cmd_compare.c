/* cmd_compare.c: cchc compare [--db PATH] [--province P] [--year Y]
 * [--area A] [--indicator K] [-f table|csv|json] [-o OUT]
 *
 * Reads the latest frames from the store (filtered by province and year in
 * SQL) and hands them to cchc_compare_new with --area/--indicator, which
 * puts the parent plans' columns first; cchc_compare_render writes the
 * matrix. */
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

typedef struct frames {
  cchc_frame **data;
  size_t n, cap;
  cchc_status st;            /* CCHC_OK unless a frame could not be kept */
  cchc_error err;
} frames;

static int add_frame(void *ctx, int64_t id, const char *json) {
  frames *fr = ctx;
  if (!json)
    return 0;
  if (fr->n == fr->cap) {
    size_t cap = fr->cap ? fr->cap * 2 : 64;
    cchc_frame **d = realloc(fr->data, cap * sizeof *d);
    if (!d) {
      fr->st = CCHC_ERR_NOMEM;
      snprintf(fr->err.message, sizeof fr->err.message, "out of memory");
      return 1;
    }
    fr->data = d;
    fr->cap = cap;
  }
  fr->st = cchc_frame_from_json(json, strlen(json), &fr->data[fr->n],
                                &fr->err);
  if (fr->st != CCHC_OK) {
    /* Its line and offset are in the store's text, not in a file. */
    fr->err.line = 0;
    fr->err.has_offset = 0;
    return 1;
  }
  fr->n++;
  return 0;
}

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

/* The stored frames of the --province and --year, read back with
 * cchc_frame_from_json, as cchc_compare_new takes them.  Says so when
 * there are none. */
static cchc_status gather(cli_ctx *ctx, const char *province, int year,
                          frames *fr) {
  cchc_store *store = cli_store(ctx, false);
  if (!store)
    return CCHC_ERR_IO;
  cchc_error err = {0};
  if (cchc_store_each_frame(store, province, year, add_frame, fr, &err) !=
      CCHC_OK) {
    cli_report(ctx->db, NULL, 0, &err);
    return err.code;
  }
  if (fr->st != CCHC_OK) {
    cli_report(ctx->db, NULL, 0, &fr->err);
    return fr->st;
  }
  if (fr->n == 0) {
    if (province || year)
      cli_errorf("compare: no stored plan matches the --province/--year "
                 "given");
    else
      cli_errorf("compare: %s holds no plans", ctx->db);
  }
  return CCHC_OK;
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
  frames fr = {0};
  cchc_compare *cmp = NULL;
  char *text = NULL;
  size_t len = 0;
  cchc_error err = {0};
  cchc_compare_options opt = {0};
  bool none = false; /* nothing matched: the empty comparison, exit 3 */
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
  if (gather(ctx, province, year, &fr) != CCHC_OK)
    goto done;
  opt = (cchc_compare_options){area, inds.items, inds.n};
  if (cchc_compare_new((const cchc_frame *const *)fr.data, fr.n, &opt, &cmp,
                       &err) != CCHC_OK) {
    cli_report(ctx->db, NULL, 0, &err);
    goto done;
  }
  none = fr.n == 0;
  if (!none && cchc_compare_rows(cmp) == 0 && (area || inds.n)) {
    none = true;
    cli_errorf("compare: no stored target has %s",
               inds.n ? "that indicator" : "an indicator of that area");
  }
  if (cchc_compare_render(cmp, format, &text, &len, &err) != CCHC_OK) {
    cli_report("compare", NULL, 0, &err);
    goto done;
  }
  if (cli_write(output, text, len))
    rc = none ? EXIT_NOMATCH : EXIT_OK;

done:
  free(text);
  cchc_compare_free(cmp);
  for (size_t i = 0; i < fr.n; i++)
    cchc_frame_free(fr.data[i]);
  free(fr.data);
  free(inds.items);
  return rc;
}
