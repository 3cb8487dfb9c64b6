/* config.h - the node's configuration: one declarative table of keys
 * (section, name, type, bounds, default, documentation), read from an INI
 * file and overridable by command-line flags. The same table writes the
 * documented default file that `oureyes init` puts in the data directory,
 * and `oureyes config` prints, so code, file and docs cannot drift apart. */
#ifndef OE_CONFIG_H
#define OE_CONFIG_H

#include <stdio.h>

#include "core/common.h"

typedef struct {
	/* [server] */
	char listen[128];
	int threads;
	char tls_cert[1024];
	char tls_key[1024];
	int insecure_http;
	int64_t max_body;   /* bytes */
	int64_t max_import; /* bytes, for /api/v1/import */
	int max_connections;
	int drain_seconds;
	/* [indicators] */
	char default_region[8];
	int default_tlp; /* oe_tlp */
	int default_confidence;
	char warninglists[1024];
	/* [public] */
	int64_t max_report_body; /* bytes */
	int rate;		 /* requests per minute per address, 0: off */
	int report_rate;	 /* reports per hour per address */
	int followup_failures;	 /* wrong receipts per hour per address */
	int prefix_failures;	 /* wrong receipts per hour per receipt prefix */
	/* [reports] */
	int report_tlp;
	int report_confidence;
	int64_t retention;	/* seconds, 0: forever */
	int64_t sweep_interval; /* seconds */
	char intake_secret_key[1024];
	/* [deadlines]: seconds per report category (service/report.h order) */
	int64_t deadline[10];
	/* [log] */
	int log_level; /* 0 error, 1 warn, 2 info, 3 debug */
	/* [sync]: pulling from partner nodes (sync/) */
	int64_t sync_interval;	      /* seconds between pulls of one peer */
	int64_t sync_backoff_max;     /* seconds, the longest wait after failures */
	int sync_page_limit;	      /* objects asked for per page */
	int64_t sync_max_page;	      /* bytes of one answer */
	int64_t sync_connect_timeout; /* seconds */
	int64_t sync_timeout;	      /* seconds, one request from start to end */
	/* [console]: sign-in and sessions (docs/console-auth.md) */
	int64_t idle_timeout;	  /* seconds without a request before a session ends */
	int64_t max_lifetime;	  /* seconds from sign-in before a session ends */
	int signin_user_failures; /* failed sign-ins per hour per user name */
	int signin_addr_failures; /* failed sign-ins per hour per client address */
} oe_config;

/* Fill c with every key's default. */
void oe_config_defaults(oe_config *c);
/* Read an INI file into c (keys absent keep their value). On a bad file,
 * an unknown key or a value out of bounds returns OE_EINVAL with
 * "FILE:LINE: message" in err. */
int oe_config_load(oe_config *c, const char *path, char *err, size_t errcap);
/* Set one key by "section.name" (flags use this). OE_EINVAL with a message
 * for unknown keys or bad values. */
int oe_config_set(oe_config *c, const char *key, const char *value, char *err, size_t errcap);
/* Write the documented INI file (every key, its default, bounds and
 * meaning) with c's values. */
void oe_config_write(const oe_config *c, FILE *f);

#endif
