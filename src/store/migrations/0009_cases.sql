-- 0009_cases.sql - joint cases ("joint operations", docs/cases.md): a case
-- gathers reports, indicators and events, tasks, notes and a timeline, is
-- marked with a TLP and a sharing group, and names the participating
-- organisations, local or at partner nodes.
--
-- Shared with partner nodes over TAXII as STIX: the case is a `grouping`
-- (made and versioned by its origin organisation only), each note, task
-- and task update a `note` of its author's organisation. They join the
-- TAXII log of migrations/0006 through the same view (taxii_log_add), in
-- the collection of the case's marking and group, with the object kind in
-- the sign and low bits of the log's indicator_id (which is never
-- negative for an assertion): -(cases.id * 4 + 1) for a grouping,
-- -(case_items.id * 4 + 2) for a note. Nothing of 0006 changes.
--
-- A case that leaves a collection (its marking raised, its group changed)
-- leaves it with its notes as revocations, through the view taxii_log_gone
-- of 0007, as an assertion does; a member taken out of the group gets its
-- tombstones from 0007's trigger on sharing_group_members, which covers
-- every row of the group's collection (docs/cases.md, "Revocations").

CREATE TABLE cases (
  id          INTEGER PRIMARY KEY,
  stix_id     TEXT NOT NULL UNIQUE,  -- grouping--<uuid>
  obj_key     INTEGER NOT NULL,      -- first 8 bytes of the uuid (the TAXII log's key)
  org_id      INTEGER NOT NULL REFERENCES orgs(id), -- the origin: only it versions the case
  title       TEXT NOT NULL,
  description TEXT,
  status      INTEGER NOT NULL DEFAULT 0, -- 0 open, 1 closed
  tlp         INTEGER NOT NULL,
  group_id    INTEGER REFERENCES sharing_groups(id),
  via_peer    INTEGER REFERENCES peers(id), -- received from this peer; NULL: made here
  created     INTEGER NOT NULL,
  modified    INTEGER NOT NULL
);
-- The list: newest change first.
CREATE INDEX cases_by_modified ON cases (modified, id);

CREATE TABLE case_participants (
  case_id INTEGER NOT NULL REFERENCES cases(id),
  org_id  INTEGER NOT NULL REFERENCES orgs(id),
  PRIMARY KEY (case_id, org_id)
) WITHOUT ROWID;

-- What a case gathers, by the id the API gives it: kind 0 a report
-- (report--<uuid>), 1 an indicator (indicator--<uuid>, the same on every
-- node), 2 an event. A link to something this node does not hold (yet)
-- is kept and shown once it arrives.
CREATE TABLE case_links (
  case_id INTEGER NOT NULL REFERENCES cases(id),
  kind    INTEGER NOT NULL,
  ref     TEXT NOT NULL,
  added   INTEGER NOT NULL,
  PRIMARY KEY (case_id, kind, ref)
) WITHOUT ROWID;
CREATE INDEX case_links_by_ref ON case_links (ref, kind);

-- Notes (kind 0), tasks (1) and task updates (2): a STIX note each, of
-- its author's organisation. A task update is another organisation's
-- change of a task (only the task's organisation versions the task): one
-- per organisation and task, holding its latest word.
CREATE TABLE case_items (
  id       INTEGER PRIMARY KEY,
  case_id  INTEGER NOT NULL REFERENCES cases(id),
  stix_id  TEXT NOT NULL UNIQUE,  -- note--<uuid>
  obj_key  INTEGER NOT NULL,
  kind     INTEGER NOT NULL,
  org_id   INTEGER NOT NULL REFERENCES orgs(id),
  author   TEXT,                  -- who wrote it, as its node names them
  text     TEXT NOT NULL,         -- a note's text, a task's title
  assignee TEXT,
  due      INTEGER,
  done     INTEGER NOT NULL DEFAULT 0,
  task_id  INTEGER REFERENCES case_items(id), -- of a task update
  via_peer INTEGER REFERENCES peers(id),
  created  INTEGER NOT NULL,
  modified INTEGER NOT NULL
);
CREATE INDEX case_items_by_case ON case_items (case_id, kind, id);
CREATE UNIQUE INDEX case_items_update ON case_items (task_id, org_id) WHERE kind = 2;

-- What happened to a case, as this node saw it (never sent).
CREATE TABLE case_timeline (
  id      INTEGER PRIMARY KEY,
  case_id INTEGER NOT NULL REFERENCES cases(id),
  ts      INTEGER NOT NULL,
  actor   TEXT NOT NULL,
  org_id  INTEGER REFERENCES orgs(id),
  kind    TEXT NOT NULL,
  text    TEXT NOT NULL
);
CREATE INDEX case_timeline_by_case ON case_timeline (case_id, id);

-- The collection of a case of marking T in group G, as for assertions:
--   CASE WHEN T <= 1 THEN 'community'
--        WHEN T IN (2, 3) AND G IS NOT NULL THEN 'group:' || G END
-- A case's notes are in its collection; when the case moves, they move.

CREATE TRIGGER taxii_cases_insert AFTER INSERT ON cases
WHEN new.tlp <= 1 OR (new.tlp IN (2, 3) AND new.group_id IS NOT NULL)
BEGIN
  INSERT INTO taxii_log_add VALUES (
    CASE WHEN new.tlp <= 1 THEN 'community' ELSE 'group:' || new.group_id END,
    new.obj_key, -(new.id * 4 + 1), new.org_id, new.modified, 0);
END;

CREATE TRIGGER taxii_cases_update AFTER UPDATE ON cases
WHEN old.tlp <= 1 OR (old.tlp IN (2, 3) AND old.group_id IS NOT NULL)
  OR new.tlp <= 1 OR (new.tlp IN (2, 3) AND new.group_id IS NOT NULL)
BEGIN
  -- Out of the old collection: the case and its notes, as revocations
  -- (0007: served as tombstones to each caller that could see them under
  -- the case's old marking there and cannot now).
  INSERT INTO taxii_log_gone
  SELECT CASE WHEN old.tlp <= 1 THEN 'community' ELSE 'group:' || old.group_id END,
         k.obj_key, k.lid, k.org_id, new.modified, old.tlp, 0
    FROM (SELECT old.obj_key AS obj_key, -(old.id * 4 + 1) AS lid, old.org_id AS org_id
          UNION ALL
          SELECT obj_key, -(id * 4 + 2), org_id FROM case_items WHERE case_id = old.id) k
   WHERE (old.tlp <= 1 OR (old.tlp IN (2, 3) AND old.group_id IS NOT NULL))
     AND (CASE WHEN old.tlp <= 1 THEN 'community'
               WHEN old.tlp IN (2, 3) AND old.group_id IS NOT NULL THEN 'group:' || old.group_id END)
         IS NOT
         (CASE WHEN new.tlp <= 1 THEN 'community'
               WHEN new.tlp IN (2, 3) AND new.group_id IS NOT NULL THEN 'group:' || new.group_id END);
  -- The new version of the case.
  INSERT INTO taxii_log_add
  SELECT CASE WHEN new.tlp <= 1 THEN 'community' ELSE 'group:' || new.group_id END,
         new.obj_key, -(new.id * 4 + 1), new.org_id, new.modified, 0
   WHERE new.tlp <= 1 OR (new.tlp IN (2, 3) AND new.group_id IS NOT NULL);
  -- Its notes follow it into a new collection.
  INSERT INTO taxii_log_add
  SELECT CASE WHEN new.tlp <= 1 THEN 'community' ELSE 'group:' || new.group_id END,
         i.obj_key, -(i.id * 4 + 2), i.org_id, i.modified, 0
    FROM case_items i
   WHERE i.case_id = new.id
     AND (new.tlp <= 1 OR (new.tlp IN (2, 3) AND new.group_id IS NOT NULL))
     AND (CASE WHEN old.tlp <= 1 THEN 'community'
               WHEN old.tlp IN (2, 3) AND old.group_id IS NOT NULL THEN 'group:' || old.group_id END)
         IS NOT
         (CASE WHEN new.tlp <= 1 THEN 'community'
               WHEN new.tlp IN (2, 3) AND new.group_id IS NOT NULL THEN 'group:' || new.group_id END)
   ORDER BY i.id;
END;

-- The collection each case (and so each of its notes) is in as it stands:
-- NULL for none (RED, or AMBER without a sharing group). A plain view of
-- one table: SQLite folds it into the statement, keyed by cases.id.
CREATE VIEW case_collections AS
SELECT id AS case_id,
       CASE WHEN tlp <= 1 THEN 'community'
            WHEN tlp IN (2, 3) AND group_id IS NOT NULL THEN 'group:' || group_id END AS coll
  FROM cases;

-- A new note, or a new version of one, in its case's collection (the two
-- triggers differ only in the event: SQLite has no INSERT OR UPDATE one).
CREATE TRIGGER taxii_case_items_insert AFTER INSERT ON case_items
BEGIN
  INSERT INTO taxii_log_add
  SELECT k.coll, new.obj_key, -(new.id * 4 + 2), new.org_id, new.modified, 0
    FROM case_collections k WHERE k.case_id = new.case_id AND k.coll IS NOT NULL;
END;

CREATE TRIGGER taxii_case_items_update AFTER UPDATE ON case_items
BEGIN
  INSERT INTO taxii_log_add
  SELECT k.coll, new.obj_key, -(new.id * 4 + 2), new.org_id, new.modified, 0
    FROM case_collections k WHERE k.case_id = new.case_id AND k.coll IS NOT NULL;
END;

-- A member taken out of a sharing group: 0007's trigger serves it the
-- tombstones and adds again the latest row of each organisation of the
-- group, which for a case may be one of its notes. Each case of the group
-- is added again as well, so that partners still in the group learn the
-- new member list from its grouping (x_oureyes_sharing) at their next
-- pull and stop passing the case on to the member that left.
CREATE TRIGGER taxii_cases_group_member_delete AFTER DELETE ON sharing_group_members
BEGIN
  INSERT INTO taxii_log_add
  SELECT 'group:' || old.group_id, obj_key, -(id * 4 + 1), org_id, modified, 0
    FROM cases WHERE group_id = old.group_id AND tlp IN (2, 3) ORDER BY id;
END;
