/* rules.c: load the rules files (*.rules) and the taxonomy TSVs of a
 * directory; compile the patterns (JIT at their first match);
 * run the examples.  The file format is described in rules/README.md. */
#include "rules.h"

#include "indicators.h"

#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <unicode/uchar.h>
#include <unicode/utf8.h>

/* ---- JIT at first match ------------------------------------------------ */

/* A lock per state, by its address among JIT_LOCKS: a pattern's first
 * matches wait for its compile anyway, but with one lock for all, the
 * workers of a batch's first plans, each compiling the patterns it meets
 * first (hundreds, some milliseconds together), waited on each other's. */
enum { JIT_LOCKS = 64 };
static pthread_mutex_t jit_locks[JIT_LOCKS] = {
    [0 ... JIT_LOCKS - 1] = PTHREAD_MUTEX_INITIALIZER};

static pthread_mutex_t *jit_lock_of(const jit_state *jit) {
  uintptr_t a = (uintptr_t)jit;
  return &jit_locks[(a >> 4 ^ a >> 10) % JIT_LOCKS];
}

/* The state of `jit` once `first` has run on `arg`, the first caller
 * running it under the lock (it returns JIT_READY or JIT_NONE) while
 * later ones read the state it left without the lock. */
static unsigned char once(const jit_state *jit,
                          unsigned char (*first)(void *arg), void *arg) {
  /* jit is the one mutable part of a rule set shared read-only */
  _Atomic unsigned char *state = &((jit_state *)jit)->state;
  unsigned char s = atomic_load_explicit(state, memory_order_acquire);
  if (s == JIT_UNTRIED) {
    pthread_mutex_t *lock = jit_lock_of(jit);
    pthread_mutex_lock(lock);
    s = atomic_load_explicit(state, memory_order_relaxed);
    if (s == JIT_UNTRIED) {
      s = first(arg);
      atomic_store_explicit(state, s, memory_order_release);
    }
    pthread_mutex_unlock(lock);
  }
  return s;
}

/* JIT is an optimization: a platform without it still matches. */
static unsigned char jit_compile(void *code) {
  return pcre2_jit_compile(code, PCRE2_JIT_COMPLETE) == 0 ? JIT_READY
                                                           : JIT_NONE;
}

bool jit_ready(pcre2_code *code, const jit_state *jit) {
  return once(jit, jit_compile, code) == JIT_READY;
}

typedef struct pattern_compile {
  pcre2_code **code;
  const char *pattern;
  uint32_t options;
} pattern_compile;

static unsigned char compile_and_jit(void *arg) {
  pattern_compile *pc = arg;
  int error;
  PCRE2_SIZE at;
  *pc->code = pcre2_compile((PCRE2_SPTR)pc->pattern, PCRE2_ZERO_TERMINATED,
                            pc->options, &error, &at, NULL);
  return *pc->code ? jit_compile(*pc->code) : JIT_NONE;
}

pcre2_code *code_compile_once(pcre2_code *const *code, const jit_state *jit,
                              const char *pattern, uint32_t options) {
  pattern_compile pc = {(pcre2_code **)code, pattern, options};
  once(jit, compile_and_jit, &pc);
  return *code;
}

bool jit_supported(void) {
  uint32_t jit = 0;
  return pcre2_config(PCRE2_CONFIG_JIT, &jit) >= 0 && jit;
}

/* ---- a thread's match contexts ------------------------------------------ */

_Thread_local pcre2_match_context *rule_thread_context;
_Thread_local pcre2_match_context *rule_thread_limit_context;

/* The JIT stack of both: as large as the stack PCRE2 sets up at a call
 * without one (32 KiB on the machine stack), so that every match that
 * fits there fits here, and none more. */
enum { THREAD_JIT_STACK = 32 * 1024 };

typedef struct thread_contexts {
  pcre2_match_context *plain, *limit;
  pcre2_jit_stack *stack;
} thread_contexts;

static pthread_key_t contexts_key;
static bool contexts_key_made;
static pthread_once_t contexts_once = PTHREAD_ONCE_INIT;
static _Thread_local bool contexts_tried;

static void contexts_free(void *arg) {
  thread_contexts *c = arg;
  if (!c) return;
  if (c->plain == rule_thread_context) rule_thread_context = NULL;
  if (c->limit == rule_thread_limit_context) rule_thread_limit_context = NULL;
  pcre2_match_context_free(c->plain);
  pcre2_match_context_free(c->limit);
  pcre2_jit_stack_free(c->stack);
  free(c);
}

static void contexts_key_make(void) {
  contexts_key_made = pthread_key_create(&contexts_key, contexts_free) == 0;
}

bool rule_thread_ready(void) {
  if (rule_thread_context || contexts_tried) return rule_thread_context;
  contexts_tried = true; /* without memory once: as before, not again */
  pthread_once(&contexts_once, contexts_key_make);
  thread_contexts *c = calloc(1, sizeof *c);
  if (!c || !contexts_key_made) goto fail;
  c->plain = pcre2_match_context_create(NULL);
  c->limit = pcre2_match_context_create(NULL);
  c->stack = pcre2_jit_stack_create(THREAD_JIT_STACK, THREAD_JIT_STACK, NULL);
  if (!c->plain || !c->limit || !c->stack ||
      pthread_setspecific(contexts_key, c) != 0)
    goto fail;
  pcre2_jit_stack_assign(c->plain, NULL, c->stack);
  pcre2_jit_stack_assign(c->limit, NULL, c->stack);
  rule_thread_context = c->plain;
  rule_thread_limit_context = c->limit;
  return true;
fail:
  contexts_free(c);
  return false;
}

/* ---- byte pairs of literals -------------------------------------------- */

enum {
  PAIR_POS = sizeof ((struct rule_pairs *)0)->nalt,
  PAIR_ALTS = sizeof ((struct rule_pairs *)0)->alt[0] /
              sizeof ((struct rule_pairs *)0)->alt[0][0],
  PAIR_CHARS = 24,
  PAIR_FORMS = RULE_CASE_FORMS
};

/* Pair a b as the two bytes read at once in the machine's order: a
 * block's pairs are read so, one load each. */
static uint16_t pair_bit(unsigned char a, unsigned char b) {
  const unsigned char two[2] = {a, b};
  uint16_t v;
  memcpy(&v, two, sizeof v);
  return v;
}

/* The forms character c takes where a literal (caseless or not) is
 * matched: itself, and without case every character of its closure
 * (ICU's, which holds the case folding PCRE2 matches by), as UTF-8 in
 * f[k][0, len[k]).  0 when not told: a closure holding a string (a full
 * folding), or more than PAIR_FORMS forms. */
static size_t char_forms(UChar32 c, bool caseless,
                         unsigned char f[PAIR_FORMS][4],
                         uint8_t len[PAIR_FORMS]) {
  int32_t cs[PAIR_FORMS];
  size_t nc = 0;
  if (!caseless) cs[nc++] = c;
  else if (!(nc = rule_case_forms(c, cs))) return 0;
  for (size_t k = 0; k < nc; k++) {
    int32_t o = 0;
    UBool bad = false;
    U8_APPEND(f[k], o, 4, cs[k], bad);
    if (bad) return 0;
    len[k] = (uint8_t)o;
  }
  return nc;
}

/* One place more of p: one of the pairs (a[i], b[i]) for i < n (too many
 * or no room: not told, as a place may be left out). */
static void add_place(struct rule_pairs *p, const unsigned char *a,
                      const unsigned char *b, size_t n) {
  if (p->npos == PAIR_POS || n > PAIR_ALTS) return;
  uint8_t k = p->npos, m = 0;
  for (size_t i = 0; i < n; i++) {
    uint16_t bit = pair_bit(a[i], b[i]);
    bool had = false;
    for (uint8_t j = 0; j < m && !had; j++) had = p->alt[k][j] == bit;
    if (!had) p->alt[k][m++] = bit;
  }
  p->nalt[k] = m;
  p->npos++;
}

/* The pairs literal l holds (its text, in its case): those inside each
 * character (when its forms are of one length) and those across two. */
static void read_pairs(const rule_literal *l, struct rule_pairs *p) {
  *p = (struct rule_pairs){0};
  unsigned char f[PAIR_CHARS][PAIR_FORMS][4];
  uint8_t len[PAIR_CHARS][PAIR_FORMS];
  size_t nf[PAIR_CHARS], nchars = 0;
  const unsigned char *t = (const unsigned char *)l->text;
  int32_t n = (int32_t)strlen(l->text), i = 0;
  while (i < n && nchars < PAIR_CHARS) {
    UChar32 c;
    U8_NEXT(t, i, n, c);
    if (c < 0) return;
    nf[nchars] = char_forms(c, l->caseless, f[nchars], len[nchars]);
    nchars++;
  }
  unsigned char a[PAIR_ALTS], b[PAIR_ALTS];
  for (size_t c = 0; c < nchars; c++) {
    bool one_length = nf[c] > 0;
    for (size_t k = 1; k < nf[c]; k++)
      one_length = one_length && len[c][k] == len[c][0];
    for (size_t j = 0; one_length && j + 1 < len[c][0]; j++) {
      for (size_t k = 0; k < nf[c]; k++) {
        a[k] = f[c][k][j];
        b[k] = f[c][k][j + 1];
      }
      add_place(p, a, b, nf[c]);
    }
    if (c + 1 == nchars || !nf[c] || !nf[c + 1] ||
        nf[c] * nf[c + 1] > PAIR_ALTS)
      continue;
    size_t m = 0;
    for (size_t x = 0; x < nf[c]; x++)
      for (size_t y = 0; y < nf[c + 1]; y++, m++) {
        a[m] = f[c][x][len[c][x] - 1];
        b[m] = f[c + 1][y][0];
      }
    add_place(p, a, b, m);
  }
}

static unsigned char pairs_first_read(void *l) {
  read_pairs(l, &((rule_literal *)l)->pairs);
  return JIT_READY;
}

const struct rule_pairs *rule_literal_pairs_read(const rule_literal *l) {
  /* (the literal's pairs are written once, under the lock, before its
   * state says so) */
  once(&l->pairs_read, pairs_first_read, (void *)l);
  return &l->pairs;
}

/* ---- string ownership ------------------------------------------------ */

/* Short strings are cut from blocks of STRING_BLOCK bytes, kept in
 * rs->strings like a long string of their own: a set owns some 4,000
 * strings of a few dozen bytes, and a malloc each took a call and a
 * third more room (every page of it faulted in by each process). */
enum { STRING_BLOCK = 16 << 10, STRING_ALONE = 512 };

static bool keep_string(cchc_rules *rs, char *c) {
  if (rs->nstrings == rs->cap_strings) {
    size_t cap = rs->cap_strings ? rs->cap_strings * 2 : 256;
    char **p = realloc(rs->strings, cap * sizeof *p);
    if (!p) return false;
    rs->strings = p;
    rs->cap_strings = cap;
  }
  rs->strings[rs->nstrings++] = c;
  return true;
}

static const char *own(cchc_rules *rs, const char *s, size_t n) {
  char *c;
  if (n >= STRING_ALONE) {
    if (!(c = malloc(n + 1))) return NULL;
    if (!keep_string(rs, c)) {
      free(c);
      return NULL;
    }
  } else {
    if (rs->string_room_left < n + 1) {
      char *block = malloc(STRING_BLOCK);
      if (!block) return NULL;
      if (!keep_string(rs, block)) {
        free(block);
        return NULL;
      }
      rs->string_room = block;
      rs->string_room_left = STRING_BLOCK;
    }
    c = rs->string_room;
    rs->string_room += n + 1;
    rs->string_room_left -= n + 1;
  }
  memcpy(c, s, n);
  c[n] = '\0';
  return c;
}

