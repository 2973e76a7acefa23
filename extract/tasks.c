/* tasks.c: tasks and leads -- who does what by when.
 *
 * Every wording is in rules/tasks.rules (groups task., lead., coord.,
 * leadarea., tcell.) and the area words in the taxonomy (area.); the task
 * files only orchestrate, in three passes that this file runs:
 *
 * 1. "Tổ chức thực hiện" (duties.c): the duties of the units its headings
 *    and items name, at any depth.
 * 2. The tables (appendix.c): one task per row of the table model
 *    (table.c), crawled tables anywhere and the scattered table of the
 *    appendix.
 * 3. Inline assignment lines (assign.c): "Cơ quan chủ trì: ...", "Thời
 *    gian thực hiện: ..." give the item they follow its lead and time.
 * 4. Body sentences outside those parts (here): a clause whose unit stands
 *    as a lead (lead.after, lead.before) starts a task, and so does a
 *    clause holding a frame deadline; a numbered item whose units act is
 *    a task of theirs.  A sentence on what to do if difficulties arise
 *    (task.contingent) is none.
 *
 * Wherever a clause makes its unit lead with "chủ trì", the areas its work
 * names are leads (leads.c).  Units are those the taxonomy knows and the
 * names it lacks, kept as printed (units_find_named); coordinators are the
 * units listed right after "phối hợp (với)" (coord.with, joined by
 * coord.gap); a task's deadline is the first frame deadline inside its
 * text (clause.c, deadlines.c).  Tasks end up in document order. */
#include "../common/strbuf.h"
#include "table.h"
#include "tasks.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* ---- frame items ------------------------------------------------------------ */

/* The text of canonical span [a, b) as a task prints a unit: folded and
 * interned, kept by its bytes for the next task naming a unit so written
 * (the folding reads the bytes of the span only; a plan names the same
 * few units, each at many places). */
static const char *unit_text(tk *t, size_t a, size_t b) {
  enum { SLOTS = sizeof t->unit_texts / sizeof *t->unit_texts };
  const char *s = t->x->s;
  /* the slot: of the first and last 8 bytes and the length (the bytes are
   * compared) */
  uint64_t h = b - a, w = 0;
  if (b - a >= 8) {
    memcpy(&w, s + a, 8);
    h ^= w * UINT64_C(0x9E3779B97F4A7C15);
    memcpy(&w, s + b - 8, 8);
  } else {
    memcpy(&w, s + a, b - a);
  }
  h = (h ^ w) * UINT64_C(0xFF51AFD7ED558CCD);
  struct unit_text *k = &t->unit_texts[(h >> 40) % SLOTS];
  if (k->text && k->end - k->start == b - a &&
      !memcmp(s + k->start, s + a, b - a))
    return k->text;
  const char *text = frame_intern(t->x->f, xfolded(t->x, a, b));
  if (text) *k = (struct unit_text){a, b, text};
  return text;
}

static frame_unit *to_frame_units(tk *t, const xunits *l) {
  if (!l->n) return NULL;
  frame_unit *u = frame_alloc(t->x->f, l->n * sizeof *u);
  if (!u) return NULL;
  for (size_t i = 0; i < l->n; i++) {
    const xunit *m = &l->items[i];
    u[i] = (frame_unit){m->key, m->name, unit_text(t, m->start, m->end),
                        (frame_span){m->start, m->end}};
  }
  return u;
}

frame_task *task_add(tk *t, size_t a, size_t b, const xunits *lead,
                     const xunits *coords, int deadline, const char *area,
                     const rule *why) {
  xctx *x = t->x;
  xskip_bullet(x, &a, b);
  xtrim(x, &a, &b);
  /* a text without a letter or digit ("|", "...") says no work */
  size_t i = a;
  while (i < b && !(x->s[i] & 0x80) && !((x->s[i] | 0x20) >= 'a' &&
                                          (x->s[i] | 0x20) <= 'z') &&
         !(x->s[i] >= '0' && x->s[i] <= '9'))
    i++;
  if (i >= b) return NULL;
  frame_task *k = FRAME_PUSH(x->f, tasks);
  if (!k) return NULL;
  k->section = x->lines[xline_at(x, a)].section;
  k->area = area ? area : xsection_area(x, k->section);
  k->text = frame_intern(x->f, xfolded(x, a, b));
  if (lead) {
    k->lead = to_frame_units(t, lead);
    k->nlead = k->lead ? lead->n : 0;
  }
  if (coords) {
    k->coordinators = to_frame_units(t, coords);
    k->ncoordinators = k->coordinators ? coords->n : 0;
  }
  k->deadline = deadline;
  k->target = -1;
  k->span = (frame_span){a, b};
  /* a task found by its time alone carries the deadline's rule */
  k->rule = why ? why->id
          : deadline >= 0 && x->f->deadlines[deadline].rule
              ? x->f->deadlines[deadline].rule
              : "task.bullet";
  return k;
}

