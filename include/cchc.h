/* cchc.h: the one public header of libcchc.
 *
 * libcchc turns Vietnamese administrative-reform plans (Kế hoạch cải cách
 * hành chính) into data.  The pipeline has stages, one folder each:
 * normalize (decode + canonical text + offset map), extract (rules as data;
 * the frame and its read API), emit (JSON, XML, CSV), corpus (store,
 * compare, audit, report) and eval (scores against gold).  cchc_process
 * (pipeline/) is the one call that turns a plan's bytes into a frame.
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
 *
 * Threads
 * - The library keeps no mutable global state; what it sets up once per
 *   process (libxml2's initialisation, ICU's and OpenSSL's tables) is set
 *   up thread-safely by whichever thread comes first.  Calls on different
 *   objects may run in different threads at the same time.
 * - A cchc_rules may be shared: once cchc_rules_load has returned it is
 *   only read, so any number of threads may pass it to cchc_process (or
 *   cchc_rules_test) at once.  Free it after the last of them returns.
 * - Every other object (cchc_text, cchc_frame, cchc_store, cchc_eval,
 *   cchc_compare, cchc_audit) is used by one thread at a time: one thread
 *   may make a frame and hand it to another, but two threads must not use
 *   it at once without a lock of their own, even to read it.  A store is
 *   an SQLite connection: open one per thread, or keep it on one thread.
 * - u_cleanup (ICU) and xmlCleanupParser (libxml2), if the program calls
 *   them, come after every other thread has finished with the library.
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
  CCHC_NORM_NO_LAYOUT = 1u << 1,
  /* Keep the text only, for a caller that writes it out: no map back to
   * the input (cchc_text_source_offset and cchc_text_source_span say 0)
   * and no list of repairs (cchc_text_repairs is 0; they are counted
   * still), which a long input would hold as long as the text.
   * cchc_process, whose frame needs the map, ignores it. */
  CCHC_NORM_TEXT_ONLY = 1u << 2,
  /* Count the repairs, and how long their list would be
   * (cchc_text_repairs), without listing them (not for a text that
   * cchc_text_repair_at is asked about): what cchc_process records, while
   * a list of a long input's repairs would be megabytes. */
  CCHC_NORM_NO_REPAIR_LIST = 1u << 3
};

typedef struct cchc_normalize_options {
  unsigned flags;
  cchc_encoding encoding; /* CCHC_ENC_AUTO to detect */
  size_t max_bytes;       /* 0 means CCHC_DEFAULT_MAX_BYTES; at most 2 GiB
                             less 2 bytes, whatever is asked */
  /* Called with input_done_arg once the input is decoded, as it is read
   * no more (NULL: no call): its owner may release it there rather than
   * hold it through layout and extraction, as large as the text.  Errors
   * after the call carry no offset into the input. */
  void (*input_done)(void *arg);
  void *input_done_arg;
  /* Called with input_read_arg and an offset as decoding moves on (NULL:
   * no call): the input before the offset has been read, and is read again
   * only when decoding starts over from the beginning (then the offsets
   * start again from there).  Its owner may give back the memory of those
   * bytes if they read the same again: the pages of a file mapping
   * (madvise MADV_DONTNEED), so that the input is never resident whole. */
  void (*input_read)(void *arg, size_t offset);
  void *input_read_arg;
} cchc_normalize_options;

/* Inputs above this size are rejected (offsets are kept in 32 bits, those
 * in the input in 31). */
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

/* SHA-256 of data[0..len) as 64 lowercase hex digits and a NUL, the
 * content hash that frames and the store use. */
cchc_status cchc_sha256_hex(const char *data, size_t len, char out[65],
                            cchc_error *err);

/* Diacritic-, case- and punctuation-insensitive match key of a UTF-8 string,
 * made with utf8proc: "Văn hoá – Xã hội" and "van hoa - xa hoi" both give
 * "van hoa - xa hoi".  Returns a malloc'd NUL-terminated string the caller
 * frees with free(), or NULL with *err filled. */
char *cchc_match_key(const char *s, size_t len, cchc_error *err);


/* ------------------------------------------------------------------ */
/* Rules: PCRE2 patterns kept as data in rules/ (*.rules files), compiled once
 * (JIT at each pattern's first match).  See rules/README.md for the file
 * format. */
typedef struct cchc_rules cchc_rules;

/* Load and compile every *.rules file, the taxonomy *.tsv files and
 * indicators.concepts of directory `dir`.  On error err->path and err->line name the file and
 * line at fault.  A directory lacking the rules an extractor needs (no
 * section.*, area.*, meta.*, ref.*, target.*, deadline.*, task.* or unit.*
 * rule, or no indicators.concepts) is CCHC_ERR_RULES naming the file.  On success *out owns the rule set (cchc_rules_free). */
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
/* The pipeline in one call: decode, normalize and extract a plan into a
 * task frame (document metadata, references, sections, targets,
 * deadlines, tasks, leads).  Every value keeps its byte span in the
 * original input and the id of its rule. */
typedef struct cchc_frame cchc_frame;

typedef struct cchc_process_options {
  cchc_normalize_options normalize; /* decoding and layout, as for
                                       cchc_normalize */
  const char *path;   /* the frame's source path; NULL for standard input */
  const char *sha256; /* the input's SHA-256 (cchc_sha256_hex) when the
                         caller has computed it already, else NULL: the
                         input is hashed once, here or there */
} cchc_process_options;

/* Normalize `len` bytes of `bytes` and extract their frame with `rules`;
 * `options` may be NULL (detect the encoding, no repair, no path).  The
 * frame records its source: path, SHA-256, size, encoding and the number
 * of repairs; it borrows nothing from the input or the rules.  Errors of
 * the input (encoding, binary, too large) are cchc_normalize's, with their
 * byte offsets into `bytes`.  On success *frame owns a new frame
 * (cchc_frame_free). */
cchc_status cchc_process(const cchc_rules *rules, const char *bytes,
                         size_t len, const cchc_process_options *options,
                         cchc_frame **frame, cchc_error *err);
