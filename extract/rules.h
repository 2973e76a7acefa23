/* rules.h: compiled rules and taxonomy, as the extractor sees them.
 * Internal; the public type is the opaque cchc_rules. */
#ifndef CCHC_RULES_H
#define CCHC_RULES_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "../common/internal.h"

#include <stdatomic.h>

/* Whether a pattern has JIT code yet.  JIT compiling is done at a
 * pattern's first match, not at load: a plan runs a few of the rules
 * only, and JIT compiling all of them cost more than extracting most
 * plans.  Workers share the compiled rules, so jit_ready compiles once,
 * under a lock; this is the one part of a shared rule set that changes. */
enum { JIT_UNTRIED, JIT_READY, JIT_NONE };
typedef struct jit_state {
  _Atomic unsigned char state; /* JIT_* */
} jit_state;
/* Does `code` have JIT code?  JIT compiles it on the first call.  False
 * where JIT cannot compile it: the interpreter then finds the same
 * matches. */
bool jit_ready(pcre2_code *code, const jit_state *jit);
/* Can this build of PCRE2 JIT compile at all? */
bool jit_supported(void);
/* *code: `pattern` compiled with `options` at the first call, and JIT
 * compiled (jit says whether it has JIT code), once, as jit_ready; NULL
 * when it does not compile (no memory). */
pcre2_code *code_compile_once(pcre2_code *const *code, const jit_state *jit,
                              const char *pattern, uint32_t options);
/* code_compile_once, with the state read here: the tries at single
 * positions ask for their pattern at every try. */
static inline pcre2_code *code_once(pcre2_code *const *code,
                                    const jit_state *jit, const char *pattern,
                                    uint32_t options) {
  if (atomic_load_explicit(&((jit_state *)jit)->state,
                           memory_order_acquire) != JIT_UNTRIED)
    return *code;
  return code_compile_once(code, jit, pattern, options);
}

typedef struct rule_example {
  const char *text;
  bool positive;
  unsigned line;
  /* "=> name=value; name=value": expected named-group texts */
  const char **expect_names, **expect_values;
  size_t nexpect;
} rule_example;

/* A word some rule's matches hold (rule_facts.lits), compiled alone with
 * the rule's case: a search for it skips nearly all of a text at once,
 * where a rule of many branches tries every place its first letter
 * stands.  The rule set keeps each once (rule_literals); a scanned text
 * keeps the last search for each (rule_text). */
typedef struct rule_literals rule_literals;
typedef struct rule_word_answers rule_word_answers;
typedef struct rule_literal {
  char *text;   /* letters and digits: no metacharacter */
  bool caseless;
  /* every byte a word byte (rule_literal_in_words): read as it is made,
   * where the extractors read its text again at every plan */
  bool in_words;
  pcre2_code *code;
  jit_state jit;
  /* "(?<=F)REST" for a word F REST, with JIT: found faster, or NULL */
  pcre2_code *rest;
  jit_state rest_jit;
  size_t id;                /* index in set */
  const rule_literals *set;
  /* for a word in its case: the caseless one of the same letters, whose
   * places hold its own (rule_literals_pair), or NULL */
  const struct rule_literal *twin;
  /* The byte pairs the literal holds in whichever case its letters stand
   * (rule_literal_pairs): for each of npos places in it, one of the
   * nalt[k] pairs alt[k] (two bytes read at once, in the machine's order)
   * of the forms its characters take; npos 0: nothing told.  A property
   * of the word: read at the first ask, once for every worker (ICU's
   * closure of each letter costs more than the searches it spares a
   * plan), as jit_ready compiles. */
  struct rule_pairs {
    uint8_t npos;
    uint8_t nalt[8];
    uint16_t alt[8][4];
  } pairs;
  jit_state pairs_read;
} rule_literal;
/* l's pairs (rule_literal.pairs), read now at the first call; inline, as
 * code_match reads a JIT state: the target rules ask at every block. */
const struct rule_pairs *rule_literal_pairs_read(const rule_literal *l);
static inline const struct rule_pairs *rule_literal_pairs(
    const rule_literal *l) {
  return atomic_load_explicit(&((jit_state *)&l->pairs_read)->state,
                              memory_order_acquire) == JIT_UNTRIED
             ? rule_literal_pairs_read(l)
             : &l->pairs;
}

struct rule_literals {
  rule_literal **items;
  size_t n, cap;
  /* items by text and case: index + 1 in the slot of their hash, 0 for
   * none; at most half full (rules share thousands of words) */
  size_t *slots;
  size_t nslots;
  /* what rule_literals_in_words found in the words it was asked about,
   * kept for the next texts (a cache under a lock of its own: the set is
   * shared by every worker) */
  rule_word_answers *answers;
};
void rule_literals_free(rule_literals *ls);
/* Tell each word in its case its caseless twin in ls, once every rule is
 * read: a text searched for the twin finds the word's places there. */
void rule_literals_pair(rule_literals *ls);
void rule_word_answers_free(rule_word_answers *wa);

