/* json.c: the frame as JSON, written value by value as the walk goes.
 *
 * jansson prints every key, string and real (escaping, numbers, with the
 * flags below), and integers are printed as it prints them
 * (cchc_integer_text: "%lld"); a string with nothing to escape, which
 * jansson would print as it is between quotes, is copied so, without a
 * pass of jansson's escaper over it (emit_json_unescaped).  The writer
 * adds the brackets, separators and indentation jansson puts around them,
 * so that the text is byte for byte what json_dumps prints for the tree
 * of the same document with the same flags (test_emit checks it on every
 * plan), followed by a newline; no tree is built.
 *
 * A document prints tens of thousands of scalars, so the per-value cost
 * counts: jansson's is per call and per character.  The scalars are
 * three json_t kept for the document and set anew for each value,
 * printed by json_dumpb straight into the output buffer, and what never
 * changes is printed by jansson once and then copied: each member's key
 * once per process; null, true and false once per document.  So is what
 * recurs: strings up to a few lines long (ids, rule ids, unit keys and
 * names, areas, comparators, a clause that holds two targets), and longer
 * ones up to a few kilobytes (the text of a task or a target) once met
 * a second time, within a document and from one document to the next,
 * since a batch of plans shares most of them (the commune plans of one
 * province follow one template): jansson's text of each is kept in a
 * table of the thread (memo below), by a hash of its ends and its
 * bytes.  A longer string waits for its second time so
 * that those of one plan alone, or of one long input, do not fill the
 * table. */
#include "emit.h"

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

enum {
  MAX_DEPTH = 16,
  PRINTED_MAX = 64,
  MEMO_SLOTS = 16384,   /* a batch's plans print a few thousand strings;
                           two slots to a hash */
  MEMO_MAX = 256,       /* strings kept: shorter than this */
  MEMO_LONG = 4096,     /* kept when met again: shorter than this */
  SEEN_SLOTS = 4096,
  MEMO_HASHED = 16,     /* bytes hashed at each end of a string */
  MEMO_TEXTS = 1 << 20, /* bytes kept before the strings start anew */
  PTR_SLOTS = 256       /* frame strings met in the document, by address */
};

/* jansson's text of a value; len 0 until printed. */
typedef struct printed {
  size_t len;
  char text[PRINTED_MAX];
} printed;

/* A string (shorter than MEMO_LONG bytes): its bytes at memo.texts + at,
 * then jansson's text of it.  Eight bytes, so that the table is 128 kB:
 * each string's lookup lands at a random slot, and a smaller table misses
 * the cache less (the texts stay under MEMO_TEXTS plus one string, and a
 * text is at most 6 bytes a byte plus its quotes). */
typedef struct string_slot {
  uint32_t at;
  uint16_t len, text_len; /* text_len 0: empty slot */
} string_slot;
_Static_assert(6 * MEMO_LONG + 2 <= UINT16_MAX, "a text's length in 16 bits");

/* A string of the frame (its address) found kept in the memo, in `at`. */
typedef struct ptr_slot {
  const char *s;
  string_slot at;
} ptr_slot;

/* What a thread's writers keep from one document to the next: jansson's
 * text of a string is the same in both layouts.  Its size
 * is bounded: a string table that holds MEMO_TEXTS bytes starts anew. */
typedef struct memo {
  bool busy; /* a writer uses it (a second one on the thread, printing
                from inside the first one's write function, has its own) */
  strbuf texts;
  string_slot strings[MEMO_SLOTS];      /* by a hash of the value, in pairs */
  uint64_t seen[SEEN_SLOTS]; /* hashes of longer strings met once */
} memo;

