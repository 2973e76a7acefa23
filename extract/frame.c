/* frame.c: the frame's arena and growable arrays. */
#include "frame.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

/* Strings of one frame live in a few large blocks freed together: a frame
 * holds thousands of short strings and no string outlives its frame. */
struct frame_arena_block {
  frame_arena_block *next;
  size_t used, cap;
  max_align_t data[];
};

enum { ARENA_BLOCK = 64 * 1024 };

cchc_frame *frame_new(void) { return calloc(1, sizeof(cchc_frame)); }

/* n bytes from a new block (the newest: full, or none yet). */
static __attribute__((noinline)) void *arena_take_new(cchc_frame *f,
                                                      size_t n) {
  size_t cap = n > ARENA_BLOCK ? n : ARENA_BLOCK;
  frame_arena_block *b = malloc(sizeof(*b) + cap);
  if (!b) {
    f->failed = true;
    return NULL;
  }
  b->used = n;
  b->cap = cap;
  b->next = f->arena;
  f->arena = b;
  return b->data;
}

/* n bytes from the newest block, at an offset that is a multiple of
 * `align` (a power of two: a mask, where a division by it was a `div`
 * on every string of the frame); a new block when they do not fit.
 * Inline: the callers' align is known. */
static CCHC_INLINE void *arena_take(cchc_frame *f, size_t n, size_t align) {
  frame_arena_block *b = f->arena;
  if (b) {
    size_t at = (b->used + align - 1) & ~(align - 1);
    if (at <= b->cap && b->cap - at >= n) {
      b->used = at + n;
      return (char *)b->data + at;
    }
  }
  return arena_take_new(f, n);
}

void *frame_alloc(cchc_frame *f, size_t n) {
  void *p = arena_take(f, n, sizeof(max_align_t));
  if (p) memset(p, 0, n);
  return p;
}

/* Strings need no alignment: most are short, and rounding each up to
 * max_align_t would waste a third of what they take. */
char *frame_alloc_chars(cchc_frame *f, size_t n) { return arena_take(f, n, 1); }

void frame_alloc_keep(cchc_frame *f, const char *p, size_t taken, size_t n) {
  frame_arena_block *b = f->arena;
  if (b && n <= taken && p + taken == (const char *)b->data + b->used)
    b->used -= taken - n;
}

/* A hash of the string s (n bytes) for interning: of its length and the
 * bytes at its two ends.  Interned strings are mostly the texts of tasks
 * and targets, hundreds of bytes each, which a hash of every byte (a
 * multiplication each, one after the other) took longer to read than
 * the rest of interning; strings of one length that differ only in
 * their middle share a chain, where strcmp tells them apart.  The ends
 * are read eight bytes at a time (a short string's words overlap): a
 * byte at a time, the hash was two thirds of interning. */
enum { INTERN_HASHED = 24 }; /* bytes hashed at each end */
_Static_assert(INTERN_HASHED == 24, "intern_hash's unrolled words");

static uint64_t intern_mix(uint64_t h, const char *p) {
  uint64_t v;
  memcpy(&v, p, sizeof v);
  h = (h ^ v) * UINT64_C(0x9E3779B97F4A7C15);
  return h ^ h >> 29;
}

static uint64_t intern_hash(const char *s, size_t n) {
  uint64_t h = (uint64_t)n * UINT64_C(0xFF51AFD7ED558CCD);
  if (n < 8) {
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++) v = v << 8 | (unsigned char)s[i];
    h = (h ^ v) * UINT64_C(0x9E3779B97F4A7C15);
  } else if (n >= INTERN_HASHED) {
    /* the words at 0, 8, 16 and those ending at n - 16, n - 8, n (the
     * loop below on a long string, unrolled: most interned strings are
     * long) */
    h = intern_mix(h, s);
    h = intern_mix(h, s + 8);
    h = intern_mix(h, s + 16);
    h = intern_mix(h, s + n - 24);
    h = intern_mix(h, s + n - 16);
    h = intern_mix(h, s + n - 8);
  } else {
    /* the words at 0, 8, 16 and those ending at n - 16, n - 8, n: every
     * byte of a string up to 2 * INTERN_HASHED bytes */
    for (size_t i = 0; i < INTERN_HASHED && i + 8 <= n; i += 8)
      h = intern_mix(h, s + i);
    for (size_t k = INTERN_HASHED; k >= 8; k -= 8)
      if (k <= n) h = intern_mix(h, s + n - k);
  }
  /* the slot is the low bits: the high ones mixed into them */
  h ^= h >> 32;
  h *= UINT64_C(0xD6E8FEB86659FD93);
  return h ^ h >> 32;
}

