/* SPDX-License-Identifier: MIT */
/*
 * parse.c: INI text -> policy layer, with the system inih.
 *
 * inih is lenient where a security policy must not be: it cuts long lines
 * and hands the pieces on, goes on after errors, joins indented lines to
 * the previous key and does not tell the handler the line number. We feed
 * it through our own reader, one line per call, which counts lines and
 * refuses long, indented and NUL-holding lines and unknown sections before
 * inih sees them; any error anywhere fails the whole layer.
 */
#include "policy_int.h"

#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <limits.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../common.h"
#include "domains.h"

#define OFF(m) offsetof(struct policy, m)

const struct keydef policy_keys[] = {
	{ "clawshim", "version", K_VERSION, KT_COMPARE, OFF(version) },
	{ "sandbox", "backend", K_BACKEND, KT_NEVER, OFF(backend) },
	{ "sandbox", "fallback", K_BACKEND, KT_NEVER, OFF(fallback) },
	{ "sandbox", "best_effort", K_BOOL, KT_COMPARE, OFF(best_effort) },
	{ "sandbox", "timeout", K_SECONDS, KT_COMPARE, OFF(timeout) },
	{ "sandbox", "kill_after", K_POSINT, KT_COMPARE, OFF(kill_after) },
	{ "sandbox", "shell", K_PATH, KT_NEVER, OFF(shell) },
	/* A profile grants (state directories, ~/.bashrc): never from a
	 * workspace file. */
	{ "sandbox", "profile", K_STR, KT_NEVER, OFF(profile) },
	{ "filesystem", "workspace", K_PATH, KT_NEVER, OFF(workspace) },
	{ "filesystem", "read_write", K_PATHLIST, KT_NEVER, OFF(read_write) },
	{ "filesystem", "read_only", K_PATHLIST, KT_NEVER, OFF(read_only) },
	{ "filesystem", "deny", K_PATHLIST, KT_ADD, OFF(deny) },
	{ "filesystem", "deny_write", K_PATHLIST, KT_ADD, OFF(deny_write) },
	{ "filesystem", "no_exec", K_PATHLIST, KT_ADD, OFF(no_exec) },
	{ "network", "allow", K_NETALLOW, KT_COMPARE, OFF(net_all) },
	{ "network", "connect_tcp", K_PORTLIST, KT_NEVER, OFF(connect_tcp) },
	{ "network", "bind_tcp", K_PORTLIST, KT_NEVER, OFF(bind_tcp) },
	{ "network", "unix", K_PATHLIST, KT_NEVER, OFF(unix_sockets) },
	/* domains narrow as a workspace adds them: every layer must allow. */
	{ "network", "domains", K_PATTERNLIST, KT_ADD, OFF(domains) },
	{ "network", "deny_domains", K_PATTERNLIST, KT_ADD, OFF(deny_domains) },
	{ "network", "plain_http", K_BOOL, KT_COMPARE, OFF(net_plain_http) },
	{ "network", "private", K_BOOL, KT_COMPARE, OFF(net_private) },
	{ "network", "upstream", K_STR, KT_NEVER, OFF(net_upstream) },
	{ "process", "max_processes", K_LIMIT_COUNT, KT_COMPARE, OFF(limit[LIMIT_PROCESSES]) },
	{ "process", "max_memory", K_LIMIT_SIZE, KT_COMPARE, OFF(limit[LIMIT_MEMORY]) },
	{ "process", "max_cpu", K_LIMIT_SECS, KT_COMPARE, OFF(limit[LIMIT_CPU]) },
	{ "process", "max_file_size", K_LIMIT_SIZE, KT_COMPARE, OFF(limit[LIMIT_FILE_SIZE]) },
	{ "process", "max_open_files", K_LIMIT_COUNT, KT_COMPARE, OFF(limit[LIMIT_OPEN_FILES]) },
	{ "process", "keep_capabilities", K_CAPLIST, KT_NEVER, OFF(keep_capabilities) },
	{ "environment", "remove", K_PATTERNLIST, KT_ADD, OFF(env_remove) },
	{ "environment", "keep", K_PATTERNLIST, KT_NEVER, OFF(env_keep) },
	{ "environment", "set", K_ENVSET, KT_NEVER, OFF(env_set) },
	{ "seccomp", "deny", K_SYSCALLLIST, KT_ADD, OFF(seccomp_deny) },
	{ "docker", "image", K_STR, KT_NEVER, OFF(docker_image) },
	{ "docker", "engine", K_ENGINE, KT_NEVER, OFF(docker_engine) },
	/* The workspace may turn the log on, never off, away or quiet. */
	{ "log", "file", K_PATH, KT_NEVER, OFF(log_file) },
	{ "log", "enabled", K_BOOL, KT_ON, OFF(log_enabled) },
	{ "log", "quiet", K_BOOL, KT_COMPARE, OFF(log_quiet) },
	{ "log", "max_size", K_LIMIT_SIZE, KT_NEVER, OFF(log_max_size) },
	{ "log", "keep", K_LIMIT_COUNT, KT_NEVER, OFF(log_keep) },
};
const size_t policy_nkeys = ARRAY_LEN(policy_keys);

