/* cmd_eval.c: cchc eval --gold DIR [--json OUT] [--rules DIR] FILE... */
#define _GNU_SOURCE
#include "cli.h"

#include <stdlib.h>
#include <string.h>

static const char eval_help[] =
    "usage: cchc eval --gold DIR [--json OUT] [--rules DIR] FILE...\n"
    "\n"
    "Score task frames against hand annotations (gold files, see\n"
    "../shared/gold/FORMAT.md) and print a table of precision, recall, F1\n"
    "and accuracy per field, micro-averaged over all FILEs.\n"
    "\n"
    "A FILE ending in .json is a frame written by 'cchc extract'; any other\n"
    "FILE is a plan, extracted in process.  The gold file of X.txt (or\n"
    "X.json) is DIR/X.gold.json.\n"
    "\n"
    "  --gold DIR    directory of the gold files (required)\n"
    "  --json OUT    also write the scores, per document and overall, with\n"
    "                every missed, spurious or wrong item, as JSON to OUT\n"
    "                (atomically; '-' for standard output)\n"
    "  --rules DIR   rules directory for plans (default: see 'cchc extract')\n";

static bool ends_with(const char *s, const char *suffix) {
  size_t n = strlen(s), k = strlen(suffix);
  return n >= k && strcmp(s + n - k, suffix) == 0;
}

/* The name of a file without its directory; points into `path`. */
static const char *base_name(const char *path) {
  const char *slash = strrchr(path, '/');
  return slash ? slash + 1 : path;
}

/* DIR/X.gold.json for .../X.txt, .../X.json or .../X.txt.json; caller
 * frees. */
static char *gold_path(const char *dir, const char *path) {
  const char *base = base_name(path);
  size_t n = strlen(base);
  if (n > 5 && strcmp(base + n - 5, ".json") == 0)
    n -= 5;
  if (n > 4 && strncmp(base + n - 4, ".txt", 4) == 0) {
    n -= 4;
  } else if (!ends_with(path, ".json")) {
    const char *dot = strrchr(base, '.');
    if (dot && dot != base)
      n = (size_t)(dot - base);
  }
  char *out = NULL;
  if (asprintf(&out, "%s/%.*s.gold.json", dir, (int)n, base) < 0)
    return NULL;
  return out;
}

/* The frame of FILE: read back from a frame file (.json), else made in
 * process (cchc_process).  Reports its own errors. */
static bool frame_of(cli_ctx *ctx, const char *path, const char *data,
                     size_t len, bool is_frame, cchc_frame **frame,
                     int *rc) {
  cchc_error err = {0};
  const cchc_rules *rules = NULL;
  if (is_frame) {
    if (cchc_frame_from_json(data, len, frame, &err) == CCHC_OK)
      return true;
  } else if (!(rules = cli_rules(ctx))) {
    *rc = EXIT_USAGE;
    return false;
  } else {
    cchc_process_options opt = {.path = path};
    if (cchc_process(rules, data, len, &opt, frame, &err) == CCHC_OK)
      return true;
  }
  cli_report(path, data, len, &err);
  return false;
}

/* Report an error of cchc_eval_add: in the gold file, or no memory. */
static void report_add(const char *path, const char *gpath, const char *gold,
                       size_t glen, cchc_error *err) {
  bool in_gold = strcmp(err->path, "gold") == 0;
  err->path[0] = '\0';
  if (in_gold)
    cli_report(gpath, gold, glen, err);
  else
    cli_report(path, NULL, 0, err);
}

/* Score one FILE against its gold file and add it to `ev`; EXIT_OK, or
 * EXIT_INPUT (reported) when the file is not scored, or EXIT_USAGE when
 * the command cannot go on. */
static int score_file(cli_ctx *ctx, cchc_eval *ev, const char *gold_dir,
                      const char *path) {
  bool is_frame = ends_with(path, ".json");
  char *data = NULL, *gold = NULL, *gpath = NULL;
  cchc_frame *frame = NULL;
  size_t len = 0, glen = 0;
  cchc_error err = {0};
  int rc = EXIT_INPUT;
  if (!(gpath = gold_path(gold_dir, path))) {
    cli_errorf("out of memory");
    return EXIT_USAGE;
  }
  if (!cli_read_input(path, &data, &len) ||
      !cli_read_input(gpath, &gold, &glen))
    goto done;
  if (!frame_of(ctx, path, data, len, is_frame, &frame, &rc))
    goto done;
  if (cchc_eval_add(ev, base_name(path), frame, gold, glen, &err) != CCHC_OK)
    report_add(path, gpath, gold, glen, &err);
  else
    rc = EXIT_OK;
done:
  cchc_frame_free(frame);
  free(data);
  free(gold);
  free(gpath);
  return rc;
}

/* The table to standard output and, with --json, the JSON to its file. */
static int write_results(const cchc_eval *ev, const char *json_out) {
  char *table = NULL, *json = NULL;
  cchc_error err = {0};
  int rc = EXIT_USAGE;
  if (cchc_eval_render_table(ev, &table, &err) != CCHC_OK ||
      (json_out && cchc_eval_render_json(ev, &json, &err) != CCHC_OK)) {
    cli_errorf("eval: %s", err.message);
  } else {
    fputs(table, stdout);
    if (fflush(stdout) != 0 || ferror(stdout))
      cli_errorf("<stdout>: write error");
    else if (!json || cli_write(json_out, json, strlen(json)))
      rc = EXIT_OK;
  }
  free(table);
  free(json);
  return rc;
}

int cmd_eval(cli_ctx *ctx, int argc, char **argv) {
  const char *gold_dir = NULL, *json_out = NULL;
  const cli_option options[] = {OPT_STRING(0, "gold", &gold_dir),
                                OPT_STRING(0, "json", &json_out), OPT_END()};
  int rc, first = cli_parse_options(ctx, argc, argv, options, eval_help, &rc);
  if (first < 0)
    return rc;
  if (!gold_dir || first >= argc) {
    cli_errorf("eval: %s", !gold_dir ? "--gold DIR is required"
                                     : "no FILE to score");
    fputs(eval_help, stderr);
    return EXIT_USAGE;
  }
  cchc_eval *ev = cchc_eval_new();
  if (!ev) {
    cli_errorf("out of memory");
    return EXIT_USAGE;
  }
  rc = EXIT_OK;
  for (int i = first; i < argc && rc != EXIT_USAGE; i++) {
    int one = score_file(ctx, ev, gold_dir, argv[i]);
    if (one != EXIT_OK)
      rc = one;
  }
  if (rc != EXIT_USAGE) {
    int written = write_results(ev, json_out);
    if (written != EXIT_OK)
      rc = written;
  }
  cchc_eval_free(ev);
  return rc;
}
