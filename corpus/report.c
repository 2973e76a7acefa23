/* report.c: the store as one self-contained HTML5 page.
 *
 * The page is a libxml2 HTML tree: every piece of text from the plans goes
 * in through xmlNewTextChild or xmlNewProp and is escaped by the serializer
 * (htmlDocDumpMemoryFormat), never by hand.  The only literal markup is the
 * constant style sheet.  Frames come from the store (cchc_store_each_frame)
 * and are read with cchc_frame_from_json; the heat map's cells and the
 * audit findings come from cchc_compare and cchc_audit, so the page says
 * what `cchc compare` and `cchc audit` say. */
#include "plan.h"
#include "../common/strbuf.h"

#include <libxml/HTMLtree.h>
#include <libxml/tree.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NONE SIZE_MAX

/* ------------------------------------------------------------------ */
/* Plans read from the store */

typedef struct rplan {
  char *json; /* the frame as stored, until it is read */
  cchc_frame *frame;
  plan plan; /* its comparable targets */
  const char *path, *level, *place, *province, *number, *parent, *pdate;
  const char *pstart, *pend;
  long long year;
  char *province_key;
  size_t ref;  /* index of the reference plan, or NONE */
  bool is_ref; /* some plan is coloured against this one */
  bool in;     /* shown (all, or the parent's family with --parent) */
} rplan;

typedef struct rset {
  rplan *p;
  size_t n, cap;
  bool oom;
} rset;

static int collect(void *ctx, int64_t id, const char *frame) {
  rset *s = ctx;
  (void)id;
  if (s->n == s->cap) {
    size_t cap = s->cap ? s->cap * 2 : 16;
    rplan *p = realloc(s->p, cap * sizeof *p);
    if (!p) {
      s->oom = true;
      return 1;
    }
    s->p = p;
    s->cap = cap;
  }
  rplan *p = &s->p[s->n];
  memset(p, 0, sizeof *p);
  if (!(p->json = strdup(frame))) {
    s->oom = true;
    return 1;
  }
  s->n++;
  return 0;
}

static void rset_free(rset *s) {
  for (size_t i = 0; i < s->n; i++) {
    free(s->p[i].json);
    plan_release(&s->p[i].plan);
    cchc_frame_free(s->p[i].frame);
    free(s->p[i].province_key);
  }
  free(s->p);
}

static cchc_status plan_read(rplan *p, size_t index, cchc_error *err) {
  cchc_error e = {0};
  if (cchc_frame_from_json(p->json, strlen(p->json), &p->frame, &e) !=
      CCHC_OK)
    return e.code == CCHC_ERR_NOMEM
               ? cchc_fail(err, CCHC_ERR_NOMEM, "out of memory")
               : cchc_fail(err, CCHC_ERR_INTERNAL,
                           "stored frame %zu is not a frame: %s", index + 1,
                           e.message);
  free(p->json);
  p->json = NULL;
  const cchc_frame *f = p->frame;
  p->path = cchc_frame_path(f);
  p->level = cchc_frame_document(f, CCHC_DOC_LEVEL);
  p->place = cchc_frame_document(f, CCHC_DOC_PLACE);
  p->province = cchc_frame_document(f, CCHC_DOC_PROVINCE);
  p->number = cchc_frame_document(f, CCHC_DOC_NUMBER);
  p->parent = cchc_frame_document(f, CCHC_DOC_PARENT_NUMBER);
  p->pdate = cchc_frame_document(f, CCHC_DOC_PARENT_DATE);
  p->pstart = cchc_frame_document(f, CCHC_DOC_PERIOD_START);
  p->pend = cchc_frame_document(f, CCHC_DOC_PERIOD_END);
  const char *year = cchc_frame_document(f, CCHC_DOC_YEAR);
  p->year = year ? strtoll(year, NULL, 10) : 0;
  p->ref = NONE;
  if (p->province &&
      !(p->province_key = cchc_match_key(p->province, strlen(p->province),
                                         err)))
    return err ? err->code : CCHC_ERR_NOMEM;
  return plan_init(&p->plan, f, "frame", err);
}

