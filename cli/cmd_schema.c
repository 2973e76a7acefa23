/* cmd_schema.c: cchc schema json|xml */
#include "cli.h"

#include <getopt.h>
#include <string.h>

static const char schema_help[] =
    "usage: cchc schema json|xml\n"
    "\n"
    "Print the published schema of the frames 'cchc extract' writes: a JSON\n"
    "Schema (draft 2020-12) for -f json and -f jsonl, or an XSD for -f xml.\n";

int cmd_schema(int argc, char **argv) {
  static const struct option longopts[] = {{"help", no_argument, NULL, 'h'},
                                           {NULL, 0, NULL, 0}};
  int c;
  optind = 1;
  while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
    if (c == 'h') {
      fputs(schema_help, stdout);
      return fflush(stdout) == 0 ? EXIT_OK : EXIT_USAGE;
    }
    fputs(schema_help, stderr);
    return EXIT_USAGE;
  }
  if (argc - optind != 1) {
    fputs(schema_help, stderr);
    return EXIT_USAGE;
  }
  const char *text = cchc_schema(argv[optind]);
  if (!text) {
    cli_errorf("schema: unknown schema '%s' (json or xml)", argv[optind]);
    return EXIT_USAGE;
  }
  fputs(text, stdout);
  if (fflush(stdout) != 0 || ferror(stdout)) {
    cli_errorf("<stdout>: write error");
    return EXIT_USAGE;
  }
  return EXIT_OK;
}
