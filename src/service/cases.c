/* cases.c - joint cases: the use cases of the API and the command line
 * (see cases.h). Sharing with partner nodes is case_share.c's. */
#include "cases.h"

#include <stdio.h>
#include <string.h>

#include "core/json.h"
#include "core/uuid.h"
#include "report.h"

static bool may_read(const oe_viewer *v)
{
	return v->org_id > 0 && (v->role == OE_ROLE_READER || v->role == OE_ROLE_ANALYST ||
				 v->role == OE_ROLE_ADMIN);
}

static bool may_write(const oe_viewer *v)
{
	return v->org_id > 0 && (v->role == OE_ROLE_ANALYST || v->role == OE_ROLE_ADMIN);
}

/* Reports are the node operator's (service/triage.c). */
static bool may_read_reports(const oe_viewer *v)
{
	return v->org_id == OE_NODE_OPERATOR_ORG && may_read(v);
}

static int bad(oe_case_err *e, const char *field, const char *why)
{
	e->field = field;
	e->why = why;
	return OE_EINVAL;
}

/* A new version is later than the last one, whatever the clock says. */
static oe_time later(oe_time old)
{
	oe_time now = oe_now();
	return now > old ? now : old + 1;
}

static bool is_case_id(const char *id)
{
	return oe_case_stix_is_id(id, "grouping--");
}

/* The case of id if the caller may see it; OE_ENOTFOUND otherwise (it
 * does not exist for the caller). */
static int load(oe_ctx *c, const char *id, oe_case_row *k)
{
	if (!may_read(&c->viewer))
		return OE_EPERM;
	if (!is_case_id(id))
		return OE_ENOTFOUND;
	int ret = c->store->ops->cases->get(c->store, 0, id, c->arena, k);
	if (ret)
		return ret;
	return oe_may_see_in(&c->viewer, (oe_tlp)k->tlp, k->org_id, k->group_id) ? 0 : OE_ENOTFOUND;
}

/* Its timeline entry and audit record, written with every change. */
static int record(oe_ctx *c, const oe_case_row *k, oe_time now, const char *kind, const char *text)
{
	oe_store *s = c->store;
	int ret =
	    s->ops->cases->timeline_add(s, k->id, now, c->actor, c->viewer.org_id, kind, text);
	if (!ret) {
		char action[48];
		snprintf(action, sizeof(action), "case.%s", kind);
		ret = s->ops->audit(s, now, c->actor, action, k->stix_id, text);
	}
	return ret;
}

static void new_id(const char *prefix, char out[64])
{
	oe_uuid u;
	char us[OE_UUID_STR];
	oe_uuid_v4(&u);
	oe_uuid_format(&u, us);
	snprintf(out, 64, "%s%s", prefix, us);
}

/* A new version of case k (its origin's change, what says what changed),
 * later than the last. */
static int new_version(oe_ctx *c, oe_case_row *k, const char *kind, const char *what)
{
	k->modified = later(k->modified);
	int ret = c->store->ops->cases->update(c->store, k);
	return ret ? ret : record(c, k, k->modified, kind, what);
}

/* ---- what a case shows ----------------------------------------------------- */

/* The indicator of an API id, as viewer v may see it: OE_ENOTFOUND when
 * it is not here or v may not see it. */
static int indicator_of(oe_ctx *c, const oe_viewer *v, const char *ref, oe_indicator_row *r)
{
	oe_uuid u;
	if (!oe_case_stix_is_id(ref, "indicator--") || oe_uuid_parse(ref + 11, &u))
		return OE_ENOTFOUND;
	int ret = c->store->ops->indicator_get(c->store, 0, &u, c->arena, r);
	if (ret)
		return ret;
	return oe_svc_visible(v, r) ? 0 : OE_ENOTFOUND;
}

static int report_of(oe_ctx *c, const char *ref, oe_report_row *r)
{
	oe_uuid u;
	if (!may_read_reports(&c->viewer) || !oe_case_stix_is_id(ref, "report--") ||
	    oe_uuid_parse(ref + 8, &u))
		return OE_ENOTFOUND;
	return c->store->ops->report->get(c->store, 0, ref, c->arena, r);
}

