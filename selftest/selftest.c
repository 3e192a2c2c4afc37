/* SPDX-License-Identifier: MIT */
/*
 * selftest.c: `clawshim --selftest [--backend NAME] [--json]`: run the
 * conformance corpus (corpus.c) against each backend, in a scratch world
 * made here and removed at the end (world.c), and print the matrix.
 * Exit 0 only when, on every backend tested, every escape is blocked and
 * every ordinary and process case works (or is n/a with its reason); 125
 * when a backend named with --backend cannot run here.
 */
#include "selftest.h"
#include "world.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>


static const char *const all_backends[] = { "landlock", "bwrap", "firejail", "docker" };
static const char *const known_backends[] = { "landlock", "bwrap", "firejail", "docker",
					      "sandbox-exec", "path", "none" };

static const char *const outcome_name[] = {
	[OUT_BLOCKED] = "blocked", [OUT_ALLOWED] = "ALLOWED", [OUT_WORKS] = "works",
	[OUT_FAILS] = "FAILS", [OUT_NA] = "n/a", [OUT_ERROR] = "ERROR",
};

/* Print s as a JSON string. */
static void json_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

static bool passed(enum st_outcome o)
{
	return o == OUT_BLOCKED || o == OUT_WORKS || o == OUT_NA;
}

struct column {
	const char *name;
	bool available;
	char why[512];               /* why not available */
	struct st_result *res;       /* one per case */
};

/* The first line of s, without clawshim's "clawshim: " prefix. */
static void line1(const char *s, char *buf, size_t len)
{
	if (!s)
		s = "";
	if (strncmp(s, "clawshim: ", 10) == 0)
		s += 10;
	snprintf(buf, len, "%.*s", (int)strcspn(s, "\n"), s);
}

/* clawshim's argv for case c (NULL: the availability check) on backend b. */
static void build_argv(const struct st_world *w, const char *b, const struct st_case *c,
		       bool explain, struct strv *av)
{
	strv_push(av, xstrdup(w->self));
	if (explain)
		strv_push(av, xstrdup("--explain"));
	strv_pushf(av, "--backend=%s", b);
	strv_pushf(av, "--read-only=%s", w->probedir);
	strv_pushf(av, "--deny=%s", w->outside);
	for (size_t i = 0; i < w->policies->n; i++)
		strv_pushf(av, "--policy=%s", w->policies->v[i]);
	if (c && c->policy)
		strv_pushf(av, "--policy=%s", world_case_policy(w, c));
	if (c && c->check == CHK_SUID && w->suid_dir)
		strv_pushf(av, "--read-only=%s", w->suid_dir);
	if (c && c->check == CHK_TIMEOUT)
		strv_push(av, xstrdup("--timeout=1"));
	strv_push(av, xstrdup("--"));
	if (c)
		world_expand(w, c->argv, av);
	else
		strv_push(av, xstrdup("true"));
}

/* The probe's answer: 'o' ok, 'e' an errno name, 't' not-ctty, '?' else. */
static char answer(const struct st_run *r, char *l, size_t len)
{
	line1(r->out, l, len);
	if (r->status == 0 && (strcmp(l, "ok") == 0 || strncmp(l, "ok ", 3) == 0 ||
			       strncmp(l, "gained ", 7) == 0))
		return 'o';
	if (r->status == 1 && ((l[0] == 'E' && l[1] >= 'A' && l[1] <= 'Z') ||
			       strncmp(l, "limited ", 8) == 0 || strncmp(l, "none ", 5) == 0))
		return 'e';
	if (r->status == 3 && strcmp(l, "not-ctty") == 0)
		return 't';
	return '?';
}

/* Run the unconfined controls; a case whose attempt the host refuses
 * even unconfined is n/a everywhere (nothing to prove). */