typedef struct writer {
  emit_sink *out;
  /* jansson's JSON_INDENT, JSON_COMPACT, JSON_REAL_PRECISION, and
   * JSON_ENCODE_ANY for scalars */
  size_t flags;
  int depth;              /* open containers */
  bool array[MAX_DEPTH];  /* container i is an array */
  bool filled[MAX_DEPTH]; /* container i holds a value */
  bool done;   /* the root value is complete */
  bool failed; /* jansson failed (out of memory), or a bug in the walk */
  json_t *string, *real; /* the scalar being printed */
  memo *memo;    /* the thread's, or the writer's own */
  bool own_memo; /* to be freed with the writer */
  /* Frame strings printed from the memo in this document, by address: a
   * frame holds many strings of the rules (rule ids, unit keys and names,
   * areas) at one address each, and while the document is printed the
   * frame does not change, so that one met again is the same string,
   * printed without looking it up in the memo (a random read that missed
   * the cache at most strings) nor comparing it.  Cleared with the
   * memo's strings. */
  ptr_slot ptrs[PTR_SLOTS];
  printed keys[EMIT_NNAMES]; /* those key_texts lacks */
} writer;

/* jansson's flags for a document: two layouts, one line (jsonl) or
 * indented by two.  Non-integral values with 15 significant digits, as in
 * XML and CSV (jansson's default of 17 prints 12.3 as
 * 12.300000000000001). */
static size_t json_flags(bool compact) {
  return JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15) | JSON_ENCODE_ANY |
         (compact ? JSON_COMPACT : JSON_INDENT(2));
}

static memo *memo_new(void) {
  memo *m = calloc(1, sizeof *m);
  if (m)
    strbuf_init(&m->texts);
  return m;
}

static void memo_free(void *p) {
  memo *m = p;
  if (m)
    strbuf_release(&m->texts);
  free(m);
}

/* Each thread's memo, freed when the thread ends. */
static pthread_key_t memo_key;
static bool memo_key_made;
static pthread_once_t memo_key_once = PTHREAD_ONCE_INIT;

static void make_memo_key(void) {
  memo_key_made = pthread_key_create(&memo_key, memo_free) == 0;
}

/* The calling thread's memo, made at its first document; NULL when it
 * cannot be had (out of memory, or in use). */
static memo *thread_memo(void) {
  pthread_once(&memo_key_once, make_memo_key);
  if (!memo_key_made)
    return NULL;
  memo *m = pthread_getspecific(memo_key);
  if (!m && (m = memo_new()) && pthread_setspecific(memo_key, m) != 0) {
    memo_free(m);
    return NULL;
  }
  return m && !m->busy ? m : NULL;
}

/* A writer with nothing printed yet but what its memo holds. */
static writer *writer_new(void) {
  writer *j = malloc(sizeof *j);
  if (!j)
    return NULL;
  memset(j, 0, offsetof(writer, keys));
  for (size_t i = 0; i < EMIT_NNAMES; i++)
    j->keys[i].len = 0;
  if (!(j->memo = thread_memo())) {
    j->own_memo = true;
    if (!(j->memo = memo_new())) {
      free(j);
      return NULL;
    }
  }
  j->memo->busy = true;
  return j;
}

static void writer_free(writer *j) {
  json_decref(j->string);
  json_decref(j->real);
  j->memo->busy = false;
  if (j->own_memo)
    memo_free(j->memo);
  free(j);
}

/* What jansson puts before a value: the comma after the value before it
 * (when `comma`), then (dump_indent) a line break and `depth` levels of
 * indentation, or with no indentation a space after the comma; in as few
 * pieces as the blanks below allow. */
static void separate(writer *j, int depth, bool comma) {
  static const char text[] = ",\n                                ";
  size_t per = j->flags & JSON_MAX_INDENT;
  if (!per) {
    if (comma)
      emit_put(j->out, ", ", j->flags & JSON_COMPACT ? 1 : 2);
    return;
  }
  const char *p = comma ? text : text + 1;
  size_t room = sizeof text - 1 - (size_t)(p - text);
  size_t n = (size_t)(text + 2 - p) + per * (size_t)depth;
  while (n > room) {
    emit_put(j->out, p, room);
    n -= room;
    p = text + 2; /* blanks only */
    room = sizeof text - 3;
  }
  emit_put(j->out, p, n);
}