static bool is_level(const rplan *p, const char *level) {
  return p->level && strcmp(p->level, level) == 0;
}

/* The first plan numbered `number` (other than `self`), or NONE. */
static size_t find_number(const rset *s, const char *number, size_t self) {
  for (size_t i = 0; number && i < s->n; i++)
    if (i != self && cchc_number_equal(s->p[i].number, number))
      return i;
  return NONE;
}

/* Each plan's reference: the plan it carries out, else a province plan of
 * its province (same year preferred). */
static void link_refs(rset *s) {
  for (size_t i = 0; i < s->n; i++) {
    rplan *p = &s->p[i];
    p->ref = find_number(s, p->parent, i);
    if (p->ref == NONE && !is_level(p, "province") && p->province_key) {
      for (size_t j = 0; j < s->n; j++) {
        const rplan *q = &s->p[j];
        if (j == i || !is_level(q, "province") || !q->province_key ||
            strcmp(q->province_key, p->province_key) != 0)
          continue;
        if (p->ref == NONE || (q->year == p->year && s->p[p->ref].year != p->year))
          p->ref = j;
      }
    }
  }
}

/* ------------------------------------------------------------------ */
/* Tree building.  Every helper takes a possibly NULL parent (after a
 * failed allocation) and records failures in b->oom. */

typedef struct builder {
  bool oom;
} builder;

static xmlNodePtr el(builder *b, xmlNodePtr parent, const char *name,
                     const char *text) {
  if (!parent) {
    b->oom = true;
    return NULL;
  }
  xmlNodePtr n = xmlNewTextChild(parent, NULL, BAD_CAST name,
                                 text ? BAD_CAST text : NULL);
  if (!n)
    b->oom = true;
  return n;
}

static void attr(builder *b, xmlNodePtr n, const char *name,
                 const char *value) {
  if (!n || !xmlNewProp(n, BAD_CAST name, BAD_CAST(value ? value : "")))
    b->oom = true;
}

static xmlNodePtr elc(builder *b, xmlNodePtr parent, const char *name,
                      const char *cls, const char *text) {
  xmlNodePtr n = el(b, parent, name, text);
  if (cls)
    attr(b, n, "class", cls);
  return n;
}

static void text(builder *b, xmlNodePtr parent, const char *s) {
  if (!parent) {
    b->oom = true;
    return;
  }
  xmlNodePtr t = xmlNewText(BAD_CAST s);
  if (!t || !xmlAddChild(parent, t)) {
    xmlFreeNode(t);
    b->oom = true;
  }
}

static const char *dash(const char *s) { return s && *s ? s : "–"; }

