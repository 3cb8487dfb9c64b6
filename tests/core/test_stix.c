/* test_stix.c - STIX in and out: every OASIS example bundle with the exact
 * number of indicators it yields, the pattern subset as a table of accepted
 * and refused patterns with their reasons, markings, observed-data,
 * versions, export -> import for every indicator type, and what streaming
 * the bundle must keep: references in any order, the top level in any
 * order, every truncation refused, depth, UTF-8 and duplicate keys.
 *
 * Set OE_STIX_DUMP=/path to also write the exported bundle there, for
 * tests/stix_validate.py. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/json.h"
#include "core/stix.h"

static const oe_canon_opts opts = {"ID"};

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	struct stat st;
	fstat(fileno(f), &st);
	char *p = malloc((size_t)st.st_size + 1);
	*len = fread(p, 1, (size_t)st.st_size, f);
	fclose(f);
	return p;
}

static int parse_str(const char *doc, oe_import_set *s)
{
	char err[256];
	oe_import_set_init(s);
	return oe_stix_parse(doc, strlen(doc), &opts, s, err, sizeof(err));
}

/* ---- the OASIS examples ---- */

static void fixtures(void **state)
{
	const char *shared = getenv("OE_SHARED");
	char dir[4096];
	struct stat st;
	snprintf(dir, sizeof(dir), "%s/fixtures/stix/oasis-json-schemas/examples",
		 shared ? shared : "");
	if (!shared || stat(dir, &st) != 0)
		skip();
	/* Counted by reading each file: indicators with supported patterns
	 * (one per distinct comparison), refused indicators, and everything
	 * else skipped. */
	struct {
		const char *file;
		size_t niocs, nevents, in_event, nerrors, skipped;
	} t[] = {
	    {"indicator-for-c2-ip-address.json", 1, 0, 0, 0, 0},
	    {"indicator-to-campaign-relationship.json", 1, 0, 0, 0, 2},
	    {"indicators-for-C2-with-COA.json", 2, 0, 0, 0, 6},
	    /* Two SCOs tied to infrastructure by relationships: not imported. */
	    {"infrastructure.json", 0, 0, 0, 0, 10},
	    {"interop-objectmarking-test.json", 0, 0, 0, 0, 1},
	    /* MATCHES on email-message:subject and on an attachment name. */
	    {"malicious-email-indicator-with-attachment.json", 0, 0, 0, 2, 4},
	    /* 4 CIDRs, 3 domains, 3 MD5s; two x509-certificate patterns refused. */
	    {"threat-reports/apt1.json", 10, 1, 10, 2, 63},
	    /* 22 indicators with 63 distinct comparisons; file:name twice and
	     * the domain "domain autuo.xicp.net" refused. */
	    {"threat-reports/poisonivy.json", 63, 1, 63, 3, 129},
	};
	for (size_t i = 0; i < OE_ARRAY_SIZE(t); i++) {
		char path[4200], err[256];
		size_t len = 0;
		snprintf(path, sizeof(path), "%s/%s", dir, t[i].file);
		char *buf = slurp(path, &len);
		if (!buf)
			fail_msg("cannot read %s", path);
		oe_import_set s;
		oe_import_set_init(&s);
		int rc = oe_stix_parse(buf, len, &opts, &s, err, sizeof(err));
		if (rc)
			fail_msg("%s: %s", t[i].file, err);
		if (s.niocs != t[i].niocs || s.nevents != t[i].nevents ||
		    s.nerrors != t[i].nerrors || s.skipped != t[i].skipped ||
		    (s.nevents && s.events[0].count != t[i].in_event))
			fail_msg("%s: %zu indicators, %zu events (%zu in the first), %zu refused "
				 "(first: %s %s), %zu skipped",
				 t[i].file, s.niocs, s.nevents, s.nevents ? s.events[0].count : 0,
				 s.nerrors, s.nerrors ? s.errors[0].ref : "",
				 s.nerrors ? s.errors[0].reason : "", s.skipped);
		if (strcmp(t[i].file, "threat-reports/apt1.json") == 0) {
			assert_string_equal(s.events[0].title,
					    "APT1: Exposing One of China's Cyber Espionage Units");
			assert_string_equal(s.events[0].ext_id,
					    "report--e33ffe07-2f4c-48d8-b0af-ee2619d765cf");
			assert_int_equal(s.iocs[0].type, OE_T_CIDR);
			assert_string_equal(s.iocs[0].value, "223.166.0.0/15");
			assert_string_equal(s.iocs[0].ext_id,
					    "indicator--031778a4-057f-48e6-9db9-c8d72b81ccd5");
			assert_int_equal(s.iocs[9].type, OE_T_MD5);
			assert_string_equal(s.errors[0].ref,
					    "indicator--b3b6b540-d838-41e2-853b-005056c00008");
			assert_string_equal(s.errors[0].reason,
					    "pattern: object path 'x509-certificate:issuer' is not "
					    "supported");
		}
		if (strcmp(t[i].file, "malicious-email-indicator-with-attachment.json") == 0)
			assert_string_equal(s.errors[0].reason, "pattern: object path "
								"'email-message:subject' is not "
								"supported");
		oe_import_set_free(&s);
		free(buf);
	}
}

/* ---- the pattern subset ---- */

#define MD5    "001dd76872d80801692ff942308c64e6"
#define SHA1   "2fd4e1c67a2d28fced849ee1bb76e7391b93eb12"
#define SHA256 "ef537f25c895bfa782526529a9b63d97aa631564d5d789c2b765448c8635fb6c"