const char *const policy_sections[] = {
	"clawshim", "sandbox", "filesystem", "network", "process",
	"environment", "seccomp", "docker", "log",
};
const size_t policy_nsections = ARRAY_LEN(policy_sections);

struct parse {
	struct policy *p;
	const char *layer;        /* interned */
	enum trust trust;
	struct policy_error *err;
	bool failed;
	unsigned err_line;        /* line of the first error we found */
	const char *pos, *end;    /* the reader's position in the text */
	unsigned line;            /* the line inih is working on */
	bool need_version, have_version;
	bool one_item;            /* a list value is one item, commas and all */
	unsigned seen[ARRAY_LEN(policy_keys)]; /* scalar set at this line */
};

/* Record the first error; later ones are dropped. Returns 0 (inih's
 * "handler failed"). */
__attribute__((format(printf, 3, 4)))
static int fail(struct parse *ps, const char *hint_text, const char *fmt, ...)
{
	if (ps->failed)
		return 0;
	ps->failed = true;
	ps->err_line = ps->line;
	char msg[sizeof(ps->err->msg)];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	pol_err(ps->err, ps->layer, ps->line, hint_text, "%s", msg);
	return 0;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

static const struct keydef *find_key(const char *section, const char *name)
{
	for (size_t i = 0; i < policy_nkeys; i++)
		if (!strcmp(policy_keys[i].section, section) &&
		    !strcmp(policy_keys[i].name, name))
			return &policy_keys[i];
	return NULL;
}

static bool known_section(const char *name)
{
	for (size_t i = 0; i < policy_nsections; i++)
		if (!strcmp(policy_sections[i], name))
			return true;
	return false;
}

/* A "[section]" line: refuse unknown sections and trailing junk here, as
 * inih never reports a section to the handler. */
static void check_section(struct parse *ps, const char *s, size_t len)
{
	const char *close = memchr(s, ']', len);
	if (!close)
		return; /* inih reports the syntax error */
	char name[64];
	size_t n = (size_t)(close - s - 1);
	snprintf(name, sizeof(name), "%.*s", (int)(n < 63 ? n : 63), s + 1);
	const char *rest = close + 1, *end = s + len;
	while (rest < end && is_blank(*rest))
		rest++;
	if (rest < end && *rest != ';') {
		fail(ps, NULL, "unexpected text after [%s]", name);
		return;
	}
	if (n >= 63 || !known_section(name)) {
		const char *s2 = pol_suggest(name, policy_sections, policy_nsections);
		char hint_text[96] = "";
		if (s2)
			snprintf(hint_text, sizeof(hint_text), "did you mean [%s]?", s2);
		fail(ps, s2 ? hint_text : NULL, "unknown section [%s]", name);
	}
}

/* inih's reader: one line per call, checked before inih sees it. */
static char *reader(char *buf, int num, void *stream)
{
	struct parse *ps = stream;
	if (ps->failed || ps->pos >= ps->end)
		return NULL;
	const char *s = ps->pos, *start = ps->pos;
	const char *nl = memchr(s, '\n', (size_t)(ps->end - s));
	size_t len = nl ? (size_t)(nl - s) : (size_t)(ps->end - s);
	size_t total = nl ? len + 1 : len;
	ps->pos = start + total;
	ps->line++;

	size_t content = len;
	if (content && s[content - 1] == '\r')
		content--;
	if (memchr(s, '\0', len)) {
		fail(ps, NULL, "NUL byte in the line");
		return NULL;
	}
	/* inih would cut the line and parse the rest as a line of its own. */
	if (num < 3 || content > (size_t)num - 3) {
		fail(ps, "split the value over several lines with the same key",
		     "line too long (at most %d bytes)", num - 3);
		return NULL;
	}
	if (ps->line == 1 && len >= 3 && !memcmp(s, "\xEF\xBB\xBF", 3)) {
		s += 3; /* inih skips a UTF-8 BOM too */
		content -= 3;
	}
	size_t i = 0;
	while (i < content && is_blank(s[i]))
		i++;
	/* inih joins an indented line to the previous value: a line meant
	 * as "deny" could silently become part of a read_write path. */
	if (i > 0 && i < content && s[i] != ';' && s[i] != '#') {
		fail(ps, NULL, "indented line (continuation lines are not allowed)");
		return NULL;
	}
	if (i == 0 && content && s[0] == '[') {
		check_section(ps, s, content);
		if (ps->failed)
			return NULL;
	}
	memcpy(buf, start, total);
	buf[total] = '\0';
	return buf;
}

/* Strict decimal: digits only, no sign, no overflow past max. */
static bool parse_uint(const char *s, long long max, long long *out)
{
	if (!*s)
		return false;
	long long v = 0;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return false;
		if (v > (max - (*s - '0')) / 10)
			return false;
		v = v * 10 + (*s - '0');
	}
	*out = v;
	return true;
}

