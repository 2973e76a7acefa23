/* cmd_audit.c: cchc audit [--db PATH] (--parent NUMBER | --against PLAN)
 * [-f table|csv|json] [-o OUT] [PLAN...]
 *
 * Finds the parent frame (the stored plan numbered NUMBER, or the plan
 * PLAN), the plans to audit (those listed, else the stored plans that carry
 * the parent out), and hands them to cchc_audit_new; cchc_audit_render
 * writes the findings.  A listed plan is taken from the store when the file
 * is stored under its path with the same content (its SHA-256), else it is
 * extracted on the fly. */
#define _GNU_SOURCE
#include "cli.h"

#include <getopt.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char audit_help[] =
    "usage: cchc audit [--db PATH] [--rules DIR] (--parent NUMBER | --against "
    "PLAN)\n"
    "                  [-f table|csv|json] [-o OUT] [PLAN...]\n"
    "\n"
    "Check plans against the plan they carry out, indicator by indicator.\n"
    "\n"
    "  --parent NUMBER  the parent is the stored plan numbered NUMBER\n"
    "                   (228/KH-UBND; white space and case ignored)\n"
    "  --against PLAN   the parent is PLAN: a file (taken from the store when\n"
    "                   stored with the same content, else extracted) or the\n"
    "                   path of a stored plan\n"
    "  PLAN...          the plans to audit (files or stored paths); by default\n"
    "                   every stored plan whose parent is the parent's number\n"
    "  --db PATH        the store (default: $CCHC_DB, else ./cchc.db)\n"
    "  --rules DIR      rules for plans extracted on the fly\n"
    "  -f, --format F   table (default), csv (UTF-8 with BOM, CRLF) or json\n"
    "  -o, --output OUT write to OUT (atomically) instead of standard output\n"
    "\n"
    "Findings: lower (the plan guarantees less than the parent: '≥ 95%' vs\n"
    "'≥ 98%'), missing (the parent sets a target the plan lacks, by indicator\n"
    "and by subject), unmatched (no plan target has the parent's indicator,\n"
    "but one without an indicator has a similar subject: the candidate), later\n"
    "(a task due after the parent's deadline for it), inconsistent (the plan\n"
    "states one indicator twice with different values).  Each gives both\n"
    "sides' text and byte spans in their source files.\n"
    "\n"
    "exit codes: 0 no findings, 1 findings, 2 usage error or failure, 3 no\n"
    "stored plan is numbered NUMBER, or none carries the parent out (the\n"
    "empty audit is still written).\n";

/* A stored plan, as cchc_store_each_plan lists it. */
typedef struct splan {
  int64_t id;
  char *path, *sha256, *number, *parent_number;
} splan;

typedef struct plans {
  splan *items;
  size_t n, cap;
  size_t cursor; /* where stored_by_id looks first */
  bool failed;
} plans;

static int add_plan(void *ctx, const cchc_store_plan *p) {
  plans *ps = ctx;
  if (ps->n == ps->cap) {
    size_t cap = ps->cap ? ps->cap * 2 : 64;
    splan *items = realloc(ps->items, cap * sizeof *items);
    if (!items) {
      ps->failed = true;
      return 1;
    }
    ps->items = items;
    ps->cap = cap;
  }
  splan *s = &ps->items[ps->n++];
  memset(s, 0, sizeof *s);
  s->id = p->id;
  s->path = strdup(p->path ? p->path : "");
  s->sha256 = strdup(p->sha256 ? p->sha256 : "");
  s->number = p->number ? strdup(p->number) : NULL;
  s->parent_number = p->parent_number ? strdup(p->parent_number) : NULL;
  if (!s->path || !s->sha256 || (p->number && !s->number) ||
      (p->parent_number && !s->parent_number)) {
    ps->failed = true;
    return 1;
  }
  return 0;
}

static void plans_free(plans *ps) {
  for (size_t i = 0; i < ps->n; i++) {
    free(ps->items[i].path);
    free(ps->items[i].sha256);
    free(ps->items[i].number);
    free(ps->items[i].parent_number);
  }
  free(ps->items);
}

/* A frame to audit: from the store (id >= 0, filled by the frame pass) or
 * extracted from a file. */
typedef struct input {
  const char *arg; /* as given on the command line; NULL for found plans */
  int64_t id;      /* stored plan, or -1 */
  cchc_frame *frame;
} input;

