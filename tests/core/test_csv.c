/* test_csv.c - CSV and plain-text block lists: a table of good and bad
 * records with the exact refusal and its line, header handling, the writer
 * read back by the reader, and the real ipsum list. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/csv.h"
#include "core/tlp.h"

static const oe_canon_opts opts = {"ID"};

static void parse_str(const char *doc, oe_import_set *s, int want_rc)
{
	char err[256] = "";
	oe_import_set_init(s);
	int rc = oe_csv_parse(doc, strlen(doc), &opts, s, err, sizeof(err));
	if (rc != want_rc)
		fail_msg("%s: rc %d (%s), want %d", doc, rc, err, want_rc);
}

static void rows(void **state)
{
	static char wide[200], longrec[OE_CSV_LINE_MAX + 100];
	/* 33 fields: 32 commas. */
	size_t w = (size_t)snprintf(wide, sizeof(wide), "ipv4,192.0.2.1");
	for (int i = 2; i < 33; i++)
		wide[w++] = ',';
	wide[w++] = '\n';
	wide[w] = '\0';
	memset(longrec, 'a', sizeof(longrec) - 1);
	memcpy(longrec, "url,http://x.example/", 21);
	longrec[sizeof(longrec) - 2] = '\n';
	longrec[sizeof(longrec) - 1] = '\0';

	struct {
		const char *doc;
		size_t niocs, nerrors;
		const char *ref, *reason; /* of the first error */
		const char *value;	  /* of the first indicator */
	} t[] = {
	    {"ipv4,192.0.2.1\n", 1, 0, NULL, NULL, "192.0.2.1"},
	    {"ipv4,192.0.2.1", 1, 0, NULL, NULL, "192.0.2.1"},
	    {"ipv4,192.0.2.1\r\nipv4,192.0.2.2\r\n", 2, 0, NULL, NULL, "192.0.2.1"},
	    {"# a comment\n\n   \n  # indented comment\nipv4,192.0.2.1\n", 1, 0, NULL, NULL,
	     "192.0.2.1"},
	    {",192.0.2.1\n", 1, 0, NULL, NULL, "192.0.2.1"},
	    {"auto,Example.COM\n", 1, 0, NULL, NULL, "example.com"},
	    {"IPV4 , 192.0.2.1 \n", 1, 0, NULL, NULL, "192.0.2.1"},
	    {"\"ipv4\",\"192.0.2.1\"\n", 1, 0, NULL, NULL, "192.0.2.1"},
	    {"\xEF\xBB\xBFipv4,192.0.2.1\n", 1, 0, NULL, NULL, "192.0.2.1"},
	    {",,,\n", 0, 0, NULL, NULL, NULL},
	    {"type,value\nipv4,192.0.2.1\n", 1, 0, NULL, NULL, "192.0.2.1"},
	    {"Value,Type\n192.0.2.1,ipv4\n", 1, 0, NULL, NULL, "192.0.2.1"},
	    {"value\n192.0.2.1\n", 1, 0, NULL, NULL, "192.0.2.1"},
	    {"value,org,warninglist\n192.0.2.1,CERT,rfc5737\n", 1, 0, NULL, NULL, "192.0.2.1"},
	    {"ipv4,999.1.1.1\n", 0, 1, "line 1", "", NULL},
	    {"nosuch,192.0.2.1\n", 0, 1, "line 1", "unknown type 'nosuch'", NULL},
	    {"ipv4,\n", 0, 1, "line 1", "empty value", NULL},
	    {"ipv4,192.0.2.1,purple\n", 0, 1, "line 1", "unknown TLP 'purple'", NULL},
	    {"ipv4,192.0.2.1,,,101\n", 0, 1, "line 1", "confidence '101'", NULL},
	    {"ipv4,192.0.2.1,,,-1\n", 0, 1, "line 1", "confidence '-1'", NULL},
	    {"ipv4,192.0.2.1,,,,,yesterday\n", 0, 1, "line 1", "valid_until is not", NULL},
	    {"ipv4,\"192.0.2.1\"x,green\n", 0, 1, "line 1", "text after a closing quote", NULL},
	    {"ipv4,192.0.2.1\nipv4,\"192.0.2.2\n", 1, 1, "line 2", "unterminated quoted field",
	     "192.0.2.1"},
	    {"ipv4,192.0.2.1\nipv4,not-an-ip\nipv4,192.0.2.3\n", 2, 1, "line 2", "", "192.0.2.1"},
	    {"ipv4,192.0.2.1\n\"ip\nv4\",192.0.2.2\nipv4,192.0.2.4,bad\n", 1, 2, "line 2",
	     "unknown type", "192.0.2.1"},
	    {wide, 0, 1, "line 1", "more fields than the limit of 32", NULL},
	    {longrec, 0, 1, "line 1", "record longer than the limit", NULL},
	    {"ipv4,192.0.2.1,,a;\xff\n", 0, 1, "line 1", "not valid UTF-8", NULL},
	    {"ipv4,192.0.2.1,,,,\"caf\xc3\"\n", 0, 1, "line 1", "description is not valid UTF-8",
	     NULL},
	    {"ipv4,192.0.2.1\nipv4,192.0.2.2,,,,,,extra\n", 2, 0, NULL, NULL, "192.0.2.1"},
	    {"type,value,revoked\nipv4,192.0.2.1,maybe\n", 0, 1, "line 2",
	     "revoked must be true or false", NULL},
	    {"type,value,first_seen\nipv4,192.0.2.1,2026-13-01\n", 0, 1, "line 2",
	     "first_seen is not", NULL},
	};
	for (size_t i = 0; i < OE_ARRAY_SIZE(t); i++) {
		oe_import_set s;
		parse_str(t[i].doc, &s, 0);
		if (s.niocs != t[i].niocs || s.nerrors != t[i].nerrors)
			fail_msg("case %zu: %zu indicators, %zu errors (%s: %s); want %zu, %zu", i,
				 s.niocs, s.nerrors, s.nerrors ? s.errors[0].ref : "-",
				 s.nerrors ? s.errors[0].reason : "-", t[i].niocs, t[i].nerrors);
		if (t[i].ref) {
			assert_string_equal(s.errors[0].ref, t[i].ref);
			if (!strstr(s.errors[0].reason, t[i].reason))
				fail_msg("case %zu: reason '%s' lacks '%s'", i, s.errors[0].reason,
					 t[i].reason);
		}
		if (t[i].value)
			assert_string_equal(s.iocs[0].value, t[i].value);
		oe_import_set_free(&s);
	}
}

