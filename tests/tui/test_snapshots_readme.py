"""The README's pictures (docs/*.svg): the demo city at 100×30, a size most terminals open with
or exceed, so the pictures show what a reader will see. Drawn anew by `make snapshots`."""

from __future__ import annotations

from pathlib import Path

import pytest
from snapshot_support import check, fixed_paths, press, steady_picture
from tui_support import make_app, settle

DOCS = Path(__file__).parents[2] / "docs"
SIZE = (100, 30)


async def test_readme_pictures_show_the_demo_city_at_100x30(
    demo_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    fixed_paths(monkeypatch)
    app = make_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        for key, name in (("1", "uebersicht"), ("2", "personen"), ("6", "termine")):
            await press(pilot, app, key)
            check(await steady_picture(pilot, app, name, title="koordination"), name, DOCS)
