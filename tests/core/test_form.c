/* test_form.c - form bodies as browsers and curl send them, and the
 * malformed ones a hostile client sends, with their exact error codes.
 * Every body is handed over in a heap buffer of exactly its length, with
 * no NUL after it, so ASan catches any read past the end. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/form.h"

typedef struct {
	oe_arena a;
	char *body; /* exact-size copy */
	size_t len;
	oe_form f;
	const char *why;
} parsed;

static int parse(parsed *p, const char *ctype, const char *body, size_t len)
{
	memset(p, 0, sizeof(*p));
	p->body = malloc(len ? len : 1);
	assert_non_null(p->body);
	if (len)
		memcpy(p->body, body, len);
	p->len = len;
	return oe_form_parse(ctype, p->body, len, &p->a, &p->f, &p->why);
}

static void done(parsed *p)
{
	oe_arena_clear(&p->a);
	free(p->body);
}

/* A text field: NUL-terminated copy in the arena, not in the body. */
static void assert_text(const parsed *p, size_t i, const char *name, const char *value, size_t len)
{
	assert_true(i < p->f.n);
	const oe_form_field *f = &p->f.fields[i];
	assert_string_equal(f->name, name);
	assert_null(f->filename);
	assert_int_equal(f->len, len);
	assert_memory_equal(f->value, value, len);
	assert_int_equal(f->value[len], '\0');
	assert_true(f->value < p->body || f->value >= p->body + p->len);
}

#define TEXT(p, i, name, lit) assert_text(p, i, name, lit, sizeof(lit) - 1)

/* A file field: a span of the body. */
static void assert_file(const parsed *p, size_t i, const char *name, const char *filename,
			const char *ctype, const char *data, size_t len)
{
	assert_true(i < p->f.n);
	const oe_form_field *f = &p->f.fields[i];
	assert_string_equal(f->name, name);
	assert_non_null(f->filename);
	assert_string_equal(f->filename, filename);
	if (ctype) {
		assert_non_null(f->ctype);
		assert_string_equal(f->ctype, ctype);
	} else {
		assert_null(f->ctype);
	}
	assert_int_equal(f->len, len);
	assert_memory_equal(f->value, data, len);
	assert_true(f->value >= p->body && f->value + f->len <= p->body + p->len);
}

#define FILE_(p, i, name, fn, ct, lit) assert_file(p, i, name, fn, ct, lit, sizeof(lit) - 1)

static void expect_error(const char *ctype, const char *body, size_t len, int code, const char *why)
{
	parsed p;
	int rc = parse(&p, ctype, body, len);
	if (rc != code)
		print_error("body [%.*s]: got %d (%s), want %d\n", (int)(len > 200 ? 200 : len),
			    body, rc, p.why ? p.why : "-", code);
	assert_int_equal(rc, code);
	assert_non_null(p.why);
	assert_non_null(strstr(p.why, why));
	assert_int_equal(p.f.n, 0);
	assert_null(p.f.fields);
	done(&p);
}

/* A literal body, its length taken from the literal (NULs included). */
#define EXPECT_ERR(ctype, lit, code, why) expect_error(ctype, lit, sizeof(lit) - 1, code, why)

#define URLENC "application/x-www-form-urlencoded"
#define MP(b)  "multipart/form-data; boundary=" b

/* ---- application/x-www-form-urlencoded ---------------------------------- */

static void urlencoded(void **state)
{
	static const char body[] = "name=Budi+Santoso&phone=%2B62+812-3456-7890&empty=&flag&&"
				   "story=Saya+ditelepon%0D%0Adari+0812&bank=%E5%B7%A5%e5%95%86"
				   "&a%5Bb%5D=1&name=second";
	parsed p;
	assert_int_equal(parse(&p, URLENC, body, strlen(body)), 0);
	assert_int_equal(p.f.n, 8);
	TEXT(&p, 0, "name", "Budi Santoso");
	TEXT(&p, 1, "phone", "+62 812-3456-7890");
	TEXT(&p, 2, "empty", "");
	TEXT(&p, 3, "flag", "");
	TEXT(&p, 4, "story", "Saya ditelepon\r\ndari 0812");
	TEXT(&p, 5, "bank", "\xe5\xb7\xa5\xe5\x95\x86");
	TEXT(&p, 6, "a[b]", "1");
	TEXT(&p, 7, "name", "second");
	assert_string_equal(oe_form_get(&p.f, "name"), "Budi Santoso"); /* the first */
	assert_string_equal(oe_form_get(&p.f, "flag"), "");
	assert_null(oe_form_get(&p.f, "missing"));
	assert_null(oe_form_get(NULL, "name"));
	done(&p);
}

