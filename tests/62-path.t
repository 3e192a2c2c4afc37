#!/bin/sh
# SPDX-License-Identifier: MIT
# 62-path.t: the path backend refuses command lines that name a denied
# path (argv and shell strings), runs the others, and always says that
# nothing kernel-enforced protects the command.  As root and uid 65534.
. "$(dirname "$0")/lib.sh"

NOTICE="clawshim: backend path: nothing kernel-enforced protects this command"

t62() {
	W=$(newdir ws)
	mkdir -p "$HOMEDIR/.ssh"
	echo "PATH-SECRET-$WHO" >"$HOMEDIR/.ssh/id_rsa"
	[ "$WHO" = root ] || chown -R 65534:65534 "$HOMEDIR/.ssh"

	run_in "$W" $CLAWSHIM --backend path -- cat "$HOMEDIR/.ssh/id_rsa"
	is 125 "$RC" "$WHO: cat of the secret by absolute path is refused (125)"
	has_line "$ERR" "clawshim: backend path: argument 1 '$HOMEDIR/.ssh/id_rsa' names the denied path $HOMEDIR/.ssh" \
		"$WHO: the refusal names the argument and the denied path"
	case "$OUT" in *PATH-SECRET*) ok 1 "$WHO: the secret is not printed" ;; *) ok 0 "$WHO: the secret is not printed" ;; esac

	user_policy '[sandbox]' 'backend = path'
	run_in "$W" $CLAWSHIM -c 'cat ~/.ssh/id_rsa'
	is 125 "$RC" "$WHO: shell string cat ~/.ssh/id_rsa is refused"
	has_line "$ERR" "clawshim: backend path: argument 2 'cat ~/.ssh/id_rsa' names the denied path $HOMEDIR/.ssh (as '~/.ssh/id_rsa')" \
		"$WHO: the shell-mode refusal names the word"

	run_in "$W" $CLAWSHIM -c 'cat ../home-'"$WHO"'/.ssh/../.ssh/id_rsa'
	is 125 "$RC" "$WHO: a relative path with .. into the secret is refused"
	no_user_policy

	run_in "$W" $CLAWSHIM --backend path -- sh -c 'echo ordinary; exit 7'
	is 7 "$RC" "$WHO: an ordinary command runs with its exit status"
	is ordinary "$OUT" "$WHO: and its output"
	is "$NOTICE" "$ERR" "$WHO: the notice is printed once, alone"

	run_in "$W" $CLAWSHIM --backend path -- sh -c 'echo $CLAWSHIM_BACKEND'
	is path "$OUT" "$WHO: CLAWSHIM_BACKEND=path"

	run_in "$W" $CLAWSHIM --backend path --explain -- true
	is 0 "$RC" "$WHO: --explain works"
	like "$OUT" "*nothing kernel-enforced protects this command*" "$WHO: --explain says it"
}

for_each_user t62
done_testing
