/* table.c: the table model (table.h) -- cells of text for every line, and
 * rows × cells with column roles for a task table -- and its one reader
 * today, for scattered cells.
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

cchc_status table_cells(xctx *x) {
  rule_list fresh = rules_select(x->rules, "cell.", "new");
  rule_list closed = rules_select(x->rules, "cell.", "closed");
  rule_list open = rules_select(x->rules, "cell.", "open");
  rule_list cont = rules_select(x->rules, "cell.", "continue");
  for (size_t li = 0; li < x->nlines; li++) {
    xline *ln = &x->lines[li];
    const xline *prev = li ? &x->lines[li - 1] : NULL;
    ln->join = XJOIN_NEVER;
    if (!prev || xline_is_heading(x, li - 1) || xline_is_heading(x, li) ||
        prev->start == prev->end || ln->start == ln->end ||
        xany(x, closed, prev->start, prev->end, NULL) ||
        xany(x, fresh, ln->start, ln->end, NULL))
      continue;
    ln->join = xany(x, open, prev->start, prev->end, NULL) ||
                       xany(x, cont, ln->start, ln->end, NULL)
                   ? XJOIN_YES
                   : XJOIN_MAY;
  }
  return CCHC_OK;
}

/* ---- the model ------------------------------------------------------------------ */

const table_cell *table_cell_of(const table_row *row, table_role role) {
  for (size_t i = 0; i < row->ncells; i++)
    if (row->cells[i].role == role) return &row->cells[i];
  return NULL;
}

void table_free(table *t) {
  for (size_t r = 0; r < t->nrows; r++) {
    for (size_t c = 0; c < t->rows[r].ncells; c++)
      xunits_free(&t->rows[r].cells[c].units);
    free(t->rows[r].cells);
  }
  free(t->rows);
  *t = (table){0};
}

static table_row *add_row(xctx *x, table *t, int group) {
  table_row *row = frame_grow(x->f, (void **)&t->rows, &t->nrows, &t->cap,
                              sizeof *t->rows);
  if (row) row->group = group;
  return row;
}

static table_cell *add_cell(xctx *x, table_row *row, table_role role,
                            size_t start, size_t end, int ref) {
  table_cell *c = frame_grow(x->f, (void **)&row->cells, &row->ncells,
                             &row->cap, sizeof *row->cells);
  if (c) *c = (table_cell){.role = role, .start = start, .end = end, .ref = ref};
  return c;
}

static void copy_cell(xctx *x, table_row *row, const table_cell *from) {
  table_cell *c = add_cell(x, row, from->role, from->start, from->end,
                           from->ref);
  if (c) xunits_copy(x, &c->units, &from->units);
}

/* Merged cells: a cell printed once for several rows of a group.  A row
 * without lead and coordinators takes those of the row above, a row
 * without deadline its deadline. */
static void fill_merged(xctx *x, table *t) {
  for (size_t r = 1; r < t->nrows; r++) {
    table_row *row = &t->rows[r];
    const table_row *above = &t->rows[r - 1];
    if (above->group != row->group) continue;
    bool units = table_cell_of(row, TABLE_LEAD) ||
                 table_cell_of(row, TABLE_COORDINATORS);
    bool deadline = table_cell_of(row, TABLE_DEADLINE);
    for (size_t c = 0; c < above->ncells; c++) {
      table_role role = above->cells[c].role;
      if ((!units &&
           (role == TABLE_LEAD || role == TABLE_COORDINATORS)) ||
          (!deadline && role == TABLE_DEADLINE))
        copy_cell(x, row, &above->cells[c]);
    }
  }
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

typedef struct reader {
  xctx *x;
  table *out;
  rule_list marker, rowno, open, plural, budget_rules, product, next;
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
  table_cell *c = add_cell(rd->x, row, role, units->items[0].start,
                           units->items[units->n - 1].end, -1);
  if (c) xunits_copy(rd->x, &c->units, units);
}

/* The row read so far becomes a row of the table (when it has a task or
 * an activity). */
static void end_row(reader *rd) {
  xctx *x = rd->x;
  table_row *row = row_started(rd) ? add_row(x, rd->out, rd->group) : NULL;
  if (row) {
    if (rd->target >= 0) {
      const frame_target *t = &x->f->targets[rd->target];
      add_cell(x, row, TABLE_TARGET, t->span.start, t->span.end, rd->target);
    }
    for (size_t i = 0; i < rd->ntasks; i++)
      add_cell(x, row, TABLE_TASK, rd->tasks[i].a, rd->tasks[i].b, -1);
    if (rd->has_activity)
      add_cell(x, row, TABLE_ACTIVITY, rd->activity.a, rd->activity.b, -1);
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
      add_cell(x, row, TABLE_DEADLINE, d->span.start, d->span.end,
               rd->deadline);
    }
    if (rd->has_budget)
      add_cell(x, row, TABLE_BUDGET, rd->budget.a, rd->budget.b, -1);
    if (rd->has_products)
      add_cell(x, row, TABLE_PRODUCTS, rd->products.a, rd->products.b, -1);
  }
  row_reset(rd);
}

