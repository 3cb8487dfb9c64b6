/* test_warninglist.c - MISP warninglists: the 13 real lists of the shared
 * fixtures (counts measured once and pinned, and a table of values with the
 * list that must flag them), then small lists built in memory for each list
 * type, loose entries, the matching_attributes gate and every error path. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/warninglist.h"

/* The list names of the fixture, as the files spell them. */
#define BANK	  "List of known bank domains"
#define EMPTY	  "List of known hashes for empty files"
#define GOOGLE	  "List of known google domains"
#define LINKLOCAL "List of IPv6 link local blocks"
#define MULTICAST "List of RFC 5771 multicast CIDR blocks"
#define PARKING	  "Parking domains"
#define DNS6	  "List of known IPv6 public DNS resolvers"
#define RFC1918	  "List of RFC 1918 CIDR blocks"
#define RFC5735	  "List of RFC 5735 CIDR blocks"
#define RFC6598	  "List of RFC 6598 CIDR blocks"
#define TRANCO	  "Top 10K most-used sites from Tranco"
#define SHORT	  "List of known URL Shorteners domains"
#define MYIP	  "List of known domains to know external IP"

struct expect {
	oe_itype t;
	const char *v;
	const char *list; /* NULL: not flagged */
};

static void check_table(const oe_warninglists *w, const struct expect *e, size_t n)
{
	int bad = 0;
	for (size_t i = 0; i < n; i++) {
		const char *got = oe_warninglists_match(w, e[i].t, e[i].v);
		if ((got == NULL) != (e[i].list == NULL) || (got && strcmp(got, e[i].list) != 0)) {
			print_error("%s: got \"%s\", want \"%s\"\n", e[i].v, got ? got : "(none)",
				    e[i].list ? e[i].list : "(none)");
			bad++;
		}
	}
	if (bad)
		fail_msg("%d of %zu values matched the wrong list", bad, n);
}

/* Loads one list from a C string; fails the test on error. */
static oe_warninglists *load1(const char *json)
{
	char err[256] = "";
	oe_warninglists *w = oe_warninglists_new();
	assert_non_null(w);
	int rc = oe_warninglists_load_json(w, json, strlen(json), err, sizeof(err));
	if (rc != 0)
		fail_msg("load failed (%d): %s", rc, err);
	return w;
}

static void assert_entries(const oe_warninglists *w, size_t i, size_t entries, size_t skipped)
{
	oe_warninglist_info in;
	assert_int_equal(oe_warninglists_info(w, i, &in), 0);
	if (in.entries != entries || in.skipped != skipped)
		fail_msg("list %s: %zu entries / %zu skipped, want %zu / %zu", in.name, in.entries,
			 in.skipped, entries, skipped);
}

/* ---- the real lists ---- */

static int fixture_setup(void **state)
{
	const char *shared = getenv("OE_SHARED");
	char dir[4096], err[512] = "";
	*state = NULL;
	if (!shared)
		return 0;
	snprintf(dir, sizeof(dir), "%s/fixtures/misp/warninglists", shared);
	struct stat st;
	if (stat(dir, &st) != 0)
		return 0; /* the tests skip */
	oe_warninglists *w = oe_warninglists_new();
	if (!w)
		return -1;
	int rc = oe_warninglists_load_dir(w, dir, err, sizeof(err));
	if (rc != 0) {
		print_error("load_dir(%s): %d %s\n", dir, rc, err);
		oe_warninglists_free(w);
		return -1;
	}
	*state = w;
	return 0;
}

static int fixture_teardown(void **state)
{
	oe_warninglists_free(*state);
	return 0;
}

