/* libFuzzer harness for qemu-img info's JSON parser (libpvx image.c): the text
 * carries strings from image files (backing file names), which may be hostile.
 * Any input either fails with a message or gives a chain whose fields hold
 * NUL-terminated strings; the chain formats back to JSON. */
#include "libpvx/image.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pvx_image_info info;
	struct pvx_err err = { 0 };
	char *s = malloc(size + 1), *json = NULL;
	int rc;

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	rc = pvx_image_info_parse(s, &info, &err);
	if (rc < 0 && !err.msg[0])
		abort();
	if (rc == 0) {
		for (size_t i = 0; i < info.n; i++)
			if (!info.layers[i].filename || strlen(info.layers[i].format) >= 16)
				abort();
		if (pvx_image_info_to_json(&info, &json) == 0 && !json)
			abort();
	}
	free(json);
	pvx_image_info_free(&info);
	free(s);
	return 0;
}
