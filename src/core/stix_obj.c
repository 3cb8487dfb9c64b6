/* stix_obj.c - assertions and organisations as STIX objects (see
 * stix_obj.h). The indicator itself is oe_stix_indicator_json's; this file
 * adds what nodes need to exchange it. */
#include "stix_obj.h"

#include <stdio.h>
#include <string.h>

#include "stix.h"

void oe_stix_assertion_uuid(const char *org_stix_id, oe_itype type, const char *value, oe_uuid *u)
{
	/* "<org>|<type>:<value>", cut to the buffer as snprintf would; built
	 * by hand since every shared value of a bulk import comes here. */
	char buf[64 + 32 + OE_VALUE_MAX];
	const char *parts[] = {org_stix_id ? org_stix_id : "", "|", oe_itype_name(type), ":",
			       value ? value : ""};
	size_t n = 0;
	for (size_t i = 0; i < OE_ARRAY_SIZE(parts); i++) {
		size_t k = strlen(parts[i]);
		if (k > sizeof(buf) - 1 - n)
			k = sizeof(buf) - 1 - n;
		memcpy(buf + n, parts[i], k);
		n += k;
	}
	oe_uuid_v5(&oe_uuid_ns_indicator, buf, n, u);
}

void oe_stix_assertion_id(const char *org_stix_id, oe_itype type, const char *value, char *out)
{
	oe_uuid u;
	oe_stix_assertion_uuid(org_stix_id, type, value, &u);
	memcpy(out, "indicator--", 11);
	oe_uuid_format(&u, out + 11);
}

int64_t oe_stix_uuid_key(const oe_uuid *u)
{
	uint64_t k = 0;
	for (int i = 0; i < 8; i++)
		k = k << 8 | u->b[i];
	return (int64_t)k;
}

json_t *oe_stix_assertion_json(const oe_indicator_view *v, const char *group,
			       const char *const *members, size_t nmembers)
{
	json_t *o = oe_stix_indicator_json(v);
	if (!o)
		return NULL;
	int bad = json_object_set_new(o, "x_oureyes_type", json_string(oe_itype_name(v->type)));
	bad |= json_object_set_new(o, "x_oureyes_value", json_string(v->value));
	if (group) {
		json_t *m = json_array();
		for (size_t i = 0; m && i < nmembers; i++)
			if (members[i] && json_array_append_new(m, json_string(members[i])))
				bad = -1;
		bad |= json_object_set_new(o, "x_oureyes_sharing",
					   json_pack("{s:s,s:o*}", "group", group, "members", m));
	}
	if (bad) {
		json_decref(o);
		return NULL;
	}
	return o;
}

json_t *oe_stix_tombstone_json(const char *id, oe_time modified)
{
	char t[OE_TIME_BUF];
	oe_time_format(modified - modified % 1000, t);
	return json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:b}", "type", "indicator",
			 "spec_version", "2.1", "id", id, "created", t, "modified", t, "valid_from",
			 t, "pattern", OE_STIX_TOMBSTONE_PATTERN, "pattern_type", "stix", "revoked",
			 1);
}

json_t *oe_stix_org_json(const char *stix_id, const char *name, const char *country,
			 oe_time created)
{
	json_t *o = oe_stix_identity_json(stix_id, name, created);
	if (o && country && *country &&
	    json_object_set_new(o, "x_oureyes_country", json_string(country))) {
		json_decref(o);
		return NULL;
	}
	return o;
}