static void controls(struct st_world *w, char **na)
{
	for (size_t i = 0; i < st_ncorpus; i++) {
		const struct st_case *c = &st_corpus[i];
		na[i] = NULL;
		if (c->cat != ST_ESCAPE || (c->ctl[0] && strcmp(c->ctl[0], "-") == 0))
			continue;
		if (c->check == CHK_SUID && !w->suid) {
			na[i] = xstrdup(w->suid_why);
			continue;
		}
		struct strv av = { 0 };
		world_expand(w, c->ctl[0] ? c->ctl : c->argv, &av);
		struct st_run r;
		world_drain(w);
		st_run(w, av.v, NULL, 30, &r);
		char l[256];
		char a = answer(&r, l, sizeof(l));
		bool ok = a == 'o';
		if (c->check == CHK_FILTER)
			ok = (a == 'o' || a == 'e') && strcmp(l, "EPERM") != 0;
		if (ok && c->check >= CHK_TCP && c->check <= CHK_ABSTRACT && !world_drain(w))
			snprintf(l, sizeof(l), "the listener saw nothing"), ok = false;
		if (!ok)
			na[i] = xasprintf("unconfined, this host refuses it too (%s): nothing to prove", l);
		world_after_control(w, c);
		st_run_free(&r);
		strv_free(&av);
	}
}

/* Judge an escape from the probe's answer and the evidence outside. */
static void judge_escape(struct st_world *w, const struct st_case *c, const struct st_run *r,
			 const char *before, struct st_result *res)
{
	char l[256];
	char a = answer(r, l, sizeof(l));
	bool refused = a == 'e';
	res->outcome = refused ? OUT_BLOCKED : OUT_ALLOWED;
	snprintf(res->detail, sizeof(res->detail), "%s", l);
	if (a == '?' || (a == 't' && c->check != CHK_TTY && c->check != CHK_FILTER)) {
		char e[300];
		line1(r->err, e, sizeof(e));
		res->outcome = OUT_ERROR;
		snprintf(res->detail, sizeof(res->detail), "status %d, output '%.100s': %.300s", r->status, l, e);
		return;
	}
	switch (c->check) {
	case CHK_LIST:
		if (a == 'o' && strcmp(l, "ok 0") == 0) {
			res->outcome = OUT_BLOCKED;
			snprintf(res->detail, sizeof(res->detail), "an empty directory masks it");
		}
		break;
	case CHK_FILE: case CHK_LINK: {
		char *after = world_state(w);
		if (strcmp(before, after) != 0) {
			res->outcome = OUT_ALLOWED;
			snprintf(res->detail, sizeof(res->detail), "%s; files outside changed", l);
		}
		free(after);
		break;
	}
	case CHK_TCP: case CHK_UDP: case CHK_UNIX: case CHK_ABSTRACT:
		if (world_drain(w)) {
			res->outcome = OUT_ALLOWED;
			snprintf(res->detail, sizeof(res->detail), "%s; the listener outside was reached", l);
		} else if (!refused) {
			res->outcome = OUT_BLOCKED;
			snprintf(res->detail, sizeof(res->detail),
				 "the call succeeded in the sandbox's own network; the listener outside saw nothing");
		}
		break;
	case CHK_FILTER:
		if (refused && strcmp(l, "EPERM") != 0) {
			res->outcome = OUT_ALLOWED;
			snprintf(res->detail, sizeof(res->detail), "not filtered: the tty driver answered %s", l);
		}
		/* not-ctty is judged as for TIOCSTI */
		__attribute__((fallthrough));
	case CHK_TTY:
		if (a == 't') {
			res->outcome = OUT_NA;
			snprintf(res->detail, sizeof(res->detail), "the command does not lead its "
				 "session here (the wrapper's init does), so no pty "
				 "can become its controlling terminal and the kernel refuses TIOCSTI "
				 "without the filter: nothing to prove");
		}
		break;
	case CHK_PROBE:
		if (strcmp(c->name, "signal-outside") == 0 && !world_helper_alive(w)) {
			res->outcome = OUT_ALLOWED;
			snprintf(res->detail, sizeof(res->detail), "%s; the process outside was killed", l);
		}
		break;
	case CHK_SUID: case CHK_FORKBOMB: case CHK_OUTPUT: case CHK_EXIT:
	case CHK_DIE_PARENT: case CHK_DIE_SELF: case CHK_SIGNAL: case CHK_TIMEOUT:
	default:
		break;
	}
}

