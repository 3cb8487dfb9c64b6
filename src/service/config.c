/* config.c - the configuration table and its INI reader (see config.h). */
#include "config.h"

#include <errno.h>
#include <ini.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/tlp.h"

typedef enum { K_STR, K_INT, K_I64, K_BOOL, K_TLP, K_LEVEL, K_DUR } ktype;

typedef struct {
	const char *section, *name;
	ktype type;
	size_t off, size; /* size: for K_STR, the buffer */
	int64_t min, max;
	const char *def;
	const char *doc;
} kdef;

#define S(f) offsetof(oe_config, f), sizeof(((oe_config *)0)->f)
#define I(f) offsetof(oe_config, f), 0

static const kdef keys[] = {
    {"server", "listen", K_STR, S(listen), 0, 0, "127.0.0.1:8470",
     "Address and port to serve HTTP(S) on. A non-loopback address needs tls_cert and tls_key "
     "unless insecure_http is set."},
    {"server", "threads", K_INT, I(threads), 1, 256, "2", "Worker threads answering requests."},
    {"server", "tls_cert", K_STR, S(tls_cert), 0, 0, "", "PEM certificate file for HTTPS."},
    {"server", "tls_key", K_STR, S(tls_key), 0, 0, "", "PEM private key file for HTTPS."},
    {"server", "insecure_http", K_BOOL, I(insecure_http), 0, 1, "false",
     "Allow plain HTTP on a non-loopback address (behind a TLS-terminating proxy only)."},
    {"server", "max_body", K_I64, I(max_body), 1024, 1073741824, "1048576",
     "Largest request body in bytes for API calls; larger ones get 413."},
    {"server", "max_import", K_I64, I(max_import), 1024, 4294967296LL, "268435456",
     "Largest body in bytes for POST /api/v1/import."},
    {"server", "max_connections", K_INT, I(max_connections), 4, 100000, "1024",
     "Simultaneous client connections."},
    {"server", "drain_seconds", K_INT, I(drain_seconds), 0, 600, "10",
     "On SIGTERM, how long running requests may take to finish."},
    {"indicators", "default_region", K_STR, S(default_region), 0, 0, "ID",
     "ISO 3166 region for phone numbers written without a country code."},
    {"indicators", "default_tlp", K_TLP, I(default_tlp), 0, 4, "amber",
     "TLP of indicators submitted without one (clear, green, amber, amber+strict, red)."},
    {"indicators", "default_confidence", K_INT, I(default_confidence), 0, 100, "50",
     "Confidence (0-100) of indicators submitted without one."},
    {"indicators", "warninglists", K_STR, S(warninglists), 0, 0, "",
     "Directory of MISP warninglists (each */list.json) that flag benign values."},
    {"public", "max_report_body", K_I64, I(max_report_body), 65536, 1073741824, "56623104",
     "Largest body in bytes of a report or follow-up with its evidence files (5 files of "
     "10 MB each, encoded, and the text)."},
    {"public", "rate", K_INT, I(rate), 0, 1000000, "120",
     "Requests per minute one address may make to the public pages and API (0: no limit). "
     "Counted in memory only; no address is ever written anywhere."},
    {"public", "report_rate", K_INT, I(report_rate), 0, 1000000, "30",
     "Reports per hour one address may submit (0: no limit)."},
    {"public", "followup_failures", K_INT, I(followup_failures), 0, 1000000, "10",
     "Wrong receipts per hour one address may try before it is refused (0: no limit)."},
    {"public", "prefix_failures", K_INT, I(prefix_failures), 0, 1000000, "20",
     "Wrong receipts per hour that may start with the same four digits, from any address "
     "(0: no limit): a slow guess spread over many addresses meets this wall."},
    {"reports", "indicator_tlp", K_TLP, I(report_tlp), 0, 4, "amber",
     "TLP of reports and of the indicators taken from them."},
    {"reports", "indicator_confidence", K_INT, I(report_confidence), 0, 100, "30",
     "Confidence (0-100) of an indicator first known from a citizen's report."},
    {"reports", "retention", K_DUR, I(retention), 0, 100LL * 365 * 86400, "365d",
     "How long a closed or rejected report keeps its text, evidence and sealed data (0: "
     "forever). Its indicators and counts stay. Durations take s, m, h or d."},
    {"reports", "sweep_interval", K_DUR, I(sweep_interval), 1, 86400, "60s",
     "How often the server looks for overdue reports to log and reports to erase."},
    {"reports", "intake_secret_key", K_STR, S(intake_secret_key), 0, 0, "",
     "File of the intake secret key that opens sealed contact and payout details (empty: "
     "intake.key in the data directory). Keep it offline to make reveals impossible on the "
     "server itself."},
    {"deadlines", "phishing", K_DUR, I(deadline[0]), 1, 365LL * 86400, "72h",
     "Time to handle a phishing report."},
    {"deadlines", "online_scam", K_DUR, I(deadline[1]), 1, 365LL * 86400, "24h",
     "Time to handle an online scam report."},
    {"deadlines", "telecom_fraud", K_DUR, I(deadline[2]), 1, 365LL * 86400, "24h",
     "Time to handle a telecom fraud report."},
    {"deadlines", "investment_fraud", K_DUR, I(deadline[3]), 1, 365LL * 86400, "72h",
     "Time to handle an investment fraud report."},
    {"deadlines", "illegal_gambling", K_DUR, I(deadline[4]), 1, 365LL * 86400, "72h",
     "Time to handle an illegal online gambling report."},
    {"deadlines", "malware", K_DUR, I(deadline[5]), 1, 365LL * 86400, "72h",
     "Time to handle a malware report."},
    {"deadlines", "account_takeover", K_DUR, I(deadline[6]), 1, 365LL * 86400, "72h",
     "Time to handle an account takeover report."},
    {"deadlines", "infrastructure_attack", K_DUR, I(deadline[7]), 1, 365LL * 86400, "4h",
     "Time to handle a report of an attack on infrastructure."},
    {"deadlines", "data_leak", K_DUR, I(deadline[8]), 1, 365LL * 86400, "72h",
     "Time to handle a data leak report."},
    {"deadlines", "other", K_DUR, I(deadline[9]), 1, 365LL * 86400, "72h",
     "Time to handle any other report."},
    {"log", "level", K_LEVEL, I(log_level), 0, 3, "info",
     "Least severe log level written to stderr: error, warn, info, debug."},
    {"sync", "interval", K_DUR, I(sync_interval), 1, 86400, "60s",
     "How often the server pulls from each partner node (oureyes peer add)."},
    {"sync", "backoff_max", K_DUR, I(sync_backoff_max), 1, 7 * 86400, "1h",
     "Longest wait before retrying a partner after failures: the wait doubles with each "
     "failure in a row, from twice the interval, with random jitter of +-50%."},
    {"sync", "page_limit", K_INT, I(sync_page_limit), 1, 10000, "1000",
     "Objects asked for in one page of a partner's collection; each page is imported in "
     "one transaction with its cursor."},
    {"sync", "max_page", K_I64, I(sync_max_page), 65536, 1073741824, "33554432",
     "Largest answer in bytes taken from a partner; a larger one is an error and nothing "
     "of it is imported."},
    {"sync", "connect_timeout", K_DUR, I(sync_connect_timeout), 1, 600, "5s",
     "How long to wait for a partner to accept a connection."},
    {"sync", "timeout", K_DUR, I(sync_timeout), 1, 3600, "60s",
     "How long one request to a partner may take, from connecting to the last byte."},
    {"console", "idle_timeout", K_DUR, I(idle_timeout), 1, 7 * 86400, "30m",
     "A console session ends after this long without a request."},
    {"console", "max_lifetime", K_DUR, I(max_lifetime), 1, 30 * 86400, "12h",
     "A console session ends this long after sign-in, however busy."},
    {"console", "signin_user_failures", K_INT, I(signin_user_failures), 0, 1000000, "10",
     "Failed sign-ins per hour for one user name, from any address, before it is refused "
     "with 429 (0: no limit). Counted in memory only."},
    {"console", "signin_addr_failures", K_INT, I(signin_addr_failures), 0, 1000000, "30",
     "Failed sign-ins per hour from one address, for any user names, before it is refused "
     "with 429 (0: no limit). Counted in memory only; no address is written anywhere."},
};

