# SPDX-License-Identifier: MIT
# clawshim: plain GNU make. Project flags first, the builder's last.

VERSION    = 0.1.0
PREFIX    ?= /usr/local
BINDIR    ?= $(PREFIX)/bin
LIBEXECDIR ?= $(PREFIX)/libexec/clawshim
MANDIR    ?= $(PREFIX)/share/man
SYSCONFDIR ?= /etc
DATADIR   ?= $(PREFIX)/share
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR  ?= $(PREFIX)/share/zsh/vendor-completions
FISHCOMPDIR ?= $(PREFIX)/share/fish/vendor_completions.d
SHELL_NAMES = bash sh zsh dash
PROFILES    = $(wildcard profiles/*.ini)
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

UTIL_SRC    = util.c json.c sha256.c
POLICY_SRC  = policy/policy.c policy/parse.c policy/resolve.c policy/dump.c policy/profile.c
OPT      ?= -O2 -g

ifeq ($(OS),Darwin)
# macOS: sandbox-exec and docker, the portable supervisor, no libseccomp.
# Apple's ld makes position-independent executables by default and knows
# no -z options; the compiler flags below are Apple clang's.
FORTIFY_LEVEL  = 2
HARDEN_CFLAGS  ?= $(FORTIFY) -fstack-protector-strong -fPIE
HARDEN_LDFLAGS ?=
OS_CPPFLAGS = -D_DARWIN_C_SOURCE
PC_CFLAGS  := $(shell $(PKG_CONFIG) --cflags inih 2>/dev/null)
INIH_LIBS  := $(shell $(PKG_CONFIG) --libs inih 2>/dev/null || echo -linih)
POLICY_SRC += policy/syscalls_posix.c
BACKEND_SRC = backends/backend.c backends/common_posix.c backends/linux_only.c backends/none.c \
              backends/seccomp_json.c backends/docker.c backends/docker_host.c backends/sandbox_exec.c \
              backends/path.c
PROCESS_SRC = process/supervise_posix.c process/guards.c process/limits.c process/env.c \
              process/mountns_plan.c process/audit.c process/audit_log.c process/audit_last.c
SELFTEST_SRC = selftest/none.c
CORE_SRC    = $(UTIL_SRC) $(POLICY_SRC) $(BACKEND_SRC) $(PROCESS_SRC)
SHIM_OBJ    = shim.o host_posix.o explain.o $(SELFTEST_SRC:.c=.o) $(CORE_SRC:.c=.o)
PROGRAMS    = clawshim
else
# Hardening in its own variable, so a packager can blank it.
FORTIFY_LEVEL  = 3
HARDEN_CFLAGS  ?= $(FORTIFY) -fstack-protector-strong \
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
              process/notify_net.c process/audit.c process/audit_log.c process/audit_last.c
SELFTEST_SRC = selftest/selftest.c selftest/corpus.c selftest/world.c selftest/run.c
CORE_SRC    = $(UTIL_SRC) $(POLICY_SRC) $(BACKEND_SRC) $(PROCESS_SRC)
GEN_OBJ     = backends/prebuilt.o backends/filters.gen.o
SHIM_OBJ    = shim.o host_linux.o explain.o $(SELFTEST_SRC:.c=.o) $(CORE_SRC:.c=.o) \
              $(GEN_OBJ) backends/lazyseccomp.o
PROGRAMS    = clawshim clawshim-probe
endif

# _FORTIFY_SOURCE only when the builder's flags leave it out: a
# distribution's level wins (dpkg-buildflags puts -D_FORTIFY_SOURCE=2 in
# CPPFLAGS), and defining it twice is a redefinition warning.  -U first,
# for compilers that predefine it (Ubuntu's gcc).
ifeq ($(findstring _FORTIFY_SOURCE,$(CPPFLAGS) $(CFLAGS)),)
FORTIFY ?= -U_FORTIFY_SOURCE -D_FORTIFY_SOURCE=$(FORTIFY_LEVEL)
endif

ALL_CPPFLAGS = $(OS_CPPFLAGS) -DCLAWSHIM_VERSION='"$(VERSION)"' \
               -DSYSCONFDIR='"$(SYSCONFDIR)"' -DDATADIR='"$(DATADIR)"' -DLIBEXECDIR='"$(LIBEXECDIR)"' \
               $(CPPFLAGS)
ALL_CFLAGS   = -std=gnu11 $(OPT) $(WARNINGS) $(HARDEN_CFLAGS) $(PC_CFLAGS) $(CFLAGS)
ALL_LDFLAGS  = $(HARDEN_LDFLAGS) $(LDFLAGS)

CORE_OBJ    = $(CORE_SRC:.c=.o)
HEADERS     = $(wildcard *.h policy/*.h backends/*.h process/*.h selftest/*.h)

UNIT_TESTS  = $(patsubst %.c,%,$(wildcard tests/unit/test_*.c))
HELPERS     = tests/helpers/try tests/helpers/notify_probe tests/helpers/race

.PHONY: all check check-run check-unit install uninstall clean dist demo bench static fuzz-json
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

# make static: clawshim-static, a static-pie clawshim with libseccomp and
# inih linked in, for an agent to vendor (with clawshim-probe, already
# static, beside it for --selftest).  Its objects are built apart, in
# $(STATIC_DIR), and libseccomp is linked directly instead of through
# lazyseccomp.o's dlopen(), which a static program cannot do portably.
# getpwuid()/getpwnam() are wrapped (static_passwd.c): glibc's load NSS
# modules of its own version at run time.
STATIC_DIR  = build-static
STATIC_OBJ  = $(addprefix $(STATIC_DIR)/,$(filter-out backends/lazyseccomp.o,$(SHIM_OBJ)) static_passwd.o)
STATIC_LIBS ?= $(shell $(PKG_CONFIG) --static --libs $(LIBS_PC) 2>/dev/null || echo -lseccomp -linih)
STATIC_LDFLAGS = -static-pie -Wl,--wrap=getpwuid,--wrap=getpwnam \
                 $(filter-out -pie,$(HARDEN_LDFLAGS)) $(LDFLAGS)
static: clawshim-static clawshim-probe

clawshim-static: $(STATIC_OBJ)
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(STATIC_LDFLAGS) $(STATIC_LIBS)

$(STATIC_DIR)/%.o: %.c $(HEADERS)
	@mkdir -p $(@D)
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) -c -o $@ $<

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
		process/notify_net.o process/audit_log.o json.o util.o
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) -o $@ $^ $(ALL_LDFLAGS) $(PC_LIBS) -lpthread

# check and demo first make sure the build and test dependencies are here
# (installing them as root on Debian), then build in a fresh make.
# check-unit (the unit tests and the man page lint) needs neither root
# nor network, and runs first; a package build runs it alone.
check:
	@sh tests/deps.sh
	@$(MAKE) --no-print-directory check-run

check-run: check-unit clawshim clawsh shell-links clawshim-probe $(HELPERS)
	sh tests/run.sh tests/*.t

# The real agents from the npm registry against a scripted model (network:
# the registry only).  AGENTS=pi,claude-code picks some.
.PHONY: check-agents
check-agents: clawshim shell-links
	sh tests/agents/agents.t

check-unit: $(UNIT_TESTS)
	@if command -v mandoc >/dev/null 2>&1; then \
	    mandoc -Tlint -Wwarning man/clawshim.1 man/clawshim.ini.5 && echo "mandoc -Tlint: clean"; \
	else echo "mandoc -Tlint: skipped (no mandoc)"; fi
	sh tests/run.sh $(UNIT_TESTS)

clawsh: clawshim
	ln -sf clawshim clawsh

# clawshim under a shell's name is that shell under the policy: the links
# the tests put first on PATH, and install puts in LIBEXECDIR/shells.
.PHONY: shell-links
shell-links: clawshim
	@mkdir -p tests/tmp/shells
	@for s in $(SHELL_NAMES) clawshim-bash; do ln -sf ../../../clawshim tests/tmp/shells/$$s; done

demo:
	@sh tests/deps.sh
	@$(MAKE) --no-print-directory clawshim
	@sh tests/demo.sh

# The static build is reported beside the default one when it can be
# linked (libseccomp.a and libinih.a are in Debian's -dev packages).
bench: clawshim
	@$(MAKE) --no-print-directory clawshim-static || \
	    echo "bench: no static build: its row is left out" >&2
	@$(MAKE) -C bench run

# The JSON escaper under libFuzzer and the sanitizers (clang).  A short
# run: make fuzz-json FUZZ_TIME=600 for a longer one.
FUZZ_CC   ?= clang
FUZZ_TIME ?= 30
tests/fuzz/fuzz_json: tests/fuzz/fuzz_json.c json.c util.c
	$(FUZZ_CC) $(ALL_CPPFLAGS) -std=gnu11 -g -O1 -fsanitize=fuzzer,address,undefined \
	    -o $@ tests/fuzz/fuzz_json.c json.c util.c
fuzz-json: tests/fuzz/fuzz_json
	tests/fuzz/fuzz_json -max_total_time=$(FUZZ_TIME) -max_len=4096

install: $(PROGRAMS)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5
	install -m 755 clawshim $(DESTDIR)$(BINDIR)/clawshim
ifneq ($(OS),Darwin)
	install -d $(DESTDIR)$(LIBEXECDIR)
	install -m 755 clawshim-probe $(DESTDIR)$(LIBEXECDIR)/clawshim-probe
endif
	ln -sf clawshim $(DESTDIR)$(BINDIR)/clawsh
	install -m 644 man/clawshim.1 $(DESTDIR)$(MANDIR)/man1/clawshim.1
	install -m 644 man/clawshim.ini.5 $(DESTDIR)$(MANDIR)/man5/clawshim.ini.5
	install -d $(DESTDIR)$(SYSCONFDIR)/clawshim
	install -m 644 clawshim.ini.example $(DESTDIR)$(SYSCONFDIR)/clawshim/clawshim.ini.example
# Agent profiles (--profile NAME); SYSCONFDIR's and the user's override them.
	install -d $(DESTDIR)$(DATADIR)/clawshim/profiles
	install -m 644 $(PROFILES) $(DESTDIR)$(DATADIR)/clawshim/profiles
# clawshim under a shell's name is that shell under the policy.
	install -d $(DESTDIR)$(LIBEXECDIR)/shells
	for s in $(SHELL_NAMES); do ln -sf $(BINDIR)/clawshim $(DESTDIR)$(LIBEXECDIR)/shells/$$s; done
	ln -sf clawshim $(DESTDIR)$(BINDIR)/clawshim-bash
# Each name in BINDIR has its manual page.
	ln -sf clawshim.1 $(DESTDIR)$(MANDIR)/man1/clawsh.1
	ln -sf clawshim.1 $(DESTDIR)$(MANDIR)/man1/clawshim-bash.1
	install -d $(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(ZSHCOMPDIR) $(DESTDIR)$(FISHCOMPDIR)
	install -m 644 completions/clawshim.bash $(DESTDIR)$(BASHCOMPDIR)/clawshim
	install -m 644 completions/_clawshim $(DESTDIR)$(ZSHCOMPDIR)/_clawshim
	install -m 644 completions/clawshim.fish $(DESTDIR)$(FISHCOMPDIR)/clawshim.fish

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/clawshim $(DESTDIR)$(BINDIR)/clawsh \
	      $(DESTDIR)$(LIBEXECDIR)/clawshim-probe \
	      $(DESTDIR)$(MANDIR)/man1/clawshim.1 $(DESTDIR)$(MANDIR)/man5/clawshim.ini.5 \
	      $(DESTDIR)$(SYSCONFDIR)/clawshim/clawshim.ini.example
	rm -f $(addprefix $(DESTDIR)$(LIBEXECDIR)/shells/,$(SHELL_NAMES)) \
	      $(DESTDIR)$(BINDIR)/clawshim-bash \
	      $(DESTDIR)$(MANDIR)/man1/clawsh.1 $(DESTDIR)$(MANDIR)/man1/clawshim-bash.1 \
	      $(DESTDIR)$(BASHCOMPDIR)/clawshim $(DESTDIR)$(ZSHCOMPDIR)/_clawshim \
	      $(DESTDIR)$(FISHCOMPDIR)/clawshim.fish
	rm -f $(addprefix $(DESTDIR)$(DATADIR)/clawshim/,$(PROFILES))
	-rmdir $(DESTDIR)$(DATADIR)/clawshim/profiles $(DESTDIR)$(DATADIR)/clawshim 2>/dev/null
	-rmdir $(DESTDIR)$(LIBEXECDIR)/shells $(DESTDIR)$(LIBEXECDIR) 2>/dev/null

dist:
	git archive --prefix=clawshim-$(VERSION)/ -o clawshim-$(VERSION).tar.gz HEAD

clean:
	rm -f clawshim clawsh clawshim-probe clawshim-static *.o */*.o $(UNIT_TESTS) $(HELPERS) clawshim-*.tar.gz \
	      tools/genfilters backends/filters.gen.c tests/fuzz/fuzz_json
	rm -rf tests/tmp $(STATIC_DIR)
