/* rules.c: load the rules files (*.rules) and the taxonomy TSVs of a
 * directory; compile the patterns with JIT;
 * run the examples.  The file format is described in rules/README.md. */
#include "rules.h"

#include "indicators.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- string ownership ------------------------------------------------ */

static const char *own(cchc_rules *rs, const char *s, size_t n) {
  if (rs->nstrings == rs->cap_strings) {
    size_t cap = rs->cap_strings ? rs->cap_strings * 2 : 256;
    char **p = realloc(rs->strings, cap * sizeof *p);
    if (!p) return NULL;
    rs->strings = p;
    rs->cap_strings = cap;
  }
  char *c = malloc(n + 1);
  if (!c) return NULL;
  memcpy(c, s, n);
  c[n] = '\0';
  rs->strings[rs->nstrings++] = c;
  return c;
}

static void *grow(void *items, size_t *cap, size_t n, size_t size) {
  if (n < *cap) return items;
  size_t ncap = *cap ? *cap * 2 : 16;
  void *p = realloc(items, ncap * size);
  if (!p) return NULL;
  memset((char *)p + *cap * size, 0, (ncap - *cap) * size);
  *cap = ncap;
  return p;
}

void cchc_rules_free(cchc_rules *rs) {
  if (!rs) return;
  for (size_t i = 0; i < rs->nrules; i++) {
    rule *r = &rs->rules[i];
    pcre2_code_free(r->code);
    free(r->keys);
    free(r->values);
    for (size_t j = 0; j < r->nexamples; j++) {
      free(r->examples[j].expect_names);
      free(r->examples[j].expect_values);
    }
    free(r->examples);
  }
  free(rs->rules);
  free(rs->by_group);
  free(rs->group_len);
  for (size_t i = 0; i < rs->nareas; i++) free(rs->areas[i].words);
  free(rs->areas);
  free(rs->indicators);
  for (size_t i = 0; i < rs->nunits; i++) free(rs->units[i].forms);
  free(rs->units);
  indicators_free(rs->indicators_by_meaning);
  for (size_t i = 0; i < rs->nstrings; i++) free(rs->strings[i]);
  free(rs->strings);
  free(rs);
}

size_t cchc_rules_count(const cchc_rules *rs) {
  return rs ? rs->nrules + indicators_count(rs->indicators_by_meaning) : 0;
}

/* ---- errors naming file and line -------------------------------------- */

static cchc_status fail_line(cchc_error *err, const char *path, unsigned line,
                             const char *fmt, ...) CCHC_PRINTF(4, 5);
static cchc_status fail_line(cchc_error *err, const char *path, unsigned line,
                             const char *fmt, ...) {
  if (!err) return CCHC_ERR_RULES;
  memset(err, 0, sizeof *err);
  err->code = CCHC_ERR_RULES;
  err->line = line;
  snprintf(err->path, sizeof err->path, "%s", path);
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(err->message, sizeof err->message, fmt, ap);
  va_end(ap);
  return CCHC_ERR_RULES;
}

#define NOMEM(err) cchc_fail((err), CCHC_ERR_NOMEM, "out of memory")

/* ---- small text helpers ------------------------------------------------ */

static char *read_all(const char *path, size_t *len, cchc_error *err) {
  FILE *fp = fopen(path, "rb");
  if (!fp) {
    cchc_fail(err, CCHC_ERR_IO, "cannot open %s: %s", path, strerror(errno));
    return NULL;
  }
  char *data = NULL;
  size_t n = 0, cap = 0;
  for (;;) {
    if (cap - n < 4096) {
      cap = cap ? cap * 2 : 8192;
      char *p = realloc(data, cap + 1);
      if (!p) {
        free(data);
        fclose(fp);
        NOMEM(err);
        return NULL;
      }
      data = p;
    }
    size_t got = fread(data + n, 1, cap - n, fp);
    n += got;
    if (got == 0) break;
  }
  bool bad = ferror(fp);
  fclose(fp);
  if (bad) {
    free(data);
    cchc_fail(err, CCHC_ERR_IO, "cannot read %s", path);
    return NULL;
  }
  data[n] = '\0';
  *len = n;
  return data;
}

