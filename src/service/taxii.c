/* taxii.c - the TAXII 2.1 server's use cases (see taxii.h).
 *
 * Reading a collection walks its log from a cursor (the date_added of the
 * last row read) in the order rows were added, a batch at a time, and
 * keeps each row the caller may see and the query asks for, until the page
 * is full. The cursor of the next page is that row's date_added, sealed
 * with the collection it belongs to; X-TAXII-Date-Added-Last works as
 * added_after just as well, since rows skipped between two pages are ones
 * the caller may not see. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cases.h"
#include "core/stix.h"
#include "core/stix_obj.h"
#include "core/uuid.h"
#include "taxii.h"

/* Statuses of POSTs are kept a week. */
#define STATUS_KEEP ((oe_time)7 * 86400 * 1000000)
/* Peers (partner nodes) one organisation may stand behind. */
#define PEERS_MAX 16

static bool can_write(const oe_viewer *v)
{
	return v->role == OE_ROLE_ANALYST || v->role == OE_ROLE_ADMIN || v->role == OE_ROLE_PEER;
}

/* ---- collections -------------------------------------------------------- */

/* A collection's id: a v4-shaped uuid hashed from the node and the scope,
 * so it stays the same across restarts and differs between nodes. */
static void collection_id(const oe_node *n, const char *scope, char out[40])
{
	static const char label[] = "oureyes taxii collection";
	oe_uuid u;
	crypto_generichash_state g;
	crypto_generichash_init(&g, NULL, 0, sizeof(u.b));
	crypto_generichash_update(&g, (const uint8_t *)label, sizeof(label));
	crypto_generichash_update(&g, (const uint8_t *)n->node_id, strlen(n->node_id) + 1);
	crypto_generichash_update(&g, (const uint8_t *)scope, strlen(scope));
	crypto_generichash_final(&g, u.b, sizeof(u.b));
	u.b[6] = (u.b[6] & 0x0f) | 0x40;
	u.b[8] = (u.b[8] & 0x3f) | 0x80;
	oe_uuid_format(&u, out);
}

static int add_group(oe_ctx *c, int64_t gid, oe_taxii_collection *col)
{
	oe_group_row g;
	int ret = c->store->ops->share->group_get(c->store, gid, NULL, 0, c->arena, &g);
	if (ret)
		return ret;
	memset(col, 0, sizeof(*col));
	snprintf(col->scope, sizeof(col->scope), "group:%lld", (long long)gid);
	collection_id(c->node, col->scope, col->id);
	col->group_id = gid;
	col->title = oe_arena_printf(c->arena, "group-%s", g.name);
	col->description = oe_arena_printf(
	    c->arena,
	    "AMBER and AMBER+STRICT indicators shared in sharing group %s of %s, as this caller "
	    "may receive them",
	    g.name, g.owner_name);
	col->can_read = true;
	col->can_write = can_write(&c->viewer);
	return col->title && col->description ? 0 : OE_ENOMEM;
}

int oe_svc_taxii_collections(oe_ctx *c, oe_taxii_collection **out, size_t *n)
{
	const oe_viewer *v = &c->viewer;
	*out = NULL;
	*n = 0;
	if (v->role == OE_ROLE_PUBLIC || v->org_id <= 0)
		return OE_EPERM;
	/* The groups of the organisation and, for a peer key, of its node:
	 * two ascending lists, merged. */
	size_t ng = v->ngroups < OE_VIEWER_GROUPS_MAX ? v->ngroups : OE_VIEWER_GROUPS_MAX;
	size_t np = v->npeer_groups < OE_VIEWER_GROUPS_MAX ? v->npeer_groups : OE_VIEWER_GROUPS_MAX;
	oe_taxii_collection *cols = oe_arena_alloc(c->arena, (1 + ng + np) * sizeof(*cols));
	if (!cols)
		return OE_ENOMEM;
	oe_taxii_collection *k = &cols[0];
	memset(k, 0, sizeof(*k));
	snprintf(k->scope, sizeof(k->scope), "community");
	collection_id(c->node, k->scope, k->id);
	k->title = "community";
	k->alias = "community";
	k->description = oe_arena_printf(c->arena,
					 "CLEAR and GREEN indicators of %s for every member "
					 "organisation and partner node",
					 c->node->node_name);
	k->can_read = true;
	k->can_write = can_write(v);
	if (!k->description)
		return OE_ENOMEM;
	size_t cnt = 1, i = 0, j = 0;
	int64_t last = 0;
	while (i < ng || j < np) {
		int64_t gid;
		if (j >= np || (i < ng && v->groups[i] <= v->peer_groups[j]))
			gid = v->groups[i++];
		else
			gid = v->peer_groups[j++];
		if (gid == last)
			continue;
		last = gid;
		int ret = add_group(c, gid, &cols[cnt]);
		if (ret == OE_ENOTFOUND)
			continue;
		if (ret)
			return ret;
		cnt++;
	}
	*out = cols;
	*n = cnt;
	return 0;
}

int oe_svc_taxii_collection(oe_ctx *c, const char *id, oe_taxii_collection *out)
{
	oe_taxii_collection *cols;
	size_t n;
	int ret = oe_svc_taxii_collections(c, &cols, &n);
	if (ret)
		return ret == OE_EPERM ? OE_ENOTFOUND : ret;
	for (size_t i = 0; i < n; i++)
		if (strcmp(cols[i].id, id) == 0 ||
		    (cols[i].alias && strcmp(cols[i].alias, id) == 0)) {
			*out = cols[i];
			return 0;
		}
	return OE_ENOTFOUND;
}

/* ---- reading ---------------------------------------------------------- */

/* The cursor of the next page: the date_added of the last row read and a
 * tag of the collection, sealed (oe_svc_cursor_seal). */
static uint64_t scope_tag(const char *scope)
{
	uint8_t h[8];
	crypto_generichash(h, sizeof(h), (const uint8_t *)scope, strlen(scope), NULL, 0);
	uint64_t t = 0;
	for (int i = 0; i < 8; i++)
		t = t << 8 | h[i];
	return t;
}

static void next_seal(const oe_node *n, const char *scope, oe_time at, char out[OE_CURSOR_LEN + 1])
{
	oe_uuid u;
	uint64_t t = scope_tag(scope), a = (uint64_t)at;
	for (int i = 0; i < 8; i++) {
		u.b[i] = (uint8_t)(a >> (56 - 8 * i));
		u.b[8 + i] = (uint8_t)(t >> (56 - 8 * i));
	}
	oe_svc_cursor_seal(n, &u, out);
}

