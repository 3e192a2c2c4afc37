#!/bin/sh
# SPDX-License-Identifier: MIT
# 12-shell-mode.t: shell mode takes no options, so a tool's input that
# shapes a shell's arguments (make's .SHELLFLAGS) cannot choose clawshim's
# policy; and clawshim under a shell's name (bash, sh, dash, zsh,
# clawshim-bash) is that shell, under the policy.
. "$(dirname "$0")/lib.sh"

BACKEND=${CLAWSHIM_TEST_BACKEND:-landlock}
# The links `make shell-links` makes: tests/tmp/shells/bash -> clawshim.
LINKS=$TOP/tests/tmp/shells
BIN=$SCRATCH/bin
mkdir -p "$BIN"
ln -s "$CLAWSHIM" "$BIN/clawsh"
REAL_CS=$(readlink -f "$CLAWSHIM")

# A secret outside /tmp (which the default grants), readable by both test
# users outside the sandbox: only the sandbox keeps it from the command.
OUTSIDE=/var/lib/clawshim-test/shell-$$
mkdir -p "$OUTSIDE"
chmod 755 "$OUTSIDE"
MARK="SHELLFLAGS-SECRET-$$"
echo "$MARK" >"$OUTSIDE/secret"
chmod 644 "$OUTSIDE/secret"
trap 'rm -rf "$SCRATCH" "$OUTSIDE"' EXIT

if [ ! -x "$LINKS/bash" ] || [ "$(readlink -f "$LINKS/bash")" != "$(readlink -f "$CLAWSHIM")" ]; then
	# Not made by make shell-links (or for another binary): our own.
	LINKS=$SCRATCH/shells
	mkdir -p "$LINKS"
	for s in bash sh zsh dash clawshim-bash; do ln -s "$CLAWSHIM" "$LINKS/$s"; done
fi
if ! $CLAWSHIM --backend "$BACKEND" -- true >/dev/null 2>&1; then
	skip "backend $BACKEND cannot run here"
	done_testing
fi

# pol [SHELL]: the test user's policy (shell mode takes no options): the
# backend, the secret denied, clawshim and its links readable (a script's
# "#!/usr/bin/env bash" runs the link inside).  The deny is optional: a
# clawshim nested under bwrap does not see the denied directory at all.
pol() {
	user_policy '[sandbox]' "backend = $BACKEND" ${1:+"shell = $1"} '[filesystem]' \
		"deny = ?$OUTSIDE" "read_only = $REAL_CS, $LINKS, $(dirname "$TRY")"
}

# run_input INPUT CMD...: like run_in "$W", with INPUT on stdin.
run_input() {
	_in=$1; shift
	printf '%s' "$_in" >"$SCRATCH/in"
	(cd "$W" && $AS $SAFETY "$@" >"$SCRATCH/out" 2>"$SCRATCH/err" <"$SCRATCH/in")
	RC=$?
	OUT=$(cat "$SCRATCH/out")
	ERR=$(cat "$SCRATCH/err")
}

t_options_refused() {
	W=$(newdir opts)
	pol /bin/bash
	run_in "$W" $CLAWSHIM --backend=none -c 'echo RAN'
	is 125 "$RC" "$WHO: clawshim --backend=none -c: refused (125)"
	has_line "$ERR" "clawshim: '-c' after clawshim's options: shell mode takes no options" \
		"$WHO: options then -c: the message says why"
	like "$ERR" "*clawshim: hint: write 'clawshim OPTIONS -- bash -c STRING'*clawsh*" \
		"$WHO: options then -c: the hint says what to write"
	all_prefixed "$ERR" "$WHO: options then -c: every stderr line starts with clawshim:"
	is "" "$OUT" "$WHO: options then -c: nothing ran"
	for f in "--backend=none -lc" "--backend none --login -c" "--allow-net -e -c" \
		"--read-write=/ +x -c" "--policy=$W/p.ini --rcfile /dev/null -c" "--backend=none -ic"; do
		# shellcheck disable=SC2086
		run_in "$W" $CLAWSHIM $f 'echo RAN'
		is 125 "$RC" "$WHO: clawshim $f STRING: refused (125)"
		lacks "$OUT" "RAN" "$WHO: clawshim $f STRING: nothing ran"
	done
	run_input 'echo RAN
' $CLAWSHIM --backend=none
	is 125 "$RC" "$WHO: options and no command (a shell on stdin): refused (125)"
	has_line "$ERR" "clawshim: no command after clawshim's options: a shell under the policy takes no options" \
		"$WHO: options and no command: the message"
	lacks "$OUT" "RAN" "$WHO: options and no command: nothing ran"
	run_in "$W" $CLAWSHIM --backend=none -- -c 'echo RAN'
	is 127 "$RC" "$WHO: after '--', -c is a command's name (127), not shell mode"

	# As a shell by name, every argument is the shell's: bash refuses
	# the option as its own.
	# A login shell is told by argv[0] "-clawshim" (login(1), exec -a).
	for sh in "$BIN/clawsh" "-clawshim" "$LINKS/bash"; do
		run_in "$W" bash -c 'exec -a "$0" "$@"' "$sh" "$REAL_CS" --backend=none -c 'echo RAN $CLAWSHIM_BACKEND'
		lacks "$OUT" "RAN" "$WHO: $(basename -- "$sh") --backend=none -c: nothing ran"
		like "$ERR" "*bash: *invalid option*" "$WHO: $(basename -- "$sh") --backend=none: bash's own refusal"
		[ "$RC" != 0 ]; ok $? "$WHO: $(basename -- "$sh") --backend=none -c: exits non-zero ($RC)"
	done

	# What still works: shell mode from the policy files, options with --.
	run_in "$W" $CLAWSHIM -c 'echo "$CLAWSHIM_BACKEND"'
	is "$BACKEND" "$OUT" "$WHO: clawshim -c: the policy file's backend"
	run_in "$W" $CLAWSHIM --backend=none -- sh -c 'echo "$CLAWSHIM_BACKEND"'
	is "none" "$OUT" "$WHO: clawshim OPTIONS -- CMD: explicit use keeps its options"
	run_in "$W" $CLAWSHIM --backend none printf '%s' ok
	is "ok" "$OUT" "$WHO: clawshim OPTIONS CMD (no --): still a command"
	no_user_policy
}