static const char *trim(char *s, size_t *n) {
  while (*n && (*s == ' ' || *s == '\t')) s++, (*n)--;
  while (*n && (s[*n - 1] == ' ' || s[*n - 1] == '\t' || s[*n - 1] == '\r'))
    (*n)--;
  return s;
}

/* ---- taxonomy ----------------------------------------------------------- */

/* Split a tab-separated line into at most max fields (in place). */
static size_t split_tabs(char *line, char **fields, size_t max) {
  size_t n = 0;
  char *p = line;
  while (n < max) {
    fields[n++] = p;
    char *tab = strchr(p, '\t');
    if (!tab) break;
    *tab = '\0';
    p = tab + 1;
  }
  return n;
}

/* Split "a; b; c" into owned trimmed strings. */
static bool split_list(cchc_rules *rs, const char *s, const char ***out,
                       size_t *n) {
  *out = NULL;
  *n = 0;
  size_t cap = 0;
  while (*s) {
    const char *semi = strchr(s, ';');
    size_t len = semi ? (size_t)(semi - s) : strlen(s);
    char tmp[1024];
    size_t tl = len < sizeof tmp - 1 ? len : sizeof tmp - 1;
    memcpy(tmp, s, tl);
    const char *t = trim(tmp, &tl);
    if (tl) {
      const char **p = grow(*out, &cap, *n, sizeof **out);
      if (!p) return false;
      *out = p;
      if (!((*out)[*n] = own(rs, t, tl))) return false;
      (*n)++;
    }
    if (!semi) break;
    s = semi + 1;
  }
  return true;
}

typedef enum { TSV_AREAS, TSV_INDICATORS, TSV_UNITS } tsv_kind;

static cchc_status load_tsv(cchc_rules *rs, const char *path, tsv_kind kind,
                            cchc_error *err) {
  size_t len;
  char *data = read_all(path, &len, err);
  if (!data) return err ? err->code : CCHC_ERR_IO;
  cchc_status st = CCHC_OK;
  size_t cap = 0;
  unsigned line = 0;
  char *p = data;
  static const size_t want[] = {3, 5, 3};
  while (*p) {
    char *nl = strchr(p, '\n');
    if (nl) *nl = '\0';
    line++;
    size_t l = strlen(p);
    if (l && p[l - 1] == '\r') p[--l] = '\0';
    if (line > 1 && l > 0 && p[0] != '#') {
      char *f[6];
      size_t nf = split_tabs(p, f, 6);
      if (nf < want[kind] - (kind == TSV_AREAS ? 0 : 1) || !f[0][0]) {
        st = fail_line(err, path, line, "expected %zu tab-separated columns",
                       want[kind]);
        goto done;
      }
      const char *key = own(rs, f[0], strlen(f[0]));
      const char *name = own(rs, f[1], strlen(f[1]));
      if (!key || !name) goto nomem;
      if (kind == TSV_AREAS) {
        tax_area *a = grow(rs->areas, &cap, rs->nareas, sizeof *a);
        if (!a) goto nomem;
        rs->areas = a;
        a = &rs->areas[rs->nareas++];
        a->key = key;
        a->name = name;
        if (!split_list(rs, f[2], &a->words, &a->nwords)) goto nomem;
      } else if (kind == TSV_INDICATORS) {
        tax_indicator *t =
            grow(rs->indicators, &cap, rs->nindicators, sizeof *t);
        if (!t) goto nomem;
        rs->indicators = t;
        t = &rs->indicators[rs->nindicators++];
        t->key = key;
        t->area = name; /* column 2 is the area */
        t->unit = own(rs, f[2], strlen(f[2]));
        t->name = nf > 3 ? own(rs, f[3], strlen(f[3])) : key;
        if (!t->unit || !t->name) goto nomem;
        if (!tax_find_area(rs, t->area)) {
          st = fail_line(err, path, line, "unknown area '%s'", t->area);
          goto done;
        }
      } else {
        tax_unit *u = grow(rs->units, &cap, rs->nunits, sizeof *u);
        if (!u) goto nomem;
        rs->units = u;
        u = &rs->units[rs->nunits++];
        u->key = key;
        u->name = name;
        if (nf > 2 && !split_list(rs, f[2], &u->forms, &u->nforms))
          goto nomem;
      }
    }
    if (!nl) break;
    p = nl + 1;
  }
  goto done;
nomem:
  st = NOMEM(err);
done:
  free(data);
  return st;
}

