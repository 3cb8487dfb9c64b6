/* test_blocklist.c - block list writers: every format's line for each type,
 * BIND's canonical rpz-ip names (checked against names BIND's ip2name()
 * writes), what is skipped and why, RPZ origins, and headers that nothing
 * from outside can break out of. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "core/blocklist.h"

/* Write one value in one format; returns the writer's code, out the text. */
static int one(oe_bl_format f, const char *origin, oe_itype t, const char *v, char *out, size_t cap)
{
	oe_buf b = OE_BUF_INIT;
	oe_bl_opts o = {.fmt = f, .origin = origin, .now = 1767225600000000};
	int rc = oe_bl_write(&b, &o, t, v);
	assert_int_equal(oe_buf_error(&b), 0);
	snprintf(out, cap, "%s", b.data ? b.data : "");
	oe_buf_free(&b);
	return rc;
}

static void lines(void **state)
{
	struct {
		oe_bl_format f;
		oe_itype t;
		const char *in;
		int rc;
		const char *out;
	} t[] = {
	    /* hosts: domains only. */
	    {OE_BL_HOSTS, OE_T_DOMAIN, "evil.example", OE_BL_WRITTEN, "0.0.0.0 evil.example\n"},
	    {OE_BL_HOSTS, OE_T_DOMAIN, "xn--bcher-kva.example", OE_BL_WRITTEN,
	     "0.0.0.0 xn--bcher-kva.example\n"},
	    {OE_BL_HOSTS, OE_T_DOMAIN, "_dmarc.evil.example", OE_BL_WRITTEN,
	     "0.0.0.0 _dmarc.evil.example\n"},
	    {OE_BL_HOSTS, OE_T_DOMAIN, "bad name.example", OE_BL_SKIPPED, ""},
	    {OE_BL_HOSTS, OE_T_DOMAIN, "evil..example", OE_BL_SKIPPED, ""},
	    {OE_BL_HOSTS, OE_T_DOMAIN, "Evil.example", OE_BL_SKIPPED, ""},
	    {OE_BL_HOSTS, OE_T_URL, "http://evil.example/", OE_BL_OTHER, ""},
	    {OE_BL_HOSTS, OE_T_IPV4, "192.0.2.1", OE_BL_OTHER, ""},

	    /* RPZ: names with their subdomains, addresses as rpz-ip. */
	    {OE_BL_RPZ, OE_T_DOMAIN, "evil.example", OE_BL_WRITTEN,
	     "evil.example CNAME .\n*.evil.example CNAME .\n"},
	    {OE_BL_RPZ, OE_T_DOMAIN, "github.io", OE_BL_WRITTEN, "github.io CNAME .\n"},
	    {OE_BL_RPZ, OE_T_DOMAIN, "co.uk", OE_BL_WRITTEN, "co.uk CNAME .\n"},
	    {OE_BL_RPZ, OE_T_DOMAIN, "evil.rpz-ip", OE_BL_SKIPPED, ""},
	    {OE_BL_RPZ, OE_T_DOMAIN, "x.rpz-nsdname", OE_BL_SKIPPED, ""},
	    {OE_BL_RPZ, OE_T_DOMAIN, "a;b.example", OE_BL_SKIPPED, ""},
	    {OE_BL_RPZ, OE_T_IPV4, "192.0.2.1", OE_BL_WRITTEN, "32.1.2.0.192.rpz-ip CNAME .\n"},
	    {OE_BL_RPZ, OE_T_CIDR, "10.20.0.0/16", OE_BL_WRITTEN, "16.0.0.20.10.rpz-ip CNAME .\n"},
	    {OE_BL_RPZ, OE_T_CIDR, "0.0.0.0/0", OE_BL_SKIPPED, ""},
	    {OE_BL_RPZ, OE_T_CIDR, "10.20.0.1/16", OE_BL_SKIPPED, ""}, /* host bits */
	    {OE_BL_RPZ, OE_T_IPV6, "2001:db8::7", OE_BL_WRITTEN,
	     "128.7.zz.db8.2001.rpz-ip CNAME .\n"},
	    /* BIND's own examples (bin/tests/system/rpz): equal runs of zeros
	     * compress the first in the address, a single zero word never. */
	    {OE_BL_RPZ, OE_T_IPV6, "2001:db8::1:0:0:1", OE_BL_WRITTEN,
	     "128.1.0.0.1.zz.db8.2001.rpz-ip CNAME .\n"},
	    {OE_BL_RPZ, OE_T_IPV6, "2001:db8:0:1:1:1:1:1", OE_BL_WRITTEN,
	     "128.1.1.1.1.1.0.db8.2001.rpz-ip CNAME .\n"},
	    {OE_BL_RPZ, OE_T_IPV6, "::1", OE_BL_WRITTEN, "128.1.zz.rpz-ip CNAME .\n"},
	    {OE_BL_RPZ, OE_T_IPV6, "1::", OE_BL_WRITTEN, "128.zz.1.rpz-ip CNAME .\n"},
	    {OE_BL_RPZ, OE_T_CIDR, "2001:db8::/32", OE_BL_WRITTEN,
	     "32.zz.db8.2001.rpz-ip CNAME .\n"},
	    {OE_BL_RPZ, OE_T_CIDR, "2001:db8:0:0:1::/80", OE_BL_WRITTEN,
	     "80.zz.1.0.0.db8.2001.rpz-ip CNAME .\n"},
	    /* IPv4-mapped: the IPv4 trigger, as BIND keys it. */
	    {OE_BL_RPZ, OE_T_IPV6, "::ffff:192.0.2.9", OE_BL_WRITTEN,
	     "32.9.2.0.192.rpz-ip CNAME .\n"},
	    {OE_BL_RPZ, OE_T_CIDR, "::ffff:192.0.2.0/120", OE_BL_WRITTEN,
	     "24.0.2.0.192.rpz-ip CNAME .\n"},
	    {OE_BL_RPZ, OE_T_URL, "http://evil.example/", OE_BL_OTHER, ""},
	    {OE_BL_RPZ, OE_T_SHA256, "e3b0", OE_BL_OTHER, ""},

	    /* rbldnsd. */
	    {OE_BL_IP4SET, OE_T_IPV4, "192.0.2.1", OE_BL_WRITTEN, "192.0.2.1\n"},
	    {OE_BL_IP4SET, OE_T_CIDR, "10.20.0.0/16", OE_BL_WRITTEN, "10.20.0.0/16\n"},
	    {OE_BL_IP4SET, OE_T_CIDR, "2001:db8::/32", OE_BL_OTHER, ""},
	    {OE_BL_IP4SET, OE_T_CIDR, "0.0.0.0/0", OE_BL_SKIPPED, ""},
	    {OE_BL_IP4SET, OE_T_IPV6, "2001:db8::7", OE_BL_OTHER, ""},
	    {OE_BL_IP6TRIE, OE_T_IPV4, "192.0.2.1", OE_BL_OTHER, ""},
	    {OE_BL_IP6TRIE, OE_T_IPV6, "2001:db8::7", OE_BL_WRITTEN, "2001:db8::7/128\n"},
	    {OE_BL_IP6TRIE, OE_T_IPV6, "2001:db8:0:1:1:1:1:1", OE_BL_WRITTEN,
	     "2001:db8:0:1:1:1:1:1/128\n"},
	    {OE_BL_IP6TRIE, OE_T_CIDR, "2001:db8::/32", OE_BL_WRITTEN, "2001:db8::/32\n"},
	    {OE_BL_IP6TRIE, OE_T_CIDR, "10.20.0.0/16", OE_BL_OTHER, ""},
	    {OE_BL_IP6TRIE, OE_T_CIDR, "::/0", OE_BL_SKIPPED, ""},
	    {OE_BL_IP6TRIE, OE_T_IPV6, "::ffff:192.0.2.9", OE_BL_OTHER, ""},
	    {OE_BL_IP4SET, OE_T_IPV6, "::ffff:192.0.2.9", OE_BL_WRITTEN, "192.0.2.9\n"},
	    {OE_BL_IP4SET, OE_T_CIDR, "::ffff:10.0.0.0/104", OE_BL_WRITTEN, "10.0.0.0/8\n"},
	    {OE_BL_DNSET, OE_T_DOMAIN, "evil.example", OE_BL_WRITTEN, ".evil.example\n"},
	    {OE_BL_DNSET, OE_T_DOMAIN, "github.io", OE_BL_WRITTEN, "github.io\n"},
	    {OE_BL_DNSET, OE_T_DOMAIN, "#x.example", OE_BL_SKIPPED, ""},

	    /* Suricata. */
	    {OE_BL_SURICATA, OE_T_DOMAIN, "evil.example", OE_BL_WRITTEN, "ZXZpbC5leGFtcGxl\n"},
	    {OE_BL_SURICATA, OE_T_URL, "http://a.example/", OE_BL_WRITTEN,
	     "aHR0cDovL2EuZXhhbXBsZS8=\n"},
	    {OE_BL_SURICATA, OE_T_IPV4, "192.0.2.1", OE_BL_WRITTEN, "192.0.2.1\n"},
	    {OE_BL_SURICATA, OE_T_IPV6, "2001:db8::7", OE_BL_WRITTEN, "2001:db8::7\n"},
	    {OE_BL_SURICATA, OE_T_MD5, "d41d8cd98f00b204e9800998ecf8427e", OE_BL_WRITTEN,
	     "d41d8cd98f00b204e9800998ecf8427e\n"},
	    {OE_BL_SURICATA, OE_T_MD5, "d41d8cd98f00b204e9800998ecf8427", OE_BL_SKIPPED, ""},
	    {OE_BL_SURICATA, OE_T_SHA256,
	     "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", OE_BL_WRITTEN,
	     "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n"},
	    {OE_BL_SURICATA, OE_T_SHA1, "da39a3ee5e6b4b0d3255bfef95601890afd80709", OE_BL_OTHER,
	     ""},
	    {OE_BL_SURICATA, OE_T_CIDR, "10.0.0.0/8", OE_BL_OTHER, ""},
	};
	char out[512];
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		int rc = one(t[i].f, NULL, t[i].t, t[i].in, out, sizeof(out));
		if (rc != t[i].rc || strcmp(out, t[i].out) != 0)
			fail_msg("format %d, %s: rc %d, \"%s\"; want %d, \"%s\"", (int)t[i].f,
				 t[i].in, rc, out, t[i].rc, t[i].out);
	}
}

