/* store.c: many plans in one SQLite file.
 *
 * Schema: versioned by PRAGMA user_version; `migrations[i]` brings a store
 * from version i to i+1 and runs in its own transaction.  WAL journal,
 * synchronous=FULL (a committed plan survives a crash of the process or of
 * the machine), a busy timeout so that concurrent writers wait instead of
 * failing.  The foreign keys are declared (ON DELETE CASCADE, for whoever
 * deletes with them on) but not enforced here: every child row is written
 * with its parent, from the same frame, in the same transaction (the tests
 * run PRAGMA foreign_key_check on every store they make).  Enforced, they
 * cost a lookup per row, and a multi-row INSERT that may abort half-way
 * needs a statement journal (the pages it changes copied first, into a
 * temporary file once a statement changes 16 of them, as one that adds
 * targets to the indicator index does): about a quarter of the store's
 * time.  Without them, and with every INSERT "OR ROLLBACK" (a failing row
 * rolls back the whole transaction, which put does anyway), no statement
 * needs one.
 *
 * Put: the store takes a finished frame (cchc_process made it; the store
 * knows nothing of rules).  cchc_store_check lets the caller skip the
 * pipeline for content already stored (one SHA-256, one query).  The frame
 * is rendered outside any lock, then stored in ONE transaction (BEGIN
 * IMMEDIATE ... COMMIT, ROLLBACK on any failure): the documents row with
 * the whole frame JSON, then its targets, deadlines, tasks, task units,
 * references and inconsistencies.  A kill at any point leaves either the
 * whole plan or none of it.  A batch (cchc_store_begin ... commit) puts
 * several plans in one transaction instead: one write of the pages they
 * share and one sync for all, and still all of them or none.  The rows
 * of each table go in by up to 16 to an INSERT.  Every statement is
 * prepared once with bound parameters; no SQL is ever built from document
 * text.
 *
 * Reading: compare and audit read rows (stored.h), not frames; the index
 * on targets (indicator, document_id) gives every indicator's targets in
 * the order compare shows them. */
#define _GNU_SOURCE
#include "stored.h"

#include "../common/strbuf.h"

#include <limits.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const migrations[] = {
    /* 0 -> 1 */
    "CREATE TABLE documents ("
    "  id INTEGER PRIMARY KEY,"
    "  path TEXT NOT NULL,"
    "  version INTEGER NOT NULL,"
    "  sha256 TEXT NOT NULL,"
    "  kind TEXT, level TEXT, place TEXT, province TEXT, province_key TEXT,"
    "  year INTEGER, period_start TEXT, period_end TEXT,"
    "  number TEXT, date TEXT, parent_number TEXT, parent_date TEXT,"
    "  title TEXT,"
    "  ingested_at TEXT NOT NULL,"
    "  frame TEXT NOT NULL,"
    "  UNIQUE (path, version));"
    "CREATE INDEX documents_province ON documents (province_key, year);"
    "CREATE INDEX documents_parent ON documents (parent_number);"
    "CREATE TABLE targets ("
    "  document_id INTEGER NOT NULL REFERENCES documents (id)"
    "    ON DELETE CASCADE,"
    "  target_id TEXT NOT NULL,"
    "  section TEXT, area TEXT, indicator TEXT, subject TEXT,"
    "  comparator TEXT, value REAL, value_max REAL, unit TEXT, text TEXT,"
    "  span_start INTEGER, span_end INTEGER, rule TEXT,"
    "  PRIMARY KEY (document_id, target_id));"
    "CREATE INDEX targets_indicator ON targets (indicator);"
    "CREATE TABLE deadlines ("
    "  document_id INTEGER NOT NULL REFERENCES documents (id)"
    "    ON DELETE CASCADE,"
    "  deadline_id TEXT NOT NULL,"
    "  kind TEXT, start TEXT, \"end\" TEXT, recurrence TEXT,"
    "  year_inferred INTEGER NOT NULL, text TEXT,"
    "  span_start INTEGER, span_end INTEGER, rule TEXT,"
    "  PRIMARY KEY (document_id, deadline_id));"
    "CREATE TABLE tasks ("
    "  document_id INTEGER NOT NULL REFERENCES documents (id)"
    "    ON DELETE CASCADE,"
    "  task_id TEXT NOT NULL,"
    "  section TEXT, area TEXT, text TEXT, lead_from TEXT,"
    "  deadline_id TEXT, target_id TEXT, products TEXT, budget TEXT,"
    "  span_start INTEGER, span_end INTEGER, rule TEXT,"
    "  PRIMARY KEY (document_id, task_id));"
    "CREATE TABLE task_units ("
    "  document_id INTEGER NOT NULL,"
    "  task_id TEXT NOT NULL,"
    "  role TEXT NOT NULL CHECK (role IN ('lead', 'coordinator')),"
    "  seq INTEGER NOT NULL,"
    "  key TEXT, name TEXT, text TEXT, span_start INTEGER, span_end INTEGER,"
    "  PRIMARY KEY (document_id, task_id, role, seq),"
    "  FOREIGN KEY (document_id, task_id) REFERENCES tasks (document_id,"
    "    task_id) ON DELETE CASCADE);"
    "CREATE TABLE doc_references ("
    "  document_id INTEGER NOT NULL REFERENCES documents (id)"
    "    ON DELETE CASCADE,"
    "  seq INTEGER NOT NULL,"
    "  number TEXT, kind TEXT, date TEXT, issuer TEXT,"
    "  mentions INTEGER NOT NULL,"
    "  span_start INTEGER, span_end INTEGER, rule TEXT,"
    "  PRIMARY KEY (document_id, seq));"
    "CREATE INDEX references_number ON doc_references (number);",
    /* 1 -> 2: the inconsistencies, which the audit reads from the tables
     * (taken from the stored frames), and the targets of an indicator by
     * plan with what compare reads of them. */
    "CREATE TABLE inconsistencies ("
    "  document_id INTEGER NOT NULL REFERENCES documents (id)"
    "    ON DELETE CASCADE,"
    "  seq INTEGER NOT NULL,"
    "  indicator TEXT,"
    "  first_target TEXT NOT NULL, second_target TEXT NOT NULL,"
    "  PRIMARY KEY (document_id, seq));"
    "INSERT INTO inconsistencies (document_id, seq, indicator, first_target,"
    "  second_target)"
    "  SELECT d.id, j.key, json_extract(j.value, '$.indicator'),"
    "    json_extract(j.value, '$.first'), json_extract(j.value, '$.second')"
    "  FROM documents d, json_each(d.frame, '$.inconsistencies') j;"
    "DROP INDEX targets_indicator;"
    "CREATE INDEX targets_indicator ON targets (indicator, document_id,"
    "  comparator, unit, value, value_max);",
};
#define NMIGRATIONS (sizeof migrations / sizeof *migrations)
_Static_assert(NMIGRATIONS == CCHC_STORE_SCHEMA_VERSION,
               "one migration per schema version");

