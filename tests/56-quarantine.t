#!/bin/sh
# SPDX-License-Identifier: MIT
# 56-quarantine.t: the move of protected paths a command created during
# its run, on the built-in default policy, landlock and bwrap, as root and
# as uid 65534.  The command really tries to defeat it: the old
# predictable target made in advance, a parent replaced by a symlink to
# a decoy outside (steered by a hostile .clawshim.ini), a symlink planted
# as the protected path, a path made unmovable, clawshim SIGKILLed before
# it can look, and a daemon flipping a parent between a directory and a
# symlink while the run ends (looped).
. "$(dirname "$0")/lib.sh"

OUTSIDE=$(mktemp -d /var/lib/clawshim-t56.XXXXXX)
chmod 755 "$OUTSIDE"
trap 'rm -rf "$SCRATCH" "$OUTSIDE"' EXIT

BACKENDS="landlock"
command -v bwrap >/dev/null 2>&1 && BACKENDS="$BACKENDS bwrap"
sb() { run_in "$W" $CLAWSHIM --backend "$BE" -- "$@"; }

# ws NAME: a workspace that is a git repository, made by the user.
ws() {
	W=$(newdir "$1")
	as_user git -C "$W" init -q >/dev/null 2>&1
	[ -f "$W/.git/config" ]
}

# decoy NAME: a file outside every granted tree, in a directory the test
# user owns (so a move there would succeed if clawshim followed a link).
decoy() {
	D=$OUTSIDE/$WHO-$BE-$1
	mkdir -p "$D"
	echo "the user's own policy" >"$D/clawshim.ini"
	[ "$WHO" = root ] || chown -R 65534:65534 "$D"
	DSTATE=$(fstate "$D/clawshim.ini")
}

usable() {
	W=$(newdir probe-$BE)
	sb true
	[ "$RC" -eq 0 ] && return 0
	skip "$WHO: clawshim --backend $BE cannot run here: $ERR"
	return 1
}

t_target_made_in_advance() {
	ws pre-$BE || { ok 1 "$WHO/$BE: set up a repository"; return; }
	# The old target was PATH.clawshim-quarantine.<clawshim's pid>:
	# $PPID inside.  Made in advance as a non-empty directory, along with
	# guesses around it, it made the move fail and clawshim exit 0.
	sb sh -c 'for i in 0 1 2 3 4 5 6 7 8 9; do p=$((PPID + i));
			mkdir -p .git/commondir.clawshim-quarantine.$p/x; done
		echo /elsewhere >.git/commondir; exit 3'
	is 3 "$RC" "$WHO/$BE: the command's own status is kept when the move succeeds"
	[ ! -e "$W/.git/commondir" ]; ok $? "$WHO/$BE: the planted .git/commondir is gone"
	like "$ERR" "*clawshim: the command created $W/.git/commondir, which the policy protects; moved it to $W/.git/commondir.clawshim-quarantine.*" \
		"$WHO/$BE: ... moved to a name the command could not guess"
	N=$(ls "$W/.git" | grep -c '^commondir\.clawshim-quarantine\.[0-9a-f]\{32\}$')
	is 1 "$N" "$WHO/$BE: ... with a 128-bit random token"
}

