/* frame.c: the frame's arena and growable arrays. */
#include "frame.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Strings of one frame live in a few large blocks freed together: a frame
 * holds thousands of short strings and no string outlives its frame. */
struct frame_arena_block {
  frame_arena_block *next;
  size_t used, cap;
  max_align_t data[];
};

enum { ARENA_BLOCK = 64 * 1024 };

cchc_frame *frame_new(void) { return calloc(1, sizeof(cchc_frame)); }

void *frame_alloc(cchc_frame *f, size_t n) {
  size_t align = sizeof(max_align_t);
  n = (n + align - 1) / align * align;
  frame_arena_block *b = f->arena;
  if (!b || b->cap - b->used < n) {
    size_t cap = n > ARENA_BLOCK ? n : ARENA_BLOCK;
    b = malloc(sizeof(*b) + cap);
    if (!b) {
      f->failed = true;
      return NULL;
    }
    b->used = 0;
    b->cap = cap;
    b->next = f->arena;
    f->arena = b;
  }
  void *p = (char *)b->data + b->used;
  b->used += n;
  memset(p, 0, n);
  return p;
}

const char *frame_strndup(cchc_frame *f, const char *s, size_t n) {
  char *p = frame_alloc(f, n + 1);
  if (!p) return NULL;
  memcpy(p, s, n);
  p[n] = '\0';
  return p;
}

const char *frame_strdup(cchc_frame *f, const char *s) {
  return s ? frame_strndup(f, s, strlen(s)) : NULL;
}

const char *frame_printf(cchc_frame *f, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  if (n < 0) return NULL;
  char *p = frame_alloc(f, (size_t)n + 1);
  if (!p) return NULL;
  va_start(ap, fmt);
  vsnprintf(p, (size_t)n + 1, fmt, ap);
  va_end(ap);
  return p;
}

void *frame_grow(cchc_frame *f, void **items, size_t *n, size_t *cap,
                 size_t size) {
  if (*n == *cap) {
    size_t ncap = *cap ? *cap * 2 : 16;
    void *p = realloc(*items, ncap * size);
    if (!p) {
      f->failed = true;
      return NULL;
    }
    *items = p;
    *cap = ncap;
  }
  void *e = (char *)*items + *n * size;
  memset(e, 0, size);
  (*n)++;
  return e;
}

void cchc_frame_free(cchc_frame *f) {
  if (!f) return;
  for (size_t i = 0; i < f->nreferences; i++) free(f->references[i].mentions);
  free(f->references);
  free(f->sections);
  free(f->targets);
  free(f->deadlines);
  free(f->tasks);
  free(f->leads);
  free(f->inconsistencies);
  frame_arena_block *b = f->arena;
  while (b) {
    frame_arena_block *next = b->next;
    free(b);
    b = next;
  }
  free(f);
}

struct frame_range {
  const char *lo, *hi; /* [lo, hi) */
};

static int by_lo(const void *a, const void *b) {
  const struct frame_range *p = a, *q = b;
  return p->lo < q->lo ? -1 : p->lo > q->lo;
}

/* Sort the blocks that exist now (strings copied during adoption are
 * never asked about again). */
static bool index_arena(cchc_frame *f) {
  size_t n = 0;
  for (const frame_arena_block *b = f->arena; b; b = b->next) n++;
  f->ranges = malloc((n ? n : 1) * sizeof *f->ranges);
  if (!f->ranges) return false;
  f->nranges = 0;
  for (const frame_arena_block *b = f->arena; b; b = b->next) {
    const char *lo = (const char *)b->data;
    f->ranges[f->nranges++] = (struct frame_range){lo, lo + b->used};
  }
  if (n > 1) qsort(f->ranges, n, sizeof *f->ranges, by_lo);
  return true;
}

static bool in_arena(const cchc_frame *f, const char *s) {
  size_t lo = 0, hi = f->nranges; /* last range with lo <= s */
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (f->ranges[mid].lo <= s) lo = mid + 1;
    else hi = mid;
  }
  return lo > 0 && s < f->ranges[lo - 1].hi;
}

static void adopt(cchc_frame *f, const char **s) {
  if (*s && !in_arena(f, *s)) *s = frame_strdup(f, *s);
}

