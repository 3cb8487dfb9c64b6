/* test_scan.c - the log line scanner: what it takes out of real-looking
 * proxy, DNS and mail lines, what it leaves (timestamps, MAC addresses,
 * version numbers, substrings of longer names), and that binary input and
 * lines cut anywhere are harmless; then whole lines matched (run.h). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "match/run.h"

typedef struct {
	char out[4096];
	size_t k;
} acc;

static void collect(void *arg, const oe_scan_token *t)
{
	acc *a = arg;
	const char *v = t->canon ? t->canon : t->text;
	size_t n = t->canon ? t->canon_len : t->text_len;
	a->k += (size_t)snprintf(a->out + a->k, sizeof(a->out) - a->k, "%s%s:%.*s", a->k ? " " : "",
				 oe_itype_name(t->type), (int)n, v);
	if (t->type == OE_T_URL && t->host_type == OE_T_DOMAIN)
		a->k += (size_t)snprintf(a->out + a->k, sizeof(a->out) - a->k, "@%.*s",
					 (int)t->host_len, t->host);
	else if (t->type == OE_T_URL && t->host_type == OE_T_IPV4)
		a->k += (size_t)snprintf(a->out + a->k, sizeof(a->out) - a->k, "@%u", t->ip4);
}

static const oe_scan_opts opts = {.phones = true, .phone_cc = "62"};

static const char *scan(const char *line)
{
	static acc a;
	memset(&a, 0, sizeof(a));
	oe_scan_text(&opts, line, strlen(line), collect, &a);
	return a.out;
}

static void lines(void **state)
{
	assert_string_equal(
	    scan("1700000000.123     45 10.1.2.3 TCP_MISS/200 1234 GET "
		 "http://WWW.Evil.example:8080/a?b=c.d - HIER_DIRECT/93.184.216.34 text/html"),
	    "ipv4:10.1.2.3 url:http://WWW.Evil.example:8080/a?b=c.d@www.evil.example "
	    "ipv4:93.184.216.34");
	assert_string_equal(scan("client @0x7f 192.0.2.9#53422 (Login.Bank-Example.co.id): query: "
				 "login.bank-example.co.id IN A + (10.0.0.53)"),
			    "ipv4:192.0.2.9 domain:login.bank-example.co.id "
			    "domain:login.bank-example.co.id ipv4:10.0.0.53");
	assert_string_equal(scan("from: \"Siti\" <Siti.Rahma+x@Mail.Example.org>, to bob@x.io."),
			    "email:siti.rahma+x@mail.example.org domain:mail.example.org "
			    "email:bob@x.io domain:x.io");
	assert_string_equal(scan("call +62 812-3456-7890 or 0812-3456-7890, id 6281234567890"),
			    "phone:+6281234567890 phone:+6281234567890 phone:+6281234567890");
	assert_string_equal(scan("md5 D41D8CD98F00B204E9800998ECF8427E sha1 "
				 "da39a3ee5e6b4b0d3255bfef95601890afd80709"),
			    "md5:d41d8cd98f00b204e9800998ecf8427e "
			    "sha1:da39a3ee5e6b4b0d3255bfef95601890afd80709");
	assert_string_equal(scan("v6 [2001:db8::1]:443 and fe80::1%eth0 ::ffff:192.0.2.1 end"),
			    "ipv6:2001:db8::1 ipv6:fe80::1 ipv6:::ffff:192.0.2.1");
	assert_string_equal(scan("see https://x.example/a)."), "url:https://x.example/a@x.example");
	assert_string_equal(scan("ftp://user:pw@192.0.2.7/f"),
			    "url:ftp://user:pw@192.0.2.7/f@3221225991");
}

static void not_values(void **state)
{
	/* Timestamps, MAC addresses, versions, ports, plain words, sizes. */
	assert_string_equal(scan("2024-01-01T12:34:56.789Z 00:1a:2b:3c:4d:5e v1.2.3.4.5 "
				 "HTTP/1.1 TCP_MISS/200 12:34 1234567 text/html"),
			    "");
	assert_string_equal(scan("999.1.1.1 1.2.3 a..b -x-.example 123.456"), "");
	assert_string_equal(scan("michigan.org"), "domain:michigan.org");
}

static void binary(void **state)
{
	/* Every byte value, NULs and invalid UTF-8 in between values; and
	 * every prefix of a line full of values, cut anywhere. */
	char buf[4096];
	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (char)(i * 37 + (i >> 3));
	acc a = {0};
	oe_scan_text(&opts, buf, sizeof(buf), collect, &a);
	const char line[] =
	    "GET http://a.example/x 10.0.0.1 user@mail.example +6281234567890 "
	    "[2001:db8::1] \xff\xfe\x00 caf\xc3\xa9.example d41d8cd98f00b204e9800998ecf8427e";
	for (size_t n = 0; n <= sizeof(line) - 1; n++) {
		char *p = malloc(n ? n : 1);
		memcpy(p, line, n);
		memset(&a, 0, sizeof(a));
		oe_scan_text(&opts, p, n, collect, &a);
		free(p);
	}
	assert_string_equal(a.out,
			    "url:http://a.example/x@a.example ipv4:10.0.0.1 "
			    "email:user@mail.example domain:mail.example "
			    "phone:+6281234567890 ipv6:2001:db8::1 domain:xn--caf-dma.example "
			    "md5:d41d8cd98f00b204e9800998ecf8427e");
}

