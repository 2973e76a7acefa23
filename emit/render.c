/* render.c: cchc_render_to, cchc_render (the same into a string) and the
 * format names. */
#include "emit.h"

#include <stdlib.h>
#include <string.h>

static const struct {
  const char *name;
  cchc_format format;
} formats[] = {
    {"json", CCHC_FORMAT_JSON},
    {"jsonl", CCHC_FORMAT_JSONL},
    {"xml", CCHC_FORMAT_XML},
    {"csv", CCHC_FORMAT_CSV},
};

bool cchc_format_parse(const char *name, cchc_format *out) {
  for (size_t i = 0; name && i < sizeof formats / sizeof *formats; i++)
    if (strcmp(name, formats[i].name) == 0) {
      if (out)
        *out = formats[i].format;
      return true;
    }
  return false;
}

cchc_status cchc_render_to(const cchc_frame *frame, cchc_format format,
                           unsigned flags, cchc_write_fn write, void *ctx,
                           cchc_error *err) {
  cchc_error_clear(err);
  if (!write)
    return cchc_fail(err, CCHC_ERR_INVALID, "no output");
  emit_sink *out = malloc(sizeof *out);
  if (!out)
    return cchc_fail(err, CCHC_ERR_NOMEM, "out of memory");
  emit_sink_init(out, write, ctx);
  cchc_status st;
  switch (format) {
  case CCHC_FORMAT_JSON:
  case CCHC_FORMAT_JSONL:
    st = emit_json(frame, format == CCHC_FORMAT_JSONL, out, err);
    break;
  case CCHC_FORMAT_XML:
    st = emit_xml(frame, out, err);
    break;
  case CCHC_FORMAT_CSV:
    st = emit_csv(frame, (flags & CCHC_RENDER_CSV_HEADER) != 0, out, err);
    break;
  default:
    st = cchc_fail(err, CCHC_ERR_INVALID, "unknown output format %d",
                   (int)format);
  }
  /* what a failed rendering left in the buffer is not written */
  if (st == CCHC_OK && !emit_sink_flush(out))
    st = cchc_fail(err, CCHC_ERR_IO, "the output refused what was written");
  free(out);
  return st;
}

static bool to_strbuf(void *ctx, const char *data, size_t len) {
  strbuf_add(ctx, data, len);
  return !((strbuf *)ctx)->failed;
}

cchc_status cchc_render(const cchc_frame *frame, cchc_format format,
                        unsigned flags, char **out, size_t *len,
                        cchc_error *err) {
  cchc_error_clear(err);
  if (!out || !len)
    return cchc_fail(err, CCHC_ERR_INVALID, "no output buffer");
  *out = NULL;
  *len = 0;
  strbuf sb = STRBUF_INIT;
  cchc_status st = cchc_render_to(frame, format, flags, to_strbuf, &sb, err);
  if (sb.failed)
    st = cchc_fail(err, CCHC_ERR_NOMEM, "out of memory");
  if (st != CCHC_OK) {
    strbuf_release(&sb);
    return st;
  }
  if (!(*out = strbuf_detach(&sb, len)))
    return cchc_fail(err, CCHC_ERR_NOMEM, "out of memory");
  return CCHC_OK;
}
