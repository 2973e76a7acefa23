/* store.c: many plans in one SQLite file.
 *
 * Schema: versioned by PRAGMA user_version; `migrations[i]` brings a store
 * from version i to i+1 and runs in its own transaction.  WAL journal,
 * synchronous=FULL (a committed plan survives a crash of the process or of
 * the machine), foreign keys on, a busy timeout so that concurrent writers
 * wait instead of failing.
 *
 * Put: the store takes a finished frame (cchc_process made it; the store
 * knows nothing of rules).  cchc_store_check lets the caller skip the
 * pipeline for content already stored (one SHA-256, one query).  The frame
 * is rendered outside any lock, then stored in ONE transaction (BEGIN
 * IMMEDIATE ... COMMIT, ROLLBACK on any failure): the documents row with
 * the whole frame JSON, then its targets, deadlines, tasks, task units and
 * references.  A kill at any point leaves either the whole plan or none of
 * it.  Every statement is prepared once with bound parameters; no SQL is
 * ever built from document text. */
#define _GNU_SOURCE
#include "../common/internal.h"

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
};
#define NMIGRATIONS (sizeof migrations / sizeof *migrations)
_Static_assert(NMIGRATIONS == CCHC_STORE_SCHEMA_VERSION,
               "one migration per schema version");

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
  Q_INSERT_TARGET,
  Q_INSERT_DEADLINE,
  Q_INSERT_TASK,
  Q_INSERT_UNIT,
  Q_INSERT_REF,
  Q_BEGIN,
  Q_COMMIT,
  Q_ROLLBACK,
  Q_COUNT
};

static const char *const queries[Q_COUNT] = {
    [Q_LATEST] = "SELECT id, version, sha256 FROM documents WHERE path = ?1"
                 " ORDER BY version DESC LIMIT 1",
    [Q_INSERT_DOC] =
        "INSERT INTO documents (path, version, sha256, kind, level, place,"
        " province, province_key, year, period_start, period_end, number,"
        " date, parent_number, parent_date, title, ingested_at, frame)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13,"
        " ?14, ?15, ?16, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), ?17)",
    [Q_INSERT_TARGET] =
        "INSERT INTO targets (document_id, target_id, section, area,"
        " indicator, subject, comparator, value, value_max, unit, text,"
        " span_start, span_end, rule) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7,"
        " ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
    [Q_INSERT_DEADLINE] =
        "INSERT INTO deadlines (document_id, deadline_id, kind, start,"
        " \"end\", recurrence, year_inferred, text, span_start, span_end,"
        " rule) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    [Q_INSERT_TASK] =
        "INSERT INTO tasks (document_id, task_id, section, area, text,"
        " lead_from, deadline_id, target_id, products, budget, span_start,"
        " span_end, rule) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10,"
        " ?11, ?12, ?13)",
    [Q_INSERT_UNIT] =
        "INSERT INTO task_units (document_id, task_id, role, seq, key, name,"
        " text, span_start, span_end) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7,"
        " ?8, ?9)",
    [Q_INSERT_REF] =
        "INSERT INTO doc_references (document_id, seq, number, kind, date,"
        " issuer, mentions, span_start, span_end, rule) VALUES (?1, ?2, ?3,"
        " ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    [Q_BEGIN] = "BEGIN IMMEDIATE",
    [Q_COMMIT] = "COMMIT",
    [Q_ROLLBACK] = "ROLLBACK",
};

