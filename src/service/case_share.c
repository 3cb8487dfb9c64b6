/* case_share.c - joint cases between nodes (see cases.h): the STIX objects
 * the TAXII server serves for the case rows of its log, and storing the
 * groupings and notes a pull from a partner brings.
 *
 * Provenance as for indicators (docs/sharing.md): a case is versioned by
 * its origin organisation only, a note, task or task update by its
 * author's; a version from anyone else, or one not newer than what is
 * stored, changes nothing. A partner's word on a task of ours (a task
 * update) is folded into the task here, as a new version of ours, so that
 * every node sees it through the task itself. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "cases.h"
#include "core/stix_obj.h"
#include "core/uuid.h"
#include "share.h"

/* ---- serving ------------------------------------------------------------------ */

int oe_svc_case_taxii_load(oe_ctx *c, int64_t log_id, oe_case_taxii_obj *out)
{
	oe_store *s = c->store;
	memset(out, 0, sizeof(*out));
	if (log_id >= 0 || log_id == INT64_MIN)
		return OE_ENOTFOUND;
	int64_t lid = -log_id, row = lid / 4;
	int kind = (int)(lid % 4);
	if (kind != 1 && kind != 2)
		return OE_ENOTFOUND;
	int ret;
	if (kind == 2) {
		out->is_note = true;
		if ((ret = s->ops->cases->item_get(s, row, NULL, c->arena, &out->it)))
			return ret;
		row = out->it.case_id;
	}
	if ((ret = s->ops->cases->get(s, row, NULL, c->arena, &out->c)))
		return ret;
	out->tlp = out->c.tlp;
	out->owner_org = out->c.org_id;
	out->group_id = out->c.group_id;
	if (out->is_note) {
		const oe_case_item *it = &out->it;
		out->via_peer = it->via_peer;
		out->id = it->stix_id;
		out->modified = it->modified;
		out->org_id = it->org_id;
		out->org_stix_id = it->org_stix_id;
		out->org_name = it->org_name;
		out->org_country = it->org_country;
		out->org_created = it->org_created;
	} else {
		const oe_case_row *k = &out->c;
		out->via_peer = k->via_peer;
		out->id = k->stix_id;
		out->modified = k->modified;
		out->org_id = k->org_id;
		out->org_stix_id = k->org_stix_id;
		out->org_name = k->org_name;
		out->org_country = k->org_country;
		out->org_created = k->org_created;
	}
	return 0;
}

/* x_oureyes_sharing of a case in a group: its name and members. */
static int sharing(oe_ctx *c, const oe_case_row *k, const char **group, const char ***members,
		   size_t *n)
{
	*group = NULL;
	*members = NULL;
	*n = 0;
	if (!k->group_id || (k->tlp != OE_TLP_AMBER && k->tlp != OE_TLP_AMBER_STRICT))
		return 0;
	oe_group_member *m;
	size_t nm;
	int ret = c->store->ops->share->members(c->store, k->group_id, c->arena, &m, &nm);
	if (ret)
		return ret;
	const char **v = oe_arena_alloc(c->arena, (nm ? nm : 1) * sizeof(*v));
	if (!v)
		return OE_ENOMEM;
	for (size_t i = 0; i < nm; i++) {
		bool dup = !m[i].stix_id;
		for (size_t j = 0; j < *n && !dup; j++)
			dup = !strcmp(v[j], m[i].stix_id);
		if (!dup)
			v[(*n)++] = m[i].stix_id;
	}
	*group = k->group_name;
	*members = v;
	return 0;
}

