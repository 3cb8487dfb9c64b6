/* sqlite_share.c - partner nodes, their pull cursors, and sharing groups in
 * the SQLite backend (the share operations of store.h). */
#include <string.h>

#include "sqlite_int.h"

static int step_done(sq_store *q, sqlite3_stmt *st)
{
	int ret = sqlite3_step(st) == SQLITE_DONE ? 0 : oe_sq_err(q);
	oe_sq_done(q, st);
	return ret;
}

static int ss_peer_create(oe_store *s, const char *name, int64_t org_id, oe_time now, int64_t *id)
{
	sq_store *q = SQ(s);
	sqlite3_stmt *st = oe_sq_prep(q, "INSERT INTO peers(name,org_id,created) VALUES(?,?,?)");
	if (!st)
		return OE_EIO;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, org_id);
	sqlite3_bind_int64(st, 3, now);
	int ret = step_done(q, st);
	if (!ret)
		*id = sqlite3_last_insert_rowid(q->db);
	return ret;
}

#define PEER_COLS                                                                                  \
	"p.id,p.name,p.org_id,o.name,o.stix_id,p.url,p.key_sealed IS NOT NULL,p.identity,"         \
	"coalesce(p.interval,0),p.created,coalesce(p.last_attempt,0),coalesce(p.last_success,"     \
	"0),coalesce(p.next_attempt,0),p.last_error,p.errors,p.objects FROM peers p JOIN orgs "    \
	"o ON o.id=p.org_id"

static void fill_peer(sqlite3_stmt *st, oe_arena *a, oe_peer_row *p)
{
	p->id = sqlite3_column_int64(st, 0);
	p->name = oe_sq_text(st, 1, a);
	p->org_id = sqlite3_column_int64(st, 2);
	p->org_name = oe_sq_text(st, 3, a);
	p->org_stix_id = oe_sq_text(st, 4, a);
	p->url = oe_sq_text(st, 5, a);
	p->has_key = sqlite3_column_int(st, 6);
	p->identity = oe_sq_text(st, 7, a);
	p->interval = sqlite3_column_int64(st, 8);
	p->created = sqlite3_column_int64(st, 9);
	p->last_attempt = sqlite3_column_int64(st, 10);
	p->last_success = sqlite3_column_int64(st, 11);
	p->next_attempt = sqlite3_column_int64(st, 12);
	p->last_error = oe_sq_text(st, 13, a);
	p->errors = sqlite3_column_int64(st, 14);
	p->objects = sqlite3_column_int64(st, 15);
}

static int ss_peer_get(oe_store *s, int64_t id, const char *name, oe_arena *a, oe_peer_row *out)
{
	sq_store *q = SQ(s);
	sqlite3_stmt *st = oe_sq_prep(q, name ? "SELECT " PEER_COLS " WHERE p.name=?"
					      : "SELECT " PEER_COLS " WHERE p.id=?");
	if (!st)
		return OE_EIO;
	if (name)
		sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	else
		sqlite3_bind_int64(st, 1, id);
	int rc = sqlite3_step(st);
	int ret = rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? OE_ENOTFOUND : OE_EIO;
	if (rc == SQLITE_ROW)
		fill_peer(st, a, out);
	oe_sq_done(q, st);
	return ret;
}

static void fill_peer_row(sqlite3_stmt *st, oe_arena *a, void *row)
{
	fill_peer(st, a, row);
}

static int ss_peer_list(oe_store *s, oe_arena *a, oe_peer_row **out, size_t *n)
{
	return oe_sq_rows(SQ(s), "SELECT " PEER_COLS " ORDER BY p.name", 0, a, sizeof(**out),
			  fill_peer_row, (void **)out, n);
}

static int ss_peer_set_remote(oe_store *s, int64_t id, const char *url, const uint8_t *key_sealed,
			      size_t len)
{
	sq_store *q = SQ(s);
	sqlite3_stmt *st = oe_sq_prep(q, "UPDATE peers SET url=?,key_sealed=? WHERE id=?");
	if (!st)
		return OE_EIO;
	sqlite3_bind_text(st, 1, url, -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 2, key_sealed, (int)len, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, id);
	int ret = step_done(q, st);
	return !ret && sqlite3_changes(q->db) == 0 ? OE_ENOTFOUND : ret;
}

