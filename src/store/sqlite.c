/* sqlite.c - the embedded SQLite backend of store.h.
 *
 * One oe_store is one connection in WAL mode. Statements on hot paths are
 * prepared once per connection and reset after use. synchronous=NORMAL in
 * WAL mode keeps every committed transaction across a crash of the process
 * (kill -9); only a power loss may lose the last commits. */
#include <pthread.h>
#include <stdatomic.h>
#include <sodium.h>
#include <jansson.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/audit.h"
#include "core/tlp.h"
#include "sqlite_int.h"

extern const char *const oe_migrations[];
extern const size_t oe_migrations_count;

static const char *const stmt_sql[ST__COUNT] = {
    [ST_INS_IND] =
	"INSERT INTO indicators(uuid,type,value,org_id,tlp,confidence,description,"
	"first_seen,last_seen,valid_until,created,modified,revoked,ext_id,group_id,via_peer) "
	"VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT(uuid) DO NOTHING",
    [ST_SEL_IND_BY_UUID] = "SELECT id,org_id,tlp,confidence,description,first_seen,last_seen,"
			   "valid_until,revoked,group_id,via_peer FROM indicators WHERE uuid=?",
    [ST_UPD_IND] = "UPDATE indicators SET tlp=?1,confidence=?2,description=?3,first_seen=?4,"
		   "last_seen=?5,valid_until=?6,revoked=?7,modified=?8,group_id=?11,via_peer=?12 "
		   "WHERE id=?9",
    [ST_INS_TAG] = "INSERT OR IGNORE INTO indicator_tags(indicator_id,org_id,tag) VALUES(?,?,?)",
    [ST_UPSERT_IORG] =
	"INSERT INTO indicator_orgs(tlp,confidence,description,first_seen,last_seen,valid_until,"
	"revoked,modified,indicator_id,org_id,created,group_id,via_peer) VALUES(?1,?2,?3,?4,?5,?6,"
	"?7,?8,?9,?10,?8,?11,?12) ON CONFLICT(indicator_id,org_id) DO UPDATE SET tlp=excluded.tlp,"
	"confidence=excluded.confidence,description=excluded.description,first_seen="
	"excluded.first_seen,last_seen=excluded.last_seen,valid_until=excluded.valid_until,"
	"revoked=excluded.revoked,modified=excluded.modified,group_id=excluded.group_id,"
	"via_peer=excluded.via_peer",
    [ST_SEL_IORG] = "SELECT tlp,confidence,description,first_seen,last_seen,valid_until,revoked,"
		    "group_id,via_peer FROM indicator_orgs WHERE indicator_id=? AND org_id=?",
    [ST_INS_EVLINK] = "INSERT OR IGNORE INTO event_indicators(event_id,indicator_id) VALUES(?,?)",
};

int oe_sq_err(sq_store *q)
{
	int rc = sqlite3_extended_errcode(q->db);
	if ((rc & 0xff) == SQLITE_CONSTRAINT)
		return OE_ECONFLICT;
	return OE_EIO;
}

static sqlite3_stmt *stmt(sq_store *q, int which)
{
	sqlite3_stmt *st = q->st[which];
	if (!st && sqlite3_prepare_v3(q->db, stmt_sql[which], -1, SQLITE_PREPARE_PERSISTENT,
				      &q->st[which], NULL) != SQLITE_OK)
		return NULL;
	return q->st[which];
}

/* The cache key: the length and the last 48 bytes tell our queries apart
 * (their heads are alike, their WHERE clauses differ); strcmp decides. */
static uint64_t fnv(const char *s)
{
	size_t n = strlen(s);
	uint64_t h = 1469598103934665603ULL ^ n;
	for (const char *p = n > 48 ? s + n - 48 : s; *p; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211ULL;
	return h;
}

/* A statement for sql, from the cache when it is there and not in use.
 * Give it back with oe_sq_done(). */
sqlite3_stmt *oe_sq_prep(sq_store *q, const char *sql)
{
	uint64_t h = fnv(sql);
	size_t k = (size_t)h % STMT_CACHE;
	for (size_t i = 0; i < STMT_CACHE; i++, k = (k + 1) % STMT_CACHE) {
		cached_stmt *c = &q->cache[k];
		if (!c->st)
			break;
		if (c->h == h && strcmp(c->sql, sql) == 0) {
			if (c->busy)
				goto uncached; /* nested use of the same query */
			c->busy = true;
			return c->st;
		}
	}
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v3(q->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK)
		return NULL;
	k = (size_t)h % STMT_CACHE;
	for (size_t i = 0; i < STMT_CACHE / 2; i++, k = (k + 1) % STMT_CACHE) {
		cached_stmt *c = &q->cache[k];
		if (!c->st) {
			c->sql = strdup(sql);
			if (!c->sql)
				break;
			c->h = h;
			c->st = st;
			c->busy = true;
			return st;
		}
	}
	return st; /* the cache is full around this slot: not cached */
uncached:
	st = NULL;
	if (sqlite3_prepare_v2(q->db, sql, -1, &st, NULL) != SQLITE_OK)
		return NULL;
	return st;
}

void oe_sq_done(sq_store *q, sqlite3_stmt *st)
{
	if (!st)
		return;
	for (size_t i = 0; i < STMT_CACHE; i++)
		if (q->cache[i].st == st) {
			sqlite3_reset(st);
			sqlite3_clear_bindings(st);
			q->cache[i].busy = false;
			return;
		}
	sqlite3_finalize(st);
}

int oe_sq_exec(sq_store *q, const char *sql)
{
	return sqlite3_exec(q->db, sql, NULL, NULL, NULL) == SQLITE_OK ? 0 : OE_EIO;
}

/* One statement run through the cache: for BEGIN/COMMIT on hot paths. */
int oe_sq_run(sq_store *q, const char *sql)
{
	sqlite3_stmt *st = oe_sq_prep(q, sql);
	if (!st)
		return OE_EIO;
	int rc = sqlite3_step(st);
	oe_sq_done(q, st);
	return rc == SQLITE_DONE ? 0 : OE_EIO;
}

void oe_sq_bind_text(sqlite3_stmt *st, int i, const char *s)
{
	if (s)
		sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, i);
}

void oe_sq_bind_time(sqlite3_stmt *st, int i, oe_time t)
{
	if (t)
		sqlite3_bind_int64(st, i, t);
	else
		sqlite3_bind_null(st, i);
}

char *oe_sq_text(sqlite3_stmt *st, int i, oe_arena *a)
{
	const char *s = (const char *)sqlite3_column_text(st, i);
	return s ? oe_arena_strndup(a, s, (size_t)sqlite3_column_bytes(st, i)) : NULL;
}

sqlite3_stmt *oe_sq_prep_key(sq_store *q, const char *key, int64_t id, const char *sql_key,
			     const char *sql_id)
{
	sqlite3_stmt *st = oe_sq_prep(q, key ? sql_key : sql_id);
	if (st && key)
		sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	else if (st)
		sqlite3_bind_int64(st, 1, id);
	return st;
}

int oe_sq_one(sq_store *q, sqlite3_stmt *st, oe_arena *a, oe_sq_fill_fn fill, void *row)
{
	if (!st)
		return OE_EIO;
	int rc = sqlite3_step(st);
	int ret = rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? OE_ENOTFOUND : OE_EIO;
	if (rc == SQLITE_ROW)
		fill(st, a, row);
	oe_sq_done(q, st);
	return ret;
}

int oe_sq_change(sq_store *q, sqlite3_stmt *st, bool must_change)
{
	if (!st)
		return OE_EIO;
	int ret = sqlite3_step(st) == SQLITE_DONE ? 0 : oe_sq_err(q);
	if (!ret && must_change && sqlite3_changes(q->db) == 0)
		ret = OE_ENOTFOUND;
	oe_sq_done(q, st);
	return ret;
}

