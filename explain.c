/* SPDX-License-Identifier: MIT */
/*
 * explain.c: --explain and --doctor.  Nothing here runs the command: it
 * reports what the policy asks, how each guarantee is enforced on the
 * chosen backend (or why it is not), the exact wrapper command line, and
 * what this host can do.
 */
#include "explain.h"
#include "json.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#ifdef __linux__
#include <sys/prctl.h>

#include "backends/mountns_plan.h"

/* 2 when clawshim already runs under a seccomp filter, -1 without seccomp. */
static int seccomp_mode(void)
{
	return prctl(PR_GET_SECCOMP, 0, 0, 0, 0);
}
#define NO_MOUNTNS "not available (protections inside granted trees are made by Landlock expansion)"
#else
/* The portable build: no seccomp and no mount namespaces. */
static int seccomp_mode(void)
{
	return -1;
}
static bool mountns_possible(void)
{
	return false;
}
#define NO_MOUNTNS "not available (Linux only)"
#endif

/* Print `s` as a JSON string ("" for NULL), with the audit log's escaper
 * (json.c): a path's invalid UTF-8 becomes U+FFFD, never raw bytes. */
static void json_str(FILE *f, const char *s)
{
	struct jbuf b = { 0 };
	jb_strn(&b, s ? s : "", s ? strlen(s) : 0);
	fwrite(b.s, 1, b.n, f);
	jb_free(&b);
}

/* Print an argv so that a shell would read back the same words. */
static void shell_words(FILE *f, char *const *argv)
{
	for (size_t i = 0; argv[i]; i++) {
		const char *a = argv[i];
		bool plain = *a != '\0';
		for (const char *c = a; *c; c++)
			if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-./=:,+@%", *c))
				plain = false;
		if (i)
			fputc(' ', f);
		if (plain) {
			fputs(a, f);
			continue;
		}
		fputc('\'', f);
		for (const char *c = a; *c; c++)
			if (*c == '\'')
				fputs("'\\''", f);
			else
				fputc(*c, f);
		fputc('\'', f);
	}
	fputc('\n', f);
}

static char *policy_text(const struct policy *p)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	if (!m)
		die_errno("open_memstream");
	policy_dump(p, m);
	fclose(m);
	return buf;
}

/* --explain: the effective policy, every guarantee and its mechanism,
 * and the exact command line a wrapper backend would run. */
int explain(const struct policy *p, const struct backend *be, const struct plan *pl,
	    char *const *argv, bool json, const char *unavailable)
{
	char *pol = policy_text(p);
	if (json) {
		printf("{\"backend\":");
		json_str(stdout, be->name);
		printf(",\"profile\":");
		if (p->profile.val)
			json_str(stdout, p->profile.val);
		else
			printf("null");
		if (unavailable) {
			printf(",\"unavailable\":");
			json_str(stdout, unavailable);
		}
		printf(",\"guarantees\":[");
		for (size_t i = 0; i < pl->ng; i++) {
			const struct guarantee *g = &pl->g[i];
			printf("%s{\"what\":", i ? "," : "");
			json_str(stdout, g->what);
			printf(",\"enforced\":%s,\"required\":%s,\"how\":", g->how ? "true" : "false",
			       g->required ? "true" : "false");
			if (g->how)
				json_str(stdout, g->how);
			else
				printf("null");
			printf(",\"why_not\":");
			if (g->why_not)
				json_str(stdout, g->why_not);
			else
				printf("null");
			printf("}");
		}
		printf("],\"argv\":[");
		char *const *av = pl->wrapper.n ? pl->wrapper.v : argv;
		for (size_t i = 0; av[i]; i++) {
			printf("%s", i ? "," : "");
			json_str(stdout, av[i]);
		}
		printf("],\"wrapper_args\":[");
		for (size_t i = 0; i < pl->wrapper_args.n; i++) {
			printf("%s", i ? "," : "");
			json_str(stdout, pl->wrapper_args.v[i]);
		}
		printf("],\"policy\":");
		json_str(stdout, pol);
		printf("}\n");
	} else {
		printf("backend: %s\n", be->name);
		if (p->profile.val)
			printf("profile: %s\n", p->profile.val);
		if (unavailable)
			printf("NOT AVAILABLE HERE: %s (shown for inspection; nothing would run)\n",
			       unavailable);
		printf("\nguarantees:\n");
		for (size_t i = 0; i < pl->ng; i++) {
			const struct guarantee *g = &pl->g[i];
			if (g->how)
				printf("  enforced      %s\n                by %s\n", g->what, g->how);
			else
				printf("  %-13s %s\n                %s\n",
				       g->required ? "NOT ENFORCED" : "not enforced", g->what,
				       g->why_not ? g->why_not : "");
		}
		printf("\ncommand line:\n  ");
		shell_words(stdout, pl->wrapper.n ? pl->wrapper.v : argv);
		if (pl->wrapper_args.n) {
			printf("options it reads from the " ARGS_FD_ARG " descriptor:\n  ");
			shell_words(stdout, pl->wrapper_args.v);
		}
		printf("\neffective policy:\n%s", pol);
	}
	free(pol);
	return 0;
}