static int ss_peer_key(oe_store *s, int64_t id, oe_arena *a, uint8_t **sealed, size_t *len)
{
	sq_store *q = SQ(s);
	sqlite3_stmt *st = oe_sq_prep(q, "SELECT key_sealed FROM peers WHERE id=?");
	if (!st)
		return OE_EIO;
	sqlite3_bind_int64(st, 1, id);
	int ret = OE_ENOTFOUND;
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) == SQLITE_BLOB) {
		size_t n = (size_t)sqlite3_column_bytes(st, 0);
		uint8_t *p = oe_arena_alloc(a, n ? n : 1);
		if (p) {
			memcpy(p, sqlite3_column_blob(st, 0), n);
			*sealed = p;
			*len = n;
			ret = 0;
		} else {
			ret = OE_ENOMEM;
		}
	}
	oe_sq_done(q, st);
	return ret;
}

static int ss_peer_status(oe_store *s, int64_t id, oe_time attempt, const char *error,
			  oe_time next_attempt, int64_t objects)
{
	sq_store *q = SQ(s);
	sqlite3_stmt *st = oe_sq_prep(
	    q, error ? "UPDATE peers SET last_attempt=?1,last_error=?2,errors=errors+1,"
		       "next_attempt=?3,objects=objects+?4 WHERE id=?5"
		     : "UPDATE peers SET last_attempt=?1,last_success=?1,last_error=?2,errors=0,"
		       "next_attempt=?3,objects=objects+?4 WHERE id=?5");
	if (!st)
		return OE_EIO;
	sqlite3_bind_int64(st, 1, attempt);
	oe_sq_bind_text(st, 2, error);
	oe_sq_bind_time(st, 3, next_attempt);
	sqlite3_bind_int64(st, 4, objects);
	sqlite3_bind_int64(st, 5, id);
	return step_done(q, st);
}

static int ss_peer_set_identity(oe_store *s, int64_t id, const char *identity)
{
	sq_store *q = SQ(s);
	sqlite3_stmt *st = oe_sq_prep(q, "UPDATE peers SET identity=? WHERE id=?");
	if (!st)
		return OE_EIO;
	sqlite3_bind_text(st, 1, identity, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, id);
	return step_done(q, st);
}

static int ss_cursor_get(oe_store *s, int64_t peer_id, const char *collection, oe_arena *a,
			 char **added_after)
{
	sq_store *q = SQ(s);
	sqlite3_stmt *st =
	    oe_sq_prep(q, "SELECT added_after FROM peer_cursors WHERE peer_id=? AND collection=?");
	if (!st)
		return OE_EIO;
	sqlite3_bind_int64(st, 1, peer_id);
	sqlite3_bind_text(st, 2, collection, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	int ret = rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? OE_ENOTFOUND : OE_EIO;
	if (rc == SQLITE_ROW)
		*added_after = oe_sq_text(st, 0, a);
	oe_sq_done(q, st);
	return ret;
}

static int ss_cursor_set(oe_store *s, int64_t peer_id, const char *collection,
			 const char *added_after)
{
	sq_store *q = SQ(s);
	sqlite3_stmt *st = oe_sq_prep(
	    q, "INSERT INTO peer_cursors(peer_id,collection,added_after) VALUES(?,?,?) "
	       "ON CONFLICT(peer_id,collection) DO UPDATE SET added_after=excluded.added_after");
	if (!st)
		return OE_EIO;
	sqlite3_bind_int64(st, 1, peer_id);
	sqlite3_bind_text(st, 2, collection, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, added_after, -1, SQLITE_STATIC);
	return step_done(q, st);
}

static int ss_group_create(oe_store *s, const char *name, int64_t owner_org, int64_t peer_id,
			   oe_time now, int64_t *id)
{
	sq_store *q = SQ(s);
	sqlite3_stmt *st = oe_sq_prep(
	    q, "INSERT INTO sharing_groups(name,owner_org,peer_id,created) VALUES(?,?,?,?)");
	if (!st)
		return OE_EIO;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, owner_org);
	if (peer_id)
		sqlite3_bind_int64(st, 3, peer_id);
	else
		sqlite3_bind_null(st, 3);
	sqlite3_bind_int64(st, 4, now);
	int ret = step_done(q, st);
	if (!ret)
		*id = sqlite3_last_insert_rowid(q->db);
	return ret;
}

