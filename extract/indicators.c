/* indicators.c: what a target measures, from concepts kept as data.
 *
 * rules/indicators.concepts names concept classes (the phrases that say one
 * thing: "hồ sơ | TTHC | thủ tục hành chính") and describes each indicator
 * by the concepts its clause must hold ("has:", every line) and must not
 * hold ("not:").  Phrases and clauses are compared word by word on match
 * keys (cchc_match_key: case, diacritics, đ/d and punctuation folded), so
 * "Tỉ lệ hồ sơ TTHC nộp trực tuyến" and "tỷ lệ nộp hồ sơ thủ tục hành chính
 * trực tuyến" hold the same concepts, in any order.  Entries are tried in
 * file order and the first whose concepts the clause holds gives the key.
 * Classes are expanded into their phrases when the file loads and every
 * word is interned, so matching compares word numbers, and a phrase with
 * a word the clause lacks is skipped without a scan; an entry none of
 * whose key words (entry_keys) the clause holds is not tried at all. */
#include "indicators.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum {
  GAP_WORDS = 8,       /* "..." stands for up to this many words */
  MAX_EXPANSION = 4096 /* phrases one line may expand into */
};

typedef enum { ITEM_WORD, ITEM_NUMBER, ITEM_GAP } item_kind;

typedef struct item {
  item_kind kind;
  size_t word; /* ITEM_WORD: index into the set's vocabulary */
} item;

typedef struct phrase {
  const item *items;
  size_t n;
  /* the word of it the fewest phrases hold (index_entries; SIZE_MAX:
   * none), looked for first: a clause lacks it most often */
  size_t rare;
} phrase;

/* A disjunction: a clause holds it when it holds one of its phrases. */
typedef struct alts {
  phrase *v;
  size_t n, cap;
} alts;

typedef struct concept_class {
  const char *name;
  alts a;
} concept_class;

typedef struct example {
  const char *text;
  unsigned line;
  bool positive;
} example;

typedef struct entry {
  const char *id;  /* "indicator tthc.dung_han", for reports */
  const char *key; /* taxonomy key; NULL for "none" */
  unsigned line;
  alts *has; /* every one must hold */
  size_t nhas, cap_has;
  alts exclude; /* none may hold */
  example *ex;
  size_t nex, cap_ex;
} entry;

/* A folded word of the phrases and its number: vocab[id] is word id. */
typedef struct vocab_word {
  const char *s;
  size_t n, id;
} vocab_word;

struct indicator_set {
  const char *path;
  concept_class *cls;
  size_t ncls, cap_cls;
  entry *e;
  size_t ne, cap_e;
  vocab_word *vocab;
  size_t nvocab, cap_vocab;
  /* vocabulary words by hash: id + 1 in the slot of the word's hash, 0
   * for none; at most half full */
  size_t *slots, nslots;
  /* An entry holds one of its key words (entry_keys) or it cannot match:
   * the entries keyed by word v are word_entries[word_first[v] ..
   * word_first[v + 1]), in file order; those with no key word, always[].
   * A clause tries only the entries of its words. */
  size_t *word_first, *word_entries, *always, nalways;
  void **blocks; /* every allocation, released together */
  size_t nblocks, cap_blocks;
  struct piece_memo *memo; /* a clause's words by their bytes (classify) */
};

/* ---- memory: one list of blocks per set ------------------------------- */

static void *keep(indicator_set *s, size_t size) {
  if (s->nblocks == s->cap_blocks) {
    size_t cap = s->cap_blocks ? 2 * s->cap_blocks : 64;
    void **p = realloc(s->blocks, cap * sizeof *p);
    if (!p) return NULL;
    s->blocks = p;
    s->cap_blocks = cap;
  }
  void *m = calloc(1, size ? size : 1);
  if (m) s->blocks[s->nblocks++] = m;
  return m;
}

/* Room for an (n+1)-th element in v (capacity *cap): v itself, or a copy
 * twice as large. */
static void *room(indicator_set *s, void *v, size_t *cap, size_t n,
                  size_t size) {
  if (n < *cap) return v;
  size_t ncap = *cap ? 2 * *cap : 8;
  void *p = keep(s, ncap * size);
  if (!p) return NULL;
  if (n) memcpy(p, v, n * size);
  *cap = ncap;
  return p;
}

static const char *keep_str(indicator_set *s, const char *t, size_t n) {
  char *c = keep(s, n + 1);
  if (c) memcpy(c, t, n);
  return c;
}

static void piece_memo_free(struct piece_memo *m);

void indicators_free(indicator_set *s) {
  if (!s) return;
  piece_memo_free(s->memo);
  for (size_t i = 0; i < s->nblocks; i++) free(s->blocks[i]);
  free(s->blocks);
  free(s);
}

size_t indicators_count(const indicator_set *s) { return s ? s->ne : 0; }

/* ---- words of a match key ----------------------------------------------- */

typedef struct word {
  const char *s;
  size_t n;
} word;

static bool is_digit(char c) { return c >= '0' && c <= '9'; }

/* A byte of a word of a match key: a-z, a digit or any byte beyond ASCII
 * (a table: it is asked of every byte of every clause). */
static const char word_bytes[256] =
    "00000000000000000000000000000000"  /* controls */
    "00000000000000001111111111000000"  /* blank .. '?' */
    "00000000000000000000000000000000"  /* '@' .. '_' */
    "01111111111111111111111111100000"  /* '`' .. DEL */
    "11111111111111111111111111111111" "11111111111111111111111111111111"
    "11111111111111111111111111111111" "11111111111111111111111111111111";

static bool word_byte(unsigned char c) { return word_bytes[c] == '1'; }

/* Words of match key k: runs of letters and digits (a number keeps its
 * inner "." or ",": "98,5"), and "%" alone; other punctuation separates.
 * out has room for strlen(k) words. */
static size_t words_of(const char *k, word *out) {
  size_t n = 0;
  for (size_t i = 0; k[i];) {
    if (k[i] == '%') {
      out[n++] = (word){k + i, 1};
      i++;
      continue;
    }
    if (!word_byte((unsigned char)k[i])) {
      i++;
      continue;
    }
    size_t j = i;
    bool number = is_digit(k[i]);
    while (k[j] && (word_byte((unsigned char)k[j]) ||
                    (number && (k[j] == '.' || k[j] == ',') &&
                     is_digit(k[j + 1]))))
      j++;
    out[n++] = (word){k + i, j - i};
    i = j;
  }
  return n;
}

