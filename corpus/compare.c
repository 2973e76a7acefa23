/* compare.c: plans side by side, one row per indicator key, then one row
 * per subject of the targets that have no indicator, one column per plan:
 * from frames (cchc_compare_new, a matrix kept in memory) or from the
 * store (cchc_compare_write, written row by row as it is made); and the
 * one walk of the matrix that every output format shares (emit/out.h).
 *
 * One way to make the rows, whatever the plans come from (a source):
 * - columns: the plans that another plan carries out first;
 * - the targets without an indicator are grouped once, plan by plan in
 *   column order, each joining the group whose first subject is most like
 *   its own (similarities are kept per set of words: plans written from
 *   one template share them);
 * - the rows are then made one at a time: each indicator's from the
 *   source's targets in indicator order, then each group's; a row holds
 *   its cells (one per column) and, for the JSON of a group, its targets.
 * So the store's compare holds one row, the columns' heads and the groups,
 * never every plan's targets; the table format, which needs the widths
 * first, makes the rows twice. */
#include "plan.h"
#include "../common/strbuf.h"
#include "../emit/out.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ */
/* Sources                                                             */

typedef struct source source;
typedef int (*source_target_fn)(void *ctx, size_t input,
                                const plan_target *t);

/* Plans in input order (`heads`: label, document fields, path), and their
 * targets on demand.  The targets a source hands out stay valid until the
 * next call of the same function (`classified`: during the callback). */
struct source {
  size_t n;
  plan *heads;
  bool lasting; /* the targets handed out last as long as the source */
  /* Every target with an indicator and a known comparator, by indicator
   * (strcmp), then plan, then frame order. */
  cchc_status (*classified)(source *src, source_target_fn fn, void *ctx,
                            cchc_error *err);
  /* Plan `input`'s targets without an indicator, in frame order. */
  cchc_status (*unclassified)(source *src, size_t input, const plan **out,
                              cchc_error *err);
  /* The target without an indicator of plan `input` with key `key`,
   * valid until release_row. */
  cchc_status (*target)(source *src, size_t input, int64_t key,
                        const plan_target **out, cchc_error *err);
  /* Room for `n` targets in the next row; the row's targets are done. */
  cchc_status (*reserve_row)(source *src, size_t n, cchc_error *err);
  void (*release_row)(source *src);
};

/* ---- plans from frames ---- */

typedef struct indexed {
  size_t input;
  const plan_target *t;
} indexed;

typedef struct frame_source {
  source src;
  indexed *by_key; /* every classified target, in `classified` order */
  size_t nby_key;
} frame_source;

static int by_indicator(const void *a, const void *b) {
  const indexed *x = a, *y = b;
  int c = strcmp(x->t->indicator, y->t->indicator);
  if (c == 0)
    c = (x->input > y->input) - (x->input < y->input);
  if (c == 0)
    c = (x->t->key > y->t->key) - (x->t->key < y->t->key);
  return c;
}

static cchc_status frames_classified(source *src, source_target_fn fn,
                                     void *ctx, cchc_error *err) {
  frame_source *fs = (frame_source *)src;
  for (size_t i = 0; i < fs->nby_key; i++)
    if (fn(ctx, fs->by_key[i].input, fs->by_key[i].t))
      break;
  return CCHC_OK;
}

static cchc_status frames_unclassified(source *src, size_t input,
                                       const plan **out, cchc_error *err) {
  *out = &src->heads[input];
  return CCHC_OK;
}

static cchc_status frames_target(source *src, size_t input, int64_t key,
                                 const plan_target **out, cchc_error *err) {
  *out = plan_target_by_key(&src->heads[input], key);
  return *out ? CCHC_OK
              : cchc_fail(err, CCHC_ERR_INTERNAL, "compare: lost a target");
}

static cchc_status frames_reserve_row(source *src, size_t n,
                                      cchc_error *err) {
  return CCHC_OK;
}
static void frames_release_row(source *src) {}

/* The index of every classified target of the plans of `fs`. */
static bool index_frames(frame_source *fs) {
  size_t total = 0;
  for (size_t i = 0; i < fs->src.n; i++)
    total += fs->src.heads[i].ntargets;
  if (!(fs->by_key = calloc(total + 1, sizeof *fs->by_key)))
    return false;
  for (size_t i = 0; i < fs->src.n; i++)
    for (size_t k = 0; k < fs->src.heads[i].ntargets; k++)
      fs->by_key[fs->nby_key++] =
          (indexed){i, &fs->src.heads[i].targets[k]};
  if (fs->nby_key)
    qsort(fs->by_key, fs->nby_key, sizeof *fs->by_key, by_indicator);
  return true;
}

/* ---- plans from the store ---- */

typedef struct store_source {
  source src;
  cchc_store *store;
  int64_t *id_of; /* input -> document id */
  struct by_id {
    int64_t id;
    size_t input;
  } *ids; /* sorted by id */
  size_t nids, capids;
  plan scratch; /* the plan of `unclassified` */
  plan row;     /* the targets of `target`, for one row */
  bool bare;    /* `target` reads only the plain form (all that CSV and
                   the table show) */
  plan_target *bare_row; /* then they are here */
  size_t nbare, capbare;
  plan_target current; /* the target `classified` hands out */
  subject_cache *subjects;
  source_target_fn fn;
  void *ctx;
} store_source;

static int by_id(const void *a, const void *b) {
  const struct by_id *x = a, *y = b;
  return (x->id > y->id) - (x->id < y->id);
}