static void fixture_counts(void **state)
{
	const oe_warninglists *w = *state;
	if (!w)
		skip();
	static const struct {
		const char *name, *type;
		size_t entries;
	} want[] = {
	    /* strcmp order of the directory names */
	    {BANK, "hostname", 2226},	 /* bank-website */
	    {EMPTY, "string", 6},	 /* empty-hashes */
	    {GOOGLE, "string", 669},	 /* google */
	    {LINKLOCAL, "cidr", 1},	 /* ipv6-linklocal */
	    {MULTICAST, "cidr", 16},	 /* multicast */
	    {PARKING, "cidr", 108},	 /* parking-domain */
	    {DNS6, "cidr", 269},	 /* public-dns-v6 */
	    {RFC1918, "cidr", 3},	 /* rfc1918 */
	    {RFC5735, "cidr", 15},	 /* rfc5735 */
	    {RFC6598, "cidr", 1},	 /* rfc6598 */
	    {TRANCO, "hostname", 10000}, /* tranco10k */
	    {SHORT, "hostname", 255},	 /* url-shortener */
	    {MYIP, "hostname", 234},	 /* whats-my-ip */
	};
	assert_int_equal(oe_warninglists_count(w), OE_ARRAY_SIZE(want));
	size_t total = 0;
	for (size_t i = 0; i < OE_ARRAY_SIZE(want); i++) {
		oe_warninglist_info in;
		assert_int_equal(oe_warninglists_info(w, i, &in), 0);
		assert_string_equal(in.name, want[i].name);
		assert_string_equal(oe_warninglists_name(w, i), want[i].name);
		assert_string_equal(in.type, want[i].type);
		assert_entries(w, i, want[i].entries, 0);
		total += in.entries;
	}
	assert_int_equal(total, 13803);
	assert_null(oe_warninglists_name(w, OE_ARRAY_SIZE(want)));
	oe_warninglist_info in;
	assert_int_equal(oe_warninglists_info(w, OE_ARRAY_SIZE(want), &in), OE_ENOTFOUND);
}

static void fixture_matches(void **state)
{
	const oe_warninglists *w = *state;
	if (!w)
		skip();
	static const struct expect table[] = {
	    /* The fixture has no IPv4 public-DNS list: 8.8.8.8 is in none. */
	    {OE_T_IPV4, "8.8.8.8", NULL},
	    {OE_T_IPV4, "1.1.1.1", NULL},
	    {OE_T_IPV4, "10.1.2.3", RFC1918}, /* also in RFC 5735, which comes later */
	    {OE_T_IPV4, "10.255.255.255", RFC1918},
	    {OE_T_IPV4, "11.0.0.1", NULL},
	    {OE_T_IPV4, "172.16.0.1", RFC1918},
	    {OE_T_IPV4, "172.31.255.255", RFC1918},
	    {OE_T_IPV4, "172.32.0.1", NULL},
	    {OE_T_IPV4, "192.168.100.7", RFC1918},
	    {OE_T_IPV4, "100.64.1.1", RFC6598},
	    {OE_T_IPV4, "100.128.0.1", NULL},
	    {OE_T_IPV4, "127.0.0.1", RFC5735},
	    {OE_T_IPV4, "169.254.10.20", RFC5735},
	    {OE_T_IPV4, "198.51.100.23", RFC5735},
	    {OE_T_IPV4, "239.255.255.250", MULTICAST}, /* before RFC 5735's 224/4 */
	    {OE_T_IPV4, "255.255.255.255", RFC5735},
	    {OE_T_IPV4, "103.224.182.77", PARKING}, /* 103.224.182.0/23 */
	    {OE_T_IPV4, "103.224.184.1", NULL},
	    {OE_T_IPV4, "209.99.64.200", PARKING},
	    {OE_T_IPV4, "36.86.63.182", NULL},
	    {OE_T_IPV6, "2001:4860:4860::8888", DNS6},
	    {OE_T_IPV6, "2001:4860:4860::8844", DNS6},
	    {OE_T_IPV6, "2001:4860:4860::1", NULL},
	    {OE_T_IPV6, "fe80::1", LINKLOCAL}, /* listed as "FE80::/10" */
	    {OE_T_IPV6, "febf:ffff::1", LINKLOCAL},
	    {OE_T_IPV6, "fec0::1", NULL},
	    {OE_T_IPV6, "3::", NULL}, /* the empty ssdeep "3::" applies to hashes only */
	    {OE_T_IPV6, "2001:db8::1", NULL},
	    {OE_T_CIDR, "192.168.0.0/24", RFC1918},
	    {OE_T_CIDR, "10.0.0.0/8", RFC1918},
	    {OE_T_CIDR, "10.0.0.0/7", NULL}, /* wider than every listed range */
	    {OE_T_CIDR, "172.0.0.0/11", NULL},
	    {OE_T_CIDR, "100.64.0.0/16", RFC6598},
	    {OE_T_CIDR, "0.0.0.0/0", NULL},
	    {OE_T_CIDR, "103.224.182.0/24", PARKING},
	    {OE_T_CIDR, "103.224.180.0/22", NULL},
	    {OE_T_CIDR, "fe80::/64", LINKLOCAL},
	    {OE_T_CIDR, "fe80::/9", NULL},
	    {OE_T_DOMAIN, "www.google.com", GOOGLE},
	    {OE_T_DOMAIN, "google.com", GOOGLE},
	    {OE_T_DOMAIN, "mail.google.co.uk", GOOGLE}, /* ".google.co.uk" */
	    {OE_T_DOMAIN, "gmail.com", GOOGLE},
	    {OE_T_DOMAIN, "youtube.com", GOOGLE},
	    {OE_T_DOMAIN, "www.youtube.com", TRANCO}, /* google lists youtube.com exactly */
	    {OE_T_DOMAIN, "a.b.wikipedia.org", TRANCO},
	    {OE_T_DOMAIN, "wikipedia.org", TRANCO},
	    {OE_T_DOMAIN, "paypal.com", BANK}, /* also in Tranco, which comes later */
	    {OE_T_DOMAIN, "www.hsbc.co.uk", BANK},
	    {OE_T_DOMAIN, "2ip.ru", MYIP},
	    {OE_T_DOMAIN, "1url.com", SHORT},
	    {OE_T_DOMAIN, "bit.ly", TRANCO},
	    {OE_T_DOMAIN, "google.com.secure-login.info", NULL},
	    {OE_T_DOMAIN, "paypal-account-verify.com", NULL},
	    {OE_T_DOMAIN, "g00gle.com", NULL},
	    {OE_T_DOMAIN, "wikipedia.org.evil.example", NULL},
	    {OE_T_DOMAIN, "com", NULL},
	    {OE_T_DOMAIN, "klikbca-secure.id", NULL},
	    {OE_T_URL, "https://www.wikipedia.org/wiki/Main_Page", TRANCO},
	    {OE_T_URL, "https://docs.google.com/forms/d/e/1FAIpQL/viewform", GOOGLE},
	    {OE_T_URL, "http://bit.ly/3xYz", TRANCO},
	    {OE_T_URL, "https://2no.co/abc", SHORT},
	    {OE_T_URL, "https://user@www.hsbc.co.uk:8443/login", BANK},
	    {OE_T_URL, "http://paypal.com.account-verify.xyz/login", NULL},
	    /* the CIDR lists name only ip-src/ip-dst among their attributes */
	    {OE_T_URL, "http://192.168.1.1/admin", NULL},
	    /* no fixture list applies to e-mail addresses: a gmail.com or
	     * paypal.com sender is not benign for being at a big provider */
	    {OE_T_EMAIL, "someone@gmail.com", NULL},
	    {OE_T_EMAIL, "ceo@paypal.com", NULL},
	    {OE_T_MD5, "d41d8cd98f00b204e9800998ecf8427e", EMPTY},
	    {OE_T_MD5, "d41d8cd98f00b204e9800998ecf8427f", NULL},
	    {OE_T_SHA1, "da39a3ee5e6b4b0d3255bfef95601890afd80709", EMPTY},
	    {OE_T_SHA256, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
	     EMPTY},
	    {OE_T_PHONE, "+6281234567890", NULL},
	};
	check_table(w, table, OE_ARRAY_SIZE(table));
}

