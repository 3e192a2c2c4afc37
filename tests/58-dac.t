#!/bin/sh
# SPDX-License-Identifier: MIT
# 58-dac.t: a denied path is left to the kernel's file permissions only
# when this user has no access of any kind to it.  A root-owned
# execute-only directory (0711, or 0710 for a member of its group) cannot
# be listed, but a file of a known name inside it opens: deny must still
# protect it, and --explain must not claim "file permissions".
. "$(dirname "$0")/lib.sh"

CS="$CLAWSHIM --backend landlock --read-only $TOP/tests/helpers"
mkdir -p /var/lib/clawshim-test
OUTSIDE=$(mktemp -d /var/lib/clawshim-test/t58.XXXXXX)
chmod 755 "$OUTSIDE"
trap 'rm -rf "$SCRATCH" "$OUTSIDE"' EXIT

# A tree readable by everyone, granted read-only, with three root-owned
# directories: execute-only, execute-only for group 4242, and closed.
mkdir -p "$OUTSIDE/tree/xonly" "$OUTSIDE/tree/grp" "$OUTSIDE/tree/closed"
for d in xonly grp closed; do echo "SECRET-$d" >"$OUTSIDE/tree/$d/key"; chmod 644 "$OUTSIDE/tree/$d/key"; done
chmod 711 "$OUTSIDE/tree/xonly"
chown root:4242 "$OUTSIDE/tree/grp"; chmod 710 "$OUTSIDE/tree/grp"
chmod 700 "$OUTSIDE/tree/closed"

t_dac() {
	W=$(newdir ws)
	for d in xonly grp closed; do
		run_in "$W" $CS --read-only "$OUTSIDE/tree" --deny "$OUTSIDE/tree/$d" -- cat "$OUTSIDE/tree/$d/key"
		lacks "$OUT" "SECRET-$d" "$WHO: deny of a root-owned $d directory: a file of a known name inside is not readable"
		run_in "$W" $CS --read-only "$OUTSIDE/tree" --deny "$OUTSIDE/tree/$d" -- "$TRY" read "$OUTSIDE/tree/$d/key"
		one_of "$OUT" "EACCES ENOENT" "$WHO: deny of $d: the read fails with EACCES or ENOENT"
	done
	run_in "$W" $CS --read-only "$OUTSIDE/tree" --deny "$OUTSIDE/tree/xonly" --explain
	lacks "$OUT" "not readable by this user" "$WHO: --explain does not leave an execute-only directory to file permissions"
	run_in "$W" $CS --read-only "$OUTSIDE/tree" --deny "$OUTSIDE/tree/closed" --explain
	if [ "$WHO" = root ]; then
		lacks "$OUT" "file permissions" "$WHO: root is never left to file permissions"
	else
		like "$OUT" "*no access to $OUTSIDE/tree/closed*file permissions: owned by root; this user may not read, write or enter it*" \
			"$WHO: a root-owned 0700 directory is left to file permissions, and --explain says so"
	fi
	# Ordinary work: the rest of the tree stays readable.
	echo pub >"$OUTSIDE/tree/pub"; chmod 644 "$OUTSIDE/tree/pub"
	run_in "$W" $CS --read-only "$OUTSIDE/tree" --deny "$OUTSIDE/tree/xonly" -- cat "$OUTSIDE/tree/pub"
	is "0:pub" "$RC:$OUT" "$WHO: the rest of the granted tree stays readable"
}

# The group case: uid 65534 as a member of group 4242 (as /etc/ssl/private
# for ssl-cert): it may enter but not list the directory.
t_group() {
	[ "$(id -u)" = 0 ] || { skip "needs root to run as a group member"; return; }
	W=$(newdir ws-grp)
	chown 65534:65534 "$W"
	AS="setpriv --reuid=65534 --regid=65534 --groups=4242 env HOME=$SCRATCH/home-nobody"
	run_in "$W" cat "$OUTSIDE/tree/grp/key"
	is "SECRET-grp" "$OUT" "group member: without clawshim the file is readable by name (the test is live)"
	run_in "$W" $CS --read-only "$OUTSIDE/tree" --deny "$OUTSIDE/tree/grp" -- cat "$OUTSIDE/tree/grp/key"
	lacks "$OUT" "SECRET-grp" "group member: deny of a 0710 root:group directory keeps its file unreadable"
	AS=""
}

for_each_user t_dac
WHO=nobody; mkdir -p "$SCRATCH/home-nobody"; chown 65534:65534 "$SCRATCH/home-nobody"
t_group
done_testing
