/* jobs.c: a batch on several threads (-j N), finished in input order.
 *
 * The jobs of the inputs in flight live in a ring of W = 8N slots (or as
 * many per worker as the batch asks): input i in slot i % W.  The calling thread prepares inputs while the ring has
 * room, then waits for the oldest one to be done and finishes it; workers
 * take the prepared inputs in order.  The ring is that wide because
 * inputs are finished in order: while one worker is on a long plan (the
 * shared plans run 5 to 136 kB), the others go on with the plans after
 * it, and with 2N slots they stood idle after two each (a tenth of their
 * time on the bench's store plans).  One mutex guards the counters and
 * the done flags; a job itself belongs to the thread that the counters
 * give it to (calling thread until submitted, then one worker until done,
 * then the calling thread again), so it needs no lock of its own.  A
 * batch whose prepare and finish may run on any thread runs as a crew
 * instead (below): no thread feeds the others. */
#include "cli.h"

#include <malloc.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { SLOTS_PER_WORKER = 8 };

typedef struct runner {
  const cli_batch *b;
  char *slots; /* window jobs of b->job_size bytes */
  bool *done;  /* done[i % window]: input i's work is over */
  size_t window;
  /* Inputs [finished, started) are being worked on or done; [started,
   * submitted) wait for a worker; [submitted, n) are not prepared yet. */
  size_t submitted, started, finished;
  bool stop; /* workers take no more inputs */
  pthread_mutex_t lock;
  pthread_cond_t work_cv; /* an input was submitted, or stop */
  pthread_cond_t done_cv; /* an input's work is over */
} runner;

static void *slot(const runner *r, size_t i) {
  return r->slots + (i % r->window) * r->b->job_size;
}

static void *worker(void *arg) {
  runner *r = arg;
  pthread_mutex_lock(&r->lock);
  for (;;) {
    while (!r->stop && r->started == r->submitted)
      pthread_cond_wait(&r->work_cv, &r->lock);
    if (r->stop)
      break;
    size_t i = r->started++;
    pthread_mutex_unlock(&r->lock);
    r->b->work(r->b->ctx, slot(r, i));
    pthread_mutex_lock(&r->lock);
    r->done[i % r->window] = true;
    pthread_cond_signal(&r->done_cv);
  }
  pthread_mutex_unlock(&r->lock);
  return NULL;
}

/* Every input on the calling thread, one after the other. */
static bool run_serial(const cli_batch *b) {
  void *job = malloc(b->job_size ? b->job_size : 1);
  if (!job) {
    cli_errorf("out of memory");
    return false;
  }
  bool go = true;
  for (size_t i = 0; go && i < b->n; i++) {
    memset(job, 0, b->job_size);
    b->prepare(b->ctx, i, job);
    b->work(b->ctx, job);
    go = b->finish(b->ctx, i, job);
  }
  free(job);
  return go;
}

/* The calling thread's part: prepare while the ring has room, finish the
 * oldest input once it is done.  Returns with the lock held, and false
 * when finish stopped the batch. */
static bool feed_and_finish(runner *r) {
  const cli_batch *b = r->b;
  while (r->finished < b->n) {
    while (r->submitted < b->n && r->submitted - r->finished < r->window) {
      size_t i = r->submitted;
      pthread_mutex_unlock(&r->lock);
      memset(slot(r, i), 0, b->job_size);
      b->prepare(b->ctx, i, slot(r, i));
      pthread_mutex_lock(&r->lock);
      r->done[i % r->window] = false;
      r->submitted++;
      pthread_cond_signal(&r->work_cv);
    }
    while (!r->done[r->finished % r->window])
      pthread_cond_wait(&r->done_cv, &r->lock);
    size_t i = r->finished;
    pthread_mutex_unlock(&r->lock);
    bool go = b->finish(b->ctx, i, slot(r, i));
    pthread_mutex_lock(&r->lock);
    r->finished++;
    if (!go)
      return false;
  }
  return true;
}

/* A batch whose prepare and finish may run on any thread (any_thread):
 * each of the N threads, the calling one among them, takes the next
 * input, prepares it and works on it; the thread that completes the oldest
 * input not yet finished finishes it and every done input after it, one
 * thread at a time.  No thread hands work to another, so none sleeps per
 * input: with the calling thread as a third thread on two cores, each
 * input's hand-off (a futex wake, a reschedule interrupt, a worker taken
 * off its core) cost ~3% of the time on the bench's 2,000 plans.  A thread
 * waits only while the ring is full.
 *
 * A batch with begin (the rules' load, some 18 ms of one processor) starts
 * the other threads first: until begin returns they take inputs as the
 * ring has room and run only their early part (prepare, normalize), each
 * input then parked; once it has returned, parked inputs are worked on
 * first, in order, by any thread, and an input whose early part ends
 * after it is worked on by the thread that ran it. */