int oe_sq_rows(sq_store *q, const char *sql, int64_t arg, oe_arena *a, size_t elem,
	       oe_sq_fill_fn fill, void **out, size_t *n)
{
	sqlite3_stmt *st = oe_sq_prep(q, sql);
	if (!st)
		return OE_EIO;
	if (sqlite3_bind_parameter_count(st) > 0)
		sqlite3_bind_int64(st, 1, arg);
	return oe_sq_rows_st(q, st, a, elem, fill, out, n);
}

int oe_sq_rows_st(sq_store *q, sqlite3_stmt *st, oe_arena *a, size_t elem, oe_sq_fill_fn fill,
		  void **out, size_t *n)
{
	void *v = NULL;
	size_t cnt = 0, cap = 0;
	int rc, ret = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if ((ret = oe_sq_grow(a, &v, cnt, &cap, elem)))
			break;
		fill(st, a, (char *)v + cnt++ * elem);
	}
	if (!ret && rc != SQLITE_DONE)
		ret = OE_EIO;
	oe_sq_done(q, st);
	*out = v;
	*n = cnt;
	return ret;
}

/* Writers of one process queue on this mutex instead of in SQLite's busy
 * handler, which sleeps in steps of up to 100 ms: with the lock taken
 * here, a second writer waits exactly as long as the first one writes.
 * (Other processes, such as a CLI import, still meet the busy timeout.) */
static pthread_mutex_t writer = PTHREAD_MUTEX_INITIALIZER;

static void writer_done(sq_store *q)
{
	if (q->writing) {
		q->writing = false;
		pthread_mutex_unlock(&writer);
	}
}

static void sq_close(oe_store *s)
{
	sq_store *q = SQ(s);
	for (int i = 0; i < ST__COUNT; i++)
		sqlite3_finalize(q->st[i]);
	for (int i = 0; i < STMT_CACHE; i++) {
		sqlite3_finalize(q->cache[i].st);
		free(q->cache[i].sql);
	}
	sqlite3_close(q->db);
	writer_done(q);
	free(q);
}

static int sq_begin(oe_store *s)
{
	sq_store *q = SQ(s);
	if (!q->writing) {
		pthread_mutex_lock(&writer);
		q->writing = true;
	}
	int ret = oe_sq_run(q, "BEGIN IMMEDIATE");
	if (ret)
		writer_done(q);
	return ret;
}
static int sq_begin_read(oe_store *s)
{
	return oe_sq_run(SQ(s), "BEGIN DEFERRED");
}
/* Write transactions this process committed: the matcher waits until it
 * has read as far (store.h). */
static atomic_uint_fast64_t writes;

uint64_t oe_store_writes(void)
{
	return atomic_load_explicit(&writes, memory_order_acquire);
}

static int sq_commit(oe_store *s)
{
	sq_store *q = SQ(s);
	/* New indicators join the TAXII log in the transaction that made
	 * them, all at once. */
	int ret = q->writing ? oe_sq_taxii_flush(q) : 0;
	if (!ret)
		ret = oe_sq_run(q, "COMMIT");
	/* A failed COMMIT leaves the transaction open; this connection is
	 * reused by the next request, which must not inherit it. */
	if (ret && !sqlite3_get_autocommit(q->db))
		oe_sq_exec(q, "ROLLBACK");
	else if (!ret && q->writing)
		atomic_fetch_add_explicit(&writes, 1, memory_order_release);
	writer_done(q);
	return ret;
}
static void sq_rollback(oe_store *s)
{
	if (!sqlite3_get_autocommit(SQ(s)->db))
		oe_sq_exec(SQ(s), "ROLLBACK");
	writer_done(SQ(s));
}

static int sq_savepoint(oe_store *s)
{
	return oe_sq_exec(SQ(s), "SAVEPOINT unit");
}
static int sq_release(oe_store *s)
{
	return oe_sq_exec(SQ(s), "RELEASE unit");
}
static void sq_rollback_to(oe_store *s)
{
	oe_sq_exec(SQ(s), "ROLLBACK TO unit");
	oe_sq_exec(SQ(s), "RELEASE unit");
}

static int sq_meta_get(oe_store *s, const char *key, oe_arena *a, char **out)
{
	sqlite3_stmt *st = oe_sq_prep(SQ(s), "SELECT value FROM meta WHERE key=?");
	if (!st)
		return OE_EIO;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	int ret = rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? OE_ENOTFOUND : OE_EIO;
	if (rc == SQLITE_ROW)
		*out = oe_sq_text(st, 0, a);
	oe_sq_done(SQ(s), st);
	return ret;
}

static int sq_meta_set(oe_store *s, const char *key, const char *value)
{
	sqlite3_stmt *st = oe_sq_prep(SQ(s), "INSERT INTO meta(key,value) VALUES(?,?) "
					     "ON CONFLICT(key) DO UPDATE SET value=excluded.value");
	if (!st)
		return OE_EIO;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
	int ret = sqlite3_step(st) == SQLITE_DONE ? 0 : OE_EIO;
	oe_sq_done(SQ(s), st);
	return ret;
}

static int sq_org_create(oe_store *s, const char *name, const char *country, const char *stix_id,
			 int64_t *id)
{
	sq_store *q = SQ(s);
	sqlite3_stmt *st =
	    oe_sq_prep(q, "INSERT INTO orgs(stix_id,name,country,created) VALUES(?,?,?,?)");
	if (!st)
		return OE_EIO;
	sqlite3_bind_text(st, 1, stix_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, country, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, oe_now());
	int rc = sqlite3_step(st);
	int ret = rc == SQLITE_DONE ? 0 : (rc & 0xff) == SQLITE_CONSTRAINT ? OE_EEXIST : OE_EIO;
	if (!ret)
		*id = sqlite3_last_insert_rowid(q->db);
	oe_sq_done(q, st);
	return ret;
}

static void fill_org(sqlite3_stmt *st, oe_arena *a, oe_org *o)
{
	o->id = sqlite3_column_int64(st, 0);
	o->stix_id = oe_sq_text(st, 1, a);
	o->name = oe_sq_text(st, 2, a);
	o->country = oe_sq_text(st, 3, a);
}

static int sq_org_get(oe_store *s, int64_t id, const char *name, oe_arena *a, oe_org *out)
{
	sqlite3_stmt *st =
	    oe_sq_prep(SQ(s), name ? "SELECT id,stix_id,name,country FROM orgs WHERE name=?"
				   : "SELECT id,stix_id,name,country FROM orgs WHERE id=?");
	if (!st)
		return OE_EIO;
	if (name)
		sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	else
		sqlite3_bind_int64(st, 1, id);
	int rc = sqlite3_step(st);
	int ret = rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? OE_ENOTFOUND : OE_EIO;
	if (rc == SQLITE_ROW)
		fill_org(st, a, out);
	oe_sq_done(SQ(s), st);
	return ret;
}

static int sq_org_list(oe_store *s, oe_arena *a, oe_org **out, size_t *n)
{
	sqlite3_stmt *st =
	    oe_sq_prep(SQ(s), "SELECT id,stix_id,name,country FROM orgs ORDER BY id");
	if (!st)
		return OE_EIO;
	size_t cap = 0, cnt = 0;
	oe_org *v = NULL;
	int ret = 0;
	while (!ret && sqlite3_step(st) == SQLITE_ROW)
		if (!(ret = oe_sq_grow(a, (void **)&v, cnt, &cap, sizeof(*v))))
			fill_org(st, a, &v[cnt++]);
	oe_sq_done(SQ(s), st);
	*out = v;
	*n = cnt;
	return ret;
}

static int sq_user_create(oe_store *s, int64_t org_id, const char *name, int role,
			  const char *pw_hash, int64_t *id)
{
	sq_store *q = SQ(s);
	sqlite3_stmt *st =
	    oe_sq_prep(q, "INSERT INTO users(org_id,name,role,pw_hash,created) VALUES(?,?,?,?,?)");
	if (!st)
		return OE_EIO;
	sqlite3_bind_int64(st, 1, org_id);
	sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 3, role);
	oe_sq_bind_text(st, 4, pw_hash);
	sqlite3_bind_int64(st, 5, oe_now());
	int rc = sqlite3_step(st);
	int ret = rc == SQLITE_DONE ? 0 : (rc & 0xff) == SQLITE_CONSTRAINT ? OE_EEXIST : OE_EIO;
	if (!ret)
		*id = sqlite3_last_insert_rowid(q->db);
	oe_sq_done(q, st);
	return ret;
}

