/* test_rules.c: the rules loader (errors name file and line), the example
 * runner, and the section tree built from the shipped rules. */
#include "harness.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "../extract/frame.h"
#include "../extract/rules.h"

static cchc_status load_one(const char *content, cchc_error *err) {
  cchc_rules *rs = NULL;
  cchc_status st =
      cchc_rules_load(harness_rules_dir_with("x.rules", content), &rs, err);
  cchc_rules_free(rs);
  return st;
}

static const char good_rule[] = "rule t.one\n"
                                "purpose: a percentage\n"
                                "pattern: (?<value>\\d+)\\s*%\n"
                                "yes: đạt 98% => value=98\n"
                                "no: không có số\n";

/* Does rule r lie under path[0, len) (its id that path, or the path and
 * a dot before the rest) with role `role` (NULL: any)? */
static bool selected_by(const rule *r, const char *path, size_t len,
                        const char *role) {
  const char *own = rule_attr(r, "role");
  return !strncmp(r->id, path, len) &&
         (r->id[len] == '\0' || r->id[len] == '.') &&
         (!role || (own && !strcmp(own, role)));
}

/* Every selection by a path of a shipped rule's id, with any role and
 * with the rule's own: the rules under it in file order, as a look over
 * all of them finds; a path with its dot is the path; a path no rule has
 * selects none. */
START_TEST(selections_are_the_rules_under_a_path) {
  const cchc_rules *rs = harness_rules();
  ck_assert_ptr_nonnull(rs);
  size_t asked = 0;
  for (size_t i = 0; i < rs->nrules; i++) {
    const rule *r = &rs->rules[i];
    const char *roles[2] = {NULL, rule_attr(r, "role")};
    for (size_t len = 0;; len++) {
      if (r->id[len] != '.' && r->id[len] != '\0') continue;
      char path[512];
      ck_assert_uint_lt(len + 1, sizeof path);
      memcpy(path, r->id, len);
      path[len] = '\0';
      for (size_t k = 0; k < 2 && (!k || roles[k]); k++) {
        rule_list l = rules_select(rs, path, roles[k]);
        size_t want = 0;
        for (size_t j = 0; j < rs->nrules; j++)
          if (selected_by(&rs->rules[j], path, len, roles[k])) {
            ck_assert_uint_lt(want, l.n);
            ck_assert_ptr_eq(l.items[want], &rs->rules[j]);
            want++;
          }
        ck_assert_msg(l.n == want, "'%s' role %s: %zu rules, want %zu", path,
                      roles[k] ? roles[k] : "(any)", l.n, want);
        path[len] = '.';
        path[len + 1] = '\0';
        ck_assert_uint_eq(rules_select(rs, path, roles[k]).n, want);
        path[len] = '\0';
        asked++;
      }
      if (!r->id[len]) break;
    }
  }
  ck_assert_uint_gt(asked, rs->nrules);
  ck_assert_uint_eq(rules_select(rs, "no.such.path", NULL).n, 0);
  ck_assert_uint_eq(rules_select(rs, "unit", "no such role").n, 0);
}
END_TEST

/* rule_features reads each byte without a branch: it must give what the
 * byte-by-byte reading gives (ASCII features, and a digit for a lead byte
 * lead_may_be_digit cannot rule out), on every string of one and of two
 * bytes and on three bytes around the lead bytes of digits. */
static uint64_t features_by_byte(const unsigned char *p, size_t n) {
  uint64_t has = 0;
  for (size_t i = 0; i < n; i++)
    has |= p[i] < 0x80 ? rule_ascii_features[p[i]]
           : lead_may_be_digit(p + i, p + n) ? 1 /* F_DIGIT */ : 0;
  return has;
}

START_TEST(features_as_byte_by_byte) {
  unsigned char b[3];
  for (unsigned x = 0; x < 256; x++) {
    b[0] = (unsigned char)x;
    ck_assert_uint_eq(rule_features((char *)b, 1), features_by_byte(b, 1));
    for (unsigned y = 0; y < 256; y++) {
      b[1] = (unsigned char)y;
      ck_assert_uint_eq(rule_features((char *)b, 2), features_by_byte(b, 2));
      for (unsigned z = 0; z < 256; z += 17) {
        b[2] = (unsigned char)z;
        ck_assert_uint_eq(rule_features((char *)b, 3),
                          features_by_byte(b, 3));
      }
    }
  }
  static const char vi[] = "Hoàn thành trước ngày 30/01/2026 ‐ ٣ ۴ ฿ 𝟗 ạ";
  ck_assert_uint_eq(rule_features(vi, sizeof vi - 1),
                    features_by_byte((const unsigned char *)vi, sizeof vi - 1));
}
END_TEST

/* Past 16 bytes rule_features reads blocks of 16 (SSE2): every byte value,
 * followed by each byte that decides a digit's lead, at every place of
 * strings of 17 to 49 bytes (each lane of a block, the last lane whose
 * next byte is in the next block, the bytes after the last block); then
 * random strings of the bytes that matter. */
START_TEST(features_of_long_strings_as_byte_by_byte) {
  static const unsigned char after[] = {0x00, ' ', '0', 'a', 0x80, 0xAF,
                                        0xB0, 0xB7, 0xB8, 0xBF, 0xE1, 0xFF};
  unsigned char b[64];
  for (size_t n = 17; n <= 49; n += 8)
    for (size_t at = 0; at < n; at++)
      for (unsigned x = 0; x < 256; x++)
        for (size_t y = 0; y < sizeof after; y++) {
          memset(b, 'a', n);
          b[at] = (unsigned char)x;
          if (at + 1 < n) b[at + 1] = after[y];
          ck_assert_msg(rule_features((char *)b, n) == features_by_byte(b, n),
                        "%zu bytes, 0x%02X at %zu then 0x%02X", n, x, at,
                        after[y]);
        }
  static const unsigned char alphabet[] = {
      'a', 'Z', ' ', ' ', '\n', '\t', '\r', '0', '9', '/', '%', ',', '.',
      '|', '@', '[', '`', '{', 0x7F, 0x01, 0xC3, 0xA0, 0xD9, 0xE1, 0xE2,
      0xB0, 0xB7, 0xB8, 0xBB, 0xF0, 0x9D, 0x9F};
  unsigned seed = 1;
  for (int round = 0; round < 20000; round++) {
    size_t n = 17 + (size_t)(round % 48);
    for (size_t i = 0; i < n; i++) {
      seed = seed * 1103515245u + 12345u;
      b[i] = alphabet[(seed >> 16) % sizeof alphabet];
    }
    ck_assert_uint_eq(rule_features((char *)b, n), features_by_byte(b, n));
  }
}
END_TEST

/* Each thread gets match contexts of its own at its first text, with a
 * JIT stack of its own; matches through them find what matches without a
 * context find, and run out of stack exactly where those do (the stack
 * is as large as the one PCRE2 sets up on the machine stack). */
static int match_rc(pcre2_code *code, const char *s, size_t n,
                    pcre2_match_context *mc) {
  pcre2_match_data *md = pcre2_match_data_create_from_pattern(code, NULL);
  int rc = pcre2_jit_match(code, (PCRE2_SPTR)s, n, 0, 0, md, mc);
  pcre2_match_data_free(md);
  return rc;
}

static void *thread_contexts(void *arg) {
  rule_text t;
  cchc_error err = {0};
  ck_assert_int_eq(rule_text_init(&t, "a", 1, &err), CCHC_OK);
  rule_text_free(&t);
  *(pcre2_match_context **)arg = rule_thread_context;
  return rule_thread_limit_context;
}

START_TEST(threads_match_on_stacks_of_their_own) {
  rule_text t;
  cchc_error err = {0};
  ck_assert_int_eq(rule_text_init(&t, "a", 1, &err), CCHC_OK);
  rule_text_free(&t);
  ck_assert_ptr_nonnull(rule_thread_context);
  ck_assert_ptr_nonnull(rule_thread_limit_context);
  ck_assert_ptr_ne(rule_thread_context, rule_thread_limit_context);
  pcre2_match_context *other = NULL;
  void *other_limit = NULL;
  pthread_t th;
  ck_assert_int_eq(pthread_create(&th, NULL, thread_contexts, &other), 0);
  ck_assert_int_eq(pthread_join(th, &other_limit), 0);
  ck_assert_ptr_nonnull(other);
  ck_assert_ptr_ne(other, rule_thread_context);
  ck_assert_ptr_ne(other_limit, rule_thread_limit_context);

  /* a pattern whose backtracking takes stack in proportion to the
   * subject: the first length that runs out without a context, and the
   * one before it, give the same through the thread's */
  int error;
  PCRE2_SIZE at;
  pcre2_code *code = pcre2_compile((PCRE2_SPTR) "(?:(a)|b)*c", 11, 0, &error,
                                   &at, NULL);
  ck_assert_ptr_nonnull(code);
  if (pcre2_jit_compile(code, PCRE2_JIT_COMPLETE) != 0) {
    pcre2_code_free(code); /* no JIT here: nothing to tell */
    return;
  }
  size_t n = 1 << 20;
  char *s = malloc(n + 1);
  ck_assert_ptr_nonnull(s);
  for (size_t i = 0; i < n; i++) s[i] = "ab"[i % 2];
  s[n] = 'c';
  ck_assert_int_eq(match_rc(code, s, n, NULL), PCRE2_ERROR_JIT_STACKLIMIT);
  size_t lo = 1, hi = n; /* lo matches, hi runs out */
  ck_assert_int_gt(match_rc(code, s + n - lo, lo + 1, NULL), 0);
  while (hi - lo > 1) {
    size_t mid = lo + (hi - lo) / 2;
    if (match_rc(code, s + n - mid, mid + 1, NULL) > 0) lo = mid;
    else hi = mid;
  }
  ck_assert_int_gt(match_rc(code, s + n - lo, lo + 1, rule_thread_context),
                   0);
  ck_assert_int_eq(match_rc(code, s + n - hi, hi + 1, rule_thread_context),
                   PCRE2_ERROR_JIT_STACKLIMIT);
  ck_assert_int_eq(
      match_rc(code, s + n - hi, hi + 1, rule_thread_limit_context),
      PCRE2_ERROR_JIT_STACKLIMIT);
  free(s);
  pcre2_code_free(code);
}
END_TEST

START_TEST(loads_and_runs_examples) {
  cchc_rules *rs = NULL;
  cchc_error err = {0};
  ck_assert_int_eq(
      cchc_rules_load(harness_rules_dir_with("x.rules", good_rule), &rs, &err),
      CCHC_OK);
  /* The shipped rules (those made from the taxonomy among them), and this
   * one with its two examples. */
  size_t shipped_examples = 0;
  ck_assert_uint_eq(cchc_rules_test(harness_rules(), NULL, NULL,
                                    &shipped_examples),
                    0);
  ck_assert_uint_eq(rules_select(rs, "t.", NULL).n, 1);
  ck_assert_uint_eq(cchc_rules_count(rs),
                    cchc_rules_count(harness_rules()) + 1);
  size_t examples = 0;
  ck_assert_uint_eq(cchc_rules_test(rs, NULL, NULL, &examples), 0);
  ck_assert_uint_eq(examples, shipped_examples + 2);
  const rule *r = rules_find(rs, "t.one");
  ck_assert_ptr_nonnull(r);
  ck_assert_str_eq(r->purpose, "a percentage");
  cchc_rules_free(rs);
}
END_TEST

/* rule_attr tells keys apart by their first letter and then whole: keys
 * of one first letter, a key that is a prefix of another, and keys the
 * rule does not set. */
START_TEST(attributes_are_found_by_whole_key) {
  static const char attrs[] = "rule t.attrs\n"
                              "purpose: attributes of one first letter\n"
                              "pattern: \\d+\n"
                              "set: pick=last\n"
                              "set: picks=all\n"
                              "set: p=one\n"
                              "set: scope=all\n"
                              "yes: 12\n"
                              "no: x\n";
  cchc_rules *rs = NULL;
  cchc_error err = {0};
  ck_assert_int_eq(
      cchc_rules_load(harness_rules_dir_with("x.rules", attrs), &rs, &err),
      CCHC_OK);
  const rule *r = rules_find(rs, "t.attrs");
  ck_assert_ptr_nonnull(r);
  ck_assert_str_eq(rule_attr(r, "pick"), "last");
  ck_assert_str_eq(rule_attr(r, "picks"), "all");
  ck_assert_str_eq(rule_attr(r, "p"), "one");
  ck_assert_str_eq(rule_attr(r, "scope"), "all");
  ck_assert_ptr_null(rule_attr(r, "pic"));
  ck_assert_ptr_null(rule_attr(r, "s"));
  ck_assert_ptr_null(rule_attr(r, "role"));
  ck_assert_ptr_null(rule_attr(r, ""));
  cchc_rules_free(rs);
}
END_TEST

/* rule_group as PCRE2 reads its name table: the first set group of the
 * name, or none. */
static bool group_by_pcre2(const rule *r, pcre2_match_data *md,
                           const char *name, size_t *start, size_t *end) {
  PCRE2_SPTR first, last;
  int size = pcre2_substring_nametable_scan(r->code, (PCRE2_SPTR)name, &first,
                                            &last);
  if (size < 0) return false;
  PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
  for (PCRE2_SPTR e = first; e <= last; e += size) {
    uint32_t num = ((uint32_t)e[0] << 8) | e[1];
    if (ov[2 * num] != PCRE2_UNSET) {
      *start = ov[2 * num];
      *end = ov[2 * num + 1];
      return true;
    }
  }
  return false;
}

/* rule_group reads the rule's own copy of the name table: names of one
 * first letter, one a prefix of another, a name given twice (the set one
 * of the two), a group left unset and names the rule lacks. */
START_TEST(groups_are_found_by_whole_name) {
  static const char groups[] = "rule t.groups\n"
                               "purpose: groups of one first letter\n"
                               "pattern: (?<da>\\d+)/(?<d>\\d+)(?<db>!)?"
                               "|(?<d>[a-z]+)(?<dd>\\.)?\n"
                               "yes: 12/34 => da=12\n"
                               "yes: ab.\n"
                               "no: -\n";
  cchc_rules *rs = NULL;
  cchc_error err = {0};
  ck_assert_msg(cchc_rules_load(harness_rules_dir_with("x.rules", groups),
                                &rs, &err) == CCHC_OK,
                "%s", err.message);
  const rule *r = rules_find(rs, "t.groups");
  ck_assert_ptr_nonnull(r);
  pcre2_match_data *md = rules_match_data(rs);
  size_t s = 0, e = 0;
  ck_assert(rule_exec(r, "12/34", 5, 0, md));
  ck_assert(rule_group(r, md, "d", &s, &e));
  ck_assert_uint_eq(s, 3);
  ck_assert_uint_eq(e, 5);
  ck_assert(rule_group(r, md, "da", &s, &e));
  ck_assert_uint_eq(s, 0);
  ck_assert_uint_eq(e, 2);
  ck_assert(!rule_group(r, md, "db", &s, &e)); /* unset */
  ck_assert(rule_exec(r, "ab.", 3, 0, md));
  ck_assert(rule_group(r, md, "d", &s, &e)); /* the second "d" */
  ck_assert_uint_eq(s, 0);
  ck_assert_uint_eq(e, 2);
  ck_assert(rule_group(r, md, "dd", &s, &e));
  ck_assert_uint_eq(s, 2);
  ck_assert(!rule_group(r, md, "da", &s, &e));
  ck_assert(!rule_group(r, md, "", &s, &e));
  ck_assert(!rule_group(r, md, "dx", &s, &e));
  ck_assert(!rule_group(r, md, "x", &s, &e));
  pcre2_match_data_free(md);
  cchc_rules_free(rs);
  /* every name of every shipped rule on its examples, as PCRE2 reads it */
  const cchc_rules *shipped = harness_rules();
  md = rules_match_data(shipped);
  size_t asked = 0;
  for (size_t i = 0; i < shipped->nrules; i++) {
    const rule *q = &shipped->rules[i];
    for (size_t k = 0; k < q->nexamples; k++) {
      const char *t = q->examples[k].text;
      if (pcre2_match(q->code, (PCRE2_SPTR)t, strlen(t), 0, 0, md, NULL) <= 0)
        continue;
      for (uint32_t g = 0; g < q->nnames; g++) {
        const char *name = (const char *)q->names + g * q->name_size + 2;
        size_t s1 = 0, e1 = 0, s2 = 0, e2 = 0;
        bool own = rule_group(q, md, name, &s1, &e1);
        ck_assert_int_eq(own, group_by_pcre2(q, md, name, &s2, &e2));
        ck_assert_uint_eq(s1, s2);
        ck_assert_uint_eq(e1, e2);
        asked++;
      }
    }
  }
  ck_assert_uint_gt(asked, 500);
  pcre2_match_data_free(md);
}
END_TEST

typedef struct failures {
  int n;
  char last[1024];
  size_t line;
} failures;

static void collect(void *ctx, const char *path, size_t line,
                    const char *rule_id, const char *message) {
  failures *f = ctx;
  f->n++;
  f->line = line;
  snprintf(f->last, sizeof f->last, "%s: %s", rule_id, message);
}

START_TEST(failing_examples_are_reported_with_line) {
  static const char bad[] = "rule t.bad\n"
                            "pattern: (?<value>\\d+)\\s*%\n"
                            "yes: 98 phần trăm\n"         /* line 3: no match */
                            "yes: đạt 98% => value=99\n"  /* line 4: wrong group */
                            "no: đạt 50%\n";              /* line 5: matches */
  cchc_rules *rs = NULL;
  cchc_error err = {0};
  ck_assert_int_eq(cchc_rules_load(harness_rules_dir_with("x.rules", bad), &rs, &err),
                   CCHC_OK);
  failures f = {0};
  ck_assert_uint_eq(cchc_rules_test(rs, collect, &f, NULL), 3);
  ck_assert_int_eq(f.n, 3);
  ck_assert_uint_eq(f.line, 5);
  ck_assert_ptr_nonnull(strstr(f.last, "t.bad"));
  cchc_rules_free(rs);
}
END_TEST

/* Each malformed file gives CCHC_ERR_RULES naming the file and line. */
static const struct {
  const char *content;
  unsigned line;
  const char *message;
} bad_files[] = {
    {"rule a.b\npattern: (unclosed\nyes: x\nno: y\n", 1, "pattern error"},
    {"rule a.b\npattern: x\nwhat: y\n", 3, "unknown field"},
    {"rule a.b\npattern: x\nyes: x\n", 1, "needs at least one"},
    {"rule a.b\npattern: x\nset: area=nowhere\n", 3, "unknown area key"},
    {"rule a.b\npattern: x\nset: indicator=tthc.nope\n", 3,
     "unknown indicator key"},
    {"rule a.b\npattern: x\nyes: x\nno: y\n\nrule a.b\n", 6, "duplicate"},
    {"pattern: x\n", 1, "before the first"},
    {"rule A.B\n", 1, "rule id"},
    {"rule a.b\nyes: x\nno: y\n", 1, "no pattern"},
    {"rule a.b\npattern: (?<v>x)\nyes: x => w=x\nno: y\n", 3, "no group"},
    {"rule a.b\npattern: x\nflags: sideways\n", 3, "unknown flag"},
    {"rule a.b\npattern: x\nno: x => v=1\n", 3, "cannot expect"},
    {"rule a.b\npattern: x\nyes: \xff\xfe\n", 3, "invalid UTF-8"},
    /* a role no extractor selects, a role where the group has none, a
     * group's required attribute missing */
    {"rule task.x\npattern: x\nset: role=party\nyes: x\nno: y\n", 3,
     "unknown role 'party'"},
    {"rule a.b\npattern: x\nset: role=end\nyes: x\nno: y\n", 3,
     "takes no role"},
    {"rule lead.x\npattern: x\nyes: x\nno: y\n", 1, "needs 'set: role"},
    {"rule unitcell.x\npattern: x\nset: side=left\nyes: x\nno: y\n", 3,
     "unknown side"},
    /* spellings canonical text never has: dead alternatives */
    {"rule a.b\npattern: (?:Ủy|Uỷ) ban\nyes: x\nno: y\n", 2,
     "'Uỷ' where canonical text has 'Ủy'"},
    {"rule a.b\npattern: Văn\n    \\s+h(?:óa|oá)\nyes: x\nno: y\n", 3,
     "can never match"},
    {"rule a.b\npattern: x\\s*[-–]\\s*y\nyes: x\nno: y\n", 2,
     "'–' where canonical text has '-'"},
    /* a pattern normalize refuses as binary, more than 16 control
     * characters (found by fuzz_rules: the error named neither file nor
     * line) */
    {"rule a.b\npattern: \a\a\a\a\a\a\a\a\a\a\a\a\a\a\a\a\a\n"
     "yes: x\nno: y\n",
     2,
     "pattern is not text: binary input"},
};

START_TEST(bad_rules_file_names_file_and_line) {
  cchc_error err = {0};
  ck_assert_int_eq(load_one(bad_files[_i].content, &err), CCHC_ERR_RULES);
  ck_assert_uint_eq(err.line, bad_files[_i].line);
  ck_assert_ptr_nonnull(strstr(err.path, "x.rules"));
  ck_assert_msg(strstr(err.message, bad_files[_i].message), "message: %s",
                err.message);
}
END_TEST

/* A rules directory without a file the extractors need is a load error
 * naming the file, whether the file is gone or holds none of its group's
 * rules; `cchc extract --rules DIR` stops with exit 2 and writes nothing
 * (it wrote frames without sections or targets). */
static const struct {
  const char *file, *content, *message;
} incomplete[] = {
    {"targets.rules", NULL, "targets.rules is missing"},
    {"sections.rules", NULL, "sections.rules is missing"},
    {"tasks.rules", NULL, "tasks.rules is missing"},
    {"meta.rules", NULL, "meta.rules is missing"},
    {"indicators.concepts", NULL, "indicators.concepts is missing"},
    {"areas.rules", NULL, "no rule area.kinh_te_so is written"},
    {"areas.rules", "# emptied\n", "no rule area.kinh_te_so is written"},
    {"targets.rules", "# emptied\n", "targets.rules holds no rule"},
};

START_TEST(rules_dir_missing_a_file_is_an_error) {
  const char *dir =
      harness_rules_dir_with(incomplete[_i].file, incomplete[_i].content);
  cchc_rules *rs = NULL;
  cchc_error err = {0};
  ck_assert_int_eq(cchc_rules_load(dir, &rs, &err), CCHC_ERR_RULES);
  ck_assert_ptr_null(rs);
  ck_assert_msg(strstr(err.message, incomplete[_i].message), "message: %s",
                err.message);

  char plan[4200];
  snprintf(plan, sizeof plan, "%s/tests/data/dong_nai_228_KH-UBND_2026.txt",
           harness_root());
  const char *argv[] = {"extract", "--rules", dir, plan, NULL};
  harness_result r = harness_cli_bounded(argv, NULL, (harness_limits){60, 0});
  ck_assert_int_eq(r.rc, 2);
  ck_assert_uint_eq(r.outlen, 0);
  ck_assert_msg(strstr(r.err, incomplete[_i].message), "stderr: %s", r.err);
  harness_result_free(&r);
}
END_TEST

START_TEST(bad_taxonomy_line_is_named) {
  const char *dir = harness_rules_dir_with("x.rules", good_rule);
  char path[4200];
  snprintf(path, sizeof path, "%s/indicators.tsv", dir);
  static const char tsv[] = "key\tarea\tunit\tname\twording\n"
                            "a.b\tnowhere\t%\tname\twords\n";
  ck_assert_int_eq(harness_write(path, tsv, strlen(tsv)), 0);
  cchc_rules *rs = NULL;
  cchc_error err = {0};
  ck_assert_int_eq(cchc_rules_load(dir, &rs, &err), CCHC_ERR_RULES);
  ck_assert_uint_eq(err.line, 2);
  ck_assert_ptr_nonnull(strstr(err.path, "indicators.tsv"));
  ck_assert_ptr_null(rs);
}
END_TEST

/* Examples are tested as the extractors meet text: canonical.  "Uỷ",
 * "hoá" and the en dash of a plan match the one canonical spelling, and
 * expected group values are compared in canonical form too. */
START_TEST(examples_are_tested_as_canonical_text) {
  static const char rules[] =
      "rule t.unit\n"
      "pattern: (?<u>Ủy\\s+ban|Văn\\s+hóa\\s*-\\s*Xã\\s+hội)\n"
      "yes: Uỷ ban nhân dân xã => u=Uỷ ban\n"
      "yes: Phòng Văn hoá – Xã hội => u=Văn hoá – Xã hội\n"
      "no: văn phòng\n";
  cchc_rules *rs = NULL;
  cchc_error err = {0};
  ck_assert_int_eq(
      cchc_rules_load(harness_rules_dir_with("x.rules", rules), &rs, &err),
      CCHC_OK);
  failures f = {0};
  ck_assert_msg(cchc_rules_test(rs, collect, &f, NULL) == 0, "%s", f.last);
  cchc_rules_free(rs);
}
END_TEST

/* Replace, in the rules directory `dir`, the row of `key` of taxonomy
 * table `table` by `row`. */
static void set_row(const char *dir, const char *table, const char *key,
                    const char *row) {
  char path[4200];
  snprintf(path, sizeof path, "%s/%s", dir, table);
  size_t len;
  char *data = harness_read(path, &len);
  ck_assert_ptr_nonnull(data);
  char *out = malloc(len + strlen(row) + 2);
  ck_assert_ptr_nonnull(out);
  size_t n = 0, kl = strlen(key);
  bool found = false;
  for (char *p = data; p < data + len;) {
    char *nl = memchr(p, '\n', (size_t)(data + len - p));
    size_t l = nl ? (size_t)(nl - p) + 1 : (size_t)(data + len - p);
    if (!strncmp(p, key, kl) && p[kl] == '\t') {
      n += (size_t)sprintf(out + n, "%s\n", row);
      found = true;
    } else {
      memcpy(out + n, p, l);
      n += l;
    }
    p += l;
  }
  ck_assert(found);
  ck_assert_int_eq(harness_write(path, out, n), 0);
  free(out);
  free(data);
}

/* The words of areas.tsv are the area rules: a word added there names the
 * area, written as plans print it ("hoá", any case, any spacing). */
