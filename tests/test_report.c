/* test_report.c: `cchc report`, the store as one HTML page.
 *
 * A temporary store holds the tests/data province plan 228/KH-UBND, two
 * corpus plans (000 carries out 228/KH-UBND; 002 does not) and a small
 * hostile plan that carries it out too, whose path and text hold markup and
 * quotes; and the two tests/data plans of Sông Mây and Suối Mơ, whose
 * commune states a target of its province in words no indicator rule
 * knows (a row "(unclassified) ..." and an `unmatched` finding).  The page must parse, carry no script and no network resource,
 * show the hostile text as text, and render in headless Chromium (Debian's
 * chromium, installed by `sh scripts/deps.sh test`), which also takes a
 * screenshot: <tmpdir>/report.png, copied beside the cchc program as
 * report.png (build/report.png). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <libxml/HTMLparser.h>
#include <libxml/tree.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"

static const char hostile_text[] =
    "ỦY BAN NHÂN DÂN\n"
    "XÃ THỬ NGHIỆM\n"
    "\n"
    "Số: 9/KH-UBND                   Thử Nghiệm, ngày 02 tháng 02 năm 2026\n"
    "\n"
    "KẾ HOẠCH\n"
    "Cải cách hành chính năm 2026\n"
    "\n"
    "Căn cứ Kế hoạch số 228/KH-UBND ngày 25/01/2026 của UBND tỉnh Đồng Nai "
    "về cải cách hành chính năm 2026;\n"
    "\n"
    "I. MỤC TIÊU\n"
    "- Tỷ lệ giải quyết hồ sơ đúng hạn <script>alert(1)</script> & "
    "\"nháy kép\" 'nháy đơn' đạt tối thiểu 90%.\n";

#define SUOI_MO_WORDING                                                        \
  "Hồ sơ thủ tục hành chính của xã được giải quyết xong trong hạn luật định"

#define HOSTILE_NAME "evil <script>alert(1)<\\script> & \"q\" 'x'.txt"
#define HOSTILE_MARK "<script>alert(1)</script>"

/* Built once, in the parent process, by the unchecked fixture. */
static char dir[4096], db[4200], html_path[4200], hostile_path[4200];
static char setup_error[8192];

static void build_report(void) {
  char *out = NULL, *err = NULL;
  snprintf(dir, sizeof dir, "%s/report-%d", harness_tmpdir(), (int)getpid());
  snprintf(db, sizeof db, "%s/store.db", dir);
  snprintf(html_path, sizeof html_path, "%s/R.html", dir);
  snprintf(hostile_path, sizeof hostile_path, "%s/%s", dir, HOSTILE_NAME);
  if (mkdir(dir, 0777) != 0 ||
      harness_write(hostile_path, hostile_text, sizeof hostile_text - 1) != 0) {
    snprintf(setup_error, sizeof setup_error, "cannot write %s", hostile_path);
    return;
  }
  char prov[4200], c0[4200], c2[4200], song_may[4200], suoi_mo[4200];
  snprintf(prov, sizeof prov, "%s/tests/data/dong_nai_228_KH-UBND_2026.txt",
           harness_root());
  snprintf(c0, sizeof c0, "%s/corpus/000_343475c610832db2.txt",
           harness_shared());
  snprintf(c2, sizeof c2, "%s/corpus/002_f395299616728bb1.txt",
           harness_shared());
  snprintf(song_may, sizeof song_may,
           "%s/tests/data/song_may_51_KH-UBND_2026.txt", harness_root());
  snprintf(suoi_mo, sizeof suoi_mo, "%s/tests/data/suoi_mo_7_KH-UBND_2026.txt",
           harness_root());
  const char *ingest[] = {"ingest", "--db",   db,       prov,    c0,
                          c2,       hostile_path, song_may, suoi_mo, NULL};
  int rc = harness_cli(ingest, NULL, 0, &out, NULL, &err);
  if (rc != 0) {
    snprintf(setup_error, sizeof setup_error, "ingest exit %d: %s%s", rc,
             out ? out : "", err ? err : "");
    goto done;
  }
  free(out);
  free(err);
  out = err = NULL;
  const char *report[] = {"report", "--db", db, "-o", html_path, NULL};
  rc = harness_cli(report, NULL, 0, &out, NULL, &err);
  if (rc != 0 || (out && *out))
    snprintf(setup_error, sizeof setup_error,
             "report exit %d, stdout '%s', stderr: %s", rc, out ? out : "",
             err ? err : "");
done:
  free(out);
  free(err);
}

