/* buf.c: growing buffers.  cchc_mbuf keeps, for each byte, the offset in the
 * original input it came from, so every stage of normalize can keep the map
 * back to the source without composing maps afterwards; the map is a list
 * of runs, one where an edit breaks the byte-for-byte correspondence. */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <unicode/utf8.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

void *cchc_grow(void *items, size_t *cap, size_t n, size_t size) {
  if (n < *cap)
    return items;
  size_t ncap = *cap ? *cap * 2 : 16;
  if (ncap <= n)
    ncap = n + 1;
  void *p = realloc(items, ncap * size);
  if (p)
    *cap = ncap;
  return p;
}

void *cchc_shrink(void *items, size_t *cap, size_t n, size_t size) {
  if (!items || !n || *cap <= n)
    return items;
  void *p = realloc(items, n * size);
  if (!p)
    return items;
  *cap = n;
  return p;
}

enum { HUGE_PAGE = 2 << 20, PAGE = 4096 };

size_t cchc_huge_size(size_t n) {
  /* glibc serves a block this large from a mapping of its own, the block
   * 16 bytes past its start and at most 48 bytes short of its end; the
   * kernel places an anonymous mapping that is a whole number of huge
   * pages on a huge page boundary. */
  enum { SLACK = 64 };
  if (n < HUGE_PAGE || n > SIZE_MAX - 2 * HUGE_PAGE)
    return n;
  return (n + SLACK + HUGE_PAGE - 1) / HUGE_PAGE * HUGE_PAGE - SLACK;
}

void cchc_prefer_huge_pages(void *p, size_t n) {
#if defined(MADV_HUGEPAGE)
  /* The pages the buffer lies on: those of a block of cchc_huge_size
   * bytes are whole huge pages, its first and its last included. */
  uintptr_t a = (uintptr_t)p & ~(uintptr_t)(PAGE - 1),
            e = ((uintptr_t)p + n + PAGE - 1) & ~(uintptr_t)(PAGE - 1),
            first = (a + HUGE_PAGE - 1) & ~(uintptr_t)(HUGE_PAGE - 1);
  if (p && n >= HUGE_PAGE && first + HUGE_PAGE <= e) /* one whole at least */
    (void)madvise((void *)a, e - a, MADV_HUGEPAGE);
#else
  (void)p;
  (void)n;
#endif
}

size_t cchc_line_count(const char *s, size_t n) {
  size_t count = 1;
  for (const char *p = s, *e = s + n;
       p < e && (p = memchr(p, '\n', (size_t)(e - p))); p++)
    count++;
  return count;
}

size_t cchc_utf8_count(const char *s, size_t n) {
  size_t conts = 0, i = 0; /* continuation bytes: 10xxxxxx */
#if defined(__SSE2__)
  const __m128i c80 = _mm_set1_epi8(-64), zero = _mm_setzero_si128();
  while (n - i >= 16) {
    /* per lane, of at most 255 blocks (a continuation byte is -1) */
    size_t blocks = (n - i) / 16 < 255 ? (n - i) / 16 : 255;
    __m128i lanes = zero;
    for (size_t end = i + 16 * blocks; i < end; i += 16)
      lanes = _mm_sub_epi8(
          lanes, _mm_cmplt_epi8(
                     _mm_loadu_si128((const __m128i *)(const void *)(s + i)),
                     c80));
    __m128i sums = _mm_sad_epu8(lanes, zero);
    conts += (size_t)_mm_cvtsi128_si64(sums) +
             (size_t)_mm_cvtsi128_si64(_mm_unpackhi_epi64(sums, sums));
  }
#endif
  /* (without SSE2 all of it; with, the rest of a line most often) */
  for (; n - i >= 8; i += 8) {
    uint64_t x;
    memcpy(&x, s + i, sizeof x);
    uint64_t cont = x & ~(x << 1) & 0x8080808080808080u;
    conts += (size_t)(((cont >> 7) * 0x0101010101010101u) >> 56);
  }
  for (; i < n; i++)
    conts += ((unsigned char)s[i] & 0xC0) == 0x80;
  return n - conts;
}