t_symlinked_parent() {
	ws par-$BE || { ok 1 "$WHO/$BE: set up a repository"; return; }
	decoy par
	# A hostile workspace policy may only tighten; it names a protected
	# path under sub/, the command swaps sub/ for a symlink to the
	# directory of the user's own policy.
	as_user mkdir "$W/sub"
	printf '[clawshim]\nversion = 1\n[filesystem]\ndeny_write = ?sub/clawshim.ini\n' |
		mkpolicy "$W/.clawshim.ini" >/dev/null
	[ "$WHO" = root ] || chown 65534:65534 "$W/.clawshim.ini"
	sb sh -c "rmdir sub && ln -s '$D' sub"
	is "$DSTATE" "$(fstate "$D/clawshim.ini")" "$WHO/$BE: the decoy outside is untouched"
	is "clawshim.ini" "$(ls "$D")" "$WHO/$BE: ... and nothing was moved into its directory"
	[ ! -e "$W/sub" ] && [ -L "$(ls -d "$W"/sub.clawshim-quarantine.* 2>/dev/null)" ]
	ok $? "$WHO/$BE: the symlink the command put where sub/ was is moved aside itself"
	# A planted symlink AS the protected path: moved, not followed.
	rm -f "$W"/sub.clawshim-quarantine.*; as_user mkdir "$W/sub"
	sb ln -s "$D/clawshim.ini" sub/clawshim.ini
	[ ! -e "$W/sub/clawshim.ini" ] && [ -L "$(ls -d "$W"/sub/clawshim.ini.clawshim-quarantine.* 2>/dev/null)" ]
	ok $? "$WHO/$BE: a symlink planted at a protected path is moved aside itself"
	is "$DSTATE" "$(fstate "$D/clawshim.ini")" "$WHO/$BE: ... its target untouched"
	rm -f "$W/.clawshim.ini"
	# The same at a git path: .git/info/attributes as a symlink.
	sb ln -s "$D/clawshim.ini" .git/info/attributes
	[ ! -e "$W/.git/info/attributes" ] && [ "$(ls "$D")" = clawshim.ini ]
	ok $? "$WHO/$BE: a symlink planted at .git/info/attributes is moved, its target stays"
	is "$DSTATE" "$(fstate "$D/clawshim.ini")" "$WHO/$BE: ... untouched"
}

t_unmovable() {
	ws unm-$BE || { ok 1 "$WHO/$BE: set up a repository"; return; }
	# Root passes any mode; an unprivileged user cannot move an entry
	# out of a directory it made read-only, and the run must not pass.
	[ "$WHO" = root ] && return
	sb sh -c 'mkdir -p .git/modules/x &&
		printf "[core]\n\tfsmonitor = evil\n" >.git/modules/x/config && chmod 555 .git/modules/x'
	is 125 "$RC" "$WHO/$BE: a planted path clawshim cannot move makes the run exit 125"
	like "$ERR" "*clawshim: the command created $W/.git/modules/x/config, which the policy protects, and it could not be moved: Permission denied*" \
		"$WHO/$BE: ... naming the path and why"
	like "$ERR" "*clawshim: the command ran, but left a protected path in place (named above); exit status 125*" \
		"$WHO/$BE: ... and saying the command ran"
	chmod 755 "$W/.git/modules/x"
	# Directories left with search permission only: git still finds the
	# config and the hook by name, clawshim cannot list them.
	rm -rf "$W/.git/modules"
	sb sh -c 'mkdir -p .git/modules/y/hooks &&
		printf "[core]\n\tfsmonitor = evil\n" >.git/modules/y/config &&
		printf "#!/bin/sh\n" >.git/modules/y/hooks/pre-commit &&
		chmod 100 .git/modules/y/hooks .git/modules/y .git/modules'
	[ ! -e "$W/.git/modules" ] && [ -n "$(ls -d "$W"/.git/modules.clawshim-quarantine.* 2>/dev/null)" ]
	ok $? "$WHO/$BE: git metadata the command made unreadable is moved aside whole"
	like "$ERR" "*(a directory clawshim cannot read)*" "$WHO/$BE: ... saying why"
	chmod -R 755 "$W"/.git/modules.clawshim-quarantine.* 2>/dev/null
}