static int next_open(const oe_node *n, const char *scope, const char *tok, oe_time *at)
{
	oe_uuid u;
	if (oe_svc_cursor_open(n, tok, &u))
		return OE_EINVAL;
	uint64_t a = 0, t = 0;
	for (int i = 0; i < 8; i++) {
		a = a << 8 | u.b[i];
		t = t << 8 | u.b[8 + i];
	}
	if (t != scope_tag(scope))
		return OE_EINVAL;
	*at = (oe_time)a;
	return 0;
}

/* One request's walk over a collection. */
typedef struct {
	oe_ctx *c;
	const oe_taxii_collection *col;
	const oe_taxii_query *q;
	oe_taxii_what what;
	int64_t peers[PEERS_MAX]; /* a peer key's partner nodes: never sent back their own */
	size_t npeers;
	/* The collection's group, for x_oureyes_sharing (loaded once). */
	bool group_loaded;
	const char *group_name;
	const char **members;
	size_t nmembers;
	/* The answer so far. */
	json_t *items; /* objects, manifest records, or versions */
	size_t nitems, limit;
	int64_t *orgs; /* organisations whose identity the page holds */
	size_t norgs, caporgs;
	oe_time first, last;
} walk;

static int load_group(walk *w)
{
	w->group_loaded = true;
	if (!w->col->group_id)
		return 0;
	oe_store *s = w->c->store;
	oe_group_row g;
	oe_group_member *m;
	size_t n;
	int ret = s->ops->share->group_get(s, w->col->group_id, NULL, 0, w->c->arena, &g);
	if (!ret)
		ret = s->ops->share->members(s, w->col->group_id, w->c->arena, &m, &n);
	if (ret)
		return ret;
	w->members = oe_arena_alloc(w->c->arena, (n ? n : 1) * sizeof(*w->members));
	if (!w->members)
		return OE_ENOMEM;
	for (size_t i = 0; i < n; i++) {
		bool dup = !m[i].stix_id;
		for (size_t k = 0; k < w->nmembers && !dup; k++)
			dup = strcmp(w->members[k], m[i].stix_id) == 0;
		if (!dup)
			w->members[w->nmembers++] = m[i].stix_id;
	}
	w->group_name = g.name;
	return 0;
}

/* The scope an assertion of this marking and group is in, as the log's
 * triggers compute it. */
static bool in_scope(const oe_taxii_collection *col, int tlp, int64_t group_id)
{
	if (tlp <= OE_TLP_GREEN)
		return strcmp(col->scope, "community") == 0;
	if ((tlp == OE_TLP_AMBER || tlp == OE_TLP_AMBER_STRICT) && group_id)
		return col->group_id == group_id;
	return false;
}

/* What the caller gets of a row of the collection. */
enum {
	ROW_NONE,
	ROW_OBJECT,
	ROW_TOMBSTONE,
	ROW_THEIRS /* the caller's own (or from its node): only others' sightings of it */
};

/* May the caller see the assertion of r as it is now, in the collection
 * it is in now (whichever that is)? */
static bool visible_now(const walk *w, const oe_taxii_row *r)
{
	const oe_indicator_view *v = &r->v;
	bool in_some = v->tlp <= OE_TLP_GREEN ||
		       ((v->tlp == OE_TLP_AMBER || v->tlp == OE_TLP_AMBER_STRICT) && r->group_id);
	return in_some && oe_may_see_in(&w->c->viewer, (oe_tlp)v->tlp, r->org_id, r->group_id);
}

/* Is the caller the one a row with this audience is for? */
static bool is_audience(const walk *w, int64_t audience)
{
	if (audience > 0)
		return audience == w->c->viewer.org_id;
	for (size_t i = 0; i < w->npeers; i++)
		if (-audience == w->peers[i])
			return true;
	return false;
}

/* The object of a row, its tombstone, or nothing (docs/sharing.md,
 * "Revocations"). A live row gives the object to whoever may see it, or
 * its tombstone when it is revoked. A deleted row gives a tombstone to
 * each caller that could see the object under the marking it had in this
 * collection (or, for a member that left a group, to that member alone)
 * and cannot see it now; one that can gets its new version where it is
 * now. Never anything to the peer the object came from. */
static int row_kind(const walk *w, const oe_taxii_row *r)
{
	if (!r->present)
		return ROW_NONE; /* its id can no longer be told */
	/* A partner's own objects are never served back to it, whoever
	 * passed them on to us; what others saw of them is. */
	bool theirs = w->c->viewer.role == OE_ROLE_PEER && r->org_id == w->c->viewer.org_id;
	for (size_t i = 0; i < w->npeers && !theirs; i++)
		theirs = r->via_peer == w->peers[i];
	if (theirs)
		return !r->deleted && !r->v.revoked && in_scope(w->col, r->v.tlp, r->group_id)
			   ? ROW_THEIRS
			   : ROW_NONE;
	if (!r->deleted) {
		if (!in_scope(w->col, r->v.tlp, r->group_id) ||
		    !oe_may_see_in(&w->c->viewer, (oe_tlp)r->v.tlp, r->org_id, r->group_id))
			return ROW_NONE;
		return r->v.revoked ? ROW_TOMBSTONE : ROW_OBJECT;
	}
	if (r->audience) {
		/* A peer named in the group only as a node never saw its
		 * AMBER+STRICT: it is not told even the id. */
		if (!is_audience(w, r->audience) ||
		    (r->audience < 0 && r->v.tlp == OE_TLP_AMBER_STRICT))
			return ROW_NONE;
	} else {
		/* Unknown (written before 0007): the narrowest marking here. */
		int t = r->prior_tlp >= 0		     ? r->prior_tlp
			: strcmp(w->col->scope, "community") ? OE_TLP_AMBER_STRICT
							     : OE_TLP_GREEN;
		if (!oe_may_see_in(&w->c->viewer, (oe_tlp)t, r->org_id, w->col->group_id))
			return ROW_NONE;
	}
	return !r->v.revoked && visible_now(w, r) ? ROW_NONE : ROW_TOMBSTONE;
}

static bool row_visible(const walk *w, const oe_taxii_row *r)
{
	int k = row_kind(w, r);
	return k == ROW_OBJECT || k == ROW_TOMBSTONE;
}

static oe_time json_time(const json_t *o, const char *key)
{
	oe_time t = 0;
	const char *s = json_string_value(json_object_get(o, key));
	return s && oe_time_parse(s, &t) == 0 ? t : 0;
}

static json_t *jtime_us(oe_time t)
{
	char b[OE_TIME_BUF];
	oe_time_format_us(t, b);
	return json_string(b);
}