/* ---- lists built in memory ---- */

static void type_string(void **state)
{
	oe_warninglists *w =
	    load1("{\"name\":\"s\",\"type\":\"string\",\"list\":["
		  "\"Example.COM.\", \".sub.example.net\", \"*.wild.example\","
		  "\"d41d8cd98f00b204e9800998ecf8427e\", \"BC1QXY\", \" 3:: \","
		  "\"2001:DB8:0:0::1\", \"https://x.example/Path\", \"\", \"   \"]}");
	assert_entries(w, 0, 8, 2);
	const struct expect t[] = {
	    {OE_T_DOMAIN, "example.com", "s"},	     /* folded, trailing dot dropped */
	    {OE_T_DOMAIN, "www.example.com", NULL},  /* string: exact only */
	    {OE_T_DOMAIN, "a.sub.example.net", "s"}, /* ".x": the names below x */
	    {OE_T_DOMAIN, "sub.example.net", NULL},
	    {OE_T_DOMAIN, "z.wild.example", "s"},
	    {OE_T_DOMAIN, "wild.example", NULL},
	    {OE_T_URL, "https://example.com/anything", "s"}, /* a URL's host */
	    {OE_T_URL, "https://b.sub.example.net/", "s"},
	    {OE_T_URL, "https://x.example/Path", "s"},
	    {OE_T_URL, "https://x.example/path", NULL}, /* URL paths keep their case */
	    {OE_T_MD5, "d41d8cd98f00b204e9800998ecf8427e", "s"},
	    {OE_T_WALLET, "BC1QXY", "s"},
	    {OE_T_WALLET, "bc1qxy", NULL},   /* wallets are case-sensitive */
	    {OE_T_IPV6, "3::", "s"},	     /* no matching_attributes: every type */
	    {OE_T_IPV6, "2001:db8::1", "s"}, /* IPv6 entries compare canonical */
	    {OE_T_EMAIL, "x@example.com", NULL},
	};
	check_table(w, t, OE_ARRAY_SIZE(t));
	oe_warninglists_free(w);
}