static const char *const levels[] = {"error", "warn", "info", "debug"};

static const kdef *find(const char *section, const char *name)
{
	for (size_t i = 0; i < OE_ARRAY_SIZE(keys); i++)
		if (strcmp(keys[i].section, section) == 0 && strcmp(keys[i].name, name) == 0)
			return &keys[i];
	return NULL;
}

static int set(oe_config *c, const kdef *k, const char *v, char *err, size_t errcap)
{
	char *p = (char *)c + k->off;
	switch (k->type) {
	case K_STR:
		if (strlen(v) >= k->size) {
			snprintf(err, errcap, "%s.%s: longer than %zu bytes", k->section, k->name,
				 k->size - 1);
			return OE_EINVAL;
		}
		memcpy(p, v, strlen(v) + 1);
		return 0;
	case K_INT:
	case K_I64: {
		char *end;
		errno = 0;
		long long n = strtoll(v, &end, 10);
		if (errno || end == v || *end || n < k->min || n > k->max) {
			snprintf(err, errcap, "%s.%s: '%s' is not a whole number from %lld to %lld",
				 k->section, k->name, v, (long long)k->min, (long long)k->max);
			return OE_EINVAL;
		}
		if (k->type == K_I64)
			*(int64_t *)p = n;
		else
			*(int *)p = (int)n;
		return 0;
	}
	case K_BOOL:
		if (!strcasecmp(v, "true") || !strcasecmp(v, "yes") || !strcmp(v, "1") ||
		    !strcasecmp(v, "on"))
			*(int *)p = 1;
		else if (!strcasecmp(v, "false") || !strcasecmp(v, "no") || !strcmp(v, "0") ||
			 !strcasecmp(v, "off"))
			*(int *)p = 0;
		else {
			snprintf(err, errcap, "%s.%s: '%s' is not true or false", k->section,
				 k->name, v);
			return OE_EINVAL;
		}
		return 0;
	case K_TLP: {
		int t = oe_tlp_parse(v);
		if (t < 0) {
			snprintf(
			    err, errcap,
			    "%s.%s: '%s' is not a TLP (clear, green, amber, amber+strict, red)",
			    k->section, k->name, v);
			return OE_EINVAL;
		}
		*(int *)p = t;
		return 0;
	}
	case K_DUR: {
		/* A bare number is seconds; otherwise oe_duration_parse's units. */
		char buf[64];
		oe_time us = 0;
		size_t vl = strlen(v);
		bool bare = vl && vl < sizeof(buf) - 1 && v[vl - 1] >= '0' && v[vl - 1] <= '9';
		snprintf(buf, sizeof(buf), "%s%s", v, bare ? "s" : "");
		int64_t secs = 0;
		bool ok =
		    vl < sizeof(buf) - 1 && oe_duration_parse(buf, &us) == 0 && us % 1000000 == 0;
		if (ok)
			secs = us / 1000000;
		if (!ok || secs < k->min || secs > k->max) {
			snprintf(
			    err, errcap,
			    "%s.%s: '%s' is not a duration (a number with s, m, h, d or w) from "
			    "%llds to %llds",
			    k->section, k->name, v, (long long)k->min, (long long)k->max);
			return OE_EINVAL;
		}
		*(int64_t *)p = secs;
		return 0;
	}
	case K_LEVEL:
		for (int i = 0; i < 4; i++)
			if (!strcasecmp(v, levels[i])) {
				*(int *)p = i;
				return 0;
			}
		snprintf(err, errcap, "%s.%s: '%s' is not error, warn, info or debug", k->section,
			 k->name, v);
		return OE_EINVAL;
	}
	return OE_EINVAL;
}

