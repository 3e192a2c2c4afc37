#!/bin/sh
# SPDX-License-Identifier: MIT
# clawshim benchmark driver (run by `make bench`): sets up a scratch home and
# workspace, writes the command tables for ./spawn, runs them and prints the
# results with the targets next to them.  Installs nothing; needs no network.
#
# Knobs (environment): BENCH_ITER (timed runs per command, default 400),
# BENCH_SCALE_ITER (the same for the scaling tables, default 200),
# BENCH_WARMUP (default 30), BENCH_CACHE (where the 100k-file workspaces are
# kept between runs, default /var/tmp/clawshim-bench), BENCH_HYPERFINE=0 to
# skip hyperfine's cross-check, CLAWSHIM (binary, default ../clawshim),
# CLAWSHIM_STATIC (the static build, default ../clawshim-static; its row
# is left out when it is not built).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
CS=${CLAWSHIM:-$here/../clawshim}
CS=$(cd "$(dirname "$CS")" && pwd)/$(basename "$CS")
ITER=${BENCH_ITER:-400}
SITER=${BENCH_SCALE_ITER:-200}
WARMUP=${BENCH_WARMUP:-30}
CACHE=${BENCH_CACHE:-/var/tmp/clawshim-bench}
SPAWN=$here/spawn
FLOOR=$here/floor

[ -x "$CS" ] || { echo "bench: $CS not built (run make)" >&2; exit 1; }

S=$(mktemp -d /tmp/clawshim-bench.XXXXXX)
trap 'rm -rf "$S"' EXIT INT TERM
mkdir -p "$S/home/.config" "$S/ws" "$S/pol" "$S/ro" "$S/bin" "$S/run"
chmod 700 "$S/run"
WS=$S/ws

# Measure a snapshot: a rebuild of ../clawshim during the run (make in
# another shell) would otherwise swap the binary under the benchmark, or
# make a run fail with EACCES while the linker writes it.
cp "$CS" "$S/bin/clawshim"
CS_SRC=$CS
CS=$S/bin/clawshim
"$CS" --version >/dev/null 2>&1 || { echo "bench: $CS_SRC does not run" >&2; exit 1; }
# The static build (make static), measured from a copy too.
CSS_SRC=${CLAWSHIM_STATIC:-$here/../clawshim-static}
CSS=
if [ -x "$CSS_SRC" ] && cp "$CSS_SRC" "$S/bin/clawshim-static" &&
   "$S/bin/clawshim-static" --version >/dev/null 2>&1; then
    CSS=$S/bin/clawshim-static
fi

# A clean, fixed environment: the user's files, config and variables must
# not change what clawshim does (no ~/.config/clawshim, no secret variables).
# A runtime directory of its own, as a logged-in user has.
run_env() {
    env -i PATH=/usr/local/bin:/usr/bin:/bin HOME="$S/home" \
        XDG_CONFIG_HOME="$S/home/.config" XDG_RUNTIME_DIR="$S/run" LANG=C.UTF-8 \
        ${DOCKER_HOST:+DOCKER_HOST="$DOCKER_HOST"} "$@"
}

# add SPEC LABEL ITER DIR ARGV...   (one TAB-separated line for ./spawn)
add() {
    spec=$1; shift
    printf '%s' "$1" >>"$spec"; shift
    for a in "$@"; do printf '\t%s' "$a" >>"$spec"; done
    printf '\n' >>"$spec"
}

skip() { printf '  skipped: %s\n' "$*"; }

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || b == 0) print "n/a"; else printf "%.2fx", a / b }'; }
median_of() { awk -F '\t' -v l="$2" '$1 == l { print $2 }' "$1"; }

# ---------------------------------------------------------------------------
echo "== machine"
echo "  kernel $(uname -r), $(nproc) cores, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)"
echo "  $(ldd --version 2>&1 | head -1)"
echo "  clawshim: $CS_SRC ($("$CS" --version 2>&1 | head -1)), measured from a copy"
echo "  harness: bench/spawn, posix_spawn + waitpid, CLOCK_MONOTONIC, interleaved round-robin,"
echo "           $WARMUP warm-up rounds then $ITER timed runs per command (fewer for slow engines)"