static json_t *grouping_json(oe_ctx *c, const oe_case_row *k, const char *group,
			     const char **members, size_t nmembers)
{
	oe_store *s = c->store;
	oe_case_participant *p;
	oe_case_link *l;
	size_t np, nl;
	if (s->ops->cases->participants(s, k->id, c->arena, &p, &np) ||
	    s->ops->cases->links(s, k->id, c->arena, &l, &nl))
		return NULL;
	oe_case_stix g = {.id = k->stix_id,
			  .created_by = k->org_stix_id,
			  .title = k->title,
			  .description = k->description,
			  .status = k->status,
			  .tlp = k->tlp,
			  .group = group,
			  .members = members,
			  .nmembers = nmembers,
			  .created = k->created,
			  .modified = k->modified};
	g.parties = oe_arena_alloc(c->arena, (np ? np : 1) * sizeof(*g.parties));
	g.refs = oe_arena_alloc(c->arena, (nl ? nl : 1) * sizeof(*g.refs));
	g.indicators = oe_arena_alloc(c->arena, (nl ? nl : 1) * sizeof(*g.indicators));
	if (!g.parties || !g.refs || !g.indicators)
		return NULL;
	for (size_t i = 0; i < np && g.nparties < OE_CASE_PARTIES_MAX; i++)
		g.parties[g.nparties++] = (oe_case_party){p[i].stix_id, p[i].name, p[i].country};
	/* Only the indicators the receiver may see, named by the assertion it
	 * receives; reports and events never leave the node. */
	for (size_t i = 0; i < nl && g.nindicators < OE_CASE_LINKS_MAX; i++) {
		if (l[i].kind != OE_CASE_LINK_INDICATOR)
			continue;
		oe_indicator_row r;
		oe_uuid u;
		if (oe_uuid_parse(l[i].ref + 11, &u) ||
		    s->ops->indicator_get(s, 0, &u, c->arena, &r) ||
		    !oe_svc_visible(&c->viewer, &r) || r.v.revoked || !r.v.org_stix_id)
			continue;
		char *aid = oe_arena_alloc(c->arena, 64);
		if (!aid)
			return NULL;
		oe_stix_assertion_id(r.v.org_stix_id, r.v.type, r.v.value, aid);
		g.refs[g.nrefs++] = aid;
		g.indicators[g.nindicators++] = l[i].ref;
	}
	return oe_case_stix_grouping(&g);
}

json_t *oe_svc_case_taxii_json(oe_ctx *c, const oe_case_taxii_obj *o)
{
	const char *group, **members;
	size_t nm;
	if (sharing(c, &o->c, &group, &members, &nm))
		return NULL;
	if (!o->is_note)
		return grouping_json(c, &o->c, group, members, nm);
	const oe_case_item *it = &o->it;
	oe_case_note_stix n = {.id = it->stix_id,
			       .created_by = it->org_stix_id,
			       .case_ref = o->c.stix_id,
			       .task_ref = it->task_stix_id,
			       .kind = it->kind,
			       /* Who wrote it stays here: the note is its organisation's. */
			       .author = NULL,
			       .text = it->text,
			       .assignee = it->assignee,
			       .due = it->due,
			       .done = it->done,
			       .tlp = o->tlp,
			       .group = group,
			       .members = members,
			       .nmembers = nm,
			       .created = it->created,
			       .modified = it->modified};
	return oe_case_stix_note(&n);
}

/* ---- storing what a partner sent --------------------------------------------- */

typedef struct {
	oe_ctx *c;
	int64_t peer_id;
	const oe_env_page *p;
	oe_time now;
	bool groups_changed;
} imp;

/* The organisation of identity stix, made a remote one when new (named by
 * the page's identity object, or by name, or by the id itself). */
static int org_of(imp *x, const char *stix, const char *name, const char *country, int64_t *id,
		  int *kind)
{
	oe_store *s = x->c->store;
	int ret = s->ops->share->org_find(s, stix, id, kind);
	if (ret != OE_ENOTFOUND)
		return ret;
	for (size_t i = 0; i < x->p->nidentities; i++)
		if (!strcmp(x->p->identities[i].id, stix)) {
			name = x->p->identities[i].name;
			if (x->p->identities[i].country[0])
				country = x->p->identities[i].country;
		}
	*kind = OE_ORG_REMOTE;
	ret = s->ops->share->org_remote_create(s, stix, name ? name : stix,
					       country ? country : "ZZ", x->peer_id, x->now, id);
	if (!ret)
		ret = s->ops->audit(s, x->now, x->c->actor, "org.learn", stix, name ? name : stix);
	return ret;
}

