/* xml.c: the frame as XML, through libxml2's xmlTextWriter.
 *
 * Shape (described exactly by emit/schema/frame.xsd): root
 * <frame schema="cchc/1">; an object is an element whose children are its
 * fields in walk order; an array is an element (plural name) holding one
 * element per item (singular name); a scalar is an element with text; a
 * null is an omitted element; a span is an empty element with attributes
 * start and end.  No namespace. */
#include "emit.h"

#include <libxml/xmlwriter.h>
#include <stdio.h>
#include <stdlib.h>

typedef struct xctx {
  xmlTextWriterPtr w;
  int depth; /* open elements */
  bool failed;
} xctx;

static void ok(xctx *c, int rc) {
  if (rc < 0)
    c->failed = true;
}

static void x_begin(void *ctx, emit_name name) {
  xctx *c = ctx;
  ok(c, xmlTextWriterStartElement(c->w, BAD_CAST emit_names[name]));
  c->depth++;
}

static void x_begin_array(void *ctx, emit_name name, emit_name item) {
  x_begin(ctx, name);
}

static void x_end(void *ctx) {
  xctx *c = ctx;
  ok(c, xmlTextWriterEndElement(c->w));
  c->depth--;
}

static void x_text(xctx *c, emit_name name, const char *text) {
  ok(c, xmlTextWriterWriteElement(c->w, BAD_CAST emit_names[name],
                                        BAD_CAST text));
}

static void x_string(void *ctx, emit_name name, const char *value,
                     size_t len, bool escape_free) {
  xctx *c = ctx;
  if (!value)
    return;
  /* The schema identifier is an attribute of the root element. */
  if (c->depth == 1 && name == NAME_schema)
    ok(c, xmlTextWriterWriteAttribute(c->w, BAD_CAST "schema",
                                      BAD_CAST value));
  else
    x_text(c, name, value);
}

static void x_number(void *ctx, emit_name name, double value) {
  char buf[40];
  x_text(ctx, name, emit_format_number(value, buf));
}

static void x_integer(void *ctx, emit_name name, long long value) {
  char buf[CCHC_INTEGER_MAX + 1];
  buf[cchc_integer_text(value, buf)] = '\0';
  x_text(ctx, name, buf);
}

static void x_boolean(void *ctx, emit_name name, bool value) {
  x_text(ctx, name, value ? "true" : "false");
}

static void x_null(void *ctx, emit_name name) {}

/* An offset as an attribute (xmlTextWriterWriteFormatAttribute would
 * allocate a buffer for each). */
static void x_offset(xctx *c, const char *name, size_t offset) {
  char buf[32];
  snprintf(buf, sizeof buf, "%zu", offset);
  ok(c, xmlTextWriterWriteAttribute(c->w, BAD_CAST name, BAD_CAST buf));
}

static void x_span(void *ctx, emit_name name, frame_span s) {
  xctx *c = ctx;
  ok(c, xmlTextWriterStartElement(c->w, BAD_CAST emit_names[name]));
  x_offset(c, "start", s.start);
  x_offset(c, "end", s.end);
  ok(c, xmlTextWriterEndElement(c->w));
}

static const emit_ops xml_ops = {
    .begin_object = x_begin,
    .end_object = x_end,
    .begin_array = x_begin_array,
    .end_array = x_end,
    .string = x_string,
    .number = x_number,
    .integer = x_integer,
    .boolean = x_boolean,
    .null = x_null,
    .span = x_span,
};

/* libxml2's output callback.  A refused write shows in the sink; libxml2
 * is told all went well, so that it reports nothing itself. */
static int to_sink(void *ctx, const char *buf, int len) {
  emit_put(ctx, buf, (size_t)len);
  return len;
}

cchc_status emit_xml(const cchc_frame *frame, emit_sink *out,
                     cchc_error *err) {
  cchc_xml_init();
  xmlOutputBufferPtr ob = xmlOutputBufferCreateIO(to_sink, NULL, out, NULL);
  if (!ob)
    return cchc_fail(err, CCHC_ERR_NOMEM, "out of memory while writing XML");
  xctx c = {.w = xmlNewTextWriter(ob)}; /* owns ob from here on */
  if (!c.w) {
    xmlOutputBufferClose(ob);
    return cchc_fail(err, CCHC_ERR_NOMEM, "out of memory while writing XML");
  }
  ok(&c, xmlTextWriterSetIndent(c.w, 1));
  ok(&c, xmlTextWriterSetIndentString(c.w, BAD_CAST "  "));
  ok(&c, xmlTextWriterStartDocument(c.w, NULL, "UTF-8", NULL));
  cchc_status st = emit_walk(frame, &xml_ops, &c, err);
  if (st == CCHC_OK)
    ok(&c, xmlTextWriterEndDocument(c.w));
  xmlFreeTextWriter(c.w); /* flushes into the sink */
  if (st == CCHC_OK && c.failed)
    st = cchc_fail(err, CCHC_ERR_INTERNAL, "libxml2 failed to write XML");
  return st;
}