/* A group of plans writes some 7 MB of pages (64 plans of about 110 kB:
 * the frame, its rows and their indexes): a cache of 8 MB (SQLite's
 * default is 2) holds the group's pages until its commit instead of
 * spilling them into the WAL and reading them back, and keeps the upper
 * pages of the indexes.  The WAL is copied into the database (a
 * checkpoint, with its own syncs) once it holds 8,192 pages (32 MB)
 * rather than SQLite's 1,000, which every group's commit passed: the
 * pages that every group writes again (the last leaf of each table and
 * index) are copied once per checkpoint, not once per group.  Neither
 * touches what a commit syncs: a committed group is in the WAL on disk
 * whatever the checkpoint. */
#define STORE_CACHE_KIB "-8192"
#define STORE_CHECKPOINT_PAGES "8192"

/* Latest version of each path. */
#define LATEST                                                            \
  "NOT EXISTS (SELECT 1 FROM documents n WHERE n.path = d.path"           \
  " AND n.version > d.version)"

#define PLAN_ORDER                                                        \
  " ORDER BY d.province_key, CASE d.level WHEN 'province' THEN 0"        \
  " WHEN 'city' THEN 1 WHEN 'district' THEN 2 ELSE 3 END, d.place, d.path"

enum {
  Q_LATEST,
  Q_INSERT_DOC,
  Q_BEGIN,
  Q_COMMIT,
  Q_ROLLBACK,
  Q_COUNT
};

static const char *const queries[Q_COUNT] = {
    [Q_LATEST] = "SELECT id, version, sha256 FROM documents WHERE path = ?1"
                 " ORDER BY version DESC LIMIT 1",
    [Q_INSERT_DOC] =
        "INSERT OR ROLLBACK INTO documents (path, version, sha256, kind,"
        " level, place, province, province_key, year, period_start,"
        " period_end, number, date, parent_number, parent_date, title,"
        " ingested_at, frame)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13,"
        " ?14, ?15, ?16, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), ?17)",
    [Q_BEGIN] = "BEGIN IMMEDIATE",
    [Q_COMMIT] = "COMMIT",
    [Q_ROLLBACK] = "ROLLBACK",
};

/* The rows of a plan below its document: each table's rows go in by up
 * to ROWS_PER_INSERT to one INSERT (its VALUES a list of that many rows):
 * a statement's own cost (opening the table and its indexes, its end) is
 * paid once for them.  The statement for k rows is made on first use
 * (insert_sql). */
enum { ROWS_PER_INSERT = 16 };

enum {
  T_TARGETS,
  T_DEADLINES,
  T_TASKS,
  T_UNITS,
  T_REFERENCES,
  T_INCONSISTENCIES,
  T_COUNT
};

typedef struct row_cursor row_cursor;
/* Bind the cursor's row to parameters base + 1 on, and move past it. */
typedef int (*row_binder)(sqlite3_stmt *st, int base, row_cursor *c);

typedef struct child_table {
  const char *name;
  const char *columns;
  int ncolumns;
  row_binder bind;
} child_table;

#define DOCUMENT_COLUMNS                                                  \
  "d.id, d.path, d.version, d.sha256, d.kind, d.level, d.place,"          \
  " d.province, d.year, d.period_start, d.period_end, d.number, d.date,"  \
  " d.parent_number, d.parent_date, d.ingested_at"
enum { DOCUMENT_NCOLUMNS = 16 };

/* What compare and audit read (stored.h).  The index on targets holds
 * what compare reads of every target with an indicator. */
#define TARGET_COLUMNS                                                    \
  "t.document_id, t.rowid, t.target_id, t.indicator, t.area, t.subject,"  \
  " t.text, t.comparator, t.unit, t.value, t.value_max, t.span_start,"    \
  " t.span_end"

enum {
  R_DOCUMENT,
  R_TARGETS,
  R_CLASSIFIED,
  R_TARGET_AT,
  R_TASKS,
  R_INCONSISTENCIES,
  R_COUNT
};

static const char *const reads[R_COUNT] = {
    [R_DOCUMENT] = "SELECT " DOCUMENT_COLUMNS " FROM documents d"
                   " WHERE d.id = ?1",
    [R_TARGETS] = "SELECT " TARGET_COLUMNS " FROM targets t"
                  " WHERE t.document_id = ?1 ORDER BY t.rowid",
    /* what the index holds, so that the table is not read */
    [R_CLASSIFIED] = "SELECT t.document_id, t.rowid, NULL, t.indicator,"
                     " NULL, NULL, NULL, t.comparator, t.unit, t.value,"
                     " t.value_max, 0, 0 FROM targets t"
                     " WHERE t.indicator IS NOT NULL"
                     " ORDER BY t.indicator, t.document_id, t.rowid",
    [R_TARGET_AT] = "SELECT " TARGET_COLUMNS " FROM targets t"
                    " WHERE t.rowid = ?1",
    [R_TASKS] = "SELECT k.text, k.span_start, k.span_end, d.\"end\", d.text"
                " FROM tasks k LEFT JOIN deadlines d"
                " ON d.document_id = k.document_id"
                " AND d.deadline_id = k.deadline_id"
                " WHERE k.document_id = ?1 ORDER BY k.rowid",
    [R_INCONSISTENCIES] =
        "SELECT i.indicator, a.rowid, b.rowid FROM inconsistencies i"
        " JOIN targets a ON a.document_id = i.document_id"
        " AND a.target_id = i.first_target"
        " JOIN targets b ON b.document_id = i.document_id"
        " AND b.target_id = i.second_target"
        " WHERE i.document_id = ?1 ORDER BY i.seq",
};

struct cchc_store {
  sqlite3 *db;
  sqlite3_stmt *stmt[Q_COUNT];
  /* insert[t][k - 1]: k rows into child table t, made on first use */
  sqlite3_stmt *insert[T_COUNT][ROWS_PER_INSERT];
  sqlite3_stmt *read[R_COUNT]; /* prepared on first use */
  bool batch; /* a cchc_store_begin transaction is open */
};