static bool parse_bool(const char *s, bool *out)
{
	static const char *const yes[] = { "true", "yes", "on", "1" };
	static const char *const no[] = { "false", "no", "off", "0" };
	for (size_t i = 0; i < ARRAY_LEN(yes); i++) {
		if (!strcasecmp(s, yes[i]))
			return *out = true, true;
		if (!strcasecmp(s, no[i]))
			return *out = false, true;
	}
	return false;
}

/* "123", "512k", "2G", "unlimited" -> bytes. */
static bool parse_size(const char *s, long long *out)
{
	if (!strcmp(s, "unlimited"))
		return *out = LIMIT_UNLIMITED, true;
	size_t len = strlen(s);
	int shift = 0;
	if (len > 1) {
		switch (toupper((unsigned char)s[len - 1])) {
		case 'K': shift = 10; break;
		case 'M': shift = 20; break;
		case 'G': shift = 30; break;
		case 'T': shift = 40; break;
		default: break;
		}
	}
	char num[32];
	size_t nlen = shift ? len - 1 : len;
	if (nlen >= sizeof(num))
		return false;
	memcpy(num, s, nlen);
	num[nlen] = '\0';
	long long v;
	if (!parse_uint(num, LLONG_MAX >> shift, &v) || v < 1)
		return false;
	*out = v << shift;
	return true;
}

static bool parse_limit(const char *s, long long *out)
{
	if (!strcmp(s, "unlimited"))
		return *out = LIMIT_UNLIMITED, true;
	return parse_uint(s, LLONG_MAX, out) && *out >= 1;
}

/* Is `v` (a limit) no wider than the current value `cur`? */
static bool limit_tightens(const struct pol_num *cur, long long v)
{
	if (cur->set && cur->val == LIMIT_UNLIMITED)
		return true;
	if (v == LIMIT_UNLIMITED)
		return false;
	return !cur->set || v <= cur->val;
}

static int widen(struct parse *ps, const struct keydef *k)
{
	return fail(ps, "move it to ~/.config/clawshim/clawshim.ini or pass --policy",
		    "'%s' would widen access; the workspace policy may only tighten",
		    k->name);
}