static void type_hostname(void **state)
{
	oe_warninglists *w =
	    load1("{\"name\":\"h\",\"type\":\"hostname\",\"list\":["
		  "\".Google.COM\", \"bank.co.id.\", \"*.cdn.example\","
		  "\"b\\u00fccher.example\", \"Example.org\", \"bad..name\","
		  "\"under_score.example\", \"has space.example\", \"a/b.example\"]}");
	assert_entries(w, 0, 6, 3);
	const struct expect t[] = {
	    {OE_T_DOMAIN, "google.com", "h"},
	    {OE_T_DOMAIN, "a.b.google.com", "h"},
	    {OE_T_DOMAIN, "notgoogle.com", NULL},
	    {OE_T_DOMAIN, "google.com.evil.example", NULL},
	    {OE_T_DOMAIN, "com", NULL},
	    {OE_T_DOMAIN, "ib.bank.co.id", "h"},
	    {OE_T_DOMAIN, "co.id", NULL},
	    {OE_T_DOMAIN, "cdn.example", "h"},
	    {OE_T_DOMAIN, "img.cdn.example", "h"},
	    {OE_T_DOMAIN, "xn--bcher-kva.example", "h"}, /* U-label entry, A-label value */
	    {OE_T_DOMAIN, "shop.xn--bcher-kva.example", "h"},
	    {OE_T_DOMAIN, "_dmarc.under_score.example", "h"},
	    {OE_T_URL, "https://mail.google.com/mail/u/0/", "h"},
	    {OE_T_URL, "http://user:pw@www.example.org:8080/x", "h"},
	    {OE_T_URL, "https://example.net/www.google.com", NULL}, /* path, not host */
	    {OE_T_EMAIL, "alice@example.org", "h"},
	    {OE_T_EMAIL, "alice@mx.bank.co.id", "h"},
	    {OE_T_EMAIL, "google.com@evil.example", NULL},
	    {OE_T_MD5, "google.com", NULL},
	};
	check_table(w, t, OE_ARRAY_SIZE(t));
	oe_warninglists_free(w);
}

static void type_cidr(void **state)
{
	oe_warninglists *w =
	    load1("{\"name\":\"c\",\"type\":\"cidr\",\"list\":["
		  "\"10.1.2.3/8\", \"192.0.2.7\", \" 198.51.100.0/24 \","
		  "\"2001:DB8::/32\", \"2001:4860:4860::8888\", \"::/0\","
		  "\"300.1.1.1/8\", \"10.0.0.0/33\", \"fe80::/129\", \"10.0.0.0/\","
		  "\"10.0.0.0/8x\", \"example.com\"]}");
	assert_entries(w, 0, 6, 6);
	const struct expect t[] = {
	    {OE_T_IPV4, "10.200.3.4", "c"}, /* 10.1.2.3/8 is 10.0.0.0/8 */
	    {OE_T_IPV4, "11.0.0.0", NULL},
	    {OE_T_IPV4, "192.0.2.7", "c"}, /* a bare address is a /32 */
	    {OE_T_IPV4, "192.0.2.8", NULL},
	    {OE_T_IPV4, "198.51.100.255", "c"},
	    {OE_T_CIDR, "10.5.0.0/16", "c"},
	    {OE_T_CIDR, "10.0.0.0/8", "c"},
	    {OE_T_CIDR, "10.0.0.0/7", NULL},
	    {OE_T_CIDR, "192.0.2.7/32", "c"},
	    {OE_T_CIDR, "192.0.2.6/31", NULL},
	    {OE_T_IPV6, "2001:db8:ffff::1", "c"},
	    {OE_T_IPV6, "::1", "c"}, /* ::/0 holds every v6 address */
	    {OE_T_CIDR, "2001:db8::/48", "c"},
	    {OE_T_CIDR, "::/0", "c"},
	    {OE_T_URL, "http://[2001:db8::5]:8080/x", "c"},
	    {OE_T_URL, "http://10.9.9.9/login", "c"},
	    {OE_T_URL, "http://11.9.9.9/login", NULL},
	    {OE_T_DOMAIN, "example.com", NULL},
	    {OE_T_IPV4, "not an ip", NULL},
	};
	check_table(w, t, OE_ARRAY_SIZE(t));
	oe_warninglists_free(w);
}

