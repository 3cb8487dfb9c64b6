/* triage.c - the analysts' side of citizens' reports: the queue, a report
 * with its correlations, the workflow, messages to the reporter, merging
 * duplicates, rewards, revealing sealed data, and the scheduler's sweep
 * (overdue reports, retention). See report.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/filetype.h"
#include "core/json.h"
#include "core/tlp.h"
#include "evidence.h"
#include "log.h"
#include "report_int.h"

#define REASON_MAX 1024

static bool may_read(const oe_viewer *v)
{
	return v->org_id == OE_NODE_OPERATOR_ORG &&
	       (v->role == OE_ROLE_READER || v->role == OE_ROLE_ANALYST ||
		v->role == OE_ROLE_ADMIN);
}

static bool may_write(const oe_viewer *v)
{
	return v->org_id == OE_NODE_OPERATOR_ORG &&
	       (v->role == OE_ROLE_ANALYST || v->role == OE_ROLE_ADMIN);
}

/* The row of "report--<uuid>"; OE_ENOTFOUND for anything else. */
static int load(oe_ctx *c, const char *id, oe_report_row *r)
{
	oe_uuid u;
	if (!id || strncmp(id, "report--", 8) != 0 || oe_uuid_parse(id + 8, &u) != 0 ||
	    strlen(id) != 8 + 36)
		return OE_ENOTFOUND;
	return c->store->ops->report->get(c->store, 0, id, c->arena, r);
}

/* ---- the queue ------------------------------------------------------------ */

int oe_svc_report_list(oe_ctx *c, oe_report_filter *f, const char *cursor_in, oe_report_row **rows,
		       size_t *n, char cursor[OE_CURSOR_LEN + 1])
{
	cursor[0] = '\0';
	if (!may_read(&c->viewer))
		return OE_EPERM;
	f->has_after = false;
	if (cursor_in && *cursor_in) {
		oe_uuid k;
		if (oe_svc_cursor_open(c->node, cursor_in, &k))
			return OE_EINVAL;
		int64_t key = 0, id = 0;
		for (int i = 0; i < 8; i++) {
			key = (int64_t)((uint64_t)key << 8 | k.b[i]);
			id = (int64_t)((uint64_t)id << 8 | k.b[8 + i]);
		}
		f->has_after = true;
		f->after_key = key;
		f->after_id = id;
	}
	if (!f->now)
		f->now = oe_now();
	size_t want = f->limit;
	f->limit = want + 1; /* one more tells whether there is a next page */
	int ret = c->store->ops->report->list(c->store, f, c->arena, rows, n);
	f->limit = want;
	if (ret)
		return ret;
	if (*n > want) {
		*n = want;
		const oe_report_row *last = &(*rows)[want - 1];
		int64_t key = f->sort_created ? -last->created : last->due_at;
		oe_uuid k;
		for (int i = 0; i < 8; i++) {
			k.b[i] = (uint8_t)((uint64_t)key >> (56 - 8 * i));
			k.b[8 + i] = (uint8_t)((uint64_t)last->id >> (56 - 8 * i));
		}
		oe_svc_cursor_seal(c->node, &k, cursor);
	}
	return 0;
}

/* ---- one report ------------------------------------------------------------ */

static int correlate(oe_ctx *c, const oe_report_row *r, const oe_report_link *l,
		     oe_report_indicator *out)
{
	oe_store *s = c->store;
	oe_indicator_row row;
	int ret = s->ops->indicator_get(s, l->indicator_id, NULL, c->arena, &row);
	if (ret)
		return ret;
	memset(out, 0, sizeof(*out));
	out->source = l->source;
	/* The view and its events and sightings, under the caller's TLP. */
	oe_indicator_detail d;
	ret = oe_svc_indicator_get(c, row.v.stix_id, &d);
	if (ret == OE_ENOTFOUND) {
		/* Linked by this report but now only under markings the caller
		 * may not see (another organisation's): show the value only. */
		out->row = row;
		out->row.nothers = 0;
		out->row.n_orgs = 0;
	} else if (ret) {
		return ret;
	} else {
		out->row = d.row;
		out->warninglist = d.warninglist;
		out->events = (int64_t)d.nevents;
		for (size_t i = 0; i < d.nevents; i++)
			if (d.events[i].org_id != OE_NODE_OPERATOR_ORG)
				out->partner_events++;
		for (size_t i = 0; i < d.nsightings; i++)
			out->sightings += d.sightings[i].count;
	}
	return s->ops->report->stats(s, l->indicator_id, r->id, &out->others);
}