static int bad_value(struct parse *ps, const struct keydef *k, const char *v,
		     const char *what)
{
	return fail(ps, NULL, "bad value '%s' for '%s' (expected %s)", v, k->name, what);
}

static int set_backend(struct parse *ps, const struct keydef *k, const char *v,
		       struct pol_num *n)
{
	const char *names[BACKEND_COUNT];
	for (int i = 0; i < BACKEND_COUNT; i++) {
		names[i] = backend_name((enum backend_id)i);
		if (!strcmp(v, names[i])) {
			n->val = i;
			return 1;
		}
	}
	const char *s = pol_suggest(v, names, BACKEND_COUNT);
	char hint_text[64];
	snprintf(hint_text, sizeof(hint_text), "did you mean '%s'?", s ? s : "");
	return fail(ps, s ? hint_text : NULL,
		    "unknown %s '%s' (auto, landlock, bwrap, firejail, docker, "
		    "sandbox-exec, path or none)", k->name, v);
}

/* Parse and check a number-valued key into *val; 1 on success. */
static int parse_num(struct parse *ps, const struct keydef *k, const char *v,
		     long long *val)
{
	switch (k->type) {
	case K_VERSION:
		if (!parse_uint(v, LLONG_MAX, val))
			return bad_value(ps, k, v, "1");
		if (*val != 1)
			return fail(ps, NULL, "unsupported policy version %s "
				    "(this clawshim reads version 1)", v);
		return 1;
	case K_SECONDS:
		if (!parse_uint(v, INT_MAX, val))
			return bad_value(ps, k, v, "seconds, 0 for none");
		return 1;
	case K_POSINT:
		if (!parse_uint(v, INT_MAX, val) || *val < 1)
			return bad_value(ps, k, v, "seconds, at least 1");
		return 1;
	case K_LIMIT_COUNT:
	case K_LIMIT_SECS:
		if (!parse_limit(v, val))
			return bad_value(ps, k, v, "a positive integer or 'unlimited'");
		return 1;
	case K_LIMIT_SIZE:
		if (!parse_size(v, val))
			return bad_value(ps, k, v, "a size like 512M or 2G, or 'unlimited'");
		return 1;
	case K_BACKEND: case K_BOOL: case K_PATH: case K_STR: case K_ENGINE:
	case K_NETALLOW: case K_PATHLIST: case K_PORTLIST: case K_CAPLIST:
	case K_PATTERNLIST: case K_ENVSET: case K_SYSCALLLIST:
		break;
	}
	return bad_value(ps, k, v, "a number");
}

static int set_num(struct parse *ps, const struct keydef *k, const char *v)
{
	struct pol_num *n = KEY_MEMBER(ps->p, k, struct pol_num);
	long long val = 0;
	if (k->type == K_BACKEND) {
		struct pol_num tmp = *n;
		if (!set_backend(ps, k, v, &tmp))
			return 0;
		val = tmp.val;
	} else if (!parse_num(ps, k, v, &val)) {
		return 0;
	}
	if (ps->trust == TRUST_TIGHTEN_ONLY && k->trust == KT_NEVER)
		return widen(ps, k);
	if (ps->trust == TRUST_TIGHTEN_ONLY && k->trust != KT_ADD) {
		bool ok = false;
		long long cur = n->set ? n->val : 0;
		switch (k->type) {
		case K_VERSION: ok = true; break;
		/* timeout 0 means none: any timeout tightens "none". */
		case K_SECONDS: ok = cur == 0 || (val != 0 && val <= cur); break;
		case K_POSINT: ok = !n->set || val <= cur; break;
		case K_LIMIT_COUNT: case K_LIMIT_SIZE: case K_LIMIT_SECS:
			ok = limit_tightens(n, val);
			break;
		case K_BACKEND: case K_BOOL: case K_PATH: case K_STR: case K_ENGINE:
		case K_NETALLOW: case K_PATHLIST: case K_PORTLIST: case K_CAPLIST:
		case K_PATTERNLIST: case K_ENVSET: case K_SYSCALLLIST:
			break;
		}
		if (!ok)
			return widen(ps, k);
	}
	n->val = val;
	n->set = true;
	return 1;
}

