/* layout.c: layout repair for text extracted from PDF and Word.
 *
 * Output: one block (paragraph, bullet, heading or table cell line) per line,
 * no blank lines.  Decisions, in order:
 *  - Markdown markers from Word conversion are removed first (`**`, `#`);
 *    the characters an emphasis marker separated are made canonical again;
 *    a line break inside a bold span ("**I. MỤC\nĐÍCH**") is a wrap.
 *  - A line that starts with a list marker starts a block: a bullet ("- ",
 *    "+ ", "* "), a number ("1." "1)" "1/" "1.1." "1.1"), a letter ("a)"
 *    "a." "a/", "A." "A)"), one in parentheses ("(1)" "(a)"), a Roman
 *    numeral ("I." "I)" "I/" "I -"), "Điều 1",
 *    "Chương I", "Mục 1", "Phần I".
 *  - A line that starts with a lower-case letter or with ",;.)" continues the
 *    previous block, whatever lies between (blank lines, a page number).
 *  - A line that ends with "X-" (no space) is joined without a space, and
 *    so is a code broken the same way inside a line ("27/NQ- TW").
 *  - A line that starts with a capital continues the previous one when that
 *    one ends with a word that cannot end a phrase ("của"; "số" only before
 *    a number or a code), or only in a hard-wrapped document when the
 *    previous line reaches the wrap width (and, where the extractor marks
 *    wrapped lines with a trailing space, has one) and, in a text wrapped
 *    at a fixed width, the first word could not have fitted on it: a
 *    sentence may end at the margin, a heading short of it.  A line that
 *    opens with a label ("Thời gian thực hiện:") starts a block there.
 *  - A number alone on a line is a page number or footnote digit, dropped,
 *    when it interrupts a sentence, or when it is one of a run counting up
 *    page by page (mark_pages); otherwise it is kept (table row numbers,
 *    list items, a number on the last line).
 *  - In table zones (runs of short lines: cells scattered line by line) lines
 *    are kept as they are, for the appendix reader, but for lower-case
 *    continuations and, in a text wrapped at a fixed width, a wrap that cuts
 *    a phrase, a quantity from its unit or a phrase from its parenthesis.
 *  - A line without letters or digits ("|", a cell border) joins nothing.
 *  - Crawled tables keep their '|': a line that starts with '|' (a bar
 *    alone, or a row "| a | b |") starts a block, nothing joins a bar
 *    alone, and a number beside a bar is a row number, kept.  Between two
 *    bars lies one cell, so there the prose rules join its wrapped lines
 *    (the bars, not short lines, say where cells end).
 * The pass is repeated until it changes nothing, so normalizing canonical
 * text is the identity.  It rewrites the text in place; only the first
 * pass reads every line, the next ones only the lines a join made, and a
 * pass writes nothing before its first change.  Most texts need no second
 * pass, which a check after the first finds by reading again only the
 * blocks where it could differ (first_pass_final). */
#include "normalize.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/uchar.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif
/* (AVX2 beside SSE2 only: the plain C build, PORTABLE=1, has neither) */
#if defined(__SSE2__) && defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define LINES_AVX2 1
#endif

/* Lengths in code points past this one are told apart no more: a line
 * holds its length in 19 bits. */
#define LINE_CPLEN_MAX ((1 << 19) - 1)

/* A line with content (blank lines are no lines here).  16 bytes, the
 * flags bits: a long text has millions of lines, all held at once. */
typedef struct line {
  uint32_t start, end; /* trimmed content */
  unsigned cplen : 19; /* code points, at most LINE_CPLEN_MAX */
  signed lone_value : 11; /* "12" -> 12 (-1 past 999) */
  bool lead_space : 1, trail_space : 1;
  unsigned lone_punct : 8; /* "3," -> ',' */
  bool marker : 1, lower : 1, cont_punct : 1, terminal : 1, hyphen_end : 1;
  bool digit_end : 1; /* ends with a number ("tốc độ 01") */
  bool wordless : 1;  /* no letter or digit: a rule or a cell border ("|") */
  bool dot_end : 1;   /* ends a sentence: . ! ? */
  bool semi_end : 1;  /* ends a clause: ; */
  bool lone_num : 1, short_line : 1, table : 1;
  bool pipe : 1, bar : 1; /* starts with '|'; is only '|' (a cell border) */
  /* (the next two only for lines that are not terminal, and only once
   * write_pass found them, when the decision after the line may ask:
   * end_word_asked) */
  bool func_end : 1; /* ends with a word that cannot end a paragraph ("của") */
  bool number_end : 1; /* ends with "số" (is_number_word) */
  bool all_caps : 1;   /* a heading in capitals ("CHỦ TỊCH") */
  bool motto : 1;      /* the national motto lines of every official document */
  bool held : 1;       /* its newline lies inside a bold span: the next line
                          continues it */
  bool page : 1;       /* one of the plan's page numbers (mark_pages) */
  bool plain : 1;      /* its content needs no edit (scan_content) */
  /* (the next three only between a pass and the next: see clean_line) */
  bool same : 1;       /* the pass before copied it, its classes as they
                          were (no blank or bold span around it then);
                          after the first pass, that of line k says that
                          the check reads block k again (flag_block) */
  bool after_same : 1; /* the line before it in that pass's text was the
                          one before it now (or it is the first) */
  bool was_table : 1;  /* its table class in that pass */
} line;
_Static_assert(sizeof(line) == 16, "a line is 16 bytes");

/* Words that never end a sentence: a line ending with one continues.
 * By length in bytes (a word in the wrong row does not compile), so that
 * a line's last word is compared with those as long as it only. */
enum { FUNC_WORD_BYTES = 8, FUNC_WORDS_SAME_LENGTH = 12 };
static const char *const func_words[FUNC_WORD_BYTES + 1][FUNC_WORDS_SAME_LENGTH] = {
#define W(n, s) ((const char *)s + 0 * sizeof(char[sizeof s - 1 == n ? 1 : -1]))
    [2] = {W(2, "do")},
    [3] = {W(3, "và"), W(3, "cho"), W(3, "là"), W(3, "có")},
    [4] = {W(4, "về"), W(4, "các"), W(4, "theo"), W(4, "từ"), W(4, "như"),
           W(4, "vào")},
    [5] = {W(5, "của"), W(5, "với"), W(5, "tại"), W(5, "trong"), W(5, "ngày"),
           W(5, "để"), W(5, "trên"), W(5, "bởi"), W(5, "gồm"), W(5, "tới"),
           W(5, "cùng")},
    [6] = {W(6, "đến"), W(6, "hoặc"), W(6, "giữa"), W(6, "nhằm"), W(6, "đối"),
           W(6, "nhưng")},
    [7] = {W(7, "những"), W(7, "thuộc")},
    [8] = {W(8, "được")},
#undef W
};

/* Where the last word of s[start, end) starts, if it is at most
 * FUNC_WORD_BYTES long (the longest asked about), else end: only that many
 * bytes are looked at, however long the word. */
static size_t short_last_word(const char *s, size_t start, size_t end) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  if (end - start >= 8) { /* its last 8 bytes at once (byte k to bits 8k) */
    const uint64_t low7 = 0x7F7F7F7F7F7F7F7Fu;
    uint64_t x;
    memcpy(&x, s + end - 8, sizeof x);
    uint64_t y = x ^ 0x2020202020202020u; /* blanks to 0 */
    uint64_t blanks = ~(((y & low7) + low7) | y | low7); /* 0x80 at each */
    if (blanks) /* after the last one */
      return end - 8 + (size_t)(63 - __builtin_clzll(blanks)) / 8 + 1;
    if (end - start == 8)
      return start;
    return s[end - 9] == ' ' ? end - 8 : end;
  }
#endif
  size_t stop =
      end - start > FUNC_WORD_BYTES ? end - FUNC_WORD_BYTES - 1 : start;
  for (size_t w = end; w > stop; w--)
    if (s[w - 1] == ' ')
      return w;
  return stop == start ? start : end;
}

/* The func_words as keys, row by row, 0 after the last: each word's
 * bytes as memcpy puts them in a uint64_t, zeros after them, so that a
 * line's last word is compared with a load each, not a memcmp.  Made
 * once, from the table above (cchc_layout asks before any line is read). */
static uint64_t func_keys[FUNC_WORD_BYTES + 1][FUNC_WORDS_SAME_LENGTH + 1];
static pthread_once_t func_keys_once = PTHREAD_ONCE_INIT;

/* The first bytes of the func_words of each length, by their low six
 * bits: most last words are none, told without the row's loop. */
static uint64_t func_firsts[FUNC_WORD_BYTES + 1];

static void func_keys_fill(void) {
  for (size_t n = 1; n <= FUNC_WORD_BYTES; n++)
    for (size_t k = 0; k < FUNC_WORDS_SAME_LENGTH && func_words[n][k]; k++) {
      memcpy(&func_keys[n][k], func_words[n][k], n);
      func_firsts[n] |= (uint64_t)1 << ((unsigned char)func_words[n][k][0] % 64);
    }
}

/* Is s[w, end), a line's last word, one of the func_words? */
static bool is_func_word(const char *s, size_t w, size_t end) {
  size_t n = end - w;
  if (n == 0 || n > FUNC_WORD_BYTES)
    return false;
  if (!(func_firsts[n] >> ((unsigned char)s[w] % 64) & 1))
    return false;
  uint64_t word = 0;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  if (end >= 8) { /* the 8 bytes that end with it, its own the highest */
    memcpy(&word, s + end - 8, sizeof word);
    word >>= 8 * (8 - n);
  } else
#endif
    memcpy(&word, s + w, n);
  for (const uint64_t *k = func_keys[n]; *k; k++)
    if (*k == word)
      return true;
  return false;
}

/* "số" ends a line before the number or code it introduces ("Nghị quyết
 * số" / "12-NQ/TU", "Chỉ số" / "PAPI"), but also ends a heading as
 * "digital" ("Chuyển đổi số"): it continues only onto a number or a code. */
static bool is_number_word(const char *s, size_t w, size_t end) {
  return end - w == strlen("số") && memcmp(s + w, "số", end - w) == 0;
}

/* ICU's classes of letters and digits, answered without a call for
 * ASCII (where they are A-Z, a-z and 0-9). */
static bool is_upper(int32_t c) {
  return c < 0x80 ? c >= 'A' && c <= 'Z' : u_isupper(c);
}
static bool is_lower(int32_t c) {
  return c < 0x80 ? c >= 'a' && c <= 'z' : u_islower(c);
}
static bool is_alpha(int32_t c) {
  return c < 0x80 ? (c | 0x20) >= 'a' && (c | 0x20) <= 'z' : u_isalpha(c);
}
static bool is_alnum(int32_t c) {
  return c < 0x80 ? is_alpha(c) || (c >= '0' && c <= '9') : u_isalnum(c);
}

/* (layout reads what decoding wrote, and extraction asks cchc_list_marker
 * of it: well-formed, its bytes are not checked again) */
static int32_t cp_beyond_ascii(const char *s, size_t n, size_t *i) {
  int32_t c = cchc_utf8_next_valid(s, n, i);
  return c < 0 ? 0xFFFD : c;
}

/* (most characters are ASCII: those without a call) */
static inline int32_t cp_at(const char *s, size_t n, size_t *i) {
  unsigned char b = (unsigned char)s[*i];
  if (b < 0x80) {
    (*i)++;
    return b;
  }
  return cp_beyond_ascii(s, n, i);
}

static int32_t last_cp_beyond_ascii(const char *s, size_t start, size_t end,
                                    size_t *cp_start) {
  size_t p = end;
  while (p > start && ((unsigned char)s[p - 1] & 0xC0) == 0x80)
    p--;
  if (p > start)
    p--;
  while (p > start && ((unsigned char)s[p] & 0xC0) == 0x80)
    p--;
  *cp_start = p;
  size_t q = p;
  return end > start ? cp_at(s, end, &q) : 0;
}

/* (most lines end with an ASCII character: those without a call) */
static CCHC_INLINE int32_t last_cp(const char *s, size_t start, size_t end,
                                   size_t *cp_start) {
  if (end > start && (unsigned char)s[end - 1] < 0x80) {
    *cp_start = end - 1;
    return (unsigned char)s[end - 1];
  }
  return last_cp_beyond_ascii(s, start, end, cp_start);
}

static bool is_space(char c) { return c == ' ' || c == '\t'; }

/* Does `log` list its repairs (else their offsets are not asked)? */
static bool log_lists(const cchc_repair_log *log) {
  return !log->length_only && !log->counts_only;
}

/* Is the word at s[i..n) all upper-case letters (at least two)? */
static bool caps_word(const char *s, size_t n, size_t i) {
  int letters = 0;
  while (i < n && !is_space(s[i])) {
    int32_t c = cp_at(s, n, &i);
    if (is_alpha(c)) {
      if (!is_upper(c))
        return false;
      letters++;
    }
  }
  return letters >= 2;
}

static bool starts_with(const char *s, size_t n, const char *w) {
  if (n == 0 || s[0] != w[0]) /* (most lines: no call) */
    return false;
  size_t k = strlen(w);
  return n >= k && memcmp(s, w, k) == 0;
}

/* " - " then a letter at s[r]: "I - MỤC TIÊU". */
static bool dash_after(const char *s, size_t n, size_t r) {
  if (r + 3 >= n || s[r] != ' ' || s[r + 1] != '-' || s[r + 2] != ' ')
    return false;
  size_t j = r + 3;
  return is_alpha(cp_at(s, n, &j));
}

/* One of ".)/:" (not the NUL strchr would find). */
static bool marker_punct(char c) { return c && strchr(".)/:", c); }

/* "a)", "b/", "đ)" and "a. Word": the marker of a line that opens with a
 * lower-case letter, s[i] the byte after it, or 0. */
static CCHC_INLINE size_t letter_marker(const char *s, size_t n, size_t i) {
  if (i < n && (s[i] == ')' || s[i] == '/') && (i + 1 == n || s[i + 1] == ' '))
    return i + 1;
  if (i + 2 < n && s[i] == '.' && s[i + 1] == ' ') {
    size_t j = i + 2;
    return is_alpha(cp_at(s, n, &j)) ? i + 1 : 0;
  }
  return 0;
}

