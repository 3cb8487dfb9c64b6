/* case_stix.c - joint cases as STIX 2.1 groupings and notes, both ways
 * (see case_stix.h). */
#include "case_stix.h"

#include <stdio.h>
#include <string.h>

#include "json.h"
#include "stix_obj.h"
#include "tlp.h"
#include "uuid.h"

bool oe_case_stix_is_id(const char *s, const char *prefix)
{
	size_t n = strlen(prefix);
	oe_uuid u;
	return s && strncmp(s, prefix, n) == 0 && strlen(s) == n + OE_UUID_STR - 1 &&
	       oe_uuid_parse(s + n, &u) == 0;
}

int64_t oe_case_stix_key(const char *id)
{
	const char *d = id ? strstr(id, "--") : NULL;
	oe_uuid u;
	return d && !oe_uuid_parse(d + 2, &u) ? oe_stix_uuid_key(&u) : 0;
}

bool oe_case_text_ok(const char *s, size_t max)
{
	size_t n = s ? strlen(s) : 0;
	if (!n || n > max || !oe_utf8_valid(s, n))
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];
		if ((ch < 0x20 && ch != '\t' && ch != '\n' && ch != '\r') || ch == 0x7f)
			return false;
		/* C1 controls, U+0080..U+009F, are 0xC2 0x80..0x9F in UTF-8. */
		if (ch == 0xc2 && i + 1 < n && (unsigned char)s[i + 1] <= 0x9f)
			return false;
	}
	return true;
}

static bool name_ok(const char *s, size_t max)
{
	size_t n = s ? strlen(s) : 0;
	return n > 0 && n <= max && oe_utf8_printable(s, n);
}

static json_t *jtime(oe_time t)
{
	/* Microseconds: two versions made in one millisecond still differ. */
	char b[OE_TIME_BUF];
	oe_time_format_us(t, b);
	return json_string(b);
}

static json_t *strings(const char *const *v, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; a && i < n; i++)
		if (v[i] && json_array_append_new(a, json_string(v[i]))) {
			json_decref(a);
			return NULL;
		}
	return a;
}

/* The properties every case object has. */
static json_t *common(const char *type, const char *id, const char *by, oe_time created,
		      oe_time modified, int tlp, const char *group, const char **members,
		      size_t nmembers)
{
	const char *mark = oe_tlp_marking_id((oe_tlp)tlp);
	json_t *o = json_pack("{s:s,s:s,s:s,s:o,s:o,s:s,s:[s]}", "type", type, "spec_version",
			      "2.1", "id", id, "created", jtime(created), "modified",
			      jtime(modified > created ? modified : created), "created_by_ref", by,
			      "object_marking_refs", mark ? mark : "");
	if (o && group &&
	    json_object_set_new(o, "x_oureyes_sharing",
				json_pack("{s:s,s:o*}", "group", group, "members",
					  strings((const char *const *)members, nmembers)))) {
		json_decref(o);
		return NULL;
	}
	return o;
}

