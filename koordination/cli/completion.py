"""`koordination completion bash|zsh|fish`: shell completion generated from the parser itself,
so a new command or option completes without anyone editing a script. Record numbers (people,
meetings, groups, surveys) complete through the hidden `koordination _complete KIND`."""

from __future__ import annotations

import argparse
import shlex
from dataclasses import dataclass, field
from typing import Any

from koordination.cli.common import command, number

SHELLS = ("bash", "zsh", "fish")

HOW_TO = {
    "bash": 'eval "$(koordination completion bash)"   # in ~/.bashrc',
    "zsh": 'eval "$(koordination completion zsh)"    # in ~/.zshrc, nach compinit',
    "fish": "koordination completion fish > ~/.config/fish/completions/koordination.fish",
}


def register(sub: Any) -> None:
    completion = command(
        sub,
        "completion",
        "Vervollständigung mit der Tab-Taste für bash, zsh oder fish ausgeben",
        run,
        examples=tuple(HOW_TO.values()),
    )
    completion.add_argument("shell", metavar="SHELL", choices=SHELLS, help="bash, zsh oder fish")


def run(args: argparse.Namespace) -> int:
    from koordination.cli.main import build_parser

    tree = walk(build_parser())  # every command, not only the one typed
    print({"bash": bash, "zsh": zsh, "fish": fish}[args.shell](tree), end="")
    return 0


# --------------------------------------------------------------------------- the tree
@dataclass
class Option:
    strings: list[str]
    help: str
    choices: list[str] | None
    takes_value: bool
    #: The records its value names (``record_numbers.KINDS``), if any.
    kind: str | None = None


@dataclass
class Node:
    """One (sub-)command: its words from the top, what follows it, what it accepts."""

    path: str
    subcommands: list[tuple[str, str]] = field(default_factory=list)
    options: list[Option] = field(default_factory=list)
    #: Choices of its first positional argument (``completion SHELL``, ``password set KONTO``).
    positional_choices: list[str] = field(default_factory=list)
    #: The records its first positional argument names (``people show NR``), if any.
    positional_kind: str | None = None


def _quoted(path: str) -> str:
    """The command's words as one shell word ('' for the top)."""
    return shlex.quote(path)


def _plain(text: str | None) -> str:
    return " ".join((text or "").split()).replace("%%", "%")


def record_kind(action: argparse.Action) -> str | None:
    """Which records an argument names: a group by name or number, or a person's, meeting's or
    survey's number (known by its metavar and help; ``replies accept NR`` names none)."""
    if action.metavar == "GRUPPE":
        return "groups"
    if action.type is not number:
        return None
    if action.metavar == "TERMIN":
        return "meetings"
    if action.metavar == "UMFRAGE":
        return "surveys"
    if action.metavar == "NR":
        if "Person" in (action.help or ""):
            return "people"
        if "Termin" in (action.help or ""):
            return "meetings"
    return None


def walk(parser: argparse.ArgumentParser, path: str = "") -> list[Node]:
    """Every command of ``parser``, the top first."""
    node = Node(path)
    children: list[tuple[str, argparse.ArgumentParser]] = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            helps = {a.dest: a.help for a in action._choices_actions}
            for name, child in action.choices.items():
                if name.startswith("_"):
                    continue  # hidden helpers (_complete)
                node.subcommands.append((name, _plain(helps.get(name))))
                children.append((name, child))
        elif action.option_strings:
            choices = [str(c) for c in action.choices] if action.choices else None
            strings = list(action.option_strings)
            help_text = _plain(action.help)
            takes_value = action.nargs != 0
            node.options.append(
                Option(strings, help_text, choices, takes_value, record_kind(action))
            )
        elif action.choices and not node.positional_choices:
            node.positional_choices = [str(c) for c in action.choices]
        elif node.positional_kind is None:
            node.positional_kind = record_kind(action)
    nodes = [node]
    for name, child in children:
        nodes += walk(child, f"{path} {name}".strip())
    return nodes


