/* session.c - console sign-in, sessions and second factors (session.h). */
#include "session.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "core/json.h"
#include "core/totp.h"

/* Keys derived from secret.key, one per use (crypto_kdf contexts are 8
 * bytes). */
enum { KDF_SESSION = 1, KDF_CSRF = 2, KDF_TOTP = 3 };

static void derive(const oe_node *n, int id, const char ctx[8], uint8_t *k, size_t len)
{
	crypto_kdf_derive_from_key(k, len, (uint64_t)id, ctx, n->hash_key);
}

int oe_password_hash(const char *pw, char out[crypto_pwhash_STRBYTES])
{
	size_t l = strlen(pw);
	if (l < OE_PASSWORD_MIN || l > OE_PASSWORD_MAX)
		return OE_EINVAL;
	return crypto_pwhash_str(out, pw, l, crypto_pwhash_OPSLIMIT_INTERACTIVE,
				 crypto_pwhash_MEMLIMIT_INTERACTIVE) == 0
		   ? 0
		   : OE_ENOMEM;
}

/* A hash to verify against when the user does not exist, so that the
 * answer takes as long as for a real user. */
static char dummy_hash[crypto_pwhash_STRBYTES];
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;

static void dummy_init(void)
{
	uint8_t r[16];
	char pw[33];
	randombytes_buf(r, sizeof(r));
	sodium_bin2hex(pw, sizeof(pw), r, sizeof(r));
	if (oe_password_hash(pw, dummy_hash) != 0)
		dummy_hash[0] = '\0';
}

static void token_hash(const oe_node *n, const char *token, uint8_t h[32])
{
	uint8_t k[crypto_generichash_KEYBYTES];
	derive(n, KDF_SESSION, "oesessn1", k, sizeof(k));
	crypto_generichash(h, 32, (const uint8_t *)token, strlen(token), k, sizeof(k));
	sodium_memzero(k, sizeof(k));
}

