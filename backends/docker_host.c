/* SPDX-License-Identifier: MIT */
/*
 * docker_host.c: the docker backend's side of the host: which engine the
 * policy names and whether it can run here (the probe), the engine
 * sockets that must never be mounted, and the facts the planner takes
 * (struct docker_host) before docker_plan_build() computes the argv.
 */
#include "docker.h"
#include "../process/process.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/random.h>
#endif

#include "../common.h"

extern char **environ;

/* ---- the host ---- */

/* Where the socket really is: what the container would reach through a
 * bind.  Not there (yet): its directory resolved, else the path as is. */
static void push_socket(struct strv *out, const char *path)
{
	if (!path || path[0] != '/')
		return;
	char real[PATH_MAX];
	if (realpath(path, real)) {
		strv_push(out, xstrdup(real));
		return;
	}
	char *dir = xstrdup(path), *slash = strrchr(dir, '/');
	*slash = '\0';
	if (realpath(*dir ? dir : "/", real))
		strv_pushf(out, "%s/%s", strcmp(real, "/") ? real : "", slash + 1);
	else
		strv_push(out, xstrdup(path));
	free(dir);
}

/* The path in a unix:// engine address, or NULL. */
static const char *unix_addr(const char *addr)
{
	return addr && strncmp(addr, "unix://", 7) == 0 ? addr + 7 : NULL;
}

void docker_engine_sockets(struct strv *out)
{
	static const char *const fixed[] = {
		"/var/run/docker.sock", "/run/docker.sock", "/run/podman/podman.sock",
		"/var/run/podman/podman.sock", "/run/containerd/containerd.sock",
	};
	for (size_t i = 0; i < ARRAY_LEN(fixed); i++)
		push_socket(out, fixed[i]);
	char buf[PATH_MAX];
	unsigned uid = (unsigned)getuid();
	snprintf(buf, sizeof(buf), "/run/user/%u/docker.sock", uid);
	push_socket(out, buf);
	snprintf(buf, sizeof(buf), "/run/user/%u/podman/podman.sock", uid);
	push_socket(out, buf);
	push_socket(out, unix_addr(getenv("DOCKER_HOST")));
	push_socket(out, unix_addr(getenv("CONTAINER_HOST")));
	const char *xdg = getenv("XDG_RUNTIME_DIR"), *home = getenv("HOME");
	if (xdg && xdg[0] == '/') {
		snprintf(buf, sizeof(buf), "%s/podman/podman.sock", xdg);
		push_socket(out, buf);
		snprintf(buf, sizeof(buf), "%s/docker.sock", xdg);
		push_socket(out, buf);
	}
	if (home && home[0] == '/') {
		snprintf(buf, sizeof(buf), "%s/.docker/run/docker.sock", home);
		push_socket(out, buf);
		snprintf(buf, sizeof(buf), "%s/.docker/desktop/docker.sock", home);
		push_socket(out, buf);
	}
}

/* Why the docker daemon is out of reach, when podman made the probe pass
 * anyway: plan() refuses with it when the policy's engine is docker. */
static char docker_unreachable[512];

/* The engine the policy names, found along PATH (absolute). */
static const char *engine_name(const struct policy *p)
{
	return p->docker_engine.val ? p->docker_engine.val : "docker";
}