/* Names that fit in 255 octets only without the origin are skipped; a
 * wildcard that does not fit is left out, the name itself kept. */
static void lengths(void **state)
{
	char name[300], out[1024];
	const char *origin = "rpz.oureyes.local."; /* 18 bytes */
	/* A name of n bytes under it is n + 20 octets in wire form. 63+1+63+1+
	 * 63+1+37 = 229 bytes: 249 octets, the wildcard 251. */
	snprintf(name, sizeof(name), "%063d.%063d.%063d.%037d", 0, 0, 0, 0);
	assert_int_equal(one(OE_BL_RPZ, origin, OE_T_DOMAIN, name, out, sizeof(out)),
			 OE_BL_WRITTEN);
	assert_non_null(strstr(out, "*."));
	/* 236 bytes: 256 octets, too long. */
	snprintf(name, sizeof(name), "%063d.%063d.%063d.%044d", 0, 0, 0, 0);
	assert_int_equal(one(OE_BL_RPZ, origin, OE_T_DOMAIN, name, out, sizeof(out)),
			 OE_BL_SKIPPED);
	/* 235 bytes: 255 octets, the wildcard would be 257. */
	snprintf(name, sizeof(name), "%063d.%063d.%063d.%043d", 0, 0, 0, 0);
	assert_int_equal(one(OE_BL_RPZ, origin, OE_T_DOMAIN, name, out, sizeof(out)),
			 OE_BL_WRITTEN);
	assert_null(strstr(out, "*."));
	/* Suricata's line buffer: 765 bytes encode to 1020 characters. */
	char url[800] = "http://a.example/";
	memset(url + 17, 'x', 765 - 17);
	url[765] = '\0';
	assert_int_equal(one(OE_BL_SURICATA, NULL, OE_T_URL, url, out, sizeof(out)), OE_BL_WRITTEN);
	assert_int_equal(strlen(out), 1021);
	url[765] = 'x';
	url[766] = '\0';
	assert_int_equal(one(OE_BL_SURICATA, NULL, OE_T_URL, url, out, sizeof(out)), OE_BL_SKIPPED);
}

