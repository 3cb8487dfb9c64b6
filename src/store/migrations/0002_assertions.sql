-- 0002_assertions.sql - every organisation's assertion of a value carries
-- its own confidence, description, expiry, revocation, tags and times, so
-- that what one organisation says is never shown under another's marking,
-- and revoking one assertion leaves the others live. Sightings carry a TLP
-- of their own. Events are found by their source id only within their
-- organisation.

ALTER TABLE indicator_orgs ADD COLUMN confidence INTEGER NOT NULL DEFAULT 50;
ALTER TABLE indicator_orgs ADD COLUMN description TEXT;
ALTER TABLE indicator_orgs ADD COLUMN valid_until INTEGER;
ALTER TABLE indicator_orgs ADD COLUMN revoked INTEGER NOT NULL DEFAULT 0;
ALTER TABLE indicator_orgs ADD COLUMN created INTEGER;
ALTER TABLE indicator_orgs ADD COLUMN modified INTEGER;

-- Tags belong to the organisation that gave them.
CREATE TABLE indicator_tags_new (
  indicator_id INTEGER NOT NULL,
  org_id       INTEGER NOT NULL,
  tag          TEXT NOT NULL,
  PRIMARY KEY (indicator_id, org_id, tag)
) WITHOUT ROWID;
INSERT INTO indicator_tags_new
  SELECT t.indicator_id, i.org_id, t.tag FROM indicator_tags t JOIN indicators i ON i.id = t.indicator_id;
DROP TABLE indicator_tags;
ALTER TABLE indicator_tags_new RENAME TO indicator_tags;
CREATE INDEX indicator_tags_by_tag ON indicator_tags (tag, indicator_id);

ALTER TABLE sightings ADD COLUMN tlp INTEGER NOT NULL DEFAULT 2;

DROP INDEX events_by_ext;
CREATE INDEX events_by_ext ON events (org_id, ext_id) WHERE ext_id IS NOT NULL;
