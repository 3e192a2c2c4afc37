/* SPDX-License-Identifier: MIT */
/*
 * proxy.h: the egress proxy of [network] allow = domains.
 *
 * Life cycle: clawshim binds the listener (127.0.0.1, a free port)
 * before the command starts, so the port is in the command's
 * environment and a connection can never race the proxy's start: it
 * waits in the backlog.  The supervisor forks the proxy only when the
 * first connection arrives; a command that never connects pays for one
 * socket.  The proxy confines itself (no_new_privs, Landlock, seccomp;
 * root drops to uid 65534) before it reads a byte, and dies with the
 * supervisor (PR_SET_PDEATHSIG) or when the command is gone (the
 * supervisor kills its children).  The supervisor never reads proxy
 * traffic: only fixed-size decision records come back, on a pipe.
 */
#ifndef CLAWSHIM_PROXY_H
#define CLAWSHIM_PROXY_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "../policy/policy.h"

/* One decision of the proxy (or of the notification supervisor for a
 * direct connect).  Kept whole so that a later change can log it;
 * never a URL path or a header. */
struct net_decision {
	char via[8];          /* "connect" "http" "socks" "direct" */
	bool allowed;
	char host[256];       /* the name asked for, or the direct destination */
	unsigned port;
	char reason[32];      /* X-Proxy-Error value, "sni-mismatch", "not-via-proxy" */
	char rule[96];        /* the entry that decided, "" for none */
	char addr[64];        /* the address connected to, "" for none */
	pid_t pid;            /* direct connects: the caller */
	char exe[64];         /* direct connects: its command name */
	uint64_t up, down;    /* bytes relayed each way */
	uint32_t ms;          /* how long the tunnel lived */
};

struct proxy {
	int lfd;              /* the listener (close-on-exec), -1 once handed on */
	unsigned port;
	int evfd;             /* the supervisor's end of the decision pipe, or -1 */
	int reg[2];           /* registrations: supervisor -> proxy (pipe) */
	pid_t pid;            /* the proxy process, 0 before the first connection */
};

/* Bind the listener on 127.0.0.1:0. 0, or -1 with why. */
int proxy_listen(struct proxy *px, char *why, size_t whylen);

/* Fork the proxy (the supervisor, at the first connection): it serves
 * px->lfd under policy p until killed.  The supervisor's copy of the
 * listener is closed.  0, or -1 (warned; connections are then refused). */
int proxy_start(struct proxy *px, const struct policy *p);

/* One registration: a connection from 127.0.0.1:port is the command's
 * process pid (comm exe). */
struct proxy_reg {
	uint16_t port;
	pid_t pid;
	char exe[32];
};

/* Before the command's connect to the proxy is performed (notification
 * supervisor): bind sock to loopback if unbound, register its port.
 * 0, or a negative errno. */
int proxy_register_sock(struct proxy *px, int sock, pid_t tgid);

/* Read the decision records waiting on px->evfd into the summary. */
void proxy_read_decisions(struct proxy *px);
/* Write one decision to the audit log (a "net" event), if one is open. */
void net_log(const struct net_decision *d);

/* The summary: record a decision (any thread), print the one line
 * naming what was refused (nothing when nothing was). */
void netsum_add(const struct net_decision *d);
void netsum_print(void);

/* `clawshim connect HOST PORT`: a CONNECT through the proxy named by
 * CLAWSHIM_PROXY, relayed over stdin/stdout (an ssh ProxyCommand). */
int proxy_connect_main(int argc, char **argv);

/* In the proxy: serve one accepted connection (proxy_conn.c) from the
 * registered process reg. */
void proxy_serve_conn(int c, const struct policy *p, int evfd, const struct proxy_reg *reg);

#endif
