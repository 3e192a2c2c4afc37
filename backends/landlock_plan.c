/* SPDX-License-Identifier: MIT */
/*
 * landlock_plan.c: policy -> the exact Landlock rules (pure: it reads
 * directories, it never changes the process).
 *
 * Landlock only adds: a rule on a directory grants its rights to the whole
 * tree beneath, and rights union along the path. A protected path D
 * (deny, deny_write, no_exec, a policy file) inside a tree granted more
 * cannot be subtracted, so the grant is EXPANDED instead:
 *
 *   Every path in the policy becomes a node of a trie (one node per path
 *   component). For each node N:
 *     I(N)     = (rights granted at or above N) & (masks of protections
 *                at or above N)    -- what N and its plain entries should get
 *     floor(N) = I(N) & floor(every child)  -- the most a rule on N may
 *                grant, since everything beneath N inherits it
 *   visit(N, have), where `have` is what rules above N already grant:
 *     - rule on N with floor(N) (skipped when it adds nothing to `have`);
 *     - if I(N) is still not covered (a protected path beneath needs
 *       less), list N: every entry that is not a trie child gets a rule
 *       with I(N); each trie child is visited the same way.
 *   So a protected D is reached only through directories that carry the
 *   rights D may have, every sibling on the way keeps the full grant, and
 *   several protected paths in one tree are expanded once.
 *
 * The cost (kernel semantics, documented in clawshim.ini(5)): a directory
 * on the way (the workspace root for deny_write = .git/hooks) keeps only
 * the rights its protected descendant may have: no creating, removing or
 * renaming entries directly in it (and, for a denied directory, not even
 * listing it); entries created there later get no more than that either.
 *
 * A protection covers everything beneath it, including a grant nested in
 * it ("deny = ~/x" wins over "read_write = ~/x/y"): the safe reading.
 */
#include "landlock.h"
#include "../policy/domains.h"
#include "seccomp.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define ALL_RIGHTS (~(uint64_t)0)

uint64_t ll_fs_rights(int abi)
{
	uint64_t r = (LANDLOCK_ACCESS_FS_MAKE_SYM << 1) - 1; /* ABI 1: bits 0..12 */
	if (abi >= 2)
		r |= LANDLOCK_ACCESS_FS_REFER;
	if (abi >= 3)
		r |= LANDLOCK_ACCESS_FS_TRUNCATE;
	if (abi >= 5)
		r |= LANDLOCK_ACCESS_FS_IOCTL_DEV;
	return r;
}

size_t ll_attr_size(int abi)
{
	if (abi >= 6)
		return sizeof(struct ll_ruleset_attr);
	if (abi >= 4)
		return offsetof(struct ll_ruleset_attr, scoped);
	return offsetof(struct ll_ruleset_attr, handled_access_net);
}

/* ---- the trie of policy paths ---- */

struct node {
	char *name;             /* one component; "" for / */
	char *path;             /* canonical absolute path */
	struct node **kid;
	size_t nkid, kcap;
	uint64_t grant;         /* rights a grant root here gives (0: none) */
	uint64_t mask;          /* what protections here leave (ALL: none) */
	bool grant_below;       /* a grant root here or beneath */
	bool seen;              /* found in the parent's listing */
	uint64_t intended, floor;
};

static struct node *node_new(const char *name, const char *parent_path)
{
	struct node *n = xcalloc(1, sizeof(*n));
	n->name = xstrdup(name);
	if (!parent_path)
		n->path = xstrdup("/");
	else
		n->path = xasprintf("%s/%s", strcmp(parent_path, "/") ? parent_path : "",
				    name);
	n->mask = ALL_RIGHTS;
	return n;
}

static void node_free(struct node *n)
{
	for (size_t i = 0; i < n->nkid; i++)
		node_free(n->kid[i]);
	free(n->kid);
	free(n->name);
	free(n->path);
	free(n);
}

static struct node *node_kid(const struct node *n, const char *name)
{
	for (size_t i = 0; i < n->nkid; i++)
		if (!strcmp(n->kid[i]->name, name))
			return n->kid[i];
	return NULL;
}

