-- 0007_taxii_revocations.sql - what left a collection is served as a
-- revocation, objects are found by id from an index, and new assertions
-- join the log in bulk when their transaction commits (docs/taxii.md).
--
-- 1. Revocations. A row marked deleted (the assertion left the collection:
--    its marking was raised, its group changed, a TAXII DELETE) was
--    skipped by the server, so a peer that held the object kept it. Such a
--    row is now served as a revocation tombstone (id, type, modified,
--    revoked: true; nothing of the value) to each caller that could see
--    the object under the marking it had there (tlp, below) and cannot
--    see it now. A member taken out of a sharing group cannot read the
--    group's collection any more, so each object of the group gets a
--    tombstone for that member alone (audience) in 'community', the
--    collection every caller reads.
--
--    Deleted rows are written through the view taxii_log_gone; live rows
--    still through taxii_log_add (0006), whose columns are unchanged.
--
-- 2. Finding an object by id (GET .../objects/{id}/, versions/, DELETE,
--    match[id], and a revocation received from a peer) reads the index on
--    obj_key instead of a collection's rows. The triggers find the older
--    rows of an assertion by it too, so it replaces the index on the
--    assertion (indicator_id, org_id).
--
-- 3. Sightings travel with their indicator. A CLEAR or GREEN sighting of
--    a value puts its origin's assertion again at the end of the
--    collection it is in, and the server serves the value's sightings
--    beside it (to callers that may see that assertion). A sighting keeps
--    the STIX id it arrived with, and the peer it came from.
--
-- 4. Bulk speed. A random-key index costs a bulk import dearly when its
--    entries arrive one row at a time. New rows of indicators therefore no
--    longer join the log in a trigger: at each commit the store appends,
--    in one statement, every indicator above taxii_mark.logged to its
--    collection, ordered by key so that the index fills page by page
--    (sqlite.c, taxii_flush). The rows of one transaction get consecutive
--    date_added in that order. An update of an indicator not logged yet
--    writes nothing: the flush logs its state at commit.

ALTER TABLE taxii_log ADD COLUMN tlp INTEGER;                     -- deleted rows: the marking it had here
ALTER TABLE taxii_log ADD COLUMN audience INTEGER NOT NULL DEFAULT 0; -- 0 all; >0 an org; <0 minus a peer id

-- The key finds an object's rows, for a reader and for the triggers that
-- drop an assertion's older rows alike (the key is the assertion's: its
-- organisation's identity and its value), so it replaces the index on the
-- assertion: one secondary index, as before.
CREATE INDEX taxii_log_by_key ON taxii_log (obj_key);
DROP INDEX taxii_log_by_assertion;
DROP TRIGGER taxii_log_add;
CREATE TRIGGER taxii_log_add INSTEAD OF INSERT ON taxii_log_add
BEGIN
  INSERT INTO taxii_log (scope, date_added, obj_key, indicator_id, org_id, version, deleted)
  VALUES (new.scope,
          max(CAST(round((julianday('now') - 2440587.5) * 86400000.0) AS INTEGER) * 1000,
              ifnull((SELECT max(date_added) FROM taxii_log WHERE scope = new.scope), 0) + 1),
          new.obj_key, new.indicator_id, new.org_id, ifnull(new.version, 0), new.deleted);
  DELETE FROM taxii_log
   WHERE obj_key = new.obj_key AND indicator_id = new.indicator_id AND org_id = new.org_id
     AND scope = new.scope
     AND date_added < (SELECT max(date_added) FROM taxii_log WHERE scope = new.scope);
END;

-- The indicators rows up to this id are in the log (or in no collection).
CREATE TABLE taxii_mark (
  id     INTEGER PRIMARY KEY CHECK (id = 1),
  logged INTEGER NOT NULL
);
INSERT INTO taxii_mark VALUES (1, ifnull((SELECT max(id) FROM indicators), 0));

-- Appending a deleted row: as taxii_log_add, but it replaces only the
-- assertion's older rows of the same audience in that collection (a
-- tombstone for one former member leaves the others' in place).
CREATE VIEW taxii_log_gone (scope, obj_key, indicator_id, org_id, version, tlp, audience) AS
  SELECT scope, obj_key, indicator_id, org_id, version, tlp, audience FROM taxii_log WHERE 0;

CREATE TRIGGER taxii_log_gone INSTEAD OF INSERT ON taxii_log_gone
BEGIN
  INSERT INTO taxii_log (scope, date_added, obj_key, indicator_id, org_id, version, deleted, tlp, audience)
  VALUES (new.scope,
          max(CAST(round((julianday('now') - 2440587.5) * 86400000.0) AS INTEGER) * 1000,
              ifnull((SELECT max(date_added) FROM taxii_log WHERE scope = new.scope), 0) + 1),
          new.obj_key, new.indicator_id, new.org_id, ifnull(new.version, 0), 1, new.tlp,
          ifnull(new.audience, 0));
  DELETE FROM taxii_log
   WHERE obj_key = new.obj_key AND indicator_id = new.indicator_id AND org_id = new.org_id
     AND scope = new.scope AND audience = ifnull(new.audience, 0)
     AND date_added < (SELECT max(date_added) FROM taxii_log WHERE scope = new.scope);
END;