#define GROUP_COLS                                                                                 \
	"g.id,g.name,g.owner_org,o.name,coalesce(g.peer_id,0),g.created FROM sharing_groups "      \
	"g JOIN orgs o ON o.id=g.owner_org"

static void fill_group(sqlite3_stmt *st, oe_arena *a, oe_group_row *g)
{
	g->id = sqlite3_column_int64(st, 0);
	g->name = oe_sq_text(st, 1, a);
	g->owner_org = sqlite3_column_int64(st, 2);
	g->owner_name = oe_sq_text(st, 3, a);
	g->peer_id = sqlite3_column_int64(st, 4);
	g->created = sqlite3_column_int64(st, 5);
}

static int ss_group_get(oe_store *s, int64_t id, const char *name, int64_t owner_org, oe_arena *a,
			oe_group_row *out)
{
	sq_store *q = SQ(s);
	sqlite3_stmt *st =
	    oe_sq_prep(q, name ? "SELECT " GROUP_COLS " WHERE g.name=? AND g.owner_org=?"
			       : "SELECT " GROUP_COLS " WHERE g.id=?");
	if (!st)
		return OE_EIO;
	if (name) {
		sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, owner_org);
	} else {
		sqlite3_bind_int64(st, 1, id);
	}
	int rc = sqlite3_step(st);
	int ret = rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? OE_ENOTFOUND : OE_EIO;
	if (rc == SQLITE_ROW)
		fill_group(st, a, out);
	oe_sq_done(q, st);
	return ret;
}

static void fill_group_row(sqlite3_stmt *st, oe_arena *a, void *row)
{
	fill_group(st, a, row);
}

static int ss_group_list(oe_store *s, int64_t owner_org, oe_arena *a, oe_group_row **out, size_t *n)
{
	return oe_sq_rows(SQ(s),
			  "SELECT " GROUP_COLS " WHERE ?1=0 OR g.owner_org=?1 ORDER BY g.name,g.id",
			  owner_org, a, sizeof(**out), fill_group_row, (void **)out, n);
}

static int ss_member_add(oe_store *s, int64_t group_id, int64_t org_id, int64_t peer_id)
{
	sq_store *q = SQ(s);
	sqlite3_stmt *st = oe_sq_prep(
	    q, "INSERT INTO sharing_group_members(group_id,org_id,peer_id) VALUES(?,?,?) "
	       "ON CONFLICT DO NOTHING");
	if (!st)
		return OE_EIO;
	sqlite3_bind_int64(st, 1, group_id);
	if (org_id)
		sqlite3_bind_int64(st, 2, org_id);
	else
		sqlite3_bind_null(st, 2);
	if (peer_id)
		sqlite3_bind_int64(st, 3, peer_id);
	else
		sqlite3_bind_null(st, 3);
	return step_done(q, st);
}

static void fill_member(sqlite3_stmt *st, oe_arena *a, void *row)
{
	oe_group_member *m = row;
	m->org_id = sqlite3_column_int64(st, 0);
	m->peer_id = sqlite3_column_int64(st, 1);
	m->name = oe_sq_text(st, 2, a);
	m->stix_id = oe_sq_text(st, 3, a);
}