/* The input of stored plan `id`, or (size_t)-1 when it is not compared. */
static size_t input_of(const store_source *ss, int64_t id) {
  struct by_id key = {id, 0};
  const struct by_id *hit =
      ss->nids ? bsearch(&key, ss->ids, ss->nids, sizeof *ss->ids, by_id)
               : NULL;
  return hit ? hit->input : (size_t)-1;
}

static int stored_classified(void *ctx, const stored_target *row) {
  store_source *ss = ctx;
  size_t input = input_of(ss, row->document_id);
  plan_target *t = &ss->current;
  if (input == (size_t)-1 || !plan_target_plain(row, &t->t))
    return 0;
  t->key = row->rowid;
  t->indicator = row->indicator;
  t->area = row->area;
  t->text = row->text;
  t->span = row->span;
  cchc_target_format(&t->t, t->plain, sizeof t->plain);
  return ss->fn(ss->ctx, input, t);
}

static cchc_status store_classified(source *src, source_target_fn fn,
                                    void *ctx, cchc_error *err) {
  store_source *ss = (store_source *)src;
  ss->fn = fn;
  ss->ctx = ctx;
  return stored_each_classified(ss->store, stored_classified, ss, err);
}

static cchc_status store_unclassified(source *src, size_t input,
                                      const plan **out, cchc_error *err) {
  store_source *ss = (store_source *)src;
  plan_release(&ss->scratch);
  *out = &ss->scratch;
  return plan_stored_targets(&ss->scratch, ss->store, ss->id_of[input], true,
                             ss->subjects, err);
}

static int bare_target(void *ctx, const stored_target *row) {
  store_source *ss = ctx;
  plan_target *t = &ss->bare_row[ss->nbare];
  memset(t, 0, sizeof *t);
  if (plan_target_plain(row, &t->t)) {
    t->key = row->rowid;
    cchc_target_format(&t->t, t->plain, sizeof t->plain);
    ss->nbare++;
  }
  return 0;
}

static cchc_status store_target(source *src, size_t input, int64_t key,
                                const plan_target **out, cchc_error *err) {
  store_source *ss = (store_source *)src;
  if (ss->bare) {
    size_t before = ss->nbare;
    cchc_status st = before < ss->capbare
                         ? stored_target_at(ss->store, key, bare_target, ss,
                                            err)
                         : cchc_fail(err, CCHC_ERR_INTERNAL,
                                     "compare: a row larger than said");
    if (st == CCHC_OK && ss->nbare == before)
      st = cchc_fail(err, CCHC_ERR_INTERNAL, "compare: lost a target");
    *out = st == CCHC_OK ? &ss->bare_row[before] : NULL;
    return st;
  }
  size_t before = ss->row.nunclassified;
  cchc_status st =
      plan_stored_target(&ss->row, ss->store, key, ss->subjects, err);
  if (st == CCHC_OK && ss->row.nunclassified == before)
    st = cchc_fail(err, CCHC_ERR_INTERNAL, "compare: lost a target");
  *out = st == CCHC_OK ? &ss->row.unclassified[before] : NULL;
  return st;
}

static cchc_status store_reserve_row(source *src, size_t n, cchc_error *err) {
  store_source *ss = (store_source *)src;
  if (ss->bare && n > ss->capbare) {
    free(ss->bare_row);
    ss->capbare = 0;
    if (!(ss->bare_row = malloc(n * sizeof *ss->bare_row)))
      return cchc_fail(err, CCHC_ERR_NOMEM, "out of memory");
    ss->capbare = n;
  }
  return ss->bare || plan_reserve(&ss->row, n)
             ? CCHC_OK
             : cchc_fail(err, CCHC_ERR_NOMEM, "out of memory");
}

static void store_release_row(source *src) {
  store_source *ss = (store_source *)src;
  plan_release(&ss->row);
  ss->nbare = 0;
}

/* ------------------------------------------------------------------ */
/* Making the rows                                                     */

static bool wanted(const cchc_compare_options *opt, const char *key) {
  if (!opt)
    return true;
  if (opt->area && *opt->area) {
    size_t n = strlen(opt->area);
    if (strncmp(key, opt->area, n) != 0 || key[n] != '.')
      return false;
  }
  for (size_t i = 0; i < opt->nindicators; i++)
    if (strcmp(key, opt->indicators[i]) == 0)
      return true;
  return opt->nindicators == 0;
}

/* A target without an indicator is shown unless indicators are asked for
 * by key, or its area is not the one asked for. */
static bool unclassified_wanted(const cchc_compare_options *opt,
                                const plan_target *t) {
  if (!opt)
    return true;
  return opt->nindicators == 0 &&
         (!opt->area || !*opt->area ||
          (t->area && strcmp(t->area, opt->area) == 0));
}

/* Document numbers as cchc_number_equal compares them: without white
 * space, ASCII letters in lower case.  malloc'd; NULL for NULL (and when
 * out of memory: *failed). */
static char *number_key(const char *number, bool *failed) {
  if (!number)
    return NULL;
  char *k = malloc(strlen(number) + 1), *w = k;
  if (!k) {
    *failed = true;
    return NULL;
  }
  for (const char *r = number; *r; r++)
    if (!strchr(" \t\n\r\f\v", *r))
      *w++ = *r >= 'A' && *r <= 'Z' ? (char)(*r - 'A' + 'a') : *r;
  *w = '\0';
  return k;
}

typedef struct keyed {
  char *key;
  size_t input;
} keyed;

static int by_key(const void *a, const void *b) {
  const keyed *x = a, *y = b;
  int c = strcmp(x->key, y->key);
  return c ? c : (x->input > y->input) - (x->input < y->input);
}