const tax_area *tax_find_area(const cchc_rules *rs, const char *key) {
  for (size_t i = 0; i < rs->nareas; i++)
    if (!strcmp(rs->areas[i].key, key)) return &rs->areas[i];
  return NULL;
}
const tax_indicator *tax_find_indicator(const cchc_rules *rs,
                                        const char *key) {
  for (size_t i = 0; i < rs->nindicators; i++)
    if (!strcmp(rs->indicators[i].key, key)) return &rs->indicators[i];
  return NULL;
}
const tax_unit *tax_find_unit(const cchc_rules *rs, const char *key) {
  for (size_t i = 0; i < rs->nunits; i++)
    if (!strcmp(rs->units[i].key, key)) return &rs->units[i];
  return NULL;
}

/* ---- rules files -------------------------------------------------------- */

typedef struct parse_state {
  cchc_rules *rs;
  const char *path;
  size_t cap_rules;
  size_t cap_attrs, cap_examples;
  char *pattern; /* being assembled (continuation lines) */
  size_t pattern_len;
  uint32_t flags;
} parse_state;

/* Finish the current rule: compile its pattern and check it is complete. */
static cchc_status finish_rule(parse_state *ps, cchc_error *err) {
  cchc_rules *rs = ps->rs;
  if (!rs->nrules || rs->rules[rs->nrules - 1].code) return CCHC_OK;
  rule *r = &rs->rules[rs->nrules - 1];
  if (!ps->pattern)
    return fail_line(err, ps->path, r->line, "rule %s has no pattern", r->id);
  r->pattern = own(rs, ps->pattern, ps->pattern_len);
  free(ps->pattern);
  ps->pattern = NULL;
  if (!r->pattern) return NOMEM(err);
  int code;
  PCRE2_SIZE at;
  r->code = pcre2_compile((PCRE2_SPTR)r->pattern, PCRE2_ZERO_TERMINATED,
                          PCRE2_UTF | PCRE2_UCP | PCRE2_DUPNAMES | ps->flags,
                          &code, &at, NULL);
  if (!r->code) {
    PCRE2_UCHAR msg[256];
    pcre2_get_error_message(code, msg, sizeof msg);
    return fail_line(err, ps->path, r->line,
                     "rule %s: pattern error at offset %zu: %s", r->id,
                     (size_t)at, (const char *)msg);
  }
  /* JIT is an optimization: a platform without it still matches. */
  (void)pcre2_jit_compile(r->code, PCRE2_JIT_COMPLETE);
  uint32_t groups = 0;
  pcre2_pattern_info(r->code, PCRE2_INFO_CAPTURECOUNT, &groups);
  if (groups > rs->max_groups) rs->max_groups = groups;
  bool yes = false, no = false;
  for (size_t i = 0; i < r->nexamples; i++) {
    if (r->examples[i].positive) yes = true;
    else no = true;
  }
  if (!yes || !no)
    return fail_line(err, ps->path, r->line,
                     "rule %s needs at least one 'yes:' and one 'no:' example",
                     r->id);
  /* Named groups expected by examples must exist in the pattern. */
  for (size_t i = 0; i < r->nexamples; i++)
    for (size_t j = 0; j < r->examples[i].nexpect; j++)
      if (pcre2_substring_nametable_scan(
              r->code, (PCRE2_SPTR)r->examples[i].expect_names[j], NULL,
              NULL) < 0)
        return fail_line(err, ps->path, r->examples[i].line,
                         "rule %s has no group named '%s'", r->id,
                         r->examples[i].expect_names[j]);
  return CCHC_OK;
}

/* Keys whose values must exist in the taxonomy. */
static cchc_status check_attr(parse_state *ps, unsigned line, const char *key,
                              const char *value, cchc_error *err) {
  const cchc_rules *rs = ps->rs;
  if (!strcmp(key, "area") && !tax_find_area(rs, value))
    return fail_line(err, ps->path, line, "unknown area key '%s'", value);
  if (!strcmp(key, "indicator") && strcmp(value, "none") &&
      !tax_find_indicator(rs, value))
    return fail_line(err, ps->path, line, "unknown indicator key '%s'", value);
  if (!strcmp(key, "unit") && !tax_find_unit(rs, value))
    return fail_line(err, ps->path, line, "unknown unit key '%s'", value);
  return CCHC_OK;
}

