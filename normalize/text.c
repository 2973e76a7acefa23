/* text.c: the normalized text object and the normalize pipeline:
 * decode -> canonical characters -> layout. */
#include "normalize.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A character of the text whose last byte maps to source offset `last`
 * ends, in the source, at `end`, past last + 1: it came from a longer
 * source character (a no-break space that became a space, U+FFFD for an
 * ill-formed sequence, any ASCII character of UTF-16). */
typedef struct source_end {
  uint32_t last, end;
} source_end;

/* The text's map once it is laid out, read only: its runs in groups of
 * MAP_GROUP, each run 4 bytes (where it starts, 16 bits past its group's
 * first; its source offset, 15 bits past the group's first, and whether
 * it goes on byte for byte) unless the group spans too much for that
 * (then its runs are kept whole).  Half the runs' 8 bytes: a long text
 * has a million runs, held until its frame's spans are mapped. */
enum { MAP_GROUP = 64 };

typedef struct map_group {
  uint32_t at, src; /* of its first run */
  uint32_t whole;   /* index of its first run in `whole`, or UINT32_MAX */
} map_group;

typedef struct map_run {
  uint16_t at;  /* past the group's */
  uint16_t src; /* past the group's, times 2, plus 1 when seq */
} map_run;

/* The map is looked up by text offset some hundreds of times a plan
 * (every span of its frame): `slots` lists, for every MAP_SLOT bytes of
 * the text, the run that holds the first of them, so that a look-up
 * starts within a few runs of its own, where a search of the groups and
 * then of a group's runs took a dozen steps.  4 bytes per MAP_SLOT bytes
 * of text (NULL when out of memory: then the groups are searched). */
enum { MAP_SLOT_BITS = 8 };

typedef struct text_map {
  map_group *groups;
  map_run *runs;   /* MAP_GROUP a group (those of groups kept whole unused) */
  cchc_run *whole; /* the runs of the groups kept whole */
  size_t ngroups, nruns, nwhole;
  uint32_t *slots; /* (len >> MAP_SLOT_BITS) + 2 of them, the last two the
                      last run */
} text_map;

struct cchc_text {
  cchc_mbuf buf; /* (its map moves to `map` once laid out) */
  text_map map;
  /* Where a span ends in the source: at the next source character start
   * after the source offset of its last byte.  That is most often that
   * offset + 1; the others are listed in `ends` (increasing `last`), or,
   * when they are too many for the list to be the smaller, `starts` keeps
   * a bit per source byte: a source character starts there. */
  source_end *ends;
  size_t nends;
  uint8_t *starts;
  size_t starts_size; /* (bytes) */
  size_t source_len;
  cchc_encoding encoding;
  cchc_repair_log log;
  /* The newline ending each line, then the length (cchc_text_line_ends):
   * layout's, NULL when it did not hand them over. */
  uint32_t *line_ends;
  size_t nline_ends;
};

static const char *const kind_names[CCHC_REPAIR_KIND_COUNT] = {
    [CCHC_REPAIR_BOM] = "bom",
    [CCHC_REPAIR_INVALID_BYTES] = "invalid-bytes",
    [CCHC_REPAIR_CONTROL] = "control",
    [CCHC_REPAIR_NFC] = "nfc",
    [CCHC_REPAIR_TONE_MARK] = "tone-mark",
    [CCHC_REPAIR_LOOKALIKE] = "lookalike",
    [CCHC_REPAIR_SPACE] = "space",
    [CCHC_REPAIR_PUNCT] = "punct",
    [CCHC_REPAIR_LINE_JOIN] = "line-join",
    [CCHC_REPAIR_HYPHEN_JOIN] = "hyphen-join",
    [CCHC_REPAIR_PAGE_NUMBER] = "page-number",
    [CCHC_REPAIR_MARKDOWN] = "markdown",
    [CCHC_REPAIR_WHITESPACE] = "whitespace",
};

const char *cchc_repair_kind_name(cchc_repair_kind kind) {
  return (unsigned)kind < CCHC_REPAIR_KIND_COUNT ? kind_names[kind] : "unknown";
}

