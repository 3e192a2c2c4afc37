/* SPDX-License-Identifier: MIT */
/*
 * audit_last.c: `clawshim --last [--json]`, the events of the most recent
 * run in this workspace, read back from the audit log (and the newest
 * rotated file, should the run straddle a rotation).
 */
#include "audit.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../common.h"
#include "../json.h"

/* Append the whole of `path` to b (nothing if it cannot be read). */
static void slurp(struct jbuf *b, const char *path)
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return;
	char chunk[65536];
	ssize_t n;
	while ((n = read(fd, chunk, sizeof(chunk))) > 0)
		jb_raw(b, chunk, (size_t)n);
	close(fd);
}

/* The value of top-level `key` in an event line we wrote (our writer puts
 * no unescaped quote inside a string, so ,"key": only matches a key). */
static const char *field(const char *line, const char *end, const char *key)
{
	char pat[64];
	snprintf(pat, sizeof(pat), ",\"%s\":", key);
	size_t n = strlen(pat);
	for (const char *s = line; s + n <= end; s++)
		if ((*s == ',' || (s == line && *s == '{')) && memcmp(s + 1, pat + 1, n - 1) == 0)
			return s + n;
	return NULL;
}

/* Print the JSON string at v (unescaped; control characters as '?'),
 * or the bare value (number, true, null) up to , or }. */
static void put_val(const char *v)
{
	if (!v) {
		fputs("?", stdout);
		return;
	}
	if (*v != '"') {
		fwrite(v, 1, strcspn(v, ",}]\n"), stdout);
		return;
	}
	for (v++; *v && *v != '"' && *v != '\n'; v++) {
		if (*v != '\\') {
			putchar(*v);
			continue;
		}
		v++;
		unsigned cp = 0;
		if (*v == 'u' && sscanf(v + 1, "%4x", &cp) == 1) {
			v += 4;
			if (cp >= 0xD800 && cp <= 0xDBFF && v[1] == '\\' && v[2] == 'u') {
				unsigned lo = 0;
				if (sscanf(v + 3, "%4x", &lo) == 1 && lo >= 0xDC00 && lo <= 0xDFFF) {
					cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
					v += 6;
				}
			}
			/* No control characters reach the terminal. */
			if (cp < 0x20 || (cp >= 0x7F && cp < 0xA0) || (cp >= 0xD800 && cp <= 0xDFFF))
				putchar('?');
			else if (cp < 0x800)
				printf("%c%c", 0xC0 | (cp >> 6), 0x80 | (cp & 0x3F));
			else if (cp < 0x10000)
				printf("%c%c%c", 0xE0 | (cp >> 12), 0x80 | ((cp >> 6) & 0x3F), 0x80 | (cp & 0x3F));
			else
				printf("%c%c%c%c", 0xF0 | (cp >> 18), 0x80 | ((cp >> 12) & 0x3F),
				       0x80 | ((cp >> 6) & 0x3F), 0x80 | (cp & 0x3F));
		} else if (*v == 'n' || *v == 't' || *v == 'r') {
			putchar('?');
		} else if (*v) {
			putchar(*v);
		} else {
			break;
		}
	}
}

/* One event as a line for a person. */
static void put_event(const char *l, const char *e)
{
	put_val(field(l, e, "time"));
	if (!strncmp(l, "{\"event\":\"start\"", 16)) {
		fputs(" start: ", stdout);
		const char *a = field(l, e, "argv");
		for (const char *s = a ? a + 1 : NULL; s && *s == '"';) {
			put_val(s);
			/* past the string: the next unescaped quote */
			for (s++; *s && *s != '"'; s++)
				if (*s == '\\')
					s++;
			if (*s)
				s++;
			if (*s == ',') {
				putchar(' ');
				s++;
			}
		}
		fputs(" (backend ", stdout);
		put_val(field(l, e, "backend"));
		fputs(", pid ", stdout);
		put_val(field(l, e, "pid"));
		fputs(", in ", stdout);
		put_val(field(l, e, "cwd"));
		fputs(")\n", stdout);
	} else if (!strncmp(l, "{\"event\":\"deny\"", 15)) {
		fputs(" refused ", stdout);
		put_val(field(l, e, "kind"));
		putchar(' ');
		put_val(field(l, e, "object"));
		fputs(" (pid ", stdout);
		put_val(field(l, e, "pid"));
		putchar(' ');
		put_val(field(l, e, "exe"));
		fputs(")\n", stdout);
	} else {
		fputs(" end: status ", stdout);
		put_val(field(l, e, "status"));
		const char *sig = field(l, e, "signal");
		if (sig && *sig != 'n') {
			fputs(" (signal ", stdout);
			put_val(sig);
			putchar(')');
		}
		fputs(", ", stdout);
		put_val(field(l, e, "duration_ms"));
		fputs(" ms", stdout);
		const char *t = field(l, e, "timed_out");
		if (t && *t == 't')
			fputs(", timed out", stdout);
		t = field(l, e, "leftovers_killed");
		if (t && *t == 't')
			fputs(", leftover processes killed", stdout);
		putchar('\n');
	}
}

int audit_last(const struct policy *p, bool json)
{
	const char *path = audit_path();
	if (!path) {
		if (!json)
			printf("nothing logged: no audit log is configured (see [log] in clawshim.ini(5))\n");
		return 0;
	}
	struct jbuf all = { 0 }, ws = { 0 };
	char *old = xasprintf("%s.1", path);
	slurp(&all, old);
	slurp(&all, path);
	free(old);
	jb_lit(&ws, "{\"event\":\"start\",\"run\":\"");
	/* The latest start event in this workspace: its run id. */
	char run[64] = "";
	struct jbuf want = { 0 };
	jb_lit(&want, ",\"workspace\":");
	jb_str(&want, p->workspace.val);
	jb_lit(&want, ",");
	for (const char *l = all.s; l && *l;) {
		const char *e = strchr(l, '\n');
		if (!e)
			break; /* a line being written: not whole yet */
		if (!strncmp(l, ws.s, ws.n)) {
			const char *id = l + ws.n, *q = memchr(id, '"', (size_t)(e - id));
			const char *w = q ? q + 1 : NULL;
			if (q && (size_t)(q - id) < sizeof(run) && (size_t)(e - w) > want.n &&
			    !memcmp(w, want.s, want.n))
				snprintf(run, sizeof(run), "%.*s", (int)(q - id), id);
		}
		l = e + 1;
	}
	int found = 0;
	if (run[0]) {
		char mark[96];
		snprintf(mark, sizeof(mark), ",\"run\":\"%s\",", run);
		for (const char *l = all.s; *l;) {
			const char *e = strchr(l, '\n');
			if (!e)
				break;
			const char *r = strstr(l, ",\"run\":\"");
			if (r && r < e && !strncmp(r, mark, strlen(mark))) {
				found++;
				if (json)
					fwrite(l, 1, (size_t)(e - l + 1), stdout);
				else
					put_event(l, e);
			}
			l = e + 1;
		}
	}
	if (!found && !json)
		printf("nothing logged for %s in %s\n", p->workspace.val, path);
	jb_free(&all);
	jb_free(&ws);
	jb_free(&want);
	return 0;
}