static cchc_status parse_example(parse_state *ps, rule *r, unsigned line,
                                 bool positive, const char *v, size_t vn,
                                 cchc_error *err) {
  cchc_rules *rs = ps->rs;
  rule_example *ex = grow(r->examples, &ps->cap_examples, r->nexamples,
                          sizeof *ex);
  if (!ex) return NOMEM(err);
  r->examples = ex;
  ex = &r->examples[r->nexamples++];
  ex->positive = positive;
  ex->line = line;
  const char *arrow = NULL;
  for (size_t i = 0; i + 2 < vn + 1 && i + 1 < vn; i++)
    if (v[i] == '=' && v[i + 1] == '>' && (i == 0 || v[i - 1] == ' '))
      arrow = v + i;
  size_t tn = arrow ? (size_t)(arrow - v) : vn;
  char *tcopy = malloc(tn + 1);
  if (!tcopy) return NOMEM(err);
  memcpy(tcopy, v, tn);
  const char *t = trim(tcopy, &tn);
  ex->text = own(rs, t, tn);
  free(tcopy);
  if (!ex->text) return NOMEM(err);
  if (!arrow) return CCHC_OK;
  if (!positive)
    return fail_line(err, ps->path, line,
                     "a 'no:' example cannot expect groups");
  /* "name=value; name=value" */
  const char *p = arrow + 2, *end = v + vn;
  size_t cap = 0;
  while (p < end) {
    const char *semi = memchr(p, ';', (size_t)(end - p));
    const char *stop = semi ? semi : end;
    const char *eq = memchr(p, '=', (size_t)(stop - p));
    if (!eq)
      return fail_line(err, ps->path, line,
                       "expected 'name=value' after '=>'");
    char buf[512];
    size_t kn = (size_t)(eq - p), wn = (size_t)(stop - eq - 1);
    if (kn >= sizeof buf || wn >= sizeof buf)
      return fail_line(err, ps->path, line, "expectation too long");
    memcpy(buf, p, kn);
    const char *k = trim(buf, &kn);
    const char *kk = own(rs, k, kn);
    memcpy(buf, eq + 1, wn);
    const char *w = trim(buf, &wn);
    const char *ww = own(rs, w, wn);
    if (!kk || !ww) return NOMEM(err);
    size_t c2 = cap;
    const char **names = grow(ex->expect_names, &c2, ex->nexpect, sizeof *names);
    if (!names) return NOMEM(err);
    ex->expect_names = names;
    const char **vals = grow(ex->expect_values, &cap, ex->nexpect, sizeof *vals);
    if (!vals) return NOMEM(err);
    ex->expect_values = vals;
    ex->expect_names[ex->nexpect] = kk;
    ex->expect_values[ex->nexpect] = ww;
    ex->nexpect++;
    p = stop + 1;
  }
  return CCHC_OK;
}