/* Length of the marker itself (without the blanks after it), or 0. */
static CCHC_INLINE size_t marker_body(const char *s, size_t n) {
  if (n == 0)
    return 0;
  /* By the first byte, what most lines are told at once: a lower-case
   * ASCII letter can only open "a)" or "a. Word"; a character beyond
   * ASCII opens none but 'đ', 'Đ' and "Điều" (C4 91, C4 90, C4 90). */
  unsigned char b0 = (unsigned char)s[0];
  if (b0 >= 'a' && b0 <= 'z')
    return letter_marker(s, n, 1);
  if (b0 >= 0x80 && b0 != 0xC4)
    return 0;
  if ((s[0] == '-' || s[0] == '+' || s[0] == '*') && (n == 1 || s[1] == ' '))
    return 1;
  if (s[0] == '-' && n > 1) { /* "-Tổ chức": bullet glued to a capital */
    size_t i = 1;
    if (is_upper(cp_at(s, n, &i)))
      return 1;
  }
  /* (1) (12) (a): a number or a letter in parentheses */
  if (s[0] == '(' && n > 2) {
    size_t i = 1;
    while (i < n && i < 3 && s[i] >= '0' && s[i] <= '9')
      i++;
    if (i == 1 && s[1] >= 'a' && s[1] <= 'z')
      i = 2;
    if (i > 1 && i < n && s[i] == ')' && (i + 1 == n || s[i + 1] == ' '))
      return i + 1;
  }
  /* Roman numerals: "I.", "IV)", "II/", "III:", "I - MỤC TIÊU", or "VII
   * XÂY DỰNG" (table section rows). */
  size_t r = 0;
  while (r < n && r < 6 && (s[r] == 'I' || s[r] == 'V' || s[r] == 'X' ||
                            s[r] == 'L'))
    r++;
  if (r > 0 && r < n) {
    if (marker_punct(s[r]) && (r + 1 == n || s[r + 1] == ' '))
      return r + 1;
    if (dash_after(s, n, r))
      return r + 2;
    if (s[r] == ' ' && caps_word(s, n, r + 1))
      return r;
  } else if (r > 0 && r == n) {
    return 0;
  }
  /* Numbering: 1.  1)  1/  1.1.  1.1  2.12: */
  if (s[0] >= '0' && s[0] <= '9') {
    size_t i = 0;
    int groups = 0;
    for (;;) {
      size_t d = 0;
      while (i < n && s[i] >= '0' && s[i] <= '9' && d < 3) {
        i++;
        d++;
      }
      if (d == 0 || d > 2)
        return 0;
      groups++;
      if (i + 1 < n && s[i] == '.' && s[i + 1] >= '0' && s[i + 1] <= '9') {
        i++;
        continue;
      }
      break;
    }
    if (i < n && marker_punct(s[i]))
      return i + 1 == n || s[i + 1] == ' ' ? i + 1 : 0;
    return groups >= 2 && i < n && s[i] == ' ' ? i : 0;
  }
  /* a) b/ đ)  and "a. Word" */
  size_t i = 0;
  int32_t c = cp_at(s, n, &i);
  if ((c >= 'a' && c <= 'z') || c == 0x0111)
    return letter_marker(s, n, i);
  /* A) B/ and "C. Word" (I, V, X, L are Roman numerals, above) */
  if (((c >= 'A' && c <= 'Z') || c == 0x0110) && i + 1 < n && s[i + 1] == ' ') {
    if (s[i] == ')' || s[i] == '/')
      return i + 1;
    if (s[i] == '.' && i + 2 < n) {
      size_t j = i + 2;
      return is_upper(cp_at(s, n, &j)) ? i + 1 : 0;
    }
  }
  /* "Điều 3.", "Chương II", "Mục 1", "Phần I": the word, the number and
   * what punctuates it.  Each word in its two spellings, the row told by
   * the line's first byte ('Đ' is C4 90: most lines end here), so that a
   * line is compared with two at most. */
#define WORD(w) {w, sizeof w - 1}
  static const struct {
    const char *w;
    size_t len;
  } words[4][2] = {{WORD("Điều "), WORD("ĐIỀU ")},
                   {WORD("Chương "), WORD("CHƯƠNG ")},
                   {WORD("Mục "), WORD("MỤC ")},
                   {WORD("Phần "), WORD("PHẦN ")}};
#undef WORD
  int row = s[0] == '\xC4' ? 0 : s[0] == 'C' ? 1 : s[0] == 'M' ? 2
                                                   : s[0] == 'P' ? 3 : -1;
  if (row < 0)
    return 0;
  for (size_t w = 0; w < 2; w++) {
    /* (their lengths known: no strlen for each line that starts so; their
     * second and third bytes first: "Đảm", "Các" are no such word) */
    const char *word = words[row][w].w;
    size_t len = words[row][w].len;
    if (n < len || s[1] != word[1] || s[2] != word[2] ||
        memcmp(s, word, len) != 0)
      continue;
    size_t j = len, k = j;
    while (k < n && ((s[k] >= '0' && s[k] <= '9') || s[k] == 'I' ||
                     s[k] == 'V' || s[k] == 'X' || s[k] == 'L'))
      k++;
    if (k == j || (k < n && s[k] != ' ' && !marker_punct(s[k])))
      return 0;
    return k < n && marker_punct(s[k]) ? k + 1 : k;
  }
  return 0;
}

size_t cchc_list_marker(const char *s, size_t n) {
  size_t m = marker_body(s, n);
  if (m == 0)
    return 0;
  while (m < n && is_space(s[m]))
    m++;
  return m;
}

static bool is_marker(const char *s, size_t n) { return marker_body(s, n) > 0; }

/* "12", "3,", "- 9 -", "Trang 9": page numbers and footnote digits; *value
 * is the number (-1 past 999). */
static bool is_lone_number(const char *s, size_t n, char *punct, int *value) {
  *punct = 0;
  *value = -1;
  /* a digit, "- " or "Trang " first (most lines: none, and no more look) */
  if (n == 0 || ((s[0] < '0' || s[0] > '9') && s[0] != '-' && s[0] != 'T'))
    return false;
  size_t i = 0, end = n;
  bool dashed = starts_with(s, n, "- ") && n >= 5 && s[n - 1] == '-' &&
                s[n - 2] == ' ';
  if (dashed) {
    i = 2;
    end = n - 2;
  } else if (starts_with(s, n, "Trang ")) {
    i = 6;
  }
  size_t d = 0;
  int v = 0;
  while (i < end && s[i] >= '0' && s[i] <= '9') {
    if (d < 3)
      v = v * 10 + (s[i] - '0');
    i++;
    d++;
  }
  if (d == 0 || (d > 3 && !dashed))
    return false;
  *value = d <= 3 ? v : -1;
  if (i == end)
    return true;
  if (!dashed && i + 1 == n && (s[i] == ',' || s[i] == ';' || s[i] == '.')) {
    *punct = s[i];
    return true;
  }
  return false;
}

/* A capital and at most LABEL_WORDS words, the last one ending in ':'
 * ("Thời gian thực hiện:", "Đơn vị phối hợp:"): a label opens a line of its
 * own, the way the assignment lines of a task are printed. */
enum { LABEL_WORDS = 5 };

static bool starts_with_label(const char *s, size_t n) {
  size_t i = 0;
  if (!is_upper(cp_at(s, n, &i)))
    return false;
  int words = 1;
  for (; i < n && words <= LABEL_WORDS; i++) {
    if (s[i] == ':')
      return i + 1 == n || s[i + 1] == ' ';
    if (s[i] == ' ')
      words++;
    else if (s[i] == ',' || s[i] == ';' || s[i] == '.' || s[i] == '(')
      return false;
  }
  return false;
}

/* Length of the capital or digit (A-Z, Đ, 0-9) ending at s[k - 1], or 0. */
static size_t code_char_before(const char *s, size_t start, size_t k) {
  if (k > start && ((s[k - 1] >= 'A' && s[k - 1] <= 'Z') ||
                    (s[k - 1] >= '0' && s[k - 1] <= '9')))
    return 1;
  return k >= start + 2 && (unsigned char)s[k - 2] == 0xC4 &&
                 (unsigned char)s[k - 1] == 0x90
             ? 2
             : 0;
}

/* Length of the capital or digit starting at s[k], or 0. */
static size_t code_char_at(const char *s, size_t end, size_t k) {
  if (k < end && ((s[k] >= 'A' && s[k] <= 'Z') || (s[k] >= '0' && s[k] <= '9')))
    return 1;
  return k + 1 < end && (unsigned char)s[k] == 0xC4 &&
                 (unsigned char)s[k + 1] == 0x90
             ? 2
             : 0;
}

/* The blank at s[k] follows a hyphen broken from its line inside a code
 * ("27/NQ- TW", "57- NQ/TW"): two capitals or digits glued to the hyphen
 * before it, two after the blank.  A dash between words is spaced on both
 * sides ("Văn hóa - Xã hội"); a numbered header cell is one digit and a
 * word ("1- Mục tiêu"). */
static bool broken_hyphen(const char *s, size_t start, size_t end, size_t k) {
  if (s[k] != ' ' || k == start || s[k - 1] != '-')
    return false;
  size_t a = code_char_before(s, start, k - 1);
  size_t b = a ? code_char_before(s, start, k - 1 - a) : 0;
  size_t c = code_char_at(s, end, k + 1);
  size_t d = c ? code_char_at(s, end, k + 1 + c) : 0;
  return b && d;
}

#if !defined(__SSE2__)
/* 0x80 in each byte of x that is c, 0 in the others. */
static uint64_t bytes_equal(uint64_t x, unsigned char c) {
  const uint64_t low7 = 0x7F7F7F7F7F7F7F7Fu;
  uint64_t y = x ^ (0x0101010101010101u * c);
  return ~(((y & low7) + low7) | y | low7);
}
#endif

/* The first newline in [p, e), or NULL: inline, 16 bytes at a time
 * (SSE2), as most lines are short enough that a call to memchr costs more
 * than the search. */
static const char *find_newline(const char *p, const char *e) {
#if defined(__SSE2__)
  const __m128i nl = _mm_set1_epi8('\n');
  for (; e - p >= 16; p += 16) {
    uint32_t m = (uint32_t)_mm_movemask_epi8(
        _mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(const void *)p), nl));
    if (m)
      return p + __builtin_ctz(m);
  }
#endif
  for (; p < e; p++)
    if (*p == '\n')
      return p;
  return NULL;
}

/* Is there a broken hyphen in the content s[start, end)? */
static bool has_broken_hyphen(const char *s, size_t start, size_t end) {
  /* its blank is right after a '-', which has two capitals or digits
   * before it: no '-' of the first two bytes (a bullet's "- ") is one */
  if (end - start < 3)
    return false;
  for (const char *d = memchr(s + start + 2, '-', end - start - 2); d;
       d = memchr(d + 1, '-', (size_t)(s + end - (d + 1)))) {
    size_t k = (size_t)(d - s) + 1;
    if (k + 1 < end && broken_hyphen(s, start, end, k))
      return true;
  }
  return false;
}

#if defined(__SSE2__)
/* What scan_content gathers of the blocks it has read. */
typedef struct scan_state {
  __m128i lane_conts;         /* continuation bytes per lane (< 256 blocks) */
  __m128i edits, dash_sps;    /* per lane, of all blocks */
  __m128i sp_last, dash_last; /* of the block before */
} scan_state;

static CCHC_INLINE void scan_block(scan_state *st, __m128i x) {
  const __m128i c80 = _mm_set1_epi8(-64); /* below: 0x80..0xBF (signed) */
  __m128i cont = _mm_cmplt_epi8(x, c80);
  __m128i sp = _mm_cmpeq_epi8(x, _mm_set1_epi8(' ')),
          dash = _mm_cmpeq_epi8(x, _mm_set1_epi8('-')),
          tab = _mm_cmpeq_epi8(x, _mm_set1_epi8('\t'));
  st->lane_conts = _mm_sub_epi8(st->lane_conts, cont); /* (one: -1) */
  /* lane k of the byte before it: lane k - 1, lane 0 the last block's 15 */
  __m128i sp_before =
      _mm_or_si128(_mm_slli_si128(sp, 1), _mm_srli_si128(st->sp_last, 15));
  __m128i dash_before =
      _mm_or_si128(_mm_slli_si128(dash, 1), _mm_srli_si128(st->dash_last, 15));
  st->edits = _mm_or_si128(st->edits,
                           _mm_or_si128(tab, _mm_and_si128(sp, sp_before)));
  st->dash_sps = _mm_or_si128(st->dash_sps, _mm_and_si128(sp, dash_before));
  st->sp_last = sp;
  st->dash_last = dash;
}
#endif

/* Code points of the UTF-8 content s[start, end) (the bytes that continue
 * none), and whether it is plain: free of what put_content edits (a tab, a
 * run of blanks, a broken hyphen), in one walk of 16 bytes at a time
 * (SSE2, which every x86-64 has; 8 elsewhere): only content with a blank
 * after a '-' is looked at again.  The text goes on to s[len]: a block may
 * be read past `end`, not past it. */
static size_t scan_content(const char *s, size_t start, size_t end,
                           size_t len, bool *plain) {
  size_t n = end - start, p = start;
  uint64_t edit = 0;    /* a tab or two blanks: not plain */
  uint64_t dash_sp = 0; /* a blank after a '-': maybe a broken hyphen */
  char before = 0;      /* the byte before the block read */
#if defined(__SSE2__)
  /* first k lanes of lane_mask + 16 - k: all ones */
  static const signed char lane_mask[32] = {-1, -1, -1, -1, -1, -1, -1, -1,
                                            -1, -1, -1, -1, -1, -1, -1, -1};
  const __m128i zero = _mm_setzero_si128();
  __m128i conts = zero; /* two 64-bit sums */
  /* the blocks whole in the content, then the one it ends in (its lanes
   * past the end made a letter), where the text goes on for 16 bytes */
  scan_state st = {zero, zero, zero, zero, zero};
  size_t whole = p + (end - p) / 16 * 16;
  for (;;) {
    /* (at most 255 blocks in lane_conts, whose lanes are bytes) */
    size_t group = whole - p > 255 * 16 ? p + 255 * 16 : whole;
    for (; p < group; p += 16)
      scan_block(&st, _mm_loadu_si128((const __m128i *)(const void *)(s + p)));
    conts = _mm_add_epi64(conts, _mm_sad_epu8(st.lane_conts, zero));
    st.lane_conts = zero;
    if (p >= whole)
      break;
  }
  if (p < end && p + 16 <= len) {
    __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(s + p));
    __m128i lanes = _mm_loadu_si128(
        (const __m128i *)(const void *)(lane_mask + 16 - (end - p)));
    scan_block(&st, _mm_or_si128(_mm_and_si128(x, lanes),
                                 _mm_andnot_si128(lanes, _mm_set1_epi8('a'))));
    conts = _mm_add_epi64(conts, _mm_sad_epu8(st.lane_conts, zero));
    p = end;
  }
  n -= (size_t)_mm_cvtsi128_si64(conts) +
       (size_t)_mm_cvtsi128_si64(_mm_unpackhi_epi64(conts, conts));
  edit = (uint64_t)_mm_movemask_epi8(st.edits);
  dash_sp = (uint64_t)_mm_movemask_epi8(st.dash_sps);
  before = _mm_movemask_epi8(st.sp_last) >> 15     ? ' '
           : _mm_movemask_epi8(st.dash_last) >> 15 ? '-'
                                                   : 0;
#else
  const uint64_t high = 0x8080808080808080u, ones = 0x0101010101010101u;
  (void)len;
  for (; p + 8 <= end; p += 8) {
    uint64_t x;
    memcpy(&x, s + p, sizeof x);
    uint64_t cont = x & ~(x << 1) & high; /* 10xxxxxx */
    n -= (size_t)(((cont >> 7) * ones) >> 56);
    uint64_t sp = bytes_equal(x, ' ');
    edit |= bytes_equal(x, '\t') | (sp & (sp >> 8)) |
            ((sp & 0x80) && before == ' ');
    dash_sp |= (bytes_equal(x, '-') & (sp >> 8)) |
               ((sp & 0x80) && before == '-');
    before = s[p + 7];
  }
#endif
  for (; p < end; p++) { /* the rest, near the end of the text */
    char c = s[p];
    n -= ((unsigned char)c & 0xC0) == 0x80;
    edit |= c == '\t' || (c == ' ' && before == ' ');
    dash_sp |= c == ' ' && before == '-';
    before = c;
  }
  *plain = !edit && !(dash_sp && has_broken_hyphen(s, start, end));
  return n;
}

