// SPDX-License-Identifier: MIT
/*
 * spawn: clawshim's benchmark harness.  Spawns and reaps several commands
 * interleaved (round-robin, a rotating start each round), times each
 * spawn-to-reap with CLOCK_MONOTONIC, and prints median, p10/p90 and the
 * ratio of each median to the bare command's and to the floor's.
 *
 * Why a C harness and not hyperfine: the differences we care about are tens
 * of microseconds on a ~1 ms command.  hyperfine measures each command in its
 * own batch, one after the other, so a frequency step, a cache-warm phase or
 * a noisy neighbour lands on one command and not the others; here every
 * round runs every command once, so drift hits all of them alike and the
 * ratios stay honest.  hyperfine also subtracts an estimated shell spawn
 * cost (or, with -N, still goes through Rust's Command with its pipes and
 * fd juggling), which is of the same order as what we are measuring.  The
 * harness itself does no more per spawn than posix_spawn (clone(CLONE_VM|
 * CLONE_VFORK) + execve in glibc) + wait4, the same for every command.
 *
 * usage: spawn [-n ITER] [-w WARMUP] [-B LABEL] [-F LABEL] [-o TSV] SPECFILE
 *        spawn -r [-C DIR] -- COMMAND [ARG...]   (one run; print peak RSS)
 *
 * SPECFILE: one command per line, fields separated by TAB:
 *   LABEL  ITER  DIR  ARGV0  ARG1 ...
 * ITER 0 = the -n value; a smaller value runs the command every k-th round
 * (for slow engines).  DIR "-" = the current directory.  Lines starting
 * with '#' are ignored.  Every command is run once untimed first; one that
 * exits non-zero is reported (with its stderr) and dropped.  A later run
 * that fails is not counted; the failures are reported with the first
 * one's stderr, and a command failing more than 10% of its runs is dropped.
 */
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

#define MAX_CMDS 64
#define MAX_ARGS 1024

struct cmd {
	char *label;
	char *dir;
	char *argv[MAX_ARGS + 1];
	long iters;      /* wanted timed iterations */
	long stride;     /* run every stride-th round */
	double *us;      /* samples, microseconds */
	long n;          /* samples taken */
	int dropped;
	int errfd;       /* the command's stderr, kept from its last run */
	long failed;     /* timed runs that exited non-zero (not counted) */
	char first_err[512];
	double med, p10, p90, min;
};

static struct cmd cmds[MAX_CMDS];
static int ncmds;

static void die(const char *msg)
{
	fprintf(stderr, "spawn: %s: %s\n", msg, strerror(errno));
	exit(2);
}

/* Split one spec line on TABs into a struct cmd; returns 0 on success. */
static int parse_line(char *line, struct cmd *c, long defiters)
{
	char *f[MAX_ARGS + 3];
	int nf = 0;
	char *save = NULL;

	line[strcspn(line, "\n")] = '\0';
	if (line[0] == '#' || line[0] == '\0')
		return -1;
	for (char *t = strtok_r(line, "\t", &save); t; t = strtok_r(NULL, "\t", &save)) {
		if (nf == MAX_ARGS + 3) {
			fprintf(stderr, "spawn: more than %d arguments in a spec line\n", MAX_ARGS);
			exit(2);
		}
		f[nf++] = t;
	}
	if (nf < 4) {
		fprintf(stderr, "spawn: bad spec line (need LABEL ITER DIR ARGV0...)\n");
		exit(2);
	}
	c->label = strdup(f[0]);
	c->iters = strtol(f[1], NULL, 10);
	if (c->iters <= 0 || c->iters > defiters)
		c->iters = defiters;
	c->dir = strcmp(f[2], "-") == 0 ? NULL : strdup(f[2]);
	for (int i = 3; i < nf; i++)
		c->argv[i - 3] = strdup(f[i]);
	c->argv[nf - 3] = NULL;
	return 0;
}

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

/*
 * Spawn c once with stdin/stdout from /dev/null and stderr to errfd, wait
 * for it; return its wait status, and its wall time in *us.  The harness
 * changes directory itself before the call, outside the timed window, so the
 * child does no extra work for it.
 */
