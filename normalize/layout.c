/* layout.c: layout repair for text extracted from PDF and Word.
 *
 * Output: one block (paragraph, bullet, heading or table cell line) per line,
 * no blank lines.  Decisions, in order:
 *  - Markdown markers from Word conversion are removed first (`**`, `#`);
 *    the characters an emphasis marker separated are made canonical again.
 *  - A line that starts with a list marker ("- ", "+ ", "1.", "1.1.", "a)",
 *    "I.", "Điều 1") starts a block.
 *  - A line that starts with a lower-case letter or with ",;.)" continues the
 *    previous block, whatever lies between (blank lines, a page number).
 *  - A line that ends with "X-" (no space) is joined without a space.
 *  - A line that starts with a capital continues the previous one only in a
 *    hard-wrapped document and only when the previous line reaches the wrap
 *    width (and, where the extractor marks wrapped lines with a trailing
 *    space, has one): a sentence may end at the margin.
 *  - A number alone on a line is a page number or footnote digit, dropped,
 *    when it interrupts a sentence; otherwise it is kept (table row numbers,
 *    list items, a number on the last line).
 *  - In table zones (runs of short lines: cells scattered line by line) lines
 *    are kept as they are, for the appendix reader.
 * The pass is repeated until it changes nothing (at most 4 times), so
 * normalizing canonical text is the identity. */
#include "normalize.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/uchar.h>

typedef struct line {
  size_t raw;        /* first byte of the raw line */
  size_t start, end; /* trimmed content */
  int cplen;
  bool blank, lead_space, trail_space;
  bool marker, lower, cont_punct, terminal, dot_end, hyphen_end;
  bool lone_num, short_line, table;
  bool func_end;  /* ends with a word that cannot end a paragraph ("của") */
  bool all_caps;  /* a heading in capitals ("CHỦ TỊCH") */
  bool motto;     /* the national motto lines of every official document */
  char lone_punct; /* "3," -> ',' */
} line;

/* Words that never end a sentence: a line ending with one continues. */
static const char *const func_words[] = {
    "về",   "của",  "và",   "các",  "những", "cho",  "với",   "theo",
    "tại",  "trong", "đến", "từ",   "số",    "ngày", "là",    "được",
    "có",   "để",   "như",  "hoặc", "trên",  "giữa", "nhằm",  "bởi",
    "do",   "thuộc", "gồm", "đối",  "vào",   "tới",  "cùng",  "nhưng",
};

static bool ends_with_func_word(const char *s, size_t start, size_t end) {
  size_t w = end;
  while (w > start && s[w - 1] != ' ')
    w--;
  size_t n = end - w;
  for (size_t i = 0; i < sizeof func_words / sizeof *func_words; i++)
    if (strlen(func_words[i]) == n && memcmp(s + w, func_words[i], n) == 0)
      return true;
  return false;
}

static int32_t cp_at(const char *s, size_t n, size_t *i) {
  int32_t c = cchc_utf8_next(s, n, i);
  return c < 0 ? 0xFFFD : c;
}

static int32_t last_cp(const char *s, size_t start, size_t end,
                       size_t *cp_start) {
  size_t p = end;
  while (p > start && ((unsigned char)s[p - 1] & 0xC0) == 0x80)
    p--;
  if (p > start)
    p--;
  while (p > start && ((unsigned char)s[p] & 0xC0) == 0x80)
    p--;
  *cp_start = p;
  size_t q = p;
  return end > start ? cp_at(s, end, &q) : 0;
}

static bool is_space(char c) { return c == ' ' || c == '\t'; }

/* Is the word at s[i..n) all upper-case letters (at least two)? */
static bool caps_word(const char *s, size_t n, size_t i) {
  int letters = 0;
  while (i < n && !is_space(s[i])) {
    int32_t c = cp_at(s, n, &i);
    if (u_isalpha(c)) {
      if (!u_isupper(c))
        return false;
      letters++;
    }
  }
  return letters >= 2;
}

static bool starts_with(const char *s, size_t n, const char *w) {
  size_t k = strlen(w);
  return n >= k && memcmp(s, w, k) == 0;
}

