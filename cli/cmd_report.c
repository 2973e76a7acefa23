/* cmd_report.c: cchc report [--db PATH] [--parent NUMBER] [-o FILE] */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

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

int cmd_report(cli_ctx *ctx, int argc, char **argv) {
  const char *parent = NULL, *output = NULL;
  const cli_option options[] = {OPT_STRING(0, "parent", &parent),
                                OPT_STRING('o', "output", &output),
                                OPT_END()};
  int rc, first = cli_parse_options(ctx, argc, argv, options, report_help, &rc);
  if (first < 0)
    return rc;
  if (!cli_no_operands(ctx, argc, argv, first))
    return EXIT_USAGE;
  if (parent && !*parent) {
    cli_errorf("report: --parent needs a plan number");
    return EXIT_USAGE;
  }
  cchc_store *store = cli_store(ctx, false);
  if (!store)
    return EXIT_USAGE;
  cchc_error err = {0};
  char *html = NULL;
  size_t len = 0;
  cchc_status st = cchc_report_html(store, parent, &html, &len, &err);
  if (st != CCHC_OK) {
    cli_report(ctx->db, NULL, 0, &err);
    /* CCHC_ERR_INVALID: no stored plan has the --parent number. */
    return st == CCHC_ERR_INVALID ? EXIT_NOMATCH : EXIT_USAGE;
  }
  rc = cli_write(output, html, len) ? EXIT_OK : EXIT_USAGE;
  free(html);
  return rc;
}