/* The slot of s (n bytes) among `cap` slots: where it is, or the empty one
 * where it goes. */
static const char **intern_slot(const char **slots, size_t cap,
                                const char *s, size_t n) {
  size_t mask = cap - 1;
  for (size_t i = (size_t)intern_hash(s, n) & mask;; i = (i + 1) & mask)
    if (!slots[i] || !strcmp(slots[i], s)) return &slots[i];
}

const char *frame_intern(cchc_frame *f, const char *s) {
  if (!s) return NULL;
  size_t n = strlen(s);
  if (2 * (f->ninterned + 1) > f->cap_interned) {
    /* 512 at first: a plan keeps some 150 strings (from 256, half the
     * plans moved theirs to a table twice as large) */
    size_t cap = f->cap_interned ? 2 * f->cap_interned : 512;
    const char **slots = calloc(cap, sizeof *slots);
    if (!slots) return s; /* not kept: a copy of its own */
    for (size_t i = 0; i < f->cap_interned; i++) {
      const char *k = f->interned[i];
      if (k) *intern_slot(slots, cap, k, strlen(k)) = k;
    }
    free(f->interned);
    f->interned = slots;
    f->cap_interned = cap;
  }
  const char **slot = intern_slot(f->interned, f->cap_interned, s, n);
  if (!*slot) {
    f->ninterned++;
    return *slot = s;
  }
  if (*slot != s) frame_alloc_keep(f, s, n + 1, 0);
  return *slot;
}

const char *frame_strndup(cchc_frame *f, const char *s, size_t n) {
  char *p = frame_alloc_chars(f, n + 1);
  if (!p) return NULL;
  memcpy(p, s, n);
  p[n] = '\0';
  return p;
}

const char *frame_strdup(cchc_frame *f, const char *s) {
  return s ? frame_strndup(f, s, strlen(s)) : NULL;
}

const char *frame_printf(cchc_frame *f, const char *fmt, ...) {
  /* Most are ids and dates: formatted once on the stack, then copied;
   * vsnprintf twice (to size, then to write) only for a longer one. */
  char small[64];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(small, sizeof small, fmt, ap);
  va_end(ap);
  if (n < 0) return NULL;
  char *p = frame_alloc_chars(f, (size_t)n + 1);
  if (!p) return NULL;
  if ((size_t)n < sizeof small) {
    memcpy(p, small, (size_t)n + 1);
    return p;
  }
  va_start(ap, fmt);
  vsnprintf(p, (size_t)n + 1, fmt, ap);
  va_end(ap);
  return p;
}

/* An array's room from this size on is a block of whole 2 MB pages at a
 * 2 MB boundary, asked for as huge pages: written item after item, it is
 * faulted in 2 MB at a time, not 4 KB (a long plan's targets, deadlines
 * and tasks: 4 to 5 MB each on 100 MB).  realloc would move it off the
 * boundary, so it is copied. */
enum { HUGE_ROOM = 2 << 20 };

static void *grow_room(void *items, size_t n, size_t *ncap, size_t size) {
  size_t bytes = *ncap * size;
  /* (most arrays never grow past their first room: malloc, not realloc's
   * way to it) */
  if (bytes < HUGE_ROOM) return items ? realloc(items, bytes) : malloc(bytes);
  size_t room = (bytes + HUGE_ROOM - 1) / HUGE_ROOM * HUGE_ROOM;
  void *p = aligned_alloc(HUGE_ROOM, room);
  if (!p) return NULL;
  cchc_prefer_huge_pages(p, room);
  if (n) memcpy(p, items, n * size);
  free(items);
  *ncap = room / size;
  return p;
}

/* A new zeroed item at the end of the array (room for it known). */
static CCHC_INLINE void *push_item(void *items, size_t *n, size_t size) {
  void *e = (char *)items + *n * size;
  (*n)++;
  return memset(e, 0, size);
}

