/* sqlite_report.c - citizens' reports in the SQLite backend (the report
 * operations of store.h). Status values are those of service/report.h:
 * 0 new .. 3 actioned are open, 4 closed and 5 rejected are not. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sqlite_int.h"

#define OPEN_STATUS "status<4"

static int sr_create(oe_store *s, const oe_report_row *r, const uint8_t receipt_hash[32],
		     const uint8_t *contact, size_t contact_len, int64_t *id)
{
	sq_store *q = SQ(s);
	sqlite3_stmt *st = oe_sq_prep(
	    q, "INSERT INTO reports(uuid,receipt_hash,category,status,tlp,lang,description,"
	       "occurred_at,loss_amount,loss_currency,contact_sealed,created,modified,due_at) "
	       "VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?12,?13)");
	if (!st)
		return OE_EIO;
	sqlite3_bind_text(st, 1, r->uuid, -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 2, receipt_hash, 32, SQLITE_STATIC);
	sqlite3_bind_int(st, 3, r->category);
	sqlite3_bind_int(st, 4, r->status);
	sqlite3_bind_int(st, 5, r->tlp);
	sqlite3_bind_text(st, 6, r->lang, -1, SQLITE_STATIC);
	oe_sq_bind_text(st, 7, r->description);
	oe_sq_bind_time(st, 8, r->occurred_at);
	oe_sq_bind_text(st, 9, r->loss_amount);
	oe_sq_bind_text(st, 10, r->loss_currency);
	if (contact)
		sqlite3_bind_blob(st, 11, contact, (int)contact_len, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 11);
	sqlite3_bind_int64(st, 12, r->created);
	sqlite3_bind_int64(st, 13, r->due_at);
	int ret = sqlite3_step(st) == SQLITE_DONE ? 0 : oe_sq_err(q);
	if (!ret)
		*id = sqlite3_last_insert_rowid(q->db);
	oe_sq_done(q, st);
	return ret;
}

static int sr_ident_add(oe_store *s, int64_t report_id, int seq, int kind, const char *value,
			const char *qualifier, int64_t indicator_id)
{
	sq_store *q = SQ(s);
	sqlite3_stmt *st = oe_sq_prep(q, "INSERT INTO report_idents(report_id,seq,kind,value,"
					 "qualifier,indicator_id) VALUES(?,?,?,?,?,?)");
	if (!st)
		return OE_EIO;
	sqlite3_bind_int64(st, 1, report_id);
	sqlite3_bind_int(st, 2, seq);
	sqlite3_bind_int(st, 3, kind);
	sqlite3_bind_text(st, 4, value, -1, SQLITE_STATIC);
	oe_sq_bind_text(st, 5, qualifier);
	if (indicator_id)
		sqlite3_bind_int64(st, 6, indicator_id);
	else
		sqlite3_bind_null(st, 6);
	int ret = sqlite3_step(st) == SQLITE_DONE ? 0 : oe_sq_err(q);
	oe_sq_done(q, st);
	return ret;
}

/* A value found both in a field and in the text keeps "field". */
static int sr_link(oe_store *s, int64_t report_id, int64_t indicator_id, int source)
{
	sq_store *q = SQ(s);
	sqlite3_stmt *st = oe_sq_prep(
	    q, "INSERT INTO report_indicators(report_id,indicator_id,source) "
	       "VALUES(?,?,?) ON CONFLICT DO UPDATE SET source=min(source,excluded.source)");
	if (!st)
		return OE_EIO;
	sqlite3_bind_int64(st, 1, report_id);
	sqlite3_bind_int64(st, 2, indicator_id);
	sqlite3_bind_int(st, 3, source);
	int ret = sqlite3_step(st) == SQLITE_DONE ? 0 : oe_sq_err(q);
	oe_sq_done(q, st);
	return ret;
}