static void patterns(void **state)
{
	struct {
		const char *pat;
		int rc;
		size_t n;	   /* terms when accepted */
		oe_itype type;	   /* of the first term */
		const char *value; /* first term, or a substring of the reason */
	} t[] = {
	    {"[ipv4-addr:value = '192.0.2.1']", 0, 1, OE_T_IPV4, "192.0.2.1"},
	    {"[ ipv4-addr:value = '10.0.0.0/8' ]", 0, 1, OE_T_CIDR, "10.0.0.0/8"},
	    {"[ipv6-addr:value = '2001:db8::1']", 0, 1, OE_T_IPV6, "2001:db8::1"},
	    {"[ipv6-addr:value = '2001:db8::/32']", 0, 1, OE_T_CIDR, "2001:db8::/32"},
	    {"[domain-name:value = 'Example.COM']", 0, 1, OE_T_DOMAIN, "example.com"},
	    {"[hostname:value = 'example.com']", 0, 1, OE_T_DOMAIN, "example.com"},
	    {"[url:value = 'http://example.com/a']", 0, 1, OE_T_URL, NULL},
	    {"[email-addr:value = 'scam@example.com']", 0, 1, OE_T_EMAIL, "scam@example.com"},
	    {"[email-message:from_ref.value = 'scam@example.com']", 0, 1, OE_T_EMAIL, NULL},
	    {"[email-message:sender_ref.value = 'scam@example.com']", 0, 1, OE_T_EMAIL, NULL},
	    {"[file:hashes.MD5 = '" MD5 "']", 0, 1, OE_T_MD5, MD5},
	    {"[file:hashes.md5 = '" MD5 "']", 0, 1, OE_T_MD5, MD5},
	    {"[file:hashes.'SHA-1' = '" SHA1 "']", 0, 1, OE_T_SHA1, SHA1},
	    {"[file:hashes.'SHA-256' = '" SHA256 "']", 0, 1, OE_T_SHA256, SHA256},
	    {"[file:hashes.SHA256 = '" SHA256 "']", 0, 1, OE_T_SHA256, SHA256},
	    {"[phone-number:value = '+6281234567890']", 0, 1, OE_T_PHONE, "+6281234567890"},
	    {"[x-opencti-phone-number:value = '0812-3456-7890']", 0, 1, OE_T_PHONE,
	     "+6281234567890"},
	    {"[bank-account:account_number = 'ID:014:1234567890']", 0, 1, OE_T_BANK, NULL},
	    {"[cryptocurrency-wallet:value = '1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa']", 0, 1,
	     OE_T_WALLET, "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"},
	    {"[domain-name:value = 'a.example' OR ipv4-addr:value = '192.0.2.1']", 0, 2,
	     OE_T_DOMAIN, "a.example"},
	    {"[domain-name:value = 'a.example'] OR [ipv4-addr:value = '192.0.2.1']", 0, 2,
	     OE_T_DOMAIN, "a.example"},
	    {"([domain-name:value = 'a.example'] OR ([ipv4-addr:value = '192.0.2.1']))", 0, 2,
	     OE_T_DOMAIN, "a.example"},
	    {"[(domain-name:value = 'a.example' OR domain-name:value = 'b.example')]", 0, 2,
	     OE_T_DOMAIN, "a.example"},
	    {"[domain-name:value = 'a.example' OR domain-name:value = 'A.EXAMPLE']", 0, 1,
	     OE_T_DOMAIN, "a.example"},
	    {"[domain-name:value='a.example']or[domain-name:value='b.example']", 0, 2, OE_T_DOMAIN,
	     "a.example"},
	    {"[url:value = 'http://example.com/it\\'s']", 0, 1, OE_T_URL, NULL},
	    /* refused */
	    {"[ipv4-addr:value = '192.0.2.1' AND domain-name:value = 'a.example']", OE_EINVAL, 0, 0,
	     "AND is not supported"},
	    {"[ipv4-addr:value = '192.0.2.1'] AND [domain-name:value = 'a.example']", OE_EINVAL, 0,
	     0, "AND is not supported"},
	    {"[ipv4-addr:value = '192.0.2.1'] FOLLOWEDBY [ipv4-addr:value = '192.0.2.2']",
	     OE_EINVAL, 0, 0, "FOLLOWEDBY is not supported"},
	    {"[ipv4-addr:value = '192.0.2.1'] WITHIN 5 SECONDS", OE_EINVAL, 0, 0,
	     "WITHIN is not supported"},
	    {"[ipv4-addr:value = '192.0.2.1'] REPEATS 2 TIMES", OE_EINVAL, 0, 0,
	     "REPEATS is not supported"},
	    {"[ipv4-addr:value = '192.0.2.1'] START t'2020-01-01T00:00:00Z' STOP "
	     "t'2021-01-01T00:00:00Z'",
	     OE_EINVAL, 0, 0, "START is not supported"},
	    {"[email-message:subject MATCHES '^x']", OE_EINVAL, 0, 0,
	     "object path 'email-message:subject' is not supported"},
	    {"[domain-name:value LIKE '%.example']", OE_EINVAL, 0, 0, "operator LIKE"},
	    {"[domain-name:value MATCHES '^a']", OE_EINVAL, 0, 0, "operator MATCHES"},
	    {"[domain-name:value != 'a.example']", OE_EINVAL, 0, 0, "operator != is not"},
	    {"[domain-name:value >= 'a.example']", OE_EINVAL, 0, 0, "operator >= is not"},
	    {"[domain-name:value IN ('a.example', 'b.example')]", OE_EINVAL, 0, 0, "operator IN"},
	    {"[domain-name:value NOT = 'a.example']", OE_EINVAL, 0, 0, "operator NOT"},
	    {"[ipv4-addr:value = 1]", OE_EINVAL, 0, 0, "is not a quoted string"},
	    {"[ipv4-addr:value = h'c0000201']", OE_EINVAL, 0, 0, "is not a quoted string"},
	    {"[file:name = 'x.exe']", OE_EINVAL, 0, 0, "object path 'file:name' is not supported"},
	    {"[file:hashes.'SHA-512' = 'aa']", OE_EINVAL, 0, 0,
	     "object path 'file:hashes.SHA-512' is not supported"},
	    {"[email-message:to_refs[*].value = 'a@example.com']", OE_EINVAL, 0, 0,
	     "object path 'email-message:to_refs[*].value' is not supported"},
	    {"[network-traffic:dst_ref.value = '192.0.2.1']", OE_EINVAL, 0, 0,
	     "'network-traffic:dst_ref.value' is not supported"},
	    {"[ipv4-addr:value = '999.0.0.1']", OE_EINVAL, 0, 0,
	     "ipv4-addr:value value at offset 19: "},
	    {"[ipv4-addr:value = '2001:db8::/32']", OE_EINVAL, 0, 0,
	     "an ipv4-addr holds an IPv6 network"},
	    {"[domain-name:value = 'a.example' OR ipv4-addr:value = 'x']", OE_EINVAL, 0, 0,
	     "ipv4-addr:value value at offset 54"},
	    {"[domain-name:value = 'a.example'", OE_EINVAL, 0, 0, "missing ']'"},
	    {"[domain-name:value = 'a.example]", OE_EINVAL, 0, 0, "unterminated string"},
	    {"[domain-name:value = 'a\\x.example']", OE_EINVAL, 0, 0, "invalid escape"},
	    {"domain-name:value = 'a.example'", OE_EINVAL, 0, 0, "expected '[' at offset 0"},
	    {"", OE_EINVAL, 0, 0, "expected '[' at the end"},
	    {"[domain-name = 'a.example']", OE_EINVAL, 0, 0, "expected ':' after 'domain-name'"},
	    {"[ipv4-addr:value = '192.0.2.1'] junk", OE_EINVAL, 0, 0,
	     "unexpected 'j' at offset 32"},
	    {"(((((((((([ipv4-addr:value = '192.0.2.1'])))))))))", OE_ETOOBIG, 0, 0,
	     "parentheses nested deeper than 8"},
	};
	for (size_t i = 0; i < OE_ARRAY_SIZE(t); i++) {
		oe_stix_terms terms = {0};
		char why[256];
		int rc = oe_stix_pattern_parse(t[i].pat, strlen(t[i].pat), &opts, &terms, why,
					       sizeof(why));
		if (rc != t[i].rc)
			fail_msg("%s: rc %d (%s), want %d", t[i].pat, rc, rc ? why : "", t[i].rc);
		if (rc == 0) {
			if (terms.n != t[i].n || terms.v[0].type != t[i].type)
				fail_msg("%s: %zu terms, first %s", t[i].pat, terms.n,
					 oe_itype_name(terms.v[0].type));
			if (t[i].value)
				assert_string_equal(terms.v[0].value, t[i].value);
		} else {
			assert_int_equal(terms.n, 0);
			if (!strstr(why, t[i].value))
				fail_msg("%s: reason '%s' lacks '%s'", t[i].pat, why, t[i].value);
		}
		oe_stix_terms_free(&terms);
	}
}

/* The walls: comparisons per pattern and bytes per pattern. */
static void pattern_limits(void **state)
{
	size_t cap = (OE_STIX_OR_MAX + 1) * 48 + 16, k = 0;
	char *p = malloc(cap), why[256];
	k += (size_t)snprintf(p + k, cap - k, "[");
	for (int i = 0; i <= OE_STIX_OR_MAX; i++)
		k += (size_t)snprintf(p + k, cap - k, "%sipv4-addr:value = '10.%d.%d.1'",
				      i ? " OR " : "", i / 256, i % 256);
	k += (size_t)snprintf(p + k, cap - k, "]");
	oe_stix_terms terms = {0};
	assert_int_equal(oe_stix_pattern_parse(p, k, &opts, &terms, why, sizeof(why)), OE_ETOOBIG);
	assert_string_equal(why, "more than 1024 comparisons");
	assert_int_equal(terms.n, 0);
	free(p);

	p = malloc(OE_STIX_PATTERN_MAX + 2);
	memset(p, ' ', OE_STIX_PATTERN_MAX + 1);
	assert_int_equal(
	    oe_stix_pattern_parse(p, OE_STIX_PATTERN_MAX + 1, &opts, &terms, why, sizeof(why)),
	    OE_ETOOBIG);
	free(p);
}

