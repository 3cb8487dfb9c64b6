/* pull.c - one pull from a partner node (see pull.h). */
#include "pull.h"

#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "client.h"
#include "service/log.h"
#include "service/share.h"

#define URL_CAP 4096

/* One pull in progress. */
typedef struct {
	oe_ctx c;
	int64_t peer_id;
	oe_sync_http *h;
	const atomic_bool *stop;
	oe_sync_result *r;
	char disc[URL_CAP], root[URL_CAP];
	int page_limit;
} pull;

static bool stopped(const pull *p)
{
	return p->stop && atomic_load(p->stop);
}

/* The discovery URL and, when the peer's URL names one, the API root: a
 * URL with "/taxii2/" in it is the discovery document up to there and an
 * API root when something follows; any other URL is the partner's base. */
static int locate(pull *p, const char *url, char *err, size_t errcap)
{
	const char *t = strstr(url, "/taxii2/");
	size_t n = t ? (size_t)(t - url) + 8 : strlen(url);
	while (!t && n && url[n - 1] == '/')
		n--;
	if (n + 9 >= sizeof(p->disc)) {
		snprintf(err, errcap, "the peer's URL is too long");
		return OE_EINVAL;
	}
	snprintf(p->disc, sizeof(p->disc), "%.*s%s", (int)n, url, t ? "" : "/taxii2/");
	p->root[0] = '\0';
	if (t && t[8]) {
		size_t k = strlen(url);
		if (k + 2 >= sizeof(p->root)) {
			snprintf(err, errcap, "the peer's URL is too long");
			return OE_EINVAL;
		}
		snprintf(p->root, sizeof(p->root), "%s%s", url, url[k - 1] == '/' ? "" : "/");
	}
	return 0;
}