/* allow = domains: narrower than all, wider than none. */
static int set_net_domains(struct parse *ps, const struct keydef *k)
{
	struct policy *p = ps->p;
	if (ps->trust == TRUST_TIGHTEN_ONLY && !p->net_all.val && !p->net_domains.val)
		return widen(ps, k);
	p->net_all.val = false;
	p->net_domains.val = true;
	p->net_domains.from = (struct origin){ ps->layer, ps->line };
	return 1;
}

static int set_bool(struct parse *ps, const struct keydef *k, const char *v)
{
	struct pol_bool *b = KEY_MEMBER(ps->p, k, struct pol_bool);
	bool val;
	if (k->type == K_NETALLOW) {
		if (!strcmp(v, "domains"))
			return set_net_domains(ps, k);
		if (!strcmp(v, "none"))
			val = false;
		else if (!strcmp(v, "all"))
			val = true;
		else
			return bad_value(ps, k, v, "none, domains or all");
		ps->p->net_domains.val = false;
	} else if (!parse_bool(v, &val)) {
		return bad_value(ps, k, v, "true or false");
	}
	/* best_effort = true and allow = all both widen; enabled = no would
	 * turn the audit log off. */
	if (ps->trust == TRUST_TIGHTEN_ONLY && (k->trust == KT_ON ? !val : val))
		return widen(ps, k);
	b->val = val;
	return 1;
}

static int set_str(struct parse *ps, const struct keydef *k, const char *v)
{
	struct pol_str *s = KEY_MEMBER(ps->p, k, struct pol_str);
	if (!*v)
		return fail(ps, NULL, "empty value for '%s'", k->name);
	if (k->type == K_ENGINE && strcmp(v, "docker") && strcmp(v, "podman"))
		return bad_value(ps, k, v, "docker or podman");
	if (k->type == K_STR && strpbrk(v, " \t"))
		return bad_value(ps, k, v, "no blanks");
	char umsg[256];
	if (k->off == OFF(net_upstream) && dom_check_upstream(v, umsg, sizeof(umsg)))
		return fail(ps, NULL, "%s", umsg);
	if (!strcmp(k->name, "shell") && v[0] != '/' && v[0] != '~' && v[0] != '$')
		return fail(ps, NULL, "'shell' must be an absolute path, not '%s'", v);
	if (ps->trust == TRUST_TIGHTEN_ONLY)
		return widen(ps, k);
	free(s->val);
	s->val = xstrdup(v);
	return 1;
}

static bool env_name_ok(const char *s, size_t len)
{
	if (!len || !(isalpha((unsigned char)s[0]) || s[0] == '_'))
		return false;
	for (size_t i = 1; i < len; i++)
		if (!(isalnum((unsigned char)s[i]) || s[i] == '_'))
			return false;
	return true;
}

/* The variables a workspace policy may name in a path: where things are,
 * never what a secret is. */
static bool untrusted_var_ok(const char *name, size_t n)
{
	static const char *const ok[] = { "HOME", "USER", "LOGNAME", "TMPDIR",
					  "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME",
					  "XDG_STATE_HOME", "XDG_RUNTIME_DIR" };
	for (size_t i = 0; i < ARRAY_LEN(ok); i++)
		if (strlen(ok[i]) == n && strncmp(ok[i], name, n) == 0)
			return true;
	return false;
}

/* In the workspace's file, refuse a $VAR outside the list above.  Why:
 * the path is expanded from clawshim's own environment, which holds the
 * secrets removed from the command's; "deny = /x/$GITHUB_TOKEN" would
 * put the token in an error message, --explain, or a path the command
 * can see.  The refusal names the variable, never its value. */