static void type_substring(void **state)
{
	oe_warninglists *w = load1("{\"name\":\"sub\",\"type\":\"substring\",\"list\":["
				   "\"Amazonaws\", \"cloudfront.net\", \"\", \"XyZ\"]}");
	assert_entries(w, 0, 3, 1);
	const struct expect t[] = {
	    {OE_T_DOMAIN, "bucket.s3.amazonaws.com", "sub"}, /* folded for domains */
	    {OE_T_DOMAIN, "d1.cloudfront.net", "sub"},
	    {OE_T_URL, "https://d1.cloudfront.net.evil.example/", "sub"},
	    {OE_T_DOMAIN, "example.com", NULL},
	    {OE_T_WALLET, "abcXyZdef", "sub"},
	    {OE_T_WALLET, "abcxyzdef", NULL}, /* wallets keep their case */
	};
	check_table(w, t, OE_ARRAY_SIZE(t));
	oe_warninglists_free(w);
}

static void type_regex(void **state)
{
	/* JSON escapes: "\\." in the source is \. in the pattern. */
	oe_warninglists *w =
	    load1("{\"name\":\"re\",\"type\":\"regex\",\"list\":["
		  "\"/^([a-z0-9-]+\\\\.)*example\\\\.org$/i\"," /* PCRE delimiters, i flag */
		  "\"^[0-9]+\\\\.in-addr\\\\.arpa$\","		/* bare ERE */
		  "\"^\\\\d+$\","				/* \d: PCRE only */
		  "\"^(?:a|b)$\","				/* (?: */
		  "\"^a+?$\","					/* lazy */
		  "\"[\\\\w.]+\","				/* backslash in brackets */
		  "\"((a{99}){99}){99}\","			/* interval blow-up */
		  "\"/abc/x\","					/* x flag */
		  "\"(unclosed\","				/* does not compile */
		  "\"^\\\\+62[0-9]{8,12}$\"]}");
	assert_entries(w, 0, 3, 7);
	const struct expect t[] = {
	    {OE_T_DOMAIN, "www.EXAMPLE.org", "re"},
	    {OE_T_DOMAIN, "example.org", "re"},
	    {OE_T_DOMAIN, "example.org.evil.example", NULL},
	    {OE_T_DOMAIN, "4.in-addr.arpa", "re"},
	    {OE_T_DOMAIN, "x.in-addr.arpa", NULL},
	    {OE_T_PHONE, "+6281234567890", "re"},
	    {OE_T_PHONE, "+6581234567", NULL},
	    {OE_T_DOMAIN, "12345", NULL}, /* \d+ was skipped, not read as d+ */
	    {OE_T_DOMAIN, "ddd", NULL},
	};
	check_table(w, t, OE_ARRAY_SIZE(t));
	oe_warninglists_free(w);
}