/* The first room of one of the frame's own lists (its sections, targets,
 * deadlines, tasks, ...: those whose pointer lies in the frame itself),
 * in bytes: a plan holds dozens of each, whose rooms grew four, eight,
 * ... each a realloc; no more than frame_shrink leaves as it is
 * (SHRINK_SLACK, below), so that a short list is not shrunk either. */
enum { FRAME_LIST_FIRST = 4096 };

/* frame_grow when the array is full: a room twice as large, then the
 * item. */
static __attribute__((noinline)) void *grow_full(cchc_frame *f, void **items,
                                                 size_t *n, size_t *cap,
                                                 size_t size) {
  /* Four at first: a long plan holds thousands of these arrays (the
   * units of a task, the cells of a row), most with one or two items. */
  size_t first = 4;
  uintptr_t at = (uintptr_t)items, lo = (uintptr_t)f;
  if (at >= lo && at < lo + sizeof *f && FRAME_LIST_FIRST / size > first)
    first = FRAME_LIST_FIRST / size;
  size_t ncap = *cap ? *cap * 2 : first;
  void *p = grow_room(*items, *n, &ncap, size);
  if (!p) {
    f->failed = true;
    return NULL;
  }
  *items = p;
  *cap = ncap;
  return push_item(p, n, size);
}

void *frame_grow(cchc_frame *f, void **items, size_t *n, size_t *cap,
                 size_t size) {
  /* (most calls find room: that way saves no register, its calls are
   * its last steps) */
  if (*n == *cap) return grow_full(f, items, n, cap, size);
  return push_item(*items, n, size);
}

/* The room past an array's items that a shrink leaves as it is: an
 * array at most doubles, so a small one wastes little, and realloc's
 * shrink (a split and a free of the rest) cost more than it gave back
 * (extract_frame shrinks after each pass). */
enum { SHRINK_SLACK = 4096 };

/* The pages of a huge room past its n items given back (the room of
 * grow_room is no mapping of its own, which realloc could shrink). */
static void *shrink_room(void *items, size_t *cap, size_t n, size_t size) {
  if ((*cap - n) * size < SHRINK_SLACK) return items;
#if defined(MADV_DONTNEED)
  if (items && *cap * size >= HUGE_ROOM) {
    const uintptr_t page = 4096;
    uintptr_t lo = ((uintptr_t)items + n * size + page - 1) & ~(page - 1);
    uintptr_t hi = ((uintptr_t)items + *cap * size) & ~(page - 1);
    if (hi > lo) (void)madvise((void *)lo, hi - lo, MADV_DONTNEED);
  }
#endif
  return cchc_shrink(items, cap, n, size);
}

#define SHRINK(f, name)                                              \
  ((f)->name = shrink_room((f)->name, &(f)->cap_##name, (f)->n##name, \
                           sizeof *(f)->name))

void frame_shrink(cchc_frame *f) {
  for (size_t i = 0; i < f->nreferences; i++)
    SHRINK(&f->references[i], mentions);
  SHRINK(f, references);
  SHRINK(f, sections);
  SHRINK(f, targets);
  SHRINK(f, deadlines);
  SHRINK(f, tasks);
  SHRINK(f, leads);
  SHRINK(f, inconsistencies);
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
  free(f->interned);
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

/* in_arena past a few blocks: the last range with lo <= s, searched. */
static __attribute__((noinline)) bool in_arena_search(const cchc_frame *f,
                                                      const char *s) {
  size_t lo = 0, hi = f->nranges;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (f->ranges[mid].lo <= s) lo = mid + 1;
    else hi = mid;
  }
  return lo > 0 && s < f->ranges[lo - 1].hi;
}

/* (Inline: asked of every string of the frame, and a plan's strings fill
 * a block or two.) */
static CCHC_INLINE bool in_arena(const cchc_frame *f, const char *s) {
  if (f->nranges <= 2)
    return (f->nranges > 0 && s >= f->ranges[0].lo && s < f->ranges[0].hi) ||
           (f->nranges > 1 && s >= f->ranges[1].lo && s < f->ranges[1].hi);
  return in_arena_search(f, s);
}

