/* cmd_compare.c: cchc compare [--db PATH] [--province P] [--year Y]
 * [--area A] [--indicator K] [-f table|csv|json] [-o OUT]
 *
 * Reads the latest frames from the store (filtered by province and year in
 * SQL), keeps their source, document and the targets whose indicator
 * passes --area/--indicator,
 * and hands the frames to cchc_compare_new, which puts the parent plans'
 * columns first; cchc_compare_render writes the matrix. */
#define _GNU_SOURCE
#include "cli.h"

#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

static const char compare_help[] =
    "usage: cchc compare [--db PATH] [--province P] [--year Y] [--area A]\n"
    "                    [--indicator K]... [-f table|csv|json] [-o OUT]\n"
    "\n"
    "The stored plans side by side: one row per indicator key, one column per\n"
    "plan (the latest version of each), the plan that the others carry out\n"
    "first.  A cell is the target as written in plain form ('≥ 98%', '> 70%',\n"
    "'95–100%', '= 100%', '≥ 2' for counts; several different targets of one\n"
    "indicator joined with '; '), '-' when the plan sets none.\n"
    "\n"
    "  --db PATH        the store (default: $CCHC_DB, else ./cchc.db)\n"
    "  --province P     only the plans of province P (case and accents as\n"
    "                   written or not: 'Đồng Nai', 'dong nai')\n"
    "  --year Y         only the plans of year Y\n"
    "  --area A         only the indicators of area A (the key's prefix:\n"
    "                   tthc, cqs, cong_vu, ...)\n"
    "  --indicator K    only indicator K (tthc.dung_han); may be repeated\n"
    "  -f, --format F   table (default), csv (UTF-8 with BOM, CRLF) or json\n"
    "  -o, --output OUT write to OUT (atomically) instead of standard output\n";

typedef struct frames {
  char **data;
  size_t *lens;
  size_t n, cap;
  const char *area;          /* NULL: all */
  const char *const *inds;   /* indicator keys; ninds == 0: all */
  size_t ninds;
  cchc_status st;            /* CCHC_OK unless a frame could not be kept */
  cchc_error err;
} frames;

static bool indicator_wanted(const frames *fr, const char *key) {
  if (!key)
    return false;
  if (fr->area) {
    size_t n = strlen(fr->area);
    if (strncmp(key, fr->area, n) != 0 || key[n] != '.')
      return false;
  }
  if (fr->ninds) {
    for (size_t i = 0; i < fr->ninds; i++)
      if (strcmp(key, fr->inds[i]) == 0)
        return true;
    return false;
  }
  return true;
}

/* The frame with only the targets whose indicator is wanted and without
 * the parts compare does not read, as compact JSON.  NULL with fr->st set
 * on failure. */
static char *filter_frame(frames *fr, const char *json, size_t *len) {
  json_error_t je;
  json_t *root = json_loads(json, 0, &je);
  if (!root || !json_is_object(root)) {
    json_decref(root);
    fr->st = CCHC_ERR_INVALID;
    snprintf(fr->err.message, sizeof fr->err.message,
             "a stored frame is not valid JSON: %s", je.text);
    return NULL;
  }
  json_t *kept = json_array();
  json_t *ts = json_object_get(root, "targets");
  size_t i;
  json_t *t;
  json_array_foreach(ts, i, t) {
    if (indicator_wanted(fr, json_string_value(json_object_get(t, "indicator"))))
      json_array_append(kept, t);
  }
  json_object_set_new(root, "targets", kept);
  static const char *const unused[] = {"sections", "tasks", "deadlines",
                                       "leads", "references",
                                       "inconsistencies"};
  for (size_t k = 0; k < sizeof unused / sizeof *unused; k++)
    json_object_del(root, unused[k]);
  char *out = json_dumps(root, JSON_COMPACT | JSON_PRESERVE_ORDER);
  json_decref(root);
  if (!out) {
    fr->st = CCHC_ERR_NOMEM;
    snprintf(fr->err.message, sizeof fr->err.message, "out of memory");
    return NULL;
  }
  *len = strlen(out);
  return out;
}

