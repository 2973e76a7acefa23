/* meta.c: the document's metadata from the rules of group "meta."
 * (rules/meta.rules): kind, issuing level and place, province, covered
 * period, number, date, title and signer.  The parent plan is chosen among
 * the citations, in refs.c, with the meta.parent.* cues.
 *
 * The patterns say what to find; this file only decides where to look
 * (attribute `scope`: the header, i.e. the lines before the first numbered
 * section, or the whole text), which match counts (`pick`), and turns the
 * captured groups into values: ISO dates, the level of a body, the
 * spelling of a place name written in capitals. */
#include "extract.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/ucasemap.h>
#include <unicode/uchar.h>
#include <unicode/utf8.h>

static cchc_status nomem(xctx *x) {
  return cchc_fail(x->err, CCHC_ERR_NOMEM, "out of memory");
}

/* ---- where and which match ------------------------------------------- */

static size_t header_end(const xctx *x) {
  return x->first_section_line < x->nlines
             ? x->lines[x->first_section_line].start
             : x->n;
}

static size_t scope_end(const xctx *x, const rule *r) {
  const char *s = rule_attr(r, "scope");
  return s && !strcmp(s, "all") ? x->n : header_end(x);
}

static size_t next_char(const xctx *x, size_t i) {
  i++;
  while (i < x->n && ((unsigned char)x->s[i] & 0xC0) == 0x80) i++;
  return i;
}

/* Match r in s[a..b): the first match, or the last one when `last`.  On
 * success x->md holds the match. */
static bool find(xctx *x, const rule *r, size_t a, size_t b, bool last) {
  size_t at = a, found = SIZE_MAX;
  while (at <= b && rule_exec(r, x->s, b, at, x->md)) {
    PCRE2_SIZE *ov = pcre2_get_ovector_pointer(x->md);
    if (!last) return true;
    found = ov[0];
    at = ov[1] > ov[0] ? ov[1] : next_char(x, ov[0]);
  }
  return found != SIZE_MAX && rule_exec(r, x->s, b, found, x->md);
}

/* The first rule of `prefix` (file order) that matches in its scope. */
static const rule *first_rule(xctx *x, const char *prefix) {
  rule_list rs = rules_select(x->rules, prefix, NULL);
  for (size_t i = 0; i < rs.n; i++) {
    const rule *r = rs.items[i];
    const char *pick = rule_attr(r, "pick");
    if (find(x, r, 0, scope_end(x, r), pick && !strcmp(pick, "last")))
      return r;
  }
  return NULL;
}

static void set_field(xctx *x, frame_field *fd, const char *value, size_t s,
                      size_t e, const rule *r) {
  fd->value = value;
  fd->span = (frame_span){s, e};
  fd->rule = r ? r->id : NULL;
}

/* ---- values ------------------------------------------------------------ */

static bool has_lower(const char *s, size_t n) {
  for (int32_t i = 0; i < (int32_t)n;) {
    UChar32 c;
    U8_NEXT((const uint8_t *)s, i, (int32_t)n, c);
    if (c > 0 && u_islower(c)) return true;
  }
  return false;
}

static bool letter_at(const xctx *x, size_t i, bool before) {
  UChar32 c;
  int32_t k = (int32_t)i;
  if (before) {
    if (i == 0) return false;
    U8_PREV((const uint8_t *)x->s, 0, k, c);
  } else {
    if (i >= x->n) return false;
    U8_NEXT((const uint8_t *)x->s, k, (int32_t)x->n, c);
  }
  return c > 0 && u_isalpha(c);
}

/* The spelling of a name printed in capitals ("HỒNG LỘC"): the first
 * mixed-case occurrence of the same words in the text, else its title
 * case by ICU ("Hồng Lộc").  A name with lower-case letters is kept. */
static const char *spelling(xctx *x, size_t a, size_t b) {
  const char *name = x->s + a;
  size_t n = b - a;
  if (has_lower(name, n)) return xfolded(x, a, b);
  int code;
  PCRE2_SIZE at;
  pcre2_code *re = pcre2_compile((PCRE2_SPTR)name, n,
                                 PCRE2_LITERAL | PCRE2_CASELESS | PCRE2_UTF,
                                 &code, &at, NULL);
  if (re) {
    pcre2_match_data *md = pcre2_match_data_create(1, NULL);
    size_t from = 0;
    while (md && from < x->n &&
           pcre2_match(re, (PCRE2_SPTR)x->s, x->n, from, 0, md, NULL) > 0) {
      PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
      size_t s = ov[0], e = ov[1];
      if (has_lower(x->s + s, e - s) && !letter_at(x, s, true) &&
          !letter_at(x, e, false)) {
        pcre2_match_data_free(md);
        pcre2_code_free(re);
        return xfolded(x, s, e);
      }
      from = e > s ? e : next_char(x, s);
    }
    pcre2_match_data_free(md);
    pcre2_code_free(re);
  }
  UErrorCode st = U_ZERO_ERROR;
  UCaseMap *cm = ucasemap_open("vi", 0, &st);
  char buf[512];
  int32_t len = -1;
  if (U_SUCCESS(st) && n < sizeof buf / 2) {
    len = ucasemap_utf8ToTitle(cm, buf, (int32_t)sizeof buf, name, (int32_t)n,
                               &st);
    if (U_FAILURE(st) || len >= (int32_t)sizeof buf) len = -1;
  }
  ucasemap_close(cm);
  if (len < 0) return xfolded(x, a, b);
  return frame_strndup(x->f, buf, (size_t)len);
}