/* The group a case arrived under, as received (service/sync.c does the
 * same for assertions): owned by the origin, naming this node's operator,
 * the origin and the identities the sender lists. */
static int group_of(imp *x, int64_t origin, const oe_case_stix *g, int64_t *gid)
{
	oe_store *s = x->c->store;
	oe_group_row gr;
	int ret = s->ops->share->group_get(s, 0, g->group, origin, x->c->arena, &gr);
	if (!ret)
		*gid = gr.id;
	else if (ret == OE_ENOTFOUND)
		ret = s->ops->share->group_create(s, g->group, origin, x->peer_id, x->now, gid);
	int64_t *want = oe_arena_alloc(x->c->arena, (g->nmembers + 2) * sizeof(*want));
	size_t n = 0;
	if (!ret && !want)
		ret = OE_ENOMEM;
	if (!ret) {
		want[n++] = OE_NODE_OPERATOR_ORG;
		if (origin != OE_NODE_OPERATOR_ORG)
			want[n++] = origin;
	}
	for (size_t i = 0; !ret && i < g->nmembers; i++) {
		int64_t org;
		int kind;
		if (!(ret = org_of(x, g->members[i], NULL, NULL, &org, &kind)) &&
		    !oe_svc_id_in(want, n, org))
			want[n++] = org;
	}
	oe_group_member *m;
	size_t nm;
	if (!ret)
		ret = s->ops->share->members(s, *gid, x->c->arena, &m, &nm);
	if (ret)
		return ret;
	if (oe_svc_group_same(m, nm, want, n))
		return 0;
	x->groups_changed = true;
	ret = s->ops->share->member_clear(s, *gid);
	for (size_t i = 0; !ret && i < n; i++)
		ret = s->ops->share->member_add(s, *gid, want[i], 0);
	return ret;
}

/* A case's tombstone (docs/cases.md, "Revocations"): withdraw what this
 * node holds of it, with its notes and tasks, when it comes from the peer
 * we got the case from or from the origin's own node, and is not older
 * than what we hold. A partner that lost the case itself passes its
 * tombstone on as well: that must not take from us what the origin still
 * gives us. Our own cases are only ours to withdraw. */
static int withdraw_case(imp *x, const oe_case_stix *g, oe_sync_counts *n)
{
	oe_store *s = x->c->store;
	oe_case_row k;
	int ret = s->ops->cases->get(s, 0, g->id, x->c->arena, &k);
	if (ret == OE_ENOTFOUND) {
		n->unchanged++; /* never held here */
		return 0;
	}
	oe_peer_row peer;
	if (!ret)
		ret = s->ops->share->peer_get(s, x->peer_id, NULL, x->c->arena, &peer);
	if (ret)
		return ret;
	if (!k.via_peer) {
		n->own++;
		return 0;
	}
	if ((k.via_peer != x->peer_id && k.org_id != peer.org_id) || g->modified < k.modified ||
	    (k.tlp == OE_TLP_RED && !k.title[0])) {
		n->unchanged++;
		return 0;
	}
	ret = s->ops->cases->withdraw(s, k.id);
	if (!ret)
		ret = s->ops->audit(s, x->now, x->c->actor, "case.withdraw", g->id, peer.name);
	n->updated += !ret;
	n->withdrawn += !ret;
	return ret;
}

