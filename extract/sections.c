/* sections.c: the section tree from the plan's numbering.
 *
 * Like a Markdown list parser, depth comes from the order in which
 * numbering styles first appear (I. then 1. then 1.1. then a)), kept on a
 * stack: a style already on the stack closes the deeper ones, a new style
 * opens a level.  This tolerates the plans' numbering mistakes (a missing
 * level, "1.1" without its final dot) without a fixed grammar.  A style is
 * the kind of numbering (Roman, arabic, letter, decimal depth), not its
 * punctuation: "1." and "1)", "a)" and "a/", "I." and "I -" are one level,
 * and a section's number is printed without it ("II", "1.2", "a"), so a
 * plan renumbered in another style gives the same tree. */
#include "extract.h"

#include <stdlib.h>
#include <string.h>

/* A heading that reads like a title, not a numbered paragraph: short. */
static bool heading_like(size_t len) { return len <= 160; }

/* A heading ends before the punctuation some plans close it with
 * ("Mục đích:", "Tổ chức thực hiện."): with or without it, one heading. */
static void heading_trim(const char *s, size_t hs, size_t *he) {
  while (*he > hs && (s[*he - 1] == ' ' || s[*he - 1] == '.' ||
                      s[*he - 1] == ':' || s[*he - 1] == ';'))
    (*he)--;
}

/* Marker style of a rule, as an interned pointer for comparison. */
static const char *marker_of(const rule *r) {
  const char *m = rule_attr(r, "marker");
  return m ? m : r->id;
}

/* Decimal markers nest by their number of parts: 1.1 under 1., 2.2.1 under
 * 2.2; give each depth its own style.  `num` is the number without its
 * final punctuation ("2.2.1"). */
static const char *decimal_style(const char *num, size_t n) {
  static const char *const styles[] = {"decimal2", "decimal3", "decimal4",
                                       "decimal5"};
  size_t dots = 0;
  for (size_t i = 0; i < n; i++)
    dots += num[i] == '.';
  if (dots < 1) dots = 1;
  if (dots > 4) dots = 4;
  return styles[dots - 1];
}

/* The area a heading names first: "... CHÍNH QUYỀN SỐ VÀ ÁP DỤNG ISO" is
 * about digital government before ISO.  Rule order breaks ties. */
static const char *heading_area(xctx *x, rule_list areas, const char *s,
                                size_t n) {
  const char *best = NULL;
  size_t best_at = n + 1;
  for (size_t i = 0; i < areas.n; i++)
    if (rule_exec(areas.items[i], s, n, 0, x->md)) {
      size_t at = pcre2_get_ovector_pointer(x->md)[0];
      if (at < best_at) {
        best_at = at;
        best = rule_attr(areas.items[i], "area");
      }
    }
  return best;
}

/* A section rule as the walk over the lines asks it, its attributes read
 * once: which part of the plan it numbers and its marker style. */
typedef struct mark {
  const rule *r;
  const char *style;     /* marker_of */
  bool body, appendix; /* whether it is tried outside / in the appendix */
} mark;

cchc_status extract_sections(xctx *x) {
  rule_list marks = rules_select(x->rules, "section.", NULL);
  rule_list areas = rules_select(x->rules, "area.", NULL);
  cchc_frame *f = x->f;
  /* The open levels: each style is on the stack at most once, so the
   * styles there can be (the rules' markers and four decimal depths). */
  struct level {
    const char *style;
    int sec;
  } *stack = malloc((marks.n + 4) * sizeof *stack);
  mark *mk = malloc((marks.n ? marks.n : 1) * sizeof *mk);
  if (!stack || !mk) {
    free(stack);
    free(mk);
    return cchc_fail(x->err, CCHC_ERR_NOMEM, "out of memory");
  }
  for (size_t i = 0; i < marks.n; i++) {
    const char *table = rule_attr(marks.items[i], "table");
    mk[i].r = marks.items[i];
    mk[i].style = marker_of(marks.items[i]);
    mk[i].body = !(table && !strcmp(table, "only"));
    mk[i].appendix = table || !strcmp(mk[i].style, "appendix");
  }
  int depth = 0;
  bool in_appendix = false;
  x->first_section_line = x->nlines;
  for (size_t li = 0; li < x->nlines; li++) {
    xline *ln = &x->lines[li];
    size_t ls = xline_start(x, li), le = xline_end(x, li);
    const char *s = x->s + ls;
    size_t n = le - ls;
    uint64_t has = rule_line_has(&x->scan, li);
    const rule *hit = NULL;
    const char *style = NULL;
    for (size_t i = 0; i < marks.n && !hit; i++) {
      const rule *m = mk[i].r;
      if (!(in_appendix ? mk[i].appendix : mk[i].body) ||
          !rule_may_match(m, has) ||
          (n && !rule_may_open(m, (unsigned char)s[0])))
        continue;
      if (rule_exec(m, s, n, 0, x->md)) hit = m, style = mk[i].style;
    }
    if (!hit) {
      ln->section = depth ? stack[depth - 1].sec : -1;
      continue;
    }
    size_t ns = 0, ne = 0, hs = n, he = n;
    bool numbered = rule_group(hit, x->md, "num", &ns, &ne) && ne > ns;
    rule_group(hit, x->md, "head", &hs, &he);
    heading_trim(s, hs, &he);
    if (!strcmp(style, "decimal")) style = decimal_style(s + ns, ne - ns);
    if (!strcmp(style, "appendix")) {
      in_appendix = true;
      depth = 0; /* the appendix is a top-level part */
    } else {
      int k = depth - 1;
      while (k >= 0 && strcmp(stack[k].style, style)) k--;
      if (k >= 0) depth = k; /* sibling of an open level */
    }
    frame_section *sec = FRAME_PUSH(f, sections);
    if (!sec) break;
    int idx = (int)f->nsections - 1;
    sec->id = frame_printf(f, "s%d", idx + 1);
    sec->number = numbered ? frame_strndup(f, s + ns, ne - ns) : NULL;
    sec->heading = frame_strndup(f, s + hs, he - hs);
    sec->level = depth + 1;
    sec->parent = depth ? stack[depth - 1].sec : -1;
    sec->span = (frame_span){ls, le};
    sec->body_start = ls;
    sec->rule = hit->id;
    if (heading_like(he - hs))
      sec->area = heading_area(x, areas, s + hs, he - hs);
    stack[depth++] = (struct level){style, idx};
    ln->section = idx;
    const char *header = rule_attr(hit, "header");
    if (x->first_section_line == x->nlines &&
        !(header && !strcmp(header, "continues")))
      x->first_section_line = li;
  }
  free(stack);
  free(mk);
  /* Body ends where the next section at the same or a shallower level
   * starts: one pass, the sections whose end is not known yet on a stack
   * (deeper towards the top). */
  size_t *open = malloc((f->nsections ? f->nsections : 1) * sizeof *open);
  if (!open) return cchc_fail(x->err, CCHC_ERR_NOMEM, "out of memory");
  size_t nopen = 0;
  for (size_t j = 0; j < f->nsections; j++) {
    frame_section *sec = &f->sections[j];
    while (nopen && f->sections[open[nopen - 1]].level >= sec->level)
      f->sections[open[--nopen]].body_end = sec->body_start;
    sec->body_end = x->n;
    open[nopen++] = j;
  }
  free(open);
  return f->failed ? cchc_fail(x->err, CCHC_ERR_NOMEM, "out of memory")
                   : CCHC_OK;
}
