/* SPDX-License-Identifier: MIT */
/* limits.c: the policy's resource limits, with setrlimit (every system). */
#include "process.h"

#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

static const int limit_resource[LIMIT_COUNT] = {
	[LIMIT_PROCESSES] = RLIMIT_NPROC,
	[LIMIT_MEMORY] = RLIMIT_DATA,
	[LIMIT_CPU] = RLIMIT_CPU,
	[LIMIT_FILE_SIZE] = RLIMIT_FSIZE,
	[LIMIT_OPEN_FILES] = RLIMIT_NOFILE,
};
static const char *const limit_key[LIMIT_COUNT] = {
	[LIMIT_PROCESSES] = "max_processes",
	[LIMIT_MEMORY] = "max_memory",
	[LIMIT_CPU] = "max_cpu",
	[LIMIT_FILE_SIZE] = "max_file_size",
	[LIMIT_OPEN_FILES] = "max_open_files",
};

/* Every limit can be set: lowering always works; raising a hard limit
 * needs CAP_SYS_RESOURCE, which clawshim never assumes.  A built-in
 * default above the caller's hard limit is only a ceiling that already
 * holds: the caller's lower limit stays.  A value a policy file asks for
 * is an amount the command may rely on, so not having it is an error. */
int limits_check(struct policy *p, struct policy_error *err)
{
	for (int i = 0; i < LIMIT_COUNT; i++) {
		const struct pol_num *l = &p->limit[i];
		struct rlimit rl;
#ifdef __APPLE__
		/* macOS's malloc gets memory with mmap, which XNU is not known
		 * to hold to RLIMIT_DATA (nor RLIMIT_AS): a memory limit is not
		 * claimed.  The built-in ceiling is dropped (--explain says so),
		 * a policy's refused unless best_effort. */
		if (i == LIMIT_MEMORY && l->set && l->val != LIMIT_UNLIMITED) {
			bool builtin = !l->from.layer || strcmp(l->from.layer, "built-in") == 0;
			if (!builtin && !p->best_effort.val) {
				char o[300];
				snprintf(err->msg, sizeof(err->msg),
					 "%s: max_memory cannot be enforced on macOS: setrlimit does not "
					 "bound mmap'd memory there", origin_str(&l->from, o, sizeof(o)));
				snprintf(err->hint, sizeof(err->hint),
					 "set max_memory = unlimited, or best_effort = true");
				return -1;
			}
			if (!builtin)
				warn("best_effort: max_memory is not enforced on macOS");
			p->limit[i].set = false;
			continue;
		}
#endif
		/* unlimited: clawshim sets nothing, the inherited limit stays. */
		if (!l->set || l->val == LIMIT_UNLIMITED || !l->from.layer || getrlimit(limit_resource[i], &rl) != 0)
			continue;
		rlim_t want = l->val == LIMIT_UNLIMITED ? RLIM_INFINITY : (rlim_t)l->val;
		if (rl.rlim_max != RLIM_INFINITY && (want == RLIM_INFINITY || want > rl.rlim_max)) {
			if (strcmp(l->from.layer, "built-in") == 0) {
				p->limit[i].val = (long long)rl.rlim_max;
				continue;
			}
			char o[300];
			snprintf(err->msg, sizeof(err->msg),
				 "%s: %s = %lld is above this process's hard limit %llu",
				 origin_str(&l->from, o, sizeof(o)), limit_key[i], l->val,
				 (unsigned long long)rl.rlim_max);
			snprintf(err->hint, sizeof(err->hint),
				 "lower %s, or raise the hard limit before starting clawshim", limit_key[i]);
			return -1;
		}
	}
	return 0;
}

/* Soft and hard limits both set, so the command cannot raise them back.
 * `core_only`: a wrapper applies the policy's limits itself. */
void limits_apply(const struct policy *p, bool core_only)
{
	struct rlimit zero = { 0, 0 };
	/* Core dumps off: a crashing command must not write its memory (which
	 * may hold secrets read before confinement) to disk. */
	if (setrlimit(RLIMIT_CORE, &zero) != 0)
		die_errno("setrlimit(RLIMIT_CORE)");
	for (int i = 0; i < LIMIT_COUNT && !core_only; i++) {
		const struct pol_num *l = &p->limit[i];
		if (!l->set || l->val == LIMIT_UNLIMITED)
			continue;
		rlim_t v = l->val == LIMIT_UNLIMITED ? RLIM_INFINITY : (rlim_t)l->val;
		struct rlimit rl = { v, v };
		if (setrlimit(limit_resource[i], &rl) != 0)
			die_errno("setrlimit(%s)", limit_key[i]);
	}
}
