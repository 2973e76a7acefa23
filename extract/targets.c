/* targets.c: quantified commitments (percentages and counts).
 *
 * Every pattern is in rules/targets.rules (groups target., nontarget.,
 * clause., subject.), rules/indicators.concepts (what an indicator
 * measures), the area rules (area., planarea.: areas.tsv, areas.rules) and
 * the table model (table.c, cell.); this file only orchestrates:
 *
 * 1. Blocks.  A block is one cell of text (table.c): a canonical line, or
 *    several when the next lines continue it (the scattered cells of an
 *    appendix table: "1.7. Tối thiểu 80%" / "TTHC có yêu cầu ...").
 * 2. Candidates.  Every target.* rule runs over the block; a number keeps the
 *    first rule (file order) whose match covers it, so "tối thiểu 98%"
 *    beats the bare "98%".  A candidate whose number lies in a nontarget.*
 *    match (a citation, a date, "Đề án 06", "tốc độ trên 01 Gb/s") is
 *    dropped.
 * 3. Clauses.  clause.* role=end matches cut the block; two targets left in
 *    one clause are parted at the last list separator (", ", " và ") before
 *    the second one, or before the subject opener ("tỷ lệ ...") that leads
 *    to it; without a separator they share the clause.
 * 4. Fields.  subject from subject.* (after the quantity, else before it);
 *    indicator from the concepts the clause holds (indicators.c); area
 *    from the section, else from the plan's title when the title names
 *    one area (the plan is the root of its sections: a digital-economy
 *    plan's goals are digital economy whatever they count), else from the
 *    indicator's taxonomy entry.
 * 5. Target tables ("Chỉ tiêu | Đơn vị tính | Kết quả", rows of the table
 *    model, table.h): a row whose cells hold no target of their own reads
 *    as its target cell followed by its figure in its measure ("Tỷ lệ ...
 *    80 %"), through the same rules. */
#include "extract.h"
#include "indicators.h"
#include "table.h"
#include "targets.h"

#include <stdlib.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/* Byte pairs: a block sums up which pairs of adjacent bytes it holds, and
 * a literal the pairs it holds in whichever case its letters stand
 * (rule_literal.pairs, rules.h): a block that lacks every form of one of
 * them lacks the literal.  A block holds a few of the ten literals the
 * target rules ask of it, and telling so by its pairs costs a few loads,
 * where a search is a PCRE2 call. */
enum { PAIRS = 1 << 16 };

/* Distinct gates the target and non-target rules may name (tctx.gates). */
enum { GATES = 8 };

typedef struct tctx {
  xctx *x;
  rule_list targets, nontargets, ends, lists, openers;
  rule_list subj_after, subj_before;
  /* the bytes the matches of each clause rule start with, when few
   * (first_bytes_of): ends[i]'s in end_first[i], and so on */
  struct first_bytes *end_first, *list_first, *opener_first;
  /* A block runs a target rule only when it holds a character of each
   * clause of the rule's needs: of the first clause of some rule, at
   * least (every feature when a rule needs none).  Most lines hold no
   * digit, and are passed over without a look at each rule. */
  uint64_t target_gate;
  /* The gates of the target and non-target rules (tgate.*, `set:
   * gate=`): target i runs on a block only when gates[gate_of[i] - 1]
   * matches in it (0: no gate), non-target i when gates[nongate_of[i] -
   * 1] does; gate_block[g] is the block whose answer gate_ok[g] is. */
  const rule *gates[GATES];
  uint8_t *gate_of, *nongate_of;
  size_t ngates, gate_block[GATES];
  bool gate_ok[GATES];
  /* the one area the plan's title names, or NULL; read when a target
   * first asks (plan_area_read): a plan without targets, or whose targets
   * all take their sections' areas, runs no area rule over its title */
  const char *plan_area;
  bool plan_area_read;
  table_join_rules joins;
  uint64_t byte_features[256]; /* of each byte, for the stretches */
  /* where each literal of the rule set (rules.h) first stands in the
   * block, as far as found (SIZE_MAX: nowhere): lit_first[id] when
   * lit_block[id] is the current block */
  size_t block, nlits, *lit_block, *lit_first;
  /* the byte pairs of block pairs_block are those of the thread's
   * pair_marks marked pairs_mark (struct pair_marks) */
  size_t pairs_block;
  uint8_t pairs_mark;
  /* the indicator of each clause text met so far: plans repeat their
   * clauses (a goal in the text and in the appendix).  By the address
   * frame_intern gave the text, the same for equal texts (a text it
   * could not keep is one more to classify), not by its bytes hashed
   * once more. */
  struct known {
    const char *text, *key;
  } *known;
  size_t nknown, cap_known; /* cap_known slots: 0 or a power of two */
  /* the subject of each clause met so far, as for the indicators: by
   * the text frame_intern gave its clause (raw[0, len), the block's bytes
   * the subject rules read) and where its quantity stands in it; raw
   * compared, as two clauses may flatten alike */
  struct subject_known {
    const char *text, *raw, *subject;
    size_t len, ms, me;
  } *subjects;
  size_t nsubjects, cap_subjects; /* as nknown, cap_known */
  /* the short blocks that hold no candidate (EMPTY_BLOCK_BYTES at most),
   * by their bytes (the text's from `at`) and features: a plan repeats
   * its short cells ("2026 - 2030", "Năm 2024", a row's number), each
   * read again by every rule its features and words let run
   * (find_candidates, a function of them); a long block seldom repeats,
   * and hashing it costs more than the repeats spare */
  struct empty_block {
    uint64_t hash, has;
    size_t at, n; /* n 0: a free slot (a block holds a digit) */
  } *empty;
  size_t nempty, cap_empty; /* as nknown, cap_known */
} tctx;

enum { EMPTY_BLOCK_BYTES = 16 };

/* Where to search next after a match [a, b) of s[0..n): its end, or past one
 * character after an empty match. */
static size_t next_pos(const char *s, size_t n, size_t pos, size_t b) {
  if (b > pos) return b;
  pos++;
  while (pos < n && ((unsigned char)s[pos] & 0xC0) == 0x80) pos++;
  return pos;
}

/* ---- 1. blocks ------------------------------------------------------------ */

/* The first line of the block that holds line li, not before line
 * `floor` (a block's first), and its last: the lines that continue one
 * cell (table_join). */
static size_t block_start(tctx *t, size_t floor, size_t li);
static size_t block_end(tctx *t, size_t li);

static size_t block_start(tctx *t, size_t floor, size_t li) {
  while (li > floor && table_join(t->x, &t->joins, li) == XJOIN_YES) li--;
  return li;
}

static size_t block_end(tctx *t, size_t li) {
  while (li + 1 < t->x->nlines &&
         table_join(t->x, &t->joins, li + 1) == XJOIN_YES)
    li++;
  return li;
}

/* ---- stretches ------------------------------------------------------------ */

/* A rule's match holds no character of its barrier and, for each clause of
 * its needs, a character of the clause (rule_facts): it lies in one
 * stretch of the block between two barrier characters, one that holds
 * what the rule needs.  A match that starts before a barrier character
 * ends before it, so a search from where a stretch starts finds the match
 * that the block's search from its start finds there.  The non-targets,
 * which run on the few blocks holding candidates, search only the
 * stretches that hold a candidate's value, each up to its end.  (Finding
 * the stretches costs more than it saves on the blocks the targets are
 * looked for in, and the clause cuts are found at once by their first
 * character.) */

/* The features of the block's bytes are read through byte_features, one
 * lookup a byte: an ASCII byte's own; a digit's for every lead byte beyond
 * ASCII, as one may start a digit (rule_features); none for the rest of a
 * character.  A stretch's features only let a rule pass over a stretch
 * that lacks what it needs, and each stretch searched holds a digit
 * already (a candidate's value), so the same stretches are searched as
 * when each lead byte is told apart; barriers never hold a digit
 * (stretch_end).  Looked up where a walk reads: the walks read the few
 * stretches around the values, where an array of the whole block's
 * features (8 bytes a byte) was filled for each block with candidates
 * (on 40 plans 0.9 M instructions, more than the walks). */
