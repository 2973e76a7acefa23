/* assign.c: inline assignment lines -- "Cơ quan chủ trì: ...", "Đơn vị
 * phối hợp: ...", "Thời hạn hoàn thành: ...", "Sản phẩm: ..." -- give the
 * task they follow its lead, coordinators, deadline and products.
 *
 * A label is a field name (field.* rules: the words that head the columns
 * of a task table) closed by a colon, at the start of a line (after a
 * bullet) or after the end of a sentence in it.  Its value runs to the
 * next label, and on over the lines after it that carry no label and open
 * no item (the line before is left open, task.open, or the line reads as
 * its rest, task.cont); a label whose line ends at the colon takes the
 * lines of other bullets under it ("- Thời gian thực hiện:" then "+ ...").
 * Labels in a row make one assignment; it assigns when it names a lead,
 * coordinators, a time or products.
 *
 * Its task is the item it follows: the lines back to the nearest heading,
 * the heading's words included (they name the work), or to the assignment
 * before; when nothing stands between, the heading alone.  The lead and
 * coordinators are the units their values list (table_cell_units), else
 * those the item names itself (clause.c); the deadline the time of the
 * time value (the last of the steps it lists), else the first of the
 * item's text when no label gives a time; the products the products
 * value.  The lines read are claimed: the body
 * pass does not read them again. */
#include "table.h"
#include "tasks.h"

#include <stdlib.h>
#include <string.h>

/* An item longer than this many lines has lost its heading: the
 * assignment then takes the line above it only. */
enum { ITEM_LINES = 12 };

typedef struct label {
  table_role role;
  const rule *why;
  size_t at;       /* start of the label */
  size_t from, to; /* its value */
} label;

typedef struct labels {
  label *v;
  size_t n, cap;
} labels;

/* A label at canonical `at` of a line ending at b: its role, rule and the
 * start of its value. */
static bool label_at(tk *t, size_t at, size_t b, label *out) {
  xctx *x = t->x;
  table_role role;
  const rule *why;
  size_t end;
  /* a label ends at a colon: without one after `at` the fields need not
   * be tried */
  if (!memchr(x->s + at, ':', b - at) ||
      !table_field(x, t->fields, at, b, &role, &why, &end))
    return false;
  /* the name, a qualifier in brackets, then the colon */
  while (end < b && xblank(x->s[end])) end++;
  if (end < b && x->s[end] == '(') {
    const char *close = memchr(x->s + end, ')', b - end);
    if (!close) return false;
    end = (size_t)(close - x->s) + 1;
    while (end < b && xblank(x->s[end])) end++;
  }
  if (end >= b || x->s[end] != ':') return false;
  *out = (label){role, why, at, end + 1, b};
  return true;
}

/* The labels of line li, in order, appended to *out; each value ends where
 * the next label starts.  Returns how many. */
static size_t line_labels(tk *t, size_t li, labels *out) {
  xctx *x = t->x;
  size_t a = xline_start(x, li), b = xline_end(x, li), n0 = out->n;
  size_t first = a;
  xskip_bullet(x, &first, b);
  /* every label ends at a colon (label_at): a line without one has none */
  if (first >= b || !memchr(x->s + first, ':', b - first)) return 0;
  /* a label opens the line or follows ". " or "; " */
  next_byte dot = {'.', false, 0}, semi = {';', false, 0};
  for (size_t at = first; at < b; at++) {
    if (at > first) { /* the next mark from at - 2 (within the line) */
      size_t from = at < a + 2 ? a : at - 2;
      size_t d = next_at(&dot, x->s, from, b), c = next_at(&semi, x->s, from, b);
      size_t mark = d < c ? d : c;
      if (mark + 2 >= b) break;
      at = mark + 2;
      if (x->s[at - 1] != ' ') continue;
    }
    label l;
    if (!label_at(t, at, b, &l)) continue;
    if (out->n > n0) out->v[out->n - 1].to = at;
    label *p = frame_grow(x->f, (void **)&out->v, &out->n, &out->cap,
                          sizeof *out->v);
    if (!p) break;
    *p = l;
    at = l.from - 1;
  }
  return out->n - n0;
}

static bool readable(const tk *t, size_t li) {
  return !(li >= t->part_start && li < t->part_end) &&
         !(li >= t->app_start && li < t->app_end) &&
         !table_holds(t->x, li) && !(t->line_marks[li] & LINE_CLAIMED);
}

/* Does line li go on with the value of the label before it (which ends
 * line li - 1)?  `under`: that label's line ended at its colon, its
 * bullet `under` (or '\0'): the bullets of another kind below are its
 * value. */
static bool goes_on(tk *t, size_t li, char under) {
  xctx *x = t->x;
  size_t a = xline_start(x, li), b = xline_end(x, li);
  if (xline_is_heading(x, li) || !readable(t, li)) return false;
  size_t pa = xline_start(x, li - 1), pb = xline_end(x, li - 1);
  if (tasks_span_opens(x, t->bullet, a, b)) {
    xtrim(x, &a, &b);
    return under && x->s[a] != under;
  }
  return xany(x, t->open, pa, pb, NULL) || xany(x, t->cont, a, b, NULL);
}

/* The bullet of line li when its last label ends the line at its colon,
 * else '\0' ('*' for a label without bullet). */