# mkfile FLAGS: a Makefile whose .SHELLFLAGS are FLAGS, its recipe
# printing the secret and the backend.
mkfile() {
	printf '.SHELLFLAGS := %s\nall:\n\t@cat %s || true; echo "backend=$$CLAWSHIM_BACKEND"\n' \
		"$1" "$OUTSIDE/secret" >"$W/Makefile"
}

# The attack: a Makefile choosing clawshim's options through .SHELLFLAGS,
# with make's SHELL naming clawsh or clawshim.
t_make_shellflags() {
	if ! command -v make >/dev/null 2>&1; then
		skip "make is missing"
		return
	fi
	W=$(newdir make)
	pol /bin/bash
	printf '[clawshim]\nversion = 1\n[sandbox]\nbackend = none\n' | mkpolicy "$W/evil.ini" >/dev/null
	[ "$WHO" = root ] || chown 65534:65534 "$W/evil.ini"
	# Controls: the secret is readable outside, and confined inside.
	mkfile "-c"
	run_in "$W" make -s SHELL=/bin/sh
	like "$OUT" "*$MARK*" "$WHO: control: SHELL=/bin/sh reads the secret (the test can fail)"
	for sh in "$BIN/clawsh" "$CLAWSHIM"; do
		run_in "$W" $SAFETY make -s SHELL="$sh"
		is "backend=$BACKEND" "$OUT" "$WHO: control: SHELL=$(basename "$sh") -c: the recipe runs under $BACKEND"
		like "$ERR" "*$OUTSIDE/secret*" "$WHO: control: SHELL=$(basename "$sh"): cat of the secret fails"
	done
	for f in "--backend=none -c" "--backend none -c" "--policy=$W/evil.ini -c" \
		"--read-write=/ --allow-net -c" "--backend=none --login -c" "--backend=none -ec" \
		"--backend=none --rcfile /dev/null -c"; do
		mkfile "$f"
		for sh in "$BIN/clawsh" "$CLAWSHIM"; do
			run_in "$W" $SAFETY make -s SHELL="$sh"
			n="$WHO: SHELL=$(basename "$sh") .SHELLFLAGS := $f"
			lacks "$OUT" "$MARK" "$n: the secret is not read"
			lacks "$OUT" "backend=none" "$n: the recipe does not run unconfined"
			if [ "$RC" = 0 ]; then
				is "backend=$BACKEND" "$OUT" "$n: ran, confined"
			else
				ok 0 "$n: refused (make exits $RC)"
			fi
		done
	done
	# Through clawsh, even "--" and a command of the Makefile's choosing
	# stay the shell's arguments.
	mkfile "--backend=none -- /bin/sh -c"
	run_in "$W" $SAFETY make -s SHELL="$BIN/clawsh"
	lacks "$OUT" "$MARK" "$WHO: SHELL=clawsh .SHELLFLAGS := --backend=none -- /bin/sh -c: the secret is not read"
	lacks "$OUT" "backend=none" "$WHO: SHELL=clawsh, '-- /bin/sh -c': not unconfined"
	no_user_policy
}

