#!/bin/sh
# SPDX-License-Identifier: MIT
# run.sh: run the unit and black-box tests with prove (make check).
# Every black-box test runs again as uid 65534, which must reach the build
# tree: when it cannot (a clone under /root), the tests run from a copy of
# the tree in a directory it can reach, removed afterwards.
set -u
cd "$(dirname "$0")/.."
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null 2>&1 &&
   ! setpriv --reuid=65534 --regid=65534 --clear-groups test -x "$PWD/clawshim" 2>/dev/null; then
	copy=$(mktemp -d /tmp/clawshim-check.XXXXXX)
	chmod 755 "$copy"
	echo "# uid 65534 cannot reach $PWD: testing a copy in $copy"
	cp -a . "$copy/tree"
	trap 'rm -rf "$copy"' EXIT
	cd "$copy/tree" || exit 1
fi
CMOCKA_MESSAGE_OUTPUT=TAP prove ${PROVE_FLAGS:-} -f -e 'sh tests/tap.sh' "$@"