/* ---- fields -------------------------------------------------------------- */

static void meta_kind(xctx *x) {
  const rule *r = first_rule(x, "meta.kind.");
  if (!r) return;
  size_t s, e;
  if (!rule_group(r, x->md, "kw", &s, &e)) rule_match_span(x->md, &s, &e);
  set_field(x, &x->f->document.kind, rule_attr(r, "kind"), s, e, r);
}

/* The title; returns its canonical extent in *ts, *te (0, 0 if none). */
static void meta_title(xctx *x, size_t *ts, size_t *te) {
  *ts = *te = 0;
  const rule *r = first_rule(x, "meta.title.");
  if (!r) return;
  size_t s, e;
  if (!rule_group(r, x->md, "title", &s, &e)) rule_match_span(x->md, &s, &e);
  set_field(x, &x->f->document.title, xfolded(x, s, e), s, e, r);
  *ts = s;
  *te = e;
}

typedef struct period {
  const rule *r;
  size_t s, e;   /* whole match */
  size_t ys, ye; /* first year */
  char from[11], to[11];
} period;

/* The earliest period expression in s[a..b) (ties: file order). */
static bool find_period(xctx *x, size_t a, size_t b, period *p) {
  rule_list rs = rules_select(x->rules, "meta.period.", NULL);
  const rule *best = NULL;
  size_t best_at = SIZE_MAX;
  for (size_t i = 0; i < rs.n; i++)
    if (rule_exec(rs.items[i], x->s, b, a, x->md)) {
      size_t s, e;
      rule_match_span(x->md, &s, &e);
      if (s < best_at) best = rs.items[i], best_at = s;
    }
  if (!best || !rule_exec(best, x->s, b, best_at, x->md)) return false;
  size_t y2s, y2e;
  const char *from = rule_attr(best, "from"), *to = rule_attr(best, "to");
  if (!from || !to || !rule_group(best, x->md, "y", &p->ys, &p->ye))
    return false;
  if (!rule_group(best, x->md, "y2", &y2s, &y2e)) y2s = p->ys, y2e = p->ye;
  int y1 = xint(x->s, p->ys, p->ye), y2 = xint(x->s, y2s, y2e);
  if (y1 < 1900 || y2 < y1 || y2 > 2100) return false;
  p->r = best;
  rule_match_span(x->md, &p->s, &p->e);
  snprintf(p->from, sizeof p->from, "%04u-%.5s", (unsigned)y1 % 10000u, from);
  snprintf(p->to, sizeof p->to, "%04u-%.5s", (unsigned)y2 % 10000u, to);
  return true;
}

bool meta_find_period(xctx *x, size_t a, size_t b, char from[11],
                      char to[11]) {
  period p;
  if (!find_period(x, a, b, &p)) return false;
  memcpy(from, p.from, 11);
  memcpy(to, p.to, 11);
  return true;
}

/* The earliest period in the header's lines that do not cite the plan's
 * bases (meta.basis). */
static bool header_period(xctx *x, period *p) {
  const rule *basis = rules_find(x->rules, "meta.basis");
  for (size_t i = 0; i < x->first_section_line && i < x->nlines; i++) {
    const xline *ln = &x->lines[i];
    if (basis &&
        rule_exec(basis, x->s + ln->start, ln->end - ln->start, 0, x->md))
      continue;
    if (find_period(x, ln->start, ln->end, p)) return true;
  }
  return false;
}

/* The period the plan covers: from its title, else the header, else the
 * whole text. */
static void meta_period(xctx *x, size_t ts, size_t te) {
  period p;
  if (!(te > ts && find_period(x, ts, te, &p)) && !header_period(x, &p) &&
      !find_period(x, 0, x->n, &p))
    return;
  frame_document *d = &x->f->document;
  set_field(x, &d->year, frame_strndup(x->f, x->s + p.ys, p.ye - p.ys), p.ys,
            p.ye, p.r);
  set_field(x, &d->period_start, frame_strdup(x->f, p.from), p.s, p.e, p.r);
  set_field(x, &d->period_end, frame_strdup(x->f, p.to), p.s, p.e, p.r);
}

