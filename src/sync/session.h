/* session.h - talking to one partner node's TAXII server: its peer row and
 * the key we hold for it (opened from its sealed form), the discovery
 * document (whose identity is bound to the peer at the first contact and
 * checked at every later one), the API root, and its collections. What
 * pull.c and push.c share; not for other modules.
 *
 * A session acts as the node operator's admin ("sync" in the audit log)
 * through the store connection it is given; its strings live in the arena
 * it is given. */
#ifndef OE_SYNC_SESSION_H
#define OE_SYNC_SESSION_H

#include <stdatomic.h>

#include "client.h"
#include "service/sync.h"

#define OE_SYNC_URL_CAP 4096

typedef struct {
	oe_ctx c; /* the operator's admin */
	oe_peer_row peer;
	oe_sync_http *h;
	const atomic_bool *stop;
	char disc[OE_SYNC_URL_CAP], root[OE_SYNC_URL_CAP];
	char identity[64]; /* the partner's operator, "" until known */
} oe_sync_session;

/* Read peer peer_id and open an HTTP handle with its key. On failure err
 * says why and the session needs no close. */
int oe_sync_session_open(oe_sync_session *ss, oe_node *node, oe_store *s, oe_arena *a,
			 int64_t peer_id, const atomic_bool *stop, char *err, size_t errcap);
/* NULL-safe; forgets the key. */
void oe_sync_session_close(oe_sync_session *ss);

/* Discovery: bind or check the partner's identity, find the API root. */
int oe_sync_session_discover(oe_sync_session *ss, char *err, size_t errcap);

/* GET url (POST body when body is not NULL): a 2xx answer, or an error
 * that names what was asked. */
int oe_sync_session_call(oe_sync_session *ss, const char *url, const char *what, const char *body,
			 size_t len, oe_sync_resp *resp, char *err, size_t errcap);

/* The API root's collections, in the session's arena. */
int oe_sync_session_collections(oe_sync_session *ss, oe_env_collection **out, size_t *n, char *err,
				size_t errcap);

static inline bool oe_sync_stopped(const oe_sync_session *ss)
{
	return ss->stop && atomic_load(ss->stop);
}

#endif
