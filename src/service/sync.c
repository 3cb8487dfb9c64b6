/* sync.c - storing what a partner node sends (see sync.h). A page is one
 * transaction with its cursor; the identities a page names become
 * organisations once, and each received sharing group is rewritten once
 * per page, whatever the number of its objects. */
#include "sync.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cases.h"
#include "core/stix_obj.h"
#include "share.h"

static int may_sync(const oe_ctx *c)
{
	return c->viewer.org_id == OE_NODE_OPERATOR_ORG && c->viewer.role == OE_ROLE_ADMIN
		   ? 0
		   : OE_EPERM;
}

static int tx_end(oe_store *s, int ret)
{
	if (ret) {
		s->ops->rollback(s);
		return ret;
	}
	return s->ops->commit(s);
}

int oe_svc_sync_bind(oe_ctx *c, int64_t peer_id, const oe_env_identity *node, const char **why)
{
	oe_store *s = c->store;
	*why = NULL;
	int ret = may_sync(c);
	if (ret)
		return ret;
	oe_peer_row p;
	/* Known already: the usual case, which takes no write lock. */
	if ((ret = s->ops->share->peer_get(s, peer_id, NULL, c->arena, &p)))
		return ret;
	if (p.identity && !strcmp(p.identity, node->id))
		return 0;
	if ((ret = s->ops->begin(s)))
		return ret;
	if ((ret = s->ops->share->peer_get(s, peer_id, NULL, c->arena, &p)))
		return tx_end(s, ret);
	if (p.identity && !strcmp(p.identity, node->id))
		return tx_end(s, 0);
	if (p.identity) {
		/* A partner does not change who it is; a URL that now answers as
		 * another node is not pulled from. */
		*why = oe_arena_printf(c->arena, "the partner now says it is %s, not %s", node->id,
				       p.identity);
		return tx_end(s, OE_ECONFLICT);
	}
	int64_t org = 0;
	int kind = 0;
	ret = s->ops->share->org_find(s, node->id, &org, &kind);
	if (!ret && (kind == OE_ORG_LOCAL || (kind == OE_ORG_PEER && org != p.org_id))) {
		*why = oe_arena_printf(c->arena, "the partner says it is %s, which is %s", node->id,
				       kind == OE_ORG_LOCAL ? "an organisation of this node"
							    : "another partner");
		return tx_end(s, OE_ECONFLICT);
	}
	if (ret && ret != OE_ENOTFOUND)
		return tx_end(s, ret);
	ret = s->ops->share->org_rebind(s, p.org_id, node->id,
					node->country[0] ? node->country : NULL);
	if (!ret)
		ret = s->ops->share->peer_set_identity(s, peer_id, node->id);
	if (!ret)
		ret = s->ops->audit(s, oe_now(), c->actor, "peer.identity", p.name, node->id);
	if ((ret = tx_end(s, ret)))
		return ret;
	/* A merged organisation's keys and groups are the partner's now. */
	oe_node_auth_changed(c->node);
	return 0;
}

int oe_svc_sync_cursor(oe_ctx *c, int64_t peer_id, const char *collection, char **added_after)
{
	*added_after = NULL;
	int ret = may_sync(c);
	if (ret)
		return ret;
	ret =
	    c->store->ops->share->cursor_get(c->store, peer_id, collection, c->arena, added_after);
	return ret == OE_ENOTFOUND ? 0 : ret;
}

/* What one page knows of organisations and groups, so that each is looked
 * up or written once per page. */
typedef struct {
	const char *stix;
	int64_t id;
	int kind;
} org_ref;

typedef struct {
	int64_t owner;
	const char *name;
	int64_t id;
} group_ref;

typedef struct {
	oe_ctx *c;
	int64_t peer_id;
	oe_time now;
	const oe_env_page *p;
	org_ref *orgs;
	size_t norgs, caporgs;
	group_ref *groups;
	size_t ngroups, capgroups;
	bool groups_changed; /* who is in which group: cached checks are void */
} page_ctx;

