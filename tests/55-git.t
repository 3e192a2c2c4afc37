#!/bin/sh
# SPDX-License-Identifier: MIT
# 55-git.t: the workspace's git metadata, on the built-in default policy,
# landlock and bwrap, as root and as uid 65534.  A sandboxed command
# really plants what would make the agent's next git command (run outside
# the sandbox) run a program: core.fsmonitor in a submodule's config it
# registers itself, in a nested submodule, in a linked worktree's
# config.worktree, in a repository it makes with git init, a .git file
# pointing elsewhere; in a workspace that is a linked worktree and one
# that is a submodule.  The planted program writes a marker: it must not
# appear.  And the ordinary git work of an agent must keep working.
. "$(dirname "$0")/lib.sh"

# Markers and planted directories outside every tree the default grants.
OUTSIDE=$(mktemp -d /var/lib/clawshim-t55.XXXXXX 2>/dev/null ||
	  { mkdir -p /var/lib && mktemp -d /var/lib/clawshim-t55.XXXXXX; })
chmod 1777 "$OUTSIDE"
trap 'rm -rf "$SCRATCH" "$OUTSIDE"' EXIT

BACKENDS="landlock"
BWRAP_OK=0
if command -v bwrap >/dev/null 2>&1; then BACKENDS="$BACKENDS bwrap"; BWRAP_OK=1; fi

# sb CMD...: the command in the sandbox from workspace $W, backend $BE.
sb() { run_in "$W" $CLAWSHIM --backend "$BE" $EXTRA -- "$@"; }
EXTRA=""
# g ARGS...: the agent's own git, outside the sandbox, as the test user.
g() { as_user env GIT_CONFIG_NOSYSTEM=1 git "$@" >/dev/null 2>&1; }

# repo DIR: a repository with one commit, made by the user.
repo() {
	as_user sh -c "cd '$1' && git init -q . && git config user.email t@example.com &&
		git config user.name tester && echo one >a && git add a && git commit -qm one" \
		>/dev/null 2>&1
	[ -f "$1/.git/config" ]
}

# fsm MARK: the core.fsmonitor value of a planted config.
fsm() { printf '[core]\n\tfsmonitor = "touch %s; false"\n' "$1"; }

# Can this user run this backend here?  Skip the rest for it if not.
usable() {
	W=$(newdir probe-$BE)
	sb true
	if [ "$RC" -ne 0 ]; then
		skip "$WHO: clawshim --backend $BE cannot run here: $ERR"
		return 1
	fi
}

t_modules() {
	W=$(newdir mod-$BE); repo "$W" || { ok 1 "$WHO/$BE: set up a repository"; return; }
	M=$OUTSIDE/mod-$WHO-$BE; rm -f "$M"
	# A gitlink in the index and .git/modules/x/config with fsmonitor: the
	# agent's git status runs status in the submodule, and its fsmonitor.
	sb sh -c "sha=\$(git rev-parse HEAD) && mkdir -p x .git/modules/x &&
		git --git-dir=.git/modules/x init -q &&
		printf 'gitdir: ../.git/modules/x\n' >x/.git &&
		git --git-dir=.git/modules/x config core.bare false &&
		git --git-dir=.git/modules/x config core.worktree ../../../x &&
		git --git-dir=.git/modules/x config core.fsmonitor 'touch $M; false' &&
		git update-index --add --cacheinfo 160000,\$sha,x && echo planted"
	is "0:planted" "$RC:$OUT" "$WHO/$BE: the command registers a submodule and writes its config"
	like "$ERR" "*clawshim: the command created $W/.git/modules/x/config, which the policy protects; moved it to $W/.git/modules/x/config.clawshim-quarantine.* (it sets core.fsmonitor, which a run may not leave)*" \
		"$WHO/$BE: ... which clawshim moves aside at the end, saying why"
	(cd "$W" && g status)
	[ ! -e "$M" ]; ok $? "$WHO/$BE: the agent's git status does not run the planted fsmonitor"
	# The same, nested: a submodule of a submodule.
	rm -f "$M"
	sb sh -c "mkdir -p .git/modules/a/modules/b && git --git-dir=.git/modules/a/modules/b init -q &&
		printf '[core]\n\tfsmonitor = \"touch $M; false\"\n' >>.git/modules/a/modules/b/config"
	[ ! -e "$W/.git/modules/a/modules/b/config" ]
	ok $? "$WHO/$BE: a nested submodule's planted config is moved aside"
	mkdir -p "$W/nb" && chown --reference="$W" "$W/nb"
	(cd "$W" && as_user env GIT_DIR=.git/modules/a/modules/b GIT_WORK_TREE=nb git status >/dev/null 2>&1)
	[ ! -e "$M" ]; ok $? "$WHO/$BE: git in the nested submodule does not run the planted fsmonitor"
	# A symlink sending modules/y elsewhere is moved, its target untouched.
	mkdir -p "$OUTSIDE/evil-$WHO-$BE" && fsm "$M" >"$OUTSIDE/evil-$WHO-$BE/config"
	sb ln -s "$OUTSIDE/evil-$WHO-$BE" .git/modules/y
	[ ! -L "$W/.git/modules/y" ] && [ -f "$OUTSIDE/evil-$WHO-$BE/config" ]
	ok $? "$WHO/$BE: a symlink planted in .git/modules is moved aside, its target untouched"
	# An existing config is read-only during the run.
	as_user git --git-dir="$W/.git/modules/z" init -q >/dev/null 2>&1
	sb sh -c "git --git-dir=.git/modules/z config core.fsmonitor 'touch $M'"
	[ "$RC" -ne 0 ]; ok $? "$WHO/$BE: an existing submodule config cannot be changed (rc $RC)"
}

