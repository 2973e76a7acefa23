/* fuzz_process.c: any bytes through the whole pipeline, cchc_process (with
 * repair) then every emitter.  Invariants:
 * - the input is either rejected with a message (binary, encoding,
 *   unsupported) or gives a frame;
 * - the JSON parses (Jansson), names the input's size, and every span
 *   [start, end] in it lies inside the input with start <= end;
 * - the JSONL is the same document on one line;
 * - the XML parses (libxml2) and is valid against the published XSD;
 * - the CSV parses strictly (libcsv), every row as wide as the header,
 *   one row per target. */
#include "fuzz.h"

#include <csv.h>
#include <jansson.h>
#include <libxml/parser.h>
#include <libxml/xmlschemas.h>
#include <string.h>

static cchc_rules *rules;
static xmlSchemaPtr xsd;

static void ignore_xml_error(void *ctx, xmlErrorPtr e) {}

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  cchc_error err = {0};
  if (cchc_rules_load(fuzz_rules_dir(), &rules, &err) != CCHC_OK) {
    fprintf(stderr, "fuzz_process: %s:%u: %s\n", err.path, err.line,
            err.message);
    exit(2);
  }
  const char *schema = cchc_schema("xml");
  xmlSchemaParserCtxtPtr pc =
      xmlSchemaNewMemParserCtxt(schema, (int)strlen(schema));
  xsd = pc ? xmlSchemaParse(pc) : NULL;
  xmlSchemaFreeParserCtxt(pc);
  if (!xsd) {
    fprintf(stderr, "fuzz_process: the published XSD does not parse\n");
    exit(2);
  }
  xmlSetStructuredErrorFunc(NULL, ignore_xml_error);
  return 0;
}

static char *render(const cchc_frame *f, cchc_format format, unsigned flags,
                    size_t *len) {
  char *out = NULL;
  cchc_error err = {0};
  FUZZ_CHECK(cchc_render(f, format, flags, &out, len, &err) == CCHC_OK,
             "render (format %d) failed: %s", (int)format, err.message);
  FUZZ_CHECK(strlen(out) == *len, "rendering (format %d) holds a NUL byte",
             (int)format);
  return out;
}

static void check_span(const json_t *span, size_t size, const char *where) {
  FUZZ_CHECK(json_is_array(span) && json_array_size(span) == 2,
             "%s: a span is not [start, end]", where);
  json_int_t a = json_integer_value(json_array_get(span, 0));
  json_int_t b = json_integer_value(json_array_get(span, 1));
  FUZZ_CHECK(0 <= a && a <= b && (size_t)b <= size,
             "%s: span [%lld, %lld] outside the %zu-byte input", where,
             (long long)a, (long long)b, size);
}

/* Every "span" (and span of "mentions") anywhere in the document. */
static void check_spans(const json_t *v, size_t size, const char *where) {
  if (json_is_array(v)) {
    size_t i;
    json_t *x;
    json_array_foreach(v, i, x) check_spans(x, size, where);
    return;
  }
  if (!json_is_object(v))
    return;
  const char *key;
  json_t *x;
  json_object_foreach((json_t *)v, key, x) {
    if (!strcmp(key, "span") && !json_is_null(x)) {
      check_span(x, size, where);
    } else if (!strcmp(key, "mentions")) {
      size_t i;
      json_t *m;
      json_array_foreach(x, i, m) check_span(m, size, where);
    } else {
      check_spans(x, size, key);
    }
  }
}

static size_t check_json(const cchc_frame *f, size_t size) {
  size_t len, llen;
  char *json = render(f, CCHC_FORMAT_JSON, 0, &len);
  char *line = render(f, CCHC_FORMAT_JSONL, 0, &llen);
  json_error_t je;
  json_t *doc = json_loadb(json, len, 0, &je);
  FUZZ_CHECK(doc, "JSON does not parse: line %d: %s", je.line, je.text);
  FUZZ_CHECK(json_is_object(doc) &&
                 !strcmp(json_string_value(json_object_get(doc, "schema")),
                         "cchc/1"),
             "JSON is not a cchc/1 frame");
  json_t *src = json_object_get(doc, "source");
  FUZZ_CHECK(json_integer_value(json_object_get(src, "bytes")) ==
                 (json_int_t)size,
             "source.bytes is not the input's size %zu", size);
  check_spans(doc, size, "frame");
  FUZZ_CHECK(llen > 0 && line[llen - 1] == '\n' &&
                 memchr(line, '\n', llen - 1) == NULL,
             "JSONL is not one line");
  json_t *again = json_loadb(line, llen, 0, &je);
  FUZZ_CHECK(again && json_equal(doc, again),
             "JSONL is not the JSON document on one line");
  size_t targets = json_array_size(json_object_get(doc, "targets"));
  json_decref(again);
  json_decref(doc);
  free(line);
  free(json);
  return targets;
}