static void *grow(void *items, size_t *cap, size_t n, size_t size);

/* The attribute key k[0, kn) owned by the set, one copy per distinct key:
 * rule_attr reads a rule's keys for every ask (tens of thousands a plan),
 * and a copy per attribute, scattered over the heap, missed the caches
 * where a few dozen shared ones stay in them. */
static const char *own_key(cchc_rules *rs, const char *k, size_t kn) {
  for (size_t i = 0; i < rs->nattr_keys; i++)
    if (!strncmp(rs->attr_keys[i], k, kn) && !rs->attr_keys[i][kn])
      return rs->attr_keys[i];
  const char **keys = grow(rs->attr_keys, &rs->cap_attr_keys,
                           rs->nattr_keys, sizeof *keys);
  if (!keys) return NULL;
  rs->attr_keys = keys;
  const char *c = own(rs, k, kn);
  if (c) rs->attr_keys[rs->nattr_keys++] = c;
  return c;
}

/* grow with room for `first` items at first.  A rule's few attributes
 * and examples (2 and 4 cover most) took 16 places each: 330 of the
 * 2,100 kB a loaded set holds, zeroed, so faulted in by every process
 * (a fresh page costs some 10 us to touch on the bench's machine). */
static void *grow_from(void *items, size_t *cap, size_t n, size_t size,
                       size_t first) {
  if (n < *cap) return items;
  size_t ncap = *cap ? *cap * 2 : first;
  void *p = realloc(items, ncap * size);
  if (!p) return NULL;
  memset((char *)p + *cap * size, 0, (ncap - *cap) * size);
  *cap = ncap;
  return p;
}

/* Room for rule n of rs (not cleared: each rule is cleared as it is
 * added).  The array of some 430 rules of 856 bytes is the set's largest
 * block: its places beyond the last rule are never touched. */
static rule *grow_rules(cchc_rules *rs, size_t *cap) {
  if (rs->nrules < *cap) return rs->rules;
  size_t ncap = *cap ? *cap * 2 : 16;
  rule *p = realloc(rs->rules, ncap * sizeof *p);
  if (!p) return NULL;
  *cap = ncap;
  return p;
}

static void *grow(void *items, size_t *cap, size_t n, size_t size) {
  if (n < *cap) return items;
  size_t ncap = *cap ? *cap * 2 : 16;
  void *p = realloc(items, ncap * size);
  if (!p) return NULL;
  memset((char *)p + *cap * size, 0, (ncap - *cap) * size);
  *cap = ncap;
  return p;
}

static void index_id(cchc_rules *rs, size_t i);

void cchc_rules_free(cchc_rules *rs) {
  if (!rs) return;
  for (size_t i = 0; i < rs->nrules; i++) {
    rule *r = &rs->rules[i];
    pcre2_code_free(r->code);
    pcre2_code_free(r->anchored);
    free(r->first_words);
    free(r->start_words);
    free(r->facts.guard);
    free(r->keys);
    free(r->values);
    for (size_t j = 0; j < r->nexamples; j++) {
      free(r->examples[j].expect_names);
      free(r->examples[j].expect_values);
    }
    free(r->examples);
  }
  free(rs->rules);
  free(rs->keys);
  free(rs->selected);
  free(rs->runs);
  for (size_t i = 0; i < rs->nareas; i++) free(rs->areas[i].words);
  free(rs->areas);
  free(rs->indicators);
  for (size_t i = 0; i < rs->nunits; i++) free(rs->units[i].spellings);
  free(rs->units);
  free(rs->unit_slots);
  free(rs->id_slots);
  indicators_free(rs->indicators_by_meaning);
  unit_choices_free(rs->unit_choices);
  clause_word_rules_free(rs->clause_word_rules);
  task_rules_free(rs->task_rules);
  rule_literals_free(&rs->literals);
  for (size_t i = 0; i < rs->nstrings; i++) free(rs->strings[i]);
  free(rs->strings);
  free(rs->attr_keys);
  free(rs);
}

size_t cchc_rules_count(const cchc_rules *rs) {
  return rs ? rs->nrules + indicators_count(rs->indicators_by_meaning) : 0;
}

/* ---- errors naming file and line -------------------------------------- */

static cchc_status fail_line(cchc_error *err, const char *path, unsigned line,
                             const char *fmt, ...) CCHC_PRINTF(4, 5);
static cchc_status fail_line(cchc_error *err, const char *path, unsigned line,
                             const char *fmt, ...) {
  if (!err) return CCHC_ERR_RULES;
  memset(err, 0, sizeof *err);
  err->code = CCHC_ERR_RULES;
  err->line = line;
  snprintf(err->path, sizeof err->path, "%s", path);
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(err->message, sizeof err->message, fmt, ap);
  va_end(ap);
  return CCHC_ERR_RULES;
}

#define NOMEM(err) cchc_fail((err), CCHC_ERR_NOMEM, "out of memory")

/* ---- small text helpers ------------------------------------------------ */

static char *read_all(const char *path, size_t *len, cchc_error *err) {
  FILE *fp = fopen(path, "rb");
  if (!fp) {
    cchc_fail(err, CCHC_ERR_IO, "cannot open %s: %s", path, strerror(errno));
    return NULL;
  }
  char *data = NULL;
  size_t n = 0, cap = 0;
  for (;;) {
    if (cap - n < 4096) {
      cap = cap ? cap * 2 : 8192;
      char *p = realloc(data, cap + 1);
      if (!p) {
        free(data);
        fclose(fp);
        NOMEM(err);
        return NULL;
      }
      data = p;
    }
    size_t got = fread(data + n, 1, cap - n, fp);
    n += got;
    if (got == 0) break;
  }
  bool bad = ferror(fp);
  fclose(fp);
  if (bad) {
    free(data);
    cchc_fail(err, CCHC_ERR_IO, "cannot read %s", path);
    return NULL;
  }
  data[n] = '\0';
  *len = n;
  return data;
}

static const char *trim(const char *s, size_t *n) {
  while (*n && (*s == ' ' || *s == '\t')) s++, (*n)--;
  while (*n && (s[*n - 1] == ' ' || s[*n - 1] == '\t' || s[*n - 1] == '\r'))
    (*n)--;
  return s;
}

/* ---- taxonomy ----------------------------------------------------------- */

/* Split a tab-separated line into at most max fields (in place). */
static size_t split_tabs(char *line, char **fields, size_t max) {
  size_t n = 0;
  char *p = line;
  while (n < max) {
    fields[n++] = p;
    char *tab = strchr(p, '\t');
    if (!tab) break;
    *tab = '\0';
    p = tab + 1;
  }
  return n;
}

/* Split "a; b; c" into owned trimmed strings. */
static bool split_list(cchc_rules *rs, const char *s, const char ***out,
                       size_t *n) {
  *out = NULL;
  *n = 0;
  size_t cap = 0;
  while (*s) {
    const char *semi = strchr(s, ';');
    size_t tl = semi ? (size_t)(semi - s) : strlen(s);
    const char *t = trim(s, &tl);
    if (tl) {
      const char **p = grow(*out, &cap, *n, sizeof **out);
      if (!p) return false;
      *out = p;
      if (!((*out)[*n] = own(rs, t, tl))) return false;
      (*n)++;
    }
    if (!semi) break;
    s = semi + 1;
  }
  return true;
}

typedef enum { TSV_AREAS, TSV_INDICATORS, TSV_UNITS } tsv_kind;

static cchc_status load_tsv(cchc_rules *rs, const char *path, tsv_kind kind,
                            cchc_error *err) {
  size_t len;
  char *data = read_all(path, &len, err);
  if (!data) return err ? err->code : CCHC_ERR_IO;
  cchc_status st = CCHC_OK;
  size_t cap = 0;
  unsigned line = 0;
  char *p = data;
  const char *opath = own(rs, path, strlen(path));
  if (!opath) goto nomem;
  static const size_t want[] = {3, 5, 3};
  while (*p) {
    char *nl = strchr(p, '\n');
    if (nl) *nl = '\0';
    line++;
    size_t l = strlen(p);
    if (l && p[l - 1] == '\r') p[--l] = '\0';
    if (line > 1 && l > 0 && p[0] != '#') {
      char *f[6];
      size_t nf = split_tabs(p, f, 6);
      if (nf < want[kind] - 1 || !f[0][0]) { /* the last column may go */
        st = fail_line(err, path, line, "expected %zu tab-separated columns",
                       want[kind]);
        goto done;
      }
      const char *key = own(rs, f[0], strlen(f[0]));
      const char *name = own(rs, f[1], strlen(f[1]));
      if (!key || !name) goto nomem;
      if (kind == TSV_AREAS) {
        tax_area *a = grow(rs->areas, &cap, rs->nareas, sizeof *a);
        if (!a) goto nomem;
        rs->areas = a;
        a = &rs->areas[rs->nareas++];
        a->key = key;
        a->name = name;
        a->path = opath;
        a->line = line;
        if (!split_list(rs, nf > 2 ? f[2] : "", &a->words, &a->nwords))
          goto nomem;
      } else if (kind == TSV_INDICATORS) {
        tax_indicator *t =
            grow(rs->indicators, &cap, rs->nindicators, sizeof *t);
        if (!t) goto nomem;
        rs->indicators = t;
        t = &rs->indicators[rs->nindicators++];
        t->key = key;
        t->area = name; /* column 2 is the area */
        t->unit = own(rs, f[2], strlen(f[2]));
        t->name = nf > 3 ? own(rs, f[3], strlen(f[3])) : key;
        if (!t->unit || !t->name) goto nomem;
        if (!tax_find_area(rs, t->area)) {
          st = fail_line(err, path, line, "unknown area '%s'", t->area);
          goto done;
        }
      } else {
        tax_unit *u = grow(rs->units, &cap, rs->nunits, sizeof *u);
        if (!u) goto nomem;
        rs->units = u;
        u = &rs->units[rs->nunits++];
        u->key = key;
        u->name = name;
        u->path = opath;
        u->line = line;
        if (nf > 2 && !split_list(rs, f[2], &u->spellings, &u->nspellings))
          goto nomem;
      }
    }
    if (!nl) break;
    p = nl + 1;
  }
  goto done;
nomem:
  st = NOMEM(err);
done:
  free(data);
  return st;
}

const tax_area *tax_find_area(const cchc_rules *rs, const char *key) {
  for (size_t i = 0; i < rs->nareas; i++)
    if (!strcmp(rs->areas[i].key, key)) return &rs->areas[i];
  return NULL;
}
const tax_indicator *tax_find_indicator(const cchc_rules *rs,
                                        const char *key) {
  for (size_t i = 0; i < rs->nindicators; i++)
    if (!strcmp(rs->indicators[i].key, key)) return &rs->indicators[i];
  return NULL;
}
/* The slot of `key` in an index of strings (slots: item index + 1 at the
 * key's hash, 0 for none; linear probing; key_of names item i): its
 * item's, or the empty one where it would go.  The units by key and the
 * rules by id are such indexes. */
static size_t key_slot(const cchc_rules *rs, const size_t *slots,
                       size_t nslots,
                       const char *(*key_of)(const cchc_rules *, size_t),
                       const char *key) {
  uint64_t h = cchc_hash_bytes(key, strlen(key));
  size_t mask = nslots - 1, at = (size_t)(h ^ h >> 32) & mask;
  while (slots[at] && strcmp(key_of(rs, slots[at] - 1), key))
    at = (at + 1) & mask;
  return at;
}

static const char *unit_key(const cchc_rules *rs, size_t i) {
  return rs->units[i].key;
}

