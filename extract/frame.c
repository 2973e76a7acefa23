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
