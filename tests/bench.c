/* bench.c: throughput of the pipeline on the corpus repeated to about
 * 100 MB, single thread.  Usage: bench CORPUS_DIR [MEGABYTES] */
#define _GNU_SOURCE
#include "harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static long peak_kb(void) {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_maxrss;
}

int main(int argc, char **argv) {
  if (argc > 1)
    setenv("CCHC_SHARED", argv[1], 1);
  size_t target = (size_t)(argc > 2 ? atoi(argv[2]) : 100) << 20;
  char **files;
  size_t n = harness_corpus(&files);
  if (!n) {
    fprintf(stderr, "bench: no corpus under %s\n", harness_shared());
    return 2;
  }
  /* One big input: the plans one after another, repeated. */
  char *big = malloc(target + (1 << 20));
  size_t len = 0;
  while (len < target) {
    for (size_t i = 0; i < n && len < target; i++) {
      size_t l;
      char *d = harness_read(files[i], &l);
      memcpy(big + len, d, l);
      len += l;
      big[len++] = '\n';
      free(d);
    }
  }
  long base_kb = peak_kb();
  double t0 = now();
  cchc_text *t = NULL;
  cchc_error err = {0};
  if (cchc_normalize(big, len, NULL, &t, &err) != CCHC_OK) {
    fprintf(stderr, "bench: normalize failed: %s\n", err.message);
    return 1;
  }
  double t1 = now();
  double mb = (double)len / (1 << 20);
  printf("normalize: %.1f MB in %.2f s = %.1f MB/s (single thread); "
         "peak RSS %.0f MB (input buffer %.0f MB before)\n",
         mb, t1 - t0, mb / (t1 - t0), (double)peak_kb() / 1024,
         (double)base_kb / 1024);
  printf("normalize: %zu canonical bytes, %zu line joins, %zu tone marks\n",
         cchc_text_len(t), cchc_text_repair_count(t, CCHC_REPAIR_LINE_JOIN),
         cchc_text_repair_count(t, CCHC_REPAIR_TONE_MARK));
  cchc_text_free(t);
  free(big);
  harness_free_list(files, n);
  return 0;
}
