/* cmd_audit.c - oureyes audit verify and list: the hash-chained audit log
 * checked and read on the command line (docs/console-auth.md). */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "core/json.h"
#include "service/session.h"

static const char audit_help[] =
    "usage: oureyes audit verify --data DIR [--no-checkpoint]\n"
    "       oureyes audit list --data DIR [--object ID] [--actor A] [--action A] [--limit N]\n\n"
    "verify: recompute the hash chain of the whole audit log. Prints \"N entries,\n"
    "chain intact\" and exits 0, or names the first entry that was edited, removed\n"
    "or moved and exits 1. The newest verified entry is kept in DIR/audit.head, so\n"
    "that a later verify also sees entries removed from the end (--no-checkpoint\n"
    "leaves the file as it is).\n"
    "list: the newest entries first (default 100, at most 1000), one JSON line each.\n";

int oe_cmd_audit(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"data", required_argument, NULL, 'd'},  {"object", required_argument, NULL, 'o'},
	    {"actor", required_argument, NULL, 'a'}, {"action", required_argument, NULL, 'A'},
	    {"limit", required_argument, NULL, 'l'}, {"no-checkpoint", no_argument, NULL, 'n'},
	    {"help", no_argument, NULL, 'h'},	     {NULL, 0, NULL, 0}};
	if (argc < 2 || (strcmp(argv[1], "verify") && strcmp(argv[1], "list"))) {
		bool help = argc >= 2 && !strcmp(argv[1], "--help");
		fputs(audit_help, help ? stdout : stderr);
		return help ? 0 : 2;
	}
	bool verify = !strcmp(argv[1], "verify");
	const char *dir = NULL;
	oe_audit_filter f = {0};
	bool checkpoint = true;
	int c;
	optind = 1;
	while ((c = getopt_long(argc - 1, argv + 1, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': dir = optarg; break;
		case 'o': f.object = optarg; break;
		case 'a': f.actor = optarg; break;
		case 'A': f.action = optarg; break;
		case 'n': checkpoint = false; break;
		case 'l': {
			char *end;
			errno = 0;
			long n = strtol(optarg, &end, 10);
			if (errno || *end || end == optarg || n < 1 || n > OE_AUDIT_LIMIT_MAX) {
				oe_cli_err("audit", "--limit: a number from 1 to %d",
					   OE_AUDIT_LIMIT_MAX);
				return 2;
			}
			f.limit = (size_t)n;
			break;
		}
		case 'h': fputs(audit_help, stdout); return 0;
		default: fputs(audit_help, stderr); return 2;
		}
	}
	if (optind != argc - 1) {
		fputs(audit_help, stderr);
		return 2;
	}
	oe_node *node;
	oe_store *s;
	int rc = oe_cli_open("audit", dir, &node, &s);
	if (rc)
		return rc;
	oe_arena a = OE_ARENA_INIT;
	if (verify) {
		oe_audit_verdict v;
		int ret = oe_svc_audit_verify(node, s, checkpoint, &v);
		if (ret) {
			oe_cli_err("audit", "cannot verify: %s",
				   v.why[0] ? v.why : oe_strerror(ret));
			rc = 1;
		} else if (v.bad_id) {
			oe_cli_err("audit", "entry %lld: %s", (long long)v.bad_id, v.why);
			rc = 1;
		} else {
			printf("%lld entries, chain intact%s\n", (long long)v.entries,
			       v.checkpoint ? " (and matches the checkpoint)" : "");
		}
		goto out;
	}
	oe_ctx ctx = {.node = node, .store = s, .actor = "cli", .arena = &a};
	if ((rc = oe_cli_viewer("audit", s, NULL, &a, &ctx.viewer)))
		goto out;
	oe_audit_row *rows;
	size_t n;
	bool more;
	if (oe_svc_audit_list(&ctx, &f, &rows, &n, &more)) {
		oe_cli_err("audit", "cannot read the audit log");
		rc = 1;
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		char ts[OE_TIME_BUF];
		oe_time_format(rows[i].ts, ts);
		oe_cli_print(json_pack(
		    "{s:I,s:s,s:o,s:o,s:o,s:o}", "id", (json_int_t)rows[i].id, "ts", ts, "actor",
		    oe_json_string_lossy(rows[i].actor), "action",
		    oe_json_string_lossy(rows[i].action), "object",
		    rows[i].object ? oe_json_string_lossy(rows[i].object) : json_null(), "detail",
		    rows[i].detail ? oe_json_string_lossy(rows[i].detail) : json_null()));
	}
out:
	oe_arena_clear(&a);
	oe_store_close(s);
	oe_node_free(node);
	return rc;
}
