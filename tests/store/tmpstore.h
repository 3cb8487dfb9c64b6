/* tmpstore.h - the store tests' fixture: a new SQLite store in a fresh
 * temporary directory, and its removal with everything in it. Static
 * inline: each store test is one program. */
#ifndef OE_TEST_TMPSTORE_H
#define OE_TEST_TMPSTORE_H

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "store/store.h"

/* A new store in a new directory /tmp/oe-<name>-XXXXXX (its path written
 * into dir): 0, or -1 with the reason on stderr. */
static inline int tmpstore_open(const char *name, char dir[64], oe_store **s)
{
	snprintf(dir, 64, "/tmp/oe-%s-XXXXXX", name);
	if (!mkdtemp(dir))
		return -1;
	char err[256];
	if (oe_store_open(dir, true, s, err, sizeof(err)) != 0) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	return 0;
}

/* Close s (NULL is fine) and remove dir: 0 or -1. */
static inline int tmpstore_close(const char *dir, oe_store *s)
{
	oe_store_close(s);
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

#endif