/* List markers that start a block. */
static bool is_marker(const char *s, size_t n) {
  if (n == 0)
    return false;
  if ((s[0] == '-' || s[0] == '+' || s[0] == '*') && (n == 1 || s[1] == ' '))
    return true;
  if (s[0] == '-' && n > 1) { /* "-Tổ chức": bullet glued to a capital */
    size_t i = 1;
    int32_t c = cp_at(s, n, &i);
    if (u_isupper(c))
      return true;
  }
  /* Roman numerals: "I.", "IV)", or "VII XÂY DỰNG" (table section rows). */
  size_t r = 0;
  while (r < n && r < 6 && (s[r] == 'I' || s[r] == 'V' || s[r] == 'X' ||
                            s[r] == 'L'))
    r++;
  if (r > 0 && r < n) {
    if ((s[r] == '.' || s[r] == ')') && (r + 1 == n || s[r + 1] == ' '))
      return true;
    if (s[r] == ' ' && caps_word(s, n, r + 1))
      return true;
  } else if (r > 0 && r == n) {
    return false;
  }
  /* Numbering: 1.  1.1.  1.1  2.12:  3) */
  if (s[0] >= '0' && s[0] <= '9') {
    size_t i = 0;
    int groups = 0;
    for (;;) {
      size_t d = 0;
      while (i < n && s[i] >= '0' && s[i] <= '9' && d < 3) {
        i++;
        d++;
      }
      if (d == 0 || d > 2)
        return false;
      groups++;
      if (i + 1 < n && s[i] == '.' && s[i + 1] >= '0' && s[i + 1] <= '9') {
        i++;
        continue;
      }
      break;
    }
    if (i < n && (s[i] == '.' || s[i] == ')' || s[i] == ':')) {
      i++;
      return i == n || s[i] == ' ';
    }
    return groups >= 2 && i < n && s[i] == ' ';
  }
  /* a) b) đ)  and "a. Capital" */
  size_t i = 0;
  int32_t c = cp_at(s, n, &i);
  if ((c >= 'a' && c <= 'z') || c == 0x0111) {
    if (i < n && s[i] == ')' && (i + 1 == n || s[i + 1] == ' '))
      return true;
    if (i + 2 < n && s[i] == '.' && s[i + 1] == ' ') {
      size_t j = i + 2;
      return u_isupper(cp_at(s, n, &j));
    }
  }
  if (starts_with(s, n, "Điều ") || starts_with(s, n, "Chương ") ||
      starts_with(s, n, "Mục ") || starts_with(s, n, "Phần ")) {
    const char *sp = memchr(s, ' ', n);
    size_t j = sp ? (size_t)(sp - s) + 1 : n;
    return j < n && ((s[j] >= '0' && s[j] <= '9') || s[j] == 'I' ||
                     s[j] == 'V' || s[j] == 'X');
  }
  return false;
}

/* "12", "3,", "- 9 -", "Trang 9": page numbers and footnote digits. */
static bool is_lone_number(const char *s, size_t n, char *punct) {
  *punct = 0;
  size_t i = 0;
  if (starts_with(s, n, "- ") && n >= 5 && s[n - 1] == '-' && s[n - 2] == ' ') {
    for (i = 2; i < n - 2; i++)
      if (s[i] < '0' || s[i] > '9')
        return false;
    return n - 4 >= 1;
  }
  if (starts_with(s, n, "Trang "))
    i = 6;
  size_t d = 0;
  while (i < n && s[i] >= '0' && s[i] <= '9') {
    i++;
    d++;
  }
  if (d == 0 || d > 3)
    return false;
  if (i == n)
    return true;
  if (i + 1 == n && (s[i] == ',' || s[i] == ';' || s[i] == '.')) {
    *punct = s[i];
    return true;
  }
  return false;
}

