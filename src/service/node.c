/* node.c - data directory, identity and API keys (see node.h). */
#include "node.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/json.h"
#include "core/uuid.h"
#include "core/warninglist.h"
#include "authcache.h"

static int write_file(const char *dir, const char *name, const void *data, size_t len, int mode,
		      char *err, size_t errcap)
{
	char path[2048];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
	if (fd < 0) {
		snprintf(err, errcap, "cannot create %s: %s", path, strerror(errno));
		return OE_EIO;
	}
	const char *p = data;
	while (len) {
		ssize_t w = write(fd, p, len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			snprintf(err, errcap, "cannot write %s: %s", path, strerror(errno));
			close(fd);
			return OE_EIO;
		}
		p += w;
		len -= (size_t)w;
	}
	if (fsync(fd) != 0 || close(fd) != 0) {
		snprintf(err, errcap, "cannot write %s: %s", path, strerror(errno));
		return OE_EIO;
	}
	return 0;
}

static int read_file(const char *dir, const char *name, void *data, size_t len, char *err,
		     size_t errcap);

/* The intake key pair: reporters' contact and payout details are sealed to
 * intake.pub; intake.key opens them and may be moved off the server. A data
 * directory from before reports gets its pair when first opened. */
static int intake_keys(const char *dir, uint8_t pk[crypto_box_PUBLICKEYBYTES], char *err,
		       size_t errcap)
{
	char path[2048];
	struct stat st;
	snprintf(path, sizeof(path), "%s/intake.pub", dir);
	if (stat(path, &st) == 0)
		return read_file(dir, "intake.pub", pk, crypto_box_PUBLICKEYBYTES, err, errcap);
	snprintf(path, sizeof(path), "%s/intake.key", dir);
	if (stat(path, &st) == 0) {
		snprintf(err, errcap, "%s/intake.key exists but intake.pub does not", dir);
		return OE_EIO;
	}
	uint8_t sk[crypto_box_SECRETKEYBYTES];
	crypto_box_keypair(pk, sk);
	int ret = write_file(dir, "intake.key", sk, sizeof(sk), 0600, err, errcap);
	sodium_memzero(sk, sizeof(sk));
	if (!ret)
		ret =
		    write_file(dir, "intake.pub", pk, crypto_box_PUBLICKEYBYTES, 0644, err, errcap);
	return ret;
}

static int read_file(const char *dir, const char *name, void *data, size_t len, char *err,
		     size_t errcap)
{
	char path[2048];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errcap, "cannot open %s: %s", path, strerror(errno));
		return OE_EIO;
	}
	ssize_t r = read(fd, data, len);
	close(fd);
	if (r != (ssize_t)len) {
		snprintf(err, errcap, "%s: expected %zu bytes", path, len);
		return OE_EIO;
	}
	return 0;
}

/* An existing directory is acceptable only when empty (mktemp -d). */
static int prepare_dir(const char *dir, char *err, size_t errcap)
{
	if (mkdir(dir, 0700) == 0)
		return 0;
	if (errno != EEXIST) {
		snprintf(err, errcap, "cannot create %s: %s", dir, strerror(errno));
		return OE_EIO;
	}
	DIR *d = opendir(dir);
	if (!d) {
		snprintf(err, errcap, "%s exists and is not a directory we can read", dir);
		return OE_EEXIST;
	}
	struct dirent *e;
	int n = 0;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			n++;
	closedir(d);
	if (n) {
		snprintf(err, errcap,
			 "%s exists and is not empty; refusing to touch an existing data directory",
			 dir);
		return OE_EEXIST;
	}
	return 0;
}

static void new_stix_id(const char *type, char out[64])
{
	oe_uuid u;
	char s[OE_UUID_STR];
	oe_uuid_v4(&u);
	oe_uuid_format(&u, s);
	snprintf(out, 64, "%s--%s", type, s);
}

static int valid_country(const char *cc)
{
	return cc && strlen(cc) == 2 && cc[0] >= 'A' && cc[0] <= 'Z' && cc[1] >= 'A' &&
	       cc[1] <= 'Z';
}