void cchc_frame_free(cchc_frame *frame);
/* cchc_process in two steps, for a caller that normalizes its first
 * inputs while its rules still load (cchc extract on several threads):
 * cchc_process_normalize decodes, normalizes and hashes the input into
 * *out (it needs no rules; `options` and its path must live until the
 * second step), cchc_process_extract extracts its frame and frees it,
 * whatever it returns.  The two give what cchc_process gives, errors
 * included.  cchc_prepared_free frees one not extracted. */
typedef struct cchc_prepared cchc_prepared;
cchc_status cchc_process_normalize(const char *bytes, size_t len,
                                   const cchc_process_options *options,
                                   cchc_prepared **out, cchc_error *err);
cchc_status cchc_process_extract(const cchc_rules *rules,
                                 cchc_prepared *prepared, cchc_frame **frame,
                                 cchc_error *err);
void cchc_prepared_free(cchc_prepared *prepared);

/* ------------------------------------------------------------------ */
/* Reading a frame, as cmark reads its tree: typed accessors on opaque
 * items.  A frame holds arrays of items (references, sections, targets,
 * deadlines, tasks, leads, inconsistencies); each array is read with a
 * count and an index (`cchc_frame_targets(f)`, `cchc_frame_target_at(f,
 * i)`), which is how a loop walks it:
 *
 *     for (size_t i = 0; i < cchc_frame_targets(f); i++) {
 *       const cchc_frame_target *t = cchc_frame_target_at(f, i);
 *       ... cchc_frame_target_indicator(t) ...
 *     }
 *
 * An item refers to another by its index in the other array (a task's
 * deadline, a target's section), CCHC_NONE when there is none; *_at
 * returns NULL for an index out of range, CCHC_NONE included, so
 * `cchc_frame_deadline_at(f, cchc_frame_task_deadline(t))` is the task's
 * deadline or NULL.  Strings are NULL when unknown; they and the items are
 * owned by the frame and live until cchc_frame_free. */

/* A byte span [start, end) in the original input. */
typedef struct cchc_span {
  size_t start, end;
} cchc_span;

/* "No item": an index that refers to nothing. */
#define CCHC_NONE ((size_t)-1)

/* A target's comparator (the frame's "comparator" string). */
typedef enum cchc_comparator {
  CCHC_CMP_GE = 0, /* ">=": at least value */
  CCHC_CMP_GT,     /* ">": more than value */
  CCHC_CMP_LE,     /* "<=": at most value (an upper limit) */
  CCHC_CMP_EQ,     /* "=": value as written ("đạt 100%") */
  CCHC_CMP_RANGE,  /* "range": value to value_max */
  CCHC_CMP_NONE    /* none of these (only rules that set another can
                      give it; the frame's JSON would then be invalid) */
} cchc_comparator;

/* What a target's value counts (the frame's "unit" string). */
typedef enum cchc_unit {
  CCHC_UNIT_PERCENT = 0, /* "%" */
  CCHC_UNIT_COUNT,       /* "count": a number of things */
  CCHC_UNIT_NONE         /* none of these (as CCHC_CMP_NONE) */
} cchc_unit;

/* What a deadline says (the frame's deadline "kind" string). */
typedef enum cchc_deadline_kind {
  CCHC_DEADLINE_DATE = 0,    /* "date": a day */
  CCHC_DEADLINE_MONTH,       /* "month" */
  CCHC_DEADLINE_QUARTER,     /* "quarter" */
  CCHC_DEADLINE_HALF,        /* "half": a half year */
  CCHC_DEADLINE_YEAR,        /* "year" */
  CCHC_DEADLINE_RANGE,       /* "range": from start to end */
  CCHC_DEADLINE_RECURRING,   /* "recurring": monthly, quarterly, ... */
  CCHC_DEADLINE_CONTINUOUS,  /* "continuous": "thường xuyên" */
  CCHC_DEADLINE_CONDITIONAL, /* "conditional": when something happens */
  CCHC_DEADLINE_NONE         /* none of these (as CCHC_CMP_NONE) */
} cchc_deadline_kind;

/* The frame's string of a value (">=", "%", "quarter"), NULL for *_NONE;
 * and the value of a string, false (and *out untouched) when unknown. */
const char *cchc_comparator_name(cchc_comparator c);
bool cchc_comparator_parse(const char *name, cchc_comparator *out);
const char *cchc_unit_name(cchc_unit u);
bool cchc_unit_parse(const char *name, cchc_unit *out);
const char *cchc_deadline_kind_name(cchc_deadline_kind k);
bool cchc_deadline_kind_parse(const char *name, cchc_deadline_kind *out);

/* Read a frame back from its JSON, as cchc_render writes it (JSON or
 * JSONL, "schema": "cchc/1"), e.g. from the store or a file.  This is the
 * one reader of frame JSON.  Members may be left out: they are read as
 * null, empty arrays, 0, false or *_NONE, except a target's "value".  A
 * member of the wrong type, a comparator, unit or deadline kind the schema
 * does not list, or a year that is not an integer (or a string of digits)
 * is an error naming it ("frame targets[0]: \"value\" must be a number,
 * not a string").  Ids of sections, targets and deadlines resolve to the
 * first item with that id; an id that names no item reads as none.  For a
 * JSON syntax error err->line and err->offset locate it.  On success *out
 * owns the frame (cchc_frame_free). */
cchc_status cchc_frame_from_json(const char *json, size_t len,
                                 cchc_frame **out, cchc_error *err);

/* Source: the path given to cchc_process (NULL for standard input), the
 * SHA-256 of the input (64 hex digits; NULL when unknown), its size, the
 * encoding it was read in and the number of repairs normalize made. */
const char *cchc_frame_path(const cchc_frame *f);
const char *cchc_frame_sha256(const cchc_frame *f);
size_t cchc_frame_bytes(const cchc_frame *f);
const char *cchc_frame_encoding(const cchc_frame *f);
size_t cchc_frame_repairs(const cchc_frame *f);

