/* SPDX-License-Identifier: MIT */
/*
 * static_passwd.c: getpwuid() and getpwnam() for the static build.
 *
 * glibc finds users through NSS, which a static program can only do by
 * loading the shared NSS modules of the very glibc it was linked with; on
 * another system (the reason to vendor a static build) that fails or mixes
 * two C libraries in one process.  `make static` links with
 * --wrap=getpwuid,--wrap=getpwnam, so every call lands here instead: the
 * entry read from /etc/passwd with fgetpwent(), which needs no NSS.  A user
 * only a directory service knows (LDAP, sssd) is not found: clawshim then
 * takes the home directory from $HOME and the shell from the policy or
 * /bin/sh, as for a user without a passwd entry.
 */
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>


struct passwd *__wrap_getpwuid(uid_t uid);
struct passwd *__wrap_getpwnam(const char *name);

/* The first /etc/passwd entry with this uid (by_name NULL) or name, or
 * NULL; the entry lives in fgetpwent()'s static buffer, as getpwuid's. */
static struct passwd *lookup(uid_t uid, const char *by_name)
{
	FILE *f = fopen("/etc/passwd", "re");
	struct passwd *pw = NULL;
	if (!f)
		return NULL;
	while ((pw = fgetpwent(f)) != NULL)
		if (by_name ? strcmp(pw->pw_name, by_name) == 0 : pw->pw_uid == uid)
			break;
	fclose(f);
	return pw;
}

/* getpwuid() from /etc/passwd alone. */
struct passwd *__wrap_getpwuid(uid_t uid)
{
	return lookup(uid, NULL);
}

/* getpwnam() from /etc/passwd alone. */
struct passwd *__wrap_getpwnam(const char *name)
{
	return lookup(0, name);
}