#define FEAT(i) (t->byte_features[u[(i)]])

/* The stretch of the block s[0..n) that starts at `from`, up to the next
 * character of r's barrier (or n): its end, and its features in *has.  A
 * barrier of digits (bit 0, also beyond ASCII) is not used: every stretch
 * is then the rest of the block. */
static size_t stretch_end(const tctx *t, const rule *r, const char *s,
                          size_t n, size_t from, uint64_t *has) {
  uint64_t b = r->facts.barrier & ~(uint64_t)1, f = 0;
  const unsigned char *u = (const unsigned char *)s;
  size_t i = from;
  /* four bytes at a time while none is of the barrier: the walks of the
   * non-targets' stretches cost more than a tenth of their searches */
  while (i + 4 <= n) {
    uint64_t four = FEAT(i) | FEAT(i + 1) | FEAT(i + 2) | FEAT(i + 3);
    if (four & b) break;
    f |= four;
    i += 4;
  }
  for (; i < n && !(FEAT(i) & b); i++) f |= FEAT(i);
  *has = f;
  return i;
}

/* Where the stretch of r that holds offset `at` (from <= at < n, not a
 * barrier character) starts, not before `from`: after the last character
 * of r's barrier before `at`.  Its end as stretch_end's, and its features
 * in *has. */
static size_t stretch_around(const tctx *t, const rule *r, const char *s,
                             size_t n, size_t from, size_t at, size_t *start,
                             uint64_t *has) {
  uint64_t b = r->facts.barrier & ~(uint64_t)1, before = 0;
  const unsigned char *u = (const unsigned char *)s;
  size_t i = at;
  while (i >= from + 4) { /* (as stretch_end) */
    uint64_t four = FEAT(i - 1) | FEAT(i - 2) | FEAT(i - 3) | FEAT(i - 4);
    if (four & b) break;
    before |= four;
    i -= 4;
  }
  for (; i > from && !(FEAT(i - 1) & b); i--) before |= FEAT(i - 1);
  *start = i;
  size_t end = stretch_end(t, r, s, n, at, has);
  *has |= before;
  return end;
}

/* ---- literals ------------------------------------------------------------- */

/* The byte pairs of the last block read, per thread: pair v (its first
 * byte, plus 256 times its second) is in it when seen[v] is `mark`.  The
 * mark goes up block by block, over the plans the thread reads, and the
 * table is cleared only when it wraps (every 255 blocks): a table
 * allocated and cleared per plan cost more than the pairs it spared. */
static _Thread_local struct pair_marks {
  uint8_t seen[PAIRS];
  uint8_t mark;
} pair_marks;

/* The byte pairs of s[0..n) into seen[PAIRS], marked `gen`. */
static void fill_pairs(uint8_t *seen, uint8_t gen, const char *s, size_t n) {
  size_t i = 1;
  /* four pairs a step: the loop's own count and test were half of it */
  for (; i + 3 < n; i += 4) {
    uint16_t a, b, c, d;
    memcpy(&a, s + i - 1, sizeof a);
    memcpy(&b, s + i, sizeof b);
    memcpy(&c, s + i + 1, sizeof c);
    memcpy(&d, s + i + 2, sizeof d);
    seen[a] = gen;
    seen[b] = gen;
    seen[c] = gen;
    seen[d] = gen;
  }
  for (; i < n; i++) {
    uint16_t v;
    memcpy(&v, s + i - 1, sizeof v);
    seen[v] = gen;
  }
}

/* Are the pairs of p among those marked `gen` in seen[PAIRS]? */
static bool pairs_held(const struct rule_pairs *p, const uint8_t *seen,
                       uint8_t gen) {
  for (size_t k = 0; k < p->npos; k++) {
    bool any = false;
    for (size_t j = 0; j < p->nalt[k] && !any; j++)
      any = seen[p->alt[k][j]] == gen;
    if (!any) return false;
  }
  return true;
}

/* May the block s[0..n) hold literal l, by its byte pairs?  False only
 * when it cannot. */
static bool block_may_hold(tctx *t, const rule_literal *l, const char *s,
                           size_t n) {
  const struct rule_pairs *p = rule_literal_pairs(l);
  if (!p->npos) return true;
  struct pair_marks *pm = &pair_marks;
  /* (the table holds another block's pairs when another search of this
   * thread read one since) */
  if (t->pairs_block != t->block || pm->mark != t->pairs_mark) {
    if (!++pm->mark) {
      memset(pm->seen, 0, sizeof pm->seen);
      pm->mark = 1;
    }
    fill_pairs(pm->seen, pm->mark, s, n);
    t->pairs_block = t->block;
    t->pairs_mark = pm->mark;
  }
  return pairs_held(p, pm->seen, pm->mark);
}

void targets_pairs_may_hold(const rule_literal *const *lits, size_t nlits,
                            const char *s, size_t n, bool *may) {
  uint8_t *seen = calloc(PAIRS, sizeof *seen);
  if (seen) fill_pairs(seen, 1, s, n);
  for (size_t i = 0; i < nlits; i++) {
    may[i] = !seen || pairs_held(rule_literal_pairs(lits[i]), seen, 1);
  }
  free(seen);
}

/* Where the literals of the rule set stand in the block (tctx.lit_block,
 * lit_first), per thread for a rule set of up to LIT_PLACES - 1 literals:
 * its blocks are numbered on from the last plan's (serial), so an entry
 * of an earlier plan, or of another rule set, names a block passed and is
 * never read, and the table is neither allocated nor cleared per plan. */
enum { LIT_PLACES = 1024 };
static _Thread_local struct lit_places {
  size_t block[LIT_PLACES], first[LIT_PLACES];
  size_t serial; /* the last block numbered on this thread */
} lit_places;

/* Where literal l first stands in the block s[0..n) at or after `from` (a
 * character's start), or SIZE_MAX: found by its rest when it has one
 * (rules.h: the search for "không" would stop at every 'k', a letter of
 * three cases, where the rest's skips to "hông"), each occurrence
 * starting at the character before the rest's. */
static size_t block_search(tctx *t, const rule_literal *l, const char *s,
                           size_t n, size_t from) {
  pcre2_match_data *md = t->x->md;
  if (!l->rest)
    return code_match(l->code, &l->jit, s, n, from, md, NULL) > 0
               ? pcre2_get_ovector_pointer(md)[0]
               : SIZE_MAX;
  for (size_t pos = from;
       code_match(l->rest, &l->rest_jit, s, n, pos, md, NULL) > 0;) {
    size_t q = pcre2_get_ovector_pointer(md)[0], at = q - 1;
    while (at > 0 && ((unsigned char)s[at] & 0xC0) == 0x80) at--;
    if (at >= from) return at;
    pos = next_pos(s, n, q, q);
  }
  return SIZE_MAX;
}

/* Where literal l first stands in the block s[0..n), or SIZE_MAX.  Each
 * is searched once a block: the rules share their words. */
static size_t block_first(tctx *t, const rule_literal *l, const char *s,
                          size_t n) {
  bool cached = t->lit_block && l->set == &t->x->rules->literals &&
                l->id < t->nlits;
  if (cached && t->lit_block[l->id] == t->block) return t->lit_first[l->id];
  size_t at = block_may_hold(t, l, s, n) ? block_search(t, l, s, n, 0)
                                          : SIZE_MAX;
  if (cached) {
    t->lit_block[l->id] = t->block;
    t->lit_first[l->id] = at;
  }
  return at;
}

static bool block_holds(tctx *t, const rule_literal *l, const char *s,
                        size_t n) {
  return block_first(t, l, s, n) != SIZE_MAX;
}

/* Where literal l stands in the block s[0..n) at or after `from` (a
 * character's start) first, or SIZE_MAX. */
static size_t block_next(tctx *t, const rule_literal *l, const char *s,
                         size_t n, size_t from) {
  size_t at = block_first(t, l, s, n);
  if (at == SIZE_MAX || at >= from) return at;
  return block_search(t, l, s, n, from);
}