/* Document fields.  Dates are ISO (YYYY-MM-DD), the year a decimal
 * string; each known field has the span where it was found and the id of
 * the rule that found it. */
typedef enum cchc_doc_field {
  CCHC_DOC_KIND = 0,    /* "ke_hoach", "quyet_dinh" */
  CCHC_DOC_LEVEL,       /* "commune", "ward", "district", "province",
                           "city", "ministry" */
  CCHC_DOC_PLACE,
  CCHC_DOC_PROVINCE,
  CCHC_DOC_YEAR,
  CCHC_DOC_PERIOD_START,
  CCHC_DOC_PERIOD_END,
  CCHC_DOC_NUMBER,      /* "228/KH-UBND" */
  CCHC_DOC_DATE,
  CCHC_DOC_TITLE,
  CCHC_DOC_SIGNER,
  CCHC_DOC_PARENT_NUMBER, /* the plan this one carries out */
  CCHC_DOC_PARENT_DATE,
  CCHC_DOC_FIELD_COUNT
} cchc_doc_field;

/* "kind", "level", ..., "period_start", ..., "parent_date" (the names of
 * the frame's "provenance"); NULL for an unknown field. */
const char *cchc_doc_field_name(cchc_doc_field field);
const char *cchc_frame_document(const cchc_frame *f, cchc_doc_field field);
cchc_span cchc_frame_document_span(const cchc_frame *f,
                                   cchc_doc_field field);
const char *cchc_frame_document_rule(const cchc_frame *f,
                                     cchc_doc_field field);

/* Whether a frame carries out the plan numbered `parent_number`: its
 * parent number equals it, ignoring white space and ASCII case
 * ("228/KH-UBND" = "228/kh-ubnd"). */
bool cchc_frame_carries_out(const cchc_frame *f, const char *parent_number);

/* References to other documents, each once, in order of first mention. */
typedef struct cchc_frame_reference cchc_frame_reference;
size_t cchc_frame_references(const cchc_frame *f);
const cchc_frame_reference *cchc_frame_reference_at(const cchc_frame *f,
                                                    size_t i);
const char *cchc_frame_reference_number(const cchc_frame_reference *r);
const char *cchc_frame_reference_kind(const cchc_frame_reference *r);
const char *cchc_frame_reference_date(const cchc_frame_reference *r);
const char *cchc_frame_reference_issuer(const cchc_frame_reference *r);
cchc_span cchc_frame_reference_span(const cchc_frame_reference *r);
const char *cchc_frame_reference_rule(const cchc_frame_reference *r);
/* Every mention, the first included. */
size_t cchc_frame_reference_mentions(const cchc_frame_reference *r);
cchc_span cchc_frame_reference_mention_at(const cchc_frame_reference *r,
                                          size_t i);

/* Sections in document order; the first may be the document root. */
typedef struct cchc_frame_section cchc_frame_section;
size_t cchc_frame_sections(const cchc_frame *f);
const cchc_frame_section *cchc_frame_section_at(const cchc_frame *f,
                                                size_t i);
const char *cchc_frame_section_id(const cchc_frame_section *s);
/* The number without the punctuation that prints it ("II" of "II." or
 * "II -", "1.1", "a" of "a)"); NULL for the root and for a heading without
 * one ("PHỤ LỤC"). */
const char *cchc_frame_section_number(const cchc_frame_section *s);
const char *cchc_frame_section_heading(const cchc_frame_section *s);
const char *cchc_frame_section_area(const cchc_frame_section *s);
int cchc_frame_section_level(const cchc_frame_section *s);
size_t cchc_frame_section_parent(const cchc_frame_section *s);
cchc_span cchc_frame_section_span(const cchc_frame_section *s);
const char *cchc_frame_section_rule(const cchc_frame_section *s);

/* Targets: quantified commitments ("tối thiểu 98%"). */
typedef struct cchc_frame_target cchc_frame_target;
size_t cchc_frame_targets(const cchc_frame *f);
const cchc_frame_target *cchc_frame_target_at(const cchc_frame *f, size_t i);
const char *cchc_frame_target_id(const cchc_frame_target *t);
size_t cchc_frame_target_section(const cchc_frame_target *t);
const char *cchc_frame_target_area(const cchc_frame_target *t);
const char *cchc_frame_target_indicator(const cchc_frame_target *t);
const char *cchc_frame_target_subject(const cchc_frame_target *t);
/* The clause that states it. */
const char *cchc_frame_target_text(const cchc_frame_target *t);
cchc_comparator cchc_frame_target_comparator(const cchc_frame_target *t);
double cchc_frame_target_value(const cchc_frame_target *t);
/* The upper bound of a range; NaN when the target has none. */
double cchc_frame_target_value_max(const cchc_frame_target *t);
cchc_unit cchc_frame_target_unit(const cchc_frame_target *t);
/* The number with its comparator. */
cchc_span cchc_frame_target_span(const cchc_frame_target *t);
const char *cchc_frame_target_rule(const cchc_frame_target *t);

/* Deadlines: when tasks are due. */
typedef struct cchc_frame_deadline cchc_frame_deadline;
size_t cchc_frame_deadlines(const cchc_frame *f);
const cchc_frame_deadline *cchc_frame_deadline_at(const cchc_frame *f,
                                                  size_t i);
const char *cchc_frame_deadline_id(const cchc_frame_deadline *d);
const char *cchc_frame_deadline_text(const cchc_frame_deadline *d);
cchc_deadline_kind cchc_frame_deadline_kind(const cchc_frame_deadline *d);
/* First and last day (ISO), NULL when open or unknown. */
const char *cchc_frame_deadline_start(const cchc_frame_deadline *d);
const char *cchc_frame_deadline_end(const cchc_frame_deadline *d);
/* "monthly", "quarterly", ... for recurring deadlines, else NULL. */
const char *cchc_frame_deadline_recurrence(const cchc_frame_deadline *d);
/* The year was not written and was taken from the plan. */
bool cchc_frame_deadline_year_inferred(const cchc_frame_deadline *d);
cchc_span cchc_frame_deadline_span(const cchc_frame_deadline *d);
const char *cchc_frame_deadline_rule(const cchc_frame_deadline *d);

