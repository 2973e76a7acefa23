/* fuzz.h: what the libFuzzer targets of tests/fuzz/ share.  A target
 * checks invariants on what the library makes of its input; a broken one
 * is printed and aborts, which libFuzzer reports as a crash, saving the
 * input that broke it ('make fuzz'). */
#ifndef CCHC_FUZZ_H
#define CCHC_FUZZ_H

#include "cchc.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <utf8proc.h>

#define FUZZ_CHECK(cond, ...)                                           \
  do {                                                                  \
    if (!(cond)) {                                                      \
      fprintf(stderr, "invariant broken (%s:%d): ", __FILE__, __LINE__); \
      fprintf(stderr, __VA_ARGS__);                                     \
      fputc('\n', stderr);                                              \
      abort();                                                          \
    }                                                                   \
  } while (0)

/* The shipped rules: $CCHC_RULES, else the directory compiled in. */
static inline const char *fuzz_rules_dir(void) {
  const char *dir = getenv("CCHC_RULES");
  return dir && *dir ? dir : CCHC_RULES_DIR;
}

/* Is s[0..n) valid UTF-8 (utf8proc's reading, not the library's)? */
static inline bool fuzz_utf8_valid(const char *s, size_t n) {
  for (size_t i = 0; i < n;) {
    utf8proc_int32_t cp;
    utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)s + i,
                                          (utf8proc_ssize_t)(n - i), &cp);
    if (k <= 0)
      return false;
    i += (size_t)k;
  }
  return true;
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
