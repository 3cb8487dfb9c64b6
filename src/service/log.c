/* log.c - JSON-lines logger (see log.h). One fputs per line keeps lines from
 * different threads whole. */
#include "log.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/common.h"

static int log_level = OE_LOG_INFO;
static const char *const names[] = {"error", "warn", "info", "debug"};

void oe_log_set_level(int level)
{
	log_level = level;
}

void oe_log(int level, const char *msg, const char *fmt, ...)
{
	if (level > log_level)
		return;
	json_t *o = json_object(), *fields = NULL;
	char ts[OE_TIME_BUF];
	oe_time_format(oe_now(), ts);
	json_object_set_new(o, "ts", json_string(ts));
	json_object_set_new(o, "level", json_string(names[level < 0 ? 0 : level > 3 ? 3 : level]));
	json_object_set_new(o, "msg", json_string(msg));
	if (fmt) {
		va_list ap;
		va_start(ap, fmt);
		fields = json_vpack_ex(NULL, 0, fmt, ap);
		va_end(ap);
		json_object_update(o, fields);
		json_decref(fields);
	}
	char *line = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(o);
	if (line) {
		fprintf(stderr, "%s\n", line);
		free(line);
	}
}
