/* push.c - one event to a partner's collection (see push.h). */
#include "push.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "session.h"

/* The writable collection named by id, alias or title. */
static const oe_env_collection *find(const oe_env_collection *v, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(v[i].id, name) || (v[i].title && !strcmp(v[i].title, name)))
			return &v[i];
	return NULL;
}

int oe_sync_push(oe_ctx *c, int64_t peer_id, const char *event_uuid, const char *collection,
		 oe_sync_push_result *r, char *err, size_t errcap)
{
	oe_arena a = OE_ARENA_INIT;
	oe_sync_session ss;
	json_t *env = NULL;
	char *body = NULL;
	const char *why = NULL;
	memset(r, 0, sizeof(*r));
	if (!collection)
		collection = "community";
	int ret = oe_sync_session_open(&ss, c->node, c->store, &a, peer_id, NULL, err, errcap);
	if (ss.peer.name)
		snprintf(r->peer, sizeof(r->peer), "%s", ss.peer.name);
	oe_env_collection *cols = NULL;
	size_t ncols = 0;
	if (!ret)
		ret = oe_sync_session_discover(&ss, err, errcap);
	if (!ret)
		ret = oe_sync_session_collections(&ss, &cols, &ncols, err, errcap);
	const oe_env_collection *col = ret ? NULL : find(cols, ncols, collection);
	if (!ret && !col) {
		snprintf(err, errcap, "the partner has no collection '%.100s' for us", collection);
		ret = OE_ENOTFOUND;
	} else if (!ret && !col->can_write) {
		snprintf(err, errcap,
			 "the partner's collection '%.100s' does not take objects from us",
			 collection);
		ret = OE_EPERM;
	}
	/* A partner's community holds what it shows every member: nothing
	 * above GREEN goes there; a group's collection takes AMBER too (the
	 * partner scopes it to that group). */
	bool community = !ret && (!strcmp(col->id, "community") ||
				  (col->title && !strcmp(col->title, "community")));
	if (!ret && (ret = oe_svc_sync_push_envelope(c, peer_id, event_uuid,
						     community ? OE_TLP_GREEN : OE_TLP_AMBER_STRICT,
						     &env, &r->n, &why)))
		snprintf(err, errcap, "%s", why ? why : oe_strerror(ret));
	if (!ret) {
		snprintf(r->collection, sizeof(r->collection), "%s", col->id);
		body = json_dumps(env, JSON_COMPACT);
		if (!body)
			ret = OE_ENOMEM;
	}
	oe_sync_resp resp;
	if (!ret) {
		oe_buf url = OE_BUF_INIT;
		oe_buf_printf(&url, "%scollections/", ss.root);
		oe_sync_url_escape(&url, col->id);
		oe_buf_adds(&url, "/objects/");
		ret = oe_buf_error(&url) ? OE_ENOMEM
					 : oe_sync_session_call(&ss, url.data, "add objects", body,
								strlen(body), &resp, err, errcap);
		oe_buf_free(&url);
	}
	if (!ret) {
		/* The status resource says what the partner took. */
		json_t *st = json_loadb(resp.body.data, resp.body.len, 0, NULL);
		const char *id = json_string_value(json_object_get(st, "id"));
		r->success = json_integer_value(json_object_get(st, "success_count"));
		r->failure = json_integer_value(json_object_get(st, "failure_count"));
		r->pending = json_integer_value(json_object_get(st, "pending_count"));
		if (id && strlen(id) < sizeof(r->status_id))
			snprintf(r->status_id, sizeof(r->status_id), "%s", id);
		if (!json_is_object(st)) {
			snprintf(err, errcap, "add objects: the partner's answer is not a status");
			ret = OE_EIO;
		}
		json_decref(st);
		oe_buf_free(&resp.body);
	}
	free(body);
	json_decref(env);
	oe_sync_session_close(&ss);
	oe_arena_clear(&a);
	return ret;
}