START_TEST(area_words_are_the_area_rules) {
  const char *dir = harness_rules_dir_with("x.rules", good_rule);
  set_row(dir, "areas.tsv", "iso",
          "iso\tÁp dụng ISO\tISO; tiêu chuẩn hoá chất lượng");
  cchc_rules *rs = NULL;
  cchc_error err = {0};
  ck_assert_msg(cchc_rules_load(dir, &rs, &err) == CCHC_OK, "%s:%u: %s",
                err.path, err.line, err.message);
  const rule *r = rules_find(rs, "area.iso");
  ck_assert_ptr_nonnull(r);
  ck_assert_str_eq(rule_attr(r, "area"), "iso");
  ck_assert_ptr_nonnull(strstr(r->path, "areas.tsv"));
  pcre2_match_data *md = rules_match_data(rs);
  static const char *const yes[] = {"Áp dụng TIÊU CHUẨN HÓA  chất lượng",
                                    "về ISO 9001", "tiêu chuẩn hóa\nchất lượng"};
  static const char *const no[] = {"tiêu chuẩn hóa", "ISOx",
                                   "tiêu chuẩn hóa chất lượngx"};
  for (size_t i = 0; i < 3; i++) {
    ck_assert_msg(rule_exec(r, yes[i], strlen(yes[i]), 0, md), "%s", yes[i]);
    ck_assert_msg(!rule_exec(r, no[i], strlen(no[i]), 0, md), "%s", no[i]);
  }
  /* every area with words has its rule, in the table's order */
  rule_list areas = rules_select(rs, "area.", NULL);
  ck_assert_uint_eq(areas.n, rs->nareas);
  for (size_t i = 0; i < areas.n; i++)
    ck_assert_str_eq(rule_attr(areas.items[i], "area"), rs->areas[i].key);
  pcre2_match_data_free(md);
  cchc_rules_free(rs);
}
END_TEST

/* A rule of the taxonomy and a hand rule cannot share an id. */
START_TEST(taxonomy_rule_written_by_hand_is_an_error) {
  static const char dup[] = "rule area.iso\n"
                            "pattern: ISO\n"
                            "set: area=iso\n"
                            "yes: ISO\n"
                            "no: x\n";
  cchc_error err = {0};
  ck_assert_int_eq(load_one(dup, &err), CCHC_ERR_RULES);
  ck_assert_ptr_nonnull(strstr(err.path, "areas.tsv"));
  ck_assert_ptr_nonnull(strstr(err.message, "x.rules:1"));
}
END_TEST

/* An area rule written by hand stands for a row of areas.tsv without
 * words, and says that row's area; any other is an error at its line. */
START_TEST(hand_area_rule_needs_a_row_without_words) {
  static const char stray[] = "rule area.iso.more\n"
                              "pattern: tiêu\\s+chuẩn\n"
                              "set: area=iso\n"
                              "yes: tiêu chuẩn\n"
                              "no: x\n";
  cchc_error err = {0};
  ck_assert_int_eq(load_one(stray, &err), CCHC_ERR_RULES);
  ck_assert_ptr_nonnull(strstr(err.path, "x.rules"));
  ck_assert_uint_eq(err.line, 1);
  ck_assert_ptr_nonnull(strstr(err.message, "rows of areas.tsv"));

  const char *dir = harness_rules_dir_with("x.rules", good_rule);
  set_row(dir, "areas.tsv", "iso", "iso\tÁp dụng ISO");
  char path[4200];
  snprintf(path, sizeof path, "%s/iso.rules", dir);
  static const char other[] = "rule area.iso\n"
                              "pattern: ISO\n"
                              "set: area=the_che\n"
                              "yes: ISO\n"
                              "no: x\n";
  ck_assert_int_eq(harness_write(path, other, strlen(other)), 0);
  cchc_rules *rs = NULL;
  ck_assert_int_eq(cchc_rules_load(dir, &rs, &err), CCHC_ERR_RULES);
  ck_assert_ptr_nonnull(strstr(err.path, "iso.rules"));
  ck_assert_ptr_nonnull(strstr(err.message, "set: area=iso"));
}
END_TEST

/* A title that names the whole reform gives no area: areas.rules must
 * hold planarea.* beside the area rules. */
START_TEST(areas_rules_without_planarea_is_an_error) {
  const char *dir = harness_rules_dir_with("x.rules", good_rule);
  char path[4200];
  snprintf(path, sizeof path, "%s/areas.rules", dir);
  size_t len;
  char *data = harness_read(path, &len);
  ck_assert_ptr_nonnull(data);
  char *cut = strstr(data, "rule planarea.");
  ck_assert_ptr_nonnull(cut);
  ck_assert_int_eq(harness_write(path, data, (size_t)(cut - data)), 0);
  free(data);
  cchc_rules *rs = NULL;
  cchc_error err = {0};
  ck_assert_int_eq(cchc_rules_load(dir, &rs, &err), CCHC_ERR_RULES);
  ck_assert_msg(strstr(err.message, "areas.rules holds no rule of its group"),
                "%s", err.message);
  ck_assert_ptr_nonnull(strstr(err.message, "planarea."));
}
END_TEST

/* A spelling of units.tsv that no hand rule finds becomes an alternative
 * of unit.spelling, whose match says its unit; one a hand rule finds adds
 * nothing. */
START_TEST(unit_spellings_no_rule_finds_become_a_rule) {
  static const char units_rule[] = "rule unit.so_y_te_by_hand\n"
                                   "pattern: \\bSở\\s+Y\\s+tế\n"
                                   "set: unit=so_y_te\n"
                                   "yes: Sở Y tế\n"
                                   "no: Bộ Y tế\n";
  const char *dir = harness_rules_dir_with("x.rules", units_rule);
  cchc_rules *rs = NULL;
  cchc_error err = {0};
  pcre2_match_data *md = NULL;
  set_row(dir, "units.tsv", "so_y_te", "so_y_te\tSở Y tế\tSở Y tế");
  set_row(dir, "units.tsv", "bo_noi_vu",
          "bo_noi_vu\tBộ Nội vụ\tBộ Nội Vụ – Vụ Cải cách hành chính");
  ck_assert_int_eq(cchc_rules_load(dir, &rs, &err), CCHC_OK);
  const rule *r = rules_find(rs, "unit.spelling"); /* the other unit's */
  ck_assert_ptr_nonnull(r);
  md = rules_match_data(rs);
  ck_assert(!rule_exec(r, "Sở Y tế", strlen("Sở Y tế"), 0, md));
  ck_assert(rule_exec(r, "Bộ Nội vụ - Vụ Cải cách hành chính",
                      strlen("Bộ Nội vụ - Vụ Cải cách hành chính"), 0, md));
  pcre2_match_data_free(md);
  cchc_rules_free(rs);
  set_row(dir, "units.tsv", "so_y_te",
          "so_y_te\tSở Y tế\tSở Y tế; Trung tâm Kiểm soát bệnh tật tỉnh");
  ck_assert_int_eq(cchc_rules_load(dir, &rs, &err), CCHC_OK);
  r = rules_find(rs, "unit.spelling");
  ck_assert_ptr_nonnull(r);
  ck_assert(rule_gives(r, "unit"));
  ck_assert_ptr_null(rule_attr(r, "unit"));
  md = rules_match_data(rs);
  static const struct {
    const char *text, *unit;
  } cases[] = {
      {"phối hợp với TRUNG TÂM  kiểm soát bệnh tật tỉnh,", "so_y_te"},
      {"Bộ Nội vụ-Vụ Cải cách hành chính", "bo_noi_vu"},
      {"Bộ Nội vụ - Vụ cải cách hành chính", "bo_noi_vu"},
      {"Trung tâm Kiểm soát bệnh tật tỉnhx", NULL},
      {"Sở Y tế", NULL},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    bool hit = rule_exec(r, cases[i].text, strlen(cases[i].text), 0, md);
    ck_assert_msg(hit == (cases[i].unit != NULL), "%s", cases[i].text);
    if (hit) ck_assert_str_eq(rule_value(r, md, "unit"), cases[i].unit);
  }
  pcre2_match_data_free(md);
  cchc_rules_free(rs);
}
END_TEST

START_TEST(missing_directory_is_an_io_error) {
  cchc_rules *rs = NULL;
  cchc_error err = {0};
  ck_assert_int_eq(cchc_rules_load("/nonexistent/rules", &rs, &err),
                   CCHC_ERR_IO);
  ck_assert_ptr_null(rs);
}
END_TEST

START_TEST(continuation_lines_extend_the_pattern) {
  static const char multi[] = "rule t.multi\n"
                              "pattern: tối\\s+thiểu\n"
                              "    \\s+(?<value>\\d+)%\n"
                              "yes: tối thiểu 98% => value=98\n"
                              "no: tối thiểu\n";
  cchc_rules *rs = NULL;
  cchc_error err = {0};
  ck_assert_int_eq(
      cchc_rules_load(harness_rules_dir_with("x.rules", multi), &rs, &err), CCHC_OK);
  ck_assert_uint_eq(cchc_rules_test(rs, NULL, NULL, NULL), 0);
  cchc_rules_free(rs);
}
END_TEST

/* The shipped rules: every example passes. */
START_TEST(shipped_rules_pass_their_examples) {
  char dir[4096];
  snprintf(dir, sizeof dir, "%s/rules", harness_root());
  cchc_rules *rs = NULL;
  cchc_error err = {0};
  ck_assert_msg(cchc_rules_load(dir, &rs, &err) == CCHC_OK, "%s:%u: %s",
                err.path, err.line, err.message);
  failures f = {0};
  size_t examples = 0;
  ck_assert_msg(cchc_rules_test(rs, collect, &f, &examples) == 0,
                "line %zu: %s", f.line, f.last);
  ck_assert_uint_gt(examples, 2 * cchc_rules_count(rs) - 1);
  cchc_rules_free(rs);
}
END_TEST

/* tax_find_unit answers from an index by key built at load: the unit a
 * walk of the list finds first, for every key of the shipped units; and
 * none for a key no unit has. */
START_TEST(units_are_found_by_key_as_by_a_walk) {
  cchc_rules *rs = harness_rules();
  ck_assert_ptr_nonnull(rs->unit_slots);
  ck_assert_uint_gt(rs->nunits, 10);
  for (size_t i = 0; i < rs->nunits; i++) {
    const char *key = rs->units[i].key;
    size_t first = 0;
    while (strcmp(rs->units[first].key, key)) first++;
    ck_assert_ptr_eq(tax_find_unit(rs, key), &rs->units[first]);
    char other[256];
    snprintf(other, sizeof other, "%s.not", key);
    ck_assert_ptr_null(tax_find_unit(rs, other));
  }
  ck_assert_ptr_null(tax_find_unit(rs, ""));
}
END_TEST

/* rules_find answers from an index of ids built at load: every rule is
 * found by its id, and a path that only selects rules ("meta", "ref.")
 * or an id no rule has finds none. */
START_TEST(rules_are_found_by_id_from_the_index) {
  cchc_rules *rs = harness_rules();
  ck_assert_ptr_nonnull(rs->id_slots);
  for (size_t i = 0; i < rs->nrules; i++) {
    ck_assert_ptr_eq(rules_find(rs, rs->rules[i].id), &rs->rules[i]);
    char other[512];
    snprintf(other, sizeof other, "%s.x", rs->rules[i].id);
    ck_assert_ptr_null(rules_find(rs, other));
  }
  ck_assert_ptr_null(rules_find(rs, "meta"));
  ck_assert_ptr_null(rules_find(rs, "ref."));
  ck_assert_ptr_null(rules_find(rs, ""));
  ck_assert_ptr_nonnull(rules_find(rs, "ref.cite"));
}
END_TEST

/* The line `line` (from 1) of file `path`, without its end, into buf. */
static bool file_line(const char *path, unsigned line, char *buf,
                      size_t size) {
  FILE *fp = fopen(path, "r");
  if (!fp) return false;
  bool found = false;
  for (unsigned l = 1; !found && fgets(buf, (int)size, fp); l++)
    found = l == line;
  fclose(fp);
  if (found) buf[strcspn(buf, "\r\n")] = '\0';
  return found;
}

/* The strings a set owns are cut from shared blocks (own, rules.c): each
 * shipped rule's id is the one on its header line, each example's text
 * stands on its line, and each pattern opens with its first line, every
 * one whole (a string that ran into the next, or lost its end, differs
 * from its line). */
START_TEST(owned_strings_are_the_lines_they_were_read_from) {
  cchc_rules *rs = harness_rules();
  char buf[8192], want[600];
  size_t examples = 0;
  for (size_t i = 0; i < rs->nrules; i++) {
    const rule *r = &rs->rules[i];
    if (!strcmp(r->purpose ? r->purpose : "", "made from the taxonomy"))
      continue;
    ck_assert_msg(file_line(r->path, r->line, buf, sizeof buf), "%s:%u",
                  r->path, r->line);
    snprintf(want, sizeof want, "rule %s", r->id);
    ck_assert_str_eq(buf, want);
    bool opened = false;
    for (unsigned l = r->line + 1; !opened; l++) {
      ck_assert_msg(file_line(r->path, l, buf, sizeof buf), "rule %s", r->id);
      if (!strncmp(buf, "pattern: ", 9)) {
        ck_assert_msg(!strncmp(r->pattern, buf + 9, strlen(buf + 9)),
                      "rule %s: pattern '%s'", r->id, r->pattern);
        opened = true;
      }
    }
    for (size_t j = 0; j < r->nexamples; j++, examples++) {
      const rule_example *ex = &r->examples[j];
      ck_assert(file_line(r->path, ex->line, buf, sizeof buf));
      ck_assert_msg(strstr(buf, ex->text), "rule %s line %u: '%s'", r->id,
                    ex->line, ex->text);
    }
  }
  ck_assert_uint_gt(examples, 1000);
}
END_TEST

/* A rule's examples, their expected groups and its attributes grow past
 * the room they start with (grow_from: 4 examples, 2 of the others), and
 * a long pattern has a string of its own: all are kept, each whole. */
START_TEST(examples_and_attributes_past_their_first_room_are_kept) {
  char content[4096];
  char *o = content;
  o += sprintf(o, "rule t.many\npattern: (?<a>x)(?<b>y)(?<c>z)");
  for (int k = 0; k < 70; k++) o += sprintf(o, "(?:w%02d)?", k);
  o += sprintf(o, "\nset: first=1\nset: second=2\nset: third=3\n"
                  "set: fourth=4\nset: fifth=5\n");
  for (int k = 0; k < 7; k++)
    o += k % 2 ? sprintf(o, "yes: xyz%d\n", k)
               : sprintf(o, "yes: q xyz %d => a=x; b=y; c=z\n", k);
  o += sprintf(o, "no: xy\nno: yz\n");
  cchc_rules *rs = NULL;
  cchc_error err = {0};
  ck_assert_msg(cchc_rules_load(harness_rules_dir_with("x.rules", content),
                                &rs, &err) == CCHC_OK,
                "%s:%u: %s", err.path, err.line, err.message);
  const rule *r = rules_find(rs, "t.many");
  ck_assert_ptr_nonnull(r);
  ck_assert_uint_eq(r->nexamples, 9);
  for (size_t j = 0; j < 7; j++) {
    ck_assert_uint_eq(r->examples[j].nexpect, j % 2 ? 0 : 3);
    ck_assert(r->examples[j].positive);
    ck_assert_uint_eq(r->examples[j].line, 8 + j);
  }
  ck_assert(!r->examples[8].positive);
  ck_assert_str_eq(r->examples[8].text, "yz");
  ck_assert_str_eq(r->examples[6].expect_values[2], "z");
  static const char *const keys[] = {"first", "second", "third", "fourth",
                                     "fifth"};
  ck_assert_uint_eq(r->nattrs, 5);
  for (int k = 0; k < 5; k++) {
    char v[16];
    snprintf(v, sizeof v, "%d", k + 1);
    ck_assert_str_eq(rule_attr(r, keys[k]), v);
  }
  ck_assert_uint_gt(strlen(r->pattern), 512);
  ck_assert(!strncmp(r->pattern, content + 21, strlen(r->pattern)));
  size_t run = 0;
  failures f = {0};
  ck_assert_uint_eq(cchc_rules_test(rs, collect, &f, &run), 0);
  cchc_rules_free(rs);
}
END_TEST

/* ---- patterns made cheaper without changing their matches ----------- */

/* Rules whose lazy stretch tried an assertion (a lookbehind, a \b, eight
 * lookbehinds) at every character before the letter the next word opens
 * with: the rules file's form checks that letter first ("(?=t)"), which
 * cannot change a match (assertions at one place commute, and the word
 * holds the letter); and meta.date, meta.date.slash, whose place name
 * (capitalised words, then ",") is read possessively: a shorter word or
 * fewer words leave a letter, "." or " " before the "," that cannot match
 * it; subject.after, subject.before, whose lazy subject steps
 * possessively over the letters and digits of a few code point ranges
 * (read without a property lookup, and holding no space, "(", ".", ",",
 * ";" or ":"): the assertion that follows fails before any of them;
 * ref.cite, whose document types are grouped by first letter (no two
 * match at one place); the unit rules and tcell.budget, whose branches
 * each opened with \b (tried once now, before the branches, and not
 * again before each); and nodeadline.doc_horizon, whose words before
 * "đến năm" are read possessively (a shorter run of blanks or of
 * letters leaves the other kind next, which neither accepts).  Each with
 * its first form: the shipped pattern must
 * find, on every corpus text and every example of the rule, the very
 * matches (every group) the first form found.  (deadline.yearly_review and
 * deadline.dates_yearly, made cheaper alike, are checked against their
 * first forms by test_extract_deadlines.) */
static const struct {
  const char *id, *before;
} cheaper_forms[] = {
    {"deadline.report_by_period",
     "báo\\s+cáo[^.;\\n]{0,80}?(?<![\\p{L}])theo\\s+(?:định\\s+kỳ(?:\\s+"
     "(?:và|hoặc)\\s+đột\\s+xuất)?|(?:quý|(?:sáu|0?6)\\s+tháng|tháng|năm"
     "|tuần)(?:\\s*,\\s*(?:quý|(?:sáu|0?6)\\s+tháng|tháng|năm|tuần))*(?:"
     "\\s*(?:,|và|hoặc)\\s*đột\\s+xuất)?)(?![\\p{L}\\d])"},
    {"nodeadline.cited",
     "(?:(?<![\\p{L}\\d])\\d+[\\p{L}\\d.-]*/[\\p{L}\\d/.-]+|(?<![\\p{L}]"
     ")(?-i:Luật|Bộ\\s+luật|Hiến\\s+pháp)(?![\\p{L}])[^.;\\n]{0,160}?(?<"
     "!trước)(?<!nhất)(?<!vào)(?<!hết)(?<!đến)(?<!tới)(?<!quá)(?<!là))\\"
     "s+ngày\\s+(?:\\d{1,2}\\s*/\\s*\\d{1,2}\\s*/\\s*\\d{4}|\\d{1,2}\\s+"
     "tháng\\s+\\d{1,2}\\s+năm\\s+\\d{4})"},
    {"meta.parent.issues_plan",
     "^[^;\\n]{0,120}?\\b(?:ban\\s+hành|phê\\s+duyệt|về)\\s+(?:kèm\\s+th"
     "eo\\s+)?\"?(?:Kế\\s+hoạch|Chương\\s+trình|Đề\\s+án|Chiến\\s+lược)"},
    {"meta.date",
     "(?m)(?=^|[ \\t])(?:^|(?<=phúc)[ \\t]+|(?<=\\p{Lu})[ \\t]+(?=Số\\s*"
     ":))(?:Số\\b[^\\n]*?[ \\t])?\\p{Lu}[\\p{L}.]*(?:[ ]+\\p{Lu}[\\p{L}."
     "]*){0,4}\\s*,\\s*(?<date>ngày\\s+(?<d>\\d{1,2})\\s+tháng\\s+(?<m>\\"
     "d{1,2})\\s+năm\\s+(?<y>\\d{4}))"},
    {"meta.date.slash",
     "(?m)(?=^|[ \\t])(?:^|(?<=phúc)[ \\t]+|(?<=\\p{Lu})[ \\t]+(?=Số\\s*"
     ":))(?:Số\\b[^\\n]*?[ \\t])?\\p{Lu}[\\p{L}.]*(?:[ ]+\\p{Lu}[\\p{L}."
     "]*){0,4}\\s*,\\s*(?<date>ngày\\s+(?<d>\\d{1,2})\\s*[/.-]\\s*(?<m>\\"
     "d{1,2})\\s*[/.-]\\s*(?<y>\\d{4}))"},    {"subject.after",
     "^\\s*(?!(?:trở|so\\s+với|trong|vào|tại|trên\\s+tổn"
     "g|cấp\\s+xã\\s+trở)\\b)(?<subject>(?-i:[\\p{L}]|\\d)[^;"
     ":]*?)(?![^\\s(.,;])(?!\\s++[^\\s(.,;\\dđpsbtkvhc])\\s*(?=\\"
     "s(?:(?:và|hoặc)\\s+)?(?:đ(?:ược|ều|ạt|ảm\\s+bả"
     "o)|phải|s(?:ẽ|o\\s+với)|khi|bảo\\s+đảm|trong\\s+("
     "?:năm|số))\\b|\\s+(?:(?:cho|đến|tới|với)\\s+)?\\d|"
     "\\s*\\(|[\\s.,;]*$)"},
    {"subject.before",
     "^\\s*(?:[-+*]\\s*|(?:\\d{1,2}(?:\\.\\d{1,2})*[.)]?\\s+))?(?<"
     "subject>[\\p{L}(].*?)(?![^\\s,])(?:[\\s,]+(?:đạt|là|bằ"
     "ng|chiếm|ở\\s+mức)(?:\\s+(?:tỷ\\s+lệ|tỉ\\s+lệ|"
     "mức))?)?[\\s,]*$"},
    {"ref.cite",
     "(?<!\\p{L})(?<type>Nghị\\s+quyết(?:\\s+liên\\s+tịch)?"
     "|Nghị\\s+định|Quyết\\s+định|Kế\\s+hoạch(?:\\s+"
     "liên\\s+tịch)?|Chỉ\\s+thị|Thông\\s+tư(?:\\s+liên\\"
     "s+tịch)?|Công\\s+điện|Công\\s+văn|Văn\\s+bản|Chư"
     "ơng\\s+trình(?:\\s+hành\\s+động)?|Kết\\s+luận|Bộ"
     "\\s+luật|Luật|Pháp\\s+lệnh|Thông\\s+báo(?:\\s+kết"
     "\\s+luận)?|Hướng\\s+dẫn|Đề\\s+án|Quy\\s+định|B"
     "áo\\s+cáo|Thông\\s+tri|Tờ\\s+trình|Quy\\s+chế)\\s+(?"
     ":số\\s*:?\\s*)?(?<number>\\d{1,5}(?:/\\d{4})?[/-]\\p{Lu}(?"
     ":(?!(?i:ngày|năm|tháng|của|về|và|ban)(?!\\p{L}))[\\p"
     "{L}\\d])*(?:[-/]\\p{Lu}(?:(?!(?i:ngày|năm|tháng|của|về"
     "|và|ban)(?!\\p{L}))[\\p{L}\\d])*)*)"},
    {"nodeadline.doc_horizon",
     "(?:(?-i:Chiến\\s+lược|Chương\\s+trình|Quy\\s+hoạch"
     "|Đề\\s+án|Kế\\s+hoạch|Nghị\\s+quyết)(?:[ \\t]+[^"
     "\\s.;,()]+){0,14}?[ \\t]+(?:(?:định\\s+hướng|tầm\\s+"
     "nhìn)\\s+)?(?:đến|tới)\\s+năm\\s+\\d{4}(?:\\s*,?\\s*("
     "?:và\\s+)?(?:định\\s+hướng|tầm\\s+nhìn)\\s+(?:đế"
     "n|tới)\\s+năm\\s+\\d{4})?|(?:giai\\s+đoạn|thời\\s+kỳ"
     "|(?:đến|tới)\\s+năm)\\s+\\d{4}(?:\\s*-\\s*\\d{4})?\\s*"
     ",?\\s*(?:và\\s+)?(?:định\\s+hướng|tầm\\s+nhìn)\\s+"
     "(?:đến|tới)\\s+năm\\s+\\d{4})"},
    {"unit.ban_nhan_dan_thon",
     "\\bBan\\s+nhân\\s+dân\\s+(?:các\\s+)?(?:thôn|ấp|xóm|b"
     "ản|tổ\\s+dân\\s+phố|khu\\s+phố)(?:\\s*,\\s*(?:thôn"
     "|ấp|xóm|bản|tổ\\s+dân\\s+phố|khu\\s+phố))*|\\bcá"
     "c\\s+(?:thôn|ấp|xóm|tổ\\s+dân\\s+phố)(?:\\s*,\\s*(?"
     ":thôn|ấp|xóm|tổ\\s+dân\\s+phố))*\\b"},
    {"unit.cac_bo_nganh",
     "\\b(?:các\\s+)?bộ\\s*,\\s*(?:ngành|cơ\\s+quan\\s+ngang\\"
     "s+bộ(?:\\s*,\\s*cơ\\s+quan\\s+thuộc\\s+Chính\\s+phủ)"
     "?)|\\b(?:các\\s+)?Bộ\\s+trưởng\\s*,\\s*Thủ\\s+trưở"
     "ng\\s+cơ\\s+quan\\s+ngang\\s+bộ(?:\\s*,\\s*(?:Thủ\\s+tr"
     "ưởng\\s+)?cơ\\s+quan\\s+thuộc\\s+Chính\\s+phủ)?"},
    {"unit.doanh_nghiep",
     "\\b(?:các\\s+)?doanh\\s+nghiệp\\s+(?:viễn\\s+thông|cô"
     "ng\\s+nghệ(?:\\s+số)?|bưu\\s+chính|cung\\s+cấp\\s+dị"
     "ch\\s+vụ)(?:\\s*(?:,|và)\\s*(?:viễn\\s+thông|công\\s+"
     "nghệ(?:\\s+số)?|bưu\\s+chính))*(?:\\s+trên\\s+địa\\"
     "s+bàn)?|\\bTập\\s+đoàn\\s+(?:Viettel|VNPT|FPT|Bưu\\s+c"
     "hính\\s+Viễn\\s+thông)(?:\\s*(?:,|và)\\s*(?:Tập\\s+đ"
     "oàn\\s+)?(?:Viettel|VNPT|FPT|Mobifone))*"},
    {"unit.phong_vhxh",
     "\\bPhòng\\s+(?:Phòng\\s+)?(?:Văn\\s+hóa(?:\\s*[-,]\\s*|\\"
     "s+và\\s+|\\s+)Xã\\s+hội|VH\\s*-?\\s*XH)(?:\\s+(?:xã|phư"
     "ờng)\\b(?!\\s+hội))?|\\bP\\.?\\s?VHXH\\b"},
    {"unit.bp_mot_cua",
     "\\b(?:Bộ\\s+phận|BP)\\s+(?:tiếp\\s+nhận\\s+(?:và|&)"
     "\\s+trả\\s+kết\\s+quả|TN\\s*(?:&|và)\\s*TKQ|một\\s+"
     "cửa|hành\\s+chính\\s+công)(?:\\s+(?:cấp\\s+|của\\s+"
     ")?(?:xã|phường)\\b(?!\\s+hội))?|\\bBPMC\\b"},
    {"tcell.budget",
     "\\btheo\\s+(?:dự\\s+toán(?:\\s+(?:được\\s+)?(?:cấp|"
     "giao|duyệt|phê\\s+duyệt))?|(?:KH|kế\\s+hoạch)\\s+ch"
     "uyển\\s+đổi\\s+số)|\\bngân\\s+sách\\s+(?:nhà\\s+nư"
     "ớc|xã|tỉnh)\\b|\\bxã\\s+hội\\s+hóa\\b|\\bkinh\\s+ph"
     "í\\s+(?:thường\\s+xuyên|sự\\s+nghiệp)\\b"},
};