/* The literals of the rules a block runs by (block_may_match) that each
 * distinct word of the text (rule_text_words) holds: a bit per literal,
 * the literals numbered (bit_of[id] - 1; 0: none) up to 64.  The words
 * of a block of the text are its runs, whole (it starts and ends at a
 * line's start and end): its literals are those its runs' words hold,
 * read once per block (the block asked last: s, n, held). */
enum { BLOCK_WORD_LITS = 64 };
bool targets_block_words_off = false;
struct block_words {
  bool told; /* false: not told (no memory, a long text, too many
              * literals): every literal is searched */
  const char *s;     /* the block last asked about, n bytes (NULL: none) */
  size_t n;
  uint64_t held;     /* its literals */
  bool held_told;    /* false: not told (block_words_held) */
  unsigned char *bit_of; /* by literal id (nids) */
  uint64_t *holds;   /* by distinct word */
};

/* Add l to lits[0, *n) (room for BLOCK_WORD_LITS) when it is not there;
 * false when there is no room, or l is not inside words
 * (rule_literal_in_words) or of the rule set's literals. */
static bool word_lit_add(const cchc_rules *rs, unsigned char *bit_of,
                         const rule_literal **lits, size_t *n,
                         const rule_literal *l) {
  if (l->set != &rs->literals || l->id >= rs->literals.n) return false;
  if (bit_of[l->id]) return true;
  if (*n == BLOCK_WORD_LITS || !rule_literal_in_words(l)) return false;
  lits[*n] = l;
  bit_of[l->id] = (unsigned char)++*n;
  return true;
}

/* The literals each distinct word holds, read at the first ask for the
 * text (rule_literals_in_words: what a word holds is kept for the next
 * texts); x->block_words, told false when they cannot be. */
static struct block_words *block_words_read(tctx *t) {
  xctx *x = t->x;
  if (x->block_words) return x->block_words;
  const rule_words *w = rule_text_words(&x->scan);
  const uint32_t *id = w ? rule_text_word_ids(&x->scan) : NULL;
  size_t nids = x->rules->literals.n, nwords = w ? w->nwords : 0;
  struct block_words *b = calloc(1, sizeof *b + nids + 8 +
                                        (nwords + 1) * sizeof *b->holds);
  if (!b) return NULL;
  x->block_words = b;
  b->holds = (uint64_t *)(void *)(b + 1);
  b->bit_of = (unsigned char *)(b->holds + nwords + 1);
  if (!id) return b; /* (a block with a run too long is searched) */
  const rule_list *lists[] = {&t->targets, &t->nontargets, &t->ends,
                              &t->lists, &t->openers};
  const rule_literal *lits[BLOCK_WORD_LITS];
  size_t nlits = 0;
  bool ok = true;
  for (size_t q = 0; ok && q < sizeof lists / sizeof *lists; q++)
    for (size_t i = 0; ok && i < lists[q]->n; i++) {
      const rule_facts *f = &lists[q]->items[i]->facts;
      for (size_t c = 0; ok && c < f->nlits; c++)
        for (size_t k = 0; ok && k < f->nalts[c]; k++)
          ok = word_lit_add(x->rules, b->bit_of, lits, &nlits, f->lits[c][k]);
    }
  b->told = ok && rule_literals_in_words(lits, nlits, x->s, w->at, w->len,
                                         id, nwords, b->holds, 1);
  return b;
}

/* The literals (block_words) the block of the text at `base`, n bytes,
 * holds: false when not told (a run too long, a block cut inside a
 * word). */
static bool block_words_held(tctx *t, const struct block_words *b,
                             size_t base, size_t n, uint64_t *held) {
  const rule_words *w = rule_text_words(&t->x->scan);
  size_t lo = 0, hi = w->nruns;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (w->run_at[mid] < base) lo = mid + 1;
    else hi = mid;
  }
  uint64_t h = 0;
  /* (a block cut inside a word would hold a part of it: searched) */
  const char *text = t->x->s;
  bool told = (!base || !rule_word_byte((unsigned char)text[base - 1])) &&
              (base + n == t->x->n ||
               !rule_word_byte((unsigned char)text[base + n]));
  for (size_t r = lo; r < w->nruns && w->run_at[r] - base < n; r++) {
    if (w->run_word[r] == RULE_NO_WORD) told = false;
    else h |= b->holds[w->run_word[r]];
  }
  *held = h;
  return told;
}

/* The literals block s[0..n) holds, into b->held, for the next asks
 * about it (b->s, b->n); b->held_told false when they are not told (a
 * block not of the text, or as block_words_held).  NULL without memory. */
static struct block_words *block_words_ask(tctx *t, const char *s,
                                           size_t n) {
  xctx *x = t->x;
  uintptr_t p = (uintptr_t)s, text = (uintptr_t)x->s;
  struct block_words *b = block_words_read(t);
  if (!b) return NULL;
  b->s = s;
  b->n = n;
  b->held = 0;
  b->held_told = !targets_block_words_off && b->told && p >= text &&
                 p - text <= x->n && n <= x->n - (p - text) &&
                 block_words_held(t, b, p - text, n, &b->held);
  return b;
}

/* Can r match in the block s[0..n), as far as its literals tell?  Each
 * match holds, for every clause of them, one of its words (rules.h,
 * rule_facts): a block lacking a clause's words is not searched.  A
 * block of the text (lines of it) is told by the words of its runs
 * (block_words), where each literal cost a look at the block's byte
 * pairs and, if they were there, a search (a PCRE2 call); another (a
 * table row's cells, joined) is searched. */
static bool block_may_match(tctx *t, const rule *r, const char *s, size_t n) {
  const rule_facts *f = &r->facts;
  if (!f->nlits) return true;
  xctx *x = t->x;
  /* (the rules of a block ask one after another) */
  struct block_words *b = x->block_words;
  if (!b || b->s != s || b->n != n) b = block_words_ask(t, s, n);
  bool told = b && b->held_told;
  uint64_t held = told ? b->held : 0;
  for (size_t i = 0; i < f->nlits; i++) {
    bool any = false;
    for (size_t k = 0; k < f->nalts[i] && !any; k++) {
      const rule_literal *l = f->lits[i][k];
      unsigned bit = told && l->set == &x->rules->literals &&
                             l->id < x->rules->literals.n
                         ? b->bit_of[l->id]
                         : 0;
      any = bit ? held >> (bit - 1) & 1 : block_holds(t, l, s, n);
      /* as block_first would find it: nowhere in the block */
      if (bit && !any && t->lit_block && l->id < t->nlits) {
        t->lit_block[l->id] = t->block;
        t->lit_first[l->id] = SIZE_MAX;
      }
    }
    if (!any) return false;
  }
  return true;
}

/* r's first match in the block s[0..n) from `pos` on, for a rule whose
 * matches start with one of its anchor words (xstarts_with_word): tried,
 * anchored, at each place of the words from `pos` on (at[k]: the next
 * place of word k found, SIZE_MAX none).  PCRE2's search would stop at
 * every first letter of the words ("t", "h", "n": most of a Vietnamese
 * line) and try the whole pattern there. */
static bool match_at_words(tctx *t, const rule *r, const char *s, size_t n,
                           size_t pos, size_t *at) {
  const rule_facts *f = &r->facts;
  for (;;) {
    size_t best = SIZE_MAX;
    for (size_t k = 0; k < f->nanchor; k++) {
      if (at[k] < pos) at[k] = block_next(t, f->anchor[k], s, n, pos);
      if (at[k] < best) best = at[k];
    }
    if (best == SIZE_MAX) return false;
    if (xmatch_at(t->x, r, s, n, best)) return true;
    pos = next_pos(s, n, best, best);
  }
}

/* Does the gate of rule i of a list (gate_of: tctx.gate_of or
 * nongate_of) match in the block s[0..n), if it has one?  Searched once a
 * block for every rule naming it. */
static inline bool gate_open(tctx *t, const uint8_t *gate_of, size_t i,
                             const char *s, size_t n) {
  size_t g = gate_of ? gate_of[i] : 0;
  if (!g--) return true;
  if (t->gate_block[g] != t->block) {
    t->gate_block[g] = t->block;
    t->gate_ok[g] = rule_exec(t->gates[g], s, n, 0, t->x->md);
  }
  return t->gate_ok[g];
}

