/* node.h - the node: its data directory, identity, configuration and the
 * secrets that never enter the database.
 *
 * Data directory layout:
 *   oureyes.db     SQLite database (WAL)
 *   oureyes.ini    configuration, every key documented
 *   node.key       Ed25519 secret key of the node (0600)
 *   secret.key     key of the keyed hash over API keys and receipts (0600)
 *   intake.pub     public key reporters' contact details are sealed to
 *   intake.key     its secret key (0600); may be moved off the server
 *   evidence/      reporters' evidence files, named by their SHA-256
 * An oe_node is created once per process and shared read-only by every
 * thread after oe_node_open() returns. */
#ifndef OE_NODE_H
#define OE_NODE_H

#include <sodium.h>

#include "config.h"
#include "core/indicator.h"
#include "core/tlp.h"
#include "store/store.h"

struct oe_warninglists;
struct oe_matcher;

typedef struct oe_node {
	char dir[1024];
	oe_config cfg;
	oe_canon_opts canon;
	char node_id[64]; /* identity--<uuid> */
	char node_name[128];
	char country[8];
	uint8_t hash_key[crypto_generichash_KEYBYTES];
	uint8_t sign_pk[crypto_sign_PUBLICKEYBYTES];
	uint8_t intake_pk[crypto_box_PUBLICKEYBYTES];
	struct oe_warninglists *wl; /* NULL when none are configured */
	struct oe_authcache *auth;  /* recently checked API keys (authcache.h) */
	struct oe_matcher *match;   /* lookups (service/matcher.h); NULL: read the store */
} oe_node;

/* The organisation that runs the node (made by oureyes init): its admins
 * manage every organisation, and citizens' reports are its own. */
#define OE_NODE_OPERATOR_ORG 1

/* The printable form of a new API key: "oe_" + 16 hex key id + "_" + 43
 * base64url characters of secret. */
#define OE_APIKEY_LEN (3 + 16 + 1 + 43)

/* Create data directory dir (which must not exist, or be empty) with the
 * first organisation and its admin. Fills the admin's API key (shown once),
 * the node and org ids. */
int oe_node_init(const char *dir, const char *org, const char *country, char node_id[64],
		 char org_id[64], char api_key[OE_APIKEY_LEN + 1], char *err, size_t errcap);

/* Open an existing data directory: reads the configuration file (then cfg
 * overrides, if given as "section.name=value" pairs), keys, and warninglists.
 * *out is freed with oe_node_free(). */
int oe_node_open(const char *dir, const char *config_path, char *const *overrides,
		 size_t noverrides, oe_node **out, char *err, size_t errcap);
void oe_node_free(oe_node *n);

/* A store connection to the node's database (one per thread). */
int oe_node_store(oe_node *n, oe_store **out, char *err, size_t errcap);

/* Make a new API key for org/role (and user, or 0), store its keyed hash,
 * and return the printable key. */
int oe_node_key_create(oe_node *n, oe_store *s, int64_t org_id, int64_t user_id, int role,
		       const char *label, char key[OE_APIKEY_LEN + 1]);

/* Check a presented key. On success fills *v. OE_EAUTH for anything wrong
 * (unknown, revoked, malformed); the comparison is constant-time. Keys
 * checked in the last OE_AUTHCACHE_SECONDS are answered from memory. */
int oe_node_authenticate(oe_node *n, oe_store *s, const char *key, oe_viewer *v);
/* Keys or sharing groups changed: no cached check may be trusted. */
void oe_node_auth_changed(oe_node *n);

#endif
