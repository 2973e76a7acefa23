/* process.c: the pipeline in one call, as cmark's cmark_markdown_to_html.
 * Decode and normalize the input, hash it once, extract its frame.  This
 * is the only place the stages are chained: the program, the store's
 * callers, the tests and the fuzz targets all come through here. */
#include "../extract/extract.h"

#include <stdlib.h>

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

/* A normalized input waiting for its extraction: its text and the
 * frame's source. */
struct cchc_prepared {
  cchc_text *text;
  frame_source src;
  char sha256[65]; /* src.sha256 when the input was hashed here */
};

/* Decode, normalize and hash the input into *p. */
static cchc_status normalize_into(cchc_prepared *p, const char *bytes,
                                  size_t len,
                                  const cchc_process_options *options,
                                  cchc_error *err) {
  static const cchc_process_options defaults = {0};
  if (!options)
    options = &defaults;
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
  p->text = NULL;
  cchc_status st = cchc_normalize(bytes, len, &norm, &p->text, err);
  if (st == CCHC_OK && h.state) {
    hash_upto(&h, len); /* input_done was not called: all there still */
    st = cchc_sha256_end(h.state, p->sha256, err);
    h.state = NULL;
    hash = p->sha256;
  }
  cchc_sha256_end(h.state, NULL, NULL);
  if (st != CCHC_OK) {
    cchc_text_free(p->text);
    p->text = NULL;
    return st;
  }
  p->src = (frame_source){.path = options->path, .sha256 = hash, .bytes = len};
  return CCHC_OK;
}

/* Extract p's frame and free its text. */
static cchc_status extract_from(const cchc_rules *rules, cchc_prepared *p,
                                cchc_frame **frame, cchc_error *err) {
  cchc_status st = extract_frame(rules, p->text, &p->src, frame, err);
  cchc_text_free(p->text);
  p->text = NULL;
  return st;
}

cchc_status cchc_process(const cchc_rules *rules, const char *bytes,
                         size_t len, const cchc_process_options *options,
                         cchc_frame **frame, cchc_error *err) {
  if (!frame)
    return cchc_fail(err, CCHC_ERR_INVALID, "process needs a frame pointer");
  *frame = NULL;
  if (!rules || (!bytes && len))
    return cchc_fail(err, CCHC_ERR_INVALID, "process needs rules and an input");
  cchc_prepared p;
  cchc_status st = normalize_into(&p, bytes, len, options, err);
  return st == CCHC_OK ? extract_from(rules, &p, frame, err) : st;
}

cchc_status cchc_process_normalize(const char *bytes, size_t len,
                                   const cchc_process_options *options,
                                   cchc_prepared **out, cchc_error *err) {
  if (!out)
    return cchc_fail(err, CCHC_ERR_INVALID, "process needs a result pointer");
  *out = NULL;
  if (!bytes && len)
    return cchc_fail(err, CCHC_ERR_INVALID, "process needs rules and an input");
  cchc_prepared *p = malloc(sizeof *p);
  if (!p)
    return cchc_fail(err, CCHC_ERR_NOMEM, "out of memory");
  cchc_status st = normalize_into(p, bytes, len, options, err);
  if (st != CCHC_OK) {
    free(p);
    return st;
  }
  *out = p;
  return CCHC_OK;
}

cchc_status cchc_process_extract(const cchc_rules *rules,
                                 cchc_prepared *prepared, cchc_frame **frame,
                                 cchc_error *err) {
  cchc_status st;
  if (!frame)
    st = cchc_fail(err, CCHC_ERR_INVALID, "process needs a frame pointer");
  else if ((*frame = NULL), !rules || !prepared)
    st = cchc_fail(err, CCHC_ERR_INVALID, "process needs rules and an input");
  else
    st = extract_from(rules, prepared, frame, err);
  cchc_prepared_free(prepared);
  return st;
}

void cchc_prepared_free(cchc_prepared *prepared) {
  if (!prepared)
    return;
  cchc_text_free(prepared->text);
  free(prepared);
}
