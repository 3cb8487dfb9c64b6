/* session.h - people signing in to the console, their sessions and second
 * factors, and the audit log read back (docs/console-auth.md).
 *
 * A session is a random 32-byte token in a cookie; the database keeps
 * only its keyed hash, so a copy of the database holds no usable cookie.
 * The CSRF token is derived from the session token with a key derived
 * from secret.key: it changes with every session and is never stored.
 * A session authenticates exactly like an API key of its user's role and
 * organisation (the same oe_viewer). */
#ifndef OE_SESSION_H
#define OE_SESSION_H

#include <sodium.h>

#include "service.h"

#define OE_SESSION_TOKEN_LEN 43 /* base64url (no padding) of 32 random bytes */
#define OE_CSRF_LEN	     43
#define OE_PASSWORD_MIN	     12 /* characters */
#define OE_PASSWORD_MAX	     1024
#define OE_USER_NAME_MAX     128

/* Hash a password for users.pw_hash: Argon2id (crypto_pwhash_str) with
 * libsodium's interactive limits, 2 passes over 64 MiB. 0, OE_EINVAL for
 * a password outside OE_PASSWORD_MIN..MAX, OE_ENOMEM. */
int oe_password_hash(const char *pw, char out[crypto_pwhash_STRBYTES]);

typedef enum {
	OE_SIGNIN_OK,
	OE_SIGNIN_BAD_CREDENTIALS, /* no such user, wrong password, disabled, no password */
	OE_SIGNIN_TOTP_REQUIRED,   /* right password; a code is needed */
	OE_SIGNIN_BAD_TOTP,	   /* right password; wrong or reused code */
} oe_signin_outcome;

typedef struct {
	int64_t id;
	oe_user_row user; /* strings in the caller's arena */
	oe_viewer viewer;
	char token[OE_SESSION_TOKEN_LEN + 1]; /* only from oe_svc_signin */
	char csrf[OE_CSRF_LEN + 1];
} oe_session;

/* Check name and password (and totp, a 6-digit code, when the user has a
 * second factor) and open a new session. The answer costs one Argon2id
 * verification whether the user exists or not. Every outcome is audited
 * ("session.signin" / "session.signin.fail", actor "user:<name>"), never
 * the password. Returns 0 with *outcome; out is filled when OK. */
int oe_svc_signin(oe_ctx *c, const char *name, const char *password, const char *totp,
		  const char *user_agent, oe_signin_outcome *outcome, oe_session *out);
/* The session of a cookie's token: OE_EAUTH when unknown, idle past
 * console.idle_timeout, older than console.max_lifetime or its user is
 * disabled (the session is then deleted). Marks it used (not on every
 * call: at most every tenth of the idle timeout). Strings in a. */
int oe_svc_session_check(oe_node *n, oe_store *s, const char *token, oe_arena *a, oe_session *out);
/* The CSRF token of a session token. */
void oe_session_csrf(const oe_node *n, const char *token, char out[OE_CSRF_LEN + 1]);
/* End a session (audited "session.signout"). */
int oe_svc_signout(oe_ctx *c, const oe_session *sess);

/* Second factor of the signed-in user: a new secret (not yet needed at
 * sign-in) in base32 and its otpauth:// URI. OE_ECONFLICT when one is
 * enabled already (reset it with oe_svc_user_totp_reset). */
#define OE_TOTP_URI_MAX 512
int oe_svc_totp_enrol(oe_ctx *c, const oe_session *sess, char secret[64],
		      char uri[OE_TOTP_URI_MAX]);
/* Confirm the enrolled secret with a code from it: from then on sign-in
 * needs a code. OE_EINVAL for a wrong code, OE_ENOTFOUND when nothing is
 * enrolled, OE_ECONFLICT when it is enabled already. */
int oe_svc_totp_confirm(oe_ctx *c, const oe_session *sess, const char *code);

/* Administration (admin.c; audited, admins only as for user add). Each
 * ends every session of the user at once. pw_hash from oe_password_hash. */
int oe_svc_user_passwd(oe_ctx *c, const char *name, const char *pw_hash);
int oe_svc_user_disable(oe_ctx *c, const char *name, bool disabled);
int oe_svc_user_totp_reset(oe_ctx *c, const char *name);

/* --- the audit log (audit.c) -------------------------------------------- */

#define OE_AUDIT_LIMIT_DEFAULT 100
#define OE_AUDIT_LIMIT_MAX     1000

/* Entries the caller may see, newest first: admins of the node's operator
 * organisation see every entry; every other member (reader, analyst,
 * admin) sees the entries whose actor is one of its own organisation's API
 * keys or users. Peers and the public see none (OE_EPERM). f->org_id is
 * set here; f->limit is capped at OE_AUDIT_LIMIT_MAX. *more says whether
 * older entries follow the last one returned. */
int oe_svc_audit_list(oe_ctx *c, oe_audit_filter *f, oe_audit_row **rows, size_t *n, bool *more);

typedef struct {
	int64_t entries;     /* entries read */
	int64_t bad_id;	     /* 0 when the chain is intact */
	char why[256];	     /* what is wrong with bad_id */
	int64_t checkpoint;  /* the entry audit.head named (0: none) */
	bool checkpoint_set; /* audit.head now names the newest entry */
} oe_audit_verdict;

/* Recompute the chain of the whole log. An edited entry, or one after a
 * removed or moved one, no longer matches its hash; a missing id is
 * named as missing. The newest verified entry is kept in the data
 * directory's audit.head (outside the database): a later verify also
 * finds entries removed from the end or a chain rewritten up to it. When
 * the chain is intact and update_checkpoint is set, audit.head is moved
 * to the newest entry. 0 (see out->bad_id), or an error reading. */
int oe_svc_audit_verify(oe_node *n, oe_store *s, bool update_checkpoint, oe_audit_verdict *out);

#endif