/* Words of s[0..len) folded; *key and *w are malloc'd for the caller. */
static cchc_status fold_words(const char *s, size_t len, char **key, word **w,
                              size_t *nw, cchc_error *err) {
  cchc_error local = {0};
  *w = NULL;
  if (!(*key = cchc_match_key(s, len, &local))) {
    if (err) *err = local;
    return local.code ? local.code : CCHC_ERR_NOMEM;
  }
  if (!(*w = malloc((strlen(*key) + 1) * sizeof **w))) {
    free(*key);
    *key = NULL;
    return cchc_fail(err, CCHC_ERR_NOMEM, "out of memory");
  }
  *nw = words_of(*key, *w);
  return CCHC_OK;
}

/* ---- matching ------------------------------------------------------------- */

#define NOT_IN_VOCAB SIZE_MAX

/* A clause as word numbers: w[i] is a vocabulary index or NOT_IN_VOCAB;
 * number[i] says whether word i is a number; has[v] whether vocabulary
 * word v occurs, first at first[v] (set only then), and the next place
 * of word i's word after i is next[i] (c.n: none). */
typedef struct clause {
  size_t *w;
  bool *number, *has;
  size_t *first, *next;
  size_t n;
} clause;

/* The slot of word w[0..n) in s->slots: where its id + 1 is, or the
 * empty one where it goes. */
static size_t *vocab_slot(const indicator_set *s, const char *w, size_t n) {
  size_t mask = s->nslots - 1;
  for (size_t i = cchc_hash_bytes(w, n) & mask;; i = (i + 1) & mask) {
    size_t id = s->slots[i];
    if (!id) return &s->slots[i];
    const vocab_word *v = &s->vocab[id - 1];
    if (v->n != n) continue;
    /* compared here: the words are a few letters, a call costs more */
    size_t k = 0;
    while (k < n && v->s[k] == w[k]) k++;
    if (k == n) return &s->slots[i];
  }
}

static size_t vocab_find(const indicator_set *s, const word *w) {
  size_t id = *vocab_slot(s, w->s, w->n);
  return id ? id - 1 : NOT_IN_VOCAB;
}

/* ---- a clause's words by the bytes they come from ------------------------ */

/* A clause's text falls into pieces at the ASCII bytes that no word of its
 * match key holds: blanks and punctuation, but a '.' or ',' that may join
 * the digits of a number ("98,5"), and '%', a word alone (a piece of its
 * own).  cchc_match_key keys each ASCII byte alone and each run of bytes
 * beyond ASCII apart, so a piece keys as it does inside the whole text,
 * and the words of the text's key are those of its pieces' keys in turn.
 * Plans share their words (syllables), so what a piece's words are (their
 * numbers in the vocabulary, and whether each is a number) is kept by the
 * piece's bytes for the clauses after, of any plan: a lookup where a key
 * was made, split into words and each looked up.  A function of the set
 * and the bytes only; bounded (a piece past the bounds is keyed each
 * time); one lock per set, tried once per clause. */
enum {
  PIECE_LONGEST = 48,     /* bytes of a piece kept */
  PIECES_KEPT = 1 << 15,  /* pieces kept per set */
  PIECE_SLOTS = 2 * PIECES_KEPT,
  PIECE_WORDS = 1 << 17   /* their words */
};

/* A word of a piece: its vocabulary number + 1 (0: none) and, in the top
 * bit, whether it is a number. */
#define WORD_NUMBER UINT32_C(0x80000000)

typedef struct piece_kept {
  uint64_t hash;
  uint32_t at, first; /* its bytes from memo.bytes[at], words from
                         memo.words[first] */
  uint16_t len, nw;
} piece_kept;

struct piece_memo {
  pthread_mutex_t lock;
  unsigned char class[256]; /* piece_class of each byte */
  uint32_t *slots; /* index + 1 by hash, 0 empty; NULL until first used */
  piece_kept *v;
  size_t n;
  char *bytes;
  size_t nbytes;
  uint32_t *words;
  size_t nwords;
};

static void piece_memo_free(struct piece_memo *m) {
  if (!m) return;
  pthread_mutex_destroy(&m->lock);
  free(m->slots);
  free(m->v);
  free(m->bytes);
  free(m->words);
  free(m);
}

/* What byte c is to the pieces: PIECE_IN goes into one (a word byte of
 * the key, or one the key drops: a control character); PIECE_JOIN ('.'
 * and ',') does when the byte after it is a digit, or may key as one or
 * be dropped; PIECE_ALONE ('%') is one; PIECE_OUT parts them. */
enum { PIECE_OUT, PIECE_IN, PIECE_JOIN, PIECE_ALONE };

static unsigned char piece_class(unsigned char c) {
  if (c >= 0x80 || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
      (c >= 'A' && c <= 'Z') || (c < 0x20 && !(c >= '\t' && c <= '\r')) ||
      c == 0x7F)
    return PIECE_IN;
  return c == '.' || c == ',' ? PIECE_JOIN : c == '%' ? PIECE_ALONE : PIECE_OUT;
}

/* Words of a clause, as word codes (WORD_NUMBER | vocabulary number + 1). */
typedef struct codes {
  uint32_t *v;
  size_t n, cap;
} codes;

/* Room in c for k more codes, grown; false without memory. */
static __attribute__((noinline)) bool codes_grow(codes *c, size_t k) {
  size_t cap = c->cap ? 2 * c->cap : 64;
  while (cap < c->n + k) cap *= 2;
  uint32_t *p = realloc(c->v, cap * sizeof *p);
  if (!p) return false;
  c->v = p;
  c->cap = cap;
  return true;
}

/* Room in c for k more codes (in line: asked for each piece). */
static inline bool codes_room(codes *c, size_t k) {
  return c->n + k <= c->cap || codes_grow(c, k);
}

