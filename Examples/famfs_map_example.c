/*
 * famfs_map_example - map a famfs file with libfamfsmap and checksum its bytes.
 *
 *   famfs_map_example <file in a famfs mount>
 *   famfs_map_example --device <device> --yaml <fmap yaml file>   (no mount needed)
 *
 * Prints the file size and the FNV-1a 64-bit hash of its bytes, read straight from the shared
 * memory through the mapping.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "famfs_map.h"

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return NULL;
	size_t cap = 4096, len = 0;
	char *buf = malloc(cap);
	size_t n;
	while (buf && (n = fread(buf + len, 1, cap - len - 1, f)) > 0) {
		len += n;
		if (cap - len - 1 == 0) {
			cap *= 2;
			buf = realloc(buf, cap);
		}
	}
	fclose(f);
	if (buf)
		buf[len] = '\0';
	return buf;
}

int main(int argc, char **argv)
{
	void *addr = NULL;
	size_t size = 0;
	int rc;

	if (argc == 2) {
		rc = famfs_map_file(argv[1], 0, &addr, &size);
	} else if (argc == 5 && strcmp(argv[1], "--device") == 0 && strcmp(argv[3], "--yaml") == 0) {
		char *yaml = slurp(argv[4]);
		if (!yaml) {
			fprintf(stderr, "%s: %s\n", argv[4], strerror(errno));
			return 1;
		}
		rc = famfs_map_yaml(argv[2], yaml, 0, &addr, &size);
		free(yaml);
	} else {
		fprintf(stderr, "usage: %s <famfs file>\n       %s --device <dev> --yaml <fmap.yaml>\n",
			argv[0], argv[0]);
		return 2;
	}
	if (rc != 0) {
		const char *msg = famfs_map_last_error();
		fprintf(stderr, "famfs_map: %s (%s)\n", msg ? msg : "failed", strerror(-rc));
		return 1;
	}

	/* Another host may have written the data: drop stale cache lines first. */
	famfs_map_invalidate(addr, size);
	const unsigned char *p = addr;
	uint64_t h = 0xcbf29ce484222325ULL;
	for (size_t i = 0; i < size; i++) {
		h ^= p[i];
		h *= 0x100000001b3ULL;
	}
	printf("size: %zu\nfnv1a64: 0x%016llx\n", size, (unsigned long long)h);

	rc = famfs_unmap_file(addr);
	if (rc != 0) {
		fprintf(stderr, "famfs_unmap_file: %s\n", famfs_map_last_error());
		return 1;
	}
	return 0;
}
