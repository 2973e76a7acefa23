/* cmd_extract.c: cchc extract [-f FORMAT] [-o OUT] [options] [FILE...] */
#define _GNU_SOURCE
#include "cli.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char extract_help[] =
    "usage: cchc extract [-f FORMAT] [-o OUT] [--rules DIR] [--repair]\n"
    "                    [--encoding ENC] [FILE...]\n"
    "\n"
    "Extract the task frame of each FILE (standard input when none): document\n"
    "metadata, references, sections, targets, deadlines, tasks and leads,\n"
    "each with its byte span in the input and the id of the rule that found\n"
    "it.\n"
    "\n"
    "  -f FORMAT       json    one pretty-printed document (default)\n"
    "                  jsonl   one document per line\n"
    "                  xml     one document\n"
    "                  csv     one row per target, UTF-8 with BOM and a header\n"
    "  -o OUT          write to OUT (atomically).  With json or xml and several\n"
    "                  FILEs, OUT is a directory that receives NAME.json or\n"
    "                  NAME.xml per input; jsonl and csv write every input to\n"
    "                  one stream\n"
    "  --rules DIR     the rules directory (default: $CCHC_RULES, else rules/)\n"
    "  --repair        replace invalid bytes with U+FFFD instead of failing\n"
    "  --encoding ENC  utf-8, utf-16le, utf-16be or windows-1258\n"
    "                  (default: detect)\n"
    "\n"
    "A bad input is reported as 'cchc: FILE:LINE: message' and the others\n"
    "are still written; the exit code is then 1.  'cchc schema json' and\n"
    "'cchc schema xml' print the schemas of the output.\n";

