# SPDX-License-Identifier: MIT
# clawshim: plain GNU make. Project flags first, the builder's last.

VERSION    = 0.1.0
PREFIX    ?= /usr/local
BINDIR    ?= $(PREFIX)/bin
LIBEXECDIR ?= $(PREFIX)/libexec/clawshim
MANDIR    ?= $(PREFIX)/share/man
SYSCONFDIR ?= /etc
DESTDIR   ?=

CC        ?= cc
PKG_CONFIG ?= pkg-config
# The host's kernel, or the one to build for: `make OS=Darwin` builds the
# portable source set (no Linux API, no libseccomp) on any system.
OS        ?= $(shell uname -s)

WARNINGS  = -Wall -Wextra -Wformat=2 -Wshadow -Wstrict-prototypes \
            -Wmissing-prototypes -Wimplicit-fallthrough -Wswitch-enum
ifeq ($(WERROR),1)
WARNINGS += -Werror
endif

POLICY_SRC  = policy/policy.c policy/parse.c policy/resolve.c policy/dump.c policy/domains.c
OPT      ?= -O2 -g

ifeq ($(OS),Darwin)
# macOS: sandbox-exec and docker, the portable supervisor, no libseccomp.
# Apple's ld makes position-independent executables by default and knows
# no -z options; the compiler flags below are Apple clang's.
HARDEN_CFLAGS  ?= -D_FORTIFY_SOURCE=2 -fstack-protector-strong -fPIE
HARDEN_LDFLAGS ?=
OS_CPPFLAGS = -D_DARWIN_C_SOURCE
PC_CFLAGS  := $(shell $(PKG_CONFIG) --cflags inih 2>/dev/null)
INIH_LIBS  := $(shell $(PKG_CONFIG) --libs inih 2>/dev/null || echo -linih)
POLICY_SRC += policy/syscalls_posix.c
BACKEND_SRC = backends/backend.c backends/common_posix.c backends/linux_only.c backends/none.c \
              backends/seccomp_json.c backends/docker.c backends/docker_host.c backends/sandbox_exec.c \
              backends/path.c
PROCESS_SRC = process/supervise_posix.c process/guards.c process/limits.c process/env.c \
              process/mountns_plan.c
SELFTEST_SRC = selftest/none.c
CORE_SRC    = util.c $(POLICY_SRC) $(BACKEND_SRC) $(PROCESS_SRC)
SHIM_OBJ    = shim.o host_posix.o explain.o $(SELFTEST_SRC:.c=.o) $(CORE_SRC:.c=.o)
PROGRAMS    = clawshim
else
# Hardening in its own variable, so a packager can blank it.
HARDEN_CFLAGS  ?= -D_FORTIFY_SOURCE=3 -fstack-protector-strong \
                  -fstack-clash-protection -fPIE
HARDEN_LDFLAGS ?= -pie -Wl,-z,relro,-z,now,-z,noexecstack
OS_CPPFLAGS = -D_GNU_SOURCE

LIBS_PC   = libseccomp inih
PC_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(LIBS_PC) 2>/dev/null)
PC_LIBS   := $(shell $(PKG_CONFIG) --libs $(LIBS_PC) 2>/dev/null || echo -lseccomp -linih)
# clawshim opens libseccomp only when it needs it (backends/lazyseccomp.c):
# the common path loads a program compiled at build time, so clawshim
# links inih and libc; the build tools and unit tests link libseccomp.
INIH_LIBS  := $(shell $(PKG_CONFIG) --libs inih 2>/dev/null || echo -linih)

POLICY_SRC += policy/syscalls_linux.c
BACKEND_SRC = backends/backend.c backends/common_linux.c backends/none.c backends/seccomp.c \
              backends/seccomp_json.c \
              backends/landlock.c backends/landlock_plan.c backends/bwrap.c \
              backends/firejail.c backends/docker.c backends/docker_host.c backends/sandbox_exec.c \
              backends/path.c
