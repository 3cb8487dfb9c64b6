/* h_cases.c - joint cases over HTTP (docs/cases.md):
 *   GET   /api/v1/cases?status=open|closed&limit=&cursor=
 *   POST  /api/v1/cases                      {"title","description","tlp",
 *                                             "sharing_group","participants"}
 *   GET   /api/v1/cases/{id}
 *   PATCH /api/v1/cases/{id}                 the same fields and "status"
 *   POST  /api/v1/cases/{id}/links           {"reports","indicators","events",
 *                                             "unlink":{the same}}
 *   POST  /api/v1/cases/{id}/tasks           {"title","assignee","due","done"}
 *   PATCH /api/v1/cases/{id}/tasks/{task_id} the same, each optional
 *   POST  /api/v1/cases/{id}/notes           {"text"}
 * The routes under /api/v1/cases/ are one prefix route: this file reads
 * the rest of the path. */
#include <stdio.h>
#include <string.h>

#include "core/json.h"
#include "http.h"
#include "service/cases.h"

static int known(const char *k, const char *const *list)
{
	for (; *list; list++)
		if (!strcmp(k, *list))
			return 1;
	return 0;
}

/* 400 for a field the resource does not have: a typo must not pass as
 * "nothing to change". */
static int unknown_field(oe_req *r, json_t *b, const char *const *fields)
{
	const char *k;
	json_t *v;
	json_object_foreach (b, k, v)
		if (!known(k, fields))
			return oe_http_error(r, 400, "invalid_field", "unknown field '%.64s'", k);
	return 0;
}

static int fail(oe_req *r, int ret, const oe_case_err *e)
{
	if (ret == OE_EINVAL && e->field)
		return oe_http_error(r, 400, "invalid_field", "%s: %s", e->field, e->why);
	return oe_http_fail(r, ret);
}

/* The case as it stands after the call that returned ret, or why not. */
static int answer(oe_req *r, int ret, const oe_case_err *e, int status, const oe_case_detail *d)
{
	return ret ? fail(r, ret, e)
		   : oe_http_json(r, status, oe_case_json(d, r->ctx.node->node_name));
}

int oe_h_cases_list(oe_req *r)
{
	const char *st = oe_http_arg(r, "status"), *lim = oe_http_arg(r, "limit");
	const char *cur = oe_http_arg(r, "cursor");
	int status = -1;
	if (st && !strcmp(st, "open"))
		status = OE_CASE_OPEN;
	else if (st && !strcmp(st, "closed"))
		status = OE_CASE_CLOSED;
	else if (st)
		return oe_http_error(r, 400, "invalid_parameter", "status: open or closed");
	size_t limit = OE_CASE_LIST_DEFAULT;
	if (lim) {
		char *end;
		unsigned long v = strtoul(lim, &end, 10);
		if (!*lim || *end || v < 1 || v > OE_CASE_LIST_MAX)
			return oe_http_error(r, 400, "invalid_parameter", "limit: 1 to %d",
					     OE_CASE_LIST_MAX);
		limit = v;
	}
	oe_case_detail *d;
	size_t n;
	char next[OE_CURSOR_LEN + 1];
	int ret = oe_svc_case_list(&r->ctx, status, cur, limit, &d, &n, next);
	if (ret == OE_EINVAL)
		return oe_http_error(r, 400, "invalid_parameter",
				     "cursor: not a value this server gave");
	if (ret)
		return oe_http_fail(r, ret);
	json_t *arr = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, oe_case_summary_json(&d[i]));
	return oe_http_json(r, 200,
			    json_pack("{s:o,s:o}", "cases", arr, "next",
				      next[0] ? json_string(next) : json_null()));
}

/* A list of strings at key (absent: none) into the arena; false (and an
 * answer sent) when it is something else. */
static bool strings(oe_req *r, json_t *b, const char *key, size_t max, const char *const **out,
		    size_t *n, int *rc)
{
	json_t *a = json_object_get(b, key);
	*out = NULL;
	*n = 0;
	if (!a)
		return true;
	size_t k = json_is_array(a) ? json_array_size(a) : 0;
	const char **v = k <= max ? oe_arena_alloc(&r->arena, (k ? k : 1) * sizeof(*v)) : NULL;
	bool ok = json_is_array(a) && v;
	for (size_t i = 0; ok && i < k; i++)
		ok = (v[i] = json_string_value(json_array_get(a, i))) != NULL;
	if (!ok) {
		*rc = oe_http_error(r, 400, "invalid_field", "%s: a list of at most %zu strings",
				    key, max);
		return false;
	}
	*out = v;
	*n = k;
	return true;
}

/* An optional string field that may be null: *set says it was there. */
static bool opt_string(oe_req *r, json_t *b, const char *key, bool *set, const char **out, int *rc)
{
	json_t *v = json_object_get(b, key);
	*set = v != NULL;
	*out = json_string_value(v);
	if (v && !json_is_string(v) && !json_is_null(v)) {
		*rc = oe_http_error(r, 400, "invalid_field", "%s: a string or null", key);
		return false;
	}
	return true;
}

