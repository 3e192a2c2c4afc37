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
POLICY_SRC  = policy/policy.c policy/parse.c policy/resolve.c policy/dump.c policy/git.c \
              policy/domains.c policy/profile.c
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
              backends/path.c backends/mountns_plan.c
PROCESS_SRC = process/supervise_posix.c process/guards.c process/guards_git.c process/limits.c process/env.c \
              process/audit.c process/audit_log.c process/audit_last.c \
              process/proxy_posix.c
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
              backends/path.c backends/mountns_plan.c
PROCESS_SRC = process/supervise.c process/guards.c process/guards_git.c process/child.c process/limits.c process/env.c \
              process/cgroup.c process/pidns.c process/mountns.c \
              process/notify.c process/notify_serve.c process/notify_ops.c \
              process/notify_net.c process/audit.c process/audit_log.c process/audit_last.c \
              process/proxy.c process/proxy_conn.c process/proxy_parse.c process/proxy_client.c
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
HELPERS     = tests/helpers/try tests/helpers/notify_probe tests/helpers/race tests/helpers/churn

.PHONY: all check check-run check-unit install uninstall clean dist demo bench static
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
	      tools/genfilters backends/filters.gen.c
	rm -rf tests/tmp $(STATIC_DIR) build-fuzz build-asan

# ------------------------------------------------------------ assurance
# Fuzzing (clang's libFuzzer), sanitizer builds and linters; none of them
# is part of `make` or `make check`.  README "Fuzzing and sanitizers".
.PHONY: fuzz fuzz-build fuzz-corpus check-asan lint lint-cppcheck lint-clang-tidy

FUZZ_CC    ?= clang
FUZZ_TIME  ?= 120
FUZZ_DIR    = build-fuzz
FUZZ_TARGETS = policy expand json proxy
# -fno-sanitize-recover: a UBSan finding stops the run like a crash.
FUZZ_FLAGS  = -g -O1 -fno-omit-frame-pointer \
              -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
# The policy code the targets reach; fuzz_expand compiles resolve.c into
# itself (the expander is static there).
FUZZ_SRC    = util.c $(filter-out policy/resolve.c,$(POLICY_SRC))

$(FUZZ_DIR)/fuzz_policy: tests/fuzz/fuzz_policy.c policy/resolve.c $(FUZZ_SRC) $(HEADERS)
	@mkdir -p $(FUZZ_DIR) && echo '*' >$(FUZZ_DIR)/.gitignore
	$(FUZZ_CC) $(ALL_CPPFLAGS) -std=gnu11 $(WARNINGS) $(PC_CFLAGS) $(FUZZ_FLAGS) \
	    -o $@ tests/fuzz/fuzz_policy.c policy/resolve.c $(FUZZ_SRC) $(PC_LIBS)

$(FUZZ_DIR)/fuzz_expand: tests/fuzz/fuzz_expand.c policy/resolve.c $(FUZZ_SRC) $(HEADERS)
	@mkdir -p $(FUZZ_DIR) && echo '*' >$(FUZZ_DIR)/.gitignore
	$(FUZZ_CC) $(ALL_CPPFLAGS) -std=gnu11 $(WARNINGS) $(PC_CFLAGS) $(FUZZ_FLAGS) \
	    -o $@ tests/fuzz/fuzz_expand.c $(FUZZ_SRC) $(PC_LIBS)

# The audit log's JSON escaper.
$(FUZZ_DIR)/fuzz_json: tests/fuzz/fuzz_json.c json.c util.c $(HEADERS)
	@mkdir -p $(FUZZ_DIR) && echo '*' >$(FUZZ_DIR)/.gitignore
	$(FUZZ_CC) $(ALL_CPPFLAGS) -std=gnu11 $(WARNINGS) $(FUZZ_FLAGS) \
	    -o $@ tests/fuzz/fuzz_json.c json.c util.c

