/* fuzz_rules.c: any bytes as a rules file, loaded beside the shipped
 * taxonomy tables, a small indicators.concepts, and one small rules file
 * with a rule of each group the loader requires (a directory without them
 * is refused whatever the fuzzed file holds).  The concepts are two
 * entries, not the shipped file: its 487 lines and their examples, loaded
 * and run again at every execution, were a third of the target's time,
 * and they are not what is fuzzed (test_rules runs them).  Invariants:
 * - a file is refused with an error naming it and a line (rules/README.md),
 *   or loaded; every rule loaded from a rules file has a 'yes:' and a
 *   'no:' example;
 * - the rules loader never accepts a rule whose examples fail: for every
 *   example, cchc_rules_test's verdict is PCRE2's own (the rule's pattern
 *   matched directly on the example made canonical as rules/README.md
 *   says, named groups compared), so a set
 *   that passes 'cchc rules test' holds no failing example.  An example
 *   PCRE2 cannot decide (invalid UTF-8, match limit) counts as failing.
 * Leaks on any path are reported by libFuzzer's LeakSanitizer. */
#define _GNU_SOURCE
#include "fuzz.h"
#include "../../extract/rules.h"

#include <string.h>
#include <unistd.h>

static char dir[64];
static char file[128];
/* Examples cchc_rules_test runs besides the rules' own: those of
 * indicators.concepts. */
static size_t concept_examples;

static bool in_fuzzed_file(const char *path) {
  return strstr(path, "/zz-fuzz.rules") != NULL;
}

static void copy_table(const char *name) {
  char from[4096], to[256];
  snprintf(from, sizeof from, "%s/%s", fuzz_rules_dir(), name);
  snprintf(to, sizeof to, "%s/%s", dir, name);
  FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
  if (!in || !out) {
    fprintf(stderr, "fuzz_rules: cannot copy %s to %s\n", from, to);
    exit(2);
  }
  char buf[8192];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, in)) > 0)
    fwrite(buf, 1, n, out);
  fclose(in);
  if (fclose(out) != 0)
    exit(2);
}

/* One rule of each group the loader requires, in the file it must come
 * from (required_groups in extract/rules.c; the area.* and planarea.*
 * rules are the shipped areas.tsv and areas.rules, copied, since the areas
 * of the table without words need their hand rules), with ids no shipped
 * rules file uses and the 'set:' keys the group needs.  The fuzzed file loads after them (files load
 * sorted), so that a clash of ids is reported in the fuzzed file.  The
 * unit is a key of the shipped units.tsv. */
static const struct {
  const char *name, *text;
} base_files[] = {
    {"sections.rules", "rule section.fuzz_base\npattern: ^S$\nyes: S\nno: T\n"},
    {"meta.rules", "rule meta.fuzz_base\npattern: ^M$\nyes: M\nno: N\n"},
    {"refs.rules", "rule ref.fuzz_base\npattern: ^R$\nyes: R\nno: Q\n"},
    {"targets.rules", "rule target.fuzz_base\npattern: ^T$\nyes: T\nno: U\n"},
    {"deadlines.rules",
     "rule deadline.fuzz_base\npattern: ^D$\nset: kind=date\nyes: D\nno: E\n"},
    {"tasks.rules",
     "rule task.fuzz_base\npattern: ^K$\nset: role=part\nyes: K\nno: L\n"},
    {"units.rules", "rule unit.fuzz_base\npattern: ^U$\n"
                    "set: unit=vp_hdnd_ubnd\nyes: U\nno: V\n"},
};

/* Two entries of indicators.concepts (keys of the shipped indicators.tsv),
 * with a class, "..." and "#", and an example of each kind. */
static const char base_concepts[] =
    "class dvc: dịch vụ công | DVC\n"
    "indicator none\n"
    "purpose: not an indicator\n"
    "has: ISO\n"
    "yes: duy trì ISO đạt 100%\n"
    "no: 100% hồ sơ công việc\n"
    "indicator cqs.ho_so_cong_viec\n"
    "purpose: work files on the network\n"
    "has: hồ sơ ... công việc | # hồ sơ công việc\n"
    "not: @dvc\n"
    "yes: 80% hồ sơ công việc được lập trên mạng\n"
    "no: 80% hồ sơ dịch vụ công\n";