int oe_node_init(const char *dir, const char *org, const char *country, char node_id[64],
		 char org_id[64], char api_key[OE_APIKEY_LEN + 1], char *err, size_t errcap)
{
	oe_store *s = NULL;
	oe_node *n = NULL;
	int ret;
	if (!org || !*org || strlen(org) > 200) {
		snprintf(err, errcap, "--org: an organisation name of 1 to 200 bytes is required");
		return OE_EINVAL;
	}
	if (!oe_utf8_printable(org, strlen(org))) {
		snprintf(err, errcap,
			 "--org: the name must be UTF-8 text without control characters");
		return OE_EINVAL;
	}
	if (!valid_country(country)) {
		snprintf(err, errcap,
			 "--country: a two-letter ISO 3166 code in capitals (ID, CN, MY) is "
			 "required");
		return OE_EINVAL;
	}
	if (sodium_init() < 0) {
		snprintf(err, errcap, "libsodium failed to initialise");
		return OE_EIO;
	}
	ret = prepare_dir(dir, err, errcap);
	if (ret)
		return ret;

	uint8_t hk[crypto_generichash_KEYBYTES], pk[crypto_sign_PUBLICKEYBYTES],
	    sk[crypto_sign_SECRETKEYBYTES];
	crypto_generichash_keygen(hk);
	crypto_sign_keypair(pk, sk);
	ret = write_file(dir, "secret.key", hk, sizeof(hk), 0600, err, errcap);
	if (!ret)
		ret = write_file(dir, "node.key", sk, sizeof(sk), 0600, err, errcap);
	sodium_memzero(sk, sizeof(sk));
	if (!ret) {
		uint8_t ipk[crypto_box_PUBLICKEYBYTES];
		ret = intake_keys(dir, ipk, err, errcap);
	}
	if (ret)
		return ret;
	{
		oe_config cfg;
		oe_config_defaults(&cfg);
		char path[2048];
		snprintf(path, sizeof(path), "%s/oureyes.ini", dir);
		FILE *f = fopen(path, "wx");
		if (!f) {
			snprintf(err, errcap, "cannot create %s: %s", path, strerror(errno));
			return OE_EIO;
		}
		oe_config_write(&cfg, f);
		if (fclose(f) != 0) {
			snprintf(err, errcap, "cannot write %s", path);
			return OE_EIO;
		}
	}
	ret = oe_store_open(dir, true, &s, err, errcap);
	if (ret)
		return ret;

	char pkhex[crypto_sign_PUBLICKEYBYTES * 2 + 1];
	sodium_bin2hex(pkhex, sizeof(pkhex), pk, sizeof(pk));
	new_stix_id("identity", node_id);
	new_stix_id("identity", org_id);
	int64_t oid = 0, uid = 0;
	ret = s->ops->begin(s);
	if (ret)
		goto out;
	if ((ret = s->ops->meta_set(s, "node_id", node_id)) ||
	    (ret = s->ops->meta_set(s, "node_name", org)) ||
	    (ret = s->ops->meta_set(s, "country", country)) ||
	    (ret = s->ops->meta_set(s, "sign_pk", pkhex)) ||
	    (ret = s->ops->org_create(s, org, country, org_id, &oid)) ||
	    (ret = s->ops->user_create(s, oid, "admin", OE_ROLE_ADMIN, NULL, &uid)))
		goto out;
	n = calloc(1, sizeof(*n));
	if (!n) {
		ret = OE_ENOMEM;
		goto out;
	}
	memcpy(n->hash_key, hk, sizeof(hk));
	ret = oe_node_key_create(n, s, oid, uid, OE_ROLE_ADMIN, "first admin", api_key);
	if (!ret)
		ret = s->ops->audit(s, oe_now(), "init", "node.init", node_id, org);
	if (!ret)
		ret = s->ops->commit(s);
out:
	if (ret) {
		s->ops->rollback(s);
		if (!*err)
			snprintf(err, errcap, "cannot initialise the database: %s",
				 oe_strerror(ret));
	}
	sodium_memzero(hk, sizeof(hk));
	free(n);
	oe_store_close(s);
	return ret;
}

int oe_node_store(oe_node *n, oe_store **out, char *err, size_t errcap)
{
	return oe_store_open(n->dir, false, out, err, errcap);
}

