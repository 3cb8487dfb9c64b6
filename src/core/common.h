/* common.h - error codes, time and small helpers shared by every layer.
 *
 * Functions across the project return int: 0 on success, a negative OE_E*
 * code on failure. Times are int64 microseconds since the Unix epoch (UTC),
 * which is what TAXII 2.1 needs for its date_added timestamps. */
#ifndef OE_COMMON_H
#define OE_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

enum {
	OE_OK = 0,
	OE_EINVAL = -1, /* bad input from outside */
	OE_ENOMEM = -2, /* allocation failed */
	OE_EIO = -3,	/* storage or file system */
	OE_ENOTFOUND = -4,
	OE_EEXIST = -5,
	OE_EPERM = -6,	 /* authenticated but not allowed */
	OE_EAUTH = -7,	 /* not authenticated */
	OE_ETOOBIG = -8, /* over a hard limit */
	OE_ECONFLICT = -9,
	OE_EVERSION = -10 /* data from a newer version of oureyes */
};

typedef int64_t oe_time; /* microseconds since 1970-01-01T00:00:00Z */

/* Now, in microseconds. */
oe_time oe_now(void);

/* Format t as RFC 3339 with millisecond precision ("2026-11-22T00:24:29.123Z",
 * as STIX writes timestamps) into buf (at least OE_TIME_BUF bytes). */
#define OE_TIME_BUF 32
void oe_time_format(oe_time t, char *buf);
/* Same with microsecond precision (TAXII date_added). */
void oe_time_format_us(oe_time t, char *buf);
/* Parse an RFC 3339 timestamp ("2026-11-22T00:24:29Z", fractions up to 9
 * digits, "Z" or "+07:00" offsets). Returns 0 or OE_EINVAL. */
int oe_time_parse(const char *s, oe_time *out);
/* Parse a duration: a whole number and a unit, s, m, h, d or w ("30d",
 * "12h"), at most OE_DURATION_MAX. Returns 0 or OE_EINVAL. */
#define OE_DURATION_MAX ((oe_time)100 * 366 * 86400 * 1000000) /* a century */
int oe_duration_parse(const char *s, oe_time *out);

/* A short English name for an error code. */
const char *oe_strerror(int err);

#define OE_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif
