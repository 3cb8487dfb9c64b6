/* session.c - one partner node's TAXII server (see session.h). */
#include "session.h"

#include <stdio.h>
#include <string.h>

#include "service/share.h"

/* Bytes of the key a partner gave us (oe_svc_peer_add takes up to 512). */
#define KEY_CAP 600

int oe_sync_session_open(oe_sync_session *ss, oe_node *node, oe_store *s, oe_arena *a,
			 int64_t peer_id, const atomic_bool *stop, char *err, size_t errcap)
{
	memset(ss, 0, sizeof(*ss));
	ss->c = (oe_ctx){.node = node,
			 .store = s,
			 .viewer = {.org_id = OE_NODE_OPERATOR_ORG, .role = OE_ROLE_ADMIN},
			 .actor = "sync",
			 .arena = a};
	ss->stop = stop;
	int ret = s->ops->share->peer_get(s, peer_id, NULL, a, &ss->peer);
	if (ret) {
		snprintf(err, errcap, "%s",
			 ret == OE_ENOTFOUND ? "no such peer" : oe_strerror(ret));
		return ret;
	}
	if (ss->peer.identity)
		snprintf(ss->identity, sizeof(ss->identity), "%s", ss->peer.identity);
	if (!ss->peer.url || !ss->peer.has_key) {
		snprintf(err, errcap, "not pulled from: no URL and key (oureyes peer add)");
		return OE_EINVAL;
	}
	char key[KEY_CAP];
	if ((ret = oe_svc_peer_key(&ss->c, peer_id, key, sizeof(key)))) {
		snprintf(err, errcap, "the stored key cannot be opened (secret.key changed?)");
		return ret;
	}
	oe_sync_http_opts o = {.key = key,
			       .connect_timeout = (long)node->cfg.sync_connect_timeout,
			       .timeout = (long)node->cfg.sync_timeout,
			       .max_bytes = (size_t)node->cfg.sync_max_page,
			       .stop = stop};
	ret = oe_sync_http_open(&o, &ss->h); /* copies the key */
	sodium_memzero(key, sizeof(key));
	if (ret)
		snprintf(err, errcap, "out of memory");
	return ret;
}

void oe_sync_session_close(oe_sync_session *ss)
{
	if (!ss)
		return;
	oe_sync_http_close(ss->h);
	ss->h = NULL;
}

/* The discovery URL and, when the peer's URL names one, the API root: a
 * URL with "/taxii2/" in it is the discovery document up to there and an
 * API root when something follows; any other URL is the partner's base. */
static int locate(oe_sync_session *ss, char *err, size_t errcap)
{
	const char *url = ss->peer.url, *t = strstr(url, "/taxii2/");
	size_t n = t ? (size_t)(t - url) + 8 : strlen(url);
	while (!t && n && url[n - 1] == '/')
		n--;
	if (n + 9 >= sizeof(ss->disc) || strlen(url) + 2 >= sizeof(ss->root)) {
		snprintf(err, errcap, "the peer's URL is too long");
		return OE_EINVAL;
	}
	snprintf(ss->disc, sizeof(ss->disc), "%.*s%s", (int)n, url, t ? "" : "/taxii2/");
	ss->root[0] = '\0';
	if (t && t[8])
		snprintf(ss->root, sizeof(ss->root), "%s%s", url,
			 url[strlen(url) - 1] == '/' ? "" : "/");
	return 0;
}

int oe_sync_session_call(oe_sync_session *ss, const char *url, const char *what, const char *body,
			 size_t len, oe_sync_resp *resp, char *err, size_t errcap)
{
	char e[256];
	int ret = oe_sync_http_request(ss->h, url, body, len, resp, e, sizeof(e));
	if (ret) {
		snprintf(err, errcap, "%s: %s", what, e);
		return ret;
	}
	if (resp->status < 200 || resp->status > 299) {
		snprintf(err, errcap, "%s: HTTP %ld", what, resp->status);
		oe_buf_free(&resp->body);
		return OE_EIO;
	}
	return 0;
}

int oe_sync_session_discover(oe_sync_session *ss, char *err, size_t errcap)
{
	oe_sync_resp resp;
	int ret = locate(ss, err, errcap);
	if (!ret)
		ret = oe_sync_session_call(ss, ss->disc, "discovery", NULL, 0, &resp, err, errcap);
	if (ret)
		return ret;
	oe_env_discovery d;
	char e[256];
	ret = oe_env_discovery_parse(resp.body.data, resp.body.len, ss->c.arena, &d, e, sizeof(e));
	oe_buf_free(&resp.body);
	if (ret) {
		snprintf(err, errcap, "discovery: %s", e);
		return ret;
	}
	if (d.has_node) {
		const char *why = NULL;
		snprintf(ss->identity, sizeof(ss->identity), "%s", d.node.id);
		ret = oe_svc_sync_bind(&ss->c, ss->peer.id, &d.node, &why);
		if (ret) {
			snprintf(err, errcap, "discovery: %s", why ? why : oe_strerror(ret));
			return ret;
		}
	}
	if (ss->root[0])
		return 0;
	const char *root = d.def ? d.def : d.nroots ? d.roots[0] : NULL;
	if (!root) {
		snprintf(err, errcap, "discovery: the partner names no API root");
		return OE_EINVAL;
	}
	if (oe_sync_url_join(ss->disc, root, ss->root, sizeof(ss->root) - 1)) {
		snprintf(err, errcap, "discovery: API root '%.200s' is not an http(s) URL", root);
		return OE_EINVAL;
	}
	size_t k = strlen(ss->root);
	if (k && ss->root[k - 1] != '/')
		memcpy(ss->root + k, "/", 2);
	return 0;
}

int oe_sync_session_collections(oe_sync_session *ss, oe_env_collection **out, size_t *n, char *err,
				size_t errcap)
{
	char url[OE_SYNC_URL_CAP + 16];
	oe_sync_resp resp;
	snprintf(url, sizeof(url), "%scollections/", ss->root);
	int ret = oe_sync_session_call(ss, url, "collections", NULL, 0, &resp, err, errcap);
	if (ret)
		return ret;
	char e[256];
	ret = oe_env_collections_parse(resp.body.data, resp.body.len, ss->c.arena, out, n, e,
				       sizeof(e));
	oe_buf_free(&resp.body);
	if (ret)
		snprintf(err, errcap, "collections: %s", e);
	return ret;
}
