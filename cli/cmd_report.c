/* cmd_report.c: cchc report [--db PATH] [--parent NUMBER] [-o FILE] */
#include "cli.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char report_help[] =
    "usage: cchc report [--db PATH] [--parent NUMBER] [-o FILE]\n"
    "\n"
    "Write the store as one self-contained HTML page (inline CSS, no scripts,\n"
    "no network resources): the plans, a heat map of the targets by\n"
    "indicator coloured against each plan's reference plan (the plan it\n"
    "carries out, else the province's plan), and the audit findings of every\n"
    "stored plan that other stored plans carry out, with their quoted\n"
    "evidence.\n"
    "\n"
    "  --db PATH        the store (default: $CCHC_DB, else ./cchc.db)\n"
    "  --parent NUMBER  only this plan (e.g. 228/KH-UBND) and the plans\n"
    "                   carrying it out\n"
    "  -o, --output FILE  write FILE (atomically) instead of standard output\n"
    "\n"
    "exit: 0 written; 2 usage error, no such store, or write error; 3 no\n"
    "stored plan is numbered as --parent says (nothing written)\n";

int cmd_report(int argc, char **argv) {
  enum { OPT_DB = 256, OPT_PARENT };
  static const struct option longopts[] = {
      {"db", required_argument, NULL, OPT_DB},
      {"parent", required_argument, NULL, OPT_PARENT},
      {"output", required_argument, NULL, 'o'},
      {"help", no_argument, NULL, 'h'},
      {NULL, 0, NULL, 0}};
  const char *db = cli_default_db(), *parent = NULL, *output = NULL;
  int c;
  optind = 1;
  while ((c = getopt_long(argc, argv, "ho:", longopts, NULL)) != -1) {
    switch (c) {
    case OPT_DB:
      db = optarg;
      break;
    case OPT_PARENT:
      parent = optarg;
      break;
    case 'o':
      output = optarg;
      break;
    case 'h':
      fputs(report_help, stdout);
      return fflush(stdout) == 0 ? EXIT_OK : EXIT_USAGE;
    default:
      fputs(report_help, stderr);
      return EXIT_USAGE;
    }
  }
  if (optind < argc) {
    cli_errorf("report: unexpected argument '%s'", argv[optind]);
    return EXIT_USAGE;
  }
  if (parent && !*parent) {
    cli_errorf("report: --parent needs a plan number");
    return EXIT_USAGE;
  }
  if (access(db, F_OK) != 0) {
    cli_errorf("%s: no store here; 'cchc ingest --db %s FILE...' makes one",
               db, db);
    return EXIT_USAGE;
  }

  cchc_store *store = NULL;
  cchc_error err = {0};
  if (cchc_store_open(db, &store, &err) != CCHC_OK) {
    cli_report(db, NULL, 0, &err);
    return EXIT_USAGE;
  }
  char *html = NULL;
  size_t len = 0;
  cchc_status st = cchc_report_html(store, parent, &html, &len, &err);
  cchc_store_close(store);
  if (st != CCHC_OK) {
    cli_report(db, NULL, 0, &err);
    /* CCHC_ERR_INVALID: no stored plan has the --parent number. */
    return st == CCHC_ERR_INVALID ? EXIT_NOMATCH : EXIT_USAGE;
  }
  cli_out out;
  int rc = EXIT_OK;
  if (!cli_out_open(&out, output)) {
    rc = EXIT_USAGE;
  } else {
    if (!cli_out_write(&out, html, len)) {
      cli_out_abort(&out);
      rc = EXIT_USAGE;
    } else if (!cli_out_commit(&out)) {
      rc = EXIT_USAGE;
    }
  }
  free(html);
  return rc;
}
