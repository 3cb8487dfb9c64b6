/* totp.c - RFC 6238 codes through liboath (see totp.h). */
#include "totp.h"

#include <liboath/oath.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

static pthread_once_t once = PTHREAD_ONCE_INIT;
static int init_rc = -1;

static void init(void)
{
	init_rc = oath_init();
}

int oe_totp_check(const uint8_t *secret, size_t len, int64_t now, const char *code, int64_t *step)
{
	pthread_once(&once, init);
	if (init_rc != OATH_OK || !code || strlen(code) != OE_TOTP_DIGITS ||
	    strspn(code, "0123456789") != OE_TOTP_DIGITS)
		return OE_EINVAL;
	int pos = 0;
	uint64_t counter = 0;
	int rc = oath_totp_validate3((const char *)secret, len, (time_t)now, OE_TOTP_STEP, 0, 1,
				     &pos, &counter, code);
	if (rc < 0)
		return OE_EINVAL;
	*step = (int64_t)counter;
	return 0;
}

int oe_totp_code(const uint8_t *secret, size_t len, int64_t now, char out[OE_TOTP_DIGITS + 1])
{
	pthread_once(&once, init);
	if (init_rc != OATH_OK)
		return OE_EIO;
	return oath_totp_generate((const char *)secret, len, (time_t)now, OE_TOTP_STEP, 0,
				  OE_TOTP_DIGITS, out) == OATH_OK
		   ? 0
		   : OE_EINVAL;
}

int oe_totp_base32(const uint8_t *secret, size_t len, char *out, size_t cap)
{
	pthread_once(&once, init);
	char *b = NULL;
	size_t bl = 0;
	if (init_rc != OATH_OK || oath_base32_encode((const char *)secret, len, &b, &bl) != OATH_OK)
		return OE_EINVAL;
	while (bl && b[bl - 1] == '=')
		bl--;
	int ret = bl < cap ? 0 : OE_ETOOBIG;
	if (!ret) {
		memcpy(out, b, bl);
		out[bl] = '\0';
	}
	free(b);
	return ret;
}