/* What a rule's pattern says about the text it can match, read from the
 * pattern at load (rule_read_facts, rulescan.c).  Text is summed up as
 * features, a bit each (RULE_FEATURE_*): a decimal digit, each ASCII
 * punctuation mark and blank.  Every fact is sound: a scan that skips
 * text on it never loses a match.  A pattern the reader does not fully
 * know has no facts (nneeds 0, barrier 0, starts false). */
enum {
  RULE_NEEDS = 4,
  RULE_LITS = 3,
  RULE_LIT_ALTS = 8,
  RULE_ANCHOR_ALTS = 8
};
enum { RULE_FIRST_BYTE = 1, RULE_FIRST_DIGIT = 2, RULE_FIRST_KIND = 3 };
/* Classes of the byte at a position, for rule_facts.guard: an ASCII
 * digit; an ASCII letter or '_'; any other ASCII; a byte beyond ASCII. */
enum {
  RULE_GUARD_DIGIT,
  RULE_GUARD_WORD,
  RULE_GUARD_OTHER,
  RULE_GUARD_BEYOND,
  RULE_GUARDS
};
typedef struct rule_facts {
  /* Each match holds, for every clause, a character of one of the
   * clause's features. */
  uint64_t needs[RULE_NEEDS];
  size_t nneeds;
  /* Features no match holds: a match lies between two of them. */
  uint64_t barrier;
  /* The barrier's characters when they are a few ASCII bytes (no digit:
   * digits beyond ASCII are several bytes), for memrchr; 0 when not. */
  unsigned char barrier_bytes[4];
  uint8_t nbarrier_bytes;
  /* With `starts`, a match starts only right after a character of
   * `after`, or at the start of the subject when at_zero. */
  uint64_t after;
  bool at_zero, starts;
  /* With `ends`, every match ends at the end of the subject (or before a
   * line break ending it: `$`) and is at most end_bytes bytes long plus
   * end_runs runs of white space: a search need start no sooner. */
  bool ends;
  uint32_t end_bytes;
  uint16_t end_runs;
  /* A match starts with a byte c whose first[c] & RULE_FIRST_KIND is
   * RULE_FIRST_BYTE, or RULE_FIRST_DIGIT when it leads a digit beyond
   * ASCII (told by the next byte too); only when has_first.  A byte per
   * value: scans look it up at every byte of a window.  first[c] >> 2,
   * when not 0, is 1 + the class of c whose guard is not empty. */
  uint8_t first[256];
  bool has_first;
  /* A match that starts at a byte of class k (RULE_GUARD_*) does not
   * follow an ASCII character of guard[k] (a bit each): read from a
   * lookbehind such as "(?<![\d.,])" or a \b before the match.  Owned;
   * NULL when none (most rules: not kept in each). */
  uint64_t (*guard)[2];
  /* Each match holds, for every clause, one of its literals whole
   * (consumed, not only looked at), the most selective clause first. */
  const rule_literal *lits[RULE_LITS][RULE_LIT_ALTS];
  uint8_t nalts[RULE_LITS];
  size_t nlits;
  /* Each match holds, for some k, an occurrence of anchor[k] that starts
   * at most anchor_bytes[k] bytes after the match, plus anchor_runs[k]
   * runs of white space (as long as the text has them): a search of the
   * whole text tries the pattern only in the stretch before each
   * occurrence.  nanchor 0: no such words. */
  const rule_literal *anchor[RULE_ANCHOR_ALTS];
  uint32_t anchor_bytes[RULE_ANCHOR_ALTS];
  uint16_t anchor_runs[RULE_ANCHOR_ALTS];
  uint8_t nanchor;
  /* With near_digit, each match holds a digit (a character of \d, of any
   * script) that starts at most digit_bytes bytes after the match, plus
   * digit_runs runs of white space (as anchor_bytes): a search need try
   * the pattern only in the window before each digit of the text
   * (rule_exec_near_digits). */
  bool near_digit;
  uint32_t digit_bytes;
  uint16_t digit_runs;
} rule_facts;

/* The words every match starts with (rule_read_facts): read from a
 * pattern PCRE2 would search at every position, through its subroutine
 * calls "(?&name)" into the groups they name ("(?(DEFINE)...)").  A
 * search then tries the pattern, anchored, only where one of them stands;
 * its lookbehinds still judge what stands before.  Sorted, those with the
 * same first byte together. */
enum { RULE_FIRST_WORD = 32, RULE_FIRST_WORDS = 128 };
typedef struct rule_first_word {
  unsigned char text[RULE_FIRST_WORD];
  uint8_t len;
} rule_first_word;
typedef struct rule_first_words {
  uint8_t from[256], to[256]; /* words with first byte c: [from[c], to[c]) */
  size_t n;
  rule_first_word w[];
} rule_first_words;
bool rule_first_words_read(const char *pattern, uint32_t options,
                           rule_first_words **out);

/* The starts of the matches of a pattern without case (or of one whose
 * first words are not known as bytes): each match starts with a digit
 * (when `digits`: a branch opens with \d or a digit) or with the first
 * characters of one of its words, each character in any of its forms
 * without case (rule_case_forms).  Read from the words every branch
 * opens with, through the groups that follow a first character
 * ("\u0110(?:\u1ec1|i\u1ec1u)") and past a group that may be skipped
 * ("(?:TCVN\s*)?ISO").  A try at every byte PCRE2 would stop at (each
 * first letter in either case) is made only where a word stands. */