void cchc_log_init(cchc_repair_log *log) { memset(log, 0, sizeof *log); }

void cchc_log_free(cchc_repair_log *log) {
  free(log->items);
  free(log->details);
  memset(log, 0, sizeof *log);
}

/* Room for one more item in the list, or NULL: the list is full, or an
 * allocation failed (then it stays as it is). */
static cchc_repair *log_slot(cchc_repair_log *log) {
  if (log->failed || log->counts_only || log->len >= CCHC_REPAIR_LIST_MAX)
    return NULL;
  if (log->length_only) {
    log->len++;
    return NULL;
  }
  cchc_repair *items =
      cchc_grow(log->items, &log->cap, log->len, sizeof *log->items);
  if (!items) {
    log->failed = true;
    return NULL;
  }
  log->items = items;
  return &log->items[log->len++];
}

/* Room for a detail of CCHC_REPAIR_DETAIL_MAX bytes at the end of the
 * details, or NULL (then the log has failed). */
static char *detail_room(cchc_repair_log *log) {
  if (log->details_len + CCHC_REPAIR_DETAIL_MAX > log->details_cap) {
    size_t cap = log->details_cap ? 2 * log->details_cap : 1024;
    char *p = cap <= UINT32_MAX ? realloc(log->details, cap) : NULL;
    if (!p) {
      log->failed = true;
      return NULL;
    }
    log->details = p;
    log->details_cap = cap;
  }
  return log->details + log->details_len;
}

/* r's detail becomes the string at the end of the details (written there
 * by detail_room's caller, `n` bytes and its NUL). */
static void detail_take(cchc_repair_log *log, cchc_repair *r, size_t n) {
  r->formatted = true;
  r->detail.at = (uint32_t)log->details_len;
  log->details_len += n + 1;
}

void cchc_log_fixed_listed(cchc_repair_log *log, cchc_repair_kind kind,
                           uint32_t offset, const char *detail) {
  log->counts[kind]++;
  cchc_repair *r = log_slot(log);
  if (r)
    *r = (cchc_repair){offset, (uint8_t)kind, false, {.fixed = detail}};
}

void cchc_log_repair(cchc_repair_log *log, cchc_repair_kind kind,
                     uint32_t offset, const char *fmt, ...) {
  log->counts[kind]++;
  cchc_repair *r = log_slot(log);
  if (!r)
    return;
  r->offset = offset;
  r->kind = (uint8_t)kind;
  r->formatted = false;
  size_t n = strlen(fmt);
  if (!memchr(fmt, '%', n) && n < CCHC_REPAIR_DETAIL_MAX) {
    r->detail.fixed = fmt; /* most details are fixed words */
    return;
  }
  char *d = detail_room(log);
  if (!d) {
    log->len--;
    return;
  }
  va_list ap;
  va_start(ap, fmt);
  int len = vsnprintf(d, CCHC_REPAIR_DETAIL_MAX, fmt, ap);
  va_end(ap);
  if (len < 0) {
    len = 0;
    d[0] = '\0';
  }
  detail_take(log, r,
              (size_t)len < CCHC_REPAIR_DETAIL_MAX ? (size_t)len
                                                  : CCHC_REPAIR_DETAIL_MAX - 1);
}

const char *cchc_log_detail(const cchc_repair_log *log, const cchc_repair *r) {
  return r->formatted ? log->details + r->detail.at : r->detail.fixed;
}

void cchc_log_append(cchc_repair_log *log, const cchc_repair_log *more) {
  for (int k = 0; k < CCHC_REPAIR_KIND_COUNT; k++)
    log->counts[k] += more->counts[k];
  if (log->length_only && !log->failed && !log->counts_only) {
    size_t room = CCHC_REPAIR_LIST_MAX - log->len; /* (len is at most it) */
    log->len += more->len < room ? more->len : room;
    return;
  }
  for (size_t i = 0; i < more->len; i++) {
    cchc_repair *r = log_slot(log);
    if (!r)
      return;
    *r = more->items[i];
    if (!r->formatted)
      continue;
    const char *detail = cchc_log_detail(more, &more->items[i]);
    char *d = detail_room(log);
    if (!d) {
      log->len--;
      return;
    }
    size_t n = strlen(detail);
    memcpy(d, detail, n + 1);
    detail_take(log, r, n);
  }
}

