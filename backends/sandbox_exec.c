/* SPDX-License-Identifier: MIT */
/*
 * sandbox_exec.c: macOS, re-exec under /usr/bin/sandbox-exec with an SBPL
 * profile generated from the policy.
 *
 * The profile text is fixed by the policy's *shape* only: every path
 * reaches it as a parameter (-D NAME=PATH, read with (param "NAME")), so
 * no path is ever spliced into Scheme text and no quoting bug can turn a
 * file name into a rule.  Only port numbers (integers) appear in it.
 * SBPL denies by default here and, for rules that match the same
 * operation, the last one wins: allows come first, denies after.
 * Plain C, no Linux headers: the generator is golden-tested on Linux.
 */
#include "backend.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SANDBOX_EXEC "/usr/bin/sandbox-exec"

struct sb {
	const struct policy *p;
	struct strv *av;     /* the wrapper argv (its -D parameters) */
	struct strv params;  /* "NAME=PATH", in order */
	char *text;          /* the profile */
	size_t len, cap;
	struct strv seen;    /* ancestors already given metadata access */
};

__attribute__((format(printf, 2, 3)))
static void put(struct sb *s, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (s->len + (size_t)n + 1 > s->cap) {
		s->cap = (s->len + (size_t)n + 1) * 2;
		s->text = xrealloc(s->text, s->cap);
	}
	va_start(ap, fmt);
	vsnprintf(s->text + s->len, s->cap - s->len, fmt, ap);
	va_end(ap);
	s->len += (size_t)n;
}

/* A parameter for `path`: its name (owned by s->params). */
static const char *param(struct sb *s, const char *prefix, size_t i, const char *path)
{
	char *kv = xasprintf("%s%zu=%s", prefix, i, path);
	strv_push(&s->params, kv);
	static char name[64];
	snprintf(name, sizeof(name), "%s%zu", prefix, i);
	return name;
}

static bool writable(const struct policy *p, const char *path)
{
	if (p->workspace.val && path_inside(path, p->workspace.val))
		return true;
	for (size_t i = 0; i < p->read_write.n; i++)
		if (p->read_write.v[i].path && path_inside(path, p->read_write.v[i].path))
			return true;
	return false;
}

/* The macOS runtime every program needs (dyld and its shared cache,
 * frameworks, time zones): constant paths, not the policy's. */
static void runtime(struct sb *s)
{
	put(s, "(version 1)\n(deny default)\n");
	put(s, "(allow process-exec process-fork)\n");
	put(s, "(allow signal (target same-sandbox))\n");
	put(s, "(allow process-info* (target same-sandbox))\n");
	put(s, "(allow sysctl-read)\n");
	put(s, "(allow file-read* (subpath \"/System\") (subpath \"/private/var/db/dyld\")"
	       " (subpath \"/private/var/db/timezone\") (literal \"/dev/null\")"
	       " (literal \"/dev/urandom\") (literal \"/dev/random\"))\n");
	put(s, "(allow file-write-data (literal \"/dev/null\"))\n");
	put(s, "(allow mach-lookup (global-name \"com.apple.system.opendirectoryd.libinfo\")"
	       " (global-name \"com.apple.system.notification_center\")"
	       " (global-name \"com.apple.system.logger\"))\n");
}

/* Every directory above a granted path may be looked at (stat, not read):
 * realpath() and the shell's cd walk them. */
static void ancestors(struct sb *s, const char *path, size_t *na)
{
	for (const char *c = path + 1; (c = strchr(c, '/')); c++) {
		char *a = strndup(path, (size_t)(c - path));
		bool seen = false;
		for (size_t i = 0; i < s->seen.n && !seen; i++)
			seen = strcmp(s->seen.v[i], a) == 0;
		if (seen) {
			free(a);
			continue;
		}
		strv_push(&s->seen, xstrdup(a));
		put(s, "(allow file-read-metadata (literal (param \"%s\")))\n", param(s, "UP", (*na)++, a));
		free(a);
	}
}

