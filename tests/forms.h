/* forms.h: the same plan in other surface forms (issue 12, point 5).
 *
 * Transformations rewrite a plan's bytes the way other publishers would
 * have written it (renumbered, re-bulleted, hard-wrapped like a PDF,
 * unwrapped like Word, with Markdown, NFD, old tone placement, other
 * encodings and line ends, other spellings of unit names).  Each is a
 * deterministic function of (bytes, seed).  forms_compare then tells how
 * the frames of the plan and of its copy differ, apart from spans.
 *
 * Linked into tests/test_forms.c and the `forms` tool (make forms). */
#ifndef CCHC_FORMS_H
#define CCHC_FORMS_H

#include <stddef.h>
#include <stdint.h>

#include "cchc.h"

/* What the transformations need besides the bytes: the rules (to extract
 * and to normalize paragraphs) and the spellings of unit names read from
 * units.tsv of the rules directory. */
typedef struct forms_env forms_env;

cchc_status forms_env_new(const char *rules_dir, forms_env **out,
                          cchc_error *err);
void forms_env_free(forms_env *env);

/* A byte string owned by the caller (free(data)); NUL-terminated. */
typedef struct forms_bytes {
  char *data;
  size_t len;
} forms_bytes;

/* A transformation; call it through forms_apply and forms_fold. */
typedef struct forms_transform {
  const char *name;    /* "renumber", ... */
  const char *summary; /* one line: what it does */
  cchc_status (*apply)(const forms_env *env, const void *param, const char *in,
                       size_t len, uint64_t seed, forms_bytes *out,
                       cchc_error *err);
  char *(*fold)(const forms_env *env, const void *param, const char *s);
  const void *param; /* what apply and fold share */
} forms_transform;

/* The seed of `make forms` and of the test: the table it prints is the
 * one the test holds to. */
#define FORMS_DEFAULT_SEED 1

extern const forms_transform forms_transforms[];
extern const size_t forms_transform_count;

/* The copy of `len` bytes of `in` in the form of `t` with `seed`. */
cchc_status forms_apply(const forms_env *env, const forms_transform *t,
                        const char *in, size_t len, uint64_t seed,
                        forms_bytes *out, cchc_error *err);

/* For transformations that change words (unit names, spellings, what a
 * code page cannot say): `s` with every form of such a word mapped to one,
 * so that quotes of the changed words do not count; other transformations
 * give `s` as it is.  Returns a malloc'd string, or NULL when out of
 * memory. */
char *forms_fold(const forms_env *env, const forms_transform *t, const char *s);

/* The transformation named `name`, or NULL. */
const forms_transform *forms_find(const char *name);

/* Normalize, extract and render `len` bytes as JSON, as `cchc extract`
 * does.  *out is freed with free(). */
cchc_status forms_frame(const forms_env *env, const char *in, size_t len,
                        char **out, size_t *outlen, cchc_error *err);

/* One difference between two frames.  `path` is like
 * "targets[3].indicator"; array indexes are those of the left frame,
 * except for an element only in the right one. */
typedef enum forms_diff_kind {
  FORMS_CHANGED, /* value differs (or a member is missing on one side) */
  FORMS_COUNT,   /* arrays of different lengths: "tasks: 40 vs 37" */
  FORMS_DROPPED, /* an array element only in the left frame */
  FORMS_ADDED    /* an array element only in the right frame */
} forms_diff_kind;

typedef struct forms_diff {
  forms_diff_kind kind;
  char *path;
  char *left, *right; /* short JSON renderings */
} forms_diff;

typedef struct forms_diffs {
  forms_diff *item;
  size_t n, cap;
} forms_diffs;

void forms_diffs_free(forms_diffs *d);

/* Compare two frames (JSON as cchc_render writes it) apart from spans:
 * members "span", "spans", "mentions" and the top-level "source" (path,
 * hash, size, encoding of the bytes) are left out.  Array elements are
 * lined up by content (longest common subsequence; the rest paired in
 * order), so one extra task is one difference, not one per later task;
 * references by id ("section": "s5") are compared through that
 * alignment.  Every string of both frames is first put through
 * forms_fold of `form`, the transformation that made the right frame's
 * input (NULL: none).  Appends to *out. */
cchc_status forms_compare(const forms_env *env, const forms_transform *form,
                          const char *left, size_t left_len, const char *right,
                          size_t right_len, forms_diffs *out, cchc_error *err);

/* "PATH: LEFT vs RIGHT" (or "PATH: N vs M" for counts) into buf. */
void forms_diff_line(const forms_diff *d, char *buf, size_t size);
/* The kind of a difference: its path without indexes, plus what
 * happened ("targets[].indicator", "tasks[] added", "tasks count"). */
void forms_diff_kind_name(const forms_diff *d, char *buf, size_t size);

#endif
