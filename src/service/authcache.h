/* authcache.h - recently checked API keys, so that a request does not read
 * the database to learn who is asking.
 *
 * An entry holds the keyed hash of the key's secret (as stored), the
 * caller it names (organisation, role, groups) and the generation it was
 * made in. The generation is a counter in the data directory's auth.gen,
 * mapped shared into every process that opens the node: whoever revokes a
 * key or changes a group (the server, or the CLI beside it) bumps it, and
 * every cached check is void from that instant, with no system call on the
 * request path. Entries also expire after OE_AUTHCACHE_SECONDS, for
 * changes made behind oureyes' back. */
#ifndef OE_AUTHCACHE_H
#define OE_AUTHCACHE_H

#include <stdbool.h>
#include <stdint.h>

#include "core/common.h"
#include "core/tlp.h"

#define OE_AUTHCACHE_SECONDS 60

typedef struct oe_authcache oe_authcache;

/* A cache whose generation lives in dir/auth.gen (created when absent).
 * Without the file (read-only directory) the generation is this process's
 * own and entries expire after 2 seconds. */
oe_authcache *oe_authcache_new(const char *dir);
void oe_authcache_free(oe_authcache *c); /* NULL is fine */

/* 1 and *v filled when key_id is cached with secret hash h; 0 when it is
 * not cached (ask the database); -1 when it is cached with another hash
 * (a wrong secret). */
int oe_authcache_get(oe_authcache *c, const char *key_id, const uint8_t h[32], oe_time now,
		     oe_viewer *v);
void oe_authcache_put(oe_authcache *c, const char *key_id, const uint8_t h[32], const oe_viewer *v,
		      oe_time now);
/* Forget everything: keys or groups changed. */
void oe_authcache_changed(oe_authcache *c);

#endif