/* The indicator of a row (NULL when it cannot be written as STIX). */
static json_t *row_indicator(walk *w, oe_taxii_row *r)
{
	oe_stix_assertion_id(r->v.org_stix_id, r->v.type, r->v.value, r->v.stix_id);
	bool grouped = r->v.tlp == OE_TLP_AMBER || r->v.tlp == OE_TLP_AMBER_STRICT;
	if (grouped && !w->group_loaded && load_group(w))
		return NULL;
	return oe_stix_assertion_json(&r->v, grouped ? w->group_name : NULL, w->members,
				      w->nmembers);
}

static bool org_listed(const walk *w, int64_t org)
{
	for (size_t i = 0; i < w->norgs; i++)
		if (w->orgs[i] == org)
			return true;
	return false;
}

/* Remember that the page holds org's identity. */
static int note_org(walk *w, int64_t org)
{
	if (w->norgs == w->caporgs) {
		size_t nc = w->caporgs ? w->caporgs * 2 : 16;
		int64_t *o = oe_arena_alloc(w->c->arena, nc * sizeof(*o));
		if (!o)
			return OE_ENOMEM;
		if (w->norgs)
			memcpy(o, w->orgs, w->norgs * sizeof(*o));
		w->orgs = o;
		w->caporgs = nc;
	}
	w->orgs[w->norgs++] = org;
	return 0;
}

/* A sighting's STIX id: the one it arrived with, else derived from this
 * node and its row, the same at every answer. */
static void sighting_id(const walk *w, const oe_sighting_row *s, char out[64])
{
	if (s->stix_id) {
		snprintf(out, 64, "%s", s->stix_id);
		return;
	}
	char name[96];
	int n =
	    snprintf(name, sizeof(name), "%s|sighting|%lld", w->c->node->node_id, (long long)s->id);
	oe_uuid u;
	oe_uuid_v5(&oe_uuid_ns_indicator, name, (size_t)n, &u);
	memcpy(out, "sighting--", 10);
	oe_uuid_format(&u, out + 10);
}

/* The CLEAR and GREEN sightings of r's value the caller may have, as STIX
 * sightings of r's indicator, each after the identity of its organisation
 * when the page has none yet: at most OE_TAXII_SIGHTINGS_MAX, the newest.
 * Never the caller's own, nor those that came from its node. */
static int row_sightings(walk *w, oe_taxii_row *r, json_t **out,
			 int64_t listed[OE_TAXII_SIGHTINGS_MAX], size_t *nlisted_out)
{
	oe_sighting_row *sv;
	size_t n;
	*out = NULL;
	*nlisted_out = 0;
	int ret =
	    w->c->store->ops->sightings_of(w->c->store, r->indicator_id, w->c->arena, &sv, &n);
	if (ret || !n)
		return ret;
	json_t *arr = json_array();
	if (!arr)
		return OE_ENOMEM;
	size_t nlisted = 0, taken = 0;
	for (size_t i = 0; !ret && i < n && taken < OE_TAXII_SIGHTINGS_MAX; i++) {
		const oe_sighting_row *s = &sv[i];
		bool skip = s->tlp > OE_TLP_GREEN ||
			    (w->c->viewer.role == OE_ROLE_PEER && s->org_id == w->c->viewer.org_id);
		for (size_t k = 0; !skip && k < w->npeers; k++)
			skip = s->via_peer == w->peers[k];
		if (skip)
			continue;
		bool have = org_listed(w, s->org_id);
		for (size_t k = 0; !have && k < nlisted; k++)
			have = listed[k] == s->org_id;
		if (!have && (w->q->types & OE_TAXII_T_IDENTITY)) {
			json_t *id = oe_stix_org_json(s->org_stix_id, s->org_name, s->org_country,
						      s->org_created);
			if (!id || json_array_append_new(arr, id))
				ret = OE_ENOMEM;
			listed[nlisted++] = s->org_id;
		}
		char sid[64], t[OE_TIME_BUF], f[OE_TIME_BUF], l[OE_TIME_BUF];
		sighting_id(w, s, sid);
		oe_time_format(s->created - s->created % 1000, t);
		oe_time_format(s->first_seen, f);
		oe_time_format(s->last_seen, l);
		json_t *o =
		    json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:I,s:s,s:s,s:s,s:[s]}", "type", "sighting",
			      "spec_version", "2.1", "id", sid, "created", t, "modified", t,
			      "sighting_of_ref", r->v.stix_id, "count", (json_int_t)s->count,
			      "first_seen", f, "last_seen", l, "created_by_ref", s->org_stix_id,
			      "object_marking_refs", oe_tlp_marking_id((oe_tlp)s->tlp));
		if (!ret && (!o || json_array_append_new(arr, o)))
			ret = OE_ENOMEM;
		taken++;
	}
	if (ret) {
		json_decref(arr);
		return ret;
	}
	*out = arr;
	*nlisted_out = nlisted;
	return 0;
}

/* Append one entry (an object, or its manifest record) added at date. */
static int emit(walk *w, json_t *obj, const char *id, oe_time version, oe_time date)
{
	json_t *item = obj;
	if (w->what == OE_TAXII_MANIFEST) {
		item = json_pack("{s:s,s:o,s:o,s:s}", "id", id, "date_added", jtime_us(date),
				 "version", jtime_us(version), "media_type", OE_STIX_MEDIA);
		json_decref(obj);
	} else if (w->what == OE_TAXII_VERSIONS) {
		item = jtime_us(version);
		json_decref(obj);
	}
	if (!item || json_array_append_new(w->items, item))
		return OE_ENOMEM;
	if (!w->nitems++)
		w->first = date;
	w->last = date;
	return 0;
}

/* Append an object (obj, may be NULL) and the identity of its
 * organisation (ident, may be NULL) added at date: 1 when taken, 0 when
 * the page is full before them, or a negative error. Takes both
 * references. */
static int put_pair(walk *w, oe_time date, json_t *obj, const char *id, oe_time ov, json_t *ident,
		    const char *ident_id, oe_time dv, int64_t org_id)
{
	size_t need = (obj != NULL) + (ident != NULL);
	if (need && w->nitems + need > w->limit) {
		if (w->nitems || !obj) {
			json_decref(obj);
			json_decref(ident);
			return 0;
		}
		/* A limit of one: the object goes alone, its identity is left
		 * out rather than the walk standing still. */
		json_decref(ident);
		ident = NULL;
	}
	int ret = 0;
	if (ident) {
		ret = note_org(w, org_id);
		if (!ret)
			ret = emit(w, ident, ident_id, dv, date);
		else
			json_decref(ident);
		ident = NULL;
	}
	if (obj && !ret)
		ret = emit(w, obj, id, ov, date);
	else
		json_decref(obj);
	return ret ? ret : 1;
}