typedef struct form_tries {
  pcre2_code *a, *b;
  pcre2_match_data *ma, *mb;
  size_t hits;
  char differs[256];
} form_tries;

static pcre2_code *form_compile(const char *pattern, uint32_t options) {
  int e;
  PCRE2_SIZE at;
  pcre2_code *c = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED,
                                options, &e, &at, NULL);
  ck_assert_msg(c != NULL, "pattern error %d at %zu", e, (size_t)at);
  pcre2_jit_compile(c, PCRE2_JIT_COMPLETE); /* as the rules run */
  return c;
}

/* Do both forms match s[0..n) from `at` alike (with every group)?  The
 * first difference is kept; *end: where a search goes on after a match. */
static bool form_try(form_tries *t, const char *s, size_t n, size_t at,
                       uint32_t options, size_t *end) {
  int ra = pcre2_match(t->a, (PCRE2_SPTR)s, n, at, options, t->ma, NULL);
  int rb = pcre2_match(t->b, (PCRE2_SPTR)s, n, at, options, t->mb, NULL);
  bool same = ra == rb;
  if (same && ra > 0) {
    const PCRE2_SIZE *oa = pcre2_get_ovector_pointer(t->ma);
    const PCRE2_SIZE *ob = pcre2_get_ovector_pointer(t->mb);
    for (int g = 0; g < 2 * ra; g++) same &= oa[g] == ob[g];
    t->hits += same;
    if (end) *end = oa[1] > oa[0] ? oa[1] : oa[0] + 1;
  }
  if (!same && !t->differs[0])
    snprintf(t->differs, sizeof t->differs, "%d before, %d now at %zu of \"%.*s\"",
             ra, rb, at, (int)(n - at < 120 ? n - at : 120), s + at);
  return same && ra > 0;
}

/* s[0..n) searched match after match, and tried anchored at each of its
 * characters. */
static void form_check(form_tries *t, const char *s, size_t n) {
  size_t end;
  for (size_t a = 0; a <= n; a++)
    if (a == n || ((unsigned char)s[a] & 0xC0) != 0x80)
      form_try(t, s, n, a, PCRE2_ANCHORED, NULL);
  for (size_t a = 0; a <= n && form_try(t, s, n, a, 0, &end);) {
    a = end;
    while (a < n && ((unsigned char)s[a] & 0xC0) == 0x80) a++;
  }
}

START_TEST(cheaper_patterns_match_as_before) {
  cchc_rules *rs = harness_rules();
  const rule *now = rules_find(rs, cheaper_forms[_i].id);
  ck_assert_ptr_nonnull(now);
  ck_assert_str_ne(now->pattern, cheaper_forms[_i].before); /* a rewrite */
  uint32_t options = 0;
  ck_assert_int_eq(
      pcre2_pattern_info(now->code, PCRE2_INFO_ARGOPTIONS, &options), 0);
  form_tries t = {.a = form_compile(cheaper_forms[_i].before, options),
                    .b = form_compile(now->pattern, options)};
  t.ma = pcre2_match_data_create_from_pattern(t.a, NULL);
  t.mb = pcre2_match_data_create_from_pattern(t.b, NULL);
  ck_assert(t.ma && t.mb);
  for (size_t e = 0; e < now->nexamples; e++)
    form_check(&t, now->examples[e].text, strlen(now->examples[e].text));
  char **paths;
  size_t np = harness_corpus_all(&paths);
  ck_assert_uint_ge(np, 4);
  for (size_t i = 0; i < np; i++) {
    cchc_text *x = harness_normalize_file(paths[i]);
    const char *text = cchc_text_data(x);
    /* the whole text searched (the rules also search windows of it), and
     * each line, as a window of its own, tried at each character */
    size_t end;
    for (size_t a = 0, n = strlen(text); a <= n && form_try(&t, text, n, a, 0, &end);)
      a = end;
    for (const char *line = text; *line;) {
      const char *eol = strchr(line, '\n');
      if (!eol) eol = line + strlen(line);
      form_check(&t, line, (size_t)(eol - line));
      line = *eol ? eol + 1 : eol;
    }
    cchc_text_free(x);
  }
  harness_free_list(paths, np);
  ck_assert_msg(!t.differs[0], "%s: %s", now->id, t.differs);
  ck_assert_uint_gt(t.hits, 0); /* the texts hold what the rule finds */
  pcre2_match_data_free(t.ma);
  pcre2_match_data_free(t.mb);
  pcre2_code_free(t.a);
  pcre2_code_free(t.b);
}
END_TEST

/* A taxonomy rule's spellings, grouped as the loader writes them (the
 * edge before every spelling tested once, the spellings of one first
 * word after that word once), match as one alternative per spelling in
 * longer-first order did: the same span and the same mark at every place
 * of the corpus, of the examples and of strings made of the spellings'
 * words in mixed case.  A spelling whose first word another's holds
 * without case ("SỞ VĂN HÓA" before "Sở Văn") keeps its place; the
 * blanks after a first word are written once only when every spelling
 * of the word goes on with blanks and a letter or digit ("Phòng -XYZ"
 * does not: "Phòng-XYZ" names it). */
static const char *const crafted_spellings[][2] = {
    {"Sở Văn hóa Thể thao", "a"}, {"SỞ VĂN HÓA", "b"}, {"Sở Văn", "c"},
    {"Sởi Văn", "d"},             {"Bộ KH & CN", "e"}, {"Sở", "f"},
    {"Sở KH&CN", "g"},            {"sở y tế", "h"},     {"UB-X", "i"},
    {"Ban Văn", "j"},             {"Ban", "k"},         {"BAN VĂN HÓA", "l"},
    {"Ban Văn:", "m"},            {"(UB) Sở", "n"},     {"Phòng -XYZ", "o"},
    {"Phòng  Nội vụ", "p"},
};

static uint32_t spelling_rand(uint32_t *seed) {
  *seed = *seed * 1103515245u + 12345u;
  return *seed >> 8;
}

/* Both forms of the n spellings over the corpus lines, the examples and
 * `made` strings of their words; the marks too. */
static void spellings_match_alike(const char *const *texts,
                                  const char *const *marks, size_t n,
                                  bool with_corpus, int made) {
  char *flat = rule_spellings_pattern(texts, marks, n, false);
  char *grouped = rule_spellings_pattern(texts, marks, n, true);
  ck_assert(flat && grouped);
  uint32_t options = PCRE2_UTF | PCRE2_UCP | PCRE2_DUPNAMES |
                     PCRE2_USE_OFFSET_LIMIT | PCRE2_CASELESS;
  form_tries t = {.a = form_compile(flat, options),
                  .b = form_compile(grouped, options)};
  t.ma = pcre2_match_data_create_from_pattern(t.a, NULL);
  t.mb = pcre2_match_data_create_from_pattern(t.b, NULL);
  size_t marks_seen = 0;
  /* strings of the spellings' words, blanks and marks, in mixed case */
  static const char *const glue[] = {" ", "  ", "\n", ", ", "&", "-", "",
                                     " và ", "x", "(", ")"};
  /* each spelling as written and without its blanks */
  for (size_t i = 0; i < n; i++) {
    char squeezed[256];
    size_t k = 0;
    for (const char *c = texts[i]; *c && k < sizeof squeezed - 1; c++)
      if (*c != ' ') squeezed[k++] = *c;
    squeezed[k] = '\0';
    form_check(&t, texts[i], strlen(texts[i]));
    form_check(&t, squeezed, k);
  }
  uint32_t seed = 27;
  for (int m = 0; m < made; m++) {
    char buf[512];
    size_t len = 0;
    int words = 1 + (int)(spelling_rand(&seed) % 6);
    for (int w = 0; w < words && len < 300; w++) {
      const char *src = texts[spelling_rand(&seed) % n];
      size_t sl = strlen(src), from = 0, to = sl;
      if (spelling_rand(&seed) % 2) { /* a piece of it, cut at a space */
        const char *sp = strchr(src, ' ');
        if (sp) to = (size_t)(sp - src);
        if (spelling_rand(&seed) % 2 && sp) from = to + 1, to = sl;
      }
      for (size_t k = from; k < to && len < 400; k++) {
        char c = src[k];
        if ((unsigned char)c < 0x80 && spelling_rand(&seed) % 3 == 0)
          c = (char)((c >= 'a' && c <= 'z') ? c - 32 : (c >= 'A' && c <= 'Z') ? c + 32 : c);
        buf[len++] = c;
      }
      const char *g = glue[spelling_rand(&seed) % (sizeof glue / sizeof *glue)];
      size_t gl = strlen(g);
      memcpy(buf + len, g, gl);
      len += gl;
    }
    buf[len] = '\0';
    form_check(&t, buf, len);
    /* the mark of the first match, when both forms find one */
    if (pcre2_match(t.a, (PCRE2_SPTR)buf, len, 0, 0, t.ma, NULL) > 0 &&
        pcre2_match(t.b, (PCRE2_SPTR)buf, len, 0, 0, t.mb, NULL) > 0) {
      const char *ka = (const char *)pcre2_get_mark(t.ma);
      const char *kb = (const char *)pcre2_get_mark(t.mb);
      ck_assert_msg((!ka && !kb) || (ka && kb && !strcmp(ka, kb)),
                    "mark %s before, %s now in \"%s\"", ka ? ka : "-",
                    kb ? kb : "-", buf);
      marks_seen += ka != NULL;
    }
  }
  if (with_corpus) {
    char **paths;
    size_t np = harness_corpus_all(&paths);
    for (size_t i = 0; i < np; i++) {
      cchc_text *x = harness_normalize_file(paths[i]);
      const char *text = cchc_text_data(x);
      for (const char *line = text; *line;) {
        const char *eol = strchr(line, '\n');
        if (!eol) eol = line + strlen(line);
        size_t ln = (size_t)(eol - line), end;
        for (size_t a = 0; a <= ln && form_try(&t, line, ln, a, 0, &end);) {
          const char *ka = (const char *)pcre2_get_mark(t.ma);
          const char *kb = (const char *)pcre2_get_mark(t.mb);
          ck_assert((!ka && !kb) || (ka && kb && !strcmp(ka, kb)));
          a = end;
        }
        line = *eol ? eol + 1 : eol;
      }
      cchc_text_free(x);
    }
    harness_free_list(paths, np);
  }
  ck_assert_msg(!t.differs[0], "%s", t.differs);
  ck_assert_uint_gt(t.hits, 0);
  if (marks) ck_assert_uint_gt(marks_seen, 0);
  pcre2_match_data_free(t.ma);
  pcre2_match_data_free(t.mb);
  pcre2_code_free(t.a);
  pcre2_code_free(t.b);
  free(flat);
  free(grouped);
}

START_TEST(spelling_rules_grouped_match_as_flat) {
  size_t n = sizeof crafted_spellings / sizeof *crafted_spellings;
  const char *texts[sizeof crafted_spellings / sizeof *crafted_spellings];
  const char *marks[sizeof crafted_spellings / sizeof *crafted_spellings];
  for (size_t i = 0; i < n; i++)
    texts[i] = crafted_spellings[i][0], marks[i] = crafted_spellings[i][1];
  spellings_match_alike(texts, marks, n, false, 20000);
  /* a spelling that ends in a mark (":") is still one alternative */
  for (int grouped = 0; grouped < 2; grouped++) {
    const char *two[] = {"Tổ KT:", "Sở"};
    char *p = rule_spellings_pattern(two, NULL, 2, grouped);
    ck_assert_ptr_nonnull(p);
    pcre2_code *c = form_compile(p, PCRE2_UTF | PCRE2_UCP | PCRE2_CASELESS);
    pcre2_match_data *md = pcre2_match_data_create_from_pattern(c, NULL);
    ck_assert_int_gt(pcre2_match(c, (PCRE2_SPTR) "các Sở", 9, 0, 0, md, NULL), 0);
    ck_assert_int_gt(pcre2_match(c, (PCRE2_SPTR) "Tổ KT :", 9, 0, 0, md, NULL), 0);
    pcre2_match_data_free(md);
    pcre2_code_free(c);
    free(p);
  }
  /* the taxonomy's own spellings and area words, as the rules are made */
  cchc_rules *rs = harness_rules();
  size_t cap = 0, m = 0;
  for (size_t i = 0; i < rs->nunits; i++) cap += rs->units[i].nspellings;
  const char **ut = calloc(cap + 1, sizeof *ut), **um = calloc(cap + 1, sizeof *um);
  ck_assert(ut && um);
  for (size_t i = 0; i < rs->nunits; i++)
    for (size_t k = 0; k < rs->units[i].nspellings; k++)
      ut[m] = rs->units[i].spellings[k], um[m++] = rs->units[i].key;
  ck_assert_uint_gt(m, 10);
  spellings_match_alike(ut, um, m, true, 5000);
  free(ut);
  free(um);
  for (size_t i = 0; i < rs->nareas; i++)
    if (rs->areas[i].nwords > 1)
      spellings_match_alike(rs->areas[i].words, NULL, rs->areas[i].nwords,
                            false, 2000);
  /* the loader ships the grouped form */
  const rule *us = rules_find(rs, "unit.spelling");
  ck_assert_ptr_nonnull(us);
  static const char hoisted[] = "(?<![\\p{L}\\p{N}])(?:";
  ck_assert(!strncmp(us->pattern, hoisted, sizeof hoisted - 1));
}
END_TEST

/* ---- what patterns say before they run ------------------------------ */

/* The literals of the rule fact_rule made last. */
static rule_literals fact_literals;

/* A rule of one pattern, compiled as the loader compiles it, with its
 * facts read. */
static rule fact_rule(const char *pattern, uint32_t flags) {
  rule r = {.id = "t", .pattern = pattern};
  int code;
  PCRE2_SIZE at;
  r.code = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED,
                         PCRE2_UTF | PCRE2_UCP | PCRE2_DUPNAMES |
                             PCRE2_USE_OFFSET_LIMIT | flags,
                         &code, &at, NULL);
  ck_assert_msg(r.code != NULL, "%s does not compile", pattern);
  rule_read_facts(&r, &fact_literals);
  return r;
}

static void free_rule_code(rule *r) {
  pcre2_code_free(r->code);
  pcre2_code_free(r->anchored);
  free(r->first_words);
  free(r->start_words);
  free(r->facts.guard);
}

static void free_fact_rule(rule *r) {
  free_rule_code(r);
  rule_literals_free(&fact_literals);
}

static bool may_match(const rule *r, const char *text) {
  return rule_may_match(r, rule_features(text, strlen(text)));
}

static bool no_facts(const rule *r) {
  return !r->facts.nneeds && !r->facts.barrier && !r->facts.starts;
}

/* What every match holds: texts without it cannot match; texts with it
 * may. */
static const struct {
  const char *pattern, *cannot, *may;
} needs[] = {
    {"(?<value>\\d{1,3})\\s*%", "98 phần trăm", "đạt 98%"},
    {"(?<value>\\d{1,3})\\s*%", "không có số %", "98 %"},
    {"\\d+%|\\d+/", "5 và 6", "5/"},
    {"\\d+%|\\d+/", "%/", "7%"},
    {"số\\s+\\d+", "số một", "số ٣"},  /* any script's digits: \d in UCP */
    {"\\p{Nd}", "không", "٣"},
    {"[0-9]", "không", "9"},
    {"\\x25", "100", "%"},
    {"\\Q5%\\E", "5", "5%"},
    {"[;|]", "a, b", "a | b"},
    {"(?x) \\d+ \\s* %", "98", "98 %"},
    {"(?i)TỶ\\s+LỆ\\s+\\d+", "tỷ lệ", "tỷ lệ 9"},
    {"a(?:b|c\\d)%", "ab", "ab%"},
    /* \K moves where the match is said to start, not what it holds */
    {"\\d\\K%", "%", "5%"},
    {"\\d\\K%", "5", "5%"},
};

START_TEST(facts_say_what_every_match_holds) {
  rule r = fact_rule(needs[_i].pattern, PCRE2_CASELESS);
  ck_assert_msg(!may_match(&r, needs[_i].cannot), "%s: '%s'",
                needs[_i].pattern, needs[_i].cannot);
  ck_assert_msg(may_match(&r, needs[_i].may), "%s: '%s'", needs[_i].pattern,
                needs[_i].may);
  free_fact_rule(&r);
}
END_TEST

/* Patterns whose matches need nothing particular, or that the reader does
 * not know: the rule runs on everything. */
static const char *const no_needs[] = {
    "a\\d?",          "(?:\\d)*x",    "(?=\\d)a",     "(?<=%)b",
    "\\w+",           "\\p{N}",       "[^a]",         "(?i)k",
    "a|\\d",          "\\d(*ACCEPT)%", "(\\d)\\1%",   "\\G\\d%",
    "(\\d)?(?(1)%|/)",  "(*COMMIT)\\d%", "(?1)(\\d%)",
    "(?x)a # \\d",    "x{,3}\\d",
};

START_TEST(facts_need_nothing_they_cannot_tell) {
  rule r = fact_rule(no_needs[_i], PCRE2_CASELESS);
  ck_assert_msg(may_match(&r, "abc"), "%s", no_needs[_i]);
  free_fact_rule(&r);
}
END_TEST

/* The words every match holds whole, clause by clause ("[a|b]": a or b;
 * "/c": in its case only), the most selective first: not those only
 * looked at, nor those a match may skip, nor a single letter.  A word
 * without case is named in lower case, whatever case its rule writes. */
static const struct {
  const char *pattern, *words;
  uint32_t flags;
} words[] = {
    {"\\bUBND\\s+(?:tỉnh|huyện)", "[ubnd] [tỉnh|huyện]", PCRE2_CASELESS},
    /* clauses of words of their own before those sharing one with a
     * better: a text with "UBND" holds [ubnd|nhân], [ubnd|ban] and
     * [ubnd|dân] alike */
    {"(?:Văn\\s+phòng|VP)\\s*(?:UBND|Ủy\\s+ban\\s+nhân\\s+dân)\\s+"
     "(?:xã|phường)",
     "[ubnd|nhân] [văn|vp] [xã|phường]", PCRE2_CASELESS},
    {"(?:abcd|wxyz)(?:efgh|wxyz)(?:ijkl|wxyz)(?:ab|cd|ef|gh)",
     "[abcd|wxyz] [efgh|wxyz] [ab|cd|ef|gh]", PCRE2_CASELESS},
    /* of their own, of a few words only */
    {"(?:abcd|wxyz)(?:efgh|wxyz)(?:ijkl|wxyz)(?:ab|cd|ef|gh|ij)",
     "[abcd|wxyz] [efgh|wxyz] [ijkl|wxyz]", PCRE2_CASELESS},
    {"(?:ab|cd)(?:efg|hij)", "[efg|hij] [ab|cd]", PCRE2_CASELESS},
    {"(?i:Trạm)\\s+Y\\s+tế", "[trạm] [tế/c]", 0},
    {"a(?=bcd)ef", "[ef]", PCRE2_CASELESS},
    {"(?<=abc)de", "[de]", PCRE2_CASELESS},
    {"(?:abc)?de", "[de]", PCRE2_CASELESS},
    {"(?:abc){0,2}de", "[de]", PCRE2_CASELESS},
    {"(?:abc)+d", "[abc]", PCRE2_CASELESS},
    {"abc+de", "[ab] [de]", PCRE2_CASELESS},
    {"x\\.yz", "[yz]", PCRE2_CASELESS},
    {"(?x) a b c # d e f", "[abc]", PCRE2_CASELESS},
    {"\\Qabc\\E", "", PCRE2_CASELESS},
    {"abc|\\d+", "", PCRE2_CASELESS},
    {"a|b", "", PCRE2_CASELESS},
    {"(abc)\\1", "", PCRE2_CASELESS},
};

START_TEST(facts_name_the_words_every_match_holds) {
  rule r = fact_rule(words[_i].pattern, words[_i].flags);
  char got[256] = "";
  size_t n = 0;
  for (size_t c = 0; c < r.facts.nlits; c++) {
    n += (size_t)snprintf(got + n, sizeof got - n, "%s[", c ? " " : "");
    for (size_t k = 0; k < r.facts.nalts[c]; k++)
      n += (size_t)snprintf(got + n, sizeof got - n, "%s%s%s", k ? "|" : "",
                            r.facts.lits[c][k]->text,
                            r.facts.lits[c][k]->caseless ? "" : "/c");
    n += (size_t)snprintf(got + n, sizeof got - n, "]");
  }
  ck_assert_msg(!strcmp(got, words[_i].words), "%s: %s, not %s",
                words[_i].pattern, got, words[_i].words);
  free_fact_rule(&r);
}
END_TEST

/* A word written in two cases without case is one literal; a word in its
 * case is told where it stands by that one's places (its twin), and the
 * places are where its bytes stand. */
START_TEST(words_in_their_case_are_found_by_their_caseless_twin) {
  rule lower = fact_rule("quý\\s+\\d", PCRE2_CASELESS);
  rule upper = fact_rule("QUÝ\\s+I", PCRE2_CASELESS);
  rule exact = fact_rule("Quý\\s+I", 0);
  rule_literals_pair(&fact_literals);
  const rule_literal *ci = lower.facts.lits[0][0], *cs = exact.facts.lits[0][0];
  ck_assert_ptr_eq(upper.facts.lits[0][0], ci);
  ck_assert_str_eq(ci->text, "quý");
  ck_assert(!cs->caseless);
  ck_assert_ptr_eq(cs->twin, ci);
  const char *s = "Quý I, quý II; QUÝ III\nQuý IV, Quý";
  rule_text t;
  cchc_error err = {0};
  ck_assert_int_eq(rule_text_init(&t, s, strlen(s), &err), CCHC_OK);
  const uint32_t *at;
  size_t n;
  ck_assert(rule_text_places(&t, cs, &at, &n));
  size_t want = 0;
  for (const char *q = s; (q = strstr(q, "Quý")); q++) {
    ck_assert_uint_lt(want, n);
    ck_assert_uint_eq(at[want++], (size_t)(q - s));
  }
  ck_assert_uint_eq(n, want);
  ck_assert(rule_text_places(&t, ci, &at, &n));
  ck_assert_uint_eq(n, 5);
  rule_text_free(&t);
  free_rule_code(&lower);
  free_rule_code(&upper);
  free_fact_rule(&exact);
}
END_TEST

/* The white space of \s, as rule_window_start reads it: its length at p
 * (< e), 0 for none. */
static size_t plain_space(const unsigned char *p, const unsigned char *e) {
  static const char *const spaces[] = {
      "\xc2\x85", "\u00a0", "\u1680", "\u180e", "\u2000", "\u2001",
      "\u2002",   "\u2003", "\u2004", "\u2005", "\u2006", "\u2007",
      "\u2008",   "\u2009", "\u200a", "\u2028", "\u2029", "\u202f",
      "\u205f",   "\u3000"};
  if (*p < 0x80) return (*p >= '\t' && *p <= '\r') || *p == ' ';
  for (size_t k = 0; k < sizeof spaces / sizeof *spaces; k++) {
    size_t len = strlen(spaces[k]);
    if ((size_t)(e - p) >= len && !memcmp(p, spaces[k], len)) return len;
  }
  return 0;
}

/* rule_window_start as a plain walk back, a character at a time: the
 * bytes passed, less the `runs` longest runs of white space among them
 * (the one being passed counted as far as it goes), first more than
 * `fixed` at a character that starts before the answer. */
static size_t plain_window_start(const char *text, size_t n, size_t o,
                                 size_t fixed, size_t runs, size_t floor) {
  const unsigned char *s = (const unsigned char *)text, *e = s + n;
  size_t lens[512], nlens = 0, run = 0; /* the runs passed, in order */
  for (size_t i = o; i > floor;) {
    size_t j = i - 1;
    while (j > floor && (s[j] & 0xC0) == 0x80) j--;
    bool white = plain_space(s + j, e) == i - j;
    if (white) {
      run += i - j;
    } else if (run) {
      lens[nlens++] = run;
      run = 0;
    }
    /* the runs' longest `runs`, the one being passed among them */
    size_t all[513], nall = 0, most = 0;
    for (size_t k = 0; k < nlens; k++) all[nall++] = lens[k];
    if (run) all[nall++] = run;
    for (size_t k = 0; k < runs && k < nall; k++) {
      size_t best = k;
      for (size_t m = k + 1; m < nall; m++)
        if (all[m] > all[best]) best = m;
      size_t v = all[best];
      all[best] = all[k];
      all[k] = v;
      most += v;
    }
    if (o - j - most > fixed) return i;
    i = j;
  }
  return floor;
}

/* Where a match holding a word at o starts at the earliest
 * (rule_window_start, which keeps the longest runs as it walks): as the
 * plain walk tells, over runs of white space of every kind and
 * characters of one to three bytes, for any bound, number of runs and
 * floor. */