static int event_of(oe_ctx *c, const char *ref, oe_event_row *ev)
{
	if (!ref || !*ref || strlen(ref) > 128)
		return OE_ENOTFOUND;
	int ret = c->store->ops->event_get(c->store, 0, ref, c->arena, ev);
	if (ret)
		return ret;
	return oe_may_see(&c->viewer, (oe_tlp)ev->tlp, ev->org_id) ? 0 : OE_ENOTFOUND;
}

/* Task it as its item w (its newest word) says it stands. */
static void task_of_item(const oe_case_item *w, oe_case_task *t)
{
	*t = (oe_case_task){.t = *w,
			    .title = w->text,
			    .assignee = w->assignee,
			    .due = w->due,
			    .done = w->done,
			    .modified = w->modified};
}

/* The tasks with the newest word on each. */
static int tasks_of(oe_ctx *c, oe_case_detail *d)
{
	oe_store *s = c->store;
	oe_case_item *tasks, *ups;
	size_t nt, nu;
	int ret = s->ops->cases->items(s, d->c.id, OE_CASE_TASK, c->arena, &tasks, &nt);
	if (!ret)
		ret = s->ops->cases->items(s, d->c.id, OE_CASE_TASK_UPDATE, c->arena, &ups, &nu);
	if (ret)
		return ret;
	d->tasks = oe_arena_alloc(c->arena, (nt ? nt : 1) * sizeof(*d->tasks));
	if (!d->tasks)
		return OE_ENOMEM;
	for (size_t i = 0; i < nt; i++) {
		oe_case_task *t = &d->tasks[d->ntasks++];
		const oe_case_item *w = &tasks[i];
		for (size_t k = 0; k < nu; k++)
			if (ups[k].task_id == tasks[i].id && ups[k].modified > w->modified)
				w = &ups[k];
		task_of_item(w, t);
		t->t = tasks[i];
		d->tasks_open += !t->done;
	}
	return 0;
}

/* Everything of case k the caller may see; full false leaves out the
 * linked rows themselves (a list needs their number only). */
static int detail(oe_ctx *c, const oe_case_row *k, bool full, oe_case_detail *d)
{
	oe_store *s = c->store;
	memset(d, 0, sizeof(*d));
	d->c = *k;
	oe_case_link *links;
	size_t nl, cr = 0, ci = 0, ce = 0;
	int ret = s->ops->cases->links(s, k->id, c->arena, &links, &nl);
	for (size_t i = 0; !ret && i < nl; i++) {
		const char *ref = links[i].ref;
		int r;
		if (links[i].kind == OE_CASE_LINK_REPORT) {
			oe_report_row rr;
			if (!(r = report_of(c, ref, &rr)) &&
			    !(r = oe_arena_grow(c->arena, (void **)&d->reports, d->nreports, &cr,
						sizeof(rr))))
				d->reports[d->nreports++] = rr;
		} else if (links[i].kind == OE_CASE_LINK_INDICATOR) {
			oe_indicator_row ir;
			if (!(r = indicator_of(c, &c->viewer, ref, &ir)) &&
			    !(r = oe_arena_grow(c->arena, (void **)&d->indicators, d->nindicators,
						&ci, sizeof(ir))))
				d->indicators[d->nindicators++] = ir;
		} else {
			oe_event_row er;
			if (!(r = event_of(c, ref, &er)) &&
			    !(r = oe_arena_grow(c->arena, (void **)&d->events, d->nevents, &ce,
						sizeof(er))))
				d->events[d->nevents++] = er;
		}
		if (r && r != OE_ENOTFOUND)
			ret = r;
	}
	if (!ret)
		ret = tasks_of(c, d);
	if (!ret)
		ret = s->ops->cases->items(s, k->id, OE_CASE_NOTE, c->arena, &d->notes, &d->nnotes);
	if (!ret && full)
		ret = s->ops->cases->participants(s, k->id, c->arena, &d->parts, &d->nparts);
	if (!ret && full)
		ret = s->ops->cases->timeline(s, k->id, c->arena, &d->timeline, &d->ntimeline);
	return ret;
}

int oe_svc_case_get(oe_ctx *c, const char *id, oe_case_detail *out)
{
	oe_case_row k;
	int ret = load(c, id, &k);
	return ret ? ret : detail(c, &k, true, out);
}

