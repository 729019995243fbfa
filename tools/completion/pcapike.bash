# Tab completion for pcapike in bash (and zsh through bashcompinit). Source it from ~/.bashrc:
#     source /path/to/PcapIke/tools/completion/pcapike.bash
# zsh (~/.zshrc):  autoload -U +X bashcompinit && bashcompinit; source /path/to/pcapike.bash
# It asks pcapike itself for the candidates through System.CommandLine's [suggest:POSITION] directive, so it knows
# the installed version's commands and options; where pcapike suggests nothing (a file name), the shell completes
# file names. PCAPIKE_COMPLETE_COMMAND overrides the command asked (e.g. "dotnet /path/PcapIke.Cli.dll").
_pcapike_complete() {
    local cur="${COMP_WORDS[COMP_CWORD]}" candidates
    local -a command
    read -ra command <<< "${PCAPIKE_COMPLETE_COMMAND:-pcapike}"
    candidates=$("${command[@]}" "[suggest:${COMP_POINT}]" "${COMP_LINE}" 2>/dev/null) || return 0
    local IFS=$'\n'
    COMPREPLY=($(compgen -W "${candidates}" -- "${cur}"))
}
complete -o default -F _pcapike_complete pcapike
