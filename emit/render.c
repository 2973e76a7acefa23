/* render.c: cchc_render and the format names. */
#include "emit.h"

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

cchc_status cchc_render(const cchc_frame *frame, cchc_format format,
                        unsigned flags, char **out, size_t *len,
                        cchc_error *err) {
  cchc_error_clear(err);
  if (!out || !len)
    return cchc_fail(err, CCHC_ERR_INVALID, "no output buffer");
  *out = NULL;
  *len = 0;
  switch (format) {
  case CCHC_FORMAT_JSON:
    return emit_json(frame, false, out, len, err);
  case CCHC_FORMAT_JSONL:
    return emit_json(frame, true, out, len, err);
  case CCHC_FORMAT_XML:
    return emit_xml(frame, out, len, err);
  case CCHC_FORMAT_CSV:
    return emit_csv(frame, (flags & CCHC_RENDER_CSV_HEADER) != 0, out, len,
                    err);
  }
  return cchc_fail(err, CCHC_ERR_INVALID, "unknown output format %d",
                   (int)format);
}