static const char css[] =
    "body{font-family:'Noto Sans','DejaVu Sans',Arial,sans-serif;"
    "margin:24px;color:#1d232b;background:#fff;font-size:14px}"
    "h1{font-size:22px;margin:0 0 4px}"
    "h2{font-size:18px;margin:28px 0 8px;border-bottom:2px solid #d6dbe1;"
    "padding-bottom:4px}"
    "h3{font-size:15px;margin:18px 0 6px}"
    "p.summary{color:#55606d;margin:0 0 8px}"
    "table{border-collapse:collapse;margin:4px 0 12px}"
    "th,td{border:1px solid #d6dbe1;padding:4px 8px;text-align:left;"
    "vertical-align:top}"
    "thead th{background:#eef1f4;position:sticky;top:0}"
    "td.period{white-space:nowrap}"
    "td.num{text-align:right;font-variant-numeric:tabular-nums}"
    "code{font-family:'DejaVu Sans Mono',monospace;font-size:12px;"
    "word-break:break-all}"
    ".scroll{overflow-x:auto}"
    "table.heatmap td.cell{text-align:center;white-space:nowrap;"
    "min-width:64px}"
    "table.heatmap th.indicator{font-family:'DejaVu Sans Mono',monospace;"
    "font-size:12px;white-space:nowrap}"
    "table.heatmap th.plan span{display:block}"
    "table.heatmap th.plan span.vs{font-weight:normal;font-size:11px;"
    "color:#55606d}"
    ".below{background:#f4b6b0}"
    ".equal{background:#fbe7a1}"
    ".above{background:#b9e2b0}"
    ".none{background:#dfe2e6;color:#4a525c}"
    ".ref{background:#cfe0f5;font-weight:bold}"
    ".missing{background:#fff}"
    ".unclassified{background:repeating-linear-gradient(135deg,#eef1f4 0,"
    "#eef1f4 6px,#dfe2e6 6px,#dfe2e6 12px);font-style:italic}"
    "table.heatmap th.indicator.unclassified{font-family:inherit;"
    "font-size:13px;white-space:normal;min-width:260px;max-width:420px;"
    "font-style:italic}"
    "table.heatmap tr.group th{background:#eef1f4;font-weight:bold;"
    "text-align:left}"
    "ul.legend{list-style:none;padding:0;margin:4px 0 8px}"
    "ul.legend li{display:inline-block;margin-right:14px}"
    "ul.legend span.swatch{display:inline-block;width:14px;height:14px;"
    "border:1px solid #aab2bc;vertical-align:-2px;margin-right:4px}"
    "tr.finding td.kind{font-weight:bold;white-space:nowrap}"
    "tr.finding.lower td.kind{color:#b3261e}"
    "tr.finding.missing td.kind{color:#6b4f00}"
    "tr.finding.later td.kind{color:#8a3ffc}"
    "tr.finding.inconsistent td.kind{color:#0b5cad}"
    "tr.finding.unmatched td.kind{color:#00737a}"
    "td.side .match{font-style:italic;color:#55606d}"
    "td.side{max-width:520px}"
    "td.side .who{font-weight:bold}"
    "td.side .value{font-family:'DejaVu Sans Mono',monospace}"
    "blockquote{margin:4px 0;padding:2px 8px;border-left:3px solid #aab2bc;"
    "color:#333a42;background:#f7f8fa}"
    "td.side .where{color:#55606d;font-size:12px}"
    "footer{margin-top:32px;color:#7b8490;font-size:12px}";

/* ------------------------------------------------------------------ */
/* Sections */

/* Targets of a frame without an indicator key. */
static size_t unclassified_of(const cchc_frame *f) {
  size_t n = 0;
  for (size_t i = 0; i < cchc_frame_targets(f); i++)
    n += cchc_frame_target_indicator(cchc_frame_target_at(f, i)) == NULL;
  return n;
}

static void plans_section(builder *b, xmlNodePtr body, const rset *s,
                          const size_t *cols, size_t ncols,
                          const char *const *labels) {
  xmlNodePtr sec = el(b, body, "section", NULL);
  attr(b, sec, "id", "plans");
  el(b, sec, "h2", "Plans");
  static const char *const head[] = {
      "level",        "place",     "province", "period", "number", "parent",
      "targets",      "unclassified", "deadlines", "tasks", "path"};
  xmlNodePtr table = elc(b, sec, "table", "plans", NULL);
  xmlNodePtr tr = el(b, el(b, table, "thead", NULL), "tr", NULL);
  for (size_t i = 0; i < sizeof head / sizeof *head; i++)
    el(b, tr, "th", head[i]);
  xmlNodePtr tbody = el(b, table, "tbody", NULL);
  for (size_t c = 0; c < ncols; c++) {
    const rplan *p = &s->p[cols[c]];
    char period[64], num[4][32], parent[256];
    if (p->pstart || p->pend)
      snprintf(period, sizeof period, "%s – %s", p->pstart ? p->pstart : "?",
               p->pend ? p->pend : "?");
    else if (p->year)
      snprintf(period, sizeof period, "%lld", (long long)p->year);
    else
      snprintf(period, sizeof period, "–");
    snprintf(num[0], sizeof num[0], "%zu", cchc_frame_targets(p->frame));
    snprintf(num[1], sizeof num[1], "%zu", unclassified_of(p->frame));
    snprintf(num[2], sizeof num[2], "%zu", cchc_frame_deadlines(p->frame));
    snprintf(num[3], sizeof num[3], "%zu", cchc_frame_tasks(p->frame));
    if (p->parent && p->pdate)
      snprintf(parent, sizeof parent, "%s (%s)", p->parent, p->pdate);
    else
      snprintf(parent, sizeof parent, "%s", dash(p->parent));
    tr = elc(b, tbody, "tr", "plan", NULL);
    attr(b, tr, "data-level", dash(p->level));
    attr(b, tr, "data-label", labels[cols[c]]);
    attr(b, tr, "data-path", dash(p->path));
    el(b, tr, "td", dash(p->level));
    el(b, tr, "td", dash(p->place));
    el(b, tr, "td", dash(p->province));
    elc(b, tr, "td", "period", period);
    el(b, tr, "td", dash(p->number));
    el(b, tr, "td", parent);
    for (int k = 0; k < 4; k++)
      elc(b, tr, "td", "num", num[k]);
    el(b, el(b, tr, "td", NULL), "code", dash(p->path));
  }
  if (ncols == 0)
    el(b, sec, "p", "The store holds no plans.");
}

