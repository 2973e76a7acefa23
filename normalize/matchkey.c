/* matchkey.c: diacritic-, case- and punctuation-insensitive keys made with
 * utf8proc, so that "Văn hoá – Xã hội", "VĂN HÓA - XÃ HỘI" and
 * "van hoa - xa hoi" compare equal. */
#include "../common/internal.h"

#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

/* đ/Đ have no decomposition (the stroke is part of the letter), so
 * STRIPMARK keeps them; Vietnamese keys fold them to d. */
static utf8proc_int32_t fold_d(utf8proc_int32_t c, void *data) {
  (void)data;
  if (c == 0x0110 || c == 0x0111 || c == 0x00D0 || c == 0x00F0)
    return 'd';
  return c;
}

char *cchc_match_key(const char *s, size_t len, cchc_error *err) {
  utf8proc_uint8_t *mapped = NULL;
  utf8proc_ssize_t n = utf8proc_map_custom(
      (const utf8proc_uint8_t *)s, (utf8proc_ssize_t)len, &mapped,
      UTF8PROC_COMPAT | UTF8PROC_DECOMPOSE | UTF8PROC_STRIPMARK |
          UTF8PROC_CASEFOLD | UTF8PROC_LUMP | UTF8PROC_IGNORE |
          UTF8PROC_STRIPCC,
      fold_d, NULL);
  if (n < 0) {
    cchc_fail(err, n == UTF8PROC_ERROR_NOMEM ? CCHC_ERR_NOMEM : CCHC_ERR_ENCODING,
              "match key: %s", utf8proc_errmsg(n));
    return NULL;
  }
  /* Collapse white space and trim: keys ignore layout. */
  char *k = (char *)mapped;
  size_t o = 0;
  bool space = false;
  for (utf8proc_ssize_t i = 0; i < n; i++) {
    char c = k[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      space = o > 0;
      continue;
    }
    if (space)
      k[o++] = ' ';
    space = false;
    k[o++] = c;
  }
  k[o] = '\0';
  return k;
}