/* The node for canonical absolute `path`, created with its parents. */
static struct node *trie_get(struct node *root, const char *path)
{
	struct node *n = root;
	const char *s = path;
	while (*s) {
		while (*s == '/')
			s++;
		size_t len = strcspn(s, "/");
		if (!len)
			break;
		char *name = strndup(s, len);
		if (!name)
			die("out of memory");
		struct node *k = node_kid(n, name);
		if (!k) {
			k = node_new(name, n->path);
			if (n->nkid == n->kcap) {
				n->kcap = n->kcap ? 2 * n->kcap : 4;
				n->kid = xrealloc(n->kid, n->kcap * sizeof(*n->kid));
			}
			n->kid[n->nkid++] = k;
		}
		free(name);
		n = k;
		s += len;
	}
	return n;
}

static int cmp_node(const void *a, const void *b)
{
	return strcmp((*(struct node *const *)a)->name, (*(struct node *const *)b)->name);
}

/* Fill intended, floor and grant_below top-down/bottom-up; sort children. */
static void trie_compute(struct node *n, uint64_t gacc, uint64_t macc)
{
	gacc |= n->grant;
	macc &= n->mask;
	n->intended = gacc & macc;
	n->floor = n->intended;
	n->grant_below = n->grant != 0;
	if (n->nkid)
		qsort(n->kid, n->nkid, sizeof(*n->kid), cmp_node);
	for (size_t i = 0; i < n->nkid; i++) {
		trie_compute(n->kid[i], gacc, macc);
		n->floor &= n->kid[i]->floor;
		n->grant_below |= n->kid[i]->grant_below;
	}
}

static void trie_add(struct node *root, const struct pol_list *l, uint64_t grant,
		     uint64_t mask)
{
	for (size_t i = 0; i < l->n; i++) {
		if (!l->v[i].path) /* optional and missing */
			continue;
		struct node *n = trie_get(root, l->v[i].path);
		n->grant |= grant;
		uint64_t m = mask;
		/* READ_DIR means nothing on a protected non-directory, and on
		 * the directories on the way it only lists names: keeping it
		 * there leaves "ls /etc" working despite deny = /etc/shadow. */
		struct stat st;
		if (m != ALL_RIGHTS && lstat(l->v[i].path, &st) == 0 && !S_ISDIR(st.st_mode))
			m |= LANDLOCK_ACCESS_FS_READ_DIR;
		n->mask &= m;
	}
}

/* ---- emitting rules ---- */

struct ctx {
	struct ll_rules *r;
	struct policy_error *err;
};

static void add_rule(struct ll_rules *r, const char *path, uint64_t access, bool dir)
{
	if (r->nfs == r->fscap) {
		r->fscap = r->fscap ? 2 * r->fscap : 32;
		r->fs = xrealloc(r->fs, r->fscap * sizeof(*r->fs));
	}
	r->fs[r->nfs++] = (struct ll_rule){ xstrdup(path), access, dir };
}

/* A rule giving `want` to path, unless `have` (inherited) covers it. A
 * non-directory only takes file rights: the kernel refuses others (EINVAL). */
static void want_rule(struct ll_rules *r, const char *path, uint64_t want,
		      uint64_t have, bool dir)
{
	if (!dir)
		want &= LL_FILE;
	if (want & ~have)
		add_rule(r, path, want, dir);
}

static int fail(struct ctx *c, const char *path, int e, const char *what)
{
	snprintf(c->err->msg, sizeof(c->err->msg), "landlock: %s: %s%s", path,
		 what ? what : "", strerror(e));
	snprintf(c->err->hint, sizeof(c->err->hint), "%s",
		 what ? "clawshim must list each directory between a granted tree "
			"and a protected path inside it; make it readable, or move "
			"the protected path" :
			"the path existed when the policy was resolved; run again");
	return -1;
}

struct ent {
	char *name;
	unsigned char type; /* DT_* after resolving DT_UNKNOWN */
};