static int grow(oe_arena *a, void **arr, size_t n, size_t *cap, size_t elem)
{
	if (n < *cap)
		return 0;
	size_t nc = *cap ? *cap * 2 : 16;
	void *v = oe_arena_alloc(a, nc * elem);
	if (!v)
		return OE_ENOMEM;
	if (n)
		memcpy(v, *arr, n * elem);
	*arr = v;
	*cap = nc;
	return 0;
}

/* The organisation of identity stix: known, or made a remote one with the
 * name and country its identity object in the page gives (the id itself
 * and "ZZ" when the page has none). */
static int org_of(page_ctx *x, const char *stix, int64_t *id, int *kind)
{
	for (size_t i = 0; i < x->norgs; i++)
		if (!strcmp(x->orgs[i].stix, stix)) {
			*id = x->orgs[i].id;
			*kind = x->orgs[i].kind;
			return 0;
		}
	oe_store *s = x->c->store;
	int ret = s->ops->share->org_find(s, stix, id, kind);
	if (ret == OE_ENOTFOUND) {
		const char *name = stix, *country = "ZZ";
		for (size_t i = 0; i < x->p->nidentities; i++)
			if (!strcmp(x->p->identities[i].id, stix)) {
				name = x->p->identities[i].name;
				if (x->p->identities[i].country[0])
					country = x->p->identities[i].country;
			}
		*kind = OE_ORG_REMOTE;
		ret = s->ops->share->org_remote_create(s, stix, name, country, x->peer_id, x->now,
						       id);
		if (!ret)
			ret = s->ops->audit(s, x->now, x->c->actor, "org.learn", stix, name);
	}
	if (ret)
		return ret;
	if ((ret = grow(x->c->arena, (void **)&x->orgs, x->norgs, &x->caporgs, sizeof(*x->orgs))))
		return ret;
	x->orgs[x->norgs++] = (org_ref){.stix = stix, .id = *id, .kind = *kind};
	return 0;
}

/* Make group gid name exactly the organisations want[0..n): rewritten
 * only when it differs, since every change voids the node's cached key
 * checks. */
static int set_members(page_ctx *x, int64_t gid, const int64_t *want, size_t n)
{
	oe_store *s = x->c->store;
	oe_group_member *m;
	size_t nm;
	int ret = s->ops->share->members(s, gid, x->c->arena, &m, &nm);
	if (ret)
		return ret;
	if (oe_svc_group_same(m, nm, want, n))
		return 0;
	x->groups_changed = true;
	/* Only those who left are removed: each removal serves the member a
	 * revocation of the group's objects (store/migrations/0007). */
	for (size_t k = 0; !ret && k < nm; k++)
		if (m[k].peer_id || !oe_svc_id_in(want, n, m[k].org_id))
			ret = s->ops->share->member_remove(s, gid, m[k].peer_id ? 0 : m[k].org_id,
							   m[k].peer_id);
	for (size_t i = 0; !ret && i < n; i++)
		ret = s->ops->share->member_add(s, gid, want[i], 0);
	return ret;
}

/* The group an AMBER assertion of origin arrived under, as received: owned
 * by the origin, naming this node's operator (it was sent to us) and the
 * identities the sender lists. Its members are brought up to date at the
 * first object of the page that names it. */