static void urlencoded_ctype(void **state)
{
	parsed p;
	assert_int_equal(parse(&p, "Application/X-WWW-Form-Urlencoded ; charset=UTF-8", "a=1", 3),
			 0);
	assert_int_equal(p.f.n, 1);
	TEXT(&p, 0, "a", "1");
	done(&p);
	assert_int_equal(parse(&p, URLENC, "", 0), 0); /* an empty form */
	assert_int_equal(p.f.n, 0);
	done(&p);
	assert_int_equal(parse(&p, URLENC, NULL, 0), 0);
	assert_int_equal(p.f.n, 0);
	done(&p);
}

/* A NUL in a value is kept (len counts it); in a name it is refused, since
 * names are used as C strings. */
static void urlencoded_nul(void **state)
{
	parsed p;
	assert_int_equal(parse(&p, URLENC, "v=a%00b", 7), 0);
	TEXT(&p, 0, "v", "a\0b");
	done(&p);
	expect_error(URLENC, "a%00b=1", 7, OE_EINVAL, "NUL");
}

static void urlencoded_bad_escapes(void **state)
{
	static const char *const bad[] = {"a=%", "a=%4",       "a=%G1", "a=%4G",
					  "%=1", "a=1&b=%%41", "a=%zz"};
	for (size_t i = 0; i < OE_ARRAY_SIZE(bad); i++)
		expect_error(URLENC, bad[i], strlen(bad[i]), OE_EINVAL, "%-escape");
}

static void urlencoded_limits(void **state)
{
	char name[3 * OE_FORM_NAME_MAX + 16];
	parsed p;
	/* 128 bytes of name pass, 129 do not; also when they are escaped. */
	memset(name, 'n', OE_FORM_NAME_MAX);
	memcpy(name + OE_FORM_NAME_MAX, "=1", 2);
	assert_int_equal(parse(&p, URLENC, name, OE_FORM_NAME_MAX + 2), 0);
	assert_int_equal(strlen(p.f.fields[0].name), OE_FORM_NAME_MAX);
	done(&p);
	memset(name, 'n', OE_FORM_NAME_MAX + 1);
	memcpy(name + OE_FORM_NAME_MAX + 1, "=1", 2);
	expect_error(URLENC, name, OE_FORM_NAME_MAX + 3, OE_ETOOBIG, "128");
	for (size_t i = 0; i < OE_FORM_NAME_MAX + 1; i++)
		memcpy(name + 3 * i, "%41", 3);
	expect_error(URLENC, name, 3 * (OE_FORM_NAME_MAX + 1), OE_ETOOBIG, "128");

	/* 256 fields pass, 257 do not. */
	size_t cap = 8 * (OE_FORM_FIELDS_MAX + 1);
	char *body = malloc(cap);
	assert_non_null(body);
	size_t n = 0;
	for (int i = 0; i < OE_FORM_FIELDS_MAX; i++)
		n += (size_t)snprintf(body + n, cap - n, "%sf%d=x", i ? "&" : "", i);
	assert_int_equal(parse(&p, URLENC, body, n), 0);
	assert_int_equal(p.f.n, OE_FORM_FIELDS_MAX);
	TEXT(&p, 255, "f255", "x");
	done(&p);
	n += (size_t)snprintf(body + n, cap - n, "&last=y");
	expect_error(URLENC, body, n, OE_ETOOBIG, "256");
	free(body);
}

