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

bool cchc_csv_write_cell(FILE *fp, const char *cell, size_t len) {
  if (!cchc_csv_is_formula(cell, len))
    return csv_fwrite(fp, cell, len) == 0;
  char *text = malloc(len + 1);
  if (!text)
    return false;
  text[0] = '\'';
  memcpy(text + 1, cell, len);
  bool ok = csv_fwrite(fp, text, len + 1) == 0;
  free(text);
  return ok;
}
