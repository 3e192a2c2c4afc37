/* SPDX-License-Identifier: MIT */
/*
 * churn: a process that never stays: it forks a copy of itself and
 * exits, forever, so that at any moment one short-lived process carries
 * on (argv[1], a marker, stays in every copy's command line).  What a
 * /proc scan cannot keep up with.  With "wide", each copy forks two.
 * The whole lineage ends by itself 30 seconds after the first started,
 * so that one escaping a broken clawshim does not churn for ever.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int wide = argc > 2 && strcmp(argv[2], "wide") == 0;
	time_t end = time(NULL) + 30; /* copied into every descendant */
	for (;;) {
		if (time(NULL) > end)
			_exit(0);
		pid_t p = fork();
		if (p > 0 && (!wide || fork() != 0))
			_exit(0);
		if (p < 0) {
			struct timespec ts = { 0, 1000000 };
			nanosleep(&ts, NULL);
		}
	}
}