/* The line from s[p] to its newline or the text's end s[len]: where it
 * ends (*e), the continuation bytes in s[p, *e), whether a tab or a blank
 * after a blank lies in s[p, *e) (*edit), and a blank after a '-' (*dash),
 * in one walk of 16 bytes at a time (SSE2), which finds the newline as it
 * counts: what find_newline then scan_content did in two.  Trailing blanks
 * are ASCII (no continuation byte), and one after the content is no edit:
 * a line without an edit there has none in its content, the others are
 * scanned again without them (scan_content). */
static size_t scan_line(const char *s, size_t p, size_t len, size_t *e,
                        bool *edit, bool *dash) {
  size_t conts = 0;
  char before = 0; /* the byte before the one read */
  bool ed = false, da = false;
#if defined(__SSE2__)
  static const signed char lane_mask[32] = {-1, -1, -1, -1, -1, -1, -1, -1,
                                            -1, -1, -1, -1, -1, -1, -1, -1};
  const __m128i zero = _mm_setzero_si128(), nl = _mm_set1_epi8('\n');
  scan_state st = {zero, zero, zero, zero, zero};
  unsigned blocks = 0; /* in lane_conts (at most 255: its lanes are bytes) */
  for (; p + 16 <= len; p += 16) {
    __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(s + p));
    unsigned m = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x, nl));
    if (m) { /* its lanes from the newline on made a letter */
      unsigned k = (unsigned)__builtin_ctz(m);
      __m128i lanes = _mm_loadu_si128(
          (const __m128i *)(const void *)(lane_mask + 16 - k));
      scan_block(&st, _mm_or_si128(_mm_and_si128(x, lanes),
                                   _mm_andnot_si128(lanes, _mm_set1_epi8('a'))));
      __m128i sums = _mm_sad_epu8(st.lane_conts, zero);
      conts += (size_t)_mm_cvtsi128_si64(sums) +
               (size_t)_mm_cvtsi128_si64(_mm_unpackhi_epi64(sums, sums));
      *e = p + k;
      *edit = _mm_movemask_epi8(st.edits) != 0;
      *dash = _mm_movemask_epi8(st.dash_sps) != 0;
      return conts;
    }
    scan_block(&st, x);
    if (++blocks == 255) {
      __m128i sums = _mm_sad_epu8(st.lane_conts, zero);
      conts += (size_t)_mm_cvtsi128_si64(sums) +
               (size_t)_mm_cvtsi128_si64(_mm_unpackhi_epi64(sums, sums));
      st.lane_conts = zero;
      blocks = 0;
    }
  }
  __m128i sums = _mm_sad_epu8(st.lane_conts, zero);
  conts += (size_t)_mm_cvtsi128_si64(sums) +
           (size_t)_mm_cvtsi128_si64(_mm_unpackhi_epi64(sums, sums));
  ed = _mm_movemask_epi8(st.edits) != 0;
  da = _mm_movemask_epi8(st.dash_sps) != 0;
  before = _mm_movemask_epi8(st.sp_last) >> 15     ? ' '
           : _mm_movemask_epi8(st.dash_last) >> 15 ? '-'
                                                   : 0;
#endif
  for (; p < len && s[p] != '\n'; p++) { /* near the end of the text */
    char c = s[p];
    conts += ((unsigned char)c & 0xC0) == 0x80;
    ed |= c == '\t' || (c == ' ' && before == ' ');
    da |= c == ' ' && before == '-';
    before = c;
  }
  *e = p;
  *edit = ed;
  *dash = da;
  return conts;
}

#if defined(LINES_AVX2)
/* The bytes scan_line_avx2 compares with, in all 32 lanes, read from
 * memory: built from immediates, as the compiler did for each line (the
 * call that classifies it keeps no vector register), they took three
 * instructions each. */
#define LK32(v)                                                               \
  {v, v, v, v, v, v, v, v, v, v, v, v, v, v, v, v,                            \
   v, v, v, v, v, v, v, v, v, v, v, v, v, v, v, v}
static const signed char line_k[5][32] __attribute__((aligned(32))) = {
    LK32('\n'), LK32(' '), LK32('-'), LK32('\t'), LK32(-64)};
#undef LK32

/* scan_line 32 bytes at a time where the processor has AVX2: each
 * block's bytes of each kind as bits (a blank, a '-', a tab, a
 * continuation byte, the newline), those from the newline on dropped, the
 * byte before lane 0 the last lane of the block before. */
__attribute__((target("avx2,popcnt"))) static CCHC_INLINE size_t
scan_line_avx2(const char *s, size_t p, size_t len, size_t *e, bool *edit,
               bool *dash) {
  const signed char *k = &line_k[0][0];
  __asm__("" : "+r"(k)); /* (their values hidden from the compiler) */
  const __m256i nl = *(const __m256i *)(const void *)k,
                sp = *(const __m256i *)(const void *)(k + 32),
                minus = *(const __m256i *)(const void *)(k + 64),
                tab = *(const __m256i *)(const void *)(k + 96),
                c80 = *(const __m256i *)(const void *)(k + 128);
  /* (c80: below it, 0x80..0xBF) */
  size_t conts = 0;
  uint32_t edits = 0, dash_sps = 0, sp_last = 0, dash_last = 0;
  for (; p + 32 <= len; p += 32) {
    __m256i x = _mm256_loadu_si256((const __m256i *)(const void *)(s + p));
    uint32_t n = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(x, nl));
    uint32_t in = n ? ((uint32_t)1 << __builtin_ctz(n)) - 1 : UINT32_MAX;
    uint32_t b = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(x, sp)) & in,
             d = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(x, minus)),
             t = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(x, tab)),
             c = (uint32_t)_mm256_movemask_epi8(_mm256_cmpgt_epi8(c80, x));
    conts += (size_t)__builtin_popcount(c & in);
    edits |= (t & in) | (b & (b << 1 | sp_last));
    dash_sps |= b & (d << 1 | dash_last);
    if (n) {
      *e = p + (size_t)__builtin_ctz(n);
      *edit = edits != 0;
      *dash = dash_sps != 0;
      return conts;
    }
    sp_last = b >> 31;
    dash_last = d >> 31;
  }
  char before = sp_last ? ' ' : dash_last ? '-' : 0; /* the byte before */
  bool ed = edits != 0, da = dash_sps != 0;
  for (; p < len && s[p] != '\n'; p++) { /* near the end of the text */
    char ch = s[p];
    conts += ((unsigned char)ch & 0xC0) == 0x80;
    ed |= ch == '\t' || (ch == ' ' && before == ' ');
    da |= ch == ' ' && before == '-';
    before = ch;
  }
  *e = p;
  *edit = ed;
  *dash = da;
  return conts;
}
#endif

/* The classes of the content s[p, q) (no blank at either end) into *l,
 * given its code points and whether it is plain (scan_content): all but
 * lead_space and trail_space, which are cleared, and held. */
static void classify_content(const char *s, size_t p, size_t q, size_t cps,
                             bool plain, line *l) {
  *l = (line){.start = (uint32_t)p, .end = (uint32_t)q};
  size_t n = q - p;
  const char *c = s + p;
  l->plain = plain;
  l->cplen = cps < LINE_CPLEN_MAX ? (unsigned)cps : LINE_CPLEN_MAX;
  l->short_line = cps <= 24;
  l->pipe = c[0] == '|';
  l->bar = n == 1 && l->pipe;
  l->marker = is_marker(c, n);
  size_t i = 0;
  int32_t first = (unsigned char)c[0] < 0x80 ? c[0] : cp_at(c, n, &i);
  l->lower = is_lower(first);
  l->cont_punct = first == ',' || first == ';' || first == '.' ||
                  first == ')' || first == ':' || first == 0x2026;
  size_t lp;
  int32_t last = last_cp(s, p, q, &lp);
  l->terminal = last == '.' || last == ';' || last == ':' || last == '!' ||
                last == '?';
  l->dot_end = last == '.' || last == '!' || last == '?';
  l->semi_end = last == ';';
  l->digit_end = last >= '0' && last <= '9';
  if (last == '-' && lp > p) {
    size_t pp;
    int32_t before = last_cp(s, p, lp, &pp);
    l->hyphen_end = before != ' ' && (is_alnum(before));
  }
  /* (a number alone starts with a digit, "- " or "Trang ": for the other
   * lines, most of them, what is_lone_number answers without a call) */
  char punct = 0;
  int value = -1;
  if ((c[0] >= '0' && c[0] <= '9') || c[0] == '-' || c[0] == 'T')
    l->lone_num = is_lone_number(c, n, &punct, &value);
  l->lone_punct = (unsigned char)punct;
  l->lone_value = value;
  /* (a line that starts with a lower-case letter has a letter and is in
   * no capitals: wordless and all_caps stay cleared, unasked) */
  if (!l->lower) {
    int letters = 0, upper = 0;
    for (size_t k = 0; k < n && letters == upper;) {
      unsigned char ab = (unsigned char)c[k];
      if (ab < 0x80) { /* ASCII fast path: a lower-case letter ends it */
        k++;
        if (ab >= 'a' && ab <= 'z')
          letters++;
        else if (ab >= 'A' && ab <= 'Z')
          letters++, upper++;
        continue;
      }
      /* (its general category once: is_alpha then is_upper asked ICU
       * twice) */
      uint32_t gc = U_MASK(u_charType(cp_at(c, n, &k)));
      if (gc & U_GC_L_MASK) {
        letters++;
        upper += (gc & U_GC_LU_MASK) != 0;
      }
    }
    l->all_caps = letters >= 4 && upper == letters;
    /* A letter seen is a letter or digit: the walk for one is needed
     * only where none was (most lines stop at their first letters). */
    bool wordless = letters == 0;
    for (size_t k = 0; k < n && wordless;) {
      unsigned char ab = (unsigned char)c[k];
      int32_t ch = ab < 0x80 ? (k++, ab) : cp_at(c, n, &k);
      wordless = !is_alnum(ch);
    }
    l->wordless = wordless;
  }
  l->motto = (c[0] == '\xC4' && n == strlen("Độc lập - Tự do - Hạnh phúc") &&
              memcmp(c, "Độc lập - Tự do - Hạnh phúc", n) == 0) ||
             (c[0] == 'C' && n >= 34 && memcmp(c, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 34 < n ? 34 : n) == 0);
}

/* Classify the raw line s[raw, end) of the text s[0, len) into *l; false
 * when it is blank. */
static CCHC_INLINE bool classify(const char *s, size_t raw, size_t end,
                                 size_t len, line *l) {
  size_t p = raw, q = end;
  while (p < q && is_space(s[p]))
    p++;
  while (q > p && is_space(s[q - 1]))
    q--;
  if (p == q)
    return false;
  bool plain;
  size_t cps = scan_content(s, p, q, len, &plain);
  classify_content(s, p, q, cps, plain, l);
  l->lead_space = p > raw;
  l->trail_space = q < end;
  return true;
}

/* Newlines of the stripped text that lie inside a bold span: a heading in
 * "**I. MỤC\nĐÍCH, YÊU CẦU**" is one heading wrapped.  A span is held
 * only when it closes within BOLD_LINES lines and no blank line: a stray
 * "**" holds nothing. */
enum { BOLD_LINES = 3 };
typedef struct held_lines {
  size_t *at; /* offsets, increasing */
  size_t n, cap;
  size_t pending[BOLD_LINES]; /* newlines of the span still open */
  size_t npending;
  bool open;
} held_lines;

static void held_toggle(held_lines *h) {
  if (h->open && h->npending) { /* closed: its newlines are held */
    if (h->n + h->npending > h->cap) {
      size_t cap = h->cap ? h->cap * 2 : 16;
      while (cap < h->n + h->npending)
        cap *= 2;
      size_t *p = realloc(h->at, cap * sizeof *p);
      if (!p) { /* then the heading stays cut: a layout choice, not data */
        h->npending = 0;
        h->open = false;
        return;
      }
      h->at = p;
      h->cap = cap;
    }
    memcpy(h->at + h->n, h->pending, h->npending * sizeof *h->pending);
    h->n += h->npending;
  }
  h->npending = 0;
  h->open = !h->open;
}

/* A newline at `at` of the stripped text, after a line with or without
 * content. */
static void held_newline(held_lines *h, size_t at, bool content) {
  if (!h->open)
    return;
  if (!content || h->npending == BOLD_LINES) {
    h->open = false;
    h->npending = 0;
    return;
  }
  h->pending[h->npending++] = at;
}

/* Copies from `in` to `out`, contiguous ones joined: a range that goes on
 * where the last one ended waits to be copied with it, so that a stage
 * that copies most of a text line by line copies it in a few pieces. */
typedef struct copier {
  cchc_mbuf *out;
  const cchc_mbuf *in;
  size_t cs, ce; /* in[cs, ce) waits */
  size_t hint;
} copier;

/* Length of the output, what waits included. */
static CCHC_INLINE size_t copier_len(const copier *k) {
  return k->out->len + (k->ce - k->cs);
}

static void copier_flush(copier *k) {
  if (k->ce > k->cs)
    cchc_mbuf_copy(k->out, k->in, k->cs, k->ce - k->cs, &k->hint);
  k->cs = k->ce;
}

static CCHC_INLINE void copier_take(copier *k, size_t from, size_t n) {
  if (from != k->ce || k->ce == k->cs) {
    copier_flush(k);
    k->cs = k->ce = from;
  }
  k->ce += n;
}

/* Is the text Markdown: a "**" anywhere, or a heading ("#" to "######"
 * and a space) at the start of a line?  Then layout strips its markers.
 * *hashes: whether a '#' lies in it (true when not looked for). */
static bool is_markdown(const cchc_mbuf *b, bool *hashes) {
  const char *s = b->data, *e = s + b->len;
  *hashes = true;
  for (const char *p = s; p < e && (p = memchr(p, '*', (size_t)(e - p)));
       p++)
    if (p + 1 < e && p[1] == '*')
      return true;
  *hashes = false;
  for (const char *p = s; p < e && (p = memchr(p, '#', (size_t)(e - p)));
       p++) {
    *hashes = true;
    if (p > s && p[-1] != '\n')
      continue;
    const char *q = p;
    while (q < e && *q == '#')
      q++;
    if (q - p <= 6 && q < e && *q == ' ')
      return true;
  }
  return false;
}

/* Lines of a text, as pairs of offsets (start, end after the newline). */
typedef struct line_list {
  size_t *at;
  size_t n, cap; /* n offsets: n / 2 lines */
  bool all;      /* every line */
} line_list;

static void line_list_add(line_list *l, size_t start, size_t end) {
  if (l->all)
    return;
  size_t *p = cchc_grow(l->at, &l->cap, l->n + 1, sizeof *p);
  if (!p) { /* then every line */
    l->all = true;
    return;
  }
  l->at = p;
  l->at[l->n++] = start;
  l->at[l->n++] = end;
}

/* Where a marker was removed, what it separated meets.  Stage 2 would
 * change nothing there when NFC never joins what follows to what precedes
 * it (a starter follows) and no two words become one (the tone rule reads
 * words): then the line needs no canonical characters again. */
typedef struct junction {
  bool open;        /* a marker was removed, nothing written since */
  bool word_before; /* what precedes it ends with a word character */
  bool changes;     /* a junction of the line may be changed by stage 2 */
} junction;

/* The character that ends the output of the line so far (-1: none, the
 * line starts there): in the copy that waits, or written already. */
