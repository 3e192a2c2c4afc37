/* SPDX-License-Identifier: MIT */
/* docker.c: the docker backend. */
#include "backend.h"

#include <stdio.h>

static int docker_probe(char *why, size_t whylen)
{
	snprintf(why, whylen, "the docker backend is not available in this build");
	return -1;
}

static int docker_plan(const struct policy *p, const struct command *cmd, struct plan *out,
		     struct policy_error *err)
{
	(void)p;
	(void)cmd;
	(void)out;
	snprintf(err->msg, sizeof(err->msg), "the docker backend is not available in this build");
	return -1;
}

const struct backend backend_docker = {
	.name = "docker",
	.id = BACKEND_DOCKER,
	.probe = docker_probe,
	.plan = docker_plan,
};
