/* pull.h - pulling from partner nodes over TAXII 2.1 (docs/sharing.md,
 * "Sync"): discovery, then the API root's collections, then each readable
 * collection's objects page by page from the cursor where the last pull
 * stopped. Each page is stored in one transaction with its new cursor
 * (service/sync.h), so a pull that fails - a partner down, slow, answering
 * garbage, an oversized page or a malformed envelope - keeps every page it
 * committed, stores nothing of the page that failed, records the error on
 * the peer and is retried with back-off; the next pull resumes at the
 * cursor, losing and duplicating nothing.
 *
 * `oureyes sync` calls oe_sync_pull for each peer; the server's scheduler
 * calls oe_sync_due on every pass. */
#ifndef OE_SYNC_PULL_H
#define OE_SYNC_PULL_H

#include <stdatomic.h>

#include "service/sync.h"

/* Pages pulled from one collection in one pull: a partner that keeps
 * saying "more" meets this wall, and the next pull continues. */
#define OE_SYNC_MAX_PAGES 100000

typedef struct {
	char peer[201];
	bool ok;
	char error[OE_SYNC_ERROR_MAX + 1]; /* "" when ok */
	char identity[64];		   /* the partner's operator, "" when unknown */
	size_t collections, pages;
	oe_sync_counts n;
	oe_time next_attempt;
} oe_sync_result;

/* Pull once from peer peer_id as the node operator, through store s (a
 * connection of the calling thread), and record the outcome on the peer.
 * stop (may be NULL) ends a pull in flight between pages and inside a
 * request; a pull stopped so is not recorded (the server is stopping, the
 * partner did not fail). Returns 0 when the pull was made, whatever its
 * outcome (r->ok says); an error when even that was impossible. */
int oe_sync_pull(oe_node *node, oe_store *s, int64_t peer_id, const atomic_bool *stop,
		 oe_sync_result *r);

/* The scheduler's pass: pull from every peer that has a URL and a key and
 * whose next attempt is due, logging each outcome. Returns the seconds
 * until the next one is due (at least 1; the interval when no peer is
 * pulled from, so that one added meanwhile is found). */
int64_t oe_sync_due(oe_node *node, oe_store *s, const atomic_bool *stop);

#endif