static int reload(oe_ctx *c, int64_t case_id, oe_case_detail *out)
{
	oe_case_row k;
	int ret = c->store->ops->cases->get(c->store, case_id, NULL, c->arena, &k);
	return ret ? ret : detail(c, &k, true, out);
}

/* ---- the list ---------------------------------------------------------------- */

int oe_svc_case_list(oe_ctx *c, int status, const char *cursor_in, size_t limit,
		     oe_case_detail **out, size_t *n, char next[OE_CURSOR_LEN + 1])
{
	oe_store *s = c->store;
	*out = NULL;
	*n = 0;
	next[0] = '\0';
	if (!may_read(&c->viewer))
		return OE_EPERM;
	if (!limit)
		limit = OE_CASE_LIST_DEFAULT;
	if (limit > OE_CASE_LIST_MAX)
		limit = OE_CASE_LIST_MAX;
	bool has = false;
	oe_time bmod = 0;
	int64_t bid = 0;
	if (cursor_in && *cursor_in) {
		oe_uuid k;
		if (oe_svc_cursor_open(c->node, cursor_in, &k))
			return OE_EINVAL;
		uint64_t m = 0, i = 0;
		for (int b = 0; b < 8; b++) {
			m = m << 8 | k.b[b];
			i = i << 8 | k.b[8 + b];
		}
		has = true;
		bmod = (oe_time)m;
		bid = (int64_t)i;
	}
	oe_case_detail *v = oe_arena_alloc(c->arena, (limit + 1) * sizeof(*v));
	if (!v)
		return OE_ENOMEM;
	size_t cnt = 0;
	bool more = false;
	/* Read in batches, keeping what the caller may see, until one past
	 * the page (which says there is a next one), or until a caller who
	 * sees little here has had OE_CASE_SCAN_MAX rows read for it: then the
	 * page ends early with a cursor, and the next one goes on. */
	size_t scanned = 0;
	oe_time cmod = 0;
	int64_t cid = 0; /* the last row passed: where the next page starts */
	for (;;) {
		oe_case_row *rows;
		size_t nr;
		int ret =
		    s->ops->cases->list(s, status, has, bmod, bid, limit + 1, c->arena, &rows, &nr);
		if (ret)
			return ret;
		for (size_t i = 0; i < nr && !more; i++) {
			has = true;
			bmod = rows[i].modified;
			bid = rows[i].id;
			if (oe_may_see_in(&c->viewer, (oe_tlp)rows[i].tlp, rows[i].org_id,
					  rows[i].group_id)) {
				if (cnt == limit) {
					more = true;
					break;
				}
				if ((ret = detail(c, &rows[i], false, &v[cnt])))
					return ret;
				cnt++;
			}
			cmod = rows[i].modified;
			cid = rows[i].id;
			scanned++;
		}
		if (more || nr < limit + 1)
			break;
		if (scanned >= OE_CASE_SCAN_MAX) {
			more = true;
			break;
		}
	}
	if (more) {
		oe_uuid k;
		uint64_t m = (uint64_t)cmod, i = (uint64_t)cid;
		for (int b = 0; b < 8; b++) {
			k.b[b] = (uint8_t)(m >> (56 - 8 * b));
			k.b[8 + b] = (uint8_t)(i >> (56 - 8 * b));
		}
		oe_svc_cursor_seal(c->node, &k, next);
	}
	*out = v;
	*n = cnt;
	return 0;
}

/* ---- creating and changing a case --------------------------------------------- */

/* The organisations of names, the case's origin first, each once. */
static int orgs_of(oe_ctx *c, int64_t origin, const char *const *names, size_t n, int64_t **out,
		   size_t *cnt, oe_case_err *e)
{
	if (n > OE_CASE_PARTIES_MAX - 1)
		return bad(e, "participants", "at most 99 organisations besides the case's own");
	int64_t *v = oe_arena_alloc(c->arena, (n + 1) * sizeof(*v));
	if (!v)
		return OE_ENOMEM;
	size_t k = 0;
	v[k++] = origin;
	for (size_t i = 0; i < n; i++) {
		oe_org o;
		if (!names[i] || !*names[i])
			return bad(e, "participants", "names of organisations");
		int ret = c->store->ops->org_get(c->store, 0, names[i], c->arena, &o);
		if (ret == OE_ENOTFOUND)
			return bad(e, "participants",
				   "not an organisation this node knows (org list, peer list)");
		if (ret)
			return ret;
		bool dup = false;
		for (size_t j = 0; j < k && !dup; j++)
			dup = v[j] == o.id;
		if (!dup)
			v[k++] = o.id;
	}
	*out = v;
	*cnt = k;
	return 0;
}