START_TEST(window_starts_are_those_of_a_plain_walk) {
  static const char *const parts[] = {
      "a",  "năm", "Đ", "ờ", "1", ",", " ", "  ", "\t", "\n",
      "\u00a0", "\u3000", "\u2003", " \u00a0 ", "\u1ec7", "x"};
  enum { NPARTS = sizeof parts / sizeof *parts };
  unsigned seed = 11u + (unsigned)_i;
  for (int round = 0; round < 200; round++) {
    char text[512];
    size_t n = 0;
    for (;;) {
      seed = seed * 1103515245u + 12345u;
      const char *p = parts[(seed >> 8) % NPARTS];
      if (n + strlen(p) >= 200) break;
      memcpy(text + n, p, strlen(p));
      n += strlen(p);
    }
    /* the characters' starts */
    size_t starts[512], nstarts = 0;
    for (size_t i = 0; i <= n; i++)
      if (i == n || ((unsigned char)text[i] & 0xC0) != 0x80)
        starts[nstarts++] = i;
    for (int k = 0; k < 40; k++) {
      seed = seed * 1103515245u + 12345u;
      size_t o = starts[(seed >> 8) % nstarts];
      seed = seed * 1103515245u + 12345u;
      size_t floor = starts[(seed >> 8) % nstarts];
      if (floor > o) floor = 0;
      size_t fixed = (seed >> 4) % 40, runs = (seed >> 12) % 5;
      ck_assert_msg(rule_window_start(text, n, o, fixed, runs, floor) ==
                        plain_window_start(text, n, o, fixed, runs, floor),
                    "o %zu fixed %zu runs %zu floor %zu: %zu, not %zu", o,
                    fixed, runs, floor,
                    rule_window_start(text, n, o, fixed, runs, floor),
                    plain_window_start(text, n, o, fixed, runs, floor));
    }
  }
}
END_TEST

/* A literal's byte pairs (rule_literal_pairs) are read at the first ask,
 * once, into the literal, for every thread that asks at once: "quá"
 * without case pairs its first two letters in each case, and "Kế" in its
 * case its own bytes only. */
typedef struct pairs_asked {
  const rule_literal *const *lits;
  size_t n;
  const struct rule_pairs *got[2];
} pairs_asked;

static void *ask_pairs(void *arg) {
  pairs_asked *a = arg;
  for (size_t i = 0; i < a->n; i++)
    a->got[i] = rule_literal_pairs(a->lits[i]);
  return NULL;
}

static bool pairs_have_place(const struct rule_pairs *p,
                             const char *const *two, size_t nalt) {
  for (size_t k = 0; k < p->npos; k++) {
    size_t held = 0;
    for (size_t j = 0; j < nalt; j++)
      for (size_t m = 0; m < p->nalt[k]; m++) {
        uint16_t v;
        memcpy(&v, two[j], sizeof v);
        held += p->alt[k][m] == v;
      }
    if (p->nalt[k] == nalt && held == nalt) return true;
  }
  return false;
}

START_TEST(literal_pairs_are_read_once_into_the_literal) {
  rule caseless = fact_rule("không\\s+quá", PCRE2_CASELESS);
  rule exact = fact_rule("Kế\\s+hoạch", 0);
  const rule_literal *lits[2] = {NULL, NULL};
  for (size_t c = 0; c < caseless.facts.nlits; c++)
    if (!strcmp(caseless.facts.lits[c][0]->text, "quá"))
      lits[0] = caseless.facts.lits[c][0];
  for (size_t c = 0; c < exact.facts.nlits; c++)
    if (!strcmp(exact.facts.lits[c][0]->text, "Kế"))
      lits[1] = exact.facts.lits[c][0];
  ck_assert(lits[0] && lits[1] && lits[0]->caseless && !lits[1]->caseless);
  for (size_t i = 0; i < 2; i++)
    ck_assert_int_eq(atomic_load(&lits[i]->pairs_read.state), JIT_UNTRIED);
  pairs_asked a[4];
  pthread_t th[4];
  for (size_t k = 0; k < 4; k++) {
    a[k] = (pairs_asked){lits, 2, {NULL, NULL}};
    ck_assert_int_eq(pthread_create(&th[k], NULL, ask_pairs, &a[k]), 0);
  }
  for (size_t k = 0; k < 4; k++)
    ck_assert_int_eq(pthread_join(th[k], NULL), 0);
  for (size_t i = 0; i < 2; i++) {
    ck_assert_int_eq(atomic_load(&lits[i]->pairs_read.state), JIT_READY);
    for (size_t k = 0; k < 4; k++)
      ck_assert_ptr_eq(a[k].got[i], &lits[i]->pairs);
  }
  static const char *const qu[] = {"qu", "qU", "Qu", "QU"};
  ck_assert(pairs_have_place(&lits[0]->pairs, qu, 4));
  static const char *const ke[] = {"K\xE1"};
  ck_assert(pairs_have_place(&lits[1]->pairs, ke, 1));
  static const char *const kE[] = {"k\xE1"};
  ck_assert(!pairs_have_place(&lits[1]->pairs, kE, 1));
  free_rule_code(&caseless);
  free_fact_rule(&exact);
}
END_TEST

/* The places of a text's words found in one walk for all of them are
 * those a search by each word's pattern finds (every occurrence in any
 * case, overlapping), kept by the text for its scans; a word the walk
 * cannot tell ('k': the Kelvin sign) is searched when asked; the places a
 * scan found before the walk are not lost; the scans then find what the
 * rules' own searches find. */
START_TEST(words_found_in_one_walk_are_those_the_patterns_find) {
  rule day = fact_rule("ngày\\s+\\d+", PCRE2_CASELESS);
  rule check = fact_rule("kiểm\\s+tra", PCRE2_CASELESS);
  rule year = fact_rule("năm\\s+\\d{4}", PCRE2_CASELESS);
  const rule *rs[] = {&day, &check, &year};
  const rule_literal *walked[] = {day.facts.lits[0][0],
                                 check.facts.lits[0][0],
                                 year.facts.lits[0][0], day.facts.lits[0][0]};
  ck_assert_str_eq(walked[0]->text, "ngày");
  ck_assert_str_eq(walked[1]->text, "kiểm");
  ck_assert_str_eq(walked[2]->text, "năm");
  char s[8192];
  size_t n = 0;
  for (int i = 0; n + 200 < sizeof s; i++)
    n += (size_t)snprintf(s + n, sizeof s - n, "%.*sNGÀY %d, ngàyngày 3; "
                          "\xe2\x84\xaaiểm tra, KIỂM tra; nĂm 2025 năm\n",
                          i % 3, "--", i);
  for (int before = 0; before < 2; before++) {
    rule_text t;
    cchc_error err = {0};
    ck_assert_int_eq(rule_text_init(&t, s, n, &err), CCHC_OK);
    pcre2_match_data *md = pcre2_match_data_create(4, NULL);
    /* a scan asks for its words before the walk (a part of the text) */
    if (before) ck_assert(rule_scan(&year, &t, n / 2, n / 4, md));
    ck_assert(rule_text_find_words(&t, walked, 4));
    for (size_t k = 0; k < 3; k++) {
      const uint32_t *at;
      size_t count, want = 0;
      ck_assert(rule_text_places(&t, walked[k], &at, &count));
      for (size_t from = 0;
           from < n && code_match(walked[k]->code, &walked[k]->jit, s, n, from,
                                  md, NULL) > 0;) {
        size_t o = pcre2_get_ovector_pointer(md)[0];
        ck_assert_uint_lt(want, count);
        ck_assert_uint_eq(at[want++], o);
        for (from = o + 1; from < n && ((unsigned char)s[from] & 0xC0) == 0x80;
             from++) {
        }
      }
      ck_assert_uint_eq(count, want);
      ck_assert_uint_gt(count, 50);
    }
    /* every scan finds what its rule's search finds, match by match */
    for (size_t r = 0; r < 3; r++)
      for (size_t pos = 0; pos < n;) {
        bool scanned = rule_scan(rs[r], &t, n, pos, md);
        size_t ss = 0, se = 0;
        if (scanned) rule_match_span(md, &ss, &se);
        bool found = rule_exec(rs[r], s, n, pos, md);
        ck_assert_int_eq(scanned, found);
        if (!found) break;
        size_t fs, fe;
        rule_match_span(md, &fs, &fe);
        ck_assert_uint_eq(ss, fs);
        ck_assert_uint_eq(se, fe);
        pos = fe > fs ? fe : fs + 1;
      }
    pcre2_match_data_free(md);
    rule_text_free(&t);
  }
  free_rule_code(&day);
  free_rule_code(&check);
  free_fact_rule(&year);
}
END_TEST

/* The words near the start of every match, each with how far after the
 * start it stands at most ("word:BYTES+RUNS", RUNS runs of white space),
 * or none: where a scan of the whole text looks first. */
static const struct {
  const char *pattern, *near;
} near_words[] = {
    {"(?<![\\p{L}])(?:trước|vào)\\s+ngày", "ngày:8+1"}, /* ư 2, ớ 3 bytes */
    {"(?<![\\p{L}])(?:trước|vào)", "trước:0+0 vào:0+0"},
    {"a\\s+bcd", "bcd:1+1"},
    {"(?-i:x){0,3}[0-9]\\h*bcd", "bcd:4+1"},
    {"k\\s*word", "word:3+1"}, /* 'k' is also U+212A, of 3 bytes */
    {"(?:định\\s+kỳ)?trước", "trước:13+1"},
    {"(?:định\\s+kỳ.{0,200})?trước", "định:0+0 trước:0+0"},
    {"(?:abcd|efgh)\\d", "abcd:0+0 efgh:0+0"},
    {"(?:ab|cd)\\s*,?\\s*word", "word:3+2"},
    {"\\w+\\s+trong", ""}, /* no bound */
    {"\\X\\s+trong", ""},
    {"(?:abcd)?", ""},     /* an empty match holds none */
    {"(?=abcd)\\d", "abcd:0+0"}, /* looked at: it stands in the text */
    {"(?:trước|vào|đến)\\s+(?:ngày|(?=mồng\\s))", "ngày:8+1 mồng:8+1"},
    {"(?!abcd)\\d", ""},   /* may not stand there */
    {"(\\d)\\1abcd", ""},  /* not read */
};

START_TEST(facts_name_the_words_near_the_start) {
  rule r = fact_rule(near_words[_i].pattern, PCRE2_CASELESS);
  char got[256] = "";
  size_t n = 0;
  for (size_t k = 0; k < r.facts.nanchor; k++)
    n += (size_t)snprintf(got + n, sizeof got - n, "%s%s:%u+%u", k ? " " : "",
                          r.facts.anchor[k]->text, r.facts.anchor_bytes[k],
                          (unsigned)r.facts.anchor_runs[k]);
  ck_assert_msg(!strcmp(got, near_words[_i].near), "%s: %s, not %s",
                near_words[_i].pattern, got, near_words[_i].near);
  free_fact_rule(&r);
}
END_TEST

/* How far after a match's start a digit (of \\d) stands at most in every
 * match ("BYTES+RUNS", RUNS runs of white space), or "-": not told, for
 * a pattern some match of which may hold none near its start, or that
 * the reader does not know.  Caseless, as the rules are. */
static const struct {
  const char *pattern, *near;
} near_digits[] = {
    {"\\d", "0+0"},
    {"(?<![\\d.,/:-])(?<value>\\d{1,3})\\s+(?=lớp)", "0+0"},
    {"ab\\s+\\d{1,3}\\b", "2+1"},
    {"\\b(?:mức\\s+độ|thôn|tổ\\s+dân\\s+phố)\\s+\\d{1,3}\\b",
     "13+3"}, /* ổ 3, â 2, ố 3 bytes; the longest branch's runs */
    {"(?:abc\\s*)?\\d", "3+1"},          /* skipped or not */
    {"(?-i:x)[0-9]|(?-i:yz)\\p{Nd}", "2+0"},
    {"k\\d", "3+0"},  /* 'k' is also U+212A, of 3 bytes */
    {"(?-i:x)(?=\\s*\\d)", "1+1"}, /* looked at: it stands in the text */
    {"(?-i:x)\\d|\\d{4}", "1+0"},
    {"(?-i:x)+\\d", "-"},            /* no bound */
    {"\\w+\\d", "-"},
    {"(?-i:x)\\d|(?-i:y)", "-"},     /* a branch holds none */
    {"(?:(?-i:x)\\d)?", "-"},        /* may be empty */
    {"\\d?(?-i:x)", "-"},
    {"(?-i:x)(?!\\d)", "-"},         /* stands there only if not */
    {"(?<=\\d)(?-i:x)", "-"},        /* before the start */
    {"[\\d.](?-i:x)", "-"},          /* a class not of digits alone */
    {"(?-i:x)\\w", "-"},
    {"(\\d)\\1", "-"},             /* not read */
};

START_TEST(facts_tell_the_digit_near_the_start) {
  rule r = fact_rule(near_digits[_i].pattern, PCRE2_CASELESS);
  char got[32] = "-";
  if (r.facts.near_digit)
    snprintf(got, sizeof got, "%u+%u", r.facts.digit_bytes,
             (unsigned)r.facts.digit_runs);
  ck_assert_msg(!strcmp(got, near_digits[_i].near), "%s: %s, not %s",
                near_digits[_i].pattern, got, near_digits[_i].near);
  free_fact_rule(&r);
}
END_TEST

/* A search in the windows before digits (rule_exec_near_digits: PCRE2's
 * search in each, or tries where the rule's first bytes and words stand)
 * finds what PCRE2's search finds, from every start and up to every limit:
 * digits near and far, in runs and alone, beyond ASCII (U+0663, a lead
 * byte such as U+1EA1's that starts none), runs of white space of several
 * kinds (U+00A0), a match that is its window's last. */
START_TEST(searches_near_digits_find_what_searches_find) {
  static const char *const patterns[] = {
      "\\b(?:mức\\s+độ|thôn|tổ\\s+dân\\s+phố)\\s+\\d{1,3}\\b",
      "(?:abc\\s*)?\\d+",
      "(?<![\\d.,/:-])(?<value>\\d{1,3})\\s+(?=lớp)",
      "(?-i:x)(?=\\s*\\d)",
      "(?<![\\d.,])\\d{1,2}/\\d{1,2}|"
      "\\b(?:ngày\\s+\\d{1,2}|(?:năm|quý)\\s+\\d{1,4}\\b)",
  };
  const char *s = "thôn 3, Thôn\t\t  12 và tổ dân phố\xc2\xa0 07; Ngày  15/01, "
                  "năm 2026 mức  độ 4 "
                  "abc\xd9\xa3 abc   9 xạ 2 lớp, 1.2 lớp x   5x"
                  "                                                  "
                  "thôn 1000 thôn 99 abc45 Mức Độ 3";
  size_t n = strlen(s);
  rule_text t;
  cchc_error err = {0};
  ck_assert_int_eq(rule_text_init(&t, s, n, &err), CCHC_OK);
  pcre2_match_data *md = pcre2_match_data_create(8, NULL);
  for (size_t k = 0; k < sizeof patterns / sizeof *patterns; k++) {
    rule r = fact_rule(patterns[k], PCRE2_CASELESS);
    ck_assert(r.facts.near_digit);
    /* (searched by PCRE2, or tried where first bytes and words stand) */
    ck_assert(r.by_first == (k == 1 || k == 2 || k == 4));
    size_t found = 0;
    for (size_t start = 0; start < n; start++) {
      if (((unsigned char)s[start] & 0xC0) == 0x80) continue;
      for (size_t limit = start; limit <= n; limit++) {
        bool near = rule_exec_near_digits(&r, &t, s, n, start, limit, md);
        size_t ns = 0, ne = 0;
        if (near) rule_match_span(md, &ns, &ne);
        bool searched = rule_exec_until(&r, &t, s, n, start, limit, md);
        ck_assert_msg(near == searched, "%s from %zu to %zu: %d, not %d",
                      patterns[k], start, limit, near, searched);
        if (!searched) continue;
        size_t ss, se;
        rule_match_span(md, &ss, &se);
        ck_assert_uint_eq(ns, ss);
        ck_assert_uint_eq(ne, se);
        found++;
      }
    }
    ck_assert_uint_gt(found, 100);
    free_fact_rule(&r);
  }
  pcre2_match_data_free(md);
  rule_text_free(&t);
}
END_TEST

/* Where matches start, and what they never hold. */
START_TEST(facts_say_where_matches_lie) {
  rule r = fact_rule("(?m)(?:^|(?<=\\|))[ \\t]*\\d{4}[ \\t]*(?=\\||$)", 0);
  ck_assert(r.facts.starts && r.facts.at_zero);
  ck_assert(r.facts.after == rule_features("\n|", 2));
  ck_assert(r.facts.barrier & rule_features("\n", 1));
  free_fact_rule(&r);
  r = fact_rule("^\\s*\\d", 0); /* only at the start of the subject */
  ck_assert(r.facts.starts && r.facts.at_zero && !r.facts.after);
  free_fact_rule(&r);
  r = fact_rule("(?<![\\p{L}])trong\\s+\\d", 0); /* \s spans lines */
  ck_assert(!r.facts.starts);
  ck_assert(!(r.facts.barrier & rule_features("\n", 1)));
  ck_assert(r.facts.barrier & rule_features(";", 1));
  free_fact_rule(&r);
  r = fact_rule("[^.;\\n]+\\d", 0);
  ck_assert(r.facts.barrier == rule_features(".;\n", 3));
  free_fact_rule(&r);
  r = fact_rule("a.b", 0);
  ck_assert(r.facts.barrier == rule_features("\n", 1));
  free_fact_rule(&r);
  r = fact_rule("(?s)a.b", 0);
  ck_assert(!r.facts.barrier);
  free_fact_rule(&r);
  r = fact_rule("(\\d)\\1", 0);
  ck_assert(no_facts(&r));
  free_fact_rule(&r);
}
END_TEST

/* Which matches end at the subject's end, and how long they are at most
 * (bytes + runs of white space); "-": not known to end there. */
static const struct {
  const char *pattern, *ends;
} end_facts[] = {
    {"[.;:!?…]\\s*$", "3+1"},
    {"\\btham\\s+mưu\\s*$", "8+2"},
    {"(?:ab|c)\\z|d\\Z", "2+0"},
    {"^\\d{1,3}$", "12+0"}, /* \\d: any script's digits */
    {"a$(?=)", "1+0"},
    {"a\\d+$", "-"},    /* of any length */
    {"(?m)a$", "-"},     /* a line's end */
    {"a$|b", "-"},       /* one branch only */
    {"(?:a$)?", "-"},    /* may be left out */
    {"a(?=b$)", "-"},    /* a lookahead's end is not the match's */
    {"(a)\\1$", "-"},   /* not read */
};

START_TEST(facts_say_where_matches_end) {
  rule r = fact_rule(end_facts[_i].pattern, 0);
  char got[32] = "-";
  if (r.facts.ends)
    snprintf(got, sizeof got, "%u+%u", r.facts.end_bytes,
             (unsigned)r.facts.end_runs);
  ck_assert_msg(!strcmp(got, end_facts[_i].ends), "%s: %s, not %s",
                end_facts[_i].pattern, got, end_facts[_i].ends);
  free_fact_rule(&r);
}
END_TEST

/* What a match never follows, read from the lookbehinds and \b before
 * it: for a match at an ASCII digit, at a letter or '_', at other ASCII,
 * and at a byte beyond ASCII, the ASCII characters ("a-z": a range; "^"
 * first: every ASCII character but those; "": none; "*": any, as no
 * match starts there). */
static const struct {
  const char *pattern, *digit, *word, *other, *beyond;
} guards[] = {
    {"(?<![\\d.,])\\d+", ",.0-9", "*", "*", ",.0-9"},
    {"(?<![\\p{L}\\d])\\d|(?<!\\p{L})(?-i:Luật)", "A-Za-z0-9", "A-Za-z",
     "*", "A-Za-z0-9"},
    {"\\b(?:năm|\\d)|\\b-", "_0-9A-Za-z", "_0-9A-Za-z", "^_0-9A-Za-z", ""},
    {"(?:\\btừ\\s+)?(?<![\\d.])\\d", ".0-9", "", "*", ".0-9"},
    {"(?<!a)b|ab", "", "", "", ""},
    {"(?<!x)\\d|a\\d", "xX", "", "*", "xX"}, /* (caseless) */
    {"(?i)(?<![a-c%])x", "*", "A-Ca-c%", "*", "*"},
    {"(?:(?<!a)b)?c", "", "", "", ""},
    {"(?<!ab)c|(?<![^x])d|(?<!\\w{2})e|(?<!\\x41)f", "", "", "", ""},
};

/* The ASCII characters of a guard, as guards[] writes them. */
static void guard_set(const char *w, uint64_t set[2]) {
  bool but = *w == '^';
  set[0] = set[1] = 0;
  for (const char *c = w + but; *c; c++) {
    int hi = c[1] == '-' && c[2] ? c[2] : *c;
    for (int k = *c; k <= hi; k++) set[k >> 6] |= (uint64_t)1 << (k & 63);
    if (hi != *c) c += 2;
  }
  if (but) set[0] = ~set[0], set[1] = ~set[1];
}

START_TEST(facts_say_what_a_match_never_follows) {
  rule r = fact_rule(guards[_i].pattern, PCRE2_CASELESS);
  const char *want[RULE_GUARDS] = {guards[_i].digit, guards[_i].word,
                                   guards[_i].other, guards[_i].beyond};
  static const uint64_t none[RULE_GUARDS][2];
  const uint64_t(*got)[2] = r.facts.guard ? r.facts.guard : none;
  for (int k = 0; k < RULE_GUARDS; k++) {
    uint64_t set[2];
    if (!strcmp(want[k], "*")) continue;
    guard_set(want[k], set);
    ck_assert_msg(got[k][0] == set[0] && got[k][1] == set[1],
                  "%s: guard %d is %016llx%016llx, not %s", guards[_i].pattern,
                  k, (unsigned long long)got[k][1],
                  (unsigned long long)got[k][0], want[k]);
  }
  free_fact_rule(&r);
}
END_TEST

/* Every match of rule r in s[0..len) from 0 on, found by PCRE2 searching
 * everywhere, by rule_exec and by rule_scan: the same, or a message saying
 * where they part. */
static bool same_matches(const rule *r, const rule_text *t, size_t len,
                         pcre2_match_data *md, char *why, size_t size) {
  for (size_t at = 0, k = 0; at <= len; k++) {
    bool a = pcre2_match(r->code, (PCRE2_SPTR)t->s, len, at,
                         PCRE2_NO_UTF_CHECK, md, NULL) > 0;
    size_t as = 0, ae = 0, bs = 0, be = 0, cs = 0, ce = 0;
    /* the mark of a match (a unit's key) too */
    const char *am = NULL, *bm = NULL, *cm = NULL;
    if (a) rule_match_span(md, &as, &ae), am = (const char *)pcre2_get_mark(md);
    bool b = rule_exec(r, t->s, len, at, md);
    if (b) rule_match_span(md, &bs, &be), bm = (const char *)pcre2_get_mark(md);
    bool c = rule_scan(r, t, len, at, md);
    if (c) rule_match_span(md, &cs, &ce), cm = (const char *)pcre2_get_mark(md);
    if (a != b || as != bs || ae != be || a != c || as != cs || ae != ce ||
        (am != bm && (!am || !bm || strcmp(am, bm))) ||
        (am != cm && (!am || !cm || strcmp(am, cm)))) {
      snprintf(why, size,
               "%s, match %zu from %zu of %zu bytes: search %d [%zu, %zu), "
               "exec %d [%zu, %zu), scan %d [%zu, %zu)",
               r->id, k, at, len, a, as, ae, b, bs, be, c, cs, ce);
      return false;
    }
    if (!a) break;
    at = ae > as ? ae : as + 1;
    while (at < len && ((unsigned char)t->s[at] & 0xC0) == 0x80) at++;
  }
  return true;
}

/* The same on texts made to put matches where the facts skip: across a
 * line break, after a '|', at line starts, needing a line break. */
static const struct {
  const char *pattern, *text;
} crafted[] = {
    {"a[\\n;]b", "zz a\nb zz\na;b"},
    {"a\\s*[\\n]\\s*b", "a \n b\nx\n a\n\nb"},
    {"(?m)(?:^|(?<=\\|))[ \\t]*\\d+[ \\t]*(?=\\||$)", "x|12\n34|x5\n 7 |"},
    {"\\d+\\s*%", "không\n5 %\n7%\n\n8\n%"},
    {"(?<![\\p{L}])trong\\s+\\d+", "trong\n5 trong 6; trong\n\n7"},
    {"^\\d", "5\n6"},
    {"(?m)^\\d", "5\n6\n\n7"},
    {"[^;]*\\d;", "a\nb 1; c\n2;\n;3"},
    {"(?m)$", "a\nb\n"},
    {"\\d*", "a1\n22"},
    /* no first bytes PCRE2 knows (\d in UCP mode): tried where a match
     * can start, in any case: U+212A KELVIN SIGN is a 'k', U+00B5 MICRO
     * SIGN a 'μ' */
    {"(?:\\d|k)\\d", "K5 k5 \u212A5 \u06635"},
    {"(?:\\d|μ)x", "µx Μx μx 1x"},
    {"(?<![\\d.])\\d{1,3}\\s*%", "1.5% 15%\n٣%"},
    /* words: skipped where a text, or the part asked, lacks them; in any
     * case, of another length in another case ('k' is also U+212A) */
    {"\\bTrạm\\s+Y\\s+tế", "trạm y tế; TRẠM Y TẾ xã\nTrạm\ny tế Trạm y"},
    {"(?:kelvin|abc)\\d", "\u212Aelvin5 kelvin6 abc7 KELVIN8 \u212Aelvin"},
    {"ab(?=cd)", "ab abcd xabcd ab"},
    /* a window of needed characters without the words a match holds in
     * the stretch it runs on in */
    {"\\d+[\\p{L}\\d.-]*/[\\p{L}\\d/.-]+\\s+ngày",
     "12/KH ngày; 5/QĐ\nngày 7; 3/x y ngày, 4/AB\n\nngày\n8/C, ngày 9/D ngà"},    /* matches that end at the subject's end, searched only in the window
     * before it: white space of any kind before the end, a line break
     * ending the subject ($ and \\Z end before it too), a start at 0 */
    {"[.;:!?…]\\s*$", "a. b;\t \nc…  \u00a0 d:\u2003"},
    {"(?:\\b(?:của|tỷ\\s+lệ)|[,(-])\\s*$", "của x tỷ  lệ \n của, ( -\n"},
    {"^\\s*\\d{1,3}\\s*$", " 12 \n3"},
    {"(?:ab|c\\s+d)\\z", "ab c \u00a0d\nab"},
    {"x\\Z|y$", "x\nx y\n\ny"},
    {"(?:a$)?b|(?=c$)", "ab b c\nc"},
    /* tried only where the character before lets a lookbehind or \b
     * pass: after a digit, '.', ',' no count starts; a branch without the
     * lookbehind, or a lookbehind that may be skipped, tries them all */
    {"(?<![\\d.,/:-])\\d{1,3}\\s+lớp", "12 lớp 1234 lớp a5 lớp .7 lớp x-9 lớp ٣ lớp"},
    {"(?<!\\p{L})trong|(?<![\\d.])\\d", "trong xtrong 12.5 a7 _8 Ttrong"},
    {"(?<!a)b|ab", "ab xb b aab"},
    {"(?<!a)\\d|\\d\\d", "a12 a1 b3 aa45"},
    /* first bytes a digit's or a few ASCII ones: skipped to 16 bytes at a
     * time, the digits beyond ASCII (U+0663) and the letters whose lead
     * byte is a digit's (U+1EA1, U+2010) at every place of a block */
    {"(?<![\\d.])\\d{1,3}\\s*%|x\\d",
     "ạạạạạ x5 ‐‐‐‐‐ ٣% ạạạạạạạạạ 12 % ‐ ạ x ٣ ạạạạạạạạạạạạạạạạ 7% "
     "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa ٣٣%x9"},
    {"(?<!x)\\d|a\\d", "x1 xa1 y2"},
    {"(?:(?<!a)b)?c", "abc ac bc c"},
    {"(?<=(?<!a)b)c|\\d", "abc bc 1"},
    {"\\b-\\d|\\b\\d", "a-1 -2 --3 b4 5"},
    {"(?=(?<![kK])\\d)\\d|(?i)(?<!k)x", "k1 K2 3 kx Kx x"},
};