static void unsupported(void **state)
{
	EXPECT_ERR("application/json", "{}", OE_EINVAL, "unsupported content type");
	EXPECT_ERR("text/plain", "a=1", OE_EINVAL, "unsupported content type");
	EXPECT_ERR("multipart/mixed; boundary=x", "--x--", OE_EINVAL, "unsupported content type");
	EXPECT_ERR("application/x-www-form-urlencodedX", "a=1", OE_EINVAL,
		   "unsupported content type");
	EXPECT_ERR("", "a=1", OE_EINVAL, "unsupported content type");
	expect_error(NULL, "a=1", 3, OE_EINVAL, "unsupported content type");
}

/* ---- multipart/form-data ------------------------------------------------ */

/* What Firefox sends for the report form: text fields, two files (a PNG
 * and a text file), a file input left empty, after a preamble and before
 * an epilogue. */
static const char browser_body[] =
    "This is the preamble; it is ignored.\r\n"
    "-----------------------------9051914041544843365972754266\r\n"
    "Content-Disposition: form-data; name=\"what\"\r\n"
    "\r\n"
    "Saya ditelepon dari 0812-3456-7890.\r\nLalu disuruh transfer.\r\n"
    "-----------------------------9051914041544843365972754266\r\n"
    "Content-Disposition: form-data; name=\"tlp\"\r\n"
    "\r\n"
    "amber\r\n"
    "-----------------------------9051914041544843365972754266\r\n"
    "Content-Disposition: form-data; name=\"evidence\"; filename=\"layar 1.png\"\r\n"
    "Content-Type: image/png\r\n"
    "\r\n"
    "\x89PNG\r\n\x1a\n\0\0\0\rIHDR\r\n--not-the-boundary\r\n\r\n"
    "-----------------------------9051914041544843365972754266\r\n"
    "content-disposition: FORM-DATA; filename=\"chat.txt\"; name=evidence\r\n"
    "content-type: text/plain; charset=utf-8\r\n"
    "X-Ignored: yes\r\n"
    "\r\n"
    "line 1\nline 2\n\r\n"
    "-----------------------------9051914041544843365972754266\r\n"
    "Content-Disposition: form-data; name=\"evidence\"; filename=\"\"\r\n"
    "Content-Type: application/octet-stream\r\n"
    "\r\n"
    "\r\n"
    "-----------------------------9051914041544843365972754266--\r\n"
    "This is the epilogue; also ignored.\r\n";

static void multipart_browser(void **state)
{
	parsed p;
	int rc = parse(&p,
		       "multipart/form-data; boundary=---------------------------"
		       "9051914041544843365972754266",
		       browser_body, sizeof(browser_body) - 1);
	assert_int_equal(rc, 0);
	assert_int_equal(p.f.n, 5);
	TEXT(&p, 0, "what", "Saya ditelepon dari 0812-3456-7890.\r\nLalu disuruh transfer.");
	TEXT(&p, 1, "tlp", "amber");
	FILE_(&p, 2, "evidence", "layar 1.png", "image/png",
	      "\x89PNG\r\n\x1a\n\0\0\0\rIHDR\r\n--not-the-boundary\r\n");
	FILE_(&p, 3, "evidence", "chat.txt", "text/plain; charset=utf-8", "line 1\nline 2\n");
	FILE_(&p, 4, "evidence", "", "application/octet-stream", "");
	assert_string_equal(oe_form_get(&p.f, "tlp"), "amber");
	assert_null(oe_form_get(&p.f, "evidence")); /* files are not text fields */
	done(&p);
}

/* curl -F, with bare LF line ends, a quoted boundary with a space, and
 * the boundary line at the very start of the body. */
static void multipart_lf_quoted(void **state)
{
	static const char body[] = "--a b\n"
				   "Content-Disposition: form-data; name=\"x\"\n"
				   "\n"
				   "1\n"
				   "--a b  \n" /* transport padding */
				   "Content-Disposition: form-data; name=\"y\"\n"
				   "Content-Type: text/plain\n"
				   "\n"
				   "\n"
				   "--a b--";
	parsed p;
	assert_int_equal(parse(&p, "multipart/form-data; charset=utf-8; BOUNDARY=\"a b\"", body,
			       sizeof(body) - 1),
			 0);
	assert_int_equal(p.f.n, 2);
	TEXT(&p, 0, "x", "1");
	TEXT(&p, 1, "y", "");
	assert_string_equal(p.f.fields[1].ctype, "text/plain");
	assert_null(p.f.fields[0].ctype);
	done(&p);
}

