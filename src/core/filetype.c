/* filetype.c - evidence file types by magic bytes (see filetype.h).
 *
 * An evidence file is served back to analysts later, so what matters is
 * what a browser would do with the bytes, not what the uploader called
 * them. The accepted set is small on purpose: images, PDF and plain text
 * cover screenshots, transfer receipts and chat exports, and none of them
 * runs code when opened.
 *
 * Plain text is the one type without a signature, so it is judged by
 * content: well-formed UTF-8, no NUL, and almost no control bytes (binary
 * formats are full of them). Text whose first character, after a byte
 * order mark and white space, is '<' is refused even when it is valid
 * UTF-8: that is how HTML, SVG and XML begin, and a browser that sniffs
 * such a file (an old one, one that ignores nosniff, a "save and open"
 * from a download folder) runs its scripts in whatever origin serves it.
 * Such evidence can be uploaded as a screenshot or a PDF instead. */
#include "filetype.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "json.h"

static const oe_filetype t_png = {"image/png", "png"};
static const oe_filetype t_jpeg = {"image/jpeg", "jpg"};
static const oe_filetype t_gif = {"image/gif", "gif"};
static const oe_filetype t_webp = {"image/webp", "webp"};
static const oe_filetype t_pdf = {"application/pdf", "pdf"};
static const oe_filetype t_text = {"text/plain", "txt"};

static bool starts(const unsigned char *d, size_t n, const char *magic, size_t k)
{
	return n >= k && memcmp(d, magic, k) == 0;
}

/* Control bytes that plain text does not carry: C0 controls other than
 * tab, line feed, form feed and carriage return, and DEL. */
static bool is_odd_control(unsigned char c)
{
	return (c < 0x20 && c != '\t' && c != '\n' && c != '\f' && c != '\r') || c == 0x7f;
}

static bool is_text(const unsigned char *d, size_t n)
{
	if (memchr(d, 0, n))
		return false;
	size_t odd = 0;
	for (size_t i = 0; i < n; i++)
		odd += is_odd_control(d[i]);
	/* Under 1%: a stray escape or backspace in a chat export is fine. */
	if (odd * 100 >= n)
		return false;
	if (!oe_utf8_valid((const char *)d, n))
		return false;
	size_t i = 0;
	if (starts(d, n, "\xef\xbb\xbf", 3))
		i = 3;
	while (i < n &&
	       (d[i] == ' ' || d[i] == '\t' || d[i] == '\n' || d[i] == '\r' || d[i] == '\f'))
		i++;
	return i == n || d[i] != '<'; /* markup: see the top of this file */
}

const oe_filetype *oe_filetype_sniff(const void *data, size_t len)
{
	const unsigned char *d = data;
	if (!d || len == 0)
		return NULL;
	if (starts(d, len, "\x89PNG\r\n\x1a\n", 8))
		return &t_png;
	if (starts(d, len, "\xff\xd8\xff", 3))
		return &t_jpeg;
	if (starts(d, len, "GIF87a", 6) || starts(d, len, "GIF89a", 6))
		return &t_gif;
	if (len >= 12 && memcmp(d, "RIFF", 4) == 0 && memcmp(d + 8, "WEBP", 4) == 0)
		return &t_webp;
	/* At offset 0 only: readers accept "%PDF-" anywhere in the first
	 * kilobyte, which lets one file be a valid PDF and something else
	 * (a polyglot) at once. */
	if (starts(d, len, "%PDF-", 5))
		return &t_pdf;
	return is_text(d, len) ? &t_text : NULL;
}
