/* cli.h - the command line: one function per subcommand, each parsing its
 * own options, calling the service layer, and printing JSON on stdout.
 * Errors go to stderr as "oureyes CMD: message" with a non-zero exit:
 * 1 failure, 2 usage, 3 partly done (an import that refused objects). */
#ifndef OE_CLI_H
#define OE_CLI_H

#include <jansson.h>

#include "service/service.h"

int oe_cmd_init(int argc, char **argv);
int oe_cmd_serve(int argc, char **argv);
int oe_cmd_import(int argc, char **argv);
int oe_cmd_export(int argc, char **argv);
int oe_cmd_lookup(int argc, char **argv);
int oe_cmd_match(int argc, char **argv);
int oe_cmd_user(int argc, char **argv);
int oe_cmd_key(int argc, char **argv);
int oe_cmd_org(int argc, char **argv);
int oe_cmd_config(int argc, char **argv);
int oe_cmd_peer(int argc, char **argv);
int oe_cmd_group(int argc, char **argv);
int oe_cmd_sync(int argc, char **argv);
int oe_cmd_audit(int argc, char **argv);
int oe_cmd_case(int argc, char **argv);

/* Print "oureyes CMD: message" on stderr. */
void oe_cli_err(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Open the node at dir and a store connection; on failure prints why. */
int oe_cli_open(const char *cmd, const char *dir, oe_node **node, oe_store **store);
/* The organisation to act as: by name, or the node's first organisation
 * when name is NULL. Fills *v as an admin of it. */
int oe_cli_viewer(const char *cmd, oe_store *s, const char *name, oe_arena *a, oe_viewer *v);
/* Print a JSON value (reference stolen) on stdout as one line. */
void oe_cli_print(json_t *j);

#endif