static int ss_members(oe_store *s, int64_t group_id, oe_arena *a, oe_group_member **out, size_t *n)
{
	return oe_sq_rows(
	    SQ(s),
	    "SELECT coalesce(m.org_id,0),coalesce(m.peer_id,0),coalesce(o.name,p.name),"
	    "coalesce(o.stix_id,po.stix_id) FROM sharing_group_members m LEFT JOIN orgs o ON "
	    "o.id=m.org_id LEFT JOIN peers p ON p.id=m.peer_id LEFT JOIN orgs po ON "
	    "po.id=p.org_id WHERE m.group_id=? ORDER BY 3",
	    group_id, a, sizeof(**out), fill_member, (void **)out, n);
}

static int ids_of(sq_store *q, const char *sql, int64_t arg, int64_t *out, size_t max, size_t *n)
{
	sqlite3_stmt *st = oe_sq_prep(q, sql);
	if (!st)
		return OE_EIO;
	sqlite3_bind_int64(st, 1, arg);
	int rc;
	*n = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && *n < max)
		out[(*n)++] = sqlite3_column_int64(st, 0);
	oe_sq_done(q, st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : OE_EIO;
}

static int ss_viewer_groups(oe_store *s, int64_t org_id, bool peer, int64_t *groups, size_t max,
			    size_t *n, int64_t *peer_groups, size_t pmax, size_t *pn)
{
	sq_store *q = SQ(s);
	*n = *pn = 0;
	int ret = ids_of(q,
			 "SELECT DISTINCT group_id FROM sharing_group_members WHERE org_id=? "
			 "ORDER BY group_id",
			 org_id, groups, max, n);
	if (!ret && peer)
		ret = ids_of(q,
			     "SELECT DISTINCT m.group_id FROM sharing_group_members m JOIN peers p "
			     "ON p.id=m.peer_id WHERE p.org_id=? ORDER BY m.group_id",
			     org_id, peer_groups, pmax, pn);
	return ret;
}

/* --- what a pull from a peer writes ------------------------------------ */

