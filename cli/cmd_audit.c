/* cmd_audit.c: cchc audit [--db PATH] (--parent NUMBER | --against PLAN)
 * [-f table|csv|json] [-o OUT] [PLAN...]
 *
 * Finds the parent (the stored plan numbered NUMBER, or the plan PLAN) and
 * the plans to audit (those listed, else the stored plans that carry the
 * parent out), and hands them to cchc_audit_write, which reads each stored
 * plan from the store's tables in turn and writes the findings as it goes.
 * A listed plan is taken from the store when the file is stored under its
 * path with the same content (its SHA-256), else it is extracted on the
 * fly. */
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

/* A plan to audit, or the parent: a stored plan (id >= 0) or a frame
 * extracted from a file. */
typedef struct input {
  const char *arg; /* as given on the command line; NULL for found plans */
  int64_t id;      /* stored plan, or -1 */
  cchc_frame *frame;
} input;

static const splan *stored_by_id(const plans *ps, int64_t id) {
  for (size_t i = 0; i < ps->n; i++)
    if (ps->items[i].id == id)
      return &ps->items[i];
  return NULL;
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

/* The stored plans that carry out `number` (other than the parent), in
 * the store's order. */
static bool children(const plans *stored, const char *number,
                     int64_t parent_id, input **out, size_t *n) {
  *n = 0;
  *out = calloc(stored->n + 1, sizeof **out);
  if (!*out)
    return false;
  for (size_t i = 0; i < stored->n; i++)
    if (stored->items[i].id != parent_id &&
        cchc_number_equal(stored->items[i].parent_number, number))
      (*out)[(*n)++] = (input){NULL, stored->items[i].id, NULL};
  return true;
}

/* Audit `n` plans against the parent and write the findings; EXIT_OK (no
 * findings), EXIT_INPUT (findings), EXIT_NOMATCH (no plan to audit: the
 * empty audit is still written) or EXIT_USAGE. */
static int audit_plans(cli_ctx *ctx, const plans *stored, const input *parent,
                       const input *in, size_t n, const char *parent_number,
                       const char *parent_name, cchc_report_format format,
                       const char *output) {
  int rc = EXIT_USAGE;
  cchc_error err = {0};
  cli_out out;
  size_t nf = 0;
  cchc_audit_plan *refs = calloc(n + 1, sizeof *refs);
  if (!refs) {
    cli_errorf("out of memory");
    goto done;
  }
  for (size_t i = 0; i < n; i++) {
    refs[i] = (cchc_audit_plan){in[i].frame, in[i].id};
    const splan *sp = in[i].frame ? NULL : stored_by_id(stored, in[i].id);
    bool cites = in[i].frame
                     ? cchc_frame_carries_out(in[i].frame, parent_number)
                     : sp && cchc_number_equal(sp->parent_number,
                                               parent_number);
    if (in[i].arg && parent_number && !cites)
      cli_errorf("note: %s does not cite %s as its parent; audited "
                 "against it anyway",
                 in[i].arg, parent_number);
  }
  cchc_audit_plan par = {parent->frame, parent->id};
  if (!cli_out_open(&out, output))
    goto done;
  cchc_status st = cchc_audit_write(ctx->store, &par, refs, n, format,
                                    cli_out_sink, &out, &nf, &err);
  if (!cli_out_finish(&out, st, ctx->db, &err))
    goto done;
  if (format == CCHC_REPORT_TABLE)
    fprintf(stderr, "cchc: audit: %zu plan%s against %s: %zu finding%s\n", n,
            n == 1 ? "" : "s", parent_name, nf, nf == 1 ? "" : "s");
  rc = n == 0 ? EXIT_NOMATCH : nf ? EXIT_INPUT : EXIT_OK;
done:
  free(refs);
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
  input *found = NULL;
  size_t nfound = 0;
  char *number = NULL;
  const char *children_of = NULL;
  const char *parent_name = parent_number ? parent_number : against;
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
  if (nlisted == 0) {
    if (!(children_of = children_number(parent_number, against, &stored,
                                        &parent, &number)))
      goto done;
    if (!children(&stored, children_of, parent.id, &found, &nfound)) {
      cli_errorf("out of memory");
      goto done;
    }
    if (nfound == 0)
      cli_errorf("audit: no stored plan carries out %s", children_of);
  }
  rc = audit_plans(ctx, &stored, &parent, nlisted ? listed : found,
                   nlisted ? nlisted : nfound, parent_number, parent_name,
                   format, output);

done:
  cchc_frame_free(parent.frame);
  for (size_t i = 0; i < nlisted && listed; i++)
    cchc_frame_free(listed[i].frame);
  free(listed);
  free(found);
  free(number);
  plans_free(&stored);
  return rc;
}
