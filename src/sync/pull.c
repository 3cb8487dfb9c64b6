/* pull.c - one pull from a partner node (see pull.h). */
#include "pull.h"

#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "service/log.h"
#include "session.h"

/* One pull in progress. */
typedef struct {
	oe_sync_session ss;
	oe_sync_result *r;
	int page_limit;
} pull;

/* Pull one collection from its cursor until the partner has no more. */
static int pull_collection(pull *p, const char *id, char *err, size_t errcap)
{
	oe_arena a = OE_ARENA_INIT;
	oe_ctx *c = &p->ss.c;
	char cursor[64] = "", start[64] = "", next[OE_ENV_NEXT_MAX + 1] = "";
	char *cur = NULL;
	oe_buf url = OE_BUF_INIT;
	int ret = oe_svc_sync_cursor(c, p->ss.peer.id, id, &cur);
	if (ret) {
		snprintf(err, errcap, "collection %.100s: cursor: %s", id, oe_strerror(ret));
		return ret;
	}
	if (cur && strlen(cur) < sizeof(cursor))
		snprintf(cursor, sizeof(cursor), "%s", cur);
	memcpy(start, cursor, sizeof(start));
	for (size_t pages = 0;; pages++) {
		if (oe_sync_stopped(&p->ss)) {
			snprintf(err, errcap, "stopped");
			ret = OE_EIO;
			break;
		}
		if (pages == OE_SYNC_MAX_PAGES)
			break; /* the next pull goes on from the cursor */
		oe_arena_clear(&a);
		oe_buf_clear(&url);
		oe_buf_printf(&url, "%scollections/", p->ss.root);
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
		if ((ret =
			 oe_sync_session_call(&p->ss, url.data, what, NULL, 0, &resp, err, errcap)))
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
		if ((ret = oe_svc_sync_page(c, p->ss.peer.id, id, &pg, nc, &p->r->n))) {
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

int oe_sync_pull(oe_node *node, oe_store *s, int64_t peer_id, const atomic_bool *stop,
		 oe_sync_result *r)
{
	oe_arena a = OE_ARENA_INIT;
	memset(r, 0, sizeof(*r));
	pull p = {.r = r, .page_limit = node->cfg.sync_page_limit};
	char err[OE_SYNC_ERROR_MAX + 1] = "";
	oe_time attempt = oe_now();
	int ret = oe_sync_session_open(&p.ss, node, s, &a, peer_id, stop, err, sizeof(err));
	if (ret == OE_ENOTFOUND || (ret && !p.ss.peer.name)) {
		oe_arena_clear(&a);
		return ret;
	}
	snprintf(r->peer, sizeof(r->peer), "%s", p.ss.peer.name);
	oe_env_collection *cols = NULL;
	size_t n = 0;
	if (!ret)
		ret = oe_sync_session_discover(&p.ss, err, sizeof(err));
	if (!ret)
		ret = oe_sync_session_collections(&p.ss, &cols, &n, err, sizeof(err));
	for (size_t i = 0; !ret && i < n; i++) {
		if (!cols[i].can_read)
			continue;
		r->collections++;
		ret = pull_collection(&p, cols[i].id, err, sizeof(err));
	}
	oe_sync_session_close(&p.ss);
	snprintf(r->identity, sizeof(r->identity), "%s", p.ss.identity);
	r->ok = ret == 0;
	snprintf(r->error, sizeof(r->error), "%s", r->ok ? "" : err[0] ? err : oe_strerror(ret));
	if (!r->ok && oe_sync_stopped(&p.ss)) {
		/* The server is stopping: not the partner's failure, and the
		 * next start pulls at once (the committed pages stay). */
		oe_arena_clear(&a);
		return 0;
	}
	ret = oe_svc_sync_status(&p.ss.c, peer_id, attempt, r->ok ? NULL : r->error,
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
				oe_log(OE_LOG_ERROR, "cannot record a pull", "{s:s}", "peer",
				       pr->name);
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
