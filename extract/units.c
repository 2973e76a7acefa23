/* units.c: unit mentions, resolved to keys of the taxonomy (units.tsv) by
 * the `unit.` rules of rules/units.rules and unit.spelling, the rule the
 * loader makes from the table's spellings (its match says the unit);
 * unit-like noun phrases the taxonomy lacks by the `unitname.` rules.
 *
 * Every rule runs over the range; a mention is the rule's group `u` (else
 * its whole match).  Rules marked `standalone=yes` (short cell titles such
 * as "Tư pháp") keep a mention only where it stands as a cell, a line, a
 * list item, next to another mention, or in a context a `unitcell.` rule
 * accepts ("phối hợp với ...", "... chủ trì"); `level=` rules apply only in
 * plans of those levels; `alt=KEY` turns a short title into KEY when the
 * document names KEY in full elsewhere.  Overlapping mentions are settled
 * longest first, then leftmost, then by rule order.
 *
 * The text is canonical (valid UTF-8), so matching skips PCRE2's UTF check,
 * which would otherwise rescan the rest of the text at every match.  The
 * words of the document are read once, and the literals every match of a
 * rule holds (rule_facts) looked for among them: a range runs only the
 * rules whose literals its words hold, each only around them; a range
 * asked again is answered from the first time. */
#include "extract.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <utf8proc.h>

typedef struct cand {
  const rule *r;
  size_t order; /* rule order in the file */
  const char *key;
  size_t start, end;
  bool standalone;
  bool ok; /* still a mention (standalone test passed) */
} cand;

typedef struct cand_list {
  cand *items;
  size_t n, cap;
  bool failed;
} cand_list;

static void cand_push(cand_list *l, cand c) {
  if (l->failed) return;
  if (l->n == l->cap) {
    /* (a range names a few units: a first room of 8 is a small block
     * malloc keeps per thread, where 64 took a 3 KB one each time) */
    size_t cap = l->cap ? l->cap * 2 : 8;
    cand *p = realloc(l->items, cap * sizeof *p);
    if (!p) {
      l->failed = true;
      return;
    }
    l->items = p;
    l->cap = cap;
  }
  l->items[l->n++] = c;
}

static void out_of_memory(const xctx *x) {
  if (x->f) x->f->failed = true;
}

/* ---- rule attributes ----------------------------------------------------- */

static bool attr_yes(const rule *r, const char *key) {
  const char *v = rule_attr(r, key);
  return v && !strcmp(v, "yes");
}

/* Does a space-separated list contain `word`? */
static bool list_has(const char *list, const char *word) {
  size_t wl = strlen(word);
  for (const char *p = list; *p;) {
    while (*p == ' ' || *p == ',') p++;
    size_t l = strcspn(p, " ,");
    if (l == wl && !strncmp(p, word, wl)) return true;
    p += l;
  }
  return false;
}

/* A `level=` rule applies only in plans of those levels. */
static bool level_applies(const char *level, const rule *r) {
  const char *want = rule_attr(r, "level");
  if (!want) return true;
  return level && list_has(want, level);
}

/* The `unitcell.` rules (context before or after a short title) and the
 * `unitname.` rules (names a short title may be part of). */
typedef struct cell_ctx {
  rule_list cells, names;
} cell_ctx;

/* Does the document name an alt= key by a full form (document_names)? */
typedef struct alt_named {
  const char *key;
  bool named;
} alt_named;

/* What mentions() or unknown_names() gave for ranges asked lately: one
 * clause is asked again (by its task, its lead, its duties), soon after,
 * and the answer depends on the range and the rules chosen only.  A
 * fixed number of answers is kept, each in the slot its range hashes to
 * (a newer one takes the slot), so memory stays flat in the plan's size.
 * The slots are taken when the first answer is kept, and not cleared: a
 * bit per slot tells the kept ones (a plan keeps a few dozen answers, and
 * clearing 16 KB per document cost more than keeping them). */
enum { RANGE_ANSWERS = 512 };

typedef struct range_answer {
  size_t start, end;
  cand *items;
  size_t n;
} range_answer;

typedef struct range_answers {
  range_answer *slot; /* RANGE_ANSWERS of them, NULL: none taken yet */
  uint64_t kept[RANGE_ANSWERS / 64]; /* slot i holds an answer */
} range_answers;

/* Forget the answers (for rules chosen anew); the slots stay. */
static void answers_clear(range_answers *a) {
  for (size_t b = 0; b < RANGE_ANSWERS / 64; b++)
    for (uint64_t m = a->kept[b]; m; m &= m - 1)
      free(a->slot[b * 64 + (size_t)__builtin_ctzll(m)].items);
  memset(a->kept, 0, sizeof a->kept);
}

static void answers_free(range_answers *a) {
  answers_clear(a);
  free(a->slot);
  a->slot = NULL;
}

static size_t range_slot(size_t start, size_t end) {
  uint64_t h = (uint64_t)start * 0x9E3779B97F4A7C15u ^
               (uint64_t)end * 0xC2B2AE3D27D4EB4Fu;
  return (size_t)(h ^ h >> 29) % RANGE_ANSWERS;
}

static bool slot_kept(const range_answers *a, size_t i) {
  return a->kept[i / 64] >> (i % 64) & 1;
}

/* The answer for [start, end), or NULL. */
static const range_answer *answer_of(range_answers *a, size_t start,
                                     size_t end) {
  size_t i = range_slot(start, end);
  if (!slot_kept(a, i)) return NULL;
  const range_answer *r = &a->slot[i];
  return r->start == start && r->end == end ? r : NULL;
}

/* Keep l as the answer for [start, end) (nothing is kept without
 * memory: it is then found again when asked). */
static void answer_keep(range_answers *a, size_t start, size_t end,
                        const cand_list *l) {
  size_t i = range_slot(start, end);
  if (!a->slot && !(a->slot = malloc(RANGE_ANSWERS * sizeof *a->slot)))
    return;
  cand *copy = malloc((l->n ? l->n : 1) * sizeof *copy);
  if (!copy) return;
  if (l->n) memcpy(copy, l->items, l->n * sizeof *copy);
  if (slot_kept(a, i)) free(a->slot[i].items);
  a->slot[i] = (range_answer){start, end, copy, l->n};
  a->kept[i / 64] |= (uint64_t)1 << (i % 64);
}

/* The answer kept for [start, end) into the empty l; false when none. */
static bool answer_give(range_answers *a, size_t start, size_t end,
                        cand_list *l) {
  const range_answer *r = answer_of(a, start, end);
  if (!r) return false;
  for (size_t i = 0; i < r->n; i++) cand_push(l, r->items[i]);
  return true;
}

/* The matches the rules' scans met in a range, before any mention was
 * judged: each match's span, in the order the scans met them (rule by
 * rule), and whether it gave a candidate (the candidates in that order).
 * A range ending where one scanned before ends, and starting inside it
 * (the units after "phối hợp với" in a clause whose units were asked, a
 * cell's rest), is scanned by the same rules in the same text cut at the
 * same place: when no match of the longer scan runs across its start,
 * each rule's scan from there meets the longer scan's matches that start
 * there or after, and no other (a search from a place finds the leftmost
 * match starting there or after, and the longer scan searched from the
 * end of a match ending there or before).  The judging, which reads the
 * range's ends, is done anew.  The last RAW_SCANS ranges scanned are
 * kept, each in the slot its end hashes to. */
enum { RAW_SCANS = 8, RAW_MATCHES_MAX = 64 };

typedef struct raw_match {
  size_t ms, me; /* the match */
  bool gave;     /* it gave the next candidate */
} raw_match;

typedef struct raw_scan {
  bool valid;
  size_t start, end;
  raw_match m[RAW_MATCHES_MAX];
  size_t nm;
  cand c[RAW_MATCHES_MAX];
  size_t nc;
} raw_scan;

/* What mentions() gave for short ranges by their text: a table repeats
 * its cells ("UBND xã", "Các sở, ban, ngành") hundreds of times, each a
 * range of its own.  The answer depends on the bytes of the range, on
 * those before it that a lookbehind (or \b, ^) of the rules can read
 * (`context` characters: text_context), on whether the text's start is
 * among them, and on the document (its level, the alt= keys it names:
 * the answers are dropped with the rules chosen); the rules see the text
 * cut at the range's end.  Only the unit and cell rules count in the
 * context (a character or two: \b): the names' grammar reads some 40
 * back, into the cell before, but runs only for a standalone title that
 * no edge of a cell lets in (inside_name), and an answer whose search ran
 * it is not kept: a search that read only the bytes of the key goes the
 * same way over the same bytes, and so does not run it either.  A slot
 * per hash (a newer text takes it) keeps the answer (offsets from the
 * range's start) for its text: a cell's text comes again a few rows on,
 * and a copy costs less than the second search of it.  A plan gets few
 * slots, a long text up to TEXT_SLOTS. */
enum { TEXT_SLOTS = 4096, TEXT_ANSWER_MAX = 512 };

typedef struct text_answer {
  uint64_t hash; /* of the text kept here */
  char *text;    /* the context and the range; NULL: none kept */
  size_t len, before; /* bytes in all, of them before the range */
  bool at_zero;       /* the context reaches the text's start */
  cand *items;        /* start and end from the range's start */
  size_t n;
} text_answer;

typedef struct text_answers {
  size_t nslots; /* a power of 2 */
  text_answer slot[];
} text_answers;

/* The range [start, end) with the context before it, as a key. */
typedef struct text_key {
  const char *text;
  size_t len, before;
  bool at_zero;
  uint64_t hash;
} text_key;

static void text_answers_free(text_answers *a) {
  if (!a) return;
  for (size_t i = 0; i < a->nslots; i++) {
    free(a->slot[i].text);
    free(a->slot[i].items);
  }
  free(a);
}

static text_answer *text_slot(text_answers *a, const text_key *k) {
  return &a->slot[(size_t)(k->hash ^ k->hash >> 29) & (a->nslots - 1)];
}

/* The answer kept for the text of k, moved to `start`, into the empty l;
 * false when none. */
static bool text_answer_give(text_answers *a, const text_key *k, size_t start,
                             cand_list *l) {
  const text_answer *t = a ? text_slot(a, k) : NULL;
  if (!t || !t->text || t->hash != k->hash || t->len != k->len ||
      t->before != k->before || t->at_zero != k->at_zero ||
      memcmp(t->text, k->text, k->len))
    return false;
  for (size_t i = 0; i < t->n; i++) {
    cand c = t->items[i];
    c.start += start;
    c.end += start;
    cand_push(l, c);
  }
  return true;
}

/* Keep l as the answer for the range of k from `start`, in a text of n
 * bytes, in the slot of its text (nothing is kept without memory). */
static void text_answer_keep(text_answers **pa, size_t n, const text_key *k,
                             size_t start, const cand_list *l) {
  if (!*pa) {
    size_t nslots = 64; /* and one more for each 2 KB of text */
    while (nslots < TEXT_SLOTS && nslots * 2048 < n) nslots *= 2;
    if (!(*pa = calloc(1, sizeof **pa + nslots * sizeof (*pa)->slot[0])))
      return;
    (*pa)->nslots = nslots;
  }
  text_answer *t = text_slot(*pa, k);
  free(t->text);
  free(t->items);
  *t = (text_answer){0};
  char *text = malloc(k->len ? k->len : 1);
  cand *items = malloc((l->n ? l->n : 1) * sizeof *items);
  if (!text || !items) {
    free(text);
    free(items);
    return;
  }
  memcpy(text, k->text, k->len);
  for (size_t i = 0; i < l->n; i++) {
    items[i] = l->items[i];
    items[i].start -= start;
    items[i].end -= start;
  }
  *t = (text_answer){k->hash, text, k->len, k->before, k->at_zero, items,
                     l->n};
}

/* The `unit.` rules that say a unit in this document (rule_gives "unit",
 * level_applies), chosen once for its level: the units of every clause
 * are asked for, each time of all of them.  What the whole document says
 * is asked once too. */
/* What the gate knows of the chosen rules alone, before any text
 * (literal_gate_build): the literals of their clauses, numbered, and the
 * sets each clause and each first clause make of them. */
typedef struct gate_rules {
  size_t nlits;   /* literals of the unit rules, numbered here */
  const rule_literal **lits; /* by number */
  size_t nbits;   /* uint64_t per set of them */
  size_t *number; /* literal id in its set -> number + 1, 0: none */
  size_t nnumber;
  /* per chosen rule: needs[i * RULE_LITS * nbits ...], one set per clause,
   * the rule gated when it has clauses (nclauses[i]) */
  uint64_t *needs;
  size_t *nclauses;
  size_t *need_lo, *need_hi; /* per clause: where its set is not 0 */
  /* the literals of the clauses of gated rules (counted to choose one) */
  uint64_t *posted;
  /* the chosen rules (a bit each, rbits uint64_t per set) that may match
   * where literal l stands: first_of[l * rbits ...], those with l in their
   * first clause; ungated: those without clauses, which may match
   * anywhere */
  size_t rbits;
  uint64_t *first_of, *ungated;
} gate_rules;

/* The `unit.` rules that apply at one level and what their patterns tell
 * before any text: a function of the rule set and the level, made once
 * per level for the set (unit_choice_shared) and then only read, by every
 * worker and document (each plan made them anew: its selection, the
 * gate's numbering and sets, some 60 KB zeroed and filled). */
typedef struct unit_choice {
  char *level;       /* NULL: a document without a level */
  rule_list all;     /* every `unit.` rule */
  const rule **items; /* those that give a unit and apply at the level */
  size_t *order;     /* index in `all` */
  bool *standalone;
  size_t n;
  cell_ctx cc;
  bool starts_known; /* every mention of theirs lies in its match */
  /* the chosen rules a match may start with byte c by their facts: a bit
   * each in starting[c * rbits ...]; NULL without memory */
  uint64_t *starting;
  size_t rbits;
  /* Where a mention (group u, else the match) may start, for
   * units_mention_may_start: per byte c, mention_first[c * mbits ...] has
   * a bit for each chosen rule, then each `unitname.` rule (cc.names), a
   * mention of which may start with c; u_first[c * mbits ...] those whose
   * group u may start with c elsewhere than where their match does (told
   * by the byte alone).  NULL: not told (without memory, or a group u
   * whose first characters are not read). */
  uint64_t *mention_first, *u_first;
  size_t mbits;
  /* per rule as in mention_first: the words its matches start with, read
   * when the rule keeps none (its first bytes told its searches enough);
   * NULL when not read.  Those of unit_choices.words, borrowed, or owned
   * (words_owned) by a choice made for one document. */
  rule_first_words **first_words;
  rule_start_words **start_words;
  size_t nwords;
  bool words_owned;
  /* the first two bytes a mention of any of them may start with, a bit
   * per pair (first byte * 256 + second), from the above: most places
   * are told by one look; NULL: not told */
  uint64_t *pairs;
  /* of those pairs, the ones a mention may go on from with any byte
   * (open) and, for the rest, the first three bytes of the words, a bit
   * per hash of three (triple_slot) */
  uint64_t *open, *triples;
  size_t context; /* see unit_rules.context */
  /* a bit per `unitname.` rule (cc.names, the first 64) whose mention
   * starts where its match does (mention_at_match_start) */
  uint64_t names_at_start;
  gate_rules gate;
  bool gate_made; /* false without memory (or a literal beyond its set) */
  /* per `unitname.` rule with first words (cc.names: 256 * 256 bits
   * each, a bit per first two bytes of its words, or the first and any
   * for a word of one byte), for its scans (first_pair_at); NULL: not
   * told */
  uint64_t *name_pairs;
} unit_choice;

/* The choices made for a rule set, one per level met (a few: commune,
 * district, province, ...); a document of yet another level makes its
 * own. */
enum { UNIT_CHOICES = 16 };
struct unit_choices {
  unit_choice *items[UNIT_CHOICES];
  size_t n;
  /* the words a rule's matches start with (unit_choice.first_words),
   * read once for every level's choice: reading a rule's words case by
   * case costs tens of thousands of instructions */
  struct words_read {
    const rule *r;
    rule_first_words *fw;
    rule_start_words *sw;
  } *words;
  size_t nwords, cap_words;
};