# ---------------------------------------------------------------------------
echo
echo "== per-command overhead, default policy (workspace $WS, HOME $S/home)"
main=$S/main.spec
: >"$main"
add "$main" "bare /bin/true"             0 - /bin/true
add "$main" "bash -c true"               0 - /bin/bash -c true
add "$main" "floor /bin/true"            0 - "$FLOOR" /bin/true
add "$main" "clawshim none"              0 "$WS" "$CS" --backend none -- /bin/true
add "$main" "clawshim landlock (auto)"   0 "$WS" "$CS" -- /bin/true
add "$main" "clawshim landlock (named)"  0 "$WS" "$CS" --backend landlock -- /bin/true
add "$main" "clawshim -c true (shell)"   0 "$WS" "$CS" -c true
if [ -n "$CSS" ]; then
    add "$main" "clawshim landlock, static" 0 "$WS" "$CSS" -- /bin/true
else
    skip "static build: $CSS_SRC is not built (make static)"
fi

# The raw engines run exactly the command line clawshim's wrapper backend
# runs (its --explain), without what only clawshim can hand over: the
# filter's and the ready pipe's descriptors (raw bwrap loads no filter,
# raw docker keeps the engine's default profile: both favour the raw run)
# and docker's per-run container name.
wrapper_argv() {
    wb=$1; shift
    (cd "$WS" && run_env "$CS" --explain --backend "$wb" "$@" 2>/dev/null) |
        sed -n '/^command line:$/{n;p;}' | sed 's/^  //' | tr ' ' '\n' |
        sed "s/^'\\(.*\\)'\$/\\1/" |
        awk '/^--add-seccomp-fd$|^--block-fd$/ { skip = 1; next }
             skip { skip = 0; next }
             /@SECCOMP_FD@|^--name=/ { next }
             { print }'
}
# The docker image: the one the policy names, or a small local one.
dk=$(command -v docker || true)
dk_img=
dk_pol=
if [ -n "$dk" ] && timeout 5 "$dk" info >/dev/null 2>&1; then
    dk_img=$(timeout 5 "$dk" image ls --format '{{.Repository}}:{{.Tag}}' 2>/dev/null |
        grep -v '<none>' | grep -E '^(clawshim-test|debian|ubuntu|alpine|busybox)' | head -1 || true)
    if [ -n "$dk_img" ]; then
        dk_pol=$S/pol/docker.ini
        printf '[clawshim]\nversion = 1\n[docker]\nimage = %s\n' "$dk_img" >"$dk_pol"
    fi
fi
# (as many runs as the engine allows: firejail and docker are slow)
for b in bwrap:0 firejail:100 docker:20; do
    name=${b%:*}
    set -- -- /bin/true
    [ "$name" = docker ] && { [ -n "$dk_pol" ] || continue; set -- --policy "$dk_pol" -- /bin/true; }
    if (cd "$WS" && run_env "$CS" --backend "$name" "$@" >/dev/null 2>&1); then
        set -f # one argument per line, none with spaces; globs are firejail's
        # shellcheck disable=SC2046
        add "$main" "raw $name, clawshim's argv" "${b#*:}" "$WS" $(wrapper_argv "$name" "$@")
        set +f
        add "$main" "clawshim $name" "${b#*:}" "$WS" "$CS" --backend "$name" "$@"
    else
        skip "$name: clawshim --backend $name cannot run here: $( (cd "$WS" &&
            run_env "$CS" --backend "$name" "$@" 2>&1 >/dev/null) | head -1)"
    fi
done
if [ -z "$dk" ]; then skip "docker: no docker CLI"
elif [ -z "$dk_img" ]; then
    if timeout 5 "$dk" info >/dev/null 2>&1; then
        skip "docker: engine up but no local clawshim-test/debian/ubuntu/alpine/busybox image (no pulls: no network)"
    else
        skip "docker: CLI present but no running engine reachable"
    fi
fi
echo
run_env "$SPAWN" -n "$ITER" -w "$WARMUP" -B "bare /bin/true" -F "floor /bin/true" \
    -o "$S/main.tsv" "$main"

