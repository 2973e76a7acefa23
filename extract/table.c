/* table.c: the table model (table.h) -- cells of text for every line, and
 * rows × cells with column roles for a table -- and its two readers: for
 * scattered cells (here) and for crawled tables (further down, "the crawl
 * reader").
 *
 * Scattered cells are what PDF text makes of a task table: one cell per
 * line or several run together, in column order, with the row structure
 * lost.  The reader rebuilds rows from the order of cells: numbering
 * (tcell.marker: 1.x target, 2.x task, 3.x activity; tcell.rowno), unit
 * cells (a mention standing as a cell: before a line end, another mention,
 * a deadline or a budget, not after a preposition, tcell.open), deadlines
 * and targets (the frame's), budget (tcell.budget), products
 * (tcell.product).  A new 2.x or 3.x after a row got its units, deadline
 * or budget starts a new row.  The first unit of a row leads, the others
 * coordinate; a lone collective (tcell.plural) is the coordinating column.
 * A row without units or deadline takes those of the row above (merged
 * cells), within its group heading. */
#include "table.h"

#include <stdlib.h>
#include <string.h>

/* ---- cells of text ------------------------------------------------------------ */

/* The crawled tables of the text into x->tables (the crawl reader). */
static cchc_status table_crawled(xctx *x);

/* How a line starts, by the role=new rules (cell.start): one search tells
 * both whether it starts a new cell (a match with the group `new`) and
 * whether it reads as the rest of the line before (a match without). */
typedef enum { START_NONE, START_GOES_ON, START_NEW } line_start;

static line_start start_of(xctx *x, rule_list start, size_t li) {
  line_start got = START_NONE;
  for (size_t i = 0; i < start.n; i++) {
    const rule *r = start.items[i];
    size_t gs, ge;
    if (!xany_line(x, (rule_list){&start.items[i], 1}, li, NULL)) continue;
    if (rule_group(r, x->md, "new", &gs, &ge)) return START_NEW;
    got = START_GOES_ON;
  }
  return got;
}

void table_join_rules_of(const cchc_rules *rs, table_join_rules *j) {
  j->start = rules_select(rs, "cell.", "new");
  j->closed = rules_select(rs, "cell.", "closed");
  j->open = rules_select(rs, "cell.", "open");
  j->cont = rules_select(rs, "cell.", "continue");
}

/* How line li stands to the line before it, by the rules: a function of
 * their bytes. */
static xjoin join_by_rules(xctx *x, const table_join_rules *j, size_t li) {
  if (xany_line(x, j->closed, li - 1, NULL)) return XJOIN_NEVER;
  line_start how = start_of(x, j->start, li);
  if (how == START_NEW) return XJOIN_NEVER;
  /* the line's own start first: its rules try one position */
  return how == START_GOES_ON || xany_line(x, j->cont, li, NULL) ||
                 xany_line(x, j->open, li - 1, NULL)
             ? XJOIN_YES
             : XJOIN_MAY;
}

/* What the rules said of two short lines, one after the other (their
 * JOIN_KEPT_BYTES bytes at most, the break between them as printed): a
 * table repeats its short cells ("x", "2025", "UBND xã") row after row,
 * and each pair of lines was read by the cell.* rules again.  The lines
 * and their break lie together in the text, [at, at + n), the break at
 * at + first.  A slot per hash, a newer pair takes it; a bit per slot
 * tells the slots used (no zeroing of the slots). */
enum { JOIN_KEPT_BYTES = 64, JOIN_SLOTS = 1024 };
bool table_join_memo_off = false;
typedef struct join_kept {
  uint64_t hash;
  uint32_t at, n, first;
  uint8_t join;
} join_kept;
struct join_memo {
  uint64_t used[JOIN_SLOTS / 64];
  join_kept slot[JOIN_SLOTS];
};

/* The slot for the lines [ps, pe) and [pe + 1, le), and whether it holds
 * them (*held); NULL without memory. */
static join_kept *join_slot(xctx *x, size_t ps, size_t pe, size_t le,
                            bool *held) {
  *held = false;
  if (!x->join_memo) {
    if (!(x->join_memo = malloc(sizeof *x->join_memo))) return NULL;
    memset(x->join_memo->used, 0, sizeof x->join_memo->used);
  }
  struct join_memo *m = x->join_memo;
  size_t n = le - ps, first = pe - ps;
  uint64_t h = xtext_hash(x->s + ps, n);
  size_t k = (size_t)(h ^ h >> 29) & (JOIN_SLOTS - 1);
  join_kept *e = &m->slot[k];
  uint64_t bit = (uint64_t)1 << (k & 63);
  if (m->used[k >> 6] & bit) {
    *held = e->hash == h && e->n == n && e->first == first &&
            (e->at == ps || !memcmp(x->s + e->at, x->s + ps, n));
  } else {
    m->used[k >> 6] |= bit;
  }
  if (!*held) *e = (join_kept){h, (uint32_t)ps, (uint32_t)n, (uint32_t)first,
                               XJOIN_UNREAD};
  return e;
}

/* How line li (> 0) stands to the line before: by the rules, or as the
 * same two short lines stood before. */
static xjoin read_join(xctx *x, const table_join_rules *j, size_t li) {
  size_t ls = xline_start(x, li), le = xline_end(x, li);
  size_t ps = xline_start(x, li - 1), pe = xline_end(x, li - 1);
  if (xline_is_heading(x, li) || xline_is_heading(x, li - 1) || ps == pe ||
      ls == le)
    return XJOIN_NEVER;
  bool held = false;
  join_kept *k = !table_join_memo_off && le - ps <= JOIN_KEPT_BYTES &&
                         x->n <= UINT32_MAX
                     ? join_slot(x, ps, pe, le, &held)
                     : NULL;
  if (held) {
    x->joins_reused++;
    return (xjoin)k->join;
  }
  xjoin got = join_by_rules(x, j, li);
  if (k) k->join = (uint8_t)got;
  return got;
}

xjoin table_join(xctx *x, const table_join_rules *j, size_t li) {
  xline *ln = &x->lines[li];
  if (ln->join == XJOIN_UNREAD) ln->join = read_join(x, j, li);
  return (xjoin)ln->join;
}

cchc_status table_cells(xctx *x) {
  for (size_t li = 0; li < x->nlines; li++)
    x->lines[li].join = li ? XJOIN_UNREAD : XJOIN_NEVER;
  return table_crawled(x);
}

/* ---- the model ------------------------------------------------------------------ */

const table_cell *table_cell_of(const table_row *row, table_role role) {
  for (size_t i = 0; i < row->ncells; i++)
    if (row->cells[i].role == role) return &row->cells[i];
  return NULL;
}

const xunits *table_units(const table *t, const table_cell *c) {
  static const xunits none = {0};
  return c->units ? &t->units[c->units - 1] : &none;
}

void table_free(table *t) {
  for (size_t i = 0; i < t->nunits; i++) xunits_free(&t->units[i]);
  free(t->units);
  free(t->cells);
  free(t->rows);
  *t = (table){0};
}

static table_row *add_row(xctx *x, table *t, int group) {
  table_row *row = frame_grow(x->f, (void **)&t->rows, &t->nrows, &t->cap,
                              sizeof *t->rows);
  if (row) {
    row->group = group;
    row->first = (uint32_t)t->ncells;
    row->cells = t->cells + t->ncells;
  }
  return row;
}

/* Point the rows at their cells again (the cells have moved). */
static void point_rows(table *t) {
  for (size_t r = 0; r < t->nrows; r++)
    t->rows[r].cells = t->cells + t->rows[r].first;
}

/* A cell more for `row`, the table's last row (its cells are the last). */
static table_cell *add_cell(xctx *x, table *t, table_row *row,
                            table_role role, size_t start, size_t end,
                            int ref) {
  const table_cell *had = t->cells;
  /* (set whole below: frame_grow, with its zeroing, only to grow) */
  table_cell *c = t->ncells < t->cap_cells
                      ? &t->cells[t->ncells++]
                      : frame_grow(x->f, (void **)&t->cells, &t->ncells,
                                   &t->cap_cells, sizeof *t->cells);
  if (!c) return NULL;
  if (t->cells != had) point_rows(t);
  row->ncells++;
  *c = (table_cell){.role = role, .start = (uint32_t)start,
                    .end = (uint32_t)end, .ref = ref};
  return c;
}

/* Units for cell c of t: an empty list of the table's, the cell's from
 * now on; NULL when out of memory. */
