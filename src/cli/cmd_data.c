/* cmd_data.c - oureyes import, export and lookup, straight on the data
 * directory (the same service functions the HTTP API calls). */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "core/misp.h"
#include "core/tlp.h"
#include "match/match.h"
#include "service/matcher.h"
#include "service/render.h"

/* Largest file `oureyes import` reads in one piece. */
#define IMPORT_FILE_MAX ((size_t)4 << 30)

static char *read_all(const char *path, size_t *len, char *err, size_t errcap)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
	if (!f) {
		snprintf(err, errcap, "cannot open %s: %s", path, strerror(errno));
		return NULL;
	}
	oe_buf b = OE_BUF_INIT;
	b.max = IMPORT_FILE_MAX;
	char chunk[65536];
	size_t n;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		oe_buf_add(&b, chunk, n);
	int bad = ferror(f);
	if (f != stdin)
		fclose(f);
	*len = b.len;
	char *s = bad ? NULL : oe_buf_steal(&b);
	if (bad)
		oe_buf_free(&b);
	if (!s)
		snprintf(err, errcap, "cannot read %s", path);
	return s;
}

static const char import_help[] =
    "usage: oureyes import --data DIR [--org NAME] [--format stix|misp|csv|txt]\n"
    "                      [--type TYPE] FILE|DIR|-...\n\n"
    "Import STIX 2.1 bundles, MISP events, CSV (type,value[,tlp,tags,...]) or plain\n"
    "lists (one value a line; --type, else each is detected). A directory with a\n"
    "manifest.json is read as a MISP feed. The format is sniffed unless given.\n"
    "Prints one JSON object per input: imported, updated, skipped, and every refused\n"
    "object with its reason. Exit 0: all stored; 3: some objects refused; 1: error.\n";

int oe_cmd_import(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"data", required_argument, NULL, 'd'},   {"org", required_argument, NULL, 'o'},
	    {"format", required_argument, NULL, 'f'}, {"type", required_argument, NULL, 't'},
	    {"help", no_argument, NULL, 'h'},	      {NULL, 0, NULL, 0}};
	const char *dir = NULL, *org = NULL, *format = NULL, *type = NULL;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': dir = optarg; break;
		case 'o': org = optarg; break;
		case 'f': format = optarg; break;
		case 't': type = optarg; break;
		case 'h': fputs(import_help, stdout); return 0;
		default: fputs(import_help, stderr); return 2;
		}
	}
	if (optind == argc) {
		fputs(import_help, stderr);
		return 2;
	}
	oe_itype t = OE_T_NONE;
	if (type && (t = oe_itype_parse(type)) == OE_T_NONE) {
		oe_cli_err("import", "--type: unknown type '%s'", type);
		return 2;
	}
	oe_node *node;
	oe_store *store;
	int rc = oe_cli_open("import", dir, &node, &store);
	if (rc)
		return rc;
	oe_arena a = OE_ARENA_INIT;
	oe_ctx ctx = {.node = node, .store = store, .actor = "cli", .arena = &a};
	if ((rc = oe_cli_viewer("import", store, org, &a, &ctx.viewer)))
		goto out;
	for (int i = optind; i < argc; i++) {
		const char *path = argv[i];
		oe_import_set set;
		oe_import_set_init(&set);
		char err[1024] = "";
		int ret;
		struct stat st;
		if (strcmp(path, "-") && stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
			ret = oe_misp_parse_feed_dir(path, &node->canon, &set, err, sizeof(err));
		} else {
			size_t len = 0;
			char *buf = read_all(path, &len, err, sizeof(err));
			ret = buf ? oe_import_parse(buf, len, format, t, &node->canon, &set, err,
						    sizeof(err))
				  : OE_EIO;
			free(buf);
		}
		if (ret) {
			oe_cli_err("import", "%s: %s", path, *err ? err : oe_strerror(ret));
			oe_import_set_free(&set);
			rc = 1;
			continue;
		}
		oe_import_result res;
		ret = oe_svc_import(&ctx, &set, &res);
		if (ret) {
			oe_cli_err("import", "%s: cannot store: %s", path, oe_strerror(ret));
			rc = 1;
		} else {
			json_t *j = json_pack("{s:s}", "file", path);
			json_t *r = oe_render_import(&set, &res);
			json_object_update(j, r);
			json_decref(r);
			oe_cli_print(j);
			if ((set.nerrors || set.nerrors_dropped) && rc == 0)
				rc = 3;
		}
		oe_import_set_free(&set);
		oe_arena_clear(&a);
	}
out:
	oe_arena_clear(&a);
	oe_store_close(store);
	oe_node_free(node);
	return rc;
}