t_worktrees() {
	W=$(newdir wt-$BE); repo "$W" || { ok 1 "$WHO/$BE: set up a repository"; return; }
	M=$OUTSIDE/wt-$WHO-$BE; rm -f "$M"
	as_user sh -c "cd '$W' && git config extensions.worktreeConfig true && git worktree add -q wt" \
		>/dev/null 2>&1
	[ -f "$W/.git/worktrees/wt/commondir" ] || { ok 1 "$WHO/$BE: set up a linked worktree"; return; }
	sb sh -c "printf '[core]\n\tfsmonitor = \"touch $M; false\"\n' >.git/worktrees/wt/config.worktree"
	[ ! -e "$W/.git/worktrees/wt/config.worktree" ]
	ok $? "$WHO/$BE: a planted worktrees/wt/config.worktree is moved aside"
	(cd "$W/wt" && g status)
	[ ! -e "$M" ]; ok $? "$WHO/$BE: git status in the linked worktree does not run it"
	sb sh -c "echo $OUTSIDE >.git/worktrees/wt/commondir"
	[ "$RC" -ne 0 ] && [ "$(cat "$W/.git/worktrees/wt/commondir")" = "../.." ]
	ok $? "$WHO/$BE: the existing worktrees/wt/commondir cannot be rewritten (rc $RC)"
	# A worktree made inside: its commondir is ../.., nothing is moved.
	sb git worktree add -q wt2
	is 0 "$RC" "$WHO/$BE: git worktree add works inside"
	lacks "$ERR" "moved it" "$WHO/$BE: ... and nothing it made is moved aside"
	(cd "$W/wt2" && g status); is 0 "$?" "$WHO/$BE: the agent's git works in that worktree"
	# A commondir other than ../.. in a new worktree is moved aside.
	sb sh -c "mkdir -p .git/worktrees/w3 && echo /elsewhere >.git/worktrees/w3/commondir"
	[ ! -e "$W/.git/worktrees/w3/commondir" ]
	ok $? "$WHO/$BE: a new worktree's commondir pointing elsewhere is moved aside"
}

