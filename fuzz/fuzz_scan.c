/* fuzz_scan.c - log lines from outside through the scanner and the
 * matcher. The text is handed over unterminated (ASan sees a read past it)
 * and scanned against a small snapshot of every kind of entry, so the
 * lookups behind each candidate run too.
 *
 * Beyond "does not crash", it checks what callers rely on: every token's
 * text lies inside the input; canonical forms are bounded and lower-case
 * where they must be; a scan of the same bytes gives the same tokens; one
 * pass over all the lines (oe_scan_lines, as matching does) gives the
 * tokens of a scan of each line on its own; and matching the text as lines
 * counts every line. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "match/run.h"

typedef struct {
	const char *s;
	size_t n, count, lines;
	uint64_t sum;
} seen;

static void line_end(void *arg)
{
	((seen *)arg)->lines++;
}

static void check(void *arg, const oe_scan_token *t)
{
	seen *x = arg;
	if (t->text < x->s || t->text + t->text_len > x->s + x->n)
		abort();
	if (t->canon && t->canon_len > OE_VALUE_MAX)
		abort();
	if (t->type == OE_T_DOMAIN || t->type == OE_T_EMAIL)
		for (size_t i = 0; i < t->canon_len; i++)
			if (t->canon[i] >= 'A' && t->canon[i] <= 'Z')
				abort();
	x->count++;
	x->sum = x->sum * 31 + (uint64_t)t->type * 7 + t->text_len + (uint64_t)(t->text - x->s);
	for (size_t i = 0; t->canon && i < t->canon_len; i++)
		x->sum = x->sum * 131 + (unsigned char)t->canon[i];
	for (size_t i = 0; t->host && i < t->host_len; i++)
		x->sum = x->sum * 137 + (unsigned char)t->host[i];
	x->sum = x->sum * 31 + t->ip4 + t->ip6[0] + t->ip6[15] + (uint64_t)t->host_type;
}

static oe_match_snap *snap;

static void setup(void)
{
	static const struct {
		oe_itype t;
		const char *v;
	} entries[] = {
	    {OE_T_DOMAIN, "evil.example"},
	    {OE_T_DOMAIN, "evil.co.uk"},
	    {OE_T_DOMAIN, "co.uk"},
	    {OE_T_IPV4, "10.0.0.1"},
	    {OE_T_CIDR, "10.0.0.0/8"},
	    {OE_T_CIDR, "2001:db8::/32"},
	    {OE_T_IPV6, "2001:db8::1"},
	    {OE_T_URL, "http://evil.example/x"},
	    {OE_T_EMAIL, "a@evil.example"},
	    {OE_T_PHONE, "+6281234567890"},
	    {OE_T_MD5, "d41d8cd98f00b204e9800998ecf8427e"},
	};
	oe_match_builder *b;
	if (oe_match_builder_new(false, 1, &b))
		abort();
	oe_match_assertion a = {.org_id = 1, .tlp = 1, .confidence = 50};
	for (size_t i = 0; i < sizeof(entries) / sizeof(entries[0]); i++)
		oe_match_builder_add(b, entries[i].t, entries[i].v, strlen(entries[i].v), &a, 1,
				     true);
	oe_match_layer *l;
	if (oe_match_builder_finish(b, &l) || oe_match_snap_new(l, NULL, &snap))
		abort();
	oe_match_layer_unref(l);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!snap)
		setup();
	char *s = malloc(size ? size : 1);
	if (!s)
		return 0;
	memcpy(s, data, size);
	oe_scan_opts o = {.phones = true, .phone_cc = size && (data[0] & 1) ? "62" : NULL};
	seen a = {.s = s, .n = size}, b = {.s = s, .n = size};
	oe_scan_text(&o, s, size, check, &a);
	oe_scan_text(&o, s, size, check, &b);
	if (a.count != b.count || a.sum != b.sum)
		abort();
	seen c = {.s = s, .n = size}, d = {.s = s, .n = size};
	for (size_t i = 0; i < size;) {
		const char *nlp = memchr(s + i, '\n', size - i);
		size_t e = nlp ? (size_t)(nlp - s) : size;
		oe_scan_text(&o, s + i, e - i, check, &c);
		if (nlp)
			c.lines++;
		i = e + 1;
	}
	oe_scan_lines(&o, s, size, check, line_end, &d);
	if (c.count != d.count || c.sum != d.sum || c.lines != d.lines)
		abort();
	oe_buf out = OE_BUF_INIT;
	oe_match_run r = {.mc = {.snap = snap, .viewer = {1, OE_ROLE_ADMIN}, .now = 2},
			  .scan = o,
			  .text = size && (data[0] & 2),
			  .out = &out,
			  .line = 1};
	oe_match_run_lines(&r, s, size);
	size_t nl = 0;
	for (size_t i = 0; i < size; i++)
		nl += s[i] == '\n';
	if (r.lines != nl + (size && s[size - 1] != '\n'))
		abort();
	oe_buf_free(&out);
	free(s);
	return 0;
}
