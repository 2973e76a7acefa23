/* indicators.h: the indicator of a target from what its clause measures
 * (rules/indicators.concepts; format in rules/README.md).  Internal. */
#ifndef CCHC_INDICATORS_H
#define CCHC_INDICATORS_H

#include "rules.h"

typedef struct indicator_set indicator_set;

/* Parse the concepts file `path` whose bytes are data[0..len); keys are
 * checked against the taxonomy of `rs`.  On error err names path and line.
 * On success *out owns the set (indicators_free). */
cchc_status indicators_parse(const cchc_rules *rs, const char *path,
                             const char *data, size_t len,
                             indicator_set **out, cchc_error *err);
void indicators_free(indicator_set *set);
/* Number of indicator entries (a NULL set has none). */
size_t indicators_count(const indicator_set *set);

/* The indicator key of a clause: the key of the first entry whose concepts
 * the clause holds, or NULL when none does or that entry is "none".  Fails
 * only when memory runs out. */
cchc_status indicators_match(const indicator_set *set, const char *text,
                             size_t len, const char **key, cchc_error *err);

/* For tests: every piece of a clause of one length hashes alike, so that
 * only the comparison of their bytes tells the pieces kept apart. */
extern bool indicators_piece_hash_off;

/* Are the words a clause text[0..len) is read as, piece by piece (the
 * first time, and again from the pieces kept), those of its whole match
 * key (cchc_match_key)?  For tests. */
bool indicators_words_agree(const indicator_set *set, const char *text,
                            size_t len);

/* While the set's piece memo is held (as by another thread), are the
 * words another thread reads text[0..len) as, without waiting for it,
 * those of its whole match key?  For tests. */
bool indicators_words_while_memo_held(const indicator_set *set,
                                      const char *text, size_t len);

/* Run every example: a "yes:" clause must be claimed by its own entry, a
 * "no:" clause must not get that entry's key.  Returns the failures; adds
 * the examples run to *run. */
size_t indicators_test(const indicator_set *set, cchc_rules_report_fn report,
                       void *ctx, size_t *run);

#endif