static int sq_key_create(oe_store *s, const char *key_id, const uint8_t hash[32], int64_t org_id,
			 int64_t user_id, int role, const char *label)
{
	sqlite3_stmt *st =
	    oe_sq_prep(SQ(s), "INSERT INTO api_keys(key_id,org_id,user_id,role,hash,label,"
			      "created) VALUES(?,?,?,?,?,?,?)");
	if (!st)
		return OE_EIO;
	sqlite3_bind_text(st, 1, key_id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, org_id);
	if (user_id)
		sqlite3_bind_int64(st, 3, user_id);
	else
		sqlite3_bind_null(st, 3);
	sqlite3_bind_int(st, 4, role);
	sqlite3_bind_blob(st, 5, hash, 32, SQLITE_STATIC);
	oe_sq_bind_text(st, 6, label);
	sqlite3_bind_int64(st, 7, oe_now());
	int rc = sqlite3_step(st);
	int ret = rc == SQLITE_DONE ? 0 : (rc & 0xff) == SQLITE_CONSTRAINT ? OE_EEXIST : OE_EIO;
	oe_sq_done(SQ(s), st);
	return ret;
}

static int sq_key_get(oe_store *s, const char *key_id, oe_apikey *out)
{
	sqlite3_stmt *st =
	    oe_sq_prep(SQ(s), "SELECT id,org_id,ifnull(user_id,0),role,hash,revoked IS NOT "
			      "NULL OR ifnull((SELECT disabled FROM users u WHERE "
			      "u.id=api_keys.user_id),0) FROM api_keys WHERE key_id=?");
	if (!st)
		return OE_EIO;
	sqlite3_bind_text(st, 1, key_id, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	int ret = rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? OE_ENOTFOUND : OE_EIO;
	if (rc == SQLITE_ROW) {
		out->id = sqlite3_column_int64(st, 0);
		out->org_id = sqlite3_column_int64(st, 1);
		out->user_id = sqlite3_column_int64(st, 2);
		out->role = sqlite3_column_int(st, 3);
		if (sqlite3_column_bytes(st, 4) != 32)
			ret = OE_EIO;
		else
			memcpy(out->hash, sqlite3_column_blob(st, 4), 32);
		out->revoked = sqlite3_column_int(st, 5) != 0;
	}
	oe_sq_done(SQ(s), st);
	return ret;
}

static int sq_key_revoke(oe_store *s, const char *key_id)
{
	sq_store *q = SQ(s);
	sqlite3_stmt *st =
	    oe_sq_prep(q, "UPDATE api_keys SET revoked=? WHERE key_id=? AND revoked IS NULL");
	if (!st)
		return OE_EIO;
	sqlite3_bind_int64(st, 1, oe_now());
	sqlite3_bind_text(st, 2, key_id, -1, SQLITE_STATIC);
	int ret = sqlite3_step(st) == SQLITE_DONE ? 0 : OE_EIO;
	if (!ret && sqlite3_changes(q->db) == 0)
		ret = OE_ENOTFOUND;
	oe_sq_done(q, st);
	return ret;
}

static int sq_key_list(oe_store *s, oe_arena *a, oe_keyinfo **out, size_t *n)
{
	sqlite3_stmt *st = oe_sq_prep(SQ(s), "SELECT k.key_id,o.name,k.role,k.label,k.created,"
					     "ifnull(k.revoked,0) FROM api_keys k JOIN orgs o ON "
					     "o.id=k.org_id ORDER BY k.id");
	if (!st)
		return OE_EIO;
	size_t cap = 0, cnt = 0;
	oe_keyinfo *v = NULL;
	int ret = 0;
	while (!ret && sqlite3_step(st) == SQLITE_ROW) {
		if ((ret = oe_sq_grow(a, (void **)&v, cnt, &cap, sizeof(*v))))
			break;
		oe_keyinfo *k = &v[cnt++];
		k->key_id = oe_sq_text(st, 0, a);
		k->org_name = oe_sq_text(st, 1, a);
		k->role = sqlite3_column_int(st, 2);
		k->label = oe_sq_text(st, 3, a);
		k->created = sqlite3_column_int64(st, 4);
		k->revoked = sqlite3_column_int64(st, 5);
	}
	oe_sq_done(SQ(s), st);
	*out = v;
	*n = cnt;
	return ret;
}

void oe_indicator_uuid(int type, const char *value, oe_uuid *u)
{
	char buf[OE_VALUE_MAX + 32];
	int n = snprintf(buf, sizeof(buf), "%s:%s", oe_itype_name((oe_itype)type), value);
	if (n < 0 || (size_t)n >= sizeof(buf))
		n = (int)sizeof(buf) - 1;
	oe_uuid_v5(&oe_uuid_ns_indicator, buf, (size_t)n, u);
}

static int add_tags(sq_store *q, int64_t id, int64_t org_id, char *const *tags, size_t n,
		    bool *added)
{
	sqlite3_stmt *st = stmt(q, ST_INS_TAG);
	if (!st)
		return OE_EIO;
	for (size_t i = 0; i < n; i++) {
		if (!tags[i])
			continue; /* moved elsewhere by the importer's merge */
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_int64(st, 2, org_id);
		sqlite3_bind_text(st, 3, tags[i], -1, SQLITE_STATIC);
		int rc = sqlite3_step(st);
		sqlite3_reset(st);
		if (rc != SQLITE_DONE)
			return oe_sq_err(q);
		if (sqlite3_changes(q->db) > 0 && added)
			*added = true;
	}
	return 0;
}

static oe_time tmin(oe_time a, oe_time b)
{
	return !a ? b : !b ? a : a < b ? a : b;
}
static oe_time tmax(oe_time a, oe_time b)
{
	return a > b ? a : b;
}

/* Columns tlp, confidence, description, first_seen, last_seen, valid_until,
 * revoked, group_id, via_peer from column i on; the description is copied
 * into buf, since the statement is reset before it is used. */
static void read_assertion(sqlite3_stmt *st, int i, char *buf, size_t cap, oe_assertion *a)
{
	a->tlp = sqlite3_column_int(st, i);
	a->confidence = sqlite3_column_int(st, i + 1);
	const char *d = (const char *)sqlite3_column_text(st, i + 2);
	snprintf(buf, cap, "%s", d ? d : "");
	a->description = d ? buf : NULL;
	a->first_seen = sqlite3_column_int64(st, i + 3);
	a->last_seen = sqlite3_column_int64(st, i + 4);
	a->valid_until = sqlite3_column_int64(st, i + 5);
	a->revoked = sqlite3_column_int(st, i + 6) != 0;
	a->group_id = sqlite3_column_int64(st, i + 7);
	a->via_peer = sqlite3_column_int64(st, i + 8);
}

/* The one rule for an organisation asserting a value again: what c says
 * replaces, except that the marking only tightens, seen times only widen
 * and revocation is only ever set (a feed re-sending a value does not
 * revive it or widen it); what c leaves out stays.
 * With no earlier assertion (old NULL), the defaults fill the gaps.
 * Returns whether anything differs from old. */
static bool merge_assertion(const oe_assertion *old, const oe_ioc *c, int def_tlp,
			    int def_confidence, oe_time first, oe_time last, oe_assertion *n)
{
	if (!old) {
		n->tlp = c->tlp >= 0 ? c->tlp : def_tlp;
		n->confidence = c->confidence >= 0 ? c->confidence : def_confidence;
		n->description = c->description;
		n->first_seen = first;
		n->last_seen = last;
		n->valid_until = c->valid_until;
		n->revoked = c->revoked;
		n->group_id = c->group_id;
		n->via_peer = c->via_peer;
		return true;
	}
	/* A re-sent value may tighten its marking, never widen it: an analyst
	 * who made it RED is not overruled by tonight's GREEN feed (PATCH can). */
	n->tlp = c->tlp > old->tlp ? c->tlp : old->tlp;
	n->confidence = c->confidence >= 0 ? c->confidence : old->confidence;
	n->description = c->description ? c->description : old->description;
	n->first_seen = tmin(old->first_seen, c->first_seen);
	n->last_seen = tmax(old->last_seen, c->last_seen);
	n->valid_until = c->valid_until ? c->valid_until : old->valid_until;
	n->revoked = c->revoked || old->revoked;
	/* The group the organisation names now; the node an assertion first
	 * came from stays. */
	n->group_id = c->group_id ? c->group_id : old->group_id;
	n->via_peer = old->via_peer;
	return n->tlp != old->tlp || n->confidence != old->confidence ||
	       n->group_id != old->group_id || n->first_seen != old->first_seen ||
	       n->last_seen != old->last_seen || n->valid_until != old->valid_until ||
	       n->revoked != old->revoked ||
	       (n->description && (!old->description || strcmp(n->description, old->description)));
}

static int sq_indicator_upsert(oe_store *s, const oe_ioc *c, int64_t org_id, int def_tlp,
			       int def_confidence, oe_time now, int64_t *id,
			       oe_upsert_outcome *outcome)
{
	sq_store *q = SQ(s);
	int ret;
	oe_uuid u;
	if (c->has_uuid)
		u = c->uuid;
	else
		oe_indicator_uuid(c->type, c->value, &u);
	sqlite3_stmt *st = stmt(q, ST_INS_IND);
	if (!st)
		return OE_EIO;
	oe_time first = c->first_seen ? c->first_seen : now;
	oe_time last = c->last_seen ? c->last_seen : first;
	sqlite3_bind_blob(st, 1, u.b, 16, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, c->type);
	sqlite3_bind_text(st, 3, c->value, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, org_id);
	sqlite3_bind_int(st, 5, c->tlp >= 0 ? c->tlp : def_tlp);
	sqlite3_bind_int(st, 6, c->confidence >= 0 ? c->confidence : def_confidence);
	oe_sq_bind_text(st, 7, c->description);
	sqlite3_bind_int64(st, 8, first);
	sqlite3_bind_int64(st, 9, last);
	oe_sq_bind_time(st, 10, c->valid_until);
	sqlite3_bind_int64(st, 11, now);
	sqlite3_bind_int64(st, 12, now);
	sqlite3_bind_int(st, 13, c->revoked);
	oe_sq_bind_text(st, 14, c->ext_id);
	if (c->group_id)
		sqlite3_bind_int64(st, 15, c->group_id);
	if (c->via_peer)
		sqlite3_bind_int64(st, 16, c->via_peer);
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (rc != SQLITE_DONE)
		return oe_sq_err(q);
	if (sqlite3_changes(q->db) == 1) {
		*id = sqlite3_last_insert_rowid(q->db);
		*outcome = OE_UPSERT_CREATED;
		return add_tags(q, *id, org_id, c->tags, c->ntags, NULL);
	}

	/* The value exists: merge the caller's assertion into what it said
	 * before (the origin's row, or its own row of indicator_orgs). */
	st = stmt(q, ST_SEL_IND_BY_UUID);
	if (!st)
		return OE_EIO;
	sqlite3_bind_blob(st, 1, u.b, 16, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_reset(st);
		return OE_EIO;
	}
	int64_t rid = sqlite3_column_int64(st, 0), rorg = sqlite3_column_int64(st, 1);
	char desc[OE_TEXT_MAX + 1];
	oe_assertion old = {0};
	bool had = true, origin = rorg == org_id;
	if (origin) {
		read_assertion(st, 2, desc, sizeof(desc), &old);
		sqlite3_reset(st);
	} else {
		sqlite3_reset(st);
		sqlite3_stmt *sel = stmt(q, ST_SEL_IORG);
		if (!sel)
			return OE_EIO;
		sqlite3_bind_int64(sel, 1, rid);
		sqlite3_bind_int64(sel, 2, org_id);
		had = sqlite3_step(sel) == SQLITE_ROW;
		if (had)
			read_assertion(sel, 0, desc, sizeof(desc), &old);
		sqlite3_reset(sel);
	}
	*id = rid;
	oe_assertion n;
	bool changed =
	    merge_assertion(had ? &old : NULL, c, def_tlp, def_confidence, first, last, &n);
	bool tags_added = false;
	if ((ret = add_tags(q, rid, org_id, c->tags, c->ntags, &tags_added)))
		return ret;
	if (!changed && !tags_added) {
		*outcome = OE_UPSERT_UNCHANGED;
		return 0;
	}
	st = stmt(q, origin ? ST_UPD_IND : ST_UPSERT_IORG);
	if (!st)
		return OE_EIO;
	/* Both statements take the assertion as ?1..?8 and the keys after. */
	sqlite3_bind_int(st, 1, n.tlp);
	sqlite3_bind_int(st, 2, n.confidence);
	oe_sq_bind_text(st, 3, n.description);
	oe_sq_bind_time(st, 4, n.first_seen);
	oe_sq_bind_time(st, 5, n.last_seen);
	oe_sq_bind_time(st, 6, n.valid_until);
	sqlite3_bind_int(st, 7, n.revoked);
	sqlite3_bind_int64(st, 8, now);
	sqlite3_bind_int64(st, 9, rid);
	if (!origin)
		sqlite3_bind_int64(st, 10, org_id);
	if (n.group_id)
		sqlite3_bind_int64(st, 11, n.group_id);
	if (n.via_peer)
		sqlite3_bind_int64(st, 12, n.via_peer);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (rc != SQLITE_DONE)
		return oe_sq_err(q);
	*outcome = had ? OE_UPSERT_UPDATED : OE_UPSERT_CREATED;
	return 0;
}

/* One statement reads an indicator with its tags and the other
 * organisations' assertions folded in: tags joined by U+001F (the API
 * refuses control characters in tags, so the separator is safe), the
 * assertions as a JSON array of arrays (NULL when there are none: the
 * common case costs nothing). */
#define IND_COLS                                                                                   \
	"i.id,i.uuid,i.type,i.value,i.tlp,i.confidence,i.description,i.created,i.modified,"        \
	"i.first_seen,i.last_seen,i.valid_until,i.revoked,i.org_id,o.stix_id,o.name,"              \
	"(SELECT group_concat(tag,char(31)) FROM (SELECT tag FROM indicator_tags WHERE "           \
	"indicator_id=i.id AND org_id=i.org_id ORDER BY tag)),"                                    \
	"(SELECT json_group_array(json_array(x.org_id,x.tlp,x.confidence,ifnull(x.first_seen,0),"  \
	"ifnull(x.last_seen,0),ifnull(x.valid_until,0),x.revoked,x.description,"                   \
	"ifnull(x.created,0),ifnull(x.modified,0),xo.stix_id,xo.name,(SELECT "                     \
	"json_group_array(tag) FROM indicator_tags t WHERE t.indicator_id=x.indicator_id AND "     \
	"t.org_id=x.org_id),ifnull(x.group_id,0),ifnull(x.via_peer,0))) FROM indicator_orgs x "    \
	"JOIN orgs xo ON xo.id=x.org_id WHERE x.indicator_id=i.id),ifnull(i.group_id,0),"          \
	"ifnull(i.via_peer,0)"

static int fill_indicator(sq_store *q, sqlite3_stmt *st, oe_arena *a, oe_indicator_row *r)
{
	memset(r, 0, sizeof(*r));
	oe_indicator_view *v = &r->v;
	v->id = sqlite3_column_int64(st, 0);
	if (sqlite3_column_bytes(st, 1) == 16) {
		oe_uuid u;
		char us[OE_UUID_STR];
		memcpy(u.b, sqlite3_column_blob(st, 1), 16);
		oe_uuid_format(&u, us);
		memcpy(v->stix_id, "indicator--", 11);
		memcpy(v->stix_id + 11, us, OE_UUID_STR);
	}
	v->type = (oe_itype)sqlite3_column_int(st, 2);
	v->value = oe_sq_text(st, 3, a);
	v->tlp = sqlite3_column_int(st, 4);
	v->confidence = sqlite3_column_int(st, 5);
	v->description = oe_sq_text(st, 6, a);
	v->created = sqlite3_column_int64(st, 7);
	v->modified = sqlite3_column_int64(st, 8);
	v->first_seen = sqlite3_column_int64(st, 9);
	v->last_seen = sqlite3_column_int64(st, 10);
	v->valid_until = sqlite3_column_int64(st, 11);
	v->revoked = sqlite3_column_int(st, 12) != 0;
	r->org_id = sqlite3_column_int64(st, 13);
	v->org_stix_id = oe_sq_text(st, 14, a);
	v->org_name = oe_sq_text(st, 15, a);
	if (!v->value)
		return OE_ENOMEM;

	char *tags = oe_sq_text(st, 16, a);
	if (tags) {
		size_t n = 1;
		for (char *p = tags; *p; p++)
			n += *p == '\x1f';
		const char **t = oe_arena_alloc(a, n * sizeof(*t));
		if (!t)
			return OE_ENOMEM;
		n = 0;
		for (char *p = tags;;) {
			t[n++] = p;
			char *sep = strchr(p, '\x1f');
			if (!sep)
				break;
			*sep = '\0';
			p = sep + 1;
		}
		v->tags = t;
		v->ntags = n;
	}
	const char *others = (const char *)sqlite3_column_text(st, 17);
	if (others && strcmp(others, "[]") != 0) {
		json_t *j = json_loads(others, 0, NULL);
		size_t n = json_array_size(j);
		oe_assertion *o = n ? oe_arena_alloc(a, n * sizeof(*o)) : NULL;
		if (!j || !n || !o) {
			json_decref(j);
			return j ? OE_ENOMEM : OE_EIO;
		}
		for (size_t i = 0; i < n; i++) {
			json_t *e = json_array_get(j, i);
			o[i].org_id = json_integer_value(json_array_get(e, 0));
			o[i].tlp = (int)json_integer_value(json_array_get(e, 1));
			o[i].confidence = (int)json_integer_value(json_array_get(e, 2));
			o[i].first_seen = json_integer_value(json_array_get(e, 3));
			o[i].last_seen = json_integer_value(json_array_get(e, 4));
			o[i].valid_until = json_integer_value(json_array_get(e, 5));
			o[i].revoked = json_integer_value(json_array_get(e, 6)) != 0;
			json_t *d = json_array_get(e, 7);
			o[i].description =
			    json_is_string(d) ? oe_arena_strdup(a, json_string_value(d)) : NULL;
			o[i].created = json_integer_value(json_array_get(e, 8));
			o[i].modified = json_integer_value(json_array_get(e, 9));
			o[i].org_stix_id =
			    oe_arena_strdup(a, json_string_value(json_array_get(e, 10)));
			o[i].org_name =
			    oe_arena_strdup(a, json_string_value(json_array_get(e, 11)));
			json_t *tg = json_array_get(e, 12);
			size_t nt = json_array_size(tg);
			const char **ot = nt ? oe_arena_alloc(a, nt * sizeof(*ot)) : NULL;
			o[i].ntags = 0;
			for (size_t k = 0; ot && k < nt; k++)
				if (json_is_string(json_array_get(tg, k)))
					ot[o[i].ntags++] = oe_arena_strdup(
					    a, json_string_value(json_array_get(tg, k)));
			o[i].tags = ot;
			o[i].group_id = json_integer_value(json_array_get(e, 13));
			o[i].via_peer = json_integer_value(json_array_get(e, 14));
		}
		json_decref(j);
		r->others = o;
		r->nothers = n;
	}
	r->n_orgs = 1 + (int64_t)r->nothers;
	r->group_id = sqlite3_column_int64(st, 18);
	r->via_peer = sqlite3_column_int64(st, 19);
	return 0;
}

static int sq_indicator_get(oe_store *s, int64_t id, const oe_uuid *uuid, oe_arena *a,
			    oe_indicator_row *out)
{
	sq_store *q = SQ(s);
	sqlite3_stmt *st = oe_sq_prep(
	    q, uuid ? "SELECT " IND_COLS " FROM indicators i JOIN orgs o ON o.id=i.org_id "
		      "WHERE i.uuid=?"
		    : "SELECT " IND_COLS " FROM indicators i JOIN orgs o ON o.id=i.org_id "
		      "WHERE i.id=?");
	if (!st)
		return OE_EIO;
	if (uuid)
		sqlite3_bind_blob(st, 1, uuid->b, 16, SQLITE_STATIC);
	else
		sqlite3_bind_int64(st, 1, id);
	int rc = sqlite3_step(st);
	int ret = rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? OE_ENOTFOUND : OE_EIO;
	if (rc == SQLITE_ROW)
		ret = fill_indicator(q, st, a, out);
	oe_sq_done(q, st);
	return ret;
}

static int sq_indicator_list(oe_store *s, const oe_indicator_filter *f, oe_arena *a,
			     oe_indicator_row **out, size_t *n)
{
	sq_store *q = SQ(s);
	/* Room for the longest combination of filters; checked below. */
	char sql[4096];
	int len = snprintf(sql, sizeof(sql),
			   "SELECT " IND_COLS " FROM indicators i JOIN orgs o ON o.id=i.org_id "
			   "WHERE %s",
			   f->has_after ? "i.uuid>?1" : "?1 IS NULL");
	if (f->type != OE_T_NONE)
		len += snprintf(sql + len, sizeof(sql) - (size_t)len, " AND i.type=?2");
	if (f->value) {
		len += snprintf(sql + len, sizeof(sql) - (size_t)len, " AND i.uuid=?3");
	}
	if (f->tag)
		len +=
		    snprintf(sql + len, sizeof(sql) - (size_t)len,
			     " AND i.id IN (SELECT indicator_id FROM indicator_tags WHERE tag=?4)");
	if (f->since)
		len += snprintf(sql + len, sizeof(sql) - (size_t)len,
				" AND (i.modified>=?5 OR EXISTS(SELECT 1 FROM "
				"indicator_orgs x WHERE x.indicator_id=i.id AND x.modified>=?5))");
	/* TLP and revocation are judged on the caller's view, by the service:
	 * filtering on the origin's hidden fields here would leak them. */
	if ((size_t)len >= sizeof(sql) - 32)
		return OE_EIO;
	snprintf(sql + len, sizeof(sql) - (size_t)len, " ORDER BY i.uuid LIMIT ?7");
	sqlite3_stmt *st = oe_sq_prep(q, sql);
	if (!st)
		return OE_EIO;
	if (f->has_after)
		sqlite3_bind_blob(st, 1, f->after.b, 16, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 1);
	sqlite3_bind_int(st, 2, f->type);
	oe_uuid u;
	if (f->value) {
		oe_indicator_uuid(f->type, f->value, &u);
		sqlite3_bind_blob(st, 3, u.b, 16, SQLITE_STATIC);
	}
	if (f->tag)
		sqlite3_bind_text(st, 4, f->tag, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, f->since);
	sqlite3_bind_int64(st, 7, (int64_t)f->limit);
	oe_indicator_row *rows = oe_arena_alloc(a, (f->limit ? f->limit : 1) * sizeof(*rows));
	size_t cnt = 0;
	int ret = rows ? 0 : OE_ENOMEM, rc;
	while (!ret && (rc = sqlite3_step(st)) == SQLITE_ROW)
		ret = fill_indicator(q, st, a, &rows[cnt++]);
	if (!ret && rc != SQLITE_DONE)
		ret = OE_EIO;
	oe_sq_done(q, st);
	*out = rows;
	*n = cnt;
	return ret;
}

static int sq_indicator_patch(oe_store *s, int64_t id, int64_t org_id, const oe_indicator_patch *p,
			      oe_time now)
{
	sq_store *q = SQ(s);
	sqlite3_stmt *st = oe_sq_prep(q, "SELECT org_id FROM indicators WHERE id=?");
	if (!st)
		return OE_EIO;
	sqlite3_bind_int64(st, 1, id);
	int rc = sqlite3_step(st);
	int64_t origin = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	oe_sq_done(q, st);
	if (rc != SQLITE_ROW)
		return rc == SQLITE_DONE ? OE_ENOTFOUND : OE_EIO;
	bool own = origin == org_id;
	/* ?2.. are "set" flags, so NULL can mean "clear" where a flag says so. */
	st = oe_sq_prep(
	    q, own ? "UPDATE indicators SET tlp=ifnull(?1,tlp),confidence=ifnull(?2,confidence),"
		     "description=CASE WHEN ?3 THEN ?4 ELSE description END,valid_until=CASE "
		     "WHEN ?5 THEN ?6 ELSE valid_until END,revoked=ifnull(?7,revoked),"
		     "modified=?8,group_id=CASE WHEN ?11 THEN ?12 ELSE group_id END WHERE id=?9"
		   : "UPDATE indicator_orgs SET tlp=ifnull(?1,tlp),confidence=ifnull(?2,"
		     "confidence),description=CASE WHEN ?3 THEN ?4 ELSE description END,"
		     "valid_until=CASE WHEN ?5 THEN ?6 ELSE valid_until END,revoked=ifnull(?7,"
		     "revoked),modified=?8,group_id=CASE WHEN ?11 THEN ?12 ELSE group_id END "
		     "WHERE indicator_id=?9 AND org_id=?10");
	if (!st)
		return OE_EIO;
	if (p->tlp >= 0)
		sqlite3_bind_int(st, 1, p->tlp);
	if (p->confidence >= 0)
		sqlite3_bind_int(st, 2, p->confidence);
	sqlite3_bind_int(st, 3, p->set_description);
	oe_sq_bind_text(st, 4, p->description);
	sqlite3_bind_int(st, 5, p->set_valid_until);
	oe_sq_bind_time(st, 6, p->valid_until);
	if (p->revoked >= 0)
		sqlite3_bind_int(st, 7, p->revoked);
	sqlite3_bind_int64(st, 8, now);
	sqlite3_bind_int64(st, 9, id);
	if (!own)
		sqlite3_bind_int64(st, 10, org_id);
	sqlite3_bind_int(st, 11, p->set_group);
	if (p->group_id)
		sqlite3_bind_int64(st, 12, p->group_id);
	int ret = sqlite3_step(st) == SQLITE_DONE ? 0 : oe_sq_err(q);
	if (!ret && sqlite3_changes(q->db) == 0)
		ret = OE_ENOTFOUND;
	oe_sq_done(q, st);
	if (!ret && p->set_tags) {
		st = oe_sq_prep(q, "DELETE FROM indicator_tags WHERE indicator_id=? AND org_id=?");
		if (!st)
			return OE_EIO;
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_int64(st, 2, org_id);
		ret = sqlite3_step(st) == SQLITE_DONE ? 0 : OE_EIO;
		oe_sq_done(q, st);
		if (!ret)
			ret = add_tags(q, id, org_id, p->tags, p->ntags, NULL);
	}
	return ret;
}

static int sq_event_create(oe_store *s, const char *uuid, int64_t org_id, const char *title,
			   int tlp, char *const *tags, size_t ntags, const char *ext_id,
			   oe_time now, int64_t *id)
{
	sq_store *q = SQ(s);
	sqlite3_stmt *st =
	    oe_sq_prep(q, "INSERT INTO events(uuid,org_id,title,tlp,ext_id,created,modified)"
			  " VALUES(?,?,?,?,?,?,?)");
	if (!st)
		return OE_EIO;
	sqlite3_bind_text(st, 1, uuid, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, org_id);
	sqlite3_bind_text(st, 3, title, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 4, tlp);
	oe_sq_bind_text(st, 5, ext_id);
	sqlite3_bind_int64(st, 6, now);
	sqlite3_bind_int64(st, 7, now);
	int rc = sqlite3_step(st);
	int ret = rc == SQLITE_DONE ? 0 : (rc & 0xff) == SQLITE_CONSTRAINT ? OE_EEXIST : OE_EIO;
	oe_sq_done(q, st);
	if (ret)
		return ret;
	*id = sqlite3_last_insert_rowid(q->db);
	st = oe_sq_prep(q, "INSERT OR IGNORE INTO event_tags(event_id,tag) VALUES(?,?)");
	if (!st)
		return OE_EIO;
	for (size_t i = 0; i < ntags && !ret; i++) {
		sqlite3_bind_int64(st, 1, *id);
		sqlite3_bind_text(st, 2, tags[i], -1, SQLITE_STATIC);
		ret = sqlite3_step(st) == SQLITE_DONE ? 0 : OE_EIO;
		sqlite3_reset(st);
	}
	oe_sq_done(q, st);
	return ret;
}

static int sq_event_update(oe_store *s, int64_t id, const char *title, int tlp, oe_time now)
{
	sq_store *q = SQ(s);
	sqlite3_stmt *st =
	    oe_sq_prep(q, "UPDATE events SET title=ifnull(?1,title),tlp=max(tlp,ifnull(?2,"
			  "tlp)),modified=?3 WHERE id=?4 AND (title IS NOT ifnull(?1,title) OR "
			  "tlp<ifnull(?2,tlp))");
	if (!st)
		return OE_EIO;
	oe_sq_bind_text(st, 1, title);
	if (tlp >= 0)
		sqlite3_bind_int(st, 2, tlp);
	sqlite3_bind_int64(st, 3, now);
	sqlite3_bind_int64(st, 4, id);
	int ret = sqlite3_step(st) == SQLITE_DONE ? 0 : oe_sq_err(q);
	oe_sq_done(q, st);
	return ret;
}

static int sq_event_find_ext(oe_store *s, int64_t org_id, const char *ext_id, int64_t *id)
{
	sqlite3_stmt *st = oe_sq_prep(SQ(s), "SELECT id FROM events WHERE org_id=? AND ext_id=?");
	if (!st)
		return OE_EIO;
	sqlite3_bind_int64(st, 1, org_id);
	sqlite3_bind_text(st, 2, ext_id, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	int ret = rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? OE_ENOTFOUND : OE_EIO;
	if (rc == SQLITE_ROW)
		*id = sqlite3_column_int64(st, 0);
	oe_sq_done(SQ(s), st);
	return ret;
}

static int sq_event_link(oe_store *s, int64_t event_id, int64_t indicator_id)
{
	sq_store *q = SQ(s);
	sqlite3_stmt *st = stmt(q, ST_INS_EVLINK);
	if (!st)
		return OE_EIO;
	sqlite3_bind_int64(st, 1, event_id);
	sqlite3_bind_int64(st, 2, indicator_id);
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : oe_sq_err(q);
}

#define EV_COLS "e.id,e.uuid,e.org_id,o.name,e.title,e.tlp,e.created,e.modified"

static void fill_event(sqlite3_stmt *st, oe_arena *a, oe_event_row *e)
{
	memset(e, 0, sizeof(*e));
	e->id = sqlite3_column_int64(st, 0);
	e->uuid = oe_sq_text(st, 1, a);
	e->org_id = sqlite3_column_int64(st, 2);
	e->org_name = oe_sq_text(st, 3, a);
	e->title = oe_sq_text(st, 4, a);
	e->tlp = sqlite3_column_int(st, 5);
	e->created = sqlite3_column_int64(st, 6);
	e->modified = sqlite3_column_int64(st, 7);
}

static int sq_event_get(oe_store *s, int64_t id, const char *uuid, oe_arena *a, oe_event_row *out)
{
	sq_store *q = SQ(s);
	sqlite3_stmt *st = oe_sq_prep(q, uuid ? "SELECT " EV_COLS " FROM events e JOIN orgs o ON "
						"o.id=e.org_id WHERE e.uuid=?"
					      : "SELECT " EV_COLS " FROM events e JOIN orgs o ON "
						"o.id=e.org_id WHERE e.id=?");
	if (!st)
		return OE_EIO;
	if (uuid)
		sqlite3_bind_text(st, 1, uuid, -1, SQLITE_STATIC);
	else
		sqlite3_bind_int64(st, 1, id);
	int rc = sqlite3_step(st);
	int ret = rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? OE_ENOTFOUND : OE_EIO;
	if (rc == SQLITE_ROW)
		fill_event(st, a, out);
	oe_sq_done(q, st);
	if (ret)
		return ret;

	st = oe_sq_prep(q, "SELECT tag FROM event_tags WHERE event_id=? ORDER BY tag");
	if (!st)
		return OE_EIO;
	sqlite3_bind_int64(st, 1, out->id);
	size_t cap = 0, n = 0;
	while (!ret && sqlite3_step(st) == SQLITE_ROW)
		if (!(ret = oe_sq_grow(a, (void **)&out->tags, n, &cap, sizeof(*out->tags))))
			out->tags[n++] = oe_sq_text(st, 0, a);
	out->ntags = n;
	oe_sq_done(q, st);
	if (ret)
		return ret;

	st = oe_sq_prep(q, "SELECT indicator_id FROM event_indicators WHERE event_id=? ORDER BY "
			   "indicator_id");
	if (!st)
		return OE_EIO;
	sqlite3_bind_int64(st, 1, out->id);
	cap = n = 0;
	while (!ret && sqlite3_step(st) == SQLITE_ROW)
		if (!(ret = oe_sq_grow(a, (void **)&out->indicator_ids, n, &cap,
				       sizeof(*out->indicator_ids))))
			out->indicator_ids[n++] = sqlite3_column_int64(st, 0);
	out->nindicators = n;
	oe_sq_done(q, st);
	return ret;
}

static int sq_events_of(oe_store *s, int64_t indicator_id, oe_arena *a, oe_event_row **out,
			size_t *n)
{
	sqlite3_stmt *st =
	    oe_sq_prep(SQ(s), "SELECT " EV_COLS " FROM event_indicators x JOIN events e ON "
			      "e.id=x.event_id JOIN orgs o ON o.id=e.org_id WHERE "
			      "x.indicator_id=? ORDER BY e.id LIMIT 100000");
	if (!st)
		return OE_EIO;
	sqlite3_bind_int64(st, 1, indicator_id);
	size_t cap = 0, cnt = 0;
	oe_event_row *v = NULL;
	int ret = 0;
	while (!ret && sqlite3_step(st) == SQLITE_ROW)
		if (!(ret = oe_sq_grow(a, (void **)&v, cnt, &cap, sizeof(*v))))
			fill_event(st, a, &v[cnt++]);
	oe_sq_done(SQ(s), st);
	*out = v;
	*n = cnt;
	return ret;
}

static int sq_sighting_put(oe_store *s, const char *stix_id, int64_t indicator_id, int64_t org_id,
			   int tlp, int64_t count, oe_time first, oe_time last, oe_time created,
			   int64_t via_peer, bool *stored)
{
	sq_store *q = SQ(s);
	sqlite3_stmt *st = oe_sq_prep(
	    q, "INSERT INTO sightings(indicator_id,org_id,tlp,count,first_seen,last_seen,created,"
	       "stix_id,via_peer) VALUES(?,?,?,?,?,?,?,?,?) ON CONFLICT(stix_id) WHERE stix_id IS "
	       "NOT NULL DO NOTHING");
	if (!st)
		return OE_EIO;
	sqlite3_bind_int64(st, 1, indicator_id);
	sqlite3_bind_int64(st, 2, org_id);
	sqlite3_bind_int(st, 3, tlp);
	sqlite3_bind_int64(st, 4, count);
	sqlite3_bind_int64(st, 5, first);
	sqlite3_bind_int64(st, 6, last);
	sqlite3_bind_int64(st, 7, created);
	oe_sq_bind_text(st, 8, stix_id);
	if (via_peer)
		sqlite3_bind_int64(st, 9, via_peer);
	int ret = sqlite3_step(st) == SQLITE_DONE ? 0 : oe_sq_err(q);
	*stored = !ret && sqlite3_changes(q->db) == 1;
	oe_sq_done(q, st);
	return ret;
}

/* One made here: no STIX id (it gets its own when served), no peer. A
 * sighting keeps its own window: it does not move any organisation's
 * assertion, whose seen times are that organisation's to state. */
static int sq_sighting_add(oe_store *s, int64_t indicator_id, int64_t org_id, int tlp,
			   int64_t count, oe_time first, oe_time last, oe_time now, int64_t *id)
{
	bool stored;
	int ret = sq_sighting_put(s, NULL, indicator_id, org_id, tlp, count, first, last, now, 0,
				  &stored);
	if (!ret)
		*id = sqlite3_last_insert_rowid(SQ(s)->db);
	return ret;
}

static int sq_sightings_of(oe_store *s, int64_t indicator_id, oe_arena *a, oe_sighting_row **out,
			   size_t *n)
{
	sqlite3_stmt *st =
	    oe_sq_prep(SQ(s), "SELECT s.id,s.org_id,o.name,s.count,s.first_seen,"
			      "s.last_seen,s.tlp,o.stix_id,o.country,o.created,s.created,"
			      "s.stix_id,ifnull(s.via_peer,0) FROM sightings s JOIN orgs o ON "
			      "o.id=s.org_id WHERE s.indicator_id=? ORDER BY s.id DESC "
			      "LIMIT 100000");
	if (!st)
		return OE_EIO;
	sqlite3_bind_int64(st, 1, indicator_id);
	size_t cap = 0, cnt = 0;
	oe_sighting_row *v = NULL;
	int ret = 0;
	while (!ret && sqlite3_step(st) == SQLITE_ROW) {
		if ((ret = oe_sq_grow(a, (void **)&v, cnt, &cap, sizeof(*v))))
			break;
		oe_sighting_row *r = &v[cnt++];
		r->id = sqlite3_column_int64(st, 0);
		r->indicator_id = indicator_id;
		r->org_id = sqlite3_column_int64(st, 1);
		r->org_name = oe_sq_text(st, 2, a);
		r->count = sqlite3_column_int64(st, 3);
		r->first_seen = sqlite3_column_int64(st, 4);
		r->last_seen = sqlite3_column_int64(st, 5);
		r->tlp = sqlite3_column_int(st, 6);
		r->org_stix_id = oe_sq_text(st, 7, a);
		r->org_country = oe_sq_text(st, 8, a);
		r->org_created = sqlite3_column_int64(st, 9);
		r->created = sqlite3_column_int64(st, 10);
		r->stix_id = oe_sq_text(st, 11, a);
		r->via_peer = sqlite3_column_int64(st, 12);
		if (!r->org_name || !r->org_stix_id || !r->org_country)
			ret = OE_ENOMEM;
	}
	oe_sq_done(SQ(s), st);
	*out = v;
	*n = cnt;
	return ret;
}

static int audit_append(sq_store *q, oe_time ts, const char *actor, const char *action,
			const char *object, const char *detail);

/* The chain needs the read of the last hash and the insert in one write
 * transaction; callers already inside one keep it. */
static int sq_audit(oe_store *s, oe_time ts, const char *actor, const char *action,
		    const char *object, const char *detail)
{
	sq_store *q = SQ(s);
	if (!sqlite3_get_autocommit(q->db))
		return audit_append(q, ts, actor, action, object, detail);
	int ret = sq_begin(s);
	if (ret)
		return ret;
	ret = audit_append(q, ts, actor, action, object, detail);
	if (!ret)
		return sq_commit(s);
	sq_rollback(s);
	return ret;
}

static int audit_append(sq_store *q, oe_time ts, const char *actor, const char *action,
			const char *object, const char *detail)
{
	uint8_t prev[32] = {0}, h[32];
	sqlite3_stmt *st = oe_sq_prep(q, "SELECT hash FROM audit ORDER BY id DESC LIMIT 1");
	if (!st)
		return OE_EIO;
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_bytes(st, 0) == 32)
		memcpy(prev, sqlite3_column_blob(st, 0), 32);
	oe_sq_done(q, st);

	oe_audit_hash(prev, ts, actor, action, object, detail, h);

	st = oe_sq_prep(
	    q, "INSERT INTO audit(ts,actor,action,object,detail,hash) VALUES(?,?,?,?,?,?)");
	if (!st)
		return OE_EIO;
	sqlite3_bind_int64(st, 1, ts);
	sqlite3_bind_text(st, 2, actor, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, action, -1, SQLITE_STATIC);
	oe_sq_bind_text(st, 4, object);
	oe_sq_bind_text(st, 5, detail);
	sqlite3_bind_blob(st, 6, h, 32, SQLITE_STATIC);
	int ret = sqlite3_step(st) == SQLITE_DONE ? 0 : OE_EIO;
	oe_sq_done(q, st);
	return ret;
}

static int sq_stats(oe_store *s, int64_t *indicators, int64_t *events, int64_t *sightings,
		    int64_t *orgs)
{
	sqlite3_stmt *st =
	    oe_sq_prep(SQ(s), "SELECT (SELECT count(*) FROM indicators WHERE revoked=0),"
			      "(SELECT count(*) FROM events),(SELECT count(*) FROM "
			      "sightings),(SELECT count(*) FROM orgs)");
	if (!st)
		return OE_EIO;
	int ret = OE_EIO;
	if (sqlite3_step(st) == SQLITE_ROW) {
		*indicators = sqlite3_column_int64(st, 0);
		*events = sqlite3_column_int64(st, 1);
		*sightings = sqlite3_column_int64(st, 2);
		*orgs = sqlite3_column_int64(st, 3);
		ret = 0;
	}
	oe_sq_done(SQ(s), st);
	return ret;
}

static int sq_checkpoint(oe_store *s)
{
	return oe_sq_exec(SQ(s), "PRAGMA wal_checkpoint(TRUNCATE)");
}

static const oe_store_ops sqlite_ops = {
    .name = "sqlite",
    .close = sq_close,
    .begin = sq_begin,
    .begin_read = sq_begin_read,
    .commit = sq_commit,
    .rollback = sq_rollback,
    .savepoint = sq_savepoint,
    .release = sq_release,
    .rollback_to = sq_rollback_to,
    .meta_get = sq_meta_get,
    .meta_set = sq_meta_set,
    .org_create = sq_org_create,
    .org_get = sq_org_get,
    .org_list = sq_org_list,
    .user_create = sq_user_create,
    .key_create = sq_key_create,
    .key_get = sq_key_get,
    .key_revoke = sq_key_revoke,
    .key_list = sq_key_list,
    .indicator_upsert = sq_indicator_upsert,
    .indicator_get = sq_indicator_get,
    .indicator_list = sq_indicator_list,
    .indicator_patch = sq_indicator_patch,
    .indicator_marks = oe_sq_indicator_marks,
    .indicator_scan = oe_sq_indicator_scan,
    .indicator_scan_changed = oe_sq_indicator_scan_changed,
    .indicator_changes_prune = oe_sq_indicator_changes_prune,
    .event_create = sq_event_create,
    .event_update = sq_event_update,
    .event_find_ext = sq_event_find_ext,
    .event_link = sq_event_link,
    .event_get = sq_event_get,
    .events_of = sq_events_of,
    .sighting_add = sq_sighting_add,
    .sightings_of = sq_sightings_of,
    .sighting_put = sq_sighting_put,
    .audit = sq_audit,
    .stats = sq_stats,
    .checkpoint = sq_checkpoint,
    .report = &oe_sqlite_report_ops,
    .share = &oe_sqlite_share_ops,
    .taxii = &oe_sqlite_taxii_ops,
    .auth = &oe_sqlite_auth_ops,
    .cases = &oe_sqlite_case_ops,
};

const int oe_store_schema_version = 9;

static int migrate(sq_store *q, char *err, size_t errcap)
{
	int version = 0;
	sqlite3_stmt *st = oe_sq_prep(q, "PRAGMA user_version");
	if (!st || sqlite3_step(st) != SQLITE_ROW) {
		oe_sq_done(q, st);
		snprintf(err, errcap, "cannot read the schema version: %s", sqlite3_errmsg(q->db));
		return OE_EIO;
	}
	version = sqlite3_column_int(st, 0);
	oe_sq_done(q, st);
	if (version > (int)oe_migrations_count) {
		snprintf(err, errcap,
			 "the database has schema version %d, newer than this oureyes (%d); "
			 "upgrade oureyes",
			 version, (int)oe_migrations_count);
		return OE_EVERSION;
	}
	for (int v = version; v < (int)oe_migrations_count; v++) {
		char pragma[64];
		snprintf(pragma, sizeof(pragma), "PRAGMA user_version=%d", v + 1);
		/* A NULL: a number another branch took (scripts/embed-sql.py). */
		if (oe_sq_exec(q, "BEGIN IMMEDIATE") ||
		    (oe_migrations[v] &&
		     sqlite3_exec(q->db, oe_migrations[v], NULL, NULL, NULL) != SQLITE_OK) ||
		    oe_sq_exec(q, pragma) || oe_sq_exec(q, "COMMIT")) {
			snprintf(err, errcap, "migration %d failed: %s", v + 1,
				 sqlite3_errmsg(q->db));
			oe_sq_exec(q, "ROLLBACK");
			return OE_EIO;
		}
	}
	return 0;
}

static void sqlite_setup(void)
{
	/* Memory statistics take a global mutex on every allocation: off. */
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

int oe_store_open(const char *dir, bool create, oe_store **out, char *err, size_t errcap)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, sqlite_setup);
	char path[4096];
	*out = NULL;
	snprintf(path, sizeof(path), "%s/oureyes.db", dir);
	sq_store *q = calloc(1, sizeof(*q));
	if (!q)
		return OE_ENOMEM;
	q->base.ops = &sqlite_ops;
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (create ? SQLITE_OPEN_CREATE : 0);
	if (sqlite3_open_v2(path, &q->db, flags, NULL) != SQLITE_OK) {
		snprintf(err, errcap, "cannot open %s: %s", path,
			 q->db ? sqlite3_errmsg(q->db) : "out of memory");
		sqlite3_close(q->db);
		free(q);
		return OE_EIO;
	}
	sqlite3_busy_timeout(q->db, 10000);
	sqlite3_extended_result_codes(q->db, 1);
	int ret;
	if (oe_sq_exec(q, "PRAGMA journal_mode=WAL") ||
	    oe_sq_exec(q, "PRAGMA synchronous=NORMAL") || oe_sq_exec(q, "PRAGMA foreign_keys=ON") ||
	    /* Erased report text and evidence rows are overwritten, not
	     * only unlinked from the b-tree (retention, report.c). */
	    oe_sq_exec(q, "PRAGMA secure_delete=ON") || oe_sq_exec(q, "PRAGMA cache_size=-65536") ||
	    /* Reads map the file instead of copying each page: loading the
	     * matcher reads every indicator, and a copy was a fifth of it. */
	    oe_sq_exec(q, "PRAGMA mmap_size=1073741824")) {
		snprintf(err, errcap, "cannot configure %s: %s", path, sqlite3_errmsg(q->db));
		ret = OE_EIO;
		goto fail;
	}
	if (oe_sq_taxii_register(q->db)) {
		snprintf(err, errcap, "cannot register SQL functions on %s", path);
		ret = OE_EIO;
		goto fail;
	}
	ret = migrate(q, err, errcap);
	if (ret)
		goto fail;
	*out = &q->base;
	return 0;
fail:
	sq_close(&q->base);
	return ret;
}

void oe_store_close(oe_store *s)
{
	if (s)
		s->ops->close(s);
}
