/* matcher.h - the node's in-memory matcher (match/match.h), built from the
 * store and kept current.
 *
 * oe_svc_match_start() builds the first snapshot before it returns (a
 * restarted node answers lookups from its first request) and starts one
 * thread, with its own store connection, that every OE_MATCH_REFRESH_MS
 * asks the store for the highest indicator id and change sequence number
 * (two primary-key reads). When they moved, it reads the new and changed
 * indicators and publishes a snapshot of the same base with a new delta
 * layer on top; when the delta grows past a share of the base, it reads
 * everything again into a new base. Writers - the API, imports from another
 * process, citizens' reports - need no hook: the store's change log
 * (migrations/0004_match.sql) tells what changed, in commit order. */
#ifndef OE_SVC_MATCHER_H
#define OE_SVC_MATCHER_H

#include "match/match.h"
#include "node.h"

/* How often the store is asked whether indicators changed. */
#define OE_MATCH_REFRESH_MS 200

typedef struct oe_svc_matcher oe_svc_matcher;

/* Build node's matcher from the store and keep it current; node->match
 * is set. On failure node->match stays NULL (lookups then read the store)
 * and err says why. */
int oe_svc_match_start(oe_node *node, oe_svc_matcher **out, char *err, size_t errcap);
/* Stop the refresher and free the matcher (node->match becomes NULL). No
 * request may be running. NULL is fine. */
void oe_svc_match_stop(oe_svc_matcher *m);

/* Longest a writer waits for lookups to see its write. */
#define OE_MATCH_SYNC_MS 10000

/* Wait until lookups see every write this process committed before the
 * call (at most OE_MATCH_SYNC_MS): the write use cases call it after their
 * commit, so that the lookup a client sends after an acknowledged write
 * sees it. Writes of other processes (oureyes import) show within
 * OE_MATCH_REFRESH_MS plus the time to read them. A no-op without a
 * running matcher. */
void oe_svc_match_sync(oe_node *node);

/* A snapshot of everything in s now, for one-shot use (oureyes match). */
int oe_svc_match_load(oe_store *s, oe_match_snap **out);

typedef struct {
	uint64_t refreshes; /* delta snapshots published */
	uint64_t rebuilds;  /* full reads, the first one included */
	oe_time last_us;    /* how long the last publish took to build */
	size_t delta;	    /* indicators in the current delta */
} oe_svc_match_info;

void oe_svc_match_info_get(oe_svc_matcher *m, oe_svc_match_info *out);

#endif
