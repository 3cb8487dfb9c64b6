-- 0007_reserved.sql - this number belongs to a change on another branch
-- (migration numbers must run 1, 2, 3... without a gap). This file holds
-- the place so that 0009 can be built and tested alone; it is dropped when
-- the branches are merged and the real 0007 takes its place.
SELECT 1;
