/* sqlite_taxii.c - the TAXII 2.1 collections' log and POST status in the
 * SQLite backend (the taxii operations of store.h; the log itself is
 * written by the triggers of migrations/0006_taxii.sql and 0007, and by
 * oe_sq_taxii_flush at each commit). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/stix_obj.h"
#include "sqlite_int.h"

/* oe_taxii_key(org_stix_id, type, value): the key the log indexes an
 * assertion by, the first 8 bytes of its STIX id's uuid. Registered on
 * every connection before the migrations run (the triggers call it). */
static void taxii_key_fn(sqlite3_context *cx, int argc, sqlite3_value **argv)
{
	const char *org = (const char *)sqlite3_value_text(argv[0]);
	const char *value = (const char *)sqlite3_value_text(argv[2]);
	if (!org || !value) {
		sqlite3_result_int64(cx, 0);
		return;
	}
	oe_uuid u;
	oe_stix_assertion_uuid(org, (oe_itype)sqlite3_value_int(argv[1]), value, &u);
	sqlite3_result_int64(cx, oe_stix_uuid_key(&u));
}

int oe_sq_taxii_register(sqlite3 *db)
{
	return sqlite3_create_function(db, "oe_taxii_key", 3,
				       SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, NULL,
				       taxii_key_fn, NULL, NULL) == SQLITE_OK
		   ? 0
		   : OE_EIO;
}

/* The columns of a log row and of its assertion as it is now: the origin's
 * (in the indicators row) when the row's organisation is the origin, else
 * that organisation's row of indicator_orgs. */
#define ROW_COLS                                                                                   \
	"l.date_added,l.obj_key,l.indicator_id,l.org_id,l.version,l.deleted,"                      \
	"i.id IS NOT NULL AND (i.org_id=l.org_id OR x.org_id IS NOT NULL),i.type,i.value,"         \
	"CASE WHEN i.org_id=l.org_id THEN i.tlp ELSE x.tlp END,"                                   \
	"CASE WHEN i.org_id=l.org_id THEN i.confidence ELSE x.confidence END,"                     \
	"CASE WHEN i.org_id=l.org_id THEN i.description ELSE x.description END,"                   \
	"CASE WHEN i.org_id=l.org_id THEN i.first_seen ELSE x.first_seen END,"                     \
	"CASE WHEN i.org_id=l.org_id THEN i.last_seen ELSE x.last_seen END,"                       \
	"CASE WHEN i.org_id=l.org_id THEN i.valid_until ELSE x.valid_until END,"                   \
	"CASE WHEN i.org_id=l.org_id THEN i.revoked ELSE x.revoked END,"                           \
	"CASE WHEN i.org_id=l.org_id THEN i.created ELSE coalesce(x.created,i.created) END,"       \
	"CASE WHEN i.org_id=l.org_id THEN i.modified ELSE"                                         \
	" coalesce(x.modified,x.created,i.modified) END,"                                          \
	"CASE WHEN i.org_id=l.org_id THEN i.group_id ELSE x.group_id END,"                         \
	"CASE WHEN i.org_id=l.org_id THEN i.via_peer ELSE x.via_peer END,"                         \
	"o.stix_id,o.name,o.country,o.created,"                                                    \
	"(SELECT group_concat(tag,char(31)) FROM (SELECT tag FROM indicator_tags"                  \
	" WHERE indicator_id=l.indicator_id AND org_id=l.org_id ORDER BY tag)),"                   \
	"ifnull(l.tlp,-1),l.audience,ifnull(i.org_id=l.org_id,0)"                                  \
	" FROM taxii_log l LEFT JOIN indicators i ON i.id=l.indicator_id"                          \
	" LEFT JOIN indicator_orgs x ON x.indicator_id=l.indicator_id AND x.org_id=l.org_id"       \
	" LEFT JOIN orgs o ON o.id=l.org_id "

