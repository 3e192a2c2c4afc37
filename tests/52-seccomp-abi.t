#!/bin/sh
# SPDX-License-Identifier: MIT
# The filter holds only for the native ABI: a system call made through
# another one (x32 numbers, i386's int $0x80) must kill the process, on
# every backend whose filter is in process, or it would bypass every rule.
. "$(dirname "$0")/lib.sh"

abi() {
	W=$(newdir abi)
	for b in landlock none; do
		run_in "$W" "$CLAWSHIM" --backend "$b" --read-only "$TOP/tests/helpers" -- "$TRY" syscall 1073741863
		is 159 "$RC" "$WHO: $b: an x32 system call kills the command (SIGSYS)"
		# Only where the kernel runs i386 code at all (IA32 emulation).
		if [ "$(uname -m)" = x86_64 ] && "$TRY" int80 >/dev/null 2>&1; then
			run_in "$W" "$CLAWSHIM" --backend "$b" --read-only "$TOP/tests/helpers" -- "$TRY" int80
			is 159 "$RC" "$WHO: $b: an i386 system call (int \$0x80) kills the command"
		else
			diag "$WHO: $b: this kernel runs no i386 system calls: nothing to bypass with"
		fi
		# The same probe outside: the kill above is the filter's doing.
		run_in "$W" "$TRY" syscall 1073741863
		is 1 "$RC" "$WHO: outside clawshim the x32 call merely fails ($OUT)"
	done
}
for_each_user abi
done_testing
