/* test_case_stix.c - joint cases as STIX groupings and notes
 * (core/case_stix.h): what this node writes, it reads back the same; what
 * a partner may not send (RED, AMBER without a group, no origin, a version
 * older than its creation, over a limit) is refused with a reason. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "core/case_stix.h"
#include "core/stix_obj.h"
#include "core/tlp.h"

#define GID  "grouping--0b6a0c3e-5f3e-4a8e-9a57-3c1d2e4f5a6b"
#define ORG1 "identity--1d0f6a0e-7a1b-4c2d-8e3f-4a5b6c7d8e9f"
#define ORG2 "identity--2e1a7b1f-8b2c-4d3e-9f4a-5b6c7d8e9fa0"
#define TASK "note--3f2b8c2a-9c3d-4e4f-8a5b-6c7d8e9fa0b1"
#define IND  "indicator--4a3c9d3b-ad4e-5f5a-9b6c-7d8e9fa0b1c2"

static const char *members[] = {ORG2};
static oe_case_party parties[] = {{ORG1, "ID-BSSN", "ID"}, {ORG2, "CN-CAC", NULL}};
static const char *refs[] = {"indicator--5b4dae4c-be5f-5a6b-8c7d-8e9fa0b1c2d3"};
static const char *inds[] = {IND};

static oe_case_stix grouping(void)
{
	return (oe_case_stix){.id = GID,
			      .created_by = ORG1,
			      .title = "Cross-border SMS scam",
			      .description = "Joint\noperation",
			      .status = 1,
			      .tlp = OE_TLP_AMBER,
			      .group = "id-cn",
			      .members = members,
			      .nmembers = 1,
			      .created = 1795316955730001LL,
			      .modified = 1795316955730002LL,
			      .parties = parties,
			      .nparties = 2,
			      .refs = refs,
			      .nrefs = 1,
			      .indicators = inds,
			      .nindicators = 1};
}

static void grouping_roundtrip(void **state)
{
	(void)state;
	oe_case_stix g = grouping();
	json_t *o = oe_case_stix_grouping(&g);
	assert_non_null(o);
	assert_string_equal(json_string_value(json_object_get(o, "type")), "grouping");
	assert_string_equal(json_string_value(json_object_get(o, "context")),
			    "suspicious-activity");
	/* object_refs: the indicator and both participants. */
	assert_int_equal(json_array_size(json_object_get(o, "object_refs")), 3);
	assert_string_equal(json_string_value(json_object_get(o, "modified")),
			    "2026-11-22T03:09:15.730002Z");
	oe_arena a = OE_ARENA_INIT;
	oe_case_stix b;
	char why[256];
	assert_int_equal(oe_case_stix_grouping_parse(o, &a, &b, why, sizeof(why)), 0);
	assert_string_equal(b.id, GID);
	assert_string_equal(b.created_by, ORG1);
	assert_string_equal(b.title, g.title);
	assert_string_equal(b.description, g.description);
	assert_int_equal(b.status, 1);
	assert_int_equal(b.tlp, OE_TLP_AMBER);
	assert_string_equal(b.group, "id-cn");
	assert_int_equal(b.nmembers, 1);
	assert_int_equal(b.nparties, 2);
	assert_string_equal(b.parties[0].country, "ID");
	assert_null(b.parties[1].country);
	assert_int_equal(b.nindicators, 1);
	assert_string_equal(b.indicators[0], IND);
	assert_true(b.modified == g.modified && b.created == g.created);
	oe_arena_clear(&a);
	json_decref(o);
}

static void note_roundtrip(void **state)
{
	(void)state;
	oe_case_note_stix n = {.id = "note--6c5ebf5d-cf6a-4b7c-9d8e-9fa0b1c2d3e4",
			       .created_by = ORG2,
			       .case_ref = GID,
			       .task_ref = TASK,
			       .kind = OE_CASE_STIX_TASK_UPDATE,
			       .text = "Trace the SIMs",
			       .assignee = "cn-desk",
			       .due = 1796083200000000LL,
			       .done = true,
			       .tlp = OE_TLP_GREEN,
			       .created = 1795316955730001LL,
			       .modified = 1795316955730001LL};
	json_t *o = oe_case_stix_note(&n);
	assert_non_null(o);
	assert_string_equal(json_string_value(json_object_get(o, "abstract")), "Task update");
	assert_int_equal(json_array_size(json_object_get(o, "object_refs")), 2);
	assert_null(json_object_get(o, "x_oureyes_sharing"));
	oe_arena a = OE_ARENA_INIT;
	oe_case_note_stix m;
	char why[256];
	assert_int_equal(oe_case_stix_note_parse(o, &a, &m, why, sizeof(why)), 0);
	assert_int_equal(m.kind, OE_CASE_STIX_TASK_UPDATE);
	assert_string_equal(m.task_ref, TASK);
	assert_string_equal(m.case_ref, GID);
	assert_string_equal(m.assignee, "cn-desk");
	assert_true(m.done && m.due == n.due);
	oe_arena_clear(&a);
	json_decref(o);
}

/* The grouping with one property replaced (NULL: removed), parsed. */
static int with(const char *key, json_t *v, char *why)
{
	oe_case_stix g = grouping();
	json_t *o = oe_case_stix_grouping(&g);
	if (v)
		json_object_set_new(o, key, v);
	else
		json_object_del(o, key);
	oe_arena a = OE_ARENA_INIT;
	oe_case_stix b;
	int ret = oe_case_stix_grouping_parse(o, &a, &b, why, 256);
	oe_arena_clear(&a);
	json_decref(o);
	return ret;
}