static int group_of(page_ctx *x, int64_t origin, const oe_env_indicator *ind, int64_t *gid)
{
	const char *name = ind->group;
	for (size_t i = 0; i < x->ngroups; i++)
		if (x->groups[i].owner == origin && !strcmp(x->groups[i].name, name)) {
			*gid = x->groups[i].id;
			return 0;
		}
	oe_store *s = x->c->store;
	oe_group_row g;
	int ret = s->ops->share->group_get(s, 0, name, origin, x->c->arena, &g);
	if (!ret)
		*gid = g.id;
	else if (ret == OE_ENOTFOUND)
		ret = s->ops->share->group_create(s, name, origin, x->peer_id, x->now, gid);
	int64_t *want = oe_arena_alloc(x->c->arena, (ind->nmembers + 2) * sizeof(*want));
	size_t n = 0;
	if (!ret && !want)
		ret = OE_ENOMEM;
	if (!ret)
		want[n++] = OE_NODE_OPERATOR_ORG;
	/* The group names its owner too: what we add under it (a joint
	 * case's notes, docs/cases.md) goes back to the origin. */
	if (!ret && origin != OE_NODE_OPERATOR_ORG)
		want[n++] = origin;
	for (size_t i = 0; !ret && i < ind->nmembers; i++) {
		int64_t org;
		int kind;
		if (!(ret = org_of(x, ind->members[i], &org, &kind)) && !oe_svc_id_in(want, n, org))
			want[n++] = org;
	}
	if (!ret)
		ret = set_members(x, *gid, want, n);
	if (ret)
		return ret;
	if ((ret = grow(x->c->arena, (void **)&x->groups, x->ngroups, &x->capgroups,
			sizeof(*x->groups))))
		return ret;
	x->groups[x->ngroups++] = (group_ref){.owner = origin, .name = name, .id = *gid};
	return 0;
}

static int put(page_ctx *x, const oe_env_indicator *ind, oe_sync_counts *n)
{
	oe_store *s = x->c->store;
	int64_t origin;
	int kind;
	int ret = org_of(x, ind->created_by, &origin, &kind);
	if (ret)
		return ret;
	if (kind == OE_ORG_LOCAL) {
		/* Ours, sent back by a partner: only we make its versions. */
		n->own++;
		return 0;
	}
	int64_t gid = 0;
	if (ind->tlp >= OE_TLP_AMBER && (ret = group_of(x, origin, ind, &gid)))
		return ret;
	oe_ioc c = {
	    .type = ind->type,
	    .value = (char *)ind->value,
	    .tlp = ind->tlp,
	    .confidence =
		ind->confidence >= 0 ? ind->confidence : x->c->node->cfg.default_confidence,
	    .description = (char *)ind->description,
	    .tags = (char **)ind->labels,
	    .ntags = ind->nlabels,
	    .first_seen = ind->valid_from,
	    .valid_until = ind->valid_until,
	    .ext_id = (char *)ind->id,
	    .modified = ind->modified,
	    .revoked = ind->revoked,
	    .group_id = gid,
	    .via_peer = x->peer_id,
	};
	int64_t id;
	oe_upsert_outcome o;
	ret = s->ops->share->assertion_put(s, &c, origin,
					   ind->created ? ind->created : ind->modified, &id, &o);
	if (ret)
		return ret;
	if (o == OE_UPSERT_CREATED)
		n->created++;
	else if (o == OE_UPSERT_UPDATED)
		n->updated++;
	else
		n->unchanged++;
	return 0;
}

/* A tombstone (docs/sharing.md, "Revocations"): revoke what this node holds
 * of that id, found by its key in the TAXII log (every assertion received
 * is in a collection here). Only the peer it came from, or the origin's
 * own node, may take it back: a partner that lost the object itself (it
 * left a group we are still in) passes its tombstone on to us as well,
 * and that must not take from us what the origin still gives us. Our own
 * organisations' assertions are only ours to revoke. */
static int withdraw(page_ctx *x, const oe_peer_row *peer, const oe_env_indicator *ind,
		    oe_sync_counts *n)
{
	oe_store *s = x->c->store;
	oe_uuid u;
	if (oe_uuid_parse(ind->id + strlen("indicator--"), &u))
		return 0;
	int64_t key = oe_stix_uuid_key(&u);
	oe_taxii_row *rows;
	size_t nr;
	int ret = s->ops->taxii->objects(s, NULL, &key, 1, x->c->arena, &rows, &nr);
	for (size_t i = 0; !ret && i < nr; i++) {
		oe_taxii_row *r = &rows[i];
		char sid[64];
		if (!r->present)
			continue;
		oe_stix_assertion_id(r->v.org_stix_id, r->v.type, r->v.value, sid);
		if (strcmp(sid, ind->id) != 0)
			continue;
		int64_t org;
		int kind;
		if ((ret = org_of(x, r->v.org_stix_id, &org, &kind)))
			return ret;
		if (kind == OE_ORG_LOCAL)
			n->own++;
		else if ((r->via_peer != x->peer_id && r->org_id != peer->org_id) ||
			 r->v.modified > ind->modified ||
			 (r->v.modified == ind->modified && r->v.revoked))
			n->unchanged++;
		else {
			oe_indicator_patch p = {.tlp = -1, .confidence = -1, .revoked = 1};
			ret = s->ops->indicator_patch(s, r->indicator_id, r->org_id, &p,
						      ind->modified);
			n->updated += !ret;
			n->withdrawn += !ret;
		}
		return ret; /* one assertion has that id */
	}
	if (!ret)
		n->unchanged++; /* never held here */
	return ret;
}