/* Print `v` with jansson; v NULL is a value jansson failed to make. */
static void dump(writer *j, const json_t *v) {
  if (!v || !emit_put_json(j->out, v, j->flags))
    j->failed = true;
}

/* The kept string set to `s` (n bytes); NULL when jansson failed. */
static const json_t *string(writer *j, const char *s, size_t n) {
  return json_string_setn_nocheck(j->string, s, n) == 0 ? j->string : NULL;
}

/* Do the 8 bytes of x hold a '"', a '\\' or a control character?
 * (Byte-wise tests, nonzero exactly when some byte is one.) */
static bool escaped8(uint64_t x) {
  const uint64_t ones = UINT64_C(0x0101010101010101),
                 highs = UINT64_C(0x8080808080808080);
  uint64_t quote = x ^ ones * '"', backslash = x ^ ones * '\\';
  return (((quote - ones) & ~quote) | ((backslash - ones) & ~backslash) |
          ((x - ones * 0x20) & ~x)) &
         highs;
}

bool emit_json_unescaped(const char *s, size_t n, size_t flags) {
  /* jansson escapes '"', '\\' and the characters below U+0020, '/' and
   * those past U+007F only under these flags (writers use neither) */
  if (flags & (JSON_ESCAPE_SLASH | JSON_ENSURE_ASCII))
    return false;
  size_t i = 0;
#if defined(__SSE2__)
  const __m128i quote = _mm_set1_epi8('"'), backslash = _mm_set1_epi8('\\'),
                control = _mm_set1_epi8(0x1F);
  for (; i + 16 <= n; i += 16) {
    __m128i x = _mm_loadu_si128((const __m128i *)(s + i));
    /* x <= 0x1F (unsigned): max(x, 0x1F) == 0x1F */
    __m128i hit = _mm_or_si128(
        _mm_or_si128(_mm_cmpeq_epi8(x, quote), _mm_cmpeq_epi8(x, backslash)),
        _mm_cmpeq_epi8(_mm_max_epu8(x, control), control));
    if (_mm_movemask_epi8(hit))
      return false;
  }
#endif
  for (; i + 8 <= n; i += 8) {
    uint64_t x;
    memcpy(&x, s + i, sizeof x);
    if (escaped8(x))
      return false;
  }
  for (; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c < 0x20 || c == '"' || c == '\\')
      return false;
  }
  return true;
}

/* One step of string_hash: eight bytes of the string mixed in. */
static uint64_t hash_mix(uint64_t h, uint64_t bytes) {
  h = (h ^ bytes) * UINT64_C(0x9E3779B97F4A7C15);
  return h ^ h >> 29;
}

/* The 8 bytes at p as one number. */
static uint64_t bytes8(const char *p) {
  uint64_t v;
  memcpy(&v, p, sizeof v);
  return v;
}

/* A hash of the string `s` (n bytes): of its length and of the
 * MEMO_HASHED bytes at each of its two ends, where strings that recur
 * differ (ids, numbers), so that a long one costs no more than a short
 * one to look up; read eight bytes at a time (those of a short string
 * overlap), not one by one: every string printed is hashed. */
static uint64_t string_hash(const char *s, size_t n) {
  uint64_t h = (uint64_t)n * UINT64_C(0xFF51AFD7ED558CCD);
  if (n < 8) {
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++)
      v = v << 8 | (unsigned char)s[i];
    return hash_mix(h, v);
  }
  h = hash_mix(hash_mix(h, bytes8(s)), bytes8(s + n - 8));
  if (n > 2 * 8) /* up to MEMO_HASHED bytes at each end */
    h = hash_mix(hash_mix(h, bytes8(s + 8)), bytes8(s + n - MEMO_HASHED));
  return h;
}