/* Quoted names and file names: backslash escapes undone; filename*
 * (RFC 8187, UTF-8 only) preferred over filename; a NUL in a text value
 * kept with its length. A boundary line right after the part headers is
 * an empty part. */
static void multipart_names(void **state)
{
	static const char body[] =
	    "--XyZ\r\n"
	    "Content-Disposition: form-data; name=\"a \\\"q\\\" b\"; "
	    "filename=\"C:\\\\x\\\\y.txt\"\r\n"
	    "\r\n"
	    "data\r\n"
	    "--XyZ\r\n"
	    "Content-Disposition: form-data; name=f; filename=\"fallback.txt\"; "
	    "filename*=UTF-8''%e2%82%ac%20rates.txt\r\n"
	    "\r\n"
	    "\r\n"
	    "--XyZ\r\n"
	    "Content-Disposition: form-data; name=g; filename*=iso-8859-1'en'%a3.txt; "
	    "filename=\"plain.txt\"\r\n"
	    "\r\n"
	    "x\r\n"
	    "--XyZ\r\n"
	    "Content-Disposition: form-data; name=\"nul\"\r\n"
	    "\r\n"
	    "a\0b\r\n"
	    "--XyZ\r\n"
	    "Content-Disposition: form-data; name=\"empty\"\r\n"
	    "\r\n"
	    "--XyZ--";
	parsed p;
	assert_int_equal(parse(&p, MP("XyZ"), body, sizeof(body) - 1), 0);
	assert_int_equal(p.f.n, 5);
	assert_file(&p, 0, "a \"q\" b", "C:\\x\\y.txt", NULL, "data", 4);
	FILE_(&p, 1, "f", "\xe2\x82\xac rates.txt", NULL, "");
	FILE_(&p, 2, "g", "plain.txt", NULL, "x");
	TEXT(&p, 3, "nul", "a\0b");
	TEXT(&p, 4, "empty", "");
	done(&p);
}

/* A line that starts like the boundary but goes on is content; so is the
 * boundary not at a line start. The preamble may hold anything. */
static void multipart_lookalikes(void **state)
{
	static const char body[] = "--bnd is mentioned in the preamble\r\n"
				   "--bnd\r\n"
				   "Content-Disposition: form-data; name=\"t\"\r\n"
				   "\r\n"
				   "x--bnd\r\n--bndX\r\n--bnd-\r\n--bn\r\n"
				   "--bnd--\r\n";
	parsed p;
	assert_int_equal(parse(&p, MP("bnd"), body, sizeof(body) - 1), 0);
	assert_int_equal(p.f.n, 1);
	TEXT(&p, 0, "t", "x--bnd\r\n--bndX\r\n--bnd-\r\n--bn");
	done(&p);
	/* A parameter with an empty name is skipped, value and all. */
	static const char empty_param[] = "--bnd\r\n"
					  "Content-Disposition: form-data; =x; =\"a;b\"; name=t\r\n"
					  "\r\n"
					  "v\r\n"
					  "--bnd--";
	assert_int_equal(parse(&p, "multipart/form-data; =1; boundary=bnd", empty_param,
			       sizeof(empty_param) - 1),
			 0);
	assert_int_equal(p.f.n, 1);
	TEXT(&p, 0, "t", "v");
	done(&p);
	/* Only the close delimiter: a form without fields. */
	assert_int_equal(parse(&p, MP("bnd"), "--bnd--", 7), 0);
	assert_int_equal(p.f.n, 0);
	done(&p);
}