t_killed() {
	ws kill-$BE || { ok 1 "$WHO/$BE: set up a repository"; return; }
	# clawshim SIGKILLed (an agent's timeout): its watcher still looks.
	(cd "$W" && exec $AS $CLAWSHIM --backend "$BE" -- sh -c \
		'mkdir -p .git/modules/k && printf "[core]\n\tfsmonitor = evil\n" >.git/modules/k/config &&
		 touch planted && exec sleep 7356' >/dev/null 2>&1) &
	P=$!
	wait_file "$W/planted" 10 || true
	while [ ! -e "$W/.git/modules/k/config" ] && [ -e "$W/planted" ]; do sleep 0.05; done
	# $P is clawshim itself (exec all the way).
	kill -9 "$P" 2>/dev/null
	wait "$P" 2>/dev/null
	gone_within "^sleep 7356$" 30
	ok $? "$WHO/$BE: the command is gone after clawshim's SIGKILL"
	_i=0
	while [ -e "$W/.git/modules/k/config" ] && [ "$_i" -lt 60 ]; do sleep 0.05; _i=$((_i + 1)); done
	[ ! -e "$W/.git/modules/k/config" ]
	ok $? "$WHO/$BE: the config planted before clawshim was SIGKILLed is moved aside"
	reap "^sleep 7356$"
}

t_flip_race() {
	ws race-$BE || { ok 1 "$WHO/$BE: set up a repository"; return; }
	decoy race
	as_user mkdir "$W/sub"
	printf '[clawshim]\nversion = 1\n[filesystem]\ndeny_write = ?sub/clawshim.ini\n' |
		mkpolicy "$W/.clawshim.ini" >/dev/null
	[ "$WHO" = root ] || chown 65534:65534 "$W/.clawshim.ini"
	# A daemon (its own session) flips sub between a directory with a
	# planted clawshim.ini and a symlink to the decoy's directory while
	# the run ends, 25 runs of ~0.2 s each.
	bad=0
	for i in $(seq 25); do
		sb sh -c "setsid sh -c 'while :; do rm -rf sub; ln -s $D sub; rm -f sub;
			mkdir sub; echo x >sub/clawshim.ini; done' </dev/null >/dev/null 2>&1 &
			sleep 0.2"
		[ "$(fstate "$D/clawshim.ini")" = "$DSTATE" ] && [ "$(ls "$D")" = clawshim.ini ] || bad=$((bad + 1))
		rm -rf "$W"/sub.clawshim-quarantine.* "$W"/sub/clawshim.ini.clawshim-quarantine.*
	done
	is 0 "$bad" "$WHO/$BE: 25 runs racing a parent swap never touch the decoy outside"
	rm -f "$W/.clawshim.ini"
}

# The workspace file may protect paths outside the workspace, but its
# lines never make clawshim move a file another program creates there
# (in /tmp) during the run.
t_ws_file_outside() {
	W=$(newdir wsout-$BE)
	V=$SCRATCH/victim-$WHO-$BE
	rm -f "$V"
	printf '[clawshim]\nversion = 1\n[filesystem]\ndeny_write = ?%s, ?mine\n' "$V" |
		mkpolicy "$W/.clawshim.ini" >/dev/null
	[ "$WHO" = root ] || chown 65534:65534 "$W/.clawshim.ini"
	(sleep 0.3; echo victim >"$V") &
	sb sh -c 'sleep 1; echo x >mine'
	wait
	is victim "$(cat "$V" 2>&1)" "$WHO/$BE: a file another program made meanwhile, named by the workspace file, stays"
	[ ! -e "$W/mine" ]; ok $? "$WHO/$BE: ... while the workspace file's path inside the workspace is moved aside"
	rm -f "$V" "$W/.clawshim.ini"
}

# A protected path whose parents do not exist at the start either.
t_missing_parents() {
	W=$(newdir miss-$BE)
	decoy miss
	mkdir -p "$D/b"; echo "decoy c" >"$D/b/c"
	[ "$WHO" = root ] || chown -R 65534:65534 "$D"
	CST=$(fstate "$D/b/c")
	run_in "$W" $CLAWSHIM --backend "$BE" --deny '?a/b/c' -- sh -c 'mkdir -p a/b && echo x >a/b/c'
	[ ! -e "$W/a/b/c" ] && [ -n "$(ls "$W"/a/b/c.clawshim-quarantine.* 2>/dev/null)" ]
	ok $? "$WHO/$BE: a protected path made with its missing parents during the run is moved aside"
	rm -rf "$W/a"
	run_in "$W" $CLAWSHIM --backend "$BE" --deny '?a/b/c' -- ln -s "$D" a
	[ ! -e "$W/a" ] && [ "$CST" = "$(fstate "$D/b/c")" ] && [ "$(ls "$D/b")" = c ]
	ok $? "$WHO/$BE: a symlink on the way is moved aside, the file it leads to untouched"
}

each_backend() {
	for BE in $BACKENDS; do
		usable || continue
		t_target_made_in_advance
		t_symlinked_parent
		t_unmovable
		t_killed
		t_flip_race
		t_ws_file_outside
		t_missing_parents
	done
}

for_each_user each_backend
done_testing