static void classify(const cchc_mbuf *b, line *l) {
  const char *s = b->data;
  size_t p = l->start, q = l->end;
  while (p < q && is_space(s[p]))
    p++;
  l->lead_space = p > l->raw;
  l->trail_space = q > p && is_space(s[q - 1]);
  while (q > p && is_space(s[q - 1]))
    q--;
  l->start = p;
  l->end = q;
  l->blank = p == q;
  if (l->blank)
    return;
  size_t n = q - p;
  const char *c = s + p;
  int cps = 0;
  for (size_t i = p; i < q; i++)
    if (((unsigned char)s[i] & 0xC0) != 0x80)
      cps++;
  l->cplen = cps;
  l->short_line = cps <= 24;
  l->marker = is_marker(c, n);
  size_t i = 0;
  int32_t first = cp_at(c, n, &i);
  l->lower = u_islower(first);
  l->cont_punct = first == ',' || first == ';' || first == '.' ||
                  first == ')' || first == ':' || first == 0x2026;
  size_t lp;
  int32_t last = last_cp(s, p, q, &lp);
  l->terminal = last == '.' || last == ';' || last == ':' || last == '!' ||
                last == '?';
  l->dot_end = last == '.' || last == '!' || last == '?';
  if (last == '-' && lp > p) {
    size_t pp;
    int32_t before = last_cp(s, p, lp, &pp);
    l->hyphen_end = before != ' ' && (u_isalnum(before));
  }
  l->lone_num = is_lone_number(c, n, &l->lone_punct);
  l->func_end = ends_with_func_word(s, p, q);
  int letters = 0, upper = 0;
  for (size_t k = 0; k < n && letters == upper;) {
    unsigned char ab = (unsigned char)c[k];
    if (ab < 0x80) { /* ASCII fast path: a lower-case letter ends it */
      k++;
      if (ab >= 'a' && ab <= 'z')
        letters++;
      else if (ab >= 'A' && ab <= 'Z')
        letters++, upper++;
      continue;
    }
    int32_t ch = cp_at(c, n, &k);
    if (u_isalpha(ch)) {
      letters++;
      upper += u_isupper(ch);
    }
  }
  l->all_caps = letters >= 4 && upper == letters;
  l->motto = (n == strlen("Độc lập - Tự do - Hạnh phúc") &&
              memcmp(c, "Độc lập - Tự do - Hạnh phúc", n) == 0) ||
             (n >= 34 && memcmp(c, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 34 < n ? 34 : n) == 0);
}

/* Markdown markers: "#..# " at line start, runs of two or more '*', and in
 * Markdown documents single '*' glued to text ("*(...)*"), and backslash
 * escapes.  Returns whether an emphasis marker was removed. */
static bool strip_markdown(const cchc_mbuf *in, cchc_mbuf *out,
                           cchc_repair_log *log) {
  const char *s = in->data;
  size_t n = in->len;
  bool md = false;
  for (size_t i = 0; i + 1 < n && !md; i++)
    if (s[i] == '*' && s[i + 1] == '*')
      md = true;
  for (size_t i = 0; i < n && !md; i++)
    if (s[i] == '#' && (i == 0 || s[i - 1] == '\n')) {
      size_t j = i;
      while (j < n && s[j] == '#')
        j++;
      md = j - i <= 6 && j < n && s[j] == ' ';
    }
  bool any = md;
  for (size_t i = 0; i < n && !any; i++)
    any = s[i] == '*';
  cchc_mbuf_reserve(out, n);
  if (!any) { /* nothing to strip: the common case */
    cchc_mbuf_copy(out, s, in->map, n);
    return false;
  }
  bool joined = false;
  size_t i = 0;
  while (i < n) {
    /* At a line start: skip spaces, then heading hashes. */
    size_t ls = i;
    while (i < n && is_space(s[i]))
      i++;
    if (i > ls)
      cchc_mbuf_copy(out, s + ls, in->map + ls, i - ls);
    if (md && i < n && s[i] == '#') {
      size_t j = i;
      while (j < n && s[j] == '#')
        j++;
      if (j - i <= 6 && j < n && s[j] == ' ') {
        cchc_log_repair(log, CCHC_REPAIR_MARKDOWN, in->map[i],
                        "heading marker removed");
        i = j + 1;
      }
    }
    size_t content = i;
    while (i < n && s[i] != '\n') {
      /* Copy the run up to the next character that may need work. */
      size_t j = i;
      while (j < n && s[j] != '\n' && s[j] != '*' && s[j] != '\\')
        j++;
      if (j > i) {
        cchc_mbuf_copy(out, s + i, in->map + i, j - i);
        i = j;
        continue;
      }
      if (s[i] == '*') {
        j = i;
        while (j < n && s[j] == '*')
          j++;
        size_t run = j - i;
        bool bullet = i == content && j < n && s[j] == ' ' && run == 1;
        bool glued = (i > content && !is_space(s[i - 1])) ||
                     (j < n && s[j] != '\n' && !is_space(s[j]));
        if (!bullet && (run >= 2 || (md && glued))) {
          cchc_log_repair(log, CCHC_REPAIR_MARKDOWN, in->map[i],
                          "emphasis marker removed");
          joined = true;
          i = j;
          continue;
        }
        cchc_mbuf_copy(out, s + i, in->map + i, run);
        i = j;
        continue;
      }
      /* a backslash */
      if (md && i + 1 < n && s[i + 1] && strchr("*_#.-()[]!+", s[i + 1])) {
        cchc_log_repair(log, CCHC_REPAIR_MARKDOWN, in->map[i],
                        "escape removed");
        i++;
        continue;
      }
      cchc_mbuf_copy(out, s + i, in->map + i, 1);
      i++;
    }
    if (i < n) { /* the newline */
      cchc_mbuf_copy(out, s + i, in->map + i, 1);
      i++;
    }
  }
  return joined;
}