/* State of the cell (plan p, indicator key). */
static const char *cell_state(const rset *s, const rplan *p, const char *key) {
  bool has = false;
  for (size_t i = 0; i < p->plan.ntargets && !has; i++)
    has = strcmp(p->plan.targets[i].indicator, key) == 0;
  if (!has)
    return "missing";
  if (p->ref == NONE || !s->p[p->ref].in)
    return p->is_ref ? "ref" : "none";
  const rplan *r = &s->p[p->ref];
  bool comparable = false, below = false, above = false;
  for (size_t j = 0; j < r->plan.ntargets; j++) {
    const plan_target *rt = &r->plan.targets[j];
    if (strcmp(rt->indicator, key) != 0)
      continue;
    bool all_lower = true, any = false;
    for (size_t i = 0; i < p->plan.ntargets; i++) {
      const plan_target *pt = &p->plan.targets[i];
      if (strcmp(pt->indicator, key) != 0)
        continue;
      any = true;
      if (pt->t.count == rt->t.count)
        comparable = true;
      if (!cchc_target_lower(&pt->t, &rt->t))
        all_lower = false;
      if (cchc_target_lower(&rt->t, &pt->t))
        above = true;
    }
    if (any && all_lower)
      below = true;
  }
  if (!comparable)
    return "none";
  return below ? "below" : above ? "above" : "equal";
}

static void legend_item(builder *b, xmlNodePtr ul, const char *cls,
                        const char *what) {
  xmlNodePtr li = el(b, ul, "li", NULL);
  attr(b, li, "data-state", cls);
  char c[64];
  snprintf(c, sizeof c, "swatch %s", cls);
  elc(b, li, "span", c, NULL);
  text(b, li, what);
}

/* The title of an unclassified cell: the clauses it shows. */
static void unclassified_title(builder *b, xmlNodePtr td,
                              const cchc_compare *cmp, size_t row,
                              size_t col) {
  strbuf sb = STRBUF_INIT;
  for (size_t i = 0; i < cchc_compare_cell_targets(cmp, row, col); i++) {
    const char *t = cchc_frame_target_text(
        cchc_compare_cell_target_at(cmp, row, col, i));
    if (i)
      strbuf_addstr(&sb, " / ");
    strbuf_addstr(&sb, t ? t : "");
  }
  if (sb.failed)
    b->oom = true;
  else
    attr(b, td, "title", sb.buf);
  strbuf_release(&sb);
}

