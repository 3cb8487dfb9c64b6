/* test_misp.c - MISP in and out: the real Infoblox feed (27 events present,
 * 19 listed but missing), attribute types and their refusals, tags and
 * TLP, and export -> import. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/misp.h"
#include "core/tlp.h"

static const oe_canon_opts opts = {"ID"};

/* Measured on the feed and checked by hand (see feed()). */
#define FEED_IOCS    2849
#define FEED_REFUSED 5

#define EV_UUID "5e9c35b9-5e5c-4221-9e27-313127fc1f02"

static int parse_str(const char *doc, oe_import_set *s, char *err, size_t errcap)
{
	oe_import_set_init(s);
	return oe_misp_parse_event(doc, strlen(doc), &opts, s, err, errcap);
}

static void feed(void **state)
{
	const char *shared = getenv("OE_SHARED");
	char dir[4096], err[256];
	struct stat st;
	snprintf(dir, sizeof(dir), "%s/fixtures/misp/feed-infoblox", shared ? shared : "");
	if (!shared || stat(dir, &st) != 0)
		skip();
	oe_import_set s;
	oe_import_set_init(&s);
	int rc = oe_misp_parse_feed_dir(dir, &opts, &s, err, sizeof(err));
	if (rc)
		fail_msg("%s", err);
	/* 2,854 attributes in the 27 files: 2,725 domain, 71 ip-dst, 39 url,
	 * 18 sha256, 1 filename|sha256 whose value has no '|'. */
	size_t missing = 0, refused = 0;
	for (size_t i = 0; i < s.nerrors; i++) {
		if (strstr(s.errors[i].reason, ": missing"))
			missing++;
		else
			refused++;
	}
	if (s.nevents != 27 || missing != 19 || s.niocs != FEED_IOCS || refused != FEED_REFUSED ||
	    s.skipped != 0) {
		for (size_t i = 0; i < s.nerrors; i++)
			if (!strstr(s.errors[i].reason, ": missing"))
				print_message("# refused %s: %s\n", s.errors[i].ref,
					      s.errors[i].reason);
		fail_msg("%zu events, %zu indicators, %zu missing, %zu refused, %zu skipped",
			 s.nevents, s.niocs, missing, refused, s.skipped);
	}
	/* The missing ones are named by uuid. */
	bool found = false;
	for (size_t i = 0; i < s.nerrors; i++)
		found =
		    found || strcmp(s.errors[i].ref, "2a73824b-ede0-4d9c-b8fc-8535ad64aca2") == 0;
	assert_true(found);
	/* One event in detail: turkiye_earthquake, 205 domains, tlp:white. */
	oe_event_in *e = NULL;
	for (size_t i = 0; i < s.nevents; i++)
		if (strcmp(s.events[i].ext_id, EV_UUID) == 0)
			e = &s.events[i];
	assert_non_null(e);
	assert_string_equal(e->title, "turkiye_earthquake_malicious_suspicious_iocs");
	assert_string_equal(e->org, "Infoblox");
	assert_int_equal(e->tlp, OE_TLP_CLEAR);
	assert_int_equal(e->ntags, 1);
	assert_string_equal(e->tags[0], "infoblox");
	assert_int_equal(e->count, 205);
	oe_ioc *c = &s.iocs[e->first];
	assert_int_equal(c->type, OE_T_DOMAIN);
	assert_int_equal(c->tlp, OE_TLP_CLEAR);
	assert_int_equal(c->ntags, 1);
	assert_non_null(c->ext_id);
	assert_true(c->first_seen > 0 && c->modified > 0);
	oe_import_set_free(&s);

	/* A directory without a manifest is a whole-import error. */
	oe_import_set_init(&s);
	assert_int_equal(oe_misp_parse_feed_dir("/nonexistent", &opts, &s, err, sizeof(err)),
			 OE_EIO);
	assert_non_null(strstr(err, "manifest.json: missing"));
	oe_import_set_free(&s);
}

#define EVENT(tags, attrs)                                                                         \
	"{\"Event\":{\"uuid\":\"" EV_UUID "\",\"info\":\"test event\",\"date\":\"2024-05-06\","    \
	"\"Orgc\":{\"name\":\"CERT-X\"},\"Tag\":[" tags "],\"Attribute\":[" attrs "]}}"