static int sr_file_add(oe_store *s, int64_t report_id, int64_t message_id, const char *sha256,
		       const char *mime, int64_t size, const char *name, oe_time now)
{
	sq_store *q = SQ(s);
	sqlite3_stmt *st = oe_sq_prep(q, "INSERT INTO report_files(report_id,message_id,sha256,"
					 "mime,size,name,created) VALUES(?,?,?,?,?,?,?)");
	if (!st)
		return OE_EIO;
	sqlite3_bind_int64(st, 1, report_id);
	if (message_id)
		sqlite3_bind_int64(st, 2, message_id);
	else
		sqlite3_bind_null(st, 2);
	sqlite3_bind_text(st, 3, sha256, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, mime, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, size);
	oe_sq_bind_text(st, 6, name);
	sqlite3_bind_int64(st, 7, now);
	int ret = sqlite3_step(st) == SQLITE_DONE ? 0 : oe_sq_err(q);
	oe_sq_done(q, st);
	return ret;
}

static int sr_message_add(oe_store *s, int64_t report_id, int author, const char *actor,
			  const char *body, oe_time now, int64_t *id)
{
	sq_store *q = SQ(s);
	sqlite3_stmt *st = oe_sq_prep(q, "INSERT INTO report_messages(report_id,author,actor,body,"
					 "created) VALUES(?,?,?,?,?)");
	if (!st)
		return OE_EIO;
	sqlite3_bind_int64(st, 1, report_id);
	sqlite3_bind_int(st, 2, author);
	oe_sq_bind_text(st, 3, actor);
	oe_sq_bind_text(st, 4, body);
	sqlite3_bind_int64(st, 5, now);
	int ret = sqlite3_step(st) == SQLITE_DONE ? 0 : oe_sq_err(q);
	if (!ret && id)
		*id = sqlite3_last_insert_rowid(q->db);
	oe_sq_done(q, st);
	return ret;
}

static int sr_history_add(oe_store *s, int64_t report_id, oe_time at, const char *actor,
			  const char *field, const char *old, const char *new_)
{
	sq_store *q = SQ(s);
	sqlite3_stmt *st = oe_sq_prep(q, "INSERT INTO report_history(report_id,at,actor,field,old,"
					 "new) VALUES(?,?,?,?,?,?)");
	if (!st)
		return OE_EIO;
	sqlite3_bind_int64(st, 1, report_id);
	sqlite3_bind_int64(st, 2, at);
	sqlite3_bind_text(st, 3, actor, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, field, -1, SQLITE_STATIC);
	oe_sq_bind_text(st, 5, old);
	oe_sq_bind_text(st, 6, new_);
	int ret = sqlite3_step(st) == SQLITE_DONE ? 0 : oe_sq_err(q);
	oe_sq_done(q, st);
	return ret;
}