/* order[col]: the plans that another plan carries out (its document
 * number is another's parent number) first, then the rest, each in input
 * order. */
static bool parents_first(const plan *heads, size_t n, size_t *order) {
  keyed *parents = calloc(n + 1, sizeof *parents);
  char **numbers = calloc(n + 1, sizeof *numbers);
  bool failed = !parents || !numbers, *is_parent = NULL;
  size_t np = 0;
  for (size_t i = 0; !failed && i < n; i++) {
    numbers[i] = number_key(plan_doc(&heads[i], CCHC_DOC_NUMBER), &failed);
    char *k = number_key(plan_doc(&heads[i], CCHC_DOC_PARENT_NUMBER), &failed);
    if (k)
      parents[np++] = (keyed){k, i};
  }
  if (!failed && np)
    qsort(parents, np, sizeof *parents, by_key);
  if (!failed && !(is_parent = calloc(n + 1, sizeof *is_parent)))
    failed = true;
  for (size_t i = 0; !failed && i < n; i++) {
    /* the first plan citing this number, and the next if that is i */
    keyed want = {numbers[i], 0};
    size_t lo = 0, hi = np;
    while (numbers[i] && lo < hi) {
      size_t mid = (lo + hi) / 2;
      if (by_key(&parents[mid], &want) < 0)
        lo = mid + 1;
      else
        hi = mid;
    }
    for (size_t k = lo; numbers[i] && k < np && k <= lo + 1 &&
                        strcmp(parents[k].key, numbers[i]) == 0;
         k++)
      if (parents[k].input != i)
        is_parent[i] = true;
  }
  size_t col = 0;
  for (int pass = 0; !failed && pass < 2; pass++)
    for (size_t i = 0; i < n; i++)
      if (is_parent[i] == (pass == 0))
        order[col++] = i;
  for (size_t i = 0; i < np; i++)
    free(parents[i].key);
  for (size_t i = 0; numbers && i < n; i++)
    free(numbers[i]);
  free(parents);
  free(numbers);
  free(is_parent);
  return !failed;
}

/* The similarities of a set of words (a subject's, joined) to the groups
 * 0..ngroups - 1, those at least SUBJECT_SIMILAR. */
typedef struct likeness {
  char *words;
  size_t ngroups; /* groups compared so far */
  struct similar {
    size_t group;
    double sim;
  } *similar;
  size_t nsimilar, capsimilar;
} likeness;

/* A group's place in the row, by its first target. */
typedef struct assigned {
  size_t group, col, input;
  int64_t key;
} assigned;

/* Everything made once: columns, groups. */
typedef struct compare_run {
  source *src;
  const cchc_compare_options *opt;
  size_t n;
  size_t *order;  /* column -> input */
  size_t *col_of; /* input -> column */
  subject *groups; /* the first subject of each group */
  size_t ngroups, capgroups;
  assigned *assigned; /* by group, column, frame order */
  size_t nassigned, capassigned;
  likeness *seen; /* open addressing, by words */
  size_t capseen, nseen;
} compare_run;

static uint64_t hash_words(const char *s) {
  return subject_hash(CCHC_HASH_START, s);
}

/* The likeness of the word set `words` (owned by the table once added). */
static likeness *likeness_of(compare_run *r, char *words) {
  if (r->nseen * 2 >= r->capseen) {
    size_t cap = r->capseen ? r->capseen * 2 : 256;
    likeness *t = calloc(cap, sizeof *t);
    if (!t)
      return NULL;
    for (size_t i = 0; i < r->capseen; i++)
      if (r->seen[i].words) {
        size_t k = hash_words(r->seen[i].words) & (cap - 1);
        while (t[k].words)
          k = (k + 1) & (cap - 1);
        t[k] = r->seen[i];
      }
    free(r->seen);
    r->seen = t;
    r->capseen = cap;
  }
  size_t k = hash_words(words) & (r->capseen - 1);
  while (r->seen[k].words && strcmp(r->seen[k].words, words) != 0)
    k = (k + 1) & (r->capseen - 1);
  if (!r->seen[k].words) {
    r->seen[k].words = words;
    r->nseen++;
  } else {
    free(words);
  }
  return &r->seen[k];
}

/* The words of `s` joined by spaces (their set, in order). */
static char *joined_words(const subject *s) {
  strbuf sb = STRBUF_INIT;
  strbuf_addch(&sb, '|'); /* not empty, so that NULL means failure */
  for (size_t i = 0; i < s->nwords; i++) {
    strbuf_addstr(&sb, s->words[i]);
    strbuf_addch(&sb, ' ');
  }
  return strbuf_detach(&sb, NULL);
}

/* May target `u` of plan `p` join group `g`?  One plan states a target
 * once, or again in the same words (body and appendix): two targets of
 * one plan whose subjects differ are two targets, never one row.
 * row_of[t]: the group of the plan's earlier target t. */
static bool may_join(const plan *p, const size_t *row_of, size_t ui,
                     size_t g) {
  for (size_t t = 0; t < ui; t++)
    if (row_of[t] == g &&
        subject_similarity(&p->unclassified[t].subject,
                           &p->unclassified[ui].subject) < 1)
      return false;
  return true;
}

/* The group of target ui of plan `p` (column `col`): the group whose first
 * subject is most similar (at least SUBJECT_SIMILAR; ties: the first),
 * else a new one.  NO_GROUP when out of memory. */