static int cmp_ent(const void *a, const void *b)
{
	return strcmp(((const struct ent *)a)->name, ((const struct ent *)b)->name);
}

/* The entries of directory `path` (without . and ..), sorted by name. */
static struct ent *list_dir(const char *path, size_t *n)
{
	DIR *d = opendir(path);
	if (!d)
		return NULL;
	struct ent *v = NULL;
	size_t cap = 0;
	*n = 0;
	struct dirent *de;
	errno = 0;
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		unsigned char t = de->d_type;
		struct stat st;
		if (t == DT_UNKNOWN) {
			if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
				continue; /* gone meanwhile: nothing to grant */
			t = S_ISDIR(st.st_mode) ? DT_DIR : S_ISLNK(st.st_mode) ? DT_LNK : DT_REG;
		}
		if (*n == cap) {
			cap = cap ? 2 * cap : 64;
			v = xrealloc(v, cap * sizeof(*v));
		}
		v[(*n)++] = (struct ent){ xstrdup(de->d_name), t };
		errno = 0;
	}
	int e = errno;
	closedir(d);
	if (e) {
		for (size_t i = 0; i < *n; i++)
			free(v[i].name);
		free(v);
		errno = e;
		return NULL;
	}
	if (!v)
		return xmalloc(1); /* empty, but not an error */
	qsort(v, *n, sizeof(*v), cmp_ent);
	return v;
}

static int visit(struct ctx *c, struct node *n, uint64_t have);

/* Rules for every entry of n but its trie children, which are visited. */
static int expand(struct ctx *c, struct node *n, uint64_t have)
{
	size_t ne = 0;
	struct ent *e = list_dir(n->path, &ne);
	if (!e) {
		if ((errno == ENOENT || errno == ENOTDIR) && !n->grant_below)
			return 0; /* gone: nothing in it to grant or protect */
		return fail(c, n->path, errno, "cannot list: ");
	}
	int r = 0;
	for (size_t i = 0; i < ne && r == 0; i++) {
		struct node *k = node_kid(n, e[i].name);
		if (k) {
			k->seen = true;
			r = visit(c, k, have);
		} else if (e[i].type != DT_LNK) {
			/* Why skip symlinks: a rule is added on what open() reaches,
			 * the link's target, which may be the protected path itself
			 * (ws/x -> .git/hooks). Nothing is lost: Landlock checks the
			 * resolved path, so the target keeps its own rights. */
			char *path = xasprintf("%s/%s", strcmp(n->path, "/") ? n->path : "",
					       e[i].name);
			want_rule(c->r, path, n->intended, have, e[i].type == DT_DIR);
			free(path);
		}
	}
	for (size_t i = 0; i < ne; i++)
		free(e[i].name);
	free(e);
	for (size_t i = 0; i < n->nkid && r == 0; i++)
		if (!n->kid[i]->seen) /* not there (any more) */
			r = visit(c, n->kid[i], have);
	return r;
}

static int visit(struct ctx *c, struct node *n, uint64_t have)
{
	/* A rule on n may give floor(n): everything beneath may have it. */
	uint64_t own = n->floor;
	if (own & ~have) {
		struct stat st;
		if (lstat(n->path, &st) < 0) {
			if ((errno == ENOENT || errno == ENOTDIR) && !n->grant_below)
				return 0; /* nothing there to grant or protect */
			return fail(c, n->path, errno, NULL);
		}
		want_rule(c->r, n->path, own, have, S_ISDIR(st.st_mode));
		if (!S_ISDIR(st.st_mode))
			return 0; /* no entries: the trie holds nothing beneath */
		have |= own;
	}
	/* Plain entries of n need I(n); if that is more than n's rule and
	 * the rules above give, they get rules of their own. */
	if (n->intended & ~have)
		return expand(c, n, have);
	for (size_t i = 0; i < n->nkid; i++)
		if (visit(c, n->kid[i], have) < 0)
			return -1;
	return 0;
}

/* ---- ports ---- */

