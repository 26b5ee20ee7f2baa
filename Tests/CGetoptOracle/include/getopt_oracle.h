#ifndef GETOPT_ORACLE_H
#define GETOPT_ORACLE_H
#include <stddef.h>

/* Test oracle: runs glibc's getopt_long over argv (argv[0] is the program) and writes what it
 * returned into `out`, one line each: "<short>" or "<long name>" for an option, "=<value>"
 * appended when it has one; only "HELP" when it returns 'h', only "ERROR" when it returns '?'
 * (what came before does not count: the commands stop there); then "--" and one line per remaining argument. Returns 0, or -1 if `out` is
 * too small. */
int getopt_oracle(int argc, char **argv, const char *optstring,
                  const char **long_names, const int *long_has_arg, const int *long_val, int nlong,
                  char *out, size_t outlen);
#endif
