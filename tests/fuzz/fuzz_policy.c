/* SPDX-License-Identifier: MIT */
/*
 * fuzz_policy.c: libFuzzer target for the policy parser and the workspace
 * file's tighten-only trust.
 *
 * An input is a workspace .clawshim.ini, applied with TRUST_TIGHTEN_ONLY on
 * top of the built-in default, as shim.c does.  An input holding a NUL byte
 * (which the parser refuses in a line) is split there: the bytes before it
 * are a fully trusted layer (a user's policy) applied first, so the
 * tighten-only comparisons also meet values other than the default's.
 *
 * Besides what ASan and UBSan catch, three properties abort on violation:
 *  - a workspace layer that loads is no wider than the policy below it
 *    (the oracle is written from the rules of clawshim.ini(5), apart from
 *    the parser's own checks);
 *  - a layer that fails leaves a "layer:line: message" error;
 *  - the dump of any policy that loads parses back to the same policy.
 * Nothing here touches the filesystem: the parser works on memory and the
 * dump goes to an open_memstream().
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../common.h"
#include "../../policy/policy_int.h"

#define WS_LAYER ".clawshim.ini"

/* Report a broken property with the input's parse outcome, and abort so
 * libFuzzer saves the input. */
#define CHECK(cond, ...)                                                  \
	do {                                                              \
		if (!(cond)) {                                            \
			fprintf(stderr, "fuzz_policy: %s: ", #cond);      \
			fprintf(stderr, __VA_ARGS__);                     \
			fputc('\n', stderr);                              \
			abort();                                          \
		}                                                         \
	} while (0)

/* Is list b the list a with items appended (a KT_ADD key)? */
static bool list_extends(const struct pol_list *a, const struct pol_list *b)
{
	if (b->n < a->n)
		return false;
	for (size_t i = 0; i < a->n; i++)
		if (strcmp(a->v[i].raw, b->v[i].raw) || a->v[i].optional != b->v[i].optional ||
		    a->v[i].num != b->v[i].num)
			return false;
	return true;
}

static bool list_same(const struct pol_list *a, const struct pol_list *b)
{
	return a->n == b->n && list_extends(a, b);
}

static bool str_same(const struct pol_str *a, const struct pol_str *b)
{
	if (!a->val || !b->val)
		return a->val == b->val;
	return strcmp(a->val, b->val) == 0;
}

static bool num_same(const struct pol_num *a, const struct pol_num *b)
{
	return a->set == b->set && (!a->set || a->val == b->val);
}

/* A resource limit after no wider than before: unset means inherited,
 * which a workspace layer may replace by any finite value. */
static bool limit_no_wider(const struct pol_num *before, const struct pol_num *after)
{
	if (!after->set)
		return !before->set;
	if (before->set && before->val == LIMIT_UNLIMITED)
		return true;
	if (after->val == LIMIT_UNLIMITED)
		return false;
	return !before->set || after->val <= before->val;
}

/* The tighten-only contract, key by key (clawshim.ini(5), "Trust"). */
static void check_no_wider(const struct policy *a, const struct policy *b)
{
	CHECK(num_same(&a->backend, &b->backend), "backend changed");
	CHECK(num_same(&a->fallback, &b->fallback), "fallback changed");
	CHECK(!b->best_effort.val || a->best_effort.val, "best_effort turned on");
	CHECK(!b->net_all.val || a->net_all.val, "allow = all turned on");
	CHECK(str_same(&a->shell, &b->shell), "shell changed");
	CHECK(str_same(&a->workspace, &b->workspace), "workspace changed");
	CHECK(str_same(&a->docker_image, &b->docker_image), "docker image changed");
	CHECK(str_same(&a->docker_engine, &b->docker_engine), "docker engine changed");
	/* timeout 0 is none: any timeout is tighter than none. */
	CHECK(a->timeout.val == 0 || (b->timeout.val != 0 && b->timeout.val <= a->timeout.val),
	      "timeout widened %lld -> %lld", a->timeout.val, b->timeout.val);
	CHECK(!a->kill_after.set || b->kill_after.val <= a->kill_after.val,
	      "kill_after widened %lld -> %lld", a->kill_after.val, b->kill_after.val);
	for (int i = 0; i < LIMIT_COUNT; i++)
		CHECK(limit_no_wider(&a->limit[i], &b->limit[i]), "limit %d widened", i);
	/* Lists that grant: untouched. */
	CHECK(list_same(&a->read_write, &b->read_write), "read_write changed");
	CHECK(list_same(&a->read_only, &b->read_only), "read_only changed");
	CHECK(list_same(&a->connect_tcp, &b->connect_tcp), "connect_tcp changed");
	CHECK(list_same(&a->bind_tcp, &b->bind_tcp), "bind_tcp changed");
	CHECK(list_same(&a->unix_sockets, &b->unix_sockets), "unix changed");
	CHECK(list_same(&a->keep_capabilities, &b->keep_capabilities),
	      "keep_capabilities changed");
	CHECK(list_same(&a->env_keep, &b->env_keep), "environment keep changed");
	CHECK(list_same(&a->env_set, &b->env_set), "environment set changed");
	/* Lists that take away: only appended to. */
	CHECK(list_extends(&a->deny, &b->deny), "deny shrank");
	CHECK(list_extends(&a->deny_write, &b->deny_write), "deny_write shrank");
	CHECK(list_extends(&a->no_exec, &b->no_exec), "no_exec shrank");
	CHECK(list_extends(&a->env_remove, &b->env_remove), "environment remove shrank");
	CHECK(list_extends(&a->seccomp_deny, &b->seccomp_deny), "seccomp deny shrank");
	CHECK(list_same(&a->files, &b->files), "policy files changed");
}

/* The fields a TIGHTEN_ONLY comparison reads, copied (lists by length and
 * content), so the layer below can be compared with the result. */
static void snapshot(struct policy *dst, const struct policy *src)
{
	static const size_t lists[] = {
		offsetof(struct policy, read_write), offsetof(struct policy, read_only),
		offsetof(struct policy, deny), offsetof(struct policy, deny_write),
		offsetof(struct policy, no_exec), offsetof(struct policy, connect_tcp),
		offsetof(struct policy, bind_tcp), offsetof(struct policy, unix_sockets),
		offsetof(struct policy, keep_capabilities), offsetof(struct policy, env_remove),
		offsetof(struct policy, env_keep), offsetof(struct policy, env_set),
		offsetof(struct policy, seccomp_deny), offsetof(struct policy, files),
	};
	policy_init_empty(dst);
	dst->version = src->version;
	dst->backend = src->backend;
	dst->fallback = src->fallback;
	dst->best_effort = src->best_effort;
	dst->timeout = src->timeout;
	dst->kill_after = src->kill_after;
	dst->net_all = src->net_all;
	memcpy(dst->limit, src->limit, sizeof(dst->limit));
	struct pol_str *ds[] = { &dst->shell, &dst->workspace, &dst->docker_image,
				 &dst->docker_engine };
	const struct pol_str *ss[] = { &src->shell, &src->workspace, &src->docker_image,
				       &src->docker_engine };
	for (size_t i = 0; i < ARRAY_LEN(ds); i++)
		ds[i]->val = ss[i]->val ? xstrdup(ss[i]->val) : NULL;
	for (size_t i = 0; i < ARRAY_LEN(lists); i++) {
		const struct pol_list *s = (const void *)((const char *)src + lists[i]);
		struct pol_list *d = (void *)((char *)dst + lists[i]);
		for (size_t j = 0; j < s->n; j++) {
			struct pol_item *it = pol_list_push(d, xstrdup(s->v[j].raw), s->v[j].from);
			it->optional = s->v[j].optional;
			it->num = s->v[j].num;
		}
	}
}

/* Free what snapshot() made: policy_free() knows every member. */
static void snapshot_free(struct policy *s)
{
	policy_free(s);
}

/* An error names its layer (and line, where there is one) first. */
static void check_error(const struct policy_error *err, const char *layer)
{
	size_t n = strlen(layer);
	CHECK(strncmp(err->msg, layer, n) == 0 && err->msg[n] == ':',
	      "error without its layer: '%s'", err->msg);
	CHECK(err->msg[n + 1] != '\0', "empty error");
}

/* policy_dump() output parses back, as a trusted layer, to the same values. */
static void check_round_trip(const struct policy *p)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	CHECK(f != NULL, "open_memstream");
	policy_dump(p, f);
	CHECK(fclose(f) == 0, "fclose");
	struct policy q;
	struct policy_error err = { 0 };
	policy_init_empty(&q);
	int r = pol_parse(&q, buf, len, "dump", TRUST_FULL, &err);
	CHECK(r == 0, "dump does not parse back: %s\n%s", err.msg, buf);
	struct policy s;
	snapshot(&s, p);
	/* The dump names the policy files in comments only. */
	pol_list_clear(&s.files);
	CHECK(list_same(&s.read_write, &q.read_write) && list_same(&s.read_only, &q.read_only) &&
	      list_same(&s.deny, &q.deny) && list_same(&s.deny_write, &q.deny_write) &&
	      list_same(&s.no_exec, &q.no_exec) && list_same(&s.connect_tcp, &q.connect_tcp) &&
	      list_same(&s.bind_tcp, &q.bind_tcp) && list_same(&s.unix_sockets, &q.unix_sockets) &&
	      list_same(&s.keep_capabilities, &q.keep_capabilities) &&
	      list_same(&s.env_remove, &q.env_remove) && list_same(&s.env_keep, &q.env_keep) &&
	      list_same(&s.env_set, &q.env_set) && list_same(&s.seccomp_deny, &q.seccomp_deny),
	      "a list differs after the round trip\n%s", buf);
	CHECK(num_same(&s.version, &q.version) && num_same(&s.backend, &q.backend) &&
	      num_same(&s.fallback, &q.fallback) && num_same(&s.timeout, &q.timeout) &&
	      num_same(&s.kill_after, &q.kill_after) &&
	      s.best_effort.val == q.best_effort.val && s.net_all.val == q.net_all.val,
	      "a scalar differs after the round trip\n%s", buf);
	for (int i = 0; i < LIMIT_COUNT; i++)
		CHECK(num_same(&s.limit[i], &q.limit[i]), "limit %d differs\n%s", i, buf);
	CHECK(str_same(&s.shell, &q.shell) && str_same(&s.workspace, &q.workspace) &&
	      str_same(&s.docker_image, &q.docker_image) &&
	      str_same(&s.docker_engine, &q.docker_engine),
	      "a string differs after the round trip\n%s", buf);
	snapshot_free(&s);
	policy_free(&q);
	free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	const char *nul = memchr(text, '\0', size);
	struct policy p;
	struct policy_error err = { 0 };
	if (policy_init_default(&p, &err) != 0) {
		fprintf(stderr, "fuzz_policy: built-in default: %s\n", err.msg);
		abort();
	}
	if (nul) {
		size_t blen = (size_t)(nul - text);
		if (pol_parse(&p, text, blen, "user.ini", TRUST_FULL, &err) != 0) {
			check_error(&err, "user.ini");
			policy_free(&p);
			return 0;
		}
		text = nul + 1;
		size -= blen + 1;
	}
	struct policy before;
	snapshot(&before, &p);
	memset(&err, 0, sizeof(err));
	if (pol_parse(&p, text, size, WS_LAYER, TRUST_TIGHTEN_ONLY, &err) == 0) {
		check_no_wider(&before, &p);
		check_round_trip(&p);
	} else {
		/* The caller must not use a policy whose layer failed. */
		check_error(&err, WS_LAYER);
	}
	snapshot_free(&before);
	policy_free(&p);
	return 0;
}
