/* json_read.h: reading JSON documents of a known shape with jansson, with
 * errors that name the member at fault ("frame targets[0]: \"value\" must
 * be a number, not a string").  Used by the frame reader
 * (cchc_frame_from_json) and the gold reader of eval.
 *
 * A reader keeps the first failure; every later call is a no-op that
 * returns false, so a caller can chain calls with && and check once. */
#ifndef CCHC_JSON_READ_H
#define CCHC_JSON_READ_H

#include "internal.h"

#include <jansson.h>

typedef struct json_reader {
  const char *which; /* what is read ("frame", "gold"): starts messages */
  cchc_error *err;
  cchc_status status; /* CCHC_OK until something fails */
} json_reader;

/* Parse `len` bytes (duplicate keys rejected) into an object.  NULL on
 * failure: a syntax error gives err->line and err->offset, and the message
 * "WHICH is not valid JSON: ..."; another root than an object is an
 * error too. */
json_t *json_read_parse(json_reader *r, const char *data, size_t len);

/* Record a data error: "WHICH " followed by the formatted message; err->path
 * is left empty.  Returns false. */
bool json_read_fail(json_reader *r, const char *fmt, ...) CCHC_PRINTF(2, 3);
/* Record an allocation failure.  Returns false. */
bool json_read_nomem(json_reader *r);

/* "an object", "a string", "a number", ... */
const char *json_read_type_name(const json_t *v);

/* Members of `obj`.  `where` names the object in messages ("targets[2]",
 * "document").  A member that is missing or null gives NULL (or false, 0,
 * an empty span) unless `required`; one of another type is an error. */
bool json_read_string(json_reader *r, const json_t *obj, const char *where,
                      const char *key, bool required, const char **out);
bool json_read_number(json_reader *r, const json_t *obj, const char *where,
                      const char *key, bool required, double *out,
                      bool *has);
/* Arrays and objects: `where` is a prefix of the message ("", "document:
 * "); *out is NULL when missing or null. */
bool json_read_array(json_reader *r, const json_t *obj, const char *where,
                     const char *key, bool required, json_t **out);
bool json_read_object(json_reader *r, const json_t *obj, const char *where,
                      const char *key, bool required, json_t **out);
/* Item i of an array, which must be an object; `name` is the array's. */
json_t *json_read_item(json_reader *r, json_t *arr, const char *name,
                       size_t i);

#endif
