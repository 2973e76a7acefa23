/* table.h: the tables of a plan as one model -- rows of cells, each cell
 * in a column role -- filled by readers, one per input form.  Internal to
 * extract/.
 *
 * Two layers, each built once:
 * - cells of text (table_cells): for every canonical line, whether it
 *   continues the cell of the line before.  PDF text prints a table cell,
 *   and many a sentence, over several short lines; targets read whole
 *   cells, the task-table reader reads where a cell's text ends.
 * - rows: a table as rows × cells with column roles, which the task pass
 *   turns into tasks.  Two readers fill them: the scattered-cells reader
 *   (table_read: PDF text, one cell per line, row structure lost) and the
 *   crawl reader (table_cells: text crawled from a web page, whose cells
 *   are divided by '|', a bar alone on a line or "| a | b |" rows, under a
 *   header row naming the columns).  Column roles come from the words of
 *   the header (field.* rules), never from a column's place. */
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
  TABLE_PRODUCTS,     /* what the row delivers */
  TABLE_NUMBER,       /* the row's number (STT) */
  TABLE_MEASURE,      /* the unit of a target's figure (Đơn vị tính) */
  TABLE_VALUE,        /* a target's figure */
  TABLE_OTHER         /* a column no field names (Ghi chú) */
} table_role;

/* 20 bytes: a long plan's tables hold hundreds of thousands at once (the
 * units of the few cells that have some are the table's, in `units`). */
typedef struct table_cell {
  uint32_t start, end; /* canonical text of the cell (a text is below
                          4 GB) */
  int ref;             /* TARGET, DEADLINE: index into the frame; else -1 */
  uint32_t units;      /* LEAD, COORDINATORS: 1 + the index of the units it
                          names in the table's `units`; 0: none */
  uint8_t role;        /* a table_role */
  bool more;           /* goes on from the cell of its role before it: the
                          text of a row that wrapped onto a row of its own */
} table_cell;

/* A row's cells lie together in its table's `cells`, rows in order. */
typedef struct table_row {
  table_cell *cells; /* into the table's cells */
  uint32_t first;    /* the index of cells[0] there */
  uint32_t ncells;
  int group; /* rows under one group heading share a group */
} table_row;

typedef struct table {
  table_row *rows;
  size_t nrows, cap;
  /* the cells of every row, one array: a long plan's rows are as many as
   * its tasks, an array each would be a block each */
  table_cell *cells;
  size_t ncells, cap_cells;
  xunits *units; /* of the cells, table_units (owned) */
  size_t nunits, cap_units;
  const rule *rule; /* the rule the rows were read by: their tasks' rule */
  size_t first, last; /* crawled tables: the lines they hold */
} table;

/* The units cell c of table t names (LEAD, COORDINATORS: after
 * table_resolve); none for other cells. */
const xunits *table_units(const table *t, const table_cell *c);

/* Mark every line's join unread (the cell.* rules read it when asked,
 * table_join), and read the crawled tables of the text into x->tables
 * (their rows and cells, without units or references yet:
 * table_resolve).  Run once, before the targets. */
cchc_status table_cells(xctx *x);

/* The cell.* rules that tell how a line stands to the line before,
 * selected once by each reader of the joins. */
typedef struct table_join_rules {
  rule_list start, closed, open, cont;
} table_join_rules;
void table_join_rules_of(const cchc_rules *rs, table_join_rules *j);

/* How line li stands to the line before it (x->lines[li].join), read by
 * the rules j at the first ask and kept: most lines are asked by no
 * reader (the targets ask of the lines near a number, the task tables of
 * their zones), and the rules cost a few PCRE2 calls a line.  Needs the
 * sections (a heading never joins).  Clobbers x->md. */
xjoin table_join(xctx *x, const table_join_rules *j, size_t li);
/* Release x->tables. */
void table_free_all(xctx *x);
/* Does line li lie in a crawled table? */
bool table_holds(const xctx *x, size_t li);
/* Fill the units of the LEAD and COORDINATORS cells of crawled table t and
 * the references of its TARGET and DEADLINE cells (the frame's targets and
 * deadlines lying in them), then give rows the merged cells of the row
 * above.  Needs the frame's targets and deadlines. */
void table_resolve(xctx *x, table *t);

/* The field a header cell or a label names from canonical a (the rules
 * `fields`, the field.* rules selected once by the caller, matched from a
 * up to the end of the cell or a label's colon): its role, rule and the
 * end of its name (when not NULL).  False when none does. */
bool table_field(xctx *x, rule_list fields, size_t a, size_t b,
                 table_role *role, const rule **hit, size_t *end);
/* The units a cell or a field value [a, b) lists: every unit it names
 * outside its times, and names the taxonomy lacks where a list of units
 * has them; when it names none, its text as the name of one (or of several
 * parted by ';').  Appended to *out without repeats. */
void table_cell_units(xctx *x, size_t a, size_t b, xunits *out);
/* The time a cell or a field value [a, b) sets: of the frame deadlines
 * starting in it, the one that ends last (a time field that lists steps
 * ends with its last), else the first recurrence or open one; -1 when
 * none. */
int deadline_latest(xctx *x, size_t a, size_t b);

/* Read the task table of lines [first, last) into *out (zeroed first):
 * false when the lines hold none.  Needs the frame's targets and
 * deadlines.  Release with table_free. */
bool table_read(xctx *x, size_t first, size_t last, table *out);
void table_free(table *t);

/* For tests only (false in use): every slot of a crawl is asked of the
 * rules itself, none answered by what they said of the same text before
 * (table.c: cell_facts), so that both ways can be compared
 * (test_extract_targets). */
extern bool table_cell_facts_off;
/* For tests only (false in use): every join of two short lines is read by
 * the rules, none answered by what they said of the same lines before
 * (table.c: join_memo). */
extern bool table_join_memo_off;

/* For tests only (false in use): the scattered-cells reader asks the
 * deadlines and targets of each line (xdeadlines_in, xtargets_in), none
 * read from those of its zone (table.c: zone_items). */
extern bool table_zone_items_off;

/* The first cell of `row` in role `role`, or NULL. */
const table_cell *table_cell_of(const table_row *row, table_role role);

#endif