static int32_t last_written(const copier *k, size_t out_ls) {
  if (copier_len(k) <= out_ls)
    return -1;
  const char *s = k->ce > k->cs ? k->in->data + k->cs : k->out->data;
  size_t end = k->ce > k->cs ? k->ce - k->cs : k->out->len, p = end - 1;
  while (p > 0 && ((unsigned char)s[p] & 0xC0) == 0x80)
    p--;
  return cp_at(s, end, &p);
}

static void junction_open(junction *j, const copier *k, size_t out_ls) {
  if (j->open)
    return;
  int32_t c = last_written(k, out_ls);
  j->open = true;
  j->word_before = c >= 0 && cchc_canon_word_char(c);
}

/* What follows the removed markers: s[i] (i == eol: the line's end). */
static void junction_close(junction *j, const char *s, size_t i, size_t eol) {
  if (!j->open)
    return;
  j->open = false;
  if (i >= eol)
    return;
  int32_t c = cp_at(s, eol, &i);
  if (!cchc_canon_starter(c) || (j->word_before && cchc_canon_word_char(c)))
    j->changes = true;
}

/* Markdown markers of a Markdown text: "#..# " at line start, runs of two
 * or more '*', single '*' glued to text ("*(...)*"), and backslash
 * escapes, removed in place.  Newlines inside bold spans go to `held`;
 * the lines where a removed marker may join what stage 2 would change
 * (junction) or where it made an edit (`edits`) to `dirty`.  Returns
 * whether an emphasis marker was removed; *marks_left: whether a '*' or a
 * '#' stays in the text (a pass without them leaves no Markdown). */
static bool strip_markdown(cchc_mbuf *text, const cchc_edits *edits,
                           held_lines *held, line_list *dirty,
                           cchc_repair_log *log, bool *marks_left) {
  /* Nothing is written past what was read, and what is read behind is
   * either not yet overwritten or overwritten by itself. */
  const cchc_mbuf *in = text;
  const char *s = in->data;
  size_t n = in->len;
  cchc_mbuf out;
  cchc_mbuf_rewrite_begin(&out, text);
  copier k = {.out = &out, .in = in};
  const char *star = memchr(s, '*', n), *bslash = memchr(s, '\\', n);
  const char *hash = memchr(s, '#', n);
  bool joined = false;
  /* (a '#' stays but in a heading marker; a '*' is kept below, or not) */
  *marks_left = hash != NULL;
  size_t i = 0, e = 0; /* edits->at[e]: the next edit */
  dirty->all = edits->all;
  while (i < n) {
    if (!held->open) {
      /* The lines before the next one with a marker ('*', '\\', '#') or
       * an edit (which also makes the line before it dirty) go as they
       * are, and hold nothing outside a bold span: at once. */
      if (star && (size_t)(star - s) < i)
        star = memchr(s + i, '*', n - i);
      if (bslash && (size_t)(bslash - s) < i)
        bslash = memchr(s + i, '\\', n - i);
      if (hash && (size_t)(hash - s) < i)
        hash = memchr(s + i, '#', n - i);
      while (e < edits->n && edits->at[e] < i)
        e++;
      size_t next = n;
      if (star && (size_t)(star - s) < next)
        next = (size_t)(star - s);
      if (bslash && (size_t)(bslash - s) < next)
        next = (size_t)(bslash - s);
      if (hash && (size_t)(hash - s) < next)
        next = (size_t)(hash - s);
      if (e < edits->n && edits->at[e] <= next)
        next = edits->at[e] > i ? edits->at[e] - 1 : i;
      size_t upto = next; /* the start of next's line */
      while (upto > i && s[upto - 1] != '\n')
        upto--;
      if (upto > i) {
        copier_take(&k, i, upto - i);
        i = upto;
        continue;
      }
    }
    /* At a line start: skip spaces, then heading hashes. */
    size_t ls = i, out_ls = copier_len(&k);
    junction junc = {false, false, false};
    while (i < n && is_space(s[i]))
      i++;
    if (i > ls)
      copier_take(&k, ls, i - ls);
    if (i < n && s[i] == '#') {
      size_t j = i;
      while (j < n && s[j] == '#')
        j++;
      if (j - i <= 6 && j < n && s[j] == ' ') {
        cchc_log_fixed(log, CCHC_REPAIR_MARKDOWN,
                       log_lists(log) ? cchc_mbuf_src(in, i, NULL) : 0,
                       "heading marker removed");
        junction_open(&junc, &k, out_ls);
        i = j + 1;
      }
    }
    size_t content = i;
    const char *nl = find_newline(s + i, s + n);
    size_t eol = nl ? (size_t)(nl - s) : n;
    bool has_content = false; /* markers count */
    for (size_t q = content; q < eol && !has_content; q++)
      has_content = !is_space(s[q]);
    while (i < n && s[i] != '\n') {
      /* Copy the run up to the next character that may need work (the
       * next '*' and '\\' of the text, looked for again once passed). */
      if (star && (size_t)(star - s) < i)
        star = memchr(s + i, '*', n - i);
      if (bslash && (size_t)(bslash - s) < i)
        bslash = memchr(s + i, '\\', n - i);
      size_t j = eol;
      if (star && (size_t)(star - s) < j)
        j = (size_t)(star - s);
      if (bslash && (size_t)(bslash - s) < j)
        j = (size_t)(bslash - s);
      if (j > i) {
        junction_close(&junc, s, i, eol);
        copier_take(&k, i, j - i);
        i = j;
        continue;
      }
      if (s[i] == '*') {
        j = i;
        while (j < n && s[j] == '*')
          j++;
        size_t run = j - i;
        bool bullet = i == content && j < n && s[j] == ' ' && run == 1;
        bool glued = (i > content && !is_space(s[i - 1])) ||
                     (j < n && s[j] != '\n' && !is_space(s[j]));
        if (!bullet && (run >= 2 || glued)) {
          cchc_log_fixed(log, CCHC_REPAIR_MARKDOWN,
                         log_lists(log) ? cchc_mbuf_src(in, i, NULL) : 0,
                         "emphasis marker removed");
          junction_open(&junc, &k, out_ls);
          joined = true;
          if (run >= 2)
            held_toggle(held);
          i = j;
          continue;
        }
        junction_close(&junc, s, i, eol);
        copier_take(&k, i, run);
        *marks_left = true;
        i = j;
        continue;
      }
      /* a backslash */
      if (i + 1 < n && s[i + 1] && strchr("*_#.-()[]!+", s[i + 1])) {
        cchc_log_fixed(log, CCHC_REPAIR_MARKDOWN,
                       log_lists(log) ? cchc_mbuf_src(in, i, NULL) : 0,
                       "escape removed");
        junction_open(&junc, &k, out_ls);
        i++;
        continue;
      }
      junction_close(&junc, s, i, eol);
      copier_take(&k, i, 1);
      i++;
    }
    junction_close(&junc, s, eol, eol);
    if (i < n) { /* the newline */
      held_newline(held, copier_len(&k), has_content);
      copier_take(&k, i, 1);
      i++;
    }
    /* an edit at p changed the character at p or removed one before it */
    while (e < edits->n && edits->at[e] < ls)
      e++;
    if (junc.changes || (e < edits->n && edits->at[e] <= eol + 1))
      line_list_add(dirty, out_ls, copier_len(&k));
  }
  copier_flush(&k);
  cchc_mbuf_rewrite_end(text, &out);
  return joined;
}

/* Wrapped lines of a text wrapped at a fixed count of characters (a
 * monospace export, a re-wrap) differ in length by less than the longest
 * word: 10th to 90th percentile within FIXED_SPREAD percent of the typical
 * length.  A PDF in a proportional font spreads far wider. */
enum { FIXED_SPREAD = 8 };

typedef struct model {
  bool wrapped;         /* the document is hard-wrapped */
  int width;            /* typical length of a wrapped line */
  int wrap_width;       /* nearly the longest wrapped line (95th
                           percentile): the width the text was wrapped at */
  bool fixed;           /* wrapped at a fixed count of characters: nearly
                           all wrapped lines are about as long */
  bool trail_signal;    /* a trailing space marks wrapped lines */
} model;

static int cmp_int(const void *a, const void *b) {
  return *(const int *)a - *(const int *)b;
}

/* Table zones, line by line (table_next), the table class of the pass
 * before kept in was_table (and page numbers cleared, which the pages
 * find again).  shorts: short lines in the window [k - 4, k + 4] (within
 * the text), slid along: the line entering it added, the one leaving
 * taken off; the window is 9 lines but within 4 of either end. */
typedef struct table_window {
  size_t shorts;
} table_window;

static table_window table_start(const line *ls, size_t cnt) {
  table_window w = {0};
  for (size_t k = 0; k < cnt && k < 4; k++)
    w.shorts += ls[k].short_line;
  return w;
}

/* The table class of line k, the lines before it classed. */
static CCHC_INLINE void table_next(table_window *w, line *ls, size_t cnt,
                                   size_t k) {
  if (k + 4 < cnt)
    w->shorts += ls[k + 4].short_line;
  if (k >= 5)
    w->shorts -= ls[k - 5].short_line;
  size_t win = 9;
  if (k < 4 || k + 4 >= cnt) {
    size_t nlo = k >= 4 ? k - 4 : 0, nhi = k + 4 < cnt ? k + 4 : cnt - 1;
    win = nhi - nlo + 1;
  }
  line *l = &ls[k];
  bool table = l->table;
  l->page = false;
  l->was_table = table;
  l->table = win >= 5 && w->shorts * 3 >= win * 2;
}

/* Page numbers: numbers alone on a line, outside tables, that count up one
 * by one (2, 3, 4 ...) a page apart, three or more of them: the footer of
 * every page of a PDF.  Anywhere on the page they fall (between two
 * paragraphs as well as inside a sentence), they are no text of the plan.
 * A page is PAGE_LINES to PAGE_LINES_MAX lines, and pages are about as
 * long as each other (the longest at most PAGE_SPREAD/10 times the
 * shortest); row numbers of a table count up too, but inside a table zone,
 * a few lines apart, or at uneven distances. */
enum {
  PAGE_LINES = 25,
  PAGE_LINES_MAX = 200,
  PAGE_SPREAD = 16,
  PAGE_MAX = 999
};

/* A number that may be a page number: its line, and the member before it
 * in its run (NO_NUMBER: none), an index in the list of them.  Listed
 * apart from the lines, which are millions, of which a few are numbers:
 * an array indexed by line would be faulted in whole for them. */
typedef struct page_number {
  size_t line, prev;
  int value;
} page_number;
#define NO_NUMBER SIZE_MAX

/* Are the gaps between the members of the run ending with nums[last]
 * even? */
static bool even_pages(const page_number *nums, size_t last) {
  size_t lo = (size_t)-1, hi = 0;
  for (size_t k = last; nums[k].prev != NO_NUMBER; k = nums[k].prev) {
    size_t gap = nums[k].line - nums[nums[k].prev].line;
    lo = gap < lo ? gap : lo;
    hi = gap > hi ? gap : hi;
  }
  return hi * 10 <= lo * PAGE_SPREAD;
}

/* Of two runs as long as each other ending with the same value (a page
 * number and a table's row number), is the one ending at `held` the
 * more even, its last gap closer to the gap before it, than the one
 * ending at k?  Without gaps to compare the later one is taken. */
static bool more_even(const page_number *nums, size_t held, size_t k) {
  size_t dev[2];
  const size_t last[2] = {held, k};
  for (int i = 0; i < 2; i++) {
    size_t p = nums[last[i]].prev;
    if (p == NO_NUMBER || nums[p].prev == NO_NUMBER)
      return false;
    size_t g = nums[last[i]].line - nums[p].line,
           h = nums[p].line - nums[nums[p].prev].line;
    dev[i] = g > h ? g - h : h - g;
  }
  return dev[0] <= dev[1];
}

/* The numbers read so far (page_add, line by line), the runs they make
 * (pages_mark, at the end).  chain[v]: the longest run of page numbers
 * ending with value v so far: its length and its last member (in nums);
 * chain[v] for v past the room made (nvalues) is empty.  Room is made as
 * far as the values seen reach (a plan's pages: a few dozen), as most
 * texts a pass reads have none or a few numbers (each pass cleared 8 KB
 * for all values). */
typedef struct page_runs {
  struct run {
    uint32_t len, last;
  } *chain;
  size_t nvalues;
  page_number *nums;
  size_t n, cap;
  bool failed; /* out of memory: no page number is recognized this way */
} page_runs;

/* Line k, l (its table class found), as a page number, if it may be
 * one. */
static void page_add(page_runs *pr, const line *l, size_t k) {
  int v = l->lone_value;
  if (!l->lone_num || l->lone_punct || v < 1 || v > PAGE_MAX || pr->failed)
    return;
  if ((size_t)v >= pr->nvalues) {
    size_t nvalues = pr->nvalues;
    size_t more = 2 * nvalues > (size_t)v + 1 ? 2 * nvalues : (size_t)v + 1;
    if (more < 64)
      more = 64;
    if (more > PAGE_MAX + 1)
      more = PAGE_MAX + 1;
    struct run *grown = realloc(pr->chain, more * sizeof *grown);
    if (!grown) {
      pr->failed = true;
      return;
    }
    memset(grown + nvalues, 0, (more - nvalues) * sizeof *grown);
    pr->chain = grown;
    pr->nvalues = more;
  }
  page_number *grown = cchc_grow(pr->nums, &pr->cap, pr->n, sizeof *grown);
  if (!grown || pr->n >= UINT32_MAX) {
    if (grown)
      pr->nums = grown;
    pr->failed = true;
    return;
  }
  pr->nums = grown;
  struct run *chain = pr->chain;
  page_number *nums = pr->nums;
  size_t n = pr->n;
  struct run r = {1, (uint32_t)n};
  nums[n] = (page_number){k, NO_NUMBER, v};
  if (v > 1 && chain[v - 1].len) {
    size_t gap = k - nums[chain[v - 1].last].line;
    if (gap >= PAGE_LINES && gap <= PAGE_LINES_MAX) {
      r.len = chain[v - 1].len + 1;
      nums[n].prev = chain[v - 1].last;
    }
  }
  /* in a table zone, a number only goes on with a run of pages */
  if (l->table && r.len < 3)
    return; /* (no run holds it: its place is taken by the next) */
  pr->n++;
  if (r.len > chain[v].len ||
      (r.len == chain[v].len && !more_even(nums, chain[v].last, r.last)))
    chain[v] = r;
}

/* The page numbers: the longest run, the lowest value on a tie (only the
 * values of the numbers listed have a run), if there is one (*last: its
 * last member in nums).  The runs are freed. */
static bool pages_found(page_runs *pr, size_t *last) {
  size_t best_len = 0, best_last = 0;
  int best_v = PAGE_MAX + 1;
  for (size_t k = 0; !pr->failed && k < pr->n; k++) {
    int v = pr->nums[k].value;
    if (pr->chain[v].len > best_len ||
        (pr->chain[v].len == best_len && v < best_v)) {
      best_len = pr->chain[v].len;
      best_last = pr->chain[v].last;
      best_v = v;
    }
  }
  *last = best_last;
  bool found = !pr->failed && best_len >= 3 && even_pages(pr->nums, best_last);
  free(pr->chain);
  pr->chain = NULL;
  return found;
}

/* The page numbers, marked. */
static void pages_mark(page_runs *pr, line *ls) {
  size_t last;
  if (pages_found(pr, &last))
    for (size_t k = last; k != NO_NUMBER; k = pr->nums[k].prev)
      ls[pr->nums[k].line].page = true;
  free(pr->nums);
}