static size_t unit_slot(const cchc_rules *rs, const char *key) {
  return key_slot(rs, rs->unit_slots, rs->nunit_slots, unit_key, key);
}

const tax_unit *tax_find_unit(const cchc_rules *rs, const char *key) {
  if (rs->unit_slots) {
    size_t at = unit_slot(rs, key);
    return rs->unit_slots[at] ? &rs->units[rs->unit_slots[at] - 1] : NULL;
  }
  for (size_t i = 0; i < rs->nunits; i++) /* while loading */
    if (!strcmp(rs->units[i].key, key)) return &rs->units[i];
  return NULL;
}

/* The units by key, once every unit is read: the extractors ask for a
 * unit by key thousands of times a plan, and a walk of the list took a
 * comparison per unit each time.  The first unit of a key is the one
 * found, as by the walk.  Without memory the walk answers. */
static void index_units(cchc_rules *rs) {
  size_t nslots = 16;
  while (nslots < 2 * rs->nunits) nslots *= 2;
  if (!(rs->unit_slots = calloc(nslots, sizeof *rs->unit_slots))) return;
  rs->nunit_slots = nslots;
  for (size_t i = 0; i < rs->nunits; i++) {
    size_t at = unit_slot(rs, rs->units[i].key);
    if (!rs->unit_slots[at]) rs->unit_slots[at] = i + 1;
  }
}

/* ---- rules files -------------------------------------------------------- */

typedef struct parse_state {
  cchc_rules *rs;
  const char *path;
  size_t cap_rules;
  size_t cap_attrs, cap_examples;
  char *pattern; /* being assembled (continuation lines) */
  size_t pattern_len;
  uint32_t flags;
} parse_state;

/* Attributes an extractor selects or branches on, by group.  A value
 * outside the list would leave its rule unused (a role nobody selects) or
 * its extractor without a meaning, so it is a load error; `required`: every
 * rule of the group must set it.  rules/README.md lists the same. */
static const struct choice {
  const char *group, *key;
  const char *values; /* space-separated; NULL: any (the taxonomy checks) */
  bool required;
} choices[] = {
    {"task", "role", "part end stop prefix bullet open cont contingent", true},
    {"lead", "role", "after before area plan", true},
    {"coord", "role", "opener cut gap", true},
    {"leadarea", "role", "mask", false},
    {"tcell", "role",
     "header marker rowno open plural budget product next number group",
     true},
    {"cell", "role", "new closed open continue", true},
    {"field", "role",
     "number task target lead coordinators deadline products budget measure "
     "value note",
     true},
    {"clause", "role", "end list opener", true},
    {"subject", "role", "after before", true},
    {"unitcell", "side", "before after", true},
    {"unit", "unit", NULL, true},
    {"deadline", "kind",
     "point date range continuous recurring conditional", true},
    {"point", "kind", "date month quarter half year years", true},
};

static bool in_group(const rule *r, const char *group) {
  size_t n = strlen(group);
  return !strncmp(r->id, group, n) && (r->id[n] == '.' || !r->id[n]);
}

static bool word_in(const char *list, const char *word) {
  size_t wl = strlen(word);
  for (const char *p = list; *p;) {
    while (*p == ' ') p++;
    size_t l = strcspn(p, " ");
    if (l && l == wl && !strncmp(p, word, wl)) return true;
    p += l;
  }
  return false;
}

/* The value of `set: key=value` on line `line` of rule r. */
static cchc_status check_attr(parse_state *ps, const rule *r, unsigned line,
                              const char *key, const char *value,
                              cchc_error *err) {
  const cchc_rules *rs = ps->rs;
  if (!strcmp(key, "area") && !tax_find_area(rs, value))
    return fail_line(err, ps->path, line, "unknown area key '%s'", value);
  if (!strcmp(key, "indicator") && strcmp(value, "none") &&
      !tax_find_indicator(rs, value))
    return fail_line(err, ps->path, line, "unknown indicator key '%s'", value);
  if (!strcmp(key, "unit") && !tax_find_unit(rs, value))
    return fail_line(err, ps->path, line, "unknown unit key '%s'", value);
  const struct choice *c = NULL;
  for (size_t i = 0; i < sizeof choices / sizeof *choices && !c; i++)
    if (!strcmp(choices[i].key, key) && in_group(r, choices[i].group))
      c = &choices[i];
  if (!c && !strcmp(key, "role"))
    return fail_line(err, ps->path, line, "rule %s: its group takes no role",
                     r->id);
  if (c && c->values && !word_in(c->values, value))
    return fail_line(err, ps->path, line, "rule %s: unknown %s '%s' (one of: %s)",
                     r->id, key, value, c->values);
  return CCHC_OK;
}

/* Attributes a rule of its group must set (checked when the rule ends). */
static cchc_status check_required(parse_state *ps, const rule *r,
                                  cchc_error *err) {
  for (size_t i = 0; i < sizeof choices / sizeof *choices; i++)
    if (choices[i].required && in_group(r, choices[i].group) &&
        !rule_attr(r, choices[i].key))
      return fail_line(err, ps->path, r->line, "rule %s needs 'set: %s=%s'",
                       r->id, choices[i].key,
                       choices[i].values ? "..." : "KEY");
  return CCHC_OK;
}

/* s[0..n) as canonical text (cchc_normalize without layout: examples and
 * pattern lines are single lines), malloc'd and NUL-terminated; NULL with
 * *err filled on failure. */
static char *canonical(const char *s, size_t n, size_t *len, cchc_error *err) {
  cchc_normalize_options opt = {.flags = CCHC_NORM_NO_LAYOUT};
  cchc_text *t = NULL;
  if (cchc_normalize(s, n, &opt, &t, err) != CCHC_OK) return NULL;
  *len = cchc_text_len(t);
  char *c = malloc(*len + 1);
  if (c) memcpy(c, cchc_text_data(t), *len + 1);
  else NOMEM(err);
  cchc_text_free(t);
  return c;
}

/* canonical() for a line of a rules file or table: text that normalize
 * refuses (binary, no encoding) is an error naming the file and line. */
static cchc_status canonical_at(const char *path, unsigned line,
                                const char *what, const char *s, size_t n,
                                char **out, size_t *len, cchc_error *err) {
  cchc_error why = {0};
  *out = canonical(s, n, len, &why);
  if (*out) return CCHC_OK;
  if (why.code == CCHC_ERR_NOMEM) return NOMEM(err);
  return fail_line(err, path, line, "%s is not text: %s", what, why.message);
}

static bool utf8_cont(char c) { return ((unsigned char)c & 0xC0) == 0x80; }

/* A pattern line must be canonical text: rules only ever see canonical
 * text, so a spelling that normalize rewrites ("Uỷ", "hoá", "–") can never
 * match, and an alternative holding it is dead. */
static cchc_status check_canonical(parse_state *ps, unsigned line,
                                   const char *v, size_t n, cchc_error *err) {
  bool plain = true;
  for (size_t i = 0; i < n && plain; i++)
    plain = (unsigned char)v[i] >= 0x20 && (unsigned char)v[i] < 0x80;
  if (plain) return CCHC_OK;
  size_t cn;
  char *c;
  cchc_status st = canonical_at(ps->path, line, "pattern", v, n, &c, &cn, err);
  if (st != CCHC_OK) return st;
  if (cn != n || memcmp(c, v, n)) {
    size_t p = 0, q = 0;
    while (p < n && p < cn && v[p] == c[p]) p++;
    while (p > 0 && utf8_cont(v[p])) p--;
    while (q < n - p && q < cn - p && v[n - 1 - q] == c[cn - 1 - q]) q++;
    while (q > 0 && utf8_cont(v[n - q])) q--;
    st = fail_line(err, ps->path, line,
                   "pattern has '%.*s' where canonical text has '%.*s': it "
                   "can never match",
                   (int)(n - p - q < 40 ? n - p - q : 40), v + p,
                   (int)(cn - p - q < 40 ? cn - p - q : 40), c + p);
  }
  free(c);
  return st;
}

/* Copy p[0, n) to *o, moving both on. */
static void copy_on(char **o, const char **p, size_t n) {
  memcpy(*o, *p, n);
  *o += n;
  *p += n;
}

