/* stix_obj.h - one organisation's assertion of a value as the STIX 2.1
 * indicator that nodes exchange over TAXII (docs/sharing.md), and the
 * identity of the organisation that makes it.
 *
 * An assertion's id is derived from its organisation and value,
 * indicator--uuid5(oe_uuid_ns_indicator, "<identity id>|<type>:<value>"),
 * so every node gives the same assertion the same id. The object carries
 * what oe_stix_indicator_json writes (pattern, TLP 2.0 marking, times,
 * confidence, labels, revoked) and the extension properties
 * x_oureyes_type, x_oureyes_value and, when it is scoped to a sharing
 * group, x_oureyes_sharing {"group": name, "members": [identity ids]}. */
#ifndef OE_STIX_OBJ_H
#define OE_STIX_OBJ_H

#include <jansson.h>

#include "record.h"
#include "uuid.h"

/* The uuid of org_stix_id's assertion of type:value. */
void oe_stix_assertion_uuid(const char *org_stix_id, oe_itype type, const char *value, oe_uuid *u);
/* The same as "indicator--<uuid>" (out: at least 64 bytes). */
void oe_stix_assertion_id(const char *org_stix_id, oe_itype type, const char *value, char *out);
/* The first 8 bytes of a uuid as a signed integer: the key the TAXII log
 * indexes objects by (store/migrations/0006_taxii.sql). */
int64_t oe_stix_uuid_key(const oe_uuid *u);

/* The indicator for v, whose stix_id is the assertion's id and whose
 * org_stix_id is the asserting organisation. group is the name of the
 * sharing group it is scoped to (NULL: none) and members the identity ids
 * the group names. New reference, or NULL (out of memory, or v cannot be
 * exported: see oe_stix_indicator_json). */
json_t *oe_stix_assertion_json(const oe_indicator_view *v, const char *group,
			       const char *const *members, size_t nmembers);

/* The revocation tombstone of assertion id: what a node serves in place of
 * an object that a caller held and may hold no longer (revoked, deleted,
 * its marking raised, its group left). It carries nothing of the object
 * but its id: type, spec_version, id, revoked: true, and the properties
 * STIX requires of an indicator with values that say nothing (created,
 * modified and valid_from at `modified`; a pattern that names no value).
 * No x_oureyes_value: that is how a receiver tells it from an object
 * (core/taxii_env.h). New reference, or NULL. */
json_t *oe_stix_tombstone_json(const char *id, oe_time modified);
#define OE_STIX_TOMBSTONE_PATTERN "[x-oureyes-withdrawn:value = 'none']"

/* The identity of an organisation with its country (x_oureyes_country,
 * omitted when NULL or empty). New reference, or NULL. */
json_t *oe_stix_org_json(const char *stix_id, const char *name, const char *country,
			 oe_time created);

#endif