/* The two slots the hash h of a string picks: the one used last first. */
static string_slot *string_pair(memo *m, uint64_t h) {
  return &m->strings[(h ^ h >> 32) % MEMO_SLOTS & ~(size_t)1];
}

/* The slot holding the string `s` (n bytes, hash h), moved to the front
 * of its pair; NULL when it is not kept. */
static string_slot *string_found(memo *m, uint64_t h, const char *s,
                                 size_t n) {
  string_slot *pair = string_pair(m, h);
  for (int k = 0; k < 2; k++) {
    string_slot found = pair[k];
    if (found.text_len && found.len == n &&
        memcmp(m->texts.buf + found.at, s, n) == 0) {
      pair[k] = pair[0];
      pair[0] = found;
      return &pair[0];
    }
  }
  return NULL;
}

/* A slot for a new string of hash h: the front of its pair, the string
 * there moved behind it (the one behind dropped). */
static string_slot *string_room(memo *m, uint64_t h) {
  string_slot *pair = string_pair(m, h);
  pair[1] = pair[0];
  return &pair[0];
}

/* Was a string of hash h met before?  It is noted now. */
static bool seen_before(memo *m, uint64_t h) {
  uint64_t *slot = &m->seen[(h ^ h >> 32) % SEEN_SLOTS];
  if (*slot == h)
    return true;
  *slot = h;
  return false;
}

/* Keep the string `s` (n bytes) and its text (jansson's, or the string
 * between quotes when there is nothing to escape) in `slot`; false when
 * jansson or an allocation failed. */
static bool keep_string(writer *j, string_slot *slot, const char *s,
                        size_t n) {
  memo *m = j->memo;
  const json_t *v;
  if (m->texts.len > MEMO_TEXTS) { /* start anew: memory stays bounded */
    memset(m->strings, 0, sizeof m->strings);
    strbuf_reset(&m->texts);
    memset(j->ptrs, 0, sizeof j->ptrs);
  }
  bool unescaped = emit_json_unescaped(s, n, j->flags);
  /* The longest text of n bytes: each a control character as \u00XX. */
  size_t room = unescaped ? n + 2 : 6 * n + 2;
  if (!strbuf_grow(&m->texts, n + room))
    return false;
  char *at = m->texts.buf + m->texts.len;
  size_t len = room;
  if (unescaped) {
    at[n] = '"';
    memcpy(at + n + 1, s, n);
    at[n + 1 + n] = '"';
  } else {
    if (!(v = string(j, s, n)))
      return false;
    len = json_dumpb(v, at + n, room, j->flags);
    if (len == 0 || len > room)
      return false;
  }
  memcpy(at, s, n);
  *slot = (string_slot){.at = (uint32_t)m->texts.len,
                        .len = (uint16_t)n,
                        .text_len = (uint16_t)len};
  m->texts.len += n + len;
  m->texts.buf[m->texts.len] = '\0';
  return true;
}

/* Print into *k the text before a member's value in the layout of
 * `flags`: jansson's text of its key and the colon after it; in the
 * compact layout, where no line break comes between members, the comma
 * before it too (",\"name\":"), which the first member skips. */
static bool print_key(printed *k, emit_name name, size_t flags) {
  bool compact = flags & JSON_COMPACT;
  size_t sep = compact ? 1 : 0, colon = compact ? 1 : 2;
  json_t *v = json_string_nocheck(emit_names[name]);
  size_t room = sizeof k->text - sep - colon;
  size_t n = v ? json_dumpb(v, k->text + sep, room, flags) : 0;
  json_decref(v);
  if (n == 0 || n > room)
    return false;
  if (compact)
    k->text[0] = ',';
  memcpy(k->text + sep + n, ": ", colon);
  k->len = sep + n + colon;
  return true;
}