/* --doctor: what this host can enforce, per backend, and why not. */
int doctor(const struct policy *p, const struct command *cmd, bool json)
{
	struct utsname u;
	uname(&u);
	int seccomp = seccomp_mode();
	bool mountns = mountns_possible();
	int usable_kernel = 0;
	const char *chosen = NULL;
	size_t chosen_rank = (size_t)-1;

	if (json)
		printf("{\"kernel\":\"%s %s\",\"seccomp_filtered\":%s,\"mount_namespace\":%s,\"backends\":[",
		       u.sysname, u.release, seccomp == 2 ? "true" : "false", mountns ? "true" : "false");
	else
		printf("kernel: %s %s (%s)\nseccomp: %s\nprivate mount namespace: %s\n\nbackends:\n",
		       u.sysname, u.release, u.machine,
		       seccomp < 0 ? "not available" :
		       seccomp == 2 ? "available (clawshim already runs under a filter)" : "available",
		       mountns ? "available" : NO_MOUNTNS);
	for (int id = BACKEND_LANDLOCK; id < BACKEND_COUNT; id++) {
		const struct backend *be = backend_get((enum backend_id)id);
		char why[512] = "";
		struct plan pl = { 0 };
		struct policy_error err = { { 0 }, { 0 } };
		bool ok = be->probe(why, sizeof(why)) == 0;
		bool fits = ok && be->plan(p, cmd, &pl, &err) == 0;
		bool kernel = id != BACKEND_PATH && id != BACKEND_NONE;
		if (ok && kernel)
			usable_kernel++;
		/* auto's answer is the first in ITS order that fits. */
		for (size_t i = 0; fits && backend_auto_order[i] != BACKEND_NONE; i++) {
			if ((int)backend_auto_order[i] != id)
				continue;
			if (i < chosen_rank) {
				chosen_rank = i;
				chosen = be->name;
			}
		}
		if (json) {
			printf("%s{\"name\":\"%s\",\"usable\":%s,\"enforces_policy\":%s,\"why\":", id > 1 ? "," : "",
			       be->name, ok ? "true" : "false", fits ? "true" : "false");
			json_str(stdout, ok ? (fits ? "" : err.msg) : why);
			printf("}");
		} else {
			printf("  %-13s %s\n", be->name,
			       !ok ? why : fits ? "usable; enforces the current policy" : err.msg);
		}
		plan_free(&pl);
	}
	if (json) {
		printf("],\"auto\":");
		json_str(stdout, chosen ? chosen : "");
		printf("}\n");
	} else {
		printf("\nauto would choose: %s\n", chosen ? chosen : "nothing (no backend can enforce the policy)");
	}
	return usable_kernel ? 0 : 1;
}