/* The organisation's tags, joined by U+001F, into an arena array. */
static int split_tags(oe_arena *a, const char *t, size_t n, oe_indicator_view *v)
{
	if (!t || !n)
		return 0;
	size_t k = 1;
	for (size_t i = 0; i < n; i++)
		k += t[i] == '\x1f';
	const char **out = oe_arena_alloc(a, k * sizeof(*out));
	if (!out)
		return OE_ENOMEM;
	size_t nt = 0;
	for (size_t i = 0, s = 0; i <= n; i++)
		if (i == n || t[i] == '\x1f') {
			if (!(out[nt++] = oe_arena_strndup(a, t + s, i - s)))
				return OE_ENOMEM;
			s = i + 1;
		}
	v->tags = out;
	v->ntags = nt;
	return 0;
}

static int fill_row(sqlite3_stmt *st, oe_arena *a, oe_taxii_row *r)
{
	memset(r, 0, sizeof(*r));
	r->date_added = sqlite3_column_int64(st, 0);
	r->obj_key = sqlite3_column_int64(st, 1);
	r->indicator_id = sqlite3_column_int64(st, 2);
	r->org_id = sqlite3_column_int64(st, 3);
	r->version = sqlite3_column_int64(st, 4);
	r->deleted = sqlite3_column_int(st, 5) != 0;
	r->present = sqlite3_column_int(st, 6) != 0;
	r->prior_tlp = sqlite3_column_int(st, 25);
	r->audience = sqlite3_column_int64(st, 26);
	r->origin = sqlite3_column_int(st, 27) != 0;
	if (!r->present)
		return 0;
	oe_indicator_view *v = &r->v;
	v->id = r->indicator_id;
	v->type = (oe_itype)sqlite3_column_int(st, 7);
	v->value = oe_sq_text(st, 8, a);
	v->tlp = sqlite3_column_int(st, 9);
	v->confidence = sqlite3_column_int(st, 10);
	v->description = oe_sq_text(st, 11, a);
	v->first_seen = sqlite3_column_int64(st, 12);
	v->last_seen = sqlite3_column_int64(st, 13);
	v->valid_until = sqlite3_column_int64(st, 14);
	v->revoked = sqlite3_column_int(st, 15) != 0;
	v->created = sqlite3_column_int64(st, 16);
	v->modified = sqlite3_column_int64(st, 17);
	r->group_id = sqlite3_column_int64(st, 18);
	r->via_peer = sqlite3_column_int64(st, 19);
	v->org_stix_id = oe_sq_text(st, 20, a);
	v->org_name = oe_sq_text(st, 21, a);
	r->org_country = oe_sq_text(st, 22, a);
	r->org_created = sqlite3_column_int64(st, 23);
	if (!v->value || !v->org_stix_id || !v->org_name)
		return OE_ENOMEM;
	return split_tags(a, (const char *)sqlite3_column_text(st, 24),
			  (size_t)sqlite3_column_bytes(st, 24), v);
}

static int read_rows(sq_store *q, sqlite3_stmt *st, oe_arena *a, oe_taxii_row **out, size_t *n)
{
	oe_taxii_row *v = NULL;
	size_t cnt = 0, cap = 0;
	int rc, ret = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if ((ret = oe_sq_grow(a, (void **)&v, cnt, &cap, sizeof(*v))) ||
		    (ret = fill_row(st, a, &v[cnt])))
			break;
		cnt++;
	}
	if (!ret && rc != SQLITE_DONE)
		ret = OE_EIO;
	oe_sq_done(q, st);
	*out = v;
	*n = cnt;
	return ret;
}

static int st_page(oe_store *s, const char *scope, oe_time after, size_t limit, oe_arena *a,
		   oe_taxii_row **out, size_t *n)
{
	sq_store *q = SQ(s);
	sqlite3_stmt *st = oe_sq_prep(
	    q, "SELECT " ROW_COLS "WHERE l.scope=?1 AND l.date_added>?2 ORDER BY l.date_added "
	       "LIMIT ?3");
	if (!st)
		return OE_EIO;
	sqlite3_bind_text(st, 1, scope, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, after);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)limit);
	return read_rows(q, st, a, out, n);
}