typedef struct model {
  bool wrapped;         /* the document is hard-wrapped */
  int width;            /* typical length of a wrapped line */
  bool trail_signal;    /* a trailing space marks wrapped lines */
} model;

static int cmp_int(const void *a, const void *b) {
  return *(const int *)a - *(const int *)b;
}

static void mark_tables(line *ls, size_t *nb, size_t cnt) {
  /* nb: indexes of non-blank lines, cnt of them. */
  for (size_t k = 0; k < cnt; k++) {
    size_t lo = k >= 4 ? k - 4 : 0, hi = k + 4 < cnt ? k + 4 : cnt - 1;
    size_t win = hi - lo + 1, shorts = 0;
    for (size_t j = lo; j <= hi; j++)
      shorts += ls[nb[j]].short_line;
    ls[nb[k]].table = win >= 5 && shorts * 3 >= win * 2;
  }
}

static model build_model(const line *ls, const size_t *nb, size_t cnt) {
  model m = {0};
  int *widths = malloc((cnt + 1) * sizeof *widths);
  size_t wraps = 0, total = 0, tw = 0, ends = 0, tend = 0;
  for (size_t k = 0; k < cnt; k++) {
    const line *a = &ls[nb[k]];
    if (a->table)
      continue;
    total++;
    if (k + 1 >= cnt)
      continue;
    const line *b = &ls[nb[k + 1]];
    if (b->table)
      continue;
    if (!a->terminal && b->lower && !b->marker && !a->lone_num) {
      if (widths)
        widths[wraps] = a->cplen;
      wraps++;
      tw += a->trail_space;
    } else if (a->terminal && b->marker) {
      ends++;
      tend += a->trail_space;
    }
  }
  m.wrapped = wraps >= 3 && wraps * 20 >= total;
  if (m.wrapped && widths) {
    qsort(widths, wraps, sizeof *widths, cmp_int);
    m.width = widths[wraps / 2];
  }
  m.trail_signal = wraps >= 3 && ends >= 3 && tw * 10 >= wraps * 8 &&
                   tend * 10 <= ends * 6;
  free(widths);
  return m;
}

/* Does line a reach the wrap width (in percent of the typical width)? */
static bool reaches_margin(const model *m, const line *a, int percent) {
  if (!m->wrapped || a->cplen * 100 < m->width * percent)
    return false;
  return !m->trail_signal || a->trail_space;
}

/* Copy a line's content, collapsing runs of blanks. */
static void put_content(cchc_mbuf *out, const cchc_mbuf *in, const line *l,
                        cchc_repair_log *log) {
  const char *s = in->data;
  size_t i = l->start;
  bool plain = true; /* no tab, no run of blanks: one copy */
  for (size_t k = l->start; k + 1 < l->end && plain; k++)
    plain = s[k] != '\t' && !(s[k] == ' ' && s[k + 1] == ' ');
  if (plain) {
    cchc_mbuf_copy(out, s + l->start, in->map + l->start, l->end - l->start);
    return;
  }
  while (i < l->end) {
    if (is_space(s[i])) {
      size_t j = i;
      while (j < l->end && is_space(s[j]))
        j++;
      if (j - i > 1 || s[i] != ' ')
        cchc_log_repair(log, CCHC_REPAIR_WHITESPACE, in->map[i],
                        "%zu blanks collapsed", j - i);
      cchc_mbuf_put(out, " ", 1, in->map[i]);
      i = j;
      continue;
    }
    size_t j = i;
    while (j < l->end && !is_space(s[j]))
      j++;
    cchc_mbuf_copy(out, s + i, in->map + i, j - i);
    i = j;
  }
}