static bool codes_add(codes *c, uint32_t code) {
  if (!codes_room(c, 1)) return false;
  c->v[c->n++] = code;
  return true;
}

static size_t vocab_find(const indicator_set *s, const word *w);

/* The words of piece p[0..n) keyed (cchc_match_key) appended to out. */
static cchc_status piece_words(const indicator_set *s, const char *p, size_t n,
                               codes *out, cchc_error *err) {
  cchc_error local = {0};
  char *key = cchc_match_key(p, n, &local);
  if (!key) {
    if (err) *err = local;
    return local.code ? local.code : CCHC_ERR_NOMEM;
  }
  word one[PIECE_LONGEST + 1], *w = one;
  size_t kn = strlen(key);
  if (kn > PIECE_LONGEST && !(w = malloc((kn + 1) * sizeof *w))) {
    free(key);
    return cchc_fail(err, CCHC_ERR_NOMEM, "out of memory");
  }
  size_t nw = words_of(key, w);
  bool ok = true;
  for (size_t i = 0; ok && i < nw; i++) {
    size_t v = vocab_find(s, &w[i]);
    ok = codes_add(out, (is_digit(w[i].s[0]) ? WORD_NUMBER : 0) |
                            (v == NOT_IN_VOCAB ? 0 : (uint32_t)(v + 1)));
  }
  if (w != one) free(w);
  free(key);
  return ok ? CCHC_OK : cchc_fail(err, CCHC_ERR_NOMEM, "out of memory");
}

/* A piece's bytes read 8 at a time (piece_hash, piece_same): its k-th
 * 8 bytes, or for the last 1 to 8 (n of them, from p) a number that tells
 * them apart from any other n bytes, read without a byte past them. */
static inline uint64_t piece_tail(const unsigned char *p, size_t n) {
  uint64_t v;
  if (n == 8) {
    memcpy(&v, p, 8);
    return v;
  }
  if (n >= 4) { /* two 4 bytes, overlapping when n < 8 */
    uint32_t lo, hi;
    memcpy(&lo, p, 4);
    memcpy(&hi, p + n - 4, 4);
    return (uint64_t)hi << 32 | lo;
  }
  if (n >= 2) {
    uint16_t lo, hi;
    memcpy(&lo, p, 2);
    memcpy(&hi, p + n - 2, 2);
    return (uint64_t)hi << 16 | lo;
  }
  return p[0];
}

static inline uint64_t piece_mix(uint64_t h, uint64_t v) {
  return ((h << 5 | h >> 59) ^ v) * UINT64_C(0x9E3779B97F4A7C15);
}

bool indicators_piece_hash_off = false;

/* The hash of piece p[0..n), n >= 1, 8 bytes a step: a byte at a time
 * (a multiply each, one waiting for the other) cost as much as finding
 * the piece. */
static uint64_t piece_hash(const unsigned char *p, size_t n) {
  uint64_t h = n, v;
  size_t q = 0;
  if (indicators_piece_hash_off) return h;
  for (; n - q > 8; q += 8) {
    memcpy(&v, p + q, 8);
    h = piece_mix(h, v);
  }
  h = piece_mix(h, piece_tail(p + q, n - q));
  return h ^ h >> 29; /* (the slot is of the low bits) */
}

/* Are a[0..n) and b[0..n) the same, n >= 1 (compared here: pieces are a
 * few bytes, a call costs more)? */
static bool piece_same(const unsigned char *a, const unsigned char *b,
                       size_t n) {
  uint64_t x, y;
  size_t q = 0;
  for (; n - q > 8; q += 8) {
    memcpy(&x, a + q, 8);
    memcpy(&y, b + q, 8);
    if (x != y) return false;
  }
  return piece_tail(a + q, n - q) == piece_tail(b + q, n - q);
}

/* The slot of piece p[0..n) (hash h: piece_hash) in m: where it is, or
 * the empty one where it goes. */
static uint32_t *piece_slot(struct piece_memo *m, const char *p, size_t n,
                            uint64_t h) {
  for (size_t i = h & (PIECE_SLOTS - 1);; i = (i + 1) & (PIECE_SLOTS - 1)) {
    uint32_t k = m->slots[i];
    if (!k) return &m->slots[i];
    const piece_kept *e = &m->v[k - 1];
    if (e->hash == h && e->len == n &&
        piece_same((const unsigned char *)m->bytes + e->at,
                   (const unsigned char *)p, n))
      return &m->slots[i];
  }
}

/* Keep piece p[0..n) (hash h, empty slot `slot`) with its words
 * words[0..nw): false when the memo is full or out of memory. */
static bool piece_keep(struct piece_memo *m, uint32_t *slot, const char *p,
                       size_t n, uint64_t h, const uint32_t *words,
                       size_t nw) {
  if (m->n == PIECES_KEPT || m->nwords + nw > PIECE_WORDS || nw > UINT16_MAX)
    return false;
  if (!m->v) {
    m->v = malloc(PIECES_KEPT * sizeof *m->v);
    m->bytes = malloc((size_t)PIECES_KEPT * PIECE_LONGEST);
    m->words = malloc(PIECE_WORDS * sizeof *m->words);
    if (!m->v || !m->bytes || !m->words) {
      free(m->v), free(m->bytes), free(m->words);
      m->v = NULL, m->bytes = NULL, m->words = NULL;
      return false;
    }
  }
  piece_kept *e = &m->v[m->n];
  *e = (piece_kept){h, (uint32_t)m->nbytes, (uint32_t)m->nwords, (uint16_t)n,
                    (uint16_t)nw};
  memcpy(m->bytes + m->nbytes, p, n);
  m->nbytes += n;
  if (nw) memcpy(m->words + m->nwords, words, nw * sizeof *words);
  m->nwords += nw;
  *slot = (uint32_t)++m->n;
  return true;
}

/* The words of text[0..len) (the words of its match key) into out, piece
 * by piece, kept pieces from the memo. */