static int sr_find_receipt(oe_store *s, const uint8_t h[32], int64_t *id)
{
	sq_store *q = SQ(s);
	sqlite3_stmt *st = oe_sq_prep(q, "SELECT id FROM reports WHERE receipt_hash=?");
	if (!st)
		return OE_EIO;
	sqlite3_bind_blob(st, 1, h, 32, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	int ret = rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? OE_ENOTFOUND : OE_EIO;
	if (rc == SQLITE_ROW)
		*id = sqlite3_column_int64(st, 0);
	oe_sq_done(q, st);
	return ret;
}

#define REPORT_COLS                                                                                \
	"r.id,r.uuid,r.category,r.status,r.tlp,r.lang,r.description,r.occurred_at,"                \
	"r.loss_amount,r.loss_currency,r.contact_sealed IS NOT NULL,r.payout_sealed IS NOT "       \
	"NULL,r.assignee,r.created,r.modified,r.due_at,r.triaged_at,r.actioned_at,r.closed_at,"    \
	"r.erased,coalesce(r.duplicate_of,0),(SELECT uuid FROM reports d WHERE "                   \
	"d.id=r.duplicate_of),r.reward_state,r.reward_amount,r.reward_currency,"                   \
	"r.overdue_logged,(SELECT count(*) FROM report_indicators i WHERE i.report_id=r.id),"      \
	"(SELECT count(*) FROM report_files f WHERE f.report_id=r.id),(SELECT count(*) FROM "      \
	"report_messages m WHERE m.report_id=r.id)"

static void fill_report(sqlite3_stmt *st, oe_arena *a, oe_report_row *r)
{
	memset(r, 0, sizeof(*r));
	r->id = sqlite3_column_int64(st, 0);
	r->uuid = oe_sq_text(st, 1, a);
	r->category = sqlite3_column_int(st, 2);
	r->status = sqlite3_column_int(st, 3);
	r->tlp = sqlite3_column_int(st, 4);
	r->lang = oe_sq_text(st, 5, a);
	r->description = oe_sq_text(st, 6, a);
	r->occurred_at = sqlite3_column_int64(st, 7);
	r->loss_amount = oe_sq_text(st, 8, a);
	r->loss_currency = oe_sq_text(st, 9, a);
	r->has_contact = sqlite3_column_int(st, 10);
	r->has_payout = sqlite3_column_int(st, 11);
	r->assignee = oe_sq_text(st, 12, a);
	r->created = sqlite3_column_int64(st, 13);
	r->modified = sqlite3_column_int64(st, 14);
	r->due_at = sqlite3_column_int64(st, 15);
	r->triaged_at = sqlite3_column_int64(st, 16);
	r->actioned_at = sqlite3_column_int64(st, 17);
	r->closed_at = sqlite3_column_int64(st, 18);
	r->erased = sqlite3_column_int64(st, 19);
	r->duplicate_of = sqlite3_column_int64(st, 20);
	r->duplicate_of_uuid = oe_sq_text(st, 21, a);
	r->reward_state = sqlite3_column_int(st, 22);
	r->reward_amount = oe_sq_text(st, 23, a);
	r->reward_currency = oe_sq_text(st, 24, a);
	r->overdue_logged = sqlite3_column_int(st, 25);
	r->n_indicators = sqlite3_column_int64(st, 26);
	r->n_files = sqlite3_column_int64(st, 27);
	r->n_messages = sqlite3_column_int64(st, 28);
}

static int sr_get(oe_store *s, int64_t id, const char *uuid, oe_arena *a, oe_report_row *out)
{
	sq_store *q = SQ(s);
	sqlite3_stmt *st = oe_sq_prep(q, uuid ? "SELECT " REPORT_COLS " FROM reports r WHERE uuid=?"
					      : "SELECT " REPORT_COLS " FROM reports r WHERE id=?");
	if (!st)
		return OE_EIO;
	if (uuid)
		sqlite3_bind_text(st, 1, uuid, -1, SQLITE_STATIC);
	else
		sqlite3_bind_int64(st, 1, id);
	int rc = sqlite3_step(st);
	int ret = rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? OE_ENOTFOUND : OE_EIO;
	if (rc == SQLITE_ROW)
		fill_report(st, a, out);
	oe_sq_done(q, st);
	return ret;
}

static int sr_list(oe_store *s, const oe_report_filter *f, oe_arena *a, oe_report_row **out,
		   size_t *n)
{
	sq_store *q = SQ(s);
	/* The key orders the page: due_at ascending, or created descending
	 * (as -created ascending); the id breaks ties. */
	const char *key = f->sort_created ? "(-r.created)" : "r.due_at";
	char sql[2048];
	snprintf(sql, sizeof(sql),
		 "SELECT " REPORT_COLS " FROM reports r WHERE (?1<0 OR r.status=?1) AND "
		 "(?2=0 OR r.status<4) AND (?3<0 OR r.category=?3) AND (?4=0 OR (r.status<4 AND "
		 "r.due_at<?5)) AND (?6=0 OR (%s,r.id)>(?7,?8)) ORDER BY %s,r.id LIMIT ?9",
		 key, key);
	sqlite3_stmt *st = oe_sq_prep(q, sql);
	if (!st)
		return OE_EIO;
	sqlite3_bind_int(st, 1, f->status);
	sqlite3_bind_int(st, 2, f->open_only);
	sqlite3_bind_int(st, 3, f->category);
	sqlite3_bind_int(st, 4, f->overdue);
	sqlite3_bind_int64(st, 5, f->now);
	sqlite3_bind_int(st, 6, f->has_after);
	sqlite3_bind_int64(st, 7, f->after_key);
	sqlite3_bind_int64(st, 8, f->after_id);
	sqlite3_bind_int64(st, 9, (sqlite3_int64)f->limit);
	oe_report_row *v = NULL;
	size_t cnt = 0, cap = 0;
	int rc, ret = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if ((ret = oe_sq_grow(a, (void **)&v, cnt, &cap, sizeof(*v))))
			break;
		fill_report(st, a, &v[cnt++]);
	}
	if (!ret && rc != SQLITE_DONE)
		ret = OE_EIO;
	oe_sq_done(q, st);
	*out = v;
	*n = cnt;
	return ret;
}