static int ss_org_find(oe_store *s, const char *stix_id, int64_t *org_id, int *kind)
{
	sq_store *q = SQ(s);
	sqlite3_stmt *st = oe_sq_prep(q, "SELECT o.id,o.peer_id IS NOT NULL,EXISTS(SELECT 1 FROM "
					 "peers p WHERE p.org_id=o.id) FROM orgs o WHERE "
					 "o.stix_id=?");
	if (!st)
		return OE_EIO;
	sqlite3_bind_text(st, 1, stix_id, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	int ret = rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? OE_ENOTFOUND : OE_EIO;
	if (rc == SQLITE_ROW) {
		*org_id = sqlite3_column_int64(st, 0);
		*kind = sqlite3_column_int(st, 2)   ? OE_ORG_PEER
			: sqlite3_column_int(st, 1) ? OE_ORG_REMOTE
						    : OE_ORG_LOCAL;
	}
	oe_sq_done(q, st);
	return ret;
}

static int ss_org_remote_create(oe_store *s, const char *stix_id, const char *name,
				const char *country, int64_t peer_id, oe_time now, int64_t *id)
{
	sq_store *q = SQ(s);
	/* Names are unique: a remote organisation named like one of ours (or
	 * like another remote one) is told apart by its peer, then its id. */
	for (int attempt = 0; attempt < 3; attempt++) {
		sqlite3_stmt *st = oe_sq_prep(
		    q, attempt == 0 ? "INSERT INTO orgs(stix_id,name,country,created,peer_id) "
				      "VALUES(?1,?2,?3,?4,?5)"
		       : attempt == 1
			   ? "INSERT INTO orgs(stix_id,name,country,created,peer_id) SELECT "
			     "?1,?2||' ('||name||')',?3,?4,?5 FROM peers WHERE id=?5"
			   : "INSERT INTO orgs(stix_id,name,country,created,peer_id) "
			     "VALUES(?1,?2||' ('||?1||')',?3,?4,?5)");
		if (!st)
			return OE_EIO;
		sqlite3_bind_text(st, 1, stix_id, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, country, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 4, now);
		sqlite3_bind_int64(st, 5, peer_id);
		int rc = sqlite3_step(st);
		int ret = rc == SQLITE_DONE ? 0 : oe_sq_err(q);
		bool made = !ret && sqlite3_changes(q->db) == 1;
		if (made)
			*id = sqlite3_last_insert_rowid(q->db);
		oe_sq_done(q, st);
		if (made)
			return 0;
		if (ret && ret != OE_ECONFLICT)
			return ret;
	}
	return OE_ECONFLICT;
}

/* Run sql with ?1 = a and ?2 = b (a statement naming only ?1 ignores b). */
static int run1(sq_store *q, const char *sql, int64_t a, int64_t b)
{
	sqlite3_stmt *st = oe_sq_prep(q, sql);
	if (!st)
		return OE_EIO;
	sqlite3_bind_int64(st, 1, a);
	sqlite3_bind_int64(st, 2, b);
	return step_done(q, st);
}

/* Move everything a remote organisation (old) holds to org_id. A remote
 * organisation has only assertions, tags, sightings, events and sharing
 * groups (owned or as a member); rows org_id holds already win. */
static int org_merge(sq_store *q, int64_t org_id, int64_t old)
{
	static const char *const sql[] = {
	    "DELETE FROM indicator_orgs WHERE org_id=?1 AND indicator_id IN (SELECT id FROM "
	    "indicators WHERE org_id=?2)",
	    "UPDATE indicators SET org_id=?1 WHERE org_id=?2",
	    "UPDATE OR IGNORE indicator_orgs SET org_id=?1 WHERE org_id=?2",
	    "DELETE FROM indicator_orgs WHERE org_id=?2",
	    "UPDATE OR IGNORE indicator_tags SET org_id=?1 WHERE org_id=?2",
	    "DELETE FROM indicator_tags WHERE org_id=?2",
	    "UPDATE OR IGNORE sharing_group_members SET org_id=?1 WHERE org_id=?2",
	    "DELETE FROM sharing_group_members WHERE org_id=?2",
	    "UPDATE OR IGNORE sharing_groups SET owner_org=?1 WHERE owner_org=?2",
	    "UPDATE sharing_groups SET owner_org=?1,name=name||' ('||id||')' WHERE owner_org=?2",
	    "UPDATE events SET org_id=?1 WHERE org_id=?2",
	    "UPDATE sightings SET org_id=?1 WHERE org_id=?2",
	    "DELETE FROM orgs WHERE id=?2",
	};
	int ret = 0;
	for (size_t i = 0; !ret && i < OE_ARRAY_SIZE(sql); i++)
		ret = run1(q, sql[i], org_id, old);
	return ret;
}

static int ss_org_rebind(oe_store *s, int64_t org_id, const char *stix_id, const char *country)
{
	sq_store *q = SQ(s);
	int64_t other = 0;
	int kind = 0;
	int ret = ss_org_find(s, stix_id, &other, &kind);
	if (ret && ret != OE_ENOTFOUND)
		return ret;
	if (!ret && other != org_id) {
		if (kind != OE_ORG_REMOTE)
			return OE_ECONFLICT;
		if ((ret = org_merge(q, org_id, other)))
			return ret;
	}
	sqlite3_stmt *st =
	    oe_sq_prep(q, "UPDATE orgs SET stix_id=?1,country=coalesce(?2,country) WHERE id=?3");
	if (!st)
		return OE_EIO;
	sqlite3_bind_text(st, 1, stix_id, -1, SQLITE_STATIC);
	oe_sq_bind_text(st, 2, country);
	sqlite3_bind_int64(st, 3, org_id);
	ret = step_done(q, st);
	return !ret && sqlite3_changes(q->db) == 0 ? OE_ENOTFOUND : ret;
}

static int ss_member_clear(oe_store *s, int64_t group_id)
{
	return run1(SQ(s), "DELETE FROM sharing_group_members WHERE group_id=?1", group_id, 0);
}

static int ss_member_remove(oe_store *s, int64_t group_id, int64_t org_id, int64_t peer_id)
{
	sq_store *q = SQ(s);
	int ret = org_id ? run1(q,
				"DELETE FROM sharing_group_members WHERE group_id=?1 AND "
				"org_id=?2",
				group_id, org_id)
			 : run1(q,
				"DELETE FROM sharing_group_members WHERE group_id=?1 AND "
				"peer_id=?2",
				group_id, peer_id);
	return !ret && sqlite3_changes(q->db) == 0 ? OE_ENOTFOUND : ret;
}

static int replace_tags(sq_store *q, int64_t id, int64_t org_id, char *const *tags, size_t n)
{
	int ret =
	    run1(q, "DELETE FROM indicator_tags WHERE indicator_id=?1 AND org_id=?2", id, org_id);
	sqlite3_stmt *st = NULL;
	for (size_t i = 0; !ret && i < n; i++) {
		if (!st && !(st = oe_sq_prep(q, "INSERT OR IGNORE INTO indicator_tags(indicator_id,"
						"org_id,tag) VALUES(?,?,?)")))
			return OE_EIO;
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_int64(st, 2, org_id);
		sqlite3_bind_text(st, 3, tags[i], -1, SQLITE_STATIC);
		ret = sqlite3_step(st) == SQLITE_DONE ? 0 : oe_sq_err(q);
		sqlite3_reset(st);
	}
	oe_sq_done(q, st);
	return ret;
}

/* Bind an assertion's fields as ?1..?10 in the order both writers of
 * assertion_put use. */
static void bind_put(sqlite3_stmt *st, const oe_ioc *c)
{
	sqlite3_bind_int(st, 1, c->tlp);
	sqlite3_bind_int(st, 2, c->confidence);
	oe_sq_bind_text(st, 3, c->description);
	oe_sq_bind_time(st, 4, c->first_seen);
	oe_sq_bind_time(st, 5, c->last_seen);
	oe_sq_bind_time(st, 6, c->valid_until);
	sqlite3_bind_int(st, 7, c->revoked);
	sqlite3_bind_int64(st, 8, c->modified);
	if (c->group_id)
		sqlite3_bind_int64(st, 9, c->group_id);
	if (c->via_peer)
		sqlite3_bind_int64(st, 10, c->via_peer);
}

static int ss_assertion_put(oe_store *s, const oe_ioc *c, int64_t org_id, oe_time created,
			    int64_t *id, oe_upsert_outcome *outcome)
{
	sq_store *q = SQ(s);
	oe_uuid u;
	if (c->has_uuid)
		u = c->uuid;
	else
		oe_indicator_uuid(c->type, c->value, &u);
	*outcome = OE_UPSERT_UNCHANGED;
	sqlite3_stmt *st = oe_sq_prep(q, "SELECT id,org_id,modified,revoked FROM indicators "
					 "WHERE uuid=?");
	if (!st)
		return OE_EIO;
	sqlite3_bind_blob(st, 1, u.b, 16, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	int64_t rid = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	int64_t origin = rc == SQLITE_ROW ? sqlite3_column_int64(st, 1) : 0;
	oe_time mod = rc == SQLITE_ROW ? sqlite3_column_int64(st, 2) : 0;
	bool revoked = rc == SQLITE_ROW && sqlite3_column_int(st, 3);
	oe_sq_done(q, st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return OE_EIO;
	int ret;
	if (!rid) {
		st = oe_sq_prep(q, "INSERT INTO indicators(tlp,confidence,description,first_seen,"
				   "last_seen,valid_until,revoked,modified,group_id,via_peer,uuid,"
				   "type,value,org_id,created,ext_id) VALUES(?1,?2,?3,?4,?5,?6,?7,"
				   "?8,?9,?10,?11,?12,?13,?14,?15,?16)");
		if (!st)
			return OE_EIO;
		bind_put(st, c);
		sqlite3_bind_blob(st, 11, u.b, 16, SQLITE_STATIC);
		sqlite3_bind_int(st, 12, c->type);
		sqlite3_bind_text(st, 13, c->value, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 14, org_id);
		sqlite3_bind_int64(st, 15, created);
		oe_sq_bind_text(st, 16, c->ext_id);
		if ((ret = step_done(q, st)))
			return ret;
		*id = sqlite3_last_insert_rowid(q->db);
		*outcome = OE_UPSERT_CREATED;
		return replace_tags(q, *id, org_id, c->tags, c->ntags);
	}
	*id = rid;
	bool had = true;
	if (origin != org_id) {
		st = oe_sq_prep(q, "SELECT modified,revoked FROM indicator_orgs WHERE "
				   "indicator_id=? AND org_id=?");
		if (!st)
			return OE_EIO;
		sqlite3_bind_int64(st, 1, rid);
		sqlite3_bind_int64(st, 2, org_id);
		rc = sqlite3_step(st);
		had = rc == SQLITE_ROW;
		mod = had ? sqlite3_column_int64(st, 0) : 0;
		revoked = had && sqlite3_column_int(st, 1);
		oe_sq_done(q, st);
		if (rc != SQLITE_ROW && rc != SQLITE_DONE)
			return OE_EIO;
	}
	/* Only a newer version replaces; at the same time, a revocation wins. */
	if (had && !(c->modified > mod || (c->modified == mod && c->revoked && !revoked)))
		return 0;
	if (origin == org_id)
		st = oe_sq_prep(q, "UPDATE indicators SET tlp=?1,confidence=?2,description=?3,"
				   "first_seen=?4,last_seen=?5,valid_until=?6,revoked=?7,"
				   "modified=?8,group_id=?9,via_peer=coalesce(via_peer,?10) WHERE "
				   "id=?11");
	else
		st = oe_sq_prep(q,
				"INSERT INTO indicator_orgs(tlp,confidence,description,"
				"first_seen,last_seen,valid_until,revoked,modified,group_id,"
				"via_peer,indicator_id,org_id,created) VALUES(?1,?2,?3,?4,?5,?6,"
				"?7,?8,?9,?10,?11,?12,?13) ON CONFLICT(indicator_id,org_id) DO "
				"UPDATE SET tlp=excluded.tlp,confidence=excluded.confidence,"
				"description=excluded.description,first_seen=excluded.first_seen,"
				"last_seen=excluded.last_seen,valid_until=excluded.valid_until,"
				"revoked=excluded.revoked,modified=excluded.modified,group_id="
				"excluded.group_id,via_peer=coalesce(via_peer,excluded.via_peer)");
	if (!st)
		return OE_EIO;
	bind_put(st, c);
	sqlite3_bind_int64(st, 11, rid);
	if (origin != org_id) {
		sqlite3_bind_int64(st, 12, org_id);
		sqlite3_bind_int64(st, 13, created);
	}
	if ((ret = step_done(q, st)))
		return ret;
	*outcome = had ? OE_UPSERT_UPDATED : OE_UPSERT_CREATED;
	return replace_tags(q, rid, org_id, c->tags, c->ntags);
}

const oe_share_store_ops oe_sqlite_share_ops = {
    .peer_create = ss_peer_create,
    .peer_get = ss_peer_get,
    .peer_list = ss_peer_list,
    .peer_set_remote = ss_peer_set_remote,
    .peer_key = ss_peer_key,
    .peer_status = ss_peer_status,
    .peer_set_identity = ss_peer_set_identity,
    .cursor_get = ss_cursor_get,
    .cursor_set = ss_cursor_set,
    .group_create = ss_group_create,
    .group_get = ss_group_get,
    .group_list = ss_group_list,
    .member_add = ss_member_add,
    .members = ss_members,
    .viewer_groups = ss_viewer_groups,
    .org_find = ss_org_find,
    .org_remote_create = ss_org_remote_create,
    .org_rebind = ss_org_rebind,
    .member_clear = ss_member_clear,
    .member_remove = ss_member_remove,
    .assertion_put = ss_assertion_put,
};