static void run_lines(void **state)
{
	oe_match_builder *b;
	assert_int_equal(oe_match_builder_new(false, 1, &b), 0);
	oe_match_assertion a = {.org_id = 1, .tlp = OE_TLP_GREEN, .confidence = 50};
	assert_int_equal(oe_match_builder_add(b, OE_T_DOMAIN, "higan.org", 9, &a, 1, true), 0);
	assert_int_equal(oe_match_builder_add(b, OE_T_DOMAIN, "evil.example", 12, &a, 1, true), 0);
	assert_int_equal(oe_match_builder_add(b, OE_T_IPV4, "10.0.0.1", 8, &a, 1, true), 0);
	oe_match_layer *l;
	assert_int_equal(oe_match_builder_finish(b, &l), 0);
	oe_match_snap *s;
	assert_int_equal(oe_match_snap_new(l, NULL, &s), 0);
	oe_match_layer_unref(l);
	oe_buf out = OE_BUF_INIT;
	oe_match_run r = {.mc = {.snap = s, .viewer = {1, OE_ROLE_ADMIN}, .now = 2},
			  .text = true,
			  .out = &out,
			  .line = 1};
	const char text[] = "michigan.org is fine\n"
			    "GET http://www.evil.example/ from 10.0.0.1 and 10.0.0.1 again\n"
			    "\n"
			    "last line higan.org";
	oe_match_run_lines(&r, text, sizeof(text) - 1);
	assert_int_equal(r.lines, 4);
	assert_int_equal(r.hits, 3);
	assert_string_equal(out.data,
			    "2\tparent-domain\turl\thttp://www.evil.example/\tevil.example\n"
			    "2\texact\tipv4\t10.0.0.1\t10.0.0.1\n"
			    "4\texact\tdomain\thigan.org\thigan.org\n");
	oe_buf_clear(&out);
	r.text = false;
	r.line = 1;
	oe_match_run_lines(&r, "x 10.0.0.1", 10);
	assert_string_equal(out.data,
			    "{\"line\":1,\"value\":\"10.0.0.1\",\"type\":\"ipv4\",\"indicator\":"
			    "\"10.0.0.1\",\"indicator_type\":\"ipv4\",\"id\":\"indicator--"
			    "677b1c9b-5dba-5768-b139-e7eede8ee33d\",\"how\":\"exact\",\"tlp\":"
			    "\"green\"}\n");
	oe_buf_free(&out);
	oe_match_snap_free(s);
}

/* Word runs are read from 64-byte windows of class bits and URL ends 16
 * bytes a step: a value at every offset from a window's start, ending (or
 * changing class) anywhere in one, or running into the next, reads the
 * same as on its own. */
static void at_every_offset(void **state)
{
	static const struct {
		const char *in, *want;
	} cases[] = {
	    {"D41D8CD98F00B204E9800998ECF8427E", "md5:d41d8cd98f00b204e9800998ecf8427e"},
	    {"d41d8cd98f00b204e9800998ecf8427g", ""}, /* a non-hex letter last */
	    {"da39a3ee5e6b4b0d3255bfef95601890afd80709x.example",
	     "domain:da39a3ee5e6b4b0d3255bfef95601890afd80709x.example"},
	    {"a-very-long-label-of-letters.sub_domain.example.org",
	     "domain:a-very-long-label-of-letters.sub_domain.example.org"},
	    {"203.0.113.254", "ipv4:203.0.113.254"},
	    {"1234567890123.5", ""},
	    {"https://a-long-host-name.example/path/to/page?q=1\"rest",
	     "url:https://a-long-host-name.example/path/to/page?q=1@a-long-host-name.example"},
	    {"http://x.example/<b>", "url:http://x.example/@x.example"},
	    {"http://x.example/abcdefghijklmnop\x7fq",
	     "url:http://x.example/abcdefghijklmnop@x.example"},
	    {"081234567890", "phone:+6281234567890"},
	};
	char line[512], want[512];
	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++)
		for (int pad = 0; pad < 80; pad++) {
			snprintf(line, sizeof(line), "%*s%s x", pad, "", cases[c].in);
			snprintf(want, sizeof(want), "%s", cases[c].want);
			const char *got = scan(line);
			if (strcmp(got, want) != 0)
				fail_msg("pad %d: \"%s\" gave \"%s\", want \"%s\"", pad, line, got,
					 want);
		}
}

/* One pass over lines gives each line's tokens, and a call at each end. */
static size_t ends;

static void line_end(void *arg)
{
	ends++;
}

static void lines_in_one_pass(void **state)
{
	static const char text[] =
	    "a 10.0.0.1\nevil.example\n\nhttp://x.example/p\n+62 812 3456 7890";
	acc one = {0}, each = {0};
	ends = 0;
	oe_scan_lines(&opts, text, sizeof(text) - 1, collect, line_end, &one);
	for (const char *p = text, *e; *p; p = *e ? e + 1 : e) {
		e = strchr(p, '\n');
		if (!e)
			e = p + strlen(p);
		oe_scan_text(&opts, p, (size_t)(e - p), collect, &each);
	}
	assert_string_equal(one.out, each.out);
	assert_string_equal(one.out,
			    "ipv4:10.0.0.1 domain:evil.example url:http://x.example/p@x.example "
			    "phone:+6281234567890");
	assert_int_equal(ends, 4);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(lines),	       cmocka_unit_test(not_values),
	    cmocka_unit_test(binary),	       cmocka_unit_test(run_lines),
	    cmocka_unit_test(at_every_offset), cmocka_unit_test(lines_in_one_pass),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
