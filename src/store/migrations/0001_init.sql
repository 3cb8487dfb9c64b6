-- 0001_init.sql - the first schema. Times are microseconds since the epoch.
-- One row per canonical value in indicators; the value's id is derived from
-- it (UUIDv5), so one unique index serves both "by id" and "by value".

CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE orgs (
  id      INTEGER PRIMARY KEY,
  stix_id TEXT NOT NULL UNIQUE,
  name    TEXT NOT NULL UNIQUE COLLATE NOCASE,
  country TEXT NOT NULL,
  created INTEGER NOT NULL
);

CREATE TABLE users (
  id       INTEGER PRIMARY KEY,
  org_id   INTEGER NOT NULL REFERENCES orgs(id),
  name     TEXT NOT NULL UNIQUE,
  role     INTEGER NOT NULL,
  pw_hash  TEXT,
  created  INTEGER NOT NULL,
  disabled INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE api_keys (
  id      INTEGER PRIMARY KEY,
  key_id  TEXT NOT NULL UNIQUE,
  org_id  INTEGER NOT NULL REFERENCES orgs(id),
  user_id INTEGER REFERENCES users(id),
  role    INTEGER NOT NULL,
  hash    BLOB NOT NULL,
  label   TEXT,
  created INTEGER NOT NULL,
  revoked INTEGER
);

-- The origin organisation's assertion lives in the row itself; other
-- organisations that assert the same value add a row to indicator_orgs.
CREATE TABLE indicators (
  id          INTEGER PRIMARY KEY,
  uuid        BLOB NOT NULL UNIQUE,
  type        INTEGER NOT NULL,
  value       TEXT NOT NULL,
  org_id      INTEGER NOT NULL REFERENCES orgs(id),
  tlp         INTEGER NOT NULL,
  confidence  INTEGER NOT NULL,
  description TEXT,
  first_seen  INTEGER,
  last_seen   INTEGER,
  valid_until INTEGER,
  created     INTEGER NOT NULL,
  modified    INTEGER NOT NULL,
  revoked     INTEGER NOT NULL DEFAULT 0,
  ext_id      TEXT
);

CREATE TABLE indicator_orgs (
  indicator_id INTEGER NOT NULL,
  org_id       INTEGER NOT NULL,
  tlp          INTEGER NOT NULL,
  first_seen   INTEGER,
  last_seen    INTEGER,
  PRIMARY KEY (indicator_id, org_id)
) WITHOUT ROWID;

CREATE TABLE indicator_tags (
  indicator_id INTEGER NOT NULL,
  tag          TEXT NOT NULL,
  PRIMARY KEY (indicator_id, tag)
) WITHOUT ROWID;
CREATE INDEX indicator_tags_by_tag ON indicator_tags (tag, indicator_id);

CREATE TABLE events (
  id       INTEGER PRIMARY KEY,
  uuid     TEXT NOT NULL UNIQUE,
  org_id   INTEGER NOT NULL REFERENCES orgs(id),
  title    TEXT NOT NULL,
  tlp      INTEGER NOT NULL,
  ext_id   TEXT,
  created  INTEGER NOT NULL,
  modified INTEGER NOT NULL
);
CREATE INDEX events_by_ext ON events (ext_id) WHERE ext_id IS NOT NULL;

CREATE TABLE event_tags (
  event_id INTEGER NOT NULL,
  tag      TEXT NOT NULL,
  PRIMARY KEY (event_id, tag)
) WITHOUT ROWID;

CREATE TABLE event_indicators (
  event_id     INTEGER NOT NULL,
  indicator_id INTEGER NOT NULL,
  PRIMARY KEY (event_id, indicator_id)
) WITHOUT ROWID;
CREATE INDEX event_indicators_by_indicator ON event_indicators (indicator_id, event_id);

CREATE TABLE sightings (
  id           INTEGER PRIMARY KEY,
  indicator_id INTEGER NOT NULL,
  org_id       INTEGER NOT NULL REFERENCES orgs(id),
  count        INTEGER NOT NULL,
  first_seen   INTEGER NOT NULL,
  last_seen    INTEGER NOT NULL,
  created      INTEGER NOT NULL
);
CREATE INDEX sightings_by_indicator ON sightings (indicator_id);

-- Append-only; each entry's hash covers the previous entry's hash.
CREATE TABLE audit (
  id     INTEGER PRIMARY KEY,
  ts     INTEGER NOT NULL,
  actor  TEXT NOT NULL,
  action TEXT NOT NULL,
  object TEXT,
  detail TEXT,
  hash   BLOB NOT NULL
);