/* The issuing body: level (meta.level.* on the body's name) and place. */
static void meta_issuer(xctx *x) {
  const rule *r = first_rule(x, "meta.issuer.");
  if (!r) return;
  size_t bs, be, ps, pe;
  if (!rule_group(r, x->md, "body", &bs, &be) ||
      !rule_group(r, x->md, "place", &ps, &pe))
    return;
  frame_document *d = &x->f->document;
  set_field(x, &d->place, spelling(x, ps, pe), ps, pe, r);
  rule_list ls = rules_select(x->rules, "meta.level.", NULL);
  for (size_t i = 0; i < ls.n; i++)
    if (rule_exec(ls.items[i], x->s + bs, be - bs, 0, x->md)) {
      set_field(x, &d->level, rule_attr(ls.items[i], "level"), bs, be,
                ls.items[i]);
      break;
    }
  /* A province or a centrally-run city is its own province. */
  if (d->level.value && (!strcmp(d->level.value, "province") ||
                         !strcmp(d->level.value, "city")))
    d->province = d->place;
}

/* The province: every mention votes; the most frequent name wins (the
 * earliest on a tie).  Votes are counted per printed form, each spelled
 * once, then summed per spelling ("ĐỒNG NAI" and "Đồng Nai" agree). */
static void meta_province(xctx *x) {
  frame_document *d = &x->f->document;
  if (d->province.value) return;
  rule_list rs = rules_select(x->rules, "meta.province.", NULL);
  struct form {
    const char *name;
    size_t votes, s, e;
    const rule *r;
  } *forms = NULL;
  size_t nforms = 0, cap = 0;
  for (size_t i = 0; i < rs.n; i++) {
    const rule *r = rs.items[i];
    size_t end = scope_end(x, r);
    for (size_t at = 0; at < end && rule_exec(r, x->s, end, at, x->md);) {
      size_t ms, me, s, e;
      rule_match_span(x->md, &ms, &me);
      at = me > ms ? me : next_char(x, ms);
      if (!rule_group(r, x->md, "name", &s, &e)) continue;
      size_t k = 0;
      while (k < nforms && !(forms[k].e - forms[k].s == e - s &&
                             !memcmp(x->s + forms[k].s, x->s + s, e - s)))
        k++;
      if (k == nforms) {
        if (nforms == cap) {
          cap = cap ? 2 * cap : 16;
          struct form *p = realloc(forms, cap * sizeof *p);
          if (!p) {
            x->f->failed = true;
            free(forms);
            return;
          }
          forms = p;
        }
        forms[k] = (struct form){NULL, 0, s, e, r};
        nforms++;
      } else if (s < forms[k].s) {
        forms[k].s = s, forms[k].e = e, forms[k].r = r;
      }
      forms[k].votes++;
    }
  }
  for (size_t k = 0; k < nforms; k++)
    if (!(forms[k].name = spelling(x, forms[k].s, forms[k].e))) {
      free(forms);
      return;
    }
  size_t best = SIZE_MAX, best_votes = 0, best_s = 0;
  for (size_t k = 0; k < nforms; k++) {
    size_t votes = 0, first = forms[k].s;
    for (size_t j = 0; j < nforms; j++)
      if (!strcmp(forms[j].name, forms[k].name)) {
        votes += forms[j].votes;
        if (forms[j].s < first) first = forms[j].s;
      }
    if (best == SIZE_MAX || votes > best_votes ||
        (votes == best_votes && first < best_s))
      best = k, best_votes = votes, best_s = first;
  }
  /* Report the first mention of the winning spelling. */
  for (size_t j = 0; best != SIZE_MAX && j < nforms; j++)
    if (!strcmp(forms[j].name, forms[best].name) && forms[j].s < forms[best].s)
      best = j;
  if (best != SIZE_MAX)
    set_field(x, &d->province, forms[best].name, forms[best].s, forms[best].e,
              forms[best].r);
  free(forms);
}

static void meta_number(xctx *x) {
  const rule *r = first_rule(x, "meta.number");
  size_t s, e;
  if (r && rule_group(r, x->md, "number", &s, &e))
    set_field(x, &x->f->document.number, frame_strndup(x->f, x->s + s, e - s),
              s, e, r);
}

static void meta_date(xctx *x) {
  const rule *r = first_rule(x, "meta.date");
  if (!r) return;
  const char *iso = xdate_groups(x, r);
  size_t s, e;
  if (!rule_group(r, x->md, "date", &s, &e)) rule_match_span(x->md, &s, &e);
  if (iso) set_field(x, &x->f->document.date, iso, s, e, r);
}

static void meta_signer(xctx *x) {
  const rule *r = first_rule(x, "meta.signer");
  size_t s, e;
  if (r && rule_group(r, x->md, "name", &s, &e))
    set_field(x, &x->f->document.signer, xfolded(x, s, e), s, e, r);
}

cchc_status extract_meta(xctx *x) {
  size_t ts, te;
  meta_kind(x);
  meta_title(x, &ts, &te);
  meta_period(x, ts, te);
  meta_issuer(x);
  meta_province(x);
  meta_number(x);
  meta_date(x);
  meta_signer(x);
  return x->f->failed ? nomem(x) : CCHC_OK;
}