/* ---- sentences ------------------------------------------------------------- */

/* The task a sentence has opened: its clauses so far. */
typedef struct pending {
  bool open;
  size_t a, b;
  xunits lead; /* owned */
  bool needs;
  int deadline;
  const char *area; /* the area it leads, or NULL */
  const rule *why;
} pending;

static void open_pending(tk *t, pending *p, size_t a, size_t b,
                         const xunits *lead, bool needs, int deadline,
                         const rule *why) {
  p->open = true;
  p->area = NULL;
  p->a = a;
  p->b = b;
  p->lead.n = 0;
  if (lead) xunits_copy(t->x, &p->lead, lead);
  p->needs = needs;
  p->deadline = deadline;
  p->why = why;
}

static void close_pending(tk *t, pending *p) {
  if (!p->open) return;
  p->open = false;
  if (p->needs && p->deadline < 0) return;
  if (!p->lead.n && p->deadline < 0) return;
  xunits coords = {0};
  clause_coordinators(t, p->a, p->b, &coords);
  task_add(t, p->a, p->b, &p->lead, &coords, p->deadline, p->area, p->why);
  xunits_free(&coords);
}

/* End of the sentence starting at a, within [a, b): its first '.' before
 * a blank or b (each '.' found by memchr, not by a look at every byte). */
size_t task_sentence_end(const xctx *x, size_t a, size_t b) {
  for (size_t i = a; i < b; i++) {
    const char *p = memchr(x->s + i, '.', b - i);
    if (!p) break;
    i = (size_t)(p - x->s);
    if (i + 1 == b || xblank(x->s[i + 1])) return i;
  }
  return b;
}

size_t next_at(next_byte *n, const char *s, size_t i, size_t b) {
  if (!n->known || n->at < i) {
    const char *p = memchr(s + i, n->c, b - i);
    n->at = p ? (size_t)(p - s) : b;
    n->known = true;
  }
  return n->at;
}

bool contingent_literals_off = false;

/* Does a task.contingent rule match [a, b), as xany tells?  A rule is
 * searched for only where [a, b) may hold its words: by the words of the
 * runs it touches (clause_words_within), else by a search of its literals
 * (rule_literals_held).  Most sentences asked hold neither "khó khăn" nor
 * "vướng mắc", and the rule's search, which stops at every "khi" or "nếu"
 * and every word starting as they do, cost some eight thousand
 * instructions a sentence. */
static bool contingent_within(tk *t, size_t a, size_t b) {
  xctx *x = t->x;
  if (contingent_literals_off) return xany(x, t->contingent, a, b, NULL);
  clause_held h;
  const clause_held *held = clause_words_within(t, a, b, &h) ? &h : NULL;
  for (size_t i = 0; i < t->contingent.n; i++) {
    const rule *r = t->contingent.items[i];
    if (!clause_words_may(t, r, held) ||
        (!(held && clause_words_told(t, r)) &&
         !rule_literals_held(r, x->s + a, b - a, x->md)))
      continue;
    if (xany(x, (rule_list){&t->contingent.items[i], 1}, a, b, NULL))
      return true;
  }
  return false;
}