enum { RULE_START_WORDS = 32, RULE_START_CHARS = 3 };
typedef struct rule_start_words {
  bool digits;
  uint8_t n;
  /* bytes a word's first character or a digit (1: a word's; 2: a digit's,
   * told by lead_may_be_digit) starts with */
  uint8_t first[256];
  uint8_t nchars[RULE_START_WORDS];
  uint8_t nforms[RULE_START_WORDS][RULE_START_CHARS];
  int32_t forms[RULE_START_WORDS][RULE_START_CHARS][4 /* RULE_CASE_FORMS */];
} rule_start_words;
bool rule_start_words_read(const char *pattern, uint32_t options,
                           rule_start_words **out);
/* Can a match start at s[i] (i < n) by sw: a digit, or a word? */
bool rule_start_word_at(const rule_start_words *sw, const unsigned char *s,
                        size_t i, size_t n);

typedef struct rule {
  const char *id;      /* "target.min" */
  const char *path;    /* file it came from */
  unsigned line;       /* line of its "rule" header */
  int mark_style;      /* sections.c: see mark_state (in a hole here) */
  const char *purpose;
  const char *pattern;
  /* The text PCRE2 compiles into code and anchored: pattern with its \s
   * spelled out (rule_spaces_spelled), or NULL for pattern itself
   * (rule_compiled).  The facts and the other readers of a pattern's
   * text read `pattern`. */
  const char *spelled;
  pcre2_code *code;    /* JIT compiled at its first match */
  const char **keys, **values; /* "set: key=value" attributes */
  size_t nattrs;
  rule_example *examples;
  size_t nexamples;
  /* Rules made from the taxonomy (rules.c) may give an attribute per
   * match: its value is the (*MARK) of the alternative that matched. */
  const char *marked;
  rule_facts facts;
  jit_state jit; /* of code */
  /* The pattern compiled anchored and without PCRE2's start-up scans
   * (anchored_options), to try it at one position: where a match can
   * start (facts.first), a line start.  Only with tries_anchored (not
   * when its first bytes are many), compiled at the first try
   * (rule_anchored): most rules never run on a given plan.  Its options
   * are kept for every rule (xmatch_at tries any rule at one position). */
  bool tries_anchored;
  uint32_t anchored_options;
  pcre2_code *anchored;
  jit_state anchored_jit;
  /* rule_exec tries `anchored` at each position whose byte can start a
   * match, as PCRE2 knows no first bytes of its own (a pattern that opens
   * with \d in UCP mode, or a lookbehind before it) and would try them
   * all. */
  bool by_first;
  /* With facts.has_first: every byte a match starts with is a decimal
   * digit's (ASCII, or the lead byte of one beyond) or one of
   * first_ascii[0, nfirst_ascii): the tries at single places (rule_exec
   * by_first, match_in) skip 16 bytes at a time to the next (SSE2).
   * nfirst_ascii UINT8_MAX: not so. */
  uint8_t nfirst_ascii;
  unsigned char first_ascii[4];
  /* The byte every match holds that a search of code looks ahead for
   * (PCRE2's required code unit), to the end of the subject when it is
   * missing: searching many small windows with it could cost the rest of
   * the text each time.  -1: none. */
  int ahead;
  /* rule_scan searches a long stretch by facts.anchor: PCRE2 knows no
   * first character of every match (in one case or both) to skip to, and
   * its own search would stop at every byte a match may start with. */
  bool by_anchor;
  /* PCRE2 knows the first code unit of every match and skips to it: a
   * search of a window costs little more than a look for that byte. */
  bool first_unit;
  /* rule_scan searches a long stretch by facts.anchor all the same, the
   * first code unit being a letter and the anchor words at the start of
   * each match: the words stand at fewer places than the letter. */
  bool by_anchor_near;
  /* rule_exec tries `anchored` only where one of these words stands;
   * NULL: not known, or not needed (the pattern has other facts, or
   * PCRE2 skips to a first code unit itself). */
  rule_first_words *first_words;
  /* rule_exec, rule_exec_until and rule_next_start try it only where a
   * match can start by these (a pattern without case, which PCRE2 would
   * try at every first letter); NULL: not known. */
  rule_start_words *start_words;
  /* PCRE2's table of the named groups (in code: nnames entries of
   * name_size bytes, the group number in two bytes then the name, sorted
   * by name), read at compile: rule_group looks a name up there itself,
   * where pcre2_substring_nametable_scan cost a tenth of a microsecond a
   * call and the extractors ask ~500 names a plan. */
  PCRE2_SPTR names;
  uint32_t nnames, name_size;
  /* refs.c: how a scan finds the rule's matches by where document numbers
   * stand, read from the pattern at the first ask (once for every worker:
   * a property of the rule); 0 until then */
  _Atomic unsigned char number_scan;
  /* units.c: does the group u of each match lie inside it (read from the
   * pattern at the first ask, once for every worker: each document asks
   * of every unit rule); 0 until then, 1 no, 2 yes */
  _Atomic unsigned char mention_inside;
  /* sections.c: what the walk over the lines asks of a section rule at
   * every plan (section_mark): whether it is tried outside / in the
   * appendix, whether its style is "decimal" / "appendix", and
   * header=continues, and its marker style as a number (mark_style:
   * equal styles, equal numbers); read at the first ask and kept,
   * mark_state 0 until then, 1 read.  (These fields and those of
   * meta_said and rule_gate fill holes of the struct: a rule grown by
   * 32 bytes raised the peak of a 100 MB plan by 0.4 MB.) */
  _Atomic unsigned char mark_state;
  bool mark_body, mark_appendix, mark_decimal, mark_opens_appendix;
  bool mark_continues;
  /* units.c: how many characters before a search's start it may read
   * (text_context), read from the pattern at the first ask and kept: 0
   * until then, else one more (SIZE_MAX: not known) */
  _Atomic size_t text_context;
  /* units.c: does every literal of facts.lits lie inside words
   * (rule_literal_in_words), read at the first ask and kept (each
   * document's literal gate asks of every unit rule): 0 until then, 1
   * no, 2 yes */
  _Atomic unsigned char lits_in_words;
  /* A pattern that matches only from the subject's start, its first item
   * one character: the bytes its second character may start with
   * (rule_second_bytes_read), a bit each in [0, 4), and those that may
   * follow a lead byte of two or more in [4, 8); only with has_second.  Most
   * lines that section rules are asked of fail on their second
   * character (section.letter_row: 979 searches of 10 plans for 2
   * matches). */
  bool has_second;
  /* meta.c: what the searches of a meta rule ask of its attributes at
   * every plan (meta_said): scope=all, pick=last, window=comma; read at
   * the first ask and kept, meta_state 0 until then, 1 read */
  _Atomic unsigned char meta_state;
  bool meta_scope_all, meta_pick_last, meta_by_commas;
  uint64_t second_bytes[8];
  /* deadlines.c: a rule whose matches open at a line start (or after a
   * '|' too: opening_pipes) and blanks: the bytes that may follow the
   * blanks, a bit each (deadline_opening_read), read at the first ask and
   * kept (each plan with a table asks); opening_state 0 until then, 1 not
   * so, 2 read */
  _Atomic unsigned char opening_state;
  bool opening_pipes;
  /* rule_gate: the rule its gate=ID names, its index in the set + 1
   * (gate_at, 0: none); gate_state 0 until read, 1 read */
  _Atomic unsigned char gate_state;
  uint16_t gate_at;
  uint64_t opening_bytes[4];
  /* deadlines.c: what the deadline passes ask of a rule's attributes at
   * every plan (deadline_said): the rule its gate=ID names (NULL: none),
   * whether it has where=table, its kind (NULL: none) and whether that is
   * "date"; read at the first ask and kept, said_state 0 until then, 1
   * read */
  _Atomic unsigned char said_state;
  bool said_table, said_date;
  /* its walk_wants and near_ranged, pure functions of its facts */
  bool said_walk_wants, said_near_ranged;
  const struct rule *said_gate;
  const char *said_kind;
} rule;