static void write_file(const char *name, const char *data, size_t len) {
  char to[256];
  snprintf(to, sizeof to, "%s/%s", dir, name);
  FILE *out = fopen(to, "wb");
  if (!out || fwrite(data, 1, len, out) != len || fclose(out) != 0) {
    fprintf(stderr, "fuzz_rules: cannot write %s\n", to);
    exit(2);
  }
}

static void remove_dir(void) {
  static const char *const names[] = {"areas.tsv", "areas.rules",
                                      "indicators.tsv", "units.tsv",
                                      "indicators.concepts", "zz-fuzz.rules"};
  char path[256];
  for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
    snprintf(path, sizeof path, "%s/%s", dir, names[i]);
    unlink(path);
  }
  for (size_t i = 0; i < sizeof base_files / sizeof *base_files; i++) {
    snprintf(path, sizeof path, "%s/%s", dir, base_files[i].name);
    unlink(path);
  }
  rmdir(dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  /* mkdtemp's template ends in six 'X' */
  int n = snprintf(dir, sizeof dir, "/tmp/cchc-fuzz-rules-");
  memset(dir + n, 'X', 6);
  dir[n + 6] = '\0';
  if (!mkdtemp(dir)) {
    perror("fuzz_rules: mkdtemp");
    exit(2);
  }
  atexit(remove_dir);
  copy_table("areas.tsv");
  copy_table("areas.rules");
  copy_table("indicators.tsv");
  copy_table("units.tsv");
  write_file("indicators.concepts", base_concepts, strlen(base_concepts));
  for (size_t i = 0; i < sizeof base_files / sizeof *base_files; i++)
    write_file(base_files[i].name, base_files[i].text,
               strlen(base_files[i].text));
  snprintf(file, sizeof file, "%s/zz-fuzz.rules", dir);
  /* The concepts' examples: all that the base set runs beyond its rules'. */
  write_file("zz-fuzz.rules", "", 0);
  cchc_rules *rs = NULL;
  cchc_error err = {0};
  size_t run = 0, own = 0;
  if (cchc_rules_load(dir, &rs, &err) != CCHC_OK ||
      cchc_rules_test(rs, NULL, NULL, &run) != 0) {
    fprintf(stderr, "fuzz_rules: the base set does not load or pass: %s\n",
            err.message);
    exit(2);
  }
  for (size_t i = 0; i < rs->nrules; i++)
    own += rs->rules[i].nexamples;
  concept_examples = run - own;
  cchc_rules_free(rs);
  return 0;
}

/* Rules made from the words of a taxonomy table (area.*, unit.spelling)
 * have no examples of their own; every rule of a rules file has. */
static bool made_from_table(const char *path) {
  size_t n = strlen(path);
  return n > 4 && !strcmp(path + n - 4, ".tsv");
}

/* The failures cchc_rules_test reported: in the fuzzed file, by line of
 * the example; elsewhere (the base rules, the shipped concepts), counted. */
typedef struct verdicts {
  unsigned *lines;
  size_t n, cap;
  size_t elsewhere;
} verdicts;

static void collect(void *ctx, const char *path, size_t line,
                    const char *rule_id, const char *message) {
  verdicts *v = ctx;
  if (!in_fuzzed_file(path)) {
    v->elsewhere++;
    return;
  }
  if (v->n == v->cap) {
    v->cap = v->cap ? 2 * v->cap : 16;
    v->lines = realloc(v->lines, v->cap * sizeof *v->lines);
    FUZZ_CHECK(v->lines, "out of memory");
  }
  v->lines[v->n++] = (unsigned)line;
}

static bool reported(const verdicts *v, unsigned line) {
  for (size_t i = 0; i < v->n; i++)
    if (v->lines[i] == line)
      return true;
  return false;
}

/* The example's text (or an expected value) as cchc_rules_test must see
 * it: through cchc_normalize without layout repair (rules/README.md); NULL
 * when it does not normalize. */
