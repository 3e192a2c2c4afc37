/* SPDX-License-Identifier: MIT */
/*
 * dump.c: the effective policy as INI that parses back to the same values,
 * each value commented with the layer and line it came from and, once
 * resolved, the canonical path it names.
 */
#include "policy_int.h"

#include <string.h>

#include "../common.h"

/* "key = value ; comment". The parser refuses lines over POLICY_MAX_LINE,
 * so a comment that does not fit goes on a line of its own before the
 * value (shortened if it must be: it is only a comment). */
static void emit(FILE *out, const char *key, const char *prefix,
		 const char *value, const char *comment)
{
	size_t len = strlen(key) + 3 + strlen(prefix) + strlen(value);
	/* inih takes " ;" for a comment: "deny = ;x" would read back as
	 * "deny =", which empties the list.  An item written "key=value" in a
	 * full line does not fit with the blanks around '='.  Both go out
	 * without the blank(s), as they were written. */
	const char *eq = " = ";
	if (len > POLICY_MAX_LINE)
		eq = "=";
	else if (!*prefix && value[0] == ';')
		eq = " =";
	if (len > POLICY_MAX_LINE) {
		if (*comment)
			fprintf(out, "; %.*s\n", POLICY_MAX_LINE - 2, comment);
		fprintf(out, "%s%s%s%s\n", key, eq, prefix, value);
	} else if (!*comment) {
		fprintf(out, "%s%s%s%s\n", key, eq, prefix, value);
	} else if (len + 3 + strlen(comment) <= POLICY_MAX_LINE) {
		fprintf(out, "%s%s%s%s ; %s\n", key, eq, prefix, value, comment);
	} else {
		int max = POLICY_MAX_LINE - 2;
		if (strlen(comment) > (size_t)max)
			fprintf(out, "; %.*s...\n", max - 3, comment);
		else
			fprintf(out, "; %s\n", comment);
		fprintf(out, "%s%s%s%s\n", key, eq, prefix, value);
	}
}

/* "layer:line", or just "layer" for the built-in default and for values
 * without a line (command line options): consistent for all values. */
static void origin_text(const struct origin *o, char *buf, size_t len)
{
	if (!o->layer)
		snprintf(buf, len, "%s", "");
	else if (o->line == 0 || !strcmp(o->layer, "built-in"))
		snprintf(buf, len, "%s", o->layer);
	else
		snprintf(buf, len, "%s:%u", o->layer, o->line);
}

static void dump_list(FILE *out, const struct policy *p, const struct keydef *k)
{
	const struct pol_list *l = KEY_CMEMBER(p, k, struct pol_list);
	for (size_t i = 0; i < l->n; i++) {
		const struct pol_item *it = &l->v[i];
		char from[512], comment[1024];
		origin_text(&it->from, from, sizeof(from));
		if (k->type == K_PATHLIST && p->resolved)
			snprintf(comment, sizeof(comment), "%s -> %s", from,
				 it->path ? it->path : "absent");
		else
			snprintf(comment, sizeof(comment), "%s", from);
		emit(out, k->name, it->optional ? "?" : "", it->raw, comment);
	}
}

static void dump_key(FILE *out, const struct policy *p, const struct keydef *k)
{
	char from[512], val[64];
	const char *v = val;
	const struct origin *o = NULL;
	switch (k->type) {
	case K_BOOL:
	case K_NETALLOW: {
		const struct pol_bool *b = KEY_CMEMBER(p, k, struct pol_bool);
		if (k->type == K_NETALLOW)
			v = b->val ? "all" : p->net_domains.val ? "domains" : "none";
		else
			v = b->val ? "true" : "false";
		o = &b->from;
		break;
	}
	case K_PATH:
	case K_STR:
	case K_ENGINE: {
		const struct pol_str *s = KEY_CMEMBER(p, k, struct pol_str);
		if (!s->val)
			return;
		v = s->val;
		o = &s->from;
		break;
	}
	case K_VERSION:
	case K_BACKEND:
	case K_SECONDS:
	case K_POSINT:
	case K_LIMIT_COUNT:
	case K_LIMIT_SIZE:
	case K_LIMIT_SECS: {
		const struct pol_num *n = KEY_CMEMBER(p, k, struct pol_num);
		if (!n->set)
			return;
		if (k->type == K_BACKEND)
			v = backend_name((enum backend_id)n->val);
		else if (n->val == LIMIT_UNLIMITED)
			v = "unlimited";
		else
			snprintf(val, sizeof(val), "%lld", n->val);
		o = &n->from;
		break;
	}
	case K_PATHLIST:
	case K_PORTLIST:
	case K_CAPLIST:
	case K_PATTERNLIST:
	case K_ENVSET:
	case K_SYSCALLLIST:
		dump_list(out, p, k);
		return;
	}
	if (!o)
		return;
	origin_text(o, from, sizeof(from));
	emit(out, k->name, "", v, from);
}

void policy_dump(const struct policy *p, FILE *out)
{
	fprintf(out, "; clawshim effective policy%s\n",
		p->resolved ? " (paths resolved)" : "");
	for (size_t i = 0; i < p->files.n; i++)
		fprintf(out, "; file: %.180s\n", p->files.v[i].raw);
	for (size_t s = 0; s < policy_nsections; s++) {
		fprintf(out, "[%s]\n", policy_sections[s]);
		for (size_t i = 0; i < policy_nkeys; i++)
			if (!strcmp(policy_keys[i].section, policy_sections[s]))
				dump_key(out, p, &policy_keys[i]);
	}
}