# ---------------------------------------------------------------------------
echo
echo "== clawshim footprint"
rss=$(run_env "$SPAWN" -r -C "$WS" -- "$CS" -- /bin/true)
rss_bare=$(run_env "$SPAWN" -r -- /bin/true)
rss_floor=$(run_env "$SPAWN" -r -- "$FLOOR" /bin/true)
echo "  peak RSS, clawshim -- /bin/true (max over its process tree): $rss KiB"
echo "    (for scale: bare /bin/true $rss_bare KiB, floor /bin/true $rss_floor KiB)"
strip_sz=
if command -v strip >/dev/null 2>&1; then
    strip -o "$S/clawshim.stripped" "$CS"
    strip_sz=$(stat -c %s "$S/clawshim.stripped")
    echo "  binary: $(stat -c %s "$CS") bytes as built, $strip_sz bytes stripped"
else
    skip "stripped size: no strip(1) (apt-get install binutils)"
fi
echo "  shared libraries:"
ldd "$CS" | sed 's/^[[:space:]]*/    /'
rss_static=
if [ -n "$CSS" ]; then
    rss_static=$(run_env "$SPAWN" -r -C "$WS" -- "$CSS" -- /bin/true)
    sz=$(stat -c %s "$CSS")
    if command -v strip >/dev/null 2>&1; then
        strip -o "$S/clawshim-static.stripped" "$CSS"
        sz="$sz bytes as built, $(stat -c %s "$S/clawshim-static.stripped") bytes stripped"
    else
        sz="$sz bytes as built"
    fi
    echo "  static build (make static): $sz; peak RSS $rss_static KiB; no shared libraries"
fi

# ---------------------------------------------------------------------------
echo
echo "== scaling with policy size (extra read_only directories, one per line)"
pspec=$S/policy.spec
: >"$pspec"
add "$pspec" "floor /bin/true" 0 - "$FLOOR" /bin/true
add "$pspec" "clawshim, default policy" 0 "$WS" "$CS" -- /bin/true
for n in 10 100 1000; do
    f=$S/pol/ro$n.ini
    printf '[clawshim]\nversion = 1\n[filesystem]\n' >"$f"
    i=0
    while [ "$i" -lt "$n" ]; do
        d=$S/ro/d$i
        mkdir -p "$d"
        echo "read_only = $d" >>"$f"
        i=$((i + 1))
    done
    add "$pspec" "clawshim, +$n read_only" 0 "$WS" "$CS" --policy "$f" -- /bin/true
done
run_env "$SPAWN" -n "$SITER" -w "$WARMUP" -F "floor /bin/true" -o "$S/policy.tsv" "$pspec"

# ---------------------------------------------------------------------------
echo
echo "== audit log on vs off (--log; start and end events, each under the lock)"
# Outside every grant, as the default ~/.local/state/clawshim is (a log
# under /tmp would add a mount to hide it): BENCH_LOGDIR, else a directory
# in the real home, removed afterwards.
LOGDIR=${BENCH_LOGDIR:-${HOME:-/root}/.cache/clawshim-bench-log.$$}
mkdir -p "$LOGDIR"
aspec=$S/audit.spec
: >"$aspec"
add "$aspec" "floor /bin/true" 0 - "$FLOOR" /bin/true
add "$aspec" "clawshim, log off" 0 "$WS" "$CS" -- /bin/true
add "$aspec" "clawshim, log on" 0 "$WS" "$CS" --log "$LOGDIR/audit.log" -- /bin/true
run_env "$SPAWN" -n "$ITER" -w "$WARMUP" -F "floor /bin/true" -o "$S/audit.tsv" "$aspec"
# The p10 difference too: the median moves with whatever else the
# machine does, the fastest tenth much less.
awk -F '\t' '$1 == "clawshim, log off" { m0 = $2; p0 = $3 } $1 == "clawshim, log on" { m1 = $2; p1 = $3 }
    END { if (m0 != "" && m1 != "") printf "  the log costs %+.0f us per command at the median, %+.0f us at p10 (target <= 100 us)\n", m1 - m0, p1 - p0 }' \
    "$S/audit.tsv"
echo "  $(cat "$LOGDIR"/audit.log* | wc -l) events, $(stat -c %s "$LOGDIR/audit.log") bytes in the current file"
[ -n "${BENCH_LOGDIR:-}" ] || rm -rf "$LOGDIR"

