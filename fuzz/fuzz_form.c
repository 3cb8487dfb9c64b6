/* fuzz_form.c - form bodies from outside. The first byte picks the
 * Content-Type: bit 0 urlencoded or multipart; for multipart, bit 1 the
 * boundary ("x", short so that lookalikes are common, or "b0undary") and
 * bit 2 whether it is quoted. The rest is the body, handed over
 * unterminated so ASan sees any read past it.
 *
 * Beyond "does not crash", it checks the contract callers rely on: a
 * refusal has a reason and leaves the form empty; text values are
 * NUL-terminated at len; file values lie inside the body; the limits hold;
 * and a parsed form, written out again (percent-encoded, or as multipart
 * with a fresh boundary), parses back to the same fields. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/form.h"

static const char *const ctypes[] = {
    "multipart/form-data; boundary=x",
    "multipart/form-data; boundary=b0undary",
    "multipart/form-data; boundary=\"x\"",
    "multipart/form-data; charset=utf-8; boundary=\"b0undary\"",
};

#define REBUILT_BOUNDARY "fUzZ-7e1c0b2a9d-rebuilt"

static void check_form(const oe_form *f, const char *body, size_t len, bool multipart)
{
	if (f->n > OE_FORM_FIELDS_MAX)
		abort();
	for (size_t i = 0; i < f->n; i++) {
		const oe_form_field *x = &f->fields[i];
		if (!x->name || !x->value || strlen(x->name) > OE_FORM_NAME_MAX)
			abort();
		if (x->filename) {
			if (!multipart || x->value < body || x->value + x->len > body + len)
				abort();
		} else if (x->value[x->len] != '\0') {
			abort();
		}
		if (!multipart && x->ctype)
			abort();
	}
}

typedef struct {
	char *p;
	size_t n, cap;
} sbuf;

static void put(sbuf *b, const void *s, size_t n)
{
	if (n == 0)
		return;
	if (b->n + n > b->cap) {
		size_t cap = (b->n + n) * 2;
		char *p = realloc(b->p, cap);
		if (!p)
			abort();
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->n, s, n);
	b->n += n;
}

static void puts_(sbuf *b, const char *s)
{
	put(b, s, strlen(s));
}

static void put_pct(sbuf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
			put(b, &s[i], 1);
		} else {
			char e[3] = {'%', hex[c >> 4], hex[c & 15]};
			put(b, e, 3);
		}
	}
}

/* A quoted-string with '"' and '\' escaped. */
static void put_quoted(sbuf *b, const char *s)
{
	puts_(b, "\"");
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			puts_(b, "\\");
		put(b, s, 1);
	}
	puts_(b, "\"");
}

static void same_forms(const oe_form *a, const oe_form *b)
{
	if (a->n != b->n)
		abort();
	for (size_t i = 0; i < a->n; i++) {
		const oe_form_field *x = &a->fields[i], *y = &b->fields[i];
		if (strcmp(x->name, y->name) != 0 || x->len != y->len ||
		    memcmp(x->value, y->value, x->len) != 0 || !x->filename != !y->filename ||
		    (x->filename && strcmp(x->filename, y->filename) != 0) ||
		    !x->ctype != !y->ctype || (x->ctype && strcmp(x->ctype, y->ctype) != 0))
			abort();
	}
}

static void roundtrip(const oe_form *f, bool multipart)
{
	sbuf b = {NULL, 0, 0};
	for (size_t i = 0; i < f->n; i++) {
		const oe_form_field *x = &f->fields[i];
		if (!multipart) {
			if (i)
				puts_(&b, "&");
			put_pct(&b, x->name, strlen(x->name));
			puts_(&b, "=");
			put_pct(&b, x->value, x->len);
			continue;
		}
		if (memmem(x->value, x->len, "--" REBUILT_BOUNDARY, strlen(REBUILT_BOUNDARY) + 2) ||
		    strpbrk(x->name, "\r\n") || (x->filename && strpbrk(x->filename, "\r\n")) ||
		    (x->ctype && strpbrk(x->ctype, "\r\n")))
			goto out; /* cannot be written back as one multipart body */
		puts_(&b, "--" REBUILT_BOUNDARY "\r\nContent-Disposition: form-data; name=");
		put_quoted(&b, x->name);
		if (x->filename) {
			puts_(&b, "; filename=");
			put_quoted(&b, x->filename);
		}
		puts_(&b, "\r\n");
		if (x->ctype) {
			puts_(&b, "Content-Type: ");
			puts_(&b, x->ctype);
			puts_(&b, "\r\n");
		}
		puts_(&b, "\r\n");
		put(&b, x->value, x->len);
		puts_(&b, "\r\n");
	}
	if (multipart)
		puts_(&b, "--" REBUILT_BOUNDARY "--\r\n");
	oe_arena a = OE_ARENA_INIT;
	oe_form g;
	const char *why = NULL;
	int rc = oe_form_parse(multipart ? "multipart/form-data; boundary=" REBUILT_BOUNDARY
					 : "application/x-www-form-urlencoded",
			       b.p, b.n, &a, &g, &why);
	if (rc == OE_ETOOBIG && multipart) { /* headers grew with the escapes */
		oe_arena_clear(&a);
		goto out;
	}
	if (rc != 0) {
		fprintf(stderr, "fuzz_form: rebuilt body refused: %s\n", why ? why : "?");
		abort();
	}
	same_forms(f, &g);
	oe_arena_clear(&a);
out:
	free(b.p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	bool multipart = data[0] & 1;
	const char *ctype =
	    multipart ? ctypes[(data[0] >> 1) & 3] : "application/x-www-form-urlencoded";
	const char *body = (const char *)data + 1;
	size_t len = size - 1;
	oe_arena a = OE_ARENA_INIT;
	oe_form f;
	const char *why = NULL;
	int rc = oe_form_parse(ctype, body, len, &a, &f, &why);
	if (rc == 0) {
		check_form(&f, body, len, multipart);
		roundtrip(&f, multipart);
	} else if (!why || !why[0] || f.n != 0 || f.fields ||
		   (rc != OE_EINVAL && rc != OE_ETOOBIG && rc != OE_ENOMEM)) {
		abort();
	}
	oe_arena_clear(&a);
	return 0;
}