#define NO_GROUP ((size_t)-1)
static size_t group_of(compare_run *r, const plan *p, const size_t *row_of,
                       size_t ui, cchc_error *err) {
  const subject *u = &p->unclassified[ui].subject;
  char *words = joined_words(u);
  likeness *l = words ? likeness_of(r, words) : NULL;
  if (!l) {
    free(words);
    cchc_fail(err, CCHC_ERR_NOMEM, "out of memory");
    return NO_GROUP;
  }
  for (; l->ngroups < r->ngroups; l->ngroups++) {
    double sim = subject_similarity(&r->groups[l->ngroups], u);
    if (sim < SUBJECT_SIMILAR)
      continue;
    struct similar *grown =
        cchc_grow(l->similar, &l->capsimilar, l->nsimilar, sizeof *grown);
    if (!grown) {
      cchc_fail(err, CCHC_ERR_NOMEM, "out of memory");
      return NO_GROUP;
    }
    l->similar = grown;
    l->similar[l->nsimilar++] = (struct similar){l->ngroups, sim};
  }
  size_t best = NO_GROUP;
  double best_sim = 0;
  for (size_t k = 0; k < l->nsimilar; k++)
    if (l->similar[k].sim > best_sim &&
        may_join(p, row_of, ui, l->similar[k].group)) {
      best = l->similar[k].group;
      best_sim = l->similar[k].sim;
    }
  if (best != NO_GROUP)
    return best;
  subject *grown = cchc_grow(r->groups, &r->capgroups, r->ngroups,
                             sizeof *grown);
  if (!grown) {
    cchc_fail(err, CCHC_ERR_NOMEM, "out of memory");
    return NO_GROUP;
  }
  r->groups = grown;
  if (subject_copy(&r->groups[r->ngroups], u, err) != CCHC_OK)
    return NO_GROUP;
  return r->ngroups++;
}

static int by_place(const void *a, const void *b) {
  const assigned *x = a, *y = b;
  if (x->group != y->group)
    return x->group < y->group ? -1 : 1;
  if (x->col != y->col)
    return x->col < y->col ? -1 : 1;
  return (x->key > y->key) - (x->key < y->key);
}

/* Group the targets without an indicator, in column order. */
static cchc_status group_unclassified(compare_run *r, cchc_error *err) {
  cchc_status st = CCHC_OK;
  size_t *row_of = NULL, cap = 0;
  for (size_t col = 0; st == CCHC_OK && col < r->n; col++) {
    const plan *p = NULL;
    size_t input = r->order[col];
    if ((st = r->src->unclassified(r->src, input, &p, err)) != CCHC_OK)
      break;
    if (p->nunclassified > cap) {
      free(row_of);
      cap = p->nunclassified;
      if (!(row_of = malloc(cap * sizeof *row_of))) {
        st = cchc_fail(err, CCHC_ERR_NOMEM, "out of memory");
        break;
      }
    }
    for (size_t t = 0; st == CCHC_OK && t < p->nunclassified; t++) {
      row_of[t] = NO_GROUP;
      if (!unclassified_wanted(r->opt, &p->unclassified[t]))
        continue;
      size_t g = group_of(r, p, row_of, t, err);
      assigned *grown = g == NO_GROUP ? NULL
                                      : cchc_grow(r->assigned,
                                                  &r->capassigned,
                                                  r->nassigned,
                                                  sizeof *grown);
      if (!grown) {
        st = err && err->code ? err->code
                              : cchc_fail(err, CCHC_ERR_NOMEM,
                                          "out of memory");
        break;
      }
      r->assigned = grown;
      r->assigned[r->nassigned++] =
          (assigned){g, col, input, p->unclassified[t].key};
      row_of[t] = g;
    }
  }
  free(row_of);
  if (st == CCHC_OK && r->nassigned)
    qsort(r->assigned, r->nassigned, sizeof *r->assigned, by_place);
  return st;
}

static void run_release(compare_run *r) {
  for (size_t g = 0; g < r->ngroups; g++)
    subject_release(&r->groups[g]);
  free(r->groups);
  for (size_t i = 0; i < r->capseen; i++) {
    free(r->seen[i].words);
    free(r->seen[i].similar);
  }
  free(r->seen);
  free(r->assigned);
  free(r->order);
  free(r->col_of);
  memset(r, 0, sizeof *r);
}

/* Columns and groups of the plans of `src`. */
static cchc_status run_prepare(compare_run *r, source *src,
                               const cchc_compare_options *opt,
                               cchc_error *err) {
  memset(r, 0, sizeof *r);
  r->src = src;
  r->opt = opt;
  r->n = src->n;
  r->order = calloc(r->n + 1, sizeof *r->order);
  r->col_of = calloc(r->n + 1, sizeof *r->col_of);
  if (!r->order || !r->col_of || !parents_first(src->heads, r->n, r->order))
    return cchc_fail(err, CCHC_ERR_NOMEM, "out of memory");
  for (size_t col = 0; col < r->n; col++)
    r->col_of[r->order[col]] = col;
  return group_unclassified(r, err);
}

/* One row as it is walked: its cells, one per column (NULL for none), and
 * its targets (column order, then frame order; those of an indicator's row
 * only from a source whose targets last). */
typedef struct row_item {
  size_t col;
  const plan_target *t;
} row_item;

typedef struct compare_row {
  const char *indicator; /* NULL for a group */
  const char *subject;   /* the group's first subject, else NULL */
  char *const *cells;
  const row_item *items;
  size_t nitems;
} compare_row;

typedef cchc_status (*row_fn)(void *ctx, const compare_row *row,
                              cchc_error *err);