/* ---- whole documents ---- */

#define IND(id, extra, pattern)                                                                    \
	"{\"type\":\"indicator\",\"spec_version\":\"2.1\",\"id\":\"indicator--" id "\","           \
	"\"created\":\"2024-01-01T00:00:00.000Z\",\"modified\":\"2024-01-02T00:00:00.000Z\","      \
	"\"valid_from\":\"2024-01-01T00:00:00Z\",\"pattern_type\":\"stix\",\"pattern\":\"" pattern \
	"\"" extra "}"

#define U1 "11111111-1111-4111-8111-111111111111"
#define U2 "22222222-2222-4222-8222-222222222222"
#define U3 "33333333-3333-4333-8333-333333333333"
#define U4 "44444444-4444-4444-8444-444444444444"

static void documents(void **state)
{
	oe_import_set s;
	char err[256];
	struct {
		const char *doc, *err;
	} bad[] = {
	    {"not json", "invalid JSON"},
	    {"[]", "the top level is not a JSON object"},
	    {"{\"type\":\"bundle\",\"objects\":5}", "objects is not an array"},
	    {"{\"foo\":1}", "not a STIX bundle, TAXII envelope or object"},
	    {"{\"type\":7}", "not a STIX bundle"},
	};
	for (size_t i = 0; i < OE_ARRAY_SIZE(bad); i++) {
		oe_import_set_init(&s);
		int rc = oe_stix_parse(bad[i].doc, strlen(bad[i].doc), &opts, &s, err, sizeof(err));
		assert_int_equal(rc, OE_EINVAL);
		if (!strstr(err, bad[i].err))
			fail_msg("%s: '%s' lacks '%s'", bad[i].doc, err, bad[i].err);
		oe_import_set_free(&s);
	}

	/* A single object; a TAXII envelope; an empty bundle. */
	assert_int_equal(parse_str(IND(U1, "", "[domain-name:value = 'a.example']"), &s), 0);
	assert_int_equal(s.niocs, 1);
	oe_import_set_free(&s);
	assert_int_equal(parse_str("{\"more\":false,\"objects\":[" IND(
				       U1, "", "[domain-name:value = 'a.example']") "]}",
				   &s),
			 0);
	assert_int_equal(s.niocs, 1);
	oe_import_set_free(&s);
	assert_int_equal(parse_str("{\"type\":\"bundle\",\"id\":\"bundle--" U1 "\"}", &s), 0);
	assert_int_equal(s.niocs + s.nerrors + s.skipped, 0);
	oe_import_set_free(&s);
}

static void fields(void **state)
{
	oe_import_set s;
	const char *doc = "{\"type\":\"bundle\",\"id\":\"bundle--" U4 "\",\"objects\":[" IND(
	    U1,
	    ",\"confidence\":85,\"description\":\"C2\",\"labels\":[\"emotet\",\"c2\",\"emotet\"],"
	    "\"valid_until\":\"2025-01-01T00:00:00Z\",\"revoked\":true,"
	    "\"object_marking_refs\":[\"marking-definition--f88d31f6-486f-44da-b317-"
	    "01333bde0b82\"]",
	    "[ipv4-addr:value = '192.0.2.1']") ","
	    /* Two markings: the stricter (RED) wins. */
	    IND(U2,
		",\"object_marking_refs\":[\"marking-definition--bab4a63c-aed9-4cf5-a766-"
		"dfca5abac2bb\","
		"\"marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1\"]",
		"[ipv4-addr:value = '192.0.2.2']") ","
						   /* A TLP marking defined in the bundle under its
						      own id. */
						   "{\"type\":\"marking-definition\",\"spec_"
						   "version\":\"2.1\",\"id\":\"marking-definition-"
						   "-" U3 "\","
						   "\"created\":\"2024-01-01T00:00:00.000Z\","
						   "\"definition_type\":\"tlp\",\"definition\":{"
						   "\"tlp\":\"green\"}}," IND(
						       U3,
						       ",\"object_marking_refs\":[\"marking-"
						       "definition--" U3 "\"]",
						       "[ipv4-addr:value = '192.0.2.3']") ","
	    /* Refused: confidence out of range, dates out of order, no id. */
	    IND("55555555-5555-4555-8555-555555555555", ",\"confidence\":150",
		"[ipv4-addr:value = '192.0.2.5']") "," IND("66666666-6666-4666-8666-666666666666",
							   ",\"valid_until\":\"2023-01-01T00:00:"
							   "00Z\"",
							   "[ipv4-addr:value = '192.0.2.6']") ","
											      "{\"t"
											      "ype"
											      "\":"
											      "\"in"
											      "dica"
											      "tor"
											      "\","
											      "\"pa"
											      "tter"
											      "n\":"
											      "\"["
											      "ipv4"
											      "-add"
											      "r:"
											      "valu"
											      "e = "
											      "'192"
											      ".0."
											      "2.7'"
											      "]\"}"
											      ","
											      /* Skipped:
												 a
												 YARA
												 indicator
												 and
												 a
												 malware
												 SDO.
											       */
											      "{\"t"
											      "ype"
											      "\":"
											      "\"in"
											      "dica"
											      "tor"
											      "\","
											      "\"id"
											      "\":"
											      "\"in"
											      "dica"
											      "tor-"
											      "-777"
											      "7777"
											      "7-"
											      "7777"
											      "-477"
											      "7-"
											      "8777"
											      "-777"
											      "7777"
											      "7777"
											      "7\","
											      "\"pa"
											      "tter"
											      "n_"
											      "type"
											      "\":"
											      "\"ya"
											      "ra\""
											      ",\"p"
											      "atte"
											      "rn\""
											      ":\"r"
											      "ule "
											      "x "
											      "{con"
											      "diti"
											      "on: "
											      "true"
											      "}\"}"
											      ","
											      "{\"t"
											      "ype"
											      "\":"
											      "\"ma"
											      "lwar"
											      "e\","
											      "\"id"
											      "\":"
											      "\"ma"
											      "lwar"
											      "e-"
											      "-" U1
											      "\"}"
											      "]}";
	assert_int_equal(parse_str(doc, &s), 0);
	assert_int_equal(s.niocs, 3);
	assert_int_equal(s.nerrors, 3);
	assert_int_equal(s.skipped, 3); /* yara, malware, marking-definition */
	oe_ioc *c = &s.iocs[0];
	assert_int_equal(c->tlp, OE_TLP_AMBER);
	assert_int_equal(c->confidence, 85);
	assert_string_equal(c->description, "C2");
	assert_int_equal(c->ntags, 2);
	assert_string_equal(c->tags[1], "c2");
	assert_true(c->first_seen == (oe_time)1704067200 * 1000000);
	assert_true(c->valid_until == (oe_time)1735689600 * 1000000);
	assert_true(c->modified == (oe_time)1704153600 * 1000000);
	assert_true(c->revoked);
	assert_string_equal(c->ext_id, "indicator--" U1);
	assert_int_equal(s.iocs[1].tlp, OE_TLP_RED);
	assert_int_equal(s.iocs[2].tlp, OE_TLP_GREEN);
	assert_string_equal(s.errors[0].reason, "confidence must be an integer from 0 to 100");
	assert_string_equal(s.errors[1].reason, "valid_until is not after valid_from");
	assert_string_equal(s.errors[2].ref, "objects[6]");
	oe_import_set_free(&s);
}