def _record_keys(tree: list[Node]) -> list[tuple[str, str]]:
    """("people show|", "people"), ("invite|--person", "people") …: where a record number goes
    ("PATH|" for the command's positional argument, "PATH|OPTION" for an option's value)."""
    keys = []
    for node in tree:
        if node.positional_kind:
            keys.append((f"{node.path}|", node.positional_kind))
        for option in node.options:
            if option.kind:
                keys += [(f"{node.path}|{string}", option.kind) for string in option.strings]
    return keys


# --------------------------------------------------------------------------- bash
def bash(tree: list[Node]) -> str:
    cases = []
    for node in tree:
        words = [n for n, _ in node.subcommands] + node.positional_choices
        opts = [s for o in node.options for s in o.strings]
        cases.append(
            f"        {_quoted(node.path)}) subs={shlex.quote(' '.join(words))}; "
            f"opts={shlex.quote(' '.join(opts))};;"
        )
    values = []
    for node in tree:
        for option in node.options:
            if option.choices:
                for string in option.strings:
                    key = shlex.quote(f"{node.path}|{string}")
                    values.append(f"        {key}) vals={shlex.quote(' '.join(option.choices))};;")
    kinds = [f"        {shlex.quote(key)}) kind={kind};;" for key, kind in _record_keys(tree)]
    return "\n".join(
        [
            "# bash completion for koordination (koordination completion bash)",
            "_koordination_words() {",
            '    case "$1" in',
            *cases,
            "    esac",
            "}",
            "_koordination_values() {",
            '    case "$1" in',
            *values,
            "        *) return 1;;",
            "    esac",
            "}",
            "_koordination_kind() {",
            '    case "$1" in',
            *kinds,
            "        *) return 1;;",
            "    esac",
            "}",
            "# The numbers of KIND ($1) in the database of the command line's --db, else the",
            "# configured one, as the hidden `koordination _complete KIND` lists them.",
            "_koordination_records() {",
            '    local prog="${COMP_WORDS[0]}" db="" nr label i',
            "    for ((i = 1; i < COMP_CWORD; i++)); do",
            '        if [[ "${COMP_WORDS[i]}" == --db ]]; then',
            '            db="${COMP_WORDS[i+1]}"',
            '            [[ "$db" == "=" ]] && db="${COMP_WORDS[i+2]}"',
            '        elif [[ "${COMP_WORDS[i]}" == --db=* ]]; then',
            '            db="${COMP_WORDS[i]#--db=}"',
            "        fi",
            "    done",
            '    [[ "$prog" == "~/"* ]] && prog="$HOME/${prog#"~/"}"',
            '    [[ "$db" == "~/"* ]] && db="$HOME/${db#"~/"}"',
            "    COMPREPLY=()",
            "    while IFS=$'\\t' read -r nr label; do",
            '        [[ "$nr" == "$cur"* ]] && COMPREPLY+=("$nr")',
            '    done < <("$prog" _complete "$1" ${db:+--db "$db"} 2>/dev/null)',
            "}",
            "_koordination() {",
            '    local cur="${COMP_WORDS[COMP_CWORD]}" prev="${COMP_WORDS[COMP_CWORD-1]}"',
            '    local cmdpath="" word subs opts vals kind="" numbered="" i',
            "    for ((i = 1; i < COMP_CWORD; i++)); do",
            '        word="${COMP_WORDS[i]}"',
            '        subs=""; opts=""',
            '        _koordination_words "$cmdpath"',
            '        if [[ " $subs " == *" $word "* ]]; then',
            '            cmdpath="${cmdpath:+$cmdpath }$word"',
            '        elif [[ "$word" =~ ^[0-9]+$ && "${COMP_WORDS[i-1]}" != -* ]]; then',
            "            numbered=1  # the record number is given already",
            "        fi",
            "    done",
            '    subs=""; opts=""; vals=""',
            '    _koordination_words "$cmdpath"',
            '    if _koordination_values "$cmdpath|$prev"; then',
            '        COMPREPLY=($(compgen -W "$vals" -- "$cur"))',
            '    elif [[ "$prev" == -* ]] && _koordination_kind "$cmdpath|$prev"; then',
            '        _koordination_records "$kind"',
            '    elif [[ "$cur" == -* ]]; then',
            '        COMPREPLY=($(compgen -W "$opts" -- "$cur"))',
            '    elif [[ -n "$subs" ]]; then',
            '        COMPREPLY=($(compgen -W "$subs" -- "$cur"))',
            '    elif [[ -z "$numbered" ]] && _koordination_kind "$cmdpath|"; then',
            '        _koordination_records "$kind"',
            "    else",
            '        COMPREPLY=($(compgen -f -- "$cur"))',
            "    fi",
            "}",
            "complete -o filenames -F _koordination koordination",
            "",
        ]
    )


