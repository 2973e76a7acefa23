/* appendix.c: the tasks of the plan's tables -- one task per task cell of
 * each row of the table model (table.c), else one for its activity cell,
 * else one for its target cell when the row says who leads it ("TT | Chỉ
 * tiêu | Chủ trì"); with the row's lead, coordinators, deadline, target,
 * budget and products.  A lead cell that names who leads ("X chủ trì ...;
 * Y thực hiện") leads with X, the others coordinate.  A row without lead
 * takes the lead of its area (lead_from "area").
 *
 * Crawled tables anywhere in the plan; the scattered-cells reader reads
 * the appendix when no crawled table lies there. */
#include "table.h"
#include "tasks.h"

#include <string.h>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

/* Task k has no lead of its own: the lead of its area, if "Tổ chức thực
 * hiện" gave one. */
static void area_lead(tk *t, frame_task *k) {
  const cchc_frame *f = t->x->f;
  for (size_t i = 0; k->area && i < f->nleads; i++) {
    if (strcmp(f->leads[i].area, k->area)) continue;
    if (!f->leads[i].unit.text) return;
    frame_unit *u = frame_alloc(t->x->f, sizeof *u);
    if (!u) return;
    *u = f->leads[i].unit;
    k->lead = u;
    k->nlead = 1;
    k->lead_from = "area";
    return;
  }
}

/* The units of every cell of `role` in the row (a cell and the cells that
 * go on from it), into *out. */
static void role_units(tk *t, const table *tb, const table_row *row,
                       table_role role, xunits *out) {
  for (size_t i = 0; i < row->ncells; i++)
    if (row->cells[i].role == role) {
      const xunits *named = table_units(tb, &row->cells[i]);
      for (size_t u = 0; u < named->n; u++)
        xunits_add(t->x, out, &named->items[u]);
    }
}

/* Who leads and who coordinates a row: its lead cell, unless that cell
 * itself names a lead ("Sở X chủ trì ...; các sở thực hiện ..."): then
 * that one leads and the cell's other units coordinate, with the
 * coordinators' cell. */
static void row_units(tk *t, const table *tb, const table_row *row,
                      xunits *lead, xunits *coords) {
  role_units(t, tb, row, TABLE_LEAD, lead);
  const table_cell *c = table_cell_of(row, TABLE_LEAD);
  xunits own = {0};
  if (c && lead->n > 1 &&
      clause_lead(t, c->start, c->end, true, &own, NULL, NULL) &&
      own.n < lead->n) {
    for (size_t i = 0; i < lead->n; i++)
      if (!xunits_has(t->x, &own, &lead->items[i]))
        xunits_add(t->x, coords, &lead->items[i]);
    xunits_copy(t->x, lead, &own);
  }
  xunits_free(&own);
  role_units(t, tb, row, TABLE_COORDINATORS, coords);
}

/* Task k of cell i of the row takes the text of the cells that go on from
 * it (a row wrapped onto rows of its own), its span reaching their end. */
static void more_text(xctx *x, const table_row *row, size_t i,
                      frame_task *k) {
  const table_cell *c = &row->cells[i];
  for (size_t j = i + 1; j < row->ncells && k->text; j++) {
    const table_cell *m = &row->cells[j];
    if (m->role != c->role || !m->more) continue;
    k->text = frame_intern(x->f, frame_printf(x->f, "%s %s", k->text,
                                              xfolded(x, m->start, m->end)));
    k->span.end = m->end;
  }
}

static void row_tasks(tk *t, const table *tb, const table_row *row) {
  xctx *x = t->x;
  const table_cell *deadline = table_cell_of(row, TABLE_DEADLINE);
  const table_cell *target = table_cell_of(row, TABLE_TARGET);
  const table_cell *budget = table_cell_of(row, TABLE_BUDGET);
  const table_cell *products = table_cell_of(row, TABLE_PRODUCTS);
  xunits lead = {0}, coords = {0};
  row_units(t, tb, row, &lead, &coords);
  table_role role = table_cell_of(row, TABLE_TASK)       ? TABLE_TASK
                    : table_cell_of(row, TABLE_ACTIVITY) ? TABLE_ACTIVITY
                    : lead.n                             ? TABLE_TARGET
                                                         : TABLE_TASK;
  for (size_t i = 0; i < row->ncells; i++) {
    const table_cell *c = &row->cells[i];
    if (c->role != role || c->more) continue;
    frame_task *k = task_add(t, c->start, c->end, &lead, &coords,
                             deadline ? deadline->ref : -1, NULL, tb->rule);
    if (!k) continue;
    more_text(x, row, i, k);
    k->target = target ? target->ref : -1;
    if (budget)
      k->budget = frame_intern(x->f, xfolded(x, budget->start, budget->end));
    if (products) {
      size_t pa = products->start;
      xskip_bullet(x, &pa, products->end);
      k->products = frame_intern(x->f, xfolded(x, pa, products->end));
    }
    if (!lead.n) area_lead(t, k);
  }
  xunits_free(&lead);
  xunits_free(&coords);
}

static void table_tasks(tk *t, const table *tb) {
  for (size_t r = 0; r < tb->nrows; r++) row_tasks(t, tb, &tb->rows[r]);
}

/* Cells of the tables released since the heap last gave its free pages
 * back, and how many make that worth a walk of the heap (32K cells of 20
 * bytes: about the bytes 16K cells took when each row's were a block of
 * their own; extract big100 peaks and faults as with 16K, with half the
 * walks). */
typedef struct released {
  size_t cells;
} released;
enum { RELEASED_CELLS = 1 << 15 };

/* Release tb, whose rows are tasks now.  A long plan's tables are as large
 * as the frame's tasks, and are released as those grow: the strings and
 * units of the tasks are larger blocks than a table's cells, so the holes
 * the cells leave stay resident unless glibc is asked to give their pages
 * back (every so many cells: a walk of its free lists each time). */
static void release_table(table *tb, released *r) {
  for (size_t i = 0; i < tb->nrows; i++) r->cells += tb->rows[i].ncells;
  table_free(tb);
#if defined(__GLIBC__)
  if (r->cells >= RELEASED_CELLS) {
    malloc_trim(0);
    r->cells = 0;
  }
#endif
}

void appendix_tasks(tk *t) {
  xctx *x = t->x;
  bool crawled_in_appendix = false;
  released freed = {0};
  for (size_t i = 0; i < x->ntables; i++) {
    table *read = &x->tables[i];
    table_resolve(x, read);
    table_tasks(t, read);
    if (read->first < t->app_end && read->last > t->app_start)
      crawled_in_appendix = true;
    /* its rows are tasks now: only the lines it holds are asked after
     * this (table_holds), and a long plan's tables are as large as the
     * frame's tasks */
    size_t first = read->first, last = read->last;
    release_table(read, &freed);
    read->first = first;
    read->last = last;
  }
  table tb;
  if (crawled_in_appendix || t->app_start >= t->app_end ||
      !table_read(x, t->app_start, t->app_end, &tb))
    return;
  table_tasks(t, &tb);
  release_table(&tb, &freed);
}
