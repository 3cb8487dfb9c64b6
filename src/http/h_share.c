/* h_share.c - partner nodes and sharing groups over HTTP:
 *   GET  /api/v1/peers             each peer with its pull status
 *   GET  /api/v1/sharing-groups    the caller's organisation's groups
 *   POST /api/v1/sharing-groups    {"name","members":["org:..","peer:..",".."]}
 *   PATCH /api/v1/sharing-groups/{name}  {"members":[...]}: the members now
 *                                  (those who leave get revocations) */
#include <string.h>

#include "core/json.h"
#include "http.h"
#include "service/share.h"

static json_t *jstr(const char *s)
{
	return s ? json_string(s) : json_null();
}

int oe_h_peers_list(oe_req *r)
{
	oe_peer_row *p;
	size_t n;
	int ret = oe_svc_peer_list(&r->ctx, &p, &n);
	if (ret)
		return oe_http_fail(r, ret);
	oe_time now = oe_now();
	json_t *arr = json_array();
	for (size_t i = 0; i < n; i++) {
		/* Lag: how long since the last successful pull. */
		json_t *lag = p[i].last_success ? json_real((double)(now - p[i].last_success) / 1e6)
						: json_null();
		json_array_append_new(
		    arr, json_pack("{s:s,s:s,s:s,s:o,s:b,s:o,s:o,s:o,s:o,s:o,s:I,s:I}", "name",
				   p[i].name, "org", p[i].org_name, "org_id", p[i].org_stix_id,
				   "url", jstr(p[i].url), "pulls", p[i].url && p[i].has_key,
				   "last_attempt", oe_json_time(p[i].last_attempt), "last_success",
				   oe_json_time(p[i].last_success), "lag_seconds", lag,
				   "last_error", jstr(p[i].last_error), "next_attempt",
				   oe_json_time(p[i].next_attempt), "errors",
				   (json_int_t)p[i].errors, "objects", (json_int_t)p[i].objects));
	}
	return oe_http_json(r, 200, json_pack("{s:o}", "peers", arr));
}

static json_t *group_json(const oe_group_detail *d)
{
	json_t *m = json_array();
	for (size_t k = 0; k < d->nmembers; k++)
		json_array_append_new(m, json_pack("{s:s,s:s,s:o}", "name", d->members[k].name,
						   "kind", d->members[k].peer_id ? "peer" : "org",
						   "id", jstr(d->members[k].stix_id)));
	return json_pack("{s:s,s:s,s:o,s:o}", "name", d->g.name, "owner", d->g.owner_name,
			 "created", oe_json_time(d->g.created), "members", m);
}

int oe_h_groups_list(oe_req *r)
{
	oe_group_detail *d;
	size_t n;
	int ret = oe_svc_group_list(&r->ctx, &d, &n);
	if (ret)
		return oe_http_fail(r, ret);
	json_t *arr = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, group_json(&d[i]));
	return oe_http_json(r, 200, json_pack("{s:o}", "groups", arr));
}

/* The "members" of a group body as names, or an answer sent (NULL). */
static const char **members_of(oe_req *r, json_t *members, size_t *n, int *rc)
{
	*n = json_is_array(members) ? json_array_size(members) : 0;
	if (!*n || *n > OE_GROUP_MEMBERS_MAX) {
		*rc = oe_http_error(r, 400, "invalid_field",
				    "a group needs a \"name\" and 1 to %d \"members\" (names of "
				    "organisations or peers, \"org:NAME\" or \"peer:NAME\")",
				    OE_GROUP_MEMBERS_MAX);
		return NULL;
	}
	const char **m = oe_arena_alloc(&r->arena, *n * sizeof(*m));
	if (!m) {
		*rc = oe_http_fail(r, OE_ENOMEM);
		return NULL;
	}
	for (size_t i = 0; i < *n; i++) {
		json_t *v = json_array_get(members, i);
		if (!json_is_string(v)) {
			*rc = oe_http_error(r, 400, "invalid_field", "members[%zu]: a name", i);
			return NULL;
		}
		m[i] = json_string_value(v);
	}
	return m;
}

/* The group as stored now, or an error; status on success. */
static int group_answer(oe_req *r, int ret, const char *why, const oe_group_row *g, int status)
{
	if (ret == OE_EINVAL || (ret == OE_ECONFLICT && why))
		return oe_http_error(r, ret == OE_EINVAL ? 400 : 409,
				     ret == OE_EINVAL ? "invalid_field" : "conflict", "%s", why);
	if (ret)
		return oe_http_fail(r, ret);
	oe_group_detail d = {.g = *g};
	if ((ret = r->ctx.store->ops->share->members(r->ctx.store, g->id, &r->arena, &d.members,
						     &d.nmembers)))
		return oe_http_fail(r, ret);
	return oe_http_json(r, status, group_json(&d));
}

int oe_h_groups_post(oe_req *r)
{
	json_t *b = oe_http_body_json(r);
	if (!b)
		return MHD_YES;
	int rc;
	json_t *name = json_object_get(b, "name");
	size_t n;
	const char **m = members_of(r, json_object_get(b, "members"), &n, &rc);
	if (m && !json_is_string(name)) {
		m = NULL;
		rc = oe_http_error(r, 400, "invalid_field", "a group needs a \"name\"");
	}
	if (m) {
		oe_group_row g;
		const char *why = NULL;
		int ret = oe_svc_group_add(&r->ctx, json_string_value(name), m, n, &g, &why);
		rc = group_answer(r, ret, why, &g, 201);
	}
	json_decref(b);
	return rc;
}

int oe_h_group_patch(oe_req *r)
{
	json_t *b = oe_http_body_json(r);
	if (!b)
		return MHD_YES;
	int rc;
	size_t n;
	const char **m = members_of(r, json_object_get(b, "members"), &n, &rc);
	if (m) {
		oe_group_row g;
		const char *why = NULL;
		int ret = oe_svc_group_set(&r->ctx, r->path_id, m, n, &g, &why);
		rc = group_answer(r, ret, why, &g, 200);
	}
	json_decref(b);
	return rc;
}
