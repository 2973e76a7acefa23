/* sink.c: the buffered output every format writes to (see emit.h). */
#include "emit.h"

#include <string.h>

void emit_sink_init(emit_sink *s, char *buf, size_t cap, size_t n,
                    cchc_write_fn write, void *ctx) {
  s->write = write;
  s->ctx = ctx;
  s->buf = buf;
  s->cap = cap;
  s->n = n;
  s->pieces = 0;
  s->failed = false;
}

/* Hand the buffered bytes to the writer; after it refuses a piece, drop
 * everything. */
static void drain(emit_sink *s) {
  if (s->n && !s->failed) {
    s->pieces++;
    if (!s->write(s->ctx, s->buf, s->n))
      s->failed = true;
  }
  s->n = 0;
}

/* emit_put when the piece does not fit in the buffer (or the writer
 * refused one). */
void emit_put_through(emit_sink *s, const void *data, size_t len) {
  if (s->failed)
    return;
  if (s->n + len > s->cap) {
    drain(s);
    if (len >= s->cap) { /* a large piece goes through as it is */
      if (!s->failed) {
        s->pieces++;
        if (!s->write(s->ctx, data, len))
          s->failed = true;
      }
      return;
    }
  }
  memcpy(s->buf + s->n, data, len);
  s->n += len;
}

void emit_puts(emit_sink *s, const char *str) { emit_put(s, str, strlen(str)); }

static int put_piece(const char *piece, size_t len, void *s) {
  emit_put(s, piece, len);
  return 0;
}

bool emit_put_json(emit_sink *s, const json_t *v, size_t flags) {
  if (s->failed)
    return true;
  /* json_dumpb writes only what fits but tells the whole length */
  size_t room = s->cap - s->n;
  size_t n = json_dumpb(v, s->buf + s->n, room, flags);
  if (n > room && n <= s->cap) {
    drain(s);
    if (s->failed)
      return true;
    room = s->cap;
    n = json_dumpb(v, s->buf, room, flags);
  }
  if (n == 0) /* no value prints as nothing */
    return false;
  if (n <= room) {
    s->n += n;
    return true;
  }
  /* longer than the buffer: in jansson's pieces */
  return json_dump_callback(v, put_piece, s, flags) == 0;
}

bool emit_sink_flush(emit_sink *s) {
  drain(s);
  return !s->failed;
}
