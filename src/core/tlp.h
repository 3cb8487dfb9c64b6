/* tlp.h - TLP 2.0 levels and the one function that decides who may see what.
 *
 * Levels are ordered from least to most restrictive, so "a < b" reads
 * "a is shared more widely than b". */
#ifndef OE_TLP_H
#define OE_TLP_H

#include "common.h"

typedef enum {
	OE_TLP_CLEAR = 0,
	OE_TLP_GREEN = 1,
	OE_TLP_AMBER = 2,
	OE_TLP_AMBER_STRICT = 3,
	OE_TLP_RED = 4
} oe_tlp;

/* "clear", "green", "amber", "amber+strict", "red". */
const char *oe_tlp_name(oe_tlp t);
/* Accepts the names above, case-insensitive, with or without a "tlp:"
 * prefix, and "white" as the TLP 1.0 name of clear. -1 when unknown. */
int oe_tlp_parse(const char *s);
/* The STIX marking-definition id of each level (TLP 2.0 ids). */
const char *oe_tlp_marking_id(oe_tlp t);
/* The level of a marking-definition id, TLP 2.0 or 1.0; -1 when unknown. */
int oe_tlp_from_marking_id(const char *id);

typedef enum {
	OE_ROLE_READER = 0,
	OE_ROLE_ANALYST = 1,
	OE_ROLE_ADMIN = 2,
	OE_ROLE_PEER = 3,
	OE_ROLE_PUBLIC = 4 /* anonymous citizen: CLEAR only */
} oe_role;

const char *oe_role_name(oe_role r);
int oe_role_parse(const char *s); /* -1 when unknown */

/* Sharing groups a viewer is in, of each kind, at most this many; past it
 * the viewer sees less, never more. */
#define OE_VIEWER_GROUPS_MAX 32

typedef struct {
	int64_t org_id; /* 0 for the public */
	oe_role role;
	/* The sharing groups that name the viewer's organisation, and, for a
	 * peer key, those that name its peer (partner node). Ascending. */
	uint8_t ngroups, npeer_groups;
	int64_t groups[OE_VIEWER_GROUPS_MAX];
	int64_t peer_groups[OE_VIEWER_GROUPS_MAX];
} oe_viewer;

/* May viewer v see an object marked tlp whose owner organisation is
 * owner_org, scoped to sharing group group_id (0: none)?
 *   CLEAR         everyone, the public included;
 *   GREEN         every authenticated member and peer;
 *   AMBER         the owner organisation, and the organisations and peers
 *                 the group names;
 *   AMBER+STRICT  the owner organisation and the organisations the group
 *                 names: a peer only when its own organisation is named;
 *   RED           the owner organisation's members, never a peer key, not
 *                 even the owner's own.
 * The one function that decides; docs/sharing.md has the table. */
bool oe_may_see_in(const oe_viewer *v, oe_tlp tlp, int64_t owner_org, int64_t group_id);
/* The same for an object in no group. */
bool oe_may_see(const oe_viewer *v, oe_tlp tlp, int64_t owner_org);

#endif