int oe_svc_report_get(oe_ctx *c, const char *id, oe_report_detail *out)
{
	oe_store *s = c->store;
	memset(out, 0, sizeof(*out));
	if (!may_read(&c->viewer))
		return OE_EPERM;
	int ret = load(c, id, &out->r);
	if (ret)
		return ret;
	const oe_report_store_ops *R = s->ops->report;
	oe_report_link *links;
	size_t nl;
	if ((ret = R->idents(s, out->r.id, c->arena, &out->idents, &out->nidents)) ||
	    (ret = R->messages(s, out->r.id, c->arena, &out->messages, &out->nmessages)) ||
	    (ret = R->files(s, out->r.id, c->arena, &out->files, &out->nfiles)) ||
	    (ret = R->history(s, out->r.id, c->arena, &out->history, &out->nhistory)) ||
	    (ret = R->links(s, out->r.id, c->arena, &links, &nl)))
		return ret;
	out->indicators = oe_arena_alloc(c->arena, (nl + 1) * sizeof(*out->indicators));
	if (!out->indicators)
		return OE_ENOMEM;
	for (size_t i = 0; i < nl; i++) {
		ret = correlate(c, &out->r, &links[i], &out->indicators[out->nindicators]);
		if (ret == OE_ENOTFOUND)
			continue;
		if (ret)
			return ret;
		out->nindicators++;
	}
	/* Reading a citizen's report is itself on the record. */
	return s->ops->audit(s, oe_now(), c->actor, "report.read", out->r.uuid, NULL);
}

/* ---- the workflow ------------------------------------------------------------ */

/* new -> triaged -> investigating -> actioned -> closed, forward only (steps
 * may be skipped); rejected from any open state; a closed or rejected
 * report may be reopened as triaged or investigating. */
static const char *transition(int from, int to)
{
	if (from == to)
		return NULL;
	bool open_from = from < OE_RS_CLOSED;
	if (to == OE_RS_REJECTED)
		return open_from ? NULL : "only an open report can be rejected";
	if (to == OE_RS_NEW)
		return "a report cannot go back to new";
	if (!open_from)
		return (to == OE_RS_TRIAGED || to == OE_RS_INVESTIGATING)
			   ? NULL
			   : "a closed or rejected report can only be reopened as triaged or "
			     "investigating";
	return to > from ? NULL
			 : "status moves forward: new, triaged, investigating, actioned, closed";
}

static int history(oe_ctx *c, const oe_report_row *r, oe_time now, const char *field,
		   const char *old, const char *new_)
{
	return c->store->ops->report->history_add(c->store, r->id, now, c->actor, field, old, new_);
}