/* matching_attributes decides which indicator types a list applies to. */
static void attributes_gate(void **state)
{
	oe_warninglists *w = load1("{\"name\":\"hashes\",\"type\":\"string\",\"list\":[\"3::\","
				   "\"d41d8cd98f00b204e9800998ecf8427e\"],"
				   "\"matching_attributes\":[\"md5\",\"ssdeep\"]}");
	char err[256];
	const char *more[] = {
	    "{\"name\":\"ips\",\"type\":\"cidr\",\"list\":[\"10.0.0.0/8\"],"
	    "\"matching_attributes\":[\"ip-src\",\"ip-dst\"]}",
	    "{\"name\":\"hosts\",\"type\":\"hostname\",\"list\":[\"example.com\"],"
	    "\"matching_attributes\":[\"domain\"]}",
	    "{\"name\":\"mail\",\"type\":\"hostname\",\"list\":[\"example.com\"],"
	    "\"matching_attributes\":[\"email-src\"]}",
	    "{\"name\":\"nothing\",\"type\":\"string\",\"list\":[\"anything\"],"
	    "\"matching_attributes\":[\"text\"]}",
	    "{\"name\":\"all\",\"type\":\"string\",\"list\":[\"anything\", \"3::\"],"
	    "\"matching_attributes\":[\"ALL\"]}",
	};
	for (size_t i = 0; i < OE_ARRAY_SIZE(more); i++)
		assert_int_equal(
		    oe_warninglists_load_json(w, more[i], strlen(more[i]), err, sizeof(err)), 0);
	const struct expect t[] = {
	    {OE_T_MD5, "d41d8cd98f00b204e9800998ecf8427e", "hashes"},
	    {OE_T_IPV6, "3::", "all"}, /* not "hashes" */
	    {OE_T_IPV4, "10.1.1.1", "ips"},
	    {OE_T_CIDR, "10.1.0.0/16", "ips"},
	    {OE_T_URL, "http://10.1.1.1/", NULL},
	    {OE_T_DOMAIN, "www.example.com", "hosts"},
	    {OE_T_URL, "http://www.example.com/", NULL},
	    {OE_T_EMAIL, "bob@example.com", "mail"},
	    {OE_T_DOMAIN, "anything", "all"},
	    {OE_T_PHONE, "anything", "all"},
	};
	check_table(w, t, OE_ARRAY_SIZE(t));
	oe_warninglists_free(w);
}

/* The first list in load order wins; a later duplicate does not mask it. */
static void first_list_wins(void **state)
{
	oe_warninglists *w =
	    load1("{\"name\":\"one\",\"type\":\"hostname\",\"list\":[\"b.example\"]}");
	char err[256];
	const char *more[] = {
	    "{\"name\":\"two\",\"type\":\"hostname\",\"list\":[\"a.b.example\", \"example\"]}",
	    "{\"name\":\"three\",\"type\":\"string\",\"list\":[\"a.b.example\", \"x.example\"]}",
	    "{\"name\":\"four\",\"type\":\"cidr\",\"list\":[\"10.0.0.0/8\"]}",
	    "{\"name\":\"five\",\"type\":\"cidr\",\"list\":[\"10.1.0.0/16\", \"10.0.0.0/8\"]}",
	};
	for (size_t i = 0; i < OE_ARRAY_SIZE(more); i++)
		assert_int_equal(
		    oe_warninglists_load_json(w, more[i], strlen(more[i]), err, sizeof(err)), 0);
	assert_int_equal(oe_warninglists_count(w), 5);
	const struct expect t[] = {
	    {OE_T_DOMAIN, "a.b.example", "one"}, {OE_T_DOMAIN, "c.example", "two"},
	    {OE_T_DOMAIN, "x.example", "two"},	 {OE_T_IPV4, "10.1.2.3", "four"},
	    {OE_T_CIDR, "10.1.0.0/24", "four"},
	};
	check_table(w, t, OE_ARRAY_SIZE(t));
	oe_warninglists_free(w);
}

