/* fuzz_extract.c - free text from outside through oe_extract. The first
 * byte picks the default phone region (low three bits) and whether bank
 * names are looked up in that region or in Indonesia (bit 3); the rest is
 * the text, handed over unterminated so ASan sees any read past it.
 *
 * Beyond "does not crash", it checks the contract callers rely on: every
 * span lies inside the text and is not empty; every value is canonical (a
 * fixed point of oe_canon for its type); no (type, value) comes twice; the
 * return value counts the callbacks; max and an early stop are honoured;
 * and a second scan gives the same sequence. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/extract.h"

static const char *const regions[] = {"ID", "CN", "MY", "SG", "TH", "VN", "PH", "US"};

#define KEEP_MAX 512 /* values remembered to check for repeats and order */

typedef struct {
	size_t n, calls, stop_after;
	oe_itype t[KEEP_MAX];
	char *v[KEEP_MAX];
	const oe_canon_opts *canon;
	const char *const *want_v; /* replay: the values of the first scan */
	const oe_itype *want_t;
	size_t want_n;
} seen;

static void fail(const char *what, oe_itype t, const char *v)
{
	fprintf(stderr, "fuzz_extract: %s: %s [%s]\n", what, oe_itype_name(t), v);
	abort();
}

static int on_value(void *ud, oe_itype t, const char *value, size_t off, size_t len)
{
	seen *s = ud;
	s->calls++;
	if (t <= OE_T_NONE || t >= OE_T__COUNT || !value || !value[0] ||
	    strlen(value) > OE_VALUE_MAX)
		fail("bad type or value", t, value ? value : "(null)");
	char again[OE_VALUE_MAX + 1];
	const char *why = NULL;
	if (oe_canon(t, value, strlen(value), s->canon, again, sizeof(again), &why) != 0)
		fail(why ? why : "value refused by oe_canon", t, value);
	if (strcmp(again, value) != 0)
		fail("value is not canonical", t, value);
	size_t k = s->calls - 1;
	if (s->want_v) {
		if (k >= s->want_n || s->want_t[k] != t || strcmp(s->want_v[k], value) != 0)
			fail("second scan differs", t, value);
	} else if (k < KEEP_MAX) {
		for (size_t i = 0; i < k; i++)
			if (s->t[i] == t && strcmp(s->v[i], value) == 0)
				fail("value reported twice", t, value);
		s->t[k] = t;
		s->v[k] = strdup(value);
		if (!s->v[k])
			abort();
		s->n = k + 1;
	}
	return s->stop_after && s->calls >= s->stop_after;
}

typedef struct {
	size_t n, text_len; /* callbacks; bytes of the text that are read */
} span_check;

static int on_span(void *ud, oe_itype t, const char *value, size_t off, size_t len)
{
	span_check *c = ud;
	if (len == 0 || off > c->text_len || len > c->text_len - off)
		fail("span outside the text", t, value);
	c->n++;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	oe_canon_opts co = {regions[data[0] & 7]};
	oe_extract_opts o = {&co, data[0] & 8 ? "ID" : NULL};
	const char *text = (const char *)data + 1;
	size_t n = size - 1;
	span_check sc = {0, n < OE_EXTRACT_TEXT_MAX ? n : OE_EXTRACT_TEXT_MAX};
	int total = oe_extract(text, n, &o, 0, on_span, &sc);
	if (total < 0 || (size_t)total != sc.n)
		abort();

	seen *s = calloc(1, sizeof(*s));
	if (!s)
		abort();
	s->canon = &co;
	int rc = oe_extract(text, n, &o, 0, on_value, s);
	if (rc != total || s->calls != (size_t)total)
		abort();

	/* The same again, compared value by value. */
	seen *r = calloc(1, sizeof(*r));
	if (!r)
		abort();
	r->canon = &co;
	r->want_v = (const char *const *)s->v;
	r->want_t = s->t;
	r->want_n = s->n;
	if (total <= KEEP_MAX && oe_extract(text, n, &o, 0, on_value, r) != total)
		abort();

	/* max, and a callback that says stop, both cut the scan short. */
	sc.n = 0;
	rc = oe_extract(text, n, &o, 1, on_span, &sc);
	if (rc != (total > 0) || sc.n != (size_t)rc)
		abort();
	seen *q = calloc(1, sizeof(*q));
	if (!q)
		abort();
	q->canon = &co;
	q->stop_after = 2;
	rc = oe_extract(text, n, &o, 0, on_value, q);
	if (rc != (total < 2 ? total : 2))
		abort();

	for (size_t i = 0; i < s->n; i++)
		free(s->v[i]);
	for (size_t i = 0; i < q->n; i++)
		free(q->v[i]);
	free(s);
	free(r);
	free(q);
	return 0;
}
