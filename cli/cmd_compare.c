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
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

static bool parse_year(const char *s, int *out) {
  char *end;
  errno = 0;
  long v = strtol(s, &end, 10);
  if (errno || end == s || *end || v < 1900 || v > 2200)
    return false;
  *out = (int)v;
  return true;
}

int cmd_compare(int argc, char **argv) {
  enum { OPT_DB = 256, OPT_PROVINCE, OPT_YEAR, OPT_AREA, OPT_INDICATOR };
  static const struct option longopts[] = {
      {"db", required_argument, NULL, OPT_DB},
      {"province", required_argument, NULL, OPT_PROVINCE},
      {"year", required_argument, NULL, OPT_YEAR},
      {"area", required_argument, NULL, OPT_AREA},
      {"indicator", required_argument, NULL, OPT_INDICATOR},
      {"format", required_argument, NULL, 'f'},
      {"output", required_argument, NULL, 'o'},
      {"help", no_argument, NULL, 'h'},
      {NULL, 0, NULL, 0}};
  const char *db = cli_default_db(), *province = NULL, *output = NULL;
  const char *area = NULL;
  int year = 0;
  cchc_report_format format = CCHC_REPORT_TABLE;
  const char **inds = NULL;
  size_t ninds = 0;
  int c, rc = EXIT_OK;
  optind = 1;
  while ((c = getopt_long(argc, argv, "f:o:h", longopts, NULL)) != -1) {
    switch (c) {
    case OPT_DB:
      db = optarg;
      break;
    case OPT_PROVINCE:
      province = optarg;
      break;
    case OPT_YEAR:
      if (!parse_year(optarg, &year)) {
        cli_errorf("compare: --year wants a year such as 2026, not '%s'",
                   optarg);
        free(inds);
        return EXIT_USAGE;
      }
      break;
    case OPT_AREA:
      area = optarg;
      break;
    case OPT_INDICATOR: {
      const char **n = realloc(inds, (ninds + 1) * sizeof *n);
      if (!n) {
        cli_errorf("out of memory");
        free(inds);
        return EXIT_USAGE;
      }
      inds = n;
      inds[ninds++] = optarg;
      break;
    }
    case 'f':
      if (!cchc_report_format_parse(optarg, &format)) {
        cli_errorf("compare: unknown format '%s' (table, csv or json)",
                   optarg);
        free(inds);
        return EXIT_USAGE;
      }
      break;
    case 'o':
      output = optarg;
      break;
    case 'h':
      free(inds);
      fputs(compare_help, stdout);
      return fflush(stdout) == 0 ? EXIT_OK : EXIT_USAGE;
    default:
      free(inds);
      fputs(compare_help, stderr);
      return EXIT_USAGE;
    }
  }
  if (optind < argc) {
    cli_errorf("compare: unexpected argument '%s' (plans are read from the "
               "store; 'cchc ingest' them first)",
               argv[optind]);
    free(inds);
    return EXIT_USAGE;
  }
  if (area && !*area)
    area = NULL;

  if (access(db, F_OK) != 0) {
    cli_errorf("%s: no store here; 'cchc ingest --db %s FILE...' makes one",
               db, db);
    free(inds);
    return EXIT_USAGE;
  }
  cchc_store *store = NULL;
  cchc_error err = {0};
  frames fr = {0};
  cchc_compare_options opt = {area, inds, ninds};
  cchc_compare *cmp = NULL;
  char *text = NULL;
  size_t len = 0;
  if (cchc_store_open(db, &store, &err) != CCHC_OK) {
    cli_report(db, NULL, 0, &err);
    rc = EXIT_USAGE;
    goto done;
  }
  if (cchc_store_each_frame(store, province, year, add_frame, &fr, &err) !=
      CCHC_OK) {
    cli_report(db, NULL, 0, &err);
    rc = EXIT_USAGE;
    goto done;
  }
  if (fr.st != CCHC_OK) {
    cli_report(db, NULL, 0, &fr.err);
    rc = EXIT_USAGE;
    goto done;
  }
  if (fr.n == 0) {
    rc = EXIT_NOMATCH;
    if (province || year)
      cli_errorf("compare: no stored plan matches the --province/--year "
                 "given");
    else
      cli_errorf("compare: %s holds no plans", db);
  }
  if (cchc_compare_new((const cchc_frame *const *)fr.data, fr.n, &opt, &cmp,
                       &err) != CCHC_OK) {
    cli_report(db, NULL, 0, &err);
    rc = EXIT_USAGE;
    goto done;
  }
  if (fr.n && cchc_compare_rows(cmp) == 0 && (area || ninds)) {
    rc = EXIT_NOMATCH;
    cli_errorf("compare: no stored target has %s",
               ninds ? "that indicator" : "an indicator of that area");
  }
  if (cchc_compare_render(cmp, format, &text, &len, &err) != CCHC_OK) {
    cli_report("compare", NULL, 0, &err);
    rc = EXIT_USAGE;
    goto done;
  }
  cli_out out;
  if (!cli_out_open(&out, output)) {
    rc = EXIT_USAGE;
    goto done;
  }
  fwrite(text, 1, len, out.fp);
  if (!cli_out_commit(&out))
    rc = EXIT_USAGE;

done:
  free(text);
  cchc_compare_free(cmp);
  for (size_t i = 0; i < fr.n; i++)
    cchc_frame_free(fr.data[i]);
  free(fr.data);
  cchc_store_close(store);
  free(inds);
  return rc;
}