static xunits *cell_units(xctx *x, table *t, table_cell *c) {
  xunits *u = frame_grow(x->f, (void **)&t->units, &t->nunits,
                         &t->cap_units, sizeof *t->units);
  if (u) c->units = (uint32_t)t->nunits;
  return u;
}

/* Merged cells: a cell printed once for several rows of a group.  A row
 * without lead and coordinators takes those of the row above, a row
 * without deadline its deadline (the cell copied, its units shared).  The
 * rows' cells are laid out anew, a row's copies after its own. */
static bool merges_units(table_role role) {
  return role == TABLE_LEAD || role == TABLE_COORDINATORS;
}

/* The cells of a row once merged: its own, then those it copies of the
 * row above (units and deadline cells), counted first so that the new
 * layout is one block of its size. */
typedef struct merged_count {
  size_t units, deadlines; /* of the row above, laid out anew */
} merged_count;

static size_t merged_cells(const table *t, size_t r, merged_count *above) {
  const table_row *row = &t->rows[r];
  size_t units = 0, deadlines = 0;
  for (size_t c = 0; c < row->ncells; c++) {
    units += merges_units((table_role)row->cells[c].role);
    deadlines += row->cells[c].role == TABLE_DEADLINE;
  }
  size_t n = row->ncells;
  if (r && t->rows[r - 1].group == row->group) {
    if (!units) n += units = above->units;
    if (!deadlines) n += deadlines = above->deadlines;
  }
  above->units = units;
  above->deadlines = deadlines;
  return n;
}

static void fill_merged(xctx *x, table *t) {
  if (t->nrows < 2) return;
  merged_count count = {0, 0};
  size_t total = 0;
  for (size_t r = 0; r < t->nrows; r++) total += merged_cells(t, r, &count);
  if (total == t->ncells) return; /* nothing merged */
  table_cell *cells = malloc(total * sizeof *cells);
  if (!cells) {
    x->f->failed = true;
    return;
  }
  size_t n = 0;
  for (size_t r = 0; r < t->nrows; r++) {
    table_row *row = &t->rows[r];
    const table_row *above = r ? &t->rows[r - 1] : NULL;
    bool units = table_cell_of(row, TABLE_LEAD) ||
                 table_cell_of(row, TABLE_COORDINATORS);
    bool deadline = table_cell_of(row, TABLE_DEADLINE);
    size_t first = n;
    for (size_t c = 0; c < row->ncells; c++) cells[n++] = row->cells[c];
    if (above && above->group == row->group)
      for (size_t c = 0; c < above->ncells; c++) {
        /* (the row above is laid out anew already) */
        const table_cell *from = &cells[above->first + c];
        if ((!units && merges_units((table_role)from->role)) ||
            (!deadline && from->role == TABLE_DEADLINE))
          cells[n++] = *from;
      }
    row->first = (uint32_t)first;
    row->ncells = (uint32_t)(n - first);
  }
  free(t->cells);
  t->cells = cells;
  t->ncells = t->cap_cells = n;
  point_rows(t);
}

/* The room the cells grew into past them, given back once a table is
 * read. */
static void fit_cells(table *t) {
  const table_cell *had = t->cells;
  t->cells = cchc_shrink(t->cells, &t->cap_cells, t->ncells, sizeof *t->cells);
  if (t->cells != had) point_rows(t);
}

/* ---- the scattered-cells reader ---------------------------------------------- */

/* What a line holds, in text order: numbering, unit mentions, deadlines,
 * budget and targets. */
typedef enum { EV_MARK, EV_UNIT, EV_DEADLINE, EV_BUDGET, EV_TARGET } ev_kind;

typedef struct event {
  ev_kind kind;
  size_t at, end;
  int lvl;      /* EV_MARK: 1 target, 2 task, 3 activity */
  size_t index; /* EV_UNIT: into the zone's units; EV_DEADLINE, EV_TARGET:
                   into the frame */
} event;

typedef struct text_span {
  size_t a, b;
} text_span;

/* The first match of a budget rule from a line start on (budget_cell):
 * searched once, from `from`, to the zone's end; start SIZE_MAX: none. */
typedef struct next_match {
  size_t from, start, end;
  bool known;
} next_match;
enum { BUDGET_RULES = 8 };

/* The frame's deadlines or targets that start in the zone, by start (then
 * index): read once for the zone, where an ask of each line was two
 * binary searches and a copy; `next` is the first not before the line
 * read last (the lines are read in order). */
typedef struct zone_item {
  size_t start, index;
} zone_item;
typedef struct zone_items {
  zone_item *items;
  size_t n, next;
} zone_items;
bool table_zone_items_off = false;

typedef struct reader {
  xctx *x;
  table *out;
  rule_list marker, rowno, open, plural, budget_rules, product, next;
  table_join_rules joins;
  /* the budget rules' next matches, when a search from an earlier line
   * finds what one from a later line would (budget_alike) */
  next_match budget_next[BUDGET_RULES];
  bool budget_kept;
  size_t first, last; /* the zone's lines */
  size_t zone_end;    /* its canonical end */
  xunits units;       /* every unit mention of the zone */
  size_t unit_at;     /* the first of them not before the current line */
  /* the row being read */
  text_span *tasks;
  size_t ntasks, cap_tasks;
  bool has_activity, has_budget, has_products;
  text_span activity, budget, products;
  xunits row_units;
  int deadline;
  bool complete; /* it has units, a deadline or a budget: the next 2.x or
                    3.x starts a new row */
  /* across rows */
  int group;
  int target;       /* frame target of the current target cell, or -1 */
  bool expect_task; /* after a target cell, before any 2.x / 3.x */
  bool pend;        /* an unnumbered cell that may be the task cell */
  text_span pending;
  size_t text_end; /* end of the numbered cell's text (with continuations) */
  zone_items deadlines, targets;
  size_t *line_items; /* room for the items of a line (zone_in) */
  /* the line being read */
  event *ev;
  size_t nev, cap_ev;
  size_t a, b; /* its text */
  bool continuation, numbered;
} reader;

static void push_event(reader *rd, event e) {
  event *p = frame_grow(rd->x->f, (void **)&rd->ev, &rd->nev, &rd->cap_ev,
                        sizeof *rd->ev);
  if (p) *p = e;
}

static void add_task_cell(reader *rd, size_t a, size_t b) {
  text_span *p = frame_grow(rd->x->f, (void **)&rd->tasks, &rd->ntasks,
                            &rd->cap_tasks, sizeof *rd->tasks);
  if (p) *p = (text_span){a, b};
}

static bool row_started(const reader *rd) {
  return rd->ntasks || rd->has_activity;
}

static void row_reset(reader *rd) {
  rd->ntasks = 0;
  rd->has_activity = rd->has_budget = rd->has_products = false;
  rd->row_units.n = 0;
  rd->deadline = -1;
  rd->complete = false;
}

/* A cell naming `units` (none when it is empty). */
static void units_cell(reader *rd, table_row *row, table_role role,
                       const xunits *units) {
  if (!units->n) return;
  table_cell *c = add_cell(rd->x, rd->out, row, role,
                           units->items[0].start,
                           units->items[units->n - 1].end, -1);
  xunits *u = c ? cell_units(rd->x, rd->out, c) : NULL;
  if (u) xunits_copy(rd->x, u, units);
}

/* The row read so far becomes a row of the table (when it has a task or
 * an activity). */
static void end_row(reader *rd) {
  xctx *x = rd->x;
  table_row *row = row_started(rd) ? add_row(x, rd->out, rd->group) : NULL;
  if (row) {
    if (rd->target >= 0) {
      const frame_target *t = &x->f->targets[rd->target];
      add_cell(x, rd->out, row, TABLE_TARGET, t->span.start, t->span.end,
               rd->target);
    }
    for (size_t i = 0; i < rd->ntasks; i++)
      add_cell(x, rd->out, row, TABLE_TASK, rd->tasks[i].a, rd->tasks[i].b,
               -1);
    if (rd->has_activity)
      add_cell(x, rd->out, row, TABLE_ACTIVITY, rd->activity.a,
               rd->activity.b, -1);
    /* the unit column: the first unit leads, the others coordinate; a
     * lone collective is the coordinating column */
    const xunits *u = &rd->row_units;
    bool plural = u->n == 1 && xany(x, rd->plural, u->items[0].start,
                                    u->items[0].end, NULL);
    xunits lead = {0}, coords = {0};
    for (size_t i = 0; i < u->n; i++) {
      if (i == 0 && !plural) xunits_add(x, &lead, &u->items[i]);
      else if (!xunits_has(x, &lead, &u->items[i]))
        xunits_add(x, &coords, &u->items[i]);
    }
    units_cell(rd, row, TABLE_LEAD, &lead);
    units_cell(rd, row, TABLE_COORDINATORS, &coords);
    xunits_free(&lead);
    xunits_free(&coords);
    if (rd->deadline >= 0) {
      const frame_deadline *d = &x->f->deadlines[rd->deadline];
      add_cell(x, rd->out, row, TABLE_DEADLINE, d->span.start, d->span.end,
               rd->deadline);
    }
    if (rd->has_budget)
      add_cell(x, rd->out, row, TABLE_BUDGET, rd->budget.a, rd->budget.b,
               -1);
    if (rd->has_products)
      add_cell(x, rd->out, row, TABLE_PRODUCTS, rd->products.a,
               rd->products.b, -1);
  }
  row_reset(rd);
}