static void errors(void **state)
{
	oe_warninglists *w = load1("{\"name\":\"ok\",\"type\":\"cidr\",\"list\":[\"10.0.0.0/8\"]}");
	static const struct {
		const char *json;
		int rc;
		const char *msg; /* a piece of the message */
	} bad[] = {
	    {"{\"name\":\"x\",\"type\":\"cidr\",\"list\":[\"1.2.3.4\"", OE_EINVAL, "invalid JSON"},
	    {"", OE_EINVAL, "invalid JSON"},
	    {"[]", OE_EINVAL, "not a JSON object"},
	    {"{\"type\":\"cidr\",\"list\":[]}", OE_EINVAL, "\"name\""},
	    {"{\"name\":\"\",\"type\":\"cidr\",\"list\":[]}", OE_EINVAL, "\"name\""},
	    {"{\"name\":\"x\",\"type\":\"ip\",\"list\":[]}", OE_EINVAL, "type \"ip\""},
	    {"{\"name\":\"x\",\"type\":5,\"list\":[]}", OE_EINVAL, "\"type\""},
	    {"{\"name\":\"x\",\"type\":\"cidr\"}", OE_EINVAL, "\"list\""},
	    {"{\"name\":\"x\",\"type\":\"cidr\",\"list\":\"10.0.0.0/8\"}", OE_EINVAL, "\"list\""},
	    {"{\"name\":\"x\",\"type\":\"cidr\",\"list\":[\"11.0.0.0/8\", 7]}", OE_EINVAL,
	     "item 1"},
	    {"{\"name\":\"x\",\"type\":\"hostname\",\"list\":[\"e.example\"],\"matching_"
	     "attributes\":\"domain\"}",
	     OE_EINVAL, "matching_attributes"},
	    {"{\"name\":\"x\",\"type\":\"hostname\",\"list\":[],\"matching_attributes\":[1]}",
	     OE_EINVAL, "matching_attributes"},
	    {"{\"name\":\"ok\",\"type\":\"cidr\",\"list\":[\"11.0.0.0/8\"]}", OE_EEXIST,
	     "already loaded"},
	    {"{\"name\":\"x\",\"name\":\"y\",\"type\":\"cidr\",\"list\":[]}", OE_EINVAL,
	     "invalid JSON"},
	};
	for (size_t i = 0; i < OE_ARRAY_SIZE(bad); i++) {
		char err[256] = "";
		int rc = oe_warninglists_load_json(w, bad[i].json, strlen(bad[i].json), err,
						   sizeof(err));
		if (rc != bad[i].rc || !strstr(err, bad[i].msg))
			fail_msg("%s: rc %d \"%s\", want %d with \"%s\"", bad[i].json, rc, err,
				 bad[i].rc, bad[i].msg);
	}
	/* Nothing of the failed loads stayed behind. */
	assert_int_equal(oe_warninglists_count(w), 1);
	assert_null(oe_warninglists_match(w, OE_T_IPV4, "11.1.1.1"));
	assert_string_equal(oe_warninglists_match(w, OE_T_IPV4, "10.1.1.1"), "ok");

	/* A name over the limit, and err may be absent. */
	char name[OE_WL_MAX_NAME + 64];
	memset(name, 'n', sizeof(name));
	int k = snprintf(name, sizeof(name), "{\"name\":\"");
	memset(name + k, 'n', OE_WL_MAX_NAME + 1);
	snprintf(name + k + OE_WL_MAX_NAME + 1, sizeof(name) - (size_t)k - OE_WL_MAX_NAME - 1,
		 "\",\"type\":\"cidr\",\"list\":[]}");
	assert_int_equal(oe_warninglists_load_json(w, name, strlen(name), NULL, 0), OE_ETOOBIG);
	oe_warninglists_free(w);
}

