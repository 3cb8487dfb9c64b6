/* audit.c - the audit log's hash chain (see audit.h). */
#include "audit.h"

#include <sodium.h>
#include <string.h>

void oe_audit_hash(const uint8_t prev[OE_AUDIT_HASH_LEN], oe_time ts, const char *actor,
		   const char *action, const char *object, const char *detail,
		   uint8_t out[OE_AUDIT_HASH_LEN])
{
	crypto_generichash_state g;
	crypto_generichash_init(&g, NULL, 0, OE_AUDIT_HASH_LEN);
	crypto_generichash_update(&g, prev, OE_AUDIT_HASH_LEN);
	uint8_t tsb[8];
	for (int i = 0; i < 8; i++)
		tsb[i] = (uint8_t)((uint64_t)ts >> (56 - 8 * i));
	crypto_generichash_update(&g, tsb, 8);
	/* Each text with its NUL: ("ab","c") and ("a","bc") differ. */
	const char *parts[4] = {actor ? actor : "", action ? action : "", object ? object : "",
				detail ? detail : ""};
	for (int i = 0; i < 4; i++)
		crypto_generichash_update(&g, (const uint8_t *)parts[i], strlen(parts[i]) + 1);
	crypto_generichash_final(&g, out, OE_AUDIT_HASH_LEN);
}
