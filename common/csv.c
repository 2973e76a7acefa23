/* csv.c: one CSV cell, quoted by libcsv and safe to open in a spreadsheet.
 *
 * Spreadsheets (Excel, LibreOffice) read a cell that begins with '=', '+',
 * '-' or '@' as a formula, and some strip a leading tab or carriage return
 * first; plan text in such a cell ("= 100%", a planted "=HYPERLINK(...)")
 * would be evaluated.  The OWASP rule: such a cell gets a leading
 * apostrophe, which makes it text.  A plain number ("-5", "98.5") is read
 * as that number, not as a formula, and is left as it is so that the
 * column still sorts. */
#include "internal.h"
#include "strbuf.h"

#include <csv.h>
#include <stdlib.h>
#include <string.h>

/* -?digits(.digits)? and nothing else. */
static bool plain_number(const char *s, size_t len) {
  size_t i = len && s[0] == '-', digits = 0;
  while (i < len && s[i] >= '0' && s[i] <= '9')
    i++, digits++;
  if (digits && i + 1 < len && s[i] == '.') {
    i++;
    while (i < len && s[i] >= '0' && s[i] <= '9')
      i++;
  }
  return digits && i == len;
}

bool cchc_csv_is_formula(const char *cell, size_t len) {
  return len && memchr("=+-@\t\r", cell[0], 6) && !plain_number(cell, len);
}

void cchc_csv_cell(strbuf *sb, const char *cell, size_t len) {
  bool formula = cchc_csv_is_formula(cell, len);
  /* libcsv quotes the apostrophe-prefixed text the same as the cell
   * (an apostrophe needs no quoting), so quote the cell and insert it. */
  size_t need = csv_write(NULL, 0, cell, len);
  if (!strbuf_grow(sb, need + formula))
    return;
  char *at = sb->buf + sb->len;
  csv_write(at, need, cell, len);
  if (formula) { /* '"=x"' -> '"'=x"': after the opening quote */
    memmove(at + 2, at + 1, need - 1);
    at[1] = '\'';
  }
  sb->len += need + formula;
  sb->buf[sb->len] = '\0';
}
