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

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

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

/* One pass over the stored frames fills the parent, the listed plans and
 * the plans found to carry the parent out. */
typedef struct pass {
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
} pass;

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
static cchc_frame *read_frame(pass *c, const char *json) {
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
  pass *c = vctx;
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

/* Extract the frame of the file `path` (content hash `sha256`) into
 * in->frame. */
static bool extract_file(cli_ctx *ctx, const char *path, const char *data,
                         size_t len, const char *sha256, input *in) {
  const cchc_rules *rules = cli_rules(ctx);
  if (!rules)
    return false;
  cchc_process_options opt = {.path = path, .sha256 = sha256};
  cchc_error err = {0};
  if (cchc_process(rules, data, len, &opt, &in->frame, &err) == CCHC_OK)
    return true;
  cli_report(path, data, len, &err);
  return false;
}

/* Resolve a PLAN argument: the stored plan with that file's path and
 * content, else the file extracted on the fly, else a stored plan whose
 * path is the argument itself. */
static bool resolve(cli_ctx *ctx, const char *arg, const plans *stored,
                    input *in) {
  memset(in, 0, sizeof *in);
  in->arg = arg;
  in->id = -1;
  struct stat st;
  if (stat(arg, &st) == 0 && S_ISREG(st.st_mode)) {
    char *data = NULL;
    size_t len = 0;
    if (!cli_read_input(arg, &data, &len))
      return false;
    char *real = realpath(arg, NULL);
    char sha[65];
    const char *hash = cchc_sha256_hex(data, len, sha, NULL) == CCHC_OK
                           ? sha
                           : NULL;
    if (real && stored && hash) {
      for (size_t i = 0; i < stored->n; i++)
        if (strcmp(stored->items[i].path, real) == 0 &&
            strcmp(stored->items[i].sha256, sha) == 0) {
          in->id = stored->items[i].id;
          break;
        }
    }
    free(real);
    bool ok = in->id >= 0 ||
              extract_file(ctx, arg, data, len, hash, in);
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

/* The stored plans (without their frames), when there is a store. */
static bool load_stored(cli_ctx *ctx, plans *stored) {
  cchc_store *store = cli_store(ctx, false);
  cchc_error err = {0};
  if (!store)
    return false;
  if (cchc_store_each_plan(store, add_plan, stored, &err) != CCHC_OK) {
    cli_report(ctx->db, NULL, 0, &err);
    return false;
  }
  if (stored->failed) {
    cli_errorf("out of memory");
    return false;
  }
  return true;
}

/* The parent: the stored plan numbered `number` (the first when several
 * are), or the plan `against`.  EXIT_OK, EXIT_NOMATCH (no stored plan has
 * that number) or EXIT_USAGE. */
static int find_parent(cli_ctx *ctx, const char *number, const char *against,
                        plans *stored, bool have_db, input *parent) {
  if (against)
    return resolve(ctx, against, have_db ? stored : NULL, parent) ? EXIT_OK
                                                                 : EXIT_USAGE;
  size_t found = 0;
  for (size_t i = 0; i < stored->n; i++)
    if (cchc_number_equal(stored->items[i].number, number) && !found++)
      parent->id = stored->items[i].id;
  if (!found) {
    cli_errorf("audit: no stored plan is numbered %s; 'cchc ingest' it, or "
               "give it with --against FILE",
               number);
    return EXIT_NOMATCH;
  }
  if (found > 1)
    cli_errorf("audit: %zu stored plans are numbered %s; using the first "
               "(%s); --against PLAN chooses another",
               found, number, stored_by_id(stored, parent->id)->path);
  return EXIT_OK;
}

/* The number whose plans are audited when none are listed: --parent's, or
 * the number of the --against plan (malloc'd into *owned). */
static const char *children_number(const char *number, const char *against,
                                   plans *stored, const input *parent,
                                   char **owned) {
  if (number)
    return number;
  const splan *sp = parent->id >= 0 ? stored_by_id(stored, parent->id) : NULL;
  if (sp && sp->number)
    *owned = strdup(sp->number);
  else if (!sp && parent->frame &&
           cchc_frame_document(parent->frame, CCHC_DOC_NUMBER))
    *owned = strdup(cchc_frame_document(parent->frame, CCHC_DOC_NUMBER));
  if (!*owned)
    cli_errorf("%s: the plan has no number that others could cite; list "
               "the plans to audit",
               against);
  return *owned;
}

/* Audit `n` plans against the parent and write the findings; EXIT_OK (no
 * findings), EXIT_INPUT (findings), EXIT_NOMATCH (no plan to audit: the
 * empty audit is still written) or EXIT_USAGE. */
static int audit_plans(cli_ctx *ctx, const input *parent, const input *in,
                       size_t n, const char *parent_number,
                       const char *parent_name, cchc_report_format format,
                       const char *output) {
  int rc = EXIT_USAGE;
  cchc_error err = {0};
  cchc_audit *audit = NULL;
  char *text = NULL;
  size_t len = 0;
  const cchc_frame **frames = calloc(n ? n : 1, sizeof *frames);
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
    if (in[i].arg && parent_number &&
        !cchc_frame_carries_out(in[i].frame, parent_number))
      cli_errorf("note: %s does not cite %s as its parent; audited "
                 "against it anyway",
                 in[i].arg, parent_number);
  }
  if (cchc_audit_new(parent->frame, frames, n, &audit, &err) != CCHC_OK) {
    cli_report(ctx->db, NULL, 0, &err);
    goto done;
  }
  if (cchc_audit_render(audit, format, &text, &len, &err) != CCHC_OK) {
    cli_report("audit", NULL, 0, &err);
    goto done;
  }
  if (!cli_write(output, text, len))
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
  return rc;
}

int cmd_audit(cli_ctx *ctx, int argc, char **argv) {
  const char *parent_number = NULL, *against = NULL, *output = NULL;
  cchc_report_format format = CCHC_REPORT_TABLE;
  const cli_option options[] = {
      OPT_STRING(0, "parent", &parent_number),
      OPT_STRING(0, "against", &against),
      OPT_CALLBACK('f', "format", &format, cli_parse_report_format),
      OPT_STRING('o', "output", &output),
      OPT_END()};
  int rc, first = cli_parse_options(ctx, argc, argv, options, audit_help, &rc);
  if (first < 0)
    return rc;
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
  size_t nlisted = (size_t)(argc - first);
  bool have_db = cli_store_exists(ctx);
  if (!have_db && (parent_number || nlisted == 0)) {
    cli_no_store(ctx, parent_number ? "" : " (or list the plans to audit)");
    return EXIT_USAGE;
  }

  rc = EXIT_USAGE;
  plans stored = {0};
  input parent = {.id = -1};
  input *listed = calloc(nlisted ? nlisted : 1, sizeof *listed);
  pass px = {.stored = &stored, .parent = &parent, .listed = listed,
             .nlisted = nlisted};
  char *number = NULL;
  const char *parent_name = parent_number ? parent_number : against;
  cchc_error err = {0};
  if (!listed) {
    cli_errorf("out of memory");
    goto done;
  }
  if (have_db && !load_stored(ctx, &stored))
    goto done;
  if ((rc = find_parent(ctx, parent_number, against, &stored, have_db,
                        &parent)) != EXIT_OK)
    goto done;
  rc = EXIT_USAGE;
  for (size_t i = 0; i < nlisted; i++)
    if (!resolve(ctx, argv[first + i], have_db ? &stored : NULL, &listed[i]))
      goto done;
  if (nlisted == 0 &&
      !(px.children_of = children_number(parent_number, against, &stored,
                                         &parent, &number)))
    goto done;

  /* One pass over the stored frames: the parent, listed plans, children. */
  if (have_db && cchc_store_each_frame(ctx->store, NULL, 0, take_frame, &px,
                                       &err) != CCHC_OK) {
    cli_report(ctx->db, NULL, 0, &err);
    goto done;
  }
  if (px.failed) {
    if (px.err.message[0])
      cli_report(ctx->db, NULL, 0, &px.err);
    else
      cli_errorf("out of memory");
    goto done;
  }
  if (!parent.frame) {
    cli_errorf("%s: the parent plan's frame is not in the store", parent_name);
    goto done;
  }
  if (nlisted == 0 && px.nfound == 0)
    cli_errorf("audit: no stored plan carries out %s", px.children_of);
  rc = audit_plans(ctx, &parent, nlisted ? listed : px.found,
                   nlisted ? nlisted : px.nfound, parent_number, parent_name,
                   format, output);

done:
  cchc_frame_free(parent.frame);
  for (size_t i = 0; i < nlisted && listed; i++)
    cchc_frame_free(listed[i].frame);
  free(listed);
  for (size_t i = 0; i < px.nfound; i++)
    cchc_frame_free(px.found[i].frame);
  free(px.found);
  free(number);
  plans_free(&stored);
  return rc;
}
