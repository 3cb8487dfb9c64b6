-- 0005_sharing.sql - partner nodes, sharing groups, provenance, and the
-- TAXII log the server pages from (docs/sharing.md).

-- A remote organisation was first learnt from this peer.
ALTER TABLE orgs ADD COLUMN peer_id INTEGER;

CREATE TABLE peers (
  id           INTEGER PRIMARY KEY,
  name         TEXT NOT NULL UNIQUE COLLATE NOCASE,
  org_id       INTEGER NOT NULL REFERENCES orgs(id), -- the partner's operator
  url          TEXT,      -- the partner's TAXII API root; NULL until `peer add`
  key_sealed   BLOB,      -- the key the partner gave us, sealed (never plain)
  identity     TEXT,      -- the partner's operator identity, learnt at sync
  interval     INTEGER,   -- seconds between pulls; NULL: the configured default
  created      INTEGER NOT NULL,
  last_attempt INTEGER,
  last_success INTEGER,
  last_error   TEXT,
  errors       INTEGER NOT NULL DEFAULT 0, -- consecutive failures
  next_attempt INTEGER,
  objects      INTEGER NOT NULL DEFAULT 0  -- objects imported from it, in all
);

-- Where a pull from a peer resumes, per collection.
CREATE TABLE peer_cursors (
  peer_id     INTEGER NOT NULL REFERENCES peers(id),
  collection  TEXT NOT NULL,
  added_after TEXT NOT NULL,  -- as the peer wrote it (microseconds)
  PRIMARY KEY (peer_id, collection)
) WITHOUT ROWID;

-- A sharing group names organisations and peers. A group received from a
-- peer (peer_id set) is kept as the sender defined it, to be honoured when
-- passing on what arrived under it.
CREATE TABLE sharing_groups (
  id        INTEGER PRIMARY KEY,
  name      TEXT NOT NULL,
  owner_org INTEGER NOT NULL REFERENCES orgs(id),
  peer_id   INTEGER REFERENCES peers(id),
  created   INTEGER NOT NULL,
  UNIQUE (name, owner_org)
);

CREATE TABLE sharing_group_members (
  group_id INTEGER NOT NULL REFERENCES sharing_groups(id),
  org_id   INTEGER REFERENCES orgs(id),
  peer_id  INTEGER REFERENCES peers(id),
  CHECK ((org_id IS NULL) != (peer_id IS NULL))
);
CREATE UNIQUE INDEX sharing_group_members_org ON sharing_group_members (group_id, org_id)
  WHERE org_id IS NOT NULL;
CREATE UNIQUE INDEX sharing_group_members_peer ON sharing_group_members (group_id, peer_id)
  WHERE peer_id IS NOT NULL;
-- Every authenticated request reads the groups of its caller.
CREATE INDEX sharing_group_members_by_org ON sharing_group_members (org_id, group_id)
  WHERE org_id IS NOT NULL;
CREATE INDEX peers_by_org ON peers (org_id);

-- Each assertion may be scoped to a group and remembers the peer it came
-- from (NULL: made here).
ALTER TABLE indicators ADD COLUMN group_id INTEGER;
ALTER TABLE indicators ADD COLUMN via_peer INTEGER;
ALTER TABLE indicator_orgs ADD COLUMN group_id INTEGER;
ALTER TABLE indicator_orgs ADD COLUMN via_peer INTEGER;
ALTER TABLE events ADD COLUMN group_id INTEGER;
ALTER TABLE events ADD COLUMN via_peer INTEGER;