# --------------------------------------------------------------------------- zsh
def _zsh_entry(name: str, text: str) -> str:
    name = name.replace(":", "\\:")
    return shlex.quote(f"{name}:{text}")


def zsh(tree: list[Node]) -> str:
    cases = []
    for node in tree:
        subs = [_zsh_entry(n, h) for n, h in node.subcommands]
        subs += [_zsh_entry(c, "") for c in node.positional_choices]
        opts = [_zsh_entry(s, o.help) for o in node.options for s in o.strings]
        cases.append(
            f"        ({_quoted(node.path)}) subs=({' '.join(subs)}); opts=({' '.join(opts)});;"
        )
    values = []
    for node in tree:
        for option in node.options:
            if option.choices:
                for string in option.strings:
                    key = shlex.quote(f"{node.path}|{string}")
                    choices = " ".join(shlex.quote(c) for c in option.choices)
                    values.append(f"        ({key}) vals=({choices});;")
    kinds = [f"        ({shlex.quote(key)}) kind={kind};;" for key, kind in _record_keys(tree)]
    return "\n".join(
        [
            "#compdef koordination",
            "# zsh completion for koordination (koordination completion zsh)",
            "_koordination_words() {",
            '    case "$1" in',
            *cases,
            "    esac",
            "}",
            "_koordination_values() {",
            '    case "$1" in',
            *values,
            "        (*) return 1;;",
            "    esac",
            "}",
            "_koordination_kind() {",
            '    case "$1" in',
            *kinds,
            "        (*) return 1;;",
            "    esac",
            "}",
            "# The numbers of KIND ($1) with their labels, from the database of the command",
            "# line's --db, else the configured one, as `koordination _complete KIND` lists them.",
            "_koordination_records() {",
            '    local prog=${words[1]} db="" i',
            "    local -a recs",
            "    for (( i = 2; i < CURRENT; i++ )); do",
            "        [[ ${words[i]} == --db ]] && db=${words[i+1]}",
            "        [[ ${words[i]} == --db=* ]] && db=${words[i]#--db=}",
            "    done",
            "    [[ $prog == '~/'* ]] && prog=$HOME/${prog#'~/'}",
            "    [[ $db == '~/'* ]] && db=$HOME/${db#'~/'}",
            '    recs=(${(f)"$($prog _complete $1 ${db:+--db} ${db:+$db} 2>/dev/null)"})',
            "    recs=(${recs/$'\\t'/:})",
            "    _describe -t records Nummer recs",
            "}",
            "_koordination() {",
            '    local cmdpath="" word kind="" numbered="" i',
            "    local -a subs opts vals",
            "    for (( i = 2; i < CURRENT; i++ )); do",
            "        word=${words[i]}",
            "        subs=(); opts=()",
            '        _koordination_words "$cmdpath"',
            "        if (( ${subs[(I)${word}:*]} )); then",
            '            cmdpath="${cmdpath:+$cmdpath }$word"',
            "        elif [[ $word =~ '^[0-9]+$' && ${words[i-1]} != -* ]]; then",
            "            numbered=1  # the record number is given already",
            "        fi",
            "    done",
            "    subs=(); opts=(); vals=()",
            '    _koordination_words "$cmdpath"',
            '    if _koordination_values "$cmdpath|${words[CURRENT-1]}"; then',
            "        compadd -a vals",
            "    elif [[ ${words[CURRENT-1]} == -* ]] &&",
            '            _koordination_kind "$cmdpath|${words[CURRENT-1]}"; then',
            '        _koordination_records "$kind"',
            "    elif [[ ${words[CURRENT]} == -* ]]; then",
            "        _describe -t options Option opts",
            "    elif (( ${#subs} )); then",
            "        _describe -t commands Befehl subs",
            '    elif [[ -z $numbered ]] && _koordination_kind "$cmdpath|"; then',
            '        _koordination_records "$kind"',
            "    else",
            "        _files",
            "    fi",
            "}",
            'if [[ "$funcstack[1]" == _koordination ]]; then',
            '    _koordination "$@"',
            "else",
            "    compdef _koordination koordination",
            "fi",
            "",
        ]
    )


