/* SPDX-License-Identifier: MIT */
/* none.c: --selftest in a build without the conformance corpus (macOS:
 * its cases and probe are Linux system calls). */
#include "selftest.h"

int selftest(const char *backend, const struct strv *policies, bool json)
{
	(void)backend;
	(void)policies;
	(void)json;
	warn("--selftest is not built on this system: its corpus probes Linux system calls");
	hint("use --explain to see how each guarantee is enforced here");
	return EXIT_SETUP;
}