static char *read_report(size_t *len) {
  ck_assert_msg(!setup_error[0], "%s", setup_error);
  char *html = harness_read(html_path, len);
  ck_assert_msg(html != NULL, "no %s", html_path);
  return html;
}

static htmlDocPtr parse_html(const char *data, size_t len) {
  htmlDocPtr doc = htmlReadMemory(data, (int)len, "R.html", "UTF-8",
                                  HTML_PARSE_NONET | HTML_PARSE_NOERROR |
                                      HTML_PARSE_NOWARNING);
  ck_assert_msg(doc != NULL, "the page does not parse as HTML");
  ck_assert_ptr_nonnull(xmlDocGetRootElement(doc));
  return doc;
}

/* What a walk over the tree found. */
typedef struct scan {
  size_t elements, scripts, remote, handlers;
  size_t below, above, equal, none, missing, ref, unclassified, cells;
  size_t findings_lower, findings_missing, findings_later, findings_unmatched;
  bool hostile_text, hostile_path, hostile_attr;
  bool plans, heatmap, audit, meta_utf8, style;
  bool dung_han_below; /* Nghĩa Trung's tthc.dung_han cell: below, ≥ 98% */
  bool suoi_mo_row;    /* Suối Mơ's wording: a row of its own, its cell */
} scan;

static bool has_class(xmlNodePtr n, const char *cls) {
  xmlChar *v = xmlGetProp(n, BAD_CAST "class");
  bool found = false;
  if (v) {
    char *save = NULL, *copy = strdup((char *)v);
    for (char *t = strtok_r(copy, " \t\n", &save); t && !found;
         t = strtok_r(NULL, " \t\n", &save))
      found = strcmp(t, cls) == 0;
    free(copy);
    xmlFree(v);
  }
  return found;
}

static bool prop_eq(xmlNodePtr n, const char *name, const char *want) {
  xmlChar *v = xmlGetProp(n, BAD_CAST name);
  bool eq = v && strcmp((char *)v, want) == 0;
  xmlFree(v);
  return eq;
}

static void walk(xmlNodePtr n, scan *s) {
  for (; n; n = n->next) {
    if (n->type == XML_TEXT_NODE && n->content) {
      const char *t = (const char *)n->content;
      if (strstr(t, HOSTILE_MARK) && strstr(t, "\"nháy kép\" 'nháy đơn'"))
        s->hostile_text = true;
      if (strstr(t, HOSTILE_NAME))
        s->hostile_path = true;
    }
    if (n->type != XML_ELEMENT_NODE)
      continue;
    s->elements++;
    const char *name = (const char *)n->name;
    if (strcasecmp(name, "script") == 0)
      s->scripts++;
    if (strcasecmp(name, "style") == 0)
      s->style = true;
    for (xmlAttrPtr a = n->properties; a; a = a->next) {
      xmlChar *v = xmlGetProp(n, a->name);
      const char *an = (const char *)a->name;
      if (v && (strcasecmp(an, "src") == 0 || strcasecmp(an, "href") == 0 ||
                strcasecmp(an, "action") == 0 || strcasecmp(an, "srcset") == 0) &&
          (strncasecmp((char *)v, "http://", 7) == 0 ||
           strncasecmp((char *)v, "https://", 8) == 0 ||
           strncmp((char *)v, "//", 2) == 0))
        s->remote++;
      if (strncasecmp(an, "on", 2) == 0)
        s->handlers++;
      if (v && strcmp(an, "data-path") == 0 && strstr((char *)v, HOSTILE_NAME))
        s->hostile_attr = true;
      if (v && strcasecmp(an, "content") == 0 &&
          strcasestr((char *)v, "charset=utf-8"))
        s->meta_utf8 = true;
      xmlFree(v);
    }
    if (prop_eq(n, "id", "plans"))
      s->plans = true;
    if (prop_eq(n, "id", "heatmap"))
      s->heatmap = true;
    if (prop_eq(n, "id", "audit"))
      s->audit = true;
    if (strcmp(name, "td") == 0 && has_class(n, "cell")) {
      s->cells++;
      s->below += has_class(n, "below");
      s->above += has_class(n, "above");
      s->equal += has_class(n, "equal");
      s->none += has_class(n, "none");
      s->missing += has_class(n, "missing");
      s->ref += has_class(n, "ref");
      s->unclassified += has_class(n, "unclassified");
      xmlChar *title = xmlGetProp(n, BAD_CAST "title");
      xmlChar *text = xmlNodeGetContent(n);
      if (has_class(n, "below") && n->parent &&
          prop_eq(n->parent, "data-indicator", "tthc.dung_han") && title &&
          strstr((char *)title, "Nghĩa Trung") && text &&
          strcmp((char *)text, "≥ 98%") == 0)
        s->dung_han_below = true;
      if (has_class(n, "unclassified") && n->parent &&
          has_class(n->parent, "unclassified") &&
          prop_eq(n->parent, "data-subject", SUOI_MO_WORDING) && title &&
          strstr((char *)title, SUOI_MO_WORDING " đạt tối thiểu 95%") &&
          text && strcmp((char *)text, "≥ 95%") == 0)
        s->suoi_mo_row = true;
      xmlFree(title);
      xmlFree(text);
    }
    if (strcmp(name, "tr") == 0 && has_class(n, "finding")) {
      s->findings_lower += has_class(n, "lower");
      s->findings_missing += has_class(n, "missing");
      s->findings_later += has_class(n, "later");
      s->findings_unmatched += has_class(n, "unmatched");
    }
    walk(n->children, s);
  }
}

