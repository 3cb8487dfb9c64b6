/* share.c - partner nodes and sharing groups (docs/sharing.md): pairing,
 * the sealed keys we pull with, and the groups that scope AMBER. Every
 * change is one transaction with its audit entry. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/json.h"
#include "core/uuid.h"
#include "share.h"

#define NAME_MAX_BYTES 200

/* Pairing and groups are the node operator's business. */
static int may_admin(const oe_ctx *c)
{
	return c->viewer.org_id == OE_NODE_OPERATOR_ORG && c->viewer.role == OE_ROLE_ADMIN
		   ? 0
		   : OE_EPERM;
}

static int tx_end(oe_store *s, int ret)
{
	if (ret) {
		s->ops->rollback(s);
		return ret;
	}
	return s->ops->commit(s);
}

static bool name_ok(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	return n > 0 && n <= NAME_MAX_BYTES && oe_utf8_printable(s, n) && !strchr(s, ':');
}

static bool country_ok(const char *cc)
{
	return cc && strlen(cc) == 2 && cc[0] >= 'A' && cc[0] <= 'Z' && cc[1] >= 'A' &&
	       cc[1] <= 'Z';
}

/* The key that seals the keys partners gave us: derived from secret.key, so
 * a copy of the database alone holds no usable credential. */
static void seal_key(const oe_node *n, uint8_t k[crypto_secretbox_KEYBYTES])
{
	static const char label[] = "oureyes peer key v1";
	crypto_generichash(k, crypto_secretbox_KEYBYTES, (const uint8_t *)label, sizeof(label),
			   n->hash_key, sizeof(n->hash_key));
}

/* A peer and its operator organisation, made when absent. */
static int peer_make(oe_ctx *c, const char *name, const char *country, int64_t *peer_id,
		     int64_t *org_id, char org_stix[64])
{
	oe_store *s = c->store;
	oe_peer_row p;
	int ret = s->ops->share->peer_get(s, 0, name, c->arena, &p);
	if (!ret) {
		*peer_id = p.id;
		*org_id = p.org_id;
		snprintf(org_stix, 64, "%s", p.org_stix_id);
		return 0;
	}
	if (ret != OE_ENOTFOUND)
		return ret;
	oe_org o;
	ret = s->ops->org_get(s, 0, name, c->arena, &o);
	if (ret == OE_ENOTFOUND) {
		oe_uuid u;
		char us[OE_UUID_STR];
		oe_uuid_v4(&u);
		oe_uuid_format(&u, us);
		snprintf(org_stix, 64, "identity--%s", us);
		if ((ret = s->ops->org_create(s, name, country, org_stix, org_id)))
			return ret;
		ret = s->ops->audit(s, oe_now(), c->actor, "org.create", org_stix, name);
	} else if (!ret) {
		*org_id = o.id;
		snprintf(org_stix, 64, "%s", o.stix_id);
	}
	if (!ret && *org_id == OE_NODE_OPERATOR_ORG)
		ret = OE_ECONFLICT; /* a node does not pair with itself */
	if (!ret)
		ret = s->ops->share->peer_create(s, name, *org_id, oe_now(), peer_id);
	return ret;
}

int oe_svc_peer_invite(oe_ctx *c, const char *name, const char *country, char org_id[64],
		       char key[OE_APIKEY_LEN + 1], const char **why)
{
	oe_store *s = c->store;
	*why = NULL;
	int ret = may_admin(c);
	if (ret)
		return ret;
	if (!name_ok(name)) {
		*why = "--name: 1 to 200 bytes of printable UTF-8 without ':'";
		return OE_EINVAL;
	}
	if (!country_ok(country)) {
		*why = "--country: a two-letter ISO 3166 code in capitals (ID, CN, MY)";
		return OE_EINVAL;
	}
	if ((ret = s->ops->begin(s)))
		return ret;
	int64_t pid = 0, oid = 0;
	ret = peer_make(c, name, country, &pid, &oid, org_id);
	if (ret == OE_ECONFLICT)
		*why = "that is this node's own organisation";
	if (!ret)
		ret = oe_node_key_create(c->node, s, oid, 0, OE_ROLE_PEER, "peer", key);
	if (!ret)
		ret = s->ops->audit(s, oe_now(), c->actor, "peer.invite", name, org_id);
	return tx_end(s, ret);
}