static cchc_status text_words(const indicator_set *s, const char *text,
                              size_t len, codes *out, cchc_error *err) {
  struct piece_memo *m = s->memo;
  if (!m) /* (no memory for it) */
    return piece_words(s, text, len, out, err);
  /* A clause whose memo another thread holds is keyed whole, as without
   * a memo (the same words): waiting put the thread to sleep and woke it
   * again, some 140 times in 2,000 plans at -j 2, each a switch of the
   * processor away and back. */
  if (pthread_mutex_trylock(&m->lock) != 0)
    return piece_words(s, text, len, out, err);
  cchc_status st = CCHC_OK;
  bool keeps = m->slots || (m->slots = calloc(PIECE_SLOTS, sizeof *m->slots));
  const unsigned char *u = (const unsigned char *)text, *cls = m->class;
  for (size_t i = 0; i < len && st == CCHC_OK;) {
    size_t j = i;
    unsigned char c = cls[u[i]];
    if (c == PIECE_ALONE) {
      j++;
    } else {
      /* (a '.' or ',' goes in before what may key as a digit, a byte
       * beyond ASCII or a control character: PIECE_IN but letters) */
      while (j < len &&
             ((c = cls[u[j]]) == PIECE_IN ||
              (c == PIECE_JOIN && j + 1 < len && cls[u[j + 1]] == PIECE_IN &&
               !((u[j + 1] | 0x20) >= 'a' && (u[j + 1] | 0x20) <= 'z'))))
        j++;
      if (j == i) { /* a blank or a mark */
        i++;
        continue;
      }
    }
    size_t n = j - i;
    uint64_t h = keeps && n <= PIECE_LONGEST ? piece_hash(u + i, n) : 0;
    uint32_t *slot = keeps && n <= PIECE_LONGEST
                         ? piece_slot(m, text + i, n, h)
                         : NULL;
    if (slot && *slot) {
      const piece_kept *e = &m->v[*slot - 1];
      if (!codes_room(out, e->nw)) {
        st = cchc_fail(err, CCHC_ERR_NOMEM, "out of memory");
      } else {
        /* (a piece has a word or two: a call to memcpy cost more) */
        const uint32_t *w = m->words + e->first;
        for (size_t k = 0; k < e->nw; k++) out->v[out->n + k] = w[k];
        out->n += e->nw;
      }
    } else {
      size_t from = out->n;
      st = piece_words(s, text + i, n, out, err);
      if (st == CCHC_OK && slot)
        piece_keep(m, slot, text + i, n, h, out->v + from, out->n - from);
    }
    i = j;
  }
  pthread_mutex_unlock(&m->lock);
  return st;
}

bool indicators_words_agree(const indicator_set *s, const char *text,
                            size_t len) {
  codes cold = {0}, kept = {0}, whole = {0};
  bool ok = s && text_words(s, text, len, &cold, NULL) == CCHC_OK &&
            text_words(s, text, len, &kept, NULL) == CCHC_OK &&
            piece_words(s, text, len, &whole, NULL) == CCHC_OK &&
            cold.n == whole.n && kept.n == whole.n &&
            (!whole.n ||
             (!memcmp(cold.v, whole.v, whole.n * sizeof *whole.v) &&
              !memcmp(kept.v, whole.v, whole.n * sizeof *whole.v)));
  free(cold.v);
  free(kept.v);
  free(whole.v);
  return ok;
}

typedef struct held_read {
  const indicator_set *set;
  const char *text;
  size_t len;
  codes words;
  cchc_status st;
  bool done;
  pthread_mutex_t lock;
  pthread_cond_t done_cv;
} held_read;

static void *read_while_held(void *arg) {
  held_read *r = arg;
  r->st = text_words(r->set, r->text, r->len, &r->words, NULL);
  pthread_mutex_lock(&r->lock);
  r->done = true;
  pthread_cond_signal(&r->done_cv);
  pthread_mutex_unlock(&r->lock);
  return NULL;
}

bool indicators_words_while_memo_held(const indicator_set *s,
                                      const char *text, size_t len) {
  if (!s || !s->memo || pthread_mutex_lock(&s->memo->lock))
    return false;
  held_read r = {.set = s, .text = text, .len = len, .st = CCHC_ERR_NOMEM,
                 .lock = PTHREAD_MUTEX_INITIALIZER,
                 .done_cv = PTHREAD_COND_INITIALIZER};
  pthread_t t;
  bool started = pthread_create(&t, NULL, read_while_held, &r) == 0;
  /* a reader that waits for the memo would not end while it is held:
   * give it 2 s */
  struct timespec until;
  clock_gettime(CLOCK_REALTIME, &until);
  until.tv_sec += 2;
  pthread_mutex_lock(&r.lock);
  while (started && !r.done &&
         pthread_cond_timedwait(&r.done_cv, &r.lock, &until) == 0)
    ;
  bool ended = r.done;
  pthread_mutex_unlock(&r.lock);
  pthread_mutex_unlock(&s->memo->lock);
  if (started)
    pthread_join(t, NULL);
  codes whole = {0};
  bool ok = ended && r.st == CCHC_OK &&
            piece_words(s, text, len, &whole, NULL) == CCHC_OK &&
            whole.n == r.words.n &&
            (!whole.n ||
             !memcmp(whole.v, r.words.v, whole.n * sizeof *whole.v));
  free(r.words.v);
  free(whole.v);
  return ok;
}

static bool match_from(const phrase *p, size_t k, const clause *c,
                       size_t at) {
  for (; k < p->n; k++) {
    const item *it = &p->items[k];
    if (it->kind == ITEM_GAP) {
      for (size_t g = 0; g <= GAP_WORDS && at + g <= c->n; g++)
        if (match_from(p, k + 1, c, at + g)) return true;
      return false;
    }
    if (at >= c->n ||
        (it->kind == ITEM_NUMBER ? !c->number[at] : c->w[at] != it->word))
      return false;
    at++;
  }
  return true;
}

/* Can phrase p occur at all: does the clause have each of its words? */
static bool has_words(const phrase *p, const clause *c) {
  if (p->rare != SIZE_MAX && !c->has[p->rare]) return false;
  for (size_t k = 0; k < p->n; k++)
    if (p->items[k].kind == ITEM_WORD && !c->has[p->items[k].word])
      return false;
  return true;
}