typedef struct crew {
  const cli_batch *b;
  char *slots;
  bool *done;
  size_t window;
  size_t claimed, finished; /* [finished, claimed): in flight or done */
  size_t waiting;           /* threads asleep on room */
  bool finishing;           /* a thread is finishing inputs */
  bool stop;                /* no input is taken or finished any more */
  bool go;                  /* false when a finish stopped the batch */
  bool begun;               /* begin returned true (or there is none) */
  bool *parked;             /* parked[i % window]: early part run, no work */
  size_t early_n;           /* inputs claimed before begun */
  size_t resumed;           /* [0, resumed) of those: no longer parked */
  pthread_mutex_t lock;
  pthread_cond_t room_cv; /* an input was finished, begun, or stop */
} crew;

static void *crew_slot(const crew *c, size_t i) {
  return c->slots + (i % c->window) * c->b->job_size;
}

/* Lock held, the finishing role taken: finish the done inputs in order. */
static void crew_finish_done(crew *c) {
  const cli_batch *b = c->b;
  while (!c->stop && c->finished < c->claimed &&
         c->done[c->finished % c->window]) {
    size_t i = c->finished;
    pthread_mutex_unlock(&c->lock);
    bool go = b->finish(b->ctx, i, crew_slot(c, i));
    pthread_mutex_lock(&c->lock);
    c->finished++;
    if (!go)
      c->stop = true, c->go = false;
    if (c->waiting)
      pthread_cond_broadcast(&c->room_cv);
  }
}

static void *crew_member(void *arg) {
  crew *c = arg;
  const cli_batch *b = c->b;
  pthread_mutex_lock(&c->lock);
  for (;;) {
    if (!c->finishing && !c->stop && c->finished < c->claimed &&
        c->done[c->finished % c->window]) {
      c->finishing = true;
      crew_finish_done(c);
      c->finishing = false;
      continue;
    }
    if (c->stop)
      break;
    if (c->begun) {
      while (c->resumed < c->early_n && !c->parked[c->resumed % c->window])
        c->resumed++; /* worked on by the thread that ran its early part */
      if (c->resumed < c->early_n) {
        size_t i = c->resumed++;
        c->parked[i % c->window] = false;
        pthread_mutex_unlock(&c->lock);
        b->work(b->ctx, crew_slot(c, i));
        pthread_mutex_lock(&c->lock);
        c->done[i % c->window] = true;
        continue;
      }
      if (c->claimed == b->n)
        break; /* what is left is another thread's to complete and finish */
    }
    if (c->claimed - c->finished == c->window || c->claimed == b->n ||
        (!c->begun && !b->early)) {
      c->waiting++;
      pthread_cond_wait(&c->room_cv, &c->lock);
      c->waiting--;
      continue;
    }
    size_t i = c->claimed++;
    c->done[i % c->window] = false;
    bool early = !c->begun;
    pthread_mutex_unlock(&c->lock);
    void *job = crew_slot(c, i);
    memset(job, 0, b->job_size);
    b->prepare(b->ctx, i, job);
    if (early) {
      b->early(b->ctx, job);
      pthread_mutex_lock(&c->lock);
      if (!c->begun) {
        c->parked[i % c->window] = true;
        continue;
      }
      pthread_mutex_unlock(&c->lock);
    }
    b->work(b->ctx, job);
    pthread_mutex_lock(&c->lock);
    c->done[i % c->window] = true;
  }
  if (c->waiting)
    pthread_cond_broadcast(&c->room_cv);
  pthread_mutex_unlock(&c->lock);
  return NULL;
}

/* The ring of a batch on nthreads threads: *window slots of jobs, their
 * done flags and the threads' handles; false (nothing held) without
 * memory. */
static bool ring_alloc(const cli_batch *b, size_t nthreads, size_t *window,
                       char **slots, bool **done, pthread_t **threads) {
  size_t per = b->slots_per_worker ? b->slots_per_worker : SLOTS_PER_WORKER;
  *window = per * nthreads;
  *threads = calloc(nthreads, sizeof **threads);
  *slots = calloc(*window, b->job_size ? b->job_size : 1);
  *done = calloc(*window, sizeof **done);
  if (*threads && *slots && *done)
    return true;
  free(*threads);
  free(*slots);
  free(*done);
  return false;
}

/* begin, when the batch has one, then every input on the calling
 * thread. */
static bool run_serial_begun(const cli_batch *b) {
  return (!b->begin || b->begin(b->ctx)) && run_serial(b);
}