/* Does line li + 1 continue the cell of line li?  The cells of text say,
 * and within a task table a numbered line starts a cell and a line ending
 * in a preposition (tcell.open) goes on. */
static bool cell_goes_on(reader *rd, size_t li) {
  xctx *x = rd->x;
  xjoin join = table_join(x, &rd->joins, li + 1);
  size_t ns = xline_start(x, li + 1), ms, me;
  if (join == XJOIN_NEVER ||
      (xfirst_line(x, rd->marker, li + 1, &ms, &me, NULL) && ms == ns))
    return false;
  return join == XJOIN_YES || xany_line(x, rd->open, li, NULL);
}

/* End of the text of the cell starting on line li. */
static size_t cell_end(reader *rd, size_t li) {
  while (li + 1 < rd->last && cell_goes_on(rd, li)) li++;
  return xline_end(rd->x, li);
}

static int by_at(const void *a, const void *b) {
  const event *p = a, *q = b;
  if (p->at != q->at) return p->at < q->at ? -1 : 1;
  return (int)p->kind - (int)q->kind;
}

/* Does a search of r from a line start find what one from an earlier
 * point finds past it?  Yes when a match at a place depends on the text
 * from the character before it on (a line start follows a line break: no
 * word character, like a subject's start for \b): nothing looks further
 * back ("(?<"), no start of subject ("^", "\A", "\G") and no verb or
 * conditional that steers the search ("(*", "(?(", "(?C").  Read from
 * the pattern, and cautious: an escaped '(' or '^' makes it say no. */
static bool budget_alike(const rule *r) {
  const char *p = r->pattern;
  return !strchr(p, '^') && !strstr(p, "(?<") && !strstr(p, "\\A") &&
         !strstr(p, "\\G") && !strstr(p, "(*") && !strstr(p, "(?(") &&
         !strstr(p, "(?C");
}

/* The budget cell that starts in line [a, b) (a line start), up to the
 * zone's end: the first match of the budget rules from a, when it starts
 * at b - 1 at the latest (as xfirst_before's limit).  One search from a line start answers the lines up to the
 * match it finds (and all the rest when it finds none), where a search
 * from each line would read each up to its end. */
static bool budget_cell(reader *rd, size_t a, size_t b, size_t *ms,
                        size_t *me) {
  xctx *x = rd->x;
  if (!rd->budget_kept)
    return xfirst_before(x, rd->budget_rules, a, rd->zone_end, b - 1, ms,
                         me, NULL);
  bool found = false;
  for (size_t i = 0; i < rd->budget_rules.n; i++) {
    next_match *m = &rd->budget_next[i];
    if (!m->known || a < m->from || (m->start != SIZE_MAX && m->start < a)) {
      /* a search of the text from a (what stands before a line start
       * judges it as a subject's start would), skipping where the rule's
       * facts say it cannot match */
      m->known = true;
      m->from = a;
      m->start = SIZE_MAX;
      if (rule_scan(rd->budget_rules.items[i], &x->scan, rd->zone_end, a,
                    x->md))
        rule_match_span(x->md, &m->start, &m->end);
    }
    if (m->start != SIZE_MAX && m->start <= b - 1 &&
        (!found || m->start < *ms)) {
      *ms = m->start;
      *me = m->end;
      found = true;
    }
  }
  return found;
}

static int by_item_start(const void *a, const void *b) {
  const zone_item *p = a, *q = b;
  if (p->start != q->start) return p->start < q->start ? -1 : 1;
  return p->index < q->index ? -1 : p->index > q->index;
}

/* The items `in` (n of them, frame deadlines when `deadlines`, else
 * targets) by start; false without memory. */
static bool zone_items_of(const cchc_frame *f, const size_t *in, size_t n,
                          bool deadlines, zone_items *z) {
  *z = (zone_items){0};
  if (!n) return true;
  if (!(z->items = malloc(n * sizeof *z->items))) return false;
  for (size_t k = 0; k < n; k++)
    z->items[k] = (zone_item){deadlines ? f->deadlines[in[k]].span.start
                                        : f->targets[in[k]].span.start,
                              in[k]};
  z->n = n;
  if (n > 1) qsort(z->items, n, sizeof *z->items, by_item_start);
  return true;
}

/* The items of z that start in [a, b), a line after the line asked
 * before, into out in index order (as xdeadlines_in and xtargets_in give
 * them); their count. */
static size_t zone_in(zone_items *z, size_t a, size_t b, size_t *out) {
  while (z->next < z->n && z->items[z->next].start < a) z->next++;
  size_t n = 0;
  for (size_t k = z->next; k < z->n && z->items[k].start < b; k++) {
    size_t i = n++, v = z->items[k].index; /* (a line holds a few) */
    for (; i > 0 && out[i - 1] > v; i--) out[i] = out[i - 1];
    out[i] = v;
  }
  return n;
}

/* The events of line li, [a, b), sorted. */
static void line_events(reader *rd, size_t li, size_t a, size_t b) {
  xctx *x = rd->x;
  const cchc_frame *f = x->f;
  rd->nev = 0;
  for (size_t at = a; at < b;) {
    size_t ms, me, gs, ge;
    const rule *hit = NULL;
    if (!(at == a ? xfirst_line(x, rd->marker, li, &ms, &me, &hit)
                  : xfirst(x, rd->marker, at, b, &ms, &me, &hit)))
      break;
    /* the match data holds the earliest rule's match only when it ran
     * last (no rule after it in the list): else run it again for its
     * level */
    if (hit != rd->marker.items[rd->marker.n - 1])
      rule_exec(hit, x->s + at, b - at, 0, x->md);
    int lvl = rule_group(hit, x->md, "lvl", &gs, &ge) ? x->s[at + gs] - '0'
                                                      : 0;
    push_event(rd, (event){EV_MARK, ms, me, lvl, 0});
    at = me > at ? me : at + 1;
  }
  const xunits *um = &rd->units;
  while (rd->unit_at < um->n && um->items[rd->unit_at].start < a)
    rd->unit_at++;
  for (size_t k = rd->unit_at; k < um->n && um->items[k].start < b; k++)
    if (!deadline_overlaps(x, um->items[k].start, um->items[k].end))
      push_event(rd, (event){EV_UNIT, um->items[k].start, um->items[k].end,
                             0, k});
  size_t n;
  const size_t *in = rd->line_items;
  if (in) n = zone_in(&rd->deadlines, a, b, rd->line_items);
  else in = xdeadlines_in(x, a, b, &n);
  for (size_t k = 0; k < n; k++) {
    size_t d = in[k];
    const frame_deadline *fd = &f->deadlines[d];
    if (d > 0 && f->deadlines[d - 1].span.start == fd->span.start) continue;
    push_event(rd, (event){EV_DEADLINE, fd->span.start, 0, 0, d});
  }
  if (rd->line_items) n = zone_in(&rd->targets, a, b, rd->line_items);
  else in = xtargets_in(x, a, b, &n);
  for (size_t k = 0; k < n; k++)
    push_event(rd, (event){EV_TARGET, f->targets[in[k]].span.start, 0, 0,
                           in[k]});
  /* a budget cell may run over the following lines */
  size_t ms, me;
  if (b > a && budget_cell(rd, a, b, &ms, &me))
    push_event(rd, (event){EV_BUDGET, ms, me, 0, 0});
  if (rd->nev > 1) qsort(rd->ev, rd->nev, sizeof *rd->ev, by_at);
}