typedef struct unit_rules {
  const char *level; /* the document's level when chosen (in the frame) */
  bool chosen;
  const unit_choice *ch; /* the rules chosen for the level */
  unit_choice *own;      /* ch when made for this document alone */
  /* of ch, read only */
  rule_list all;     /* every `unit.` rule */
  const rule *const *items;
  const size_t *order;     /* index in `all` */
  const bool *standalone;
  size_t n;
  cell_ctx cc;
  alt_named *alts; /* the keys asked about so far */
  size_t nalts, cap_alts;
  bool starts_known; /* every mention of theirs lies in its match */
  /* the chosen rules a match may start with byte c (unit_choice) */
  const uint64_t *starting;
  size_t rbits;
  const uint64_t *mention_first, *u_first; /* (unit_choice) */
  size_t mbits;
  rule_first_words *const *first_words; /* (unit_choice) */
  rule_start_words *const *start_words;
  const uint64_t *pairs, *open, *triples;
  const uint64_t *name_pairs; /* (unit_choice) */
  struct literal_gate *gate; /* built when first asked */
  range_answers said, named; /* of mentions() and unknown_names() */
  /* characters before a range the chosen rules and the cell rules may
   * read (text_context; not the names' grammar: see text_answer): SIZE_MAX
   * when not known, and then no answer is kept by text */
  size_t context;
  uint64_t names_at_start; /* (unit_choice) */
  bool ungated; /* units_set_ungated: no gate, no answer kept */
  text_answers *by_text; /* of mentions(), made when first kept */
  size_t text_hits;      /* answers given by text (units_text_hits) */
  /* The match of chosen rule `i` at `at` in the text cut at `end` that
   * units_may_start found last (valid): clause_opening asks the mentions
   * of that range next, where a search of the rule from `at` finds this
   * same match first (a search tries `at` first, as the try did, and
   * `at` is where a scan of the range starts); run_rule takes it. */
  struct {
    bool valid;
    size_t i, at, end;
    size_t ms, me, us, ue; /* the match, its group u (else the match) */
    const char *key;   /* rule_value "unit" */
  } opening;
  raw_scan *raw; /* RAW_SCANS of them, made when first kept */
  struct name_try *tries; /* of the names' grammar (name_try_at) */
  struct first_bytes *first_bytes; /* of a names rule (name_scan) */
  uint64_t tries_kept;    /* a bit per slot of `tries` that holds one */
  size_t name_tries_run;  /* tries run, not answered (units_name_tries) */
} unit_rules;

static void literal_gate_free(struct literal_gate *g);
static void unit_choice_free(unit_choice *c);

void units_free(xctx *x) {
  unit_rules *u = x->unit_rules;
  if (!u) return;
  unit_choice_free(u->own);
  free(u->alts);
  literal_gate_free(u->gate);
  answers_free(&u->said);
  answers_free(&u->named);
  text_answers_free(u->by_text);
  free(u->tries);
  free(u->raw);
  free(u->first_bytes);
  free(u);
  x->unit_rules = NULL;
}

/* The ']' that closes the class opening at p[0] == '[' (a ']' first in
 * it, escapes and POSIX names [:...:] inside it are its text); NULL when
 * the pattern ends first. */
static const char *class_end(const char *p) {
  const char *q = p + 1;
  if (*q == '^') q++;
  if (*q == ']') q++;
  for (; *q && *q != ']'; q++)
    if (*q == '\\' && q[1]) q++;
    else if (q[0] == '[' && q[1] == ':' && strstr(q + 2, ":]"))
      q = strstr(q + 2, ":]") + 1;
  return *q ? q : NULL;
}

/* Does the group u of a pattern lie inside its match, so that a mention
 * starts where a match does or after: no \K, and no lookbehind around
 * "(?<u>"?  Read conservatively (quoting, comments): false when unsure. */
static bool mention_in_match(const char *p) {
  if (strstr(p, "\\K")) return false;
  if (!strstr(p, "(?<u>")) return true; /* the mention is the match */
  if (strstr(p, "\\Q") || strchr(p, '#')) return false;
  /* what follows the last "(?<u>" places none: read up to it only (a
   * name rule's grammar runs on for kilobytes after it) */
  const char *last = strstr(p, "(?<u>");
  for (const char *m = last; (m = strstr(m + 1, "(?<u>"));) last = m;
  enum { DEPTH = 64 };
  bool behind[DEPTH]; /* each open group: a lookbehind? */
  size_t depth = 0, open_behind = 0;
  for (const char *q = p; *q && q <= last; q++) {
    if (*q == '\\') {
      if (!*++q) break;
    } else if (*q == '[') { /* a class: its brackets are no groups */
      if (!(q = class_end(q))) return false;
    } else if (*q == '(') {
      if (!strncmp(q, "(?<u>", 5) && open_behind) return false;
      if (depth == DEPTH) return false;
      behind[depth] = !strncmp(q, "(?<=", 4) || !strncmp(q, "(?<!", 4);
      open_behind += behind[depth++];
    } else if (*q == ')') {
      if (!depth) return false;
      open_behind -= behind[--depth];
    }
  }
  return true;
}

/* mention_in_match(r->pattern), read at the first ask and kept in r (the
 * rules are shared: every worker reads the same from the same pattern). */
static bool mention_inside(const rule *r) {
  _Atomic unsigned char *kept = &((rule *)r)->mention_inside;
  unsigned char v = atomic_load_explicit(kept, memory_order_relaxed);
  if (!v) {
    v = mention_in_match(r->pattern) ? 2 : 1;
    atomic_store_explicit(kept, v, memory_order_relaxed);
  }
  return v == 2;
}

/* May a match of r start with byte c, by its first bytes or first words
 * (rule_facts.first, rule.first_words)?  True when its facts do not say;
 * may_start_at tells for a place. */
static bool may_start_with(const rule *r, unsigned c) {
  if (r->facts.has_first) return r->facts.first[c] != 0;
  const rule_first_words *fw = r->first_words;
  return !fw || fw->from[c] < fw->to[c];
}

/* The chosen rules a match may start with byte c (see unit_choice), or
 * NULL without memory. */
static const uint64_t *rules_starting(const unit_rules *u, unsigned char c) {
  return u->starting ? u->starting + c * u->rbits : NULL;
}

/* How deep the lookbehinds of pattern p nest (0: none), read as
 * mention_in_match reads groups; SIZE_MAX when unsure: quoting, comments,
 * callouts, a subroutine call (a lookbehind may call a group holding
 * another), or groups that do not pair. */
static size_t lookbehind_depth(const char *p) {
  static const char *const verbs[] = {
      "(*plb:", "(*nlb:", "(*naplb:", "(*positive_lookbehind:",
      "(*negative_lookbehind:", "(*non_atomic_positive_lookbehind:"};
  enum { DEPTH = 64 };
  bool behind[DEPTH]; /* each open group: a lookbehind? */
  size_t depth = 0, open_behind = 0, deepest = 0;
  if (strstr(p, "\\Q") || strstr(p, "\\g") || strstr(p, "(?C") ||
      strchr(p, '#'))
    return SIZE_MAX;
  for (const char *q = p; *q; q++) {
    if (*q == '\\') {
      if (!*++q) return SIZE_MAX;
    } else if (*q == '[') { /* a class: its brackets are no groups */
      if (!(q = class_end(q))) return SIZE_MAX;
    } else if (*q == '(') {
      if (q[1] == '?' && (q[2] == '&' || q[2] == 'R' || q[2] == '+' ||
                          (q[2] >= '0' && q[2] <= '9') ||
                          (q[2] == '-' && q[3] >= '0' && q[3] <= '9') ||
                          (q[2] == 'P' && q[3] == '>')))
        return SIZE_MAX;
      if (depth == DEPTH) return SIZE_MAX;
      bool lb = !strncmp(q, "(?<=", 4) || !strncmp(q, "(?<!", 4);
      for (size_t k = 0; !lb && k < sizeof verbs / sizeof *verbs; k++)
        lb = !strncmp(q, verbs[k], strlen(verbs[k]));
      behind[depth++] = lb;
      open_behind += lb;
      if (open_behind > deepest) deepest = open_behind;
    } else if (*q == ')') {
      if (!depth) return SIZE_MAX;
      open_behind -= behind[--depth];
    }
  }
  return depth ? SIZE_MAX : deepest;
}

/* How many characters before the place a search starts r may read: PCRE2
 * tells the longest lookbehind (\b counts one), but not how far nested
 * ones reach together.  A lookbehind moves back at most that far and one
 * inside it as far again from there, and \b or a multiline ^ at the
 * deepest reads one more: the depth of the nesting (lookbehind_depth)
 * times it, and one.  When the depth is not read, a chain holds each
 * lookbehind of the pattern once at most (no recursion inside one), so
 * at most one more than there are lookbehinds.  SIZE_MAX when not
 * known. */
static size_t text_context(const rule *r) {
  uint32_t longest = 0;
  if (!r->code ||
      pcre2_pattern_info(r->code, PCRE2_INFO_MAXLOOKBEHIND, &longest) != 0)
    return SIZE_MAX;
  size_t depth = lookbehind_depth(r->pattern);
  if (depth != SIZE_MAX) return (depth ? depth : 1) * longest + 1;
  static const char *const verbs[] = {
      "(*plb:", "(*nlb:", "(*naplb:", "(*positive_lookbehind:",
      "(*negative_lookbehind:", "(*non_atomic_positive_lookbehind:"};
  size_t chain = 1;
  for (const char *p = strchr(r->pattern, '('); p; p = strchr(p + 1, '(')) {
    if (p[1] == '?') {
      chain += p[2] == '<' && (p[3] == '=' || p[3] == '!');
    } else if (p[1] == '*') {
      for (size_t k = 0; k < sizeof verbs / sizeof *verbs; k++)
        chain += !strncmp(p, verbs[k], strlen(verbs[k]));
    }
  }
  return chain * longest + 1;
}

/* text_context(r), read at the first ask and kept in r (the rules are
 * shared: every worker reads the same from the same pattern; unit.spelling
 * is long, and every document asks). */
static size_t text_context_kept(const rule *r) {
  _Atomic size_t *kept = &((rule *)r)->text_context;
  size_t v = atomic_load_explicit(kept, memory_order_relaxed);
  if (!v) {
    size_t c = text_context(r);
    v = c == SIZE_MAX ? SIZE_MAX : c + 1;
    atomic_store_explicit(kept, v, memory_order_relaxed);
  }
  return v == SIZE_MAX ? SIZE_MAX : v - 1;
}

static size_t context_max(size_t c, const rule *r) {
  size_t rc = c == SIZE_MAX ? SIZE_MAX : text_context_kept(r);
  return rc > c ? rc : c;
}

static bool continuation(const xctx *x, size_t at);

/* The key of [start, end) with u->context characters before it; false
 * when its answer is not kept by text (too long, context not known, or a
 * mention may start before its match: the names' grammar would then read
 * around it).  Every plan keys its ranges from its first: with a context
 * of two characters (\b) a cell's key is "|\n" and its text, and the
 * cells of one table repeat after a few rows. */
static bool text_key_of(const xctx *x, unit_rules *u, size_t start,
                        size_t end, text_key *k) {
  if (end - start > TEXT_ANSWER_MAX ||
      !u->starts_known)
    return false;
  if (u->context == SIZE_MAX) return false;
  size_t from = start;
  for (size_t c = 0; c < u->context && from > 0; c++) {
    from--;
    while (from > 0 && continuation(x, from)) from--;
  }
  if (end - from > 2 * TEXT_ANSWER_MAX) return false;
  *k = (text_key){x->s + from, end - from, start - from, from == 0, 0};
  k->hash = xtext_hash(k->text, k->len) ^ k->before ^
            (uint64_t)k->at_zero << 63;
  return true;
}

static unit_choice *unit_choice_make(const cchc_rules *rs,
                                     const char *level,
                                     struct unit_choices *cs);
static const unit_choice *unit_choice_shared(const cchc_rules *rs,
                                             const char *level);

/* The unit rules of the document; NULL (the frame failed) without memory. */
static unit_rules *unit_rules_of(xctx *x) {
  const char *level = x->f ? x->f->document.level.value : NULL;
  unit_rules *u = x->unit_rules;
  if (u && u->chosen && u->level == level) return u;
  if (!u) {
    if (!(u = x->unit_rules = calloc(1, sizeof *u))) goto nomem;
  } else { /* what was made for the rules chosen before */
    literal_gate_free(u->gate);
    u->gate = NULL;
    answers_clear(&u->said);
    answers_clear(&u->named);
    text_answers_free(u->by_text);
    u->by_text = NULL;
    free(u->raw);
    u->raw = NULL;
  }
  u->chosen = false;
  u->nalts = 0;
  u->opening.valid = false;
  unit_choice_free(u->own);
  u->own = NULL;
  const unit_choice *ch = unit_choice_shared(x->rules, level);
  if (!ch && !(ch = u->own = unit_choice_make(x->rules, level, NULL))) goto nomem;
  u->ch = ch;
  u->all = ch->all;
  u->cc = ch->cc;
  u->items = ch->items;
  u->order = ch->order;
  u->standalone = ch->standalone;
  u->n = ch->n;
  u->starts_known = ch->starts_known;
  u->starting = ch->starting;
  u->rbits = ch->rbits;
  u->mention_first = ch->mention_first;
  u->u_first = ch->u_first;
  u->mbits = ch->mbits;
  u->first_words = ch->first_words;
  u->start_words = ch->start_words;
  u->pairs = ch->pairs;
  u->open = ch->open;
  u->triples = ch->triples;
  u->context = ch->context;
  u->names_at_start = ch->names_at_start;
  u->name_pairs = ch->name_pairs;
  u->level = level;
  u->chosen = true;
  return u;
nomem:
  out_of_memory(x);
  return NULL;
}

/* r's first match in the canonical text cut at len, from `at` (ranges are
 * cut on character boundaries). */
static bool match_at(const xctx *x, const rule *r, size_t len, size_t at) {
  return rule_scan(r, &x->scan, len, at, x->md);
}

static bool continuation(const xctx *x, size_t at) {
  return at < x->n && ((unsigned char)x->s[at] & 0xC0) == 0x80;
}

/* ---- where a rule need not be run ---------------------------------------- */

/* Every match of a rule holds, for each clause of its literals
 * (rule_facts.lits, read from its pattern), one of the clause's literals
 * whole.  A literal is letters and digits, so it lies inside one word of
 * the text: a run of ASCII letters and digits and bytes beyond ASCII (a
 * case variant of a letter is a letter).  The distinct words of the
 * document are told once which literals of its unit rules they hold
 * (rule_literals_in_words: a plan of tens of kilobytes has a few thousand
 * bytes of distinct words); a range then knows the literals it may hold
 * from the words it covers.  A rule missing one of its clauses there is not
 * run, and one that is runs only around the words with a literal of the
 * clause the text holds least (gated_match): rule_scan would give the
 * same after searching the text for each literal again, range after
 * range. */
enum { LONGEST_WORD = RULE_LONGEST_WORD }; /* a longer run: no word */
#define NO_WORD RULE_NO_WORD                /* a run too long */

/* The gate keeps about 3 bytes per byte of text (where each word starts,
 * which it is, the words holding each literal or any): its words are read
 * for a text up to this size (a plan is rarely over 1 MB), so that one
 * long input keeps its peak memory near its size.  In a longer one a
 * range up to RANGE_READ_MAX bytes (a table cell, a list item) has its
 * own words read when asked about, so that only the rules whose
 * literals it holds run there (by rule_scan); a longer range runs every
 * rule, with the same results. */
enum { GATE_TEXT_MAX = RULE_WORDS_TEXT_MAX, RANGE_READ_MAX = 64u << 10 };

typedef struct literal_gate {
  gate_rules r; /* of the unit choice: borrowed, read only */
  bool worded; /* the words of the whole text are read (below) */
  /* the text's words (rule_text_words: its runs in order, and the
   * distinct words' first places and lengths), borrowed from the text */
  const rule_words *words;
  uint64_t *holds; /* holds[w * nbits ...]: literals distinct word w holds */
  /* the runs holding literal l, in order: post_run[post_first[l] ...
   * post_first[l + 1]), for the literals of the chosen clauses (`clause`;
   * none for the rest) */
  size_t *post_first;
  uint32_t *post_run;
  unsigned char *clause; /* per chosen rule: the clause gated_match goes by */
  uint64_t *whole; /* the literals the text holds */
  /* the runs whose word holds a literal, or is too long, in order: a
   * range's literals are read from these alone */
  uint32_t *held;
  size_t nheld;
  /* the range last asked about: where it starts (lo), its runs [first,
   * last) (first: the first ending after lo), its literals, the rules
   * that may match there by their first clause */
  size_t lo, first, last;
  uint64_t *range, *maybe;
  /* the range range_literals read last (asked_hi 0: none) and its answer */
  size_t asked_lo, asked_hi;
  bool asked_known;
  /* the sets are of two words, read in registers (range_may_hold) */
  bool sets_in_registers;
} literal_gate;

static void literal_gate_free(literal_gate *g) {
  if (!g) return;
  free(g->holds);
  free(g->post_first);
  free(g->post_run);
  free(g->clause);
  free(g->whole);
  free(g->held);
  free(g->maybe);
  free(g->range);
  free(g);
}