static const char export_help[] =
    "usage: oureyes export --data DIR [--org NAME] --format FORMAT [--type TYPE]\n"
    "                      [--tlp MAX] [--tag TAG] [--confidence MIN] [--since TIME]\n"
    "                      [--max-age DURATION] [--rpz-origin NAME] [-o FILE]\n\n"
    "Write every live indicator the organisation may see (TLP), filtered by type,\n"
    "highest TLP, tag, lowest confidence and modification time (--since, or\n"
    "--max-age 30d), to stdout or FILE (written whole, then renamed into place).\n"
    "FORMAT: stix, misp, csv, txt, or a block list: hosts, rpz (DNS response\n"
    "policy zone, origin rpz.oureyes.local. unless --rpz-origin), rbldnsd-ip4set,\n"
    "rbldnsd-ip6trie, rbldnsd-dnset, suricata-dataset (needs --type). Values a\n"
    "block list cannot express are skipped and counted on stderr.\n";

/* Write the export to f piece by piece. */
static int export_to(oe_export *e, oe_store *store, FILE *f)
{
	oe_buf b = OE_BUF_INIT;
	bool done = false;
	int ret = 0;
	while (!ret && !done) {
		oe_buf_clear(&b);
		ret = oe_svc_export_next(e, store, &b, &done);
		if (!ret && b.len && fwrite(b.data, 1, b.len, f) != b.len)
			ret = OE_EIO;
	}
	oe_buf_free(&b);
	return ret;
}

int oe_cmd_export(int argc, char **argv)
{
	static const struct option opts[] = {{"data", required_argument, NULL, 'd'},
					     {"org", required_argument, NULL, 'O'},
					     {"format", required_argument, NULL, 'f'},
					     {"type", required_argument, NULL, 't'},
					     {"tlp", required_argument, NULL, 'l'},
					     {"tag", required_argument, NULL, 'g'},
					     {"since", required_argument, NULL, 's'},
					     {"output", required_argument, NULL, 'o'},
					     {"confidence", required_argument, NULL, 'c'},
					     {"max-age", required_argument, NULL, 'a'},
					     {"rpz-origin", required_argument, NULL, 'r'},
					     {"help", no_argument, NULL, 'h'},
					     {NULL, 0, NULL, 0}};
	const char *dir = NULL, *org = NULL, *format = "stix", *out = NULL;
	oe_export_opts eo = {.min_confidence = -1};
	eo.filter.max_tlp = -1;
	int c;
	char *end;
	optind = 1;
	while ((c = getopt_long(argc, argv, "o:", opts, NULL)) != -1) {
		switch (c) {
		case 'd': dir = optarg; break;
		case 'O': org = optarg; break;
		case 'f': format = optarg; break;
		case 'o': out = optarg; break;
		case 'g': eo.filter.tag = optarg; break;
		case 'r': eo.rpz_origin = optarg; break;
		case 't':
			if ((eo.filter.type = oe_itype_parse(optarg)) == OE_T_NONE) {
				oe_cli_err("export", "--type: unknown type '%s'", optarg);
				return 2;
			}
			break;
		case 'l':
			if ((eo.filter.max_tlp = oe_tlp_parse(optarg)) < 0) {
				oe_cli_err("export", "--tlp: unknown TLP '%s'", optarg);
				return 2;
			}
			break;
		case 's':
			if (oe_time_parse(optarg, &eo.filter.since)) {
				oe_cli_err("export", "--since: expected an RFC 3339 time");
				return 2;
			}
			break;
		case 'a':
			if (oe_duration_parse(optarg, &eo.max_age) || eo.max_age == 0) {
				oe_cli_err("export",
					   "--max-age: a positive number and a unit, s, m, h, d "
					   "or w (30d)");
				return 2;
			}
			break;
		case 'c': {
			errno = 0;
			long v = strtol(optarg, &end, 10);
			if (errno || end == optarg || *end || v < 0 || v > 100) {
				oe_cli_err("export", "--confidence: 0 to 100");
				return 2;
			}
			eo.min_confidence = (int)v;
			break;
		}
		case 'h': fputs(export_help, stdout); return 0;
		default: fputs(export_help, stderr); return 2;
		}
	}
	int fmt = oe_export_format_parse(format);
	if (fmt < 0 || optind != argc) {
		if (fmt < 0)
			oe_cli_err("export", "--format: one of %s", oe_export_format_names);
		fputs(export_help, stderr);
		return 2;
	}
	eo.fmt = (oe_export_format)fmt;
	oe_node *node;
	oe_store *store;
	int rc = oe_cli_open("export", dir, &node, &store);
	if (rc)
		return rc;
	oe_arena a = OE_ARENA_INIT;
	oe_ctx ctx = {.node = node, .store = store, .actor = "cli", .arena = &a};
	oe_export *e = NULL;
	FILE *o = NULL;
	char *tmp = NULL;
	if ((rc = oe_cli_viewer("export", store, org, &a, &ctx.viewer)))
		goto done;
	const char *why = NULL;
	int ret = oe_svc_export_open(&ctx, &eo, &e, &why);
	if (ret) {
		oe_cli_err("export", "%s", why ? why : oe_strerror(ret));
		rc = ret == OE_EINVAL ? 2 : 1;
		goto done;
	}
	/* A file is written beside its final name and renamed into place once
	 * whole, so a resolver or IDS reloading it never reads half a list. */
	if (out) {
		tmp = oe_arena_printf(&a, "%s.tmp.XXXXXX", out);
		int fd = tmp ? mkstemp(tmp) : -1;
		if (fd >= 0) {
			mode_t um = umask(0);
			umask(um);
			if (fchmod(fd, 0666 & ~um) != 0 || !(o = fdopen(fd, "wb"))) {
				close(fd);
				unlink(tmp);
			}
		}
		if (!o) {
			oe_cli_err("export", "cannot create %s: %s", out, strerror(errno));
			rc = 1;
			goto done;
		}
	}
	ret = export_to(e, store, o ? o : stdout);
	if (!ret && (o ? fclose(o) : fflush(stdout)))
		ret = OE_EIO;
	else if (ret && o)
		fclose(o);
	o = NULL;
	if (!ret && out && rename(tmp, out) != 0)
		ret = OE_EIO;
	if (ret) {
		oe_cli_err("export", "%s",
			   ret == OE_EIO ? "cannot write the output" : oe_strerror(ret));
		if (out)
			unlink(tmp);
		rc = 1;
		goto done;
	}
	size_t listed, skipped;
	oe_svc_export_counts(e, &listed, &skipped);
	if (skipped)
		oe_cli_err("export", "%zu of %zu values skipped: not expressible as %s", skipped,
			   listed + skipped, oe_export_format_name(eo.fmt));
done:
	oe_svc_export_free(e);
	oe_arena_clear(&a);
	oe_store_close(store);
	oe_node_free(node);
	return rc;
}

