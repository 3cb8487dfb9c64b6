/* cmd_share.c - oureyes peer and group: pairing with partner nodes and the
 * sharing groups that scope AMBER (docs/sharing.md). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "core/json.h"
#include "service/share.h"

static const char peer_help[] =
    "usage: oureyes peer invite --data DIR --name NAME --country CC\n"
    "       oureyes peer add    --data DIR --name NAME --url URL --key KEY\n"
    "       oureyes peer list   --data DIR\n"
    "\n"
    "Pair with a partner node, one command on each side. 'invite' registers the\n"
    "partner's organisation and prints a key of role peer that the partner pulls\n"
    "from us with: {\"org_id\":...,\"api_key\":...}. 'add' makes us pull from the\n"
    "partner at URL with the key it gave us (stored sealed). 'list' shows each\n"
    "peer with its pull status.\n";

static const char group_help[] =
    "usage: oureyes group add  --data DIR [--org ORG] --name NAME --member M [--member M]...\n"
    "       oureyes group set  --data DIR [--org ORG] --name NAME --member M [--member M]...\n"
    "       oureyes group list --data DIR [--org ORG]\n"
    "\n"
    "A sharing group names organisations and peers (partner nodes); AMBER and\n"
    "AMBER+STRICT indicators and events given \"sharing_group\":\"NAME\" reach its\n"
    "members only (docs/sharing.md). A member is 'org:NAME', 'peer:NAME', or NAME:\n"
    "an organisation of that name if there is one, else a peer. The group\n"
    "belongs to --org (default: the node's own organisation). 'set' replaces\n"
    "its members; those that leave are sent a revocation of its indicators.\n";

typedef struct {
	const char *dir, *name, *country, *url, *key, *org;
	const char *members[256];
	size_t nmembers;
} share_opts;

static int parse(const char *help, int argc, char **argv, share_opts *o)
{
	static const struct option opts[] = {{"data", required_argument, NULL, 'd'},
					     {"name", required_argument, NULL, 'n'},
					     {"country", required_argument, NULL, 'c'},
					     {"url", required_argument, NULL, 'u'},
					     {"key", required_argument, NULL, 'k'},
					     {"org", required_argument, NULL, 'o'},
					     {"member", required_argument, NULL, 'm'},
					     {"help", no_argument, NULL, 'h'},
					     {NULL, 0, NULL, 0}};
	memset(o, 0, sizeof(*o));
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': o->dir = optarg; break;
		case 'n': o->name = optarg; break;
		case 'c': o->country = optarg; break;
		case 'u': o->url = optarg; break;
		case 'k': o->key = optarg; break;
		case 'o': o->org = optarg; break;
		case 'm':
			if (o->nmembers == OE_ARRAY_SIZE(o->members)) {
				fputs("oureyes group: at most 256 --member on the command line\n",
				      stderr);
				return 2;
			}
			o->members[o->nmembers++] = optarg;
			break;
		case 'h': fputs(help, stdout); return 0;
		default: fputs(help, stderr); return 2;
		}
	}
	if (optind != argc) {
		fputs(help, stderr);
		return 2;
	}
	return -1;
}

static int fail(const char *cmd, int ret, const char *why)
{
	if (why)
		oe_cli_err(cmd, "%s", why);
	else if (ret == OE_EPERM)
		oe_cli_err(cmd, "not allowed for this organisation");
	else if (ret == OE_ECONFLICT || ret == OE_EEXIST)
		oe_cli_err(cmd, "already exists");
	else
		oe_cli_err(cmd, "%s", oe_strerror(ret));
	return ret == OE_EINVAL ? 2 : 1;
}

int oe_cmd_peer(int argc, char **argv)
{
	const char *sub = argc >= 2 ? argv[1] : "";
	if (strcmp(sub, "invite") && strcmp(sub, "add") && strcmp(sub, "list")) {
		bool help = !strcmp(sub, "--help");
		fputs(peer_help, help ? stdout : stderr);
		return help ? 0 : 2;
	}
	share_opts o;
	int rc = parse(peer_help, argc - 1, argv + 1, &o);
	if (rc >= 0)
		return rc;
	if ((!strcmp(sub, "invite") && (!o.name || !o.country)) ||
	    (!strcmp(sub, "add") && (!o.name || !o.url || !o.key))) {
		fputs(peer_help, stderr);
		return 2;
	}
	oe_node *node;
	oe_store *s;
	if ((rc = oe_cli_open("peer", o.dir, &node, &s)))
		return rc;
	oe_arena a = OE_ARENA_INIT;
	oe_ctx ctx = {.node = node, .store = s, .actor = "cli", .arena = &a};
	const char *why = NULL;
	int ret;
	if ((rc = oe_cli_viewer("peer", s, NULL, &a, &ctx.viewer)))
		goto out;
	if (!strcmp(sub, "invite")) {
		char org_id[64], key[OE_APIKEY_LEN + 1];
		if ((ret = oe_svc_peer_invite(&ctx, o.name, o.country, org_id, key, &why))) {
			rc = fail("peer", ret, why);
			goto out;
		}
		oe_cli_print(json_pack("{s:s,s:s,s:s,s:s}", "peer", o.name, "org_id", org_id,
				       "api_key", key, "node_id", node->node_id));
		sodium_memzero(key, sizeof(key));
	} else if (!strcmp(sub, "add")) {
		if ((ret = oe_svc_peer_add(&ctx, o.name, o.url, o.key, &why))) {
			rc = fail("peer", ret, why);
			goto out;
		}
		oe_cli_print(json_pack("{s:s,s:s}", "peer", o.name, "url", o.url));
	} else {
		oe_peer_row *p;
		size_t n;
		if ((ret = oe_svc_peer_list(&ctx, &p, &n))) {
			rc = fail("peer", ret, NULL);
			goto out;
		}
		json_t *arr = json_array();
		for (size_t i = 0; i < n; i++)
			json_array_append_new(
			    arr, json_pack(
				     "{s:s,s:s,s:s,s:o,s:b,s:o,s:o,s:o,s:I,s:I}", "name", p[i].name,
				     "org", p[i].org_name, "org_id", p[i].org_stix_id, "url",
				     p[i].url ? json_string(p[i].url) : json_null(), "pulls",
				     p[i].url && p[i].has_key, "last_success",
				     oe_json_time(p[i].last_success), "last_error",
				     p[i].last_error ? json_string(p[i].last_error) : json_null(),
				     "next_attempt", oe_json_time(p[i].next_attempt), "errors",
				     (json_int_t)p[i].errors, "objects", (json_int_t)p[i].objects));
		oe_cli_print(json_pack("{s:o}", "peers", arr));
	}
out:
	oe_arena_clear(&a);
	oe_store_close(s);
	oe_node_free(node);
	return rc;
}

int oe_cmd_group(int argc, char **argv)
{
	const char *sub = argc >= 2 ? argv[1] : "";
	bool add = !strcmp(sub, "add"), set = !strcmp(sub, "set");
	if (!add && !set && strcmp(sub, "list")) {
		bool help = !strcmp(sub, "--help");
		fputs(group_help, help ? stdout : stderr);
		return help ? 0 : 2;
	}
	share_opts o;
	int rc = parse(group_help, argc - 1, argv + 1, &o);
	if (rc >= 0)
		return rc;
	if ((add || set) && (!o.name || !o.nmembers)) {
		fputs(group_help, stderr);
		return 2;
	}
	oe_node *node;
	oe_store *s;
	if ((rc = oe_cli_open("group", o.dir, &node, &s)))
		return rc;
	oe_arena a = OE_ARENA_INIT;
	oe_ctx ctx = {.node = node, .store = s, .actor = "cli", .arena = &a};
	const char *why = NULL;
	int ret;
	if ((rc = oe_cli_viewer("group", s, o.org, &a, &ctx.viewer)))
		goto out;
	if (add || set) {
		oe_group_row g;
		ret = add ? oe_svc_group_add(&ctx, o.name, o.members, o.nmembers, &g, &why)
			  : oe_svc_group_set(&ctx, o.name, o.members, o.nmembers, &g, &why);
		if (ret) {
			rc = fail("group", ret, why);
			goto out;
		}
	}
	oe_group_detail *d;
	size_t n;
	if ((ret = oe_svc_group_list(&ctx, &d, &n))) {
		rc = fail("group", ret, NULL);
		goto out;
	}
	json_t *arr = json_array();
	for (size_t i = 0; i < n; i++) {
		if ((add || set) && strcmp(d[i].g.name, o.name))
			continue;
		json_t *m = json_array();
		for (size_t k = 0; k < d[i].nmembers; k++)
			json_array_append_new(
			    m,
			    json_pack("{s:s,s:s,s:o}", "name", d[i].members[k].name, "kind",
				      d[i].members[k].peer_id ? "peer" : "org", "id",
				      d[i].members[k].stix_id ? json_string(d[i].members[k].stix_id)
							      : json_null()));
		json_array_append_new(arr, json_pack("{s:s,s:s,s:o}", "name", d[i].g.name, "owner",
						     d[i].g.owner_name, "members", m));
	}
	oe_cli_print(json_pack("{s:o}", "groups", arr));
out:
	oe_arena_clear(&a);
	oe_store_close(s);
	oe_node_free(node);
	return rc;
}
