/* frame.h: the task frame as plain structs, shared by extract/ (which
 * fills it), emit/ (which walks it) and frame_json.c (which reads it back).
 * Not part of the public API: the public types are opaque and read through
 * the accessors of frame_read.c; each item struct here is the public
 * type's definition (struct cchc_frame_target is frame_target).
 *
 * Ownership: every string and array hangs off the frame's arena and is
 * released at once by cchc_frame_free.  Strings may be NULL ("unknown",
 * emitted as null). */
#ifndef CCHC_FRAME_H
#define CCHC_FRAME_H

#include "../common/internal.h"

/* Byte span [start, end) in the ORIGINAL input.  While extraction runs it
 * holds canonical offsets; cchc_extract maps every span once, at the end. */
typedef cchc_span frame_span;

/* A scalar with its provenance (document fields). */
typedef struct frame_field {
  const char *value; /* NULL when unknown */
  frame_span span;
  const char *rule; /* id of the rule that found it; NULL when unknown */
} frame_field;

typedef struct frame_document {
  frame_field kind;     /* "ke_hoach" | "quyet_dinh" */
  frame_field level;    /* commune ward district province city ministry */
  frame_field place;
  frame_field province;
  frame_field year;     /* decimal string, "2026" */
  frame_field period_start, period_end; /* ISO dates */
  frame_field number;
  frame_field date;     /* ISO */
  frame_field title;
  frame_field signer;
  frame_field parent_number;
  frame_field parent_date; /* ISO */
} frame_document;

typedef struct cchc_frame_reference {
  const char *number; /* as printed: "76/NQ-CP" */
  const char *kind;   /* nghi_quyet, quyet_dinh, ... other */
  const char *date;   /* ISO, NULL if not printed */
  const char *issuer; /* "Chính phủ", "UBND tỉnh" ... or NULL */
  frame_span span;    /* first mention */
  const char *rule;
  frame_span *mentions; /* every mention, first included */
  size_t nmentions, cap_mentions;
} frame_reference;

typedef struct cchc_frame_section {
  const char *id;      /* "s1", "s2", ... in document order */
  const char *number;  /* number without the punctuation that prints it:
                          "II" of "II." or "II -", "1.1", "a" of "a)";
                          NULL when the heading has none ("PHỤ LỤC") */
  const char *heading; /* heading text without the marker */
  const char *area;    /* area key or NULL (inherited from the parent when
                          the heading names none) */
  int level;           /* depth, 1 = top */
  int parent;          /* index into sections or -1 */
  frame_span span;     /* heading line, original bytes */
  size_t body_start, body_end; /* canonical offsets covered by the section */
  const char *rule;
  /* Where the heading's text starts (canonical): its rule's group `head`,
   * else the line's start.  Set by extraction (sections.c), which
   * xline_text_start reads instead of matching the rule again; not
   * printed. */
  size_t head_start;
} frame_section;

typedef struct cchc_frame_target {
  const char *id;         /* "t1", ... */
  int section;            /* index into sections or -1 */
  const char *area;       /* area key or NULL */
  const char *indicator;  /* indicator key or NULL */
  const char *subject;    /* what is measured */
  const char *text;       /* enclosing clause */
  const char *comparator; /* ">=", ">", "<=", "=", "range" */
  double value;
  double value_max;
  bool has_value_max;
  const char *unit;       /* "%" or "count" */
  frame_span span;        /* the number with its comparator */
  const char *rule;
} frame_target;

/* A unit mention: taxonomy key (NULL when unknown), canonical name, text
 * as printed. */
typedef struct cchc_frame_unit {
  const char *key;
  const char *name;
  const char *text;
  frame_span span;
} frame_unit;

typedef struct cchc_frame_deadline {
  const char *id;
  const char *text;
  const char *kind;  /* date month quarter half year range recurring
                        continuous conditional */
  const char *start; /* ISO or NULL */
  const char *end;   /* ISO or NULL */
  const char *recurrence; /* "monthly", "quarterly", ... or NULL */
  bool year_inferred;
  frame_span span;
  const char *rule;
} frame_deadline;