static cchc_status parse_rules_file(cchc_rules *rs, const char *path,
                                    size_t *cap_rules, cchc_error *err) {
  size_t len;
  char *data = read_all(path, &len, err);
  if (!data) return err ? err->code : CCHC_ERR_IO;
  parse_state ps = {.rs = rs, .path = own(rs, path, strlen(path))};
  cchc_status st = ps.path ? CCHC_OK : NOMEM(err);
  unsigned line = 0;
  bool in_pattern = false;
  size_t first_rule = rs->nrules;
  char *p = data;
  while (st == CCHC_OK && p < data + len) {
    char *nl = memchr(p, '\n', (size_t)(data + len - p));
    size_t n = nl ? (size_t)(nl - p) : (size_t)(data + len - p);
    line++;
    if (memchr(p, '\0', n)) {
      st = fail_line(err, path, line, "NUL byte in rules file");
      break;
    }
    for (size_t k = 0; k < n;)
      if (cchc_utf8_next(p, n, &k) < 0) {
        st = fail_line(err, path, line, "invalid UTF-8 in rules file");
        break;
      }
    if (st != CCHC_OK) break;
    char *raw = p;
    p = nl ? nl + 1 : data + len;
    size_t tn = n;
    const char *t = trim(raw, &tn);
    bool indented = n && (raw[0] == ' ' || raw[0] == '\t');
    if (tn == 0 || t[0] == '#') {
      in_pattern = false;
      continue;
    }
    if (indented && in_pattern) { /* pattern continuation */
      char *np = realloc(ps.pattern, ps.pattern_len + tn + 1);
      if (!np) {
        st = NOMEM(err);
        break;
      }
      ps.pattern = np;
      memcpy(ps.pattern + ps.pattern_len, t, tn);
      ps.pattern_len += tn;
      ps.pattern[ps.pattern_len] = '\0';
      continue;
    }
    in_pattern = false;
    if (tn > 5 && !strncmp(t, "rule ", 5)) {
      if ((st = finish_rule(&ps, err)) != CCHC_OK) break;
      size_t idn = tn - 5;
      const char *id = trim((char *)t + 5, &idn);
      for (size_t i = 0; i < idn; i++)
        if (!(id[i] == '.' || id[i] == '_' || id[i] == '-' ||
              (id[i] >= 'a' && id[i] <= 'z') || (id[i] >= '0' && id[i] <= '9'))) {
          st = fail_line(err, path, line,
                         "rule id must be [a-z0-9._-]: '%.*s'", (int)idn, id);
          break;
        }
      if (st != CCHC_OK) break;
      const char *oid = own(rs, id, idn);
      if (!oid) {
        st = NOMEM(err);
        break;
      }
      const rule *dup = rules_find(rs, oid);
      if (dup) {
        st = fail_line(err, path, line, "duplicate rule id %s (first at %s:%u)",
                       oid, dup->path, dup->line);
        break;
      }
      rule *r = grow(rs->rules, cap_rules, rs->nrules, sizeof *r);
      if (!r) {
        st = NOMEM(err);
        break;
      }
      rs->rules = r;
      r = &rs->rules[rs->nrules++];
      memset(r, 0, sizeof *r);
      r->id = oid;
      r->path = ps.path;
      r->line = line;
      ps.cap_attrs = ps.cap_examples = 0;
      ps.flags = PCRE2_CASELESS;
      continue;
    }
    const char *colon = memchr(t, ':', tn);
    if (!colon) {
      st = fail_line(err, path, line, "expected 'field: value' or 'rule ID'");
      break;
    }
    if (rs->nrules == first_rule) {
      st = fail_line(err, path, line, "field before the first 'rule ID' line");
      break;
    }
    rule *r = &rs->rules[rs->nrules - 1];
    size_t fn = (size_t)(colon - t), vn = tn - fn - 1;
    const char *v = colon + 1;
    if (vn && *v == ' ') v++, vn--;
#define FIELD(name) (fn == sizeof(name) - 1 && !strncmp(t, name, fn))
    if (FIELD("pattern")) {
      if (ps.pattern) {
        st = fail_line(err, path, line, "rule %s has two patterns", r->id);
        break;
      }
      ps.pattern = malloc(vn + 1);
      if (!ps.pattern) {
        st = NOMEM(err);
        break;
      }
      memcpy(ps.pattern, v, vn);
      ps.pattern[vn] = '\0';
      ps.pattern_len = vn;
      in_pattern = true;
    } else if (FIELD("purpose")) {
      if (!(r->purpose = own(rs, v, vn))) st = NOMEM(err);
    } else if (FIELD("flags")) {
      char buf[256];
      size_t bn = vn < sizeof buf - 1 ? vn : sizeof buf - 1;
      memcpy(buf, v, bn);
      buf[bn] = '\0';
      for (char *tok = strtok(buf, " ,"); tok; tok = strtok(NULL, " ,")) {
        if (!strcmp(tok, "case-sensitive")) ps.flags &= ~(uint32_t)PCRE2_CASELESS;
        else if (!strcmp(tok, "extended")) ps.flags |= PCRE2_EXTENDED;
        else {
          st = fail_line(err, path, line, "unknown flag '%s'", tok);
          break;
        }
      }
    } else if (FIELD("set")) {
      const char *eq = memchr(v, '=', vn);
      if (!eq || eq == v) {
        st = fail_line(err, path, line, "expected 'set: key=value'");
        break;
      }
      size_t kn = (size_t)(eq - v), wn = vn - kn - 1;
      char kb[128];
      if (kn >= sizeof kb) {
        st = fail_line(err, path, line, "key too long");
        break;
      }
      memcpy(kb, v, kn);
      const char *k = trim(kb, &kn);
      const char *key = own(rs, k, kn), *val = own(rs, eq + 1, wn);
      if (!key || !val) {
        st = NOMEM(err);
        break;
      }
      size_t cap = ps.cap_attrs;
      const char **keys = grow(r->keys, &cap, r->nattrs, sizeof *keys);
      if (!keys) {
        st = NOMEM(err);
        break;
      }
      r->keys = keys;
      cap = ps.cap_attrs;
      const char **vals = grow(r->values, &cap, r->nattrs, sizeof *vals);
      if (!vals) {
        st = NOMEM(err);
        break;
      }
      r->values = vals;
      ps.cap_attrs = cap;
      r->keys[r->nattrs] = key;
      r->values[r->nattrs] = val;
      r->nattrs++;
      st = check_attr(&ps, line, key, val, err);
    } else if (FIELD("yes") || FIELD("no")) {
      st = parse_example(&ps, r, line, FIELD("yes"), v, vn, err);
    } else {
      st = fail_line(err, path, line, "unknown field '%.*s'", (int)fn, t);
    }
#undef FIELD
  }
  if (st == CCHC_OK) st = finish_rule(&ps, err);
  free(ps.pattern);
  free(data);
  return st;
}

