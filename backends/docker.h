/* SPDX-License-Identifier: MIT */
/*
 * docker.h: the docker backend's pure planner, for tests.  docker_plan()
 * (backend_docker.plan) gathers what it reads from the host into a
 * struct docker_host and calls docker_plan_build(), which only computes.
 */
#ifndef CLAWSHIM_DOCKER_H
#define CLAWSHIM_DOCKER_H

#include <sys/types.h>

#include "backend.h"

/* Everything the planner takes from the host, so the argv is a function
 * of the policy, the command and this. */
struct docker_host {
	const char *engine;     /* absolute path of docker or podman */
	bool podman;            /* the engine is podman (no daemon) */
	const char *name;       /* the container's name, unique */
	uid_t uid;
	gid_t gid;
	bool tty;               /* stdin and stdout are terminals: -t */
	const char *cwd;        /* canonical */
	const char *home;       /* $HOME, or NULL */
	char *const *envp;      /* the environment the engine CLI gets */
	char *const *sockets;   /* engine sockets, where they really are */
};

/* Policy + command + host -> the exact `ENGINE run ...` argv, its cleanup
 * (`ENGINE rm -f NAME`) and the guarantees.  -1 with err set when the
 * policy asks for what the engine cannot enforce (and is not best_effort),
 * or would mount an engine socket (always). */
int docker_plan_build(const struct policy *p, const struct command *cmd,
		      const struct docker_host *h, struct plan *out,
		      struct policy_error *err);

/* The engine sockets that must never be mounted: the well-known paths,
 * $DOCKER_HOST's and $CONTAINER_HOST's, rootless and Docker Desktop ones,
 * symlinks resolved (as far as they exist).  Reads the environment. */
void docker_engine_sockets(struct strv *out);

#endif