# ---------------------------------------------------------------------------
echo
echo "== scaling with workspace size"
# Cached between runs (creating 200k files takes a few seconds); outside the
# repository.  Each workspace has a .git with hooks and config, the paths the
# default policy protects for writing inside the workspace.
mkws() {  # mkws DIR LAYOUT
    [ -f "$1/.complete" ] && return 0
    rm -rf "$1"
    mkdir -p "$1/.git/hooks" "$1/.git/objects"
    : >"$1/.git/config"
    case $2 in
    tree)  # 100 directories x 1000 files
        i=0
        while [ "$i" -lt 100 ]; do mkdir "$1/d$i"; i=$((i + 1)); done
        seq 0 99999 | awk -v r="$1" '{ printf "%s/d%d/f%d\n", r, $1 % 100, $1 }' |
            xargs touch ;;
    flat)  # 100000 files at the top level
        seq 0 99999 | awk -v r="$1" '{ printf "%s/f%d\n", r, $1 }' | xargs touch ;;
    esac
    : >"$1/.complete"
}
if mkdir -p "$CACHE" 2>/dev/null; then
    echo "  (workspaces cached in $CACHE; remove it to reclaim the space)"
    mkws "$CACHE/ws100k-tree" tree
    mkws "$CACHE/ws100k-flat" flat
    mkdir -p "$S/wsgit/.git/hooks"; : >"$S/wsgit/.git/config"
    wspec=$S/ws.spec
    : >"$wspec"
    add "$wspec" "floor /bin/true" 0 - "$FLOOR" /bin/true
    add "$wspec" "clawshim, empty workspace" 0 "$WS" "$CS" -- /bin/true
    add "$wspec" "clawshim, empty + .git" 0 "$S/wsgit" "$CS" -- /bin/true
    add "$wspec" "clawshim, 100k files, 100 dirs" 0 "$CACHE/ws100k-tree" "$CS" -- /bin/true
    add "$wspec" "clawshim, 100k files, flat" 0 "$CACHE/ws100k-flat" "$CS" -- /bin/true
    run_env "$SPAWN" -n "$SITER" -w "$WARMUP" -F "floor /bin/true" -o "$S/ws.tsv" "$wspec"
else
    skip "workspace scaling: cannot create $CACHE (set BENCH_CACHE)"
fi

# ---------------------------------------------------------------------------
if [ "${BENCH_HYPERFINE:-1}" != 0 ] && command -v hyperfine >/dev/null 2>&1; then
    echo
    echo "== hyperfine cross-check (batched per command, not interleaved: informational only)"
    (cd "$WS" && run_env hyperfine -N --style basic --warmup 20 --runs 300 \
        /bin/true "$FLOOR /bin/true" "$CS -- /bin/true" 2>&1 |
        grep -E 'Benchmark|Time|Range|Error' | sed 's/^/  /')
fi

# ---------------------------------------------------------------------------
echo
echo "== targets (informational; the bench never fails on them)"
floor_m=$(median_of "$S/main.tsv" "floor /bin/true")
ll_m=$(median_of "$S/main.tsv" "clawshim landlock (auto)")
printf '  %-44s %-10s target <= 1.15x\n' "landlock, default policy / floor:" "$(ratio "$ll_m" "$floor_m")"
for b in bwrap:1.10 firejail:1.05 docker:1.05; do
    c_m=$(median_of "$S/main.tsv" "clawshim ${b%:*}")
    r_m=$(median_of "$S/main.tsv" "raw ${b%:*}, clawshim's argv")
    if [ -n "$c_m" ] && [ -n "$r_m" ]; then r=$(ratio "$c_m" "$r_m"); else r="n/a"; fi
    printf '  %-44s %-10s target <= %sx\n' "${b%:*} backend / the same ${b%:*} command:" "$r" "${b#*:}"
done
printf '  %-44s %-10s target <= 2048 KiB\n' "peak RSS:" "$rss KiB"
printf '  %-44s %-10s target <= 102400 bytes (100 KiB)\n' "stripped binary:" "${strip_sz:-n/a}"
sh_m=$(median_of "$S/main.tsv" "clawshim -c true (shell)")
bash_m=$(median_of "$S/main.tsv" "bash -c true")
printf '  %-44s %-10s (for reference: no target)\n' "shell mode / bash -c true:" "$(ratio "$sh_m" "$bash_m")"
if [ -n "$CSS" ]; then
    st_m=$(median_of "$S/main.tsv" "clawshim landlock, static")
    printf '  %-44s %-10s (for reference: no target)\n' "landlock, static build / the default build:" "$(ratio "$st_m" "$ll_m")"
fi
