-- 0003_reports.sql - citizens' reports: the report, the identifiers its
-- reporter typed in, the indicators taken from it, its evidence files, the
-- conversation with the reporter, and the history of every change.
--
-- Nothing here names the reporter: the receipt is kept only as a slow hash,
-- contact and payout details only sealed to the node's intake key. Report
-- text, files and sealed data are erased by retention (erased is set);
-- the links to indicators and the counts stay.

CREATE TABLE reports (
  id              INTEGER PRIMARY KEY,
  uuid            TEXT NOT NULL UNIQUE,       -- report--<uuid>
  receipt_hash    BLOB NOT NULL UNIQUE,       -- Argon2id of the receipt (report.c)
  category        INTEGER NOT NULL,
  status          INTEGER NOT NULL DEFAULT 0,
  tlp             INTEGER NOT NULL,
  lang            TEXT NOT NULL,
  description     TEXT,                       -- NULL once erased
  occurred_at     INTEGER,
  loss_amount     TEXT,
  loss_currency   TEXT,
  contact_sealed  BLOB,
  payout_sealed   BLOB,
  assignee        TEXT,
  created         INTEGER NOT NULL,
  modified        INTEGER NOT NULL,
  due_at          INTEGER NOT NULL,
  triaged_at      INTEGER,
  actioned_at     INTEGER,
  closed_at       INTEGER,
  overdue_logged  INTEGER NOT NULL DEFAULT 0,
  duplicate_of    INTEGER REFERENCES reports(id),
  reward_state    INTEGER NOT NULL DEFAULT 0,
  reward_amount   TEXT,
  reward_currency TEXT,
  erased          INTEGER
);
CREATE INDEX reports_by_due ON reports (status, due_at);
CREATE INDEX reports_by_created ON reports (created);
CREATE INDEX reports_closed ON reports (closed_at) WHERE closed_at IS NOT NULL AND erased IS NULL;

CREATE TABLE report_idents (
  report_id INTEGER NOT NULL REFERENCES reports(id),
  seq       INTEGER NOT NULL,
  kind      INTEGER NOT NULL,
  value     TEXT NOT NULL,
  qualifier TEXT,
  indicator_id INTEGER,                       -- what it canonicalised to, if anything
  PRIMARY KEY (report_id, seq)
) WITHOUT ROWID;

CREATE TABLE report_indicators (
  report_id    INTEGER NOT NULL REFERENCES reports(id),
  indicator_id INTEGER NOT NULL REFERENCES indicators(id),
  source       INTEGER NOT NULL,              -- 0: a field the reporter filled, 1: the text
  PRIMARY KEY (report_id, indicator_id)
) WITHOUT ROWID;
CREATE INDEX report_indicators_by_indicator ON report_indicators (indicator_id, report_id);

CREATE TABLE report_messages (
  id        INTEGER PRIMARY KEY,
  report_id INTEGER NOT NULL REFERENCES reports(id),
  author    INTEGER NOT NULL,                 -- 0: the reporter, 1: an analyst
  actor     TEXT,                             -- the analyst's key or user; NULL for the reporter
  body      TEXT,                             -- NULL once erased
  created   INTEGER NOT NULL
);
CREATE INDEX report_messages_by_report ON report_messages (report_id, id);

CREATE TABLE report_files (
  id         INTEGER PRIMARY KEY,
  report_id  INTEGER NOT NULL REFERENCES reports(id),
  message_id INTEGER REFERENCES report_messages(id),
  sha256     TEXT NOT NULL,                   -- the file's name under evidence/
  mime       TEXT NOT NULL,
  size       INTEGER NOT NULL,
  name       TEXT,
  created    INTEGER NOT NULL
);
CREATE INDEX report_files_by_report ON report_files (report_id);
CREATE INDEX report_files_by_sha ON report_files (sha256);

CREATE TABLE report_history (
  id        INTEGER PRIMARY KEY,
  report_id INTEGER NOT NULL REFERENCES reports(id),
  at        INTEGER NOT NULL,
  actor     TEXT NOT NULL,
  field     TEXT NOT NULL,
  old       TEXT,
  new       TEXT
);
CREATE INDEX report_history_by_report ON report_history (report_id, id);
