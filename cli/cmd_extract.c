/* cmd_extract.c: cchc extract [-f FORMAT] [-o OUT] [options] [FILE...] */
#define _GNU_SOURCE
#include "cli.h"

#include <pthread.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char extract_help[] =
    "usage: cchc extract [-f FORMAT] [-o OUT] [-j N] [--rules DIR] [--repair]\n"
    "                    [--encoding ENC] [FILE|DIR...]\n"
    "\n"
    "Extract the task frame of each FILE (standard input when none): document\n"
    "metadata, references, sections, targets, deadlines, tasks and leads,\n"
    "each with its byte span in the input and the id of the rule that found\n"
    "it.  A DIR stands for the *.txt files under it, searched recursively in\n"
    "sorted order; symbolic links inside it are not followed (a note names\n"
    "each one skipped) and no directory is walked twice.\n"
    "\n"
    "  -f FORMAT       json    one pretty-printed document (default)\n"
    "                  jsonl   one document per line\n"
    "                  xml     one document\n"
    "                  csv     one row per target, UTF-8 with BOM and a header\n"
    "  -o OUT          write to OUT (atomically).  With json or xml and several\n"
    "                  FILEs, OUT is a directory that receives NAME.json or\n"
    "                  NAME.xml per input; jsonl and csv write every input to\n"
    "                  one stream\n"
    "  -j N            extract on N threads (default: the number of\n"
    "                  processors); the output is the same for every N, in\n"
    "                  the order of the inputs\n"
    "  --rules DIR     the rules directory (default: $CCHC_RULES, else rules/)\n"
    "  --repair        replace invalid bytes with U+FFFD instead of failing\n"
    "  --encoding ENC  utf-8, utf-16le, utf-16be or windows-1258\n"
    "                  (default: detect)\n"
    "\n"
    "A bad input is reported as 'cchc: FILE:LINE: message' and the others\n"
    "are still written; the exit code is then 1.  'cchc schema json' and\n"
    "'cchc schema xml' print the schemas of the output.\n";

