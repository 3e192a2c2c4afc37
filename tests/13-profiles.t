#!/bin/sh
# SPDX-License-Identifier: MIT
# 13-profiles.t: --profile NAME and "profile = NAME": found in the user's
# profile directory first, a layer below the policy files, refused in the
# workspace file, unknown names listed; what the shipped claude-code
# profile grants and protects, tried by a real command.
. "$(dirname "$0")/lib.sh"
outside_dir clawshim-profiles

t_user() {
	H=$OUTSIDE/home-$WHO
	W=$OUTSIDE/ws-$WHO
	rm -rf "$H" "$W"
	mkdir -p "$H/.config/clawshim/profiles" "$H/.claude/shell-snapshots" "$H/.ssh" "$W"
	cp "$TOP"/profiles/*.ini "$H/.config/clawshim/profiles/"
	echo 'alias ll="ls -l"' > "$H/.bashrc"
	echo '{}' > "$H/.claude/settings.json"
	echo '{}' > "$W/.mcp.json"
	mkdir -p "$W/.claude/commands"
	echo secret-$$ > "$H/.ssh/id_rsa"
	[ "$WHO" = root ] || chown -R 65534:65534 "$H" "$W"
	E="env HOME=$H XDG_CONFIG_HOME=$H/.config"

	run_in "$W" $E "$CLAWSHIM" --profile no-such -- true
	is 125 "$RC" "$WHO: an unknown profile: exit 125"
	like "$ERR" "*unknown profile 'no-such' (known: claude-code, claude-code-agent, codex, codex-agent, gemini, opencode, pi, qwen)*" "$WHO: ... with the known ones listed"
	printf '[clawshim]\nversion = 1\n[sandbox]\nprofile = no-such\n' > "$W/../check-$WHO.ini"
	run_in "$W" $E "$CLAWSHIM" --check-policy "$W/../check-$WHO.ini"
	like "$RC:$ERR" "125:*unknown profile 'no-such'*" "$WHO: --check-policy checks the profile named"
	run_in "$W" $E "$CLAWSHIM" --profile ../etc -- true
	like "$RC:$ERR" "125:*'../etc' is not a profile name*" "$WHO: a profile name is no path"

	run_in "$W" $E "$CLAWSHIM" --profile claude-code --dump-policy
	like "$OUT" "*shell = /bin/bash ; $H/.config/clawshim/profiles/claude-code.ini:*" "$WHO: --dump-policy shows the profile's lines, from its file"
	like "$OUT" "*profile = claude-code ; command line*" "$WHO: ... and the profile in force"
	run_in "$W" $E "$CLAWSHIM" --profile claude-code --explain -- true
	is 0 "$RC" "$WHO: --explain --profile runs"
	has_line "$OUT" "profile: claude-code" "$WHO: --explain names the profile"
	like "$OUT" "*no writes to $W/.mcp.json*" "$WHO: --explain lists the profile's protections"

	# A policy file overrides the profile (it lies above it).
	printf '[clawshim]\nversion = 1\n[sandbox]\nshell = /bin/sh\n' > "$W/../pol-$WHO.ini"
	run_in "$W" $E "$CLAWSHIM" --profile pi --policy "$W/../pol-$WHO.ini" --dump-policy
	like "$OUT" "*shell = /bin/sh ; $W/../pol-$WHO.ini:4*" "$WHO: --policy overrides the profile"

	# "profile =" in the user's file; the workspace file may not say it.
	printf '[clawshim]\nversion = 1\n[sandbox]\nprofile = claude-code\n' > "$H/.config/clawshim/clawshim.ini"
	run_in "$W" $E "$CLAWSHIM" --dump-policy
	like "$OUT" "*claude-code.ini:*" "$WHO: profile = NAME in the user's file applies it"
	printf '[clawshim]\nversion = 1\n[sandbox]\nprofile = pi\n' > "$W/.clawshim.ini"
	run_in "$W" $E "$CLAWSHIM" -- true
	like "$RC:$ERR" "125:*.clawshim.ini:4: 'profile' would widen access*" "$WHO: the workspace file may not name a profile"
	rm -f "$W/.clawshim.ini"

	# A profile may not name another.
	printf '[clawshim]\nversion = 1\n[sandbox]\nprofile = pi\n' > "$H/.config/clawshim/profiles/nested.ini"
	run_in "$W" $E "$CLAWSHIM" --profile nested -- true
	like "$RC:$ERR" "125:*nested.ini:4: a profile may not name another profile*" "$WHO: a profile naming another is refused"

	# What claude-code grants and protects, tried.
	run_in "$W" $E "$CLAWSHIM" -- bash -c 'cat ~/.bashrc; echo snap > ~/.claude/shell-snapshots/s.sh && echo wrote;
		echo "{\"hooks\":1}" > ~/.claude/settings.json; cat ~/.claude/settings.json; cat ~/.ssh/id_rsa'
	like "$OUT" '*alias ll=*' "$WHO: claude-code: ~/.bashrc readable (aliases load)"
	like "$OUT" '*wrote*' "$WHO: claude-code: the shell snapshot directory writable"
	like "$ERR" "*line 2: $H/.claude/settings.json: Permission denied*" "$WHO: claude-code: rewriting ~/.claude/settings.json refused"
	is '{}' "$(cat "$H/.claude/settings.json")" "$WHO: ... and it is unchanged"
	# Inside the writable workspace: the agent's project config.
	run_in "$W" $E "$CLAWSHIM" -- bash -c 'echo "{\"mcpServers\":1}" > .mcp.json; echo x > .claude/commands/evil.md; echo notes >> CLAUDE.md && echo edited'
	is '{}' "$(cat "$W/.mcp.json")" "$WHO: claude-code: .mcp.json in the workspace not rewritten"
	[ ! -e "$W/.claude/commands/evil.md" ]; ok $? "$WHO: claude-code: no new .claude/commands/ file"
	like "$OUT" '*edited*' "$WHO: claude-code: CLAUDE.md stays editable"
	case $OUT in *secret-$$*) ok 1 "$WHO: claude-code: ~/.ssh still unreadable" ;; *) ok 0 "$WHO: claude-code: ~/.ssh still unreadable" ;; esac
	# Nested (a command's "#!/usr/bin/env bash" finding the bash link):
	# the inner clawshim reads the profile of the user's file, not the
	# outer one's, from the user's directory.
	run_in "$W" $E "$CLAWSHIM" --profile pi --read-only "$TOP" -- "$TOP/tests/tmp/shells/bash" -c 'echo "in:$CLAWSHIM_BACKEND"; cat ~/.bashrc'
	like "$RC:$OUT" '0:in:*alias ll=*' "$WHO: a nested clawshim finds the profile in the user's directory"
	# Even with the home writable, the user's profiles are not: a planted
	# profile would widen a later run.
	run_in "$W" $E "$CLAWSHIM" --read-write "$H" -- bash -c 'echo x >> ~/.config/clawshim/profiles/pi.ini; echo x > ~/.config/clawshim/profiles/planted.ini; touch ~/ok'
	[ ! -e "$H/.config/clawshim/profiles/planted.ini" ] && ! grep -q '^x$' "$H/.config/clawshim/profiles/pi.ini" && [ -e "$H/ok" ]
	ok $? "$WHO: the user's profile directory is not writable from inside, the rest of a writable home is"
	rm -f "$H/.config/clawshim/clawshim.ini"
	run_in "$W" $E "$CLAWSHIM" -- bash -c 'cat ~/.bashrc || echo denied'
	like "$OUT" '*denied*' "$WHO: without the profile ~/.bashrc is unreadable"
}
for_each_user t_user
rm -rf "$OUTSIDE"
done_testing