static void origins(void **state)
{
	char o[OE_RPZ_ORIGIN_MAX + 1];
	const char *why = NULL;
	assert_int_equal(oe_rpz_origin("RPZ.Example.", o, &why), 0);
	assert_string_equal(o, "rpz.example.");
	assert_int_equal(oe_rpz_origin("rpz", o, &why), 0);
	assert_string_equal(o, "rpz.");
	const char *bad[] = {"", ".", "a..b", "a b", "a;b", "a\nb", ".a", "a/b"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		why = NULL;
		if (oe_rpz_origin(bad[i], o, &why) != OE_EINVAL || !why)
			fail_msg("origin \"%s\" accepted", bad[i]);
	}
	char longo[200];
	memset(longo, 'a', sizeof(longo) - 1);
	longo[sizeof(longo) - 1] = '\0';
	for (size_t i = 60; i < sizeof(longo) - 1; i += 61)
		longo[i] = '.';
	assert_int_equal(oe_rpz_origin(longo, o, &why), OE_EINVAL);
	/* A name under another origin is measured against it. */
	char out[256], name[240];
	snprintf(name, sizeof(name), "%063d.%063d.%063d.%030d", 0, 0, 0, 0);
	assert_int_equal(one(OE_BL_RPZ, "rpz.", OE_T_DOMAIN, name, out, sizeof(out)),
			 OE_BL_WRITTEN);
	assert_int_equal(one(OE_BL_RPZ, "a-much-longer-policy-zone-origin.example.", OE_T_DOMAIN,
			     name, out, sizeof(out)),
			 OE_BL_SKIPPED);
}

