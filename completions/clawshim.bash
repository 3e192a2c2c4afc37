# SPDX-License-Identifier: MIT
# bash completion for clawshim(1): its long options, the --backend names,
# the --profile names found in the profile directories, files for the
# options that take a path, and after "--" (or the first word that is not
# an option) the command's own completion.

# The profile names: the *.ini files of the user's and the system's
# profile directories, without ".ini".
_clawshim_profiles()
{
    local d f
    for d in "${XDG_CONFIG_HOME:-$HOME/.config}/clawshim/profiles" \
        /etc/clawshim/profiles /usr/local/share/clawshim/profiles \
        /usr/share/clawshim/profiles; do
        for f in "$d"/*.ini; do
            [[ -e $f ]] || continue
            f=${f##*/}
            printf '%s\n' "${f%.ini}"
        done
    done
}

_clawshim()
{
    local cur prev words cword split
    _init_completion -s || return

    local i
    for ((i = 1; i < cword; i++)); do
        case ${words[i]} in
            --)
                _command_offset $((i + 1))
                return
                ;;
            --policy | --backend | --profile | --workspace | --read-only | \
                --read-write | --deny | --timeout | --check-policy | --log | --allow-domain | -c)
                ((i++))
                ;;
            -*) ;;
            *)
                _command_offset $i
                return
                ;;
        esac
    done

    case $prev in
        --policy | --check-policy | --read-only | --read-write | --deny | --log)
            _filedir
            return
            ;;
        --workspace)
            _filedir -d
            return
            ;;
        --backend)
            COMPREPLY=($(compgen -W 'auto landlock bwrap firejail docker sandbox-exec path none' -- "$cur"))
            return
            ;;
        --profile)
            COMPREPLY=($(compgen -W '$(_clawshim_profiles)' -- "$cur"))
            return
            ;;
        --timeout | --allow-domain | -c)
            return
            ;;
    esac
    $split && return

    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W '--policy --backend --profile --workspace
            --read-only --read-write --deny --allow-net --allow-domain --timeout --log --last
            --check-policy --dump-policy --explain --doctor --json --selftest
            --log --last
            --help --version --' -- "$cur"))
        return
    fi
    _command_offset $cword
} &&
    complete -F _clawshim clawshim