/* Where the run of word bytes from s[i] ends (n: the text's end). */
static size_t word_end(const char *s, size_t n, size_t i) {
  while (i < n && rule_word_byte((unsigned char)s[i])) i++;
  return i;
}

/* The words of the text, read once for it (rule_text_words: the walks of
 * deadlines look for their words in them too). */
static bool words_read(literal_gate *g, const xctx *x) {
  const rule_words *w = rule_text_words(&x->scan);
  if (!w) return false;
  g->words = w;
  return true;
}

/* Where run k ends. */
static size_t run_end(const literal_gate *g, const xctx *x, size_t k) {
  const rule_words *w = g->words;
  if (w->run_word[k] != NO_WORD) return w->run_at[k] + w->len[w->run_word[k]];
  return word_end(x->s, x->n, w->run_at[k]);
}

/* The number of literal l, given one when new; SIZE_MAX without room. */
static size_t literal_number(gate_rules *g, const rule_literal *l,
                             const rule_literal **order, size_t cap) {
  if (l->id >= g->nnumber) return SIZE_MAX;
  if (!g->number[l->id]) {
    if (g->nlits == cap) return SIZE_MAX;
    order[g->nlits] = l;
    g->number[l->id] = ++g->nlits;
  }
  return g->number[l->id] - 1;
}

/* Which literals each distinct word holds (rule_literals_in_words). */
static bool words_search(literal_gate *g, const xctx *x,
                         const rule_literal *const *lits) {
  const rule_words *w = g->words;
  g->holds = calloc(w->nwords ? w->nwords * g->r.nbits : 1, sizeof *g->holds);
  const uint32_t *id = rule_text_word_ids(&x->scan);
  return g->holds && id &&
         rule_literals_in_words(lits, g->r.nlits, x->s, w->at, w->len, id,
                                w->nwords, g->holds, g->r.nbits);
}

/* For each gated rule, the clause whose literals the fewest runs hold:
 * every match holds one of each clause's, so gated_match goes to the
 * words of any one of them ("các" leads many clauses and is everywhere;
 * "quan", "đơn" or "chuyên" are not).  runs_of[l]: the runs holding
 * literal l. */
static bool clauses_choose(literal_gate *g, const unit_rules *u,
                           const size_t *runs_of) {
  if (!(g->clause = calloc(u->n ? u->n : 1, sizeof *g->clause))) return false;
  for (size_t i = 0; i < u->n; i++) {
    const rule_facts *f = &u->items[i]->facts;
    size_t fewest = SIZE_MAX;
    for (size_t c = 0; c < g->r.nclauses[i]; c++) {
      size_t runs = 0;
      for (size_t k = 0; k < f->nalts[c]; k++) {
        size_t l = g->r.number[f->lits[c][k]->id] - 1;
        runs += runs_of[l];
      }
      if (runs < fewest) {
        fewest = runs;
        g->clause[i] = (unsigned char)c;
      }
    }
  }
  return true;
}

bool units_gate_one_post_off = false;

/* The literals the text holds (whole); the runs that hold any or are too
 * long (held); the clause each gated rule goes by (clauses_choose); and
 * for each literal of those clauses, the runs whose word holds it.
 * What a distinct word holds is read once, into the list of its posted
 * literals (word_post); most words hold none and are passed at one look.
 * The runs are walked once without a branch on their words, noting the
 * held ones and counting each word's runs, so that each literal's count
 * is its words' counts; the held runs are then placed along their
 * literals (each literal's start moves to the next one's, and back), a
 * word of one literal of those clauses (most that have any) by one look
 * (one1).  The per-word arrays are indexed by word + 1, as a run's word +
 * 1 is read: a run too long (NO_WORD) wraps to 0, which is held and posts
 * nothing. */
static bool postings_build(literal_gate *g, const unit_rules *u) {
  size_t nwords = g->words->nwords, nbits = g->r.nbits;
  const uint32_t *run_word = g->words->run_word;
  g->post_first = calloc(g->r.nlits + 1, sizeof *g->post_first);
  g->held = malloc((g->words->nruns + 1) * sizeof *g->held);
  unsigned char *holder1 = calloc(nwords + 1, sizeof *holder1);
  uint32_t *count1 = calloc(nwords + 1, sizeof *count1);
  /* word w's posts: word_post[first1[w + 1], first1[w + 2]) */
  size_t *first1 = malloc((nwords + 2) * sizeof *first1);
  size_t nposts = 0, cap_posts = 0;
  uint32_t *word_post = NULL;
  bool ok = g->post_first && g->held && holder1 && count1 && first1;
  if (ok) {
    first1[0] = first1[1] = 0;
    holder1[0] = 1;
  }
  for (size_t w = 0; ok && w < nwords; w++) {
    const uint64_t *has = g->holds + w * nbits;
    uint64_t any = has[0];
    if (nbits == 2) { /* (a set of 64 to 127 literals: the shipped rules) */
      any |= has[1];
    } else {
      for (size_t b = 1; b < nbits; b++) any |= has[b];
    }
    if (any) {
      holder1[w + 1] = 1;
      for (size_t b = 0; b < nbits; b++) {
        g->whole[b] |= has[b];
        for (uint64_t m = has[b] & g->r.posted[b]; ok && m; m &= m - 1) {
          uint32_t *p = nposts < cap_posts
                            ? word_post
                            : cchc_grow(word_post, &cap_posts, nposts,
                                        sizeof *word_post);
          if (!(ok = p != NULL)) break;
          word_post = p;
          word_post[nposts++] =
              (uint32_t)(b * 64 + (size_t)__builtin_ctzll(m));
        }
      }
    }
    first1[w + 2] = nposts;
  }
  size_t nheld = 0;
  /* (four runs a turn: the loop's own count and test were a third of it) */
#pragma GCC unroll 4
  for (size_t k = 0, nruns = ok ? g->words->nruns : 0; k < nruns; k++) {
    uint32_t w1 = run_word[k] + 1u; /* (unsigned: wraps) */
    g->held[nheld] = (uint32_t)k;
    nheld += holder1[w1];
    count1[w1]++;
  }
  g->nheld = nheld;
  for (size_t w1 = 1; ok && w1 <= nwords; w1++)
    for (size_t p = first1[w1]; p < first1[w1 + 1]; p++)
      g->post_first[word_post[p] + 1] += count1[w1];
  free(holder1);
  /* the clauses gated_match goes by, chosen by those counts; the runs are
   * placed along their literals only (the others' postings are never
   * read: each word keeps its posted literals of those clauses) */
  uint64_t *chosen = ok ? calloc(nbits, sizeof *chosen) : NULL;
  ok = chosen && clauses_choose(g, u, g->post_first + 1);
  for (size_t i = 0; ok && i < u->n; i++) {
    const rule_facts *f = &u->items[i]->facts;
    for (size_t k = 0; g->r.nclauses[i] && k < f->nalts[g->clause[i]]; k++) {
      size_t l = g->r.number[f->lits[g->clause[i]][k]->id] - 1;
      chosen[l / 64] |= (uint64_t)1 << (l % 64);
    }
  }
  for (size_t l = 0; ok && l < g->r.nlits; l++)
    if (!(chosen[l / 64] >> (l % 64) & 1)) g->post_first[l + 1] = 0;
  /* word w's posts of those clauses, told at one look: none (one1[w + 1]
   * 0), the one literal l (l + 1), or more (SEVERAL: read from word_post;
   * also every word when units_gate_one_post_off); the counts are read */
  enum { SEVERAL = UINT32_MAX };
  uint32_t *one1 = count1;
  for (size_t w1 = 1, kept = 0; ok && w1 <= nwords; w1++) {
    size_t from = first1[w1], to = first1[w1 + 1];
    first1[w1] = kept;
    for (size_t p = from; p < to; p++)
      if (chosen[word_post[p] / 64] >> (word_post[p] % 64) & 1)
        word_post[kept++] = word_post[p];
    if (w1 == nwords) first1[w1 + 1] = kept;
    size_t n = kept - first1[w1];
    one1[w1] = !n                                     ? 0
               : n == 1 && !units_gate_one_post_off ? word_post[kept - 1] + 1
                                                      : SEVERAL;
  }
  if (one1) one1[0] = 0; /* (a run too long) */
  free(chosen);
  if (ok) {
    uint32_t *held = realloc(g->held, (g->nheld + 1) * sizeof *held);
    if (held) g->held = held;
    for (size_t l = 0; l < g->r.nlits; l++)
      g->post_first[l + 1] += g->post_first[l];
    g->post_run = malloc((g->post_first[g->r.nlits] + 1) * sizeof *g->post_run);
    ok = g->post_run != NULL;
  }
  /* (locals: a store through g's arrays would have g's fields read again) */
  size_t *next = g->post_first;
  uint32_t *post_run = g->post_run;
  const uint32_t *held = g->held;
  for (size_t h = 0, held_n = ok ? nheld : 0; h < held_n; h++) {
    uint32_t k = held[h], w1 = run_word[k] + 1u, one = one1[w1];
    if (one - 1u < SEVERAL - 1u) {
      post_run[next[one - 1]++] = k;
    } else if (one == SEVERAL) {
      for (size_t p = first1[w1]; p < first1[w1 + 1]; p++)
        post_run[next[word_post[p]]++] = k;
    }
  }
  free(count1);
  free(first1);
  free(word_post);
  if (!ok) return false;
  for (size_t l = g->r.nlits; l > 0; l--) g->post_first[l] = g->post_first[l - 1];
  g->post_first[0] = 0;
  return true;
}

/* Does every literal of r's clauses lie inside words
 * (rule_literal_in_words)?  Read at the first ask and kept in r (the rules
 * are shared: every worker reads the same from the same literals). */
static bool lits_in_words(const rule *r) {
  _Atomic unsigned char *kept = &((rule *)r)->lits_in_words;
  unsigned char v = atomic_load_explicit(kept, memory_order_relaxed);
  if (!v) {
    const rule_facts *f = &r->facts;
    bool all = true;
    for (size_t c = 0; all && c < f->nlits; c++)
      for (size_t k = 0; all && k < f->nalts[c]; k++)
        all = rule_literal_in_words(f->lits[c][k]);
    v = all ? 2 : 1;
    atomic_store_explicit(kept, v, memory_order_relaxed);
  }
  return v == 2;
}

static void gate_rules_free(gate_rules *g) {
  free(g->lits);
  free(g->number);
  free(g->needs);
  free(g->nclauses);
  free(g->need_lo);
  free(g->need_hi);
  free(g->posted);
  free(g->first_of);
  free(g->ungated);
  *g = (gate_rules){0};
}

/* The gate's part of the chosen rules items[0, n) alone (gate_rules);
 * false without memory. */
static bool gate_rules_build(gate_rules *g, const rule *const *items,
                             size_t n) {
  *g = (gate_rules){0};
  const rule_literals *set = NULL;
  size_t cap = 0;
  for (size_t i = 0; i < n; i++) {
    const rule_facts *f = &items[i]->facts;
    for (size_t c = 0; c < f->nlits; c++) {
      cap += f->nalts[c];
      for (size_t k = 0; k < f->nalts[c]; k++) set = f->lits[c][k]->set;
    }
  }
  g->nnumber = set ? set->n : 0;
  g->nclauses = calloc(n ? n : 1, sizeof *g->nclauses);
  g->number = calloc(g->nnumber ? g->nnumber : 1, sizeof *g->number);
  g->lits = malloc((cap ? cap : 1) * sizeof *g->lits);
  if (!g->nclauses || !g->number || !g->lits) goto fail;
  /* number the literals of the rules whose literals all lie inside words */
  for (size_t i = 0; i < n; i++) {
    const rule_facts *f = &items[i]->facts;
    bool all = f->nlits > 0 && lits_in_words(items[i]);
    for (size_t c = 0; all && c < f->nlits; c++)
      for (size_t k = 0; k < f->nalts[c]; k++)
        all = all && f->lits[c][k]->set == set;
    for (size_t c = 0; all && c < f->nlits; c++)
      for (size_t k = 0; k < f->nalts[c]; k++)
        if (literal_number(g, f->lits[c][k], g->lits, cap) == SIZE_MAX)
          goto fail;
    if (all) g->nclauses[i] = f->nlits;
  }
  g->nbits = g->nlits / 64 + 1;
  g->needs = calloc(n * RULE_LITS * g->nbits + 1, sizeof *g->needs);
  g->need_lo = calloc(n * RULE_LITS + 1, sizeof *g->need_lo);
  g->need_hi = calloc(n * RULE_LITS + 1, sizeof *g->need_hi);
  if (!g->needs || !g->need_lo || !g->need_hi) goto fail;
  for (size_t i = 0; i < n; i++) {
    const rule_facts *f = &items[i]->facts;
    for (size_t c = 0; c < g->nclauses[i]; c++) {
      size_t *lo = &g->need_lo[i * RULE_LITS + c],
             *hi = &g->need_hi[i * RULE_LITS + c];
      *lo = g->nbits;
      for (size_t k = 0; k < f->nalts[c]; k++) {
        size_t b = g->number[f->lits[c][k]->id] - 1;
        g->needs[(i * RULE_LITS + c) * g->nbits + b / 64] |= (uint64_t)1
                                                             << (b % 64);
        if (b / 64 < *lo) *lo = b / 64;
        if (b / 64 + 1 > *hi) *hi = b / 64 + 1;
      }
    }
  }
  g->rbits = n / 64 + 1;
  g->first_of = calloc(g->nlits * g->rbits + 1, sizeof *g->first_of);
  g->ungated = calloc(g->rbits, sizeof *g->ungated);
  g->posted = calloc(g->nbits, sizeof *g->posted);
  if (!g->first_of || !g->ungated || !g->posted) goto fail;
  for (size_t i = 0; i < n; i++) {
    const rule_facts *f = &items[i]->facts;
    uint64_t bit = (uint64_t)1 << (i % 64);
    if (!g->nclauses[i]) g->ungated[i / 64] |= bit;
    for (size_t k = 0; g->nclauses[i] && k < f->nalts[0]; k++) {
      size_t l = g->number[f->lits[0][k]->id] - 1;
      g->first_of[l * g->rbits + i / 64] |= bit;
    }
    for (size_t c = 0; c < g->nclauses[i]; c++)
      for (size_t k = 0; k < f->nalts[c]; k++) {
        size_t l = g->number[f->lits[c][k]->id] - 1;
        g->posted[l / 64] |= (uint64_t)1 << (l % 64);
      }
  }
  return true;
fail:
  gate_rules_free(g);
  return false;
}

bool units_gate_sets_by_words_off = false;

/* The gate of the chosen rules, with the words of the whole text when
 * `worded`; NULL without memory. */
static literal_gate *literal_gate_build(const xctx *x, const unit_rules *u,
                                        bool worded) {
  if (!u->ch->gate_made) return NULL;
  literal_gate *g = calloc(1, sizeof *g);
  if (!g) return NULL;
  g->r = u->ch->gate;
  g->range = calloc(g->r.nbits, sizeof *g->range);
  g->maybe = calloc(g->r.rbits, sizeof *g->maybe);
  g->whole = calloc(g->r.nbits, sizeof *g->whole);
  if (!g->range || !g->maybe || !g->whole) goto fail;
  g->worded = worded;
  g->sets_in_registers = g->r.nbits == 2 && !units_gate_sets_by_words_off;
  if (worded && (!words_read(g, x) || !words_search(g, x, g->r.lits) ||
                 !postings_build(g, u)))
    goto fail;
  return g;
fail:
  literal_gate_free(g);
  return NULL;
}

/* ---- the unit rules of a level ---------------------------------------------- */

static void unit_choice_free(unit_choice *c) {
  if (!c) return;
  free(c->level);
  free(c->items);
  free(c->order);
  free(c->standalone);
  free(c->starting);
  free(c->mention_first);
  free(c->u_first);
  for (size_t j = 0; c->words_owned && j < c->nwords; j++) {
    free(c->first_words[j]);
    free(c->start_words[j]);
  }
  free(c->first_words);
  free(c->start_words);
  free(c->pairs);
  free(c->open);
  free(c->triples);
  gate_rules_free(&c->gate);
  free(c->name_pairs);
  free(c);
}

void unit_choices_free(struct unit_choices *cs) {
  if (!cs) return;
  for (size_t i = 0; i < cs->n; i++) unit_choice_free(cs->items[i]);
  for (size_t i = 0; i < cs->nwords; i++) {
    free(cs->words[i].fw);
    free(cs->words[i].sw);
  }
  free(cs->words);
  free(cs);
}

/* ---- where a mention may start ---------------------------------------- */

static bool pattern_blank(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
         c == '\v';
}

/* The ')' closing the group that opens at p[0] == '(' (escapes and
 * classes are text); *alts: a '|' stands at its own depth.  NULL when the
 * pattern ends first. */
