# bash completion for threatgate                           -*- shell-script -*-
#
# Installed by `make install` as share/bash-completion/completions/threatgate.
# The commands and options are read from threatgate's own help, so that
# they follow the installed version; option values are completed for
# --format, --fail-on, --color, --repo, --config, --output and explain's rules.

_threatgate_commands() {
	threatgate --help 2>/dev/null |
		sed -n '/^Commands:/,/^$/{s/^  \([a-z][a-z-]*\).*/\1/p}' | sort -u
}

# _threatgate_options CMD: the long options of CMD's help (and -o, -q, -h).
_threatgate_options() {
	threatgate help "$1" 2>/dev/null |
		grep -oE '^ +(-[a-zA-Z], )?--[a-z][a-z0-9-]*' | grep -oE -- '--[a-z][a-z0-9-]*' | sort -u
}

_threatgate() {
	local cur prev words cword cmd i
	if declare -F _init_completion >/dev/null 2>&1; then
		_init_completion || return
	else
		cur=${COMP_WORDS[COMP_CWORD]}
		prev=${COMP_WORDS[COMP_CWORD - 1]}
		words=("${COMP_WORDS[@]}")
		cword=$COMP_CWORD
	fi

	cmd=
	for ((i = 1; i < cword; i++)); do
		case "${words[i]}" in
		-*) ;;
		*)
			cmd=${words[i]}
			break
			;;
		esac
	done

	case "$prev" in
	--format)
		if [ "$cmd" = scan ]; then
			mapfile -t COMPREPLY < <(compgen -W 'text json csv markdown html' -- "$cur")
		else
			mapfile -t COMPREPLY < <(compgen -W 'text json sarif markdown github gitlab' -- "$cur")
		fi
		return
		;;
	--fail-on)
		mapfile -t COMPREPLY < <(compgen -W 'error warning never' -- "$cur")
		return
		;;
	--color)
		mapfile -t COMPREPLY < <(compgen -W 'auto always never' -- "$cur")
		return
		;;
	--repo)
		mapfile -t COMPREPLY < <(compgen -d -- "$cur")
		return
		;;
	--config | -o | --output)
		mapfile -t COMPREPLY < <(compgen -f -- "$cur")
		return
		;;
	esac

	if [ -z "$cmd" ]; then
		if [[ $cur == -* ]]; then
			mapfile -t COMPREPLY < <(compgen -W '--help --version' -- "$cur")
		else
			mapfile -t COMPREPLY < <(compgen -W "$(_threatgate_commands)" -- "$cur")
		fi
		return
	fi

	if [[ $cur == -* ]]; then
		mapfile -t COMPREPLY < <(compgen -W "$(_threatgate_options "$cmd")" -- "$cur")
		return
	fi
	case "$cmd" in
	explain)
		mapfile -t COMPREPLY < <(compgen -W "$(threatgate rules 2>/dev/null | awk 'NR > 1 { print $1 }')" -- "$cur")
		;;
	hook)
		mapfile -t COMPREPLY < <(compgen -W 'pre-commit pre-push pre-receive' -- "$cur")
		;;
	help)
		mapfile -t COMPREPLY < <(compgen -W "$(_threatgate_commands)" -- "$cur")
		;;
	*)
		mapfile -t COMPREPLY < <(compgen -f -- "$cur")
		;;
	esac
}

complete -F _threatgate threatgate