#define A(uuid, type, value, extra)                                                                \
	"{\"uuid\":\"" uuid "\",\"type\":\"" type "\",\"value\":\"" value                          \
	"\",\"to_ids\":true" extra "}"
#define UA "00000000-0000-4000-8000-0000000000aa"
#define UB "00000000-0000-4000-8000-0000000000bb"

/* Each type on its own: how many indicators, of which types, or the
 * refusal. */
static void types(void **state)
{
	struct {
		const char *type, *value;
		size_t n;
		oe_itype t0, t1;
		const char *v0; /* canonical first value, or a substring of the reason */
	} t[] = {
	    {"ip-dst", "192.0.2.1", 1, OE_T_IPV4, 0, "192.0.2.1"},
	    {"ip-src", "2001:DB8::1", 1, OE_T_IPV6, 0, "2001:db8::1"},
	    {"ip-dst", "10.1.2.3/8", 1, OE_T_CIDR, 0, "10.0.0.0/8"},
	    {"ip-dst|port", "192.0.2.1|443", 1, OE_T_IPV4, 0, "192.0.2.1"},
	    {"ip-src|port", "2001:db8::1|8080", 1, OE_T_IPV6, 0, "2001:db8::1"},
	    {"domain", "Example.COM", 1, OE_T_DOMAIN, 0, "example.com"},
	    {"hostname", "www.example.com", 1, OE_T_DOMAIN, 0, "www.example.com"},
	    {"hostname|port", "www.example.com|8443", 1, OE_T_DOMAIN, 0, "www.example.com"},
	    {"domain|ip", "example.com|192.0.2.9", 2, OE_T_DOMAIN, OE_T_IPV4, "example.com"},
	    {"url", "http://example.com/x", 1, OE_T_URL, 0, "http://example.com/x"},
	    {"email", "A@Example.com", 1, OE_T_EMAIL, 0, "a@example.com"},
	    {"email-src", "a@example.com", 1, OE_T_EMAIL, 0, "a@example.com"},
	    {"email-dst", "a@example.com", 1, OE_T_EMAIL, 0, "a@example.com"},
	    {"whois-registrant-email", "a@example.com", 1, OE_T_EMAIL, 0, "a@example.com"},
	    {"md5", "001DD76872D80801692FF942308C64E6", 1, OE_T_MD5, 0,
	     "001dd76872d80801692ff942308c64e6"},
	    {"sha1", "2fd4e1c67a2d28fced849ee1bb76e7391b93eb12", 1, OE_T_SHA1, 0, NULL},
	    {"filename|sha256",
	     "invoice.exe|ef537f25c895bfa782526529a9b63d97aa631564d5d789c2b765448c8635fb6c", 1,
	     OE_T_SHA256, 0, "ef537f25c895bfa782526529a9b63d97aa631564d5d789c2b765448c8635fb6c"},
	    {"filename|md5", "a|b.exe|001dd76872d80801692ff942308c64e6", 1, OE_T_MD5, 0, NULL},
	    {"phone-number", "0812-3456-7890", 1, OE_T_PHONE, 0, "+6281234567890"},
	    {"whois-registrant-phone", "+62 812 3456 7890", 1, OE_T_PHONE, 0, "+6281234567890"},
	    {"btc", "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa", 1, OE_T_WALLET, 0,
	     "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"},
	    {"bank-account-nr", "ID:014:1234567890", 1, OE_T_BANK, 0, NULL},
	    /* skipped */
	    {"link", "https://blog.example.com/post", 0, 0, 0, NULL},
	    {"uri", "/gate.php", 0, 0, 0, NULL},
	    {"text", "anything", 0, 0, 0, NULL},
	    {"AS", "AS64496", 0, 0, 0, NULL},
	    /* refused */
	    {"ip-dst", "192.0.2.300", 0, 0, 0, "ip-dst: "},
	    {"domain", "not a domain", 0, 0, 0, "domain: "},
	    {"filename|sha256",
	     "t1fde0f101c9395f39ecd16430b41041a59107c73c904087309fb8d0e8d87e0077", 0, 0, 0,
	     "a filename|sha256 value has no '|'"},
	    {"domain|ip", "example.com|999.1.1.1", 0, 0, 0, "domain|ip: "},
	    {"ip-dst|port", "192.0.2.1", 0, 0, 0, "has no '|'"},
	    {"phone-number", "12345", 0, 0, 0, "phone-number: "},
	    {"btc", "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb", 0, 0, 0, "btc: "},
	    {"iban", "DE89370400440532013000", 0, 0, 0, "iban: "},
	    {"md5", "xyz", 0, 0, 0, "md5: "},
	};
	for (size_t i = 0; i < OE_ARRAY_SIZE(t); i++) {
		char doc[1024], err[256];
		snprintf(doc, sizeof(doc),
			 "{\"Event\":{\"info\":\"x\",\"Attribute\":[{\"uuid\":\"" UA "\","
			 "\"type\":\"%s\",\"value\":\"%s\"}]}}",
			 t[i].type, t[i].value);
		oe_import_set s;
		if (parse_str(doc, &s, err, sizeof(err)))
			fail_msg("%s: %s", doc, err);
		bool skipped = t[i].n == 0 && !t[i].v0;
		if (s.niocs != t[i].n || s.skipped != (skipped ? 1u : 0u) ||
		    s.nerrors != (t[i].n == 0 && !skipped ? 1u : 0u))
			fail_msg("%s %s: %zu indicators, %zu skipped, %zu refused (%s)", t[i].type,
				 t[i].value, s.niocs, s.skipped, s.nerrors,
				 s.nerrors ? s.errors[0].reason : "");
		if (t[i].n) {
			assert_int_equal(s.iocs[0].type, t[i].t0);
			if (t[i].n > 1)
				assert_int_equal(s.iocs[1].type, t[i].t1);
			if (t[i].v0)
				assert_string_equal(s.iocs[0].value, t[i].v0);
			assert_string_equal(s.iocs[0].ext_id, UA);
		} else if (t[i].v0) {
			assert_string_equal(s.errors[0].ref, UA);
			if (!strstr(s.errors[0].reason, t[i].v0))
				fail_msg("%s: '%s' lacks '%s'", t[i].type, s.errors[0].reason,
					 t[i].v0);
		}
		oe_import_set_free(&s);
	}
}