char *rule_spaces_spelled(const char *pattern, uint32_t options) {
  if (!(options & PCRE2_UCP) || (options & PCRE2_LITERAL)) return NULL;
  bool extended = options & (PCRE2_EXTENDED | PCRE2_EXTENDED_MORE);
  size_t n = strlen(pattern), escapes = 0;
  for (size_t i = 0; i + 1 < n; i++)
    if (pattern[i] == '\\' && (pattern[++i] == 's' || pattern[i] == 'S'))
      escapes++;
  if (!escapes) return NULL;
  char *out = malloc(n + escapes * (sizeof RULE_SPACE_CHARS + 3) + 1);
  if (!out) return NULL;
  const char *p = pattern, *e = pattern + n;
  const char *class_start = NULL; /* just past "[" or "[^" when in one */
  char *o = out;
  bool spelled = false;
  while (p < e) {
    if (*p == '\\') {
      if (p + 1 == e) break; /* (an error PCRE2 reports) */
      if (p[1] == 'Q') { /* verbatim up to \E */
        if (class_start) break;
        const char *q = strstr(p + 2, "\\E");
        copy_on(&o, &p, q ? (size_t)(q + 2 - p) : (size_t)(e - p));
      } else if (p[1] == 's' && !class_start) {
        o = stpcpy(stpcpy(o, "["), RULE_SPACE_CHARS);
        *o++ = ']';
        p += 2;
        spelled = true;
      } else if (p[1] == 's') { /* ("-" next to either is as next to \s) */
        o = stpcpy(o, RULE_SPACE_CHARS);
        p += 2;
        spelled = true;
      } else if (p[1] == 'S') {
        if (class_start) break; /* (its complement within a class) */
        o = stpcpy(stpcpy(o, "[^"), RULE_SPACE_CHARS);
        *o++ = ']';
        p += 2;
        spelled = true;
      } else { /* another escape: "\cX" takes the character after */
        copy_on(&o, &p, p[1] == 'c' && p + 2 < e ? 3 : 2);
      }
    } else if (class_start) {
      if (p[0] == '[' && p[1] == ':') { /* "[:alpha:]" */
        const char *q = strstr(p + 2, ":]");
        if (!q) break;
        copy_on(&o, &p, (size_t)(q + 2 - p));
      } else {
        if (*p == ']') class_start = NULL;
        *o++ = *p++;
      }
    } else if (*p == '[') {
      *o++ = *p++;
      if (*p == '^') *o++ = *p++;
      class_start = o;
      if (*p == ']') *o++ = *p++; /* a "]" first is itself */
    } else if (p[0] == '(' && (p[1] == '*' || (p[1] == '?' && p[2] == '#'))) {
      /* a verb, whose name is its text ("(*MARK:...)"), or a comment */
      const char *q = strchr(p, ')');
      copy_on(&o, &p, q ? (size_t)(q + 1 - p) : (size_t)(e - p));
    } else if (p[0] == '(' && p[1] == '?' && p[2] == 'C') {
      break; /* a callout, whose string is its text */
    } else if (p[0] == '(' && p[1] == '?') {
      /* options set inside: with x, "#" would open comments */
      const char *q = p + 2;
      while ((*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z') ||
             *q == '-' || *q == '^')
        if (*q++ == 'x') break;
      if (q[-1] == 'x') break;
      copy_on(&o, &p, 2);
    } else if (*p == '#' && extended) { /* a comment to the line's end */
      const char *q = strchr(p, '\n');
      copy_on(&o, &p, q ? (size_t)(q + 1 - p) : (size_t)(e - p));
    } else {
      *o++ = *p++;
    }
  }
  if (p < e || class_start || !spelled) { /* not read to its end */
    free(out);
    return NULL;
  }
  *o = '\0';
  return out;
}

/* Compile r->pattern with `flags` (and UTF, UCP, DUPNAMES), its \s spelled
 * out (rule.spelled); an error names r's file and line. */
static cchc_status compile_rule(cchc_rules *rs, rule *r, uint32_t flags,
                                cchc_error *err) {
  int code;
  PCRE2_SIZE at;
  /* USE_OFFSET_LIMIT: rule_scan stops a search where no match can start
   * any more. */
  uint32_t options = PCRE2_UTF | PCRE2_UCP | PCRE2_DUPNAMES |
                     PCRE2_USE_OFFSET_LIMIT | flags;
  char *spelled = rule_spaces_spelled(r->pattern, options);
  if (spelled) {
    r->code = pcre2_compile((PCRE2_SPTR)spelled, PCRE2_ZERO_TERMINATED,
                            options, &code, &at, NULL);
    r->spelled = r->code ? own(rs, spelled, strlen(spelled)) : NULL;
    free(spelled);
    if (r->code && !r->spelled) {
      pcre2_code_free(r->code);
      r->code = NULL;
      return NOMEM(err);
    }
  }
  /* as written: an error is told at its offset there */
  if (!r->code)
    r->code = pcre2_compile((PCRE2_SPTR)r->pattern, PCRE2_ZERO_TERMINATED,
                            options, &code, &at, NULL);
  if (!r->code) {
    PCRE2_UCHAR msg[256];
    pcre2_get_error_message(code, msg, sizeof msg);
    return fail_line(err, r->path, r->line,
                     "rule %s: pattern error at offset %zu: %s", r->id,
                     (size_t)at, (const char *)msg);
  }
  rule_read_facts(r, &rs->literals);
  pcre2_pattern_info(r->code, PCRE2_INFO_NAMECOUNT, &r->nnames);
  pcre2_pattern_info(r->code, PCRE2_INFO_NAMEENTRYSIZE, &r->name_size);
  pcre2_pattern_info(r->code, PCRE2_INFO_NAMETABLE, &r->names);
  uint32_t groups = 0;
  pcre2_pattern_info(r->code, PCRE2_INFO_CAPTURECOUNT, &groups);
  if (groups > rs->max_groups) rs->max_groups = groups;
  return CCHC_OK;
}

/* Finish the current rule: compile its pattern and check it is complete. */
static cchc_status finish_rule(parse_state *ps, cchc_error *err) {
  cchc_rules *rs = ps->rs;
  if (!rs->nrules || rs->rules[rs->nrules - 1].code) return CCHC_OK;
  rule *r = &rs->rules[rs->nrules - 1];
  if (!ps->pattern)
    return fail_line(err, ps->path, r->line, "rule %s has no pattern", r->id);
  r->pattern = own(rs, ps->pattern, ps->pattern_len);
  free(ps->pattern);
  ps->pattern = NULL;
  if (!r->pattern) return NOMEM(err);
  cchc_status st = compile_rule(rs, r, ps->flags, err);
  if (st != CCHC_OK) return st;
  bool yes = false, no = false;
  for (size_t i = 0; i < r->nexamples; i++) {
    if (r->examples[i].positive) yes = true;
    else no = true;
  }
  if (!yes || !no)
    return fail_line(err, ps->path, r->line,
                     "rule %s needs at least one 'yes:' and one 'no:' example",
                     r->id);
  if ((st = check_required(ps, r, err)) != CCHC_OK) return st;
  /* Named groups expected by examples must exist in the pattern. */
  for (size_t i = 0; i < r->nexamples; i++)
    for (size_t j = 0; j < r->examples[i].nexpect; j++)
      if (pcre2_substring_nametable_scan(
              r->code, (PCRE2_SPTR)r->examples[i].expect_names[j], NULL,
              NULL) < 0)
        return fail_line(err, ps->path, r->examples[i].line,
                         "rule %s has no group named '%s'", r->id,
                         r->examples[i].expect_names[j]);
  return CCHC_OK;
}

static cchc_status parse_example(parse_state *ps, rule *r, unsigned line,
                                 bool positive, const char *v, size_t vn,
                                 cchc_error *err) {
  cchc_rules *rs = ps->rs;
  rule_example *ex = grow_from(r->examples, &ps->cap_examples, r->nexamples,
                               sizeof *ex, 4);
  if (!ex) return NOMEM(err);
  r->examples = ex;
  ex = &r->examples[r->nexamples++];
  ex->positive = positive;
  ex->line = line;
  const char *arrow = NULL;
  for (size_t i = 0; i + 2 < vn + 1 && i + 1 < vn; i++)
    if (v[i] == '=' && v[i + 1] == '>' && (i == 0 || v[i - 1] == ' '))
      arrow = v + i;
  size_t tn = arrow ? (size_t)(arrow - v) : vn;
  char *tcopy = malloc(tn + 1);
  if (!tcopy) return NOMEM(err);
  memcpy(tcopy, v, tn);
  const char *t = trim(tcopy, &tn);
  ex->text = own(rs, t, tn);
  free(tcopy);
  if (!ex->text) return NOMEM(err);
  if (!arrow) return CCHC_OK;
  if (!positive)
    return fail_line(err, ps->path, line,
                     "a 'no:' example cannot expect groups");
  /* "name=value; name=value" */
  const char *p = arrow + 2, *end = v + vn;
  size_t cap = 0;
  while (p < end) {
    const char *semi = memchr(p, ';', (size_t)(end - p));
    const char *stop = semi ? semi : end;
    const char *eq = memchr(p, '=', (size_t)(stop - p));
    if (!eq)
      return fail_line(err, ps->path, line,
                       "expected 'name=value' after '=>'");
    char buf[512];
    size_t kn = (size_t)(eq - p), wn = (size_t)(stop - eq - 1);
    if (kn >= sizeof buf || wn >= sizeof buf)
      return fail_line(err, ps->path, line, "expectation too long");
    memcpy(buf, p, kn);
    const char *k = trim(buf, &kn);
    const char *kk = own(rs, k, kn);
    memcpy(buf, eq + 1, wn);
    const char *w = trim(buf, &wn);
    const char *ww = own(rs, w, wn);
    if (!kk || !ww) return NOMEM(err);
    size_t c2 = cap;
    const char **names =
        grow_from(ex->expect_names, &c2, ex->nexpect, sizeof *names, 2);
    if (!names) return NOMEM(err);
    ex->expect_names = names;
    const char **vals =
        grow_from(ex->expect_values, &cap, ex->nexpect, sizeof *vals, 2);
    if (!vals) return NOMEM(err);
    ex->expect_values = vals;
    ex->expect_names[ex->nexpect] = kk;
    ex->expect_values[ex->nexpect] = ww;
    ex->nexpect++;
    p = stop + 1;
  }
  return CCHC_OK;
}

static cchc_status parse_rules_file(cchc_rules *rs, const char *path,
                                    size_t *cap_rules, cchc_error *err) {
  size_t len;
  char *data = read_all(path, &len, err);
  if (!data) return err ? err->code : CCHC_ERR_IO;
  parse_state ps = {.rs = rs, .path = own(rs, path, strlen(path))};
  cchc_status st = ps.path ? CCHC_OK : NOMEM(err);
  unsigned line = 0;
  bool in_pattern = false;
  size_t first_rule = rs->nrules;
  char *p = data;
  while (st == CCHC_OK && p < data + len) {
    char *nl = memchr(p, '\n', (size_t)(data + len - p));
    size_t n = nl ? (size_t)(nl - p) : (size_t)(data + len - p);
    line++;
    if (memchr(p, '\0', n)) {
      st = fail_line(err, path, line, "NUL byte in rules file");
      break;
    }
    for (size_t k = 0; k < n;)
      if (cchc_utf8_next(p, n, &k) < 0) {
        st = fail_line(err, path, line, "invalid UTF-8 in rules file");
        break;
      }
    if (st != CCHC_OK) break;
    char *raw = p;
    p = nl ? nl + 1 : data + len;
    size_t tn = n;
    const char *t = trim(raw, &tn);
    bool indented = n && (raw[0] == ' ' || raw[0] == '\t');
    if (tn == 0 || t[0] == '#') {
      in_pattern = false;
      continue;
    }
    if (indented && in_pattern) { /* pattern continuation */
      if ((st = check_canonical(&ps, line, t, tn, err)) != CCHC_OK) break;
      char *np = realloc(ps.pattern, ps.pattern_len + tn + 1);
      if (!np) {
        st = NOMEM(err);
        break;
      }
      ps.pattern = np;
      memcpy(ps.pattern + ps.pattern_len, t, tn);
      ps.pattern_len += tn;
      ps.pattern[ps.pattern_len] = '\0';
      continue;
    }
    in_pattern = false;
    if (tn > 5 && !strncmp(t, "rule ", 5)) {
      if ((st = finish_rule(&ps, err)) != CCHC_OK) break;
      size_t idn = tn - 5;
      const char *id = trim(t + 5, &idn);
      for (size_t i = 0; i < idn; i++)
        if (!(id[i] == '.' || id[i] == '_' || id[i] == '-' ||
              (id[i] >= 'a' && id[i] <= 'z') || (id[i] >= '0' && id[i] <= '9'))) {
          st = fail_line(err, path, line,
                         "rule id must be [a-z0-9._-]: '%.*s'", (int)idn, id);
          break;
        }
      if (st != CCHC_OK) break;
      const char *oid = own(rs, id, idn);
      if (!oid) {
        st = NOMEM(err);
        break;
      }
      const rule *dup = rules_find(rs, oid);
      if (dup) {
        st = fail_line(err, path, line, "duplicate rule id %s (first at %s:%u)",
                       oid, dup->path, dup->line);
        break;
      }
      rule *r = grow_rules(rs, cap_rules);
      if (!r) {
        st = NOMEM(err);
        break;
      }
      rs->rules = r;
      r = &rs->rules[rs->nrules++];
      memset(r, 0, sizeof *r);
      r->id = oid;
      r->path = ps.path;
      r->line = line;
      index_id(rs, rs->nrules - 1);
      ps.cap_attrs = ps.cap_examples = 0;
      ps.flags = PCRE2_CASELESS;
      continue;
    }
    const char *colon = memchr(t, ':', tn);
    if (!colon) {
      st = fail_line(err, path, line, "expected 'field: value' or 'rule ID'");
      break;
    }
    if (rs->nrules == first_rule) {
      st = fail_line(err, path, line, "field before the first 'rule ID' line");
      break;
    }
    rule *r = &rs->rules[rs->nrules - 1];
    size_t fn = (size_t)(colon - t), vn = tn - fn - 1;
    const char *v = colon + 1;
    if (vn && *v == ' ') v++, vn--;
#define FIELD(name) (fn == sizeof(name) - 1 && !strncmp(t, name, fn))
    if (FIELD("pattern")) {
      if (ps.pattern) {
        st = fail_line(err, path, line, "rule %s has two patterns", r->id);
        break;
      }
      if ((st = check_canonical(&ps, line, v, vn, err)) != CCHC_OK) break;
      ps.pattern = malloc(vn + 1);
      if (!ps.pattern) {
        st = NOMEM(err);
        break;
      }
      memcpy(ps.pattern, v, vn);
      ps.pattern[vn] = '\0';
      ps.pattern_len = vn;
      in_pattern = true;
    } else if (FIELD("purpose")) {
      if (!(r->purpose = own(rs, v, vn))) st = NOMEM(err);
    } else if (FIELD("flags")) {
      char buf[256];
      if (vn >= sizeof buf) {
        st = fail_line(err, path, line, "flags line too long");
        break;
      }
      size_t bn = vn;
      memcpy(buf, v, bn);
      buf[bn] = '\0';
      char *save = NULL;
      for (char *tok = strtok_r(buf, " ,", &save); tok;
           tok = strtok_r(NULL, " ,", &save)) {
        if (!strcmp(tok, "case-sensitive")) ps.flags &= ~(uint32_t)PCRE2_CASELESS;
        else if (!strcmp(tok, "extended")) ps.flags |= PCRE2_EXTENDED;
        else {
          st = fail_line(err, path, line, "unknown flag '%s'", tok);
          break;
        }
      }
    } else if (FIELD("set")) {
      const char *eq = memchr(v, '=', vn);
      if (!eq || eq == v) {
        st = fail_line(err, path, line, "expected 'set: key=value'");
        break;
      }
      size_t kn = (size_t)(eq - v), wn = vn - kn - 1;
      char kb[128];
      if (kn >= sizeof kb) {
        st = fail_line(err, path, line, "key too long");
        break;
      }
      memcpy(kb, v, kn);
      const char *k = trim(kb, &kn);
      const char *key = own_key(rs, k, kn), *val = own(rs, eq + 1, wn);
      if (!key || !val) {
        st = NOMEM(err);
        break;
      }
      size_t cap = ps.cap_attrs;
      const char **keys = grow_from(r->keys, &cap, r->nattrs, sizeof *keys, 2);
      if (!keys) {
        st = NOMEM(err);
        break;
      }
      r->keys = keys;
      cap = ps.cap_attrs;
      const char **vals =
          grow_from(r->values, &cap, r->nattrs, sizeof *vals, 2);
      if (!vals) {
        st = NOMEM(err);
        break;
      }
      r->values = vals;
      ps.cap_attrs = cap;
      r->keys[r->nattrs] = key;
      r->values[r->nattrs] = val;
      r->nattrs++;
      st = check_attr(&ps, r, line, key, val, err);
    } else if (FIELD("yes") || FIELD("no")) {
      st = parse_example(&ps, r, line, FIELD("yes"), v, vn, err);
    } else {
      st = fail_line(err, path, line, "unknown field '%.*s'", (int)fn, t);
    }
#undef FIELD
  }
  if (st == CCHC_OK) st = finish_rule(&ps, err);
  free(ps.pattern);
  free(data);
  return st;
}

/* ---- rules made from the taxonomy ------------------------------------------ */

/* The words of a heading or lead clause that name an area (areas.tsv) and
 * the spellings that name a unit (units.tsv) are data of the taxonomy.
 * Each area's words become the rule area.KEY.  The spellings of units that
 * no rule of units.rules already finds become one alternation,
 * unit.spelling, whose (*MARK) says the unit: a new spelling costs one
 * alternative, not one more scan of every text the units are looked for
 * in.  unit.spelling comes after the rules of the *.rules files, so a
 * hand rule of its group wins a tie.  Words and spellings are written as
 * plans print them; they are made canonical and matched in any case, as
 * whole words, with any white space between words and any spacing around
 * punctuation. */

/* One word or spelling: canonical text, and the mark its alternative
 * carries (NULL: none). */
typedef struct spelling {
  char *text;
  const char *mark;
  size_t order; /* place in the table */
} spelling;

static bool word_byte(unsigned char c) {
  return c >= 0x80 || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
         (c >= 'A' && c <= 'Z');
}

/* Room spelling_pattern needs for a spelling of n bytes with its mark. */
static size_t pattern_room(size_t n, const char *mark) {
  return 8 * n + 48 + (mark ? strlen(mark) : 0);
}

static const char edge_before[] = "(?<![\\p{L}\\p{N}])";

/* Bytes of the word a spelling opens with (its leading word bytes; 0 when
 * it opens with a mark). */
static size_t first_word_len(const char *t) {
  size_t n = 0;
  while (t[n] && word_byte((unsigned char)t[n])) n++;
  return n;
}

/* Write the pattern of spelling sp at o from byte `from` of its text (a
 * word's end, or 0), with the edge before it when `edge`; returns the end
 * of what it wrote. */
static char *spelling_pattern(char *o, const spelling *sp, size_t from,
                              bool edge) {
  static const char edge_after[] = "(?![\\p{L}\\p{N}])";
  bool any = from > 0, prev_word = from > 0, gap = false;
  for (const char *p = sp->text + from; *p; p++) {
    unsigned char c = (unsigned char)*p;
    if (c == ' ') {
      gap = true;
      continue;
    }
    bool w = word_byte(c);
    if (!any && w) {
      if (edge) o += sprintf(o, "%s", edge_before);
    } else if (any && !(w && prev_word)) o += sprintf(o, "\\s*");
    else if (any && gap) o += sprintf(o, "\\s+");
    if (!w && c < 0x80) *o++ = '\\';
    *o++ = (char)c;
    any = true;
    prev_word = w;
    gap = false;
  }
  if (prev_word) o += sprintf(o, "%s", edge_after);
  if (sp->mark) o += sprintf(o, "(*MARK:%s)", sp->mark);
  return o;
}

/* Is the first word of a (na bytes) the first word of b (nb bytes) or
 * the start of it, without case (as the caseless rule matches them)?
 * Two spellings whose first words are not, either way, never match at
 * one place: a text holding both words would start with each. */
static bool word_opens_word(const char *a, size_t na, const char *b,
                            size_t nb) {
  size_t i = 0, k = 0;
  while (i < na) {
    if (k == nb) return false;
    UChar32 x, y;
    U8_NEXT(a, i, na, x);
    U8_NEXT(b, k, nb, y);
    if (x < 0 || y < 0 || u_foldCase(x, U_FOLD_CASE_DEFAULT) !=
                              u_foldCase(y, U_FOLD_CASE_DEFAULT))
      return false;
  }
  return true;
}

/* Does t open with blanks and then a letter or digit? */
static bool gap_then_alnum(const char *t) {
  size_t i = 0, n;
  while (t[i] == ' ') i++;
  if (!i || !t[i]) return false;
  n = i + strlen(t + i);
  UChar32 c;
  U8_NEXT(t, i, n, c);
  return c >= 0 && u_isalnum(c) && !u_isUWhiteSpace(c);
}

static bool first_words_clash(const spelling *a, const spelling *b) {
  size_t na = first_word_len(a->text), nb = first_word_len(b->text);
  return !na || !nb || word_opens_word(a->text, na, b->text, nb) ||
         word_opens_word(b->text, nb, a->text, na);
}

/* At one place the first alternative that matches wins: longer spellings
 * first (then table order: the sort keeps it, comparing positions). */
static int longer_first(const void *a, const void *b) {
  const spelling *x = a, *y = b;
  size_t lx = strlen(x->text), ly = strlen(y->text);
  if (lx != ly) return lx > ly ? -1 : 1;
  return x->order < y->order ? -1 : x->order > y->order;
}

/* Does a rule of units.rules find canonical spelling s of unit `key`
 * whole, in running text and any case (caseless, not standalone, in
 * plans of every level, meaning no other unit)? */
static bool hand_rule_finds(const cchc_rules *rs, pcre2_match_data *md,
                            const char *key, const char *s, size_t n) {
  for (size_t i = 0; i < rs->nrules; i++) {
    const rule *r = &rs->rules[i];
    const char *k = rule_attr(r, "unit");
    uint32_t options = 0;
    pcre2_pattern_info(r->code, PCRE2_INFO_ALLOPTIONS, &options);
    if (!k || strcmp(k, key) || !(options & PCRE2_CASELESS) ||
        rule_attr(r, "standalone") || rule_attr(r, "level") ||
        rule_attr(r, "alt") ||
        /* by the interpreter (as rule_exec finds): one short subject
         * is not worth a JIT compile at load */
        pcre2_match(r->code, (PCRE2_SPTR)s, n, 0, PCRE2_NO_UTF_CHECK, md,
                    NULL) <= 0)
      continue;
    size_t a, b;
    if (!rule_group(r, md, "u", &a, &b)) rule_match_span(md, &a, &b);
    if (a == 0 && b == n) return true;
  }
  return false;
}

/* Add to *list the canonical forms of `n` words of taxonomy row
 * path:line, each with `mark`; with md, only those no hand rule of unit
 * `mark` finds. */
static cchc_status add_spellings(const cchc_rules *rs, pcre2_match_data *md,
                                 spelling **list, size_t *len, size_t *cap,
                                 const char *const *words, size_t n,
                                 const char *mark, const char *path,
                                 unsigned line, cchc_error *err) {
  for (size_t i = 0; i < n; i++) {
    spelling *sp = grow(*list, cap, *len, sizeof **list);
    if (!sp) return NOMEM(err);
    *list = sp;
    size_t cl;
    char *c;
    cchc_status st = canonical_at(path, line, "spelling", words[i],
                                  strlen(words[i]), &c, &cl, err);
    if (st != CCHC_OK) return st;
    if (!cl) {
      free(c);
      return fail_line(err, path, line, "'%s' is empty as canonical text",
                       words[i]);
    }
    if (md && hand_rule_finds(rs, md, mark, c, cl)) {
      free(c);
      continue;
    }
    (*list)[*len] = (spelling){c, mark, *len};
    (*len)++;
  }
  return CCHC_OK;
}

/* The pattern matching any of the n spellings (sorted longer_first
 * here), at a new allocation (NULL without memory).  Grouped: PCRE2
 * tries every alternative at each place a first letter stands, so the
 * edge before them all is tested once, and the spellings of one first
 * word follow it once (a spelling joins the first of its word ahead of
 * those that cannot match where it does: the one that wins at a place is
 * the one that won in the flat form; each keeps its mark). */
static char *alternation_pattern(spelling *sp, size_t n, bool grouped) {
  size_t room = 8 + sizeof edge_before;
  for (size_t i = 0; i < n; i++)
    room += pattern_room(strlen(sp[i].text), sp[i].mark);
  char *pattern = malloc(room);
  /* 0: to write; 1: in the group being written; 2: written */
  unsigned char *state = calloc(n ? n : 1, 1);
  if (!pattern || !state) {
    free(pattern);
    free(state);
    return NULL;
  }
  qsort(sp, n, sizeof *sp, longer_first);
  bool all_words = grouped;
  for (size_t i = 0; i < n; i++) all_words &= first_word_len(sp[i].text) > 0;
  char *o = pattern + sprintf(pattern, "%s(?:", all_words ? edge_before : "");
  bool first = true;
  for (size_t i = 0; i < n; i++) {
    if (state[i]) continue;
    if (!first) *o++ = '|';
    first = false;
    size_t w = grouped ? first_word_len(sp[i].text) : 0, in = 1;
    for (size_t j = i + 1; j < n && w; j++) {
      if (state[j] || first_word_len(sp[j].text) != w ||
          memcmp(sp[i].text, sp[j].text, w))
        continue;
      bool passes = true; /* j moves ahead of those left between */
      for (size_t k = i + 1; k < j && passes; k++)
        passes = state[k] || !first_words_clash(&sp[k], &sp[j]);
      if (!passes) break;
      state[j] = 1;
      in++;
    }
    state[i] = 2;
    if (in == 1) {
      o = spelling_pattern(o, &sp[i], 0, !all_words);
      continue;
    }
    if (!all_words) o += sprintf(o, "%s", edge_before);
    memcpy(o, sp[i].text, w);
    o += w;
    /* when every one goes on with blanks and a letter or digit, the run
     * of white space is written once: only all of it can be followed by
     * that character, so no shorter run is tried */
    bool gap = true;
    for (size_t j = i; j < n && gap; j++)
      if (j == i || state[j] == 1) gap = gap_then_alnum(sp[j].text + w);
    if (gap) o += sprintf(o, "\\s+");
    o += sprintf(o, "(?:");
    for (size_t j = i, any = 0; j < n; j++)
      if (j == i || state[j] == 1) {
        if (any++) *o++ = '|';
        size_t from = w;
        while (gap && sp[j].text[from] == ' ') from++;
        o = spelling_pattern(o, &sp[j], from, false);
        state[j] = 2;
      }
    o += sprintf(o, ")");
  }
  free(state);
  sprintf(o, ")");
  return pattern;
}

char *rule_spellings_pattern(const char *const *texts,
                             const char *const *marks, size_t n,
                             bool grouped) {
  spelling *sp = calloc(n ? n : 1, sizeof *sp);
  if (!sp) return NULL;
  for (size_t i = 0; i < n; i++)
    sp[i] = (spelling){(char *)texts[i], marks ? marks[i] : NULL, i};
  char *pattern = alternation_pattern(sp, n, grouped);
  free(sp);
  return pattern;
}

/* Add the rule `id` of taxonomy file path:line matching any of the `n`
 * spellings (none: no rule).  It sets key=value, or with value NULL its
 * matches give `key` by their mark. */
static cchc_status alternation_rule(cchc_rules *rs, size_t *cap_rules,
                                    const char *id, const char *key,
                                    const char *value, const char *path,
                                    unsigned line, spelling *sp, size_t n,
                                    cchc_error *err) {
  if (!n) return CCHC_OK;
  const rule *dup = rules_find(rs, id);
  if (dup)
    return fail_line(err, path, line,
                     "rule %s is made here from the taxonomy and also "
                     "written at %s:%u",
                     id, dup->path, dup->line);
  char *pattern = alternation_pattern(sp, n, true);
  rule *r = grow_rules(rs, cap_rules);
  if (!pattern || !r) {
    free(pattern);
    return NOMEM(err);
  }
  rs->rules = r;
  r = &rs->rules[rs->nrules];
  memset(r, 0, sizeof *r);
  r->id = own(rs, id, strlen(id));
  r->path = path;
  r->line = line;
  r->purpose = "made from the taxonomy";
  r->pattern = own(rs, pattern, strlen(pattern));
  free(pattern);
  if (!r->id || !r->pattern) return NOMEM(err);
  if (value) {
    r->keys = malloc(sizeof *r->keys);
    r->values = malloc(sizeof *r->values);
    if (!r->keys || !r->values) {
      free(r->keys);
      free(r->values);
      return NOMEM(err);
    }
    r->keys[0] = key;
    r->values[0] = value;
    r->nattrs = 1;
  } else {
    r->marked = key;
  }
  index_id(rs, rs->nrules++);
  return compile_rule(rs, r, PCRE2_CASELESS, err);
}

static void free_spellings(spelling *sp, size_t n) {
  for (size_t i = 0; i < n; i++) free(sp[i].text);
  free(sp);
}

/* An area that words alone cannot name (a heading that opens with it, a
 * context that must or must not follow) has no words in areas.tsv: its
 * rule area.KEY is written by hand (areas.rules) and moves to its row's
 * place, so that row order stays the areas' priority. */
static cchc_status place_hand_area_rule(cchc_rules *rs, const tax_area *a,
                                        const char *id, cchc_error *err) {
  size_t i = 0;
  while (i < rs->nrules && strcmp(rs->rules[i].id, id)) i++;
  if (i == rs->nrules)
    return fail_line(err, a->path, a->line,
                     "area %s has no words here, and no rule %s is written "
                     "(areas.rules)",
                     a->key, id);
  rule r = rs->rules[i];
  const char *set = rule_attr(&r, "area");
  if (!set || strcmp(set, a->key))
    return fail_line(err, r.path, r.line, "rule %s needs 'set: area=%s'", id,
                     a->key);
  memmove(rs->rules + i, rs->rules + i + 1,
          (rs->nrules - i - 1) * sizeof r);
  rs->rules[rs->nrules - 1] = r;
  free(rs->id_slots); /* the places moved: indexed anew when next asked */
  rs->id_slots = NULL;
  rs->nid_slots = 0;
  return CCHC_OK;
}

/* area.KEY for each area, in table order (an area's row order is its
 * priority): made from its words, or the hand rule of an area without
 * words; then unit.spelling for the unit spellings no hand rule finds. */
static cchc_status taxonomy_rules(cchc_rules *rs, size_t *cap_rules,
                                  cchc_error *err) {
  spelling *sp = NULL;
  size_t n = 0, cap = 0;
  cchc_status st = CCHC_OK;
  size_t hand = rs->nrules; /* rules of the files; the placed ones move */
  for (size_t i = 0; i < rs->nareas && st == CCHC_OK; i++) {
    const tax_area *a = &rs->areas[i];
    char id[256];
    if (snprintf(id, sizeof id, "area.%s", a->key) >= (int)sizeof id) {
      st = fail_line(err, a->path, a->line, "key too long");
      break;
    }
    if (!a->nwords) {
      st = place_hand_area_rule(rs, a, id, err);
      hand--;
      continue;
    }
    st = add_spellings(rs, NULL, &sp, &n, &cap, a->words, a->nwords, NULL,
                       a->path, a->line, err);
    if (st == CCHC_OK)
      st = alternation_rule(rs, cap_rules, id, "area", a->key, a->path,
                            a->line, sp, n, err);
    for (size_t k = 0; k < n; k++) free(sp[k].text);
    n = 0;
  }
  for (size_t i = 0; i < hand && st == CCHC_OK; i++)
    if (in_group(&rs->rules[i], "area"))
      st = fail_line(err, rs->rules[i].path, rs->rules[i].line,
                     "rule %s: the area rules are the rows of areas.tsv "
                     "(its words, or area.KEY written for a row without "
                     "words)",
                     rs->rules[i].id);
  const char *path = NULL;
  unsigned line = 0;
  pcre2_match_data *md = rules_match_data(rs);
  if (!md && st == CCHC_OK) st = NOMEM(err);
  for (size_t i = 0; i < rs->nunits && st == CCHC_OK; i++) {
    const tax_unit *u = &rs->units[i];
    size_t before = n;
    st = add_spellings(rs, md, &sp, &n, &cap, u->spellings, u->nspellings,
                       u->key, u->path, u->line, err);
    if (n > before && !path) path = u->path, line = u->line;
  }
  pcre2_match_data_free(md);
  if (st == CCHC_OK)
    st = alternation_rule(rs, cap_rules, "unit.spelling", "unit", NULL, path,
                          line, sp, n, err);
  free_spellings(sp, n);
  return st;
}

/* ---- selection index ---------------------------------------------------- */

struct rule_key {
  const char *path; /* the rule's id, of which the path is the first `len` */
  size_t len;       /*   bytes: "meta", "meta.level", "meta.level.commune" */
  const char *role; /* NULL in the entry that selects any role */
  size_t order;     /* the rule's place in rs->rules: file order */
};

/* Key k against the selection (path[0..len), role), ignoring order. */
static int key_vs(const struct rule_key *k, const char *path, size_t len,
                  const char *role) {
  int c = memcmp(k->path, path, k->len < len ? k->len : len);
  if (c) return c;
  if (k->len != len) return k->len < len ? -1 : 1;
  if (!k->role || !role) return !role - !k->role;
  return strcmp(k->role, role);
}

static int cmp_key(const void *a, const void *b) {
  const struct rule_key *x = a, *y = b;
  int c = key_vs(x, y->path, y->len, y->role);
  if (c) return c;
  return x->order < y->order ? -1 : x->order > y->order;
}

/* A selection's run of keys [lo, hi) and the hash of its path and role
 * (selection_hash). */
struct rule_run {
  size_t lo, hi;
  uint64_t hash;
};

static uint64_t selection_hash(const char *path, size_t len,
                               const char *role) {
  uint64_t h = cchc_hash_bytes(path, len);
  h = cchc_hash_step(h, role ? 1 : 0); /* no role is not the empty one */
  for (const char *p = role ? role : ""; *p; p++)
    h = cchc_hash_step(h, (unsigned char)*p);
  return h;
}

static size_t run_slot(uint64_t h, size_t nslots) {
  return (size_t)(h ^ h >> 32) & (nslots - 1);
}

/* The runs of the sorted keys, each in the slot of its hash.  The
 * extractors select by path hundreds of thousands of times a batch: one
 * hash and one comparison each, instead of two binary searches. */
static cchc_status index_runs(cchc_rules *rs, cchc_error *err) {
  size_t count = 0;
  for (size_t i = 0; i < rs->nkeys; i++)
    count += !i || key_vs(&rs->keys[i - 1], rs->keys[i].path,
                          rs->keys[i].len, rs->keys[i].role);
  size_t nslots = 16;
  while (nslots < 2 * count) nslots *= 2;
  if (!(rs->runs = calloc(nslots, sizeof *rs->runs))) return NOMEM(err);
  rs->nruns = nslots;
  for (size_t lo = 0, hi; lo < rs->nkeys; lo = hi) {
    const struct rule_key *k = &rs->keys[lo];
    for (hi = lo + 1;
         hi < rs->nkeys && !key_vs(&rs->keys[hi], k->path, k->len, k->role);
         hi++)
      ;
    uint64_t h = selection_hash(k->path, k->len, k->role);
    size_t at = run_slot(h, nslots);
    while (rs->runs[at].hi) at = (at + 1) & (nslots - 1);
    rs->runs[at] = (struct rule_run){lo, hi, h};
  }
  return CCHC_OK;
}

static cchc_status index_rules(cchc_rules *rs, cchc_error *err) {
  size_t n = 0;
  for (size_t i = 0; i < rs->nrules; i++) {
    size_t paths = 1;
    for (const char *p = rs->rules[i].id; *p; p++) paths += *p == '.';
    n += rule_attr(&rs->rules[i], "role") ? 2 * paths : paths;
  }
  rs->keys = malloc((n ? n : 1) * sizeof *rs->keys);
  rs->selected = malloc((n ? n : 1) * sizeof *rs->selected);
  if (!rs->keys || !rs->selected) return NOMEM(err);
  size_t k = 0;
  for (size_t i = 0; i < rs->nrules; i++) {
    const char *id = rs->rules[i].id, *role = rule_attr(&rs->rules[i], "role");
    for (size_t len = 0;; len++) {
      if (id[len] != '.' && id[len] != '\0') continue;
      rs->keys[k++] = (struct rule_key){id, len, NULL, i};
      if (role) rs->keys[k++] = (struct rule_key){id, len, role, i};
      if (!id[len]) break;
    }
  }
  if (n > 1) qsort(rs->keys, n, sizeof *rs->keys, cmp_key);
  for (size_t i = 0; i < n; i++) rs->selected[i] = &rs->rules[rs->keys[i].order];
  rs->nkeys = n;
  return index_runs(rs, err);
}

/* indicators.concepts, when the directory has one. */
static cchc_status load_concepts(cchc_rules *rs, const char *dir,
                                 cchc_error *err) {
  char path[4096];
  snprintf(path, sizeof path, "%s/indicators.concepts", dir);
  if (access(path, F_OK) != 0) /* required like the groups below */
    return cchc_fail(err, CCHC_ERR_RULES,
                     "indicators.concepts is missing: the extractors need "
                     "it for the indicators of targets");
  size_t len;
  char *data = read_all(path, &len, err);
  if (!data) return err ? err->code : CCHC_ERR_IO;
  cchc_status st = indicators_parse(rs, path, data, len,
                                    &rs->indicators_by_meaning, err);
  free(data);
  return st;
}

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Without the rules of one of these groups an extractor finds nothing, and
 * the frames would silently lack sections or targets: a rules directory
 * must hold them, each group from its file (rules/README.md, "Files").  The
 * area rules are made from the words of areas.tsv; the unit rules of
 * units.tsv's spellings do not stand in for units.rules. */
static const struct {
  const char *group, *file;
} required_groups[] = {
    {"section.", "sections.rules"},   {"area.", "areas.tsv"},
    {"planarea.", "areas.rules"},     {"meta.", "meta.rules"},
    {"ref.", "refs.rules"},           {"target.", "targets.rules"},
    {"deadline.", "deadlines.rules"}, {"task.", "tasks.rules"},
    {"unit.", "units.rules"},
};

/* Does some rule of `list` come from file `name` (of any directory)? */
static bool from_file(rule_list list, const char *name) {
  size_t nl = strlen(name);
  for (size_t i = 0; i < list.n; i++) {
    const char *p = list.items[i]->path;
    size_t pl = strlen(p);
    if (pl >= nl && !strcmp(p + pl - nl, name) &&
        (pl == nl || p[pl - nl - 1] == '/'))
      return true;
  }
  return false;
}

static cchc_status check_groups(const cchc_rules *rs, const char *dir,
                                cchc_error *err) {
  for (size_t i = 0; i < sizeof required_groups / sizeof *required_groups;
       i++) {
    const char *group = required_groups[i].group;
    const char *file = required_groups[i].file;
    if (from_file(rules_select(rs, group, NULL), file)) continue;
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, file);
    bool present = access(path, F_OK) == 0;
    return cchc_fail(err, CCHC_ERR_RULES,
                     "%s %s: the extractors need its %s* rules", file,
                     present ? "holds no rule of its group" : "is missing",
                     group);
  }
  return CCHC_OK;
}

