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

/* The document in `format` into `out`. */
static cchc_status render_into(const cchc_frame *frame, cchc_format format,
                               unsigned flags, emit_sink *out,
                               cchc_error *err) {
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
  return st;
}

/* cchc_render_to's sink and its buffer, in one block. */
typedef struct own_sink {
  emit_sink sink;
  char buf[EMIT_SINK_BYTES];
} own_sink;

cchc_status cchc_render_to(const cchc_frame *frame, cchc_format format,
                           unsigned flags, cchc_write_fn write, void *ctx,
                           cchc_error *err) {
  cchc_error_clear(err);
  if (!write)
    return cchc_fail(err, CCHC_ERR_INVALID, "no output");
  own_sink *own = malloc(sizeof *own);
  if (!own)
    return cchc_fail(err, CCHC_ERR_NOMEM, "out of memory");
  emit_sink *out = &own->sink;
  emit_sink_init(out, own->buf, sizeof own->buf, 0, write, ctx);
  cchc_status st = render_into(frame, format, flags, out, err);
  /* what a failed rendering left in the buffer is not written */
  if (st == CCHC_OK && !emit_sink_flush(out))
    st = cchc_fail(err, CCHC_ERR_IO, "the output refused what was written");
  free(own);
  return st;
}

enum { BUFFER_MIN = 1024 }; /* room for what the formats put at once */

cchc_status cchc_render_buffered(const cchc_frame *frame, cchc_format format,
                                 unsigned flags, cchc_render_buffer *buf,
                                 cchc_error *err) {
  cchc_error_clear(err);
  if (!buf || !buf->write || !buf->data || buf->cap < BUFFER_MIN ||
      buf->len > buf->cap)
    return cchc_fail(err, CCHC_ERR_INVALID, "no output buffer");
  if (buf->failed)
    return cchc_fail(err, CCHC_ERR_IO, "the output refused what was written");
  emit_sink out;
  emit_sink_init(&out, buf->data, buf->cap, buf->len, buf->write, buf->ctx);
  cchc_status st = render_into(frame, format, flags, &out, err);
  if (out.pieces)
    buf->wrote = true;
  if (st == CCHC_OK && out.failed)
    st = cchc_fail(err, CCHC_ERR_IO, "the output refused what was written");
  buf->failed = out.failed;
  if (st == CCHC_OK)
    buf->len = out.n;
  else if (out.pieces) /* part of it is out: the rest is not written */
    buf->len = 0;
  /* else the buffer holds what it held before the document */
  return st;
}

cchc_status cchc_render_flush(cchc_render_buffer *buf, cchc_error *err) {
  cchc_error_clear(err);
  if (!buf || !buf->write)
    return cchc_fail(err, CCHC_ERR_INVALID, "no output buffer");
  if (!buf->failed && buf->len) {
    buf->wrote = true;
    if (!buf->write(buf->ctx, buf->data, buf->len))
      buf->failed = true;
  }
  buf->len = 0;
  if (buf->failed)
    return cchc_fail(err, CCHC_ERR_IO, "the output refused what was written");
  return CCHC_OK;
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