static void observed_and_reports(void **state)
{
	oe_import_set s;
	const char *doc =
	    "{\"type\":\"bundle\",\"id\":\"bundle--" U4 "\",\"objects\":["
	    "{\"type\":\"observed-data\",\"spec_version\":\"2.1\",\"id\":\"observed-data--" U1 "\","
	    "\"created\":\"2024-01-01T00:00:00.000Z\",\"modified\":\"2024-01-01T00:00:00.000Z\","
	    "\"first_observed\":\"2024-01-01T00:00:00Z\",\"last_observed\":\"2024-01-03T00:00:"
	    "00Z\","
	    "\"number_observed\":1,"
	    "\"object_marking_refs\":[\"marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb\"]"
	    ","
	    "\"object_refs\":[\"ipv4-addr--" U1 "\",\"file--" U1 "\",\"network-traffic--" U1 "\","
	    "\"domain-name--" U2 "\",\"ipv4-addr--" U3 "\"]},"
	    "{\"type\":\"ipv4-addr\",\"id\":\"ipv4-addr--" U1 "\",\"value\":\"192.0.2.1\","
	    "\"object_marking_refs\":[\"marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1\"]"
	    "},"
	    "{\"type\":\"file\",\"id\":\"file--" U1 "\",\"hashes\":{\"MD5\":\"" MD5
	    "\",\"SHA-256\":\"" SHA256 "\",\"SSDEEP\":\"x\"}},"
	    "{\"type\":\"network-traffic\",\"id\":\"network-traffic--" U1
	    "\",\"protocols\":[\"tcp\"]},"
	    "{\"type\":\"domain-name\",\"id\":\"domain-name--" U2 "\",\"value\":\"bad domain\"},"
	    /* standalone: not imported */
	    "{\"type\":\"domain-name\",\"id\":\"domain-name--" U3 "\",\"value\":\"b.example\"},"
	    /* STIX 2.0 style embedded objects */
	    "{\"type\":\"observed-data\",\"id\":\"observed-data--" U2 "\","
	    "\"created\":\"2024-01-01T00:00:00.000Z\",\"modified\":\"2024-01-01T00:00:00.000Z\","
	    "\"objects\":{\"0\":{\"type\":\"url\",\"value\":\"http://c.example/x\"},"
	    "\"1\":{\"type\":\"email-addr\",\"value\":\"x@c.example\"}}},"
	    /* a report holding one indicator and the first observation */
	    "{\"type\":\"report\",\"spec_version\":\"2.1\",\"id\":\"report--" U1
	    "\",\"name\":\"Op X\","
	    "\"created\":\"2024-01-01T00:00:00.000Z\",\"modified\":\"2024-01-01T00:00:00.000Z\","
	    "\"published\":\"2024-02-01T00:00:00Z\",\"created_by_ref\":\"identity--" U1 "\","
	    "\"labels\":[\"fraud\"],"
	    "\"object_marking_refs\":[\"marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421\"]"
	    ","
	    "\"object_refs\":[\"indicator--" U1 "\",\"observed-data--" U1 "\",\"malware--" U1 "\","
	    "\"indicator--" U1 "\"]},"
	    "{\"type\":\"identity\",\"id\":\"identity--" U1 "\",\"name\":\"CERT-X\"},"
	    /* two versions of one indicator: only the newer counts */
	    IND(U1, "", "[domain-name:value = 'old.example']") ","
							       "{\"type\":\"indicator\",\"spec_"
							       "version\":\"2.1\",\"id\":"
							       "\"indicator--" U1 "\","
							       "\"created\":\"2024-01-01T00:00:00."
							       "000Z\",\"modified\":\"2024-03-"
							       "01T00:00:00.000Z\","
							       "\"valid_from\":\"2024-01-01T00:00:"
							       "00Z\",\"pattern\":\"[domain-name:"
							       "value = 'new.example']\"}," IND(
								   U2, "",
								   "[domain-name:value = "
								   "'loose.example']") "]}";
	assert_int_equal(parse_str(doc, &s), 0);
	/* event: new.example, 192.0.2.1, md5, sha256; loose: url, email,
	 * loose.example */
	if (s.niocs != 7)
		fail_msg("%zu indicators, %zu refused (%s %s)", s.niocs, s.nerrors,
			 s.nerrors ? s.errors[0].ref : "", s.nerrors ? s.errors[0].reason : "");
	assert_int_equal(s.nevents, 1);
	oe_event_in *e = &s.events[0];
	assert_int_equal(e->first, 0);
	assert_int_equal(e->count, 4);
	assert_string_equal(e->title, "Op X");
	assert_string_equal(e->org, "CERT-X");
	assert_int_equal(e->tlp, OE_TLP_AMBER);
	assert_true(e->created == (oe_time)1706745600 * 1000000);
	assert_int_equal(e->ntags, 1);
	assert_string_equal(s.iocs[0].value, "new.example");
	assert_string_equal(s.iocs[1].value, "192.0.2.1");
	assert_int_equal(s.iocs[1].tlp, OE_TLP_RED); /* the SCO's marking is stricter */
	assert_string_equal(s.iocs[1].ext_id, "observed-data--" U1);
	assert_true(s.iocs[1].last_seen == (oe_time)1704240000 * 1000000);
	assert_int_equal(s.iocs[2].type, OE_T_MD5);
	assert_int_equal(s.iocs[2].tlp, OE_TLP_GREEN);
	assert_int_equal(s.iocs[3].type, OE_T_SHA256);
	assert_int_equal(s.iocs[4].type, OE_T_URL);
	assert_int_equal(s.iocs[5].type, OE_T_EMAIL);
	assert_string_equal(s.iocs[6].value, "loose.example");
	/* refused: the bad domain SCO, the missing ipv4-addr--U3 */
	assert_int_equal(s.nerrors, 2);
	assert_string_equal(s.errors[0].ref, "domain-name--" U2);
	assert_string_equal(s.errors[1].ref, "ipv4-addr--" U3);
	assert_string_equal(s.errors[1].reason,
			    "named by observed-data--" U1 " but not in the bundle");
	/* skipped: network-traffic (inside observed-data), standalone domain,
	 * identity, old version */
	assert_int_equal(s.skipped, 4);
	oe_import_set_free(&s);
}

/* ---- export ---- */