static void add_port(struct ll_rules *r, long long port, uint64_t access)
{
	for (size_t i = 0; i < r->nnet; i++)
		if (r->net[i].port == (uint64_t)port) {
			r->net[i].access |= access;
			return;
		}
	if (r->nnet == r->netcap) {
		r->netcap = r->netcap ? 2 * r->netcap : 8;
		r->net = xrealloc(r->net, r->netcap * sizeof(*r->net));
	}
	r->net[r->nnet++] = (struct ll_port){ (uint64_t)port, access };
}

static int cmp_port(const void *a, const void *b)
{
	uint64_t x = ((const struct ll_port *)a)->port, y = ((const struct ll_port *)b)->port;
	return (x > y) - (x < y);
}

int landlock_plan_rules(const struct policy *p, int abi, struct ll_rules *out,
			struct policy_error *err)
{
	if (abi > LL_ABI_MAX)
		abi = LL_ABI_MAX;
	memset(out, 0, sizeof(*out));
	out->abi = abi;
	out->handled_fs = ll_fs_rights(abi);
	if (abi >= 6)
		out->scoped = LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET | LANDLOCK_SCOPE_SIGNAL;

	uint64_t rw = out->handled_fs, ro = LL_READ;
	struct node *root = node_new("", NULL);
	if (p->workspace.val)
		trie_get(root, p->workspace.val)->grant |= rw;
	trie_add(root, &p->read_write, rw, ALL_RIGHTS);
	trie_add(root, &p->read_only, ro, ALL_RIGHTS);
	trie_add(root, &p->deny, 0, 0);
	trie_add(root, &p->deny_write, 0, ro);
	trie_add(root, &p->files, 0, ro); /* policy files are never writable */
	trie_add(root, &p->no_exec, 0, ALL_RIGHTS & ~(uint64_t)LANDLOCK_ACCESS_FS_EXECUTE);
	trie_compute(root, 0, ALL_RIGHTS);
	struct ctx c = { out, err };
	int r = visit(&c, root, 0);
	node_free(root);
	if (r < 0) {
		ll_rules_free(out);
		return -1;
	}

	if (!p->net_all.val && abi >= 4) {
		out->handled_net = LANDLOCK_ACCESS_NET_BIND_TCP | LANDLOCK_ACCESS_NET_CONNECT_TCP;
		for (size_t i = 0; i < p->connect_tcp.n; i++)
			add_port(out, p->connect_tcp.v[i].num, LANDLOCK_ACCESS_NET_CONNECT_TCP);
		for (size_t i = 0; i < p->bind_tcp.n; i++)
			add_port(out, p->bind_tcp.v[i].num, LANDLOCK_ACCESS_NET_BIND_TCP);
		if (out->nnet)
			qsort(out->net, out->nnet, sizeof(*out->net), cmp_port);
	}
	return 0;
}

void ll_rules_free(struct ll_rules *r)
{
	for (size_t i = 0; i < r->nfs; i++)
		free(r->fs[i].path);
	free(r->fs);
	free(r->net);
	strv_free(&r->strs);
	memset(r, 0, sizeof(*r));
}

static void ll_rules_free_priv(void *v)
{
	if (v) {
		ll_rules_free(v);
		free(v);
	}
}

/* ---- guarantees ---- */

static bool in_list(const struct pol_list *l, const char *path, bool want_ancestor)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i].path && (want_ancestor ? path_inside(path, l->v[i].path) :
				     path_inside(l->v[i].path, path)))
			return true;
	return false;
}

/* Is path at or beneath any granted tree? */
static bool granted(const struct policy *p, const char *path)
{
	return (p->workspace.val && path_inside(path, p->workspace.val)) ||
	       in_list(&p->read_write, path, true) || in_list(&p->read_only, path, true);
}

/* Is path at or beneath any protected path? */
static bool protected(const struct policy *p, const char *path)
{
	return in_list(&p->deny, path, true) || in_list(&p->deny_write, path, true) ||
	       in_list(&p->no_exec, path, true) || in_list(&p->files, path, true);
}