/* The identity of an object's organisation, when the query wants it and
 * the page has not got it yet. */
static json_t *identity_for(walk *w, int64_t org_id, const char *stix_id, const char *name,
			    const char *country, oe_time created, oe_time *dv)
{
	const oe_taxii_query *q = w->q;
	*dv = 0;
	if (!(q->types & OE_TAXII_T_IDENTITY) || w->what == OE_TAXII_VERSIONS ||
	    org_listed(w, org_id) || !oe_taxii_query_id_ok(q, stix_id))
		return NULL;
	json_t *ident = oe_stix_org_json(stix_id, name, country, created);
	*dv = ident ? json_time(ident, "modified") : 0;
	if (ident && q->has_versions && !oe_taxii_query_version_ok(q, *dv)) {
		json_decref(ident);
		ident = NULL;
	}
	return ident;
}

/* What the caller gets of a row of a joint case's grouping or note
 * (migrations/0009_cases.sql), as row_kind for an assertion: the object
 * under the case's marking and group; for a deleted row, its tombstone to
 * each caller that could see it under the marking the case had in this
 * collection (or, for a member that left the group, to that member alone)
 * and cannot see it now. Never anything to the peer it came from, nor to
 * a partner its own objects. */
static int case_row_kind(const walk *w, const oe_taxii_row *r, const oe_case_taxii_obj *o)
{
	const oe_viewer *v = &w->c->viewer;
	bool theirs = v->role == OE_ROLE_PEER && o->org_id == v->org_id;
	for (size_t i = 0; i < w->npeers && !theirs; i++)
		theirs = o->via_peer == w->peers[i];
	if (theirs)
		return ROW_NONE;
	if (!r->deleted)
		return in_scope(w->col, o->tlp, o->group_id) &&
			       oe_may_see_in(v, (oe_tlp)o->tlp, o->owner_org, o->group_id)
			   ? ROW_OBJECT
			   : ROW_NONE;
	if (r->audience) {
		if (!is_audience(w, r->audience) ||
		    (r->audience < 0 && o->tlp == OE_TLP_AMBER_STRICT))
			return ROW_NONE;
	} else {
		int t = r->prior_tlp >= 0		     ? r->prior_tlp
			: strcmp(w->col->scope, "community") ? OE_TLP_AMBER_STRICT
							     : OE_TLP_GREEN;
		if (!oe_may_see_in(v, (oe_tlp)t, o->owner_org, w->col->group_id))
			return ROW_NONE;
	}
	bool in_some = o->tlp <= OE_TLP_GREEN ||
		       ((o->tlp == OE_TLP_AMBER || o->tlp == OE_TLP_AMBER_STRICT) && o->group_id);
	return in_some && oe_may_see_in(v, (oe_tlp)o->tlp, o->owner_org, o->group_id)
		   ? ROW_NONE
		   : ROW_TOMBSTONE;
}

/* A row of a joint case's grouping or note: the object and the identity
 * of its organisation, or its tombstone alone. */
static int take_case_row(walk *w, oe_taxii_row *r)
{
	const oe_taxii_query *q = w->q;
	if (!q->spec_21)
		return 1;
	oe_case_taxii_obj o;
	int ret = oe_svc_case_taxii_load(w->c, r->indicator_id, &o);
	if (ret == OE_ENOTFOUND)
		return 1;
	if (ret)
		return ret;
	if (oe_case_stix_key(o.id) != r->obj_key)
		return 1; /* the row names an object that is no more */
	int kind = case_row_kind(w, r, &o);
	if (kind == ROW_NONE)
		return 1;
	unsigned type = o.is_note ? OE_TAXII_T_NOTE : OE_TAXII_T_GROUPING;
	if (kind == ROW_TOMBSTONE) {
		/* Alone: not even the identity of its organisation. */
		if (!(q->types & type))
			return 1;
		oe_time at = r->version > o.modified ? r->version : o.modified;
		json_t *t = oe_case_stix_tombstone(o.id, at);
		if (!t)
			return OE_ENOMEM;
		oe_time tv = json_time(t, "modified");
		if (!oe_taxii_query_id_ok(q, o.id) || !oe_taxii_query_version_ok(q, tv)) {
			json_decref(t);
			return 1;
		}
		return put_pair(w, r->date_added, t, o.id, tv, NULL, NULL, 0, o.org_id);
	}
	json_t *obj = NULL;
	oe_time ov = o.modified, dv = 0;
	if ((q->types & type) && oe_taxii_query_id_ok(q, o.id)) {
		obj = oe_svc_case_taxii_json(w->c, &o);
		if (!obj)
			return 1; /* not expressible in STIX: not in the collection */
		ov = json_time(obj, "modified");
		if (!oe_taxii_query_version_ok(q, ov)) {
			json_decref(obj);
			obj = NULL;
		}
	}
	json_t *ident =
	    identity_for(w, o.org_id, o.org_stix_id, o.org_name, o.org_country, o.org_created, &dv);
	return put_pair(w, r->date_added, obj, o.id, ov, ident, o.org_stix_id, dv, o.org_id);
}

/* Take one row: 1 when it was taken (or passed over: it adds nothing), 0
 * when the page is full before it, or a negative error. */