/* A sighting of an indicator held here (found by its id, as a tombstone
 * is), stored once under its STIX id. One of ours sent back is not taken;
 * one of a value this node does not hold (or no longer shares) is left. */
static int sighted(page_ctx *x, const oe_env_sighting *sg, oe_sync_counts *n)
{
	oe_store *s = x->c->store;
	oe_uuid u;
	if (oe_uuid_parse(sg->of + strlen("indicator--"), &u))
		return 0;
	int64_t key = oe_stix_uuid_key(&u), indicator = 0;
	oe_taxii_row *rows;
	size_t nr;
	int ret = s->ops->taxii->objects(s, NULL, &key, 1, x->c->arena, &rows, &nr);
	for (size_t i = 0; !ret && i < nr && !indicator; i++) {
		char sid[64];
		if (!rows[i].present)
			continue;
		oe_stix_assertion_id(rows[i].v.org_stix_id, rows[i].v.type, rows[i].v.value, sid);
		if (!strcmp(sid, sg->of))
			indicator = rows[i].indicator_id;
	}
	if (ret)
		return ret;
	if (!indicator) {
		n->unchanged++;
		return 0;
	}
	int64_t org;
	int kind;
	if ((ret = org_of(x, sg->created_by, &org, &kind)))
		return ret;
	if (kind == OE_ORG_LOCAL) {
		n->own++;
		return 0;
	}
	bool stored = false;
	ret = s->ops->sighting_put(s, sg->id, indicator, org, sg->tlp, sg->count, sg->first_seen,
				   sg->last_seen, sg->created, x->peer_id, &stored);
	if (stored)
		n->sightings++;
	else
		n->unchanged++;
	return ret;
}

/* Move the cursor, never back: two pulls of one peer at once (the server's
 * and `oureyes sync`) store the same pages twice, harmlessly, and the
 * cursor ends at the later one. */
static int cursor_forward(oe_ctx *c, int64_t peer_id, const char *collection, const char *cursor)
{
	oe_store *s = c->store;
	char *old = NULL;
	oe_time a, b;
	int ret = s->ops->share->cursor_get(s, peer_id, collection, c->arena, &old);
	if (ret && ret != OE_ENOTFOUND)
		return ret;
	if (old && !oe_time_parse(old, &a) && !oe_time_parse(cursor, &b) && b <= a)
		return 0;
	return s->ops->share->cursor_set(s, peer_id, collection, cursor);
}