static scan scan_doc(htmlDocPtr doc) {
  scan s;
  memset(&s, 0, sizeof s);
  walk(xmlDocGetRootElement(doc), &s);
  return s;
}

START_TEST(page_is_safe_and_structured) {
  size_t len;
  char *html = read_report(&len);
  ck_assert_msg(strncmp(html, "<!DOCTYPE html>", 15) == 0, "starts: %.40s",
                html);
  /* no script anywhere, not even escaped-looking raw markup */
  ck_assert_msg(strcasestr(html, "<script") == NULL, "raw <script in page");
  ck_assert_ptr_null(strcasestr(html, "<link"));
  ck_assert_ptr_null(strcasestr(html, "<img"));
  ck_assert_ptr_null(strcasestr(html, "<iframe"));
  ck_assert_ptr_null(strcasestr(html, "@import"));
  ck_assert_ptr_null(strcasestr(html, "url("));
  /* UTF-8 as such, not as character references */
  ck_assert_ptr_nonnull(strstr(html, "Nghĩa Trung"));
  ck_assert_ptr_nonnull(strstr(html, "≥ 99%"));
  ck_assert_ptr_nonnull(strstr(html, "&lt;script&gt;alert(1)&lt;/script&gt;"));

  htmlDocPtr doc = parse_html(html, len);
  scan s = scan_doc(doc);
  ck_assert_uint_gt(s.elements, 50);
  ck_assert_uint_eq(s.scripts, 0);
  ck_assert_uint_eq(s.remote, 0);
  ck_assert_uint_eq(s.handlers, 0);
  ck_assert(s.meta_utf8);
  ck_assert(s.style);
  ck_assert(s.plans && s.heatmap && s.audit);
  /* the hostile plan: its sentence and its path come back as text */
  ck_assert_msg(s.hostile_text, "hostile sentence not found as text");
  ck_assert_msg(s.hostile_path, "hostile path not found as text");
  ck_assert_msg(s.hostile_attr, "hostile path not found as attribute value");
  /* the heat map: Nghĩa Trung's 98% is below the province's 99% */
  ck_assert_msg(s.dung_han_below, "no below cell for tthc.dung_han");
  ck_assert_uint_gt(s.below, 1);
  ck_assert_uint_gt(s.equal, 0);
  ck_assert_uint_gt(s.above, 0);
  ck_assert_uint_gt(s.none, 0);
  ck_assert_uint_gt(s.missing, 0);
  ck_assert_uint_gt(s.ref, 0);
  ck_assert_uint_eq(s.cells, s.below + s.above + s.equal + s.none +
                                 s.missing + s.ref + s.unclassified);
  /* targets without an indicator: rows of their own, marked */
  ck_assert_msg(s.suoi_mo_row, "no unclassified row for Suối Mơ's wording");
  ck_assert_uint_ge(s.unclassified, 2);
  ck_assert_ptr_nonnull(strstr(html, "<th>unclassified</th>"));
  ck_assert_ptr_nonnull(strstr(html, "(unclassified) " SUOI_MO_WORDING));
  /* the audit of 228/KH-UBND: lower, missing and later findings */
  ck_assert_uint_ge(s.findings_lower, 2);
  ck_assert_uint_ge(s.findings_missing, 1);
  ck_assert_uint_eq(s.findings_later, 1);
  /* the audit of 51/KH-UBND: the commune's wording found by subject */
  ck_assert_uint_eq(s.findings_unmatched, 1);
  xmlFreeDoc(doc);
  free(html);
}
END_TEST

