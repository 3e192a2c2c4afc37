/* SPDX-License-Identifier: MIT */
/* backend.c: the table of built-in backends and plan bookkeeping. */
#include "backend.h"
#include "../process/mountns.h"

#include <stdlib.h>
#include <string.h>

static const struct backend *const backends[BACKEND_COUNT] = {
	[BACKEND_LANDLOCK] = &backend_landlock,
	[BACKEND_NONE] = &backend_none,
};

/* The backend with this id, or NULL when it is not built in. */
const struct backend *backend_get(enum backend_id id)
{
	if ((unsigned)id >= BACKEND_COUNT)
		return NULL;
	return backends[id];
}

/* Record one guarantee and how it is enforced (or why it is not). */
void plan_add(struct plan *pl, const char *what, const char *how,
	      const char *why_not, bool required)
{
	if (pl->ng == pl->gcap) {
		pl->gcap = pl->gcap ? pl->gcap * 2 : 16;
		pl->g = xrealloc(pl->g, pl->gcap * sizeof(*pl->g));
	}
	pl->g[pl->ng++] = (struct guarantee){
		.what = what, .how = how, .why_not = why_not, .required = required,
	};
}

/* Free everything a plan owns; the plan can be reused after. */
void plan_free(struct plan *pl)
{
	strv_free(&pl->wrapper);
	free(pl->g);
	if (pl->priv_free)
		pl->priv_free(pl->priv);
	if (pl->mounts) {
		mount_plan_free(pl->mounts);
		free(pl->mounts);
	}
	memset(pl, 0, sizeof(*pl));
}