/* A sharing group of the caller's organisation by name. */
static int group_of(oe_ctx *c, const char *name, int64_t *gid, oe_case_err *e)
{
	oe_group_row g;
	int ret =
	    c->store->ops->share->group_get(c->store, 0, name, c->viewer.org_id, c->arena, &g);
	if (ret == OE_ENOTFOUND)
		return bad(e, "sharing_group", "not a sharing group of your organisation");
	if (!ret)
		*gid = g.id;
	return ret;
}

/* Begin a transaction and load case id for a new version: only its origin
 * makes them. On failure the transaction is over. */
static int begin_own(oe_ctx *c, const char *id, oe_case_row *k)
{
	int ret = c->store->ops->begin(c->store);
	if (ret)
		return ret;
	ret = load(c, id, k);
	if (!ret && k->org_id != c->viewer.org_id)
		ret = OE_EPERM;
	return ret ? oe_store_end(c->store, ret) : 0;
}

static int check_text(const char *title, bool set_desc, const char *desc, oe_case_err *e)
{
	if (title && !oe_case_text_ok(title, OE_CASE_TITLE_MAX))
		return bad(e, "title", "1 to 200 bytes of text");
	if (title && strpbrk(title, "\r\n\t"))
		return bad(e, "title", "one line");
	if (set_desc && desc && *desc && !oe_case_text_ok(desc, OE_CASE_TEXT_MAX))
		return bad(e, "description", "at most 10000 bytes of text");
	return 0;
}

int oe_svc_case_create(oe_ctx *c, const oe_case_in *in, oe_case_detail *out, oe_case_err *e)
{
	oe_store *s = c->store;
	memset(e, 0, sizeof(*e));
	if (!may_write(&c->viewer))
		return OE_EPERM;
	if (!in->title)
		return bad(e, "title", "required");
	int ret = check_text(in->title, true, in->description, e);
	if (ret)
		return ret;
	int tlp = in->tlp < 0 ? OE_TLP_AMBER : in->tlp;
	if ((ret = s->ops->begin(s)))
		return ret;
	oe_case_row k = {.org_id = c->viewer.org_id,
			 .title = (char *)in->title,
			 .description =
			     in->description && *in->description ? (char *)in->description : NULL,
			 .status = OE_CASE_OPEN,
			 .tlp = tlp};
	char sid[64];
	new_id("grouping--", sid);
	k.stix_id = sid;
	k.created = k.modified = oe_now();
	int64_t *orgs;
	size_t norgs;
	if (in->group)
		ret = group_of(c, in->group, &k.group_id, e);
	if (!ret)
		ret = orgs_of(c, k.org_id, in->participants, in->nparticipants, &orgs, &norgs, e);
	if (!ret)
		ret = s->ops->cases->create(s, &k, oe_case_stix_key(sid));
	if (!ret)
		ret = s->ops->cases->participants_set(s, k.id, orgs, norgs);
	if (!ret)
		ret = record(c, &k, k.created, "create", k.title);
	if ((ret = oe_store_end(s, ret)))
		return ret;
	return reload(c, k.id, out);
}