static const char *group_close(const char *p, bool *alts) {
  size_t depth = 0;
  *alts = false;
  for (const char *q = p; *q; q++) {
    if (*q == '\\') {
      if (!*++q) return NULL;
    } else if (*q == '[') {
      if (!(q = class_end(q))) return NULL;
    } else if (*q == '(') {
      depth++;
    } else if (*q == ')') {
      if (!--depth) return q;
    } else if (*q == '|' && depth == 1) {
      *alts = true;
    }
  }
  return NULL;
}

/* The "(?<u>" pattern p opens with after items that read no character
 * (lookarounds, \b, ^), or NULL: a mention of that group starts where its
 * match does. */
static const char *group_u_opens(const char *p, bool extended) {
  for (;;) {
    while (extended && pattern_blank(*p)) p++;
    if (!strncmp(p, "(?<u>", 5)) return p;
    bool alts;
    if (!strncmp(p, "(?=", 3) || !strncmp(p, "(?!", 3) ||
        !strncmp(p, "(?<=", 4) || !strncmp(p, "(?<!", 4)) {
      if (!(p = group_close(p, &alts))) return NULL;
      p++;
    } else if (p[0] == '\\' && (p[1] == 'b' || p[1] == 'B' || p[1] == 'A')) {
      p += 2;
    } else if (*p == '^') {
      p++;
    } else {
      return NULL;
    }
  }
}

/* Does every mention of r (its group u, else its match) start where its
 * match does: no \K, and the only group u opens the pattern after items
 * that read no character, unrepeated (a group left unset gives the whole
 * match)?  Read conservatively (quoting, comments, other ways to name a
 * group): false when unsure. */
static bool mention_at_match_start(const rule *r) {
  const char *p = r->pattern;
  bool extended =
      r->anchored_options & (PCRE2_EXTENDED | PCRE2_EXTENDED_MORE);
  if (strstr(p, "\\K") || strstr(p, "(?P<u>") || strstr(p, "(?'u'") ||
      strstr(p, "\\Q") || strchr(p, '#'))
    return false;
  const char *u = strstr(p, "(?<u>");
  if (!u) return true; /* the mention is the match */
  if (group_u_opens(p, extended) != u || strstr(u + 1, "(?<u>")) return false;
  bool alts;
  const char *close = group_close(u, &alts);
  if (!close) return false;
  for (close++; extended && pattern_blank(*close); close++) {}
  return !strchr("*+?{", *close) || !*close;
}

/* The slot of bytes c0 c1 c2 in unit_choice.triples. */
static size_t triple_slot(unsigned c0, unsigned c1, unsigned c2) {
  uint32_t h = (c0 << 16 | c1 << 8 | c2) * 0x9E3779B1u;
  return h >> 16;
}

/* A word's first bytes w[0, len) (len >= 2) into pairs, and open or
 * triples. */
static void word_set(uint64_t *pairs, uint64_t *open, uint64_t *triples,
                     const unsigned char *w, size_t len) {
  size_t k = w[0] * 256u + w[1];
  pairs[k / 64] |= (uint64_t)1 << (k % 64);
  if (len == 2) {
    open[k / 64] |= (uint64_t)1 << (k % 64);
    return;
  }
  size_t t = triple_slot(w[0], w[1], w[2]);
  triples[t / 64] |= (uint64_t)1 << (t % 64);
}

/* Pairs of bytes (unit_choice.pairs): every pair c0 c1, or c0 and any. */
static void pair_set(uint64_t *pairs, unsigned c0, int c1) {
  if (c1 >= 0) {
    pairs[(c0 * 256 + (unsigned)c1) / 64] |= (uint64_t)1 << (c1 % 64);
    return;
  }
  memset(pairs + c0 * 256 / 64, 0xFF, 256 / 8);
}

/* The bytes a mention may start with (unit_choice.pairs, open, triples),
 * filled as read. */
typedef struct start_tables {
  uint64_t *pairs, *open, *triples;
} start_tables;

/* Into first[] the lead bytes of the characters the group opening at
 * g[0] == '(' (its name read) at `body` starts with, and into st its
 * first bytes: it opens with letters or digits, not optional, each in
 * its forms without case (a superset when the rule keeps case), up to
 * three of them (the first two bytes of those, or the first alone, when
 * they are fewer).  False when its first is not so read. */
static bool group_first_bytes(const char *g, const char *body, bool extended,
                              bool first[256], start_tables *st) {
  bool alts;
  const char *close = group_close(g, &alts);
  if (!close || alts) return false;
  int32_t forms[3][RULE_CASE_FORMS];
  size_t nforms[3], nchars = 0;
  const char *q = body;
  while (nchars < 3) {
    while (extended && pattern_blank(*q)) q++;
    const unsigned char *b = (const unsigned char *)q;
    if (q >= close || (*b < 0x80 && !((*b | 0x20) >= 'a' && (*b | 0x20) <= 'z') &&
                       !(*b >= '0' && *b <= '9')))
      break;
    utf8proc_int32_t cp;
    utf8proc_ssize_t len = utf8proc_iterate(b, 4, &cp);
    if (len <= 0 || q + len > close) break;
    const char *next = q + len;
    while (extended && pattern_blank(*next)) next++;
    if (*next == '?' || *next == '*' || *next == '{') break; /* optional */
    if (!(nforms[nchars] = rule_case_forms(cp, forms[nchars]))) break;
    nchars++;
    q = next;
    if (*next == '+') break; /* repeated: what follows is not known */
  }
  if (!nchars) return false;
  size_t combos = 1;
  for (size_t m = 0; m < nchars; m++) combos *= nforms[m];
  for (size_t i = 0; i < combos; i++) {
    unsigned char w[3 * 4];
    size_t len = 0, rest = i;
    for (size_t m = 0; m < nchars && len < 3; m++) {
      utf8proc_ssize_t l =
          utf8proc_encode_char(forms[m][rest % nforms[m]], w + len);
      rest /= nforms[m];
      if (l <= 0) return false;
      len += (size_t)l;
    }
    first[w[0]] = true;
    if (len >= 2) {
      word_set(st->pairs, st->open, st->triples, w, len < 3 ? len : 3);
    } else {
      pair_set(st->pairs, w[0], -1);
      pair_set(st->open, w[0], -1);
    }
  }
  return true;
}

/* The bytes r's mentions may start with away from its match's start: its
 * group u where that is not the match's start, into u_first[].  False
 * when not read (a group named otherwise, quoting, comments, a group
 * opening with other than a letter or digit). */
static bool mention_first_off(const rule *r, bool u_first[256],
                              start_tables *st) {
  const char *p = r->pattern;
  bool extended =
      r->anchored_options & (PCRE2_EXTENDED | PCRE2_EXTENDED_MORE);
  if (!strstr(p, "(?<u>")) return true;
  if (strstr(p, "(?P<u>") || strstr(p, "(?'u'") || strstr(p, "\\Q") ||
      strchr(p, '#') || strstr(p, "\\K"))
    return false;
  const char *opens = group_u_opens(p, extended);
  for (const char *q = strstr(p, "(?<u>"); q; q = strstr(q + 1, "(?<u>")) {
    if (q == opens) continue;
    if (!group_first_bytes(q, q + 5, extended, u_first, st)) return false;
  }
  return true;
}

/* Into pairs the first two bytes of a start word's forms (rule_start_words):
 * of its first character's when that takes two bytes or more, else its
 * first byte and each form of the second character's first.  False when
 * a form does not encode. */
static bool start_word_pairs(const rule_start_words *sw, uint64_t *pairs,
                             uint64_t *open, uint64_t *triples) {
  for (unsigned c = 0; c < 256; c++)
    if (sw->first[c] & 2) { /* a digit's */
      pair_set(pairs, c, -1);
      pair_set(open, c, -1);
    }
  for (size_t k = 0; k < sw->n; k++) {
    /* each choice of a form for each of its first characters (a word
     * has two at least: rule_start_words_read) */
    size_t nc = sw->nchars[k], combos = 1;
    if (nc < 2) return false;
    for (size_t m = 0; m < nc; m++) combos *= sw->nforms[k][m];
    for (size_t i = 0; i < combos; i++) {
      unsigned char w[3 * 4];
      size_t len = 0, rest = i;
      for (size_t m = 0; m < nc && len < 3; m++) {
        size_t f = rest % sw->nforms[k][m];
        rest /= sw->nforms[k][m];
        utf8proc_ssize_t l =
            utf8proc_encode_char(sw->forms[k][m][f], w + len);
        if (l <= 0) return false;
        len += (size_t)l;
      }
      word_set(pairs, open, triples, w, len < 3 ? len : 3);
    }
  }
  return true;
}

/* The words r's matches start with, when r keeps none: into *fw (a rule
 * with case) or *sw, NULL when not read. */
static void words_of_rule(const rule *r, rule_first_words **fw,
                          rule_start_words **sw) {
  *fw = NULL;
  *sw = NULL;
  if (r->first_words || r->start_words) return;
  if (!(r->anchored_options & PCRE2_CASELESS))
    rule_first_words_read(r->pattern, r->anchored_options, fw);
  if (!*fw) rule_start_words_read(r->pattern, r->anchored_options, sw);
}

/* words_of_rule, kept in cs for the choices of other levels (NULL: the
 * choice reads and owns its own).  False without memory. */
static bool words_kept(struct unit_choices *cs, const rule *r,
                       rule_first_words **fw, rule_start_words **sw) {
  if (!cs) {
    words_of_rule(r, fw, sw);
    return true;
  }
  for (size_t i = 0; i < cs->nwords; i++)
    if (cs->words[i].r == r) {
      *fw = cs->words[i].fw;
      *sw = cs->words[i].sw;
      return true;
    }
  struct words_read *p = cchc_grow(cs->words, &cs->cap_words, cs->nwords,
                                   sizeof *cs->words);
  if (!p) return false;
  cs->words = p;
  words_of_rule(r, fw, sw);
  cs->words[cs->nwords++] = (struct words_read){r, *fw, *sw};
  return true;
}

/* unit_choice.mention_first and u_first, left NULL when not told; the
 * words read kept in cs (NULL: by the choice). */
static void mention_starts_read(unit_choice *u, struct unit_choices *cs) {
  size_t n = u->n + u->cc.names.n;
  size_t mbits = (n + 63) / 64 ? (n + 63) / 64 : 1;
  uint64_t *any = calloc(256 * mbits, sizeof *any);
  uint64_t *off = calloc(256 * mbits, sizeof *off);
  u->first_words = calloc(n ? n : 1, sizeof *u->first_words);
  u->start_words = calloc(n ? n : 1, sizeof *u->start_words);
  bool ok = any && off && u->first_words && u->start_words;
  if (ok) u->nwords = n;
  u->words_owned = !cs;
  /* the words a rule's matches start with, as rule_read_facts reads
   * them for the rules that need them (a miss leaves NULL: not told) */
  for (size_t j = 0; ok && j < n; j++) {
    const rule *r = j < u->n ? u->items[j] : u->cc.names.items[j - u->n];
    ok = words_kept(cs, r, &u->first_words[j], &u->start_words[j]);
  }
  /* the pairs: of each rule's words, else of the bytes it starts with,
   * and of its group u's first characters */
  uint64_t *pairs = ok ? calloc(256 * 256 / 64, sizeof *pairs) : NULL;
  uint64_t *open = ok ? calloc(256 * 256 / 64, sizeof *open) : NULL;
  uint64_t *triples = ok ? calloc(65536 / 64, sizeof *triples) : NULL;
  ok = ok && pairs && open && triples;
  start_tables st = {pairs, open, triples};
  for (size_t j = 0; ok && j < n; j++) {
    const rule *r = j < u->n ? u->items[j] : u->cc.names.items[j - u->n];
    bool u_first[256] = {false};
    ok = mention_first_off(r, u_first, &st);
    uint64_t bit = (uint64_t)1 << (j % 64);
    for (unsigned c = 0; ok && c < 256; c++) {
      if (u_first[c]) off[c * mbits + j / 64] |= bit;
      if (u_first[c] || may_start_with(r, c)) any[c * mbits + j / 64] |= bit;
    }
  }
  for (size_t j = 0; ok && j < n; j++) {
    const rule *r = j < u->n ? u->items[j] : u->cc.names.items[j - u->n];
    const rule_first_words *fw =
        r->first_words ? r->first_words : u->first_words[j];
    const rule_start_words *sw =
        r->start_words ? r->start_words : u->start_words[j];
    if (fw) {
      for (size_t k = 0; k < fw->n; k++)
        if (fw->w[k].len >= 2) {
          word_set(pairs, open, triples, fw->w[k].text,
                   fw->w[k].len < 3 ? fw->w[k].len : 3);
        } else {
          pair_set(pairs, fw->w[k].text[0], -1);
          pair_set(open, fw->w[k].text[0], -1);
        }
    } else if (sw) {
      ok = start_word_pairs(sw, pairs, open, triples);
    } else {
      for (unsigned c = 0; c < 256; c++)
        if (may_start_with(r, c)) {
          pair_set(pairs, c, -1);
          pair_set(open, c, -1);
        }
    }
  }
  if (!ok) {
    free(any);
    free(off);
    free(pairs);
    free(open);
    free(triples);
    return;
  }
  u->pairs = pairs;
  u->open = open;
  u->triples = triples;
  u->mention_first = any;
  u->u_first = off;
  u->mbits = mbits;
}

/* The unit rules of rs that apply at `level` (NULL: none) and what their
 * patterns tell (unit_choice); NULL without memory. */
static unit_choice *unit_choice_make(const cchc_rules *rs,
                                     const char *level,
                                     struct unit_choices *cs) {
  unit_choice *u = calloc(1, sizeof *u);
  if (!u || (level && !(u->level = strdup(level)))) goto fail;
  u->all = rules_select(rs, "unit.", NULL);
  u->cc.names = rules_select(rs, "unitname.", NULL);
  u->cc.cells = rules_select(rs, "unitcell.", NULL);
  size_t cap = u->all.n ? u->all.n : 1;
  if (!(u->items = malloc(cap * sizeof *u->items)) ||
      !(u->order = malloc(cap * sizeof *u->order)) ||
      !(u->standalone = malloc(cap * sizeof *u->standalone)))
    goto fail;
  for (size_t i = 0; i < u->all.n; i++) {
    const rule *r = u->all.items[i];
    if (!rule_gives(r, "unit") || !level_applies(level, r)) continue;
    u->items[u->n] = r;
    u->order[u->n] = i;
    u->standalone[u->n++] = attr_yes(r, "standalone");
  }
  u->starts_known = true;
  for (size_t i = 0; i < u->n; i++)
    u->starts_known = u->starts_known && mention_inside(u->items[i]);
  for (size_t i = 0; i < u->cc.names.n; i++)
    u->starts_known =
        u->starts_known && mention_inside(u->cc.names.items[i]);
  for (size_t i = 0; i < u->cc.names.n && i < 64; i++)
    if (mention_at_match_start(u->cc.names.items[i]))
      u->names_at_start |= (uint64_t)1 << i;
  u->context = 0;
  for (size_t i = 0; i < u->n; i++)
    u->context = context_max(u->context, u->items[i]);
  for (size_t i = 0; i < u->cc.cells.n; i++)
    u->context = context_max(u->context, u->cc.cells.items[i]);
  /* without memory for it, every rule is looked at (rules_starting) */
  u->rbits = (u->n + 63) / 64;
  u->starting = calloc(256 * (u->rbits ? u->rbits : 1), sizeof *u->starting);
  for (unsigned c = 0; u->starting && c < 256; c++)
    for (size_t i = 0; i < u->n; i++)
      if (may_start_with(u->items[i], c))
        u->starting[c * u->rbits + i / 64] |= (uint64_t)1 << (i % 64);
  mention_starts_read(u, cs);
  u->gate_made = gate_rules_build(&u->gate, u->items, u->n);
  /* (without memory the scans look at every word of a first byte) */
  enum { PAIR_WORDS = 256 * 256 / 64 };
  u->name_pairs = calloc(u->cc.names.n * PAIR_WORDS + 1, sizeof *u->name_pairs);
  for (size_t j = 0; u->name_pairs && j < u->cc.names.n; j++) {
    const rule_first_words *fw = u->cc.names.items[j]->first_words;
    uint64_t *pairs = u->name_pairs + j * PAIR_WORDS;
    for (size_t k = 0; fw && k < fw->n; k++) {
      unsigned c0 = fw->w[k].text[0];
      if (fw->w[k].len < 2) {
        memset(pairs + c0 * 256 / 64, 0xFF, 256 / 8);
        continue;
      }
      size_t pair = c0 * 256u + fw->w[k].text[1];
      pairs[pair / 64] |= (uint64_t)1 << (pair % 64);
    }
  }
  return u;
fail:
  unit_choice_free(u);
  return NULL;
}

