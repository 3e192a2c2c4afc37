/* SPDX-License-Identifier: MIT */
/*
 * policy.c: the policy object: the built-in default, loading a policy file
 * safely, freeing, and the helpers the parser, resolver and dumper share.
 */
#include "policy_int.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../common.h"

/*
 * The built-in default, parsed by the same parser as any file (layer
 * "built-in"). Every line must stay within POLICY_MAX_LINE: long lists are
 * split over repeated keys, which accumulate.
 */
static const char default_ini[] =
	"[clawshim]\n"
	"version = 1\n"
	"[sandbox]\n"
	"backend = auto\n"
	"best_effort = false\n"
	"timeout = 0\n"
	"kill_after = 5\n"
	"[filesystem]\n"
	"workspace = .\n"
	"read_write = /tmp, ?/var/tmp, ?/dev/shm, /dev/null, /dev/zero, /dev/full\n"
	"read_write = /dev/random, /dev/urandom, ?/dev/tty, ?/dev/ptmx\n"
	"read_only = /usr, /etc, ?/opt, /bin, ?/sbin, ?/lib, ?/lib32, ?/lib64, ?/libx32\n"
	"read_only = /proc, ?/sys, ?/etc/resolv.conf, ?/etc/localtime, ?/var/lib/dpkg\n"
	"read_only = ?/run/systemd/resolve, ?~/.gitconfig, ?~/.config/git\n"
	"deny = ?~/.ssh, ?~/.gnupg, ?~/.aws, ?~/.azure, ?~/.kube, ?~/.docker\n"
	"deny = ?~/.config/gh, ?~/.config/gcloud, ?~/.netrc, ?~/.git-credentials\n"
	"deny = ?~/.npmrc, ?~/.pypirc, ?~/.cargo/credentials.toml\n"
	"deny = ?/etc/shadow, ?/etc/gshadow, ?/etc/sudoers\n"
	"deny = ?/etc/ssh/ssh_host_rsa_key, ?/etc/ssh/ssh_host_ecdsa_key\n"
	"deny = ?/etc/ssh/ssh_host_ed25519_key\n"
	"[network]\n"
	"allow = none\n"
	"[process]\n"
	"max_processes = 4096\n"
	"max_memory = 8G\n"
	"[environment]\n"
	"remove = *_TOKEN, *_TOKEN_*, *_API_KEY, *_APIKEY, *SECRET*, *PASSWORD*, *PASSWD*\n"
	"remove = *CREDENTIAL*, *_PRIVATE_KEY, AWS_*, AZURE_*, SSH_AUTH_SOCK, GPG_AGENT_INFO\n"
	"remove = KRB5CCNAME, CLAWSHIM_*\n"
	/* Also values: a URL with user:password@ anywhere (process/env.c). */
	"remove = *_KEY, *_PAT, *_PWD, *_PASS, *PASSPHRASE*, *_AUTH, *_AUTHTOKEN\n"
	"remove = *_AUTH_CONFIG, *WEBHOOK*, *_DSN, *_JWT, *_COOKIE, OP_SESSION_*, BW_SESSION\n"
	"[log]\n"
	"max_size = 10M\n"
	"keep = 5\n";

const char *backend_name(enum backend_id id)
{
	switch (id) {
	case BACKEND_AUTO: return "auto";
	case BACKEND_LANDLOCK: return "landlock";
	case BACKEND_BWRAP: return "bwrap";
	case BACKEND_FIREJAIL: return "firejail";
	case BACKEND_DOCKER: return "docker";
	case BACKEND_SANDBOX_EXEC: return "sandbox-exec";
	case BACKEND_PATH: return "path";
	case BACKEND_NONE: return "none";
	}
	return "?";
}

const char *const policy_caps[] = {
	"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER",
	"CAP_FSETID", "CAP_KILL", "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP",
	"CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST",
	"CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK", "CAP_IPC_OWNER",
	"CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE",
	"CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE",
	"CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD",
	"CAP_LEASE", "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP",
	"CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM",
	"CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF",
	"CAP_CHECKPOINT_RESTORE",
};
const size_t policy_ncaps = ARRAY_LEN(policy_caps);

void policy_init_empty(struct policy *p)
{
	memset(p, 0, sizeof(*p));
}

int policy_init_default(struct policy *p, struct policy_error *err)
{
	policy_init_empty(p);
	return policy_load_string(p, default_ini, "built-in", TRUST_FULL, err);
}

const char *origin_str(const struct origin *o, char *buf, size_t len)
{
	if (o->line)
		snprintf(buf, len, "%s:%u", o->layer ? o->layer : "?", o->line);
	else
		snprintf(buf, len, "%s", o->layer ? o->layer : "?");
	return buf;
}

