/* rules.h: compiled rules and taxonomy, as the extractor sees them.
 * Internal; the public type is the opaque cchc_rules. */
#ifndef CCHC_RULES_H
#define CCHC_RULES_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "../common/internal.h"

typedef struct rule_example {
  const char *text;
  bool positive;
  unsigned line;
  /* "=> name=value; name=value": expected named-group texts */
  const char **expect_names, **expect_values;
  size_t nexpect;
} rule_example;

typedef struct rule {
  const char *id;      /* "target.min" */
  const char *path;    /* file it came from */
  unsigned line;       /* line of its "rule" header */
  const char *purpose;
  const char *pattern;
  pcre2_code *code;    /* compiled with JIT */
  const char **keys, **values; /* "set: key=value" attributes */
  size_t nattrs;
  rule_example *examples;
  size_t nexamples;
} rule;

typedef struct tax_area {
  const char *key, *name;
  const char **words; /* heading words */
  size_t nwords;
} tax_area;

typedef struct tax_indicator {
  const char *key, *area, *unit, *name;
} tax_indicator;

/* Indicators described by their concepts (indicators.c). */
struct indicator_set;

typedef struct tax_unit {
  const char *key, *name;
  const char **forms; /* surface forms seen in real plans */
  size_t nforms;
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
  struct indicator_set *indicators_by_meaning; /* indicators.concepts */
  uint32_t max_groups; /* largest capture count, for match data */
  /* Rules by group (the id up to its first dot), each group in file
   * order: rules_select on "group." is a binary search, not a scan, as
   * extractors select per block. */
  const rule **by_group;
  size_t *group_len; /* length of the group name of by_group[i] */
  char **strings;      /* every string owned by the set */
  size_t nstrings, cap_strings;
};

/* The rules whose id starts with `prefix` ("target."), in file order;
 * writes up to `max` pointers, returns how many there are. */
size_t rules_select(const cchc_rules *rs, const char *prefix,
                    const rule **out, size_t max);
/* Same, keeping only the rules with `set: role=ROLE` (all when role is
 * NULL). */
size_t rules_select_role(const cchc_rules *rs, const char *prefix,
                         const char *role, const rule **out, size_t max);
const rule *rules_find(const cchc_rules *rs, const char *id);
/* The value of "set: key=value", or NULL. */
const char *rule_attr(const rule *r, const char *key);

/* Match data big enough for every rule; free with pcre2_match_data_free. */
pcre2_match_data *rules_match_data(const cchc_rules *rs);
/* Match r in s[0..len) from `start`.  Returns true on a match; the whole
 * match is then group 0 of md. */
bool rule_exec(const rule *r, const char *s, size_t len, size_t start,
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

#endif