/* A unit named as lead or coordinator: its taxonomy key (NULL when the
 * unit is not listed), canonical name and text as printed. */
typedef struct cchc_frame_unit cchc_frame_unit;
const char *cchc_frame_unit_key(const cchc_frame_unit *u);
const char *cchc_frame_unit_name(const cchc_frame_unit *u);
const char *cchc_frame_unit_text(const cchc_frame_unit *u);
cchc_span cchc_frame_unit_span(const cchc_frame_unit *u);

/* Tasks: who does what, by when. */
typedef struct cchc_frame_task cchc_frame_task;
size_t cchc_frame_tasks(const cchc_frame *f);
const cchc_frame_task *cchc_frame_task_at(const cchc_frame *f, size_t i);
const char *cchc_frame_task_id(const cchc_frame_task *t);
size_t cchc_frame_task_section(const cchc_frame_task *t);
const char *cchc_frame_task_area(const cchc_frame_task *t);
const char *cchc_frame_task_text(const cchc_frame_task *t);
/* Lead units, and where they came from: NULL (the task names them) or
 * "area" (the lead of the task's area). */
size_t cchc_frame_task_leads(const cchc_frame_task *t);
const cchc_frame_unit *cchc_frame_task_lead_at(const cchc_frame_task *t,
                                               size_t i);
const char *cchc_frame_task_lead_from(const cchc_frame_task *t);
size_t cchc_frame_task_coordinators(const cchc_frame_task *t);
const cchc_frame_unit *
cchc_frame_task_coordinator_at(const cchc_frame_task *t, size_t i);
size_t cchc_frame_task_deadline(const cchc_frame_task *t);
const char *cchc_frame_task_products(const cchc_frame_task *t);
const char *cchc_frame_task_budget(const cchc_frame_task *t);
size_t cchc_frame_task_target(const cchc_frame_task *t);
cchc_span cchc_frame_task_span(const cchc_frame_task *t);
const char *cchc_frame_task_rule(const cchc_frame_task *t);

/* Leads: the unit that leads an area ("Chủ trì ... cải cách thể chế"). */
typedef struct cchc_frame_lead cchc_frame_lead;
size_t cchc_frame_leads(const cchc_frame *f);
const cchc_frame_lead *cchc_frame_lead_at(const cchc_frame *f, size_t i);
const char *cchc_frame_lead_area(const cchc_frame_lead *l);
const cchc_frame_unit *cchc_frame_lead_unit(const cchc_frame_lead *l);
const char *cchc_frame_lead_text(const cchc_frame_lead *l);
cchc_span cchc_frame_lead_span(const cchc_frame_lead *l);
const char *cchc_frame_lead_rule(const cchc_frame_lead *l);

/* Inconsistencies: one indicator stated twice with different values; the
 * two targets by index. */
typedef struct cchc_frame_inconsistency cchc_frame_inconsistency;
size_t cchc_frame_inconsistencies(const cchc_frame *f);
const cchc_frame_inconsistency *
cchc_frame_inconsistency_at(const cchc_frame *f, size_t i);
const char *
cchc_frame_inconsistency_indicator(const cchc_frame_inconsistency *c);
size_t cchc_frame_inconsistency_first(const cchc_frame_inconsistency *c);
size_t cchc_frame_inconsistency_second(const cchc_frame_inconsistency *c);

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

/* Where cchc_render_to writes: called with each piece of the output, in
 * order; returns false when the piece could not be written. */
typedef bool (*cchc_write_fn)(void *ctx, const char *data, size_t len);

/* Render `frame` in `format` to `write` as the walk of the frame goes,
 * never holding the whole text (pieces of up to 16 KB; the same bytes as
 * cchc_render).  An inconsistent frame (CCHC_ERR_INVALID) fails before
 * anything is written; once `write` refuses a piece nothing more is
 * written and the call fails with CCHC_ERR_IO.  Running out of memory
 * midway (CCHC_ERR_NOMEM) may leave part of the text written. */
cchc_status cchc_render_to(const cchc_frame *frame, cchc_format format,
                           unsigned flags, cchc_write_fn write, void *ctx,
                           cchc_error *err);

/* Render `frame` in `format` into a new buffer: *out (NUL-terminated, to
 * be freed with free()) and *len. */
cchc_status cchc_render(const cchc_frame *frame, cchc_format format,
                        unsigned flags, char **out, size_t *len,
                        cchc_error *err);

/* The caller's buffer that documents are rendered into one after the
 * other (cchc_render_buffered): handed whole to `write` each time it is
 * full, so that a stream of many documents leaves in pieces of about
 * `cap` bytes (a value longer than the buffer goes alone) without a copy
 * into a buffer of the caller's own (as cchc_render_to's pieces would
 * be); cchc_render_flush writes what is left.  Set data, cap (1 kB at
 * least), write and ctx, the rest 0. */
typedef struct cchc_render_buffer {
  char *data;
  size_t cap;
  size_t len; /* bytes held, not written yet */
  cchc_write_fn write;
  void *ctx;
  bool failed; /* `write` refused a piece: nothing more is written */
  bool wrote;  /* a piece was handed to `write` (the caller may clear it) */
} cchc_render_buffer;

/* cchc_render_to into `buf`, after what it holds: the same bytes.  A
 * document that fails before a piece of it was written leaves the buffer
 * as it was; after a piece was, the rest is dropped. */
cchc_status cchc_render_buffered(const cchc_frame *frame, cchc_format format,
                                 unsigned flags, cchc_render_buffer *buf,
                                 cchc_error *err);
/* Hand what `buf` holds to its `write`: CCHC_ERR_IO when it refused a
 * piece, now or before. */
cchc_status cchc_render_flush(cchc_render_buffer *buf, cchc_error *err);

/* The published schema of the frame: a JSON Schema ("json") or an XSD
 * ("xml").  Static storage; NULL for an unknown name. */