static int add_frame(void *ctx, int64_t id, const char *json) {
  frames *fr = ctx;
  if (!json)
    return 0;
  if (fr->n == fr->cap) {
    size_t cap = fr->cap ? fr->cap * 2 : 64;
    char **d = realloc(fr->data, cap * sizeof *d);
    if (d)
      fr->data = d;
    size_t *l = realloc(fr->lens, cap * sizeof *l);
    if (l)
      fr->lens = l;
    if (!d || !l) {
      fr->st = CCHC_ERR_NOMEM;
      snprintf(fr->err.message, sizeof fr->err.message, "out of memory");
      return 1;
    }
    fr->cap = cap;
  }
  /* Always slimmed: holding 1,000 whole frames parsed at once costs about
   * 400 MB, their document and targets alone a sixth of that, and the
   * extra parse is paid back by the smaller one in cchc_compare_new. */
  size_t len = 0;
  char *copy = filter_frame(fr, json, &len);
  if (!copy)
    return 1;
  fr->data[fr->n] = copy;
  fr->lens[fr->n] = len;
  fr->n++;
  return 0;
}

static bool parse_year(const cli_ctx *ctx, const char *arg, void *out) {
  char *end;
  errno = 0;
  long v = strtol(arg, &end, 10);
  if (errno || end == arg || *end || v < 1900 || v > 2200) {
    cli_errorf("compare: --year wants a year such as 2026, not '%s'", arg);
    return false;
  }
  *(int *)out = (int)v;
  return true;
}

/* --indicator K, repeated. */
typedef struct keys {
  const char **items;
  size_t n;
} keys;

static bool add_indicator(const cli_ctx *ctx, const char *arg, void *out) {
  keys *k = out;
  const char **items = realloc(k->items, (k->n + 1) * sizeof *items);
  if (!items) {
    cli_errorf("out of memory");
    return false;
  }
  k->items = items;
  k->items[k->n++] = arg;
  return true;
}

/* The stored frames of the --province and --year, slimmed to the wanted
 * indicators (fr), as cchc_compare_new takes them. */
static cchc_status gather(cli_ctx *ctx, const char *province, int year,
                          frames *fr) {
  cchc_store *store = cli_store(ctx, false);
  if (!store)
    return CCHC_ERR_IO;
  cchc_error err = {0};
  if (cchc_store_each_frame(store, province, year, add_frame, fr, &err) !=
      CCHC_OK) {
    cli_report(ctx->db, NULL, 0, &err);
    return err.code;
  }
  if (fr->st != CCHC_OK) {
    cli_report(ctx->db, NULL, 0, &fr->err);
    return fr->st;
  }
  if (fr->n == 0) {
    if (province || year)
      cli_errorf("compare: no stored plan matches the --province/--year "
                 "given");
    else
      cli_errorf("compare: %s holds no plans", ctx->db);
  }
  return CCHC_OK;
}

int cmd_compare(cli_ctx *ctx, int argc, char **argv) {
  const char *province = NULL, *output = NULL, *area = NULL;
  int year = 0;
  cchc_report_format format = CCHC_REPORT_TABLE;
  keys inds = {0};
  const cli_option options[] = {
      OPT_STRING(0, "province", &province),
      OPT_CALLBACK(0, "year", &year, parse_year),
      OPT_STRING(0, "area", &area),
      OPT_CALLBACK(0, "indicator", &inds, add_indicator),
      OPT_CALLBACK('f', "format", &format, cli_parse_report_format),
      OPT_STRING('o', "output", &output),
      OPT_END()};
  int rc, first = cli_parse_options(ctx, argc, argv, options, compare_help, &rc);
  frames fr = {0};
  cchc_compare *cmp = NULL;
  char *text = NULL;
  size_t len = 0;
  cchc_error err = {0};
  if (first < 0)
    goto done;
  rc = EXIT_USAGE;
  if (first < argc) {
    cli_errorf("compare: unexpected argument '%s' (plans are read from the "
               "store; 'cchc ingest' them first)",
               argv[first]);
    goto done;
  }
  if (area && !*area)
    area = NULL;
  fr = (frames){.area = area, .inds = inds.items, .ninds = inds.n};
  if (gather(ctx, province, year, &fr) != CCHC_OK)
    goto done;
  if (cchc_compare_new((const char *const *)fr.data, fr.lens, fr.n, &cmp,
                       &err) != CCHC_OK) {
    cli_report(ctx->db, NULL, 0, &err);
    goto done;
  }
  if (fr.n && cchc_compare_rows(cmp) == 0 && (area || inds.n))
    cli_errorf("compare: no stored target has %s",
               inds.n ? "that indicator" : "an indicator of that area");
  if (cchc_compare_render(cmp, format, &text, &len, &err) != CCHC_OK) {
    cli_report("compare", NULL, 0, &err);
    goto done;
  }
  if (cli_write(output, text, len))
    rc = EXIT_OK;

done:
  free(text);
  cchc_compare_free(cmp);
  for (size_t i = 0; i < fr.n; i++)
    free(fr.data[i]);
  free(fr.data);
  free(fr.lens);
  free(inds.items);
  return rc;
}