static int sr_update(oe_store *s, const oe_report_row *r)
{
	sq_store *q = SQ(s);
	sqlite3_stmt *st = oe_sq_prep(
	    q, "UPDATE reports SET status=?1,category=?2,tlp=?3,assignee=?4,modified=?5,due_at=?6,"
	       "triaged_at=?7,actioned_at=?8,closed_at=?9,duplicate_of=?10,reward_state=?11,"
	       "reward_amount=?12,reward_currency=?13,overdue_logged=?14 WHERE id=?15");
	if (!st)
		return OE_EIO;
	sqlite3_bind_int(st, 1, r->status);
	sqlite3_bind_int(st, 2, r->category);
	sqlite3_bind_int(st, 3, r->tlp);
	oe_sq_bind_text(st, 4, r->assignee);
	sqlite3_bind_int64(st, 5, r->modified);
	sqlite3_bind_int64(st, 6, r->due_at);
	oe_sq_bind_time(st, 7, r->triaged_at);
	oe_sq_bind_time(st, 8, r->actioned_at);
	oe_sq_bind_time(st, 9, r->closed_at);
	if (r->duplicate_of)
		sqlite3_bind_int64(st, 10, r->duplicate_of);
	else
		sqlite3_bind_null(st, 10);
	sqlite3_bind_int(st, 11, r->reward_state);
	oe_sq_bind_text(st, 12, r->reward_amount);
	oe_sq_bind_text(st, 13, r->reward_currency);
	sqlite3_bind_int(st, 14, r->overdue_logged);
	sqlite3_bind_int64(st, 15, r->id);
	int ret = sqlite3_step(st) == SQLITE_DONE ? 0 : oe_sq_err(q);
	if (!ret && sqlite3_changes(q->db) == 0)
		ret = OE_ENOTFOUND;
	oe_sq_done(q, st);
	return ret;
}

static void fill_ident(sqlite3_stmt *st, oe_arena *a, void *p)
{
	oe_report_ident_row *r = p;
	r->kind = sqlite3_column_int(st, 0);
	r->value = oe_sq_text(st, 1, a);
	r->qualifier = oe_sq_text(st, 2, a);
	r->indicator_id = sqlite3_column_int64(st, 3);
}

static int sr_idents(oe_store *s, int64_t report_id, oe_arena *a, oe_report_ident_row **out,
		     size_t *n)
{
	return oe_sq_rows(SQ(s),
			  "SELECT kind,value,qualifier,coalesce(indicator_id,0) FROM report_idents "
			  "WHERE report_id=? ORDER BY seq",
			  report_id, a, sizeof(**out), fill_ident, (void **)out, n);
}

static void fill_link(sqlite3_stmt *st, oe_arena *a, void *p)
{
	oe_report_link *l = p;
	l->indicator_id = sqlite3_column_int64(st, 0);
	l->source = sqlite3_column_int(st, 1);
}

static int sr_links(oe_store *s, int64_t report_id, oe_arena *a, oe_report_link **out, size_t *n)
{
	return oe_sq_rows(SQ(s),
			  "SELECT indicator_id,source FROM report_indicators WHERE report_id=? "
			  "ORDER BY source,indicator_id",
			  report_id, a, sizeof(**out), fill_link, (void **)out, n);
}