/* The optional columns land in the right fields. */
static void columns(void **state)
{
	oe_import_set s;
	parse_str("domain,Example.com,amber+strict, a ;b|c;a,80,\"said \"\"hi\"\", twice\","
		  "2030-01-01T00:00:00Z\n",
		  &s, 0);
	assert_int_equal(s.niocs, 1);
	oe_ioc *c = &s.iocs[0];
	assert_int_equal(c->type, OE_T_DOMAIN);
	assert_string_equal(c->value, "example.com");
	assert_int_equal(c->tlp, OE_TLP_AMBER_STRICT);
	assert_int_equal(c->ntags, 3);
	assert_string_equal(c->tags[0], "a");
	assert_string_equal(c->tags[1], "b");
	assert_string_equal(c->tags[2], "c");
	assert_int_equal(c->confidence, 80);
	assert_string_equal(c->description, "said \"hi\", twice");
	assert_true(c->valid_until == (oe_time)1893456000 * 1000000);
	oe_import_set_free(&s);

	/* Columns by header, in any order; absent ones stay unset. */
	parse_str("tags,tlp,value,type,id\r\nx|y,RED,192.0.2.7,ipv4,indicator--1\r\n", &s, 0);
	assert_int_equal(s.niocs, 1);
	c = &s.iocs[0];
	assert_int_equal(c->tlp, OE_TLP_RED);
	assert_int_equal(c->confidence, -1);
	assert_null(c->description);
	assert_int_equal(c->ntags, 2);
	assert_string_equal(c->ext_id, "indicator--1");
	oe_import_set_free(&s);
}