static void event_fields(void **state)
{
	char err[256];
	oe_import_set s;
	/* Event tags, then five attributes: one with its own tags and times,
	 * one with to_ids false, a deleted one, one without a value, and a
	 * number where an attribute should be. */
#define EV_TAGS "{\"name\":\"tlp:green\"},{\"name\":\"phishing\"},{\"name\":\"tlp:ex:chr\"}"
#define ATTR_1                                                                                     \
	A(UA, "domain", "a.example.com",                                                           \
	  ",\"comment\":\"kit host\",\"first_seen\":\"2024-05-01T00:00:00+00:00\","                \
	  "\"last_seen\":\"2024-05-02T00:00:00Z\",\"timestamp\":\"1714953600\","                   \
	  "\"Tag\":[{\"name\":\"tlp:amber\"},{\"name\":\"kit\"},{\"name\":\"phishing\"}]")
#define ATTR_2                                                                                     \
	"{\"uuid\":\"" UB "\",\"type\":\"phone-number\",\"value\":\"+6281234567890\","             \
	"\"to_ids\":false,\"timestamp\":1714953601}"
#define ATTR_3                                                                                     \
	A("00000000-0000-4000-8000-0000000000cc", "domain", "deleted.example.com",                 \
	  ",\"deleted\":true")
	const char *doc = EVENT(EV_TAGS, ATTR_1 "," ATTR_2 "," ATTR_3 ",{\"type\":\"domain\"},17");
	assert_int_equal(parse_str(doc, &s, err, sizeof(err)), 0);
	assert_int_equal(s.nevents, 1);
	oe_event_in *e = &s.events[0];
	assert_string_equal(e->title, "test event");
	assert_string_equal(e->ext_id, EV_UUID);
	assert_string_equal(e->org, "CERT-X");
	assert_int_equal(e->tlp, OE_TLP_GREEN);
	assert_int_equal(e->ntags, 2); /* phishing, tlp:ex:chr (not a TLP 2.0 level) */
	assert_true(e->created == (oe_time)1714953600 * 1000000);
	assert_int_equal(e->count, 2);
	assert_int_equal(s.niocs, 2);
	oe_ioc *c = &s.iocs[0];
	assert_int_equal(c->tlp, OE_TLP_AMBER); /* the attribute's tag wins */
	assert_string_equal(c->description, "kit host");
	assert_int_equal(c->ntags, 3); /* phishing, tlp:ex:chr from the event, kit */
	assert_string_equal(c->tags[2], "kit");
	assert_true(c->first_seen == (oe_time)1714521600 * 1000000);
	assert_true(c->last_seen == (oe_time)1714608000 * 1000000);
	assert_true(c->modified == (oe_time)1714953600 * 1000000);
	c = &s.iocs[1];
	assert_int_equal(c->tlp, OE_TLP_GREEN); /* the event's */
	assert_string_equal(c->tags[c->ntags - 1], OE_MISP_TAG_NOT_IDS);
	assert_true(c->modified == (oe_time)1714953601 * 1000000);
	assert_int_equal(s.skipped, 1); /* the deleted one */
	assert_int_equal(s.nerrors, 2);
	assert_string_equal(s.errors[0].ref, "5e9c35b9-5e5c-4221-9e27-313127fc1f02/Attribute[3]");
	assert_string_equal(s.errors[0].reason, "attribute has no type or no value");
	assert_string_equal(s.errors[1].ref, "5e9c35b9-5e5c-4221-9e27-313127fc1f02/Attribute[4]");
	oe_import_set_free(&s);

	/* Attributes inside objects count too. */
	doc = "{\"Event\":{\"info\":\"o\",\"Object\":[{\"name\":\"domain-ip\",\"Attribute\":[" A(
	    UA, "domain", "b.example.com", "") "," A(UB, "ip-dst", "192.0.2.4", "") "]}]}}";
	assert_int_equal(parse_str(doc, &s, err, sizeof(err)), 0);
	assert_int_equal(s.niocs, 2);
	assert_int_equal(s.events[0].count, 2);
	assert_int_equal(s.events[0].tlp, -1);
	assert_int_equal(s.iocs[0].tlp, -1);
	oe_import_set_free(&s);

	/* Whole-event errors. */
	struct {
		const char *doc, *err;
		int rc;
	} bad[] = {
	    {"nope", "invalid JSON", OE_EINVAL},
	    {"{\"response\":[]}", "no \"Event\" object", OE_EINVAL},
	    {"{\"Event\":{\"uuid\":\"../../etc\"}}", "Event.uuid is not a UUID", OE_EINVAL},
	    {"{\"Event\":{\"Attribute\":{}}}", "must be arrays", OE_EINVAL},
	};
	for (size_t i = 0; i < OE_ARRAY_SIZE(bad); i++) {
		assert_int_equal(parse_str(bad[i].doc, &s, err, sizeof(err)), bad[i].rc);
		if (!strstr(err, bad[i].err))
			fail_msg("%s: '%s' lacks '%s'", bad[i].doc, err, bad[i].err);
		assert_int_equal(s.nevents, 0);
		oe_import_set_free(&s);
	}
}