static int put_case(imp *x, const oe_case_stix *g, oe_sync_counts *n)
{
	oe_store *s = x->c->store;
	if (g->tombstone)
		return withdraw_case(x, g, n);
	int64_t origin;
	int kind;
	int ret = org_of(x, g->created_by, NULL, NULL, &origin, &kind);
	if (ret)
		return ret;
	if (kind == OE_ORG_LOCAL) {
		n->own++; /* ours, sent back: only we make its versions */
		return 0;
	}
	oe_case_row k;
	ret = s->ops->cases->get(s, 0, g->id, x->c->arena, &k);
	bool exists = !ret;
	if (ret && ret != OE_ENOTFOUND)
		return ret;
	if (exists && k.org_id != origin) {
		n->refused++; /* another organisation's case */
		return 0;
	}
	int64_t gid = 0;
	if (exists && g->modified <= k.modified) {
		/* The same version again: the origin took a member out of its
		 * group and tells who is left, so that we stop passing the
		 * case on to that member (docs/sharing.md, "Revocations"). */
		if (g->tlp >= OE_TLP_AMBER && k.tlp == g->tlp && k.group_id &&
		    (ret = group_of(x, origin, g, &gid)))
			return ret;
		n->unchanged++;
		return 0;
	}
	if (g->tlp >= OE_TLP_AMBER && (ret = group_of(x, origin, g, &gid)))
		return ret;
	int64_t *orgs = oe_arena_alloc(x->c->arena, (g->nparties + 1) * sizeof(*orgs));
	size_t norgs = 0;
	if (!orgs)
		return OE_ENOMEM;
	orgs[norgs++] = origin;
	for (size_t i = 0; i < g->nparties; i++) {
		int64_t org;
		int kd;
		if ((ret = org_of(x, g->parties[i].identity, g->parties[i].name,
				  g->parties[i].country, &org, &kd)))
			return ret;
		if (!oe_svc_id_in(orgs, norgs, org))
			orgs[norgs++] = org;
	}
	if (!exists)
		k = (oe_case_row){.stix_id = (char *)g->id,
				  .org_id = origin,
				  .via_peer = x->peer_id,
				  .created = g->created};
	k.title = (char *)g->title;
	k.description = (char *)g->description;
	k.status = g->status;
	k.tlp = g->tlp;
	k.group_id = gid;
	k.modified = g->modified;
	/* The peer of its latest version: a tombstone from the peer of an
	 * older one no longer takes it (docs/cases.md, "Revocations"). */
	k.via_peer = x->peer_id;
	ret = exists ? s->ops->cases->update(s, &k)
		     : s->ops->cases->create(s, &k, oe_case_stix_key(g->id));
	if (!ret)
		ret = s->ops->cases->participants_set(s, k.id, orgs, norgs);
	if (!ret)
		ret = s->ops->cases->links_clear(s, k.id, OE_CASE_LINK_INDICATOR);
	for (size_t i = 0; !ret && i < g->nindicators; i++) {
		bool ch;
		ret = s->ops->cases->link(s, k.id, OE_CASE_LINK_INDICATOR, g->indicators[i], true,
					  x->now, &ch);
	}
	const char *what = exists ? "update" : "receive";
	if (!ret)
		ret = s->ops->cases->timeline_add(s, k.id, x->now, x->c->actor, origin, what,
						  g->title);
	if (!ret)
		ret = s->ops->audit(s, x->now, x->c->actor, "case.receive", g->id, what);
	if (!ret) {
		if (exists)
			n->updated++;
		else
			n->created++;
	}
	return ret;
}

static const char *const kind_names[] = {"note", "task", "task.update"};

/* Fold a partner's task update u into task t of our own: a new version of
 * the task, when u is newer than it. */
static int fold(imp *x, oe_case_item *t, const oe_case_note_stix *u)
{
	if (u->modified <= t->modified)
		return 0;
	t->text = (char *)u->text;
	t->assignee = (char *)u->assignee;
	t->due = u->due;
	t->done = u->done;
	t->modified = x->now > u->modified ? x->now : u->modified + 1;
	return x->c->store->ops->cases->item_update(x->c->store, t);
}