static void grants(struct sb *s)
{
	const struct policy *p = s->p;
	size_t na = 0, nr = 0, nw = 0;
	put(s, "(allow file-read-metadata (literal \"/\"))\n");
	if (p->workspace.val) {
		ancestors(s, p->workspace.val, &na);
		put(s, "(allow file-read* file-write* (subpath (param \"%s\")))\n",
		    param(s, "WS", 0, p->workspace.val));
	}
	for (size_t i = 0; i < p->read_write.n; i++) {
		const char *path = p->read_write.v[i].path;
		if (!path)
			continue;
		ancestors(s, path, &na);
		put(s, "(allow file-read* file-write* (subpath (param \"%s\")))\n", param(s, "RW", nw++, path));
	}
	for (size_t i = 0; i < p->read_only.n; i++) {
		const char *path = p->read_only.v[i].path;
		if (!path)
			continue;
		ancestors(s, path, &na);
		put(s, "(allow file-read* (subpath (param \"%s\")))\n", param(s, "RO", nr++, path));
	}
}

/* Denies after the allows (the last matching rule wins).  A denied path
 * could be moved out of its protection by renaming a directory above it:
 * those inside writable trees may not be unlinked or renamed. */
static void protections(struct sb *s)
{
	const struct policy *p = s->p;
	size_t nd = 0, nu = 0, nx = 0, nf = 0;
	for (size_t i = 0; i < p->no_exec.n; i++)
		if (p->no_exec.v[i].path)
			put(s, "(deny process-exec* file-map-executable (subpath (param \"%s\")))\n",
			    param(s, "NX", nx++, p->no_exec.v[i].path));
	const struct pol_list *ro[] = { &p->deny_write, &p->files };
	for (int l = 0; l < 2; l++)
		for (size_t i = 0; i < ro[l]->n; i++)
			if (ro[l]->v[i].path)
				put(s, "(deny file-write* (subpath (param \"%s\")))\n",
				    param(s, "DW", nf++, ro[l]->v[i].path));
	for (size_t i = 0; i < p->deny.n; i++) {
		const char *path = p->deny.v[i].path;
		if (!path)
			continue;
		put(s, "(deny file-read* file-write* (subpath (param \"%s\")))\n", param(s, "DENY", nd++, path));
		for (const char *c = path + 1; (c = strchr(c, '/')); c++) {
			char *a = strndup(path, (size_t)(c - path));
			if (writable(p, a))
				put(s, "(deny file-write-unlink (literal (param \"%s\")))\n",
				    param(s, "KEEP", nu++, a));
			free(a);
		}
	}
	/* The same for the deny_write paths: renaming .git away would let a
	 * new .git/hooks be written. */
	for (int l = 0; l < 2; l++)
		for (size_t i = 0; i < ro[l]->n; i++) {
			const char *path = ro[l]->v[i].path;
			for (const char *c = path ? path + 1 : ""; path && (c = strchr(c, '/')); c++) {
				char *a = strndup(path, (size_t)(c - path));
				if (writable(p, a))
					put(s, "(deny file-write-unlink (literal (param \"%s\")))\n",
					    param(s, "KEEP", nu++, a));
				free(a);
			}
		}
}

/* allow = all, or TCP ports, or nothing; unix sockets by path. */
static void network(struct sb *s)
{
	const struct policy *p = s->p;
	if (p->net_all.val) {
		put(s, "(allow network*)\n");
		return;
	}
	for (size_t i = 0; i < p->connect_tcp.n; i++)
		put(s, "(allow network-outbound (remote tcp \"*:%lld\"))\n", p->connect_tcp.v[i].num);
	for (size_t i = 0; i < p->bind_tcp.n; i++)
		put(s, "(allow network-bind network-inbound (local tcp \"*:%lld\"))\n",
		    p->bind_tcp.v[i].num);
	size_t nu = 0;
	for (size_t i = 0; i < p->unix_sockets.n; i++)
		if (p->unix_sockets.v[i].path)
			put(s, "(allow network-outbound (literal (param \"%s\")))\n",
			    param(s, "UNIX", nu++, p->unix_sockets.v[i].path));
}

/* The profile, its parameters and the wrapper argv (pure). */
int sbpl_plan(const struct policy *p, const struct command *cmd, struct plan *out,
	      struct policy_error *err);

struct sb_priv {
	char *profile;
	struct strv strs;
};

static void sb_priv_free(void *v)
{
	struct sb_priv *sp = v;
	if (!sp)
		return;
	free(sp->profile);
	strv_free(&sp->strs);
	free(sp);
}

static const char *keep(struct sb_priv *sp, char *str)
{
	strv_push(&sp->strs, str);
	return str;
}