int oe_svc_case_patch(oe_ctx *c, const char *id, const oe_case_patch *p, oe_case_detail *out,
		      oe_case_err *e)
{
	oe_store *s = c->store;
	memset(e, 0, sizeof(*e));
	if (!may_write(&c->viewer))
		return OE_EPERM;
	int ret = check_text(p->title, p->set_description, p->description, e);
	if (ret)
		return ret;
	if (p->status > OE_CASE_CLOSED)
		return bad(e, "status", "open or closed");
	oe_case_row k;
	if ((ret = begin_own(c, id, &k)))
		return ret;
	char what[512] = ""; /* every change named below fits */
	size_t wl = 0;
#define NOTE(...)                                                                                  \
	wl += (size_t)snprintf(what + wl, wl < sizeof(what) ? sizeof(what) - wl : 0, __VA_ARGS__)
	if (p->title && strcmp(p->title, k.title)) {
		k.title = (char *)p->title;
		NOTE("title; ");
	}
	if (p->set_description) {
		k.description = p->description && *p->description ? (char *)p->description : NULL;
		NOTE("description; ");
	}
	if (p->status >= 0 && p->status != k.status) {
		k.status = p->status;
		NOTE("status %s; ", k.status ? "closed" : "open");
	}
	if (p->tlp >= 0 && p->tlp != k.tlp) {
		k.tlp = p->tlp;
		NOTE("tlp %s; ", oe_tlp_name((oe_tlp)k.tlp));
	}
	if (p->set_group) {
		int64_t gid = 0;
		if (p->group)
			ret = group_of(c, p->group, &gid, e);
		if (!ret && gid != k.group_id) {
			k.group_id = gid;
			NOTE("sharing group %.200s; ", p->group ? p->group : "none");
		}
	}
	if (!ret && p->set_participants) {
		int64_t *orgs;
		size_t norgs;
		ret = orgs_of(c, k.org_id, p->participants, p->nparticipants, &orgs, &norgs, e);
		if (!ret)
			ret = s->ops->cases->participants_set(s, k.id, orgs, norgs);
		NOTE("participants; ");
	}
#undef NOTE
	if (!ret && wl) {
		if (wl >= 2 && wl < sizeof(what))
			what[wl - 2] = '\0';
		ret = new_version(c, &k, "update", what);
	}
	if ((ret = oe_store_end(s, ret)))
		return ret;
	return reload(c, k.id, out);
}

static const char *const link_names[3] = {"reports", "indicators", "events"};

int oe_svc_case_link(oe_ctx *c, const char *id, const char *const *add[3], const size_t nadd[3],
		     const char *const *del[3], const size_t ndel[3], oe_case_detail *out,
		     oe_case_err *e)
{
	oe_store *s = c->store;
	memset(e, 0, sizeof(*e));
	if (!may_write(&c->viewer))
		return OE_EPERM;
	for (int k = 0; k < 3; k++)
		if (nadd[k] > OE_CASE_LINK_BATCH || ndel[k] > OE_CASE_LINK_BATCH)
			return bad(e, link_names[k], "at most 1000 ids at a time");
	oe_case_row k;
	int ret = begin_own(c, id, &k);
	if (ret)
		return ret;
	size_t changed = 0;
	oe_time now = oe_now();
	for (int kind = 0; !ret && kind < 3; kind++) {
		for (size_t i = 0; !ret && i < nadd[kind]; i++) {
			const char *ref = add[kind][i];
			/* Only what the caller may see can be linked. */
			int r;
			if (kind == OE_CASE_LINK_REPORT) {
				oe_report_row rr;
				r = report_of(c, ref, &rr);
			} else if (kind == OE_CASE_LINK_INDICATOR) {
				oe_indicator_row ir;
				r = indicator_of(c, &c->viewer, ref, &ir);
			} else {
				oe_event_row er;
				r = event_of(c, ref, &er);
			}
			if (r == OE_ENOTFOUND)
				ret = bad(e, link_names[kind],
					  "an id that is not here or that you may not see");
			else if (r)
				ret = r;
			bool ch = false;
			if (!ret)
				ret = s->ops->cases->link(s, k.id, kind, ref, true, now, &ch);
			changed += ch;
		}
		for (size_t i = 0; !ret && i < ndel[kind]; i++) {
			bool ch = false;
			if (!del[kind][i] || strlen(del[kind][i]) > 128)
				ret = bad(e, "unlink", "ids");
			else
				ret = s->ops->cases->link(s, k.id, kind, del[kind][i], false, now,
							  &ch);
			changed += ch;
		}
	}
	if (!ret && changed) {
		char what[160];
		size_t na = nadd[0] + nadd[1] + nadd[2], nd = ndel[0] + ndel[1] + ndel[2];
		snprintf(what, sizeof(what), "linked %zu, unlinked %zu", na, nd);
		/* The grouping names what it links: a new version. */
		ret = new_version(c, &k, "link", what);
	}
	if ((ret = oe_store_end(s, ret)))
		return ret;
	return reload(c, k.id, out);
}