static bool holds(const alts *a, const clause *c) {
  for (size_t i = 0; i < a->n; i++) {
    const phrase *p = &a->v[i];
    if (!has_words(p, c)) continue;
    if (p->n && p->items[0].kind == ITEM_WORD) {
      /* tried where its first word stands only */
      for (size_t at = c->first[p->items[0].word]; at < c->n; at = c->next[at])
        if (match_from(p, 0, c, at)) return true;
      continue;
    }
    for (size_t at = 0; at < c->n; at++)
      if (match_from(p, 0, c, at)) return true;
  }
  return false;
}

/* Index of the first entry the clause satisfies, or -1.  `tried`
 * (s->ne flags) marks the entries that may: those keyed by its words. */
static long resolve(const indicator_set *s, const clause *c,
                    const bool *tried) {
  for (size_t i = 0; i < s->ne; i++) {
    if (!tried[i]) continue;
    const entry *e = &s->e[i];
    bool ok = !holds(&e->exclude, c);
    for (size_t j = 0; ok && j < e->nhas; j++) ok = holds(&e->has[j], c);
    if (ok) return (long)i;
  }
  return -1;
}

static cchc_status classify(const indicator_set *s, const char *text,
                            size_t len, long *out, cchc_error *err) {
  *out = -1;
  codes w = {0};
  cchc_status st = text_words(s, text, len, &w, err);
  if (st != CCHC_OK) {
    free(w.v);
    return st;
  }
  size_t nw = w.n;
  /* one block: w[nw + 1], next[nw + 1], first[nvocab + 1], has[nvocab +
   * 1], the entries to try[ne], number[nw + 1] */
  size_t nhas = s->nvocab + 1 + s->ne;
  clause c = {.n = nw};
  c.w = malloc((2 * nw + 2 + s->nvocab + 1) * sizeof *c.w +
               (nhas + nw + 1) * sizeof *c.has);
  if (c.w) {
    c.next = c.w + nw + 1;
    c.first = c.next + nw + 1;
    c.has = (bool *)(c.first + s->nvocab + 1);
    c.number = c.has + nhas;
    memset(c.has, 0, nhas * sizeof *c.has);
    bool *tried = c.has + s->nvocab + 1;
    for (size_t i = 0; i < s->nalways; i++) tried[s->always[i]] = true;
    /* from the last word back, so that first[] ends at each word's first
     * place and next[] links its places in order */
    for (size_t i = nw; i-- > 0;) {
      uint32_t code = w.v[i];
      c.number[i] = code & WORD_NUMBER;
      code &= ~WORD_NUMBER;
      size_t v = c.w[i] = code ? code - 1 : NOT_IN_VOCAB;
      c.next[i] = nw;
      if (v == NOT_IN_VOCAB) continue;
      if (c.has[v]) {
        c.next[i] = c.first[v];
        c.first[v] = i;
        continue;
      }
      c.has[v] = true;
      c.first[v] = i;
      for (size_t k = s->word_first[v]; k < s->word_first[v + 1]; k++)
        tried[s->word_entries[k]] = true;
    }
    *out = resolve(s, &c, tried);
  } else {
    st = cchc_fail(err, CCHC_ERR_NOMEM, "out of memory");
  }
  free(c.w);
  free(w.v);
  return st;
}

cchc_status indicators_match(const indicator_set *s, const char *text,
                             size_t len, const char **key, cchc_error *err) {
  long e;
  *key = NULL;
  if (!s || !text) return CCHC_OK;
  cchc_status st = classify(s, text, len, &e, err);
  if (st == CCHC_OK && e >= 0) *key = s->e[e].key;
  return st;
}

/* ---- parsing -------------------------------------------------------------- */

typedef struct parser {
  const cchc_rules *rs;
  indicator_set *s;
  unsigned line;
  alts *cont; /* the class, has: or not: an indented line continues */
  cchc_error *err;
} parser;

static cchc_status fail(parser *p, const char *fmt, ...) CCHC_PRINTF(2, 3);
static cchc_status fail(parser *p, const char *fmt, ...) {
  if (!p->err) return CCHC_ERR_RULES;
  cchc_error_clear(p->err);
  p->err->code = CCHC_ERR_RULES;
  p->err->line = p->line;
  snprintf(p->err->path, sizeof p->err->path, "%s", p->s->path);
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(p->err->message, sizeof p->err->message, fmt, ap);
  va_end(ap);
  return CCHC_ERR_RULES;
}

static cchc_status nomem(parser *p) {
  return cchc_fail(p->err, CCHC_ERR_NOMEM, "out of memory");
}

static bool push_phrase(indicator_set *s, alts *a, phrase ph) {
  phrase *v = room(s, a->v, &a->cap, a->n, sizeof *v);
  if (!v) return false;
  a->v = v;
  a->v[a->n++] = ph;
  return true;
}

/* Every phrase of `cur` followed by each of `tail` (the items of a word
 * chunk, or one phrase of a class per copy). */
static bool extend(indicator_set *s, alts *cur, const alts *tail) {
  alts next = {0};
  for (size_t i = 0; i < cur->n; i++)
    for (size_t j = 0; j < tail->n; j++) {
      const phrase *a = &cur->v[i], *b = &tail->v[j];
      item *it = keep(s, (a->n + b->n) * sizeof *it);
      if (!it) return false;
      if (a->n) memcpy(it, a->items, a->n * sizeof *it);
      if (b->n) memcpy(it + a->n, b->items, b->n * sizeof *it);
      if (!push_phrase(s, &next, (phrase){it, a->n + b->n, SIZE_MAX})) return false;
    }
  *cur = next;
  return true;
}

static const concept_class *find_class(const indicator_set *s, const char *n,
                                       size_t len) {
  for (size_t i = 0; i < s->ncls; i++)
    if (strlen(s->cls[i].name) == len && !memcmp(s->cls[i].name, n, len))
      return &s->cls[i];
  return NULL;
}

static bool is_gap(const char *t, size_t n) {
  return (n == 3 && !memcmp(t, "...", 3)) ||
         (n == 3 && !memcmp(t, "\xE2\x80\xA6", 3)); /* U+2026 */
}