/* Does unit mention m (event `self` of line li) stand as a cell? */
static bool unit_cell(reader *rd, const xunit *m, size_t li, size_t self,
                      bool joined_prev) {
  xctx *x = rd->x;
  size_t la = xline_start(x, li);
  size_t le = xline_end(x, xline_at(x, m->end));
  if (m->start > la && xany(x, rd->open, la, m->start, NULL)) return false;
  bool at_start = true;
  for (size_t i = la; i < m->start; i++)
    if (!xblank(x->s[i]) && x->s[i] != '-' && x->s[i] != '+') at_start = false;
  if (at_start && li > rd->first && xany_line(x, rd->open, li - 1, NULL))
    return false;
  if (joined_prev) return true;
  /* what follows: the line end, another mention, a deadline or budget */
  size_t i = m->end;
  while (i < le && (xblank(x->s[i]) || x->s[i] == ',' || x->s[i] == ';' ||
                    x->s[i] == '.' || x->s[i] == ')'))
    i++;
  if (i >= le) return true;
  /* cells run together: the next cell starts with a capital ("Tổ kiểm Các
   * ban Năm 2024") */
  if (i == m->end + 1 && xblank(x->s[m->end]) &&
      xany(x, rd->next, i, le, NULL))
    return true;
  for (size_t k = self + 1; k < rd->nev; k++) {
    const event *e = &rd->ev[k];
    if (e->at < m->end) continue;
    if (e->at > le) break;
    return (e->kind == EV_UNIT || e->kind == EV_DEADLINE ||
            e->kind == EV_BUDGET) &&
           units_joined(x, m->end, e->at);
  }
  return false;
}

/* A line without numbering that does not go on with the text before: the
 * target cell after a row number, else perhaps the task cell after a
 * target; or the start of the products cell. */
static void unnumbered_cell(reader *rd, size_t li) {
  xctx *x = rd->x;
  size_t a = rd->a, b = rd->b;
  bool unit_first = false;
  for (size_t k = 0; k < rd->nev; k++)
    if (rd->ev[k].at <= a + 2 && rd->ev[k].kind != EV_TARGET)
      unit_first = true;
  /* the products rule is searched only where its answer decides: a line
   * starting with a unit before any row, or in a row that has products
   * or units already, is neither cell */
  bool started = row_started(rd);
  bool asks = started ? !rd->has_products && !rd->row_units.n : !unit_first;
  bool prod = asks && xany_line(x, rd->product, li, NULL);
  if (!unit_first && !prod && !started) {
    size_t e = cell_end(rd, li);
    if (!rd->expect_task) rd->expect_task = true;
    else if (e - a >= 25) {
      rd->pend = true;
      rd->pending = (text_span){a, e};
    }
    rd->text_end = e;
  } else if (prod && !rd->has_products && !rd->row_units.n && started) {
    size_t e = b;
    for (size_t k = 0; k < rd->nev; k++)
      if (rd->ev[k].at > a && rd->ev[k].kind != EV_TARGET) {
        e = rd->ev[k].at;
        break;
      }
    rd->products = (text_span){a, e};
    rd->has_products = true;
  }
}

/* Numbering of a cell, event k: 1.x ends the row and opens a target, 2.x
 * adds a task cell, 3.x the activity cell. */
static void on_mark(reader *rd, size_t k, size_t li) {
  const event *e = &rd->ev[k];
  size_t b = rd->b, seg_end = b;
  for (size_t j = k + 1; j < rd->nev; j++)
    if (rd->ev[j].kind == EV_MARK) {
      seg_end = rd->ev[j].at;
      break;
    }
  if (seg_end == b) seg_end = cell_end(rd, li);
  if (e->lvl == 1) {
    end_row(rd);
    rd->target = -1;
    rd->expect_task = true;
    rd->pend = false;
  } else if (e->lvl == 2) {
    if (rd->complete) end_row(rd);
    rd->pend = rd->expect_task = false;
    add_task_cell(rd, e->at, seg_end);
  } else if (e->lvl == 3) {
    if (rd->complete) end_row(rd);
    if (rd->pend && !rd->ntasks) add_task_cell(rd, rd->pending.a, rd->pending.b);
    rd->pend = rd->expect_task = false;
    if (!rd->has_activity) {
      rd->activity = (text_span){e->at, seg_end};
      rd->has_activity = true;
    }
  }
  if (seg_end > rd->text_end && seg_end > b) rd->text_end = seg_end;
  else if (rd->text_end < b && seg_end >= b) rd->text_end = b;
}

/* A frame deadline on the line, event k: the row's time cell, unless it
 * lies in the wording of a task whose unit cells have not come yet. */
static void on_deadline(reader *rd, size_t k) {
  const event *e = &rd->ev[k];
  if ((rd->continuation || (rd->numbered && e->at < rd->b)) &&
      !rd->row_units.n && rd->deadline < 0) {
    bool after_cells = false;
    for (size_t j = 0; j < k; j++)
      if (rd->ev[j].kind == EV_UNIT) after_cells = true;
    if (!after_cells) return;
  }
  if (rd->deadline < 0) rd->deadline = (int)e->index;
  rd->complete = true;
}

/* One line of the table that is neither a group heading nor a row
 * number. */
static void read_line(reader *rd, size_t li) {
  xctx *x = rd->x;
  size_t a = rd->a, b = rd->b;
  line_events(rd, li, a, b);
  rd->continuation = a < rd->text_end;
  rd->numbered = false;
  bool any_mark = false, cell_first = false;
  for (size_t k = 0; k < rd->nev; k++) {
    const event *e = &rd->ev[k];
    if (e->kind == EV_MARK) any_mark = true;
    if (e->kind == EV_MARK && e->at <= a + 2) rd->numbered = true;
    if (e->kind != EV_TARGET && e->kind != EV_MARK && e->at <= a + 2)
      cell_first = true;
  }
  /* lines under a task cell, before its activity: the rest of the task
   * (the task column comes before the activity column) */
  if (!any_mark && !cell_first && rd->ntasks && !rd->has_activity &&
      !rd->row_units.n && rd->deadline < 0 && !rd->has_budget) {
    rd->tasks[rd->ntasks - 1].b = b;
    rd->continuation = true;
    if (rd->text_end < b) rd->text_end = b;
  }
  if (!rd->numbered && !rd->continuation) unnumbered_cell(rd, li);
  bool prev_unit_ok = false; /* the event before was a unit cell */
  size_t prev_unit_end = 0;
  for (size_t k = 0; k < rd->nev; k++) {
    const event *e = &rd->ev[k];
    if (e->kind == EV_MARK) {
      on_mark(rd, k, li);
      prev_unit_ok = false;
    } else if (e->kind == EV_TARGET) {
      if (rd->target < 0 && !row_started(rd)) rd->target = (int)e->index;
    } else if (!row_started(rd)) {
      continue; /* units, times and budget belong to a row */
    } else if (e->kind == EV_UNIT) {
      const xunit *m = &rd->units.items[e->index];
      bool joined = prev_unit_ok && units_joined(x, prev_unit_end, m->start);
      if (rd->deadline >= 0 || (rd->continuation && !joined)) continue;
      prev_unit_ok = unit_cell(rd, m, li, k, joined);
      if (!prev_unit_ok) continue;
      xunits_add(x, &rd->row_units, m);
      rd->complete = true;
      prev_unit_end = m->end;
    } else if (e->kind == EV_DEADLINE) {
      on_deadline(rd, k);
    } else if (e->kind == EV_BUDGET) {
      if (!rd->has_budget) {
        rd->budget = (text_span){e->at, e->end};
        rd->has_budget = true;
      }
      rd->complete = true;
    }
  }
}

/* A table of scattered cells: a line of the zone names the lead column
 * (tcell.header). */
static bool has_header(xctx *x, size_t first, size_t last) {
  rule_list header = rules_select(x->rules, "tcell.", "header");
  for (size_t li = first; li < last; li++)
    if (xany_line(x, header, li, NULL)) return true;
  return false;
}

static void read_scattered(reader *rd) {
  xctx *x = rd->x;
  bool started = false;
  for (size_t li = rd->first + 1; li < rd->last; li++) {
    size_t a = xline_start(x, li), b = xline_end(x, li);
    if (a == b) continue;
    if (xline_is_heading(x, li)) { /* a group: "II CẢI CÁCH THỂ CHẾ" */
      end_row(rd);
      rd->group++;
      rd->target = -1;
      rd->expect_task = rd->pend = false;
      rd->text_end = 0;
      started = true;
      continue;
    }
    if (xany_line(x, rd->rowno, li, NULL)) {
      end_row(rd);
      rd->target = -1;
      rd->expect_task = rd->pend = false;
      continue;
    }
    size_t ms, me;
    if (!started && !xfirst_line(x, rd->marker, li, &ms, &me, NULL)) continue;
    started = true;
    rd->a = a;
    rd->b = b;
    read_line(rd, li);
  }
  end_row(rd);
}