int oe_svc_sync_page(oe_ctx *c, int64_t peer_id, const char *collection, const oe_env_page *p,
		     const char *cursor, oe_sync_counts *n)
{
	oe_store *s = c->store;
	int ret = may_sync(c);
	if (ret)
		return ret;
	if (!p->nobjects && !cursor)
		return 0; /* nothing new: no write */
	page_ctx x = {.c = c, .peer_id = peer_id, .now = oe_now(), .p = p};
	oe_sync_counts got = {.refused = p->nrefused};
	if ((ret = s->ops->begin(s)))
		return ret;
	oe_peer_row peer;
	ret = s->ops->share->peer_get(s, peer_id, NULL, c->arena, &peer);
	/* The identities first: an organisation named by an identity object
	 * gets its name, not its id, even when its assertions come first. */
	for (size_t i = 0; !ret && i < p->nidentities; i++) {
		int64_t id;
		int kind;
		ret = org_of(&x, p->identities[i].id, &id, &kind);
	}
	for (size_t i = 0; !ret && i < p->nindicators; i++) {
		const oe_env_indicator *ind = &p->indicators[i];
		if (ind->tombstone) {
			ret = withdraw(&x, &peer, ind, &got);
			continue;
		}
		if (ind->tlp >= OE_TLP_AMBER && !ind->group) {
			/* No one but its owner may see AMBER without a group; a
			 * partner that sends it is broken. */
			got.refused++;
			continue;
		}
		ret = put(&x, ind, &got);
	}
	for (size_t i = 0; !ret && i < p->nsightings; i++)
		ret = sighted(&x, &p->sightings[i], &got);
	if (!ret && (p->ngroupings || p->nnotes))
		ret = oe_svc_case_sync_page(c, peer_id, p, &got, &x.groups_changed);
	if (!ret && cursor)
		ret = cursor_forward(c, peer_id, collection, cursor);
	if (!ret && (got.created || got.updated || got.refused || got.sightings)) {
		char detail[220];
		snprintf(detail, sizeof(detail),
			 "collection=%.60s created=%zu updated=%zu unchanged=%zu refused=%zu "
			 "withdrawn=%zu sightings=%zu",
			 collection, got.created, got.updated, got.unchanged, got.refused,
			 got.withdrawn, got.sightings);
		ret = s->ops->audit(s, x.now, c->actor, "sync.page", peer.name, detail);
	}
	if ((ret = tx_end(s, ret)))
		return ret;
	if (x.groups_changed)
		oe_node_auth_changed(c->node);
	n->created += got.created;
	n->updated += got.updated;
	n->unchanged += got.unchanged;
	n->own += got.own;
	n->refused += got.refused;
	n->withdrawn += got.withdrawn;
	n->sightings += got.sightings;
	return 0;
}

oe_time oe_svc_sync_next(const oe_config *cfg, int64_t interval, int64_t errors, bool failed,
			 double jitter, oe_time now)
{
	if (interval <= 0)
		interval = cfg->sync_interval;
	if (!failed)
		return now + interval * 1000000;
	/* interval * 2^errors, capped: the exponent is bounded before the
	 * shift so that the product cannot overflow. */
	double wait = (double)cfg->sync_backoff_max;
	if (errors < 40) {
		double w = (double)interval * ldexp(1.0, (int)(errors < 1 ? 1 : errors));
		if (w < wait)
			wait = w;
	}
	if (jitter < 0)
		jitter = 0;
	if (jitter > 1)
		jitter = 1;
	wait *= 0.5 + jitter;
	if (wait < 1)
		wait = 1;
	return now + (oe_time)(wait * 1e6);
}

int oe_svc_sync_status(oe_ctx *c, int64_t peer_id, oe_time attempt, const char *error,
		       int64_t objects, oe_time *next)
{
	oe_store *s = c->store;
	int ret = may_sync(c);
	if (ret)
		return ret;
	char msg[OE_SYNC_ERROR_MAX + 1];
	if (error) {
		/* What a partner said may be anything: keep it printable ASCII
		 * and short, for the API, /metrics and the logs. */
		size_t k = 0;
		for (const char *e = error; *e && k < OE_SYNC_ERROR_MAX; e++)
			msg[k++] = *e >= 0x20 && *e < 0x7f ? *e : '?';
		msg[k] = '\0';
	}
	if ((ret = s->ops->begin(s)))
		return ret;
	oe_peer_row p;
	ret = s->ops->share->peer_get(s, peer_id, NULL, c->arena, &p);
	if (!ret) {
		*next = oe_svc_sync_next(&c->node->cfg, p.interval, p.errors + 1, error != NULL,
					 randombytes_uniform(1000001) / 1e6, oe_now());
		ret = s->ops->share->peer_status(s, peer_id, attempt, error ? msg : NULL, *next,
						 objects);
	}
	return tx_end(s, ret);
}