typedef struct ctx {
  plans *stored;
  input *parent;
  input *listed;
  size_t nlisted;
  /* --parent/--against without PLAN: gather the plans carrying it out */
  const char *children_of;
  input *found;
  size_t nfound, capfound;
  bool failed;
  cchc_error err;
} ctx;

static const splan *stored_by_id(plans *ps, int64_t id) {
  /* cchc_store_each_plan and cchc_store_each_frame use the same order, so
   * the plan after the last one found is almost always the one wanted: a
   * search from a moving cursor keeps a whole pass linear. */
  for (size_t k = 0; k < ps->n; k++) {
    size_t i = (ps->cursor + k) % ps->n;
    if (ps->items[i].id == id) {
      ps->cursor = i + 1;
      return &ps->items[i];
    }
  }
  return NULL;
}

/* A stored frame read back; NULL with c->failed on failure. */
static cchc_frame *read_frame(ctx *c, const char *json) {
  cchc_frame *f = NULL;
  if (cchc_frame_from_json(json, strlen(json), &f, &c->err) != CCHC_OK) {
    /* Its line and offset are in the store's text, not in a file. */
    c->err.line = 0;
    c->err.has_offset = 0;
    c->failed = true;
  }
  return f;
}

static int take_frame(void *vctx, int64_t id, const char *json) {
  ctx *c = vctx;
  if (!json)
    return 0;
  for (size_t i = 0; i <= c->nlisted; i++) {
    input *in = i < c->nlisted ? &c->listed[i] : c->parent;
    if (in->id == id && !in->frame && !(in->frame = read_frame(c, json)))
      return 1;
  }
  if (c->children_of && id != c->parent->id) {
    /* the store's parent number first (cheap), then the frame itself */
    const splan *sp = stored_by_id(c->stored, id);
    if (sp && !cchc_number_equal(sp->parent_number, c->children_of))
      return 0;
    cchc_frame *f = read_frame(c, json);
    if (!f)
      return 1;
    if (!cchc_frame_carries_out(f, c->children_of)) {
      cchc_frame_free(f);
      return 0;
    }
    if (c->nfound == c->capfound) {
      size_t cap = c->capfound ? c->capfound * 2 : 32;
      input *found = realloc(c->found, cap * sizeof *found);
      if (!found) {
        cchc_frame_free(f);
        c->failed = true;
        return 1;
      }
      c->found = found;
      c->capfound = cap;
    }
    input *in = &c->found[c->nfound++];
    memset(in, 0, sizeof *in);
    in->id = id;
    in->frame = f;
  }
  return 0;
}

/* Extract the frame of the file `path` into in->frame. */
static bool extract_file(const char *path, const char *data, size_t len,
                         cchc_rules **rules, const char *rules_dir,
                         input *in) {
  if (!*rules && !(*rules = cli_load_rules(rules_dir)))
    return false;
  cchc_normalize_options opt = {0};
  cchc_text *text = NULL;
  cchc_error err = {0};
  bool ok = false;
  if (cchc_normalize(data, len, &opt, &text, &err) != CCHC_OK)
    cli_report(path, data, len, &err);
  else if (cchc_extract(*rules, text, path, data, len, &in->frame, &err) !=
           CCHC_OK)
    cli_report(path, data, len, &err);
  else
    ok = true;
  cchc_text_free(text);
  return ok;
}

/* Resolve a PLAN argument: the stored plan with that file's path and
 * content, else the file extracted on the fly, else a stored plan whose
 * path is the argument itself. */
static bool resolve(const char *arg, const plans *stored, cchc_rules **rules,
                    const char *rules_dir, input *in) {
  memset(in, 0, sizeof *in);
  in->arg = arg;
  in->id = -1;
  struct stat st;
  if (stat(arg, &st) == 0 && S_ISREG(st.st_mode)) {
    char *data = NULL;
    size_t len = 0;
    cchc_error err = {0};
    if (!cli_read_file(arg, &data, &len, &err)) {
      cli_report(arg, NULL, 0, &err);
      return false;
    }
    char *real = realpath(arg, NULL);
    if (real && stored) {
      char sha[65];
      (void)cchc_sha256_hex(data, len, sha, NULL);
      for (size_t i = 0; i < stored->n; i++)
        if (strcmp(stored->items[i].path, real) == 0 &&
            strcmp(stored->items[i].sha256, sha) == 0) {
          in->id = stored->items[i].id;
          break;
        }
    }
    free(real);
    bool ok = in->id >= 0 ||
              extract_file(arg, data, len, rules, rules_dir, in);
    free(data);
    return ok;
  }
  for (size_t i = 0; stored && i < stored->n; i++)
    if (strcmp(stored->items[i].path, arg) == 0) {
      in->id = stored->items[i].id;
      return true;
    }
  cli_errorf("%s: no such file, and no stored plan has that path", arg);
  return false;
}