/* The widths of the wrapped lines, counted by width below WIDTHS_COUNTED
 * (lines are short), the longer ones listed: their ranks without an array
 * of them, as large as the lines, that each pass would fault in anew. */
enum { WIDTHS_COUNTED = 512 };
typedef struct widths {
  uint32_t count[WIDTHS_COUNTED];
  int *longer;
  size_t nlonger, cap;
  bool failed; /* out of memory: no ranks */
} widths;

static void widths_add(widths *w, int width) {
  if (width < WIDTHS_COUNTED) {
    w->count[width]++;
    return;
  }
  int *longer = w->failed ? NULL
                          : cchc_grow(w->longer, &w->cap, w->nlonger,
                                      sizeof *longer);
  if (!longer) {
    w->failed = true;
    return;
  }
  w->longer = longer;
  w->longer[w->nlonger++] = width;
}

/* at[k]: the width of rank rank[k] (increasing ranks, below the count of
 * widths), as in them sorted. */
static void widths_ranked(widths *w, const size_t rank[4], int at[4]) {
  if (w->nlonger)
    qsort(w->longer, w->nlonger, sizeof *w->longer, cmp_int);
  size_t below = 0; /* widths under v */
  int k = 0;
  for (int v = 0; v < WIDTHS_COUNTED && k < 4; v++) {
    below += w->count[v];
    while (k < 4 && rank[k] < below)
      at[k++] = v;
  }
  for (; k < 4; k++)
    at[k] = w->longer[rank[k] - below];
}

/* The classes a pass finds of the lines as a whole, in one walk: table
 * zones, page numbers, the model (from the table classes as the zones
 * make them), then the lines between two bars alone, one cell of a
 * crawled table, taken out of the zones (each walk of its own, the lines
 * were read four times a pass).  At line k, the pair (k - 1, k) of the
 * model is read before the bars clear any line below k. */
static model mark_lines(line *ls, size_t cnt) {
  model m = {0};
  widths w;
  memset(w.count, 0, sizeof w.count);
  w.longer = NULL;
  w.nlonger = w.cap = 0;
  w.failed = false;
  page_runs pr = {0};
  table_window tw = table_start(ls, cnt);
  size_t wraps = 0, total = 0, tws = 0, ends = 0, tend = 0;
  size_t open = cnt; /* index of the last bar, or cnt */
  for (size_t k = 0; k < cnt; k++) {
    table_next(&tw, ls, cnt, k);
    page_add(&pr, &ls[k], k);
    const line *b = &ls[k];
    total += !b->table;
    if (k > 0 && !b->table && !ls[k - 1].table) {
      const line *a = &ls[k - 1];
      if (!a->terminal && b->lower && !b->marker && !a->lone_num) {
        widths_add(&w, (int)a->cplen);
        wraps++;
        tws += a->trail_space;
      } else if (a->terminal && b->marker) {
        ends++;
        tend += a->trail_space;
      }
    }
    if (b->bar) {
      for (size_t j = open + 1; open < cnt && j < k; j++)
        ls[j].table = false;
      open = k;
    }
  }
  pages_mark(&pr, ls);
  m.wrapped = wraps >= 3 && wraps * 20 >= total;
  if (m.wrapped && !w.failed) {
    /* the widths at ranks wraps/10, /2, *9/10 and *19/20 in increasing
     * order (what sorting them would give) */
    const size_t rank[4] = {wraps / 10, wraps / 2, wraps * 9 / 10,
                            wraps * 19 / 20};
    int at[4];
    widths_ranked(&w, rank, at);
    m.width = at[1];
    m.fixed = (at[2] - at[0]) * 100 <= m.width * FIXED_SPREAD;
    m.wrap_width = at[3];
  }
  m.trail_signal = wraps >= 3 && ends >= 3 && tws * 10 >= wraps * 8 &&
                   tend * 10 <= ends * 6;
  free(w.longer);
  return m;
}

/* What the decisions ask of the line that follows, which they read in the
 * text (it is not written yet), rather than every line classified for it:
 * the code points of its first word, whether it starts with a digit or a
 * word in capitals ("PAPI"), or with a label ("Thời gian thực hiện: ..."). */
static int first_word(const char *s, const line *l) {
  int cps = 0;
  for (size_t i = l->start; i < l->end && !is_space(s[i]); i++)
    cps += ((unsigned char)s[i] & 0xC0) != 0x80;
  return cps;
}

static bool code_start(const char *s, const line *l) {
  const char *c = s + l->start;
  return (c[0] >= '0' && c[0] <= '9') || caps_word(c, l->end - l->start, 0);
}

static bool label_start(const char *s, const line *l) {
  return starts_with_label(s + l->start, l->end - l->start);
}

/* The last word of line l (its bytes in place), asked by cut_phrase only:
 * one that cannot end a phrase ("của"), or "số"? */
static void end_word(const char *s, line *l) {
  size_t w = short_last_word(s, l->start, l->end);
  l->func_end = is_func_word(s, w, l->end);
  l->number_end = is_number_word(s, w, l->end);
}

/* May the decision after line l (the next line, unless that one is
 * dropped) ask cut_phrase of it?  Not when l is terminal (the decisions
 * ask only of a line that is not), nor, outside a text wrapped at a fixed
 * width (fixed_wrap asks in tables), when the next line is taken before
 * (branch of a marker, a '|', a bar; a lower-case line or one that opens
 * with punctuation; in a table, a new block): most lines are followed by
 * such a line, and their last word, which classify looked up for every
 * line, is never asked. */
static CCHC_INLINE bool end_word_asked(const model *m, const line *l,
                                       const line *next) {
  if (l->terminal)
    return false;
  if (m->fixed || !next || next->page || next->lone_num)
    return true;
  return !(l->bar || l->table || next->table || next->marker || next->pipe ||
           next->lower || next->cont_punct);
}

/* Does the line before end on a word that needs what follows?  (Its
 * end_word found: end_word_asked.) */
static bool cut_phrase(const char *s, const line *prev, const line *l) {
  return prev->func_end || (prev->number_end && code_start(s, l));
}

/* Does line a reach the wrap width (in percent of the typical width)? */
static bool reaches_margin(const model *m, const line *a, int percent) {
  if (!m->wrapped || a->cplen * 100 < m->width * percent)
    return false;
  return !m->trail_signal || a->trail_space;
}

/* In a text wrapped at a fixed count of characters, would the first word
 * of b have fitted on line a, with a column to spare (a double space)?
 * Then the break between them is no wrap,
 * whatever a's length: a heading or a paragraph ends there.  (In a
 * proportional font, character counts cannot tell; where the extractor
 * marks wrapped lines with a trailing space, the mark tells.) */
static bool word_fits(const model *m, const line *a, const line *b,
                      const char *s) {
  return m->fixed && !m->trail_signal &&
         a->cplen + 1 + first_word(s, b) < m->wrap_width;
}


/* How line l joins the line written before it, prev: the decision of a
 * pass (its model m, the text s the lines lie in). */
typedef enum { NEWBLOCK, SPACE, GLUE } join_how;

static CCHC_INLINE join_how decide(const model *m, const line *prev,
                                   const line *l, const char *s) {
  join_how how = NEWBLOCK;
  bool in_table = l->table || prev->table;
  /* in a text wrapped at a fixed width, a line that reaches the margin
   * before a word that would not fit on it was wrapped: a title in
   * capitals goes on in capitals, and a line in capitals after one in
   * lower case is a heading unless it is one word ("CCHC"); in a
   * table, where a cell may end at the margin too, only a phrase cut
   * after a word that cannot end it ("đạt trên" / "85%"), a quantity
   * and its unit ("01" / "Gb/s"), a phrase and its parenthesis
   * ("(R&D)") or its last acronym are never two cells */
  bool fixed_wrap = m->fixed && !prev->terminal && !prev->lone_num &&
                    reaches_margin(m, prev, 75) &&
                    !word_fits(m, prev, l, s);
  /* (asked only of a fixed-width wrap) */
  bool acronym = fixed_wrap && l->all_caps &&
                 first_word(s, l) >= l->cplen - 1;
  if (fixed_wrap && prev->all_caps)
    fixed_wrap = l->all_caps;
  else if (fixed_wrap && l->all_caps && !acronym)
    fixed_wrap = false;
  if (fixed_wrap && in_table && !prev->all_caps)
    fixed_wrap = cut_phrase(s, prev, l) || prev->digit_end || acronym ||
                 s[l->start] == '(';
  if (l->marker || l->pipe || prev->bar)
    how = NEWBLOCK;
  else if (prev->hyphen_end && !l->lower && !in_table) {
    size_t i = l->start;
    int32_t c = cp_at(s, l->end, &i);
    how = is_alnum(c) ? GLUE : NEWBLOCK;
    if (how == NEWBLOCK && reaches_margin(m, prev, 75))
      how = SPACE;
  } else if (l->cont_punct && !in_table)
    how = GLUE;
  else if (l->lower && !(in_table && prev->lone_num))
    how = (prev->hyphen_end && !in_table) ? GLUE : SPACE;
  else if (fixed_wrap && !l->motto && !prev->motto)
    how = SPACE;
  else if (in_table || l->all_caps || prev->all_caps || l->motto)
    how = NEWBLOCK;
  else if (!prev->terminal)
    how = (cut_phrase(s, prev, l) ||
           (reaches_margin(m, prev, 75) &&
            !word_fits(m, prev, l, s) &&
            !label_start(s, l)))
              ? SPACE
              : NEWBLOCK;
  /* a sentence may end at the margin and the next one go on; a clause
   * ending in ';' before a capital is the item of a list ("Căn cứ
   * ...;"), unless a fixed width says the next word did not fit */
  else if ((prev->dot_end || (prev->semi_end && m->fixed)) &&
           reaches_margin(m, prev, 85) &&
           !word_fits(m, prev, l, s) && !prev->lone_num &&
           !label_start(s, l))
    how = SPACE;
  if (prev->held && !l->marker)
    how = SPACE;
  if (prev->motto)
    how = NEWBLOCK;
  /* A border is no text to wrap: "|" of a crawled table. */
  if (how == SPACE && (l->wordless || prev->wordless))
    how = NEWBLOCK;
  /* Table cells continue lower-case fragments only within the zone. */
  if (how == SPACE && in_table && !l->lower && !fixed_wrap)
    how = NEWBLOCK;
  return how;
}

/* Is line l, a number alone, dropped between prev and next (either may be
 * NULL)? */
static CCHC_INLINE bool lone_dropped(const line *prev, const line *l,
                                     const line *next) {
  if ((prev && prev->bar) || (next && next->bar))
    return false;
  bool interrupts = next && (next->lower || next->cont_punct);
  /* At the end of the text there is no sentence left to interrupt:
   * "...chỉ số\n2." keeps its "2.". */
  bool mid_sentence = prev && next && !prev->terminal && !next->marker &&
                      !(next->lone_num && l->table);
  return interrupts || mid_sentence;
}

/* A line of the output of a pass that copies a line of the text it read
 * unchanged says which (its index); the others say NO_LINE. */
#define NO_LINE UINT32_MAX

/* A block that is no copy, but whose every line went as it was, joined
 * by a blank or nothing: the next pass classifies it from its code points
 * (classify_content) without reading all of it. */
#define NO_LINE_PLAIN (UINT32_MAX - 1)

/* Such a block where no blank went right after a '-' at a join, so that
 * no broken hyphen formed (its lines had none; a join by nothing writes
 * no blank, and a code broken across a join is "X-" and the join's
 * blank): JOINED_PLAIN plus its code points, counted as its lines were
 * written (at most LINE_CPLEN_MAX), which the next pass takes rather
 * than count them again.  Above every line index (a line is content and
 * a newline, and offsets are 32 bits: at most 2^31 lines), below
 * NO_LINE_PLAIN. */
#define JOINED_PLAIN ((uint32_t)1 << 31)
_Static_assert(JOINED_PLAIN + LINE_CPLEN_MAX < NO_LINE_PLAIN,
               "joined blocks apart from NO_LINE_PLAIN");

/* A line written by a pass: the line it copies, or NO_LINE, NO_LINE_PLAIN
 * or JOINED_PLAIN + code points.  Where it starts in the output is found
 * again after the line before it (4 bytes a line written, a million at
 * once in a long text). */
typedef struct block {
  uint32_t from;
} block;

/* What first_pass_final finds of a block: the classes of it as a line
 * that mark_lines reads (short, a bar alone), and whether it reads the
 * block again. */
enum {
  BLOCK_SHORT = 1,
  BLOCK_BAR = 2,
  BLOCK_READ = 4 /* (read again, with the blocks around it) */
};

static bool block_copies(block b) { return b.from < JOINED_PLAIN; }
static bool block_joined(block b) {
  return b.from >= JOINED_PLAIN && b.from < NO_LINE_PLAIN;
}

bool layout_check_joined = false;
size_t layout_joined_blocks = 0, layout_joined_wrong = 0;
bool layout_check_lines = false;
size_t layout_lines_read = 0, layout_lines_wrong = 0;

/* The state of layout from one pass to the next: the lines of the text a
 * pass reads, and the blocks it writes.  A pass whose model is the one
 * before (`prior`) decides again only around what the pass before changed
 * (clean_line). */
typedef struct layout {
  line *ls;
  size_t cnt, cap;
  block *blocks; /* per line written (the lines of the output) */
  size_t nblocks, blocks_cap;
  bool open_plain; /* the last block's lines all went as they were */
  /* (while open_plain) the code points written to it, and whether a
   * blank went right after a '-' at a join */
  uint32_t open_cps;
  bool open_dash_blank;
  model prior;     /* the model of the pass before */
  bool has_prior;  /* (not for the first pass, nor after Markdown) */
  bool last_same;  /* the last line was the last one of that pass too */
  bool failed;     /* out of memory */
  /* A '*' or a '#' lies in the text the first pass reads: without, it
   * leaves no Markdown (it joins no '*' to another, and a line it starts
   * with a '#' started with one) */
  bool marks_left;
  /* (the first pass) its first block and its last that are a bar alone
   * (none: SIZE_MAX and 0), for the check after it */
  size_t first_bar, last_bar;
  /* called once the characters are final, before the lines are read */
  void *(*settled)(void *arg, const cchc_mbuf *text, size_t *bytes);
  void *settled_arg;
} layout;

/* One pass writing: the text it reads (md), where it writes (out, over
 * md's bytes or elsewhere), whether the output differs from md. */
typedef struct emitter {
  const cchc_mbuf *md;
  cchc_mbuf *out;
  cchc_repair_log *log;
  layout *L;
  bool dirty;
  bool skip; /* in place and not dirty yet: out is md up to out->len, and
                nothing is written, not even the map */
  size_t md_hint; /* for the walk over md's map */
  copier k;       /* md's bytes that go as they are (unless skip) */
  cchc_mbuf edit; /* a line whose content is edited, read from a copy */
} emitter;

/* Length of the output so far. */
static size_t emit_len(const emitter *e) { return copier_len(&e->k); }

/* From here on the output differs from md: when it was md itself so far
 * and went unwritten, its map is written now. */
static void emit_dirty(emitter *e) {
  if (e->dirty)
    return;
  e->dirty = true;
  if (e->skip) {
    size_t n = e->out->len; /* (its bytes are in place) */
    e->out->len = 0;
    cchc_mbuf_copy(e->out, e->md, 0, n, NULL);
    e->skip = false;
  }
}