size_t cchc_single_spaced(const char *s, size_t n) {
  size_t i = 0;
#if defined(__SSE2__)
  const __m128i blank = _mm_set1_epi8(' '), c1f = _mm_set1_epi8(0x1F);
  /* lane 15 of the blanks of the block before: the first byte must not
   * be one either */
  __m128i blank_last = _mm_set1_epi8(-1);
  for (; n - i >= 16; i += 16) {
    __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
    __m128i sp = _mm_cmpeq_epi8(x, blank);
    __m128i sp_before = _mm_or_si128(_mm_slli_si128(sp, 1),
                                     _mm_srli_si128(blank_last, 15));
    __m128i control = _mm_cmpeq_epi8(_mm_min_epu8(x, c1f), x); /* <= 0x1F */
    unsigned stop = (unsigned)_mm_movemask_epi8(
        _mm_or_si128(control, _mm_and_si128(sp, sp_before)));
    if (stop) {
      i += (size_t)__builtin_ctz(stop);
      goto trim;
    }
    blank_last = sp;
  }
#endif
  for (; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c < ' ' || (c == ' ' && (i == 0 || s[i - 1] == ' ')))
      break;
  }
#if defined(__SSE2__)
trim:
#endif
  if (i > 0 && s[i - 1] == ' ') /* (one at most: none follows a blank) */
    i--;
  return i;
}

void cchc_mbuf_init(cchc_mbuf *b) { memset(b, 0, sizeof *b); }

void cchc_mbuf_free(cchc_mbuf *b) {
  free(b->data);
  free(b->runs);
  free(b->spare_runs);
  memset(b, 0, sizeof *b);
}

bool cchc_mbuf_reserve(cchc_mbuf *b, size_t extra) {
  if (b->failed)
    return false;
  if (extra > (size_t)UINT32_MAX - 1 - b->len) {
    b->failed = true;
    return false;
  }
  size_t need = b->len + extra + 1;
  if (need <= b->cap)
    return true;
  /* Doubling for appends; a reservation for more (the text, whose size
   * is known within a little) takes what it asks and no more. */
  size_t cap = b->cap ? b->cap * 2 : 256;
  if (cap < need)
    cap = need;
  char *d = realloc(b->data, cap);
  if (!d) {
    b->failed = true;
    return false;
  }
  b->data = d;
  b->cap = cap;
  return true;
}

void cchc_mbuf_trim(cchc_mbuf *b) {
  if (b->failed || !b->data || b->cap <= b->len + 1)
    return;
  char *d = realloc(b->data, b->len + 1);
  if (d) {
    b->data = d;
    b->cap = b->len + 1;
  }
}

void cchc_mbuf_shrink_to_fit(cchc_mbuf *b) {
  free(b->spare_runs);
  b->spare_runs = NULL;
  b->spare_cap = 0;
  cchc_mbuf_trim(b);
  if (b->failed)
    return;
  if (b->runs && b->runs_cap > b->nruns && b->nruns) {
    cchc_run *r = realloc(b->runs, b->nruns * sizeof *r);
    if (r) {
      b->runs = r;
      b->runs_cap = b->nruns;
    }
  }
}

/* Room for `need` runs in b's map, twice the room at a time (and from a
 * huge page on, whole huge pages when b->huge_map). */
static bool runs_grow(cchc_mbuf *b, size_t need) {
  size_t cap = b->runs_cap ? 2 * b->runs_cap : 16;
  if (cap < need)
    cap = need;
  if (b->huge_map)
    cap = cchc_huge_size(cap * sizeof *b->runs) / sizeof *b->runs;
  cchc_run *runs = realloc(b->runs, cap * sizeof *runs);
  if (!runs) {
    b->failed = true;
    return false;
  }
  b->runs = runs;
  b->runs_cap = cap;
  if (b->huge_map)
    cchc_prefer_huge_pages(runs, cap * sizeof *runs);
  return true;
}

/* (a call only to grow: a run is added per edit a stage makes) */
static CCHC_INLINE bool runs_room(cchc_mbuf *b, size_t need) {
  return need <= b->runs_cap || runs_grow(b, need);
}

/* Map the n bytes from `at` (the end of the text) to src (seq: src, src+1,
 * ...), extending the last run when they continue it. */
static CCHC_INLINE void map_add(cchc_mbuf *b, size_t at, size_t n,
                                uint32_t src, bool seq) {
  if (n == 0 || b->unmapped)
    return;
  if (b->nruns) {
    cchc_run *r = &b->runs[b->nruns - 1];
    size_t len = at - r->at; /* bytes of the run so far */
    bool one = len == 1;
    if ((r->seq || one) && (seq || n == 1) && src == r->src + len) {
      r->seq = true;
      return;
    }
    if ((!r->seq || one) && (!seq || n == 1) && src == r->src) {
      r->seq = false;
      return;
    }
  }
  if (!runs_room(b, b->nruns + 1))
    return;
  b->runs[b->nruns++] = (cchc_run){(uint32_t)at, src, seq && n > 1};
}

