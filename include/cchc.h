/* cchc.h: the one public header of libcchc.
 *
 * libcchc turns Vietnamese administrative-reform plans (Kế hoạch cải cách
 * hành chính) into data.  The pipeline has stages, one folder each:
 * normalize (decode + canonical text + offset map), extract (rules as data),
 * emit (JSON, XML, CSV) and corpus (store, compare, audit).
 *
 * Conventions
 * - Every function that can fail returns a cchc_status and, when it fails,
 *   fills the cchc_error the caller passed (which may be NULL).  The library
 *   never prints and never exits.
 * - Objects are opaque.  A function named *_new or one that returns an object
 *   through an out-parameter gives the caller ownership; release it with the
 *   matching *_free.  Pointers returned by accessors (const char *) are owned
 *   by the object and stay valid until it is freed.
 * - Strings are UTF-8.  Offsets are byte offsets.
 */
#ifndef CCHC_H
#define CCHC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define CCHC_VERSION "0.1.0"

/* ------------------------------------------------------------------ */
/* Status and errors                                                   */

typedef enum cchc_status {
  CCHC_OK = 0,
  CCHC_ERR_NOMEM,     /* allocation failed */
  CCHC_ERR_IO,        /* reading or writing a file failed */
  CCHC_ERR_ENCODING,  /* input bytes are not valid in their encoding */
  CCHC_ERR_BINARY,    /* input is not text (NUL bytes, control bytes) */
  CCHC_ERR_TOO_LARGE, /* input is larger than the configured limit */
  CCHC_ERR_UNSUPPORTED, /* encoding or feature not supported */
  CCHC_ERR_RULES,     /* a rules file is invalid */
  CCHC_ERR_INVALID,   /* invalid argument or data */
  CCHC_ERR_INTERNAL   /* a library (ICU, PCRE2, ...) reported a failure */
} cchc_status;

/* An error: what went wrong and where.  `offset` is a byte offset into the
 * input the failing call was given (for rules files: into that file) and is
 * meaningful only when `has_offset` is non-zero.  `path` and `line` are set
 * by calls that read named files (rules) and are empty/0 otherwise. */
typedef struct cchc_error {
  cchc_status code;
  int has_offset;
  size_t offset;
  unsigned line;
  char path[256];
  char message[512];
} cchc_error;

/* Short English name of a status ("encoding error", ...).  Static storage. */
const char *cchc_status_name(cchc_status status);

/* ------------------------------------------------------------------ */
/* normalize: decode and canonicalize                                  */

/* Input encodings.  CCHC_ENC_AUTO detects: a BOM (UTF-8, UTF-16LE/BE),
 * else UTF-8 when the bytes contain valid multi-byte UTF-8 or are pure ASCII,
 * else Windows-1258. */
typedef enum cchc_encoding {
  CCHC_ENC_AUTO = 0,
  CCHC_ENC_UTF8,
  CCHC_ENC_UTF16LE,
  CCHC_ENC_UTF16BE,
  CCHC_ENC_CP1258
} cchc_encoding;

/* Name of an encoding as reported in frames ("utf-8", "utf-16le", ...). */
const char *cchc_encoding_name(cchc_encoding enc);
/* Parse a name ("utf-8", "utf8", "utf-16le", "windows-1258", "cp1258").
 * Returns CCHC_OK and sets *enc, or CCHC_ERR_UNSUPPORTED. */
cchc_status cchc_encoding_parse(const char *name, cchc_encoding *enc);

/* Flags of cchc_normalize_options.flags. */
enum {
  /* Replace invalid byte sequences with U+FFFD instead of failing. */
  CCHC_NORM_REPAIR = 1u << 0,
  /* Skip layout repair (line rejoining, page numbers, Markdown); only decode
   * and canonicalize characters. */
  CCHC_NORM_NO_LAYOUT = 1u << 1
};

typedef struct cchc_normalize_options {
  unsigned flags;
  cchc_encoding encoding; /* CCHC_ENC_AUTO to detect */
  size_t max_bytes;       /* 0 means CCHC_DEFAULT_MAX_BYTES */
} cchc_normalize_options;

/* Inputs above this size are rejected (offsets are kept in 32 bits). */
#define CCHC_DEFAULT_MAX_BYTES ((size_t)1 << 30)

/* Kinds of repair the normalizer makes; each is counted and listed. */
typedef enum cchc_repair_kind {
  CCHC_REPAIR_BOM = 0,        /* byte-order mark removed */
  CCHC_REPAIR_INVALID_BYTES,  /* invalid sequence replaced by U+FFFD */
  CCHC_REPAIR_CONTROL,        /* control character removed */
  CCHC_REPAIR_NFC,            /* text recomposed to NFC */
  CCHC_REPAIR_TONE_MARK,      /* tone mark moved (hoá -> hóa) */
  CCHC_REPAIR_LOOKALIKE,      /* look-alike letter mapped (Ð -> Đ) */
  CCHC_REPAIR_SPACE,          /* NBSP/zero-width/odd space made plain or removed */
  CCHC_REPAIR_PUNCT,          /* dash or quotation mark unified */
  CCHC_REPAIR_LINE_JOIN,      /* wrapped line rejoined */
  CCHC_REPAIR_HYPHEN_JOIN,    /* line wrapped after a hyphen rejoined without space */
  CCHC_REPAIR_PAGE_NUMBER,    /* page number or footnote digit line dropped */
  CCHC_REPAIR_MARKDOWN,       /* Markdown marker removed */
  CCHC_REPAIR_WHITESPACE,     /* leading/trailing/repeated blanks removed */
  CCHC_REPAIR_KIND_COUNT
} cchc_repair_kind;

