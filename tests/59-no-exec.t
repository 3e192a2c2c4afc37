#!/bin/sh
# SPDX-License-Identifier: MIT
# 59-no-exec.t: no_exec refuses execve() of a file under its paths on the
# landlock backend, with and without a mount namespace, and --explain is
# true about the rest: with a noexec bind the dynamic loader cannot map
# the file as code either; without one (clawshim under clawshim) that is
# listed as not enforced, and it is indeed possible.  As root and uid
# 65534.
. "$(dirname "$0")/lib.sh"

mkdir -p /var/lib/clawshim-test
OUTSIDE=$(mktemp -d /var/lib/clawshim-test/t59.XXXXXX)
chmod 755 "$OUTSIDE"
trap 'rm -rf "$SCRATCH" "$OUTSIDE"' EXIT
LDSO=$(ls /lib64/ld-linux-*.so.* /lib/ld-linux-*.so.* /lib/*/ld-linux-*.so.* 2>/dev/null | head -n 1)
CS="$CLAWSHIM --backend landlock --read-only $TOP"

t_no_exec() {
	W=$(newdir ws)
	NE=$(newdir ne)
	cp /bin/echo "$NE/echo"; chmod 755 "$NE/echo"
	[ "$WHO" = root ] || chown 65534:65534 "$NE/echo"
	P=$(printf '[clawshim]\nversion = 1\n[filesystem]\nno_exec = %s\n' "$NE" | mkpolicy "$OUTSIDE/$WHO.ini")
	run_in "$W" $CS --policy "$P" -- "$NE/echo" ran
	is 126 "$RC" "$WHO: execve of a file under no_exec: 126"
	lacks "$OUT" "ran" "$WHO: the file did not run"
	run_in "$W" $CS --policy "$P" --explain
	like "$OUT" "*no execution under $NE*noexec bind*" "$WHO: with a mount namespace: a noexec bind"
	if [ -n "$LDSO" ]; then
		run_in "$W" $CS --policy "$P" -- "$LDSO" "$NE/echo" ran
		lacks "$OUT" "ran" "$WHO: with a noexec bind the loader cannot map it as code"
	else
		skip "no dynamic loader found"
	fi
	# clawshim under clawshim: no mount namespace, Landlock only.
	run_in "$W" $CS --read-only "$OUTSIDE" -- $CS --policy "$P" -- "$NE/echo" ran
	is 126 "$RC" "$WHO: nested: execve under no_exec still refused (126)"
	run_in "$W" $CS --read-only "$OUTSIDE" -- $CS --policy "$P" --explain
	like "$OUT" "*not enforced  no mapping as code under the no_exec paths (ld.so FILE)*Landlock checks execve, not mmap*" \
		"$WHO: nested: --explain lists mapping as code as not enforced"
	if [ -n "$LDSO" ]; then
		run_in "$W" $CS --read-only "$OUTSIDE" -- $CS --policy "$P" -- "$LDSO" "$NE/echo" ran
		is "ran" "$OUT$ERR" "$WHO: nested: what --explain lists as not enforced is indeed possible"
	fi
}

for_each_user t_no_exec
done_testing
