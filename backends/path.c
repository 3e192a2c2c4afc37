/* SPDX-License-Identifier: MIT */
/* path.c: the path backend. */
#include "backend.h"

#include <stdio.h>

static int path_probe(char *why, size_t whylen)
{
	snprintf(why, whylen, "the path backend is not available in this build");
	return -1;
}

static int path_plan(const struct policy *p, const struct command *cmd, struct plan *out,
		     struct policy_error *err)
{
	(void)p;
	(void)cmd;
	(void)out;
	snprintf(err->msg, sizeof(err->msg), "the path backend is not available in this build");
	return -1;
}

const struct backend backend_path = {
	.name = "path",
	.id = BACKEND_PATH,
	.probe = path_probe,
	.plan = path_plan,
};
