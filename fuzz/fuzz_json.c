/* fuzz_json.c - the bounded JSON entry point every API body goes through. */
#include <stdint.h>
#include <stddef.h>

#include "core/json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *j = NULL;
	char err[256];
	if (oe_json_parse((const char *)data, size, &j, err, sizeof(err)) == 0)
		json_decref(j);
	return 0;
}