static int cmp_repair(const void *a, const void *b) {
  const cchc_repair *x = a, *y = b;
  if (x->offset != y->offset)
    return x->offset < y->offset ? -1 : 1;
  return (x > y) - (x < y); /* keep order of equal offsets: stable enough */
}

/* The repairs in input order, those at one offset in logging order.  Each
 * pass logs in input order, nearly: a merge of the runs found in the list
 * sorts it in a few sweeps.  False when out of memory. */
static bool merge_repairs(cchc_repair *items, size_t n) {
  size_t *runs = malloc((n + 1) * sizeof *runs), k = 0;
  cchc_repair *tmp = malloc(n * sizeof *tmp);
  if (!runs || !tmp) {
    free(runs);
    free(tmp);
    return false;
  }
  for (size_t i = 0; i < n; i++)
    if (i == 0 || items[i].offset < items[i - 1].offset)
      runs[k++] = i;
  runs[k] = n;
  cchc_repair *a = items, *b = tmp;
  while (k > 1) {
    size_t nk = 0;
    for (size_t r = 0; r < k; r += 2) {
      size_t i = runs[r], mid = runs[r + 1], j = mid;
      size_t end = r + 2 <= k ? runs[r + 2] : mid, o = i;
      while (i < mid && j < end) /* the left one first at equal offsets */
        b[o++] = a[j].offset < a[i].offset ? a[j++] : a[i++];
      memcpy(b + o, a + i, (mid - i) * sizeof *a);
      o += mid - i;
      memcpy(b + o, a + j, (end - j) * sizeof *a);
      runs[nk++] = runs[r];
    }
    runs[nk] = n;
    k = nk;
    cchc_repair *swap = a;
    a = b;
    b = swap;
  }
  if (a != items)
    memcpy(items, a, n * sizeof *a);
  free(runs);
  free(tmp);
  return true;
}

/* Can the k runs of a group (k <= MAP_GROUP) be kept as map_runs? */
static bool group_fits(const cchc_run *r, size_t k) {
  return r[k - 1].at - r[0].at <= UINT16_MAX &&
         r[k - 1].src - r[0].src <= UINT16_MAX / 2;
}

/* Move the runs of b into the compact map m; false when out of memory
 * (then b keeps them).  The map_runs are written over b's runs, those of
 * group g over runs read already (of group g / 2 at most, and group 0 is
 * read whole first): b's pages, faulted in, are the compact map's, and the
 * room past it is given back. */
static bool map_compact(text_map *m, cchc_mbuf *b) {
  size_t n = b->nruns, ng = (n + MAP_GROUP - 1) / MAP_GROUP, nwhole = 0;
  if (!n || n > UINT32_MAX) /* (a text's runs: fewer than its bytes) */
    return false;
  for (size_t g = 0; g < ng; g++) {
    size_t k = n - g * MAP_GROUP < MAP_GROUP ? n - g * MAP_GROUP : MAP_GROUP;
    if (!group_fits(&b->runs[g * MAP_GROUP], k))
      nwhole += k;
  }
  map_group *groups = malloc(ng * sizeof *groups);
  cchc_run *whole = nwhole ? malloc(nwhole * sizeof *whole) : NULL;
  if (!groups || (nwhole && !whole)) {
    free(groups);
    free(whole);
    return false;
  }
  /* (from the runs as they are, before the map_runs overwrite them) */
  size_t nslots = (b->len >> MAP_SLOT_BITS) + 2;
  uint32_t *slots = malloc(nslots * sizeof *slots);
  if (slots)
    for (size_t k = 0, r = 0; k < nslots; k++) {
      size_t at = k << MAP_SLOT_BITS;
      while (r + 1 < n && b->runs[r + 1].at <= at)
        r++;
      slots[k] = (uint32_t)r;
    }
  unsigned char *out = (unsigned char *)b->runs; /* the map_runs */
  nwhole = 0;
  for (size_t g = 0; g < ng; g++) {
    cchc_run r[MAP_GROUP];
    map_run c[MAP_GROUP];
    size_t k = n - g * MAP_GROUP < MAP_GROUP ? n - g * MAP_GROUP : MAP_GROUP;
    memcpy(r, &b->runs[g * MAP_GROUP], k * sizeof *r);
    groups[g] = (map_group){r[0].at, r[0].src, UINT32_MAX};
    if (group_fits(r, k)) {
      for (size_t i = 0; i < k; i++)
        c[i] = (map_run){(uint16_t)(r[i].at - r[0].at),
                         (uint16_t)((r[i].src - r[0].src) << 1 | r[i].seq)};
      memcpy(out + g * MAP_GROUP * sizeof *c, c, k * sizeof *c);
      continue;
    }
    groups[g].whole = (uint32_t)nwhole;
    memcpy(whole + nwhole, r, k * sizeof *r);
    nwhole += k;
  }
  map_run *runs = realloc(b->runs, n * sizeof *runs);
  *m = (text_map){groups, runs ? runs : (map_run *)(void *)b->runs, whole,
                  ng, n, nwhole, slots};
  b->runs = NULL;
  b->nruns = b->runs_cap = 0;
  return true;
}