void oe_config_defaults(oe_config *c)
{
	char err[256];
	memset(c, 0, sizeof(*c));
	for (size_t i = 0; i < OE_ARRAY_SIZE(keys); i++)
		set(c, &keys[i], keys[i].def, err, sizeof(err));
}

int oe_config_set(oe_config *c, const char *key, const char *value, char *err, size_t errcap)
{
	char section[64];
	const char *dot = strchr(key, '.');
	if (!dot || (size_t)(dot - key) >= sizeof(section)) {
		snprintf(err, errcap, "'%s': configuration keys are written section.name", key);
		return OE_EINVAL;
	}
	memcpy(section, key, (size_t)(dot - key));
	section[dot - key] = '\0';
	const kdef *k = find(section, dot + 1);
	if (!k) {
		snprintf(err, errcap, "unknown configuration key '%s'", key);
		return OE_EINVAL;
	}
	return set(c, k, value, err, errcap);
}

typedef struct {
	oe_config *c;
	char *err;
	size_t errcap;
	const char *path;
	int failed;
} load_ctx;

static int on_key(void *user, const char *section, const char *name, const char *value
#if INI_HANDLER_LINENO
		  ,
		  int lineno
#endif
)
{
	load_ctx *l = user;
	if (l->failed)
		return 0;
	const kdef *k = find(section, name);
	char msg[512];
	if (!k) {
		snprintf(l->err, l->errcap, "%s: unknown key '%s' in section [%s]", l->path, name,
			 section);
		l->failed = 1;
		return 0;
	}
	if (set(l->c, k, value, msg, sizeof(msg))) {
		snprintf(l->err, l->errcap, "%s: %s", l->path, msg);
		l->failed = 1;
		return 0;
	}
	return 1;
}