int oe_svc_peer_add(oe_ctx *c, const char *name, const char *url, const char *key, const char **why)
{
	oe_store *s = c->store;
	*why = NULL;
	int ret = may_admin(c);
	if (ret)
		return ret;
	if (!name_ok(name)) {
		*why = "--name: 1 to 200 bytes of printable UTF-8 without ':'";
		return OE_EINVAL;
	}
	size_t ul = url ? strlen(url) : 0;
	if (ul < 8 || ul > 1024 || !oe_utf8_printable(url, ul) ||
	    (strncasecmp(url, "https://", 8) != 0 && strncasecmp(url, "http://", 7) != 0)) {
		*why = "--url: the partner's http(s) URL (its TAXII API root or its base URL)";
		return OE_EINVAL;
	}
	size_t kl = key ? strlen(key) : 0;
	if (kl < 8 || kl > 512 || !oe_utf8_printable(key, kl) || strchr(key, ' ')) {
		*why = "--key: the key the partner gave us (oureyes peer invite on its side)";
		return OE_EINVAL;
	}
	uint8_t k[crypto_secretbox_KEYBYTES];
	size_t sl = crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + kl;
	uint8_t *box = oe_arena_alloc(c->arena, sl);
	if (!box)
		return OE_ENOMEM;
	seal_key(c->node, k);
	randombytes_buf(box, crypto_secretbox_NONCEBYTES);
	crypto_secretbox_easy(box + crypto_secretbox_NONCEBYTES, (const uint8_t *)key, kl, box, k);
	sodium_memzero(k, sizeof(k));
	if ((ret = s->ops->begin(s)))
		return ret;
	int64_t pid = 0, oid = 0;
	char org_stix[64];
	/* A partner that was not invited here yet: its country is learnt from
	 * its identity at the first pull ("ZZ": unknown until then). */
	ret = peer_make(c, name, "ZZ", &pid, &oid, org_stix);
	if (ret == OE_ECONFLICT)
		*why = "that is this node's own organisation";
	if (!ret)
		ret = s->ops->share->peer_set_remote(s, pid, url, box, sl);
	if (!ret)
		ret = s->ops->audit(s, oe_now(), c->actor, "peer.add", name, url);
	return tx_end(s, ret);
}

int oe_svc_peer_key(oe_ctx *c, int64_t peer_id, char *key, size_t cap)
{
	uint8_t *box;
	size_t bl;
	int ret = c->store->ops->share->peer_key(c->store, peer_id, c->arena, &box, &bl);
	if (ret)
		return ret;
	size_t head = crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES;
	if (bl <= head || bl - head >= cap)
		return OE_EIO;
	uint8_t k[crypto_secretbox_KEYBYTES];
	seal_key(c->node, k);
	ret = crypto_secretbox_open_easy((uint8_t *)key, box + crypto_secretbox_NONCEBYTES,
					 bl - crypto_secretbox_NONCEBYTES, box, k)
		  ? OE_EIO
		  : 0;
	sodium_memzero(k, sizeof(k));
	key[ret ? 0 : bl - head] = '\0';
	return ret;
}

int oe_svc_peer_list(oe_ctx *c, oe_peer_row **out, size_t *n)
{
	if (c->viewer.org_id != OE_NODE_OPERATOR_ORG || c->viewer.role == OE_ROLE_PEER ||
	    c->viewer.role == OE_ROLE_PUBLIC)
		return OE_EPERM;
	return c->store->ops->share->peer_list(c->store, c->arena, out, n);
}

/* A member named "org:NAME", "peer:NAME", or NAME: an organisation of that
 * name when there is one, else a peer. */
