/* subject.c: the subject of a target as a set of words, and the Jaccard
 * index of two (subject.h). */
#include "subject.h"

#include <stdlib.h>
#include <string.h>

/* Words that say how much or join others, not what is measured; folded as
 * match keys fold them.  Syllables that are also a content word once the
 * diacritics are gone stay out ("có"/"cơ", "số"/"sơ", "từ"/"tử"). */
static const char *const stop_words[] = {
    "cac", "cua", "va",  "voi", "cho", "duoc", "la",   "nhung", "mot",
    "ty",  "ti",  "le",  "dat", "toi", "thieu", "it",  "nhat",  "tro",
    "len", "tren", "tai", "theo", "trong", "ve", "o",  "nam",   "den",
};

static bool is_stop(const char *w) {
  for (size_t i = 0; i < sizeof stop_words / sizeof *stop_words; i++)
    if (strcmp(w, stop_words[i]) == 0)
      return true;
  return false;
}

static bool is_digit(char c) { return c >= '0' && c <= '9'; }
static bool is_blank(char c) { return c == ' ' || c == '\t'; }

/* Length of a list marker at s ("- ", "(2) ", "c) ", "1.2. ", "II. "), 0
 * when there is none.  A marker is followed by a blank. */
static size_t marker_len(const char *s) {
  size_t i = 0;
  if (s[0] == '-' || s[0] == '+' || s[0] == '*') {
    i = 1;
  } else if (s[0] == '(') {
    for (i = 1; i < 5 && s[i] && s[i] != ')' && !is_blank(s[i]); i++)
      ;
    if (s[i] != ')' || i == 1)
      return 0;
    i++;
  } else if (is_digit(s[0])) {
    while (is_digit(s[i]) || (s[i] == '.' && is_digit(s[i + 1])))
      i++;
    if (s[i] != '.' && s[i] != ')')
      return 0;
    i++;
  } else if (strchr("IVX", s[0])) {
    while (s[i] && strchr("IVX", s[i]))
      i++;
    if (s[i] != '.')
      return 0;
    i++;
  } else if (s[0] >= 'a' && s[0] <= 'z' && (s[1] == ')' || s[1] == '.')) {
    i = 2;
  }
  return i > 0 && is_blank(s[i]) ? i : 0;
}

/* s[0..*n) without list markers in front and blanks or ",;:." around. */
static const char *trim_label(const char *s, size_t *n) {
  for (size_t m;;) {
    while (*n > 0 && is_blank(*s))
      s++, (*n)--;
    if (!(m = marker_len(s)) || m > *n)
      break;
    s += m;
    *n -= m;
  }
  while (*n > 0 && (is_blank(s[*n - 1]) || strchr(",;:.", s[*n - 1])))
    (*n)--;
  return s;
}

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Cut s->key into words: runs of letters and digits (any non-ASCII byte
 * counts as a letter), numbers, single letters and stop words left out;
 * sorted, each once.  s->words has room for every word. */
static void cut_words(subject *s) {
  char *k = s->key;
  s->nwords = 0;
  for (size_t i = 0; k[i];) {
    unsigned char c = (unsigned char)k[i];
    if (!((c >= 'a' && c <= 'z') || is_digit((char)c) || c >= 0x80)) {
      k[i++] = '\0';
      continue;
    }
    size_t j = i;
    bool number = true;
    for (; k[j]; j++) {
      unsigned char d = (unsigned char)k[j];
      if (!((d >= 'a' && d <= 'z') || is_digit((char)d) || d >= 0x80))
        break;
      number = number && is_digit((char)d);
    }
    bool end = k[j] == '\0';
    k[j] = '\0';
    if (!number && j - i > 1 && !is_stop(k + i))
      s->words[s->nwords++] = k + i;
    i = end ? j : j + 1;
  }
  s->nwords = sort_unique(s->words, s->nwords);
}

size_t sort_unique(const char **v, size_t n) {
  if (n)
    qsort(v, n, sizeof *v, cmp_str);
  size_t u = 0;
  for (size_t i = 0; i < n; i++)
    if (u == 0 || strcmp(v[u - 1], v[i]) != 0)
      v[u++] = v[i];
  return u;
}

/* The label `text` (trimmed) and its words into s. */
static cchc_status read_label(subject *s, const char *text, cchc_error *err) {
  size_t n = strlen(text);
  const char *t = trim_label(text, &n);
  free(s->label);
  free(s->key);
  free(s->words);
  s->key = NULL;
  s->words = NULL;
  if (!(s->label = strndup(t, n)))
    return cchc_fail(err, CCHC_ERR_NOMEM, "out of memory");
  if (!(s->key = cchc_match_key(s->label, n, err)))
    return err && err->code != CCHC_OK ? err->code : CCHC_ERR_NOMEM;
  if (!(s->words = malloc((strlen(s->key) / 2 + 1) * sizeof *s->words)))
    return cchc_fail(err, CCHC_ERR_NOMEM, "out of memory");
  cut_words(s);
  return CCHC_OK;
}