/* Source offset of the separator written after line `prev`: it stands for
 * what follows the content (trailing blanks, the newline, blank lines), and
 * never lies before what was last written (a kept "3," comma), so the map
 * stays non-decreasing. */
static uint32_t separator_offset(const cchc_mbuf *md, const line *prev,
                                 const cchc_mbuf *out) {
  uint32_t at = prev->end < md->len ? md->map[prev->end] : md->map[md->len - 1];
  if (out->len && !out->failed && out->map[out->len - 1] > at)
    at = out->map[out->len - 1];
  return at;
}

static cchc_status layout_once(const cchc_mbuf *in, cchc_mbuf *out,
                               cchc_repair_log *log, cchc_error *err) {
  cchc_mbuf md;
  cchc_mbuf_init(&md);
  bool joined = strip_markdown(in, &md, log);
  cchc_status rc = CCHC_OK;
  line *ls = NULL;
  size_t *nb = NULL;
  if (md.failed) {
    rc = cchc_fail(err, CCHC_ERR_NOMEM, "out of memory in layout");
    goto cleanup;
  }
  if (joined) {
    /* What a removed marker separated now meets ("N**" and a combining
     * tilde, "ho**á"): canonical characters again, or normalizing the
     * output would compose or move a tone mark. */
    cchc_mbuf canon;
    cchc_mbuf_init(&canon);
    rc = cchc_canon_chars(&md, &canon, log, err); /* consumes md */
    md = canon;
    if (rc != CCHC_OK)
      goto cleanup;
  }
  size_t nlines = 1;
  for (size_t i = 0; i < md.len; i++)
    nlines += md.data[i] == '\n';
  ls = calloc(nlines, sizeof *ls);
  nb = malloc(nlines * sizeof *nb);
  if (!ls || !nb) {
    rc = cchc_fail(err, CCHC_ERR_NOMEM, "out of memory in layout");
    goto cleanup;
  }
  size_t cnt = 0, k = 0, p = 0;
  while (k < nlines) {
    const char *nlp = p < md.len ? memchr(md.data + p, '\n', md.len - p) : NULL;
    size_t e = nlp ? (size_t)(nlp - md.data) : md.len;
    ls[k].raw = ls[k].start = p;
    ls[k].end = e;
    classify(&md, &ls[k]);
    if (!ls[k].blank)
      nb[cnt++] = k;
    k++;
    p = e + 1;
    if (!nlp)
      break;
  }
  mark_tables(ls, nb, cnt);
  model m = build_model(ls, nb, cnt);
  cchc_mbuf_reserve(out, md.len + 1);

  const line *prev = NULL; /* last emitted line */
  for (size_t j = 0; j < cnt; j++) {
    line *l = &ls[nb[j]];
    const line *next = j + 1 < cnt ? &ls[nb[j + 1]] : NULL;
    if (l->lone_num) {
      bool interrupts = next && (next->lower || next->cont_punct);
      /* At the end of the text there is no sentence left to interrupt:
       * "...chỉ số\n2." keeps its "2.". */
      bool mid_sentence = prev && next && !prev->terminal && !next->marker &&
                          !(next->lone_num && l->table);
      if (interrupts || mid_sentence) {
        cchc_log_repair(log, CCHC_REPAIR_PAGE_NUMBER, md.map[l->start],
                        "number alone on a line dropped");
        if (l->lone_punct && prev) { /* "3," keeps its comma */
          cchc_mbuf_put(out, &l->lone_punct, 1, md.map[l->end - 1]);
        }
        continue;
      }
    }
    if (prev) {
      uint32_t at = separator_offset(&md, prev, out);
      bool in_table = l->table || prev->table;
      enum { NEWBLOCK, SPACE, GLUE } how = NEWBLOCK;
      if (l->marker)
        how = NEWBLOCK;
      else if (prev->hyphen_end && !l->lower && !in_table) {
        size_t i = l->start;
        int32_t c = cp_at(md.data, l->end, &i);
        how = u_isalnum(c) ? GLUE : NEWBLOCK;
        if (how == NEWBLOCK && reaches_margin(&m, prev, 75))
          how = SPACE;
      } else if (l->cont_punct && !in_table)
        how = GLUE;
      else if (l->lower && !(in_table && prev->lone_num))
        how = (prev->hyphen_end && !in_table) ? GLUE : SPACE;
      else if (in_table || l->all_caps || prev->all_caps || l->motto)
        how = NEWBLOCK;
      else if (!prev->terminal)
        how = (prev->func_end || reaches_margin(&m, prev, 75)) ? SPACE
                                                               : NEWBLOCK;
      else if (prev->dot_end && reaches_margin(&m, prev, 85) && !prev->lone_num)
        how = SPACE;
      if (prev->motto)
        how = NEWBLOCK;
      /* Table cells continue lower-case fragments only within the zone. */
      if (how == SPACE && in_table && !l->lower)
        how = NEWBLOCK;
      if (how == NEWBLOCK) {
        cchc_mbuf_put(out, "\n", 1, at);
      } else if (how == SPACE) {
        cchc_log_repair(log, CCHC_REPAIR_LINE_JOIN, at, "wrapped line rejoined");
        cchc_mbuf_put(out, " ", 1, at);
      } else {
        cchc_log_repair(log, CCHC_REPAIR_HYPHEN_JOIN, at,
                        "line rejoined without space");
      }
    }
    if (l->lead_space && prev)
      cchc_log_repair(log, CCHC_REPAIR_WHITESPACE, md.map[l->raw],
                      "stray leading space removed");
    put_content(out, &md, l, log);
    prev = l;
  }
  if (prev)
    cchc_mbuf_put(out, "\n", 1, separator_offset(&md, prev, out));
  if (out->failed)
    rc = cchc_fail(err, CCHC_ERR_NOMEM, "out of memory in layout");

cleanup:
  free(ls);
  free(nb);
  cchc_mbuf_free(&md);
  return rc;
}

