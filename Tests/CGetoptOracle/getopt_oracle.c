#define _GNU_SOURCE
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "getopt_oracle.h"

static int append(char *out, size_t outlen, size_t *used, const char *s)
{
	size_t n = strlen(s);
	if (*used + n + 1 > outlen)
		return -1;
	memcpy(out + *used, s, n + 1);
	*used += n;
	return 0;
}

int getopt_oracle(int argc, char **argv, const char *optstring,
		  const char **long_names, const int *long_has_arg, const int *long_val, int nlong,
		  char *out, size_t outlen)
{
	struct option *opts = calloc(nlong + 1, sizeof(*opts));
	size_t used = 0;
	char line[4096];
	int c, i, rc = 0;

	for (i = 0; i < nlong; i++) {
		opts[i].name = long_names[i];
		opts[i].has_arg = long_has_arg[i];
		opts[i].val = long_val[i];
	}
	out[0] = 0;
	optind = 0; /* glibc: full re-initialisation */
	opterr = 0;
	while ((c = getopt_long(argc, argv, optstring, opts, NULL)) != -1) {
		if (c == 'h') {
			used = 0;
			rc |= append(out, outlen, &used, "HELP\n");
			goto done;
		}
		if (c == '?') {
			used = 0;
			rc |= append(out, outlen, &used, "ERROR\n");
			goto done;
		}
		if (c >= 256)
			snprintf(line, sizeof(line), "%s", opts[c - 256].name);
		else
			snprintf(line, sizeof(line), "%c", c);
		if (optarg) {
			strncat(line, "=", sizeof(line) - strlen(line) - 1);
			strncat(line, optarg, sizeof(line) - strlen(line) - 1);
		}
		strncat(line, "\n", sizeof(line) - strlen(line) - 1);
		rc |= append(out, outlen, &used, line);
	}
	rc |= append(out, outlen, &used, "--\n");
	for (i = optind; i < argc; i++) {
		snprintf(line, sizeof(line), "%s\n", argv[i]);
		rc |= append(out, outlen, &used, line);
	}
done:
	free(opts);
	return rc;
}
