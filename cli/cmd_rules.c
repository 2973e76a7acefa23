/* cmd_rules.c: cchc rules test|list [--rules DIR] */
#include "cli.h"

#include <getopt.h>
#include <string.h>

static const char rules_help[] =
    "usage: cchc rules test [--rules DIR]\n"
    "       cchc rules list [--rules DIR]\n"
    "\n"
    "test: load and compile every rule, run each rule's 'yes:' and 'no:'\n"
    "      examples; print each failure as FILE:LINE: rule: message.\n"
    "      Exit 0 when all pass, 1 when an example fails, 2 when a rules\n"
    "      file is invalid.\n"
    "list: print the number of rules loaded.\n";

static void report_failure(void *ctx, const char *path, size_t line,
                           const char *rule_id, const char *message) {
  (void)ctx;
  fprintf(stderr, "cchc: %s:%zu: %s: %s\n", path, line, rule_id, message);
}

int cmd_rules(int argc, char **argv) {
  static const struct option longopts[] = {
      {"rules", required_argument, NULL, 'r'},
      {"help", no_argument, NULL, 'h'},
      {NULL, 0, NULL, 0}};
  const char *dir = NULL;
  int c, rc = EXIT_USAGE;
  cchc_rules *rules = NULL;
  optind = 1;
  while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
    switch (c) {
    case 'r': dir = optarg; break;
    case 'h':
      fputs(rules_help, stdout);
      return fflush(stdout) == 0 ? EXIT_OK : EXIT_USAGE;
    default: fputs(rules_help, stderr); return EXIT_USAGE;
    }
  }
  if (optind != argc - 1 ||
      (strcmp(argv[optind], "test") && strcmp(argv[optind], "list"))) {
    fputs(rules_help, stderr);
    return EXIT_USAGE;
  }
  if (!(rules = cli_load_rules(dir)))
    goto cleanup;
  if (!strcmp(argv[optind], "list")) {
    printf("%zu rules\n", cchc_rules_count(rules));
    rc = EXIT_OK;
  } else {
    size_t examples = 0;
    size_t failed = cchc_rules_test(rules, report_failure, NULL, &examples);
    printf("%zu rules, %zu examples, %zu failed\n", cchc_rules_count(rules),
           examples, failed);
    rc = failed ? EXIT_INPUT : EXIT_OK;
  }
  if (fflush(stdout) != 0) {
    cli_errorf("cannot write standard output");
    rc = EXIT_USAGE;
  }
cleanup:
  cchc_rules_free(rules);
  return rc;
}