/* ---- notes and tasks ------------------------------------------------------------ */

/* May the caller add to case k: a writer of its origin or of a
 * participating organisation. */
static int may_add(oe_ctx *c, const oe_case_row *k)
{
	if (k->org_id == c->viewer.org_id)
		return 0;
	oe_case_participant *p;
	size_t n;
	int ret = c->store->ops->cases->participants(c->store, k->id, c->arena, &p, &n);
	for (size_t i = 0; !ret && i < n; i++)
		if (p[i].org_id == c->viewer.org_id)
			return 0;
	return ret ? ret : OE_EPERM;
}

/* Begin a transaction and load case id for the caller to add to. On
 * failure the transaction is over. */
static int begin_add(oe_ctx *c, const char *id, oe_case_row *k)
{
	int ret = c->store->ops->begin(c->store);
	if (ret)
		return ret;
	ret = load(c, id, k);
	if (!ret)
		ret = may_add(c, k);
	return ret ? oe_store_end(c->store, ret) : 0;
}

/* Store it (its kind, text and task fields set), a new item of the
 * caller's in case k made at now, under a new id. */
static int item_new(oe_ctx *c, const oe_case_row *k, oe_time now, oe_case_item *it)
{
	char *sid = oe_arena_alloc(c->arena, 64);
	if (!sid)
		return OE_ENOMEM;
	new_id("note--", sid);
	it->case_id = k->id;
	it->stix_id = sid;
	it->org_id = c->viewer.org_id;
	it->author = (char *)c->actor;
	it->created = it->modified = now;
	return c->store->ops->cases->item_create(c->store, it, oe_case_stix_key(sid));
}

static int task_in_ok(const oe_case_task_in *in, bool create, oe_case_err *e)
{
	if (create && !in->title)
		return bad(e, "title", "required");
	if (in->title &&
	    (!oe_case_text_ok(in->title, OE_CASE_TITLE_MAX) || strpbrk(in->title, "\r\n\t")))
		return bad(e, "title", "one line of 1 to 200 bytes");
	if (in->set_assignee && in->assignee &&
	    (!*in->assignee || strlen(in->assignee) > OE_CASE_NAME_MAX ||
	     !oe_utf8_printable(in->assignee, strlen(in->assignee))))
		return bad(e, "assignee", "a name of at most 200 bytes");
	return 0;
}

int oe_svc_case_task_add(oe_ctx *c, const char *id, const oe_case_task_in *in, oe_case_task *out,
			 oe_case_err *e)
{
	oe_store *s = c->store;
	memset(e, 0, sizeof(*e));
	if (!may_write(&c->viewer))
		return OE_EPERM;
	oe_case_row k;
	int ret = task_in_ok(in, true, e);
	if (ret || (ret = begin_add(c, id, &k)))
		return ret;
	oe_time now = oe_now();
	oe_case_item it = {.kind = OE_CASE_TASK,
			   .text = (char *)in->title,
			   .assignee = in->set_assignee ? (char *)in->assignee : NULL,
			   .due = in->set_due ? in->due : 0,
			   .done = in->done > 0};
	ret = item_new(c, &k, now, &it);
	if (!ret)
		ret = record(c, &k, now, "task", in->title);
	if ((ret = oe_store_end(s, ret)))
		return ret;
	if ((ret = s->ops->cases->item_get(s, it.id, NULL, c->arena, &it)))
		return ret;
	task_of_item(&it, out);
	return 0;
}

