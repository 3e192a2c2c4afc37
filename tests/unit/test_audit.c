/* SPDX-License-Identifier: MIT */
/*
 * test_audit.c: the audit log's pure parts and its file: JSON escaping of
 * every control byte and of invalid UTF-8, SHA-256 vectors, the [log]
 * keys' tighten-only rules, refusing a symlinked or group-writable log,
 * and rotation keeping every line whole.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../common.h"
#include "../../json.h"
#include "../../sha256.h"
#include "../../policy/policy.h"
#include "../../process/audit.h"

/* s[0..len) escaped by jb_strn, NUL-terminated, owned by the caller. */
static char *esc(const char *s, size_t len)
{
	struct jbuf b = { 0 };
	jb_strn(&b, s, len);
	return b.s;
}

static void expect(const char *in, size_t len, const char *want)
{
	char *got = esc(in, len);
	assert_string_equal(got, want);
	free(got);
}

/* Every byte below 0x20, and DEL, is escaped; nothing else ASCII is. */
static void test_control_bytes(void **state)
{
	(void)state;
	for (unsigned c = 0; c < 0x80; c++) {
		char in[1] = { (char)c }, want[16];
		if (c == '\n')
			strcpy(want, "\"\\n\"");
		else if (c == '\t')
			strcpy(want, "\"\\t\"");
		else if (c == '\r')
			strcpy(want, "\"\\r\"");
		else if (c < 0x20 || c == 0x7f)
			snprintf(want, sizeof(want), "\"\\u%04x\"", c);
		else if (c == '"' || c == '\\')
			snprintf(want, sizeof(want), "\"\\%c\"", c);
		else
			snprintf(want, sizeof(want), "\"%c\"", c);
		expect(in, 1, want);
	}
	expect("a\0b", 3, "\"a\\u0000b\"");
}

static void test_utf8(void **state)
{
	(void)state;
	expect("caf\xc3\xa9", 5, "\"caf\\u00e9\"");                 /* é */
	expect("\xe2\x82\xac", 3, "\"\\u20ac\"");                   /* € */
	expect("\xf0\x9f\x98\x80", 4, "\"\\ud83d\\ude00\"");        /* U+1F600: a pair */
	expect("\xc2\x85", 2, "\"\\u0085\"");                       /* C1 NEL */
	expect("\xe2\x80\xa8", 3, "\"\\u2028\"");                   /* LINE SEPARATOR */
	expect("\xef\xbf\xbd", 3, "\"\\ufffd\"");                   /* U+FFFD itself */
	expect("\xf4\x8f\xbf\xbf", 4, "\"\\udbff\\udfff\"");        /* U+10FFFF */
}

/* Each byte that does not start a well-formed sequence: one U+FFFD. */
static void test_invalid_utf8(void **state)
{
	(void)state;
	expect("\xff", 1, "\"\\ufffd\"");
	expect("\x80", 1, "\"\\ufffd\"");                          /* lone continuation */
	expect("\xc0\xaf", 2, "\"\\ufffd\\ufffd\"");               /* overlong '/' */
	expect("\xe0\x80\xaf", 3, "\"\\ufffd\\ufffd\\ufffd\"");    /* overlong */
	expect("\xed\xa0\x80", 3, "\"\\ufffd\\ufffd\\ufffd\"");    /* surrogate D800 */
	expect("\xf4\x90\x80\x80", 4, "\"\\ufffd\\ufffd\\ufffd\\ufffd\""); /* > U+10FFFF */
	expect("\xf5\x80", 2, "\"\\ufffd\\ufffd\"");
	expect("a\xe2\x82", 3, "\"a\\ufffd\\ufffd\"");             /* truncated at the end */
	expect("\xe2\x82z", 3, "\"\\ufffd\\ufffdz\"");             /* truncated mid-string */
	expect("\xc3\"", 2, "\"\\ufffd\\\"\"");                    /* a quote is never eaten */
}

/* Whatever the input, the output is printable ASCII in one pair of quotes
 * with no unescaped quote inside (so one line, one JSON string). */
static void test_all_bytes_pairs(void **state)
{
	(void)state;
	for (unsigned a = 0; a < 256; a++)
		for (unsigned b = 0; b < 256; b += 3) {
			char in[3] = { (char)a, (char)b, (char)(a ^ b) };
			char *o = esc(in, 3);
			size_t n = strlen(o);
			assert_true(n >= 2 && o[0] == '"' && o[n - 1] == '"');
			for (size_t i = 1; i + 1 < n; i++) {
				assert_true(o[i] >= 0x20 && o[i] < 0x7f);
				if (o[i] == '\\')
					i++;
				else
					assert_true(o[i] != '"');
			}
			free(o);
		}
}