# The domain proxy's request parsers (HTTP CONNECT, SOCKS5, the TLS SNI).
$(FUZZ_DIR)/fuzz_proxy: tests/fuzz/fuzz_proxy.c process/proxy_parse.c policy/domains.c util.c $(HEADERS)
	@mkdir -p $(FUZZ_DIR) && echo '*' >$(FUZZ_DIR)/.gitignore
	$(FUZZ_CC) $(ALL_CPPFLAGS) -std=gnu11 $(FUZZ_FLAGS) \
	    -o $@ tests/fuzz/fuzz_proxy.c process/proxy_parse.c policy/domains.c util.c

fuzz-build: $(FUZZ_TARGETS:%=$(FUZZ_DIR)/fuzz_%)

# Each target runs FUZZ_TIME seconds from the checked-in seeds plus what
# earlier runs here found ($(FUZZ_DIR)/corpus-*, never checked in); a
# crash, a sanitizer report, a leak or a broken property fails the run and
# leaves the input in $(FUZZ_DIR)/<target>-crash-*.
fuzz: fuzz-build
	@for t in $(FUZZ_TARGETS); do \
	    mkdir -p $(FUZZ_DIR)/corpus-$$t; \
	    echo "fuzz: $$t, $(FUZZ_TIME) s"; \
	    if ! $(FUZZ_DIR)/fuzz_$$t -max_total_time=$(FUZZ_TIME) -max_len=4096 \
	        -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
	        -dict=tests/fuzz/$$t.dict -artifact_prefix=$(FUZZ_DIR)/$$t- $(FUZZ_ARGS) \
	        $(FUZZ_DIR)/corpus-$$t tests/fuzz/corpus/$$t >$(FUZZ_DIR)/$$t.log 2>&1; then \
	        tail -n 60 $(FUZZ_DIR)/$$t.log; echo "fuzz: $$t FAILED (log: $(FUZZ_DIR)/$$t.log)"; exit 1; \
	    fi; \
	    grep -E '^Done|stat::number_of_executed_units|stat::new_units_added' $(FUZZ_DIR)/$$t.log; \
	done

# Regenerate tests/fuzz/corpus/ from the unit tests' tables and the example;
# regress-* files (inputs that once failed, kept by hand) stay.
fuzz-corpus: tests/fuzz/seeds.c $(CORE_OBJ) $(GEN_OBJ)
	@mkdir -p $(FUZZ_DIR) && echo '*' >$(FUZZ_DIR)/.gitignore
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) -o $(FUZZ_DIR)/seeds tests/fuzz/seeds.c \
	    $(CORE_OBJ) $(GEN_OBJ) $(ALL_LDFLAGS) $(PC_LIBS) -lcmocka
	mkdir -p tests/fuzz/corpus/policy tests/fuzz/corpus/expand
	find tests/fuzz/corpus -type f ! -name 'regress-*' -delete
	sed 's/^;\([a-z_][a-z_]* = \)/\1/' clawshim.ini.example >$(FUZZ_DIR)/example-full.ini
	$(FUZZ_DIR)/seeds tests/fuzz/corpus clawshim.ini.example $(FUZZ_DIR)/example-full.ini

# An ASan+UBSan clawshim, its unit tests and helpers, built in a copy of
# the tree in $(ASAN_DIR) (the files git tracks or would track, mtimes
# kept, so a rerun rebuilds only what changed) and never mixed with the
# normal build; then the unit tests and ASAN_TESTS run against it.
ASAN_DIR   = build-asan
ASAN_FLAGS = -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
# Not under ASan: 70-72 and 80 drive a container engine (the ASan binary
# inside 71's container image would lack libasan; 70, 72 and 80's docker
# column run clawshim's own code as 10-62 do, minutes each, on the one
# shared engine).
# Not yet under ASan either (they fail there, not in the normal build):
# the files that nest clawshim (12-shell-mode, 13-profiles, 55-git's and
# 50's git runs), run the new thread helpers (53, 54: race is built with
# the sanitizer) or test terminals, the log and the proxy (56-63).  Until
# each is made to pass, the ASan run covers the files below.
ASAN_TESTS ?= tests/10-cli.t tests/20-process.t tests/21-die-with-parent.t \
              tests/30-env-limits.t tests/40-notify.t tests/51-landlock-policy.t \
              tests/52-seccomp-abi.t tests/58-dac.t