int oe_svc_case_task_patch(oe_ctx *c, const char *id, const char *task_id,
			   const oe_case_task_in *in, oe_case_task *out, oe_case_err *e)
{
	oe_store *s = c->store;
	memset(e, 0, sizeof(*e));
	if (!may_write(&c->viewer))
		return OE_EPERM;
	int ret = task_in_ok(in, false, e);
	if (ret || (ret = s->ops->begin(s)))
		return ret;
	oe_case_row k;
	oe_case_item t;
	ret = load(c, id, &k);
	if (!ret)
		ret = oe_case_stix_is_id(task_id, "note--")
			  ? s->ops->cases->item_get(s, 0, task_id, c->arena, &t)
			  : OE_ENOTFOUND;
	if (!ret && (t.case_id != k.id || t.kind != OE_CASE_TASK))
		ret = OE_ENOTFOUND;
	if (!ret)
		ret = may_add(c, &k);
	/* The task as it stands now, changed as asked. */
	oe_case_detail d;
	oe_case_task cur = {0};
	if (!ret) {
		d.c = k;
		d.ntasks = d.tasks_open = 0;
		ret = tasks_of(c, &d);
		for (size_t i = 0; !ret && i < d.ntasks; i++)
			if (d.tasks[i].t.id == t.id)
				cur = d.tasks[i];
	}
	if (ret)
		return oe_store_end(s, ret);
	oe_case_item w = t;
	w.text = (char *)(in->title ? in->title : cur.title);
	w.assignee = (char *)(in->set_assignee ? in->assignee : cur.assignee);
	w.due = in->set_due ? in->due : cur.due;
	w.done = in->done >= 0 ? in->done > 0 : cur.done;
	char what[300];
	snprintf(what, sizeof(what), "%.200s%s", w.text, w.done ? " (done)" : "");
	if (t.org_id == c->viewer.org_id) {
		/* Its own organisation versions the task. */
		w.modified = later(cur.modified > t.modified ? cur.modified : t.modified);
		ret = s->ops->cases->item_update(s, &w);
		out->t = w;
	} else {
		/* Another participant's word on it: its own task update. */
		oe_case_item u;
		ret = s->ops->cases->item_update_of(s, t.id, c->viewer.org_id, c->arena, &u);
		oe_time now = later(cur.modified);
		if (ret == OE_ENOTFOUND) {
			u = (oe_case_item){.kind = OE_CASE_TASK_UPDATE,
					   .text = w.text,
					   .assignee = w.assignee,
					   .due = w.due,
					   .done = w.done,
					   .task_id = t.id};
			ret = item_new(c, &k, now, &u);
		} else if (!ret) {
			u.text = w.text;
			u.assignee = w.assignee;
			u.due = w.due;
			u.done = w.done;
			u.author = (char *)c->actor;
			u.modified = later(u.modified > cur.modified ? u.modified : cur.modified);
			ret = s->ops->cases->item_update(s, &u);
		}
		w.modified = u.modified;
		out->t = t;
	}
	if (!ret)
		ret = record(c, &k, w.modified, "task.update", what);
	if ((ret = oe_store_end(s, ret)))
		return ret;
	out->title = w.text;
	out->assignee = w.assignee;
	out->due = w.due;
	out->done = w.done;
	out->modified = w.modified;
	return 0;
}

int oe_svc_case_note_add(oe_ctx *c, const char *id, const char *text, oe_case_item *out,
			 oe_case_err *e)
{
	oe_store *s = c->store;
	memset(e, 0, sizeof(*e));
	if (!may_write(&c->viewer))
		return OE_EPERM;
	if (!oe_case_text_ok(text, OE_CASE_TEXT_MAX))
		return bad(e, "text", "1 to 10000 bytes of text");
	oe_case_row k;
	int ret = begin_add(c, id, &k);
	if (ret)
		return ret;
	oe_time now = oe_now();
	oe_case_item it = {.kind = OE_CASE_NOTE, .text = (char *)text};
	ret = item_new(c, &k, now, &it);
	if (!ret)
		ret = record(c, &k, now, "note", it.stix_id);
	if ((ret = oe_store_end(s, ret)))
		return ret;
	return s->ops->cases->item_get(s, it.id, NULL, c->arena, out);
}

int oe_svc_cases_linking(oe_ctx *c, int kind, const char *ref, size_t limit, oe_case_row **out,
			 size_t *n)
{
	*out = NULL;
	*n = 0;
	if (!may_read(&c->viewer))
		return OE_EPERM;
	oe_case_row *rows;
	size_t cnt;
	/* Ask for more than shown: some may not be visible. */
	int ret =
	    c->store->ops->cases->linking(c->store, kind, ref, limit * 4, c->arena, &rows, &cnt);
	if (ret)
		return ret;
	size_t k = 0;
	for (size_t i = 0; i < cnt && k < limit; i++)
		if (oe_may_see_in(&c->viewer, (oe_tlp)rows[i].tlp, rows[i].org_id,
				  rows[i].group_id))
			rows[k++] = rows[i];
	*out = rows;
	*n = k;
	return 0;
}