static void judge_ordinary(const char *backend, const struct st_case *c, const struct st_run *r,
			   struct st_result *res)
{
	char o[256], e[300];
	line1(r->out, o, sizeof(o));
	line1(r->err, e, sizeof(e));
	bool ok = c->check == CHK_EXIT ? r->status == atoi(c->want)
				       : r->status == 0 && strcmp(r->out, c->want) == 0;
	res->outcome = ok ? OUT_WORKS : OUT_FAILS;
	if (ok)
		snprintf(res->detail, sizeof(res->detail), "%s", c->check == CHK_EXIT ? c->want : o);
	else if (c->needs && r->status == 127 && strcmp(backend, "docker") == 0) {
		/* docker.c: the image provides the system, not the host. */
		res->outcome = OUT_NA;
		snprintf(res->detail, sizeof(res->detail), "%s is not in the [docker] image "
			 "(the image provides the system): %s", c->needs, e);
	} else
		snprintf(res->detail, sizeof(res->detail), "status %d, output '%.100s': %.300s", r->status, o, e);
}

/* Run case c on backend b. */
static void run_case(struct st_world *w, const char *b, size_t ci, const struct st_case *c,
		     const char *na, struct st_result *res)
{
	if (na) {
		res->outcome = OUT_NA;
		snprintf(res->detail, sizeof(res->detail), "%s", na);
		return;
	}
	if (c->needs && !world_host_has(w, c->needs)) {
		res->outcome = OUT_NA;
		snprintf(res->detail, sizeof(res->detail), "%s is not installed on this host", c->needs);
		return;
	}
	world_new_mark(w, b, ci);
	struct strv av = { 0 };
	build_argv(w, b, c, false, &av);
	if (c->cat == ST_PROCESS) {
		st_process_case(w, c, av.v, res);
		strv_free(&av);
		if (res->outcome != OUT_ERROR || !strstr(res->detail, "status 125"))
			return;
	}
	char *before = world_state(w);
	world_drain(w);
	struct st_run r = { .status = 125, .out = NULL, .err = NULL };
	if (c->cat != ST_PROCESS)
		st_run(w, av.v, c->stdin_text, 120, &r);
	strv_free(&av);
	if (r.status == 125) {
		/* Refused up front (the plan; --explain says the same), or a
		 * failure while setting up, which is an error. */
		struct strv ex = { 0 };
		struct st_run er;
		build_argv(w, b, c, true, &ex);
		st_run(w, ex.v, NULL, 60, &er);
		char e[400];
		line1(r.err ? r.err : er.err, e, sizeof(e));
		res->outcome = er.status == 125 ? OUT_NA : OUT_ERROR;
		snprintf(res->detail, sizeof(res->detail), "%s%s",
			 er.status == 125 ? "refused up front: " : "clawshim failed (125): ", e);
		st_run_free(&er);
		strv_free(&ex);
	} else if (c->cat == ST_ESCAPE) {
		judge_escape(w, c, &r, before, res);
	} else {
		judge_ordinary(b, c, &r, res);
	}
	world_restore(w);
	free(before);
	st_run_free(&r);
}

static const char *cat_name(enum st_cat c)
{
	return c == ST_ESCAPE ? "escape" : c == ST_ORDINARY ? "ordinary" : "process";
}

static void print_json(const struct st_world *w, struct column *cols, size_t ncols, bool ok)
{
	printf("{\"selftest\":1,\"uid\":%d,\"scratch\":", (int)getuid());
	json_string(stdout, w->dir);
	printf(",\"backends\":[");
	for (size_t b = 0; b < ncols; b++) {
		printf("%s{\"name\":\"%s\",\"available\":%s,\"why\":", b ? "," : "", cols[b].name,
		       cols[b].available ? "true" : "false");
		json_string(stdout, cols[b].why);
		printf("}");
	}
	printf("],\n\"results\":[\n");
	bool first = true;
	for (size_t i = 0; i < st_ncorpus; i++)
		for (size_t b = 0; b < ncols; b++) {
			const struct st_case *c = &st_corpus[i];
			const struct st_result *r = &cols[b].res[i];
			printf("%s{\"case\":\"%s\",\"category\":\"%s\",\"backend\":\"%s\",\"outcome\":\"%s\","
			       "\"pass\":%s,\"detail\":", first ? "" : ",\n", c->name, cat_name(c->cat),
			       cols[b].name, outcome_name[r->outcome], passed(r->outcome) ? "true" : "false");
			json_string(stdout, r->detail);
			printf(",\"does\":");
			json_string(stdout, c->does);
			printf("}");
			first = false;
		}
	printf("\n],\"pass\":%s}\n", ok ? "true" : "false");
}

