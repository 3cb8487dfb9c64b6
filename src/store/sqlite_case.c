/* sqlite_case.c - joint cases in the SQLite backend (the cases operations
 * of store.h; the TAXII log rows of cases and their notes are written by
 * the triggers of migrations/0009_cases.sql). */
#include <string.h>

#include "sqlite_int.h"

static void bind_i64(sqlite3_stmt *st, int i, int64_t v)
{
	if (v)
		sqlite3_bind_int64(st, i, v);
	else
		sqlite3_bind_null(st, i);
}

static int sc_create(oe_store *s, oe_case_row *c, int64_t obj_key)
{
	sq_store *q = SQ(s);
	sqlite3_stmt *st = oe_sq_prep(
	    q, "INSERT INTO cases(stix_id,obj_key,org_id,title,description,status,tlp,group_id,"
	       "via_peer,created,modified) VALUES(?,?,?,?,?,?,?,?,?,?,?)");
	if (!st)
		return OE_EIO;
	sqlite3_bind_text(st, 1, c->stix_id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, obj_key);
	sqlite3_bind_int64(st, 3, c->org_id);
	sqlite3_bind_text(st, 4, c->title, -1, SQLITE_STATIC);
	oe_sq_bind_text(st, 5, c->description);
	sqlite3_bind_int(st, 6, c->status);
	sqlite3_bind_int(st, 7, c->tlp);
	bind_i64(st, 8, c->group_id);
	bind_i64(st, 9, c->via_peer);
	sqlite3_bind_int64(st, 10, c->created);
	sqlite3_bind_int64(st, 11, c->modified);
	int ret = oe_sq_change(q, st, false);
	if (!ret)
		c->id = sqlite3_last_insert_rowid(q->db);
	return ret;
}

#define CASE_COLS                                                                                  \
	"c.id,c.stix_id,c.org_id,o.name,o.stix_id,o.country,p.name,c.title,c.description,"         \
	"c.status,c.tlp,coalesce(c.group_id,0),g.name,coalesce(c.via_peer,0),c.created,"           \
	"c.modified,o.created FROM cases c JOIN orgs o ON o.id=c.org_id LEFT JOIN peers p ON "     \
	"p.id=c.via_peer LEFT JOIN sharing_groups g ON g.id=c.group_id "

static void fill_case(sqlite3_stmt *st, oe_arena *a, void *row)
{
	oe_case_row *c = row;
	c->id = sqlite3_column_int64(st, 0);
	c->stix_id = oe_sq_text(st, 1, a);
	c->org_id = sqlite3_column_int64(st, 2);
	c->org_name = oe_sq_text(st, 3, a);
	c->org_stix_id = oe_sq_text(st, 4, a);
	c->org_country = oe_sq_text(st, 5, a);
	c->origin_node = oe_sq_text(st, 6, a);
	c->title = oe_sq_text(st, 7, a);
	c->description = oe_sq_text(st, 8, a);
	c->status = sqlite3_column_int(st, 9);
	c->tlp = sqlite3_column_int(st, 10);
	c->group_id = sqlite3_column_int64(st, 11);
	c->group_name = oe_sq_text(st, 12, a);
	c->via_peer = sqlite3_column_int64(st, 13);
	c->created = sqlite3_column_int64(st, 14);
	c->modified = sqlite3_column_int64(st, 15);
	c->org_created = sqlite3_column_int64(st, 16);
}

static int sc_get(oe_store *s, int64_t id, const char *stix_id, oe_arena *a, oe_case_row *out)
{
	sq_store *q = SQ(s);
	int ret = oe_sq_one(q,
			    oe_sq_prep_key(q, stix_id, id, "SELECT " CASE_COLS "WHERE c.stix_id=?",
					   "SELECT " CASE_COLS "WHERE c.id=?"),
			    a, fill_case, out);
	if (!ret && (!out->stix_id || !out->title))
		ret = OE_ENOMEM;
	return ret;
}