static int put_note(imp *x, const oe_case_note_stix *nt, oe_sync_counts *n)
{
	oe_store *s = x->c->store;
	oe_arena *a = x->c->arena;
	if (nt->tombstone) {
		/* Notes leave with their case (whose tombstone comes with
		 * theirs, and withdraws them all): nothing to do alone. */
		n->unchanged++;
		return 0;
	}
	int64_t author;
	int kind;
	int ret = org_of(x, nt->created_by, NULL, NULL, &author, &kind);
	if (ret)
		return ret;
	if (kind == OE_ORG_LOCAL) {
		n->own++;
		return 0;
	}
	oe_case_row k;
	ret = s->ops->cases->get(s, 0, nt->case_ref, a, &k);
	if (ret == OE_ENOTFOUND) {
		n->refused++; /* a note of a case we do not hold */
		return 0;
	}
	if (ret)
		return ret;
	/* Only the case's organisations write in it. */
	bool party = k.org_id == author;
	oe_case_participant *p;
	size_t np;
	if ((ret = s->ops->cases->participants(s, k.id, a, &p, &np)))
		return ret;
	for (size_t i = 0; i < np && !party; i++)
		party = p[i].org_id == author;
	oe_case_item task = {0};
	if (party && nt->kind == OE_CASE_STIX_TASK_UPDATE) {
		ret = s->ops->cases->item_get(s, 0, nt->task_ref, a, &task);
		if (ret && ret != OE_ENOTFOUND)
			return ret;
		party = !ret && task.case_id == k.id && task.kind == OE_CASE_TASK;
	}
	if (!party) {
		n->refused++;
		return 0;
	}
	oe_case_item it;
	ret = s->ops->cases->item_get(s, 0, nt->id, a, &it);
	if (ret == OE_ENOTFOUND && nt->kind == OE_CASE_STIX_TASK_UPDATE)
		ret = s->ops->cases->item_update_of(s, task.id, author, a, &it);
	bool exists = !ret;
	if (ret && ret != OE_ENOTFOUND)
		return ret;
	if (exists && (it.org_id != author || it.case_id != k.id || it.kind != nt->kind)) {
		n->refused++;
		return 0;
	}
	if (exists && nt->modified <= it.modified) {
		n->unchanged++;
		return 0;
	}
	if (!exists)
		it = (oe_case_item){.case_id = k.id,
				    .stix_id = (char *)nt->id,
				    .kind = nt->kind,
				    .org_id = author,
				    .task_id = task.id,
				    .via_peer = x->peer_id,
				    .created = nt->created};
	it.author = (char *)nt->author;
	it.text = (char *)nt->text;
	it.assignee = (char *)nt->assignee;
	it.due = nt->due;
	it.done = nt->done;
	it.modified = nt->modified;
	ret = exists ? s->ops->cases->item_update(s, &it)
		     : s->ops->cases->item_create(s, &it, oe_case_stix_key(nt->id));
	/* A task of ours: the partner's word becomes the task's. */
	if (!ret && nt->kind == OE_CASE_STIX_TASK_UPDATE && !task.via_peer) {
		int tk;
		int64_t to;
		ret = s->ops->share->org_find(s, task.org_stix_id, &to, &tk);
		if (!ret && tk == OE_ORG_LOCAL)
			ret = fold(x, &task, nt);
	}
	char what[300];
	snprintf(what, sizeof(what), "%.200s%s", nt->kind == OE_CASE_STIX_NOTE ? nt->id : nt->text,
		 nt->kind != OE_CASE_STIX_NOTE && nt->done ? " (done)" : "");
	if (!ret)
		ret = s->ops->cases->timeline_add(s, k.id, x->now, x->c->actor, author,
						  kind_names[nt->kind], what);
	if (!ret)
		ret = s->ops->audit(s, x->now, x->c->actor, "case.note.receive", nt->id, k.stix_id);
	if (!ret) {
		if (exists)
			n->updated++;
		else
			n->created++;
	}
	return ret;
}

int oe_svc_case_sync_page(oe_ctx *c, int64_t peer_id, const oe_env_page *p, oe_sync_counts *n,
			  bool *groups_changed)
{
	imp x = {.c = c, .peer_id = peer_id, .p = p, .now = oe_now()};
	int ret = 0;
	/* Cases before notes: a note may come in the page of its case. */
	for (size_t i = 0; !ret && i < p->ngroupings; i++)
		ret = put_case(&x, &p->groupings[i], n);
	for (size_t i = 0; !ret && i < p->nnotes; i++)
		ret = put_note(&x, &p->notes[i], n);
	*groups_changed |= x.groups_changed;
	return ret;
}