/* Does line li + 1 continue the cell of line li?  The cells of text say,
 * and within a task table a numbered line starts a cell and a line ending
 * in a preposition (tcell.open) goes on. */
static bool cell_goes_on(reader *rd, size_t li) {
  xctx *x = rd->x;
  const xline *next = &x->lines[li + 1];
  size_t ms, me;
  if (next->join == XJOIN_NEVER ||
      (xfirst(x, rd->marker, next->start, next->end, &ms, &me, NULL) &&
       ms == next->start))
    return false;
  return next->join == XJOIN_YES ||
         xany(x, rd->open, x->lines[li].start, x->lines[li].end, NULL);
}

/* End of the text of the cell starting on line li. */
static size_t cell_end(reader *rd, size_t li) {
  while (li + 1 < rd->last && cell_goes_on(rd, li)) li++;
  return rd->x->lines[li].end;
}

static int by_at(const void *a, const void *b) {
  const event *p = a, *q = b;
  if (p->at != q->at) return p->at < q->at ? -1 : 1;
  return (int)p->kind - (int)q->kind;
}

/* The events of line [a, b), sorted. */
static void line_events(reader *rd, size_t a, size_t b) {
  xctx *x = rd->x;
  const cchc_frame *f = x->f;
  rd->nev = 0;
  for (size_t at = a; at < b;) {
    size_t ms, me, gs, ge;
    const rule *hit = NULL;
    if (!xfirst(x, rd->marker, at, b, &ms, &me, &hit)) break;
    /* the match data holds the earliest rule's match only when it ran
     * last: run it again for its level */
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
  for (size_t d = 0; d < f->ndeadlines; d++) {
    const frame_deadline *fd = &f->deadlines[d];
    if (fd->span.start < a || fd->span.start >= b) continue;
    if (d > 0 && f->deadlines[d - 1].span.start == fd->span.start) continue;
    push_event(rd, (event){EV_DEADLINE, fd->span.start, 0, 0, d});
  }
  for (size_t g = 0; g < f->ntargets; g++) {
    const frame_target *ft = &f->targets[g];
    if (ft->span.start >= a && ft->span.start < b)
      push_event(rd, (event){EV_TARGET, ft->span.start, 0, 0, g});
  }
  /* a budget cell may run over the following lines */
  size_t ms, me;
  if (xfirst(x, rd->budget_rules, a, rd->zone_end, &ms, &me, NULL) &&
      ms < b)
    push_event(rd, (event){EV_BUDGET, ms, me, 0, 0});
  if (rd->nev > 1) qsort(rd->ev, rd->nev, sizeof *rd->ev, by_at);
}

/* Does unit mention m (event `self` of line li) stand as a cell? */
static bool unit_cell(reader *rd, const xunit *m, size_t li, size_t self,
                      bool joined_prev) {
  xctx *x = rd->x;
  size_t la = x->lines[li].start;
  size_t le = x->lines[xline_at(x, m->end)].end;
  if (m->start > la && xany(x, rd->open, la, m->start, NULL)) return false;
  bool at_start = true;
  for (size_t i = la; i < m->start; i++)
    if (!xblank(x->s[i]) && x->s[i] != '-' && x->s[i] != '+') at_start = false;
  if (at_start && li > rd->first &&
      xany(x, rd->open, x->lines[li - 1].start, x->lines[li - 1].end, NULL))
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
  bool unit_first = false, prod = xany(x, rd->product, a, b, NULL);
  for (size_t k = 0; k < rd->nev; k++)
    if (rd->ev[k].at <= a + 2 && rd->ev[k].kind != EV_TARGET)
      unit_first = true;
  if (!unit_first && !prod && !row_started(rd)) {
    size_t e = cell_end(rd, li);
    if (!rd->expect_task) rd->expect_task = true;
    else if (e - a >= 25) {
      rd->pend = true;
      rd->pending = (text_span){a, e};
    }
    rd->text_end = e;
  } else if (prod && !rd->has_products && !rd->row_units.n &&
             row_started(rd)) {
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
  line_events(rd, a, b);
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
    if (xany(x, header, x->lines[li].start, x->lines[li].end, NULL))
      return true;
  return false;
}

static void read_scattered(reader *rd) {
  xctx *x = rd->x;
  bool started = false;
  for (size_t li = rd->first + 1; li < rd->last; li++) {
    size_t a = x->lines[li].start, b = x->lines[li].end;
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
    if (xany(x, rd->rowno, a, b, NULL)) {
      end_row(rd);
      rd->target = -1;
      rd->expect_task = rd->pend = false;
      continue;
    }
    size_t ms, me;
    if (!started && !xfirst(x, rd->marker, a, b, &ms, &me, NULL)) continue;
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
               .zone_end = x->lines[last - 1].end,
               .deadline = -1,
               .target = -1};
  out->rule = rd.marker.n ? rd.marker.items[0] : NULL;
  /* every unit mention of the zone at once */
  units_find(x, x->lines[first].start, rd.zone_end, &rd.units);
  read_scattered(&rd);
  fill_merged(x, out);
  xunits_free(&rd.units);
  xunits_free(&rd.row_units);
  free(rd.tasks);
  free(rd.ev);
  return true;
}