/* Taxonomy entries remember their file and line: the rules made from
 * their words and spellings (rules.c) report errors there. */
typedef struct tax_area {
  const char *key, *name;
  const char **words; /* words that name the area: rule area.KEY */
  size_t nwords;
  const char *path;
  unsigned line;
} tax_area;

typedef struct tax_indicator {
  const char *key, *area, *unit, *name;
} tax_indicator;

/* Indicators described by their concepts (indicators.c). */
struct indicator_set;

typedef struct tax_unit {
  const char *key, *name;
  const char **spellings; /* matched anywhere: rule unit.KEY.spelling */
  size_t nspellings;
  const char *path;
  unsigned line;
} tax_unit;

struct cchc_rules {
  rule *rules;
  size_t nrules;
  tax_area *areas;
  size_t nareas;
  tax_indicator *indicators;
  size_t nindicators;
  tax_unit *units;
  size_t nunits;
  /* units by key (tax_find_unit): index + 1 in the slot of the key's
   * hash, 0 for none; at most half full.  NULL while loading. */
  size_t *unit_slots;
  size_t nunit_slots;
  struct indicator_set *indicators_by_meaning; /* indicators.concepts */
  uint32_t max_groups; /* largest capture count, for match data */
  rule_literals literals; /* of every rule's facts */
  /* The selection index: each rule under every path of its id ("meta",
   * "meta.level", "meta.level.commune"), once for any role and once more
   * for its role.  Sorted by path, role and file order, so a selection is
   * one run of `selected`, found by binary search; or by the hash of its
   * path and role (runs: open addressing, at most half full; a run with
   * hi == 0 is an empty slot). */
  struct rule_key *keys;
  const rule **selected; /* selected[i] is the rule of keys[i] */
  size_t nkeys;
  struct rule_run *runs;
  size_t nruns;
  /* rules by id (rules_find): index + 1 in the slot of the id's hash, 0
   * for none; at most half full.  NULL while loading. */
  size_t *id_slots;
  size_t nid_slots;
  char **strings;      /* every string owned by the set */
  size_t nstrings, cap_strings;
  /* the block of strings[] that own() cuts the next short strings from:
   * its free bytes at string_room */
  char *string_room;
  size_t string_room_left;
  /* the distinct keys of the rules' attributes (own_key), among strings */
  const char **attr_keys;
  size_t nattr_keys, cap_attr_keys;
  /* the unit rules of each level met and what their patterns tell, made
   * at the first ask (units.c); NULL until then */
  struct unit_choices *unit_choices;
  /* the literals of the rules the task passes ask per clause, made at the
   * first plan (clause.c); NULL until then */
  struct clause_word_rules *clause_word_rules;
  /* the rules the task passes select (extract_tasks), made at the first
   * plan (tasks.c); NULL until then */
  struct task_rules *task_rules;
  /* the bytes a gap between listed units may hold (coord.gap), read at
   * the first ask (clause.c: gap_bytes_of): 1 told, 2 not, 0 not read */
  uint64_t coord_gap_bytes[4];
  uint8_t coord_gap_known;
};
/* Free a rule set's clause_word_rules (clause.c). */
void clause_word_rules_free(struct clause_word_rules *wr);
/* Free a rule set's task_rules (tasks.c). */
void task_rules_free(struct task_rules *tr);
/* Free the unit choices of a rule set (units.c). */
void unit_choices_free(struct unit_choices *cs);