# Exceptions, each with its why:
#  - clawshim-probe and tests/helpers/try are built without sanitizers
#    first: they run as the sandboxed command (clawshim execs them), like
#    any command, under seccomp and Landlock; the probe is static besides.
#  - the clawshim binary links tests/fuzz/sanitizer_options.o (only it:
#    the unit tests keep leak detection); read that file for the options
#    and the spawn child's RLIMIT_DATA/clone-stack workaround.
#  - HARDEN_CFLAGS lose _FORTIFY_SOURCE, whose checked string functions
#    would hide overflows from ASan's interceptors.
check-asan:
	@sh tests/deps.sh
	@mkdir -p $(ASAN_DIR)
	git ls-files -co --exclude-standard | grep -v -e '^$(ASAN_DIR)/' -e '^$(FUZZ_DIR)/' | \
	    tar -cf - -T - | tar -xf - -C $(ASAN_DIR)
	@echo '*' >$(ASAN_DIR)/.gitignore
	$(MAKE) --no-print-directory -C $(ASAN_DIR) clawshim-probe tests/helpers/try
	$(MAKE) --no-print-directory -C $(ASAN_DIR) ASAN_BUILD=1 OPT='-O1 -g' \
	    HARDEN_CFLAGS=-fPIE HARDEN_LDFLAGS=-pie CFLAGS='$(ASAN_FLAGS)' LDFLAGS='$(ASAN_FLAGS)' \
	    clawshim clawsh $(UNIT_TESTS) $(HELPERS)
	cd $(ASAN_DIR) && sh tests/run.sh $(UNIT_TESTS)
	cd $(ASAN_DIR) && CLAWSHIM_TEST_ASAN=1 sh tests/run.sh $(ASAN_TESTS)

ifeq ($(ASAN_BUILD),1)
clawshim: tests/fuzz/sanitizer_options.o
endif

# Linters, each configured by a checked-in file: .clang-tidy (the check
# set and why some are off) and tests/fuzz/cppcheck.supp (false positives,
# each with its why).  Product sources only: the tests are not linted.
LINT_SRC   = shim.c host_linux.c explain.c $(SELFTEST_SRC) $(CORE_SRC) \
             backends/prebuilt.c backends/lazyseccomp.c selftest/probe.c tools/genfilters.c
LINT_JOBS ?= 2
CLANG_TIDY ?= clang-tidy
CPPCHECK   ?= cppcheck

lint: lint-cppcheck lint-clang-tidy

# One make target per file, so `make -j2 lint` runs two at a time.
lint-clang-tidy: $(LINT_SRC:%=lint-tidy/%)
	@echo "clang-tidy: clean ($(words $(LINT_SRC)) files)"

lint-tidy/%:
	@$(CLANG_TIDY) --quiet $* -- $(ALL_CPPFLAGS) -std=gnu11 $(PC_CFLAGS)

# cppcheck reads no system headers: the -D below stand for what they
# define that the sources test with #ifndef ... #error.
lint-cppcheck:
	$(CPPCHECK) --quiet --error-exitcode=1 --enable=warning,portability,performance \
	    --std=c11 --inline-suppr --suppressions-list=tests/fuzz/cppcheck.supp \
	    -j $(LINT_JOBS) $(ALL_CPPFLAGS) -D__linux__ -D__x86_64__ \
	    -DSECCOMP_IOCTL_NOTIF_ID_VALID=0 $(LINT_SRC)
	@echo "cppcheck: clean"