/* The gates of the rules of `list` (tctx.gates), into a new *gate_of.  A
 * gate that names no rule, or one gate too many, gates nothing: the rule
 * runs on every block. */
static void read_gates(tctx *t, const rule_list *list, uint8_t **gate_of) {
  if (!list->n || !(*gate_of = calloc(list->n, sizeof **gate_of))) return;
  for (size_t i = 0; i < list->n; i++) {
    const rule *gate = rule_gate(t->x->rules, list->items[i]);
    if (!gate) continue;
    size_t g = 0;
    while (g < t->ngates && t->gates[g] != gate) g++;
    if (g == GATES) continue;
    if (g == t->ngates) t->gates[t->ngates++] = gate;
    (*gate_of)[i] = (uint8_t)(g + 1);
  }
}

/* ---- 2. candidates ---------------------------------------------------------- */

typedef struct cand {
  size_t ms, me; /* whole match, block offsets */
  size_t vs, ve; /* value */
  size_t xs, xe; /* max value of a range, or 0,0 */
  const rule *r;
  size_t cs, ce; /* clause */
  bool dropped;
} cand;

typedef struct cands {
  cand *v;
  size_t n, cap;
} cands;

static bool push_cand(cands *c, const cand *k) {
  if (c->n == c->cap) {
    size_t cap = c->cap ? c->cap * 2 : 16;
    cand *p = realloc(c->v, cap * sizeof *p);
    if (!p) return false;
    c->v = p;
    c->cap = cap;
  }
  c->v[c->n++] = *k;
  return true;
}

static int cmp_cand(const void *a, const void *b) {
  const cand *x = a, *y = b;
  return x->vs < y->vs ? -1 : x->vs > y->vs;
}

static int cmp_cand_ms(const void *a, const void *b) {
  const cand *x = a, *y = b;
  return x->ms < y->ms ? -1 : x->ms > y->ms;
}