/* What a pass of layout can only lower: it removes bytes (markers, page
 * numbers, blanks) or turns a line break into a space or nothing, and never
 * splits a line. */
static size_t layout_weight(const cchc_mbuf *b) {
  size_t n = b->len;
  for (size_t i = 0; i < b->len; i++)
    n += b->data[i] == '\n';
  return n;
}

/* Layout repeats its pass until nothing changes, so that normalizing the
 * output again changes nothing: one join can make the next line joinable
 * (a line stops being a table row), a cascade of any length.  Every pass
 * that changes the text lowers its weight, so the repetition ends; a pass
 * that would not (none known) ends it too rather than risk a cycle. */
cchc_status cchc_layout(cchc_mbuf *in, cchc_mbuf *out, cchc_repair_log *log,
                        cchc_error *err) {
  cchc_mbuf cur;
  cchc_mbuf_init(&cur);
  cchc_status rc = layout_once(in, &cur, log, err);
  cchc_mbuf_free(in);
  while (rc == CCHC_OK) {
    cchc_mbuf next;
    cchc_mbuf_init(&next);
    cchc_repair_log more;
    cchc_log_init(&more);
    rc = layout_once(&cur, &next, &more, err);
    bool same = rc == CCHC_OK && next.len == cur.len &&
                memcmp(next.data, cur.data, cur.len) == 0;
    if (rc == CCHC_OK && !same && layout_weight(&next) >= layout_weight(&cur))
      same = true; /* keep cur: the pass did not lower the weight */
    if (rc == CCHC_OK && !same) {
      for (size_t i = 0; i < more.len; i++)
        cchc_log_repair(log, more.items[i].kind, more.items[i].offset, "%s",
                        more.items[i].detail);
      cchc_mbuf_free(&cur);
      cur = next;
    } else {
      cchc_mbuf_free(&next);
    }
    cchc_log_free(&more);
    if (same)
      break;
  }
  if (rc == CCHC_OK) {
    *out = cur;
  } else {
    cchc_mbuf_free(&cur);
  }
  return rc;
}