/* A selection of rules in file order: a view into the rule set (no copy,
 * no limit), valid as long as the set. */
typedef struct rule_list {
  const rule *const *items;
  size_t n;
} rule_list;

/* The rules whose id is `path` or lies under it, in file order: "task."
 * (or "task") selects task.*, "meta.level." selects meta.level.*,
 * "meta.number" the rule meta.number and any meta.number.*.  With `role`,
 * only the rules with `set: role=ROLE`; NULL keeps every role. */
rule_list rules_select(const cchc_rules *rs, const char *path,
                       const char *role);
/* The pattern a taxonomy rule is made of: any of the n spellings
 * (canonical text; marks[i] NULL or the mark of texts[i]), longer ones
 * first.  Grouped, as the loader makes it (the edge before every
 * spelling tested once, the spellings of one first word after it once);
 * else one alternative per spelling, each with its edges, which the
 * grouped form matches as (tests).  Freed by the caller; NULL without
 * memory. */
char *rule_spellings_pattern(const char *const *texts,
                             const char *const *marks, size_t n,
                             bool grouped);
const rule *rules_find(const cchc_rules *rs, const char *id);
/* The rule of rs that r's gate=ID names (rules_find), NULL when none:
 * read at the first ask and kept in r (rule.gate_state), where the
 * target passes looked it up by its attribute and id at every plan. */
const rule *rule_gate(const cchc_rules *rs, const rule *r);
/* The value of "set: key=value", or NULL. */
const char *rule_attr(const rule *r, const char *key);
/* The value of attribute `key` for the match of r in md: the one of its
 * alternative when r is marked for `key`, else rule_attr. */
const char *rule_value(const rule *r, pcre2_match_data *md, const char *key);
/* Does r give attribute `key` (set, or per match)? */
bool rule_gives(const rule *r, const char *key);

/* This thread's match context, and one for searches with an offset limit
 * (rule_exec_until), NULL until rule_thread_ready: both with a JIT stack
 * of the thread's, assigned once, where PCRE2 sets one up on the machine
 * stack at every call without a context (a tenth of the cost of a short
 * search); code_match passes the first where its caller gives none.  Made
 * by rule_thread_ready (rule_text_init calls it), freed as the thread
 * ends; false without memory, and matches run without them. */
extern _Thread_local pcre2_match_context *rule_thread_context;
extern _Thread_local pcre2_match_context *rule_thread_limit_context;
bool rule_thread_ready(void);

/* One search by a compiled pattern over canonical text (already checked
 * UTF-8): by its JIT code when it has one (compiled now, at the first
 * search), else by the interpreter.  The number of pairs set, as
 * pcre2_match gives it. */
static inline int code_match(pcre2_code *code, const jit_state *jit,
                             const char *s, size_t len, size_t start,
                             pcre2_match_data *md, pcre2_match_context *mc) {
  /* the state read here: a call into jit_ready per match costs about as
   * much as the shortest searches */
  unsigned char state = atomic_load_explicit(
      &((jit_state *)jit)->state, memory_order_acquire);
  return (state == JIT_READY || jit_ready(code, jit))
             ? pcre2_jit_match(code, (PCRE2_SPTR)s, len, start,
                               PCRE2_NO_UTF_CHECK, md,
                               mc ? mc : rule_thread_context)
             : pcre2_match(code, (PCRE2_SPTR)s, len, start,
                           PCRE2_NO_UTF_CHECK, md, mc);
}

/* Match data big enough for every rule; free with pcre2_match_data_free. */
pcre2_match_data *rules_match_data(const cchc_rules *rs);
/* Match r in s[0..len) from `start`.  Returns true on a match; the whole
 * match is then group 0 of md. */
bool rule_exec(const rule *r, const char *s, size_t len, size_t start,
               pcre2_match_data *md);
