/* SPDX-License-Identifier: MIT */
/*
 * test_env.c: which variables the built-in default removes from the
 * command's environment, by name and by a password in a URL, and that
 * keep = wins; one table of real-world names, secret and not.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../process/process.h"

struct env_case {
	const char *entry;
	bool removed;
};

static const struct env_case cases[] = {
	/* Secrets by name. */
	{ "TOKEN=x", true },
	{ "APIKEY=x", true },
	{ "Authorization=Bearer x", true },
	{ "MY_TOKEN2=x", true },
	{ "ACCESS_KEY_ID=x", true },
	{ "SESSION_KEY=x", true },
	{ "api-key=x", true },
	{ "npmAuthToken=x", true },
	{ "HF_TOKEN_PATH=x", true },
	{ "DB_CREDENTIALS=x", true },
	{ "SECRET=x", true },
	{ "PROXY=u:pw@proxy.example:3128", true },
	{ "MIRROR=ftp:s3cr3t@mirror.example/pub", true },
	{ "GITHUB_TOKEN=ghp_x", true },
	{ "OPENAI_API_KEY=sk-x", true },
	{ "STRIPE_KEY=sk_live_x", true },
	{ "SECRET_KEY_BASE=x", true },
	{ "GITHUB_PAT=x", true },
	{ "AZURE_DEVOPS_EXT_PAT=x", true },
	{ "MYSQL_PWD=x", true },
	{ "PGPASSWORD=x", true },
	{ "REDIS_PASS=x", true },
	{ "GPG_PASSPHRASE=x", true },
	{ "OP_SESSION_my=x", true },
	{ "BW_SESSION=x", true },
	{ "DOCKER_AUTH_CONFIG={}", true },
	{ "npm_config__auth=x", true },
	{ "NPM_CONFIG__AUTHTOKEN=x", true },
	{ "npm_config_//registry.npmjs.org/:_authToken=x", true },
	{ "SLACK_WEBHOOK_URL=https://hooks.slack.com/services/T/B/x", true },
	{ "DISCORD_WEBHOOK=x", true },
	{ "SENTRY_DSN=https://k@o.ingest.sentry.io/1", true },
	{ "CI_JOB_JWT=x", true },
	{ "RELEASE_COOKIE=x", true },
	{ "GPG_KEY=A035C8C19219BA821ECEA86B64E628F8D684696D", true }, /* fingerprint: harmless */
	{ "SSH_AUTH_SOCK=/tmp/a", true },
	{ "CLAWSHIM_BACKEND=landlock", true },
	/* Secrets by value: a URL with user:password@. */
	{ "DATABASE_URL=postgres://app:hunter2@db:5432/app", true },
	{ "HTTP_PROXY=http://u:p@proxy:3128", true },
	{ "https_proxy=http://u:p@proxy:3128/", true },
	{ "PIP_INDEX_URL=https://__token__:pypi-x@pypi.example/simple", true },
	{ "UV_INDEX_URL=https://u:p@idx.example/simple", true },
	{ "PIP_EXTRA_INDEX_URL=https://a.example/simple https://u:p@b.example/simple", true },
	{ "REDIS=redis://:pw@cache:6379/0", true },
	{ "X=see git+https://u:tok@git.example/r.git", true },
	{ "DEPLOY=-----BEGIN OPENSSH PRIVATE KEY-----\nb3Bl\n", true },
	{ "GOOGLE_CLOUD_KEYFILE_JSON={\"private_key\": \"-----BEGIN PRIVATE KEY-----\\nMIIE\"}", true },
	{ "CERT=-----BEGIN CERTIFICATE-----\nMIIB\n", false },
	/* Not secrets: must reach the command. */
	{ "PATH=/usr/bin:/bin", false },
	{ "HOME=/home/u", false },
	{ "TERM=xterm-256color", false },
	{ "PWD=/w", false },
	{ "OLDPWD=/", false },
	{ "CLASSPATH=/usr/share/java", false },
	{ "SSH_CONNECTION=1.2.3.4 5 6.7.8.9 22", false },
	{ "SSH_TTY=/dev/pts/0", false },
	{ "LANG=C.UTF-8", false },
	{ "KEYBOARD=us", false },
	{ "XKB_DEFAULT_LAYOUT=us", false },
	{ "DBUS_SESSION_BUS_ADDRESS=unix:path=/run/user/1000/bus", false },
	{ "XDG_SESSION_TYPE=tty", false },
	{ "XAUTHORITY=/home/u/.Xauthority", false },
	{ "DATABASE_URL=postgres://db:5432/app", false },
	{ "DATABASE_URL=postgres://app@db/app", false },
	{ "HTTP_PROXY=http://proxy:3128", false },
	{ "NO_PROXY=localhost,127.0.0.1,.example", false },
	{ "GIT_URL=ssh://git@github.com/o/r.git", false },
	{ "URL=http://[::1]:8080/x", false },
	{ "U=https://registry.example/@scope/pkg:1", false },
	{ "EMPTYPW=http://u:@h/", false },
	{ "TIME=12:30@noon", false },
	{ "TOKENIZERS_PARALLELISM=false", false },
	{ "KEYTIMEOUT=1", false },
	{ "GPG_TTY=/dev/pts/1", false },
	{ "HISTCONTROL=ignoreboth", false },
	{ "DISPLAY=:0", false },
	{ "WAYLAND_DISPLAY=wayland-0", false },
	{ "COLORTERM=truecolor", false },
	{ "EDITOR=vi", false },
	{ "PAGER=less", false },
	{ "LC_ALL=C.UTF-8", false },
	{ "XDG_RUNTIME_DIR=/run/user/1000", false },
	{ "npm_config_cache=/home/u/.npm", false },
	{ "GIT_AUTHOR_NAME=A U Thor", false },
	{ "GIT_ASKPASS=/usr/bin/true", false },
	{ "OPENAI_MAX_TOKENS=1000", false },
	{ "SESSION_MANAGER=local/h:@/tmp/.ICE-unix/1", false },
	{ "PS1=\\u@\\h:\\w\\$ ", false },
	{ "PS1=${debian_chroot:+($debian_chroot)}\\u@\\h:\\w", false },
	{ "REPO=git@github.com:o/r.git", false },
	{ "MAIL=/var/mail/u", false },
	{ "NOVALUE", false },
};