static void refused(void **state)
{
	(void)state;
	char why[256];
	assert_int_equal(
	    with("object_marking_refs", json_pack("[s]", oe_tlp_marking_id(OE_TLP_RED)), why),
	    OE_EINVAL);
	assert_non_null(strstr(why, "RED"));
	assert_int_equal(with("object_marking_refs", NULL, why), OE_EINVAL);
	assert_int_equal(with("x_oureyes_sharing", NULL, why), OE_EINVAL);
	assert_non_null(strstr(why, "AMBER"));
	assert_int_equal(with("created_by_ref", NULL, why), OE_EINVAL);
	assert_int_equal(with("id", json_string("grouping--nope"), why), OE_EINVAL);
	assert_int_equal(with("modified", json_string("2020-01-01T00:00:00Z"), why), OE_EINVAL);
	assert_non_null(strstr(why, "earlier"));
	char title[202];
	memset(title, 'x', 201);
	title[201] = '\0';
	assert_int_equal(with("name", json_string(title), why), OE_EINVAL);
	assert_int_equal(with("x_oureyes_case", json_pack("{s:s}", "status", "maybe"), why),
			 OE_EINVAL);
	assert_int_equal(with("x_oureyes_case",
			      json_pack("{s:s,s:[s]}", "status", "open", "indicators", "report--x"),
			      why),
			 OE_EINVAL);
	assert_int_equal(with("x_oureyes_case", NULL, why), OE_EINVAL);
	/* What is not ours to check passes: the context, the refs. */
	assert_int_equal(with("context", json_string("unspecified"), why), 0);
}

static void text(void **state)
{
	(void)state;
	assert_true(oe_case_text_ok("two\nlines\tand a tab", 100));
	assert_false(oe_case_text_ok("", 100));
	assert_false(oe_case_text_ok("bell\x07", 100));
	assert_false(oe_case_text_ok("c1 \xc2\x85", 100));
	assert_false(oe_case_text_ok("bad \xff utf-8", 100));
	assert_false(oe_case_text_ok("long", 3));
	assert_true(oe_case_stix_is_id(GID, "grouping--"));
	assert_false(oe_case_stix_is_id(GID, "note--"));
}

/* A tombstone carries nothing but the id, and is read back as one; a
 * revoked object with its extension is an object, not a tombstone. */
static void tombstones(void **state)
{
	(void)state;
	static const char *const ids[] = {GID, TASK};
	for (size_t k = 0; k < 2; k++) {
		json_t *o = oe_case_stix_tombstone(ids[k], 1795316955730002LL);
		assert_non_null(o);
		const char *key;
		json_t *v;
		json_object_foreach (o, key, v)
			assert_non_null(strstr(" type spec_version id created modified revoked "
					       "object_refs context content ",
					       key));
		assert_true(json_is_true(json_object_get(o, "revoked")));
		assert_string_equal(
		    json_string_value(json_array_get(json_object_get(o, "object_refs"), 0)),
		    ids[k]);
		oe_arena a = OE_ARENA_INIT;
		char why[256];
		if (k == 0) {
			oe_case_stix g;
			assert_int_equal(oe_case_stix_grouping_parse(o, &a, &g, why, sizeof(why)),
					 0);
			assert_true(g.tombstone);
			assert_string_equal(g.id, GID);
			assert_true(g.modified == 1795316955730002LL);
			assert_null(g.title);
		} else {
			oe_case_note_stix n;
			assert_int_equal(oe_case_stix_note_parse(o, &a, &n, why, sizeof(why)), 0);
			assert_true(n.tombstone);
			assert_string_equal(n.id, TASK);
			assert_null(n.text);
		}
		/* No version: refused. */
		json_object_del(o, "modified");
		oe_case_stix g;
		oe_case_note_stix n;
		assert_int_equal(k == 0 ? oe_case_stix_grouping_parse(o, &a, &g, why, sizeof(why))
					: oe_case_stix_note_parse(o, &a, &n, why, sizeof(why)),
				 OE_EINVAL);
		json_decref(o);
		oe_arena_clear(&a);
	}
	assert_null(oe_case_stix_tombstone(IND, 1));
	assert_null(oe_case_stix_tombstone("grouping--nope", 1));
	/* A full grouping marked revoked is still an object. */
	oe_case_stix c = grouping();
	json_t *o = oe_case_stix_grouping(&c);
	json_object_set_new(o, "revoked", json_true());
	oe_arena a = OE_ARENA_INIT;
	oe_case_stix g;
	char why[256];
	assert_int_equal(oe_case_stix_grouping_parse(o, &a, &g, why, sizeof(why)), 0);
	assert_false(g.tombstone);
	assert_string_equal(g.title, "Cross-border SMS scam");
	json_decref(o);
	oe_arena_clear(&a);
}

/* The TAXII log's key of an object: its uuid's, whatever its type. */
static void keys(void **state)
{
	(void)state;
	oe_uuid u;
	assert_int_equal(oe_uuid_parse(GID + strlen("grouping--"), &u), 0);
	assert_true(oe_case_stix_key(GID) == oe_stix_uuid_key(&u));
	assert_true(oe_case_stix_key(TASK) != oe_case_stix_key(GID));
	assert_true(oe_case_stix_key("note--nope") == 0);
	assert_true(oe_case_stix_key("no-dashes") == 0);
	assert_true(oe_case_stix_key(NULL) == 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(grouping_roundtrip),
	    cmocka_unit_test(note_roundtrip),
	    cmocka_unit_test(refused),
	    cmocka_unit_test(text),
	    cmocka_unit_test(keys),
	    cmocka_unit_test(tombstones),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