/* A string that lives as long as the plan (plan_add may not copy). */
static const char *keep(struct ll_rules *r, char *s)
{
	strv_push(&r->strs, s);
	return s;
}

struct gctx {
	const struct policy *p;
	struct plan *out;
	struct ll_rules *r;
	const char *how, *how_narrowed, *how_carved, *how_omit;
};

static void grant_lines(struct gctx *g, const struct pol_list *l, const char *what)
{
	for (size_t i = 0; i < l->n; i++) {
		const char *path = l->v[i].path;
		if (!path)
			continue;
		plan_add(g->out, keep(g->r, xasprintf("%s %s", what, path)),
			 protected(g->p, path) ? g->how_narrowed : g->how, NULL, true);
	}
}

static void protect_lines(struct gctx *g, const struct pol_list *l, const char *what)
{
	for (size_t i = 0; i < l->n; i++) {
		const char *path = l->v[i].path;
		if (!path)
			continue;
		plan_add(g->out, keep(g->r, xasprintf("%s %s", what, path)),
			 granted(g->p, path) ? g->how_carved : g->how_omit, NULL, true);
	}
}

/* "443, 8080" or NULL when the list is empty. */
static char *port_list(const struct pol_list *l)
{
	if (!l->n)
		return NULL;
	size_t cap = l->n * 8 + 1, len = 0;
	char *s = xmalloc(cap);
	for (size_t i = 0; i < l->n; i++)
		len += (size_t)snprintf(s + len, cap - len, "%s%lld", i ? ", " : "", l->v[i].num);
	return s;
}

/* A guarantee this ABI cannot give, under best_effort: recorded as not
 * enforced (refuse() has already failed the plan otherwise). */
static void need_abi(struct gctx *g, int need, const char *what)
{
	int abi = g->r->abi;
	if (abi >= need)
		return;
	plan_add(g->out, what, NULL,
		 keep(g->r, xasprintf("needs Landlock ABI %d (this kernel has %d)", need, abi)),
		 true);
}

static int refusal(struct policy_error *err, const char *what, int need, int abi)
{
	snprintf(err->msg, sizeof(err->msg), "%s needs Landlock ABI %d (this kernel has %d)",
		 what, need, abi);
	snprintf(err->hint, sizeof(err->hint),
		 "set best_effort = true to run without it, or use backend = bwrap");
	return -1;
}

/* -1 (err set) when the policy asks for what ABI abi cannot enforce and
 * best_effort is off. Checked before anything is planned. */
static int refuse(const struct policy *p, int abi, struct policy_error *err)
{
	if (p->best_effort.val)
		return 0;
	/* Before ABI 3, truncate(2) and O_TRUNC are not controlled at all:
	 * any file the user owns could be emptied, read_only or not. */
	if (abi < 3)
		return refusal(err, "[filesystem] truncate control", 3, abi);
	if (!p->net_all.val && abi < 4 && p->connect_tcp.n)
		return refusal(err, "[network] connect_tcp", 4, abi);
	if (!p->net_all.val && abi < 4 && p->bind_tcp.n)
		return refusal(err, "[network] bind_tcp", 4, abi);
	/* Without scopes a sandboxed command can signal the agent (and any
	 * process of the user) and reach its abstract unix sockets. */
	if (abi < 6)
		return refusal(err, "[sandbox] signal and abstract unix socket scoping", 6, abi);
	return 0;
}

/* allow = domains: each guarantee with its mechanism, what is not
 * enforced, and the presets in use with their upload-capable hosts. */