static int take_row(walk *w, oe_taxii_row *r)
{
	const oe_taxii_query *q = w->q;
	if (r->indicator_id < 0)
		return take_case_row(w, r);
	int kind = row_kind(w, r);
	if (kind == ROW_NONE || !q->spec_21)
		return 1;
	json_t *ind = NULL, *ident = NULL;
	oe_time iv = 0, dv = 0;
	if (kind == ROW_THEIRS) {
		/* Others' sightings of the caller's own object, alone. */
		if (!r->origin || !(q->types & OE_TAXII_T_SIGHTING) ||
		    w->what == OE_TAXII_VERSIONS || q->nids)
			return 1;
		oe_stix_assertion_id(r->v.org_stix_id, r->v.type, r->v.value, r->v.stix_id);
		json_t *sights;
		int64_t sorgs[OE_TAXII_SIGHTINGS_MAX];
		size_t nsorgs;
		int ret = row_sightings(w, r, &sights, sorgs, &nsorgs);
		size_t need = json_array_size(sights);
		if (!ret && need && w->nitems && w->nitems + need > w->limit) {
			json_decref(sights);
			return 0;
		}
		for (size_t i = 0; !ret && i < nsorgs; i++)
			ret = note_org(w, sorgs[i]);
		for (size_t i = 0; !ret && i < need && w->nitems < w->limit; i++) {
			json_t *o = json_array_get(sights, i);
			const char *id = json_string_value(json_object_get(o, "id"));
			ret = emit(w, json_incref(o), id, json_time(o, "modified"), r->date_added);
		}
		json_decref(sights);
		return ret ? ret : 1;
	}
	if (kind == ROW_TOMBSTONE) {
		/* Alone: not even the identity of its origin goes with it. */
		if (!(q->types & OE_TAXII_T_INDICATOR))
			return 1;
		oe_uuid u;
		oe_stix_assertion_uuid(r->v.org_stix_id, r->v.type, r->v.value, &u);
		if (oe_stix_uuid_key(&u) != r->obj_key)
			return 1; /* the row names an object that is no more */
		oe_stix_assertion_id(r->v.org_stix_id, r->v.type, r->v.value, r->v.stix_id);
		oe_time at = r->deleted && r->version > r->v.modified ? r->version : r->v.modified;
		ind = oe_stix_tombstone_json(r->v.stix_id, at);
		if (!ind)
			return OE_ENOMEM;
		iv = json_time(ind, "modified");
		if (!oe_taxii_query_id_ok(q, r->v.stix_id) || !oe_taxii_query_version_ok(q, iv)) {
			json_decref(ind);
			return 1;
		}
		if (w->nitems + 1 > w->limit) {
			json_decref(ind);
			return 0;
		}
		int ret = emit(w, ind, r->v.stix_id, iv, r->date_added);
		return ret ? ret : 1;
	}
	if (q->types & OE_TAXII_T_INDICATOR) {
		ind = row_indicator(w, r);
		if (!ind)
			return 1; /* not expressible in STIX: not in the collection */
		iv = json_time(ind, "modified");
		if (!oe_taxii_query_id_ok(q, r->v.stix_id) || !oe_taxii_query_version_ok(q, iv)) {
			json_decref(ind);
			ind = NULL;
		}
	}
	ident = identity_for(w, r->org_id, r->v.org_stix_id, r->v.org_name, r->org_country,
			     r->org_created, &dv);
	/* The value's sightings go with its origin's indicator. */
	json_t *sights = NULL;
	int64_t sorgs[OE_TAXII_SIGHTINGS_MAX];
	size_t nsorgs = 0;
	if ((ind || !(q->types & OE_TAXII_T_INDICATOR)) && r->origin &&
	    (q->types & OE_TAXII_T_SIGHTING) && w->what != OE_TAXII_VERSIONS && !q->nids) {
		if (!ind) /* match[type] without indicator: its id all the same */
			oe_stix_assertion_id(r->v.org_stix_id, r->v.type, r->v.value, r->v.stix_id);
		int ret = row_sightings(w, r, &sights, sorgs, &nsorgs);
		if (ret) {
			json_decref(ind);
			json_decref(ident);
			return ret;
		}
	}
	size_t need = (ind != NULL) + (ident != NULL) + json_array_size(sights);
	if (need && w->nitems + need > w->limit) {
		if (w->nitems || !ind) {
			json_decref(ind);
			json_decref(ident);
			json_decref(sights);
			return 0;
		}
		/* A page too small for them all: the indicator goes alone, its
		 * identity and sightings are left out rather than the walk
		 * standing still. */
		json_decref(ident);
		ident = NULL;
		json_decref(sights);
		sights = NULL;
	}
	int ret = 0;
	if (ident) {
		ret = note_org(w, r->org_id);
		if (!ret)
			ret = emit(w, ident, r->v.org_stix_id, dv, r->date_added);
		else
			json_decref(ident);
		ident = NULL;
	}
	if (ind && !ret)
		ret = emit(w, ind, r->v.stix_id, iv, r->date_added);
	else
		json_decref(ind);
	/* Their identities are in the page once emitted. */
	for (size_t i = 0; !ret && sights && i < nsorgs; i++)
		ret = note_org(w, sorgs[i]);
	for (size_t i = 0; !ret && i < json_array_size(sights); i++) {
		json_t *o = json_array_get(sights, i);
		const char *id = json_string_value(json_object_get(o, "id"));
		ret = emit(w, json_incref(o), id, json_time(o, "modified"), r->date_added);
	}
	json_decref(sights);
	json_decref(ident);
	return ret ? ret : 1;
}

static int walk_init(walk *w, oe_ctx *c, const oe_taxii_collection *col, oe_taxii_what what,
		     const oe_taxii_query *q)
{
	memset(w, 0, sizeof(*w));
	w->c = c;
	w->col = col;
	w->q = q;
	w->what = what;
	w->limit = q->limit ? q->limit : OE_TAXII_LIMIT_DEFAULT;
	w->items = json_array();
	if (!w->items)
		return OE_ENOMEM;
	if (c->viewer.role != OE_ROLE_PEER)
		return 0;
	return c->store->ops->taxii->peer_ids(c->store, c->viewer.org_id, w->peers, PEERS_MAX,
					      &w->npeers);
}

/* Take rows[0..n) in order. *cursor follows the rows taken; *full says the
 * page filled before the end. */
static int take_rows(walk *w, oe_taxii_row *rows, size_t n, oe_time *cursor, size_t *taken,
		     bool *full)
{
	*full = false;
	*taken = 0;
	for (size_t i = 0; i < n; i++) {
		int ret = take_row(w, &rows[i]);
		if (ret < 0)
			return ret;
		if (ret == 0) {
			*full = true;
			return 0;
		}
		*cursor = rows[i].date_added;
		*taken = i + 1;
		if (w->nitems >= w->limit) {
			*full = true;
			return 0;
		}
	}
	return 0;
}

/* The collection's log from *cursor on. */
static int walk_log(walk *w, oe_time *cursor, bool *more)
{
	oe_store *s = w->c->store;
	size_t scanned = 0, batch = w->limit + 1;
	*more = false;
	for (;;) {
		oe_taxii_row *rows;
		size_t n, taken;
		bool full;
		int ret =
		    s->ops->taxii->page(s, w->col->scope, *cursor, batch, w->c->arena, &rows, &n);
		if (!ret)
			ret = take_rows(w, rows, n, cursor, &taken, &full);
		if (ret)
			return ret;
		scanned += taken;
		if (full) {
			if (taken < n) {
				*more = true;
				return 0;
			}
			/* Full at the batch's last row: is there another? */
			ret = s->ops->taxii->page(s, w->col->scope, *cursor, 1, w->c->arena, &rows,
						  &n);
			*more = n > 0;
			return ret;
		}
		if (n < batch)
			return 0;
		if (scanned >= OE_TAXII_SCAN_MAX) {
			*more = true; /* the caller may see little here: go on next time */
			return 0;
		}
	}
}