/* The copies adoption has made, by the address of what they copy: the
 * items of a long plan share a few rule ids and taxonomy keys, each
 * copied once (a million tasks would copy their rule id a million
 * times).  Direct-mapped: a miss only copies again.  A plan borrows some
 * hundred strings; the table is on the stack, cleared per frame (a 16 KB
 * calloc per plan cost more than the adoption's copies). */
enum { ADOPTED_SLOTS = 512 };

typedef struct adoption {
  cchc_frame *f;
  struct {
    const char *from, *to;
  } copies[ADOPTED_SLOTS];
} adoption;

/* An arena string (most of a frame's) is told first, by the one or two
 * blocks of a plan's strings (in_arena, inline); a borrowed one met
 * again is then found among the copies. */
static CCHC_INLINE void adopt(adoption *a, const char **s) {
  const char *p = *s;
  if (!p || in_arena(a->f, p)) return;
  size_t slot = ((uintptr_t)p >> 3) % ADOPTED_SLOTS;
  if (a->copies[slot].from == p) {
    *s = a->copies[slot].to;
    return;
  }
  const char *to = frame_strdup(a->f, p);
  a->copies[slot].from = to ? p : NULL; /* (none: copied again) */
  a->copies[slot].to = to;
  *s = to;
}

static void adopt_field(adoption *a, frame_field *fd) {
  adopt(a, &fd->value);
  adopt(a, &fd->rule);
}

static void adopt_unit(adoption *a, frame_unit *u) {
  adopt(a, &u->key);
  adopt(a, &u->name);
  adopt(a, &u->text);
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
  free(f->interned); /* (nothing is interned after extraction) */
  f->interned = NULL;
  f->ninterned = f->cap_interned = 0;
  adoption table, *a = &table;
  memset(a->copies, 0, sizeof a->copies);
  if (!index_arena(f)) {
    f->failed = true;
    return;
  }
  a->f = f;
  for (int k = 0; k < CCHC_DOC_FIELD_COUNT; k++)
    adopt_field(a, frame_document_field(&f->document, (cchc_doc_field)k));
  adopt(a, &f->path);
  adopt(a, &f->encoding);
  for (size_t i = 0; i < f->nreferences; i++) {
    frame_reference *r = &f->references[i];
    adopt(a, &r->number), adopt(a, &r->kind), adopt(a, &r->date);
    adopt(a, &r->issuer), adopt(a, &r->rule);
  }
  for (size_t i = 0; i < f->nsections; i++) {
    frame_section *s = &f->sections[i];
    adopt(a, &s->id), adopt(a, &s->number), adopt(a, &s->heading);
    adopt(a, &s->area), adopt(a, &s->rule);
  }
  for (size_t i = 0; i < f->ntargets; i++) {
    frame_target *t = &f->targets[i];
    adopt(a, &t->id), adopt(a, &t->area), adopt(a, &t->indicator);
    adopt(a, &t->subject), adopt(a, &t->text), adopt(a, &t->comparator);
    adopt(a, &t->unit), adopt(a, &t->rule);
  }
  for (size_t i = 0; i < f->ndeadlines; i++) {
    frame_deadline *d2 = &f->deadlines[i];
    adopt(a, &d2->id), adopt(a, &d2->text), adopt(a, &d2->kind);
    adopt(a, &d2->start), adopt(a, &d2->end), adopt(a, &d2->recurrence);
    adopt(a, &d2->rule);
  }
  for (size_t i = 0; i < f->ntasks; i++) {
    frame_task *t = &f->tasks[i];
    adopt(a, &t->id), adopt(a, &t->area), adopt(a, &t->text);
    adopt(a, &t->lead_from), adopt(a, &t->products), adopt(a, &t->budget);
    adopt(a, &t->rule);
    for (size_t k = 0; k < t->nlead; k++) adopt_unit(a, &t->lead[k]);
    for (size_t k = 0; k < t->ncoordinators; k++)
      adopt_unit(a, &t->coordinators[k]);
  }
  for (size_t i = 0; i < f->nleads; i++) {
    frame_lead *l = &f->leads[i];
    adopt(a, &l->area), adopt(a, &l->text), adopt(a, &l->rule);
    adopt_unit(a, &l->unit);
  }
  for (size_t i = 0; i < f->ninconsistencies; i++)
    adopt(a, &f->inconsistencies[i].indicator);
  free(f->ranges);
  f->ranges = NULL;
  f->nranges = 0;
}