static cchc_status db_fail(cchc_store *s, sqlite3 *db, cchc_error *err,
                           const char *what) {
  (void)s;
  int code = db ? sqlite3_errcode(db) : SQLITE_ERROR;
  return cchc_fail(err, code == SQLITE_NOMEM ? CCHC_ERR_NOMEM
                                             : CCHC_ERR_INTERNAL,
                   "store: %s: %s", what,
                   db ? sqlite3_errmsg(db) : sqlite3_errstr(code));
}

cchc_status stored_read_begin(cchc_store *s, cchc_error *err) {
  if (s->batch) return CCHC_OK; /* inside a batch's transaction already */
  if (sqlite3_exec(s->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
    return db_fail(s, s->db, err, "begin reading");
  return CCHC_OK;
}

void stored_read_end(cchc_store *s) {
  if (!s->batch && !sqlite3_get_autocommit(s->db))
    sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL);
}

static int user_version(sqlite3 *db, int *v) {
  sqlite3_stmt *st = NULL;
  int rc = sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL);
  if (rc == SQLITE_OK) {
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
      *v = sqlite3_column_int(st, 0);
      rc = SQLITE_OK;
    }
  }
  sqlite3_finalize(st);
  return rc;
}

static cchc_status migrate(cchc_store *s, cchc_error *err) {
  sqlite3 *db = s->db;
  int v = 0;
  if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
    return db_fail(s, db, err, "cannot lock the store");
  if (user_version(db, &v) != SQLITE_OK) {
    sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    return db_fail(s, db, err, "cannot read the schema version");
  }
  /* user_version is any 32-bit integer another program may have set: only
   * 0 (a new file) to NMIGRATIONS index the migrations. */
  if (v < 0 || v > (int)NMIGRATIONS) {
    sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    return cchc_fail(err, CCHC_ERR_UNSUPPORTED,
                     "store: schema version %d is %s (this cchc knows 0 to "
                     "%d)",
                     v, v < 0 ? "not one of cchc's" : "newer than this cchc",
                     (int)NMIGRATIONS);
  }
  for (; v < (int)NMIGRATIONS; v++) {
    char pragma[64];
    snprintf(pragma, sizeof pragma, "PRAGMA user_version = %d", v + 1);
    if (sqlite3_exec(db, migrations[v], NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_exec(db, pragma, NULL, NULL, NULL) != SQLITE_OK) {
      cchc_status st = db_fail(s, db, err, "migration failed");
      sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
      return st;
    }
  }
  if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
    cchc_status st = db_fail(s, db, err, "cannot commit the schema");
    sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    return st;
  }
  return CCHC_OK;
}

void cchc_store_close(cchc_store *s) {
  if (!s)
    return;
  if (s->batch)
    sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
  for (int i = 0; i < Q_COUNT; i++)
    sqlite3_finalize(s->stmt[i]);
  for (int t = 0; t < T_COUNT; t++)
    for (int k = 0; k < ROWS_PER_INSERT; k++)
      sqlite3_finalize(s->insert[t][k]);
  for (int i = 0; i < R_COUNT; i++)
    sqlite3_finalize(s->read[i]);
  sqlite3_close(s->db);
  free(s);
}

cchc_status cchc_store_open(const char *path, cchc_store **out,
                            cchc_error *err) {
  *out = NULL;
  if (!path || !*path)
    return cchc_fail(err, CCHC_ERR_INVALID, "store: no database path");
  cchc_store *s = calloc(1, sizeof *s);
  if (!s)
    return cchc_fail(err, CCHC_ERR_NOMEM, "out of memory");
  int rc = sqlite3_open_v2(path, &s->db,
                           SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
                               SQLITE_OPEN_NOMUTEX,
                           NULL);
  cchc_status st = CCHC_OK;
  if (rc != SQLITE_OK) {
    st = db_fail(s, s->db, err, path);
    goto fail;
  }
  sqlite3_extended_result_codes(s->db, 0);
  sqlite3_busy_timeout(s->db, 10000);
  /* journal_mode returns a row: step it rather than exec to check. */
  char *msg = NULL;
  if (sqlite3_exec(s->db,
                   "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;"
                   " PRAGMA foreign_keys = OFF;"
                   " PRAGMA cache_size = " STORE_CACHE_KIB ";"
                   " PRAGMA wal_autocheckpoint = " STORE_CHECKPOINT_PAGES ";",
                   NULL, NULL, &msg) != SQLITE_OK) {
    st = cchc_fail(err, CCHC_ERR_INTERNAL, "store: %s: %s", path,
                   msg ? msg : "cannot configure");
    sqlite3_free(msg);
    goto fail;
  }
  if ((st = migrate(s, err)) != CCHC_OK)
    goto fail;
  for (int i = 0; i < Q_COUNT; i++)
    if (sqlite3_prepare_v3(s->db, queries[i], -1, SQLITE_PREPARE_PERSISTENT,
                           &s->stmt[i], NULL) != SQLITE_OK) {
      st = db_fail(s, s->db, err, "cannot prepare a statement");
      goto fail;
    }
  *out = s;
  return CCHC_OK;
fail:
  cchc_store_close(s);
  return st;
}

/* ------------------------------------------------------------------ */
/* Binding                                                            */

/* Bound without a copy (SQLITE_STATIC): every string bound here (the
 * frame's, the caller's, static names) outlives the step, and each
 * statement's bindings are cleared when it is reset. */
static int bind_text(sqlite3_stmt *st, int i, const char *v) {
  return v ? sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC)
           : sqlite3_bind_null(st, i);
}

static int bind_span(sqlite3_stmt *st, int i, cchc_span sp) {
  int rc = sqlite3_bind_int64(st, i, (sqlite3_int64)sp.start);
  return rc ? rc : sqlite3_bind_int64(st, i + 1, (sqlite3_int64)sp.end);
}

