/* cmd_eval.c: cchc eval --gold DIR [--json OUT] [--rules DIR] FILE... */
#define _GNU_SOURCE
#include "cli.h"

#include <getopt.h>
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

/* Extract a plan in process and render its frame as one line of JSON.
 * Reports its own errors. */
static bool frame_of_plan(const char *path, const char *data, size_t len,
                          const cchc_rules *rules, char **json,
                          size_t *json_len) {
  cchc_process_options opt = {.path = path};
  cchc_frame *f = NULL;
  cchc_error err = {0};
  bool ok = false;
  if (cchc_process(rules, data, len, &opt, &f, &err) != CCHC_OK)
    cli_report(path, data, len, &err);
  else if (cchc_render(f, CCHC_FORMAT_JSONL, 0, json, json_len, &err) !=
           CCHC_OK)
    cli_report(path, NULL, 0, &err);
  else
    ok = true;
  cchc_frame_free(f);
  return ok;
}

/* Report an error of cchc_eval_add against the input it names. */
static void report_add(const char *path, const char *data, size_t len,
                       const char *gpath, const char *gold, size_t glen,
                       bool frame_is_file, cchc_error *err) {
  bool in_gold = strcmp(err->path, "gold") == 0;
  err->path[0] = '\0';
  if (in_gold) {
    cli_report(gpath, gold, glen, err);
  } else if (frame_is_file) {
    cli_report(path, data, len, err);
  } else {
    /* A frame made here: its lines mean nothing to the user. */
    err->line = 0;
    err->has_offset = 0;
    cli_report(path, NULL, 0, err);
  }
}

int cmd_eval(int argc, char **argv) {
  enum { OPT_GOLD = 256, OPT_JSON, OPT_RULES };
  static const struct option longopts[] = {
      {"gold", required_argument, NULL, OPT_GOLD},
      {"json", required_argument, NULL, OPT_JSON},
      {"rules", required_argument, NULL, OPT_RULES},
      {"help", no_argument, NULL, 'h'},
      {NULL, 0, NULL, 0}};
  const char *gold_dir = NULL, *json_out = NULL, *rules_dir = NULL;
  int c;
  optind = 1;
  while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
    switch (c) {
    case OPT_GOLD:
      gold_dir = optarg;
      break;
    case OPT_JSON:
      json_out = optarg;
      break;
    case OPT_RULES:
      rules_dir = optarg;
      break;
    case 'h':
      fputs(eval_help, stdout);
      return fflush(stdout) == 0 ? EXIT_OK : EXIT_USAGE;
    default:
      fputs(eval_help, stderr);
      return EXIT_USAGE;
    }
  }
  if (!gold_dir || optind >= argc) {
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
  cchc_rules *rules = NULL;
  int rc = EXIT_OK;
  for (int i = optind; i < argc; i++) {
    const char *path = argv[i];
    bool is_frame = ends_with(path, ".json");
    char *data = NULL, *gold = NULL, *frame = NULL, *gpath = NULL;
    size_t len = 0, glen = 0, flen = 0;
    cchc_error err = {0};
    if (!(gpath = gold_path(gold_dir, path))) {
      cli_errorf("out of memory");
      rc = EXIT_USAGE;
      break;
    }
    if (!cli_read_file(path, &data, &len, &err)) {
      cli_report(path, NULL, 0, &err);
      rc = EXIT_INPUT;
      goto next;
    }
    if (!cli_read_file(gpath, &gold, &glen, &err)) {
      cli_report(gpath, NULL, 0, &err);
      rc = EXIT_INPUT;
      goto next;
    }
    if (is_frame) {
      frame = data;
      flen = len;
    } else {
      if (!rules && !(rules = cli_load_rules(rules_dir))) {
        rc = EXIT_USAGE;
        free(data);
        free(gold);
        free(gpath);
        break;
      }
      if (!frame_of_plan(path, data, len, rules, &frame, &flen)) {
        rc = EXIT_INPUT;
        goto next;
      }
    }
    if (cchc_eval_add(ev, base_name(path), frame, flen, gold, glen, &err) !=
        CCHC_OK) {
      report_add(path, data, len, gpath, gold, glen, is_frame, &err);
      rc = EXIT_INPUT;
    }
  next:
    if (frame != data)
      free(frame);
    free(data);
    free(gold);
    free(gpath);
  }
  if (rules)
    cchc_rules_free(rules);

  if (rc != EXIT_USAGE) {
    char *table = NULL, *json = NULL;
    cchc_error err = {0};
    if (cchc_eval_render_table(ev, &table, &err) != CCHC_OK ||
        (json_out && cchc_eval_render_json(ev, &json, &err) != CCHC_OK)) {
      cli_errorf("eval: %s", err.message);
      rc = EXIT_USAGE;
    } else {
      fputs(table, stdout);
      if (fflush(stdout) != 0 || ferror(stdout)) {
        cli_errorf("<stdout>: write error");
        rc = EXIT_USAGE;
      }
      cli_out o;
      if (json && rc != EXIT_USAGE) {
        if (!cli_out_open(&o, json_out)) {
          rc = EXIT_USAGE;
        } else {
          fputs(json, o.fp);
          if (!cli_out_commit(&o))
            rc = EXIT_USAGE;
        }
      }
    }
    free(table);
    free(json);
  }
  cchc_eval_free(ev);
  return rc;
}