struct cchc_store {
  sqlite3 *db;
  sqlite3_stmt *stmt[Q_COUNT];
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
  for (int i = 0; i < Q_COUNT; i++)
    sqlite3_finalize(s->stmt[i]);
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
                   " PRAGMA foreign_keys = ON;",
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

static int bind_text(sqlite3_stmt *st, int i, const char *v) {
  return v ? sqlite3_bind_text(st, i, v, -1, SQLITE_TRANSIENT)
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

/* Insert the rows of one plan; inside the caller's transaction. */
static int insert_plan(cchc_store *s, const cchc_frame *f, const char *path,
                       int version, const char *json, const char *pkey,
                       int64_t *doc_id) {
  sqlite3_stmt *st = s->stmt[Q_INSERT_DOC];
  int rc = SQLITE_OK;
#define B(x)                                                              \
  do {                                                                    \
    if (rc == SQLITE_OK)                                                  \
      rc = (x);                                                           \
  } while (0)
  B(bind_text(st, 1, path));
  B(sqlite3_bind_int(st, 2, version));
  B(bind_text(st, 3, cchc_frame_sha256(f)));
  B(bind_doc(st, 4, f, CCHC_DOC_KIND));
  B(bind_doc(st, 5, f, CCHC_DOC_LEVEL));
  B(bind_doc(st, 6, f, CCHC_DOC_PLACE));
  B(bind_doc(st, 7, f, CCHC_DOC_PROVINCE));
  B(bind_text(st, 8, pkey));
  const char *year = cchc_frame_document(f, CCHC_DOC_YEAR);
  if (year)
    B(sqlite3_bind_int(st, 9, atoi(year)));
  B(bind_doc(st, 10, f, CCHC_DOC_PERIOD_START));
  B(bind_doc(st, 11, f, CCHC_DOC_PERIOD_END));
  B(bind_doc(st, 12, f, CCHC_DOC_NUMBER));
  B(bind_doc(st, 13, f, CCHC_DOC_DATE));
  B(bind_doc(st, 14, f, CCHC_DOC_PARENT_NUMBER));
  B(bind_doc(st, 15, f, CCHC_DOC_PARENT_DATE));
  B(bind_doc(st, 16, f, CCHC_DOC_TITLE));
  B(bind_text(st, 17, json));
  B(run(st));
  if (rc != SQLITE_OK)
    return rc;
  int64_t id = sqlite3_last_insert_rowid(s->db);
  *doc_id = id;

  st = s->stmt[Q_INSERT_TARGET];
  for (size_t i = 0; rc == SQLITE_OK && i < cchc_frame_targets(f); i++) {
    const cchc_frame_target *t = cchc_frame_target_at(f, i);
    double max = cchc_frame_target_value_max(t);
    B(sqlite3_bind_int64(st, 1, id));
    B(bind_text(st, 2, cchc_frame_target_id(t)));
    B(bind_text(st, 3, section_id(f, cchc_frame_target_section(t))));
    B(bind_text(st, 4, cchc_frame_target_area(t)));
    B(bind_text(st, 5, cchc_frame_target_indicator(t)));
    B(bind_text(st, 6, cchc_frame_target_subject(t)));
    B(bind_text(st, 7, cchc_comparator_name(cchc_frame_target_comparator(t))));
    B(sqlite3_bind_double(st, 8, cchc_frame_target_value(t)));
    if (!isnan(max))
      B(sqlite3_bind_double(st, 9, max));
    B(bind_text(st, 10, cchc_unit_name(cchc_frame_target_unit(t))));
    B(bind_text(st, 11, cchc_frame_target_text(t)));
    B(bind_span(st, 12, cchc_frame_target_span(t)));
    B(bind_text(st, 14, cchc_frame_target_rule(t)));
    B(run(st));
  }
  st = s->stmt[Q_INSERT_DEADLINE];
  for (size_t i = 0; rc == SQLITE_OK && i < cchc_frame_deadlines(f); i++) {
    const cchc_frame_deadline *x = cchc_frame_deadline_at(f, i);
    B(sqlite3_bind_int64(st, 1, id));
    B(bind_text(st, 2, cchc_frame_deadline_id(x)));
    B(bind_text(st, 3, cchc_deadline_kind_name(cchc_frame_deadline_kind(x))));
    B(bind_text(st, 4, cchc_frame_deadline_start(x)));
    B(bind_text(st, 5, cchc_frame_deadline_end(x)));
    B(bind_text(st, 6, cchc_frame_deadline_recurrence(x)));
    B(sqlite3_bind_int(st, 7, cchc_frame_deadline_year_inferred(x)));
    B(bind_text(st, 8, cchc_frame_deadline_text(x)));
    B(bind_span(st, 9, cchc_frame_deadline_span(x)));
    B(bind_text(st, 11, cchc_frame_deadline_rule(x)));
    B(run(st));
  }
  for (size_t i = 0; rc == SQLITE_OK && i < cchc_frame_tasks(f); i++) {
    const cchc_frame_task *t = cchc_frame_task_at(f, i);
    const char *tid = cchc_frame_task_id(t);
    st = s->stmt[Q_INSERT_TASK];
    B(sqlite3_bind_int64(st, 1, id));
    B(bind_text(st, 2, tid));
    B(bind_text(st, 3, section_id(f, cchc_frame_task_section(t))));
    B(bind_text(st, 4, cchc_frame_task_area(t)));
    B(bind_text(st, 5, cchc_frame_task_text(t)));
    B(bind_text(st, 6, cchc_frame_task_lead_from(t)));
    B(bind_text(st, 7, deadline_id(f, cchc_frame_task_deadline(t))));
    B(bind_text(st, 8, target_id(f, cchc_frame_task_target(t))));
    B(bind_text(st, 9, cchc_frame_task_products(t)));
    B(bind_text(st, 10, cchc_frame_task_budget(t)));
    B(bind_span(st, 11, cchc_frame_task_span(t)));
    B(bind_text(st, 13, cchc_frame_task_rule(t)));
    B(run(st));
    st = s->stmt[Q_INSERT_UNIT];
    for (int role = 0; role < 2; role++) {
      size_t n = role ? cchc_frame_task_coordinators(t)
                      : cchc_frame_task_leads(t);
      for (size_t k = 0; rc == SQLITE_OK && k < n; k++) {
        const cchc_frame_unit *u = role ? cchc_frame_task_coordinator_at(t, k)
                                        : cchc_frame_task_lead_at(t, k);
        B(sqlite3_bind_int64(st, 1, id));
        B(bind_text(st, 2, tid));
        B(bind_text(st, 3, role ? "coordinator" : "lead"));
        B(sqlite3_bind_int64(st, 4, (sqlite3_int64)k));
        B(bind_text(st, 5, cchc_frame_unit_key(u)));
        B(bind_text(st, 6, cchc_frame_unit_name(u)));
        B(bind_text(st, 7, cchc_frame_unit_text(u)));
        B(bind_span(st, 8, cchc_frame_unit_span(u)));
        B(run(st));
      }
    }
  }
  st = s->stmt[Q_INSERT_REF];
  for (size_t i = 0; rc == SQLITE_OK && i < cchc_frame_references(f); i++) {
    const cchc_frame_reference *r = cchc_frame_reference_at(f, i);
    B(sqlite3_bind_int64(st, 1, id));
    B(sqlite3_bind_int64(st, 2, (sqlite3_int64)i));
    B(bind_text(st, 3, cchc_frame_reference_number(r)));
    B(bind_text(st, 4, cchc_frame_reference_kind(r)));
    B(bind_text(st, 5, cchc_frame_reference_date(r)));
    B(bind_text(st, 6, cchc_frame_reference_issuer(r)));
    B(sqlite3_bind_int64(st, 7,
                         (sqlite3_int64)cchc_frame_reference_mentions(r)));
    B(bind_span(st, 8, cchc_frame_reference_span(r)));
    B(bind_text(st, 10, cchc_frame_reference_rule(r)));
    B(run(st));
  }
#undef B
  return rc;
}

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

cchc_status cchc_store_put(cchc_store *s, const cchc_frame *frame,
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

  char *json = NULL, *pkey = NULL;
  size_t jlen = 0;
  cchc_status st;
  if ((st = cchc_render(frame, CCHC_FORMAT_JSONL, 0, &json, &jlen, err)) !=
      CCHC_OK)
    goto done;
  /* JSONL ends with a newline: store the document alone. */
  while (jlen && (json[jlen - 1] == '\n' || json[jlen - 1] == '\r'))
    json[--jlen] = '\0';
  const char *prov = cchc_frame_document(frame, CCHC_DOC_PROVINCE);
  if (prov && !(pkey = cchc_match_key(prov, strlen(prov), err))) {
    st = err ? err->code : CCHC_ERR_NOMEM;
    goto done;
  }

  if (run(s->stmt[Q_BEGIN]) != SQLITE_OK) {
    st = db_fail(s, s->db, err, "cannot begin a transaction");
    goto done;
  }
  /* Judged again under the write lock: another writer may have stored
   * this path since. */
  int rc = judge(s, path, sha, &res, &found);
  if (rc == SQLITE_OK && res.outcome == CCHC_INGEST_UNCHANGED) {
    run(s->stmt[Q_ROLLBACK]);
    st = CCHC_OK;
    goto done;
  }
  int version = found ? res.version + 1 : 1;
  int64_t id = 0;
  if (rc == SQLITE_OK)
    rc = insert_plan(s, frame, path, version, json, pkey, &id);
  if (rc == SQLITE_OK)
    rc = run(s->stmt[Q_COMMIT]);
  if (rc != SQLITE_OK) {
    st = db_fail(s, s->db, err, "cannot store the plan");
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
  free(json);
  return st;
}

/* ------------------------------------------------------------------ */
/* Reading                                                            */

static const char *col(sqlite3_stmt *st, int i) {
  return (const char *)sqlite3_column_text(st, i);
}

cchc_status cchc_store_each_plan(cchc_store *s, cchc_store_plan_fn fn,
                                 void *ctx, cchc_error *err) {
  static const char sql[] =
      "SELECT d.id, d.path, d.version, d.sha256, d.kind, d.level, d.place,"
      " d.province, d.year, d.period_start, d.period_end, d.number, d.date,"
      " d.parent_number, d.parent_date, d.ingested_at,"
      " (SELECT count(*) FROM targets t WHERE t.document_id = d.id),"
      " (SELECT count(*) FROM deadlines t WHERE t.document_id = d.id),"
      " (SELECT count(*) FROM tasks t WHERE t.document_id = d.id),"
      " (SELECT count(*) FROM doc_references t WHERE t.document_id = d.id),"
      " (SELECT count(*) FROM targets t WHERE t.document_id = d.id"
      "  AND t.indicator IS NULL)"
      " FROM documents d WHERE " LATEST PLAN_ORDER;
  sqlite3_stmt *st = NULL;
  if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
    return db_fail(s, s->db, err, "cannot list the plans");
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
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
        .targets = (size_t)sqlite3_column_int64(st, 16),
        .deadlines = (size_t)sqlite3_column_int64(st, 17),
        .tasks = (size_t)sqlite3_column_int64(st, 18),
        .references = (size_t)sqlite3_column_int64(st, 19),
        .unclassified = (size_t)sqlite3_column_int64(st, 20),
    };
    if (fn(ctx, &p)) {
      rc = SQLITE_DONE;
      break;
    }
  }
  cchc_status status = CCHC_OK;
  if (rc != SQLITE_DONE)
    status = db_fail(s, s->db, err, "cannot list the plans");
  sqlite3_finalize(st);
  return status;
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