t_bash_link() {
	W=$(newdir bash)
	# The policy's shell is sh: invoked as bash, clawshim still runs bash.
	pol /bin/sh
	P="env PATH=$LINKS:/usr/local/bin:/usr/bin:/bin"
	run_in "$W" $P bash -c '[[ 1 == 1 ]] && echo "$CLAWSHIM_BACKEND $BASH_VERSION"'
	like "$OUT" "$BACKEND [0-9]*" "$WHO: bash -c '[[ ]]': bash syntax, under $BACKEND"
	run_in "$W" $P bash -c 'readlink /proc/$$/exe; :'
	is "$(readlink -f /bin/bash)" "$OUT" "$WHO: bash -c: the real bash runs (the policy's shell is /bin/sh)"
	run_in "$W" $P bash --version
	like "$(echo "$OUT" | head -1)" "GNU bash, version *" "$WHO: bash --version: GNU bash's version"
	lacks "$OUT" "clawshim" "$WHO: bash --version: not clawshim's"
	run_in "$W" $P bash -c "cat $OUTSIDE/secret"
	lacks "$OUT" "$MARK" "$WHO: bash -c: the denied secret stays unread"
	[ "$RC" != 0 ]; ok $? "$WHO: bash -c cat SECRET: fails ($RC)"

	printf '#!/usr/bin/env bash\n[[ -n $BASH_VERSION ]] && echo "outer $CLAWSHIM_BACKEND $1"\n./inner.sh\n' >"$W/s.sh"
	printf '#!/usr/bin/env bash\n[[ -n $BASH_VERSION ]] && echo "inner $CLAWSHIM_BACKEND"\n' >"$W/inner.sh"
	chmod 755 "$W/s.sh" "$W/inner.sh"
	[ "$WHO" = root ] || chown 65534:65534 "$W/s.sh" "$W/inner.sh"
	run_in "$W" $P bash s.sh a1
	# The child script starts clawshim again, nested: bwrap cannot make
	# a user namespace inside its own, so a policy naming it refuses
	# there (backend = auto nests with landlock).
	case $BACKEND in
	bwrap|firejail|docker) INNER="" ;;
	*) INNER="
inner $BACKEND" ;;
	esac
	like "$OUT" "outer $BACKEND a1$INNER" "$WHO: bash SCRIPT ARG: bash reads it; its #!/usr/bin/env bash child runs too"
	if [ -n "$INNER" ]; then
		is 0 "$RC" "$WHO: bash SCRIPT: exit 0"
		[ "$RC" = 0 ] || diagm "$ERR"
	fi
	run_in "$W" $P ./s.sh a2
	like "$OUT" "outer $BACKEND a2$INNER" "$WHO: ./SCRIPT with #!/usr/bin/env bash and the links first on PATH"

	printf 'f() { echo "rc-$1"; }\n' >"$W/rc"
	for o in --rcfile --init-file; do
		run_input 'f works
' $P bash $o "$W/rc" -i
		has_line "$OUT" "rc-works" "$WHO: bash $o FILE -i: FILE is read"
	done
	run_input 'echo "$1 $2 $CLAWSHIM_BACKEND"
' $P bash -s x y
	is "x y $BACKEND" "$OUT" "$WHO: bash -s ARGS: the script on stdin gets them"
	run_input 'echo "stdin $CLAWSHIM_BACKEND"; exit 3
' $P bash
	is "stdin $BACKEND" "$OUT" "$WHO: bash < SCRIPT: runs it"
	is 3 "$RC" "$WHO: bash < SCRIPT: its exit status"
	run_in "$W" $P bash -lc 'shopt -q login_shell && echo login'
	has_line "$OUT" "login" "$WHO: bash -lc: a login shell"
	run_in "$W" $P clawshim-bash -c '[[ a == a ]] && echo "$CLAWSHIM_BACKEND"'
	is "$BACKEND" "$OUT" "$WHO: clawshim-bash -c: bash under the policy"

	run_in "$W" $P sh -c 'readlink /proc/$$/exe; :'
	is "$(readlink -f /bin/sh)" "$OUT" "$WHO: sh -c: the real sh ($(readlink -f /bin/sh))"
	run_in "$W" $P sh -e -c 'false; echo no'
	is "1:" "$RC:$OUT" "$WHO: sh -e -c: sh's own flags"
	run_in "$W" $P dash -c 'readlink /proc/$$/exe; echo "$CLAWSHIM_BACKEND"'
	is "$(readlink -f /bin/dash)
$BACKEND" "$OUT" "$WHO: dash -c: the real dash, under the policy"
	if command -v zsh >/dev/null 2>&1; then
		run_in "$W" $P zsh -c 'echo "$CLAWSHIM_BACKEND ${ZSH_VERSION:+zsh}"'
		is "$BACKEND zsh" "$OUT" "$WHO: zsh -c: the real zsh"
	else
		diag "zsh is not installed: the zsh link is not tried"
	fi

	# Never itself: with only the links on PATH, the shell is /bin/bash.
	run_in "$W" $SAFETY env PATH="$LINKS" bash -c 'echo "real ${BASH_VERSION:+bash}"'
	is "real bash" "$OUT" "$WHO: PATH holding only the links: the real bash, not clawshim again"
	if ! command -v ksh >/dev/null 2>&1; then
		ln -sf "$CLAWSHIM" "$BIN/ksh"
		run_in "$W" env PATH="$BIN:/usr/bin:/bin" ksh -c 'echo RAN'
		is 127 "$RC" "$WHO: a link named ksh with no ksh installed: 127"
		has_line "$ERR" "clawshim: ksh: no real ksh on PATH, in /bin or in /usr/bin (only clawshim itself)" \
			"$WHO: no real ksh: the message"
	fi
	no_user_policy
}

for_each_user t_options_refused
for_each_user t_make_shellflags
for_each_user t_bash_link
done_testing