const char *cchc_schema(const char *name);

/* ------------------------------------------------------------------ */
/* Compare and audit: plans side by side, and a commune's plan checked
 * against the plan it carries out.  cchc_compare_new and cchc_audit_new
 * read frames (from cchc_process, or cchc_frame_from_json) and point into
 * them: free the frames after the comparison or audit.  cchc_compare_write
 * and cchc_audit_write read the store's tables instead and write the
 * same output as they make it, in memory that does not grow with the
 * number of plans.  Targets line up by indicator key;
 * a target without one ("unclassified") lines up by its subject instead:
 * compare gives it a row of its own, shared with the targets of other
 * plans whose subject is similar, and the audit looks among them for a
 * counterpart the indicators did not find.
 *
 * Similar subjects: the subject as the extractor found it (list marker
 * off; the clause when the subject has fewer than two words that carry
 * meaning), as the set of syllables of its match key without numbers and
 * without function and comparator words ("các", "của", "tỷ lệ", "đạt",
 * "tối thiểu"); two are similar when their Jaccard index (shared syllables
 * over all syllables) is at least CCHC_SUBJECT_SIMILAR. */
#define CCHC_SUBJECT_SIMILAR 0.5

/* One target in plain terms.  `count` is true for unit "count", false for
 * "%". */
typedef struct cchc_target {
  cchc_comparator comparator;
  double value;
  double value_max; /* CCHC_CMP_RANGE only */
  bool count;
} cchc_target;

/* A frame's target in plain terms; value_max is the value when the target
 * has no upper bound. */
cchc_target cchc_frame_target_plain(const cchc_frame_target *t);

/* The target in plain form, as a person writes it: "≥ 98%", "> 70%",
 * "≤ 5%", "= 100%", "95–100%", "≥ 2" (counts carry no unit).  Writes at
 * most `size` bytes (NUL included) and returns the length it needed, like
 * snprintf. */
size_t cchc_target_format(const cchc_target *t, char *buf, size_t size);

/* Does `plan` guarantee less than `parent`?  Units must agree (% with %,
 * count with count); targets in different units are not comparable and
 * give false.
 * - A parent with a floor (>=, >, =, range) sets a guaranteed lower bound:
 *   >= v and = v and range v–w guarantee v (closed), > v guarantees just
 *   above v (open); <= sets no floor at all.  The plan is lower when its
 *   floor is below the parent's, or equal but open where the parent's is
 *   closed.  So ">= 95" vs ">= 98" is lower, "> 70" vs ">= 70" is not,
 *   ">= 70" vs "> 70" is, "95–100" vs ">= 98" is, "= 100" vs ">= 100" is
 *   not, and "<= 100" vs ">= 98" is (it guarantees no floor).
 * - A parent "<= v" is an upper limit on something that should stay small
 *   (late files, complaints): the plan falls short when its guaranteed
 *   ceiling is higher.  "<= w", "= w" and "range u–w" guarantee w; ">=" and
 *   ">" guarantee no ceiling.  So "<= 5" vs "<= 2" is lower, "= 1" vs
 *   "<= 2" is not, ">= 1" vs "<= 2" is. */
bool cchc_target_lower(const cchc_target *plan, const cchc_target *parent);

/* Document numbers ("228/KH-UBND") are equal ignoring white space and ASCII
 * case; false when either is NULL. */
bool cchc_number_equal(const char *a, const char *b);

/* Output of compare and audit: an aligned text table, CSV (RFC 4180, UTF-8
 * BOM, header row, CRLF) or JSON. */
typedef enum cchc_report_format {
  CCHC_REPORT_TABLE = 0,
  CCHC_REPORT_CSV,
  CCHC_REPORT_JSON
} cchc_report_format;

/* Parse "table", "csv", "json"; false if unknown. */
bool cchc_report_format_parse(const char *name, cchc_report_format *out);

/* Where output written as it is made goes (cchc_compare_write,
 * cchc_audit_write): `write` gets the text in pieces, in order, and returns
 * false to stop (a write error; the call then fails with CCHC_ERR_IO). */
typedef bool (*cchc_write_fn)(void *ctx, const char *data, size_t len);

typedef struct cchc_store cchc_store; /* see Store, below */

/* A comparison matrix: one row per indicator key (sorted), then one row
 * per subject of the targets without an indicator, one column per plan.
 * Columns keep the order given, except that plans cited as parent
 * (document number equal to another frame's parent number) come first.  A
 * cell is the plan's target for the row in plain form (several different
 * targets joined with "; "), or NULL when the plan sets none.
 *
 * Unclassified rows come in column order of their first target.  A target
 * without an indicator joins the row whose first target's subject is most
 * similar to its own (at least CCHC_SUBJECT_SIMILAR), unless the row holds
 * a target of the same plan with other words (a plan states a target once,
 * or again in the same words: two subjects of one plan are two rows); else
 * it starts a row. */
typedef struct cchc_compare cchc_compare;

/* Which indicators a comparison shows: those of `area` (the key's prefix
 * before '.': "tthc" for "tthc.dung_han"; NULL for every area) and, when
 * `nindicators` is not 0, only the keys listed.  Unclassified targets are
 * shown when no keys are listed, those of `area` (the target's area, from
 * its section) when an area is given. */
typedef struct cchc_compare_options {
  const char *area;
  const char *const *indicators;
  size_t nindicators;
} cchc_compare_options;

/* Build the matrix from `n` frames.  `options` may be NULL (every
 * indicator).  A frame without place or path is labelled "frame N" (N
 * from 1). */
cchc_status cchc_compare_new(const cchc_frame *const *frames, size_t n,
                             const cchc_compare_options *options,
                             cchc_compare **out, cchc_error *err);
void cchc_compare_free(cchc_compare *cmp);

size_t cchc_compare_rows(const cchc_compare *cmp);
size_t cchc_compare_columns(const cchc_compare *cmp);
/* Indicator key of a row; NULL for a row of unclassified targets. */
const char *cchc_compare_indicator(const cchc_compare *cmp, size_t row);
/* Subject of a row of unclassified targets (its first target's, list
 * marker off); NULL for an indicator's row. */