/* The features of s[0..n) (a bit per RULE_FEATURE_* present). */
uint64_t rule_features(const char *s, size_t n);
/* The features of each ASCII character alone (rule_features of it), for
 * the walks that read a text byte by byte up to a barrier. */
extern const uint64_t rule_ascii_features[128];
/* Can r match a subject with features `has`?  False only when it cannot.
 * Inline: scans ask it of every block and stretch. */
static inline bool rule_may_match(const rule *r, uint64_t has) {
  for (size_t i = 0; i < r->facts.nneeds; i++)
    if (!(r->facts.needs[i] & has)) return false;
  return true;
}
/* Can r match a subject that starts with byte c, when r matches only at
 * the start of its subject ("^...")?  False only when its facts (the
 * bytes its matches start with) say it cannot; true for any other rule. */
static inline bool rule_may_open(const rule *r, unsigned char c) {
  const rule_facts *f = &r->facts;
  if (!f->has_first || !f->starts || !f->at_zero || f->after) return true;
  return f->first[c] != 0; /* RULE_FIRST_DIGIT: a lead byte of a digit */
}
/* May the UTF-8 character whose lead byte is at p (p < e) be a digit
 * beyond ASCII?  Digits lie from U+0660 on, outside U+1E00-U+2BFF where
 * Vietnamese letters and punctuation lie (rulescan.c: cp_may_be_digit). */
static inline bool lead_may_be_digit(const unsigned char *p,
                                     const unsigned char *e) {
  if (*p < 0xD9) return false; /* below U+0640, or a continuation byte */
  if (*p == 0xE1) return p + 1 >= e || p[1] < 0xB8;
  if (*p == 0xE2) return p + 1 >= e || p[1] >= 0xB0;
  return true;
}
/* Can a match of r start at s[i] (i < n), by its first bytes and by the
 * character before (rule_facts.guard)?  s is the subject's start: what a
 * lookbehind sees.  Only for a rule with facts.has_first. */
static inline bool rule_may_start(const rule *r, const unsigned char *s,
                                  size_t i, size_t n) {
  uint8_t f = r->facts.first[s[i]];
  if (!f) return false; /* most bytes: at once */
  if (f >> 2 && i && s[i - 1] < 0x80 &&
      (r->facts.guard[(f >> 2) - 1][s[i - 1] >> 6] >> (s[i - 1] & 63) & 1))
    return false;
  return (f & RULE_FIRST_KIND) == RULE_FIRST_BYTE ||
         lead_may_be_digit(s + i, s + n);
}
/* The first offset in [i, end) (end <= n) where a match of r may start
 * (rule_may_start, s[0, n) the subject), end when none: 16 bytes at a
 * time where r's first bytes are few (rule.nfirst_ascii).  Only for a
 * rule with facts.has_first.  With r->start_words, only where one stands
 * (rule_start_word_at). */
size_t rule_next_start(const rule *r, const char *s, size_t i, size_t end,
                       size_t n);
/* Read r's facts from its pattern (rules.c calls it once r->code is
 * compiled), and set it to be tried anchored (r->anchored, compiled at
 * its first try) when they say where matches start and PCRE2 does not
 * know.  Its literals join `ls` (those already there are
 * shared); without memory for them it has fewer facts. */
void rule_read_facts(rule *r, rule_literals *ls);
/* The bytes a match of r may hold (consume), a bit each, into out: read
 * from its pattern, where every literal and class counts wherever it
 * stands (in lookarounds, names and quantifiers too: more than a match
 * holds), each ASCII letter in both cases, every byte beyond ASCII, and
 * the ASCII letters that characters beyond it fold to.  False (no fact)
 * when the pattern holds what this does not read: ".", a negated or
 * POSIX class, \d, \w, \p, a back reference, a comment, ... */
bool rule_held_bytes(const rule *r, uint64_t out[4]);
/* Does every match of r span the whole of its subject, less a line break
 * ending it: is the pattern "^...$" (no alternative at its top level
 * without them, not multiline)?  False when not told. */
bool rule_whole_subject(const rule *r);

/* May r match in s[0, n)?  Every match holds one literal of each clause
 * of its facts (rule_facts.lits) whole: false only when a clause has none
 * in s.  One search per word, each a fraction of a search for the rule. */
bool rule_literals_held(const rule *r, const char *s, size_t n,
                        pcre2_match_data *md);

/* The characters c matches without case, c among them, into out: how
 * many; 0 when not told (a full folding, or more than RULE_CASE_FORMS). */
enum { RULE_CASE_FORMS = 4 };
size_t rule_case_forms(int32_t c, int32_t out[RULE_CASE_FORMS]);

/* Which of lits[0, nlits) (each of ASCII letters and digits and bytes
 * beyond ASCII only, so that it lies inside one such word) each word
 * s[at[w], at[w] + len[w]) holds: bit i of holds[w * nbits + i / 64] is
 * set when the literal's pattern finds a match in the word (holds starts
 * zeroed).  The literals are of one set; what is found for a word is kept
 * there for later calls with the same list.  id: each word's number
 * when known (rule_text_word_ids), NULL to have them looked up here.
 * False without memory. */