/* GET url; a 2xx answer or an error naming what was asked. */
static int get(pull *p, const char *url, const char *what, oe_sync_resp *resp, char *err,
	       size_t errcap)
{
	char e[256];
	int ret = oe_sync_http_request(p->h, url, NULL, 0, resp, e, sizeof(e));
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

/* Discovery: the partner's identity (bound at the first pull, checked at
 * every later one) and, unless the peer's URL named it, the API root. */
static int discover(pull *p, oe_arena *a, char *err, size_t errcap)
{
	oe_sync_resp resp;
	int ret = get(p, p->disc, "discovery", &resp, err, errcap);
	if (ret)
		return ret;
	oe_env_discovery d;
	char e[256];
	ret = oe_env_discovery_parse(resp.body.data, resp.body.len, a, &d, e, sizeof(e));
	oe_buf_free(&resp.body);
	if (ret) {
		snprintf(err, errcap, "discovery: %s", e);
		return ret;
	}
	if (d.has_node) {
		const char *why = NULL;
		snprintf(p->r->identity, sizeof(p->r->identity), "%s", d.node.id);
		ret = oe_svc_sync_bind(&p->c, p->peer_id, &d.node, &why);
		if (ret) {
			snprintf(err, errcap, "discovery: %s", why ? why : oe_strerror(ret));
			return ret;
		}
	}
	if (p->root[0])
		return 0;
	const char *root = d.def ? d.def : d.nroots ? d.roots[0] : NULL;
	if (!root) {
		snprintf(err, errcap, "discovery: the partner names no API root");
		return OE_EINVAL;
	}
	if (oe_sync_url_join(p->disc, root, p->root, sizeof(p->root) - 1)) {
		snprintf(err, errcap, "discovery: API root '%.200s' is not an http(s) URL", root);
		return OE_EINVAL;
	}
	size_t k = strlen(p->root);
	if (k && p->root[k - 1] != '/')
		memcpy(p->root + k, "/", 2);
	return 0;
}

/* Pull one collection from its cursor until the partner has no more. */
static int pull_collection(pull *p, const char *id, char *err, size_t errcap)
{
	oe_arena a = OE_ARENA_INIT;
	oe_ctx *c = &p->c;
	char cursor[64] = "", start[64] = "", next[OE_ENV_NEXT_MAX + 1] = "";
	char *cur = NULL;
	oe_buf url = OE_BUF_INIT;
	int ret = oe_svc_sync_cursor(c, p->peer_id, id, &cur);
	if (ret) {
		snprintf(err, errcap, "collection %.100s: cursor: %s", id, oe_strerror(ret));
		return ret;
	}
	if (cur && strlen(cur) < sizeof(cursor))
		snprintf(cursor, sizeof(cursor), "%s", cur);
	memcpy(start, cursor, sizeof(start));
	for (size_t pages = 0;; pages++) {
		if (stopped(p)) {
			snprintf(err, errcap, "stopped");
			ret = OE_EIO;
			break;
		}
		if (pages == OE_SYNC_MAX_PAGES)
			break; /* the next pull goes on from the cursor */
		oe_arena_clear(&a);
		oe_buf_clear(&url);
		oe_buf_printf(&url, "%scollections/", p->root);
		oe_sync_url_escape(&url, id);
		oe_buf_printf(&url, "/objects/?limit=%d", p->page_limit);
		/* With a "next" token, the query that started the run goes with
		 * it, as TAXII says; without one, the page starts after the last
		 * one stored. */
		const char *after = next[0] ? start : cursor;
		if (after[0]) {
			oe_buf_adds(&url, "&added_after=");
			oe_sync_url_escape(&url, after);
		}
		if (next[0]) {
			oe_buf_adds(&url, "&next=");
			oe_sync_url_escape(&url, next);
		}
		if (oe_buf_error(&url)) {
			ret = OE_ENOMEM;
			snprintf(err, errcap, "out of memory");
			break;
		}
		char what[160];
		snprintf(what, sizeof(what), "collection %.100s, page %zu", id, pages + 1);
		oe_sync_resp resp;
		if ((ret = get(p, url.data, what, &resp, err, errcap)))
			break;
		oe_env_page pg;
		char e[256];
		ret = oe_env_parse(resp.body.data, resp.body.len, &c->node->canon, &a, &pg, e,
				   sizeof(e));
		oe_buf_free(&resp.body);
		if (ret) {
			snprintf(err, errcap, "%s: %s", what, e);
			break;
		}
		/* The page's cursor: the partner's date_added of its last object,
		 * which must move forward. An empty page moves nothing. */
		oe_time last = 0, prev = 0;
		const char *nc = pg.nobjects ? resp.date_last : NULL;
		if (nc && (!nc[0] || oe_time_parse(nc, &last))) {
			snprintf(err, errcap, "%s: no valid X-TAXII-Date-Added-Last", what);
			ret = OE_EINVAL;
			break;
		}
		if (nc && cursor[0] && !oe_time_parse(cursor, &prev) && last <= prev) {
			snprintf(err, errcap, "%s: X-TAXII-Date-Added-Last does not move forward",
				 what);
			ret = OE_EINVAL;
			break;
		}
		if ((ret = oe_svc_sync_page(c, p->peer_id, id, &pg, nc, &p->r->n))) {
			snprintf(err, errcap, "%s: storing it failed: %s", what, oe_strerror(ret));
			break;
		}
		p->r->pages++;
		if (nc)
			snprintf(cursor, sizeof(cursor), "%s", nc);
		if (!pg.more)
			break;
		if (pg.next) {
			snprintf(next, sizeof(next), "%s", pg.next);
		} else if (!nc) {
			snprintf(err, errcap, "%s: says more, but neither a next token nor a date",
				 what);
			ret = OE_EINVAL;
			break;
		} else {
			next[0] = '\0';
		}
	}
	oe_buf_free(&url);
	oe_arena_clear(&a);
	return ret;
}

static int pull_all(pull *p, const oe_peer_row *peer, char *err, size_t errcap)
{
	oe_arena a = OE_ARENA_INIT;
	int ret = locate(p, peer->url, err, errcap);
	if (!ret)
		ret = discover(p, &a, err, errcap);
	char url[URL_CAP + 16];
	oe_sync_resp resp;
	if (!ret) {
		snprintf(url, sizeof(url), "%scollections/", p->root);
		ret = get(p, url, "collections", &resp, err, errcap);
	}
	oe_env_collection *cols = NULL;
	size_t n = 0;
	if (!ret) {
		char e[256];
		ret = oe_env_collections_parse(resp.body.data, resp.body.len, &a, &cols, &n, e,
					       sizeof(e));
		oe_buf_free(&resp.body);
		if (ret)
			snprintf(err, errcap, "collections: %s", e);
	}
	for (size_t i = 0; !ret && i < n; i++) {
		if (!cols[i].can_read)
			continue;
		p->r->collections++;
		ret = pull_collection(p, cols[i].id, err, errcap);
	}
	oe_arena_clear(&a);
	return ret;
}

int oe_sync_pull(oe_node *node, oe_store *s, int64_t peer_id, const atomic_bool *stop,
		 oe_sync_result *r)
{
	oe_arena a = OE_ARENA_INIT;
	memset(r, 0, sizeof(*r));
	pull p = {.c = {.node = node,
			.store = s,
			.viewer = {.org_id = OE_NODE_OPERATOR_ORG, .role = OE_ROLE_ADMIN},
			.actor = "sync",
			.arena = &a},
		  .peer_id = peer_id,
		  .stop = stop,
		  .r = r,
		  .page_limit = node->cfg.sync_page_limit};
	oe_peer_row peer;
	int ret = s->ops->share->peer_get(s, peer_id, NULL, &a, &peer);
	if (ret) {
		oe_arena_clear(&a);
		return ret;
	}
	snprintf(r->peer, sizeof(r->peer), "%s", peer.name);
	if (peer.identity)
		snprintf(r->identity, sizeof(r->identity), "%s", peer.identity);
	oe_time attempt = oe_now();
	char err[OE_SYNC_ERROR_MAX + 1] = "";
	char key[600];
	if (!peer.url || !peer.has_key) {
		snprintf(err, sizeof(err), "not pulled from: no URL and key (oureyes peer add)");
		ret = OE_EINVAL;
	} else if ((ret = oe_svc_peer_key(&p.c, peer_id, key, sizeof(key)))) {
		snprintf(err, sizeof(err), "the stored key cannot be opened (secret.key changed?)");
	} else {
		oe_sync_http_opts o = {.key = key,
				       .connect_timeout = (long)node->cfg.sync_connect_timeout,
				       .timeout = (long)node->cfg.sync_timeout,
				       .max_bytes = (size_t)node->cfg.sync_max_page,
				       .stop = stop};
		if ((ret = oe_sync_http_open(&o, &p.h)))
			snprintf(err, sizeof(err), "out of memory");
		else
			ret = pull_all(&p, &peer, err, sizeof(err));
		oe_sync_http_close(p.h);
		sodium_memzero(key, sizeof(key));
	}
	r->ok = ret == 0;
	snprintf(r->error, sizeof(r->error), "%s", r->ok ? "" : err[0] ? err : oe_strerror(ret));
	ret = oe_svc_sync_status(&p.c, peer_id, attempt, r->ok ? NULL : r->error,
				 (int64_t)(r->n.created + r->n.updated), &r->next_attempt);
	oe_arena_clear(&a);
	return ret;
}

int64_t oe_sync_due(oe_node *node, oe_store *s, const atomic_bool *stop)
{
	oe_arena a = OE_ARENA_INIT;
	oe_peer_row *peers;
	size_t n;
	int64_t wait = -1;
	if (s->ops->share->peer_list(s, &a, &peers, &n)) {
		oe_log(OE_LOG_ERROR, "cannot list peers to pull from", NULL);
		oe_arena_clear(&a);
		return (int64_t)node->cfg.sync_interval;
	}
	for (size_t i = 0; i < n && !(stop && atomic_load(stop)); i++) {
		const oe_peer_row *pr = &peers[i];
		if (!pr->url || !pr->has_key)
			continue;
		oe_time next = pr->next_attempt;
		if (next <= oe_now()) {
			oe_sync_result r;
			if (oe_sync_pull(node, s, pr->id, stop, &r)) {
				oe_log(OE_LOG_ERROR, "cannot record a pull", "{s:s}", "peer", pr->name);
				next = oe_now() + node->cfg.sync_interval * 1000000;
			} else {
				next = r.next_attempt;
				if (!r.ok)
					oe_log(OE_LOG_WARN, "pull failed", "{s:s,s:s,s:I}", "peer",
					       r.peer, "error", r.error, "retry_seconds",
					       (json_int_t)((next - oe_now()) / 1000000));
				else if (r.n.created || r.n.updated || r.n.refused)
					oe_log(OE_LOG_INFO, "pulled", "{s:s,s:I,s:I,s:I}", "peer",
					       r.peer, "created", (json_int_t)r.n.created,
					       "updated", (json_int_t)r.n.updated, "refused",
					       (json_int_t)r.n.refused);
			}
		}
		int64_t w = (next - oe_now() + 999999) / 1000000;
		if (w < 1)
			w = 1;
		if (wait < 0 || w < wait)
			wait = w;
	}
	oe_arena_clear(&a);
	/* With no one to pull from, look again after an interval: a peer
	 * added with `oureyes peer add` is pulled from without a restart. */
	return wait < 0 ? (int64_t)node->cfg.sync_interval : wait;
}
