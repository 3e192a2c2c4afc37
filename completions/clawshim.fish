# SPDX-License-Identifier: MIT
# fish completion for clawshim(1): its long options, the --backend names,
# the --profile names found in the profile directories, files for the
# options that take a path, then the command and its own completion.

# The profile names: the *.ini files of the user's and the system's
# profile directories, without ".ini".
function __clawshim_profiles
    set -l user $HOME/.config
    set -q XDG_CONFIG_HOME; and set user $XDG_CONFIG_HOME
    for d in $user/clawshim/profiles /etc/clawshim/profiles \
        /usr/local/share/clawshim/profiles /usr/share/clawshim/profiles
        for f in $d/*.ini
            string replace -r '^.*/(.*)\.ini$' '$1' -- $f
        end
    end
end

# The words of the command typed so far, after clawshim's options and
# "--" (none while the command's name is the word being completed);
# status 1 while clawshim's own options are still being typed.
function __clawshim_command
    set -l tokens (commandline -opc)
    set -e tokens[1]
    set -l skip 0
    set -l i 0
    for t in $tokens
        set i (math $i + 1)
        if test $skip = 1
            set skip 0
            continue
        end
        switch $t
            case --
                printf '%s\n' $tokens[(math $i + 1)..-1]
                return 0
            case --policy --backend --profile --workspace --read-only --read-write --deny --timeout --check-policy --log -c
                set skip 1
            case '-*'
            case '*'
                printf '%s\n' $tokens[$i..-1]
                return 0
        end
    end
    # The word being completed: an option's value, an option, or the command.
    test $skip = 0; and not string match -q -- '-*' (commandline -ct)
end

# The completions of the command itself, as fish completes it alone.
function __clawshim_complete_command
    set -l words (__clawshim_command); or return
    complete -C (string join ' ' -- (string escape -- $words) (commandline -ct))
end

set -l c complete -c clawshim -n 'not __clawshim_command >/dev/null'
$c -l policy -r -F -d 'Apply FILE on top of the system and user policies'
$c -l backend -x -a 'auto landlock bwrap firejail docker sandbox-exec path none' -d 'The isolation backend'
$c -l profile -x -a '(__clawshim_profiles)' -d 'An agent profile, below --policy'
$c -l workspace -x -a '(__fish_complete_directories)' -d 'The read-write workspace'
$c -l read-only -r -F -d 'Also allow reading and executing PATH'
$c -l read-write -r -F -d 'Also allow writing PATH'
$c -l deny -r -F -d 'Deny all access to PATH'
$c -l allow-net -d 'Allow all network access'
$c -l allow-domain -x -d 'Allow HOST through the domain proxy'
$c -l timeout -x -d 'TERM the command after SECONDS, KILL later'
$c -l log -r -F -d 'Write the audit log (NDJSON) to FILE'
$c -l last -d 'Print the audit events of the latest run in this workspace'
$c -l check-policy -r -F -d 'Validate FILE and exit'
$c -l dump-policy -d 'Print the effective policy with the origin of each value'
$c -l explain -d 'Show how each guarantee is enforced; run nothing'
$c -l doctor -d 'What this host can enforce, per backend'
$c -l json -d 'JSON output for --explain, --doctor, --selftest or --last'
$c -l selftest -d 'Run the conformance corpus against each backend'
$c -l log -r -F -d 'Write the audit log (NDJSON) to FILE'
$c -l last -d 'Print the audit events of the latest run in this workspace'
$c -l help -d 'Print the usage'
$c -l version -d 'Print the version'
$c -s c -x -d 'Shell mode: run the command string'
complete -c clawshim -n '__clawshim_command >/dev/null' -x -a '(__clawshim_complete_command)'