static size_t group_len(const char *id) {
  const char *dot = strchr(id, '.');
  return dot ? (size_t)(dot - id) : strlen(id);
}

/* Order by group name, then file order (the rule's place in rs->rules). */
static int cmp_by_group(const void *a, const void *b) {
  const rule *x = *(const rule *const *)a, *y = *(const rule *const *)b;
  size_t xl = group_len(x->id), yl = group_len(y->id);
  int c = memcmp(x->id, y->id, xl < yl ? xl : yl);
  if (c) return c;
  if (xl != yl) return xl < yl ? -1 : 1;
  return x < y ? -1 : x > y;
}

static cchc_status index_groups(cchc_rules *rs, cchc_error *err) {
  rs->by_group = malloc((rs->nrules + 1) * sizeof *rs->by_group);
  rs->group_len = malloc((rs->nrules + 1) * sizeof *rs->group_len);
  if (!rs->by_group || !rs->group_len) return NOMEM(err);
  for (size_t i = 0; i < rs->nrules; i++) rs->by_group[i] = &rs->rules[i];
  qsort(rs->by_group, rs->nrules, sizeof *rs->by_group, cmp_by_group);
  for (size_t i = 0; i < rs->nrules; i++)
    rs->group_len[i] = group_len(rs->by_group[i]->id);
  return CCHC_OK;
}

/* indicators.concepts, when the directory has one. */
static cchc_status load_concepts(cchc_rules *rs, const char *dir,
                                 cchc_error *err) {
  char path[4096];
  snprintf(path, sizeof path, "%s/indicators.concepts", dir);
  if (access(path, F_OK) != 0) /* required like the groups below */
    return cchc_fail(err, CCHC_ERR_RULES,
                     "indicators.concepts is missing: the extractors need "
                     "it for the indicators of targets");
  size_t len;
  char *data = read_all(path, &len, err);
  if (!data) return err ? err->code : CCHC_ERR_IO;
  cchc_status st = indicators_parse(rs, path, data, len,
                                    &rs->indicators_by_meaning, err);
  free(data);
  return st;
}

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Without the rules of one of these groups an extractor finds nothing, and
 * the frames would silently lack sections or targets: a rules directory
 * must hold them (rules/README.md, "Files"). */
static const struct {
  const char *group, *file;
} required_groups[] = {
    {"section.", "sections.rules"},   {"area.", "areas.rules"},
    {"meta.", "meta.rules"},          {"ref.", "refs.rules"},
    {"target.", "targets.rules"},     {"deadline.", "deadlines.rules"},
    {"task.", "tasks.rules"},         {"unit.", "units.rules"},
};

static cchc_status check_groups(const cchc_rules *rs, char *const *names, size_t nnames,
                                cchc_error *err) {
  for (size_t i = 0; i < sizeof required_groups / sizeof *required_groups;
       i++) {
    const char *group = required_groups[i].group;
    const char *file = required_groups[i].file;
    if (rules_select(rs, group, NULL, 0)) continue;
    bool present = bsearch(&file, names, nnames, sizeof *names, cmp_str);
    return cchc_fail(err, CCHC_ERR_RULES,
                     "%s %s: the extractors need its %s* rules", file,
                     present ? "holds no rule of its group" : "is missing",
                     group);
  }
  return CCHC_OK;
}