static void fill_message(sqlite3_stmt *st, oe_arena *a, void *p)
{
	oe_report_message_row *m = p;
	m->id = sqlite3_column_int64(st, 0);
	m->author = sqlite3_column_int(st, 1);
	m->actor = oe_sq_text(st, 2, a);
	m->body = oe_sq_text(st, 3, a);
	m->created = sqlite3_column_int64(st, 4);
	m->nfiles = sqlite3_column_int64(st, 5);
}

static int sr_messages(oe_store *s, int64_t report_id, oe_arena *a, oe_report_message_row **out,
		       size_t *n)
{
	return oe_sq_rows(SQ(s),
			  "SELECT m.id,m.author,m.actor,m.body,m.created,(SELECT count(*) FROM "
			  "report_files f WHERE f.message_id=m.id) FROM report_messages m WHERE "
			  "m.report_id=? ORDER BY m.id",
			  report_id, a, sizeof(**out), fill_message, (void **)out, n);
}

static void fill_file(sqlite3_stmt *st, oe_arena *a, void *p)
{
	oe_report_file_row *f = p;
	f->id = sqlite3_column_int64(st, 0);
	f->message_id = sqlite3_column_int64(st, 1);
	const char *h = (const char *)sqlite3_column_text(st, 2);
	snprintf(f->sha256, sizeof(f->sha256), "%s", h ? h : "");
	f->mime = oe_sq_text(st, 3, a);
	f->size = sqlite3_column_int64(st, 4);
	f->name = oe_sq_text(st, 5, a);
	f->created = sqlite3_column_int64(st, 6);
}

static int sr_files(oe_store *s, int64_t report_id, oe_arena *a, oe_report_file_row **out,
		    size_t *n)
{
	return oe_sq_rows(SQ(s),
			  "SELECT id,coalesce(message_id,0),sha256,mime,size,name,created FROM "
			  "report_files WHERE report_id=? ORDER BY id",
			  report_id, a, sizeof(**out), fill_file, (void **)out, n);
}

static void fill_history(sqlite3_stmt *st, oe_arena *a, void *p)
{
	oe_report_history_row *h = p;
	h->at = sqlite3_column_int64(st, 0);
	h->actor = oe_sq_text(st, 1, a);
	h->field = oe_sq_text(st, 2, a);
	h->old = oe_sq_text(st, 3, a);
	h->new_ = oe_sq_text(st, 4, a);
}

static int sr_history(oe_store *s, int64_t report_id, oe_arena *a, oe_report_history_row **out,
		      size_t *n)
{
	return oe_sq_rows(SQ(s),
			  "SELECT at,actor,field,old,new FROM report_history WHERE report_id=? "
			  "ORDER BY id",
			  report_id, a, sizeof(**out), fill_history, (void **)out, n);
}

static int sr_sealed_get(oe_store *s, int64_t id, int which, oe_arena *a, uint8_t **out,
			 size_t *len)
{
	sq_store *q = SQ(s);
	sqlite3_stmt *st = oe_sq_prep(q, which ? "SELECT payout_sealed FROM reports WHERE id=?"
					       : "SELECT contact_sealed FROM reports WHERE id=?");
	if (!st)
		return OE_EIO;
	sqlite3_bind_int64(st, 1, id);
	int rc = sqlite3_step(st), ret = OE_ENOTFOUND;
	if (rc == SQLITE_ROW && sqlite3_column_type(st, 0) == SQLITE_BLOB) {
		size_t n = (size_t)sqlite3_column_bytes(st, 0);
		uint8_t *p = oe_arena_alloc(a, n ? n : 1);
		if (!p) {
			ret = OE_ENOMEM;
		} else {
			memcpy(p, sqlite3_column_blob(st, 0), n);
			*out = p;
			*len = n;
			ret = 0;
		}
	} else if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		ret = OE_EIO;
	}
	oe_sq_done(q, st);
	return ret;
}

static int sr_sealed_set(oe_store *s, int64_t id, int which, const uint8_t *data, size_t len)
{
	sq_store *q = SQ(s);
	sqlite3_stmt *st = oe_sq_prep(q, which ? "UPDATE reports SET payout_sealed=? WHERE id=?"
					       : "UPDATE reports SET contact_sealed=? WHERE id=?");
	if (!st)
		return OE_EIO;
	if (data)
		sqlite3_bind_blob(st, 1, data, (int)len, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 1);
	sqlite3_bind_int64(st, 2, id);
	int ret = sqlite3_step(st) == SQLITE_DONE ? 0 : oe_sq_err(q);
	oe_sq_done(q, st);
	return ret;
}