void oe_session_csrf(const oe_node *n, const char *token, char out[OE_CSRF_LEN + 1])
{
	uint8_t k[crypto_generichash_KEYBYTES], h[32];
	derive(n, KDF_CSRF, "oecsrf01", k, sizeof(k));
	crypto_generichash(h, 32, (const uint8_t *)token, strlen(token), k, sizeof(k));
	sodium_bin2base64(out, OE_CSRF_LEN + 1, h, sizeof(h),
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(k, sizeof(k));
}

/* "user:<name>" for the audit log; a name that is not printable text or
 * too long (only ever typed at a failed sign-in) is not written. */
static void user_actor(const char *name, char out[OE_USER_NAME_MAX + 8])
{
	size_t l = name ? strlen(name) : 0;
	if (l && l <= OE_USER_NAME_MAX && oe_utf8_printable(name, l))
		snprintf(out, OE_USER_NAME_MAX + 8, "user:%s", name);
	else
		snprintf(out, OE_USER_NAME_MAX + 8, "user:?");
}

/* The TOTP secret sealed under a key derived from secret.key: nonce, then
 * the secret and its MAC. */
#define TOTP_SEALED_LEN                                                                            \
	(crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + OE_TOTP_SECRET_LEN)

static void totp_seal(const oe_node *n, const uint8_t secret[OE_TOTP_SECRET_LEN],
		      uint8_t out[TOTP_SEALED_LEN])
{
	uint8_t k[crypto_secretbox_KEYBYTES];
	derive(n, KDF_TOTP, "oetotp01", k, sizeof(k));
	randombytes_buf(out, crypto_secretbox_NONCEBYTES);
	crypto_secretbox_easy(out + crypto_secretbox_NONCEBYTES, secret, OE_TOTP_SECRET_LEN, out,
			      k);
	sodium_memzero(k, sizeof(k));
}

static int totp_open(const oe_node *n, const uint8_t *sealed, size_t len,
		     uint8_t secret[OE_TOTP_SECRET_LEN])
{
	if (!sealed || len != TOTP_SEALED_LEN)
		return OE_EINVAL;
	uint8_t k[crypto_secretbox_KEYBYTES];
	derive(n, KDF_TOTP, "oetotp01", k, sizeof(k));
	int rc = crypto_secretbox_open_easy(secret, sealed + crypto_secretbox_NONCEBYTES,
					    len - crypto_secretbox_NONCEBYTES, sealed, k);
	sodium_memzero(k, sizeof(k));
	return rc ? OE_EIO : 0;
}

/* Check code against the user's sealed secret and use up its step. */
static int totp_verify(oe_ctx *c, const oe_user_row *u, const char *code)
{
	uint8_t secret[OE_TOTP_SECRET_LEN];
	int64_t step;
	int ret = totp_open(c->node, u->totp_sealed, u->totp_len, secret);
	if (ret)
		return ret;
	ret = oe_totp_check(secret, sizeof(secret), oe_now() / 1000000, code, &step);
	sodium_memzero(secret, sizeof(secret));
	if (ret)
		return OE_EINVAL;
	ret = c->store->ops->auth->totp_use(c->store, u->id, step);
	return ret == OE_ECONFLICT ? OE_EINVAL : ret;
}

static int signin_fail(oe_ctx *c, const char *actor, const char *why)
{
	return c->store->ops->audit(c->store, oe_now(), actor, "session.signin.fail", NULL, why);
}

int oe_svc_signin(oe_ctx *c, const char *name, const char *password, const char *totp,
		  const char *user_agent, oe_signin_outcome *outcome, oe_session *out)
{
	oe_store *s = c->store;
	const oe_config *cfg = &c->node->cfg;
	char actor[OE_USER_NAME_MAX + 8];
	user_actor(name, actor);
	*outcome = OE_SIGNIN_BAD_CREDENTIALS;
	pthread_once(&dummy_once, dummy_init);

	oe_user_row u;
	bool found = false;
	size_t nl = name ? strlen(name) : 0;
	if (nl && nl <= OE_USER_NAME_MAX) {
		int ret = s->ops->auth->user_get(s, 0, name, c->arena, &u);
		if (ret && ret != OE_ENOTFOUND)
			return ret;
		found = ret == 0;
	}
	size_t pl = password ? strlen(password) : 0;
	/* One Argon2id verification on every path, against the dummy hash
	 * when there is no usable one. */
	const char *hash = found && u.pw_hash ? u.pw_hash : dummy_hash;
	bool pw_ok = pl <= OE_PASSWORD_MAX && hash[0] &&
		     crypto_pwhash_str_verify(hash, password ? password : "", pl) == 0;
	bool ok = found && u.pw_hash && !u.disabled && pw_ok;
	if (!ok)
		return signin_fail(c, actor, "bad_credentials");

	int ret = s->ops->begin(s);
	if (ret)
		return ret;
	if (u.totp_enabled) {
		if (!totp || !*totp) {
			*outcome = OE_SIGNIN_TOTP_REQUIRED;
			return oe_store_end(s, signin_fail(c, actor, "totp_required"));
		}
		ret = totp_verify(c, &u, totp);
		if (ret == OE_EINVAL) {
			*outcome = OE_SIGNIN_BAD_TOTP;
			return oe_store_end(s, signin_fail(c, actor, "bad_totp"));
		}
		if (ret)
			return oe_store_end(s, ret);
	}
	uint8_t raw[32], h[32];
	randombytes_buf(raw, sizeof(raw));
	sodium_bin2base64(out->token, sizeof(out->token), raw, sizeof(raw),
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(raw, sizeof(raw));
	token_hash(c->node, out->token, h);
	oe_session_csrf(c->node, out->token, out->csrf);
	oe_time now = oe_now();
	char ua[256] = "";
	if (user_agent && oe_utf8_printable(user_agent, strlen(user_agent)))
		snprintf(ua, sizeof(ua), "%s", user_agent);
	if ((ret = s->ops->auth->session_prune(s, now - cfg->idle_timeout * 1000000,
					       now - cfg->max_lifetime * 1000000)) ||
	    (ret = s->ops->auth->session_create(s, h, u.id, now, ua[0] ? ua : NULL)) ||
	    (ret = s->ops->audit(s, now, actor, "session.signin", actor,
				 u.totp_enabled ? "totp" : NULL)))
		return oe_store_end(s, ret);
	if ((ret = oe_store_end(s, 0)))
		return ret;
	out->id = 0;
	out->user = u;
	*outcome = OE_SIGNIN_OK;
	return 0;
}

int oe_svc_session_check(oe_node *n, oe_store *s, const char *token, oe_arena *a, oe_session *out)
{
	uint8_t raw[40], h[32];
	size_t len;
	if (!token || strlen(token) != OE_SESSION_TOKEN_LEN ||
	    sodium_base642bin(raw, sizeof(raw), token, OE_SESSION_TOKEN_LEN, NULL, &len, NULL,
			      sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
	    len != 32)
		return OE_EAUTH;
	token_hash(n, token, h);
	oe_session_row row;
	int ret = s->ops->auth->session_get(s, h, a, &row);
	if (ret == OE_ENOTFOUND)
		return OE_EAUTH;
	if (ret)
		return ret;
	oe_time now = oe_now(), idle = n->cfg.idle_timeout * 1000000;
	if (now - row.last_seen > idle || now - row.created > n->cfg.max_lifetime * 1000000 ||
	    row.user.disabled) {
		if (s->ops->begin(s) == 0)
			oe_store_end(s, s->ops->auth->session_delete(s, row.id));
		return OE_EAUTH;
	}
	/* Mark it used, not on every request: the idle timeout is then
	 * between 0.9 and 1 times the configured one. */
	oe_time every = idle / 10 < 60000000 ? idle / 10 : 60000000;
	if (now - row.last_seen >= every && s->ops->begin(s) == 0)
		oe_store_end(s, s->ops->auth->session_touch(s, row.id, now));
	memset(out, 0, sizeof(*out));
	out->id = row.id;
	out->user = row.user;
	oe_session_csrf(n, token, out->csrf);
	out->viewer.org_id = row.user.org_id;
	out->viewer.role = (oe_role)row.user.role;
	size_t ng = 0, np = 0;
	ret = s->ops->share->viewer_groups(s, out->viewer.org_id, out->viewer.role == OE_ROLE_PEER,
					   out->viewer.groups, OE_VIEWER_GROUPS_MAX, &ng,
					   out->viewer.peer_groups, OE_VIEWER_GROUPS_MAX, &np);
	out->viewer.ngroups = (uint8_t)ng;
	out->viewer.npeer_groups = (uint8_t)np;
	return ret;
}

int oe_svc_signout(oe_ctx *c, const oe_session *sess)
{
	oe_store *s = c->store;
	char actor[OE_USER_NAME_MAX + 8];
	user_actor(sess->user.name, actor);
	int ret = s->ops->begin(s);
	if (ret)
		return ret;
	if (!(ret = s->ops->auth->session_delete(s, sess->id)))
		ret = s->ops->audit(s, oe_now(), actor, "session.signout", actor, NULL);
	return oe_store_end(s, ret);
}

/* Begin a transaction and read the signed-in user, whose second factor
 * must not be on yet (OE_ECONFLICT). On failure the transaction is over. */
static int begin_totp(oe_ctx *c, const oe_session *sess, oe_user_row *u)
{
	oe_store *s = c->store;
	int ret = s->ops->begin(s);
	if (ret)
		return ret;
	if (!(ret = s->ops->auth->user_get(s, sess->user.id, NULL, c->arena, u)) && u->totp_enabled)
		ret = OE_ECONFLICT;
	return ret ? oe_store_end(s, ret) : 0;
}

int oe_svc_totp_enrol(oe_ctx *c, const oe_session *sess, char secret[64], char uri[OE_TOTP_URI_MAX])
{
	oe_store *s = c->store;
	oe_user_row u;
	int ret = begin_totp(c, sess, &u);
	if (ret)
		return ret;
	uint8_t sec[OE_TOTP_SECRET_LEN], sealed[TOTP_SEALED_LEN];
	randombytes_buf(sec, sizeof(sec));
	totp_seal(c->node, sec, sealed);
	ret = oe_totp_base32(sec, sizeof(sec), secret, 64);
	sodium_memzero(sec, sizeof(sec));
	if (ret)
		return oe_store_end(s, ret);
	/* The account name is the user's, escaped for a URI (names are
	 * printable UTF-8 but may hold spaces or '?'). */
	char name[OE_USER_NAME_MAX * 3 + 1];
	size_t k = 0;
	for (const unsigned char *p = (const unsigned char *)u.name; *p; p++) {
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9') || strchr("-._~", *p))
			name[k++] = (char)*p;
		else
			k += (size_t)snprintf(name + k, 4, "%%%02X", *p);
	}
	name[k] = '\0';
	snprintf(uri, OE_TOTP_URI_MAX,
		 "otpauth://totp/oureyes:%s?secret=%s&issuer=oureyes&algorithm=SHA1&digits=6&"
		 "period=30",
		 name, secret);
	char actor[OE_USER_NAME_MAX + 8];
	user_actor(u.name, actor);
	if (!(ret = s->ops->auth->user_set_totp(s, u.id, sealed, sizeof(sealed), false)))
		ret = s->ops->audit(s, oe_now(), c->actor, "user.totp.enrol", actor, NULL);
	return oe_store_end(s, ret);
}

int oe_svc_totp_confirm(oe_ctx *c, const oe_session *sess, const char *code)
{
	oe_store *s = c->store;
	oe_user_row u;
	int ret = begin_totp(c, sess, &u);
	if (ret)
		return ret;
	if (!u.totp_sealed)
		return oe_store_end(s, OE_ENOTFOUND);
	char actor[OE_USER_NAME_MAX + 8];
	user_actor(u.name, actor);
	ret = totp_verify(c, &u, code);
	if (ret == OE_EINVAL) {
		/* The failed attempt stays in the log: no rollback of it. */
		ret = s->ops->audit(s, oe_now(), c->actor, "user.totp.confirm.fail", actor, NULL);
		return oe_store_end(s, ret) ? OE_EIO : OE_EINVAL;
	}
	if (!ret && !(ret = s->ops->auth->user_set_totp(s, u.id, u.totp_sealed, u.totp_len, true)))
		ret = s->ops->audit(s, oe_now(), c->actor, "user.totp.enable", actor, NULL);
	return oe_store_end(s, ret);
}