/* The shared choices of every rule set (cchc_rules.unit_choices): made
 * under this lock, never changed once made. */
static pthread_mutex_t choices_lock = PTHREAD_MUTEX_INITIALIZER;

/* The choice for `level` kept with rs, made at the first ask; NULL
 * without memory or room (the caller then makes its own). */
static const unit_choice *unit_choice_shared(const cchc_rules *rs,
                                             const char *level) {
  /* the rule set is shared read-only; its choices are made once, under
   * the lock, as rulescan.c keeps the answers of the literals */
  cchc_rules *w = (cchc_rules *)rs;
  const unit_choice *found = NULL;
  pthread_mutex_lock(&choices_lock);
  if (!w->unit_choices) w->unit_choices = calloc(1, sizeof *w->unit_choices);
  struct unit_choices *cs = w->unit_choices;
  for (size_t i = 0; cs && !found && i < cs->n; i++) {
    const char *l = cs->items[i]->level;
    if (l == level || (l && level && !strcmp(l, level))) found = cs->items[i];
  }
  if (!found && cs && cs->n < UNIT_CHOICES &&
      (cs->items[cs->n] = unit_choice_make(rs, level, cs)))
    found = cs->items[cs->n++];
  pthread_mutex_unlock(&choices_lock);
  return found;
}

/* The first of v[lo, hi) (in order) at or after `at` (hi: none). */
static size_t first_at_or_after(const uint32_t *v, size_t lo, size_t hi,
                                size_t at) {
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (v[mid] < at) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/* The first run that ends after `at`, from run `from` on. */
static size_t run_after(const literal_gate *g, const xctx *x, size_t from,
                        size_t at) {
  size_t lo = first_at_or_after(g->words->run_at, from, g->words->nruns, at);
  return lo > from && run_end(g, x, lo - 1) > at ? lo - 1 : lo;
}

/* Into g->range, the literals s[lo, hi) may hold: those of the words it
 * covers (whole words: a literal in part of one is in all of it), whose
 * runs are noted (for all the runs, those of the text).  False when that
 * is not known (a word too long).  The range asked last is answered as
 * before (units_may_start asks of the place and line end that
 * clause_units then asks mentions of). */
static bool range_words_literals(const xctx *x, literal_gate *g, size_t lo,
                                 size_t hi);
static void maybe_read(literal_gate *g);

static bool range_literals_read(const xctx *x, literal_gate *g, size_t lo,
                                size_t hi);

static bool range_literals(const xctx *x, literal_gate *g, size_t lo,
                           size_t hi) {
  if (g->asked_hi && g->asked_lo == lo && g->asked_hi == hi)
    return g->asked_known;
  g->asked_known = range_literals_read(x, g, lo, hi);
  g->asked_lo = lo;
  g->asked_hi = hi;
  return g->asked_known;
}

static bool range_literals_read(const xctx *x, literal_gate *g, size_t lo,
                                size_t hi) {
  memset(g->range, 0, g->r.nbits * sizeof *g->range);
  if (!g->worded) return range_words_literals(x, g, lo, hi);
  g->lo = lo;
  g->first = run_after(g, x, 0, lo);
  g->last = first_at_or_after(g->words->run_at, g->first, g->words->nruns, hi);
  bool whole = g->first == 0 && g->last == g->words->nruns;
  if (whole && g->words->too_long) return false;
  if (whole) memcpy(g->range, g->whole, g->r.nbits * sizeof *g->range);
  /* (the first two words of the set in registers: a rule set of up to
   * 128 literals has no more) */
  size_t nbits = g->r.nbits;
  const uint32_t *run_word = g->words->run_word;
  uint64_t r0 = 0, r1 = 0;
  for (size_t h = whole ? g->nheld
                        : first_at_or_after(g->held, 0, g->nheld, g->first);
       h < g->nheld && g->held[h] < g->last; h++) {
    uint32_t w = run_word[g->held[h]];
    if (w == NO_WORD) return false;
    const uint64_t *has = g->holds + (size_t)w * nbits;
    r0 |= has[0];
    if (nbits > 1) r1 |= has[1];
    for (size_t b = 2; b < nbits; b++) g->range[b] |= has[b];
  }
  g->range[0] |= r0;
  if (nbits > 1) g->range[1] |= r1;
  return true;
}

/* Into g->maybe, the chosen rules with a literal of g->range in their
 * first clause, and those without clauses. */
static void maybe_read(literal_gate *g) {
  memcpy(g->maybe, g->r.ungated, g->r.rbits * sizeof *g->maybe);
  for (size_t b = 0; b < g->r.nbits; b++)
    for (uint64_t m = g->range[b]; m; m &= m - 1) {
      const uint64_t *rules =
          g->r.first_of + (b * 64 + (size_t)__builtin_ctzll(m)) * g->r.rbits;
      for (size_t k = 0; k < g->r.rbits; k++) g->maybe[k] |= rules[k];
    }
}

/* range_literals for a gate without the text's words: the words covering
 * s[lo, hi) are read and searched here (what a word holds is kept in the
 * literals' set, so a word met again is looked up).  False for a range
 * over RANGE_READ_MAX, a word too long, or without memory. */
static bool range_words_literals(const xctx *x, literal_gate *g, size_t lo,
                                 size_t hi) {
  if (hi - lo > RANGE_READ_MAX) return false;
  const char *s = x->s;
  while (lo > 0 && rule_word_byte((unsigned char)s[lo - 1])) lo--;
  size_t cap = (hi - lo) / 2 + 1, nwords = 0;
  size_t *at = malloc(cap * sizeof *at);
  uint32_t *len = malloc(cap * sizeof *len);
  uint64_t *holds = NULL;
  bool ok = at && len;
  for (size_t i = lo; ok && i < hi;) {
    if (!rule_word_byte((unsigned char)s[i])) {
      i++;
      continue;
    }
    size_t e = word_end(s, x->n, i + 1);
    if (e - i > LONGEST_WORD) ok = false;
    at[nwords] = i;
    len[nwords++] = (uint32_t)(e - i);
    i = e;
  }
  if (ok) ok = (holds = calloc(nwords * g->r.nbits + 1, sizeof *holds)) &&
               rule_literals_in_words(g->r.lits, g->r.nlits, s, at, len, NULL,
                                      nwords, holds, g->r.nbits);
  for (size_t w = 0; ok && w < nwords; w++)
    for (size_t b = 0; b < g->r.nbits; b++)
      g->range[b] |= holds[w * g->r.nbits + b];
  free(at);
  free(len);
  free(holds);
  return ok;
}

/* Does the set `has` hold a literal of clause c of chosen rule i? */
static bool clause_in(const literal_gate *g, size_t i, size_t c,
                      const uint64_t *has) {
  size_t k = i * RULE_LITS + c;
  const uint64_t *need = g->r.needs + k * g->r.nbits;
  for (size_t b = g->r.need_lo[k]; b < g->r.need_hi[k]; b++)
    if (need[b] & has[b]) return true;
  return false;
}

/* May chosen rule i match in the range of g->range?  False only when one
 * of its clauses has no literal there.  A set of two words (64 to 127
 * literals: the shipped rules) is read in registers, each clause's at one
 * look (its words' bounds cost more than the words); else a clause's
 * words one by one. */
static bool range_may_hold(const literal_gate *g, size_t i) {
  size_t n = g->r.nclauses[i];
  if (g->sets_in_registers) {
    const uint64_t *need = g->r.needs + i * RULE_LITS * 2;
    uint64_t h0 = g->range[0], h1 = g->range[1];
    for (size_t c = 0; c < n; c++)
      if (!((need[2 * c] & h0) | (need[2 * c + 1] & h1))) return false;
    return true;
  }
  for (size_t c = 0; c < n; c++)
    if (!clause_in(g, i, c, g->range)) return false;
  return true;
}

/* A search that looks ahead for a byte every match holds goes to its next
 * occurrence, past a window: one is searched only when the byte stands
 * this soon after it (as rule_scan's windows are). */
enum { AHEAD_REACH = 4096 };

/* Where a match holding run k can start, not before `done`: after the last
 * barrier of r before it (barriers stand between words only, where every
 * byte is ASCII: its features are its own, rule_ascii_features).  The
 * bytes before the run are read back: the first word byte met is the last
 * of the run before, read over from its start (none lies before the
 * range's first run after `done`: it is the first to end after the
 * range's start). */
static CCHC_INLINE size_t window_start(const literal_gate *g, const xctx *x, size_t k,
                           size_t done, uint64_t barrier) {
  const unsigned char *s = (const unsigned char *)x->s;
  size_t b = g->words->run_at[k];
#if defined(__SSE2__)
  /* A window's walk back reads some 50 bytes (ten words), two looks a
   * word: here 16 bytes a look.  The bytes a barrier may hold are those
   * beyond words below 0x80 (the walk skips words): punctuation, and the
   * blanks and controls when the barrier has a blank's feature (most
   * barriers are punctuation alone, and blanks are a fifth of a text).
   * Each such byte is then looked up as the walk does. */
  const uint64_t blanks =
      rule_ascii_features[' '] | rule_ascii_features['\t'] |
      rule_ascii_features['\n'] | rule_ascii_features['\v'] |
      rule_ascii_features['\f'] | rule_ascii_features['\r'];
  const __m128i low = barrier & blanks ? _mm_set1_epi8(-1)    /* (none) */
                                        : _mm_set1_epi8(0x20); /* blanks */
  while (b > done && b >= 16) {
    __m128i v = _mm_loadu_si128((const __m128i *)(s + b - 16));
    __m128i ascii = _mm_and_si128(_mm_cmpgt_epi8(v, low),
                                  _mm_cmplt_epi8(v, _mm_set1_epi8(0x7F)));
    __m128i t = _mm_or_si128(v, _mm_set1_epi8(0x20));
    __m128i alpha = _mm_and_si128(_mm_cmpgt_epi8(t, _mm_set1_epi8(0x60)),
                                  _mm_cmplt_epi8(t, _mm_set1_epi8(0x7B)));
    __m128i digit = _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8(0x2F)),
                                  _mm_cmplt_epi8(v, _mm_set1_epi8(0x3A)));
    unsigned m = (unsigned)_mm_movemask_epi8(
        _mm_andnot_si128(_mm_or_si128(alpha, digit), ascii));
    if (b - 16 < done) m &= 0xFFFFu << (done - (b - 16)); /* (not before) */
    while (m) {
      unsigned top = 31u - (unsigned)__builtin_clz(m);
      if (rule_ascii_features[s[b - 16 + top]] & barrier)
        return b - 16 + top + 1;
      m &= ~(1u << top);
    }
    b -= 16;
  }
  /* (fewer than 16 bytes into the text: a byte a time) */
  for (; b > done; b--) {
    unsigned char c = s[b - 1];
    if (c < 0x80 && !rule_word_byte(c) && (rule_ascii_features[c] & barrier))
      return b;
  }
  (void)k;
#else
  while (b > done) {
    unsigned char c = s[b - 1];
    if (rule_word_byte(c)) {
      b = g->words->run_at[--k];
      continue;
    }
    if (c < 0x80 && (rule_ascii_features[c] & barrier)) return b;
    b--;
  }
#endif
  return done;
}

/* The first run from k on whose word holds a literal of f's clause c
 * (g->words->nruns: none).  at[a] is where the runs of its literal a are read
 * from (SIZE_MAX: not yet): k only grows along one search. */
static CCHC_INLINE size_t next_holding(const literal_gate *g, const rule_facts *f,
                           size_t c, size_t k, size_t *at) {
  size_t best = g->words->nruns;
  for (size_t a = 0; a < f->nalts[c]; a++) {
    size_t l = g->r.number[f->lits[c][a]->id] - 1, end = g->post_first[l + 1];
    size_t p = at[a];
    if (p == SIZE_MAX)
      p = first_at_or_after(g->post_run, g->post_first[l], end, k);
    while (p < end && g->post_run[p] < k) p++;
    at[a] = p;
    if (p < end && g->post_run[p] < best) best = g->post_run[p];
  }
  return best;
}

/* Chosen rule i's first match in the text cut at hi, from `at` (inside the
 * range of g): a match holds a word with a literal of its chosen clause and
 * no barrier of r (rule_facts.barrier), so it starts after the last
 * barrier before such a word and before the word's end.  Those windows
 * are searched in text order, the subject cut at hi as by a search from
 * `at`, so the first match found is the one that search finds. */
static bool gated_match(const xctx *x, const literal_gate *g, size_t i,
                        const rule *r, size_t hi, size_t at) {
  const rule_facts *f = &r->facts;
  uint64_t barrier = f->barrier;
  size_t done = at; /* starts before it were tried */
  size_t read[RULE_LIT_ALTS];
  for (size_t a = 0; a < RULE_LIT_ALTS; a++) read[a] = SIZE_MAX;
  /* a rule is mostly run from the range's start, whose first run is known */
  for (size_t k = at == g->lo ? g->first : run_after(g, x, g->first, at);;) {
    k = next_holding(g, f, g->clause[i], k, read);
    if (k >= g->last || done >= hi) return false;
    size_t from = window_start(g, x, k, done, barrier);
    size_t end = run_end(g, x, k), limit = end < hi ? end : hi;
    if (r->ahead >= 0 &&
        !memchr(x->s + limit, r->ahead,
                x->n - limit < AHEAD_REACH ? x->n - limit : AHEAD_REACH))
      return rule_scan(r, &x->scan, hi, from, x->md);
    if (rule_exec_until(r, &x->scan, x->s, hi, from, limit, x->md))
      return true;
    done = limit + 1;
    while (done < hi && continuation(x, done)) done++;
    k++;
  }
}

/* ---- text around a mention ------------------------------------------------ */

/* Is r a `unitcell.` rule of side `side`? */
static bool on_side(const rule *r, const char *side) {
  const char *v = rule_attr(r, "side");
  return v && !strcmp(v, side);
}

static bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static bool in_set(char c, const char *set) { return c && strchr(set, c); }

static bool starts_with(const char *s, size_t at, size_t to,
                        const char *lit) {
  size_t n = strlen(lit);
  return to - at >= n && !memcmp(s + at, lit, n);
}

/* The start and end of the line around `at`, not past lo and hi: from the
 * line index of the scans, not by walking the line (one long line may hold
 * thousands of mentions). */
static size_t line_start(const xctx *x, size_t lo, size_t at) {
  if (at <= lo) return at;
  size_t st, e;
  rule_text_line_around(&x->scan, at, &st, &e);
  return st > lo ? st : lo;
}

static size_t line_end(const xctx *x, size_t at, size_t hi) {
  if (at >= hi) return at;
  size_t st, e;
  rule_text_line_around(&x->scan, at, &st, &e);
  return e < hi ? e : hi;
}

/* Is s[from, to) only list markers and blanks: "-", "+", "*" (normalize
 * made every bullet glyph and dash "-"), numbering ("1.", "1.1.", "2)",
 * "a)", "a/", "II.", "II -"), a bare row number? */
static bool only_markers(const char *s, size_t from, size_t to) {
  size_t i = from;
  while (i < to) {
    if (is_space(s[i])) {
      i++;
      continue;
    }
    size_t j = i, m = cchc_list_marker(s + i, to - i);
    if (m) {
      i += m;
      continue;
    }
    if (s[j] == '-' || s[j] == '+' || s[j] == '*') {
      i = j + 1;
      continue;
    }
    /* 1.  1.1.  2)  3.12 */
    if (s[j] >= '0' && s[j] <= '9') {
      while (j < to && ((s[j] >= '0' && s[j] <= '9') || s[j] == '.')) j++;
      if (j < to && s[j] == ')') j++;
      if (j < to && !is_space(s[j])) return false;
      i = j;
      continue;
    }
    /* a)  b. */
    if (s[j] >= 'a' && s[j] <= 'z' && j + 1 < to &&
        (s[j + 1] == ')' || s[j + 1] == '.')) {
      i = j + 2;
      if (i < to && !is_space(s[i])) return false;
      continue;
    }
    /* I.  II  IV. */
    if (s[j] == 'I' || s[j] == 'V' || s[j] == 'X') {
      while (j < to && (s[j] == 'I' || s[j] == 'V' || s[j] == 'X')) j++;
      if (j < to && (s[j] == '.' || s[j] == ')')) j++;
      if (j < to && !is_space(s[j])) return false;
      i = j;
      continue;
    }
    return false;
  }
  return true;
}

/* Is s[from, to) only blanks and closing punctuation? */
static bool only_closing(const char *s, size_t from, size_t to) {
  for (size_t i = from; i < to; i++)
    if (!is_space(s[i]) && !in_set(s[i], ".,;:)")) return false;
  return true;
}

