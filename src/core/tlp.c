/* tlp.c - TLP 2.0 names, marking ids and the visibility rule (see tlp.h). */
#include "tlp.h"

#include <strings.h>
#include <string.h>

static const char *const names[] = {"clear", "green", "amber", "amber+strict", "red"};

static const char *const marking_ids[] = {
    "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
    "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
    "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
    "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
    "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
};

/* TLP 1.0 marking definitions (STIX 2.1 spec section 7.2.1.4). */
static const char *const marking_ids_v1[] = {
    "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9", /* white */
    "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da", /* green */
    "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82", /* amber */
    NULL,
    "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed", /* red */
};

const char *oe_tlp_name(oe_tlp t)
{
	return (unsigned)t < OE_ARRAY_SIZE(names) ? names[t] : "invalid";
}

int oe_tlp_parse(const char *s)
{
	if (!s)
		return -1;
	if (strncasecmp(s, "tlp:", 4) == 0)
		s += 4;
	for (unsigned i = 0; i < OE_ARRAY_SIZE(names); i++)
		if (strcasecmp(s, names[i]) == 0)
			return (int)i;
	if (strcasecmp(s, "white") == 0)
		return OE_TLP_CLEAR;
	return -1;
}

const char *oe_tlp_marking_id(oe_tlp t)
{
	return (unsigned)t < OE_ARRAY_SIZE(marking_ids) ? marking_ids[t] : NULL;
}

int oe_tlp_from_marking_id(const char *id)
{
	if (!id)
		return -1;
	for (unsigned i = 0; i < OE_ARRAY_SIZE(marking_ids); i++) {
		if (strcmp(id, marking_ids[i]) == 0)
			return (int)i;
		if (marking_ids_v1[i] && strcmp(id, marking_ids_v1[i]) == 0)
			return (int)i;
	}
	return -1;
}

static const char *const roles[] = {"reader", "analyst", "admin", "peer", "public"};

const char *oe_role_name(oe_role r)
{
	return (unsigned)r < OE_ARRAY_SIZE(roles) ? roles[r] : "invalid";
}

int oe_role_parse(const char *s)
{
	if (!s)
		return -1;
	for (unsigned i = 0; i < OE_ROLE_PUBLIC; i++) /* "public" is never granted */
		if (strcmp(s, roles[i]) == 0)
			return (int)i;
	return -1;
}

static bool in(const int64_t *set, size_t n, int64_t id)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (set[mid] == id)
			return true;
		if (set[mid] < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

bool oe_may_see_in(const oe_viewer *v, oe_tlp tlp, int64_t owner_org, int64_t group_id)
{
	if (tlp == OE_TLP_CLEAR)
		return true;
	if (v->role == OE_ROLE_PUBLIC || v->org_id <= 0)
		return false;
	if (tlp == OE_TLP_GREEN)
		return true;
	if ((unsigned)tlp > OE_TLP_RED)
		return false;
	/* RED never leaves the node: not even to a peer key of the owner's
	 * own organisation (a machine of another node). */
	if (tlp == OE_TLP_RED)
		return v->role != OE_ROLE_PEER && v->org_id == owner_org;
	if (v->org_id == owner_org)
		return true;
	if (group_id <= 0)
		return false;
	size_t ng = v->ngroups < OE_VIEWER_GROUPS_MAX ? v->ngroups : OE_VIEWER_GROUPS_MAX;
	if (in(v->groups, ng, group_id))
		return true;
	/* A peer named as a node receives AMBER, not AMBER+STRICT. */
	size_t np = v->npeer_groups < OE_VIEWER_GROUPS_MAX ? v->npeer_groups : OE_VIEWER_GROUPS_MAX;
	return tlp == OE_TLP_AMBER && v->role == OE_ROLE_PEER && in(v->peer_groups, np, group_id);
}

bool oe_may_see(const oe_viewer *v, oe_tlp tlp, int64_t owner_org)
{
	return oe_may_see_in(v, tlp, owner_org, 0);
}