/* The last block is written: a changed one whose lines all went as they
 * were says so. */
static CCHC_INLINE void block_close(layout *L) {
  if (L->nblocks && L->open_plain && L->blocks[L->nblocks - 1].from == NO_LINE)
    L->blocks[L->nblocks - 1].from =
        L->open_dash_blank ? NO_LINE_PLAIN
                           : JOINED_PLAIN + (L->open_cps < LINE_CPLEN_MAX
                                                 ? L->open_cps
                                                 : LINE_CPLEN_MAX);
}

/* Start a block of output at the end of `out`. */
static void block_open(emitter *e, uint32_t from) {
  layout *L = e->L;
  block_close(L);
  if (L->nblocks >= L->blocks_cap) { /* (a call only to grow) */
    block *b = cchc_grow(L->blocks, &L->blocks_cap, L->nblocks, sizeof *b);
    if (!b) {
      L->failed = true;
      return;
    }
    L->blocks = b;
  }
  L->blocks[L->nblocks++] = (block){from};
  L->open_plain = true;
  L->open_cps = 0;
  L->open_dash_blank = false;
}

/* The check after the first pass (first_pass_final) reads block k again.
 * Said in line k's `same` (k is no more than the line being written):
 * from the first pass until the lines are read again, which set it anew,
 * nothing reads it, and an array of the blocks flagged held more. */
static void flag_block(layout *L, size_t k) { L->ls[k].same = true; }
static bool block_flagged(const layout *L, size_t k) { return L->ls[k].same; }

/* The block being written is no copy of one line. */
static void block_changed(emitter *e) {
  if (e->L->nblocks)
    e->L->blocks[e->L->nblocks - 1].from = NO_LINE;
}


/* Copy a line's content, collapsing runs of blanks.  Returns whether it
 * went as it is. */
static bool put_content(emitter *e, const line *l) {
  const cchc_mbuf *in = e->md;
  const char *s = in->data;
  /* no tab, no run of blanks, no broken hyphen: one copy */
  bool plain = l->plain;
  if (!plain || l->cplen >= LINE_CPLEN_MAX)
    e->L->open_plain = false;
  if (plain) {
    e->L->open_cps += l->cplen; /* (< LINE_CPLEN_MAX: a sum of few) */
    if (emit_len(e) != l->start)
      emit_dirty(e);
    if (e->skip)
      e->out->len += l->end - l->start;
    else
      copier_take(&e->k, l->start, l->end - l->start);
    return true;
  }
  emit_dirty(e);
  copier_flush(&e->k);
  /* The edits look back at what precedes them, which a rewrite in place
   * may have overwritten: work on a copy of the line. */
  cchc_mbuf_truncate(&e->edit, 0);
  cchc_mbuf_copy(&e->edit, in, l->start, l->end - l->start, NULL);
  in = &e->edit;
  s = in->data;
  size_t i = 0, end = in->len, hint = 0;
  while (i < end) {
    if (broken_hyphen(s, 0, end, i)) {
      cchc_log_repair(e->log, CCHC_REPAIR_HYPHEN_JOIN,
                      cchc_mbuf_src(in, i, &hint),
                      "blank after a broken hyphen removed");
      i++;
      continue;
    }
    if (is_space(s[i])) {
      size_t j = i;
      while (j < end && is_space(s[j]))
        j++;
      if (j - i > 1 || s[i] != ' ')
        cchc_log_repair(e->log, CCHC_REPAIR_WHITESPACE,
                        cchc_mbuf_src(in, i, &hint), "%zu blanks collapsed",
                        j - i);
      cchc_mbuf_put(e->out, " ", 1, cchc_mbuf_src(in, i, &hint));
      i = j;
      continue;
    }
    size_t j = i;
    while (j < end && !is_space(s[j]))
      j++;
    cchc_mbuf_copy(e->out, in, i, j - i, &hint);
    i = j;
  }
  return false;
}

/* Source offset of the separator written after line `prev`: it stands for
 * what follows the content (trailing blanks, the newline, blank lines), and
 * never lies before what was last written (a kept "3," comma), so the map
 * stays non-decreasing. */
static uint32_t separator_offset(emitter *e, const line *prev) {
  const cchc_mbuf *md = e->md, *out = e->out;
  uint32_t at = cchc_mbuf_src(md, prev->end < md->len ? prev->end : md->len - 1,
                              &e->md_hint);
  /* (when what was written last is md's bytes that end at or before
   * prev->end, where the map of md is no higher, there is nothing to
   * compare) */
  if (out->len && !out->failed && !e->skip && e->k.ce == e->k.cs) {
    uint32_t last = cchc_mbuf_last_src(out);
    if (last > at)
      at = last;
  }
  return at;
}

/* The first byte of the raw line of l: its leading blanks, which a rewrite
 * in place has not reached while l's separator is not written. */
static size_t raw_start(const cchc_mbuf *md, const line *l) {
  size_t p = l->start;
  while (p > 0 && is_space(md->data[p - 1]))
    p--;
  return p;
}

static bool same_model(const model *a, const model *b) {
  return a->wrapped == b->wrapped && a->width == b->width &&
         a->wrap_width == b->wrap_width && a->fixed == b->fixed &&
         a->trail_signal == b->trail_signal;
}

/* Is the decision before line j the one the pass before made, which
 * copied it as a block of its own?  When the model is the same and so
 * are the lines it reads: the line before (which is not dropped: no
 * number alone), j itself and the next one, as they were, and as near to
 * each other.  Then j is a new block, its content copied. */
static bool clean_line(const line *ls, size_t cnt, size_t j, bool last_same) {
  const line *l = &ls[j];
  if (!l->same || !l->after_same)
    return false;
  if (j > 0 && (!ls[j - 1].same || ls[j - 1].lone_num))
    return false;
  return j + 1 < cnt ? ls[j + 1].same && ls[j + 1].after_same : last_same;
}

/* A run of clean lines from line j on (the one before written last),
 * each one newline after the line before and plain: what the regular
 * path does for them, at once.  Each is a block of its own, and its bytes
 * stay where they are (skip) or go on the copy that waits (in place, right
 * after the line before).  Returns the end of the run (j: none). */
static size_t clean_run(emitter *e, line *ls, size_t cnt, size_t j,
                        bool last_same, const model *m) {
  const cchc_mbuf *md = e->md;
  const line *prev = &ls[j - 1];
  if (e->skip ? emit_len(e) != prev->end
              : e->out->data != md->data || e->k.ce != prev->end ||
                    e->k.ce == e->k.cs)
    return j;
  size_t k = j;
  while (k < cnt && ls[k].plain && ls[k].start == ls[k - 1].end + 1 &&
         md->data[ls[k - 1].end] == '\n' &&
         clean_line(ls, cnt, k, last_same))
    k++;
  layout *L = e->L;
  if (k == j)
    return j;
  if (L->nblocks + (k - j) > L->blocks_cap) {
    size_t cap = L->blocks_cap ? 2 * L->blocks_cap : 16;
    if (cap < L->nblocks + (k - j))
      cap = L->nblocks + (k - j);
    block *b = realloc(L->blocks, cap * sizeof *b);
    if (!b)
      return j; /* (the regular path finds out) */
    L->blocks = b;
    L->blocks_cap = cap;
  }
  block_close(L);
  for (size_t i = j; i < k; i++)
    L->blocks[L->nblocks++] = (block){(uint32_t)i};
  L->open_plain = ls[k - 1].cplen < LINE_CPLEN_MAX;
  L->open_cps = ls[k - 1].cplen;
  L->open_dash_blank = false;
  if (e->skip)
    e->out->len = ls[k - 1].end;
  else
    e->k.ce = ls[k - 1].end;
  /* (its last line is the one before the next decision: its bytes, not
   * written yet, are in place) */
  if (end_word_asked(m, &ls[k - 1], k < cnt ? &ls[k] : NULL))
    end_word(md->data, &ls[k - 1]);
  return k;
}

/* A pass: decide, line by line, what separates it from the line before
 * (a new block, a space, nothing), drop page numbers, and write md's lines
 * to out (which may be md's own bytes: nothing is written past what was
 * read).  The blocks written go to L for the next pass. */
static bool write_pass(layout *L, const cchc_mbuf *md, cchc_mbuf *out,
                       cchc_repair_log *log) {
  line *ls = L->ls;
  size_t cnt = L->cnt;
  model m = mark_lines(ls, cnt);
  bool sparse = L->has_prior && same_model(&m, &L->prior);
  /* (the first pass's lines, just read, are not same; a pass that is not
   * sparse asks no line whether it is, and the next pass's reading of the
   * lines sets it anew) */
  if (sparse)
    for (size_t j = 0; j < cnt; j++) /* a class that changed is a change */
      ls[j].same = ls[j].same && !ls[j].page &&
                   ls[j].table == ls[j].was_table;
  bool first = !L->has_prior;
  L->prior = m;
  L->has_prior = true;
  L->nblocks = 0;
  L->first_bar = SIZE_MAX;
  L->last_bar = 0;
  if (cnt > L->blocks_cap) { /* a block a line at most: room once */
    size_t cap = cchc_huge_size(cnt * sizeof *L->blocks) / sizeof *L->blocks;
    block *b = realloc(L->blocks, cap * sizeof *b);
    if (b) { /* (else block_open finds out) */
      L->blocks = b;
      L->blocks_cap = cap;
      cchc_prefer_huge_pages(b, cap * sizeof *b);
    }
  }
  emitter e = {.md = md, .out = out, .log = log, .L = L,
               .skip = out->data == md->data, .k = {.out = out, .in = md}};

  const line *prev = NULL; /* last emitted line */
  bool prev_end_found = false; /* end_word read prev */
  for (size_t j = 0; j < cnt; j++) {
    if (sparse && j > 0 && prev == &ls[j - 1]) {
      size_t run = clean_run(&e, ls, cnt, j, L->last_same, &m);
      if (run > j) {
        prev = &ls[run - 1];
        j = run - 1;
        continue;
      }
    }
    line *l = &ls[j];
    const line *next = j + 1 < cnt ? &ls[j + 1] : NULL;
    bool clean = sparse && clean_line(ls, cnt, j, L->last_same);
    if (l->page) {
      cchc_log_fixed(log, CCHC_REPAIR_PAGE_NUMBER,
                     log_lists(log) ? cchc_mbuf_src(md, l->start, NULL) : 0,
                     "page number dropped");
      emit_dirty(&e);
      continue;
    }
    if (l->lone_num && !clean && lone_dropped(prev, l, next)) {
      cchc_log_fixed(log, CCHC_REPAIR_PAGE_NUMBER,
                     log_lists(log) ? cchc_mbuf_src(md, l->start, NULL) : 0,
                     "number alone on a line dropped");
      emit_dirty(&e);
      if (l->lone_punct && prev) { /* "3," keeps its comma */
        char punct = l->lone_punct;
        copier_flush(&e.k);
        cchc_mbuf_put(out, &punct, 1, cchc_mbuf_src(md, l->end - 1, NULL));
        block_changed(&e);
        L->open_cps++;
      }
      continue;
    }
    /* (for the decision after it, while its bytes are in place; in the
     * first pass also for the check after it, where only a table zone
     * kept it from being asked: first_pass_final) */
    bool end_found = !l->terminal &&
                     (m.fixed || !next || next->page || next->lone_num ||
                      !(l->bar || next->marker || next->pipe || next->lower ||
                        next->cont_punct ||
                        (!first && (l->table || next->table))));
    if (end_found) /* (end_word_asked, or a table's in the first pass) */
      end_word(md->data, l);
    join_how how = NEWBLOCK;
    /* before the separator, which may overwrite the newline in front of
     * the leading blanks */
    size_t raw = l->lead_space ? raw_start(md, l) : l->start;
    if (prev && !clean)
      how = decide(&m, prev, l, md->data);
    if (prev) {
      /* (the separator's source offset, where it is written or logged,
       * is taken as the output stands before emit_dirty) */
      uint32_t at = 0;
      bool have_at = false;
      /* only a newline where the newline was leaves the text as it was */
      if (how != NEWBLOCK || emit_len(&e) != prev->end ||
          l->start != prev->end + 1) {
        if (e.skip) {
          at = separator_offset(&e, prev);
          have_at = true;
        }
        emit_dirty(&e);
      }
      /* A newline or a blank in place right after the line copied before,
       * over the byte that ends it (its newline, or a blank after it; it
       * is read no more), that byte's map kept, which is where the
       * separator maps (separator_offset), whatever lies between it and l
       * (blank lines, a page number: dropped). */
      bool over = !e.skip && out->data == md->data && how != GLUE &&
                  e.k.ce == prev->end && e.k.ce > e.k.cs;
      /* (needed where a separator is written, and for a join's repair
       * where the log lists its repairs: a log that only counts them,
       * as a frame's, takes none) */
      bool written = how != GLUE && !over && !(how == NEWBLOCK && e.skip);
      if (!have_at && (written || (how != NEWBLOCK && log_lists(log))))
        at = separator_offset(&e, prev);
      if (how == SPACE) {
        cchc_log_fixed(log, CCHC_REPAIR_LINE_JOIN, at, "wrapped line rejoined");
        L->open_cps++;
        L->open_dash_blank |= md->data[prev->end - 1] == '-';
      }
      if (how == GLUE)
        cchc_log_fixed(log, CCHC_REPAIR_HYPHEN_JOIN, at,
                       "line rejoined without space");
      if (how == NEWBLOCK && e.skip) {
        out->len++;
      } else if (over) {
        md->data[prev->end] = how == SPACE ? ' ' : '\n';
        copier_take(&e.k, prev->end, 1);
      } else if (how != GLUE) {
        copier_flush(&e.k);
        cchc_mbuf_put(out, how == SPACE ? " " : "\n", 1, at);
      }
    }
    if (l->lead_space && prev)
      cchc_log_repair(log, CCHC_REPAIR_WHITESPACE, cchc_mbuf_src(md, raw, NULL),
                      "stray leading space removed");
    if (how == NEWBLOCK) { /* (the first line too) */
      /* (bitwise: the bits of a line tested at once) */
      if (first &&
          (l->lone_num |
           (prev && (prev->hyphen_end | l->cont_punct |
                     (l->lower & !l->marker) |
                     (!prev->terminal & !(l->marker | l->pipe | prev->bar) &
                      (!prev_end_found | prev->func_end | prev->number_end))))))
        flag_block(L, L->nblocks);
      if (first && l->bar) {
        L->first_bar = L->first_bar < L->nblocks ? L->first_bar : L->nblocks;
        L->last_bar = L->nblocks;
      }
      block_open(&e, (uint32_t)j);
    } else if (first && how == GLUE && L->nblocks &&
               block_copies(L->blocks[L->nblocks - 1])) {
      flag_block(L, L->nblocks - 1);
    }
    if (!put_content(&e, l) || how != NEWBLOCK)
      block_changed(&e);
    prev = l;
    prev_end_found = end_found;
  }
  if (prev) {
    if (emit_len(&e) != prev->end || md->len != (size_t)prev->end + 1 ||
        md->data[prev->end] != '\n') /* (a text ending with blanks) */
      emit_dirty(&e);
    if (e.skip) {
      out->len++;
    } else if (out->data == md->data && e.k.ce == prev->end &&
               e.k.ce > e.k.cs && prev->end < md->len &&
               md->data[prev->end] == '\n') { /* md's own newline */
      copier_take(&e.k, prev->end, 1);
    } else {
      uint32_t at = separator_offset(&e, prev);
      copier_flush(&e.k);
      cchc_mbuf_put(out, "\n", 1, at);
    }
  }
  copier_flush(&e.k);
  block_close(L);
  /* (the next pass reads as many lines as this one wrote blocks) */
  L->blocks = cchc_shrink(L->blocks, &L->blocks_cap, L->nblocks,
                          sizeof *L->blocks);
  if (out->len != md->len)
    emit_dirty(&e);
  cchc_mbuf_free(&e.edit);
  if (e.edit.failed)
    out->failed = true;
  return e.dirty;
}