static int member_of(oe_ctx *c, const char *m, int64_t *org_id, int64_t *peer_id)
{
	oe_store *s = c->store;
	*org_id = *peer_id = 0;
	bool as_org = !strncmp(m, "org:", 4), as_peer = !strncmp(m, "peer:", 5);
	const char *name = as_org ? m + 4 : as_peer ? m + 5 : m;
	if (!as_peer) {
		oe_org o;
		int ret = s->ops->org_get(s, 0, name, c->arena, &o);
		if (!ret) {
			*org_id = o.id;
			return 0;
		}
		if (ret != OE_ENOTFOUND || as_org)
			return ret;
	}
	oe_peer_row p;
	int ret = s->ops->share->peer_get(s, 0, name, c->arena, &p);
	if (!ret)
		*peer_id = p.id;
	return ret;
}

int oe_svc_group_add(oe_ctx *c, const char *name, const char *const *members, size_t n,
		     oe_group_row *out, const char **why)
{
	oe_store *s = c->store;
	*why = NULL;
	/* Any organisation's admin or analyst may scope its own AMBER. */
	if (c->viewer.role != OE_ROLE_ADMIN && c->viewer.role != OE_ROLE_ANALYST)
		return OE_EPERM;
	if (!name_ok(name)) {
		*why = "name: 1 to 200 bytes of printable UTF-8 without ':'";
		return OE_EINVAL;
	}
	if (n == 0 || n > OE_GROUP_MEMBERS_MAX) {
		*why = "members: 1 to 1000 organisations or peers";
		return OE_EINVAL;
	}
	int ret = s->ops->begin(s);
	if (ret)
		return ret;
	int64_t gid = 0;
	ret = s->ops->share->group_create(s, name, c->viewer.org_id, 0, oe_now(), &gid);
	if (ret == OE_ECONFLICT)
		*why = "name: your organisation already has a group of that name";
	/* The owner is always a member: it sees its own AMBER anyway, and a
	 * receiving node must know it may see it. */
	if (!ret)
		ret = s->ops->share->member_add(s, gid, c->viewer.org_id, 0);
	for (size_t i = 0; !ret && i < n; i++) {
		int64_t oid, pid;
		ret = members[i] ? member_of(c, members[i], &oid, &pid) : OE_ENOTFOUND;
		if (ret == OE_ENOTFOUND) {
			*why = oe_arena_printf(c->arena,
					       "members[%zu]: no organisation or peer named '%s'",
					       i, members[i] ? members[i] : "");
			ret = OE_EINVAL;
		}
		if (!ret)
			ret = s->ops->share->member_add(s, gid, oid, pid);
	}
	if (!ret)
		ret = s->ops->audit(s, oe_now(), c->actor, "group.create", name, NULL);
	if (!ret)
		ret = s->ops->share->group_get(s, gid, NULL, 0, c->arena, out);
	ret = tx_end(s, ret);
	if (!ret) /* members' cached views lack the new group */
		oe_node_auth_changed(c->node);
	return ret;
}