static bool tlp_of(oe_req *r, json_t *b, int *tlp, int *rc)
{
	json_t *v = json_object_get(b, "tlp");
	*tlp = -1;
	if (!v)
		return true;
	*tlp = json_is_string(v) ? oe_tlp_parse(json_string_value(v)) : -1;
	if (*tlp < 0) {
		*rc = oe_http_error(r, 400, "invalid_field",
				    "tlp: clear, green, amber, amber+strict or red");
		return false;
	}
	return true;
}

static const char *const case_fields[] = {"title",	  "description", "tlp", "sharing_group",
					  "participants", "status",	 NULL};

int oe_h_cases_post(oe_req *r)
{
	json_t *b = oe_http_body_json(r);
	if (!b)
		return MHD_YES;
	int rc = 0;
	oe_case_in in = {0};
	bool set;
	const char *const *parts;
	if (!json_is_object(b)) {
		rc = oe_http_error(r, 400, "invalid_json", "expected a JSON object");
		goto out;
	}
	if ((rc = unknown_field(r, b, case_fields)))
		goto out;
	if (json_object_get(b, "status")) {
		rc = oe_http_error(r, 400, "invalid_field", "status: a new case is open");
		goto out;
	}
	in.title = json_string_value(json_object_get(b, "title"));
	if (!in.title) {
		rc = oe_http_error(r, 400, "invalid_field", "title: a string is required");
		goto out;
	}
	if (!opt_string(r, b, "description", &set, &in.description, &rc) ||
	    !opt_string(r, b, "sharing_group", &set, &in.group, &rc) ||
	    !tlp_of(r, b, &in.tlp, &rc) ||
	    !strings(r, b, "participants", OE_CASE_PARTIES_MAX, &parts, &in.nparticipants, &rc))
		goto out;
	in.participants = parts;
	oe_case_detail d;
	oe_case_err e;
	rc = answer(r, oe_svc_case_create(&r->ctx, &in, &d, &e), &e, 201, &d);
out:
	json_decref(b);
	return rc;
}

static int case_get(oe_req *r, const char *id)
{
	oe_case_detail d;
	oe_case_err e = {0};
	return answer(r, oe_svc_case_get(&r->ctx, id, &d), &e, 200, &d);
}

static int case_patch(oe_req *r, const char *id, json_t *b)
{
	int rc = 0;
	oe_case_patch p = {.status = -1, .tlp = -1};
	bool set;
	const char *status;
	if ((rc = unknown_field(r, b, case_fields)))
		return rc;
	json_t *t = json_object_get(b, "title");
	if (t && !json_is_string(t))
		return oe_http_error(r, 400, "invalid_field", "title: a string");
	p.title = json_string_value(t);
	if (!opt_string(r, b, "description", &p.set_description, &p.description, &rc) ||
	    !opt_string(r, b, "sharing_group", &p.set_group, &p.group, &rc) ||
	    !opt_string(r, b, "status", &set, &status, &rc) || !tlp_of(r, b, &p.tlp, &rc))
		return rc;
	if (set) {
		p.status = !status		       ? -2
			   : !strcmp(status, "open")   ? OE_CASE_OPEN
			   : !strcmp(status, "closed") ? OE_CASE_CLOSED
						       : -2;
		if (p.status == -2)
			return oe_http_error(r, 400, "invalid_field", "status: open or closed");
	}
	if (json_object_get(b, "participants")) {
		p.set_participants = true;
		if (!strings(r, b, "participants", OE_CASE_PARTIES_MAX, &p.participants,
			     &p.nparticipants, &rc))
			return rc;
	}
	oe_case_detail d;
	oe_case_err e;
	return answer(r, oe_svc_case_patch(&r->ctx, id, &p, &d, &e), &e, 200, &d);
}

static const char *const link_fields[] = {"reports", "indicators", "events", "unlink", NULL};
static const char *const link_kinds[] = {"reports", "indicators", "events", NULL};

static int case_links(oe_req *r, const char *id, json_t *b)
{
	int rc = 0;
	const char *const *add[3], *const *del[3];
	size_t nadd[3], ndel[3];
	if ((rc = unknown_field(r, b, link_fields)))
		return rc;
	json_t *un = json_object_get(b, "unlink");
	if (un && !json_is_object(un))
		return oe_http_error(r, 400, "invalid_field",
				     "unlink: {\"reports\", \"indicators\", \"events\"}");
	if (un && (rc = unknown_field(r, un, link_kinds)))
		return rc;
	for (int k = 0; k < 3; k++) {
		if (!strings(r, b, link_kinds[k], OE_CASE_LINK_BATCH, &add[k], &nadd[k], &rc))
			return rc;
		ndel[k] = 0;
		del[k] = NULL;
		if (un &&
		    !strings(r, un, link_kinds[k], OE_CASE_LINK_BATCH, &del[k], &ndel[k], &rc))
			return rc;
	}
	oe_case_detail d;
	oe_case_err e;
	return answer(r, oe_svc_case_link(&r->ctx, id, add, nadd, del, ndel, &d, &e), &e, 200, &d);
}