-- The triggers of 0006 that wrote deleted rows, now with the marking the
-- object had; the insert trigger of indicators gives way to the flush.
DROP TRIGGER taxii_indicators_insert;
DROP TRIGGER taxii_indicators_update;
DROP TRIGGER taxii_indicators_delete;
DROP TRIGGER taxii_indicator_orgs_update;
DROP TRIGGER taxii_indicator_orgs_delete;

CREATE TRIGGER taxii_indicators_update AFTER UPDATE ON indicators
WHEN old.id <= (SELECT logged FROM taxii_mark)
 AND (old.tlp <= 1 OR (old.tlp IN (2, 3) AND old.group_id IS NOT NULL)
   OR new.tlp <= 1 OR (new.tlp IN (2, 3) AND new.group_id IS NOT NULL))
BEGIN
  INSERT INTO taxii_log_gone
  SELECT CASE WHEN old.tlp <= 1 THEN 'community' ELSE 'group:' || old.group_id END,
         oe_taxii_key((SELECT stix_id FROM orgs WHERE id = old.org_id), old.type, old.value),
         old.id, old.org_id, new.modified, old.tlp, 0
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
WHEN old.id <= (SELECT logged FROM taxii_mark)
 AND (old.tlp <= 1 OR (old.tlp IN (2, 3) AND old.group_id IS NOT NULL))
BEGIN
  INSERT INTO taxii_log_gone VALUES (
    CASE WHEN old.tlp <= 1 THEN 'community' ELSE 'group:' || old.group_id END,
    oe_taxii_key((SELECT stix_id FROM orgs WHERE id = old.org_id), old.type, old.value),
    old.id, old.org_id, old.modified, old.tlp, 0);
END;

CREATE TRIGGER taxii_indicator_orgs_update AFTER UPDATE ON indicator_orgs
WHEN old.tlp <= 1 OR (old.tlp IN (2, 3) AND old.group_id IS NOT NULL)
  OR new.tlp <= 1 OR (new.tlp IN (2, 3) AND new.group_id IS NOT NULL)
BEGIN
  INSERT INTO taxii_log_gone
  SELECT CASE WHEN old.tlp <= 1 THEN 'community' ELSE 'group:' || old.group_id END,
         oe_taxii_key((SELECT stix_id FROM orgs WHERE id = old.org_id), i.type, i.value),
         old.indicator_id, old.org_id, coalesce(new.modified, new.created, i.modified), old.tlp, 0
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
  INSERT INTO taxii_log_gone
  SELECT CASE WHEN old.tlp <= 1 THEN 'community' ELSE 'group:' || old.group_id END,
         oe_taxii_key((SELECT stix_id FROM orgs WHERE id = old.org_id), i.type, i.value),
         old.indicator_id, old.org_id, coalesce(old.modified, old.created, i.modified), old.tlp, 0
    FROM indicators i WHERE i.id = old.indicator_id;
END;

-- A member leaves a sharing group: each object in the group's collection
-- gets a tombstone for it alone in 'community' (an organisation by its id,
-- a peer named as a node by minus its id), dated now, so that it is newer
-- than any version the member holds. The latest object of each of the
-- group's organisations is added again, so that partners still in the
-- group learn the new member list (x_oureyes_sharing) at their next pull
-- and stop passing those objects on to the member that left.
CREATE TRIGGER taxii_group_member_delete AFTER DELETE ON sharing_group_members
BEGIN
  INSERT INTO taxii_log_gone
  SELECT 'community', l.obj_key, l.indicator_id, l.org_id,
         max(CAST(round((julianday('now') - 2440587.5) * 86400000.0) AS INTEGER) * 1000,
             l.version + 1),
         NULL, CASE WHEN old.org_id IS NOT NULL THEN old.org_id ELSE -old.peer_id END
    FROM taxii_log l
   WHERE l.scope = 'group:' || old.group_id AND l.deleted = 0;
  INSERT INTO taxii_log_add
  SELECT l.scope, l.obj_key, l.indicator_id, l.org_id, l.version, 0
    FROM taxii_log l
   WHERE l.scope = 'group:' || old.group_id AND l.deleted = 0
     AND l.date_added IN (SELECT max(date_added) FROM taxii_log
                           WHERE scope = 'group:' || old.group_id AND deleted = 0
                           GROUP BY org_id);
END;

ALTER TABLE sightings ADD COLUMN stix_id TEXT; -- received: its id; NULL: made here (derived)
ALTER TABLE sightings ADD COLUMN via_peer INTEGER;
CREATE UNIQUE INDEX sightings_by_stix ON sightings (stix_id) WHERE stix_id IS NOT NULL;

CREATE TRIGGER taxii_sightings_insert AFTER INSERT ON sightings
WHEN new.tlp <= 1
BEGIN
  INSERT INTO taxii_log_add
  SELECT l.scope, l.obj_key, l.indicator_id, l.org_id, l.version, 0
    FROM indicators i JOIN orgs o ON o.id = i.org_id
    JOIN taxii_log l ON l.obj_key = oe_taxii_key(o.stix_id, i.type, i.value)
     AND l.indicator_id = i.id AND l.org_id = i.org_id
   WHERE i.id = new.indicator_id AND l.deleted = 0;
END;