static bool is_dir(const char *path) {
  struct stat st;
  return path && stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* DIR/NAME.EXT for input `path`: its base name without the extension. */
static char *output_name(const char *dir, const char *path, const char *ext) {
  const char *base = strcmp(path, "-") ? path : "stdin";
  const char *slash = strrchr(base, '/');
  if (slash)
    base = slash + 1;
  const char *dot = strrchr(base, '.');
  int n = dot && dot != base ? (int)(dot - base) : (int)strlen(base);
  char *name = NULL;
  if (asprintf(&name, "%s/%.*s.%s", dir, n, base, ext) < 0)
    return NULL;
  return name;
}

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* cchc_render_to's writer: an output of cli_out, which reports a failed
 * write itself. */
typedef struct out_sink {
  cli_out *out;
  bool wrote; /* something of the current input reached it */
} out_sink;

static bool write_out(void *ctx, const char *data, size_t len) {
  out_sink *o = ctx;
  o->wrote = true;
  return cli_out_write(o->out, data, len);
}

/* Render `frame` straight into `out`.  Returns CCHC_OK, CCHC_ERR_IO (the
 * output failed, reported) or another failure of the rendering (reported
 * against `path`); *wrote says whether part of it reached the output. */
static cchc_status render_one(const cchc_frame *frame, const char *path,
                              cchc_format format, unsigned flags,
                              cli_out *out, bool *wrote) {
  out_sink sink = {out, false};
  cchc_error err = {0};
  cchc_status st =
      cchc_render_to(frame, format, flags, write_out, &sink, &err);
  if (st != CCHC_OK && st != CCHC_ERR_IO)
    cli_report(path, NULL, 0, &err);
  *wrote = sink.wrote;
  return st;
}

static bool write_direct(void *ctx, const char *data, size_t len) {
  return cli_out_write_direct(ctx, data, len);
}

/* The pieces the documents left `fp` in through stdio: its buffer's (64
 * kB for standard output, main.c), or cchc_render_to's 16 kB when larger,
 * which stdio wrote through (a file's buffer is 4 kB); so the stream
 * leaves in as few writes, and a failing output is found out as soon. */
static size_t stream_piece_size(FILE *fp) {
  enum { RENDER_PIECE = 16 << 10 };
  size_t size = __fbufsize(fp); /* 0 until stdio allocates it */
  struct stat st;
  if (!size)
    size = fstat(fileno(fp), &st) == 0 && st.st_blksize > 0
               ? (size_t)st.st_blksize
               : BUFSIZ;
  return size > RENDER_PIECE ? size : RENDER_PIECE;
}

/* Render `frame` into the stream's buffer, written out each time it is
 * full: the documents of a batch leave in pieces of its size, with no
 * copy into stdio's buffer on the way.  What render_one returns, for
 * *wrote: part of this document (or of those before) reached the
 * output. */
static cchc_status render_buffered(const cchc_frame *frame, const char *path,
                                   cchc_format format, unsigned flags,
                                   cchc_render_buffer *buf, bool *wrote) {
  cchc_error err = {0};
  buf->wrote = false;
  cchc_status st = cchc_render_buffered(frame, format, flags, buf, &err);
  if (st != CCHC_OK && st != CCHC_ERR_IO)
    cli_report(path, NULL, 0, &err);
  *wrote = buf->wrote;
  return st;
}

/* One document into its own file `name`, which a failure leaves as it
 * was. */
static cchc_status render_file(const cchc_frame *frame, const char *path,
                               const char *name, cchc_format format) {
  cli_out out;
  bool wrote;
  if (!cli_out_open(&out, name))
    return CCHC_ERR_IO;
  cchc_status st = render_one(frame, path, format, 0, &out, &wrote);
  if (st != CCHC_OK) {
    cli_out_abort(&out);
    return st;
  }
  return cli_out_commit(&out) ? CCHC_OK : CCHC_ERR_IO;
}

/* -f FORMAT: the format and its name as given, for messages. */
typedef struct format_arg {
  cchc_format format;
  const char *name;
} format_arg;

static bool parse_format(const cli_ctx *ctx, const char *arg, void *out) {
  format_arg *f = out;
  if (!cchc_format_parse(arg, &f->format)) {
    cli_errorf("extract: unknown format '%s' (json, jsonl, xml or csv)", arg);
    return false;
  }
  f->name = arg;
  return true;
}

/* DIR/NAME.EXT for each input, checked for clashes before any work;
 * NULL (error printed) on a clash. */
static char **output_names(const char *dir, char **files, size_t nfiles,
                           const char *ext) {
  char **names = calloc((size_t)nfiles, sizeof *names);
  char **sorted = calloc((size_t)nfiles, sizeof *sorted);
  bool ok = names && sorted;
  for (size_t i = 0; ok && i < nfiles; i++)
    ok = (sorted[i] = names[i] = output_name(dir, files[i], ext)) != NULL;
  if (!ok)
    cli_errorf("out of memory");
  if (ok)
    qsort(sorted, nfiles, sizeof *sorted, cmp_str);
  for (size_t i = 1; ok && i < nfiles; i++)
    if (strcmp(sorted[i - 1], sorted[i]) == 0) {
      cli_errorf("%s: two inputs would be written to this file; give "
                 "inputs with different names, or use -f jsonl",
                 sorted[i]);
      ok = false;
    }
  free(sorted);
  for (size_t i = 0; !ok && names && i < nfiles; i++)
    free(names[i]);
  if (!ok) {
    free(names);
    names = NULL;
  }
  return names;
}

/* Whether the inputs go to one file each (json and xml, one document per
 * output, with several inputs or -o DIR) or to one stream (jsonl, csv);
 * false (error printed) when -o does not suit. */
static bool plan_outputs(const format_arg *f, const char *out_path,
                         size_t nfiles, bool *per_file) {
  bool documents =
      f->format == CCHC_FORMAT_JSON || f->format == CCHC_FORMAT_XML;
  *per_file = documents && (nfiles > 1 || is_dir(out_path));
  if (*per_file && !out_path) {
    cli_errorf("extract: -f %s writes one document per input; with several "
               "inputs give -o DIR, or use -f jsonl for one document per line",
               f->name);
    return false;
  }
  if (*per_file && !is_dir(out_path)) {
    cli_errorf("%s: with several inputs, -o must name a directory "
               "(or use -f jsonl)",
               out_path);
    return false;
  }
  if (!documents && is_dir(out_path)) {
    cli_errorf("%s: -f %s writes one stream; -o must name a file", out_path,
               f->name);
    return false;
  }
  return true;
}

/* Frames handed back to the thread that built them.  A frame's blocks
 * come from its builder's malloc arena, and a free from another thread
 * takes that arena's lock while its owner allocates: at -j 2, where the
 * thread that finishes an input (renders it, in input order) is the other
 * one for about half of them, a thread slept on that lock and was woken
 * some 600 times in 2,000 plans.  So a frame finished by another thread
 * is handed back, and its builder frees it before its next input; with
 * the box full, the finishing thread frees it as before. */
enum { RETURNS_HELD = 64 };
typedef struct frame_returns {
  pthread_mutex_t lock;
  size_t n;
  cchc_frame *held[RETURNS_HELD];
  struct frame_returns *next; /* the run's boxes, freed at its end */
} frame_returns;

/* This thread's box, valid while thread_returns_run is the run's number
 * (a box outlives no run; the calling thread does). */
static _Thread_local frame_returns *thread_returns;
static _Thread_local unsigned long thread_returns_run;
static _Atomic unsigned long returns_runs;

/* One input of the batch: read on the calling thread (standard input
 * too, which only that thread reads), processed by a worker, reported
 * and rendered into its output on the calling thread in input order. */
typedef struct extract_job {
  const char *path;
  cli_input input; /* released once decoded (input_done); kept when
                      decoding failed, for the line of the error */
  bool failed;
  bool data_in_report; /* the error's offset is into data */
  cchc_error err;
  cchc_frame *frame; /* rendered by the calling thread, in order */
  bool early;        /* normalized before the rules were loaded */
  cchc_prepared *prepared; /* that input, until its extraction */
  cchc_process_options popt; /* its options, which prepared points into */
  frame_returns *builder; /* the box of the thread that built frame */
} extract_job;

/* What the batch shares: options and rules read by every thread, the
 * outputs written by the calling thread only. */
typedef struct extract_run {
  cli_ctx *cli;
  const char *out_path;
  bool per_file;
  bool shared_open;
  cchc_render_buffer buffer_space; /* `buffer` when there is one */
  const cchc_rules *rules;
  cchc_normalize_options opt;
  cchc_format format;
  char **files;
  size_t nfiles;
  char **names;   /* per input: DIR/NAME.EXT, or NULL for one stream */
  cli_out *shared;
  /* the stream's buffer (NULL: rendered through stdio, as to a terminal,
   * which sees each document when it ends) */
  cchc_render_buffer *buffer;
  size_t emitted; /* inputs written */
  int rc;
  unsigned long returns_run; /* this run's number, 0 at one thread */
  pthread_mutex_t returns_lock;  /* of the list: */
  frame_returns *returns;        /* every thread's box */
} extract_run;

/* The calling thread's box in this run: NULL at one thread, or without
 * memory for it (frames are then freed where they are finished). */
static frame_returns *own_returns(extract_run *run) {
  if (!run->returns_run)
    return NULL;
  if (thread_returns_run == run->returns_run)
    return thread_returns;
  frame_returns *r = calloc(1, sizeof *r);
  if (r && pthread_mutex_init(&r->lock, NULL)) {
    free(r);
    r = NULL;
  }
  if (r) {
    pthread_mutex_lock(&run->returns_lock);
    r->next = run->returns;
    run->returns = r;
    pthread_mutex_unlock(&run->returns_lock);
  }
  thread_returns = r;
  thread_returns_run = run->returns_run;
  return r;
}

/* Free the frames handed back to `r` (a box held by the finishing thread
 * is left for the next time). */
static void free_returned(frame_returns *r) {
  cchc_frame *held[RETURNS_HELD];
  size_t n = 0;
  if (!r || pthread_mutex_trylock(&r->lock))
    return;
  n = r->n;
  memcpy(held, r->held, n * sizeof *held);
  r->n = 0;
  pthread_mutex_unlock(&r->lock);
  for (size_t i = 0; i < n; i++)
    cchc_frame_free(held[i]);
}

/* A finished job's frame: back to its builder's box when another thread
 * built it and there is room, else freed here. */
static void frame_release(const extract_run *run, cchc_frame *frame,
                          frame_returns *builder) {
  if (frame && builder &&
      !(thread_returns_run == run->returns_run && thread_returns == builder)) {
    pthread_mutex_lock(&builder->lock);
    if (builder->n < RETURNS_HELD) {
      builder->held[builder->n++] = frame;
      frame = NULL;
    }
    pthread_mutex_unlock(&builder->lock);
  }
  cchc_frame_free(frame);
}

/* The end of the run: every box's frames and the boxes. */
static void returns_free(extract_run *run) {
  while (run->returns) {
    frame_returns *r = run->returns;
    run->returns = r->next;
    for (size_t i = 0; i < r->n; i++)
      cchc_frame_free(r->held[i]);
    pthread_mutex_destroy(&r->lock);
    free(r);
  }
  if (thread_returns_run == run->returns_run)
    thread_returns = NULL, thread_returns_run = 0;
}

static void job_release(void *ctx, void *job) {
  extract_job *j = job;
  cli_input_close(&j->input);
  cchc_prepared_free(j->prepared);
  frame_release(ctx, j->frame, j->builder);
  j->frame = NULL;
}

static void extract_prepare(void *ctx, size_t i, void *job) {
  extract_run *run = ctx;
  extract_job *j = job;
  j->path = run->files[i];
  j->failed = !cli_input_open(j->path, &j->input, &j->err);
}

/* The job's input normalized (its first step): the work that needs no
 * rules. */
static void extract_early(void *ctx, void *job) {
  const extract_run *run = ctx;
  extract_job *j = job;
  j->early = true;
  if (j->failed)
    return;
  j->popt = (cchc_process_options){
      .normalize = run->opt, .path = strcmp(j->path, "-") ? j->path : NULL};
  j->popt.normalize.input_done = cli_input_close; /* the frame needs no input */
  j->popt.normalize.input_done_arg = &j->input;
  j->popt.normalize.input_read = cli_input_read;
  j->popt.normalize.input_read_arg = &j->input;
  if (cchc_process_normalize(j->input.data, j->input.len, &j->popt,
                             &j->prepared, &j->err) != CCHC_OK)
    j->failed = j->data_in_report = true;
}

static void extract_work(void *ctx, void *job) {
  extract_run *run = ctx;
  extract_job *j = job;
  j->builder = own_returns(run);
  free_returned(j->builder);
  if (!j->early) /* the rules were there before it was taken */
    extract_early(ctx, job);
  cchc_prepared *p = j->prepared; /* NULL: not opened or not decoded */
  j->prepared = NULL;
  if (p && cchc_process_extract(run->rules, p, &j->frame, &j->err) != CCHC_OK)
    j->failed = j->data_in_report = true;
  /* (an input not opened is not cut short) */
  if (cli_input_cut_short(&j->input, &j->err)) {
    cchc_frame_free(j->frame);
    j->frame = NULL;
    j->failed = true;
    j->data_in_report = false;
  }
}

/* In input order, one input at a time: the frame is rendered straight
 * into its output (no whole document held as a string). */
static bool extract_finish(void *ctx, size_t i, void *job) {
  extract_run *run = ctx;
  extract_job *j = job;
  bool go = true;
  /* (a thread that finishes has its own frames back too: after its last
   * input, it may finish the other's for a while) */
  free_returned(own_returns(run));
  if (j->failed) {
    cli_report(j->path, j->data_in_report ? j->input.data : NULL,
               j->input.len, &j->err);
    run->rc = EXIT_INPUT;
    job_release(ctx, job);
    return true;
  }
  /* CSV: the BOM and header row once, before the first row. */
  unsigned flags = run->format == CCHC_FORMAT_CSV && run->emitted == 0
                       ? CCHC_RENDER_CSV_HEADER
                       : 0;
  bool wrote = false;
  cchc_status st =
      run->names    ? render_file(j->frame, j->path, run->names[i], run->format)
      : run->buffer ? render_buffered(j->frame, j->path, run->format, flags,
                                      run->buffer, &wrote)
                    : render_one(j->frame, j->path, run->format, flags,
                                 run->shared, &wrote);
  if (st == CCHC_ERR_IO || (st != CCHC_OK && wrote)) {
    /* the output failed, or holds half a document: the rest cannot be
     * written */
    run->rc = EXIT_USAGE;
    cli_report_untried(run->nfiles - i - 1);
    go = false;
  } else if (st != CCHC_OK) {
    run->rc = EXIT_INPUT;
  } else {
    run->emitted++;
  }
  job_release(ctx, job);
  return go;
}

/* The batch's set-up, on the calling thread while other threads may
 * normalize the first inputs: the rules, then the stream's output (as
 * before the batch: a rules error leaves the output untouched).  false
 * (printed) stops the batch. */
static bool extract_begin(void *ctx) {
  extract_run *run = ctx;
  if (!(run->rules = cli_rules(run->cli)))
    return false;
  if (!run->per_file &&
      !(run->shared_open = cli_out_open(run->shared, run->out_path)))
    return false;
  cchc_render_buffer *buffer = &run->buffer_space;
  *buffer = (cchc_render_buffer){.write = write_direct, .ctx = run->shared};
  if (run->shared_open && !isatty(fileno(run->shared->fp)) &&
      (buffer->cap = stream_piece_size(run->shared->fp)) &&
      (buffer->data = malloc(buffer->cap)))
    run->buffer = buffer;
  return true;
}

int cmd_extract(cli_ctx *ctx, int argc, char **argv) {
  extract_run run = {.format = CCHC_FORMAT_JSON};
  format_arg format = {CCHC_FORMAT_JSON, "json"};
  const char *out_path = NULL;
  unsigned jobs = cli_default_jobs();
  const cli_option options[] = {
      OPT_CALLBACK('f', "format", &format, parse_format),
      OPT_STRING('o', "output", &out_path),
      OPT_CALLBACK('j', "jobs", &jobs, cli_parse_jobs),
      OPT_FLAG(0, "repair", &run.opt.flags, CCHC_NORM_REPAIR),
      OPT_CALLBACK(0, "encoding", &run.opt.encoding, cli_parse_encoding),
      OPT_END()};
  int rc, first = cli_parse_options(ctx, argc, argv, options, extract_help, &rc);
  if (first < 0)
    return rc;
  int noperands;
  char **operands = cli_inputs(argc, argv, first, &noperands);
  cli_paths files = {0};
  size_t unreadable = 0;
  if (!cli_collect_inputs(operands, noperands, &files, &unreadable))
    return EXIT_USAGE;
  run.format = format.format;
  run.files = files.items;
  run.nfiles = files.n;

  rc = EXIT_USAGE;
  cli_out shared = {0};
  run.cli = ctx;
  run.out_path = out_path;
  run.shared = &shared;
  if (!plan_outputs(&format, out_path, files.n, &run.per_file))
    goto cleanup;
  if (run.per_file && !(run.names = output_names(
                            out_path, files.items, files.n,
                            format.format == CCHC_FORMAT_XML ? "xml" : "json")))
    goto cleanup;

  run.rc = unreadable ? EXIT_INPUT : EXIT_OK;
  if (jobs > 1 && files.n > 1 && !pthread_mutex_init(&run.returns_lock, NULL))
    run.returns_run = ++returns_runs;
  cli_batch batch = {.n = files.n,
                     .jobs = jobs,
                     .job_size = sizeof(extract_job),
                     .ctx = &run,
                     .any_thread = true,
                     /* room for the inputs normalized during the load: 16
                      * a worker let the other thread do 29 inputs, 12 ms
                      * of the load's 19 (p200), where 8 stopped it at 16
                      * inputs, 8 ms; peak memory within 0.5 MB */
                     .slots_per_worker = 16,
                     .prepare = extract_prepare,
                     .work = extract_work,
                     .finish = extract_finish,
                     .discard = job_release,
                     .begin = extract_begin,
                     .early = extract_early};
  if (!cli_batch_run(&batch))
    run.rc = EXIT_USAGE;
  rc = run.rc;

cleanup:
  if (run.shared_open) {
    /* No output file after a stopped command or when nothing was
     * extracted: a failing run leaves the target untouched. */
    bool aborting = rc == EXIT_USAGE || (out_path && run.emitted == 0);
    /* What the stream's buffer holds goes out as stdio's would have: on a
     * commit, and on an abort where the output is written directly
     * (standard output, a device), not into a temporary file.  (A failed
     * write was reported, and fails the commit.) */
    bool flushed = !run.buffer || (aborting && shared.tmp) ||
                   cchc_render_flush(run.buffer, NULL) == CCHC_OK;
    if (aborting)
      cli_out_abort(&shared);
    else if (!flushed | !cli_out_commit(&shared))
      rc = EXIT_USAGE;
  }
  if (run.returns_run) {
    returns_free(&run);
    pthread_mutex_destroy(&run.returns_lock);
  }
  if (run.buffer)
    free(run.buffer->data);
  if (run.names)
    for (size_t i = 0; i < files.n; i++)
      free(run.names[i]);
  free(run.names);
  cli_paths_free(&files);
  return rc;
}
