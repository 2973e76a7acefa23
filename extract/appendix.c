/* appendix.c: the task table of the appendix -- one task per task cell of
 * each row of the table model (table.c), else one for its activity cell,
 * with the row's lead, coordinators, deadline, target, budget and
 * products.  A row without lead takes the lead of its area (lead_from
 * "area"). */
#include "table.h"
#include "tasks.h"

#include <string.h>

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

static void row_tasks(tk *t, const table *tb, const table_row *row) {
  static const xunits none = {0};
  xctx *x = t->x;
  const table_cell *lead = table_cell_of(row, TABLE_LEAD);
  const table_cell *coords = table_cell_of(row, TABLE_COORDINATORS);
  const table_cell *deadline = table_cell_of(row, TABLE_DEADLINE);
  const table_cell *target = table_cell_of(row, TABLE_TARGET);
  const table_cell *budget = table_cell_of(row, TABLE_BUDGET);
  const table_cell *products = table_cell_of(row, TABLE_PRODUCTS);
  const xunits *leads = lead ? &lead->units : &none;
  table_role role =
      table_cell_of(row, TABLE_TASK) ? TABLE_TASK : TABLE_ACTIVITY;
  for (size_t i = 0; i < row->ncells; i++) {
    const table_cell *c = &row->cells[i];
    if (c->role != role) continue;
    frame_task *k = task_add(t, c->start, c->end, leads,
                             coords ? &coords->units : &none,
                             deadline ? deadline->ref : -1, NULL, tb->rule);
    if (!k) continue;
    k->target = target ? target->ref : -1;
    if (budget) k->budget = xfolded(x, budget->start, budget->end);
    if (products) {
      size_t pa = products->start;
      xskip_bullet(x, &pa, products->end);
      k->products = xfolded(x, pa, products->end);
    }
    if (!leads->n) area_lead(t, k);
  }
}

void appendix_tasks(tk *t) {
  table tb;
  if (!table_read(t->x, t->app_start, t->app_end, &tb)) return;
  for (size_t r = 0; r < tb.nrows; r++) row_tasks(t, &tb, &tb.rows[r]);
  table_free(&tb);
}