/* Source offset of byte i (< the text's length) of a laid-out text;
 * *at: a group that starts at or before i (0 when none is known) and a
 * run of it that does, then those of i (a span's end, looked up after its
 * start, is most often in the group of its start, a few runs on: no
 * search of the groups then, and a gallop from its run). */
typedef struct map_at {
  size_t group, run; /* run: in the group, or SIZE_MAX */
} map_at;

/* Where run r of the compact map starts in the text, and (*src) the
 * source offset of byte i (at or after its start) when it holds it. */
static CCHC_INLINE size_t run_start(const text_map *m, size_t r) {
  const map_group *g = &m->groups[r / MAP_GROUP];
  return g->whole != UINT32_MAX ? m->whole[g->whole + r % MAP_GROUP].at
                                : g->at + (size_t)m->runs[r].at;
}

static CCHC_INLINE uint32_t run_src(const text_map *m, size_t r, size_t i) {
  const map_group *g = &m->groups[r / MAP_GROUP];
  if (g->whole != UINT32_MAX) {
    const cchc_run *w = &m->whole[g->whole + r % MAP_GROUP];
    return w->seq ? w->src + (uint32_t)(i - w->at) : w->src;
  }
  const map_run *c = &m->runs[r];
  uint32_t src = g->src + (uint32_t)(c->src >> 1);
  return c->src & 1 ? src + (uint32_t)(i - g->at - c->at) : src;
}

/* Does run r of the compact map go on byte for byte? */
static CCHC_INLINE bool run_seq(const text_map *m, size_t r) {
  const map_group *g = &m->groups[r / MAP_GROUP];
  return g->whole != UINT32_MAX ? m->whole[g->whole + r % MAP_GROUP].seq
                                : m->runs[r].src & 1;
}

/* Source offset of byte i through the slots: the run that holds it lies
 * from the run of its slot's first byte to that of the next slot's, and
 * from *from on, a run that starts at or before it (a span's end is
 * looked up after its start); *from gets its run. */
static CCHC_INLINE uint32_t slot_src(const text_map *m, size_t i,
                                     size_t *from) {
  size_t k = i >> MAP_SLOT_BITS, r = m->slots[k], z = m->slots[k + 1];
  if (*from > r)
    r = *from;
  while (z - r > 4) { /* (a dense map: UTF-16, a run a character) */
    size_t mid = r + (z - r) / 2;
    if (run_start(m, mid) <= i)
      r = mid;
    else
      z = mid;
  }
  while (r < z && run_start(m, r + 1) <= i)
    r++;
  *from = r;
  return run_src(m, r, i);
}

