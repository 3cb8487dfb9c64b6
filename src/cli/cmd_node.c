/* cmd_node.c - oureyes init, serve and config. */
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "core/json.h"
#include "http/http.h"
#include "service/log.h"
#include "service/matcher.h"
#include "service/sched.h"
#include "sync/pull.h"

static const char init_help[] =
    "usage: oureyes init --data DIR --org NAME --country CC\n\n"
    "Create the data directory DIR (it must not exist, or be empty): the SQLite\n"
    "database, the node's identity and Ed25519 key pair, a documented oureyes.ini,\n"
    "the organisation NAME of country CC (ISO 3166, e.g. ID) and its admin.\n"
    "Prints {\"node_id\":...,\"org_id\":...,\"api_key\":...}; the key is shown only once.\n";

int oe_cmd_init(int argc, char **argv)
{
	static const struct option opts[] = {{"data", required_argument, NULL, 'd'},
					     {"org", required_argument, NULL, 'o'},
					     {"country", required_argument, NULL, 'c'},
					     {"help", no_argument, NULL, 'h'},
					     {NULL, 0, NULL, 0}};
	const char *dir = NULL, *org = NULL, *cc = NULL;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': dir = optarg; break;
		case 'o': org = optarg; break;
		case 'c': cc = optarg; break;
		case 'h': fputs(init_help, stdout); return 0;
		default: fputs(init_help, stderr); return 2;
		}
	}
	if (!dir || !org || !cc || optind != argc) {
		fputs(init_help, stderr);
		return 2;
	}
	/* The name ends up in JSON answers, logs and terminals. */
	if (!oe_utf8_printable(org, strlen(org))) {
		oe_cli_err("init", "--org: the name must be UTF-8 text without control characters");
		return 2;
	}
	char node_id[64], org_id[64], key[OE_APIKEY_LEN + 1], err[1024] = "";
	if (oe_node_init(dir, org, cc, node_id, org_id, key, err, sizeof(err)) != 0) {
		oe_cli_err("init", "%s", err);
		return 1;
	}
	oe_cli_print(
	    json_pack("{s:s,s:s,s:s}", "node_id", node_id, "org_id", org_id, "api_key", key));
	return 0;
}

static const char serve_help[] =
    "usage: oureyes serve --data DIR [--listen HOST:PORT] [--config FILE]\n"
    "                     [--tls-cert FILE --tls-key FILE] [--insecure-http]\n"
    "                     [--threads N] [--set SECTION.KEY=VALUE]...\n\n"
    "Serve the node over HTTP(S) until SIGTERM or SIGINT, then let running\n"
    "requests finish and stop. Configuration comes from DIR/oureyes.ini (or\n"
    "--config), then from flags. A non-loopback --listen needs --tls-cert and\n"
    "--tls-key unless --insecure-http is given. Logs are JSON lines on stderr.\n";

