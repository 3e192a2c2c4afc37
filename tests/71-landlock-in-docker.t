#!/bin/sh
# SPDX-License-Identifier: MIT
# The landlock backend inside a Docker container started with the default
# seccomp profile and no extra privileges: no user namespaces there, no
# process_vm_readv, no writable cgroups.  The host's clawshim binary and
# libraries are bound in read-only; the image has only busybox.
# Skips without an engine (a failure under CLAWSHIM_MUST_WORK=1).
. "$(dirname "$0")/lib.sh"

IMAGE=clawshim-test:latest
if ! command -v docker >/dev/null 2>&1 ||
   ! docker image inspect "$IMAGE" >/dev/null 2>&1; then
	skip "no docker engine with $IMAGE (tests/docker-setup.sh start)"
	done_testing
fi

# in_docker OPTS -- SCRIPT: run SCRIPT with sh in a fresh container.
in_docker() {
	_opts=$1; shift
	docker run --rm $_opts -v "$TOP:$TOP:ro" -v /usr:/usr:ro -v /lib:/lib:ro \
		-v /lib64:/lib64:ro --tmpfs /tmp:mode=1777 -w /tmp "$IMAGE" sh -c "$1" \
		>"$SCRATCH/out" 2>"$SCRATCH/err"
	RC=$?
	OUT=$(cat "$SCRATCH/out")
	ERR=$(cat "$SCRATCH/err")
}

SCRIPT="mkdir -p /tmp/ws /tmp/h/.ssh && echo SECRET >/tmp/h/.ssh/id_rsa && cd /tmp/ws &&
	HOME=/tmp/h $CLAWSHIM --read-only $TOP/tests/helpers -- sh -c '
	echo work >f && cat f; touch build.sh && chmod +x build.sh && echo chmod-ok;
	echo \$CLAWSHIM_BACKEND; cat /tmp/h/.ssh/id_rsa; echo x >/tmp/h/evil;
	$TRY tcp 127.0.0.1 1; $TRY keyctl; chmod 777 /tmp/h/.ssh/id_rsa'; echo rc=\$?"

# Root needs a process limit the kernel holds for it: the container's own.
for who in "root --pids-limit=200" "nobody --user=65534:65534"; do
	set -- $who
	in_docker "$2" "$SCRIPT"
	like "$OUT" "work*chmod-ok*landlock*" "$1 in docker: ordinary work (write, chmod +x) under landlock"
	like "$OUT" "*EACCES*EPERM*" "$1 in docker: TCP and keyctl refused"
	case $OUT in *SECRET*) ok 1 "$1 in docker: the secret stays unread";; *) ok 0 "$1 in docker: the secret stays unread";; esac
	like "$ERR" "*id_rsa*Permission denied*" "$1 in docker: reading it is denied"
	like "$ERR" "*/tmp/h/evil: Permission denied*" "$1 in docker: writing outside the workspace is denied"
	like "$ERR" "*chmod*id_rsa*Operation not permitted*" "$1 in docker: chmod outside is refused"
	[ -n "$ERR" ] && diag "$1 stderr: $(echo "$ERR" | tr '\n' '|')"
done

# No kernel-enforced backend at all (a container whose profile refuses
# Landlock): auto refuses, unless the policy allows fallback = path,
# which then says on every run that nothing kernel-enforced protects it.
NOLL=$SCRATCH/no-landlock.json
printf '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [%s, %s]}\n' \
	'{"names": ["landlock_create_ruleset"], "action": "SCMP_ACT_ERRNO", "errnoRet": 38}' \
	'{"names": ["unshare"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1}' >"$NOLL"
FB="printf '[clawshim]\\nversion = 1\\n[sandbox]\\nfallback = path\\n[process]\\nmax_processes = unlimited\\n' >/tmp/fb.ini && chmod 644 /tmp/fb.ini"
in_docker "--user=65534:65534 --security-opt seccomp=$NOLL" "cd /tmp && $CLAWSHIM -- true; echo rc=\$?"
like "$OUT" "rc=125" "no Landlock in the container: auto refuses (exit 125)"
like "$ERR" "*landlock: Landlock is not built into this kernel*" "... and says why for landlock"
in_docker "--user=65534:65534 --security-opt seccomp=$NOLL" "$FB && mkdir -p /tmp/h/.ssh && echo SECRET >/tmp/h/.ssh/id_rsa && cd /tmp && HOME=/tmp/h $CLAWSHIM --policy /tmp/fb.ini -- echo ran; echo rc=\$?; HOME=/tmp/h $CLAWSHIM --policy /tmp/fb.ini -- cat /tmp/h/.ssh/id_rsa; echo rc=\$?"
like "$OUT" "ran*rc=0*rc=125*" "fallback = path: the command runs under path, a denied argument is refused"
like "$ERR" "*falling back to path (fallback = path): nothing but argument checks protects this command*" \
	"fallback = path: said on the run"

# Root without a process limit of the container's: refused, said why.
in_docker "" "cd /tmp && $CLAWSHIM -- true; echo rc=\$?"
like "$OUT" "rc=125" "root in docker without --pids-limit: refused (exit 125)"
like "$ERR" "*max_processes cannot be enforced for root here*" "... naming the guarantee"
done_testing