static const char *const task_fields[] = {"title", "assignee", "due", "done", NULL};

static int task_write(oe_req *r, const char *id, const char *task_id, json_t *b)
{
	int rc = 0;
	oe_case_task_in in = {.done = -1};
	bool set;
	const char *due;
	if ((rc = unknown_field(r, b, task_fields)))
		return rc;
	json_t *t = json_object_get(b, "title"), *done = json_object_get(b, "done");
	if (t && !json_is_string(t))
		return oe_http_error(r, 400, "invalid_field", "title: a string");
	if (done && !json_is_boolean(done))
		return oe_http_error(r, 400, "invalid_field", "done: true or false");
	in.title = json_string_value(t);
	if (done)
		in.done = json_is_true(done);
	if (!opt_string(r, b, "assignee", &in.set_assignee, &in.assignee, &rc) ||
	    !opt_string(r, b, "due", &set, &due, &rc))
		return rc;
	in.set_due = set;
	if (due && oe_time_parse(due, &in.due))
		return oe_http_error(r, 400, "invalid_field", "due: an RFC 3339 timestamp");
	oe_case_task out;
	oe_case_err e;
	int ret = task_id ? oe_svc_case_task_patch(&r->ctx, id, task_id, &in, &out, &e)
			  : oe_svc_case_task_add(&r->ctx, id, &in, &out, &e);
	return ret ? fail(r, ret, &e)
		   : oe_http_json(r, task_id ? 200 : 201, oe_case_task_json(&out));
}

static const char *const note_fields[] = {"text", NULL};

static int note_add(oe_req *r, const char *id, json_t *b)
{
	int rc = unknown_field(r, b, note_fields);
	if (rc)
		return rc;
	const char *text = json_string_value(json_object_get(b, "text"));
	if (!text)
		return oe_http_error(r, 400, "invalid_field", "text: a string is required");
	oe_case_item n;
	oe_case_err e;
	int ret = oe_svc_case_note_add(&r->ctx, id, text, &n, &e);
	return ret ? fail(r, ret, &e) : oe_http_json(r, 201, oe_case_note_json(&n));
}

#define PREFIX "/api/v1/cases/"

int oe_h_cases_sub(oe_req *r)
{
	/* <id>[/links|/tasks[/<task_id>]|/notes], each segment non-empty. */
	const char *rest = r->url + strlen(PREFIX);
	char id[OE_PATH_ID_MAX + 1], sub[16] = "", tid[OE_PATH_ID_MAX + 1] = "";
	const char *s1 = strchr(rest, '/');
	size_t il = s1 ? (size_t)(s1 - rest) : strlen(rest);
	if (!il || il > OE_PATH_ID_MAX)
		return oe_http_fail(r, OE_ENOTFOUND);
	memcpy(id, rest, il);
	id[il] = '\0';
	if (s1) {
		const char *s2 = strchr(s1 + 1, '/');
		size_t sl = s2 ? (size_t)(s2 - s1 - 1) : strlen(s1 + 1);
		size_t tl = s2 ? strlen(s2 + 1) : 0;
		if (!sl || sl >= sizeof(sub) || (s2 && (!tl || tl > OE_PATH_ID_MAX)) ||
		    (s2 && strchr(s2 + 1, '/')))
			return oe_http_fail(r, OE_ENOTFOUND);
		memcpy(sub, s1 + 1, sl);
		sub[sl] = '\0';
		if (s2)
			memcpy(tid, s2 + 1, tl + 1);
	}
	const char *m = r->method;
	bool get = !strcmp(m, "GET"), post = !strcmp(m, "POST"), patch = !strcmp(m, "PATCH");
	int kind = !sub[0]			      ? 0
		   : !strcmp(sub, "links")	      ? 1
		   : !strcmp(sub, "tasks") && !tid[0] ? 2
		   : !strcmp(sub, "tasks")	      ? 3
		   : !strcmp(sub, "notes") && !tid[0] ? 4
						      : -1;
	static const char *const allow[] = {"GET, PATCH", "POST", "POST", "PATCH", "POST"};
	if (kind < 0)
		return oe_http_fail(r, OE_ENOTFOUND);
	bool ok = kind == 0 ? get || patch : kind == 3 ? patch : post;
	if (!ok) {
		snprintf(r->allow, sizeof(r->allow), "%s", allow[kind]);
		return oe_http_error(r, 405, "method_not_allowed", "this path takes %s",
				     allow[kind]);
	}
	if (get)
		return case_get(r, id);
	json_t *b = oe_http_body_json(r);
	if (!b)
		return MHD_YES;
	int rc;
	if (!json_is_object(b))
		rc = oe_http_error(r, 400, "invalid_json", "expected a JSON object");
	else if (kind == 0)
		rc = case_patch(r, id, b);
	else if (kind == 1)
		rc = case_links(r, id, b);
	else if (kind == 4)
		rc = note_add(r, id, b);
	else
		rc = task_write(r, id, kind == 3 ? tid : NULL, b);
	json_decref(b);
	return rc;
}
