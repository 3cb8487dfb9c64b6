/* sqlite_match.c - what the in-memory matcher reads of the SQLite store:
 * every indicator with its assertions and tags, read as three sequential
 * scans merged by indicator id (a join would seek once per row), and the
 * change log of migrations/0004_match.sql. See store.h. */
#include <stdlib.h>
#include <string.h>

#include "sqlite_int.h"

/* The three scans, by indicator id: rows after an id (">") or of one id
 * ("="). Each is in the order of its table's primary key, so SQLite sorts
 * nothing. */
static const char *const scan_sql[2][3] = {
    {"SELECT id,type,value,org_id,tlp,confidence,ifnull(valid_until,0),revoked,ifnull(group_id,0) "
     "FROM indicators "
     "WHERE id>?1 ORDER BY id",
     "SELECT indicator_id,org_id,tlp,confidence,ifnull(valid_until,0),revoked,"
     "ifnull(group_id,0) FROM indicator_orgs WHERE indicator_id>?1 ORDER BY indicator_id,org_id",
     "SELECT indicator_id,org_id,tag FROM indicator_tags WHERE indicator_id>?1 ORDER BY "
     "indicator_id,org_id,tag"},
    {"SELECT id,type,value,org_id,tlp,confidence,ifnull(valid_until,0),revoked,ifnull(group_id,0) "
     "FROM indicators "
     "WHERE id=?1",
     "SELECT indicator_id,org_id,tlp,confidence,ifnull(valid_until,0),revoked,"
     "ifnull(group_id,0) FROM indicator_orgs WHERE indicator_id=?1 ORDER BY org_id",
     "SELECT indicator_id,org_id,tag FROM indicator_tags WHERE indicator_id=?1 ORDER BY "
     "org_id,tag"},
};

/* Buffers reused from row to row: they only grow, to the largest row. */
typedef struct {
	oe_scan_assertion *a;
	size_t acap;
	size_t *toff; /* per assertion: where its tags start in tb */
	char *tb;
	size_t tlen, tcap;
} scan_bufs;

static int grow_assertions(scan_bufs *b, size_t n)
{
	if (n <= b->acap)
		return 0;
	size_t nc = b->acap ? b->acap * 2 : 8;
	while (nc < n)
		nc *= 2;
	oe_scan_assertion *a = realloc(b->a, nc * sizeof(*a));
	if (!a)
		return OE_ENOMEM;
	b->a = a;
	size_t *t = realloc(b->toff, nc * sizeof(*t));
	if (!t)
		return OE_ENOMEM;
	b->toff = t;
	b->acap = nc;
	return 0;
}

static int tags_add(scan_bufs *b, const char *tag, size_t n, bool sep)
{
	if (b->tlen + n + 2 > b->tcap) {
		size_t nc = b->tcap ? b->tcap * 2 : 256;
		while (nc < b->tlen + n + 2)
			nc *= 2;
		char *t = realloc(b->tb, nc);
		if (!t)
			return OE_ENOMEM;
		b->tb = t;
		b->tcap = nc;
	}
	if (sep)
		b->tb[b->tlen++] = '\x1f';
	memcpy(b->tb + b->tlen, tag, n);
	b->tlen += n;
	return 0;
}

static void read_assertion(sqlite3_stmt *st, int i, oe_scan_assertion *a)
{
	a->org_id = sqlite3_column_int64(st, i);
	a->tlp = sqlite3_column_int(st, i + 1);
	a->confidence = sqlite3_column_int(st, i + 2);
	a->valid_until = sqlite3_column_int64(st, i + 3);
	a->revoked = sqlite3_column_int(st, i + 4) != 0;
	a->group_id = sqlite3_column_int64(st, i + 5);
	a->tags = NULL;
	a->tags_len = 0;
}

/* Step st; true when it holds a row. A step that fails sets *err. */
static bool next(sqlite3_stmt *st, int *err)
{
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		return true;
	if (rc != SQLITE_DONE)
		*err = OE_EIO;
	return false;
}

/* The merge: for each indicator row, the assertion rows and tag rows of
 * the same id, which the other two scans hold in the same order. */