/* Substring entries are scanned on every lookup: their number is capped. */
static void substring_limit(void **state)
{
	size_t cap = 64 + (OE_WL_MAX_SUBSTRINGS + 1) * 8;
	char *json = malloc(cap);
	assert_non_null(json);
	size_t n =
	    (size_t)snprintf(json, cap, "{\"name\":\"big\",\"type\":\"substring\",\"list\":[");
	for (int i = 0; i <= OE_WL_MAX_SUBSTRINGS; i++)
		n += (size_t)snprintf(json + n, cap - n, "%s\"s%d\"", i ? "," : "", i);
	n += (size_t)snprintf(json + n, cap - n, "]}");
	assert_true(n < cap);
	oe_warninglists *w = oe_warninglists_new();
	char err[256] = "";
	assert_int_equal(oe_warninglists_load_json(w, json, n, err, sizeof(err)), OE_ETOOBIG);
	assert_non_null(strstr(err, "substring"));
	assert_int_equal(oe_warninglists_count(w), 0);
	free(json);
	oe_warninglists_free(w);
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* load_dir: sorted order, directories without list.json ignored, and the
 * failing file named in the message. */
static void load_dir(void **state)
{
	char root[] = "/tmp/oe-wl-XXXXXX", p[256], err[512] = "";
	assert_non_null(mkdtemp(root));
	const char *dirs[] = {"b", "a", "c-empty", ".hidden"};
	for (size_t i = 0; i < OE_ARRAY_SIZE(dirs); i++) {
		snprintf(p, sizeof(p), "%s/%s", root, dirs[i]);
		assert_int_equal(mkdir(p, 0700), 0);
	}
	snprintf(p, sizeof(p), "%s/b/list.json", root);
	write_file(p, "{\"name\":\"B\",\"type\":\"hostname\",\"list\":[\"example.com\"]}");
	snprintf(p, sizeof(p), "%s/a/list.json", root);
	write_file(p, "{\"name\":\"A\",\"type\":\"string\",\"list\":[\"www.example.com\"]}");
	snprintf(p, sizeof(p), "%s/.hidden/list.json", root);
	write_file(p, "{\"name\":\"H\",\"type\":\"hostname\",\"list\":[\"example.com\"]}");
	snprintf(p, sizeof(p), "%s/schema.json", root);
	write_file(p, "{}");

	oe_warninglists *w = oe_warninglists_new();
	assert_int_equal(oe_warninglists_load_dir(w, root, err, sizeof(err)), 0);
	assert_int_equal(oe_warninglists_count(w), 2);
	assert_string_equal(oe_warninglists_name(w, 0), "A");
	assert_string_equal(oe_warninglists_name(w, 1), "B");
	assert_string_equal(oe_warninglists_match(w, OE_T_DOMAIN, "www.example.com"), "A");
	assert_string_equal(oe_warninglists_match(w, OE_T_DOMAIN, "ftp.example.com"), "B");
	oe_warninglists_free(w);

	/* a broken file: the error names it; lists before it stay loaded */
	snprintf(p, sizeof(p), "%s/c-empty/list.json", root);
	write_file(p, "{\"name\":\"C\",\"type\":\"cidr\",\"list\":[");
	w = oe_warninglists_new();
	assert_int_equal(oe_warninglists_load_dir(w, root, err, sizeof(err)), OE_EINVAL);
	assert_non_null(strstr(err, "c-empty/list.json: invalid JSON"));
	assert_int_equal(oe_warninglists_count(w), 2);
	oe_warninglists_free(w);
	unlink(p);

	snprintf(p, sizeof(p), "%s/missing", root);
	w = oe_warninglists_new();
	assert_int_equal(oe_warninglists_load_dir(w, p, err, sizeof(err)), OE_ENOTFOUND);
	assert_non_null(strstr(err, "missing"));
	oe_warninglists_free(w);

	const char *files[] = {"a/list.json", "b/list.json", ".hidden/list.json",
			       "schema.json", "a",	     "b",
			       "c-empty",     ".hidden",     ""};
	for (size_t i = 0; i < OE_ARRAY_SIZE(files); i++) {
		snprintf(p, sizeof(p), "%s/%s", root, files[i]);
		assert_int_equal(remove(p), 0);
	}
}

static void null_and_empty(void **state)
{
	oe_warninglists_free(NULL);
	assert_null(oe_warninglists_match(NULL, OE_T_IPV4, "10.0.0.1"));
	assert_int_equal(oe_warninglists_count(NULL), 0);
	assert_null(oe_warninglists_name(NULL, 0));
	oe_warninglists *w = oe_warninglists_new();
	assert_null(oe_warninglists_match(w, OE_T_IPV4, "10.0.0.1"));
	assert_null(oe_warninglists_match(w, OE_T_DOMAIN, "example.com"));
	assert_null(oe_warninglists_match(w, OE_T_CIDR, "::/0"));
	oe_warninglists_free(w);

	w = load1("{\"name\":\"all\",\"type\":\"hostname\",\"list\":[\"example\"]}");
	assert_null(oe_warninglists_match(w, OE_T_DOMAIN, ""));
	assert_null(oe_warninglists_match(w, OE_T_NONE, "example"));
	assert_null(oe_warninglists_match(w, OE_T__COUNT, "example"));
	assert_null(oe_warninglists_match(w, OE_T_DOMAIN, NULL));
	/* longer than any canonical value */
	char *big = malloc(OE_VALUE_MAX + 16);
	assert_non_null(big);
	memset(big, 'a', OE_VALUE_MAX + 1);
	memcpy(big + OE_VALUE_MAX + 1, ".example", 9);
	assert_null(oe_warninglists_match(w, OE_T_DOMAIN, big));
	free(big);
	oe_warninglists_free(w);
}

int main(void)
{
	/* One group (one TAP plan); the group state is the fixture set, which
	 * the in-memory tests do not use. */
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(fixture_counts),  cmocka_unit_test(fixture_matches),
	    cmocka_unit_test(type_string),     cmocka_unit_test(type_hostname),
	    cmocka_unit_test(type_cidr),       cmocka_unit_test(type_substring),
	    cmocka_unit_test(type_regex),      cmocka_unit_test(attributes_gate),
	    cmocka_unit_test(first_list_wins), cmocka_unit_test(errors),
	    cmocka_unit_test(substring_limit), cmocka_unit_test(load_dir),
	    cmocka_unit_test(null_and_empty),
	};
	return cmocka_run_group_tests(tests, fixture_setup, fixture_teardown);
}