/* Does a finding row of `kind` and `key` quote `mark`?  Checks its
 * evidence: both values, both paths, spans. */
static bool find_finding(xmlNodePtr n, const char *kind, const char *key,
                         const char *mark) {
  for (; n; n = n->next) {
    if (n->type != XML_ELEMENT_NODE)
      continue;
    if (strcmp((char *)n->name, "tr") == 0 && has_class(n, "finding") &&
        has_class(n, kind) && prop_eq(n, "data-kind", kind) &&
        prop_eq(n, "data-key", key)) {
      xmlChar *all = xmlNodeGetContent(n);
      bool ok = all && strstr((char *)all, mark);
      if (ok) {
        ck_assert_msg(strstr((char *)all, "≥ 90%"), "%s", all);
        ck_assert_msg(strstr((char *)all, "≥ 99%"), "%s", all);
        ck_assert_msg(strstr((char *)all, HOSTILE_NAME), "%s", all);
        ck_assert_msg(strstr((char *)all, "dong_nai_228_KH-UBND_2026.txt"),
                      "%s", all);
        ck_assert_msg(strstr((char *)all, "bytes "), "%s", all);
      }
      xmlFree(all);
      if (ok)
        return true;
    }
    if (find_finding(n->children, kind, key, mark))
      return true;
  }
  return false;
}

/* The first finding row of `kind` and `key`, or NULL. */
static xmlNodePtr find_row(xmlNodePtr n, const char *kind, const char *key) {
  for (; n; n = n->next) {
    if (n->type != XML_ELEMENT_NODE)
      continue;
    if (strcmp((char *)n->name, "tr") == 0 && has_class(n, "finding") &&
        has_class(n, kind) && prop_eq(n, "data-key", key))
      return n;
    xmlNodePtr r = find_row(n->children, kind, key);
    if (r)
      return r;
  }
  return NULL;
}

START_TEST(finding_carries_evidence) {
  size_t len;
  char *html = read_report(&len);
  htmlDocPtr doc = parse_html(html, len);
  /* The hostile plan's lower finding: its quote, values, spans, paths. */
  ck_assert_msg(find_finding(xmlDocGetRootElement(doc), "lower",
                             "tthc.dung_han", HOSTILE_MARK),
                "no lower finding quoting the hostile plan");
  /* Suối Mơ's unmatched finding: the candidate, both values, the note */
  xmlNodePtr row = find_row(xmlDocGetRootElement(doc), "unmatched",
                            "tthc.dung_han");
  ck_assert_msg(row != NULL, "no unmatched finding");
  xmlChar *all = xmlNodeGetContent(row);
  static const char *const wants[] = {
      SUOI_MO_WORDING, "≥ 95%", "≥ 98%", "suoi_mo_7_KH-UBND_2026.txt",
      "song_may_51_KH-UBND_2026.txt", "bytes ",
      "this target without one has a similar subject (word overlap 0.64) "
      "and a lower value"};
  for (size_t i = 0; i < sizeof wants / sizeof *wants; i++)
    ck_assert_msg(strstr((char *)all, wants[i]), "%s lacks %s", all, wants[i]);
  xmlFree(all);
  /* and the target it really lacks is still missing */
  ck_assert_ptr_nonnull(find_row(xmlDocGetRootElement(doc), "missing",
                                 "tthc.hai_long"));
  xmlFreeDoc(doc);
  free(html);
}
END_TEST

