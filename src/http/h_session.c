/* h_session.c - /api/v1/session (console sign-in, sign-out, second
 * factor) and /api/v1/audit. The cookie itself is checked by the server's
 * authenticate() with the CSRF and Origin rules (docs/console-auth.md). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/json.h"
#include "http.h"

#define HOUR 3600

/* Secure with our own TLS, and behind a TLS-terminating proxy
 * (server.insecure_http), where the browser speaks https. */
static const char *cookie_attrs(oe_req *r)
{
	return strncmp(r->srv->url, "https:", 6) == 0 || r->srv->node->cfg.insecure_http
		   ? "; Path=/; HttpOnly; SameSite=Strict; Secure"
		   : "; Path=/; HttpOnly; SameSite=Strict";
}

/* {"user":{"name","org","role","totp"},"csrf","idle_timeout"} */
static json_t *session_json(oe_req *r, const oe_session *s)
{
	return json_pack("{s:{s:o,s:o,s:s,s:b},s:s,s:I}", "user", "name",
			 oe_json_string_lossy(s->user.name), "org",
			 oe_json_string_lossy(s->user.org_name), "role",
			 oe_role_name((oe_role)s->user.role), "totp", s->user.totp_enabled, "csrf",
			 s->csrf, "idle_timeout", (json_int_t)r->srv->node->cfg.idle_timeout);
}

/* Failed sign-ins are counted per user name and per client address; only
 * a wrong password or code counts, and either bucket empty refuses the
 * next attempt before any password is checked. */
static int signin_limited(oe_req *r, const char *name, bool take)
{
	const oe_config *cfg = &r->srv->node->cfg;
	uint8_t key[16];
	size_t kl = oe_http_client_key(r, key);
	int w1 = oe_http_limit(r, OE_RL_SIGNIN_USER, name, strlen(name), cfg->signin_user_failures,
			       HOUR, take);
	int w2 =
	    kl ? oe_http_limit(r, OE_RL_SIGNIN_ADDR, key, kl, cfg->signin_addr_failures, HOUR, take)
	       : 0;
	return w1 > w2 ? w1 : w2;
}

int oe_h_session_post(oe_req *r)
{
	if (!oe_http_same_origin(r))
		return oe_http_error(r, 403, "csrf", "a sign-in from another origin is refused");
	json_t *b = oe_http_body_json(r);
	if (!b)
		return MHD_YES;
	int rc;
	json_t *u = json_object_get(b, "username"), *p = json_object_get(b, "password"),
	       *t = json_object_get(b, "totp");
	if (!json_is_string(u) || !json_is_string(p) ||
	    (t && !json_is_string(t) && !json_is_null(t))) {
		rc = oe_http_error(r, 400, "invalid_field",
				   "send {\"username\",\"password\"} and \"totp\" (6 digits) when "
				   "the user has a second factor");
		goto out;
	}
	const char *name = json_string_value(u);
	if (signin_limited(r, name, false)) {
		rc = oe_http_error(r, 429, "rate_limited",
				   "too many failed sign-ins; try again in %d seconds",
				   r->retry_after);
		goto out;
	}
	oe_signin_outcome oc;
	oe_session s;
	int ret =
	    oe_svc_signin(&r->ctx, name, json_string_value(p), t ? json_string_value(t) : NULL,
			  oe_http_header(r, "User-Agent"), &oc, &s);
	if (ret) {
		rc = oe_http_fail(r, ret);
		goto out;
	}
	switch (oc) {
	case OE_SIGNIN_OK: break;
	case OE_SIGNIN_TOTP_REQUIRED:
		rc = oe_http_error(r, 401, "totp_required",
				   "this user signs in with a code from an authenticator app");
		goto out;
	case OE_SIGNIN_BAD_TOTP:
		signin_limited(r, name, true);
		rc = oe_http_error(r, 401, "bad_totp", "the code is wrong or was used already");
		goto out;
	default:
		signin_limited(r, name, true);
		rc = oe_http_error(r, 401, "bad_credentials", "wrong user name or password");
		goto out;
	}
	/* A cookie that came with the sign-in is never promoted (session
	 * fixation): the new session has a new token, and the old one, if it
	 * was a live session, ends. */
	const char *old = MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, OE_SESSION_COOKIE);
	oe_session prev;
	if (old && oe_svc_session_check(r->srv->node, r->ctx.store, old, &r->arena, &prev) == 0)
		oe_svc_signout(&r->ctx, &prev);
	r->set_cookie =
	    oe_arena_printf(&r->arena, OE_SESSION_COOKIE "=%s%s", s.token, cookie_attrs(r));
	sodium_memzero(s.token, sizeof(s.token));
	rc = r->set_cookie ? oe_http_json(r, 200, session_json(r, &s)) : oe_http_fail(r, OE_ENOMEM);
out:
	json_decref(b);
	return rc;
}

static int no_session(oe_req *r)
{
	return oe_http_error(r, 401, "unauthorized",
			     "no console session: sign in with POST /api/v1/session");
}

