/* error.c: the error model.  The library only fills cchc_error; the CLI
 * decides how to show it. */
#include "internal.h"

#include <stdio.h>
#include <string.h>

static const char *const status_names[] = {
    [CCHC_OK] = "ok",
    [CCHC_ERR_NOMEM] = "out of memory",
    [CCHC_ERR_IO] = "input/output error",
    [CCHC_ERR_ENCODING] = "encoding error",
    [CCHC_ERR_BINARY] = "not text",
    [CCHC_ERR_TOO_LARGE] = "input too large",
    [CCHC_ERR_UNSUPPORTED] = "unsupported",
    [CCHC_ERR_RULES] = "rules error",
    [CCHC_ERR_INVALID] = "invalid data",
    [CCHC_ERR_INTERNAL] = "internal error",
};

const char *cchc_status_name(cchc_status status) {
  if ((unsigned)status < sizeof status_names / sizeof *status_names &&
      status_names[status])
    return status_names[status];
  return "unknown error";
}

void cchc_error_clear(cchc_error *err) {
  if (err)
    memset(err, 0, sizeof *err);
}

static cchc_status vfail(cchc_error *err, cchc_status code, int has_offset,
                         size_t offset, const char *fmt, va_list ap) {
  if (!err)
    return code;
  err->code = code;
  err->has_offset = has_offset;
  err->offset = offset;
  vsnprintf(err->message, sizeof err->message, fmt, ap);
  return code;
}

cchc_status cchc_fail(cchc_error *err, cchc_status code, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vfail(err, code, 0, 0, fmt, ap);
  va_end(ap);
  return code;
}

cchc_status cchc_fail_at(cchc_error *err, cchc_status code, size_t offset,
                         const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vfail(err, code, 1, offset, fmt, ap);
  va_end(ap);
  return code;
}