static int st_objects(oe_store *s, const char *scope, const int64_t *keys, size_t nkeys,
		      oe_arena *a, oe_taxii_row **out, size_t *n)
{
	sq_store *q = SQ(s);
	/* The keys as a JSON array: one statement for any number of them. */
	char *list = oe_arena_alloc(a, nkeys * 24 + 3);
	if (!list)
		return OE_ENOMEM;
	size_t k = 0;
	list[k++] = '[';
	for (size_t i = 0; i < nkeys; i++)
		k += (size_t)snprintf(list + k, 24, "%s%lld", i ? "," : "", (long long)keys[i]);
	list[k++] = ']';
	list[k] = '\0';
	/* The index on obj_key finds them; the scope then filters. */
	sqlite3_stmt *st = oe_sq_prep(q, "SELECT " ROW_COLS "WHERE l.obj_key IN (SELECT value "
					 "FROM json_each(?1)) AND (?2 IS NULL OR l.scope=?2) "
					 "ORDER BY l.date_added");
	if (!st)
		return OE_EIO;
	sqlite3_bind_text(st, 1, list, (int)k, SQLITE_STATIC);
	oe_sq_bind_text(st, 2, scope);
	return read_rows(q, st, a, out, n);
}

static int st_remove(oe_store *s, const char *scope, int64_t key, int64_t indicator_id,
		     int64_t org_id, int tlp)
{
	sq_store *q = SQ(s);
	sqlite3_stmt *st = oe_sq_prep(
	    q, "INSERT INTO taxii_log_gone SELECT scope,obj_key,indicator_id,org_id,version,?5,0 "
	       "FROM taxii_log WHERE indicator_id=?3 AND org_id=?4 AND scope=?2 AND obj_key=?1 "
	       "AND audience=0 ORDER BY date_added DESC LIMIT 1");
	if (!st)
		return OE_EIO;
	sqlite3_bind_int64(st, 1, key);
	sqlite3_bind_text(st, 2, scope, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, indicator_id);
	sqlite3_bind_int64(st, 4, org_id);
	sqlite3_bind_int(st, 5, tlp);
	int ret = sqlite3_step(st) == SQLITE_DONE ? 0 : oe_sq_err(q);
	oe_sq_done(q, st);
	return ret;
}

/* The indicators above taxii_mark.logged join their collections at each
 * commit (migrations/0007). They are read in id order, sorted here by
 * collection and key, and appended with consecutive date_added from each
 * collection's next free one: the primary key is appended to, and the
 * index on the key fills page by page even when a bulk import adds 50,000
 * rows at once (one row at a time, at random places, it cost an import a
 * fifth of its speed). */
typedef struct {
	int64_t group_id; /* 0: community */
	int64_t key, id, org_id;
	oe_time modified;
	oe_time at;	   /* its date_added */
	const char *scope; /* its collection */
} flush_row;

/* Rows one INSERT statement of the flush appends (fewer statements to
 * run; SQLite allows 32766 parameters, 6 a row). */
#define FLUSH_CHUNK 32

static int flush_cmp(const void *pa, const void *pb)
{
	const flush_row *a = pa, *b = pb;
	if (a->group_id != b->group_id)
		return a->group_id < b->group_id ? -1 : 1;
	if (a->key != b->key)
		return a->key < b->key ? -1 : 1;
	return a->id < b->id ? -1 : a->id > b->id;
}

