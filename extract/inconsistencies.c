/* inconsistencies.c: a target of the appendix that sets, for an indicator
 * the body also sets, none of the body's values ("100%" in the body,
 * "95%" in the appendix table).  Each is paired with the body target whose
 * wording it shares most. */
#include "extract.h"

#include <string.h>

/* Number of words of a that b also has (texts of two targets). */
static size_t shared_words(const char *a, const char *b) {
  if (!a || !b) return 0;
  size_t n = 0, bl = strlen(b);
  for (const char *p = a; *p;) {
    while (*p == ' ' || *p == ',' || *p == ';' || *p == '.') p++;
    size_t l = strcspn(p, " ,;.");
    if (!l) break;
    for (size_t i = 0; i + l <= bl; i++)
      if (!memcmp(b + i, p, l) && (i == 0 || strchr(" ,;.", b[i - 1])) &&
          (i + l == bl || strchr(" ,;.", b[i + l]))) {
        n++;
        break;
      }
    p += l;
  }
  return n;
}

/* Do two targets measure the same thing (indicator and unit)? */
static bool same_measure(const frame_target *p, const frame_target *q) {
  return p->indicator && q->indicator && !strcmp(p->indicator, q->indicator) &&
         p->unit && q->unit && !strcmp(p->unit, q->unit);
}

cchc_status extract_inconsistencies(xctx *x) {
  cchc_frame *f = x->f;
  size_t first, last;
  if (!xappendix_lines(x, &first, &last) || first >= last) return CCHC_OK;
  size_t app = x->lines[first].start;
  for (size_t i = 0; i < f->ntargets; i++) {
    const frame_target *q = &f->targets[i];
    if (!q->indicator || q->span.start < app) continue;
    int best = -1;
    size_t best_score = 0;
    bool same = false;
    for (size_t j = 0; j < f->ntargets; j++) {
      const frame_target *p = &f->targets[j];
      if (p->span.start >= app || !same_measure(p, q)) continue;
      if (p->value == q->value) same = true;
      size_t sc = shared_words(p->text, q->text);
      if (best < 0 || sc > best_score) {
        best = (int)j;
        best_score = sc;
      }
    }
    if (best < 0 || same) continue;
    frame_inconsistency *c = FRAME_PUSH(f, inconsistencies);
    if (!c) break;
    *c = (frame_inconsistency){q->indicator, best, (int)i};
  }
  return f->failed ? cchc_fail(x->err, CCHC_ERR_NOMEM, "out of memory")
                   : CCHC_OK;
}
