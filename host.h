/* SPDX-License-Identifier: MIT */
/*
 * host.h: what main() needs from the system that Linux and the portable
 * (macOS) build do differently: host_linux.c or host_posix.c, chosen by
 * the Makefile.
 */
#ifndef CLAWSHIM_HOST_H
#define CLAWSHIM_HOST_H

#include "process/process.h"

/* An anonymous, close-on-exec file (memfd; elsewhere an unlinked temporary
 * file); -1 and errno on failure. */
int host_anon_file(const char *name);

/* Set cs->prog to the seccomp program the plan needs, or NULL; dies (exit
 * 125) when it cannot be built. */
void host_set_filter(struct child_spec *cs, const struct policy *p, const struct plan *pl);

/* Clawshim's filter on a fresh descriptor, for a wrapper: BPF, or an
 * engine's JSON profile; -1 and errno on failure. */
int host_export_filter(const struct child_spec *cs);

/* Root is exempt from RLIMIT_NPROC: a descriptor on a pids cgroup that
 * holds max_processes, or -1 when none is needed; refuses (exit 125) when
 * the limit cannot be held, unless best_effort. */
int host_root_process_limit(const struct policy *p);

#endif
