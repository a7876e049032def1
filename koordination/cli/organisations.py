"""`koordination organisations list`: the organisations of the network."""

from __future__ import annotations

import argparse
from typing import Any

from koordination.cli.common import (
    actions,
    command,
    group_id,
    list_options,
    note,
    open_core,
    print_json,
    table,
)


def register(sub: Any) -> None:
    orgs = actions(command(sub, "organisations", "Organisationen auflisten"), "org_command")
    list_options(command(orgs, "list", "Organisationen auflisten", cmd_list), group=True, tag=False)


def cmd_list(args: argparse.Namespace) -> int:
    from koordination.outputs.builders.directory import organisation_row_json
    from koordination.services.directory.search import OrganisationFilter

    directory = open_core(args).directory
    f = OrganisationFilter(
        search=args.search,
        sector=args.sector,
        group_id=group_id(directory, args.group),
        archived=args.archived,
    )
    rows = directory.list_organisations(f)
    if args.json:
        print_json([organisation_row_json(r) for r in rows])
        return 0
    table(
        [(str(r.id), r.name, r.sector.label, r.kind.label, str(r.people)) for r in rows],
        ("Nr.", "Name", "Sektor", "Art", "Personen"),
    )
    note(f"{len(rows)} Organisationen")
    return 0