static void roundtrip(void **state)
{
	struct {
		oe_itype t;
		const char *raw;
	} v[] = {
	    {OE_T_IPV4, "192.0.2.1"},
	    {OE_T_IPV6, "2001:db8::1"},
	    {OE_T_CIDR, "10.0.0.0/8"},
	    {OE_T_CIDR, "2001:db8::/32"},
	    {OE_T_DOMAIN, "example.com"},
	    {OE_T_URL, "http://example.com/it's?q=a\\b"},
	    {OE_T_EMAIL, "scam@example.com"},
	    {OE_T_PHONE, "+6281234567890"},
	    {OE_T_BANK, "ID:014:1234567890"},
	    {OE_T_WALLET, "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"},
	    {OE_T_MD5, MD5},
	    {OE_T_SHA1, SHA1},
	    {OE_T_SHA256, SHA256},
	};
	const char *tags[] = {"scam", "telegram"};
	json_t *bundle = oe_stix_bundle_new();
	assert_non_null(bundle);
	assert_int_equal(oe_stix_bundle_add_tlp_markings(bundle), 0);
	assert_int_equal(
	    oe_stix_bundle_add(bundle,
			       oe_stix_identity_json("identity--" U4, "CERT-ID", 1700000000000000)),
	    0);
	char canon[OE_ARRAY_SIZE(v)][OE_VALUE_MAX + 1];
	for (size_t i = 0; i < OE_ARRAY_SIZE(v); i++) {
		const char *why = NULL;
		if (oe_canon(v[i].t, v[i].raw, strlen(v[i].raw), &opts, canon[i], sizeof(canon[i]),
			     &why))
			fail_msg("%s %s: %s", oe_itype_name(v[i].t), v[i].raw, why);
		oe_indicator_view iv = {
		    .type = v[i].t,
		    .value = canon[i],
		    .tlp = (int)(i % 5),
		    .confidence = (int)(i * 7),
		    .description = i % 2 ? "it's \"bad\"" : NULL,
		    .tags = tags,
		    .ntags = i % 3,
		    .created = 1700000000123000,
		    .modified = 1700000500456000,
		    .first_seen = i % 2 ? 1700000000000000 : 0,
		    .valid_until = i == 3  ? 1600000000000000
				   : i % 2 ? 1800000000000000
					   : 0,
		    .org_stix_id = "identity--" U4,
		    .revoked = i == 4,
		};
		snprintf(iv.stix_id, sizeof(iv.stix_id),
			 "indicator--%08zx-0000-4000-8000-000000000000", i + 1);
		json_t *ind = oe_stix_indicator_json(&iv);
		if (!ind)
			fail_msg("no export for %s", canon[i]);
		assert_int_equal(oe_stix_bundle_add(bundle, ind), 0);
	}
	/* Unexportable views. */
	oe_indicator_view none = {.type = OE_T_IPV4, .value = "192.0.2.1", .tlp = 9};
	snprintf(none.stix_id, sizeof(none.stix_id), "indicator--%s", U1);
	assert_null(oe_stix_indicator_json(&none));
	none.tlp = 0;
	none.stix_id[0] = 'x';
	assert_null(oe_stix_indicator_json(&none));

	char *text = json_dumps(bundle, JSON_INDENT(1));
	const char *dump = getenv("OE_STIX_DUMP");
	if (dump) {
		FILE *f = fopen(dump, "w");
		fputs(text, f);
		fclose(f);
	}
	oe_import_set s;
	assert_int_equal(parse_str(text, &s), 0);
	if (s.niocs != OE_ARRAY_SIZE(v))
		fail_msg("%zu read back, %zu refused (%s)", s.niocs, s.nerrors,
			 s.nerrors ? s.errors[0].reason : "");
	assert_int_equal(s.skipped, 6); /* five markings and the identity */
	for (size_t i = 0; i < OE_ARRAY_SIZE(v); i++) {
		oe_ioc *c = &s.iocs[i];
		assert_int_equal(c->type, v[i].t);
		assert_string_equal(c->value, canon[i]);
		assert_int_equal(c->tlp, (int)(i % 5));
		assert_int_equal(c->confidence, (int)(i * 7));
		if (i % 2)
			assert_string_equal(c->description, "it's \"bad\"");
		else
			assert_null(c->description);
		assert_int_equal(c->ntags, i % 3);
		assert_true(c->modified == 1700000500456000);
		if (i == 3) {
			/* valid_until before first_seen: valid_from moves */
			assert_true(c->valid_until == 1600000000000000);
			assert_true(c->first_seen == 1600000000000000 - 1000);
		} else {
			assert_true(c->first_seen == (i % 2 ? 1700000000000000 : 1700000000123000));
			assert_true(c->valid_until == (i % 2 ? 1800000000000000 : 0));
		}
		assert_int_equal(c->revoked, i == 4);
	}
	oe_import_set_free(&s);
	free(text);

	/* The marking objects are exactly the TLP 2.0 ones. */
	json_t *m = oe_stix_tlp_marking_json(OE_TLP_AMBER_STRICT);
	char *ms = json_dumps(m, JSON_SORT_KEYS | JSON_COMPACT);
	assert_string_equal(
	    ms,
	    "{\"created\":\"2022-10-01T00:00:00.000Z\",\"extensions\":{\"extension-definition--"
	    "60a3c5c5-0d10-413e-aab3-9e08dde9e88d\":{\"extension_type\":\"property-extension\","
	    "\"tlp_2_0\":\"amber+strict\"}},\"id\":\"marking-definition--939a9414-2ddd-4d32-a0cd-"
	    "375ea402b003\",\"name\":\"TLP:AMBER+STRICT\",\"spec_version\":\"2.1\",\"type\":"
	    "\"marking-definition\"}");
	free(ms);
	json_decref(m);
	const char *bid = json_string_value(json_object_get(bundle, "id"));
	assert_int_equal(strlen(bid), 8 + 36);
	assert_int_equal(bid[8 + 14], '4');
	json_decref(bundle);
}

/* ---- streaming: what a whole-document parser got for free ---- */

/* parts joined with sep into a new string (the caller frees it). */
static char *join(const char *const *parts, size_t n, const char *sep)
{
	size_t len = 1;
	for (size_t i = 0; i < n; i++)
		len += strlen(parts[i]) + strlen(sep);
	char *s = malloc(len);
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		k += (size_t)snprintf(s + k, len - k, "%s%s", i ? sep : "", parts[i]);
	return s;
}

/* {"type":"bundle","id":...,"objects":[objs in the given order]} */
static char *bundle_of(const char *const *objs, const size_t *order, size_t n)
{
	const char *parts[16];
	for (size_t i = 0; i < n; i++)
		parts[i] = objs[order[i]];
	char *list = join(parts, n, ",");
	const char *whole[] = {"{\"type\":\"bundle\",\"id\":\"bundle--" U4 "\",\"objects\":[", list,
			       "]}"};
	char *doc = join(whole, 3, "");
	free(list);
	return doc;
}

static int parse_doc(const char *doc, oe_import_set *s, char *err, size_t errcap)
{
	oe_import_set_init(s);
	return oe_stix_parse(doc, strlen(doc), &opts, s, err, errcap);
}

#define TLP_GREEN_ID "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da"

/* A report and an observed-data may come before or after what they name
 * (and a TLP marking or an identity after what uses it): every order gives
 * the same import. */