int oe_cmd_serve(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"data", required_argument, NULL, 'd'},    {"listen", required_argument, NULL, 'l'},
	    {"config", required_argument, NULL, 'c'},  {"tls-cert", required_argument, NULL, 'C'},
	    {"tls-key", required_argument, NULL, 'K'}, {"insecure-http", no_argument, NULL, 'i'},
	    {"threads", required_argument, NULL, 't'}, {"set", required_argument, NULL, 's'},
	    {"help", no_argument, NULL, 'h'},	       {NULL, 0, NULL, 0}};
	const char *dir = NULL, *config = NULL;
	char *over[64];
	size_t nover = 0;
	char bufs[8][1100];
	int nb = 0, c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		const char *key = NULL;
		switch (c) {
		case 'd': dir = optarg; continue;
		case 'c': config = optarg; continue;
		case 'h': fputs(serve_help, stdout); return 0;
		case 'l': key = "server.listen"; break;
		case 'C': key = "server.tls_cert"; break;
		case 'K': key = "server.tls_key"; break;
		case 't': key = "server.threads"; break;
		case 'i': key = "server.insecure_http"; break;
		case 's':
			if (nover == OE_ARRAY_SIZE(over)) {
				oe_cli_err("serve", "too many --set");
				return 2;
			}
			over[nover++] = optarg;
			continue;
		default: fputs(serve_help, stderr); return 2;
		}
		if (nb == 8 || nover == OE_ARRAY_SIZE(over)) {
			oe_cli_err("serve", "too many options");
			return 2;
		}
		snprintf(bufs[nb], sizeof(bufs[nb]), "%s=%s", key, c == 'i' ? "true" : optarg);
		over[nover++] = bufs[nb++];
	}
	if (!dir || optind != argc) {
		fputs(serve_help, stderr);
		return 2;
	}
	/* Signals are taken by sigwait below; block them before any thread starts. */
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);

	oe_node *node = NULL;
	char err[1024] = "";
	if (oe_node_open(dir, config, over, nover, &node, err, sizeof(err)) != 0) {
		oe_cli_err("serve", "%s", err);
		return 1;
	}
	oe_log_set_level(node->cfg.log_level);
	/* The matcher is built before the first request is taken. */
	oe_svc_matcher *matcher = NULL;
	if (oe_svc_match_start(node, &matcher, err, sizeof(err)) != 0)
		oe_log(OE_LOG_ERROR, "no matcher: lookups read the store", "{s:s}", "error", err);
	oe_server *srv = NULL;
	if (oe_server_start(node, &srv, err, sizeof(err)) != 0) {
		oe_log(OE_LOG_ERROR, "cannot start", "{s:s}", "error", err);
		oe_cli_err("serve", "%s", err);
		oe_svc_match_stop(matcher);
		oe_node_free(node);
		return 1;
	}
	oe_log(OE_LOG_INFO, "listening", "{s:s,s:s,s:i}", "url", srv->url, "node_id", node->node_id,
	       "threads", node->cfg.threads);
	oe_sched *sched = NULL;
	oe_sched_set_pull(oe_sync_due);
	if (oe_sched_start(node, &sched) != 0)
		oe_log(OE_LOG_ERROR, "cannot start the scheduler", NULL);
	int sig = 0;
	for (;;) {
		if (sigwait(&set, &sig) != 0)
			continue;
		if (sig == SIGHUP) {
			oe_log(OE_LOG_INFO, "SIGHUP ignored: restart to reload the configuration",
			       NULL);
			continue;
		}
		break;
	}
	oe_log(OE_LOG_INFO, "stopping", "{s:s}", "signal", sig == SIGTERM ? "SIGTERM" : "SIGINT");
	oe_server_stop(srv);
	oe_sched_stop(sched);
	oe_svc_match_stop(matcher);
	oe_log(OE_LOG_INFO, "stopped", NULL);
	oe_node_free(node);
	return 0;
}

static const char config_help[] =
    "usage: oureyes config [--data DIR]\n\n"
    "Print every configuration key with its meaning, bounds and default, in the\n"
    "INI form oureyes.ini takes; with --data, the values in effect for DIR.\n";

int oe_cmd_config(int argc, char **argv)
{
	static const struct option opts[] = {{"data", required_argument, NULL, 'd'},
					     {"help", no_argument, NULL, 'h'},
					     {NULL, 0, NULL, 0}};
	const char *dir = NULL;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': dir = optarg; break;
		case 'h': fputs(config_help, stdout); return 0;
		default: fputs(config_help, stderr); return 2;
		}
	}
	if (dir) {
		oe_node *n;
		char err[1024];
		if (oe_node_open(dir, NULL, NULL, 0, &n, err, sizeof(err))) {
			oe_cli_err("config", "%s", err);
			return 1;
		}
		oe_config_write(&n->cfg, stdout);
		oe_node_free(n);
		return 0;
	}
	oe_config cfg;
	oe_config_defaults(&cfg);
	oe_config_write(&cfg, stdout);
	return 0;
}