/* Step a prepared INSERT and reset it. */
static int run(sqlite3_stmt *st) {
  int rc = sqlite3_step(st);
  sqlite3_reset(st);
  sqlite3_clear_bindings(st);
  return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* Ids of the items a target or task refers to; NULL for none. */
static const char *section_id(const cchc_frame *f, size_t i) {
  const cchc_frame_section *s = cchc_frame_section_at(f, i);
  return s ? cchc_frame_section_id(s) : NULL;
}

static const char *deadline_id(const cchc_frame *f, size_t i) {
  const cchc_frame_deadline *d = cchc_frame_deadline_at(f, i);
  return d ? cchc_frame_deadline_id(d) : NULL;
}

static const char *target_id(const cchc_frame *f, size_t i) {
  const cchc_frame_target *t = cchc_frame_target_at(f, i);
  return t ? cchc_frame_target_id(t) : NULL;
}

/* Bind document field `field` to parameter i. */
static int bind_doc(sqlite3_stmt *st, int i, const cchc_frame *f,
                    cchc_doc_field field) {
  return bind_text(st, i, cchc_frame_document(f, field));
}

/* The latest version of `path`: *found, its id, version and hash. */
static int latest(cchc_store *s, const char *path, bool *found, int64_t *id,
                  int *version, char sha[65]) {
  sqlite3_stmt *st = s->stmt[Q_LATEST];
  *found = false;
  int rc = bind_text(st, 1, path);
  if (rc == SQLITE_OK) {
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
      *found = true;
      *id = sqlite3_column_int64(st, 0);
      *version = sqlite3_column_int(st, 1);
      const unsigned char *h = sqlite3_column_text(st, 2);
      snprintf(sha, 65, "%s", h ? (const char *)h : "");
      rc = SQLITE_OK;
    } else if (rc == SQLITE_DONE) {
      rc = SQLITE_OK;
    }
  }
  sqlite3_reset(st);
  sqlite3_clear_bindings(st);
  return rc;
}

#define BIND(x)                                                           \
  do {                                                                    \
    if (rc == SQLITE_OK)                                                  \
      rc = (x);                                                           \
  } while (0)

/* Where a plan's rows stand: row `at` of `n` is bound next; the units
 * (of every task, its leads then its coordinators) by task, role and
 * unit. */
struct row_cursor {
  const cchc_frame *f;
  int64_t document_id;
  size_t n, at;
  size_t task, role, unit;
};

static int bind_target(sqlite3_stmt *st, int b, row_cursor *c) {
  const cchc_frame *f = c->f;
  const cchc_frame_target *t = cchc_frame_target_at(f, c->at++);
  double max = cchc_frame_target_value_max(t);
  int rc = SQLITE_OK;
  BIND(sqlite3_bind_int64(st, b + 1, c->document_id));
  BIND(bind_text(st, b + 2, cchc_frame_target_id(t)));
  BIND(bind_text(st, b + 3, section_id(f, cchc_frame_target_section(t))));
  BIND(bind_text(st, b + 4, cchc_frame_target_area(t)));
  BIND(bind_text(st, b + 5, cchc_frame_target_indicator(t)));
  BIND(bind_text(st, b + 6, cchc_frame_target_subject(t)));
  BIND(bind_text(st, b + 7,
                 cchc_comparator_name(cchc_frame_target_comparator(t))));
  BIND(sqlite3_bind_double(st, b + 8, cchc_frame_target_value(t)));
  BIND(isnan(max) ? sqlite3_bind_null(st, b + 9)
                  : sqlite3_bind_double(st, b + 9, max));
  BIND(bind_text(st, b + 10, cchc_unit_name(cchc_frame_target_unit(t))));
  BIND(bind_text(st, b + 11, cchc_frame_target_text(t)));
  BIND(bind_span(st, b + 12, cchc_frame_target_span(t)));
  BIND(bind_text(st, b + 14, cchc_frame_target_rule(t)));
  return rc;
}

static int bind_deadline(sqlite3_stmt *st, int b, row_cursor *c) {
  const cchc_frame_deadline *x = cchc_frame_deadline_at(c->f, c->at++);
  int rc = SQLITE_OK;
  BIND(sqlite3_bind_int64(st, b + 1, c->document_id));
  BIND(bind_text(st, b + 2, cchc_frame_deadline_id(x)));
  BIND(bind_text(st, b + 3,
                 cchc_deadline_kind_name(cchc_frame_deadline_kind(x))));
  BIND(bind_text(st, b + 4, cchc_frame_deadline_start(x)));
  BIND(bind_text(st, b + 5, cchc_frame_deadline_end(x)));
  BIND(bind_text(st, b + 6, cchc_frame_deadline_recurrence(x)));
  BIND(sqlite3_bind_int(st, b + 7, cchc_frame_deadline_year_inferred(x)));
  BIND(bind_text(st, b + 8, cchc_frame_deadline_text(x)));
  BIND(bind_span(st, b + 9, cchc_frame_deadline_span(x)));
  BIND(bind_text(st, b + 11, cchc_frame_deadline_rule(x)));
  return rc;
}

static int bind_task(sqlite3_stmt *st, int b, row_cursor *c) {
  const cchc_frame *f = c->f;
  const cchc_frame_task *t = cchc_frame_task_at(f, c->at++);
  int rc = SQLITE_OK;
  BIND(sqlite3_bind_int64(st, b + 1, c->document_id));
  BIND(bind_text(st, b + 2, cchc_frame_task_id(t)));
  BIND(bind_text(st, b + 3, section_id(f, cchc_frame_task_section(t))));
  BIND(bind_text(st, b + 4, cchc_frame_task_area(t)));
  BIND(bind_text(st, b + 5, cchc_frame_task_text(t)));
  BIND(bind_text(st, b + 6, cchc_frame_task_lead_from(t)));
  BIND(bind_text(st, b + 7, deadline_id(f, cchc_frame_task_deadline(t))));
  BIND(bind_text(st, b + 8, target_id(f, cchc_frame_task_target(t))));
  BIND(bind_text(st, b + 9, cchc_frame_task_products(t)));
  BIND(bind_text(st, b + 10, cchc_frame_task_budget(t)));
  BIND(bind_span(st, b + 11, cchc_frame_task_span(t)));
  BIND(bind_text(st, b + 13, cchc_frame_task_rule(t)));
  return rc;
}

/* Units of task i in role `role` (0 leads, 1 coordinators). */
static size_t units_in(const cchc_frame_task *t, size_t role) {
  return role ? cchc_frame_task_coordinators(t) : cchc_frame_task_leads(t);
}

static size_t count_units(const cchc_frame *f) {
  size_t n = 0;
  for (size_t i = 0; i < cchc_frame_tasks(f); i++)
    n += units_in(cchc_frame_task_at(f, i), 0) +
         units_in(cchc_frame_task_at(f, i), 1);
  return n;
}