static void references(void **state)
{
	enum { REP, IND1, OBS, SCO, IDENT, MARK, LOOSE, REP2, N };
	const char *objs[N] = {
	    [REP] =
		"{\"type\":\"report\",\"id\":\"report--" U1 "\",\"name\":\"Op\","
		"\"created_by_ref\":\"identity--" U1 "\",\"published\":\"2024-02-01T00:00:00Z\","
		"\"object_refs\":[\"indicator--" U1 "\",\"observed-data--" U1 "\"]}",
	    [IND1] = IND(U1, ",\"object_marking_refs\":[\"marking-definition--" U3 "\"]",
			 "[domain-name:value = 'a.example']"),
	    [OBS] = "{\"type\":\"observed-data\",\"id\":\"observed-data--" U1 "\","
		    "\"first_observed\":\"2024-01-01T00:00:00Z\","
		    "\"last_observed\":\"2024-01-01T00:00:00Z\","
		    "\"object_refs\":[\"ipv4-addr--" U1 "\",\"domain-name--" U1 "\"]}",
	    [SCO] = "{\"type\":\"ipv4-addr\",\"id\":\"ipv4-addr--" U1 "\",\"value\":\"192.0.2.1\"}",
	    [IDENT] = "{\"type\":\"identity\",\"id\":\"identity--" U1 "\",\"name\":\"CERT-X\"}",
	    [MARK] = "{\"type\":\"marking-definition\",\"id\":\"marking-definition--" U3 "\","
		     "\"definition_type\":\"tlp\",\"definition\":{\"tlp\":\"red\"}}",
	    [LOOSE] = IND(U2, "", "[domain-name:value = 'b.example']"),
	    /* a second report naming the same members */
	    [REP2] = "{\"type\":\"report\",\"id\":\"report--" U2 "\",\"name\":\"Op 2\","
		     "\"object_refs\":[\"observed-data--" U1 "\",\"indicator--" U1 "\"]}",
	};
	const size_t orders[][N] = {
	    {REP, IND1, OBS, SCO, IDENT, MARK, LOOSE, REP2}, /* forward references */
	    {MARK, IDENT, SCO, OBS, IND1, REP, LOOSE, REP2}, /* backward references */
	    {SCO, REP2, IND1, LOOSE, REP, MARK, OBS, IDENT}, /* mixed */
	};
	for (size_t k = 0; k < OE_ARRAY_SIZE(orders); k++) {
		oe_import_set s;
		char err[256];
		char *doc = bundle_of(objs, orders[k], N);
		if (parse_doc(doc, &s, err, sizeof(err)))
			fail_msg("order %zu: %s", k, err);
		/* Each report: a.example and 192.0.2.1; then b.example, loose. */
		if (s.nevents != 2 || s.niocs != 5)
			fail_msg("order %zu: %zu events, %zu indicators", k, s.nevents, s.niocs);
		for (size_t e = 0; e < 2; e++) {
			oe_event_in *ev = &s.events[e];
			assert_int_equal(ev->count, 2);
			const char *first = s.iocs[ev->first].value,
				   *second = s.iocs[ev->first + 1].value;
			/* members in the order the report names them */
			bool rep1 = strcmp(ev->ext_id, "report--" U1) == 0;
			assert_string_equal(first, rep1 ? "a.example" : "192.0.2.1");
			assert_string_equal(second, rep1 ? "192.0.2.1" : "a.example");
			if (rep1) {
				assert_string_equal(ev->title, "Op");
				assert_string_equal(ev->org, "CERT-X");
			} else {
				assert_null(ev->org);
			}
		}
		for (size_t i = 0; i < 4; i++) {
			oe_ioc *c = &s.iocs[i];
			if (strcmp(c->value, "a.example") == 0) {
				assert_int_equal(c->tlp, OE_TLP_RED); /* marked in the bundle */
				assert_string_equal(c->ext_id, "indicator--" U1);
			} else {
				assert_string_equal(c->value, "192.0.2.1");
				assert_string_equal(c->ext_id, "observed-data--" U1);
			}
		}
		assert_string_equal(s.iocs[4].value, "b.example");
		/* domain-name--U1 is named but absent: refused once, not per report */
		assert_int_equal(s.nerrors, 1);
		assert_string_equal(s.errors[0].ref, "domain-name--" U1);
		assert_int_equal(s.skipped, 2); /* the identity and the marking */
		oe_import_set_free(&s);
		free(doc);
	}
}

/* Versions: the newest counts wherever it stands, whoever points to it. */
static void versions(void **state)
{
	enum { OBS, SCO_OLD, SCO_NEW, IND_NEW, IND_OLD, IND_TIE1, IND_TIE2, N };
	const char *objs[N] = {
	    [OBS] = "{\"type\":\"observed-data\",\"id\":\"observed-data--" U1 "\","
		    "\"object_refs\":[\"ipv4-addr--" U1 "\"]}",
	    [SCO_OLD] =
		"{\"type\":\"ipv4-addr\",\"id\":\"ipv4-addr--" U1 "\",\"value\":\"192.0.2.1\","
		"\"modified\":\"2024-01-01T00:00:00Z\"}",
	    [SCO_NEW] =
		"{\"type\":\"ipv4-addr\",\"id\":\"ipv4-addr--" U1 "\",\"value\":\"192.0.2.2\","
		"\"modified\":\"2024-06-01T00:00:00Z\"}",
	    [IND_NEW] = "{\"type\":\"indicator\",\"id\":\"indicator--" U1 "\","
			"\"modified\":\"2024-06-01T00:00:00.000Z\","
			"\"pattern\":\"[domain-name:value = 'new.example']\"}",
	    [IND_OLD] = IND(U1, "", "[domain-name:value = 'old.example']"),
	    /* the same modified twice: the first one counts */
	    [IND_TIE1] = IND(U2, "", "[domain-name:value = 'first.example']"),
	    [IND_TIE2] = IND(U2, "", "[domain-name:value = 'second.example']"),
	};
	const size_t orders[][N] = {
	    {OBS, SCO_OLD, SCO_NEW, IND_NEW, IND_OLD, IND_TIE1, IND_TIE2},
	    {SCO_NEW, IND_OLD, SCO_OLD, IND_NEW, OBS, IND_TIE1, IND_TIE2},
	};
	for (size_t k = 0; k < OE_ARRAY_SIZE(orders); k++) {
		oe_import_set s;
		char err[256];
		char *doc = bundle_of(objs, orders[k], N);
		if (parse_doc(doc, &s, err, sizeof(err)))
			fail_msg("order %zu: %s", k, err);
		assert_int_equal(s.niocs, 3);
		bool seen[3] = {0};
		for (size_t i = 0; i < s.niocs; i++) {
			const char *v = s.iocs[i].value;
			seen[0] |= strcmp(v, "192.0.2.2") == 0;
			seen[1] |= strcmp(v, "new.example") == 0;
			seen[2] |= strcmp(v, "first.example") == 0;
		}
		assert_true(seen[0] && seen[1] && seen[2]);
		assert_int_equal(s.skipped, 3); /* the three older versions */
		assert_int_equal(s.nerrors, 0);
		oe_import_set_free(&s);
		free(doc);
	}
}

#define A_EXAMPLE IND(U1, "", "[domain-name:value = 'a.example']")

/* The top level in any order, keys with escapes, white space anywhere. */
static void layout(void **state)
{
	oe_import_set s;
	char err[256];
	const char *docs[] = {
	    /* the bundle's type and id after its objects */
	    "{\"objects\":[" A_EXAMPLE "],\"spec_version\":\"2.1\",\"type\":\"bundle\","
	    "\"id\":\"bundle--" U4 "\"}",
	    /* a TAXII envelope with more after the objects */
	    "{\"objects\":[" A_EXAMPLE "],\"more\":false,\"next\":\"x\"}",
	    /* escapes in keys and in the values the scanner reads */
	    "{\"t\\u0079pe\":\"bundle\",\"\\u006fbjects\":[{\"\\u0074ype\":\"indic\\u0061tor\","
	    "\"i\\u0064\":\"indicator--" U1 "\",\"valid_from\":\"2024-01-01T00:00:00Z\","
	    "\"pattern\":\"[domain-name:value = 'a.example']\"}]}",
	    /* white space everywhere it may be */
	    " \r\n\t{ \"type\" :\n\"bundle\" ,\t\"objects\" : [ \n { \"type\" : \"indicator\" , "
	    "\"id\" : \"indicator--" U1 "\" , \"pattern\" : \"[domain-name:value = 'a.example']\" "
	    "} \n ] \r\n } \n\t ",
	    /* a single object whose type comes last, with an embedded objects dict */
	    "{\"id\":\"observed-data--" U1 "\",\"objects\":{\"0\":{\"type\":\"domain-name\","
	    "\"value\":\"a.example\"}},\"type\":\"observed-data\"}",
	};
	for (size_t i = 0; i < OE_ARRAY_SIZE(docs); i++) {
		if (parse_doc(docs[i], &s, err, sizeof(err)))
			fail_msg("doc %zu: %s", i, err);
		if (s.niocs != 1 || s.nerrors || strcmp(s.iocs[0].value, "a.example") != 0)
			fail_msg("doc %zu: %zu indicators, %zu refused (%s)", i, s.niocs, s.nerrors,
				 s.nerrors ? s.errors[0].reason : "");
		oe_import_set_free(&s);
	}
	/* A report naming an id written with an escape finds it. */
	assert_int_equal(parse_doc("{\"type\":\"bundle\",\"objects\":[{\"type\":\"report\",\"id\":"
				   "\"report--" U1 "\",\"object_refs\":[\"indicator--" U1 "\"]},"
				   "{\"type\":\"indicator\",\"id\":\"indicator\\u002d-" U1 "\","
				   "\"pattern\":\"[domain-name:value = 'a.example']\"}]}",
				   &s, err, sizeof(err)),
			 0);
	assert_int_equal(s.nevents, 1);
	assert_int_equal(s.events[0].count, 1);
	oe_import_set_free(&s);
}