static void guarantees(const struct policy *p, struct plan *out, struct sb_priv *sp)
{
	const char *how = "sandbox-exec (SBPL)";
	if (p->workspace.val)
		plan_add(out, keep(sp, xasprintf("read-write workspace %s", p->workspace.val)), how, NULL, true);
	const struct { const struct pol_list *l; const char *what; } g[] = {
		{ &p->read_write, "read-write" }, { &p->read_only, "read-only" },
		{ &p->deny, "deny" }, { &p->deny_write, "no writes to" },
		{ &p->files, "no writes to policy file" }, { &p->no_exec, "no exec in" },
	};
	for (size_t k = 0; k < ARRAY_LEN(g); k++)
		for (size_t i = 0; i < g[k].l->n; i++)
			if (g[k].l->v[i].path)
				plan_add(out, keep(sp, xasprintf("%s %s", g[k].what, g[k].l->v[i].path)),
					 how, NULL, true);
	plan_add(out, "no access to any other path", "sandbox-exec (deny default)", NULL, true);
	plan_add(out, "denied paths cannot be renamed away",
		 "sandbox-exec (file-write-unlink denied on the directories above them)", NULL, true);
	if (!p->net_all.val)
		plan_add(out, "no network but the listed TCP ports and unix sockets",
			 "sandbox-exec (deny default; DNS is not allowed)", NULL, true);
	plan_add(out, "no signals or ptrace outside the sandbox", "sandbox-exec (target same-sandbox)",
		 NULL, true);
	plan_add(out, "no terminal ioctls (TIOCSTI)", "sandbox-exec (file-ioctl not allowed)", NULL, true);
	plan_add(out, "macOS runtime readable (/System, dyld cache)", "sandbox-exec", NULL, false);
}

int sbpl_plan(const struct policy *p, const struct command *cmd, struct plan *out,
	      struct policy_error *err)
{
	if (plan_refuse_domains(p, "sandbox-exec", "not built for macOS yet", err))
		return -1;
	/* SBPL has no system call rules: a [seccomp] deny list cannot hold. */
	if (p->seccomp_deny.n && !p->best_effort.val) {
		snprintf(err->msg, sizeof(err->msg),
			 "sandbox-exec: [seccomp] deny cannot be enforced: profiles have no system call rules");
		snprintf(err->hint, sizeof(err->hint), "remove [seccomp] deny, or set best_effort = true");
		return -1;
	}
	if (p->seccomp_deny.n)
		plan_add(out, "[seccomp] deny", NULL, "profiles have no system call rules", true);
	struct sb s = { .p = p, .av = &out->wrapper };
	runtime(&s);
	grants(&s);
	network(&s);
	protections(&s);
	out->id = BACKEND_SANDBOX_EXEC;
	out->setup = 0;
	strv_pushf(&out->wrapper, "%s", SANDBOX_EXEC);
	strv_pushf(&out->wrapper, "-p");
	strv_pushf(&out->wrapper, "%s", s.text);
	for (size_t i = 0; i < s.params.n; i++) {
		strv_pushf(&out->wrapper, "-D");
		strv_pushf(&out->wrapper, "%s", s.params.v[i]);
	}
	strv_pushf(&out->wrapper, "--");
	/* A login shell's "-zsh" is not a program sandbox-exec can run. */
	if (cmd->argv[0] && cmd->argv[0][0] == '-' && cmd->shell) {
		strv_pushf(&out->wrapper, "%s", cmd->shell);
		strv_pushf(&out->wrapper, "-l");
	} else {
		strv_pushf(&out->wrapper, "%s", cmd->argv[0]);
	}
	for (size_t i = 1; cmd->argv[i]; i++)
		strv_pushf(&out->wrapper, "%s", cmd->argv[i]);
	struct sb_priv *sp = xcalloc(1, sizeof(*sp));
	sp->profile = s.text;
	out->priv = sp;
	out->priv_free = sb_priv_free;
	guarantees(p, out, sp);
	strv_free(&s.params);
	strv_free(&s.seen);
	return 0;
}

static int sandbox_exec_probe(char *why, size_t whylen)
{
#ifdef __APPLE__
	if (access(SANDBOX_EXEC, X_OK) == 0)
		return 0;
	snprintf(why, whylen, "%s is missing", SANDBOX_EXEC);
	return -1;
#else
	snprintf(why, whylen, "sandbox-exec is macOS only");
	return -1;
#endif
}

const struct backend backend_sandbox_exec = {
	.name = "sandbox-exec",
	.id = BACKEND_SANDBOX_EXEC,
	.probe = sandbox_exec_probe,
	.plan = sbpl_plan,
	.apply = NULL,
};
