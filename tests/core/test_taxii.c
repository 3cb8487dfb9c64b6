/* test_taxii.c - the TAXII 2.1 query parameters and media types
 * (core/taxii_query.h) and assertions as STIX objects (core/stix_obj.h). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "core/stix_obj.h"
#include "core/taxii_query.h"

static oe_taxii_query q; /* 14 KB: not on the stack */

static int parse(const char *s)
{
	const char *why = NULL;
	oe_taxii_query_init(&q);
	int ret = oe_taxii_query_parse(s, strlen(s), &q, &why);
	if (ret)
		assert_non_null(why);
	return ret;
}

static void defaults(void **state)
{
	assert_int_equal(parse(""), 0);
	assert_int_equal(q.limit, OE_TAXII_LIMIT_DEFAULT);
	assert_int_equal(q.types, OE_TAXII_T_ALL);
	assert_true(q.spec_21);
	assert_false(q.has_added_after || q.has_next || q.has_versions);
	assert_true(oe_taxii_query_version_ok(&q, 12345));
	assert_true(oe_taxii_query_id_ok(&q, "indicator--x"));
}

static void values(void **state)
{
	assert_int_equal(parse("added_after=2026-11-22T03:09:15.730001Z&limit=25&foo=bar"), 0);
	assert_int_equal(q.added_after, 1795316955730001LL);
	assert_int_equal(q.limit, 25);
	assert_int_equal(parse("limit=99999999999999999999"), 0);
	assert_int_equal(q.limit, OE_TAXII_LIMIT_MAX);
	assert_int_equal(
	    parse("match%5Bid%5D=indicator--00231F03-FDAA-5B40-98BA-6A418EB5EFE9,identity--"
		  "a319c2a2-2a79-4948-b7ad-4845f405498f"),
	    0);
	assert_int_equal(q.nids, 2);
	assert_string_equal(q.ids[0], "indicator--00231f03-fdaa-5b40-98ba-6a418eb5efe9");
	assert_true(oe_taxii_query_id_ok(&q, "identity--a319c2a2-2a79-4948-b7ad-4845f405498f"));
	assert_false(oe_taxii_query_id_ok(&q, "indicator--a319c2a2-2a79-4948-b7ad-4845f405498f"));
	assert_int_equal(parse("match[type]=indicator,malware"), 0);
	assert_int_equal(q.types, OE_TAXII_T_INDICATOR | OE_TAXII_T_OTHER);
	assert_int_equal(parse("match[version]=first,2018-03-02T01:01:01.123Z,last"), 0);
	assert_int_equal(q.nversions, 1);
	assert_true(oe_taxii_query_version_ok(&q, 1));
	assert_int_equal(parse("match[version]=2018-03-02T01:01:01.123Z"), 0);
	assert_true(oe_taxii_query_version_ok(&q, 1519952461123000LL));
	assert_false(oe_taxii_query_version_ok(&q, 1519952461124000LL));
	assert_int_equal(parse("match[spec_version]=2.0"), 0);
	assert_false(q.spec_21);
	assert_int_equal(parse("match[spec_version]=2.0,2.1"), 0);
	assert_true(q.spec_21);
	assert_int_equal(parse("next=abc-_DEF"), 0);
	assert_string_equal(q.next, "abc-_DEF");
}

static void malformed(void **state)
{
	static const char *const bad[] = {
	    "limit=0",
	    "limit=",
	    "limit",
	    "limit=-5",
	    "limit=1e3",
	    "limit=1&limit=2",
	    "added_after=2026-11-22",
	    "added_after=yesterday",
	    "added_after=2026-13-01T00:00:00Z",
	    "match[id]=indicator",
	    "match[id]=indicator--1234",
	    "match[id]=Indicator--00231f03-fdaa-5b40-98ba-6a418eb5efe9",
	    "match[id]=a,,b",
	    "match[type]=",
	    "match[type]=a_b",
	    "match[type]=-x",
	    "match[version]=all,first",
	    "match[version]=last,last",
	    "match[version]=2018-03-02T01:01:01Z,2018-03-02T01:01:01.000Z",
	    "match[version]=latest",
	    "match[spec_version]=2",
	    "match[spec_version]=.1",
	    "next=",
	    "next=a%20b",
	    "x=%zz",
	    "x=%4",
	    "a%00b=1",
	};
	for (size_t i = 0; i < OE_ARRAY_SIZE(bad); i++)
		if (parse(bad[i]) != OE_EINVAL)
			fail_msg("accepted: %s", bad[i]);
}

