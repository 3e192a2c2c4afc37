/* SPDX-License-Identifier: MIT */
/* bwrap.c: the bwrap backend. */
#include "backend.h"

#include <stdio.h>

static int bwrap_probe(char *why, size_t whylen)
{
	snprintf(why, whylen, "the bwrap backend is not available in this build");
	return -1;
}

static int bwrap_plan(const struct policy *p, const struct command *cmd, struct plan *out,
		     struct policy_error *err)
{
	(void)p;
	(void)cmd;
	(void)out;
	snprintf(err->msg, sizeof(err->msg), "the bwrap backend is not available in this build");
	return -1;
}

const struct backend backend_bwrap = {
	.name = "bwrap",
	.id = BACKEND_BWRAP,
	.probe = bwrap_probe,
	.plan = bwrap_plan,
};