bool table_read(xctx *x, size_t first, size_t last, table *out) {
  *out = (table){0};
  if (first >= last || !has_header(x, first, last)) return false;
  reader rd = {.x = x,
               .out = out,
               .marker = rules_select(x->rules, "tcell.", "marker"),
               .rowno = rules_select(x->rules, "tcell.", "rowno"),
               .open = rules_select(x->rules, "tcell.", "open"),
               .plural = rules_select(x->rules, "tcell.", "plural"),
               .budget_rules = rules_select(x->rules, "tcell.", "budget"),
               .product = rules_select(x->rules, "tcell.", "product"),
               .next = rules_select(x->rules, "tcell.", "next"),
               .first = first,
               .last = last,
               .zone_end = xline_end(x, last - 1),
               .deadline = -1,
               .target = -1};
  table_join_rules_of(x->rules, &rd.joins);
  out->rule = rd.marker.n ? rd.marker.items[0] : NULL;
  rd.budget_kept = rd.budget_rules.n <= BUDGET_RULES;
  for (size_t i = 0; i < rd.budget_rules.n && rd.budget_kept; i++)
    rd.budget_kept = budget_alike(rd.budget_rules.items[i]);
  /* every unit mention of the zone at once */
  units_find(x, xline_start(x, first), rd.zone_end, &rd.units);
  /* and the deadlines and targets starting in it (else each line asks) */
  size_t nd = 0, nt = 0;
  const size_t *in = xdeadlines_in(x, xline_start(x, first), rd.zone_end,
                                   &nd);
  bool zoned = !table_zone_items_off && (in || !nd) &&
               zone_items_of(x->f, in, nd, true, &rd.deadlines);
  if (zoned) {
    in = xtargets_in(x, xline_start(x, first), rd.zone_end, &nt);
    zoned = (in || !nt) && zone_items_of(x->f, in, nt, false, &rd.targets);
  }
  if (zoned)
    rd.line_items = malloc(((nd > nt ? nd : nt) + 1) * sizeof *rd.line_items);
  read_scattered(&rd);
  fit_cells(out);
  fill_merged(x, out);
  xunits_free(&rd.units);
  xunits_free(&rd.row_units);
  free(rd.deadlines.items);
  free(rd.targets.items);
  free(rd.line_items);
  free(rd.tasks);
  free(rd.ev);
  return true;
}

/* ---- the crawl reader ---------------------------------------------------- */

/* A crawled page prints a table row by row, each cell between two '|':
 * as lines "| a | b |" (a row that wraps goes on, on the lines after, up
 * to the '|' that closes it), rows run together on one line, or every '|'
 * alone on a line and a cell's text on the lines between.  All read alike
 * as one stream of slots, the text between one '|' and the next.  An
 * empty cell and the step from one row to the next look the same (an empty
 * slot), so rows are cut by the number of columns of the header: a row
 * holds the n cells the header names, rows are parted by an empty slot,
 * and a row of fewer cells is a group heading spanning the columns.  Where a crawl
 * leaves that out of step (a stray cell, a row of one cell more), the cut
 * that fits best wins: among all ways to cut the slots into rows, the one
 * whose rows have the header's width, row numbers in the number column
 * and group rows of a heading only (dynamic programming over the slots).
 *
 * The header row is the first row whose cells each name a field (field.*
 * rules, whole cell), with the work (task or target) and one more.  Then
 * rows become the model's rows: a row of one heading (tcell.group: "I.
 * ...", capitals; or a number that the next row's number extends, "5.1"
 * before "5.1.1") starts a group; a row without number whose cells all
 * start in lower case goes on with the row above (its cells marked
 * `more`); a repeated header row is skipped; empty cells are left out, so
 * that table_resolve gives the row the merged cells of the row above. */

typedef struct slot {
  size_t open, close;   /* the borders ('|') around it */
  size_t a, b;          /* trimmed canonical text; a == b when empty */
  size_t lines;         /* line breaks in it */
  int field;            /* table_role of the field a header cell names, or
                           -1 */
  const rule *why;      /* that field's rule */
  int8_t number;        /* tcell.number: 1 yes, 0 no, -1 not asked yet
                           (only a cell in a number column asks,
                           slot_number) */
  int8_t heading;       /* tcell.group: 1 yes, 0 no, -1 not asked yet (only
                           a row of one text asks, slot_heading) */
  uint16_t fact;        /* 1 + the facts slot add_slot found or took for
                           its text (cell_any looks there first); 0: none */
} slot;

/* The slots are read as the tables need them, a window of them held: the
 * slots of the whole text at once would be as large as the text's cells
 * (page faults as the array doubles), while the reader looks back one slot
 * before a table's header at most.  Slot i of the crawl (its index in the
 * text's stream of slots) is slots[i - base]. */
typedef struct crawl {
  xctx *x;
  rule_list number, group, cont, fields;
  slot *slots;
  size_t base;        /* the crawl's index of slots[0] */
  size_t nslots, cap; /* slots held */
  /* where read_slots goes on */
  size_t line;        /* the next line to read */
  size_t prev;        /* the last border, or x->n */
  size_t prev_line;   /* its line */
  /* the first bar at or after the line read last (x->n: none; SIZE_MAX:
   * not looked for): the lines before it are passed without a search of
   * each (most plans have no table) */
  size_t bar;
  bool done;          /* every line read */
  /* cut_rows' arrays, kept from table to table (a long table's are
   * fresh pages each time they are allocated anew) */
  long *best;
  size_t *back, *back_k;
  size_t cap_cut;
  struct cell_facts *facts; /* CELL_FACTS of them, taken at the first ask */
  /* which of them hold a text: a bit each, where zeroing the slots
   * themselves (calloc) wrote 40 KB a plan, most never asked */
  uint64_t facts_used[16];
} crawl;

/* What the rules said of a cell's text.  A crawled table repeats its
 * cells ("UBND các xã", "Sở Tài chính", "Năm 2025") hundreds of times,
 * and each slot is asked whether it names a field, is a row number, a
 * group heading, the rest of a wrapped row: an xany over [a, b), whose
 * subject starts at a, so one answer holds for every place the same bytes
 * stand.  Kept by text, a slot per hash (a newer text takes it). */
typedef enum { /* what cell_any asks */
  ASK_NUMBER,  /* tcell.number */
  ASK_HEADING, /* tcell.group */
  ASK_CONT,    /* task.cont */
  CELL_ASKS
} cell_ask;

typedef struct cell_facts {
  uint64_t hash;
  size_t at, len;  /* the text they were read of (len 0: slot free) */
  const rule *why; /* `field`'s rule */
  int8_t field;    /* table_field: a table_role, -1 none, -2 not asked */
  int8_t said[CELL_ASKS]; /* 1 yes, 0 no, -1 not asked */
} cell_facts;
enum { CELL_FACTS = 1024 }; /* (a slot's `fact` holds 1 + an index) */
_Static_assert(sizeof ((crawl *)0)->facts_used * 8 == CELL_FACTS,
               "a bit of facts_used per slot of facts");

bool table_cell_facts_off = false;

/* The facts of non-empty text [a, b): those kept for its bytes, else a
 * slot taken for them, nothing known yet.  NULL without memory (or
 * table_cell_facts_off). */
static cell_facts *facts_of(crawl *c, size_t a, size_t b) {
  if (table_cell_facts_off ||
      (!c->facts && !(c->facts = malloc(CELL_FACTS * sizeof *c->facts))))
    return NULL;
  const char *s = c->x->s;
  uint64_t h = xtext_hash(s + a, b - a);
  size_t k = (size_t)(h ^ h >> 29) & (CELL_FACTS - 1);
  cell_facts *f = &c->facts[k];
  uint64_t bit = (uint64_t)1 << (k & 63);
  if (c->facts_used[k >> 6] & bit) {
    if (f->len == b - a && f->hash == h &&
        (f->at == a || !memcmp(s + f->at, s + a, b - a))) {
      c->x->table_facts_reused++;
      return f;
    }
  } else {
    c->facts_used[k >> 6] |= bit;
  }
  *f = (cell_facts){h, a, b - a, NULL, -2, {-1, -1, -1}};
  return f;
}