const char *cchc_compare_subject(const cchc_compare *cmp, size_t row);
/* Label of a column ("Đồng Nai 228/KH-UBND", "Nghĩa Trung"), and the index
 * in the input list of the frame it shows. */
const char *cchc_compare_label(const cchc_compare *cmp, size_t col);
size_t cchc_compare_input(const cchc_compare *cmp, size_t col);
/* The cell at (row, col), or NULL when empty. */
const char *cchc_compare_cell(const cchc_compare *cmp, size_t row,
                              size_t col);
/* The frame targets the cell shows, in frame order (a plain form that
 * repeats shows once in the cell but each target is here). */
size_t cchc_compare_cell_targets(const cchc_compare *cmp, size_t row,
                                 size_t col);
const cchc_frame_target *cchc_compare_cell_target_at(const cchc_compare *cmp,
                                                     size_t row, size_t col,
                                                     size_t i);

/* Render: table (empty cells "-"; an unclassified row named
 * "(unclassified) SUBJECT", the subject cut after 60 characters with "…");
 * CSV with header "indicator", "subject", then one column per plan label
 * (indicator rows: subject empty; unclassified rows: indicator empty);
 * JSON {"schema":"cchc-compare/1","plans":[{label,level,place,province,
 * year,number,date,parent,path}],"rows":[{indicator,subject,cells:[string|
 * null]}]}, where an indicator's row has "subject": null and an
 * unclassified row "indicator": null, its "subject" and "targets":[{column,
 * plan,subject,area,value,text,span:[start,end]}] (every target of the
 * row, in column order).  *out NUL-terminated, freed with free(); *len
 * (may be NULL) gets its length. */
cchc_status cchc_compare_render(const cchc_compare *cmp,
                                cchc_report_format format, char **out,
                                size_t *len, cchc_error *err);

/* The comparison of the plans in `store` (the latest version of each;
 * those of `province`, compared by cchc_match_key, and of `year` when
 * given: NULL and 0 for all), as cchc_compare_new and cchc_compare_render
 * would make and write it from their frames, byte for byte, but made from
 * the store's tables and written through `write` a row at a time: memory
 * does not grow with the number of plans beyond their columns' names (the
 * table format is made twice, its column widths first).  *columns and
 * *rows (may be NULL) get the size of the matrix.  On failure part of the
 * output may have been written. */
cchc_status cchc_compare_write(cchc_store *store, const char *province,
                               int year, const cchc_compare_options *options,
                               cchc_report_format format, cchc_write_fn write,
                               void *ctx, size_t *columns, size_t *rows,
                               cchc_error *err);

/* Audit findings. */
typedef enum cchc_finding_kind {
  CCHC_FINDING_LOWER = 0,   /* the plan's guaranteed level is below the
                               parent's (cchc_target_lower) */
  CCHC_FINDING_MISSING,     /* the parent sets a target the plan lacks: no
                               target with its indicator, and none by
                               subject either (see UNMATCHED) */
  CCHC_FINDING_LATER,       /* a dated task or report due after the
                               parent's deadline for it */
  CCHC_FINDING_INCONSISTENT, /* the plan states one indicator twice with
                                different values (frame
                                "inconsistencies") */
  CCHC_FINDING_UNMATCHED    /* the parent sets a target no target of the
                               plan matches by indicator, but one matches by
                               subject: the candidate, for a person to
                               judge */
} cchc_finding_kind;

/* "lower", "missing", "later", "inconsistent", "unmatched".  Static
 * storage. */
const char *cchc_finding_kind_name(cchc_finding_kind kind);

/* One side of a finding: which plan, what it says, where.  `plan` is the
 * plan's label (as in compare), `path` its source path (may be NULL);
 * `value` the target in plain form or the deadline as YYYY-MM-DD (NULL
 * when the side is absent, as the plan side of `missing`); `text` the
 * sentence; [start, end) the byte span in the source when has_span. */
typedef struct cchc_finding_side {
  const char *plan;
  const char *path;
  const char *value;
  const char *text;
  bool has_span;
  size_t start, end;
} cchc_finding_side;

/* `key` is the indicator key (lower, missing, unmatched, inconsistent; NULL
 * for a parent target without one) or the task's match key (later).
 * `parent` is the parent plan's side; for `inconsistent` both sides come
 * from the audited plan: `parent` holds the first statement and `plan` the
 * one that contradicts it.  For `unmatched`, `plan` is the candidate,
 * `similarity` the Jaccard index of the two subjects and `lower` whether
 * the candidate guarantees less than the parent's target
 * (cchc_target_lower; false for other kinds). */
typedef struct cchc_finding {
  cchc_finding_kind kind;
  const char *key;
  cchc_finding_side parent;
  cchc_finding_side plan;
  double similarity;
  bool lower;
} cchc_finding;

/* What a missing or unmatched finding looked for, in words: "no target
 * with this indicator; this target without one has a similar subject
 * (word overlap 0.64) and a lower value"; "" for other kinds.  Writes at
 * most `size` bytes (NUL included) and returns the length it needed, like
 * snprintf. */
size_t cchc_finding_note(const cchc_finding *f, char *buf, size_t size);

typedef struct cchc_audit cchc_audit;

/* Audit `n` plans against `parent`.  Plans are not filtered by their
 * parent link: use cchc_frame_carries_out to pick them.
 * Findings are grouped per plan in the input order, then lower, missing
 * and unmatched (parent order, the parent's targets without an indicator
 * last), later, inconsistent.
 * - lower: each parent target with an indicator is looked up in the plan
 *   by indicator; `lower` when every plan target of that indicator is
 *   lower (the first is the evidence).
 * - missing/unmatched: a parent target with an indicator that no plan
 *   target has is looked up by subject among the plan's targets without an
 *   indicator (the wording may be one the rules do not know); a parent
 *   target without an indicator, among all the plan's targets.  The most
 *   similar subject, at least CCHC_SUBJECT_SIMILAR, is `unmatched` with
 *   that candidate (ties: the first); none is `missing`.
 * - later: tasks are lined up by a key, cchc_match_key of the task text
 *   before its deadline phrase (or before "(" when the phrase is not in
 *   it); when both tasks' deadlines have an end date and the plan's is
 *   after the parent's.
 * A plan without place or path is labelled "plan N" (N from 1), the
 * parent "parent". */
