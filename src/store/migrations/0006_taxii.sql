-- 0006_taxii.sql - the log the TAXII 2.1 server pages collections from
-- (docs/sharing.md, src/service/taxii.c), and the status of objects
-- added through it.
--
-- Each assertion that is in a collection has rows here, one per change,
-- with the time it was added to that collection (date_added, in
-- microseconds, strictly increasing per collection). A collection is a
-- sharing scope: 'community' holds CLEAR and GREEN assertions, 'group:<id>'
-- the AMBER and AMBER+STRICT ones scoped to that sharing group; other
-- assertions (AMBER with no group, RED) are in none. The rows are written
-- by triggers on the two tables that hold assertions (indicators: the
-- origin's; indicator_orgs: every other organisation's), so every writer
-- - the API, imports, citizens' reports, sync - is covered.
--
-- Only an object's latest row in a collection is kept: its content is
-- rendered from the current assertion, so older rows would only serve the
-- same object twice. An assertion that leaves a collection (its marking or
-- group changed, a TAXII DELETE) leaves a row marked deleted there, which
-- the server skips. Pages are read from the primary key, so page N costs
-- what page 1 costs.
--
-- obj_key is the first 8 bytes of the object's uuid (oe_taxii_key(), a
-- function the store registers on every connection: the uuid is a SHA-1
-- of the organisation's identity and the value, which SQL cannot compute);
-- the server checks the whole id when it reads a row by key. It is not
-- indexed: an index on a random key would cost bulk imports nearly half
-- their speed (DESIGN.md), and finding one object by id is rare (a scan
-- of its collection's rows, some 100 ms for a million). The index on the
-- assertion, whose ids mostly grow, finds an object's older rows.

CREATE TABLE taxii_log (
  scope        TEXT NOT NULL,
  date_added   INTEGER NOT NULL,
  obj_key      INTEGER NOT NULL,
  indicator_id INTEGER NOT NULL,
  org_id       INTEGER NOT NULL,
  version      INTEGER NOT NULL, -- the assertion's modified time then
  deleted      INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (scope, date_added)
) WITHOUT ROWID;
CREATE INDEX taxii_log_by_assertion ON taxii_log (indicator_id, org_id);

-- Appending to the log goes through this view, so that the rule lives in
-- one place: the new row's date_added is now (millisecond clock), or one
-- microsecond after the collection's last row when that is later (several
-- changes in one millisecond; SQLite has one writer at a time, so the
-- order is the commit order), and the assertion's older rows in that
-- collection are dropped.
CREATE VIEW taxii_log_add (scope, obj_key, indicator_id, org_id, version, deleted) AS
  SELECT scope, obj_key, indicator_id, org_id, version, deleted FROM taxii_log WHERE 0;

CREATE TRIGGER taxii_log_add INSTEAD OF INSERT ON taxii_log_add
BEGIN
  INSERT INTO taxii_log (scope, date_added, obj_key, indicator_id, org_id, version, deleted)
  VALUES (new.scope,
          max(CAST(round((julianday('now') - 2440587.5) * 86400000.0) AS INTEGER) * 1000,
              ifnull((SELECT max(date_added) FROM taxii_log WHERE scope = new.scope), 0) + 1),
          new.obj_key, new.indicator_id, new.org_id, ifnull(new.version, 0), new.deleted);
  DELETE FROM taxii_log
   WHERE indicator_id = new.indicator_id AND org_id = new.org_id AND scope = new.scope
     AND date_added < (SELECT max(date_added) FROM taxii_log WHERE scope = new.scope);
END;

-- The collection of an assertion of marking T in group G (NULL: none) is
--   CASE WHEN T <= 1 THEN 'community'
--        WHEN T IN (2, 3) AND G IS NOT NULL THEN 'group:' || G END
-- written out below for new and old rows (SQL has no functions of its own).