/* Every match of r in every cut of s (at character boundaries) is
 * PCRE2's (same_matches); with every_start, also the first match from
 * every start of every cut, searched and scanned. */
static void scans_match_searches(const rule *r, const char *s,
                                 bool every_start) {
  pcre2_match_data *md = pcre2_match_data_create_from_pattern(r->code, NULL);
  rule_text t;
  cchc_error err = {0};
  ck_assert_int_eq(rule_text_init(&t, s, strlen(s), &err), CCHC_OK);
  char why[512];
  for (size_t len = 0; len <= t.n; len++) {
    if (len < t.n && ((unsigned char)s[len] & 0xC0) == 0x80) continue;
    ck_assert_msg(same_matches(r, &t, len, md, why, sizeof why), "%s: %s",
                  r->pattern, why);
    for (size_t at = 0; every_start && at <= len; at++) {
      bool a = pcre2_match(r->code, (PCRE2_SPTR)s, len, at, 0, md, NULL) > 0;
      size_t as = 0, ae = 0, cs = 0, ce = 0;
      if (a) rule_match_span(md, &as, &ae);
      bool c = rule_scan(r, &t, len, at, md);
      if (c) rule_match_span(md, &cs, &ce);
      ck_assert_msg(a == c && as == cs && ae == ce,
                    "%s, %zu bytes from %zu: search %d [%zu, %zu), scan %d "
                    "[%zu, %zu)",
                    r->pattern, len, at, a, as, ae, c, cs, ce);
    }
  }
  rule_text_free(&t);
  pcre2_match_data_free(md);
}

START_TEST(scans_find_what_rules_match_where_facts_skip) {
  rule r = fact_rule(crafted[_i].pattern, PCRE2_CASELESS);
  scans_match_searches(&r, crafted[_i].text, false);
  free_fact_rule(&r);
}
END_TEST

/* The words a match starts with, read through the calls of a pattern
 * into the groups they name; NULL: none known. */
static const char unit_grammar[] =
    "(?<![\\p{L}])(?=[\\p{Lu}c])"
    "(?: (?&head) (?: \\h+ \\p{Lu}\\p{Ll}* )+ | (?&coll) (?: \\h+ \\p{Ll}+ ){1,3} )"
    "(?(DEFINE) (?<head> Sở | Phòng | Trung\\h+tâm | (?&whole) )"
    "  (?<whole> Tỉnh\\h+đoàn ) (?<coll> [Cc]ác\\h+cơ\\h+quan ) )";

static const struct {
  const char *pattern;
  uint32_t options;
  const char *words;
} first_words[] = {
    {unit_grammar, PCRE2_EXTENDED, "Các Phòng Sở Trung Tỉnh các"},
    {"(?x) ab c | d e", 0, "abc de"},
    {"[Cc]ác|(?:Sở|Bộ)\\s", 0, "Bộ Các Sở các"},
    {"(?'x'ab)cd|(?P<y>ef)", 0, "ab ef"},
    {"\\bab(?=c)|^(?#note)xy", 0, "ab xy"},
    {"ab?c", 0, "a"},
    {"(?&a)(?(DEFINE)(?<a>(?&a)y|z))", 0, NULL}, /* a recursion */
    {"(?&a)?x(?(DEFINE)(?<a>ab))", 0, NULL},     /* may be skipped */
    {"(?&a)x(?(DEFINE)(?<a>ab|))", 0, NULL},     /* may match nothing */
    {"(?&a)(?(DEFINE)(?i)(?<a>ab))", 0, NULL},   /* any case */
    {"(?&a)(?(DEFINE)(?<a>x)(?<a>y))", 0, NULL}, /* which one */
    {"ab", PCRE2_CASELESS, NULL},
    {"a*b", 0, NULL},
    {"ab\\Kcd", 0, NULL},
    {"ab(*COMMIT)c", 0, NULL},
    {"(?&b)(?(DEFINE)(?<a>x))", 0, NULL}, /* no such group */
    /* calls that fan out: too many to follow */
    {"(?&a)(?(DEFINE)(?<a>(?&b)|(?&b)x)(?<b>(?&c)|(?&c)x)(?<c>(?&d)|(?&d)x)"
     "(?<d>(?&e)|(?&e)x)(?<e>(?&f)|(?&f)x)(?<f>(?&g)|(?&g)x)"
     "(?<g>(?&h)|(?&h)x)(?<h>(?&i)|(?&i)x)(?<i>z))",
     0, NULL},
    {"(?&a)(?(DEFINE)(?<a>(?&b)|(?&b)x)(?<b>(?&c)|(?&c)x)(?<c>z))", 0, "z"},
};

START_TEST(first_words_follow_calls) {
  rule_first_words *fw = NULL;
  bool known = rule_first_words_read(first_words[_i].pattern,
                                     first_words[_i].options, &fw);
  char got[256] = "";
  size_t n = 0;
  for (size_t k = 0; known && k < fw->n; k++)
    n += (size_t)snprintf(got + n, sizeof got - n, "%s%.*s", k ? " " : "",
                          (int)fw->w[k].len, (const char *)fw->w[k].text);
  const char *want = first_words[_i].words;
  ck_assert_msg(known == (want != NULL) && (!want || !strcmp(got, want)),
                "%s: %s, not %s", first_words[_i].pattern,
                known ? got : "(none)", want ? want : "(none)");
  free(fw);
}
END_TEST

/* A long text searched by its first words finds what the plain search
 * finds; with a word missing from them, it does not. */
START_TEST(first_words_find_what_a_search_finds) {
  static const char *const lines[] = {
      "Các cơ quan báo chí; Sở Tư Pháp, Phòng Văn Hóa và xSở Nội Vụ.\n",
      "Trung tâm Hành Chính, các cơ quan liên quan, Tỉnh đoàn Gia Lai.\n",
      "phòng nội vụ, Phòng\nVăn, cSở Y Tế; các cơ quan; Sở\n",
  };
  enum { LINES = 300 };
  size_t cap = LINES * 80 + 1, n = 0;
  char *s = malloc(cap);
  ck_assert_ptr_nonnull(s);
  for (size_t i = 0; i < LINES; i++)
    n += (size_t)snprintf(s + n, cap - n, "%s", lines[i % 3]);
  rule r = fact_rule(unit_grammar, PCRE2_EXTENDED);
  ck_assert_ptr_nonnull(r.first_words);
  ck_assert(no_facts(&r));
  pcre2_match_data *md = pcre2_match_data_create_from_pattern(r.code, NULL);
  rule_text t;
  cchc_error err = {0};
  ck_assert_int_eq(rule_text_init(&t, s, n, &err), CCHC_OK);
  char why[512];
  ck_assert_msg(same_matches(&r, &t, t.n, md, why, sizeof why), "%s", why);
  ck_assert_msg(same_matches(&r, &t, t.n / 2, md, why, sizeof why), "%s",
                why);
  /* "Phòng" read wrong: its matches are missed */
  for (size_t k = 0; k < r.first_words->n; k++)
    if (!memcmp(r.first_words->w[k].text, "Phòng", 5))
      r.first_words->w[k].text[1] = 'x';
  ck_assert(!same_matches(&r, &t, t.n, md, why, sizeof why));
  rule_text_free(&t);
  pcre2_match_data_free(md);
  free_fact_rule(&r);
  free(s);
}
END_TEST

/* Texts longer than a scan searches whole, PIECE at the start, at the end
 * and among lines of FILLER: the words near the start of matches found
 * where a match starts as far before one as can be, after runs of white
 * space longer than most, overlapping each other, in another case of
 * another length; and patterns that give no bound, that PCRE2 searches
 * by their first character, or whose words stand too often to be worth
 * their places. */
static const char filler[] =
    "Các cơ quan, đơn vị có liên quan phối hợp thực hiện kế hoạch này.\n";

static const struct {
  const char *pattern, *piece, *filler;
  bool near; /* it is searched by the words near its start */
} far[] = {
#define A10 "aaaaaaaaaa"
#define A80 A10 A10 A10 A10 A10 A10 A10 A10
    {"(?-i:[xy])[a-j ]{0,30}\\s+hằng\\s+năm",
     "x abcdefghij abcdefghij abcdef\n \t\nhằng năm; "
     "x abcdefghij abcdefghij abcdefg hằng năm",
     NULL, true},
    {"(?:[0-9]{1,2}|hai)\\s+ngày\\s+tháng",
     "12                                                              "
     "                                                                "
     "\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\nngày tháng; hai ngày  tháng",
     NULL, true},
    /* a long run taken whole, a short one before the word */
    {"(?-i:[xy])\\s+[a-j ]{0,3}hằng\\s+năm",
     "x\t                              "
     "                              \n                              "
     "                              \nb hằng năm",
     NULL, true},
    {"(?<![\\p{L}])(?:trong|vào)\\s+(?:\\d+|hai)\\s+ngày",
     "trong 5 ngày, trong\n\n  hai\tngày", NULL, true},
    /* far enough apart that their windows are searched apart */
    {"(?:aaa|bbb)(?:\\d|b)",
     "aaaa5; các cơ quan, đơn vị có liên quan phối hợp thực hiện; aaaaab aa7",
     NULL, true},
    {"kelvin(?:\\d|x)", "\u212Aelvin5 KELVINx \u212Aelvin", NULL, true},
    {"(?:định\\s+kỳ[^.;\\n]{0,20}?)?(?:trước|vào)\\s+ngày\\s+(?:\\d+|mai)",
     "định kỳ, báo cáo trước ngày 5; vào ngày mai định kỳ vào\nngày 7",
     NULL, true},
    /* a word a lookahead holds */
    {"(?:trước|vào|đến)\\s+(?:ngày\\s+|(?=mồng\\s))(?:mồng\\s+)?(?:\\d+|mai)",
     "trước mồng 5; vào ngày mai đến mồng\n7, vào mồng mười", NULL, true},
    {"\\w+\\s+trong", "việc trong tháng", NULL, false},
    {"tỉnh\\s+(?:\\d|hai)", "tỉnh hai, Tỉnh 5", NULL, false}, /* by 't' */
    /* a first letter PCRE2 skips to, and words that part right after it:
     * by those words; not when the words go on alike ("th") */
    {"(?:thành\\s+phố|TP\\.?)\\s*(?<name>Hà\\s+Nội|Hồ\\s+Chí\\s+Minh|"
     "Hải\\s+Phòng|Đà\\s+Nẵng|Cần\\s+Thơ|Huế)\\b",
     "thành phố Hà Nội; TP. Huế, tp Huếx thành  phố\nHuế tp.", NULL, true},
    {"(?:tháng|thời\\s+hạn)\\s+(?:năm|mười)", "tháng năm; thời  hạn\nmười",
     NULL, false},
    {"(?:ab|cd)\\s+ab\\s+(?:\\d|c)", "ab ab 5", "ab ab ab ab ab ab ab ab ab ab\n",
     true},
    /* a long window before the word, cut at the last character of the
     * barrier in it (".", ";", ":"): a match starts right after one too,
     * the windows far enough apart to be searched apart */
    {"(?-i:[xy])[^.;:]{0,80}hằng\\s+năm",
     "x abc. y abc hằng năm; " A80 " x.y hằng năm; " A80 " xx:x hằng năm; " A80
     " ;x\nhằng năm .x.x. " A80,
     NULL, true},
};
#undef A80
#undef A10

START_TEST(scans_find_matches_far_from_their_words) {
  enum { LINES = 150 };
  const char *fill = far[_i].filler ? far[_i].filler : filler;
  size_t cap = (LINES + 2) * (strlen(fill) + strlen(far[_i].piece)) + 1,
         n = 0;
  char *s = malloc(cap);
  ck_assert_ptr_nonnull(s);
  n += (size_t)snprintf(s + n, cap - n, "%s", far[_i].piece);
  for (int i = 0; i < LINES; i++)
    n += (size_t)snprintf(s + n, cap - n, "%s%s", fill,
                          i % 10 == 9 ? far[_i].piece : "");
  n += (size_t)snprintf(s + n, cap - n, "%s", far[_i].piece);
  rule r = fact_rule(far[_i].pattern, PCRE2_CASELESS);
  /* no character every match holds (else searched by lines), no first
   * character PCRE2 skips to */
  ck_assert_msg((r.by_anchor || r.by_anchor_near) == far[_i].near &&
                    !r.facts.nneeds,
                "%s",
                far[_i].pattern);
  pcre2_match_data *md = pcre2_match_data_create_from_pattern(r.code, NULL);
  rule_text t;
  cchc_error err = {0};
  ck_assert_int_eq(rule_text_init(&t, s, n, &err), CCHC_OK);
  char why[512];
  size_t cuts[] = {n, n - 1, n / 2, n - strlen(far[_i].piece) / 2};
  for (size_t k = 0; k < sizeof cuts / sizeof *cuts; k++) {
    size_t len = cuts[k];
    while (len < n && ((unsigned char)s[len] & 0xC0) == 0x80) len--;
    ck_assert_msg(same_matches(&r, &t, len, md, why, sizeof why), "%s: %s",
                  far[_i].pattern, why);
  }
  rule_text_free(&t);
  pcre2_match_data_free(md);
  free_fact_rule(&r);
  free(s);
}
END_TEST

/* Many positions to try, and the character every match holds (a required
 * code unit PCRE2 looks ahead for, thousands of bytes on every call)
 * missing, or only at the very end: no try may look ahead, or the scan
 * takes seconds where one search of the whole text takes milliseconds.
 * The scan finds what the search finds, in about the same time. */
static const char *const look_ahead[] = {
    "(?m)^[ \\t]*\\d+(?:\\.\\d+)*\\.?\\s+(?<zone>Năm\\s+\\d{4})",
    "(?<![\\p{L}\\d])\\d+[\\p{L}\\d.-]*/[\\p{L}\\d/.-]+\\s+ngày",
    "(?<![\\p{L}])trong\\s+\\d+\\s+ngày",
    "\\w+\\s\\d+y",
};

/* CPU seconds of finding every match of r in t, by the plain search or by
 * rule_scan; their number in *n. */
static double find_all(const rule *r, const rule_text *t, bool scan,
                       pcre2_match_data *md, size_t *n) {
  clock_t t0 = clock();
  *n = 0;
  for (size_t at = 0; at <= t->n; (*n)++) {
    bool hit = scan ? rule_scan(r, t, t->n, at, md)
                    : pcre2_match(r->code, (PCRE2_SPTR)t->s, t->n, at,
                                  PCRE2_NO_UTF_CHECK, md, NULL) > 0;
    if (!hit) break;
    size_t s, e;
    rule_match_span(md, &s, &e);
    at = e > s ? e : s + 1;
  }
  return (double)(clock() - t0) / CLOCKS_PER_SEC;
}

/* r's scan of t finds what the search finds, in about the time of a
 * search that takes `whole` seconds; then r and t are freed. */
static void scan_like_search(rule *r, rule_text *t, pcre2_match_data *md,
                             double whole) {
  size_t searched, scanned;
  find_all(r, t, false, md, &searched);
  double scan = find_all(r, t, true, md, &scanned);
  ck_assert_uint_eq(scanned, searched);
  ck_assert_msg(scan < 20 * whole + 0.25, "%s: %.3f s, a search %.3f s",
                r->pattern, scan, whole);
  rule_text_free(t);
  pcre2_match_data_free(md);
  free_fact_rule(r);
}

START_TEST(scans_stay_linear_without_a_required_character) {
  enum { LINES = 200000 };
  static const char tail[] = "y ngày Năm";
  size_t cap = LINES * 24 + sizeof tail, n = 0;
  char *s = malloc(cap);
  ck_assert_ptr_nonnull(s);
  for (int i = 0; i < LINES; i++)
    n += (size_t)snprintf(s + n, cap - n, i % 2 ? "%d.%d. Mục a/b\n"
                                                : "trong %d tháng\n",
                          i % 97, i % 13);
  size_t body = n;
  n += (size_t)snprintf(s + n, cap - n, "%s", tail);
  size_t kinds = sizeof look_ahead / sizeof *look_ahead;
  const char *pattern = look_ahead[(size_t)_i % kinds];
  rule r = fact_rule(pattern, PCRE2_CASELESS);
  pcre2_match_data *md = pcre2_match_data_create_from_pattern(r.code, NULL);
  /* what the text takes: a search that tries every place it can, with
   * the required character at the end */
  rule_text t;
  cchc_error err = {0};
  ck_assert_int_eq(rule_text_init(&t, s, n, &err), CCHC_OK);
  size_t searched;
  double whole = find_all(&r, &t, false, md, &searched);
  rule_text_free(&t);
  ck_assert_int_eq(rule_text_init(&t, s, (size_t)_i < kinds ? body : n, &err),
                   CCHC_OK);
  scan_like_search(&r, &t, md, whole);
  free(s);
}
END_TEST

/* A word at every few lines, and windows before it of 64 KB: the walks
 * back from one occurrence to where a match could start do not cross
 * those of the occurrences before, or the scan takes minutes. */
START_TEST(scans_by_words_stay_linear) {
  enum { PIECES = 20000 };
  static const char piece[] = "hằng năm, các cơ quan phối hợp thực hiện\n";
  size_t n = PIECES * (sizeof piece - 1);
  char *s = malloc(n + 1);
  ck_assert_ptr_nonnull(s);
  for (size_t i = 0; i < PIECES; i++)
    memcpy(s + i * (sizeof piece - 1), piece, sizeof piece - 1);
  rule r = fact_rule("(?:x|y)[^;]{0,16000}\\s+hằng\\s+năm", PCRE2_CASELESS);
  ck_assert(r.by_anchor);
  pcre2_match_data *md = pcre2_match_data_create_from_pattern(r.code, NULL);
  rule_text t;
  cchc_error err = {0};
  ck_assert_int_eq(rule_text_init(&t, s, n, &err), CCHC_OK);
  size_t searched;
  scan_like_search(&r, &t, md, find_all(&r, &t, false, md, &searched));
  free(s);
}
END_TEST

/* Run check on the canonical text of every corpus plan, as scans read it,
 * with the shipped rules. */
typedef void plan_check(const cchc_rules *rs, rule_text *t,
                        pcre2_match_data *md, const char *path);

static void check_corpus_texts(plan_check *check) {
  const cchc_rules *rs = harness_rules();
  pcre2_match_data *md = rules_match_data(rs);
  char **paths;
  size_t n = harness_corpus_all(&paths);
  ck_assert_uint_gt(n, 0);
  for (size_t i = 0; i < n; i++) {
    cchc_text *text = harness_normalize_file(paths[i]);
    cchc_error err = {0};
    rule_text t;
    ck_assert_int_eq(rule_text_init(&t, cchc_text_data(text),
                                    cchc_text_len(text), &err),
                     CCHC_OK);
    check(rs, &t, md, paths[i]);
    rule_text_free(&t);
    cchc_text_free(text);
  }
  harness_free_list(paths, n);
  pcre2_match_data_free(md);
}

/* rule_next_start skips 16 bytes at a time to where a match may start:
 * it must stop at every offset where rule_may_start holds (and, for a rule
 * with start words, rule_start_word_at), and at no other, for every shipped rule with first bytes, over each corpus text
 * and over windows that end at every place of a block (so that the byte
 * after a block is the window's last, or past it). */
static void next_starts(const cchc_rules *rs, rule_text *t,
                        pcre2_match_data *md, const char *path) {
  (void)md;
  const unsigned char *u = (const unsigned char *)t->s;
  size_t n = t->n, tried = 0;
  for (size_t k = 0; k < rs->nrules; k++) {
    const rule *r = &rs->rules[k];
    if (!r->facts.has_first) continue;
    tried++;
    size_t i = rule_next_start(r, t->s, 0, n, n);
    for (size_t p = 0; p < n; p++) {
      if (!rule_may_start(r, u, p, n) ||
          (r->start_words && !rule_start_word_at(r->start_words, u, p, n)))
        continue;
      if (i != p) /* (ck_assert writes to Check's pipe at each call) */
        ck_abort_msg("%s: rule %s starts at %zu, next_start %zu", path,
                     r->id, p, i);
      i = rule_next_start(r, t->s, p + 1, n, n);
    }
    ck_assert_uint_eq(i, n);
    for (size_t from = 0; from + 40 < n; from += 331)
      for (size_t end = from; end < from + 40; end++) {
        size_t want = from;
        while (want < end &&
               (!rule_may_start(r, u, want, n) ||
                (r->start_words &&
                 !rule_start_word_at(r->start_words, u, want, n))))
          want++;
        if (rule_next_start(r, t->s, from, end, n) != want)
          ck_abort_msg("%s: rule %s in [%zu, %zu)", path, r->id, from, end);
      }
  }
  ck_assert_uint_gt(tried, 0);
}

START_TEST(next_starts_are_where_matches_may_start) {
  check_corpus_texts(next_starts);
}
END_TEST

/* A scan over the lines layout handed over with the text
 * (rule_text_init_lines with cchc_text_line_ends) is the scan that finds
 * them itself: the same lines, each of the same features, over every
 * plan and a few short texts, each handing them over. */
static void same_text_scans(const cchc_text *text, const char *what) {
  size_t nends;
  const uint32_t *ends = cchc_text_line_ends(text, &nends);
  ck_assert_msg(ends != NULL, "%s: no lines handed over", what);
  const char *s = cchc_text_data(text);
  size_t n = cchc_text_len(text);
  cchc_error err = {0};
  rule_text a, b;
  ck_assert_int_eq(rule_text_init(&a, s, n, &err), CCHC_OK);
  ck_assert_int_eq(rule_text_init_lines(&b, s, n, ends, nends, &err),
                   CCHC_OK);
  ck_assert_uint_eq(a.nlines, b.nlines);
  ck_assert_msg(a.has == b.has, "%s: features of the text", what);
  for (size_t li = 0; li < a.nlines; li++) {
    ck_assert_msg(a.line_end[li] == b.line_end[li], "%s: line %zu", what, li);
    ck_assert_msg(rule_line_has(&a, li) == rule_line_has(&b, li),
                  "%s: features of line %zu", what, li);
  }
  rule_text_free(&a);
  rule_text_free(&b);
}

START_TEST(lines_handed_by_layout_are_those_scanned) {
  char **paths;
  size_t np = harness_corpus_all(&paths);
  ck_assert_uint_gt(np, 0);
  for (size_t i = 0; i < np; i++) {
    cchc_text *text = harness_normalize_file(paths[i]);
    same_text_scans(text, paths[i]);
    cchc_text_free(text);
  }
  harness_free_list(paths, np);
  /* the empty text, one line without a newline, digits beyond ASCII at a
   * line's end, a last line of a byte, blanks and blank lines */
  static const char *const texts[] = {
      "", "a", "\n", "a\n\nb", "Điều 1. x\n- y;\n", "١٢\n٣",
      "x\n1", "a\tb\n|\n(1) c\n", "  a  \n\n\n b\n"};
  for (size_t i = 0; i < sizeof texts / sizeof *texts; i++) {
    cchc_text *text = NULL;
    cchc_error err = {0};
    ck_assert_int_eq(cchc_normalize(texts[i], strlen(texts[i]), NULL, &text,
                                    &err),
                     CCHC_OK);
    same_text_scans(text, texts[i]);
    cchc_text_free(text);
  }
}
END_TEST

/* Lines whose ends are handed over are read 64 bytes at a time over the
 * whole text, the text's word bytes kept for its words: random texts of
 * the bytes that matter (digits' lead bytes and the bytes after them at
 * line ends, block ends and the text's end), of 0 to 400 bytes, give each
 * line the features rule_features gives it alone, as the lines found
 * without their ends have, and the words read as rule_text_words reads
 * them without the lines' word bytes. */
