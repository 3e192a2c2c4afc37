#!/bin/sh
# SPDX-License-Identifier: MIT
# 12-completion.t: the shell completions in completions/ load in bash,
# zsh and fish and complete clawshim's long options, the --backend names,
# the --profile names of the profile directories, files for --policy and
# the command after "--"; and they know every option `clawshim --help`
# lists, so a new option cannot be left out of them.
. "$(dirname "$0")/lib.sh"

C=$TOP/completions
BASHCOMP=/usr/share/bash-completion/bash_completion
HELP=$("$CLAWSHIM" --help 2>&1)
OPTS=$(printf '%s\n' "$HELP" | sed -n '/^options:/,/^$/p' | grep -o -- '--[a-z][a-z-]*' | sort -u)
BACKENDS=$(printf '%s\n' "$HELP" | sed -n '/--backend NAME/,/^  --workspace/p' |
	sed 's/--backend NAME//; s/--workspace.*//; s/,/ /g; s/ or / /' | tr -s ' \n' '\n\n' | grep . | sort)

# A profile directory of the user's, and a policy directory to complete in.
XDG=$SCRATCH/xdg
mkdir -p "$XDG/clawshim/profiles" "$SCRATCH/pols"
: >"$XDG/clawshim/profiles/claude-code.ini"
: >"$XDG/clawshim/profiles/codex.ini"
: >"$XDG/clawshim/profiles/README"
: >"$SCRATCH/pols/agent.ini"
: >"$SCRATCH/pols/other.ini"

# bcomp WORD...: what bash completes for the command line WORD... (the
# last word is the one being completed), one candidate a line.
bcomp() {
	XDG_CONFIG_HOME=$XDG bash -c '
		. "$1" && . "$2" || exit 99
		shift 2
		COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
		COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}; COMPREPLY=()
		_clawshim clawshim "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
		printf "%s\n" "${COMPREPLY[@]}"' bcomp "$BASHCOMP" "$C/clawshim.bash" "$@" 2>/dev/null |
		sed 's/ *$//' | sort -u
}

t_bash() {
	if ! [ -r "$BASHCOMP" ]; then
		skip "bash-completion is not installed (apt-get install bash-completion)"
		return
	fi
	is "complete -F _clawshim clawshim" \
		"$(bash -c '. "$1"; . "$2"; complete -p clawshim' x "$BASHCOMP" "$C/clawshim.bash" 2>&1)" \
		"bash: the completion loads and is registered for clawshim"
	is "--backend" "$(bcomp clawshim --back)" "bash: --back completes to --backend"
	is "landlock" "$(bcomp clawshim --backend l)" "bash: --backend l completes to landlock"
	is "bwrap" "$(bcomp clawshim --json --backend=b)" "bash: --backend=b completes to bwrap"
	is "$BACKENDS" "$(bcomp clawshim --backend '')" "bash: --backend offers exactly the backends --help lists"
	is "$(printf 'claude-code\ncodex')" "$(bcomp clawshim --profile '')" \
		"bash: --profile offers the *.ini names of the profile directory"
	is "$(printf '%s\n' "$SCRATCH/pols/agent.ini" "$SCRATCH/pols/other.ini")" \
		"$(bcomp clawshim --policy "$SCRATCH/pols/")" "bash: --policy completes file names"
	is "echo" "$(bcomp clawshim --backend none -- ech | grep -x echo)" \
		"bash: after --, the command name is completed"
	is "" "$(bcomp clawshim --timeout '')" "bash: --timeout's value is not a file"
	all=$(bcomp clawshim --)
	gone=$(printf '%s\n' "$OPTS" | while read -r o; do
		printf '%s\n' "$all" | grep -qxF -- "$o" || printf '%s ' "$o"; done)
	is "" "$gone" "bash: every long option of --help is completed"
}