static void headers(void **state)
{
	char err[256];
	oe_import_set s;
	oe_import_set_init(&s);
	const char *doc = "type,value,valid_untill\nipv4,192.0.2.1,\n";
	assert_int_equal(oe_csv_parse(doc, strlen(doc), &opts, &s, err, sizeof(err)), OE_EINVAL);
	assert_string_equal(err, "header: unknown column 'valid_untill'");
	doc = "type,value,Type\n";
	assert_int_equal(oe_csv_parse(doc, strlen(doc), &opts, &s, err, sizeof(err)), OE_EINVAL);
	assert_string_equal(err, "header: column 'type' appears twice");
	assert_int_equal(s.niocs, 0);

	/* A NUL byte inside a field refuses the record. */
	static const char nul[] = "ipv4,192.0.2.1,,,,a\0b\nipv4,192.0.2.2\n";
	assert_int_equal(oe_csv_parse(nul, sizeof(nul) - 1, &opts, &s, err, sizeof(err)), 0);
	assert_int_equal(s.niocs, 1);
	assert_int_equal(s.nerrors, 1);
	assert_string_equal(s.errors[0].reason, "a field contains a NUL byte");
	oe_import_set_free(&s);
}

/* What the writer writes, the reader reads back field for field. */
static void write_read(void **state)
{
	const char *tags1[] = {"=sum", "scam"};
	const char *tags2[] = {"phishing"};
	oe_indicator_view v[3] = {
	    {.stix_id = "indicator--6b1f3c52-940e-4a7d-8e21-4d0c3a779b15",
	     .type = OE_T_IPV4,
	     .value = "192.0.2.1",
	     .tlp = OE_TLP_GREEN,
	     .confidence = 75,
	     .description = "a \"quoted\", comma\nand a line",
	     .tags = tags2,
	     .ntags = 1,
	     .first_seen = 1700000000123456,
	     .last_seen = 1700000100000000,
	     .valid_until = 1900000000000000,
	     .org_name = "CERT, Inc."},
	    {.stix_id = "indicator--00000000-0000-4000-8000-000000000001",
	     .type = OE_T_URL,
	     .value = "http://example.com/a,b?q=1",
	     .tlp = OE_TLP_AMBER_STRICT,
	     .confidence = -1,
	     .description = "=HYPERLINK(\"http://evil\")",
	     .revoked = true},
	    {.stix_id = "indicator--00000000-0000-4000-8000-000000000002",
	     .type = OE_T_DOMAIN,
	     .value = "example.org",
	     .tlp = OE_TLP_RED,
	     .confidence = 0,
	     .description = "  padded  ",
	     .tags = tags1,
	     .ntags = 2},
	};
	oe_buf b = OE_BUF_INIT;
	assert_int_equal(oe_csv_header(&b), 0);
	for (size_t i = 0; i < 3; i++)
		assert_int_equal(oe_csv_write_row(&b, &v[i]), 0);
	oe_import_set s;
	char err[256];
	oe_import_set_init(&s);
	assert_int_equal(oe_csv_parse(b.data, b.len, &opts, &s, err, sizeof(err)), 0);
	if (s.niocs != 3)
		fail_msg("%zu read back (%s); csv:\n%s", s.niocs,
			 s.nerrors ? s.errors[0].reason : "", b.data);
	for (size_t i = 0; i < 3; i++) {
		oe_ioc *c = &s.iocs[i];
		assert_int_equal(c->type, v[i].type);
		assert_string_equal(c->value, v[i].value);
		assert_int_equal(c->tlp, v[i].tlp);
		assert_int_equal(c->confidence, v[i].confidence);
		assert_string_equal(c->description, v[i].description);
		assert_int_equal(c->ntags, v[i].ntags);
		for (size_t k = 0; k < c->ntags; k++)
			assert_string_equal(c->tags[k], v[i].tags[k]);
		assert_true(c->first_seen == v[i].first_seen);
		assert_true(c->last_seen == v[i].last_seen);
		assert_true(c->valid_until == v[i].valid_until);
		assert_string_equal(c->ext_id, v[i].stix_id);
		assert_int_equal(c->revoked, v[i].revoked);
	}
	/* The formula is guarded for spreadsheets. */
	assert_non_null(strstr(b.data, "\"'=HYPERLINK("));
	oe_import_set_free(&s);

	/* A bad view sets the sticky error and nothing more is written. */
	oe_indicator_view badv = {.type = OE_T_NONE, .value = "x"};
	assert_int_equal(oe_csv_write_row(&b, &badv), OE_EINVAL);
	assert_int_equal(oe_csv_write_row(&b, &v[0]), OE_EINVAL);
	oe_buf_free(&b);
}