/* --- push ------------------------------------------------------------------ */

/* The viewer a partner's key is at this node: its operator organisation,
 * role peer, and the groups naming it or its node. */
static int peer_viewer(oe_ctx *c, const oe_peer_row *p, oe_viewer *v)
{
	memset(v, 0, sizeof(*v));
	v->org_id = p->org_id;
	v->role = OE_ROLE_PEER;
	size_t ng = 0, np = 0;
	int ret = c->store->ops->share->viewer_groups(c->store, p->org_id, true, v->groups,
						      OE_VIEWER_GROUPS_MAX, &ng, v->peer_groups,
						      OE_VIEWER_GROUPS_MAX, &np);
	v->ngroups = (uint8_t)ng;
	v->npeer_groups = (uint8_t)np;
	return ret;
}

/* The operator's own assertion of a row, or false when it has none. */
static bool operator_assertion(const oe_indicator_row *r, oe_assertion *a)
{
	if (r->org_id == OE_NODE_OPERATOR_ORG) {
		const oe_indicator_view *v = &r->v;
		*a = (oe_assertion){.org_id = r->org_id,
				    .tlp = v->tlp,
				    .confidence = v->confidence,
				    .description = v->description,
				    .first_seen = v->first_seen,
				    .last_seen = v->last_seen,
				    .valid_until = v->valid_until,
				    .revoked = v->revoked,
				    .created = v->created,
				    .modified = v->modified,
				    .tags = v->tags,
				    .ntags = v->ntags,
				    .group_id = r->group_id};
		return true;
	}
	for (size_t i = 0; i < r->nothers; i++)
		if (r->others[i].org_id == OE_NODE_OPERATOR_ORG) {
			*a = r->others[i];
			return true;
		}
	return false;
}

/* The STIX indicator of the operator's assertion a of row r. */
static json_t *push_indicator(oe_ctx *c, const oe_indicator_row *r, const oe_assertion *a,
			      const char *op_stix)
{
	oe_indicator_view v = {.type = r->v.type,
			       .value = r->v.value,
			       .tlp = a->tlp,
			       .confidence = a->confidence,
			       .description = a->description,
			       .tags = a->tags,
			       .ntags = a->ntags,
			       .created = a->created,
			       .modified = a->modified,
			       .first_seen = a->first_seen,
			       .valid_until = a->valid_until,
			       .org_stix_id = op_stix};
	oe_stix_assertion_id(op_stix, v.type, v.value, v.stix_id);
	const char *group = NULL, **members = NULL;
	size_t nm = 0;
	oe_group_row g;
	oe_group_member *m;
	if (a->group_id && (a->tlp == OE_TLP_AMBER || a->tlp == OE_TLP_AMBER_STRICT) &&
	    !c->store->ops->share->group_get(c->store, a->group_id, NULL, 0, c->arena, &g) &&
	    !c->store->ops->share->members(c->store, a->group_id, c->arena, &m, &nm)) {
		members = oe_arena_alloc(c->arena, (nm ? nm : 1) * sizeof(*members));
		size_t k = 0;
		for (size_t i = 0; members && i < nm; i++)
			if (m[i].stix_id)
				members[k++] = m[i].stix_id;
		nm = k;
		group = g.name;
	}
	return oe_stix_assertion_json(&v, group, members, nm);
}

static json_t *stix_time(oe_time t)
{
	char b[OE_TIME_BUF];
	oe_time_format(t, b);
	return json_string(b);
}