static int bind_unit(sqlite3_stmt *st, int b, row_cursor *c) {
  const cchc_frame_task *t = cchc_frame_task_at(c->f, c->task);
  while (c->unit == units_in(t, c->role)) { /* c->at < c->n: one is left */
    c->unit = 0;
    c->role = !c->role;
    if (!c->role)
      t = cchc_frame_task_at(c->f, ++c->task);
  }
  size_t k = c->unit++;
  c->at++;
  const cchc_frame_unit *u = c->role ? cchc_frame_task_coordinator_at(t, k)
                                     : cchc_frame_task_lead_at(t, k);
  int rc = SQLITE_OK;
  BIND(sqlite3_bind_int64(st, b + 1, c->document_id));
  BIND(bind_text(st, b + 2, cchc_frame_task_id(t)));
  BIND(bind_text(st, b + 3, c->role ? "coordinator" : "lead"));
  BIND(sqlite3_bind_int64(st, b + 4, (sqlite3_int64)k));
  BIND(bind_text(st, b + 5, cchc_frame_unit_key(u)));
  BIND(bind_text(st, b + 6, cchc_frame_unit_name(u)));
  BIND(bind_text(st, b + 7, cchc_frame_unit_text(u)));
  BIND(bind_span(st, b + 8, cchc_frame_unit_span(u)));
  return rc;
}

static int bind_reference(sqlite3_stmt *st, int b, row_cursor *c) {
  size_t i = c->at++;
  const cchc_frame_reference *r = cchc_frame_reference_at(c->f, i);
  int rc = SQLITE_OK;
  BIND(sqlite3_bind_int64(st, b + 1, c->document_id));
  BIND(sqlite3_bind_int64(st, b + 2, (sqlite3_int64)i));
  BIND(bind_text(st, b + 3, cchc_frame_reference_number(r)));
  BIND(bind_text(st, b + 4, cchc_frame_reference_kind(r)));
  BIND(bind_text(st, b + 5, cchc_frame_reference_date(r)));
  BIND(bind_text(st, b + 6, cchc_frame_reference_issuer(r)));
  BIND(sqlite3_bind_int64(st, b + 7,
                          (sqlite3_int64)cchc_frame_reference_mentions(r)));
  BIND(bind_span(st, b + 8, cchc_frame_reference_span(r)));
  BIND(bind_text(st, b + 10, cchc_frame_reference_rule(r)));
  return rc;
}

static int bind_inconsistency(sqlite3_stmt *st, int b, row_cursor *c) {
  const cchc_frame *f = c->f;
  size_t i = c->at++;
  const cchc_frame_inconsistency *x = cchc_frame_inconsistency_at(f, i);
  int rc = SQLITE_OK;
  BIND(sqlite3_bind_int64(st, b + 1, c->document_id));
  BIND(sqlite3_bind_int64(st, b + 2, (sqlite3_int64)i));
  BIND(bind_text(st, b + 3, cchc_frame_inconsistency_indicator(x)));
  BIND(bind_text(st, b + 4, target_id(f, cchc_frame_inconsistency_first(x))));
  BIND(bind_text(st, b + 5,
                 target_id(f, cchc_frame_inconsistency_second(x))));
  return rc;
}

/* In the order insert_plan fills them: the units after every task (the
 * rows of each table in the frame's order, as its rowids give them). */
static const child_table children[T_COUNT] = {
    [T_TARGETS] = {"targets",
                   "document_id, target_id, section, area, indicator,"
                   " subject, comparator, value, value_max, unit, text,"
                   " span_start, span_end, rule",
                   14, bind_target},
    [T_DEADLINES] = {"deadlines",
                     "document_id, deadline_id, kind, start, \"end\","
                     " recurrence, year_inferred, text, span_start,"
                     " span_end, rule",
                     11, bind_deadline},
    [T_TASKS] = {"tasks",
                 "document_id, task_id, section, area, text, lead_from,"
                 " deadline_id, target_id, products, budget, span_start,"
                 " span_end, rule",
                 13, bind_task},
    [T_UNITS] = {"task_units",
                 "document_id, task_id, role, seq, key, name, text,"
                 " span_start, span_end",
                 9, bind_unit},
    [T_REFERENCES] = {"doc_references",
                      "document_id, seq, number, kind, date, issuer,"
                      " mentions, span_start, span_end, rule",
                      10, bind_reference},
    [T_INCONSISTENCIES] = {"inconsistencies",
                           "document_id, seq, indicator, first_target,"
                           " second_target",
                           5, bind_inconsistency},
};

/* The INSERT of k rows into child table `t` (malloc'd; NULL when out of
 * memory): the table's columns, then k lists of as many parameters.  Only
 * names from `children` go into it, never document text. */
static char *insert_sql(const child_table *t, int k) {
  strbuf sb = STRBUF_INIT;
  strbuf_addf(&sb, "INSERT OR ROLLBACK INTO %s (%s) VALUES ", t->name,
              t->columns);
  for (int r = 0; r < k; r++) {
    strbuf_addstr(&sb, r ? ", (" : "(");
    for (int i = 0; i < t->ncolumns; i++)
      strbuf_addstr(&sb, i ? ", ?" : "?");
    strbuf_addch(&sb, ')');
  }
  return strbuf_detach(&sb, NULL);
}

/* The cursor's rows into child table `t`, up to ROWS_PER_INSERT to a
 * statement. */
static int insert_rows(cchc_store *s, int t, row_cursor *c) {
  const child_table *table = &children[t];
  int rc = SQLITE_OK;
  while (rc == SQLITE_OK && c->at < c->n) {
    size_t left = c->n - c->at;
    int k = left < ROWS_PER_INSERT ? (int)left : ROWS_PER_INSERT;
    sqlite3_stmt **st = &s->insert[t][k - 1];
    if (!*st) {
      char *sql = insert_sql(table, k);
      rc = sql ? sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT,
                                    st, NULL)
               : SQLITE_NOMEM;
      free(sql);
    }
    for (int r = 0; rc == SQLITE_OK && r < k; r++)
      rc = table->bind(*st, r * table->ncolumns, c);
    BIND(run(*st));
  }
  return rc;
}

