/* share.h - partner nodes and sharing groups: the use cases behind
 * `oureyes peer`, `oureyes group`, /api/v1/peers and /api/v1/sharing-groups
 * (docs/sharing.md). Pairing and peers are the node operator's admins'
 * business; any organisation's analysts and admins make groups of their
 * own. */
#ifndef OE_SHARE_H
#define OE_SHARE_H

#include "service.h"

#define OE_GROUP_MEMBERS_MAX 1000

/* Register partner NAME (its operator organisation, of country) and make a
 * key of role peer for it: the partner pulls from us with that key. */
int oe_svc_peer_invite(oe_ctx *c, const char *name, const char *country, char org_id[64],
		       char key[OE_APIKEY_LEN + 1], const char **why);
/* Pull from partner NAME at url with the key it gave us (stored sealed
 * under a key derived from secret.key). The partner is registered when it
 * was not invited here yet. */
int oe_svc_peer_add(oe_ctx *c, const char *name, const char *url, const char *key,
		    const char **why);
int oe_svc_peer_list(oe_ctx *c, oe_peer_row **out, size_t *n);
/* The key to pull from peer_id with, opened, into key (cap bytes). */
int oe_svc_peer_key(oe_ctx *c, int64_t peer_id, char *key, size_t cap);

typedef struct {
	oe_group_row g;
	oe_group_member *members;
	size_t nmembers;
} oe_group_detail;

/* A group of the caller's organisation. members are names: "org:NAME",
 * "peer:NAME", or NAME (an organisation when one has that name, else a
 * peer). The caller's organisation is always a member. */
int oe_svc_group_add(oe_ctx *c, const char *name, const char *const *members, size_t n,
		     oe_group_row *out, const char **why);
/* Make the caller's organisation's group called name have exactly these
 * members (and its owner). A member that leaves is served a revocation of
 * each of the group's objects it may have received (docs/sharing.md,
 * "Revocations"). OE_ENOTFOUND when there is no such group. */
int oe_svc_group_set(oe_ctx *c, const char *name, const char *const *members, size_t n,
		     oe_group_row *out, const char **why);
int oe_svc_group_list(oe_ctx *c, oe_group_detail **out, size_t *n);
/* The caller's organisation's group called name. */
int oe_svc_group_find(oe_ctx *c, const char *name, int64_t *id);

/* Is x one of v[0..n)? */
bool oe_svc_id_in(const int64_t *v, size_t n, int64_t x);
/* Do members m[0..nm) name exactly the organisations want[0..n), and no
 * peer? (A received group is rewritten only when it is not.) */
bool oe_svc_group_same(const oe_group_member *m, size_t nm, const int64_t *want, size_t n);

#endif
