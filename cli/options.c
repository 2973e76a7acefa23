/* options.c: one parser for every command's options table (git's
 * parse_options), built on getopt_long, so that commands describe their
 * options instead of copying a getopt loop. */
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

int cli_parse_options(cli_ctx *ctx, int argc, char **argv,
                      const cli_option *options, const char *help, int *rc) {
  const cli_option common[] = {OPT_STRING(0, "rules", &ctx->rules_dir),
                               OPT_STRING(0, "db", &ctx->db)};
  size_t n = 0, max = 2;
  int c, first = -1;
  for (const cli_option *o = options; o && o->type != CLI_OPT_END; o++)
    max++;
  /* The command's options, --rules and --db as its flags say; getopt_long's
   * tables beside them, where a long-only option returns 256 + its index. */
  const cli_option **all = malloc(max * sizeof *all);
  struct option *longopts = malloc((max + 2) * sizeof *longopts);
  char *shortopts = malloc(2 * max + 2);
  if (!all || !longopts || !shortopts) {
    cli_errorf("out of memory");
    *rc = EXIT_USAGE;
    goto done;
  }
  for (const cli_option *o = options; o && o->type != CLI_OPT_END; o++)
    all[n++] = o;
  if (ctx->flags & NEEDS_RULES)
    all[n++] = &common[0];
  if (ctx->flags & NEEDS_STORE)
    all[n++] = &common[1];
  size_t ns = 0;
  for (size_t i = 0; i < n; i++) {
    int arg = all[i]->type == CLI_OPT_FLAG ? no_argument : required_argument;
    int val = all[i]->short_name ? all[i]->short_name : 256 + (int)i;
    longopts[i] = (struct option){all[i]->long_name, arg, NULL, val};
    if (all[i]->short_name) {
      shortopts[ns++] = (char)all[i]->short_name;
      if (arg == required_argument)
        shortopts[ns++] = ':';
    }
  }
  longopts[n] = (struct option){"help", no_argument, NULL, 'h'};
  longopts[n + 1] = (struct option){NULL, 0, NULL, 0};
  shortopts[ns++] = 'h';
  shortopts[ns] = '\0';

  optind = 1;
  while ((c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
    const cli_option *o = NULL;
    for (size_t i = 0; !o && i < n; i++)
      if (longopts[i].val == c)
        o = all[i];
    if (c == 'h') {
      fputs(help, stdout);
      *rc = fflush(stdout) == 0 ? EXIT_OK : EXIT_USAGE;
      goto done;
    }
    if (!o) { /* getopt_long said what was wrong */
      fputs(help, stderr);
      *rc = EXIT_USAGE;
      goto done;
    }
    if (o->type == CLI_OPT_FLAG) {
      *(unsigned *)o->value |= o->bits;
    } else if (o->type == CLI_OPT_STRING) {
      *(const char **)o->value = optarg;
    } else if (!o->parse(ctx, optarg, o->value)) {
      *rc = EXIT_USAGE;
      goto done;
    }
  }
  first = optind;
done:
  free(all);
  free(longopts);
  free(shortopts);
  return first;
}

char **cli_inputs(int argc, char **argv, int first, int *n) {
  static char *stdin_only[] = {"-"};
  *n = first < argc ? argc - first : 1;
  return first < argc ? argv + first : stdin_only;
}

bool cli_no_operands(const cli_ctx *ctx, int argc, char **argv, int first) {
  if (first >= argc)
    return true;
  cli_errorf("%s: unexpected argument '%s'", ctx->name, argv[first]);
  return false;
}

bool cli_parse_encoding(const cli_ctx *ctx, const char *arg, void *enc) {
  if (cchc_encoding_parse(arg, enc) == CCHC_OK)
    return true;
  cli_errorf("unknown encoding '%s'", arg);
  return false;
}

bool cli_parse_jobs(const cli_ctx *ctx, const char *arg, void *jobs) {
  char *end;
  errno = 0;
  long n = strtol(arg, &end, 10);
  if (errno || end == arg || *end || n < 1 || n > CLI_MAX_JOBS) {
    cli_errorf("%s: -j wants a number of threads from 1 to %d, not '%s'",
               ctx->name, CLI_MAX_JOBS, arg);
    return false;
  }
  *(unsigned *)jobs = (unsigned)n;
  return true;
}

bool cli_parse_report_format(const cli_ctx *ctx, const char *arg,
                             void *format) {
  if (cchc_report_format_parse(arg, format))
    return true;
  cli_errorf("%s: unknown format '%s' (table, csv or json)", ctx->name, arg);
  return false;
}