# --------------------------------------------------------------------------- fish
def fish(tree: list[Node]) -> str:
    paths = " ".join(shlex.quote(n.path) for n in tree if n.path)
    lines = [
        "# fish completion for koordination (koordination completion fish)",
        f"set -g __koordination_paths {paths}",
        "function __koordination_path",
        "    set -l found",
        "    for word in (commandline -opc)[2..-1]",
        "        set -l next (string join -- ' ' $found $word)",
        "        if contains -- $next $__koordination_paths",
        "            set found $found $word",
        "        end",
        "    end",
        "    string join -- ' ' $found",
        "end",
        "function __koordination_at",
        "    set -l here (__koordination_path)",
        '    test "$here" = "$argv[1]"',
        "end",
        "# The numbers of KIND with their labels, from the database of the command line's --db,",
        "# else the configured one, as the hidden `koordination _complete KIND` lists them.",
        "function __koordination_records",
        "    set -l tokens (commandline -opc)",
        "    set -l db",
        "    for i in (seq 2 (count $tokens))",
        '        if test "$tokens[$i]" = --db; and test $i -lt (count $tokens)',
        "            set db --db $tokens[(math $i + 1)]",
        "        else if string match -q -- '--db=*' \"$tokens[$i]\"",
        "            set db --db (string replace -- --db= '' $tokens[$i])",
        "        end",
        "    end",
        "    $tokens[1] _complete $argv[1] $db 2>/dev/null",
        "end",
        "# Whether the record number is given already.",
        "function __koordination_numbered",
        "    set -l tokens (commandline -opc)",
        "    for i in (seq 2 (count $tokens))",
        "        if string match -qr '^[0-9]+$' -- $tokens[$i]",
        "            and not string match -q -- '-*' $tokens[(math $i - 1)]",
        "            return 0",
        "        end",
        "    end",
        "    return 1",
        "end",
        "complete -c koordination -f",
    ]
    for node in tree:
        at = shlex.quote(f"__koordination_at {_quoted(node.path)}")
        for name, text in node.subcommands:
            lines.append(
                f"complete -c koordination -n {at} -a {shlex.quote(name)} -d {shlex.quote(text)}"
            )
        if node.positional_choices:
            words = shlex.quote(" ".join(node.positional_choices))
            lines.append(f"complete -c koordination -n {at} -a {words}")
        if node.positional_kind:
            unnumbered = shlex.quote(
                f"__koordination_at {_quoted(node.path)}; and not __koordination_numbered"
            )
            records = shlex.quote(f"(__koordination_records {node.positional_kind})")
            lines.append(f"complete -c koordination -n {unnumbered} -a {records}")
        for option in node.options:
            flags = []
            for string in option.strings:
                if string.startswith("--"):
                    flags.append(f"-l {shlex.quote(string[2:])}")
                else:
                    flags.append(f"-s {shlex.quote(string[1:])}")
            if option.choices:
                flags.append(f"-x -a {shlex.quote(' '.join(option.choices))}")
            elif option.kind:
                flags.append(f"-x -a {shlex.quote(f'(__koordination_records {option.kind})')}")
            elif option.takes_value:
                flags.append("-r -F")
            lines.append(
                f"complete -c koordination -n {at} {' '.join(flags)} -d {shlex.quote(option.help)}"
            )
    return "\n".join(lines) + "\n"
