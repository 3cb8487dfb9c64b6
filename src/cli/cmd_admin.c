/* cmd_admin.c - oureyes org, user and key: the people and machines that
 * may use the node. Every change is audited. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "cli.h"
#include "core/json.h"
#include "core/uuid.h"
#include "service/session.h"

typedef struct {
	const char *dir, *org, *name, *country, *role, *label;
	int password_stdin;
	int first; /* index of the first positional argument */
} admin_opts;

static int parse(const char *cmd, const char *help, int argc, char **argv, admin_opts *o)
{
	static const struct option opts[] = {{"data", required_argument, NULL, 'd'},
					     {"org", required_argument, NULL, 'o'},
					     {"name", required_argument, NULL, 'n'},
					     {"country", required_argument, NULL, 'c'},
					     {"role", required_argument, NULL, 'r'},
					     {"label", required_argument, NULL, 'l'},
					     {"password-stdin", no_argument, NULL, 'p'},
					     {"help", no_argument, NULL, 'h'},
					     {NULL, 0, NULL, 0}};
	memset(o, 0, sizeof(*o));
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': o->dir = optarg; break;
		case 'o': o->org = optarg; break;
		case 'n': o->name = optarg; break;
		case 'c': o->country = optarg; break;
		case 'r': o->role = optarg; break;
		case 'l': o->label = optarg; break;
		case 'p': o->password_stdin = 1; break;
		case 'h': fputs(help, stdout); return 0;
		default: fputs(help, stderr); return 2;
		}
	}
	o->first = optind;
	return -1;
}

/* Names and labels end up in JSON answers, logs and terminals: UTF-8 text
 * without control characters only. NULL (not given) is fine. */
static bool text_ok(const char *cmd, const char *opt, const char *s)
{
	if (!s || oe_utf8_printable(s, strlen(s)))
		return true;
	oe_cli_err(cmd, "%s: must be UTF-8 text without control characters", opt);
	return false;
}

static const char org_help[] =
    "usage: oureyes org add --data DIR --name NAME --country CC\n"
    "       oureyes org list --data DIR\n\n"
    "Add an organisation of this node (prints {\"org_id\":...}) or list them.\n";

int oe_cmd_org(int argc, char **argv)
{
	if (argc < 2 || (strcmp(argv[1], "add") && strcmp(argv[1], "list"))) {
		if (argc >= 2 && !strcmp(argv[1], "--help")) {
			fputs(org_help, stdout);
			return 0;
		}
		fputs(org_help, stderr);
		return 2;
	}
	bool add = !strcmp(argv[1], "add");
	admin_opts o;
	int rc = parse("org", org_help, argc - 1, argv + 1, &o);
	if (rc >= 0)
		return rc;
	if (add && (!o.name || !o.country)) {
		fputs(org_help, stderr);
		return 2;
	}
	if (add && (strlen(o.country) != 2 || o.country[0] < 'A' || o.country[0] > 'Z' ||
		    o.country[1] < 'A' || o.country[1] > 'Z')) {
		oe_cli_err("org", "--country: a two-letter ISO 3166 code in capitals");
		return 2;
	}
	if (add && (!*o.name || strlen(o.name) > 200)) {
		oe_cli_err("org", "--name: 1 to 200 bytes");
		return 2;
	}
	if (add && !text_ok("org", "--name", o.name))
		return 2;
	oe_node *node;
	oe_store *s;
	if ((rc = oe_cli_open("org", o.dir, &node, &s)))
		return rc;
	oe_arena a = OE_ARENA_INIT;
	oe_ctx ctx = {.node = node, .store = s, .actor = "cli", .arena = &a};
	if ((rc = oe_cli_viewer("org", s, NULL, &a, &ctx.viewer)))
		goto out;
	if (add) {
		char id[64];
		int ret = oe_svc_org_add(&ctx, o.name, o.country, id);
		if (ret) {
			oe_cli_err("org",
				   ret == OE_EEXIST ? "an organisation named '%s' exists"
						    : "cannot add '%s'",
				   o.name);
			rc = 1;
		} else {
			oe_cli_print(json_pack("{s:s,s:s,s:s}", "org_id", id, "name", o.name,
					       "country", o.country));
		}
	} else {
		oe_org *orgs;
		size_t n;
		if (oe_svc_org_list(&ctx, &orgs, &n)) {
			oe_cli_err("org", "cannot list");
			rc = 1;
		}
		for (size_t i = 0; !rc && i < n; i++)
			oe_cli_print(json_pack("{s:s,s:o,s:s}", "org_id", orgs[i].stix_id, "name",
					       oe_json_string_lossy(orgs[i].name), "country",
					       orgs[i].country));
	}
out:
	oe_arena_clear(&a);
	oe_store_close(s);
	oe_node_free(node);
	return rc;
}