START_TEST(lines_read_by_blocks_as_line_by_line) {
  static const unsigned char alphabet[] = {
      'a', 'Z', ' ', ' ', '\n', '\n', '\t', '0', '9', '/', '%', ',', '.',
      0x7F, 0x01, 0xC3, 0xA0, 0xD9, 0xE1, 0xE1, 0xE2, 0x80, 0xAF,
      0xB0, 0xB7, 0xB8, 0xBB, 0xF0, 0x9D, 0x9F};
  unsigned char s[401];
  uint32_t ends[402];
  unsigned seed = 7;
  for (int round = 0; round < 6000; round++) {
    size_t n = (size_t)(round % 401), nends = 0;
    for (size_t i = 0; i < n; i++) {
      seed = seed * 1103515245u + 12345u;
      /* long runs of letters now and then: lines across blocks */
      s[i] = (seed >> 28) < 3 ? 'x' : alphabet[(seed >> 16) % sizeof alphabet];
      if (s[i] == '\n') ends[nends++] = (uint32_t)i;
    }
    ends[nends++] = (uint32_t)n;
    const char *text = (const char *)s;
    cchc_error err = {0};
    rule_text a, b;
    ck_assert_int_eq(rule_text_init(&a, text, n, &err), CCHC_OK);
    ck_assert_int_eq(rule_text_init_lines(&b, text, n, ends, nends, &err),
                     CCHC_OK);
    ck_assert_uint_eq(b.nlines, nends);
    ck_assert_uint_eq(a.nlines, b.nlines);
    ck_assert_msg(a.has == b.has, "round %d: features of the text", round);
    for (size_t li = 0, at = 0; li < b.nlines; li++) {
      size_t end = li + 1 < nends ? ends[li] + 1 : n;
      ck_assert_msg(rule_line_has(&b, li) == rule_features(text + at, end - at),
                    "round %d: features of line %zu", round, li);
      ck_assert_msg(rule_line_has(&a, li) == rule_line_has(&b, li),
                    "round %d: line %zu", round, li);
      at = end;
    }
    const rule_words *wa = rule_text_words(&a), *wb = rule_text_words(&b);
    ck_assert_ptr_nonnull(wa);
    ck_assert_ptr_nonnull(wb);
    ck_assert_uint_eq(wa->nruns, wb->nruns);
    ck_assert_uint_eq(wa->nwords, wb->nwords);
    ck_assert(wa->too_long == wb->too_long);
    for (size_t r = 0; r < wa->nruns; r++) {
      ck_assert_msg(wa->run_at[r] == wb->run_at[r], "round %d: run %zu",
                    round, r);
      ck_assert_uint_eq(wa->run_word[r], wb->run_word[r]);
    }
    for (size_t w = 0; w < wa->nwords; w++) {
      ck_assert_uint_eq(wa->at[w], wb->at[w]);
      ck_assert_uint_eq(wa->len[w], wb->len[w]);
    }
    rule_text_free(&a);
    rule_text_free(&b);
  }
}
END_TEST

/* Every shipped rule over the whole text and the text cut short. */
static void whole_and_cut(const cchc_rules *rs, rule_text *t,
                          pcre2_match_data *md, const char *path) {
  char why[512];
  size_t cut = t->n / 3;
  while (cut > 0 && ((unsigned char)t->s[cut] & 0xC0) == 0x80) cut--;
  for (size_t k = 0; k < rs->nrules; k++) {
    ck_assert_msg(same_matches(&rs->rules[k], t, t->n, md, why, sizeof why),
                  "%s: %s", path, why);
    ck_assert_msg(same_matches(&rs->rules[k], t, cut, md, why, sizeof why),
                  "%s: %s", path, why);
  }
}

/* The scans that skip on facts find what the plain search finds, for every
 * shipped rule over every plan's canonical text, whole and cut short. */
START_TEST(scans_find_what_rules_match) { check_corpus_texts(whole_and_cut); }
END_TEST

/* The first match of each unit rule in every two lines of the text, the
 * text cut at their end, from the start to the end and back. */
static void parts(const cchc_rules *rs, rule_text *t, pcre2_match_data *md,
                  const char *path) {
  rule_list units = rules_select(rs, "unit.", NULL);
  ck_assert_uint_gt(units.n, 0);
  for (int back = 0; back < 2; back++)
    for (size_t k = 0; k + 2 < t->nlines; k++) {
      size_t li = back ? t->nlines - 3 - k : k;
      size_t a = li ? t->line_end[li - 1] + 1 : 0, b = t->line_end[li + 1];
      for (size_t r = 0; r < units.n; r++) {
        const rule *u = units.items[r];
        bool want = pcre2_match(u->code, (PCRE2_SPTR)t->s, b, a,
                                PCRE2_NO_UTF_CHECK, md, NULL) > 0;
        size_t ws = 0, we = 0, gs = 0, ge = 0;
        if (want) rule_match_span(md, &ws, &we);
        bool got = rule_scan(u, t, b, a, md);
        if (got) rule_match_span(md, &gs, &ge);
        ck_assert_msg(got == want && gs == ws && ge == we,
                      "%s: %s in [%zu, %zu): scan %d [%zu, %zu), search %d "
                      "[%zu, %zu)",
                      path, u->id, a, b, got, gs, ge, want, ws, we);
      }
    }
}

/* The same for the parts of a text the extractors ask about (two lines
 * at a time, as the units of a clause), in any order. */
START_TEST(scans_of_parts_find_what_rules_match) { check_corpus_texts(parts); }
END_TEST

/* Does s[a..b) hold, for each clause of r's literals, one of its words
 * whole?  Searched by each word's own pattern in that span alone.  The
 * word (or NULL) of the first clause none holds in *missing. */
static bool clauses_held(const rule *r, const char *s, size_t a, size_t b,
                         pcre2_match_data *md, size_t *missing) {
  const rule_facts *f = &r->facts;
  for (size_t c = 0; c < f->nlits; c++) {
    bool held = false;
    for (size_t k = 0; k < f->nalts[c] && !held; k++)
      held = pcre2_match(f->lits[c][k]->code, (PCRE2_SPTR)s, b, a,
                         PCRE2_NO_UTF_CHECK, md, NULL) > 0;
    if (!held) {
      *missing = c;
      return false;
    }
  }
  return true;
}

/* Each match of r in s[0..n): every clause of its literals held inside
 * the match (rule_facts.lits: consumed, not only looked at), or a
 * message saying where it is not.  A rule with \K says its match starts
 * after text it consumed: not checked. */
static size_t start_word_matches; /* matches checked by their start words */

static bool clauses_in_matches(const rule *r, const char *s, size_t n,
                               pcre2_match_data *md, pcre2_match_data *lmd,
                               char *why, size_t size, size_t *matches) {
  /* (\K moves a match's start past what was matched) */
  if (strstr(r->pattern, "\\K") || (!r->facts.nlits && !r->start_words))
    return true;
  for (size_t at = 0; at <= n;) {
    if (pcre2_match(r->code, (PCRE2_SPTR)s, n, at, PCRE2_NO_UTF_CHECK, md,
                    NULL) <= 0)
      break;
    size_t a, b, c = 0;
    rule_match_span(md, &a, &b);
    ++*matches;
    if (r->start_words) {
      start_word_matches++;
      if (!rule_start_word_at(r->start_words, (const unsigned char *)s, a,
                              n)) {
        snprintf(why, size, "%s: match [%zu, %zu) \"%.*s\" starts with none "
                 "of its start words", r->id, a, b, (int)(b - a), s + a);
        return false;
      }
    }
    if (r->facts.nlits && !clauses_held(r, s, a, b, lmd, &c)) {
      snprintf(why, size, "%s: match [%zu, %zu) \"%.*s\" holds no word of "
               "clause %zu (%s, ...)", r->id, a, b, (int)(b - a), s + a, c,
               r->facts.lits[c][0]->text);
      return false;
    }
    at = b > a ? b : a + 1;
    while (at < n && ((unsigned char)s[at] & 0xC0) == 0x80) at++;
  }
  return true;
}

static size_t clause_matches; /* matches checked by clauses_hold */

static void clauses_hold(const cchc_rules *rs, rule_text *t,
                         pcre2_match_data *md, const char *path) {
  char why[512];
  pcre2_match_data *lmd = pcre2_match_data_create(1, NULL);
  ck_assert_ptr_nonnull(lmd);
  for (size_t k = 0; k < rs->nrules; k++)
    ck_assert_msg(clauses_in_matches(&rs->rules[k], t->s, t->n, md, lmd, why,
                                     sizeof why, &clause_matches),
                  "%s: %s", path, why);
  pcre2_match_data_free(lmd);
}

/* The clauses of words the reader keeps hold in every match of every
 * shipped rule: over every plan's canonical text, and in each rule's own
 * examples that it matches. */
START_TEST(clauses_of_words_hold_in_every_match) {
  clause_matches = 0;
  start_word_matches = 0;
  check_corpus_texts(clauses_hold);
  ck_assert_uint_gt(clause_matches, 1000);
  ck_assert_uint_gt(start_word_matches, 1000);
  const cchc_rules *rs = harness_rules();
  pcre2_match_data *md = rules_match_data(rs);
  pcre2_match_data *lmd = pcre2_match_data_create(1, NULL);
  ck_assert_ptr_nonnull(lmd);
  char why[512];
  size_t matches = 0;
  for (size_t k = 0; k < rs->nrules; k++)
    for (size_t e = 0; e < rs->rules[k].nexamples; e++) {
      const char *x = rs->rules[k].examples[e].text;
      ck_assert_msg(clauses_in_matches(&rs->rules[k], x, strlen(x), md, lmd,
                                       why, sizeof why, &matches),
                    "example line %u: %s", rs->rules[k].examples[e].line,
                    why);
    }
  ck_assert_uint_gt(matches, 100);
  pcre2_match_data_free(lmd);
  pcre2_match_data_free(md);
}
END_TEST

/* The rules without case that PCRE2 would try at every first letter of
 * their words are tried only where a word (in any case) or, for those
 * with a branch opening with \d, a digit stands: the start words of the
 * non-target rules, read through "\u0110(?:\u1ec1|i\u1ec1u)" and past
 * "(?:TCVN\s*)?"; checked in every match above, here at places they must
 * and must not allow. */
static const struct {
  const char *rule, *text;
  bool starts;
} start_word_cases[] = {
    {"nontarget.name", "Đề án 06", true},
    {"nontarget.name", "đỀ ÁN 06", true},
    {"nontarget.name", "điều 2", true},
    {"nontarget.name", "Khoản 3", true},
    {"nontarget.name", "ISO 9001", true},
    {"nontarget.name", "iso 9001", true},
    {"nontarget.name", "TCVN ISO 9001:2015", true},
    {"nontarget.name", "Đà Nẵng", false},
    {"nontarget.name", "Các xã", false},
    {"nontarget.name", "06 nội dung", false},
    {"nontarget.level", "mức độ 3", true},
    {"nontarget.level", "MỨC ĐỘ 3", true},
    {"nontarget.level", "mua 3", false},
    {"nontarget.place", "Tổ dân phố 2", true},
    {"nontarget.place", "ấp 3", true},
    {"nontarget.place", "mua 3", false},
    {"nontarget.level", "100% TTHC", false},
    {"nontarget.date", "tháng 01/2024", true},
    {"nontarget.date", "THÁNG 01", true},
    {"nontarget.date", "Quý 1", true},
    {"nontarget.date", "15/01/2024", true},
    {"nontarget.date", "thì 5", false},
    {"nontarget.date", "nội dung", false},
};

START_TEST(start_words_tell_where_matches_may_start) {
  const cchc_rules *rs = harness_rules();
  const rule *r = rules_find(rs, start_word_cases[_i].rule);
  ck_assert_ptr_nonnull(r);
  /* nontarget.date is tried at every byte it may start with (by_first):
   * it is tried only at its start words; the others, searched by PCRE2
   * (its start bitmap), are not, but their words are read all the same */
  ck_assert(!strcmp(r->id, "nontarget.date") == (r->start_words != NULL));
  uint32_t options = 0;
  pcre2_pattern_info(r->code, PCRE2_INFO_ARGOPTIONS, &options);
  rule_start_words *sw = NULL;
  ck_assert_msg(rule_start_words_read(r->pattern, options, &sw),
                "%s has no start words", r->id);
  const char *x = start_word_cases[_i].text;
  ck_assert_msg(rule_start_word_at(sw, (const unsigned char *)x, 0,
                                   strlen(x)) == start_word_cases[_i].starts,
                "%s at \"%s\"", r->id, x);
  free(sw);
  /* and a search finds a match at the start exactly where they allow one
   * (each text that may start one is one of its matches) */
  pcre2_match_data *md = rules_match_data(rs);
  bool found = rule_exec(r, x, strlen(x), 0, md);
  size_t a = SIZE_MAX, b;
  if (found) rule_match_span(md, &a, &b);
  ck_assert_msg((found && a == 0) == start_word_cases[_i].starts,
                "%s in \"%s\"", r->id, x);
  pcre2_match_data_free(md);
}
END_TEST

/* The words of a text as the unit gate reads them: runs of ASCII letters
 * and digits and bytes beyond ASCII, each distinct one once. */
static const char *words_text;

static bool in_word(unsigned char c) {
  return c >= 0x80 || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
         (c >= 'A' && c <= 'Z');
}

typedef struct text_word {
  size_t at;
  uint32_t len;
} text_word;

static int by_bytes(const void *a, const void *b) {
  const text_word *p = a, *q = b;
  if (p->len != q->len) return p->len < q->len ? -1 : 1;
  return memcmp(words_text + p->at, words_text + q->at, p->len);
}

/* Which literals each distinct word of the plan holds: every literal of
 * the shipped rules made of word bytes, as rule_literals_in_words tells
 * (searched, or kept from the plans before), against its pattern searched
 * along the words joined by line breaks. */
static void literals_in_words(const cchc_rules *rs, rule_text *t,
                              pcre2_match_data *md, const char *path) {
  text_word *v = malloc((t->n / 2 + 1) * sizeof *v);
  ck_assert_ptr_nonnull(v);
  size_t nv = 0;
  for (size_t i = 0; i < t->n;) {
    size_t e = i;
    while (e < t->n && in_word((unsigned char)t->s[e])) e++;
    if (e > i) v[nv++] = (text_word){i, (uint32_t)(e - i)};
    i = e + 1;
  }
  words_text = t->s;
  qsort(v, nv, sizeof *v, by_bytes);
  size_t nw = 0, total = 0;
  for (size_t i = 0; i < nv; i++)
    if (!nw || by_bytes(&v[nw - 1], &v[i])) v[nw++] = v[i];
  size_t *at = malloc((nw + 1) * sizeof *at);
  size_t *start = malloc((nw + 1) * sizeof *start);
  uint32_t *len = malloc((nw + 1) * sizeof *len);
  char *joined = malloc(t->n + nw + 1);
  const rule_literal **lits = malloc(rs->literals.n * sizeof *lits);
  ck_assert(at && start && len && joined && lits);
  for (size_t w = 0; w < nw; w++) {
    at[w] = v[w].at;
    len[w] = v[w].len;
    start[w] = total;
    memcpy(joined + total, t->s + at[w], len[w]);
    total += len[w];
    joined[total++] = '\n';
  }
  start[nw] = total;
  size_t nlits = 0, caseless = 0;
  for (size_t i = 0; i < rs->literals.n; i++) {
    const rule_literal *l = rs->literals.items[i];
    const char *p = l->text;
    while (*p && in_word((unsigned char)*p)) p++;
    if (*p) continue;
    lits[nlits++] = l;
    caseless += l->caseless;
  }
  ck_assert_uint_gt(nlits, 100);
  ck_assert_uint_gt(caseless, 0);
  size_t nbits = nlits / 64 + 1;
  uint64_t *holds = calloc(nw * nbits + 1, sizeof *holds);
  uint64_t *want = calloc(nw * nbits + 1, sizeof *want);
  ck_assert(holds && want);
  /* asked twice: the second time the words are answered from the first
   * (and from the plans before) */
  uint64_t *again = calloc(nw * nbits + 1, sizeof *again);
  ck_assert(again);
  ck_assert(rule_literals_in_words(lits, nlits, t->s, at, len, NULL, nw,
                                   holds, nbits));
  ck_assert(rule_literals_in_words(lits, nlits, t->s, at, len, NULL, nw,
                                   again, nbits));
  ck_assert(!memcmp(holds, again, nw * nbits * sizeof *holds));
  free(again);
  size_t found = 0;
  for (size_t i = 0; i < nlits; i++)
    for (size_t from = 0, w = 0;
         from < total &&
         pcre2_match(lits[i]->code, (PCRE2_SPTR)joined, total, from,
                     PCRE2_NO_UTF_CHECK, md, NULL) > 0;
         from = start[w + 1]) {
      size_t hit = pcre2_get_ovector_pointer(md)[0];
      while (start[w + 1] <= hit) w++;
      want[w * nbits + i / 64] |= (uint64_t)1 << (i % 64);
      found++;
    }
  ck_assert_uint_gt(found, 0);
  for (size_t w = 0; w < nw; w++)
    for (size_t i = 0; i < nlits; i++) {
      uint64_t bit = (uint64_t)1 << (i % 64);
      ck_assert_msg((holds[w * nbits + i / 64] & bit) ==
                        (want[w * nbits + i / 64] & bit),
                    "%s: literal '%s'%s in word '%.*s': told %d, searched %d",
                    path, lits[i]->text, lits[i]->caseless ? " (caseless)" : "",
                    (int)len[w], t->s + at[w],
                    !!(holds[w * nbits + i / 64] & bit),
                    !!(want[w * nbits + i / 64] & bit));
    }
  free(holds);
  free(want);
  free(lits);
  free(joined);
  free(len);
  free(start);
  free(at);
  free(v);
}

START_TEST(literals_stand_in_words_where_searches_find_them) {
  check_corpus_texts(literals_in_words);
}
END_TEST

/* Does literal l's pattern find a match in w[0, n)? */
static bool literal_in(const rule_literal *l, const char *w, size_t n,
                       pcre2_match_data *md) {
  return pcre2_match(l->code, (PCRE2_SPTR)w, n, 0, 0, md, NULL) > 0;
}

/* rule_literal_in_words reads what the literal's bytes told as it was
 * made: the same as its bytes read now, for every literal of the set. */
START_TEST(literal_in_words_as_its_bytes_tell) {
  const cchc_rules *rs = harness_rules();
  size_t in = 0;
  for (size_t i = 0; i < rs->literals.n; i++) {
    const rule_literal *l = rs->literals.items[i];
    bool bytes = true;
    for (const char *p = l->text; *p; p++)
      bytes = bytes && rule_word_byte((unsigned char)*p);
    ck_assert_int_eq(rule_literal_in_words(l), bytes);
    ck_assert_int_eq(rule_literal_bytes_in_words(l->text), bytes);
    in += bytes;
  }
  ck_assert_uint_gt(in, 100);
  /* (the shipped set's literals all are: the other answer by its bytes) */
  ck_assert(rule_literal_bytes_in_words("h\xc3\xa0nh"));
  ck_assert(!rule_literal_bytes_in_words("b-c"));
  ck_assert(!rule_literal_bytes_in_words("b c"));
}
END_TEST

/* What the words of a text hold, asked with the words as the text reads
 * them (rule_text_words) and their numbers (rule_text_word_ids: the
 * text's words numbered once, and a word numbered so keeps what a text
 * before found in it), and asked again with copies of the arrays
 * (numbered where asked), is what each literal's pattern finds in each
 * word, text after text.  Two long words of one key (their first and last
 * 8 bytes and length alike: word_key) but other bytes between, one
 * holding a literal the other does not, are two words. */
START_TEST(literals_in_words_are_kept_by_the_words_bytes) {
  const cchc_rules *rs = harness_rules();
  pcre2_match_data *md = rules_match_data(rs);
  const rule_literal **lits = malloc(rs->literals.n * sizeof *lits);
  ck_assert_ptr_nonnull(lits);
  size_t nlits = 0;
  for (size_t i = 0; i < rs->literals.n; i++)
    if (rule_literal_in_words(rs->literals.items[i]))
      lits[nlits++] = rs->literals.items[i];
  ck_assert_uint_gt(nlits, 100);
  size_t nbits = nlits / 64 + 1;
  /* a literal of a few ASCII letters, in word A between the same 8 bytes
   * as B's digits, and not in B */
  char a[64], b[64];
  const rule_literal *in_a = NULL;
  for (size_t i = 0; i < nlits && !in_a; i++) {
    const char *p = lits[i]->text;
    size_t n = strlen(p), k = 0;
    while (k < n && p[k] >= 'a' && p[k] <= 'z') k++;
    if (k < n || n < 3 || n > 8) continue;
    snprintf(a, sizeof a, "qqqqqqqq%sqqqqqqqq", p);
    snprintf(b, sizeof b, "qqqqqqqq%.*sqqqqqqqq", (int)n, "0123456789");
    if (literal_in(lits[i], a, strlen(a), md) &&
        !literal_in(lits[i], b, strlen(b), md))
      in_a = lits[i];
  }
  ck_assert_ptr_nonnull(in_a);
  char texts[3][256];
  snprintf(texts[0], sizeof texts[0], "Kế hoạch %s về văn bản năm 2026\n", a);
  snprintf(texts[1], sizeof texts[1], "%s: văn bản của Kế hoạch\n", b);
  snprintf(texts[2], sizeof texts[2], "%s, lần nữa %s; hoạch\n", b, a);
  bool told_apart = false;
  for (int round = 0; round < 2; round++)
    for (size_t i = 0; i < 3; i++) {
      rule_text t;
      cchc_error err = {0};
      ck_assert_int_eq(
          rule_text_init(&t, texts[i], strlen(texts[i]), &err), CCHC_OK);
      const rule_words *w = rule_text_words(&t);
      const uint32_t *id = rule_text_word_ids(&t);
      ck_assert(w && id);
      size_t nw = w->nwords;
      uint64_t *holds = calloc(nw * nbits + 1, sizeof *holds);
      uint64_t *again = calloc(nw * nbits + 1, sizeof *again);
      size_t *at = malloc((nw + 1) * sizeof *at);
      uint32_t *len = malloc((nw + 1) * sizeof *len);
      ck_assert(holds && again && at && len);
      memcpy(at, w->at, nw * sizeof *at);
      memcpy(len, w->len, nw * sizeof *len);
      ck_assert(rule_literals_in_words(lits, nlits, t.s, w->at, w->len, id,
                                       nw, holds, nbits));
      ck_assert(rule_literals_in_words(lits, nlits, t.s, at, len, NULL, nw,
                                       again, nbits));
      for (size_t d = 0; d < nw; d++) {
        const char *word = t.s + w->at[d];
        for (size_t k = 0; k < nlits; k++) {
          bool want = literal_in(lits[k], word, w->len[d], md);
          uint64_t bit = (uint64_t)1 << (k % 64);
          ck_assert_msg(!!(holds[d * nbits + k / 64] & bit) == want &&
                            !!(again[d * nbits + k / 64] & bit) == want,
                        "text %zu, round %d: '%s' in '%.*s': told %d/%d, "
                        "searched %d",
                        i, round, lits[k]->text, (int)w->len[d], word,
                        !!(holds[d * nbits + k / 64] & bit),
                        !!(again[d * nbits + k / 64] & bit), want);
          told_apart = told_apart || (lits[k] == in_a && !want &&
                                      w->len[d] == strlen(b));
        }
      }
      free(holds);
      free(again);
      free(at);
      free(len);
      rule_text_free(&t);
    }
  ck_assert(told_apart);
  free(lits);
  pcre2_match_data_free(md);
}
END_TEST

/* Where each literal of the shipped rules stands in a plan, asked of one
 * text in any order (the text keeps what it knows of each literal apart,
 * in the order first asked): the places its pattern's search finds, the
 * same when asked again. */
static void literal_places_in_any_order(const cchc_rules *rs, rule_text *t,
                                        pcre2_match_data *md,
                                        const char *path) {
  size_t n = rs->literals.n, told = 0;
  for (int pass = 0; pass < 3; pass++)
    for (size_t k = 0; k < n; k++) {
      /* backwards, forwards, then strided from the middle */
      size_t i = pass == 0 ? n - 1 - k : pass == 1 ? k : (n / 2 + 7 * k) % n;
      const rule_literal *l = rs->literals.items[i];
      const uint32_t *at;
      size_t count, want = 0;
      if (!rule_text_places(t, l, &at, &count)) continue; /* too many */
      told++;
      for (size_t from = 0;
           from < t->n && code_match(l->code, &l->jit, t->s, t->n, from, md,
                                     NULL) > 0;) {
        size_t o = pcre2_get_ovector_pointer(md)[0];
        ck_assert_msg(want < count && at[want] == o,
                      "%s: literal '%s' at %zu not told (pass %d)", path,
                      l->text, o, pass);
        want++;
        for (from = o + 1;
             from < t->n && ((unsigned char)t->s[from] & 0xC0) == 0x80;
             from++) {
        }
      }
      ck_assert_msg(count == want, "%s: literal '%s': %zu places told, %zu",
                    path, l->text, count, want);
    }
  ck_assert_uint_gt(told, n);
}

START_TEST(literal_places_are_those_searches_find_in_any_order) {
  check_corpus_texts(literal_places_in_any_order);
}
END_TEST

/* ---- areas of headings ------------------------------------------------ */

/* The shipped words of areas.tsv name the area of a heading: the area
 * whose word comes first, the upper row of the table on a tie. */
static const struct {
  const char *heading, *area;
} area_headings[] = {
    {"Đánh giá tác động của cải cách hành chính", "tac_dong"},
    {"Áp dụng ISO trong hoạt động của các cơ quan, đơn vị", "iso"},
    {"Kinh tế số và xã hội số", "kinh_te_so"},
    {"Xây dựng và phát triển chính quyền điện tử, chính quyền số", "cqs"},
    {"Về Chuyển đổi số (CĐS)", "cqs"},
    {"CẢI CÁCH THỂ CHẾ", "the_che"},
    {"Cải cách thủ tục hành chính (TTHC) và thực hiện cơ chế một cửa", "tthc"},
    {"Cải cách tổ chức bộ máy hành chính nhà nước", "bo_may"},
    {"Cải cách chế độ công vụ", "cong_vu"},
    {"Cải cách tài chính công", "tai_chinh"},
    {"Tuyên truyền về cải cách hành chính", "tuyen_truyen"},
    {"Chủ trì công tác tuyên tuyền cải cách hành chính", "tuyen_truyen"},
    {"Công tác chỉ đạo, điều hành cải cách hành chính", "chi_dao"},
    {"Chỉ đạo điều hành CCHC", "chi_dao"},
    {"Đánh giá kết quả", NULL},
    {"Tổ chức thực hiện", NULL},
    {"Thông tin cơ sở", NULL},
    /* A rule runs on a heading only when the heading holds its words
     * (sections.c), compared in one case: in capitals, in mixed case and
     * with "ſ", which PCRE2 matches as "s" without case, a heading still
     * names its area. */
    {"ĐÁNH GIÁ TÁC ĐỘNG CỦA CẢI CÁCH HÀNH CHÍNH", "tac_dong"},
    {"ÁP DỤNG HỆ THỐNG QUẢN LÝ CHẤT LƯỢNG TCVN iso 9001", "iso"},
    {"PHÁT TRIỂN KINH TẾ SỐ, XÃ HỘI SỐ", "kinh_te_so"},
    {"Kinh tế \u017f\u1ed1", "kinh_te_so"},
    {"CHUYỂN ĐỔI SỐ TRONG CƠ QUAN NHÀ NƯỚC", "cqs"},
    {"CẢI CÁCH THỦ TỤC HÀNH CHÍNH", "tthc"},
    {"Thực Hiện Cơ Chế Một Cửa", "tthc"},
    {"CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH", "chi_dao"},
    {"- ĐIỀU HÀNH CẢI CÁCH HÀNH CHÍNH", "chi_dao"},
    {"TUYÊN TRUYỀN VỀ CẢI CÁCH HÀNH CHÍNH", "tuyen_truyen"},
    /* the first word wins, whatever rule finds it */
    {"CẢI CÁCH TTHC GẮN VỚI CHUYỂN ĐỔI SỐ", "tthc"},
    {"CHUYỂN ĐỔI SỐ GẮN VỚI CẢI CÁCH TTHC", "cqs"},
};