/* Stable identifier of a repair kind ("line-join", ...).  Static storage. */
const char *cchc_repair_kind_name(cchc_repair_kind kind);

/* A normalized text: canonical UTF-8 plus, for every canonical byte, the
 * byte offset in the original input it came from. */
typedef struct cchc_text cchc_text;

/* Decode and canonicalize `len` bytes of `input`.  On success *out owns a
 * new text (free with cchc_text_free).  Empty input gives an empty text. */
cchc_status cchc_normalize(const char *input, size_t len,
                           const cchc_normalize_options *options,
                           cchc_text **out, cchc_error *err);

void cchc_text_free(cchc_text *text);

/* Canonical text, NUL-terminated, and its length in bytes. */
const char *cchc_text_data(const cchc_text *text);
size_t cchc_text_len(const cchc_text *text);
/* Size of the original input in bytes and the encoding it was read in. */
size_t cchc_text_source_len(const cchc_text *text);
cchc_encoding cchc_text_encoding(const cchc_text *text);

/* Original byte offset of canonical byte `offset`.  `offset` may equal
 * cchc_text_len(), which maps to the source length.  Monotonic
 * (non-decreasing) in `offset`. */
size_t cchc_text_source_offset(const cchc_text *text, size_t offset);
/* Map the canonical span [start, end) to the smallest original span that
 * covers it; writes *src_start and *src_end. */
void cchc_text_source_span(const cchc_text *text, size_t start, size_t end,
                           size_t *src_start, size_t *src_end);

/* Repairs made: how many of one kind, and the list in input order. */
size_t cchc_text_repair_count(const cchc_text *text, cchc_repair_kind kind);
size_t cchc_text_repairs(const cchc_text *text);
/* The i-th repair: its kind, the original byte offset it applies to, and a
 * short description (owned by the text). */
void cchc_text_repair_at(const cchc_text *text, size_t i,
                         cchc_repair_kind *kind, size_t *source_offset,
                         const char **detail);

/* Diacritic-, case- and punctuation-insensitive match key of a UTF-8 string,
 * made with utf8proc: "Văn hoá – Xã hội" and "van hoa - xa hoi" both give
 * "van hoa - xa hoi".  Returns a malloc'd NUL-terminated string the caller
 * frees with free(), or NULL with *err filled. */
char *cchc_match_key(const char *s, size_t len, cchc_error *err);


/* ------------------------------------------------------------------ */
/* Rules: PCRE2 patterns kept as data in rules/ (*.rules files), compiled once
 * with JIT.  See rules/README.md for the file format. */
typedef struct cchc_rules cchc_rules;

/* Load and compile every *.rules file and the taxonomy *.tsv files of
 * directory `dir`.  On error err->path and err->line name the file and
 * line at fault.  On success *out owns the rule set (cchc_rules_free). */
cchc_status cchc_rules_load(const char *dir, cchc_rules **out,
                            cchc_error *err);
void cchc_rules_free(cchc_rules *rules);
/* Number of compiled rules. */
size_t cchc_rules_count(const cchc_rules *rules);

/* Called once per failing example by cchc_rules_test. */
typedef void (*cchc_rules_report_fn)(void *ctx, const char *path,
                                     size_t line, const char *rule_id,
                                     const char *message);
/* Run every positive and negative example of every rule.  Returns the
 * number of failing examples; *examples (if non-NULL) gets the number
 * run. */
size_t cchc_rules_test(const cchc_rules *rules, cchc_rules_report_fn report,
                       void *ctx, size_t *examples);

/* ------------------------------------------------------------------ */
/* Extraction: a task frame (document metadata, references, sections,
 * targets, deadlines, tasks, leads) from a normalized text.  Every value
 * keeps its byte span in the original input and the id of its rule. */
typedef struct cchc_frame cchc_frame;

/* Extract a frame from `text` with `rules`.  The frame copies what it
 * needs: it does not borrow from `text` or `rules`.  `path` (may be NULL)
 * and the original `input` bytes fill the frame's source record (path,
 * SHA-256, size).  On success *out owns the frame (cchc_frame_free). */
cchc_status cchc_extract(const cchc_rules *rules, const cchc_text *text,
                         const char *path, const char *input, size_t len,
                         cchc_frame **out, cchc_error *err);
void cchc_frame_free(cchc_frame *frame);

/* ------------------------------------------------------------------ */
/* Emit: one walk of the frame; only syntax and escaping differ per
 * format. */