cchc_status cchc_rules_load(const char *dir, cchc_rules **out,
                            cchc_error *err) {
  *out = NULL;
  cchc_rules *rs = calloc(1, sizeof *rs);
  if (!rs) return NOMEM(err);
  cchc_status st = CCHC_OK;
  char path[4096];
  char **names = NULL;
  size_t nnames = 0, cap = 0;
  static const char *const tsv[] = {"areas.tsv", "indicators.tsv",
                                    "units.tsv"};
  for (int k = 0; k < 3 && st == CCHC_OK; k++) {
    snprintf(path, sizeof path, "%s/%s", dir, tsv[k]);
    st = load_tsv(rs, path, (tsv_kind)k, err);
  }
  if (st != CCHC_OK) goto done;
  DIR *d = opendir(dir);
  if (!d) {
    st = cchc_fail(err, CCHC_ERR_IO, "cannot open rules directory %s: %s",
                   dir, strerror(errno));
    goto done;
  }
  struct dirent *e;
  while ((e = readdir(d))) {
    size_t l = strlen(e->d_name);
    if (l < 7 || strcmp(e->d_name + l - 6, ".rules")) continue;
    char **p = grow(names, &cap, nnames, sizeof *names);
    if (!p || !(p[nnames] = strdup(e->d_name))) {
      names = p ? p : names;
      st = NOMEM(err);
      break;
    }
    names = p;
    nnames++;
  }
  closedir(d);
  if (st != CCHC_OK) goto done;
  if (!nnames) {
    st = cchc_fail(err, CCHC_ERR_RULES, "no *.rules files in %s", dir);
    goto done;
  }
  /* File order is rule priority order within a file; files load sorted. */
  qsort(names, nnames, sizeof *names, cmp_str);
  size_t cap_rules = 0;
  for (size_t i = 0; i < nnames && st == CCHC_OK; i++) {
    snprintf(path, sizeof path, "%s/%s", dir, names[i]);
    st = parse_rules_file(rs, path, &cap_rules, err);
  }
  if (st == CCHC_OK) st = taxonomy_rules(rs, &cap_rules, err);
  if (st == CCHC_OK) st = index_rules(rs, err);
  if (st == CCHC_OK) st = check_groups(rs, dir, err);
  if (st == CCHC_OK) st = load_concepts(rs, dir, err);
done:
  for (size_t i = 0; i < nnames; i++) free(names[i]);
  free(names);
  if (st != CCHC_OK) {
    cchc_rules_free(rs);
    return st;
  }
  rule_literals_pair(&rs->literals);
  index_units(rs);
  if (!rs->id_slots && rs->nrules) /* after the last rules moved */
    index_id(rs, rs->nrules - 1);
  *out = rs;
  return CCHC_OK;
}

