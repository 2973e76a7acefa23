/* json_read.c: see json_read.h. */
#include "json_read.h"

#include <stdio.h>
#include <string.h>

json_t *json_read_parse(json_reader *r, const char *data, size_t len) {
  if (r->status != CCHC_OK)
    return NULL;
  json_error_t je;
  json_t *root = json_loadb(data ? data : "", data ? len : 0,
                            JSON_REJECT_DUPLICATES, &je);
  if (!root) {
    r->status = CCHC_ERR_INVALID;
    if (r->err) {
      cchc_error_clear(r->err);
      r->err->code = CCHC_ERR_INVALID;
      if (je.line > 0)
        r->err->line = (unsigned)je.line;
      if (je.position >= 0) {
        r->err->has_offset = 1;
        r->err->offset = (size_t)je.position;
      }
      snprintf(r->err->message, sizeof r->err->message,
               "%s is not valid JSON: %s", r->which, je.text);
    }
    return NULL;
  }
  if (!json_is_object(root)) {
    json_read_fail(r, "must be a JSON object, not %s",
                   json_read_type_name(root));
    json_decref(root);
    return NULL;
  }
  return root;
}

bool json_read_fail(json_reader *r, const char *fmt, ...) {
  if (r->status != CCHC_OK)
    return false;
  r->status = CCHC_ERR_INVALID;
  if (r->err) {
    cchc_error_clear(r->err);
    r->err->code = CCHC_ERR_INVALID;
    int n = snprintf(r->err->message, sizeof r->err->message, "%s ",
                     r->which);
    if (n < 0 || (size_t)n >= sizeof r->err->message)
      return false;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->err->message + n, sizeof r->err->message - (size_t)n, fmt,
              ap);
    va_end(ap);
  }
  return false;
}

bool json_read_nomem(json_reader *r) {
  if (r->status == CCHC_OK)
    r->status = cchc_fail(r->err, CCHC_ERR_NOMEM, "out of memory");
  return false;
}

const char *json_read_type_name(const json_t *v) {
  switch (json_typeof(v)) {
  case JSON_OBJECT: return "an object";
  case JSON_ARRAY: return "an array";
  case JSON_STRING: return "a string";
  case JSON_INTEGER:
  case JSON_REAL: return "a number";
  case JSON_TRUE:
  case JSON_FALSE: return "a boolean";
  case JSON_NULL: return "null";
  }
  return "?";
}

bool json_read_string(json_reader *r, const json_t *obj, const char *where,
                      const char *key, bool required, const char **out) {
  json_t *v = json_object_get(obj, key);
  *out = NULL;
  if (r->status != CCHC_OK)
    return false;
  if (json_is_string(v)) {
    *out = json_string_value(v);
    return true;
  }
  if (!v || json_is_null(v)) {
    if (required)
      return json_read_fail(r, "%s: \"%s\" is missing (a string is required)",
                            where, key);
    return true;
  }
  return json_read_fail(r, "%s: \"%s\" must be a string or null, not %s",
                        where, key, json_read_type_name(v));
}

bool json_read_number(json_reader *r, const json_t *obj, const char *where,
                      const char *key, bool required, double *out,
                      bool *has) {
  json_t *v = json_object_get(obj, key);
  *has = false;
  *out = 0;
  if (r->status != CCHC_OK)
    return false;
  if (json_is_number(v)) {
    *out = json_number_value(v);
    *has = true;
    return true;
  }
  if (!v || json_is_null(v)) {
    if (required)
      return json_read_fail(r, "%s: \"%s\" is missing (a number is required)",
                            where, key);
    return true;
  }
  return json_read_fail(r, "%s: \"%s\" must be a number, not %s", where, key,
                        json_read_type_name(v));
}

/* A member that must be a container of type `type` ("an array"). */
static bool container(json_reader *r, const json_t *obj, const char *where,
                      const char *key, bool required, json_type type,
                      json_t **out) {
  json_t *v = json_object_get(obj, key);
  const char *what = type == JSON_ARRAY ? "an array" : "an object";
  *out = NULL;
  if (r->status != CCHC_OK)
    return false;
  if (v && json_typeof(v) == type) {
    *out = v;
    return true;
  }
  if (!v || (json_is_null(v) && !required)) {
    if (required)
      return json_read_fail(r, "%s\"%s\" is missing (%s is required)", where,
                            key, what);
    return true;
  }
  return json_read_fail(r, "%s\"%s\" must be %s, not %s", where, key, what,
                        json_read_type_name(v));
}

bool json_read_array(json_reader *r, const json_t *obj, const char *where,
                     const char *key, bool required, json_t **out) {
  return container(r, obj, where, key, required, JSON_ARRAY, out);
}

bool json_read_object(json_reader *r, const json_t *obj, const char *where,
                      const char *key, bool required, json_t **out) {
  return container(r, obj, where, key, required, JSON_OBJECT, out);
}

json_t *json_read_item(json_reader *r, json_t *arr, const char *name,
                       size_t i) {
  json_t *v = json_array_get(arr, i);
  if (!json_is_object(v)) {
    json_read_fail(r, "%s[%zu] must be an object, not %s", name, i,
                   json_read_type_name(v));
    return NULL;
  }
  return v;
}
