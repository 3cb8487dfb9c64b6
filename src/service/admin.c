/* admin.c - organisations, users and API keys: who may use the node.
 * Every change is one transaction with its audit entry (see service.h). */
#include <stdio.h>
#include <string.h>

#include "core/uuid.h"
#include "service.h"
#include "session.h"

/* The node's first organisation runs the node: its admins manage every
 * organisation; another organisation's admins manage their own. */

static int may_manage(const oe_ctx *c, int64_t org_id)
{
	if (c->viewer.role != OE_ROLE_ADMIN)
		return OE_EPERM;
	if (c->viewer.org_id != OE_NODE_OPERATOR_ORG && c->viewer.org_id != org_id)
		return OE_EPERM;
	return 0;
}

/* Ends the transaction a change ran in: committed when it succeeded. */
static int tx_end(oe_store *s, int ret)
{
	if (ret) {
		s->ops->rollback(s);
		return ret;
	}
	return s->ops->commit(s);
}

static int org_add(oe_ctx *c, const char *name, const char *country, char org_id[64])
{
	oe_store *s = c->store;
	oe_uuid u;
	char us[OE_UUID_STR];
	oe_uuid_v4(&u);
	oe_uuid_format(&u, us);
	snprintf(org_id, 64, "identity--%s", us);
	int64_t oid;
	int ret = s->ops->org_create(s, name, country, org_id, &oid);
	if (!ret)
		ret = s->ops->audit(s, oe_now(), c->actor, "org.create", org_id, name);
	return ret;
}

int oe_svc_org_add(oe_ctx *c, const char *name, const char *country, char org_id[64])
{
	int ret = may_manage(c, -1);
	if (ret)
		return ret;
	if ((ret = c->store->ops->begin(c->store)))
		return ret;
	return tx_end(c->store, org_add(c, name, country, org_id));
}

int oe_svc_org_list(oe_ctx *c, oe_org **out, size_t *n)
{
	if (c->viewer.role == OE_ROLE_PUBLIC)
		return OE_EPERM;
	return c->store->ops->org_list(c->store, c->arena, out, n);
}

static int find_org(oe_ctx *c, const char *name, oe_org *org)
{
	int ret = c->store->ops->org_get(c->store, 0, name, c->arena, org);
	if (ret)
		return ret;
	return may_manage(c, org->id);
}

static int user_add(oe_ctx *c, const oe_org *org, const char *name, int role, const char *pw_hash,
		    char key[OE_APIKEY_LEN + 1])
{
	oe_store *s = c->store;
	int64_t uid;
	int ret = s->ops->user_create(s, org->id, name, role, pw_hash, &uid);
	if (!ret)
		ret = oe_node_key_create(c->node, s, org->id, uid, role, name, key);
	if (!ret) {
		char detail[400];
		snprintf(detail, sizeof(detail), "org=%s role=%s key=%.16s", org->name,
			 oe_role_name((oe_role)role), key + 3);
		ret = s->ops->audit(s, oe_now(), c->actor, "user.create", name, detail);
	}
	return ret;
}

int oe_svc_user_add(oe_ctx *c, const char *org, const char *name, int role, const char *pw_hash,
		    char org_id[64], char key[OE_APIKEY_LEN + 1])
{
	oe_org o;
	int ret = find_org(c, org, &o);
	if (ret)
		return ret;
	snprintf(org_id, 64, "%s", o.stix_id);
	if ((ret = c->store->ops->begin(c->store)))
		return ret;
	return tx_end(c->store, user_add(c, &o, name, role, pw_hash, key));
}

static int key_create(oe_ctx *c, const oe_org *org, int role, const char *label,
		      char key[OE_APIKEY_LEN + 1])
{
	int ret = oe_node_key_create(c->node, c->store, org->id, 0, role, label, key);
	if (!ret) {
		char detail[300], id[17];
		snprintf(detail, sizeof(detail), "org=%s role=%s", org->name,
			 oe_role_name((oe_role)role));
		snprintf(id, sizeof(id), "%.16s", key + 3);
		ret = c->store->ops->audit(c->store, oe_now(), c->actor, "key.create", id, detail);
	}
	return ret;
}

