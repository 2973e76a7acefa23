/* table.h: the tables of a plan as one model -- rows of cells, each cell
 * in a column role -- filled by readers, one per input form.  Internal to
 * extract/.
 *
 * Two layers, each built once:
 * - cells of text (table_cells): for every canonical line, whether it
 *   continues the cell of the line before.  PDF text prints a table cell,
 *   and many a sentence, over several short lines; targets read whole
 *   cells, the task-table reader reads where a cell's text ends.
 * - rows (table_read): a task table as rows × cells with column roles,
 *   which the appendix pass turns into tasks.  A new form of table (crawl
 *   text with "| a | b |" lines and a header row naming "Nhiệm vụ", "Cơ
 *   quan chủ trì", "Phối hợp", "Thời gian hoàn thành") is a new reader
 *   filling the same rows, not a new model. */
#ifndef CCHC_TABLE_H
#define CCHC_TABLE_H

#include "extract.h"

/* The column role of a cell. */
typedef enum table_role {
  TABLE_TARGET,       /* the target the row serves (ref: a frame target) */
  TABLE_TASK,         /* a task (a row may hold several) */
  TABLE_ACTIVITY,     /* an activity carrying out the row's task */
  TABLE_LEAD,         /* the unit(s) that lead */
  TABLE_COORDINATORS, /* the units that coordinate */
  TABLE_DEADLINE,     /* the time (ref: a frame deadline) */
  TABLE_BUDGET,       /* where the money comes from */
  TABLE_PRODUCTS      /* what the row delivers */
} table_role;

typedef struct table_cell {
  table_role role;
  size_t start, end; /* canonical text of the cell */
  xunits units;      /* LEAD, COORDINATORS: the units it names */
  int ref;           /* TARGET, DEADLINE: index into the frame; else -1 */
} table_cell;

typedef struct table_row {
  table_cell *cells;
  size_t ncells, cap;
  int group; /* rows under one group heading share a group */
} table_row;

typedef struct table {
  table_row *rows;
  size_t nrows, cap;
  const rule *rule; /* the rule the rows were read by: their tasks' rule */
} table;

/* Mark x->lines[li].join for every line (cell.* rules).  Needs the
 * sections (a heading never joins); run once, before the targets.
 * Returns CCHC_OK: it cannot fail. */
cchc_status table_cells(xctx *x);

/* Read the task table of lines [first, last) into *out (zeroed first):
 * false when the lines hold none.  Needs the frame's targets and
 * deadlines.  Release with table_free. */
bool table_read(xctx *x, size_t first, size_t last, table *out);
void table_free(table *t);

/* The first cell of `row` in role `role`, or NULL. */
const table_cell *table_cell_of(const table_row *row, table_role role);

#endif