/* The key of an indicator id, or false when id is not one. */
static bool indicator_key(const char *id, int64_t *key)
{
	oe_uuid u;
	if (strncmp(id, "indicator--", 11) != 0 || strlen(id) != 11 + OE_UUID_STR - 1 ||
	    oe_uuid_parse(id + 11, &u) != 0)
		return false;
	*key = oe_stix_uuid_key(&u);
	return true;
}

/* The key of a joint case's grouping or note id, or false. */
static bool case_key(const char *id, int64_t *key)
{
	if (!oe_case_stix_is_id(id, "grouping--") && !oe_case_stix_is_id(id, "note--"))
		return false;
	*key = oe_case_stix_key(id);
	return true;
}

/* The key of any id the log finds objects by. */
static bool object_key(const char *id, int64_t *key)
{
	return indicator_key(id, key) || case_key(id, key);
}

/* The rows of the objects match[id] names, after `after`. */
static int rows_of_ids(walk *w, oe_time after, oe_taxii_row **out, size_t *n)
{
	int64_t keys[OE_TAXII_MATCH_MAX];
	size_t nk = 0;
	oe_taxii_row *rows;
	size_t nr, cnt = 0;
	*out = NULL;
	*n = 0;
	for (size_t i = 0; i < w->q->nids && nk < OE_TAXII_MATCH_MAX; i++)
		if (object_key(w->q->ids[i], &keys[nk]))
			nk++;
	if (!nk)
		return 0;
	int ret = w->c->store->ops->taxii->objects(w->c->store, w->col->scope, keys, nk,
						   w->c->arena, &rows, &nr);
	if (ret)
		return ret;
	for (size_t k = 0; k < nr; k++)
		if (rows[k].date_added > after)
			rows[cnt++] = rows[k];
	*out = rows;
	*n = cnt;
	return 0;
}

/* The live row of object id in the collection, or NULL (also when id is
 * not an indicator's, or, with cases set, a joint case's grouping or
 * note's). A revoked object's row gives its tombstone. */
static int object_row(walk *w, const char *id, bool cases, oe_taxii_row **out)
{
	int64_t key;
	*out = NULL;
	bool is_case = cases && case_key(id, &key);
	if (!is_case && !indicator_key(id, &key))
		return 0;
	oe_taxii_row *rows;
	size_t n;
	int ret = w->c->store->ops->taxii->objects(w->c->store, w->col->scope, &key, 1, w->c->arena,
						   &rows, &n);
	for (size_t i = 0; !ret && is_case && i < n; i++) {
		oe_taxii_row *r = &rows[i];
		oe_case_taxii_obj o;
		if (r->deleted || r->indicator_id >= 0)
			continue;
		ret = oe_svc_case_taxii_load(w->c, r->indicator_id, &o);
		if (ret == OE_ENOTFOUND) {
			ret = 0;
			continue;
		}
		if (!ret && strcmp(o.id, id) == 0 && case_row_kind(w, r, &o) != ROW_NONE)
			*out = r;
	}
	for (size_t i = 0; !ret && !is_case && i < n; i++) {
		oe_taxii_row *r = &rows[i];
		if (!r->present || r->deleted)
			continue;
		char sid[64];
		oe_stix_assertion_id(r->v.org_stix_id, r->v.type, r->v.value, sid);
		if (strcmp(sid, id) == 0)
			*out = r;
	}
	return ret;
}

static json_t *answer(walk *w, bool more, oe_time cursor)
{
	json_t *b = json_object();
	if (!b)
		return NULL;
	int bad = json_object_set_new(b, "more", json_boolean(more));
	if (more && w->what == OE_TAXII_OBJECTS) {
		char tok[OE_CURSOR_LEN + 1];
		next_seal(w->c->node, w->col->scope, cursor, tok);
		bad |= json_object_set_new(b, "next", json_string(tok));
	}
	if (w->nitems)
		bad |= json_object_set(b, w->what == OE_TAXII_VERSIONS ? "versions" : "objects",
				       w->items);
	if (bad) {
		json_decref(b);
		return NULL;
	}
	return b;
}

int oe_svc_taxii_read(oe_ctx *c, const oe_taxii_collection *col, oe_taxii_what what,
		      const char *object_id, const oe_taxii_query *q, oe_taxii_answer *out,
		      const char **why)
{
	memset(out, 0, sizeof(*out));
	*why = NULL;
	if (!col->can_read)
		return OE_EPERM;
	oe_time after = q->has_added_after ? q->added_after : 0;
	if (q->has_next && next_open(c->node, col->scope, q->next, &after)) {
		*why = "next is not a value this server gave for this collection";
		return OE_EINVAL;
	}
	/* One object, by id: only match[version] and match[spec_version]
	 * apply, and only the object itself is served (an indicator, a
	 * case's grouping or a note). */
	oe_taxii_query *qq = NULL;
	if (object_id) {
		qq = oe_arena_alloc(c->arena, sizeof(*qq));
		if (!qq)
			return OE_ENOMEM;
		*qq = *q;
		qq->nids = 0;
		qq->types = !strncmp(object_id, "grouping--", 10) ? OE_TAXII_T_GROUPING
			    : !strncmp(object_id, "note--", 6)	  ? OE_TAXII_T_NOTE
								  : OE_TAXII_T_INDICATOR;
		q = qq;
	}
	walk w;
	int ret = walk_init(&w, c, col, what, q);
	bool more = false;
	oe_time cursor = after;
	if (!ret && object_id) {
		oe_taxii_row *r;
		ret = object_row(&w, object_id, true, &r);
		if (!ret && (!r || (r->indicator_id >= 0 && !row_visible(&w, r))))
			ret = OE_ENOTFOUND;
		if (!ret && r->date_added > after) {
			size_t taken;
			bool full;
			ret = take_rows(&w, r, 1, &cursor, &taken, &full);
		}
	} else if (!ret && q->nids) {
		oe_taxii_row *rows;
		size_t n, taken;
		bool full;
		ret = rows_of_ids(&w, after, &rows, &n);
		if (!ret)
			ret = take_rows(&w, rows, n, &cursor, &taken, &full);
		more = !ret && taken < n;
	} else if (!ret) {
		ret = walk_log(&w, &cursor, &more);
	}
	if (!ret) {
		out->body = answer(&w, more, cursor);
		if (!out->body)
			ret = OE_ENOMEM;
	}
	if (!ret) {
		out->first = w.nitems ? w.first : cursor;
		out->last = w.nitems ? w.last : cursor;
	}
	json_decref(w.items);
	return ret;
}