PROCESS_SRC = process/supervise.c process/guards.c process/child.c process/limits.c process/env.c \
              process/cgroup.c process/mountns.c process/mountns_plan.c \
              process/notify.c process/notify_serve.c process/notify_ops.c \
              process/notify_net.c process/proxy.c process/proxy_conn.c process/proxy_parse.c \
              process/proxy_client.c
SELFTEST_SRC = selftest/selftest.c selftest/corpus.c selftest/world.c selftest/run.c
CORE_SRC    = util.c $(POLICY_SRC) $(BACKEND_SRC) $(PROCESS_SRC)
GEN_OBJ     = backends/prebuilt.o backends/filters.gen.o
SHIM_OBJ    = shim.o host_linux.o explain.o $(SELFTEST_SRC:.c=.o) $(CORE_SRC:.c=.o) \
              $(GEN_OBJ) backends/lazyseccomp.o
PROGRAMS    = clawshim clawshim-probe
endif

ALL_CPPFLAGS = $(OS_CPPFLAGS) -DCLAWSHIM_VERSION='"$(VERSION)"' \
               -DSYSCONFDIR='"$(SYSCONFDIR)"' -DLIBEXECDIR='"$(LIBEXECDIR)"' \
               $(CPPFLAGS)
ALL_CFLAGS   = -std=gnu11 $(OPT) $(WARNINGS) $(HARDEN_CFLAGS) $(PC_CFLAGS) $(CFLAGS)
ALL_LDFLAGS  = $(HARDEN_LDFLAGS) $(LDFLAGS)