START_TEST(area_words_name_headings) {
  char plan[512];
  snprintf(plan, sizeof plan, "KẾ HOẠCH\nI. %s\n", area_headings[_i].heading);
  cchc_frame *f = harness_process(harness_rules(), plan, strlen(plan));
  ck_assert_uint_eq(f->nsections, 1);
  const char *want = area_headings[_i].area, *got = f->sections[0].area;
  ck_assert_msg(want ? got && !strcmp(got, want) : !got, "'%s': %s, not %s",
                area_headings[_i].heading, got ? got : "none",
                want ? want : "none");
  cchc_frame_free(f);
}
END_TEST

/* ---- section tree ---------------------------------------------------- */

static cchc_frame *extract_text(const char *input) {
  return harness_process(harness_rules(), input, strlen(input));
}

static const char plan[] =
    "KẾ HOẠCH\n"
    "Cải cách hành chính năm 2026\n"
    "I. MỤC ĐÍCH, YÊU CẦU\n"
    "1. Mục đích\n"
    "Nâng cao hiệu quả.\n"
    "II. NỘI DUNG\n"
    "1. Cải cách thể chế\n"
    "1.1. Mục tiêu\n"
    "- Văn bản được ban hành đúng quy định.\n"
    "1.2 Nhiệm vụ\n"                       /* no final dot */
    "a) Rà soát văn bản\n"
    "2. Cải cách thủ tục hành chính\n"
    "2.1. Mục tiêu\n"
    "3.3. Xây dựng và phát triển chính quyền số\n" /* wrong parent number */
    "III. TỔ CHỨC THỰC HIỆN\n"
    "PHỤ LỤC\n"
    "I CÔNG TÁC CHỈ ĐẠO ĐIỀU HÀNH CCHC\n"
    "1.1. Nâng cao chất lượng\n"           /* a table cell, not a section */
    "Tư pháp\n";

static const frame_section *find_section(const cchc_frame *f,
                                         const char *number, int nth) {
  for (size_t i = 0; i < f->nsections; i++)
    if (f->sections[i].number && !strcmp(f->sections[i].number, number) &&
        nth-- == 0)
      return &f->sections[i];
  return NULL;
}

START_TEST(section_tree_nests_by_numbering_style) {
  cchc_frame *f = extract_text(plan);
  const frame_section *s2 = find_section(f, "II", 0);
  const frame_section *s21 = find_section(f, "1", 1);
  const frame_section *s211 = find_section(f, "1.1", 0);
  const frame_section *s212 = find_section(f, "1.2", 0);
  const frame_section *sa = find_section(f, "a", 0);
  ck_assert_ptr_nonnull(s2);
  ck_assert_ptr_nonnull(s21);
  ck_assert_ptr_nonnull(s211);
  ck_assert_ptr_nonnull(s212);
  ck_assert_ptr_nonnull(sa);
  ck_assert_int_eq(s2->level, 1);
  ck_assert_int_eq(s21->level, 2);
  ck_assert_int_eq(s211->level, 3);
  ck_assert_int_eq(s212->level, 3);
  ck_assert_int_eq(sa->level, 4);
  ck_assert_ptr_eq(&f->sections[s21->parent], s2);
  ck_assert_ptr_eq(&f->sections[s212->parent], s21);
  ck_assert_str_eq(s21->heading, "Cải cách thể chế");
  /* Areas come from heading words and are inherited below. */
  ck_assert_str_eq(s21->area, "the_che");
  ck_assert_ptr_null(s211->area);
  ck_assert_str_eq(find_section(f, "2", 0)->area, "tthc");
  const frame_section *wrong = find_section(f, "3.3", 0);
  ck_assert_ptr_nonnull(wrong);
  ck_assert_int_eq(wrong->level, 3); /* still under "2." */
  ck_assert_str_eq(wrong->area, "cqs");
  /* The span of a section is its heading line in the original input. */
  ck_assert_int_eq((int)(s21->span.end - s21->span.start),
                   (int)strlen("1. Cải cách thể chế"));
  ck_assert(!memcmp(plan + s21->span.start, "1. Cải cách thể chế",
                    s21->span.end - s21->span.start));
  ck_assert_str_eq(s21->rule, "section.arabic");
  cchc_frame_free(f);
}
END_TEST

/* What the walk over the lines asks of each section rule is read once
 * and kept with the rule (sections.c: section_mark): after a plan, each
 * holds what its attributes say, and two rules share a style number
 * exactly when their marker styles (marker, else id) are one name; the
 * decimal depths' numbers 0 to 3 are no rule's but a "decimalN" one's. */
static const char *marker_style(const rule *r) {
  const char *m = rule_attr(r, "marker");
  return m ? m : r->id;
}

START_TEST(section_marks_read_once_as_they_say) {
  cchc_frame *f = extract_text(plan);
  cchc_frame_free(f);
  rule_list ms = rules_select(harness_rules(), "section.", NULL);
  ck_assert_uint_gt(ms.n, 3);
  size_t appendix = 0, decimal = 0, shared = 0;
  for (size_t i = 0; i < ms.n; i++) {
    const rule *r = ms.items[i];
    const char *table = rule_attr(r, "table"), *header = rule_attr(r, "header");
    const char *style = marker_style(r);
    ck_assert_int_eq(atomic_load(&((rule *)r)->mark_state), 1);
    ck_assert_int_eq(r->mark_body, !(table && !strcmp(table, "only")));
    ck_assert_int_eq(r->mark_opens_appendix, !strcmp(style, "appendix"));
    /* (xappendix_lines asks it for marker=appendix: no id is "appendix") */
    const char *marker = rule_attr(r, "marker");
    ck_assert_int_eq(r->mark_opens_appendix,
                     marker && !strcmp(marker, "appendix"));
    ck_assert_int_eq(r->mark_appendix,
                     table != NULL || !strcmp(style, "appendix"));
    ck_assert_int_eq(r->mark_decimal, !strcmp(style, "decimal"));
    ck_assert_int_eq(r->mark_continues,
                     header && !strcmp(header, "continues"));
    bool depth = strlen(style) == 8 && !strncmp(style, "decimal", 7) &&
                 style[7] >= '2' && style[7] <= '5';
    ck_assert_int_eq(r->mark_style < 4, depth);
    if (depth) ck_assert_int_eq(r->mark_style, style[7] - '2');
    for (size_t j = 0; j < ms.n; j++) {
      bool same = !strcmp(style, marker_style(ms.items[j]));
      ck_assert_int_eq(r->mark_style == ms.items[j]->mark_style, same);
      shared += same && i != j;
    }
    appendix += r->mark_opens_appendix;
    decimal += r->mark_decimal;
  }
  ck_assert_uint_gt(appendix, 0);
  ck_assert_uint_gt(decimal, 0);
  ck_assert_uint_gt(shared, 0); /* (roman, letter) */
}
END_TEST

START_TEST(appendix_cells_are_not_sections) {
  cchc_frame *f = extract_text(plan);
  const frame_section *app = NULL;
  for (size_t i = 0; i < f->nsections && !app; i++)
    if (!strcmp(f->sections[i].rule, "section.appendix"))
      app = &f->sections[i];
  ck_assert_ptr_nonnull(app);
  ck_assert_ptr_null(app->number); /* "PHỤ LỤC" without a number */
  ck_assert_int_eq(app->level, 1);
  const frame_section *group = find_section(f, "I", 1); /* after "I." */
  ck_assert_ptr_nonnull(group);
  ck_assert_ptr_eq(&f->sections[group->parent], app);
  ck_assert_str_eq(group->area, "chi_dao");
  /* "1.1." appears once, in the body; the appendix one is a cell. */
  ck_assert_ptr_nonnull(find_section(f, "1.1", 0));
  ck_assert_ptr_null(find_section(f, "1.1", 1));
  cchc_frame_free(f);
}
END_TEST

/* Each numbering form a plan may use: the section found, its number
 * without punctuation and the rule; a closing '.' or ':' is not part of the
 * heading.  Wordings of our own. */
static const struct {
  const char *line, *number, *heading, *rule;
} numbering_forms[] = {
    {"a) Phát triển dữ liệu số", "a", "Phát triển dữ liệu số", "section.alpha"},
    {"b. Đào tạo kỹ năng số:", "b", "Đào tạo kỹ năng số", "section.alpha"},
    {"đ/ Tăng cường kiểm tra.", "đ", "Tăng cường kiểm tra", "section.alpha"},
    {"1) Mục tiêu chung", "1", "Mục tiêu chung", "section.arabic"},
    {"2. Mục tiêu cụ thể:", "2", "Mục tiêu cụ thể", "section.arabic"},
    {"3/ Nhiệm vụ", "3", "Nhiệm vụ", "section.arabic"},
    {"I. MỤC ĐÍCH", "I", "MỤC ĐÍCH", "section.roman"},
    {"II - NỘI DUNG", "II", "NỘI DUNG", "section.roman"},
    {"III/ GIẢI PHÁP:", "III", "GIẢI PHÁP", "section.roman"},
    {"IV) Kinh phí", "IV", "Kinh phí", "section.roman"},
    {"1.1. Chỉ tiêu", "1.1", "Chỉ tiêu", "section.decimal"},
    {"2.3 Nhiệm vụ", "2.3", "Nhiệm vụ", "section.decimal"},
    {"3.1.2. Dữ liệu mở", "3.1.2", "Dữ liệu mở", "section.decimal"},
    {"Điều 2. Tổ chức thực hiện", "2", "Tổ chức thực hiện", "section.article"},
    {"Phần I. QUY ĐỊNH CHUNG", "I", "QUY ĐỊNH CHUNG", "section.part"},
    {"Chương 2", "2", "", "section.chapter"},
    {"Mục 3. Kiểm tra", "3", "Kiểm tra", "section.item"},
    {"B. NHIỆM VỤ CỤ THỂ", "B", "NHIỆM VỤ CỤ THỂ", "section.upper"},
};

START_TEST(section_numbering_forms) {
  char text[256];
  snprintf(text, sizeof text, "KẾ HOẠCH\nThử nghiệm\n%s\nNội dung.\n",
           numbering_forms[_i].line);
  cchc_frame *f = extract_text(text);
  ck_assert_msg(f->nsections == 1, "%s: %zu sections", numbering_forms[_i].line,
                f->nsections);
  const frame_section *sec = &f->sections[0];
  ck_assert_str_eq(sec->number, numbering_forms[_i].number);
  ck_assert_str_eq(sec->heading, numbering_forms[_i].heading);
  ck_assert_str_eq(sec->rule, numbering_forms[_i].rule);
  cchc_frame_free(f);
}
END_TEST

/* A plan's nesting comes from the kind of its numbering, whatever the
 * punctuation: "1." and "1)" are one level, and so are "a)" and "a/". */
START_TEST(section_levels_ignore_punctuation) {
  cchc_frame *f = extract_text("KẾ HOẠCH\n"
                               "I - MỤC TIÊU\n"
                               "1. Mục tiêu chung\n"
                               "a) Về thể chế\n"
                               "b/ Về thủ tục\n"
                               "2) Mục tiêu cụ thể\n"
                               "II/ NHIỆM VỤ\n"
                               "1/ Nhiệm vụ chung\n");
  ck_assert_uint_eq(f->nsections, 7);
  static const int level[] = {1, 2, 3, 3, 2, 1, 2};
  static const int parent[] = {-1, 0, 1, 1, 0, -1, 5};
  for (size_t i = 0; i < 7; i++) {
    ck_assert_int_eq(f->sections[i].level, level[i]);
    ck_assert_int_eq(f->sections[i].parent, parent[i]);
  }
  cchc_frame_free(f);
}
END_TEST

/* Articles of a decision are sections, but the header goes on past them:
 * the title of the plan the decision issues is still found. */
START_TEST(decision_articles_are_sections) {
  cchc_frame *f = extract_text("QUYẾT ĐỊNH\n"
                               "Điều 1. Ban hành kèm theo Quyết định này Kế "
                               "hoạch thử nghiệm.\n"
                               "Điều 2. Quyết định có hiệu lực từ ngày ký.\n"
                               "I. MỤC TIÊU\n"
                               "1. Mục tiêu chung\n");
  ck_assert_uint_eq(f->nsections, 4);
  ck_assert_str_eq(f->sections[1].number, "2");
  ck_assert_int_eq(f->sections[1].level, 1);
  ck_assert_int_eq(f->sections[2].level, 2); /* "I." under "Điều 2." */
  cchc_frame_free(f);
}
END_TEST

/* extract_sections tries at each line only the rules its kind of line
 * (its features) and first byte let through, told once per kind: lines
 * of one kind, numbered in several styles, each still find their rule,
 * and the lines between them none. */
START_TEST(lines_of_one_kind_find_each_their_section_rule) {
  static const char text[] = "KẾ HOẠCH\n"
                             "I. MỤC ĐÍCH\n"
                             "1. Mục đích\n"
                             "Nâng cao. Hiệu quả.\n"
                             "a) Nội dung một\n"
                             "b) Nội dung hai\n"
                             "Rà soát) văn bản\n"
                             "2. Yêu cầu\n"
                             "II. NỘI DUNG\n"
                             "1. Thể chế\n"
                             "Công khai. Minh bạch.\n"
                             "2. Thủ tục\n"
                             "III. TỔ CHỨC THỰC HIỆN\n";
  static const char *const numbers[] = {"I", "1", "a", "b", "2",
                                        "II", "1", "2", "III"};
  cchc_frame *f = extract_text(text);
  size_t n = sizeof numbers / sizeof *numbers;
  ck_assert_uint_eq(f->nsections, n);
  for (size_t i = 0; i < n; i++) {
    ck_assert_ptr_nonnull(f->sections[i].number);
    ck_assert_str_eq(f->sections[i].number, numbers[i]);
  }
  ck_assert_int_eq(f->sections[2].level, 3); /* a) under 1. under I. */
  cchc_frame_free(f);
}
END_TEST

/* Each section keeps where its heading's text starts (head_start, what
 * its rule's group `head` read), which the extractors ask instead of
 * matching the rule again: the heading text stands there in the plan
 * (canonical as it is), past the marker ("I. ", "1.1. ", "a) "). */
START_TEST(sections_keep_where_their_heading_starts) {
  cchc_frame *f = extract_text(plan);
  ck_assert_uint_gt(f->nsections, 3);
  size_t past_marker = 0;
  for (size_t k = 0; k < f->nsections; k++) {
    const frame_section *sec = &f->sections[k];
    size_t hn = strlen(sec->heading);
    ck_assert_uint_ge(sec->head_start, sec->body_start);
    ck_assert_uint_le(sec->head_start + hn, strlen(plan));
    ck_assert_msg(!strncmp(plan + sec->head_start, sec->heading, hn),
                  "section %s: heading '%s' not at %zu", sec->id,
                  sec->heading, sec->head_start);
    past_marker += sec->head_start > sec->body_start;
  }
  ck_assert_uint_eq(past_marker, f->nsections);
  cchc_frame_free(f);
}
END_TEST

START_TEST(corpus_sections_have_areas) {
  char **paths;
  size_t n = harness_corpus(&paths);
  ck_assert_uint_gt(n, 0);
  for (size_t i = 0; i < n; i++) {
    size_t len;
    char *data = harness_read(paths[i], &len);
    ck_assert_ptr_nonnull(data);
    cchc_frame *f = extract_text(data);
    size_t with_area = 0, top = 0;
    for (size_t k = 0; k < f->nsections; k++) {
      with_area += f->sections[k].area != NULL;
      top += f->sections[k].level == 1;
      ck_assert_uint_le(f->sections[k].span.end, len);
    }
    /* Every plan has parts I., II., ... and areas of reform. */
    ck_assert_msg(top >= 3, "%s: %zu top-level parts", paths[i], top);
    ck_assert_msg(with_area >= 5, "%s: %zu sections with an area", paths[i],
                  with_area);
    cchc_frame_free(f);
    free(data);
  }
  harness_free_list(paths, n);
}
END_TEST

/* ---- the words of a text ------------------------------------------------- */

/* The words of a text are numbered in the order they first stand, each
 * run its word's number, as a plain reader tells them: maximal runs of
 * word bytes, a run the same word as an earlier one when its bytes are.
 * Texts of many words (the table of distinct words grows), short and long
 * ones (up to 8 bytes a word's key is its bytes; longer ones are hashed
 * from their first and last 8 bytes and length, so that words sharing
 * both ends, or differing only in length, meet in one slot), words at the
 * very end of the text, and runs too long to be words. */
START_TEST(words_are_numbered_as_a_plain_reader_numbers_them) {
  static const char *const parts[] = {"a", "b", "năm", "Năm", "ngày", "1",
                                      "20", "ư", "ờ", "xy"};
  enum { NPARTS = sizeof parts / sizeof *parts };
  unsigned seed = 17u + (unsigned)_i;
  for (int round = 0; round < 40; round++) {
    char *s = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&s, &n);
    ck_assert_ptr_nonnull(f);
    int nruns = 50 + round * 60;
    for (int i = 0; i < nruns; i++) {
      seed = seed * 1103515245u + 12345u;
      unsigned r = seed >> 8;
      int pieces = 1 + (int)(r % (r % 7 == 0 ? 40 : 4));
      if (round % 10 == 9 && i == nruns / 2) pieces = 300; /* too long */
      /* long words sharing their first and last bytes, differing inside
       * or in length */
      if (r % 5 == 0) fputs("trướcxxxxxx", f);
      for (int k = 0; k < pieces; k++) {
        seed = seed * 1103515245u + 12345u;
        fputs(parts[(seed >> 8) % NPARTS], f);
      }
      if (r % 5 == 0) fputs("yyyyyysau", f);
      static const char *const gaps[] = {" ", ", ", "\n", ". ", "/", " - "};
      if (i + 1 < nruns || round % 2) fputs(gaps[(r >> 4) % 6], f);
    }
    fclose(f);
    rule_text t;
    cchc_error err = {0};
    ck_assert_int_eq(rule_text_init(&t, s, n, &err), CCHC_OK);
    const rule_words *w = rule_text_words(&t);
    ck_assert_ptr_nonnull(w);
    /* the plain reader: each run against every distinct word before */
    size_t r = 0, nwords = 0;
    bool too_long = false;
    for (size_t i = 0; i < n;) {
      if (!rule_word_byte((unsigned char)s[i])) {
        i++;
        continue;
      }
      size_t e = i;
      while (e < n && rule_word_byte((unsigned char)s[e])) e++;
      ck_assert_uint_lt(r, w->nruns);
      ck_assert_uint_eq(w->run_at[r], i);
      if (e - i > RULE_LONGEST_WORD) {
        too_long = true;
        ck_assert_uint_eq(w->run_word[r], RULE_NO_WORD);
      } else {
        size_t d = 0;
        while (d < nwords &&
               !(w->len[d] == e - i && !memcmp(s + w->at[d], s + i, e - i)))
          d++;
        if (d == nwords) { /* a new word: the next number, here */
          ck_assert_uint_lt(d, w->nwords);
          ck_assert_uint_eq(w->at[d], i);
          ck_assert_uint_eq(w->len[d], e - i);
          nwords++;
        }
        ck_assert_uint_eq(w->run_word[r], d);
      }
      r++;
      i = e;
    }
    ck_assert_uint_eq(r, w->nruns);
    ck_assert_uint_eq(nwords, w->nwords);
    ck_assert_int_eq(w->too_long, too_long);
    rule_text_free(&t);
    free(s);
  }
}
END_TEST

/* The words of texts read one after another by one thread, each as its
 * own: the table of distinct words the thread keeps between texts
 * (words_read) is left empty by each, whether its words fit it (a few
 * hundred), outgrew it (thousands), or share bytes with the text before:
 * every run is numbered as the first run of its bytes, the numbers from 0
 * in order of arrival. */
START_TEST(words_of_texts_in_turn_are_each_texts_own) {
  enum { MANY = 3000 };
  char *texts[4];
  size_t cap = MANY * 12 + 64;
  for (int i = 0; i < 4; i++) {
    texts[i] = malloc(cap);
    ck_assert_ptr_nonnull(texts[i]);
  }
  /* a few words; thousands (twice each); a few, some of the first text's;
   * the first text's words in another order */
  snprintf(texts[0], cap, "năm kế hoạch 2026 năm\nthực hiện kế hoạch\n");
  size_t o = 0;
  for (int k = 0; k < 2 * MANY; k++)
    o += (size_t)snprintf(texts[1] + o, cap - o, "w%d%c", k % MANY,
                          k % 9 ? ' ' : '\n');
  snprintf(texts[2], cap, "hoạch kế w7 năm 2026, w7 mới\n");
  snprintf(texts[3], cap, "hiện thực 2026 kế năm hoạch kế\n");
  for (int round = 0; round < 2; round++)
    for (int i = 0; i < 4; i++) {
      rule_text t;
      cchc_error err = {0};
      const char *s = texts[i];
      ck_assert_int_eq(rule_text_init(&t, s, strlen(s), &err), CCHC_OK);
      const rule_words *w = rule_text_words(&t);
      ck_assert_ptr_nonnull(w);
      size_t nd = 0;
      for (size_t r = 0; r < w->nruns; r++) {
        size_t a = w->run_at[r], e = a;
        while (e < t.n && rule_word_byte((unsigned char)s[e])) e++;
        /* the first run of these bytes */
        size_t first = 0;
        for (; first < r; first++) {
          size_t fa = w->run_at[first], fe = fa;
          while (fe < t.n && rule_word_byte((unsigned char)s[fe])) fe++;
          if (fe - fa == e - a && !memcmp(s + fa, s + a, e - a)) break;
        }
        uint32_t d = w->run_word[r];
        if (first == r) {
          ck_assert_msg(d == nd, "text %d: run %zu '%.*s' numbered %u, "
                        "new as %zu", i, r, (int)(e - a), s + a, d, nd);
          nd++;
        } else {
          ck_assert_uint_eq(d, w->run_word[first]);
        }
        ck_assert_uint_lt(d, w->nwords);
        ck_assert_uint_eq(w->len[d], e - a);
        ck_assert(!memcmp(s + w->at[d], s + a, e - a));
      }
      ck_assert_uint_eq(nd, w->nwords);
      ck_assert_uint_eq(w->nwords, i == 1 ? MANY : 6);
      rule_text_free(&t);
    }
  for (int i = 0; i < 4; i++) free(texts[i]);
}
END_TEST

/* Every run of a text is numbered as a plain reader numbers it whatever
 * the text's length, read from a buffer of exactly its bytes (no byte
 * past the text readable: the sanitizers tell a read past it).  A run's
 * key is read 8 bytes at once in the blocks that end 8 bytes or more
 * before the text's end, and only after a check of the room left in the
 * last ones (words_read): texts of 0 to 260 bytes end in short and long
 * words, in separators, with runs across the blocks' bounds, read with
 * the lines' word bytes (rule_text_init_lines) and without them. */
START_TEST(words_near_the_texts_end_are_read_within_it) {
  unsigned seed = 29;
  for (size_t n = 0; n <= 260; n++)
    for (int variant = 0; variant < 4; variant++) {
      char *s = malloc(n ? n : 1);
      uint32_t ends[262];
      size_t nends = 0;
      ck_assert_ptr_nonnull(s);
      for (size_t i = 0; i < n;) {
        seed = seed * 1103515245u + 12345u;
        size_t len = 1 + (seed >> 16) % (variant % 2 ? 12 : 5);
        for (size_t k = 0; k < len && i < n; k++)
          s[i++] = (char)('a' + (seed >> (k % 16)) % 3);
        if (i < n) s[i++] = (seed >> 24) % 9 ? ' ' : '\n';
      }
      if (variant >= 2 && n) s[n - 1] = ','; /* ends in a separator */
      for (size_t i = 0; i < n; i++)
        if (s[i] == '\n') ends[nends++] = (uint32_t)i;
      ends[nends++] = (uint32_t)n;
      for (int lines = 0; lines < 2; lines++) {
        rule_text t;
        cchc_error err = {0};
        ck_assert_int_eq(lines ? rule_text_init_lines(&t, s, n, ends, nends,
                                                      &err)
                               : rule_text_init(&t, s, n, &err),
                         CCHC_OK);
        const rule_words *w = rule_text_words(&t);
        ck_assert_ptr_nonnull(w);
        size_t r = 0, nwords = 0;
        for (size_t i = 0; i < n;) {
          if (!rule_word_byte((unsigned char)s[i])) {
            i++;
            continue;
          }
          size_t e = i;
          while (e < n && rule_word_byte((unsigned char)s[e])) e++;
          ck_assert_msg(r < w->nruns && w->run_at[r] == i,
                        "n %zu variant %d: run at %zu", n, variant, i);
          size_t d = 0;
          while (d < nwords &&
                 !(w->len[d] == e - i && !memcmp(s + w->at[d], s + i, e - i)))
            d++;
          if (d == nwords) nwords++;
          ck_assert_msg(w->run_word[r] == d, "n %zu variant %d: run %zu",
                        n, variant, r);
          r++;
          i = e;
        }
        ck_assert_uint_eq(r, w->nruns);
        ck_assert_uint_eq(nwords, w->nwords);
        rule_text_free(&t);
      }
      free(s);
    }
}
END_TEST

/* A rule whose barrier is a few ASCII bytes and no line break (a match
 * runs across lines, but not across those bytes) is searched in windows
 * that start after the last barrier byte before the line holding what it
 * needs and run on to the next one (scan_windows): those bytes are
 * searched for (memrchr, memchr) where each byte's features were read.
 * Texts put the barrier at a line's first byte, right before its break,
 * at the window's own start, in lines before and after, and nowhere; every
 * match from every start and every cut of the text is the search's. */