int oe_svc_report_patch(oe_ctx *c, const char *id, const oe_report_patch *p, const char **why)
{
	oe_store *s = c->store;
	*why = NULL;
	if (!may_write(&c->viewer))
		return OE_EPERM;
	if (p->set_assignee && p->assignee &&
	    (strlen(p->assignee) > 128 || !oe_utf8_printable(p->assignee, strlen(p->assignee)))) {
		*why = "assignee: at most 128 bytes of printable UTF-8";
		return OE_EINVAL;
	}
	char amount[64] = "", currency[4] = "";
	if (p->reward == OE_RW_ELIGIBLE) {
		if (!p->reward_amount ||
		    oe_amount_normalise(p->reward_amount, amount, sizeof(amount)) != 0) {
			*why = "reward: an eligible reward needs a positive amount";
			return OE_EINVAL;
		}
		if (!p->reward_currency || strlen(p->reward_currency) != 3) {
			*why = "reward: an eligible reward needs a three-letter currency";
			return OE_EINVAL;
		}
		for (int i = 0; i < 3; i++) {
			char ch = p->reward_currency[i];
			if (!((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z'))) {
				*why = "reward: an eligible reward needs a three-letter currency";
				return OE_EINVAL;
			}
			currency[i] = (char)(ch & ~0x20);
		}
	}
	int ret = s->ops->begin(s);
	if (ret)
		return ret;
	oe_report_row r;
	if ((ret = load(c, id, &r)))
		goto out;
	oe_time now = oe_now();
	if (p->status >= 0 && p->status != r.status) {
		if ((*why = transition(r.status, p->status))) {
			ret = OE_EINVAL;
			goto out;
		}
		if ((ret = history(c, &r, now, "status", oe_report_status_name(r.status),
				   oe_report_status_name(p->status))))
			goto out;
		if (!r.triaged_at && p->status != OE_RS_NEW)
			r.triaged_at = now;
		if (p->status == OE_RS_ACTIONED)
			r.actioned_at = now;
		if (p->status >= OE_RS_CLOSED)
			r.closed_at = now;
		else
			r.closed_at = 0; /* reopened */
		r.status = p->status;
	}
	if (p->category >= 0 && p->category != r.category) {
		if ((ret = history(c, &r, now, "category", oe_report_category_name(r.category),
				   oe_report_category_name(p->category))))
			goto out;
		/* The deadline is the new category's, from when it was filed. */
		r.due_at = r.created + c->node->cfg.deadline[p->category] * 1000000;
		r.overdue_logged = false;
		r.category = p->category;
	}
	if (p->tlp >= 0 && p->tlp != r.tlp) {
		if ((ret = history(c, &r, now, "tlp", oe_tlp_name(r.tlp), oe_tlp_name(p->tlp))))
			goto out;
		r.tlp = p->tlp;
	}
	if (p->set_assignee) {
		const char *a = p->assignee && *p->assignee ? p->assignee : NULL;
		bool same = (!a && !r.assignee) || (a && r.assignee && !strcmp(a, r.assignee));
		if (!same && (ret = history(c, &r, now, "assignee", r.assignee, a)))
			goto out;
		r.assignee = (char *)a;
	}
	if (p->reward >= 0 && p->reward != r.reward_state) {
		int from = r.reward_state, to = p->reward;
		bool ok = (from == OE_RW_NONE && to == OE_RW_ELIGIBLE) ||
			  (from == OE_RW_ELIGIBLE && to == OE_RW_NONE) ||
			  (from == OE_RW_CLAIMED && to == OE_RW_PAID);
		if (!ok) {
			*why = to == OE_RW_PAID ? "reward: only a claimed reward can be paid"
			       : to == OE_RW_CLAIMED
				   ? "reward: the reporter claims a reward, not an analyst"
				   : "reward: eligible comes from none, none from eligible";
			ret = OE_EINVAL;
			goto out;
		}
		char *old = oe_arena_printf(
		    c->arena, "%s%s%s%s%s", oe_reward_state_name(from), r.reward_amount ? " " : "",
		    r.reward_amount ? r.reward_amount : "", r.reward_currency ? " " : "",
		    r.reward_currency ? r.reward_currency : "");
		if (to == OE_RW_ELIGIBLE) {
			r.reward_amount = oe_arena_strdup(c->arena, amount);
			r.reward_currency = oe_arena_strdup(c->arena, currency);
		} else if (to == OE_RW_NONE) {
			r.reward_amount = r.reward_currency = NULL;
		}
		char *new_ = oe_arena_printf(
		    c->arena, "%s%s%s%s%s", oe_reward_state_name(to), r.reward_amount ? " " : "",
		    r.reward_amount ? r.reward_amount : "", r.reward_currency ? " " : "",
		    r.reward_currency ? r.reward_currency : "");
		if ((ret = history(c, &r, now, "reward", old, new_)) ||
		    (ret = s->ops->audit(s, now, c->actor, "report.reward", r.uuid, new_)))
			goto out;
		r.reward_state = to;
	}
	r.modified = now;
	if ((ret = s->ops->report->update(s, &r)))
		goto out;
	ret = s->ops->audit(s, now, c->actor, "report.update", r.uuid, NULL);
out:
	if (!ret)
		ret = s->ops->commit(s);
	if (ret)
		s->ops->rollback(s);
	return ret;
}

int oe_svc_report_message(oe_ctx *c, const char *id, const char *body, const char **why)
{
	oe_store *s = c->store;
	*why = NULL;
	if (!may_write(&c->viewer))
		return OE_EPERM;
	size_t n = body ? strlen(body) : 0;
	if (!n || n > OE_REPORT_MESSAGE_MAX || !oe_utf8_valid(body, n)) {
		*why = "body: a message of 1 to 16384 bytes of UTF-8 is required";
		return OE_EINVAL;
	}
	int ret = s->ops->begin(s);
	if (ret)
		return ret;
	oe_report_row r;
	oe_time now = oe_now();
	if (!(ret = load(c, id, &r)) && r.erased) {
		*why = "the report was erased by retention; its reporter can no longer be reached";
		ret = OE_EINVAL;
	}
	if (!ret)
		ret = s->ops->report->message_add(s, r.id, 1, c->actor, body, now, NULL);
	if (!ret)
		ret = history(c, &r, now, "message", NULL, NULL);
	if (!ret) {
		r.modified = now;
		ret = s->ops->report->update(s, &r);
	}
	if (!ret)
		ret = s->ops->audit(s, now, c->actor, "report.message", r.uuid, NULL);
	if (!ret)
		ret = s->ops->commit(s);
	if (ret)
		s->ops->rollback(s);
	return ret;
}

int oe_svc_report_merge(oe_ctx *c, const char *id, const char *into, const char **why)
{
	oe_store *s = c->store;
	*why = NULL;
	if (!may_write(&c->viewer))
		return OE_EPERM;
	int ret = s->ops->begin(s);
	if (ret)
		return ret;
	oe_report_row r, t;
	oe_report_link *links;
	size_t nl;
	oe_time now = oe_now();
	if ((ret = load(c, id, &r)))
		goto out;
	if ((ret = load(c, into, &t))) {
		if (ret == OE_ENOTFOUND) {
			*why = "into: no such report";
			ret = OE_EINVAL;
		}
		goto out;
	}
	if (r.id == t.id || t.duplicate_of == r.id) {
		*why = "into: a report cannot be a duplicate of itself or of its own duplicate";
		ret = OE_EINVAL;
		goto out;
	}
	if (r.duplicate_of) {
		*why = "the report is already a duplicate";
		ret = OE_EINVAL;
		goto out;
	}
	if (t.duplicate_of) {
		*why = "into: that report is itself a duplicate; merge into the one it names";
		ret = OE_EINVAL;
		goto out;
	}
	if ((ret = s->ops->report->links(s, r.id, c->arena, &links, &nl)))
		goto out;
	for (size_t i = 0; i < nl && !ret; i++)
		ret = s->ops->report->link(s, t.id, links[i].indicator_id, links[i].source);
	if (ret)
		goto out;
	if ((ret = history(c, &r, now, "duplicate_of", NULL, t.uuid)) ||
	    (ret = history(c, &t, now, "merged", NULL, r.uuid)))
		goto out;
	if (r.status < OE_RS_CLOSED) {
		if ((ret =
			 history(c, &r, now, "status", oe_report_status_name(r.status), "closed")))
			goto out;
		r.status = OE_RS_CLOSED;
		r.closed_at = now;
		if (!r.triaged_at)
			r.triaged_at = now;
	}
	r.duplicate_of = t.id;
	r.modified = t.modified = now;
	if ((ret = s->ops->report->update(s, &r)) || (ret = s->ops->report->update(s, &t)))
		goto out;
	ret = s->ops->audit(s, now, c->actor, "report.merge", r.uuid, t.uuid);
out:
	if (!ret)
		ret = s->ops->commit(s);
	if (ret)
		s->ops->rollback(s);
	return ret;
}

/* ---- sealed data ------------------------------------------------------------- */

static int read_intake_key(const oe_node *n, uint8_t sk[crypto_box_SECRETKEYBYTES])
{
	char path[2048];
	if (n->cfg.intake_secret_key[0])
		snprintf(path, sizeof(path), "%s", n->cfg.intake_secret_key);
	else
		snprintf(path, sizeof(path), "%s/intake.key", n->dir);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return OE_ENOTFOUND;
	ssize_t r = read(fd, sk, crypto_box_SECRETKEYBYTES);
	close(fd);
	return r == crypto_box_SECRETKEYBYTES ? 0 : OE_EIO;
}

static char *unseal(oe_arena *a, const uint8_t *box, size_t len, const uint8_t *pk,
		    const uint8_t *sk)
{
	if (len < crypto_box_SEALBYTES)
		return NULL;
	size_t n = len - crypto_box_SEALBYTES;
	char *out = oe_arena_alloc(a, n + 1);
	if (!out || crypto_box_seal_open((uint8_t *)out, box, len, pk, sk) != 0)
		return NULL;
	out[n] = '\0';
	return out;
}

int oe_svc_report_reveal(oe_ctx *c, const char *id, const char *reason, char **contact,
			 char **payout, const char **why)
{
	oe_store *s = c->store;
	*contact = *payout = NULL;
	*why = NULL;
	if (c->viewer.org_id != OE_NODE_OPERATOR_ORG || c->viewer.role != OE_ROLE_ADMIN)
		return OE_EPERM;
	size_t rl = reason ? strlen(reason) : 0;
	bool has_text = false;
	for (size_t i = 0; i < rl; i++)
		if (reason[i] != ' ')
			has_text = true;
	if (!has_text || rl > REASON_MAX || !oe_utf8_printable(reason, rl)) {
		*why = "reason: why the reporter's details are needed is required (up to 1024 "
		       "bytes), and goes into the audit log";
		return OE_EINVAL;
	}
	oe_report_row r;
	int ret = load(c, id, &r);
	if (ret)
		return ret;
	uint8_t sk[crypto_box_SECRETKEYBYTES];
	if ((ret = read_intake_key(c->node, sk))) {
		*why = "the intake secret key is not on this server (reports.intake_secret_key)";
		return ret;
	}
	for (int which = 0; which < 2 && !ret; which++) {
		uint8_t *box;
		size_t len;
		int rc = s->ops->report->sealed_get(s, r.id, which, c->arena, &box, &len);
		if (rc == OE_ENOTFOUND)
			continue;
		if (rc) {
			ret = rc;
			break;
		}
		char *plain = unseal(c->arena, box, len, c->node->intake_pk, sk);
		if (!plain) {
			*why = "the sealed data does not open with this intake key";
			ret = OE_EIO;
		}
		*(which ? payout : contact) = plain;
	}
	sodium_memzero(sk, sizeof(sk));
	if (ret)
		return ret;
	/* The reveal is on the record before anything is shown. */
	return s->ops->audit(s, oe_now(), c->actor, "report.reveal", r.uuid, reason);
}

int oe_svc_evidence_get(oe_ctx *c, const char *sha, char **data, size_t *len, const char **mime,
			const char **name)
{
	oe_store *s = c->store;
	if (!may_read(&c->viewer))
		return OE_EPERM;
	int64_t refs = 0;
	int ret = s->ops->report->file_refs(s, sha, &refs);
	if (ret)
		return ret;
	if (!refs)
		return OE_ENOTFOUND;
	if ((ret = oe_evidence_read(c->node, sha, data, len)))
		return ret == OE_EINVAL ? OE_ENOTFOUND : ret;
	/* Decided by content, as at intake; never by what was claimed. */
	const oe_filetype *ft = oe_filetype_sniff(*data, *len);
	*mime = ft ? ft->mime : "application/octet-stream";
	*name = NULL;
	ret = s->ops->audit(s, oe_now(), c->actor, "evidence.read", sha, NULL);
	if (ret) {
		free(*data);
		*data = NULL;
	}
	return ret;
}

/* ---- the scheduler ------------------------------------------------------------- */

int oe_svc_report_sweep(oe_ctx *c, oe_time now, size_t *overdue, size_t *erased)
{
	oe_store *s = c->store;
	*overdue = *erased = 0;
	oe_report_row *rows;
	size_t n;
	int ret = s->ops->begin(s);
	if (ret)
		return ret;
	ret = s->ops->report->overdue_take(s, now, c->arena, &rows, &n);
	if (!ret)
		ret = s->ops->commit(s);
	if (ret) {
		s->ops->rollback(s);
		return ret;
	}
	for (size_t i = 0; i < n; i++) {
		char due[OE_TIME_BUF];
		oe_time_format(rows[i].due_at, due);
		oe_log(OE_LOG_WARN, "report overdue", "{s:s,s:s,s:s,s:s,s:s}", "report",
		       rows[i].uuid, "category", oe_report_category_name(rows[i].category),
		       "status", oe_report_status_name(rows[i].status), "due_at", due, "assignee",
		       rows[i].assignee ? rows[i].assignee : "");
	}
	*overdue = n;

	int64_t keep = c->node->cfg.retention;
	if (!keep)
		return 0;
	int64_t *ids;
	if ((ret = s->ops->report->erasable(s, now - keep * 1000000, 500, c->arena, &ids, &n)))
		return ret;
	for (size_t i = 0; i < n; i++) {
		char **sha;
		size_t ns;
		oe_report_row r;
		if ((ret = s->ops->begin(s)))
			return ret;
		ret = s->ops->report->get(s, ids[i], NULL, c->arena, &r);
		if (!ret)
			ret = s->ops->report->erase(s, ids[i], now, c->arena, &sha, &ns);
		if (!ret)
			ret = s->ops->report->history_add(s, ids[i], now, "retention", "erased",
							  NULL, NULL);
		if (!ret)
			ret = s->ops->audit(s, now, "retention", "report.erase", r.uuid, NULL);
		if (!ret)
			ret = s->ops->commit(s);
		if (ret) {
			s->ops->rollback(s);
			return ret;
		}
		/* Files go once no report names them any more. */
		for (size_t k = 0; k < ns; k++) {
			int64_t refs = 1;
			if (s->ops->report->file_refs(s, sha[k], &refs) == 0 && refs == 0 &&
			    oe_evidence_shred(c->node, sha[k]) != 0)
				oe_log(OE_LOG_ERROR, "cannot erase an evidence file", "{s:s}",
				       "sha256", sha[k]);
		}
		(*erased)++;
	}
	/* The erased text must not live on in the write-ahead log. */
	if (*erased && (ret = s->ops->checkpoint(s)))
		oe_log(OE_LOG_WARN, "cannot checkpoint after erasing reports", "{s:s}", "error",
		       oe_strerror(ret));
	return 0;
}

int oe_svc_report_counts(oe_ctx *c, int64_t open[OE_RC__COUNT], int64_t overdue[OE_RC__COUNT])
{
	return c->store->ops->report->counts(c->store, oe_now(), open, overdue, OE_RC__COUNT);
}

int oe_svc_reports_of(oe_ctx *c, int64_t indicator_id, size_t limit, oe_report_stats *stats,
		      oe_report_row **rows, size_t *n)
{
	*rows = NULL;
	*n = 0;
	if (!may_read(&c->viewer))
		return OE_EPERM;
	const oe_report_store_ops *ro = c->store->ops->report;
	int ret = ro->stats(c->store, indicator_id, 0, stats);
	return ret ? ret : ro->by_indicator(c->store, indicator_id, limit, c->arena, rows, n);
}

static oe_time percentile(const int64_t *sorted, size_t n, int pct)
{
	if (!n)
		return 0;
	size_t i = (n * (size_t)pct + 99) / 100; /* nearest rank */
	return sorted[i ? i - 1 : 0];
}

int oe_svc_dashboard(oe_ctx *c, int days, size_t top, oe_dashboard *out)
{
	static const int types[OE_DASH_TOP_TYPES] = {OE_T_PHONE, OE_T_BANK, OE_T_DOMAIN, OE_T_URL};
	memset(out, 0, sizeof(*out));
	if (!may_read(&c->viewer))
		return OE_EPERM;
	if (days < 1 || days > 366 || top < 1 || top > 100)
		return OE_EINVAL;
	const oe_report_store_ops *ro = c->store->ops->report;
	out->now = oe_now();
	/* Whole UTC days: today and the days-1 before it. */
	const int64_t day = INT64_C(86400000000);
	out->since = (out->now / day - (days - 1)) * day;
	int64_t *tt;
	int ret;
	if ((ret = ro->per_day(c->store, out->since, c->arena, &out->per_day, &out->nper_day)) ||
	    (ret = ro->counts(c->store, out->now, out->open, out->overdue, OE_RC__COUNT)) ||
	    (ret = ro->triage_times(c->store, out->since, c->arena, &tt, &out->triaged)))
		return ret;
	out->triage_p50 = percentile(tt, out->triaged, 50);
	out->triage_p90 = percentile(tt, out->triaged, 90);
	for (size_t k = 0; k < OE_DASH_TOP_TYPES; k++) {
		oe_dash_top *t = &out->top[k];
		t->type = types[k];
		oe_report_top *rows;
		size_t n;
		/* Ask for a few more than shown: some may not be visible. */
		if ((ret = ro->top_reported(c->store, out->since, types[k], top * 2, c->arena,
					    &rows, &n)))
			return ret;
		t->rows = rows;
		for (size_t i = 0; i < n && t->n < top; i++) {
			oe_indicator_row row;
			ret = c->store->ops->indicator_get(c->store, rows[i].indicator_id, NULL,
							   c->arena, &row);
			if (ret == OE_ENOTFOUND)
				continue;
			if (ret)
				return ret;
			if (oe_svc_visible(&c->viewer, &row)) {
				rows[i].stix_id = oe_arena_strdup(c->arena, row.v.stix_id);
				if (!rows[i].stix_id)
					return OE_ENOMEM;
				t->rows[t->n++] = rows[i];
			}
		}
	}
	return 0;
}