/* The characters of the text are final: tell the caller, once. */
enum { SPARE_LINES_MIN = 64 << 10 };
static void settle(layout *L, const cchc_mbuf *text) {
  size_t bytes = 0;
  void *spare = L->settled ? L->settled(L->settled_arg, text, &bytes) : NULL;
  L->settled = NULL;
  /* (a small block, a short text's, lies in the heap, where a realloc to
   * the line array's size, five times larger, most often copies it to a
   * block of its own: freed, the array is made afresh, and nothing is
   * copied; a long text's is a mapping, which realloc moves as it is) */
  if (spare && !L->ls && bytes >= SPARE_LINES_MIN) { /* the line array's */
    L->ls = spare;
    L->cap = bytes / sizeof *L->ls;
  } else {
    free(spare);
  }
}

/* The bytes of text a line of content takes, at least, in most texts:
 * read_lines makes room for that many lines at once. */
enum { LINE_BYTES_GUESS = 24 };

/* Room for `lines` lines in L (false, L->failed, when out of memory): on
 * huge pages, written from the first on, the blank lines left out. */
static bool line_room(layout *L, size_t lines) {
  if (lines <= L->cap)
    return true;
  size_t cap = cchc_huge_size(lines * sizeof *L->ls) / sizeof *L->ls;
  line *room = realloc(L->ls, cap * sizeof *room);
  if (!room) {
    L->failed = true;
    return false;
  }
  L->ls = room;
  L->cap = cap;
  cchc_prefer_huge_pages(L->ls, L->cap * sizeof *L->ls);
  return true;
}

/* The lines of md, every one classified; `held` lists the newlines that
 * lie inside a bold span. */
typedef size_t (*line_scan)(const char *s, size_t p, size_t len, size_t *e,
                            bool *edit, bool *dash);

static CCHC_INLINE void read_lines_with(layout *L, const cchc_mbuf *md,
                                        const held_lines *held,
                                        line_scan scan) {
  const char *s = md->data;
  L->cnt = 0;
  /* room for the lines at once (a long text has millions): a line of
   * content every LINE_BYTES_GUESS bytes, more made as they come (a text
   * of short lines), the rest given back below (a walk of the text that
   * counted them first was a pass over it of its own) */
  if (!line_room(L, md->len / LINE_BYTES_GUESS + 16))
    return;
  size_t raw = 0, h = 0, len = md->len;
  for (;;) {
    size_t p = raw, e;
    while (p < len && is_space(s[p]))
      p++;
    bool edit, dash;
    size_t conts = scan(s, p, len, &e, &edit, &dash);
    size_t q = e;
    while (q > p && is_space(s[q - 1]))
      q--;
    if (q > p) {
      if (L->cnt >= L->cap && !line_room(L, 2 * L->cap))
        return;
      line *l = &L->ls[L->cnt];
      bool plain = true;
      if (edit) /* (its trailing blanks may be the edit) */
        scan_content(s, p, q, len, &plain);
      else if (dash)
        plain = !has_broken_hyphen(s, p, q);
      if (layout_check_lines) {
        bool exact;
        size_t cps = scan_content(s, p, q, len, &exact);
        layout_lines_read++;
        layout_lines_wrong += cps != q - p - conts || exact != plain;
      }
      classify_content(s, p, q, q - p - conts, plain, l);
      l->lead_space = p > raw;
      l->trail_space = q < e;
      while (h < held->n && held->at[h] < e)
        h++;
      if (h < held->n && e < len && held->at[h] == e) /* (classify cleared it) */
        l->held = true;
      L->cnt++;
    }
    if (e >= len)
      break;
    raw = e + 1;
  }
  /* the room of the blank lines given back, and the end of the huge page
   * the last line ends in: the passes after read fewer lines */
  L->ls = cchc_shrink(L->ls, &L->cap, L->cnt, sizeof *L->ls);
}

#if defined(LINES_AVX2)
/* read_lines, each line's newline found and its bytes counted 32 at a
 * time (AVX2). */
__attribute__((target("avx2,popcnt"))) static void
read_lines_avx2(layout *L, const cchc_mbuf *md, const held_lines *held) {
  read_lines_with(L, md, held, scan_line_avx2);
}
#endif

static void read_lines(layout *L, const cchc_mbuf *md, const held_lines *held) {
#if defined(LINES_AVX2)
  if (!canon_avx2_off && __builtin_cpu_supports("avx2")) {
    read_lines_avx2(L, md, held);
    return;
  }
#endif
  read_lines_with(L, md, held, scan_line);
}

/* (layout_check_joined) Count the code points of the joined block
 * s[p, e) again, and look for a broken hyphen in it. */
static void joined_checked(const char *s, size_t p, size_t e, size_t cps) {
  size_t count = cchc_utf8_count(s + p, e - p);
  layout_joined_blocks++;
  layout_joined_wrong +=
      (count < LINE_CPLEN_MAX ? count : LINE_CPLEN_MAX) != cps ||
      has_broken_hyphen(s, p, e);
}

/* The lines of `text`, the output of the pass before: a block that copies
 * a line unchanged keeps that line's classes (no blank around it now),
 * the others are classified again. */
static void reread_lines(layout *L, const cchc_mbuf *text) {
  /* Block k comes from line k or a later one: the lines are rewritten in
   * order over the array.  A block is a line of the text: it ends with
   * its newline (or the text), and the next one starts after it. */
  const char *s = text->data;
  const block *b = L->blocks;
  size_t n = L->nblocks;
  L->last_same = n && block_copies(b[n - 1]) && b[n - 1].from + 1 == L->cnt;
  for (size_t k = 0, p = 0; k < n; k++) {
    /* A copy is its line's content, as long (line b[k].from, not yet
     * written over: k at most): its newline is not looked for. */
    size_t e = block_copies(b[k])
                   ? p + (L->ls[b[k].from].end - L->ls[b[k].from].start)
                   : SIZE_MAX;
    if (e > text->len || (e < text->len && s[e] != '\n')) { /* (no copy) */
      /* (a block joined has as many bytes as code points at least: its
       * newline lies past them) */
      size_t from = block_joined(b[k]) ? p + (b[k].from - JOINED_PLAIN) : p;
      const char *nl = from < text->len
                           ? memchr(s + from, '\n', text->len - from)
                           : NULL;
      e = nl ? (size_t)(nl - s) : text->len;
    }
    line *l = &L->ls[k];
    if (block_copies(b[k])) {
      /* (its classes changed in a copy held in registers and stored
       * once: through l, each bit field was a load and a store) */
      line c = L->ls[b[k].from];
      c.same = !c.lead_space && !c.trail_space && !c.held;
      c.after_same = k == 0 || (block_copies(b[k - 1]) &&
                                b[k].from == b[k - 1].from + 1);
      c.start = (uint32_t)p;
      c.end = (uint32_t)e;
      c.lead_space = c.trail_space = c.held = false;
      *l = c;
    } else if (block_joined(b[k]) && e > p) {
      /* as NO_LINE_PLAIN, its code points counted and no broken hyphen */
      size_t cps = b[k].from - JOINED_PLAIN;
      if (layout_check_joined)
        joined_checked(s, p, e, cps);
      classify_content(s, p, e, cps, true, l);
    } else if (b[k].from == NO_LINE_PLAIN && e > p) {
      /* lines joined as they were, each plain, by a blank or nothing: no
       * tab or run of blanks, only a broken hyphen may have formed */
      classify_content(s, p, e, cchc_utf8_count(s + p, e - p),
                       !has_broken_hyphen(s, p, e), l);
    } else {
      classify(s, p, e, text->len, l);
    }
    p = e + 1;
  }
  L->cnt = n;
}

/* Give back the room of the lines past those the pass before wrote: a
 * pass joins lines, and a long text's first one leaves far fewer. */
static void shrink_lines(layout *L) {
  L->ls = cchc_shrink(L->ls, &L->cap, L->cnt, sizeof *L->ls);
}

/* Strip the Markdown of md, make what the markers separated canonical
 * again, and read the lines: the text a pass reads, rewritten in place. */
static cchc_status prepare(layout *L, cchc_mbuf *md, const cchc_edits *edits,
                           cchc_repair_log *log, cchc_error *err) {
  held_lines held = {0};
  line_list dirty = {0};
  cchc_status rc = CCHC_OK;
  bool joined = strip_markdown(md, edits, &held, &dirty, log, &L->marks_left);
  if (md->failed) {
    rc = cchc_fail(err, CCHC_ERR_NOMEM, "out of memory in layout");
    goto cleanup;
  }
  if (joined) {
    /* What a removed marker separated now meets ("N**" and a combining
     * tilde, "ho**á"): canonical characters again, or normalizing the
     * output would compose or move a tone mark. */
    static const size_t no_line[1];
    rc = cchc_canon_chars(md,
                          dirty.all ? NULL : dirty.at ? dirty.at : no_line,
                          dirty.n / 2, log, err);
    if (rc != CCHC_OK)
      goto cleanup;
  }
  settle(L, md);
  read_lines(L, md, &held);
  if (L->failed)
    rc = cchc_fail(err, CCHC_ERR_NOMEM, "out of memory in layout");
cleanup:
  free(held.at);
  free(dirty.at);
  return rc;
}

/* What a pass of layout can only lower: it removes bytes (markers, page
 * numbers, blanks) or turns a line break into a space or nothing, and never
 * splits a line. */
static size_t layout_weight(const cchc_mbuf *b) {
  size_t n = b->len;
  for (const char *p = b->data, *e = p + b->len;
       p < e && (p = memchr(p, '\n', (size_t)(e - p))); p++)
    n++;
  return n;
}

/* A pass after the first over a text with Markdown left (rare): on a copy,
 * kept only when it changes the text and lowers its weight, as a pass
 * that would not (none known) ends the repetition rather than risk a
 * cycle.  *same: the text stays. */
static cchc_status markdown_pass(layout *L, cchc_mbuf *text,
                                 cchc_repair_log *log, bool *same,
                                 cchc_error *err) {
  cchc_mbuf md, next;
  cchc_mbuf_init(&md);
  cchc_mbuf_init(&next);
  md.unmapped = next.unmapped = text->unmapped;
  cchc_repair_log more;
  cchc_log_init(&more);
  more.length_only = log->length_only; /* (what is appended to log) */
  cchc_mbuf_copy(&md, text, 0, text->len, NULL);
  cchc_status rc = prepare(L, &md, &(cchc_edits){.all = true}, &more, err);
  if (rc == CCHC_OK) {
    cchc_mbuf_reserve(&next, md.len + 1);
    write_pass(L, &md, &next, &more);
    if (next.failed || L->failed)
      rc = cchc_fail(err, CCHC_ERR_NOMEM, "out of memory in layout");
  }
  *same = rc != CCHC_OK ||
          (next.len == text->len &&
           memcmp(next.data, text->data, text->len) == 0) ||
          layout_weight(&next) >= layout_weight(text);
  if (!*same) {
    cchc_log_append(log, &more);
    cchc_mbuf_free(text);
    *text = next;
    cchc_mbuf_init(&next);
  }
  cchc_log_free(&more);
  cchc_mbuf_free(&md);
  cchc_mbuf_free(&next);
  return rc;
}

/* A pass after the first over a text without Markdown: its lines are the
 * blocks of the pass before, only the new ones classified again, and it
 * rewrites the text in place, which it changes only where a decision
 * changes; a pass that changes nothing leaves it as it is. */
static cchc_status plain_pass(layout *L, cchc_mbuf *text,
                              cchc_repair_log *log, bool *same,
                              cchc_error *err) {
  reread_lines(L, text);
  shrink_lines(L);
  cchc_repair_log more;
  cchc_log_init(&more);
  more.length_only = log->length_only; /* (what is appended to log) */
  cchc_mbuf out;
  cchc_mbuf_rewrite_begin(&out, text);
  out.huge_map = true; /* (the line array is shorter than the first's) */
  bool dirty = write_pass(L, text, &out, &more);
  cchc_status rc = CCHC_OK;
  if (out.failed || L->failed)
    rc = cchc_fail(err, CCHC_ERR_NOMEM, "out of memory in layout");
  /* Such a pass only removes bytes or turns line breaks into blanks:
   * when it changes the text, it lowers its weight. */
  *same = !dirty;
  if (dirty) {
    cchc_mbuf_rewrite_end(text, &out);
    cchc_log_append(log, &more);
  } else {
    cchc_mbuf_rewrite_undo(text, &out);
  }
  cchc_log_free(&more);
  return rc;
}

/* cnt line ends written over L's line array (or a malloc'd one when cnt
 * is 0), closed by len: the array handed to the caller (*n offsets), L
 * holding no lines any more, shrunk to its 4 bytes a line. */
static uint32_t *ends_taken(layout *L, uint32_t *ends, size_t cnt,
                            size_t len, size_t *n) {
  ends[cnt] = (uint32_t)len;
  if (cnt) {
    L->ls = NULL;
    L->cap = L->cnt = 0;
    uint32_t *less = realloc(ends, (cnt + 1) * sizeof *ends);
    if (less)
      ends = less;
  }
  *n = cnt + 1;
  return ends;
}

/* The newlines that end the lines of `text`, which the pass that left it
 * as it was read (L's lines: each its own line's, from its start to its
 * newline, since a pass that writes nothing keeps every line where it
 * was, its content alone between two newlines), then text->len: cnt + 1
 * offsets, *n, written over the line array (4 bytes a line where it held
 * 16), which the caller takes.  NULL when the lines do not lie end to
 * end (checked all the same: a few reads a line) or without memory. */
static uint32_t *final_line_ends(layout *L, const cchc_mbuf *text,
                                 size_t *n) {
  const line *ls = L->ls;
  size_t cnt = L->cnt, len = text->len;
  if (len > UINT32_MAX || (cnt ? ls[cnt - 1].end + (size_t)1 != len : len))
    return NULL;
  uint32_t *ends = cnt ? (uint32_t *)(void *)L->ls : malloc(sizeof *ends);
  if (!ends)
    return NULL;
  /* (ends[k] lies in ls[k / 4], read; when the lines are not the text's,
   * the array, written over, is freed all the same) */
  for (size_t k = 0, at = 0; k < cnt; k++) {
    uint32_t start = ls[k].start, end = ls[k].end;
    if (start != at || end >= len || text->data[end] != '\n')
      return NULL;
    ends[k] = end;
    at = end + (size_t)1;
  }
  return ends_taken(L, ends, cnt, len, n);
}

/* Block k of the first pass's output, s[p, e), with the classes the
 * second pass would read it with (reread_lines), its table class
 * `table`: a copy its line's, a joined block classified. */