static int run_once(const struct cmd *c, int nullfd, int errfd, double *us)
{
	posix_spawn_file_actions_t fa;
	pid_t pid;
	int status, rc;
	double t0, t1;

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, nullfd, 0);
	posix_spawn_file_actions_adddup2(&fa, nullfd, 1);
	posix_spawn_file_actions_adddup2(&fa, errfd, 2);

	t0 = now_us();
	rc = posix_spawn(&pid, c->argv[0], &fa, NULL, c->argv, environ);
	if (rc != 0) {
		posix_spawn_file_actions_destroy(&fa);
		errno = rc;
		return -1;
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			die("waitpid");
	t1 = now_us();
	posix_spawn_file_actions_destroy(&fa);
	*us = t1 - t0;
	return status;
}

static int enter_dir(const struct cmd *c, int homefd)
{
	if (c->dir)
		return chdir(c->dir);
	return fchdir(homefd);
}

/* The first run: check the command works; drop it (and say why) if not. */
static void validate(struct cmd *c, int nullfd, int homefd)
{
	char path[] = "/tmp/spawn-err-XXXXXX";
	int errfd = mkostemp(path, O_CLOEXEC);
	double us;
	int st;

	if (errfd < 0)
		die("mkstemp");
	unlink(path);
	if (enter_dir(c, homefd) < 0) {
		fprintf(stderr, "spawn: %s: chdir %s: %s (dropped)\n", c->label,
			c->dir, strerror(errno));
		c->dropped = 1;
		close(errfd);
		return;
	}
	st = run_once(c, nullfd, errfd, &us);
	if (st != 0) {
		char buf[512];
		ssize_t n = pread(errfd, buf, sizeof buf - 1, 0);

		buf[n > 0 ? n : 0] = '\0';
		if (st < 0)
			fprintf(stderr, "spawn: %s: cannot spawn %s: %s (dropped)\n",
				c->label, c->argv[0], strerror(errno));
		else
			fprintf(stderr, "spawn: %s: exit status 0x%x (dropped)\n%s",
				c->label, st, buf);
		c->dropped = 1;
	}
	close(errfd);
}

