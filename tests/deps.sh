#!/bin/sh
# SPDX-License-Identifier: MIT
# deps.sh: make sure what building and testing clawshim needs is here.
# As root on Debian, install what is missing.  What cannot be installed
# (not root, no network) fails only when clawshim or its unit tests could
# not be built without it; a tool only some black-box tests use is
# reported, and those tests skip (or fail under CLAWSHIM_MUST_WORK=1).
NEED="build-essential pkg-config libseccomp-dev libinih-dev libcmocka-dev perl"
WANT="mandoc util-linux procps git python3 bubblewrap"

missing() {
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || printf ' %s' "$p"
	done
}

if ! command -v dpkg-query >/dev/null 2>&1; then
	echo "deps.sh: not a Debian system: not checking packages (the dependencies are in README.md)" >&2
	exit 0
fi
# shellcheck disable=SC2086 # word lists
need=$(missing $NEED)
want=$(missing $WANT)
[ -z "$need$want" ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
	echo "deps.sh: installing:$need$want" >&2
	export DEBIAN_FRONTEND=noninteractive
	# shellcheck disable=SC2086
	apt-get update -qq && apt-get install -y -qq $need $want >/dev/null && exit 0
	echo "deps.sh: apt-get could not install them (offline?)" >&2
	need=$(missing $NEED)
	want=$(missing $WANT)
fi
[ -n "$want" ] &&
	echo "deps.sh: missing:$want; the tests that need them skip (install: sudo apt-get install -y$want)" >&2
if [ -n "$need" ]; then
	echo "deps.sh: missing:$need; clawshim and its unit tests cannot be built without them" >&2
	echo "deps.sh: hint: sudo apt-get install -y$need" >&2
	exit 1
fi
exit 0