-- The origin's assertion (the indicators row).
CREATE TRIGGER taxii_indicators_insert AFTER INSERT ON indicators
WHEN new.tlp <= 1 OR (new.tlp IN (2, 3) AND new.group_id IS NOT NULL)
BEGIN
  INSERT INTO taxii_log_add VALUES (
    CASE WHEN new.tlp <= 1 THEN 'community' ELSE 'group:' || new.group_id END,
    oe_taxii_key((SELECT stix_id FROM orgs WHERE id = new.org_id), new.type, new.value),
    new.id, new.org_id, new.modified, 0);
END;

CREATE TRIGGER taxii_indicators_update AFTER UPDATE ON indicators
WHEN old.tlp <= 1 OR (old.tlp IN (2, 3) AND old.group_id IS NOT NULL)
  OR new.tlp <= 1 OR (new.tlp IN (2, 3) AND new.group_id IS NOT NULL)
BEGIN
  INSERT INTO taxii_log_add
  SELECT CASE WHEN old.tlp <= 1 THEN 'community' ELSE 'group:' || old.group_id END,
         oe_taxii_key((SELECT stix_id FROM orgs WHERE id = old.org_id), old.type, old.value),
         old.id, old.org_id, new.modified, 1
   WHERE (old.tlp <= 1 OR (old.tlp IN (2, 3) AND old.group_id IS NOT NULL))
     AND (CASE WHEN old.tlp <= 1 THEN 'community'
               WHEN old.tlp IN (2, 3) AND old.group_id IS NOT NULL THEN 'group:' || old.group_id END)
         IS NOT
         (CASE WHEN new.tlp <= 1 THEN 'community'
               WHEN new.tlp IN (2, 3) AND new.group_id IS NOT NULL THEN 'group:' || new.group_id END);
  INSERT INTO taxii_log_add
  SELECT CASE WHEN new.tlp <= 1 THEN 'community' ELSE 'group:' || new.group_id END,
         oe_taxii_key((SELECT stix_id FROM orgs WHERE id = new.org_id), new.type, new.value),
         new.id, new.org_id, new.modified, 0
   WHERE new.tlp <= 1 OR (new.tlp IN (2, 3) AND new.group_id IS NOT NULL);
END;

CREATE TRIGGER taxii_indicators_delete AFTER DELETE ON indicators
WHEN old.tlp <= 1 OR (old.tlp IN (2, 3) AND old.group_id IS NOT NULL)
BEGIN
  INSERT INTO taxii_log_add VALUES (
    CASE WHEN old.tlp <= 1 THEN 'community' ELSE 'group:' || old.group_id END,
    oe_taxii_key((SELECT stix_id FROM orgs WHERE id = old.org_id), old.type, old.value),
    old.id, old.org_id, old.modified, 1);
END;

-- Every other organisation's assertion (indicator_orgs rows).
CREATE TRIGGER taxii_indicator_orgs_insert AFTER INSERT ON indicator_orgs
WHEN new.tlp <= 1 OR (new.tlp IN (2, 3) AND new.group_id IS NOT NULL)
BEGIN
  INSERT INTO taxii_log_add
  SELECT CASE WHEN new.tlp <= 1 THEN 'community' ELSE 'group:' || new.group_id END,
         oe_taxii_key((SELECT stix_id FROM orgs WHERE id = new.org_id), i.type, i.value),
         new.indicator_id, new.org_id, coalesce(new.modified, new.created, i.modified), 0
    FROM indicators i WHERE i.id = new.indicator_id;
END;

CREATE TRIGGER taxii_indicator_orgs_update AFTER UPDATE ON indicator_orgs
WHEN old.tlp <= 1 OR (old.tlp IN (2, 3) AND old.group_id IS NOT NULL)
  OR new.tlp <= 1 OR (new.tlp IN (2, 3) AND new.group_id IS NOT NULL)