static void block_line(const layout *L, const char *s, size_t k, size_t p,
                       size_t e, bool table, line *out) {
  block b = L->blocks[k];
  if (block_copies(b)) {
    line c = L->ls[b.from];
    c.start = (uint32_t)p;
    c.end = (uint32_t)e;
    c.lead_space = c.trail_space = c.held = false;
    *out = c;
  } else if (block_joined(b)) {
    classify_content(s, p, e, b.from - JOINED_PLAIN, true, out);
  } else if (b.from == NO_LINE_PLAIN) {
    classify_content(s, p, e, cchc_utf8_count(s + p, e - p),
                     !has_broken_hyphen(s, p, e), out);
  } else {
    classify(s, p, e, e + 1, out);
  }
  out->table = table;
  out->page = false;
}

bool layout_second_pass_forced = false;
bool layout_count_skips = false;
size_t layout_second_passes_skipped = 0;

/* The blocks first_pass_final has found, the last SEEN of them (block k
 * at k & SEEN_MASK): it reads each block to be read again SEEN_LAG
 * blocks after it found it, once the blocks whose table zones it asks
 * (those beside it, each with the window of 9 around it) are found, and
 * keeps nothing per block (an array of ends and classes, 5 bytes a block
 * held with the first pass's lines, raised a long text's peak). */
enum { SEEN = 16, SEEN_MASK = SEEN - 1, SEEN_LAG = 5 };
typedef struct blocks_seen {
  uint32_t end[SEEN];
  unsigned char cls[SEEN]; /* BLOCK_* */
} blocks_seen;

/* Is block k of n in a table zone, as mark_lines finds it (table_next):
 * two thirds of the window of 9 around it short. */
static bool seen_zone(const blocks_seen *w, size_t n, size_t k) {
  size_t lo = k >= 4 ? k - 4 : 0, hi = k + 4 < n ? k + 4 : n - 1;
  size_t win = hi - lo + 1, shorts = 0;
  for (size_t j = lo; j <= hi; j++)
    shorts += w->cls[j & SEEN_MASK] & BLOCK_SHORT;
  return win >= 5 && shorts * 3 >= win * 2;
}

/* Block k of n, found (w), as the second pass would read it, with the
 * blocks beside it: false where that pass would change something (a
 * number alone dropped, a boundary other than a new block).  Numbers
 * alone go to pr, the pairs of a wrap outside table zones to *wraps. */
static bool seen_unchanged(const layout *L, const char *s,
                           const blocks_seen *w, size_t n, size_t k,
                           page_runs *pr, size_t *wraps) {
  static const model unwrapped; /* (no model term holds) */
  bool zone[3]; /* of blocks k - 1, k, k + 1 */
  line ls[3];   /* the same */
  for (size_t d = 0; d < 3; d++) {
    if (k + d < 1 || k + d > n)
      continue;
    size_t j = k + d - 1;
    size_t p = j ? w->end[(j - 1) & SEEN_MASK] + (size_t)1 : 0;
    zone[d] = seen_zone(w, n, j);
    /* the table class: its zone, unless it lies between two bars
     * (mark_lines takes the lines between out; a bar stays) */
    bool table = zone[d] && ((w->cls[j & SEEN_MASK] & BLOCK_BAR) ||
                             !(L->first_bar < j && j < L->last_bar));
    block_line(L, s, j, p, w->end[j & SEEN_MASK], table, &ls[d]);
  }
  line *prev = k > 0 ? &ls[0] : NULL, *l = &ls[1],
       *next = k + 1 < n ? &ls[2] : NULL;
  if (l->lone_num) {
    /* (page_add reads the zone, before the bars) */
    bool table = l->table;
    l->table = zone[1];
    page_add(pr, l, k);
    l->table = table;
    if (lone_dropped(prev, l, next))
      return false;
  }
  if (prev) {
    if (end_word_asked(&unwrapped, prev, l))
      end_word(s, prev);
    if (decide(&unwrapped, prev, l, s) != NEWBLOCK)
      return false;
    *wraps += !zone[0] && !zone[1] && !prev->terminal && l->lower &&
              !l->marker && !prev->lone_num;
  }
  return true;
}

/* Would a second pass over the text the first one wrote change nothing?
 * Then it is not run.  It needs no memory but a few blocks' (above).
 *
 * Why a second pass may change something: the first decided with the
 * classes of the lines it read, the second reads the blocks it wrote.  A
 * join makes a longer line: the table zones (runs of short lines) move
 * and shrink, so a line that was a cell ("của tỉnh" / ", của huyện")
 * joins now; the model is found again (the wraps are gone: most texts
 * are not "wrapped" any more); the gaps between numbers alone count
 * fewer lines (a run of page numbers may form); and a joined block's own
 * classes differ from its lines' (a marker glued to "," is none: "II." /
 * ", và" is "II., và", which a line ending "của" then joins; its
 * capitals, its number alone).
 *
 * What the second pass does, block by block, is what write_pass does:
 * it drops a page number or a number alone, or decides how the block
 * joins the one before (decide).  It changes nothing when it drops
 * nothing and decides NEWBLOCK everywhere (the blocks are one newline
 * apart, without blanks around them, and plain: copies of plain lines,
 * JOINED_PLAIN, or an edited block that reads as plain, which is read
 * here with the boundaries on either side of it; else the check gives
 * up).  So:
 *  - its model: the pairs of a wrap need a lower-case block that is no
 *    marker, whose boundary is read here (below); with fewer than 3, no
 *    model term (margin, fixed width) holds (with more it gives up).
 *  - the numbers alone (copies of such lines, and joined blocks of at
 *    most 10 code points: "Trang 9", "12,"; "- 9 -" cannot be joined,
 *    as the lines it splits into are a marker or wordless) are read
 *    here, each with its neighbours: dropped, or one of a run of pages
 *    (page_add with the table zones of the blocks), and it gives up.
 *  - a boundary the first pass flagged (the block after it, below) is
 *    read here: decide on the blocks, as the second pass would.
 *  - any other boundary is NEWBLOCK: the first pass opened the block
 *    after it at line l, after line p, where !p.hyphen_end,
 *    !l.cont_punct, l is lower-case only as a marker, and p is terminal,
 *    or l a marker or a '|', or p a bar, or p's last word neither cuts a
 *    phrase nor is "số".  The blocks around it, P (ending with p) and L
 *    (starting with l), have the same first and last characters, so the
 *    same lower, cont_punct, pipe, hyphen_end and terminal; P is a bar
 *    only as a copy (a bar joins nothing); L is a marker where l is (a
 *    copy, or joined first by a blank: every marker form stays one when
 *    " " and more follow; a block first joined by nothing is flagged);
 *    P's last word is p's, or holds the '-' or the punctuation that glued
 *    it, which no word of cut_phrase holds.  Without a model term,
 *    decide gives NEWBLOCK for a marker, '|' or bar, can give GLUE or
 *    SPACE only through hyphen_end, cont_punct, lower or a non-terminal
 *    P whose last word cuts a phrase, and its last rules only turn a
 *    SPACE into NEWBLOCK (held is the first pass's only).
 * tests/test_normalize.c (second_pass_skipped_only_when_unchanged) runs
 * the passes to the fixed point and this on crafted texts where the
 * second pass changes something, on the corpus and on random texts. */
static bool first_pass_final(layout *L, const cchc_mbuf *text) {
  const block *b = L->blocks;
  const line *ls = L->ls;
  const char *s = text->data;
  size_t n = L->nblocks, len = text->len;
  if (L->failed || len >= UINT32_MAX || (!n && len))
    return false;
  blocks_seen w;
  page_runs pr = {0};
  size_t p = 0, wraps = 0;
  unsigned char read_next = 0;
  for (size_t i = 0; i < n; i++) {
    /* block i: where it ends, whether it is short or a bar, and whether
     * it is read again: flagged by the first pass, a number alone (a copy
     * of one, a joined block short enough to be one), an edited block and
     * the one after it */
    block bk = b[i];
    size_t e;
    unsigned char c = read_next | (block_flagged(L, i) ? BLOCK_READ : 0);
    read_next = 0;
    if (block_copies(bk)) {
      const line *x = &ls[bk.from];
      e = p + (x->end - x->start);
      if (e >= len || s[e] != '\n')
        goto give_up;
      c |= (unsigned char)(x->short_line * BLOCK_SHORT | x->bar * BLOCK_BAR |
                           x->lone_num * BLOCK_READ);
    } else {
      size_t cps = block_joined(bk) ? bk.from - JOINED_PLAIN : 0;
      /* (a block joined has as many bytes as code points at least) */
      const char *nl = p + cps < len ? memchr(s + p + cps, '\n', len - p - cps)
                                     : NULL;
      if (!nl || nl == s + p)
        goto give_up;
      e = (size_t)(nl - s);
      if (block_joined(bk)) {
        c |= (unsigned char)((cps <= 24) * BLOCK_SHORT |
                             (cps <= 10) * BLOCK_READ);
        if (layout_check_joined)
          joined_checked(s, p, e, cps);
      } else { /* (edited: read as the second pass reads it) */
        line x;
        block_line(L, s, i, p, e, false, &x);
        /* (a block the second pass would edit: it changes the text; a
         * bar is always a copy, as the first pass found the bars) */
        if (!x.plain || x.lead_space || x.trail_space || x.start != p ||
            x.end != e || x.bar)
          goto give_up;
        c |= (unsigned char)(x.short_line * BLOCK_SHORT | BLOCK_READ);
        read_next = BLOCK_READ;
      }
    }
    w.end[i & SEEN_MASK] = (uint32_t)e;
    w.cls[i & SEEN_MASK] = c;
    p = e + 1;
    if (i >= SEEN_LAG && (w.cls[(i - SEEN_LAG) & SEEN_MASK] & BLOCK_READ) &&
        !seen_unchanged(L, s, &w, n, i - SEEN_LAG, &pr, &wraps))
      goto give_up;
  }
  if (p != len)
    goto give_up;
  for (size_t k = n > SEEN_LAG ? n - SEEN_LAG : 0; k < n; k++)
    if ((w.cls[k & SEEN_MASK] & BLOCK_READ) &&
        !seen_unchanged(L, s, &w, n, k, &pr, &wraps))
      goto give_up;
  size_t last;
  bool pages = pages_found(&pr, &last);
  free(pr.nums);
  /* With 3 pairs of a wrap, the text may be "wrapped" (as many as the
   * blocks outside table zones over 20), and a model term hold: it is
   * not known here, as the blocks are not kept.  (Such pairs are rare:
   * a lower-case block after one that is no terminal starts no new
   * block, but after a border, a bar or the motto.) */
  return !pages && wraps < 3;
give_up:
  free(pr.chain);
  free(pr.nums);
  return false;
}

/* The newlines that end the lines of `text` as the first pass wrote them
 * (its blocks, which first_pass_final read), then text->len: as
 * final_line_ends gives them, written over the line array the same way
 * (ends[k] lies in ls[k / 4], read; block k copies line k or a later
 * one). */
static uint32_t *first_pass_ends(layout *L, const cchc_mbuf *text,
                                 size_t *n) {
  const block *b = L->blocks;
  const char *s = text->data;
  size_t cnt = L->nblocks, len = text->len;
  uint32_t *ends = cnt ? (uint32_t *)(void *)L->ls : malloc(sizeof *ends);
  if (!ends)
    return NULL;
  for (size_t k = 0, p = 0; k < cnt; k++) {
    size_t e;
    if (block_copies(b[k])) {
      const line *x = &L->ls[b[k].from];
      e = p + (x->end - x->start);
    } else { /* (first_pass_final found its newline) */
      size_t cps = block_joined(b[k]) ? b[k].from - JOINED_PLAIN : 0;
      e = (size_t)((const char *)memchr(s + p + cps, '\n', len - p - cps) - s);
    }
    ends[k] = (uint32_t)e;
    p = e + 1;
  }
  return ends_taken(L, ends, cnt, len, n);
}

/* Layout repeats its pass until nothing changes, so that normalizing the
 * output again changes nothing: one join can make the next line joinable
 * (a line stops being a table row), a cascade of any length.  Every pass
 * that changes the text lowers its weight, so the repetition ends.  Only
 * the first pass reads every line; the next ones read again only the
 * lines a join made, and write only from the first change on; a second
 * pass that would change nothing is not run (first_pass_final). */
cchc_status cchc_layout(cchc_mbuf *text, const cchc_edits *edits,
                        cchc_repair_log *log,
                        void *(*settled)(void *arg, const cchc_mbuf *text,
                                         size_t *bytes),
                        void *settled_arg, cchc_error *err) {
  return cchc_layout_lines(text, edits, log, settled, settled_arg, NULL, NULL,
                           err);
}

cchc_status cchc_layout_lines(cchc_mbuf *text, const cchc_edits *edits,
                              cchc_repair_log *log,
                              void *(*settled)(void *arg,
                                               const cchc_mbuf *text,
                                               size_t *bytes),
                              void *settled_arg, uint32_t **line_ends,
                              size_t *nline_ends, cchc_error *err) {
  if (line_ends)
    *line_ends = NULL;
  layout L = {.settled = settled, .settled_arg = settled_arg};
  pthread_once(&func_keys_once, func_keys_fill);
  cchc_status rc = CCHC_OK;
  bool hashes;
  if (is_markdown(text, &hashes)) {
    rc = prepare(&L, text, edits, log, err);
  } else {
    /* (no "**": a '*' is no Markdown the pass could make) */
    L.marks_left = hashes;
    settle(&L, text);
    read_lines(&L, text, &(held_lines){0});
  }
  if (rc == CCHC_OK && L.failed)
    rc = cchc_fail(err, CCHC_ERR_NOMEM, "out of memory in layout");
  if (rc == CCHC_OK) {
    cchc_mbuf out;
    cchc_mbuf_rewrite_begin(&out, text);
    if (write_pass(&L, text, &out, log))
      cchc_mbuf_rewrite_end(text, &out);
    else /* (the text is laid out already) */
      cchc_mbuf_rewrite_undo(text, &out);
    if (text->failed || L.failed)
      rc = cchc_fail(err, CCHC_ERR_NOMEM, "out of memory in layout");
  }
  /* A pass without Markdown leaves none: it joins no '*' to another and
   * starts no line but where a line of its text (without leading blanks
   * since the first pass) started.  So the text is looked at again only
   * after a pass that had some (a text without is not looked at twice),
   * and after the first pass only when a '*' or a '#' was left in it
   * (marks_left: most texts have no '#', and keep no '*' once stripped). */
  bool same = false, markdown = L.marks_left;
  bool skipped = false;
  if (rc == CCHC_OK && !layout_second_pass_forced) {
    markdown = markdown && is_markdown(text, &hashes);
    same = skipped = !markdown && first_pass_final(&L, text);
    if (same && layout_count_skips)
      layout_second_passes_skipped++;
  }
  while (rc == CCHC_OK && !same) {
    markdown = markdown && is_markdown(text, &hashes);
    rc = markdown ? markdown_pass(&L, text, log, &same, err)
                  : plain_pass(&L, text, log, &same, err);
  }
  /* The last pass wrote nothing: its lines are the text's, unless it read
   * a copy without its Markdown (markdown_pass). */
  if (rc == CCHC_OK && line_ends && skipped)
    *line_ends = first_pass_ends(&L, text, nline_ends);
  else if (rc == CCHC_OK && line_ends && !markdown && !L.failed)
    *line_ends = final_line_ends(&L, text, nline_ends);
  free(L.ls);
  free(L.blocks);
  return rc;
}