int oe_svc_group_set(oe_ctx *c, const char *name, const char *const *members, size_t n,
		     oe_group_row *out, const char **why)
{
	oe_store *s = c->store;
	*why = NULL;
	if (c->viewer.role != OE_ROLE_ADMIN && c->viewer.role != OE_ROLE_ANALYST)
		return OE_EPERM;
	if (n == 0 || n > OE_GROUP_MEMBERS_MAX) {
		*why = "members: 1 to 1000 organisations or peers";
		return OE_EINVAL;
	}
	int64_t *orgs = oe_arena_alloc(c->arena, (n + 1) * sizeof(*orgs));
	int64_t *peers = oe_arena_alloc(c->arena, (n + 1) * sizeof(*peers));
	if (!orgs || !peers)
		return OE_ENOMEM;
	int ret = s->ops->begin(s);
	if (ret)
		return ret;
	oe_group_row g;
	ret = s->ops->share->group_get(s, 0, name, c->viewer.org_id, c->arena, &g);
	/* The owner stays a member (oe_svc_group_add). */
	orgs[0] = c->viewer.org_id;
	peers[0] = 0;
	for (size_t i = 0; !ret && i < n; i++) {
		ret = members[i] ? member_of(c, members[i], &orgs[i + 1], &peers[i + 1])
				 : OE_ENOTFOUND;
		if (ret == OE_ENOTFOUND) {
			*why = oe_arena_printf(c->arena,
					       "members[%zu]: no organisation or peer named '%s'",
					       i, members[i] ? members[i] : "");
			ret = OE_EINVAL;
		}
	}
	oe_group_member *m = NULL;
	size_t nm = 0, removed = 0;
	if (!ret)
		ret = s->ops->share->members(s, g.id, c->arena, &m, &nm);
	/* Those who leave: the log serves each of them a revocation of every
	 * object of the group (store/migrations/0007). */
	for (size_t k = 0; !ret && k < nm; k++) {
		bool stays = false;
		for (size_t i = 0; i <= n && !stays; i++)
			stays = m[k].peer_id ? peers[i] == m[k].peer_id : orgs[i] == m[k].org_id;
		if (!stays) {
			ret = s->ops->share->member_remove(s, g.id, m[k].peer_id ? 0 : m[k].org_id,
							   m[k].peer_id);
			removed++;
		}
	}
	for (size_t i = 0; !ret && i <= n; i++)
		ret = s->ops->share->member_add(s, g.id, orgs[i], peers[i]);
	if (!ret) {
		char detail[64];
		snprintf(detail, sizeof(detail), "members=%zu removed=%zu", n + 1, removed);
		ret = s->ops->audit(s, oe_now(), c->actor, "group.members", name, detail);
	}
	if (!ret)
		*out = g;
	ret = tx_end(s, ret);
	if (!ret) /* who is in the group changed: cached views are stale */
		oe_node_auth_changed(c->node);
	return ret;
}

int oe_svc_group_list(oe_ctx *c, oe_group_detail **out, size_t *n)
{
	oe_store *s = c->store;
	if (c->viewer.role == OE_ROLE_PUBLIC || c->viewer.role == OE_ROLE_PEER)
		return OE_EPERM;
	oe_group_row *g;
	size_t ng;
	/* The operator's admins see every group; others their own org's. */
	int64_t owner = c->viewer.org_id == OE_NODE_OPERATOR_ORG && c->viewer.role == OE_ROLE_ADMIN
			    ? 0
			    : c->viewer.org_id;
	int ret = s->ops->share->group_list(s, owner, c->arena, &g, &ng);
	if (ret)
		return ret;
	oe_group_detail *d = oe_arena_alloc(c->arena, (ng + 1) * sizeof(*d));
	if (!d)
		return OE_ENOMEM;
	for (size_t i = 0; i < ng; i++) {
		d[i].g = g[i];
		if ((ret = s->ops->share->members(s, g[i].id, c->arena, &d[i].members,
						  &d[i].nmembers)))
			return ret;
	}
	*out = d;
	*n = ng;
	return 0;
}

int oe_svc_group_find(oe_ctx *c, const char *name, int64_t *id)
{
	oe_group_row g;
	int ret =
	    c->store->ops->share->group_get(c->store, 0, name, c->viewer.org_id, c->arena, &g);
	if (!ret)
		*id = g.id;
	return ret;
}

bool oe_svc_id_in(const int64_t *v, size_t n, int64_t x)
{
	for (size_t i = 0; i < n; i++)
		if (v[i] == x)
			return true;
	return false;
}

bool oe_svc_group_same(const oe_group_member *m, size_t nm, const int64_t *want, size_t n)
{
	for (size_t i = 0; i < nm; i++)
		if (m[i].peer_id || !oe_svc_id_in(want, n, m[i].org_id))
			return false;
	for (size_t i = 0; i < n; i++) {
		bool found = false;
		for (size_t k = 0; k < nm && !found; k++)
			found = m[k].org_id == want[i];
		if (!found)
			return false;
	}
	return true;
}