cchc_status cchc_rules_load(const char *dir, cchc_rules **out,
                            cchc_error *err) {
  *out = NULL;
  cchc_rules *rs = calloc(1, sizeof *rs);
  if (!rs) return NOMEM(err);
  cchc_status st = CCHC_OK;
  char path[4096];
  char **names = NULL;
  size_t nnames = 0, cap = 0;
  static const char *const tsv[] = {"areas.tsv", "indicators.tsv",
                                    "units.tsv"};
  for (int k = 0; k < 3 && st == CCHC_OK; k++) {
    snprintf(path, sizeof path, "%s/%s", dir, tsv[k]);
    st = load_tsv(rs, path, (tsv_kind)k, err);
  }
  if (st != CCHC_OK) goto done;
  DIR *d = opendir(dir);
  if (!d) {
    st = cchc_fail(err, CCHC_ERR_IO, "cannot open rules directory %s: %s",
                   dir, strerror(errno));
    goto done;
  }
  struct dirent *e;
  while ((e = readdir(d))) {
    size_t l = strlen(e->d_name);
    if (l < 7 || strcmp(e->d_name + l - 6, ".rules")) continue;
    char **p = grow(names, &cap, nnames, sizeof *names);
    if (!p || !(p[nnames] = strdup(e->d_name))) {
      names = p ? p : names;
      st = NOMEM(err);
      break;
    }
    names = p;
    nnames++;
  }
  closedir(d);
  if (st != CCHC_OK) goto done;
  if (!nnames) {
    st = cchc_fail(err, CCHC_ERR_RULES, "no *.rules files in %s", dir);
    goto done;
  }
  /* File order is rule priority order within a file; files load sorted. */
  qsort(names, nnames, sizeof *names, cmp_str);
  size_t cap_rules = 0;
  for (size_t i = 0; i < nnames && st == CCHC_OK; i++) {
    snprintf(path, sizeof path, "%s/%s", dir, names[i]);
    st = parse_rules_file(rs, path, &cap_rules, err);
  }
  if (st == CCHC_OK) st = index_groups(rs, err);
  if (st == CCHC_OK) st = check_groups(rs, names, nnames, err);
  if (st == CCHC_OK) st = load_concepts(rs, dir, err);
done:
  for (size_t i = 0; i < nnames; i++) free(names[i]);
  free(names);
  if (st != CCHC_OK) {
    cchc_rules_free(rs);
    return st;
  }
  *out = rs;
  return CCHC_OK;
}

/* ---- lookup and matching ----------------------------------------------- */

/* The rules of `prefix` in file order, optionally only those with
 * `set: role=ROLE`.  A whole group ("group.") comes from the group index
 * by binary search; any other prefix from a scan. */
static size_t select_where(const cchc_rules *rs, const char *prefix,
                           const char *role, const rule **out, size_t max) {
  size_t n = 0, pl = strlen(prefix), lo = 0, hi = rs->nrules;
  bool grouped = pl > 1 && prefix[pl - 1] == '.' &&
                 memchr(prefix, '.', pl - 1) == NULL && rs->by_group;
  if (grouped) {
    size_t gl = pl - 1;
    while (lo < hi) {
      size_t mid = lo + (hi - lo) / 2;
      size_t ml = rs->group_len[mid];
      int c = memcmp(rs->by_group[mid]->id, prefix, ml < gl ? ml : gl);
      if (c < 0 || (c == 0 && ml < gl)) lo = mid + 1;
      else hi = mid;
    }
    hi = lo;
    while (hi < rs->nrules && rs->group_len[hi] == gl &&
           !memcmp(rs->by_group[hi]->id, prefix, gl))
      hi++;
  }
  for (size_t i = lo; i < hi; i++) {
    const rule *r = grouped ? rs->by_group[i] : &rs->rules[i];
    if (!grouped && strncmp(r->id, prefix, pl)) continue;
    if (role) {
      const char *rr = rule_attr(r, "role");
      if (!rr || strcmp(rr, role)) continue;
    }
    if (n < max) out[n] = r;
    n++;
  }
  return n;
}

