/* subject.h: what a target is about, as a set of words, and how alike two
 * targets are (internal).  Compare groups the targets that have no
 * indicator by it; the audit looks by it for a counterpart of a parent
 * target that no target of the plan matches by indicator.
 *
 * A target's subject is the one the extractor found, list marker taken off
 * ("(2) ", "c) ", "1.2. ", "- "); when that has fewer than two words that
 * carry meaning (the extractor took the unit: "lớp", "dân số") or there is
 * none, the clause that states the target.  Its words are the syllables of
 * its match key (cchc_match_key: no case, no diacritics, đ as d), without
 * numbers and without the function and comparator words of subject.c
 * ("các", "của", "tỷ lệ", "đạt", "tối thiểu", ...), each once.
 *
 * Two subjects are alike by the Jaccard index of their word sets, shared
 * words over all words: "Tỷ lệ người dân có Sổ sức khỏe điện tử" and "(11)
 * Tỷ lệ người dân có hồ sơ sức khỏe điện tử cá nhân" share 8 words of 11
 * (0.73).  SUBJECT_SIMILAR (CCHC_SUBJECT_SIMILAR, 0.5) is the least index
 * called similar.  Measured on the 64 targets without an indicator of the
 * nine corpus plans, the extra plan and the samples: one target stated by
 * two provinces scored 0.73 to 0.88, two different targets of two plans
 * at most 0.46.  Two different targets of one plan can score higher (0.79:
 * "cảng biển ... khai thác cảng" and "cửa khẩu ... khai thác cửa khẩu",
 * lists written from one template), which is why compare never puts two
 * differently worded targets of one plan in one row. */
#ifndef CCHC_SUBJECT_H
#define CCHC_SUBJECT_H

#include "../common/internal.h"

#define SUBJECT_SIMILAR CCHC_SUBJECT_SIMILAR

typedef struct subject {
  char *label;        /* as written, list marker and edge punctuation off */
  char *key;          /* the label's match key, words cut by NULs */
  const char **words; /* into key, sorted, each once */
  size_t nwords;
} subject;

/* The subject of a target into *s, from the subject the extractor found
 * and the target's text (either may be NULL); released with
 * subject_release, also after a failure. */
cchc_status subject_init(subject *s, const char *subject, const char *text,
                         cchc_error *err);
void subject_release(subject *s);
/* A copy of `src` into *dst (its label and words; released with
 * subject_release). */
cchc_status subject_copy(subject *dst, const subject *src, cchc_error *err);

/* Subjects made already, by the strings they were made from: plans read
 * from the store state the same targets in the same words again and again
 * (plans written from one template, versions of one plan), and a subject
 * costs a match key.  It holds at most SUBJECT_CACHE_SIZE subjects and is
 * emptied when full, so it stays small whatever the number of plans. */
typedef struct subject_cache subject_cache;
enum { SUBJECT_CACHE_SIZE = 4096 };
/* NULL when out of memory (then subject_init_cached makes every subject
 * afresh). */
subject_cache *subject_cache_new(void);
void subject_cache_free(subject_cache *c);
/* subject_init through `c` (may be NULL). */
cchc_status subject_init_cached(subject_cache *c, subject *s,
                                const char *subj, const char *text,
                                cchc_error *err);

/* The hash of the string `s`, continuing from `h` (start with
 * CCHC_HASH_START): for tables keyed by text. */
static inline uint64_t subject_hash(uint64_t h, const char *s) {
  for (; *s; s++)
    h = cchc_hash_step(h, (unsigned char)*s);
  return h;
}

/* The Jaccard index of the two word sets, 0 when either has none. */
double subject_similarity(const subject *a, const subject *b);

/* Sort the strings v[0..n) (strcmp) and keep each once; returns how many
 * remain. */
size_t sort_unique(const char **v, size_t n);

#endif