static int check_untrusted_vars(struct parse *ps, const char *item)
{
	for (const char *s = strchr(item, '$'); s; s = strchr(s + 1, '$')) {
		const char *name = s + 1 + (s[1] == '{');
		size_t n = 0;
		if (isalpha((unsigned char)name[0]) || name[0] == '_')
			while (isalnum((unsigned char)name[n]) || name[n] == '_')
				n++;
		if (n && !untrusted_var_ok(name, n))
			return fail(ps, "write the path itself, or put the line in your own policy",
				    "$%.*s in the workspace policy: only $HOME, $USER, $LOGNAME, "
				    "$TMPDIR and $XDG_*_HOME/$XDG_RUNTIME_DIR may be used",
				    (int)n, name);
	}
	return 1;
}

/* Check one list item and append it. item is trimmed and non-empty. */
static int add_item(struct parse *ps, const struct keydef *k, struct pol_list *l,
		    char *item)
{
	struct origin from = { ps->layer, ps->line };
	bool optional = false;
	long long num = 0;
	char *raw = NULL;
	char hint_text[128], msg[256];
	switch (k->type) {
	case K_PATHLIST:
		if (item[0] == '?') {
			optional = true;
			item++;
			while (is_blank(*item))
				item++;
			if (!*item)
				return fail(ps, NULL, "empty path after '?' in '%s'", k->name);
		}
		if (ps->trust == TRUST_TIGHTEN_ONLY && !check_untrusted_vars(ps, item))
			return 0;
		break;
	case K_PORTLIST:
		if (!parse_uint(item, 65535, &num) || num < 1)
			return bad_value(ps, k, item, "a TCP port, 1 to 65535");
		break;
	case K_CAPLIST: {
		size_t skip = strncasecmp(item, "CAP_", 4) ? 0 : 4;
		raw = xasprintf("CAP_%s", item + skip);
		for (char *c = raw; *c; c++)
			*c = (char)toupper((unsigned char)*c);
		const char *hit = NULL;
		for (size_t i = 0; i < policy_ncaps && !hit; i++)
			if (!strcmp(raw, policy_caps[i]))
				hit = policy_caps[i];
		if (!hit) {
			const char *s = pol_suggest(raw, policy_caps, policy_ncaps);
			snprintf(hint_text, sizeof(hint_text), "did you mean '%s'?",
				 s ? s : "");
			free(raw);
			return fail(ps, s ? hint_text : NULL,
				    "unknown capability '%s'", item);
		}
		break;
	}
	case K_PATTERNLIST:
		if ((k->off == OFF(domains) || k->off == OFF(deny_domains)) &&
		    dom_check_item(item, msg, sizeof(msg), hint_text, sizeof(hint_text)))
			return fail(ps, hint_text[0] ? hint_text : NULL, "%s", msg);
		if (strpbrk(item, "= \t"))
			return bad_value(ps, k, item, "a variable name or pattern");
		break;
	case K_ENVSET: {
		const char *eq = strchr(item, '=');
		if (!eq || !env_name_ok(item, (size_t)(eq - item)))
			return fail(ps, NULL, "bad value '%s' for 'set' (expected "
				    "NAME=VALUE, NAME of letters, digits and _)", item);
		break;
	}
	case K_SYSCALLLIST:
		if (pol_syscall_check(item, msg, sizeof(msg), hint_text, sizeof(hint_text)) != 0)
			return fail(ps, hint_text[0] ? hint_text : NULL, "%s", msg);
		break;
	case K_VERSION: case K_BACKEND: case K_BOOL: case K_SECONDS: case K_POSINT:
	case K_PATH: case K_STR: case K_ENGINE: case K_NETALLOW:
	case K_LIMIT_COUNT: case K_LIMIT_SIZE: case K_LIMIT_SECS:
		return fail(ps, NULL, "internal error: '%s' is not a list", k->name);
	}
	struct pol_item *it = pol_list_push(l, raw ? raw : xstrdup(item), from);
	it->optional = optional;
	it->num = num;
	return 1;
}

static char *trim(char *s)
{
	while (is_blank(*s))
		s++;
	size_t n = strlen(s);
	while (n && is_blank(s[n - 1]))
		s[--n] = '\0';
	return s;
}

