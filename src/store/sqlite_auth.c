/* sqlite_auth.c - users' credentials, console sessions and reads of the
 * audit log for the SQLite backend (see store.h, migrations/0008). */
#include <stdlib.h>
#include <string.h>

#include "sqlite_int.h"

#define USER_COLS                                                                                  \
	"u.id,u.org_id,u.name,o.name,u.role,u.pw_hash,u.disabled,u.totp_sealed,"                   \
	"u.totp_enabled,u.totp_last_step"

/* Columns first..first+9 of USER_COLS into u. */
static int fill_user(sqlite3_stmt *st, int first, oe_arena *a, oe_user_row *u)
{
	memset(u, 0, sizeof(*u));
	u->id = sqlite3_column_int64(st, first);
	u->org_id = sqlite3_column_int64(st, first + 1);
	u->name = oe_sq_text(st, first + 2, a);
	u->org_name = oe_sq_text(st, first + 3, a);
	u->role = sqlite3_column_int(st, first + 4);
	u->pw_hash = oe_sq_text(st, first + 5, a);
	u->disabled = sqlite3_column_int(st, first + 6) != 0;
	int n = sqlite3_column_bytes(st, first + 7);
	if (n > 0) {
		u->totp_sealed = oe_arena_alloc(a, (size_t)n);
		if (!u->totp_sealed)
			return OE_ENOMEM;
		memcpy(u->totp_sealed, sqlite3_column_blob(st, first + 7), (size_t)n);
		u->totp_len = (size_t)n;
	}
	u->totp_enabled = sqlite3_column_int(st, first + 8) != 0;
	u->totp_last_step = sqlite3_column_int64(st, first + 9);
	if (!u->name || !u->org_name)
		return OE_ENOMEM;
	return 0;
}

static int user_get(oe_store *s, int64_t id, const char *name, oe_arena *a, oe_user_row *out)
{
	sqlite3_stmt *st = oe_sq_prep_key(
	    SQ(s), name, id,
	    "SELECT " USER_COLS " FROM users u JOIN orgs o ON o.id=u.org_id WHERE u.name=?",
	    "SELECT " USER_COLS " FROM users u JOIN orgs o ON o.id=u.org_id WHERE u.id=?");
	if (!st)
		return OE_EIO;
	int rc = sqlite3_step(st);
	int ret = rc == SQLITE_ROW    ? fill_user(st, 0, a, out)
		  : rc == SQLITE_DONE ? OE_ENOTFOUND
				      : OE_EIO;
	oe_sq_done(SQ(s), st);
	return ret;
}

static int user_set_password(oe_store *s, int64_t id, const char *pw_hash)
{
	sqlite3_stmt *st = oe_sq_prep(SQ(s), "UPDATE users SET pw_hash=? WHERE id=?");
	if (st) {
		oe_sq_bind_text(st, 1, pw_hash);
		sqlite3_bind_int64(st, 2, id);
	}
	return oe_sq_change(SQ(s), st, true);
}

static int user_set_disabled(oe_store *s, int64_t id, bool disabled)
{
	sqlite3_stmt *st = oe_sq_prep(SQ(s), "UPDATE users SET disabled=? WHERE id=?");
	if (st) {
		sqlite3_bind_int(st, 1, disabled);
		sqlite3_bind_int64(st, 2, id);
	}
	return oe_sq_change(SQ(s), st, true);
}

static int user_set_totp(oe_store *s, int64_t id, const uint8_t *sealed, size_t len, bool enabled)
{
	sqlite3_stmt *st = oe_sq_prep(
	    SQ(s), "UPDATE users SET totp_sealed=?,totp_enabled=?,totp_last_step=CASE WHEN ? IS "
		   "NULL THEN 0 ELSE totp_last_step END WHERE id=?");
	if (st) {
		if (sealed) {
			sqlite3_bind_blob(st, 1, sealed, (int)len, SQLITE_STATIC);
			sqlite3_bind_blob(st, 3, sealed, (int)len, SQLITE_STATIC);
		} else {
			sqlite3_bind_null(st, 1);
			sqlite3_bind_null(st, 3);
		}
		sqlite3_bind_int(st, 2, sealed && enabled);
		sqlite3_bind_int64(st, 4, id);
	}
	return oe_sq_change(SQ(s), st, true);
}