cchc_status subject_init(subject *s, const char *subj, const char *text,
                         cchc_error *err) {
  memset(s, 0, sizeof *s);
  cchc_status st = CCHC_OK;
  if (subj)
    st = read_label(s, subj, err);
  if (st == CCHC_OK && (!subj || s->nwords < 2) && text)
    st = read_label(s, text, err);
  if (st == CCHC_OK && !s->label)
    st = read_label(s, "", err);
  return st;
}

void subject_release(subject *s) {
  free(s->label);
  free(s->key);
  free(s->words);
  memset(s, 0, sizeof *s);
}

cchc_status subject_copy(subject *dst, const subject *src, cchc_error *err) {
  memset(dst, 0, sizeof *dst);
  size_t room = 1;
  for (size_t i = 0; i < src->nwords; i++)
    room += strlen(src->words[i]) + 1;
  dst->label = strdup(src->label ? src->label : "");
  dst->key = malloc(room);
  dst->words = malloc((src->nwords + 1) * sizeof *dst->words);
  if (!dst->label || !dst->key || !dst->words) {
    subject_release(dst);
    return cchc_fail(err, CCHC_ERR_NOMEM, "out of memory");
  }
  char *w = dst->key;
  for (size_t i = 0; i < src->nwords; i++) {
    size_t l = strlen(src->words[i]) + 1;
    memcpy(w, src->words[i], l);
    dst->words[i] = w;
    w += l;
  }
  *w = '\0';
  dst->nwords = src->nwords;
  return CCHC_OK;
}

double subject_similarity(const subject *a, const subject *b) {
  if (a->nwords == 0 || b->nwords == 0)
    return 0;
  size_t i = 0, j = 0, shared = 0;
  while (i < a->nwords && j < b->nwords) {
    int c = strcmp(a->words[i], b->words[j]);
    shared += c == 0;
    i += c <= 0;
    j += c >= 0;
  }
  return (double)shared / (double)(a->nwords + b->nwords - shared);
}

/* ------------------------------------------------------------------ */
/* The cache                                                           */

typedef struct cached {
  char *subj, *text; /* as given; NULL stands for NULL */
  bool used;
  subject made;
} cached;

struct subject_cache {
  cached *slots; /* open addressing, twice SUBJECT_CACHE_SIZE */
  size_t cap, n;
};

subject_cache *subject_cache_new(void) {
  subject_cache *c = calloc(1, sizeof *c);
  if (c && !(c->slots = calloc(2 * SUBJECT_CACHE_SIZE, sizeof *c->slots))) {
    free(c);
    return NULL;
  }
  if (c)
    c->cap = 2 * SUBJECT_CACHE_SIZE;
  return c;
}

static void cache_empty(subject_cache *c) {
  for (size_t i = 0; i < c->cap; i++)
    if (c->slots[i].used) {
      free(c->slots[i].subj);
      free(c->slots[i].text);
      subject_release(&c->slots[i].made);
      c->slots[i].used = false;
    }
  c->n = 0;
}

void subject_cache_free(subject_cache *c) {
  if (!c)
    return;
  cache_empty(c);
  free(c->slots);
  free(c);
}

static bool same(const char *a, const char *b) {
  return a == b || (a && b && strcmp(a, b) == 0);
}

static char *dup_or_null(const char *s, bool *failed) {
  char *d = s ? strdup(s) : NULL;
  *failed |= s && !d;
  return d;
}

cchc_status subject_init_cached(subject_cache *c, subject *s,
                                const char *subj, const char *text,
                                cchc_error *err) {
  if (!c)
    return subject_init(s, subj, text, err);
  uint64_t h = subject_hash(CCHC_HASH_START, subj ? subj : "");
  h = subject_hash(h ^ 0x1f, text ? text : "");
  size_t k = (size_t)(h & (c->cap - 1));
  while (c->slots[k].used &&
         !(same(c->slots[k].subj, subj) && same(c->slots[k].text, text)))
    k = (k + 1) & (c->cap - 1);
  if (c->slots[k].used)
    return subject_copy(s, &c->slots[k].made, err);
  cchc_status st = subject_init(s, subj, text, err);
  if (st != CCHC_OK)
    return st;
  if (c->n == SUBJECT_CACHE_SIZE) { /* full: start again */
    cache_empty(c);
    k = (size_t)(h & (c->cap - 1));
  }
  cached *slot = &c->slots[k];
  bool failed = false;
  slot->subj = dup_or_null(subj, &failed);
  slot->text = dup_or_null(text, &failed);
  if (failed || subject_copy(&slot->made, s, NULL) != CCHC_OK) {
    free(slot->subj);
    free(slot->text);
    memset(slot, 0, sizeof *slot);
    return CCHC_OK; /* not kept: made afresh next time */
  }
  slot->used = true;
  c->n++;
  return CCHC_OK;
}
