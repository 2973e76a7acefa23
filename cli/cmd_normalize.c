/* cmd_normalize.c: cchc normalize [-o OUT] [options] [FILE...] */
#define _GNU_SOURCE
#include "cli.h"

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

/* Normalize one input and write its text: to DIR/NAME when `out_dir` is
 * given, else to the stream `shared`.  EXIT_OK; EXIT_INPUT when the input
 * is rejected (reported); EXIT_USAGE when the output cannot be written. */
static int normalize_one(const char *path, const cchc_normalize_options *opt,
                         bool want_explain, const char *out_dir,
                         cli_out *shared) {
  const char *name = strcmp(path, "-") ? path : "<stdin>";
  char *copy = NULL, *target = NULL;
  cli_input in = {0};
  cchc_text *t = NULL;
  cchc_error err = {0};
  int rc = EXIT_INPUT;
  if (!cli_input_open(path, &in, &err)) {
    cli_report(path, NULL, 0, &err);
    goto done;
  }
  /* --explain counts lines in the input afterwards; else it goes once
   * decoded. */
  cchc_normalize_options o = *opt;
  if (!want_explain) { /* nothing asks for the repairs or the map */
    o.flags |= CCHC_NORM_TEXT_ONLY;
    o.input_done = cli_input_close;
    o.input_done_arg = &in;
  }
  o.input_read = cli_input_read;
  o.input_read_arg = &in;
  cchc_status st = cchc_normalize(in.data, in.len, &o, &t, &err);
  if (cli_input_cut_short(&in, &err)) {
    cli_report(path, NULL, 0, &err);
    goto done;
  }
  if (st != CCHC_OK) {
    cli_report(path, in.data, in.len, &err);
    goto done;
  }
  if (want_explain)
    explain(name, in.data, t);
  rc = EXIT_OK;
  if (!out_dir) {
    if (!cli_out_write(shared, cchc_text_data(t), cchc_text_len(t)))
      rc = EXIT_USAGE;
  } else if (!(copy = strdup(path)) ||
             asprintf(&target, "%s/%s", out_dir, basename(copy)) < 0 ||
             !cli_write(target, cchc_text_data(t), cchc_text_len(t))) {
    rc = EXIT_USAGE;
  }
done:
  free(copy);
  free(target);
  cchc_text_free(t);
  cli_input_close(&in);
  return rc;
}

int cmd_normalize(cli_ctx *ctx, int argc, char **argv) {
  cchc_normalize_options opt = {0};
  const char *out_path = NULL;
  unsigned want_explain = 0;
  const cli_option options[] = {
      OPT_STRING('o', "output", &out_path),
      OPT_FLAG(0, "repair", &opt.flags, CCHC_NORM_REPAIR),
      OPT_CALLBACK(0, "encoding", &opt.encoding, cli_parse_encoding),
      OPT_FLAG(0, "explain", &want_explain, 1),
      OPT_FLAG(0, "no-layout", &opt.flags, CCHC_NORM_NO_LAYOUT),
      OPT_END()};
  int rc, first =
              cli_parse_options(ctx, argc, argv, options, normalize_help, &rc);
  if (first < 0)
    return rc;
  int nfiles;
  char **files = cli_inputs(argc, argv, first, &nfiles);

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

  rc = EXIT_OK;
  cli_out shared = {0};
  bool shared_open = false;
  if (!out_dir) {
    if (!cli_out_open(&shared, out_path))
      return EXIT_USAGE;
    shared_open = true;
  }
  for (int i = 0; i < nfiles && rc != EXIT_USAGE; i++) {
    int one = normalize_one(files[i], &opt, want_explain,
                            out_dir ? out_path : NULL, &shared);
    if (one != EXIT_OK)
      rc = one;
    if (rc == EXIT_USAGE) /* the output failed: the rest cannot be written */
      cli_report_untried((size_t)(nfiles - i - 1));
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
