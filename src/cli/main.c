/* main.c - the oureyes executable: dispatches to one subcommand. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "oe_config.h"

static const struct {
	const char *name;
	int (*fn)(int, char **);
	const char *summary;
} commands[] = {
    {"init", oe_cmd_init, "create a data directory with the first organisation and admin"},
    {"serve", oe_cmd_serve, "run the node: HTTP API, /healthz, /metrics"},
    {"import", oe_cmd_import, "import STIX, MISP events or feeds, CSV or plain lists"},
    {"export", oe_cmd_export, "export indicators as STIX, MISP, CSV or text"},
    {"lookup", oe_cmd_lookup, "look values up (type detected, canonicalised)"},
    {"match", oe_cmd_match, "match log lines against every live indicator"},
    {"org", oe_cmd_org, "add or list organisations"},
    {"user", oe_cmd_user, "add users, set passwords, disable, reset second factors"},
    {"key", oe_cmd_key, "create or revoke API keys"},
    {"peer", oe_cmd_peer, "pair with partner nodes: invite, add, list"},
    {"group", oe_cmd_group, "sharing groups that scope AMBER: add, list"},
    {"sync", oe_cmd_sync, "pull from partner nodes now (the server pulls on a schedule)"},
    {"audit", oe_cmd_audit, "verify the audit log's hash chain, or list entries"},
    {"case", oe_cmd_case, "joint cases: list, show"},
    {"config", oe_cmd_config, "print every configuration key with its default"},
};

static void usage(FILE *f)
{
	fprintf(f, "usage: oureyes COMMAND [OPTIONS]   (oureyes COMMAND --help for its options)\n\n"
		   "commands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-8s %s\n", commands[i].name, commands[i].summary);
	fprintf(f, "\n  --version  print the version\n");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "version")) {
		printf("oureyes %s\n", OE_VERSION);
		return 0;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return 0;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "oureyes: unknown command '%s'\n\n", argv[1]);
	usage(stderr);
	return 2;
}