/* Headers and footers: exact text, and nothing from the filter (a tag from
 * a query string) can end the comment and become a record. */
static void header_footer(void **state)
{
	oe_buf b = OE_BUF_INIT;
	oe_bl_opts o = {.fmt = OE_BL_RPZ,
			.origin = "rpz.oureyes.local.",
			.now = 1767225600000000,
			.title = "CERT \xe5\x9b\xbd",
			.about = "tag=x\n@ NS evil.example.\r\n$INCLUDE /etc/passwd"};
	oe_bl_header(&b, &o);
	oe_bl_footer(&b, &o, 3, 1, 2);
	assert_int_equal(oe_buf_error(&b), 0);
	assert_string_equal(
	    b.data, "; oureyes DNS response policy zone: NXDOMAIN for each listed domain and its "
		    "subdomains, and for answers holding a listed address\n"
		    "; from: CERT \xe5\x9b\xbd\n"
		    "; generated: 2026-01-01T00:00:00.000Z\n"
		    "; filter: tag=x?@ NS evil.example.??$INCLUDE /etc/passwd\n"
		    "$TTL 300\n"
		    "$ORIGIN rpz.oureyes.local.\n"
		    "@ SOA localhost. hostmaster.localhost. 1767225600 3600 600 604800 300\n"
		    "@ NS localhost.\n"
		    "; end: 3 values listed, 1 skipped (not expressible in this format); most "
		    "restricted marking TLP:AMBER\n");
	oe_buf_clear(&b);
	o.fmt = OE_BL_DNSET;
	o.title = o.about = NULL;
	oe_bl_header(&b, &o);
	oe_bl_footer(&b, &o, 0, 0, -1);
	assert_string_equal(b.data, "# oureyes block list, rbldnsd dnset dataset: each listed "
				    "domain and its subdomains\n"
				    "# generated: 2026-01-01T00:00:00.000Z\n"
				    ":127.0.0.2:Listed by oureyes: $\n"
				    "# end: 0 values listed, 0 skipped (not expressible in this "
				    "format)\n");
	/* Suricata reads every line as data: no header, no footer. */
	oe_buf_clear(&b);
	o.fmt = OE_BL_SURICATA;
	o.about = "x";
	oe_bl_header(&b, &o);
	oe_bl_footer(&b, &o, 5, 0, 1);
	assert_int_equal(b.len, 0);
	oe_buf_free(&b);
}

static void carries(void **state)
{
	assert_true(oe_bl_carries(OE_BL_RPZ, OE_T_CIDR));
	assert_false(oe_bl_carries(OE_BL_RPZ, OE_T_URL));
	assert_false(oe_bl_carries(OE_BL_HOSTS, OE_T_IPV4));
	assert_true(oe_bl_carries(OE_BL_SURICATA, OE_T_PHONE));
	assert_false(oe_bl_carries(OE_BL_SURICATA, OE_T_SHA1));
	assert_string_equal(oe_suricata_type(OE_T_IPV6), "ip");
	assert_string_equal(oe_suricata_type(OE_T_WALLET), "string");
	assert_null(oe_suricata_type(OE_T_CIDR));
	assert_null(oe_suricata_type(OE_T_NONE));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(lines),	     cmocka_unit_test(lengths), cmocka_unit_test(origins),
	    cmocka_unit_test(header_footer), cmocka_unit_test(carries),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
