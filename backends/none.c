/* SPDX-License-Identifier: MIT */
/*
 * none.c: the explicit opt-out.  The command runs with clawshim's process
 * semantics only (new session, die with parent, limits, and on Linux
 * no_new_privs and the TIOCSTI/TIOCLINUX and setsid filter) and no
 * filesystem or network confinement.  Chosen only when named, and it says so.
 */
#include "backend.h"
#include "seccomp.h"

static int none_probe(char *why, size_t whylen)
{
	(void)why;
	(void)whylen;
	return 0;
}

static int none_plan(const struct policy *p, const struct command *cmd,
		     struct plan *out, struct policy_error *err)
{
	(void)cmd;
	if (plan_refuse_domains(p, "none", "it confines nothing", err))
		return -1;
	out->id = BACKEND_NONE;
	/* Even unconfined, the command must not inject keystrokes into the
	 * agent's terminal (CVE-2017-5226) nor leave the session that lets
	 * clawshim find and kill everything it started. */
	out->seccomp = SC_TTY | SC_SESSION | SC_POLICY;
#ifdef __linux__
	/* The portable build says what it gives in plan_add_common() alone. */
	plan_add(out, "new session, no controlling terminal", "setsid()", NULL, true);
	plan_add(out, "TIOCSTI/TIOCLINUX refused", "seccomp (low 32 bits compared)", NULL, true);
	plan_add(out, "no new privileges, capabilities dropped", "prctl, capset", NULL, true);
#endif
	plan_add(out, "filesystem and network confinement", NULL,
		 "backend none confines nothing", false);
	return 0;
}

const struct backend backend_none = {
	.name = "none",
	.id = BACKEND_NONE,
	.probe = none_probe,
	.plan = none_plan,
	.apply = NULL,
};