/* ---- lookup and matching ----------------------------------------------- */

/* First key of rs at or after (path, role) (after, with `past`). */
static size_t key_bound(const cchc_rules *rs, const char *path, size_t len,
                        const char *role, bool past) {
  size_t lo = 0, hi = rs->nkeys;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    int c = key_vs(&rs->keys[mid], path, len, role);
    if (c < 0 || (past && c == 0)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

rule_list rules_select(const cchc_rules *rs, const char *path,
                       const char *role) {
  size_t len = strlen(path);
  if (len && path[len - 1] == '.') len--;
  if (rs->runs) {
    uint64_t h = selection_hash(path, len, role);
    for (size_t at = run_slot(h, rs->nruns); rs->runs[at].hi;
         at = (at + 1) & (rs->nruns - 1)) {
      const struct rule_run *run = &rs->runs[at];
      if (run->hash == h && !key_vs(&rs->keys[run->lo], path, len, role))
        return (rule_list){rs->selected + run->lo, run->hi - run->lo};
    }
  }
  size_t lo = key_bound(rs, path, len, role, false);
  size_t hi = key_bound(rs, path, len, role, true);
  return (rule_list){rs->selected ? rs->selected + lo : NULL, hi - lo};
}

static const char *rule_id(const cchc_rules *rs, size_t i) {
  return rs->rules[i].id;
}

static size_t id_slot(const cchc_rules *rs, const char *id) {
  return key_slot(rs, rs->id_slots, rs->nid_slots, rule_id, id);
}

/* Index rule i (its id set; those before it indexed, or no index: then
 * it is built anew) by id, as the rules are read: the loader asks whether
 * each new id is taken, and the extractors look a section's rule up by id
 * for each section they pass, thousands of times a plan.  Without memory
 * there is no index, and rules_select and the walk answer. */
static void index_id(cchc_rules *rs, size_t i) {
  if (rs->nid_slots && 2 * (i + 1) > rs->nid_slots) { /* room: rebuilt */
    free(rs->id_slots);
    rs->id_slots = NULL;
  }
  if (!rs->id_slots) {
    size_t nslots = 64;
    while (nslots < 4 * (i + 1)) nslots *= 2;
    rs->nid_slots = 0;
    if (!(rs->id_slots = calloc(nslots, sizeof *rs->id_slots))) return;
    rs->nid_slots = nslots;
    for (size_t k = 0; k < i; k++)
      rs->id_slots[id_slot(rs, rs->rules[k].id)] = k + 1;
  }
  size_t at = id_slot(rs, rs->rules[i].id);
  if (!rs->id_slots[at]) rs->id_slots[at] = i + 1;
}

const rule *rules_find(const cchc_rules *rs, const char *id) {
  if (rs->id_slots) {
    size_t at = id_slot(rs, id);
    return rs->id_slots[at] ? &rs->rules[rs->id_slots[at] - 1] : NULL;
  }
  if (rs->selected) { /* indexed: the rules under id, one of them id */
    rule_list under = rules_select(rs, id, NULL);
    for (size_t i = 0; i < under.n; i++)
      if (!strcmp(under.items[i]->id, id)) return under.items[i];
    return NULL;
  }
  for (size_t i = 0; i < rs->nrules; i++)
    if (rs->rules[i].id && !strcmp(rs->rules[i].id, id)) return &rs->rules[i];
  return NULL;
}

const rule *rule_gate(const cchc_rules *rs, const rule *r) {
  static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
  rule *w = (rule *)r; /* the one part of the shared rule written, once */
  if (atomic_load_explicit(&w->gate_state, memory_order_acquire))
    return w->gate_at ? &rs->rules[w->gate_at - 1] : NULL;
  const char *id = rule_attr(r, "gate");
  const rule *gate = id ? rules_find(rs, id) : NULL;
  size_t at = gate ? (size_t)(gate - rs->rules) + 1 : 0;
  if (at > UINT16_MAX) return gate; /* (not kept: looked up at each ask) */
  pthread_mutex_lock(&lock);
  if (!atomic_load_explicit(&w->gate_state, memory_order_relaxed)) {
    w->gate_at = (uint16_t)at;
    atomic_store_explicit(&w->gate_state, 1, memory_order_release);
  }
  pthread_mutex_unlock(&lock);
  return gate;
}

const char *rule_value(const rule *r, pcre2_match_data *md,
                       const char *key) {
  if (r->marked && !strcmp(r->marked, key))
    return (const char *)pcre2_get_mark(md);
  return rule_attr(r, key);
}

bool rule_gives(const rule *r, const char *key) {
  return (r->marked && !strcmp(r->marked, key)) || rule_attr(r, key);
}

const char *rule_attr(const rule *r, const char *key) {
  /* the first letters first: a rule's few keys differ there ("role",
   * "area", "marker"), and extractors ask 60,000 times a batch of plans;
   * the rest of a key of a few letters compared here, not by a call */
  const unsigned char *k = (const unsigned char *)key;
  for (size_t i = 0; i < r->nattrs; i++) {
    const unsigned char *a = (const unsigned char *)r->keys[i], *b = k;
    if (*a != *b) continue;
    while (*a && *a == *b) a++, b++;
    if (*a == *b) return r->values[i];
  }
  return NULL;
}

pcre2_match_data *rules_match_data(const cchc_rules *rs) {
  return pcre2_match_data_create(rs->max_groups + 1, NULL);
}

void rule_match_span(pcre2_match_data *md, size_t *start, size_t *end) {
  PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
  *start = ov[0];
  *end = ov[1];
}

/* Is the entry of PCRE2's name table at e that of `name`?  (Names are a
 * few letters: compared here, not by a call per entry.) */
static inline bool entry_named(PCRE2_SPTR e, const char *name) {
  const unsigned char *a = e + 2, *b = (const unsigned char *)name;
  while (*a && *a == *b) a++, b++;
  return *a == *b;
}

bool rule_group(const rule *r, pcre2_match_data *md, const char *name,
                size_t *start, size_t *end) {
  /* the entries of one name stand together (the table is sorted), in the
   * order pcre2_substring_nametable_scan gives them */
  PCRE2_SPTR e = r->names, stop = r->names + (size_t)r->nnames * r->name_size;
  while (e < stop && !entry_named(e, name)) e += r->name_size;
  if (e == stop) return false;
  PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
  uint32_t pairs = pcre2_get_ovector_count(md);
  do {
    uint32_t num = ((uint32_t)e[0] << 8) | e[1];
    if (num < pairs && ov[2 * num] != PCRE2_UNSET) {
      *start = ov[2 * num];
      *end = ov[2 * num + 1];
      return true;
    }
    e += r->name_size;
  } while (e < stop && entry_named(e, name));
  return false;
}

/* ---- examples ------------------------------------------------------------ */

/* Run one example as the extractors would meet it: its text and the
 * expected group values made canonical first.  Writes a message for a
 * failure into msg (empty when it passes). */
static void run_example(const rule *r, const rule_example *ex,
                        pcre2_match_data *md, char *msg, size_t size) {
  cchc_error err = {0};
  size_t tl;
  char *text = canonical(ex->text, strlen(ex->text), &tl, &err);
  msg[0] = '\0';
  if (!text) {
    snprintf(msg, size, "cannot normalize the example: %s", err.message);
    return;
  }
  bool hit = rule_exec(r, text, tl, 0, md);
  size_t hs = 0, he = 0, ps = 0, pe = 0;
  if (hit) rule_match_span(md, &hs, &he);
  bool plain = pcre2_match(r->code, (PCRE2_SPTR)text, tl, 0,
                           PCRE2_NO_UTF_CHECK, md, NULL) > 0;
  if (plain) rule_match_span(md, &ps, &pe);
  if (hit) rule_exec(r, text, tl, 0, md); /* its groups, for the checks */
  if (hit != plain || hs != ps || he != pe)
    snprintf(msg, size,
             "finds %s where a search of every position finds %s in '%s' "
             "(the pattern reader, extract/rulescan.c, is wrong)",
             hit ? "a match" : "none", plain ? "one" : "none", ex->text);
  else if (hit && !rule_may_match(r, rule_features(text, tl)))
    snprintf(msg, size,
             "matches '%s', which its pattern's facts say it cannot (the "
             "pattern reader, extract/rulescan.c, is wrong)",
             ex->text);
  else if (ex->positive && !hit)
    snprintf(msg, size, "does not match its 'yes' example: %s", ex->text);
  else if (!ex->positive && hit)
    snprintf(msg, size, "matches its 'no' example: %s", ex->text);
  for (size_t k = 0; !msg[0] && ex->positive && k < ex->nexpect; k++) {
    size_t s, e, wl;
    char *want = canonical(ex->expect_values[k],
                           strlen(ex->expect_values[k]), &wl, &err);
    if (!want)
      snprintf(msg, size, "cannot normalize '%s': %s", ex->expect_values[k],
               err.message);
    else if (!rule_group(r, md, ex->expect_names[k], &s, &e))
      snprintf(msg, size, "group '%s' unset, expected '%s'",
               ex->expect_names[k], want);
    else if (e - s != wl || memcmp(text + s, want, wl))
      snprintf(msg, size, "group '%s' is '%.*s', expected '%s'",
               ex->expect_names[k], (int)(e - s), text + s, want);
    free(want);
  }
  free(text);
}

size_t cchc_rules_test(const cchc_rules *rs, cchc_rules_report_fn report,
                       void *ctx, size_t *examples) {
  size_t failed = 0, run = 0;
  pcre2_match_data *md = rules_match_data(rs);
  if (!md) {
    if (report) report(ctx, "", 0, "", "out of memory");
    return 1;
  }
  char msg[768];
  for (size_t i = 0; i < rs->nrules; i++) {
    const rule *r = &rs->rules[i];
    for (size_t j = 0; j < r->nexamples; j++) {
      const rule_example *ex = &r->examples[j];
      run++;
      run_example(r, ex, md, msg, sizeof msg);
      if (msg[0]) {
        failed++;
        if (report) report(ctx, r->path, ex->line, r->id, msg);
      }
    }
  }
  pcre2_match_data_free(md);
  failed += indicators_test(rs->indicators_by_meaning, report, ctx, &run);
  if (examples) *examples = run;
  return failed;
}

/* ---- the bytes a match may hold ------------------------------------------ */

static void held_byte(uint64_t *out, unsigned c) {
  out[c >> 6] |= (uint64_t)1 << (c & 63);
}

/* An ASCII character, in both cases (a pattern may be read without case,
 * by its flags or by "(?i)" anywhere in it). */
static void held_ascii(uint64_t *out, unsigned c) {
  held_byte(out, c);
  if (c >= 'a' && c <= 'z') held_byte(out, c - 'a' + 'A');
  else if (c >= 'A' && c <= 'Z') held_byte(out, c - 'A' + 'a');
}

/* A character of the pattern: its bytes beyond ASCII are all held
 * already; the few beyond ASCII whose other case is an ASCII letter
 * (KELVIN SIGN, LONG S, the dotted and dotless I) hold that letter. */
static void held_char(uint64_t *out, uint32_t cp) {
  if (cp < 0x80) held_ascii(out, cp);
  else if (cp == 0x212A) held_ascii(out, 'k');
  else if (cp == 0x017F) held_ascii(out, 's');
  else if (cp == 0x0130 || cp == 0x0131) held_ascii(out, 'i');
}

/* The character at *p (UTF-8; the pattern is valid, PCRE2 compiled it),
 * *p moved past it. */
static uint32_t pattern_char(const unsigned char **p) {
  const unsigned char *s = *p;
  uint32_t cp = s[0];
  size_t n = 1;
  if (cp >= 0xF0) cp &= 0x07, n = 4;
  else if (cp >= 0xE0) cp &= 0x0F, n = 3;
  else if (cp >= 0xC0) cp &= 0x1F, n = 2;
  for (size_t i = 1; i < n && s[i]; i++) cp = cp << 6 | (s[i] & 0x3F);
  size_t i = 1;
  while (i < n && s[i]) i++;
  *p = s + i;
  return cp;
}

/* The escape at *p (after its backslash), *p moved past it: its bytes
 * held.  `in_class`: inside [...] (\b is a backspace there).  False for
 * an escape not read here (\d, \w, \p, back references, \Q, ...). */
static bool held_escape(uint64_t *out, const unsigned char **p,
                        bool in_class) {
  unsigned c = **p;
  if (c >= 0x80) { /* a character beyond ASCII: itself */
    held_char(out, pattern_char(p));
    return true;
  }
  (*p)++;
  switch (c) {
  case 's': /* and white space beyond ASCII: held already */
    for (unsigned b = 9; b <= 13; b++) held_byte(out, b);
    held_byte(out, ' ');
    return true;
  case 'h': held_byte(out, '\t'); held_byte(out, ' '); return true;
  case 'v': for (unsigned b = 10; b <= 13; b++) held_byte(out, b); return true;
  case 't': held_byte(out, '\t'); return true;
  case 'n': held_byte(out, '\n'); return true;
  case 'r': held_byte(out, '\r'); return true;
  case 'f': held_byte(out, '\f'); return true;
  case 'e': held_byte(out, 27); return true;
  case 'a': held_byte(out, 7); return true;
  case 'b':
    if (in_class) held_byte(out, 8);
    return true; /* outside: an assertion */
  case 'B': case 'A': case 'z': case 'Z': case 'G': case 'K':
    return !in_class; /* assertions (\K holds nothing either) */
  default:
    if (c == '\0') return false;
    /* a punctuation mark or blank stands for itself */
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
          (c >= '0' && c <= '9'))) {
      held_ascii(out, c);
      return true;
    }
    return false;
  }
}

