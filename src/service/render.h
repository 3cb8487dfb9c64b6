/* render.h - the JSON form of each object, one rendering shared by the
 * HTTP API and the command line. Each returns a new reference. */
#ifndef OE_RENDER_H
#define OE_RENDER_H

#include <jansson.h>

#include "service.h"

json_t *oe_render_indicator(const oe_indicator_row *row);
/* The same JSON appended to a buffer (the jansson forms are parsed from it,
 * so there is one rendering). */
void oe_render_indicator_buf(oe_buf *b, const oe_indicator_row *row);
/* The answer to an import: counts and every refused object with its reason. */
json_t *oe_render_import(const oe_import_set *set, const oe_import_result *res);
/* One lookup result: value, type, match, hits, warninglist (and error). */
json_t *oe_render_lookup(const oe_lookup_result *l);
void oe_render_lookup_buf(oe_buf *b, const oe_lookup_result *l);

#endif