static int docker_plan(const struct policy *p, const struct command *cmd, struct plan *out,
		       struct policy_error *err)
{
	if (plan_refuse_domains(p, "docker", "the container's network has no relay to clawshim's proxy", err))
		return -1;
	if (!p->docker_image.val)
		return docker_plan_build(p, cmd, NULL, out, err);
	const char *name = engine_name(p), *found = backend_find_program(name);
	if (!found)
		return plan_refuse(err, "install it, or set [docker] engine to the one you have",
			      "docker: %s not found in PATH", name);
	if (strcmp(name, "docker") == 0 && docker_unreachable[0])
		return plan_refuse(err, "start dockerd, or set [docker] engine = podman",
			      "docker: %s", docker_unreachable);
	char engine[PATH_MAX], cwd[PATH_MAX], cname[64];
	snprintf(engine, sizeof(engine), "%s", found);
	if (!getcwd(cwd, sizeof(cwd)))
		cwd[0] = '\0';
	unsigned rnd = 0;
#ifdef __linux__
	if (getrandom(&rnd, sizeof(rnd), GRND_NONBLOCK) != (ssize_t)sizeof(rnd))
		rnd = (unsigned)getppid() ^ (unsigned)time(NULL);
#else
	rnd = (unsigned)getppid() ^ (unsigned)time(NULL) ^ ((unsigned)getpid() << 16);
#endif
	snprintf(cname, sizeof(cname), "clawshim-%d-%08x", (int)getpid(), rnd);
	struct strv env = { 0 }, socks = { 0 };
	env_build(p, environ, "docker", cmd->shell, &env);
	docker_engine_sockets(&socks);
	strv_push(&socks, NULL);
	socks.n--;
	struct docker_host h = {
		.engine = engine, .podman = strcmp(name, "podman") == 0, .name = cname,
		.uid = getuid(), .gid = getgid(), .tty = isatty(0) && isatty(1),
		.cwd = cwd[0] ? cwd : NULL, .home = getenv("HOME"), .envp = env.v,
		.sockets = socks.v,
	};
	int rc = docker_plan_build(p, cmd, &h, out, err);
	strv_free(&env);
	strv_free(&socks);
	if (rc == 0)
		for (size_t i = 0; i < out->ng; i++)
			if (out->g[i].required && !out->g[i].how)
				warn("best_effort: running without \"%s\": %s", out->g[i].what,
				     out->g[i].why_not ? out->g[i].why_not : "not enforceable here");
	return rc;
}

/* Can we reach the engine at this unix socket (quickly)? 0, or errno. */
static int reach_unix(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	if (strlen(path) >= sizeof(sa.sun_path))
		return ENAMETOOLONG;
	strcpy(sa.sun_path, path);
#ifdef __linux__
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return errno;
#else
	/* macOS: no socket type flags; nothing runs between the calls. */
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (fd < 0)
		return errno;
	fcntl(fd, F_SETFD, FD_CLOEXEC);
	fcntl(fd, F_SETFL, O_NONBLOCK);
#endif
	int rc = connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0 ? 0 : errno;
	if (rc == EINPROGRESS || rc == EAGAIN) {
		struct pollfd pfd = { fd, POLLOUT, 0 };
		rc = poll(&pfd, 1, 200) == 1 ? 0 : ETIMEDOUT;
	}
	close(fd);
	return rc;
}

/* docker: the CLI and a reachable daemon (a connect(), not a request: a
 * `docker version` would cost ~50 ms per command); podman: the binary
 * (it has no daemon).  The policy's engine is checked again by plan(). */
static int docker_probe(char *why, size_t whylen)
{
	docker_unreachable[0] = '\0';
	if (backend_find_program("docker")) {
		const char *host = getenv("DOCKER_HOST"), *path = unix_addr(host);
		if (host && *host && !path)
			return 0; /* tcp:// or ssh://: not checked here */
		char buf[PATH_MAX];
		const char *home = getenv("HOME");
		if (!path && access("/var/run/docker.sock", F_OK) != 0 && home && home[0] == '/') {
			snprintf(buf, sizeof(buf), "%s/.docker/run/docker.sock", home);
			if (access(buf, F_OK) == 0)
				path = buf;
		}
		if (!path)
			path = "/var/run/docker.sock";
		int e = reach_unix(path);
		if (e == 0)
			return 0;
		snprintf(docker_unreachable, sizeof(docker_unreachable),
			 "the docker engine is not reachable at %s: %s%s", path, strerror(e),
			 e == EACCES ? " (only root or the docker group may use it)" :
			 e == ENOENT ? " (is dockerd running? set DOCKER_HOST)" : "");
		if (!backend_find_program("podman")) {
			snprintf(why, whylen, "%s", docker_unreachable);
			return -1;
		}
	}
	if (backend_find_program("podman"))
		return 0;
	snprintf(why, whylen, "neither docker nor podman is installed");
	return -1;
}

const struct backend backend_docker = {
	.name = "docker",
	.id = BACKEND_DOCKER,
	.probe = docker_probe,
	.plan = docker_plan,
	.apply = NULL,
};