/* Insert the rows of one plan; inside the caller's transaction. */
static int insert_plan(cchc_store *s, const cchc_frame *f, const char *path,
                       int version, const char *json, size_t jlen,
                       const char *pkey, int64_t *doc_id) {
  sqlite3_stmt *st = s->stmt[Q_INSERT_DOC];
  int rc = SQLITE_OK;
  BIND(bind_text(st, 1, path));
  BIND(sqlite3_bind_int(st, 2, version));
  BIND(bind_text(st, 3, cchc_frame_sha256(f)));
  BIND(bind_doc(st, 4, f, CCHC_DOC_KIND));
  BIND(bind_doc(st, 5, f, CCHC_DOC_LEVEL));
  BIND(bind_doc(st, 6, f, CCHC_DOC_PLACE));
  BIND(bind_doc(st, 7, f, CCHC_DOC_PROVINCE));
  BIND(bind_text(st, 8, pkey));
  /* Every parameter is bound on every use, NULL ones too: none keeps a
   * binding of an earlier plan. */
  const char *year = cchc_frame_document(f, CCHC_DOC_YEAR);
  BIND(year ? sqlite3_bind_int(st, 9, atoi(year))
            : sqlite3_bind_null(st, 9));
  BIND(bind_doc(st, 10, f, CCHC_DOC_PERIOD_START));
  BIND(bind_doc(st, 11, f, CCHC_DOC_PERIOD_END));
  BIND(bind_doc(st, 12, f, CCHC_DOC_NUMBER));
  BIND(bind_doc(st, 13, f, CCHC_DOC_DATE));
  BIND(bind_doc(st, 14, f, CCHC_DOC_PARENT_NUMBER));
  BIND(bind_doc(st, 15, f, CCHC_DOC_PARENT_DATE));
  BIND(bind_doc(st, 16, f, CCHC_DOC_TITLE));
  BIND(sqlite3_bind_text(st, 17, json, (int)jlen, SQLITE_STATIC));
  BIND(run(st));
  if (rc != SQLITE_OK)
    return rc;
  int64_t id = sqlite3_last_insert_rowid(s->db);
  *doc_id = id;

  const size_t rows[T_COUNT] = {
      [T_TARGETS] = cchc_frame_targets(f),
      [T_DEADLINES] = cchc_frame_deadlines(f),
      [T_TASKS] = cchc_frame_tasks(f),
      [T_UNITS] = count_units(f),
      [T_REFERENCES] = cchc_frame_references(f),
      [T_INCONSISTENCIES] = cchc_frame_inconsistencies(f),
  };
  for (int t = 0; rc == SQLITE_OK && t < T_COUNT; t++) {
    row_cursor c = {.f = f, .document_id = id, .n = rows[t]};
    rc = insert_rows(s, t, &c);
  }
  return rc;
}
#undef BIND

/* The outcome of storing content `sha` under `path`, judged against the
 * latest version; *id and *version are the stored ones when found. */
static int judge(cchc_store *s, const char *path, const char *sha,
                 cchc_ingest_result *res, bool *found) {
  char old_sha[65] = "";
  int64_t id = 0;
  int version = 0;
  int rc = latest(s, path, found, &id, &version, old_sha);
  memset(res, 0, sizeof *res);
  if (rc != SQLITE_OK)
    return rc;
  if (!*found) {
    res->outcome = CCHC_INGEST_ADDED;
  } else if (strcmp(sha, old_sha) == 0) {
    res->outcome = CCHC_INGEST_UNCHANGED;
    res->document_id = id;
    res->version = version;
  } else {
    res->outcome = CCHC_INGEST_NEW_VERSION;
    res->version = version; /* the latest; put stores version + 1 */
  }
  return SQLITE_OK;
}

cchc_status cchc_store_check(cchc_store *s, const char *path,
                             const char *sha256, cchc_ingest_result *result,
                             cchc_error *err) {
  cchc_ingest_result res;
  bool found = false;
  if (!s || !path || !sha256 || !result)
    return cchc_fail(err, CCHC_ERR_INVALID, "store: invalid argument");
  if (judge(s, path, sha256, &res, &found) != SQLITE_OK)
    return db_fail(s, s->db, err, "cannot read the store");
  if (res.outcome != CCHC_INGEST_UNCHANGED)
    res.version = 0;
  *result = res;
  return CCHC_OK;
}

cchc_status cchc_store_begin(cchc_store *s, cchc_error *err) {
  if (!s || s->batch)
    return cchc_fail(err, CCHC_ERR_INVALID,
                     "store: %s", s ? "a batch is open already"
                                    : "invalid argument");
  if (run(s->stmt[Q_BEGIN]) != SQLITE_OK)
    return db_fail(s, s->db, err, "cannot begin a batch");
  s->batch = true;
  return CCHC_OK;
}

void cchc_store_rollback(cchc_store *s) {
  if (!s || !s->batch)
    return;
  s->batch = false;
  if (!sqlite3_get_autocommit(s->db))
    run(s->stmt[Q_ROLLBACK]);
}

cchc_status cchc_store_commit(cchc_store *s, cchc_error *err) {
  if (!s || !s->batch)
    return cchc_fail(err, CCHC_ERR_INVALID, "store: no batch is open");
  s->batch = false;
  if (run(s->stmt[Q_COMMIT]) == SQLITE_OK)
    return CCHC_OK;
  cchc_status st = db_fail(s, s->db, err, "cannot commit the batch");
  if (!sqlite3_get_autocommit(s->db))
    run(s->stmt[Q_ROLLBACK]);
  return st;
}

/* cchc_store_put, with the frame's JSON when the caller rendered it
 * (json NULL: rendered here). */