/* A timed run failed: keep the first error, drop the command past 10%. */
static void note_failure(struct cmd *c, int st, long round)
{
	if (c->failed++ == 0) {
		char buf[400];
		ssize_t n = pread(c->errfd, buf, sizeof buf - 1, 0);

		buf[n > 0 ? n : 0] = '\0';
		snprintf(c->first_err, sizeof c->first_err,
			 "wait status 0x%x in round %ld: %s", st, round, buf);
	}
	if (c->failed * 10 > c->iters) {
		fprintf(stderr, "spawn: %s: %ld runs failed (dropped); first: %s\n",
			c->label, c->failed, c->first_err);
		c->dropped = 1;
	}
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Nearest-rank percentile of a sorted array. */
static double pct(const double *v, long n, double p)
{
	long i = (long)(p / 100.0 * (double)(n - 1) + 0.5);

	return v[i < 0 ? 0 : i >= n ? n - 1 : i];
}

static struct cmd *find(const char *label)
{
	for (int i = 0; label && i < ncmds; i++)
		if (!cmds[i].dropped && strcmp(cmds[i].label, label) == 0)
			return &cmds[i];
	return NULL;
}

static void report(const char *bare, const char *floor_, const char *tsv)
{
	struct cmd *b = find(bare), *f = find(floor_);
	FILE *out = NULL;

	if (tsv && !(out = fopen(tsv, "w")))
		die(tsv);
	printf("%-34s %6s %9s %9s %9s %8s %8s\n", "command", "runs",
	       "median", "p10", "p90", "x bare", "x floor");
	for (int i = 0; i < ncmds; i++) {
		struct cmd *c = &cmds[i];

		if (c->dropped)
			continue;
		qsort(c->us, (size_t)c->n, sizeof *c->us, cmp_double);
		c->med = pct(c->us, c->n, 50);
		c->p10 = pct(c->us, c->n, 10);
		c->p90 = pct(c->us, c->n, 90);
		c->min = c->us[0];
	}
	for (int i = 0; i < ncmds; i++) {
		struct cmd *c = &cmds[i];
		char rb[16] = "-", rf[16] = "-";

		if (c->dropped)
			continue;
		if (b)
			snprintf(rb, sizeof rb, "%.2fx", c->med / b->med);
		if (f)
			snprintf(rf, sizeof rf, "%.2fx", c->med / f->med);
		printf("%-34s %6ld %7.0fus %7.0fus %7.0fus %8s %8s\n", c->label,
		       c->n, c->med, c->p10, c->p90, rb, rf);
		if (out)
			fprintf(out, "%s\t%.1f\t%.1f\t%.1f\t%ld\n", c->label,
				c->med, c->p10, c->p90, c->n);
	}
	if (out)
		fclose(out);
}

/* -r: run one command, print the peak RSS of its whole process tree. */
static int rss_mode(char **argv, const char *dir)
{
	struct rusage ru;
	pid_t pid;
	int st, rc;

	if (dir && chdir(dir) < 0)
		die(dir);
	rc = posix_spawn(&pid, argv[0], NULL, NULL, argv, environ);
	if (rc != 0) {
		errno = rc;
		die(argv[0]);
	}
	if (waitpid(pid, &st, 0) < 0)
		die("waitpid");
	if (getrusage(RUSAGE_CHILDREN, &ru) < 0)
		die("getrusage");
	printf("%ld\n", ru.ru_maxrss);
	return st == 0 ? 0 : 1;
}

int main(int argc, char **argv)
{
	long iters = 500, warmup = 30, rounds;
	const char *bare = NULL, *floor_ = NULL, *tsv = NULL, *dir = NULL;
	int opt, rss = 0, nullfd, homefd;
	char line[65536];
	FILE *spec;

	while ((opt = getopt(argc, argv, "+n:w:B:F:o:rC:")) != -1) {
		switch (opt) {
		case 'n': iters = strtol(optarg, NULL, 10); break;
		case 'w': warmup = strtol(optarg, NULL, 10); break;
		case 'B': bare = optarg; break;
		case 'F': floor_ = optarg; break;
		case 'o': tsv = optarg; break;
		case 'r': rss = 1; break;
		case 'C': dir = optarg; break;
		default:
			fprintf(stderr, "usage: spawn [-n ITER] [-w WARMUP] [-B LABEL] "
				"[-F LABEL] [-o TSV] SPECFILE\n"
				"       spawn -r [-C DIR] -- COMMAND [ARG...]\n");
			return 2;
		}
	}
	if (rss)
		return optind < argc ? rss_mode(argv + optind, dir) : 2;
	if (optind != argc - 1 || iters < 1 || warmup < 0)
		return fprintf(stderr, "spawn: need one SPECFILE\n"), 2;
	if (!(spec = fopen(argv[optind], "r")))
		die(argv[optind]);
	while (ncmds < MAX_CMDS && fgets(line, sizeof line, spec)) {
		if (!strchr(line, '\n') && !feof(spec))
			return fprintf(stderr, "spawn: a spec line is longer than %zu bytes\n",
				       sizeof line - 1), 2;
		if (parse_line(line, &cmds[ncmds], iters) == 0)
			ncmds++;
	}
	fclose(spec);

	if ((nullfd = open("/dev/null", O_RDWR | O_CLOEXEC)) < 0)
		die("/dev/null");
	if ((homefd = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		die(".");
	for (int i = 0; i < ncmds; i++) {
		struct cmd *c = &cmds[i];

		char path[] = "/tmp/spawn-err-XXXXXX";

		validate(c, nullfd, homefd);
		if ((c->errfd = mkostemp(path, O_CLOEXEC)) < 0)
			die("mkstemp");
		unlink(path);
		c->stride = (iters + c->iters - 1) / c->iters;
		c->us = calloc((size_t)c->iters + 1, sizeof *c->us);
		if (!c->us)
			die("calloc");
	}

	/* warm-up rounds (untimed) then timed rounds, interleaved; each round
	 * starts at a different command so none always follows the same one */
	rounds = warmup + iters;
	for (long r = 0; r < rounds; r++) {
		for (int k = 0; k < ncmds; k++) {
			struct cmd *c = &cmds[(k + r) % ncmds];
			double us;
			int st;

			if (c->dropped || (r % c->stride) != 0)
				continue;
			if (enter_dir(c, homefd) < 0)
				die("chdir");
			if (ftruncate(c->errfd, 0) < 0 ||
			    lseek(c->errfd, 0, SEEK_SET) < 0)
				die("stderr file");
			st = run_once(c, nullfd, c->errfd, &us);
			if (st != 0) {
				note_failure(c, st, r);
				continue;
			}
			if (r >= warmup && c->n < c->iters)
				c->us[c->n++] = us;
		}
	}
	if (fchdir(homefd) < 0)
		die("fchdir");
	report(bare, floor_, tsv);
	for (int i = 0; i < ncmds; i++)
		if (cmds[i].failed && !cmds[i].dropped)
			fprintf(stderr, "spawn: %s: %ld timed runs failed and were not "
				"counted; first: %s\n", cmds[i].label, cmds[i].failed,
				cmds[i].first_err);
	return 0;
}