static int sc_list(oe_store *s, int status, bool has_before, oe_time before_mod, int64_t before_id,
		   size_t limit, oe_arena *a, oe_case_row **out, size_t *n)
{
	sq_store *q = SQ(s);
	/* After a cursor, a row-value comparison: SQLite seeks to it in
	 * cases_by_modified instead of reading every newer case again. */
	sqlite3_stmt *st = oe_sq_prep(
	    q, has_before ? "SELECT " CASE_COLS
			    "WHERE (?1 < 0 OR c.status=?1) AND (c.modified,c.id)<"
			    "(?3,?4) ORDER BY c.modified DESC, c.id DESC LIMIT ?5"
			  : "SELECT " CASE_COLS "WHERE (?1 < 0 OR c.status=?1) ORDER BY c.modified "
			    "DESC, c.id DESC LIMIT ?5");
	if (!st)
		return OE_EIO;
	sqlite3_bind_int(st, 1, status);
	sqlite3_bind_int64(st, 3, before_mod);
	sqlite3_bind_int64(st, 4, before_id);
	sqlite3_bind_int64(st, 5, (sqlite3_int64)limit);
	return oe_sq_rows_st(q, st, a, sizeof(**out), fill_case, (void **)out, n);
}

static int sc_withdraw(oe_store *s, int64_t case_id)
{
	sq_store *q = SQ(s);
	/* The case first: the log's trigger (migrations/0009) writes the
	 * tombstones of it and of its notes in the collection it leaves. */
	static const char *const sql[] = {
	    "UPDATE cases SET title='',description=NULL,tlp=4,group_id=NULL WHERE id=?1",
	    "DELETE FROM case_items WHERE case_id=?1",
	    "DELETE FROM case_participants WHERE case_id=?1",
	    "DELETE FROM case_links WHERE case_id=?1",
	    "DELETE FROM case_timeline WHERE case_id=?1",
	};
	int ret = 0;
	for (size_t i = 0; !ret && i < OE_ARRAY_SIZE(sql); i++) {
		sqlite3_stmt *st = oe_sq_prep(q, sql[i]);
		if (!st)
			return OE_EIO;
		sqlite3_bind_int64(st, 1, case_id);
		ret = oe_sq_change(q, st, i == 0);
	}
	return ret;
}

static int sc_update(oe_store *s, const oe_case_row *c)
{
	sq_store *q = SQ(s);
	sqlite3_stmt *st = oe_sq_prep(q, "UPDATE cases SET title=?,description=?,status=?,tlp=?,"
					 "group_id=?,modified=?,via_peer=? WHERE id=?");
	if (!st)
		return OE_EIO;
	sqlite3_bind_text(st, 1, c->title, -1, SQLITE_STATIC);
	oe_sq_bind_text(st, 2, c->description);
	sqlite3_bind_int(st, 3, c->status);
	sqlite3_bind_int(st, 4, c->tlp);
	bind_i64(st, 5, c->group_id);
	sqlite3_bind_int64(st, 6, c->modified);
	bind_i64(st, 7, c->via_peer);
	sqlite3_bind_int64(st, 8, c->id);
	return oe_sq_change(q, st, true);
}

static void fill_participant(sqlite3_stmt *st, oe_arena *a, void *row)
{
	oe_case_participant *p = row;
	p->org_id = sqlite3_column_int64(st, 0);
	p->name = oe_sq_text(st, 1, a);
	p->country = oe_sq_text(st, 2, a);
	p->stix_id = oe_sq_text(st, 3, a);
	p->node = oe_sq_text(st, 4, a);
}

static int sc_participants(oe_store *s, int64_t case_id, oe_arena *a, oe_case_participant **out,
			   size_t *n)
{
	/* An organisation is at the node of the peer it operates, or of the
	 * peer it was learnt from; else at this one. */
	return oe_sq_rows(SQ(s),
			  "SELECT o.id,o.name,o.country,o.stix_id,coalesce((SELECT name FROM peers "
			  "WHERE org_id=o.id ORDER BY id LIMIT 1),(SELECT name FROM peers WHERE "
			  "id=o.peer_id)) FROM case_participants x JOIN orgs o ON o.id=x.org_id "
			  "WHERE x.case_id=?1 ORDER BY o.id",
			  case_id, a, sizeof(oe_case_participant), fill_participant, (void **)out,
			  n);
}

