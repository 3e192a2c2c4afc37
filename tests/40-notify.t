#!/bin/sh
# SPDX-License-Identifier: MIT
# The seccomp user-notification supervisor end to end: a filtered child
# really connects, sends, chmods and chowns; the probe reports TAP of its
# own, summed up here as one result per user.
. "$(dirname "$0")/lib.sh"
PROBE=$TOP/tests/helpers/notify_probe

probe() {
	d=$(newdir notify)
	run_in "$d" "$PROBE" "$d"
	nok=$(printf '%s\n' "$OUT" | grep -c '^ok ')
	bad=$(printf '%s\n' "$OUT" | grep '^not ok ')
	is 0 "$RC" "notify probe as $WHO: every check passed ($nok)"
	[ -z "$bad" ] || diag "$bad"
	[ "$nok" -gt 40 ]; ok $? "notify probe as $WHO ran its checks"
}
for_each_user probe
done_testing