/* The row being made. */
typedef struct row_maker {
  compare_run *r;
  bool keep_items; /* the row's targets last while it is walked */
  strbuf *cells;   /* one per column */
  char **shown;    /* the cells as walked */
  size_t *touched; /* the columns with a cell */
  size_t ntouched;
  row_item *items;
  size_t nitems, capitems;
  const char *indicator; /* of the row being made */
  char *indicator_kept;
  row_fn fn;
  void *ctx;
  size_t rows; /* rows made */
  cchc_status st;
  cchc_error *err;
} row_maker;

/* Add the plain form of `t` to its cell, unless the cell shows it
 * already; the target joins the row's items. */
static void add_to_cell(row_maker *m, size_t col, const plan_target *t) {
  strbuf *cell = &m->cells[col];
  bool dup = false;
  for (const char *s = cell->buf; *s && !dup;) {
    const char *e = strstr(s, "; ");
    size_t l = e ? (size_t)(e - s) : strlen(s);
    dup = l == strlen(t->plain) && strncmp(s, t->plain, l) == 0;
    s += l + (e ? 2 : 0);
  }
  if (cell->len == 0)
    m->touched[m->ntouched++] = col;
  if (!dup) {
    if (cell->len)
      strbuf_addstr(cell, "; ");
    strbuf_addstr(cell, t->plain);
  }
  if (cell->failed) {
    m->st = cchc_fail(m->err, CCHC_ERR_NOMEM, "out of memory");
    return;
  }
  if (!m->keep_items)
    return;
  row_item *grown = cchc_grow(m->items, &m->capitems, m->nitems,
                              sizeof *grown);
  if (!grown) {
    m->st = cchc_fail(m->err, CCHC_ERR_NOMEM, "out of memory");
    return;
  }
  m->items = grown;
  m->items[m->nitems++] = (row_item){col, t};
}

/* Hand the row made over and start the next. */
static void flush_row(row_maker *m, const char *indicator,
                      const char *subj) {
  if (m->st == CCHC_OK && m->ntouched) {
    for (size_t k = 0; k < m->ntouched; k++)
      m->shown[m->touched[k]] = m->cells[m->touched[k]].buf;
    compare_row row = {indicator, subj, m->shown, m->items, m->nitems};
    m->st = m->fn(m->ctx, &row, m->err);
    m->rows++;
  }
  for (size_t k = 0; k < m->ntouched; k++) {
    strbuf_reset(&m->cells[m->touched[k]]);
    m->shown[m->touched[k]] = NULL;
  }
  m->ntouched = 0;
  m->nitems = 0;
}

static int classified_target(void *ctx, size_t input, const plan_target *t) {
  row_maker *m = ctx;
  if (!wanted(m->r->opt, t->indicator))
    return 0;
  if (!m->indicator || strcmp(m->indicator, t->indicator) != 0) {
    flush_row(m, m->indicator, NULL);
    free(m->indicator_kept);
    m->indicator = m->indicator_kept = strdup(t->indicator);
    if (!m->indicator)
      m->st = cchc_fail(m->err, CCHC_ERR_NOMEM, "out of memory");
  }
  if (m->st == CCHC_OK)
    add_to_cell(m, m->r->col_of[input], t);
  return m->st != CCHC_OK;
}

/* Every row, in order, to `fn`; *rows (may be NULL) gets their number. */
static cchc_status make_rows(compare_run *r, row_fn fn, void *ctx,
                             size_t *rows, cchc_error *err) {
  row_maker m = {.r = r, .fn = fn, .ctx = ctx, .err = err};
  m.cells = calloc(r->n + 1, sizeof *m.cells);
  m.shown = calloc(r->n + 1, sizeof *m.shown);
  m.touched = calloc(r->n + 1, sizeof *m.touched);
  if (!m.cells || !m.shown || !m.touched)
    m.st = cchc_fail(err, CCHC_ERR_NOMEM, "out of memory");
  for (size_t i = 0; m.cells && i < r->n; i++)
    strbuf_init(&m.cells[i]);
  cchc_status st = CCHC_OK;
  m.keep_items = r->src->lasting;
  if (m.st == CCHC_OK &&
      (st = r->src->classified(r->src, classified_target, &m, err)) ==
          CCHC_OK)
    flush_row(&m, m.indicator, NULL);
  m.keep_items = true; /* a group's targets last until release_row */
  for (size_t a = 0; st == CCHC_OK && m.st == CCHC_OK && a < r->nassigned;) {
    size_t g = r->assigned[a].group, end = a;
    while (end < r->nassigned && r->assigned[end].group == g)
      end++;
    st = r->src->reserve_row(r->src, end - a, err);
    for (; st == CCHC_OK && m.st == CCHC_OK && a < end; a++) {
      const plan_target *t = NULL;
      st = r->src->target(r->src, r->assigned[a].input, r->assigned[a].key,
                          &t, err);
      if (st == CCHC_OK)
        add_to_cell(&m, r->assigned[a].col, t);
    }
    if (st == CCHC_OK)
      flush_row(&m, NULL, r->groups[g].label);
    r->src->release_row(r->src);
  }
  if (st == CCHC_OK)
    st = m.st;
  if (rows)
    *rows = m.rows;
  for (size_t i = 0; m.cells && i < r->n; i++)
    strbuf_release(&m.cells[i]);
  free(m.cells);
  free(m.shown);
  free(m.touched);
  free(m.items);
  free(m.indicator_kept);
  return st;
}

/* ------------------------------------------------------------------ */
/* Output                                                              */