size_t rules_select(const cchc_rules *rs, const char *prefix,
                    const rule **out, size_t max) {
  return select_where(rs, prefix, NULL, out, max);
}

size_t rules_select_role(const cchc_rules *rs, const char *prefix,
                         const char *role, const rule **out, size_t max) {
  return select_where(rs, prefix, role, out, max);
}

const rule *rules_find(const cchc_rules *rs, const char *id) {
  for (size_t i = 0; i < rs->nrules; i++)
    if (rs->rules[i].id && !strcmp(rs->rules[i].id, id)) return &rs->rules[i];
  return NULL;
}

const char *rule_attr(const rule *r, const char *key) {
  for (size_t i = 0; i < r->nattrs; i++)
    if (!strcmp(r->keys[i], key)) return r->values[i];
  return NULL;
}

pcre2_match_data *rules_match_data(const cchc_rules *rs) {
  return pcre2_match_data_create(rs->max_groups + 1, NULL);
}

bool rule_exec(const rule *r, const char *s, size_t len, size_t start,
               pcre2_match_data *md) {
  /* Subjects are canonical text or examples, both checked UTF-8 already;
   * re-checking the whole subject on every call would be quadratic. */
  int rc = pcre2_match(r->code, (PCRE2_SPTR)s, len, start, PCRE2_NO_UTF_CHECK,
                       md, NULL);
  return rc > 0;
}

void rule_match_span(pcre2_match_data *md, size_t *start, size_t *end) {
  PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
  *start = ov[0];
  *end = ov[1];
}

bool rule_group(const rule *r, pcre2_match_data *md, const char *name,
                size_t *start, size_t *end) {
  PCRE2_SPTR first, last;
  int size = pcre2_substring_nametable_scan(r->code, (PCRE2_SPTR)name, &first,
                                            &last);
  if (size < 0) return false;
  PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
  uint32_t pairs = pcre2_get_ovector_count(md);
  for (PCRE2_SPTR e = first; e <= last; e += size) {
    uint32_t num = ((uint32_t)e[0] << 8) | e[1];
    if (num < pairs && ov[2 * num] != PCRE2_UNSET) {
      *start = ov[2 * num];
      *end = ov[2 * num + 1];
      return true;
    }
  }
  return false;
}

/* ---- examples ------------------------------------------------------------ */

size_t cchc_rules_test(const cchc_rules *rs, cchc_rules_report_fn report,
                       void *ctx, size_t *examples) {
  size_t failed = 0, run = 0;
  pcre2_match_data *md = rules_match_data(rs);
  if (!md) {
    if (report) report(ctx, "", 0, "", "out of memory");
    return 1;
  }
  char msg[768];
  for (size_t i = 0; i < rs->nrules; i++) {
    const rule *r = &rs->rules[i];
    for (size_t j = 0; j < r->nexamples; j++) {
      const rule_example *ex = &r->examples[j];
      run++;
      size_t tl = strlen(ex->text);
      bool hit = rule_exec(r, ex->text, tl, 0, md);
      msg[0] = '\0';
      if (ex->positive && !hit)
        snprintf(msg, sizeof msg, "does not match its 'yes' example: %s",
                 ex->text);
      else if (!ex->positive && hit)
        snprintf(msg, sizeof msg, "matches its 'no' example: %s", ex->text);
      for (size_t k = 0; !msg[0] && ex->positive && k < ex->nexpect; k++) {
        size_t s, e;
        const char *want = ex->expect_values[k];
        if (!rule_group(r, md, ex->expect_names[k], &s, &e))
          snprintf(msg, sizeof msg, "group '%s' unset, expected '%s'",
                   ex->expect_names[k], want);
        else if (e - s != strlen(want) || memcmp(ex->text + s, want, e - s))
          snprintf(msg, sizeof msg, "group '%s' is '%.*s', expected '%s'",
                   ex->expect_names[k], (int)(e - s), ex->text + s, want);
      }
      if (msg[0]) {
        failed++;
        if (report) report(ctx, r->path, ex->line, r->id, msg);
      }
    }
  }
  pcre2_match_data_free(md);
  failed += indicators_test(rs->indicators_by_meaning, report, ctx, &run);
  if (examples) *examples = run;
  return failed;
}