void task_sentences(tk *t, size_t a, size_t b, const xunits *deflt,
                    const rule *why_deflt) {
  const char *s = t->x->s;
  pending p = {.open = false};
  xunits lead = {0};
  size_t cs = a, ss = a; /* the clause and the sentence being read */
  /* a sentence of what to do if difficulties arise sets no task: asked
   * once one of its clauses would set one (-1: not yet) */
  int contingent = -1;
  /* clauses end only at a '.' or a ';' (or b): the next of each is found
   * by memchr, not by a look at every byte */
  next_byte dot = {'.', false, 0}, semi = {';', false, 0};
  for (size_t i = a; i <= b; i++) {
    if (i < b) {
      size_t d = next_at(&dot, s, i, b), c = next_at(&semi, s, i, b);
      i = d < c ? d : c;
    }
    bool sentence_end_here =
        i == b || (s[i] == '.' && (i + 1 == b || xblank(s[i + 1])));
    bool clause_end = sentence_end_here || s[i] == ';';
    if (!clause_end) continue;
    size_t ce = i;
    if (ce > cs) {
      bool needs = false;
      const rule *why = NULL;
      int dl = deadline_within(t->x, cs, ce);
      bool leads = clause_lead(t, cs, ce, false, &lead, &needs, &why);
      if ((leads || p.open || dl >= 0) && contingent < 0)
        contingent =
            contingent_within(t, ss, task_sentence_end(t->x, ss, b));
      if (contingent > 0) {
        /* none */
      } else if (leads) {
        close_pending(t, &p);
        /* "Giao X chủ trì ...", "X chủ trì, phối hợp ...": the leads of
         * areas it states, its work read to the sentence end */
        size_t at = lead.items[lead.n - 1].end;
        const char *area = leads_of_areas(t, cs, at, b, &lead, &why);
        open_pending(t, &p, cs, ce, &lead, needs, dl, why);
        p.area = area;
      } else if (p.open) {
        p.b = ce;
        if (p.deadline < 0) p.deadline = dl;
      } else if (dl >= 0 && !deadline_recurs(t->x, dl)) {
        /* a frequency alone does not make a clause a task */
        open_pending(t, &p, cs, ce, deflt, false, dl, why_deflt);
      }
    }
    cs = i + 1;
    if (sentence_end_here) {
      close_pending(t, &p);
      ss = cs;
      contingent = -1;
    }
  }
  close_pending(t, &p);
  xunits_free(&lead);
  xunits_free(&p.lead);
}

/* ---- 3. body ---------------------------------------------------------------- */

bool line_stops(tk *t, size_t li) {
  if (t->line_marks[li] & LINE_NO_STOP) return false;
  xctx *x = t->x;
  if (xany(x, t->stop, xline_start(x, li), xline_end(x, li), NULL))
    return true;
  t->line_marks[li] |= LINE_NO_STOP;
  return false;
}

bool tasks_span_opens(xctx *x, rule_list rules, size_t a, size_t b) {
  if (b < a) return false;
  for (size_t i = 0; i < rules.n; i++)
    if ((a == b || rule_may_open(rules.items[i], (unsigned char)x->s[a])) &&
        rule_exec(rules.items[i], x->s + a, b - a, 0, x->md))
      return true;
  return false;
}

static bool in_part(const tk *t, size_t li) {
  return li >= t->part_start && li < t->part_end;
}

static bool in_appendix(const tk *t, size_t li) {
  return (li >= t->app_start && li < t->app_end) || table_holds(t->x, li);
}

/* A numbered item of the body whose units act ("2. UBND xã bố trí kinh
 * phí ...", "3. Sở Tài chính chủ trì ...") is a task of theirs; other
 * headings are titles. */
static void heading_task(tk *t, size_t li) {
  xctx *x = t->x;
  size_t a = xline_text_start(x, li), b = xline_end(x, li);
  xunits own = {0}, none = {0};
  size_t end = clause_opening(t, a, b, &own);
  if (own.n && clause_acts(t, end, b)) duty_task(t, a, b, &none, &own, end);
  xunits_free(&own);
}

static void body_tasks(tk *t) {
  xctx *x = t->x;
  for (size_t li = x->first_section_line; li < x->nlines; li++) {
    if (in_part(t, li) || in_appendix(t, li) ||
        (t->line_marks[li] & LINE_CLAIMED) || xline_blank(x, li))
      continue;
    if (line_stops(t, li)) break;
    size_t a = xline_start(x, li), b = xline_end(x, li);
    if (xline_is_heading(x, li)) {
      heading_task(t, li);
      continue;
    }
    task_sentences(t, a, b, NULL, NULL);
  }
}

/* ---- driver ------------------------------------------------------------------- */