static cchc_status put(cchc_store *s, const cchc_frame *frame,
                       const char *json, size_t jlen,
                       cchc_ingest_result *result, cchc_error *err) {
  cchc_ingest_result res;
  memset(&res, 0, sizeof res);
  if (result)
    *result = res;
  const char *path = frame ? cchc_frame_path(frame) : NULL;
  const char *sha = frame ? cchc_frame_sha256(frame) : NULL;
  if (!s || !path || !sha)
    return cchc_fail(err, CCHC_ERR_INVALID,
                     "store: a frame with its source path and SHA-256 is "
                     "needed");
  bool found = false;
  if (judge(s, path, sha, &res, &found) != SQLITE_OK)
    return db_fail(s, s->db, err, "cannot read the store");
  if (res.outcome == CCHC_INGEST_UNCHANGED) {
    if (result)
      *result = res;
    return CCHC_OK;
  }

  char *rendered = NULL, *pkey = NULL;
  cchc_status st = CCHC_OK;
  if (!json &&
      (st = cchc_render(frame, CCHC_FORMAT_JSONL, 0, &rendered, &jlen,
                        err)) != CCHC_OK)
    goto done;
  if (!json)
    json = rendered;
  /* JSONL ends with a newline: store the document alone. */
  while (jlen && (json[jlen - 1] == '\n' || json[jlen - 1] == '\r'))
    jlen--;
  if (jlen > INT_MAX) {
    st = cchc_fail(err, CCHC_ERR_TOO_LARGE, "store: the frame is too large");
    goto done;
  }
  const char *prov = cchc_frame_document(frame, CCHC_DOC_PROVINCE);
  if (prov && !(pkey = cchc_match_key(prov, strlen(prov), err))) {
    st = err ? err->code : CCHC_ERR_NOMEM;
    goto done;
  }

  /* In a batch the write lock is held since cchc_store_begin, and the
   * judgement above was made under it. */
  bool own = !s->batch;
  int rc = SQLITE_OK;
  if (own) {
    if (run(s->stmt[Q_BEGIN]) != SQLITE_OK) {
      st = db_fail(s, s->db, err, "cannot begin a transaction");
      goto done;
    }
    /* Judged again under the write lock: another writer may have stored
     * this path since. */
    rc = judge(s, path, sha, &res, &found);
    if (rc == SQLITE_OK && res.outcome == CCHC_INGEST_UNCHANGED) {
      run(s->stmt[Q_ROLLBACK]);
      st = CCHC_OK;
      goto done;
    }
  }
  int version = found ? res.version + 1 : 1;
  int64_t id = 0;
  if (rc == SQLITE_OK)
    rc = insert_plan(s, frame, path, version, json, jlen, pkey, &id);
  if (rc == SQLITE_OK && own)
    rc = run(s->stmt[Q_COMMIT]);
  if (rc != SQLITE_OK) {
    /* Nothing of the plan stays; in a batch, nothing of the batch. */
    st = db_fail(s, s->db, err, "cannot store the plan");
    s->batch = false;
    if (!sqlite3_get_autocommit(s->db))
      run(s->stmt[Q_ROLLBACK]);
    goto done;
  }
  res.outcome = found ? CCHC_INGEST_NEW_VERSION : CCHC_INGEST_ADDED;
  res.document_id = id;
  res.version = version;
  res.targets = cchc_frame_targets(frame);
  res.deadlines = cchc_frame_deadlines(frame);
  res.tasks = cchc_frame_tasks(frame);
  res.references = cchc_frame_references(frame);
  st = CCHC_OK;
done:
  if (st == CCHC_OK && result)
    *result = res;
  free(pkey);
  free(rendered);
  return st;
}

cchc_status cchc_store_put(cchc_store *s, const cchc_frame *frame,
                           cchc_ingest_result *result, cchc_error *err) {
  return put(s, frame, NULL, 0, result, err);
}

cchc_status cchc_store_put_rendered(cchc_store *s, const cchc_frame *frame,
                                    const char *json, size_t len,
                                    cchc_ingest_result *result,
                                    cchc_error *err) {
  if (!json)
    return cchc_fail(err, CCHC_ERR_INVALID, "store: no JSON given");
  return put(s, frame, json, len, result, err);
}

/* ------------------------------------------------------------------ */
/* Reading                                                            */

static const char *col(sqlite3_stmt *st, int i) {
  return (const char *)sqlite3_column_text(st, i);
}

/* A plan's row: DOCUMENT_COLUMNS, then the counts when the query has
 * them. */
static cchc_store_plan document_row(sqlite3_stmt *st) {
  cchc_store_plan p = {
      .id = sqlite3_column_int64(st, 0),
      .path = col(st, 1),
      .version = sqlite3_column_int(st, 2),
      .sha256 = col(st, 3),
      .kind = col(st, 4),
      .level = col(st, 5),
      .place = col(st, 6),
      .province = col(st, 7),
      .year = sqlite3_column_int(st, 8),
      .period_start = col(st, 9),
      .period_end = col(st, 10),
      .number = col(st, 11),
      .date = col(st, 12),
      .parent_number = col(st, 13),
      .parent_date = col(st, 14),
      .ingested_at = col(st, 15),
  };
  if (sqlite3_column_count(st) > DOCUMENT_NCOLUMNS) {
    p.targets = (size_t)sqlite3_column_int64(st, 16);
    p.deadlines = (size_t)sqlite3_column_int64(st, 17);
    p.tasks = (size_t)sqlite3_column_int64(st, 18);
    p.references = (size_t)sqlite3_column_int64(st, 19);
    p.unclassified = (size_t)sqlite3_column_int64(st, 20);
  }
  return p;
}

/* A row of statement `st` to the caller's function `fn` (a pointer to
 * it), as its reader does. */
typedef int (*row_reader)(sqlite3_stmt *st, const void *fn, void *ctx);

/* Step `st` (NULL: it could not be made ready), each row to `row`, until
 * the end or until it returns non-zero. */
static cchc_status step_rows(cchc_store *s, sqlite3_stmt *st, row_reader row,
                             const void *fn, void *ctx, cchc_error *err) {
  int rc = st ? SQLITE_OK : SQLITE_ERROR;
  while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW)
    rc = row(st, fn, ctx) ? SQLITE_DONE : SQLITE_OK;
  return rc == SQLITE_DONE ? CCHC_OK
                           : db_fail(s, s->db, err, "cannot read the store");
}

static int document_of(sqlite3_stmt *st, const void *fn, void *ctx) {
  cchc_store_plan p = document_row(st);
  return (*(const cchc_store_plan_fn *)fn)(ctx, &p);
}

/* The plans `sql` selects, with the filter bound as ?1 (province key) and
 * ?2 (year) when it has them. */
static cchc_status each_document(cchc_store *s, const char *sql,
                                 const stored_filter *filter,
                                 cchc_store_plan_fn fn, void *ctx,
                                 cchc_error *err) {
  char *key = NULL;
  const char *province = filter ? filter->province : NULL;
  if (province && !(key = cchc_match_key(province, strlen(province), err)))
    return err ? err->code : CCHC_ERR_NOMEM;
  sqlite3_stmt *st = NULL;
  int rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);
  if (rc == SQLITE_OK && sqlite3_bind_parameter_count(st) == 2) {
    rc = bind_text(st, 1, key);
    if (rc == SQLITE_OK)
      rc = sqlite3_bind_int(st, 2, filter ? filter->year : 0);
  }
  cchc_status status =
      step_rows(s, rc == SQLITE_OK ? st : NULL, document_of, &fn, ctx, err);
  sqlite3_finalize(st);
  free(key);
  return status;
}