static int sr_stats(oe_store *s, int64_t indicator_id, int64_t exclude, oe_report_stats *out)
{
	sq_store *q = SQ(s);
	memset(out, 0, sizeof(*out));
	sqlite3_stmt *st = oe_sq_prep(
	    q, "SELECT r.category,count(*),min(r.created),max(r.created),max(r.actioned_at IS NOT "
	       "NULL) FROM report_indicators l JOIN reports r ON r.id=l.report_id WHERE "
	       "l.indicator_id=? AND r.id!=? AND r.status!=5 AND r.duplicate_of IS NULL GROUP BY "
	       "r.category");
	if (!st)
		return OE_EIO;
	sqlite3_bind_int64(st, 1, indicator_id);
	sqlite3_bind_int64(st, 2, exclude);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int c = sqlite3_column_int(st, 0);
		int64_t n = sqlite3_column_int64(st, 1);
		if (c >= 0 && c < (int)OE_ARRAY_SIZE(out->by_category))
			out->by_category[c] = n;
		out->reports += n;
		oe_time f = sqlite3_column_int64(st, 2), l = sqlite3_column_int64(st, 3);
		if (!out->first || f < out->first)
			out->first = f;
		if (l > out->last)
			out->last = l;
		if (sqlite3_column_int(st, 4))
			out->actioned = true;
	}
	oe_sq_done(q, st);
	return rc == SQLITE_DONE ? 0 : OE_EIO;
}

static int sr_overdue_take(oe_store *s, oe_time now, oe_arena *a, oe_report_row **out, size_t *n)
{
	sq_store *q = SQ(s);
	oe_report_filter f = {
	    .status = -1, .category = -1, .overdue = true, .now = now, .limit = 1000};
	oe_report_row *v;
	size_t cnt;
	int ret = sr_list(s, &f, a, &v, &cnt);
	if (ret)
		return ret;
	size_t k = 0;
	sqlite3_stmt *st = oe_sq_prep(q, "UPDATE reports SET overdue_logged=1 WHERE id=?");
	if (!st)
		return OE_EIO;
	for (size_t i = 0; i < cnt && !ret; i++) {
		if (v[i].overdue_logged)
			continue;
		sqlite3_bind_int64(st, 1, v[i].id);
		ret = sqlite3_step(st) == SQLITE_DONE ? 0 : OE_EIO;
		sqlite3_reset(st);
		v[k++] = v[i];
	}
	oe_sq_done(q, st);
	*out = v;
	*n = k;
	return ret;
}

static void fill_report_row(sqlite3_stmt *st, oe_arena *a, void *p)
{
	fill_report(st, a, p);
}

static int sr_by_indicator(oe_store *s, int64_t indicator_id, size_t limit, oe_arena *a,
			   oe_report_row **out, size_t *n)
{
	sq_store *q = SQ(s);
	sqlite3_stmt *st =
	    oe_sq_prep(q, "SELECT " REPORT_COLS " FROM report_indicators l JOIN reports r "
			  "ON r.id=l.report_id WHERE l.indicator_id=? ORDER BY r.created "
			  "DESC,r.id DESC LIMIT ?");
	if (!st)
		return OE_EIO;
	sqlite3_bind_int64(st, 1, indicator_id);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)limit);
	return oe_sq_rows_st(q, st, a, sizeof(**out), fill_report_row, (void **)out, n);
}

#define DAY_US INT64_C(86400000000)

static void fill_day(sqlite3_stmt *st, oe_arena *a, void *p)
{
	(void)a;
	oe_report_day_count *d = p;
	d->day = sqlite3_column_int64(st, 0);
	d->category = sqlite3_column_int(st, 1);
	d->n = sqlite3_column_int64(st, 2);
}