int oe_svc_sync_push_envelope(oe_ctx *c, int64_t peer_id, const char *event_uuid, int max_tlp,
			      json_t **env, oe_sync_push_counts *n, const char **why)
{
	oe_store *s = c->store;
	*env = NULL;
	*why = NULL;
	memset(n, 0, sizeof(*n));
	if (c->viewer.org_id != OE_NODE_OPERATOR_ORG ||
	    (c->viewer.role != OE_ROLE_ANALYST && c->viewer.role != OE_ROLE_ADMIN))
		return OE_EPERM;
	oe_peer_row p;
	oe_org op;
	oe_event_detail d;
	oe_viewer pv;
	int ret = s->ops->share->peer_get(s, peer_id, NULL, c->arena, &p);
	if (!ret)
		ret = s->ops->org_get(s, OE_NODE_OPERATOR_ORG, NULL, c->arena, &op);
	if (!ret)
		ret = oe_svc_event_get(c, event_uuid, 0, &d);
	if (!ret)
		ret = peer_viewer(c, &p, &pv);
	if (ret)
		return ret;
	/* A pushed event becomes the operator's at the partner: only the
	 * operator's own, and only when the partner may see it at all. */
	if (d.ev.org_id != OE_NODE_OPERATOR_ORG) {
		*why = "only events of this node's own organisation are pushed";
		return OE_EPERM;
	}
	if (!oe_may_see(&pv, (oe_tlp)d.ev.tlp, d.ev.org_id)) {
		*why = "the partner may not receive this event under its TLP";
		return OE_EPERM;
	}
	json_t *objs = json_array(), *refs = json_array();
	if (!objs || !refs)
		ret = OE_ENOMEM;
	oe_time now = oe_now();
	for (size_t i = 0; !ret && i < d.n; i++) {
		oe_indicator_row *r = &d.indicators[i];
		oe_assertion a;
		if (!operator_assertion(r, &a) || a.revoked || a.tlp > max_tlp ||
		    (a.valid_until && a.valid_until <= now) ||
		    !oe_may_see_in(&pv, (oe_tlp)a.tlp, OE_NODE_OPERATOR_ORG, a.group_id)) {
			n->withheld++;
			continue;
		}
		json_t *o = push_indicator(c, r, &a, op.stix_id);
		if (!o) {
			n->withheld++;
			continue;
		}
		if (json_array_append(refs, json_object_get(o, "id")) ||
		    json_array_append_new(objs, o))
			ret = OE_ENOMEM;
		else
			n->sent++;
	}
	n->withheld += d.ev.nindicators > d.n ? d.ev.nindicators - d.n : 0;
	if (!ret) {
		/* The event as a STIX report naming what goes with it. */
		json_t *rep = json_pack("{s:s,s:s,s:s+,s:o,s:o,s:o,s:s,s:s,s:[s],s:O,s:[s]}",
					"type", "report", "spec_version", "2.1", "id", "report--",
					d.ev.uuid, "created", stix_time(d.ev.created), "modified",
					stix_time(d.ev.modified ? d.ev.modified : d.ev.created),
					"published", stix_time(d.ev.created), "name", d.ev.title,
					"created_by_ref", op.stix_id, "object_marking_refs",
					oe_tlp_marking_id((oe_tlp)d.ev.tlp), "object_refs", refs,
					"report_types", "threat-report");
		json_t *labels = d.ev.ntags ? json_array() : NULL;
		for (size_t i = 0; labels && i < d.ev.ntags; i++)
			json_array_append_new(labels, json_string(d.ev.tags[i]));
		if (!rep) {
			json_decref(labels);
			ret = OE_ENOMEM;
		} else if ((labels && json_object_set_new(rep, "labels", labels)) ||
			   json_array_insert_new(objs, 0, rep)) {
			ret = OE_ENOMEM;
		}
	}
	json_decref(refs);
	if (!ret && !(*env = json_pack("{s:o}", "objects", objs)))
		ret = OE_ENOMEM;
	else if (ret)
		json_decref(objs);
	if (ret)
		return ret;
	/* What leaves the node is written down before it goes. */
	char detail[200];
	snprintf(detail, sizeof(detail), "peer=%.100s sent=%zu withheld=%zu", p.name, n->sent,
		 n->withheld);
	if (!(ret = s->ops->begin(s)))
		ret = tx_end(s, s->ops->audit(s, now, c->actor, "peer.push", d.ev.uuid, detail));
	if (ret) {
		json_decref(*env);
		*env = NULL;
	}
	return ret;
}
