/* targets.h: what targets.c tells beyond extract_targets (for tests). */
#ifndef CCHC_EXTRACT_TARGETS_H
#define CCHC_EXTRACT_TARGETS_H

#include "rules.h"

#include <stdbool.h>
#include <stddef.h>

/* May s[0..n) hold each of lits[0, nlits) (literals of a rule set), as far
 * as the byte pairs of its forms in either case tell: may[i] false only
 * when lits[i] stands nowhere in it.  The blocks the target rules run on
 * are searched only for the literals they may hold. */
void targets_pairs_may_hold(const rule_literal *const *lits, size_t nlits,
                            const char *s, size_t n, bool *may);

/* For tests: each literal of the rules is searched in each block of the
 * text (by its byte pairs, then PCRE2), not told by the words of the
 * block's runs (block_may_match). */
extern bool targets_block_words_off;

/* The bytes every match of clause rule r starts with (at most 4, none an
 * ASCII letter, digit or blank), into out: their count, 0 when r's
 * cuts are searched by PCRE2 (no such bytes, or PCRE2 knows its first
 * code unit).  The cuts of such a rule are tried, anchored, where its
 * bytes stand. */
size_t targets_first_bytes(const rule *r, unsigned char out[4]);
/* For tests: every clause rule is searched by PCRE2. */
extern bool targets_first_bytes_off;

/* For tests: the non-target rules whose matches each hold a digit near
 * their start (rule_facts.near_digit) are searched by PCRE2 from each
 * place on, not only in the windows before the block's digits. */
extern bool targets_near_digits_off;

#endif