BEGIN
  INSERT INTO taxii_log_add
  SELECT CASE WHEN old.tlp <= 1 THEN 'community' ELSE 'group:' || old.group_id END,
         oe_taxii_key((SELECT stix_id FROM orgs WHERE id = old.org_id), i.type, i.value),
         old.indicator_id, old.org_id, coalesce(new.modified, new.created, i.modified), 1
    FROM indicators i
   WHERE i.id = old.indicator_id
     AND (old.tlp <= 1 OR (old.tlp IN (2, 3) AND old.group_id IS NOT NULL))
     AND (CASE WHEN old.tlp <= 1 THEN 'community'
               WHEN old.tlp IN (2, 3) AND old.group_id IS NOT NULL THEN 'group:' || old.group_id END)
         IS NOT
         (CASE WHEN new.tlp <= 1 THEN 'community'
               WHEN new.tlp IN (2, 3) AND new.group_id IS NOT NULL THEN 'group:' || new.group_id END);
  INSERT INTO taxii_log_add
  SELECT CASE WHEN new.tlp <= 1 THEN 'community' ELSE 'group:' || new.group_id END,
         oe_taxii_key((SELECT stix_id FROM orgs WHERE id = new.org_id), i.type, i.value),
         new.indicator_id, new.org_id, coalesce(new.modified, new.created, i.modified), 0
    FROM indicators i
   WHERE i.id = new.indicator_id
     AND (new.tlp <= 1 OR (new.tlp IN (2, 3) AND new.group_id IS NOT NULL));
END;

CREATE TRIGGER taxii_indicator_orgs_delete AFTER DELETE ON indicator_orgs
WHEN old.tlp <= 1 OR (old.tlp IN (2, 3) AND old.group_id IS NOT NULL)
BEGIN
  INSERT INTO taxii_log_add
  SELECT CASE WHEN old.tlp <= 1 THEN 'community' ELSE 'group:' || old.group_id END,
         oe_taxii_key((SELECT stix_id FROM orgs WHERE id = old.org_id), i.type, i.value),
         old.indicator_id, old.org_id, coalesce(old.modified, old.created, i.modified), 1
    FROM indicators i WHERE i.id = old.indicator_id;
END;

-- What is there already joins the collections now, in id order.
INSERT INTO taxii_log_add
SELECT CASE WHEN i.tlp <= 1 THEN 'community' ELSE 'group:' || i.group_id END,
       oe_taxii_key(o.stix_id, i.type, i.value), i.id, i.org_id, i.modified, 0
  FROM indicators i JOIN orgs o ON o.id = i.org_id
 WHERE i.tlp <= 1 OR (i.tlp IN (2, 3) AND i.group_id IS NOT NULL)
 ORDER BY i.id;
INSERT INTO taxii_log_add
SELECT CASE WHEN x.tlp <= 1 THEN 'community' ELSE 'group:' || x.group_id END,
       oe_taxii_key(o.stix_id, i.type, i.value), x.indicator_id, x.org_id,
       coalesce(x.modified, x.created, i.modified), 0
  FROM indicator_orgs x JOIN indicators i ON i.id = x.indicator_id JOIN orgs o ON o.id = x.org_id
 WHERE x.tlp <= 1 OR (x.tlp IN (2, 3) AND x.group_id IS NOT NULL)
 ORDER BY x.indicator_id, x.org_id;

-- The outcome of each POST of objects, for GET .../status/{id}/: kept a
-- week (the specification asks for at least a day).
CREATE TABLE taxii_status (
  id       TEXT PRIMARY KEY,  -- a v4 uuid
  org_id   INTEGER NOT NULL,  -- only this organisation may read it
  created  INTEGER NOT NULL,
  total    INTEGER NOT NULL,
  success  INTEGER NOT NULL,
  failure  INTEGER NOT NULL,
  pending  INTEGER NOT NULL,
  details  TEXT NOT NULL      -- {"successes":[...],"failures":[...],"pendings":[...]}
);
CREATE INDEX taxii_status_by_created ON taxii_status (created);