static bool is_dir(const char *path) {
  struct stat st;
  return path && stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* DIR/NAME.EXT for input `path`: its base name without the extension. */
static char *output_name(const char *dir, const char *path, const char *ext) {
  const char *base = strcmp(path, "-") ? path : "stdin";
  const char *slash = strrchr(base, '/');
  if (slash)
    base = slash + 1;
  const char *dot = strrchr(base, '.');
  int n = dot && dot != base ? (int)(dot - base) : (int)strlen(base);
  char *name = NULL;
  if (asprintf(&name, "%s/%.*s.%s", dir, n, base, ext) < 0)
    return NULL;
  return name;
}

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Read, process and render one input into *out.  Reports the error and
 * returns false when the input is rejected. */
static bool extract_one(const cchc_rules *rules,
                        const cchc_normalize_options *opt, const char *path,
                        cchc_format format, unsigned flags, char **out,
                        size_t *outlen) {
  char *data = NULL;
  size_t len = 0;
  cchc_frame *frame = NULL;
  cchc_error err = {0};
  bool ok = false;
  if (!cli_read_file(path, &data, &len, &err)) {
    cli_report(path, NULL, 0, &err);
    goto done;
  }
  cchc_process_options popt = {.normalize = *opt,
                               .path = strcmp(path, "-") ? path : NULL};
  if (cchc_process(rules, data, len, &popt, &frame, &err) != CCHC_OK) {
    cli_report(path, data, len, &err);
    goto done;
  }
  if (cchc_render(frame, format, flags, out, outlen, &err) != CCHC_OK) {
    cli_report(path, NULL, 0, &err);
    goto done;
  }
  ok = true;
done:
  cchc_frame_free(frame);
  free(data);
  return ok;
}

int cmd_extract(int argc, char **argv) {
  enum { OPT_RULES = 256, OPT_REPAIR, OPT_ENCODING };
  static const struct option longopts[] = {
      {"format", required_argument, NULL, 'f'},
      {"output", required_argument, NULL, 'o'},
      {"rules", required_argument, NULL, OPT_RULES},
      {"repair", no_argument, NULL, OPT_REPAIR},
      {"encoding", required_argument, NULL, OPT_ENCODING},
      {"help", no_argument, NULL, 'h'},
      {NULL, 0, NULL, 0}};
  cchc_normalize_options opt = {0};
  cchc_format format = CCHC_FORMAT_JSON;
  const char *format_name = "json";
  const char *out_path = NULL, *rules_dir = NULL;
  int c;
  optind = 1;
  while ((c = getopt_long(argc, argv, "f:o:h", longopts, NULL)) != -1) {
    switch (c) {
    case 'f':
      if (!cchc_format_parse(optarg, &format)) {
        cli_errorf("extract: unknown format '%s' (json, jsonl, xml or csv)",
                   optarg);
        return EXIT_USAGE;
      }
      format_name = optarg;
      break;
    case 'o':
      out_path = optarg;
      break;
    case OPT_RULES:
      rules_dir = optarg;
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
    case 'h':
      fputs(extract_help, stdout);
      return fflush(stdout) == 0 ? EXIT_OK : EXIT_USAGE;
    default:
      fputs(extract_help, stderr);
      return EXIT_USAGE;
    }
  }
  int nfiles = argc - optind;
  char *stdin_only[] = {"-"};
  char **files = nfiles ? argv + optind : stdin_only;
  if (!nfiles)
    nfiles = 1;

  /* json and xml are one document per output: several inputs need a
   * directory.  jsonl and csv are streams: one output for all. */
  bool documents = format == CCHC_FORMAT_JSON || format == CCHC_FORMAT_XML;
  bool per_file = documents && (nfiles > 1 || is_dir(out_path));
  if (per_file && !out_path) {
    cli_errorf("extract: -f %s writes one document per input; with several "
               "inputs give -o DIR, or use -f jsonl for one document per line",
               format_name);
    return EXIT_USAGE;
  }
  if (per_file && !is_dir(out_path)) {
    cli_errorf("%s: with several inputs, -o must name a directory "
               "(or use -f jsonl)",
               out_path);
    return EXIT_USAGE;
  }
  if (!documents && is_dir(out_path)) {
    cli_errorf("%s: -f %s writes one stream; -o must name a file", out_path,
               format_name);
    return EXIT_USAGE;
  }

  int rc = EXIT_OK;
  char **names = NULL;
  cchc_rules *rules = NULL;
  cli_out shared = {0};
  bool shared_open = false;
  size_t emitted = 0;
  char *buf = NULL;

  if (per_file) {
    /* Output names, checked for clashes before any work. */
    const char *ext = format == CCHC_FORMAT_XML ? "xml" : "json";
    names = calloc((size_t)nfiles, sizeof *names);
    char **sorted = calloc((size_t)nfiles, sizeof *sorted);
    bool ok = names && sorted;
    for (int i = 0; ok && i < nfiles; i++)
      ok = (sorted[i] = names[i] = output_name(out_path, files[i], ext));
    if (!ok) {
      cli_errorf("out of memory");
      free(sorted);
      rc = EXIT_USAGE;
      goto cleanup;
    }
    qsort(sorted, (size_t)nfiles, sizeof *sorted, cmp_str);
    for (int i = 1; i < nfiles; i++)
      if (strcmp(sorted[i - 1], sorted[i]) == 0) {
        cli_errorf("%s: two inputs would be written to this file; give "
                   "inputs with different names, or use -f jsonl",
                   sorted[i]);
        rc = EXIT_USAGE;
        break;
      }
    free(sorted);
    if (rc != EXIT_OK)
      goto cleanup;
  }

  rules = cli_load_rules(rules_dir);
  if (!rules) {
    rc = EXIT_USAGE;
    goto cleanup;
  }
  if (!per_file) {
    if (!cli_out_open(&shared, out_path)) {
      rc = EXIT_USAGE;
      goto cleanup;
    }
    shared_open = true;
  }

  for (int i = 0; i < nfiles; i++) {
    size_t len = 0;
    /* CSV: the BOM and header row once, before the first row. */
    unsigned flags =
        format == CCHC_FORMAT_CSV && emitted == 0 ? CCHC_RENDER_CSV_HEADER : 0;
    if (!extract_one(rules, &opt, files[i], format, flags, &buf, &len)) {
      rc = EXIT_INPUT;
      continue;
    }
    if (per_file) {
      cli_out o;
      if (!cli_out_open(&o, names[i])) {
        rc = EXIT_USAGE;
        goto cleanup;
      }
      fwrite(buf, 1, len, o.fp); /* errors are caught by the commit */
      if (!cli_out_commit(&o)) {
        rc = EXIT_USAGE;
        goto cleanup;
      }
    } else if (fwrite(buf, 1, len, shared.fp) != len) {
      cli_errorf("%s: write error", out_path ? out_path : "<stdout>");
      rc = EXIT_USAGE;
      goto cleanup;
    }
    free(buf);
    buf = NULL;
    emitted++;
  }

cleanup:
  if (shared_open) {
    /* No output file after a stopped command or when nothing was
     * extracted: a failing run leaves the target untouched. */
    if (rc == EXIT_USAGE || (out_path && emitted == 0))
      cli_out_abort(&shared);
    else if (!cli_out_commit(&shared))
      rc = EXIT_USAGE;
  }
  free(buf);
  if (names)
    for (int i = 0; i < nfiles; i++)
      free(names[i]);
  free(names);
  if (rules)
    cchc_rules_free(rules);
  return rc;
}