CORE_OBJ    = $(CORE_SRC:.c=.o)
HEADERS     = $(wildcard *.h policy/*.h backends/*.h process/*.h selftest/*.h)

UNIT_TESTS  = $(patsubst %.c,%,$(wildcard tests/unit/test_*.c))
HELPERS     = tests/helpers/try tests/helpers/notify_probe tests/helpers/race

.PHONY: all check check-run install uninstall clean dist demo bench
all: $(PROGRAMS)

clawshim: $(SHIM_OBJ)
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(ALL_LDFLAGS) $(INIH_LIBS)

# The probe --selftest runs inside each sandbox.  Static where the C
# library allows, so it runs in a container image without one too (the
# docker backend); PROBE_LDFLAGS= builds it like any other program.
PROBE_LDFLAGS ?= $(shell printf 'int main(void){return 0;}' | \
	$(CC) -x c -static-pie -o /dev/null - >/dev/null 2>&1 && echo -static-pie)
clawshim-probe: selftest/probe.c
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) -o $@ $< $(ALL_LDFLAGS) $(PROBE_LDFLAGS)

# The seccomp programs of the common flag sets, compiled at build time by
# libseccomp itself (backends/prebuilt.h).
tools/genfilters: tools/genfilters.c backends/prebuilt-gen.o $(CORE_OBJ)
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) -o $@ $^ $(ALL_LDFLAGS) $(PC_LIBS)

backends/prebuilt-gen.o: backends/prebuilt.c $(HEADERS)
	$(CC) $(ALL_CPPFLAGS) -DGENFILTERS $(ALL_CFLAGS) -c -o $@ $<

backends/filters.gen.c: tools/genfilters
	tools/genfilters > $@.tmp && mv $@.tmp $@

%.o: %.c $(HEADERS)
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) -c -o $@ $<

tests/unit/test_%: tests/unit/test_%.c $(CORE_OBJ) $(GEN_OBJ)
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) -o $@ $^ $(ALL_LDFLAGS) $(PC_LIBS) -lcmocka

tests/helpers/%: tests/helpers/%.c
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) -o $@ $< $(ALL_LDFLAGS)

tests/helpers/race: tests/helpers/race.c
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) -o $@ $< $(ALL_LDFLAGS) -lpthread

# The notification supervisor end to end, outside clawshim.
tests/helpers/notify_probe: tests/helpers/notify_probe.c process/notify.o process/notify_serve.o process/notify_ops.o \
		process/notify_net.o util.o
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) -o $@ $^ $(ALL_LDFLAGS) $(PC_LIBS) -lpthread

# libFuzzer targets (clang): the proxy's request parsers. `make fuzz`
# builds them; run e.g. tests/fuzz/fuzz_proxy -max_total_time=60.
FUZZ_CC ?= clang
FUZZ_FLAGS = -g -O1 -fsanitize=fuzzer,address,undefined $(OS_CPPFLAGS)
.PHONY: fuzz
fuzz: tests/fuzz/fuzz_proxy
tests/fuzz/fuzz_proxy: tests/fuzz/fuzz_proxy.c process/proxy_parse.c policy/domains.c util.c
	$(FUZZ_CC) $(FUZZ_FLAGS) -o $@ $^

# check and demo first make sure the build and test dependencies are here
# (installing them as root on Debian), then build in a fresh make.
check:
	@sh tests/deps.sh
	@$(MAKE) --no-print-directory check-run

check-run: clawshim clawsh shell-links clawshim-probe $(UNIT_TESTS) $(HELPERS)
	@if command -v mandoc >/dev/null 2>&1; then \
	    mandoc -Tlint -Wwarning man/clawshim.1 man/clawshim.ini.5 && echo "mandoc -Tlint: clean"; \
	fi
	sh tests/run.sh $(UNIT_TESTS) tests/*.t

clawsh: clawshim
	ln -sf clawshim clawsh

# clawshim under a shell's name is that shell under the policy: the links
# the tests put first on PATH, and install puts in LIBEXECDIR/shells.
SHELL_LINKS = bash sh zsh dash
.PHONY: shell-links
shell-links: clawshim
	@mkdir -p tests/tmp/shells
	@for s in $(SHELL_LINKS) clawshim-bash; do ln -sf ../../../clawshim tests/tmp/shells/$$s; done

demo:
	@sh tests/deps.sh
	@$(MAKE) --no-print-directory clawshim
	@sh tests/demo.sh

bench: clawshim
	@$(MAKE) -C bench run

install: $(PROGRAMS)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5
	install -m 755 clawshim $(DESTDIR)$(BINDIR)/clawshim
ifneq ($(OS),Darwin)
	install -d $(DESTDIR)$(LIBEXECDIR)
	install -m 755 clawshim-probe $(DESTDIR)$(LIBEXECDIR)/clawshim-probe
endif
	ln -sf clawshim $(DESTDIR)$(BINDIR)/clawsh
	ln -sf clawshim $(DESTDIR)$(BINDIR)/clawshim-bash
	install -d $(DESTDIR)$(LIBEXECDIR)/shells
	for s in $(SHELL_LINKS); do ln -sf $(BINDIR)/clawshim $(DESTDIR)$(LIBEXECDIR)/shells/$$s; done
	install -m 644 man/clawshim.1 $(DESTDIR)$(MANDIR)/man1/clawshim.1
	install -m 644 man/clawshim.ini.5 $(DESTDIR)$(MANDIR)/man5/clawshim.ini.5
	install -d $(DESTDIR)$(SYSCONFDIR)/clawshim
	install -m 644 clawshim.ini.example $(DESTDIR)$(SYSCONFDIR)/clawshim/clawshim.ini.example

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/clawshim $(DESTDIR)$(BINDIR)/clawsh $(DESTDIR)$(BINDIR)/clawshim-bash \
	      $(SHELL_LINKS:%=$(DESTDIR)$(LIBEXECDIR)/shells/%) \
	      $(DESTDIR)$(LIBEXECDIR)/clawshim-probe \
	      $(DESTDIR)$(MANDIR)/man1/clawshim.1 $(DESTDIR)$(MANDIR)/man5/clawshim.ini.5 \
	      $(DESTDIR)$(SYSCONFDIR)/clawshim/clawshim.ini.example

dist:
	git archive --prefix=clawshim-$(VERSION)/ -o clawshim-$(VERSION).tar.gz HEAD

clean:
	rm -f clawshim clawsh clawshim-probe *.o */*.o $(UNIT_TESTS) $(HELPERS) clawshim-*.tar.gz \
	      tools/genfilters backends/filters.gen.c
	rm -rf tests/tmp
