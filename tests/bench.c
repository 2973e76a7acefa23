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

  /* The whole pipeline over the same one big input: extraction takes what
   * it costs beyond normalize. */
  char rules_dir[4096];
  snprintf(rules_dir, sizeof rules_dir, "%s/rules", harness_root());
  cchc_rules *rules = NULL;
  if (cchc_rules_load(rules_dir, &rules, &err) != CCHC_OK) {
    fprintf(stderr, "bench: %s:%u: %s\n", err.path, err.line, err.message);
    return 1;
  }
  double t2 = now();
  cchc_frame *frame = NULL;
  cchc_process_options opt = {.path = "bench"};
  if (cchc_process(rules, big, len, &opt, &frame, &err) != CCHC_OK) {
    fprintf(stderr, "bench: process failed: %s\n", err.message);
    return 1;
  }
  double t3 = now();
  double ex = (t3 - t2) - (t1 - t0);
  char *json = NULL;
  size_t jlen = 0;
  if (cchc_render(frame, CCHC_FORMAT_JSON, 0, &json, &jlen, &err) != CCHC_OK) {
    fprintf(stderr, "bench: render failed: %s\n", err.message);
    return 1;
  }
  double t4 = now();
  printf("extract:   %.1f MB in %.2f s = %.1f MB/s (single thread, one "
         "input; cchc_process %.2f s less normalize); JSON render %.2f s "
         "(%.0f MB); peak RSS %.0f MB\n",
         mb, ex, mb / ex, t3 - t2, t4 - t3, (double)jlen / (1 << 20),
         (double)peak_kb() / 1024);
  free(json);
  cchc_frame_free(frame);
  free(big);

  /* The usual case: many plans, each normalized, extracted and rendered. */
  size_t done = 0, docs = 0;
  double t5 = now();
  while (done < target) {
    for (size_t i = 0; i < n && done < target; i++) {
      size_t l;
      char *d = harness_read(files[i], &l);
      cchc_frame *df = NULL;
      char *out = NULL;
      size_t olen;
      cchc_process_options dopt = {.path = files[i]};
      if (cchc_process(rules, d, l, &dopt, &df, &err) != CCHC_OK ||
          cchc_render(df, CCHC_FORMAT_JSONL, 0, &out, &olen, &err) !=
              CCHC_OK) {
        fprintf(stderr, "bench: %s: %s\n", files[i], err.message);
        return 1;
      }
      free(out);
      cchc_frame_free(df);
      free(d);
      done += l;
      docs++;
    }
  }
  double t6 = now();
  double dmb = (double)done / (1 << 20);
  printf("pipeline:  %zu plans, %.1f MB in %.2f s = %.1f MB/s, %.0f plans/s "
         "(normalize + extract + JSON, single thread); peak RSS %.0f MB\n",
         docs, dmb, t6 - t5, dmb / (t6 - t5), (double)docs / (t6 - t5),
         (double)peak_kb() / 1024);
  cchc_rules_free(rules);
  harness_free_list(files, n);
  return 0;
}