typedef struct cchc_frame_task {
  const char *id;
  int section;
  const char *area;
  const char *text;
  frame_unit *lead;
  size_t nlead;
  const char *lead_from; /* NULL, or "area" when taken from the area lead */
  frame_unit *coordinators;
  size_t ncoordinators;
  int deadline;          /* index into deadlines or -1 */
  const char *products;
  const char *budget;
  int target;            /* index into targets or -1 */
  frame_span span;
  const char *rule;
} frame_task;

typedef struct cchc_frame_lead {
  const char *area;
  frame_unit unit;
  const char *text;
  frame_span span;
  const char *rule;
} frame_lead;

typedef struct cchc_frame_inconsistency {
  const char *indicator;
  int first, second; /* indices into targets */
} frame_inconsistency;

/* Growable array of T with a count: use FRAME_PUSH. */
#define FRAME_ARRAY(T, name) \
  T *name;                   \
  size_t n##name;            \
  size_t cap_##name

typedef struct frame_arena_block frame_arena_block;

struct cchc_frame {
  /* source */
  const char *path;    /* NULL for stdin */
  char sha256[65];
  size_t bytes;
  const char *encoding;
  size_t repairs;

  frame_document document;
  FRAME_ARRAY(frame_reference, references);
  FRAME_ARRAY(frame_section, sections);
  FRAME_ARRAY(frame_target, targets);
  FRAME_ARRAY(frame_deadline, deadlines);
  FRAME_ARRAY(frame_task, tasks);
  FRAME_ARRAY(frame_lead, leads);
  FRAME_ARRAY(frame_inconsistency, inconsistencies);

  frame_arena_block *arena;
  /* while frame_adopt_strings runs: the arena's blocks sorted by address,
   * so that telling an arena string from a borrowed one is a binary
   * search, not a walk of every block per string */
  struct frame_range *ranges;
  size_t nranges;
  /* while extraction runs: the strings frame_intern kept, an open hash at
   * most half full (NULL: an empty slot) */
  const char **interned;
  size_t ninterned, cap_interned;
  bool failed; /* an allocation failed */
};

/* A new empty frame, or NULL. */
cchc_frame *frame_new(void);
/* Arena allocation; NULL (and frame->failed) on failure. */
void *frame_alloc(cchc_frame *f, size_t n);
/* n bytes for a string in the arena (not zeroed, not aligned); NULL (and
 * frame->failed) on failure. */
char *frame_alloc_chars(cchc_frame *f, size_t n);
/* p, `taken` bytes from frame_alloc_chars, keeps only its first n: the
 * rest goes back to the arena when p is still its newest allocation (a
 * string shorter than the room it took). */
void frame_alloc_keep(cchc_frame *f, const char *p, size_t taken, size_t n);
/* s, a string just made in the arena (or NULL): an equal one that
 * frame_intern kept before, s given back when it is still the arena's
 * newest; else s, kept.  A plan repeats its dates, unit names and
 * phrases, a long one thousands of times. */
const char *frame_intern(cchc_frame *f, const char *s);
/* Copy of s[0..n) NUL-terminated in the arena. */
const char *frame_strndup(cchc_frame *f, const char *s, size_t n);
const char *frame_strdup(cchc_frame *f, const char *s);
/* printf into the arena. */
const char *frame_printf(cchc_frame *f, const char *fmt, ...)
    CCHC_PRINTF(2, 3);
/* Grow an array (element size `size`) by one zeroed element; returns it or
 * NULL.  Arrays are malloc'd (not arena) so they can grow. */
void *frame_grow(cchc_frame *f, void **items, size_t *n, size_t *cap,
                 size_t size);
/* Give back the room the arrays grew into past their items: after each
 * pass, as the passes after it add to other arrays (or a few items). */
void frame_shrink(cchc_frame *f);
/* Copy into the arena every string that points elsewhere (rules, text),
 * so the frame borrows nothing.  Run once at the end of extraction. */
void frame_adopt_strings(cchc_frame *f);
/* The field of `d` that `field` names, or NULL; code that treats every
 * field alike walks the fields 0 .. CCHC_DOC_FIELD_COUNT - 1. */
frame_field *frame_document_field(frame_document *d, cchc_doc_field field);
#define FRAME_PUSH(f, arr) \
  frame_grow((f), (void **)&(f)->arr, &(f)->n##arr, &(f)->cap_##arr, \
             sizeof(*(f)->arr))

#endif
