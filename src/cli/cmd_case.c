/* cmd_case.c - oureyes case: joint cases on the command line (the API is
 * POST/GET/PATCH /api/v1/cases, docs/cases.md). Reads as an organisation
 * of the node (default: the node's own), under the same policy as the
 * API: a case that organisation may not see is not there. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "service/cases.h"

static const char case_help[] =
    "usage: oureyes case list --data DIR [--org ORG] [--status open|closed] [--limit N]\n"
    "       oureyes case show --data DIR [--org ORG] --id grouping--UUID\n"
    "\n"
    "Joint cases (docs/cases.md). 'list' prints {\"cases\":[...]} newest change\n"
    "first, each with its counts; 'show' prints one case with its participants,\n"
    "links, tasks, notes and timeline. Only what --org (default: the node's own\n"
    "organisation) may see under the sharing policy is shown.\n";

int oe_cmd_case(int argc, char **argv)
{
	static const struct option opts[] = {{"data", required_argument, NULL, 'd'},
					     {"org", required_argument, NULL, 'o'},
					     {"status", required_argument, NULL, 's'},
					     {"limit", required_argument, NULL, 'l'},
					     {"id", required_argument, NULL, 'i'},
					     {"help", no_argument, NULL, 'h'},
					     {NULL, 0, NULL, 0}};
	const char *sub = argc >= 2 ? argv[1] : "";
	if (strcmp(sub, "list") && strcmp(sub, "show")) {
		bool help = !strcmp(sub, "--help") || !strcmp(sub, "-h");
		fputs(case_help, help ? stdout : stderr);
		return help ? 0 : 2;
	}
	const char *dir = NULL, *org = NULL, *id = NULL;
	int status = -1;
	long limit = OE_CASE_LIST_MAX;
	int c;
	optind = 1;
	while ((c = getopt_long(argc - 1, argv + 1, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': dir = optarg; break;
		case 'o': org = optarg; break;
		case 'i': id = optarg; break;
		case 's':
			status = !strcmp(optarg, "open")     ? OE_CASE_OPEN
				 : !strcmp(optarg, "closed") ? OE_CASE_CLOSED
							     : -2;
			break;
		case 'l': {
			char *end;
			limit = strtol(optarg, &end, 10);
			if (*end || limit < 1 || limit > OE_CASE_LIST_MAX)
				limit = -1;
			break;
		}
		case 'h': fputs(case_help, stdout); return 0;
		default: fputs(case_help, stderr); return 2;
		}
	}
	if (optind != argc - 1 || !dir || status == -2 || limit < 0 ||
	    (!strcmp(sub, "show") && !id)) {
		fputs(case_help, stderr);
		return 2;
	}
	oe_node *node;
	oe_store *s;
	int rc = oe_cli_open("case", dir, &node, &s);
	if (rc)
		return rc;
	oe_arena a = OE_ARENA_INIT;
	oe_ctx ctx = {.node = node, .store = s, .actor = "cli", .arena = &a};
	if ((rc = oe_cli_viewer("case", s, org, &a, &ctx.viewer)))
		goto out;
	ctx.viewer.role = OE_ROLE_READER; /* it only reads */
	int ret;
	if (!strcmp(sub, "show")) {
		oe_case_detail d;
		if ((ret = oe_svc_case_get(&ctx, id, &d))) {
			oe_cli_err("case", "%s: %s", id,
				   ret == OE_ENOTFOUND ? "no such case" : oe_strerror(ret));
			rc = 1;
			goto out;
		}
		oe_cli_print(oe_case_json(&d, node->node_name));
		goto out;
	}
	oe_case_detail *d;
	size_t n;
	char next[OE_CURSOR_LEN + 1];
	if ((ret = oe_svc_case_list(&ctx, status, NULL, (size_t)limit, &d, &n, next))) {
		oe_cli_err("case", "%s", oe_strerror(ret));
		rc = 1;
		goto out;
	}
	json_t *arr = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, oe_case_summary_json(&d[i]));
	oe_cli_print(json_pack("{s:o,s:b}", "cases", arr, "more", next[0] != '\0'));
out:
	oe_arena_clear(&a);
	oe_store_close(s);
	oe_node_free(node);
	return rc;
}
