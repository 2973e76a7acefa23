/* cmd_normalize.c: cchc normalize [-o OUT] [options] [FILE...] */
#define _GNU_SOURCE
#include "cli.h"

#include <getopt.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char normalize_help[] =
    "usage: cchc normalize [-o OUT] [--repair] [--encoding ENC] [--explain]\n"
    "                      [--no-layout] [FILE...]\n"
    "\n"
    "Decode each FILE (standard input when none) and write its canonical\n"
    "text: NFC, one tone-mark convention, wrapped lines rejoined, page\n"
    "numbers and Markdown markers removed.\n"
    "\n"
    "  -o OUT          write to OUT (atomically); with several FILEs, OUT is\n"
    "                  a directory that receives one file per input\n"
    "  --repair        replace invalid bytes with U+FFFD instead of failing\n"
    "  --encoding ENC  utf-8, utf-16le, utf-16be or windows-1258\n"
    "                  (default: detect)\n"
    "  --explain       list every repair on standard error\n"
    "  --no-layout     keep line breaks; only decode and canonicalize\n";

static void explain(const char *name, const char *data, const cchc_text *t) {
  size_t n = cchc_text_repairs(t);
  /* Offsets are sorted: count lines incrementally. */
  size_t pos = 0;
  unsigned line = 1;
  for (size_t i = 0; i < n; i++) {
    cchc_repair_kind kind;
    size_t off;
    const char *detail;
    cchc_text_repair_at(t, i, &kind, &off, &detail);
    for (; pos < off && pos < cchc_text_source_len(t); pos++)
      line += data[pos] == '\n';
    fprintf(stderr, "%s:%u: %s: %s\n", name, line, cchc_repair_kind_name(kind),
            detail);
  }
  fprintf(stderr, "%s: %s;", name, cchc_encoding_name(cchc_text_encoding(t)));
  for (int k = 0; k < CCHC_REPAIR_KIND_COUNT; k++) {
    size_t c = cchc_text_repair_count(t, (cchc_repair_kind)k);
    if (c)
      fprintf(stderr, " %s %zu", cchc_repair_kind_name((cchc_repair_kind)k), c);
  }
  fputc('\n', stderr);
}

int cmd_normalize(int argc, char **argv) {
  enum { OPT_REPAIR = 256, OPT_ENCODING, OPT_EXPLAIN, OPT_NO_LAYOUT };
  static const struct option longopts[] = {
      {"output", required_argument, NULL, 'o'},
      {"repair", no_argument, NULL, OPT_REPAIR},
      {"encoding", required_argument, NULL, OPT_ENCODING},
      {"explain", no_argument, NULL, OPT_EXPLAIN},
      {"no-layout", no_argument, NULL, OPT_NO_LAYOUT},
      {"help", no_argument, NULL, 'h'},
      {NULL, 0, NULL, 0}};
  cchc_normalize_options opt = {0};
  const char *out_path = NULL;
  bool want_explain = false;
  int c;
  optind = 1;
  while ((c = getopt_long(argc, argv, "o:h", longopts, NULL)) != -1) {
    switch (c) {
    case 'o':
      out_path = optarg;
      break;
    case OPT_REPAIR:
      opt.flags |= CCHC_NORM_REPAIR;
      break;
    case OPT_ENCODING:
      if (cchc_encoding_parse(optarg, &opt.encoding) != CCHC_OK) {
        cli_errorf("unknown encoding '%s'", optarg);
        return EXIT_USAGE;
      }
      break;
    case OPT_EXPLAIN:
      want_explain = true;
      break;
    case OPT_NO_LAYOUT:
      opt.flags |= CCHC_NORM_NO_LAYOUT;
      break;
    case 'h':
      fputs(normalize_help, stdout);
      return fflush(stdout) == 0 ? EXIT_OK : EXIT_USAGE;
    default:
      fputs(normalize_help, stderr);
      return EXIT_USAGE;
    }
  }
  int nfiles = argc - optind;
  char *stdin_only[] = {"-"};
  char **files = nfiles ? argv + optind : stdin_only;
  if (!nfiles)
    nfiles = 1;

  bool out_dir = false;
  if (out_path && nfiles > 1) {
    struct stat st;
    if (stat(out_path, &st) != 0 || !S_ISDIR(st.st_mode)) {
      cli_errorf("%s: with several inputs, -o must name a directory",
                 out_path);
      return EXIT_USAGE;
    }
    out_dir = true;
  }

  int rc = EXIT_OK;
  cli_out shared = {0};
  bool shared_open = false;
  if (!out_dir) {
    if (!cli_out_open(&shared, out_path))
      return EXIT_USAGE;
    shared_open = true;
  }

  for (int i = 0; i < nfiles; i++) {
    const char *path = files[i];
    const char *name = strcmp(path, "-") ? path : "<stdin>";
    char *data = NULL;
    size_t len = 0;
    cchc_text *t = NULL;
    cchc_error err = {0};
    if (!cli_read_file(path, &data, &len, &err)) {
      cli_report(path, NULL, 0, &err);
      rc = EXIT_INPUT;
      goto next;
    }
    if (cchc_normalize(data, len, &opt, &t, &err) != CCHC_OK) {
      cli_report(path, data, len, &err);
      rc = EXIT_INPUT;
      goto next;
    }
    if (want_explain)
      explain(name, data, t);
    if (out_dir) {
      char *copy = strdup(path), *target = NULL;
      cli_out o;
      bool ok = copy && asprintf(&target, "%s/%s", out_path, basename(copy)) >= 0;
      if (ok && cli_out_open(&o, target)) {
        ok = cli_out_write(&o, cchc_text_data(t), cchc_text_len(t)) &&
             cli_out_commit(&o);
        if (!ok)
          cli_out_abort(&o);
      } else {
        ok = false;
      }
      free(copy);
      free(target);
      if (!ok)
        rc = EXIT_USAGE;
    } else if (!cli_out_write(&shared, cchc_text_data(t), cchc_text_len(t))) {
      rc = EXIT_USAGE;
    }
  next:
    cchc_text_free(t);
    free(data);
    if (rc == EXIT_USAGE) { /* the output failed: the rest cannot be written */
      cli_report_untried((size_t)(nfiles - i - 1));
      break;
    }
  }
  if (shared_open) {
    /* Keep no output file for a single input that failed. */
    if (out_path && rc != EXIT_OK && nfiles == 1)
      cli_out_abort(&shared);
    else if (!cli_out_commit(&shared))
      rc = EXIT_USAGE;
  }
  return rc;
}