/* ---- deleting ---------------------------------------------------------- */

int oe_svc_taxii_delete(oe_ctx *c, const oe_taxii_collection *col, const char *object_id,
			const oe_taxii_query *q)
{
	if (!col->can_read)
		return OE_ENOTFOUND;
	if (!col->can_write)
		return OE_EPERM;
	oe_store *s = c->store;
	walk w;
	int ret = walk_init(&w, c, col, OE_TAXII_OBJECTS, q);
	if (ret)
		return ret;
	if ((ret = s->ops->begin(s))) {
		json_decref(w.items);
		return ret;
	}
	oe_taxii_row *r;
	oe_time now = oe_now();
	ret = object_row(&w, object_id, false, &r);
	/* Its own organisation always sees it (a peer too: what it sent us). */
	if (!ret && (!r || !in_scope(col, r->v.tlp, r->group_id) ||
		     (r->org_id != c->viewer.org_id && !row_visible(&w, r))))
		ret = OE_ENOTFOUND;
	if (!ret && q->has_versions) {
		json_t *ind = row_indicator(&w, r);
		if (!ind || !oe_taxii_query_version_ok(q, json_time(ind, "modified")))
			ret = OE_ENOTFOUND;
		json_decref(ind);
	}
	if (!ret && r->org_id != c->viewer.org_id)
		ret = OE_EPERM; /* another organisation's assertion */
	if (!ret) {
		oe_indicator_patch p = {.tlp = -1, .confidence = -1, .revoked = 1};
		ret = s->ops->indicator_patch(s, r->indicator_id, r->org_id, &p, now);
	}
	if (!ret)
		ret = s->ops->taxii->remove(s, col->scope, r->obj_key, r->indicator_id, r->org_id,
					    r->v.tlp);
	if (!ret)
		ret = s->ops->audit(s, now, c->actor, "taxii.delete", object_id, col->scope);
	json_decref(w.items);
	if (ret) {
		s->ops->rollback(s);
		return ret;
	}
	return s->ops->commit(s);
}

/* ---- adding ---------------------------------------------------------- */

typedef struct {
	const char *id;
	const char *reason; /* a refusal's; NULL for a stored indicator */
	bool stored;
} outcome;

static int by_id(const void *a, const void *b)
{
	return strcmp(((const outcome *)a)->id, ((const outcome *)b)->id);
}

static const outcome *find(const outcome *v, size_t n, const char *id)
{
	outcome key = {.id = id};
	return n ? bsearch(&key, v, n, sizeof(*v), by_id) : NULL;
}

static int detail(json_t *list, const char *id, const char *version, const char *message)
{
	json_t *d = json_pack("{s:s,s:s}", "id", id, "version", version);
	if (d && message && json_object_set_new(d, "message", json_string(message))) {
		json_decref(d);
		d = NULL;
	}
	return !d || json_array_append_new(list, d) ? OE_ENOMEM : 0;
}

/* The status details of each object of the envelope, from what the import
 * made of it. Returns the number of successes in *ok. */
static int details_of(const json_t *objs, const oe_import_set *set, const oe_import_result *res,
		      oe_time now, json_t *succ, json_t *fail, size_t *ok)
{
	size_t ni = set->niocs, ne = set->nerrors;
	outcome *st = malloc((ni ? ni : 1) * sizeof(*st));
	outcome *er = malloc((ne ? ne : 1) * sizeof(*er));
	int ret = st && er ? 0 : OE_ENOMEM;
	size_t nst = 0;
	for (size_t i = 0; !ret && i < ni; i++)
		if (set->iocs[i].ext_id)
			st[nst++] = (outcome){set->iocs[i].ext_id, NULL, res->ids[i] != 0};
	for (size_t i = 0; !ret && i < ne; i++)
		er[i] = (outcome){set->errors[i].ref ? set->errors[i].ref : "",
				  set->errors[i].reason, false};
	if (!ret) {
		qsort(st, nst, sizeof(*st), by_id);
		qsort(er, ne, sizeof(*er), by_id);
	}
	char nowb[OE_TIME_BUF];
	oe_time_format(now, nowb);
	*ok = 0;
	for (size_t k = 0; !ret && k < json_array_size(objs); k++) {
		const json_t *o = json_array_get(objs, k);
		const char *id = json_string_value(json_object_get(o, "id"));
		const char *type = json_string_value(json_object_get(o, "type"));
		const char *ver = json_string_value(json_object_get(o, "modified"));
		if (!ver)
			ver = json_string_value(json_object_get(o, "created"));
		if (!ver)
			ver = nowb;
		char ref[32];
		if (!id) {
			snprintf(ref, sizeof(ref), "objects[%zu]", k);
			ret = detail(fail, ref, ver, "an object needs a STIX id");
			continue;
		}
		const outcome *e = find(er, ne, id);
		if (e) {
			ret = detail(fail, id, ver, e->reason);
			continue;
		}
		const char *why = NULL;
		if (type && strcmp(type, "indicator") == 0) {
			/* Each comparison of the pattern is one value: stored when
			 * any of them is. */
			const outcome *f = find(st, nst, id);
			bool stored = false;
			if (f) {
				while (f > st && strcmp(f[-1].id, id) == 0)
					f--;
				for (; f < st + nst && strcmp(f->id, id) == 0 && !stored; f++)
					stored = f->stored;
				if (!stored)
					why = "not stored: it conflicts with a stored indicator";
			} else {
				why =
				    "not stored: only indicators with a STIX pattern of supported "
				    "types are kept";
			}
		} else if (!type ||
			   (strcmp(type, "observed-data") && strcmp(type, "report") &&
			    strcmp(type, "identity") && strcmp(type, "marking-definition"))) {
			why = "not stored: this node keeps indicators, observed data and reports";
		}
		ret = detail(why ? fail : succ, id, ver, why);
		if (!why)
			(*ok)++;
	}
	free(st);
	free(er);
	return ret;
}

static json_t *status_json(const oe_taxii_status_row *r)
{
	json_error_t je;
	json_t *d = json_loads(r->details, 0, &je);
	json_t *b = json_pack("{s:s,s:s,s:o,s:I,s:I,s:I,s:I}", "id", r->id, "status", "complete",
			      "request_timestamp", jtime_us(r->created), "total_count",
			      (json_int_t)r->total, "success_count", (json_int_t)r->success,
			      "failure_count", (json_int_t)r->failure, "pending_count",
			      (json_int_t)r->pending);
	static const char *const lists[] = {"successes", "failures", "pendings"};
	for (size_t i = 0; b && d && i < OE_ARRAY_SIZE(lists); i++) {
		json_t *l = json_object_get(d, lists[i]);
		if (json_array_size(l) && json_object_set(b, lists[i], l)) {
			json_decref(b);
			b = NULL;
		}
	}
	json_decref(d);
	return b;
}

