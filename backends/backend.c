/* SPDX-License-Identifier: MIT */
/* backend.c: the table of built-in backends and plan bookkeeping. */
#include "backend.h"
#include "mountns_plan.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <stdio.h>

static const struct backend *const backends[BACKEND_COUNT] = {
	[BACKEND_LANDLOCK] = &backend_landlock,
	[BACKEND_BWRAP] = &backend_bwrap,
	[BACKEND_FIREJAIL] = &backend_firejail,
	[BACKEND_DOCKER] = &backend_docker,
	[BACKEND_SANDBOX_EXEC] = &backend_sandbox_exec,
	[BACKEND_PATH] = &backend_path,
	[BACKEND_NONE] = &backend_none,
};

/* Kernel-enforced backends first, the cheapest first; path and none are
 * never chosen by auto. */
const enum backend_id backend_auto_order[] = {
#ifdef __linux__
	BACKEND_LANDLOCK, BACKEND_BWRAP, BACKEND_FIREJAIL, BACKEND_DOCKER,
#else
	/* The portable build (macOS). */
	BACKEND_SANDBOX_EXEC, BACKEND_DOCKER,
#endif
	BACKEND_NONE,
};

/* An absolute executable path for `name` along PATH, or NULL. */
const char *backend_find_program(const char *name)
{
	static char buf[4096];
	const char *path = getenv("PATH");
	if (!path || !*path)
		path = "/usr/local/bin:/usr/bin:/bin:/usr/local/sbin:/usr/sbin:/sbin";
	for (const char *s = path;;) {
		const char *colon = s + strcspn(s, ":");
		size_t n = (size_t)(colon - s);
		/* Only absolute entries: a relative PATH entry would make the
		 * wrapper depend on the directory clawshim starts in. */
		if (n > 0 && s[0] == '/' && n + strlen(name) + 2 < sizeof(buf)) {
			snprintf(buf, sizeof(buf), "%.*s/%s", (int)n, s, name);
			if (access(buf, X_OK) == 0)
				return buf;
		}
		if (!*colon)
			return NULL;
		s = colon + 1;
	}
}

/* The backend with this id, or NULL when it is not built in. */
const struct backend *backend_get(enum backend_id id)
{
	if ((unsigned)id >= BACKEND_COUNT)
		return NULL;
	return backends[id];
}

int plan_refuse_domains(const struct policy *p, const char *name, const char *why,
			struct policy_error *err)
{
	if (!p->net_domains.val)
		return 0;
	return plan_refuse(err, "use backend = landlock (or auto), or set [network] allow = none or all",
			   "backend %s cannot enforce [network] allow = domains: %s", name, why);
}

/* Record one guarantee and how it is enforced (or why it is not). */
int plan_refuse(struct policy_error *err, const char *hint, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	snprintf(err->hint, sizeof(err->hint), "%s", hint);
	return -1;
}

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
	strv_free(&pl->wrapper_args);
	strv_free(&pl->cleanup);
	free(pl->g);
	if (pl->priv_free)
		pl->priv_free(pl->priv);
	if (pl->mounts) {
		mount_plan_free(pl->mounts);
		free(pl->mounts);
	}
	memset(pl, 0, sizeof(*pl));
}