static char *canonical(const char *s, size_t *len) {
  cchc_normalize_options opt = {.flags = CCHC_NORM_NO_LAYOUT};
  cchc_text *t = NULL;
  cchc_error err = {0};
  if (cchc_normalize(s, strlen(s), &opt, &t, &err) != CCHC_OK)
    return NULL;
  *len = cchc_text_len(t);
  char *c = malloc(*len + 1);
  FUZZ_CHECK(c, "out of memory");
  memcpy(c, cchc_text_data(t), *len + 1);
  cchc_text_free(t);
  return c;
}

/* Does the example hold, by PCRE2 alone on its canonical text? */
static bool example_holds(const rule *r, const rule_example *ex) {
  FUZZ_CHECK(fuzz_utf8_valid(ex->text, strlen(ex->text)),
             "rule %s, line %u: example is not UTF-8, yet loaded", r->id,
             ex->line);
  size_t tl;
  char *text = canonical(ex->text, &tl);
  if (!text)
    return false;
  pcre2_match_data *md = pcre2_match_data_create_from_pattern(r->code, NULL);
  FUZZ_CHECK(md, "out of memory");
  int rc = pcre2_match(r->code, (PCRE2_SPTR)text, tl, 0, 0, md, NULL);
  bool holds = ex->positive ? rc > 0 : rc == PCRE2_ERROR_NOMATCH;
  for (size_t k = 0; holds && ex->positive && k < ex->nexpect; k++) {
    PCRE2_UCHAR *got = NULL;
    PCRE2_SIZE len = 0;
    size_t wl;
    char *want = canonical(ex->expect_values[k], &wl);
    holds = want &&
            pcre2_substring_get_byname(md, (PCRE2_SPTR)ex->expect_names[k],
                                       &got, &len) == 0 &&
            len == wl && memcmp(got, want, len) == 0;
    pcre2_substring_free(got);
    free(want);
  }
  pcre2_match_data_free(md);
  free(text);
  return holds;
}

static void check_examples(const cchc_rules *rs) {
  verdicts v = {0};
  size_t run = 0, total = 0;
  size_t failed = cchc_rules_test(rs, collect, &v, &run);
  FUZZ_CHECK(failed == v.n + v.elsewhere, "%zu failures counted, %zu reported",
             failed, v.n + v.elsewhere);
  FUZZ_CHECK(v.elsewhere == 0,
             "%zu examples of the base rules or the shipped concepts fail",
             v.elsewhere);
  for (size_t i = 0; i < rs->nrules; i++) {
    const rule *r = &rs->rules[i];
    bool yes = false, no = false;
    for (size_t j = 0; j < r->nexamples; j++) {
      const rule_example *ex = &r->examples[j];
      yes |= ex->positive;
      no |= !ex->positive;
      total++;
      bool holds = example_holds(r, ex);
      FUZZ_CHECK(holds != (in_fuzzed_file(r->path) && reported(&v, ex->line)),
                 "rule %s, line %u: the %s example %s, but the rules test "
                 "%s it: %s",
                 r->id, ex->line, ex->positive ? "'yes:'" : "'no:'",
                 holds ? "holds" : "fails",
                 holds ? "fails" : "passes", ex->text);
    }
    FUZZ_CHECK((yes && no) || made_from_table(r->path),
               "rule %s loaded without a 'yes:' and a 'no:'", r->id);
  }
  FUZZ_CHECK(total + concept_examples == run,
             "%zu examples loaded (and %zu of the concepts), %zu run", total,
             concept_examples, run);
  free(v.lines);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  FILE *fp = fopen(file, "wb");
  FUZZ_CHECK(fp, "cannot write %s", file);
  fwrite(data, 1, size, fp);
  FUZZ_CHECK(fclose(fp) == 0, "cannot write %s", file);
  cchc_rules *rs = NULL;
  cchc_error err = {0};
  cchc_status st = cchc_rules_load(dir, &rs, &err);
  if (st != CCHC_OK) {
    FUZZ_CHECK(rs == NULL, "a refused set was returned");
    FUZZ_CHECK(st == CCHC_ERR_RULES && err.line > 0 &&
                   strstr(err.path, "zz-fuzz.rules") && err.message[0],
               "refused without naming file and line: %s (%s:%u: %s)",
               cchc_status_name(st), err.path, err.line, err.message);
    return 0;
  }
  check_examples(rs);
  cchc_rules_free(rs);
  return 0;
}