bool rule_literals_in_words(const rule_literal *const *lits, size_t nlits,
                            const char *s, const size_t *at,
                            const uint32_t *len, const uint32_t *id,
                            size_t nwords, uint64_t *holds, size_t nbits);

/* A whole text as scans see it: its lines and the features of each, so
 * that a scan skips the lines and stretches a rule cannot match in. */
typedef struct rule_text {
  const char *s;
  size_t n;
  uint32_t *line_end; /* offset of the line break ending line i (or n; a
                        text is below 4 GB) */
  /* line_end is the caller's (rule_text_init_lines' ends), not freed */
  bool line_end_lent;
  /* The features of line i with its line break (rule_line_has): a long
   * text has a million lines of a few thousand kinds, so a line holds the
   * index of its features in `kinds`, 2 bytes; past RULE_LINE_KINDS kinds,
   * line_has holds the features of each line instead. */
  uint16_t *line_kind;
  uint64_t *kinds;
  size_t nkinds;
  uint64_t *line_has;
  size_t nlines;
  uint64_t has; /* features of the whole text */
  pcre2_match_context *mc;
  /* where the literals of rules stand, found when a scan first asks (as
   * mc, changed by scans of a const text) */
  struct literal_cache *literals;
} rule_text;
cchc_status rule_text_init(rule_text *t, const char *s, size_t n,
                           cchc_error *err);
/* The same, where the lines of s are known: ends[k] the offset of the
 * newline ending line k, ends[nends - 1] = n (cchc_text_line_ends),
 * which it reads where they lie, as t's line_end: they must outlive t
 * (NULL: found as rule_text_init does). */
cchc_status rule_text_init_lines(rule_text *t, const char *s, size_t n,
                                 const uint32_t *ends, size_t nends,
                                 cchc_error *err);
enum { RULE_LINE_KINDS = 1 << 16 };
static inline uint64_t rule_line_has(const rule_text *t, size_t li) {
  return t->line_kind ? t->kinds[t->line_kind[li]] : t->line_has[li];
}
void rule_text_free(rule_text *t);
/* The line of t holding offset `at` (a line's break belongs to it): where
 * it starts, and where it ends (its break, or t->n). */
void rule_text_line_around(const rule_text *t, size_t at, size_t *start,
                           size_t *end);
/* Every place where literal l (of the rule set t's scans use) stands in
 * t, in text order, kept by t for the scans that ask for it later: *at
 * stays valid as long as t.  False when they are not kept (too many, no
 * memory): the caller searches itself. */
bool rule_text_places(const rule_text *t, const rule_literal *l,
                      const uint32_t **at, size_t *n);
/* Where each of words[0, nwords) stands in s[0, n): every occurrence
 * its compiled pattern finds (its text, without case when caseless), in
 * text order, in at[k] (malloc'd; NULL when none) and count[k], found in
 * one walk of the text for all of them, where a search by pattern goes
 * through the text once for each word.  A word the walk cannot tell (a
 * letter with more than two forms without case of one length, or one
 * with many forms: 'k' and 's' have a third, the Kelvin sign and 'ſ'; a
 * long word) is left to the patterns: count[k] SIZE_MAX.  False without
 * memory (or for a text of 4 GB): none is told. */
bool rule_words_places(const char *s, size_t n,
                       const rule_literal *const *words, size_t nwords,
                       uint32_t **at, size_t *count);
/* Find the places in t of words[0, nwords) (literals of the rule set t's
 * scans use) in one walk of t (rule_words_places), before the scans and
 * rule_text_places ask for them one by one: those the walk cannot tell
 * are searched when asked.  False without memory. */
bool rule_text_find_words(const rule_text *t,
                          const rule_literal *const *words, size_t nwords);
/* The words of a text: its runs of word bytes (ASCII letters and digits,
 * and every byte beyond ASCII), in order, where each starts (run_at) and
 * which distinct word it is (run_word: RULE_NO_WORD for a run longer than
 * RULE_LONGEST_WORD bytes, then too_long), and each distinct word's first
 * place and length.  Read once per text, for texts up to
 * RULE_WORDS_TEXT_MAX bytes (about 3 bytes kept per byte of text), by
 * rule_text_words: NULL for a longer text or without memory. */
enum { RULE_LONGEST_WORD = 256, RULE_WORDS_TEXT_MAX = 4u << 20 };
#define RULE_NO_WORD UINT32_MAX
typedef struct rule_words {
  uint32_t *run_at, *run_word;
  size_t nruns;
  size_t *at;
  uint32_t *len;
  size_t nwords;
  bool too_long;
} rule_words;
const rule_words *rule_text_words(const rule_text *t);
/* The number of each distinct word of t (rule_text_words) among the words
 * of every text the process read (one dictionary, shared by the threads),
 * looked up at the first ask and kept with the words: every list of
 * literals asked of the words (rule_literals_in_words) reads the same, and
 * answers by number what a text before found.  NULL without memory. */
const uint32_t *rule_text_word_ids(const rule_text *t);
/* rule_word_bytes[c] is '1' for a byte of a word as rule_text_words reads
 * them (units.c walks the same runs). */
