"""The directory's forms and dialogs (Personen, Organisationen, Gruppen) and the app-wide help and
command palette, as the user opens them by key, at 80×24 and at 120×40."""

from __future__ import annotations

import pytest
from snapshot_support import fixed_paths, opens, press, snap
from textual.command import CommandPalette
from tui_support import make_app, settle

from koordination.tui.areas.erasure import EraseScreen
from koordination.tui.dialogs.common import HelpScreen
from koordination.tui.dialogs.directory import AffiliationScreen, MembershipScreen
from koordination.tui.dialogs.export import ExportDialog
from koordination.tui.dialogs.form import FormScreen
from koordination.tui.dialogs.transfer import ImportScreen


async def test_every_directory_dialog_at_both_sizes(
    demo_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    fixed_paths(monkeypatch)
    app = make_app(demo_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        await press(pilot, app, "2")
        for keys, kind, name in (
            (("n",), FormScreen, "person-new"),
            (("e",), FormScreen, "person-edit"),
            (("plus",), AffiliationScreen, "person-affiliation"),
            (("w",), FormScreen, "person-consent"),
            (("x",), FormScreen, "person-archive"),
            (("delete",), EraseScreen, "person-erase"),
            (("i",), ImportScreen, "person-import"),
            (("ctrl+e",), ExportDialog, "person-export"),
            (("f1",), HelpScreen, "help"),
        ):
            await opens(pilot, app, keys, kind)
            await snap(pilot, app, name)
            await press(pilot, app, "escape")
            assert len(app.screen_stack) == 1, f"{name}: Esc schließt nicht"

        await opens(pilot, app, ("ctrl+p", *"pdf"), CommandPalette)
        await snap(pilot, app, "command-palette")
        await press(pilot, app, "escape")

        await press(pilot, app, "3")
        await opens(pilot, app, ("n",), FormScreen)
        await snap(pilot, app, "organisation-new")
        await press(pilot, app, "escape")

        await press(pilot, app, "4")
        await opens(pilot, app, ("n",), FormScreen)
        await snap(pilot, app, "group-new")
        await press(pilot, app, "escape")
        await opens(pilot, app, ("plus",), MembershipScreen)
        await snap(pilot, app, "group-membership")
        await press(pilot, app, "escape")
