-- 0002_assertions.sql - every organisation's assertion of a value carries
-- its own confidence, description, expiry and revocation, so that what one
-- organisation says is never shown under another's marking, and revoking
-- one assertion leaves the others live. Sightings carry a TLP of their own.
-- Events are found by their source id only within their organisation.

ALTER TABLE indicator_orgs ADD COLUMN confidence INTEGER NOT NULL DEFAULT 50;
ALTER TABLE indicator_orgs ADD COLUMN description TEXT;
ALTER TABLE indicator_orgs ADD COLUMN valid_until INTEGER;
ALTER TABLE indicator_orgs ADD COLUMN revoked INTEGER NOT NULL DEFAULT 0;
ALTER TABLE indicator_orgs ADD COLUMN modified INTEGER;

ALTER TABLE sightings ADD COLUMN tlp INTEGER NOT NULL DEFAULT 2;

DROP INDEX events_by_ext;
CREATE INDEX events_by_ext ON events (org_id, ext_id) WHERE ext_id IS NOT NULL;