static int scan_run(sq_store *q, int one, int64_t key, scan_bufs *b, oe_scan_fn fn, void *arg)
{
	sqlite3_stmt *st[3] = {NULL, NULL, NULL};
	int ret = 0;
	for (int i = 0; i < 3; i++) {
		if (!(st[i] = oe_sq_prep(q, scan_sql[one][i]))) {
			ret = OE_EIO;
			goto out;
		}
		sqlite3_bind_int64(st[i], 1, key);
	}
	bool has_org = next(st[1], &ret), has_tag = next(st[2], &ret);
	while (!ret && next(st[0], &ret)) {
		int64_t id = sqlite3_column_int64(st[0], 0);
		size_t n = 1;
		if ((ret = grow_assertions(b, 1)))
			break;
		read_assertion(st[0], 3, &b->a[0]);
		while (has_org && sqlite3_column_int64(st[1], 0) < id)
			has_org = next(st[1], &ret);
		while (!ret && has_org && sqlite3_column_int64(st[1], 0) == id) {
			if ((ret = grow_assertions(b, n + 1)))
				break;
			read_assertion(st[1], 1, &b->a[n++]);
			has_org = next(st[1], &ret);
		}
		b->tlen = 0;
		for (size_t k = 0; k < n; k++)
			b->toff[k] = (size_t)-1;
		while (has_tag && sqlite3_column_int64(st[2], 0) < id)
			has_tag = next(st[2], &ret);
		size_t k = 0;
		while (!ret && has_tag && sqlite3_column_int64(st[2], 0) == id) {
			int64_t org = sqlite3_column_int64(st[2], 1);
			/* Tags come by organisation: find its assertion (a handful). */
			if (k >= n || b->a[k].org_id != org)
				for (k = 0; k < n && b->a[k].org_id != org; k++)
					;
			if (k < n) {
				bool first = b->toff[k] == (size_t)-1;
				if (first)
					b->toff[k] = b->tlen;
				const char *t = (const char *)sqlite3_column_text(st[2], 2);
				if (t)
					ret = tags_add(b, t, (size_t)sqlite3_column_bytes(st[2], 2),
						       !first);
				if (!ret)
					b->a[k].tags_len = b->tlen - b->toff[k];
			}
			has_tag = next(st[2], &ret);
		}
		if (ret)
			break;
		for (k = 0; k < n; k++)
			if (b->toff[k] != (size_t)-1)
				b->a[k].tags = b->tb + b->toff[k];
		const char *v = (const char *)sqlite3_column_text(st[0], 2);
		oe_scan_row row = {.id = id,
				   .type = sqlite3_column_int(st[0], 1),
				   .value = v ? v : "",
				   .len = v ? (size_t)sqlite3_column_bytes(st[0], 2) : 0,
				   .n = n,
				   .a = b->a};
		ret = fn(arg, &row);
	}
out:
	for (int i = 0; i < 3; i++)
		oe_sq_done(q, st[i]);
	return ret;
}

static void bufs_free(scan_bufs *b)
{
	free(b->a);
	free(b->toff);
	free(b->tb);
}

int oe_sq_indicator_scan(oe_store *s, int64_t after_id, oe_scan_fn fn, void *arg)
{
	scan_bufs b = {0};
	int ret = scan_run(SQ(s), 0, after_id, &b, fn, arg);
	bufs_free(&b);
	return ret;
}

int oe_sq_indicator_scan_changed(oe_store *s, int64_t after_seq, int64_t upto_id, size_t limit,
				 oe_scan_fn fn, void *arg)
{
	sq_store *q = SQ(s);
	sqlite3_stmt *st = oe_sq_prep(q, "SELECT DISTINCT indicator_id FROM indicator_changes "
					 "WHERE seq>?1 AND indicator_id<=?2 LIMIT ?3");
	if (!st)
		return OE_EIO;
	sqlite3_bind_int64(st, 1, after_seq);
	sqlite3_bind_int64(st, 2, upto_id);
	sqlite3_bind_int64(st, 3, (int64_t)limit + 1);
	int64_t *ids = NULL;
	size_t n = 0, cap = 0;
	int ret = 0, rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (n == cap) {
			size_t nc = cap ? cap * 2 : 64;
			int64_t *t = realloc(ids, nc * sizeof(*t));
			if (!t) {
				ret = OE_ENOMEM;
				break;
			}
			ids = t;
			cap = nc;
		}
		ids[n++] = sqlite3_column_int64(st, 0);
	}
	if (!ret && rc != SQLITE_DONE)
		ret = OE_EIO;
	oe_sq_done(q, st);
	if (!ret && n > limit)
		ret = OE_ETOOBIG;
	scan_bufs b = {0};
	for (size_t i = 0; !ret && i < n; i++)
		ret = scan_run(q, 1, ids[i], &b, fn, arg);
	bufs_free(&b);
	free(ids);
	return ret;
}

int oe_sq_indicator_marks(oe_store *s, int64_t *max_id, int64_t *max_seq)
{
	sqlite3_stmt *st = oe_sq_prep(SQ(s), "SELECT ifnull((SELECT max(id) FROM indicators),0),"
					     "ifnull((SELECT max(seq) FROM indicator_changes),0)");
	if (!st)
		return OE_EIO;
	int ret = OE_EIO;
	if (sqlite3_step(st) == SQLITE_ROW) {
		*max_id = sqlite3_column_int64(st, 0);
		*max_seq = sqlite3_column_int64(st, 1);
		ret = 0;
	}
	oe_sq_done(SQ(s), st);
	return ret;
}

int oe_sq_indicator_changes_prune(oe_store *s, int64_t upto_seq)
{
	sqlite3_stmt *st = oe_sq_prep(SQ(s), "DELETE FROM indicator_changes WHERE seq<=?1");
	if (!st)
		return OE_EIO;
	sqlite3_bind_int64(st, 1, upto_seq);
	int ret = sqlite3_step(st) == SQLITE_DONE ? 0 : OE_EIO;
	oe_sq_done(SQ(s), st);
	return ret;
}
