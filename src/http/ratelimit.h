/* ratelimit.h - abuse control for the public channel, in memory only.
 *
 * Token buckets keyed by a keyed hash (a random key drawn at start) of
 * whatever the caller counts: a client address, a receipt prefix. Nothing
 * here is ever written to disk or logs, and the keys cannot be turned back
 * into addresses without the process's memory. The table has a fixed size;
 * when it is full the least recently used bucket is forgotten, which can
 * only ever let a caller through, never lock one out. */
#ifndef OE_RATELIMIT_H
#define OE_RATELIMIT_H

#include <stdbool.h>
#include <stddef.h>

#include "core/common.h"

typedef struct oe_ratelimit oe_ratelimit;

/* Kinds of buckets, each its own key space. */
enum {
	OE_RL_REQUEST,
	OE_RL_REPORT,
	OE_RL_RECEIPT_ADDR,
	OE_RL_RECEIPT_PREFIX,
	OE_RL_SIGNIN_USER, /* failed console sign-ins per user name */
	OE_RL_SIGNIN_ADDR, /* failed console sign-ins per client address */
	OE_RL__COUNT
};

oe_ratelimit *oe_ratelimit_new(void);
void oe_ratelimit_free(oe_ratelimit *rl); /* NULL is fine */

/* Take one token from the bucket (kind, key): the bucket holds `limit`
 * tokens and refills at limit per window_s seconds. Returns 0 when
 * allowed; else the seconds until a token is back (for Retry-After).
 * limit 0 means no limit. With take false, only looks. */
int oe_ratelimit_take(oe_ratelimit *rl, int kind, const void *key, size_t klen, int limit,
		      int window_s, oe_time now, bool take);

#endif