static const char lookup_help[] =
    "usage: oureyes lookup --data DIR [--org NAME] VALUE...\n\n"
    "Look each VALUE up (its type detected and canonicalised) and print one JSON\n"
    "line per value: value, type, match, hits, warninglist, as GET /api/v1/lookup\n"
    "answers: every live indicator is read into the matcher first, so a hit's how\n"
    "is exact, cidr, parent-domain or url-host. Exit 0 when all were understood,\n"
    "1 otherwise.\n";

int oe_cmd_lookup(int argc, char **argv)
{
	static const struct option opts[] = {{"data", required_argument, NULL, 'd'},
					     {"org", required_argument, NULL, 'o'},
					     {"help", no_argument, NULL, 'h'},
					     {NULL, 0, NULL, 0}};
	const char *dir = NULL, *org = NULL;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': dir = optarg; break;
		case 'o': org = optarg; break;
		case 'h': fputs(lookup_help, stdout); return 0;
		default: fputs(lookup_help, stderr); return 2;
		}
	}
	if (optind == argc) {
		fputs(lookup_help, stderr);
		return 2;
	}
	oe_node *node;
	oe_store *store;
	int rc = oe_cli_open("lookup", dir, &node, &store);
	if (rc)
		return rc;
	oe_arena a = OE_ARENA_INIT;
	oe_ctx ctx = {.node = node, .store = store, .actor = "cli", .arena = &a};
	oe_matcher *m = NULL;
	oe_match_snap *snap = NULL;
	if ((rc = oe_cli_viewer("lookup", store, org, &a, &ctx.viewer)))
		goto out;
	/* The server's semantics: a snapshot of every live indicator, built
	 * here as the server builds its own. */
	int ret = oe_matcher_new(&m);
	if (!ret)
		ret = oe_svc_match_load(store, &snap);
	if (ret) {
		oe_cli_err("lookup", "cannot read the indicators: %s", oe_strerror(ret));
		rc = 1;
		goto out;
	}
	oe_matcher_publish(m, snap);
	node->match = m;
	for (int i = optind; i < argc; i++) {
		oe_lookup_result l;
		ret = oe_svc_lookup(&ctx, argv[i], strlen(argv[i]), &l);
		if (ret) {
			oe_cli_err("lookup", "%s", oe_strerror(ret));
			rc = 1;
			break;
		}
		if (l.error)
			rc = 1;
		oe_cli_print(oe_render_lookup(&l));
		oe_arena_clear(&a);
	}
out:
	node->match = NULL;
	oe_matcher_free(m);
	oe_arena_clear(&a);
	oe_store_close(store);
	oe_node_free(node);
	return rc;
}