json_t *oe_case_stix_grouping(const oe_case_stix *c)
{
	json_t *o = common("grouping", c->id, c->created_by, c->created, c->modified, c->tlp,
			   c->group, c->members, c->nmembers);
	json_t *refs = strings(c->refs, c->nrefs), *parties = json_array();
	int bad = !o || !refs || !parties;
	for (size_t i = 0; !bad && i < c->nparties; i++) {
		const oe_case_party *p = &c->parties[i];
		json_t *j = json_pack("{s:s,s:s}", "identity", p->identity, "name", p->name);
		if (j && p->country && *p->country)
			bad |= json_object_set_new(j, "country", json_string(p->country));
		bad |= !j || json_array_append_new(parties, j);
		/* The participants' identities are what the case is about, as
		 * much as its indicators; and a grouping names at least one
		 * object. */
		bad |= json_array_append_new(refs, json_string(p->identity));
	}
	if (!bad && !json_array_size(refs))
		bad |= json_array_append_new(refs, json_string(c->created_by));
	if (!bad) {
		bad |= json_object_set_new(o, "name", json_string(c->title));
		if (c->description && *c->description)
			bad |= json_object_set_new(o, "description", json_string(c->description));
		bad |= json_object_set_new(o, "context", json_string("suspicious-activity"));
		bad |= json_object_set(o, "object_refs", refs);
		bad |= json_object_set_new(o, "x_oureyes_case",
					   json_pack("{s:s,s:O,s:o*}", "status",
						     c->status ? "closed" : "open", "participants",
						     parties, "indicators",
						     strings(c->indicators, c->nindicators)));
	}
	json_decref(refs);
	json_decref(parties);
	if (bad) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static const char *const kinds[] = {"note", "task", "task-update"};

json_t *oe_case_stix_note(const oe_case_note_stix *n)
{
	json_t *o = common("note", n->id, n->created_by, n->created, n->modified, n->tlp, n->group,
			   n->members, n->nmembers);
	if (!o)
		return NULL;
	int bad = json_object_set_new(o, "content", json_string(n->text));
	if (n->author && *n->author)
		bad |= json_object_set_new(o, "authors", json_pack("[s]", n->author));
	if (n->kind == OE_CASE_STIX_TASK)
		bad |= json_object_set_new(o, "abstract", json_string("Task"));
	else if (n->kind == OE_CASE_STIX_TASK_UPDATE)
		bad |= json_object_set_new(o, "abstract", json_string("Task update"));
	json_t *refs = json_pack("[s]", n->case_ref);
	if (refs && n->kind == OE_CASE_STIX_TASK_UPDATE && n->task_ref)
		bad |= json_array_append_new(refs, json_string(n->task_ref));
	bad |= !refs || json_object_set_new(o, "object_refs", refs);
	json_t *x = json_pack("{s:s}", "kind", kinds[n->kind < 0 || n->kind > 2 ? 0 : n->kind]);
	if (x && n->kind != OE_CASE_STIX_NOTE) {
		bad |= json_object_set_new(x, "done", json_boolean(n->done));
		if (n->assignee)
			bad |= json_object_set_new(x, "assignee", json_string(n->assignee));
		if (n->due)
			bad |= json_object_set_new(x, "due", jtime(n->due));
		if (n->kind == OE_CASE_STIX_TASK_UPDATE && n->task_ref)
			bad |= json_object_set_new(x, "task", json_string(n->task_ref));
	}
	bad |= !x || json_object_set_new(o, "x_oureyes_note", x);
	if (bad) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* ---- reading what a partner sent ----------------------------------------- */

static int fail(char *why, size_t whycap, const char *msg)
{
	snprintf(why, whycap, "%s", msg);
	return OE_EINVAL;
}

static int get_time(const json_t *o, const char *key, oe_time *t)
{
	json_t *v = json_object_get(o, key);
	*t = 0;
	if (!v)
		return 0;
	return json_is_string(v) && oe_time_parse(json_string_value(v), t) == 0 ? 0 : -1;
}

/* The strictest TLP marking in object_marking_refs; -1 when none. */
static int marking(const json_t *o)
{
	json_t *refs = json_object_get(o, "object_marking_refs"), *r;
	int tlp = -1;
	size_t i;
	if (!json_is_array(refs))
		return -1;
	json_array_foreach (refs, i, r) {
		int t = json_is_string(r) ? oe_tlp_from_marking_id(json_string_value(r)) : -1;
		if (t > tlp)
			tlp = t;
	}
	return tlp;
}

/* id, created_by_ref, times, marking and sharing: what both kinds carry. */
static int head(const json_t *o, const char *prefix, oe_arena *a, const char **id, const char **by,
		oe_time *created, oe_time *modified, int *tlp, const char **group,
		const char ***members, size_t *nmembers, char *why, size_t whycap)
{
	const char *i = oe_json_str(o, "id"), *b = oe_json_str(o, "created_by_ref");
	if (!oe_case_stix_is_id(i, prefix))
		return fail(why, whycap, "id: not an id of this type");
	if (!oe_case_stix_is_id(b, "identity--"))
		return fail(why, whycap, "created_by_ref: an identity id is required (the origin)");
	if (get_time(o, "modified", modified) || !*modified || get_time(o, "created", created))
		return fail(why, whycap, "created, modified: timestamps (modified is required)");
	if (!*created)
		*created = *modified;
	if (*modified < *created)
		return fail(why, whycap, "modified: earlier than created");
	*tlp = marking(o);
	if (*tlp < 0)
		return fail(why, whycap, "object_marking_refs: no TLP marking");
	if (*tlp == OE_TLP_RED)
		return fail(why, whycap, "TLP:RED never leaves its node");
	*group = NULL;
	*members = NULL;
	*nmembers = 0;
	json_t *sh = json_object_get(o, "x_oureyes_sharing");
	if (*tlp >= OE_TLP_AMBER && sh && !json_is_null(sh)) {
		const char *g = oe_json_str(sh, "group");
		json_t *m = json_object_get(sh, "members");
		size_t n = json_array_size(m);
		if (!json_is_object(sh) || !name_ok(g, OE_CASE_NAME_MAX) || !json_is_array(m) ||
		    n > OE_CASE_MEMBERS_MAX)
			return fail(why, whycap,
				    "x_oureyes_sharing: {\"group\": a name, \"members\": "
				    "[identity ids]}");
		*members = oe_arena_alloc(a, (n ? n : 1) * sizeof(**members));
		if (!*members || !(*group = oe_arena_strdup(a, g)))
			return OE_ENOMEM;
		for (size_t k = 0; k < n; k++) {
			const char *s = json_string_value(json_array_get(m, k));
			if (!oe_case_stix_is_id(s, "identity--"))
				return fail(why, whycap, "x_oureyes_sharing.members: identity ids");
			if (!((*members)[(*nmembers)++] = oe_arena_strdup(a, s)))
				return OE_ENOMEM;
		}
	}
	if (*tlp >= OE_TLP_AMBER && !*group)
		return fail(why, whycap, "AMBER without a sharing group is for its owner alone");
	*id = oe_arena_strdup(a, i);
	*by = oe_arena_strdup(a, b);
	return *id && *by ? 0 : OE_ENOMEM;
}

json_t *oe_case_stix_tombstone(const char *id, oe_time modified)
{
	bool g = oe_case_stix_is_id(id, "grouping--");
	if (!g && !oe_case_stix_is_id(id, "note--"))
		return NULL;
	json_t *o = json_pack("{s:s,s:s,s:s,s:o,s:o,s:b,s:[s]}", "type", g ? "grouping" : "note",
			      "spec_version", "2.1", "id", id, "created", jtime(modified),
			      "modified", jtime(modified), "revoked", 1, "object_refs", id);
	if (o && json_object_set_new(o, g ? "context" : "content",
				     json_string(g ? "unspecified" : ""))) {
		json_decref(o);
		o = NULL;
	}
	return o;
}

/* A tombstone (revoked, without the extension of its kind): its id and
 * modified, and created_by_ref when given. 1 when o is one, 0 when not,
 * or an error. */
static int tombstone(const json_t *o, const char *prefix, const char *ext, oe_arena *a,
		     const char **id, const char **by, oe_time *modified, char *why, size_t whycap)
{
	if (!json_is_true(json_object_get(o, "revoked")) || json_object_get(o, ext))
		return 0;
	const char *i = oe_json_str(o, "id"), *b = oe_json_str(o, "created_by_ref");
	if (!oe_case_stix_is_id(i, prefix))
		return fail(why, whycap, "id: not an id of this type");
	if (b && !oe_case_stix_is_id(b, "identity--"))
		return fail(why, whycap, "created_by_ref: not an identity id");
	if (get_time(o, "modified", modified) || !*modified)
		return fail(why, whycap, "modified: a timestamp is required");
	if (!(*id = oe_arena_strdup(a, i)) || (b && !(*by = oe_arena_strdup(a, b))))
		return OE_ENOMEM;
	return 1;
}

int oe_case_stix_grouping_parse(const json_t *o, oe_arena *a, oe_case_stix *out, char *why,
				size_t whycap)
{
	memset(out, 0, sizeof(*out));
	int ret = tombstone(o, "grouping--", "x_oureyes_case", a, &out->id, &out->created_by,
			    &out->modified, why, whycap);
	if (ret)
		return (out->tombstone = ret == 1) ? 0 : ret;
	ret = head(o, "grouping--", a, &out->id, &out->created_by, &out->created, &out->modified,
		   &out->tlp, &out->group, &out->members, &out->nmembers, why, whycap);
	if (ret)
		return ret;
	const char *name = oe_json_str(o, "name"), *desc = oe_json_str(o, "description");
	if (!name_ok(name, OE_CASE_TITLE_MAX))
		return fail(why, whycap, "name: a printable title of at most 200 bytes");
	if (desc && !oe_case_text_ok(desc, OE_CASE_TEXT_MAX) && *desc)
		return fail(why, whycap, "description: text of at most 10000 bytes");
	json_t *x = json_object_get(o, "x_oureyes_case");
	const char *status = oe_json_str(x, "status");
	json_t *parties = json_object_get(x, "participants"),
	       *inds = json_object_get(x, "indicators");
	if (!json_is_object(x) || !status || (strcmp(status, "open") && strcmp(status, "closed")))
		return fail(why, whycap,
			    "x_oureyes_case: {\"status\": \"open\" or \"closed\", ...}");
	out->status = strcmp(status, "closed") == 0;
	size_t np = json_array_size(parties), ni = json_array_size(inds);
	if ((parties && !json_is_array(parties)) || np > OE_CASE_PARTIES_MAX)
		return fail(why, whycap, "x_oureyes_case.participants: at most 100");
	if ((inds && !json_is_array(inds)) || ni > OE_CASE_LINKS_MAX)
		return fail(why, whycap, "x_oureyes_case.indicators: at most 1000 indicator ids");
	out->parties = oe_arena_alloc(a, (np ? np : 1) * sizeof(*out->parties));
	out->indicators = oe_arena_alloc(a, (ni ? ni : 1) * sizeof(*out->indicators));
	if (!out->parties || !out->indicators || !(out->title = oe_arena_strdup(a, name)) ||
	    (desc && *desc && !(out->description = oe_arena_strdup(a, desc))))
		return OE_ENOMEM;
	for (size_t i = 0; i < np; i++) {
		json_t *p = json_array_get(parties, i);
		const char *id = oe_json_str(p, "identity"), *nm = oe_json_str(p, "name");
		const char *cc = oe_json_str(p, "country");
		if (!oe_case_stix_is_id(id, "identity--") || !name_ok(nm, OE_CASE_NAME_MAX))
			return fail(why, whycap,
				    "x_oureyes_case.participants: {\"identity\", \"name\"}");
		oe_case_party *q = &out->parties[out->nparties++];
		q->identity = oe_arena_strdup(a, id);
		q->name = oe_arena_strdup(a, nm);
		q->country = NULL;
		if (cc && strlen(cc) == 2 && cc[0] >= 'A' && cc[0] <= 'Z' && cc[1] >= 'A' &&
		    cc[1] <= 'Z')
			q->country = oe_arena_strdup(a, cc);
		if (!q->identity || !q->name)
			return OE_ENOMEM;
	}
	for (size_t i = 0; i < ni; i++) {
		const char *id = json_string_value(json_array_get(inds, i));
		if (!oe_case_stix_is_id(id, "indicator--"))
			return fail(why, whycap, "x_oureyes_case.indicators: indicator ids");
		if (!(out->indicators[out->nindicators++] = oe_arena_strdup(a, id)))
			return OE_ENOMEM;
	}
	return 0;
}

int oe_case_stix_note_parse(const json_t *o, oe_arena *a, oe_case_note_stix *out, char *why,
			    size_t whycap)
{
	memset(out, 0, sizeof(*out));
	int ret = tombstone(o, "note--", "x_oureyes_note", a, &out->id, &out->created_by,
			    &out->modified, why, whycap);
	if (ret)
		return (out->tombstone = ret == 1) ? 0 : ret;
	ret = head(o, "note--", a, &out->id, &out->created_by, &out->created, &out->modified,
		   &out->tlp, &out->group, &out->members, &out->nmembers, why, whycap);
	if (ret)
		return ret;
	json_t *refs = json_object_get(o, "object_refs"), *x = json_object_get(o, "x_oureyes_note");
	const char *cref = json_string_value(json_array_get(refs, 0));
	if (!json_is_array(refs) || !oe_case_stix_is_id(cref, "grouping--"))
		return fail(why, whycap, "object_refs: the case's grouping first");
	const char *kind = oe_json_str(x, "kind");
	out->kind = -1;
	for (int k = 0; kind && k < 3; k++)
		if (!strcmp(kind, kinds[k]))
			out->kind = k;
	if (!json_is_object(x) || out->kind < 0)
		return fail(why, whycap,
			    "x_oureyes_note: {\"kind\": \"note\", \"task\" or \"task-update\"}");
	const char *text = oe_json_str(o, "content");
	size_t max = out->kind == OE_CASE_STIX_NOTE ? OE_CASE_TEXT_MAX : OE_CASE_TITLE_MAX;
	if (!oe_case_text_ok(text, max))
		return fail(why, whycap, "content: text of a bounded length");
	json_t *authors = json_object_get(o, "authors");
	const char *author = json_string_value(json_array_get(authors, 0));
	if (author && !name_ok(author, OE_CASE_NAME_MAX))
		author = NULL;
	if (out->kind != OE_CASE_STIX_NOTE) {
		json_t *done = json_object_get(x, "done");
		const char *as = oe_json_str(x, "assignee");
		if ((done && !json_is_boolean(done)) ||
		    (json_object_get(x, "assignee") && !name_ok(as, OE_CASE_NAME_MAX)) ||
		    get_time(x, "due", &out->due))
			return fail(why, whycap,
				    "x_oureyes_note: done true or false, assignee a name, due a "
				    "timestamp");
		out->done = json_is_true(done);
		if (as && !(out->assignee = oe_arena_strdup(a, as)))
			return OE_ENOMEM;
	}
	if (out->kind == OE_CASE_STIX_TASK_UPDATE) {
		const char *t = oe_json_str(x, "task");
		if (!oe_case_stix_is_id(t, "note--"))
			return fail(why, whycap, "x_oureyes_note.task: the task's note id");
		if (!(out->task_ref = oe_arena_strdup(a, t)))
			return OE_ENOMEM;
	}
	out->case_ref = oe_arena_strdup(a, cref);
	out->text = oe_arena_strdup(a, text);
	if (author)
		out->author = oe_arena_strdup(a, author);
	return out->case_ref && out->text && (!author || out->author) ? 0 : OE_ENOMEM;
}