extern const char rule_word_bytes[256];
static inline bool rule_word_byte(unsigned char c) {
  return rule_word_bytes[c] == '1';
}
/* Is every byte of l a word byte, so that each place of l (and of its
 * other case forms) lies inside one word of a text?  Read from its bytes
 * (rule_literal_bytes_in_words) as it is made. */
bool rule_literal_bytes_in_words(const char *text);
static inline bool rule_literal_in_words(const rule_literal *l) {
  return l->in_words;
}
/* rule_exec for a match starting at or before `limit` only: the search
 * stops there (t lends its match context; s need not be its text). */
bool rule_exec_until(const rule *r, const rule_text *t, const char *s,
                     size_t len, size_t start, size_t limit,
                     pcre2_match_data *md);
/* rule_exec_until for a rule with facts.near_digit: r's first match in
 * s[0..len) starting in [start, limit], searched only in the windows
 * before the places where a digit may stand (an ASCII digit, or a lead
 * byte that may start one: lead_may_be_digit), nearby windows as one.
 * The same answer as rule_exec_until's. */
bool rule_exec_near_digits(const rule *r, const rule_text *t, const char *s,
                           size_t len, size_t start, size_t limit,
                           pcre2_match_data *md);
/* Where a match that holds a word at o, at most `fixed` bytes plus
 * `runs` runs of white space after its start (rule_facts.anchor_bytes and
 * anchor_runs), starts at the earliest in text[0..n), not before `floor`
 * (a character's start): a character's start.  Never before the window
 * of an earlier o. */
size_t rule_window_start(const char *text, size_t n, size_t o, size_t fixed,
                         size_t runs, size_t floor);
/* rule_exec(r, t->s, len, start, md) (len <= t->n), without running r
 * where its facts say it cannot match. */
bool rule_scan(const rule *r, const rule_text *t, size_t len, size_t start,
               pcre2_match_data *md);

/* Offsets of the whole current match (group 0). */
void rule_match_span(pcre2_match_data *md, size_t *start, size_t *end);
/* Offsets of named group `name` (the first set one when the name repeats);
 * false when the group is absent or unset. */
bool rule_group(const rule *r, pcre2_match_data *md, const char *name,
                size_t *start, size_t *end);

const tax_area *tax_find_area(const cchc_rules *rs, const char *key);
const tax_indicator *tax_find_indicator(const cchc_rules *rs,
                                        const char *key);
const tax_unit *tax_find_unit(const cchc_rules *rs, const char *key);

/* The bytes the second character of every match of a pattern may start
 * with, into set[0, 4) (a bit each), and those that may follow its lead
 * byte when past ASCII, into set[4, 8), read from its opening when every
 * match starts at the subject's start ("^", not multiline) with a class
 * of one character: false when not so read (the pattern is then asked
 * as before). */
bool rule_second_bytes_read(const char *pattern, uint32_t options,
                            uint64_t set[8]);

/* Past a class of a pattern's text (p just after its "["): the byte after
 * its "]", or NULL when not read (\Q or \E inside, or no "]"). */
const char *rule_class_past(const char *p);

/* In UCP mode PCRE2 tells \s by each character's Unicode properties, a
 * table look-up of some 35 instructions at every place a pattern asks
 * (the runs between the words of nearly every rule, and again at each
 * place a search backtracks to).  \h and \v, which UCP does not change,
 * are told by a few comparisons: PCRE2's \s in UCP mode (PT_SPACE) is the
 * characters of \h (its HSPACE_CASES), those of \v (VSPACE_CASES) and
 * those of category Z, all of which are in \h or \v (as no character has
 * entered Z since Unicode 6.3; a test compares \s and [\h\v] over every
 * code point). */
#define RULE_SPACE_CHARS "\\h\\v"
/* pattern (compiled with `options`) with each \s written as
 * [RULE_SPACE_CHARS] (within a class, as RULE_SPACE_CHARS) and each \S
 * outside a class as [^RULE_SPACE_CHARS]: a new string (free it), which
 * matches exactly what pattern does; NULL when there is nothing to
 * spell, when the options are not UCP, or when the text holds what this
 * does not read (\S or \Q within a class, an option x set inside the
 * pattern, a class left open). */
char *rule_spaces_spelled(const char *pattern, uint32_t options);
/* The text PCRE2 compiles for r (rule.spelled). */
static inline const char *rule_compiled(const rule *r) {
  return r->spelled ? r->spelled : r->pattern;
}
/* May r match line s[0, n) by its second character (has_second)?  False
 * only when it cannot.  Inline: asked at most lines of a plan. */
static inline bool rule_second_byte_may(const rule *r, const char *s,
                                        size_t n) {
  if (!r->has_second || n < 2) return true;
  unsigned c = (unsigned char)s[0];
  size_t k = c < 0x80 ? 1 : c < 0xC0 ? 0 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
  if (!k || k >= n) return true; /* not a character start, or no second */
  unsigned b = (unsigned char)s[k];
  if (!((r->second_bytes[b / 64] >> (b % 64)) & 1)) return false;
  if (b < 0xC0 || k + 1 >= n) return true;
  b = (unsigned char)s[k + 1];
  return (r->second_bytes[4 + b / 64] >> (b % 64)) & 1;
}

#endif