static const char user_help[] =
    "usage: oureyes user add --data DIR --org ORG --name NAME --role ROLE [--password-stdin]\n"
    "       oureyes user passwd --data DIR --name NAME\n"
    "       oureyes user disable|enable --data DIR --name NAME\n"
    "       oureyes user totp-reset --data DIR --name NAME\n\n"
    "add: a user of organisation ORG with role admin, analyst, reader or peer, and\n"
    "an API key for it. With --password-stdin, the first line of stdin is the\n"
    "password (stored as an Argon2id hash) and the user may sign in to the\n"
    "console. Prints {\"user\":...,\"api_key\":...}.\n"
    "passwd: set the password from the first line of stdin (asked twice, unseen,\n"
    "on a terminal); at least 12 characters.\n"
    "disable: the user can no longer sign in, nor use the API keys made for them.\n"
    "totp-reset: forget the user's second factor (a lost device); they enrol again.\n"
    "passwd, disable and totp-reset end every session of the user at once.\n";

/* A password: the first line of stdin, or, on a terminal, typed twice
 * without echo. 0, or 2 with a message. */
static int read_password(const char *cmd, char *pw, size_t cap)
{
	bool tty = isatty(STDIN_FILENO);
	struct termios old, quiet;
	char again[OE_PASSWORD_MAX + 2];
	for (int round = 0; round < (tty ? 2 : 1); round++) {
		char *buf = round ? again : pw;
		if (tty) {
			fputs(round ? "Again: " : "Password: ", stderr);
			tcgetattr(STDIN_FILENO, &old);
			quiet = old;
			quiet.c_lflag &= ~(tcflag_t)ECHO;
			tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
		}
		char *got = fgets(buf, (int)cap, stdin);
		if (tty) {
			tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
			fputc('\n', stderr);
		}
		if (!got) {
			oe_cli_err(cmd, "no password on stdin");
			return 2;
		}
		buf[strcspn(buf, "\r\n")] = '\0';
	}
	int rc = 0;
	if (tty && strcmp(pw, again) != 0) {
		oe_cli_err(cmd, "the passwords differ");
		rc = 2;
	} else if (strlen(pw) < OE_PASSWORD_MIN || strlen(pw) > OE_PASSWORD_MAX) {
		oe_cli_err(cmd, "the password must have %d to %d characters", OE_PASSWORD_MIN,
			   OE_PASSWORD_MAX);
		rc = 2;
	}
	sodium_memzero(again, sizeof(again));
	return rc;
}

static int password_hash(const char *cmd, char hash[crypto_pwhash_STRBYTES])
{
	char pw[OE_PASSWORD_MAX + 2];
	int rc = read_password(cmd, pw, sizeof(pw));
	if (!rc && oe_password_hash(pw, hash) != 0) {
		oe_cli_err(cmd, "out of memory hashing the password");
		rc = 1;
	}
	sodium_memzero(pw, sizeof(pw));
	return rc;
}

/* user passwd | disable | enable | totp-reset NAME */
static int user_change(const char *sub, const admin_opts *o, int argc)
{
	if (!o->name || o->first != argc) {
		fputs(user_help, stderr);
		return 2;
	}
	char hash[crypto_pwhash_STRBYTES] = "";
	bool passwd = !strcmp(sub, "passwd");
	int rc;
	if (passwd && (rc = password_hash("user", hash)))
		return rc;
	oe_node *node;
	oe_store *s;
	if ((rc = oe_cli_open("user", o->dir, &node, &s)))
		return rc;
	oe_arena a = OE_ARENA_INIT;
	oe_ctx ctx = {.node = node, .store = s, .actor = "cli", .arena = &a};
	if ((rc = oe_cli_viewer("user", s, NULL, &a, &ctx.viewer)))
		goto out;
	int ret = passwd		    ? oe_svc_user_passwd(&ctx, o->name, hash)
		  : !strcmp(sub, "disable") ? oe_svc_user_disable(&ctx, o->name, true)
		  : !strcmp(sub, "enable")  ? oe_svc_user_disable(&ctx, o->name, false)
					    : oe_svc_user_totp_reset(&ctx, o->name);
	if (ret) {
		oe_cli_err("user",
			   ret == OE_ENOTFOUND ? "no user named '%s'" : "cannot change '%s'",
			   o->name);
		rc = 1;
		goto out;
	}
	oe_cli_print(json_pack("{s:s,s:s}", "user", o->name, "done", sub));
out:
	sodium_memzero(hash, sizeof(hash));
	oe_arena_clear(&a);
	oe_store_close(s);
	oe_node_free(node);
	return rc;
}