/* xany of `rules` over non-empty slot s, which asks `ask` of it: the
 * answer kept in its text's facts.  The facts slot add_slot found for s
 * still holds them when it still holds the text at s (the same place and
 * length: the same bytes), without hashing the text again; else it has
 * been taken by another text since, and they are looked for by it. */
static bool cell_any(crawl *c, const slot *s, rule_list rules,
                     cell_ask ask) {
  size_t a = s->a, b = s->b;
  cell_facts *f = s->fact ? &c->facts[s->fact - 1] : NULL;
  if (!f || f->at != a || f->len != b - a) f = facts_of(c, a, b);
  if (f && f->said[ask] >= 0) return f->said[ask];
  bool yes = xany(c->x, rules, a, b, NULL);
  if (f) f->said[ask] = yes;
  return yes;
}

/* Slots held from the start of the window before it is moved down: the
 * window moves when it would halve, a copy of at most as many slots as it
 * has dropped. */
enum { WINDOW_SLACK = 256 };

/* Is there a slot i (reading the slots up to it)? */
static bool has_slot(crawl *c, size_t i);

/* Slot i, held (has_slot(c, i)).  The pointer holds up to the next
 * has_slot, which may move the slots. */
static slot *slot_at(const crawl *c, size_t i) {
  return &c->slots[i - c->base];
}

/* Longest cell: a slot longer than this is text between two tables. */
enum { CELL_LINES = 30 };

/* Most header cells start with a byte that only a few field.* rules
 * (each matching at a cell's start) can start with: only those are run. */
enum { FIELD_RULES = 64 };

bool table_field(xctx *x, rule_list fields, size_t a, size_t b,
                 table_role *role, const rule **hit, size_t *end) {
  static const struct {
    const char *name;
    table_role role;
  } roles[] = {{"number", TABLE_NUMBER},       {"task", TABLE_TASK},
               {"target", TABLE_TARGET},       {"lead", TABLE_LEAD},
               {"coordinators", TABLE_COORDINATORS},
               {"deadline", TABLE_DEADLINE},   {"products", TABLE_PRODUCTS},
               {"budget", TABLE_BUDGET},       {"measure", TABLE_MEASURE},
               {"value", TABLE_VALUE},         {"note", TABLE_OTHER}};
  if (a >= b) return false;
  const rule *open[FIELD_RULES];
  rule_list tried = fields;
  if (fields.n <= FIELD_RULES) {
    size_t k = 0;
    for (size_t i = 0; i < fields.n; i++)
      if (rule_may_open(fields.items[i], (unsigned char)x->s[a]))
        open[k++] = fields.items[i];
    tried = (rule_list){open, k};
  }
  const rule *r;
  if (!xany(x, tried, a, b, &r)) return false;
  const char *name = rule_attr(r, "role");
  size_t ms, me;
  rule_match_span(x->md, &ms, &me);
  for (size_t i = 0; name && i < sizeof roles / sizeof *roles; i++)
    if (!strcmp(roles[i].name, name)) {
      *role = roles[i].role;
      if (hit) *hit = r;
      if (end) *end = a + me;
      return true;
    }
  return false;
}

/* The slot between borders at open and close, lines apart.  A rule line
 * between them ("|---|") is no text. */
static void add_slot(crawl *c, size_t open, size_t close, size_t lines) {
  xctx *x = c->x;
  size_t a = open + 1, b = close;
  xtrim(x, &a, &b);
  /* (every field is set below: frame_grow's zeroing only when it grows) */
  slot *s = c->nslots < c->cap ? &c->slots[c->nslots++]
                               : frame_grow(x->f, (void **)&c->slots,
                                            &c->nslots, &c->cap,
                                            sizeof *c->slots);
  if (!s) return;
  *s = (slot){open, close, a, b, lines, -1, NULL, -1, -1, 0};
  bool dashes = true;
  for (size_t i = a; i < b && dashes; i++)
    dashes = x->s[i] == '-' || x->s[i] == ':' || x->s[i] == '|' ||
             xblank(x->s[i]);
  if (dashes) s->a = s->b = b;
  if (s->a == s->b) return;
  /* a header cell is short: one line of a few words */
  if (lines > 3 || b - a > 120) return;
  cell_facts *f = facts_of(c, a, b);
  if (f) s->fact = (uint16_t)(f - c->facts + 1);
  if (f && f->field > -2) { /* its text was asked before */
    s->field = f->field;
    s->why = f->why;
    return;
  }
  table_role role;
  if (table_field(x, c->fields, a, b, &role, &s->why, NULL))
    s->field = (int)role;
  if (f) {
    f->field = (int8_t)s->field;
    f->why = s->why;
  }
}

/* Does non-empty slot s read as a row number (tcell.number)?  Asked of the
 * cells in a table's number column only: most slots are not, and the
 * rules' searches cost a PCRE2 call each. */
static bool slot_number(crawl *c, slot *s) {
  if (s->number < 0)
    s->number = cell_any(c, s, c->number, ASK_NUMBER);
  return s->number > 0;
}

/* Does non-empty slot s read as a group heading (tcell.group)? */
static bool slot_heading(crawl *c, slot *s) {
  if (s->heading < 0)
    s->heading = cell_any(c, s, c->group, ASK_HEADING);
  return s->heading > 0;
}

/* Do the k slots from s make a header row: each names a field (a third may
 * name none), two at least, the work (task or target) among them and one
 * field more? */
/* What header_row and row_score read of the slots of a row, slot by slot
 * (cut_rows grows a row one slot at a time). */
typedef struct row_tally {
  size_t k, full, named; /* slots, non-empty ones, ones naming a field */
  bool empty, work, other; /* an empty slot; fields as header_row asks */
} row_tally;

static void tally_slot(row_tally *t, const slot *s) {
  t->k++;
  if (s->a == s->b) {
    t->empty = true;
    return;
  }
  t->full++;
  if (s->field < 0) return;
  t->named++;
  if (s->field == TABLE_TASK || s->field == TABLE_TARGET) t->work = true;
  else if (s->field != TABLE_NUMBER && s->field != TABLE_OTHER)
    t->other = true;
}

static bool tally_header(const row_tally *t) {
  return !t->empty && t->named >= 2 && t->named * 3 >= t->k * 2 && t->work &&
         t->other;
}

static bool header_row(const slot *s, size_t k) {
  row_tally t = {0};
  for (size_t i = 0; i < k; i++) tally_slot(&t, &s[i]);
  return tally_header(&t);
}

/* The columns of a table: the role of each header cell. */
enum { MAX_COLUMNS = 32 };
typedef struct columns {
  table_role role[MAX_COLUMNS];
  size_t n;
  int number; /* column of the row number, or -1 */
  const rule *why; /* the rule of the work's header cell */
} columns;

static bool read_columns(const slot *s, size_t k, columns *cols) {
  if (k > sizeof cols->role / sizeof *cols->role || !header_row(s, k))
    return false;
  cols->n = k;
  cols->number = -1;
  cols->why = NULL;
  /* "Kết quả" of a task is what it delivers, of a target its figure */
  bool task = false, products = false;
  for (size_t i = 0; i < k; i++) {
    task = task || s[i].field == TABLE_TASK;
    products = products || s[i].field == TABLE_PRODUCTS;
  }
  for (size_t i = 0; i < k; i++) {
    cols->role[i] = s[i].field < 0 ? TABLE_OTHER : (table_role)s[i].field;
    if (cols->role[i] == TABLE_VALUE && task && !products)
      cols->role[i] = TABLE_PRODUCTS;
    if (cols->role[i] == TABLE_NUMBER && cols->number < 0)
      cols->number = (int)i;
    if ((cols->role[i] == TABLE_TASK ||
         (cols->role[i] == TABLE_TARGET && !cols->why)))
      cols->why = s[i].why;
  }
  return true;
}

/* How well the t->k slots from s (tallied in t) read as one row of a
 * table of these columns. */
static int row_score(crawl *c, slot *s, const row_tally *t,
                     const columns *cols) {
  size_t full = t->full, k = t->k;
  if (!full) return -2;
  if (tally_header(t)) return 3; /* a header repeated under a group */
  int score;
  if (k == cols->n) score = 3;
  else if (full <= 2) score = 0; /* a group heading spanning columns */
  else if (k + 1 == cols->n || k == cols->n + 1) score = -1;
  else score = -3;
  if (cols->number >= 0 && (size_t)cols->number < k &&
      s[cols->number].a != s[cols->number].b)
    score += slot_number(c, &s[cols->number]) ? 1 : -1;
  return score;
}

