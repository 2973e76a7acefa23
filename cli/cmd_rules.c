/* cmd_rules.c: cchc rules test|list [--rules DIR] */
#include "cli.h"

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

int cmd_rules(cli_ctx *ctx, int argc, char **argv) {
  int rc, first = cli_parse_options(ctx, argc, argv, NULL, rules_help, &rc);
  if (first < 0)
    return rc;
  if (first != argc - 1 ||
      (strcmp(argv[first], "test") && strcmp(argv[first], "list"))) {
    fputs(rules_help, stderr);
    return EXIT_USAGE;
  }
  const cchc_rules *rules = cli_rules(ctx);
  if (!rules)
    return EXIT_USAGE;
  if (!strcmp(argv[first], "list")) {
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
  return rc;
}