static void test_sha256(void **state)
{
	(void)state;
	char h[65];
	sha256_hex("", 0, h);
	assert_string_equal(h, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	sha256_hex("abc", 3, h);
	assert_string_equal(h, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	sha256_hex(two, strlen(two), h);
	assert_string_equal(h, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
	char *mil = xmalloc(1000000);
	memset(mil, 'a', 1000000);
	sha256_hex(mil, 1000000, h);
	assert_string_equal(h, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
	free(mil);
}

static const char *head = "[clawshim]\nversion = 1\n[log]\n";

static int ws_layer(struct policy *p, const char *body, struct policy_error *err)
{
	char *t = xasprintf("%s%s", head, body);
	int rc = policy_load_string(p, t, "/ws/.clawshim.ini", TRUST_TIGHTEN_ONLY, err);
	free(t);
	return rc;
}

/* The workspace may turn the log on; never off, elsewhere, quiet or
 * smaller. */
static void test_tighten_only(void **state)
{
	(void)state;
	struct policy p;
	struct policy_error err;
	assert_int_equal(policy_init_default(&p, &err), 0);
	assert_int_equal(policy_load_string(&p, "[clawshim]\nversion = 1\n[log]\nfile = /var/log/x/a.log\n",
					    "/etc/clawshim/clawshim.ini", TRUST_FULL, &err), 0);
	assert_int_equal(ws_layer(&p, "enabled = yes\n", &err), 0);
	assert_true(p.log_enabled.val);
	assert_int_equal(ws_layer(&p, "quiet = no\n", &err), 0);
	static const char *const bad[] = { "enabled = no\n", "file = /tmp/elsewhere.log\n",
					   "quiet = yes\n", "max_size = 1k\n", "keep = 1\n" };
	for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
		assert_int_equal(ws_layer(&p, bad[i], &err), -1);
		assert_non_null(strstr(err.msg, "/ws/.clawshim.ini:4: "));
		assert_non_null(strstr(err.msg, "would widen access"));
	}
	char *path = NULL;
	struct origin from;
	assert_int_equal(policy_log_path(&p, &path, &from, &err), 0);
	assert_string_equal(path, "/var/log/x/a.log");
	assert_int_equal(from.line, 4);
	free(path);
	policy_free(&p);
}

/* enabled = yes without a file: $XDG_STATE_HOME, else ~/.local/state. */
static void test_default_path(void **state)
{
	(void)state;
	struct policy p;
	struct policy_error err;
	assert_int_equal(policy_init_default(&p, &err), 0);
	char *path = (char *)1;
	struct origin from;
	assert_int_equal(policy_log_path(&p, &path, &from, &err), 0);
	assert_null(path);
	assert_int_equal(ws_layer(&p, "enabled = yes\n", &err), 0);
	setenv("XDG_STATE_HOME", "/srv/state", 1);
	assert_int_equal(policy_log_path(&p, &path, &from, &err), 0);
	assert_string_equal(path, "/srv/state/clawshim/audit.log");
	free(path);
	unsetenv("XDG_STATE_HOME");
	setenv("HOME", "/home/u", 1);
	assert_int_equal(policy_log_path(&p, &path, &from, &err), 0);
	assert_string_equal(path, "/home/u/.local/state/clawshim/audit.log");
	free(path);
	assert_int_equal(policy_load_string(&p, "[clawshim]\nversion = 1\n[log]\nfile = logs/a\n",
					    "user", TRUST_FULL, &err), 0);
	assert_int_equal(policy_log_path(&p, &path, &from, &err), -1);
	assert_non_null(strstr(err.msg, "user:4: [log] file must be an absolute path"));
	policy_free(&p);
}

static char T[PATH_MAX];

static int count_lines(const char *path, size_t *bytes)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return 0;
	int n = 0, c, last = '\n';
	size_t b = 0;
	while ((c = fgetc(f)) != EOF) {
		b++;
		n += c == '\n';
		last = c;
	}
	fclose(f);
	assert_int_equal(last, '\n'); /* whole lines only */
	if (bytes)
		*bytes = b;
	return n;
}

/* A symlink, a group-writable file and a directory are refused. */
static void test_refused_files(void **state)
{
	(void)state;
	char why[PATH_MAX + 64], *p = xasprintf("%s/link.log", T), *q = xasprintf("%s/gw.log", T);
	assert_int_equal(symlink("/etc/passwd", p), 0);
	assert_int_equal(auditlog_open(p, 0, 1, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "a symbolic link"));
	int fd = open(q, O_CREAT | O_WRONLY, 0600);
	assert_true(fd >= 0);
	assert_int_equal(fchmod(fd, 0620), 0);
	close(fd);
	assert_int_equal(auditlog_open(q, 0, 1, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "writable by group or others"));
	assert_int_equal(auditlog_open(T, 0, 1, why, sizeof(why)), -1);
	free(p);
	free(q);
}

/* 300 lines of 100 bytes into max_size 1000, keep 50: rotated files
 * exist, none is over the size, every line is whole, none is lost
 * (9 lines per file: 300 lines, 34 files, all kept). */
static void test_rotation(void **state)
{
	(void)state;
	char why[PATH_MAX + 64], *log = xasprintf("%s/rot.log", T);
	assert_int_equal(auditlog_open(log, 1000, 50, why, sizeof(why)), 0);
	char line[101];
	memset(line, 'x', 99);
	line[99] = '\n';
	for (int i = 0; i < 300; i++)
		assert_int_equal(auditlog_append(line, 100), 0);
	struct stat st;
	assert_int_equal(stat(log, &st), 0);
	assert_true((st.st_mode & 0777) == 0600);
	int total = 0;
	for (int i = 0; i <= 50; i++) {
		char *f = i ? xasprintf("%s.%d", log, i) : xstrdup(log);
		size_t bytes = 0;
		total += count_lines(f, &bytes);
		assert_true(bytes <= 1000);
		free(f);
	}
	assert_int_equal(total, 300);
	free(log);
}

static int setup(void **state)
{
	(void)state;
	char tmpl[] = "/tmp/clawshim-audit.XXXXXX";
	if (!mkdtemp(tmpl) || !realpath(tmpl, T))
		return -1;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	char *cmd = xasprintf("rm -rf '%s'", T);
	int r = system(cmd);
	free(cmd);
	return r == 0 ? 0 : -1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_control_bytes),
		cmocka_unit_test(test_utf8),
		cmocka_unit_test(test_invalid_utf8),
		cmocka_unit_test(test_all_bytes_pairs),
		cmocka_unit_test(test_sha256),
		cmocka_unit_test(test_tighten_only),
		cmocka_unit_test(test_default_path),
		cmocka_unit_test(test_refused_files),
		cmocka_unit_test(test_rotation),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