/* The number of folded word w in the vocabulary, added when new. */
static bool intern(indicator_set *s, const word *w, size_t *id) {
  for (size_t i = 0; i < s->nvocab; i++)
    if (s->vocab[i].n == w->n && !memcmp(s->vocab[i].s, w->s, w->n)) {
      *id = i;
      return true;
    }
  vocab_word *v = room(s, s->vocab, &s->cap_vocab, s->nvocab, sizeof *v);
  const char *copy = v ? keep_str(s, w->s, w->n) : NULL;
  if (!copy) return false;
  s->vocab = v;
  s->vocab[s->nvocab] = (vocab_word){copy, w->n, s->nvocab};
  *id = s->nvocab++;
  return true;
}

/* The words of one chunk of a phrase ("hồ", "sơ,", "(TTHC)") as items. */
static cchc_status chunk_items(parser *p, const char *t, size_t n,
                               alts *tail) {
  char *key;
  word *w;
  size_t nw = 0;
  cchc_status st = fold_words(t, n, &key, &w, &nw, p->err);
  if (st != CCHC_OK) return st;
  item *it = keep(p->s, nw * sizeof *it);
  bool ok = it != NULL;
  for (size_t i = 0; ok && i < nw; i++) {
    it[i].kind = ITEM_WORD;
    ok = intern(p->s, &w[i], &it[i].word);
  }
  free(w);
  free(key);
  if (!ok || !push_phrase(p->s, tail, (phrase){it, nw, SIZE_MAX})) return nomem(p);
  return CCHC_OK;
}

/* One alternative "w w @class # ... w" appended to `out`, its classes
 * expanded. */
static cchc_status parse_phrase(parser *p, const char *t, size_t n,
                                alts *out) {
  static const item gap = {ITEM_GAP, 0}, num = {ITEM_NUMBER, 0};
  alts cur = {0};
  if (!push_phrase(p->s, &cur, (phrase){NULL, 0, SIZE_MAX})) return nomem(p);
  bool last_gap = true; /* a phrase cannot start with a gap */
  size_t items = 0;
  for (size_t i = 0; i < n;) {
    while (i < n && (t[i] == ' ' || t[i] == '\t')) i++;
    size_t j = i;
    while (j < n && t[j] != ' ' && t[j] != '\t') j++;
    if (j == i) break;
    const char *c = t + i;
    size_t cn = j - i;
    i = j;
    alts tail = {0};
    cchc_status st = CCHC_OK;
    bool gap_here = is_gap(c, cn);
    if (gap_here) {
      if (last_gap)
        return fail(p, "'...' must stand between two words of a phrase");
      if (!push_phrase(p->s, &tail, (phrase){&gap, 1, SIZE_MAX})) return nomem(p);
    } else if (cn == 1 && c[0] == '#') {
      if (!push_phrase(p->s, &tail, (phrase){&num, 1, SIZE_MAX})) return nomem(p);
    } else if (c[0] == '@') {
      const concept_class *k = find_class(p->s, c + 1, cn - 1);
      if (!k) return fail(p, "unknown class '%.*s'", (int)cn, c);
      tail = k->a;
      if (cur.n * tail.n > MAX_EXPANSION)
        return fail(p, "phrase expands into more than %d phrases",
                    MAX_EXPANSION);
    } else if ((st = chunk_items(p, c, cn, &tail)) != CCHC_OK) {
      return st;
    }
    if (!tail.n || (tail.n == 1 && !tail.v[0].n)) continue; /* "-" alone */
    if (!extend(p->s, &cur, &tail)) return nomem(p);
    last_gap = gap_here;
    items++;
  }
  if (!items) return fail(p, "empty phrase");
  if (last_gap) return fail(p, "'...' must stand between two words of a phrase");
  for (size_t i = 0; i < cur.n; i++)
    if (!push_phrase(p->s, out, cur.v[i])) return nomem(p);
  return CCHC_OK;
}

static void trim(const char **t, size_t *n);

/* "a | b c | @cls d" appended to `out`.  A list that goes on over indented
 * lines may end one line with "|" or start the next with it. */
static cchc_status parse_alts(parser *p, const char *t, size_t n, alts *out) {
  trim(&t, &n);
  if (n && t[0] == '|') t++, n--;
  if (n && t[n - 1] == '|') n--;
  for (;;) {
    const char *bar = memchr(t, '|', n);
    size_t an = bar ? (size_t)(bar - t) : n;
    cchc_status st = parse_phrase(p, t, an, out);
    if (st != CCHC_OK || !bar) return st;
    t = bar + 1;
    n -= an + 1;
  }
}

static bool name_ok(const char *t, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (!((t[i] >= 'a' && t[i] <= 'z') || is_digit(t[i]) || t[i] == '_' ||
          t[i] == '.'))
      return false;
  return n > 0;
}

static void trim(const char **t, size_t *n) {
  while (*n && (**t == ' ' || **t == '\t')) (*t)++, (*n)--;
  while (*n && ((*t)[*n - 1] == ' ' || (*t)[*n - 1] == '\t' ||
                (*t)[*n - 1] == '\r'))
    (*n)--;
}

static cchc_status parse_class(parser *p, const char *t, size_t n) {
  const char *colon = memchr(t, ':', n);
  if (!colon) return fail(p, "expected 'class NAME: phrase | phrase'");
  const char *name = t;
  size_t nn = (size_t)(colon - t);
  trim(&name, &nn);
  if (!name_ok(name, nn) || memchr(name, '.', nn))
    return fail(p, "class name must be [a-z0-9_]: '%.*s'", (int)nn, name);
  if (find_class(p->s, name, nn))
    return fail(p, "class '%.*s' defined twice", (int)nn, name);
  indicator_set *s = p->s;
  concept_class *c = room(s, s->cls, &s->cap_cls, s->ncls, sizeof *c);
  if (!c || !(c[s->ncls].name = keep_str(s, name, nn))) return nomem(p);
  s->cls = c;
  c = &s->cls[s->ncls];
  c->a = (alts){0};
  cchc_status st = parse_alts(p, colon + 1, n - (size_t)(colon + 1 - t), &c->a);
  if (st != CCHC_OK) return st;
  s->ncls++; /* usable from the next line: a class cannot name itself */
  p->cont = &c->a;
  return CCHC_OK;
}