static void adopt_field(cchc_frame *f, frame_field *fd) {
  adopt(f, &fd->value);
  adopt(f, &fd->rule);
}

static void adopt_unit(cchc_frame *f, frame_unit *u) {
  adopt(f, &u->key);
  adopt(f, &u->name);
  adopt(f, &u->text);
}

frame_field *frame_document_field(frame_document *d, cchc_doc_field field) {
  switch (field) {
  case CCHC_DOC_KIND: return &d->kind;
  case CCHC_DOC_LEVEL: return &d->level;
  case CCHC_DOC_PLACE: return &d->place;
  case CCHC_DOC_PROVINCE: return &d->province;
  case CCHC_DOC_YEAR: return &d->year;
  case CCHC_DOC_PERIOD_START: return &d->period_start;
  case CCHC_DOC_PERIOD_END: return &d->period_end;
  case CCHC_DOC_NUMBER: return &d->number;
  case CCHC_DOC_DATE: return &d->date;
  case CCHC_DOC_TITLE: return &d->title;
  case CCHC_DOC_SIGNER: return &d->signer;
  case CCHC_DOC_PARENT_NUMBER: return &d->parent_number;
  case CCHC_DOC_PARENT_DATE: return &d->parent_date;
  case CCHC_DOC_FIELD_COUNT: break;
  }
  return NULL;
}

/* Extractors may point at strings owned by the rules (rule ids, keys read
 * from the taxonomy); copy those into the arena so the frame outlives the
 * rules, as the public header promises. */
void frame_adopt_strings(cchc_frame *f) {
  if (!index_arena(f)) {
    f->failed = true;
    return;
  }
  for (int k = 0; k < CCHC_DOC_FIELD_COUNT; k++)
    adopt_field(f, frame_document_field(&f->document, (cchc_doc_field)k));
  adopt(f, &f->path);
  adopt(f, &f->encoding);
  for (size_t i = 0; i < f->nreferences; i++) {
    frame_reference *r = &f->references[i];
    adopt(f, &r->number), adopt(f, &r->kind), adopt(f, &r->date);
    adopt(f, &r->issuer), adopt(f, &r->rule);
  }
  for (size_t i = 0; i < f->nsections; i++) {
    frame_section *s = &f->sections[i];
    adopt(f, &s->id), adopt(f, &s->number), adopt(f, &s->heading);
    adopt(f, &s->area), adopt(f, &s->rule);
  }
  for (size_t i = 0; i < f->ntargets; i++) {
    frame_target *t = &f->targets[i];
    adopt(f, &t->id), adopt(f, &t->area), adopt(f, &t->indicator);
    adopt(f, &t->subject), adopt(f, &t->text), adopt(f, &t->comparator);
    adopt(f, &t->unit), adopt(f, &t->rule);
  }
  for (size_t i = 0; i < f->ndeadlines; i++) {
    frame_deadline *d2 = &f->deadlines[i];
    adopt(f, &d2->id), adopt(f, &d2->text), adopt(f, &d2->kind);
    adopt(f, &d2->start), adopt(f, &d2->end), adopt(f, &d2->recurrence);
    adopt(f, &d2->rule);
  }
  for (size_t i = 0; i < f->ntasks; i++) {
    frame_task *t = &f->tasks[i];
    adopt(f, &t->id), adopt(f, &t->area), adopt(f, &t->text);
    adopt(f, &t->lead_from), adopt(f, &t->products), adopt(f, &t->budget);
    adopt(f, &t->rule);
    for (size_t k = 0; k < t->nlead; k++) adopt_unit(f, &t->lead[k]);
    for (size_t k = 0; k < t->ncoordinators; k++)
      adopt_unit(f, &t->coordinators[k]);
  }
  for (size_t i = 0; i < f->nleads; i++) {
    frame_lead *l = &f->leads[i];
    adopt(f, &l->area), adopt(f, &l->text), adopt(f, &l->rule);
    adopt_unit(f, &l->unit);
  }
  for (size_t i = 0; i < f->ninconsistencies; i++)
    adopt(f, &f->inconsistencies[i].indicator);
  free(f->ranges);
  f->ranges = NULL;
  f->nranges = 0;
}