int oe_svc_taxii_add(oe_ctx *c, const oe_taxii_collection *col, const json_t *envelope,
		     const char *body, size_t len, json_t **status, char *why, size_t whycap)
{
	*status = NULL;
	if (!col->can_read)
		return OE_ENOTFOUND;
	if (!col->can_write)
		return OE_EPERM;
	const json_t *objs = json_object_get(envelope, "objects");
	if (objs && !json_is_array(objs))
		return OE_EINVAL;
	oe_store *s = c->store;
	oe_time now = oe_now();
	/* A peer's objects are marked as come from it (never sent back). */
	int64_t peers[PEERS_MAX];
	size_t np = 0;
	int ret = c->viewer.role == OE_ROLE_PEER
		      ? s->ops->taxii->peer_ids(s, c->viewer.org_id, peers, PEERS_MAX, &np)
		      : 0;
	if (ret)
		return ret;
	oe_import_set set;
	oe_import_set_init(&set);
	why[0] = '\0';
	json_t *succ = json_array(), *fail = json_array(), *det = NULL;
	oe_import_result res = {0};
	if (!succ || !fail)
		ret = OE_ENOMEM;
	if (!ret && json_array_size(objs)) {
		ret = oe_stix_parse(body, len, &c->node->canon, &set, why, whycap);
		if (ret == OE_EINVAL && !why[0])
			snprintf(why, whycap, "the objects are not STIX 2.1");
	}
	if (!ret && set.niocs) {
		/* The marking each value will have: its own, else its event's,
		 * else the node's default. */
		int def = c->node->cfg.default_tlp;
		int *eff = malloc(set.niocs * sizeof(*eff));
		if (!eff)
			ret = OE_ENOMEM;
		for (size_t i = 0; eff && i < set.niocs; i++)
			eff[i] = set.iocs[i].tlp >= 0 ? set.iocs[i].tlp : def;
		for (size_t e = 0; eff && e < set.nevents; e++)
			for (size_t i = set.events[e].first;
			     set.events[e].tlp >= 0 &&
			     i < set.events[e].first + set.events[e].count;
			     i++)
				if (set.iocs[i].tlp < 0)
					eff[i] = set.events[e].tlp;
		for (size_t i = 0; eff && i < set.niocs; i++) {
			oe_ioc *k = &set.iocs[i];
			if (col->group_id &&
			    (eff[i] == OE_TLP_AMBER || eff[i] == OE_TLP_AMBER_STRICT))
				k->group_id = col->group_id;
			if (np)
				k->via_peer = peers[0];
		}
		free(eff);
	}
	if (!ret && set.niocs) {
		/* The service imports for analysts and admins; a peer's objects
		 * become its own organisation's assertions the same way. */
		oe_ctx ic = *c;
		if (ic.viewer.role == OE_ROLE_PEER)
			ic.viewer.role = OE_ROLE_ANALYST;
		ret = oe_svc_import(&ic, &set, &res);
	}
	size_t ok = 0;
	if (!ret)
		ret = details_of(objs, &set, &res, now, succ, fail, &ok);
	char idb[OE_UUID_STR];
	oe_uuid u;
	oe_uuid_v4(&u);
	oe_uuid_format(&u, idb);
	oe_taxii_status_row row = {.id = idb,
				   .org_id = c->viewer.org_id,
				   .created = now,
				   .total = (int64_t)json_array_size(objs),
				   .success = (int64_t)ok,
				   .failure = (int64_t)json_array_size(fail)};
	if (!ret) {
		det = json_pack("{s:O,s:O}", "successes", succ, "failures", fail);
		row.details = det ? json_dumps(det, JSON_COMPACT) : NULL;
		if (!row.details)
			ret = OE_ENOMEM;
	}
	if (!ret && !(ret = s->ops->begin(s))) {
		ret = s->ops->taxii->status_put(s, &row, now - STATUS_KEEP);
		ret = ret ? (s->ops->rollback(s), ret) : s->ops->commit(s);
	}
	if (!ret && !(*status = status_json(&row)))
		ret = OE_ENOMEM;
	free(row.details);
	json_decref(det);
	json_decref(succ);
	json_decref(fail);
	oe_import_set_free(&set);
	return ret;
}

int oe_svc_taxii_status(oe_ctx *c, const char *id, json_t **status)
{
	oe_taxii_status_row r;
	*status = NULL;
	if (c->viewer.role == OE_ROLE_PUBLIC)
		return OE_ENOTFOUND;
	int ret = c->store->ops->taxii->status_get(c->store, id, c->arena, &r);
	if (ret)
		return ret;
	if (r.org_id != c->viewer.org_id)
		return OE_ENOTFOUND;
	*status = status_json(&r);
	return *status ? 0 : OE_ENOMEM;
}

/* ---- server information ---------------------------------------------------- */

json_t *oe_svc_taxii_discovery(oe_ctx *c)
{
	const oe_node *n = c->node;
	json_t *d = json_pack("{s:s+,s:s+,s:s,s:[s]}", "title", "oureyes ", n->node_name,
			      "description", "TAXII 2.1 server of the oureyes node ", n->node_name,
			      "default", "/taxii2/api/", "api_roots", "/taxii2/api/");
	/* The operator's identity: a partner rebinds the organisation it
	 * registered for us to it (docs/sharing.md). */
	oe_org o;
	if (d && c->store &&
	    c->store->ops->org_get(c->store, OE_NODE_OPERATOR_ORG, NULL, c->arena, &o) == 0) {
		json_t *id = oe_stix_org_json(o.stix_id, o.name, o.country, 0);
		if (id) {
			json_object_del(id, "created");
			json_object_del(id, "modified");
		}
		if (!id || json_object_set_new(d, "x_oureyes_identity", id)) {
			json_decref(d);
			d = NULL;
		}
	}
	return d;
}

json_t *oe_svc_taxii_api_root(oe_ctx *c)
{
	int64_t max = c->node->cfg.max_import;
	if (max > OE_TAXII_MAX_CONTENT)
		max = OE_TAXII_MAX_CONTENT;
	return json_pack("{s:s+,s:s,s:[s],s:I}", "title", "oureyes ", c->node->node_name,
			 "description",
			 "Collections of this node's sharing scopes: community (CLEAR and GREEN) "
			 "and one per sharing group the caller is in",
			 "versions", OE_TAXII_MEDIA, "max_content_length", (json_int_t)max);
}