static int sr_per_day(oe_store *s, oe_time since, oe_arena *a, oe_report_day_count **out, size_t *n)
{
	sq_store *q = SQ(s);
	sqlite3_stmt *st = oe_sq_prep(q, "SELECT created/?2,category,count(*) FROM reports WHERE "
					 "created>=?1 GROUP BY 1,2 ORDER BY 1,2");
	if (!st)
		return OE_EIO;
	sqlite3_bind_int64(st, 1, since);
	sqlite3_bind_int64(st, 2, DAY_US);
	return oe_sq_rows_st(q, st, a, sizeof(**out), fill_day, (void **)out, n);
}

static void fill_i64(sqlite3_stmt *st, oe_arena *a, void *p)
{
	(void)a;
	*(int64_t *)p = sqlite3_column_int64(st, 0);
}

static int sr_triage_times(oe_store *s, oe_time since, oe_arena *a, int64_t **out, size_t *n)
{
	sq_store *q = SQ(s);
	sqlite3_stmt *st = oe_sq_prep(q, "SELECT triaged_at-created FROM reports WHERE created>=? "
					 "AND triaged_at IS NOT NULL ORDER BY 1");
	if (!st)
		return OE_EIO;
	sqlite3_bind_int64(st, 1, since);
	return oe_sq_rows_st(q, st, a, sizeof(**out), fill_i64, (void **)out, n);
}

static void fill_top(sqlite3_stmt *st, oe_arena *a, void *p)
{
	oe_report_top *t = p;
	t->indicator_id = sqlite3_column_int64(st, 0);
	t->type = sqlite3_column_int(st, 1);
	t->value = oe_sq_text(st, 2, a);
	t->tlp = sqlite3_column_int(st, 3);
	t->org_id = sqlite3_column_int64(st, 4);
	t->reports = sqlite3_column_int64(st, 5);
}

static int sr_top_reported(oe_store *s, oe_time since, int type, size_t limit, oe_arena *a,
			   oe_report_top **out, size_t *n)
{
	sq_store *q = SQ(s);
	sqlite3_stmt *st = oe_sq_prep(
	    q, "SELECT i.id,i.type,i.value,i.tlp,i.org_id,count(*) FROM report_indicators l JOIN "
	       "reports r ON r.id=l.report_id JOIN indicators i ON i.id=l.indicator_id WHERE "
	       "r.created>=?1 AND r.status!=5 AND r.duplicate_of IS NULL AND i.type=?2 AND "
	       "i.revoked=0 GROUP BY i.id ORDER BY 6 DESC,i.id LIMIT ?3");
	if (!st)
		return OE_EIO;
	sqlite3_bind_int64(st, 1, since);
	sqlite3_bind_int(st, 2, type);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)limit);
	return oe_sq_rows_st(q, st, a, sizeof(**out), fill_top, (void **)out, n);
}

static int sr_counts(oe_store *s, oe_time now, int64_t *open, int64_t *overdue, size_t ncat)
{
	sq_store *q = SQ(s);
	memset(open, 0, ncat * sizeof(*open));
	memset(overdue, 0, ncat * sizeof(*overdue));
	sqlite3_stmt *st = oe_sq_prep(q, "SELECT category,count(*),sum(due_at<?) FROM reports "
					 "WHERE " OPEN_STATUS " GROUP BY category");
	if (!st)
		return OE_EIO;
	sqlite3_bind_int64(st, 1, now);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int c = sqlite3_column_int(st, 0);
		if (c < 0 || (size_t)c >= ncat)
			continue;
		open[c] = sqlite3_column_int64(st, 1);
		overdue[c] = sqlite3_column_int64(st, 2);
	}
	oe_sq_done(q, st);
	return rc == SQLITE_DONE ? 0 : OE_EIO;
}

