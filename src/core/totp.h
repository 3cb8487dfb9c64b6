/* totp.h - time-based one-time passwords (RFC 6238): HMAC-SHA-1, 6 digits,
 * 30-second steps, computed by liboath. A code is accepted one step either
 * side of now (clocks drift, people type slowly); the step it matched is
 * returned so that the caller can refuse a second use of it. */
#ifndef OE_TOTP_H
#define OE_TOTP_H

#include <stddef.h>
#include <stdint.h>

#include "common.h"

#define OE_TOTP_SECRET_LEN 20 /* bytes: the HMAC-SHA-1 block size RFC 4226 suggests */
#define OE_TOTP_STEP	   30
#define OE_TOTP_DIGITS	   6
/* Base32 of a secret, without padding, plus NUL. */
#define OE_TOTP_B32_LEN 33

/* Check code (6 ASCII digits) against secret at unix time now. 0 and
 * *step (the matched step number) when it matches now-1..now+1 steps;
 * OE_EINVAL otherwise. */
int oe_totp_check(const uint8_t *secret, size_t len, int64_t now, const char *code, int64_t *step);
/* The code of secret for unix time now into out (7 bytes). */
int oe_totp_code(const uint8_t *secret, size_t len, int64_t now, char out[OE_TOTP_DIGITS + 1]);
/* The secret in base32 (RFC 4648, no padding), as authenticator apps take it. */
int oe_totp_base32(const uint8_t *secret, size_t len, char *out, size_t cap);

#endif