cchc_status cchc_audit_new(const cchc_frame *parent,
                           const cchc_frame *const *plans, size_t n,
                           cchc_audit **out, cchc_error *err);
void cchc_audit_free(cchc_audit *audit);

size_t cchc_audit_count(const cchc_audit *audit);
/* The i-th finding; owned by the audit. */
const cchc_finding *cchc_audit_finding(const cchc_audit *audit, size_t i);

/* A plan to audit, or to audit against, for cchc_audit_write: a frame
 * (extracted on the fly), or when `frame` is NULL the stored plan with id
 * `document_id` (cchc_store_plan.id). */
typedef struct cchc_audit_plan {
  const cchc_frame *frame;
  int64_t document_id;
} cchc_audit_plan;

/* The audit of `n` plans against `parent`, as cchc_audit_new and
 * cchc_audit_render would make and write it, byte for byte, but written
 * through `write` as each plan is checked: a stored plan is read from the
 * store's tables when its turn comes and let go after it, so memory does
 * not grow with the number of plans (the table format checks them twice,
 * its column widths first).  `store` may be NULL when every plan is a
 * frame.  *findings (may be NULL) gets their number.  On failure part of
 * the output may have been written. */
cchc_status cchc_audit_write(cchc_store *store, const cchc_audit_plan *parent,
                             const cchc_audit_plan *plans, size_t n,
                             cchc_report_format format, cchc_write_fn write,
                             void *ctx, size_t *findings, cchc_error *err);

/* Render: table (one line per finding, key "(unclassified)" for a parent
 * target without an indicator, then the quoted evidence, which says for
 * missing and unmatched what was looked for); CSV (kind, key, plan, plan
 * value, plan span start/end, plan text, parent plan, parent value, parent
 * span start/end, parent text, plan path, parent path, similarity, lower;
 * the last two empty but for unmatched); JSON {"schema":"cchc-audit/1",
 * "parent":{label,number,path},"findings":[{kind,key,plan:{...},
 * parent:{...}}]} with sides {plan,path,value,text,span} (span
 * [start,end] or null), and for unmatched also "similarity" (two
 * decimals) and "lower" (true or false). */
cchc_status cchc_audit_render(const cchc_audit *audit,
                              cchc_report_format format, char **out,
                              size_t *len, cchc_error *err);

/* ------------------------------------------------------------------ */
/* Report: the store as one self-contained HTML5 page for people who would
 * rather look than read.  The page is built as a libxml2 HTML tree, so all
 * text from the plans (paths, places, quoted sentences) is escaped by the
 * serializer; it holds inline CSS only, no scripts and no network
 * resources, and is UTF-8.  Sections:
 * - plans (id="plans"): one row per stored plan (latest version): level,
 *   place, province, period, number, parent, numbers of targets, of
 *   targets without an indicator, of deadlines and of tasks, path;
 * - heat map (id="heatmap"): one row per indicator key (as in compare), one
 *   column per plan, reference plans first; each cell is the plan's target
 *   in plain form (cchc_target_format) with class "cell STATE" and
 *   data-state="STATE" against the column's reference plan: the plan it
 *   carries out when that is in the store, else a province-level plan of
 *   the same province.  STATE is "below" (cchc_target_lower: every target
 *   of the plan for the indicator is lower than one of the reference's),
 *   "equal" (neither lower nor higher), "above" (the reference's is lower
 *   than one of the plan's), "none" (no comparable reference target), "ref"
 *   (a reference plan's own column, when it has no reference itself) or
 *   "missing" (the plan sets no target: empty cell).  Compare's
 *   unclassified rows follow in a tbody of class "unclassified-rows": each
 *   a row of class "unclassified" with data-subject, its header
 *   "(unclassified) SUBJECT", its cells of state "unclassified" (not
 *   coloured: no indicator to compare by) titled with their clauses, or
 *   "missing".  A legend explains the colours;
 * - audit (id="audit"): for each plan that other stored plans carry out
 *   (cchc_frame_carries_out), the cchc_audit findings of those plans, each
 *   a row class "finding KIND" with the indicator or task key
 *   ("(unclassified)" for a parent target without one) and, for both
 *   sides, the plan, value, quoted text, byte span and source path; for
 *   missing and unmatched the plan's side adds cchc_finding_note (class
 *   "match").
 * With `parent_number` (not NULL) the page covers only that plan and the
 * plans carrying it out; CCHC_ERR_INVALID when no stored plan has that
 * number.  *out is NUL-terminated, freed with free(); *len (may be NULL)
 * gets its length. */
typedef struct cchc_store cchc_store; /* see Store, below */
cchc_status cchc_report_html(cchc_store *store, const char *parent_number,
                             char **out, size_t *len, cchc_error *err);

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

/* Score one document and add its counts: `frame` (extracted, or read
 * with cchc_frame_from_json) against `gold_json`, a gold file.  `name`
 * (may be NULL) labels the document in the results.  On failure nothing is
 * added and *err says why: a gold file that is not valid JSON or not in
 * the gold format (err->path "gold"; for a JSON syntax error err->line and
 * err->offset locate it), or no memory. */
cchc_status cchc_eval_add(cchc_eval *ev, const char *name,
                          const cchc_frame *frame, const char *gold_json,
                          size_t gold_len, cchc_error *err);

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

