/* uuid.h - UUIDs as STIX uses them: v4 for new objects, v5 for ids derived
 * from content (so the same value gets the same id on every node). */
#ifndef OE_UUID_H
#define OE_UUID_H

#include <stdint.h>
#include <stddef.h>

#define OE_UUID_STR 37 /* 36 chars + NUL */

typedef struct {
	uint8_t b[16];
} oe_uuid;

void oe_uuid_v4(oe_uuid *u);
/* RFC 4122 name-based UUID (SHA-1) of name in namespace ns. */
void oe_uuid_v5(const oe_uuid *ns, const void *name, size_t len, oe_uuid *u);
void oe_uuid_format(const oe_uuid *u, char out[OE_UUID_STR]);
/* Parses "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" (any case). 0 or -1. */
int oe_uuid_parse(const char *s, oe_uuid *u);

/* The namespace of oureyes indicator ids: indicator--uuid5(ns, "type:value"). */
extern const oe_uuid oe_uuid_ns_indicator;

#endif
