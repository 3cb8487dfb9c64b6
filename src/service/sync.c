/* sync.c - storing what a partner node sends (see sync.h). A page is one
 * transaction with its cursor; the identities a page names become
 * organisations once, and each received sharing group is rewritten once
 * per page, whatever the number of its objects. */
#include "sync.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define DIRECT_GROUP "(direct)"

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
	if ((ret = s->ops->begin(s)))
		return ret;
	oe_peer_row p;
	if ((ret = s->ops->share->peer_get(s, peer_id, NULL, c->arena, &p)))
		return tx_end(s, ret);
	if (p.identity && !strcmp(p.identity, node->id))
		return tx_end(s, 0); /* known: the usual case */
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
	return tx_end(s, ret);
}

int oe_svc_sync_cursor(oe_ctx *c, int64_t peer_id, const char *collection, char **added_after)
{
	*added_after = NULL;
	int ret = may_sync(c);
	if (ret)
		return ret;
	ret = c->store->ops->share->cursor_get(c->store, peer_id, collection, c->arena,
					       added_after);
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

/* The group an AMBER assertion of origin arrived under, as received: owned
 * by the origin, naming this node's operator (it was sent to us) and the
 * identities the sender lists. Its members are rewritten at the first
 * object of the page that names it. */
static int group_of(page_ctx *x, int64_t origin, const oe_env_indicator *ind, int64_t *gid)
{
	const char *name = ind->group ? ind->group : DIRECT_GROUP;
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
	if (!ret)
		ret = s->ops->share->member_clear(s, *gid);
	if (!ret)
		ret = s->ops->share->member_add(s, *gid, OE_NODE_OPERATOR_ORG, 0);
	for (size_t i = 0; !ret && i < ind->nmembers; i++) {
		int64_t org;
		int kind;
		if (!(ret = org_of(x, ind->members[i], &org, &kind)))
			ret = s->ops->share->member_add(s, *gid, org, 0);
	}
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
	ret = s->ops->share->assertion_put(s, &c, origin, ind->created ? ind->created : ind->modified,
					   &id, &o);
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
		if (ind->tlp >= OE_TLP_AMBER && !ind->group) {
			/* No one but its owner may see AMBER without a group; a
			 * partner that sends it is broken. */
			got.refused++;
			continue;
		}
		ret = put(&x, ind, &got);
	}
	if (!ret && cursor)
		ret = cursor_forward(c, peer_id, collection, cursor);
	if (!ret && (got.created || got.updated || got.refused)) {
		char detail[200];
		snprintf(detail, sizeof(detail),
			 "collection=%.60s created=%zu updated=%zu unchanged=%zu refused=%zu",
			 collection, got.created, got.updated, got.unchanged, got.refused);
		ret = s->ops->audit(s, x.now, c->actor, "sync.page", peer.name, detail);
	}
	if ((ret = tx_end(s, ret)))
		return ret;
	n->created += got.created;
	n->updated += got.updated;
	n->unchanged += got.unchanged;
	n->own += got.own;
	n->refused += got.refused;
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