START_TEST(cli_options) {
  ck_assert_msg(!setup_error[0], "%s", setup_error);
  char *out = NULL, *err = NULL;
  size_t olen = 0, flen = 0;
  /* standard output without -o: the same page */
  const char *a1[] = {"report", "--db", db, NULL};
  ck_assert_int_eq(harness_cli(a1, NULL, 0, &out, &olen, &err), 0);
  char *file = harness_read(html_path, &flen);
  ck_assert_uint_eq(olen, flen);
  ck_assert_int_eq(memcmp(out, file, flen), 0);
  free(file);
  free(out);
  free(err);
  /* --parent: only 228/KH-UBND and the plans carrying it out */
  const char *a2[] = {"report", "--db", db, "--parent", "228/kh-ubnd", NULL};
  ck_assert_int_eq(harness_cli(a2, NULL, 0, &out, &olen, &err), 0);
  ck_assert_ptr_nonnull(strstr(out, "Nghĩa Trung"));
  ck_assert_ptr_nonnull(strstr(out, "Thử Nghiệm"));
  ck_assert_ptr_null(strstr(out, "Bình Minh"));
  free(out);
  free(err);
  /* errors: nothing written; no plan with that number is exit 3 */
  char missing[4300];
  snprintf(missing, sizeof missing, "%s/not-written.html", dir);
  const char *a3[] = {"report", "--db", db, "--parent", "1/XX", "-o", missing,
                      NULL};
  ck_assert_int_eq(harness_cli(a3, NULL, 0, &out, NULL, &err), 3);
  ck_assert_msg(strstr(err, "1/XX") != NULL, "stderr: %s", err);
  ck_assert_int_ne(access(missing, F_OK), 0);
  free(out);
  free(err);
  const char *a4[] = {"report", "--db", "/nonexistent/store.db", NULL};
  ck_assert_int_eq(harness_cli(a4, NULL, 0, NULL, NULL, NULL), 2);
  const char *a5[] = {"report", "--db", db, "--bogus", NULL};
  ck_assert_int_eq(harness_cli(a5, NULL, 0, NULL, NULL, NULL), 2);
  const char *a6[] = {"report", "--db", db, "extra", NULL};
  ck_assert_int_eq(harness_cli(a6, NULL, 0, NULL, NULL, NULL), 2);
  const char *a7[] = {"report", "--help", NULL};
  ck_assert_int_eq(harness_cli(a7, NULL, 0, &out, NULL, NULL), 0);
  ck_assert_ptr_nonnull(strstr(out, "usage: cchc report"));
  free(out);
  /* -o into a directory that does not exist: 2 */
  const char *a8[] = {"report", "--db", db, "-o", "/nonexistent/dir/R.html",
                      NULL};
  ck_assert_int_eq(harness_cli(a8, NULL, 0, NULL, NULL, NULL), 2);
}
END_TEST

/* ---- headless Chromium ---- */

static bool have_chromium(void) {
  return system("command -v chromium >/dev/null 2>&1") == 0;
}

/* Run `timeout 60 chromium --headless ... ARG URL`; standard output goes to
 * `out_path`.  Returns the exit status (-1 on a signal). */