static void multipart_malformed(void **state)
{
	/* Truncated uploads must not look complete. */
	static const char truncated[] =
	    "--b\r\n"
	    "Content-Disposition: form-data; name=\"f\"; filename=\"x\"\r\n"
	    "\r\n"
	    "half a file";
	expect_error(MP("b"), truncated, sizeof(truncated) - 1, OE_EINVAL, "no final boundary");
	static const char no_close[] = "--b\r\n"
				       "Content-Disposition: form-data; name=\"a\"\r\n"
				       "\r\n"
				       "1\r\n"
				       "--b\r\n";
	expect_error(MP("b"), no_close, sizeof(no_close) - 1, OE_EINVAL, "no final boundary");
	EXPECT_ERR(MP("b"), "--b\r\nContent-Disposition: form-data; name=a\r\n", OE_EINVAL,
		   "ends inside part headers");
	EXPECT_ERR(MP("b"), "--b", OE_EINVAL, "no boundary line");
	EXPECT_ERR(MP("b"), "", OE_EINVAL, "no boundary line");
	EXPECT_ERR(MP("b"), "a=1&b=2", OE_EINVAL, "no boundary line");
	EXPECT_ERR(MP("b"), "--b\r\n\r\nx\r\n--b--", OE_EINVAL, "no Content-Disposition");
	EXPECT_ERR(MP("b"), "--b\r\nContent-Disposition: form-data\r\n\r\nx\r\n--b--", OE_EINVAL,
		   "no Content-Disposition");
	EXPECT_ERR(MP("b"), "--b\r\nContent-Disposition: attachment; name=a\r\n\r\nx\r\n--b--",
		   OE_EINVAL, "not form-data");
	EXPECT_ERR(MP("b"), "--b\r\nContent-Disposition form-data; name=a\r\n\r\nx\r\n--b--",
		   OE_EINVAL, "no ':'");
	EXPECT_ERR(MP("b"), "--b\r\nContent-Disposition: form-data;\r\n name=a\r\n\r\nx\r\n--b--",
		   OE_EINVAL, "folded");
	EXPECT_ERR(MP("b"), "--b\r\nContent-Disposition: form-data; name=\"a\r\n\r\nx\r\n--b--",
		   OE_EINVAL, "unterminated");
	EXPECT_ERR(MP("b"),
		   "--b\r\nContent-Disposition: form-data; name=a\r\n"
		   "Content-Disposition: form-data; name=b\r\n\r\nx\r\n--b--",
		   OE_EINVAL, "two Content-Disposition");
	EXPECT_ERR(MP("b"), "--b\r\nContent-Disposition: form-data; name=\"a\0\"\r\n\r\nx\r\n--b--",
		   OE_EINVAL, "NUL");
	/* The boundary parameter. */
	EXPECT_ERR("multipart/form-data", "--b--", OE_EINVAL, "no boundary");
	EXPECT_ERR("multipart/form-data; boundary=", "--b--", OE_EINVAL, "1 to 70");
	expect_error("multipart/form-data; boundary=\"\"", "--b--", 5, OE_EINVAL, "1 to 70");
	expect_error("multipart/form-data; boundary=\"b", "--b--", 5, OE_EINVAL, "malformed");
	char ct[160];
	snprintf(ct, sizeof(ct), "multipart/form-data; boundary=%071d", 0);
	expect_error(ct, "--b--", 5, OE_EINVAL, "1 to 70");
}

/* Part headers over OE_FORM_PART_HEADER, a name over OE_FORM_NAME_MAX and
 * more than OE_FORM_FIELDS_MAX parts are refused as too big. */
