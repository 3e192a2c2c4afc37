/* SPDX-License-Identifier: MIT */
/*
 * fuzz_expand.c: libFuzzer target for the path expander (policy/resolve.c:
 * a leading ~ or ~user, then $VAR and ${VAR}).
 *
 * The expander is static, so resolve.c is compiled into this file.  An
 * input is one byte choosing how HOME is set (a path, empty, unset, very
 * long), then the path as written in a policy (up to the first NUL).  The
 * password database is a fixed table here (getpwnam/getpwuid below), so an
 * input never reaches NSS or /etc/passwd and runs are reproducible.
 *
 * Properties checked besides ASan and UBSan:
 *  - the result equals that of a reference expander written from
 *    clawshim.ini(5) PATHS (a value is never expanded again);
 *  - an error names "layer:line" first, "unset" is reported only for an
 *    unset or empty variable, and no error ever shows a variable's value
 *    (a scrubbed secret must not reach clawshim's own stderr).
 */
#include "../../policy/resolve.c"

#include <stdint.h>

#define SECRET "S3CR3T-do-not-print"

#define CHECK(cond, ...)                                                  \
	do {                                                              \
		if (!(cond)) {                                            \
			fprintf(stderr, "fuzz_expand: %s: ", #cond);      \
			fprintf(stderr, __VA_ARGS__);                     \
			fputc('\n', stderr);                              \
			abort();                                          \
		}                                                         \
	} while (0)

/* --------------------------------------------- a fixed password database */

static char long_home[3000];

struct fake_user {
	const char *name, *dir;
	uid_t uid;
};

static const struct fake_user users[] = {
	{ "root", "/root", 0 },
	{ "nobody", "/nonexistent", 65534 },
	/* A home directory holding '$' and '~': taken literally. */
	{ "fz", "/home/fz dir,$FZ_A~", 1000 },
	{ "fzlong", long_home, 1001 },
	{ "fzempty", "", 1002 },
};

static struct passwd pw_out;

static struct passwd *fake_pw(const struct fake_user *u)
{
	memset(&pw_out, 0, sizeof(pw_out));
	pw_out.pw_name = (char *)u->name;
	pw_out.pw_dir = (char *)u->dir;
	pw_out.pw_uid = u->uid;
	pw_out.pw_gid = u->uid;
	pw_out.pw_shell = (char *)"/bin/sh";
	pw_out.pw_passwd = (char *)"x";
	pw_out.pw_gecos = (char *)"";
	return &pw_out;
}

/* Replace the C library's lookups (and the sanitizer's interceptors,
 * which are weak) for this program only. */
struct passwd *getpwnam(const char *name)
{
	for (size_t i = 0; i < ARRAY_LEN(users); i++)
		if (strcmp(users[i].name, name) == 0)
			return fake_pw(&users[i]);
	return NULL;
}

struct passwd *getpwuid(uid_t uid)
{
	for (size_t i = 0; i < ARRAY_LEN(users); i++)
		if (users[i].uid == uid)
			return fake_pw(&users[i]);
	return NULL;
}

/* ------------------------------------------------ the reference expander */

enum ref_result { REF_OK, REF_UNSET, REF_ERROR };

static bool name_start(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}

static bool name_char(char c)
{
	return name_start(c) || (c >= '0' && c <= '9');
}

/* clawshim.ini(5) PATHS, items 1 and 2, into *out (malloc'd on REF_OK). */
static enum ref_result ref_expand(const char *raw, char **out)
{
	size_t cap = strlen(raw) + 1, n = 0;
	char *o = xmalloc(cap);
	const char *s = raw;
#define PUT(str, len)                                                     \
	do {                                                              \
		size_t l_ = (len);                                        \
		while (n + l_ + 1 > cap)                                  \
			o = xrealloc(o, cap *= 2);                        \
		memcpy(o + n, (str), l_);                                 \
		n += l_;                                                  \
	} while (0)
	if (*s == '~') {
		const char *end = strchr(s, '/');
		size_t ulen = end ? (size_t)(end - s - 1) : strlen(s + 1);
		const char *dir = NULL;
		if (ulen == 0) {
			dir = getenv("HOME");
			if (!dir || !*dir) {
				struct passwd *pw = getpwuid(geteuid());
				dir = pw ? pw->pw_dir : NULL;
			}
		} else {
			char user[4096];
			if (ulen < sizeof(user)) {
				memcpy(user, s + 1, ulen);
				user[ulen] = '\0';
				struct passwd *pw = getpwnam(user);
				dir = pw ? pw->pw_dir : NULL;
			}
		}
		if (!dir) {
			free(o);
			return REF_ERROR;
		}
		PUT(dir, strlen(dir));
		s += 1 + ulen;
	}
	while (*s) {
		if (s[0] != '$') {
			PUT(s, 1);
			s++;
			continue;
		}
		bool brace = s[1] == '{';
		const char *nm = s + 1 + brace, *e = nm;
		if (name_start(*e))
			while (name_char(*e))
				e++;
		if (brace && (e == nm || *e != '}')) {
			free(o);
			return REF_ERROR;
		}
		if (e == nm) { /* a '$' not followed by a name is kept */
			PUT("$", 1);
			s++;
			continue;
		}
		char var[4096];
		size_t vlen = (size_t)(e - nm);
		const char *val = NULL;
		if (vlen < sizeof(var)) {
			memcpy(var, nm, vlen);
			var[vlen] = '\0';
			val = getenv(var);
		}
		if (!val || !*val) {
			free(o);
			return REF_UNSET;
		}
		PUT(val, strlen(val));
		s = e + brace;
	}
#undef PUT
	o[n] = '\0';
	*out = o;
	return REF_OK;
}

/* ------------------------------------------------------------ the target */

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	memset(long_home, 'h', sizeof(long_home) - 1);
	long_home[0] = '/';
	static char long_val[5000];
	memset(long_val, 'v', sizeof(long_val) - 1);
	setenv("FZ_A", "/a", 1);
	setenv("FZ_EMPTY", "", 1);
	setenv("FZ_LONG", long_val, 1);
	setenv("FZ_DOLLAR", "$FZ_A${FZ_A}~root", 1); /* never expanded again */
	setenv("FZ_SECRET", SECRET, 1);
	setenv("FZ_SLASH", "a/../b,c d", 1);
	unsetenv("FZ_UNSET");
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	switch (data[0] & 3) {
	case 0: setenv("HOME", "/home/h", 1); break;
	case 1: setenv("HOME", "", 1); break;
	case 2: unsetenv("HOME"); break;
	default: setenv("HOME", long_home, 1); break;
	}
	char *raw = xmalloc(size);
	memcpy(raw, data + 1, size - 1);
	raw[size - 1] = '\0';

	struct policy p;
	policy_init_empty(&p);
	struct origin from = { pol_layer(&p, ".clawshim.ini"), 7 };
	struct policy_error err = { 0 };
	bool unset = true;
	char *got = expand(raw, &from, &unset, &err);
	char *want = NULL;
	enum ref_result r = ref_expand(raw, &want);

	if (got) {
		CHECK(r == REF_OK, "expanded '%s' to '%s', the reference fails (%d)",
		      raw, got, (int)r);
		CHECK(strcmp(got, want) == 0, "'%s' -> '%s', the reference says '%s'",
		      raw, got, want);
		CHECK(!unset, "success with *unset set");
	} else {
		CHECK(r != REF_OK, "'%s' failed (%s), the reference gives '%s'", raw,
		      err.msg, want);
		CHECK(unset == (r == REF_UNSET), "'%s': unset %d, the reference %d", raw,
		      unset, (int)r);
		CHECK(strncmp(err.msg, ".clawshim.ini:7: ", 17) == 0,
		      "error without layer:line: '%s'", err.msg);
		/* Issue class: an untrusted layer's $VAR must not echo a value. */
		CHECK(strstr(raw, SECRET) || !strstr(err.msg, SECRET),
		      "the error shows a variable's value: '%s'", err.msg);
	}
	free(got);
	free(want);
	free(raw);
	policy_free(&p);
	return 0;
}