static int totp_use(oe_store *s, int64_t id, int64_t step)
{
	sqlite3_stmt *st = oe_sq_prep(
	    SQ(s), "UPDATE users SET totp_last_step=?1 WHERE id=?2 AND totp_last_step<?1");
	if (st) {
		sqlite3_bind_int64(st, 1, step);
		sqlite3_bind_int64(st, 2, id);
	}
	int ret = oe_sq_change(SQ(s), st, true);
	return ret == OE_ENOTFOUND ? OE_ECONFLICT : ret;
}

static int session_create(oe_store *s, const uint8_t h[32], int64_t user_id, oe_time now,
			  const char *user_agent)
{
	sqlite3_stmt *st =
	    oe_sq_prep(SQ(s), "INSERT INTO sessions(token_hash,user_id,created,last_seen,"
			      "user_agent) VALUES(?,?,?,?,?)");
	if (st) {
		sqlite3_bind_blob(st, 1, h, 32, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, user_id);
		sqlite3_bind_int64(st, 3, now);
		sqlite3_bind_int64(st, 4, now);
		oe_sq_bind_text(st, 5, user_agent);
	}
	return oe_sq_change(SQ(s), st, false);
}

static int session_get(oe_store *s, const uint8_t h[32], oe_arena *a, oe_session_row *out)
{
	sqlite3_stmt *st = oe_sq_prep(SQ(s), "SELECT s.id,s.created,s.last_seen," USER_COLS
					     " FROM sessions s JOIN users u ON u.id=s.user_id "
					     "JOIN orgs o ON o.id=u.org_id WHERE s.token_hash=?");
	if (!st)
		return OE_EIO;
	sqlite3_bind_blob(st, 1, h, 32, SQLITE_STATIC);
	int rc = sqlite3_step(st), ret;
	if (rc == SQLITE_ROW) {
		out->id = sqlite3_column_int64(st, 0);
		out->created = sqlite3_column_int64(st, 1);
		out->last_seen = sqlite3_column_int64(st, 2);
		ret = fill_user(st, 3, a, &out->user);
	} else {
		ret = rc == SQLITE_DONE ? OE_ENOTFOUND : OE_EIO;
	}
	oe_sq_done(SQ(s), st);
	return ret;
}

static int session_touch(oe_store *s, int64_t id, oe_time now)
{
	sqlite3_stmt *st = oe_sq_prep(SQ(s), "UPDATE sessions SET last_seen=? WHERE id=?");
	if (st) {
		sqlite3_bind_int64(st, 1, now);
		sqlite3_bind_int64(st, 2, id);
	}
	return oe_sq_change(SQ(s), st, false);
}

static int session_delete(oe_store *s, int64_t id)
{
	sqlite3_stmt *st = oe_sq_prep(SQ(s), "DELETE FROM sessions WHERE id=?");
	if (st)
		sqlite3_bind_int64(st, 1, id);
	return oe_sq_change(SQ(s), st, false);
}

static int session_delete_user(oe_store *s, int64_t user_id)
{
	sqlite3_stmt *st = oe_sq_prep(SQ(s), "DELETE FROM sessions WHERE user_id=?");
	if (st)
		sqlite3_bind_int64(st, 1, user_id);
	return oe_sq_change(SQ(s), st, false);
}

static int session_prune(oe_store *s, oe_time idle_before, oe_time created_before)
{
	sqlite3_stmt *st = oe_sq_prep(SQ(s), "DELETE FROM sessions WHERE last_seen<? OR created<?");
	if (st) {
		sqlite3_bind_int64(st, 1, idle_before);
		sqlite3_bind_int64(st, 2, created_before);
	}
	return oe_sq_change(SQ(s), st, false);
}

