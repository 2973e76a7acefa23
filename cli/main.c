/* main.c: the cchc program.  A table of subcommands, one thin function each
 * (cli/cmd_*.c) that parses options and calls the library. */
#include "cli.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>

#include <unicode/uclean.h>

typedef struct command {
  const char *name;
  int (*run)(int argc, char **argv);
  const char *summary;
} command;

static const command commands[] = {
    {"normalize", cmd_normalize,
     "decode a plan and write its canonical text"},
    {"extract", cmd_extract,
     "extract task frames and write them as JSON, XML or CSV"},
    {"schema", cmd_schema, "print the JSON Schema or XSD of the frame"},
    {"rules", cmd_rules, "check the rules: 'cchc rules test'"},
    {"eval", cmd_eval, "score extraction against hand annotations"},
    {"ingest", cmd_ingest, "store plans (files or directories) in the store"},
    {"list", cmd_list, "list the plans in the store"},
    {"compare", cmd_compare, "stored plans side by side, indicator by indicator"},
    {"audit", cmd_audit, "check plans against the plan they carry out"},
    {"report", cmd_report, "the store as one HTML page: plans, heat map, audit"},
};

static void usage(FILE *fp) {
  fprintf(fp, "usage: cchc COMMAND [OPTIONS] [FILE...]\n\ncommands:\n");
  for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
    fprintf(fp, "  %-10s %s\n", commands[i].name, commands[i].summary);
  fprintf(fp,
          "\n'cchc COMMAND --help' describes a command.\n"
          "\nexit codes:\n"
          "  0  success\n"
          "  1  some input was rejected (the others were processed);\n"
          "     audit: there are findings\n"
          "  2  usage error, or a failure that stopped the command\n"
          "  3  compare, audit, report: no stored plan matched what was "
          "asked\n"
          "\nerrors are printed as 'cchc: FILE:LINE: message'.\n");
}

int main(int argc, char **argv) {
  if (argc < 2) {
    usage(stderr);
    return EXIT_USAGE;
  }
  /* A write past the file size limit (ulimit -f) then fails with EFBIG and
   * is reported like any write error, instead of killing the program
   * silently and leaving a temporary file. */
  signal(SIGXFSZ, SIG_IGN);
  const char *name = argv[1];
  if (!strcmp(name, "--help") || !strcmp(name, "-h") || !strcmp(name, "help")) {
    usage(stdout);
    return fflush(stdout) == 0 ? EXIT_OK : EXIT_USAGE;
  }
  if (!strcmp(name, "--version")) {
    printf("cchc %s\n", CCHC_VERSION);
    return fflush(stdout) == 0 ? EXIT_OK : EXIT_USAGE;
  }
  for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
    if (!strcmp(name, commands[i].name)) {
      int rc = commands[i].run(argc - 1, argv + 1);
      u_cleanup(); /* release ICU caches so leak checkers see a clean exit */
      return rc;
    }
  cli_errorf("'%s' is not a command; see 'cchc --help'", name);
  return EXIT_USAGE;
}