static void heatmap_section(builder *b, xmlNodePtr body, const rset *s,
                            const cchc_compare *cmp, const size_t *cols,
                            size_t ncols, const size_t *col_of,
                            const char *const *labels) {
  xmlNodePtr sec = el(b, body, "section", NULL);
  attr(b, sec, "id", "heatmap");
  el(b, sec, "h2", "Targets by indicator");
  el(b, sec, "p",
     "Each cell is the plan's target, coloured against its reference plan: "
     "the plan it carries out, else the province's plan.");
  xmlNodePtr ul = elc(b, sec, "ul", "legend", NULL);
  legend_item(b, ul, "below", "below the reference");
  legend_item(b, ul, "equal", "same level");
  legend_item(b, ul, "above", "above the reference");
  legend_item(b, ul, "none", "no comparable reference target");
  legend_item(b, ul, "ref", "reference plan");
  legend_item(b, ul, "missing", "no target");
  legend_item(b, ul, "unclassified", "a target without an indicator");

  size_t rows = cchc_compare_rows(cmp);
  if (rows == 0) {
    el(b, sec, "p", "No plan sets a target.");
    return;
  }
  xmlNodePtr table = elc(b, elc(b, sec, "div", "scroll", NULL), "table",
                         "heatmap", NULL);
  xmlNodePtr tr = el(b, el(b, table, "thead", NULL), "tr", NULL);
  el(b, tr, "th", "indicator");
  for (size_t c = 0; c < ncols; c++) {
    const rplan *p = &s->p[cols[c]];
    xmlNodePtr th = elc(b, tr, "th", p->is_ref ? "plan reference" : "plan",
                        NULL);
    attr(b, th, "data-level", dash(p->level));
    attr(b, th, "data-label", labels[cols[c]]);
    elc(b, th, "span", "label", labels[cols[c]]);
    if (p->ref != NONE && s->p[p->ref].in) {
      char vs[512];
      snprintf(vs, sizeof vs, "vs %s", labels[p->ref]);
      elc(b, th, "span", "vs", vs);
      attr(b, th, "data-reference", labels[p->ref]);
    }
  }
  /* Rows: indicators a reference plan sets first, then the other
   * indicators, then the targets without one (in compare's order). */
  size_t *order = calloc(rows, sizeof *order), nr = 0;
  if (!order) {
    b->oom = true;
    return;
  }
  for (int pass = 0; pass < 3; pass++)
    for (size_t r = 0; r < rows; r++) {
      bool refd = false;
      for (size_t c = 0; c < ncols && !refd; c++)
        refd = s->p[cols[c]].is_ref &&
               cchc_compare_cell(cmp, r, col_of[cols[c]]) != NULL;
      int which = cchc_compare_indicator(cmp, r) == NULL ? 2 : refd ? 0 : 1;
      if (which == pass)
        order[nr++] = r;
    }
  xmlNodePtr tbody = el(b, table, "tbody", NULL);
  for (size_t k = 0; k < rows; k++) {
    size_t r = order[k];
    const char *key = cchc_compare_indicator(cmp, r);
    const char *subj = cchc_compare_subject(cmp, r);
    if (!key && (k == 0 || cchc_compare_indicator(cmp, order[k - 1]))) {
      tbody = elc(b, table, "tbody", "unclassified-rows", NULL);
      xmlNodePtr th = el(b, elc(b, tbody, "tr", "group", NULL), "th",
                         "Targets without an indicator (unclassified): one "
                         "row per subject, shared by the plans that word it "
                         "alike; not coloured, as there is no indicator to "
                         "compare by.");
      char span[32];
      snprintf(span, sizeof span, "%zu", ncols + 1);
      attr(b, th, "colspan", span);
    }
    tr = elc(b, tbody, "tr", key ? NULL : "unclassified", NULL);
    attr(b, tr, key ? "data-indicator" : "data-subject", key ? key : subj);
    xmlNodePtr th = elc(b, tr, "th", key ? "indicator"
                                         : "indicator unclassified", key);
    if (!key) {
      text(b, th, "(unclassified) ");
      text(b, th, subj);
    }
    attr(b, th, "scope", "row");
    for (size_t c = 0; c < ncols; c++) {
      const rplan *p = &s->p[cols[c]];
      const char *cell = cchc_compare_cell(cmp, r, col_of[cols[c]]);
      const char *state = !cell  ? "missing"
                          : !key ? "unclassified"
                                 : cell_state(s, p, key);
      char cls[32];
      snprintf(cls, sizeof cls, "cell %s", state);
      xmlNodePtr td = elc(b, tr, "td", cls, cell);
      attr(b, td, "data-state", state);
      if (cell && !key)
        unclassified_title(b, td, cmp, r, col_of[cols[c]]);
      if (cell && key && p->ref != NONE && s->p[p->ref].in) {
        const char *rc = cchc_compare_cell(cmp, r, col_of[p->ref]);
        char title[1024];
        snprintf(title, sizeof title, "%s: %s; %s: %s", labels[cols[c]], cell,
                 labels[p->ref], rc ? rc : "no target");
        attr(b, td, "title", title);
      }
    }
  }
  free(order);
}

