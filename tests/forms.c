/* forms.c: surface forms of a plan and the comparison of their frames.
 *
 * Layout transformations that move paragraphs (rewrap, unwrap) start from
 * the canonical text of `cchc normalize`, one paragraph per line; the
 * others rewrite the original bytes line by line or character by
 * character.  Characters, encodings and normalization forms are ICU's. */
#define _GNU_SOURCE
#include "forms.h"

#include "../common/internal.h"
#include "harness.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/uchar.h>
#include <unicode/ucnv.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>
#include <unicode/utf8.h>

/* ------------------------------------------------------------------ */
/* Seeded choices (splitmix64)                                         */

typedef struct rng {
  uint64_t state;
} rng;

static uint64_t rng_next(rng *r) {
  uint64_t z = (r->state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

static unsigned rng_below(rng *r, unsigned n) {
  return (unsigned)(rng_next(r) % n);
}

static bool rng_one_in(rng *r, unsigned n) { return rng_below(r, n) == 0; }

/* ------------------------------------------------------------------ */
/* Output streams and lines                                            */

static cchc_status stream_open(forms_bytes *out, FILE **fp, cchc_error *err) {
  out->data = NULL;
  out->len = 0;
  *fp = open_memstream(&out->data, &out->len);
  return *fp ? CCHC_OK : cchc_fail(err, CCHC_ERR_NOMEM, "out of memory");
}

static cchc_status stream_close(FILE *fp, forms_bytes *out, cchc_error *err) {
  bool bad = ferror(fp) != 0;
  if (fclose(fp) != 0 || bad) {
    free(out->data);
    out->data = NULL;
    return cchc_fail(err, CCHC_ERR_NOMEM, "out of memory");
  }
  return CCHC_OK;
}

/* The line at *pos, [*start, *end) without its '\n'; *pos moves past it. */
static bool next_line(const char *s, size_t len, size_t *pos, size_t *start,
                      size_t *end) {
  if (*pos >= len)
    return false;
  const char *nl = memchr(s + *pos, '\n', len - *pos);
  *start = *pos;
  *end = nl ? (size_t)(nl - s) : len;
  *pos = nl ? *end + 1 : len;
  return true;
}

static bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r'; }

static bool in_set(char c, const char *set) { return c && strchr(set, c); }

static bool starts_with(const char *s, size_t n, const char *prefix) {
  size_t k = strlen(prefix);
  return n >= k && memcmp(s, prefix, k) == 0;
}

/* ------------------------------------------------------------------ */
/* List markers at the start of a line                                 */

typedef enum marker_kind {
  M_NONE,
  M_BULLET,    /* - + * • */
  M_NUMBER,    /* 1.  1)  */
  M_MULTI,     /* 1.1.  1.1 */
  M_LETTER,    /* a)  a.  a/  đ) */
  M_ROMAN,     /* I.  */
  M_ROMAN_DASH /* I - */
} marker_kind;

typedef struct marker {
  marker_kind kind;
  size_t len;  /* bytes of the marker, the blank after it not included */
  size_t body; /* bytes before the punctuation (digits, letter, numeral) */
} marker;

static const char *const bullets[] = {"-", "+", "*", "\xE2\x80\xA2"};
enum { NBULLETS = 4 };

static int bullet_at(const char *s, size_t n) {
  for (int i = 0; i < NBULLETS; i++)
    if (starts_with(s, n, bullets[i]))
      return i;
  return -1;
}

/* The marker starting s[0..n): it must be followed by a blank and text. */
static marker find_marker(const char *s, size_t n) {
  marker m = {M_NONE, 0, 0};
  size_t i = 0;
  int b = bullet_at(s, n);
  if (b >= 0) {
    m = (marker){M_BULLET, strlen(bullets[b]), 0};
  } else if (n > 0 && s[0] >= '0' && s[0] <= '9') {
    int groups = 0;
    for (;;) {
      size_t d = 0;
      while (i < n && s[i] >= '0' && s[i] <= '9' && d < 3)
        i++, d++;
      if (d > 2)
        return m;
      groups++;
      if (i + 1 < n && s[i] == '.' && s[i + 1] >= '0' && s[i + 1] <= '9')
        i++;
      else
        break;
    }
    if (groups == 1 && i < n && (s[i] == '.' || s[i] == ')'))
      m = (marker){M_NUMBER, i + 1, i};
    else if (groups > 1)
      m = (marker){M_MULTI, i < n && s[i] == '.' ? i + 1 : i, i};
  } else if (n > 0 && in_set(s[0], "IVX")) {
    while (i < n && i < 5 && in_set(s[i], "IVX"))
      i++;
    if (i < n && s[i] == '.')
      m = (marker){M_ROMAN, i + 1, i};
    else if (starts_with(s + i, n - i, " - "))
      m = (marker){M_ROMAN_DASH, i + 2, i};
  } else {
    size_t l =
        starts_with(s, n, "\xC4\x91") ? 2 : (n && s[0] >= 'a' && s[0] <= 'z');
    if (l && l < n && in_set(s[l], ")./"))
      m = (marker){M_LETTER, l + 1, l};
  }
  if (m.kind == M_NONE || m.len + 1 >= n || !is_blank(s[m.len]) ||
      is_blank(s[m.len + 1]))
    return (marker){M_NONE, 0, 0};
  return m;
}

/* ------------------------------------------------------------------ */
/* Environment: rules and spellings                                    */

/* Spellings that mean the same thing, in groups: a unit's names, or the
 * two tone placements of a word. */
typedef struct spelling {
  char *text;
  size_t len;
  size_t group;
} spelling;

typedef struct spellings {
  spelling *item;
  size_t n, cap;
  char **label; /* per group: what fold maps its spellings to */
  size_t groups;
} spellings;

/* The two sets of spellings, the param of the units and spelling
 * transformations. */
typedef enum spelling_set {
  UNIT_NAMES,
  WORD_FORMS,
  SPELLING_SETS
} spelling_set;
static const spelling_set unit_names = UNIT_NAMES, word_forms = WORD_FORMS;

struct forms_env {
  cchc_rules *rules;
  spellings set[SPELLING_SETS];
};

static void spellings_free(spellings *sp) {
  for (size_t i = 0; i < sp->n; i++)
    free(sp->item[i].text);
  for (size_t g = 0; g < sp->groups; g++)
    free(sp->label[g]);
  free(sp->item);
  free(sp->label);
}

static bool spellings_group(spellings *sp, const char *label, size_t n) {
  char **l = realloc(sp->label, (sp->groups + 1) * sizeof *l);
  if (!l)
    return false;
  sp->label = l;
  return (sp->label[sp->groups++] = strndup(label, n)) != NULL;
}

static bool spellings_add(spellings *sp, const char *s, size_t n) {
  if (sp->n == sp->cap) {
    size_t cap = sp->cap ? 2 * sp->cap : 64;
    spelling *item = realloc(sp->item, cap * sizeof *item);
    if (!item)
      return false;
    sp->item = item;
    sp->cap = cap;
  }
  char *t = strndup(s, n);
  if (!t)
    return false;
  sp->item[sp->n++] = (spelling){t, n, sp->groups - 1};
  return true;
}

/* A spelling and its canonical characters (dashes, tone placement) as
 * normalize writes them, so that folding also maps quotes in frames. */
static bool spellings_add_both(spellings *sp, const char *s, size_t n) {
  if (!spellings_add(sp, s, n))
    return false;
  cchc_normalize_options opt = {.flags = CCHC_NORM_NO_LAYOUT};
  cchc_text *t = NULL;
  if (cchc_normalize(s, n, &opt, &t, NULL) != CCHC_OK)
    return false;
  bool ok = cchc_text_len(t) == n && !memcmp(cchc_text_data(t), s, n)
                ? true
                : spellings_add(sp, cchc_text_data(t), cchc_text_len(t));
  cchc_text_free(t);
  return ok;
}

static int cmp_spelling(const void *a, const void *b) {
  const spelling *x = a, *y = b;
  int c = strcmp(x->text, y->text);
  return c ? c : (x->group > y->group) - (x->group < y->group);
}

/* One copy of each spelling; one found in two groups ("các địa phương" of
 * communes and of provinces) means two things and is left out. */
static void spellings_dedupe(spellings *sp) {
  qsort(sp->item, sp->n, sizeof *sp->item, cmp_spelling);
  size_t w = 0;
  for (size_t i = 0; i < sp->n;) {
    size_t j = i + 1;
    bool ambiguous = false;
    while (j < sp->n && !strcmp(sp->item[j].text, sp->item[i].text))
      ambiguous |= sp->item[j++].group != sp->item[i].group;
    for (size_t k = i + 1; k < j; k++)
      free(sp->item[k].text);
    if (ambiguous)
      free(sp->item[i].text);
    else
      sp->item[w++] = sp->item[i];
    i = j;
  }
  sp->n = w;
}

/* The first word of a name, folded by cchc_match_key, with the
 * abbreviations of plans written out: "UBND xã" and "Ủy ban nhân dân xã"
 * both give "uy".  Empty when out of memory. */
static void head_word(const char *s, size_t n, char out[32]) {
  static const char *const abbrev[][2] = {
      {"ubnd", "uy"}, {"ubmttqvn", "uy"}, {"hdnd", "hoi"}, {"vp", "van"}};
  char *key = cchc_match_key(s, n, NULL);
  size_t w = 0;
  while (key && key[w] >= 'a' && key[w] <= 'z' && w < 31)
    w++;
  snprintf(out, 32, "%.*s", (int)w, key ? key : "");
  for (size_t i = 0; i < sizeof abbrev / sizeof *abbrev; i++)
    if (!strcmp(out, abbrev[i][0]))
      snprintf(out, 32, "%s", abbrev[i][1]);
  free(key);
}

/* Field [*a, *z) without the blanks around it. */
static void trim(const char **a, const char **z) {
  while (*a < *z && **a == ' ')
    (*a)++;
  while (*z > *a && (*z)[-1] == ' ')
    (*z)--;
}

/* The spellings of unit names in units.tsv (key, canonical name, surface
 * forms separated by ';').  A form with a remark in parentheses ("(two
 * units)", "(as a table cell)") or alternatives ("tỉnh / thành phố") is
 * not a plain spelling; nor is one that starts with another word than the
 * canonical name, abbreviations written out, for it names another body
 * ("Chủ tịch UBND xã", a person; "Thường trực Đảng ủy", a standing
 * committee; "Phòng Nội vụ huyện", an office). */
static cchc_status load_units(spellings *sp, const char *path,
                              cchc_error *err) {
  size_t len;
  char *data = harness_read(path, &len);
  if (!data)
    return cchc_fail(err, CCHC_ERR_IO, "%s: cannot read", path);
  bool ok = true;
  size_t pos = 0, start, end;
  next_line(data, len, &pos, &start, &end); /* header */
  while (ok && next_line(data, len, &pos, &start, &end)) {
    const char *line = data + start, *stop = data + end;
    const char *tab = memchr(line, '\t', end - start);
    const char *name = tab ? tab + 1 : NULL;
    const char *name_end =
        name ? memchr(name, '\t', (size_t)(stop - name)) : NULL;
    if (!name)
      continue;
    if (!name_end)
      name_end = stop;
    const char *remark = memmem(name, (size_t)(name_end - name), " (", 2);
    char head[32], form_head[32];
    head_word(name, (size_t)((remark ? remark : name_end) - name), head);
    ok = spellings_group(sp, line, (size_t)(tab - line));
    for (const char *f = name; ok && f < stop;) {
      const char *e = f == name ? name_end : memchr(f, ';', (size_t)(stop - f));
      const char *a = f, *z = e ? e : stop;
      if (f == name && remark)
        z = remark; /* "Các ban, ngành ... cấp xã (collective)" */
      trim(&a, &z);
      size_t n = (size_t)(z - a);
      if (n && !memchr(a, '(', n) && !memmem(a, n, " / ", 3)) {
        head_word(a, n, form_head);
        if (!strcmp(head, form_head))
          ok = spellings_add_both(sp, a, n);
      }
      f = (e ? e : stop) + 1;
    }
  }
  free(data);
  return ok ? CCHC_OK : cchc_fail(err, CCHC_ERR_NOMEM, "out of memory");
}

/* Spellings of one word that the corpus writes both ways. */
static const char *const word_groups[][4] = {
    {"UBND", "Ủy ban nhân dân", "Uỷ ban nhân dân"},
    {"hóa", "hoá"},
    {"Hóa", "Hoá"},
    {"HÓA", "HOÁ"},
    {"Ủy", "Uỷ"},
    {"ủy", "uỷ"},
    {"ỦY", "UỶ"},
};

static bool load_words(spellings *sp) {
  size_t n = sizeof word_groups / sizeof *word_groups;
  for (size_t g = 0; g < n; g++) {
    if (!spellings_group(sp, word_groups[g][0], strlen(word_groups[g][0])))
      return false;
    for (size_t k = 0; k < 4 && word_groups[g][k]; k++)
      if (!spellings_add(sp, word_groups[g][k], strlen(word_groups[g][k])))
        return false;
  }
  return true;
}

cchc_status forms_env_new(const char *rules_dir, forms_env **out,
                          cchc_error *err) {
  forms_env *env = calloc(1, sizeof *env);
  char *path = NULL;
  if (!env || asprintf(&path, "%s/units.tsv", rules_dir) < 0) {
    free(env);
    return cchc_fail(err, CCHC_ERR_NOMEM, "out of memory");
  }
  cchc_status st = cchc_rules_load(rules_dir, &env->rules, err);
  if (st == CCHC_OK)
    st = load_units(&env->set[UNIT_NAMES], path, err);
  if (st == CCHC_OK && !load_words(&env->set[WORD_FORMS]))
    st = cchc_fail(err, CCHC_ERR_NOMEM, "out of memory");
  free(path);
  if (st != CCHC_OK) {
    forms_env_free(env);
    return st;
  }
  for (int i = 0; i < SPELLING_SETS; i++)
    spellings_dedupe(&env->set[i]);
  *out = env;
  return CCHC_OK;
}

void forms_env_free(forms_env *env) {
  if (!env)
    return;
  cchc_rules_free(env->rules);
  for (int i = 0; i < SPELLING_SETS; i++)
    spellings_free(&env->set[i]);
  free(env);
}

/* ------------------------------------------------------------------ */
/* Respelling: words and unit names                                    */

/* A letter or digit, or a joiner inside a document number ("KH-UBND"). */
static bool word_char(int32_t c) {
  return c == '-' || c == '/' || c == '.' || u_isalnum(c) ||
         u_charType(c) == U_NON_SPACING_MARK;
}

/* Whether s[i] continues a word wrapped after a hyphen ("3504/QĐ-\n
 * UBND"). */
static bool after_wrapped_hyphen(const char *s, size_t i) {
  bool newline = false;
  while (i > 0 && (is_blank(s[i - 1]) || s[i - 1] == '\n'))
    newline |= s[--i] == '\n';
  return newline && i > 0 && (s[i - 1] == '-' || s[i - 1] == '/');
}

/* The longest spelling that starts at s[i] and ends at a word end. */
static const spelling *spelling_at(const spellings *sp, const char *s, size_t n,
                                   size_t i) {
  const spelling *best = NULL;
  for (size_t k = 0; k < sp->n; k++) {
    const spelling *c = &sp->item[k];
    if ((best && c->len <= best->len) || c->len > n - i ||
        memcmp(s + i, c->text, c->len))
      continue;
    int32_t next = 0, e = (int32_t)(i + c->len);
    if ((size_t)e < n)
      U8_NEXT((const uint8_t *)s, e, (int32_t)n, next);
    if (next == 0 ||
        !(u_isalnum(next) || u_charType(next) == U_NON_SPACING_MARK))
      best = c;
  }
  return best;
}

/* Another spelling of the same group, or NULL when it has only one. */
static const spelling *other_spelling(const spellings *sp, const spelling *s,
                                      rng *r) {
  unsigned others = 0;
  for (size_t k = 0; k < sp->n; k++)
    others += sp->item[k].group == s->group && &sp->item[k] != s;
  if (!others)
    return NULL;
  unsigned pick = rng_below(r, others);
  for (size_t k = 0; k < sp->n; k++)
    if (sp->item[k].group == s->group && &sp->item[k] != s && !pick--)
      return &sp->item[k];
  return NULL;
}

/* Every spelling of `sp` in `in` replaced: by another spelling of its
 * group chosen with `r`, or, when r is NULL, by the group's label. */
static cchc_status respell(const spellings *sp, const char *in, size_t len,
                           rng *r, forms_bytes *out, cchc_error *err) {
  if (len > INT32_MAX)
    return cchc_fail(err, CCHC_ERR_TOO_LARGE, "input too large");
  FILE *fp;
  cchc_status st = stream_open(out, &fp, err);
  if (st != CCHC_OK)
    return st;
  int32_t prev = 0;
  for (size_t i = 0; i < len;) {
    const spelling *s = word_char(prev) || after_wrapped_hyphen(in, i)
                            ? NULL
                            : spelling_at(sp, in, len, i);
    if (s) {
      const spelling *o = r ? other_spelling(sp, s, r) : NULL;
      fputs(r ? (o ? o->text : s->text) : sp->label[s->group], fp);
      i += s->len;
      prev = 'x';
      continue;
    }
    int32_t at = (int32_t)i;
    U8_NEXT((const uint8_t *)in, at, (int32_t)len, prev);
    fwrite(in + i, 1, (size_t)at - i, fp);
    i = (size_t)at;
  }
  return stream_close(fp, out, err);
}

/* fold of units and spelling: each spelling of the set `param` mapped to
 * its group's label. */
static char *fold_spellings(const forms_env *env, const void *param,
                            const char *s) {
  forms_bytes b;
  const spellings *sp = &env->set[*(const spelling_set *)param];
  return respell(sp, s, strlen(s), NULL, &b, NULL) == CCHC_OK ? b.data : NULL;
}

static cchc_status t_respell(const forms_env *env, const void *param,
                             const char *in, size_t len, uint64_t seed,
                             forms_bytes *out, cchc_error *err) {
  rng r = {seed};
  return respell(&env->set[*(const spelling_set *)param], in, len, &r, out,
                 err);
}

/* ------------------------------------------------------------------ */
/* Line transformations on the original bytes                          */

/* What replaces a marker at s after its first m.body bytes (the number,
 * letter or numeral), or NULL to leave the line as it is. */
typedef const char *(*marker_fn)(const char *s, marker m, const void *state);

/* Every list marker at the start of a line rewritten by `fn`. */
static cchc_status rewrite_markers(const char *in, size_t len, marker_fn fn,
                                   const void *state, forms_bytes *out,
                                   cchc_error *err) {
  FILE *fp;
  cchc_status st = stream_open(out, &fp, err);
  size_t pos = 0, start, end;
  while (st == CCHC_OK && next_line(in, len, &pos, &start, &end)) {
    size_t i = start;
    while (i < end && is_blank(in[i]))
      i++;
    marker m = find_marker(in + i, end - i);
    const char *to = m.kind != M_NONE ? fn(in + i, m, state) : NULL;
    if (to) {
      fwrite(in + start, 1, i + m.body - start, fp);
      fputs(to, fp);
      i += m.len;
    } else {
      i = start;
    }
    fwrite(in + i, 1, pos - i, fp);
  }
  return st == CCHC_OK ? stream_close(fp, out, err) : st;
}

static const char *renumbered(const char *s, marker m, const void *state) {
  const char *letter_punct = state;
  switch (m.kind) {
  case M_NUMBER:
    return s[m.body] == '.' ? ")" : ".";
  case M_LETTER:
    return s[m.body] == ')' ? letter_punct : ")";
  case M_ROMAN:
    return " -";
  case M_ROMAN_DASH:
    return ".";
  default:
    return NULL;
  }
}

/* renumber: 1. <-> 1), a) <-> a. or a/ (one choice per plan), I. <-> I -.
 * Multi-level numbers (1.1.) are left as they are. */
static cchc_status t_renumber(const forms_env *env, const void *param,
                              const char *in, size_t len, uint64_t seed,
                              forms_bytes *out, cchc_error *err) {
  rng r = {seed};
  const char *letter_punct = rng_one_in(&r, 2) ? "." : "/";
  return rewrite_markers(in, len, renumbered, letter_punct, out, err);
}

static const char *rebulleted(const char *s, marker m, const void *state) {
  const int *to = state;
  return m.kind == M_BULLET ? bullets[to[bullet_at(s, m.len)]] : NULL;
}

/* rebullet: each bullet glyph of - + * • becomes another one, the same
 * for the whole plan (a derangement chosen by the seed), so that nested
 * lists stay told apart. */
static cchc_status t_rebullet(const forms_env *env, const void *param,
                              const char *in, size_t len, uint64_t seed,
                              forms_bytes *out, cchc_error *err) {
  rng r = {seed};
  int to[NBULLETS];
  bool fixed = true;
  while (fixed) {
    for (int i = 0; i < NBULLETS; i++)
      to[i] = i;
    for (int i = NBULLETS - 1; i > 0; i--) {
      int j = (int)rng_below(&r, (unsigned)i + 1), t = to[i];
      to[i] = to[j];
      to[j] = t;
    }
    fixed = false;
    for (int i = 0; i < NBULLETS; i++)
      fixed |= to[i] == i;
  }
  return rewrite_markers(in, len, rebulleted, to, out, err);
}

/* A heading in capitals: four letters or more and none in lower case. */
static bool all_caps(const char *s, size_t n) {
  int letters = 0;
  for (int32_t i = 0; i < (int32_t)n;) {
    int32_t c;
    U8_NEXT((const uint8_t *)s, i, (int32_t)n, c);
    if (u_islower(c))
      return false;
    letters += u_isalpha(c) != 0;
  }
  return letters >= 4;
}

/* A sentence that an italic paragraph ends with. */
static bool ends_sentence(const char *s, size_t n) {
  return n && in_set(s[n - 1], ";:.");
}

/* markdown: "## " before part headings (I.), **bold** on numbered headings
 * and headings in capitals, *italic* over the "Căn cứ ..." and "Thực hiện
 * ..." paragraphs (closed where their sentence ends).  Lines that already
 * carry Markdown or are table rows are left alone. */
static cchc_status t_markdown(const forms_env *env, const void *param,
                              const char *in, size_t len, uint64_t seed,
                              forms_bytes *out, cchc_error *err) {
  FILE *fp;
  cchc_status st = stream_open(out, &fp, err);
  size_t pos = 0, start, end;
  int italic = 0; /* lines into an open italic paragraph */
  while (st == CCHC_OK && next_line(in, len, &pos, &start, &end)) {
    size_t a = start, z = end;
    while (a < z && is_blank(in[a]))
      a++;
    while (z > a && is_blank(in[z - 1]))
      z--;
    const char *s = in + a;
    size_t n = z - a;
    const char *open = "", *close = "";
    if (italic) {
      italic++;
    } else if (n && !memchr(s, '*', n) && !memchr(s, '#', n) && *s != '|') {
      marker m = find_marker(s, n);
      if (m.kind == M_ROMAN)
        open = "## ";
      else if (m.kind == M_NUMBER || m.kind == M_MULTI || m.kind == M_LETTER ||
               (m.kind == M_NONE && all_caps(s, n)))
        open = close = "**";
      else if (starts_with(s, n, "Căn cứ") || starts_with(s, n, "Thực hiện"))
        open = "*", italic = 1;
    }
    if (italic) {
      size_t p = pos, ns, ne;
      bool next_blank = !next_line(in, len, &p, &ns, &ne);
      while (!next_blank && ns < ne && is_blank(in[ns]))
        ns++;
      if (next_blank || ns == ne || ends_sentence(s, n) || italic >= 6)
        close = "*", italic = 0;
    }
    fwrite(in + start, 1, a - start, fp);
    fputs(open, fp);
    fwrite(s, 1, n, fp);
    fputs(n ? close : "", fp);
    fwrite(in + z, 1, pos - z, fp);
  }
  return st == CCHC_OK ? stream_close(fp, out, err) : st;
}

static cchc_status t_crlf(const forms_env *env, const void *param,
                          const char *in, size_t len, uint64_t seed,
                          forms_bytes *out, cchc_error *err) {
  FILE *fp;
  cchc_status st = stream_open(out, &fp, err);
  for (size_t i = 0; st == CCHC_OK && i < len; i++) {
    if (in[i] == '\n' && (i == 0 || in[i - 1] != '\r'))
      fputc('\r', fp);
    fputc(in[i], fp);
  }
  return st == CCHC_OK ? stream_close(fp, out, err) : st;
}

/* ------------------------------------------------------------------ */
/* Paragraph transformations on the canonical text                     */

/* Writes one paragraph of the canonical text (without its newline). */
typedef void (*paragraph_fn)(FILE *fp, const char *s, size_t n, void *state);

/* The canonical text of `in`, each of its paragraphs written by `fn`. */
static cchc_status by_paragraph(const char *in, size_t len, paragraph_fn fn,
                                void *state, forms_bytes *out,
                                cchc_error *err) {
  cchc_text *t = NULL;
  FILE *fp = NULL;
  cchc_status st = cchc_normalize(in, len, NULL, &t, err);
  if (st == CCHC_OK)
    st = stream_open(out, &fp, err);
  const char *s = t ? cchc_text_data(t) : "";
  size_t n = t ? cchc_text_len(t) : 0, pos = 0, start, end;
  while (st == CCHC_OK && next_line(s, n, &pos, &start, &end))
    fn(fp, s + start, end - start, state);
  cchc_text_free(t);
  return st == CCHC_OK ? stream_close(fp, out, err) : st;
}

static void as_is(FILE *fp, const char *s, size_t n, void *state) {
  fwrite(s, 1, n, fp);
  fputc('\n', fp);
}

static cchc_status t_normalized(const forms_env *env, const void *param,
                                const char *in, size_t len, uint64_t seed,
                                forms_bytes *out, cchc_error *err) {
  return by_paragraph(in, len, as_is, NULL, out, err);
}

/* A tab after the list marker, as Word writes list items. */
static void tab_after_marker(FILE *fp, const char *s, size_t n, void *state) {
  marker m = find_marker(s, n);
  if (m.kind != M_NONE) {
    fwrite(s, 1, m.len, fp);
    fputc('\t', fp);
    s += m.len + 1;
    n -= m.len + 1;
  }
  as_is(fp, s, n, state);
}

/* unwrap: one paragraph per line as Word saves text, with a tab after
 * list markers ("1.\tMục đích", "-\tĐảm bảo"). */
static cchc_status t_unwrap(const forms_env *env, const void *param,
                            const char *in, size_t len, uint64_t seed,
                            forms_bytes *out, cchc_error *err) {
  return by_paragraph(in, len, tab_after_marker, NULL, out, err);
}

static size_t cp_count(const char *s, size_t n) {
  size_t c = 0;
  for (size_t i = 0; i < n; i++)
    c += ((unsigned char)s[i] & 0xC0) != 0x80;
  return c;
}

/* Whether a line may start with this word without changing what the plan
 * says: not a list marker, not a lone number (it would read as a page
 * number), not "Điều". */
static bool may_start_line(const char *w, size_t n) {
  char probe[64];
  if (n + 3 < sizeof probe) {
    memcpy(probe, w, n);
    memcpy(probe + n, " x", 3);
    if (find_marker(probe, n + 2).kind != M_NONE)
      return false;
  }
  size_t d = 0;
  while (d < n && w[d] >= '0' && w[d] <= '9')
    d++;
  while (d > 0 && d < n && in_set(w[d], ".,;:"))
    d++;
  return d < n && !(n == strlen("Điều") && starts_with(w, n, "Điều"));
}

/* The state of hard wrapping: one width and page length per plan. */
typedef struct wrapping {
  rng r;
  size_t width, page_lines, lines, page;
  bool trailing; /* a blank before each wrap, as some extractors leave */
} wrapping;

/* End a line; every page_lines lines, a page number alone on a line. */
static void end_line(FILE *fp, wrapping *w, const char *end) {
  fputs(end, fp);
  if (++w->lines % w->page_lines == 0)
    fprintf(fp, "%s%zu\n", rng_one_in(&w->r, 2) ? "\n" : "", ++w->page);
}

static void wrap(FILE *fp, const char *s, size_t n, void *state) {
  wrapping *w = state;
  size_t col = 0;
  for (size_t i = 0; i < n;) {
    const char *sp = memchr(s + i, ' ', n - i);
    size_t we = sp ? (size_t)(sp - s) : n, wl = cp_count(s + i, we - i);
    size_t gap = col ? 1 + rng_one_in(&w->r, 40) : 0; /* a double space */
    if (col && col + gap + wl > w->width && may_start_line(s + i, we - i)) {
      end_line(fp, w, w->trailing ? " \n" : "\n");
      if (rng_one_in(&w->r, 20))
        fputc('\n', fp); /* a blank line inside the paragraph */
      col = 0;
    } else if (col) {
      fputs(gap == 2 ? "  " : " ", fp);
      col += gap;
    }
    fwrite(s + i, 1, we - i, fp);
    col += wl;
    i = we + (we < n);
  }
  end_line(fp, w, rng_one_in(&w->r, 4) ? "\n\n" : "\n");
}

/* rewrap: hard wraps at word boundaries at one width of 70-90 columns per
 * plan, as PDF text extraction gives; a trailing blank at wraps in some
 * plans; now and then a blank line inside a paragraph, a double space, a
 * blank line between paragraphs; a page number alone on a line every
 * 38-52 lines, wherever the page ends. */
static cchc_status t_rewrap(const forms_env *env, const void *param,
                            const char *in, size_t len, uint64_t seed,
                            forms_bytes *out, cchc_error *err) {
  wrapping w = {{seed}, 0, 0, 0, 1, false};
  w.width = 70 + rng_below(&w.r, 21);
  w.page_lines = 38 + rng_below(&w.r, 15);
  w.trailing = rng_one_in(&w.r, 2);
  return by_paragraph(in, len, wrap, &w, out, err);
}

/* ------------------------------------------------------------------ */
/* Characters and encodings (ICU)                                      */

static cchc_status to_u16(const char *in, size_t len, UChar **out, int32_t *n,
                          cchc_error *err) {
  if (len > INT32_MAX / 2)
    return cchc_fail(err, CCHC_ERR_TOO_LARGE, "input too large");
  UErrorCode e = U_ZERO_ERROR;
  *out = malloc((len + 1) * sizeof **out);
  if (!*out)
    return cchc_fail(err, CCHC_ERR_NOMEM, "out of memory");
  u_strFromUTF8WithSub(*out, (int32_t)len + 1, n, in, (int32_t)len, 0xFFFD,
                       NULL, &e);
  if (U_FAILURE(e)) {
    free(*out);
    return cchc_fail(err, CCHC_ERR_INTERNAL, "ICU: %s", u_errorName(e));
  }
  return CCHC_OK;
}

/* Encode UTF-16 with an ICU converter ("UTF-8", "UTF-16LE",
 * "windows-1258"); characters a code page cannot encode become '?'. */
static cchc_status encode(const char *converter, const UChar *u, int32_t n,
                          forms_bytes *out, cchc_error *err) {
  UErrorCode e = U_ZERO_ERROR;
  UConverter *cnv = ucnv_open(converter, &e);
  if (U_SUCCESS(e) && ucnv_getMaxCharSize(cnv) == 1)
    ucnv_setSubstChars(cnv, "?", 1, &e);
  int32_t cap = U_SUCCESS(e) ? UCNV_GET_MAX_BYTES_FOR_STRING(n, 4) + 1 : 0;
  out->data = U_SUCCESS(e) ? malloc((size_t)cap) : NULL;
  if (out->data) {
    int32_t got = ucnv_fromUChars(cnv, out->data, cap, u, n, &e);
    out->len = (size_t)got;
  }
  if (cnv)
    ucnv_close(cnv);
  if (U_FAILURE(e) || !out->data) {
    free(out->data);
    out->data = NULL;
    return cchc_fail(err, U_FAILURE(e) ? CCHC_ERR_INTERNAL : CCHC_ERR_NOMEM,
                     "%s: %s", converter, u_errorName(e));
  }
  return CCHC_OK;
}

/* `u` put in NFC or NFD (freed and replaced). */
static cchc_status renormalize(bool decompose, UChar **u, int32_t *n,
                               cchc_error *err) {
  UErrorCode e = U_ZERO_ERROR;
  const UNormalizer2 *nf =
      decompose ? unorm2_getNFDInstance(&e) : unorm2_getNFCInstance(&e);
  int32_t cap = *n * 3 + 1, got = 0;
  UChar *o = U_SUCCESS(e) ? malloc((size_t)cap * sizeof *o) : NULL;
  if (o)
    got = unorm2_normalize(nf, *u, *n, o, cap, &e);
  if (o && e == U_BUFFER_OVERFLOW_ERROR) { /* longer than thrice: rare */
    UChar *bigger = realloc(o, ((size_t)got + 1) * sizeof *o);
    e = U_ZERO_ERROR;
    if (bigger)
      got = unorm2_normalize(nf, *u, *n, o = bigger, got + 1, &e);
  }
  if (!o || U_FAILURE(e)) {
    free(o);
    return cchc_fail(err, o ? CCHC_ERR_INTERNAL : CCHC_ERR_NOMEM, "ICU: %s",
                     u_errorName(e));
  }
  free(*u);
  *u = o;
  *n = got;
  return CCHC_OK;
}

static bool is_tone(UChar c) {
  return c == 0x0300 || c == 0x0301 || c == 0x0303 || c == 0x0309 ||
         c == 0x0323;
}

static bool is_mark(UChar32 c) { return u_charType(c) == U_NON_SPACING_MARK; }

/* Old tone placement on decomposed text: the tone of a final "oa", "oe",
 * "uy" moves from the first vowel to the second ("hóa" -> "hoá", "thủy"
 * -> "thuỷ"), unless the pair is not the whole nucleus ("quý", "ngoái"). */
static void old_tones(UChar *u, int32_t n) {
  for (int32_t i = 0; i + 2 < n; i++) {
    UChar v = u[i] | 0x20, t = u[i + 1], w = u[i + 2] | 0x20;
    if (!is_tone(t) ||
        !((v == 'o' && (w == 'a' || w == 'e')) || (v == 'u' && w == 'y')))
      continue;
    if (i + 3 < n && (u_isalpha(u[i + 3]) || is_mark(u[i + 3])))
      continue; /* a coda or another mark follows */
    int32_t p = i - 1;
    while (p >= 0 && is_mark(u[p]))
      p--;
    UChar pb = p >= 0 ? (u[p] | 0x20) : 0;
    if (p >= 0 &&
        ((pb < 0x80 && in_set((char)pb, "aeiouy")) || (v == 'u' && pb == 'q')))
      continue;
    u[i + 1] = u[i + 2];
    u[i + 2] = t;
  }
}

/* What recode does to the characters before encoding them. */
typedef enum recode_form { AS_IS, NFD, OLD_TONES } recode_form;

/* Through UTF-16: as is, NFD, or NFD with the old tone placement put back
 * in NFC; then the encoding of `converter` (with a BOM first when `bom`). */
static cchc_status recode(const char *in, size_t len, recode_form how,
                          const char *converter, bool bom, forms_bytes *out,
                          cchc_error *err) {
  UChar *u = NULL;
  int32_t n = 0;
  cchc_status st = to_u16(in, len, &u, &n, err);
  if (st == CCHC_OK && how != AS_IS)
    st = renormalize(true, &u, &n, err);
  if (st == CCHC_OK && how == OLD_TONES) {
    old_tones(u, n);
    st = renormalize(false, &u, &n, err);
  }
  if (st == CCHC_OK && bom) {
    UChar *b = realloc(u, ((size_t)n + 1) * sizeof *u);
    if (b) {
      memmove(b + 1, b, (size_t)n * sizeof *b);
      b[0] = 0xFEFF;
      u = b;
      n++;
    }
    st = b ? CCHC_OK : cchc_fail(err, CCHC_ERR_NOMEM, "out of memory");
  }
  if (st == CCHC_OK)
    st = encode(converter, u, n, out, err);
  free(u);
  return st;
}

/* The param of t_recode. */
typedef struct recoding {
  recode_form how;
  const char *converter;
  bool bom;
} recoding;

static const recoding as_nfd = {NFD, "UTF-8", false},
                      as_old_tones = {OLD_TONES, "UTF-8", false},
                      as_utf16le = {AS_IS, "UTF-16LE", true},
                      as_utf16be = {AS_IS, "UTF-16BE", true};

static cchc_status t_recode(const forms_env *env, const void *param,
                            const char *in, size_t len, uint64_t seed,
                            forms_bytes *out, cchc_error *err) {
  const recoding *r = param;
  return recode(in, len, r->how, r->converter, r->bom, out, err);
}

/* Windows-1258 has the letters with circumflex, breve and horn but only
 * some letters with a tone, and the five tones as combining marks: text
 * in it is written letter (with its vowel mark) + tone.  So: NFD, then
 * each letter recomposed with its marks other than the tone, the tone
 * after it.  Signs the code page lacks become what a writer in it types
 * (≥ -> ">="); anything else becomes '?'. */
static cchc_status t_cp1258(const forms_env *env, const void *param,
                            const char *in, size_t len, uint64_t seed,
                            forms_bytes *out, cchc_error *err) {
  UChar *u = NULL, *o = NULL;
  int32_t n = 0, k = 0;
  UErrorCode e = U_ZERO_ERROR;
  const UNormalizer2 *nfc = unorm2_getNFCInstance(&e);
  cchc_status st = to_u16(in, len, &u, &n, err);
  if (st == CCHC_OK)
    st = renormalize(true, &u, &n, err);
  if (st == CCHC_OK && !(o = malloc(((size_t)n * 2 + 1) * sizeof *o)))
    st = cchc_fail(err, CCHC_ERR_NOMEM, "out of memory");
  for (int32_t i = 0; st == CCHC_OK && i < n;) {
    if (u[i] == 0x2265 || u[i] == 0x2264) {
      o[k++] = u[i++] == 0x2265 ? '>' : '<';
      o[k++] = '=';
      continue;
    }
    UChar32 base = u[i++];
    UChar tones[4];
    int nt = 0;
    for (; i < n && is_mark(u[i]); i++) {
      UChar32 c = is_tone(u[i]) ? -1 : unorm2_composePair(nfc, base, u[i]);
      if (c >= 0)
        base = c;
      else if (nt < 4)
        tones[nt++] = u[i];
    }
    o[k++] = (UChar)base; /* letters of Vietnamese are in the BMP */
    for (int t = 0; t < nt; t++)
      o[k++] = tones[t];
  }
  if (st == CCHC_OK)
    st = encode("windows-1258", o, k, out, err);
  free(u);
  free(o);
  return st;
}

/* Through Windows-1258 and back: the text as the code page keeps it
 * (">=" for "≥", '?' for what it lacks), so that only what the encoding
 * cannot say is left out of the comparison. */
static char *fold_cp1258(const forms_env *env, const void *param,
                         const char *s) {
  forms_bytes b = {0}, back = {0};
  UErrorCode e = U_ZERO_ERROR;
  UConverter *cnv = NULL;
  UChar *u = NULL;
  int32_t n = 0;
  if (t_cp1258(env, NULL, s, strlen(s), 0, &b, NULL) == CCHC_OK &&
      (u = malloc((b.len + 1) * sizeof *u)) &&
      (cnv = ucnv_open("windows-1258", &e))) {
    n = ucnv_toUChars(cnv, u, (int32_t)b.len + 1, b.data, (int32_t)b.len, &e);
    if (U_SUCCESS(e) && renormalize(false, &u, &n, NULL) == CCHC_OK)
      encode("UTF-8", u, n, &back, NULL);
  }
  if (cnv)
    ucnv_close(cnv);
  free(u);
  free(b.data);
  return back.data;
}

/* ------------------------------------------------------------------ */
/* The table                                                           */

const forms_transform forms_transforms[] = {
    {"normalized", "the canonical text of cchc normalize (control)",
     t_normalized, NULL, NULL},
    {"renumber", "1. <-> 1), a) <-> a. or a/, I. <-> I -", t_renumber, NULL,
     NULL},
    {"rebullet", "- + * • each turned into another", t_rebullet, NULL, NULL},
    {"rewrap",
     "hard wraps at 70-90 columns, blank lines, double spaces, page numbers, "
     "as PDF text",
     t_rewrap, NULL, NULL},
    {"unwrap", "one paragraph per line, tab after list markers, as Word text",
     t_unwrap, NULL, NULL},
    {"markdown", "## part headings, **bold** headings, *italic* preamble",
     t_markdown, NULL, NULL},
    {"nfd", "Unicode NFD", t_recode, NULL, &as_nfd},
    {"tones", "old tone placement (hoá, thuỷ, hoà)", t_recode, NULL,
     &as_old_tones},
    {"cp1258", "Windows-1258, tones as combining marks", t_cp1258, fold_cp1258,
     NULL},
    {"utf16le", "UTF-16LE with BOM", t_recode, NULL, &as_utf16le},
    {"utf16be", "UTF-16BE with BOM", t_recode, NULL, &as_utf16be},
    {"crlf", "CRLF line ends", t_crlf, NULL, NULL},
    {"units", "unit names in other spellings of rules/units.tsv", t_respell,
     fold_spellings, &unit_names},
    {"spelling", "hóa <-> hoá, Ủy <-> Uỷ, UBND <-> Ủy ban nhân dân", t_respell,
     fold_spellings, &word_forms},
};
const size_t forms_transform_count =
    sizeof forms_transforms / sizeof *forms_transforms;

cchc_status forms_apply(const forms_env *env, const forms_transform *t,
                        const char *in, size_t len, uint64_t seed,
                        forms_bytes *out, cchc_error *err) {
  return t->apply(env, t->param, in, len, seed, out, err);
}

char *forms_fold(const forms_env *env, const forms_transform *t,
                 const char *s) {
  return t->fold ? t->fold(env, t->param, s) : strdup(s);
}

const forms_transform *forms_find(const char *name) {
  for (size_t i = 0; i < forms_transform_count; i++)
    if (!strcmp(forms_transforms[i].name, name))
      return &forms_transforms[i];
  return NULL;
}

cchc_status forms_frame(const forms_env *env, const char *in, size_t len,
                        char **out, size_t *outlen, cchc_error *err) {
  cchc_frame *frame = NULL;
  cchc_status st = cchc_process(env->rules, in, len, NULL, &frame, err);
  if (st == CCHC_OK)
    st = cchc_render(frame, CCHC_FORMAT_JSON, 0, out, outlen, err);
  cchc_frame_free(frame);
  return st;
}

/* ------------------------------------------------------------------ */
/* Comparison                                                          */

typedef struct compare {
  forms_diffs *out;
  bool nomem;
} compare;

void forms_diffs_free(forms_diffs *d) {
  for (size_t i = 0; i < d->n; i++) {
    free(d->item[i].path);
    free(d->item[i].left);
    free(d->item[i].right);
  }
  free(d->item);
  *d = (forms_diffs){0};
}

/* What names an element: an object's text, heading, name or number, else
 * the element itself. */
static const json_t *label_of(const json_t *v) {
  static const char *const names[] = {"text", "heading", "name", "number"};
  for (size_t i = 0; json_is_object(v) && i < 4; i++)
    if (json_is_string(json_object_get(v, names[i])))
      return json_object_get(v, names[i]);
  return v;
}

/* A short rendering of an element by its label. */
static char *render(const json_t *v) {
  if (!v)
    return strdup("(none)");
  char *s = json_dumps(label_of(v), JSON_COMPACT | JSON_ENCODE_ANY);
  size_t n = s ? strlen(s) : 0, cut = 90;
  if (n > cut + 3) {
    while (cut && ((unsigned char)s[cut] & 0xC0) == 0x80)
      cut--;
    memcpy(s + cut, "...", 4);
  }
  return s;
}

static void add_diff(compare *c, forms_diff_kind kind, const char *path,
                     char *left, char *right) {
  forms_diffs *d = c->out;
  char *p = strdup(path);
  if (d->n == d->cap) {
    size_t cap = d->cap ? 2 * d->cap : 16;
    forms_diff *item = realloc(d->item, cap * sizeof *item);
    if (item)
      d->item = item, d->cap = cap;
  }
  if (!p || !left || !right || d->n == d->cap) {
    c->nomem = true;
    free(p);
    free(left);
    free(right);
    return;
  }
  d->item[d->n++] = (forms_diff){kind, p, left, right};
}

/* Leave out what depends on the bytes, not on what the plan says. */
static void strip(json_t *v) {
  const char *k;
  json_t *m;
  void *tmp;
  size_t i;
  if (json_is_object(v)) {
    json_object_foreach_safe(v, tmp, k, m) {
      if (!strcmp(k, "span") || !strcmp(k, "spans") || !strcmp(k, "mentions"))
        json_object_del(v, k);
      else
        strip(m);
    }
  } else if (json_is_array(v)) {
    json_array_foreach(v, i, m) strip(m);
  }
}

/* Every string of v replaced: by its value in `map` (a JSON object) when
 * it is a key of it, or, when map is NULL, by forms_fold of `form`. */
static bool map_strings(json_t *v, const forms_env *env,
                        const forms_transform *form, json_t *map) {
  const char *k;
  json_t *m;
  size_t i;
  bool ok = true;
  if (json_is_object(v)) {
    json_object_foreach(v, k, m) ok = ok && map_strings(m, env, form, map);
  } else if (json_is_array(v)) {
    json_array_foreach(v, i, m) ok = ok && map_strings(m, env, form, map);
  } else if (json_is_string(v) && map) {
    json_t *to = json_object_get(map, json_string_value(v));
    if (to)
      ok = json_string_set(v, json_string_value(to)) == 0;
  } else if (json_is_string(v)) {
    char *f = forms_fold(env, form, json_string_value(v));
    ok = f && json_string_set(v, f) == 0;
    free(f);
  }
  return ok;
}

/* The ids of the elements of the top-level arrays, each mapped to "#":
 * masked so, elements line up by content before their ids are matched. */
static json_t *id_mask(json_t *doc) {
  json_t *mask = json_object(), *arr, *e;
  const char *k;
  size_t i;
  json_object_foreach(doc, k, arr) {
    json_array_foreach(arr, i, e) {
      json_t *id = json_object_get(e, "id");
      if (mask && json_is_string(id) &&
          json_object_set_new(mask, json_string_value(id), json_string("#")))
        json_decref(mask), mask = NULL;
    }
  }
  return mask;
}

static const char *id_at(json_t *arr, long i) {
  return i < 0 ? NULL
               : json_string_value(
                     json_object_get(json_array_get(arr, (size_t)i), "id"));
}

/* Alignment of two arrays by their elements' keys. */
typedef struct pair {
  long a, b; /* -1: none */
} pair;

/* Longest common subsequence of equal keys: the matches and, in order,
 * the elements of one side only (-1 on the other).  Arrays too large for
 * the table are all one-sided.  Returns the count written to out (room
 * for n + m), or 0 with n + m > 0 when out of memory. */
static size_t lcs(char *const *ka, size_t n, char *const *kb, size_t m,
                  pair *out) {
  size_t w = m + 1, k = 0, i = 0, j = 0;
  uint32_t *L = n * m <= (1u << 24) ? calloc((n + 1) * w, sizeof *L) : NULL;
  if (!L && n * m <= (1u << 24))
    return 0;
  for (size_t x = n; L && x-- > 0;)
    for (size_t y = m; y-- > 0;)
      L[x * w + y] =
          !strcmp(ka[x], kb[y])
              ? L[(x + 1) * w + y + 1] + 1
              : (L[(x + 1) * w + y] > L[x * w + y + 1] ? L[(x + 1) * w + y]
                                                       : L[x * w + y + 1]);
  while (i < n || j < m) {
    if (L && i < n && j < m && !strcmp(ka[i], kb[j]))
      out[k++] = (pair){(long)i++, (long)j++};
    else if (j >= m ||
             (i < n && (!L || L[(i + 1) * w + j] >= L[i * w + j + 1])))
      out[k++] = (pair){(long)i++, -1};
    else
      out[k++] = (pair){-1, (long)j++};
  }
  free(L);
  return k;
}

static bool is_match(pair p) { return p.a >= 0 && p.b >= 0; }

/* Room for lining up a run of n elements. */
typedef struct scratch {
  long *ia, *ib, *pa, *pb; /* indexes: of the run's sides, pending pairs */
  char **sa, **sb;         /* labels of the run's sides */
  pair *inner;
} scratch;

/* The pending elements of both sides paired in order. */
static size_t flush(scratch *x, size_t *npa, size_t *npb, pair *out) {
  size_t k = 0;
  for (; k < *npa || k < *npb; k++)
    out[k] = (pair){k < *npa ? x->pa[k] : -1, k < *npb ? x->pb[k] : -1};
  *npa = *npb = 0;
  return k;
}

/* Lines up a run of elements that differ in content by their labels
 * (la, lb): an element whose text or heading is still there pairs with
 * it, the others pair in order.  Returns the pairs written, or SIZE_MAX
 * when out of memory. */
static size_t align_run(const pair *run, size_t nrun, char **la, char **lb,
                        scratch *x, pair *out) {
  size_t na = 0, nb = 0, npa = 0, npb = 0, k = 0;
  for (size_t p = 0; p < nrun; p++) {
    if (run[p].a >= 0)
      x->sa[na] = la[run[p].a], x->ia[na++] = run[p].a;
    else
      x->sb[nb] = lb[run[p].b], x->ib[nb++] = run[p].b;
  }
  size_t ni = lcs(x->sa, na, x->sb, nb, x->inner);
  if (!ni && nrun)
    return SIZE_MAX;
  for (size_t p = 0; p < ni; p++) {
    pair q = x->inner[p];
    if (is_match(q)) {
      k += flush(x, &npa, &npb, out + k);
      out[k++] = (pair){x->ia[q.a], x->ib[q.b]};
    } else if (q.a >= 0) {
      x->pa[npa++] = x->ia[q.a];
    } else {
      x->pb[npb++] = x->ib[q.b];
    }
  }
  return k + flush(x, &npa, &npb, out + k);
}

/* Longest common subsequence of equal elements; the runs between two
 * matches lined up by align_run.  Returns the number of pairs written to
 * out (room for n + m), 0 when out of memory. */
static size_t align(char **ka, char **la, size_t n, char **kb, char **lb,
                    size_t m, pair *out) {
  size_t cap = n + m + 1, no = 0, k = 0;
  pair *ops = malloc(cap * sizeof *ops);
  scratch x = {malloc(cap * sizeof(long)),   malloc(cap * sizeof(long)),
               malloc(cap * sizeof(long)),   malloc(cap * sizeof(long)),
               malloc(cap * sizeof(char *)), malloc(cap * sizeof(char *)),
               malloc(cap * sizeof(pair))};
  if (ops && x.ia && x.ib && x.pa && x.pb && x.sa && x.sb && x.inner)
    no = lcs(ka, n, kb, m, ops);
  for (size_t p = 0; p < no && k != SIZE_MAX;) {
    size_t q = p;
    while (q < no && !is_match(ops[q]))
      q++;
    size_t got = align_run(ops + p, q - p, la, lb, &x, out + k);
    k = got == SIZE_MAX ? SIZE_MAX : k + got;
    if (k != SIZE_MAX && q < no)
      out[k++] = ops[q++];
    p = q;
  }
  free(ops);
  free(x.ia), free(x.ib), free(x.pa), free(x.pb);
  free(x.sa), free(x.sb), free(x.inner);
  return k == SIZE_MAX ? 0 : k;
}

/* The keys of an array's elements, exact (compact JSON) and by label,
 * with strings mapped by `mask` (if not NULL) first.  The key arrays
 * hold 2n strings: exact ones, then labels. */
static char **keys_of(json_t *arr, json_t *mask) {
  size_t n = json_array_size(arr);
  char **keys = calloc(2 * n + 1, sizeof *keys);
  bool ok = keys != NULL;
  for (size_t i = 0; ok && i < n; i++) {
    json_t *e = json_deep_copy(json_array_get(arr, i));
    if (e && (!mask || map_strings(e, NULL, NULL, mask))) {
      size_t f = JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY;
      keys[i] = json_dumps(e, f);
      keys[n + i] = json_dumps(label_of(e), f);
    }
    ok = keys[i] && keys[n + i];
    json_decref(e);
  }
  if (!ok && keys) {
    for (size_t i = 0; i < 2 * n; i++)
      free(keys[i]);
    free(keys);
    keys = NULL;
  }
  return keys;
}

static void free_keys(char **keys, size_t n) {
  for (size_t i = 0; keys && i < 2 * n; i++)
    free(keys[i]);
  free(keys);
}

/* Align two arrays, their strings mapped by the masks first (may be
 * NULL); *pairs is malloc'd. */
static bool align_arrays(json_t *a, json_t *b, json_t *mask_a, json_t *mask_b,
                         pair **pairs, size_t *np) {
  size_t n = json_array_size(a), m = json_array_size(b);
  char **ka = keys_of(a, mask_a), **kb = keys_of(b, mask_b);
  *pairs = ka && kb ? malloc((n + m + 1) * sizeof **pairs) : NULL;
  if (*pairs) {
    *np = align(ka, ka + n, n, kb, kb + m, m, *pairs);
    if (!*np && n + m) {
      free(*pairs);
      *pairs = NULL;
    }
  }
  free_keys(ka, n);
  free_keys(kb, m);
  return *pairs != NULL;
}

/* Rename the ids of the right frame to the ids of the elements they line
 * up with in the left one; an element with no counterpart gets its id
 * marked "(added)" so it cannot be taken for a left one. */
static bool match_ids(json_t *left, json_t *right) {
  json_t *mask_a = id_mask(left), *mask_b = id_mask(right);
  json_t *map = json_object(), *none = json_array(), *arr;
  const char *k;
  bool ok = mask_a && mask_b && map && none;
  json_object_foreach(right, k, arr) {
    if (!ok || !id_at(arr, 0))
      continue; /* not an array of elements with ids */
    json_t *other = json_object_get(left, k);
    if (!json_is_array(other))
      other = none;
    pair *pairs = NULL;
    size_t np = 0;
    ok = align_arrays(other, arr, mask_a, mask_b, &pairs, &np);
    for (size_t p = 0; ok && p < np; p++) {
      const char *bid = id_at(arr, pairs[p].b), *aid = id_at(other, pairs[p].a);
      if (!bid)
        continue;
      json_t *to = aid ? json_string(aid) : json_sprintf("%s (added)", bid);
      ok = to && json_object_set_new(map, bid, to) == 0;
    }
    free(pairs);
  }
  ok = ok && map_strings(right, NULL, NULL, map);
  json_decref(mask_a);
  json_decref(mask_b);
  json_decref(map);
  json_decref(none);
  return ok;
}

static void diff_value(compare *c, char *path, size_t plen, size_t cap,
                       json_t *a, json_t *b);

static void diff_array(compare *c, char *path, size_t plen, size_t cap,
                       json_t *a, json_t *b) {
  size_t n = json_array_size(a), m = json_array_size(b), np = 0;
  pair *pairs = NULL;
  if (!align_arrays(a, b, NULL, NULL, &pairs, &np)) {
    c->nomem = true;
    return;
  }
  if (n != m) {
    char *l = NULL, *r = NULL;
    if (asprintf(&l, "%zu", n) < 0)
      l = NULL;
    if (asprintf(&r, "%zu", m) < 0)
      r = NULL;
    add_diff(c, FORMS_COUNT, path, l, r);
  }
  for (size_t p = 0; p < np; p++) {
    long i = pairs[p].a >= 0 ? pairs[p].a : pairs[p].b;
    snprintf(path + plen, cap - plen, "[%ld]", i);
    json_t *x = pairs[p].a >= 0 ? json_array_get(a, (size_t)pairs[p].a) : NULL;
    json_t *y = pairs[p].b >= 0 ? json_array_get(b, (size_t)pairs[p].b) : NULL;
    if (x && y)
      diff_value(c, path, strlen(path), cap, x, y);
    else
      add_diff(c, x ? FORMS_DROPPED : FORMS_ADDED, path, render(x), render(y));
  }
  path[plen] = '\0';
  free(pairs);
}

static void diff_value(compare *c, char *path, size_t plen, size_t cap,
                       json_t *a, json_t *b) {
  const char *k;
  json_t *v;
  if (json_equal(a, b))
    return;
  if (json_is_array(a) && json_is_array(b)) {
    diff_array(c, path, plen, cap, a, b);
  } else if (json_is_object(a) && json_is_object(b)) {
    json_object_foreach(a, k, v) {
      snprintf(path + plen, cap - plen, "%s%s", plen ? "." : "", k);
      json_t *w = json_object_get(b, k);
      if (w)
        diff_value(c, path, strlen(path), cap, v, w);
      else
        add_diff(c, FORMS_CHANGED, path, render(v), render(NULL));
    }
    json_object_foreach(b, k, v) {
      snprintf(path + plen, cap - plen, "%s%s", plen ? "." : "", k);
      if (!json_object_get(a, k))
        add_diff(c, FORMS_CHANGED, path, render(NULL), render(v));
    }
    path[plen] = '\0';
  } else {
    add_diff(c, FORMS_CHANGED, path, render(a), render(b));
  }
}

static json_t *load_frame(const char *s, size_t len, const char *side,
                          cchc_error *err) {
  json_error_t je;
  json_t *doc = json_loadb(s, len, 0, &je);
  if (!json_is_object(doc)) {
    json_decref(doc);
    cchc_fail_at(err, CCHC_ERR_INVALID, (size_t)je.position, "%s frame: %s",
                 side, doc ? "not an object" : je.text);
    return NULL;
  }
  json_object_del(doc, "source");
  strip(doc);
  return doc;
}

cchc_status forms_compare(const forms_env *env, const forms_transform *form,
                          const char *left, size_t left_len, const char *right,
                          size_t right_len, forms_diffs *out, cchc_error *err) {
  json_t *a = load_frame(left, left_len, "left", err);
  json_t *b = a ? load_frame(right, right_len, "right", err) : NULL;
  if (!b) {
    json_decref(a);
    return err ? err->code : CCHC_ERR_INVALID;
  }
  compare c = {out, false};
  if (form && form->fold)
    c.nomem =
        !map_strings(a, env, form, NULL) || !map_strings(b, env, form, NULL);
  if (!c.nomem)
    c.nomem = !match_ids(a, b);
  char path[1024] = "";
  if (!c.nomem)
    diff_value(&c, path, 0, sizeof path, a, b);
  json_decref(a);
  json_decref(b);
  return c.nomem ? cchc_fail(err, CCHC_ERR_NOMEM, "out of memory") : CCHC_OK;
}

void forms_diff_line(const forms_diff *d, char *buf, size_t size) {
  snprintf(buf, size, "%s: %s vs %s", d->path, d->left, d->right);
}

void forms_diff_kind_name(const forms_diff *d, char *buf, size_t size) {
  static const char *const what[] = {"", " count", " dropped", " added"};
  size_t k = 0;
  bool in_index = false;
  for (const char *p = d->path; *p && k + 1 < size; p++) {
    if (*p == '[')
      in_index = true;
    else if (*p == ']')
      in_index = false;
    else if (in_index)
      continue;
    buf[k++] = *p;
  }
  buf[k] = '\0';
  snprintf(buf + k, size - k, "%s", what[d->kind]);
}
