/* process.c: the pipeline in one call, as cmark's cmark_markdown_to_html.
 * Decode and normalize the input, hash it once, extract its frame.  This
 * is the only place the stages are chained: the program, the store's
 * callers, the tests and the fuzz targets all come through here. */
#include "../extract/extract.h"

/* The input hashed as the decoder reads it (input_read), each piece
 * before the caller may give its pages back, and the rest before the
 * caller may release it (input_done): the input is read once, and never
 * needs to be resident whole. */
typedef struct input_hash {
  cchc_sha256 *state;
  const char *bytes;
  size_t len, hashed;
  const cchc_normalize_options *caller; /* its callbacks, called after */
} input_hash;

static void hash_upto(input_hash *h, size_t upto) {
  if (upto > h->hashed) {
    cchc_sha256_add(h->state, h->bytes + h->hashed, upto - h->hashed);
    h->hashed = upto;
  }
}

static void hash_read(void *arg, size_t offset) {
  input_hash *h = arg;
  hash_upto(h, offset);
  if (h->caller->input_read)
    h->caller->input_read(h->caller->input_read_arg, offset);
}

static void hash_done(void *arg) {
  input_hash *h = arg;
  hash_upto(h, h->len);
  if (h->caller->input_done)
    h->caller->input_done(h->caller->input_done_arg);
}

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

  char sha256[65];
  const char *hash = options->sha256;
  cchc_normalize_options norm = options->normalize;
  norm.flags &= ~(unsigned)CCHC_NORM_TEXT_ONLY; /* the frame needs the map */
  norm.flags |= CCHC_NORM_NO_REPAIR_LIST;       /* and counts the repairs */
  input_hash h = {.bytes = bytes, .len = len, .caller = &options->normalize};
  if (!hash) {
    if (!(h.state = cchc_sha256_begin()))
      return cchc_fail(err, CCHC_ERR_NOMEM, "out of memory");
    norm.input_read = hash_read;
    norm.input_read_arg = &h;
    norm.input_done = hash_done;
    norm.input_done_arg = &h;
  }
  cchc_text *text = NULL;
  cchc_status st = cchc_normalize(bytes, len, &norm, &text, err);
  if (st == CCHC_OK && h.state) {
    hash_upto(&h, len); /* input_done was not called: all there still */
    st = cchc_sha256_end(h.state, sha256, err);
    h.state = NULL;
    hash = sha256;
  }
  cchc_sha256_end(h.state, NULL, NULL);
  if (st != CCHC_OK) {
    cchc_text_free(text);
    return st;
  }
  frame_source src = {.path = options->path, .sha256 = hash, .bytes = len};
  st = extract_frame(rules, text, &src, frame, err);
  cchc_text_free(text);
  return st;
}