cchc_status cchc_store_each_plan(cchc_store *s, cchc_store_plan_fn fn,
                                 void *ctx, cchc_error *err) {
  static const char sql[] =
      "SELECT " DOCUMENT_COLUMNS ","
      " (SELECT count(*) FROM targets t WHERE t.document_id = d.id),"
      " (SELECT count(*) FROM deadlines t WHERE t.document_id = d.id),"
      " (SELECT count(*) FROM tasks t WHERE t.document_id = d.id),"
      " (SELECT count(*) FROM doc_references t WHERE t.document_id = d.id),"
      " (SELECT count(*) FROM targets t WHERE t.document_id = d.id"
      "  AND t.indicator IS NULL)"
      " FROM documents d WHERE " LATEST PLAN_ORDER;
  return each_document(s, sql, NULL, fn, ctx, err);
}

cchc_status stored_each_document(cchc_store *s, const stored_filter *filter,
                                 cchc_store_plan_fn fn, void *ctx,
                                 cchc_error *err) {
  static const char sql[] =
      "SELECT " DOCUMENT_COLUMNS " FROM documents d WHERE " LATEST
      " AND (?1 IS NULL OR d.province_key = ?1)"
      " AND (?2 = 0 OR d.year = ?2)" PLAN_ORDER;
  return each_document(s, sql, filter, fn, ctx, err);
}

/* Step read `which` (its ?1 bound to `id` when it has one), calling `row`
 * on each row with `fn`, a pointer to the caller's function.  A read's
 * statement is prepared once: a callback may run other reads, not its
 * own. */
static cchc_status each_row(cchc_store *s, int which, int64_t id,
                            row_reader row, const void *fn, void *ctx,
                            cchc_error *err) {
  sqlite3_stmt *st = s->read[which];
  int rc = SQLITE_OK;
  if (!st) {
    rc = sqlite3_prepare_v3(s->db, reads[which], -1,
                            SQLITE_PREPARE_PERSISTENT, &s->read[which], NULL);
    st = s->read[which];
  }
  if (rc == SQLITE_OK && sqlite3_bind_parameter_count(st) > 0)
    rc = sqlite3_bind_int64(st, 1, id);
  cchc_status status =
      step_rows(s, rc == SQLITE_OK ? st : NULL, row, fn, ctx, err);
  if (st) {
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
  }
  return status;
}

cchc_status stored_document(cchc_store *s, int64_t id, cchc_store_plan_fn fn,
                            void *ctx, cchc_error *err) {
  return each_row(s, R_DOCUMENT, id, document_of, &fn, ctx, err);
}

static cchc_span span_of(sqlite3_stmt *st, int i) {
  cchc_span sp = {(size_t)sqlite3_column_int64(st, i),
                  (size_t)sqlite3_column_int64(st, i + 1)};
  return sp;
}

static int target_row(sqlite3_stmt *st, const void *fn, void *ctx) {
  stored_target t = {
      .document_id = sqlite3_column_int64(st, 0),
      .rowid = sqlite3_column_int64(st, 1),
      .target_id = col(st, 2),
      .indicator = col(st, 3),
      .area = col(st, 4),
      .subject = col(st, 5),
      .text = col(st, 6),
      .comparator = col(st, 7),
      .unit = col(st, 8),
      .value = sqlite3_column_double(st, 9),
      .has_value_max = sqlite3_column_type(st, 10) != SQLITE_NULL,
      .value_max = sqlite3_column_double(st, 10),
      .span = span_of(st, 11),
  };
  return (*(const stored_target_fn *)fn)(ctx, &t);
}

cchc_status stored_each_target(cchc_store *s, int64_t document_id,
                               stored_target_fn fn, void *ctx,
                               cchc_error *err) {
  return each_row(s, R_TARGETS, document_id, target_row, &fn, ctx,
                  err);
}

cchc_status stored_each_classified(cchc_store *s, stored_target_fn fn,
                                   void *ctx, cchc_error *err) {
  return each_row(s, R_CLASSIFIED, 0, target_row, &fn, ctx, err);
}

cchc_status stored_target_at(cchc_store *s, int64_t rowid, stored_target_fn fn,
                             void *ctx, cchc_error *err) {
  return each_row(s, R_TARGET_AT, rowid, target_row, &fn, ctx, err);
}

static int task_row(sqlite3_stmt *st, const void *fn, void *ctx) {
  stored_task t = {.text = col(st, 0),
                   .span = span_of(st, 1),
                   .due = col(st, 3),
                   .deadline_text = col(st, 4)};
  return (*(const stored_task_fn *)fn)(ctx, &t);
}

cchc_status stored_each_task(cchc_store *s, int64_t document_id,
                             stored_task_fn fn, void *ctx, cchc_error *err) {
  return each_row(s, R_TASKS, document_id, task_row, &fn, ctx, err);
}

static int inconsistency_row(sqlite3_stmt *st, const void *fn,
                             void *ctx) {
  stored_inconsistency x = {.indicator = col(st, 0),
                            .first = sqlite3_column_int64(st, 1),
                            .second = sqlite3_column_int64(st, 2)};
  return (*(const stored_inconsistency_fn *)fn)(ctx, &x);
}

cchc_status stored_each_inconsistency(cchc_store *s, int64_t document_id,
                                      stored_inconsistency_fn fn, void *ctx,
                                      cchc_error *err) {
  return each_row(s, R_INCONSISTENCIES, document_id, inconsistency_row,
                  &fn, ctx, err);
}

cchc_status cchc_store_each_frame(cchc_store *s, const char *province,
                                  int year, cchc_store_frame_fn fn, void *ctx,
                                  cchc_error *err) {
  static const char sql[] =
      "SELECT d.id, d.frame FROM documents d WHERE " LATEST
      " AND (?1 IS NULL OR d.province_key = ?1)"
      " AND (?2 = 0 OR d.year = ?2)" PLAN_ORDER;
  char *key = NULL;
  if (province && !(key = cchc_match_key(province, strlen(province), err)))
    return err ? err->code : CCHC_ERR_NOMEM;
  sqlite3_stmt *st = NULL;
  cchc_status status = CCHC_OK;
  if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK ||
      bind_text(st, 1, key) != SQLITE_OK ||
      sqlite3_bind_int(st, 2, year) != SQLITE_OK) {
    status = db_fail(s, s->db, err, "cannot read the frames");
    goto done;
  }
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    if (fn(ctx, sqlite3_column_int64(st, 0), col(st, 1))) {
      rc = SQLITE_DONE;
      break;
    }
  }
  if (rc != SQLITE_DONE)
    status = db_fail(s, s->db, err, "cannot read the frames");
done:
  sqlite3_finalize(st);
  free(key);
  return status;
}
