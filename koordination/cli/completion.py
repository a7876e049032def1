"""`koordination completion bash|zsh|fish`: shell completion generated from the parser itself,
so a new command or option completes without anyone editing a script."""

from __future__ import annotations

import argparse
import shlex
from dataclasses import dataclass, field
from typing import Any

from koordination.cli.common import command

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
    tree = walk(args.parser)
    print({"bash": bash, "zsh": zsh, "fish": fish}[args.shell](tree), end="")
    return 0


# --------------------------------------------------------------------------- the tree
@dataclass
class Option:
    strings: list[str]
    help: str
    choices: list[str] | None
    takes_value: bool


@dataclass
class Node:
    """One (sub-)command: its words from the top, what follows it, what it accepts."""

    path: str
    subcommands: list[tuple[str, str]] = field(default_factory=list)
    options: list[Option] = field(default_factory=list)
    #: Choices of its first positional argument (``completion SHELL``, ``password set KONTO``).
    positional_choices: list[str] = field(default_factory=list)


def _quoted(path: str) -> str:
    """The command's words as one shell word ('' for the top)."""
    return shlex.quote(path)


def _plain(text: str | None) -> str:
    return " ".join((text or "").split()).replace("%%", "%")


def walk(parser: argparse.ArgumentParser, path: str = "") -> list[Node]:
    """Every command of ``parser``, the top first."""
    node = Node(path)
    children: list[tuple[str, argparse.ArgumentParser]] = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            helps = {a.dest: a.help for a in action._choices_actions}
            for name, child in action.choices.items():
                node.subcommands.append((name, _plain(helps.get(name))))
                children.append((name, child))
        elif action.option_strings:
            choices = [str(c) for c in action.choices] if action.choices else None
            node.options.append(
                Option(list(action.option_strings), _plain(action.help), choices, action.nargs != 0)
            )
        elif action.choices and not node.positional_choices:
            node.positional_choices = [str(c) for c in action.choices]
    nodes = [node]
    for name, child in children:
        nodes += walk(child, f"{path} {name}".strip())
    return nodes


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
            "_koordination() {",
            '    local cur="${COMP_WORDS[COMP_CWORD]}" prev="${COMP_WORDS[COMP_CWORD-1]}"',
            '    local cmdpath="" word subs opts vals i',
            "    for ((i = 1; i < COMP_CWORD; i++)); do",
            '        word="${COMP_WORDS[i]}"',
            '        subs=""; opts=""',
            '        _koordination_words "$cmdpath"',
            '        if [[ " $subs " == *" $word "* ]]; then',
            '            cmdpath="${cmdpath:+$cmdpath }$word"',
            "        fi",
            "    done",
            '    subs=""; opts=""; vals=""',
            '    _koordination_words "$cmdpath"',
            '    if _koordination_values "$cmdpath|$prev"; then',
            '        COMPREPLY=($(compgen -W "$vals" -- "$cur"))',
            '    elif [[ "$cur" == -* ]]; then',
            '        COMPREPLY=($(compgen -W "$opts" -- "$cur"))',
            '    elif [[ -n "$subs" ]]; then',
            '        COMPREPLY=($(compgen -W "$subs" -- "$cur"))',
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
            "_koordination() {",
            '    local cmdpath="" word i',
            "    local -a subs opts vals",
            "    for (( i = 2; i < CURRENT; i++ )); do",
            "        word=${words[i]}",
            "        subs=(); opts=()",
            '        _koordination_words "$cmdpath"',
            '        if (( ${subs[(I)${word}:*]} )); then cmdpath="${cmdpath:+$cmdpath }$word"; fi',
            "    done",
            "    subs=(); opts=(); vals=()",
            '    _koordination_words "$cmdpath"',
            '    if _koordination_values "$cmdpath|${words[CURRENT-1]}"; then',
            "        compadd -a vals",
            "    elif [[ ${words[CURRENT]} == -* ]]; then",
            "        _describe -t options Option opts",
            "    elif (( ${#subs} )); then",
            "        _describe -t commands Befehl subs",
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
        "        set -l next (string join ' ' $found $word)",
        "        if contains -- $next $__koordination_paths",
        "            set found $found $word",
        "        end",
        "    end",
        "    string join ' ' $found",
        "end",
        "function __koordination_at",
        "    set -l here (__koordination_path)",
        '    test "$here" = "$argv[1]"',
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
        for option in node.options:
            flags = []
            for string in option.strings:
                if string.startswith("--"):
                    flags.append(f"-l {shlex.quote(string[2:])}")
                else:
                    flags.append(f"-s {shlex.quote(string[1:])}")
            if option.choices:
                flags.append(f"-x -a {shlex.quote(' '.join(option.choices))}")
            elif option.takes_value:
                flags.append("-r -F")
            lines.append(
                f"complete -c koordination -n {at} {' '.join(flags)} -d {shlex.quote(option.help)}"
            )
    return "\n".join(lines) + "\n"