/* The plans, in JSON only: who each column is. */
static void walk_plans(const plan *heads, const size_t *order, size_t n,
                       out_writer *o) {
  static const struct {
    const char *name;
    cchc_doc_field field;
  } fields[] = {{"level", CCHC_DOC_LEVEL},   {"place", CCHC_DOC_PLACE},
                {"province", CCHC_DOC_PROVINCE}, {"year", CCHC_DOC_YEAR},
                {"number", CCHC_DOC_NUMBER}, {"date", CCHC_DOC_DATE},
                {"parent", CCHC_DOC_PARENT_NUMBER}};
  out_begin_array(o, "plans");
  for (size_t cl = 0; cl < n; cl++) {
    const plan *p = &heads[order[cl]];
    out_begin_object(o, NULL);
    out_string(o, OUT_JSON, "label", p->label);
    for (size_t k = 0; k < sizeof fields / sizeof *fields; k++) {
      const char *v = plan_doc(p, fields[k].field);
      if (fields[k].field == CCHC_DOC_YEAR && v)
        out_integer(o, OUT_JSON, fields[k].name, strtoll(v, NULL, 10));
      else
        out_string(o, OUT_JSON, fields[k].name, v);
    }
    out_string(o, OUT_JSON, "path", p->path);
    out_end_object(o);
  }
  out_end_array(o);
}

/* The table's name of an unclassified row: "(unclassified) " and the
 * subject, cut after TABLE_SUBJECT code points with "…" (CSV and JSON
 * carry the whole subject).  NULL when out of memory. */
enum { TABLE_SUBJECT = 60 };
static char *table_subject(const char *text) {
  size_t i = 0, cps = 0;
  for (; text[i] && cps < TABLE_SUBJECT; i++)
    cps += ((unsigned char)text[i] & 0xC0) != 0x80;
  while (((unsigned char)text[i] & 0xC0) == 0x80)
    i++;
  strbuf sb = STRBUF_INIT;
  strbuf_addstr(&sb, "(unclassified) ");
  strbuf_add(&sb, text, i);
  if (text[i])
    strbuf_addstr(&sb, "\xE2\x80\xA6");
  return strbuf_detach(&sb, NULL);
}

/* The walk of one comparison: its columns, and the rows `rows` makes. */
typedef struct walker {
  out_writer *o;
  const plan *heads;
  const size_t *order;
  size_t n;
} walker;

/* JSON only: the targets of an unclassified row, with their column (two
 * plans may share a label), subject, area, text and span, since the row is
 * named after its first target only. */
static void walk_row_targets(const walker *w, const compare_row *row) {
  out_writer *o = w->o;
  out_begin_array(o, "targets");
  for (size_t i = 0; i < row->nitems; i++) {
    const plan_target *t = row->items[i].t;
    out_begin_object(o, NULL);
    out_integer(o, OUT_JSON, "column", (long long)row->items[i].col);
    const plan *p = &w->heads[w->order[row->items[i].col]];
    out_string(o, OUT_JSON, "plan", p->label);
    out_string(o, OUT_JSON, "subject", t->subject.label);
    out_string(o, OUT_JSON, "area", t->area);
    out_string(o, OUT_JSON, "value", t->plain);
    out_string(o, OUT_JSON, "text", t->text);
    out_begin_array(o, "span");
    out_integer(o, OUT_JSON, NULL, (long long)t->span.start);
    out_integer(o, OUT_JSON, NULL, (long long)t->span.end);
    out_end_array(o);
    out_end_object(o);
  }
  out_end_array(o);
}

static cchc_status walk_row(void *ctx, const compare_row *row,
                            cchc_error *err) {
  const walker *w = ctx;
  out_writer *o = w->o;
  char *name = row->subject ? table_subject(row->subject) : NULL;
  if (row->subject && !name)
    return cchc_fail(err, CCHC_ERR_NOMEM, "out of memory");
  out_begin_object(o, NULL);
  out_string(o, OUT_TABLE, "indicator", name ? name : row->indicator);
  out_string(o, OUT_CSV | OUT_JSON, "indicator", row->indicator);
  out_string(o, OUT_CSV | OUT_JSON, "subject", row->subject);
  out_begin_array(o, "cells");
  for (size_t cl = 0; cl < w->n; cl++)
    out_string(o, OUT_ALL, NULL, row->cells[cl]);
  out_end_array(o);
  if (row->subject)
    walk_row_targets(w, row);
  out_end_object(o);
  free(name);
  return CCHC_OK;
}

/* The whole comparison: rows(rows_ctx, walk_row, w) walks the rows. */
static cchc_status walk(walker *w,
                        cchc_status (*rows)(void *ctx, row_fn fn,
                                            void *fn_ctx, cchc_error *err),
                        void *rows_ctx, cchc_error *err) {
  /* The table: indicator (or the subject), then the plans; CSV:
   * indicator, subject, then the plans. */
  out_column *table = calloc(w->n + 1, sizeof *table);
  out_column *csv = calloc(w->n + 2, sizeof *csv);
  if (!table || !csv) {
    free(table);
    free(csv);
    return cchc_fail(err, CCHC_ERR_NOMEM, "out of memory");
  }
  table[0].title = csv[0].title = "indicator";
  csv[1].title = "subject";
  for (size_t cl = 0; cl < w->n; cl++)
    table[cl + 1] = csv[cl + 2] =
        (out_column){.title = w->heads[w->order[cl]].label, .gap = 2};
  out_table spec = {.table = table, .ntable = w->n + 1, .rule = true,
                    .csv = csv, .ncsv = w->n + 2};
  out_writer *o = w->o;
  out_begin_object(o, NULL);
  out_string(o, OUT_JSON, "schema", "cchc-compare/1");
  walk_plans(w->heads, w->order, w->n, o);
  out_begin_table(o, "rows", &spec);
  cchc_status st = rows(rows_ctx, walk_row, w, err);
  out_end_table(o);
  out_end_object(o);
  free(table);
  free(csv);
  return st;
}