static int sc_participants_set(oe_store *s, int64_t case_id, const int64_t *orgs, size_t n)
{
	sq_store *q = SQ(s);
	sqlite3_stmt *st = oe_sq_prep(q, "DELETE FROM case_participants WHERE case_id=?");
	if (!st)
		return OE_EIO;
	sqlite3_bind_int64(st, 1, case_id);
	int ret = oe_sq_change(q, st, false);
	for (size_t i = 0; !ret && i < n; i++) {
		st = oe_sq_prep(q, "INSERT OR IGNORE INTO case_participants(case_id,org_id) "
				   "VALUES(?,?)");
		if (!st)
			return OE_EIO;
		sqlite3_bind_int64(st, 1, case_id);
		sqlite3_bind_int64(st, 2, orgs[i]);
		ret = oe_sq_change(q, st, false);
	}
	return ret;
}

static void fill_link(sqlite3_stmt *st, oe_arena *a, void *row)
{
	oe_case_link *l = row;
	l->kind = sqlite3_column_int(st, 0);
	l->ref = oe_sq_text(st, 1, a);
}

static int sc_links(oe_store *s, int64_t case_id, oe_arena *a, oe_case_link **out, size_t *n)
{
	return oe_sq_rows(
	    SQ(s), "SELECT kind,ref FROM case_links WHERE case_id=?1 ORDER BY kind,added,ref",
	    case_id, a, sizeof(oe_case_link), fill_link, (void **)out, n);
}

static int sc_linking(oe_store *s, int kind, const char *ref, size_t limit, oe_arena *a,
		      oe_case_row **out, size_t *n)
{
	sq_store *q = SQ(s);
	sqlite3_stmt *st =
	    oe_sq_prep(q, "SELECT " CASE_COLS "JOIN case_links l ON l.case_id=c.id "
			  "WHERE l.kind=?1 AND l.ref=?2 ORDER BY c.modified DESC,c.id "
			  "DESC LIMIT ?3");
	if (!st)
		return OE_EIO;
	sqlite3_bind_int(st, 1, kind);
	sqlite3_bind_text(st, 2, ref, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)limit);
	return oe_sq_rows_st(q, st, a, sizeof(**out), fill_case, (void **)out, n);
}

static int sc_link(oe_store *s, int64_t case_id, int kind, const char *ref, bool add, oe_time now,
		   bool *changed)
{
	sq_store *q = SQ(s);
	sqlite3_stmt *st = oe_sq_prep(
	    q, add ? "INSERT OR IGNORE INTO case_links(case_id,kind,ref,added) VALUES(?1,?2,?3,?4)"
		   : "DELETE FROM case_links WHERE case_id=?1 AND kind=?2 AND ref=?3");
	if (!st)
		return OE_EIO;
	sqlite3_bind_int64(st, 1, case_id);
	sqlite3_bind_int(st, 2, kind);
	sqlite3_bind_text(st, 3, ref, -1, SQLITE_STATIC);
	if (add)
		sqlite3_bind_int64(st, 4, now);
	int ret = oe_sq_change(q, st, false);
	*changed = !ret && sqlite3_changes(q->db) > 0;
	return ret;
}

static int sc_links_clear(oe_store *s, int64_t case_id, int kind)
{
	sq_store *q = SQ(s);
	sqlite3_stmt *st = oe_sq_prep(q, "DELETE FROM case_links WHERE case_id=? AND kind=?");
	if (!st)
		return OE_EIO;
	sqlite3_bind_int64(st, 1, case_id);
	sqlite3_bind_int(st, 2, kind);
	return oe_sq_change(q, st, false);
}

#define ITEM_COLS                                                                                  \
	"i.id,i.case_id,i.stix_id,i.kind,i.org_id,o.name,o.stix_id,o.country,o.created,i.author,"  \
	"i.text,i.assignee,coalesce(i.due,0),i.done,coalesce(i.task_id,0),t.stix_id,"              \
	"coalesce(i.via_peer,0),i.created,i.modified FROM case_items i JOIN orgs o ON "            \
	"o.id=i.org_id LEFT JOIN case_items t ON t.id=i.task_id "