t_init() {
	W=$(newdir init-$BE)
	M=$OUTSIDE/init-$WHO-$BE; rm -f "$M"
	# No repository at the start: the command makes one, with a hook and
	# an fsmonitor; the agent later runs git there.
	sb sh -c "git init -q && printf '[core]\n\tfsmonitor = \"touch $M; false\"\n' >>.git/config &&
		printf '#!/bin/sh\ntouch $M\n' >.git/hooks/pre-commit && chmod +x .git/hooks/pre-commit"
	[ ! -e "$W/.git/config" ] && [ ! -e "$W/.git/hooks/pre-commit" ]
	ok $? "$WHO/$BE: git init's config and hook planted in a new repository are moved aside"
	like "$ERR" "*moved it to $W/.git/hooks/pre-commit.clawshim-quarantine.* (a hook runs outside the sandbox)*" \
		"$WHO/$BE: ... saying so"
	(cd "$W" && g status && echo x >x && g add x && g -c user.name=t -c user.email=t@e commit -qm x)
	[ ! -e "$M" ]; ok $? "$WHO/$BE: the agent's git status and commit there run nothing planted"
	# A .git file pointing at a planted git directory.
	W=$(newdir initf-$BE)
	mkdir -p "$OUTSIDE/g-$WHO-$BE" && git init -q --bare "$OUTSIDE/g-$WHO-$BE" &&
		fsm "$M" >>"$OUTSIDE/g-$WHO-$BE/config" && chmod -R a+rX "$OUTSIDE/g-$WHO-$BE"
	sb sh -c "echo 'gitdir: $OUTSIDE/g-$WHO-$BE' >.git"
	[ ! -e "$W/.git" ]; ok $? "$WHO/$BE: a .git file made during the run is moved aside"
	# Ordinary work in a new repository keeps everything.
	W=$(newdir init2-$BE)
	sb sh -c "git init -q && git config user.email t@example.com && git config user.name t &&
		echo x >x && git add x && git commit -qm x && git log --oneline | wc -l"
	is "0:1" "$RC:$(echo "$OUT" | tr -d ' ')" "$WHO/$BE: git init, config user.*, add, commit in a new repository"
	lacks "$ERR" "moved it" "$WHO/$BE: ... and nothing git made is moved aside"
	[ -f "$W/.git/config" ]; ok $? "$WHO/$BE: ... its config stays"
}

t_work() {
	W=$(newdir work-$BE); repo "$W" || { ok 1 "$WHO/$BE: set up a repository"; return; }
	UP=$OUTSIDE/up-$WHO-$BE
	rm -rf "$UP"; mkdir -p "$UP"
	git -C "$UP" init -q && git -C "$UP" -c user.email=u@e -c user.name=u commit -q --allow-empty -m up
	chmod -R a+rX "$UP"
	EXTRA="--read-only $UP"
	sb sh -c "echo two >b && git add b && git commit -qm two && git branch feature &&
		git checkout -qb topic && git checkout -q feature &&
		git -c protocol.file.allow=always submodule add -q $UP sub 2>/dev/null;
		git commit -qm sub && git -C sub log --oneline | wc -l"
	is "0:1" "$RC:$(echo "$OUT" | tr -d ' ')" "$WHO/$BE: add, commit, branch, checkout, submodule add from a local path"
	lacks "$ERR" "moved it" "$WHO/$BE: ... and nothing git made is moved aside"
	[ -f "$W/.git/modules/sub/config" ]; ok $? "$WHO/$BE: ... the submodule's config stays"
	# A clone of it, then submodule update --init inside.
	W2=$(newdir work2-$BE)
	as_user git -c protocol.file.allow=always clone -q "$W" "$W2/c" >/dev/null 2>&1
	W=$W2/c
	EXTRA="--read-only $UP"
	# "submodule init" writes .git/config, which stays read-only: the
	# agent runs it outside, the update works inside.
	sb git -c protocol.file.allow=always submodule update -q --init
	[ "$RC" -ne 0 ]; ok $? "$WHO/$BE: git submodule update --init cannot register the url in .git/config"
	as_user git -C "$W" submodule init -q >/dev/null 2>&1
	sb git -c protocol.file.allow=always submodule update -q
	is 0 "$RC" "$WHO/$BE: after git submodule init outside, git submodule update works inside"
	lacks "$ERR" "moved it" "$WHO/$BE: ... and nothing it made is moved aside"
	(cd "$W/sub" && g status); is 0 "$?" "$WHO/$BE: the agent's git works in that submodule"
	EXTRA=""
}

