/* common.c - helpers shared by the subcommands (see cli.h). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>

#include "cli.h"

void oe_cli_err(const char *cmd, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "oureyes %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int oe_cli_open(const char *cmd, const char *dir, oe_node **node, oe_store **store)
{
	char err[1024] = "";
	*node = NULL;
	*store = NULL;
	if (!dir) {
		oe_cli_err(cmd, "--data DIR is required");
		return 2;
	}
	if (oe_node_open(dir, NULL, NULL, 0, node, err, sizeof(err)) != 0) {
		oe_cli_err(cmd, "%s", err);
		return 1;
	}
	if (oe_node_store(*node, store, err, sizeof(err)) != 0) {
		oe_cli_err(cmd, "%s", err);
		oe_node_free(*node);
		*node = NULL;
		return 1;
	}
	return 0;
}

int oe_cli_viewer(const char *cmd, oe_store *s, const char *name, oe_arena *a, oe_viewer *v)
{
	oe_org o;
	int ret = s->ops->org_get(s, name ? 0 : 1, name, a, &o);
	if (ret) {
		oe_cli_err(cmd, "no organisation named '%s' (oureyes org list)", name ? name : "?");
		return 1;
	}
	memset(v, 0, sizeof(*v));
	v->org_id = o.id;
	v->role = OE_ROLE_ADMIN;
	size_t ng = 0, np = 0;
	if (s->ops->share->viewer_groups(s, o.id, false, v->groups, OE_VIEWER_GROUPS_MAX, &ng,
					 v->peer_groups, OE_VIEWER_GROUPS_MAX, &np)) {
		oe_cli_err(cmd, "cannot read the sharing groups of '%s'", o.name);
		return 1;
	}
	v->ngroups = (uint8_t)ng;
	return 0;
}

void oe_cli_print(json_t *j)
{
	char *s = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(j);
	if (s) {
		puts(s);
		free(s);
	}
	fflush(stdout);
}