static void roundtrip(void **state)
{
	struct {
		oe_itype t;
		const char *raw;
	} v[] = {
	    {OE_T_IPV4, "192.0.2.1"},
	    {OE_T_IPV6, "2001:db8::1"},
	    {OE_T_CIDR, "10.0.0.0/8"},
	    {OE_T_DOMAIN, "example.com"},
	    {OE_T_URL, "http://example.com/a?b=c"},
	    {OE_T_EMAIL, "scam@example.com"},
	    {OE_T_PHONE, "+6281234567890"},
	    {OE_T_BANK, "ID:014:1234567890"},
	    {OE_T_WALLET, "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"},
	    {OE_T_WALLET, "0x52908400098527886E0F7030069857D2E4169EE7"},
	    {OE_T_MD5, "001dd76872d80801692ff942308c64e6"},
	    {OE_T_SHA1, "2fd4e1c67a2d28fced849ee1bb76e7391b93eb12"},
	    {OE_T_SHA256, "ef537f25c895bfa782526529a9b63d97aa631564d5d789c2b765448c8635fb6c"},
	};
	const char *tags[] = {"scam", OE_MISP_TAG_NOT_IDS};
	char canon[OE_ARRAY_SIZE(v)][OE_VALUE_MAX + 1];
	oe_indicator_view iv[OE_ARRAY_SIZE(v)];
	memset(iv, 0, sizeof(iv));
	for (size_t i = 0; i < OE_ARRAY_SIZE(v); i++) {
		const char *why = NULL;
		if (oe_canon(v[i].t, v[i].raw, strlen(v[i].raw), &opts, canon[i], sizeof(canon[i]),
			     &why))
			fail_msg("%s: %s", v[i].raw, why);
		iv[i].type = v[i].t;
		iv[i].value = canon[i];
		iv[i].tlp = (int)(i % 5);
		iv[i].description = i % 2 ? "seen in \"SMS\" lures" : NULL;
		iv[i].tags = tags;
		iv[i].ntags = i % 3;
		iv[i].modified = (oe_time)(1714953600 + i) * 1000000;
		iv[i].first_seen = i % 2 ? (oe_time)1714000000 * 1000000 : 0;
		iv[i].last_seen = i % 2 ? (oe_time)1714000001 * 1000000 + 5 : 0;
		snprintf(iv[i].stix_id, sizeof(iv[i].stix_id),
			 "indicator--%08zx-0000-4000-8000-000000000000", i + 1);
	}
	json_t *ev = oe_misp_event_json(EV_UUID, "export", OE_TLP_AMBER, "CERT-ID", UA,
					(oe_time)1714953600 * 1000000, iv, OE_ARRAY_SIZE(v));
	assert_non_null(ev);
	char *text = json_dumps(ev, JSON_INDENT(1));
	oe_import_set s;
	char err[256];
	assert_int_equal(parse_str(text, &s, err, sizeof(err)), 0);
	if (s.niocs != OE_ARRAY_SIZE(v))
		fail_msg("%zu read back, %zu refused (%s)\n%s", s.niocs, s.nerrors,
			 s.nerrors ? s.errors[0].reason : "", text);
	assert_int_equal(s.nevents, 1);
	assert_string_equal(s.events[0].title, "export");
	assert_string_equal(s.events[0].org, "CERT-ID");
	assert_int_equal(s.events[0].tlp, OE_TLP_AMBER);
	assert_int_equal(s.events[0].ntags, 0);
	for (size_t i = 0; i < OE_ARRAY_SIZE(v); i++) {
		oe_ioc *c = &s.iocs[i];
		assert_int_equal(c->type, v[i].t);
		assert_string_equal(c->value, canon[i]);
		assert_int_equal(c->tlp, (int)(i % 5));
		if (i % 2)
			assert_string_equal(c->description, iv[i].description);
		else
			assert_null(c->description);
		assert_int_equal(c->ntags, i % 3);
		for (size_t k = 0; k < c->ntags; k++)
			assert_string_equal(c->tags[k], tags[k]);
		assert_true(c->modified == iv[i].modified);
		assert_true(c->first_seen == iv[i].first_seen);
		assert_true(c->last_seen == iv[i].last_seen);
		assert_string_equal(c->ext_id, iv[i].stix_id + 11);
	}
	/* to_ids follows the tag; the chain picks the coin type. */
	json_t *attrs = json_object_get(json_object_get(ev, "Event"), "Attribute");
	assert_true(json_is_true(json_object_get(json_array_get(attrs, 0), "to_ids")));
	assert_true(json_is_false(json_object_get(json_array_get(attrs, 2), "to_ids")));
	assert_string_equal(json_string_value(json_object_get(json_array_get(attrs, 8), "type")),
			    "btc");
	oe_import_set_free(&s);
	free(text);
	json_decref(ev);

	/* Invalid arguments. */
	assert_null(oe_misp_event_json("not-a-uuid", "x", 0, NULL, NULL, 0, NULL, 0));
	assert_null(oe_misp_event_json(EV_UUID, "x", 7, NULL, NULL, 0, NULL, 0));
	oe_indicator_view bad = {.type = OE_T_NONE, .value = "x"};
	assert_null(oe_misp_event_json(EV_UUID, "x", 0, NULL, NULL, 0, &bad, 1));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(feed),
	    cmocka_unit_test(types),
	    cmocka_unit_test(event_fields),
	    cmocka_unit_test(roundtrip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