static void multipart_limits(void **state)
{
	size_t cap = 64 * 1024;
	char *body = malloc(cap);
	assert_non_null(body);
	size_t n = (size_t)snprintf(body, cap,
				    "--b\r\nContent-Disposition: form-data; name=\"a\"\r\nX-Pad: ");
	while (n < OE_FORM_PART_HEADER + 10)
		body[n++] = 'p';
	n += (size_t)snprintf(body + n, cap - n, "\r\n\r\nx\r\n--b--\r\n");
	expect_error(MP("b"), body, n, OE_ETOOBIG, "4096");

	/* Headers of exactly the limit, blank line included, pass. */
	n = (size_t)snprintf(body, cap, "--b\r\nContent-Disposition: form-data; name=\"a\"\r\nX: ");
	size_t hdr0 = 5, fill = OE_FORM_PART_HEADER - (n - hdr0) - 4;
	memset(body + n, 'p', fill);
	n += fill;
	n += (size_t)snprintf(body + n, cap - n, "\r\n\r\nx\r\n--b--\r\n");
	parsed p;
	assert_int_equal(parse(&p, MP("b"), body, n), 0);
	assert_int_equal(p.f.n, 1);
	done(&p);

	char name[OE_FORM_NAME_MAX + 2];
	memset(name, 'n', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	n = (size_t)snprintf(body, cap,
			     "--b\r\nContent-Disposition: form-data; name=\"%s\"\r\n\r\nx\r\n--b--",
			     name);
	expect_error(MP("b"), body, n, OE_ETOOBIG, "128");

	n = 0;
	for (int i = 0; i <= OE_FORM_FIELDS_MAX; i++)
		n += (size_t)snprintf(body + n, cap - n,
				      "--b\r\nContent-Disposition: form-data; name=\"f%d\"\r\n\r\n"
				      "%d\r\n",
				      i, i);
	n += (size_t)snprintf(body + n, cap - n, "--b--\r\n");
	assert_true(n < cap);
	expect_error(MP("b"), body, n, OE_ETOOBIG, "256");
	free(body);
}

/* A 50 MB upload whose data is full of near-misses of the boundary
 * ("\r\n--" and most of the boundary every 64 bytes) is one linear pass:
 * the test's timeout, not a clock, is the judge. */
static void multipart_big(void **state)
{
	static const char head[] =
	    "--BoundaryXYZ0123456789\r\n"
	    "Content-Disposition: form-data; name=\"what\"\r\n\r\n"
	    "short text\r\n"
	    "--BoundaryXYZ0123456789\r\n"
	    "Content-Disposition: form-data; name=\"f\"; filename=\"big.bin\"\r\n"
	    "Content-Type: application/octet-stream\r\n\r\n";
	static const char tail[] = "\r\n--BoundaryXYZ0123456789--\r\n";
	size_t data = 50u * 1024 * 1024;
	size_t n = sizeof(head) - 1 + data + sizeof(tail) - 1;
	char *body = malloc(n);
	assert_non_null(body);
	memcpy(body, head, sizeof(head) - 1);
	char *d = body + sizeof(head) - 1;
	for (size_t i = 0; i < data; i++)
		d[i] = (char)('a' + i % 26);
	for (size_t i = 0; i + 64 <= data; i += 64)
		memcpy(d + i, "\r\n--BoundaryXYZ012345678", 24);
	memcpy(d + data, tail, sizeof(tail) - 1);
	oe_arena a = OE_ARENA_INIT;
	oe_form f;
	const char *why = NULL;
	clock_t t0 = clock();
	assert_int_equal(oe_form_parse(MP("BoundaryXYZ0123456789"), body, n, &a, &f, &why), 0);
	double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
	print_message("# 50 MB multipart body parsed in %.3f s\n", secs);
	assert_int_equal(f.n, 2);
	assert_string_equal(f.fields[0].value, "short text");
	assert_int_equal(f.fields[1].len, data);
	assert_ptr_equal(f.fields[1].value, d);
	oe_arena_clear(&a);
	free(body);
}

int main(void)
{
	static const struct CMUnitTest tests[] = {
	    cmocka_unit_test(urlencoded),	   cmocka_unit_test(urlencoded_ctype),
	    cmocka_unit_test(urlencoded_nul),	   cmocka_unit_test(urlencoded_bad_escapes),
	    cmocka_unit_test(urlencoded_limits),   cmocka_unit_test(unsupported),
	    cmocka_unit_test(multipart_browser),   cmocka_unit_test(multipart_lf_quoted),
	    cmocka_unit_test(multipart_names),	   cmocka_unit_test(multipart_lookalikes),
	    cmocka_unit_test(multipart_malformed), cmocka_unit_test(multipart_limits),
	    cmocka_unit_test(multipart_big),
	};
	return cmocka_run_group_tests_name("form", tests, NULL, NULL);
}
