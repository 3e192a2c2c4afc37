/* SPDX-License-Identifier: MIT */
/* testutil.h: scaffolding the planners' unit tests share (temp trees,
 * policies built by hand).  Header-only: each test is one program. */
#ifndef CLAWSHIM_TESTUTIL_H
#define CLAWSHIM_TESTUTIL_H

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../common.h"
#include "../../policy/policy.h"

/* Make root/rel: a directory ('d') or an empty file (anything else).
 * Returns 0, or -1 and errno. */
static inline int tu_mk(const char *root, const char *rel, char kind)
{
	char *p = xasprintf("%s/%s", root, rel);
	int rc = 0;
	if (kind == 'd') {
		rc = mkdir(p, 0755);
	} else {
		int fd = open(p, O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
		rc = fd < 0 ? -1 : close(fd);
	}
	free(p);
	return rc;
}

/* Remove a temporary tree; 0 on success. */
static inline int tu_rm_rf(const char *dir)
{
	char *cmd = xasprintf("rm -rf '%s'", dir);
	int r = system(cmd);
	free(cmd);
	return r == 0 ? 0 : -1;
}

/* A new, zeroed item at the end of a list. */
static inline struct pol_item *tu_push(struct pol_list *l)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 4;
		l->v = xrealloc(l->v, l->cap * sizeof(*l->v));
	}
	memset(&l->v[l->n], 0, sizeof(l->v[0]));
	return &l->v[l->n++];
}

/* Free a hand-built list's items (raw and path) and its array. */
static inline void tu_list_free(struct pol_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].raw);
		free(l->v[i].path);
	}
	free(l->v);
}

#endif
