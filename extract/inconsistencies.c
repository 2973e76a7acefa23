/* inconsistencies.c: a target of the appendix that sets, for an indicator
 * the body also sets, none of the body's values ("100%" in the body,
 * "95%" in the appendix table).  Each is paired with the body target whose
 * wording it shares most.
 *
 * The body's targets are bucketed by what they measure (indicator and
 * unit, sorted), so an appendix target meets only the body targets of its
 * own measure, and its words are sorted once for all of them. */
#include "extract.h"

#include <stdlib.h>
#include <string.h>

/* A word of a target's text: a run of bytes between " ,;." separators. */
typedef struct word {
  const char *s;
  size_t n;
} word;

static const char SEPARATORS[] = " ,;.";

static int cmp_word(const void *a, const void *b) {
  const word *x = a, *y = b;
  int c = memcmp(x->s, y->s, x->n < y->n ? x->n : y->n);
  return c ? c : (x->n > y->n) - (x->n < y->n);
}

/* The words of `text` into *w (grown as needed), sorted when `sort`. */
static bool words_of(const char *text, word **w, size_t *n, size_t *cap,
                     bool sort) {
  *n = 0;
  for (const char *p = text; p && *p;) {
    p += strspn(p, SEPARATORS);
    size_t l = strcspn(p, SEPARATORS);
    if (!l) break;
    word *g = cchc_grow(*w, cap, *n, sizeof **w);
    if (!g) return false;
    *w = g;
    (*w)[(*n)++] = (word){p, l};
    p += l;
  }
  if (sort && *n > 1) qsort(*w, *n, sizeof **w, cmp_word);
  return true;
}

/* Number of the words of a (each time it occurs) that the sorted words of
 * b hold. */
static size_t shared_words(const word *a, size_t na, const word *b,
                           size_t nb) {
  size_t n = 0;
  for (size_t i = 0; i < na; i++)
    n += bsearch(&a[i], b, nb, sizeof *b, cmp_word) != NULL;
  return n;
}

static int cmp_measure(const frame_target *p, const frame_target *q) {
  int c = strcmp(p->indicator, q->indicator);
  return c ? c : strcmp(p->unit, q->unit);
}

/* Body targets (pointers into the frame's array) by measure: indicator,
 * unit, then place in the array. */
static int by_measure(const void *a, const void *b) {
  const frame_target *p = *(const frame_target *const *)a,
                     *q = *(const frame_target *const *)b;
  int c = cmp_measure(p, q);
  return c ? c : (p > q) - (p < q);
}

/* The first of body[0..n) whose measure is not below q's. */
static size_t first_of_measure(const frame_target *const *body, size_t n,
                               const frame_target *q) {
  size_t lo = 0, hi = n;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (cmp_measure(body[mid], q) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

cchc_status extract_inconsistencies(xctx *x) {
  cchc_frame *f = x->f;
  size_t first, last;
  if (!xappendix_lines(x, &first, &last) || first >= last) return CCHC_OK;
  size_t app = xline_start(x, first);
  /* the body's targets that measure something, bucketed */
  const frame_target **body =
      malloc((f->ntargets ? f->ntargets : 1) * sizeof *body);
  size_t nbody = 0;
  word *qw = NULL, *pw = NULL;
  size_t nq = 0, np = 0, cap_q = 0, cap_p = 0;
  bool ok = body != NULL;
  for (size_t j = 0; ok && j < f->ntargets; j++) {
    const frame_target *p = &f->targets[j];
    if (p->span.start < app && p->indicator && p->unit) body[nbody++] = p;
  }
  if (ok && nbody > 1) qsort(body, nbody, sizeof *body, by_measure);
  for (size_t i = 0; ok && i < f->ntargets; i++) {
    const frame_target *q = &f->targets[i];
    if (!q->indicator || !q->unit || q->span.start < app) continue;
    size_t lo = first_of_measure(body, nbody, q), hi = lo;
    while (hi < nbody && !cmp_measure(body[hi], q)) hi++;
    if (lo == hi) continue;
    bool same = false;
    for (size_t k = lo; k < hi && !same; k++)
      same = body[k]->value == q->value;
    if (same) continue;
    /* the body target of this measure sharing most words, the first of
     * equals */
    if (!(ok = words_of(q->text, &qw, &nq, &cap_q, true))) break;
    int best = -1;
    size_t best_score = 0;
    for (size_t k = lo; ok && k < hi; k++) {
      if (!(ok = words_of(body[k]->text, &pw, &np, &cap_p, false))) break;
      size_t sc = shared_words(pw, np, qw, nq);
      if (best < 0 || sc > best_score) {
        best = (int)(body[k] - f->targets);
        best_score = sc;
      }
    }
    frame_inconsistency *c = ok ? FRAME_PUSH(f, inconsistencies) : NULL;
    if (!c) break;
    *c = (frame_inconsistency){q->indicator, best, (int)i};
  }
  free(body);
  free(qw);
  free(pw);
  return !ok || f->failed
             ? cchc_fail(x->err, CCHC_ERR_NOMEM, "out of memory")
             : CCHC_OK;
}
