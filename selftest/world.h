/* SPDX-License-Identifier: MIT */
/* world.h: the scratch world of one --selftest run (world.c). */
#ifndef CLAWSHIM_SELFTEST_WORLD_H
#define CLAWSHIM_SELFTEST_WORLD_H

#include "selftest.h"

/* Make the scratch directory, home, secret, workspace, outside file,
 * probe copies, listeners and helper process.  Dies (125) on failure. */
void world_make(struct st_world *w, const struct strv *policies);
/* Stop the listeners and the helper, remove the scratch directory. */
void world_remove(struct st_world *w);
/* Append argv with @VARS@ expanded. */
void world_expand(const struct st_world *w, const char *const *argv, struct strv *out);
/* The policy file holding case c's own lines (written on first use). */
const char *world_case_policy(const struct st_world *w, const struct st_case *c);
/* What an escape may not change outside, as one string to compare. */
char *world_state(const struct st_world *w);
/* Put the files outside back as world_make made them. */
void world_restore(struct st_world *w);
/* Accept and read whatever reached the listeners; true if anything did. */
bool world_drain(struct st_world *w);
/* Undo what a control run did (a hardlink it made). */
void world_after_control(struct st_world *w, const struct st_case *c);
/* Is the helper outside still alive?  (Restarted when it is not.) */
bool world_helper_alive(struct st_world *w);
/* Is `prog` on the world's PATH on this host? */
bool world_host_has(const struct st_world *w, const char *prog);
/* A fresh marker for the process cases of backend b, case ci. */
void world_new_mark(struct st_world *w, const char *b, size_t ci);

#endif