static uint32_t text_src_in(const cchc_text *t, size_t i, map_at *at) {
  const text_map *m = &t->map;
  if (!m->ngroups) /* (no map kept, or it was not compacted) */
    return cchc_mbuf_src(&t->buf, i, NULL);
  if (m->slots) {
    size_t from = 0;
    return slot_src(m, i, &from);
  }
  size_t lo = at->group, hi = m->ngroups; /* the last group at or before i */
  size_t a = 0; /* a run of the group at or before i */
  if (lo + 1 < hi && m->groups[lo + 1].at > i) {
    hi = lo + 1;
    if (at->run != SIZE_MAX)
      a = at->run;
  }
  while (hi - lo > 1) {
    size_t mid = lo + (hi - lo) / 2;
    if (m->groups[mid].at <= i)
      lo = mid;
    else
      hi = mid;
  }
  at->group = lo;
  at->run = SIZE_MAX;
  const map_group *g = &m->groups[lo];
  size_t first = lo * MAP_GROUP, k = m->nruns - first < MAP_GROUP
                                          ? m->nruns - first
                                          : MAP_GROUP;
  if (g->whole != UINT32_MAX) { /* its runs as a map of their own */
    cchc_mbuf runs = {.runs = m->whole + g->whole, .nruns = k};
    return cchc_mbuf_src(&runs, i, NULL);
  }
  size_t z = k; /* the last run of the group starting at or before i */
  const map_run *r = m->runs + first;
  size_t d = i - g->at;
  if (a) { /* on from the run known: a gallop */
    size_t step = 1;
    while (a + step < k && r[a + step].at <= d) {
      a += step;
      step *= 2;
    }
    z = a + step < k ? a + step : k;
  }
  while (z - a > 1) {
    size_t mid = a + (z - a) / 2;
    if (r[mid].at <= d)
      a = mid;
    else
      z = mid;
  }
  at->run = a;
  uint32_t src = g->src + (uint32_t)(r[a].src >> 1);
  return r[a].src & 1 ? src + (uint32_t)(d - r[a].at) : src;
}

static uint32_t text_src(const cchc_text *t, size_t i) {
  map_at at = {0, SIZE_MAX};
  return text_src_in(t, i, &at);
}

static bool starts_at(const uint8_t *starts, size_t p) {
  return starts[p >> 3] >> (p & 7) & 1;
}

/* Where a span whose last byte maps to source offset m ends: the next
 * source character start after m (or the source's end). */
static size_t end_after(const cchc_text *t, size_t m) {
  size_t e = m + 1;
  while (e < t->source_len && !starts_at(t->starts, e))
    e++;
  return e;
}

/* Keep the end of a character whose last byte maps to m when it is not
 * m + 1; false when the list grows past `max` (or out of memory). */
static bool keep_end(cchc_text *t, size_t *cap, size_t m, size_t max) {
  size_t e = end_after(t, m);
  if (e == m + 1 || (t->nends && t->ends[t->nends - 1].last == m))
    return true;
  if (t->nends >= max)
    return false;
  source_end *ends = cchc_grow(t->ends, cap, t->nends, sizeof *ends);
  if (!ends)
    return false;
  t->ends = ends;
  t->ends[t->nends++] = (source_end){(uint32_t)m, (uint32_t)e};
  return true;
}

/* The list of `ends` for the characters of b, whose map is the text's
 * (or will be, but for the separators layout writes, which map where a
 * character of b ends, and the bytes it drops); then the bit per source
 * byte is no longer needed (true).  Only the last byte of a run can end a
 * character anywhere but at its source offset + 1: every character of b
 * begins with a byte mapped to where its source character begins (the
 * decoder maps each to its start, and marks it; NFC, the mapping and the
 * tone rule map what they write to the start of what they read; copies
 * keep the map of each byte, and runs are joined only where it goes on),
 * so inside a run that goes on byte for byte the byte after a
 * character's last one maps to offset + 1, a source character start.  A
 * list as large as half the bits (UTF-16 input, where every ASCII
 * character is in it) is dropped, and the bits kept. */
static bool find_ends(cchc_text *t, const cchc_mbuf *b) {
  size_t n = b->len, cap = 0, max = t->source_len / 128;
  bool fits = true;
  for (size_t r = 0; fits && r < b->nruns; r++) {
    const cchc_run *run = &b->runs[r];
    size_t a = run->at, z = r + 1 < b->nruns ? b->runs[r + 1].at : n;
    if (!run->seq)
      fits = keep_end(t, &cap, run->src, max);
    else if (z > a)
      fits = keep_end(t, &cap, run->src + (z - 1 - a), max);
  }
  if (!fits) {
    free(t->ends);
    t->ends = NULL;
    t->nends = 0;
  }
  return fits;
}