static int sr_erasable(oe_store *s, oe_time before, size_t limit, oe_arena *a, int64_t **ids,
		       size_t *n)
{
	sq_store *q = SQ(s);
	sqlite3_stmt *st =
	    oe_sq_prep(q, "SELECT id FROM reports WHERE closed_at IS NOT NULL AND "
			  "erased IS NULL AND closed_at<? ORDER BY closed_at LIMIT ?");
	if (!st)
		return OE_EIO;
	sqlite3_bind_int64(st, 1, before);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)limit);
	int64_t *v = NULL;
	size_t cnt = 0, cap = 0;
	int rc, ret = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if ((ret = oe_sq_grow(a, (void **)&v, cnt, &cap, sizeof(*v))))
			break;
		v[cnt++] = sqlite3_column_int64(st, 0);
	}
	if (!ret && rc != SQLITE_DONE)
		ret = OE_EIO;
	oe_sq_done(q, st);
	*ids = v;
	*n = cnt;
	return ret;
}

static int sr_erase(oe_store *s, int64_t id, oe_time now, oe_arena *a, char ***sha, size_t *n)
{
	sq_store *q = SQ(s);
	char **v = NULL;
	size_t cnt = 0, cap = 0;
	int ret = 0, rc;
	sqlite3_stmt *st = oe_sq_prep(q, "SELECT sha256 FROM report_files WHERE report_id=?");
	if (!st)
		return OE_EIO;
	sqlite3_bind_int64(st, 1, id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if ((ret = oe_sq_grow(a, (void **)&v, cnt, &cap, sizeof(*v))))
			break;
		v[cnt++] = oe_sq_text(st, 0, a);
	}
	if (!ret && rc != SQLITE_DONE)
		ret = OE_EIO;
	oe_sq_done(q, st);
	if (ret)
		return ret;
	static const char *const sql[] = {
	    "DELETE FROM report_files WHERE report_id=?1",
	    "UPDATE report_messages SET body=NULL WHERE report_id=?1",
	    "UPDATE report_idents SET value='',qualifier=NULL WHERE report_id=?1",
	    "UPDATE reports SET description=NULL,contact_sealed=NULL,payout_sealed=NULL,"
	    "loss_amount=NULL,loss_currency=NULL,erased=?2,modified=?2 WHERE id=?1",
	};
	for (size_t i = 0; i < OE_ARRAY_SIZE(sql) && !ret; i++) {
		st = oe_sq_prep(q, sql[i]);
		if (!st)
			return OE_EIO;
		sqlite3_bind_int64(st, 1, id);
		if (sqlite3_bind_parameter_count(st) >= 2)
			sqlite3_bind_int64(st, 2, now);
		ret = sqlite3_step(st) == SQLITE_DONE ? 0 : OE_EIO;
		oe_sq_done(q, st);
	}
	*sha = v;
	*n = cnt;
	return ret;
}

static int sr_file_refs(oe_store *s, const char *sha256, int64_t *n)
{
	sq_store *q = SQ(s);
	sqlite3_stmt *st = oe_sq_prep(q, "SELECT count(*) FROM report_files WHERE sha256=?");
	if (!st)
		return OE_EIO;
	sqlite3_bind_text(st, 1, sha256, -1, SQLITE_STATIC);
	int ret = OE_EIO;
	if (sqlite3_step(st) == SQLITE_ROW) {
		*n = sqlite3_column_int64(st, 0);
		ret = 0;
	}
	oe_sq_done(q, st);
	return ret;
}

const oe_report_store_ops oe_sqlite_report_ops = {
    .create = sr_create,
    .ident_add = sr_ident_add,
    .link = sr_link,
    .file_add = sr_file_add,
    .message_add = sr_message_add,
    .history_add = sr_history_add,
    .find_receipt = sr_find_receipt,
    .get = sr_get,
    .list = sr_list,
    .update = sr_update,
    .idents = sr_idents,
    .links = sr_links,
    .messages = sr_messages,
    .files = sr_files,
    .history = sr_history,
    .sealed_get = sr_sealed_get,
    .sealed_set = sr_sealed_set,
    .stats = sr_stats,
    .overdue_take = sr_overdue_take,
    .counts = sr_counts,
    .by_indicator = sr_by_indicator,
    .per_day = sr_per_day,
    .triage_times = sr_triage_times,
    .top_reported = sr_top_reported,
    .erasable = sr_erasable,
    .erase = sr_erase,
    .file_refs = sr_file_refs,
};
