/* SPDX-License-Identifier: MIT */
/*
 * proxy_posix.c: the portable (macOS) build has no domain proxy: it
 * stands on the Linux notification supervisor, which alone can force a
 * command's connects through it.  Every backend there refuses
 * allow = domains before this is reached; this says so if it ever is.
 */
#include "proxy.h"
#include "process.h"

#include <stdio.h>

#include "../common.h"

int proxy_listen(struct proxy *px, char *why, size_t whylen)
{
	(void)px;
	snprintf(why, whylen, "the domain proxy is Linux only");
	return -1;
}

void env_add_proxy(struct strv *env, const struct policy *p, unsigned port, const char *self)
{
	(void)env;
	(void)p;
	(void)port;
	(void)self;
}

int proxy_connect_main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	warn("connect: the domain proxy is Linux only");
	return EXIT_SETUP;
}