int oe_cmd_user(int argc, char **argv)
{
	static const char *const subs[] = {"add", "passwd", "disable", "enable", "totp-reset"};
	size_t sub = OE_ARRAY_SIZE(subs);
	for (size_t i = 0; argc >= 2 && i < OE_ARRAY_SIZE(subs); i++)
		if (!strcmp(argv[1], subs[i]))
			sub = i;
	if (sub == OE_ARRAY_SIZE(subs)) {
		bool help = argc >= 2 && !strcmp(argv[1], "--help");
		fputs(user_help, help ? stdout : stderr);
		return help ? 0 : 2;
	}
	admin_opts o;
	int rc = parse("user", user_help, argc - 1, argv + 1, &o);
	if (rc >= 0)
		return rc;
	if (sub > 0)
		return user_change(subs[sub], &o, argc - 1);
	int role = o.role ? oe_role_parse(o.role) : -1;
	if (!o.org || !o.name || role < 0 || !*o.name || strlen(o.name) > 128) {
		if (o.role && role < 0)
			oe_cli_err("user", "--role: one of admin, analyst, reader, peer");
		fputs(user_help, stderr);
		return 2;
	}
	if (!text_ok("user", "--org", o.org) || !text_ok("user", "--name", o.name))
		return 2;
	char pwhash[crypto_pwhash_STRBYTES] = "";
	if (o.password_stdin && (rc = password_hash("user", pwhash)))
		return rc;
	oe_node *node;
	oe_store *s;
	if ((rc = oe_cli_open("user", o.dir, &node, &s)))
		return rc;
	oe_arena a = OE_ARENA_INIT;
	oe_ctx ctx = {.node = node, .store = s, .actor = "cli", .arena = &a};
	char key[OE_APIKEY_LEN + 1], org_id[64];
	if ((rc = oe_cli_viewer("user", s, NULL, &a, &ctx.viewer)))
		goto out;
	int ret = oe_svc_user_add(&ctx, o.org, o.name, role, *pwhash ? pwhash : NULL, org_id, key);
	if (ret) {
		oe_cli_err("user",
			   ret == OE_ENOTFOUND ? "no organisation named '%s'"
			   : ret == OE_EEXIST  ? "a user named '%s' exists"
					       : "cannot add '%s'",
			   ret == OE_ENOTFOUND ? o.org : o.name);
		rc = 1;
		goto out;
	}
	oe_cli_print(json_pack("{s:s,s:s,s:s,s:s}", "user", o.name, "org_id", org_id, "role",
			       o.role, "api_key", key));
out:
	oe_arena_clear(&a);
	oe_store_close(s);
	oe_node_free(node);
	return rc;
}

static const char key_help[] =
    "usage: oureyes key create --data DIR --org ORG --role ROLE [--label TEXT]\n"
    "       oureyes key revoke --data DIR KEY_OR_KEY_ID\n"
    "       oureyes key list --data DIR\n\n"
    "create: a new API key for organisation ORG with role admin, analyst, reader\n"
    "or peer; prints {\"api_key\":...} (shown only once, stored as a keyed hash).\n"
    "revoke: the key stops working at once; give the key or its 16-hex id.\n"
    "list: one JSON line per key (id, organisation, role, label, created,\n"
    "revoked); only a keyed hash of each secret is stored, so none is shown.\n";