static void fill_item(sqlite3_stmt *st, oe_arena *a, void *row)
{
	oe_case_item *it = row;
	it->id = sqlite3_column_int64(st, 0);
	it->case_id = sqlite3_column_int64(st, 1);
	it->stix_id = oe_sq_text(st, 2, a);
	it->kind = sqlite3_column_int(st, 3);
	it->org_id = sqlite3_column_int64(st, 4);
	it->org_name = oe_sq_text(st, 5, a);
	it->org_stix_id = oe_sq_text(st, 6, a);
	it->org_country = oe_sq_text(st, 7, a);
	it->org_created = sqlite3_column_int64(st, 8);
	it->author = oe_sq_text(st, 9, a);
	it->text = oe_sq_text(st, 10, a);
	it->assignee = oe_sq_text(st, 11, a);
	it->due = sqlite3_column_int64(st, 12);
	it->done = sqlite3_column_int(st, 13) != 0;
	it->task_id = sqlite3_column_int64(st, 14);
	it->task_stix_id = oe_sq_text(st, 15, a);
	it->via_peer = sqlite3_column_int64(st, 16);
	it->created = sqlite3_column_int64(st, 17);
	it->modified = sqlite3_column_int64(st, 18);
}

static int sc_items(oe_store *s, int64_t case_id, int kind, oe_arena *a, oe_case_item **out,
		    size_t *n)
{
	if (kind < 0)
		return oe_sq_rows(SQ(s), "SELECT " ITEM_COLS "WHERE i.case_id=?1 ORDER BY i.id",
				  case_id, a, sizeof(oe_case_item), fill_item, (void **)out, n);
	/* The kind is one of three constants: spelled into the statement. */
	static const char *const by_kind[] = {
	    "SELECT " ITEM_COLS "WHERE i.case_id=?1 AND i.kind=0 ORDER BY i.id",
	    "SELECT " ITEM_COLS "WHERE i.case_id=?1 AND i.kind=1 ORDER BY i.id",
	    "SELECT " ITEM_COLS "WHERE i.case_id=?1 AND i.kind=2 ORDER BY i.id",
	};
	if (kind > 2)
		return OE_EINVAL;
	return oe_sq_rows(SQ(s), by_kind[kind], case_id, a, sizeof(oe_case_item), fill_item,
			  (void **)out, n);
}

static int one_item(sq_store *q, sqlite3_stmt *st, oe_arena *a, oe_case_item *out)
{
	int ret = oe_sq_one(q, st, a, fill_item, out);
	return !ret && (!out->stix_id || !out->text) ? OE_ENOMEM : ret;
}

static int sc_item_get(oe_store *s, int64_t id, const char *stix_id, oe_arena *a, oe_case_item *out)
{
	sq_store *q = SQ(s);
	return one_item(q,
			oe_sq_prep_key(q, stix_id, id, "SELECT " ITEM_COLS "WHERE i.stix_id=?",
				       "SELECT " ITEM_COLS "WHERE i.id=?"),
			a, out);
}

static int sc_item_update_of(oe_store *s, int64_t task_id, int64_t org_id, oe_arena *a,
			     oe_case_item *out)
{
	sq_store *q = SQ(s);
	sqlite3_stmt *st =
	    oe_sq_prep(q, "SELECT " ITEM_COLS "WHERE i.task_id=? AND i.org_id=? AND i.kind=2");
	if (!st)
		return OE_EIO;
	sqlite3_bind_int64(st, 1, task_id);
	sqlite3_bind_int64(st, 2, org_id);
	return one_item(q, st, a, out);
}

