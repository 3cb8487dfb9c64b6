-- 0008_sessions.sql - console sign-in: sessions, second factors, and an
-- index to read the audit trail of one object (docs/console-auth.md).

-- One row per signed-in browser. The cookie's token is never stored, only
-- its keyed hash; the CSRF token is derived from the token (never stored).
CREATE TABLE sessions (
  id         INTEGER PRIMARY KEY,
  token_hash BLOB NOT NULL UNIQUE,
  user_id    INTEGER NOT NULL REFERENCES users(id),
  created    INTEGER NOT NULL,
  last_seen  INTEGER NOT NULL,
  user_agent TEXT
);
CREATE INDEX sessions_by_user ON sessions (user_id);

-- TOTP: the secret sealed under a key derived from secret.key (never
-- plain), whether sign-in needs it yet, and the last step used (a code is
-- good once).
ALTER TABLE users ADD COLUMN totp_sealed BLOB;
ALTER TABLE users ADD COLUMN totp_enabled INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN totp_last_step INTEGER NOT NULL DEFAULT 0;

CREATE INDEX audit_by_object ON audit (object, id) WHERE object IS NOT NULL;