/* The keys in each layout ([compact]) never change: printed once per
 * process, for every writer.  One jansson failed to print (out of
 * memory) has length 0, and a writer prints its own (j->keys). */
static printed key_texts[2][EMIT_NNAMES];
static pthread_once_t key_texts_once = PTHREAD_ONCE_INIT;

static void print_key_texts(void) {
  for (int compact = 0; compact < 2; compact++)
    for (size_t i = 0; i < EMIT_NNAMES; i++)
      print_key(&key_texts[compact][i], (emit_name)i, json_flags(compact));
}

/* The text before the value of member `name` (print_key); NULL when
 * jansson failed. */
static const printed *key_text(writer *j, emit_name name) {
  bool compact = j->flags & JSON_COMPACT;
  const printed *k = &key_texts[compact][name];
  if (k->len)
    return k;
  printed *own = &j->keys[name];
  return own->len || print_key(own, name, j->flags) ? own : NULL;
}

/* The text of key k from byte `skip` (0 or 1) on.  Every member of an
 * object puts its key, a few bytes: copied as KEY_COPY bytes at once (a
 * copy of a constant size is a few moves, no call of memcpy; read inside
 * k->text) when the buffer has room for them; the bytes past the key are
 * written over by what comes next. */
enum { KEY_COPY = 32 };
_Static_assert(KEY_COPY + 1 <= PRINTED_MAX, "a key's copy inside its text");

static inline void put_key(emit_sink *out, const printed *k, size_t skip) {
  size_t len = k->len - skip;
  if (len <= KEY_COPY && sizeof out->buf - out->n >= KEY_COPY &&
      !out->failed) {
    memcpy(out->buf + out->n, k->text + skip, KEY_COPY);
    out->n += len;
  } else {
    emit_put(out, k->text + skip, len);
  }
}

/* What comes before a value in the open container: the separator from the
 * value before it, the line break and indentation, the member's key. */
static bool begin_value(writer *j, emit_name name) {
  if (j->failed)
    return false;
  int d = j->depth;
  if (d == 0) {
    if (j->done) /* a second root: a bug in the walk */
      j->failed = true;
    return !j->failed;
  }
  bool comma = j->filled[d - 1];
  j->filled[d - 1] = true;
  if (j->array[d - 1]) {
    separate(j, d, comma);
    return !j->failed;
  }
  const printed *k = key_text(j, name);
  if (!k) {
    j->failed = true;
    return false;
  }
  if (j->flags & JSON_COMPACT) { /* the comma is the key's */
    put_key(j->out, k, !comma);
  } else {
    separate(j, d, comma);
    put_key(j->out, k, 0);
  }
  return !j->failed;
}

/* The scalar `v` (NULL when jansson failed to make it). */
static void put(writer *j, emit_name name, const json_t *v) {
  if (!v) {
    j->failed = true;
    return;
  }
  if (!begin_value(j, name))
    return;
  dump(j, v);
  if (j->depth == 0)
    j->done = true;
}


/* Copy `len` bytes of text kept for a scalar as the value `name`. */
static void put_text(writer *j, emit_name name, const char *text,
                     size_t len) {
  if (!begin_value(j, name))
    return;
  emit_put(j->out, text, len);
  if (j->depth == 0)
    j->done = true;
}

/* The integer `v`, as jansson prints it. */
static void put_integer(writer *j, emit_name name, long long v) {
  char text[CCHC_INTEGER_MAX];
  put_text(j, name, text, cchc_integer_text(v, text));
}

static void open_container(writer *j, emit_name name, bool array) {
  if (j->depth == MAX_DEPTH) {
    j->failed = true;
    return;
  }
  if (!begin_value(j, name))
    return;
  emit_put(j->out, array ? "[" : "{", 1);
  j->array[j->depth] = array;
  j->filled[j->depth] = false;
  j->depth++;
}