/* The next free date_added of a collection. */
static int flush_base(sq_store *q, const char *scope, oe_time now, oe_time *base)
{
	sqlite3_stmt *st = oe_sq_prep(q, "SELECT max(date_added) FROM taxii_log WHERE scope=?");
	if (!st)
		return OE_EIO;
	sqlite3_bind_text(st, 1, scope, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	oe_time last = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	oe_sq_done(q, st);
	*base = last + 1 > now ? last + 1 : now;
	return rc == SQLITE_ROW ? 0 : OE_EIO;
}

int oe_sq_taxii_flush(sq_store *q)
{
	sqlite3_stmt *st = oe_sq_prep(
	    q, "SELECT (SELECT logged FROM taxii_mark),(SELECT max(id) FROM indicators)");
	if (!st)
		return OE_EIO;
	int rc = sqlite3_step(st);
	int64_t lo = sqlite3_column_int64(st, 0), hi = sqlite3_column_int64(st, 1);
	oe_sq_done(q, st);
	if (rc != SQLITE_ROW)
		return OE_EIO;
	if (hi <= lo)
		return 0;
	oe_arena a = OE_ARENA_INIT;
	flush_row *v = NULL;
	size_t n = 0, cap = 0;
	int ret = 0;
	st = oe_sq_prep(q, "SELECT CASE WHEN i.tlp<=1 THEN 0 ELSE i.group_id END,o.stix_id,i.type,"
			   "i.value,i.id,i.org_id,i.modified FROM indicators i JOIN orgs o ON "
			   "o.id=i.org_id WHERE i.id>?1 AND i.id<=?2 AND (i.tlp<=1 OR (i.tlp IN "
			   "(2,3) AND i.group_id IS NOT NULL))");
	if (!st)
		return OE_EIO;
	sqlite3_bind_int64(st, 1, lo);
	sqlite3_bind_int64(st, 2, hi);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if ((ret = oe_sq_grow(&a, (void **)&v, n, &cap, sizeof(*v))))
			break;
		oe_uuid u;
		oe_stix_assertion_uuid((const char *)sqlite3_column_text(st, 1),
				       (oe_itype)sqlite3_column_int(st, 2),
				       (const char *)sqlite3_column_text(st, 3), &u);
		v[n++] = (flush_row){.group_id = sqlite3_column_int64(st, 0),
				     .key = oe_stix_uuid_key(&u),
				     .id = sqlite3_column_int64(st, 4),
				     .org_id = sqlite3_column_int64(st, 5),
				     .modified = sqlite3_column_int64(st, 6)};
	}
	if (!ret && rc != SQLITE_DONE)
		ret = OE_EIO;
	oe_sq_done(q, st);
	if (n > 1)
		qsort(v, n, sizeof(*v), flush_cmp);
	oe_time now = oe_now(), at = 0;
	const char *scope = NULL;
	for (size_t i = 0; !ret && i < n; i++) {
		if (i == 0 || v[i].group_id != v[i - 1].group_id) {
			scope = v[i].group_id
				    ? oe_arena_printf(&a, "group:%lld", (long long)v[i].group_id)
				    : "community";
			if (!scope)
				ret = OE_ENOMEM;
			else
				ret = flush_base(q, scope, now, &at);
		}
		v[i].scope = scope;
		v[i].at = at++;
	}
	/* "INSERT ... VALUES (?,?,?,?,?,?,0),..." for FLUSH_CHUNK rows. */
	static const char head[] = "INSERT INTO taxii_log(scope,date_added,obj_key,indicator_id,"
				   "org_id,version,deleted) VALUES";
	static const char one[] = "(?,?,?,?,?,?,0),";
	char sql[sizeof(head) + FLUSH_CHUNK * (sizeof(one) - 1)];
	memcpy(sql, head, sizeof(head) - 1);
	size_t len = sizeof(head) - 1;
	for (int k = 0; k < FLUSH_CHUNK; k++, len += sizeof(one) - 1)
		memcpy(sql + len, one, sizeof(one) - 1);
	sql[len - 1] = '\0'; /* the last comma */
	sqlite3_stmt *st1 = NULL;
	st = NULL;
	for (size_t i = 0; !ret && i < n;) {
		bool chunk = n - i >= FLUSH_CHUNK;
		sqlite3_stmt **sp = chunk ? &st : &st1;
		if (!*sp && !(*sp = oe_sq_prep(q, chunk ? sql
							: "INSERT INTO taxii_log(scope,"
							  "date_added,obj_key,indicator_id,"
							  "org_id,version,deleted) VALUES"
							  "(?,?,?,?,?,?,0)"))) {
			ret = OE_EIO;
			break;
		}
		size_t k = chunk ? FLUSH_CHUNK : 1;
		for (size_t j = 0; j < k; j++) {
			const flush_row *r = &v[i + j];
			int b = (int)j * 6;
			sqlite3_bind_text(*sp, b + 1, r->scope, -1, SQLITE_STATIC);
			sqlite3_bind_int64(*sp, b + 2, r->at);
			sqlite3_bind_int64(*sp, b + 3, r->key);
			sqlite3_bind_int64(*sp, b + 4, r->id);
			sqlite3_bind_int64(*sp, b + 5, r->org_id);
			sqlite3_bind_int64(*sp, b + 6, r->modified);
		}
		if (sqlite3_step(*sp) != SQLITE_DONE)
			ret = oe_sq_err(q);
		sqlite3_reset(*sp);
		i += k;
	}
	oe_sq_done(q, st1);
	oe_sq_done(q, st);
	oe_arena_clear(&a);
	if (ret)
		return ret;
	st = oe_sq_prep(q, "UPDATE taxii_mark SET logged=?1");
	if (!st)
		return OE_EIO;
	sqlite3_bind_int64(st, 1, hi);
	ret = sqlite3_step(st) == SQLITE_DONE ? 0 : oe_sq_err(q);
	oe_sq_done(q, st);
	return ret;
}