int oe_node_open(const char *dir, const char *config_path, char *const *overrides,
		 size_t noverrides, oe_node **out, char *err, size_t errcap)
{
	*out = NULL;
	if (sodium_init() < 0) {
		snprintf(err, errcap, "libsodium failed to initialise");
		return OE_EIO;
	}
	struct stat st;
	char path[2048];
	snprintf(path, sizeof(path), "%s/oureyes.db", dir);
	if (stat(path, &st) != 0) {
		snprintf(err, errcap,
			 "%s is not an oureyes data directory (no oureyes.db); run "
			 "'oureyes init --data %s' first",
			 dir, dir);
		return OE_ENOTFOUND;
	}
	oe_node *n = calloc(1, sizeof(*n));
	if (!n)
		return OE_ENOMEM;
	oe_store *s = NULL;
	oe_arena a = OE_ARENA_INIT;
	int ret;
	snprintf(n->dir, sizeof(n->dir), "%s", dir);
	oe_config_defaults(&n->cfg);
	if (config_path) {
		ret = oe_config_load(&n->cfg, config_path, err, errcap);
	} else {
		snprintf(path, sizeof(path), "%s/oureyes.ini", dir);
		ret = stat(path, &st) == 0 ? oe_config_load(&n->cfg, path, err, errcap) : 0;
	}
	if (ret)
		goto fail;
	for (size_t i = 0; i < noverrides; i++) {
		char key[128];
		const char *eq = strchr(overrides[i], '=');
		if (!eq || (size_t)(eq - overrides[i]) >= sizeof(key)) {
			snprintf(err, errcap, "'%s': expected section.name=value", overrides[i]);
			ret = OE_EINVAL;
			goto fail;
		}
		memcpy(key, overrides[i], (size_t)(eq - overrides[i]));
		key[eq - overrides[i]] = '\0';
		ret = oe_config_set(&n->cfg, key, eq + 1, err, errcap);
		if (ret)
			goto fail;
	}
	n->canon.default_region = n->cfg.default_region;
	if ((ret = read_file(dir, "secret.key", n->hash_key, sizeof(n->hash_key), err, errcap)))
		goto fail;
	if ((ret = intake_keys(dir, n->intake_pk, err, errcap)))
		goto fail;
	if ((ret = oe_store_open(dir, false, &s, err, errcap)))
		goto fail;
	char *v = NULL;
	if ((ret = s->ops->meta_get(s, "node_id", &a, &v)))
		goto meta;
	snprintf(n->node_id, sizeof(n->node_id), "%s", v);
	if ((ret = s->ops->meta_get(s, "node_name", &a, &v)))
		goto meta;
	snprintf(n->node_name, sizeof(n->node_name), "%s", v);
	if ((ret = s->ops->meta_get(s, "country", &a, &v)))
		goto meta;
	snprintf(n->country, sizeof(n->country), "%s", v);
	if ((ret = s->ops->meta_get(s, "sign_pk", &a, &v)))
		goto meta;
	sodium_hex2bin(n->sign_pk, sizeof(n->sign_pk), v, strlen(v), NULL, NULL, NULL);
	if (n->cfg.warninglists[0]) {
		n->wl = oe_warninglists_new();
		if (!n->wl) {
			ret = OE_ENOMEM;
			goto fail;
		}
		ret = oe_warninglists_load_dir(n->wl, n->cfg.warninglists, err, errcap);
		if (ret)
			goto fail;
	}
	oe_store_close(s);
	oe_arena_clear(&a);
	n->auth = oe_authcache_new(dir);
	if (!n->auth) {
		oe_node_free(n);
		return OE_ENOMEM;
	}
	*out = n;
	return 0;
meta:
	snprintf(err, errcap,
		 "%s: the database has no node identity; was it made by 'oureyes init'?", dir);
fail:
	oe_store_close(s);
	oe_arena_clear(&a);
	oe_node_free(n);
	return ret;
}

void oe_node_free(oe_node *n)
{
	if (!n)
		return;
	oe_warninglists_free(n->wl);
	oe_authcache_free(n->auth);
	sodium_memzero(n->hash_key, sizeof(n->hash_key));
	free(n);
}

static void key_hash(const oe_node *n, const char *secret, size_t len, uint8_t out[32])
{
	crypto_generichash(out, 32, (const uint8_t *)secret, len, n->hash_key, sizeof(n->hash_key));
}

int oe_node_key_create(oe_node *n, oe_store *s, int64_t org_id, int64_t user_id, int role,
		       const char *label, char key[OE_APIKEY_LEN + 1])
{
	uint8_t id[8], sec[32], h[32];
	char idhex[17], secb64[64];
	randombytes_buf(id, sizeof(id));
	randombytes_buf(sec, sizeof(sec));
	sodium_bin2hex(idhex, sizeof(idhex), id, sizeof(id));
	sodium_bin2base64(secb64, sizeof(secb64), sec, sizeof(sec),
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	key_hash(n, secb64, strlen(secb64), h);
	int ret = s->ops->key_create(s, idhex, h, org_id, user_id, role, label);
	if (!ret)
		snprintf(key, OE_APIKEY_LEN + 1, "oe_%s_%s", idhex, secb64);
	sodium_memzero(sec, sizeof(sec));
	sodium_memzero(secb64, sizeof(secb64));
	return ret;
}

int oe_node_authenticate(oe_node *n, oe_store *s, const char *key, oe_viewer *v)
{
	if (!key || strlen(key) != OE_APIKEY_LEN || strncmp(key, "oe_", 3) != 0 || key[19] != '_')
		return OE_EAUTH;
	char idhex[17];
	memcpy(idhex, key + 3, 16);
	idhex[16] = '\0';
	uint8_t h[32];
	key_hash(n, key + 20, strlen(key + 20), h);
	oe_time now = oe_now();
	int hit = oe_authcache_get(n->auth, idhex, h, now, v);
	if (hit)
		return hit > 0 ? 0 : OE_EAUTH;
	oe_apikey k;
	int ret = s->ops->key_get(s, idhex, &k);
	if (ret == OE_ENOTFOUND)
		return OE_EAUTH;
	if (ret)
		return ret;
	if (sodium_memcmp(h, k.hash, 32) != 0 || k.revoked)
		return OE_EAUTH;
	memset(v, 0, sizeof(*v));
	v->org_id = k.org_id;
	v->role = (oe_role)k.role;
	size_t ng = 0, np = 0;
	ret = s->ops->share->viewer_groups(s, v->org_id, v->role == OE_ROLE_PEER, v->groups,
					   OE_VIEWER_GROUPS_MAX, &ng, v->peer_groups,
					   OE_VIEWER_GROUPS_MAX, &np);
	v->ngroups = (uint8_t)ng;
	v->npeer_groups = (uint8_t)np;
	if (!ret)
		oe_authcache_put(n->auth, idhex, h, v, now);
	return ret;
}

void oe_node_auth_changed(oe_node *n)
{
	oe_authcache_changed(n ? n->auth : NULL);
}