static void close_container(writer *j) {
  if (j->failed || j->depth == 0)
    return;
  int d = --j->depth;
  if (j->filled[d])
    separate(j, d, false);
  emit_put(j->out, j->array[d] ? "]" : "}", 1);
  if (d == 0)
    j->done = true;
}

static void j_begin_object(void *ctx, emit_name name) {
  open_container(ctx, name, false);
}

static void j_begin_array(void *ctx, emit_name name, emit_name item) {
  open_container(ctx, name, true);
}

static void j_end(void *ctx) { close_container(ctx); }

/* null, true and false: JSON's literals, which jansson prints as they
 * are in every layout (copied: no value of jansson's made per call). */
static void j_null(void *ctx, emit_name name) {
  writer *j = ctx;
  put_text(j, name, "null", 4);
}

/* The kept text of the string in slot m (n bytes) as the value `name`. */
static void put_kept(writer *j, emit_name name, const string_slot *m,
                     size_t n) {
  put_text(j, name, j->memo->texts.buf + m->at + n, m->text_len);
}

/* The memo keeps only strings j_string got, which the walk had cleaned:
 * one the frame holds byte for byte as kept is clean as it stands. */
static bool j_string_again(void *ctx, emit_name name, const char *value,
                           size_t n) {
  writer *j = ctx;
  if (n >= MEMO_LONG)
    return false;
  uintptr_t a = (uintptr_t)value;
  ptr_slot *p = &j->ptrs[(a ^ a >> 9) % PTR_SLOTS];
  if (p->s == value) {
    put_kept(j, name, &p->at, n);
    return true;
  }
  string_slot *m = string_found(j->memo, string_hash(value, n), value, n);
  if (!m)
    return false;
  *p = (ptr_slot){value, *m};
  put_kept(j, name, m, n);
  return true;
}

/* The string `s` (n bytes) as the value `name`, not kept: copied between
 * quotes when there is nothing to escape (most text of a plan), else
 * printed by jansson. */
static void put_string(writer *j, emit_name name, const char *s, size_t n) {
  if (!emit_json_unescaped(s, n, j->flags)) {
    put(j, name, string(j, s, n));
    return;
  }
  if (!begin_value(j, name))
    return;
  emit_put(j->out, "\"", 1);
  emit_put(j->out, s, n);
  emit_put(j->out, "\"", 1);
  if (j->depth == 0)
    j->done = true;
}

/* The walk hands over valid UTF-8 only (emit.h). */
static void j_string(void *ctx, emit_name name, const char *value, size_t n) {
  writer *j = ctx;
  if (!value) {
    j_null(j, name);
    return;
  }
  if (n >= MEMO_LONG) {
    put_string(j, name, value, n);
    return;
  }
  uint64_t h = string_hash(value, n);
  string_slot *m = string_found(j->memo, h, value, n);
  if (!m) {
    /* a longer string (a task's text, a clause) is kept once it recurs,
     * so that those of one plan alone do not fill the table */
    if (n >= MEMO_MAX && !seen_before(j->memo, h)) {
      put_string(j, name, value, n);
      return;
    }
    m = string_room(j->memo, h);
    if (!keep_string(j, m, value, n)) {
      m->text_len = 0;
      j->failed = true;
      return;
    }
  }
  put_kept(j, name, m, n);
}

static void j_number(void *ctx, emit_name name, double value) {
  writer *j = ctx;
  if (emit_number_is_integer(value))
    put_integer(j, name, (long long)value);
  else
    put(j, name, json_real_set(j->real, value) == 0 ? j->real : NULL);
}

static void j_integer(void *ctx, emit_name name, long long value) {
  put_integer(ctx, name, value);
}

static void j_boolean(void *ctx, emit_name name, bool value) {
  writer *j = ctx;
  if (value)
    put_text(j, name, "true", 4);
  else
    put_text(j, name, "false", 5);
}