static bool run_crew(const cli_batch *b, size_t nthreads) {
  crew c = {.b = b, .go = true, .begun = !b->begin};
  pthread_t *threads;
  if (!ring_alloc(b, nthreads, &c.window, &c.slots, &c.done, &threads))
    return run_serial_begun(b);
  if (!(c.parked = calloc(c.window, sizeof *c.parked))) {
    free(threads);
    free(c.slots);
    free(c.done);
    return run_serial_begun(b);
  }
  pthread_mutex_init(&c.lock, NULL);
  pthread_cond_init(&c.room_cv, NULL);
  size_t started = 0;
  while (started + 1 < nthreads &&
         pthread_create(&threads[started], NULL, crew_member, &c) == 0)
    started++;
  if (b->begin) {
    bool ok = b->begin(b->ctx);
    pthread_mutex_lock(&c.lock);
    if (ok)
      c.begun = true, c.early_n = c.claimed;
    else
      c.stop = true, c.go = false;
    pthread_cond_broadcast(&c.room_cv);
    pthread_mutex_unlock(&c.lock);
  }
  crew_member(&c);
  for (size_t t = 0; t < started; t++)
    pthread_join(threads[t], NULL);
  /* Stopped: the inputs taken after the one that stopped the batch are
   * done (every thread has ended) and are released unfinished. */
  for (size_t i = c.finished; i < c.claimed; i++)
    b->discard(b->ctx, crew_slot(&c, i));
  pthread_cond_destroy(&c.room_cv);
  pthread_mutex_destroy(&c.lock);
  free(threads);
  free(c.slots);
  free(c.done);
  free(c.parked);
  return c.go;
}

/* Every input of a batch takes and gives back much the same memory as the
 * one before.  glibc gives the free top of a heap back to the system once
 * it is over 128 kB (the threshold is fixed since main sets
 * M_MMAP_THRESHOLD), so each input faulted the same pages in again: on
 * 2,000 plans 19 minor faults a plan, a tenth of the CPU, and with
 * several threads each give-back of a thread's heap (madvise) stops the
 * other core to flush its TLB.  A batch keeps up to this much; the peak
 * stays that of the largest input, as the pages kept are used again.
 * Blocks up to 4 MB (the text, map and line arrays of a plan) come from the
 * heap too, not from a mapping of their own (main's 256 kB threshold):
 * each such mapping faulted its pages in afresh and its unmap flushed the
 * TLB; on 2,000 plans 11,700 minor faults became 3,100 and the system time
 * halved. */
enum { BATCH_TRIM_THRESHOLD = 64 << 20, BATCH_MMAP_THRESHOLD = 4 << 20 };

static void keep_freed_memory(void) {
#if defined(M_TRIM_THRESHOLD)
  mallopt(M_TRIM_THRESHOLD, BATCH_TRIM_THRESHOLD);
#endif
#if defined(M_MMAP_THRESHOLD)
  mallopt(M_MMAP_THRESHOLD, BATCH_MMAP_THRESHOLD);
#endif
}

bool cli_batch_run(const cli_batch *b) {
  if (b->n > 1)
    keep_freed_memory();
  size_t nthreads = b->jobs < b->n ? b->jobs : b->n;
  if (nthreads <= 1)
    return run_serial_begun(b);
  if (b->any_thread)
    return run_crew(b, nthreads);
  if (b->begin && !b->begin(b->ctx))
    return false;
  runner r = {.b = b};
  pthread_t *threads;
  if (!ring_alloc(b, nthreads, &r.window, &r.slots, &r.done, &threads))
    return run_serial(b);
  pthread_mutex_init(&r.lock, NULL);
  pthread_cond_init(&r.work_cv, NULL);
  pthread_cond_init(&r.done_cv, NULL);
  size_t started = 0;
  while (started < nthreads &&
         pthread_create(&threads[started], NULL, worker, &r) == 0)
    started++;

  bool go;
  if (started == 0) { /* no thread to be had: work on this one */
    go = run_serial(b);
  } else {
    pthread_mutex_lock(&r.lock);
    go = feed_and_finish(&r);
    /* Stopped or at the end: no input is taken any more; those being
     * worked on run to their end before their jobs are discarded. */
    r.stop = true;
    pthread_cond_broadcast(&r.work_cv);
    for (size_t i = r.finished; i < r.started; i++)
      while (!r.done[i % r.window])
        pthread_cond_wait(&r.done_cv, &r.lock);
    pthread_mutex_unlock(&r.lock);
    for (size_t t = 0; t < started; t++)
      pthread_join(threads[t], NULL);
    for (size_t i = r.finished; i < r.submitted; i++)
      b->discard(b->ctx, slot(&r, i));
  }
  pthread_cond_destroy(&r.done_cv);
  pthread_cond_destroy(&r.work_cv);
  pthread_mutex_destroy(&r.lock);
  free(threads);
  free(r.slots);
  free(r.done);
  return go;
}

unsigned cli_default_jobs(void) {
  long n = sysconf(_SC_NPROCESSORS_ONLN);
  return n < 1 ? 1 : n > CLI_MAX_JOBS ? CLI_MAX_JOBS : (unsigned)n;
}