static void domain_lines(struct gctx *g)
{
	const struct policy *p = g->p;
	const char *sup = "seccomp user notification: the supervisor checks each connect() "
			  "address and performs it; Landlock handles TCP connect with no rule "
			  "for the proxy (only the supervisor reaches it)";
	plan_add(g->out, "TCP only to clawshim's proxy at 127.0.0.1 (the exact address and port)",
		 keep(g->r, xstrdup(sup)), NULL, true);
	if (p->connect_tcp.n) {
		char *ports = port_list(&p->connect_tcp);
		plan_add(g->out, keep(g->r, xasprintf("TCP to loopback only on ports %s", ports)),
			 "seccomp user notification (loopback) + Landlock (ports)", NULL, true);
		free(ports);
	}
	plan_add(g->out, "no UDP, raw, SCTP, MPTCP or packet sockets; no DNS of its own",
		 "seccomp (socket)", NULL, true);
	plan_add(g->out, "no TCP Fast Open or datagram with an address (sendto/sendmsg)",
		 "seccomp user notification", NULL, true);
	plan_add(g->out, "only the hosts of [network] domains, in every layer that sets them; "
		 "deny_domains wins", "clawshim's proxy, confined (no_new_privs, Landlock, seccomp)",
		 NULL, true);
	plan_add(g->out, "a denied name is never looked up (checked before DNS)", "clawshim's proxy",
		 NULL, true);
	plan_add(g->out, "connects only to the addresses it resolved and checked (no re-resolution)",
		 "clawshim's proxy", NULL, true);
	if (!p->net_private.val)
		plan_add(g->out, "no loopback, private, link-local, CGNAT or multicast destinations",
			 "clawshim's proxy", NULL, true);
	plan_add(g->out, "on port 443 the TLS server name (SNI) must be the CONNECT host",
		 "clawshim's proxy", NULL, true);
	plan_add(g->out, p->net_plain_http.val ? "plain http://: one request per connection, "
		 "host checked" : "no plain http:// (CONNECT and SOCKS5 only)", "clawshim's proxy",
		 NULL, true);
	plan_add(g->out, "uploads to allowed hosts", NULL, "the proxy sees host names, never "
		 "content: an allowed host that takes uploads can receive data", false);
	plan_add(g->out, "domain fronting beyond the SNI check", NULL, "the HTTP Host inside TLS "
		 "is not visible without interception, which clawshim does not do", false);
	plan_add(g->out, "tools that ignore the proxy variables", NULL, "they fail (EACCES, "
		 "named in the exit summary); they are not let through", false);
	for (size_t i = 0; i < p->domains.n; i++) {
		const char *raw = p->domains.v[i].raw;
		const struct dom_preset *ps = raw[0] == '@' ? dom_preset_find(raw + 1) : NULL;
		if (!ps)
			continue;
		char hosts[1024] = "", up[512] = "";
		size_t hn = 0, un = 0;
		for (size_t h = 0; h < ps->nhosts; h++) {
			hn += (size_t)snprintf(hosts + hn, sizeof(hosts) - hn, "%s%s", h ? " " : "",
					       ps->hosts[h].pattern);
			if (ps->hosts[h].upload && un < sizeof(up))
				un += (size_t)snprintf(up + un, sizeof(up) - un, "%s%s", un ? " " : "",
						       ps->hosts[h].pattern);
			if (hn >= sizeof(hosts) || un >= sizeof(up))
				break;
		}
		plan_add(g->out, keep(g->r, xasprintf("preset @%s (%s): %s", ps->name, ps->what, hosts)),
			 "clawshim's proxy", NULL, true);
		if (up[0])
			plan_add(g->out, keep(g->r, xasprintf("@%s: no uploads to %s", ps->name, up)),
				 NULL, "these hosts accept uploads (publish, push, gists)", false);
	}
}

static void net_lines(struct gctx *g)
{
	const struct policy *p = g->p;
	if (p->net_domains.val) {
		domain_lines(g);
		return;
	}
	char *cports = port_list(&p->connect_tcp), *bports = port_list(&p->bind_tcp);
	const char *cwhat = keep(g->r, cports ? xasprintf("TCP connect only to ports %s", cports) :
						xstrdup("no TCP connect"));
	const char *bwhat = keep(g->r, bports ? xasprintf("TCP bind only to ports %s", bports) :
						xstrdup("no TCP bind"));
	free(cports);
	free(bports);
	if (g->r->abi >= 4) {
		plan_add(g->out, cwhat, g->how, NULL, true);
		plan_add(g->out, bwhat, g->how, NULL, true);
		return;
	}
	/* Before ABI 4 Landlock has no network rules; with no port allowed,
	 * the seccomp filter (SC_NET) refuses the socket families instead. */
	if (p->connect_tcp.n)
		need_abi(g, 4, cwhat);
	if (p->bind_tcp.n)
		need_abi(g, 4, bwhat);
}