void cchc_mbuf_put(cchc_mbuf *b, const char *s, size_t n, uint32_t src) {
  if (b->len + n + 1 > b->cap && !cchc_mbuf_reserve(b, n))
    return;
  if (n == 1) /* a separator */
    b->data[b->len] = *s;
  else
    memcpy(b->data + b->len, s, n);
  map_add(b, b->len, n, src, false);
  b->len += n;
}

void cchc_mbuf_put_seq(cchc_mbuf *b, const char *s, size_t n, uint32_t src) {
  if (b->len + n + 1 > b->cap && !cchc_mbuf_reserve(b, n))
    return;
  memcpy(b->data + b->len, s, n);
  map_add(b, b->len, n, src, true);
  b->len += n;
}

/* The run holding byte i (< len); `hint` as for cchc_mbuf_src. */
static size_t run_near(const cchc_mbuf *b, size_t i, size_t *hint) {
  size_t lo = 0, hi = b->nruns; /* runs[lo].at <= i < runs[hi].at */
  if (hint && *hint < b->nruns && b->runs[*hint].at <= i) {
    /* a walk in increasing order: gallop on from the run found last */
    size_t step = 1;
    lo = *hint;
    while (lo + step < b->nruns && b->runs[lo + step].at <= i) {
      lo += step;
      step *= 2;
    }
    hi = lo + step < b->nruns ? lo + step : b->nruns;
  }
  while (hi - lo > 1) {
    size_t mid = lo + (hi - lo) / 2;
    if (b->runs[mid].at <= i)
      lo = mid;
    else
      hi = mid;
  }
  if (hint)
    *hint = lo;
  return lo;
}

uint32_t cchc_mbuf_src(const cchc_mbuf *b, size_t i, size_t *hint) {
  if (!b->nruns) /* after a failed allocation */
    return 0;
  const cchc_run *r = &b->runs[run_near(b, i, hint)];
  return r->seq ? r->src + (uint32_t)(i - r->at) : r->src;
}

uint32_t cchc_mbuf_last_src(const cchc_mbuf *b) {
  if (!b->nruns) /* after a failed allocation */
    return 0;
  const cchc_run *r = &b->runs[b->nruns - 1];
  return r->seq ? r->src + (uint32_t)(b->len - 1 - r->at) : r->src;
}

void cchc_mbuf_copy(cchc_mbuf *b, const cchc_mbuf *in, size_t from, size_t n,
                    size_t *hint) {
  if (n == 0 || (b->len + n + 1 > b->cap && !cchc_mbuf_reserve(b, n)))
    return;
  if (b->data != in->data)
    memcpy(b->data + b->len, in->data + from, n);
  else if (b->len != from) /* a rewrite in place, behind what it reads */
    memmove(b->data + b->len, in->data + from, n);
  size_t end = from + n;
  /* Most copies lie inside the run the last one ended in (a line of a
   * text copied on): that run as run_near would find it, and nothing of
   * the loops below to do. */
  if (hint && *hint < in->nruns) {
    const cchc_run *run = &in->runs[*hint];
    if (run->at <= from &&
        (*hint + 1 == in->nruns || end <= in->runs[*hint + 1].at)) {
      map_add(b, b->len, n,
              run->seq ? run->src + (uint32_t)(from - run->at) : run->src,
              run->seq);
      b->len += n;
      return;
    }
  }
  size_t r = run_near(in, from, hint);
  if (r < in->nruns) { /* the first run, from `from` on, may continue b's */
    const cchc_run *run = &in->runs[r];
    size_t z = r + 1 < in->nruns && in->runs[r + 1].at < end
                   ? in->runs[r + 1].at
                   : end;
    uint32_t src = run->seq ? run->src + (uint32_t)(from - run->at) : run->src;
    map_add(b, b->len, z - from, src, run->seq);
    r++;
  }
  /* The next ones start within the range: each is a run of b as it is,
   * moved (a text copied through copies most of its map this way). */
  size_t last = r;
  while (last < in->nruns && in->runs[last].at < end)
    last++;
  if (last > r && !b->unmapped && !b->failed) {
    if (!runs_room(b, b->nruns + (last - r)))
      return;
    uint32_t shift = (uint32_t)(b->len - from); /* (modulo 2^32) */
    for (; r < last; r++) {
      cchc_run run = in->runs[r];
      run.at += shift;
      b->runs[b->nruns++] = run;
    }
  }
  r = last;
  if (hint && r > 0)
    *hint = r - 1;
  b->len += n;
}

void cchc_mbuf_putc(cchc_mbuf *b, uint32_t cp, uint32_t src) {
  char tmp[4];
  size_t n = cchc_utf8_encode(cp, tmp);
  cchc_mbuf_put(b, tmp, n, src);
}