int pol_err(struct policy_error *err, const char *layer, unsigned line,
	    const char *hint_text, const char *fmt, ...)
{
	if (!err)
		return -1;
	int n;
	if (line)
		n = snprintf(err->msg, sizeof(err->msg), "%s:%u: ", layer, line);
	else
		n = snprintf(err->msg, sizeof(err->msg), "%s: ", layer);
	if (n < 0 || (size_t)n >= sizeof(err->msg))
		n = 0;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err->msg + n, sizeof(err->msg) - (size_t)n, fmt, ap);
	va_end(ap);
	snprintf(err->hint, sizeof(err->hint), "%s", hint_text ? hint_text : "");
	return -1;
}

void pol_hint(struct policy_error *err, const char *fmt, ...)
{
	if (!err)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err->hint, sizeof(err->hint), fmt, ap);
	va_end(ap);
}

/* Levenshtein distance, giving up (returning max + 1) beyond max. */
static size_t distance(const char *a, const char *b, size_t max)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la > 64 || lb > 64 || (la > lb ? la - lb : lb - la) > max)
		return max + 1;
	size_t row[65];
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t diag = row[0];
		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t up = row[j];
			size_t best = diag + (a[i - 1] != b[j - 1]);
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			if (up + 1 < best)
				best = up + 1;
			row[j] = best;
			diag = up;
		}
	}
	return row[lb];
}

const char *pol_suggest(const char *word, const char *const *cands, size_t n)
{
	/* Two edits turn any three-letter word into many others: be stricter
	 * for short words so the suggestion stays plausible. */
	size_t max = strlen(word) <= 3 ? 1 : 2;
	const char *best = NULL;
	size_t bestd = max + 1;
	for (size_t i = 0; i < n; i++) {
		size_t d = distance(word, cands[i], max);
		if (d < bestd) {
			bestd = d;
			best = cands[i];
		}
	}
	return best;
}

const char *pol_layer(struct policy *p, const char *name)
{
	for (size_t i = 0; i < p->nlayers; i++)
		if (strcmp(p->layers[i], name) == 0)
			return p->layers[i];
	p->layers = xrealloc(p->layers, (p->nlayers + 1) * sizeof(*p->layers));
	p->layers[p->nlayers] = xstrdup(name);
	return p->layers[p->nlayers++];
}

struct pol_item *pol_list_push(struct pol_list *l, char *raw, struct origin from)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 8;
		l->v = xrealloc(l->v, l->cap * sizeof(*l->v));
	}
	struct pol_item *it = &l->v[l->n++];
	memset(it, 0, sizeof(*it));
	it->raw = raw;
	it->from = from;
	return it;
}

void pol_list_clear(struct pol_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].raw);
		free(l->v[i].path);
		free(l->v[i].absent);
	}
	l->n = 0;
}

static void list_free(struct pol_list *l)
{
	pol_list_clear(l);
	free(l->v);
	l->v = NULL;
	l->cap = 0;
}

void policy_free(struct policy *p)
{
	for (size_t i = 0; i < policy_nkeys; i++) {
		const struct keydef *k = &policy_keys[i];
		switch (k->type) {
		case K_PATH:
		case K_STR:
		case K_ENGINE:
			free(KEY_MEMBER(p, k, struct pol_str)->val);
			break;
		case K_PATHLIST:
		case K_PORTLIST:
		case K_CAPLIST:
		case K_PATTERNLIST:
		case K_ENVSET:
		case K_SYSCALLLIST:
			list_free(KEY_MEMBER(p, k, struct pol_list));
			break;
		case K_VERSION:
		case K_BACKEND:
		case K_BOOL:
		case K_SECONDS:
		case K_POSINT:
		case K_NETALLOW:
		case K_LIMIT_COUNT:
		case K_LIMIT_SIZE:
		case K_LIMIT_SECS:
			break;
		}
	}
	list_free(&p->files);
	list_free(&p->git_dirs);
	for (size_t i = 0; i < p->nlayers; i++)
		free(p->layers[i]);
	free(p->layers);
	memset(p, 0, sizeof(*p));
}

