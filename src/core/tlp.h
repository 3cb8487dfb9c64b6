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

typedef struct {
	int64_t org_id; /* 0 for the public */
	oe_role role;
} oe_viewer;

/* May viewer v see an object marked tlp whose owner organisation is
 * owner_org? CLEAR: everyone. GREEN: every authenticated member and peer.
 * AMBER, AMBER+STRICT, RED: the owner organisation's own members (sharing
 * groups widen AMBER later). RED never reaches a peer key, even the owner's. */
bool oe_may_see(const oe_viewer *v, oe_tlp tlp, int64_t owner_org);

#endif
