# bash completion for paperwatch(1)
_paperwatch()
{
    local cur prev words cword cmd i
    _init_completion 2>/dev/null || {
        cur=${COMP_WORDS[COMP_CWORD]}
        prev=${COMP_WORDS[COMP_CWORD-1]}
        words=("${COMP_WORDS[@]}")
        cword=$COMP_CWORD
    }
    local commands="run daemon parse list search show explain star unstar
        read unread ignore digest rescore sources import export eval check"
    local global="--config --db -q -v --help --version"

    for ((i = 1; i < cword; i++)); do
        case ${words[i]} in
        --config | --db) ((i++)) ;;
        -*) ;;
        *) cmd=${words[i]}; break ;;
        esac
    done

    case $prev in
    --config | --db | --output)
        COMPREPLY=($(compgen -f -- "$cur")); return ;;
    --format)
        case $cmd in
        export) COMPREPLY=($(compgen -W "bibtex json jsonfeed opml" -- "$cur")) ;;
        digest) COMPREPLY=($(compgen -W "text md html json" -- "$cur")) ;;
        list | search) COMPREPLY=($(compgen -W "text json md" -- "$cur")) ;;
        *) COMPREPLY=($(compgen -W "text json" -- "$cur")) ;;
        esac
        return ;;
    --since) COMPREPLY=($(compgen -W "12h 1d 2d 1w" -- "$cur")); return ;;
    --limit | --min-score | --tag | --source) return ;;
    esac

    if [[ -z $cmd ]]; then
        if [[ $cur == -* ]]; then
            COMPREPLY=($(compgen -W "$global" -- "$cur"))
        else
            COMPREPLY=($(compgen -W "$commands" -- "$cur"))
        fi
        return
    fi
    local opts="--help"
    case $cmd in
    run) opts+=" --all --source --dry-run --no-notify --format" ;;
    list) opts+=" --since --min-score --unread --starred --source --tag --limit --format" ;;
    search) opts+=" --limit --format" ;;
    show | explain | sources) opts+=" --format" ;;
    digest) opts+=" --since --format --send --output" ;;
    import) opts+=" --output --restart" ;;
    export) opts+=" --format --output --starred --unread --since --min-score --source --tag --limit" ;;
    parse) opts+=" --format" ;;
    esac
    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$opts $global" -- "$cur"))
    elif [[ $cmd == @(import|eval|parse) ]]; then
        COMPREPLY=($(compgen -f -- "$cur"))
    fi
}
complete -F _paperwatch paperwatch