/* An entry is complete: it can match and shows that it does. */
static cchc_status finish_entry(parser *p) {
  indicator_set *s = p->s;
  if (!s->ne) return CCHC_OK;
  entry *e = &s->e[s->ne - 1];
  bool yes = false, no = false;
  for (size_t i = 0; i < e->nex; i++) {
    if (e->ex[i].positive) yes = true;
    else no = true;
  }
  unsigned at = p->line;
  p->line = e->line;
  cchc_status st = CCHC_OK;
  if (!e->nhas) st = fail(p, "%s has no 'has:' line", e->id);
  else if (!yes || !no)
    st = fail(p, "%s needs at least one 'yes:' and one 'no:' example", e->id);
  p->line = at;
  return st;
}

static cchc_status parse_indicator(parser *p, const char *t, size_t n) {
  trim(&t, &n);
  cchc_status st = finish_entry(p);
  if (st != CCHC_OK) return st;
  if (!name_ok(t, n))
    return fail(p, "expected 'indicator KEY', KEY a taxonomy key or none");
  char key[128];
  if (n >= sizeof key) return fail(p, "indicator key too long");
  memcpy(key, t, n);
  key[n] = '\0';
  bool none = !strcmp(key, "none");
  const tax_indicator *ti = none ? NULL : tax_find_indicator(p->rs, key);
  if (!none && !ti) return fail(p, "unknown indicator key '%s'", key);
  indicator_set *s = p->s;
  entry *e = room(s, s->e, &s->cap_e, s->ne, sizeof *e);
  if (!e) return nomem(p);
  s->e = e;
  e = &s->e[s->ne];
  memset(e, 0, sizeof *e);
  char id[160];
  snprintf(id, sizeof id, "indicator %s", key);
  if (!(e->id = keep_str(s, id, strlen(id)))) return nomem(p);
  e->key = ti ? ti->key : NULL;
  e->line = p->line;
  s->ne++;
  p->cont = NULL;
  return CCHC_OK;
}

static cchc_status parse_field(parser *p, const char *t, size_t n) {
  const char *colon = memchr(t, ':', n);
  if (!colon) return fail(p, "expected 'field: value', 'class' or 'indicator'");
  size_t fn = (size_t)(colon - t);
  const char *v = colon + 1;
  size_t vn = n - fn - 1;
  trim(&v, &vn);
  indicator_set *s = p->s;
  if (!s->ne) return fail(p, "field before the first 'indicator' line");
  entry *e = &s->e[s->ne - 1];
  p->cont = NULL;
#define FIELD(name) (fn == sizeof(name) - 1 && !memcmp(t, name, fn))
  if (FIELD("purpose")) return CCHC_OK;
  if (FIELD("has")) {
    alts *h = room(s, e->has, &e->cap_has, e->nhas, sizeof *h);
    if (!h) return nomem(p);
    e->has = h;
    h = &e->has[e->nhas++];
    *h = (alts){0};
    p->cont = h;
    return parse_alts(p, v, vn, h);
  }
  if (FIELD("not")) {
    p->cont = &e->exclude;
    return parse_alts(p, v, vn, &e->exclude);
  }
  if (FIELD("yes") || FIELD("no")) {
    if (!vn) return fail(p, "empty example");
    example *x = room(s, e->ex, &e->cap_ex, e->nex, sizeof *x);
    if (!x) return nomem(p);
    e->ex = x;
    x = &e->ex[e->nex];
    if (!(x->text = keep_str(s, v, vn))) return nomem(p);
    x->line = p->line;
    x->positive = FIELD("yes");
    e->nex++;
    return CCHC_OK;
  }
#undef FIELD
  return fail(p, "unknown field '%.*s'", (int)fn, t);
}

static cchc_status parse_line(parser *p, const char *raw, size_t n) {
  for (size_t k = 0; k < n;)
    if (cchc_utf8_next(raw, n, &k) < 0) return fail(p, "invalid UTF-8");
  if (memchr(raw, '\0', n)) return fail(p, "NUL byte");
  bool indented = n && (raw[0] == ' ' || raw[0] == '\t');
  const char *t = raw;
  trim(&t, &n);
  if (!n || t[0] == '#') {
    p->cont = NULL;
    return CCHC_OK;
  }
  if (indented) {
    if (!p->cont)
      return fail(p, "an indented line continues only 'class', 'has:' or "
                     "'not:'");
    return parse_alts(p, t, n, p->cont);
  }
  if (n > 6 && !memcmp(t, "class ", 6)) return parse_class(p, t + 6, n - 6);
  if (n > 10 && !memcmp(t, "indicator ", 10))
    return parse_indicator(p, t + 10, n - 10);
  return parse_field(p, t, n);
}

/* The vocabulary by hash, for vocab_find. */
static cchc_status hash_vocab(parser *p) {
  indicator_set *s = p->s;
  s->nslots = 16;
  while (s->nslots < 2 * s->nvocab) s->nslots *= 2;
  if (!(s->slots = keep(s, s->nslots * sizeof *s->slots))) return nomem(p);
  for (size_t i = 0; i < s->nvocab; i++)
    *vocab_slot(s, s->vocab[i].s, s->vocab[i].n) = i + 1;
  return CCHC_OK;
}

/* The key words of entry e into keys[] (room for every phrase), their
 * number, or SIZE_MAX when it has none: one word of each phrase of one
 * of its has: lists, each phrase's least common (by freq[], the phrases
 * each word is in), of the list with the fewest.  A clause that holds
 * none of them holds none of the list's phrases. */
static size_t entry_keys(const entry *e, const size_t *freq, size_t *keys,
                         size_t *scratch) {
  size_t best = SIZE_MAX;
  for (size_t j = 0; j < e->nhas; j++) {
    const alts *a = &e->has[j];
    size_t n = 0;
    bool ok = true;
    for (size_t i = 0; ok && i < a->n; i++) {
      size_t pick = NOT_IN_VOCAB;
      for (size_t k = 0; k < a->v[i].n; k++) {
        const item *it = &a->v[i].items[k];
        if (it->kind == ITEM_WORD &&
            (pick == NOT_IN_VOCAB || freq[it->word] < freq[pick]))
          pick = it->word;
      }
      ok = pick != NOT_IN_VOCAB;
      bool had = false;
      for (size_t k = 0; ok && k < n && !had; k++) had = scratch[k] == pick;
      if (ok && !had) scratch[n++] = pick;
    }
    if (ok && n < best) {
      best = n;
      memcpy(keys, scratch, n * sizeof *keys);
    }
  }
  return best;
}