static char empty_value(const tk *t, size_t li, const label *last) {
  const xctx *x = t->x;
  size_t v = last->from, e = last->to, a = xline_start(x, li);
  xtrim(x, &v, &e);
  if (v != e) return '\0';
  while (a < e && xblank(x->s[a])) a++;
  return x->s[a] == '-' || x->s[a] == '+' || x->s[a] == '*' ? x->s[a] : '*';
}

/* Start of the words of heading line li, after its numbering. */
static size_t heading_words(const xctx *x, size_t li) {
  size_t a = xline_start(x, li), b = xline_end(x, li);
  const char *h = x->f->sections[x->lines[li].section].heading;
  size_t n = h ? strlen(h) : 0;
  for (size_t i = a; n && i + n <= b; i++)
    if (!memcmp(x->s + i, h, n)) return i;
  return a;
}

/* The task an assignment starting at canonical `at` (on line li) follows:
 * [*ts, *te), false when nothing stands before it. */
static bool item_before(tk *t, size_t li, size_t at, size_t *ts, size_t *te) {
  xctx *x = t->x;
  size_t a = xline_start(x, li);
  xskip_bullet(x, &a, at);
  bool opens = a >= at; /* nothing but a bullet before the label */
  if (opens && (li <= x->first_section_line || !readable(t, li - 1)))
    return false;
  size_t top = opens ? li - 1 : li, first = top, k = 0;
  while (!xline_is_heading(x, first) && first > x->first_section_line &&
         readable(t, first - 1) && k < ITEM_LINES) {
    first--;
    k++;
  }
  if (!xline_is_heading(x, first) && k == ITEM_LINES) first = top;
  *ts = xline_is_heading(x, first) ? heading_words(x, first)
                                   : xline_start(x, first);
  *te = opens ? xline_end(x, top) : at;
  xtrim(x, ts, te);
  return *ts < *te;
}

/* The task of an assignment: labels l[0..n), the first on line li, the
 * last value ending on line last. */
static void assign(tk *t, const label *l, size_t n, size_t li, size_t last) {
  xctx *x = t->x;
  xunits lead = {0}, coords = {0};
  int deadline = -1;
  const char *products = NULL;
  const rule *why = NULL;
  bool assigns = false, timed = false;
  for (size_t i = 0; i < n; i++) {
    size_t a = l[i].from, b = l[i].to;
    xtrim(x, &a, &b);
    switch (l[i].role) {
    case TABLE_LEAD:
      table_cell_units(x, a, b, &lead);
      why = l[i].why;
      assigns = true;
      break;
    case TABLE_COORDINATORS:
      table_cell_units(x, a, b, &coords);
      assigns = true;
      break;
    case TABLE_DEADLINE: /* a time found with its label starts there */
      if (deadline < 0) deadline = deadline_latest(x, l[i].at, b);
      assigns = timed = true;
      break;
    case TABLE_PRODUCTS:
      if (a < b && !products) products = frame_intern(x->f, xfolded(x, a, b));
      assigns = true;
      break;
    default:
      break;
    }
    if (!why && l[i].role != TABLE_TASK) why = l[i].why;
  }
  size_t ts, te;
  if (assigns && item_before(t, li, l[0].at, &ts, &te)) {
    /* what the labels leave out, the item's own words may say ("Giao X
     * chủ trì, phối hợp với Y ..."); a time label read as no time stays
     * so */
    if (!lead.n) clause_lead(t, ts, te, true, &lead, NULL, NULL);
    if (!coords.n) clause_coordinators(t, ts, te, &coords);
    if (!timed) deadline = deadline_within(x, ts, te);
    frame_task *k = task_add(t, ts, te, &lead, &coords, deadline, NULL, why);
    if (k) k->products = products;
    for (size_t i = xline_at(x, ts); i <= last; i++)
      t->line_marks[i] |= LINE_CLAIMED;
  }
  xunits_free(&lead);
  xunits_free(&coords);
}

void assign_tasks(tk *t) {
  xctx *x = t->x;
  labels ls = {0};
  for (size_t li = x->first_section_line; li < x->nlines; li++) {
    if (line_stops(t, li)) break;
    if (!readable(t, li) || xline_is_heading(x, li)) continue;
    ls.n = 0;
    if (!line_labels(t, li, &ls)) continue;
    /* the labels of the lines that follow, and the lines their values go
     * on over */
    size_t start = li, last = li;
    char under = empty_value(t, li, &ls.v[ls.n - 1]);
    while (last + 1 < x->nlines) {
      size_t nx = last + 1;
      size_t n0 = ls.n;
      if (!readable(t, nx) || xline_is_heading(x, nx)) break;
      size_t na = xline_start(x, nx);
      xskip_bullet(x, &na, xline_end(x, nx));
      if (line_labels(t, nx, &ls) && ls.v[n0].at == na) {
        under = empty_value(t, nx, &ls.v[ls.n - 1]);
        last = nx;
        continue;
      }
      ls.n = n0;
      if (!goes_on(t, nx, under)) break;
      ls.v[ls.n - 1].to = xline_end(x, nx);
      last = nx;
    }
    assign(t, ls.v, ls.n, start, last);
    li = last;
  }
  free(ls.v);
}
