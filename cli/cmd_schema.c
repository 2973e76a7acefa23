/* cmd_schema.c: cchc schema json|xml */
#include "cli.h"

#include <string.h>

static const char schema_help[] =
    "usage: cchc schema json|xml\n"
    "\n"
    "Print the published schema of the frames 'cchc extract' writes: a JSON\n"
    "Schema (draft 2020-12) for -f json and -f jsonl, or an XSD for -f xml.\n";

int cmd_schema(cli_ctx *ctx, int argc, char **argv) {
  int rc, first = cli_parse_options(ctx, argc, argv, NULL, schema_help, &rc);
  if (first < 0)
    return rc;
  if (argc - first != 1) {
    fputs(schema_help, stderr);
    return EXIT_USAGE;
  }
  const char *text = cchc_schema(argv[first]);
  if (!text) {
    cli_errorf("schema: unknown schema '%s' (json or xml)", argv[first]);
    return EXIT_USAGE;
  }
  fputs(text, stdout);
  if (fflush(stdout) != 0 || ferror(stdout)) {
    cli_errorf("<stdout>: write error");
    return EXIT_USAGE;
  }
  return EXIT_OK;
}