static void print_human(const struct st_world *w, struct column *cols, size_t ncols, bool ok)
{
	printf("clawshim selftest as uid %d, in %s (removed at the end)\n\n%-20s", (int)getuid(),
	       w->dir, "case");
	for (size_t b = 0; b < ncols; b++)
		printf(" %-10s", cols[b].name);
	printf("\n");
	for (size_t i = 0; i < st_ncorpus; i++) {
		if (i == 0 || st_corpus[i].cat != st_corpus[i - 1].cat)
			printf("%s\n", cat_name(st_corpus[i].cat));
		printf("  %-18s", st_corpus[i].name);
		for (size_t b = 0; b < ncols; b++)
			printf(" %-10s", outcome_name[cols[b].res[i].outcome]);
		printf("\n");
	}
	printf("\n");
	for (size_t b = 0; b < ncols; b++) {
		if (!cols[b].available) {
			printf("%s: not tested: %s\n", cols[b].name, cols[b].why);
			continue;
		}
		for (size_t i = 0; i < st_ncorpus; i++) {
			const struct st_result *r = &cols[b].res[i];
			if (r->outcome == OUT_NA || !passed(r->outcome))
				printf("%s %s: %s: %s\n", cols[b].name, st_corpus[i].name,
				       outcome_name[r->outcome], r->detail);
		}
	}
	printf("\n%s\n", ok ? "every escape blocked, every ordinary and process case works"
			    : "FAILED: see the cases marked ALLOWED, FAILS or ERROR above");
}

int selftest(const char *backend, const struct strv *policies, bool json)
{
	const char *const *names = all_backends;
	size_t ncols = ARRAY_LEN(all_backends);
	if (backend) {
		bool known = false;
		for (size_t i = 0; i < ARRAY_LEN(known_backends); i++)
			known |= strcmp(backend, known_backends[i]) == 0;
		if (!known) {
			warn("--selftest: unknown backend '%s'", backend);
			hint("landlock, bwrap, firejail, docker, sandbox-exec, path or none");
			return EXIT_SETUP;
		}
		names = &backend;
		ncols = 1;
	}
	struct st_world w;
	world_make(&w, policies);
	char **na = xcalloc(st_ncorpus, sizeof(*na));
	controls(&w, na);
	struct column *cols = xcalloc(ncols, sizeof(*cols));
	bool ok = true, named_missing = false, progress = !json && isatty(2);
	for (size_t b = 0; b < ncols; b++) {
		struct column *col = &cols[b];
		col->name = names[b];
		col->res = xcalloc(st_ncorpus, sizeof(*col->res));
		/* Can it run here at all, under this policy? */
		struct strv av = { 0 };
		struct st_run r;
		build_argv(&w, col->name, NULL, true, &av);
		st_run(&w, av.v, NULL, 60, &r);
		line1(r.err, col->why, sizeof(col->why));
		col->available = r.status == 0;
		st_run_free(&r);
		strv_free(&av);
		for (size_t i = 0; i < st_ncorpus; i++) {
			if (!col->available) {
				col->res[i].outcome = OUT_NA;
				snprintf(col->res[i].detail, sizeof(col->res[i].detail),
					 "backend not available: %s", col->why);
				continue;
			}
			if (progress)
				fprintf(stderr, "\r%-60s\r%s: %s", "", col->name, st_corpus[i].name);
			run_case(&w, col->name, i, &st_corpus[i], na[i], &col->res[i]);
			ok &= passed(col->res[i].outcome);
		}
		if (progress)
			fprintf(stderr, "\r%-60s\r", "");
		if (!col->available && backend)
			named_missing = true;
	}
	if (json)
		print_json(&w, cols, ncols, ok && !named_missing);
	else
		print_human(&w, cols, ncols, ok && !named_missing);
	fflush(stdout);
	world_remove(&w);
	for (size_t i = 0; i < st_ncorpus; i++)
		free(na[i]);
	free(na);
	for (size_t b = 0; b < ncols; b++)
		free(cols[b].res);
	free(cols);
	if (named_missing) {
		warn("--selftest: backend %s cannot run here (see above)", backend);
		return EXIT_SETUP;
	}
	return ok ? 0 : 1;
}