static int sc_item_create(oe_store *s, oe_case_item *it, int64_t obj_key)
{
	sq_store *q = SQ(s);
	sqlite3_stmt *st = oe_sq_prep(
	    q, "INSERT INTO case_items(case_id,stix_id,obj_key,kind,org_id,author,text,assignee,"
	       "due,done,task_id,via_peer,created,modified) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
	if (!st)
		return OE_EIO;
	sqlite3_bind_int64(st, 1, it->case_id);
	sqlite3_bind_text(st, 2, it->stix_id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, obj_key);
	sqlite3_bind_int(st, 4, it->kind);
	sqlite3_bind_int64(st, 5, it->org_id);
	oe_sq_bind_text(st, 6, it->author);
	sqlite3_bind_text(st, 7, it->text, -1, SQLITE_STATIC);
	oe_sq_bind_text(st, 8, it->assignee);
	oe_sq_bind_time(st, 9, it->due);
	sqlite3_bind_int(st, 10, it->done);
	bind_i64(st, 11, it->task_id);
	bind_i64(st, 12, it->via_peer);
	sqlite3_bind_int64(st, 13, it->created);
	sqlite3_bind_int64(st, 14, it->modified);
	int ret = oe_sq_change(q, st, false);
	if (!ret)
		it->id = sqlite3_last_insert_rowid(q->db);
	return ret;
}

static int sc_item_update(oe_store *s, const oe_case_item *it)
{
	sq_store *q = SQ(s);
	sqlite3_stmt *st = oe_sq_prep(q, "UPDATE case_items SET text=?,author=?,assignee=?,due=?,"
					 "done=?,modified=? WHERE id=?");
	if (!st)
		return OE_EIO;
	sqlite3_bind_text(st, 1, it->text, -1, SQLITE_STATIC);
	oe_sq_bind_text(st, 2, it->author);
	oe_sq_bind_text(st, 3, it->assignee);
	oe_sq_bind_time(st, 4, it->due);
	sqlite3_bind_int(st, 5, it->done);
	sqlite3_bind_int64(st, 6, it->modified);
	sqlite3_bind_int64(st, 7, it->id);
	return oe_sq_change(q, st, true);
}

static int sc_timeline_add(oe_store *s, int64_t case_id, oe_time ts, const char *actor,
			   int64_t org_id, const char *kind, const char *text)
{
	sq_store *q = SQ(s);
	sqlite3_stmt *st = oe_sq_prep(q, "INSERT INTO case_timeline(case_id,ts,actor,org_id,kind,"
					 "text) VALUES(?,?,?,?,?,?)");
	if (!st)
		return OE_EIO;
	sqlite3_bind_int64(st, 1, case_id);
	sqlite3_bind_int64(st, 2, ts);
	sqlite3_bind_text(st, 3, actor, -1, SQLITE_STATIC);
	bind_i64(st, 4, org_id);
	sqlite3_bind_text(st, 5, kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, text, -1, SQLITE_STATIC);
	return oe_sq_change(q, st, false);
}

static void fill_event(sqlite3_stmt *st, oe_arena *a, void *row)
{
	oe_case_event *e = row;
	e->ts = sqlite3_column_int64(st, 0);
	e->actor = oe_sq_text(st, 1, a);
	e->org_name = oe_sq_text(st, 2, a);
	e->kind = oe_sq_text(st, 3, a);
	e->text = oe_sq_text(st, 4, a);
}

static int sc_timeline(oe_store *s, int64_t case_id, oe_arena *a, oe_case_event **out, size_t *n)
{
	return oe_sq_rows(SQ(s),
			  "SELECT t.ts,t.actor,o.name,t.kind,t.text FROM case_timeline t LEFT JOIN "
			  "orgs o ON o.id=t.org_id WHERE t.case_id=?1 ORDER BY t.id",
			  case_id, a, sizeof(oe_case_event), fill_event, (void **)out, n);
}

const oe_case_store_ops oe_sqlite_case_ops = {
    .create = sc_create,
    .get = sc_get,
    .list = sc_list,
    .update = sc_update,
    .participants = sc_participants,
    .participants_set = sc_participants_set,
    .links = sc_links,
    .linking = sc_linking,
    .link = sc_link,
    .links_clear = sc_links_clear,
    .items = sc_items,
    .item_get = sc_item_get,
    .item_update_of = sc_item_update_of,
    .item_create = sc_item_create,
    .item_update = sc_item_update,
    .timeline_add = sc_timeline_add,
    .timeline = sc_timeline,
    .withdraw = sc_withdraw,
};