static int by_span(const void *a, const void *b) {
  const frame_task *p = a, *q = b;
  if (p->span.start != q->span.start)
    return p->span.start < q->span.start ? -1 : 1;
  return p->span.end < q->span.end ? -1 : p->span.end > q->span.end;
}

/* Tasks in document order, numbered k1, k2, ... (the digits written by
 * cchc_integer_text: snprintf cost more than the rest of an id) */
static void order_tasks(cchc_frame *f) {
  if (f->ntasks > 1) qsort(f->tasks, f->ntasks, sizeof *f->tasks, by_span);
  for (size_t i = 0; i < f->ntasks; i++) {
    char digits[CCHC_INTEGER_MAX];
    size_t n = cchc_integer_text((long long)(i + 1), digits);
    char *id = frame_alloc_chars(f, n + 2);
    if (id) {
      id[0] = 'k';
      memcpy(id + 1, digits, n);
      id[n + 1] = '\0';
    }
    f->tasks[i].id = id;
  }
}

/* area.* rules and leadarea.* rules that set an area, in an array of its
 * own (freed with the set's task_rules). */
static bool select_areas(tk *t, const cchc_rules *rs) {
  rule_list areas = rules_select(rs, "area.", NULL);
  rule_list extra = rules_select(rs, "leadarea.", NULL);
  /* one block: the rules, then their area names (freed with area_rules) */
  size_t cap = areas.n + extra.n + 1;
  const rule **all = malloc(cap * (sizeof *all + sizeof(const char *)));
  if (!all) return false;
  const char **names = (const char **)(void *)((char *)all + cap * sizeof *all);
  size_t n = 0;
  for (size_t i = 0; i < areas.n; i++) all[n++] = areas.items[i];
  for (size_t i = 0; i < extra.n; i++)
    if (rule_attr(extra.items[i], "area")) all[n++] = extra.items[i];
  for (size_t i = 0; i < n; i++) names[i] = rule_attr(all[i], "area");
  t->area_rules = all;
  t->area_names = names;
  t->areas = (rule_list){all, n};
  return true;
}

static bool is_strong(const rule *r) {
  const char *st = rule_attr(r, "strength");
  return st && !strcmp(st, "strong");
}

/* A twin whose matches start with at most this many bytes is searched
 * for alone (PCRE2 finds the next of two or three bytes at once); one
 * starting with more ("tham", "phối", "họp", "chủ": eight bytes) after
 * its cue's literals, which most clauses lack. */
enum { TWIN_FIRST_BYTES = 3 };

/* How many bytes a match may start with (f->has_first): read eight at a
 * time, most being none (a twin starts with a few letters). */
static size_t first_bytes(const rule_facts *f) {
  size_t n = 0;
  for (size_t c = 0; c < sizeof f->first; c += 8) {
    uint64_t w;
    memcpy(&w, f->first + c, sizeof w);
    for (; w; w >>= 8) n += (w & 0xFF) != 0;
  }
  return n;
}

/* Into *out the rules of `from` (the strong ones only, when `strong`)
 * and their twins, taken from *next on. */
static void cues_of(const cchc_rules *rs, rule_list from, bool strong,
                    const rule ***next, lead_cues *out) {
  const rule **cues = *next;
  size_t n = 0;
  for (size_t i = 0; i < from.n; i++)
    if (!strong || is_strong(from.items[i])) cues[n++] = from.items[i];
  const rule **near = cues + n;
  out->near_all = true;
  for (size_t i = 0; i < n; i++) {
    const char *id = rule_attr(cues[i], "near");
    const rule *twin = id ? rules_find(rs, id) : NULL;
    if (twin)
      near[i] = twin;
    else
      out->near_all = false;
  }
  out->cues = (rule_list){cues, n};
  out->near = (rule_list){near, out->near_all ? n : 0};
  out->twin_alone = 0;
  for (size_t i = 0; i < out->near.n && i < 64; i++) {
    const rule_facts *f = &near[i]->facts;
    if (f->has_first && first_bytes(f) <= TWIN_FIRST_BYTES)
      out->twin_alone |= (uint64_t)1 << i;
  }
  *next = near + n;
}

/* The lead cues of each side, all and strong, chosen once per rule set
 * rather than at every clause. */