static void buf_limits(void **state)
{
	oe_buf b = OE_BUF_INIT;
	b.max = 8;
	oe_buf_adds(&b, "12345678");
	assert_int_equal(oe_buf_error(&b), 0);
	oe_buf_addc(&b, '9');
	assert_int_equal(oe_buf_error(&b), OE_ETOOBIG);
	assert_null(oe_buf_steal(&b));
	oe_buf_init(&b);
	oe_buf_printf(&b, "%d-%s", 42, "x");
	char *p = oe_buf_steal(&b);
	assert_string_equal(p, "42-x");
	free(p);
	oe_buf_free(&b);
}

static void text(void **state)
{
	const char *doc = "# header\n192.0.2.1\t5\n\n  example.com  # trailing note\r\n"
			  "not a value at all\nhttp://example.com/x 17 more columns\n#192.0.2.9\n";
	oe_import_set s;
	oe_import_set_init(&s);
	assert_int_equal(oe_text_parse(doc, strlen(doc), OE_T_NONE, &opts, &s), 0);
	assert_int_equal(s.niocs, 3);
	assert_int_equal(s.iocs[0].type, OE_T_IPV4);
	assert_string_equal(s.iocs[0].value, "192.0.2.1");
	assert_int_equal(s.iocs[1].type, OE_T_DOMAIN);
	assert_string_equal(s.iocs[1].value, "example.com");
	assert_int_equal(s.iocs[2].type, OE_T_URL);
	assert_int_equal(s.iocs[0].tlp, -1);
	assert_int_equal(s.nerrors, 1);
	assert_string_equal(s.errors[0].ref, "line 5");
	oe_import_set_free(&s);

	/* A fixed type refuses what is not of it. */
	doc = "192.0.2.1\nexample.com\n";
	oe_import_set_init(&s);
	assert_int_equal(oe_text_parse(doc, strlen(doc), OE_T_IPV4, &opts, &s), 0);
	assert_int_equal(s.niocs, 1);
	assert_int_equal(s.nerrors, 1);
	assert_string_equal(s.errors[0].ref, "line 2");
	oe_import_set_free(&s);

	/* An over-long line is refused by number, the next one still read. */
	size_t n = OE_TEXT_LINE_MAX + 20;
	char *big = malloc(n + 20);
	memset(big, 'a', n);
	memcpy(big + n, "\n192.0.2.2\n", 12);
	oe_import_set_init(&s);
	assert_int_equal(oe_text_parse(big, strlen(big), OE_T_NONE, &opts, &s), 0);
	assert_int_equal(s.niocs, 1);
	assert_string_equal(s.errors[0].ref, "line 1");
	assert_non_null(strstr(s.errors[0].reason, "longer than the limit"));
	oe_import_set_free(&s);
	free(big);
}

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

/* ipsum.txt: 120,430 "IP<TAB>count" lines under 7 comment lines. */
static void ipsum(void **state)
{
	const char *shared = getenv("OE_SHARED");
	char path[4096];
	snprintf(path, sizeof(path), "%s/fixtures/blocklists/ipsum.txt", shared ? shared : "");
	size_t len = 0;
	char *buf = shared ? slurp(path, &len) : NULL;
	if (!buf)
		skip();
	oe_import_set s;
	oe_import_set_init(&s);
	assert_int_equal(oe_text_parse(buf, len, OE_T_NONE, &opts, &s), 0);
	if (s.niocs != 120430 || s.nerrors != 0)
		fail_msg("%zu values, %zu refused (first: %s %s)", s.niocs, s.nerrors,
			 s.nerrors ? s.errors[0].ref : "", s.nerrors ? s.errors[0].reason : "");
	for (size_t i = 0; i < s.niocs; i++)
		if (s.iocs[i].type != OE_T_IPV4)
			fail_msg("value %zu (%s) typed %s", i, s.iocs[i].value,
				 oe_itype_name(s.iocs[i].type));
	assert_string_equal(s.iocs[0].value, "77.90.185.20");
	oe_import_set_free(&s);
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(rows),	  cmocka_unit_test(columns),	cmocka_unit_test(headers),
	    cmocka_unit_test(write_read), cmocka_unit_test(buf_limits), cmocka_unit_test(text),
	    cmocka_unit_test(ipsum),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