/* Read all of fd (at most POLICY_MAX_FILE bytes) into a new buffer. */
static char *read_all(int fd, size_t *len)
{
	size_t cap = 8192, n = 0;
	char *buf = xmalloc(cap);
	for (;;) {
		if (n == cap) {
			if (cap > POLICY_MAX_FILE) {
				free(buf);
				errno = EFBIG;
				return NULL;
			}
			cap *= 2;
			buf = xrealloc(buf, cap);
		}
		ssize_t r = read(fd, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int e = errno;
			free(buf);
			errno = e;
			return NULL;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	if (n > POLICY_MAX_FILE) {
		free(buf);
		errno = EFBIG;
		return NULL;
	}
	*len = n;
	return buf;
}

/* What a file that is not a regular one is, for the refusal. */
static const char *file_kind(mode_t m)
{
	if (S_ISDIR(m))
		return "a directory";
	if (S_ISFIFO(m))
		return "a FIFO";
	if (S_ISSOCK(m))
		return "a socket";
	if (S_ISCHR(m) || S_ISBLK(m))
		return "a device";
	return "not a regular file";
}

/* Open path for reading and check it is a regular file only root or we can
 * change; -1 (err set) if not, -2 if it does not exist and need not. */
static int open_policy_file(const char *path, enum trust trust, bool must_exist,
			    struct policy_error *err)
{
	/* O_NONBLOCK: a FIFO planted as .clawshim.ini would block open()
	 * (and so every later run) until a writer comes; opened at once,
	 * it is refused below.  O_NOCTTY: a terminal must not become our
	 * controlling terminal.  O_NOFOLLOW for the workspace's file: a
	 * link from a hostile repository to a file elsewhere (a secret of
	 * the user's, /dev/zero) is not the repository's policy, and a
	 * parse error would quote that file. */
	int flags = O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK;
	if (trust == TRUST_TIGHTEN_ONLY)
		flags |= O_NOFOLLOW;
	int fd = open(path, flags);
	if (fd < 0) {
		if (errno == ENOENT && !must_exist)
			return -2;
		if (errno == ELOOP && trust == TRUST_TIGHTEN_ONLY) {
			pol_err(err, path, 0, NULL, "a symbolic link; refusing it (the workspace "
				"policy must be a regular file)");
			pol_hint(err, "replace the link by the file it points to, or remove it");
			return -1;
		}
		return pol_err(err, path, 0, NULL, "%s", strerror(errno));
	}
	struct stat st;
	if (fstat(fd, &st) < 0) {
		pol_err(err, path, 0, NULL, "%s", strerror(errno));
		goto fail;
	}
	if (!S_ISREG(st.st_mode)) {
		pol_err(err, path, 0, NULL, "%s, not a regular file; refusing it",
			file_kind(st.st_mode));
		pol_hint(err, "a policy file must be a regular file: remove %s or replace it", path);
		goto fail;
	}
	if (st.st_size > POLICY_MAX_FILE) {
		pol_err(err, path, 0, NULL, "larger than %d bytes; refusing it", POLICY_MAX_FILE);
		goto fail;
	}
	/* A second name for the workspace's file is a file from elsewhere
	 * (root may hard-link any file of the same filesystem into it). */
	if (trust == TRUST_TIGHTEN_ONLY && st.st_nlink > 1) {
		pol_err(err, path, 0, NULL, "has %lu hard links; refusing it",
			(unsigned long)st.st_nlink);
		pol_hint(err, "make it a file of its own: cp %s x && mv x %s", path, path);
		goto fail;
	}
	/* A policy someone else can rewrite is that someone's policy: the
	 * sandboxed command itself could loosen the next run (cf. sudoers,
	 * ssh's StrictModes). */
	if (st.st_mode & 022) {
		pol_err(err, path, 0, NULL, "writable by group or others; refusing it");
		pol_hint(err, "chmod go-w %s", path);
		goto fail;
	}
	if (st.st_uid != 0 && st.st_uid != geteuid()) {
		pol_err(err, path, 0, NULL,
			"owned by uid %u, neither root nor you; refusing it",
			(unsigned)st.st_uid);
		goto fail;
	}
	return fd;
fail:
	close(fd);
	return -1;
}

int policy_load_file(struct policy *p, const char *path, enum trust trust,
		     bool must_exist, struct policy_error *err)
{
	int fd = open_policy_file(path, trust, must_exist, err);
	if (fd == -2)
		return 1;
	if (fd < 0)
		return -1;
	size_t len = 0;
	char *text = read_all(fd, &len);
	int e = errno;
	close(fd);
	if (!text) {
		if (e == EFBIG)
			return pol_err(err, path, 0, NULL,
				       "larger than %d bytes; refusing it",
				       POLICY_MAX_FILE);
		return pol_err(err, path, 0, NULL, "%s", strerror(e));
	}
	int r = pol_parse(p, text, len, path, trust, err);
	free(text);
	if (r < 0)
		return -1;

	char *canon = realpath(path, NULL);
	const char *layer = pol_layer(p, path);
	struct pol_item *it = pol_list_push(&p->files,
					    xstrdup(canon ? canon : path),
					    (struct origin){ layer, 0 });
	it->path = canon ? canon : xstrdup(path);
	return 0;
}

void policy_read_files(struct policy *p)
{
	const char *layer = pol_layer(p, "policy files in use");
	for (size_t i = 0, n = p->files.n; i < n; i++) {
		const char *f = p->files.v[i].path;
		bool covered = !f || path_inside(f, p->workspace.val);
		/* A deny covering the file wins: nothing is granted inside it. */
		for (size_t j = 0; !covered && j < p->deny.n; j++)
			covered = p->deny.v[j].path && path_inside(f, p->deny.v[j].path);
		if (covered)
			continue;
		struct pol_item *it = pol_list_push(&p->read_only, xstrdup(f),
						    (struct origin){ layer, 0 });
		it->path = xstrdup(f);
	}
}
