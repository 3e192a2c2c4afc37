#!/bin/sh
# SPDX-License-Identifier: MIT
# deps.sh: make sure what building and testing clawshim needs is here.
# As root on Debian, install what is missing; otherwise print the one
# apt-get line that would.
PKGS="build-essential pkg-config libseccomp-dev libinih-dev libcmocka-dev mandoc util-linux procps git python3 perl bubblewrap"
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if ! command -v apt-get >/dev/null 2>&1; then
	echo "deps.sh: missing:$missing (install them with your package manager)" >&2
	exit 1
fi
if [ "$(id -u)" != 0 ]; then
	echo "deps.sh: missing packages; run: sudo apt-get install -y$missing" >&2
	exit 1
fi
echo "deps.sh: installing:$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq && apt-get install -y -qq $missing >/dev/null
