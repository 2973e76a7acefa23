/* test_buf.c: the text with its map back to the source (cchc_mbuf of
 * common/internal.h): a copy of a range carries the map of its bytes. */
#include "harness.h"
#include "../common/internal.h"

#include <stdlib.h>
#include <string.h>

/* A text of `words` pieces from scattered source places: pieces of
 * consecutive bytes (a run that steps), single bytes standing for a whole
 * source range, and pieces of many bytes from one place (a run that does
 * not step), seeded. */
static void mixed_text(cchc_mbuf *b, unsigned seed, int words) {
  cchc_mbuf_init(b);
  uint32_t src = 0;
  for (int w = 0; w < words; w++) {
    char piece[40];
    size_t n = 1 + (size_t)(rand_r(&seed) % 30);
    for (size_t k = 0; k < n; k++)
      piece[k] = (char)('a' + (w + (int)k) % 26);
    src += (uint32_t)(rand_r(&seed) % 5);
    if (rand_r(&seed) % 3)
      cchc_mbuf_put_seq(b, piece, n, src);
    else
      cchc_mbuf_put(b, piece, n, src);
    src += (uint32_t)n;
  }
}

/* Ranges of `in` copied one after the other into `out` (some skipped),
 * with a hint carried from copy to copy (or none): seeded. */
static void copy_ranges(cchc_mbuf *out, const cchc_mbuf *in, unsigned seed,
                        bool with_hint, size_t *from_of) {
  cchc_mbuf_init(out);
  size_t hint = 0;
  for (size_t i = 0; i < in->len;) {
    size_t n = 1 + (size_t)(rand_r(&seed) % 12);
    n = n < in->len - i ? n : in->len - i;
    if (rand_r(&seed) % 4) {
      for (size_t k = 0; k < n; k++)
        from_of[out->len + k] = i + k;
      cchc_mbuf_copy(out, in, i, n, with_hint ? &hint : NULL);
    }
    i += n;
  }
}

/* Every byte a copy writes maps where its byte of the text read maps, and
 * the copies made with a hint carried on (most lie inside the run the
 * copy before ended in, which is taken without a search) build the very
 * runs the copies without one build; over texts of every kind of run. */
START_TEST(copy_carries_the_map) {
  for (unsigned seed = 1; seed <= 40; seed++) {
    cchc_mbuf in, hinted, plain;
    mixed_text(&in, seed, 300);
    ck_assert(!in.failed);
    size_t *from_of = malloc(in.len * sizeof *from_of);
    size_t *from_plain = malloc(in.len * sizeof *from_plain);
    ck_assert(from_of && from_plain);
    copy_ranges(&hinted, &in, seed * 7u, true, from_of);
    copy_ranges(&plain, &in, seed * 7u, false, from_plain);
    ck_assert(!hinted.failed && !plain.failed);
    ck_assert_uint_eq(hinted.len, plain.len);
    ck_assert_int_eq(memcmp(hinted.data, plain.data, hinted.len), 0);
    size_t hint = 0;
    for (size_t i = 0; i < hinted.len; i++) {
      ck_assert_uint_eq(from_of[i], from_plain[i]);
      ck_assert_int_eq(hinted.data[i], in.data[from_of[i]]);
      uint32_t want = cchc_mbuf_src(&in, from_of[i], NULL);
      uint32_t got = cchc_mbuf_src(&hinted, i, &hint);
      if (got != want)
        ck_abort_msg("seed %u, byte %zu (of %zu read): maps to %u, want %u",
                     seed, i, from_of[i], got, want);
    }
    ck_assert_uint_eq(hinted.nruns, plain.nruns);
    ck_assert_int_eq(
        memcmp(hinted.runs, plain.runs, hinted.nruns * sizeof *hinted.runs),
        0);
    free(from_of);
    free(from_plain);
    cchc_mbuf_free(&in);
    cchc_mbuf_free(&hinted);
    cchc_mbuf_free(&plain);
  }
}
END_TEST

int main(void) {
  Suite *s = suite_create("buf");
  TCase *tc = tcase_create("mbuf");
  tcase_add_test(tc, copy_carries_the_map);
  suite_add_tcase(s, tc);
  return harness_run(s);
}
