/* test_filetype.c - evidence file types by their bytes, as a table: bytes
 * -> expected extension, or NULL for refused. Each input is handed over in
 * a heap buffer of exactly its length so ASan catches reads past it. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "core/common.h"
#include "core/filetype.h"

typedef struct {
	const char *name;
	const char *data;
	size_t len;
	const char *ext; /* NULL: refused */
	const char *mime;
} sniff_case;

#define CASE(name, lit, ext, mime)                                                                 \
	{                                                                                          \
		name, lit, sizeof(lit) - 1, ext, mime                                              \
	}
#define NOPE(name, lit)                                                                            \
	{                                                                                          \
		name, lit, sizeof(lit) - 1, NULL, NULL                                             \
	}

/* clang-format off */
static const sniff_case cases[] = {
	CASE("png", "\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01", "png", "image/png"),
	CASE("png-bare-signature", "\x89PNG\r\n\x1a\n", "png", "image/png"),
	CASE("jpeg-jfif", "\xff\xd8\xff\xe0\0\x10JFIF\0", "jpg", "image/jpeg"),
	CASE("jpeg-exif", "\xff\xd8\xff\xe1\x12\x34" "Exif\0\0", "jpg", "image/jpeg"),
	CASE("gif87a", "GIF87a\x01\0\x01\0\x80\0\0", "gif", "image/gif"),
	CASE("gif89a", "GIF89a\x01\0\x01\0\0\0\0;", "gif", "image/gif"),
	CASE("webp", "RIFF\x24\0\0\0WEBPVP8 \x18\0\0\0", "webp", "image/webp"),
	CASE("pdf", "%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "pdf", "application/pdf"),
	CASE("text-ascii", "Saya ditelepon dari 0812-3456-7890.\r\nLalu...\n", "txt", "text/plain"),
	CASE("text-utf8", "\xe9\xaa\x97\xe5\xad\x90\xe7\x94\xb5\xe8\xaf\x9d 13800138000\n", "txt", "text/plain"),
	CASE("text-bom", "\xef\xbb\xbf" "WhatsApp chat\n", "txt", "text/plain"),
	CASE("text-tabs-ff", "a\tb\fc\r\n", "txt", "text/plain"),
	CASE("text-one-char", "x", "txt", "text/plain"),
	CASE("text-markup-later", "see <b>this</b>", "txt", "text/plain"),
	CASE("text-pdf-not-at-start", "notes: %PDF-1.7", "txt", "text/plain"),
	CASE("text-short-gif-magic", "GIF8", "txt", "text/plain"),
	/* One stray escape in 100 bytes is 1%: refused; in 101 bytes, kept. */
	CASE("text-one-control-in-101",
	     "\x1b" "1234567890123456789012345678901234567890123456789"
	     "012345678901234567890123456789012345678901234567890", "txt", "text/plain"),
	NOPE("control-one-in-100",
	     "\x1b" "1234567890123456789012345678901234567890123456789"
	     "01234567890123456789012345678901234567890123456789"),
	NOPE("empty", ""),
	NOPE("nul", "text\0with a NUL"),
	NOPE("bad-utf8", "caf\xe9 au lait"),
	NOPE("overlong-utf8", "\xc0\xaf"),
	NOPE("surrogate", "\xed\xa0\x80"),
	NOPE("utf16", "\xff\xfeh\0i\0"),
	/* Active content, although it is valid UTF-8. */
	NOPE("html", "<!DOCTYPE html><script>alert(1)</script>"),
	NOPE("html-after-space", " \r\n\t<html>"),
	NOPE("svg", "<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"/>"),
	NOPE("xml-after-bom", "\xef\xbb\xbf<?xml version=\"1.0\"?>"),
	NOPE("zip", "PK\x03\x04\x14\0\0\0\x08\0"),
	NOPE("exe", "MZ\x90\0\x03\0\0\0\x04\0\0\0\xff\xff"),
	NOPE("elf", "\x7f" "ELF\x02\x01\x01\0"),
	NOPE("riff-wave", "RIFF\x24\0\0\0WAVEfmt "),
	NOPE("webp-short", "RIFF\x24\0\0\0WEB"),
	NOPE("pdf-after-junk", "\0\0%PDF-1.7"),
	NOPE("png-truncated", "\x89PNG\r\n"),
	NOPE("jpeg-truncated", "\xff\xd8"),
};
/* clang-format on */

static void sniff_one(void **state)
{
	const sniff_case *c = *state;
	char *p = malloc(c->len ? c->len : 1);
	assert_non_null(p);
	memcpy(p, c->data, c->len);
	const oe_filetype *t = oe_filetype_sniff(p, c->len);
	free(p);
	if (!c->ext) {
		if (t)
			print_error("refused expected, got %s\n", t->mime);
		assert_null(t);
		return;
	}
	assert_non_null(t);
	assert_string_equal(t->ext, c->ext);
	assert_string_equal(t->mime, c->mime);
}

static void null_data(void **state)
{
	assert_null(oe_filetype_sniff(NULL, 0));
	assert_null(oe_filetype_sniff(NULL, 10));
}

/* A big text file is judged whole: one NUL at the very end refuses it. */
static void big_text(void **state)
{
	size_t n = 8u * 1024 * 1024;
	char *p = malloc(n);
	assert_non_null(p);
	for (size_t i = 0; i < n; i++)
		p[i] = i % 80 == 79 ? '\n' : (char)('a' + i % 26);
	const oe_filetype *t = oe_filetype_sniff(p, n);
	assert_non_null(t);
	assert_string_equal(t->ext, "txt");
	p[n - 1] = '\0';
	assert_null(oe_filetype_sniff(p, n));
	free(p);
}

int main(void)
{
	static const struct CMUnitTest fixed[] = {
	    cmocka_unit_test(null_data),
	    cmocka_unit_test(big_text),
	};
	size_t nc = OE_ARRAY_SIZE(cases), nf = OE_ARRAY_SIZE(fixed);
	struct CMUnitTest *tests = calloc(nc + nf, sizeof(*tests));
	if (!tests)
		return 1;
	for (size_t i = 0; i < nc; i++) {
		tests[i].name = cases[i].name;
		tests[i].test_func = sniff_one;
		tests[i].initial_state = (void *)&cases[i];
	}
	memcpy(tests + nc, fixed, sizeof(fixed));
	int rc = _cmocka_run_group_tests("filetype", tests, nc + nf, NULL, NULL);
	free(tests);
	return rc;
}