static bool lead_cues_select(tk *t, const cchc_rules *rs) {
  size_t n = 2 * 2 * (t->after.n + t->before.n);
  const rule **all = malloc((n ? n : 1) * sizeof *all);
  if (!all) return false;
  const rule **next = all;
  for (int strong = 0; strong < 2; strong++) {
    cues_of(rs, t->after, strong, &next, &t->cues_after[strong]);
    cues_of(rs, t->before, strong, &next, &t->cues_before[strong]);
  }
  t->cue_rules = all;
  return true;
}

/* What extract_tasks selects of a rule set (a tk's lists of rules, the
 * area rules and the lead cues, with the blocks these own): a function of
 * the set alone, made at its first plan and kept with it (rules.h:
 * cchc_rules.task_rules), read by every plan and thread after; each plan
 * selected them anew before (some ten thousand instructions). */
struct task_rules {
  tk selected; /* no context; the fields a plan reads zero */
};

/* Guards a rule set's task_rules while made: the set is shared by the
 * threads. */
static pthread_mutex_t task_rules_lock = PTHREAD_MUTEX_INITIALIZER;

void task_rules_free(struct task_rules *tr) {
  if (!tr) return;
  free(tr->selected.area_rules);
  free(tr->selected.cue_rules);
  free(tr);
}

static struct task_rules *task_rules_make(const cchc_rules *rs) {
  struct task_rules *tr = calloc(1, sizeof *tr);
  if (!tr) return NULL;
  tk *t = &tr->selected;
  t->part = rules_select(rs, "task.", "part");
  t->end = rules_select(rs, "task.", "end");
  t->stop = rules_select(rs, "task.", "stop");
  t->prefix = rules_select(rs, "task.", "prefix");
  t->bullet = rules_select(rs, "task.", "bullet");
  t->open = rules_select(rs, "task.", "open");
  t->cont = rules_select(rs, "task.", "cont");
  t->contingent = rules_select(rs, "task.", "contingent");
  t->after = rules_select(rs, "lead.", "after");
  t->before = rules_select(rs, "lead.", "before");
  t->area_lead = rules_select(rs, "lead.", "area");
  t->plan = rules_select(rs, "lead.", "plan");
  t->with = rules_select(rs, "coord.", "opener");
  t->cut = rules_select(rs, "coord.", "cut");
  t->masks = rules_select(rs, "leadarea.", "mask");
  t->fields = rules_select(rs, "field.", NULL);
  if (!select_areas(t, rs) || !lead_cues_select(t, rs)) {
    task_rules_free(tr);
    return NULL;
  }
  return tr;
}

/* The set's selections, made at the first ask; NULL without memory
 * (asked again by the next plan). */
static const tk *task_rules_of(const cchc_rules *rs) {
  cchc_rules *w = (cchc_rules *)rs;
  pthread_mutex_lock(&task_rules_lock);
  if (!w->task_rules) w->task_rules = task_rules_make(rs);
  const struct task_rules *tr = w->task_rules;
  pthread_mutex_unlock(&task_rules_lock);
  return tr ? &tr->selected : NULL;
}

cchc_status extract_tasks(xctx *x) {
  const tk *selected = task_rules_of(x->rules);
  if (!selected) return cchc_fail(x->err, CCHC_ERR_NOMEM, "out of memory");
  tk t = *selected;
  t.x = x;
  t.part_start = t.part_end = x->nlines;
  t.app_start = t.app_end = x->nlines;
  t.line_marks = calloc(x->nlines ? x->nlines : 1, sizeof *t.line_marks);
  if (!t.line_marks) return cchc_fail(x->err, CCHC_ERR_NOMEM, "out of memory");
  xappendix_lines(x, &t.app_start, &t.app_end);
  if (duties_find(&t)) {
    if (t.app_start > t.part_start && t.app_start < t.part_end)
      t.part_end = t.app_start;
    for (size_t i = 0; i < x->ntables; i++) /* tables are read as tables */
      if (x->tables[i].first > t.part_start && x->tables[i].first < t.part_end)
        t.part_end = x->tables[i].first;
    duties_tasks(&t);
  }
  appendix_tasks(&t);
  assign_tasks(&t);
  body_tasks(&t);
  order_tasks(x->f);
  free(t.line_marks);
  clause_coordinators_free(&t);
  return x->f->failed ? cchc_fail(x->err, CCHC_ERR_NOMEM, "out of memory")
                      : CCHC_OK;
}