/* A row of a table being built: its cells' slots. */
typedef struct raw_row {
  size_t first, k; /* slots [first, first + k) of the crawl */
} raw_row;

typedef struct raw_rows {
  raw_row *v;
  size_t n, cap;
} raw_rows;

static void push_raw(xctx *x, raw_rows *rows, size_t first, size_t k) {
  raw_row *r = frame_grow(x->f, (void **)&rows->v, &rows->n, &rows->cap,
                          sizeof *rows->v);
  if (r) *r = (raw_row){first, k};
}

/* cut_rows' arrays for n slots. */
static bool cut_arrays(crawl *c, size_t n) {
  if (n <= c->cap_cut) return true;
  size_t cap = c->cap_cut ? c->cap_cut : 64;
  while (cap < n) cap *= 2;
  long *best = realloc(c->best, cap * sizeof *best);
  if (best) c->best = best;
  size_t *back = realloc(c->back, cap * sizeof *back);
  if (back) c->back = back;
  size_t *back_k = realloc(c->back_k, cap * sizeof *back_k);
  if (back_k) c->back_k = back_k;
  if (!best || !back || !back_k) return false;
  c->cap_cut = cap;
  return true;
}

/* Cut slots [from, to) into rows (the best cut, see above), appended to
 * *out.  Returns the slot after the last row. */
static size_t cut_rows(crawl *c, size_t from, size_t to, const columns *cols,
                       raw_rows *out) {
  xctx *x = c->x;
  size_t m = to - from, maxk = cols->n + 1;
  if (!m) return from;
  slot *run = slot_at(c, from); /* the slots are held: none is read */
  /* best[i]: score of the best cut of [from, from + i) into rows and
   * parting slots, a row starting at from + i; it came from the row of
   * back_k[i] slots at back[i] (back_k 0: slot back[i] was dropped) */
  size_t stop = from;
  if (!cut_arrays(c, m + 1)) {
    x->f->failed = true;
    return stop;
  }
  long *best = c->best;
  size_t *back = c->back, *back_k = c->back_k;
  const long none = -(1L << 40);
  for (size_t i = 0; i <= m; i++) best[i] = none;
  best[0] = 0;
  long end_score = none;
  size_t end_at = 0, end_k = 0;
  for (size_t i = 0; i < m; i++) {
    if (best[i] == none) continue;
    /* a stray slot: dropped at a cost */
    if (best[i] - 6 > best[i + 1]) {
      best[i + 1] = best[i] - 6;
      back[i + 1] = i;
      back_k[i + 1] = 0;
    }
    row_tally t = {0}; /* of the row of k slots from i */
    for (size_t k = 1; k <= maxk && i + k <= m; k++) {
      tally_slot(&t, &run[i + k - 1]);
      long sc = best[i] + row_score(c, &run[i], &t, cols);
      if (sc >= end_score) { /* the table may end with this row */
        end_score = sc;
        end_at = i;
        end_k = k;
      }
      size_t gap = i + k;
      if (gap < m && run[gap].a == run[gap].b &&
          sc > best[gap + 1]) {
        best[gap + 1] = sc;
        back[gap + 1] = i;
        back_k[gap + 1] = k;
      }
    }
  }
  if (end_score != none) {
    /* walk back from the last row, then append in text order */
    size_t n0 = out->n, i = end_at, k = end_k;
    stop = from + end_at + end_k;
    for (;;) {
      push_raw(x, out, from + i, k);
      if (!i) break;
      size_t j = back[i], kk = back_k[i];
      while (!kk && j) { /* through dropped slots */
        i = j;
        j = back[i];
        kk = back_k[i];
      }
      if (!kk) break;
      i = j;
      k = kk;
    }
    for (size_t a = n0, b = out->n; b > a + 1; a++, b--) {
      raw_row t = out->v[a];
      out->v[a] = out->v[b - 1];
      out->v[b - 1] = t;
    }
  }
  return stop;
}

/* Is the number of slot s extended by the number of slot t ("5.1" and
 * "5.1.1")? */
static bool number_extends(const xctx *x, const slot *s, const slot *t) {
  size_t n = s->b - s->a;
  while (n && (x->s[s->a + n - 1] == '.' || x->s[s->a + n - 1] == ')')) n--;
  return n && t->b - t->a > n + 1 && !memcmp(x->s + s->a, x->s + t->a, n) &&
         x->s[t->a + n] == '.' && x->s[t->a + n + 1] >= '0' &&
         x->s[t->a + n + 1] <= '9';
}

/* Does every non-empty cell of row r start in lower case (the text of the
 * row above, wrapped)? */
static bool wrapped_row(crawl *c, const raw_row *r) {
  size_t full = 0;
  for (size_t i = 0; i < r->k; i++) {
    const slot *s = slot_at(c, r->first + i);
    if (s->a == s->b) continue;
    full++;
    if (!cell_any(c, s, c->cont, ASK_CONT)) return false;
  }
  return full > 0;
}

/* Rows of one table into the model, appended to x->tables. */
static void build_table(crawl *c, const columns *cols, const raw_rows *rows,
                        size_t first_line, size_t last_line) {
  xctx *x = c->x;
  table *t = frame_grow(x->f, (void **)&x->tables, &x->ntables,
                        &x->cap_tables, sizeof *x->tables);
  if (!t) return;
  t->rule = cols->why;
  t->first = first_line;
  t->last = last_line;
  int group = 0;
  for (size_t r = 0; r < rows->n; r++) {
    const raw_row *raw = &rows->v[r];
    slot *s = slot_at(c, raw->first);
    if (header_row(s, raw->k)) continue;
    size_t full = 0, text = 0, k = raw->k < cols->n ? raw->k : cols->n;
    slot *num = NULL, *only = NULL;
    for (size_t i = 0; i < raw->k; i++) {
      if (s[i].a == s[i].b) continue;
      full++;
      if ((int)i == cols->number && slot_number(c, &s[i])) num = &s[i];
      else {
        text++;
        only = &s[i];
      }
    }
    if (!full) continue;
    /* a group heading: one text, spanning the columns, numbered I or A,
     * in capitals, or numbered as the parent of the next row */
    if (text == 1) {
      const slot *next = NULL; /* the number of a row soon after */
      for (size_t q = r + 1; q < rows->n && q <= r + 3 && !next; q++)
        if (cols->number >= 0 && (size_t)cols->number < rows->v[q].k) {
          const slot *ns = slot_at(c, rows->v[q].first + cols->number);
          if (ns->a != ns->b) next = ns;
        }
      bool heading = raw->k + 1 < cols->n || slot_heading(c, only) ||
                     (num && slot_heading(c, num)) ||
                     (num && next && number_extends(x, num, next));
      if (heading) {
        group++;
        continue;
      }
    }
    /* a row whose text wrapped onto a row of its own */
    table_row *above = t->nrows ? &t->rows[t->nrows - 1] : NULL;
    bool more = above && above->group == group && !num &&
                wrapped_row(c, raw);
    table_row *row = more ? above : add_row(x, t, group);
    if (!row) continue;
    for (size_t i = 0; i < k; i++) {
      if (s[i].a == s[i].b || cols->role[i] == TABLE_OTHER) continue;
      table_cell *cell =
          add_cell(x, t, row, cols->role[i], s[i].a, s[i].b, -1);
      if (cell) cell->more = more;
    }
  }
  fit_cells(t);
}

/* Does a table start at slot i, its header the k slots from there: cells
 * that name fields (the first one does), then a parting slot, after text
 * that is no header cell (a header repeated under a group row follows a
 * parting slot)? */
static bool table_starts(crawl *c, size_t i, size_t *k) {
  *k = 0;
  /* most slots are no header cell, or follow one: told before the slots
   * after them are read and looked at */
  const slot *first = slot_at(c, i);
  if (first->a == first->b || first->field < 0 ||
      (i > 0 && (first[-1].a == first[-1].b || first[-1].field >= 0)))
    return false;
  size_t n = 0; /* a header has at most MAX_COLUMNS cells: look no further */
  while (n <= MAX_COLUMNS && has_slot(c, i + n) &&
         slot_at(c, i + n)->a != slot_at(c, i + n)->b &&
         slot_at(c, i + n)->lines <= 3)
    n++;
  *k = n;
  /* every slot looked at is held now: the window moves no more here */
  bool parted = !has_slot(c, i + n) ||
                slot_at(c, i + n)->a == slot_at(c, i + n)->b;
  return parted && n >= 2 && header_row(slot_at(c, i), n);
}