/* Layout's `settled`: the bits, once the ends are found, are given to
 * layout, whose line array is written next (*bytes long). */
static void *settled(void *arg, const cchc_mbuf *chars, size_t *bytes) {
  cchc_text *t = arg;
  if (!t->starts || !find_ends(t, chars))
    return NULL;
  void *bits = t->starts;
  *bytes = t->starts_size;
  t->starts = NULL;
  return bits;
}

cchc_status cchc_normalize(const char *input, size_t len,
                           const cchc_normalize_options *options,
                           cchc_text **out, cchc_error *err) {
  *out = NULL;
  cchc_text *t = calloc(1, sizeof *t);
  if (!t)
    return cchc_fail(err, CCHC_ERR_NOMEM, "out of memory");
  cchc_mbuf chars;
  cchc_mbuf_init(&chars);
  cchc_log_init(&t->log);
  t->source_len = len;
  bool text_only = options && (options->flags & CCHC_NORM_TEXT_ONLY);
  chars.unmapped = t->log.counts_only = text_only;
  t->log.length_only = options && (options->flags & CCHC_NORM_NO_REPAIR_LIST);

  cchc_status rc;
  cchc_canon *canon = cchc_canon_new(&chars, &t->log);
  t->starts_size = cchc_huge_size(len / 8 + 8); /* (cchc_decode's) */
  t->starts = text_only ? NULL : calloc(t->starts_size, 1);
  if ((!text_only && !t->starts) || !canon) {
    rc = cchc_fail(err, CCHC_ERR_NOMEM, "out of memory");
    goto fail;
  }
  if (t->starts) /* (every byte of it gets a bit as the decoder goes) */
    cchc_prefer_huge_pages(t->starts, t->starts_size);
  /* The decoder feeds the canonical-characters stage as it goes; what
   * both write is the text, once. */
  if (cchc_mbuf_reserve(&chars, cchc_huge_size(len + len / 64 + 1) - 1))
    cchc_prefer_huge_pages(chars.data, chars.cap);
  rc = cchc_decode(input ? input : "", input ? len : 0, options, canon,
                   t->starts, &t->encoding, &t->log, err);
  if (rc != CCHC_OK)
    goto fail;
  if (options && options->input_done)
    options->input_done(options->input_done_arg);
  cchc_edits edits = {0};
  rc = cchc_canon_finish(canon, &t->log, &edits, err);
  cchc_canon_free(canon);
  canon = NULL;
  if (rc != CCHC_OK)
    goto fail;
  /* Layout shortens the text (in place), and NFC again after Markdown
   * lengthens it rarely (then it takes room): the room past it, resident
   * at the end of its last huge page, is given back now. */
  cchc_mbuf_trim(&chars);
  /* The ends are found once layout has settled the characters, before it
   * reads the lines and writes a second map: the bits are gone by then. */
  if (!(options && (options->flags & CCHC_NORM_NO_LAYOUT)))
    rc = cchc_layout_lines(&chars, &edits, &t->log, settled, t,
                           &t->line_ends, &t->nline_ends, err);
  else
    free(settled(t, &chars, &(size_t){0}));
  free(edits.at);
  if (rc != CCHC_OK)
    goto fail;
  t->buf = chars;
  cchc_mbuf_init(&chars);
  /* Layout only removes bytes: the text is read, never grown, from here
   * on, and the room it left is as long as the input is large. */
  cchc_mbuf_shrink_to_fit(&t->buf);
  if (t->buf.nruns)
    map_compact(&t->map, &t->buf);
  if (!cchc_mbuf_terminate(&t->buf)) {
    rc = cchc_fail(err, CCHC_ERR_NOMEM, "out of memory");
    goto fail;
  }
  /* Repairs come from several passes; list them in input order (qsort
   * when memory is short: its comparison breaks ties by position, which
   * is the logging order). */
  if (t->log.len && t->log.items && !merge_repairs(t->log.items, t->log.len))
    qsort(t->log.items, t->log.len, sizeof *t->log.items, cmp_repair);
  cchc_mbuf_free(&chars);
  *out = t;
  return CCHC_OK;

fail:
  cchc_canon_free(canon);
  cchc_mbuf_free(&chars);
  cchc_text_free(t);
  return rc;
}