t_fish() {
	if ! command -v fish >/dev/null 2>&1; then
		skip "fish is not installed (apt-get install fish)"
		return
	fi
	mkdir -p "$SCRATCH/fishhome"
	fc() {
		HOME=$SCRATCH/fishhome XDG_DATA_HOME=$SCRATCH/fishhome XDG_CONFIG_HOME=$XDG \
			fish -c 'source $argv[1]; complete -C$argv[2]' "$C/clawshim.fish" "$1" 2>/dev/null | cut -f1
	}
	is "--backend" "$(fc 'clawshim --back')" "fish: --back completes to --backend"
	is "landlock" "$(fc 'clawshim --backend l')" "fish: --backend l completes to landlock"
	is "$BACKENDS" "$(fc 'clawshim --backend ' | sort)" "fish: --backend offers exactly the backends --help lists"
	is "$(printf 'claude-code\ncodex')" "$(fc 'clawshim --profile ' | sort)" \
		"fish: --profile offers the *.ini names of the profile directory"
	is "$SCRATCH/pols/agent.ini" "$(fc "clawshim --policy $SCRATCH/pols/a")" "fish: --policy completes file names"
	like "$(fc 'clawshim --backend none -- ls --al')" "*--all*" \
		"fish: after --, the command's own completion (ls --al: --all)"
	all=$(fc 'clawshim --')
	gone=$(printf '%s\n' "$OPTS" | while read -r o; do
		printf '%s\n' "$all" | grep -qxF -- "$o" || printf '%s ' "$o"; done)
	is "" "$gone" "fish: every long option of --help is completed"
}

# zcomp LINE...: type each LINE and a completion key into an interactive
# zsh (on a pty: completion needs the line editor) with _clawshim on its
# fpath; prints the edited line after each completion.
zcomp() {
	zd=$SCRATCH/zsh
	rm -rf "$zd"
	mkdir -p "$zd"
	cp "$C/_clawshim" "$zd/"
	: >"$zd/out"
	{
		echo 'zmodload zsh/zpty || exit 99'
		echo 'zpty z zsh -f -i'
		echo "zpty -w z \"PS1='> '; XDG_CONFIG_HOME=$XDG; fpath=($zd \\\$fpath); autoload -Uz compinit; compinit -u -D\""
		echo "zpty -w z \"_t() { zle complete-word; print -r -- \\\"<\\\$BUFFER>\\\" >>$zd/out; BUFFER=; }; zle -N _t; bindkey '^T' _t\""
		for l in "$@"; do echo "zpty -w -n z \$'$l\\x14'"; done
		echo "for i in {1..100}; do (( \$(wc -l <$zd/out) >= $# )) && break; sleep 0.1; done"
		echo 'zpty -d z'
	} >"$zd/t.zsh"
	$SAFETY zsh -f "$zd/t.zsh" >/dev/null 2>&1
	cat "$zd/out"
}

t_zsh() {
	if ! command -v zsh >/dev/null 2>&1; then
		skip "zsh is not installed (apt-get install zsh)"
		return
	fi
	zsh -n "$C/_clawshim"
	ok $? "zsh: _clawshim parses"
	is "_clawshim" "$(zsh -f -c "fpath=($C \$fpath); autoload -Uz compinit; compinit -u -D; print -r -- \$_comps[clawshim]")" \
		"zsh: compinit registers _clawshim for clawshim (#compdef)"
	out=$(zcomp 'clawshim --back' 'clawshim --backend l' 'clawshim --profile cl' \
		"clawshim --policy $SCRATCH/pols/ag" 'clawshim --backend none -- git comm')
	is "$(printf '%s\n' '<clawshim --backend=>' '<clawshim --backend landlock >' \
		'<clawshim --profile claude-code >' "<clawshim --policy $SCRATCH/pols/agent.ini >" \
		'<clawshim --backend none -- git commit>')" \
		"$out" "zsh: --back, --backend l, --profile cl, --policy DIR/ag and -- git comm complete"
	gone=$(printf '%s\n' "$OPTS" | while read -r o; do
		grep -qE -- "^  '[^']*$o(=|\[)" "$C/_clawshim" || printf '%s ' "$o"; done)
	is "" "$gone" "zsh: every long option of --help is in _clawshim"
}

# make install puts them where bash-completion, zsh and fish look.
t_install() {
	d=$SCRATCH/dest
	(cd "$TOP" && make -s --no-print-directory install DESTDIR="$d" PREFIX=/usr >/dev/null 2>&1)
	ok $? "make install DESTDIR=... PREFIX=/usr"
	for f in share/bash-completion/completions/clawshim share/zsh/vendor-completions/_clawshim \
		share/fish/vendor_completions.d/clawshim.fish; do
		[ -f "$d/usr/$f" ]
		ok $? "make install: /usr/$f"
	done
	cmp -s "$C/clawshim.bash" "$d/usr/share/bash-completion/completions/clawshim"
	ok $? "make install: the bash completion is completions/clawshim.bash"
}

t_bash
t_fish
t_zsh
t_install
done_testing