/* Index of the first of v[0..n) (disjoint, sorted) that ends after `at`. */
static size_t first_ending_after(const cand *v, size_t n, size_t at,
                                 bool value) {
  size_t lo = 0, hi = n;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if ((value ? v[mid].ve : v[mid].me) > at) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/* Where the last value in [a, b] of a candidate not dropped yet ends (it
 * may run past b), or 0 when there is none.  (v[0..n) disjoint, sorted by
 * start.) */
static size_t last_value_end(const cand *v, size_t n, size_t a, size_t b) {
  size_t end = 0;
  for (size_t j = first_ending_after(v, n, a, true); j < n && v[j].vs <= b;
       j++)
    if (!v[j].dropped) end = v[j].ve;
  return end;
}

/* Do r's matches start only where the block starts ("^\\s*1.2." of
 * nontarget.marker: facts.starts, at the subject's start and after no
 * character)?  A search of such a rule from a later place finds none, and
 * the stretches past the block's first are not searched (on 40 plans 888
 * searches, 0.53 M instructions, of which few start at 0). */
static bool starts_block_only(const rule *r) {
  const rule_facts *f = &r->facts;
  return f->starts && f->at_zero && !f->after;
}

bool targets_near_digits_off = false;

/* r's first match in the block s[0..n) starting in [pos, limit].  A rule
 * whose matches hold a digit near their start (nontarget.level,
 * nontarget.name: "thôn 3", "Đề án 06"; nontarget.date "ngày 15") is
 * searched in the windows before the block's digits only, where PCRE2
 * would stop at every letter its words start with, or the tries at its
 * first bytes and words would be made all along the stretch
 * (rule_exec_near_digits). */
static bool nontarget_match(tctx *t, const rule *r, const char *s, size_t n,
                            size_t pos, size_t limit) {
  if (r->facts.near_digit && !targets_near_digits_off)
    return rule_exec_near_digits(r, &t->x->scan, s, n, pos, limit,
                                 t->x->md);
  return xmatch_until(t->x, r, s, n, pos, limit);
}

/* Candidates are kept disjoint and sorted by start, so each check is a
 * binary search: a block of thousands of numbers stays n log n. */
/* `has`: the features of s[0..n) (or more): a block without a digit (or a
 * '%') runs none of the rules that need one. */
static bool find_candidates(tctx *t, const char *s, size_t n, uint64_t has,
                            cands *out) {
  pcre2_match_data *md = t->x->md;
  if (!(has & t->target_gate) && !out->n) return true;
  t->block++;
  for (size_t i = 0; i < t->targets.n; i++) {
    const rule *r = t->targets.items[i];
    if (!rule_may_match(r, has) || !gate_open(t, t->gate_of, i, s, n) ||
        !block_may_match(t, r, s, n))
      continue;
    size_t pos = 0, accepted = out->n; /* out->v[0..accepted) sorted */
    bool by_words = xstarts_with_word(r) && !r->first_unit;
    size_t at[RULE_ANCHOR_ALTS];
    for (size_t k = 0; k < r->facts.nanchor; k++) at[k] = 0;
    while (pos <= n && (by_words ? match_at_words(t, r, s, n, pos, at)
                                 : rule_exec(r, s, n, pos, md))) {
      cand k = {.r = r};
      rule_match_span(md, &k.ms, &k.me);
      pos = next_pos(s, n, pos, k.me);
      if (!rule_group(r, md, "value", &k.vs, &k.ve)) continue;
      rule_group(r, md, "max", &k.xs, &k.xe);
      if (k.ms > k.vs) k.ms = k.vs; /* \K after the value: keep it covered */
      size_t j = first_ending_after(out->v, accepted, k.ms, false);
      bool taken = j < accepted && out->v[j].ms < k.me;
      /* this rule's own earlier matches end before k starts */
      if (!taken && out->n > accepted) taken = out->v[out->n - 1].me > k.ms;
      if (!taken && !push_cand(out, &k)) return false;
    }
    if (out->n > accepted) qsort(out->v, out->n, sizeof *out->v, cmp_cand_ms);
  }
  /* Numbers that are not targets: searched in the stretches that hold the
   * value of a candidate still standing, for a match that starts before
   * the last such value ends (one that starts after it drops nothing).
   * Those all dropped, no rule is left to run. */
  size_t standing = out->n;
  for (size_t i = 0; i < t->nontargets.n && standing; i++) {
    const rule *r = t->nontargets.items[i];
    if (!rule_may_match(r, has) || !gate_open(t, t->nongate_of, i, s, n) ||
        !block_may_match(t, r, s, n))
      continue;
    size_t pos = 0;
    bool at_start_only = starts_block_only(r);
    for (size_t from = 0; from <= n; from++) {
      /* the stretches before the one holding the next value still
       * standing hold none */
      size_t next = first_ending_after(out->v, out->n, from, true);
      while (next < out->n && out->v[next].dropped) next++;
      if (next == out->n) break;
      uint64_t in;
      size_t end = out->v[next].vs > from
                       ? stretch_around(t, r, s, n, from, out->v[next].vs,
                                        &from, &in)
                       : stretch_end(t, r, s, n, from, &in);
      if (pos < from) pos = from;
      if (at_start_only && pos) break; /* (no match starts there) */
      size_t last = rule_may_match(r, in)
                        ? last_value_end(out->v, out->n, from, end)
                        : 0;
      size_t limit = last && last - 1 < end ? last - 1 : end;
      if (last)
        while (pos <= limit && nontarget_match(t, r, s, n, pos, limit)) {
          size_t a, b;
          rule_match_span(md, &a, &b);
          pos = next_pos(s, n, pos, b);
          for (size_t j = first_ending_after(out->v, out->n, a, true);
               j < out->n && out->v[j].vs < b; j++) {
            standing -= !out->v[j].dropped;
            out->v[j].dropped = true;
          }
        }
      from = end;
    }
  }
  size_t k = 0;
  for (size_t j = 0; j < out->n; j++)
    if (!out->v[j].dropped) out->v[k++] = out->v[j];
  out->n = k;
  if (out->n > 1) qsort(out->v, out->n, sizeof *out->v, cmp_cand);
  return true;
}

/* ---- 3. clauses ------------------------------------------------------------- */

typedef struct cut {
  size_t s, e;
} cut;

typedef struct cuts {
  cut *v;
  size_t n, cap;
} cuts;

/* The bytes every match of a rule starts with, when they are at most
 * FIRST_BYTES_MAX and none is an ASCII letter, digit or blank (";",
 * "|", ".!?" and the lead byte of "…"): PCRE2's search for such a rule
 * steps through the block a character at a time, some 15 instructions a
 * byte, where a look for the bytes themselves passes 16 bytes at once
 * and the rule is tried, anchored, where one stands (first_bytes_exec).
 * n 0: not so (no facts, or other bytes), the rule is searched. */
enum { FIRST_BYTES_MAX = 4 };
_Static_assert(FIRST_BYTES_MAX == 4, "targets_first_bytes fills out[4]");
struct first_bytes {
  unsigned char b[FIRST_BYTES_MAX];
  uint8_t n;
};

static struct first_bytes first_bytes_of(const rule *r) {
  struct first_bytes fb = {{0}, 0};
  const rule_facts *f = &r->facts;
  /* (PCRE2 skips to a first code unit it knows by itself) */
  if (!f->has_first || r->first_unit) return fb;
  /* eight bytes of first[] at a time: most are none */
  for (unsigned w = 0; w < 256; w += 8) {
    uint64_t eight;
    memcpy(&eight, f->first + w, sizeof eight);
    for (unsigned c = w; eight; c++, eight >>= 8) {
      if (!(eight & 0xFF)) continue;
      bool common = c < 0x80 && (((c | 0x20) >= 'a' && (c | 0x20) <= 'z') ||
                                 (c >= '0' && c <= '9') || c == ' ' ||
                                 (c >= '\t' && c <= '\r'));
      if (common || fb.n == FIRST_BYTES_MAX) {
        fb.n = 0;
        return fb;
      }
      fb.b[fb.n++] = (unsigned char)c;
    }
  }
  return fb;
}

bool targets_first_bytes_off = false;

size_t targets_first_bytes(const rule *r, unsigned char out[4]) {
  struct first_bytes fb = first_bytes_of(r);
  memcpy(out, fb.b, fb.n);
  return fb.n;
}

/* The first offset in [i, n) that holds one of fb's bytes, or n. */
static size_t first_bytes_next(const struct first_bytes *fb,
                               const unsigned char *u, size_t i, size_t n) {
#if defined(__SSE2__)
  for (; i + 16 <= n; i += 16) {
    const __m128i c = _mm_loadu_si128((const __m128i *)(u + i));
    __m128i hit = _mm_cmpeq_epi8(c, _mm_set1_epi8((char)fb->b[0]));
    for (unsigned k = 1; k < fb->n; k++)
      hit = _mm_or_si128(hit,
                         _mm_cmpeq_epi8(c, _mm_set1_epi8((char)fb->b[k])));
    unsigned m = (unsigned)_mm_movemask_epi8(hit);
    if (m) return i + (size_t)__builtin_ctz(m);
  }
#endif
  for (; i < n; i++)
    for (unsigned k = 0; k < fb->n; k++)
      if (u[i] == fb->b[k]) return i;
  return n;
}

/* rule_exec(r, s, n, pos, md) for a rule with first bytes fb (fb->n > 0):
 * the leftmost place a match may start at (its first byte, and the
 * character before as its facts allow: rule_may_start) where the anchored
 * try matches, as PCRE2's search tries the places in turn; its match is
 * that try's (the subject whole: lookbehinds see what they saw). */
static bool first_bytes_exec(tctx *t, const rule *r,
                             const struct first_bytes *fb, const char *s,
                             size_t n, size_t pos) {
  const unsigned char *u = (const unsigned char *)s;
  for (size_t i = first_bytes_next(fb, u, pos, n); i < n;
       i = first_bytes_next(fb, u, i + 1, n))
    if (rule_may_start(r, u, i, n) && xmatch_at(t->x, r, s, n, i))
      return true;
  return false;
}

/* The first bytes of each rule of `list`, into a new array (NULL without
 * memory: every rule is searched). */
static struct first_bytes *first_bytes_read(const rule_list *list) {
  struct first_bytes *v = malloc((list->n ? list->n : 1) * sizeof *v);
  for (size_t i = 0; v && i < list->n; i++) v[i] = first_bytes_of(list->items[i]);
  return v;
}

/* The matches of the rules of `set` in the block s[0..n), each rule's
 * from the block's start on, up to the first that starts at or after
 * `upto`: a clause is cut by the last cut before its number and the first
 * one after it (set_clauses), and parted by the cuts between two of its
 * numbers (part_clauses), so none after that first one is ever read. */
static bool collect(tctx *t, const rule_list *set,
                    const struct first_bytes *firsts, const char *s, size_t n,
                    uint64_t has, size_t upto, cuts *out) {
  out->n = 0;
  for (size_t i = 0; i < set->n; i++) {
    const rule *r = set->items[i];
    if (!rule_may_match(r, has) || !block_may_match(t, r, s, n)) continue;
    const struct first_bytes *fb =
        firsts && firsts[i].n && !targets_first_bytes_off ? &firsts[i] : NULL;
    size_t pos = 0;
    while (pos <= n && (fb ? first_bytes_exec(t, r, fb, s, n, pos)
                           : rule_exec(r, s, n, pos, t->x->md))) {
      cut c;
      rule_match_span(t->x->md, &c.s, &c.e);
      pos = next_pos(s, n, pos, c.e);
      if (out->n == out->cap) {
        size_t cap = out->cap ? out->cap * 2 : 16;
        cut *p = realloc(out->v, cap * sizeof *p);
        if (!p) return false;
        out->v = p;
        out->cap = cap;
      }
      out->v[out->n++] = c;
      if (c.s >= upto) break;
    }
  }
  return true;
}

/* A clause never reaches further than this from its number: text without
 * clause ends (a run-on line, a broken table) would otherwise give every
 * target the whole block, quadratic in time and memory. */
enum { CLAUSE_REACH = 1024 };

/* Move a cut at `at` in s to a character start. */
static size_t char_start(const char *s, size_t at) {
  while (at > 0 && ((unsigned char)s[at] & 0xC0) == 0x80) at--;
  return at;
}

static int cmp_cut_s(const void *a, const void *b) {
  const cut *x = a, *y = b;
  return x->s < y->s ? -1 : x->s > y->s ? 1 : (x->e > y->e) - (x->e < y->e);
}

static int cmp_cut_e(const void *a, const void *b) {
  const cut *x = a, *y = b;
  return x->e < y->e ? -1 : x->e > y->e;
}

/* Index of the first cut of v[0..n) (sorted by `by_end ? e : s`) whose key
 * is >= at. */
static size_t first_at_or_after(const cut *v, size_t n, size_t at,
                                bool by_end) {
  size_t lo = 0, hi = n;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if ((by_end ? v[mid].e : v[mid].s) >= at) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/* `ends` is sorted by start and `ends_by_end` by end; `lists` and
 * `openers` by start: every lookup is a binary search. */
/* qsort must not see the NULL array of an empty set. */
static void sort_cuts(cuts *c, int (*cmp)(const void *, const void *)) {
  if (c->n > 1) qsort(c->v, c->n, sizeof *c->v, cmp);
}

static bool copy_cuts(const cuts *from, cuts *to) {
  if (to->cap < from->n) {
    cut *p = realloc(to->v, (from->n ? from->n : 1) * sizeof *p);
    if (!p) return false;
    to->v = p;
    to->cap = from->n;
  }
  if (from->n) memcpy(to->v, from->v, from->n * sizeof *from->v);
  to->n = from->n;
  return true;
}

static void set_clauses(cands *c, const cuts *ends, const cuts *ends_by_end,
                        const char *s, size_t n) {
  for (size_t i = 0; i < c->n; i++) {
    cand *k = &c->v[i];
    k->cs = k->ms > CLAUSE_REACH ? char_start(s, k->ms - CLAUSE_REACH) : 0;
    k->ce = n - k->me > CLAUSE_REACH ? char_start(s, k->me + CLAUSE_REACH) : n;
    /* the last end at or before the number, the first one after it */
    size_t j = first_at_or_after(ends_by_end->v, ends_by_end->n, k->ms + 1,
                                 true);
    if (j > 0 && ends_by_end->v[j - 1].e > k->cs) k->cs = ends_by_end->v[j - 1].e;
    j = first_at_or_after(ends->v, ends->n, k->me, false);
    if (j < ends->n && ends->v[j].s < k->ce) k->ce = ends->v[j].s;
  }
}

/* Do two targets share a clause (set_clauses)?  Only then are the list
 * separators and openers of the block looked for. */
static bool clause_shared(const cands *c) {
  for (size_t i = 0; i + 1 < c->n; i++)
    if (c->v[i].cs == c->v[i + 1].cs && c->v[i].me <= c->v[i + 1].ms)
      return true;
  return false;
}

/* Two targets in one clause: part them. */
static void part_clauses(cands *c, const cuts *lists, const cuts *openers) {
  for (size_t i = 0; i + 1 < c->n; i++) {
    cand *a = &c->v[i], *b = &c->v[i + 1];
    if (a->cs != b->cs || a->me > b->ms) continue;
    size_t limit = b->ms;
    size_t j = first_at_or_after(openers->v, openers->n, a->me, false);
    if (j < openers->n && openers->v[j].s < limit) limit = openers->v[j].s;
    /* the list separator that starts last, between the two, ending
     * before the limit */
    const cut *sep = NULL;
    size_t lo = first_at_or_after(lists->v, lists->n, a->me, false);
    for (size_t m = first_at_or_after(lists->v, lists->n, limit, false);
         m > lo && !sep; m--)
      if (lists->v[m - 1].e <= limit) sep = &lists->v[m - 1];
    if (!sep) continue; /* "01 hội nghị ... cho 100% cán bộ": one clause */
    a->ce = sep->s;
    b->cs = sep->e;
  }
}

/* ---- 4. fields -------------------------------------------------------------- */

static bool is_trim(char c) {
  return c == ' ' || c == '\n' || c == '\t' || c == ',' || c == ';' ||
         c == '.' || c == ':';
}

/* Copy s[a..b) into the frame, trimmed, with line breaks as spaces. */
static const char *flat(cchc_frame *f, const char *s, size_t a, size_t b) {
  while (a < b && (s[a] == ' ' || s[a] == '\n' || s[a] == '\t' ||
                   s[a] == ',' || s[a] == ';'))
    a++;
  while (b > a && is_trim(s[b - 1])) b--;
  char *p = frame_alloc_chars(f, b - a + 1);
  if (!p) return NULL;
  /* copied whole, then its line breaks made spaces: a copy byte by byte
   * tested each */
  size_t n = b - a;
  memcpy(p, s + a, n);
  for (char *q = p; (q = memchr(q, '\n', n - (size_t)(q - p)));) *q++ = ' ';
  p[n] = '\0';
  return p;
}

static const char *subject_of(tctx *t, const char *s, const cand *k) {
  pcre2_match_data *md = t->x->md;
  size_t a, b;
  for (size_t i = 0; i < t->subj_after.n; i++) {
    const rule *r = t->subj_after.items[i];
    if (k->me <= k->ce && rule_exec(r, s + k->me, k->ce - k->me, 0, md) &&
        rule_group(r, md, "subject", &a, &b) && b > a)
      return flat(t->x->f, s + k->me, a, b);
  }
  for (size_t i = 0; i < t->subj_before.n; i++) {
    const rule *r = t->subj_before.items[i];
    if (k->cs <= k->ms && rule_exec(r, s + k->cs, k->ms - k->cs, 0, md) &&
        rule_group(r, md, "subject", &a, &b) && b > a)
      return flat(t->x->f, s + k->cs, a, b);
  }
  return NULL;
}

/* The slot of block s[0..n) (hash h, features has) among t->empty: where
 * it is, or the free one where it goes. */
static struct empty_block *empty_slot(const tctx *t, const char *s, size_t n,
                                      uint64_t h, uint64_t has) {
  size_t mask = t->cap_empty - 1;
  for (size_t i = (size_t)(h ^ h >> 29) & mask;; i = (i + 1) & mask) {
    struct empty_block *e = &t->empty[i];
    if (!e->n || (e->hash == h && e->n == n && e->has == has &&
                  !memcmp(t->x->s + e->at, s, n)))
      return e;
  }
}

/* Does block s[0..n) (features has, hash h) hold no candidate, as the same
 * bytes did before in the plan? */
static bool known_empty(const tctx *t, const char *s, size_t n, uint64_t h,
                        uint64_t has) {
  return t->cap_empty && empty_slot(t, s, n, h, has)->n;
}

/* Keep block s[0..n) (in the text) as one without candidates (the table
 * at most half full; without memory, not kept). */
static void keep_empty(tctx *t, const char *s, size_t n, uint64_t h,
                       uint64_t has) {
  if (!n) return;
  if (2 * (t->nempty + 1) > t->cap_empty) {
    size_t ncap = t->cap_empty, cap = ncap ? 2 * ncap : 64;
    struct empty_block *old = t->empty, *p = calloc(cap, sizeof *p);
    if (!p) return;
    t->empty = p;
    t->cap_empty = cap;
    for (size_t i = 0; i < ncap; i++)
      if (old[i].n)
        *empty_slot(t, t->x->s + old[i].at, old[i].n, old[i].hash,
                    old[i].has) = old[i];
    free(old);
  }
  struct empty_block *e = empty_slot(t, s, n, h, has);
  if (!e->n) t->nempty++;
  *e = (struct empty_block){h, has, (size_t)(s - t->x->s), n};
}

/* The slot of `text` (interned) among t->known: where it is, or the
 * empty one where it goes. */
static struct known *known_slot(tctx *t, const char *text) {
  size_t mask = t->cap_known - 1;
  for (size_t i = cchc_hash_bytes(&text, sizeof text) & mask;;
       i = (i + 1) & mask)
    if (!t->known[i].text || t->known[i].text == text) return &t->known[i];
}

/* Keep text's indicator, the table at most half full (no memory: not
 * kept); `slot` is known_slot's for text, or NULL (none yet). */
static void know(tctx *t, const char *text, const char *key,
                 struct known *slot) {
  if (2 * (t->nknown + 1) > t->cap_known) {
    slot = NULL; /* (moved) */
    size_t cap = t->cap_known ? 2 * t->cap_known : 64;
    struct known *old = t->known, *p = calloc(cap, sizeof *p);
    if (!p) return;
    size_t ncap = t->cap_known;
    t->known = p;
    t->cap_known = cap;
    for (size_t i = 0; i < ncap; i++)
      if (old[i].text)
        *known_slot(t, old[i].text) = old[i];
    free(old);
  }
  struct known *k = slot ? slot : known_slot(t, text);
  if (!k->text) t->nknown++;
  *k = (struct known){text, key};
}

/* The slot of a clause among t->subjects (struct subject_known): where it
 * is, or the empty one where it goes. */
static struct subject_known *subject_slot(tctx *t,
                                          const struct subject_known *q) {
  size_t mask = t->cap_subjects - 1;
  uintptr_t key[3] = {(uintptr_t)q->text, q->ms, q->me};
  for (size_t i = cchc_hash_bytes(key, sizeof key) & mask;;
       i = (i + 1) & mask) {
    const struct subject_known *k = &t->subjects[i];
    if (!k->text || (k->text == q->text && k->len == q->len &&
                     k->ms == q->ms && k->me == q->me &&
                     !memcmp(k->raw, q->raw, q->len)))
      return &t->subjects[i];
  }
}

/* The subject of candidate k of the block s (its clause set), interned:
 * read once per clause of the plan (subject_of). */
static const char *subject_known_of(tctx *t, const char *text, const char *s,
                                    const cand *k) {
  cchc_frame *f = t->x->f;
  if (!text || k->cs > k->ms || k->me > k->ce) /* (no memory: not kept) */
    return frame_intern(f, subject_of(t, s, k));
  struct subject_known q = {.text = text, .raw = s + k->cs,
                            .len = k->ce - k->cs, .ms = k->ms - k->cs,
                            .me = k->me - k->cs};
  struct subject_known *slot = t->cap_subjects ? subject_slot(t, &q) : NULL;
  if (slot && slot->text) return slot->subject;
  q.subject = frame_intern(f, subject_of(t, s, k));
  if (2 * (t->nsubjects + 1) > t->cap_subjects) { /* at most half full */
    size_t ncap = t->cap_subjects, cap = ncap ? 2 * ncap : 64;
    struct subject_known *old = t->subjects, *p = calloc(cap, sizeof *p);
    if (!p) return q.subject;
    t->subjects = p;
    t->cap_subjects = cap;
    for (size_t i = 0; i < ncap; i++)
      if (old[i].text) *subject_slot(t, &old[i]) = old[i];
    free(old);
    slot = subject_slot(t, &q);
  }
  *slot = q;
  t->nsubjects++;
  return q.subject;
}

/* The indicator of `text`, a string frame_intern gave. */
static cchc_status indicator_of(tctx *t, const char *text, const char **key) {
  *key = NULL;
  if (!text) return CCHC_OK;
  struct known *k = t->cap_known ? known_slot(t, text) : NULL;
  if (k && k->text) {
    *key = k->key;
    return CCHC_OK;
  }
  cchc_status st = indicators_match(t->x->rules->indicators_by_meaning, text,
                                    strlen(text), key, t->x->err);
  if (st == CCHC_OK) know(t, text, *key, k);
  return st;
}

/* The area of the plan's title: the one its area.* words name when they
 * agree, unless the title names the whole reform (planarea.*: "cải cách
 * hành chính và chuyển đổi số" covers every area). */
static const char *title_area(tctx *t) {
  xctx *x = t->x;
  const char *title = x->f->document.title.value;
  if (!title) return NULL;
  size_t n = strlen(title);
  rule_list whole = rules_select(x->rules, "planarea.", NULL);
  for (size_t i = 0; i < whole.n; i++)
    if (rule_exec(whole.items[i], title, n, 0, x->md)) return NULL;
  rule_list areas = rules_select(x->rules, "area.", NULL);
  const char *area = NULL;
  for (size_t i = 0; i < areas.n; i++) {
    const char *a = rule_attr(areas.items[i], "area");
    if (!a || !rule_exec(areas.items[i], title, n, 0, x->md)) continue;
    if (area && strcmp(area, a)) return NULL;
    area = a;
  }
  return area;
}

/* "98,5" -> 98.5; a count may group thousands with dots ("1.000"). */
static double number(const char *s, size_t n, bool count) {
  /* ASCII digits with one separator at most, fifteen digits at most (as
   * every value the rules take): the digits as an integer, over 10 to
   * the power of the decimals.  Both are exact in a double, and IEEE
   * division rounds the quotient to the nearest, as strtod does the
   * decimal (a call of ~400 instructions a target). */
  uint64_t digits = 0;
  size_t ndigits = 0, decimals = 0, seps = 0;
  bool plain = n > 0;
  for (size_t i = 0; i < n && plain; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c >= '0' && c <= '9') {
      digits = digits * 10 + (c - '0');
      ndigits++;
      decimals += seps && !count;
    } else {
      plain = (c == ',' || c == '.') && ++seps == 1 && i > 0;
    }
  }
  if (plain && ndigits <= 15 && (count || !seps || decimals > 0)) {
    double v = (double)digits;
    static const double ten[] = {1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7,
                                 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
    return decimals ? v / ten[decimals] : v;
  }
  char buf[32];
  size_t k = 0;
  for (size_t i = 0; i < n && k + 1 < sizeof buf; i++) {
    char c = s[i];
    if (c == ',' || c == '.') {
      if (count) continue;
      c = '.';
    }
    buf[k++] = c;
  }
  buf[k] = '\0';
  return strtod(buf, NULL);
}

/* "t" and the number i, in the frame (frame_printf's "t%zu", without a
 * format read for each target). */
static const char *target_id(cchc_frame *f, size_t i) {
  char digits[24];
  size_t n = 0;
  do digits[n++] = (char)('0' + i % 10);
  while ((i /= 10));
  char *p = frame_alloc_chars(f, n + 2);
  if (!p) return NULL;
  p[0] = 't';
  for (size_t k = 0; k < n; k++) p[1 + k] = digits[n - 1 - k];
  p[n + 1] = '\0';
  return p;
}

static cchc_status emit(tctx *t, size_t base, const char *s, const cand *c) {
  xctx *x = t->x;
  /* a clause that starts the block starts after its list marker: "- ",
   * "a) " or "1.3. " is how the plan prints it, not what it says */
  cand marked = *c;
  if (marked.cs == 0) marked.cs = cchc_list_marker(s, marked.ms);
  const cand *k = &marked;
  cchc_frame *f = x->f;
  frame_target *tg = FRAME_PUSH(f, targets);
  if (!tg) return cchc_fail(x->err, CCHC_ERR_NOMEM, "out of memory");
  const char *unit = rule_attr(k->r, "measure");
  bool count = unit && !strcmp(unit, "count");
  tg->id = target_id(f, f->ntargets);
  tg->section = x->lines[xline_at(x, base + k->vs)].section;
  tg->comparator = rule_attr(k->r, "comparator");
  tg->unit = unit;
  tg->value = number(s + k->vs, k->ve - k->vs, count);
  if (k->xe > k->xs) {
    tg->value_max = number(s + k->xs, k->xe - k->xs, count);
    tg->has_value_max = true;
  }
  /* (several targets share a clause, and plans repeat their clauses) */
  tg->text = frame_intern(f, flat(f, s, k->cs, k->ce));
  tg->subject = subject_known_of(t, tg->text, s, k);
  cchc_status st = indicator_of(t, tg->text, &tg->indicator);
  if (st != CCHC_OK) return st;
  tg->area = xsection_area(x, tg->section);
  if (!tg->area) {
    if (!t->plan_area_read) { /* (the match data is free here) */
      t->plan_area = title_area(t);
      t->plan_area_read = true;
    }
    tg->area = t->plan_area;
  }
  if (!tg->area && tg->indicator) {
    const tax_indicator *ti = tax_find_indicator(x->rules, tg->indicator);
    if (ti) tg->area = ti->area;
  }
  tg->span = (frame_span){base + k->ms, base + k->me};
  tg->rule = k->r->id;
  return f->failed ? cchc_fail(x->err, CCHC_ERR_NOMEM, "out of memory")
                   : CCHC_OK;
}

/* ---- 5. target tables ---------------------------------------------------- */

/* Where the frame's targets start, in order: a row asks whether one starts
 * in its cells, and there are as many targets as rows or more. */
typedef struct target_starts {
  size_t *v;
  size_t n, cap;
} target_starts;

static size_t first_start_from(const target_starts *ts, size_t at) {
  size_t lo = 0, hi = ts->n;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (ts->v[mid] < at) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/* Add `at` in order (a row's target comes after those of the rows before:
 * at the end, but for merged cells). */
static bool add_start(target_starts *ts, size_t at) {
  size_t *v = cchc_grow(ts->v, &ts->cap, ts->n, sizeof *v);
  if (!v) return false;
  ts->v = v;
  size_t k = ts->n;
  while (k > 0 && ts->v[k - 1] > at) k--;
  memmove(ts->v + k + 1, ts->v + k, (ts->n - k) * sizeof *ts->v);
  ts->v[k] = at;
  ts->n++;
  return true;
}

static bool has_target_in(const target_starts *ts, size_t a, size_t b) {
  size_t k = first_start_from(ts, a);
  return k < ts->n && ts->v[k] < b;
}

/* The target of a row of a target table, if its cells state none. */
static cchc_status row_target(tctx *t, const table_row *row, cands *c,
                              target_starts *ts) {
  xctx *x = t->x;
  const table_cell *what = table_cell_of(row, TABLE_TARGET);
  const table_cell *val = table_cell_of(row, TABLE_VALUE);
  const table_cell *unit = table_cell_of(row, TABLE_MEASURE);
  if (!what || !val || has_target_in(ts, what->start, what->end) ||
      has_target_in(ts, val->start, val->end))
    return CCHC_OK;
  const char *name = xfolded(x, what->start, what->end);
  const char *figure = xfolded(x, val->start, val->end);
  const char *measure = unit ? xfolded(x, unit->start, unit->end) : "";
  const char *s = frame_printf(x->f, "%s %s %s", name, figure, measure);
  if (!s) return cchc_fail(x->err, CCHC_ERR_NOMEM, "out of memory");
  size_t n = strlen(s), at = strlen(name) + 1;
  c->n = 0;
  if (!find_candidates(t, s, n, rule_features(s, n), c))
    return cchc_fail(x->err, CCHC_ERR_NOMEM, "out of memory");
  for (size_t i = 0; i < c->n; i++) {
    cand *k = &c->v[i];
    if (k->vs < at) continue; /* a number of the target's words */
    k->cs = 0;
    k->ce = n;
    /* offsets in s from `at` on are those of the value cell */
    size_t base = val->start - at;
    cchc_status st = emit(t, base, s, k);
    if (st != CCHC_OK) return st;
    frame_target *tg = &x->f->targets[x->f->ntargets - 1];
    tg->span = (frame_span){val->start, val->end};
    if (!add_start(ts, val->start))
      return cchc_fail(x->err, CCHC_ERR_NOMEM, "out of memory");
    break;
  }
  return CCHC_OK;
}

static int by_start(const void *a, const void *b) {
  const frame_target *p = a, *q = b;
  return p->span.start < q->span.start ? -1 : p->span.start > q->span.start;
}

static cchc_status table_targets(tctx *t) {
  xctx *x = t->x;
  cchc_frame *f = x->f;
  cands c = {0};
  cchc_status st = CCHC_OK;
  size_t n0 = f->ntargets;
  target_starts ts = {0};
  for (size_t i = 0; i < n0 && st == CCHC_OK; i++)
    if (!add_start(&ts, f->targets[i].span.start))
      st = cchc_fail(x->err, CCHC_ERR_NOMEM, "out of memory");
  for (size_t i = 0; i < x->ntables && st == CCHC_OK; i++)
    for (size_t r = 0; r < x->tables[i].nrows && st == CCHC_OK; r++)
      st = row_target(t, &x->tables[i].rows[r], &c, &ts);
  free(ts.v);
  free(c.v);
  if (st == CCHC_OK && f->ntargets > n0) { /* in text order again */
    qsort(f->targets, f->ntargets, sizeof *f->targets, by_start);
    for (size_t i = 0; i < f->ntargets; i++)
      f->targets[i].id = target_id(f, i + 1);
  }
  return st;
}

cchc_status extract_targets(xctx *x) {
  tctx t = {.x = x};
  const cchc_rules *rs = x->rules;
  t.targets = rules_select(rs, "target.", NULL);
  t.nontargets = rules_select(rs, "nontarget.", NULL);
  t.ends = rules_select(rs, "clause.", "end");
  t.lists = rules_select(rs, "clause.", "list");
  t.openers = rules_select(rs, "clause.", "opener");
  t.subj_after = rules_select(rs, "subject.", "after");
  t.subj_before = rules_select(rs, "subject.", "before");
  for (int c = 0; c < 256; c++)
    t.byte_features[c] = c < 0x80    ? rule_ascii_features[c]
                         : c >= 0xC0 ? rule_ascii_features['0']
                                     : 0;
  /* (without memory, every clause rule is searched) */
  t.end_first = first_bytes_read(&t.ends);
  t.list_first = first_bytes_read(&t.lists);
  t.opener_first = first_bytes_read(&t.openers);
  /* (without memory, no gates: every rule runs) */
  read_gates(&t, &t.targets, &t.gate_of);
  read_gates(&t, &t.nontargets, &t.nongate_of);
  for (size_t i = 0; i < t.targets.n; i++) {
    const rule_facts *f = &t.targets.items[i]->facts;
    t.target_gate |= f->nneeds ? f->needs[0] : ~(uint64_t)0;
  }
  /* without memory for it, every literal is searched each time */
  t.nlits = rs->literals.n;
  struct lit_places *lp = &lit_places;
  bool own_places = t.nlits + 1 > LIT_PLACES;
  if (own_places) {
    t.lit_block = calloc(t.nlits + 1, sizeof *t.lit_block);
    /* (lit_first is read only where lit_block says so: not zeroed) */
    t.lit_first = malloc((t.nlits + 1) * sizeof *t.lit_first);
    if (!t.lit_block || !t.lit_first) {
      free(t.lit_block);
      t.lit_block = NULL;
    }
  } else { /* the thread's, its blocks numbered on from its last plan's */
    t.lit_block = lp->block;
    t.lit_first = lp->first;
    t.block = lp->serial;
  }
  cands c = {0};
  cuts ends = {0}, ends_by_end = {0}, lists = {0}, openers = {0};
  cchc_status st = CCHC_OK;
  table_join_rules_of(rs, &t.joins);
  for (size_t li = 0; li < x->nlines && st == CCHC_OK;) {
    /* A block without a line holding what the targets need (a digit, a
     * '%') finds nothing: only the blocks of such lines are read, and
     * the joins of the lines far from them are never asked. */
    size_t m = li;
    while (m < x->nlines && !(rule_line_has(&x->scan, m) & t.target_gate))
      m++;
    if (m == x->nlines) break;
    li = block_start(&t, li, m);
    size_t lj = block_end(&t, m);
    size_t base = xline_start(x, li);
    const char *s = x->s + base;
    size_t n = xline_end(x, lj) - base;
    /* the features of its lines (with their breaks: a little more) */
    uint64_t has = 0;
    for (size_t k = li; k <= lj; k++) has |= rule_line_has(&x->scan, k);
    li = lj + 1;
    c.n = 0;
    bool short_block = n <= EMPTY_BLOCK_BYTES;
    uint64_t h = short_block ? xtext_hash(s, n) : 0;
    if (short_block && known_empty(&t, s, n, h, has)) continue;
    if (!find_candidates(&t, s, n, has, &c)) {
      st = cchc_fail(x->err, CCHC_ERR_NOMEM, "out of memory");
      break;
    }
    if (!c.n) {
      if (short_block) keep_empty(&t, s, n, h, has);
      continue;
    }
    /* (candidates are sorted by value and disjoint: the last ends last) */
    size_t last_me = c.v[c.n - 1].me, last_ms = c.v[c.n - 1].ms;
    if (!collect(&t, &t.ends, t.end_first, s, n, has, last_me, &ends) ||
        !copy_cuts(&ends, &ends_by_end)) {
      st = cchc_fail(x->err, CCHC_ERR_NOMEM, "out of memory");
      break;
    }
    sort_cuts(&ends, cmp_cut_s);
    sort_cuts(&ends_by_end, cmp_cut_e);
    set_clauses(&c, &ends, &ends_by_end, s, n);
    if (clause_shared(&c)) {
      if (!collect(&t, &t.lists, t.list_first, s, n, has, last_ms,
                   &lists) ||
          !collect(&t, &t.openers, t.opener_first, s, n, has, last_ms,
                   &openers)) {
        st = cchc_fail(x->err, CCHC_ERR_NOMEM, "out of memory");
        break;
      }
      sort_cuts(&lists, cmp_cut_s);
      sort_cuts(&openers, cmp_cut_s);
      part_clauses(&c, &lists, &openers);
    }
    for (size_t i = 0; i < c.n && st == CCHC_OK; i++)
      st = emit(&t, base, s, &c.v[i]);
  }
  if (st == CCHC_OK) st = table_targets(&t);
  free(t.gate_of);
  free(t.nongate_of);
  free(t.end_first);
  free(t.list_first);
  free(t.opener_first);
  if (own_places) {
    free(t.lit_block);
    free(t.lit_first);
  } else {
    lp->serial = t.block;
  }
  free(t.known);
  free(t.subjects);
  free(t.empty);
  free(c.v);
  free(ends.v);
  free(ends_by_end.v);
  free(lists.v);
  free(openers.v);
  return st;
}
