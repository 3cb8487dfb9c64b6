/* push.h - pushing an event to a partner node: its objects POSTed to one
 * of the partner's collections that we may write to (TAXII 2.1 "Add
 * Objects"), answered with a status resource. What goes is decided by the
 * service (oe_svc_sync_push_envelope): only what the partner may receive. */
#ifndef OE_SYNC_PUSH_H
#define OE_SYNC_PUSH_H

#include "service/sync.h"

typedef struct {
	char peer[201];
	char collection[201]; /* the collection's id at the partner */
	oe_sync_push_counts n;
	/* The partner's status resource: objects it took and refused. */
	int64_t success, failure, pending;
	char status_id[64];
} oe_sync_push_result;

/* Push event event_uuid of the caller's node to peer peer_id's collection
 * (its id, alias or title; NULL: "community"), as c's caller (an analyst
 * or admin of the node operator), through c's store. On failure returns
 * the code with a message in err: OE_EPERM (what the partner may not
 * receive; the collection is not writable), OE_ENOTFOUND (no such event or
 * collection), OE_EIO (the partner failed). */
int oe_sync_push(oe_ctx *c, int64_t peer_id, const char *event_uuid, const char *collection,
		 oe_sync_push_result *r, char *err, size_t errcap);

#endif
