-- 0004_match.sql - a change log the in-memory matcher (src/match/) follows.
--
-- New indicators are found by id (ids only grow, and SQLite has one writer
-- at a time, so a reader that saw ids up to N has seen every row below N).
-- A change to an existing row - an assertion updated, revoked, added by
-- another organisation, its tags replaced - leaves the indicator's id here.
-- seq is assigned inside the writer's transaction, so it is in commit order
-- too: "every change after seq S" is exact, where a modification time would
-- miss a transaction that started before another and committed after it.
-- Every tag change also updates its assertion's row (sqlite.c), so tags need
-- no trigger of their own. The matcher prunes what it has read.

CREATE TABLE indicator_changes (
  seq          INTEGER PRIMARY KEY,
  indicator_id INTEGER NOT NULL
);

CREATE TRIGGER indicators_changed AFTER UPDATE ON indicators
BEGIN
  INSERT INTO indicator_changes(indicator_id) VALUES (new.id);
END;

CREATE TRIGGER indicator_orgs_added AFTER INSERT ON indicator_orgs
BEGIN
  INSERT INTO indicator_changes(indicator_id) VALUES (new.indicator_id);
END;

CREATE TRIGGER indicator_orgs_changed AFTER UPDATE ON indicator_orgs
BEGIN
  INSERT INTO indicator_changes(indicator_id) VALUES (new.indicator_id);
END;
