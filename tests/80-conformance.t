#!/bin/sh
# SPDX-License-Identifier: MIT
# 80-conformance.t: the conformance corpus (selftest/corpus.c) on every
# backend this host has, as root and as uid 65534, through the same
# `clawshim --selftest --backend B --json` a user runs.  Every escape must
# be blocked and every ordinary and process case work, or be n/a with the
# reason clawshim gives (a refusal up front, or the host lacking what the
# case needs).  Prints the matrix case x backend x user as diag lines.
# CLAWSHIM_MUST_WORK=1 makes a missing bwrap, firejail or docker a failure.
. "$(dirname "$0")/lib.sh"

PROBE=$TOP/clawshim-probe
[ -x "$PROBE" ] || { ok 1 "clawshim-probe is built (make clawshim-probe)"; done_testing; }

# Differences between backends found by this corpus and reported, not yet
# fixed: shown as TODO (visible in the output, not failing the suite).
# Take an entry out once its fix lands.
KNOWN_BUGS=""

IMAGE=clawshim-test:latest
DPOL=$(mkpolicy "$SCRATCH/docker.ini" <<EOF
[clawshim]
version = 1
[docker]
image = $IMAGE
EOF
)

# A setuid-root probe the unprivileged run can try (it cannot make one).
if [ "$(id -u)" = 0 ]; then
	mkdir -p "$SCRATCH/suid"
	cp "$PROBE" "$SCRATCH/suid/clawshim-probe"
	chown 0:0 "$SCRATCH/suid/clawshim-probe"
	chmod 4755 "$SCRATCH/suid/clawshim-probe"
	export CLAWSHIM_SELFTEST_SUID=$SCRATCH/suid/clawshim-probe
fi

MATRIX=$SCRATCH/matrix
: >"$MATRIX"

# present BACKEND: is the backend's program installed (else skip)?
present() {
	case $1 in
	landlock) return 0 ;;
	bwrap) command -v bwrap >/dev/null 2>&1 || { skip "bwrap is not installed"; return 1; } ;;
	firejail) command -v firejail >/dev/null 2>&1 || { skip "firejail is not installed"; return 1; } ;;
	docker)
		if ! command -v docker >/dev/null 2>&1 || ! docker version >/dev/null 2>&1; then
			skip "no docker engine (sh tests/docker-setup.sh start; export DOCKER_HOST)"; return 1
		fi
		docker image inspect "$IMAGE" >/dev/null 2>&1 || { skip "the image $IMAGE is missing"; return 1; } ;;
	esac
}

# field NAME LINE: the value of a JSON string or bare field in LINE.
field() {
	printf '%s\n' "$2" | sed -n "s/.*\"$1\":\"\\(\\([^\"\\\\]\\|\\\\.\\)*\\)\".*/\\1/p; t; s/.*\"$1\":\\([a-z]*\\).*/\\1/p" | head -n 1
}

known() {
	for _k in $KNOWN_BUGS; do [ "$_k" = "$1" ] && return 0; done
	return 1
}

conformance() {
	B=$1
	EXTRA=""
	[ "$B" = docker ] && EXTRA="--policy $DPOL"
	$SAFETY $AS "$CLAWSHIM" --selftest --backend "$B" --json $EXTRA >"$SCRATCH/st.json" 2>"$SCRATCH/st.err"
	RC=$?
	HEAD=$(sed -n 1p "$SCRATCH/st.json")
	if [ "$(field available "$HEAD")" = false ]; then
		WHY=$(field why "$HEAD")
		is 125 "$RC" "$WHO $B: --selftest of a backend that cannot run here exits 125"
		case "$WHO:$B:$WHY" in
		nobody:firejail:*"firejail refuses user nobody"*|nobody:docker:*"not reachable"*|nobody:docker:*"permission denied"*)
			# Documented limits: firejail never admits nobody; the
			# engine's socket is root's.
			diag "$WHO $B: n/a (the backend refuses this user): $WHY"
			echo "*|$B|$WHO|n/a" >>"$MATRIX" ;;
		*) skip "$WHO $B: cannot run here: $WHY" ;;
		esac
		return
	fi
	N=0
	while IFS= read -r L; do
		case "$L" in '{"case":'*|',{"case":'*) ;; *) continue ;; esac
		C=$(field case "$L"); O=$(field outcome "$L"); P=$(field pass "$L"); D=$(field detail "$L")
		N=$((N + 1))
		echo "$C|$B|$WHO|$O" >>"$MATRIX"
		if [ "$P" = true ]; then
			ok 0 "$WHO $B $C: $O${D:+ ($D)}"
		elif known "$B:$C"; then
			_n=$((_n + 1)); echo "not ok $_n - $WHO $B $C: $O ($D) # TODO known bug, reported"
		else
			ok 1 "$WHO $B $C: $O${D:+ ($D)}"
		fi
	done <"$SCRATCH/st.json"
	[ "$N" -gt 40 ]; ok $? "$WHO $B: the whole corpus ran ($N cases)"
	[ -s "$SCRATCH/st.err" ] && sed 's/^/# stderr: /' "$SCRATCH/st.err"
	# Nothing the selftest made is left behind.
	SD=$(field scratch "$HEAD")
	[ -n "$SD" ] && [ ! -e "$SD" ]; ok $? "$WHO $B: the scratch directory $SD is removed"
}

per_user() {
	for B in landlock bwrap firejail docker; do
		if [ "$WHO" = root ] || [ "$B" != docker ] || $AS docker version >/dev/null 2>&1; then
			present "$B" || continue
		fi
		conformance "$B"
	done
}

for_each_user per_user

# The matrix: one row per case, one column per backend and user.
COLS=$(awk -F'|' '$1 != "*" { print $2 "/" $3 }' "$MATRIX" | awk '!seen[$0]++')
HDR=$(printf '%-18s' case); for c in $COLS; do HDR="$HDR $(printf '%-16s' "$c")"; done
diag ""
diag "$HDR"
for CASE in $(awk -F'|' '$1 != "*" && !seen[$1]++ { print $1 }' "$MATRIX"); do
	ROW=$(printf '%-18s' "$CASE")
	for c in $COLS; do
		V=$(awk -F'|' -v k="$CASE" -v c="$c" '$1 == k && $2 "/" $3 == c { print $4 }' "$MATRIX")
		ROW="$ROW $(printf '%-16s' "${V:--}")"
	done
	diag "$ROW"
done
awk -F'|' '$1 == "*" { print "# " $2 "/" $3 ": n/a (the backend refuses this user)" }' "$MATRIX"
done_testing
