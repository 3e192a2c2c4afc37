# SPDX-License-Identifier: MIT
# drive.sh: how each agent is set up and run for agents.t, both modes:
# its commands through clawshim, and the whole agent under clawshim.
# These are the README's recipes, with the model pointed at $URL.

# drive_pi_setup NAME: a home for pi pointed at the model and the link.
drive_pi_setup() {
	new_home "$1"
	mkdir -p "$H/.pi/agent"
	cat > "$H/.pi/agent/models.json" <<JSON
{ "providers": { "fake": { "baseUrl": "$URL/v1", "api": "openai-completions", "apiKey": "x",
  "compat": { "supportsDeveloperRole": false, "supportsReasoningEffort": false },
  "models": [ { "id": "fake-model" } ] } } }
JSON
	echo "{ \"shellPath\": \"$SHELLS/bash\" }" > "$H/.pi/agent/settings.json"
	printf '[clawshim]\nversion = 1\n[sandbox]\nprofile = pi\n' > "$H/.config/clawshim/clawshim.ini"
}

drive_pi() {
	# pi runs settings.json's shellPath, else /bin/bash: ignores $SHELL.
	needs_node pi 20 || return 0
	drive_pi_setup pi
	run_agent pi "$BIN/pi" --provider fake --model fake-model -p "run the test command"
	assert_turn pi commands
}

drive_pi_timeout() {
	# pi's timeout kills the command's process group, kill(-pid,
	# SIGKILL), which is clawshim's too: what the command left running
	# must die with it (within a second, as DESIGN.md says).
	needs_node pi 20 || return 0
	drive_pi_setup pi-timeout
	# Marked by a duration of its own: inside clawshim's PID namespace $!
	# is not the PID the host sees, so the sleep is found by its argv.
	_mark=7$$
	printf '%s\n' "sleep $_mark & echo started > bgpid; wait; printf 'tool-%s-ran\\n' 42" > "$FAKEMODEL_DIR/command"
	echo 2 > "$FAKEMODEL_DIR/timeout"
	LIMIT=30 run_agent pi-timeout "$BIN/pi" --provider fake --model fake-model -p "run the test command"
	rm -f "$FAKEMODEL_DIR/command" "$FAKEMODEL_DIR/timeout"
	# A leftover holding the output pipe keeps pi waiting for it.
	rc=$(cat "$R/pi-timeout.rc")
	[ "$rc" != 137 ]; ok $? "pi (timeout): pi finished its turn after the timeout (rc $rc; 137: killed after 30 s)"
	if [ "$(cat "$W/bgpid" 2>/dev/null)" != started ]; then
		ok 1 "pi (timeout): the command started its background sleep"
		return
	fi
	ok 0 "pi (timeout): the command started its background sleep"
	for _ in $(seq 20); do pgrep -x -f "sleep $_mark" >/dev/null || break; sleep 0.1; done
	if pgrep -x -f "sleep $_mark" >/dev/null; then
		ok 1 "pi (timeout): its background sleep died with the process group"
		pkill -x -f "sleep $_mark"
	else
		ok 0 "pi (timeout): its background sleep died with the process group"
	fi
}

drive_claude_code() {
	# Claude Code runs CLAUDE_CODE_SHELL (else $SHELL) if its path
	# contains "bash" or "zsh": clawshim-bash.
	needs_node claude-code 18 || return 0
	new_home claude
	mkdir -p "$H/.claude"
	echo '{"hasCompletedOnboarding":true,"bypassPermissionsModeAccepted":true}' > "$H/.claude.json"
	printf '[clawshim]\nversion = 1\n[sandbox]\nprofile = claude-code\n' > "$H/.config/clawshim/clawshim.ini"
	XPATH=$SHELLS:$BASEPATH run_agent claude-code env IS_SANDBOX=1 CLAUDE_CODE_SHELL="$SHELLS/clawshim-bash" \
		ANTHROPIC_BASE_URL="$URL" ANTHROPIC_API_KEY=sk-ant-fake ANTHROPIC_MODEL=claude-sonnet-4-5 \
		"$BIN/claude" -p --dangerously-skip-permissions --allowedTools=Bash -- "run the test command"
	assert_turn claude-code commands
}

drive_claude_code_agent() {
	# The whole agent under clawshim; its commands again through
	# clawshim-bash, nested (it must work inside).
	needs_node claude-code 18 || return 0
	new_home claude-agent
	mkdir -p "$H/.claude"
	# Protected in whole-agent mode: a first run would create it.
	echo '{}' > "$H/.claude/settings.json"
	# The nested clawshim (the commands') takes the commands' profile.
	printf '[clawshim]\nversion = 1\n[sandbox]\nprofile = claude-code\n' > "$H/.config/clawshim/clawshim.ini"
	echo '{"hasCompletedOnboarding":true,"bypassPermissionsModeAccepted":true}' > "$H/.claude.json"
	XPATH=$SHELLS:$BASEPATH run_agent claude-code-agent env IS_SANDBOX=1 \
		CLAUDE_CODE_SHELL="$SHELLS/clawshim-bash" ANTHROPIC_BASE_URL="$URL" \
		ANTHROPIC_API_KEY=sk-ant-fake ANTHROPIC_MODEL=claude-sonnet-4-5 \
		"$CLAWSHIM" --profile claude-code-agent --read-only "$PREFIX" --read-only "$TOP" -- \
		"$BIN/claude" -p --dangerously-skip-permissions --allowedTools=Bash -- "run the test command"
	assert_turn claude-code whole-agent claude-code-agent
	if grep -q 'allows ALL network access' "$R/claude-code-agent.out"; then ok 0 "claude-code (whole-agent): the warning about allow = all"
	else ok 1 "claude-code (whole-agent): the warning about allow = all"; fi
}