int oe_h_session_get(oe_req *r)
{
	if (!r->session)
		return no_session(r);
	return oe_http_json(r, 200, session_json(r, r->session));
}

int oe_h_session_delete(oe_req *r)
{
	if (!r->session)
		return no_session(r);
	int ret = oe_svc_signout(&r->ctx, r->session);
	if (ret)
		return oe_http_fail(r, ret);
	r->set_cookie =
	    oe_arena_printf(&r->arena, OE_SESSION_COOKIE "=; Max-Age=0%s", cookie_attrs(r));
	return oe_http_bytes(r, 204, "application/json", NULL, 0);
}

int oe_h_totp_post(oe_req *r)
{
	if (!r->session)
		return no_session(r);
	char secret[64], uri[OE_TOTP_URI_MAX];
	int ret = oe_svc_totp_enrol(&r->ctx, r->session, secret, uri);
	if (ret == OE_ECONFLICT)
		return oe_http_error(r, 409, "totp_enabled",
				     "a second factor is enabled already; an admin resets it with "
				     "'oureyes user totp-reset'");
	if (ret)
		return oe_http_fail(r, ret);
	json_t *j = json_pack("{s:s,s:s}", "secret", secret, "uri", uri);
	sodium_memzero(secret, sizeof(secret));
	sodium_memzero(uri, sizeof(uri));
	return oe_http_json(r, 200, j);
}

int oe_h_totp_confirm(oe_req *r)
{
	if (!r->session)
		return no_session(r);
	json_t *b = oe_http_body_json(r);
	if (!b)
		return MHD_YES;
	json_t *code = json_object_get(b, "code");
	int rc;
	if (!json_is_string(code)) {
		rc = oe_http_error(r, 400, "invalid_field", "send {\"code\":\"123456\"}");
		goto out;
	}
	int ret = oe_svc_totp_confirm(&r->ctx, r->session, json_string_value(code));
	if (ret == OE_EINVAL)
		rc = oe_http_error(r, 400, "bad_totp", "the code is wrong or was used already");
	else if (ret == OE_ENOTFOUND)
		rc = oe_http_error(r, 409, "totp_not_enrolled",
				   "enrol first with POST /api/v1/session/totp");
	else if (ret == OE_ECONFLICT)
		rc = oe_http_error(r, 409, "totp_enabled", "the second factor is enabled already");
	else if (ret)
		rc = oe_http_fail(r, ret);
	else
		rc = oe_http_bytes(r, 204, "application/json", NULL, 0);
out:
	json_decref(b);
	return rc;
}

/* A query argument that must be a whole number from 1 to max, or absent. */
static int arg_int(oe_req *r, const char *name, int64_t max, int64_t *out)
{
	const char *v = oe_http_arg(r, name);
	*out = 0;
	if (!v)
		return 0;
	char *end;
	errno = 0;
	long long n = strtoll(v, &end, 10);
	if (errno || end == v || *end || n < 1 || n > max)
		return OE_EINVAL;
	*out = n;
	return 0;
}

int oe_h_audit_list(oe_req *r)
{
	oe_audit_filter f = {.object = oe_http_arg(r, "object"),
			     .actor = oe_http_arg(r, "actor"),
			     .action = oe_http_arg(r, "action")};
	int64_t limit, before;
	if (arg_int(r, "limit", OE_AUDIT_LIMIT_MAX, &limit))
		return oe_http_error(r, 400, "invalid_field", "limit: a number from 1 to %d",
				     OE_AUDIT_LIMIT_MAX);
	if (arg_int(r, "cursor", INT64_MAX, &before))
		return oe_http_error(r, 400, "invalid_field",
				     "cursor: the \"next\" of the previous page");
	f.limit = (size_t)limit;
	f.before = before;
	oe_audit_row *rows;
	size_t n;
	bool more;
	int ret = oe_svc_audit_list(&r->ctx, &f, &rows, &n, &more);
	if (ret)
		return oe_http_fail(r, ret);
	json_t *arr = json_array();
	for (size_t i = 0; i < n; i++) {
		char ts[OE_TIME_BUF];
		oe_time_format(rows[i].ts, ts);
		json_array_append_new(
		    arr,
		    json_pack("{s:I,s:s,s:o,s:o,s:o,s:o}", "id", (json_int_t)rows[i].id, "ts", ts,
			      "actor", oe_json_string_lossy(rows[i].actor), "action",
			      oe_json_string_lossy(rows[i].action), "object",
			      rows[i].object ? oe_json_string_lossy(rows[i].object) : json_null(),
			      "detail",
			      rows[i].detail ? oe_json_string_lossy(rows[i].detail) : json_null()));
	}
	char next[24];
	if (more)
		snprintf(next, sizeof(next), "%lld", (long long)rows[n - 1].id);
	return oe_http_json(r, 200,
			    json_pack("{s:o,s:s?}", "entries", arr, "next", more ? next : NULL));
}
