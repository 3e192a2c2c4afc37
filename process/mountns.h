/* SPDX-License-Identifier: MIT */
/*
 * mountns.h: making a mount plan (backends/mountns_plan.h) true in the
 * child's private mount namespace.
 */
#ifndef CLAWSHIM_MOUNTNS_H
#define CLAWSHIM_MOUNTNS_H

#include <stdbool.h>
#include <sys/types.h>

#include "../backends/mountns_plan.h"

/* In the child, in its new mount namespace (and user namespace when
 * `userns`, mapping uid and gid to themselves): make the plan true.
 * Dies on any failure: a protection that cannot be made is not skipped. */
void mountns_apply(const struct mount_plan *mp, bool userns, uid_t uid, gid_t gid);

#endif
