/* fuzz_normalize.c: cchc_normalize on any bytes, three ways (encoding
 * detected; with repair; with repair and without layout).  Invariants of
 * every text it gives:
 * - the offset map: cchc_text_source_offset is non-decreasing over the
 *   canonical offsets, each canonical byte maps inside the input (below
 *   its length), and the end maps to the input's length;
 * - the text is valid UTF-8, NUL-terminated, and says how long the input
 *   was; every repair points inside the input;
 * - normalizing canonical text again changes nothing (README). */
#include "fuzz.h"

#include <string.h>

int LLVMFuzzerInitialize(int *argc, char ***argv) { return 0; }

static void check_text(const cchc_text *t, size_t size, const char *how) {
  const char *s = cchc_text_data(t);
  size_t n = cchc_text_len(t), src = cchc_text_source_len(t);
  FUZZ_CHECK(src == size, "%s: source length %zu, input %zu bytes", how, src,
             size);
  FUZZ_CHECK(s[n] == '\0', "%s: text not NUL-terminated", how);
  FUZZ_CHECK(fuzz_utf8_valid(s, n), "%s: canonical text is not UTF-8", how);
  size_t prev = 0;
  for (size_t i = 0; i < n; i++) {
    size_t o = cchc_text_source_offset(t, i);
    FUZZ_CHECK(o < src,
               "%s: canonical byte %zu maps to %zu, past the %zu-byte input",
               how, i, o, src);
    FUZZ_CHECK(o >= prev,
               "%s: offset map goes back: canonical byte %zu maps to %zu, "
               "byte %zu to %zu",
               how, i, o, i - 1, prev);
    prev = o;
  }
  FUZZ_CHECK(cchc_text_source_offset(t, n) == src,
             "%s: the end of the text maps to %zu, not %zu", how,
             cchc_text_source_offset(t, n), src);
  for (size_t i = 0; i < cchc_text_repairs(t); i++) {
    cchc_repair_kind kind;
    size_t off;
    const char *detail;
    cchc_text_repair_at(t, i, &kind, &off, &detail);
    FUZZ_CHECK(off <= src, "%s: repair %zu (%s) at %zu, past the input", how,
               i, cchc_repair_kind_name(kind), off);
  }
}

static void check_idempotent(const cchc_text *t) {
  cchc_text *again = NULL;
  cchc_error err = {0};
  cchc_status st = cchc_normalize(cchc_text_data(t), cchc_text_len(t), NULL,
                                  &again, &err);
  FUZZ_CHECK(st == CCHC_OK, "canonical text rejected: %s", err.message);
  size_t n = cchc_text_len(t);
  FUZZ_CHECK(cchc_text_len(again) == n &&
                 memcmp(cchc_text_data(again), cchc_text_data(t), n) == 0,
             "normalizing canonical text changed it (%zu bytes, then %zu)", n,
             cchc_text_len(again));
  cchc_text_free(again);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static const struct {
    const char *how;
    unsigned flags;
  } ways[] = {{"detect", 0},
              {"repair", CCHC_NORM_REPAIR},
              {"repair, no layout", CCHC_NORM_REPAIR | CCHC_NORM_NO_LAYOUT}};
  for (size_t w = 0; w < sizeof ways / sizeof *ways; w++) {
    cchc_normalize_options opt = {.flags = ways[w].flags};
    cchc_text *t = NULL;
    cchc_error err = {0};
    cchc_status st = cchc_normalize((const char *)data, size, &opt, &t, &err);
    if (st != CCHC_OK) {
      FUZZ_CHECK(t == NULL && err.message[0],
                 "%s: failure without a message or with a text", ways[w].how);
      continue;
    }
    check_text(t, size, ways[w].how);
    if (ways[w].flags == 0)
      check_idempotent(t);
    cchc_text_free(t);
  }
  return 0;
}