drive_gemini() {
	# Gemini CLI runs the "bash" on PATH: clawshim's shells first.
	needs_node gemini 20 || return 0
	new_home gemini
	mkdir -p "$H/.gemini"
	echo '{"security":{"auth":{"selectedType":"gemini-api-key"}},"telemetry":{"enabled":false},"privacy":{"usageStatisticsEnabled":false},"general":{"disableAutoUpdate":true,"disableUpdateNag":true},"tools":{"sandbox":false}}' > "$H/.gemini/settings.json"
	printf '[clawshim]\nversion = 1\n[sandbox]\nprofile = gemini\n' > "$H/.config/clawshim/clawshim.ini"
	XPATH=$SHELLS:$BASEPATH run_agent gemini env GEMINI_API_KEY=fake \
		GOOGLE_GEMINI_BASE_URL="$URL" GEMINI_CLI_NO_RELAUNCH=1 GEMINI_CLI_TRUST_WORKSPACE=true \
		"$BIN/gemini" --yolo -m gemini-2.5-flash -p "run the test command"
	assert_turn gemini commands
}
drive_opencode() {
	# opencode runs "shell" of opencode.json, else $SHELL.
	new_home opencode
	# opencode installs @opencode-ai/plugin from the npm registry into
	# each config directory unless a lock file already lists it.
	mkdir -p "$H/.config/opencode/node_modules"
	echo '{"packages":{"":{"dependencies":{"@opencode-ai/plugin":"*"}}}}' > "$H/.config/opencode/package-lock.json"
	cat > "$H/.config/opencode/opencode.json" <<JSON
{ "autoupdate": false, "share": "disabled", "model": "fake/fake-model",
  "permission": { "bash": "allow", "edit": "allow", "external_directory": "allow" },
  "provider": { "fake": { "npm": "@ai-sdk/openai-compatible", "name": "fake",
    "options": { "baseURL": "$URL/v1", "apiKey": "x" }, "models": { "fake-model": { "name": "fake" } } } } }
JSON
	printf '[clawshim]\nversion = 1\n[sandbox]\nprofile = opencode\n' > "$H/.config/clawshim/clawshim.ini"
	run_agent opencode env SHELL="$SHELLS/bash" "$BIN/opencode" run "run the test command"
	assert_turn opencode commands
}
drive_codex() {
	# Codex runs the passwd shell: the whole agent goes under clawshim.
	new_home codex
	# Protected in whole-agent mode: a first run would create them.
	mkdir -p "$H/.codex/skills" "$H/.codex/rules" "$H/.codex/prompts"
	cat > "$H/.codex/config.toml" <<TOML
model = "fake-model"
model_provider = "fake"
check_for_update_on_startup = false
[model_providers.fake]
name = "fake"
base_url = "$URL/v1"
wire_api = "responses"
env_key = "OPENAI_API_KEY"
[analytics]
enabled = false
[otel]
exporter = "none"
[features]
plugins = false
remote_plugin = false
plugin_sharing = false
apps = false
in_app_updates = false
cli_daybreak = false
api_key_cyber_access_programs = false
skill_mcp_dependency_install = false
tool_suggest = false
TOML
	run_agent codex env OPENAI_API_KEY=sk-fake "$CLAWSHIM" --profile codex-agent --read-only "$PREFIX" -- \
		"$BIN/codex" exec --skip-git-repo-check --dangerously-bypass-approvals-and-sandbox "run the test command"
	assert_turn codex whole-agent
	if grep -q 'profile codex-agent allows ALL network access' "$R/codex.out"; then ok 0 "codex (whole-agent): the warning about allow = all"
	else ok 1 "codex (whole-agent): the warning about allow = all"; fi
}

drive_qwen() {
	# Qwen Code, like Gemini CLI: the "bash" on PATH.
	needs_node qwen 20 || return 0
	new_home qwen
	mkdir -p "$H/.qwen"
	echo '{"security":{"auth":{"selectedType":"openai"}},"telemetry":{"enabled":false},"privacy":{"usageStatisticsEnabled":false},"general":{"disableAutoUpdate":true},"tools":{"sandbox":false}}' > "$H/.qwen/settings.json"
	printf '[clawshim]\nversion = 1\n[sandbox]\nprofile = qwen\n' > "$H/.config/clawshim/clawshim.ini"
	XPATH=$SHELLS:$BASEPATH run_agent qwen env OPENAI_API_KEY=fake \
		OPENAI_BASE_URL="$URL/v1" OPENAI_MODEL=fake-model \
		"$BIN/qwen" --yolo -p "run the test command"
	assert_turn qwen commands
}