/* ------------------------------------------------------------------ */
/* From frames: the matrix kept                                        */

typedef struct kept_row {
  char *indicator, *subject;
  char **cells; /* n, by column */
  row_item *items;
  size_t nitems;
} kept_row;

struct cchc_compare {
  frame_source fs;
  size_t *order;
  size_t n;
  kept_row *rows;
  size_t nrows, caprows;
};

void cchc_compare_free(cchc_compare *c) {
  if (!c)
    return;
  for (size_t r = 0; r < c->nrows; r++) {
    for (size_t cl = 0; c->rows[r].cells && cl < c->n; cl++)
      free(c->rows[r].cells[cl]);
    free(c->rows[r].cells);
    free(c->rows[r].items);
    free(c->rows[r].indicator);
    free(c->rows[r].subject);
  }
  free(c->rows);
  free(c->order);
  free(c->fs.by_key);
  for (size_t i = 0; c->fs.src.heads && i < c->n; i++)
    plan_release(&c->fs.src.heads[i]);
  free(c->fs.src.heads);
  free(c);
}

static char *dup_or_null(const char *s, bool *failed) {
  char *d = s ? strdup(s) : NULL;
  *failed |= s && !d;
  return d;
}

static cchc_status keep_row(void *ctx, const compare_row *row,
                            cchc_error *err) {
  cchc_compare *c = ctx;
  kept_row *grown = cchc_grow(c->rows, &c->caprows, c->nrows, sizeof *grown);
  if (!grown)
    return cchc_fail(err, CCHC_ERR_NOMEM, "out of memory");
  c->rows = grown;
  kept_row *k = &c->rows[c->nrows++];
  memset(k, 0, sizeof *k);
  bool failed = false;
  k->indicator = dup_or_null(row->indicator, &failed);
  k->subject = dup_or_null(row->subject, &failed);
  k->cells = calloc(c->n + 1, sizeof *k->cells);
  k->items = malloc((row->nitems + 1) * sizeof *k->items);
  failed |= !k->cells || !k->items;
  for (size_t cl = 0; !failed && cl < c->n; cl++)
    k->cells[cl] = dup_or_null(row->cells[cl], &failed);
  if (failed)
    return cchc_fail(err, CCHC_ERR_NOMEM, "out of memory");
  if (row->nitems)
    memcpy(k->items, row->items, row->nitems * sizeof *k->items);
  k->nitems = row->nitems;
  return CCHC_OK;
}

cchc_status cchc_compare_new(const cchc_frame *const *frames, size_t n,
                             const cchc_compare_options *options,
                             cchc_compare **out, cchc_error *err) {
  cchc_status st = CCHC_ERR_NOMEM;
  compare_run run = {0};
  cchc_compare *c = calloc(1, sizeof *c);
  if (!c || !(c->fs.src.heads = calloc(n + 1, sizeof *c->fs.src.heads)))
    goto fail;
  c->fs.src = (source){.heads = c->fs.src.heads,
                       .lasting = true,
                       .classified = frames_classified,
                       .unclassified = frames_unclassified,
                       .target = frames_target,
                       .reserve_row = frames_reserve_row,
                       .release_row = frames_release_row};
  for (; c->n < n; c->n++) {
    char which[32];
    snprintf(which, sizeof which, "frame %zu", c->n + 1);
    if ((st = plan_init(&c->fs.src.heads[c->n], frames[c->n], which, err)) !=
        CCHC_OK)
      goto fail;
  }
  c->fs.src.n = n;
  st = CCHC_ERR_NOMEM;
  if (!index_frames(&c->fs))
    goto fail;
  if ((st = run_prepare(&run, &c->fs.src, options, err)) != CCHC_OK ||
      (st = make_rows(&run, keep_row, c, NULL, err)) != CCHC_OK)
    goto fail;
  c->order = run.order;
  run.order = NULL;
  run_release(&run);
  *out = c;
  return CCHC_OK;
fail:
  run_release(&run);
  cchc_compare_free(c);
  return st == CCHC_ERR_NOMEM ? cchc_fail(err, st, "out of memory") : st;
}

size_t cchc_compare_rows(const cchc_compare *c) { return c->nrows; }
size_t cchc_compare_columns(const cchc_compare *c) { return c->n; }
const char *cchc_compare_indicator(const cchc_compare *c, size_t row) {
  return row < c->nrows ? c->rows[row].indicator : NULL;
}
const char *cchc_compare_subject(const cchc_compare *c, size_t row) {
  return row < c->nrows ? c->rows[row].subject : NULL;
}
const char *cchc_compare_label(const cchc_compare *c, size_t col) {
  return col < c->n ? c->fs.src.heads[c->order[col]].label : NULL;
}
size_t cchc_compare_input(const cchc_compare *c, size_t col) {
  return col < c->n ? c->order[col] : (size_t)-1;
}
const char *cchc_compare_cell(const cchc_compare *c, size_t row, size_t col) {
  return row < c->nrows && col < c->n ? c->rows[row].cells[col] : NULL;
}

/* The i-th target of the cell (row, col), or NULL; *count (may be NULL)
 * gets how many it holds. */
static const plan_target *cell_target(const cchc_compare *c, size_t row,
                                      size_t col, size_t i, size_t *count) {
  const plan_target *found = NULL;
  size_t k = 0;
  for (size_t j = 0; row < c->nrows && j < c->rows[row].nitems; j++)
    if (c->rows[row].items[j].col == col && k++ == i)
      found = c->rows[row].items[j].t;
  if (count)
    *count = k;
  return found;
}