static int set_list(struct parse *ps, const struct keydef *k, const char *v)
{
	struct pol_list *l = KEY_MEMBER(ps->p, k, struct pol_list);
	if (ps->trust == TRUST_TIGHTEN_ONLY && (k->trust == KT_NEVER || !*v))
		return widen(ps, k);
	if (!*v) {
		/* "key =" alone: forget what earlier lines and layers said. */
		pol_list_clear(l);
		return 1;
	}
	char *copy = xstrdup(v);
	int ok = 1;
	if (k->type == K_ENVSET || ps->one_item) {
		/* One assignment per line: values may hold commas. */
		ok = add_item(ps, k, l, trim(copy));
	} else {
		char *save = copy;
		for (;;) {
			char *comma = strchr(save, ',');
			if (comma)
				*comma = '\0';
			char *item = trim(save);
			if (!*item) {
				ok = fail(ps, NULL, "empty item in '%s' (write '%s =' "
					  "alone to clear the list)", k->name, k->name);
				break;
			}
			if (!add_item(ps, k, l, item)) {
				ok = 0;
				break;
			}
			if (!comma)
				break;
			save = comma + 1;
		}
	}
	free(copy);
	return ok;
}

static bool is_scalar(enum ktype t)
{
	switch (t) {
	case K_PATHLIST: case K_PORTLIST: case K_CAPLIST: case K_PATTERNLIST:
	case K_ENVSET: case K_SYSCALLLIST:
		return false;
	case K_VERSION: case K_BACKEND: case K_BOOL: case K_SECONDS: case K_POSINT:
	case K_PATH: case K_STR: case K_ENGINE: case K_NETALLOW:
	case K_LIMIT_COUNT: case K_LIMIT_SIZE: case K_LIMIT_SECS:
		break;
	}
	return true;
}

static struct origin *scalar_origin(struct policy *p, const struct keydef *k)
{
	switch (k->type) {
	case K_BOOL: case K_NETALLOW:
		return &KEY_MEMBER(p, k, struct pol_bool)->from;
	case K_PATH: case K_STR: case K_ENGINE:
		return &KEY_MEMBER(p, k, struct pol_str)->from;
	case K_VERSION: case K_BACKEND: case K_SECONDS: case K_POSINT:
	case K_LIMIT_COUNT: case K_LIMIT_SIZE: case K_LIMIT_SECS:
		return &KEY_MEMBER(p, k, struct pol_num)->from;
	case K_PATHLIST: case K_PORTLIST: case K_CAPLIST: case K_PATTERNLIST:
	case K_ENVSET: case K_SYSCALLLIST:
		break;
	}
	return NULL;
}

static int apply(struct parse *ps, const struct keydef *k, const char *value)
{
	if (!is_scalar(k->type))
		return set_list(ps, k, value);
	size_t idx = (size_t)(k - policy_keys);
	if (ps->seen[idx]) {
		char msg[64];
		snprintf(msg, sizeof(msg), "'%s' already set at line %u", k->name,
			 ps->seen[idx]);
		return fail(ps, "a later file may override it; within one file, "
			    "say it once", "%s", msg);
	}
	int ok = 0;
	switch (k->type) {
	case K_BOOL: case K_NETALLOW:
		ok = set_bool(ps, k, value);
		break;
	case K_PATH: case K_STR: case K_ENGINE:
		ok = set_str(ps, k, value);
		break;
	case K_VERSION: case K_BACKEND: case K_SECONDS: case K_POSINT:
	case K_LIMIT_COUNT: case K_LIMIT_SIZE: case K_LIMIT_SECS:
	case K_PATHLIST: case K_PORTLIST: case K_CAPLIST: case K_PATTERNLIST:
	case K_ENVSET: case K_SYSCALLLIST:
		ok = set_num(ps, k, value);
		break;
	}
	if (!ok)
		return 0;
	ps->seen[idx] = ps->line ? ps->line : 1;
	*scalar_origin(ps->p, k) = (struct origin){ ps->layer, ps->line };
	return 1;
}