/* Every cut of a bundle is an error: never a crash, never a success. */
static void truncated(void **state)
{
	const char *doc =
	    "{\"type\":\"bundle\",\"id\":\"bundle--" U4 "\",\"objects\":["
	    "{\"type\":\"report\",\"id\":\"report--" U1 "\",\"name\":\"R \\u00e9\\\"\","
	    "\"object_refs\":[\"indicator--" U1 "\",\"observed-data--" U1 "\"]},"
	    "{\"type\":\"observed-data\",\"id\":\"observed-data--" U1 "\","
	    "\"object_refs\":[\"ipv4-addr--" U1
	    "\"],\"number_observed\":1,\"x\":[1.5,-2,true,null]},"
	    "{\"type\":\"ipv4-addr\",\"id\":\"ipv4-addr--" U1 "\",\"value\":\"192.0.2.1\"},"
	    "5," IND(U1, ",\"labels\":[\"a\",\"b\"],\"x_n\":{\"a\":{\"b\":[]}}",
		     "[domain-name:value = 'a.example']") "],\"more\":false}";
	size_t len = strlen(doc);
	oe_import_set s;
	char err[256];
	oe_import_set_init(&s);
	assert_int_equal(oe_stix_parse(doc, len, &opts, &s, err, sizeof(err)), 0);
	assert_int_equal(s.niocs, 2);	/* the report's two members */
	assert_int_equal(s.nerrors, 1); /* the 5 */
	oe_import_set_free(&s);
	for (size_t n = 0; n < len; n++) {
		char *cut = malloc(n ? n : 1); /* exactly n bytes: ASan sees any overread */
		memcpy(cut, doc, n);
		oe_import_set_init(&s);
		err[0] = '\0';
		int rc = oe_stix_parse(cut, n, &opts, &s, err, sizeof(err));
		if (rc != OE_EINVAL || strncmp(err, "invalid JSON", 12) != 0)
			fail_msg("cut at %zu: rc %d, '%s'", n, rc, err);
		oe_import_set_free(&s);
		free(cut);
	}
}

/* Nesting: the scanner enforces OE_JSON_MAX_DEPTH as json.c does. */
static void depth(void **state)
{
	struct {
		const char *head, *tail;
		int base; /* levels around the nest */
	} t[] = {
	    /* inside an element: top, objects, element */
	    {"{\"type\":\"bundle\",\"objects\":[{\"type\":\"x-deep\",\"v\":", "}]}", 3},
	    /* a top-level member of a bundle */
	    {"{\"type\":\"bundle\",\"x_deep\":", ",\"objects\":[]}", 1},
	    /* a single object */
	    {"{\"type\":\"x-deep\",\"v\":", "}", 1},
	};
	for (size_t i = 0; i < OE_ARRAY_SIZE(t); i++) {
		for (int extra = 0; extra <= 1; extra++) {
			int nest = OE_JSON_MAX_DEPTH - t[i].base + extra;
			size_t cap = strlen(t[i].head) + strlen(t[i].tail) + 2 * (size_t)nest + 1;
			char *doc = malloc(cap);
			size_t k = (size_t)snprintf(doc, cap, "%s", t[i].head);
			memset(doc + k, '[', (size_t)nest);
			k += (size_t)nest;
			memset(doc + k, ']', (size_t)nest);
			k += (size_t)nest;
			snprintf(doc + k, cap - k, "%s", t[i].tail);
			oe_import_set s;
			char err[256];
			int rc = parse_doc(doc, &s, err, sizeof(err));
			if (extra == 0 && rc != 0)
				fail_msg("case %zu at the limit: %s", i, err);
			if (extra == 1 &&
			    (rc != OE_ETOOBIG || !strstr(err, "nested deeper than 64")))
				fail_msg("case %zu past the limit: rc %d '%s'", i, rc, err);
			oe_import_set_free(&s);
			free(doc);
		}
	}
}

/* What jansson refuses is refused wherever it stands, with its reason and
 * where it is. */