int oe_config_load(oe_config *c, const char *path, char *err, size_t errcap)
{
	load_ctx l = {c, err, errcap, path, 0};
	int rc = ini_parse(path, on_key, &l);
	if (rc == -1) {
		snprintf(err, errcap, "%s: cannot open: %s", path, strerror(errno));
		return OE_EINVAL;
	}
	if (l.failed)
		return OE_EINVAL;
	if (rc > 0) {
		snprintf(err, errcap, "%s:%d: not a valid INI line", path, rc);
		return OE_EINVAL;
	}
	if (rc < 0) {
		snprintf(err, errcap, "%s: cannot read", path);
		return OE_EINVAL;
	}
	return 0;
}

void oe_config_write(const oe_config *c, FILE *f)
{
	fprintf(f, "# oureyes configuration. Every key is shown with its default; flags on the\n"
		   "# command line (--section.name=value) override this file.\n");
	const char *cur = "";
	for (size_t i = 0; i < OE_ARRAY_SIZE(keys); i++) {
		const kdef *k = &keys[i];
		const char *p = (const char *)c + k->off;
		if (strcmp(cur, k->section) != 0) {
			fprintf(f, "\n[%s]\n", k->section);
			cur = k->section;
		}
		fprintf(f, "\n# %s\n", k->doc);
		if (k->type == K_INT || k->type == K_I64)
			fprintf(f, "# default %s, from %lld to %lld\n", k->def, (long long)k->min,
				(long long)k->max);
		else
			fprintf(f, "# default %s\n", *k->def ? k->def : "(empty)");
		switch (k->type) {
		case K_STR: fprintf(f, "%s = %s\n", k->name, p); break;
		case K_INT: fprintf(f, "%s = %d\n", k->name, *(const int *)p); break;
		case K_I64:
			fprintf(f, "%s = %lld\n", k->name, (long long)*(const int64_t *)p);
			break;
		case K_BOOL:
			fprintf(f, "%s = %s\n", k->name, *(const int *)p ? "true" : "false");
			break;
		case K_TLP: fprintf(f, "%s = %s\n", k->name, oe_tlp_name(*(const int *)p)); break;
		case K_LEVEL: fprintf(f, "%s = %s\n", k->name, levels[*(const int *)p]); break;
		case K_DUR: {
			int64_t d = *(const int64_t *)p;
			if (d && d % 86400 == 0)
				fprintf(f, "%s = %lldd\n", k->name, (long long)(d / 86400));
			else if (d && d % 3600 == 0)
				fprintf(f, "%s = %lldh\n", k->name, (long long)(d / 3600));
			else if (d && d % 60 == 0)
				fprintf(f, "%s = %lldm\n", k->name, (long long)(d / 60));
			else
				fprintf(f, "%s = %llds\n", k->name, (long long)d);
			break;
		}
		}
	}
}