static void build_lines(struct gctx *g)
{
	const struct policy *p = g->p;
	int abi = g->r->abi;
	if (p->workspace.val)
		plan_add(g->out, keep(g->r, xasprintf("read-write workspace %s", p->workspace.val)),
			 protected(p, p->workspace.val) ? g->how_narrowed : g->how, NULL, true);
	grant_lines(g, &p->read_write, "read-write");
	grant_lines(g, &p->read_only, "read-only");
	protect_lines(g, &p->deny, "deny");
	protect_lines(g, &p->deny_write, "no writes to");
	protect_lines(g, &p->no_exec, "no exec in");
	/* Landlock's EXECUTE right is checked by execve(), not by mmap():
	 * "ld.so FILE" maps a file under a no_exec path as code.  Only a
	 * noexec mount (a private mount namespace) refuses that: said, not
	 * claimed. */
	if (p->no_exec.n)
		plan_add(g->out, "no mapping as code under the no_exec paths (ld.so FILE)", NULL,
			 "Landlock checks execve, not mmap; no mount namespace here for a noexec "
			 "bind", false);
	protect_lines(g, &p->files, "no writes to policy file");
	plan_add(g->out, "no access to any other path", g->how, NULL, true);
	/* Landlock (every ABI) refuses ptrace of a process outside the domain. */
	plan_add(g->out, "no ptrace of processes outside the sandbox", g->how, NULL, true);
	need_abi(g, 3, "no truncating files outside the writable paths");
	/* ABI 1 cannot grant REFER: every cross-directory rename or link
	 * fails (EXDEV). Stricter, not weaker; mv falls back to copying. */
	if (abi < 2)
		plan_add(g->out, "rename and link across directories", NULL,
			 "Landlock ABI 1 refuses them all (EXDEV)", false);
	if (!p->net_all.val)
		net_lines(g);
	const char *scope = "Landlock scope (ABI 6)";
	const char *sig = "no signals to processes outside the sandbox";
	const char *abs = "no abstract unix sockets outside the sandbox";
	if (abi >= 6) {
		plan_add(g->out, sig, scope, NULL, true);
		plan_add(g->out, abs, scope, NULL, true);
	} else {
		need_abi(g, 6, sig);
		need_abi(g, 6, abs);
	}
}

int landlock_plan_build(const struct policy *p, int abi, struct plan *out,
			struct policy_error *err)
{
	if (abi > LL_ABI_MAX)
		abi = LL_ABI_MAX;
	if (refuse(p, abi, err) < 0)
		return -1;
	struct ll_rules *r = xcalloc(1, sizeof(*r));
	if (landlock_plan_rules(p, abi, r, err) < 0) {
		free(r);
		return -1;
	}
	out->id = BACKEND_LANDLOCK;
	out->seccomp = SC_TTY | SC_SESSION | SC_KERNEL | SC_POLICY | SC_UNIX |
		       (p->net_all.val ? 0 : SC_NET);
	out->priv = r;
	out->priv_free = ll_rules_free_priv;
	struct gctx g = {
		.p = p, .out = out, .r = r,
		.how = keep(r, xasprintf("Landlock ABI %d", abi)),
		.how_narrowed = keep(r, xasprintf("Landlock ABI %d (narrowed by a protected "
						  "path around it)", abi)),
		.how_carved = keep(r, xasprintf("Landlock ABI %d (carved out of the granted "
						"tree)", abi)),
		.how_omit = keep(r, xasprintf("Landlock ABI %d (not granted)", abi)),
	};
	build_lines(&g);
	return 0;
}
