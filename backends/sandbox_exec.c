/* SPDX-License-Identifier: MIT */
/* sandbox_exec.c: the sandbox-exec backend. */
#include "backend.h"

#include <stdio.h>

static int sandbox_exec_probe(char *why, size_t whylen)
{
	snprintf(why, whylen, "the sandbox-exec backend is not available in this build");
	return -1;
}

static int sandbox_exec_plan(const struct policy *p, const struct command *cmd, struct plan *out,
		     struct policy_error *err)
{
	(void)p;
	(void)cmd;
	(void)out;
	snprintf(err->msg, sizeof(err->msg), "the sandbox-exec backend is not available in this build");
	return -1;
}

const struct backend backend_sandbox_exec = {
	.name = "sandbox-exec",
	.id = BACKEND_SANDBOX_EXEC,
	.probe = sandbox_exec_probe,
	.plan = sandbox_exec_plan,
};