static int st_peer_ids(oe_store *s, int64_t org_id, int64_t *ids, size_t max, size_t *n)
{
	sq_store *q = SQ(s);
	sqlite3_stmt *st = oe_sq_prep(q, "SELECT id FROM peers WHERE org_id=? ORDER BY id");
	if (!st)
		return OE_EIO;
	sqlite3_bind_int64(st, 1, org_id);
	int rc;
	*n = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && *n < max)
		ids[(*n)++] = sqlite3_column_int64(st, 0);
	oe_sq_done(q, st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : OE_EIO;
}

static int st_status_put(oe_store *s, const oe_taxii_status_row *r, oe_time expire)
{
	sq_store *q = SQ(s);
	sqlite3_stmt *st = oe_sq_prep(q, "DELETE FROM taxii_status WHERE created<?");
	if (!st)
		return OE_EIO;
	sqlite3_bind_int64(st, 1, expire);
	int ret = sqlite3_step(st) == SQLITE_DONE ? 0 : OE_EIO;
	oe_sq_done(q, st);
	if (ret)
		return ret;
	st = oe_sq_prep(q, "INSERT INTO taxii_status(id,org_id,created,total,success,failure,"
			   "pending,details) VALUES(?,?,?,?,?,?,?,?)");
	if (!st)
		return OE_EIO;
	sqlite3_bind_text(st, 1, r->id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, r->org_id);
	sqlite3_bind_int64(st, 3, r->created);
	sqlite3_bind_int64(st, 4, r->total);
	sqlite3_bind_int64(st, 5, r->success);
	sqlite3_bind_int64(st, 6, r->failure);
	sqlite3_bind_int64(st, 7, r->pending);
	sqlite3_bind_text(st, 8, r->details, -1, SQLITE_STATIC);
	ret = sqlite3_step(st) == SQLITE_DONE ? 0 : oe_sq_err(q);
	oe_sq_done(q, st);
	return ret;
}

static int st_status_get(oe_store *s, const char *id, oe_arena *a, oe_taxii_status_row *out)
{
	sq_store *q = SQ(s);
	sqlite3_stmt *st = oe_sq_prep(q, "SELECT id,org_id,created,total,success,failure,pending,"
					 "details FROM taxii_status WHERE id=?");
	if (!st)
		return OE_EIO;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	int ret = rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? OE_ENOTFOUND : OE_EIO;
	if (rc == SQLITE_ROW) {
		out->id = oe_sq_text(st, 0, a);
		out->org_id = sqlite3_column_int64(st, 1);
		out->created = sqlite3_column_int64(st, 2);
		out->total = sqlite3_column_int64(st, 3);
		out->success = sqlite3_column_int64(st, 4);
		out->failure = sqlite3_column_int64(st, 5);
		out->pending = sqlite3_column_int64(st, 6);
		out->details = oe_sq_text(st, 7, a);
		if (!out->id || !out->details)
			ret = OE_ENOMEM;
	}
	oe_sq_done(q, st);
	return ret;
}

const oe_taxii_store_ops oe_sqlite_taxii_ops = {
    .page = st_page,
    .objects = st_objects,
    .remove = st_remove,
    .peer_ids = st_peer_ids,
    .status_put = st_status_put,
    .status_get = st_status_get,
};