static void fill_audit(sqlite3_stmt *st, oe_arena *a, void *row)
{
	oe_audit_row *r = row;
	r->id = sqlite3_column_int64(st, 0);
	r->ts = sqlite3_column_int64(st, 1);
	r->actor = oe_sq_text(st, 2, a);
	r->action = oe_sq_text(st, 3, a);
	r->object = oe_sq_text(st, 4, a);
	r->detail = oe_sq_text(st, 5, a);
	r->hash_ok = sqlite3_column_bytes(st, 6) == 32;
	if (r->hash_ok)
		memcpy(r->hash, sqlite3_column_blob(st, 6), 32);
}

/* An actor names an organisation's key ("key:<16 hex>") or user
 * ("user:<name>"); anything else (cli, public, retention...) belongs to
 * no organisation and is seen only by the node's own admins. */
static int audit_list(oe_store *s, const oe_audit_filter *f, oe_arena *a, oe_audit_row **out,
		      size_t *n)
{
	/* Written so that SQLite can seek: one object's trail in the index
	 * audit_by_object, the page after a cursor by id (an OR with "no
	 * cursor" or "no object" would make it read the log from its end). */
#define AUDIT_SELECT                                                                               \
	"SELECT a.id,a.ts,a.actor,a.action,a.object,a.detail,a.hash FROM audit a WHERE "
#define AUDIT_REST                                                                                 \
	"(?2 IS NULL OR a.actor=?2) AND (?3 IS NULL OR a.action=?3) AND a.id<=(CASE WHEN ?4=0 "    \
	"THEN 9223372036854775807 ELSE ?4-1 END) AND (?5=0 OR (a.actor LIKE 'key:%' AND EXISTS("   \
	"SELECT 1 FROM api_keys k WHERE k.key_id=substr(a.actor,5) AND k.org_id=?5)) OR "          \
	"(a.actor LIKE 'user:%' AND EXISTS(SELECT 1 FROM users u WHERE u.name=substr("             \
	"a.actor,6) AND u.org_id=?5))) ORDER BY a.id DESC LIMIT ?6"
	sqlite3_stmt *st = oe_sq_prep(SQ(s), f->object ? AUDIT_SELECT "a.object=?1 AND " AUDIT_REST
						       : AUDIT_SELECT AUDIT_REST);
#undef AUDIT_SELECT
#undef AUDIT_REST
	if (!st)
		return OE_EIO;
	oe_sq_bind_text(st, 1, f->object);
	oe_sq_bind_text(st, 2, f->actor);
	oe_sq_bind_text(st, 3, f->action);
	sqlite3_bind_int64(st, 4, f->before);
	sqlite3_bind_int64(st, 5, f->org_id);
	sqlite3_bind_int64(st, 6, (int64_t)f->limit);
	return oe_sq_rows_st(SQ(s), st, a, sizeof(**out), fill_audit, (void **)out, n);
}

static int audit_scan(oe_store *s, oe_audit_fn fn, void *arg)
{
	sqlite3_stmt *st = oe_sq_prep(
	    SQ(s), "SELECT id,ts,actor,action,object,detail,hash FROM audit ORDER BY id");
	if (!st)
		return OE_EIO;
	oe_arena a = OE_ARENA_INIT;
	int rc, ret = 0;
	while (!ret && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		oe_audit_row r;
		fill_audit(st, &a, &r);
		ret = fn(arg, &r);
		oe_arena_clear(&a);
	}
	if (!ret && rc != SQLITE_DONE)
		ret = OE_EIO;
	oe_sq_done(SQ(s), st);
	oe_arena_clear(&a);
	return ret;
}

const oe_auth_store_ops oe_sqlite_auth_ops = {
    .user_get = user_get,
    .user_set_password = user_set_password,
    .user_set_disabled = user_set_disabled,
    .user_set_totp = user_set_totp,
    .totp_use = totp_use,
    .session_create = session_create,
    .session_get = session_get,
    .session_touch = session_touch,
    .session_delete = session_delete,
    .session_delete_user = session_delete_user,
    .session_prune = session_prune,
    .audit_list = audit_list,
    .audit_scan = audit_scan,
};