/* Text between two adjacent mentions: blanks, list punctuation, "và". */
static bool gap_joins(const char *s, size_t from, size_t to) {
  size_t i = from;
  while (i < to) {
    if (is_space(s[i]) || in_set(s[i], ",;&/+")) {
      i++;
    } else if (starts_with(s, i, to, "và") &&
               (i + strlen("và") == to || is_space(s[i + strlen("và")]))) {
      i += strlen("và");
    } else {
      return false;
    }
  }
  return true;
}

static bool starts_upper(const char *s, size_t at, size_t n) {
  utf8proc_int32_t cp;
  utf8proc_ssize_t l = utf8proc_iterate((const utf8proc_uint8_t *)s + at,
                                        (utf8proc_ssize_t)(n - at), &cp);
  return l > 0 && utf8proc_category(cp) == UTF8PROC_CATEGORY_LU;
}

/* Is the word ending before `at` (after blanks) a capitalised word such as
 * "Nhà" or "Sở" (not an abbreviation such as "TTHC")? */
static bool after_title_word(const char *s, size_t lo, size_t at) {
  size_t e = at;
  while (e > lo && is_space(s[e - 1])) e--;
  size_t b = e;
  while (b > lo && !is_space(s[b - 1])) b--;
  if (b == e || !starts_upper(s, b, e)) return false;
  size_t i = b;
  utf8proc_int32_t cp;
  utf8proc_ssize_t l = utf8proc_iterate((const utf8proc_uint8_t *)s + i,
                                        (utf8proc_ssize_t)(e - i), &cp);
  if (l <= 0 || (size_t)l >= e - i) return false;
  i += (size_t)l;
  l = utf8proc_iterate((const utf8proc_uint8_t *)s + i,
                       (utf8proc_ssize_t)(e - i), &cp);
  return l > 0 && utf8proc_category(cp) == UTF8PROC_CATEGORY_LL;
}

/* The matches of the `unitname.` rules along one line, each found from
 * the end of the one before, as a scan from the line's start finds them:
 * found once for the line and not once per title on it (a line may hold
 * thousands). */
typedef struct name_match {
  size_t us, ue; /* its group u (else the match) */
  size_t end;    /* where the match ends: the next is looked for from there */
} name_match;

typedef struct line_names {
  bool valid;
  size_t ls, le;   /* the line they were found in */
  name_match *m;   /* rule k's in m[first[k], first[k + 1]) */
  size_t n, cap;
  size_t *first;
  bool nested; /* every u inside its match: the u are apart and in order */
} line_names;

static void line_names_free(line_names *ln) {
  free(ln->m);
  free(ln->first);
}

static bool find_line_names(const xctx *x, const cell_ctx *cc,
                            line_names *ln, size_t ls, size_t le) {
  ln->valid = false;
  ln->n = 0;
  ln->nested = true;
  free(ln->first);
  if (!(ln->first = malloc((cc->names.n + 1) * sizeof *ln->first)))
    return false;
  for (size_t k = 0; k < cc->names.n; k++) {
    const rule *r = cc->names.items[k];
    ln->first[k] = ln->n;
    for (size_t at = ls; at < le && match_at(x, r, le, at);) {
      PCRE2_SIZE *ov = pcre2_get_ovector_pointer(x->md);
      size_t us = ov[0], ue = ov[1];
      rule_group(r, x->md, "u", &us, &ue);
      name_match *m = cchc_grow(ln->m, &ln->cap, ln->n, sizeof *m);
      if (!m) return false;
      ln->m = m;
      ln->m[ln->n++] = (name_match){us, ue, ov[1]};
      if (us < ov[0] || ue > ov[1]) ln->nested = false;
      if (ov[1] <= at) break;
      at = ov[1];
    }
  }
  ln->first[cc->names.n] = ln->n;
  ln->ls = ls;
  ln->le = le;
  ln->valid = true;
  return true;
}

/* The first of m[0, n) whose `end` (or, by_us, whose us) is at or after
 * `at`; both grow along a rule's matches. */
