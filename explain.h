/* SPDX-License-Identifier: MIT */
/* explain.h: --explain and --doctor. */
#ifndef CLAWSHIM_EXPLAIN_H
#define CLAWSHIM_EXPLAIN_H

#include "backends/backend.h"

/* --explain; `unavailable`: why the named backend cannot run here, or NULL. */
int explain(const struct policy *p, const struct backend *be, const struct plan *pl,
	    char *const *argv, bool json, const char *unavailable);
int doctor(const struct policy *p, const struct command *cmd, bool json);

#endif