static xmlNodePtr side_cell(builder *b, xmlNodePtr tr, const char *cls,
                            const cchc_finding_side *sd) {
  xmlNodePtr td = elc(b, tr, "td", cls, NULL);
  elc(b, td, "div", "who", dash(sd->plan));
  elc(b, td, "div", "value", sd->value ? sd->value : "(none)");
  if (sd->text)
    el(b, td, "blockquote", sd->text);
  xmlNodePtr where = elc(b, td, "div", "where", NULL);
  el(b, where, "code", dash(sd->path));
  if (sd->has_span) {
    char span[64];
    snprintf(span, sizeof span, " bytes %zu–%zu", sd->start, sd->end);
    xmlNodePtr sp = elc(b, where, "span", "span", span);
    char v[64];
    snprintf(v, sizeof v, "%zu %zu", sd->start, sd->end);
    attr(b, sp, "data-span", v);
  }
  return td;
}

static cchc_status audit_one(builder *b, xmlNodePtr sec, const rset *s,
                             size_t parent, const char *const *labels,
                             cchc_error *err) {
  const rplan *par = &s->p[parent];
  const cchc_frame **frames = calloc(s->n + 1, sizeof *frames);
  if (!frames)
    return cchc_fail(err, CCHC_ERR_NOMEM, "out of memory");
  size_t n = 0;
  for (size_t i = 0; i < s->n; i++)
    if (i != parent && s->p[i].in &&
        cchc_number_equal(s->p[i].parent, par->number))
      frames[n++] = s->p[i].frame;
  cchc_audit *a = NULL;
  cchc_status st = n ? cchc_audit_new(par->frame, frames, n, &a, err)
                     : CCHC_OK;
  free(frames);
  if (st != CCHC_OK || !a)
    return st;

  xmlNodePtr div = elc(b, sec, "section", "audit", NULL);
  attr(b, div, "data-parent", par->number);
  char h[512];
  snprintf(h, sizeof h, "%s: %zu plan%s carrying it out, %zu finding%s",
           labels[parent], n, n == 1 ? "" : "s", cchc_audit_count(a),
           cchc_audit_count(a) == 1 ? "" : "s");
  el(b, div, "h3", h);
  if (cchc_audit_count(a) == 0) {
    el(b, div, "p", "No findings.");
  } else {
    xmlNodePtr table = elc(b, div, "table", "findings", NULL);
    xmlNodePtr tr = el(b, el(b, table, "thead", NULL), "tr", NULL);
    static const char *const head[] = {"kind", "indicator or task", "plan",
                                       "parent plan"};
    for (size_t i = 0; i < sizeof head / sizeof *head; i++)
      el(b, tr, "th", head[i]);
    xmlNodePtr tbody = el(b, table, "tbody", NULL);
    for (size_t i = 0; i < cchc_audit_count(a); i++) {
      const cchc_finding *f = cchc_audit_finding(a, i);
      const char *kind = cchc_finding_kind_name(f->kind);
      char cls[64];
      snprintf(cls, sizeof cls, "finding %s", kind);
      tr = elc(b, tbody, "tr", cls, NULL);
      attr(b, tr, "data-kind", kind);
      if (f->key)
        attr(b, tr, "data-key", f->key);
      elc(b, tr, "td", "kind", kind);
      elc(b, tr, "td", "key",
          f->key || f->kind == CCHC_FINDING_LATER ? dash(f->key)
                                                  : "(unclassified)");
      /* inconsistent: both sides are the plan's own statements */
      xmlNodePtr td = side_cell(b, tr, "side plan", &f->plan);
      char note[256];
      if (cchc_finding_note(f, note, sizeof note) > 0)
        elc(b, td, "div", "match", note);
      side_cell(b, tr, "side parent", &f->parent);
    }
  }
  cchc_audit_free(a);
  return CCHC_OK;
}

/* ------------------------------------------------------------------ */

