/* libFuzzer harness for the kernel image loader: elf_image_parse (gzip included)
 * then elf_image_load into a 1 MiB guest RAM. Any crash or sanitizer report is a bug. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "libpvx/elfimg.h"

#define FUZZ_RAM_BYTES (1u << 20)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t *ram;
	struct elf_image img;
	struct pvx_err perr = { 0 };

	if (!ram) {
		ram = malloc(FUZZ_RAM_BYTES);
		if (!ram)
			abort();
	}
	if (elf_image_parse(data, size, &img, &perr) != 0) {
		if (img.data || !memchr(perr.msg, '\0', sizeof(perr.msg)) || perr.msg[0] == '\0')
			abort(); /* a failed parse must leave nothing and say why */
		return 0;
	}
	if (elf_image_load(&img, ram, FUZZ_RAM_BYTES, 0, &perr) != 0 &&
	    img.pend <= FUZZ_RAM_BYTES)
		abort(); /* a parsed image that fits must load */
	elf_image_fini(&img);
	return 0;
}