/* "|---|:---:|": the line under a Markdown header, no cells. */
static bool rule_line(const xctx *x, size_t li) {
  bool dash = false;
  for (size_t i = xline_start(x, li); i < xline_end(x, li); i++) {
    char ch = x->s[i];
    if (ch == '-') dash = true;
    else if (ch != '|' && ch != ':' && !xblank(ch)) return false;
  }
  return dash;
}

/* The slots between the bars of the text, every '|' a border (rule lines
 * aside): a bar alone on its line, the bars of a row "| a | b |", or rows
 * run together on one line read alike.  Reads lines up to one that adds a
 * slot (or the end). */
static void read_slots(crawl *c) {
  xctx *x = c->x;
  size_t had = c->nslots;
  for (; c->line < x->nlines && c->nslots == had && !x->f->failed;
       c->line++) {
    size_t li = c->line;
    size_t ls = xline_start(x, li);
    if (c->bar == SIZE_MAX || c->bar < ls) {
      const char *bar = memchr(x->s + ls, '|', x->n - ls);
      c->bar = bar ? (size_t)(bar - x->s) : x->n;
    }
    if (c->bar == x->n) { /* no bar on: no slot more */
      c->line = x->nlines;
      break;
    }
    if (c->bar >= xline_end(x, li) || rule_line(x, li)) continue;
    for (size_t at = xline_start(x, li); at < xline_end(x, li); at++) {
      if (x->s[at] != '|') continue;
      /* a border's line is the line read (no search by offset) */
      if (c->prev < x->n) add_slot(c, c->prev, at, li - c->prev_line);
      c->prev = at;
      c->prev_line = li;
    }
  }
  if (c->nslots == had) c->done = true;
}

/* Is there a slot i (reading the slots up to it)? */
static bool has_slot(crawl *c, size_t i) {
  while (i >= c->base + c->nslots && !c->done) read_slots(c);
  return i < c->base + c->nslots;
}

/* Slots before i are not read any more: drop them when that halves the
 * window. */
static void forget_before(crawl *c, size_t i) {
  size_t drop = i - c->base;
  if (i <= c->base || drop < WINDOW_SLACK || drop * 2 < c->nslots) return;
  memmove(c->slots, c->slots + drop, (c->nslots - drop) * sizeof *c->slots);
  c->nslots -= drop;
  c->base = i;
}

/* The tables of the text: each a header, then its rows. */
static void crawled_tables(crawl *c) {
  xctx *x = c->x;
  raw_rows rows = {0}; /* of each table in turn */
  for (size_t i = 0; has_slot(c, i);) {
    /* table_starts looks back one slot */
    if (i) forget_before(c, i - 1);
    size_t k;
    columns cols;
    if (!table_starts(c, i, &k) || !read_columns(slot_at(c, i), k, &cols)) {
      i++;
      continue;
    }
    /* its rows: up to a slot too long for a cell, or the next table */
    size_t from = has_slot(c, i + k + 1) ? i + k + 1 : c->base + c->nslots;
    size_t to = from, h;
    while (has_slot(c, to) && slot_at(c, to)->lines <= CELL_LINES &&
           !table_starts(c, to, &h))
      to++;
    rows.n = 0;
    size_t stop = cut_rows(c, from, to, &cols, &rows);
    /* its lines: from the border before the header to the one after its
     * last cell */
    const slot *end = stop > from ? slot_at(c, stop - 1) : slot_at(c, i + k - 1);
    build_table(c, &cols, &rows, xline_at(x, slot_at(c, i)->open),
                xline_at(x, end->close) + 1);
    i = stop > i + k ? stop : i + k;
  }
  free(rows.v);
}

static cchc_status table_crawled(xctx *x) {
  crawl c = {.x = x,
             .number = rules_select(x->rules, "tcell.", "number"),
             .group = rules_select(x->rules, "tcell.", "group"),
             .cont = rules_select(x->rules, "task.", "cont"),
             .fields = rules_select(x->rules, "field.", NULL),
             .prev = x->n,
             .bar = SIZE_MAX};
  crawled_tables(&c);
  free(c.slots);
  free(c.best);
  free(c.back);
  free(c.back_k);
  free(c.facts);
  return x->f->failed ? cchc_fail(x->err, CCHC_ERR_NOMEM, "out of memory")
                      : CCHC_OK;
}

bool table_holds(const xctx *x, size_t li) {
  for (size_t i = 0; i < x->ntables; i++)
    if (li >= x->tables[i].first && li < x->tables[i].last) return true;
  return false;
}

void table_free_all(xctx *x) {
  free(x->join_memo);
  x->join_memo = NULL;
  for (size_t i = 0; i < x->ntables; i++) table_free(&x->tables[i]);
  free(x->tables);
  x->tables = NULL;
  x->ntables = x->cap_tables = 0;
}

/* ---- units and references of crawled cells ------------------------------- */

/* A cell or value in a unit position that names no unit at all is itself
 * the name of one the taxonomy lacks ("Tỉnh đoàn"), or a list of them
 * parted by ';': each part that reads as a name (short, no digit) is
 * added. */
static void named_units(xctx *x, size_t a, size_t b, xunits *out) {
  for (size_t at = a; at < b;) {
    const char *semi = memchr(x->s + at, ';', b - at);
    size_t e = semi ? (size_t)(semi - x->s) : b, pa = at, pb = e;
    at = e + 1;
    while (pb > pa && (x->s[pb - 1] == '.' || xblank(x->s[pb - 1]))) pb--;
    xtrim(x, &pa, &pb);
    bool name = pa < pb && pb - pa <= 80;
    for (size_t i = pa; name && i < pb; i++)
      name = !(x->s[i] >= '0' && x->s[i] <= '9');
    if (name) xunits_add(x, out, &(xunit){NULL, NULL, pa, pb, NULL});
  }
}

void table_cell_units(xctx *x, size_t a, size_t b, xunits *out) {
  xunits known = {0};
  units_find(x, a, b, &known);
  size_t pos = a, n0 = out->n;
  for (size_t i = 0; i <= known.n; i++) {
    const xunit *k = i < known.n ? &known.items[i] : NULL;
    if (k && deadline_overlaps(x, k->start, k->end)) continue;
    /* names the taxonomy lacks, listed before this unit (or at the end) */
    size_t lim = k ? k->start : b;
    xunit u;
    while (pos < lim && units_unknown(x, pos, lim, &u) &&
           units_joined(x, pos, u.start)) {
      xunits_add(x, out, &u);
      pos = u.end;
    }
    if (!k) break;
    xunits_add(x, out, k);
    if (k->end > pos) pos = k->end;
  }
  xunits_free(&known);
  if (out->n == n0) named_units(x, a, b, out);
}

void table_resolve(xctx *x, table *t) {
  for (size_t r = 0; r < t->nrows; r++) {
    table_row *row = &t->rows[r];
    for (size_t i = 0; i < row->ncells; i++) {
      table_cell *c = &row->cells[i];
      if (c->role == TABLE_LEAD || c->role == TABLE_COORDINATORS) {
        xunits *u = c->units ? &t->units[c->units - 1] : cell_units(x, t, c);
        if (!u) continue;
        u->n = 0;
        table_cell_units(x, c->start, c->end, u);
      }
      else if (c->role == TABLE_DEADLINE)
        c->ref = deadline_latest(x, c->start, c->end);
      else if (c->role == TABLE_TARGET && c->ref < 0) {
        size_t n; /* the first target in the cell */
        const size_t *in = xtargets_in(x, c->start, c->end, &n);
        if (n) c->ref = (int)in[0];
      }
    }
  }
  fill_merged(x, t);
}

int deadline_latest(xctx *x, size_t a, size_t b) {
  const cchc_frame *f = x->f;
  int best = -1;
  size_t n;
  const size_t *in = xdeadlines_in(x, a, b, &n);
  for (size_t k = 0; k < n; k++) {
    size_t i = in[k];
    const frame_deadline *d = &f->deadlines[i];
    if (best < 0) best = (int)i;
    else if (d->end && (!f->deadlines[best].end ||
                        strcmp(d->end, f->deadlines[best].end) > 0))
      best = (int)i;
  }
  return best;
}