static cchc_status build(xmlNodePtr html, builder *b, rset *s,
                         const char *parent_number, cchc_error *err) {
  cchc_status st = CCHC_OK;
  size_t *cols = calloc(s->n + 1, sizeof *cols);
  size_t *col_of = calloc(s->n + 1, sizeof *col_of);
  const cchc_frame **frames = calloc(s->n + 1, sizeof *frames);
  const char **labels = calloc(s->n + 1, sizeof *labels);
  cchc_compare *cmp = NULL;
  if (!cols || !col_of || !frames || !labels) {
    st = cchc_fail(err, CCHC_ERR_NOMEM, "out of memory");
    goto done;
  }

  /* Which plans: all, or the parent and the plans carrying it out. */
  size_t only = NONE;
  if (parent_number) {
    only = find_number(s, parent_number, NONE);
    if (only == NONE) {
      st = cchc_fail(err, CCHC_ERR_INVALID,
                     "no plan numbered '%s' in the store", parent_number);
      goto done;
    }
  }
  for (size_t i = 0; i < s->n; i++)
    s->p[i].in = only == NONE || i == only ||
                 cchc_number_equal(s->p[i].parent, s->p[only].number);
  for (size_t i = 0; i < s->n; i++)
    if (s->p[i].in && s->p[i].ref != NONE && s->p[s->p[i].ref].in)
      s->p[s->p[i].ref].is_ref = true;

  /* Compare over the shown plans, in store order. */
  size_t nin = 0;
  for (size_t i = 0; i < s->n; i++)
    if (s->p[i].in) {
      frames[nin] = s->p[i].frame;
      cols[nin++] = i;
    }
  st = cchc_compare_new(frames, nin, NULL, &cmp, err);
  if (st != CCHC_OK)
    goto done;
  for (size_t c = 0; c < nin; c++) {
    size_t in = cchc_compare_input(cmp, c);
    col_of[cols[in]] = c;
    labels[cols[in]] = cchc_compare_label(cmp, c);
  }
  /* Columns: reference plans first, then the others, in store order. */
  size_t ncols = 0;
  for (int pass = 0; pass < 2; pass++)
    for (size_t i = 0; i < s->n; i++)
      if (s->p[i].in && s->p[i].is_ref == (pass == 0))
        cols[ncols++] = i;

  xmlNodePtr head = el(b, html, "head", NULL);
  xmlNodePtr meta = el(b, head, "meta", NULL);
  attr(b, meta, "http-equiv", "Content-Type");
  attr(b, meta, "content", "text/html; charset=UTF-8");
  meta = el(b, head, "meta", NULL);
  attr(b, meta, "name", "viewport");
  attr(b, meta, "content", "width=device-width, initial-scale=1");
  meta = el(b, head, "meta", NULL);
  attr(b, meta, "name", "generator");
  attr(b, meta, "content", "cchc " CCHC_VERSION);
  char title[512];
  if (only != NONE)
    snprintf(title, sizeof title, "cchc report: %s", labels[only]);
  else
    snprintf(title, sizeof title, "cchc report: %zu plan%s", ncols,
             ncols == 1 ? "" : "s");
  el(b, head, "title", title);
  el(b, head, "style", css);

  xmlNodePtr body = el(b, html, "body", NULL);
  xmlNodePtr hdr = el(b, body, "header", NULL);
  el(b, hdr, "h1", "Administrative reform plans");
  size_t nrefs = 0, nunclassified = 0, nindicators = 0;
  for (size_t c = 0; c < ncols; c++) {
    nrefs += s->p[cols[c]].is_ref;
    nunclassified += unclassified_of(s->p[cols[c]].frame);
  }
  for (size_t r = 0; r < cchc_compare_rows(cmp); r++)
    nindicators += cchc_compare_indicator(cmp, r) != NULL;
  char summary[512];
  snprintf(summary, sizeof summary,
           "%zu plan%s, %zu reference plan%s, %zu indicator%s, %zu target%s "
           "without an indicator%s%s",
           ncols, ncols == 1 ? "" : "s", nrefs, nrefs == 1 ? "" : "s",
           nindicators, nindicators == 1 ? "" : "s", nunclassified,
           nunclassified == 1 ? "" : "s",
           only != NONE ? "; plans carrying out " : "",
           only != NONE ? labels[only] : "");
  elc(b, hdr, "p", "summary", summary);

  plans_section(b, body, s, cols, ncols, labels);
  heatmap_section(b, body, s, cmp, cols, ncols, col_of, labels);

  xmlNodePtr sec = el(b, body, "section", NULL);
  attr(b, sec, "id", "audit");
  el(b, sec, "h2", "Audit");
  el(b, sec, "p",
     "Each plan checked against the plan it carries out: targets lower than "
     "the parent's (lower), targets the parent sets and the plan lacks "
     "(missing: no target with the indicator, nor one without an indicator "
     "whose subject is similar), a target of the parent found only by a "
     "similar subject, for a person to judge (unmatched), deadlines later "
     "than the parent's (later), and indicators stated twice with different "
     "values (inconsistent).");
  size_t audited = 0;
  for (size_t i = 0; i < s->n && st == CCHC_OK; i++) {
    const rplan *p = &s->p[i];
    if (!p->in || !p->number || (only != NONE && i != only) ||
        find_number(s, p->number, NONE) != i)
      continue;
    bool cited = false;
    for (size_t j = 0; j < s->n && !cited; j++)
      cited = j != i && s->p[j].in && cchc_number_equal(s->p[j].parent, p->number);
    if (!cited)
      continue;
    st = audit_one(b, sec, s, i, labels, err);
    audited++;
  }
  if (st == CCHC_OK && audited == 0)
    el(b, sec, "p", "No stored plan carries out another stored plan.");
  elc(b, body, "footer", NULL, "Made by cchc " CCHC_VERSION
                                " from the plans in the store.");
done:
  cchc_compare_free(cmp);
  free(cols);
  free(col_of);
  free(frames);
  free(labels);
  return st;
}

