/* process.c: the pipeline in one call, as cmark's cmark_markdown_to_html.
 * Decode and normalize the input, hash it once, extract its frame.  This
 * is the only place the stages are chained: the program, the store's
 * callers, the tests and the fuzz targets all come through here. */
#include "../extract/extract.h"
#include "../normalize/normalize.h"

cchc_status cchc_process(const cchc_rules *rules, const char *bytes,
                         size_t len, const cchc_process_options *options,
                         cchc_frame **frame, cchc_error *err) {
  static const cchc_process_options defaults = {0};
  if (!frame)
    return cchc_fail(err, CCHC_ERR_INVALID, "process needs a frame pointer");
  *frame = NULL;
  if (!rules || (!bytes && len))
    return cchc_fail(err, CCHC_ERR_INVALID, "process needs rules and an input");
  if (!options)
    options = &defaults;

  /* Hashed first: normalizing may release the input (input_done). */
  char sha256[65];
  const char *hash = options->sha256;
  cchc_status st;
  if (!hash) {
    if ((st = cchc_sha256_hex(bytes, len, sha256, err)) != CCHC_OK)
      return st;
    hash = sha256;
  }
  cchc_text *text = NULL;
  st = cchc_normalize(bytes, len, &options->normalize, &text, err);
  if (st != CCHC_OK)
    return st;
  cchc_text_drop_repair_list(text); /* the frame counts them only */
  frame_source src = {.path = options->path, .sha256 = hash, .bytes = len};
  st = extract_frame(rules, text, &src, frame, err);
  cchc_text_free(text);
  return st;
}