static const struct {
  const char *pattern, *text;
} barred[] = {
    {"(?-i:[xy])[^.;]{0,60}\\d%",
     "ab.x\n;y 5%\n.x\nq\nr 7%;\nx 1\n.2%\nx ; 3%\nyy\n\n4%.x5%;"},
    {"(?-i:[xy])[^.;]{0,60}\\d%",
     "x\n\n.\n;\nx\n8%\n.;.;y\n;9%\nx.\n6%x"},
    {"(?-i:[ab])[^;]*?\\d\\s*%",
     "a ; b 1 %\n;a\n\n2\n%;b;3%\n a 4;%\n;;\nb5%"},
};

START_TEST(windows_start_after_the_last_barrier_byte) {
  rule r = fact_rule(barred[_i].pattern, PCRE2_CASELESS);
  ck_assert_msg(r.facts.nbarrier_bytes > 0 && r.facts.nneeds &&
                    !(r.facts.barrier & rule_features("\n", 1)),
                "%s: barrier bytes %u", barred[_i].pattern,
                (unsigned)r.facts.nbarrier_bytes);
  scans_match_searches(&r, barred[_i].text, true);
  free_fact_rule(&r);
}
END_TEST


/* The bytes a match's second character may start with, read from how a
 * pattern opens (rule_second_bytes_read): only for patterns that match
 * from the subject's start with one character first; every other
 * pattern is not read. */
static const struct {
  const char *pattern;
  uint32_t options;
  bool known;
  const char *in, *out; /* bytes in the set, bytes not in it */
} second_cases[] = {
    {"^(?<num>[A-ZĐ])\\s+(?<head>\\p{Lu}\\p{Ll}(?s:.*))$", PCRE2_UTF, true,
     " \t\xC2\xE1\xE2\xE3", ".)/aA1\xC3\xC4\xE0\xE4"},
    {"^(?<num>[A-ZĐ])(?:\\.\\s+(?=\\p{Lu})|[)/]\\s+)(?<head>\\S(?s:.*))$",
     PCRE2_UTF, true, ".)/", " a\xC2"},
    {"^(?<num>[a-zđ])[).\\/]\\s+(?<head>\\S(?s:.*))$", PCRE2_UTF, true,
     ").", " a"},
    {"^[A-Z]-x", PCRE2_UTF, true, "-", " x"},
    /* the second character may be absent or any */
    {"^(?<num>[A-Z])\\s*x", PCRE2_UTF, false, "", ""},
    {"^(?<num>[A-Z])(?:\\.|x)", PCRE2_UTF, false, "", ""},
    {"^(?<num>[A-Z])(?:\\.|\\s)?x", PCRE2_UTF, false, "", ""},
    {"^(?<num>[A-Z])(?:\\.|)x", PCRE2_UTF, false, "", ""},
    /* the first item more or less than one character */
    {"^[A-Z]+\\s", PCRE2_UTF, false, "", ""},
    {"^[A-Z]{1,2}\\s", PCRE2_UTF, false, "", ""},
    {"^(?<num>[A-Z]\\.)\\s", PCRE2_UTF, false, "", ""},
    {"^A\\s", PCRE2_UTF, false, "", ""},
    /* not from the subject's start alone, or other options */
    {"[A-Z]\\s", PCRE2_UTF, false, "", ""},
    {"^[A-Z]\\s", PCRE2_UTF | PCRE2_MULTILINE, false, "", ""},
    {"^[A-Z]\\s", PCRE2_UTF | PCRE2_EXTENDED, false, "", ""},
    {"^[a-z][.]", PCRE2_UTF | PCRE2_CASELESS, false, "", ""},
    {"^[A-Z]\\s", 0, false, "", ""},
    {"^[A-Z](?#x|y)\\s", PCRE2_UTF, false, "", ""},
    /* a class of a range or a letter in second place */
    {"^[A-Z][+-/]", PCRE2_UTF, false, "", ""},
    {"^[A-Z][.a]", PCRE2_UTF, false, "", ""},
    {"^[A-Z][^.]", PCRE2_UTF, false, "", ""},
};

START_TEST(second_bytes_are_read_from_how_patterns_open) {
  uint64_t set[8];
  bool known = rule_second_bytes_read(second_cases[_i].pattern,
                                      second_cases[_i].options, set);
  ck_assert_msg(known == second_cases[_i].known, "%s",
                second_cases[_i].pattern);
  for (const char *c = second_cases[_i].in; *c; c++) {
    unsigned b = (unsigned char)*c;
    ck_assert_msg(set[b / 64] >> (b % 64) & 1, "%s: 0x%02X not in",
                  second_cases[_i].pattern, b);
  }
  for (const char *c = second_cases[_i].out; *c; c++) {
    unsigned b = (unsigned char)*c;
    ck_assert_msg(!(set[b / 64] >> (b % 64) & 1), "%s: 0x%02X in",
                  second_cases[_i].pattern, b);
  }
}
END_TEST

/* A rule whose second bytes are known (the section rules letter_row,
 * upper, alpha) is never passed over by them on a line PCRE2 matches:
 * every line of every corpus plan, as is and from each of its first
 * characters, and crafted lines, each asked of every such shipped rule.
 * Most lines are passed over (the point of it). */
START_TEST(second_bytes_pass_over_no_line_a_rule_matches) {
  cchc_rules *rs = harness_rules();
  const rule *known[64];
  size_t nknown = 0;
  for (size_t i = 0; i < rs->nrules && nknown < 64; i++)
    if (rs->rules[i].has_second) known[nknown++] = &rs->rules[i];
  const char *must[] = {"section.letter_row", "section.upper",
                        "section.alpha"};
  for (size_t m = 0; m < 3; m++) {
    const rule *r = rules_find(rs, must[m]);
    ck_assert_ptr_nonnull(r);
    ck_assert_msg(r->has_second, "%s", must[m]);
  }
  /* a letter then one past ASCII that is no space: told without a search */
  const rule *row = rules_find(rs, "section.letter_row");
  ck_assert(!rule_second_byte_may(row, "Kế hoạch", strlen("Kế hoạch")));
  ck_assert(!rule_second_byte_may(row, "Sở Y tế", strlen("Sở Y tế")));
  ck_assert(rule_second_byte_may(row, "A\xC2\xA0Nâng", 7));
  static const char *lines_made[] = {
      "A Nâng cao", "B. CÁC NHIỆM VỤ", "C) Kinh phí", "Đ\xC2\xA0Nâng cao",
      "Đ/ Kiểm tra", "a) Nội dung", "đ. Nội dung", "A\tNâng cao",
      "A\xE3\x80\x80Nâng cao", "AB Hai", "A", "Ă Nâng", "a/ x", "b", ""};
  pcre2_match_data *md = pcre2_match_data_create(32, NULL);
  size_t asked = 0, passed = 0, matched = 0;
  char **paths;
  size_t np = harness_corpus(&paths);
  ck_assert_uint_gt(np, 0);
  for (size_t f = 0; f <= np; f++) {
    cchc_text *t = f < np ? harness_normalize_file(paths[f]) : NULL;
    size_t nc = sizeof lines_made / sizeof *lines_made;
    const char *s = t ? cchc_text_data(t) : NULL;
    size_t n = t ? cchc_text_len(t) : 0;
    for (size_t at = 0, c = 0; t ? at < n : c < nc;) {
      const char *line = t ? s + at : lines_made[c];
      size_t len = t ? strcspn(line, "\n") : strlen(line);
      if (t) at += len + 1;
      else c++;
      /* the line, and the line from each of its first characters */
      for (size_t from = 0, k = 0; from <= len && k < 4; k++) {
        for (size_t r = 0; r < nknown; r++) {
          bool may = rule_second_byte_may(known[r], line + from, len - from);
          bool hit = rule_exec(known[r], line + from, len - from, 0, md);
          ck_assert_msg(may || !hit, "%s passes over '%.*s'", known[r]->id,
                        (int)(len - from), line + from);
          asked++;
          passed += !may;
          matched += hit;
        }
        if (from == len) break;
        for (from++; from < len && ((unsigned char)line[from] & 0xC0) == 0x80;
             from++) {
        }
      }
    }
    if (t) cchc_text_free(t);
  }
  pcre2_match_data_free(md);
  harness_free_list(paths, np);
  ck_assert_uint_gt(matched, 10);
  ck_assert_uint_gt(passed, asked / 2);
}
END_TEST


/* The spaces rule_second_bytes_read takes \s for are every character
 * PCRE2 (UTF, UCP) matches by \s: each starts with a byte of its set. */
START_TEST(second_bytes_of_spaces_are_those_pcre2_matches) {
  uint64_t set[8];
  ck_assert(rule_second_bytes_read("^[A-Z]\\s", PCRE2_UTF | PCRE2_UCP, set));
  int e;
  PCRE2_SIZE off;
  pcre2_code *re = pcre2_compile((PCRE2_SPTR) "^\\s", PCRE2_ZERO_TERMINATED,
                                 PCRE2_UTF | PCRE2_UCP, &e, &off, NULL);
  ck_assert_ptr_nonnull(re);
  pcre2_match_data *md = pcre2_match_data_create(1, NULL);
  size_t spaces = 0;
  for (uint32_t cp = 0; cp <= 0x10FFFF; cp++) {
    if (cp >= 0xD800 && cp <= 0xDFFF) continue;
    unsigned char b[4];
    size_t n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    if (n == 1) b[0] = (unsigned char)cp;
    else {
      b[0] = (unsigned char)((0xF00u >> n) | (cp >> (6 * (n - 1))));
      for (size_t k = 1; k < n; k++)
        b[k] = (unsigned char)(0x80 | ((cp >> (6 * (n - 1 - k))) & 0x3F));
    }
    if (pcre2_match(re, b, n, 0, 0, md, NULL) <= 0) continue;
    spaces++;
    ck_assert_msg(set[b[0] / 64] >> (b[0] % 64) & 1, "U+%04X", cp);
    ck_assert_msg(n == 1 || set[4 + b[1] / 64] >> (b[1] % 64) & 1, "U+%04X 2",
                  cp);
  }
  ck_assert_uint_gt(spaces, 20);
  pcre2_match_data_free(md);
  pcre2_code_free(re);
}
END_TEST

/* \s in UCP mode and its spelling (rule_spaces_spelled: [\h\v]) match the
 * same characters, each code point asked, with case and without; and so
 * do \S and [^\h\v]. */
START_TEST(spelled_spaces_are_the_spaces_of_pcre2) {
  const char *written[] = {"\\s", "\\S", "[x\\s]", "[^\\s(]"};
  pcre2_match_data *md = pcre2_match_data_create(1, NULL);
  size_t spaces = 0;
  for (int caseless = 0; caseless < 2; caseless++)
    for (size_t w = 0; w < sizeof written / sizeof *written; w++) {
      uint32_t options =
          PCRE2_UTF | PCRE2_UCP | (caseless ? PCRE2_CASELESS : 0);
      char *spelled = rule_spaces_spelled(written[w], options);
      ck_assert_ptr_nonnull(spelled);
      ck_assert_ptr_null(strstr(spelled, "\\s"));
      int e;
      PCRE2_SIZE off;
      /* anchored and JIT compiled where JIT is: 80 000 matches each */
      pcre2_code *a = pcre2_compile((PCRE2_SPTR)written[w],
                                    PCRE2_ZERO_TERMINATED,
                                    options | PCRE2_ANCHORED, &e, &off, NULL);
      pcre2_code *b = pcre2_compile((PCRE2_SPTR)spelled,
                                    PCRE2_ZERO_TERMINATED,
                                    options | PCRE2_ANCHORED, &e, &off, NULL);
      ck_assert_ptr_nonnull(a);
      ck_assert_ptr_nonnull(b);
      pcre2_jit_compile(a, PCRE2_JIT_COMPLETE);
      pcre2_jit_compile(b, PCRE2_JIT_COMPLETE);
      /* every character of the BMP (white space lies below U+3001), and
       * one in 61 beyond it */
      for (uint32_t cp = 0; cp <= 0x10FFFF; cp += cp < 0x10000 ? 1 : 61) {
        if (cp >= 0xD800 && cp <= 0xDFFF) continue;
        unsigned char u[4];
        size_t n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
        if (n == 1) u[0] = (unsigned char)cp;
        else {
          u[0] = (unsigned char)((0xF00u >> n) | (cp >> (6 * (n - 1))));
          for (size_t k = 1; k < n; k++)
            u[k] = (unsigned char)(0x80 | ((cp >> (6 * (n - 1 - k))) & 0x3F));
        }
        bool in_a = pcre2_match(a, u, n, 0, 0, md, NULL) > 0;
        bool in_b = pcre2_match(b, u, n, 0, 0, md, NULL) > 0;
        ck_assert_msg(in_a == in_b, "%s as %s at U+%04X", written[w], spelled,
                      cp);
        spaces += !w && in_a;
      }
      pcre2_code_free(a);
      pcre2_code_free(b);
      free(spelled);
    }
  ck_assert_uint_gt(spaces, 2 * 20);
  pcre2_match_data_free(md);
}
END_TEST

/* What rule_spaces_spelled writes, and where it leaves a pattern as it
 * is (NULL): nothing to spell, text it does not read. */
static const struct {
  const char *pattern;
  uint32_t options;
  const char *spelled;
} spellings[] = {
    {"a\\s+b", 0, "a[\\h\\v]+b"},
    {"[^\\s(.,;]\\S*", 0, "[^\\h\\v(.,;][^\\h\\v]*"},
    {"[]\\s][[:alpha:]\\s]", 0, "[]\\h\\v][[:alpha:]\\h\\v]"},
    {"\\\\s\\Q\\s\\E\\s", 0, "\\\\s\\Q\\s\\E[\\h\\v]"},
    {"(*MARK:\\s)(?#\\s)\\s", 0, "(*MARK:\\s)(?#\\s)[\\h\\v]"},
    {"a # \\s [\n\\s", PCRE2_EXTENDED, "a # \\s [\n[\\h\\v]"},
    {"\\cx\\s", 0, "\\cx[\\h\\v]"},
    {"a\\\\s", 0, NULL},             /* a backslash, then "s" */
    {"\\Q\\s\\E", 0, NULL},          /* quoted: nothing spelled */
    {"[\\S]", 0, NULL},              /* \S within a class */
    {"(?x)a # [\n\\s", 0, NULL},     /* comments set inside */
    {"[\\s", 0, NULL},               /* a class left open */
    {"(?C\"\\s\")\\s", 0, NULL},     /* a callout's string */
};

START_TEST(spaces_are_spelled_where_read) {
  for (size_t i = 0; i < sizeof spellings / sizeof *spellings; i++) {
    char *got = rule_spaces_spelled(spellings[i].pattern,
                                    PCRE2_UTF | PCRE2_UCP |
                                        spellings[i].options);
    if (!spellings[i].spelled) ck_assert_msg(!got, "%s", spellings[i].pattern);
    else ck_assert_str_eq(got ? got : "(null)", spellings[i].spelled);
    free(got);
  }
  ck_assert_ptr_null(rule_spaces_spelled("a\\sb", PCRE2_UTF)); /* not UCP */
}
END_TEST

/* Every shipped rule whose \s is spelled (rule.spelled) matches on each
 * line of the corpus, from its start and from its middle, where and as
 * its pattern as written does: its groups and its mark. */
START_TEST(spelled_rules_match_as_written) {
  cchc_rules *rs = harness_rules();
  char **files;
  size_t nfiles = harness_corpus(&files), spelled = 0, matches = 0;
  ck_assert_uint_gt(nfiles, 0);
  cchc_text **texts = malloc(nfiles * sizeof *texts);
  for (size_t f = 0; f < nfiles; f++)
    texts[f] = harness_normalize_file(files[f]);
  pcre2_match_data *ma = pcre2_match_data_create(64, NULL);
  pcre2_match_data *mb = pcre2_match_data_create(64, NULL);
  for (size_t i = 0; i < rs->nrules; i++) {
    const rule *r = &rs->rules[i];
    if (!r->spelled) continue;
    spelled++;
    uint32_t options = 0;
    pcre2_pattern_info(r->code, PCRE2_INFO_ARGOPTIONS, &options);
    int e;
    PCRE2_SIZE off;
    pcre2_code *written = pcre2_compile((PCRE2_SPTR)r->pattern,
                                        PCRE2_ZERO_TERMINATED, options, &e,
                                        &off, NULL);
    ck_assert_ptr_nonnull(written);
    pcre2_jit_compile(written, PCRE2_JIT_COMPLETE);
    ck_assert_int_eq(pcre2_jit_compile(r->code, PCRE2_JIT_COMPLETE), 0);
    for (size_t f = 0; f < nfiles; f++) {
      const char *s = cchc_text_data(texts[f]);
      size_t n = cchc_text_len(texts[f]);
      for (size_t a = 0, b; a < n; a = b + 1) {
        const char *nl = memchr(s + a, '\n', n - a);
        b = nl ? (size_t)(nl - s) : n;
        for (size_t from = a; from <= b; from += (b - a) / 2 + 1) {
          int x = pcre2_match(written, (PCRE2_SPTR)s + a, b - a, from - a, 0,
                              ma, NULL);
          int y = pcre2_match(r->code, (PCRE2_SPTR)s + a, b - a, from - a, 0,
                              mb, NULL);
          ck_assert_msg(x == y, "%s: %d, spelled %d", r->id, x, y);
          if (x <= 0) continue;
          matches++;
          PCRE2_SIZE *va = pcre2_get_ovector_pointer(ma);
          PCRE2_SIZE *vb = pcre2_get_ovector_pointer(mb);
          for (int k = 0; k < 2 * x; k++)
            ck_assert_msg(va[k] == vb[k], "%s: group %d", r->id, k / 2);
          PCRE2_SPTR ka = pcre2_get_mark(ma), kb = pcre2_get_mark(mb);
          ck_assert(!ka == !kb);
          if (ka) ck_assert_str_eq((const char *)ka, (const char *)kb);
        }
      }
    }
    pcre2_code_free(written);
  }
  ck_assert_uint_gt(spelled, rs->nrules / 2);
  ck_assert_uint_gt(matches, 1000);
  pcre2_match_data_free(ma);
  pcre2_match_data_free(mb);
  for (size_t f = 0; f < nfiles; f++) cchc_text_free(texts[f]);
  free(texts);
  harness_free_list(files, nfiles);
}
END_TEST

int main(void) {
  Suite *s = suite_create("rules");
  TCase *tc = tcase_create("loader");
  tcase_add_checked_fixture(tc, NULL, harness_free_rules);
  /* several of these load and JIT-compile the shipped rules: about 2 s
   * each under the sanitizers, past Check's 4 s default when loaded */
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, loads_and_runs_examples);
  tcase_add_test(tc, selections_are_the_rules_under_a_path);
  tcase_add_test(tc, failing_examples_are_reported_with_line);
  tcase_add_loop_test(tc, bad_rules_file_names_file_and_line, 0,
                      (int)(sizeof bad_files / sizeof *bad_files));
  tcase_add_test(tc, owned_strings_are_the_lines_they_were_read_from);
  tcase_add_test(tc, examples_and_attributes_past_their_first_room_are_kept);
  tcase_add_test(tc, bad_taxonomy_line_is_named);
  tcase_add_loop_test(tc, rules_dir_missing_a_file_is_an_error, 0,
                      (int)(sizeof incomplete / sizeof *incomplete));
  tcase_add_test(tc, examples_are_tested_as_canonical_text);
  tcase_add_test(tc, area_words_are_the_area_rules);
  tcase_add_test(tc, taxonomy_rule_written_by_hand_is_an_error);
  tcase_add_test(tc, hand_area_rule_needs_a_row_without_words);
  tcase_add_test(tc, areas_rules_without_planarea_is_an_error);
  tcase_add_test(tc, unit_spellings_no_rule_finds_become_a_rule);
  tcase_add_test(tc, missing_directory_is_an_io_error);
  tcase_add_test(tc, continuation_lines_extend_the_pattern);
  tcase_add_test(tc, shipped_rules_pass_their_examples);
  tcase_add_test(tc, units_are_found_by_key_as_by_a_walk);
  tcase_add_test(tc, rules_are_found_by_id_from_the_index);
  tcase_add_test(tc, attributes_are_found_by_whole_key);
  tcase_add_test(tc, groups_are_found_by_whole_name);
  tcase_add_test(tc, spaces_are_spelled_where_read);
  tcase_add_test(tc, spelled_rules_match_as_written);
  suite_add_tcase(s, tc);
  /* correctness over a million strings each: past Check's 4 s default
   * under the sanitizers on a loaded machine */
  TCase *tb = tcase_create("features");
  tcase_set_timeout(tb, 60);
  tcase_add_test(tb, features_as_byte_by_byte);
  tcase_add_test(tb, features_of_long_strings_as_byte_by_byte);
  tcase_add_test(tb, threads_match_on_stacks_of_their_own);
  tcase_add_test(tb, spelled_spaces_are_the_spaces_of_pcre2);
  tcase_add_loop_test(tb, words_are_numbered_as_a_plain_reader_numbers_them,
                      0, 3);
  suite_add_tcase(s, tb);
  TCase *tf = tcase_create("facts");
  tcase_add_unchecked_fixture(tf, NULL, harness_free_rules);
  tcase_set_timeout(tf, 120);
  tcase_add_loop_test(tf, facts_say_what_every_match_holds, 0,
                      (int)(sizeof needs / sizeof *needs));
  tcase_add_loop_test(tf, facts_need_nothing_they_cannot_tell, 0,
                      (int)(sizeof no_needs / sizeof *no_needs));
  tcase_add_loop_test(tf, facts_name_the_words_every_match_holds, 0,
                      sizeof words / sizeof *words);
  tcase_add_test(tf, words_in_their_case_are_found_by_their_caseless_twin);
  tcase_add_test(tf, literal_pairs_are_read_once_into_the_literal);
  tcase_add_loop_test(tf, window_starts_are_those_of_a_plain_walk, 0, 4);
  tcase_add_test(tf, words_found_in_one_walk_are_those_the_patterns_find);
  tcase_add_loop_test(tf, facts_name_the_words_near_the_start, 0,
                      (int)(sizeof near_words / sizeof *near_words));
  tcase_add_loop_test(tf, facts_tell_the_digit_near_the_start, 0,
                      (int)(sizeof near_digits / sizeof *near_digits));
  tcase_add_test(tf, searches_near_digits_find_what_searches_find);
  tcase_add_test(tf, facts_say_where_matches_lie);
  tcase_add_loop_test(tf, facts_say_what_a_match_never_follows, 0,
                      sizeof guards / sizeof *guards);
  tcase_add_loop_test(tf, facts_say_where_matches_end, 0,
                      (int)(sizeof end_facts / sizeof *end_facts));
  tcase_add_loop_test(tf, first_words_follow_calls, 0,
                      sizeof first_words / sizeof *first_words);
  tcase_add_test(tf, first_words_find_what_a_search_finds);
  tcase_add_loop_test(tf, scans_find_what_rules_match_where_facts_skip, 0,
                      (int)(sizeof crafted / sizeof *crafted));
  tcase_add_loop_test(tf, scans_find_matches_far_from_their_words, 0,
                      (int)(sizeof far / sizeof *far));
  tcase_add_test(tf, scans_by_words_stay_linear);
  tcase_add_loop_test(tf, scans_stay_linear_without_a_required_character, 0,
                      2 * (int)(sizeof look_ahead / sizeof *look_ahead));
  tcase_add_test(tf, scans_find_what_rules_match);
  tcase_add_loop_test(tf, cheaper_patterns_match_as_before, 0,
                      (int)(sizeof cheaper_forms / sizeof *cheaper_forms));
  tcase_add_test(tf, spelling_rules_grouped_match_as_flat);
  tcase_add_test(tf, scans_of_parts_find_what_rules_match);
  tcase_add_test(tf, clauses_of_words_hold_in_every_match);
  tcase_add_loop_test(tf, start_words_tell_where_matches_may_start, 0,
                      (int)(sizeof start_word_cases / sizeof *start_word_cases));
  tcase_add_test(tf, literals_stand_in_words_where_searches_find_them);
  tcase_add_test(tf, literal_in_words_as_its_bytes_tell);
  tcase_add_test(tf, literals_in_words_are_kept_by_the_words_bytes);
  tcase_add_test(tf, literal_places_are_those_searches_find_in_any_order);
  tcase_add_test(tf, words_of_texts_in_turn_are_each_texts_own);
  tcase_add_test(tf, words_near_the_texts_end_are_read_within_it);
  suite_add_tcase(s, tf);
  TCase *tn = tcase_create("starts");
  tcase_add_unchecked_fixture(tn, NULL, harness_free_rules);
  tcase_set_timeout(tn, 120);
  tcase_add_test(tn, next_starts_are_where_matches_may_start);
  tcase_add_test(tn, lines_handed_by_layout_are_those_scanned);
  tcase_add_test(tn, lines_read_by_blocks_as_line_by_line);
  tcase_add_loop_test(tn, windows_start_after_the_last_barrier_byte, 0,
                      (int)(sizeof barred / sizeof *barred));
  suite_add_tcase(s, tn);
  TCase *ts = tcase_create("sections");
  tcase_add_unchecked_fixture(ts, NULL, harness_free_rules);
  tcase_set_timeout(ts, 30);
  tcase_add_test(ts, section_tree_nests_by_numbering_style);
  tcase_add_loop_test(ts, area_words_name_headings, 0,
                      sizeof area_headings / sizeof *area_headings);
  tcase_add_loop_test(ts, section_numbering_forms, 0,
                      (int)(sizeof numbering_forms / sizeof *numbering_forms));
  tcase_add_test(ts, section_levels_ignore_punctuation);
  tcase_add_test(ts, decision_articles_are_sections);
  tcase_add_test(ts, appendix_cells_are_not_sections);
  tcase_add_test(ts, section_marks_read_once_as_they_say);
  tcase_add_test(ts, corpus_sections_have_areas);
  tcase_add_test(ts, sections_keep_where_their_heading_starts);
  tcase_add_test(ts, lines_of_one_kind_find_each_their_section_rule);
  tcase_add_loop_test(ts, second_bytes_are_read_from_how_patterns_open, 0,
                      (int)(sizeof second_cases / sizeof *second_cases));
  tcase_add_test(ts, second_bytes_pass_over_no_line_a_rule_matches);
  tcase_add_test(ts, second_bytes_of_spaces_are_those_pcre2_matches);
  suite_add_tcase(s, ts);
  return harness_run(s);
}