/* The class at *p (after its '['), *p moved past its ']'.  False for a
 * negated class, a POSIX class, a range beyond ASCII, an escape not
 * read. */
static bool held_class(uint64_t *out, const unsigned char **p) {
  const unsigned char *s = *p;
  if (*s == '^') return false;
  bool first = true;
  while (*s && (*s != ']' || first)) {
    first = false;
    uint32_t lo;
    if (*s == '[' && (s[1] == ':' || s[1] == '.' || s[1] == '=')) return false;
    if (*s == '\\') {
      s++;
      unsigned e = *s;
      if (!held_escape(out, &s, true)) return false;
      /* a class escape before '-': the '-' is itself */
      if (e == 's' || e == 'h' || e == 'v') continue;
      lo = e == 't' ? '\t' : e == 'n' ? '\n' : e == 'r' ? '\r'
         : e == 'f' ? '\f' : e == 'e' ? 27 : e == 'a' ? 7 : e == 'b' ? 8
         : e < 0x80 ? e : 0x80;
    } else {
      lo = pattern_char(&s);
      held_char(out, lo);
    }
    if (*s == '-' && s[1] && s[1] != ']') { /* a range */
      s++;
      uint32_t hi;
      if (*s == '\\') {
        s++;
        unsigned e = *s;
        if (e >= 0x80 || (e >= 'a' && e <= 'z') || (e >= 'A' && e <= 'Z') ||
            (e >= '0' && e <= '9'))
          return false;
        hi = e;
        s++;
      } else {
        hi = pattern_char(&s);
      }
      if (lo >= 0x80 || hi >= 0x80 || hi < lo) return false;
      for (uint32_t c = lo; c <= hi; c++) held_ascii(out, c);
    }
  }
  if (*s != ']') return false;
  *p = s + 1;
  return true;
}