int oe_svc_key_create(oe_ctx *c, const char *org, int role, const char *label, char org_id[64],
		      char key[OE_APIKEY_LEN + 1])
{
	oe_org o;
	int ret = find_org(c, org, &o);
	if (ret)
		return ret;
	snprintf(org_id, 64, "%s", o.stix_id);
	if ((ret = c->store->ops->begin(c->store)))
		return ret;
	return tx_end(c->store, key_create(c, &o, role, label, key));
}

static int key_revoke(oe_ctx *c, const char *key_id)
{
	int ret = c->store->ops->key_revoke(c->store, key_id);
	if (!ret)
		ret =
		    c->store->ops->audit(c->store, oe_now(), c->actor, "key.revoke", key_id, NULL);
	return ret;
}

int oe_svc_key_revoke(oe_ctx *c, const char *key_id)
{
	int ret = may_manage(c, -1);
	if (ret)
		return ret;
	if ((ret = c->store->ops->begin(c->store)))
		return ret;
	ret = tx_end(c->store, key_revoke(c, key_id));
	if (!ret)
		oe_node_auth_changed(c->node);
	return ret;
}

int oe_svc_key_list(oe_ctx *c, oe_keyinfo **out, size_t *n)
{
	int ret = may_manage(c, -1);
	if (ret)
		return ret;
	return c->store->ops->key_list(c->store, c->arena, out, n);
}

/* ---- credentials of people (session.h) -------------------------------- */

typedef enum { CRED_PASSWD, CRED_DISABLE, CRED_ENABLE, CRED_TOTP_RESET } cred_change;

/* Every change of a person's credentials ends all of their sessions in the
 * same transaction, and their keys' cached checks (a disabled user's keys
 * stop working). */
static int cred_change_apply(oe_ctx *c, const char *name, cred_change what, const char *pw_hash)
{
	static const char *const actions[] = {"user.passwd", "user.disable", "user.enable",
					      "user.totp.reset"};
	oe_store *s = c->store;
	oe_user_row u;
	int ret = s->ops->auth->user_get(s, 0, name, c->arena, &u);
	if (ret)
		return ret;
	if ((ret = may_manage(c, u.org_id)))
		return ret;
	if ((ret = s->ops->begin(s)))
		return ret;
	switch (what) {
	case CRED_PASSWD: ret = s->ops->auth->user_set_password(s, u.id, pw_hash); break;
	case CRED_DISABLE: ret = s->ops->auth->user_set_disabled(s, u.id, true); break;
	case CRED_ENABLE: ret = s->ops->auth->user_set_disabled(s, u.id, false); break;
	case CRED_TOTP_RESET: ret = s->ops->auth->user_set_totp(s, u.id, NULL, 0, false); break;
	}
	char object[OE_USER_NAME_MAX + 8];
	snprintf(object, sizeof(object), "user:%s", u.name);
	if (!ret)
		ret = s->ops->auth->session_delete_user(s, u.id);
	if (!ret)
		ret = s->ops->audit(s, oe_now(), c->actor, actions[what], object, NULL);
	ret = tx_end(s, ret);
	if (!ret)
		oe_node_auth_changed(c->node);
	return ret;
}

int oe_svc_user_passwd(oe_ctx *c, const char *name, const char *pw_hash)
{
	return cred_change_apply(c, name, CRED_PASSWD, pw_hash);
}

int oe_svc_user_disable(oe_ctx *c, const char *name, bool disabled)
{
	return cred_change_apply(c, name, disabled ? CRED_DISABLE : CRED_ENABLE, NULL);
}

int oe_svc_user_totp_reset(oe_ctx *c, const char *name)
{
	return cred_change_apply(c, name, CRED_TOTP_RESET, NULL);
}
