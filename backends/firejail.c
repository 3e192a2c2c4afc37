/* SPDX-License-Identifier: MIT */
/* firejail.c: the firejail backend. */
#include "backend.h"

#include <stdio.h>

static int firejail_probe(char *why, size_t whylen)
{
	snprintf(why, whylen, "the firejail backend is not available in this build");
	return -1;
}

static int firejail_plan(const struct policy *p, const struct command *cmd, struct plan *out,
		     struct policy_error *err)
{
	(void)p;
	(void)cmd;
	(void)out;
	snprintf(err->msg, sizeof(err->msg), "the firejail backend is not available in this build");
	return -1;
}

const struct backend backend_firejail = {
	.name = "firejail",
	.id = BACKEND_FIREJAIL,
	.probe = firejail_probe,
	.plan = firejail_plan,
};