cchc_status cchc_report_html(cchc_store *store, const char *parent_number,
                             char **out, size_t *len, cchc_error *err) {
  rset s = {0};
  cchc_status st = cchc_store_each_frame(store, NULL, 0, collect, &s, err);
  if (st == CCHC_OK && s.oom)
    st = cchc_fail(err, CCHC_ERR_NOMEM, "out of memory");
  for (size_t i = 0; i < s.n && st == CCHC_OK; i++)
    st = plan_read(&s.p[i], i, err);
  if (st != CCHC_OK) {
    rset_free(&s);
    return st;
  }
  link_refs(&s);

  builder b = {false};
  cchc_xml_init();
  htmlDocPtr doc = htmlNewDocNoDtD(NULL, NULL);
  xmlNodePtr html = doc ? xmlNewDocNode(doc, NULL, BAD_CAST "html", NULL) : NULL;
  if (!doc || !html || !xmlCreateIntSubset(doc, BAD_CAST "html", NULL, NULL)) {
    xmlFreeNode(html);
    xmlFreeDoc(doc);
    rset_free(&s);
    return cchc_fail(err, CCHC_ERR_NOMEM, "out of memory");
  }
  xmlDocSetRootElement(doc, html);
  attr(&b, html, "lang", "vi");
  st = build(html, &b, &s, parent_number, err);
  rset_free(&s);
  if (st == CCHC_OK && b.oom)
    st = cchc_fail(err, CCHC_ERR_NOMEM, "out of memory building the report");
  xmlChar *mem = NULL;
  int size = 0;
  if (st == CCHC_OK) {
    htmlDocDumpMemoryFormat(doc, &mem, &size, 1);
    if (!mem || size <= 0)
      st = cchc_fail(err, CCHC_ERR_NOMEM, "out of memory writing the report");
  }
  xmlFreeDoc(doc);
  if (st != CCHC_OK) {
    xmlFree(mem);
    return st;
  }
  char *r = malloc((size_t)size + 1);
  if (!r) {
    xmlFree(mem);
    return cchc_fail(err, CCHC_ERR_NOMEM, "out of memory");
  }
  memcpy(r, mem, (size_t)size);
  r[size] = '\0';
  xmlFree(mem);
  *out = r;
  if (len)
    *len = (size_t)size;
  return CCHC_OK;
}
