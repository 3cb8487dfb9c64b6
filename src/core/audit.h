/* audit.h - the hash chain of the audit log.
 *
 * Each entry's hash covers the previous entry's hash (32 zero bytes for
 * the first), its time and its four texts; changing, removing or
 * reordering any entry breaks every hash after it. The chain is not keyed:
 * whoever can write the database can recompute it, which is why the data
 * directory also keeps a checkpoint of the newest verified entry outside
 * the database (service/audit.c, docs/console-auth.md). */
#ifndef OE_AUDIT_H
#define OE_AUDIT_H

#include <stdint.h>

#include "common.h"

#define OE_AUDIT_HASH_LEN 32

/* The hash of one entry after prev. object and detail may be NULL (hashed
 * as empty texts). */
void oe_audit_hash(const uint8_t prev[OE_AUDIT_HASH_LEN], oe_time ts, const char *actor,
		   const char *action, const char *object, const char *detail,
		   uint8_t out[OE_AUDIT_HASH_LEN]);

#endif