void cchc_mbuf_putc_span(cchc_mbuf *b, uint32_t cp, uint32_t src,
                         uint32_t last) {
  char tmp[4];
  size_t n = cchc_utf8_encode(cp, tmp);
  if (n == 1) { /* a one-byte character keeps its start */
    cchc_mbuf_put(b, tmp, 1, src);
    return;
  }
  if (b->len + n + 1 > b->cap && !cchc_mbuf_reserve(b, n))
    return;
  memcpy(b->data + b->len, tmp, n);
  map_add(b, b->len, n - 1, src, false);
  map_add(b, b->len + n - 1, 1, last < src ? src : last, false);
  b->len += n;
}

void cchc_mbuf_truncate(cchc_mbuf *b, size_t len) {
  if (len >= b->len)
    return;
  b->len = len;
  while (b->nruns && b->runs[b->nruns - 1].at >= len)
    b->nruns--;
  if (b->nruns && len - b->runs[b->nruns - 1].at == 1)
    b->runs[b->nruns - 1].seq = false; /* one byte left: either kind */
}

void cchc_mbuf_drop_front(cchc_mbuf *b, size_t n) {
  if (n == 0)
    return;
  if (n >= b->len) {
    b->len = b->nruns = 0;
    return;
  }
  if (!b->nruns) { /* no map */
    b->len -= n;
    memmove(b->data, b->data + n, b->len);
    return;
  }
  size_t r = run_near(b, n, NULL);
  cchc_run *first = &b->runs[r];
  if (first->seq)
    first->src += (uint32_t)(n - first->at);
  first->at = (uint32_t)n;
  b->nruns -= r;
  memmove(b->runs, first, b->nruns * sizeof *b->runs);
  for (size_t k = 0; k < b->nruns; k++)
    b->runs[k].at -= (uint32_t)n;
  b->len -= n;
  memmove(b->data, b->data + n, b->len);
  if (b->nruns && (b->nruns == 1 ? b->len : b->runs[1].at) == 1)
    b->runs[0].seq = false; /* one byte left in it: either kind */
}

void cchc_mbuf_rewrite_begin(cchc_mbuf *out, cchc_mbuf *text) {
  cchc_mbuf_init(out);
  out->data = text->data;
  out->cap = text->cap;
  out->failed = text->failed;
  out->unmapped = text->unmapped;
  out->runs = text->spare_runs;
  out->runs_cap = text->spare_cap;
  text->spare_runs = NULL;
  text->spare_cap = 0;
}

/* Keep `runs` as b's spare map when it is large: a map of a short text
 * is a block of the heap, which the next one reuses as it is (where a
 * spare kept would change what the heap gives back), a long text's is a
 * mapping of its own, whose pages the next would fault in anew. */
enum { SPARE_MIN_BYTES = 256 << 10 };
static void keep_spare(cchc_mbuf *b, cchc_run *runs, size_t cap) {
  free(b->spare_runs); /* (none: rewrite_begin took it) */
  b->spare_runs = NULL;
  b->spare_cap = 0;
  if (runs && cap >= SPARE_MIN_BYTES / sizeof *runs) {
    b->spare_runs = runs;
    b->spare_cap = cap;
  } else {
    free(runs);
  }
}

void cchc_mbuf_rewrite_end(cchc_mbuf *text, cchc_mbuf *out) {
  cchc_run *old = text->runs; /* the bytes are out's now */
  size_t old_cap = text->runs_cap;
  text->runs = NULL;
  keep_spare(out, old, old_cap);
  *text = *out;
  cchc_mbuf_init(out);
  /* A map on huge pages, only read now (until a rewrite after the next
   * writes into it): the end of the huge page it ends in given back, up
   * to 2 MB resident through the next pass. */
  if (text->huge_map && text->runs_cap * sizeof *text->runs >= HUGE_PAGE)
    text->runs = cchc_shrink(text->runs, &text->runs_cap, text->nruns,
                             sizeof *text->runs);
}

void cchc_mbuf_rewrite_undo(cchc_mbuf *text, cchc_mbuf *out) {
  keep_spare(text, out->runs, out->runs_cap);
  free(out->spare_runs);
  cchc_mbuf_init(out);
}

bool cchc_mbuf_terminate(cchc_mbuf *b) {
  if (!cchc_mbuf_reserve(b, 0))
    return false;
  b->data[b->len] = '\0';
  return true;
}

size_t cchc_utf8_encode(uint32_t cp, char *out) {
  size_t n = 0;
  U8_APPEND_UNSAFE((uint8_t *)out, n, (UChar32)cp);
  return n;
}
