/* main.c: the cchc program.  A table of subcommands with what each needs
 * (the rules, the store), one thin function each (cli/cmd_*.c) that
 * describes its options and calls the library. */
#include "cli.h"

#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <unicode/uclean.h>

/* A subcommand; `flags` (NEEDS_*) say what main sets up for it. */
typedef struct command {
  const char *name;
  int (*run)(cli_ctx *ctx, int argc, char **argv);
  unsigned flags;
  const char *summary;
} command;

static const command commands[] = {
    {"normalize", cmd_normalize, 0,
     "decode a plan and write its canonical text"},
    {"extract", cmd_extract, NEEDS_RULES,
     "extract task frames and write them as JSON, XML or CSV"},
    {"schema", cmd_schema, 0, "print the JSON Schema or XSD of the frame"},
    {"rules", cmd_rules, NEEDS_RULES, "check the rules: 'cchc rules test'"},
    {"eval", cmd_eval, NEEDS_RULES,
     "score extraction against hand annotations"},
    {"ingest", cmd_ingest, NEEDS_RULES | NEEDS_STORE,
     "store plans (files or directories) in the store"},
    {"list", cmd_list, NEEDS_STORE, "list the plans in the store"},
    {"compare", cmd_compare, NEEDS_STORE,
     "stored plans side by side, indicator by indicator"},
    {"audit", cmd_audit, NEEDS_RULES | NEEDS_STORE,
     "check plans against the plan they carry out"},
    {"report", cmd_report, NEEDS_STORE,
     "the store as one HTML page: plans, heat map, audit"},
};

/* The rule set lives until the process ends, whose unmapping takes its
 * memory back at once: freed one by one, its JIT code went back chunk by
 * chunk, a munmap and a TLB flush each, 2-4 ms of CPU at the end of every
 * run (a 2-plan extract's tail 34.6 -> 5.4 ms of wall, median of 16).  A
 * sanitizer's build frees it, and ICU's caches, for a clean exit. */
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
static void rules_release(cchc_rules *rules) {
  cchc_rules_free(rules);
  u_cleanup();
}
#else
static const cchc_rules *rules_kept; /* reachable, for a leak checker */
static void rules_release(cchc_rules *rules) { rules_kept = rules; }
#endif

/* Run a command with its context; the store it set up is closed here,
 * once, and the rules released. */
static int run(const command *cmd, int argc, char **argv) {
  cli_ctx ctx = {.name = cmd->name, .flags = cmd->flags};
  if (cmd->flags & NEEDS_STORE) {
    const char *db = getenv("CCHC_DB");
    ctx.db = db && *db ? db : "cchc.db";
  }
  int rc = cmd->run(&ctx, argc, argv);
  cchc_store_close(ctx.store);
  rules_release(ctx.rules);
  return rc;
}

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
  /* Frames leave in 64 kB writes (a pipe's size) rather than stdio's 4 kB
   * ones: on 2,000 plans 19,100 write calls became 2,250.  A terminal keeps
   * its line buffering. */
  static char stdout_buf[64 << 10];
  if (!isatty(STDOUT_FILENO))
    setvbuf(stdout, stdout_buf, _IOFBF, sizeof stdout_buf);
#if defined(M_MMAP_THRESHOLD)
  /* Blocks of 256 KB and more (a long plan's text, its map, its line
   * arrays) each in a mapping of its own, returned whole when freed: by
   * default glibc raises that threshold after each such free, and the
   * next ones land in the heap, whose holes stay resident. */
  mallopt(M_MMAP_THRESHOLD, 256 << 10);
#endif
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
    if (!strcmp(name, commands[i].name))
      return run(&commands[i], argc - 1, argv + 1);
  cli_errorf("'%s' is not a command; see 'cchc --help'", name);
  return EXIT_USAGE;
}