static int key_list(const admin_opts *o, int argc)
{
	if (o->first != argc) {
		fputs(key_help, stderr);
		return 2;
	}
	oe_node *node;
	oe_store *s;
	int rc = oe_cli_open("key", o->dir, &node, &s);
	if (rc)
		return rc;
	oe_arena a = OE_ARENA_INIT;
	oe_ctx ctx = {.node = node, .store = s, .actor = "cli", .arena = &a};
	oe_keyinfo *k;
	size_t n = 0;
	if (oe_cli_viewer("key", s, NULL, &a, &ctx.viewer) || oe_svc_key_list(&ctx, &k, &n)) {
		oe_cli_err("key", "cannot list the keys");
		rc = 1;
		n = 0;
	}
	for (size_t i = 0; i < n; i++) {
		char created[OE_TIME_BUF], revoked[OE_TIME_BUF];
		oe_time_format(k[i].created, created);
		oe_time_format(k[i].revoked, revoked);
		oe_cli_print(json_pack(
		    "{s:s,s:o,s:s,s:o,s:s,s:s?}", "key_id", k[i].key_id, "org",
		    oe_json_string_lossy(k[i].org_name), "role", oe_role_name((oe_role)k[i].role),
		    "label", k[i].label ? oe_json_string_lossy(k[i].label) : json_null(), "created",
		    created, "revoked", k[i].revoked ? revoked : NULL));
	}
	oe_arena_clear(&a);
	oe_store_close(s);
	oe_node_free(node);
	return rc;
}

int oe_cmd_key(int argc, char **argv)
{
	if (argc < 2 ||
	    (strcmp(argv[1], "create") && strcmp(argv[1], "revoke") && strcmp(argv[1], "list"))) {
		bool help = argc >= 2 && !strcmp(argv[1], "--help");
		fputs(key_help, help ? stdout : stderr);
		return help ? 0 : 2;
	}
	bool create = !strcmp(argv[1], "create");
	admin_opts o;
	int rc = parse("key", key_help, argc - 1, argv + 1, &o);
	if (rc >= 0)
		return rc;
	if (!strcmp(argv[1], "list"))
		return key_list(&o, argc - 1);
	int role = o.role ? oe_role_parse(o.role) : -1;
	const char *target = o.first < argc - 1 ? argv[1 + o.first] : NULL;
	if (create ? (!o.org || role < 0 || target) : (!target || o.first + 1 != argc - 1)) {
		if (o.role && role < 0)
			oe_cli_err("key", "--role: one of admin, analyst, reader, peer");
		fputs(key_help, stderr);
		return 2;
	}
	if (!text_ok("key", "--org", o.org) || !text_ok("key", "--label", o.label))
		return 2;
	oe_node *node;
	oe_store *s;
	if ((rc = oe_cli_open("key", o.dir, &node, &s)))
		return rc;
	oe_arena a = OE_ARENA_INIT;
	oe_ctx ctx = {.node = node, .store = s, .actor = "cli", .arena = &a};
	int ret;
	if ((rc = oe_cli_viewer("key", s, NULL, &a, &ctx.viewer)))
		goto out;
	if (create) {
		char key[OE_APIKEY_LEN + 1], org_id[64];
		ret = oe_svc_key_create(&ctx, o.org, role, o.label, org_id, key);
		if (ret) {
			if (ret == OE_ENOTFOUND)
				oe_cli_err("key", "no organisation named '%s'", o.org);
			else
				oe_cli_err("key", "cannot create the key: %s", oe_strerror(ret));
			rc = 1;
			goto out;
		}
		oe_cli_print(json_pack("{s:s,s:s,s:s,s:s%}", "api_key", key, "org_id", org_id,
				       "role", o.role, "key_id", key + 3, (size_t)16));
	} else {
		char id[17];
		size_t tl = strlen(target);
		if (tl == OE_APIKEY_LEN && !strncmp(target, "oe_", 3))
			memcpy(id, target + 3, 16);
		else if (tl == 16)
			memcpy(id, target, 16);
		else {
			oe_cli_err("key", "'%s' is neither an API key nor a 16-hex key id", target);
			rc = 2;
			goto out;
		}
		id[16] = '\0';
		ret = oe_svc_key_revoke(&ctx, id);
		if (ret) {
			oe_cli_err("key",
				   ret == OE_ENOTFOUND ? "no active key with id %s"
						       : "cannot revoke %s",
				   id);
			rc = 1;
			goto out;
		}
		oe_cli_print(json_pack("{s:s,s:b}", "key_id", id, "revoked", 1));
	}
out:
	oe_arena_clear(&a);
	oe_store_close(s);
	oe_node_free(node);
	return rc;
}