static int chromium(const char *arg, const char *url, const char *out_path) {
  char profile[4300], errp[4300];
  snprintf(profile, sizeof profile, "--user-data-dir=%s/chromium-profile", dir);
  snprintf(errp, sizeof errp, "%s/chromium.err", dir);
  const char *argv[] = {"timeout", "60", "chromium", "--headless",
                        "--no-sandbox", "--disable-gpu",
                        "--disable-dev-shm-usage", "--no-first-run",
                        "--hide-scrollbars", "--window-size=1400,1000", profile, arg,
                        url, NULL};
  pid_t pid = fork();
  ck_assert_int_ge(pid, 0);
  if (pid == 0) {
    int fo = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    int fe = open(errp, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    int fi = open("/dev/null", O_RDONLY);
    if (fo < 0 || fe < 0 || fi < 0)
      _exit(126);
    dup2(fi, 0);
    dup2(fo, 1);
    dup2(fe, 2);
    execvp(argv[0], (char *const *)argv);
    _exit(127);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static bool dom_has_class(xmlNodePtr n, const char *cls) {
  for (; n; n = n->next)
    if (n->type == XML_ELEMENT_NODE &&
        (has_class(n, cls) || dom_has_class(n->children, cls)))
      return true;
  return false;
}

START_TEST(renders_in_chromium) {
  ck_assert_msg(!setup_error[0], "%s", setup_error);
  ck_assert_msg(have_chromium(),
                "chromium is not installed: run 'sh scripts/deps.sh test' "
                "(installs Debian's chromium for this test)");
  char url[4400], dom_path[4400], png[4400], shot[4500], errp[4400];
  snprintf(url, sizeof url, "file://%s", html_path);
  snprintf(dom_path, sizeof dom_path, "%s/dom.html", dir);
  snprintf(png, sizeof png, "%s/report.png", dir);
  snprintf(shot, sizeof shot, "--screenshot=%s", png);
  snprintf(errp, sizeof errp, "%s/chromium.err", dir);

  int rc = chromium("--dump-dom", url, dom_path);
  size_t len = 0;
  char *dom = harness_read(dom_path, &len);
  char *cerr = harness_read(errp, NULL);
  ck_assert_msg(rc == 0 && dom && len > 0, "chromium --dump-dom exit %d: %s",
                rc, cerr ? cerr : "");
  free(cerr);
  ck_assert_msg(strstr(dom, "Nghĩa Trung") != NULL, "rendered DOM lacks Nghĩa Trung");
  ck_assert_msg(strstr(dom, "Đồng Nai") != NULL, "rendered DOM lacks Đồng Nai");
  ck_assert_msg(strstr(dom, "≥ 99%") != NULL, "rendered DOM lacks ≥ 99%%");
  htmlDocPtr doc = parse_html(dom, len);
  ck_assert_msg(dom_has_class(xmlDocGetRootElement(doc), "below"),
                "rendered DOM has no element of class below");
  scan s = scan_doc(doc);
  ck_assert_uint_eq(s.scripts, 0);
  ck_assert(s.hostile_text);
  ck_assert(s.dung_han_below);
  ck_assert(s.suoi_mo_row);
  ck_assert_uint_eq(s.findings_unmatched, 1);
  xmlFreeDoc(doc);
  free(dom);

  unlink(png);
  rc = chromium(shot, url, dom_path);
  cerr = harness_read(errp, NULL);
  size_t plen = 0;
  char *img = harness_read(png, &plen);
  ck_assert_msg(rc == 0 && img, "chromium --screenshot exit %d: %s", rc,
                cerr ? cerr : "");
  free(cerr);
  ck_assert_uint_gt(plen, 1000);
  ck_assert_int_eq(memcmp(img, "\x89PNG\r\n\x1a\n", 8), 0);
  /* a copy beside the program: build/report.png */
  const char *bin = getenv("CCHC_BIN");
  char copy[4300];
  const char *slash = bin ? strrchr(bin, '/') : NULL;
  if (slash)
    snprintf(copy, sizeof copy, "%.*s/report.png", (int)(slash - bin), bin);
  else
    snprintf(copy, sizeof copy, "%s/build/report.png", harness_root());
  ck_assert_int_eq(harness_write(copy, img, plen), 0);
  printf("report screenshot: %s (copy: %s)\n", png, copy);
  fflush(stdout);
  free(img);
}
END_TEST

int main(void) {
  Suite *s = suite_create("report");
  TCase *tc = tcase_create("html");
  tcase_set_timeout(tc, 120);
  tcase_add_unchecked_fixture(tc, build_report, NULL);
  tcase_add_test(tc, page_is_safe_and_structured);
  tcase_add_test(tc, finding_carries_evidence);
  tcase_add_test(tc, cli_options);
  tcase_add_test(tc, renders_in_chromium);
  suite_add_tcase(s, tc);
  int rc = harness_run(s);
  xmlCleanupParser();
  return rc;
}