static size_t first_name_from(const name_match *m, size_t n, size_t at,
                              bool by_us) {
  size_t lo = 0, hi = n;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if ((by_us ? m[mid].us : m[mid].end) < at) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/* Does a unit-like name ("Trung tâm Văn hóa", "Phòng Tư pháp") run from
 * before c into it?  A scan from ls meets a rule's matches in order while
 * the one before ends before c: of those, one whose u straddles c's
 * start. */
static bool inside_name(const xctx *x, const cell_ctx *cc, line_names *ln,
                        const cand *c, size_t ls, size_t le) {
  if (ls >= c->start) return false;
  if (!(ln->valid && ln->ls == ls && ln->le == le) &&
      !find_line_names(x, cc, ln, ls, le)) {
    out_of_memory(x);
    return false;
  }
  for (size_t k = 0; k < cc->names.n; k++) {
    const name_match *m = ln->m + ln->first[k];
    size_t n = ln->first[k + 1] - ln->first[k];
    size_t met = first_name_from(m, n, c->start, false) + 1;
    if (met > n) met = n;
    if (ln->nested) { /* only the last u to start before c can reach it */
      size_t j = first_name_from(m, met, c->start, true);
      if (j > 0 && m[j - 1].ue > c->start) return true;
      continue;
    }
    for (size_t i = 0; i < met; i++)
      if (m[i].us < c->start && m[i].ue > c->start) return true;
  }
  return false;
}

/* ---- candidates by position ------------------------------------------------ */

/* A candidate's start or end and its index in the list. */
typedef struct cand_at {
  size_t at, i;
} cand_at;

/* The candidates of a list by start and by end, so that the mentions next
 * to one are found by binary search and not by a walk of the whole list
 * (a table zone holds tens of thousands). */
typedef struct cand_index {
  cand_at *by_start, *by_end;
  size_t n;
} cand_index;

static int by_at(const void *a, const void *b) {
  const cand_at *p = a, *q = b;
  if (p->at != q->at) return p->at < q->at ? -1 : 1;
  return (p->i > q->i) - (p->i < q->i);
}

/* A list of a few (most: by_at is a total order, so any sort gives the
 * same) sorted in place by insertion, where qsort cost some 400
 * instructions a list; a long one by qsort. */
enum { CAND_ATS_SORTED_IN_PLACE = 16 };

static void cand_ats_sort(cand_at *v, size_t n) {
  if (n > CAND_ATS_SORTED_IN_PLACE) {
    qsort(v, n, sizeof *v, by_at);
    return;
  }
  for (size_t i = 1; i < n; i++) {
    cand_at c = v[i];
    size_t j = i;
    for (; j > 0 && (v[j - 1].at > c.at ||
                     (v[j - 1].at == c.at && v[j - 1].i > c.i));
         j--)
      v[j] = v[j - 1];
    v[j] = c;
  }
}

static bool cand_index_build(cand_index *ix, const cand_list *l) {
  ix->n = l->n;
  ix->by_start = malloc((l->n ? l->n : 1) * sizeof *ix->by_start);
  ix->by_end = malloc((l->n ? l->n : 1) * sizeof *ix->by_end);
  if (!ix->by_start || !ix->by_end) return false;
  for (size_t i = 0; i < l->n; i++) {
    ix->by_start[i] = (cand_at){l->items[i].start, i};
    ix->by_end[i] = (cand_at){l->items[i].end, i};
  }
  cand_ats_sort(ix->by_start, ix->n);
  cand_ats_sort(ix->by_end, ix->n);
  return true;
}

static void cand_index_free(cand_index *ix) {
  free(ix->by_start);
  free(ix->by_end);
}

/* The first of v[0, n) at or after `at`. */
static size_t first_from(const cand_at *v, size_t n, size_t at) {
  size_t lo = 0, hi = n;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (v[mid].at < at) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/* A byte of the text gap_joins lets through: blanks, list punctuation and
 * those of "và".  A gap holding any other byte joins nothing, so only the
 * mentions reached over a run of these bytes can be joined to one. */
static bool joining_byte(char c) { return is_space(c) || in_set(c, ",;&/+và"); }

/* The start of the run of joining bytes that ends at `at` (not before
 * lo), and the end of the one that starts there (not after hi). */
static size_t run_back(const xctx *x, size_t lo, size_t at) {
  while (at > lo && joining_byte(x->s[at - 1])) at--;
  return at;
}

static size_t run_ahead(const xctx *x, size_t at, size_t hi) {
  while (at < hi && joining_byte(x->s[at])) at++;
  return at;
}

/* Is there an accepted mention right before c (only joining text between),
 * ending at lo or after? */
static bool joined_before(const xctx *x, const cand_list *l,
                          const cand_index *ix, const cand *c, size_t lo) {
  for (size_t k = first_from(ix->by_end, ix->n, run_back(x, lo, c->start));
       k < ix->n && ix->by_end[k].at <= c->start; k++) {
    const cand *d = &l->items[ix->by_end[k].i];
    if (d != c && d->ok && gap_joins(x->s, d->end, c->start)) return true;
  }
  return false;
}

/* ... or right after it, starting at hi or before? */
static bool joined_after(const xctx *x, const cand_list *l,
                         const cand_index *ix, const cand *c, size_t hi) {
  size_t to = run_ahead(x, c->end, hi);
  for (size_t k = first_from(ix->by_start, ix->n, c->end);
       k < ix->n && ix->by_start[k].at <= to; k++) {
    const cand *d = &l->items[ix->by_start[k].i];
    if (d != c && d->ok && gap_joins(x->s, c->end, d->start)) return true;
  }
  return false;
}

/* Where a `side=before` rule is looked for: its match ends at c (the
 * pattern ends with $) and is at most CONTEXT_BEFORE bytes, so the line
 * before c from that far back, not from its start (one long line may hold
 * thousands of titles). */
enum { CONTEXT_BEFORE = 256 };

static size_t context_before(const xctx *x, size_t ls, const cand *c) {
  size_t at = c->start - ls > CONTEXT_BEFORE ? c->start - CONTEXT_BEFORE : ls;
  while (at < c->start && continuation(x, at)) at++;
  return at;
}

/* A short title stands as a unit: whole cell or line, list item, next to
 * another mention, or capitalised at the end of a line of run-together
 * cells.  [lo, hi) is the range the caller gave, whose ends count as cell
 * edges. */
static bool stands_alone(const xctx *x, const cell_ctx *cc, line_names *ln,
                         const cand_list *l, const cand_index *ix,
                         const cand *c, size_t lo, size_t hi) {
  const char *s = x->s;
  size_t ls = line_start(x, lo, c->start), le = line_end(x, c->end, hi);
  /* a cell edge after it: the end of the line or another mention */
  bool right_edge = only_closing(s, c->end, le) || joined_after(x, l, ix, c, le);
  bool right = right_edge;
  if (!right) {
    size_t i = c->end;
    while (i < le && is_space(s[i])) i++;
    right = i < le && in_set(s[i], ",;/)");
  }
  for (size_t k = 0; !right && k < cc->cells.n; k++)
    right = on_side(cc->cells.items[k], "after") &&
            match_at(x, cc->cells.items[k], le, c->end);
  if (!right) return false;
  if (only_markers(s, ls, c->start)) return true;
  size_t i = c->start;
  while (i > ls && is_space(s[i - 1])) i--;
  if (i > ls && in_set(s[i - 1], ",;:(/+")) return true;
  if (joined_before(x, l, ix, c, ls)) return true;
  for (size_t k = 0; k < cc->cells.n; k++)
    if (on_side(cc->cells.items[k], "before") &&
        match_at(x, cc->cells.items[k], c->start, context_before(x, ls, c)))
      return true;
  /* "... kèm theo Tư pháp", "Kế hoạch Tư pháp Các ban, ...": a capitalised
   * title before a cell edge, where cells ran together; not the end of a
   * longer name ("Nhà Văn hóa", "Trung tâm Văn hóa") */
  return right_edge && c->start > ls && is_space(s[c->start - 1]) &&
         starts_upper(s, c->start, x->n) &&
         !after_title_word(s, ls, c->start) &&
         !inside_name(x, cc, ln, c, ls, le);
}

/* ---- matching --------------------------------------------------------------- */

/* Clip [*start, *end) to the text and to character boundaries; false when
 * nothing is left. */
static bool clip_range(const xctx *x, size_t *start, size_t *end) {
  if (*end > x->n) *end = x->n;
  while (*end > 0 && continuation(x, *end)) (*end)--;
  while (*start < *end && continuation(x, *start)) (*start)++;
  return *start < *end;
}

/* Chosen rule i's first match in the text cut at hi, from `at`: through
 * the gate when it knows the words of the range (g) and the rule's
 * clauses, else by rule_scan. */
static bool chosen_match(const xctx *x, const literal_gate *g,
                         const unit_rules *u, size_t i, size_t hi,
                         size_t at) {
  if (g && g->worded && g->r.nclauses[i])
    return gated_match(x, g, i, u->items[i], hi, at);
  return match_at(x, u->items[i], hi, at);
}

/* May chosen rule i match in the range asked of g (NULL: not known)? */
static bool may_match(const literal_gate *g, size_t i) {
  return !g || !g->r.nclauses[i] || range_may_hold(g, i);
}

/* Note a match of a scan in *rs (NULL: not kept); a scan with more
 * matches than it holds is not kept. */
static void raw_note(raw_scan *rs, size_t ms, size_t me, bool gave) {
  if (!rs || !rs->valid) return;
  if (rs->nm == RAW_MATCHES_MAX) {
    rs->valid = false;
    return;
  }
  rs->m[rs->nm++] = (raw_match){ms, me, gave};
}

/* Run chosen rule i over s[lo, hi) (the range of g); push each mention,
 * noting each match in *rs (NULL: none). */
static void run_rule(xctx *x, const literal_gate *g, const unit_rules *u,
                     size_t i, size_t lo, size_t hi, cand_list *l,
                     raw_scan *rs) {
  const rule *r = u->items[i];
  size_t at = lo;
  /* the first match known from units_may_start, or none */
  bool known = u->opening.valid && u->opening.i == i && u->opening.at == lo &&
               u->opening.end == hi;
  while (at < hi) {
    size_t ms, me, us, ue;
    const char *key;
    if (known) {
      ms = u->opening.ms;
      me = u->opening.me;
      us = u->opening.us;
      ue = u->opening.ue;
      key = u->opening.key;
      known = false;
    } else {
      if (!chosen_match(x, g, u, i, hi, at)) break;
      PCRE2_SIZE *ov = pcre2_get_ovector_pointer(x->md);
      me = ov[1];
      ms = us = ov[0];
      ue = me;
      rule_group(r, x->md, "u", &us, &ue);
      key = rule_value(r, x->md, "unit");
    }
    bool gave = key && ue > us;
    if (gave)
      cand_push(l, (cand){r, u->order[i], key, us, ue, u->standalone[i],
                          true});
    raw_note(rs, ms, me, gave);
    at = me > at ? me : at + 1;
    while (at < hi && continuation(x, at)) at++;
  }
}

/* Does the document name `key` by a full (not standalone) form?  Such a
 * rule gives a unit and applies at the document's level: a chosen one. */
static bool document_names(xctx *x, const unit_rules *u, const char *key) {
  const literal_gate *g =
      u->gate && !u->ungated && range_literals(x, u->gate, 0, x->n) ? u->gate
                                                                    : NULL;
  for (size_t i = 0; i < u->n; i++) {
    const rule *r = u->items[i];
    const char *k = rule_attr(r, "unit");
    /* a rule without unit= says its unit by the (*MARK) of its match,
     * whose name is written in its pattern: one whose pattern lacks `key`
     * never says it (the alt= keys are rarely among the spellings of
     * unit.spelling, which would otherwise be run over the whole text) */
    if ((k && strcmp(k, key)) || (!k && !strstr(r->pattern, key)) ||
        u->standalone[i] || rule_attr(r, "alt") || !may_match(g, i))
      continue;
    /* a rule of one unit says it by its first match; the spellings of the
     * taxonomy by the mark of each */
    for (size_t at = 0; at < x->n && chosen_match(x, g, u, i, x->n, at);) {
      const char *v = rule_value(r, x->md, "unit");
      if (v && !strcmp(v, key)) return true;
      if (k) break;
      PCRE2_SIZE *ov = pcre2_get_ovector_pointer(x->md);
      at = ov[1] > at ? ov[1] : at + 1;
      while (at < x->n && continuation(x, at)) at++;
    }
  }
  return false;
}

static int by_strength(const void *a, const void *b) {
  const cand *p = a, *q = b;
  size_t lp = p->end - p->start, lq = q->end - q->start;
  if (lp != lq) return lp > lq ? -1 : 1;
  if (p->start != q->start) return p->start < q->start ? -1 : 1;
  return p->order < q->order ? -1 : p->order > q->order;
}

static int by_start(const void *a, const void *b) {
  const cand *p = a, *q = b;
  if (p->start != q->start) return p->start < q->start ? -1 : 1;
  return p->end < q->end ? -1 : p->end > q->end;
}

/* A range's mentions are a few (a clause names two or three units):
 * sorted in place by insertion, stable as qsort's merge sort is (glibc),
 * where qsort cost some 650 instructions a list; a long list by qsort. */
enum { CANDS_SORTED_IN_PLACE = 16 };

static void cands_sort(cand *v, size_t n,
                       int (*cmp)(const void *, const void *)) {
  if (n > CANDS_SORTED_IN_PLACE) {
    qsort(v, n, sizeof *v, cmp);
    return;
  }
  for (size_t i = 1; i < n; i++) {
    cand c = v[i];
    size_t j = i;
    for (; j > 0 && cmp(&v[j - 1], &c) > 0; j--) v[j] = v[j - 1];
    v[j] = c;
  }
}

/* The standalone titles of a list being judged, and those let in whose
 * neighbours are still to be judged again. */
typedef struct judging {
  const xctx *x;
  const cell_ctx *cc;
  cand_list *l;
  const cand_index *ix;
  size_t start, end; /* the range mentions() was given */
  size_t *todo, ntodo;
  line_names names; /* of the line last asked about */
} judging;

static void judge(judging *j, size_t i) {
  cand *c = &j->l->items[i];
  if (c->standalone && !c->ok &&
      stands_alone(j->x, j->cc, &j->names, j->l, j->ix, c, j->start,
                   j->end)) {
    c->ok = true;
    j->todo[j->ntodo++] = i;
  }
}

/* Let the standalone titles in: first each judged with the text alone;
 * then, each time one is let in, those it may join (over a run of joining
 * bytes) are judged again, until none is.  Being next to an accepted
 * mention only ever helps a title, so this ends where passes over all of
 * them until nothing changes would, without a pass over all per link of a
 * chain of titles ("A + B + C + Sở X").  False when out of memory. */
static bool accept_standalone(xctx *x, const cell_ctx *cc, cand_list *l,
                              size_t start, size_t end, bool *names_read) {
  size_t first = 0; /* most lists hold no standalone title: nothing to do */
  while (first < l->n && !l->items[first].standalone) first++;
  if (first == l->n) return true;
  cand_index ix = {0};
  judging j = {.x = x, .cc = cc, .l = l, .ix = &ix, .start = start,
               .end = end};
  j.todo = malloc((l->n ? l->n : 1) * sizeof *j.todo);
  bool ok = j.todo && cand_index_build(&ix, l);
  for (size_t i = 0; ok && i < l->n; i++)
    if (l->items[i].standalone) l->items[i].ok = false;
  for (size_t i = 0; ok && i < l->n; i++) judge(&j, i);
  while (ok && j.ntodo) {
    const cand *c = &l->items[j.todo[--j.ntodo]];
    size_t to = run_ahead(x, c->end, end), from = run_back(x, start, c->start);
    for (size_t k = first_from(ix.by_start, ix.n, c->end);
         k < ix.n && ix.by_start[k].at <= to; k++)
      judge(&j, ix.by_start[k].i);
    for (size_t k = first_from(ix.by_end, ix.n, from);
         k < ix.n && ix.by_end[k].at <= c->start; k++)
      judge(&j, ix.by_end[k].i);
  }
  free(j.todo);
  *names_read = j.names.first != NULL; /* find_line_names ran */
  line_names_free(&j.names);
  cand_index_free(&ix);
  return ok;
}

/* Keep, of items[0, n) in order, each that overlaps none kept before it
 * (moved to the front); how many.  The bytes of the kept ones are marked,
 * so a clash is looked for in a candidate's own bytes, not against every
 * one kept.  0 when out of memory. */
static size_t keep_apart(xctx *x, cand *items, size_t n) {
  if (n < 2) return n;
  /* a few: each against those kept, where it clashes with one when they
   * share a byte (an empty one marks none and clashes with none) */
  if (n <= CANDS_SORTED_IN_PLACE) {
    size_t kept = 0;
    for (size_t i = 0; i < n; i++) {
      cand c = items[i];
      size_t k = 0;
      while (k < kept && !(c.start < items[k].end && items[k].start < c.end &&
                           c.start < c.end && items[k].start < items[k].end))
        k++;
      if (k == kept) items[kept++] = c;
    }
    return kept;
  }
  size_t lo = items[0].start, hi = items[0].end;
  for (size_t i = 1; i < n; i++) {
    if (items[i].start < lo) lo = items[i].start;
    if (items[i].end > hi) hi = items[i].end;
  }
  unsigned char *taken = calloc(hi - lo, 1);
  if (!taken) {
    out_of_memory(x);
    return 0;
  }
  size_t kept = 0;
  for (size_t i = 0; i < n; i++) {
    cand c = items[i];
    size_t k = c.start;
    while (k < c.end && !taken[k - lo]) k++;
    if (k < c.end) continue;
    memset(taken + (c.start - lo), 1, c.end - c.start);
    items[kept++] = c;
  }
  free(taken);
  return kept;
}

/* The slot of u's raw scans for ranges ending at `end` (NULL: none kept,
 * no memory, or mentions may lie outside their matches: a match's span
 * would then not tell where its scan started). */
static raw_scan *raw_scan_of(unit_rules *u, size_t end) {
  if (u->ungated || !u->starts_known) return NULL;
  if (!u->raw) { /* (not cleared: each slot's arrays are filled as read) */
    if (!(u->raw = malloc(RAW_SCANS * sizeof *u->raw))) return NULL;
    for (size_t i = 0; i < RAW_SCANS; i++) u->raw[i].valid = false;
  }
  uint64_t h = (uint64_t)end * 0x9E3779B97F4A7C15u;
  return &u->raw[(size_t)(h >> 61) % RAW_SCANS];
}

/* The candidates of [start, end) from the scan kept in rs, into the
 * empty l: false when rs holds no scan of a range ending at `end` and
 * starting before `start`, or one of its matches runs across start. */
static bool raw_scan_give(raw_scan *rs, size_t start, size_t end,
                          cand_list *l) {
  if (!rs || !rs->valid || rs->end != end || rs->start >= start) return false;
  for (size_t k = 0; k < rs->nm; k++)
    if (rs->m[k].ms < start && rs->m[k].me > start) return false;
  size_t c = 0;
  for (size_t k = 0; k < rs->nm; k++) {
    if (!rs->m[k].gave) continue;
    if (rs->m[k].ms >= start) cand_push(l, rs->c[c]);
    c++;
  }
  /* the scan of [start, end) is these matches: kept for a range inside */
  size_t nm = 0;
  for (size_t k = 0; k < rs->nm; k++)
    if (rs->m[k].ms >= start) rs->m[nm++] = rs->m[k];
  rs->nm = nm;
  rs->nc = l->n;
  if (l->n) memcpy(rs->c, l->items, l->n * sizeof *l->items);
  rs->start = start;
  if (l->failed) rs->valid = false;
  return true;
}

/* Keep the candidates l the scan noted in rs gave (none kept when it
 * met too many matches, or without memory). */
static void raw_scan_keep(raw_scan *rs, const cand_list *l) {
  if (!rs || !rs->valid) return;
  if (l->failed || l->n > RAW_MATCHES_MAX) {
    rs->valid = false;
    return;
  }
  rs->nc = l->n;
  if (l->n) memcpy(rs->c, l->items, l->n * sizeof *l->items);
}

/* The mentions in [start, end): l->items[0, l->n) in text order, apart. */
static void mentions(xctx *x, size_t start, size_t end, cand_list *l) {
  unit_rules *u = unit_rules_of(x);
  if (!u || (!u->ungated && answer_give(&u->said, start, end, l))) return;
  text_key key = {0};
  bool keyed = !u->ungated && text_key_of(x, u, start, end, &key);
  if (keyed && text_answer_give(u->by_text, &key, start, l)) {
    u->text_hits++;
    return;
  }
  if (!u->ungated && !u->gate &&
      !(u->gate = literal_gate_build(x, u, x->n <= GATE_TEXT_MAX))) {
    out_of_memory(x);
    return;
  }
  raw_scan *rs = raw_scan_of(u, end);
  if (!raw_scan_give(rs, start, end, l)) {
    const literal_gate *g =
        u->gate && !u->ungated && range_literals(x, u->gate, start, end)
            ? u->gate
            : NULL;
    if (rs) { /* (its arrays are filled as the scans go) */
      rs->valid = true;
      rs->start = start;
      rs->end = end;
      rs->nm = rs->nc = 0;
    }
    if (g) maybe_read(u->gate);
    if (!g) {
      for (size_t i = 0; i < u->n; i++)
        run_rule(x, g, u, i, start, end, l, rs);
    } else { /* in rule order, those whose first clause the range holds */
      for (size_t b = 0; b < g->r.rbits; b++)
        for (uint64_t m = g->maybe[b]; m; m &= m - 1) {
          size_t i = b * 64 + (size_t)__builtin_ctzll(m);
          if (range_may_hold(g, i)) run_rule(x, g, u, i, start, end, l, rs);
        }
    }
    raw_scan_keep(rs, l);
  }
  bool names_read = false; /* then the answer is not kept by text */
  if (l->failed ||
      !accept_standalone(x, &u->cc, l, start, end, &names_read)) {
    l->n = 0;
    out_of_memory(x);
    return;
  }
  /* Short titles that mean another unit in this document: whether the
   * document names each alt= key is asked once per key. */
  for (size_t i = 0; i < l->n; i++) {
    cand *c = &l->items[i];
    const char *alt = c->ok ? rule_attr(c->r, "alt") : NULL;
    if (!alt) continue;
    size_t k = 0;
    while (k < u->nalts && strcmp(u->alts[k].key, alt)) k++;
    if (k == u->nalts) {
      alt_named *p = cchc_grow(u->alts, &u->cap_alts, k, sizeof *p);
      if (!p) {
        l->n = 0;
        out_of_memory(x);
        return;
      }
      u->alts = p;
      u->alts[u->nalts++] = (alt_named){alt, document_names(x, u, alt)};
    }
    if (u->alts[k].named) c->key = u->alts[k].key;
  }
  /* Overlaps: the longest mention wins. */
  size_t kept = 0;
  for (size_t i = 0; i < l->n; i++)
    if (l->items[i].ok) l->items[kept++] = l->items[i];
  if (kept > 1) cands_sort(l->items, kept, by_strength);
  size_t n = keep_apart(x, l->items, kept);
  if (n > 1) cands_sort(l->items, n, by_start);
  l->n = n;
  if (!l->failed && !(x->f && x->f->failed) && !u->ungated) {
    answer_keep(&u->said, start, end, l);
    if (keyed && !names_read)
      text_answer_keep(&u->by_text, x->n, &key, start, l);
  }
}

bool units_set_ungated(xctx *x, bool on) {
  unit_rules *u = unit_rules_of(x);
  if (u) u->ungated = on;
  return u != NULL;
}

bool units_gate_runs_of(xctx *x, units_gate_runs *out) {
  *out = (units_gate_runs){0};
  unit_rules *u = unit_rules_of(x);
  if (!u || u->ungated || x->n > GATE_TEXT_MAX) return false;
  if (!u->gate && !(u->gate = literal_gate_build(x, u, true))) return false;
  const literal_gate *g = u->gate;
  if (!g->worded) return false;
  *out = (units_gate_runs){g->held, g->nheld, g->post_first, g->post_run,
                           g->r.nlits};
  return true;
}

size_t units_text_hits(const xctx *x) {
  const unit_rules *u = x->unit_rules;
  return u ? u->text_hits : 0;
}

size_t units_name_tries(const xctx *x) {
  const unit_rules *u = x->unit_rules;
  return u ? u->name_tries_run : 0;
}

size_t units_levels_chosen(const cchc_rules *rs) {
  pthread_mutex_lock(&choices_lock);
  size_t n = rs->unit_choices ? rs->unit_choices->n : 0;
  pthread_mutex_unlock(&choices_lock);
  return n;
}

/* (xunits_push, xunits_free: extract.c, with the rooms kept per plan) */

static bool same_unit(const xctx *x, const xunit *a, const xunit *b) {
  if (a->key || b->key) return a->key && b->key && !strcmp(a->key, b->key);
  size_t la = a->end - a->start, lb = b->end - b->start;
  return la == lb && !memcmp(x->s + a->start, x->s + b->start, la);
}

bool xunits_has(const xctx *x, const xunits *l, const xunit *u) {
  for (size_t i = 0; i < l->n; i++)
    if (same_unit(x, &l->items[i], u)) return true;
  return false;
}

void xunits_add(xctx *x, xunits *l, const xunit *u) {
  if (!xunits_has(x, l, u)) xunits_push(x, l, u);
}

void xunits_copy(xctx *x, xunits *dst, const xunits *src) {
  if (dst == src) return;
  dst->n = 0;
  for (size_t i = 0; i < src->n; i++) xunits_push(x, dst, &src->items[i]);
}

bool units_joined(xctx *x, size_t a, size_t b) {
  if (b < a) return false;
  return b == a || xany(x, rules_select(x->rules, "coord.", "gap"), a, b, NULL);
}

void units_find(xctx *x, size_t start, size_t end, xunits *out) {
  if (!clip_range(x, &start, &end)) return;
  cand_list l = {0};
  mentions(x, start, end, &l);
  for (size_t i = 0; i < l.n; i++) {
    const cand *c = &l.items[i];
    const tax_unit *u = tax_find_unit(x->rules, c->key);
    xunits_push(x, out,
                &(xunit){c->key, u ? u->name : NULL, c->start, c->end,
                         c->r->id});
  }
  free(l.items);
}

/* Does [a, b) overlap one of the mentions of l (in text order and apart,
 * as mentions() leaves them, so their ends are in order too)?  Only the
 * first that ends after a can. */
static bool overlaps_any(const cand_list *l, size_t a, size_t b) {
  size_t lo = 0, hi = l->n;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (l->items[mid].end <= a) lo = mid + 1;
    else hi = mid;
  }
  return lo < l->n && l->items[lo].start < b;
}

/* A try of a `unitname.` rule at one place of the text cut at `cut`:
 * whether a match starts there, where it ends (me) and the name it reads
 * (its group u, else the match).  The names' grammar is long, and a try
 * costs some thousands of instructions when it matches; a clause and the
 * clauses in it after "phối hợp với" end at one place, and are scanned
 * for names each from its own start, so that the tries at the places they
 * share are made again, as is the try units_may_start made where the
 * clause opens.  A try is a function of the rule, the document's text, the
 * place and the cut only: NAME_TRIES of them are kept per document, each
 * in the slot its place and cut hash to (a newer one takes the slot). */
enum { NAME_TRIES = 64 }; /* (a bit each in unit_rules.tries_kept) */

typedef struct name_try {
  const rule *r;
  size_t at, cut;
  bool found;
  size_t us, ue, me;
} name_try;

/* The try of r at `at` in the text cut at `cut`, into *t; whether a match
 * starts there (matches_at). */
static bool matches_at(xctx *x, const rule *r, size_t at, size_t end);

static bool name_try_at(xctx *x, unit_rules *u, const rule *r, size_t at,
                        size_t cut, name_try *t) {
  name_try *slot = NULL;
  uint64_t bit = 0;
  if (u && !u->ungated &&
      (u->tries || (u->tries = malloc(NAME_TRIES * sizeof *u->tries)))) {
    uint64_t h = (uint64_t)at * 0x9E3779B97F4A7C15u ^
                 (uint64_t)cut * 0xC2B2AE3D27D4EB4Fu;
    size_t i = (size_t)(h ^ h >> 29) % NAME_TRIES;
    slot = &u->tries[i];
    bit = (uint64_t)1 << i;
    if (u->tries_kept & bit && slot->r == r && slot->at == at &&
        slot->cut == cut) {
      *t = *slot;
      return t->found;
    }
  }
  *t = (name_try){r, at, cut, false, 0, 0, 0};
  if (u) u->name_tries_run++;
  if (matches_at(x, r, at, cut)) {
    PCRE2_SIZE *ov = pcre2_get_ovector_pointer(x->md);
    t->found = true;
    t->us = ov[0];
    t->ue = t->me = ov[1];
    rule_group(r, x->md, "u", &t->us, &t->ue);
  }
  if (slot) {
    *slot = *t;
    u->tries_kept |= bit;
  }
  return t->found;
}

/* The bytes r's first words (rule.first_words) start with, a flag per
 * byte value, read once per document for the scans of the names' grammar
 * (a byte a time: the clause's bytes are many, the words' first bytes a
 * few; fw->from and fw->to cost two reads and a compare of each). */
typedef struct first_bytes {
  const rule *r;
  bool starts[256];
} first_bytes;

static const bool *first_bytes_of(unit_rules *u, const rule *r) {
  first_bytes *fb = u ? u->first_bytes : NULL;
  if (u && !fb && !(fb = u->first_bytes = malloc(sizeof *fb))) return NULL;
  if (fb && fb->r != r) {
    for (unsigned c = 0; c < 256; c++)
      fb->starts[c] = r->first_words->from[c] < r->first_words->to[c];
    fb->r = r;
  }
  return fb ? fb->starts : NULL;
}

/* The first pairs of `unitname.` rule r (unit_choice.name_pairs), NULL
 * when not told. */
static const uint64_t *name_pairs_of(const unit_rules *u, const rule *r) {
  if (!r->first_words) return NULL; /* (its row is empty) */
  for (size_t j = 0; u && u->name_pairs && j < u->cc.names.n; j++)
    if (u->cc.names.items[j] == r) return u->name_pairs + j * (256 * 256 / 64);
  return NULL;
}

/* May one of r's first words stand at s[i] in the text cut at `cut`, by
 * its first two bytes (pairs: name_pairs_of)?  Nine places in ten where a
 * first byte stands start none ("c" of "cho", "T" of "Tổ chức"), and a
 * look at the words of that byte costs some 70 instructions. */
static bool first_pair_at(const uint64_t *pairs, const unsigned char *s,
                          size_t i, size_t cut) {
  if (i + 1 >= cut) return true; /* (first_word_at tells) */
  size_t pair = s[i] * 256u + s[i + 1];
  return pairs[pair / 64] >> (pair % 64) & 1;
}

/* Does one of the first words fw stand at s[i] in the text cut at
 * `cut`? */
static bool first_word_at(const rule_first_words *fw, const unsigned char *s,
                          size_t i, size_t cut) {
  for (size_t k = fw->from[s[i]]; k < fw->to[s[i]]; k++) {
    const rule_first_word *w = &fw->w[k];
    if (w->len > cut - i || (w->len >= 2 && s[i + 1] != w->text[1])) continue;
    /* (the words are short, their first two bytes told: a call of memcmp
     * cost more than the bytes left) */
    size_t j = 2;
    while (j < w->len && s[i + j] == w->text[j]) j++;
    if (j >= w->len) return true;
  }
  return false;
}

bool units_first_word_at(const rule *r, const char *s, size_t i, size_t cut) {
  return first_word_at(r->first_words, (const unsigned char *)s, i, cut);
}

/* The first match of r in the text cut at `cut`, from `at` on and
 * starting at `last` at the latest, into *t, for a rule whose matches
 * start with one of its first words (rule.first_words): tried where one
 * of them stands, in text order, as a search of r tries it (rule_exec),
 * each try kept (name_try_at). */
static bool name_scan(xctx *x, unit_rules *u, const rule *r, size_t at,
                      size_t cut, size_t last, name_try *t) {
  const rule_first_words *fw = r->first_words;
  const unsigned char *s = (const unsigned char *)x->s;
  const bool *starts = first_bytes_of(u, r);
  const uint64_t *pairs =
      starts && !names_scan_full ? name_pairs_of(u, r) : NULL;
  size_t stop = last < cut ? last + 1 : cut;
  for (size_t i = at; i < stop; i++) {
    if (starts) {
      const unsigned char *p = s + i, *e = s + stop;
      while (p < e && !starts[*p]) p++;
      if (p == e) break;
      i = (size_t)(p - s);
      if (pairs && !first_pair_at(pairs, s, i, cut)) continue;
    }
    if (first_word_at(fw, s, i, cut)) {
      if (name_try_at(x, u, r, i, cut, t)) return true;
    }
  }
  return false;
}

/* The last place of [start, end) where a try of r (a `unitname.` rule
 * with first words) may start and that lies in none of the mentions of
 * `known` (in text order and apart); SIZE_MAX when none.  A mention of a
 * rule whose mentions start where its matches do (mention_at_match_start),
 * found at a place inside a known mention, overlaps it and is dropped
 * (unknown_names): a scan finds nothing more once past this place, and
 * the tries there need not be made (on 40 plans a third of the scans'
 * tries, most of them matches: the costliest, a match reads the whole
 * name). */
static size_t last_free_start(const xctx *x, unit_rules *u, const rule *r,
                              size_t start, size_t end,
                              const cand_list *known) {
  const rule_first_words *fw = r->first_words;
  const unsigned char *s = (const unsigned char *)x->s;
  const bool *starts = first_bytes_of(u, r);
  const uint64_t *pairs = name_pairs_of(u, r);
  size_t k = known->n; /* the last known mention starting at q or before */
  for (size_t q = end; q-- > start;) {
    if (starts ? !starts[s[q]] : fw->from[s[q]] == fw->to[s[q]]) continue;
    if (pairs && !first_pair_at(pairs, s, q, end)) continue;
    while (k > 0 && known->items[k - 1].start > q) k--;
    if (k > 0 && q < known->items[k - 1].end) {
      q = known->items[k - 1].start; /* the rest of it is inside too */
      continue;
    }
    if (first_word_at(fw, s, q, end)) return q;
  }
  return SIZE_MAX;
}

/* The next match of `unitname.` rule r in the text cut at `end`, from
 * *at on (moved past it), starting at `last` at the latest when r has
 * first words: the name it reads, [*us, *ue), maybe empty. */
static bool next_name(xctx *x, const rule *r, size_t *at, size_t end,
                      size_t last, size_t *us, size_t *ue) {
  if (*at >= end) return false;
  size_t me;
  if (r->first_words) {
    name_try t;
    if (!name_scan(x, x->unit_rules, r, *at, end, last, &t)) return false;
    *us = t.us;
    *ue = t.ue;
    me = t.me;
  } else {
    if (!match_at(x, r, end, *at)) return false;
    PCRE2_SIZE *ov = pcre2_get_ovector_pointer(x->md);
    *us = ov[0];
    *ue = me = ov[1];
    rule_group(r, x->md, "u", us, ue);
  }
  *at = me > *at ? me : *at + 1;
  while (*at < end && continuation(x, *at)) (*at)++;
  return true;
}

bool names_scan_full = false;

/* Every match of the `unitname.` rules in [start, end) that overlaps no
 * mention of `known`, pushed to *l. */
static void unknown_names(xctx *x, size_t start, size_t end,
                          const cand_list *known, cand_list *l) {
  unit_rules *u = unit_rules_of(x);
  if (!u || (!u->ungated && answer_give(&u->named, start, end, l))) return;
  rule_list rs = u->cc.names;
  for (size_t i = 0; i < rs.n; i++) {
    size_t at = start, us, ue, last = SIZE_MAX - 1;
    /* past the last place outside the known mentions, every name found
     * overlaps one */
    if (known->n && rs.items[i]->first_words && i < 64 &&
        (u->names_at_start >> i & 1) && !u->ungated && !names_scan_full &&
        (last = last_free_start(x, u, rs.items[i], start, end, known)) ==
            SIZE_MAX)
      continue;
    while (next_name(x, rs.items[i], &at, end, last, &us, &ue))
      if (ue > us && !overlaps_any(known, us, ue))
        cand_push(l, (cand){rs.items[i], i, NULL, us, ue, false, true});
  }
  if (!l->failed && !known->failed && !(x->f && x->f->failed) && !u->ungated)
    answer_keep(&u->named, start, end, l);
}

/* Does a `unitname.` rule read a name in [start, end)?  Without one no
 * name the taxonomy lacks stands there, whatever the mentions are. */
static bool names_stand(xctx *x, size_t start, size_t end) {
  unit_rules *u = unit_rules_of(x);
  if (!u || answer_of(&u->named, start, end)) return true;
  for (size_t i = 0; i < u->cc.names.n; i++) {
    size_t at = start, us, ue;
    while (next_name(x, u->cc.names.items[i], &at, end, SIZE_MAX - 1, &us,
                     &ue))
      if (ue > us) return true;
  }
  return false;
}

bool units_unknown(xctx *x, size_t start, size_t end, xunit *out) {
  if (!clip_range(x, &start, &end) || !names_stand(x, start, end))
    return false;
  cand_list known = {0}, names = {0};
  mentions(x, start, end, &known);
  unknown_names(x, start, end, &known, &names);
  bool found = false;
  for (size_t i = 0; i < names.n; i++) {
    const cand *c = &names.items[i];
    if (!found || c->start < out->start ||
        (c->start == out->start && c->end - c->start > out->end - out->start)) {
      *out = (xunit){NULL, NULL, c->start, c->end, c->r->id};
      found = true;
    }
  }
  if (known.failed || names.failed) out_of_memory(x);
  free(known.items);
  free(names.items);
  return found;
}

/* Can a match of r start at s[at]: a byte of its first bytes, or one of
 * its first words (rule_facts.first, rule.first_words)?  True when its
 * facts do not say. */
static bool may_start_at(const xctx *x, const rule *r, size_t at) {
  if (r->facts.has_first)
    return rule_may_start(r, (const unsigned char *)x->s, at, x->n);
  const rule_first_words *fw = r->first_words;
  return !fw || first_word_at(fw, (const unsigned char *)x->s, at, x->n);
}

/* Does r match starting at `at`, in the text cut at `end`?  A rule whose
 * searches try its anchored code where a match may start (by its first
 * words or first bytes: rule_exec) is tried so here too: a search from
 * `at` up to `at` runs its other code, compiled for these tries alone
 * (for the names' grammar as much work as the search for units in a
 * plan). */
static bool matches_at(xctx *x, const rule *r, size_t at, size_t end) {
  if (r->first_words || r->by_first) return xmatch_at(x, r, x->s, end, at);
  return rule_exec_until(r, &x->scan, x->s, end, at, at, x->md);
}

/* Is a match of gated rule i starting at the range's start (g->lo)
 * barred: a barrier of r stands between there and the first word with a
 * literal of its chosen clause?  A match holds such a word and no barrier
 * (gated_match), so it would start after the barrier.  False when g
 * cannot tell. */
static bool barred(const xctx *x, const literal_gate *g, size_t i,
                   const rule *r) {
  if (!g || !g->worded || !g->r.nclauses[i] || !r->facts.barrier) return false;
  size_t read[RULE_LIT_ALTS];
  for (size_t a = 0; a < RULE_LIT_ALTS; a++) read[a] = SIZE_MAX;
  size_t k = next_holding(g, &r->facts, g->clause[i], g->first, read);
  if (k >= g->last) return true; /* no such word: range_may_hold says so */
  return window_start(g, x, k, g->lo, r->facts.barrier) > g->lo;
}

/* Asked where each clause of a list may open (a few thousand times in a
 * plan, hardly ever twice at one place and end): only the rules that may
 * start with the byte there are looked at (a tenth of them), and the gate
 * reads the range only once one of them may start right there. */
static bool mention_bytes_may_start(const xctx *x, const unit_rules *u,
                                    size_t at);

bool units_may_start(xctx *x, size_t at, size_t end) {
  size_t start = at;
  if (!clip_range(x, &start, &end) || start != at) return false;
  unit_rules *u = unit_rules_of(x);
  if (!u || !u->starts_known) return true;
  u->opening.valid = false;
  /* the first bytes mentions start with tell at one look of most places
   * (a line's first word in lower case, a dash) that none starts there,
   * before the rules that may start with its byte are tried */
  if (!mention_bytes_may_start(x, u, at)) return false;
  const uint64_t *starting = rules_starting(u, (unsigned char)x->s[at]);
  const literal_gate *g = NULL;
  bool ranged = false;
  /* a scan from `at` finds a match there first, when there is one, and
   * every other one further on */
  size_t words = (u->n + 63) / 64;
  for (size_t b = 0; b < words; b++) {
    uint64_t m = starting                          ? starting[b]
                 : b + 1 < words || u->n % 64 == 0 ? UINT64_MAX
                     : ((uint64_t)1 << (u->n % 64)) - 1;
    for (; m; m &= m - 1) {
      size_t i = b * 64 + (size_t)__builtin_ctzll(m);
      if (!may_start_at(x, u->items[i], at)) continue;
      if (!ranged && !u->ungated) {
        if (x->n <= GATE_TEXT_MAX && !u->gate &&
            !(u->gate = literal_gate_build(x, u, true))) {
          out_of_memory(x);
          return true;
        }
        g = u->gate && u->gate->worded && range_literals(x, u->gate, at, end)
                ? u->gate
                : NULL;
        ranged = true;
      }
      if (may_match(g, i) && !barred(x, g, i, u->items[i]) &&
          matches_at(x, u->items[i], at, end)) {
        PCRE2_SIZE *ov = pcre2_get_ovector_pointer(x->md);
        u->opening.us = u->opening.ms = ov[0];
        u->opening.ue = u->opening.me = ov[1];
        rule_group(u->items[i], x->md, "u", &u->opening.us, &u->opening.ue);
        u->opening.key = rule_value(u->items[i], x->md, "unit");
        u->opening.i = i;
        u->opening.at = at;
        u->opening.end = end;
        u->opening.valid = true;
        return true;
      }
    }
  }
  for (size_t i = 0; i < u->cc.names.n; i++) {
    const rule *r = u->cc.names.items[i];
    name_try t;
    if (may_start_at(x, r, at) &&
        (r->first_words ? name_try_at(x, u, r, at, end, &t)
                        : matches_at(x, r, at, end)))
      return true;
  }
  return false;
}

/* May a mention start at `at` by its first two or three bytes alone
 * (unit_choice.pairs, open, triples)?  True when not told. */
static bool mention_bytes_may_start(const xctx *x, const unit_rules *u,
                                    size_t at) {
  if (at >= x->n || continuation(x, at)) return false;
  if (!u->starts_known || !u->mention_first) return true;
  const unsigned char *s = (const unsigned char *)x->s;
  unsigned c = s[at], c1 = at + 1 < x->n ? s[at + 1] : 0;
  /* (a pair with the end's 0: a word of one byte, or a rule's bytes) */
  size_t pair = c * 256 + c1;
  if (!(u->pairs[pair / 64] >> (pair % 64) & 1)) return false;
  if (!(u->open[pair / 64] >> (pair % 64) & 1)) {
    size_t t = triple_slot(c, c1, at + 2 < x->n ? s[at + 2] : 0);
    if (!(u->triples[t / 64] >> (t % 64) & 1)) return false;
  }
  return true;
}

bool units_mention_may_start(xctx *x, size_t at) {
  if (at >= x->n || continuation(x, at)) return false;
  unit_rules *u = unit_rules_of(x);
  if (!u || !u->starts_known || !u->mention_first) return true;
  if (!mention_bytes_may_start(x, u, at)) return false;
  const unsigned char *s = (const unsigned char *)x->s;
  unsigned c = s[at];
  const uint64_t *any = u->mention_first + c * u->mbits;
  const uint64_t *off = u->u_first + c * u->mbits;
  for (size_t b = 0; b < u->mbits; b++)
    for (uint64_t m = any[b]; m; m &= m - 1) {
      size_t j = b * 64 + (size_t)__builtin_ctzll(m);
      const rule *r = j < u->n ? u->items[j] : u->cc.names.items[j - u->n];
      if (off[b] >> (j % 64) & 1) return true; /* by its byte alone */
      if (!may_start_at(x, r, at)) continue;
      const rule_first_words *fw =
          r->first_words ? r->first_words : u->first_words[j];
      const rule_start_words *sw =
          r->start_words ? r->start_words : u->start_words[j];
      if (fw && !first_word_at(fw, s, at, x->n)) continue;
      if (sw && !rule_start_word_at(sw, s, at, x->n)) continue;
      return true;
    }
  return false;
}

void units_find_named(xctx *x, size_t start, size_t end, xunits *out) {
  if (!clip_range(x, &start, &end)) return;
  cand_list l = {0};
  mentions(x, start, end, &l);
  cand_list names = {0};
  unknown_names(x, start, end, &l, &names);
  /* among the names, the longest wins an overlap, as among mentions */
  if (names.n > 1)
    cands_sort(names.items, names.n, by_strength);
  size_t apart = keep_apart(x, names.items, names.n);
  for (size_t i = 0; i < apart; i++) cand_push(&l, names.items[i]);
  if (l.failed || names.failed) out_of_memory(x);
  if (l.n > 1) cands_sort(l.items, l.n, by_start);
  for (size_t i = 0; i < l.n; i++) {
    const cand *c = &l.items[i];
    const tax_unit *u = c->key ? tax_find_unit(x->rules, c->key) : NULL;
    xunits_push(x, out,
                &(xunit){c->key, u ? u->name : NULL, c->start, c->end,
                         c->r->id});
  }
  free(l.items);
  free(names.items);
}
