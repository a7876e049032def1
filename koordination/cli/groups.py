"""`koordination groups list`: working groups, steering group and other circles."""

from __future__ import annotations

import argparse
from typing import Any

from koordination.cli.common import actions, command, list_options, open_core, print_json, table


def register(sub: Any) -> None:
    groups = actions(command(sub, "groups", "Gruppen auflisten"), "group_command")
    list_options(command(groups, "list", "Gruppen auflisten", cmd_list), group=False, tag=False)


def cmd_list(args: argparse.Namespace) -> int:
    from koordination.outputs.builders.directory import group_row_json

    directory = open_core(args).directory
    rows = directory.list_groups(search=args.search, archived=args.archived, sector=args.sector)
    if args.json:
        print_json([group_row_json(r) for r in rows])
        return 0
    table(
        [(str(r.id), r.kind.label, r.name, str(r.members)) for r in rows],
        ("Nr.", "Art", "Name", "Mitglieder"),
    )
    return 0
