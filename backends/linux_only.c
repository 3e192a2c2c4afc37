/* SPDX-License-Identifier: MIT */
/*
 * linux_only.c: landlock, bwrap and firejail in the portable (macOS)
 * build: named, so --doctor lists them and `backend = landlock` says why
 * it cannot run, but never usable.
 */
#include "backend.h"

#include <stdio.h>

static int linux_only_probe(char *why, size_t whylen)
{
	snprintf(why, whylen, "Linux only: not built on this system");
	return -1;
}

static int linux_only_plan(const struct policy *p, const struct command *cmd,
			   struct plan *out, struct policy_error *err)
{
	(void)p;
	(void)cmd;
	(void)out;
	snprintf(err->msg, sizeof(err->msg), "this backend is Linux only");
	snprintf(err->hint, sizeof(err->hint), "choose sandbox-exec or docker");
	return -1;
}

const struct backend backend_landlock = {
	.name = "landlock", .id = BACKEND_LANDLOCK,
	.probe = linux_only_probe, .plan = linux_only_plan,
};
const struct backend backend_bwrap = {
	.name = "bwrap", .id = BACKEND_BWRAP,
	.probe = linux_only_probe, .plan = linux_only_plan,
};
const struct backend backend_firejail = {
	.name = "firejail", .id = BACKEND_FIREJAIL,
	.probe = linux_only_probe, .plan = linux_only_plan,
};