static void media(void **state)
{
	assert_true(oe_taxii_accept_ok(NULL));
	assert_true(oe_taxii_accept_ok("application/taxii+json;version=2.1"));
	assert_true(oe_taxii_accept_ok("application/taxii+json"));
	assert_true(oe_taxii_accept_ok("Application/TAXII+json; Version=\"2.1\""));
	assert_true(oe_taxii_accept_ok("text/html, */*;q=0.1"));
	assert_true(oe_taxii_accept_ok("application/*"));
	assert_false(oe_taxii_accept_ok("application/json"));
	assert_false(oe_taxii_accept_ok("application/taxii+json;version=2.0"));
	assert_false(oe_taxii_accept_ok("application/stix+json;version=2.1"));
	assert_false(oe_taxii_accept_ok("application/taxii+json;version=2.1;q=0.000"));
	assert_true(oe_taxii_content_type_ok("application/taxii+json;version=2.1"));
	assert_true(oe_taxii_content_type_ok("application/taxii+json; charset=utf-8"));
	assert_false(oe_taxii_content_type_ok(NULL));
	assert_false(oe_taxii_content_type_ok("application/json"));
	assert_false(oe_taxii_content_type_ok("application/taxii+json;version=2.0"));
}

static void assertion(void **state)
{
	static const char org[] = "identity--a319c2a2-2a79-4948-b7ad-4845f405498f";
	char id[64];
	/* Python: uuid.uuid5(ns, org + "|domain:evil.example"). */
	oe_stix_assertion_id(org, OE_T_DOMAIN, "evil.example", id);
	assert_string_equal(id, "indicator--00231f03-fdaa-5b40-98ba-6a418eb5efe9");
	oe_uuid u;
	oe_stix_assertion_uuid(org, OE_T_DOMAIN, "evil.example", &u);
	assert_int_equal(oe_stix_uuid_key(&u), 0x00231f03fdaa5b40LL);

	const char *tags[] = {"phishing"};
	const char *members[] = {org, "identity--b319c2a2-2a79-4948-b7ad-4845f405498f"};
	oe_indicator_view v = {.type = OE_T_DOMAIN,
			       .value = "evil.example",
			       .tlp = 2,
			       .confidence = 70,
			       .tags = tags,
			       .ntags = 1,
			       .created = 1795316955730000LL,
			       .modified = 1795316955730000LL,
			       .org_stix_id = org};
	memcpy(v.stix_id, id, strlen(id) + 1);
	json_t *o = oe_stix_assertion_json(&v, "id-cn", members, 2);
	assert_non_null(o);
	assert_string_equal(json_string_value(json_object_get(o, "x_oureyes_type")), "domain");
	assert_string_equal(json_string_value(json_object_get(o, "x_oureyes_value")),
			    "evil.example");
	json_t *sh = json_object_get(o, "x_oureyes_sharing");
	assert_string_equal(json_string_value(json_object_get(sh, "group")), "id-cn");
	assert_int_equal(json_array_size(json_object_get(sh, "members")), 2);
	assert_string_equal(json_string_value(json_object_get(o, "created_by_ref")), org);
	json_decref(o);
	o = oe_stix_assertion_json(&v, NULL, NULL, 0);
	assert_null(json_object_get(o, "x_oureyes_sharing"));
	json_decref(o);

	o = oe_stix_org_json(org, "Org A", "ID", 1795316955730000LL);
	assert_string_equal(json_string_value(json_object_get(o, "x_oureyes_country")), "ID");
	assert_string_equal(json_string_value(json_object_get(o, "type")), "identity");
	json_decref(o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(defaults), cmocka_unit_test(values),    cmocka_unit_test(malformed),
	    cmocka_unit_test(media),	cmocka_unit_test(assertion),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