int cmd_audit(int argc, char **argv) {
  enum { OPT_DB = 256, OPT_RULES, OPT_PARENT, OPT_AGAINST };
  static const struct option longopts[] = {
      {"db", required_argument, NULL, OPT_DB},
      {"rules", required_argument, NULL, OPT_RULES},
      {"parent", required_argument, NULL, OPT_PARENT},
      {"against", required_argument, NULL, OPT_AGAINST},
      {"format", required_argument, NULL, 'f'},
      {"output", required_argument, NULL, 'o'},
      {"help", no_argument, NULL, 'h'},
      {NULL, 0, NULL, 0}};
  const char *db = cli_default_db(), *rules_dir = NULL, *output = NULL;
  const char *parent_number = NULL, *against = NULL;
  cchc_report_format format = CCHC_REPORT_TABLE;
  int c;
  optind = 1;
  while ((c = getopt_long(argc, argv, "f:o:h", longopts, NULL)) != -1) {
    switch (c) {
    case OPT_DB:
      db = optarg;
      break;
    case OPT_RULES:
      rules_dir = optarg;
      break;
    case OPT_PARENT:
      parent_number = optarg;
      break;
    case OPT_AGAINST:
      against = optarg;
      break;
    case 'f':
      if (!cchc_report_format_parse(optarg, &format)) {
        cli_errorf("audit: unknown format '%s' (table, csv or json)", optarg);
        return EXIT_USAGE;
      }
      break;
    case 'o':
      output = optarg;
      break;
    case 'h':
      fputs(audit_help, stdout);
      return fflush(stdout) == 0 ? EXIT_OK : EXIT_USAGE;
    default:
      fputs(audit_help, stderr);
      return EXIT_USAGE;
    }
  }
  if (!parent_number == !against) {
    cli_errorf("audit: give the parent plan: --parent NUMBER or --against "
               "PLAN (one of them)");
    fputs(audit_help, stderr);
    return EXIT_USAGE;
  }
  if (parent_number && !*parent_number) {
    cli_errorf("audit: --parent wants a document number such as 228/KH-UBND");
    return EXIT_USAGE;
  }
  size_t nlisted = (size_t)(argc - optind);
  bool have_db = access(db, F_OK) == 0;
  if (!have_db && (parent_number || nlisted == 0)) {
    cli_errorf("%s: no store here; 'cchc ingest --db %s FILE...' makes one%s",
               db, db,
               parent_number ? "" : " (or list the plans to audit)");
    return EXIT_USAGE;
  }

  int rc = EXIT_USAGE;
  cchc_store *store = NULL;
  cchc_rules *rules = NULL;
  cchc_error err = {0};
  plans stored = {0};
  input parent = {.id = -1};
  input *listed = calloc(nlisted ? nlisted : 1, sizeof *listed);
  ctx cx = {0};
  cchc_audit *audit = NULL;
  char *text = NULL, *number = NULL;
  size_t len = 0;
  const cchc_frame **frames = NULL;
  if (!listed) {
    cli_errorf("out of memory");
    goto done;
  }
  for (size_t i = 0; i < nlisted; i++)
    listed[i].id = -1;

  if (have_db) {
    if (cchc_store_open(db, &store, &err) != CCHC_OK) {
      cli_report(db, NULL, 0, &err);
      goto done;
    }
    if (cchc_store_each_plan(store, add_plan, &stored, &err) != CCHC_OK) {
      cli_report(db, NULL, 0, &err);
      goto done;
    }
    if (stored.failed) {
      cli_errorf("out of memory");
      goto done;
    }
  }

  /* The parent. */
  const char *parent_name;
  if (parent_number) {
    size_t found = 0;
    for (size_t i = 0; i < stored.n; i++)
      if (cchc_number_equal(stored.items[i].number, parent_number)) {
        if (!found++)
          parent.id = stored.items[i].id;
      }
    if (!found) {
      cli_errorf("audit: no stored plan is numbered %s; 'cchc ingest' it, or "
                 "give it with --against FILE",
                 parent_number);
      rc = EXIT_NOMATCH;
      goto done;
    }
    if (found > 1)
      cli_errorf("audit: %zu stored plans are numbered %s; using the first "
                 "(%s); --against PLAN chooses another",
                 found, parent_number, stored_by_id(&stored, parent.id)->path);
    parent_name = parent_number;
  } else {
    if (!resolve(against, have_db ? &stored : NULL, &rules, rules_dir,
                 &parent))
      goto done;
    parent_name = against;
  }
  for (size_t i = 0; i < nlisted; i++)
    if (!resolve(argv[optind + i], have_db ? &stored : NULL, &rules,
                 rules_dir, &listed[i]))
      goto done;

  /* The number whose plans are audited when none are listed. */
  if (nlisted == 0) {
    if (parent_number)
      cx.children_of = parent_number;
    else {
      const splan *sp =
          parent.id >= 0 ? stored_by_id(&stored, parent.id) : NULL;
      if (sp && sp->number)
        number = strdup(sp->number);
      else if (!sp && parent.frame &&
               cchc_frame_document(parent.frame, CCHC_DOC_NUMBER))
        number = strdup(cchc_frame_document(parent.frame, CCHC_DOC_NUMBER));
      if (!number) {
        cli_errorf("%s: the plan has no number that others could cite; list "
                   "the plans to audit",
                   against);
        goto done;
      }
      cx.children_of = number;
    }
  }

  /* One pass over the stored frames: the parent, listed plans, children. */
  cx.stored = &stored;
  cx.parent = &parent;
  cx.listed = listed;
  cx.nlisted = nlisted;
  if (store) {
    if (cchc_store_each_frame(store, NULL, 0, take_frame, &cx, &err) !=
        CCHC_OK) {
      cli_report(db, NULL, 0, &err);
      goto done;
    }
    if (cx.failed) {
      if (cx.err.message[0])
        cli_report(db, NULL, 0, &cx.err);
      else
        cli_errorf("out of memory");
      goto done;
    }
  }
  if (!parent.frame) {
    cli_errorf("%s: the parent plan's frame is not in the store", parent_name);
    goto done;
  }

  size_t n = nlisted ? nlisted : cx.nfound;
  input *in = nlisted ? listed : cx.found;
  frames = calloc(n ? n : 1, sizeof *frames);
  if (!frames) {
    cli_errorf("out of memory");
    goto done;
  }
  for (size_t i = 0; i < n; i++) {
    if (!in[i].frame) {
      cli_errorf("%s: the plan's frame is not in the store", in[i].arg);
      goto done;
    }
    frames[i] = in[i].frame;
    if (nlisted && parent_number &&
        !cchc_frame_carries_out(in[i].frame, parent_number))
      cli_errorf("note: %s does not cite %s as its parent; audited "
                 "against it anyway",
                 in[i].arg, parent_number);
  }
  if (n == 0)
    cli_errorf("audit: no stored plan carries out %s", cx.children_of);

  if (cchc_audit_new(parent.frame, frames, n, &audit, &err) != CCHC_OK) {
    cli_report(db, NULL, 0, &err);
    goto done;
  }
  if (cchc_audit_render(audit, format, &text, &len, &err) != CCHC_OK) {
    cli_report("audit", NULL, 0, &err);
    goto done;
  }
  cli_out out;
  if (!cli_out_open(&out, output))
    goto done;
  fwrite(text, 1, len, out.fp);
  if (!cli_out_commit(&out))
    goto done;
  size_t nf = cchc_audit_count(audit);
  if (format == CCHC_REPORT_TABLE)
    fprintf(stderr, "cchc: audit: %zu plan%s against %s: %zu finding%s\n", n,
            n == 1 ? "" : "s", parent_name, nf, nf == 1 ? "" : "s");
  rc = n == 0 ? EXIT_NOMATCH : nf ? EXIT_INPUT : EXIT_OK;

done:
  free(text);
  cchc_audit_free(audit);
  free(frames);
  cchc_frame_free(parent.frame);
  for (size_t i = 0; i < nlisted && listed; i++)
    cchc_frame_free(listed[i].frame);
  free(listed);
  for (size_t i = 0; i < cx.nfound; i++)
    cchc_frame_free(cx.found[i].frame);
  free(cx.found);
  free(number);
  plans_free(&stored);
  cchc_store_close(store);
  if (rules)
    cchc_rules_free(rules);
  return rc;
}