typedef enum cchc_format {
  CCHC_FORMAT_JSON = 0, /* one pretty-printed JSON document */
  CCHC_FORMAT_JSONL,    /* one JSON document on one line */
  CCHC_FORMAT_XML,      /* one XML document (libxml2 writer) */
  CCHC_FORMAT_CSV       /* one row per target (RFC 4180) */
} cchc_format;

/* Parse "json", "jsonl", "xml", "csv"; returns false if unknown. */
bool cchc_format_parse(const char *name, cchc_format *out);

enum {
  /* CSV: start with a UTF-8 BOM and the header row. */
  CCHC_RENDER_CSV_HEADER = 1u << 0
};

/* Render `frame` in `format` into a new buffer: *out (NUL-terminated, to
 * be freed with free()) and *len. */
cchc_status cchc_render(const cchc_frame *frame, cchc_format format,
                        unsigned flags, char **out, size_t *len,
                        cchc_error *err);

/* The published schema of the frame: a JSON Schema ("json") or an XSD
 * ("xml").  Static storage; NULL for an unknown name. */
const char *cchc_schema(const char *name);

/* ------------------------------------------------------------------ */
/* Evaluation: frames scored against hand annotations (gold files in the
 * format of ../shared/gold/FORMAT.md), GROBID-style: counts are kept per
 * document and micro-averaged over all documents.
 *
 * Text matching folds both sides with cchc_match_key (case, diacritics,
 * tone-mark placement, runs of white space); two texts overlap when one
 * contains the other or they share a common substring at least half as long
 * as the shorter.  Items match one to one, greedily: each predicted item in
 * frame order takes the free gold item it matches best (containment first,
 * then the longest common substring; ties: the earliest).
 * - targets: value equal and predicted "text" / gold "quote" overlap;
 *   over matched targets, accuracy of comparator, indicator and area.
 * - references: number equal without white space; then date accuracy.
 * - document fields: accuracy of each over documents (place and province
 *   by match key; numbers without white space; null equals null).
 * - deadlines: (kind, start, end) triples as multisets.
 * - leads: (area, unit) pairs as multisets; a unit without key is
 *   "name:" + its text.
 * - tasks: texts overlap; over matched tasks, lead accuracy (same set of
 *   units), coordinator P/R/F1 (micro over units) and deadline accuracy
 *   (the task's deadline id resolved in the frame; null equals null).
 *
 * Metric names for cchc_eval_score: P/R/F1 metrics "targets",
 * "references", "deadlines", "leads", "tasks", "tasks.coordinators" take a
 * suffix ".precision", ".recall", ".f1", ".tp", ".fp" or ".fn"; accuracy
 * metrics "targets.comparator", "targets.indicator", "targets.area",
 * "references.date", "document.kind", "document.level", "document.place",
 * "document.province", "document.year", "document.period",
 * "document.number", "document.date", "document.parent.number",
 * "document.parent.date", "tasks.lead", "tasks.deadline" give the accuracy
 * by themselves and take ".accuracy", ".correct" or ".total". */
typedef struct cchc_eval cchc_eval;

/* A new, empty evaluation; NULL when out of memory. */
cchc_eval *cchc_eval_new(void);
void cchc_eval_free(cchc_eval *ev);

/* Score one document and add its counts.  `frame_json` is a frame as
 * cchc_render writes it (JSON or JSONL, "schema": "cchc/1"); `gold_json`
 * a gold file.  `name` (may be NULL) labels the document in the results.
 * On failure nothing is added and *err says why: err->path is "gold" or
 * "frame", naming the input at fault, and for a JSON syntax error
 * err->line and err->offset locate it in that input. */
cchc_status cchc_eval_add(cchc_eval *ev, const char *name,
                          const char *frame_json, size_t frame_len,
                          const char *gold_json, size_t gold_len,
                          cchc_error *err);

/* Number of documents added, and the name of the i-th. */
size_t cchc_eval_documents(const cchc_eval *ev);
const char *cchc_eval_document_name(const cchc_eval *ev, size_t i);

/* A metric by name (see above), micro-averaged over all documents; NaN
 * when it is undefined (nothing to count) or the name is unknown. */
double cchc_eval_score(const cchc_eval *ev, const char *metric);
/* The same metric for the i-th document alone. */
double cchc_eval_document_score(const cchc_eval *ev, size_t i,
                                const char *metric);

/* The results as a text table (metric, P, R, F1 or accuracy, counts), or
 * as JSON ({"schema":"cchc-eval/1","documents","metrics":{...},
 * "per_document":[{"name","metrics","diffs"}]}, undefined values null;
 * "diffs" lists every missed, spurious or wrong item).  *out is
 * NUL-terminated and freed with free(). */
cchc_status cchc_eval_render_table(const cchc_eval *ev, char **out,
                                   cchc_error *err);
cchc_status cchc_eval_render_json(const cchc_eval *ev, char **out,
                                  cchc_error *err);

#ifdef __cplusplus
}
#endif
#endif /* CCHC_H */
