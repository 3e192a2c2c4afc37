/* SPDX-License-Identifier: MIT */
/*
 * seeds.c: write the fuzzers' seed corpus from the unit tests' tables
 * (make fuzz-corpus; the result is checked in under tests/fuzz/corpus/).
 *
 *   seeds OUTDIR EXAMPLE...   EXAMPLE: policy files (clawshim.ini.example
 *                             and its uncommented form)
 *
 * policy/: every case of tests/unit/test_policy.c as fuzz_policy reads it
 * (a full-trust base layer, a NUL, the layer under test; or the layer
 * alone), and each EXAMPLE alone and as the base of a tightening layer.
 * expand/: every path written in those policies and in the built-in
 * default, behind fuzz_expand's HOME byte, the tests' variables renamed
 * to the ones fuzz_expand sets.
 */
#define main test_policy_main
int test_policy_main(void);
#include "../unit/test_policy.c"
#undef main

#define SEED_MAX_FILE (1024 * 1024)

static const char *outdir;
static unsigned nseed;

static void put(const char *sub, const char *name, const char *a, size_t alen,
		const char *b, size_t blen)
{
	char *path = xasprintf("%s/%s/%s", outdir, sub, name);
	FILE *f = fopen(path, "wb");
	if (!f || fwrite(a, 1, alen, f) != alen || (b && fwrite(b, 1, blen, f) != blen) ||
	    fclose(f) != 0) {
		perror(path);
		exit(1);
	}
	free(path);
	nseed++;
}

/* A policy seed: base (may be NULL), NUL, text. */
static void put_policy(const char *name, const char *base, const char *text)
{
	if (base) {
		char *b = xmalloc(strlen(base) + 1);
		memcpy(b, base, strlen(base) + 1); /* with its NUL: the split */
		put("policy", name, b, strlen(base) + 1, text, strlen(text));
		free(b);
	} else {
		put("policy", name, text, strlen(text), NULL, 0);
	}
}

/* s with every "from" replaced by "to". */
static char *replace(const char *s, const char *from, const char *to)
{
	struct strv parts = { 0 };
	const char *at;
	size_t n = 0;
	while ((at = strstr(s, from))) {
		strv_pushf(&parts, "%.*s%s", (int)(at - s), s, to);
		s = at + strlen(from);
	}
	strv_pushf(&parts, "%s", s);
	for (size_t i = 0; i < parts.n; i++)
		n += strlen(parts.v[i]);
	char *r = xmalloc(n + 1);
	r[0] = '\0';
	for (size_t i = 0; i < parts.n; i++)
		strcat(r, parts.v[i]);
	strv_free(&parts);
	return r;
}

static struct strv paths;

/* Every path of a policy text that parses, once each, as expand seeds. */
static void collect_paths(const char *text)
{
	struct policy p;
	struct policy_error err;
	policy_init_empty(&p);
	char *t = replace(text, "CS_TEST_DIR", "FZ_A");
	char *t2 = replace(t, "CS_TEST_UNSET", "FZ_UNSET");
	free(t);
	t = replace(t2, "CS_TEST_EMPTY", "FZ_EMPTY");
	free(t2);
	if (policy_load_string(&p, t, "seed", TRUST_FULL, &err) == 0) {
		const struct pol_list *lists[] = { &p.read_write, &p.read_only, &p.deny,
						   &p.deny_write, &p.no_exec, &p.unix_sockets };
		for (size_t i = 0; i < ARRAY_LEN(lists); i++)
			for (size_t j = 0; j < lists[i]->n; j++) {
				const char *raw = lists[i]->v[j].raw;
				bool dup = false;
				for (size_t k = 0; k < paths.n && !dup; k++)
					dup = !strcmp(paths.v[k], raw);
				if (!dup)
					strv_push(&paths, xstrdup(raw));
			}
		if (p.shell.val)
			strv_push(&paths, xstrdup(p.shell.val));
		if (p.workspace.val)
			strv_push(&paths, xstrdup(p.workspace.val));
	}
	free(t);
	policy_free(&p);
}

static char *read_text(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		perror(path);
		exit(1);
	}
	char *buf = xmalloc(SEED_MAX_FILE + 1);
	size_t n = fread(buf, 1, SEED_MAX_FILE, f);
	fclose(f);
	buf[n] = '\0';
	return buf;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: seeds OUTDIR [EXAMPLE...]\n");
		return 2;
	}
	outdir = argv[1];
	char name[64];
	for (size_t i = 0; i < ARRAY_LEN(bad_cases); i++) {
		snprintf(name, sizeof(name), "bad-%03zu", i);
		put_policy(name, bad_cases[i].base, bad_cases[i].text);
		collect_paths(bad_cases[i].text);
	}
	for (size_t i = 0; i < ARRAY_LEN(good_cases); i++) {
		snprintf(name, sizeof(name), "good-%03zu", i);
		put_policy(name, good_cases[i].base, good_cases[i].text);
		collect_paths(good_cases[i].text);
	}
	for (size_t i = 0; i < ARRAY_LEN(resolve_bad); i++) {
		char *text = xasprintf(V "%s", resolve_bad[i].body);
		snprintf(name, sizeof(name), "resolve-%03zu", i);
		put_policy(name, NULL, text);
		collect_paths(text);
		free(text);
	}
	for (int i = 2; i < argc; i++) {
		char *text = read_text(argv[i]);
		snprintf(name, sizeof(name), "example-%d", i - 2);
		put_policy(name, NULL, text);
		snprintf(name, sizeof(name), "example-%d-base", i - 2);
		put_policy(name, text, V "[filesystem]\ndeny = ?~/.ssh, /x\n"
			   "[sandbox]\ntimeout = 10\n[process]\nmax_memory = 1G\n");
		collect_paths(text);
		free(text);
	}
	struct policy p;
	struct policy_error err;
	policy_init_default(&p, &err);
	char *d = dump_str(&p);
	put_policy("default-dump", NULL, d);
	collect_paths(d);
	free(d);
	policy_free(&p);
	/* The '~' forms and variables fuzz_expand knows. */
	static const char *const extra[] = {
		"~", "~root/x", "~fz/$FZ_A", "~fzempty", "~nosuchuser/x", "$FZ_DOLLAR/y",
		"${FZ_SECRET}x", "$FZ_UNSET", "${FZ_EMPTY}/x", "${FZ_A", "a$-b$", "$1$_x",
	};
	for (size_t i = 0; i < ARRAY_LEN(extra); i++)
		strv_push(&paths, xstrdup(extra[i]));
	for (size_t i = 0; i < paths.n; i++) {
		snprintf(name, sizeof(name), "path-%03zu", i);
		/* HOME variants 0..2 in turn; 3 (a long HOME) the fuzzer finds. */
		char home = (char)('0' + i % 3);
		put("expand", name, &home, 1, paths.v[i], strlen(paths.v[i]));
	}
	strv_free(&paths);
	printf("seeds: %u files in %s\n", nseed, outdir);
	return 0;
}