static int unknown_key(struct parse *ps, const char *section, const char *name)
{
	if (!*section)
		return fail(ps, NULL, "'%s' outside any [section]", name);
	const char *cands[ARRAY_LEN(policy_keys)];
	size_t n = 0;
	for (size_t i = 0; i < policy_nkeys; i++)
		if (!strcmp(policy_keys[i].section, section))
			cands[n++] = policy_keys[i].name;
	const char *s = pol_suggest(name, cands, n);
	char hint_text[96];
	snprintf(hint_text, sizeof(hint_text), "did you mean '%s'?", s ? s : "");
	return fail(ps, s ? hint_text : NULL, "unknown key '%s' in [%s]", name, section);
}

static int handler(void *user, const char *section, const char *name,
		   const char *value)
{
	struct parse *ps = user;
	if (ps->failed)
		return 0;
	const struct keydef *k = find_key(section, name);
	if (!k)
		return unknown_key(ps, section, name);
	if (ps->need_version && !ps->have_version) {
		if (k->type != K_VERSION) {
			/* Named by file, not line: the fix is at the top. */
			unsigned line = ps->line;
			ps->line = 0;
			fail(ps, NULL, "missing [clawshim] version = 1 (must come first)");
			ps->line = ps->err_line = line;
			return 0;
		}
		ps->have_version = true;
	}
	return apply(ps, k, value);
}

int pol_parse(struct policy *p, const char *text, size_t len, const char *layer,
	      enum trust trust, struct policy_error *err)
{
	struct policy_error dummy;
	struct parse ps = {
		.p = p, .layer = pol_layer(p, layer), .trust = trust,
		.err = err ? err : &dummy, .pos = text, .end = text + len,
		.need_version = true,
	};
	if (trust == TRUST_TIGHTEN_ONLY)
		p->untrusted_layer = ps.layer;
	int r = ini_parse_stream(reader, &ps, handler, &ps);
	if (r > 0 && (!ps.failed || (unsigned)r < ps.err_line)) {
		ps.failed = false;
		ps.line = (unsigned)r;
		fail(&ps, "write '[section]' or 'key = value'", "syntax error");
	} else if (r != 0 && !ps.failed) {
		ps.line = 0;
		fail(&ps, NULL, "cannot parse (inih error %d)", r);
	}
	if (ps.failed)
		return -1;
	if (!ps.have_version) {
		ps.line = 0;
		fail(&ps, NULL, "missing [clawshim] version = 1 (must come first)");
		return -1;
	}
	return 0;
}

int policy_load_string(struct policy *p, const char *text, const char *layer,
		       enum trust trust, struct policy_error *err)
{
	return pol_parse(p, text, strlen(text), layer, trust, err);
}

static int set_one(struct policy *p, const char *section, const char *key,
		   const char *value, const char *layer, unsigned line,
		   enum trust trust, struct policy_error *err, bool one_item)
{
	struct policy_error dummy;
	struct parse ps = {
		.p = p, .layer = pol_layer(p, layer), .trust = trust,
		.err = err ? err : &dummy, .line = line, .one_item = one_item,
	};
	if (!known_section(section)) {
		const char *s = pol_suggest(section, policy_sections, policy_nsections);
		char hint_text[96];
		snprintf(hint_text, sizeof(hint_text), "did you mean [%s]?", s ? s : "");
		fail(&ps, s ? hint_text : NULL, "unknown section [%s]", section);
		return -1;
	}
	handler(&ps, section, key, value);
	return ps.failed ? -1 : 0;
}

int policy_set(struct policy *p, const char *section, const char *key,
	       const char *value, const char *layer, unsigned line,
	       enum trust trust, struct policy_error *err)
{
	return set_one(p, section, key, value, layer, line, trust, err, false);
}

int policy_add_item(struct policy *p, const char *section, const char *key,
		    const char *value, const char *layer, struct policy_error *err)
{
	return set_one(p, section, key, value, layer, 0, TRUST_FULL, err, true);
}
