/* cmd_sync.c - oureyes sync: pull from partner nodes once, now
 * (docs/sharing.md, "Sync"). The server pulls on its own schedule; this is
 * for a first pull, a cron job, or a node that does not serve. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "core/json.h"
#include "sync/pull.h"
#include "sync/push.h"

static const char sync_help[] =
    "usage: oureyes sync      --data DIR [--peer NAME] [--set SECTION.KEY=VALUE]...\n"
    "       oureyes sync push --data DIR --peer NAME --event UUID [--collection NAME]\n"
    "\n"
    "Pull once from every partner node we pull from (oureyes peer add), or from\n"
    "NAME only: each readable collection from where the last pull stopped, each\n"
    "page stored in one transaction with its cursor. Prints one result per peer:\n"
    "{\"peers\":[{\"peer\",\"ok\",\"error\",\"created\",\"updated\",...}]}. Exits 1\n"
    "when any pull failed; the error is also kept on the peer (oureyes peer list)\n"
    "and the next pull resumes where this one stopped. --set overrides the\n"
    "configuration as for oureyes serve (sync.timeout=10s, sync.page_limit=500).\n"
    "\n"
    "'push' sends event UUID of this node's organisation to the partner's\n"
    "collection NAME (its id or title; default community) if the partner lets\n"
    "us write there: the event as a STIX report and this node's assertion of each\n"
    "of its values that the partner may receive under its TLP and group (the\n"
    "rest is withheld and counted). Prints the partner's status:\n"
    "{\"peer\",\"collection\",\"sent\",\"withheld\",\"success\",\"failure\",...}.\n";

static json_t *result_json(const oe_sync_result *r)
{
	return json_pack("{s:s,s:b,s:o,s:o,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:o}", "peer",
			 r->peer, "ok", r->ok, "error", r->ok ? json_null() : json_string(r->error),
			 "identity", r->identity[0] ? json_string(r->identity) : json_null(),
			 "collections", (json_int_t)r->collections, "pages", (json_int_t)r->pages,
			 "created", (json_int_t)r->n.created, "updated", (json_int_t)r->n.updated,
			 "unchanged", (json_int_t)r->n.unchanged, "withdrawn",
			 (json_int_t)r->n.withdrawn, "sightings", (json_int_t)r->n.sightings, "own",
			 (json_int_t)r->n.own, "refused", (json_int_t)r->n.refused, "next_attempt",
			 oe_json_time(r->next_attempt));
}

static int push(oe_node *node, oe_store *s, const char *name, const char *event,
		const char *collection)
{
	oe_arena a = OE_ARENA_INIT;
	oe_ctx ctx = {.node = node, .store = s, .actor = "cli", .arena = &a};
	oe_peer_row p;
	oe_sync_push_result r;
	char err[512] = "";
	int rc = oe_cli_viewer("sync", s, NULL, &a, &ctx.viewer);
	if (rc)
		goto out;
	int ret = s->ops->share->peer_get(s, 0, name, &a, &p);
	if (ret) {
		oe_cli_err("sync", "no peer named '%s' (oureyes peer list)", name);
		rc = 1;
		goto out;
	}
	if ((ret = oe_sync_push(&ctx, p.id, event, collection, &r, err, sizeof(err)))) {
		oe_cli_err("sync", "push to %s: %s", name, err[0] ? err : oe_strerror(ret));
		rc = 1;
		goto out;
	}
	oe_cli_print(json_pack("{s:s,s:s,s:I,s:I,s:I,s:I,s:I,s:s}", "peer", r.peer, "collection",
			       r.collection, "sent", (json_int_t)r.n.sent, "withheld",
			       (json_int_t)r.n.withheld, "success", (json_int_t)r.success,
			       "failure", (json_int_t)r.failure, "pending", (json_int_t)r.pending,
			       "status", r.status_id));
out:
	oe_arena_clear(&a);
	return rc;
}

int oe_cmd_sync(int argc, char **argv)
{
	static const struct option opts[] = {{"data", required_argument, NULL, 'd'},
					     {"peer", required_argument, NULL, 'p'},
					     {"set", required_argument, NULL, 's'},
					     {"event", required_argument, NULL, 'e'},
					     {"collection", required_argument, NULL, 'c'},
					     {"help", no_argument, NULL, 'h'},
					     {NULL, 0, NULL, 0}};
	const char *dir = NULL, *name = NULL, *event = NULL, *collection = NULL;
	bool is_push = argc >= 2 && !strcmp(argv[1], "push");
	char *over[64];
	size_t nover = 0;
	int c;
	if (is_push) {
		argc--;
		argv++;
	}
	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': dir = optarg; break;
		case 'p': name = optarg; break;
		case 'e': event = optarg; break;
		case 'c': collection = optarg; break;
		case 's':
			if (nover == OE_ARRAY_SIZE(over)) {
				oe_cli_err("sync", "too many --set");
				return 2;
			}
			over[nover++] = optarg;
			break;
		case 'h': fputs(sync_help, stdout); return 0;
		default: fputs(sync_help, stderr); return 2;
		}
	}
	if (optind != argc || (is_push && (!name || !event)) ||
	    (!is_push && (event || collection))) {
		fputs(sync_help, stderr);
		return 2;
	}
	if (!dir) {
		oe_cli_err("sync", "--data DIR is required");
		return 2;
	}
	oe_node *node = NULL;
	oe_store *s = NULL;
	char err[1024] = "";
	if (oe_node_open(dir, NULL, over, nover, &node, err, sizeof(err)) ||
	    oe_node_store(node, &s, err, sizeof(err))) {
		oe_cli_err("sync", "%s", err);
		oe_node_free(node);
		return 1;
	}
	int rc = 0;
	if (is_push) {
		rc = push(node, s, name, event, collection);
		oe_store_close(s);
		oe_node_free(node);
		return rc;
	}
	oe_arena a = OE_ARENA_INIT;
	oe_peer_row *peers = NULL, one;
	size_t n = 0;
	int ret;
	if (name) {
		ret = s->ops->share->peer_get(s, 0, name, &a, &one);
		if (ret == OE_ENOTFOUND) {
			oe_cli_err("sync", "no peer named '%s' (oureyes peer list)", name);
			rc = 1;
			goto out;
		}
		peers = &one;
		n = 1;
	} else {
		ret = s->ops->share->peer_list(s, &a, &peers, &n);
	}
	if (ret) {
		oe_cli_err("sync", "cannot read the peers: %s", oe_strerror(ret));
		rc = 1;
		goto out;
	}
	json_t *arr = json_array();
	for (size_t i = 0; i < n; i++) {
		/* Without --peer, the partners that only pull from us are not
		 * failures: there is nothing to pull from them. */
		if (!name && (!peers[i].url || !peers[i].has_key))
			continue;
		oe_sync_result r;
		if ((ret = oe_sync_pull(node, s, peers[i].id, NULL, &r))) {
			oe_cli_err("sync", "%s: cannot record the pull: %s", peers[i].name,
				   oe_strerror(ret));
			rc = 1;
			continue;
		}
		if (!r.ok)
			rc = 1;
		json_array_append_new(arr, result_json(&r));
	}
	oe_cli_print(json_pack("{s:o}", "peers", arr));
out:
	oe_arena_clear(&a);
	oe_store_close(s);
	oe_node_free(node);
	return rc;
}