size_t cchc_compare_cell_targets(const cchc_compare *c, size_t row,
                                 size_t col) {
  size_t count = 0;
  cell_target(c, row, col, 0, &count);
  return count;
}
const cchc_frame_target *cchc_compare_cell_target_at(const cchc_compare *c,
                                                     size_t row, size_t col,
                                                     size_t i) {
  const plan_target *t = cell_target(c, row, col, i, NULL);
  return t ? t->item : NULL;
}

/* The kept rows, walked again. */
static cchc_status kept_rows(void *ctx, row_fn fn, void *fn_ctx,
                             cchc_error *err) {
  const cchc_compare *c = ctx;
  cchc_status st = CCHC_OK;
  for (size_t r = 0; st == CCHC_OK && r < c->nrows; r++) {
    const kept_row *k = &c->rows[r];
    compare_row row = {k->indicator, k->subject, k->cells, k->items,
                       k->nitems};
    st = fn(fn_ctx, &row, err);
  }
  return st;
}

static cchc_status walk_kept(void *ctx, out_writer *o, cchc_error *err) {
  const cchc_compare *c = ctx;
  walker w = {o, c->fs.src.heads, c->order, c->n};
  return walk(&w, kept_rows, (void *)c, err);
}

cchc_status cchc_compare_render(const cchc_compare *c,
                                cchc_report_format format, char **res,
                                size_t *len, cchc_error *err) {
  return out_render(format, walk_kept, (void *)c, res, len, err);
}

/* ------------------------------------------------------------------ */
/* From the store: written as made                                     */

typedef struct store_heads {
  store_source *ss;
  cchc_status st;
  cchc_error *err;
} store_heads;

static int add_head(void *ctx, const cchc_store_plan *row) {
  store_heads *h = ctx;
  store_source *ss = h->ss;
  size_t i = ss->src.n;
  plan *heads = cchc_grow(ss->src.heads, &ss->capids, i, sizeof *heads);
  struct by_id *ids = heads ? realloc(ss->ids, ss->capids * sizeof *ids)
                            : NULL;
  int64_t *id_of = ids ? realloc(ss->id_of, ss->capids * sizeof *id_of)
                       : NULL;
  if (heads)
    ss->src.heads = heads;
  if (ids)
    ss->ids = ids;
  if (id_of)
    ss->id_of = id_of;
  if (!heads || !ids || !id_of) {
    h->st = cchc_fail(h->err, CCHC_ERR_NOMEM, "out of memory");
    return 1;
  }
  if ((h->st = plan_stored_head(&heads[i], row, h->err)) != CCHC_OK)
    return 1;
  ss->ids[i] = (struct by_id){row->id, i};
  ss->id_of[i] = row->id;
  ss->src.n++;
  return 0;
}

typedef struct stored_rows {
  compare_run *run;
  const plan *heads;
  size_t rows;
} stored_rows;

static cchc_status make_stored_rows(void *ctx, row_fn fn, void *fn_ctx,
                                    cchc_error *err) {
  stored_rows *sr = ctx;
  return make_rows(sr->run, fn, fn_ctx, &sr->rows, err);
}

static cchc_status walk_made(void *ctx, out_writer *o, cchc_error *err) {
  stored_rows *sr = ctx;
  walker w = {o, sr->heads, sr->run->order, sr->run->n};
  return walk(&w, make_stored_rows, sr, err);
}

cchc_status cchc_compare_write(cchc_store *store, const char *province,
                               int year, const cchc_compare_options *options,
                               cchc_report_format format, cchc_write_fn write,
                               void *ctx, size_t *columns, size_t *rows,
                               cchc_error *err) {
  if (!store || !write)
    return cchc_fail(err, CCHC_ERR_INVALID, "compare: invalid argument");
  store_source ss = {.src = {.classified = store_classified,
                             .unclassified = store_unclassified,
                             .target = store_target,
                             .reserve_row = store_reserve_row,
                             .release_row = store_release_row},
                     .store = store,
                     .bare = format != CCHC_REPORT_JSON,
                     .subjects = subject_cache_new()};
  compare_run run = {0};
  stored_rows sr = {&run, NULL, 0};
  store_heads h = {&ss, CCHC_OK, err};
  stored_filter filter = {province, year};
  cchc_status st = stored_read_begin(store, err);
  if (st == CCHC_OK)
    st = stored_each_document(store, &filter, add_head, &h, err);
  if (st == CCHC_OK)
    st = h.st;
  /* The ids in input order are the inputs; sorted, they find them. */
  ss.nids = ss.src.n;
  if (st == CCHC_OK && ss.nids)
    qsort(ss.ids, ss.nids, sizeof *ss.ids, by_id);
  if (st == CCHC_OK)
    st = run_prepare(&run, &ss.src, options, err);
  sr.heads = ss.src.heads;
  if (st == CCHC_OK)
    st = out_write(format, walk_made, &sr, write, ctx, err);
  if (columns)
    *columns = ss.src.n;
  if (rows)
    *rows = sr.rows;
  stored_read_end(store);
  run_release(&run);
  for (size_t i = 0; i < ss.src.n; i++)
    plan_release(&ss.src.heads[i]);
  free(ss.src.heads);
  free(ss.ids);
  free(ss.id_of);
  plan_release(&ss.scratch);
  plan_release(&ss.row);
  free(ss.bare_row);
  subject_cache_free(ss.subjects);
  return st;
}
