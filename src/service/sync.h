/* sync.h - what a pull from a partner node stores (docs/sharing.md,
 * "Sync"): the partner's operator identity, each page of a collection in
 * one transaction together with its cursor, and the outcome of a pull with
 * the time of the next attempt. The pulling itself (HTTP, sync/) reads the
 * partner's answers into core/taxii_env.h structures and hands them here.
 *
 * Every function needs the node operator's admin: the command line and
 * the scheduler act as one. */
#ifndef OE_SVC_SYNC_H
#define OE_SVC_SYNC_H

#include <jansson.h>

#include "core/taxii_env.h"
#include "service.h"

/* Bytes of a pull error kept per peer (peers.last_error). */
#define OE_SYNC_ERROR_MAX 300

typedef struct {
	size_t created;	  /* assertions new here */
	size_t updated;	  /* assertions replaced by a newer version (a revocation too) */
	size_t unchanged; /* versions we had, or older ones */
	size_t own;	  /* our own organisations' assertions, echoed back: never taken */
	size_t refused;	  /* objects the page refused, and assertions refused here */
	size_t withdrawn; /* of updated: revoked by a tombstone (docs/sharing.md) */
	size_t sightings; /* sightings new here (not counted above) */
} oe_sync_counts;

/* The partner's operator is the identity its discovery document names:
 * bind peer_id's organisation to it at the first pull (its stix_id and
 * country are rewritten; a remote organisation learnt earlier under that
 * identity is merged into it). Later pulls only check that it is still
 * the same: OE_ECONFLICT with *why when the partner now claims another
 * identity, ours, or another partner's. */
int oe_svc_sync_bind(oe_ctx *c, int64_t peer_id, const oe_env_identity *node, const char **why);

/* Where a pull of peer_id's collection resumes: *added_after in the
 * arena, or NULL when it was never pulled. */
int oe_svc_sync_cursor(oe_ctx *c, int64_t peer_id, const char *collection, char **added_after);

/* Store page p of peer_id's collection and move its cursor to cursor (NULL:
 * keep it) in one transaction: on any error nothing of the page is stored
 * and the cursor stays. Each assertion is written as its origin (the
 * created_by_ref identity, made a remote organisation when unknown) made
 * it: new ones are added, a newer version replaces the older (a revoked
 * one stops matching), an older or equal one changes nothing. AMBER and
 * AMBER+STRICT are scoped to the group the sender names, kept as received
 * (owner: the origin; members: this node's operator and the identities
 * listed), so that it is passed on to no one else. Counts are added to
 * *n. */
int oe_svc_sync_page(oe_ctx *c, int64_t peer_id, const char *collection, const oe_env_page *p,
		     const char *cursor, oe_sync_counts *n);

/* When to try peer_id next after a pull that failed (error set) or not,
 * given its consecutive failures before this one: after a success, the
 * interval; after failures, min(backoff_max, interval * 2^errors) with
 * jitter of +-50% (jitter: 0..1, uniformly drawn by the caller). Pure. */
oe_time oe_svc_sync_next(const oe_config *cfg, int64_t interval, int64_t errors, bool failed,
			 double jitter, oe_time now);

/* Record a pull's outcome: its error (NULL: success; cut to
 * OE_SYNC_ERROR_MAX bytes, control characters replaced), objects stored,
 * and the next attempt, also returned in *next. */
int oe_svc_sync_status(oe_ctx *c, int64_t peer_id, oe_time attempt, const char *error,
		       int64_t objects, oe_time *next);

/* --- push: an event to a partner's collection ---------------------------- */

typedef struct {
	size_t sent;	 /* indicators in the envelope */
	size_t withheld; /* the event's indicators the partner may not receive */
} oe_sync_push_counts;

/* The envelope that pushes event event_uuid to peer peer_id:
 * {"objects": [the event as a STIX report, the node operator's assertion
 * of each of its values]}, new reference in *env. Only what the partner
 * may receive goes: the event must be the operator's and visible to the
 * partner (OE_EPERM with *why otherwise), and each value goes under the
 * operator's own live assertion only when the partner may see that (RED
 * never; AMBER only when the partner is in its group), and only up to
 * max_tlp (GREEN for a partner's community collection, whose objects are in
 * no group there); the rest is withheld and counted. The caller must be an analyst or admin of the
 * node operator. Audited as peer.push. */
int oe_svc_sync_push_envelope(oe_ctx *c, int64_t peer_id, const char *event_uuid, int max_tlp,
			      json_t **env, oe_sync_push_counts *n, const char **why);

#endif