/* The entries keyed by each word (struct indicator_set). */
static cchc_status index_entries(parser *p) {
  indicator_set *s = p->s;
  size_t most = 0; /* phrases of the longest has: list */
  size_t *freq = keep(s, (s->nvocab + 1) * sizeof *freq);
  if (!freq) return nomem(p);
  for (size_t i = 0; i < s->ne; i++)
    for (size_t j = 0; j < s->e[i].nhas; j++) {
      const alts *a = &s->e[i].has[j];
      if (a->n > most) most = a->n;
      for (size_t k = 0; k < a->n; k++)
        for (size_t m = 0; m < a->v[k].n; m++)
          if (a->v[k].items[m].kind == ITEM_WORD) freq[a->v[k].items[m].word]++;
    }
  for (size_t i = 0; i < s->ne; i++)
    for (size_t j = 0; j <= s->e[i].nhas; j++) {
      alts *a = j < s->e[i].nhas ? &s->e[i].has[j] : &s->e[i].exclude;
      for (size_t k = 0; k < a->n; k++) {
        phrase *ph = &a->v[k];
        ph->rare = SIZE_MAX;
        for (size_t m = 0; m < ph->n; m++)
          if (ph->items[m].kind == ITEM_WORD &&
              (ph->rare == SIZE_MAX || freq[ph->items[m].word] < freq[ph->rare]))
            ph->rare = ph->items[m].word;
      }
    }
  size_t *keys = keep(s, (most + 1) * sizeof *keys);
  size_t *scratch = keep(s, (most + 1) * sizeof *scratch);
  size_t *first = keep(s, (s->nvocab + 2) * sizeof *first);
  size_t *always = keep(s, (s->ne + 1) * sizeof *always);
  if (!keys || !scratch || !first || !always) return nomem(p);
  /* counted into first[v + 1], then summed into starts; filled in file
   * order, each entry once per word */
  size_t total = 0;
  for (size_t i = 0; i < s->ne; i++) {
    size_t n = entry_keys(&s->e[i], freq, keys, scratch);
    if (n == SIZE_MAX) continue;
    for (size_t k = 0; k < n; k++) first[keys[k] + 1]++;
    total += n;
  }
  for (size_t v = 0; v < s->nvocab; v++) first[v + 1] += first[v];
  size_t *list = keep(s, (total + 1) * sizeof *list);
  size_t *fill = keep(s, (s->nvocab + 1) * sizeof *fill);
  if (!list || !fill) return nomem(p);
  memcpy(fill, first, s->nvocab * sizeof *fill);
  for (size_t i = 0; i < s->ne; i++) {
    size_t n = entry_keys(&s->e[i], freq, keys, scratch);
    if (n == SIZE_MAX) always[s->nalways++] = i;
    for (size_t k = 0; n != SIZE_MAX && k < n; k++) list[fill[keys[k]]++] = i;
  }
  s->word_first = first;
  s->word_entries = list;
  s->always = always;
  return CCHC_OK;
}

cchc_status indicators_parse(const cchc_rules *rs, const char *path,
                             const char *data, size_t len,
                             indicator_set **out, cchc_error *err) {
  *out = NULL;
  indicator_set *s = calloc(1, sizeof *s);
  if (!s) return cchc_fail(err, CCHC_ERR_NOMEM, "out of memory");
  parser p = {.rs = rs, .s = s, .err = err};
  cchc_status st = (s->path = keep_str(s, path, strlen(path)))
                       ? CCHC_OK
                       : cchc_fail(err, CCHC_ERR_NOMEM, "out of memory");
  for (size_t at = 0; st == CCHC_OK && at < len;) {
    const char *nl = memchr(data + at, '\n', len - at);
    size_t n = nl ? (size_t)(nl - (data + at)) : len - at;
    p.line++;
    st = parse_line(&p, data + at, n);
    at += n + 1;
  }
  if (st == CCHC_OK) st = finish_entry(&p);
  if (st == CCHC_OK) st = hash_vocab(&p);
  if (st == CCHC_OK) st = index_entries(&p);
  /* (without memory for it, every clause is keyed whole: no memo) */
  if (st == CCHC_OK && (s->memo = calloc(1, sizeof *s->memo))) {
    if (pthread_mutex_init(&s->memo->lock, NULL)) {
      free(s->memo);
      s->memo = NULL;
    } else {
      for (unsigned c = 0; c < 256; c++)
        s->memo->class[c] = piece_class((unsigned char)c);
    }
  }
  if (st != CCHC_OK) {
    indicators_free(s);
    return st;
  }
  *out = s;
  return CCHC_OK;
}

/* ---- examples ------------------------------------------------------------- */

size_t indicators_test(const indicator_set *s, cchc_rules_report_fn report,
                       void *ctx, size_t *run) {
  size_t failed = 0;
  for (size_t i = 0; s && i < s->ne; i++) {
    const entry *e = &s->e[i];
    for (size_t j = 0; j < e->nex; j++) {
      const example *x = &e->ex[j];
      long got;
      char msg[768];
      msg[0] = '\0';
      if (run) (*run)++;
      if (classify(s, x->text, strlen(x->text), &got, NULL) != CCHC_OK)
        snprintf(msg, sizeof msg, "cannot fold: %s", x->text);
      else if (x->positive && got != (long)i)
        snprintf(msg, sizeof msg, "'yes' example goes to %s: %s",
                 got < 0 ? "no entry" : s->e[got].id, x->text);
      else if (!x->positive && got >= 0 &&
               (got == (long)i || (e->key && s->e[got].key == e->key)))
        snprintf(msg, sizeof msg, "'no' example gets this key (%s): %s",
                 s->e[got].id, x->text);
      if (msg[0]) {
        failed++;
        if (report) report(ctx, s->path, x->line, e->id, msg);
      }
    }
  }
  return failed;
}