static void test_default_table(void **state)
{
	(void)state;
	struct policy p;
	struct policy_error err;
	assert_int_equal(policy_init_default(&p, &err), 0);
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		bool got = env_is_removed(&p, cases[i].entry);
		if (got != cases[i].removed)
			fail_msg("%s: removed %d, expected %d", cases[i].entry, got, cases[i].removed);
	}
	policy_free(&p);
}

static void test_keep_wins(void **state)
{
	(void)state;
	struct policy p;
	struct policy_error err;
	assert_int_equal(policy_init_default(&p, &err), 0);
	assert_int_equal(policy_load_string(&p, "[clawshim]\nversion = 1\n[environment]\n"
					    "keep = DATABASE_URL, GPG_KEY\n", "t", TRUST_FULL, &err), 0);
	assert_false(env_is_removed(&p, "DATABASE_URL=postgres://a:b@h/d"));
	assert_false(env_is_removed(&p, "GPG_KEY=ABCD"));
	assert_true(env_is_removed(&p, "PGPASSWORD=x"));
	/* clawshim's own variables are removed whatever keep says. */
	assert_int_equal(policy_load_string(&p, "[clawshim]\nversion = 1\n[environment]\n"
					    "keep = CLAWSHIM_*\n", "t2", TRUST_FULL, &err), 0);
	assert_true(env_is_removed(&p, "CLAWSHIM_BACKEND=none"));
	policy_free(&p);
}

static void test_build(void **state)
{
	(void)state;
	struct policy p;
	struct policy_error err;
	assert_int_equal(policy_init_default(&p, &err), 0);
	char *in[] = { "PATH=/bin", "HTTP_PROXY=http://u:p@h:1", "SHELL=/x/clawshim", "A=1", NULL };
	struct strv out = { 0 };
	env_build(&p, in, "landlock", "/bin/bash", &out);
	assert_int_equal(out.n, 4);
	assert_string_equal(out.v[0], "PATH=/bin");
	assert_string_equal(out.v[1], "A=1");
	assert_string_equal(out.v[2], "CLAWSHIM_BACKEND=landlock");
	assert_string_equal(out.v[3], "SHELL=/bin/bash");
	strv_free(&out);
	policy_free(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default_table),
		cmocka_unit_test(test_keep_wins),
		cmocka_unit_test(test_build),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