# The workspace is a linked worktree whose main repository is writable too
# (both under /tmp), or a submodule: the directories its .git names.
t_linked() {
	P=$(newdir lk-$BE); MAIN=$P/main
	as_user mkdir "$MAIN"; repo "$MAIN" || { ok 1 "$WHO/$BE: set up a repository"; return; }
	M=$OUTSIDE/lk-$WHO-$BE; rm -f "$M"
	as_user sh -c "cd '$MAIN' && git config extensions.worktreeConfig true &&
		git worktree add -q '$MAIN-lw'" >/dev/null 2>&1
	W=$MAIN-lw
	[ -f "$W/.git" ] || { ok 1 "$WHO/$BE: set up a linked worktree"; return; }
	sb sh -c "echo 'gitdir: $OUTSIDE' >.git"
	[ "$RC" -ne 0 ] && grep -q "^gitdir: $MAIN/.git/worktrees/" "$W/.git"
	ok $? "$WHO/$BE: a linked worktree's .git file cannot be rewritten (rc $RC)"
	sb sh -c "git config core.fsmonitor 'touch $M; false'"
	[ "$RC" -ne 0 ]; ok $? "$WHO/$BE: the main repository's config cannot be changed from the worktree"
	WT=$(sed 's/^gitdir: //' "$W/.git")
	sb sh -c "printf '[core]\n\tfsmonitor = \"touch $M; false\"\n' >$WT/config.worktree"
	[ ! -e "$WT/config.worktree" ]; ok $? "$WHO/$BE: a planted config.worktree of the workspace is moved aside"
	(cd "$W" && g status); [ ! -e "$M" ]
	ok $? "$WHO/$BE: the agent's git status in the linked worktree runs nothing planted"
	# A submodule workspace.
	SUP=$(newdir sup-$BE); repo "$SUP" || return
	as_user sh -c "cd '$SUP' && git -c protocol.file.allow=always submodule add -q '$MAIN' sm &&
		git commit -qm sm" >/dev/null 2>&1
	W=$SUP/sm
	[ -f "$W/.git" ] || { ok 1 "$WHO/$BE: set up a submodule"; return; }
	sb sh -c "git config core.fsmonitor 'touch $M; false'"
	[ "$RC" -ne 0 ]; ok $? "$WHO/$BE: a submodule workspace's config cannot be changed (rc $RC)"
	sb sh -c "printf '#!/bin/sh\ntouch $M\n' >$SUP/.git/modules/sm/hooks/post-checkout"
	[ ! -e "$SUP/.git/modules/sm/hooks/post-checkout" ]
	ok $? "$WHO/$BE: no hook can be planted in a submodule workspace's git directory"
	(cd "$W" && g status && g checkout -q -b x); [ ! -e "$M" ]
	ok $? "$WHO/$BE: the agent's git in the submodule runs nothing planted"
}

# What the repository's config sends git to inside the workspace: a
# core.hooksPath (husky's .husky) and an included file.
t_config_refs() {
	W=$(newdir refs-$BE); repo "$W" || { ok 1 "$WHO/$BE: set up a repository"; return; }
	M=$OUTSIDE/refs-$WHO-$BE; rm -f "$M"
	as_user sh -c "cd '$W' && mkdir .husky && git config core.hooksPath .husky &&
		git config include.path ../.gitconfig-shared" >/dev/null 2>&1
	sb sh -c "printf '#!/bin/sh\ntouch $M\n' >.husky/pre-commit && chmod +x .husky/pre-commit"
	[ "$RC" -ne 0 ] && [ ! -e "$W/.husky/pre-commit" ]
	ok $? "$WHO/$BE: no hook can be planted in the core.hooksPath directory (rc $RC)"
	sb sh -c "printf '[core]\n\tfsmonitor = \"touch $M; false\"\n' >.gitconfig-shared"
	[ ! -e "$W/.gitconfig-shared" ]; ok $? "$WHO/$BE: a planted included config file is moved aside"
	(cd "$W" && g status && echo y >y && g add y && g commit -qm y)
	[ ! -e "$M" ]; ok $? "$WHO/$BE: the agent's git status and commit run nothing planted"
	[ -f "$W/.git/config" ]; ok $? "$WHO/$BE: the user's own config (hooksPath, include) stays"
}

each_backend() {
	for BE in $BACKENDS; do
		usable || continue
		t_modules
		t_worktrees
		t_init
		t_work
		t_linked
		t_config_refs
	done
}

[ "$BWRAP_OK" = 1 ] || skip "bwrap is missing: apt-get install bubblewrap"
for_each_user each_backend
done_testing
