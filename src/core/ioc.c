/* ioc.c - the import set container (see ioc.h).
 *
 * An indicator's value and ext_id share one allocation, owned through
 * value (ext_id points into it): a million-indicator import makes one
 * malloc fewer per indicator. Nothing outside this file frees or moves
 * either. description and each tag stay allocations of their own, since
 * the service merges duplicates by moving them from one indicator to
 * another and growing the tags array with realloc. */
#include "ioc.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void oe_import_set_init(oe_import_set *s)
{
	memset(s, 0, sizeof(*s));
}

static void free_tags(char **tags, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(tags[i]);
	free(tags);
}

void oe_import_set_free(oe_import_set *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->niocs; i++) {
		oe_ioc *c = &s->iocs[i];
		free(c->value); /* and ext_id with it */
		free(c->description);
		free_tags(c->tags, c->ntags);
	}
	free(s->iocs);
	for (size_t i = 0; i < s->nevents; i++) {
		oe_event_in *e = &s->events[i];
		free(e->title);
		free(e->ext_id);
		free(e->org);
		free_tags(e->tags, e->ntags);
	}
	free(s->events);
	for (size_t i = 0; i < s->nerrors; i++) {
		free(s->errors[i].ref);
		free(s->errors[i].reason);
	}
	free(s->errors);
	memset(s, 0, sizeof(*s));
}

static int grow(void **arr, size_t *cap, size_t need, size_t elem)
{
	if (need <= *cap)
		return 0;
	size_t n = *cap ? *cap * 2 : 16;
	while (n < need)
		n *= 2;
	void *p = realloc(*arr, n * elem);
	if (!p)
		return OE_ENOMEM;
	*arr = p;
	*cap = n;
	return 0;
}

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

static int dup_tags(char **src, size_t n, char ***out)
{
	*out = NULL;
	if (!n)
		return 0;
	char **t = calloc(n, sizeof(*t));
	if (!t)
		return OE_ENOMEM;
	for (size_t i = 0; i < n; i++) {
		t[i] = strdup(src[i]);
		if (!t[i]) {
			free_tags(t, i);
			return OE_ENOMEM;
		}
	}
	*out = t;
	return 0;
}

int oe_import_add_ioc(oe_import_set *s, const oe_ioc *ioc)
{
	if (s->niocs >= OE_IMPORT_MAX_OBJECTS)
		return OE_ETOOBIG;
	if (grow((void **)&s->iocs, &s->capiocs, s->niocs + 1, sizeof(oe_ioc)))
		return OE_ENOMEM;
	if (!ioc->value)
		return OE_ENOMEM; /* as before: there is nothing to copy */
	oe_ioc c = *ioc;
	size_t nv = strlen(ioc->value) + 1, ne = ioc->ext_id ? strlen(ioc->ext_id) + 1 : 0;
	c.value = malloc(nv + ne);
	c.description = dup_or_null(ioc->description);
	if (!c.value || (ioc->description && !c.description) ||
	    dup_tags(ioc->tags, ioc->ntags, &c.tags)) {
		free(c.value);
		free(c.description);
		return OE_ENOMEM;
	}
	memcpy(c.value, ioc->value, nv);
	c.ext_id = ioc->ext_id ? memcpy(c.value + nv, ioc->ext_id, ne) : NULL;
	s->iocs[s->niocs++] = c;
	return 0;
}

int oe_import_begin_event(oe_import_set *s, const oe_event_in *ev)
{
	if (grow((void **)&s->events, &s->capevents, s->nevents + 1, sizeof(oe_event_in)))
		return OE_ENOMEM;
	oe_event_in e = *ev;
	e.title = dup_or_null(ev->title);
	e.ext_id = dup_or_null(ev->ext_id);
	e.org = dup_or_null(ev->org);
	if ((ev->title && !e.title) || (ev->ext_id && !e.ext_id) || (ev->org && !e.org) ||
	    dup_tags(ev->tags, ev->ntags, &e.tags)) {
		free(e.title);
		free(e.ext_id);
		free(e.org);
		return OE_ENOMEM;
	}
	e.first = s->niocs;
	e.count = 0;
	s->events[s->nevents++] = e;
	return 0;
}

void oe_import_end_event(oe_import_set *s)
{
	if (s->nevents) {
		oe_event_in *e = &s->events[s->nevents - 1];
		e->count = s->niocs - e->first;
	}
}

void oe_import_error_add(oe_import_set *s, const char *ref, const char *fmt, ...)
{
	if (s->nerrors >= OE_IMPORT_MAX_ERRORS ||
	    grow((void **)&s->errors, &s->caperrors, s->nerrors + 1, sizeof(oe_import_error))) {
		s->nerrors_dropped++;
		return;
	}
	char buf[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	char *r = strdup(ref ? ref : "");
	char *m = strdup(buf);
	if (!r || !m) {
		free(r);
		free(m);
		s->nerrors_dropped++;
		return;
	}
	s->errors[s->nerrors].ref = r;
	s->errors[s->nerrors].reason = m;
	s->nerrors++;
}