static void invalid(void **state)
{
	struct {
		const char *doc;
		int rc;
		const char *err;
	} t[] = {
	    /* invalid UTF-8 in the skeleton: a value, a key, between members */
	    {"{\"type\":\"bundle\",\"id\":\"bundle--\xff\",\"objects\":[]}", OE_EINVAL,
	     "not valid UTF-8"},
	    {"{\"type\":\"bundle\",\"x\xc3\":1,\"objects\":[]}", OE_EINVAL, "invalid JSON"},
	    {"{\"type\":\"bundle\",\xff\"objects\":[]}", OE_EINVAL, "unexpected byte 0xff"},
	    {"{\"type\":\"bundle\",\"objects\":[]}\xef\xbb\xbf", OE_EINVAL, "unexpected byte 0xef"},
	    /* and in an element: an encoded surrogate, an overlong key */
	    {"{\"type\":\"bundle\",\"objects\":[{\"type\":\"x\",\"d\":\"\xed\xa0\x80\"}]}",
	     OE_EINVAL, "not valid UTF-8"},
	    {"{\"type\":\"bundle\",\"objects\":[{\"type\":\"x\",\"\xc0\xaf\":1}]}", OE_EINVAL,
	     "not valid UTF-8"},
	    /* duplicate keys: top level (also spelt differently), element, nested */
	    {"{\"type\":\"bundle\",\"objects\":[],\"objects\":[]}", OE_EINVAL,
	     "duplicate object key 'objects'"},
	    {"{\"type\":\"bundle\",\"t\\u0079pe\":\"bundle\",\"objects\":[]}", OE_EINVAL,
	     "duplicate object key 'type'"},
	    {"{\"type\":\"bundle\",\"objects\":[{\"type\":\"x\",\"id\":\"a\",\"id\":\"a\"}]}",
	     OE_EINVAL, "duplicate object key"},
	    {"{\"type\":\"bundle\",\"objects\":[{\"type\":\"x\",\"h\":{\"a\":1,\"\\u0061\":2}}]}",
	     OE_EINVAL, "duplicate object key"},
	    {"{\"type\":\"x\",\"type\":\"x\"}", OE_EINVAL, "duplicate object key"},
	    /* what the reader leaves to jansson */
	    {"{\"type\":\"bundle\",\"objects\":[{\"type\":\"x\",\"d\":\"\\u0000\"}]}", OE_EINVAL,
	     "\\u0000 is not allowed"},
	    {"{\"type\":\"bundle\",\"objects\":[{\"type\":\"x\",\"d\":\"\\ud800x\"}]}", OE_EINVAL,
	     "invalid Unicode"},
	    {"{\"type\":\"bundle\",\"objects\":[{\"type\":\"x\",\"d\":\"a\tb\"}]}", OE_EINVAL,
	     "control character"},
	    {"{\"type\":\"bundle\",\"objects\":[{\"type\":\"x\",\"n\":9223372036854775808}]}",
	     OE_EINVAL, "too big integer"},
	    {"{\"type\":\"bundle\",\"objects\":[{\"type\":\"x\",\"n\":1e400}]}", OE_EINVAL,
	     "real number overflow"},
	    {"{\"type\":\"bundle\",\"objects\":[{\"type\":\"x\",\"n\":01}]}", OE_EINVAL,
	     "invalid token"},
	    {"{\"type\":\"bundle\",\"objects\":[{\"type\":\"x\",\"n\":[1,]}]}", OE_EINVAL,
	     "unexpected token"},
	    {"{\"type\":\"bundle\",\"objects\":[{\"type\":\"x\",\"n\":tru}]}", OE_EINVAL,
	     "invalid token"},
	    /* the structure the scanner walks */
	    {"{\"type\":\"bundle\",\"objects\":[{},]}", OE_EINVAL, "expected a value"},
	    {"{\"type\":\"bundle\",\"objects\":[{}}", OE_EINVAL, "expected ',' or ']'"},
	    {"{\"type\":\"bundle\" \"objects\":[]}", OE_EINVAL, "expected ',' or '}'"},
	    {"{\"type\":\"bundle\",\"objects\":[]} {}", OE_EINVAL, "expected the end"},
	    {"{\"type\":\"bundle\",\"objects\":[{\"type\"}]}", OE_EINVAL, "expected ':'"},
	    {"{\"type\":\"bundle\",\"objects\":[{1:2}]}", OE_EINVAL, "expected a member name"},
	    {"{\"type\":\"bundle\",\"objects\":[[}]]}", OE_EINVAL, "invalid JSON"},
	    {"", OE_EINVAL, "unexpected end of input"},
	    {"5", OE_EINVAL, "expected '{'"},
	    {"[1,,2]", OE_EINVAL, "invalid JSON"},
	    /* invalid JSON is said before what is wrong with the STIX */
	    {"{\"type\":7,\"objects\":[{\"a\":01}]}", OE_EINVAL, "invalid token"},
	    {"{\"type\":7,\"objects\":[{\"a\":1}]}", OE_EINVAL, "not a STIX bundle"},
	    {"[{\"type\":\"bundle\"}]", OE_EINVAL, "the top level is not a JSON object"},
	};
	for (size_t i = 0; i < OE_ARRAY_SIZE(t); i++) {
		oe_import_set s;
		char err[256] = "";
		int rc = parse_doc(t[i].doc, &s, err, sizeof(err));
		if (rc != t[i].rc || !strstr(err, t[i].err))
			fail_msg("case %zu: rc %d '%s', want %d '%s'", i, rc, err, t[i].rc,
				 t[i].err);
		oe_import_set_free(&s);
	}
	/* The position is the document's, lines counted across elements. */
	oe_import_set s;
	char err[256];
	assert_int_equal(parse_doc("{\"type\":\"bundle\",\n\"objects\":[\n{\"type\":\"x\"},\n"
				   "  {\"type\":\"x\",\n   \"n\":01}]}",
				   &s, err, sizeof(err)),
			 OE_EINVAL);
	assert_string_equal(err, "invalid JSON at line 5, column 8: invalid token near '0'");
	oe_import_set_free(&s);
	assert_int_equal(parse_doc("{\"type\":\"bundle\",\n\"objects\":[\n  {\"type\":\"x\"", &s,
				   err, sizeof(err)),
			 OE_EINVAL);
	assert_string_equal(err, "invalid JSON at line 3, column 14: unexpected end of input, "
				 "expected ',' or '}'");
	oe_import_set_free(&s);
}

/* Values the reader decodes itself and values it leaves to jansson come
 * out the same. */
static void values(void **state)
{
	oe_import_set s;
	char err[256];
	/* 70 members: more than the reader checks for duplicates itself */
	char many[70 * 16] = "";
	for (size_t i = 0, k = 0; i < 70; i++)
		k += (size_t)snprintf(many + k, sizeof(many) - k, ",\"x_%zu\":%zu", i, i);
	const char *parts[] = {
	    "{\"type\":\"bundle\",\"objects\":[",
	    /* escapes, raw UTF-8, a surrogate pair; reals, big integers */
	    IND(U1,
		",\"description\":\"caf\\u00e9 \xc3\xa9 \\ud83d\\ude00 \xf0\x9f\x98\x80 \\\"q\\\" "
		"\\\\ \\/ \\b\\f\\n\\r\\t\","
		"\"labels\":[\"\\u0062ench\"],\"x_r\":[1.5,-0.25,1e3,2E-2,-0],"
		"\"x_i\":[9223372036854775807,-9223372036854775808],\"confidence\":42",
		"[domain-name:value = 'a.example']"),
	    ",", IND(U2, ",\"confidence\":42.0", "[domain-name:value = 'b.example']"), ",",
	    "{\"type\":\"indicator\",\"id\":\"indicator--" U3 "\""};
	char *head = join(parts, OE_ARRAY_SIZE(parts), "");
	const char *whole[] = {head, many, ",\"pattern\":\"[domain-name:value = 'c.example']\"}]}"};
	char *doc = join(whole, 3, "");
	if (parse_doc(doc, &s, err, sizeof(err)))
		fail_msg("%s", err);
	assert_int_equal(s.niocs, 2);
	assert_string_equal(
	    s.iocs[0].description,
	    "caf\xc3\xa9 \xc3\xa9 \xf0\x9f\x98\x80 \xf0\x9f\x98\x80 \"q\" \\ / \b\f\n\r\t");
	assert_string_equal(s.iocs[0].tags[0], "bench");
	assert_int_equal(s.iocs[0].confidence, 42);
	assert_string_equal(s.iocs[1].value, "c.example");
	/* a real is not an integer, as jansson says */
	assert_int_equal(s.nerrors, 1);
	assert_string_equal(s.errors[0].reason, "confidence must be an integer from 0 to 100");
	oe_import_set_free(&s);
	free(doc);
	free(head);
}

/* Past OE_STIX_MAX_OBJECTS the document is refused before anything is
 * taken from it. */
static void too_many(void **state)
{
	size_t n = OE_STIX_MAX_OBJECTS + 1;
	const char *head = "{\"type\":\"bundle\",\"objects\":[";
	size_t k = strlen(head), len = k + 2 * n + 1;
	char *doc = malloc(len);
	memcpy(doc, head, k);
	for (size_t i = 0; i < n; i++) {
		doc[k++] = '0';
		doc[k++] = ',';
	}
	doc[k - 1] = ']';
	doc[k++] = '}';
	oe_import_set s;
	char err[256];
	oe_import_set_init(&s);
	assert_int_equal(oe_stix_parse(doc, k, &opts, &s, err, sizeof(err)), OE_ETOOBIG);
	assert_string_equal(err, "more than 1000000 objects in one document");
	assert_int_equal(s.niocs + s.nerrors, 0);
	oe_import_set_free(&s);
	/* ... unless it is not even JSON, past the limit too */
	doc[k - 3] = 'x';
	oe_import_set_init(&s);
	assert_int_equal(oe_stix_parse(doc, k, &opts, &s, err, sizeof(err)), OE_EINVAL);
	assert_non_null(strstr(err, "invalid token near 'x'"));
	oe_import_set_free(&s);
	free(doc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(fixtures),	      cmocka_unit_test(patterns),
	    cmocka_unit_test(pattern_limits), cmocka_unit_test(documents),
	    cmocka_unit_test(fields),	      cmocka_unit_test(observed_and_reports),
	    cmocka_unit_test(roundtrip),      cmocka_unit_test(references),
	    cmocka_unit_test(versions),	      cmocka_unit_test(layout),
	    cmocka_unit_test(truncated),      cmocka_unit_test(depth),
	    cmocka_unit_test(invalid),	      cmocka_unit_test(values),
	    cmocka_unit_test(too_many),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