void cchc_text_free(cchc_text *t) {
  if (!t)
    return;
  cchc_mbuf_free(&t->buf);
  free(t->map.groups);
  free(t->map.runs);
  free(t->map.whole);
  free(t->map.slots);
  cchc_log_free(&t->log);
  free(t->ends);
  free(t->starts);
  free(t->line_ends);
  free(t);
}

const uint32_t *cchc_text_line_ends(const cchc_text *t, size_t *n) {
  *n = t->line_ends ? t->nline_ends : 0;
  return t->line_ends;
}

const char *cchc_text_data(const cchc_text *t) {
  return t->buf.data ? t->buf.data : "";
}
size_t cchc_text_len(const cchc_text *t) { return t->buf.len; }
size_t cchc_text_source_len(const cchc_text *t) { return t->source_len; }
cchc_encoding cchc_text_encoding(const cchc_text *t) { return t->encoding; }

size_t cchc_text_source_offset(const cchc_text *t, size_t offset) {
  if (offset >= t->buf.len)
    return t->source_len;
  return text_src(t, offset);
}

void cchc_text_source_span(const cchc_text *t, size_t start, size_t end,
                           size_t *src_start, size_t *src_end) {
  /* The map is non-decreasing and the last byte of every character maps to
   * the last source byte of what it came from. */
  if (end > t->buf.len)
    end = t->buf.len;
  if (start >= end) {
    *src_start = *src_end = cchc_text_source_offset(t, start);
    return;
  }
  map_at at = {0, SIZE_MAX};
  const text_map *map = &t->map;
  size_t run = 0; /* (the slots': the run of the start) */
  bool slots = map->ngroups && map->slots;
  *src_start = slots ? slot_src(map, start, &run) : text_src_in(t, start, &at);
  /* a span that ends inside a character ends after it */
  while (end < t->buf.len && ((unsigned char)t->buf.data[end] & 0xC0) == 0x80)
    end++;
  /* The last byte maps into the last source character (its last byte for
   * multi-byte characters, its first for one-byte ones); the span ends at
   * the next source character start. */
  size_t m = slots ? slot_src(map, end - 1, &run) : text_src_in(t, end - 1, &at);
  /* Inside a run that goes on byte for byte, the byte after the last one
   * maps to m + 1, and begins a character of the text (end is past the
   * continuation bytes), which begins where its source character does:
   * the span ends there, and no end is looked up (only a run's last byte
   * may end elsewhere, find_ends). */
  if (slots && end < t->buf.len && run_seq(map, run) &&
      (run + 1 >= map->nruns || run_start(map, run + 1) > end)) {
    *src_end = m + 1;
    return;
  }
  if (t->starts) {
    *src_end = end_after(t, m);
    return;
  }
  size_t lo = 0, hi = t->nends; /* the first with last >= m */
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (t->ends[mid].last < m)
      lo = mid + 1;
    else
      hi = mid;
  }
  *src_end = lo < t->nends && t->ends[lo].last == m ? t->ends[lo].end : m + 1;
}

size_t cchc_text_repair_count(const cchc_text *t, cchc_repair_kind kind) {
  return (unsigned)kind < CCHC_REPAIR_KIND_COUNT ? t->log.counts[kind] : 0;
}

size_t cchc_text_repairs(const cchc_text *t) { return t->log.len; }

void cchc_text_repair_at(const cchc_text *t, size_t i, cchc_repair_kind *kind,
                         size_t *source_offset, const char **detail) {
  const cchc_repair *r = &t->log.items[i];
  if (kind)
    *kind = (cchc_repair_kind)r->kind;
  if (source_offset)
    *source_offset = r->offset;
  if (detail)
    *detail = cchc_log_detail(&t->log, r);
}