static void check_xml(const cchc_frame *f) {
  size_t len;
  char *xml = render(f, CCHC_FORMAT_XML, 0, &len);
  xmlDocPtr doc = xmlReadMemory(xml, (int)len, "frame.xml", NULL,
                                XML_PARSE_NONET | XML_PARSE_NOERROR |
                                    XML_PARSE_NOWARNING);
  const xmlError *e = xmlGetLastError();
  FUZZ_CHECK(doc, "XML does not parse: %s", e ? e->message : "?");
  xmlSchemaValidCtxtPtr vc = xmlSchemaNewValidCtxt(xsd);
  FUZZ_CHECK(vc, "out of memory");
  int rc = xmlSchemaValidateDoc(vc, doc);
  e = xmlGetLastError();
  FUZZ_CHECK(rc == 0, "XML is not valid against the XSD: %s",
             e ? e->message : "?");
  xmlSchemaFreeValidCtxt(vc);
  xmlFreeDoc(doc);
  free(xml);
}

typedef struct csv_rows {
  size_t fields, header, rows;
  bool ragged;
} csv_rows;

static void csv_field(void *s, size_t n, void *ctx) {
  ((csv_rows *)ctx)->fields++;
}

static void csv_row(int c, void *ctx) {
  csv_rows *r = ctx;
  if (r->rows++ == 0)
    r->header = r->fields;
  else if (r->fields != r->header)
    r->ragged = true;
  r->fields = 0;
}

static void check_csv(const cchc_frame *f, size_t targets) {
  size_t len;
  char *csv = render(f, CCHC_FORMAT_CSV, CCHC_RENDER_CSV_HEADER, &len);
  static const char bom[] = "\xEF\xBB\xBF";
  FUZZ_CHECK(len >= 3 && !memcmp(csv, bom, 3), "CSV without its BOM");
  struct csv_parser p;
  FUZZ_CHECK(csv_init(&p, CSV_STRICT | CSV_STRICT_FINI) == 0, "csv_init");
  csv_rows rows = {0};
  size_t done = csv_parse(&p, csv + 3, len - 3, csv_field, csv_row, &rows);
  FUZZ_CHECK(done == len - 3, "CSV does not parse at byte %zu: %s", done + 3,
             csv_strerror(csv_error(&p)));
  FUZZ_CHECK(csv_fini(&p, csv_field, csv_row, &rows) == 0,
             "CSV ends inside a field: %s", csv_strerror(csv_error(&p)));
  csv_free(&p);
  FUZZ_CHECK(!rows.ragged, "CSV rows differ in width from the header");
  FUZZ_CHECK(rows.rows == targets + 1,
             "CSV has %zu rows for %zu targets and the header", rows.rows,
             targets);
  free(csv);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  cchc_process_options opt = {.normalize.flags = CCHC_NORM_REPAIR,
                              .path = "fuzz.txt"};
  cchc_frame *f = NULL;
  cchc_error err = {0};
  cchc_status st = cchc_process(rules, (const char *)data, size, &opt, &f, &err);
  if (st != CCHC_OK) {
    FUZZ_CHECK(st == CCHC_ERR_BINARY || st == CCHC_ERR_ENCODING ||
                   st == CCHC_ERR_UNSUPPORTED,
               "input refused with %s: %s", cchc_status_name(st),
               err.message);
    FUZZ_CHECK(f == NULL && err.message[0], "a refusal without a message");
    return 0;
  }
  size_t targets = check_json(f, size);
  check_xml(f);
  check_csv(f, targets);
  cchc_frame_free(f);
  return 0;
}