bool rule_held_bytes(const rule *r, uint64_t out[4]) {
  out[0] = out[1] = 0;
  out[2] = out[3] = UINT64_MAX; /* every byte beyond ASCII */
  const unsigned char *p = (const unsigned char *)r->pattern;
  while (p && *p) {
    switch (*p) {
    case '.': return false;
    case '#': return false; /* a comment ("# ...", "(?# ...)") is not read */
    case '\\':
      p++;
      if (!held_escape(out, &p, false)) return false;
      break;
    case '[':
      p++;
      if (!held_class(out, &p)) return false;
      break;
    case '(': case ')': case '|': case '?': case '*': case '+': case '^':
    case '$':
      p++;
      break;
    default: /* a literal, or the syntax of a group, a name, a quantifier:
                held all the same (more bytes than a match holds) */
      held_char(out, pattern_char(&p));
      break;
    }
  }
  return p != NULL;
}

bool rule_whole_subject(const rule *r) {
  uint32_t options = 0;
  if (!r->code || !r->pattern ||
      pcre2_pattern_info(r->code, PCRE2_INFO_ALLOPTIONS, &options) != 0 ||
      (options & (PCRE2_MULTILINE | PCRE2_ALT_CIRCUMFLEX)))
    return false;
  bool extended = options & (PCRE2_EXTENDED | PCRE2_EXTENDED_MORE);
  const char *p = r->pattern, *end = p + strlen(p);
  if (extended) { /* blanks around stand for nothing */
    while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
      p++;
    while (end > p && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\n' ||
                       end[-1] == '\r'))
      end--;
  }
  if (end - p < 2 || *p != '^' || end[-1] != '$' || strchr("?*+{", p[1]))
    return false; /* (an anchor made optional is none) */
  /* the '$' unescaped: an even run of backslashes before it */
  size_t slashes = 0;
  for (const char *q = end - 1; q > p && q[-1] == '\\'; q--) slashes++;
  if (slashes % 2) return false;
  int depth = 0;
  bool in_class = false;
  for (const char *q = p + 1; q < end - 1; q++) {
    if (*q == '\\') {
      /* (a quoted stretch, \Q...\E, is not read) */
      if (q + 1 >= end - 1 || q[1] == 'Q') return false;
      q++;
      continue;
    }
    if (in_class) {
      if (*q == ']') in_class = false;
      continue;
    }
    if (*q == '[') {
      in_class = true;
      if (q[1] == '^') q++;
      if (q[1] == ']') q++; /* a ']' first stands for itself */
      continue;
    }
    if (*q == '#') return false; /* a comment may hide the anchors */
    if (*q == '(') {
      /* "(?...)" or "(?...:" setting options: none may be multiline */
      if (q[1] == '?') {
        const char *o = q + 2;
        bool m = false;
        while (o < end && ((*o >= 'a' && *o <= 'z') || (*o >= 'A' && *o <= 'Z') ||
                           *o == '-' || *o == '^')) {
          m = m || *o == 'm';
          o++;
        }
        if (m && o < end && (*o == ')' || *o == ':')) return false;
      }
      depth++;
    } else if (*q == ')') {
      if (--depth < 0) return false;
    } else if (*q == '|' && depth == 0) {
      return false; /* an alternative without one of the anchors */
    }
  }
  return depth == 0 && !in_class;
}