/* ------------------------------------------------------------------ */
/* Store: many plans in one SQLite file.  The schema is versioned (PRAGMA
 * user_version, applied by migrations on open); the database runs in WAL
 * mode, its foreign keys declared (each child row is written with its
 * parent, so they are not checked again on insert).  Each plan is stored in one transaction: its
 * whole frame (JSON, as cchc_render CCHC_FORMAT_JSONL writes it) plus rows
 * in the tables documents, targets, deadlines, tasks, task_units
 * (lead/coordinator units of tasks), doc_references and inconsistencies;
 * or several plans in one transaction (a batch, below).  Every statement
 * is prepared with bound parameters.  A plan is identified by its path;
 * ingesting the same content again (same SHA-256 as the latest version) is
 * a no-op, different content under the same path is stored as a new
 * version and the old one kept.  Listing and frame iteration see the
 * latest version of each path.  The store takes finished frames and knows
 * nothing of rules or extraction. */
typedef struct cchc_store cchc_store;

/* Schema version written to PRAGMA user_version by cchc_store_open. */
#define CCHC_STORE_SCHEMA_VERSION 2

/* Open (creating if needed) the store at `path` and bring its schema up to
 * date.  On success *out owns the store (cchc_store_close).  A store whose
 * user_version is outside 0..CCHC_STORE_SCHEMA_VERSION (made by a newer
 * cchc, or negative) is refused (CCHC_ERR_UNSUPPORTED) and left as it is;
 * SQLite failures are CCHC_ERR_INTERNAL. */
cchc_status cchc_store_open(const char *path, cchc_store **out,
                            cchc_error *err);
void cchc_store_close(cchc_store *store);

typedef enum cchc_ingest_outcome {
  CCHC_INGEST_ADDED = 0,   /* a path not stored before */
  CCHC_INGEST_UNCHANGED,   /* same content as the latest version: no-op */
  CCHC_INGEST_NEW_VERSION  /* same path, new content: stored as version+1 */
} cchc_ingest_outcome;

typedef struct cchc_ingest_result {
  cchc_ingest_outcome outcome;
  int64_t document_id; /* row id of the (new or unchanged) version */
  int version;         /* 1, 2, ... */
  size_t targets, deadlines, tasks, references;
} cchc_ingest_result;

/* What storing content with SHA-256 `sha256` (cchc_sha256_hex) under
 * `path` would do, without running the pipeline: result->outcome is
 * CCHC_INGEST_UNCHANGED (with the stored document_id and version) when
 * the latest version of `path` has that content, else
 * CCHC_INGEST_NEW_VERSION or CCHC_INGEST_ADDED (other fields 0).  So a
 * caller hashes an input once, checks, and runs cchc_process (given the
 * hash) and cchc_store_put only for new content.  Database failures are
 * CCHC_ERR_INTERNAL. */
cchc_status cchc_store_check(cchc_store *store, const char *path,
                             const char *sha256, cchc_ingest_result *result,
                             cchc_error *err);

/* Store a finished frame (cchc_process): the key of the plan is the
 * frame's source path (a frame without one is CCHC_ERR_INVALID), its
 * content the frame's SHA-256.  The same content as the latest version of
 * that path is a no-op (CCHC_INGEST_UNCHANGED).  `result` may be NULL.
 * Failures of the database are CCHC_ERR_INTERNAL (or CCHC_ERR_NOMEM) and
 * leave nothing of the plan stored. */
cchc_status cchc_store_put(cchc_store *store, const cchc_frame *frame,
                           cchc_ingest_result *result, cchc_error *err);
/* cchc_store_put with the frame's JSON rendered already: `json` (`len`
 * bytes) must be what cchc_render(frame, CCHC_FORMAT_JSONL, ...) wrote.
 * Rendering is most of a put's work: a caller that makes frames on
 * several threads renders each there, and the thread that stores them
 * only writes. */
cchc_status cchc_store_put_rendered(cchc_store *store,
                                    const cchc_frame *frame, const char *json,
                                    size_t len, cchc_ingest_result *result,
                                    cchc_error *err);

/* Several plans in one transaction: after cchc_store_begin, each
 * cchc_store_put is part of the batch until cchc_store_commit, which
 * stores all of them (one write, one sync) or, when it fails, none; a
 * kill or cchc_store_rollback before it leaves none either.  So a caller
 * reports a plan as stored only once its batch committed.  A put that
 * fails inside a batch rolls the whole batch back (the batch is then
 * closed): the caller may put the plans again one by one to learn which
 * failed.  The write lock is held from begin to commit. */
cchc_status cchc_store_begin(cchc_store *store, cchc_error *err);
cchc_status cchc_store_commit(cchc_store *store, cchc_error *err);
void cchc_store_rollback(cchc_store *store);

/* One stored plan (latest version) as cchc_store_each_plan gives it.
 * Strings are NULL when unknown and valid only during the callback. */
typedef struct cchc_store_plan {
  int64_t id;
  const char *path;
  int version;
  const char *sha256;
  const char *kind, *level, *place, *province;
  int year; /* 0 when unknown */
  const char *period_start, *period_end;
  const char *number, *date, *parent_number, *parent_date;
  const char *ingested_at; /* ISO 8601 UTC */
  size_t targets, deadlines, tasks, references;
  size_t unclassified; /* targets without an indicator key */
} cchc_store_plan;

/* Callbacks return 0 to go on, non-zero to stop the iteration (which then
 * returns CCHC_OK). */
typedef int (*cchc_store_plan_fn)(void *ctx, const cchc_store_plan *plan);
typedef int (*cchc_store_frame_fn)(void *ctx, int64_t document_id,
                                   const char *frame_json);

/* Every stored plan (latest version of each path), ordered by province,
 * level (province before commune), place, path. */
cchc_status cchc_store_each_plan(cchc_store *store, cchc_store_plan_fn fn,
                                 void *ctx, cchc_error *err);

/* The frame JSON of every stored plan (latest version), in the order of
 * cchc_store_each_plan, optionally only those of `province` (compared by
 * cchc_match_key; NULL for all) and of `year` (0 for all). */
cchc_status cchc_store_each_frame(cchc_store *store, const char *province,
                                  int year, cchc_store_frame_fn fn, void *ctx,
                                  cchc_error *err);

#ifdef __cplusplus
}
#endif
#endif /* CCHC_H */