static void j_span(void *ctx, emit_name name, frame_span s) {
  writer *j = ctx;
  /* Without indentation the pair is "[start, end]" (compact: no blank),
   * printed at once: a document has thousands of spans, and each value
   * on its own went through the container's steps. */
  if (!(j->flags & JSON_MAX_INDENT) && j->depth < MAX_DEPTH) {
    if (!begin_value(j, name))
      return;
    char text[2 * CCHC_INTEGER_MAX + 4];
    size_t n = 0;
    text[n++] = '[';
    n += cchc_integer_text((long long)s.start, text + n);
    text[n++] = ',';
    if (!(j->flags & JSON_COMPACT))
      text[n++] = ' ';
    n += cchc_integer_text((long long)s.end, text + n);
    text[n++] = ']';
    emit_put(j->out, text, n);
    if (j->depth == 0)
      j->done = true;
    return;
  }
  open_container(j, name, true);
  put_integer(j, name, (long long)s.start);
  put_integer(j, name, (long long)s.end);
  close_container(j);
}

static const emit_ops json_ops = {
    .begin_object = j_begin_object,
    .end_object = j_end,
    .begin_array = j_begin_array,
    .end_array = j_end,
    .string = j_string,
    .string_again = j_string_again,
    .number = j_number,
    .integer = j_integer,
    .boolean = j_boolean,
    .null = j_null,
    .span = j_span,
};

/* A first walk of the document that prints nothing: it starts reading
 * the memo's table at the slot of every string the document holds, so
 * that the reads overlap.  Printed one after the other, each string's
 * slot (a random place in a table that the extraction of the plan had
 * pushed out of the cache) was a wait of its own: a fifth of printing a
 * batch's document went to them. */
static void p_nothing(void *ctx) {}
static void p_name(void *ctx, emit_name name) {}
static void p_names(void *ctx, emit_name name, emit_name item) {}
static void p_string(void *ctx, emit_name name, const char *v, size_t n) {}
static void p_number(void *ctx, emit_name name, double v) {}
static void p_integer(void *ctx, emit_name name, long long v) {}
static void p_boolean(void *ctx, emit_name name, bool v) {}
static void p_span(void *ctx, emit_name name, frame_span v) {}
/* Claims every string, so that the walk cleans none. */
static bool p_string_again(void *ctx, emit_name name, const char *value,
                           size_t n) {
  writer *j = ctx;
  if (n < MEMO_LONG)
    __builtin_prefetch(string_pair(j->memo, string_hash(value, n)));
  return true;
}
static const emit_ops prefetch_ops = {
    .begin_object = p_name,
    .end_object = p_nothing,
    .begin_array = p_names,
    .end_array = p_nothing,
    .string = p_string,
    .string_again = p_string_again,
    .number = p_number,
    .integer = p_integer,
    .boolean = p_boolean,
    .null = p_name,
    .span = p_span,
};

cchc_status emit_json(const cchc_frame *frame, bool compact, emit_sink *out,
                      cchc_error *err) {
  writer *j = writer_new();
  if (!j)
    return cchc_fail(err, CCHC_ERR_NOMEM, "out of memory while writing JSON");
  j->out = out;
  j->flags = json_flags(compact);
  pthread_once(&key_texts_once, print_key_texts);
  j->string = json_string_nocheck("");
  j->real = json_real(0);
  cchc_status st = CCHC_OK;
  if (!j->string || !j->real)
    j->failed = true;
  else if ((st = emit_walk(frame, &prefetch_ops, j, err)) == CCHC_OK)
    st = emit_walk(frame, &json_ops, j, err); /* the first checked it */
  if (st == CCHC_OK && (j->failed || j->depth || !j->done))
    st = cchc_fail(err, CCHC_ERR_NOMEM, "out of memory while writing JSON");
  /* One document per line: end with a newline. */
  if (st == CCHC_OK)
    emit_put(out, "\n", 1);
  writer_free(j);
  return st;
}
