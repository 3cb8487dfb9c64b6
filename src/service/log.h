/* log.h - structured logs: one JSON object per line on stderr.
 *
 * The daemon logs once, at the edge, where it knows the context (STYLE.md).
 * Fields are given as a jansson json_pack format and its arguments, e.g.
 *   oe_log(OE_LOG_INFO, "listening", "{s:s}", "url", url);
 * Never log a public client's address, user agent, or a receipt. */
#ifndef OE_LOG_H
#define OE_LOG_H

enum { OE_LOG_ERROR = 0, OE_LOG_WARN = 1, OE_LOG_INFO = 2, OE_LOG_DEBUG = 3 };

void oe_log_set_level(int level);
/* fmt may be NULL for a message without fields. */
void oe_log(int level, const char *msg, const char *fmt, ...);

#endif
